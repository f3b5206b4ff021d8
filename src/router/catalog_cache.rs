//! The on-disk catalog cache (one file per provider and base URL, holding the
//! raw `/models` body and its fetch time, written atomically) and the OpenRouter
//! snapshot compiled into the binary. Nothing here touches the network.

use std::fs;
use std::io;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::catalog::{Catalog, CatalogSource, parse_models};
use crate::fs_safe::{create_private_dir, write_private};

/// Version of the cache file layout; a file of another version is refused.
const CACHE_FORMAT: u32 = 1;

/// 2026-08-18T00:00:00Z, the day the bundled OpenRouter listing was captured
/// (see assets/catalog/README.md).
pub const BUNDLED_SNAPSHOT_UNIX: i64 = 1_787_011_200;

static BUNDLED_OPENROUTER_JSON: &[u8] =
    include_bytes!("../../assets/catalog/openrouter-models.json");

/// The OpenRouter catalog compiled into the binary: the last resort when the
/// server is unreachable and nothing is cached.
pub fn bundled_openrouter() -> Catalog {
    // The snapshot is checked by a unit test, so the empty fallback never shows.
    let parsed = parse_models(BUNDLED_OPENROUTER_JSON).unwrap_or_default();
    Catalog::new(
        "openrouter",
        CatalogSource::Bundled,
        BUNDLED_SNAPSHOT_UNIX,
        parsed,
    )
}

/// A `/models` body as it was cached, with the time it was fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CachedBody {
    pub body: Vec<u8>,
    pub fetched_at_unix: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("cannot read the catalog cache {}: {source}", .path.display())]
    Read { path: PathBuf, source: io::Error },
    #[error("the catalog cache {} is corrupt: {reason}", .path.display())]
    Corrupt { path: PathBuf, reason: String },
    #[error("cannot create the catalog cache directory {}: {source}", .path.display())]
    CreateDir { path: PathBuf, source: io::Error },
    #[error("cannot write the catalog cache {}: {source}", .path.display())]
    Write { path: PathBuf, source: io::Error },
    #[error("not caching the model list for {}: the body is not UTF-8 text", .path.display())]
    BodyNotText { path: PathBuf },
}

/// The file layout. The body is kept as a JSON string, not as an embedded
/// value, so it comes back byte for byte: re-serializing it through
/// `serde_json::Value` would turn JSON-number prices into f64.
#[derive(Serialize, Deserialize)]
struct CacheFile {
    format: u32,
    provider: String,
    base_url: String,
    fetched_at_unix: i64,
    body: String,
}

/// Catalog cache files in one directory (normally `<cache dir>/catalog`).
#[derive(Clone, Debug)]
pub struct CatalogCache {
    dir: PathBuf,
}

impl CatalogCache {
    /// Nothing is created until the first `store`.
    pub fn new(dir: impl Into<PathBuf>) -> CatalogCache {
        CatalogCache { dir: dir.into() }
    }

    /// `<dir>/<provider>-<16 hex digits of FNV-1a 64 of the base URL>.json`.
    /// The hash keeps two servers of one provider name apart; it is computed
    /// here because std's hasher is not stable across Rust releases.
    pub fn path_for(&self, provider: &str, base_url: &str) -> PathBuf {
        let hash = fnv1a_64(normalize_base_url(base_url).as_bytes());
        self.dir
            .join(format!("{}-{hash:016x}.json", sanitize_provider(provider)))
    }

    /// The cached body for this provider and base URL; Ok(None) when there is
    /// none. A file that cannot be read or understood is an Err, never a panic;
    /// the caller then refetches.
    pub fn load(&self, provider: &str, base_url: &str) -> Result<Option<CachedBody>, CacheError> {
        let path = self.path_for(provider, base_url);
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(source) => return Err(CacheError::Read { path, source }),
        };
        let corrupt = |reason: String| CacheError::Corrupt {
            path: path.clone(),
            reason,
        };
        let file: CacheFile =
            serde_json::from_slice(&bytes).map_err(|error| corrupt(error.to_string()))?;
        if file.format != CACHE_FORMAT {
            return Err(corrupt(format!(
                "format {} is not the supported format {CACHE_FORMAT}",
                file.format
            )));
        }
        // A file renamed by hand, or a hash collision, must not pass as this server's.
        if file.provider != provider
            || normalize_base_url(&file.base_url) != normalize_base_url(base_url)
        {
            return Err(corrupt(format!(
                "it holds {} at {}, not {provider} at {base_url}",
                file.provider, file.base_url
            )));
        }
        Ok(Some(CachedBody {
            body: file.body.into_bytes(),
            fetched_at_unix: file.fetched_at_unix,
        }))
    }

    /// Replaces the cached body atomically (readable by its owner only): a
    /// temporary file in the same directory is written, flushed to disk and
    /// renamed over the old one, so a crash leaves the old file or the new one.
    pub fn store(
        &self,
        provider: &str,
        base_url: &str,
        body: &[u8],
        fetched_at_unix: i64,
    ) -> Result<(), CacheError> {
        let path = self.path_for(provider, base_url);
        let Ok(body) = std::str::from_utf8(body) else {
            return Err(CacheError::BodyNotText { path });
        };
        let file = CacheFile {
            format: CACHE_FORMAT,
            provider: provider.to_string(),
            base_url: base_url.to_string(),
            fetched_at_unix,
            body: body.to_string(),
        };
        let bytes = serde_json::to_vec(&file).map_err(|error| CacheError::Write {
            path: path.clone(),
            source: io::Error::other(error),
        })?;
        create_private_dir(&self.dir).map_err(|source| CacheError::CreateDir {
            path: self.dir.clone(),
            source,
        })?;
        write_private(&path, &bytes).map_err(|source| CacheError::Write { path, source })
    }
}

