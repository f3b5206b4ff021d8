//! What comes out of the routing core: a stream of typed events per column,
//! and the column's final result with its figures. The TUI folds the events
//! into pane state; the CLI prints them; both read the result.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::account::{GenerationRecord, overhead_ms};
use super::catalog::ModelInfo;
use super::error::RouterError;
use super::policy::RouteDecision;
use super::pricing::{Pricing, format_usd};
use super::provider::ModelRef;
use super::tokens::{self, Count, Running};
use super::usage::Usage;

#[derive(Clone, Debug, PartialEq)]
pub enum StreamEvent {
    /// A request for `model` is about to be sent (attempt numbers start at 1).
    Attempting {
        attempt: u32,
        model: String,
    },
    /// Client-side pacing holds the request back for `wait_ms` (a free
    /// model's rate limit); `Attempting` follows when its turn comes.
    Queued {
        wait_ms: u64,
    },
    /// The attempt failed and will be retried after `delay_ms`.
    Retrying {
        attempt: u32,
        error: RouterError,
        delay_ms: u64,
    },
    /// The first chunk arrived: who actually serves the answer.
    Started {
        served_model: String,
        provider: String,
    },
    /// The first reasoning or content token arrived.
    FirstToken {
        ttft_ms: u64,
    },
    /// The first answer (content) token arrived: later than `FirstToken`
    /// when a reasoning model thought first.
    FirstAnswerToken {
        ms: u64,
    },
    Reasoning(String),
    Content(String),
    ToolCall(ToolCallDelta),
    /// Token counts (None when the server's were beyond belief), and the
    /// server's own cost when it reports a believable one.
    Usage {
        usage: Option<Usage>,
        reported_cost_usd: Option<Decimal>,
    },
    /// A figure the server sent is not used, and why (one line).
    Note(String),
    Finished {
        finish_reason: Option<String>,
    },
    Failed(RouterError),
}

impl StreamEvent {
    /// Text as it streams (content, reasoning, tool-call fragments), as
    /// opposed to how the run goes.
    pub fn is_delta(&self) -> bool {
        matches!(
            self,
            StreamEvent::Reasoning(_) | StreamEvent::Content(_) | StreamEvent::ToolCall(_)
        )
    }
}

/// A fragment of a streamed tool call; fragments with the same index join.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCallDelta {
    pub index: u32,
    pub id: Option<String>,
    pub name: Option<String>,
    pub arguments: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ToolCall {
    pub index: u32,
    pub id: Option<String>,
    pub name: String,
    pub arguments: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CostSource {
    /// The server said what it charged (`usage.cost`).
    Reported,
    /// Catalog prices times token counts.
    Computed,
}

/// One request sent for a column: which model, how long, how it ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub model: String,
    pub provider: String,
    pub elapsed_ms: u64,
    pub error: Option<RouterError>,
}

