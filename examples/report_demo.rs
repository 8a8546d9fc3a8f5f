//! Writes the charts and `index.html` of a made-up team (12 engineers, 8 weeks) into a
//! folder, to look at them: `cargo run --example report_demo -- /tmp/demo [--self ID]`,
//! then `scripts/screenshot.sh /tmp/demo`.

use std::fmt::Write as _;
use std::path::PathBuf;

use supportlens::report::charts::{self, Inputs, Table};
use supportlens::report::html;

const COLUMNS: &str = "week,engineer,engineer_name,acks,ack_p50_min,ack_p90_min,ack_max_min,\
ack_breaches,ack_sla_pct,update_gaps,update_breaches,update_sla_pct,sla_breaches,escalations,\
escalations_early,escalations_late,escalations_after_breach,escalation_lead_p50_min,\
silent_breaches,tickets_owned,handoffs_in,handoffs_out,resolved,resolved_sole_owner,\
continuity_pct,calls_reported,call_minutes_reported,call_notes,calls_missing_notes,\
calls_missing_time,hours_logged,worklogs,late_logs,same_day_log_pct,max_wip,multi_wip_hours,\
assignments,prebooked,reopens,untagged_tickets,score";

const PEOPLE: [(&str, &str); 12] = [
    ("amara.okafor", "Amara Okafor"),
    ("ben.hughes", "Ben Hughes"),
    ("chen.wei", "Chen Wei"),
    ("dilshan.perera", "Dilshan Perera"),
    ("elena.garcia", "Elena García"),
    ("farah.khan", "Farah Khan"),
    ("gustav.lind", "Gustav Lind"),
    ("hiro.tanaka", "Hiro Tanaka"),
    ("isuru.fernando", "Isuru Fernando"),
    ("jana.novak", "Jana Novák"),
    ("kofi.mensah", "Kofi Mensah"),
    ("sean.obrien", "Seán O'Brien"),
];

/// A small deterministic generator, so every run draws the same team.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
    fn int(&mut self, lo: u32, hi: u32) -> u32 {
        lo + (self.next() * f64::from(hi - lo + 1)) as u32
    }
}

