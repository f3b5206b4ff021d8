//! The session file's schema: one comparison session with its columns,
//! every turn's prompt and answers (text, reasoning, figures, errors) and
//! votes. Serialized as JSON with a schema version; it never holds an API
//! key or an auth header (nothing here can: keys live only in `Provider`).

use rust_decimal::Decimal;
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
    /// Requests asked OpenRouter for upstreams that keep no prompts (F3):
    /// a resumed session, and the next workbench, keep asking.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub privacy: bool,
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
    /// The OpenRouter upstream the column is pinned to (`MODEL@SLUG`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upstream: Option<String>,
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
            upstream: self.upstream.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub prompt: String,
    pub started_at_unix: i64,
    /// One per column asked, in column order.
    pub answers: Vec<Answer>,
    /// Your vote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote: Option<Vote>,
    /// Judge models' verdicts on the turn (each with its judge as source).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub judge_votes: Vec<Vote>,
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
    /// Who voted: you, or a judge. Files written before judges read as yours.
    #[serde(default, skip_serializing_if = "VoteSource::is_user")]
    pub source: VoteSource,
    /// A judge's short reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The columns in the order their panes were shown when the vote was
    /// cast, the first (leftmost) first: where each model sat, for the
    /// position bias. Empty in files written before it was recorded.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub shown_order: Vec<u64>,
    /// What a judge's calls for this verdict cost (none on your votes, and
    /// on judge votes in files written before it was recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge_cost: Option<JudgeCost>,
}

/// What the calls behind a judge's verdict cost: the known costs summed
/// exactly (a decimal string in the file), and how many calls' costs were
/// unknown, so an unknown cost never reads as free.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct JudgeCost {
    pub calls: u32,
    /// None when no call's cost is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd: Option<Decimal>,
    /// Calls of unknown cost: `usd` is a floor when any are.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unpriced_calls: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl JudgeCost {
    /// From each call's cost (None: unknown).
    pub fn of(costs: impl IntoIterator<Item = Option<Decimal>>) -> JudgeCost {
        let mut cost = JudgeCost::default();
        for call in costs {
            cost.calls = cost.calls.saturating_add(1);
            match call {
                Some(usd) => {
                    cost.usd = Some(cost.usd.unwrap_or_default().saturating_add(usd));
                }
                None => cost.unpriced_calls = cost.unpriced_calls.saturating_add(1),
            }
        }
        cost
    }

    /// "$0.00018", "$0.0001+ (1 unknown)", "unknown".
    pub fn label(&self) -> String {
        crate::router::pricing::format_cost_floor(self.usd, u64::from(self.unpriced_calls))
    }
}

/// Who cast a vote.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum VoteSource {
    /// The person at the keyboard.
    #[default]
    User,
    /// A judge model (as the user names models).
    Judge { model: String },
}

impl VoteSource {
    pub fn is_user(&self) -> bool {
        *self == VoteSource::User
    }
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
    /// Active columns' models; sorted while the names are hidden, so their
    /// order does not tell which pane was which.
    pub models: Vec<String>,
    pub turns: usize,
    pub votes: usize,
    /// Sum of the known costs of every answer; `None` when no answer's
    /// cost is known.
    pub cost_usd: Option<rust_decimal::Decimal>,
    /// Answers that produced output but whose cost is unknown (a server
    /// without prices): the sum above leaves them out, so it is a floor.
    pub unpriced_answers: usize,
    pub blind: bool,
    pub revealed: bool,
}

impl Summary {
    /// Names and costs are hidden (a blind session not yet revealed).
    pub fn names_hidden(&self) -> bool {
        self.blind && !self.revealed
    }

