//! Words for the synthetic tickets: summaries, comment bodies and worklog comments. Texts are
//! chosen so that only call worklogs match the default `[calls] worklog_pattern` and only
//! call notes start with "call notes".

use super::rng::Rng;

const PROBLEMS: [&str; 12] = [
    "Gateway returns 502 after upgrade",
    "Token endpoint slow under load",
    "Login page loops after SSO change",
    "Mediation sequence drops messages",
    "Consent API rejects valid requests",
    "Dashboard shows no data since Monday",
    "Certificate renewal fails on cluster",
    "Throttling policy not applied",
    "Out of memory on worker nodes",
    "Database connection pool exhausted",
    "Analytics events missing for tenant",
    "Patch install breaks startup",
];

const PRODUCTS: [&str; 5] = [
    "API Manager",
    "Identity Server",
    "Integrator",
    "Open Banking",
    "Analytics",
];

/// A ticket summary.
pub fn summary(rng: &mut Rng) -> String {
    format!("{}: {}", rng.pick(&PRODUCTS), rng.pick(&PROBLEMS))
}

pub fn greeting(key: &str) -> Vec<String> {
    vec![format!(
        "Thank you for contacting support. Your request {key} has been received and an engineer will respond shortly."
    )]
}

pub fn ack(rng: &mut Rng, customer: &str) -> Vec<String> {
    let lines = [
        "thanks for reporting this. I am looking into it now and will update you shortly.",
        "I have picked up this ticket and I am going through the details you shared.",
        "thank you, we are on it. Could you attach the server logs from the time of the failure?",
    ];
    vec![format!("Hi {customer}, {}", rng.pick(&lines))]
}

pub fn update(rng: &mut Rng) -> Vec<String> {
    let lines = [
        "Update: we reproduced the behaviour on the same version and are testing a fix.",
        "We found the cause in the connection settings. Please try the configuration below and let us know.",
        "Our product team is preparing a patch. We will share it as soon as it passes testing.",
        "The logs show the node ran out of file handles. Please raise the limit to 65535 and restart.",
        "We are still analysing the thread dumps and will update you with our findings.",
    ];
    vec![rng.pick(&lines).to_string()]
}

pub fn customer_reply(rng: &mut Rng) -> Vec<String> {
    let lines = [
        "Thanks. I attached the logs you asked for.",
        "We tried the suggested change; the error still appears on one node.",
        "That worked in our test environment. We will apply it to production tonight.",
        "Any news on this? Our users are still affected.",
        "Please find the thread dumps attached.",
    ];
    vec![rng.pick(&lines).to_string()]
}

pub fn internal_note(rng: &mut Rng) -> Vec<String> {
    let lines = [
        "Checked the gateway logs: the 502s start right after the pool hits its limit.",
        "Draft answer for review before it goes to the customer.",
        "Same stack trace as an older ticket for this customer; patch 4021 may apply.",
        "Asked the product team to confirm whether this is a known issue.",
    ];
    vec![rng.pick(&lines).to_string()]
}

pub fn call_notes(rng: &mut Rng, customer: &str, engineer: &str) -> Vec<String> {
    let lead = ["Call notes", "CALL NOTES", "* Call notes"];
    vec![
        format!(
            "{}: attendees {customer} (customer), {engineer} (support)",
            rng.pick(&lead)
        ),
        "Went through the failing flow together and collected a heap dump.".to_string(),
        "Next steps: support analyses the dump and shares findings tomorrow.".to_string(),
    ]
}

pub fn call_worklog(rng: &mut Rng) -> String {
    let lines = [
        "Call with customer to troubleshoot",
        "Meeting with the customer team on the outage",
        "Troubleshooting call",
    ];
    rng.pick(&lines).to_string()
}

pub fn work_worklog(rng: &mut Rng) -> String {
    let lines = [
        "Analysed logs and thread dumps",
        "Reproduced the issue locally",
        "Prepared configuration changes",
        "Reviewed patch and tested",
        "Investigation",
    ];
    rng.pick(&lines).to_string()
}

pub fn resolution(rng: &mut Rng) -> Vec<String> {
    let lines = [
        "The fix is confirmed in your environment, so we are resolving this ticket. Reply here if it comes back.",
        "Patch delivered and verified. Resolving; feel free to reopen if needed.",
        "As discussed, the configuration change resolves the problem. Marking this resolved.",
    ];
    vec![rng.pick(&lines).to_string()]
}

pub fn duplicate(other: u64) -> Vec<String> {
    vec![format!(
        "This is the same problem as SUP-{other}; we will continue there and close this one as a duplicate."
    )]
}

pub fn reopen(rng: &mut Rng) -> Vec<String> {
    let lines = [
        "The problem is back after the restart last night.",
        "We see the same error again in production, reopening.",
    ];
    vec![rng.pick(&lines).to_string()]
}

pub fn parked(rng: &mut Rng) -> Vec<String> {
    let lines = [
        "We have raised this with the product team and are waiting on their analysis. Next update within the SLA.",
        "A patch is being built for your version; we will share it as soon as it passes tests.",
    ];
    vec![rng.pick(&lines).to_string()]
}

pub fn escalation_note() -> Vec<String> {
    vec!["Escalating: this needs a lead's attention before the update deadline.".to_string()]
}

pub fn auto_close() -> Vec<String> {
    vec!["This request was closed automatically after five days in Resolved.".to_string()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    #[test]
    fn only_call_texts_match_the_default_patterns() {
        let worklog = Regex::new(r"(?i)\b(call|meeting)\b").unwrap();
        let notes = Regex::new(r"(?i)^\W*call notes").unwrap();
        let mut rng = Rng::new(1, 1);
        for _ in 0..50 {
            assert!(worklog.is_match(&call_worklog(&mut rng)));
            assert!(!worklog.is_match(&work_worklog(&mut rng)));
            assert!(
                !worklog.is_match("Initial review")
                    && !worklog.is_match("Post-resolution activities")
            );
            assert!(notes.is_match(&call_notes(&mut rng, "A", "B").join("\n")));
            for text in [
                ack(&mut rng, "A"),
                update(&mut rng),
                internal_note(&mut rng),
                customer_reply(&mut rng),
                resolution(&mut rng),
            ] {
                assert!(!notes.is_match(&text.join("\n")));
            }
        }
    }
}
