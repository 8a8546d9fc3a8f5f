//! JIRA JSON: the wire shapes of issues, comments, worklogs and changelogs (both the
//! Server/DC v2 and the Cloud v3 flavor), Atlassian Document Format to text, and JSON
//! files on disk to tickets, and the REST export.
//!
//! `adf` flattens rich text, `parse` turns one JIRA object into a `crate::model` value,
//! `files` finds, reads and de-duplicates tickets from files and directories, `client`
//! talks HTTP to JIRA (auth, retries) and `export` pages through a JQL search into tickets.

mod adf;
pub mod client;
pub mod export;
mod files;
mod json;
mod parse;

pub use files::read_files;
pub use parse::{
    body_text, parse_comment, parse_history, parse_issue, parse_person, parse_worklog,
};
