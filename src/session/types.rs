//! The session file's schema: one comparison session with its columns,
//! every turn's prompt and answers (text, reasoning, figures, errors) and
//! votes. Serialized as JSON with a schema version; it never holds an API
//! key or an auth header (nothing here can: keys live only in `Provider`).

use serde::{Deserialize, Serialize};

use crate::router::events::RunResult;
use crate::router::preferences::ProviderPrefs;
use crate::router::{ModelRef, Target};

/// Bumped when the file format changes incompatibly. A file with a newer
/// version is reported and left alone, never rewritten by an older prism.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub schema_version: u32,
    /// Sortable and unique: "20261124-153012-4f2a".
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub created_at_unix: i64,
    pub updated_at_unix: i64,
    /// Panes were shown as "Model A", "Model B"... with costs hidden.
    #[serde(default)]
    pub blind: bool,
    /// The blind labels were revealed (after a vote).
    #[serde(default)]
    pub revealed: bool,
    /// Shared request parameters (each column may override them).
    #[serde(default)]
    pub params: SessionParams,
    pub columns: Vec<Column>,
    pub turns: Vec<Turn>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SessionParams {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_tokens: Option<u32>,
    /// OpenRouter provider preferences.
    #[serde(default, skip_serializing_if = "ProviderPrefs::is_empty")]
    pub provider: ProviderPrefs,
}

/// One pane of the session: a model or a fallback chain, and its overrides.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Column {
    /// Stable within the session; answers and votes refer to it.
    pub id: u64,
    /// As the user wrote it ("openai/gpt-4o", "ollama:llama3.2:3b", "a,b").
    pub label: String,
    /// The models asked in order (one, or a fallback chain), with providers;
    /// empty for a router column, whose model is decided per prompt.
    pub chain: Vec<ModelRef>,
    /// A router column's router name (`router:NAME`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub router: Option<String>,
    #[serde(default)]
    pub params: SessionParams,
    /// "Model A"... in a blind session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blind_label: Option<String>,
    /// False once the pane was removed; its past answers stay.
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

impl Column {
    pub fn target(&self) -> Target {
        Target {
            label: self.label.clone(),
            chain: self.chain.clone(),
            router: self.router.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub prompt: String,
    pub started_at_unix: i64,
    /// One per column asked, in column order.
    pub answers: Vec<Answer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote: Option<Vote>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub column: u64,
    /// Everything the router knew: text, reasoning, served model, usage,
    /// cost, timings, attempts, error. Partial while `complete` is false.
    pub result: RunResult,
    /// False while it was still streaming when saved (or when prism stopped).
    pub complete: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vote {
    pub verdict: Verdict,
    /// Cast while the names were hidden.
    pub blind: bool,
    pub at_unix: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Verdict {
    /// This column's answer is the best of the turn.
    Best {
        column: u64,
    },
    Tie,
    AllBad,
}

/// What a list of sessions shows, without the answers' text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub id: String,
    pub name: Option<String>,
    pub created_at_unix: i64,
    pub updated_at_unix: i64,
    pub models: Vec<String>,
    pub turns: usize,
    pub votes: usize,
    /// Sum of the known costs of every answer.
    pub cost_usd: f64,
    pub blind: bool,
}

impl Session {
    pub fn new(id: String, now_unix: i64) -> Session {
        Session {
            schema_version: SCHEMA_VERSION,
            id,
            name: None,
            created_at_unix: now_unix,
            updated_at_unix: now_unix,
            blind: false,
            revealed: false,
            params: SessionParams::default(),
            columns: Vec::new(),
            turns: Vec::new(),
        }
    }

    pub fn column(&self, id: u64) -> Option<&Column> {
        self.columns.iter().find(|c| c.id == id)
    }

    /// The name people see: the given name, else the first prompt's start.
    pub fn title(&self) -> String {
        if let Some(name) = self.name.as_ref().filter(|n| !n.trim().is_empty()) {
            return name.clone();
        }
        match self.turns.first() {
            Some(turn) => {
                let line = turn.prompt.lines().next().unwrap_or("").trim();
                let mut title: String = line.chars().take(48).collect();
                if line.chars().count() > 48 {
                    title.push('…');
                }
                title
            }
            None => "(empty)".to_string(),
        }
    }

    pub fn summary(&self) -> Summary {
        let cost_usd = self
            .turns
            .iter()
            .flat_map(|t| t.answers.iter())
            .filter_map(|a| a.result.cost_usd)
            .map(crate::router::pricing::to_f64)
            // (an empty f64 sum is -0.0, which prints as "-0")
            .fold(0.0, |total, cost| total + cost);
        Summary {
            id: self.id.clone(),
            name: Some(self.title()),
            created_at_unix: self.created_at_unix,
            updated_at_unix: self.updated_at_unix,
            models: self
                .columns
                .iter()
                .filter(|c| c.active)
                .map(|c| c.label.clone())
                .collect(),
            turns: self.turns.len(),
            votes: self.turns.iter().filter(|t| t.vote.is_some()).count(),
            cost_usd,
            blind: self.blind,
        }
    }
}

/// A new session id from the time and a little randomness: sortable by
/// creation, unique in practice, safe as a file name.
pub fn new_id(now_unix: i64) -> String {
    let date = crate::router::catalog::format_date_utc(now_unix).replace('-', "");
    let seconds = now_unix.rem_euclid(86_400);
    format!(
        "{date}-{:02}{:02}{:02}-{:04x}",
        seconds / 3600,
        (seconds % 3600) / 60,
        seconds % 60,
        fastrand::u16(..)
    )
}
