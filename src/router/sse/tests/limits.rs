//! The event size cap: exact at the limit, one error per oversized event,
//! bounded memory for an endless line, and big events that fit.

use super::*;

#[test]
fn cap_is_exact() {
    // "data: " + 10 bytes is 16: at the cap fits, one more does not.
    assert_eq!(
        decode_reads_with_limit(&[b"data: 0123456789\n\n"], 16),
        vec![data("0123456789")]
    );
    assert_eq!(
        decode_reads_with_limit(&[b"data: 0123456789A\n\n"], 16),
        vec![Frame::TooLarge { limit_bytes: 16 }]
    );
}

#[test]
fn event_over_cap_gives_one_too_large_then_decoding_goes_on() {
    let big = "x".repeat(20);
    let stream = format!("data: {big}\ndata: {big}\ndata: {big}\n: {big}\n\ndata: ok\n\n");
    let too_large = Frame::TooLarge { limit_bytes: 48 };
    assert_eq!(
        decode_reads_with_limit(&[stream.as_bytes()], 48),
        vec![too_large.clone(), data("ok")]
    );
    // The same in 1-byte reads: the cap trips inside a line.
    let one_byte_reads: Vec<&[u8]> = stream.as_bytes().chunks(1).collect();
    assert_eq!(
        decode_reads_with_limit(&one_byte_reads, 48),
        vec![too_large, data("ok")]
    );
}

#[test]
fn endless_line_stays_bounded() {
    let limit_bytes = 4096;
    let mut decoder = SseDecoder::with_max_event_bytes(limit_bytes);
    let mut out = Vec::new();
    decoder.feed(b"data: ", &mut out);
    let read = [b'x'; 1024];
    for _ in 0..(8 * 1024) {
        decoder.feed(&read, &mut out);
        let held_bytes = decoder.line.capacity() + decoder.data.capacity();
        assert!(held_bytes <= limit_bytes, "holds {held_bytes} bytes");
    }
    assert_eq!(out, vec![Frame::TooLarge { limit_bytes }]);
    // The long line ends, then the event: the next one decodes.
    decoder.feed(b"\n\ndata: after\n\n", &mut out);
    assert_eq!(out, vec![Frame::TooLarge { limit_bytes }, data("after")]);
}

fn one_mib_event() -> (String, Vec<u8>) {
    let text: String = (0..1024 * 1024)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let stream = format!("data: {text}\n\ndata: next\n\n").into_bytes();
    (text, stream)
}

/// How fast: `cargo bench --bench sse` (one_1MiB_event_1KiB_reads); here,
/// that it decodes and lets the big buffers go.
#[test]
fn one_mib_event_in_one_kib_reads() {
    let (text, stream) = one_mib_event();
    let mut decoder = SseDecoder::new();
    let mut frames = Vec::new();
    for read in stream.chunks(1024) {
        decoder.feed(read, &mut frames);
    }
    assert_eq!(frames, vec![data(&text), data("next")]);
    // The big buffers were let go once the event was out.
    assert!(decoder.line.capacity() <= RETAINED_BUFFER_BYTES);
    assert!(decoder.data.capacity() <= RETAINED_BUFFER_BYTES);
}

#[test]
fn one_mib_event_over_a_smaller_cap_is_too_large() {
    let (_text, stream) = one_mib_event();
    let reads: Vec<&[u8]> = stream.chunks(1024).collect();
    let limit_bytes = 512 * 1024;
    assert_eq!(
        decode_reads_with_limit(&reads, limit_bytes),
        vec![Frame::TooLarge { limit_bytes }, data("next")]
    );
}

#[test]
fn many_line_event_in_small_reads() {
    let lines: Vec<String> = (0..20_000).map(|i| format!("line {i}")).collect();
    let stream: String = lines
        .iter()
        .map(|line| format!("data: {line}\r\n"))
        .collect::<String>()
        + "\r\n";
    let reads: Vec<&[u8]> = stream.as_bytes().chunks(7).collect();
    assert_eq!(decode_reads(&reads), vec![data(&lines.join("\n"))]);
}
