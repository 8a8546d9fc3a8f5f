//! A stretch of work on a ticket: the engineer's chores when starting, In Progress time,
//! internal notes, customer calls with or without notes, and the worklogs entered for it,
//! on time or late.

use chrono::Duration;

use super::life::{HOUR, MIN, Player, lowered, update_target};
use super::plan::{CallKind, LateLog};
use super::story::{Audience, Kind, Status};
use super::texts;
use super::window::next_midnight;
use crate::model::Ts;

impl Player<'_, '_> {
    /// Tagging, priority and type corrections an engineer makes when starting work.
    pub(super) fn first_session_chores(&mut self) {
        if self.plan.tag_later && self.s.story.labels.is_empty() {
            self.s.wait_between(MIN, 5 * MIN);
            let label = *self.rng().pick(&["apim", "iam", "ei", "ob", "analytics"]);
            self.s.add_label(self.worker, label);
        }
        if self.plan.priority_change {
            self.s.wait_between(2 * MIN, 10 * MIN);
            let sev = self.s.story.severity;
            let to = if self.rng().chance(0.7) {
                sev.raised()
            } else {
                lowered(sev)
            };
            self.s.set_priority(self.worker, to);
        }
        if self.plan.type_change {
            self.s.wait_between(MIN, 5 * MIN);
            self.s.set_kind(self.worker, Kind::Incident);
        }
    }

    /// A stretch of work in progress ending at `end` with its worklogs; starts now or late
    /// enough to end at `end`. Leaves time at `end`.
    pub(super) fn session(&mut self, end: Ts) {
        let len = self.session_len();
        let start = (end - Duration::seconds(len)).max(self.s.now());
        self.s.at(start);
        self.s.set_status(self.worker, Status::InProgress, None);
        let start = self.s.now();
        let end = end.max(start + Duration::seconds(20 * MIN));
        let total = (end - start).num_seconds();
        if self.rng().chance(0.3) {
            self.s.at(start + Duration::seconds(total / 2));
            let words = texts::internal_note(self.rng());
            let audience = if self.rng().chance(0.5) {
                Audience::DeveloperOnly
            } else {
                Audience::InternalNote
            };
            self.s.comment(self.worker, audience, words);
        }
        let mut worked_from = start;
        if let Some(kind) = self.plan.call.filter(|_| !self.called) {
            self.called = true;
            let call_start = start + Duration::seconds(self.rng().range(5 * MIN, 15 * MIN));
            let minutes = *self.rng().pick(&[15, 30, 45]);
            let call_end = call_start + Duration::minutes(minutes);
            if kind != CallKind::NotesWithoutTime {
                let text = texts::call_worklog(self.rng());
                let logged = call_end + Duration::seconds(self.rng().range(2 * MIN, 20 * MIN));
                self.s
                    .worklog(self.worker, call_start, minutes * MIN, logged, text);
            }
            if kind != CallKind::WithoutNotes {
                let delay = self.rng().range(5 * MIN, 40 * MIN);
                self.s.at(call_end + Duration::seconds(delay));
                let customer = self.roster.person(self.s.story.reporter).name.clone();
                let engineer = self.roster.person(self.worker).name.clone();
                let audience = self.rng().weighted(&[
                    (Audience::Public, 60),
                    (Audience::DeveloperOnly, 25),
                    (Audience::InternalNote, 15),
                ]);
                let words = texts::call_notes(self.rng(), &customer, &engineer);
                self.s.comment(self.worker, audience, words);
            }
            if kind != CallKind::NotesWithoutTime {
                worked_from = call_end;
            }
        }
        // A call can run past the planned end; the session then ends a little after it.
        self.s
            .at(end.max(worked_from + Duration::seconds(10 * MIN)));
        let end = self.s.now();
        let seconds = ((end - worked_from).num_seconds() / (5 * MIN)).max(1) * 5 * MIN;
        let logged = self.log_time(end);
        let text = texts::work_worklog(self.rng());
        self.s
            .worklog(self.worker, worked_from, seconds, logged, text);
    }

    /// When a session's time gets entered: mostly soon after, sometimes the next day.
    fn log_time(&mut self, end: Ts) -> Ts {
        let late = if std::mem::replace(&mut self.first_log, false) {
            self.plan.late_log
        } else {
            self.rng().chance(0.05).then_some(LateLog::NextMorning)
        };
        match late {
            None => end + Duration::seconds(self.rng().range(2 * MIN, 30 * MIN)),
            Some(LateLog::AfterMidnight) => {
                next_midnight(end) + Duration::seconds(self.rng().range(5 * MIN, 50 * MIN))
            }
            Some(LateLog::NextMorning) => {
                next_midnight(end)
                    + Duration::seconds(self.rng().range(8 * HOUR + 30 * MIN, 11 * HOUR))
            }
        }
    }

    pub(super) fn session_len(&mut self) -> i64 {
        let cap = match self.s.story.kind {
            Kind::Incident => update_target(self.s.story.severity) / 2,
            _ => 3 * HOUR,
        };
        self.rng().range(20 * MIN, 3 * HOUR).min(cap.max(30 * MIN))
    }
}
