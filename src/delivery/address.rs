//! Where an engineer's mail goes (SPEC §7): the address `[team] emails` gives, else the
//! latest `emailAddress` JIRA sent for them. "Latest" is by the time of the object that
//! carried it, as display names are: a ticket's people by its `updated`, a comment's and a
//! worklog's author by their `updated`, a change's author by its time. Ties keep the
//! address read later, so the answer does not depend on hash order.

use std::collections::{BTreeMap, HashMap};

use crate::model::{PersonRef, Ticket, Ts};

/// Person id → the latest address JIRA sent for them. Read before the report takes the
/// tickets, only when something is to be delivered.
pub fn jira_addresses<T: std::borrow::Borrow<Ticket>>(tickets: &[T]) -> BTreeMap<String, String> {
    let mut latest = LatestAddresses::default();
    latest.see(tickets);
    latest.into_map()
}

/// The latest address JIRA sent per person, gathered over runs of tickets read in order
/// (a snapshot read in chunks): the same as [`jira_addresses`] over all of them at once.
#[derive(Debug, Default)]
pub struct LatestAddresses {
    latest: HashMap<String, (Ts, String)>,
}

impl LatestAddresses {
    /// Takes in the addresses of `tickets`, read after every ticket seen before.
    pub fn see<T: std::borrow::Borrow<Ticket>>(&mut self, tickets: &[T]) {
        for t in tickets.iter().map(T::borrow) {
            self.see_one(t.assignee.as_ref(), t.updated);
            self.see_one(t.reporter.as_ref(), t.updated);
            for c in &t.comments {
                self.see_one(c.author.as_ref(), Some(c.updated));
            }
            for w in &t.worklogs {
                self.see_one(w.author.as_ref(), Some(w.updated));
            }
            for c in &t.changes {
                self.see_one(c.author.as_ref(), Some(c.at));
            }
        }
    }

    /// Keeps `p`'s address when it is at least as recent as the one kept.
    fn see_one(&mut self, p: Option<&PersonRef>, at: Option<Ts>) {
        let (Some(p), Some(at)) = (p, at) else {
            return;
        };
        let Some(email) = p.email.as_deref() else {
            return;
        };
        match self.latest.get_mut(p.id.as_str()) {
            Some((kept_at, _)) if at < *kept_at => {}
            Some((kept_at, kept)) => {
                *kept_at = at;
                if kept != email {
                    *kept = email.to_string();
                }
            }
            None => {
                self.latest
                    .insert(p.id.to_string(), (at, email.to_string()));
            }
        }
    }

    /// Person id → address.
    pub fn into_map(self) -> BTreeMap<String, String> {
        self.latest
            .into_iter()
            .map(|(id, (_, email))| (id, email))
            .collect()
    }
}

/// The address for person `id`: `[team] emails` first, then JIRA's.
pub fn address_of<'a>(
    id: &str,
    configured: &'a BTreeMap<String, String>,
    jira: &'a BTreeMap<String, String>,
) -> Option<&'a str> {
    configured
        .get(id)
        .or_else(|| jira.get(id))
        .map(String::as_str)
        .filter(|a| !a.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Comment, parse_ts};

    fn person(id: &str, email: Option<&str>) -> Option<PersonRef> {
        Some(PersonRef::from(crate::model::Named {
            id: id.into(),
            email: email.map(Into::into),
            ..crate::model::Named::default()
        }))
    }

    fn comment(author: Option<PersonRef>, at: &str) -> Comment {
        Comment {
            author,
            updated: parse_ts(at).unwrap(),
            ..Comment::default()
        }
    }

    #[test]
    fn the_latest_address_jira_sent_wins_and_config_beats_it() {
        let ticket = Ticket {
            updated: parse_ts("2026-11-20T10:00:00Z"),
            assignee: person("ana", Some("ana@old.example.com")),
            reporter: person("cust", None),
            comments: vec![
                comment(
                    person("ana", Some("ana@new.example.com")),
                    "2026-11-21T10:00:00Z",
                ),
                comment(
                    person("ana", Some("ana@older.example.com")),
                    "2026-11-01T10:00:00Z",
                ),
                comment(
                    person("bob", Some("bob@example.com")),
                    "2026-11-02T10:00:00Z",
                ),
                comment(person("cy", None), "2026-11-02T10:00:00Z"),
            ],
            ..Ticket::default()
        };
        let jira = jira_addresses(&[ticket]);
        assert_eq!(
            jira.into_iter().collect::<Vec<_>>(),
            [
                ("ana".to_string(), "ana@new.example.com".to_string()),
                ("bob".to_string(), "bob@example.com".to_string())
            ]
        );
        let jira = BTreeMap::from([("ana".to_string(), "ana@new.example.com".to_string())]);
        let configured = BTreeMap::from([
            ("ana".to_string(), "ana@team.example.com".to_string()),
            ("dee".to_string(), " ".to_string()),
        ]);
        assert_eq!(
            address_of("ana", &configured, &jira),
            Some("ana@team.example.com")
        );
        assert_eq!(
            address_of("ana", &BTreeMap::new(), &jira),
            Some("ana@new.example.com")
        );
        assert_eq!(address_of("dee", &configured, &jira), None);
        assert_eq!(address_of("cy", &configured, &jira), None);
    }
}
