//! `prism eval --tui`, the real binary in a real terminal (tmux on a
//! private socket; only that server is ever killed) against the fake
//! upstream example (`target/debug/examples/fake_upstream`, built by
//! `cargo test`) as a process of its own: the grid fills in, a case opens
//! side by side with its checks, help opens, a case goes to the workbench;
//! quitting mid-run leaves a journal that a resume finishes without
//! running anything twice; and a finished run opens from the workbench.

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

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::Duration;

use support::cli::{prism_cmd, run_blocking};
use support::tmux::Tmux;

/// How long a wait may take before it fails: a guard, not a figure.
const WAIT: Duration = Duration::from_secs(90);

/// The fake upstream example, killed (by its own handle) when dropped.
struct FakeServer {
    child: Child,
    base_url: String,
    /// Kept open, so that a later line on its stderr is no broken pipe.
    _stderr: BufReader<ChildStderr>,
}

impl FakeServer {
    /// Answers of `words` words at `rate` words a second.
    fn start(words: u32, rate: u32) -> FakeServer {
        let prism = PathBuf::from(env!("CARGO_BIN_EXE_prism"));
        let binary = prism
            .parent()
            .expect("the target dir")
            .join("examples")
            .join("fake_upstream");
        assert!(
            binary.exists(),
            "{} is missing: `cargo test` builds it (or `cargo build --example fake_upstream`)",
            binary.display()
        );
        // Port 0: the server binds a free port itself and says which once it
        // serves. Picking a port here and handing it over raced with other
        // tests binding port 0 in between (then prism talked to their server).
        let mut child = Command::new(binary)
            .args(["--port", "0"])
            .args(["--tokens", &words.to_string()])
            .args(["--rate", &rate.to_string()])
            .args(["--ttft-ms", "50"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the fake upstream starts");
        let mut stderr = BufReader::new(child.stderr.take().expect("its stderr"));
        let mut line = String::new();
        stderr
            .read_line(&mut line)
            .expect("the fake upstream says where it listens");
        let base_url = line
            .trim()
            .strip_prefix("fake upstream on ")
            .unwrap_or_else(|| panic!("the fake upstream said {line:?}"))
            .to_string();
        FakeServer {
            child,
            base_url,
            _stderr: stderr,
        }
    }

    fn base_url(&self) -> String {
        self.base_url.clone()
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Three priced columns, four cases; every answer holds "w3", none "zebra".
fn write_suite(home: &Path, repeat: u32) -> PathBuf {
    let suite = format!(
        r#"name = "live"
columns = ["openai/gpt-4o-mini", "meta-llama/llama-3.1-8b-instruct", "mistralai/mistral-small-3.2-24b-instruct"]
[defaults]
max_tokens = 40
repeat = {repeat}
[[checks]]
type = "icontains"
value = "w3"
[[cases]]
id = "refund"
prompt = "A customer asks for a refund on a kettle."
[[cases.checks]]
type = "contains"
value = "zebra"
[[cases]]
id = "shipping"
prompt = "Where is my parcel?"
[[cases]]
id = "greeting"
prompt = "Say hello."
[[cases]]
id = "escalate"
prompt = "I want a manager."
"#
    );
    let path = home.join("suite.toml");
    std::fs::write(&path, suite).expect("write the suite");
    path
}

fn eval_command(fake: &FakeServer, args: &str) -> String {
    support::tmux::prism_command(&fake.base_url(), &format!("eval {args}"))
}

/// N of the header's "running N/TOTAL" (0 when not running).
fn done_while_running(screen: &str) -> u32 {
    screen
        .split("running ")
        .nth(1)
        .and_then(|rest| rest.split('/').next()?.parse().ok())
        .unwrap_or(0)
}

fn exit_status(screen: &str) -> Option<i32> {
    screen
        .lines()
        .find_map(|line| line.trim().strip_prefix("PRISM-EXITED-")?.parse().ok())
}

#[test]
fn the_grid_fills_in_a_case_opens_side_by_side_and_goes_to_the_workbench() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeServer::start(30, 60);
    write_suite(home.path(), 1);
    let command = eval_command(&fake, "suite.toml --tui --yes --concurrency 2");
    let tmux = Tmux::prism("prism-eval-tui", (160, 48), home.path(), "sk-e2e", &command);

    let screen = tmux.wait_for("the live grid", WAIT, |s| s.contains("cases × columns"));
    assert!(
        screen.contains("refund") && screen.contains("escalate"),
        "{screen}"
    );
    let screen = tmux.wait_for("the run to finish", WAIT, |s| s.contains("finished 12/12"));
    assert!(screen.contains("✗") && screen.contains("✓"), "{screen}");
    assert!(
        screen.contains("◆"),
        "the Pareto front is marked:\n{screen}"
    );
    assert!(
        screen.contains("front: "),
        "the chart names the front:\n{screen}"
    );
    assert!(
        !screen.contains("in flight"),
        "nothing is left running:\n{screen}"
    );

    // The first case, side by side: its answers and its checks' reasons.
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the case's answers", WAIT, |s| {
        s.contains("case 1 of 4") && s.contains("END-openai/gpt-4o-mini")
    });
    assert!(screen.contains("\"zebra\" not found"), "{screen}");
    assert!(screen.contains("base: 1 openai/gpt-4o-mini"), "{screen}");
    tmux.keys(&["n"]);
    tmux.wait_for("the next case", WAIT, |s| s.contains("case 2 of 4"));
    tmux.keys(&["Escape"]);
    tmux.wait_for("the grid again", WAIT, |s| s.contains("cases × columns"));

    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["?"]);
    tmux.wait_for("help", WAIT, |s| {
        s.contains("Eval grid") && s.contains("Eval case")
    });
    tmux.keys(&["Escape"]);
    tmux.wait_for("help closed", WAIT, |s| !s.contains("Eval case"));

