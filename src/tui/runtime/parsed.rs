//! What effects read or parse off the loop, as plain functions: local
//! servers' model lists as catalogs, a session's text for the search.

use std::sync::Arc;

use crate::session::Session;

/// Most of a session's text the browser's search looks through.
const SEARCH_TEXT_BYTES: usize = 256 * 1024;

/// A session's prompts and answers, lower-cased, for the browser's search
/// (at most `SEARCH_TEXT_BYTES` of it).
pub(super) fn search_text(session: &Session) -> String {
    let mut text = String::new();
    'turns: for turn in &session.turns {
        let answers = turn.answers.iter().map(|a| a.result.text.as_str());
        for part in std::iter::once(turn.prompt.as_str()).chain(answers) {
            if text.len() + part.len() > SEARCH_TEXT_BYTES {
                break 'turns;
            }
            text.push_str(&part.to_lowercase());
            text.push('\n');
        }
    }
    text
}

/// The found servers' model lists as catalogs of now, priced at zero when
/// `free`; a list that does not parse is logged and left out.
pub(super) fn local_catalogs(
    found: &[crate::router::discovery::Found],
    free: bool,
) -> Vec<Arc<crate::router::catalog::Catalog>> {
    let now_unix = crate::clock::now_unix();
    found
        .iter()
        .filter_map(|server| match server.catalog(now_unix, free) {
            Ok(catalog) => Some(Arc::new(catalog)),
            Err(error) => {
                tracing::warn!(provider = %server.provider, %error, "a local model list does not parse");
                None
            }
        })
        .collect()
}
