//! Argument definitions for every command (a contract scripts depend on):
//! the clap structs and enums, and their conversions into core types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::validate;
use crate::router::catalog::SortKey;
use crate::router::columns::ColumnArg;

#[derive(Debug, Parser)]
#[command(
    name = "prism",
    version,
    about = "Compare language models side by side: one prompt, N models, live cost and latency",
    after_help = "Without a command, prism opens the workbench. Keys come from OPENROUTER_API_KEY \
                  (or the variable a provider names), in the environment or a .env file."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(flatten)]
    pub open: OpenArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// How the workbench opens (when no command is given).
#[derive(Debug, Clone, Default, Args)]
pub struct OpenArgs {
    /// A model column to open with (repeatable): an id of the default provider or provider:model.
    #[arg(short = 'm', long = "model", value_name = "MODEL")]
    pub models: Vec<String>,
    /// A fallback chain as one column, e.g. openai/gpt-4o,anthropic/claude-3.5-sonnet.
    #[arg(long = "fallback", value_name = "M1,M2,...")]
    pub fallback: Vec<String>,
    #[command(flatten)]
    pub request: RequestArgs,
    /// Reopen the latest session, or the one with this id (a unique prefix will do).
    #[arg(long, value_name = "ID", num_args = 0..=1, default_missing_value = "")]
    pub resume: Option<String>,
    /// Blind mode: panes are "Model A", "Model B"... until you vote.
    #[arg(long)]
    pub blind: bool,
}

/// What every column is asked with (the config's `[defaults]` fill the gaps).
#[derive(Debug, Clone, Default, Args)]
pub struct RequestArgs {
    /// System prompt for every column.
    #[arg(long, value_name = "TEXT")]
    pub system: Option<String>,
    /// Sampling temperature, 0 to 2.
    #[arg(long, value_name = "F", value_parser = validate::flag(validate::temperature))]
    pub temperature: Option<f64>,
    /// The most tokens an answer may have (at least 1).
    #[arg(long, value_name = "N", value_parser = validate::flag(validate::max_tokens))]
    pub max_tokens: Option<u32>,
}

impl RequestArgs {
    /// These flags over the config file's `[defaults]`.
    pub fn over(
        &self,
        defaults: &crate::config::RequestDefaults,
    ) -> crate::config::RequestDefaults {
        crate::config::RequestDefaults {
            system: self.system.clone().or_else(|| defaults.system.clone()),
            temperature: self.temperature.or(defaults.temperature),
            max_tokens: self.max_tokens.or(defaults.max_tokens),
        }
    }
}

/// Model columns as plain `-m` columns.
pub fn model_columns(models: &[impl AsRef<str>]) -> Vec<ColumnArg> {
    models
        .iter()
        .map(|m| ColumnArg::Model(m.as_ref().to_string()))
        .collect()
}

