//! Fuzz target: a `supportlens.toml` text loaded into settings (`config::from_text`), as
//! `--config` reads it. The file's folder holds a `holidays.ics`, so a config that names it
//! reaches the holiday reader too.

use supportlens::config::from_text;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder for the fuzz input");
    std::fs::write(
        dir.path().join("holidays.ics"),
        include_str!("../../../tests/fixtures/holidays.ics"),
    )
    .expect("write holidays.ics");
    let path = dir.path().join("supportlens.toml");
    afl::fuzz!(|data: &[u8]| {
        if let Ok(text) = std::str::from_utf8(data) {
            let _ = from_text(text, &path);
        }
    });
}
