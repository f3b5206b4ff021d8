//! The details view's text: what a pane's latest answer was asked with,
//! who served it and how, in lines the details overlay lays out.

use crate::router::CostSource;
use crate::router::pricing::format_usd;
use crate::sanitize::{Outside, sanitize};
use crate::tui::state::AppState;
use crate::units::duration_ms;

/// The details of pane `index`'s latest answer, as "label\tvalue" lines
/// and headings: what was sent, who served, the router's pick, the figures,
/// OpenRouter's exact record and every attempt. Names and costs stay hidden
/// while the session is blind.
pub fn lines(state: &AppState, index: usize) -> Vec<String> {
    let Some(pane) = state.workspace.panes.get(index) else {
        return Vec::new();
    };
    let hidden = state.hidden();
    let mut lines: Vec<String> = Vec::new();
    let mut row = |label: &str, value: String| {
        lines.push(format!("{label}\t{}", Outside(&value)));
    };
    row("column", state.pane_label(pane));
    if !hidden {
        let chain: Vec<String> = pane
            .target
            .chain
            .iter()
            .map(|m| state.settings.providers.display_ref(m))
            .collect();
        if !chain.is_empty() {
            row("asks", chain.join(" → then "));
        }
    }
    // A pane's own parameters are the user's tells of which model it is.
    let params = pane.params.over(&state.settings.params);
    if !params.is_empty() && !hidden {
        row("parameters", params.summary());
    }
    if state.settings.privacy {
        row(
            "privacy",
            "data_collection \"deny\" on OpenRouter requests".into(),
        );
    }
    let Some(run) = pane.run.as_ref() else {
        row("status", "nothing asked yet".into());
        return lines;
    };
    let result = &run.result;
    if let Some(route) = run.result.route.as_ref().filter(|_| !hidden) {
        row("router picked", route.summary());
        row("because", route.reason.clone());
    }
    if !hidden {
        if let Some(served) = &result.served_model {
            row("served model", served.clone());
        }
        if let Some(provider) = &result.provider {
            row("served by", provider.clone());
        }
        if let Some(via) = &result.via {
            row("through", via.clone());
        }
    }
    let status = match &result.error {
        // Error messages often name the model.
        Some(error) if hidden => format!(
            "{} (the message shows after your vote)",
            error.kind.as_str()
        ),
        Some(error) => format!("{}: {}", error.kind.as_str(), error.message),
        None => {
            let reason = result.finish_reason.as_deref();
            match reason.and_then(crate::router::finish::truncation) {
                Some(why) => format!(
                    "{} · cut: {why} ({})",
                    pane.status.label(),
                    reason.unwrap_or_default()
                ),
                None => format!(
                    "{}{}",
                    pane.status.label(),
                    reason.map(|r| format!(" ({r})")).unwrap_or_default()
                ),
            }
        }
    };
    row("status", status);
    if !hidden {
        for note in &result.notes {
            row("unknown because", note.clone());
        }
    }
    // The wait the user had (pacing, retries, backoff) beside the answering
    // attempt's own figures, each labelled.
    if let Some(wait) = result.start_ttft_ms {
        row("wait from Enter", duration_ms(wait));
    }
    if let Some(ttft) = result.ttft_ms {
        row("ttft (attempt)", duration_ms(ttft));
    }
    if let Some(answer) = result.first_answer_ms {
        row("1st answer token", duration_ms(answer));
    }
    if let Some(total) = result.start_total_ms {
        row("total from Enter", duration_ms(total));
    }
    if let Some(total) = result.total_ms {
        row("total (attempt)", duration_ms(total));
    }
    if result.tokens_per_s.is_some() {
        row("tokens/s", result.rate_text());
    }
    // Every answer has its tokens: the server's (or its exact record's)
    // count, else estimated from the text and marked so.
    let tokens = match (result.usage, result.completion_count()) {
        (Some(usage), _) => format!(
            "{} in → {} out (reasoning {}, cached {})",
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.reasoning_tokens,
            usage.cached_tokens
        ),
        (None, Some(count)) => {
            format!("{count} out (estimated from the text: the server sent no count)")
        }
        (None, None) => "none (nothing came back)".into(),
    };
    row("tokens", tokens);
    if !hidden {
        let cost = match (result.cost_usd, result.cost_source) {
            (Some(cost), Some(CostSource::Computed)) => {
                format!("{} (computed from catalog prices)", format_usd(cost))
            }
            (Some(cost), _) => format!("{} (reported by the server)", format_usd(cost)),
            (None, _) => "unknown".into(),
        };
        row("cost", cost);
        if let Some(figures) = super::pairs::pair_figures(state, pane) {
            lines.push(String::new());
            lines.extend(
                crate::router::direct::table(&figures)
                    .lines()
                    .map(str::to_string),
            );
        }
        if let Some(record) = &result.generation {
            lines.push(String::new());
            lines.push("OpenRouter's record of this answer:".into());
            let mut row = |label: &str, value: String| {
                lines.push(format!("{label}\t{}", Outside(&value)));
            };
            if let Some(cost) = record.total_cost_usd {
                row("exact cost", format!("${cost}"));
            }
            if let Some(name) = &record.provider_name {
                row("upstream", name.clone());
            }
            if let Some(latency) = record.latency_ms {
                row("upstream latency", duration_ms(latency));
            }
            if let Some(time) = record.generation_time_ms {
                row("generation time", duration_ms(time));
            }
            if let Some(hop) = result.overhead_ms {
                row(
                    "routing hop",
                    format!("{hop} ms (our time to first token − the upstream's latency)"),
                );
            }
        }
        if let Some(request) = &result.request {
            lines.push(String::new());
            lines.push("What was sent (the messages counted, not shown):".into());
            let pretty = serde_json::to_string_pretty(request).unwrap_or_default();
            lines.extend(pretty.lines().map(|l| sanitize(l).into_owned()));
        }
    }
    if result.attempts.len() > 1 || result.attempts.iter().any(|a| a.error.is_some()) {
        lines.push(String::new());
        lines.push("Attempts:".into());
        for (i, attempt) in result.attempts.iter().enumerate() {
            let outcome = match &attempt.error {
                None => "answered".to_string(),
                Some(error) if hidden => error.kind.as_str().to_string(),
                Some(error) => error.message.clone(),
            };
            let model = if hidden {
                "…".to_string()
            } else {
                attempt.model.clone()
            };
            lines.push(format!(
                "{}. {model} · {} · {outcome}",
                i + 1,
                duration_ms(attempt.elapsed_ms)
            ));
        }
    }
    lines
}
