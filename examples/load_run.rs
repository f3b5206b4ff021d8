//! The load run of `benches/README.md`: the real `prism` binary in tmux,
//! eight panes, each streaming 25,000 tokens at 5,000 tokens/s from the fake
//! upstream in this process. It reports how long after each stream's end its
//! last words were on screen, and prism's CPU time over the streams.
//!
//! cargo build --release && cargo run --release --example load_run
//! (options: --panes 8 --tokens 25000 --rate 5000 --prism target/release/prism)

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]
// Prints its own measurements, nothing from outside.
#![allow(clippy::disallowed_macros)]

#[path = "../tests/support/fake_upstream.rs"]
mod fake_upstream;
#[path = "../tests/support/tmux.rs"]
mod tmux;

use std::time::{Duration, Instant};

use clap::Parser;
use fake_upstream::{FakeUpstream, Reply, StreamReply};
use serde_json::json;
use tmux::Tmux;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 8)]
    panes: usize,
    #[arg(long, default_value_t = 25_000)]
    tokens: usize,
    /// Tokens per second per stream.
    #[arg(long, default_value_t = 5_000.0)]
    rate: f64,
    #[arg(long, default_value = "target/release/prism")]
    prism: String,
    #[arg(long, default_value_t = 160)]
    width: u16,
    #[arg(long, default_value_t = 48)]
    height: u16,
    /// Write every token with its own write (by default tokens due in the
    /// same millisecond share one write, as a server's event loop would).
    #[arg(long)]
    write_each: bool,
}

fn reply(model: &str, tokens: usize, rate: f64, write_each: bool) -> Reply {
    let words = (0..tokens).map(|i| {
        let word = if i % 50 == 49 {
            format!("w{i}\n\n")
        } else {
            format!("w{i} ")
        };
        json!({"content": word})
    });
    let stream =
        StreamReply::words(model, words, &format!(" END-{model}"), 20, Some(0.001)).rate(rate);
    Reply::Stream(if write_each {
        stream.write_each()
    } else {
        stream
    })
}

/// (user, system) CPU time of a process in seconds, from /proc/PID/stat
/// (in clock ticks of 1/100 s, the Linux default).
fn cpu_secs(pid: &str) -> (f64, f64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let after_name = stat.rsplit_once(')').map(|(_, rest)| rest).unwrap_or("");
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    let field = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
            / 100.0
    };
    (field(11), field(12))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args = Args::parse();
    let fake = FakeUpstream::start().await;
    let (tokens, rate, write_each) = (args.tokens, args.rate, args.write_each);
    fake.any_model(move |model| reply(model, tokens, rate, write_each));

    let home = std::env::temp_dir().join(format!("prism-load-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&home);
    let models: Vec<String> = (1..=args.panes).map(|i| format!("load/m{i}")).collect();
    let mut command = format!(
        "cd {home} && XDG_CONFIG_HOME={home}/c XDG_CACHE_HOME={home}/k XDG_DATA_HOME={home}/d {prism} --base-url {url}",
        home = home.display(),
        prism = std::fs::canonicalize(&args.prism)
            .map(|p| p.display().to_string())
            .unwrap_or(args.prism.clone()),
        url = fake.base_url()
    );
    for model in &models {
        command.push_str(&format!(" -m {model}"));
    }
    command.push_str("; echo PRISM-EXITED-$?; sleep 30");
    let tmux = Tmux::start("prism-load", (args.width, args.height), &command);

    let outcome = tokio::task::block_in_place(|| run(&tmux, &fake, &models, &args));
    // Quit prism first: killed with its terminal, it would save the session
    // again after the home below is gone, and leave it behind.
    tmux.keys(&["C-c"]);
    let _ = tmux.try_wait_for(Duration::from_secs(10), |s| s.contains("PRISM-EXITED"));
    drop(tmux);
    let _ = std::fs::remove_dir_all(&home);
    if let Err(message) = outcome {
        eprintln!("load run failed: {message}");
        std::process::exit(1);
    }
}

fn run(tmux: &Tmux, fake: &FakeUpstream, models: &[String], args: &Args) -> Result<(), String> {
    tmux.try_wait_for(Duration::from_secs(15), |s| s.contains("Prompt"))
        .map_err(|_| "the workbench did not open")?;
    let pid = tmux.prism_pid().ok_or("prism's pid not found")?;

    let cpu_before = cpu_secs(&pid);
    tmux.send_prompt("stream please");
    let sent = Instant::now();
    let mut seen: Vec<Option<Instant>> = vec![None; models.len()];
    while seen.iter().any(Option::is_none) {
        if sent.elapsed() > Duration::from_secs(120) {
            return Err(format!("not every pane finished on screen: {seen:?}"));
        }
        let screen = tmux.screen();
        let now = Instant::now();
        for (i, model) in models.iter().enumerate() {
            if seen[i].is_none() && screen.contains(&format!("END-{model}")) {
                seen[i] = Some(now);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let cpu_after = cpu_secs(&pid);
    let ends = fake.stream_ends();
    let first_start = sent;
    let last_end = ends
        .iter()
        .map(|(_, at)| *at)
        .max()
        .ok_or("no stream ended")?;
    let stream_secs = last_end.duration_since(first_start).as_secs_f64();
    let mut worst_lag = Duration::ZERO;
    println!("pane  stream end → on screen");
    for (i, model) in models.iter().enumerate() {
        let end = ends
            .iter()
            .find(|(m, _)| m == model)
            .map(|(_, at)| *at)
            .ok_or(format!("{model} never ended"))?;
        let shown = seen[i].ok_or("unseen")?;
        let lag = shown.saturating_duration_since(end);
        worst_lag = worst_lag.max(lag);
        println!("{model:<9} +{:>4} ms", lag.as_millis());
    }
    let user = cpu_after.0 - cpu_before.0;
    let system = cpu_after.1 - cpu_before.1;
    let cpu = user + system;
    println!(
        "{} panes × {} tokens at {}/s: streams took {:.2} s; worst lag {} ms (screen polled every 20 ms)",
        models.len(),
        args.tokens,
        args.rate,
        stream_secs,
        worst_lag.as_millis()
    );
    println!(
        "prism CPU over the streams: {:.2} s ({:.2} s user, {:.2} s system) = {:.1}% of one core",
        cpu,
        user,
        system,
        100.0 * cpu / stream_secs
    );
    Ok(())
}