    // The selected case (the second, after n) goes to the workbench.
    std::thread::sleep(Duration::from_millis(300));
    tmux.keys(&["w"]);
    let screen = tmux.wait_for("the workbench on the case", WAIT, |s| {
        s.contains("opened session") && s.contains("eval case shipping")
    });
    assert!(screen.contains("Where is my parcel?"), "{screen}");
    assert!(
        screen.contains("END-mistralai/mistral-small-3.2-24b-instruct"),
        "{screen}"
    );
    tmux.keys(&["C-c"]);
    let screen = tmux.wait_for("prism to exit", WAIT, |s| exit_status(s).is_some());
    // The report follows on the plain terminal; some answers failed: 1.
    assert_eq!(exit_status(&screen), Some(1), "{screen}");
    assert!(screen.contains("failures and errors"), "{screen}");
}

#[test]
fn quitting_mid_run_keeps_the_journal_and_a_resume_runs_only_the_rest() {
    let home = tempfile::tempdir().expect("home");
    // Slow answers (about 2 s each), two at a time: the run is far from done when q comes.
    let fake = FakeServer::start(40, 20);
    write_suite(home.path(), 2);
    let command = eval_command(&fake, "suite.toml --tui --yes --concurrency 2");
    let tmux = Tmux::prism("prism-eval-tui", (120, 40), home.path(), "sk-e2e", &command);
    tmux.wait_for("a first result", WAIT, |s| done_while_running(s) > 0);
    tmux.keys(&["q"]);
    tmux.wait_for("the question", WAIT, |s| s.contains("q again stops it"));
    tmux.keys(&["q"]);
    let screen = tmux.wait_for("prism to exit", WAIT, |s| exit_status(s).is_some());
    assert_eq!(exit_status(&screen), Some(130), "{screen}");
    assert!(screen.contains("prism eval --resume"), "{screen}");
    let mode = tmux.run(&["display-message", "-p", "#{alternate_on}"]);
    assert_eq!(mode.trim(), "0", "the terminal is restored");

    // The journal parses and the resume runs only what is missing.
    let mut list = prism_cmd(home.path());
    list.args(["runs", "list", "--json"]);
    let runs = run_blocking(list).json();
    let run = runs["runs"][0]["id"]
        .as_str()
        .expect("a run id")
        .to_string();
    let done_before = runs["runs"][0]["results"].as_u64().expect("results so far");
    assert!(done_before > 0 && done_before < 24, "{runs}");
    let mut resume = prism_cmd(home.path());
    resume.args([
        "--base-url",
        &fake.base_url(),
        "--api-key-env",
        "PRISM_TEST_KEY",
        "eval",
        "--resume",
        &run,
        "--yes",
        "--format",
        "json",
    ]);
    let report = resume.output().expect("the resume ran");
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).expect("a JSON report");
    let results = json["results"].as_array().expect("results");
    assert_eq!(results.len(), 24, "every cell once");
    let mut cells: Vec<(String, String, u64)> = results
        .iter()
        .map(|r| {
            (
                r["case_id"].as_str().unwrap().to_string(),
                r["column"].as_str().unwrap().to_string(),
                r["repeat_index"].as_u64().unwrap(),
            )
        })
        .collect();
    cells.sort();
    cells.dedup();
    assert_eq!(cells.len(), 24, "every cell is in the report");
    // The journal holds each result once: none ran twice.
    let journal = home
        .path()
        .join("data/prism/runs")
        .join(format!("{run}.jsonl"));
    let text = std::fs::read_to_string(&journal).expect("the journal");
    let lines = text.lines().filter(|l| l.contains("\"case_id\"")).count();
    assert_eq!(lines, 24, "{}", journal.display());
}

