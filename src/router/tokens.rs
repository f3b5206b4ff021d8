//! The one token estimate from text, for figures shown before (or without)
//! the server's own count: about four characters a token, rounded up. It
//! is an estimate, and everything that shows it says so with `~`.

use std::fmt;

use serde::{Deserialize, Serialize};

/// ≈ one token per 4 characters, rounded up.
pub fn estimate(text: &str) -> u64 {
    from_chars(text.chars().count() as u64)
}

/// The estimate for a text of `chars` characters.
pub fn from_chars(chars: u64) -> u64 {
    chars.div_ceil(CHARS_PER_TOKEN)
}

/// An estimate kept up to date as text streams in, at the cost of counting
/// each delta's characters once (never re-reading what came before).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Running {
    chars: u64,
}

impl Running {
    pub fn push(&mut self, delta: &str) {
        self.chars = self.chars.saturating_add(delta.chars().count() as u64);
    }

    pub fn tokens(&self) -> u64 {
        from_chars(self.chars)
    }

    pub fn is_empty(&self) -> bool {
        self.chars == 0
    }
}

/// A token count and whether it is the server's (exact) or estimated from
/// the text; shown as "240" or "~240".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub tokens: u64,
    pub exact: bool,
}

impl Count {
    pub fn exact(tokens: u64) -> Count {
        Count {
            tokens,
            exact: true,
        }
    }

    pub fn estimated(tokens: u64) -> Count {
        Count {
            tokens,
            exact: false,
        }
    }
}

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.exact {
            f.write_str("~")?;
        }
        write!(f, "{}", self.tokens)
    }
}

/// Characters per token, roughly, for English text and code.
pub const CHARS_PER_TOKEN: u64 = 4;

/// Tokens a chat request spends around each message (role, separators).
pub const FRAMING_TOKENS_PER_MESSAGE: u64 = 4;

/// Tokens in `chars` characters of text: ⌈chars / 4⌉.
pub fn text_tokens(chars: usize) -> u64 {
    u64::try_from(chars)
        .unwrap_or(u64::MAX)
        .div_ceil(CHARS_PER_TOKEN)
}

/// Tokens in a prompt, as routers' rules count them.
pub fn prompt_tokens(prompt: &str) -> u64 {
    text_tokens(prompt.chars().count())
}

/// Input tokens of a request whose `messages` hold `chars` characters in all.
pub fn request_tokens(chars: usize, messages: usize) -> u64 {
    let framing = u64::try_from(messages)
        .unwrap_or(u64::MAX)
        .saturating_mul(FRAMING_TOKENS_PER_MESSAGE);
    text_tokens(chars).saturating_add(framing)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn four_characters_a_token_rounded_up() {
        assert_eq!(estimate(""), 0);
        assert_eq!(estimate("abcd"), 1);
        assert_eq!(estimate("abcde"), 2);
        assert_eq!(estimate("ééééé"), 2);
    }

    #[test]
    fn a_running_estimate_does_not_depend_on_how_the_text_was_cut() {
        let text = "Streaming answers arrive in chunks of one to many tokens.";
        let mut one_by_one = Running::default();
        for c in text.chars() {
            one_by_one.push(c.encode_utf8(&mut [0; 4]));
        }
        let mut whole = Running::default();
        whole.push(text);
        assert_eq!(one_by_one.tokens(), estimate(text));
        assert_eq!(whole.tokens(), estimate(text));
    }

    #[test]
    fn estimates_say_so() {
        assert_eq!(Count::estimated(12).to_string(), "~12");
        assert_eq!(Count::exact(12).to_string(), "12");
    }

    #[test]
    fn a_request_counts_its_framing() {
        assert_eq!(text_tokens(0), 0);
        assert_eq!(text_tokens(1), 1);
        assert_eq!(text_tokens(8), 2);
        assert_eq!(prompt_tokens("héllo"), 2, "characters, not bytes");
        // 401 characters in one message: 101 + 4 framing.
        assert_eq!(request_tokens(401, 1), 105);
        assert_eq!(request_tokens(usize::MAX, usize::MAX), u64::MAX);
    }
}
