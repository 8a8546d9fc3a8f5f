//! The JSON document the JIRA parsers read: serde_json_borrow's `Value`, whose strings
//! borrow from the text they were parsed from. Reading 1.4 GB of export into serde_json's
//! own `Value` allocated every key and string of every object only to drop most of them;
//! the borrowed document parses in about half the time (BENCHMARKS.md), and the parsers
//! copy just the strings a ticket keeps.
//!
//! Lookups keep serde_json's rules, so both documents read the same: a repeated key takes
//! its last value, and a missing key reads as null.

use std::borrow::Cow;

pub use serde_json_borrow::Value as Json;

/// A borrowed view of serde_json's owned `Value`, with the numbers `Json` would have
/// parsed from the same text (serde_json_borrow's own conversion files every integer as
/// negative, so `as_u64` of a converted `12` was None).
pub fn view(v: &serde_json::Value) -> Json<'_> {
    use serde_json::Value;
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => Json::Number(match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => u.into(),
            (None, Some(i)) => i.into(),
            (None, None) => n.as_f64().unwrap_or(f64::NAN).into(),
        }),
        Value::String(s) => Json::Str(Cow::Borrowed(s)),
        Value::Array(items) => Json::Array(items.iter().map(view).collect()),
        Value::Object(map) => {
            Json::Object(map.iter().map(|(k, v)| (k.as_str(), view(v))).collect())
        }
    }
}

/// The value of `key` in an object; null when the key is missing or `v` is no object.
pub fn get<'a>(v: &'a Json<'a>, key: &str) -> &'a Json<'a> {
    static NULL: Json = Json::Null;
    v.as_object()
        .and_then(|o| o.iter().filter(|(k, _)| *k == key).last())
        .map_or(&NULL, |(_, v)| v)
}

/// A value written as JSON text, exactly as serde_json writes it (numbers as their digits,
/// object keys sorted), so both documents give the same text.
pub fn json_text(v: &Json) -> String {
    serde_json::Value::from(v).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_read_like_serde_json() {
        let text =
            r#"{"a": 1, "b": {"c": "x"}, "a": 2, "n": null, "f": 1.5, "o": {"z": 1, "y": [true]}}"#;
        let doc: Json = serde_json::from_str(text).unwrap();
        let owned: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(
            get(&doc, "a").as_u64(),
            Some(2),
            "a repeated key takes its last value"
        );
        assert_eq!(owned["a"], 2);
        assert_eq!(get(get(&doc, "b"), "c").as_str(), Some("x"));
        assert!(get(&doc, "n").is_null());
        assert!(get(&doc, "missing").is_null());
        assert!(get(get(&doc, "a"), "x").is_null(), "a number has no keys");
        assert_eq!(json_text(get(&doc, "f")), owned["f"].to_string());
        assert_eq!(json_text(get(&doc, "o")), r#"{"y":[true],"z":1}"#);
        assert_eq!(json_text(get(&doc, "o")), owned["o"].to_string());
    }

    #[test]
    fn a_view_of_an_owned_value_reads_as_parsed_text() {
        let text =
            r#"{"total": 12, "neg": -3, "f": 2.5, "s": "x", "l": [1, null], "o": {"k": true}}"#;
        let owned: serde_json::Value = serde_json::from_str(text).unwrap();
        let parsed: Json = serde_json::from_str(text).unwrap();
        let viewed = view(&owned);
        assert_eq!(get(&viewed, "total").as_u64(), Some(12));
        assert_eq!(get(&viewed, "neg").as_i64(), Some(-3));
        assert_eq!(get(&viewed, "neg").as_u64(), None);
        assert_eq!(get(&viewed, "f").as_f64(), Some(2.5));
        // Keys come in serde_json's sorted order; the values are the same.
        assert_eq!(json_text(&viewed), json_text(&parsed));
        assert_eq!(json_text(&viewed), owned.to_string());
    }
}
