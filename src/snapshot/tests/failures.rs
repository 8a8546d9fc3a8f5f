//! Failed and interrupted writes, damaged or missing snapshots, and the folder lock.

use std::fs;

use super::*;
use crate::error::Kind;
use crate::snapshot::{lock, read, write};

#[test]
fn failed_rename_keeps_previous_snapshot_and_removes_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    write(data, &[full_ticket()], &meta()).unwrap();
    let before = listing(data);

    // A folder where changes.parquet should go: the last table rename fails after
    // tickets, comments and worklogs were already replaced.
    let aside = dir.path().join("aside.parquet");
    fs::rename(data.join("changes.parquet"), &aside).unwrap();
    fs::create_dir(data.join("changes.parquet")).unwrap();
    fs::write(data.join("changes.parquet").join("x"), b"x").unwrap();

    let err = write(data, &[bare_ticket()], &meta()).unwrap_err();
    assert!(
        format!("{err:#}").contains("the previous snapshot was kept"),
        "{err:#}"
    );

    fs::remove_dir_all(data.join("changes.parquet")).unwrap();
    fs::rename(&aside, data.join("changes.parquet")).unwrap();
    assert_eq!(listing(data), before);
    let (tickets, _) = read(data).unwrap();
    assert_eq!(tickets, vec![full_ticket()]);
}

#[test]
fn failed_first_write_leaves_no_table_behind() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("snapshot.json").join("x")).unwrap();
    assert!(write(dir.path(), &[full_ticket()], &meta()).is_err());
    assert_eq!(listing(dir.path()), ["snapshot.json"]);
}

#[test]
fn unwritable_data_folder_is_a_usage_failure_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the data folder should be: nothing can be created in it.
    let data = dir.path().join("data");
    fs::write(&data, b"not a folder").unwrap();
    let err = write(&data, &[full_ticket()], &meta()).unwrap_err();
    assert_eq!(kind(&err), Some(Kind::Usage), "{err:#}");
    let text = format!("{err:#}");
    assert!(
        text.contains(&format!("the data folder {}", data.display())),
        "{text}"
    );
    assert!(text.contains("writable and has free space"), "{text}");
}

#[test]
fn a_manifest_claiming_more_rows_than_a_table_holds_is_damage_not_a_hang() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[full_ticket()], &meta()).unwrap();
    let manifest = dir.path().join("snapshot.json");
    let mut m: serde_json::Value = serde_json::from_slice(&fs::read(&manifest).unwrap()).unwrap();
    for t in m["tables"].as_array_mut().unwrap() {
        if t["name"] == "comments" {
            // Within 16 rows a byte of the file, so the footer is what tells.
            t["rows"] = serde_json::json!(1_000);
        }
    }
    fs::write(&manifest, serde_json::to_vec(&m).unwrap()).unwrap();
    let entry = crate::snapshot::read_manifest(dir.path())
        .unwrap()
        .tables
        .into_iter()
        .find(|t| t.name == "comments")
        .unwrap();
    let err =
        crate::snapshot::store::load_table_parts(dir.path(), &entry, 2, |_| Ok(())).unwrap_err();
    assert!(
        err.text.contains("has 2 rows, snapshot.json expects 1000"),
        "{err}"
    );
}