/// The outcome of one column, complete or not. `text` keeps whatever arrived
/// before a failure.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RunResult {
    /// As requested (a model reference or a fallback chain).
    pub model: String,
    pub served_model: Option<String>,
    /// The upstream that answered when the router names it ("OpenAI"), else our provider.
    pub provider: Option<String>,
    /// The configured provider the request went through ("openrouter", "ollama").
    pub via: Option<String>,
    pub text: String,
    pub reasoning: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
    #[serde(with = "super::pricing::usd_json")]
    pub cost_usd: Option<Decimal>,
    pub cost_source: Option<CostSource>,
    /// The answering attempt's own time to its first token (reasoning or
    /// content), from sending its request.
    pub ttft_ms: Option<u64>,
    /// The answering attempt's own time to its first answer (content)
    /// token; after `ttft_ms` when the model reasoned first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_answer_ms: Option<u64>,
    /// The answering attempt's own time, from sending to the last byte.
    pub total_ms: Option<u64>,
    /// From the start (Enter, or the command) to the first token: pacing,
    /// every earlier attempt and backoff included.
    #[serde(default)]
    pub start_ttft_ms: Option<u64>,
    /// From the start to the end, pacing, retries and backoff included.
    #[serde(default)]
    pub start_total_ms: Option<u64>,
    pub tokens_per_s: Option<f64>,
    pub attempts: Vec<Attempt>,
    pub error: Option<RouterError>,
    /// For a router column: which model its rules picked, and why.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub route: Option<RouteDecision>,
    /// Content and reasoning deltas received.
    #[serde(skip)]
    pub delta_count: u64,
    /// Tokens estimated from the content and reasoning text so far: the
    /// figure until (or unless) the server's usage arrives.
    #[serde(skip)]
    pub estimate: Running,
    /// The request body of the attempt that answered (or the last one tried),
    /// with `messages` replaced by their count: parameters and provider
    /// preferences as sent. Never a header or key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<serde_json::Value>,
    /// OpenRouter's id of the generation ("gen-…"), for `/generation`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation_id: Option<String>,
    /// The exact record fetched after the stream (OpenRouter only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generation: Option<GenerationRecord>,
    /// Time to first token minus the upstream's latency: the routing hop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overhead_ms: Option<i64>,
    /// Figures that came but are not used (a negative cost, a fractional
    /// token count…), one line each saying why; they show as unknown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

impl RunResult {
    pub fn new(model: impl Into<String>) -> RunResult {
        RunResult {
            model: model.into(),
            ..RunResult::default()
        }
    }

    pub fn is_ok(&self) -> bool {
        self.error.is_none()
    }

    /// Folds one event in. Timing fields are set by the runner, not here.
    pub fn apply(&mut self, event: &StreamEvent) {
        match event {
            StreamEvent::Attempting { .. }
            | StreamEvent::Queued { .. }
            | StreamEvent::Retrying { .. } => {}
            StreamEvent::Started {
                served_model,
                provider,
            } => {
                self.served_model = Some(served_model.clone());
                self.provider = Some(provider.clone());
            }
            StreamEvent::FirstToken { ttft_ms } => self.ttft_ms = Some(*ttft_ms),
            StreamEvent::FirstAnswerToken { ms } => self.first_answer_ms = Some(*ms),
            StreamEvent::Reasoning(text) => {
                self.reasoning.push_str(text);
                self.estimate.push(text);
                self.delta_count += 1;
            }
            StreamEvent::Content(text) => {
                self.text.push_str(text);
                self.estimate.push(text);
                self.delta_count += 1;
            }
            StreamEvent::ToolCall(delta) => self.apply_tool_call(delta),
            StreamEvent::Usage {
                usage,
                reported_cost_usd,
            } => {
                if let Some(usage) = usage {
                    self.usage = Some(*usage);
                }
                if let Some(cost) = reported_cost_usd {
                    self.cost_usd = Some(*cost);
                    self.cost_source = Some(CostSource::Reported);
                }
            }
            StreamEvent::Finished { finish_reason } => {
                self.finish_reason = finish_reason.clone().or(self.finish_reason.take());
            }
            StreamEvent::Failed(error) => self.error = Some(error.clone()),
            StreamEvent::Note(note) => self.note(note.clone()),
        }
    }

