//! Tickets → the four normalized tables. Each column is collected into a `Vec` first and
//! turned into a Series once, so a snapshot of 200,000 tickets never builds a DataFrame
//! row by row. Column names here are the contract other commands (`query`) read.

use polars::prelude::*;

use super::Table;
use crate::model::{PersonRef, Ticket, Ts};

/// Builds one table's DataFrame from tickets already in their stored order.
pub(super) fn frame(table: Table, tickets: &[&Ticket]) -> PolarsResult<DataFrame> {
    match table {
        Table::Tickets => tickets_frame(tickets),
        Table::Comments => comments_frame(tickets),
        Table::Worklogs => worklogs_frame(tickets),
        Table::Changes => changes_frame(tickets),
    }
}

/// Labels are stored space-separated: JIRA labels never contain spaces.
pub(super) const LABEL_SEP: &str = " ";
/// Truncation notes are short phrases like "comments: 5 of 12", joined for humans.
pub(super) const NOTE_SEP: &str = "; ";

fn tickets_frame(tickets: &[&Ticket]) -> PolarsResult<DataFrame> {
    let n = tickets.len();
    let mut id = Vec::with_capacity(n);
    let mut key = Vec::with_capacity(n);
    let mut created = Vec::with_capacity(n);
    let mut updated = Vec::with_capacity(n);
    let mut issue_type = Vec::with_capacity(n);
    let mut status = Vec::with_capacity(n);
    let mut resolution = Vec::with_capacity(n);
    let mut severity = Vec::with_capacity(n);
    let mut labels = Vec::with_capacity(n);
    let mut assignee = PersonCols::with_capacity(n);
    let mut reporter = PersonCols::with_capacity(n);
    let mut truncated = Vec::with_capacity(n);
    for t in tickets {
        id.push(t.id.as_str());
        key.push(t.key.as_str());
        created.push(t.created.map(millis));
        updated.push(t.updated.map(millis));
        issue_type.push(t.issue_type.as_str());
        status.push(t.status.as_str());
        resolution.push(t.resolution.as_deref());
        severity.push(t.severity.as_deref());
        labels.push(t.labels.join(LABEL_SEP));
        assignee.push(t.assignee.as_ref());
        reporter.push(t.reporter.as_ref());
        truncated.push(t.truncated.join(NOTE_SEP));
    }
    let mut columns = vec![
        text("id", id),
        text("key", key),
        opt_time("created", created),
        opt_time("updated", updated),
        text("issue_type", issue_type),
        text("status", status),
        text("resolution", resolution),
        text("severity", severity),
        text("labels", labels),
    ];
    columns.extend(assignee.into_columns("assignee"));
    columns.extend(reporter.into_columns("reporter"));
    columns.push(text("truncated", truncated));
    DataFrame::new(n, columns)
}

fn comments_frame(tickets: &[&Ticket]) -> PolarsResult<DataFrame> {
    let n = tickets.iter().map(|t| t.comments.len()).sum();
    let mut id = Vec::with_capacity(n);
    let mut ticket_id = Vec::with_capacity(n);
    let mut author = PersonCols::with_capacity(n);
    let mut created = Vec::with_capacity(n);
    let mut updated = Vec::with_capacity(n);
    let mut public = Vec::with_capacity(n);
    let mut body = Vec::with_capacity(n);
    for t in tickets {
        for c in &t.comments {
            id.push(c.id.as_str());
            ticket_id.push(t.id.as_str());
            author.push(c.author.as_ref());
            created.push(millis(c.created));
            updated.push(millis(c.updated));
            public.push(c.public);
            body.push(c.body.as_str());
        }
    }
    let mut columns = vec![text("id", id), text("ticket_id", ticket_id)];
    columns.extend(author.into_columns("author"));
    columns.extend([
        time("created", created),
        time("updated", updated),
        Column::new("public".into(), public),
        text("body", body),
    ]);
    DataFrame::new(n, columns)
}

fn worklogs_frame(tickets: &[&Ticket]) -> PolarsResult<DataFrame> {
    let n = tickets.iter().map(|t| t.worklogs.len()).sum();
    let mut id = Vec::with_capacity(n);
    let mut ticket_id = Vec::with_capacity(n);
    let mut author = PersonCols::with_capacity(n);
    let mut started = Vec::with_capacity(n);
    let mut created = Vec::with_capacity(n);
    let mut updated = Vec::with_capacity(n);
    let mut seconds = Vec::with_capacity(n);
    let mut comment = Vec::with_capacity(n);
    for t in tickets {
        for w in &t.worklogs {
            id.push(w.id.as_str());
            ticket_id.push(t.id.as_str());
            author.push(w.author.as_ref());
            started.push(millis(w.started));
            created.push(millis(w.created));
            updated.push(millis(w.updated));
            seconds.push(w.seconds);
            comment.push(w.comment.as_str());
        }
    }
    let mut columns = vec![text("id", id), text("ticket_id", ticket_id)];
    columns.extend(author.into_columns("author"));
    columns.extend([
        time("started", started),
        time("created", created),
        time("updated", updated),
        Column::new("seconds".into(), seconds),
        text("comment", comment),
    ]);
    DataFrame::new(n, columns)
}

