//! The life script of one ticket: `live` plays a drawn `Plan` from creation through
//! acknowledgement, work sessions, waiting-on-client round trips, handoffs, escalations and
//! calls to resolution, a possible reopen, and closure, aiming each answer before or after
//! the SLA deadline the plan asks for.

use chrono::Duration;

use super::people::{Roster, Who};
use super::plan::{EscTiming, EscTrigger, Handoff, Plan};
use super::rng::Rng;
use super::script::Script;
use super::story::{Audience, Kind, Resolution, Severity, Status};
use super::texts;
use crate::model::Ts;

pub(super) const MIN: i64 = 60;
pub(super) const HOUR: i64 = 3600;
pub(super) const DAY: i64 = 86_400;

/// The state of a ticket's play that the story itself does not hold.
pub(super) struct Player<'p, 's> {
    pub(super) s: &'p mut Script<'s>,
    pub(super) roster: &'p Roster,
    pub(super) plan: &'p Plan,
    /// Who does the work now.
    pub(super) worker: Who,
    pub(super) escalated: bool,
    pub(super) called: bool,
    pub(super) first_log: bool,
    /// A lead who took the ticket hands it back to this engineer at the next chance.
    pub(super) return_to: Option<Who>,
}

/// Plays the ticket's life into `s`.
pub fn live(s: &mut Script<'_>, roster: &Roster, plan: &Plan) {
    let worker = s.story.assignee.unwrap_or(plan.owner);
    let mut p = Player {
        s,
        roster,
        plan,
        worker,
        escalated: false,
        called: false,
        first_log: true,
        return_to: None,
    };
    p.play();
}

impl Player<'_, '_> {
    pub(super) fn rng(&mut self) -> &mut Rng {
        &mut self.s.rng
    }

    fn play(&mut self) {
        let t0 = self.s.now();
        let key = format!("SUP-{}", self.s.story.number);
        if self.plan.greeting {
            self.s.wait_between(5, 90);
            self.s
                .comment(Who::Notifier, Audience::Public, texts::greeting(&key));
        }
        self.acknowledge(t0, self.plan.ack_breach);
        if self.plan.duplicate {
            self.s.wait_between(10 * MIN, HOUR);
            let other = self
                .s
                .story
                .number
                .saturating_sub(self.rng().range(1, 20) as u64)
                .max(1);
            self.s
                .comment(self.worker, Audience::Public, texts::duplicate(other));
            self.s
                .set_status(self.worker, Status::Resolved, Some(Resolution::Duplicate));
            self.close();
            return;
        }
        self.s.set_status(self.worker, Status::InProgress, None);
        self.first_session_chores();
        let len = self.session_len();
        let end = self.s.now() + Duration::seconds(len);
        self.session(end);
        for round in 0..self.plan.rounds {
            let end = self.wait_phase(round);
            self.session(end);
        }
        self.resolve();
        if self.plan.reopen {
            self.s.wait_between(DAY, 4 * DAY);
            let reporter = self.s.story.reporter;
            let words = texts::reopen(self.rng());
            self.s.comment(reporter, Audience::Public, words);
            self.s.set_status(reporter, Status::Reopened, None);
            let at = self.s.now();
            let breach = self.rng().chance(0.2);
            self.acknowledge(at, breach);
            self.s.set_status(self.worker, Status::InProgress, None);
            let len = self.session_len();
            let end = self.s.now() + Duration::seconds(len);
            self.session(end);
            self.resolve();
        }
        self.close();
    }

    /// Pickup and the first public staff comment, against the ack clock started at `start`.
    fn acknowledge(&mut self, start: Ts, breach: bool) {
        let deadline = start + Duration::seconds(ack_target(self.s.story.kind));
        let ack_at = respond(self.rng(), start, deadline, breach);
        if self.plan.internal_before_ack {
            // A note while the clock runs: it must not count as the acknowledgement.
            self.s.at(start + (ack_at - start) / 3);
            let words = texts::internal_note(self.rng());
            self.s.comment(self.worker, Audience::DeveloperOnly, words);
        }
        if self.s.story.assignee != Some(self.worker) {
            let at = if self.plan.prebook {
                start + Duration::seconds(self.rng().range(MIN, 10 * MIN))
            } else {
                (ack_at - Duration::seconds(self.rng().range(MIN, 4 * MIN)))
                    .max(start + Duration::seconds(30))
            };
            self.s.at(at);
            self.s.assign(self.worker, Some(self.worker));
        }
        let assigned = self.s.now();
        self.s.at(ack_at);
        let customer = self.roster.first_name(self.s.story.reporter);
        let words = texts::ack(self.rng(), &customer);
        self.s.comment(self.worker, Audience::Public, words);
        if self.rng().chance(0.5) {
            let minutes = self.rng().range(2, 5) * 5;
            let started = (ack_at - Duration::minutes(minutes)).max(self.s.story.created);
            let logged = ack_at + Duration::seconds(self.rng().range(2 * MIN, 20 * MIN));
            self.s.worklog(
                self.worker,
                started,
                minutes * MIN,
                logged,
                "Initial review".to_string(),
            );
        }
        if self.plan.prebook {
            // Booked but not worked: the ticket sits in Open for hours.
            let idle = self.rng().range(4 * HOUR + 30 * MIN, 9 * HOUR);
            self.s.at(assigned + Duration::seconds(idle));
        }
    }

