//! Columns as users write them (a contract shared by `-m`, `--fallback`,
//! `--router`, suite files and the workbench): one model, a fallback chain,
//! or a router, turned into targets with provider prefixes resolved. An
//! OpenRouter model written `MODEL@SLUG` is pinned to that upstream.

use super::chat::Target;
use super::policy::{router_name, router_target, valid_router_name};
use super::provider::{ModelRef, ProviderKind, Providers};

/// A column as the user wrote it: one model, a fallback chain, or a router.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnArg {
    Model(String),
    Chain(String),
    /// `--router NAME` (`-m router:NAME` arrives as a `Model`).
    Router(String),
}

/// Turns columns as written into targets, resolving provider prefixes.
/// `router:NAME` (alone) makes a router column, whose chain is decided per
/// prompt; a router cannot be part of a fallback chain.
pub fn targets(providers: &Providers, columns: &[ColumnArg]) -> Result<Vec<Target>, String> {
    let parse = |text: &str| {
        providers
            .parse_ref(text)
            .map_err(|e| format!("model '{text}': {e}"))
    };
    columns
        .iter()
        .map(|column| match column {
            ColumnArg::Router(name) => router_column(name),
            ColumnArg::Model(model) => match router_name(model) {
                Some(name) => router_column(name),
                None => single(providers, model.trim()),
            },
            ColumnArg::Chain(chain) => {
                let parts: Vec<&str> = chain
                    .split(',')
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect();
                if parts.is_empty() {
                    return Err(format!("the fallback chain '{chain}' names no model"));
                }
                if let [only] = parts[..]
                    && let Some(name) = router_name(only)
                {
                    return router_column(name);
                }
                if parts.iter().any(|p| router_name(p).is_some()) {
                    return Err(format!(
                        "'{chain}': a router cannot be part of a fallback chain"
                    ));
                }
                let chain = parts
                    .iter()
                    .map(|p| parse(p))
                    .collect::<Result<Vec<_>, _>>()?;
                if chain.iter().any(|m| pinned(providers, m).is_some()) {
                    return Err(format!(
                        "'{chain}': a pinned upstream (MODEL@SLUG) cannot be part of a fallback chain",
                        chain = parts.join(",")
                    ));
                }
                Ok(Target {
                    label: parts.join(","),
                    chain,
                    router: None,
                    upstream: None,
                })
            }
        })
        .collect()
}

/// One model, pinned to an upstream when written `MODEL@SLUG` on OpenRouter
/// (elsewhere an `@` is part of the id: Vertex writes `claude-…@20240620`).
fn single(providers: &Providers, written: &str) -> Result<Target, String> {
    let model = providers
        .parse_ref(written)
        .map_err(|e| format!("model '{written}': {e}"))?;
    let Some((id, slug)) = pinned(providers, &model) else {
        return Ok(Target::single(written, model));
    };
    if id.trim().is_empty() || !valid_slug(slug) {
        return Err(format!(
            "model '{written}': write a pinned upstream as MODEL@SLUG, e.g. meta-llama/llama-3.3-70b-instruct@groq (`prism providers MODEL` lists the slugs)"
        ));
    }
    let mut target = Target::single(written, ModelRef::new(model.provider.clone(), id.trim()));
    target.upstream = Some(slug.to_string());
    Ok(target)
}

/// The model id and the upstream slug of `MODEL@SLUG` on an OpenRouter-kind provider.
fn pinned<'a>(providers: &Providers, model: &'a ModelRef) -> Option<(&'a str, &'a str)> {
    let openrouter = providers
        .get(&model.provider)
        .is_some_and(|p| p.kind == ProviderKind::OpenRouter);
    if !openrouter {
        return None;
    }
    model.model.rsplit_once('@')
}

/// An upstream slug as OpenRouter writes them: "groq", "deepinfra/fp8",
/// "google-vertex/us-east5".
pub fn valid_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 100
        && slug
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
}

fn router_column(name: &str) -> Result<Target, String> {
    if !valid_router_name(name) {
        return Err(format!(
            "router '{name}': names may use letters, digits, '-' and '_' only"
        ));
    }
    Ok(router_target(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::router::provider::Provider;

    fn providers() -> Providers {
        let mut vertex = Provider::new("vertex", "https://example.com/v1");
        vertex.kind = ProviderKind::OpenAi;
        Providers::new(
            vec![
                Provider::new("openrouter", "https://openrouter.ai/api/v1"),
                vertex,
            ],
            "openrouter",
        )
    }

    fn one(text: &str) -> Result<Target, String> {
        targets(&providers(), &[ColumnArg::Model(text.into())]).map(|mut t| t.remove(0))
    }

    #[test]
    fn model_at_slug_pins_an_openrouter_column() {
        let target = one("a/model@deepinfra/fp8").expect("parses");
        assert_eq!(target.label, "a/model@deepinfra/fp8");
        assert_eq!(target.chain, vec![ModelRef::new("openrouter", "a/model")]);
        assert_eq!(target.upstream.as_deref(), Some("deepinfra/fp8"));
        assert_eq!(target.config_key(), "a/model");
        // Elsewhere the @ is part of the id.
        let vertex = one("vertex:claude-3-5-sonnet@20240620").expect("parses");
        assert_eq!(vertex.upstream, None);
        assert_eq!(vertex.chain[0].model, "claude-3-5-sonnet@20240620");
        assert_eq!(one("a/model").expect("parses").upstream, None);
    }

    #[test]
    fn malformed_pins_are_refused() {
        for text in ["a/model@", "@groq", "a/model@gr oq", "a/model@\u{1b}[2J"] {
            assert!(one(text).is_err(), "{text}");
        }
        let chain = targets(&providers(), &[ColumnArg::Chain("a/b@groq,c/d".into())]);
        assert!(
            chain
                .expect_err("refused")
                .contains("cannot be part of a fallback chain")
        );
    }
}
