//! One frame of the live eval view (`tui::eval::view::draw` into a 120x40
//! `TestBackend`: header, the grid's visible rows, the summary, the chart
//! and the footer) for a run of 10 results and one of 10,000 (2,000 cases ×
//! 5 columns), with the cursor mid-grid. The frame should cost the same:
//! only the rows on screen are drawn and the summary is computed by the
//! reducer. `summary` times that computation (`prepare`, over every result;
//! the loop runs it at most every 200 ms while results stream in).

// A failed expectation is a failed bench.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use prism::eval::record::{CellKey, Digest, Outcome};
use prism::eval::suite::Suite;
use prism::tui::eval::state::{EvalView, Init};
use prism::tui::eval::update::{Msg, prepare, update};
use prism::tui::eval::view::draw;
use prism::tui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rust_decimal::Decimal;

const COLUMNS: [&str; 5] = [
    "openai/gpt-4o",
    "openai/gpt-4o-mini",
    "meta-llama/llama-3.1-8b-instruct",
    "google/gemini-2.5-flash",
    "mistralai/mistral-small",
];
const SIZE: (u16, u16) = (120, 40);

/// A view of `cases` × 5 columns with every result in.
fn view(cases: usize) -> EvalView {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("suite.toml");
    let mut toml = format!("name = \"bench\"\ncolumns = {COLUMNS:?}\n");
    for case in 0..cases {
        toml.push_str(&format!(
            "[[cases]]\nid = \"case-{case}\"\nprompt = \"Question {case}?\"\n"
        ));
    }
    std::fs::write(&path, toml).expect("suite written");
    let suite = Suite::load(&path).expect("suite").suite;
    let earlier = (0..cases)
        .flat_map(|case| (0..COLUMNS.len()).map(move |column| (case, column)))
        .enumerate()
        .map(|(index, (case, column))| digest(index, case, column))
        .collect();
    let mut view = EvalView::new(Init {
        run_id: "20261205-000000-bnch".into(),
        suite: Arc::new(suite),
        earlier,
        volume: Some(10_000),
        theme: Theme::colour(),
        size: SIZE,
    });
    // The cursor mid-grid: the rows drawn are from the middle of the run.
    for _ in 0..cases / 2 {
        update(
            &mut view,
            Msg::Key(KeyEvent::new(KeyCode::Down, KeyModifiers::NONE)),
        );
    }
    prepare(&mut view);
    view
}

fn digest(index: usize, case: usize, column: usize) -> Digest {
    let outcome = match (index * 7 + column) % 10 {
        0 => Outcome::Error,
        1 | 2 => Outcome::Fail,
        _ => Outcome::Pass,
    };
    Digest {
        cell: CellKey {
            case: u32::try_from(case).expect("case"),
            column: u16::try_from(column).expect("column"),
            repeat: 0,
        },
        outcome,
        cost_usd: Some(Decimal::new(
            i64::try_from(column + 1).expect("cost") * 3,
            4,
        )),
        ttft_ms: Some(200 + (index % 300) as u64),
        total_ms: Some(900 + (index % 1700) as u64),
        tokens_per_s: Some(40.0 + (index % 50) as f64),
        answer_hash: (outcome != Outcome::Error).then_some(index as u64 % 3),
        reason: (outcome != Outcome::Pass).then(|| "contains: \"refund\" not found".into()),
        answer_chars: 300,
        judged: Box::new([]),
        offset: index as u64 * 900,
    }
}

fn frames(c: &mut Criterion) {
    let mut group = c.benchmark_group("eval_view");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(3));
    for cases in [2, 2_000] {
        let results = cases * COLUMNS.len();
        let mut view = view(cases);
        let mut terminal = Terminal::new(TestBackend::new(SIZE.0, SIZE.1)).expect("terminal");
        group.bench_function(BenchmarkId::new("frame", results), |b| {
            b.iter(|| {
                terminal
                    .draw(|frame| draw(frame, black_box(&view)))
                    .expect("drawn");
            });
        });
        group.bench_function(BenchmarkId::new("summary", results), |b| {
            b.iter(|| {
                view.summary_stale = true;
                prepare(black_box(&mut view));
            });
        });
    }
    group.finish();
}

criterion_group!(benches, frames);
criterion_main!(benches);
