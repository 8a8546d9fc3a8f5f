//! Opening a file a person named (a JSON export, the config, an `.ics` calendar, a saved
//! query) without ever blocking on something that is not a file: a FIFO named `x.json`
//! would make a plain `open` wait forever for a writer, and a device would read forever.
//! The file is opened non-blocking and then must be a regular file.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// True when `e` is a limit of this process or machine (too many open files in it or in
/// the system, no memory), not the fault of the file it was opening: such a run is exit 2
/// saying what to raise, never a file called unreadable or damaged.
pub fn is_machine_limit(e: &io::Error) -> bool {
    // EMFILE, ENFILE, ENOMEM.
    let limit = |e: &io::Error| matches!(e.raw_os_error(), Some(23 | 24 | 12));
    if limit(e) || e.kind() == io::ErrorKind::OutOfMemory {
        return true;
    }
    // An error wrapped with its path (tempfile's) hides the system's error from its
    // source chain; its text still ends with std's own words for it.
    let text = e.to_string();
    ["(os error 23)", "(os error 24)", "(os error 12)"]
        .iter()
        .any(|code| text.contains(code))
}

/// The error for an input `path` that this machine would not let be opened or read
/// ([`is_machine_limit`]): exit 2, naming what to raise.
pub fn refused_by_machine(what: &str, path: &Path, e: &io::Error) -> crate::error::Failure {
    crate::error::Failure::usage(format!(
        "{what} {}: {e}; the input is not at fault: raise the limit on open files (`ulimit \
         -n`) or free memory, then run again",
        path.display()
    ))
}

/// Opens `path` for reading when it is a regular file (symbolic links are followed); a
/// FIFO, socket, device or folder is an `InvalidInput` error saying what it is.
pub fn open(path: &Path) -> io::Result<File> {
    let file = open_nonblocking(path)?;
    let meta = file.metadata()?;
    if meta.is_file() {
        Ok(file)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it is {}, not a regular file; supportlens reads only regular files",
                kind(&meta.file_type())
            ),
        ))
    }
}

/// As [`open`], but a symbolic link is refused (`InvalidInput`) instead of followed: for
/// the files of a folder supportlens owns (the snapshot), which it wrote itself, so a link
/// there leads out of the folder to a file it never wrote.
pub fn open_own(path: &Path) -> io::Result<File> {
    let link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if link {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "it is a symbolic link, not a file supportlens wrote; supportlens does not \
             follow links in its own folders",
        ));
    }
    // Opened without following a link put there since the check, where the OS can say so.
    open_nonblocking_own(path).and_then(|file| match file.metadata()? {
        meta if meta.is_file() => Ok(file),
        meta => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it is {}, not a regular file; supportlens reads only regular files",
                kind(&meta.file_type())
            ),
        )),
    })
}

/// Opens `path` as [`open_nonblocking`] does, but never through a symbolic link (Linux:
/// `O_NOFOLLOW`; elsewhere the caller's check before opening stands alone).
fn open_nonblocking_own(path: &Path) -> io::Result<File> {
    #[cfg(target_os = "linux")]
    return open_linux(path, rustix::fs::OFlags::NOFOLLOW);
    #[cfg(not(target_os = "linux"))]
    open_nonblocking(path)
}

/// Largest file [`read_to_string`] reads (a config, a JQL or SQL file, a snapshot's
/// manifest): a config listing a million holidays is 13 MB; past this it is the wrong file.
const MAX_TEXT_BYTES: u64 = 64 << 20;

/// The whole file as text, after the checks of [`open`] and [`read_sized`], when it holds
/// at most 64 MiB.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    text(read_sized(open(path)?, MAX_TEXT_BYTES)?)
}

/// As [`read_to_string`], for a file of a folder supportlens owns (see [`open_own`]).
pub fn read_own_to_string(path: &Path) -> io::Result<String> {
    text(read_sized(open_own(path)?, MAX_TEXT_BYTES)?)
}

