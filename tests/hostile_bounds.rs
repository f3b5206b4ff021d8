//! A hostile server against the real binary: the key goes only to its own
//! host and never shows (stdout, stderr, log, session files); answers,
//! catalogs and bodies stay within their caps (peak RSS of the child from
//! /proc); trickling and keep-alive bodies end at the request deadline;
//! config values are checked like flags.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};

use support::cli::{Output, prism_cmd, write_config};
use support::fake_upstream::hostile::Hostile;
use support::fake_upstream::{FakeUpstream, Reply, StreamReply};
use support::{TEST_KEY, files_under};

/// A config pointing OpenRouter at the fake, its key in PRISM_TEST_KEY,
/// plus `extra` lines.
fn config(home: &Path, fake: &FakeUpstream, extra: &str) -> String {
    let text = format!(
        "[providers.openrouter]\nbase_url = \"{}\"\nkind = \"openrouter\"\napi_key_env = \"PRISM_TEST_KEY\"\n{extra}",
        fake.base_url()
    );
    write_config(home, &text).to_string_lossy().into_owned()
}

/// Runs `command` to the end, sampling its peak resident set (VmHWM) from
/// /proc while it runs. Returns the output and the peak in MiB.
async fn run_measured(mut command: Command) -> (Output, u64) {
    let child = command.spawn().expect("spawn prism");
    let pid = child.id();
    let sampler = std::thread::spawn(move || {
        let mut peak_kib = 0;
        let status = format!("/proc/{pid}/status");
        // Until the process is gone (or a zombie, whose status has no VmHWM).
        while let Ok(text) = std::fs::read_to_string(&status) {
            let Some(kib) = text
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|value| {
                    value
                        .trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<u64>()
                        .ok()
                })
            else {
                break;
            };
            peak_kib = peak_kib.max(kib);
            std::thread::sleep(Duration::from_millis(5));
        }
        peak_kib
    });
    let output = tokio::task::spawn_blocking(move || child.wait_with_output())
        .await
        .expect("join")
        .expect("prism ran");
    let peak_kib = sampler.join().expect("sampler");
    (Output::checked(output), peak_kib / 1024)
}

async fn run(command: Command) -> Output {
    support::cli::run(command, None).await
}

fn compare(home: &Path, config: &str, args: &[&str]) -> Command {
    let mut command = prism_cmd(home);
    command.args(["--config", config, "compare", "--format", "json"]);
    command.args(args);
    command
}

/// No file prism wrote under `home` holds the key.
fn assert_no_key_in_files(home: &Path) {
    for path in files_under(home) {
        let bytes = std::fs::read(&path).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(TEST_KEY), "the key is in {}", path.display());
    }
}

fn log_text(home: &Path) -> String {
    std::fs::read_to_string(home.join("cache/prism/prism.log")).unwrap_or_default()
}

fn error_of(out: &Output) -> Value {
    out.json()["results"][0]["error"].clone()
}

// --- The key goes only to its own host -------------------------------------

/// `prism compare` with OPENROUTER_API_KEY set and `args` before `compare`.
fn with_openrouter_key(home: &Path, args: &[&str]) -> Command {
    let mut command = prism_cmd(home);
    command.env("OPENROUTER_API_KEY", TEST_KEY);
    command.args(args);
    command.args([
        "compare",
        "--format",
        "json",
        "--max-retries",
        "0",
        "-m",
        "a/model",
        "Q",
    ]);
    command
}

fn sent_the_key(fake: &FakeUpstream) -> bool {
    fake.requests()
        .iter()
        .any(|r| r.headers.iter().any(|(_, value)| value.contains(TEST_KEY)))
}

#[tokio::test]
async fn a_url_that_names_openrouter_in_its_user_part_gets_no_key() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(|_| Reply::error(401, "No auth credentials found"));
    let sneaky = format!("http://api.openrouter.ai:pw@{}/v1", fake.addr);
    let out = run(with_openrouter_key(home.path(), &["--base-url", &sneaky])).await;

    assert_eq!(fake.chat_requests().len(), 1, "the request still goes");
    assert!(!sent_the_key(&fake), "the OpenRouter key went to 127.0.0.1");
    assert_eq!(out.status, 1);
    let error = error_of(&out);
    assert_eq!(error["kind"], json!("missing_api_key"));
    let here = fake.addr.to_string();
    assert_eq!(
        error["message"],
        json!(format!(
            "openrouter wants an API key (401); prism held back the key in OPENROUTER_API_KEY on purpose: it belongs to openrouter.ai, not {here}. To send it to {here}, pass --api-key-env OPENROUTER_API_KEY"
        ))
    );
}

