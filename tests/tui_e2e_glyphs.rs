//! Characters whose width terminals and ratatui disagree on, end to end: an
//! answer holding a line separator, a ZWJ emoji, combining marks, a soft
//! hyphen, VS16 and tabs is drawn, an overlay opens over it and closes, and
//! tmux's own screen must show the answer exactly as before, with no stray
//! characters (tmux on a private socket; only that server is killed).

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]
// Diagnostics of the test itself on failure.
#![allow(clippy::disallowed_macros)]

mod support;

use std::time::Duration;

use support::fake_upstream::{Reply, StreamReply};
use support::tmux::E2e;

const ANSWER: &[&str] = &[
    "linesep\u{2028}babout!",
    " fOften \u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467} family\n",
    "\u{301}mark soft\u{AD}ware \u{2764}\u{FE0F} heart\n",
    "a\tb\tTABS e\u{301}nd\u{2029}LAST-LINE",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlays_over_tricky_unicode_leave_no_stray_characters() {
    let e2e = E2e::start().await;
    let fake = &e2e.fake;
    fake.script(
        "alpha/model",
        vec![Reply::Stream(StreamReply::tokens("alpha/model", ANSWER))],
    );
    let tmux = e2e.prism("prism-glyphs", (100, 30), "-m alpha/model");
    tmux.wait_for("the workbench", Duration::from_secs(15), |s| {
        s.contains("alpha/model")
    });
    tmux.send_prompt("tricky?");
    let before = tmux.wait_for("the answer", Duration::from_secs(20), |s| {
        s.contains("LAST-LINE")
    });
    // Each answer row, between the pane's borders, holds exactly this.
    let inner = |needle: &str| {
        before
            .lines()
            .find(|row| row.contains(needle))
            .unwrap_or_else(|| panic!("no row holds {needle:?}:\n{before}"))
            .trim_matches(|c| c == '│' || c == ' ')
            .to_string()
    };
    assert_eq!(inner("linesep"), "linesep", "{before}");
    assert_eq!(
        inner("babout!"),
        "babout! fOften \u{1F468}\u{1F469}\u{1F467} family"
    );
    assert_eq!(inner("mark"), "\u{25CC}\u{301}mark software \u{2764} heart");
    assert_eq!(inner("TABS"), "a   b   TABS e\u{301}nd");
    assert_eq!(inner("LAST-LINE"), "LAST-LINE");

    // An overlay opens over the answer and closes again.
    tmux.keys(&["F1"]);
    tmux.wait_for("the help overlay", Duration::from_secs(10), |s| s != before);
    tmux.keys(&["Escape"]);
    let after = tmux
        .try_wait_for(Duration::from_secs(10), |s| s == before)
        .unwrap_or_else(|after| {
            panic!(
                "the screen changed after the overlay closed:\nbefore:\n{before}\nafter:\n{after}"
            )
        });
    assert_eq!(after, before);
    tmux.quit("C-q");
}
