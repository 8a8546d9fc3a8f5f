//! `supportlens export`: the tickets the JQL selects, read from JIRA and merged into the
//! snapshot by id, holding the data folder's lock throughout.
//!
//! Resume point: the snapshot's `exported_at` is the instant the last completed, settled
//! export started. The next export asks only for tickets updated since then minus
//! `[jira] overlap`, provided the snapshot came from the same flavor, URL and JQL
//! (otherwise, or with `--full`, it reads everything).
//!
//! Progress is kept: complete tickets are committed to the snapshot as the export runs (see
//! `snapshot::Committer`), with `snapshot.json` marking the export unfinished and where it
//! stands. A killed or failed export is continued by the next run from there (also by an
//! `export --full` when the unfinished one was full); `exported_at` moves only when an
//! export completes. A full export that completes notes the tickets the JQL no longer
//! returns in `snapshot.json` (`gone`), keeping them in the snapshot.

use std::borrow::Cow;
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use chrono::Utc;

use crate::cli::{Cli, ExportArgs};
use crate::error::Failure;
use crate::jira::client::{Client, Retry};
use crate::jira::export::{self, Query, Read, window_start};
use crate::model::{Ts, fmt_ts};
use crate::settings::{Flavor, Settings};
use crate::snapshot::{self, Committer, EXPORTS_KEPT, ExportRecord, Gone, Meta, Unfinished};

pub fn run(cli: &Cli, args: &ExportArgs) -> Result<()> {
    let settings = settings_for(cli, args)?;
    export_with(&cli.data, &settings, args.full).map(|_| ())
}

/// The configuration with `--jira-url` (or `SUPPORTLENS_JIRA_URL`), `--flavor` and `--jql`
/// applied over the file.
pub(crate) fn settings_for(cli: &Cli, args: &ExportArgs) -> Result<Settings> {
    let mut settings = crate::config::load(cli.config.as_deref())?;
    crate::config::apply_overrides(
        &mut settings,
        args.jira_url.clone(),
        args.flavor.clone(),
        args.jql.clone(),
    )?;
    Ok(settings)
}

/// Exports into the snapshot in `data`: continues an unfinished export of the same JIRA
/// and JQL, else incremental unless `full` or no compatible earlier export exists. Returns
/// when this run started if its paging settled: the snapshot is complete up to then, even
/// where the resume point stays at the start of an earlier, stopped run of the same export.
/// `None` when it did not settle (later tickets may be missing; the resume point stays)
/// but an earlier export did; a JIRA failure (exit 4) when no export of the snapshot ever
/// settled, since then any week may miss tickets.
pub(crate) fn export_with(data: &Path, settings: &Settings, full: bool) -> Result<Option<Ts>> {
    exporting(data, settings, full).map_err(|e| {
        let text = format!("{e:#}");
        match redacted(&text) {
            // Same exit code, the token replaced: JIRA's words (an error message, a value
            // it sent) are quoted into errors, and a server may echo the token back.
            Cow::Owned(clean) => Failure {
                kind: failure_kind(&e),
                message: clean,
            }
            .into(),
            Cow::Borrowed(_) => e,
        }
    })
}

/// The kind of the first `Failure` in `e`'s chain (an internal error when none).
fn failure_kind(e: &anyhow::Error) -> crate::error::Kind {
    e.chain()
        .find_map(|c| c.downcast_ref::<Failure>())
        .map_or(crate::error::Kind::Jira, |f| f.kind)
}

/// `text` with the JIRA token (`SUPPORTLENS_JIRA_TOKEN`) replaced by `***`.
fn redacted(text: &str) -> Cow<'_, str> {
    let token = std::env::var(crate::jira::client::TOKEN_ENV).unwrap_or_default();
    without_token(text, token.trim())
}

