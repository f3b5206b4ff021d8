//! SSE decoding throughput: an OpenRouter-like stream in 16 KiB and 64-byte reads,
//! and one 1 MiB event in 1 KiB reads. Run with `cargo bench --bench sse`.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use prism::router::sse::{Frame, SseDecoder};

const STREAM_BYTES: usize = 4 * 1024 * 1024;

/// About 4 MB of chat-completion chunks with small content deltas (some
/// multi-byte), a keep-alive comment now and then, and `[DONE]`.
fn openrouter_like_stream() -> Vec<u8> {
    const WORDS: [&str; 8] = [
        " the", " model", " answers", " café", " 🚀", "\\n", " quickly", ".",
    ];
    let mut stream = Vec::with_capacity(STREAM_BYTES + 1024);
    let mut index = 0usize;
    while stream.len() < STREAM_BYTES {
        if index % 64 == 0 {
            stream.extend_from_slice(b": OPENROUTER PROCESSING\n\n");
        }
        let word = WORDS[index % WORDS.len()];
        let chunk = format!(
            "data: {{\"id\":\"gen-1762179802-UN8pkJI4AGZvryk0kFnb\",\"provider\":\"OpenAI\",\
             \"model\":\"openai/gpt-4o-mini\",\"object\":\"chat.completion.chunk\",\
             \"created\":1762179802,\"choices\":[{{\"index\":0,\"delta\":{{\"role\":\"assistant\",\
             \"content\":\"{word}\"}},\"finish_reason\":null,\"native_finish_reason\":null,\
             \"logprobs\":null}}]}}\n\n"
        );
        stream.extend_from_slice(chunk.as_bytes());
        index += 1;
    }
    stream.extend_from_slice(b"data: [DONE]\n\n");
    stream
}

fn one_mib_event() -> Vec<u8> {
    let mut stream = b"data: ".to_vec();
    stream.extend((0..1024 * 1024).map(|i| b'a' + (i % 26) as u8));
    stream.extend_from_slice(b"\n\n");
    stream
}

/// Decodes `stream` in reads of `read_bytes`, draining frames after each read
/// as a consumer would; returns how many frames came out.
fn decode(stream: &[u8], read_bytes: usize) -> usize {
    let mut decoder = SseDecoder::new();
    let mut frames: Vec<Frame> = Vec::new();
    let mut frame_count = 0;
    for read in stream.chunks(read_bytes) {
        decoder.feed(read, &mut frames);
        frame_count += frames.len();
        frames.clear();
    }
    decoder.finish(&mut frames);
    frame_count + frames.len()
}

fn sse_decoding(c: &mut Criterion) {
    let stream = openrouter_like_stream();
    let big_event = one_mib_event();
    assert_eq!(decode(&big_event, 1024), 1);
    assert_eq!(decode(&stream, 64), decode(&stream, 16 * 1024));

    let mut group = c.benchmark_group("sse");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.throughput(Throughput::BytesDecimal(stream.len() as u64));
    group.bench_function("openrouter_stream_16KiB_reads", |b| {
        b.iter(|| decode(black_box(&stream), 16 * 1024))
    });
    group.bench_function("openrouter_stream_64B_reads", |b| {
        b.iter(|| decode(black_box(&stream), 64))
    });
    group.throughput(Throughput::BytesDecimal(big_event.len() as u64));
    group.bench_function("one_1MiB_event_1KiB_reads", |b| {
        b.iter(|| decode(black_box(&big_event), 1024))
    });
    group.finish();
}

criterion_group!(benches, sse_decoding);
criterion_main!(benches);