#[tokio::test]
async fn saying_kind_openrouter_does_not_send_the_key_elsewhere() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["hi"])));
    let config = write_config(
        home.path(),
        "[providers.openrouter]\nkind = \"openrouter\"\n",
    );
    let config = config.to_string_lossy();
    let url = fake.base_url();
    let out = run(with_openrouter_key(
        home.path(),
        &["--config", &config, "--base-url", &url],
    ))
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(!sent_the_key(&fake), "the OpenRouter key went to 127.0.0.1");

    // Named explicitly, it goes.
    let out = run(with_openrouter_key(
        home.path(),
        &[
            "--config",
            &config,
            "--base-url",
            &url,
            "--api-key-env",
            "OPENROUTER_API_KEY",
        ],
    ))
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let last = fake.chat_requests().pop().expect("a request");
    assert_eq!(
        last.header("authorization"),
        Some(format!("Bearer {TEST_KEY}").as_str())
    );
}

#[tokio::test]
async fn a_redirect_to_another_host_drops_the_key() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    let elsewhere = FakeUpstream::start().await;
    elsewhere.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["moved"])));
    let location = format!("{}/chat/completions", elsewhere.base_url());
    fake.any_model(move |_| Reply::status(307, "").with_header("location", &location));
    let config = config(home.path(), &fake, "");
    let out = run(compare(home.path(), &config, &["-m", "a/model", "Q"])).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.json()["results"][0]["text"], json!("moved"));
    assert_eq!(
        fake.chat_requests()[0].header("authorization"),
        Some(format!("Bearer {TEST_KEY}").as_str()),
        "its own host gets it"
    );
    assert!(!sent_the_key(&elsewhere), "the redirect target got the key");
}

// --- The key never shows ----------------------------------------------------

#[tokio::test]
async fn a_key_echoed_in_an_error_body_is_redacted_everywhere() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(|_| Hostile::EchoAuthError { status: 500 }.into());
    let config = config(home.path(), &fake, "");
    let mut command = compare(
        home.path(),
        &config,
        &["--max-retries", "1", "-m", "a/model", "Q"],
    );
    command.env("PRISM_LOG", "debug");
    let out = run(command).await;

    assert_eq!(out.status, 1);
    let message = error_of(&out)["message"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        message.contains("rejected Authorization: Bearer [redacted] (debug echo)"),
        "{message}"
    );
    // In text format the retry notice and the failure go to the terminal.
    let mut command = prism_cmd(home.path());
    command.args([
        "--config",
        &config,
        "compare",
        "--max-retries",
        "1",
        "-m",
        "a/model",
        "Q",
    ]);
    let out = run(command).await;
    assert_eq!(out.status, 1);
    assert!(
        out.stderr
            .contains("Bearer [redacted] (debug echo): key=[redacted]; retrying in"),
        "{}",
        out.stderr
    );
    // The log (at debug) and every file: no key.
    let log = log_text(home.path());
    assert!(log.contains("[redacted]"), "the failure is logged: {log}");
    assert_no_key_in_files(home.path());
}

#[tokio::test]
async fn a_key_echoed_inside_an_answer_is_redacted_even_when_split() {
    for piece_bytes in [1, 3, 7, 64] {
        let home = tempfile::tempdir().expect("home");
        let fake = FakeUpstream::start().await;
        fake.any_model(move |_| Hostile::EchoAuthStream { piece_bytes }.into());
        let config = config(home.path(), &fake, "");
        let out = run(compare(home.path(), &config, &["-m", "a/model", "Q"])).await;
        assert_eq!(out.status, 0, "{}", out.stderr);
        let result = &out.json()["results"][0];
        assert_eq!(
            result["text"],
            json!("Your key is [redacted]. Keep it safe.")
        );
        assert_eq!(result["reasoning"], json!("thinking about [redacted]"));
        assert_eq!(result["served_model"], json!("echo/[redacted]"));
        assert_eq!(result["provider"], json!("Provider [redacted]"));
        assert_no_key_in_files(home.path());
    }
}

