//! The floors `scripts/bench.sh` measures supportlens against: the least work any tool must
//! do to read the same data, with nothing computed or stored.
//!
//!   floors parse FILE...   parse every issue of JIRA JSON / JSONL files into a JSON value
//!                          and drop it (what `import` cannot avoid)
//!   floors read DIR        read the snapshot's four Parquet tables into memory once (what
//!                          `report` cannot avoid)
//!
//! Both use every core, as supportlens does, and print what they read so a run can be
//! checked against the workload.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rayon::prelude::*;
use serde_json::Value;

/// Lines handed to the parser threads at once: enough to keep both cores busy, few enough
/// that memory stays flat on a file of any size.
const BATCH: usize = 4096;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("parse") if args.len() > 1 => parse(&args[1..]),
        Some("read") if args.len() == 2 => read(Path::new(&args[1])),
        _ => Err("usage: floors parse FILE... | floors read DATA_DIR".to_string()),
    };
    if let Err(e) = result {
        eprintln!("floors: {e}");
        std::process::exit(2);
    }
}

fn parse(files: &[String]) -> Result<(), String> {
    let mut issues = 0usize;
    for file in files {
        let path = PathBuf::from(file);
        if path.extension().is_some_and(|e| e == "jsonl") {
            issues += parse_jsonl(&path)?;
        } else {
            let mut text = String::new();
            File::open(&path)
                .and_then(|mut f| f.read_to_string(&mut text))
                .map_err(|e| format!("{file}: {e}"))?;
            let doc: Value = serde_json::from_str(&text).map_err(|e| format!("{file}: {e}"))?;
            issues += doc
                .get("issues")
                .or(Some(&doc))
                .and_then(Value::as_array)
                .map_or(1, Vec::len);
        }
    }
    println!("parsed {issues} issues");
    Ok(())
}

fn parse_jsonl(path: &Path) -> Result<usize, String> {
    let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut lines = BufReader::new(file).lines();
    let mut count = 0;
    loop {
        let batch: Vec<String> = lines
            .by_ref()
            .take(BATCH)
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        if batch.is_empty() {
            return Ok(count);
        }
        count += batch
            .par_iter()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str::<Value>(l).map(|_| 1))
            .sum::<Result<usize, _>>()
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
}

fn read(dir: &Path) -> Result<(), String> {
    let mut summary = Vec::new();
    for table in ["tickets", "comments", "worklogs", "changes"] {
        let path = dir.join(format!("{table}.parquet"));
        let file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let df = ParquetReader::new(file)
            .finish()
            .map_err(|e| format!("{}: {e}", path.display()))?;
        summary.push(format!("{table} {}", df.height()));
    }
    println!("read {}", summary.join(", "));
    Ok(())
}
