//! `supportlens query SQL`: read-only SQL (polars) over the snapshot's tables and the
//! report's computed items, printed as a table or CSV.

use std::io::{Cursor, Write};

use anyhow::Context;
use polars::prelude::{
    CsvReadOptions, CsvWriter, IntoLazy, LazyFrame, ParquetReader, SerReader, SerWriter,
};
use polars::sql::SQLContext;

use crate::cli::{Cli, QueryArgs};
use crate::error::Failure;
use crate::progress::Progress;

pub fn run(cli: &Cli, args: &QueryArgs) -> anyhow::Result<()> {
    let settings = crate::config::load(cli.config.as_deref())?;
    let mut ctx = SQLContext::new();
    if args.window.input.is_empty() {
        for table in ["tickets", "comments", "worklogs", "changes"] {
            let path = cli.data.join(format!("{table}.parquet"));
            let df = ParquetReader::new(
                std::fs::File::open(&path)
                    .with_context(|| format!("opening {}", path.display()))?,
            )
            .finish()
            .with_context(|| format!("reading {}", path.display()))?;
            ctx.register(table, df.lazy());
        }
    }
    // The items: every CSV table of the report the same flags would write.
    let built = super::report::build(cli, &settings, &args.window, &mut Progress::new())?;
    for (name, bytes) in &built.files {
        let Some(table) = name.strip_suffix(".csv") else {
            continue;
        };
        // tickets.csv would shadow the snapshot's tickets table.
        let table = if table == "tickets" {
            "tickets_csv"
        } else {
            table
        };
        let df = CsvReadOptions::default()
            .with_has_header(true)
            .with_infer_schema_length(None)
            .into_reader_with_file_handle(Cursor::new(bytes.clone()))
            .finish()
            .with_context(|| format!("loading {name} for SQL"))?;
        ctx.register(table, df.lazy());
    }
    // A saved query: a path to a .sql file (see queries/).
    let sql = if args.sql.trim_end().ends_with(".sql") {
        std::fs::read_to_string(args.sql.trim()).map_err(|e| {
            Failure::usage(format!(
                "cannot read the query file {}: {e}",
                args.sql.trim()
            ))
        })?
    } else {
        args.sql.clone()
    };
    let mut df = ctx
        .execute(&sql)
        .and_then(LazyFrame::collect)
        .map_err(|e| {
            Failure::usage(format!(
                "the SQL did not run: {e}; tables: {}",
                ctx.get_tables().join(", ")
            ))
        })?;
    let mut out = std::io::stdout().lock();
    if args.csv {
        CsvWriter::new(&mut out)
            .finish(&mut df)
            .context("writing CSV to stdout")?;
    } else {
        writeln!(out, "{df}").context("writing to stdout")?;
    }
    Ok(())
}