#[cfg(unix)]
#[tokio::test]
async fn the_log_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["hi"])));
    let config = config(home.path(), &fake, "");
    let out = run(compare(home.path(), &config, &["-m", "a/model", "Q"])).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let mode = |path: PathBuf| {
        std::fs::metadata(path)
            .expect("exists")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode(home.path().join("cache/prism")), 0o700);
    assert_eq!(mode(home.path().join("cache/prism/prism.log")), 0o600);
}

// --- Memory stays bounded ---------------------------------------------------

/// Far above what prism needs (about 20 MiB), far below what an unbounded
/// read reaches in the seconds these tests run (gigabytes).
const PEAK_RSS_CEILING_MIB: u64 = 200;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_endless_answer_stops_at_the_cap_and_keeps_what_came() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(|_| Hostile::EndlessAnswer { delta_bytes: 1000 }.into());
    let config = config(home.path(), &fake, "[limits]\nmax_answer_mib = 2\n");
    let (out, peak_mib) =
        run_measured(compare(home.path(), &config, &["-m", "a/model", "Q"])).await;

    assert_eq!(out.status, 1, "{}", out.stderr);
    let result = &out.json()["results"][0];
    assert_eq!(result["error"]["kind"], json!("too_large"));
    assert_eq!(
        result["error"]["message"],
        json!(
            "the answer passed 2 MiB, the cap ([limits] max_answer_mib); stopped reading; what arrived is kept"
        )
    );
    let text = result["text"].as_str().unwrap_or_default();
    assert_eq!(
        text.len(),
        2 * 1024 * 1024,
        "everything up to the cap is kept"
    );
    assert!(text.bytes().all(|b| b == b'x'));
    assert!(peak_mib < PEAK_RSS_CEILING_MIB, "peak RSS {peak_mib} MiB");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_huge_catalog_is_refused_and_not_cached() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.hostile_catalog(Hostile::HugeCatalog {
        bytes: 1024 * 1024 * 1024,
    });
    let config = config(home.path(), &fake, "[limits]\nmax_catalog_mib = 4\n");
    let mut command = prism_cmd(home.path());
    command.args(["--config", &config, "models", "--refresh"]);
    let (out, peak_mib) = run_measured(command).await;

    let url = format!("{}/models", fake.base_url());
    assert!(
        out.stderr.contains(&format!(
            "the catalog at {url} passed 4 MiB, the cap ([limits] max_catalog_mib); nothing was cached"
        )),
        "{}",
        out.stderr
    );
    let cached = files_under(&home.path().join("cache/prism/catalog"));
    assert!(cached.is_empty(), "cached: {cached:?}");
    assert!(peak_mib < PEAK_RSS_CEILING_MIB, "peak RSS {peak_mib} MiB");
}

#[tokio::test]
async fn a_json_answer_over_64_kib_is_read_whole() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    let text = "long answer ".repeat(20_000);
    let body = json!({
        "id": "chatcmpl-1", "model": "a/model",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 40000, "total_tokens": 40003}
    })
    .to_string();
    assert!(body.len() > 200 * 1024);
    fake.any_model(move |_| Reply::status(200, body.clone()));
    let config = config(home.path(), &fake, "");
    let out = run(compare(home.path(), &config, &["-m", "a/model", "Q"])).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.json()["results"][0]["text"], json!(text));
}

// --- Time stays bounded -------------------------------------------------------

/// `compare` against `reply` with a 2 s idle timeout and a 3 s deadline.
async fn against_a_slow_body(reply: Hostile) -> Output {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(move |_| reply.clone().into());
    let config = config(home.path(), &fake, "");
    let args = [
        "--max-retries",
        "0",
        "--idle-timeout",
        "2",
        "--request-timeout",
        "3",
        "-m",
        "a/model",
        "Q",
    ];
    let out = run(compare(home.path(), &config, &args)).await;
    assert_eq!(out.status, 1, "{}", out.stderr);
    out
}

const DEADLINE_MESSAGE: &str = "no complete answer within 3s, the request deadline (raise --request-timeout or [network] request_timeout_secs to wait longer)";

