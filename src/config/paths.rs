//! Where prism keeps its files: the platform's config, cache and data dirs
//! (via `directories`), with `XDG_CONFIG_HOME`, `XDG_CACHE_HOME` and
//! `XDG_DATA_HOME` honoured on every platform so tests and users can isolate them.

use std::path::{Path, PathBuf};

use directories::ProjectDirs;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paths {
    pub config_dir: PathBuf,
    pub cache_dir: PathBuf,
    pub data_dir: PathBuf,
}

impl Paths {
    /// Resolves the three directories from the environment. Nothing is created here.
    pub fn from_env() -> Paths {
        Self::resolve(|name| std::env::var_os(name).map(PathBuf::from))
    }

    /// The same rules with an injected environment, for tests.
    pub fn resolve(env: impl Fn(&str) -> Option<PathBuf>) -> Paths {
        let project = ProjectDirs::from("", "", "prism");
        let xdg = |name: &str| {
            env(name)
                .filter(|dir| dir.is_absolute())
                .map(|dir| dir.join("prism"))
        };
        let fallback = |pick: fn(&ProjectDirs) -> &Path, hidden: &str| {
            project
                .as_ref()
                .map(|dirs| pick(dirs).to_path_buf())
                .unwrap_or_else(|| PathBuf::from(hidden))
        };
        Paths {
            config_dir: xdg("XDG_CONFIG_HOME")
                .unwrap_or_else(|| fallback(ProjectDirs::config_dir, ".prism/config")),
            cache_dir: xdg("XDG_CACHE_HOME")
                .unwrap_or_else(|| fallback(ProjectDirs::cache_dir, ".prism/cache")),
            data_dir: xdg("XDG_DATA_HOME")
                .unwrap_or_else(|| fallback(ProjectDirs::data_dir, ".prism/data")),
        }
    }

    pub fn config_file(&self) -> PathBuf {
        self.config_dir.join("config.toml")
    }

    pub fn catalog_cache_dir(&self) -> PathBuf {
        self.cache_dir.join("catalog")
    }

    pub fn log_file(&self) -> PathBuf {
        self.cache_dir.join("prism.log")
    }

    pub fn sessions_dir(&self) -> PathBuf {
        self.data_dir.join("sessions")
    }

    /// Where `prism eval` keeps its run journals.
    pub fn runs_dir(&self) -> PathBuf {
        self.data_dir.join("runs")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xdg_variables_win() {
        let paths = Paths::resolve(|name| match name {
            "XDG_CONFIG_HOME" => Some(PathBuf::from("/tmp/c")),
            "XDG_CACHE_HOME" => Some(PathBuf::from("/tmp/k")),
            "XDG_DATA_HOME" => Some(PathBuf::from("/tmp/d")),
            _ => None,
        });
        assert_eq!(
            paths.config_file(),
            PathBuf::from("/tmp/c/prism/config.toml")
        );
        assert_eq!(
            paths.catalog_cache_dir(),
            PathBuf::from("/tmp/k/prism/catalog")
        );
        assert_eq!(paths.sessions_dir(), PathBuf::from("/tmp/d/prism/sessions"));
    }

    #[test]
    fn relative_xdg_values_are_ignored_as_the_spec_says() {
        let paths = Paths::resolve(|name| match name {
            "XDG_CONFIG_HOME" => Some(PathBuf::from("relative")),
            _ => None,
        });
        assert!(!paths.config_dir.starts_with("relative"));
    }
}
