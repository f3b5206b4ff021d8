//! The shape of the code, checked: the routing core, the session layer,
//! the eval runner and answer agreement import no terminal UI, no two modules import each
//! other (directly or round a loop), and no file passes 500 lines but a
//! listed few, a list that only shrinks. `house_report` prints the figures the checks rest on:
//!
//! ```sh
//! cargo test --test architecture -- --ignored --nocapture house_report
//! PRISM_HOUSE_ROOT=/some/other/checkout cargo test --test architecture -- --ignored --nocapture house_report
//! ```

// Test code: a failed expectation is a failed test, and a test may take
// one variant or fail (the lints guard the code that ships).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::wildcard_enum_match_arm
)]
// The house report prints its figures.
#![allow(clippy::disallowed_macros)]

#[path = "support/modules.rs"]
mod modules;

use std::path::{Path, PathBuf};

use modules::{MAX_FILE_LINES, ModuleGraph};

fn crate_root() -> PathBuf {
    std::env::var_os("PRISM_HOUSE_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

fn graph() -> ModuleGraph {
    ModuleGraph::load(&crate_root().join("src")).expect("the crate's modules parse")
}

/// The layers the headless commands share with the workbench.
const HEADLESS_LAYERS: [&str; 4] = ["router", "session", "eval", "agreement"];

/// Where a file of a headless layer names a terminal UI crate or the
/// workbench.
fn ui_offences(graph: &ModuleGraph) -> Vec<String> {
    let mut offences = Vec::new();
    for file in graph.files() {
        let layer = HEADLESS_LAYERS
            .into_iter()
            .find(|layer| file.module.get(1).map(String::as_str) == Some(*layer));
        let Some(layer) = layer else { continue };
        for path in &file.paths {
            let path = &path.segments;
            let first = path.first().map(String::as_str);
            let ui_crate = matches!(first, Some("ratatui" | "crossterm" | "ratatui_textarea"));
            let ui_module = first == Some("crate") && path.get(1).is_some_and(|m| m == "tui");
            if ui_crate || ui_module {
                offences.push(format!(
                    "{} ({layer}) uses {}",
                    file.relative,
                    path.join("::")
                ));
            }
        }
    }
    offences
}

/// The routing core, sessions, the eval runner and answer agreement are
/// shared by the headless CLI and the workbench: they must build without a terminal in
/// sight.
#[test]
fn the_routing_core_sessions_and_eval_import_no_terminal_ui() {
    let offences = ui_offences(&graph());
    assert!(
        offences.is_empty(),
        "the UI reached the core:\n{}",
        offences.join("\n")
    );
}

/// The lints that keep panics and catch-all arms out of shipped code are
/// set in Cargo.toml, where every target and CI's clippy run read them.
#[test]
fn cargo_toml_denies_unwrap_expect_and_wildcard_arms() {
    let manifest = std::fs::read_to_string(crate_root().join("Cargo.toml")).expect("Cargo.toml");
    let lints = manifest
        .split("\n[")
        .find(|table| table.starts_with("lints.clippy]"))
        .expect("a [lints.clippy] table");
    for lint in ["unwrap_used", "expect_used", "wildcard_enum_match_arm"] {
        assert!(
            lints
                .lines()
                .any(|line| line.replace(' ', "") == format!("{lint}=\"deny\"")),
            "Cargo.toml does not deny clippy::{lint}"
        );
    }
}

/// A module and its own submodules are one unit; between any others the
/// imports run one way only.
#[test]
fn modules_import_each_other_without_cycles() {
    let cycles = graph().cycles();
    assert!(
        cycles.is_empty(),
        "import cycles:\n{}",
        cycles
            .iter()
            .map(|c| format!("  {}", c.join(" ↔ ")))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// The checkers themselves: they see through `use` trees, `super`, inline
/// paths and `#[path]` modules, and let test code use anything.
#[test]
fn the_checkers_find_planted_cycles_and_ui_imports() {
    let dir = tempfile::tempdir().expect("temp dir");
    let src = dir.path();
    let write = |name: &str, text: &str| {
        let path = src.join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "lib.rs",
        "pub mod a;\npub mod b;\npub mod c;\npub mod d;\npub mod e;\npub mod eval;\npub mod router;\npub mod session;\n",
    );
    write(
        "a/mod.rs",
        "mod x;\nmod y;\n// use crate::c; is only a comment\n",
    );
    write("a/x.rs", "use super::{y::{self, Thing}};\n");
    write(
        "a/y.rs",
        "pub struct Thing;\nfn f() { let s = \"crate::b::f\"; super::x::g(); }\n",
    );
    write("b.rs", "#[path = \"b_tests.rs\"]\nmod tests;\n");
    write(
        "b_tests.rs",
        "pub fn h() {}\nmod inner { use super::super::super::c::g; }\n",
    );
    write("c.rs", "pub fn g() { crate::b::tests::h(); }\n");
    write(
        "d.rs",
        "pub fn f() {}\n#[cfg(test)]\nmod tests { use crate::e::g; }\n",
    );
    write("e.rs", "pub fn g() { crate::d::f(); }\n");
    write("router/mod.rs", "mod view;\n");
    write("eval/mod.rs", "mod progress;\n");
    write(
        "eval/progress.rs",
        "fn draw() { crate::tui::view::draw(); }\n#[cfg(test)]\nmod tests { use ratatui::Frame; }\n",
    );
    write("router/view.rs", "use ratatui::{text::Line, widgets::*};\n");
    write(
        "session.rs",
        "fn f() { let _ = crossterm::terminal::size(); let s = \"ratatui::x\"; }\n",
    );
    let graph = ModuleGraph::load(src).expect("parses");
    let mut cycles = graph.cycles();
    cycles.sort();
    assert_eq!(
        cycles,
        vec![
            vec!["a/x.rs".to_string(), "a/y.rs".to_string()],
            vec!["b_tests.rs".to_string(), "c.rs".to_string()],
        ]
    );
    let mut offences = ui_offences(&graph);
    offences.sort();
    assert_eq!(
        offences,
        vec![
            "eval/progress.rs (eval) uses crate::tui::view::draw",
            "eval/progress.rs (eval) uses ratatui::Frame",
            "router/view.rs (router) uses ratatui::text::Line",
            "router/view.rs (router) uses ratatui::widgets",
            "session.rs (session) uses crossterm::terminal::size",
        ]
    );
}

/// The directories whose Rust files the size rule covers.
const SIZED_DIRS: [&str; 4] = ["src", "tests", "benches", "examples"];

/// Files that were past [`MAX_FILE_LINES`] when the rule began to be
/// checked. The list only shrinks: a file that passes the limit and is not
/// here fails the check, and so does an entry whose file is back under the
/// limit (or gone), so a split also takes its entry out.
const LONG_FILES_LEFT: &[&str] = &[
    "tests/cli_compare.rs",
    "tests/eval_cli.rs",
    "tests/hostile_bounds.rs",
    "tests/hostile_output.rs",
    "tests/router_stream.rs",
    "tests/sessions_cli.rs",
    "tests/support/fake_upstream.rs",
    "tests/support/modules.rs",
];

/// What breaks the size rule under `root`: files past the limit that are
/// not listed in `allowed`, and listed files that are no longer past it.
fn size_offences(root: &Path, allowed: &[&str]) -> Vec<String> {
    let mut offences = Vec::new();
    let mut long = Vec::new();
    for dir in SIZED_DIRS {
        let mut files = Vec::new();
        modules::rust_files(&root.join(dir), &mut files);
        for (path, lines) in files {
            let relative = path.strip_prefix(root).unwrap_or(&path);
            let relative = relative.to_string_lossy().replace('\\', "/");
            if lines <= MAX_FILE_LINES {
                continue;
            }
            if !allowed.contains(&relative.as_str()) {
                offences.push(format!(
                    "{relative} has {lines} lines: split it along a seam before it passes {MAX_FILE_LINES}"
                ));
            }
            long.push(relative);
        }
    }
    for listed in allowed {
        if !long.iter().any(|file| file == listed) {
            offences.push(format!(
                "{listed} is no longer past {MAX_FILE_LINES} lines: take it off LONG_FILES_LEFT"
            ));
        }
    }
    offences
}

/// Small modules: a file is split before it passes 500 lines. The files
/// still past it are listed, and the list can only get shorter.
#[test]
fn no_file_passes_500_lines_but_the_listed_few() {
    let offences = size_offences(&crate_root(), LONG_FILES_LEFT);
    assert!(offences.is_empty(), "{}", offences.join("\n"));
}

/// The size check finds a new long file and a listed file that got short,
/// and lets a listed long file and a short one pass.
#[test]
fn the_size_check_finds_new_long_files_and_stale_entries() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, lines: usize| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
        std::fs::write(path, "//\n".repeat(lines)).expect("write");
    };
    write("src/short.rs", MAX_FILE_LINES);
    write("src/grown.rs", MAX_FILE_LINES + 1);
    write("src/listed.rs", MAX_FILE_LINES + 200);
    write("tests/support/split.rs", 10);
    write("src/notes.txt", 2 * MAX_FILE_LINES);
    let offences = size_offences(
        dir.path(),
        &["src/listed.rs", "tests/support/split.rs", "src/gone.rs"],
    );
    assert_eq!(
        offences,
        vec![
            "src/grown.rs has 501 lines: split it along a seam before it passes 500",
            "tests/support/split.rs is no longer past 500 lines: take it off LONG_FILES_LEFT",
            "src/gone.rs is no longer past 500 lines: take it off LONG_FILES_LEFT",
        ]
    );
}

/// Files, lines, the largest files and the import cycles of a checkout.
#[test]
#[ignore = "a report, not a check: run it with --ignored --nocapture"]
fn house_report() {
    let root = crate_root();
    println!("{}", modules::house_report(&root));
}
