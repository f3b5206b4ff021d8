//! Every real OpenRouter stream we have (raw SSE captures, and the OpenRouter
//! team's recordings with their inter-event delays) replayed over HTTP
//! through the decoder and the stream-event layer. The expected values are
//! computed here independently, from the captured JSON.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

mod support;

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

use prism::router::events::CostSource;
use prism::router::{
    ChatMessage, ChatParams, ErrorKind, ModelRef, ProviderKind, RunResult, Target,
};
use support::fake_upstream::{End, FakeUpstream, Piece, Reply, StreamReply};
use support::{fast_settings, router_for};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/upstream/openrouter")
}

/// What a capture says, read straight from its JSON.
#[derive(Debug, Default)]
struct Expected {
    model: Option<String>,
    provider: Option<String>,
    text: String,
    reasoning: String,
    usage: Option<Value>,
    error_message: Option<String>,
}

impl Expected {
    fn add(&mut self, chunk: &Value) {
        if self.model.is_none() {
            self.model = chunk["model"].as_str().map(str::to_string);
            self.provider = chunk["provider"].as_str().map(str::to_string);
        }
        if let Some(message) = chunk.pointer("/error/message").and_then(Value::as_str) {
            self.error_message.get_or_insert(message.to_string());
        }
        if let Some(choices) = chunk["choices"].as_array() {
            for choice in choices {
                let delta = &choice["delta"];
                self.text.push_str(delta["content"].as_str().unwrap_or(""));
                let plain = delta["reasoning"]
                    .as_str()
                    .or(delta["reasoning_content"].as_str());
                match plain {
                    Some(text) => self.reasoning.push_str(text),
                    None => {
                        for detail in delta["reasoning_details"].as_array().into_iter().flatten() {
                            let text = detail["text"].as_str().or(detail["summary"].as_str());
                            self.reasoning.push_str(text.unwrap_or(""));
                        }
                    }
                }
            }
        }
        if chunk["usage"].is_object() {
            self.usage = Some(chunk["usage"].clone());
        }
    }

    fn check(&self, result: &RunResult, name: &str) {
        assert_eq!(result.text, self.text, "{name}: text");
        assert_eq!(result.reasoning, self.reasoning, "{name}: reasoning");
        assert_eq!(result.served_model, self.model, "{name}: served model");
        assert_eq!(result.provider, self.provider, "{name}: provider");
        let usage = self.usage.as_ref().expect("every capture has usage");
        let got = result
            .usage
            .unwrap_or_else(|| panic!("{name}: usage missing"));
        assert_eq!(
            Some(got.prompt_tokens),
            usage["prompt_tokens"].as_u64(),
            "{name}: prompt tokens"
        );
        assert_eq!(
            Some(got.completion_tokens),
            usage["completion_tokens"].as_u64(),
            "{name}: completion tokens"
        );
        assert_eq!(
            got.cached_tokens,
            usage
                .pointer("/prompt_tokens_details/cached_tokens")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            "{name}: cached tokens"
        );
        assert_eq!(
            got.reasoning_tokens,
            usage
                .pointer("/completion_tokens_details/reasoning_tokens")
                .and_then(Value::as_u64)
                .unwrap_or(0),
            "{name}: reasoning tokens"
        );
        let cost = usage["cost"].as_f64().expect("OpenRouter reports cost");
        assert_eq!(
            result.cost_usd.map(|c| c.to_string()),
            Some(format!("{cost}")),
            "{name}: cost"
        );
        assert_eq!(result.cost_source, Some(CostSource::Reported));
        match &self.error_message {
            Some(message) => {
                let error = result
                    .error
                    .as_ref()
                    .unwrap_or_else(|| panic!("{name}: expected a failure"));
                assert!(
                    error.message.contains(message.as_str()),
                    "{name}: {}",
                    error.message
                );
            }
            None => assert_eq!(result.error, None, "{name}"),
        }
    }
}

