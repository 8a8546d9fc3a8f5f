//! The report folder on disk: its files put into a staging folder beside it as they are
//! rendered, flushed, then swapped in for the previous report in one step where the system
//! allows, so a reader or a crash never sees half a report.

use std::path::{Path, PathBuf};

use anyhow::Context;

use super::sink::{Sink, Unwritten};
use crate::error::Failure;

/// Why the staging folder did not become the report.
enum Failed {
    /// The files could not be rendered (the data's or the program's fault).
    Render(anyhow::Error),
    /// The folder could not be written (the disk's or `--out`'s).
    Write(anyhow::Error),
}

impl From<anyhow::Error> for Failed {
    fn from(e: anyhow::Error) -> Failed {
        Failed::Write(e)
    }
}

/// Writes the report folder `out/<folder>/` atomically: `fill` puts the files into a
/// temporary folder beside it, which then replaces the old report (moved aside, then
/// removed). The old folder's `delivery.json` is carried over into the new one. A failure
/// (of `fill` or of the disk) removes the temporary folder and leaves the previous report
/// in place, or says where it is if it cannot be moved back.
pub fn atomically(
    out: &Path,
    folder: &str,
    fill: impl FnOnce(&Sink) -> anyhow::Result<()>,
) -> anyhow::Result<PathBuf> {
    // What stands where the report goes must be a report folder (or a link, replaced):
    // a file or FIFO there would be swapped into the staging folder and left behind.
    let target = out.join(folder);
    if let Ok(meta) = std::fs::symlink_metadata(&target) {
        let kind = meta.file_type();
        if !kind.is_dir() && !kind.is_symlink() {
            return Err(Failure::usage(format!(
                "{} is not a report folder; nothing was written: move it away and run again",
                target.display()
            ))
            .into());
        }
        // A data folder (--data pointed into --out) or another report's --out, there or in
        // a folder inside it: replacing it would remove the snapshot or every report in it.
        if kind.is_dir()
            && let Some(held) = data_inside(&target, Path::new(""), 0)
        {
            return Err(Failure::usage(format!(
                "{} holds {}, so it is or holds a data or --out folder, not a report folder; \
                 nothing was written: pass --out and --data folders that do not lie in \
                 each other's week folders",
                target.display(),
                held.display()
            ))
            .into());
        }
    }
    let delivered = target.join(crate::delivery::record::FILE);
    let record = crate::delivery::record::open_record(&delivered).map_err(|e| {
        Failure::input(format!(
            "{} cannot be carried over ({e}); nothing was written: put the week's delivery \
             record back as a file, or remove it to send every message again",
            delivered.display()
        ))
    })?;
    match write_folder(out, folder, record, fill) {
        Ok(target) => Ok(target),
        Err(Failed::Render(e)) => Err(e),
        // A folder that cannot be written is the run's setting, not a bug: exit 2, not 1.
        Err(Failed::Write(e)) => Err(Failure::usage(format!(
            "{e:#}; check that --out {} is a writable folder with free space",
            out.display()
        ))
        .into()),
    }
}

/// The first `snapshot.json` or `.lock` (by its path under `dir`, `below` leading to it) in
/// the folder `dir` or any folder inside it, links not followed (replacing `dir` removes a
/// link, not what it leads to). A report folder holds neither; past 64 levels, which no
/// report reaches, the folder is taken as holding something (`…`) rather than walked on.
fn data_inside(dir: &Path, below: &Path, depth: usize) -> Option<PathBuf> {
    if depth > 64 {
        return Some(below.join("…"));
    }
    let entries = std::fs::read_dir(dir).ok()?;
    let mut folders = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name == "snapshot.json" || name == ".lock" {
            return Some(below.join(name));
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            folders.push(name);
        }
    }
    folders
        .into_iter()
        .find_map(|name| data_inside(&dir.join(&name), &below.join(&name), depth + 1))
}

