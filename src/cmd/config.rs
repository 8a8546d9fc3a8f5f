//! `supportlens config init`: writes the commented default configuration.
//!
//! The file appears whole or not at all: it is written to a temporary file beside the
//! target and renamed into place, so a full disk leaves nothing half-written. Without
//! `--force` an existing path (a dangling symbolic link included) is never replaced; with
//! it only a regular file or a link is, never a device or FIFO such as `/dev/full`.

use std::io::Write;
use std::path::Path;

use crate::cli::ConfigCommand;
use crate::error::Failure;

pub fn run(cmd: &ConfigCommand) -> anyhow::Result<()> {
    match cmd {
        ConfigCommand::Init { path, force } => {
            init(path, *force)?;
            super::say(&format!("wrote {}", path.display()));
            Ok(())
        }
    }
}

/// Writes the template to `path`; every failure is a usage error (exit 2) naming it.
fn init(path: &Path, force: bool) -> anyhow::Result<()> {
    let fail = |what: String| -> anyhow::Error { Failure::usage(what).into() };
    match std::fs::symlink_metadata(path) {
        Ok(_) if !force => {
            return Err(fail(format!(
                "{} already exists; pass --force to overwrite it or name another path",
                path.display()
            )));
        }
        Ok(meta) if !(meta.is_file() || meta.file_type().is_symlink()) => {
            return Err(fail(format!(
                "{} is {}, not a file; name a file path for the configuration",
                path.display(),
                crate::input_file::kind(&meta.file_type())
            )));
        }
        _ => {}
    }
    let folder = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !folder.is_dir() {
        return Err(fail(format!(
            "cannot write {}: the folder {} does not exist; create it first or name another path",
            path.display(),
            folder.display()
        )));
    }
    let cannot = |e: std::io::Error| {
        fail(format!(
            "cannot write {}: {e}; check that {} is a folder you can write with free space",
            path.display(),
            folder.display()
        ))
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".supportlens-config-")
        .tempfile_in(folder)
        .map_err(cannot)?;
    // A temporary file is private (0600); the configuration holds no secret and is read
    // by whoever runs supportlens, as a file written the ordinary way would be.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .map_err(cannot)?;
    }
    tmp.write_all(crate::config::template().as_bytes())
        .and_then(|()| tmp.as_file().sync_all())
        .map_err(cannot)?;
    if force {
        tmp.persist(path).map_err(|e| cannot(e.error))?;
    } else {
        // Refuses to replace a file made since the look above.
        tmp.persist_noclobber(path).map_err(|e| cannot(e.error))?;
    }
    Ok(())
}