/// `text` with `token` replaced by `***`, and with the start of it too where a cut (`…`)
/// ended the text JIRA sent in the middle of the token: a cut Cloud token (192 characters)
/// still shows most of it.
fn without_token<'a>(text: &'a str, token: &str) -> Cow<'a, str> {
    // A token of a few characters would blot out ordinary words; no real token is that short.
    const SHORTEST: usize = 4;
    // A cut start shorter than this says too little of the token to hide (and hiding it
    // would blot out words that merely start like it).
    const SHORTEST_START: usize = 8;
    if token.len() < SHORTEST {
        return Cow::Borrowed(text);
    }
    let mut out = Cow::Borrowed(text);
    if out.contains(token) {
        out = Cow::Owned(out.replace(token, "***"));
    }
    if out.contains('…') {
        for end in (SHORTEST_START..token.len()).rev() {
            let Some(start) = token.get(..end) else {
                continue;
            };
            let cut = format!("{start}…");
            if out.contains(&cut) {
                out = Cow::Owned(out.replace(&cut, "***…"));
            }
        }
    }
    out
}

fn exporting(data: &Path, settings: &Settings, full: bool) -> Result<Option<Ts>> {
    let jql = read_jql(&settings.jira.jql)?;
    let max_wait = Duration::from_secs(settings.jira.max_wait.max(0) as u64);
    let retry = Retry::from_env(settings.jira.concurrency, max_wait)?;
    let client = Client::from_env(&settings.jira.url, settings.jira.flavor, retry)?;
    let _lock = snapshot::lock(data)?;
    let started = Utc::now();
    let inputs = inputs(settings, &jql);
    let (existing, previous) = if snapshot::exists(data) {
        let (tickets, meta) = snapshot::read(data)?;
        (tickets, Some(meta))
    } else {
        (Vec::new(), None)
    };
    let same = previous
        .as_ref()
        .filter(|m| m.source == "jira" && m.inputs == inputs);
    // The last completed export's start: the resume point until this export completes.
    // One after this machine's clock was written while the clock ran ahead: reading from
    // it would skip every change since the real last export, so everything is read again.
    let completed = same
        .and_then(|m| m.exported_at)
        .filter(|at| !ahead_of_clock(*at, started, "the last export started"));
    let carried = same
        .and_then(|m| m.unfinished.clone())
        .filter(|u| !ahead_of_clock(u.started, started, "the unfinished export started"));
    let plan = match carried.filter(|u| !full || u.full) {
        Some(u) => {
            super::say(&format!(
                "continuing the unfinished export started at {}",
                fmt_ts(u.started)
            ));
            u
        }
        None => {
            if !full && completed.is_none() && previous.is_some() {
                super::say(
                    "the snapshot holds no export of this JIRA and JQL; reading every ticket",
                );
            }
            let reads_all = full || completed.is_none();
            let since = completed
                .filter(|_| !reads_all)
                .map(|r| window_start(r, settings.jira.overlap));
            Unfinished {
                started,
                full: reads_all,
                resume: since,
                seen: Vec::new(),
            }
        }
    };
    let since = plan.resume;
    let mut record = ExportRecord {
        started,
        full: plan.full,
        ..ExportRecord::default()
    };
    let mut meta = Meta {
        source: "jira".to_string(),
        inputs,
        exported_at: completed,
        written_at: started,
        version: env!("CARGO_PKG_VERSION").to_string(),
        unfinished: None,
        // Gone tickets of another source or JQL mean nothing here.
        gone: same.map(|m| m.gone.clone()).unwrap_or_default(),
        exports: previous
            .as_ref()
            .map(|m| m.exports.clone())
            .unwrap_or_default(),
        severity_field: Some(settings.types.severity_field.clone()),
    };
    let chain = plan.clone();
    let mut store = Committer::new(data, existing, plan);
    let query = Query {
        jql,
        since,
        severity_field: settings.types.severity_field.clone(),
        concurrency: settings.jira.concurrency,
        known: store.known(),
    };
    let mut read = 0u64;
    let result = export::export(&client, &query, &|line| super::say(line), &mut |t, at| {
        let page_end = matches!(t, Read::PageEnd);
        read += u64::from(!page_end);
        let now = || described(&meta, &record, read, &client);
        match t {
            Read::Ticket(t) => store.offer(*t, at, now),
            Read::Unchanged(id) => store.offer_unchanged(id, at, now),
            Read::PageEnd => store.page_end(now),
        }
    });
    record.tickets_read = read;
    let outcome = match result {
        Ok(outcome) => outcome,
        Err(e) => {
            // Keep what was read: the next run continues from the last complete ticket.
            let now = described(&meta, &record, read, &client);
            if read > 0
                && let Err(kept) = store.commit(&now)
            {
                return Err(e.context(format!("and the tickets read could not be kept: {kept:#}")));
            }
            return Err(e);
        }
    };
    for w in &outcome.warnings {
        crate::stderr_line!("supportlens: warning: {}", redacted(w));
    }
    store.merge_waiting();
    // Gone: only a full, settled export of a JQL exported before can tell.
    if chain.full && outcome.settled && completed.is_some() {
        let newly = note_gone(
            &mut meta.gone,
            store.tickets(),
            |id| store.saw(id),
            chain.started,
            completed,
        );
        if newly > 0 {
            crate::stderr_line!(
                "supportlens: warning: {newly} tickets in the snapshot are no longer returned by \
                 the JQL (deleted, moved out of it, or hidden from the account); they stay in \
                 the snapshot and data_quality.csv lists them as gone from JIRA"
            );
        }
    } else {
        meta.gone.retain(|g| !store.saw(&g.id));
    }
    record.complete = true;
    record.settled = outcome.settled;
    let mut done = described(&meta, &record, read, &client);
    // Unsettled: keep the old resume point so the window is read again.
    done.exported_at = if outcome.settled {
        Some(chain.started)
    } else {
        completed
    };
    store.finish(&done)?;
    let stats = client.stats();
    super::say(&format!(
        "exported {read} tickets in {} requests ({} retried, {} rate-limit waits); the \
         snapshot in {} now holds {}",
        stats.requests,
        stats.retries,
        stats.rate_limit_waits,
        data.display(),
        store.tickets().len()
    ));
    if !outcome.settled && completed.is_none() {
        // Nothing in the snapshot was read from a JIRA whose search held still: tickets may
        // be missing from any week, so no report could trust it (a wrong number is worse
        // than none). What was read is kept; the next run reads the search again.
        return Err(Failure::jira(format!(
            "JIRA's search did not settle in {} passes (its pages kept repeating or changing,              see the warning above) and no earlier export of the snapshot in {} did: tickets              may be missing, so the export does not count as done; the {read} tickets read              are kept: run the export again, and check the JQL's ordering or the site's              paging if it keeps failing",
            outcome.passes,
            data.display()
        ))
        .into());
    }
    // Only a settled export's start dates what the snapshot holds (see `export_with`).
    Ok(outcome.settled.then_some(started))
}