/// The comments table of `dir` with every 8-byte count of 2 in its footer (the file's and
/// its row group's row counts among them) made `rows`, signed into the manifest, which
/// claims `claimed` rows.
fn footer_claims(dir: &std::path::Path, rows: i64, claimed: u64) {
    use sha2::{Digest, Sha256};
    // Thrift's compact encoding: a field header 0x16 (next field, i64), a zigzag varint.
    let varint = |n: i64| {
        let mut v = ((n << 1) ^ (n >> 63)) as u64;
        let mut out = vec![0x16u8];
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                out.push(byte);
                return out;
            }
            out.push(byte | 0x80);
        }
    };
    let path = dir.join("comments.parquet");
    let bytes = fs::read(&path).unwrap();
    let end = bytes.len() - 8;
    let len = u32::from_le_bytes(bytes[end..end + 4].try_into().unwrap()) as usize;
    let (from, to) = (varint(2), varint(rows));
    let mut footer = Vec::new();
    let mut i = end - len;
    while i < end {
        if bytes[i..end].starts_with(&from) {
            footer.extend_from_slice(&to);
            i += from.len();
        } else {
            footer.push(bytes[i]);
            i += 1;
        }
    }
    let mut patched = bytes[..end - len].to_vec();
    patched.extend_from_slice(&footer);
    patched.extend_from_slice(&(footer.len() as u32).to_le_bytes());
    patched.extend_from_slice(b"PAR1");
    fs::write(&path, &patched).unwrap();
    let manifest = dir.join("snapshot.json");
    let mut m: serde_json::Value = serde_json::from_slice(&fs::read(&manifest).unwrap()).unwrap();
    for t in m["tables"].as_array_mut().unwrap() {
        if t["name"] == "comments" {
            t["bytes"] = patched.len().into();
            t["sha256"] = format!("{:x}", Sha256::digest(&patched)).into();
            t["rows"] = claimed.into();
        }
    }
    fs::write(&manifest, serde_json::to_vec(&m).unwrap()).unwrap();
}

/// A footer claiming 2^60 rows, signed into the manifest or not, panicked decoding
/// (capacity overflow), and 2^31 asked for 32 GB at once: refused as damage before
/// anything is decoded, by the manifest's rows against the file's size, and the footer's
/// against the manifest's.
#[test]
fn a_footer_claiming_huge_row_counts_is_damage_not_a_crash() {
    const HUGE: i64 = 1 << 60;
    for (claimed, says) in [
        (
            HUGE as u64,
            "says {path} holds 1152921504606846976 rows in {bytes} bytes, more than 16 a byte",
        ),
        (
            2,
            "{path} has 1152921504606846976 rows, snapshot.json expects 2",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &[full_ticket()], &meta()).unwrap();
        footer_claims(dir.path(), HUGE, claimed);
        let path = dir.path().join("comments.parquet");
        let says = says
            .replace("{path}", &path.display().to_string())
            .replace("{bytes}", &fs::metadata(&path).unwrap().len().to_string());
        for err in [
            crate::snapshot::load_table(dir.path(), "comments").unwrap_err(),
            read(dir.path()).unwrap_err(),
        ] {
            assert_eq!(kind(&err), Some(Kind::Input), "{err:#}");
            assert!(format!("{err:#}").contains(&says), "{says}: {err:#}");
        }
    }
}

#[test]
fn half_replaced_set_is_an_input_failure() {
    let old = tempfile::tempdir().unwrap();
    let new = tempfile::tempdir().unwrap();
    write(old.path(), &[full_ticket()], &meta()).unwrap();
    let mut changed = full_ticket();
    changed.comments[0].body = "Checkout fails; see log\nline 2!".into();
    write(new.path(), &[changed], &meta()).unwrap();
    // As if a crash happened after comments.parquet was renamed into place.
    fs::copy(
        new.path().join("comments.parquet"),
        old.path().join("comments.parquet"),
    )
    .unwrap();

    let err = read(old.path()).unwrap_err();
    assert_eq!(kind(&err), Some(Kind::Input));
    let msg = format!("{err:#}");
    assert!(
        msg.contains("comments.parquet is not the file snapshot.json describes"),
        "{msg}"
    );
    assert!(
        msg.contains("re-run `supportlens import FILES…` or `supportlens export`"),
        "{msg}"
    );
}

#[test]
fn tables_without_snapshot_json_are_an_input_failure() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[full_ticket()], &meta()).unwrap();
    fs::remove_file(dir.path().join("snapshot.json")).unwrap();
    let err = read(dir.path()).unwrap_err();
    assert_eq!(kind(&err), Some(Kind::Input));
    assert!(
        format!("{err:#}").contains("snapshot.json is missing"),
        "{err:#}"
    );
}

#[test]
fn missing_or_empty_folder_is_an_input_failure() {
    let dir = tempfile::tempdir().unwrap();
    for data in [dir.path().to_path_buf(), dir.path().join("nope")] {
        let err = read(&data).unwrap_err();
        assert_eq!(kind(&err), Some(Kind::Input));
        assert_eq!(
            format!("{err:#}"),
            format!(
                "no snapshot in the data folder {}: run `supportlens import FILES…` or \
                 `supportlens export` first",
                data.display()
            )
        );
    }
}