#[tokio::test]
async fn a_trickling_body_ends_at_the_request_deadline() {
    // A byte every 10 ms is never idle for 2 s: only the deadline ends it.
    let out = against_a_slow_body(Hostile::Trickle {
        every: Duration::from_millis(10),
    })
    .await;
    let result = &out.json()["results"][0];
    assert_eq!(result["error"]["kind"], json!("timeout"));
    assert_eq!(result["error"]["message"], json!(DEADLINE_MESSAGE));
    assert!(
        result["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("t0 ")),
        "what trickled in is kept: {result}"
    );
}

#[tokio::test]
async fn endless_keep_alive_comments_end_at_the_request_deadline() {
    let out = against_a_slow_body(Hostile::KeepAliveForever {
        every: Duration::from_millis(100),
    })
    .await;
    assert_eq!(error_of(&out)["kind"], json!("timeout"));
    assert_eq!(error_of(&out)["message"], json!(DEADLINE_MESSAGE));
}

#[tokio::test]
async fn a_far_future_retry_after_is_not_waited_for() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(|_| {
        Reply::error(429, "slow down").with_header("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT")
    });
    let config = config(home.path(), &fake, "");
    let out = run(compare(
        home.path(),
        &config,
        &["--max-retries", "2", "-m", "a/model", "Q"],
    ))
    .await;
    assert_eq!(out.status, 1);
    assert_eq!(
        fake.chat_requests().len(),
        1,
        "a day's wait is past the retry budget"
    );
    assert_eq!(
        error_of(&out)["message"],
        json!("rate limited by openrouter (429): slow down (retry after 86400s)")
    );
}

// --- Config values are checked like flags ------------------------------------

#[tokio::test]
async fn absurd_config_values_exit_2_naming_the_key() {
    let home = tempfile::tempdir().expect("home");
    let cases = [
        (
            "[network]\nidle_timeout_secs = 0\n",
            "[network] idle_timeout_secs = 0: must be from 1 to 86400 seconds",
        ),
        (
            "[defaults]\ntemperature = 1e9\n",
            "[defaults] temperature = 1000000000: must be a number from 0 to 2",
        ),
        (
            "[preferences]\nmax_price = { prompt = -1, completion = 1 }\n",
            "[preferences] max_price.prompt = -1: must be a number from 0 to 1000000 (USD)",
        ),
    ];
    for (text, message) in cases {
        let config = write_config(home.path(), text);
        let mut command = prism_cmd(home.path());
        command.args([
            "--config",
            &config.to_string_lossy(),
            "compare",
            "-m",
            "a/b",
            "Q",
        ]);
        let out = run(command).await;
        assert_eq!(out.status, 2, "{text}");
        assert_eq!(
            out.stderr.trim(),
            format!("prism: config file {}: {message}", config.display()),
            "{text}"
        );
    }
}

#[tokio::test]
async fn absurd_flags_exit_2_with_the_same_words() {
    let home = tempfile::tempdir().expect("home");
    let cases = [
        (
            vec!["--idle-timeout", "0"],
            "invalid value '0' for '--idle-timeout <SECS>': must be from 1 to 86400 seconds",
        ),
        (
            vec!["--request-timeout", "0"],
            "invalid value '0' for '--request-timeout <SECS>': must be from 1 to 86400 seconds",
        ),
        (
            vec!["--temperature", "1e9"],
            "invalid value '1e9' for '--temperature <F>': must be a number from 0 to 2",
        ),
        (
            vec!["--max-tokens", "0"],
            "invalid value '0' for '--max-tokens <N>': must be at least 1",
        ),
        (
            vec!["--max-price", "NaN,1"],
            "--max-price 'NaN,1' must be two numbers from 0 to 1000000",
        ),
    ];
    for (flags, message) in cases {
        let mut command = prism_cmd(home.path());
        command.args(["compare", "-m", "a/b"]).args(&flags).arg("Q");
        let out = run(command).await;
        assert_eq!(out.status, 2, "{flags:?}");
        assert!(out.stderr.contains(message), "{flags:?}: {}", out.stderr);
    }
}

