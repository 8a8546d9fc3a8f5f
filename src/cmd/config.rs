//! `supportlens config init`: writes the commented default configuration.

use anyhow::Context;

use crate::cli::ConfigCommand;
use crate::error::Failure;

pub fn run(cmd: &ConfigCommand) -> anyhow::Result<()> {
    match cmd {
        ConfigCommand::Init { path, force } => {
            if path.exists() && !force {
                return Err(Failure::usage(format!(
                    "{} already exists; pass --force to overwrite it or name another path",
                    path.display()
                ))
                .into());
            }
            std::fs::write(path, crate::config::template())
                .with_context(|| format!("writing {}", path.display()))?;
            super::say(&format!("wrote {}", path.display()));
            Ok(())
        }
    }
}