#[test]
fn duplicate_ticket_ids_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = write(dir.path(), &[bare_ticket(), bare_ticket()], &meta()).unwrap_err();
    assert!(
        format!("{err:#}").contains("two tickets share the id 9"),
        "{err:#}"
    );
    assert!(listing(dir.path()).is_empty());
}

#[test]
fn second_lock_fails_until_the_first_is_dropped() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("new").join("data");
    let first = lock(&data).unwrap();
    assert_eq!(first.path(), data.join(".lock"));

    let err = lock(&data).unwrap_err();
    assert_eq!(kind(&err), Some(Kind::Locked));
    assert_eq!(
        format!("{err:#}"),
        format!(
            "another supportlens run (process {}) is using the data folder {}; wait for it to \
             finish, or check for a stuck cron job",
            std::process::id(),
            data.display()
        )
    );

    drop(first);
    assert!(lock(&data).is_ok());
}

/// A `.lock` that is a symbolic link is refused and its target left untouched (it used to
/// be truncated and overwritten with the pid).
#[cfg(unix)]
#[test]
fn a_lock_file_that_is_a_link_is_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::os::unix::fs::symlink(&victim, data.join(".lock")).unwrap();
    let err = lock(&data).unwrap_err();
    assert_eq!(kind(&err), Some(Kind::Usage));
    assert!(
        format!("{err:#}").contains(".lock is a symbolic link, not a file supportlens made"),
        "{err:#}"
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
    // A dangling link is not created through either.
    std::fs::remove_file(data.join(".lock")).unwrap();
    let elsewhere = dir.path().join("created-through-link");
    std::os::unix::fs::symlink(&elsewhere, data.join(".lock")).unwrap();
    assert!(lock(&data).is_err());
    assert!(!elsewhere.exists());
    // A hard link to another file is refused the same way.
    std::fs::remove_file(data.join(".lock")).unwrap();
    std::fs::hard_link(&victim, data.join(".lock")).unwrap();
    let err = lock(&data).unwrap_err();
    assert!(format!("{err:#}").contains("a hard link"), "{err:#}");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
}

/// The snapshot's files are supportlens's own: a table or manifest that is a symbolic link
/// leads out of the data folder to a file supportlens never wrote (even when it is an
/// exact copy, as here), and is refused as damage (exit 3) instead of followed.
#[cfg(unix)]
#[test]
fn snapshot_files_that_are_links_are_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    write(&data, &[full_ticket()], &meta()).unwrap();
    for name in ["tickets.parquet", "snapshot.json"] {
        let outside = dir.path().join(name);
        fs::rename(data.join(name), &outside).unwrap();
        std::os::unix::fs::symlink(&outside, data.join(name)).unwrap();
        let err = read(&data).unwrap_err();
        assert_eq!(kind(&err), Some(Kind::Input), "{err:#}");
        let msg = format!("{err:#}");
        assert!(
            msg.contains(&format!(
                "{}: it is a symbolic link, not a file supportlens wrote; supportlens does \
                 not follow links in its own folders",
                data.join(name).display()
            )),
            "{msg}"
        );
        fs::remove_file(data.join(name)).unwrap();
        fs::rename(&outside, data.join(name)).unwrap();
    }
    assert_eq!(read(&data).unwrap().0, vec![full_ticket()]);
}

/// A FIFO in the lock file's place is refused at once instead of blocking the open.
#[cfg(target_os = "linux")]
#[test]
fn a_lock_file_that_is_a_fifo_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(".lock");
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        &path,
        rustix::fs::Mode::from_raw_mode(0o600),
    )
    .unwrap();
    let err = lock(dir.path()).unwrap_err();
    assert_eq!(kind(&err), Some(Kind::Usage));
    assert!(format!("{err:#}").contains("is a FIFO"), "{err:#}");
}

