//! Each engineer's share of the page inputs (weekly rows, goal rows, feedback points,
//! breaches), grouped in one pass over each table, so a report of many engineers does not
//! rescan every table once per page. Each group keeps the order of its table: a page reads
//! its group exactly as it would read the table filtered to the engineer.

use std::collections::HashMap;

use super::{Breach, Inputs};
use crate::metrics::feedback::Point;
use crate::metrics::goals::GoalRow;
use crate::metrics::values::ValueRow;
use crate::report::charts::Person;

/// One engineer's rows of each page input, in the inputs' order.
#[derive(Debug, Default)]
pub struct Own<'a> {
    pub rows: Vec<&'a ValueRow>,
    pub goals: Vec<&'a GoalRow>,
    pub feedback: Vec<&'a Point>,
    pub breaches: Vec<&'a Breach>,
}

/// The page inputs grouped by engineer, for the people who get a page.
#[derive(Debug)]
pub struct ByEngineer<'a> {
    of: HashMap<&'a str, Own<'a>>,
    /// The first goal row's target of each metric, whoever's row it is: a goal is the
    /// same for everyone.
    targets: HashMap<&'static str, f64>,
}

impl<'a> ByEngineer<'a> {
    /// Groups `inputs` for `people`: rows of anyone else are left out.
    pub fn new(inputs: &Inputs<'a>, people: &'a [Person]) -> ByEngineer<'a> {
        let mut of: HashMap<&str, Own> = people
            .iter()
            .map(|p| (p.id.as_str(), Own::default()))
            .collect();
        for r in &inputs.values.engineers {
            if let Some(own) = of.get_mut(r.engineer.as_str()) {
                own.rows.push(r);
            }
        }
        let mut targets = HashMap::new();
        for g in inputs.goals {
            targets.entry(g.metric).or_insert(g.goal);
            if let Some(own) = of.get_mut(g.engineer.as_str()) {
                own.goals.push(g);
            }
        }
        for f in inputs.feedback {
            if let Some(own) = of.get_mut(f.engineer.as_str()) {
                own.feedback.push(f);
            }
        }
        for b in inputs.breaches {
            if let Some(own) = of.get_mut(b.engineer.as_str()) {
                own.breaches.push(b);
            }
        }
        ByEngineer { of, targets }
    }

    /// The rows of engineer `id`; none for someone without a page.
    pub fn of(&self, id: &str) -> &Own<'a> {
        static NONE: Own<'static> = Own {
            rows: Vec::new(),
            goals: Vec::new(),
            feedback: Vec::new(),
            breaches: Vec::new(),
        };
        self.of.get(id).unwrap_or(&NONE)
    }

    /// Whether engineer `id` gets a page.
    pub fn has(&self, id: &str) -> bool {
        self.of.contains_key(id)
    }

    /// The goal set on `metric`, from the first goal row of that metric.
    pub fn target(&self, metric: &str) -> Option<f64> {
        self.targets.get(metric).copied()
    }
}
