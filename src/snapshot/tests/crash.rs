//! A commit stopped dead at each of its checkpoints (as by `kill -9`): the next lock puts
//! the folder back to a whole snapshot, the previous one or the new one, never a damaged one.

use super::*;

/// Checkpoints of a commit of seven files (four tables, the index's two side files,
/// `snapshot.json`): journal built, journal published, after each of the seven renames,
/// journal retired.
const CHECKPOINTS: usize = 10;

const LEFT_AFTER_RECOVERY: [&str; 8] = [
    ".lock",
    "changes.parquet",
    "comments.parquet",
    "index.parquet",
    "people.parquet",
    "snapshot.json",
    "tickets.parquet",
    "worklogs.parquet",
];

#[test]
fn a_commit_stopped_at_any_point_reads_as_the_previous_or_the_new_snapshot() {
    let old = vec![full_ticket()];
    let mut changed = full_ticket();
    changed.status = "Closed".into();
    let new = vec![bare_ticket(), changed];
    let mut new_meta = meta();
    new_meta.source = "files".into();
    let mut outcomes = Vec::new();
    for stop in 0..CHECKPOINTS {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &old, &meta()).unwrap();
        assert!(!write_until(dir.path(), &new, &new_meta, stop).unwrap());
        if (1..CHECKPOINTS - 1).contains(&stop) {
            // Before recovery a reader is told to re-run, not that the snapshot is damaged.
            let err = read(dir.path()).unwrap_err();
            assert_eq!(kind(&err), Some(Kind::Input));
            assert!(format!("{err:#}").contains("stopped midway"), "{err:#}");
        }
        let lock = lock(dir.path()).unwrap();
        let (tickets, m) = read(dir.path()).unwrap_or_else(|e| panic!("stop {stop}: {e:#}"));
        if tickets == old {
            assert_eq!(m, meta(), "stop {stop}");
            outcomes.push("old");
        } else {
            assert_eq!(tickets, sorted(new.clone()), "stop {stop}");
            assert_eq!(m, new_meta, "stop {stop}");
            outcomes.push("new");
        }
        assert_eq!(listing(dir.path()), LEFT_AFTER_RECOVERY, "stop {stop}");
        // And the folder takes the next write as usual.
        write(dir.path(), &new, &new_meta).unwrap();
        assert_eq!(read(dir.path()).unwrap().0, sorted(new.clone()));
        drop(lock);
    }
    // Only a crash after the journal was retired keeps the new snapshot.
    let mut expected = vec!["old"; CHECKPOINTS - 1];
    expected.push("new");
    assert_eq!(outcomes, expected);
}

#[test]
fn a_first_commit_stopped_at_any_point_leaves_no_snapshot() {
    for stop in 0..CHECKPOINTS {
        let dir = tempfile::tempdir().unwrap();
        assert!(!write_until(dir.path(), &[full_ticket()], &meta(), stop).unwrap());
        let lock = lock(dir.path()).unwrap();
        if stop == CHECKPOINTS - 1 {
            assert_eq!(read(dir.path()).unwrap().0, [full_ticket()]);
        } else {
            assert!(
                !exists(dir.path()),
                "stop {stop}: {:?}",
                listing(dir.path())
            );
            let err = read(dir.path()).unwrap_err();
            assert!(
                format!("{err:#}").contains("no snapshot"),
                "stop {stop}: {err:#}"
            );
            assert_eq!(listing(dir.path()), [".lock"], "stop {stop}");
        }
        drop(lock);
    }
}

#[test]
fn a_recovery_stopped_midway_is_finished_by_the_next() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[full_ticket()], &meta()).unwrap();
    // All seven files replaced, journal still there.
    assert!(!write_until(dir.path(), &[bare_ticket()], &meta(), CHECKPOINTS - 2).unwrap());
    // A recovery that put back only the tickets table before it died: the journal keeps
    // every previous version, so the next one finishes the job.
    let journal = dir.path().join(".supportlens-commit");
    fs::copy(
        journal.join("tickets.parquet"),
        dir.path().join("tickets.parquet"),
    )
    .unwrap();
    let _lock = lock(dir.path()).unwrap();
    assert_eq!(read(dir.path()).unwrap().0, [full_ticket()]);
    assert_eq!(listing(dir.path()), LEFT_AFTER_RECOVERY);
}

fn sorted(mut tickets: Vec<Ticket>) -> Vec<Ticket> {
    sort_by_id(&mut tickets);
    tickets
}