fn text(bytes: Vec<u8>) -> io::Result<String> {
    String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

/// Everything `file` holds, which must be exactly the bytes its size says and at most
/// `max`: a kernel file (`/proc/self/pagemap`) says 0 bytes and reads without end, and a
/// file still being written grows while read, so either is refused (`InvalidData`)
/// instead of filling memory or being read half-written.
pub fn read_sized(file: File, max: u64) -> io::Result<Vec<u8>> {
    let len = file.metadata()?.len();
    if len > max {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("it is {len} bytes, more than the {} MiB read", max >> 20),
        ));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(len.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 != len {
        return Err(changed_size(len));
    }
    Ok(bytes)
}

/// Why a file that held other than the bytes its size said is refused.
pub fn changed_size(len: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "it did not hold the {len} bytes its size says: it is still being written, or it \
             is a kernel file that does not say its size; copy it to a regular file once it \
             is complete"
        ),
    )
}

/// Largest `SSL_CERT_FILE` read: the system's whole bundle is about 200 KiB.
const MAX_CA_FILE: u64 = 16 << 20;

/// Checks the CA file a site names in `SSL_CERT_FILE` (`value`, the variable's value) before
/// a TLS client reads it (rustls-native-certs reads it whole, replacing the system's roots):
/// it must be a regular file of at most 16 MiB, so a FIFO cannot hang the run and a huge
/// file cannot fill memory. Unset or empty is fine. The error names the variable and the
/// path (cut), and says what to do.
pub fn check_ca_file(value: Option<&std::ffi::OsStr>) -> Result<(), String> {
    let Some(path) = value.filter(|v| !v.is_empty()).map(Path::new) else {
        return Ok(());
    };
    let whole = path.display().to_string();
    let shown = crate::error::cut(&whole, 80);
    let fail = |why: String| {
        format!(
            "SSL_CERT_FILE={shown}: {why}; name a PEM file of CA certificates, or unset it to \
             use the system's roots"
        )
    };
    let file = open(path).map_err(|e| fail(e.to_string()))?;
    let bytes = file.metadata().map_err(|e| fail(e.to_string()))?.len();
    if bytes > MAX_CA_FILE {
        return Err(fail(format!("{bytes} bytes, more than 16 MiB")));
    }
    if bytes == 0 {
        return Err(fail(EMPTY.to_string()));
    }
    Ok(())
}

/// Most entries read from one `SSL_CERT_DIR` folder: a system's hashed certificate folder
/// holds a few hundred.
const MAX_CA_DIR_ENTRIES: usize = 10_000;

/// Most bytes of all the files the `SSL_CERT_DIR` folders hold together, each file counted
/// once however many names it has (a system's whole folder is well under 1 MiB).
const MAX_CA_DIR_BYTES: u64 = 64 << 20;

/// Why a CA file of 0 bytes is refused: a kernel file (`/proc/...`) says 0 and reads without
/// end, and a real empty file holds no certificate.
const EMPTY: &str = "it is empty, or a kernel file that does not say its size";

/// Checks the CA variables a TLS client reads (`SSL_CERT_FILE` as [`check_ca_file`], then
/// `SSL_CERT_DIR` as [`check_ca_dirs`]) from this process's environment.
pub fn check_ca_env() -> Result<(), String> {
    check_ca_file(std::env::var_os("SSL_CERT_FILE").as_deref())?;
    check_ca_dirs(std::env::var_os("SSL_CERT_DIR").as_deref())
}

/// Checks the folders a site names in `SSL_CERT_DIR` (`value`, `:`-separated) before a TLS
/// client reads every regular file in them (rustls-native-certs follows symbolic links and
/// skips anything else, so a FIFO there is harmless): each folder may hold at most 10,000
/// entries, and its regular files at most 16 MiB each, so a huge file or folder cannot fill
/// memory. Unset or empty is fine; a folder that cannot be read is skipped, as the TLS
/// client skips it.
pub fn check_ca_dirs(value: Option<&std::ffi::OsStr>) -> Result<(), String> {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return Ok(());
    };
    let mut seen = std::collections::HashSet::new();
    let mut total = 0u64;
    for dir in std::env::split_paths(value).filter(|p| !p.as_os_str().is_empty()) {
        let whole = dir.display().to_string();
        let shown = crate::error::cut(&whole, 80);
        let fail = |why: String| {
            format!(
                "SSL_CERT_DIR names {shown}: {why}; name folders of PEM CA certificates, or \
                 unset it to use the system's roots"
            )
        };
        // A folder that cannot be read is left to the TLS client, which skips it and uses
        // the others (a stale entry must not stop a site's cron that works).
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for (n, entry) in entries.enumerate() {
            if n >= MAX_CA_DIR_ENTRIES {
                return Err(fail(format!("more than {MAX_CA_DIR_ENTRIES} entries")));
            }
            let path = entry.map_err(|e| fail(e.to_string()))?.path();
            // As the TLS client does: a link is followed, a dangling one skipped.
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if !meta.is_file() || !seen.insert(file_id(&meta)) {
                continue;
            }
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let name = crate::error::cut(&name, 60);
            if meta.len() > MAX_CA_FILE {
                return Err(fail(format!(
                    "{name} is {} bytes, more than 16 MiB",
                    meta.len()
                )));
            }
            if meta.len() == 0 {
                return Err(fail(format!("{name}: {EMPTY}")));
            }
            total += meta.len();
            if total > MAX_CA_DIR_BYTES {
                return Err(fail(format!(
                    "its files reach {total} bytes, more than 64 MiB in all"
                )));
            }
        }
    }
    Ok(())
}

