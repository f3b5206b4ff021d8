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
    chars.div_ceil(4)
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
}
