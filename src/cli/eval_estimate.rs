//! The cost estimate `prism eval` prints before it sends anything, and the
//! confirmation it asks for above `[limits] eval_confirm_usd`.

use std::io::{IsTerminal, Write};

use rust_decimal::Decimal;

use crate::eval::plan::{ColumnEstimate, OutputBasis};
use crate::router::pricing::format_usd;
use crate::sanitize::sanitize;

use super::CliError;

pub(super) fn print_estimate(
    estimate: &[ColumnEstimate],
    basis: OutputBasis,
    to_run: usize,
    done: usize,
) {
    let mut err = crate::cli::term::stderr();
    let basis = match basis {
        OutputBasis::MaxTokens(n) => format!("output up to max_tokens = {n} per answer"),
        OutputBasis::Assumed(n) => {
            format!("output assumed {n} tokens per answer (set max_tokens to bound it)")
        }
    };
    let already = if done > 0 {
        format!(", {done} already done")
    } else {
        String::new()
    };
    let _ = writeln!(
        err,
        "estimate for {to_run} requests{already} (input ≈ 4 characters a token; {basis}; catalog prices):"
    );
    let rows: Vec<Vec<String>> = estimate
        .iter()
        .map(|c| {
            let cost = match (c.cost_usd, c.unpriced) {
                (_, n) if n == c.requests && n > 0 => "unknown price".to_string(),
                (Some(cost), 0) => format_usd(cost),
                (Some(cost), n) => format!("{}+ ({n} unpriced)", format_usd(cost)),
                (None, _) => "-".into(),
            };
            vec![
                sanitize(&c.column).into_owned(),
                c.requests.to_string(),
                crate::units::count(c.input_tokens),
                crate::units::count(c.output_tokens),
                cost,
            ]
        })
        .collect();
    let table = crate::table::table(
        &["column", "requests", "tokens in", "tokens out", "est. cost"],
        &rows,
        &[false, true, true, true, true],
    );
    for line in table.lines() {
        let _ = writeln!(err, "  {line}");
    }
    let total: Decimal = estimate.iter().filter_map(|c| c.cost_usd).sum();
    let unpriced = estimate.iter().any(|c| c.unpriced > 0);
    let _ = writeln!(
        err,
        "  total {}{}",
        format_usd(total),
        if unpriced { " + unpriced requests" } else { "" }
    );
}

/// Asks before a run estimated above the threshold; without a terminal,
/// refuses unless `--yes`.
pub(super) fn confirm(estimate: Decimal, threshold: Decimal, yes: bool) -> Result<(), CliError> {
    if yes || estimate <= threshold {
        return Ok(());
    }
    let question = format!(
        "the run is estimated at {}, above the {} that needs a yes ([limits] eval_confirm_usd)",
        format_usd(estimate),
        format_usd(threshold)
    );
    if !(std::io::stdin().is_terminal() && crate::cli::term::stderr_is_terminal()) {
        return Err(CliError::Usage(format!(
            "{question}; pass --yes to run it without a terminal"
        )));
    }
    let _ = write!(
        crate::cli::term::stderr(),
        "prism: {question}. Run it? [y/N] "
    );
    let _ = crate::cli::term::stderr().flush();
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    if matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
        Ok(())
    } else {
        Err(CliError::Usage("not run: nothing was sent".into()))
    }
}
