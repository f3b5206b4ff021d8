//! The one token estimate prism makes before a server has counted: about
//! four characters a token, rounded up, and for a whole request a few
//! tokens of framing per message. Routers' rules estimate the prompt alone;
//! the workbench's input-cost estimate the request it would send.

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
        assert_eq!(text_tokens(0), 0);
        assert_eq!(text_tokens(1), 1);
        assert_eq!(text_tokens(8), 2);
        assert_eq!(prompt_tokens("héllo"), 2, "characters, not bytes");
        // 401 characters in one message: 101 + 4 framing.
        assert_eq!(request_tokens(401, 1), 105);
        assert_eq!(request_tokens(usize::MAX, usize::MAX), u64::MAX);
    }
}
