//! The fake upstream in a hostile mood: escape sequences in every string a
//! server supplies (ids, names, provider, model, finish reason, error
//! messages), numbers beyond belief (huge, negative, fractional, not
//! numbers at all), and 200 replies that are no chat completion.

use serde_json::{Value, json};

use super::fake_upstream::{FakeUpstream, Piece, Reply, StreamReply};

/// Everything a terminal would act on or hide: OSC title and clipboard
/// writes, clear screen, a cursor-position query (its reply would be typed
/// into the shell), CSI as a C1 byte, a bidi override, a zero-width space,
/// DEL, BEL, and CR LF to fake a new table row.
pub const HOSTILE: &str = "\u{1b}]0;pwned\u{7}\u{1b}]52;c;cHduZWQ=\u{7}\u{1b}[2J\u{1b}[6n\u{9b}31m\u{202e}evil\u{200b}\u{7f}\r\nfake-row";

/// A model id that looks like another: `openai/gpt` ZWSP `-4o`.
pub const LOOKALIKE_ID: &str = "openai/gpt\u{200b}-4o";

/// A chunk whose every server-supplied string is hostile.
pub fn hostile_chunk(delta: Value, finish_reason: Option<&str>) -> String {
    json!({
        "id": format!("gen-{HOSTILE}"),
        "provider": format!("Fake{HOSTILE}Provider"),
        "model": format!("served/{HOSTILE}"),
        "object": "chat.completion.chunk",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason}]
    })
    .to_string()
}

/// An answer with escapes in its provider, served model, content and
/// finish reason, and a sane usage chunk.
pub fn hostile_strings_reply() -> Reply {
    let finish = format!("stop{HOSTILE}");
    Reply::Stream(StreamReply::new(vec![
        Piece::Data(hostile_chunk(json!({"content": format!("answer {HOSTILE} end")}), None)),
        Piece::Data(hostile_chunk(json!({"content": ""}), Some(&finish))),
        Piece::Data(
            json!({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5, "cost": 0.00001}})
                .to_string(),
        ),
    ]))
}

/// An answer whose text arrives whole, then a usage chunk written exactly
/// as given (so it may hold `1e400`, a repeated key or a lone surrogate).
pub fn answer_with_raw_usage(model: &str, usage_json: &str) -> Reply {
    let content = json!({
        "model": model, "provider": "FakeProvider",
        "choices": [{"index": 0, "delta": {"content": "the answer survives"}, "finish_reason": "stop"}]
    });
    let usage = format!(r#"{{"model":"{model}","choices":[],"usage":{usage_json}}}"#);
    Reply::Stream(StreamReply::new(vec![
        Piece::Data(content.to_string()),
        Piece::Data(usage),
    ]))
}

/// A 200 with this body and content type.
pub fn ok_with(content_type: &str, body: &str) -> Reply {
    Reply::Status {
        status: 200,
        body: body.into(),
        headers: vec![("content-type".into(), content_type.into())],
    }
}

/// A hotel Wi-Fi login page, as a captive portal answers every request.
pub fn captive_portal(content_type: &str) -> Reply {
    ok_with(
        content_type,
        "<!DOCTYPE html>\n<html><head><title>Hotel Wi-Fi \u{1b}[2J Login</title>\
         <script>document.location='/login'</script></head>\
         <body><form action=\"/login\"><input name=\"room\"></form></body></html>",
    )
}

/// A catalog whose ids and names hold escapes and newlines, one id that
/// looks like another, and prices beyond belief (`1e28`, `1e11`, negative,
/// not a number).
pub fn hostile_catalog() -> String {
    json!({"data": [
        {"id": format!("evil/{HOSTILE}"), "name": format!("Evil {HOSTILE}"), "context_length": 8192,
         "pricing": {"prompt": "0.000001", "completion": "0.000002"}},
        {"id": LOOKALIKE_ID, "name": "Looks like GPT-4o", "context_length": 128000,
         "pricing": {"prompt": "0.0000025", "completion": "0.00001"}},
        {"id": "huge/price", "name": "Huge", "context_length": 8192,
         "pricing": {"prompt": "1e28", "completion": "1e28", "request": "1e28"}},
        {"id": "big/price", "name": "Big", "context_length": 8192,
         "pricing": {"prompt": "1e11", "completion": "1e11"}},
        {"id": "negative/price", "name": "Negative", "context_length": 8192,
         "pricing": {"prompt": "-7.5", "completion": "NaN"}},
        {"id": "fine/model", "name": "Fine", "context_length": 8192,
         "pricing": {"prompt": "0.000001", "completion": "0.000002"}}
    ]})
    .to_string()
}

impl FakeUpstream {
    /// The hostile mode: the catalog above, and every model answering with
    /// escapes in every string it supplies.
    pub fn hostile(&self) {
        self.catalog(hostile_catalog());
        self.any_model(|_| hostile_strings_reply());
    }
}
