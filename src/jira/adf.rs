//! Atlassian Document Format (ADF, the JSON rich text of Jira Cloud v3) flattened to the
//! plain text that metrics match patterns against and reports quote.
//!
//! Every block (paragraph, heading, list item, code line, table row) becomes its own line;
//! inline nodes stay on the line they appear in. Formatting marks are dropped, since only
//! the words matter to supportlens. Unknown node types are walked for their text, so a
//! new ADF node loses its styling, never its words.

use super::json::{Json, get};

/// Flattens an ADF document (or any ADF node) to plain text: one line per block, list items
/// prefixed `- ` or `N. ` and indented by nesting, table cells joined by ` | `, a hard
/// break as a newline, mentions as their text, inline cards as their URL, emoji as their
/// short name. Lines carry no trailing whitespace and the text no trailing newline.
pub fn adf_to_text(doc: &Json) -> String {
    let lines = if is_inline(doc) {
        let mut line = String::new();
        inline(doc, &mut line);
        split_lines(&line)
    } else {
        block(doc)
    };
    let mut out: Vec<&str> = lines.iter().map(|l| l.trim_end()).collect();
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

/// Node types that flow within a line; everything else starts a line of its own.
fn is_inline(node: &Json) -> bool {
    matches!(
        node_type(node),
        "text"
            | "hardBreak"
            | "mention"
            | "emoji"
            | "inlineCard"
            | "date"
            | "status"
            | "mediaInline"
            | "placeholder"
            | "inlineExtension"
    )
}

fn node_type<'a>(node: &'a Json<'a>) -> &'a str {
    get(node, "type").as_str().unwrap_or("")
}

fn children<'a>(node: &'a Json<'a>) -> &'a [Json<'a>] {
    get(node, "content").as_array().unwrap_or(&[])
}

fn attr<'a>(node: &'a Json<'a>, name: &str) -> Option<&'a str> {
    get(get(node, "attrs"), name)
        .as_str()
        .filter(|s| !s.is_empty())
}

/// The lines of one block node.
fn block(node: &Json) -> Vec<String> {
    match node_type(node) {
        "bulletList" => list(node, |_| "- ".to_string()),
        "orderedList" => {
            let start = get(get(node, "attrs"), "order").as_u64().unwrap_or(1);
            list(node, |i| format!("{}. ", start.saturating_add(i as u64)))
        }
        "table" => children(node).iter().flat_map(block).collect(),
        "tableRow" => {
            let cells: Vec<String> = children(node)
                .iter()
                .map(|cell| block(cell).join(" "))
                .collect();
            vec![cells.join(" | ")]
        }
        // Rules and media carry no words worth matching.
        "rule" | "mediaSingle" | "mediaGroup" | "media" => Vec::new(),
        _ => container(children(node)),
    }
}

/// Lines of a node whose children may mix inline runs and blocks: consecutive inline
/// children form one line (split at hard breaks), each block child adds its own lines.
fn container(nodes: &[Json]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut run = String::new();
    for child in nodes {
        if is_inline(child) {
            inline(child, &mut run);
        } else {
            lines.extend(split_lines(&run));
            run.clear();
            lines.extend(block(child));
        }
    }
    lines.extend(split_lines(&run));
    lines
}

/// One list: each item's first line gets the marker, its later lines (nested lists,
/// further paragraphs) are indented so the nesting stays visible.
fn list(node: &Json, marker: impl Fn(usize) -> String) -> Vec<String> {
    let mut lines = Vec::new();
    for (i, item) in children(node).iter().enumerate() {
        let mark = marker(i);
        let pad = " ".repeat(mark.len());
        let item_lines = container(children(item));
        if item_lines.is_empty() {
            lines.push(mark);
            continue;
        }
        for (j, line) in item_lines.into_iter().enumerate() {
            let prefix = if j == 0 { &mark } else { &pad };
            lines.push(format!("{prefix}{line}"));
        }
    }
    lines
}

/// A run of inline text as lines; a trailing hard break adds no empty line.
fn split_lines(run: &str) -> Vec<String> {
    let run = run.trim_end_matches('\n');
    if run.is_empty() {
        return Vec::new();
    }
    run.split('\n').map(str::to_string).collect()
}

/// Appends one inline node's text to the current run.
fn inline(node: &Json, out: &mut String) {
    match node_type(node) {
        "text" => out.push_str(get(node, "text").as_str().unwrap_or("")),
        "hardBreak" => out.push('\n'),
        "mention" => match attr(node, "text") {
            Some(text) => out.push_str(text),
            None => {
                out.push('@');
                out.push_str(attr(node, "id").unwrap_or("unknown"));
            }
        },
        "emoji" => {
            if let Some(s) = attr(node, "shortName").or_else(|| attr(node, "text")) {
                out.push_str(s);
            }
        }
        "inlineCard" => {
            let url =
                attr(node, "url").or_else(|| get(get(get(node, "attrs"), "data"), "url").as_str());
            if let Some(url) = url {
                // A card follows words directly in ADF; a space keeps the URL clickable.
                if out.chars().last().is_some_and(|c| !c.is_whitespace()) {
                    out.push(' ');
                }
                out.push_str(url);
            }
        }
        "status" => {
            if let Some(text) = attr(node, "text") {
                out.push_str(text);
            }
        }
        "date" => {
            // ADF dates are epoch milliseconds as a string; show the UTC calendar date.
            let t = get(get(node, "attrs"), "timestamp");
            let ms = t
                .as_str()
                .and_then(|s| s.parse::<i64>().ok())
                .or(t.as_i64());
            if let Some(day) = ms.and_then(chrono::DateTime::from_timestamp_millis) {
                out.push_str(&day.format("%Y-%m-%d").to_string());
            }
        }
        _ => {
            for child in children(node) {
                inline(child, out);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jira::json::view;
    use serde_json::{Value, json};

    /// The text of a document written with `json!` or read from a fixture.
    fn text(doc: &Value) -> String {
        adf_to_text(&view(doc))
    }

    fn fixture() -> Value {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/jira/adf-document-many-node-types.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn fixture_headings_breaks_quotes_cards_mentions() {
        let text = text(&fixture());
        let expected_start = "H1\nH2\n1. Some text\n2. Some more text\nBlockquote text\n\
            Inline Node https://antiklabs.atlassian.net/wiki/spaces/ANK/pages/124234/hello-world\n\
            Implement epic browser\nPanel paragraph\nPerson A\nStrong Paragraph 1\nParagraph 2\n\
            Bold Text\nItalic Text\nPrefix: Underlined Text\nPrefix: Inline Code Block\n\
            Prefix: Strikethrough text\nLink\n";
        assert!(text.starts_with(expected_start), "got:\n{text}");
    }

    #[test]
    fn fixture_lists_nest_and_number() {
        let text = text(&fixture());
        let lists = "- Prefix: Unordered list item 1\n  - Next\n    - Another\n      - New level\n\
            - Unordered list item 2\n- Unordered list item 3\n\
            1. Ordered list item 1\n2. Ordered list item 2\n3. Ordered list item 3\n\
            \x20  1. nested\n      1. second level\n         1. third level\n            1. fourth level\n";
        assert!(text.contains(lists), "got:\n{text}");
    }

    #[test]
    fn fixture_tables_and_code() {
        let text = text(&fixture());
        let table = "Table Header 1 | Table Header 2 | Table Header 3\n\
            Table row 1 column 1 | Table row 1 column 2 | Table row 1 column 3\n\
            Table row 2 column 1 | Table row 2 column 2 | Table row 2 column 3\n\
            package main\n\nimport (\n\t\"fmt\"\n)\n\nfunc main() {\n\tfmt.Println(\"Hello, World!\")\n}\n\
            Table Header 1 | Table Header 2 | Table Header 3 | Table Header 4 | Table Header 5\n";
        assert!(text.contains(table), "got:\n{text}");
        assert!(text.ends_with(
            "Table row 1 column 2 | Table row 2 column 3 | Table row 3 column 3 | \
             Table row 4 column 3 | Table row 5 column 3"
        ));
        assert!(text.lines().all(|l| l == l.trim_end()));
    }

    #[test]
    fn inline_nodes_render_their_words() {
        let doc = json!({"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [
                {"type": "mention", "attrs": {"id": "abc", "text": "@Ann Lee"}},
                {"type": "text", "text": " see "},
                {"type": "emoji", "attrs": {"shortName": ":smile:", "text": "😄"}},
                {"type": "text", "text": " on "},
                {"type": "date", "attrs": {"timestamp": "1764547200000"}},
                {"type": "text", "text": "  "},
                {"type": "hardBreak"},
                {"type": "mention", "attrs": {"id": "xyz"}},
                {"type": "status", "attrs": {"text": "DONE"}}
            ]},
            {"type": "rule"},
            {"type": "paragraph", "content": []},
            {"type": "orderedList", "attrs": {"order": 3}, "content": [
                {"type": "listItem", "content": [{"type": "paragraph", "content": [{"type": "text", "text": "third"}]}]}
            ]}
        ]});
        assert_eq!(
            text(&doc),
            "@Ann Lee see :smile: on 2025-12-01\n@xyzDONE\n3. third"
        );
    }

    /// A list numbered from the largest order JIRA could send stays at it, not past it.
    #[test]
    fn ordered_list_from_the_largest_order() {
        let item = |t: &str| json!({"type": "listItem", "content": [{"type": "text", "text": t}]});
        let doc = json!({"type": "orderedList", "attrs": {"order": u64::MAX}, "content": [item("a"), item("b")]});
        assert_eq!(
            text(&doc),
            "18446744073709551615. a\n18446744073709551615. b"
        );
    }

    #[test]
    fn bare_inline_node_and_empty_doc() {
        assert_eq!(text(&json!({"type": "text", "text": "hi \n"})), "hi");
        assert_eq!(text(&json!({"type": "doc", "content": []})), "");
    }
}