    /// The cost column of a session list: never `$0` for what is unknown,
    /// and nothing that would give a blind session's models away.
    pub fn cost_label(&self) -> String {
        if self.names_hidden() {
            return "hidden".into();
        }
        crate::router::pricing::format_cost_floor(self.cost_usd, self.unpriced_answers as u64)
    }
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
            privacy: false,
            params: SessionParams::default(),
            columns: Vec::new(),
            turns: Vec::new(),
        }
    }

    /// Names and costs are hidden in a blind session until it is revealed.
    pub fn names_hidden(&self) -> bool {
        self.blind && !self.revealed
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
        let mut models: Vec<String> = self
            .columns
            .iter()
            .filter(|c| c.active)
            .map(|c| c.label.clone())
            .collect();
        if self.names_hidden() {
            models.sort();
        }
        let answers = || self.turns.iter().flat_map(|t| t.answers.iter());
        let cost_usd = crate::router::events::total_cost(answers().map(|a| &a.result));
        let unpriced_answers = answers().filter(|a| a.result.is_unpriced()).count();
        Summary {
            id: self.id.clone(),
            name: Some(self.title()),
            created_at_unix: self.created_at_unix,
            updated_at_unix: self.updated_at_unix,
            models,
            turns: self.turns.len(),
            votes: self.turns.iter().filter(|t| t.vote.is_some()).count(),
            cost_usd,
            unpriced_answers,
            blind: self.blind,
            revealed: self.revealed,
        }
    }
}

/// A new session id from the time and a little randomness (`random`, from
/// the caller's generator): sortable by creation, unique in practice, safe
/// as a file name.
pub fn new_id(now_unix: i64, random: u16) -> String {
    let date = crate::units::format_date_utc(now_unix).replace('-', "");
    let seconds = now_unix.rem_euclid(86_400);
    format!(
        "{date}-{:02}{:02}{:02}-{:04x}",
        seconds / 3600,
        (seconds % 3600) / 60,
        seconds % 60,
        random
    )
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::super::fixtures::{answer, failed, sample};

    #[test]
    fn summary_cost_sums_known_costs_exactly() {
        // sample(): 0.00012 + 0.00012 on turn one, 0.00003 on turn two.
        let summary = sample().summary();
        assert_eq!(summary.cost_usd, Some(Decimal::new(27, 5)));
        assert_eq!(summary.unpriced_answers, 0);
        assert_eq!(summary.cost_label(), "$0.00027");
    }

    #[test]
    fn summary_cost_never_shows_unknown_as_zero() {
        let mut session = sample();
        session.turns.truncate(1);
        for answer in &mut session.turns[0].answers {
            answer.result.cost_usd = None;
        }
        assert_eq!(session.summary().cost_usd, None);
        assert_eq!(session.summary().cost_label(), "unknown");

        // One priced answer beside an unpriced one: the known part is a floor.
        session.turns[0].answers[0].result.cost_usd = Some(Decimal::new(5, 4));
        assert_eq!(session.summary().cost_label(), "$0.0005+ (1 unknown)");
        // `sessions show` and the export say the same, never the sum alone.
        let report = crate::session::export::markdown(&session);
        assert!(report.contains("cost $0.0005+ (1 unknown)"), "{report}");
    }

    #[test]
    fn summary_cost_ignores_answers_that_produced_nothing() {
        let mut session = sample();
        session.turns.truncate(1);
        session.turns[0].answers = vec![failed(1, "openai/gpt-4o")];
        assert_eq!(session.summary().cost_label(), "-");
        session.turns[0].answers.push(answer(2, "x/y", "text"));
        assert_eq!(session.summary().unpriced_answers, 0);
    }

    #[test]
    fn a_vote_keeps_where_each_model_sat_and_old_files_still_load() {
        let mut session = sample();
        let vote = session.turns[0].vote.as_mut().expect("a vote");
        vote.shown_order = vec![2, 1];
        let json = serde_json::to_string(&session).expect("serializes");
        assert!(json.contains(r#""shown_order":[2,1]"#), "{json}");
        let back: super::Session = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, session);
        // A file from before positions were recorded: no field, no seats.
        let old = json.replace(r#","shown_order":[2,1]"#, "");
        let back: super::Session = serde_json::from_str(&old).expect("an old file reads");
        assert!(
            back.turns[0]
                .vote
                .as_ref()
                .expect("vote")
                .shown_order
                .is_empty()
        );
        assert!(
            !serde_json::to_string(&back)
                .expect("serializes")
                .contains("shown_order")
        );
    }

    #[test]
    fn summary_cost_is_hidden_until_a_blind_session_is_revealed() {
        let mut session = sample();
        session.blind = true;
        assert_eq!(session.summary().cost_label(), "hidden");
        session.revealed = true;
        assert_eq!(session.summary().cost_label(), "$0.00027");
    }
}
