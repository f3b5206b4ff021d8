use proptest::prelude::*;
use proptest::sample::Index;

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

/// Splits `bytes` at the given cut points (repeats give empty reads).
fn split_reads<'a>(bytes: &'a [u8], cuts: &[Index]) -> Vec<&'a [u8]> {
    let mut points: Vec<usize> = cuts.iter().map(|cut| cut.index(bytes.len() + 1)).collect();
    points.sort_unstable();
    let mut reads = Vec::with_capacity(points.len() + 1);
    let mut start = 0;
    for point in points {
        reads.push(&bytes[start..point]);
        start = point;
    }
    reads.push(&bytes[start..]);
    reads
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

const FIXTURES_DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/upstream/openrouter/sse/pydantic-ai"
);

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let entries = std::fs::read_dir(FIXTURES_DIR)
        .unwrap_or_else(|e| panic!("cannot read the SSE fixtures in {FIXTURES_DIR}: {e}"));
    let mut fixtures: Vec<(String, Vec<u8>)> = entries
        .map(|entry| {
            let path = entry.expect("a directory entry").path();
            let bytes = std::fs::read(&path).expect("a readable fixture");
            (path.display().to_string(), bytes)
        })
        .filter(|(name, _)| name.ends_with(".sse"))
        .collect();
    fixtures.sort();
    assert!(
        fixtures.len() >= 8,
        "expected the 8 OpenRouter captures in {FIXTURES_DIR}"
    );
    fixtures
}

#[test]
fn openrouter_captures_decode() {
    for (name, bytes) in fixtures() {
        let frames = decode(&bytes);
        let text = std::str::from_utf8(&bytes).expect("fixtures are UTF-8");
        let data_lines = text
            .lines()
            .filter(|line| line.starts_with("data: "))
            .count();
        let keep_alive_lines = text
            .lines()
            .filter(|line| *line == ": OPENROUTER PROCESSING")
            .count();
        let comments: Vec<&String> = frames
            .iter()
            .filter_map(|frame| match frame {
                Frame::Comment(text) => Some(text),
                _ => None,
            })
            .collect();
        let events: Vec<&SseEvent> = frames
            .iter()
            .filter_map(|frame| match frame {
                Frame::Event(event) => Some(event),
                _ => None,
            })
            .collect();
        assert_eq!(comments.len(), keep_alive_lines, "{name}");
        assert!(
            comments.iter().all(|text| *text == "OPENROUTER PROCESSING"),
            "{name}"
        );
        assert_eq!(events.len(), data_lines, "{name}");
        assert_eq!(comments.len() + events.len(), frames.len(), "{name}");
        let (last, others) = events.split_last().expect("events");
        assert!(last.is_done(), "{name}");
        for event in others {
            assert!(!event.is_done(), "{name}");
            if let Err(e) = serde_json::from_str::<serde_json::Value>(&event.data) {
                panic!("{name}: event is not JSON ({e}): {}", event.data);
            }
        }
    }
}

#[test]
fn openrouter_captures_split_at_every_byte_decode_the_same() {
    let fixtures = fixtures();
    let wholes: Vec<Vec<Frame>> = fixtures.iter().map(|(_, bytes)| decode(bytes)).collect();
    // About 85k two-read decodes of up to 30 KB: shared out over the cores, as
    // memchr is slow unoptimized.
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    std::thread::scope(|scope| {
        for thread in 0..threads {
            let (fixtures, wholes) = (&fixtures, &wholes);
            scope.spawn(move || {
                for ((name, bytes), whole) in fixtures.iter().zip(wholes) {
                    for cut in (thread..=bytes.len()).step_by(threads) {
                        let reads = [&bytes[..cut], &bytes[cut..]];
                        assert!(
                            decode_reads(&reads) == *whole,
                            "{name}: split at {cut} differs"
                        );
                    }
                }
            });
        }
    });
    for ((name, bytes), whole) in fixtures.iter().zip(&wholes) {
        let one_byte_reads: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(decode_reads(&one_byte_reads), *whole, "{name}");
    }
}

