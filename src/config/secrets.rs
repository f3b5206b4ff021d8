//! API keys: read from the process environment, then from a `.env` file in the
//! working directory (never written). A key is wrapped so that `Debug` and
//! logs can never show it.
//!
//! `.env` is outside data (a cloned repository can hold one), so it is read
//! with bounds: at most [`MAX_DOTENV_BYTES`], `KEY=value` lines only, and no
//! `$VAR` substitution (which lets a few lines grow without limit).

use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use crate::router::provider::ApiKey;

/// The largest `.env` read; a bigger one is refused unread.
pub const MAX_DOTENV_BYTES: usize = 64 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeySource {
    Environment,
    DotEnv,
}

/// Where keys come from. The process environment is read at lookup time so a
/// test can swap it; `.env` is read once at start.
#[derive(Clone, Debug, Default)]
pub struct Secrets {
    dotenv: HashMap<String, String>,
    dotenv_path: Option<PathBuf>,
    /// For tests: replaces the process environment when set.
    fixed_env: Option<HashMap<String, String>>,
}

impl Secrets {
    /// Reads `dir/.env` if present. A malformed or oversized file is
    /// reported, not fatal: the caller shows the warning and goes on with the
    /// environment (and whatever lines did parse).
    pub fn load(dir: &Path) -> (Secrets, Option<String>) {
        let path = dir.join(".env");
        // Not a regular file (a FIFO, a device): never opened, it could block or never end.
        if !path.is_file() {
            return (Secrets::default(), None);
        }
        let (dotenv, warning) = match read_capped(&path) {
            Ok(Some(text)) => {
                let parsed = parse_dotenv(&text);
                let warning = parsed.bad_lines.first().map(|line| {
                    let more = parsed.bad_lines.len() - 1;
                    let others = if more > 0 {
                        format!(" (and {more} more)")
                    } else {
                        String::new()
                    };
                    format!(
                        "{}: line {line}{others} is not KEY=value; the other lines were read",
                        path.display()
                    )
                });
                (parsed.values, warning)
            }
            Ok(None) => (
                HashMap::new(),
                Some(format!(
                    "{}: larger than {}, not read (a .env holds a few keys)",
                    path.display(),
                    crate::units::size(MAX_DOTENV_BYTES)
                )),
            ),
            Err(err) => (
                HashMap::new(),
                Some(format!("{}: could not be read ({err})", path.display())),
            ),
        };
        let secrets = Secrets {
            dotenv,
            dotenv_path: Some(path),
            fixed_env: None,
        };
        (secrets, warning)
    }

    /// Secrets from explicit maps, ignoring the real environment.
    pub fn fixed(env: HashMap<String, String>, dotenv: HashMap<String, String>) -> Secrets {
        Secrets {
            dotenv,
            dotenv_path: None,
            fixed_env: Some(env),
        }
    }

    pub fn lookup(&self, var: &str) -> Option<(ApiKey, KeySource)> {
        let from_env = match &self.fixed_env {
            Some(env) => env.get(var).cloned(),
            None => std::env::var(var).ok(),
        };
        if let Some(value) = from_env.filter(|v| !v.trim().is_empty()) {
            return Some((ApiKey::new(value.trim()), KeySource::Environment));
        }
        self.dotenv
            .get(var)
            .filter(|v| !v.trim().is_empty())
            .map(|value| (ApiKey::new(value.trim()), KeySource::DotEnv))
    }

    pub fn key(&self, var: &str) -> Option<ApiKey> {
        self.lookup(var).map(|(key, _)| key)
    }

    pub fn dotenv_path(&self) -> Option<&Path> {
        self.dotenv_path.as_deref()
    }
}

/// The file's text, or None when it is larger than the cap. At most the
/// cap (plus one byte) is read, whatever the file claims its size is.
fn read_capped(path: &Path) -> std::io::Result<Option<String>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_DOTENV_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_DOTENV_BYTES {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
}

/// What a `.env` holds: its values, and the (1-based) lines that are not
/// `KEY=value` (never their text: it may hold a key).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct DotEnv {
    pub values: HashMap<String, String>,
    pub bad_lines: Vec<usize>,
}

/// Parses `.env` text: `KEY=value` per line, optionally after `export`;
/// blank lines and `#` comments skipped; values unquoted (a ` #` starts a
/// comment), 'single-quoted' (literal) or "double-quoted" (with `\n`, `\t`,
/// `\"` and `\\` escapes). `$VAR` is kept as written. A later line wins.
pub fn parse_dotenv(text: &str) -> DotEnv {
    let mut parsed = DotEnv::default();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match parse_line(line) {
            Some((key, value)) => {
                parsed.values.insert(key.to_string(), value);
            }
            None => parsed.bad_lines.push(index + 1),
        }
    }
    parsed
}

