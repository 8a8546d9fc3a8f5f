use crate::cli::GenerateArgs;
pub fn run(_args: &GenerateArgs) -> anyhow::Result<()> {
    anyhow::bail!("tmp")
}
