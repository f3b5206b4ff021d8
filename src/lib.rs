//! prism: compare language models side by side in the terminal.
//!
//! - [`router`]: the routing core (providers, catalog, SSE, stream events, pricing, errors, fallback); no UI.
//! - [`config`]: paths, the config file, provider presets, API keys from the environment or `.env`.
//! - [`cli`]: the headless commands (`compare`, `models`, `config`) and the shared start-up.
//! - [`eval`]: `prism eval`: suites run over many models and repeats, checked, costed, journalled.
//! - [`session`]: sessions on disk, votes, the leaderboard, exports.
//! - [`tui`]: the workbench (state, reducer, views, event loop); drives the router.
//! - [`table`]: aligned text tables.
//! - [`sanitize`]: the one sanitiser: everything from outside reaches the terminal (and JSON output) through it.
//! - [`units`]: durations and counts for people.
//! - [`logging`]: logs to a file, never to the terminal.
//! - [`fuzzing`]: every parser of outside data as a fuzz target.

pub mod cli;
pub mod config;
pub mod eval;
pub mod fuzzing;
pub mod logging;
pub mod router;
pub mod sanitize;
pub mod session;
pub mod table;
pub mod tui;
pub mod units;
