//! How long a server asked us to wait, in any of the forms it may ask in,
//! never longer than a day.

use std::time::Duration;

/// The longest wait a server can ask for, whatever form it asks in: a day.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(86_400);

/// Parses `Retry-After` (seconds, or an HTTP date) and OpenRouter's
/// `X-RateLimit-Reset` (epoch milliseconds), each clamped to [`MAX_RETRY_AFTER`].
pub fn retry_after(
    headers: &reqwest::header::HeaderMap,
    now: std::time::SystemTime,
) -> Option<Duration> {
    if let Some(value) = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
    {
        let value = value.trim();
        if let Ok(secs) = value.parse::<f64>()
            && secs.is_finite()
            && secs >= 0.0
        {
            return Some(Duration::from_secs_f64(
                secs.min(MAX_RETRY_AFTER.as_secs_f64()),
            ));
        }
        if let Ok(when) = httpdate::parse_http_date(value) {
            let wait = when.duration_since(now).unwrap_or(Duration::ZERO);
            return Some(wait.min(MAX_RETRY_AFTER));
        }
    }
    let reset_ms = headers
        .get("x-ratelimit-reset")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())?;
    let now_ms = u64::try_from(now.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis()).ok()?;
    // Only trust values that look like epoch milliseconds.
    (reset_ms > 1_000_000_000_000)
        .then(|| Duration::from_millis(reset_ms.saturating_sub(now_ms)).min(MAX_RETRY_AFTER))
}
