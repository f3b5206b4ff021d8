//! The workbench: a prompt editor and N streaming panes, a live cost and
//! latency footer and a model picker, on the shared routing core.
//!
//! - `state`, `msg`, `update/`: the state, its messages and effects, the pure reducer.
//! - `runtime`, `terminal`: the event loop and the terminal it owns.
//! - `view/`, `document/`, `picker/`, `theme`, `layout`, `keymap`, `params`: what is drawn and how keys map.

pub mod document;
pub mod keymap;
pub mod layout;
pub mod msg;
pub mod params;
pub mod picker;
pub mod runtime;
pub mod state;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;

use crate::router::Target;

use params::Params;
use runtime::Services;
use terminal::Tty;
use theme::Theme;

/// How the workbench opens.
pub struct Options {
    pub targets: Vec<Target>,
    pub params: Params,
}

/// Opens the workbench and runs it until the user quits.
pub async fn run(
    router: crate::router::Router,
    loader: crate::router::catalog_load::CatalogLoader,
    options: Options,
) -> std::io::Result<()> {
    let tty = Tty::enter()?;
    let size = tty.size()?;
    let mut state = update::new_state(
        router.providers().clone(),
        options.targets,
        options.params,
        Theme::from_env(),
        size,
        crate::router::catalog_load::now_unix(),
    );
    let initial = update::catalog_effects(&mut state);
    let result = runtime::run(tty, state, Services { router, loader }, initial).await;
    terminal::restore();
    result
}
