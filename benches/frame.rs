//! One full frame of eight streaming panes (240x60 `TestBackend`, a 4×2 grid
//! of bordered, titled panes, each following the tail of an N-character
//! Markdown answer), drawn by `Document` and by a naive wrapped `Paragraph`.
//! Criterion reports mean/median; a plain timing loop before it reports p50/p99.
//! `app` draws the whole workbench (`tui::view::draw`: titles with live
//! figures, editor, footer) from an `AppState` whose eight panes streamed the
//! same answers through the reducer.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]
// Prints its own measurements, nothing from outside.
#![allow(clippy::disallowed_macros)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, SamplingMode};
use prism::router::events::StreamEvent;
use prism::router::{ModelRef, Target};
use prism::tui::document::{BlockKind, Document};
use prism::tui::msg::{Msg, Now, Stamped};
use prism::tui::params::Params;
use prism::tui::state::AppState;
use prism::tui::theme::Theme;
use prism::tui::update::{Startup, new_state, update};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Paragraph, Wrap};

const SIZES_CHARS: [usize; 3] = [10_000, 200_000, 1_000_000];
const PANES: usize = 8;
const DELTA_CHARS: usize = 40;

/// A deterministic pseudo-random source (xorshift), so every run draws the same text.
struct Dice(u64);

impl Dice {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const WORDS: &[&str] = &[
    "the",
    "model",
    "returns",
    "a",
    "stream",
    "of",
    "tokens",
    "which",
    "we",
    "render",
    "into",
    "panes",
    "while",
    "latency",
    "matters",
    "and",
    "throughput",
    "is",
    "measured",
    "per",
    "second",
    "every",
    "request",
    "carries",
    "context",
    "window",
    "limits",
    "—",
    "naïve",
    "approach",
];

fn sentence(dice: &mut Dice, out: &mut String) {
    let words = 6 + dice.below(14);
    for index in 0..words {
        if index > 0 {
            out.push(' ');
        }
        let word = dice.pick(WORDS);
        match dice.below(24) {
            0 => out.push_str(&format!("**{word}**")),
            1 => out.push_str(&format!("`{word}()`")),
            2 => out.push_str(&format!("*{word}*")),
            3 => out.push_str(&format!("[{word}](https://example.com/{word})")),
            _ => out.push_str(word),
        }
    }
    out.push_str(". ");
}

/// The largest section `sections` adds, in bytes, with room to spare.
const SECTION_MAX_BYTES: usize = 2_000;
/// Every answer ends with the same text, so each N shows the same rows and
/// only the document's length differs between the cases.
const TAIL_BYTES: usize = 5_000;

/// Whole Markdown sections (headings, long paragraph lines, short lines,
/// lists, quotes, tables, code fences) while `out` is shorter than `bytes`.
fn sections(dice: &mut Dice, bytes: usize, out: &mut String) {
    let mut section = 0;
    while out.len() + SECTION_MAX_BYTES < bytes {
        match dice.below(10) {
            0 => {
                section += 1;
                out.push_str(&format!("## Section {section}\n\n"));
            }
            1 | 2 => {
                for item in 0..3 + dice.below(4) {
                    let marker = if dice.below(2) == 0 {
                        "- ".to_string()
                    } else {
                        format!("{}. ", item + 1)
                    };
                    out.push_str(&marker);
                    sentence(dice, out);
                    out.push('\n');
                }
                out.push('\n');
            }
            3 => {
                out.push_str("```rust\n");
                for line in 0..4 + dice.below(10) {
                    let indent = "    ".repeat(dice.below(3));
                    out.push_str(&format!(
                        "{indent}let value_{line} = compute({line}, \"{}\");\n",
                        dice.pick(WORDS)
                    ));
                }
                out.push_str("```\n\n");
            }
            4 => {
                out.push_str("> ");
                sentence(dice, out);
                out.push_str("\n\n| name | value |\n|---|---|\n| tokens | 42 |\n\n");
            }
            5 => out.push_str("Short line.\n"),
            _ => {
                for _ in 0..1 + dice.below(5) {
                    sentence(dice, out);
                }
                out.push_str("\n\n");
            }
        }
    }
}

/// An answer of exactly `chars` characters: sections, a plain filler
/// paragraph to reach the length, then the shared tail.
fn answer_text(chars: usize) -> String {
    let mut tail = String::new();
    sections(
        &mut Dice(0x2545_F491_4F6C_DD1D),
        TAIL_BYTES + SECTION_MAX_BYTES,
        &mut tail,
    );
    // End on a code block and styled text, as answers often do, so the visible rows hold them.
    tail.push_str(
        "```rust\nfn main() {\n    let frame = draw(&mut terminal, |f| panes(f));\n    \
         println!(\"{frame:?}\");\n}\n```\n\nThat is **all**: the `render` call draws only \
         *visible* rows, and [the docs](https://example.com) say more.\n",
    );
    let body_chars = chars.saturating_sub(tail.chars().count() + 2);
    let mut out = String::new();
    sections(&mut Dice(0x9E37_79B9_7F4A_7C15), body_chars, &mut out);
    // Bytes never undercount characters, so the filler's length is not negative.
    let filler_chars = body_chars.saturating_sub(out.chars().count());
    let filler = "plain words fill the answer up to its exact length ";
    out.extend(filler.chars().cycle().take(filler_chars));
    out.push_str("\n\n");
    out.push_str(&tail);
    out
}

/// Builds the answer the way a stream does: one push, then ~40-char appends.
fn streamed_document(text: &str, width: u16) -> Document {
    let mut doc = Document::new();
    doc.set_width(width);
    doc.push(
        BlockKind::Prompt,
        "Explain how streaming renderers stay fast.",
    );
    let answer = doc.push(BlockKind::Answer, "");
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + DELTA_CHARS).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        doc.append(answer, &text[start..end]);
        start = end;
    }
    doc
}