    /// Records why a figure is not used (once: a repeated note says nothing new).
    pub fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }

    fn apply_tool_call(&mut self, delta: &ToolCallDelta) {
        let call = match self.tool_calls.iter_mut().find(|c| c.index == delta.index) {
            Some(call) => call,
            None => {
                self.tool_calls.push(ToolCall {
                    index: delta.index,
                    ..ToolCall::default()
                });
                let last = self.tool_calls.len() - 1;
                &mut self.tool_calls[last]
            }
        };
        if delta.id.is_some() {
            call.id = delta.id.clone();
        }
        if let Some(name) = &delta.name {
            call.name.push_str(name);
        }
        call.arguments.push_str(&delta.arguments);
    }

    /// "$0.0012", or "~$0.0012" when computed from catalog prices; None
    /// when unknown (never $0).
    pub fn cost_text(&self) -> Option<String> {
        let cost = format_usd(self.cost_usd?);
        Some(match self.cost_source {
            Some(CostSource::Computed) => format!("~{cost}"),
            _ => cost,
        })
    }

    /// Prompt and completion tokens, "12→40"; without usage the
    /// completion estimated from the text, "-→~40"; "-" for no answer.
    pub fn tokens_text(&self) -> String {
        match (self.usage, self.completion_count()) {
            (Some(usage), _) => format!("{}→{}", usage.prompt_tokens, usage.completion_tokens),
            (None, Some(count)) => format!("-→{count}"),
            (None, None) => "-".into(),
        }
    }

    /// What was asked for: a router column's pick, else the column's chain.
    pub fn asked_model(&self) -> &str {
        self.route
            .as_ref()
            .map_or(self.model.as_str(), |r| &r.model)
    }

    /// The served model when it is none of `asked` (a comma-separated
    /// chain, or one model pinned to an upstream, `MODEL@SLUG`): a
    /// fallback, or the router's own choice, answered.
    pub fn served_instead_of(&self, asked: &str) -> Option<&str> {
        let served = self.served_model.as_deref()?;
        let named = |m: &str| {
            m.ends_with(served)
                || m.rsplit_once('@')
                    .is_some_and(|(id, _)| id.ends_with(served))
        };
        (!asked.split(',').any(named)).then_some(served)
    }

    /// Completion tokens (reasoning included): the server's count, else
    /// estimated from the text (marked as such); None before any text.
    pub fn completion_count(&self) -> Option<Count> {
        if let Some(usage) = self.usage.filter(|u| u.completion_tokens > 0) {
            return Some(Count::exact(usage.completion_tokens));
        }
        let estimate = if self.estimate.is_empty() {
            // A result read back from a file has no running estimate.
            tokens::estimate(&self.text) + tokens::estimate(&self.reasoning)
        } else {
            self.estimate.tokens()
        };
        (estimate > 0 || self.usage.is_some()).then(|| match self.usage {
            Some(_) if estimate == 0 => Count::exact(0),
            _ => Count::estimated(estimate),
        })
    }

    /// Completion tokens as a number: see [`RunResult::completion_count`].
    pub fn completion_tokens(&self) -> u64 {
        self.completion_count().map_or(0, |c| c.tokens)
    }

    /// "85.2", or "~85.2" when the token count behind it is an estimate.
    pub fn rate_text(&self) -> String {
        let rate = crate::units::rate(self.tokens_per_s);
        match (self.tokens_per_s, self.completion_count()) {
            (Some(_), Some(count)) if !count.exact => format!("~{rate}"),
            _ => rate,
        }
    }

    /// The answer produced something (text, reasoning or a token count)
    /// yet its cost is unknown: a sum that leaves it out is only a floor.
    pub fn is_unpriced(&self) -> bool {
        self.cost_usd.is_none()
            && (self.usage.is_some()
                || !self.text.is_empty()
                || !self.reasoning.is_empty()
                || !self.tool_calls.is_empty())
    }

    /// Tokens per second after the first token.
    pub fn compute_rate(&mut self) {
        self.tokens_per_s = match (self.ttft_ms, self.total_ms) {
            (Some(first), Some(total)) if total > first => {
                let tokens = self.completion_tokens();
                let secs = (total - first) as f64 / 1000.0;
                (tokens > 1).then(|| ((tokens - 1) as f64 / secs * 10.0).round() / 10.0)
            }
            _ => None,
        };
    }

    /// Fills the cost from catalog prices when the server reported none.
    pub fn apply_pricing(&mut self, pricing: &Pricing) {
        if self.cost_source == Some(CostSource::Reported) {
            return;
        }
        let Some(usage) = &self.usage else {
            return;
        };
        match pricing.cost(usage) {
            Ok(Some(cost)) => {
                self.cost_usd = Some(cost);
                self.cost_source = Some(CostSource::Computed);
            }
            Ok(None) => {}
            Err(reason) => self.note(format!("{reason}: the cost is unknown")),
        }
    }

    /// Prices the answer from the catalog when the server reported no cost,
    /// for `compare` and the workbench alike: the served model on the
    /// provider the request went through, else the model of `chain` (what
    /// was asked) that the served id extends (a served id may carry a date
    /// suffix the catalog lists without), else, when nothing says which
    /// model served, the only model asked there. Never another model's price.
    pub fn price_from_catalog<'a>(
        &mut self,
        chain: &[ModelRef],
        model_info: impl Fn(&str, &str) -> Option<&'a ModelInfo>,
    ) {
        if self.cost_source == Some(CostSource::Reported) || self.usage.is_none() {
            return;
        }
        let Some(provider) = self
            .via
            .clone()
            .or_else(|| chain.first().map(|m| m.provider.clone()))
        else {
            return;
        };
        let asked: Vec<&ModelRef> = chain.iter().filter(|m| m.provider == provider).collect();
        let info = match self.served_model.as_deref() {
            Some(served) => model_info(&provider, served).or_else(|| {
                let extended = asked
                    .iter()
                    .filter(|m| served.starts_with(m.model.as_str()))
                    .max_by_key(|m| m.model.len())?;
                model_info(&provider, &extended.model)
            }),
            None => match asked.as_slice() {
                [only] => model_info(&provider, &only.model),
                _ => None,
            },
        };
        if let Some(info) = info {
            self.apply_pricing(&info.pricing);
        }
    }

    /// Adds the exact record: the overhead, and the exact cost when the
    /// record has one (it is what the account was charged).
    pub fn apply_generation(&mut self, record: GenerationRecord) {
        self.overhead_ms = overhead_ms(self.ttft_ms, &record);
        if self.provider.is_none() {
            self.provider = record.provider_name.clone();
        }
        // A cancelled or failed answer never got its usage chunk: the
        // record's counts are exact where the estimate was not.
        if self.usage.is_none()
            && let Some(usage) = record.usage()
        {
            self.usage = Some(usage);
            self.compute_rate();
        }
        if let Some(cost) = record.charged_usd() {
            self.cost_usd = Some(cost);
            self.cost_source = Some(CostSource::Reported);
        }
        for note in &record.notes {
            self.note(note.clone());
        }
        self.generation = Some(record);
    }
}