/// A run made headless, then opened from the workbench (F5, Enter): its
/// grid and summary show; q comes back to the run list, Esc to the
/// workbench with the prompt as it was typed.
#[test]
fn a_run_opens_from_the_workbench_and_q_comes_back() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeServer::start(10, 200);
    write_suite(home.path(), 1);
    let mut eval = prism_cmd(home.path());
    eval.args([
        "--base-url",
        &fake.base_url(),
        "--api-key-env",
        "PRISM_TEST_KEY",
        "eval",
        "suite.toml",
        "--yes",
        "--format",
        "json",
    ]);
    let report = eval.output().expect("the eval ran");
    let json: serde_json::Value = serde_json::from_slice(&report.stdout).expect("a JSON report");
    let run = json["run_id"].as_str().expect("a run id").to_string();

    let command = format!(
        "{} --base-url {} --api-key-env PRISM_TEST_KEY -m openai/gpt-4o-mini",
        env!("CARGO_BIN_EXE_prism"),
        fake.base_url()
    );
    let tmux = Tmux::prism(
        "prism-eval-runs",
        (140, 40),
        home.path(),
        "sk-e2e",
        &command,
    );
    tmux.wait_for("the workbench", WAIT, |s| s.contains("openai/gpt-4o-mini"));
    tmux.type_text("a prompt kept aside");
    tmux.wait_for("the typed prompt", WAIT, |s| {
        s.contains("a prompt kept aside")
    });
    tmux.keys(&["F5"]);
    let screen = tmux.wait_for("the run list", WAIT, |s| {
        s.contains("Eval runs (1)") && s.contains(&run)
    });
    assert!(
        screen.contains("live") && screen.contains("12/12"),
        "{screen}"
    );
    tmux.keys(&["Enter"]);
    let screen = tmux.wait_for("the run's grid", WAIT, |s| {
        s.contains("cases × columns") && s.contains("finished 12/12")
    });
    assert!(
        screen.contains("refund") && screen.contains("escalate") && screen.contains("✓"),
        "{screen}"
    );
    assert!(screen.contains(&format!("run {run}")), "{screen}");
    tmux.keys(&["q"]);
    tmux.wait_for("the run list again", WAIT, |s| {
        s.contains("Eval runs (1)") && !s.contains("cases × columns")
    });
    tmux.keys(&["Escape"]);
    let screen = tmux.wait_for("the workbench again", WAIT, |s| !s.contains("Eval runs"));
    assert!(screen.contains("a prompt kept aside"), "{screen}");
    tmux.keys(&["C-q"]);
    let screen = tmux.wait_for("prism to exit", WAIT, |s| exit_status(s).is_some());
    assert_eq!(exit_status(&screen), Some(0), "{screen}");
}
