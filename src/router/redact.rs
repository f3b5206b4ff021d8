//! Keeps API keys out of what prism shows, stores and logs. Every key the
//! run knows (sent or held back) is replaced by `[redacted]` in server text:
//! error bodies, stream metadata, answers, catalogs, records. Error text
//! also loses any `Bearer …` token, whoever's it is. Answers stream in
//! deltas, so [`StreamRedactor`] holds back a tail that could be the start
//! of a key until the next delta says whether it is one.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::error::RouterError;

/// What a key becomes.
pub const REDACTED: &str = "[redacted]";

/// Keys shorter than this are not treated as secrets: replacing every
/// "abc" in an answer would mangle it and protect nothing.
const MIN_KEY_CHARS: usize = 8;

#[derive(Clone, Default)]
pub struct Redactor {
    keys: Arc<[String]>,
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Redactor({} keys)", self.keys.len())
    }
}

impl Redactor {
    pub fn new<'a>(keys: impl IntoIterator<Item = &'a str>) -> Redactor {
        let mut keys: Vec<String> = keys
            .into_iter()
            .map(str::trim)
            .filter(|key| key.chars().count() >= MIN_KEY_CHARS)
            .map(str::to_string)
            .collect();
        // Longest first, so a key that contains another is replaced whole.
        keys.sort_by_key(|key| std::cmp::Reverse(key.len()));
        keys.dedup();
        Redactor { keys: keys.into() }
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Server text for messages and logs: keys and `Bearer` tokens go.
    pub fn redact<'t>(&self, text: &'t str) -> Cow<'t, str> {
        match self.redact_keys(text) {
            Cow::Borrowed(text) => redact_bearer(text),
            Cow::Owned(owned) => Cow::Owned(redact_bearer(&owned).into_owned()),
        }
    }

    /// Answer text: only the keys go (an answer explaining `Bearer` auth is
    /// not a leak).
    pub fn redact_keys<'t>(&self, text: &'t str) -> Cow<'t, str> {
        let mut out = Cow::Borrowed(text);
        for key in self.keys.iter() {
            if out.contains(key.as_str()) {
                out = Cow::Owned(out.replace(key.as_str(), REDACTED));
            }
        }
        out
    }

    /// Replaces `text` in place when it holds something to redact.
    pub fn redact_in_place(&self, text: &mut String) {
        if let Cow::Owned(clean) = self.redact(text) {
            *text = clean;
        }
    }

    pub fn redact_option(&self, text: &mut Option<String>) {
        if let Some(text) = text {
            self.redact_in_place(text);
        }
    }

    pub fn error(&self, mut error: RouterError) -> RouterError {
        self.redact_in_place(&mut error.message);
        // A cause that quotes a key (a parse error citing the body) would
        // show it again wherever the chain is logged: it goes, the line stays.
        let mut cause: Option<&(dyn std::error::Error + 'static)> =
            error.source.as_ref().map(|c| c as _);
        while let Some(current) = cause {
            if matches!(self.redact(&current.to_string()), Cow::Owned(_)) {
                error.source = None;
                break;
            }
            cause = current.source();
        }
        error
    }

    /// Redacts raw bytes (a catalog body before it is cached): plain
    /// occurrences of each key.
    pub fn redact_bytes(&self, bytes: Vec<u8>) -> Vec<u8> {
        let mut bytes = bytes;
        for key in self.keys.iter() {
            let finder = memchr::memmem::Finder::new(key.as_bytes());
            if finder.find(&bytes).is_none() {
                continue;
            }
            let mut out = Vec::with_capacity(bytes.len());
            let mut rest = &bytes[..];
            while let Some(at) = finder.find(rest) {
                out.extend_from_slice(&rest[..at]);
                out.extend_from_slice(REDACTED.as_bytes());
                rest = &rest[at + key.len()..];
            }
            out.extend_from_slice(rest);
            bytes = out;
        }
        bytes
    }

    /// The longest tail of `text` that is the start of some key (and not a
    /// whole key), in bytes.
    fn key_prefix_tail(&self, text: &str) -> usize {
        let mut longest = 0;
        for key in self.keys.iter() {
            let max = (key.len() - 1).min(text.len());
            for len in (longest + 1..=max).rev() {
                let start = text.len() - len;
                if text.is_char_boundary(start)
                    && key.as_bytes().starts_with(&text.as_bytes()[start..])
                {
                    longest = len;
                    break;
                }
            }
        }
        longest
    }
}

/// Redacts keys from text that arrives in pieces: a key split across
/// deltas is still caught, because a tail that could be its start waits
/// for the next piece (or `flush`).
#[derive(Debug, Default)]
pub struct StreamRedactor {
    held: String,
}

