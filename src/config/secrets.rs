//! API keys: read from the process environment, then from a `.env` file in the
//! working directory (never written). A key is wrapped so that `Debug` and
//! logs can never show it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub use crate::router::provider::ApiKey;

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
    /// Reads `dir/.env` if present. A malformed file is reported, not fatal:
    /// the caller shows the warning and goes on with the environment alone.
    pub fn load(dir: &Path) -> (Secrets, Option<String>) {
        let path = dir.join(".env");
        if !path.is_file() {
            return (Secrets::default(), None);
        }
        let mut dotenv = HashMap::new();
        let mut warning = None;
        match dotenvy::from_path_iter(&path) {
            Ok(items) => {
                for item in items {
                    match item {
                        Ok((name, value)) => {
                            dotenv.insert(name, value);
                        }
                        Err(err) => {
                            // dotenvy's parse errors quote the line, which may hold a key.
                            let line = match err {
                                dotenvy::Error::LineParse(_, index) => {
                                    format!(" near byte {index}")
                                }
                                _ => String::new(),
                            };
                            warning = Some(format!(
                                "{}: could not parse a line{line}; the rest of the file was read",
                                path.display()
                            ));
                        }
                    }
                }
            }
            Err(_) => {
                warning = Some(format!("{}: could not be read", path.display()));
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

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
