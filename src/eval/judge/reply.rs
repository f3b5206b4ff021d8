//! A judge's reply to its verdict: the first JSON object in the text that
//! has the expected key (a bare object, one inside a ```json fence, or one
//! in the middle of prose). A reply without one, or with a value out of
//! range, is a judge error: never a pass, a fail or a win.

use serde_json::Value;

use crate::eval::checks::clip;

/// The longest reply searched (a judge asked for one JSON line).
pub const MAX_REPLY_CHARS: usize = 64 * 1024;
/// At most this many `{` are tried as the start of an object.
const MAX_ATTEMPTS: usize = 256;
/// The longest reason kept.
pub const MAX_REASON_CHARS: usize = 300;

/// A graded answer: a score from 1 to 10 and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Score {
    pub score: f64,
    pub reason: String,
}

/// Which of two answers shown the judge preferred, by position.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pick {
    First,
    Second,
    Tie,
}

/// A pairwise verdict and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Preference {
    pub pick: Pick,
    pub reason: String,
}

/// `{"score": 1-10, "reason": "..."}` somewhere in the reply.
#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "serde_json's Value: only the kinds named are read"
)]
pub fn parse_score(reply: &str) -> Result<Score, String> {
    let object = find_object(reply, "score")?;
    let score = match &object["score"] {
        Value::Number(n) => n.as_f64(),
        // "8" and "8/10" are common enough to accept.
        Value::String(s) => s.trim().trim_end_matches("/10").trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|s| s.is_finite())
    .ok_or_else(|| {
        format!(
            "the judge's score {} is not a number",
            clip(&object["score"].to_string(), 20)
        )
    })?;
    if !(1.0..=10.0).contains(&score) {
        return Err(format!("the judge's score {score} is not from 1 to 10"));
    }
    Ok(Score {
        score,
        reason: reason(&object),
    })
}

/// `{"winner": "A" | "B" | "tie", "reason": "..."}` somewhere in the reply.
#[allow(
    clippy::wildcard_enum_match_arm,
    reason = "serde_json's Value: only the kinds named are read"
)]
pub fn parse_preference(reply: &str) -> Result<Preference, String> {
    let object = find_object(reply, "winner")?;
    let word = match &object["winner"] {
        Value::String(s) => s.trim().to_lowercase(),
        Value::Number(n) => n.to_string(),
        Value::Null => "tie".into(),
        other => other.to_string(),
    };
    let word = word
        .trim_start_matches("answer")
        .trim_start_matches("response")
        .trim();
    let pick = match word {
        "a" | "1" | "first" => Pick::First,
        "b" | "2" | "second" => Pick::Second,
        "tie" | "draw" | "equal" | "both" | "neither" | "none" => Pick::Tie,
        _ => {
            return Err(format!(
                "the judge's winner \"{}\" is not A, B or tie",
                clip(word, 20)
            ));
        }
    };
    Ok(Preference {
        pick,
        reason: reason(&object),
    })
}

/// The first JSON object in `reply` holding `key`.
pub(super) fn find_object(
    reply: &str,
    key: &str,
) -> Result<serde_json::Map<String, Value>, String> {
    let text = match reply.char_indices().nth(MAX_REPLY_CHARS) {
        Some((cut, _)) => &reply[..cut],
        None => reply,
    };
    let starts = text.match_indices('{').map(|(i, _)| i).take(MAX_ATTEMPTS);
    for start in starts {
        let mut values = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
        if let Some(Ok(Value::Object(object))) = values.next()
            && object.contains_key(key)
        {
            return Ok(object);
        }
    }
    let start: String = reply.trim_start().chars().take(40).collect();
    Err(if reply.trim().is_empty() {
        "the judge's reply is empty".into()
    } else {
        format!(
            "no JSON object with \"{key}\" in the judge's reply (it starts \"{}\")",
            clip(&start, 40)
        )
    })
}