/// What tells files apart however many names they have: (device, inode) on Unix, as the
/// TLS client reads each file once; elsewhere each name counts.
#[cfg(unix)]
fn file_id(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

#[cfg(not(unix))]
fn file_id(meta: &std::fs::Metadata) -> (u64, u64) {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let _ = meta;
    (0, NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

/// `O_NONBLOCK` makes opening a FIFO return at once; it changes nothing for a regular file.
#[cfg(target_os = "linux")]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    open_linux(path, rustix::fs::OFlags::empty())
}

/// Opens `path` for reading with `O_NONBLOCK | O_NOCTTY` and `extra`.
#[cfg(target_os = "linux")]
fn open_linux(path: &Path, extra: rustix::fs::OFlags) -> io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY | extra;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)
}

/// Elsewhere the file's type is checked before opening it (a race remains, which Linux's
/// flag closes).
#[cfg(not(target_os = "linux"))]
fn open_nonblocking(path: &Path) -> io::Result<File> {
    let meta = std::fs::metadata(path)?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "it is {}, not a regular file; supportlens reads only regular files",
                kind(&meta.file_type())
            ),
        ));
    }
    File::open(path)
}

/// What a file that is not a regular file is, in words.
pub fn kind(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if t.is_dir() {
        "a folder"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn limits_of_the_machine_are_told_even_when_wrapped() {
        use std::io::{Error, ErrorKind};
        assert!(super::is_machine_limit(&Error::from_raw_os_error(24)));
        assert!(super::is_machine_limit(&Error::from_raw_os_error(12)));
        assert!(!super::is_machine_limit(&Error::from_raw_os_error(2)));
        // As tempfile wraps one with its path.
        let wrapped = Error::other("Too many open files (os error 24) at path \"/d/.t.tmp\"");
        assert!(super::is_machine_limit(&wrapped));
        assert!(!super::is_machine_limit(&Error::new(
            ErrorKind::NotFound,
            "gone"
        )));
    }
    use super::*;

    #[test]
    fn a_regular_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(&path, "{}").unwrap();
        assert_eq!(read_to_string(&path).unwrap(), "{}");
    }

    #[test]
    fn a_folder_or_device_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let err = open(dir.path()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        assert!(err.to_string().contains("it is a folder"), "{err}");
        #[cfg(unix)]
        {
            let err = open(Path::new("/dev/null")).unwrap_err();
            assert!(err.to_string().contains("it is a device"), "{err}");
        }
    }

    /// Without the non-blocking open this test would hang: nobody writes the FIFO.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_fifo_is_refused_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pipe.json");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &path,
            rustix::fs::Mode::from_raw_mode(0o600),
        )
        .unwrap();
        let err = open(&path).unwrap_err();
        assert!(err.to_string().contains("FIFO"), "{err}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_ca_file_must_be_a_regular_file_of_bounded_size() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(check_ca_file(None), Ok(()));
        assert_eq!(check_ca_file(Some("".as_ref())), Ok(()));
        let pem = dir.path().join("ca.pem");
        std::fs::write(&pem, "-----BEGIN CERTIFICATE-----\n").unwrap();
        assert_eq!(check_ca_file(Some(pem.as_os_str())), Ok(()));
        // A FIFO would hang the TLS client's read: refused at once.
        let pipe = dir.path().join("pipe.pem");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            &pipe,
            rustix::fs::Mode::from_raw_mode(0o600),
        )
        .unwrap();
        let err = check_ca_file(Some(pipe.as_os_str())).unwrap_err();
        assert!(err.starts_with("SSL_CERT_FILE="), "{err}");
        assert!(err.contains("FIFO") && err.contains("unset it"), "{err}");
        let missing = check_ca_file(Some(dir.path().join("none.pem").as_os_str())).unwrap_err();
        assert!(missing.contains("none.pem"), "{missing}");
        // 16 MiB and one byte, sparse.
        let huge = dir.path().join("huge.pem");
        std::fs::File::create(&huge)
            .unwrap()
            .set_len((16 << 20) + 1)
            .unwrap();
        let err = check_ca_file(Some(huge.as_os_str())).unwrap_err();
        assert!(err.contains("16777217 bytes, more than 16 MiB"), "{err}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_ca_folders_must_be_folders_without_huge_files() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(check_ca_dirs(None), Ok(()));
        assert_eq!(check_ca_dirs(Some("".as_ref())), Ok(()));
        let certs = dir.path().join("certs");
        std::fs::create_dir(&certs).unwrap();
        std::fs::write(certs.join("a.pem"), "-----BEGIN CERTIFICATE-----\n").unwrap();
        // A FIFO in the folder is skipped by the TLS client, and so here: no hang.
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            certs.join("pipe.pem"),
            rustix::fs::Mode::from_raw_mode(0o600),
        )
        .unwrap();
        std::os::unix::fs::symlink(dir.path().join("gone.pem"), certs.join("dangling.pem"))
            .unwrap();
        assert_eq!(check_ca_dirs(Some(certs.as_os_str())), Ok(()));
        // A missing folder and a file are skipped, as the TLS client skips them.
        let two = format!(
            "{}::{}",
            dir.path().join("nowhere").display(),
            certs.display()
        );
        assert_eq!(check_ca_dirs(Some(two.as_ref())), Ok(()));
        assert_eq!(check_ca_dirs(Some(certs.join("a.pem").as_os_str())), Ok(()));
        // A huge file, reached through a link as the TLS client would: refused, named.
        let huge = dir.path().join("huge.pem");
        std::fs::File::create(&huge)
            .unwrap()
            .set_len((16 << 20) + 1)
            .unwrap();
        std::os::unix::fs::symlink(&huge, certs.join("b.pem")).unwrap();
        let err = check_ca_dirs(Some(two.as_ref())).unwrap_err();
        assert!(err.starts_with("SSL_CERT_DIR names "), "{err}");
        assert!(err.contains("unset it"), "{err}");
        assert!(
            err.contains("b.pem is 16777217 bytes, more than 16 MiB"),
            "{err}"
        );
    }

    /// Kernel files say 0 bytes and read without end: refused by name, as a CA file and in a
    /// CA folder. The folders' files are bounded together too, each file counted once.
    #[cfg(target_os = "linux")]
    #[test]
    fn kernel_files_and_folders_too_large_in_all_are_refused() {
        let err = check_ca_file(Some("/proc/self/pagemap".as_ref())).unwrap_err();
        assert!(err.contains("does not say its size"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let certs = dir.path().join("certs");
        std::fs::create_dir(&certs).unwrap();
        std::os::unix::fs::symlink("/proc/self/pagemap", certs.join("k.pem")).unwrap();
        let err = check_ca_dirs(Some(certs.as_os_str())).unwrap_err();
        assert!(
            err.contains("k.pem: it is empty, or a kernel file"),
            "{err}"
        );
        std::fs::remove_file(certs.join("k.pem")).unwrap();
        // One 15 MiB file under five names is read once: within bounds.
        let big = certs.join("big.pem");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(15 << 20)
            .unwrap();
        for n in 0..4 {
            std::os::unix::fs::symlink(&big, certs.join(format!("l{n}.pem"))).unwrap();
        }
        assert_eq!(check_ca_dirs(Some(certs.as_os_str())), Ok(()));
        // Five such files are 75 MiB in all.
        for n in 0..4 {
            std::fs::File::create(certs.join(format!("f{n}.pem")))
                .unwrap()
                .set_len(15 << 20)
                .unwrap();
        }
        let err = check_ca_dirs(Some(certs.as_os_str())).unwrap_err();
        assert!(err.contains("more than 64 MiB in all"), "{err}");
    }
}
