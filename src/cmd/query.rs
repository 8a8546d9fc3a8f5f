//! `supportlens query SQL`: read-only SQL (polars) over the snapshot's tables and the
//! report's computed items, printed as a table or CSV.
//!
//! The query sees only those tables. polars SQL can also read files named inside the
//! query (`SELECT * FROM read_csv('/etc/shadow')`); every table function is refused before
//! the query runs, so a query cannot read anything the snapshot and the items do not hold.
//! Like every reader, it takes the data folder's lock and checks the snapshot's manifest.

use std::collections::BTreeSet;
use std::io::Cursor;
use std::ops::ControlFlow;

use anyhow::Context;
use polars::prelude::{CsvReadOptions, IntoLazy, LazyFrame, SerReader};
use polars::sql::SQLContext;
use sqlparser::ast::{
    Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Statement, TableFactor, Value,
    Visit, Visitor,
};
use sqlparser::dialect::GenericDialect;
use sqlparser::parser::{Parser, ParserOptions};

use super::report::Measuring;
use crate::cli::{Cli, QueryArgs};
use crate::error::{Failure, shown};
use crate::progress::Progress;

mod memory;
mod output;

/// The snapshot's tables, as SQL names them.
const SNAPSHOT_TABLES: [&str; 4] = ["tickets", "comments", "worklogs", "changes"];

/// The report's item tables, as SQL names them (`tickets_csv` is `tickets.csv`, since the
/// snapshot's `tickets` comes first), with their files.
const ITEM_TABLES: [(&str, &str); 11] = [
    ("clocks", "clocks.csv"),
    ("breaches", "breaches.csv"),
    ("escalations", "escalations.csv"),
    ("engineer_weekly", "engineer_weekly.csv"),
    ("team_weekly", "team_weekly.csv"),
    ("handoffs", "handoffs.csv"),
    ("tickets_csv", "tickets.csv"),
    ("calls", "calls.csv"),
    ("feedback", "feedback.csv"),
    ("goals", "goals.csv"),
    ("data_quality", "data_quality.csv"),
];

pub fn run(cli: &Cli, args: &QueryArgs) -> anyhow::Result<()> {
    let settings = crate::config::load(cli.config.as_deref())?;
    let sql = query_text(&args.sql)?;
    // `None`: the SQL does not parse here; every table is loaded and polars says what is wrong.
    let named = tables_named(&sql)?;
    let wants = |table: &str| named.as_ref().is_none_or(|n| n.contains(table));
    let mut ctx = SQLContext::new();
    // The snapshot is read (manifest and checksums checked) under the lock, and its raw
    // tables loaded before the lock goes, so tables and items describe the same snapshot.
    // The items the SQL names: the CSV tables the same flags would write; nothing drawn,
    // nothing measured (no ticket read) when it names none. `--engineer` is checked
    // against the people as `report` checks it, even when the SQL names no item.
    let items: Vec<(&str, &str)> = ITEM_TABLES.into_iter().filter(|(t, _)| wants(t)).collect();
    let measuring = if !items.is_empty() || args.window.engineer.is_some() {
        Measuring::Tickets
    } else {
        Measuring::Nothing
    };
    let mut progress = Progress::new();
    let (tickets, opts, lock) =
        super::report::inputs(cli, &settings, &args.window, measuring, &mut progress)?;
    let from_snapshot = lock.is_some();
    if from_snapshot {
        for table in SNAPSHOT_TABLES.into_iter().filter(|t| wants(t)) {
            // Checked against the manifest like every read of the snapshot (exit 3 if not).
            let df = crate::snapshot::load_table(&cli.data, table)?;
            ctx.register(table, df.lazy());
        }
    }
    // A snapshot read in chunks stays locked until every chunk is read.
    let lock = match &tickets {
        crate::measure::Input::Chunks(_) => lock,
        crate::measure::Input::Tickets(_) => {
            drop(lock);
            None
        }
    };
    if measuring == Measuring::Tickets {
        let measured = crate::report::measured(&settings, tickets, &opts, &mut progress)?;
        drop(lock);
        for w in &measured.warnings() {
            crate::stderr_line!("supportlens: warning: {}", crate::error::cut(w, 300));
        }
        let files =
            crate::report::csv_files_where(&measured, |file| items.iter().any(|(_, f)| *f == file));
        progress.step(&format!("rendered {} tables of items", files.len()));
        for (name, bytes) in &files {
            let Some(&(table, _)) = items.iter().find(|(_, f)| f == name) else {
                continue;
            };
            let df = CsvReadOptions::default()
                .with_has_header(true)
                .with_infer_schema_length(None)
                .into_reader_with_file_handle(Cursor::new(bytes.as_slice()))
                .finish()
                .with_context(|| format!("loading {name} for SQL"))?;
            ctx.register(table, df.lazy());
        }
        progress.step("loaded the tables for SQL");
    }
    // Ends the run (exit 2) if the query grows past its bound, until it is collected.
    let watch = memory::Watch::start()?;
    let result = ctx.execute(&sql).and_then(LazyFrame::collect);
    drop(watch);
    let mut df = result.map_err(|e| {
        // The tables this run can offer: the snapshot's only when reading one.
        let tables: Vec<&str> = SNAPSHOT_TABLES
            .into_iter()
            .filter(|_| from_snapshot)
            .chain(ITEM_TABLES.iter().map(|(t, _)| *t))
            .collect();
        Failure::usage(format!(
            "the SQL did not run: {}; tables: {}",
            crate::error::cut(&e.to_string(), 400),
            tables.join(", ")
        ))
    })?;
    output::print(std::io::stdout().lock(), &mut df, args.csv)
}