fn pct(good: u32, all: u32) -> String {
    if all == 0 {
        String::new()
    } else {
        format!("{:.1}", 100.0 * f64::from(good) / f64::from(all))
    }
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = PathBuf::from(args.first().map_or("/tmp/supportlens-demo", String::as_str));
    let self_review = args
        .iter()
        .position(|a| a == "--self")
        .and_then(|i| args.get(i + 1))
        .cloned();
    let weeks: Vec<String> = (40..48).map(|w| format!("2026-W{w}")).collect();
    let mut rng = Lcg(7);
    let (mut eng, mut team) = (format!("{COLUMNS}\n"), format!("{COLUMNS}\n"));
    let mut breaches = String::from(
        "ticket,kind,type,severity,start,deadline,end,stopped,elapsed_sla_min,target_min,\
         breached,engineer,week,escalated_before_deadline\n",
    );
    let mut escalations =
        String::from("ticket,at,by,engineer,trigger,deadline,lead_min,class,week\n");
    let mut feedback = String::from("week,engineer,kind,metric,message,tickets\n");
    let mut key = 4100;
    for (wi, week) in weeks.iter().enumerate() {
        let mut sums = [0u32; 6];
        for (pi, (id, name)) in PEOPLE.iter().enumerate() {
            if (pi + wi) % 17 == 5 && self_review.as_deref() != Some(*id) {
                continue; // on leave that week: no row
            }
            let skill = 1.0 + pi as f64 / 6.0;
            let acks = rng.int(2, 14);
            let ack_b = (rng.next() * skill * 1.6) as u32;
            let p50 = 2.0 + rng.next() * 6.0 * skill;
            let p90 = p50 + 3.0 + rng.next() * 14.0 * skill;
            let gaps = rng.int(6, 30);
            let upd_b = (rng.next() * skill * 2.0) as u32;
            let resolved = rng.int(0, 9);
            let sole = resolved.saturating_sub(rng.int(0, 2));
            let calls = rng.int(0, 4);
            let worklogs = rng.int(12, 45);
            let late = rng.int(0, 9).min(worklogs);
            let score = 97.0 - 8.0 * skill + rng.next() * 10.0;
            let p50_cell = if acks == 0 {
                String::new()
            } else {
                format!("{p50:.2}")
            };
            let _ = writeln!(
                eng,
                "{week},{id},{name},{acks},{p50_cell},{p90:.2},{:.2},{ack_b},{},{gaps},{upd_b},{},{},\
                 {},{},{},{},{:.2},{},{},{},{},{resolved},{sole},{},{calls},{},{},{},{},{:.2},\
                 {worklogs},{late},{},{},{:.2},{},{},{},{},{score:.1}",
                p90 + rng.next() * 30.0,
                pct(acks.saturating_sub(ack_b), acks),
                pct(gaps.saturating_sub(upd_b), gaps),
                ack_b + upd_b,
                rng.int(0, 3),
                rng.int(0, 2),
                rng.int(0, 1),
                rng.int(0, 1),
                rng.next() * 400.0 - 40.0,
                rng.int(0, 1),
                rng.int(4, 18),
                rng.int(0, 3),
                rng.int(0, 3),
                pct(sole, resolved),
                calls * rng.int(20, 60),
                calls.saturating_sub(rng.int(0, 1)),
                rng.int(0, 1).min(calls),
                rng.int(0, 1),
                20.0 + rng.next() * 18.0,
                pct(worklogs - late, worklogs),
                rng.int(1, 3),
                rng.next() * 8.0,
                rng.int(3, 12),
                rng.int(0, 2),
                rng.int(0, 2),
                rng.int(0, 3),
            );
            sums[0] += ack_b;
            sums[1] += upd_b;
            sums[2] += calls * 40;
            sums[3] += resolved;
            sums[4] += sole;
            sums[5] += acks;
            for kind in ["ack", "update"] {
                for _ in 0..if kind == "ack" { ack_b } else { upd_b } {
                    key += 1;
                    let _ = writeln!(
                        breaches,
                        "SUP-{key},{kind},incident,high,2026-10-0{}T09:00:00Z,\
                         2026-10-0{}T09:15:00Z,2026-10-0{}T10:02:00Z,true,62,15,true,{id},{week},{}",
                        1 + wi % 8,
                        1 + wi % 8,
                        1 + wi % 8,
                        rng.next() < 0.3
                    );
                }
            }
            for _ in 0..rng.int(0, 2) {
                key += 1;
                let lead = (rng.next() * 1500.0 - 200.0).round();
                let class = if lead < 0.0 {
                    "after_breach"
                } else if lead < 360.0 {
                    "late"
                } else {
                    "early"
                };
                let _ = writeln!(
                    escalations,
                    "SUP-{key},2026-10-01T10:00:00Z,{id},{id},label,2026-10-01T20:00:00Z,{lead},{class},{week}"
                );
            }
            if wi >= 6 {
                let _ = writeln!(
                    feedback,
                    "{week},{id},plus,ack_sla_pct,\"Acknowledged every incident within 15 minutes\",SUP-{} SUP-{}",
                    key - 1,
                    key
                );
                let _ = writeln!(
                    feedback,
                    "{week},{id},improve,calls_missing_notes,\"Call on SUP-{key} has no notes: <script>alert(1)</script> \"\"quoted\"\"\",SUP-{key}"
                );
            }
        }
        let names: Vec<&str> = COLUMNS.split(',').collect();
        let mut cells = vec![String::new(); names.len()];
        let mut set = |col: &str, value: String| {
            if let Some(i) = names.iter().position(|n| *n == col) {
                cells[i] = value;
            }
        };
        set("week", week.clone());
        set("engineer", "(team)".into());
        set("acks", sums[5].to_string());
        set("ack_p50_min", "6.5".into());
        set("ack_p90_min", format!("{:.2}", 18.0 + rng.next() * 10.0));
        set("ack_breaches", sums[0].to_string());
        set("ack_sla_pct", pct(sums[5].saturating_sub(sums[0]), sums[5]));
        set("update_gaps", "200".into());
        set("update_breaches", sums[1].to_string());
        set("update_sla_pct", pct(200 - sums[1], 200));
        set("sla_breaches", (sums[0] + sums[1]).to_string());
        set("resolved", sums[3].to_string());
        set("resolved_sole_owner", sums[4].to_string());
        set("continuity_pct", pct(sums[4], sums[3]));
        set("call_minutes_reported", sums[2].to_string());
        set("score", format!("{:.1}", 80.0 + rng.next() * 8.0));
        let _ = writeln!(team, "{}", cells.join(","));
    }
    let tables = [&eng, &team, &escalations, &breaches, &feedback]
        .map(|s| Table::from_csv(s.as_bytes()))
        .into_iter()
        .collect::<anyhow::Result<Vec<_>>>()?;
    let mut engineer_weekly = tables[0].clone();
    let (mut esc, mut br, mut fb) = (tables[2].clone(), tables[3].clone(), tables[4].clone());
    if let Some(id) = &self_review {
        for t in [&mut engineer_weekly, &mut esc, &mut br, &mut fb] {
            let col = t.column("engineer").unwrap_or(1);
            t.rows.retain(|r| r.get(col) == Some(id));
        }
    }
    let inputs = Inputs {
        engineer_weekly: &engineer_weekly,
        team_weekly: &tables[1],
        escalations: &esc,
        breaches: &br,
        feedback: &fb,
        weeks: &weeks,
        as_of: "2026-11-23T09:15:00Z",
        jira_url: "https://support.example.com",
        ack_targets: &[("incident", 15.0), ("query", 1440.0)],
        self_review: self_review.as_deref(),
    };
    let files = charts::charts(&inputs)?;
    std::fs::create_dir_all(out.join("charts"))?;
    for (name, bytes) in &files {
        std::fs::write(out.join(name), bytes)?;
    }
    let page = html::index_html(&inputs, &charts::svgs(&files));
    std::fs::write(out.join("index.html"), page)?;
    println!(
        "wrote {} charts and index.html to {}",
        files.len(),
        out.display()
    );
    Ok(())
}