#[tokio::test]
async fn an_oversized_dotenv_is_refused() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["hi"])));
    let mut dotenv = format!("PRISM_DOTENV_KEY={TEST_KEY}\n");
    dotenv.push_str(&"# padding\n".repeat(100_000));
    std::fs::write(home.path().join(".env"), dotenv).expect("write .env");
    let config = write_config(
        home.path(),
        &format!(
            "[providers.openrouter]\nbase_url = \"{}\"\nkind = \"openrouter\"\napi_key_env = \"PRISM_DOTENV_KEY\"\n",
            fake.base_url()
        ),
    );
    let mut command = prism_cmd(home.path());
    command.args([
        "--config",
        &config.to_string_lossy(),
        "compare",
        "--format",
        "json",
        "-m",
        "a/b",
        "Q",
    ]);
    let out = run(command).await;
    assert!(
        out.stderr
            .contains(".env: larger than 64 KiB, not read (a .env holds a few keys)"),
        "{}",
        out.stderr
    );
    assert_eq!(error_of(&out)["kind"], json!("missing_api_key"));
    assert!(fake.chat_requests().is_empty());
}

// --- Files ----------------------------------------------------------------

/// A saved session with one prompt, and its id.
fn saved_session(home: &Path) -> String {
    let store = prism::session::SessionStore::new(home.join("data/prism/sessions"));
    let mut session = prism::session::Session::new("20260101-120000-abcd".into(), 1_767_268_800);
    session.name = Some("exported".into());
    store.save(&session).expect("save");
    session.id
}

fn export_to(home: &Path, target: &Path) -> Output {
    let mut command = prism_cmd(home);
    command.args(["sessions", "export", "20260101"]);
    command.arg("-o").arg(target);
    support::cli::run_blocking(command)
}

#[cfg(unix)]
#[test]
fn export_writes_into_a_fifo_instead_of_replacing_it() {
    use std::os::unix::fs::FileTypeExt;
    let home = tempfile::tempdir().expect("home");
    saved_session(home.path());
    let fifo = home.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).expect("read the fifo"))
    };
    let out = export_to(home.path(), &fifo);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(reader.join().expect("reader").starts_with("# "));
    let kind = std::fs::symlink_metadata(&fifo)
        .expect("still there")
        .file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced by a {kind:?}");
}

#[cfg(unix)]
#[test]
fn export_writes_through_a_symlink_and_a_device_without_replacing_them() {
    use std::os::unix::fs::FileTypeExt;
    let home = tempfile::tempdir().expect("home");
    saved_session(home.path());
    let target = home.path().join("report.md");
    std::fs::write(&target, "old").expect("write");
    let link = home.path().join("link.md");
    std::os::unix::fs::symlink(&target, &link).expect("symlink");
    let out = export_to(home.path(), &link);
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .expect("read")
            .starts_with("# ")
    );

    // A device node of our own (only root may make one): written, not replaced.
    let null = home.path().join("null");
    let made = Command::new("mknod")
        .arg(&null)
        .args(["c", "1", "3"])
        .output();
    if made.is_ok_and(|m| m.status.success()) {
        let out = export_to(home.path(), &null);
        assert_eq!(out.status, 0, "{}", out.stderr);
        let kind = std::fs::symlink_metadata(&null).expect("node").file_type();
        assert!(
            kind.is_char_device(),
            "the device was replaced by a {kind:?}"
        );
    }
}

/// The workbench with `args` against `fake`, in a 120×40 terminal in `home`.
fn workbench(home: &Path, fake: &FakeUpstream, args: &str) -> support::tmux::Tmux {
    let command = support::tmux::prism_command(&fake.base_url(), args);
    support::tmux::Tmux::prism("prism-hostile", (120, 40), home, TEST_KEY, &command)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signals_restore_the_terminal_and_exit_128_plus_the_signal() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    for (signal, number) in [("QUIT", 3), ("TERM", 15), ("HUP", 1), ("INT", 2)] {
        let tmux = workbench(home.path(), &fake, "-m alpha/model");
        tokio::task::block_in_place(|| {
            tmux.wait_for("the workbench", Duration::from_secs(15), |s| {
                s.contains("1 alpha/model")
            });
            let pid = tmux.prism_pid().expect("prism's pid");
            let sent = Command::new("kill")
                .arg(format!("-{signal}"))
                .arg(&pid)
                .status();
            assert!(sent.expect("kill").success());
            let status = 128 + number;
            tmux.wait_for("prism to exit", Duration::from_secs(10), |s| {
                s.contains(&format!("PRISM-EXITED-{status}"))
            });
            // Main screen, no mouse tracking: the terminal is the shell's again.
            let modes = tmux.run(&[
                "display-message",
                "-p",
                "#{alternate_on}#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}",
            ]);
            assert_eq!(
                modes.trim(),
                "0000",
                "SIG{signal} left the terminal in prism's modes"
            );
        });
    }
}

