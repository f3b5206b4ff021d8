//! prism: compare language models side by side in the terminal.
//!
//! - [`router`]: the routing core (providers, catalog, SSE, stream events, pricing, errors, fallback); no UI.
//! - [`config`]: paths, the config file, provider presets, API keys from the environment or `.env`.
//! - [`cli`]: the headless commands (`compare`, `models`, `config`) and the shared start-up.
//! - [`eval`]: `prism eval`: suites run over many models and repeats, checked, costed, journalled.
//! - [`session`]: sessions on disk, votes, the leaderboard, exports.
//! - [`tui`]: the workbench (state, reducer, views, event loop); drives the router.
//! - [`sanitize`]: neutralises terminal escape sequences in untrusted model output.
//! - [`table`]: aligned text tables.
//! - [`units`]: durations and counts for people.
//! - [`logging`]: logs to a file, never to the terminal.

pub mod cli;
pub mod config;
pub mod eval;
pub mod logging;
pub mod router;
pub mod sanitize;
pub mod session;
pub mod table;
pub mod tui;
pub mod units;
