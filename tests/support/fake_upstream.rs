//! A fake OpenAI-compatible upstream: a real HTTP/1.1 server on 127.0.0.1
//! that plays scripted replies (SSE streams with chosen framing, timing and
//! faults; HTTP errors; catalogs) and records every request it receives.
//! Tests, the example server and benchmarks share it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Attacks a server can make (in their own file, beside the scripted replies).
#[path = "hostile.rs"]
pub mod hostile;

/// How a reply ends.
#[derive(Clone, Debug, PartialEq)]
pub enum End {
    /// `data: [DONE]` then a clean end of the body.
    Done,
    /// The body ends cleanly without `[DONE]`.
    NoDone,
    /// The connection is cut mid-body (no final chunk).
    Drop,
    /// Nothing more is sent; the connection stays open this long.
    Stall(Duration),
}

/// One element of a stream, written as SSE.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Comment(String),
    /// A `data:` event with this payload.
    Data(String),
    /// Bytes written as they are (for broken framing, invalid UTF-8...).
    Raw(Vec<u8>),
    /// A pause before the next piece.
    Pause(Duration),
}

#[derive(Clone, Debug, PartialEq)]
pub struct StreamReply {
    /// Before the response headers.
    pub header_delay: Duration,
    pub pieces: Vec<Piece>,
    /// Pause between consecutive data pieces (the token rate).
    pub piece_delay: Duration,
    pub crlf: bool,
    /// Write the body in writes of at most this many bytes (None: one write per piece).
    pub split_bytes: Option<usize>,
    /// Pace data pieces at this many per second (writes due together go together).
    pub rate_per_s: Option<f64>,
    /// One write per piece, never several pieces in one (the worst case for readers).
    pub write_each: bool,
    pub end: End,
    /// A pause after `[DONE]` before the body's last chunk (servers that end
    /// the body a moment after the stream).
    pub end_delay: Duration,
    /// Extra response headers (e.g. OpenRouter's `X-Generation-Id`).
    pub headers: Vec<(String, String)>,
}

impl StreamReply {
    pub fn new(pieces: Vec<Piece>) -> StreamReply {
        StreamReply {
            header_delay: Duration::ZERO,
            pieces,
            piece_delay: Duration::ZERO,
            crlf: false,
            split_bytes: None,
            rate_per_s: None,
            write_each: false,
            end: End::Done,
            end_delay: Duration::ZERO,
            headers: Vec::new(),
        }
    }

    /// A typical answer: a role chunk, one chunk per token, a finish chunk and
    /// a usage chunk with OpenRouter's `cost`, in OpenRouter's shapes.
    pub fn tokens(model: &str, tokens: &[&str]) -> StreamReply {
        let mut pieces = vec![Piece::Comment("OPENROUTER PROCESSING".into())];
        pieces.push(Piece::Data(chunk(
            model,
            json!({"role": "assistant", "content": ""}),
            None,
        )));
        for token in tokens {
            pieces.push(Piece::Data(chunk(model, json!({"content": token}), None)));
        }
        pieces.push(Piece::Data(chunk(
            model,
            json!({"content": ""}),
            Some("stop"),
        )));
        pieces.push(Piece::Data(usage_chunk(
            model,
            12,
            tokens.len() as u64,
            Some(0.000042),
        )));
        StreamReply::new(pieces)
    }

    /// A long answer as the demo server and the load run stream it: the
    /// processing comment, one chunk per delta (`{"content": ...}` or
    /// `{"reasoning": ...}`), `last` as content with the stop reason, and a
    /// usage chunk counting one completion token per chunk.
    pub fn words(
        model: &str,
        deltas: impl IntoIterator<Item = Value>,
        last: &str,
        prompt_tokens: u64,
        cost: Option<f64>,
    ) -> StreamReply {
        let mut pieces = vec![Piece::Comment("OPENROUTER PROCESSING".into())];
        pieces.extend(
            deltas
                .into_iter()
                .map(|delta| Piece::Data(chunk(model, delta, None))),
        );
        pieces.push(Piece::Data(chunk(
            model,
            json!({"content": last}),
            Some("stop"),
        )));
        let completion = pieces.len() as u64 - 1;
        pieces.push(Piece::Data(usage_chunk(
            model,
            prompt_tokens,
            completion,
            cost,
        )));
        StreamReply::new(pieces)
    }

