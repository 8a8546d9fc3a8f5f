//! What the integration tests share: a JIRA-compatible server and its organisation, a real
//! SMTP server (aiosmtpd) and a webhook receiver, all on loopback.

pub mod jira_org;
pub mod jira_server;
pub mod smtp;
pub mod webhook_receiver;