/// The SQL itself, or the text of a saved query when the argument names a `.sql` file
/// (see `queries/`).
fn query_text(arg: &str) -> anyhow::Result<String> {
    let sql = if arg.trim_end().ends_with(".sql") {
        let path = std::path::Path::new(arg.trim());
        crate::input_file::read_to_string(path).map_err(|e| {
            Failure::usage(format!(
                "cannot read the query file {}: {e}",
                crate::error::cut(&path.display().to_string(), 200)
            ))
        })?
    } else {
        arg.to_string()
    };
    if sql.len() > MAX_SQL_BYTES {
        return Err(Failure::usage(format!(
            "the SQL is {} bytes; a query may be at most {MAX_SQL_BYTES}; shorten it",
            sql.len()
        ))
        .into());
    }
    Ok(sql)
}

/// The longest SQL text `query` takes: far above any query a person writes, and short
/// enough that its parsed tree is dropped without exhausting the stack.
const MAX_SQL_BYTES: usize = 64 * 1024;

/// The deepest nesting of expressions `query` takes (`1+1+…` nests one level a term,
/// which the parser's own limit on brackets does not count): polars' SQL planner recurses
/// once a level, and a deeper query would overflow the stack instead of failing.
const MAX_EXPR_DEPTH: usize = 200;

/// The longest string `lpad` / `rpad` may make: far past any report cell, and small
/// enough that padding every row stays in memory (polars builds every padded string, so
/// `rpad(key, 2000000000, 'x')` took 2 GB a row, 4 GB for a single one, until killed).
const MAX_PAD: u64 = 10_000;

/// The tables `sql` reads, lowercased; `None` when the text does not parse here (polars
/// then reports it). Refuses a query that calls a table function (`read_csv`,
/// `read_parquet`, `read_ipc`, `read_json` or any other `name(...)` in a FROM or JOIN, at
/// any depth): polars would read the named file. The query is parsed as polars parses it.
fn tables_named(sql: &str) -> anyhow::Result<Option<BTreeSet<String>>> {
    let options = ParserOptions::new().with_trailing_commas(true);
    let Ok(statements) = Parser::new(&GenericDialect)
        .with_options(options)
        .try_with_sql(sql)
        .and_then(|mut p| p.parse_statements())
    else {
        return Ok(None);
    };
    let mut finder = Tables::default();
    for statement in &statements {
        if let ControlFlow::Break(()) = statement.visit(&mut finder) {
            break;
        }
    }
    // Only plain queries say every table they read in FROM and JOIN: for anything else
    // (SHOW TABLES, EXPLAIN, ...) every table is loaded, as polars may read any.
    let plain = statements.iter().all(|s| matches!(s, Statement::Query(_)));
    if let Some(name) = finder.pad {
        return Err(Failure::usage(format!(
            "the SQL calls {name} with a length that is not a number from 0 to {MAX_PAD}; \
             write the length as such a number"
        ))
        .into());
    }
    if finder.too_deep {
        return Err(Failure::usage(format!(
            "the SQL nests expressions more than {MAX_EXPR_DEPTH} deep (a long chain of \
             operators counts one level each); write it as a shorter expression"
        ))
        .into());
    }
    match finder.function {
        None if plain && !finder.other => Ok(Some(finder.names)),
        None => Ok(None),
        Some(name) => Err(Failure::usage(format!(
            "the SQL calls the table function {}; a query reads only the snapshot's tables \
             and the report's items (name them in FROM, e.g. FROM tickets), never other files",
            shown(&name)
        ))
        .into()),
    }
}

/// The table names of a statement, and the first table function in it.
#[derive(Default)]
struct Tables {
    names: BTreeSet<String>,
    function: Option<String>,
    /// A table named in a way not read here: every table is loaded.
    other: bool,
    /// How deep the visit is in expressions now, and whether it went past the limit.
    depth: usize,
    too_deep: bool,
    /// A padding function asked for a length past [`MAX_PAD`] or not written as a number.
    pad: Option<String>,
}

/// `lpad` or `rpad` (as named) when `f` is one whose length is not a number up to
/// [`MAX_PAD`].
fn pad_too_long(f: &Function) -> Option<String> {
    let name = f.name.0.last()?.as_ident()?.value.to_lowercase();
    if name != "lpad" && name != "rpad" {
        return None;
    }
    let length = match &f.args {
        FunctionArguments::List(list) => list.args.get(1),
        _ => None,
    };
    let ok = match length {
        Some(FunctionArg::Unnamed(FunctionArgExpr::Expr(Expr::Value(v)))) => {
            matches!(&v.value, Value::Number(n, _)
                if n.to_string().parse::<u64>().is_ok_and(|n| n <= MAX_PAD))
        }
        // Without a length polars refuses the call itself.
        None => true,
        _ => false,
    };
    (!ok).then_some(name)
}

