//! The builder the life scripts drive: it keeps a ticket's current fields, writes a
//! changelog item for every field change (so the history always agrees with the final
//! fields), and drops everything from the end of the window on, which leaves late tickets
//! open as they would be in a real export.

use chrono::Duration;

use super::people::Who;
use super::rng::Rng;
use super::story::{
    Audience, CommentEv, History, Item, Kind, Resolution, Severity, Status, Story, WorklogEv,
};
use super::window::Window;
use crate::model::Ts;

/// Instance-wide id counters: JIRA numbers comments, worklogs and histories across tickets.
#[derive(Debug, Clone)]
pub struct Ids {
    pub comment: u64,
    pub worklog: u64,
    pub history: u64,
}

impl Default for Ids {
    fn default() -> Ids {
        Ids {
            comment: 100_000,
            worklog: 200_000,
            history: 300_000,
        }
    }
}

/// Records a ticket's events in time order against its current state.
pub struct Script<'a> {
    pub rng: Rng,
    pub window: &'a Window,
    ids: &'a mut Ids,
    now: Ts,
    /// False once time has passed the end of the window: later events never happened yet.
    live: bool,
    pub story: Story,
}

impl<'a> Script<'a> {
    /// Starts a ticket at its creation. `story` carries the fields at creation and no events.
    pub fn new(story: Story, rng: Rng, window: &'a Window, ids: &'a mut Ids) -> Script<'a> {
        let now = story.created;
        Script {
            rng,
            window,
            ids,
            now,
            live: now < window.end,
            story,
        }
    }

    pub fn now(&self) -> Ts {
        self.now
    }

    /// Moves time forward to `t` (never back), stopping the recording at the window's end.
    pub fn at(&mut self, t: Ts) {
        if t > self.now {
            self.now = t;
        }
        if self.now >= self.window.end {
            self.live = false;
        }
    }

    /// Moves time forward by `secs`.
    pub fn wait(&mut self, secs: i64) {
        self.at(self.now + Duration::seconds(secs.max(0)));
    }

    /// Waits a random time in [lo, hi) seconds.
    pub fn wait_between(&mut self, lo: i64, hi: i64) {
        let secs = self.rng.range(lo, hi);
        self.wait(secs);
    }

    /// Records one history applying `items` to the current fields. Items that change nothing
    /// are dropped; a history left empty is not written.
    pub fn change(&mut self, author: Who, items: Vec<Item>) {
        if !self.live {
            return;
        }
        let s = &mut self.story;
        let mut kept = Vec::with_capacity(items.len());
        for item in items {
            let changed = match &item {
                Item::Status(_, to) => std::mem::replace(&mut s.status, *to) != *to,
                Item::Resolution(_, to) => std::mem::replace(&mut s.resolution, *to) != *to,
                Item::Assignee(_, to) => std::mem::replace(&mut s.assignee, *to) != *to,
                Item::Labels(_, to) => std::mem::replace(&mut s.labels, to.clone()) != *to,
                Item::Priority(_, to) => std::mem::replace(&mut s.severity, *to) != *to,
                Item::IssueType(_, to) => std::mem::replace(&mut s.kind, *to) != *to,
            };
            if changed {
                kept.push(item);
            }
        }
        if kept.is_empty() {
            return;
        }
        self.ids.history += 1;
        s.histories.push(History {
            id: self.ids.history,
            author,
            at: self.now,
            items: kept,
        });
    }

    /// Moves to `to`; entering Resolved sets `resolution`, leaving done clears it.
    pub fn set_status(&mut self, author: Who, to: Status, resolution: Option<Resolution>) {
        let from = self.story.status;
        let mut items = vec![Item::Status(from, to)];
        if to == Status::Resolved {
            items.push(Item::Resolution(
                self.story.resolution,
                resolution.or(Some(Resolution::Fixed)),
            ));
        } else if from.is_done() && !to.is_done() {
            items.push(Item::Resolution(self.story.resolution, None));
        }
        self.change(author, items);
    }

    pub fn assign(&mut self, author: Who, to: Option<Who>) {
        let from = self.story.assignee;
        self.change(author, vec![Item::Assignee(from, to)]);
    }

    /// Adds a label at the end of the list (no change when present).
    pub fn add_label(&mut self, author: Who, label: &'static str) {
        if self.story.labels.contains(&label) {
            return;
        }
        let from = self.story.labels.clone();
        let mut to = from.clone();
        to.push(label);
        self.change(author, vec![Item::Labels(from, to)]);
    }

    pub fn set_priority(&mut self, author: Who, to: Severity) {
        let from = self.story.severity;
        self.change(author, vec![Item::Priority(from, to)]);
    }

    pub fn set_kind(&mut self, author: Who, to: Kind) {
        let from = self.story.kind;
        self.change(author, vec![Item::IssueType(from, to)]);
    }

    /// Records a comment now.
    pub fn comment(&mut self, author: Who, audience: Audience, paragraphs: Vec<String>) {
        if !self.live {
            return;
        }
        self.ids.comment += 1;
        let id = self.ids.comment;
        self.story.comments.push(CommentEv {
            id,
            author,
            at: self.now,
            paragraphs,
            audience,
        });
    }

    /// Records a worklog of `seconds` that started at `started` and was entered at `created`
    /// (possibly later than now). A log entered after the window's end does not exist yet.
    pub fn worklog(&mut self, author: Who, started: Ts, seconds: i64, created: Ts, text: String) {
        if !self.live || created >= self.window.end || started < self.story.created {
            return;
        }
        self.ids.worklog += 1;
        let id = self.ids.worklog;
        self.story.worklogs.push(WorklogEv {
            id,
            author,
            started,
            created,
            seconds,
            text,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_ts;
    use chrono::NaiveDate;

    fn story(created: Ts) -> Story {
        Story {
            number: 1,
            created,
            reporter: Who::Customer(0),
            summary: String::new(),
            kind: Kind::Query,
            severity: Severity::Normal,
            status: Status::Open,
            resolution: None,
            labels: vec!["apim"],
            assignee: None,
            comments: vec![],
            worklogs: vec![],
            histories: vec![],
        }
    }

    #[test]
    fn changes_track_state_and_stop_at_the_window_end() {
        let window = Window::new(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), 1);
        let mut ids = Ids::default();
        let created = parse_ts("2026-11-22T20:00:00.000+0000").unwrap();
        let mut s = Script::new(story(created), Rng::new(1, 1), &window, &mut ids);
        s.wait(60);
        s.assign(Who::Engineer(2), Some(Who::Engineer(2)));
        s.assign(Who::Engineer(2), Some(Who::Engineer(2)));
        s.set_status(Who::Engineer(2), Status::Resolved, None);
        s.add_label(Who::Engineer(2), "escalated");
        s.set_status(Who::Customer(0), Status::Reopened, None);
        s.wait(4 * 3600);
        s.comment(Who::Engineer(2), Audience::Public, vec!["late".into()]);
        let story = s.story;
        assert_eq!(
            story.histories.len(),
            4,
            "the repeated assignment is no change"
        );
        assert_eq!(
            story.histories[1].items,
            vec![
                Item::Status(Status::Open, Status::Resolved),
                Item::Resolution(None, Some(Resolution::Fixed))
            ]
        );
        assert_eq!(
            story.histories[3].items,
            vec![
                Item::Status(Status::Resolved, Status::Reopened),
                Item::Resolution(Some(Resolution::Fixed), None)
            ]
        );
        assert_eq!(story.labels, vec!["apim", "escalated"]);
        assert!(
            story.comments.is_empty(),
            "00:00 on the 23rd is past the end"
        );
        assert_eq!(story.updated(), created + Duration::seconds(60));
        assert_eq!(ids.history, 300_004);
    }
}
