//! Providers (OpenAI-compatible servers) and model references. A reference is
//! `provider:model`, or a bare model id for the default provider; since
//! OpenRouter ids contain `/` and `:` themselves, a prefix only counts when it
//! names a known provider.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An API key. Its `Debug` is redacted; only `expose` gives the text, for the
/// `Authorization` header and nothing else.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(text: impl Into<String>) -> ApiKey {
        ApiKey(text.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

/// What the server understands beyond the OpenAI chat API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    /// OpenRouter: server-side fallback (`models`), attribution headers, `usage.cost`.
    OpenRouter,
    /// Any other OpenAI-compatible server: OpenAI, Groq, Together, Ollama, llama.cpp, vLLM, LiteLLM.
    #[serde(alias = "openai-compatible")]
    OpenAi,
}

impl ProviderKind {
    /// A guess from the URL's parsed host, used when the config does not say.
    pub fn infer(base_url: &str) -> ProviderKind {
        if host_is(base_url, "openrouter.ai") {
            ProviderKind::OpenRouter
        } else {
            ProviderKind::OpenAi
        }
    }
}

/// Whether the URL's host (parsed, never guessed from the string) is
/// `domain` or one of its subdomains. `http://openrouter.ai:pw@127.0.0.1/`
/// is 127.0.0.1.
pub fn host_is(url: &str, domain: &str) -> bool {
    let Ok(url) = url::Url::parse(url.trim()) else {
        return false;
    };
    match url.host() {
        Some(url::Host::Domain(host)) => {
            let host = host.trim_end_matches('.');
            host == domain
                || host
                    .strip_suffix(domain)
                    .is_some_and(|rest| rest.ends_with('.'))
        }
        _ => false,
    }
}

/// Scheme, host and port of a URL (its origin), parsed; None when it does not parse.
fn origin(url: &str) -> Option<(String, String, u16)> {
    let url = url::Url::parse(url.trim()).ok()?;
    let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
    Some((url.scheme().to_string(), host, url.port_or_known_default()?))
}

/// Two URLs on the same scheme, host and port. A URL that does not parse
/// matches nothing, so a key is never sent on a guess.
pub fn same_origin(a: &str, b: &str) -> bool {
    matches!((origin(a), origin(b)), (Some(a), Some(b)) if a == b)
}

/// The host (and port, when not the scheme's default) of a URL, for messages.
pub fn host_label(url: &str) -> String {
    match url::Url::parse(url.trim()) {
        Ok(parsed) => match (parsed.host_str(), parsed.port()) {
            (Some(host), Some(port)) => format!("{host}:{port}"),
            (Some(host), None) => host.to_string(),
            (None, _) => url.to_string(),
        },
        Err(_) => url.to_string(),
    }
}

/// A key that exists but is not sent: it belongs to another host than the
/// one this run talks to (`--base-url` moved the provider).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WithheldKey {
    /// The variable it was read from.
    pub var: String,
    /// Where it belongs, as "host[:port]".
    pub home: String,
    /// Kept only so server text echoing it can be redacted.
    pub key: ApiKey,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Provider {
    pub name: String,
    /// Without a trailing slash; endpoints are `{base_url}/chat/completions` and `{base_url}/models`.
    pub base_url: String,
    pub kind: ProviderKind,
    /// The variable the key is read from; None for servers that need no key.
    pub api_key_env: Option<String>,
    /// Resolved at start from the environment or `.env`.
    pub api_key: Option<ApiKey>,
    /// A key held back because this run points the provider at another host.
    pub withheld_key: Option<WithheldKey>,
    /// Extra headers sent with every request to this provider.
    pub headers: Vec<(String, String)>,
}

impl Provider {
    pub fn new(name: impl Into<String>, base_url: &str) -> Provider {
        let base_url = normalize_base_url(base_url);
        Provider {
            name: name.into(),
            kind: ProviderKind::infer(&base_url),
            base_url,
            api_key_env: None,
            api_key: None,
            withheld_key: None,
            headers: Vec::new(),
        }
    }

