//! A mutation corpus over the recorded JIRA payloads (tests/fixtures/jira): for the first
//! issue of every file, each field in turn nulled, deleted, emptied, given another JSON
//! type, made huge, given control characters, lone surrogates, invalid UTF-8 or numbers
//! past every range, its timestamps made impossible; and each whole file truncated, given
//! byte-order marks, repeated keys, trailing bytes and deep nesting.
//!
//! The contract every case is held to (SPEC §6, README "Limits and safety"): `import` and
//! `report --input` end with exit 0 or 3, never a panic; a refusal is one line naming the
//! file; nothing is left in `--data` or `--out` by a refusal.
//!
//! CI runs a fixed sample: every case through the library's reader (`jira::read_files`,
//! what both commands read files with), and a few dozen through the binary. `scripts/
//! mutate.sh` runs the whole corpus through the binary (`SUPPORTLENS_MUTATIONS=all`), and
//! also over the files of `SUPPORTLENS_MUTATION_INPUTS` (folders of real payloads).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Duration;

use assert_cmd::Command;
use serde_json::{Value, json};
use supportlens::error::exit_code;
use supportlens::jira::read_files;

/// Cases the CI sample reads through the library: about one in this many.
const LIBRARY_STRIDE: usize = 31;
/// Of those, one in this many also runs `import` (and, alternately, `report --input`).
const BINARY_STRIDE: usize = 30;
/// The longest refusal accepted before main's last-defence cut: values quoted in errors
/// are cut at 80 characters, so a longer line echoes something whole.
const MAX_MESSAGE: usize = 1000;
/// Stands for a value written as raw JSON text (it cannot be a `Value`).
const RAW: &str = "\u{1}raw\u{1}";

/// One hostile file: its name in reports of failures, its bytes, and its extension.
struct Case {
    name: String,
    bytes: Vec<u8>,
    ext: &'static str,
}

