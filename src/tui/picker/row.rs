//! A row of the picker: a catalog entry (or a chosen reference no catalog
//! lists) with what the search compares, and the letters a query matched.

use nucleo_matcher::pattern::Pattern;
use nucleo_matcher::{Matcher, Utf32String};

use super::PickerEntry;
use crate::router::catalog::ModelInfo;

/// One row of the picker: a catalog entry, or a chosen reference the catalog
/// does not list (shown with "?" figures so it can still be unmarked).
#[derive(Clone, Debug)]
pub(super) struct Row {
    pub(super) entry: PickerEntry,
    /// False for a chosen reference missing from every loaded catalog.
    pub(super) listed: bool,
    /// The reference and name as shown (through the sanitiser: an escape
    /// or a zero-width space in an id is visible, never obeyed or hidden).
    pub(super) shown_reference: String,
    pub(super) shown_name: String,
    /// What the fuzzy matcher scores: "reference name", as shown.
    pub(super) haystack: Utf32String,
    /// The model id after its last '/', folded by `fold_exact`.
    pub(super) exact_slug: String,
    /// The whole reference, folded by `fold_exact`.
    pub(super) exact_reference: String,
}

impl Row {
    pub(super) fn new(entry: PickerEntry, listed: bool) -> Row {
        let shown_reference = crate::sanitize::one_line(&entry.reference).into_owned();
        let shown_name = crate::sanitize::one_line(&entry.model.name).into_owned();
        let haystack = if listed && entry.model.name != entry.reference {
            format!("{shown_reference} {shown_name}")
        } else {
            shown_reference.clone()
        };
        let slug = entry
            .model
            .id
            .rsplit_once('/')
            .map_or(entry.model.id.as_str(), |(_, slug)| slug);
        Row {
            exact_slug: fold_exact(slug),
            exact_reference: fold_exact(&entry.reference),
            shown_reference,
            shown_name,
            haystack: Utf32String::from(haystack),
            entry,
            listed,
        }
    }

    /// A chosen reference with no catalog entry.
    pub(super) fn unlisted(reference: &str) -> Row {
        let (provider, id) = split_reference(reference);
        let entry = PickerEntry {
            reference: reference.to_string(),
            provider: provider.to_string(),
            model: ModelInfo::unlisted(id, id),
        };
        Row::new(entry, false)
    }
}

/// "ollama:llama3.2:3b" → ("ollama", "llama3.2:3b"); a bare id (its first ':'
/// comes after a '/', or there is none) belongs to the default provider ("").
pub(super) fn split_reference(reference: &str) -> (&str, &str) {
    match reference.split_once(':') {
        Some((provider, id)) if !provider.contains('/') && !provider.is_empty() => (provider, id),
        _ => ("", reference),
    }
}

/// Lower-case letters and digits only, so "gpt4o" equals "gpt-4o".
pub(super) fn fold_exact(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The haystack characters the query matched, sorted: in the reference alone
/// when it matches there (that is what people type), else anywhere.
pub(super) fn match_indices(
    pattern: &Pattern,
    row: &Row,
    matcher: &mut Matcher,
    indices: &mut Vec<u32>,
) {
    let reference_chars = row.shown_reference.chars().count();
    let in_reference = row
        .haystack
        .slice(..reference_chars.min(row.haystack.len()));
    if pattern.indices(in_reference, matcher, indices).is_none() {
        indices.clear();
        pattern.indices(row.haystack.slice(..), matcher, indices);
    }
    indices.sort_unstable();
    indices.dedup();
}