    pub fn chat_url(&self) -> String {
        format!("{}/chat/completions", self.base_url)
    }

    pub fn models_url(&self) -> String {
        format!("{}/models", self.base_url)
    }

    /// True when a key is configured but could not be found.
    pub fn is_missing_key(&self) -> bool {
        self.api_key_env.is_some() && self.api_key.is_none()
    }

    /// Every key this provider knows, sent or held back (for redaction).
    pub fn known_keys(&self) -> impl Iterator<Item = &ApiKey> {
        self.api_key
            .iter()
            .chain(self.withheld_key.as_ref().map(|w| &w.key))
    }
}

pub fn normalize_base_url(base_url: &str) -> String {
    base_url.trim().trim_end_matches('/').to_string()
}

/// One model on one provider.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ModelRef {
    pub provider: String,
    pub model: String,
}

impl ModelRef {
    pub fn new(provider: impl Into<String>, model: impl Into<String>) -> ModelRef {
        ModelRef {
            provider: provider.into(),
            model: model.into(),
        }
    }

    /// How people write it: bare on the default provider, else `provider:model`.
    pub fn display_with_default(&self, default_provider: &str) -> String {
        if self.provider == default_provider {
            self.model.clone()
        } else {
            self.to_string()
        }
    }
}

impl fmt::Display for ModelRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.provider, self.model)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("empty model name")]
    Empty,
    #[error("empty model name after provider '{0}:'")]
    EmptyModel(String),
}

/// Every provider prism can talk to in this run, and which one bare ids use.
#[derive(Clone, Debug)]
pub struct Providers {
    list: Vec<Provider>,
    default_name: String,
}

impl Providers {
    /// What to look up for a finished run: `(provider, generation id)` when
    /// it went through an OpenRouter-kind provider and has an id, else None
    /// (other servers keep no records; asking them would only cost time).
    pub fn generation_lookup(&self, result: &super::RunResult) -> Option<(String, String)> {
        let via = result.via.as_ref()?;
        let id = result.generation_id.as_ref()?;
        let provider = self.get(via)?;
        (provider.kind == ProviderKind::OpenRouter).then(|| (via.clone(), id.clone()))
    }

    /// `default_name` must be one of `list`; if not, the first provider is the default.
    pub fn new(list: Vec<Provider>, default_name: &str) -> Providers {
        let default_name = if list.iter().any(|p| p.name == default_name) {
            default_name.to_string()
        } else {
            list.first().map(|p| p.name.clone()).unwrap_or_default()
        };
        Providers { list, default_name }
    }

    pub fn get(&self, name: &str) -> Option<&Provider> {
        self.list.iter().find(|p| p.name == name)
    }

    pub fn default_provider(&self) -> Option<&Provider> {
        self.get(&self.default_name)
    }

    pub fn default_name(&self) -> &str {
        &self.default_name
    }

    pub fn iter(&self) -> impl Iterator<Item = &Provider> {
        self.list.iter()
    }

    /// Parses `provider:model` or a bare id of the default provider.
    pub fn parse_ref(&self, reference: &str) -> Result<ModelRef, ReferenceError> {
        let reference = reference.trim();
        if reference.is_empty() {
            return Err(ReferenceError::Empty);
        }
        if let Some((prefix, rest)) = reference.split_once(':')
            && self.get(prefix).is_some()
        {
            if rest.trim().is_empty() {
                return Err(ReferenceError::EmptyModel(prefix.to_string()));
            }
            return Ok(ModelRef::new(prefix, rest.trim()));
        }
        Ok(ModelRef::new(self.default_name.clone(), reference))
    }

