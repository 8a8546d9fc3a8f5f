//! Who is who (SPEC §1): staff, leads, bots and customers, and the display name to show
//! for each person id.

use std::borrow::Borrow;
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::model::{PersonRef, Short, Ticket, Ts};
use crate::settings::Settings;
use crate::timeline::Timeline;

/// The people of a snapshot, classified once.
#[derive(Debug, Clone, Default)]
pub struct People {
    staff: BTreeSet<String>,
    /// `staff` again, for the membership test every comment, worklog and assignment of a
    /// report asks: one hash of the id instead of a dozen comparisons down the tree (ids
    /// come from the input, so the hasher stays std's keyed one).
    staff_index: HashSet<String>,
    leads: BTreeSet<String>,
    bots: BTreeSet<String>,
    /// id -> (instant seen, display name): the latest sighting wins.
    names: HashMap<String, (Ts, String)>,
    /// Which classification this is, for the answers each thread keeps (see [`Asked`]);
    /// 0 for the empty default, whose answers are not kept. A clone has the same people,
    /// so the same number.
    serial: u64,
}

/// The numbers given to classifications, from 1.
static SERIAL: AtomicU64 = AtomicU64::new(1);

/// Staff answers a thread keeps: one per slot, picked by the id's last bytes.
const SLOTS: usize = 64;

/// The last staff answers of one thread, for the classification numbered `serial`. A
/// report asks whether the author of every comment and worklog, and every assignee, is
/// staff, several times over (clocks, calls, time logs, the data checks, presence), and a
/// ticket's people are few: most questions repeat one just asked. A slot keeps an id and
/// its answer; a different id in the slot (a miss) asks the set, so ids made to share a
/// slot cost that lookup, never a wrong answer.
struct Asked {
    serial: u64,
    /// Ids of up to 24 bytes are kept inline: a miss copies, never allocates.
    slots: [Option<(Short, bool)>; SLOTS],
}

thread_local! {
    static ASKED: RefCell<Asked> = const {
        RefCell::new(Asked {
            serial: 0,
            slots: [const { None }; SLOTS],
        })
    };
}

