//! The prompt of a headless command: the argument, else standard input
//! (`-` reads it even from a terminal); never empty.

use std::io::{IsTerminal, Read};

use super::CliError;

pub fn read_prompt(arg: Option<&str>) -> Result<String, CliError> {
    let prompt = match arg {
        Some(text) if text != "-" => text.to_string(),
        _ => {
            let mut stdin = std::io::stdin();
            if stdin.is_terminal() && arg.is_none() {
                return Err(CliError::Usage(
                    "no prompt: pass it as an argument, or pipe it on stdin (use - to type it)"
                        .into(),
                ));
            }
            let mut text = String::new();
            stdin
                .read_to_string(&mut text)
                .map_err(|e| CliError::Usage(format!("cannot read the prompt from stdin: {e}")))?;
            text
        }
    };
    if prompt.trim().is_empty() {
        return Err(CliError::Usage("the prompt is empty".into()));
    }
    Ok(prompt)
}
