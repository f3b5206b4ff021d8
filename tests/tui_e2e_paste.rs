//! Pasting into the prompt, end to end: tmux pastes a multi-line buffer
//! with bracketed paste and without it (as a terminal without the mode
//! does: bare keys, CR for each line break). Both land verbatim, line
//! breaks included, and nothing is sent until Enter (tmux on a private
//! socket; only that server is killed).

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

use support::fake_upstream::{FakeUpstream, Reply, StreamReply};
use support::tmux::E2e;

/// A guard, not a figure: waits end as soon as the screen shows the text.
const WAIT: Duration = Duration::from_secs(60);

const CODE: &str = "def f():\n    return 1\n\nprint(f())";

/// The fake answers `alpha/model` with one word.
fn answering(fake: &FakeUpstream, word: &str) {
    fake.script(
        "alpha/model",
        vec![Reply::Stream(StreamReply::tokens("alpha/model", &[word]))],
    );
}

/// The text of the one prompt sent upstream.
fn the_one_prompt_sent(fake: &FakeUpstream) -> serde_json::Value {
    let bodies = fake.chat_bodies();
    assert_eq!(bodies.len(), 1);
    let messages = bodies[0]["messages"].as_array().expect("messages");
    messages.last().expect("the prompt")["content"].clone()
}

/// The prompt editor's rows: between its title and its bottom border.
fn prompt_rows(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|row| !row.contains("Prompt"))
        .skip(1)
        .take_while(|row| !row.starts_with(['└', '╰', '┗']))
        .map(|row| {
            row.trim_matches(|c: char| c == '│' || c == '┃' || c.is_whitespace())
                .to_string()
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multi_line_paste_lands_verbatim_with_or_without_bracketed_paste() {
    let e2e = E2e::start().await;
    let fake = &e2e.fake;
    answering(fake, "PASTE-ANSWERED");
    let tmux = e2e.prism("prism-paste", (100, 30), "-m alpha/model");
    tokio::task::block_in_place(|| {
        tmux.wait_for("the workbench", WAIT, |s| s.contains("alpha/model"));
        let expected = ["def f():", "return 1", "", "print(f())"];

        for bracketed in [true, false] {
            tmux.paste(CODE, bracketed);
            let screen = tmux.wait_for("the pasted lines", WAIT, |s| s.contains("print(f())"));
            assert_eq!(
                prompt_rows(&screen),
                expected,
                "bracketed: {bracketed}\n{screen}"
            );
            assert!(
                screen.contains("    return 1"),
                "indentation kept: {screen}"
            );
            assert!(fake.chat_requests().is_empty(), "a paste never sends");
            // Ctrl+C clears the prompt for the next paste.
            tmux.keys(&["C-c"]);
            tmux.wait_for("an empty prompt", WAIT, |s| !s.contains("print(f())"));
        }

        // Pasted, then sent with Enter: the request carries the text verbatim.
        tmux.paste(CODE, false);
        tmux.wait_for("the pasted lines", WAIT, |s| s.contains("print(f())"));
        tmux.keys(&["Enter"]);
        tmux.wait_for("the answer", WAIT, |s| s.contains("PASTE-ANSWERED"));
        tmux.quit("C-q");
    });
    assert_eq!(the_one_prompt_sent(fake), CODE);
}

/// A bare-keys paste longer than one read of the terminal (crossterm reads
/// 1 KiB at a time) lands whole, with no key pressed after it. With
/// crossterm's default edge-triggered reader the rest of the first read
/// waited in the terminal until the next key: a 2 KB paste stopped after
/// its first kilobyte.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_bare_keys_paste_lands_whole_without_another_key() {
    let e2e = E2e::start().await;
    let fake = &e2e.fake;
    answering(fake, "LONG-ANSWERED");
    let text: String = (0..400)
        .map(|i| format!("line {i}: the quick brown fox jumps over the lazy dog\n"))
        .chain(std::iter::once("END-OF-PASTE".to_string()))
        .collect();
    assert!(text.len() > 16 * 1024);
    let tmux = e2e.prism("prism-longpaste", (100, 30), "-m alpha/model");
    tokio::task::block_in_place(|| {
        tmux.wait_for("the workbench", WAIT, |s| s.contains("alpha/model"));
        let file = e2e.home().join("paste.txt");
        std::fs::write(&file, &text).expect("write the paste");
        tmux.paste_file(&file, false);
        tmux.wait_for("the end of the paste", WAIT, |s| s.contains("END-OF-PASTE"));
        assert!(fake.chat_requests().is_empty(), "a paste never sends");
        tmux.keys(&["Enter"]);
        tmux.wait_for("the answer", WAIT, |s| s.contains("LONG-ANSWERED"));
        tmux.quit("C-q");
    });
    assert_eq!(the_one_prompt_sent(fake), text.as_str());
}
