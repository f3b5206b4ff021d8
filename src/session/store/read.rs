//! Reading a session file: its schema version first (a newer file is told
//! apart from a corrupt one), then its answers' figures checked as outside
//! data, then the typed session.

use std::fs;
use std::io;
use std::path::Path;

use serde::Deserialize;

use super::StoreError;
use crate::router::figures;
use crate::session::types::{SCHEMA_VERSION, Session};

/// Just enough of a file to decide whether prism may read or replace it;
/// serde skips the rest (but still checks that the whole file is JSON).
#[derive(Deserialize)]
struct Probe {
    schema_version: u32,
}

fn probe(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let probe: Probe = serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: e.to_string(),
    })?;
    if probe.schema_version > SCHEMA_VERSION {
        return Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: probe.schema_version,
            supported: SCHEMA_VERSION,
        });
    }
    Ok(())
}

/// An existing file may be replaced only when it is a session file this
/// prism understands; a missing one always may.
pub(super) fn check_replaceable(path: &Path) -> Result<(), StoreError> {
    match fs::read(path) {
        Ok(bytes) => probe(path, &bytes),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(StoreError::Io {
            path: path.to_path_buf(),
            source,
        }),
    }
}

pub(super) fn read_session(path: &Path, id: &str) -> Result<Session, StoreError> {
    let bytes = fs::read(path).map_err(|source| StoreError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_session(path, &bytes, id)
}

/// A session file's bytes as the store reads them (`path` and `id` name it).
pub fn parse_session(path: &Path, bytes: &[u8], id: &str) -> Result<Session, StoreError> {
    // The version first: a newer file may not parse as today's schema, and
    // "newer" is the message that helps.
    probe(path, bytes)?;
    let corrupt = |e: serde_json::Error| StoreError::Corrupt {
        path: path.to_path_buf(),
        detail: e.to_string(),
    };
    // The answers' figures are outside data too: checked before they are typed.
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(corrupt)?;
    check_figures(&mut value);
    let mut session: Session = serde_json::from_value(value).map_err(corrupt)?;
    // A copied or renamed file must not save over the one it came from.
    if session.id != id {
        session.id = id.to_string();
    }
    Ok(session)
}

/// Every answer's figures through [`figures::check_stored_result`]: a cost
/// or count beyond belief becomes unknown, with a note in the answer.
fn check_figures(session: &mut serde_json::Value) {
    let Some(turns) = session.get_mut("turns").and_then(|t| t.as_array_mut()) else {
        return;
    };
    let answers = turns
        .iter_mut()
        .filter_map(|turn| turn.get_mut("answers")?.as_array_mut())
        .flatten();
    for answer in answers {
        if let Some(result) = answer.get_mut("result").and_then(|r| r.as_object_mut()) {
            figures::check_stored_result(result);
        }
    }
}