/// A reader pointed at a folder without a snapshot fails with exit 3 and leaves nothing:
/// no folder, no lock file.
#[test]
fn a_reader_creates_nothing_where_there_is_no_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let typo = dir.path().join("typo");
    let err = crate::snapshot::lock_existing(&typo).unwrap_err();
    assert_eq!(kind(&err), Some(Kind::Input));
    assert!(format!("{err:#}").starts_with(&format!("no snapshot in {}", typo.display())));
    assert!(!typo.exists());
    std::fs::create_dir(&typo).unwrap();
    assert!(crate::snapshot::lock_existing(&typo).is_err());
    assert!(listing(&typo).is_empty());
}

/// Readers (`report`, `query`) share the data folder's lock: a second reader goes ahead
/// beside the first, while a writer (`import`, `export`) is exit 5 until the last reader is
/// done; a writer holding it turns readers away with exit 5 naming its process.
#[test]
fn readers_share_the_data_folder_and_a_writer_waits_for_the_last() {
    use crate::snapshot::lock_existing;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("snapshot.json"), "{}").unwrap();
    let first = lock_existing(dir.path()).unwrap();
    let second = lock_existing(dir.path()).unwrap();
    let err = lock(dir.path()).unwrap_err();
    assert_eq!(kind(&err), Some(Kind::Locked));
    assert!(
        format!("{err:#}").contains(&format!("(process {})", std::process::id())),
        "{err:#}"
    );
    drop(first);
    assert_eq!(kind(&lock(dir.path()).unwrap_err()), Some(Kind::Locked));
    drop(second);
    let writer = lock(dir.path()).unwrap();
    let err = lock_existing(dir.path()).unwrap_err();
    assert_eq!(kind(&err), Some(Kind::Locked));
    assert!(format!("{err:#}").contains("data folder"), "{err:#}");
    drop(writer);
    drop(lock_existing(dir.path()).unwrap());
}

/// Readers starting at the same instant never turn each other away: each takes the lock
/// shared from the start (none holds it alone while the other looks).
#[test]
fn readers_starting_together_both_go_ahead() {
    use crate::snapshot::lock_existing;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("snapshot.json"), "{}").unwrap();
    let refused = std::sync::atomic::AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                for _ in 0..500 {
                    if lock_existing(dir.path()).is_err() {
                        refused.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                }
            });
        }
    });
    assert_eq!(refused.into_inner(), 0);
}

/// A reader that finds a commit a crash stopped midway puts the folder right under the
/// lock taken alone, which it keeps: a writer and another reader are exit 5 meanwhile.
#[test]
fn a_reader_that_finds_an_interrupted_commit_holds_the_lock_alone() {
    use crate::snapshot::lock_existing;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("snapshot.json"), "{}").unwrap();
    std::fs::create_dir(dir.path().join(".supportlens-commit")).unwrap();
    let reader = lock_existing(dir.path()).unwrap();
    assert!(!dir.path().join(".supportlens-commit").exists());
    assert_eq!(
        kind(&lock_existing(dir.path()).unwrap_err()),
        Some(Kind::Locked)
    );
    assert_eq!(kind(&lock(dir.path()).unwrap_err()), Some(Kind::Locked));
    drop(reader);
    let (a, b) = (
        lock_existing(dir.path()).unwrap(),
        lock_existing(dir.path()).unwrap(),
    );
    drop((a, b));
}

/// A delivered report locks `--out`: a second delivery of the same moment is exit 5 naming
/// the report folder, and may go ahead once the first lock is gone.
#[test]
fn a_second_delivery_waits_for_the_report_folder_lock() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("reports");
    let first = crate::snapshot::lock_out(&out).unwrap();
    let err = crate::snapshot::lock_out(&out).unwrap_err();
    assert_eq!(crate::error::exit_code(&err), 5);
    let msg = format!("{err:#}");
    assert!(
        msg.contains("is using the report folder") && msg.contains("reports"),
        "{msg}"
    );
    drop(first);
    assert!(crate::snapshot::lock_out(&out).is_ok());
}

