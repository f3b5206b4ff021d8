//! prism: compare language models side by side in the terminal.
//!
//! - [`router`]: the routing core (providers, catalog, SSE, stream events, pricing, errors, fallback); no UI.
//! - [`config`]: paths, the config file, provider presets, API keys from the environment or `.env`.
//! - [`agreement`]: how much answers to one prompt agree (groups, outliers); no UI.
//! - [`cli`]: the headless commands (`compare`, `models`, `config`) and the shared start-up.
//! - [`eval`]: `prism eval`: suites run over many models and repeats, checked, costed, journalled.
//! - [`session`]: sessions on disk, votes, the leaderboard, exports.
//! - [`tui`]: the workbench (state, reducer, views, event loop); drives the router.
//! - [`table`]: aligned text tables.
//! - [`sanitize`]: the one sanitiser: everything from outside reaches the terminal (and JSON output) through it.
//! - [`clock`]: the wall clock and a `Clock` that waits, for code that must be tested without waiting.
//! - [`units`]: durations and counts for people.
//! - [`fs_safe`]: the one place files are written safely: private dirs and files, atomic replacement.
//! - [`logging`]: logs to a file, never to the terminal.
//! - [`fuzzing`]: every parser of outside data as a fuzz target.

// Tests may take one variant or fail (`other => panic!(...)`): the lint on
// wildcard arms guards the code that ships.
#![cfg_attr(test, allow(clippy::wildcard_enum_match_arm))]

pub mod agreement;
pub mod cli;
pub mod clock;
pub mod config;
pub mod eval;
pub mod fs_safe;
pub mod fuzzing;
pub mod logging;
pub mod router;
pub mod sanitize;
pub mod session;
pub mod table;
pub mod tui;
pub mod units;
