//! `prism completions SHELL` and `prism man`: generated from the same clap
//! definitions the parser uses, so they never drift from the flags.

use std::io::Write;

use clap::CommandFactory;

use super::term;
use super::{Cli, CliError, CompletionShell, EXIT_OK};

/// A completion script for `shell` on stdout.
pub fn completions(shell: CompletionShell) -> Result<u8, CliError> {
    let shell = match shell {
        CompletionShell::Bash => clap_complete::Shell::Bash,
        CompletionShell::Zsh => clap_complete::Shell::Zsh,
        CompletionShell::Fish => clap_complete::Shell::Fish,
    };
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "prism", &mut script);
    let mut out = term::stdout();
    out.write_all(&script)?;
    out.flush()?;
    Ok(EXIT_OK)
}

/// The manual page as roff on stdout: prism(1), or with a command's name
/// that command's own page, prism-compare(1), as git does.
pub fn man(command: Option<&str>) -> Result<u8, CliError> {
    let cli = Cli::command();
    let page = match command {
        None => cli,
        Some(name) => {
            let Some(sub) = cli.find_subcommand(name) else {
                let known: Vec<&str> = cli.get_subcommands().map(|c| c.get_name()).collect();
                return Err(CliError::Usage(format!(
                    "no command '{name}' (commands: {})",
                    known.join(", ")
                )));
            };
            sub.clone()
                .name(format!("prism-{name}"))
                .bin_name(format!("prism {name}"))
                .version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff)?;
    let mut out = term::stdout();
    out.write_all(&roff)?;
    out.flush()?;
    Ok(EXIT_OK)
}