    /// After a session: hand the ticket to the customer (or park it with the product team),
    /// and return when the next public update is due.
    fn wait_phase(&mut self, round: u32) -> Ts {
        let handoff_here = self
            .plan
            .handoff
            .filter(|&(r, _)| r == round)
            .map(|(_, h)| h);
        let no_clock_escalation =
            !self.escalated && matches!(self.plan.escalation, Some((EscTiming::NoClock, _)));
        let park = handoff_here.is_none() && !no_clock_escalation && self.rng().chance(0.25);
        let breach = self.plan.update_breach == Some(round);
        if park {
            let words = texts::parked(self.rng());
            self.s.comment(self.worker, Audience::Public, words);
            self.s.wait_between(MIN, 3 * MIN);
            self.s.set_status(self.worker, Status::WaitingOnWso2, None);
            return self.gap(breach);
        }
        let words = texts::update(self.rng());
        self.s.comment(self.worker, Audience::Public, words);
        self.s.wait_between(MIN, 3 * MIN);
        self.s
            .set_status(self.worker, Status::WaitingOnClient, None);
        let from = self.s.now();
        let reply = from + Duration::seconds(self.rng().range(30 * MIN, 36 * HOUR));
        let at = |f: i64| from + (reply - from) * f as i32 / 10;
        if let Some(engineer) = self.return_to.take() {
            self.s.at(at(1));
            self.s.assign(self.worker, Some(engineer));
            self.worker = engineer;
        }
        if let Some(h) = handoff_here {
            self.handoff(h, at(3), at(7));
        }
        if no_clock_escalation {
            self.s.at(at(5));
            self.escalate();
        }
        self.s.at(reply);
        let reporter = self.s.story.reporter;
        let words = texts::customer_reply(self.rng());
        self.s.comment(reporter, Audience::Public, words);
        self.s.wait(2);
        self.s
            .set_status(Who::Automation, Status::WaitingOnWso2, None);
        self.gap(breach)
    }

    /// An update gap starting now: escalates if planned and returns the time of the answer.
    fn gap(&mut self, breach: bool) -> Ts {
        let start = self.s.now();
        let deadline = self.update_deadline(start);
        let window = (deadline - start).num_seconds();
        let timing = self
            .plan
            .escalation
            .map(|(t, _)| t)
            .filter(|t| !self.escalated && *t != EscTiming::NoClock);
        let frac = |rng: &mut Rng, lo: f64, hi: f64| {
            start + Duration::seconds((window as f64 * rng.between(lo, hi)) as i64)
        };
        let (escalate_at, answer) = match timing {
            Some(EscTiming::Early) => (
                Some(frac(self.rng(), 0.05, 0.15)),
                frac(self.rng(), 0.4, 0.8),
            ),
            Some(EscTiming::Late) => (
                Some(frac(self.rng(), 0.82, 0.9)),
                frac(self.rng(), 0.93, 0.99),
            ),
            Some(EscTiming::AfterBreach) => {
                let answer = respond(self.rng(), start, deadline, true);
                (Some(deadline + (answer - deadline) / 3), answer)
            }
            _ => (None, respond(self.rng(), start, deadline, breach)),
        };
        if let Some(at) = escalate_at {
            self.s.at(at);
            self.escalate();
        }
        answer
    }

    /// Adds the escalation label or gives the ticket to a lead.
    fn escalate(&mut self) {
        self.escalated = true;
        let Some((_, trigger)) = self.plan.escalation else {
            return;
        };
        match trigger {
            EscTrigger::Label => {
                self.s.add_label(self.worker, "escalated");
                self.s.wait_between(MIN, 5 * MIN);
                self.s.comment(
                    self.worker,
                    Audience::DeveloperOnly,
                    texts::escalation_note(),
                );
            }
            EscTrigger::Lead => {
                let lead = self.pick_lead();
                self.s.assign(self.worker, Some(lead));
                if self.plan.lead_returns {
                    self.return_to = Some(self.worker);
                }
                self.worker = lead;
            }
        }
    }