fn pane_areas(area: Rect) -> Vec<Rect> {
    let rows = Layout::vertical([Constraint::Ratio(1, 2); 2]).split(area);
    rows.iter()
        .flat_map(|row| {
            Layout::horizontal([Constraint::Ratio(1, 4); 4])
                .split(*row)
                .to_vec()
        })
        .collect()
}

fn test_terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(240, 60)).expect("a test terminal")
}

/// A pane's border and title, the same in every way of drawing the frame.
fn pane_block(index: usize, theme: &Theme) -> Block<'static> {
    Block::bordered()
        .title(format!(" model-{index} · streaming "))
        .border_style(theme.border(index == 0))
}

/// One frame drawn with `Document`, each pane following its tail.
fn draw_documents(terminal: &mut Terminal<TestBackend>, docs: &mut [Document], theme: &Theme) {
    terminal
        .draw(|frame| {
            for (index, (area, doc)) in pane_areas(frame.area())
                .into_iter()
                .zip(docs.iter_mut())
                .enumerate()
            {
                let block = pane_block(index, theme);
                let inner = block.inner(area);
                frame.render_widget(block, area);
                doc.set_width(inner.width);
                let first_row = doc.total_rows().saturating_sub(usize::from(inner.height));
                doc.render(first_row, inner, frame.buffer_mut(), theme);
            }
        })
        .expect("draw");
}

/// The same frame with a wrapped `Paragraph` per pane, scrolled to the
/// document's last rows (Paragraph cannot tell its own wrapped height).
fn draw_paragraphs(
    terminal: &mut Terminal<TestBackend>,
    text: &str,
    scroll_rows: u16,
    theme: &Theme,
) {
    terminal
        .draw(|frame| {
            for (index, area) in pane_areas(frame.area()).into_iter().enumerate() {
                let paragraph = Paragraph::new(text)
                    .block(pane_block(index, theme))
                    .wrap(Wrap { trim: false })
                    .scroll((scroll_rows, 0));
                frame.render_widget(paragraph, area);
            }
        })
        .expect("draw");
}

/// The frame without any text: what the borders, titles and the terminal's
/// diff cost on their own, for reference.
fn draw_borders(terminal: &mut Terminal<TestBackend>, theme: &Theme) {
    terminal
        .draw(|frame| {
            for (index, area) in pane_areas(frame.area()).into_iter().enumerate() {
                frame.render_widget(pane_block(index, theme), area);
            }
        })
        .expect("draw");
}

struct Case {
    chars: usize,
    text: String,
    docs: Vec<Document>,
    scroll_rows: u16,
}

fn cases() -> Vec<Case> {
    let inner = Block::bordered().inner(pane_areas(Rect::new(0, 0, 240, 60))[0]);
    SIZES_CHARS
        .iter()
        .map(|&chars| {
            let text = answer_text(chars);
            assert_eq!(
                text.chars().count(),
                chars,
                "the answer has exactly N characters"
            );
            let doc = streamed_document(&text, inner.width);
            let tail = doc.total_rows().saturating_sub(usize::from(inner.height));
            Case {
                chars,
                scroll_rows: u16::try_from(tail).unwrap_or(u16::MAX),
                docs: vec![doc; PANES],
                text,
            }
        })
        .collect()
}