    pub fn header_delay(mut self, delay: Duration) -> Self {
        self.header_delay = delay;
        self
    }

    pub fn piece_delay(mut self, delay: Duration) -> Self {
        self.piece_delay = delay;
        self
    }

    pub fn crlf(mut self) -> Self {
        self.crlf = true;
        self
    }

    pub fn split(mut self, bytes: usize) -> Self {
        self.split_bytes = Some(bytes.max(1));
        self
    }

    pub fn write_each(mut self) -> Self {
        self.write_each = true;
        self
    }

    pub fn rate(mut self, per_s: f64) -> Self {
        self.rate_per_s = Some(per_s);
        self
    }

    pub fn end_delay(mut self, delay: Duration) -> Self {
        self.end_delay = delay;
        self
    }

    pub fn end(mut self, end: End) -> Self {
        self.end = end;
        self
    }

    /// Adds a response header, e.g. `("X-Generation-Id", "gen-abc")`.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Inserts a pause before the first data piece (time to first token).
    pub fn first_token_delay(mut self, delay: Duration) -> Self {
        let at = self
            .pieces
            .iter()
            .position(|p| matches!(p, Piece::Data(_)))
            .unwrap_or(0);
        self.pieces.insert(at, Piece::Pause(delay));
        self
    }

    /// Names `provider` as the upstream that serves (OpenRouter's `provider`
    /// field of each chunk), instead of "FakeProvider".
    pub fn served_by(mut self, provider: &str) -> Self {
        let quoted = serde_json::to_string(provider).unwrap_or_default();
        for piece in &mut self.pieces {
            if let Piece::Data(data) = piece {
                *data = data.replace("\"FakeProvider\"", &quoted);
            }
        }
        self
    }

    /// Uses `id` as the generation id of every chunk (instead of "gen-fake-1").
    pub fn generation_id(mut self, id: &str) -> Self {
        let quoted = serde_json::to_string(id).unwrap_or_default();
        for piece in &mut self.pieces {
            if let Piece::Data(data) = piece {
                *data = data.replace("\"gen-fake-1\"", &quoted);
            }
        }
        self
    }

    /// Replaces the usage chunk's cost by none (servers that report no cost).
    pub fn without_cost(mut self) -> Self {
        for piece in &mut self.pieces {
            if let Piece::Data(data) = piece
                && let Ok(mut value) = serde_json::from_str::<Value>(data)
                && let Some(usage) = value.get_mut("usage").and_then(Value::as_object_mut)
            {
                usage.remove("cost");
                *data = value.to_string();
            }
        }
        self
    }

    /// The reply as one non-streamed chat completion: the content deltas
    /// joined, the last finish reason and the usage chunk's usage.
    pub fn as_completion(&self) -> Value {
        let mut content = String::new();
        let mut finish = Value::Null;
        let mut usage = Value::Null;
        let mut model = Value::Null;
        for piece in &self.pieces {
            let Piece::Data(data) = piece else { continue };
            let Ok(chunk) = serde_json::from_str::<Value>(data) else {
                continue;
            };
            if let Some(text) = chunk["choices"][0]["delta"]["content"].as_str() {
                content.push_str(text);
            }
            if !chunk["choices"][0]["finish_reason"].is_null() {
                finish = chunk["choices"][0]["finish_reason"].clone();
            }
            if chunk.get("usage").is_some() {
                usage = chunk["usage"].clone();
            }
            model = chunk["model"].clone();
        }
        json!({
            "id": "gen-fake-1", "object": "chat.completion", "created": 1_762_000_000, "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish}],
            "usage": usage,
        })
    }

    /// The SSE bytes of the whole reply (without the end marker's effects).
    pub fn body_bytes(&self) -> Vec<u8> {
        let eol: &[u8] = if self.crlf { b"\r\n" } else { b"\n" };
        let mut out = Vec::new();
        for piece in &self.pieces {
            write_piece(&mut out, piece, eol);
        }
        if self.end == End::Done {
            write_piece(&mut out, &Piece::Data("[DONE]".into()), eol);
        }
        out
    }
}

