//! The `prism` binary: parse the command line and hand over to the CLI or the workbench.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};

use prism::cli::{self, Cli};

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(err) => err.exit(),
    };
    let _log_guard = prism::logging::init(&prism::config::Paths::from_env().log_file());
    // The workbench runs on one thread: its streams, parsing and drawing fit
    // in a fraction of a core, and one thread saves the cross-thread wake-ups
    // that would otherwise cost more than the work. Headless commands use all cores.
    let mut builder = if cli.command.is_none() {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(runtime) => runtime,
        Err(err) => {
            prism::cli::term::err_line(format_args!(
                "prism: cannot start the async runtime: {err}"
            ));
            return ExitCode::from(cli::EXIT_FAILED);
        }
    };
    runtime.block_on(cli::run(cli, &matches))
}
