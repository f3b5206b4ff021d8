//! Real OpenRouter streams (pydantic-ai's captures) decode, whole and split
//! at every byte.

use super::*;

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
