//! The report's two sinks agree: the folder `write` makes holds exactly the files, byte
//! for byte, that the same renderer puts into memory.

use std::path::Path;

use super::*;

/// The bundled sample data's settings, and the options of its 8-week report ending
/// 2026-W47 with charts and pages (the README's first command).
pub(crate) fn sample() -> (Settings, Options) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let settings = crate::config::load(Some(&root.join("sample-data/supportlens.toml"))).unwrap();
    let opts = Options {
        week: None,
        weeks: 8,
        as_of: crate::model::parse_ts("2026-11-23T00:00:00Z").unwrap(),
        input: "sample".into(),
        engineer: None,
        gone: Vec::new(),
        draw: true,
        whole: None,
    };
    (settings, opts)
}

/// The sample data's tickets, read as `report --input sample-data/` reads them.
pub(crate) fn sample_tickets(settings: &Settings) -> Vec<Ticket> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    crate::jira::read_files(&[root.join("sample-data")], &settings.types.severity_field).unwrap()
}

/// Every file under `dir` as `(path relative to it, bytes)`, sorted by path.
fn read_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(folder) = todo.pop() {
        for entry in std::fs::read_dir(folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                files.push((name.replace('\\', "/"), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

/// On the sample data (charts and pages drawn), the written folder and the files in
/// memory are the same files with the same bytes; `index.html` stays in the report.
#[test]
fn the_folder_holds_the_files_rendered_in_memory() {
    let (settings, opts) = sample();
    let tickets = sample_tickets(&settings);
    let quiet = &mut Progress::quiet();
    let mut report = build(&settings, tickets, &opts, quiet).unwrap();
    let memory = files(&settings, &opts, &report).unwrap();
    let out = tempfile::tempdir().unwrap();
    let folder = write(out.path(), &settings, &opts, &mut report, quiet).unwrap();
    assert_eq!(folder, out.path().join("2026-W47"));
    let written = render::in_report_order(read_tree(&folder));
    let names = |files: &[(String, Vec<u8>)]| -> Vec<String> {
        files.iter().map(|(n, _)| n.clone()).collect()
    };
    assert_eq!(names(&written), names(&memory));
    for ((name, on_disk), (_, in_memory)) in written.iter().zip(&memory) {
        assert!(on_disk == in_memory, "{name} differs");
    }
    for table in ["clocks.csv", "tickets.csv", "run.json", "index.html"] {
        assert!(written.iter().any(|(n, _)| n == table), "no {table}");
    }
    assert!(
        written
            .iter()
            .any(|(n, _)| n.starts_with("charts/") && n.ends_with(".png"))
    );
    // Kept for delivery: index.html as a lead is mailed it, without the links to the
    // engineers' pages that the folder's copy has.
    let index = memory.iter().find(|(n, _)| n == "index.html").unwrap();
    assert_eq!(report.files.len(), 1);
    assert_eq!(report.files[0].0, "index.html");
    let link = |b: &[u8]| String::from_utf8_lossy(b).contains("href=\"engineers/");
    assert!(link(&index.1) && !link(&report.files[0].1));
}