/// Bytes that look like SSE often enough to reach every branch: line ends,
/// colons, spaces, field names, invalid and multi-byte UTF-8, BOMs, NULs.
/// Tokens are picked from plain numbers: a `prop_oneof!` per token is slow to
/// generate in a debug build.
fn sse_like_bytes(max_tokens: usize) -> impl Strategy<Value = Vec<u8>> {
    const TOKENS: [&[u8]; 21] = [
        b"\n",
        b"\n",
        b"\n",
        b"\r",
        b"\r",
        b"\r\n",
        b":",
        b":",
        b":",
        b" ",
        b" ",
        b"data",
        b"data",
        b"data",
        b"event",
        b"id",
        b"retry",
        b"[DONE]",
        b"\xEF\xBB\xBF",
        b"\xE2\x82",
        b"\xF0\x9F",
    ];
    const MULTI_BYTE: &[u8] = "é€😀".as_bytes();
    prop::collection::vec(any::<u16>(), 0..max_tokens).prop_map(|codes| {
        let mut bytes = Vec::new();
        for code in codes {
            let [pick, byte] = code.to_le_bytes();
            match TOKENS.get(usize::from(pick) % 32) {
                Some(token) => bytes.extend_from_slice(token),
                None => match pick % 4 {
                    0 => bytes.extend_from_slice(
                        MULTI_BYTE.get(..usize::from(byte) % 10).unwrap_or_default(),
                    ),
                    1 => bytes.extend_from_slice(&[b'0' + byte % 10, 0xFF, 0]),
                    _ => bytes.push(byte),
                },
            }
        }
        bytes
    })
}

fn any_limit() -> impl Strategy<Value = usize> {
    prop_oneof![Just(DEFAULT_MAX_EVENT_BYTES), 0usize..48]
}

proptest! {
    #[test]
    fn any_chunking_gives_the_same_frames(
        bytes in prop_oneof![prop::collection::vec(any::<u8>(), 0..300), sse_like_bytes(120)],
        cuts in prop::collection::vec(any::<Index>(), 0..10),
        limit_bytes in any_limit(),
    ) {
        let whole = decode_reads_with_limit(&[&bytes], limit_bytes);
        let reads = split_reads(&bytes, &cuts);
        prop_assert_eq!(decode_reads_with_limit(&reads, limit_bytes), whole);
    }
}

/// One item of a generated well-formed stream.
#[derive(Debug, Clone)]
enum Item {
    Event {
        event_type: Option<String>,
        id: Option<String>,
        data_lines: Vec<(String, bool)>,
        inner_comment: Option<String>,
    },
    Comment(String),
    BlankLine,
    Retry(u32),
    UnknownField(String),
}

fn item() -> impl Strategy<Value = Item> {
    let text = "[^\r\n]{0,12}";
    let event = (
        prop::option::of("[^\r\n]{1,8}"),
        prop::option::of("[^\r\n\0]{1,8}"),
        prop::collection::vec((text, any::<bool>()), 1..4),
        prop::option::of(text),
    )
        .prop_map(|(event_type, id, data_lines, inner_comment)| Item::Event {
            event_type,
            id,
            data_lines,
            inner_comment,
        });
    prop_oneof![
        6 => event,
        2 => text.prop_map(Item::Comment),
        1 => Just(Item::BlankLine),
        1 => any::<u32>().prop_map(Item::Retry),
        1 => text.prop_map(Item::UnknownField),
    ]
}

/// Writes one line with its ending. A lone CR followed by an empty line that
/// starts with LF would read as one CRLF, so that empty line ends in CR instead.
fn push_line(stream: &mut Vec<u8>, line: &str, endings: &mut impl Iterator<Item = &'static str>) {
    let mut ending = endings.next().unwrap_or("\n");
    if line.is_empty() && stream.ends_with(b"\r") && ending.starts_with('\n') {
        ending = "\r";
    }
    stream.extend_from_slice(line.as_bytes());
    stream.extend_from_slice(ending.as_bytes());
}