/// How a field is mutated: a value in its place, deletion, or raw JSON text.
enum Mutation {
    Value(fn(&Value) -> Value),
    Delete,
    Raw(&'static [u8]),
}

fn mutations() -> Vec<(&'static str, Mutation)> {
    use Mutation::*;
    let ts = |s: &'static str| -> Mutation {
        Raw(Box::leak(
            format!("\"{s}\"").into_bytes().into_boxed_slice(),
        ))
    };
    vec![
        ("null", Value(|_| serde_json::Value::Null)),
        ("deleted", Delete),
        ("empty string", Value(|_| json!(""))),
        ("empty array", Value(|_| json!([]))),
        ("empty object", Value(|_| json!({}))),
        ("number", Value(|_| json!(12345))),
        ("float", Value(|_| json!(1.5))),
        ("bool", Value(|_| json!(true))),
        ("string", Value(|_| json!("abc"))),
        ("wrapped in array", Value(|v| json!([v]))),
        ("wrapped in object", Value(|v| json!({ "v": v }))),
        ("1 MB string", Value(|_| json!("x".repeat(1 << 20)))),
        (
            "10^6 array",
            Value(|_| serde_json::Value::Array(vec![json!(0); 1_000_000])),
        ),
        (
            "controls",
            Value(|_| json!("a\u{0}b\u{1b}[31mc\u{202e}d\r\ne")),
        ),
        (
            "u64 past i64",
            Value(|_| json!(9_223_372_036_854_775_808u64)),
        ),
        ("year 0", ts("0000-01-01T00:00:00.000+0000")),
        ("year 10000", ts("10000-01-01T00:00:00.000+0000")),
        ("leap second", ts("2024-12-31T23:59:60.000+0000")),
        ("offset +99:99", ts("2024-01-01T00:00:00.000+99:99")),
        ("offset +9999", ts("2024-01-01T00:00:00.000+9999")),
        ("2024-02-30", ts("2024-02-30T10:00:00.000+0000")),
        ("hour 25", ts("2024-01-01T25:61:00.000+0000")),
        ("1e400", Raw(b"1e400")),
        ("-0", Raw(b"-0")),
        ("-1e400", Raw(b"-1e400")),
        ("lone high surrogate", Raw(br#""\ud800x""#)),
        ("lone low surrogate", Raw(br#""\udc00""#)),
        ("short escape", Raw(br#""\u12""#)),
        ("invalid UTF-8", Raw(b"\"a\xff\xfeb\xc3\x28\"")),
        ("raw NUL", Raw(b"\"a\x00b\"")),
    ]
}

/// Puts a changed first issue back into its payload.
type Put = fn(&Value, Value) -> Value;

/// The issues of a payload and how to put a changed first issue back: a search page, an
/// array, a single issue, or a webhook's `issue`.
fn first_issue(doc: &Value) -> Option<(&Value, Put)> {
    if let Some(first) = doc.get("issues").and_then(|i| i.get(0)) {
        return Some((first, |doc, issue| {
            let mut doc = doc.clone();
            doc["issues"][0] = issue;
            doc
        }));
    }
    if let Some(first) = doc.as_array().and_then(|a| a.first()) {
        return Some((first, |doc, issue| {
            let mut doc = doc.clone();
            doc[0] = issue;
            doc
        }));
    }
    if doc.get("key").is_some() && doc.get("fields").is_some() {
        return Some((doc, |_, issue| issue));
    }
    let issue = doc.get("issue").filter(|i| i.get("fields").is_some())?;
    Some((issue, |doc, issue| {
        let mut doc = doc.clone();
        doc["issue"] = issue;
        doc
    }))
}

/// One step into a JSON value.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// Every path inside `v` (not `v` itself); lists contribute their first two elements.
fn paths(v: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    let children: Vec<(Step, &Value)> = match v {
        Value::Object(m) => m.iter().map(|(k, c)| (Step::Key(k.clone()), c)).collect(),
        Value::Array(a) => a
            .iter()
            .take(2)
            .enumerate()
            .map(|(i, c)| (Step::Index(i), c))
            .collect(),
        _ => Vec::new(),
    };
    for (step, child) in children {
        prefix.push(step);
        out.push(prefix.clone());
        paths(child, prefix, out);
        prefix.pop();
    }
}

fn shown(path: &[Step]) -> String {
    let steps: Vec<String> = path
        .iter()
        .map(|s| match s {
            Step::Key(k) => k.clone(),
            Step::Index(i) => i.to_string(),
        })
        .collect();
    steps.join("/")
}

/// `issue` with the value at `path` mutated.
fn mutated(issue: &Value, path: &[Step], m: &Mutation) -> Value {
    let mut issue = issue.clone();
    let (last, parents) = path.split_last().expect("paths are not empty");
    let mut at = &mut issue;
    for step in parents {
        at = match step {
            Step::Key(k) => &mut at[k.as_str()],
            Step::Index(i) => &mut at[*i],
        };
    }
    let slot = match last {
        Step::Key(k) => at.as_object_mut().map(|o| (o.get(k.as_str()).cloned(), k)),
        Step::Index(_) => None,
    };
    match (m, last, slot) {
        (Mutation::Delete, _, Some((_, k))) => {
            at.as_object_mut().expect("an object").remove(k.as_str());
        }
        (Mutation::Delete, Step::Index(i), _) => {
            at.as_array_mut().expect("an array").remove(*i);
        }
        (Mutation::Value(f), Step::Key(k), _) => at[k.as_str()] = f(&at[k.as_str()]),
        (Mutation::Value(f), Step::Index(i), _) => at[*i] = f(&at[*i]),
        (Mutation::Raw(_), Step::Key(k), _) => at[k.as_str()] = json!(RAW),
        (Mutation::Raw(_), Step::Index(i), _) => at[*i] = json!(RAW),
        (Mutation::Delete, Step::Key(_), None) => unreachable!("a key's parent is an object"),
    }
    issue
}

/// The text of `doc`, the raw JSON of `m` written where `mutated` left its marker.
fn text(doc: &Value, m: &Mutation) -> Vec<u8> {
    let text = serde_json::to_vec(doc).expect("serialises");
    let Mutation::Raw(raw) = m else { return text };
    let marker = serde_json::to_vec(&json!(RAW)).expect("serialises");
    let at = text
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("the marker is written");
    [&text[..at], raw, &text[at + marker.len()..]].concat()
}

/// The payload files: the recorded fixtures, plus `SUPPORTLENS_MUTATION_INPUTS` (folders
/// separated by `:`) when running the whole corpus.
fn sources(all: bool) -> Vec<PathBuf> {
    let mut dirs = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jira")];
    if all {
        let extra = std::env::var("SUPPORTLENS_MUTATION_INPUTS").unwrap_or_default();
        dirs.extend(
            extra
                .split(':')
                .filter(|s| !s.is_empty())
                .map(PathBuf::from),
        );
    }
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a payload folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Whole-file mutations of `bytes`: truncations, byte-order marks, UTF-16, trailing bytes,
/// a repeated key, the file as one `.jsonl` line.
fn file_cases(name: &str, bytes: &[u8], out: &mut dyn FnMut(Case)) {
    let mut add = |what: String, bytes: Vec<u8>, ext| {
        out(Case {
            name: format!("{name}: {what}"),
            bytes,
            ext,
        });
    };
    let len = bytes.len();
    let mut cuts: Vec<usize> = (1..24)
        .map(|i| len * i / 24)
        .chain([1, 2, len - 1])
        .collect();
    cuts.sort_unstable();
    cuts.dedup();
    for cut in cuts {
        add(format!("cut at byte {cut}"), bytes[..cut].to_vec(), "json");
    }
    add("BOM".into(), [b"\xef\xbb\xbf", bytes].concat(), "json");
    add(
        "two BOMs".into(),
        [b"\xef\xbb\xbf\xef\xbb\xbf", bytes].concat(),
        "json",
    );
    let utf16: Vec<u8> = String::from_utf8_lossy(bytes)
        .encode_utf16()
        .flat_map(|u| u.to_le_bytes())
        .collect();
    add(
        "UTF-16".into(),
        [b"\xff\xfe".as_slice(), &utf16].concat(),
        "json",
    );
    add(
        "trailing bytes".into(),
        [bytes, b" garbage"].concat(),
        "json",
    );
    add("twice".into(), [bytes, bytes].concat(), "json");
    let line: Vec<u8> = bytes
        .iter()
        .map(|&b| if b == b'\n' { b' ' } else { b })
        .collect();
    add(
        "as .jsonl".into(),
        [line.as_slice(), b"\n"].concat(),
        "jsonl",
    );
    if let Some(at) = bytes.windows(6).position(|w| w == b"\"key\":") {
        let dup = [&bytes[..at], b"\"key\":\"DUP-1\",", &bytes[at..]].concat();
        add("repeated key".into(), dup, "json");
    }
}

/// Files of no fixture: deep nesting, a million issues, empty files.
fn shape_cases(out: &mut dyn FnMut(Case)) {
    let nest = |open: &str, close: &str, n: usize| [open.repeat(n), close.repeat(n)].concat();
    for n in [129, 100_000] {
        for (what, text) in [
            ("nested arrays", nest("[", "]", n)),
            (
                "nested issues",
                format!("{{\"issues\":{}}}", nest("[", "]", n)),
            ),
            ("unclosed", "[".repeat(n)),
            (
                "nested summary",
                format!(
                    "{{\"key\":\"A-1\",\"id\":\"1\",\"fields\":{{\"summary\":{}1{}}}}}",
                    "{\"a\":".repeat(n),
                    "}".repeat(n)
                ),
            ),
        ] {
            out(Case {
                name: format!("{what} {n} deep"),
                bytes: text.into_bytes(),
                ext: "json",
            });
        }
    }
    let nulls = format!("{{\"issues\":[{}null]}}", "null,".repeat(999_999));
    out(Case {
        name: "10^6 null issues".into(),
        bytes: nulls.into_bytes(),
        ext: "json",
    });
    for (what, bytes, ext) in [
        ("empty", &b""[..], "json"),
        ("blank", b"  \n", "json"),
        ("blank lines", b"\n\n\n", "jsonl"),
        ("a number", b"1e400", "json"),
    ] {
        out(Case {
            name: what.into(),
            bytes: bytes.to_vec(),
            ext,
        });
    }
}

/// Hands `out` the corpus, or the cases of payloads `keep` selects (they are numbered as
/// they are listed, and field mutations are built only when selected), then the cases of
/// no payload: each case is built when its turn comes, so the corpus is never in memory
/// whole.
fn corpus(all: bool, keep: impl Fn(usize) -> bool, out: &mut dyn FnMut(Case)) {
    let mut n = 0;
    let mutations = mutations();
    for file in sources(all) {
        let bytes = std::fs::read(&file).expect("a payload");
        let name = file
            .file_name()
            .expect("a name")
            .to_string_lossy()
            .into_owned();
        file_cases(&name, &bytes, &mut |case| {
            n += 1;
            if keep(n) {
                out(case);
            }
        });
        let Ok(doc) = serde_json::from_slice::<Value>(&bytes) else {
            continue;
        };
        let Some((issue, put)) = first_issue(&doc) else {
            continue;
        };
        let mut all_paths = Vec::new();
        paths(issue, &mut Vec::new(), &mut all_paths);
        for path in &all_paths {
            for (what, m) in &mutations {
                n += 1;
                if !keep(n) {
                    continue;
                }
                let doc = put(&doc, mutated(issue, path, m));
                let name = format!("{name}: {} {what}", shown(path));
                out(Case {
                    name,
                    bytes: text(&doc, m),
                    ext: "json",
                });
            }
        }
    }
    shape_cases(out);
}

/// What is wrong with the library's answer to `case` (written at `path`), if anything.
fn check_library(case: &Case, path: &Path) -> Option<String> {
    let read = catch_unwind(AssertUnwindSafe(|| {
        read_files(&[path.to_path_buf()], "priority")
    }));
    let err = match read {
        Err(_) => return Some("panicked".into()),
        Ok(Ok(_)) => return None,
        Ok(Err(err)) => err,
    };
    let message = format!("{err:#}");
    let code = exit_code(&err);
    let file = path.display().to_string();
    if code != 3 {
        Some(format!("exit code {code}: {message}"))
    } else if !message.contains(&file) {
        Some(format!("the error does not name the file: {message}"))
    } else if message.contains('\n') || message.chars().count() > MAX_MESSAGE {
        Some(format!(
            "not one short line ({} chars) for {}",
            message.len(),
            case.name
        ))
    } else {
        None
    }
}

/// What is wrong with `supportlens import` (or `report --input`) of the file at `path`.
fn check_binary(path: &Path, work: &Path, report: bool) -> Option<String> {
    let out_dir = work.join(if report { "out" } else { "data" });
    let mut cmd = Command::cargo_bin("supportlens").expect("binary built");
    cmd.current_dir(work).timeout(Duration::from_secs(120));
    if report {
        cmd.args(["report", "--weeks", "1", "--input"])
            .arg(path)
            .arg("--out");
    } else {
        cmd.arg("import").arg(path).arg("--data");
    }
    let out = cmd.arg(&out_dir).output().expect("supportlens runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out.status.code();
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    if !matches!(code, Some(0 | 3)) {
        return Some(format!("exit {code:?}: {stderr}"));
    }
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        return Some(format!("panic: {stderr}"));
    }
    if code == Some(0) {
        return None;
    }
    if lines.len() != 1 || !lines[0].contains(&path.display().to_string()) {
        return Some(format!("not one line naming the file: {stderr}"));
    }
    let left: Vec<String> = std::fs::read_dir(&out_dir)
        .into_iter()
        .flatten()
        .map(|e| {
            e.expect("an entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| n != ".lock")
        .collect();
    (!left.is_empty()).then(|| format!("a refusal left {left:?} in {}", out_dir.display()))
}

/// Checks each case of the corpus (`all`, `keep`: see [`corpus`]), the `i`th also through
/// the binary where `binary(i)`; the number of cases and the failures, named.
fn run(
    all: bool,
    keep: impl Fn(usize) -> bool,
    binary: impl Fn(usize) -> bool,
) -> (usize, Vec<String>) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut failures = Vec::new();
    let mut i = 0;
    corpus(all, keep, &mut |case: Case| {
        let work = dir.path().join(i.to_string());
        std::fs::create_dir(&work).expect("a case folder");
        let path = work.join(format!("input.{}", case.ext));
        std::fs::write(&path, &case.bytes).expect("the case is written");
        let started = std::time::Instant::now();
        let mut problem = check_library(&case, &path);
        // Slow cases are named (seen with --nocapture): time is part of the contract.
        if started.elapsed() > Duration::from_millis(300) {
            eprintln!("{}: {:?}", case.name, started.elapsed());
        }
        if problem.is_none() && binary(i) {
            problem = check_binary(&path, &work, i / BINARY_STRIDE % 2 == 1);
        }
        if let Some(p) = problem {
            failures.push(format!(
                "{}: {}",
                case.name,
                supportlens::error::cut(&p, 400)
            ));
        }
        std::fs::remove_dir_all(&work).expect("the case folder is removed");
        i += 1;
    });
    (i, failures)
}

/// The CI sample of the corpus: every case holds to the contract.
#[test]
fn sampled_mutations_of_the_fixtures_hold_to_the_contract() {
    let (cases, failures) = run(
        false,
        |n| n % LIBRARY_STRIDE == 0,
        |i| i % BINARY_STRIDE == 0,
    );
    assert!(cases > 300, "the sample has {cases} cases");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The whole corpus: `scripts/mutate.sh`. Every case goes through the library, one in
/// `SUPPORTLENS_MUTATION_BINARY_STRIDE` (default 1: all) through the binary too.
#[test]
#[ignore = "the whole corpus takes long; scripts/mutate.sh runs it"]
fn all_mutations_hold_to_the_contract() {
    let stride: usize = std::env::var("SUPPORTLENS_MUTATION_BINARY_STRIDE")
        .ok()
        .and_then(|s| s.parse().ok())
        .filter(|&s| s > 0)
        .unwrap_or(1);
    let (cases, failures) = run(true, |_| true, |i| i % stride == 0);
    eprintln!("{cases} cases, {} failures", failures.len());
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
