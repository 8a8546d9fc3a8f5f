//! Text from JIRA beside our own in plain text (a page title, a mail line, a chart title):
//! a bidi control or a right-to-left letter in a display name must not turn around the
//! id, weeks or numbers written after it. Pages use `<bdi>`; plain text uses these.

use std::borrow::Cow;

/// True for the Unicode bidi controls: marks, embeddings, overrides and isolates.
fn is_control(c: char) -> bool {
    matches!(
        c,
        '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// True for a letter of a right-to-left script (Hebrew, Arabic, Syriac, Thaana, N'Ko and
/// their presentation forms; the historic scripts of the supplementary planes).
fn is_right_to_left(c: char) -> bool {
    matches!(
        c,
        '\u{0590}'..='\u{08FF}'
            | '\u{FB1D}'..='\u{FDFF}'
            | '\u{FE70}'..='\u{FEFF}'
            | '\u{10800}'..='\u{10FFF}'
            | '\u{1E800}'..='\u{1EFFF}'
    )
}

/// `text` without its bidi controls; its letters are kept.
pub fn without_controls(text: &str) -> String {
    text.chars().filter(|&c| !is_control(c)).collect()
}

/// `text` as plain text may hold it before other text: as it is when nothing in it can
/// change the direction of what follows, else isolated (FSI … PDI), so that its direction
/// ends with it. Most names are left as they are, invisible characters in them being a
/// surprise to whoever searches the text.
pub fn isolated(text: &str) -> Cow<'_, str> {
    if text.chars().any(|c| is_control(c) || is_right_to_left(c)) {
        Cow::Owned(format!("\u{2068}{text}\u{2069}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_text_that_can_turn_what_follows_is_isolated() {
        assert_eq!(isolated("Ann Archer"), "Ann Archer");
        assert_eq!(isolated("Zoë Ångström 李"), "Zoë Ångström 李");
        assert_eq!(isolated("\u{202E}Ann"), "\u{2068}\u{202E}Ann\u{2069}");
        assert_eq!(isolated("דנה כהן"), "\u{2068}דנה כהן\u{2069}");
        assert_eq!(isolated("سارة"), "\u{2068}سارة\u{2069}");
        assert_eq!(without_controls("a\u{202E}b\u{2066}c\u{200F}"), "abc");
    }
}
