//! `prism compare`: one prompt to every column at once, streamed live in
//! text format (a single model straight to stdout, several as sections in
//! the order given) or reported at the end as JSON or Markdown. Router
//! columns are decided for the prompt before anything is sent.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Duration;

use futures_util::future::join_all;
use serde_json::json;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::router::catalog::Catalog;
use crate::router::catalog_load::Refresh;
use crate::router::direct;
use crate::router::events::{CostSum, RunResult, StreamEvent};
use crate::router::finish::finish_result;
use crate::router::policy::RouteDecision;
use crate::router::pricing;
use crate::router::{ChatMessage, ChatParams, ErrorKind, Router, Target};
use crate::sanitize::Outside;

use super::compare_live::LivePrinter;
use super::prompt::read_prompt;
use super::term::{self, errln};
use super::{CliError, ColumnArg, CompareArgs, EXIT_FAILED, EXIT_OK, Format, GlobalArgs, Setup};
use super::{report, route};

pub async fn run(
    global: &GlobalArgs,
    args: CompareArgs,
    order: Vec<ColumnArg>,
) -> Result<u8, CliError> {
    // Flags first, so a malformed --max-price fails before any request.
    let flag_prefs = args.preferences.to_prefs()?;
    let setup = Setup::load_for_requests(global, &args.network)?;
    let expanded = !(args.per_provider.is_empty() && args.via_and_direct.is_empty());
    let mut columns = if order.is_empty() && !expanded {
        super::model_columns(&setup.config.file.models)
    } else {
        order
    };
    if columns.is_empty() && !expanded {
        return Err(CliError::Usage(
            "no models to compare: pass -m MODEL (repeatable) or --fallback M1,M2".into(),
        ));
    }
    let providers = setup.router.providers();
    let pairs = args
        .via_and_direct
        .iter()
        .map(|model| direct::pair(providers, &setup.config.file.direct, model))
        .collect::<Result<Vec<_>, _>>()
        .map_err(CliError::Usage)?;
    let per_provider = super::providers::per_provider_columns(&setup, &args.per_provider).await?;
    columns.extend(per_provider.into_iter().map(ColumnArg::Model));
    let mut targets = super::targets(providers, &columns)?;
    // Each pair's two columns come last, routed then direct.
    let first_pair = targets.len();
    for pair in &pairs {
        targets.extend([pair.routed.clone(), pair.direct.clone()]);
    }
    // Connections open while the prompt is read (typed on stdin, perhaps).
    let warm = setup.router.clone();
    let needed = crate::router::warm::connections_needed(&targets);
    tokio::spawn(async move {
        for error in warm.preconnect(&needed).await {
            tracing::debug!(error = %error, "could not warm a connection");
        }
    });
    let policies = route::policies_for(&setup, &targets)?;
    let prompt = read_prompt(args.prompt.as_deref())?;
    // The catalogs loaded for price rules, reused below to price answers.
    let mut catalogs: BTreeMap<String, Catalog> = BTreeMap::new();
    let (targets, routes): (Vec<Target>, Vec<Option<RouteDecision>>) =
        route::resolve_columns(&setup, &policies, &targets, &prompt, &mut catalogs)
            .await?
            .into_iter()
            .unzip();

    let request = args.request.over(&setup.config.file.defaults);
    let mut messages = Vec::new();
    if let Some(system) = request.system.filter(|s| !s.trim().is_empty()) {
        messages.push(ChatMessage::system(system));
    }
    messages.push(ChatMessage::user(prompt.clone()));
    let params = ChatParams {
        temperature: request.temperature,
        max_tokens: request.max_tokens,
        ..ChatParams::default()
    };

    let cancel = CancellationToken::new();
    let interrupted = on_interrupt(&cancel);
    let (merged_tx, mut merged_rx) = mpsc::channel::<(usize, StreamEvent)>(256);
    let mut runs = Vec::new();
    for (index, target) in targets.iter().cloned().enumerate() {
        let (tx, mut rx) = mpsc::channel(64);
        let forward = merged_tx.clone();
        tokio::spawn(async move {
            while let Some(event) = rx.recv().await {
                if forward.send((index, event)).await.is_err() {
                    break;
                }
            }
        });
        let router = setup.router.clone();
        let messages = messages.clone();
        let mut params = params.clone();
        // The column's model table over the shared [preferences], the flags over both.
        let config_prefs = setup.config.preferences_for(target.config_key());
        *params.provider_prefs = flag_prefs.merged_over(&config_prefs);
        let cancel = cancel.child_token();
        runs.push(tokio::spawn(async move {
            router
                .run(&target, &messages, &params, Some(tx), cancel)
                .await
        }));
    }
    drop(merged_tx);

    let labels = targets
        .iter()
        .zip(&routes)
        .map(|(target, route)| report::column_title(&target.label, route.as_ref()))
        .collect();
    let mut printer = LivePrinter::new(labels, args.format == Format::Text, args.reasoning);
    while let Some((index, event)) = merged_rx.recv().await {
        printer.on_event(index, &event)?;
    }

    let mut results = Vec::with_capacity(runs.len());
    for ((run, target), route) in runs.into_iter().zip(&targets).zip(routes) {
        let mut result = run.await.unwrap_or_else(|err| {
            let mut result = RunResult::new(target.label.clone());
            result.error = Some(crate::router::RouterError::new(
                ErrorKind::MalformedResponse,
                format!("internal error: the stream task stopped ({err})"),
            ));
            result
        });
        result.route = route;
        results.push(result);
    }

    fetch_generations(&setup.router, &mut results).await;

    // The catalog is only needed to price answers whose server reported no
    // cost and to suggest ids for unknown models; load it just for those.
    for (result, target) in results.iter().zip(&targets) {
        let needs_price = result.usage.is_some() && result.cost_usd.is_none();
        let unknown_model = result
            .error
            .as_ref()
            .is_some_and(|e| e.kind == ErrorKind::UnknownModel);
        if !(needs_price || unknown_model) {
            continue;
        }
        for model in &target.chain {
            if !catalogs.contains_key(&model.provider) {
                let outcome = setup.loader.load(&model.provider, Refresh::IfStale).await;
                if let Some(catalog) = outcome.catalog {
                    catalogs.insert(model.provider.clone(), catalog);
                }
            }
        }
    }
    for (result, target) in results.iter_mut().zip(&targets) {
        finish_result(result, target, &catalogs, setup.router.providers());
    }
    let pair_figures = pair_figures(&setup, &pairs, &results[first_pair..], &mut catalogs).await;

    printer.finish()?;
    for result in &results {
        for note in &result.notes {
            errln!("prism: {}: {}", Outside(&result.model), Outside(note));
        }
        if result.error.is_none()
            && let Some(reason) = result.finish_reason.as_deref()
            && let Some(why) = report::truncation(reason)
        {
            errln!(
                "prism: {}: the answer was cut short ({why}, finish reason {})",
                Outside(&result.model),
                Outside(reason)
            );
        }
    }
    let mut stdout = term::stdout();
    match args.format {
        Format::Text => {
            let mut stderr = term::stderr();
            writeln!(stderr)?;
            stderr.write_all(report::figures_table(&results).as_bytes())?;
            for figures in &pair_figures {
                writeln!(stderr)?;
                stderr.write_all(direct::table(figures).as_bytes())?;
            }
        }
        Format::Json => {
            // A total is only a total when no cost is missing.
            let sum = CostSum::of(&results);
            let mut value = json!({
                "prompt": prompt,
                "results": results,
                "total_cost_usd": sum.exact_usd().map(pricing::to_f64),
                "known_cost_usd": sum.known_usd.map(pricing::to_f64),
                "unpriced_results": sum.unpriced,
            });
            if !pair_figures.is_empty() {
                value["via_and_direct"] = json!(pair_figures);
            }
            report::write_json(&mut stdout, &value)?;
        }
        Format::Markdown => {
            let mut text = report::markdown(&prompt, &results, args.reasoning);
            for figures in &pair_figures {
                text.push_str("\n```\n");
                text.push_str(&direct::table(figures));
                text.push_str("```\n");
            }
            stdout.write_all(text.as_bytes())?;
        }
    }
    stdout.flush()?;
    Ok(if interrupted.load(std::sync::atomic::Ordering::SeqCst) {
        super::exit_for_signal(crate::tui::runtime::SIGINT)
    } else if results.iter().all(RunResult::is_ok) {
        EXIT_OK
    } else {
        EXIT_FAILED
    })
}