/// The sum of the known costs; None when no cost is known (or, for costs
/// that did not come through the checks, when the sum would overflow).
/// Answers whose cost is unknown are left out: see [`CostSum`] for a total
/// that says so.
pub fn total_cost<'a>(results: impl IntoIterator<Item = &'a RunResult>) -> Option<Decimal> {
    let mut costs = results.into_iter().filter_map(|r| r.cost_usd).peekable();
    costs.peek()?;
    super::figures::checked_sum(costs)
}

/// A total over answers some of whose costs may be unknown: the known sum
/// and how many answers it leaves out. Never shown as a plain `$0` or a
/// plain sum when something is missing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CostSum {
    /// The sum of the known costs; None when none is known.
    pub known_usd: Option<Decimal>,
    /// Answers that produced something but whose cost is unknown.
    pub unpriced: usize,
}

impl CostSum {
    pub fn of<'a>(results: impl IntoIterator<Item = &'a RunResult>) -> CostSum {
        let results: Vec<&RunResult> = results.into_iter().collect();
        CostSum {
            known_usd: total_cost(results.iter().copied()),
            unpriced: results.iter().filter(|r| r.is_unpriced()).count(),
        }
    }

    /// The whole total, only when no cost is missing.
    pub fn exact_usd(&self) -> Option<Decimal> {
        if self.unpriced > 0 {
            return None;
        }
        self.known_usd
    }

    /// "$0.0012"; "$0.0012+ (1 unknown)" for a floor; "unknown" when
    /// nothing is known; "-" when nothing cost anything we know of.
    pub fn label(&self) -> String {
        super::pricing::format_cost_floor(self.known_usd, self.unpriced as u64)
    }
}

#[cfg(test)]
mod tests;
