//! The SSE decoder against the spec's line rules, field by field. The size
//! cap is tested in `limits`, real captures in `captures`, and generated
//! streams and chunkings in `properties`.

mod captures;
mod limits;
mod properties;

use super::*;

/// Feeds `reads` one by one, then finishes the stream.
fn decode_reads_with_limit(reads: &[&[u8]], limit_bytes: usize) -> Vec<Frame> {
    let mut decoder = SseDecoder::with_max_event_bytes(limit_bytes);
    let mut out = Vec::new();
    for read in reads {
        decoder.feed(read, &mut out);
    }
    decoder.finish(&mut out);
    out
}

fn decode_reads(reads: &[&[u8]]) -> Vec<Frame> {
    decode_reads_with_limit(reads, DEFAULT_MAX_EVENT_BYTES)
}

fn decode(stream: &[u8]) -> Vec<Frame> {
    decode_reads(&[stream])
}

fn data(text: &str) -> Frame {
    event(None, text, None)
}

fn event(event_type: Option<&str>, text: &str, id: Option<&str>) -> Frame {
    Frame::Event(SseEvent {
        event: event_type.map(str::to_owned),
        data: text.to_owned(),
        id: id.map(str::to_owned),
    })
}

fn comment(text: &str) -> Frame {
    Frame::Comment(text.to_owned())
}

#[test]
fn lf_line_endings() {
    assert_eq!(decode(b"data: hello\n\n"), vec![data("hello")]);
}

#[test]
fn crlf_line_endings() {
    assert_eq!(
        decode(b"data: hello\r\n\r\ndata: two\r\n\r\n"),
        vec![data("hello"), data("two")]
    );
}

#[test]
fn lone_cr_line_endings() {
    assert_eq!(
        decode(b"data: a\rdata: b\r\rdata: c\r\r"),
        vec![data("a\nb"), data("c")]
    );
}

#[test]
fn cr_at_end_of_read_then_lf_is_one_line_end() {
    let reads: [&[u8]; 3] = [b"data: a\r", b"\ndata: b\r", b"\n\r\n"];
    assert_eq!(decode_reads(&reads), vec![data("a\nb")]);
    // A CR, an empty read, then LF: still one line end.
    let reads: [&[u8]; 4] = [b"data: a\r", b"", b"\n", b"\n"];
    assert_eq!(decode_reads(&reads), vec![data("a")]);
    // CR then CR is a line end and a blank line.
    let reads: [&[u8]; 3] = [b"data: a\r", b"\r", b"data: b\n\n"];
    assert_eq!(decode_reads(&reads), vec![data("a"), data("b")]);
}

#[test]
fn comment_lines() {
    let stream = b": OPENROUTER PROCESSING\n\n:no space\n:\n:  two spaces\ndata: x\n\n";
    assert_eq!(
        decode(stream),
        vec![
            comment("OPENROUTER PROCESSING"),
            comment("no space"),
            comment(""),
            comment(" two spaces"),
            data("x"),
        ]
    );
}

#[test]
fn several_events_in_one_read() {
    let stream = b"data: 1\n\ndata: 2\n\n: ping\n\ndata: 3\n\n";
    assert_eq!(
        decode(stream),
        vec![data("1"), data("2"), comment("ping"), data("3")]
    );
}

#[test]
fn multi_line_data_joins_with_newlines() {
    assert_eq!(decode(b"data: a\ndata:\ndata: b\n\n"), vec![data("a\n\nb")]);
    assert_eq!(decode(b"data\ndata\n\n"), vec![data("\n")]);
}

#[test]
fn event_and_id_fields() {
    let stream = b"event: delta\nid: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\nid: x\0y\ndata: d\n\n";
    assert_eq!(
        decode(stream),
        vec![
            event(Some("delta"), "a", Some("7")),
            // The event type resets after each event, the id carries over.
            event(None, "b", Some("7")),
            // An empty id clears it.
            event(None, "c", None),
            // An id holding NUL is ignored.
            event(None, "d", None),
        ]
    );
    assert_eq!(decode(b"event:\ndata: a\n\n"), vec![data("a")]);
}

#[test]
fn field_without_colon_has_empty_value() {
    assert_eq!(decode(b"data\n\n"), vec![data("")]);
    assert_eq!(decode(b"event\ndata: a\n\n"), vec![data("a")]);
}

#[test]
fn value_without_leading_space_and_only_one_space_stripped() {
    assert_eq!(decode(b"data:x\n\n"), vec![data("x")]);
    assert_eq!(decode(b"data:  x\n\n"), vec![data(" x")]);
    assert_eq!(decode(b"data: a: b\n\n"), vec![data("a: b")]);
}

#[test]
fn field_names_are_exact() {
    assert_eq!(decode(b"Data: a\ndata : b\nfoo: c\n\n"), vec![]);
}