fn changes_frame(tickets: &[&Ticket]) -> PolarsResult<DataFrame> {
    let n = tickets.iter().map(|t| t.changes.len()).sum();
    let mut history_id = Vec::with_capacity(n);
    let mut ticket_id = Vec::with_capacity(n);
    let mut author = PersonCols::with_capacity(n);
    let mut at = Vec::with_capacity(n);
    let mut field_id = Vec::with_capacity(n);
    let mut field = Vec::with_capacity(n);
    let mut from = Vec::with_capacity(n);
    let mut from_string = Vec::with_capacity(n);
    let mut to = Vec::with_capacity(n);
    let mut to_string = Vec::with_capacity(n);
    for t in tickets {
        for c in &t.changes {
            history_id.push(c.history_id.as_str());
            ticket_id.push(t.id.as_str());
            author.push(c.author.as_ref());
            at.push(millis(c.at));
            field_id.push(c.field_id.as_deref());
            field.push(c.field.as_str());
            from.push(c.from.as_deref());
            from_string.push(c.from_string.as_deref());
            to.push(c.to.as_deref());
            to_string.push(c.to_string.as_deref());
        }
    }
    let mut columns = vec![text("history_id", history_id), text("ticket_id", ticket_id)];
    columns.extend(author.into_columns("author"));
    columns.extend([
        time("at", at),
        text("field_id", field_id),
        text("field", field),
        text("from", from),
        text("from_string", from_string),
        text("to", to),
        text("to_string", to_string),
    ]);
    DataFrame::new(n, columns)
}

/// The four columns `<role>_id`, `<role>_name`, `<role>_app`, `<role>_email` of an
/// optional person; all four are null when JIRA named nobody, the email also when JIRA
/// sent no `emailAddress`.
struct PersonCols<'a> {
    id: Vec<Option<&'a str>>,
    name: Vec<Option<&'a str>>,
    app: Vec<Option<bool>>,
    email: Vec<Option<&'a str>>,
}

impl<'a> PersonCols<'a> {
    fn with_capacity(n: usize) -> Self {
        PersonCols {
            id: Vec::with_capacity(n),
            name: Vec::with_capacity(n),
            app: Vec::with_capacity(n),
            email: Vec::with_capacity(n),
        }
    }

    fn push(&mut self, person: Option<&'a PersonRef>) {
        self.id.push(person.map(|p| p.id.as_str()));
        self.name.push(person.map(|p| p.name.as_str()));
        self.app.push(person.map(|p| p.app));
        self.email.push(person.and_then(|p| p.email.as_deref()));
    }

    fn into_columns(self, role: &str) -> [Column; 4] {
        [
            text(&format!("{role}_id"), self.id),
            text(&format!("{role}_name"), self.name),
            Column::new(format!("{role}_app").into(), self.app),
            text(&format!("{role}_email"), self.email),
        ]
    }
}

/// A String column; `T` is `&str`, `String` or `Option<&str>` (nullable).
pub(super) fn text<T>(name: &str, values: Vec<T>) -> Column
where
    Series: NamedFrom<Vec<T>, [T]>,
{
    Column::new(name.into(), values)
}

/// A `Datetime(Milliseconds, no zone)` column; the values are UTC instants.
fn time(name: &str, values: Vec<i64>) -> Column {
    Int64Chunked::from_vec(name.into(), values)
        .into_datetime(TimeUnit::Milliseconds, None)
        .into_column()
}

/// A nullable timestamp column (a ticket's `created`/`updated` may be missing).
pub(super) fn opt_time(name: &str, values: Vec<Option<i64>>) -> Column {
    Int64Chunked::from_iter_options(name.into(), values.into_iter())
        .into_datetime(TimeUnit::Milliseconds, None)
        .into_column()
}

/// Milliseconds since the epoch: the snapshot keeps instants to the millisecond, as JIRA
/// writes them.
pub(super) fn millis(t: Ts) -> i64 {
    t.timestamp_millis()
}
