//! `prism` with no command: opens the workbench with the columns from the
//! command line, else the last session's, else the config file's `models`,
//! else the built-in defaults; `--resume` continues a saved session.

use crate::clock::now_unix;
use crate::config::{CliOverrides, DEFAULT_MODELS};
use crate::session::Session;
use crate::session::claim::claim_or_copy;
use crate::session::store::SessionStore;
use crate::tui;
use crate::tui::params::Params;

use super::{CliError, ColumnArg, EXIT_FAILED, EXIT_OK, GlobalArgs, OpenArgs, Setup};

pub async fn run(
    global: &GlobalArgs,
    open: &OpenArgs,
    order: Vec<ColumnArg>,
) -> Result<u8, CliError> {
    use std::io::IsTerminal;
    if !super::term::stdout_is_terminal() || !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(
            "the workbench needs a terminal; for scripts use `prism compare` (see prism --help)"
                .into(),
        ));
    }
    // The privacy switch (F3, starting from the config's `[privacy]`) decides
    // per request, so the router itself does not force it.
    let overrides = CliOverrides {
        privacy_per_request: true,
        ..CliOverrides::default()
    };
    let setup = Setup::load(global, &overrides)?;
    // The workbench locks the session it has open; another one gets a copy.
    let store = SessionStore::new(setup.config.paths.sessions_dir()).locking();

    // Reading the sessions happens before the terminal is taken, so a file
    // that cannot be read is reported here, plainly, with its name.
    let resume: Option<Session> = match open.resume.as_deref() {
        None => None,
        Some("") => match store.latest() {
            Ok(Some(session)) => Some(session),
            Ok(None) => return Err(CliError::Usage("no saved session to resume yet".into())),
            Err(err) => return Err(CliError::Usage(err.to_string())),
        },
        Some(id) => Some(store.load(id).map_err(|e| CliError::Usage(e.to_string()))?),
    };
    let (resume, notice) = match resume {
        Some(session) => {
            let (session, notice) = claim_or_copy(&store, session, now_unix());
            (Some(session), notice)
        }
        None => (None, None),
    };

    // A new workbench continues from the latest session: its columns (unless
    // the command line names some) and its privacy switch.
    let latest = match resume {
        Some(_) => None,
        None => store.latest().ok().flatten(),
    };
    let last = resume.as_ref().or(latest.as_ref());
    let privacy = last.is_some_and(|session| session.privacy);
    let columns = if !order.is_empty() {
        order
    } else if let Some(columns) = last.map(active_columns) {
        columns
    } else if !setup.config.file.models.is_empty() {
        super::model_columns(&setup.config.file.models)
    } else {
        super::model_columns(&DEFAULT_MODELS)
    };
    let targets = super::targets(setup.router.providers(), &columns)?;
    let policies = setup
        .config
        .policies()
        .map_err(|err| CliError::Usage(err.to_string()))?;
    super::route::check_routers(&policies, &targets)?;
    let request = open.request.over(&setup.config.file.defaults);
    let params = Params {
        system: request.system,
        temperature: request.temperature,
        max_tokens: request.max_tokens,
        prefs: setup.config.file.preferences.shared.clone(),
    };
    let options = tui::Options {
        targets,
        params,
        blind: open.blind,
        resume,
        notice,
        privacy,
        policies,
        config: setup.config.clone(),
    };
    match tui::run(setup.router, setup.loader, store, options).await {
        Ok(None) => Ok(EXIT_OK),
        // Ended by a signal, with the terminal restored: 128 + its number, as shells expect.
        Ok(Some(signal)) => Ok(super::exit_for_signal(signal)),
        Err(err) => {
            super::term::errln!("prism: the terminal failed: {err}");
            Ok(EXIT_FAILED)
        }
    }
}

/// A session's active columns.
fn active_columns(session: &Session) -> Vec<ColumnArg> {
    session
        .columns
        .iter()
        .filter(|c| c.active)
        .map(|c| ColumnArg::Chain(c.label.clone()))
        .collect()
}