/// A `.supportlens-commit` that is a symbolic link is not a journal supportlens made: the
/// files it leads to are never put into the snapshot, and what its list names is never
/// removed. The run stops (exit 2) saying to remove it.
#[cfg(unix)]
#[test]
fn a_journal_that_is_a_link_is_never_followed() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    write(&data, &[full_ticket()], &meta()).unwrap();
    drop(lock(&data).unwrap());
    let before = listing(&data);
    let tickets_before = fs::read(data.join("tickets.parquet")).unwrap();
    // Elsewhere: a list naming the tables, a stranger's tickets.parquet, no snapshot.json.
    let elsewhere = dir.path().join("elsewhere");
    fs::create_dir(&elsewhere).unwrap();
    fs::write(
        elsewhere.join(".targets"),
        "tickets.parquet\nsnapshot.json\n",
    )
    .unwrap();
    fs::write(elsewhere.join("tickets.parquet"), b"not ours").unwrap();
    std::os::unix::fs::symlink(&elsewhere, data.join(".supportlens-commit")).unwrap();

    let err = lock(&data).unwrap_err();
    assert_eq!(kind(&err), Some(Kind::Usage), "{err:#}");
    assert!(format!("{err:#}").contains("symbolic link"), "{err:#}");
    let err = crate::snapshot::lock_existing(&data).unwrap_err();
    assert_eq!(kind(&err), Some(Kind::Usage), "{err:#}");
    fs::remove_file(data.join(".supportlens-commit")).unwrap();
    assert_eq!(listing(&data), before);
    assert_eq!(
        fs::read(data.join("tickets.parquet")).unwrap(),
        tickets_before
    );
    assert_eq!(read(&data).unwrap().0, vec![full_ticket()]);
    assert_eq!(
        fs::read(elsewhere.join("tickets.parquet")).unwrap(),
        b"not ours"
    );
}

/// An instant outside the years 1900 to 9999 in a table edited by hand (the JSON readers
/// refuse them) panicked in week arithmetic or ran on: damage now, naming table and column.
#[test]
fn instants_outside_the_years_read_are_damage() {
    let first_of = |year| {
        chrono::NaiveDate::from_ymd_opt(year, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
    };
    for (at, table, column) in [
        (
            first_of(1900) - chrono::Duration::milliseconds(1),
            "tickets",
            "created",
        ),
        (first_of(10_000), "comments", "created"),
    ] {
        let mut ticket = full_ticket();
        if table == "tickets" {
            ticket.created = Some(at);
        } else {
            ticket.comments[0].created = at;
        }
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &[ticket], &meta()).unwrap();
        let err = read(dir.path()).unwrap_err();
        assert_eq!(kind(&err), Some(Kind::Input));
        let said = format!("{table}.parquet: row 1: column `{column}` is out of range (");
        assert!(format!("{err:#}").contains(&said), "{err:#}");
    }
    // The first and last instants read stay readable.
    let mut ticket = full_ticket();
    ticket.created = Some(t("1900-01-01T00:00:00.000Z"));
    ticket.updated = Some(t("9999-12-31T23:59:59.999Z"));
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), std::slice::from_ref(&ticket), &meta()).unwrap();
    assert_eq!(read(dir.path()).unwrap().0, [ticket]);
}

/// `snapshot.json` edited by hand: an instant past the years read ran a report's week
/// arithmetic without end, and a wrong value was quoted whole (a megabyte line).
#[test]
fn a_manifest_edited_by_hand_is_damage_said_in_a_short_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[full_ticket()], &meta()).unwrap();
    let manifest = dir.path().join("snapshot.json");
    let original: serde_json::Value =
        serde_json::from_slice(&fs::read(&manifest).unwrap()).unwrap();
    let edited = |key: &str, value: serde_json::Value| {
        let mut m = original.clone();
        m[key] = value;
        fs::write(&manifest, serde_json::to_vec(&m).unwrap()).unwrap();
        let err = read(dir.path()).unwrap_err();
        assert_eq!(kind(&err), Some(Kind::Input));
        format!("{err:#}")
    };
    let said = edited("exported_at", "+262000-01-01T00:00:00Z".into());
    assert!(
        said.contains(
            "snapshot.json: exported_at is in the year 262000, outside the years 1900 to 9999"
        ),
        "{said}"
    );
    let said = edited("written_at", "1899-12-31T23:59:59Z".into());
    assert!(
        said.contains("snapshot.json: written_at is in the year 1899"),
        "{said}"
    );
    let said = edited("format", "x".repeat(1 << 20).into());
    assert!(said.contains("invalid type: string \"xxx"), "{said}");
    assert!(said.len() < 1000, "{} bytes", said.len());
}