/// Renders the items as an event stream and returns it with the frames it must decode to.
fn render(
    items: &[Item],
    bom: bool,
    endings: &[&'static str],
) -> (Vec<u8>, Vec<Frame>, Option<u64>) {
    let mut endings = endings.iter().copied().cycle();
    let mut stream = Vec::new();
    let mut frames = Vec::new();
    let mut last_id: Option<String> = None;
    let mut retry_ms = None;
    if bom {
        stream.extend_from_slice(BOM);
    }
    for item in items {
        match item {
            Item::Event {
                event_type,
                id,
                data_lines,
                inner_comment,
            } => {
                if let Some(event_type) = event_type {
                    push_line(&mut stream, &format!("event: {event_type}"), &mut endings);
                }
                if let Some(id) = id {
                    push_line(&mut stream, &format!("id: {id}"), &mut endings);
                    last_id = Some(id.clone());
                }
                for (i, (line, with_space)) in data_lines.iter().enumerate() {
                    // Without the optional space, a value starting with one would lose it.
                    let space = if *with_space || line.starts_with(' ') {
                        " "
                    } else {
                        ""
                    };
                    push_line(&mut stream, &format!("data:{space}{line}"), &mut endings);
                    if let (0, Some(comment)) = (i, inner_comment) {
                        push_line(&mut stream, &format!(": {comment}"), &mut endings);
                        frames.push(Frame::Comment(comment.clone()));
                    }
                }
                push_line(&mut stream, "", &mut endings);
                let lines: Vec<&str> = data_lines.iter().map(|(line, _)| line.as_str()).collect();
                frames.push(Frame::Event(SseEvent {
                    event: event_type.clone(),
                    data: lines.join("\n"),
                    id: last_id.clone(),
                }));
            }
            Item::Comment(text) => {
                push_line(&mut stream, &format!(": {text}"), &mut endings);
                frames.push(Frame::Comment(text.clone()));
            }
            Item::BlankLine => push_line(&mut stream, "", &mut endings),
            Item::Retry(ms) => {
                push_line(&mut stream, &format!("retry: {ms}"), &mut endings);
                retry_ms = Some(u64::from(*ms));
            }
            Item::UnknownField(value) => {
                push_line(&mut stream, &format!("x-unknown: {value}"), &mut endings)
            }
        }
    }
    (stream, frames, retry_ms)
}

proptest! {
    #[test]
    fn well_formed_streams_decode_to_what_was_written(
        items in prop::collection::vec(item(), 0..12),
        bom in any::<bool>(),
        endings in prop::collection::vec(prop::sample::select(vec!["\n", "\r\n", "\r"]), 1..8),
        cuts in prop::collection::vec(any::<Index>(), 0..12),
    ) {
        let (stream, expected, retry_ms) = render(&items, bom, &endings);
        let mut decoder = SseDecoder::new();
        let mut frames = Vec::new();
        for read in split_reads(&stream, &cuts) {
            decoder.feed(read, &mut frames);
        }
        decoder.finish(&mut frames);
        prop_assert_eq!(frames, expected);
        prop_assert_eq!(decoder.retry_ms(), retry_ms);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]
    #[test]
    fn fuzz_never_panics_and_stays_under_the_cap(
        bytes in sse_like_bytes(200),
        cuts in prop::collection::vec(any::<Index>(), 0..16),
        limit_bytes in any_limit(),
    ) {
        let mut decoder = SseDecoder::with_max_event_bytes(limit_bytes);
        let mut frames = Vec::new();
        for read in split_reads(&bytes, &cuts) {
            decoder.feed(read, &mut frames);
            let held_bytes = decoder.line.len() + decoder.data.len() + decoder.event_type.len();
            prop_assert!(held_bytes <= limit_bytes, "holds {} bytes", held_bytes);
        }
        decoder.finish(&mut frames);
        for frame in &frames {
            if let Frame::Event(event) = frame {
                // The cap counts input bytes; a U+FFFD stands for at least one.
                let input_bytes: usize = event
                    .data
                    .chars()
                    .map(|c| if c == char::REPLACEMENT_CHARACTER { 1 } else { c.len_utf8() })
                    .sum();
                prop_assert!(input_bytes <= limit_bytes, "{} bytes of data", input_bytes);
            }
        }
    }
}