#[test]
fn retry_field_is_stored_not_emitted() {
    let mut decoder = SseDecoder::new();
    let mut out = Vec::new();
    decoder.feed(b"retry: 3000\n\n", &mut out);
    assert_eq!(decoder.retry_ms(), Some(3000));
    // Invalid values leave it alone.
    for line in ["12x", "", " 5", "+5", "5 ", "18446744073709551616"] {
        decoder.feed(format!("retry: {line}\n").as_bytes(), &mut out);
    }
    assert_eq!(decoder.retry_ms(), Some(3000));
    decoder.feed(b"retry:18446744073709551615\n", &mut out);
    decoder.finish(&mut out);
    assert_eq!(out, vec![]);
    assert_eq!(decoder.retry_ms(), Some(u64::MAX));
}

#[test]
fn leading_bom_is_skipped_even_split_across_reads() {
    let stream = b"\xEF\xBB\xBFdata: a\n\n";
    for cut in 0..=stream.len() {
        let reads = [&stream[..cut], &stream[cut..]];
        assert_eq!(decode_reads(&reads), vec![data("a")], "cut at {cut}");
    }
    let reads: [&[u8]; 4] = [b"\xEF", b"\xBB", b"\xBF", b"data: a\n\n"];
    assert_eq!(decode_reads(&reads), vec![data("a")]);
}

#[test]
fn only_the_first_bom_is_skipped() {
    // The second BOM becomes part of the field name, which is then unknown.
    assert_eq!(
        decode(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\ndata: b\n\n"),
        vec![data("b")]
    );
    // A BOM later in the stream is content.
    assert_eq!(
        decode("data: \u{FEFF}a\n\n".as_bytes()),
        vec![data("\u{FEFF}a")]
    );
}

#[test]
fn partial_bom_bytes_are_content() {
    let reads: [&[u8]; 2] = [b"\xEF\xBB", b": c\ndata: a\n\n"];
    assert_eq!(decode_reads(&reads), vec![data("a")]);
    let reads: [&[u8]; 2] = [b"\xEF", b"\n"];
    assert_eq!(decode_reads(&reads), vec![]);
    let reads: [&[u8]; 1] = [b"\xEF\xBB"];
    assert_eq!(decode_reads(&reads), vec![]);
}

#[test]
fn done_marker() {
    let frames = decode(b"data: {\"a\":1}\n\ndata: [DONE]\n\n");
    let done: Vec<bool> = frames
        .iter()
        .map(|frame| matches!(frame, Frame::Event(event) if event.is_done()))
        .collect();
    assert_eq!(done, vec![false, true]);
    let is_done = |text: &str| {
        SseEvent {
            event: None,
            data: text.to_owned(),
            id: None,
        }
        .is_done()
    };
    assert!(is_done(" [DONE]\n"));
    assert!(!is_done("[DONE]x"));
    assert!(!is_done("[done]"));
}

#[test]
fn blank_lines_without_data_dispatch_nothing() {
    assert_eq!(decode(b"\n\n\r\n\r\r\n"), vec![]);
    // An event type without data is dropped and does not leak into the next event.
    assert_eq!(
        decode(b"event: x\nid: 1\n\ndata: y\n\n"),
        vec![event(None, "y", Some("1"))]
    );
}

#[test]
fn finish_emits_a_pending_event() {
    assert_eq!(decode(b"data: a\n"), vec![data("a")]);
    // An unterminated last line counts too.
    assert_eq!(decode(b"data: [DONE]"), vec![data("[DONE]")]);
    assert_eq!(decode(b"data: a\r"), vec![data("a")]);
}

#[test]
fn finish_without_a_pending_event_emits_nothing_and_resets() {
    let mut decoder = SseDecoder::new();
    let mut out = Vec::new();
    decoder.feed(b"data: a\n\nevent: e\n: hi", &mut out);
    decoder.finish(&mut out);
    assert_eq!(out, vec![data("a"), comment("hi")]);
    out.clear();
    decoder.finish(&mut out);
    assert_eq!(out, vec![]);
    // A new stream: its BOM is skipped again.
    decoder.feed(b"\xEF\xBB\xBFdata: b\n\n", &mut out);
    assert_eq!(out, vec![data("b")]);
}

#[test]
fn invalid_utf8_becomes_replacement_and_stream_goes_on() {
    let stream = b"data: a\xFFb\n\ndata: \xE2\x82\n\nevent: \xC3\ndata: c\n\n: \xFF\ndata: d\n\n";
    assert_eq!(
        decode(stream),
        vec![
            data("a\u{FFFD}b"),
            data("\u{FFFD}"),
            event(Some("\u{FFFD}"), "c", None),
            comment("\u{FFFD}"),
            data("d"),
        ]
    );
}

#[test]
fn multibyte_character_split_at_every_offset() {
    for text in ["é", "€", "😀", "aé€😀z"] {
        let stream = format!("data: x{text}y\n\n");
        let bytes = stream.as_bytes();
        for cut in 0..=bytes.len() {
            let reads = [&bytes[..cut], &bytes[cut..]];
            assert_eq!(
                decode_reads(&reads),
                vec![data(&format!("x{text}y"))],
                "cut at {cut}"
            );
        }
        let one_byte_reads: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(
            decode_reads(&one_byte_reads),
            vec![data(&format!("x{text}y"))]
        );
    }
}
