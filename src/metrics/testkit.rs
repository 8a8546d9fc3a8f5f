//! Hand-built tickets for scenario tests: a builder that writes the changelog the way JIRA
//! does (from/to sides filled from the running state), so each test reads like a story.

use crate::model::{Change, Comment, PersonRef, Short, Ticket, Ts, Worklog, parse_ts};
use crate::settings::Settings;

/// `2026-11-16T09:00` style instants, UTC.
pub fn ts(s: &str) -> Ts {
    parse_ts(&format!("{s}:00Z")).unwrap_or_else(|| panic!("bad test instant {s}"))
}

fn person(id: &str) -> PersonRef {
    let mut name: Vec<char> = id.chars().collect();
    if let Some(c) = name.first_mut() {
        *c = c.to_ascii_uppercase();
    }
    PersonRef::from(crate::model::Named {
        id: id.into(),
        name: name.into_iter().collect::<String>().into(),
        app: false,
        email: None,
    })
}

/// Default settings with a small team: engineers ann, bob, cat; lead lee; bot bot.
pub fn settings() -> Settings {
    let mut s = crate::config::defaults();
    s.team.engineers = vec!["ann".into(), "bob".into(), "cat".into()];
    s.team.leads = vec!["lee".into()];
    s.team.bots = vec!["bot".into()];
    s
}

/// A ticket under construction.
pub struct TicketBuilder {
    ticket: Ticket,
    status: String,
    assignee: Option<String>,
    labels: Vec<String>,
    next_id: u64,
}

/// A new ticket: `issue_type` ("Incident", "Query", …), severity name, created instant.
pub fn ticket(key: &str, issue_type: &str, severity: &str, created: &str) -> TicketBuilder {
    let created = ts(created);
    TicketBuilder {
        ticket: Ticket {
            id: key
                .trim_start_matches(|c: char| !c.is_ascii_digit())
                .to_string(),
            key: key.to_string(),
            created: Some(created),
            updated: Some(created),
            issue_type: issue_type.to_string(),
            status: "Open".to_string(),
            severity: Some(severity.to_lowercase()),
            reporter: Some(person("cust")),
            ..Ticket::default()
        },
        status: "Open".to_string(),
        assignee: None,
        labels: Vec::new(),
        next_id: 100,
    }
}

impl TicketBuilder {
    fn id(&mut self) -> String {
        self.next_id += 1;
        self.next_id.to_string()
    }

    fn change(
        &mut self,
        at: &str,
        by: &str,
        field: &str,
        from: (Option<String>, Option<String>),
        to: (Option<String>, Option<String>),
    ) {
        let history_id = self.id();
        let at = ts(at);
        self.ticket.updated = self.ticket.updated.max(Some(at));
        self.ticket.changes.push(Change {
            history_id: history_id.into(),
            author: Some(person(by)),
            at,
            field_id: Some(field.into()),
            field: field.into(),
            from: from.0.map(Short::from),
            from_string: from.1.map(Short::from),
            to: to.0.map(Short::from),
            to_string: to.1.map(Short::from),
        });
    }

    /// The assignee at creation (the ticket's current assignee when nothing changes it).
    pub fn assigned_to(mut self, who: &str) -> Self {
        self.assignee = Some(who.to_string());
        self.ticket.assignee = Some(person(who));
        self
    }

    /// A status change by `by` at `at`.
    pub fn status(mut self, at: &str, to: &str) -> Self {
        let from = std::mem::replace(&mut self.status, to.to_string());
        self.change(
            at,
            "lee",
            "status",
            (None, Some(from)),
            (None, Some(to.to_string())),
        );
        self.ticket.status = to.to_string();
        self
    }

    /// An assignee change (None = unassigned).
    pub fn assign(mut self, at: &str, to: Option<&str>) -> Self {
        let from = std::mem::replace(&mut self.assignee, to.map(str::to_string));
        let side = |id: Option<String>| (id.clone(), id.map(|i| person(&i).name.to_string()));
        self.change(
            at,
            "lee",
            "assignee",
            side(from),
            side(to.map(str::to_string)),
        );
        self.ticket.assignee = to.map(person);
        self
    }

    /// Labels set to `to` (space-separated) by `by`.
    pub fn labels(mut self, at: &str, by: &str, to: &str) -> Self {
        let from = std::mem::replace(
            &mut self.labels,
            to.split_whitespace().map(str::to_string).collect(),
        );
        self.change(
            at,
            by,
            "labels",
            (None, Some(from.join(" "))),
            (None, Some(to.to_string())),
        );
        self.ticket.labels = self.labels.clone();
        self
    }

    /// An issue type change.
    pub fn issue_type(mut self, at: &str, from: &str, to: &str) -> Self {
        self.change(
            at,
            "lee",
            "issuetype",
            (None, Some(from.into())),
            (None, Some(to.into())),
        );
        self
    }

    /// A priority change.
    pub fn priority(mut self, at: &str, from: &str, to: &str) -> Self {
        self.change(
            at,
            "lee",
            "priority",
            (None, Some(from.into())),
            (None, Some(to.into())),
        );
        self.ticket.severity = Some(to.to_lowercase());
        self
    }

    /// A comment: `public` false makes it internal ("Developer only").
    pub fn comment(mut self, at: &str, by: &str, public: bool) -> Self {
        let id = self.id();
        let at = ts(at);
        self.ticket.updated = self.ticket.updated.max(Some(at));
        self.ticket.comments.push(Comment {
            id: id.into(),
            author: Some(person(by)),
            created: at,
            updated: at,
            body: "text".into(),
            public,
        });
        self
    }

    /// A comment by an app account (a bot JIRA marks as such).
    pub fn app_comment(mut self, at: &str, by: &str) -> Self {
        self = self.comment(at, by, true);
        if let Some(a) = self
            .ticket
            .comments
            .last_mut()
            .and_then(|c| c.author.as_mut())
        {
            a.app = true;
        }
        self
    }

    /// A comment with a given body.
    pub fn comment_text(mut self, at: &str, by: &str, public: bool, body: &str) -> Self {
        self = self.comment(at, by, public);
        if let Some(c) = self.ticket.comments.last_mut() {
            c.body = body.to_string();
        }
        self
    }

    /// A worklog: started, created, seconds, comment.
    pub fn worklog(
        mut self,
        by: &str,
        started: &str,
        created: &str,
        seconds: i64,
        text: &str,
    ) -> Self {
        let id = self.id();
        let created = ts(created);
        self.ticket.updated = self.ticket.updated.max(Some(created));
        self.ticket.worklogs.push(Worklog {
            id: id.into(),
            author: Some(person(by)),
            started: ts(started),
            created,
            updated: created,
            seconds,
            comment: text.into(),
        });
        self
    }

    pub fn resolution(mut self, name: &str) -> Self {
        self.ticket.resolution = Some(name.to_string());
        self
    }

    pub fn build(self) -> Ticket {
        self.ticket
    }

    /// Labels the ticket carries from creation (space-separated), with no changelog entry.
    pub fn labelled(mut self, labels: &str) -> Self {
        self.labels = labels.split_whitespace().map(str::to_string).collect();
        self.ticket.labels = self.labels.clone();
        self
    }

    /// The status at creation (no changelog entry): later `status` changes start from it.
    pub fn created_in(mut self, status: &str) -> Self {
        self.status = status.to_string();
        self.ticket.status = status.to_string();
        self
    }
}
