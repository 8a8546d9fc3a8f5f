//! The `supportlens.toml` written beside the generated issues: it names the organisation's
//! engineers, leads and bots and its calendar, and leaves every other key at its default.

use std::fmt::Write;

use super::Options;
use super::people::Roster;
use super::window::Window;

/// The config text for this organisation.
pub fn render(opts: &Options, roster: &Roster, window: &Window) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# supportlens configuration for the synthetic organisation written by `supportlens generate`\n\
         # (seed {}, {} tickets, {} engineers, {} weeks ending {}).\n\
         # Keys not written here keep their defaults; `supportlens config init` lists them all.\n",
        opts.seed, opts.tickets, opts.engineers, opts.weeks, opts.end
    );
    out.push_str("[team]\ntimezone = \"Europe/London\"\n");
    list(
        &mut out,
        "engineers",
        roster.engineers().iter().map(|p| (&p.id, &p.name)),
    );
    list(
        &mut out,
        "leads",
        roster.leads().iter().map(|p| (&p.id, &p.name)),
    );
    // Automation for Jira is an app account, a bot without being listed.
    let notifier = roster.notifier();
    list(
        &mut out,
        "bots",
        [(&notifier.id, &notifier.name)].into_iter(),
    );
    let holidays: Vec<String> = window.holidays.iter().map(|d| format!("\"{d}\"")).collect();
    let _ = writeln!(
        out,
        "\n[calendar]\ntimezone = \"Europe/London\"\nholidays = [{}]",
        holidays.join(", ")
    );
    out
}

/// A TOML array of ids, one per line, each with the person's name as a comment.
fn list<'a>(out: &mut String, key: &str, people: impl Iterator<Item = (&'a String, &'a String)>) {
    let _ = writeln!(out, "{key} = [");
    for (id, name) in people {
        let _ = writeln!(out, "  \"{id}\", # {name}");
    }
    out.push_str("]\n");
}
