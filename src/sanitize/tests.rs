use std::io::Write;

use proptest::prelude::*;

use super::*;

/// A terminal acts on ESC, C0 and C1 controls, DEL and bidi overrides.
fn acts_on_a_terminal(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

#[test]
fn plain_text_is_borrowed() {
    assert!(matches!(
        sanitize("hello\n\tworld é 日本"),
        Cow::Borrowed(_)
    ));
    assert!(matches!(one_line("openai/gpt-4o é 日本"), Cow::Borrowed(_)));
}

#[test]
fn escape_sequences_cannot_act() {
    let hostile = "a\x1b[2J\x1b]52;c;SGVsbG8=\x07\x1b]0;pwned\x07b\u{9b}31m";
    let clean = sanitize(hostile);
    assert!(!clean.contains('\x1b'));
    assert!(!clean.contains('\x07'));
    assert!(!clean.contains('\u{9b}'));
    assert_eq!(clean, "a␛[2J␛]52;c;SGVsbG8=␇␛]0;pwned␇b\u{FFFD}31m");
}

#[test]
fn carriage_returns_and_bidi_overrides() {
    assert_eq!(sanitize("line\r\nnext\r"), "line\nnext");
    assert_eq!(sanitize("abc\u{202E}def"), "abc\u{FFFD}def");
    assert_eq!(sanitize("del\x7f"), "del\u{2421}");
}

#[test]
fn one_line_values_cannot_start_a_row_or_hide_a_character() {
    assert_eq!(one_line("evil/id\nfake/row\r\tx"), "evil/id␊fake/row␍␉x");
    assert_eq!(one_line("openai/gpt\u{200b}-4o"), "openai/gpt<U+200B>-4o");
    assert_eq!(one_line("a\u{feff}b\u{2028}c"), "a<U+FEFF>b<U+2028>c");
    assert_eq!(one_line("x\u{202e}y\u{9b}z\x1b"), "x\u{FFFD}y\u{FFFD}z␛");
    assert_eq!(Outside("a\x1b]0;t\x07").to_string(), "a␛]0;t␇");
}

#[test]
fn guarded_output_holds_no_escape_even_split_mid_character() {
    let mut out = Guarded::new(Vec::new());
    let hostile = "ok \x1b[2J \u{9b}6n \u{202e}evil\r\n日本\n".as_bytes();
    for byte in hostile {
        out.write_all(std::slice::from_ref(byte)).expect("write");
    }
    out.write_all(b"\xff tail").expect("write");
    out.dim("reasoning\x1b[0m").expect("write");
    let written = String::from_utf8(out.get_ref().clone()).expect("utf-8");
    assert_eq!(
        written,
        "ok ␛[2J \u{FFFD}6n \u{FFFD}evil\n日本\n\u{FFFD} tail\x1b[2mreasoning␛[0m\x1b[0m"
    );
}

#[test]
fn json_escapes_what_a_terminal_would_act_on_or_hide() {
    let value = serde_json::json!({"id": "a\u{9b}b\u{202e}c\u{200b}d\x1be\u{7f}f\u{E0041}", "ok": "日本 é"});
    let text = json::to_string_pretty(&value).expect("json");
    assert_eq!(
        text,
        "{\n  \"id\": \"a\\u009bb\\u202ec\\u200bd\\u001be\\u007ff\\udb40\\udc41\",\n  \"ok\": \"日本 é\"\n}"
    );
    let back: serde_json::Value = serde_json::from_str(&text).expect("parses");
    assert_eq!(back, value);
}

proptest! {
    #[test]
    fn nothing_that_acts_on_a_terminal_survives(text in any::<String>()) {
        prop_assert!(!sanitize(&text).chars().any(acts_on_a_terminal));
        let line = one_line(&text);
        prop_assert!(!line.chars().any(|c| c.is_control() || is_bidi_control(c) || is_invisible(c)));
        let mut out = Guarded::new(Vec::new());
        out.write_all(text.as_bytes()).expect("write");
        let written = String::from_utf8(out.get_ref().clone()).expect("utf-8");
        prop_assert!(!written.chars().any(acts_on_a_terminal));
        let json = json::to_string_pretty(&text).expect("json");
        prop_assert!(json.is_ascii() || !json.chars().any(|c| c.is_control() || is_bidi_control(c) || is_invisible(c)));
        prop_assert_eq!(serde_json::from_str::<String>(&json).expect("parses"), text);
    }

    #[test]
    fn guarded_bytes_of_any_kind(bytes in proptest::collection::vec(any::<u8>(), 0..64), split in 0usize..64) {
        let mut out = Guarded::new(Vec::new());
        let (head, tail) = bytes.split_at(split.min(bytes.len()));
        out.write_all(head).expect("write");
        out.write_all(tail).expect("write");
        let written = String::from_utf8(out.get_ref().clone()).expect("utf-8");
        prop_assert!(!written.chars().any(acts_on_a_terminal));
    }
}
