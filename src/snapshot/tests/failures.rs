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