/// True, with a warning, when `at` (what the snapshot says `what`) is after `now`.
fn ahead_of_clock(at: Ts, now: Ts, what: &str) -> bool {
    let ahead = at > now;
    if ahead {
        crate::stderr_line!(
            "supportlens: warning: the snapshot says {what} at {}, after this machine's clock \
             ({}); reading every ticket again: check the clock",
            fmt_ts(at),
            fmt_ts(now)
        );
    }
    ahead
}

/// The snapshot's description now: `meta` with this run's record brought up to date.
fn described(meta: &Meta, record: &ExportRecord, read: u64, client: &Client) -> Meta {
    let stats = client.stats();
    let now = Utc::now();
    let mut meta = meta.clone();
    meta.written_at = now;
    meta.exports.push(ExportRecord {
        finished: now,
        tickets_read: read,
        requests: stats.requests,
        retries: stats.retries,
        rate_limit_waits: stats.rate_limit_waits,
        ..record.clone()
    });
    let extra = meta.exports.len().saturating_sub(EXPORTS_KEPT);
    meta.exports.drain(..extra);
    meta
}

/// Updates `gone` after a full export that started at `started`: tickets it did not read
/// are added (once; `last_seen` is the previous completed export), tickets it read are
/// removed. Returns how many were added.
fn note_gone(
    gone: &mut Vec<Gone>,
    tickets: &[crate::model::Ticket],
    saw: impl Fn(&str) -> bool,
    started: Ts,
    last_seen: Option<Ts>,
) -> usize {
    gone.retain(|g| !saw(&g.id));
    let known: std::collections::HashSet<String> = gone.iter().map(|g| g.id.clone()).collect();
    let mut added = 0;
    for t in tickets
        .iter()
        .filter(|t| !saw(&t.id) && !known.contains(&t.id))
    {
        gone.push(Gone {
            id: t.id.clone(),
            key: t.key.clone(),
            last_seen,
            noticed: started,
        });
        added += 1;
    }
    added
}