fn write_piece(out: &mut Vec<u8>, piece: &Piece, eol: &[u8]) {
    match piece {
        Piece::Comment(text) => {
            out.extend_from_slice(b": ");
            out.extend_from_slice(text.as_bytes());
            out.extend_from_slice(eol);
            out.extend_from_slice(eol);
        }
        Piece::Data(data) => {
            for line in data.split('\n') {
                out.extend_from_slice(b"data: ");
                out.extend_from_slice(line.as_bytes());
                out.extend_from_slice(eol);
            }
            out.extend_from_slice(eol);
        }
        Piece::Raw(bytes) => out.extend_from_slice(bytes),
        Piece::Pause(_) => {}
    }
}

/// An OpenRouter-shaped content chunk.
pub fn chunk(model: &str, delta: Value, finish_reason: Option<&str>) -> String {
    json!({
        "id": "gen-fake-1",
        "provider": "FakeProvider",
        "model": model,
        "object": "chat.completion.chunk",
        "created": 1_762_000_000,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish_reason, "native_finish_reason": finish_reason}]
    })
    .to_string()
}

/// A usage chunk with `choices: []` (OpenAI's and Bedrock's shape).
pub fn usage_chunk(model: &str, prompt: u64, completion: u64, cost: Option<f64>) -> String {
    let mut usage = json!({
        "prompt_tokens": prompt,
        "completion_tokens": completion,
        "total_tokens": prompt + completion,
    });
    if let Some(cost) = cost {
        usage["cost"] = json!(cost);
    }
    json!({
        "id": "gen-fake-1",
        "provider": "FakeProvider",
        "model": model,
        "object": "chat.completion.chunk",
        "choices": [],
        "usage": usage,
    })
    .to_string()
}

#[derive(Clone, Debug, PartialEq)]
pub enum Reply {
    Stream(StreamReply),
    /// An HTTP error (or any non-streaming answer) with a body and headers.
    Status {
        status: u16,
        body: String,
        headers: Vec<(String, String)>,
    },
    /// Accept the connection, then close it without answering.
    Hangup,
    /// An attack from `hostile.rs`: echoes, endless and trickling bodies
    /// (`Hostile::X.into()`).
    Hostile(hostile::HostileReply),
}

impl Reply {
    pub fn status(status: u16, body: impl Into<String>) -> Reply {
        Reply::Status {
            status,
            body: body.into(),
            headers: vec![("content-type".into(), "application/json".into())],
        }
    }

    pub fn error(status: u16, message: &str) -> Reply {
        Reply::status(
            status,
            json!({"error": {"code": status, "message": message}}).to_string(),
        )
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Reply {
        if let Reply::Status { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }
}

#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    /// When the request was read (for tests of backoff).
    pub received_at: std::time::Instant,
}

impl RecordedRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }
}

/// Builds a reply from a model id.
type ReplyMaker = Arc<dyn Fn(&str) -> Reply + Send + Sync>;
/// Builds a reply from a model id and the request body, or passes (None).
type RequestReplyMaker = Arc<dyn Fn(&str, &Value) -> Option<Reply> + Send + Sync>;
/// Builds a reply from a model id and the one upstream the request pins.
type PinnedReplyMaker = Arc<dyn Fn(&str, &str) -> Reply + Send + Sync>;

#[derive(Default)]
struct State {
    /// Replies per model id, played in order; the last one repeats.
    scripts: HashMap<String, Vec<Reply>>,
    served: HashMap<String, usize>,
    /// The body of `GET /models`.
    catalog: Option<String>,
    requests: Vec<RecordedRequest>,
    /// Answer like OpenRouter: try `models` in order when the first fails.
    server_side_fallback: bool,
    /// Builds the reply for a model no script names.
    any_model: Option<ReplyMaker>,
    /// Reads the request first, for a model no script names (a judge
    /// that answers by what it is asked).
    by_request: Option<RequestReplyMaker>,
    /// Builds the reply for a request pinned to one upstream
    /// (`provider.only = [slug]`), before scripts and `any_model`.
    pinned: Option<PinnedReplyMaker>,
    /// `GET /models/{author}/{slug}/endpoints` bodies by model id.
    endpoints: HashMap<String, String>,
    /// When each streamed reply finished writing, by model.
    stream_ends: Vec<(String, std::time::Instant)>,
    /// `GET /generation?id=`: records by id, each with how many requests
    /// answer 404 first (the record is "not ready yet") and how many came.
    generations: HashMap<String, ScriptedGeneration>,
    /// `GET /key`: the `data` object; 404 when unset.
    key: Option<Value>,
    /// `GET /models` played by `hostile.rs` (wins over `catalog`).
    hostile_models: Option<hostile::Hostile>,
}