/// "https://openrouter.ai/api/v1/" and "https://openrouter.ai/api/v1" are one server.
fn normalize_base_url(base_url: &str) -> &str {
    base_url.trim().trim_end_matches('/')
}

/// Lower-case ASCII letters, digits, '-' and '_' only, at most 48 of them.
fn sanitize_provider(provider: &str) -> String {
    let sanitized: String = provider
        .trim()
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '-' | '_' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '_',
        })
        .take(48)
        .collect();
    if sanitized.is_empty() {
        "provider".to_string()
    } else {
        sanitized
    }
}

/// 64-bit FNV-1a: tiny, and the same on every platform and Rust release.
fn fnv1a_64(bytes: &[u8]) -> u64 {
    const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    bytes.iter().fold(OFFSET_BASIS, |hash, &byte| {
        (hash ^ u64::from(byte)).wrapping_mul(PRIME)
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::str::FromStr;

    use rust_decimal::Decimal;

    use super::*;
    use crate::router::pricing::Price;

    const OPENROUTER_URL: &str = "https://openrouter.ai/api/v1";

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .expect("list cache dir")
            .map(|entry| {
                entry
                    .expect("dir entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn round_trips_the_body_byte_for_byte() {
        let temp = tempfile::tempdir().expect("temp dir");
        let cache = CatalogCache::new(temp.path().join("catalog"));
        // A number price and odd spacing must come back exactly as sent.
        let body = br#"{"data":[{"id":"a/b","pricing":{"prompt":0.00000007,"completion":"1e-6"}}] , "x":"\u00e9\n"}"#;
        assert_eq!(
            cache.load("openrouter", OPENROUTER_URL).expect("load"),
            None
        );
        cache
            .store("openrouter", OPENROUTER_URL, body, 1_787_011_200)
            .expect("store creates the directory");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs::metadata(p).expect("meta").permissions().mode() & 0o777;
            assert_eq!(mode(&temp.path().join("catalog")), 0o700);
            assert_eq!(mode(&cache.path_for("openrouter", OPENROUTER_URL)), 0o600);
        }
        let loaded = cache
            .load("openrouter", &format!("{OPENROUTER_URL}/"))
            .expect("load")
            .expect("cached");
        assert_eq!(
            loaded,
            CachedBody {
                body: body.to_vec(),
                fetched_at_unix: 1_787_011_200
            }
        );
    }

    #[test]
    fn store_replaces_and_leaves_no_temp_files() {
        let temp = tempfile::tempdir().expect("temp dir");
        let cache = CatalogCache::new(temp.path());
        cache
            .store("ollama", "http://localhost:11434/v1", b"[]", 1)
            .expect("first store");
        cache
            .store("ollama", "http://localhost:11434/v1", br#"{"data":[]}"#, 2)
            .expect("second store");
        let loaded = cache
            .load("ollama", "http://localhost:11434/v1")
            .expect("load")
            .expect("cached");
        assert_eq!(loaded.body, br#"{"data":[]}"#.to_vec());
        assert_eq!(loaded.fetched_at_unix, 2);
        let expected = cache.path_for("ollama", "http://localhost:11434/v1");
        let expected_name = expected.file_name().expect("file name").to_string_lossy();
        assert_eq!(files_in(temp.path()), vec![expected_name.into_owned()]);
    }

    #[test]
    fn corrupt_file_is_an_error_and_left_alone() {
        let temp = tempfile::tempdir().expect("temp dir");
        let cache = CatalogCache::new(temp.path());
        let path = cache.path_for("openrouter", OPENROUTER_URL);
        for garbage in [
            &b"{\"format\":1,\"provider\":\"openrouter\""[..],
            b"\xff\xfe",
            b"",
        ] {
            fs::write(&path, garbage).expect("write garbage");
            let error = cache
                .load("openrouter", OPENROUTER_URL)
                .expect_err("corrupt");
            assert!(matches!(error, CacheError::Corrupt { .. }), "{error:?}");
            assert!(
                error.to_string().contains(&path.display().to_string()),
                "{error}"
            );
            assert_eq!(fs::read(&path).expect("still there"), garbage);
        }
    }

    #[test]
    fn refuses_other_formats_and_other_servers() {
        let temp = tempfile::tempdir().expect("temp dir");
        let cache = CatalogCache::new(temp.path());
        let path = cache.path_for("openrouter", OPENROUTER_URL);
        let file = |format: u32, base_url: &str| {
            serde_json::to_vec(&CacheFile {
                format,
                provider: "openrouter".to_string(),
                base_url: base_url.to_string(),
                fetched_at_unix: 5,
                body: "[]".to_string(),
            })
            .expect("serialize")
        };
        fs::write(&path, file(2, OPENROUTER_URL)).expect("write");
        let error = cache
            .load("openrouter", OPENROUTER_URL)
            .expect_err("format 2");
        assert!(error.to_string().contains("format 2"), "{error}");
        fs::write(&path, file(1, "http://elsewhere/v1")).expect("write");
        let error = cache
            .load("openrouter", OPENROUTER_URL)
            .expect_err("other server");
        assert!(error.to_string().contains("http://elsewhere/v1"), "{error}");
    }

    #[test]
    fn unreadable_path_is_a_read_error() {
        let temp = tempfile::tempdir().expect("temp dir");
        let cache = CatalogCache::new(temp.path());
        // A directory where the file should be cannot be read as one.
        fs::create_dir_all(cache.path_for("openrouter", OPENROUTER_URL)).expect("mkdir");
        let error = cache
            .load("openrouter", OPENROUTER_URL)
            .expect_err("a directory");
        assert!(matches!(error, CacheError::Read { .. }), "{error:?}");
        let error = cache
            .store("openrouter", OPENROUTER_URL, b"[]", 1)
            .expect_err("cannot rename over a directory");
        assert!(matches!(error, CacheError::Write { .. }), "{error:?}");
        assert_eq!(files_in(temp.path()).len(), 1, "the temp file was removed");
    }

    #[test]
    fn non_text_body_is_not_cached() {
        let temp = tempfile::tempdir().expect("temp dir");
        let cache = CatalogCache::new(temp.path());
        let error = cache
            .store("openrouter", OPENROUTER_URL, b"\xff", 1)
            .expect_err("not UTF-8");
        assert!(matches!(error, CacheError::BodyNotText { .. }), "{error:?}");
        assert!(files_in(temp.path()).is_empty());
    }

    #[test]
    fn paths_are_stable_and_sanitized() {
        let cache = CatalogCache::new("/cache/catalog");
        // FNV-1a 64 reference values: "" and "a".
        assert_eq!(fnv1a_64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a_64(b"a"), 0xaf63_dc4c_8601_ec8c);
        let path = cache.path_for("openrouter", OPENROUTER_URL);
        assert_eq!(
            path,
            cache.path_for("openrouter", "https://openrouter.ai/api/v1/")
        );
        assert_ne!(
            path,
            cache.path_for("openrouter", "https://eu.openrouter.ai/api/v1")
        );
        assert_ne!(path, cache.path_for("other", OPENROUTER_URL));
        let weird = cache.path_for("../My Server", "http://x");
        assert_eq!(weird.parent(), Some(Path::new("/cache/catalog")));
        let name = weird
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        assert!(name.starts_with("___my_server-"), "{name}");
        assert!(name.ends_with(".json") && name.len() == "___my_server-".len() + 16 + 5);
        assert_eq!(sanitize_provider("  "), "provider");
    }

    #[test]
    fn bundled_snapshot_has_every_model_with_exact_prices() {
        let catalog = bundled_openrouter();
        assert_eq!(catalog.models.len(), 414);
        assert!(catalog.skipped.is_empty(), "{:?}", catalog.skipped);
        assert_eq!(catalog.provider, "openrouter");
        assert_eq!(catalog.source, CatalogSource::Bundled);
        assert_eq!(catalog.fetched_at_unix, BUNDLED_SNAPSHOT_UNIX);
        assert_eq!(
            catalog.describe(BUNDLED_SNAPSHOT_UNIX + 98 * 86_400 + 5),
            "bundled snapshot of 2026-08-18 (98 days old)"
        );
        let dec = |text: &str| Decimal::from_str(text).expect("decimal");
        let gpt_4o = catalog.get("openai/gpt-4o").expect("gpt-4o is bundled");
        assert_eq!(gpt_4o.pricing.prompt, Price::Known(dec("0.0000025")));
        assert_eq!(gpt_4o.pricing.completion, Price::Known(dec("0.00001")));
        assert_eq!(
            gpt_4o.pricing.input_cache_read,
            Some(Price::Known(dec("0.00000125")))
        );
        assert_eq!(gpt_4o.pricing.prompt.per_million(), Some(dec("2.5")));
        assert_eq!(gpt_4o.context_length, Some(128_000));
        assert_eq!(gpt_4o.max_completion_tokens, Some(16_384));
        let auto = catalog.get("openrouter/auto").expect("auto is bundled");
        assert_eq!(auto.pricing.prompt, Price::Unknown);
        assert!(!auto.is_free());
    }
}