impl Visitor for Tables {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &Expr) -> ControlFlow<()> {
        self.depth += 1;
        if self.depth > MAX_EXPR_DEPTH {
            self.too_deep = true;
            return ControlFlow::Break(());
        }
        if let Expr::Function(f) = expr
            && let Some(name) = pad_too_long(f)
        {
            self.pad = Some(name);
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, _: &Expr) -> ControlFlow<()> {
        self.depth -= 1;
        ControlFlow::Continue(())
    }

    fn pre_visit_table_factor(&mut self, factor: &TableFactor) -> ControlFlow<()> {
        let name = match factor {
            TableFactor::Table {
                name, args: None, ..
            } => {
                // `"Clocks"`, `` `clocks` `` or `db.clocks`: the unquoted last part.
                match name.0.last().and_then(|part| part.as_ident()) {
                    Some(ident) => {
                        self.names.insert(ident.value.to_lowercase());
                    }
                    None => self.other = true,
                }
                return ControlFlow::Continue(());
            }
            TableFactor::Table { name, .. } => name.to_string(),
            TableFactor::TableFunction { expr, .. } => expr.to_string(),
            TableFactor::Function { name, .. } => name.to_string(),
            _ => return ControlFlow::Continue(()),
        };
        self.function = Some(name);
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
            let err = tables_named(sql).unwrap_err();
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
            assert!(tables_named(sql).is_ok(), "{sql}");
        }
    }

    #[test]
    fn the_tables_a_query_names_are_found_at_any_depth() {
        let names = |sql: &str| -> Vec<String> {
            tables_named(sql)
                .expect("no table function")
                .expect("parses")
                .into_iter()
                .collect()
        };
        assert_eq!(names("SELECT count(*) FROM tickets"), ["tickets"]);
        assert_eq!(
            names(
                "SELECT c.ticket FROM Clocks c JOIN \"breaches\" b ON b.ticket = c.ticket \
                 WHERE c.engineer IN (SELECT engineer FROM engineer_weekly)"
            ),
            ["breaches", "clocks", "engineer_weekly"]
        );
        assert_eq!(
            names("WITH w AS (SELECT * FROM team_weekly) SELECT * FROM w"),
            ["team_weekly", "w"]
        );
        assert_eq!(
            names("SELECT * FROM `clocks` JOIN 'calls' ON 1 = 1"),
            ["calls", "clocks"]
        );
        assert!(names("SELECT 1").is_empty());
        for sql in [
            "SHOW TABLES",
            "EXPLAIN SELECT * FROM clocks",
            "TRUNCATE TABLE clocks",
        ] {
            assert!(tables_named(sql).unwrap().is_none(), "{sql}");
        }
        assert!(tables_named("not sql at all").unwrap().is_none());
    }

    /// Padding to 2,000,000,000 characters took 4 GB for one row, and a row of every ticket
    /// each: a length past 10,000, or not written as a number, is refused (exit 2) before
    /// the query runs, at any depth.
    #[test]
    fn padding_to_huge_lengths_is_refused() {
        for sql in [
            "SELECT lpad('a', 2000000000, 'b')",
            "SELECT RPAD(key, 10001, 'x') FROM tickets",
            "SELECT * FROM tickets WHERE key = (SELECT max(rpad(key, id * 1000000)) FROM tickets)",
            "SELECT lpad('a', -1)",
        ] {
            let err = tables_named(sql).unwrap_err();
            assert_eq!(crate::error::exit_code(&err), 2, "{sql}");
            let msg = format!("{err:#}");
            assert!(
                msg.ends_with(
                    "with a length that is not a number from 0 to 10000; write the length as \
                     such a number"
                ) && msg.starts_with("the SQL calls "),
                "{sql}: {msg}"
            );
        }
        let err = tables_named("SELECT rpad(key, 99999999999999999999) FROM tickets");
        assert!(format!("{:#}", err.unwrap_err()).starts_with("the SQL calls rpad "));
        assert!(tables_named("SELECT lpad(key, 12, '0'), rpad(key, 10000) FROM tickets").is_ok());
    }

    /// A flat chain of 3,000 additions nests as deep as 3,000 brackets: refused (exit 2)
    /// before polars' planner would overflow the stack; 150 terms still run.
    #[test]
    fn long_operator_chains_and_huge_texts_are_refused() {
        let chain = |n: usize| format!("SELECT {} AS x FROM tickets", vec!["1"; n].join("+"));
        assert!(tables_named(&chain(150)).is_ok());
        let err = tables_named(&chain(3000)).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
        assert!(format!("{err:#}").contains("more than 200 deep"), "{err:#}");
        let huge = chain(40_000);
        let err = query_text(&huge).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
        assert!(
            format!("{err:#}").starts_with("the SQL is 80024 bytes; a query may be at most 65536"),
            "{err:#}"
        );
    }
}