#[derive(Clone, Debug)]
struct ScriptedGeneration {
    data: Value,
    not_ready_for: usize,
    asked: usize,
}

/// The running server. Dropping it stops accepting connections.
pub struct FakeUpstream {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeUpstream {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeUpstream {
    pub async fn start() -> FakeUpstream {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1");
        Self::serve(listener)
    }

    /// Serves on a given listener (e.g. a fixed port for the example server).
    pub fn serve(listener: TcpListener) -> FakeUpstream {
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = handle(socket, state).await;
                });
            }
        });
        FakeUpstream { addr, state, task }
    }

    /// The base URL, as OpenAI SDKs expect it (`…/v1`).
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Replies for `model`, played in order, the last repeating.
    pub fn script(&self, model: &str, replies: Vec<Reply>) {
        let mut state = self.state.lock().expect("state");
        state.scripts.insert(model.to_string(), replies);
        state.served.remove(model);
    }

    /// Replies for every model without a script, built from its id.
    pub fn any_model(&self, reply: impl Fn(&str) -> Reply + Send + Sync + 'static) {
        self.state.lock().expect("state").any_model = Some(Arc::new(reply));
    }

    /// Replies built from the model and the request body, for models no
    /// script names; `None` falls through to [`FakeUpstream::any_model`].
    pub fn by_request(
        &self,
        reply: impl Fn(&str, &Value) -> Option<Reply> + Send + Sync + 'static,
    ) {
        self.state.lock().expect("state").by_request = Some(Arc::new(reply));
    }

    /// Replies for requests pinned to one upstream (`provider.only = [slug]`),
    /// built from the model id and the slug.
    pub fn any_pinned(&self, reply: impl Fn(&str, &str) -> Reply + Send + Sync + 'static) {
        self.state.lock().expect("state").pinned = Some(Arc::new(reply));
    }

    /// The body of `GET /models/{model}/endpoints` (model as "author/slug").
    pub fn endpoints(&self, model: &str, body: impl Into<String>) {
        self.state
            .lock()
            .expect("state")
            .endpoints
            .insert(model.to_string(), body.into());
    }

    pub fn catalog(&self, body: impl Into<String>) {
        self.state.lock().expect("state").catalog = Some(body.into());
    }

    /// `GET /models` answered by a hostile reply (a huge catalog, say).
    pub fn hostile_catalog(&self, reply: hostile::Hostile) {
        self.state.lock().expect("state").hostile_models = Some(reply);
    }

    pub fn server_side_fallback(&self, on: bool) {
        self.state.lock().expect("state").server_side_fallback = on;
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.state.lock().expect("state").requests.clone()
    }

    /// (model, when its stream's last byte was written), in order.
    pub fn stream_ends(&self) -> Vec<(String, std::time::Instant)> {
        self.state.lock().expect("state").stream_ends.clone()
    }

    /// The record `GET /generation?id={id}` returns (the `data` object),
    /// after answering 404 to the first `not_ready_for` requests. Ids without
    /// a script get a generic record (latency 100 ms, cost $0.000042), as a
    /// real server would after a moment, so runs never wait on it.
    pub fn generation(&self, id: &str, data: Value, not_ready_for: usize) {
        self.state.lock().expect("state").generations.insert(
            id.to_string(),
            ScriptedGeneration {
                data,
                not_ready_for,
                asked: 0,
            },
        );
    }

    /// The `data` object of `GET /key`.
    pub fn key_info(&self, data: Value) {
        self.state.lock().expect("state").key = Some(data);
    }

    /// Requests to a path (without the `/v1` or `/api/v1` prefix or the query).
    pub fn requests_to(&self, api_path: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| {
                let path = r.path.split('?').next().unwrap_or_default();
                path.strip_prefix("/api")
                    .unwrap_or(path)
                    .strip_prefix("/v1")
                    == Some(api_path)
            })
            .collect()
    }

    pub fn chat_requests(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path.ends_with("/chat/completions"))
            .collect()
    }

    /// The JSON bodies of the chat requests, in the order they came.
    pub fn chat_bodies(&self) -> Vec<Value> {
        self.chat_requests()
            .iter()
            .map(RecordedRequest::json)
            .collect()
    }
}

