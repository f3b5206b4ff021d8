//! Everything from outside (model output, ids, names, error messages, session
//! files) is untrusted: before any of it reaches a terminal, control
//! characters (ESC above all, which starts escape sequences that can clear
//! the screen, set the clipboard or retitle the window) become visible
//! symbols. This is the one sanitiser, in three shapes:
//!
//! - [`sanitize`] for text of many lines (answers): newlines and tabs stay,
//!   carriage returns go;
//! - [`Outside`] / [`one_line`] for a value that must stay on one line (an
//!   id, a name, a provider, an error message): newlines become symbols too,
//!   so no id can start a table row, and invisible characters are made
//!   visible, so `openai/gpt\u{200b}-4o` cannot pass for `openai/gpt-4o`;
//! - [`Guarded`], the writer every headless command's stdout and stderr go
//!   through (the linter allows no other way to them), and [`json`], the
//!   formatter every JSON output is written with.

pub mod json;

mod guard;

use std::borrow::Cow;
use std::fmt;

pub use guard::Guarded;

/// Text of many lines, safe for a terminal. Returns it unchanged (borrowed)
/// when it holds nothing to neutralise.
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

/// A value that must stay on one line, safe for a terminal: as
/// [`sanitize`], and newlines, tabs and carriage returns become their
/// symbols (␊ ␉ ␍), invisible characters `<U+200B>`.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| c.is_control() || is_bidi_control(c) || is_invisible(c))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_invisible(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else if c.is_control() || is_bidi_control(c) {
            out.push(visible(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text that came from outside, for one line: it displays through
/// [`one_line`], so `format!("{}", Outside(&id))` is always safe to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outside<'a>(pub &'a str);

impl fmt::Display for Outside<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&one_line(self.0))
    }
}

fn needs_care(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// Bidirectional overrides can make text display in a different order than
/// it reads ("Trojan Source"); they are shown, not obeyed.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that take no room on screen (zero-width spaces and joiners,
/// word joiners, the BOM, soft hyphens, tags, variation selectors) or end a
/// line (U+2028, U+2029): in an id they would make two ids look alike.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{034F}'
            | '\u{061C}'
            | '\u{115F}'
            | '\u{1160}'
            | '\u{17B4}'
            | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{2060}'..='\u{2065}'
            | '\u{206A}'..='\u{206F}'
            | '\u{3164}'
            | '\u{FE00}'..='\u{FE0F}'
            | '\u{FEFF}'
            | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFF8}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}'
    )
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
mod tests;
