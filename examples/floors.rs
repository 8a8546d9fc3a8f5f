//! The floors `scripts/bench.sh` measures supportlens against: the least work any tool must
//! do to read the same data, with nothing computed or stored.
//!
//!   floors parse FILE...   parse every issue of JIRA JSON / JSONL files into serde_json's
//!                          `Value` and drop it: the standard parse, the issue's floor
//!   floors borrow FILE...  the same into the borrowed document `import` itself parses
//!                          into (serde_json_borrow): the least parse `import` does
//!   floors read DIR        read the snapshot's four Parquet tables into memory once (what
//!                          `report` cannot avoid)
//!   floors write REPORT OUT  write as many files of the same sizes as the report folder
//!                          REPORT holds into the new folder OUT, from one buffer in memory
//!                          (what `report` cannot avoid on the way out, before drawing or
//!                          formatting anything); OUT is left for the caller to remove
//!   floors write --synced REPORT OUT  the same, then flush OUT's file system to the disk
//!                          (one `syncfs`), as `report` does before it swaps the week's folder
//!                          into place
//!   floors png REPORT      decode the report's PNG charts, then encode them again as
//!                          `report` does (fast compression) on every core, and print the
//!                          encoding's own time: what the PNG files cost beyond drawing
//!   floors stitch OUT DATA...  join the snapshots DATA..., imported from consecutive parts
//!                          of one JSONL file (tickets in id order), into the new data
//!                          folder OUT: a workload whose `import` does not fit in memory
//!                          (XL) still gets a snapshot to report from. Not a floor, and
//!                          not timed
//!
//! All use every core, as supportlens does, and print what they did so a run can be
//! checked against the workload.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rayon::prelude::*;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// Lines handed to the parser threads at once: enough to keep both cores busy, few enough
/// that memory stays flat on a file of any size.
const BATCH: usize = 4096;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("parse") if args.len() > 1 => parse(&args[1..], owned),
        Some("borrow") if args.len() > 1 => parse(&args[1..], borrowed),
        Some("read") if args.len() == 2 => read(Path::new(&args[1])),
        Some("write") if args.len() == 3 => write(Path::new(&args[1]), Path::new(&args[2])),
        Some("write") if args.len() == 4 && args[1] == "--synced" => {
            write(Path::new(&args[2]), Path::new(&args[3]))
                .and_then(|()| synced(Path::new(&args[3])))
        }
        Some("png") if args.len() == 2 => png(Path::new(&args[1])),
        Some("stitch") if args.len() > 2 => stitch(Path::new(&args[1]), &args[2..]),
        _ => Err(
            "usage: floors parse FILE... | floors borrow FILE... | floors read DATA_DIR \
                  | floors write [--synced] REPORT_DIR OUT_DIR | floors png REPORT_DIR \
                  | floors stitch OUT_DIR DATA_DIR..."
                .to_string(),
        ),
    };
    if let Err(e) = result {
        eprintln!("floors: {e}");
        std::process::exit(2);
    }
}

/// Parses one JSON text into a document, drops it, and says how many issues it held.
type Parse = fn(&str) -> serde_json::Result<usize>;

fn owned(text: &str) -> serde_json::Result<usize> {
    let doc: Value = serde_json::from_str(text)?;
    Ok(doc
        .get("issues")
        .or(Some(&doc))
        .and_then(Value::as_array)
        .map_or(1, Vec::len))
}

fn borrowed(text: &str) -> serde_json::Result<usize> {
    let doc: serde_json_borrow::Value = serde_json::from_str(text)?;
    let issues = match doc.get("issues") {
        serde_json_borrow::Value::Null => &doc,
        list => list,
    };
    Ok(issues.as_array().map_or(1, <[_]>::len))
}

fn parse(files: &[String], document: Parse) -> Result<(), String> {
    let mut issues = 0usize;
    for file in files {
        let path = PathBuf::from(file);
        if path.extension().is_some_and(|e| e == "jsonl") {
            issues += parse_jsonl(&path, document)?;
        } else {
            let mut text = String::new();
            File::open(&path)
                .and_then(|mut f| f.read_to_string(&mut text))
                .map_err(|e| format!("{file}: {e}"))?;
            issues += document(&text).map_err(|e| format!("{file}: {e}"))?;
        }
    }
    println!("parsed {issues} issues");
    Ok(())
}

