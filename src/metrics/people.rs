//! Who is who (SPEC §1): staff, leads, bots and customers, and the display name to show
//! for each person id.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::{PersonRef, Ticket, Ts};
use crate::settings::Settings;
use crate::timeline::Timeline;

/// The people of a snapshot, classified once.
#[derive(Debug, Clone, Default)]
pub struct People {
    staff: BTreeSet<String>,
    leads: BTreeSet<String>,
    bots: BTreeSet<String>,
    /// id -> (instant seen, display name): the latest sighting wins.
    names: BTreeMap<String, (Ts, String)>,
}

impl People {
    /// Classifies everyone seen in `tickets` (with their timelines, cut at as-of).
    pub fn new(settings: &Settings, tickets: &[Ticket], timelines: &[Timeline]) -> People {
        let mut people = People {
            leads: settings.team.leads.iter().cloned().collect(),
            bots: settings.team.bots.iter().cloned().collect(),
            ..People::default()
        };
        for t in tickets {
            people.see_all(t);
        }
        let engineers: BTreeSet<String> = if settings.team.engineers.is_empty() {
            // Every person who was ever assignee of a ticket, minus leads and bots.
            timelines
                .iter()
                .flat_map(|tl| tl.assignee.values())
                .flatten()
                .map(|a| a.id.to_string())
                .collect()
        } else {
            settings.team.engineers.iter().cloned().collect()
        };
        people.staff = engineers
            .into_iter()
            .filter(|id| !people.leads.contains(id))
            .chain(people.leads.iter().cloned())
            .filter(|id| !people.bots.contains(id))
            .collect();
        people
    }

    fn see(&mut self, p: &PersonRef, at: Ts) {
        if p.app {
            self.bots.insert(p.id.to_string());
        }
        self.see_name(&p.id, &p.name, at);
    }

    fn see_name(&mut self, id: &str, name: &str, at: Ts) {
        if id.is_empty() || name.is_empty() {
            return;
        }
        match self.names.get(id) {
            Some((seen, _)) if *seen > at => {}
            _ => {
                self.names.insert(id.to_string(), (at, name.to_string()));
            }
        }
    }

    fn see_all(&mut self, t: &Ticket) {
        let updated = t.updated.or(t.created).unwrap_or(Ts::MIN_UTC);
        for p in [&t.reporter, &t.assignee].into_iter().flatten() {
            self.see(p, updated);
        }
        for c in &t.comments {
            if let Some(p) = &c.author {
                self.see(p, c.updated.max(c.created));
            }
        }
        for w in &t.worklogs {
            if let Some(p) = &w.author {
                self.see(p, w.updated.max(w.created));
            }
        }
        for c in &t.changes {
            if let Some(p) = &c.author {
                self.see(p, c.at);
            }
            if c.is_field("assignee") {
                for (id, name) in [(&c.from, &c.from_string), (&c.to, &c.to_string)] {
                    if let (Some(id), Some(name)) = (id, name) {
                        self.see_name(id, name, c.at);
                    }
                }
            }
        }
    }

    /// True for anyone configured in `[team]` or seen with a display name in the data.
    pub fn is_known(&self, id: &str) -> bool {
        self.is_staff(id) || self.is_lead(id) || self.is_bot(id) || self.names.contains_key(id)
    }

    pub fn is_staff(&self, id: &str) -> bool {
        self.staff.contains(id)
    }

    pub fn is_lead(&self, id: &str) -> bool {
        self.leads.contains(id)
    }

    pub fn is_bot(&self, id: &str) -> bool {
        self.bots.contains(id)
    }

    /// True for a person reference that is staff.
    pub fn is_staff_ref(&self, p: Option<&PersonRef>) -> bool {
        p.is_some_and(|p| !p.app && self.is_staff(&p.id))
    }

    /// Staff ids in byte order.
    pub fn staff(&self) -> impl Iterator<Item = &str> {
        self.staff.iter().map(String::as_str)
    }

    /// The latest display name seen for an id, or "".
    pub fn name(&self, id: &str) -> &str {
        self.names.get(id).map_or("", |(_, n)| n.as_str())
    }
}