/// `record`: the week's delivery record, opened, to carry over.
fn write_folder(
    out: &Path,
    folder: &str,
    record: Option<std::fs::File>,
    fill: impl FnOnce(&Sink) -> anyhow::Result<()>,
) -> Result<PathBuf, Failed> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("creating the output folder {}", out.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".supportlens-tmp-")
        .tempdir_in(out)
        .with_context(|| format!("creating a temporary folder in {}", out.display()))?;
    // A run stopped by a signal leaves no staging folder behind (SIGTERM from cron or
    // `timeout`, Ctrl-C at a terminal); `kill -9` leaves it to the next report's sweep.
    let interrupted = crate::interrupt::remove_folder_on_interrupt(tmp.path());
    // Hundreds of megabytes for a large report: each file written as it is rendered, on
    // every core. File names are distinct even where case is ignored (see
    // `engineer_chart`), so no two writes share a file.
    let sink = Sink::folder(tmp.path());
    fill(&sink).map_err(|e| {
        if e.chain().any(|cause| cause.is::<Unwritten>()) {
            Failed::Write(e)
        } else {
            Failed::Render(e)
        }
    })?;
    // The files and the folders' entries reach the disk before the swap makes them the
    // report: a power cut after it must not leave a report folder of empty or missing files.
    sync_staged(tmp.path(), &sink.written())
        .with_context(|| format!("writing {}", tmp.path().display()))?;
    let target = out.join(folder);
    // What was delivered for this week stays with the week's folder (SPEC §7: once per
    // week), so a re-run never mails anyone twice.
    if let Some(mut record) = record {
        let copy = tmp.path().join(crate::delivery::record::FILE);
        // Synced like the staged files: the swap must not make a report whose record is
        // lost to a power cut, or everyone would be mailed again.
        std::fs::File::create(&copy)
            .and_then(|mut f| {
                std::io::copy(&mut record, &mut f)?;
                f.sync_all()
            })
            .with_context(|| {
                format!(
                    "carrying the week's delivery record into {}",
                    copy.display()
                )
            })?;
        sync_folder(tmp.path()).with_context(|| format!("writing {}", tmp.path().display()))?;
    }
    // Where the disk allows, the new report and the previous one trade places in one step,
    // so no crash can leave the folder missing; the staging folder, now holding the previous
    // report, removes itself.
    // From here until the staging folder is the report, a signal's removal waits: in the
    // fallback below, removing it between its two renames would leave no week folder.
    // The previous report's place aside (below) is registered too, before the hold: no
    // registration may be made while it is held.
    let old_path = out.join(format!(".supportlens-old-{}", std::process::id()));
    let old_interrupted = crate::interrupt::remove_folder_on_interrupt(&old_path);
    let held = crate::interrupt::hold();
    if target.exists() && exchange(tmp.path(), &target)? {
        // The staging path now holds the previous report, which goes either way: a signal
        // from here on removes it, so its registration ends only once it is gone.
        drop(held);
        let left = tmp.path().to_path_buf();
        if let Err(e) = tmp.close() {
            left_behind("the previous report, moved to", &left, &e);
        }
        drop((interrupted, old_interrupted));
        let _ = sync_folder(out);
        return Ok(target);
    }
    // Elsewhere the previous report moves aside while the staging folder still cleans
    // itself up, so a failure here leaves both as they were.
    let old = if target.exists() {
        let old = old_path;
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(&target, &old).with_context(|| {
            format!(
                "moving the previous report {} aside (it is untouched)",
                target.display()
            )
        })?;
        Some(old)
    } else {
        None
    };
    let staged = tmp.keep();
    if let Err(e) = std::fs::rename(&staged, &target) {
        let _ = std::fs::remove_dir_all(&staged);
        let restored = match &old {
            Some(old) if std::fs::rename(old, &target).is_err() => format!(
                "; the previous report is in {}: move it back to {}",
                old.display(),
                target.display()
            ),
            Some(_) => " (the previous report is back in place)".to_string(),
            None => String::new(),
        };
        return Err(Failed::Write(anyhow::Error::new(e).context(format!(
            "moving the new report into {}{restored}",
            target.display()
        ))));
    }
    drop(held);
    if let Some(old) = old
        && let Err(e) = std::fs::remove_dir_all(&old)
    {
        left_behind("the previous report, moved to", &old, &e);
    }
    drop((interrupted, old_interrupted));
    let _ = sync_folder(out);
    Ok(target)
}

/// A folder of ours in `--out` (`what` it holds, then its path) could not be removed whole:
/// said once, so the space it takes is not lost unseen. The new report is in place.
fn left_behind(what: &str, path: &Path, e: &std::io::Error) {
    crate::stderr_line!(
        "supportlens: warning: {what} {} could not be removed ({e}); the new report is in \
         place: remove that folder by hand",
        path.display()
    );
}

