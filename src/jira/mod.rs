//! JIRA JSON: wire shapes, ADF to text, files to tickets.