#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Read this config file instead of the default one.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Send the default provider's requests to this OpenAI-compatible base URL.
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Read the default provider's API key from this environment variable.
    #[arg(long, global = true, value_name = "VAR")]
    pub api_key_env: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Send one prompt to several models at once and compare the answers.
    Compare(Box<CompareArgs>),
    /// Show which model a router from the config file picks for a prompt, without sending it.
    Route(RouteArgs),
    /// List the models a provider offers, with context sizes and prices.
    Models(ModelsArgs),
    /// List the upstreams that serve one OpenRouter model: prices, context, uptime, recent speed.
    Providers(ProvidersArgs),
    /// Show where prism reads its configuration, or print the default config.
    Config(ConfigArgs),
    /// The saved sessions: list, show, export or remove them.
    Sessions(SessionsArgs),
    /// Rank the models by your votes across all sessions, with cost and speed.
    Leaderboard(LeaderboardArgs),
    /// Run a suite of prompts over many models and repeats: checked, costed, journalled.
    Eval(Box<EvalArgs>),
    /// The eval runs: list, show, remove or compare them.
    Runs(RunsArgs),
    /// Print a shell completion script (bash, zsh or fish) to stdout.
    #[command(
        after_help = "bash: prism completions bash > ~/.local/share/bash-completion/completions/prism\n\
                            zsh:  prism completions zsh > ~/.zfunc/_prism  (with fpath+=~/.zfunc before compinit)\n\
                            fish: prism completions fish > ~/.config/fish/completions/prism.fish"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff) to stdout, or a command's own page (prism man compare).
    #[command(after_help = "prism man > ~/.local/share/man/man1/prism.1\n\
                            prism man compare > ~/.local/share/man/man1/prism-compare.1")]
    Man(ManArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ManArgs {
    /// A command whose page to print (compare, eval, models…); none for prism(1).
    #[arg(value_name = "COMMAND")]
    pub command: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct CompletionsArgs {
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: CompletionShell,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompletionShell {
    Bash,
    Zsh,
    Fish,
}

#[derive(Debug, Clone, Args)]
pub struct EvalArgs {
    /// The suite file (TOML; see the README for its format).
    #[arg(value_name = "SUITE.toml")]
    pub suite: Option<PathBuf>,
    /// Run only what a run is missing: its id (or a unique prefix), or with a suite and no id, that suite's latest run.
    #[arg(long, value_name = "RUN", num_args = 0..=1, default_missing_value = "", conflicts_with = "repeat")]
    pub resume: Option<String>,
    /// Requests in flight at once (per model too; a 429 lowers a model's share).
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub concurrency: usize,
    /// Ask every case this many times per column (over the suite's `repeat`).
    #[arg(long, value_name = "N")]
    pub repeat: Option<u32>,
    /// A hard budget in USD: no request starts that could take the spending past it.
    #[arg(long, value_name = "USD", allow_negative_numbers = true, value_parser = crate::router::figures::parse_setting_usd)]
    pub max_cost: Option<rust_decimal::Decimal>,
    /// Run without asking, whatever the estimate.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// Print the cost estimate and stop; nothing is sent.
    #[arg(long)]
    pub estimate: bool,
    #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
    pub format: EvalFormat,
    /// Write the report to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Exit 0 when every column's pass rate is at least RATE (0.9 or 90%), instead of only when all passed.
    #[arg(long, value_name = "RATE")]
    pub fail_under: Option<String>,
    /// Project each column's daily and monthly cost at this many calls a day.
    #[arg(long, value_name = "CALLS_PER_DAY")]
    pub volume: Option<u64>,
    /// Watch the run live in a terminal view: the grid of cases × columns, the summary, the cost/pass-rate chart; open any case's answers side by side.
    #[arg(long)]
    pub tui: bool,
    /// Add one column per upstream of this OpenRouter model, each pinned to it (a new run only).
    #[arg(long = "per-provider", value_name = "MODEL", conflicts_with = "resume")]
    pub per_provider: Vec<String>,
    #[command(flatten)]
    pub network: NetworkArgs,
}

/// Retry and timeout flags of the commands that send requests; they win
/// over the config's `[network]`, and are checked by the same rules.
#[derive(Debug, Clone, Default, Args)]
pub struct NetworkArgs {
    /// Retries of rate limits, server errors and dropped connections (0 to 10).
    #[arg(long, value_name = "N", value_parser = validate::flag(validate::max_retries))]
    pub max_retries: Option<u32>,
    /// Fail a stream that sends nothing for this many seconds.
    #[arg(long, value_name = "SECS", value_parser = validate::flag(validate::timeout_secs))]
    pub idle_timeout: Option<u64>,
    /// Fail a request not answered in full within this many seconds (default 1800).
    #[arg(long, value_name = "SECS", value_parser = validate::flag(validate::timeout_secs))]
    pub request_timeout: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    Text,
    Json,
    Markdown,
    Csv,
}

impl From<EvalFormat> for crate::eval::report::Format {
    fn from(value: EvalFormat) -> Self {
        match value {
            EvalFormat::Text => crate::eval::report::Format::Text,
            EvalFormat::Json => crate::eval::report::Format::Json,
            EvalFormat::Markdown => crate::eval::report::Format::Markdown,
            EvalFormat::Csv => crate::eval::report::Format::Csv,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct RunsArgs {
    /// What to do (default: list).
    #[command(subcommand)]
    pub command: Option<RunsCommand>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum RunsCommand {
    /// List the runs, newest first.
    List(SessionsListArgs),
    /// A run's report: summary, matrix and failures (or JSON, Markdown, CSV).
    Show(RunsShowArgs),
    /// Delete a run's journal (no confirmation: scripts use it).
    Rm(RunIdArgs),
    /// Compare two runs: pass-rate change per column, cases that went from pass to fail or back.
    Diff(RunsDiffArgs),
}

#[derive(Debug, Clone, Args)]
pub struct RunIdArgs {
    /// A run id, or a prefix naming just one.
    #[arg(value_name = "RUN")]
    pub id: String,
}

#[derive(Debug, Clone, Args)]
pub struct RunsShowArgs {
    /// A run id, or a prefix naming just one.
    #[arg(value_name = "RUN")]
    pub id: String,
    #[arg(long, value_enum, default_value_t = EvalFormat::Text)]
    pub format: EvalFormat,
    /// Write the report to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Project each column's daily and monthly cost at this many calls a day.
    #[arg(long, value_name = "CALLS_PER_DAY")]
    pub volume: Option<u64>,
}

#[derive(Debug, Clone, Args)]
pub struct RunsDiffArgs {
    /// The baseline run.
    #[arg(value_name = "OLD")]
    pub old: String,
    /// The run to compare with it.
    #[arg(value_name = "NEW")]
    pub new: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct CompareArgs {
    /// A model to ask (repeatable): an id of the default provider, provider:model, or router:NAME.
    #[arg(short = 'm', long = "model", value_name = "MODEL")]
    pub models: Vec<String>,
    /// A fallback chain asked as one column, e.g. openai/gpt-4o,anthropic/claude-3.5-sonnet.
    #[arg(long = "fallback", value_name = "M1,M2,...")]
    pub fallback: Vec<String>,
    /// A router from the config file as one column: its rules pick the model for the prompt.
    #[arg(long = "router", value_name = "NAME")]
    pub routers: Vec<String>,
    /// One column per upstream of this OpenRouter model, each pinned to it (after the -m columns).
    #[arg(long = "per-provider", value_name = "MODEL")]
    pub per_provider: Vec<String>,
    /// This OpenRouter model via OpenRouter and straight from its own provider ([direct] in the config), side by side.
    #[arg(long = "via-and-direct", value_name = "MODEL")]
    pub via_and_direct: Vec<String>,
    #[command(flatten)]
    pub request: RequestArgs,
    #[command(flatten)]
    pub network: NetworkArgs,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Show the models' reasoning too: in text format on stderr, framed apart from the
    /// answer on stdout; in the Markdown report above each answer (JSON always has it).
    #[arg(long)]
    pub reasoning: bool,
    #[command(flatten)]
    pub preferences: super::preference_args::PreferenceArgs,
    /// The prompt; read from stdin when absent or "-".
    pub prompt: Option<String>,
}

#[derive(Debug, Clone, Args)]
pub struct RouteArgs {
    /// The router's name (`[routers.NAME]` in the config file).
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Print the decision as JSON.
    #[arg(long)]
    pub json: bool,
    /// The prompt; read from stdin when absent or "-".
    pub prompt: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Args)]
pub struct ModelsArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Only models whose id or name contains every word of Q.
    #[arg(long, value_name = "Q")]
    pub search: Option<String>,
    /// Only free models.
    #[arg(long)]
    pub free: bool,
    #[arg(long, value_enum, default_value_t = SortArg::Name)]
    pub sort: SortArg,
    /// The provider whose catalog to list (default: the default provider).
    #[arg(long, value_name = "NAME")]
    pub provider: Option<String>,
    /// Fetch the catalog even when the cache is fresh.
    #[arg(long)]
    pub refresh: bool,
    /// Look for local servers (Ollama, LM Studio, llama.cpp, vLLM) and list their models.
    #[arg(long, conflicts_with_all = ["provider", "refresh"])]
    pub local: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ProvidersArgs {
    /// The OpenRouter model, e.g. meta-llama/llama-3.3-70b-instruct.
    #[arg(value_name = "MODEL")]
    pub model: String,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Price,
    Context,
    Name,
    Created,
}

impl From<SortArg> for SortKey {
    fn from(value: SortArg) -> Self {
        match value {
            SortArg::Price => SortKey::Price,
            SortArg::Context => SortKey::Context,
            SortArg::Name => SortKey::Name,
            SortArg::Created => SortKey::Created,
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct ConfigArgs {
    /// Print the documented default config (to start a config file from).
    #[arg(long)]
    pub default: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SessionsArgs {
    /// What to do (default: list).
    #[command(subcommand)]
    pub command: Option<SessionsCommand>,
}

#[derive(Debug, Clone, Subcommand)]
pub enum SessionsCommand {
    /// List the saved sessions, newest first.
    List(SessionsListArgs),
    /// Show a session: its columns, every prompt and answer, figures and votes.
    Show(SessionIdArgs),
    /// Export a session as a Markdown report or as JSON.
    Export(SessionsExportArgs),
    /// Delete a session (no confirmation: scripts use it).
    Rm(SessionIdArgs),
}

#[derive(Debug, Clone, Default, Args)]
pub struct SessionsListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Args)]
pub struct SessionIdArgs {
    /// A session id, or a prefix naming just one.
    #[arg(value_name = "ID")]
    pub id: String,
}

#[derive(Debug, Clone, Args)]
pub struct SessionsExportArgs {
    /// A session id, or a prefix naming just one.
    #[arg(value_name = "ID")]
    pub id: String,
    #[arg(long, value_enum, default_value_t = ExportFormat::Markdown)]
    pub format: ExportFormat,
    /// Write to this file instead of stdout.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Markdown,
    Json,
}

#[derive(Debug, Clone, Args)]
pub struct LeaderboardArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Count only votes cast while the names were hidden.
    #[arg(long, conflicts_with = "sighted")]
    pub blind: bool,
    /// Count only votes cast with the names shown.
    #[arg(long)]
    pub sighted: bool,
    /// Whose votes rank the models: yours, judge models' verdicts, or both
    /// together (always labelled).
    #[arg(long, value_enum, default_value = "me")]
    pub source: SourceArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    /// Your own votes.
    Me,
    /// Verdicts of judge models.
    Judge,
    /// Both, counted together.
    Both,
}

impl From<SourceArg> for crate::session::leaderboard::Source {
    fn from(arg: SourceArg) -> Self {
        match arg {
            SourceArg::Me => Self::Me,
            SourceArg::Judge => Self::Judge,
            SourceArg::Both => Self::Both,
        }
    }
}