async fn replay(fake: &FakeUpstream, model: &str, reply: StreamReply) -> RunResult {
    fake.script(model, vec![Reply::Stream(reply)]);
    let router = router_for(&fake.base_url(), ProviderKind::OpenRouter, fast_settings());
    let target = Target::single(model, ModelRef::new("openrouter", model));
    router
        .run(
            &target,
            &[ChatMessage::user("replay")],
            &ChatParams::default(),
            None,
            CancellationToken::new(),
        )
        .await
}

fn sse_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(fixtures().join("sse/pydantic-ai"))
        .expect("sse fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "sse"))
        .collect();
    files.sort();
    files
}

#[tokio::test]
async fn raw_sse_captures_replay_exactly() {
    let files = sse_files();
    assert_eq!(files.len(), 8, "all eight captures are here");
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let bytes = std::fs::read(&path).expect("read capture");
        let mut expected = Expected::default();
        for line in String::from_utf8_lossy(&bytes).lines() {
            if let Some(data) = line.strip_prefix("data: ")
                && data != "[DONE]"
            {
                expected.add(&serde_json::from_str(data).expect("capture JSON"));
            }
        }
        let model = expected.model.clone().expect("model");
        for split in [None, Some(61)] {
            let fake = FakeUpstream::start().await;
            let mut reply = StreamReply::new(vec![Piece::Raw(bytes.clone())]).end(End::NoDone);
            if let Some(n) = split {
                reply = reply.split(n);
            }
            let result = replay(&fake, &model, reply).await;
            expected.check(&result, &format!("{name} split {split:?}"));
        }
    }
}

#[tokio::test]
async fn notable_captures_say_what_they_should() {
    let by_name = |stem: &str| fixtures().join(format!("sse/pydantic-ai/{stem}.sse"));
    let fake = FakeUpstream::start().await;

    // The mid-stream error: partial text kept, error typed, usage kept.
    let bytes = std::fs::read(by_name("test_openrouter_stream_error")).expect("capture");
    let result = replay(
        &fake,
        "minimax/minimax-m2:free",
        StreamReply::new(vec![Piece::Raw(bytes)]).end(End::NoDone),
    )
    .await;
    let error = result.error.as_ref().expect("error");
    assert_eq!(error.kind, ErrorKind::BadRequest);
    assert_eq!(error.status, Some(400));
    assert!(error.message.contains("Token limit reached"));
    assert!(
        !result.reasoning.is_empty() || !result.text.is_empty(),
        "partial output kept"
    );

    // The fallback: asked for gemini, served by grok on xAI, with cached tokens.
    let bytes =
        std::fs::read(by_name("test_openrouter_stream_with_native_options")).expect("capture");
    let result = replay(
        &fake,
        "x-ai/grok-4",
        StreamReply::new(vec![Piece::Raw(bytes)]).end(End::NoDone),
    )
    .await;
    assert_eq!(result.served_model.as_deref(), Some("x-ai/grok-4"));
    assert_eq!(result.provider.as_deref(), Some("xAI"));
    assert_eq!(result.usage.map(|u| u.cached_tokens), Some(679));

    // Reasoning as delta.reasoning from Claude served by Google.
    let bytes = std::fs::read(by_name("test_openrouter_streaming_reasoning")).expect("capture");
    let result = replay(
        &fake,
        "anthropic/claude-sonnet-4.5",
        StreamReply::new(vec![Piece::Raw(bytes)]).end(End::NoDone),
    )
    .await;
    assert!(!result.reasoning.is_empty());
    assert_eq!(result.provider.as_deref(), Some("Google"));
}

