//! The command line as users meet it: workbench flags before a command
//! applied or refused (never silently ignored), completions and the manual
//! page from the same definitions, `models` JSON prices as plain decimals,
//! `models --local` saying when it found nothing, `route` saying why each
//! rule did not fire.

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

use std::path::Path;

use serde_json::{Value, json};

use support::cli::{Output, prism_cmd, run, write_config};
use support::fake_upstream::{FakeUpstream, Reply, StreamReply};

async fn prism(home: &Path, args: &[&str]) -> Output {
    let mut command = prism_cmd(home);
    command.args(args);
    run(command, None).await
}

/// The default provider at the fake, its key from `PRISM_TEST_KEY`.
fn at(fake: &FakeUpstream) -> Vec<String> {
    vec![
        "--base-url".into(),
        fake.base_url(),
        "--api-key-env".into(),
        "PRISM_TEST_KEY".into(),
    ]
}

async fn prism_at(home: &Path, fake: &FakeUpstream, args: &[&str]) -> Output {
    let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    all.extend(at(fake));
    let all: Vec<&str> = all.iter().map(String::as_str).collect();
    prism(home, &all).await
}

#[tokio::test]
async fn workbench_flags_before_compare_apply_to_it() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["ok"])));
    let out = prism_at(
        home.path(),
        &fake,
        &[
            "-m",
            "a/first",
            "--temperature",
            "0.3",
            "--max-tokens",
            "64",
            "--system",
            "Be terse.",
            "compare",
            "-m",
            "b/second",
            "--format",
            "json",
            "Q",
        ],
    )
    .await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let models: Vec<Value> = out.json()["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["model"].clone())
        .collect();
    assert_eq!(models, vec![json!("a/first"), json!("b/second")]);
    for body in fake.chat_bodies() {
        assert_eq!(body["temperature"], json!(0.3), "{body}");
        assert_eq!(body["max_tokens"], json!(64), "{body}");
        assert_eq!(body["messages"][0]["content"], json!("Be terse."), "{body}");
    }
}