fn parse_jsonl(path: &Path, document: Parse) -> Result<usize, String> {
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
            .map(|l| document(l))
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

/// Writes files of the sizes found under `report` (bytes of one repeated value, already in
/// memory) into the new folder `out` on every core, as `report` writes its folder. Removing
/// `out` is left to the caller, so that its cost is not counted.
fn write(report: &Path, out: &Path) -> Result<(), String> {
    let mut sizes = Vec::new();
    list_sizes(report, Path::new(""), &mut sizes)?;
    let largest = sizes.iter().map(|(_, n)| *n).max().unwrap_or(0);
    let bytes = vec![b'x'; largest as usize];
    if out.exists() {
        return Err(format!("{} exists; give a folder to create", out.display()));
    }
    for (rel, _) in &sizes {
        if let Some(folder) = out.join(rel).parent() {
            std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        }
    }
    sizes
        .par_iter()
        .map(|(rel, n)| {
            let path = out.join(rel);
            std::fs::write(&path, &bytes[..*n as usize])
                .map_err(|e| format!("{}: {e}", path.display()))
        })
        .collect::<Result<(), String>>()?;
    let total: u64 = sizes.iter().map(|(_, n)| n).sum();
    println!("wrote {} files, {} MiB", sizes.len(), total >> 20);
    Ok(())
}

/// Flushes the file system holding `out` to the disk, as `report` flushes its staged folder.
fn synced(out: &Path) -> Result<(), String> {
    let folder = File::open(out).map_err(|e| format!("{}: {e}", out.display()))?;
    #[cfg(target_os = "linux")]
    rustix::fs::syncfs(&folder).map_err(|e| format!("syncfs {}: {e}", out.display()))?;
    #[cfg(not(target_os = "linux"))]
    folder
        .sync_all()
        .map_err(|e| format!("{}: {e}", out.display()))?;
    println!("flushed {} to the disk", out.display());
    Ok(())
}

fn list_sizes(root: &Path, rel: &Path, out: &mut Vec<(PathBuf, u64)>) -> Result<(), String> {
    let dir = root.join(rel);
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
        let meta = entry
            .metadata()
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        let rel = rel.join(entry.file_name());
        if meta.is_dir() {
            list_sizes(root, &rel, out)?;
        } else {
            out.push((rel, meta.len()));
        }
    }
    Ok(())
}