/// The measured difference of each via-and-direct pair (`results` holds
/// their columns, two per pair), priced from each side's catalog.
async fn pair_figures(
    setup: &Setup,
    pairs: &[direct::Pair],
    results: &[RunResult],
    catalogs: &mut BTreeMap<String, Catalog>,
) -> Vec<direct::PairFigures> {
    let mut figures = Vec::with_capacity(pairs.len());
    for (pair, results) in pairs.iter().zip(results.chunks(2)) {
        let [routed, direct_result] = results else {
            continue;
        };
        let price = |target: &Target| {
            let model = target.chain.first()?;
            Some((model.provider.clone(), model.model.clone()))
        };
        let sides = [price(&pair.routed), price(&pair.direct)];
        for (provider, _) in sides.iter().flatten() {
            if !catalogs.contains_key(provider) {
                let outcome = setup.loader.load(provider, Refresh::IfStale).await;
                if let Some(catalog) = outcome.catalog {
                    catalogs.insert(provider.clone(), catalog);
                }
            }
        }
        let pricing = |side: &Option<(String, String)>| {
            let (provider, model) = side.as_ref()?;
            catalogs.get(provider)?.get(model).map(|m| &m.pricing)
        };
        figures.push(direct::figures(
            pair,
            routed,
            direct_result,
            pricing(&sides[0]),
            pricing(&sides[1]),
        ));
    }
    figures
}