fn parse_line(line: &str) -> Option<(&str, String)> {
    let line = line
        .strip_prefix("export")
        .filter(|rest| rest.starts_with([' ', '\t']))
        .map_or(line, str::trim_start);
    let (key, value) = line.split_once('=')?;
    let key = key.trim_end();
    let valid_key = key.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !valid_key {
        return None;
    }
    let value = value.trim_start();
    let (value, rest) = match value.chars().next() {
        Some('\'') => {
            let body = &value[1..];
            let end = body.find('\'')?;
            (body[..end].to_string(), &body[end + 1..])
        }
        Some('"') => double_quoted(&value[1..])?,
        _ => {
            let end = value.find(" #").or_else(|| value.find("\t#"));
            let value = end.map_or(value, |end| &value[..end]);
            return Some((key, value.trim_end().to_string()));
        }
    };
    // After a quoted value only a comment may follow.
    let rest = rest.trim_start();
    (rest.is_empty() || rest.starts_with('#')).then_some((key, value))
}

/// A double-quoted value up to its closing quote, and what follows it.
fn double_quoted(body: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = body.char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Some((value, &body[at + 1..])),
            '\\' => {
                let (_, escaped) = chars.next()?;
                value.push(match escaped {
                    'n' => '\n',
                    't' => '\t',
                    'r' => '\r',
                    other => other,
                });
            }
            c => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotenv_lines_as_people_write_them() {
        let parsed = parse_dotenv(
            "\u{feff}# keys\nA=plain # a comment\nexport B = \"quoted \\\"x\\\" \\n\" # c\nC='lit $HOME \\n'\n\nD=$A$A$A\nexport=1\nE\n1X=2\nF=\"unclosed\n  G=sp aced  \r\n",
        );
        let value = |k: &str| parsed.values.get(k).map(String::as_str);
        assert_eq!(value("A"), Some("plain"));
        assert_eq!(value("B"), Some("quoted \"x\" \n"));
        assert_eq!(value("C"), Some("lit $HOME \\n"));
        // No substitution: a few lines cannot grow without bound.
        assert_eq!(value("D"), Some("$A$A$A"));
        assert_eq!(value("export"), Some("1"));
        assert_eq!(value("G"), Some("sp aced"));
        assert_eq!(parsed.bad_lines, vec![8, 9, 10]);
    }

    #[test]
    fn an_oversized_dotenv_is_refused_unread() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut text = "PRISM_BIG=sk-1\n".to_string();
        text.push_str(&"#".repeat(MAX_DOTENV_BYTES));
        std::fs::write(dir.path().join(".env"), text).expect("write .env");
        let (secrets, warning) = Secrets::load(dir.path());
        assert_eq!(secrets.key("PRISM_BIG"), None);
        let warning = warning.expect("a warning");
        assert!(
            warning.ends_with("larger than 64 KiB, not read (a .env holds a few keys)"),
            "{warning}"
        );
    }

    #[test]
    fn a_bad_line_is_named_without_its_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join(".env"), "OK=1\nsk-or-v1-secret\n").expect("write");
        let (secrets, warning) = Secrets::load(dir.path());
        assert_eq!(secrets.key("OK"), Some(ApiKey::new("1")));
        let warning = warning.expect("a warning");
        assert!(
            warning.ends_with(".env: line 2 is not KEY=value; the other lines were read"),
            "{warning}"
        );
        assert!(!warning.contains("secret"));
    }

    #[test]
    fn environment_wins_over_dotenv() {
        let secrets = Secrets::fixed(
            HashMap::from([("A".into(), "from-env".into())]),
            HashMap::from([("A".into(), "from-file".into()), ("B".into(), "b".into())]),
        );
        assert_eq!(
            secrets.lookup("A"),
            Some((ApiKey::new("from-env"), KeySource::Environment))
        );
        assert_eq!(
            secrets.lookup("B"),
            Some((ApiKey::new("b"), KeySource::DotEnv))
        );
        assert_eq!(secrets.lookup("C"), None);
    }

    #[test]
    fn empty_values_count_as_unset() {
        let secrets = Secrets::fixed(
            HashMap::from([("A".into(), "  ".into())]),
            HashMap::from([("A".into(), "k".into())]),
        );
        assert_eq!(secrets.key("A"), Some(ApiKey::new("k")));
    }

    #[test]
    fn debug_never_shows_the_key() {
        let key = ApiKey::new("sk-or-v1-secret");
        assert!(!format!("{key:?}").contains("secret"));
    }

    #[test]
    fn reads_dotenv_without_touching_the_environment() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(
            dir.path().join(".env"),
            "# keys\nPRISM_TEST_DOTENV_ONLY=sk-test-123\nexport OTHER=\"quoted value\"\n",
        )
        .expect("write .env");
        let (secrets, warning) = Secrets::load(dir.path());
        assert_eq!(warning, None);
        assert_eq!(
            secrets.lookup("PRISM_TEST_DOTENV_ONLY"),
            Some((ApiKey::new("sk-test-123"), KeySource::DotEnv))
        );
        assert_eq!(secrets.key("OTHER"), Some(ApiKey::new("quoted value")));
        assert!(std::env::var("PRISM_TEST_DOTENV_ONLY").is_err());
    }
}