/// Re-encodes every PNG under `report` with the report's settings and prints the time the
/// encoding alone took, on every core.
fn png(report: &Path) -> Result<(), String> {
    let mut sizes = Vec::new();
    list_sizes(report, Path::new(""), &mut sizes)?;
    let images: Vec<(Vec<u8>, png::OutputInfo)> = sizes
        .iter()
        .filter(|(rel, _)| rel.extension().is_some_and(|e| e == "png"))
        .map(|(rel, _)| {
            let path = report.join(rel);
            let file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut reader = png::Decoder::new(BufReader::new(file))
                .read_info()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            let mut pixels = vec![0; reader.output_buffer_size()];
            let info = reader
                .next_frame(&mut pixels)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            Ok((pixels, info))
        })
        .collect::<Result<_, String>>()?;
    let start = std::time::Instant::now();
    let bytes: usize = images
        .par_iter()
        .map(|(pixels, info)| {
            let mut out = Vec::new();
            let mut encoder = png::Encoder::new(&mut out, info.width, info.height);
            encoder.set_color(info.color_type);
            encoder.set_depth(info.bit_depth);
            encoder.set_compression(png::Compression::Fast);
            let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
            writer
                .write_image_data(&pixels[..info.buffer_size()])
                .map_err(|e| e.to_string())?;
            writer.finish().map_err(|e| e.to_string())?;
            Ok(out.len())
        })
        .sum::<Result<usize, String>>()?;
    let pixels: usize = images.iter().map(|(_, i)| i.buffer_size()).sum();
    println!(
        "encoded {} PNGs ({} MiB of pixels, {} MiB of PNG) in {:.2} s",
        images.len(),
        pixels >> 20,
        bytes >> 20,
        start.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The snapshot's tables, in the order its manifest lists them.
const TABLES: [&str; 4] = ["tickets", "comments", "worklogs", "changes"];

/// Joins the snapshots in `parts` (each written by `import`, the tickets of each part
/// after those of the one before in id order) into the new data folder `out`: each table
/// is the parts' rows in order, written as the snapshot writes it (Zstd), and
/// `snapshot.json` is the first part's with the joined tables' sizes, rows and SHA-256.
/// Ids are checked to ascend across parts, since the snapshot keeps tickets in id order.
fn stitch(out: &Path, parts: &[String]) -> Result<(), String> {
    if out.exists() {
        return Err(format!("{} exists; give a folder to create", out.display()));
    }
    let manifests = parts
        .iter()
        .map(|dir| {
            let path = Path::new(dir).join("snapshot.json");
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            serde_json::from_str::<Value>(&text).map_err(|e| format!("{}: {e}", path.display()))
        })
        .collect::<Result<Vec<_>, String>>()?;
    check_id_order(parts)?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut entries = Vec::new();
    for table in TABLES {
        let mut joined: Option<DataFrame> = None;
        for dir in parts {
            let df = read_table(Path::new(dir), table)?;
            match joined.as_mut() {
                None => joined = Some(df),
                Some(all) => {
                    all.vstack_mut(&df)
                        .map_err(|e| format!("{dir}: {table}.parquet: {e}"))?;
                }
            }
        }
        let mut df = joined.unwrap_or_default();
        let path = out.join(format!("{table}.parquet"));
        let file = File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        // In the row groups `import` writes, so the stitched snapshot reads as an imported one.
        ParquetWriter::new(std::io::BufWriter::new(file))
            .with_compression(ParquetCompression::Zstd(None))
            .with_row_group_size(Some(supportlens::snapshot::ROWS_PER_GROUP))
            .finish(&mut df)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let sha256 = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>();
        entries.push(serde_json::json!({
            "name": table, "rows": df.height(), "bytes": bytes.len(), "sha256": sha256,
        }));
    }
    let mut manifest = manifests[0].clone();
    let inputs: Vec<Value> = manifests
        .iter()
        .flat_map(|m| m["inputs"].as_array().cloned().unwrap_or_default())
        .collect();
    manifest["inputs"] = Value::Array(inputs);
    manifest["tables"] = Value::Array(entries.clone());
    let path = out.join("snapshot.json");
    let text = serde_json::to_string_pretty(&manifest).map_err(|e| e.to_string())? + "\n";
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    let rows: Vec<String> = entries
        .iter()
        .map(|e| format!("{} {}", e["name"].as_str().unwrap_or(""), e["rows"]))
        .collect();
    println!("stitched {} snapshots: {}", parts.len(), rows.join(", "));
    Ok(())
}

/// Fails unless every part's first ticket id (read as a number) follows the previous
/// part's last one.
fn check_id_order(parts: &[String]) -> Result<(), String> {
    let mut last: Option<u64> = None;
    for dir in parts {
        let df = read_table(Path::new(dir), "tickets")?;
        let ids = df
            .column("id")
            .and_then(|c| c.str())
            .map_err(|e| format!("{dir}: tickets.parquet: {e}"))?;
        let numbers: Vec<u64> = ids
            .iter()
            .map(|id| id.and_then(|s| s.parse().ok()))
            .collect::<Option<_>>()
            .ok_or_else(|| format!("{dir}: a ticket id is not a number; cannot check the order"))?;
        if let (Some(prev), Some(first)) = (last, numbers.first())
            && *first <= prev
        {
            return Err(format!(
                "{dir}: its first ticket id {first} does not follow the previous part's last {prev}"
            ));
        }
        last = numbers.last().copied().or(last);
    }
    Ok(())
}

fn read_table(dir: &Path, table: &str) -> Result<DataFrame, String> {
    let path = dir.join(format!("{table}.parquet"));
    let file = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    ParquetReader::new(file)
        .finish()
        .map_err(|e| format!("{}: {e}", path.display()))
}
