//! Generated input: any chunking of any bytes decodes the same, generated
//! well-formed streams decode to what was written, and nothing panics or
//! passes the cap.

use proptest::prelude::*;
use proptest::sample::Index;

use super::*;

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
