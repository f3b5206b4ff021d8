//! `{{name}}` placeholders filled from a case's vars. A placeholder without
//! a value is an error (a typo would otherwise reach the model silently);
//! text that only looks like the start of one stays as it is.

use std::collections::BTreeMap;

/// Fills every `{{ name }}` (spaces inside the braces allowed); Err names
/// the first placeholder that has no value.
pub fn render(text: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return Ok(out);
        };
        let name = after[..close].trim();
        if !is_name(name) {
            // Not a placeholder (e.g. a JSON example in the prompt): keep "{{" and go on.
            out.push_str("{{");
            rest = after;
            continue;
        }
        match vars.get(name) {
            Some(value) => out.push_str(value),
            None => return Err(name.to_string()),
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn is_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn fills_placeholders() {
        let v = vars(&[("item", "a kettle"), ("n", "2")]);
        assert_eq!(
            render("Refund {{item}} x{{ n }}.", &v).as_deref(),
            Ok("Refund a kettle x2.")
        );
        assert_eq!(render("no vars", &v).as_deref(), Ok("no vars"));
    }

    #[test]
    fn a_missing_value_is_named() {
        assert_eq!(render("hi {{who}}", &vars(&[])), Err("who".to_string()));
    }

    #[test]
    fn text_that_is_not_a_placeholder_stays() {
        let v = vars(&[("a", "1")]);
        assert_eq!(
            render(r#"{{"k": {{a}}}} and {{ unclosed"#, &v).as_deref(),
            Ok(r#"{{"k": 1}} and {{ unclosed"#)
        );
    }
}