    fn handoff(&mut self, kind: Handoff, first: Ts, second: Ts) {
        let from = self.worker;
        self.s.at(first);
        match kind {
            Handoff::Direct => {
                let to = self.other_engineer(from);
                self.s.assign(from, Some(to));
                self.worker = to;
            }
            Handoff::ToLead => {
                let to = self.pick_lead();
                self.s.assign(from, Some(to));
                self.worker = to;
            }
            Handoff::ViaUnassigned | Handoff::BackToSame => {
                self.s.assign(from, None);
                self.s.at(second);
                let to = if kind == Handoff::BackToSame {
                    from
                } else {
                    self.other_engineer(from)
                };
                self.s.assign(to, Some(to));
                self.worker = to;
            }
        }
    }

    fn resolve(&mut self) {
        let words = texts::resolution(self.rng());
        self.s.comment(self.worker, Audience::Public, words);
        self.s.wait_between(MIN, 3 * MIN);
        let resolution = self.rng().weighted(&[
            (Resolution::Fixed, 70),
            (Resolution::Done, 16),
            (Resolution::CannotReproduce, 8),
            (Resolution::WontFix, 6),
        ]);
        self.s
            .set_status(self.worker, Status::Resolved, Some(resolution));
        if self.rng().chance(0.4) {
            let started = self.s.now();
            let minutes = self.rng().range(3, 10) * 5;
            let logged = started
                + Duration::minutes(minutes)
                + Duration::seconds(self.rng().range(5 * MIN, 30 * MIN));
            self.s.worklog(
                self.worker,
                started,
                minutes * MIN,
                logged,
                "Post-resolution activities".to_string(),
            );
        }
    }

    /// Automation closes resolved tickets after a few days.
    fn close(&mut self) {
        self.s.wait_between(3 * DAY, 6 * DAY);
        self.s.set_status(Who::Automation, Status::Closed, None);
        if self.rng().chance(0.4) {
            self.s.wait(1);
            self.s
                .comment(Who::Automation, Audience::Public, texts::auto_close());
        }
    }

    fn update_deadline(&self, start: Ts) -> Ts {
        match self.s.story.kind {
            Kind::Incident => start + Duration::seconds(update_target(self.s.story.severity)),
            _ => self.s.window.business_deadline(start, 48 * HOUR),
        }
    }

    fn pick_lead(&mut self) -> Who {
        let n = self.roster.leads().len() as u64;
        Who::Lead(self.rng().below(n) as u32)
    }

    /// Another engineer than `from` (the same one when the team has only one).
    fn other_engineer(&mut self, from: Who) -> Who {
        let n = self.roster.engineers().len() as u32;
        let current = match from {
            Who::Engineer(i) => i,
            _ => n,
        };
        let step = 1 + self.rng().below(u64::from(n.max(2) - 1)) as u32;
        Who::Engineer((current + step) % n.max(1))
    }
}

/// Default ack targets: incidents 15 minutes, everything else 24 hours (wall clock).
fn ack_target(kind: Kind) -> i64 {
    match kind {
        Kind::Incident => 15 * MIN,
        _ => DAY,
    }
}

/// Default incident update targets by severity (wall clock).
pub(super) fn update_target(severity: Severity) -> i64 {
    match severity {
        Severity::Catastrophic => 2 * HOUR,
        Severity::Critical => 4 * HOUR,
        Severity::High => 8 * HOUR,
        Severity::Normal => DAY,
        Severity::Low => 2 * DAY,
    }
}

pub(super) fn lowered(s: Severity) -> Severity {
    match s {
        Severity::Catastrophic => Severity::Critical,
        Severity::Critical => Severity::High,
        Severity::High => Severity::Normal,
        Severity::Normal | Severity::Low => Severity::Low,
    }
}

/// The answer to a clock running from `start` to `deadline`: well inside it, or past it.
fn respond(rng: &mut Rng, start: Ts, deadline: Ts, breach: bool) -> Ts {
    let window = (deadline - start).num_seconds();
    if breach {
        let overshoot = window.clamp(30 * MIN, 12 * HOUR) as f64 * rng.between(0.1, 1.5);
        deadline + Duration::seconds(overshoot as i64 + MIN)
    } else {
        start + Duration::seconds((window as f64 * rng.between(0.1, 0.8)) as i64)
    }
}
