//! Model output is untrusted: before any of it reaches a terminal, control
//! characters (ESC above all, which starts escape sequences that can clear
//! the screen, set the clipboard or retitle the window) become visible
//! symbols. Newlines and tabs stay; carriage returns go.

use std::borrow::Cow;

/// Returns the text unchanged (borrowed) when it holds nothing to neutralise.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_care) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\r' => {}
            c if needs_care(c) => out.push(visible(c)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn needs_care(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// Bidirectional overrides can make text display in a different order than
/// it reads ("Trojan Source"); they are shown, not obeyed.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// C0 controls map to their Unicode "control picture" (ESC → ␛); DEL to ␡;
/// C1 controls and bidi overrides to the replacement character.
fn visible(c: char) -> char {
    match c as u32 {
        code @ 0..=0x1F => char::from_u32(0x2400 + code).unwrap_or('\u{FFFD}'),
        0x7F => '\u{2421}',
        _ => '\u{FFFD}',
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(
            sanitize("hello\n\tworld é 日本"),
            Cow::Borrowed(_)
        ));
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
}