/// What the snapshot records as this export's source; a later export resumes only from a
/// snapshot with the same values.
fn inputs(settings: &Settings, jql: &str) -> Vec<String> {
    let flavor = match settings.jira.flavor {
        Flavor::Cloud => "cloud",
        Flavor::Server => "server",
    };
    vec![
        format!("{flavor} {}", settings.jira.url),
        format!("jql: {jql}"),
    ]
}

/// The JQL file's text, trimmed; missing or empty is a configuration error (exit 2).
fn read_jql(path: &Path) -> Result<String> {
    let text = crate::input_file::read_to_string(path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the JQL file {}: {e}; set [jira] jql or --jql to a file holding the \
             query, e.g. `project = SUP`",
            path.display()
        ))
    })?;
    let jql = text.trim();
    if let Err(what) = export::check_jql(jql) {
        return Err(Failure::usage(format!(
            "the JQL file {} does not parse: {what}; the export wraps the query in brackets \
             to add its `updated` bound, so fix the brackets and quotes",
            path.display()
        ))
        .into());
    }
    if jql.is_empty() || export::strip_order_by(jql).trim().is_empty() {
        return Err(Failure::usage(format!(
            "the JQL file {} selects nothing in particular; write a query such as \
             `project = SUP`, so the export does not read every ticket on the site",
            path.display()
        ))
        .into());
    }
    Ok(jql.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Ticket, parse_ts};

    fn ticket(id: &str) -> Ticket {
        Ticket {
            id: id.into(),
            key: format!("SUP-{id}"),
            ..Ticket::default()
        }
    }

    #[test]
    fn a_full_export_adds_the_unread_once_and_drops_the_read_again() {
        let t = |s: &str| parse_ts(s).unwrap();
        let tickets = [ticket("1"), ticket("2"), ticket("3")];
        let mut gone = vec![Gone {
            id: "1".into(),
            key: "SUP-1".into(),
            last_seen: Some(t("2026-11-01T00:00:00Z")),
            noticed: t("2026-11-08T00:00:00Z"),
        }];
        // Read: 1 (back in JIRA). Not read: 2 (new gone) and 3 (new gone).
        let added = note_gone(
            &mut gone,
            &tickets,
            |id| id == "1",
            t("2026-11-23T06:00:00Z"),
            Some(t("2026-11-16T06:00:00Z")),
        );
        assert_eq!(added, 2);
        let ids: Vec<&str> = gone.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(ids, ["2", "3"]);
        assert_eq!(gone[0].last_seen, Some(t("2026-11-16T06:00:00Z")));
        assert_eq!(gone[0].noticed, t("2026-11-23T06:00:00Z"));
        // The next full export misses 2 again: it stays as first noticed, not added twice.
        let added = note_gone(
            &mut gone,
            &tickets,
            |id| id != "2",
            t("2026-11-30T06:00:00Z"),
            None,
        );
        assert_eq!(added, 0);
        assert_eq!(gone.len(), 1);
        assert_eq!(gone[0].noticed, t("2026-11-23T06:00:00Z"));
    }

    #[test]
    fn a_jql_file_with_a_stray_bracket_is_refused_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("support.jql");
        std::fs::write(&path, "project = SUP) OR (project = OPS").unwrap();
        let err = read_jql(&path).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 2);
        assert!(err.to_string().contains("support.jql"), "{err}");
    }

    #[test]
    fn the_token_is_hidden_whole_and_where_a_cut_ended_in_it() {
        use super::without_token;
        let token = "ATATT3xFfGF0abcdefghijklmnop";
        assert_eq!(without_token("no secret here", token), "no secret here");
        assert_eq!(
            without_token(&format!("bad token {token}, try {token}"), token),
            "bad token ***, try ***"
        );
        // JIRA's words cut at 300 characters in the middle of the token.
        assert_eq!(
            without_token("denied for ATATT3xFfGF0abc…", token),
            "denied for ***…"
        );
        // Too little of it to say anything, or a token too short to look for.
        assert_eq!(without_token("see ATATT3x…", token), "see ATATT3x…");
        assert_eq!(without_token("abc abc", "abc"), "abc abc");
    }
}