async fn handle(mut socket: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    socket.set_nodelay(true)?;
    loop {
        let Some(request) = read_request(&mut socket).await? else {
            return Ok(());
        };
        state.lock().expect("state").requests.push(request.clone());
        let keep_alive = respond(&mut socket, &request, &state).await?;
        if !keep_alive {
            return Ok(());
        }
    }
}

async fn read_request(socket: &mut TcpStream) -> std::io::Result<Option<RecordedRequest>> {
    let mut buf = Vec::new();
    let mut tmp = [0u8; 8192];
    let head_end = loop {
        if let Some(pos) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos;
        }
        let n = socket.read(&mut tmp).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&tmp[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
    let mut lines = head.split("\r\n");
    let request_line = lines.next().unwrap_or_default();
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let path = parts.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut tmp).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&tmp[..n]);
    }
    Ok(Some(RecordedRequest {
        method,
        path,
        headers,
        body: String::from_utf8_lossy(&body).to_string(),
        received_at: std::time::Instant::now(),
    }))
}

/// Picks the reply for a request; returns whether the connection stays open.
async fn respond(
    socket: &mut TcpStream,
    request: &RecordedRequest,
    state: &Arc<Mutex<State>>,
) -> std::io::Result<bool> {
    // Like real servers, only the versioned API paths exist.
    let api_path = request
        .path
        .strip_prefix("/api")
        .unwrap_or(&request.path)
        .strip_prefix("/v1")
        .unwrap_or("");
    let (api_path, query) = api_path.split_once('?').unwrap_or((api_path, ""));
    if request.method == "GET" && api_path == "/generation" {
        let id = query
            .split('&')
            .find_map(|pair| pair.strip_prefix("id="))
            .unwrap_or_default()
            .to_string();
        return write_reply(socket, generation_reply(&id, state)).await;
    }
    if request.method == "GET" && api_path == "/key" {
        let key = state.lock().expect("state").key.clone();
        let reply = match key {
            Some(data) => Reply::status(200, json!({ "data": data }).to_string()),
            None => Reply::error(404, "no key info here"),
        };
        return write_reply(socket, reply).await;
    }
    if request.method == "GET"
        && let Some(model) = api_path
            .strip_prefix("/models/")
            .and_then(|rest| rest.strip_suffix("/endpoints"))
    {
        let body = state.lock().expect("state").endpoints.get(model).cloned();
        let reply = match body {
            Some(body) => Reply::status(200, body),
            None => Reply::error(404, "Model not found"),
        };
        return write_reply(socket, reply).await;
    }
    if request.method == "HEAD" {
        // As real servers do: the head of what GET would answer, no body.
        let status = if api_path == "/models" { 200 } else { 404 };
        let head = format!(
            "HTTP/1.1 {status} {}\r\ncontent-type: application/json\r\ncontent-length: 0\r\n\r\n",
            reason(status)
        );
        socket.write_all(head.as_bytes()).await?;
        socket.flush().await?;
        return Ok(true);
    }
    if request.method == "GET" && api_path == "/models" {
        let (catalog, hostile) = {
            let state = state.lock().expect("state");
            (state.catalog.clone(), state.hostile_models.clone())
        };
        let reply = match (hostile, catalog) {
            (Some(hostile), _) => match Reply::from(hostile) {
                Reply::Hostile(reply) => Reply::Hostile(reply.answering(request)),
                other => other,
            },
            (None, Some(body)) => Reply::status(200, body),
            (None, None) => Reply::error(404, "no catalog here"),
        };
        return write_reply(socket, reply).await;
    }
    if api_path != "/chat/completions" {
        return write_reply(socket, Reply::status(404, "404 page not found")).await;
    }
    let body = request.json();
    let mut candidates: Vec<String> = Vec::new();
    if let Some(model) = body.get("model").and_then(Value::as_str) {
        candidates.push(model.to_string());
    }
    let fallback = state.lock().expect("state").server_side_fallback;
    if fallback && let Some(models) = body.get("models").and_then(Value::as_array) {
        candidates.extend(models.iter().filter_map(Value::as_str).map(str::to_string));
    }
    let mut reply = Reply::error(404, "No endpoints found for the requested model");
    let pinned_slug = match body["provider"]["only"].as_array().map(Vec::as_slice) {
        Some([Value::String(slug)]) => Some(slug.clone()),
        _ => None,
    };
    let pinned = state.lock().expect("state").pinned.clone();
    let pinned_reply = match (pinned, &pinned_slug, candidates.first()) {
        (Some(make), Some(slug), Some(model)) => Some(make(model, slug)),
        _ => None,
    };
    for (i, model) in candidates.iter().enumerate() {
        if pinned_reply.is_some() {
            break;
        }
        let next = {
            let mut state = state.lock().expect("state");
            let served = state.served.get(model).copied().unwrap_or(0);
            let replies = state
                .scripts
                .get(model)
                .cloned()
                .or_else(|| {
                    let make = state.by_request.as_ref()?;
                    make(model, &body).map(|reply| vec![reply])
                })
                .or_else(|| state.any_model.as_ref().map(|make| vec![make(model)]));
            replies.map(|replies| {
                state.served.insert(model.clone(), served + 1);
                replies[served.min(replies.len().saturating_sub(1))].clone()
            })
        };
        let Some(next) = next else {
            continue;
        };
        let is_error = matches!(&next, Reply::Status { status, .. } if *status >= 400);
        reply = next;
        if !(fallback && is_error && i + 1 < candidates.len()) {
            break;
        }
    }
    if let Some(pinned) = pinned_reply {
        reply = pinned;
    }
    if let Reply::Hostile(hostile) = reply {
        reply = Reply::Hostile(hostile.answering(request));
    }
    // A client that did not ask for a stream gets the whole answer as one
    // JSON completion, as OpenAI-compatible servers do.
    reply = match reply {
        Reply::Stream(stream) if body.get("stream") != Some(&Value::Bool(true)) => {
            Reply::status(200, stream.as_completion().to_string())
        }
        other => other,
    };
    let streamed = matches!(reply, Reply::Stream(_));
    let served_model = body
        .get("model")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let keep_alive = write_reply(socket, reply).await;
    if streamed {
        state
            .lock()
            .expect("state")
            .stream_ends
            .push((served_model, std::time::Instant::now()));
    }
    keep_alive
}