/// The session files in `home`, as (file name, prompts).
fn sessions_in(home: &Path) -> Vec<(String, Vec<String>)> {
    let dir = home.join("data/prism/sessions");
    let mut found: Vec<(String, Vec<String>)> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
        .map(|e| {
            let bytes = std::fs::read(e.path()).expect("read");
            let session: prism::session::Session = serde_json::from_slice(&bytes).expect("parses");
            let prompts = session.turns.iter().map(|t| t.prompt.clone()).collect();
            (session.id, prompts)
        })
        .collect();
    found.sort();
    found
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_workbench_on_the_same_session_opens_a_copy() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["fine"])));
    let first = workbench(home.path(), &fake, "-m alpha/model");
    tokio::task::block_in_place(|| {
        first.wait_for("the workbench", Duration::from_secs(15), |s| {
            s.contains("1 alpha/model")
        });
        first.send_prompt("one");
        first.wait_for("the answer", Duration::from_secs(15), |s| {
            s.contains("· done")
        });
    });
    // Saved by the writer task soon after the answer shows.
    let mut sessions = sessions_in(home.path());
    for _ in 0..200 {
        if sessions
            .first()
            .is_some_and(|(_, prompts)| prompts.len() == 1)
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        sessions = sessions_in(home.path());
    }
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    let original = sessions[0].0.clone();

    let second = workbench(home.path(), &fake, &format!("--resume {original}"));
    tokio::task::block_in_place(|| {
        let screen = second.wait_for("the copy notice", Duration::from_secs(15), |s| {
            s.contains("is open in another prism")
        });
        assert!(
            screen.contains(&format!("session {original} is open in another prism (pid")),
            "{screen}"
        );
        second.send_prompt("two from the second");
        second.wait_for("its answer", Duration::from_secs(15), |s| {
            s.matches("· done").count() >= 1 && s.contains("two from the second")
        });
        first.send_prompt("two from the first");
        first.wait_for("its answer", Duration::from_secs(15), |s| {
            s.contains("two from the first") && s.matches("· done").count() >= 1
        });
        second.quit("C-q");
        first.quit("C-q");
    });

    let sessions = sessions_in(home.path());
    let prompts = |id: &str| {
        sessions
            .iter()
            .find(|(s, _)| s == id)
            .map(|(_, p)| p.clone())
    };
    assert_eq!(
        prompts(&original),
        Some(vec!["one".to_string(), "two from the first".to_string()]),
        "the first workbench's session keeps its turns: {sessions:?}"
    );
    let copies: Vec<_> = sessions.iter().filter(|(id, _)| *id != original).collect();
    assert_eq!(copies.len(), 1, "{sessions:?}");
    assert_eq!(
        copies[0].1,
        vec!["one".to_string(), "two from the second".to_string()]
    );
    // Both quit: no lock file is left behind.
    let leftovers: Vec<_> = files_under(&home.path().join("data/prism/sessions"))
        .into_iter()
        .filter(|p| p.to_string_lossy().ends_with(".lock"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test]
async fn compare_interrupted_by_ctrl_c_reports_and_exits_130() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(|_| {
        Hostile::KeepAliveForever {
            every: Duration::from_millis(100),
        }
        .into()
    });
    let config = config(home.path(), &fake, "");
    let child =
        tokio::process::Command::from(compare(home.path(), &config, &["-m", "a/model", "Q"]))
            .spawn()
            .expect("spawn");
    for _ in 0..200 {
        if !fake.chat_requests().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let pid = child.id().expect("running").to_string();
    let sent = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(sent.success());
    let output = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("prism stops")
        .expect("prism ran");
    let out = Output::checked(output);
    assert_eq!(out.status, 130, "{}", out.stderr);
    assert_eq!(error_of(&out)["kind"], json!("cancelled"));
}
