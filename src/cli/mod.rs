//! The command line: argument definitions (a contract scripts depend on) and
//! the headless commands `compare`, `route`, `models` and `config`, all on
//! the same routing core as the workbench.

mod args;
mod compare;
mod compare_live;
mod docs;
mod eval;
mod eval_estimate;
mod eval_judges;
mod eval_live;
mod eval_open;
mod eval_progress;
mod eval_scope;
mod leaderboard;
mod models;
pub mod preference_args;
mod prompt;
mod providers;
mod report;
mod route;
mod runs;
mod sessions;
pub mod setup;
pub mod term;
mod workbench;

use std::process::ExitCode;

use clap::ArgMatches;

pub use crate::router::columns::ColumnArg;
use crate::sanitize::Outside;

pub use args::*;
pub use setup::{Setup, SetupError};

/// Exit statuses (a contract): every column answered, some failed, usage or configuration error.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Runs a headless command. `matches` gives the order of `-m` and `--fallback`.
pub async fn run(cli: Cli, matches: &ArgMatches) -> ExitCode {
    let outcome = match cli.command {
        Some(Command::Compare(mut args)) => {
            let sub = matches.subcommand_matches("compare").unwrap_or(matches);
            let mut order = column_order(matches, &cli.open.models, &cli.open.fallback, &[]);
            order.extend(column_order(
                sub,
                &args.models,
                &args.fallback,
                &args.routers,
            ));
            match flags_before_compare(&cli.open, &mut args.request) {
                Ok(()) => compare::run(&cli.global, *args, order).await,
                Err(err) => Err(err),
            }
        }
        Some(ref command) if !workbench_flags(&cli.open).is_empty() => {
            Err(refuse_flags_before(&cli.open, command))
        }
        Some(Command::Route(args)) => route::run(&cli.global, &args).await,
        Some(Command::Models(args)) => models::run(&cli.global, args).await,
        Some(Command::Providers(args)) => providers::run(&cli.global, args).await,
        Some(Command::Config(args)) => config_command(&cli.global, &args),
        Some(Command::Sessions(args)) => sessions::run(args),
        Some(Command::Leaderboard(args)) => leaderboard::run(&args),
        Some(Command::Eval(args)) => eval::run(&cli.global, *args).await,
        Some(Command::Runs(args)) => runs::run(args),
        Some(Command::Completions(args)) => docs::completions(args.shell),
        Some(Command::Man(args)) => docs::man(args.command.as_deref()),
        None => {
            let order = column_order(matches, &cli.open.models, &cli.open.fallback, &[]);
            workbench::run(&cli.global, &cli.open, order).await
        }
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        // Messages may quote files and servers (a suite's keys, a path).
        Err(CliError::Usage(message)) => {
            term::errln!("prism: {}", Outside(&message));
            ExitCode::from(EXIT_USAGE)
        }
        Err(CliError::Io(message)) => {
            term::errln!("prism: {}", Outside(&message));
            ExitCode::from(EXIT_FAILED)
        }
    }
}

/// The workbench flags set on the command line (they come before any command).
fn workbench_flags(open: &OpenArgs) -> Vec<&'static str> {
    let request = &open.request;
    [
        (!open.models.is_empty(), "-m/--model"),
        (!open.fallback.is_empty(), "--fallback"),
        (request.system.is_some(), "--system"),
        (request.temperature.is_some(), "--temperature"),
        (request.max_tokens.is_some(), "--max-tokens"),
        (open.resume.is_some(), "--resume"),
        (open.blind, "--blind"),
    ]
    .into_iter()
    .filter_map(|(set, name)| set.then_some(name))
    .collect()
}

/// `prism -m a --temperature 0.2 compare …` means what it says: the columns
/// come first, the request flags apply (unless `compare` sets them too).
/// The flags only the workbench has are refused.
fn flags_before_compare(open: &OpenArgs, request: &mut RequestArgs) -> Result<(), CliError> {
    let workbench_only: Vec<&str> = [(open.resume.is_some(), "--resume"), (open.blind, "--blind")]
        .into_iter()
        .filter_map(|(set, name)| set.then_some(name))
        .collect();
    if !workbench_only.is_empty() {
        return Err(CliError::Usage(format!(
            "{} only opens the workbench; `compare` has no such flag (run prism without a command to use it)",
            workbench_only.join(" and ")
        )));
    }
    let before = &open.request;
    let twice = [
        (
            before.system.is_some() && request.system.is_some(),
            "--system",
        ),
        (
            before.temperature.is_some() && request.temperature.is_some(),
            "--temperature",
        ),
        (
            before.max_tokens.is_some() && request.max_tokens.is_some(),
            "--max-tokens",
        ),
    ];
    if let Some((_, name)) = twice.iter().find(|(both, _)| *both) {
        return Err(CliError::Usage(format!(
            "{name} is given both before and after `compare`: give it once"
        )));
    }
    request.system = request.system.take().or_else(|| before.system.clone());
    request.temperature = request.temperature.or(before.temperature);
    request.max_tokens = request.max_tokens.or(before.max_tokens);
    Ok(())
}

