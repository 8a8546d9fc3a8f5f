//! `supportlens query SQL`: read-only SQL (polars) over the snapshot's tables and the
//! report's computed items, printed as a table or CSV.
//!
//! The query sees only those tables. polars SQL can also read files named inside the
//! query (`SELECT * FROM read_csv('/etc/shadow')`); every table function is refused before
//! the query runs, so a query cannot read anything the snapshot and the items do not hold.
//! Like every reader, it takes the data folder's lock and checks the snapshot's manifest.

use std::io::{Cursor, Write};
use std::ops::ControlFlow;

use anyhow::Context;
use polars::prelude::{
    CsvReadOptions, CsvWriter, IntoLazy, LazyFrame, ParquetReader, SerReader, SerWriter,
};
use polars::sql::SQLContext;
use sqlparser::ast::{TableFactor, Visit, Visitor};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::{Parser, ParserOptions};

use crate::cli::{Cli, QueryArgs};
use crate::error::{Failure, shown};
use crate::progress::Progress;

pub fn run(cli: &Cli, args: &QueryArgs) -> anyhow::Result<()> {
    let settings = crate::config::load(cli.config.as_deref())?;
    let sql = query_text(&args.sql)?;
    check_reads_only_tables(&sql)?;
    let mut ctx = SQLContext::new();
    // The snapshot is read (manifest and checksums checked) under the lock, and its raw
    // tables loaded before the lock goes, so tables and items describe the same snapshot.
    let (tickets, opts, lock) = super::report::inputs(cli, &settings, &args.window)?;
    if lock.is_some() {
        for table in ["tickets", "comments", "worklogs", "changes"] {
            let path = cli.data.join(format!("{table}.parquet"));
            let df = ParquetReader::new(
                crate::input_file::open(&path)
                    .with_context(|| format!("opening {}", path.display()))?,
            )
            .finish()
            .with_context(|| format!("reading {}", path.display()))?;
            ctx.register(table, df.lazy());
        }
    }
    drop(lock);
    // The items: every CSV table of the report the same flags would write; nothing drawn.
    let mut progress = Progress::new();
    let measured = crate::report::measured(&settings, tickets, &opts, &mut progress)?;
    for w in &measured.warnings() {
        eprintln!("supportlens: warning: {}", crate::error::cut(w, 300));
    }
    let files = crate::report::csv_files(&measured);
    progress.step(&format!("rendered {} tables of items", files.len()));
    for (name, bytes) in &files {
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
    progress.step("loaded the tables for SQL");
    let mut df = ctx
        .execute(&sql)
        .and_then(LazyFrame::collect)
        .map_err(|e| {
            Failure::usage(format!(
                "the SQL did not run: {}; tables: {}",
                crate::error::cut(&e.to_string(), 400),
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

/// The SQL itself, or the text of a saved query when the argument names a `.sql` file
/// (see `queries/`).
fn query_text(arg: &str) -> anyhow::Result<String> {
    if !arg.trim_end().ends_with(".sql") {
        return Ok(arg.to_string());
    }
    let path = std::path::Path::new(arg.trim());
    crate::input_file::read_to_string(path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the query file {}: {e}",
            crate::error::cut(&path.display().to_string(), 200)
        ))
        .into()
    })
}

/// Refuses a query that calls a table function (`read_csv`, `read_parquet`, `read_ipc`,
/// `read_json` or any other `name(...)` in a FROM or JOIN, at any depth): polars would
/// read the named file. The query is parsed as polars parses it; text that does not parse
/// is left for polars to report.
fn check_reads_only_tables(sql: &str) -> anyhow::Result<()> {
    let options = ParserOptions::new().with_trailing_commas(true);
    let Ok(statements) = Parser::new(&GenericDialect)
        .with_options(options)
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
    else {
        return Ok(());
    };
    let mut finder = TableFunctions(None);
    for statement in &statements {
        if let ControlFlow::Break(()) = statement.visit(&mut finder) {
            break;
        }
    }
    match finder.0 {
        None => Ok(()),
        Some(name) => Err(Failure::usage(format!(
            "the SQL calls the table function {}; a query reads only the snapshot's tables \
             and the report's items (name them in FROM, e.g. FROM tickets), never other files",
            shown(&name)
        ))
        .into()),
    }
}

/// Finds the first table function in a statement.
struct TableFunctions(Option<String>);

impl Visitor for TableFunctions {
    type Break = ();

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        let name = match factor {
            TableFactor::Table {
                name,
                args: Some(_),
                ..
            } => name.to_string(),
            TableFactor::TableFunction { expr, .. } => expr.to_string(),
            TableFactor::Function { name, .. } => name.to_string(),
            _ => return ControlFlow::Continue(()),
        };
        self.0 = Some(name);
        ControlFlow::Break(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_functions_are_refused_at_any_depth() {
        for sql in [
            "SELECT * FROM read_csv('/etc/passwd')",
            "select * from READ_PARQUET('x.parquet')",
            "SELECT * FROM tickets JOIN read_ipc('x') r ON r.id = tickets.id",
            "SELECT * FROM (SELECT * FROM read_json('x')) s",
            "WITH x AS (SELECT * FROM read_csv('y')) SELECT * FROM x",
            "SELECT * FROM tickets WHERE id IN (SELECT a FROM read_csv('z'))",
            "SELECT * FROM tickets UNION SELECT * FROM read_csv('z')",
            "SELECT * FROM \"read_csv\"('z')",
        ] {
            let err = check_reads_only_tables(sql).unwrap_err();
            assert_eq!(crate::error::exit_code(&err), 2, "{sql}");
            assert!(
                format!("{err:#}").starts_with("the SQL calls the table function"),
                "{sql}: {err:#}"
            );
        }
        for sql in [
            "SELECT engineer, sum(sla_breaches) FROM engineer_weekly GROUP BY engineer",
            "SELECT count(*) FROM tickets t JOIN comments c ON c.ticket_id = t.id",
            "SELECT upper(key) FROM tickets",
            "not sql at all",
        ] {
            assert!(check_reads_only_tables(sql).is_ok(), "{sql}");
        }
    }
}
