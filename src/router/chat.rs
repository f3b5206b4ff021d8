//! What we ask for: a conversation, its parameters, and the JSON body each
//! kind of server expects for it.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::preferences::ProviderPrefs;
use super::provider::{ModelRef, Provider, ProviderKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    System,
    User,
    Assistant,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub role: Role,
    pub content: String,
}

impl ChatMessage {
    pub fn system(content: impl Into<String>) -> ChatMessage {
        ChatMessage {
            role: Role::System,
            content: content.into(),
        }
    }

    pub fn user(content: impl Into<String>) -> ChatMessage {
        ChatMessage {
            role: Role::User,
            content: content.into(),
        }
    }

    pub fn assistant(content: impl Into<String>) -> ChatMessage {
        ChatMessage {
            role: Role::Assistant,
            content: content.into(),
        }
    }
}

/// Sampling parameters, plus raw extra fields (e.g. OpenRouter's `provider`
/// preferences) merged into the body as they are.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChatParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
    /// OpenRouter provider preferences and model variant; other servers
    /// would not understand them, so they are only sent to OpenRouter.
    /// Boxed: most runs have none, and params travel inside UI messages.
    #[serde(default, skip_serializing_if = "ProviderPrefs::is_empty")]
    pub provider_prefs: Box<ProviderPrefs>,
}

/// One column of a comparison: a model, or a fallback chain of models tried
/// in order. `label` is how the user asked for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    pub label: String,
    pub chain: Vec<ModelRef>,
    /// A router column (`router:NAME`): `chain` is decided per prompt by
    /// that router's policy (`policy::resolve_target`) before each run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub router: Option<String>,
    /// Pinned to one upstream of an OpenRouter model (`MODEL@SLUG`): every
    /// request sends `provider.only = [SLUG]`, `allow_fallbacks = false`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream: Option<String>,
}

impl Target {
    pub fn single(label: impl Into<String>, model: ModelRef) -> Target {
        Target {
            label: label.into(),
            chain: vec![model],
            router: None,
            upstream: None,
        }
    }

    /// The first model as the user wrote it, without a pinned upstream: the
    /// key of its `[preferences."MODEL"]` table.
    pub fn config_key(&self) -> &str {
        let first = self.label.split(',').next().unwrap_or_default();
        match &self.upstream {
            Some(_) => first.rsplit_once('@').map_or(first, |(model, _)| model),
            None => first,
        }
    }
}

/// The streaming request body for `models` (one, or an OpenRouter fallback
/// chain sent as `model` plus `models`).
pub fn request_body(
    provider: &Provider,
    models: &[&str],
    messages: &[ChatMessage],
    params: &ChatParams,
) -> Value {
    let openrouter = provider.kind == ProviderKind::OpenRouter;
    let prefs = &params.provider_prefs;
    let models: Vec<String> = models
        .iter()
        .map(|m| {
            if openrouter {
                prefs.apply_variant(m)
            } else {
                m.to_string()
            }
        })
        .collect();
    let mut body = Map::new();
    body.insert(
        "model".into(),
        json!(models.first().cloned().unwrap_or_default()),
    );
    if openrouter && models.len() > 1 {
        body.insert("models".into(), json!(models[1..]));
    }
    body.insert("messages".into(), json!(messages));
    body.insert("stream".into(), json!(true));
    // OpenRouter always sends usage and ignores this; OpenAI, Ollama,
    // llama.cpp and vLLM only send it when asked.
    body.insert("stream_options".into(), json!({"include_usage": true}));
    if let Some(temperature) = params.temperature {
        body.insert("temperature".into(), json!(temperature));
    }
    if let Some(max_tokens) = params.max_tokens {
        // OpenAI's reasoning models refuse `max_tokens`; everyone else knows it.
        let key = if super::provider::host_is(&provider.base_url, "api.openai.com") {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        body.insert(key.into(), json!(max_tokens));
    }
    for (key, value) in &params.extra {
        body.insert(key.clone(), value.clone());
    }
    if openrouter && let Some(Value::Object(object)) = prefs.provider_object() {
        // Raw `extra` preferences stay unless a typed preference names the same field.
        match body.get_mut("provider") {
            Some(Value::Object(existing)) => existing.extend(object),
            _ => {
                body.insert("provider".into(), Value::Object(object));
            }
        }
    }
    Value::Object(body)
}

/// What was sent, for people and session files: the body with the
/// conversation replaced by its message count (the body holds no key or
/// header, so it is safe to show and save).
pub fn sent_summary(body: &Value) -> Value {
    let Some(object) = body.as_object() else {
        return body.clone();
    };
    // Built field by field: cloning the body first would copy the whole
    // conversation only to drop it.
    let summary = object.iter().map(|(key, value)| {
        let value = match value.as_array() {
            Some(messages) if key == "messages" => json!(messages.len()),
            _ => value.clone(),
        };
        (key.clone(), value)
    });
    Value::Object(summary.collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn messages() -> Vec<ChatMessage> {
        vec![ChatMessage::system("be brief"), ChatMessage::user("hi")]
    }

    #[test]
    fn openrouter_chain_goes_as_models() {
        let provider = Provider::new("openrouter", "https://openrouter.ai/api/v1");
        let body = request_body(
            &provider,
            &["openai/gpt-4o", "anthropic/claude-3.5-sonnet"],
            &messages(),
            &ChatParams {
                temperature: Some(0.2),
                max_tokens: Some(64),
                ..ChatParams::default()
            },
        );
        assert_eq!(
            body,
            json!({
                "model": "openai/gpt-4o",
                "models": ["anthropic/claude-3.5-sonnet"],
                "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
                "stream": true,
                "stream_options": {"include_usage": true},
                "temperature": 0.2,
                "max_tokens": 64
            })
        );
    }

    #[test]
    fn openai_gets_max_completion_tokens_and_extras_merge() {
        let provider = Provider::new("openai", "https://api.openai.com/v1");
        let mut extra = Map::new();
        extra.insert("provider".into(), json!({"data_collection": "deny"}));
        let body = request_body(
            &provider,
            &["gpt-4o"],
            &messages(),
            &ChatParams {
                max_tokens: Some(10),
                extra,
                ..ChatParams::default()
            },
        );
        assert_eq!(body["max_completion_tokens"], json!(10));
        assert!(body.get("max_tokens").is_none());
        assert!(body.get("models").is_none());
        assert_eq!(body["provider"]["data_collection"], json!("deny"));
    }
}