/// Rebuilds the SSE body of a JSONL recording: comments as sent, parsed
/// events as `data:` lines, and `text` fragments (an event the recorder saw
/// arrive in several reads) written as the same split pieces.
///
/// The recorder kept at most ~1.4 KB of each read, so the three 23 KB web
/// search chunks (`annotations` with empty `content`) did not survive whole;
/// such groups cannot be replayed and are left out, after checking that they
/// carried no answer text.
fn recording_pieces(jsonl: &str, expected: &mut Expected) -> Vec<Piece> {
    let mut pieces = Vec::new();
    // Indices into `pieces` of the fragments of the event being assembled.
    let mut group: Vec<usize> = Vec::new();
    let mut joined = String::new();
    let flush = |pieces: &mut Vec<Piece>,
                 group: &mut Vec<usize>,
                 joined: &mut String,
                 expected: &mut Expected| {
        if group.is_empty() {
            return;
        }
        match serde_json::from_str::<Value>(joined) {
            Ok(value) => {
                expected.add(&value);
                if let (Some(&first), Some(&last)) = (group.first(), group.last()) {
                    if let Piece::Raw(bytes) = &mut pieces[first] {
                        bytes.splice(0..0, b"data: ".iter().copied());
                    }
                    if let Piece::Raw(bytes) = &mut pieces[last] {
                        bytes.extend_from_slice(b"\n\n");
                    }
                }
            }
            Err(_) => {
                assert!(
                    joined.contains(r#""content":"""#),
                    "a lost event carried no text: {}",
                    &joined[..80.min(joined.len())]
                );
                for &i in group.iter() {
                    pieces[i] = Piece::Pause(Duration::ZERO);
                }
            }
        }
        group.clear();
        joined.clear();
    };
    for line in jsonl.lines().filter(|l| !l.trim().is_empty()) {
        let entry: Value = serde_json::from_str(line).expect("recording line");
        if let Some(comment) = entry["comment"].as_str() {
            pieces.push(Piece::Raw(comment.as_bytes().to_vec()));
        } else if let Some(ms) = entry["delay_ms"].as_u64() {
            // A tenth of the real gaps keeps the test quick but the reads apart.
            pieces.push(Piece::Pause(Duration::from_millis(ms / 10)));
        } else if let Some(json) = entry.get("json") {
            flush(&mut pieces, &mut group, &mut joined, expected);
            expected.add(json);
            pieces.push(Piece::Data(json.to_string()));
        } else if let Some(text) = entry["text"].as_str() {
            if text.trim() == "[DONE]" {
                flush(&mut pieces, &mut group, &mut joined, expected);
                pieces.push(Piece::Data("[DONE]".into()));
                continue;
            }
            let fragment = text.trim_end_matches('\n');
            if fragment.starts_with("{\"") {
                flush(&mut pieces, &mut group, &mut joined, expected);
            }
            joined.push_str(fragment);
            group.push(pieces.len());
            pieces.push(Piece::Raw(fragment.as_bytes().to_vec()));
        }
    }
    flush(&mut pieces, &mut group, &mut joined, expected);
    pieces
}

#[tokio::test]
async fn openrouter_team_recordings_replay_with_their_timing() {
    let dir = fixtures().join("recordings/ai-sdk-provider");
    let mut streams = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("recordings") {
        let path = entry.expect("entry").path();
        let jsonl = path.join("response.jsonl");
        if jsonl.is_file() {
            streams.push(jsonl);
        }
    }
    streams.sort();
    assert_eq!(streams.len(), 12, "twelve streamed recordings");
    let mut tasks = Vec::new();
    for jsonl in streams {
        tasks.push(tokio::spawn(async move {
            let text = std::fs::read_to_string(&jsonl).expect("read recording");
            let mut expected = Expected::default();
            let pieces = recording_pieces(&text, &mut expected);
            let model = expected.model.clone().expect("model");
            let fake = FakeUpstream::start().await;
            let result = replay(&fake, &model, StreamReply::new(pieces).end(End::NoDone)).await;
            expected.check(&result, &jsonl.display().to_string());
        }));
    }
    for task in tasks {
        task.await.expect("replay task");
    }
}
