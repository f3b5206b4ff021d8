//! The fuzz targets (`prism::fuzzing`) in the normal test run: each seed in
//! `fuzz/seeds/TARGET/`, then deterministic mutations of them, must not
//! panic. Seconds, not minutes (the counts are set by what an input costs in
//! a debug build); `fuzz/README.md` has the long, coverage-guided runs.

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]

use std::path::PathBuf;

use prism::fuzzing::{Mutator, target};

fn seeds(name: &str) -> Vec<Vec<u8>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(name);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("entry").path())
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read(p).expect("read seed"))
        .collect()
}

/// Runs target `name` over its seeds and `mutations` mutations of them;
/// fails with the first input that panics.
fn survives(name: &str, mutations: usize) {
    let run = target(name).expect("a known target");
    let seeds = seeds(name);
    assert!(!seeds.is_empty(), "no seeds for {name}");
    let mut mutator = Mutator::new(name.bytes().fold(0x5eed, |h: u64, b| {
        h.wrapping_mul(31).wrapping_add(u64::from(b))
    }));
    let mutated = (0..mutations).map(|i| {
        let seed = &seeds[i % seeds.len()];
        let other = &seeds[(i / seeds.len()) % seeds.len()];
        mutator.mutate(seed, other)
    });
    for input in seeds.clone().into_iter().chain(mutated) {
        if std::panic::catch_unwind(|| run(&input)).is_err() {
            panic!(
                "{name} panicked (message above) on {:?}",
                String::from_utf8_lossy(&input)
            );
        }
    }
}

#[test]
fn sse() {
    survives("sse", 3_000);
}

#[test]
fn chunk() {
    survives("chunk", 1_500);
}

#[test]
fn catalog() {
    survives("catalog", 1_500);
}

#[test]
fn generation() {
    survives("generation", 3_000);
}

#[test]
fn key() {
    survives("key", 3_000);
}

#[test]
fn session() {
    survives("session", 200);
}

#[test]
fn config() {
    survives("config", 300);
}

#[test]
fn dotenv() {
    survives("dotenv", 3_000);
}

#[test]
fn error_body() {
    survives("error_body", 3_000);
}