/// The slot of an id: its length and last eight bytes, mixed.
fn slot(id: &str) -> usize {
    let bytes = id.as_bytes();
    let tail = &bytes[bytes.len().saturating_sub(8)..];
    let mut word = [0u8; 8];
    word[..tail.len()].copy_from_slice(tail);
    let mixed = (u64::from_le_bytes(word) ^ bytes.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (mixed >> (64 - SLOTS.trailing_zeros())) as usize
}

impl People {
    /// Classifies everyone seen in `tickets` (with their timelines, cut at as-of).
    pub fn new(settings: &Settings, tickets: &[Ticket], timelines: &[Timeline]) -> People {
        People::from_seen(settings, Seen::of(tickets), || People::assignees(timelines))
    }

    /// Every person who was ever assignee of a ticket by `timelines` (cut at as-of).
    pub fn assignees(timelines: &[Timeline]) -> BTreeSet<String> {
        let ids: BTreeSet<&str> = timelines
            .iter()
            .flat_map(|tl| tl.assignee.values())
            .flatten()
            .map(|a| a.id.as_str())
            .collect();
        ids.into_iter().map(str::to_string).collect()
    }

    /// Classifies the people `seen` in tickets; `assignees` gives the ids that were ever a
    /// ticket's assignee, asked for only when `[team] engineers` is empty.
    pub fn from_seen(
        settings: &Settings,
        seen: Seen,
        assignees: impl FnOnce() -> BTreeSet<String>,
    ) -> People {
        let mut people = People {
            leads: settings.team.leads.iter().cloned().collect(),
            bots: settings.team.bots.iter().cloned().collect(),
            names: seen.names,
            ..People::default()
        };
        people.bots.extend(seen.bots);
        let engineers: BTreeSet<String> = if settings.team.engineers.is_empty() {
            // Every person who was ever assignee of a ticket, minus leads and bots.
            assignees()
        } else {
            settings.team.engineers.iter().cloned().collect()
        };
        people.staff = engineers
            .into_iter()
            .filter(|id| !people.leads.contains(id))
            .chain(people.leads.iter().cloned())
            .filter(|id| !people.bots.contains(id))
            .collect();
        people.staff_index = people.staff.iter().cloned().collect();
        people.serial = SERIAL.fetch_add(1, Ordering::Relaxed);
        people
    }

    /// True for anyone configured in `[team]` or seen with a display name in the data.
    pub fn is_known(&self, id: &str) -> bool {
        self.is_staff(id) || self.is_lead(id) || self.is_bot(id) || self.names.contains_key(id)
    }

    pub fn is_staff(&self, id: &str) -> bool {
        if self.serial == 0 {
            return self.staff_index.contains(id);
        }
        ASKED.with(|asked| {
            let mut asked = asked.borrow_mut();
            if asked.serial != self.serial {
                asked.serial = self.serial;
                asked.slots = [const { None }; SLOTS];
            }
            let kept = &mut asked.slots[slot(id)];
            match kept {
                Some((known, answer)) if known.as_str() == id => *answer,
                _ => {
                    let answer = self.staff_index.contains(id);
                    *kept = Some((id.into(), answer));
                    answer
                }
            }
        })
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

/// App accounts and display names seen in a run of tickets (what [`People`] is made of
/// besides the settings and the assignees).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Seen {
    /// Ids seen as app accounts (`accountType == "app"`).
    pub bots: BTreeSet<String>,
    /// id -> (instant seen, display name): the latest sighting wins, ties to the later one.
    pub names: HashMap<String, (Ts, String)>,
}

impl Seen {
    /// Everyone seen in `tickets`, as one pass in ticket order would see them.
    pub fn of<T: Borrow<Ticket> + Sync>(tickets: &[T]) -> Seen {
        // Runs of tickets are read on every core and their sightings joined in ticket order,
        // which keeps "the latest sighting wins, ties to the later one" of a single pass.
        tickets
            .par_chunks(1024)
            .fold(Seen::default, |mut seen, run| {
                run.iter().for_each(|t| seen.see_all(t.borrow()));
                seen
            })
            .reduce(Seen::default, Seen::merge)
    }

    fn see(&mut self, p: &PersonRef, at: Ts) {
        if p.app && !self.bots.contains(p.id.as_str()) {
            self.bots.insert(p.id.to_string());
        }
        self.see_name(&p.id, &p.name, at);
    }

    fn see_name(&mut self, id: &str, name: &str, at: Ts) {
        if id.is_empty() || name.is_empty() {
            return;
        }
        match self.names.get_mut(id) {
            Some((seen, _)) if *seen > at => {}
            Some((seen, kept)) => {
                *seen = at;
                if kept != name {
                    *kept = name.to_string();
                }
            }
            None => {
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

    /// `later`'s sightings after this one's, as if one pass had read both runs in order.
    pub fn merge(mut self, later: Seen) -> Seen {
        self.bots.extend(later.bots);
        for (id, (at, name)) in later.names {
            match self.names.get_mut(&id) {
                Some((seen, _)) if *seen > at => {}
                Some(kept) => *kept = (at, name),
                None => {
                    self.names.insert(id, (at, name));
                }
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(h: i64) -> Ts {
        Ts::from_timestamp(1_700_000_000 + h * 3600, 0).unwrap()
    }

    fn person(id: &str, name: &str, app: bool) -> PersonRef {
        PersonRef::from(crate::model::Named {
            id: id.into(),
            name: name.into(),
            app,
            email: None,
        })
    }

    /// Sightings of runs joined in order give what one pass over all of them gives: the
    /// latest sighting's name, a tie going to the later sighting, and every bot.
    /// The hashed membership test answers as the sorted staff list does, for members,
    /// people filtered out of it (a lead who is also an engineer stays, a bot goes) and
    /// near misses.
    #[test]
    fn staff_test_agrees_with_the_staff_list() {
        let mut s = crate::metrics::testkit::settings();
        s.team.leads.push("ann".into());
        s.team.bots.push("bob".into());
        let people = People::from_seen(&s, Seen::default(), BTreeSet::new);
        let listed: Vec<&str> = people.staff().collect();
        assert_eq!(listed, ["ann", "cat", "lee"]);
        for id in ["ann", "bob", "cat", "lee", "bot", "", "Ann", "ann ", "zed"] {
            assert_eq!(people.is_staff(id), listed.contains(&id), "{id}");
        }
    }

    /// Answers kept per thread are the set's: for two classifications asked in turn (one
    /// staff member of one is a customer of the other), over more ids than slots, ids
    /// asked again, and a clone.
    #[test]
    fn kept_answers_are_the_sets_answers() {
        let mut s = crate::metrics::testkit::settings();
        let ids: Vec<String> = (0..3 * SLOTS)
            .map(|i| format!("5b10a285{i:016x}"))
            .chain(["", "a", "ann", "cat", "lee", "557058:f58131cb-b67d-43c7"].map(String::from))
            .collect();
        s.team.engineers = ids.iter().step_by(3).cloned().collect();
        let one = People::from_seen(&s, Seen::default(), BTreeSet::new);
        s.team.engineers = ids.iter().skip(1).step_by(2).cloned().collect();
        let other = People::from_seen(&s, Seen::default(), BTreeSet::new);
        let clone = one.clone();
        let listed = |p: &People, id: &str| p.staff().any(|s| s == id);
        // One classification asked again and again (kept answers), then several in turn.
        for round in 0..3 {
            for id in &ids {
                for people in [&one, &clone] {
                    assert_eq!(people.is_staff(id), listed(&one, id), "{id} {round}");
                }
            }
        }
        for round in 0..2 {
            for id in &ids {
                for people in [&one, &other, &clone, &People::default()] {
                    assert_eq!(people.is_staff(id), listed(people, id), "{id} {round}");
                }
            }
        }
        assert!(one.is_staff(&ids[0]) && !other.is_staff(&ids[0]));
    }

    #[test]
    fn joined_runs_match_one_pass() {
        let sightings = [
            (person("a", "Ann Old", false), at(5)),
            (person("b", "Bob", false), at(1)),
            (person("bot", "Robot", true), at(2)),
            (person("a", "Ann Earlier", false), at(3)),
            (person("a", "Ann Tie", false), at(5)),
            (person("b", "Bob New", false), at(4)),
            (person("b", "", false), at(9)),
        ];
        let pass = |list: &[(PersonRef, Ts)]| {
            let mut s = Seen::default();
            for (p, t) in list {
                s.see(p, *t);
            }
            s
        };
        let whole = pass(&sightings);
        assert_eq!(whole.names["a"], (at(5), "Ann Tie".to_string()));
        assert_eq!(whole.names["b"], (at(4), "Bob New".to_string()));
        assert!(whole.bots.contains("bot"));
        for split in 0..=sightings.len() {
            let (first, second) = sightings.split_at(split);
            let joined = pass(first).merge(pass(second));
            assert_eq!(joined.names, whole.names, "split at {split}");
            assert_eq!(joined.bots, whole.bots, "split at {split}");
        }
    }
}