    /// How a reference is written back for people: bare for the default provider.
    pub fn display_ref(&self, model: &ModelRef) -> String {
        model.display_with_default(&self.default_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn providers() -> Providers {
        Providers::new(
            vec![
                Provider::new("openrouter", "https://openrouter.ai/api/v1/"),
                Provider::new("ollama", "http://localhost:11434/v1"),
            ],
            "openrouter",
        )
    }

    #[test]
    fn bare_ids_go_to_the_default_provider() {
        let p = providers();
        assert_eq!(
            p.parse_ref("openai/gpt-4o"),
            Ok(ModelRef::new("openrouter", "openai/gpt-4o"))
        );
        assert_eq!(
            p.parse_ref("meta-llama/llama-3.1-8b-instruct:free"),
            Ok(ModelRef::new(
                "openrouter",
                "meta-llama/llama-3.1-8b-instruct:free"
            ))
        );
    }

    #[test]
    fn a_prefix_counts_only_when_it_names_a_provider() {
        let p = providers();
        assert_eq!(
            p.parse_ref("ollama:llama3.2:3b"),
            Ok(ModelRef::new("ollama", "llama3.2:3b"))
        );
        assert_eq!(
            p.parse_ref("openrouter:openai/gpt-4o"),
            Ok(ModelRef::new("openrouter", "openai/gpt-4o"))
        );
        assert_eq!(
            p.parse_ref("unknown:model"),
            Ok(ModelRef::new("openrouter", "unknown:model"))
        );
        assert_eq!(
            p.parse_ref("ollama:"),
            Err(ReferenceError::EmptyModel("ollama".into()))
        );
        assert_eq!(p.parse_ref("  "), Err(ReferenceError::Empty));
    }

    #[test]
    fn display_is_bare_for_the_default() {
        let p = providers();
        assert_eq!(p.display_ref(&ModelRef::new("openrouter", "a/b")), "a/b");
        assert_eq!(
            p.display_ref(&ModelRef::new("ollama", "x:1b")),
            "ollama:x:1b"
        );
    }

    #[test]
    fn urls_and_kinds() {
        let p = providers();
        let or = p.get("openrouter").expect("openrouter");
        assert_eq!(
            or.chat_url(),
            "https://openrouter.ai/api/v1/chat/completions"
        );
        assert_eq!(or.kind, ProviderKind::OpenRouter);
        let ol = p.get("ollama").expect("ollama");
        assert_eq!(ol.models_url(), "http://localhost:11434/v1/models");
        assert_eq!(ol.kind, ProviderKind::OpenAi);
        assert_eq!(
            ProviderKind::infer("http://127.0.0.1:9999/api/v1"),
            ProviderKind::OpenAi
        );
    }

    #[test]
    fn hosts_are_parsed_not_guessed() {
        // The user part of a URL is not its host.
        let sneaky = "http://api.openrouter.ai:pw@127.0.0.1:4000/v1";
        assert_eq!(ProviderKind::infer(sneaky), ProviderKind::OpenAi);
        assert!(!host_is(sneaky, "openrouter.ai"));
        assert!(!same_origin(sneaky, "https://openrouter.ai/api/v1"));
        assert_eq!(host_label(sneaky), "127.0.0.1:4000");
        assert!(host_is("https://OpenRouter.ai./api/v1", "openrouter.ai"));
        assert!(host_is("https://eu.openrouter.ai/api/v1", "openrouter.ai"));
        assert!(!host_is("https://notopenrouter.ai/api/v1", "openrouter.ai"));
        assert!(!host_is(
            "https://openrouter.ai.evil.com/v1",
            "openrouter.ai"
        ));
        assert!(!host_is("openrouter.ai/api/v1", "openrouter.ai"));
        // Same host, another port or scheme: another origin.
        assert!(same_origin(
            "https://openrouter.ai/api/v1",
            "https://openrouter.ai:443/other"
        ));
        assert!(!same_origin(
            "https://openrouter.ai/api/v1",
            "http://openrouter.ai/api/v1"
        ));
        assert!(!same_origin(
            "http://127.0.0.1:4000/v1",
            "http://127.0.0.1:4001/v1"
        ));
        assert!(!same_origin("not a url", "not a url"));
    }
}
