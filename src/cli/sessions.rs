//! `prism sessions`: list, show, export and remove the saved sessions. A file
//! that cannot be read is named on stderr and left as it is; the others still list.

use std::io::Write;
use std::path::Path;

use serde_json::{Value, json};

use crate::config::Paths;
use crate::router::pricing;
use crate::sanitize::{Outside, one_line};
use crate::session::export;
use crate::session::{Session, SessionStore, StoreError, Summary};
use crate::units::format_datetime_utc;

use super::report;
use super::term::{self, errln};
use super::{
    CliError, EXIT_FAILED, EXIT_OK, ExportFormat, SessionsArgs, SessionsCommand,
    SessionsExportArgs, SessionsListArgs,
};

/// Columns of the list that hold free text are clipped to these widths.
const TITLE_CHARS: usize = 40;
const MODELS_CHARS: usize = 48;

pub fn run(args: SessionsArgs) -> Result<u8, CliError> {
    let store = SessionStore::new(Paths::from_env().sessions_dir());
    match args
        .command
        .unwrap_or(SessionsCommand::List(SessionsListArgs::default()))
    {
        SessionsCommand::List(list_args) => list(&store, list_args.json),
        SessionsCommand::Show(id_args) => show(&store, &id_args.id),
        SessionsCommand::Export(export_args) => export_session(&store, &export_args),
        SessionsCommand::Rm(id_args) => remove(&store, &id_args.id),
    }
}

/// An unknown, ambiguous or malformed id is a usage error (exit 2); a file
/// that cannot be read or written is a failure (exit 1).
pub(super) fn store_error(err: StoreError) -> CliError {
    match err {
        StoreError::NotFound { .. } => {
            CliError::Usage(format!("{err} (`prism sessions list` shows them)"))
        }
        StoreError::Ambiguous { .. } | StoreError::InvalidId { .. } => {
            CliError::Usage(err.to_string())
        }
        StoreError::Corrupt { .. }
        | StoreError::NewerSchema { .. }
        | StoreError::Io { .. }
        | StoreError::Locked { .. } => CliError::Io(err.to_string()),
    }
}

/// Names every unreadable file on stderr, one line each. Returns the exit
/// status: unreadable files still leave the others listed (0), but a
/// sessions dir that cannot be read at all is a failure (1).
pub(super) fn report_unreadable(store: &SessionStore, errors: &[StoreError]) -> u8 {
    for err in errors {
        errln!("prism: {}", Outside(&err.to_string()));
    }
    if errors.iter().any(|e| e.path() == Some(store.dir())) {
        EXIT_FAILED
    } else {
        EXIT_OK
    }
}

fn list(store: &SessionStore, as_json: bool) -> Result<u8, CliError> {
    let (sessions, errors) = store.load_all();
    let sessions: Vec<Summary> = sessions.iter().map(Session::summary).collect();
    let status = report_unreadable(store, &errors);
    let mut out = term::stdout();
    if as_json {
        let value = json!({
            "dir": store.dir().display().to_string(),
            "sessions": sessions.iter().map(summary_json).collect::<Vec<_>>(),
            "unreadable": errors.iter().map(|e| json!({
                "path": e.path().map(|p| p.display().to_string()),
                "error": e.to_string(),
            })).collect::<Vec<_>>(),
        });
        report::write_json(&mut out, &value)?;
    } else if sessions.is_empty() {
        writeln!(
            out,
            "no sessions yet in {}: the workbench saves each one as you use it",
            store.dir().display()
        )?;
    } else {
        let rows: Vec<Vec<String>> = sessions.iter().map(summary_row).collect();
        let table = report::table(
            &[
                "id",
                "updated (UTC)",
                "title",
                "models",
                "turns",
                "votes",
                "cost",
            ],
            &rows,
            &[false, false, false, false, true, true, true],
        );
        out.write_all(table.as_bytes())?;
    }
    out.flush()?;
    Ok(status)
}

fn summary_json(summary: &Summary) -> Value {
    json!({
        "id": summary.id,
        "title": summary.name,
        "created_at_unix": summary.created_at_unix,
        "updated_at_unix": summary.updated_at_unix,
        "models": summary.models,
        "turns": summary.turns,
        "votes": summary.votes,
        "cost_usd": summary.cost_usd.filter(|_| !summary.names_hidden()).map(pricing::to_f64),
        "unpriced_answers": summary.unpriced_answers,
        "blind": summary.blind,
        "revealed": summary.revealed,
    })
}

fn summary_row(summary: &Summary) -> Vec<String> {
    vec![
        summary.id.clone(),
        format_datetime_utc(summary.updated_at_unix),
        clip(
            &one_line(summary.name.as_deref().unwrap_or_default()),
            TITLE_CHARS,
        ),
        clip(&one_line(&summary.models.join(", ")), MODELS_CHARS),
        summary.turns.to_string(),
        summary.votes.to_string(),
        summary.cost_label(),
    ]
}

fn clip(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut clipped: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    clipped.push('…');
    clipped
}

fn show(store: &SessionStore, id: &str) -> Result<u8, CliError> {
    let session = store.load(id).map_err(store_error)?;
    let mut out = term::stdout();
    out.write_all(export::text(&session).as_bytes())?;
    out.flush()?;
    Ok(EXIT_OK)
}

fn export_session(store: &SessionStore, args: &SessionsExportArgs) -> Result<u8, CliError> {
    let session = store.load(&args.id).map_err(store_error)?;
    let content = match args.format {
        ExportFormat::Markdown => export::markdown(&session),
        ExportFormat::Json => export::json(&session),
    };
    match &args.output {
        Some(path) => {
            crate::fs_safe::write_user_file(path, content.as_bytes())
                .map_err(|e| CliError::Io(format!("cannot write {}: {e}", path.display())))?;
            errln!(
                "exported {} to {}",
                session.id,
                Outside(&path.display().to_string())
            );
        }
        None => {
            let mut out = term::stdout();
            out.write_all(content.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(EXIT_OK)
}

fn remove(store: &SessionStore, id: &str) -> Result<u8, CliError> {
    let id = store.resolve(id).map_err(store_error)?;
    let path = store.path_for(&id);
    // Say what goes; an unreadable file can be removed too, on request.
    let what = match store.load(&id) {
        Ok(session) => format!("\"{}\"", Outside(&session.title())),
        Err(_) => "an unreadable file".to_string(),
    };
    store.delete(&id).map_err(store_error)?;
    let mut out = term::stdout();
    writeln!(out, "deleted {id} ({what}): {}", display(&path))?;
    out.flush()?;
    Ok(EXIT_OK)
}

fn display(path: &Path) -> String {
    path.display().to_string()
}
