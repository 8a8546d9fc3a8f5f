//! A small team in the shape of the report's CSVs, for the chart and page tests: three
//! engineers and `(unassigned)` over two weeks, with gaps (empty cells) and hostile text.

use super::table::{Inputs, Table};

pub const ENGINEER_WEEKLY: &str = "\
week,engineer,engineer_name,acks,ack_p90_min,ack_breaches,ack_sla_pct,update_breaches,update_sla_pct,sla_breaches,continuity_pct,call_minutes_reported,score
2026-W46,(unassigned),,0,,1,0.0,0,,1,,0,
2026-W46,alice,Alice Archer,4,12.5,0,100.0,1,90.0,1,100.0,30,95.5
2026-W46,bob,Bob O'Neil,3,30,2,33.3,0,100.0,2,50.0,0,61.2
2026-W46,carol,Carol Chen,5,8,0,100.0,0,100.0,0,,45,99
2026-W47,alice,Alice Archer,6,14,1,83.3,2,80.0,3,75.0,60,80
2026-W47,bob,Bob O'Neil,2,,0,,1,50.0,1,,0,
2026-W47,carol,Carol Chen,4,9.5,0,100.0,0,100.0,0,100.0,15,97.5
";

pub const TEAM_WEEKLY: &str = "\
week,engineer,engineer_name,acks,ack_p90_min,ack_breaches,ack_sla_pct,update_breaches,update_sla_pct,sla_breaches,continuity_pct,call_minutes_reported,score
2026-W46,(team),,12,20,3,75.0,1,95.0,4,75.0,75,85
2026-W47,(team),,12,14,1,91.7,3,85.0,4,80.0,75,88.8
";

pub const ESCALATIONS: &str = "\
ticket,at,by,engineer,trigger,deadline,lead_min,class,week
SUP-1,2026-11-10T10:30:00Z,alice,alice,label,2026-11-10T10:00:00Z,-30,after_breach,2026-W46
SUP-2,2026-11-17T09:50:00Z,bob,bob,lead,2026-11-17T10:00:00Z,10,late,2026-W47
SUP-3,2026-11-18T09:10:00Z,carol,carol,label,2026-11-18T10:00:00Z,50,early,2026-W47
SUP-4,2026-11-18T11:00:00Z,carol,carol,label,,,no_pending_sla,2026-W47
SUP-5,2026-11-19T08:01:00Z,alice,alice,label,2026-11-19T10:00:00Z,119,early,2026-W47
";

pub const BREACHES: &str = "\
ticket,kind,type,severity,start,deadline,end,stopped,elapsed_sla_min,target_min,breached,engineer,week,escalated_before_deadline
SUP-7,ack,incident,high,2026-11-17T09:00:00Z,2026-11-17T09:15:00Z,2026-11-17T09:40:00Z,true,40,15,true,alice,2026-W47,false
SUP-8,update,query,normal,2026-11-18T09:00:00Z,2026-11-20T09:00:00Z,2026-11-20T12:00:00Z,true,3060,2880,true,bob,2026-W47,true
";

pub const FEEDBACK: &str = "\
week,engineer,kind,metric,message,tickets
2026-W46,alice,plus,continuity_pct,Resolved every ticket she owned,SUP-3
2026-W47,alice,plus,ack_sla_pct,Acked every incident on time,SUP-1 SUP-5
2026-W47,alice,improve,calls_missing_notes,\"Call on SUP-9 lacks notes: <script>alert(1)</script> \"\"quoted\"\"\",SUP-9
2026-W47,bob,improve,ack_p90_min,Slow acks,SUP-2
";

/// The fixture's tables, parsed as the report reads them.
pub struct Fixture {
    pub engineer_weekly: Table,
    pub team_weekly: Table,
    pub escalations: Table,
    pub breaches: Table,
    pub feedback: Table,
    pub weeks: Vec<String>,
}

impl Fixture {
    pub fn new() -> Fixture {
        let parse = |s: &str| Table::from_csv(s.as_bytes()).expect("fixture CSV parses");
        Fixture {
            engineer_weekly: parse(ENGINEER_WEEKLY),
            team_weekly: parse(TEAM_WEEKLY),
            escalations: parse(ESCALATIONS),
            breaches: parse(BREACHES),
            feedback: parse(FEEDBACK),
            weeks: vec!["2026-W46".to_string(), "2026-W47".to_string()],
        }
    }

    /// The whole team's report, with JIRA links and the default ack targets (incident 15
    /// minutes, query 24 hours).
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            engineer_weekly: &self.engineer_weekly,
            team_weekly: &self.team_weekly,
            escalations: &self.escalations,
            breaches: &self.breaches,
            feedback: &self.feedback,
            weeks: &self.weeks,
            as_of: "2026-11-23T09:15:00Z",
            jira_url: "https://jira.example.com/",
            ack_targets: &[("incident", 15.0), ("query", 1440.0)],
            goals: &[],
            self_review: None,
        }
    }
}
