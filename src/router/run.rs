//! One column from request to result: retries with backoff on transient
//! failures, then the next model of the fallback chain (server-side on
//! OpenRouter, client-side elsewhere), recording every attempt.

use std::borrow::Cow;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::Router;
use super::chat::{ChatMessage, ChatParams, Target, request_body, sent_summary};
use super::error::{ErrorKind, RouterError};
use super::events::{Attempt, RunResult, StreamEvent};
use super::pacing::{Turn, wait_turn};
use super::provider::{ModelRef, ProviderKind};
use super::stream::{AttemptRequest, Emitter, attempt};
use crate::clock::Clock;

/// A group of models sent as one request: one model, or a whole chain when
/// OpenRouter does the fallback itself.
struct Step<'a> {
    provider: &'a str,
    models: Vec<&'a str>,
}

/// Consecutive models on the same OpenRouter provider become one step.
fn plan<'a>(chain: &'a [ModelRef], router: &Router) -> Vec<Step<'a>> {
    let server_side = |provider: &str| {
        router
            .providers()
            .get(provider)
            .is_some_and(|p| p.kind == ProviderKind::OpenRouter)
    };
    let mut steps: Vec<Step<'a>> = Vec::new();
    for model in chain {
        match steps.last_mut() {
            Some(step) if step.provider == model.provider && server_side(&model.provider) => {
                step.models.push(&model.model);
            }
            _ => steps.push(Step {
                provider: &model.provider,
                models: vec![&model.model],
            }),
        }
    }
    steps
}

pub(super) async fn run_target(
    router: &Router,
    target: &Target,
    messages: &[ChatMessage],
    params: &ChatParams,
    tx: Option<&mpsc::Sender<StreamEvent>>,
    deltas: bool,
    cancel: &CancellationToken,
) -> RunResult {
    let clock = router.clock();
    let column_start = clock.now();
    let mut result = run_steps(router, target, messages, params, tx, deltas, cancel).await;
    // A column that failed or was cancelled ended when it stopped, perhaps
    // in a backoff after its last attempt.
    if result.error.is_some() {
        let stopped = millis(clock.now().saturating_duration_since(column_start));
        result.start_total_ms = Some(result.start_total_ms.map_or(stopped, |ms| ms.max(stopped)));
    }
    result
}

/// Milliseconds of a duration, saturating.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Sets the figures from the start once an attempt ends: the time spent
/// before it was sent (pacing, earlier attempts, backoff) plus its own.
fn from_start(result: &mut RunResult, before: Duration, elapsed: Duration) {
    let before = millis(before);
    result.start_ttft_ms = result.ttft_ms.map(|ttft| before.saturating_add(ttft));
    result.start_total_ms = Some(before.saturating_add(millis(elapsed)));
}