/// Removes what interrupted runs left in `out`: staging folders (`.supportlens-tmp-*`,
/// partly rendered) and previous reports moved aside (`.supportlens-old-*`). Call it only
/// while holding the lock on `out` ([`crate::snapshot::lock_out`]), so no run is writing
/// them. Links are removed, never followed; what cannot be removed is said once.
pub fn sweep_leftovers(out: &Path) {
    let Ok(entries) = std::fs::read_dir(out) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !(name.starts_with(".supportlens-tmp-") || name.starts_with(".supportlens-old-")) {
            continue;
        }
        let path = entry.path();
        let removed = match entry.file_type() {
            Ok(kind) if kind.is_dir() => std::fs::remove_dir_all(&path),
            _ => std::fs::remove_file(&path),
        };
        if let Err(e) = removed {
            left_behind("what an interrupted run left in", &path, &e);
        }
    }
}

/// Flushes the staged report to the disk. On Linux one `syncfs` of the staging folder's file
/// system does it for every file and folder at once: an `fsync` per file made a 46-file
/// report a second slower on ext4. Elsewhere each file, then each folder, is synced.
fn sync_staged(tmp: &Path, files: &[PathBuf]) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let _ = files;
        rustix::fs::syncfs(std::fs::File::open(tmp)?)?;
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        for file in files {
            std::fs::File::open(file)?.sync_all()?;
        }
        let folders: std::collections::BTreeSet<&Path> =
            files.iter().filter_map(|p| p.parent()).collect();
        for folder in folders.into_iter().chain([tmp]) {
            sync_folder(folder)?;
        }
        Ok(())
    }
}

/// Flushes a folder's entries to the disk (a no-op where folders cannot be opened).
fn sync_folder(folder: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(folder)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        Ok(())
    }
}