impl StreamRedactor {
    /// The text that can be shown now.
    pub fn push(&mut self, redactor: &Redactor, delta: &str) -> String {
        if redactor.is_empty() {
            return delta.to_string();
        }
        self.held.push_str(delta);
        let clean = redactor.redact_keys(&self.held).into_owned();
        let keep = redactor.key_prefix_tail(&clean);
        let (ready, tail) = clean.split_at(clean.len() - keep);
        let ready = ready.to_string();
        self.held = tail.to_string();
        ready
    }

    /// What was held back, at the end of the text.
    pub fn flush(&mut self) -> String {
        std::mem::take(&mut self.held)
    }
}

/// `Bearer <token>` (any case) becomes `Bearer [redacted]`.
fn redact_bearer(text: &str) -> Cow<'_, str> {
    const WORD: &[u8] = b"bearer";
    let bytes = text.as_bytes();
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut at = 0;
    while at + WORD.len() < bytes.len() {
        let is_word = bytes[at..at + WORD.len()].eq_ignore_ascii_case(WORD)
            && (at == 0 || !bytes[at - 1].is_ascii_alphanumeric());
        if !is_word {
            at += 1;
            continue;
        }
        let mut start = at + WORD.len();
        while start < bytes.len() && matches!(bytes[start], b' ' | b'\t' | b'=' | b':') {
            start += 1;
        }
        let mut end = start;
        while end < bytes.len() && is_token_byte(bytes[end]) {
            end += 1;
        }
        if start == at + WORD.len() || end == start {
            at += WORD.len();
            continue;
        }
        let out = out.get_or_insert_with(|| String::with_capacity(text.len()));
        out.push_str(&text[copied..start]);
        out.push_str(REDACTED);
        copied = end;
        at = end;
    }
    match out {
        Some(mut out) => {
            out.push_str(&text[copied..]);
            Cow::Owned(out)
        }
        None => Cow::Borrowed(text),
    }
}

/// Characters of an RFC 6750 bearer token (b64token).
fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b'+' | b'/' | b'=')
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "sk-or-v1-0123456789abcdef";

    fn redactor() -> Redactor {
        Redactor::new([KEY, "short", "sk-other-key-42"])
    }

    #[test]
    fn keys_and_bearer_tokens_go_from_error_text() {
        let r = redactor();
        assert_eq!(
            r.redact(&format!(
                "got header 'Authorization: Bearer {KEY}' and key={KEY}"
            )),
            "got header 'Authorization: Bearer [redacted]' and key=[redacted]"
        );
        assert_eq!(
            r.redact("authorization: bearer abc.def-ghi, ok"),
            "authorization: bearer [redacted], ok"
        );
        assert!(matches!(r.redact("nothing secret here"), Cow::Borrowed(_)));
        // Too short to be a key: left alone.
        assert_eq!(r.redact("short story"), "short story");
    }

    #[test]
    fn answers_keep_their_bearer_examples() {
        let r = redactor();
        assert_eq!(
            r.redact_keys("use `Authorization: Bearer $TOKEN`"),
            "use `Authorization: Bearer $TOKEN`"
        );
        assert_eq!(
            r.redact_keys(&format!("{KEY}{KEY}")),
            "[redacted][redacted]"
        );
    }

    #[test]
    fn a_key_split_across_deltas_never_shows() {
        let r = redactor();
        let text = format!("The key is {KEY}, and sk-other-key-42. So s");
        for split in 1..text.len() {
            let mut stream = StreamRedactor::default();
            let mut shown = String::new();
            for piece in text.as_bytes().chunks(split) {
                let piece = std::str::from_utf8(piece).expect("ascii");
                let ready = stream.push(&r, piece);
                assert!(!shown.contains("sk-or-v1-0123"), "split {split}: {shown}");
                shown.push_str(&ready);
            }
            shown.push_str(&stream.flush());
            assert_eq!(
                shown, "The key is [redacted], and [redacted]. So s",
                "split {split}"
            );
        }
    }

    #[test]
    fn bytes_are_redacted_too() {
        let r = redactor();
        let body = format!(r#"{{"data":[{{"id":"{KEY}"}}]}}"#).into_bytes();
        assert_eq!(
            r.redact_bytes(body),
            br#"{"data":[{"id":"[redacted]"}]}"#.to_vec()
        );
    }

    #[test]
    fn debug_never_shows_a_key() {
        assert_eq!(format!("{:?}", redactor()), "Redactor(2 keys)");
    }
}