/// Ctrl+C stops every column; what arrived is still reported, and the
/// exit status says it was interrupted (130), as shells expect. The handler
/// is in place when this returns, before any request goes out.
fn on_interrupt(cancel: &CancellationToken) -> std::sync::Arc<std::sync::atomic::AtomicBool> {
    use std::sync::atomic::{AtomicBool, Ordering};
    let interrupted = std::sync::Arc::new(AtomicBool::new(false));
    let (seen, cancel) = (interrupted.clone(), cancel.clone());
    #[cfg(unix)]
    let mut signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok();
    tokio::spawn(async move {
        #[cfg(unix)]
        let caught = match signal.as_mut() {
            Some(signal) => signal.recv().await.is_some(),
            None => false,
        };
        #[cfg(not(unix))]
        let caught = tokio::signal::ctrl_c().await.is_ok();
        if caught {
            seen.store(true, Ordering::SeqCst);
            cancel.cancel();
        }
    });
    interrupted
}

/// Adds OpenRouter's exact record to every column that has one, fetched
/// concurrently; a record that does not come in time is left out.
async fn fetch_generations(router: &Router, results: &mut [RunResult]) {
    let bound = router.settings().generation_wait.max_wait + Duration::from_secs(2);
    let lookups = results.iter().enumerate().filter_map(|(index, result)| {
        let (provider, id) = router.generation_lookup(result)?;
        Some(async move {
            let fetched =
                tokio::time::timeout(bound, router.fetch_generation(&provider, &id)).await;
            (index, id, fetched)
        })
    });
    for (index, id, fetched) in join_all(lookups).await {
        match fetched {
            Ok(Ok(record)) => results[index].apply_generation(record),
            Ok(Err(error)) => tracing::warn!(%id, error = %error, "no generation record"),
            Err(_) => tracing::warn!(%id, "the generation record did not come in time"),
        }
    }
}