async fn run_steps(
    router: &Router,
    target: &Target,
    messages: &[ChatMessage],
    params: &ChatParams,
    tx: Option<&mpsc::Sender<StreamEvent>>,
    deltas: bool,
    cancel: &CancellationToken,
) -> RunResult {
    let mut result = RunResult::new(target.label.clone());
    let clock = router.clock();
    let column_start = clock.now();
    let steps = plan(&target.chain, router);
    if steps.is_empty() {
        let error = RouterError::new(ErrorKind::BadRequest, "no model to ask");
        finish_failed(&mut result, error, tx).await;
        return result;
    }
    let settings = router.settings();
    // The privacy switch wins over every column's own choice, and a pinned
    // column's upstream over its routing preferences.
    let params = if settings.deny_data_collection || target.upstream.is_some() {
        let mut forced = params.clone();
        if settings.deny_data_collection {
            forced.provider_prefs.deny_data_collection = Some(true);
        }
        if let Some(slug) = &target.upstream {
            forced.provider_prefs.pin_to(slug);
        }
        Cow::Owned(forced)
    } else {
        Cow::Borrowed(params)
    };
    let mut attempt_number = 0u32;
    let mut last_error = None;

    'steps: for step in &steps {
        let Some(provider) = router.providers().get(step.provider) else {
            let error = RouterError::new(
                ErrorKind::BadRequest,
                format!("unknown provider '{}'", step.provider),
            );
            last_error = Some(error);
            continue;
        };
        let refs: Vec<String> = step
            .models
            .iter()
            .map(|m| {
                router
                    .providers()
                    .display_ref(&ModelRef::new(step.provider, *m))
            })
            .collect();
        let label = refs.join(",");
        let body = request_body(provider, &step.models, messages, &params);
        result.via = Some(provider.name.clone());
        result.request = Some(sent_summary(&body));
        let sent_model = body["model"].as_str().unwrap_or_default().to_string();
        let first_ref = refs.first().map_or("", String::as_str);
        let request = AttemptRequest {
            http: router.http(),
            provider,
            models: &step.models,
            body: &body,
            settings,
            cancel,
            redactor: router.redactor(),
        };

        let mut retry = 0u32;
        loop {
            attempt_number += 1;
            let mut out = Emitter {
                tx,
                deltas,
                result: &mut result,
            };
            // A rate-limited model waits its turn before each attempt.
            let pacing = Turn {
                pacer: router.pacer(),
                settings: &settings.pacing,
                clock,
            };
            let turn = wait_turn(pacing, provider, first_ref, &sent_model, &mut out, cancel);
            if !turn.await {
                out.emit(StreamEvent::Failed(RouterError::cancelled()))
                    .await;
                return result;
            }
            out.emit(StreamEvent::Attempting {
                attempt: attempt_number,
                model: label.clone(),
            })
            .await;
            tracing::info!(attempt = attempt_number, model = %label, provider = %provider.name, "sending");
            let before = clock.now().saturating_duration_since(column_start);
            let sent_at = Instant::now();
            let outcome = attempt(&request, &mut out, sent_at).await;
            let elapsed = sent_at.elapsed();
            result.total_ms = Some(elapsed.as_millis() as u64);
            from_start(&mut result, before, elapsed);
            match outcome {
                Ok(()) => {
                    tracing::info!(
                        attempt = attempt_number,
                        model = %label,
                        ttft_ms = ?result.ttft_ms,
                        total_ms = elapsed.as_millis() as u64,
                        "answered"
                    );
                    result.attempts.push(Attempt {
                        model: label,
                        provider: provider.name.clone(),
                        elapsed_ms: elapsed.as_millis() as u64,
                        error: None,
                    });
                    result.compute_rate();
                    return result;
                }
                Err(mut failure) => {
                    // Server text is in the message: keys go before it is logged or kept.
                    failure.error = router.redactor().error(failure.error);
                    tracing::warn!(
                        attempt = attempt_number,
                        model = %label,
                        kind = failure.error.kind.as_str(),
                        status = ?failure.error.status,
                        message = %failure.error.message,
                        "attempt failed"
                    );
                    result.attempts.push(Attempt {
                        model: label.clone(),
                        provider: provider.name.clone(),
                        elapsed_ms: elapsed.as_millis() as u64,
                        error: Some(failure.error.clone()),
                    });
                    let error = failure.error;
                    // Once tokens are shown, the answer is this one: keep the partial text.
                    if failure.produced_output || error.kind == ErrorKind::Cancelled {
                        result.compute_rate();
                        finish_failed(&mut result, error, tx).await;
                        return result;
                    }
                    retry += 1;
                    let wait = if error.kind.is_retriable() {
                        settings.retry.delay(
                            retry,
                            clock.now().saturating_duration_since(column_start),
                            error.retry_after,
                            fastrand::f64(),
                        )
                    } else {
                        None
                    };
                    let Some(wait) = wait else {
                        last_error = Some(error);
                        continue 'steps;
                    };
                    let mut out = Emitter {
                        tx,
                        deltas,
                        result: &mut result,
                    };
                    out.emit(StreamEvent::Retrying {
                        attempt: attempt_number,
                        error,
                        delay_ms: wait.as_millis() as u64,
                    })
                    .await;
                    if !sleep_or_cancel(clock, wait, cancel).await {
                        finish_failed(&mut result, RouterError::cancelled(), tx).await;
                        return result;
                    }
                }
            }
        }
    }

    let error = match last_error {
        Some(error) if steps.len() > 1 => {
            let tried = result.attempts.len();
            let mut error = error;
            error.message = format!("{} (all {tried} attempts failed)", error.message);
            error
        }
        Some(error) => error,
        None => RouterError::new(ErrorKind::BadRequest, "no model could be asked"),
    };
    finish_failed(&mut result, error, tx).await;
    result
}

async fn finish_failed(
    result: &mut RunResult,
    error: RouterError,
    tx: Option<&mpsc::Sender<StreamEvent>>,
) {
    let mut out = Emitter {
        tx,
        deltas: false,
        result,
    };
    out.emit(StreamEvent::Failed(error)).await;
}

/// Sleeps on `clock` unless cancelled first; false when cancelled.
async fn sleep_or_cancel(clock: &dyn Clock, wait: Duration, cancel: &CancellationToken) -> bool {
    tokio::select! {
        biased;
        _ = cancel.cancelled() => false,
        _ = clock.sleep(wait) => true,
    }
}