fn generation_reply(id: &str, state: &Arc<Mutex<State>>) -> Reply {
    let mut state = state.lock().expect("state");
    let Some(scripted) = state.generations.get_mut(id) else {
        let data = json!({
            "id": id, "total_cost": 0.000042, "latency": 100, "generation_time": 200,
            "provider_name": "FakeProvider", "model": "fake/model",
            "native_tokens_prompt": 12, "native_tokens_completion": 2, "native_tokens_reasoning": 0
        });
        return Reply::status(200, json!({ "data": data }).to_string());
    };
    scripted.asked += 1;
    if scripted.asked <= scripted.not_ready_for {
        return Reply::error(404, "Generation not found");
    }
    Reply::status(200, json!({ "data": scripted.data }).to_string())
}

async fn write_reply(socket: &mut TcpStream, reply: Reply) -> std::io::Result<bool> {
    match reply {
        Reply::Hangup => Ok(false),
        Reply::Status {
            status,
            body,
            headers,
        } => {
            let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
            for (name, value) in &headers {
                head.push_str(&format!("{name}: {value}\r\n"));
            }
            head.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
            socket.write_all(head.as_bytes()).await?;
            socket.write_all(body.as_bytes()).await?;
            socket.flush().await?;
            Ok(true)
        }
        Reply::Stream(stream) => write_stream(socket, stream).await,
        Reply::Hostile(hostile) => hostile::write(socket, hostile).await,
    }
}

