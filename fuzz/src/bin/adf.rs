//! Fuzz target: Atlassian Document Format to text, through `body_text` as comment bodies and
//! worklog comments are read. Besides not panicking or hanging, the text keeps its
//! documented shape: no line ends in whitespace and the text does not end in a newline.

use serde_json::Value;
use supportlens::jira::body_text;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(doc) = serde_json::from_slice::<Value>(data) else {
            return;
        };
        let text = body_text(&doc);
        if doc.is_string() {
            // A v2 body is plain text, kept as it is.
            assert_eq!(Some(text.as_str()), doc.as_str());
            return;
        }
        assert!(!text.ends_with('\n'), "text ends in a newline: {text:?}");
        for line in text.split('\n') {
            assert_eq!(line, line.trim_end(), "line ends in whitespace: {text:?}");
        }
    });
}