/// Workbench flags before a command that does not take them.
fn refuse_flags_before(open: &OpenArgs, command: &Command) -> CliError {
    let flags = workbench_flags(open);
    let (verb, it) = if flags.len() == 1 {
        ("is a workbench flag", "it")
    } else {
        ("are workbench flags", "them")
    };
    CliError::Usage(format!(
        "{} {verb}, and `{}` does not take {it}: drop {it}, or run prism without a command",
        flags.join(", "),
        command.name()
    ))
}

impl Command {
    /// The command's name as typed.
    fn name(&self) -> &'static str {
        match self {
            Command::Compare(_) => "compare",
            Command::Route(_) => "route",
            Command::Models(_) => "models",
            Command::Providers(_) => "providers",
            Command::Config(_) => "config",
            Command::Sessions(_) => "sessions",
            Command::Leaderboard(_) => "leaderboard",
            Command::Eval(_) => "eval",
            Command::Runs(_) => "runs",
            Command::Completions(_) => "completions",
            Command::Man(_) => "man",
        }
    }
}

/// The exit status after a signal ended the run: 128 + its number.
pub fn exit_for_signal(signal: i32) -> u8 {
    u8::try_from(128 + signal.clamp(1, 127)).unwrap_or(EXIT_FAILED)
}

#[derive(Debug)]
pub enum CliError {
    /// Bad arguments or configuration: exit 2.
    Usage(String),
    /// Writing the output failed (a closed pipe, a full disk): exit 1.
    Io(String),
}

impl From<SetupError> for CliError {
    fn from(err: SetupError) -> Self {
        CliError::Usage(err.to_string())
    }
}

impl From<std::io::Error> for CliError {
    fn from(err: std::io::Error) -> Self {
        CliError::Io(format!("cannot write the output: {err}"))
    }
}

/// `-m`, `--fallback` and `--router` in the order they were given on the command line.
fn column_order(
    matches: &ArgMatches,
    models: &[String],
    fallback: &[String],
    routers: &[String],
) -> Vec<ColumnArg> {
    let indices = |id: &str| -> Vec<usize> {
        matches
            .indices_of(id)
            .map(|i| i.collect())
            .unwrap_or_default()
    };
    let mut columns: Vec<(usize, ColumnArg)> = Vec::new();
    let model_indices = indices("models");
    for (i, model) in models.iter().enumerate() {
        let at = model_indices.get(i).copied().unwrap_or(i);
        columns.push((at, ColumnArg::Model(model.clone())));
    }
    let chain_indices = indices("fallback");
    for (i, chain) in fallback.iter().enumerate() {
        let at = chain_indices.get(i).copied().unwrap_or(usize::MAX / 2 + i);
        columns.push((at, ColumnArg::Chain(chain.clone())));
    }
    // Asked only when there are routers: the workbench has no `--router`, and
    // clap panics on an id it does not know.
    let router_indices = if routers.is_empty() {
        Vec::new()
    } else {
        indices("routers")
    };
    for (i, router) in routers.iter().enumerate() {
        let at = router_indices
            .get(i)
            .copied()
            .unwrap_or(usize::MAX / 4 * 3 + i);
        columns.push((at, ColumnArg::Router(router.clone())));
    }
    columns.sort_by_key(|(at, _)| *at);
    columns.into_iter().map(|(_, c)| c).collect()
}

/// Turns columns as written into targets (`router::columns::targets`); a
/// malformed column is a usage error.
pub fn targets(
    providers: &crate::router::Providers,
    columns: &[ColumnArg],
) -> Result<Vec<crate::router::Target>, CliError> {
    crate::router::columns::targets(providers, columns).map_err(CliError::Usage)
}

fn config_command(global: &GlobalArgs, args: &ConfigArgs) -> Result<u8, CliError> {
    use std::io::Write;
    let mut out = term::stdout();
    if args.default {
        out.write_all(crate::config::DEFAULT_CONFIG_TOML.as_bytes())?;
        return Ok(EXIT_OK);
    }
    let setup = Setup::load(global, &Default::default())?;
    writeln!(out, "config file:  {}", setup.config_path_description())?;
    writeln!(
        out,
        "cache dir:    {}",
        setup.config.paths.cache_dir.display()
    )?;
    writeln!(
        out,
        "data dir:     {}",
        setup.config.paths.data_dir.display()
    )?;
    writeln!(
        out,
        "log file:     {}",
        setup.config.paths.log_file().display()
    )?;
    writeln!(out, "providers:")?;
    let providers = setup.router.providers();
    for provider in providers.iter() {
        let key = match (&provider.api_key_env, &provider.api_key) {
            (None, _) => "no key needed".to_string(),
            (Some(var), Some(_)) => format!("key from {var} (set)"),
            (Some(var), None) => format!("key from {var} (NOT SET)"),
        };
        let default = if provider.name == providers.default_name() {
            " (default)"
        } else {
            ""
        };
        writeln!(
            out,
            "  {:<11} {:<36} {}{default}",
            Outside(&provider.name).to_string(),
            Outside(&provider.base_url).to_string(),
            key
        )?;
    }
    for warning in &setup.warnings {
        writeln!(out, "warning: {}", Outside(warning))?;
    }
    Ok(EXIT_OK)
}
