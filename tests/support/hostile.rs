//! What a hostile server does, as replies of the fake upstream: echo the
//! request's `Authorization` header back (in an error body or inside an
//! answer), answer without end, list a huge catalog, trickle a body a byte
//! at a time, or send keep-alive comments forever. Endless replies stop when
//! the client hangs up.

use std::time::Duration;

use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use super::{RecordedRequest, chunk, usage_chunk};

#[derive(Clone, Debug, PartialEq)]
pub enum Hostile {
    /// An error with this status whose JSON message quotes the request's
    /// `Authorization` header.
    EchoAuthError { status: u16 },
    /// A 200 stream whose answer, reasoning, model and provider names all
    /// carry the bare key (taken from the `Authorization` header), the answer
    /// split into `piece_bytes` deltas.
    EchoAuthStream { piece_bytes: usize },
    /// An answer that never ends: content deltas of `delta_bytes`, as fast
    /// as the client reads.
    EndlessAnswer { delta_bytes: usize },
    /// A `/models` body of about `bytes` bytes, streamed as it is generated.
    HugeCatalog { bytes: usize },
    /// A valid answer whose bytes come one at a time, `every` apart, without end.
    Trickle { every: Duration },
    /// SSE keep-alive comments, `every` apart, and never an answer.
    KeepAliveForever { every: Duration },
}

/// A hostile reply with the request header it echoes, filled in when the
/// request arrives.
#[derive(Clone, Debug, PartialEq)]
pub struct HostileReply {
    pub hostile: Hostile,
    pub authorization: String,
}

impl HostileReply {
    /// This reply as it answers `request`.
    pub fn answering(mut self, request: &RecordedRequest) -> HostileReply {
        self.authorization = request.header("authorization").unwrap_or("").to_string();
        self
    }
}

impl From<Hostile> for super::Reply {
    fn from(hostile: Hostile) -> super::Reply {
        super::Reply::Hostile(HostileReply {
            hostile,
            authorization: String::new(),
        })
    }
}

/// Writes the reply; returns whether the connection stays open.
pub async fn write(socket: &mut TcpStream, reply: HostileReply) -> std::io::Result<bool> {
    let HostileReply {
        hostile,
        authorization,
    } = reply;
    let key = authorization
        .strip_prefix("Bearer ")
        .unwrap_or(&authorization)
        .to_string();
    match hostile {
        Hostile::EchoAuthError { status } => {
            let body = json!({"error": {
                "code": status,
                "message": format!("rejected Authorization: {authorization} (debug echo)"),
                "metadata": {"raw": format!("key={key}")},
            }})
            .to_string();
            let head = format!(
                "HTTP/1.1 {status} Hostile\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            );
            socket.write_all(head.as_bytes()).await?;
            socket.write_all(body.as_bytes()).await?;
            Ok(true)
        }
        Hostile::EchoAuthStream { piece_bytes } => {
            start_stream(socket).await?;
            let model = format!("echo/{key}");
            let mut events = vec![chunk(
                &model,
                json!({"role": "assistant", "reasoning": format!("thinking about {key}")}),
                None,
            )];
            let answer = format!("Your key is {key}. Keep it safe.");
            let bytes = answer.as_bytes();
            for piece in bytes.chunks(piece_bytes.max(1)) {
                let piece = String::from_utf8_lossy(piece).into_owned();
                events.push(chunk(&model, json!({"content": piece}), None));
            }
            events.push(chunk(&model, json!({"content": ""}), Some("stop")));
            events.push(usage_chunk(&model, 5, 9, Some(0.00001)));
            for event in events {
                let event = event.replace("FakeProvider", &format!("Provider {key}"));
                send_chunk(socket, format!("data: {event}\n\n").as_bytes()).await?;
            }
            send_chunk(socket, b"data: [DONE]\n\n").await?;
            socket.write_all(b"0\r\n\r\n").await?;
            Ok(true)
        }
        Hostile::EndlessAnswer { delta_bytes } => {
            start_stream(socket).await?;
            let event = format!(
                "data: {}\n\n",
                chunk(
                    "endless/model",
                    json!({"content": "x".repeat(delta_bytes)}),
                    None
                )
            );
            // About 64 KiB per write, until the client hangs up.
            let batch = event.repeat((64 * 1024 / event.len()).max(1));
            loop {
                send_chunk(socket, batch.as_bytes()).await?;
            }
        }
        Hostile::HugeCatalog { bytes } => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
            socket.write_all(head.as_bytes()).await?;
            send_chunk(socket, br#"{"data":["#).await?;
            let mut sent = 0;
            let mut index = 0u64;
            while sent < bytes {
                let mut batch = String::new();
                while batch.len() < 64 * 1024 {
                    let comma = if index == 0 { "" } else { "," };
                    batch.push_str(&format!(
                        r#"{comma}{{"id":"huge/model-{index}","name":"Huge {index}","context_length":8192,"pricing":{{"prompt":"0.000001","completion":"0.000002"}}}}"#
                    ));
                    index += 1;
                }
                send_chunk(socket, batch.as_bytes()).await?;
                sent += batch.len();
            }
            send_chunk(socket, b"]}").await?;
            socket.write_all(b"0\r\n\r\n").await?;
            Ok(true)
        }
        Hostile::Trickle { every } => {
            start_stream(socket).await?;
            let tokens = (0..100_000).map(|i| format!("t{i} "));
            for token in tokens {
                // Small events, so some complete within a short deadline.
                let delta = json!({"choices": [{"delta": {"content": token}}]});
                let event = format!("data: {delta}\n\n");
                for byte in event.as_bytes() {
                    send_chunk(socket, std::slice::from_ref(byte)).await?;
                    tokio::time::sleep(every).await;
                }
            }
            Ok(false)
        }
        Hostile::KeepAliveForever { every } => {
            start_stream(socket).await?;
            loop {
                send_chunk(socket, b": OPENROUTER PROCESSING\n\n").await?;
                tokio::time::sleep(every).await;
            }
        }
    }
}

async fn start_stream(socket: &mut TcpStream) -> std::io::Result<()> {
    let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\ntransfer-encoding: chunked\r\n\r\n";
    socket.write_all(head.as_bytes()).await
}

/// One HTTP chunk, flushed.
async fn send_chunk(socket: &mut TcpStream, bytes: &[u8]) -> std::io::Result<()> {
    let mut frame = format!("{:x}\r\n", bytes.len()).into_bytes();
    frame.extend_from_slice(bytes);
    frame.extend_from_slice(b"\r\n");
    socket.write_all(&frame).await?;
    socket.flush().await
}