pub(super) fn reason(object: &serde_json::Map<String, Value>) -> String {
    match object.get("reason").or_else(|| object.get("explanation")) {
        Some(Value::String(s)) if !s.trim().is_empty() => clip(s.trim(), MAX_REASON_CHARS),
        _ => "(no reason given)".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_from_json_json_in_prose_and_garbage() {
        let table: [(&str, Result<f64, &str>); 12] = [
            (r#"{"score": 8, "reason": "Polite and correct."}"#, Ok(8.0)),
            (r#"{"score": 7.5, "reason": "ok"}"#, Ok(7.5)),
            (r#"{"score": "9/10", "reason": "ok"}"#, Ok(9.0)),
            (
                "Sure! Here is my verdict:\n```json\n{\"score\": 3, \"reason\": \"Rude.\"}\n```\nHope it helps.",
                Ok(3.0),
            ),
            // A brace in the prose before the object does not stop the search.
            (
                "The {answer} is fine. {\"reason\": \"x\", \"score\": 10}",
                Ok(10.0),
            ),
            // The first object without the key is skipped.
            (r#"{"note": 1} then {"score": 2}"#, Ok(2.0)),
            (
                r#"{"score": 0, "reason": "awful"}"#,
                Err("not from 1 to 10"),
            ),
            (r#"{"score": 11}"#, Err("not from 1 to 10")),
            (r#"{"score": "high"}"#, Err("is not a number")),
            ("I would give it an eight.", Err("no JSON object")),
            ("{\"score\": 8", Err("no JSON object")),
            ("   ", Err("empty")),
        ];
        for (reply, expected) in table {
            match (parse_score(reply), expected) {
                (Ok(score), Ok(want)) => assert_eq!(score.score, want, "{reply}"),
                (Err(e), Err(want)) => assert!(e.contains(want), "{reply}: {e}"),
                (got, want) => panic!("{reply}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn reasons_are_kept_clipped_and_cleaned() {
        let score = parse_score(r#"{"score": 6, "reason": "Mostly \u001b[31mright\n but long."}"#)
            .expect("parses");
        assert!(!score.reason.contains('\x1b') && !score.reason.contains('\n'));
        let long = format!(r#"{{"score": 6, "reason": "{}"}}"#, "x".repeat(1000));
        assert_eq!(
            parse_score(&long).expect("parses").reason.chars().count(),
            MAX_REASON_CHARS + 1
        );
        assert_eq!(
            parse_score(r#"{"score": 6}"#).expect("parses").reason,
            "(no reason given)"
        );
    }

    #[test]
    fn preferences_by_position() {
        let table: [(&str, Result<Pick, &str>); 9] = [
            (r#"{"winner": "A", "reason": "clearer"}"#, Ok(Pick::First)),
            (r#"{"winner": "b"}"#, Ok(Pick::Second)),
            (r#"{"winner": "Answer B"}"#, Ok(Pick::Second)),
            (r#"{"winner": "tie"}"#, Ok(Pick::Tie)),
            (r#"{"winner": null}"#, Ok(Pick::Tie)),
            (r#"{"winner": 1}"#, Ok(Pick::First)),
            (
                "Both are fine but {\"winner\": \"A\"} wins.",
                Ok(Pick::First),
            ),
            (r#"{"winner": "C"}"#, Err("not A, B or tie")),
            ("A is better.", Err("no JSON object")),
        ];
        for (reply, expected) in table {
            match (parse_preference(reply), expected) {
                (Ok(p), Ok(want)) => assert_eq!(p.pick, want, "{reply}"),
                (Err(e), Err(want)) => assert!(e.contains(want), "{reply}: {e}"),
                (got, want) => panic!("{reply}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn huge_and_hostile_replies_are_bounded() {
        let braces = "{".repeat(100_000);
        assert!(parse_score(&braces).is_err());
        let late = format!("{}{{\"score\": 5}}", " ".repeat(MAX_REPLY_CHARS));
        assert!(parse_score(&late).is_err(), "past the searched part");
    }
}