/// Writes a stream as a server would: what is ready goes out in one write;
/// pauses, the pacing rate and `split_bytes` decide where writes break.
async fn write_stream(socket: &mut TcpStream, stream: StreamReply) -> std::io::Result<bool> {
    tokio::time::sleep(stream.header_delay).await;
    let mut head = String::from(
        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n",
    );
    for (name, value) in &stream.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    socket.write_all(head.as_bytes()).await?;
    socket.flush().await?;
    let eol: &[u8] = if stream.crlf { b"\r\n" } else { b"\n" };
    let split = stream.split_bytes;
    let mut pending: Vec<u8> = Vec::new();
    let mut first_data = true;
    let mut paced_start: Option<tokio::time::Instant> = None;
    let mut data_index = 0u64;
    for piece in &stream.pieces {
        if let Piece::Pause(pause) = piece {
            write_chunks(socket, &mut pending, split).await?;
            tokio::time::sleep(*pause).await;
            continue;
        }
        if matches!(piece, Piece::Data(_)) {
            if !first_data && !stream.piece_delay.is_zero() {
                write_chunks(socket, &mut pending, split).await?;
                tokio::time::sleep(stream.piece_delay).await;
            }
            if let Some(rate) = stream.rate_per_s {
                let start = *paced_start.get_or_insert_with(tokio::time::Instant::now);
                let due = start + Duration::from_secs_f64(data_index as f64 / rate);
                if due > tokio::time::Instant::now() {
                    write_chunks(socket, &mut pending, split).await?;
                    tokio::time::sleep_until(due).await;
                }
                data_index += 1;
            }
            first_data = false;
        }
        write_piece(&mut pending, piece, eol);
        if split.is_some() || stream.write_each {
            write_chunks(socket, &mut pending, split).await?;
        }
    }
    if stream.end == End::Done {
        write_piece(&mut pending, &Piece::Data("[DONE]".into()), eol);
    }
    write_chunks(socket, &mut pending, split).await?;
    match stream.end {
        End::Done | End::NoDone => {
            tokio::time::sleep(stream.end_delay).await;
            socket.write_all(b"0\r\n\r\n").await?;
            socket.flush().await?;
            Ok(true)
        }
        End::Drop => {
            socket.flush().await?;
            Ok(false)
        }
        End::Stall(duration) => {
            tokio::time::sleep(duration).await;
            Ok(false)
        }
    }
}

/// Sends `pending` as HTTP chunks (one write each), split into pieces of
/// `split` bytes with a short pause between them so the client reads them
/// apart; empties `pending`.
async fn write_chunks(
    socket: &mut TcpStream,
    pending: &mut Vec<u8>,
    split: Option<usize>,
) -> std::io::Result<()> {
    if pending.is_empty() {
        return Ok(());
    }
    let size = split.unwrap_or(pending.len());
    for part in pending.chunks(size) {
        let mut frame = format!("{:x}\r\n", part.len()).into_bytes();
        frame.extend_from_slice(part);
        frame.extend_from_slice(b"\r\n");
        socket.write_all(&frame).await?;
        socket.flush().await?;
        if split.is_some() {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    pending.clear();
    Ok(())
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// A judge that always prefers the answer shown first, and scores every
/// answer `score` (the judge the issue-12 bias report must flag). `None`
/// for a request that is not a judge's.
pub fn first_position_judge(model: &str, body: &Value, score: u32) -> Option<Reply> {
    let system = body.pointer("/messages/0/content")?.as_str()?;
    let verdict = if system.contains("comparing two answers") {
        json!({"winner": "A", "reason": "The first answer is better."})
    } else if system.contains("impartial judge") {
        json!({"score": score, "reason": "Looks fine."})
    } else {
        return None;
    };
    // Prose around the JSON, as chatty judges write.
    let text = format!("Here is my verdict:\n```json\n{verdict}\n```");
    Some(Reply::Stream(StreamReply::tokens(model, &[text.as_str()])))
}

/// A judge that groups answers (the agreement judge's request) by their
/// first word, case ignored: "Your refund is on its way." and "Your money
/// comes back." say the same thing to it, whatever text similarity says.
/// `None` for a request that is not a grouping.
pub fn first_word_grouping_judge(model: &str, body: &Value) -> Option<Reply> {
    let system = body.pointer("/messages/0/content")?.as_str()?;
    if !system.contains("grouping answers") {
        return None;
    }
    let user = body.pointer("/messages/1/content")?.as_str()?;
    let mut groups: Vec<(String, Vec<usize>)> = Vec::new();
    for number in 1.. {
        let Some(start) = user.find(&format!("[Answer {number}]\n")) else {
            break;
        };
        let text = user[start..].split_once('\n').map_or("", |(_, rest)| rest);
        let first: String = text
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_lowercase();
        match groups.iter_mut().find(|(word, _)| *word == first) {
            Some((_, members)) => members.push(number),
            None => groups.push((first, vec![number])),
        }
    }
    let groups: Vec<Vec<usize>> = groups.into_iter().map(|(_, m)| m).collect();
    let verdict = json!({"groups": groups, "reason": "Grouped by what each answer starts with."});
    let text = format!("Sure. My grouping:\n{verdict}\nDone.");
    Some(Reply::Stream(StreamReply::tokens(model, &[text.as_str()])))
}