#[tokio::test]
async fn workbench_flags_a_command_cannot_take_are_refused() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.any_model(|model| Reply::Stream(StreamReply::tokens(model, &["ok"])));
    let cases: [(&[&str], &str); 5] = [
        (
            &["--temperature", "5", "compare", "-m", "a/b", "Q"],
            "invalid value '5' for '--temperature <F>': must be a number from 0 to 2",
        ),
        (
            &["--temperature", "0.5", "models"],
            "prism: --temperature is a workbench flag, and `models` does not take it: drop it, or run prism without a command",
        ),
        (
            &["-m", "a/b", "--blind", "sessions", "list"],
            "prism: -m/--model, --blind are workbench flags, and `sessions` does not take them",
        ),
        (
            &["--blind", "compare", "-m", "a/b", "Q"],
            "prism: --blind only opens the workbench; `compare` has no such flag",
        ),
        (
            &[
                "--temperature",
                "0.5",
                "compare",
                "--temperature",
                "1",
                "-m",
                "a/b",
                "Q",
            ],
            "prism: --temperature is given both before and after `compare`: give it once",
        ),
    ];
    for (args, says) in cases {
        let out = prism_at(home.path(), &fake, args).await;
        assert_eq!(out.status, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        assert_eq!(out.stdout, "", "{args:?}");
    }
    assert!(fake.chat_requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn completions_for_bash_zsh_and_fish() {
    let home = tempfile::tempdir().expect("home");
    for (shell, marker) in [
        ("bash", "complete -F _prism"),
        ("zsh", "#compdef prism"),
        ("fish", "complete -c prism"),
    ] {
        let out = prism(home.path(), &["completions", shell]).await;
        assert_eq!(out.status, 0, "{shell}: {}", out.stderr);
        assert!(out.stdout.contains(marker), "{shell}");
        // Every command and its flags are in it.
        for word in ["compare", "leaderboard", "max-tokens", "reasoning"] {
            assert!(out.stdout.contains(word), "{shell} lacks {word}");
        }
    }
    // bash reads the script without a syntax error.
    let script = home.path().join("prism.bash");
    let bash = prism(home.path(), &["completions", "bash"]).await;
    std::fs::write(&script, bash.stdout).expect("write");
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .status()
        .expect("bash runs");
    assert!(check.success());
    let out = prism(home.path(), &["completions", "powershell"]).await;
    assert_eq!(out.status, 2);
}

#[tokio::test]
async fn the_manual_page_comes_from_the_same_definitions() {
    let home = tempfile::tempdir().expect("home");
    let page = prism(home.path(), &["man"]).await;
    assert_eq!(page.status, 0, "{}", page.stderr);
    assert!(page.stdout.contains(".TH prism 1"), "{}", page.stdout);
    assert!(page.stdout.contains("compare"));
    let compare = prism(home.path(), &["man", "compare"]).await;
    assert!(compare.stdout.contains(".TH prism-compare 1"));
    assert!(
        compare
            .stdout
            .contains("The most tokens an answer may have (at least 1)"),
        "{}",
        compare.stdout
    );
    let nope = prism(home.path(), &["man", "nope"]).await;
    assert_eq!(nope.status, 2);
    assert!(nope.stderr.contains("no command 'nope'"), "{}", nope.stderr);
}

#[tokio::test]
async fn models_json_prices_are_plain_decimal_strings() {
    let home = tempfile::tempdir().expect("home");
    let fake = FakeUpstream::start().await;
    fake.catalog(
        json!({"data": [
            {"id": "a/priced", "pricing": {"prompt": "0.0000025", "completion": "0.00001", "request": "0"}},
            {"id": "b/dynamic", "pricing": {"prompt": "-1", "completion": "-1"}}
        ]})
        .to_string(),
    );
    let out = prism_at(home.path(), &fake, &["models", "--json"]).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    let models = &out.json()["models"];
    assert_eq!(
        models[0]["pricing"],
        json!({"prompt": "0.0000025", "completion": "0.00001", "request": "0"})
    );
    assert_eq!(
        models[1]["pricing"],
        json!({"prompt": null, "completion": null})
    );
}

#[tokio::test]
async fn models_local_says_when_it_found_nothing() {
    let home = tempfile::tempdir().expect("home");
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let config = write_config(
        home.path(),
        &format!(
            "[discovery]\nports = {{ ollama = {port}, lmstudio = 0, llamacpp = 0, vllm = 0 }}\n"
        ),
    );
    let config = config.to_str().expect("utf-8 path");
    let out = prism(home.path(), &["models", "--local", "--config", config]).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "", "no empty table");
    assert!(
        out.stderr.contains(&format!(
            "prism: no local model server found; tried ollama at http://127.0.0.1:{port}/v1"
        )),
        "{}",
        out.stderr
    );
    let json = prism(
        home.path(),
        &["models", "--local", "--json", "--config", config],
    )
    .await;
    assert_eq!(json.json(), json!({"servers": []}));
}

#[tokio::test]
async fn route_says_which_condition_of_each_rule_failed() {
    let home = tempfile::tempdir().expect("home");
    let config = write_config(
        home.path(),
        "[routers.saver]\ndefault = \"big/model\"\n\
         [[routers.saver.rules]]\nname = \"short\"\nmax_prompt_tokens = 3\nmodel = \"small/model\"\n\
         [[routers.saver.rules]]\nname = \"code\"\npattern = 'fn main'\nmodel = \"code/model\"\n",
    );
    let config = config.to_str().expect("utf-8 path");
    let prompt = "Explain why the sky is blue to a curious child";
    let out = prism(home.path(), &["route", "saver", prompt, "--config", config]).await;
    assert_eq!(out.status, 0, "{}", out.stderr);
    assert!(
        out.stdout.contains(
            "skipped     short: ≈12 tokens > 3\nskipped     code: no match for /fn main/\n"
        ),
        "{}",
        out.stdout
    );
    let json = prism(
        home.path(),
        &["route", "saver", prompt, "--json", "--config", config],
    )
    .await;
    assert_eq!(
        json.json()["skipped"],
        json!(["short: ≈12 tokens > 3", "code: no match for /fn main/"])
    );
}

#[tokio::test]
async fn max_cost_is_read_exactly_and_absurd_budgets_are_refused() {
    let home = tempfile::tempdir().expect("home");
    let suite = home.path().join("suite.toml");
    std::fs::write(
        &suite,
        "models = [\"a/b\"]\n[[cases]]\nid = \"one\"\nprompt = \"Q\"\n",
    )
    .expect("suite");
    let suite = suite.to_string_lossy().into_owned();
    for budget in ["NaN", "inf", "-1", "1e9", "three"] {
        let out = prism(
            home.path(),
            &["eval", &suite, "--max-cost", budget, "--estimate"],
        )
        .await;
        assert_eq!(out.status, 2, "{budget}: {}", out.stderr);
        assert!(
            out.stderr.contains(&format!(
                "invalid value '{budget}' for '--max-cost <USD>': must be a number from 0 to"
            )),
            "{budget}: {}",
            out.stderr
        );
    }
}
