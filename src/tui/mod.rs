//! The workbench: a prompt editor and N streaming panes, a live cost and
//! latency footer and a model picker, on the shared routing core.
//!
//! - `state/`, `ids`, `msg`, `update/`: the state, its messages and effects, the pure reducer.
//! - `runtime/`, `terminal`: the event loop and the terminal it owns.
//! - `keymap/`: every key binding, the one source for help, hints and the README.
//! - `view/`, `document/`, `picker/`, `browser`, `diff`, `params`, `scroll`,
//!   `boxes`, `theme`, `layout`: what is drawn, and where.
//! - `judge`: the judge key's asks, verdicts and overlay lines (pure).
//! - `glyphs`: the rule that keeps the terminal and the buffer agreeing on every width.

pub mod boxes;
pub mod browser;
pub mod diff;
pub mod document;
pub mod eval;
pub mod glyphs;
pub mod ids;
pub mod judge;
pub mod keymap;
pub mod layout;
pub mod msg;
pub mod params;
pub mod picker;
pub mod runtime;
pub mod scroll;
pub mod state;
pub mod terminal;
pub mod text_page;
pub mod theme;
pub mod update;
pub mod view;
pub mod warm;

use crate::router::Target;
use crate::session::Session;
use crate::session::store::SessionStore;

use msg::{Now, Stamped};
use params::Params;
use runtime::Services;
use terminal::Tty;
use theme::Theme;

/// How the workbench opens.
pub struct Options {
    pub targets: Vec<Target>,
    pub params: Params,
    /// Start a blind session (ignored when resuming: the session says).
    pub blind: bool,
    /// A saved session to continue.
    pub resume: Option<Session>,
    /// A line for the footer at start (the resumed session is a copy).
    pub notice: Option<String>,
    /// The privacy switch was on in the latest session: keep it on.
    pub privacy: bool,
    /// The routers of the config file, for router columns.
    pub policies: Vec<crate::router::policy::Policy>,
    /// Provider preferences per model, discovery, the cost warning, privacy.
    pub config: crate::config::Config,
}

/// Opens the workbench and runs it until the user quits; returns the
/// signal that ended it, if one did (the exit status is then 128 + it).
pub async fn run(
    router: crate::router::Router,
    loader: crate::router::catalog_load::CatalogLoader,
    store: SessionStore,
    options: Options,
) -> std::io::Result<Option<i32>> {
    let tty = Tty::enter()?;
    let size = tty.size()?;
    let mut state = update::new_state(update::Startup {
        providers: router.providers().clone(),
        targets: options.targets,
        params: options.params,
        theme: Theme::from_env(),
        size,
        now: Now::current(),
        seed: fastrand::u64(..),
    });
    state.settings.policies = options.policies;
    let runs = crate::eval::runs::RunStore::new(options.config.paths.runs_dir());
    update::apply_config(&mut state, options.config);
    if options.privacy {
        update::set_privacy(&mut state, true);
    }
    match options.resume {
        Some(session) => update::open_session(&mut state, session),
        None if options.blind => update::start_session(&mut state, true),
        None => {}
    }
    if let Some(text) = options.notice {
        update::update(
            &mut state,
            Stamped::new(msg::Msg::Notice(text), Now::current()),
        );
    }
    let mut initial = update::catalog_effects(&state);
    initial.extend(update::startup_effects(&state));
    let services = Services {
        router,
        loader,
        store,
        runs,
    };
    let result = runtime::run(tty, state, services, initial).await;
    terminal::restore();
    result
}