/// Times `frames` frames one by one and prints mean, p50 and p99.
fn percentiles(label: &str, frames: usize, mut frame: impl FnMut()) {
    frame();
    let mut times: Vec<Duration> = (0..frames)
        .map(|_| {
            let start = Instant::now();
            frame();
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    let mean = times.iter().sum::<Duration>() / frames as u32;
    println!(
        "{label:<22} frames {frames:>5}  mean {:>10.3?}  p50 {:>10.3?}  p99 {:>10.3?}  max {:>10.3?}",
        mean,
        at(0.50),
        at(0.99),
        at(1.0)
    );
}

/// The workbench after one prompt whose answer (the same text in every pane)
/// streamed in ~40-character deltas through the reducer.
fn app_state(text: &str) -> AppState {
    let targets: Vec<Target> = (0..PANES)
        .map(|i| {
            let model = format!("vendor/model-{i}");
            Target::single(model.clone(), ModelRef::new("openrouter", model))
        })
        .collect();
    let start = Instant::now();
    let now = Now {
        at: start,
        unix: 1_795_000_000,
    };
    let mut state = new_state(Startup {
        providers: prism::router::Providers::new(
            vec![prism::router::Provider::new(
                "openrouter",
                "http://127.0.0.1:9/v1",
            )],
            "openrouter",
        ),
        targets,
        params: Params::default(),
        theme: Theme::colour(),
        size: (240, 60),
        now,
        seed: 1,
    });
    let key = |code| Stamped::new(Msg::Key(crossterm::event::KeyEvent::from(code)), now);
    for c in "Explain the design".chars() {
        update(&mut state, key(crossterm::event::KeyCode::Char(c)));
    }
    let effects = update(&mut state, key(crossterm::event::KeyCode::Enter));
    let runs: Vec<_> = effects
        .iter()
        .filter_map(|e| match e {
            prism::tui::msg::Effect::StartRun { pane, run, .. } => Some((*pane, *run)),
            _ => None,
        })
        .collect();
    for (pane, run) in runs {
        let first = Msg::Stream {
            pane,
            run,
            events: vec![StreamEvent::FirstToken { ttft_ms: 321 }],
            merged: 0,
        };
        update(&mut state, Stamped::new(first, now));
        let chars: Vec<char> = text.chars().collect();
        for (i, piece) in chars.chunks(DELTA_CHARS).enumerate() {
            let delta = Msg::Stream {
                pane,
                run,
                events: vec![StreamEvent::Content(piece.iter().collect())],
                merged: 0,
            };
            let at = Now {
                at: start + Duration::from_millis(i as u64),
                ..now
            };
            update(&mut state, Stamped::new(delta, at));
        }
    }
    state
}

fn report_percentiles(cases: &mut [Case], theme: &Theme) {
    println!("frame: one 240x60 frame of 8 panes, timed one by one");
    let mut terminal = test_terminal();
    percentiles("borders_only", 2_000, || draw_borders(&mut terminal, theme));
    for case in cases.iter_mut() {
        let mut terminal = test_terminal();
        percentiles(&format!("document/{}", case.chars), 2_000, || {
            draw_documents(&mut terminal, &mut case.docs, theme)
        });
    }
    for case in cases.iter() {
        let state = app_state(&case.text);
        let mut terminal = test_terminal();
        percentiles(&format!("app/{}", case.chars), 2_000, || {
            let _ = terminal.draw(|frame| prism::tui::view::draw(frame, &state));
        });
    }
    for case in cases.iter() {
        // A naive frame costs about N / 5,000 ms here: keep each case to a second or so.
        let frames = (4_000_000 / case.chars).clamp(5, 200);
        let mut terminal = test_terminal();
        percentiles(&format!("naive/{}", case.chars), frames, || {
            draw_paragraphs(&mut terminal, &case.text, case.scroll_rows, theme)
        });
    }
}

fn bench_frames(c: &mut Criterion, cases: &mut [Case], theme: &Theme) {
    let mut group = c.benchmark_group("frame");
    group
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    for case in cases.iter_mut() {
        let mut terminal = test_terminal();
        group.bench_function(BenchmarkId::new("document", case.chars), |b| {
            b.iter(|| draw_documents(&mut terminal, black_box(&mut case.docs), theme))
        });
    }
    for case in cases.iter() {
        let state = app_state(&case.text);
        let mut terminal = test_terminal();
        group.bench_function(BenchmarkId::new("app", case.chars), |b| {
            b.iter(|| {
                let _ = terminal.draw(|frame| prism::tui::view::draw(frame, black_box(&state)));
            })
        });
    }
    group.sample_size(10).sampling_mode(SamplingMode::Flat);
    for case in cases.iter() {
        let mut terminal = test_terminal();
        group.bench_function(BenchmarkId::new("naive_paragraph", case.chars), |b| {
            b.iter(|| {
                draw_paragraphs(
                    &mut terminal,
                    black_box(&case.text),
                    case.scroll_rows,
                    theme,
                )
            })
        });
    }
    group.finish();
}

fn main() {
    let theme = Theme::colour();
    let mut cases = cases();
    // `cargo bench` passes --bench; `cargo test --benches` does not and only smoke-tests.
    if std::env::args().any(|arg| arg == "--bench") {
        report_percentiles(&mut cases, &theme);
    }
    let mut criterion = Criterion::default().configure_from_args();
    bench_frames(&mut criterion, &mut cases, &theme);
    criterion.final_summary();
}