/// Swaps the folders `a` and `b` atomically: true when done, false when this system or
/// disk cannot (the caller then moves them one at a time).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> anyhow::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // An old kernel, or a file system without the flag (some network disks).
        Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => Ok(false),
        Err(e) => Err(std::io::Error::from(e)).with_context(|| {
            format!(
                "replacing the previous report {} (it is untouched)",
                b.display()
            )
        }),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> anyhow::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Report;

    /// The files of `report` written as its folder, as a rendered report's are.
    fn write(out: &Path, report: &Report) -> anyhow::Result<PathBuf> {
        atomically(out, &report.folder, |sink| {
            for (name, bytes) in &report.files {
                sink.bytes(name, bytes)?;
            }
            Ok(())
        })
    }

    fn report(files: &[(&str, &str)]) -> Report {
        Report {
            folder: "2026-W47".to_string(),
            files: files
                .iter()
                .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
                .collect(),
            warnings: Vec::new(),
            measured: Default::default(),
        }
    }

    /// A second report of the same week replaces the first whole (a file only the first
    /// had is gone) and leaves no staging or previous folder behind, whichever way the
    /// folders were swapped.
    #[test]
    fn a_new_report_replaces_the_previous_one_whole() {
        let out = tempfile::tempdir().unwrap();
        let first = report(&[("clocks.csv", "old\r\n"), ("charts/a.svg", "<svg/>")]);
        let target = write(out.path(), &first).unwrap();
        assert_eq!(
            std::fs::read(target.join("clocks.csv")).unwrap(),
            b"old\r\n"
        );
        let second = report(&[("clocks.csv", "new\r\n"), ("index.html", "<html>")]);
        assert_eq!(write(out.path(), &second).unwrap(), target);
        assert_eq!(
            std::fs::read(target.join("clocks.csv")).unwrap(),
            b"new\r\n"
        );
        assert_eq!(std::fs::read(target.join("index.html")).unwrap(), b"<html>");
        assert!(
            !target.join("charts").exists(),
            "the first report's charts went with it"
        );
        let mut left: Vec<String> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["2026-W47"]);
    }

    /// The week's delivery record survives a new report of the same week; nothing else
    /// of the old folder does.
    #[test]
    fn the_delivery_record_is_carried_over() {
        let out = tempfile::tempdir().unwrap();
        let target = write(out.path(), &report(&[("clocks.csv", "old\r\n")])).unwrap();
        std::fs::write(target.join("delivery.json"), "{\"sent\": []}\n").unwrap();
        std::fs::create_dir(target.join("outbox")).unwrap();
        write(out.path(), &report(&[("clocks.csv", "new\r\n")])).unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("delivery.json")).unwrap(),
            "{\"sent\": []}\n"
        );
        assert!(!target.join("outbox").exists());
        assert_eq!(
            std::fs::read(target.join("clocks.csv")).unwrap(),
            b"new\r\n"
        );
    }

    /// A FIFO or a link in the record's place is refused (exit 3) before anything is
    /// written: copying from a FIFO waited for a writer forever, and a link was followed.
    #[cfg(unix)]
    #[test]
    fn a_record_that_is_not_a_file_is_refused_not_waited_on() {
        let out = tempfile::tempdir().unwrap();
        let target = write(out.path(), &report(&[("clocks.csv", "old\r\n")])).unwrap();
        let record = target.join("delivery.json");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &record,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::from_raw_mode(0o600),
            0,
        )
        .unwrap();
        let err = write(out.path(), &report(&[("clocks.csv", "new\r\n")])).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 3);
        let msg = format!("{err:#}");
        assert!(
            msg.contains("delivery.json cannot be carried over (it is a FIFO"),
            "{msg}"
        );
        std::fs::remove_file(&record).unwrap();
        let elsewhere = out.path().join("elsewhere.json");
        std::fs::write(&elsewhere, "{\"sent\": []}\n").unwrap();
        std::os::unix::fs::symlink(&elsewhere, &record).unwrap();
        let err = write(out.path(), &report(&[("clocks.csv", "new\r\n")])).unwrap_err();
        assert!(
            format!("{err:#}").contains("(it is a symbolic link, not a regular file)"),
            "{err:#}"
        );
        assert_eq!(
            std::fs::read(target.join("clocks.csv")).unwrap(),
            b"old\r\n",
            "nothing was written"
        );
    }

    /// What is left in `out`, sorted.
    fn left_in(out: &Path) -> Vec<String> {
        let mut left: Vec<String> = std::fs::read_dir(out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        left
    }

    /// A file that cannot be written after others were (a folder in its place in the
    /// staging folder) is exit 2 naming the file and --out; a render that fails after
    /// files were written keeps its own error. Either way the previous report is untouched
    /// and no staging folder is left behind.
    #[test]
    fn a_failure_part_way_leaves_the_previous_report() {
        let out = tempfile::tempdir().unwrap();
        let target = write(out.path(), &report(&[("clocks.csv", "old\r\n")])).unwrap();
        let err = atomically(out.path(), "2026-W47", |sink| {
            sink.bytes("clocks.csv", b"new\r\n")?;
            sink.bytes("charts/a.png", b"png")?;
            sink.bytes("charts", b"not a folder")?;
            Ok(())
        })
        .unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
        let msg = format!("{err:#}");
        assert!(msg.starts_with("writing "), "{msg}");
        assert!(msg.contains("charts: "), "{msg}");
        assert!(
            msg.ends_with(&format!(
                "; check that --out {} is a writable folder with free space",
                out.path().display()
            )),
            "{msg}"
        );
        assert_eq!(
            std::fs::read(target.join("clocks.csv")).unwrap(),
            b"old\r\n"
        );
        assert_eq!(left_in(out.path()), ["2026-W47"]);

        let err = atomically(out.path(), "2026-W47", |sink| {
            sink.bytes("clocks.csv", b"new\r\n")?;
            anyhow::bail!("drawing charts/engineer_x")
        })
        .unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 1);
        assert_eq!(format!("{err:#}"), "drawing charts/engineer_x");
        assert_eq!(
            std::fs::read(target.join("clocks.csv")).unwrap(),
            b"old\r\n"
        );
        assert_eq!(left_in(out.path()), ["2026-W47"]);
    }

    /// On Linux the swap is one step: two folders trade places and keep their contents.
    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_swaps_two_folders() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("from_a"), "").unwrap();
        std::fs::write(b.join("from_b"), "").unwrap();
        // tmpfs and ext4 support the flag; a disk that does not reports false, not an error.
        if exchange(&a, &b).unwrap() {
            assert!(a.join("from_b").exists() && b.join("from_a").exists());
            assert!(!a.join("from_a").exists() && !b.join("from_b").exists());
        }
        let missing = dir.path().join("missing");
        let err = exchange(&missing, &b).unwrap_err();
        assert!(
            format!("{err:#}").contains("replacing the previous report"),
            "{err:#}"
        );
    }

    /// A file or a FIFO where the week's folder goes is exit 2 naming it before anything
    /// is written: it stays as it was, and no staging folder is left holding it.
    #[test]
    fn a_file_or_fifo_in_place_of_the_week_folder_is_refused() {
        for fifo in [false, true] {
            let out = tempfile::tempdir().unwrap();
            let week = out.path().join("2026-W47");
            if fifo {
                rustix::fs::mkfifoat(rustix::fs::CWD, &week, rustix::fs::Mode::from(0o600))
                    .unwrap();
            } else {
                std::fs::write(&week, "notes").unwrap();
            }
            let err = write(out.path(), &report(&[("clocks.csv", "new\r\n")])).unwrap_err();
            assert_eq!(crate::error::exit_code(&err), 2, "{err:#}");
            let text = format!("{err:#}");
            assert!(text.contains("2026-W47 is not a report folder"), "{text}");
            assert_eq!(left_in(out.path()), ["2026-W47"]);
            if !fifo {
                assert_eq!(std::fs::read_to_string(&week).unwrap(), "notes");
            }
        }
    }

    /// A week's folder that is a data folder (`--data` pointed into `--out`: it holds
    /// `snapshot.json` or a `.lock`) or another report's `--out` is refused (exit 2) before
    /// anything is written, instead of being replaced and removed with all it holds.
    #[test]
    fn a_data_or_out_folder_in_place_of_the_week_folder_is_refused() {
        for held in ["snapshot.json", ".lock"] {
            let out = tempfile::tempdir().unwrap();
            let week = out.path().join("2026-W47");
            std::fs::create_dir(&week).unwrap();
            std::fs::write(week.join(held), "{}").unwrap();
            std::fs::write(week.join("tickets.parquet"), "rows").unwrap();
            let err = write(out.path(), &report(&[("clocks.csv", "new\r\n")])).unwrap_err();
            assert_eq!(crate::error::exit_code(&err), 2, "{err:#}");
            let text = format!("{err:#}");
            assert!(text.contains(&format!("2026-W47 holds {held}")), "{text}");
            assert_eq!(left_in(out.path()), ["2026-W47"]);
            assert_eq!(
                std::fs::read_to_string(week.join("tickets.parquet")).unwrap(),
                "rows"
            );
        }
    }

    /// A data folder deeper in the week folder (`--data out/2026-W47/x --out out`) is
    /// refused too: replacing the week folder removed the snapshot, and the report said
    /// nothing. A link to one is not: replacing removes the link, not the snapshot.
    #[cfg(unix)]
    #[test]
    fn a_data_folder_inside_the_week_folder_is_refused() {
        let out = tempfile::tempdir().unwrap();
        let week = out.path().join("2026-W47");
        let data = week.join("x/data");
        std::fs::create_dir_all(&data).unwrap();
        std::fs::write(data.join("snapshot.json"), "{}").unwrap();
        std::fs::write(week.join("clocks.csv"), "old\r\n").unwrap();
        let err = write(out.path(), &report(&[("clocks.csv", "new\r\n")])).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2, "{err:#}");
        let text = format!("{err:#}");
        assert!(
            text.contains("2026-W47 holds x/data/snapshot.json, so it is or holds a data"),
            "{text}"
        );
        assert_eq!(left_in(out.path()), ["2026-W47"]);
        assert_eq!(
            std::fs::read_to_string(data.join("snapshot.json")).unwrap(),
            "{}"
        );

        std::fs::remove_dir_all(week.join("x")).unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("snapshot.json"), "{}").unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), week.join("x")).unwrap();
        write(out.path(), &report(&[("clocks.csv", "new\r\n")])).unwrap();
        assert_eq!(
            std::fs::read_to_string(week.join("clocks.csv")).unwrap(),
            "new\r\n"
        );
        assert!(elsewhere.path().join("snapshot.json").is_file());
    }

    /// What interrupted runs leave in --out (staging folders, previous reports moved aside,
    /// also as a file or a link) is removed; reports and anything else stay, and a link's
    /// target is untouched.
    #[test]
    fn leftovers_of_interrupted_runs_are_swept() {
        let out = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("keep.csv"), "kept").unwrap();
        let o = out.path();
        std::fs::create_dir_all(o.join(".supportlens-tmp-abc123/charts")).unwrap();
        std::fs::write(o.join(".supportlens-tmp-abc123/charts/a.png"), "x").unwrap();
        std::fs::create_dir(o.join(".supportlens-old-4242")).unwrap();
        std::fs::write(o.join(".supportlens-tmp-file"), "x").unwrap();
        std::os::unix::fs::symlink(elsewhere.path(), o.join(".supportlens-old-link")).unwrap();
        std::fs::create_dir(o.join("2026-W47")).unwrap();
        std::fs::write(o.join("notes.txt"), "mine").unwrap();
        sweep_leftovers(o);
        assert_eq!(left_in(o), ["2026-W47", "notes.txt"]);
        assert_eq!(
            std::fs::read_to_string(elsewhere.path().join("keep.csv")).unwrap(),
            "kept"
        );
    }
}
