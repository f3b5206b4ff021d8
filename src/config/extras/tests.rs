use std::path::PathBuf;

use pretty_assertions::assert_eq;
use rust_decimal::Decimal;

use crate::config::{CliOverrides, Config, Paths, Secrets};
use crate::router::preferences::{MaxPrice, ProviderPrefs, ProviderSort, Variant};

fn config(text: &str) -> Config {
    Config {
        file: Config::parse(text).expect("config parses"),
        source: None,
        paths: Paths::resolve(|name| match name {
            "XDG_CONFIG_HOME" | "XDG_CACHE_HOME" | "XDG_DATA_HOME" => {
                Some(PathBuf::from("/nonexistent-prism-test"))
            }
            _ => None,
        }),
    }
}

#[test]
fn model_tables_merge_over_shared_preferences() {
    let cfg = config(
        r#"
        [preferences]
        sort = "price"
        deny_data_collection = true
        max_price = { prompt = 1, completion = 2 }

        [preferences."openai/gpt-4o"]
        sort = "throughput"
        only = ["openai", "azure"]
        variant = "nitro"

        [preferences."ollama:llama3.2:3b"]
        allow_fallbacks = false
        "#,
    );
    assert_eq!(
        cfg.preferences_for("openai/gpt-4o"),
        ProviderPrefs {
            sort: Some(ProviderSort::Throughput),
            only: vec!["openai".into(), "azure".into()],
            deny_data_collection: Some(true),
            max_price: Some(MaxPrice {
                prompt: Some(Decimal::from(1)),
                completion: Some(Decimal::from(2))
            }),
            variant: Some(Variant::Nitro),
            ..ProviderPrefs::default()
        }
    );
    // The default provider's prefix is optional.
    assert_eq!(
        cfg.preferences_for("openrouter:openai/gpt-4o"),
        cfg.preferences_for("openai/gpt-4o")
    );
    assert_eq!(
        cfg.preferences_for("ollama:llama3.2:3b").allow_fallbacks,
        Some(false)
    );
    let other = cfg.preferences_for("anthropic/claude-haiku-4.5");
    assert_eq!(other.sort, Some(ProviderSort::Price));
    assert!(other.only.is_empty());
    assert_eq!(config("").preferences_for("a/b"), ProviderPrefs::default());
}

#[test]
fn preference_mistakes_are_named() {
    let err = Config::parse("[preferences]\nsortt = \"price\"\n").expect_err("unknown key");
    assert!(err.contains("unknown preference 'sortt'"), "{err}");
    let err = Config::parse("[preferences.\"openai/gpt-4o\"]\nonly = \"openai\"\n")
        .expect_err("not a list");
    assert!(err.contains("openai/gpt-4o"), "{err}");
    let err = Config::parse("[preferences]\nvariant = \"turbo\"\n").expect_err("bad variant");
    assert!(err.contains("turbo"), "{err}");
    let err = Config::parse("[privacy]\ndeny = true\n").expect_err("unknown key");
    assert!(err.contains("deny"), "{err}");
}

#[test]
fn privacy_pacing_and_limits_reach_the_router_settings() {
    let cfg = config(
        r#"
        [privacy]
        deny_data_collection = true

        [pacing]
        free_requests_per_minute = 10
        models = { "openai/gpt-4o" = 30 }

        [limits]
        warn_turn_cost_usd = 0.05
        "#,
    );
    let settings = cfg.router_settings(&CliOverrides::default());
    assert!(settings.deny_data_collection);
    assert_eq!(settings.pacing.free_requests, 10);
    assert_eq!(settings.pacing.per_model.get("openai/gpt-4o"), Some(&30));
    assert_eq!(
        cfg.warn_turn_cost_usd(),
        Some(rust_decimal::Decimal::new(5, 2))
    );

    let defaults_config = self::config("");
    let defaults = defaults_config.router_settings(&CliOverrides::default());
    assert!(!defaults.deny_data_collection);
    assert_eq!(defaults.pacing.free_requests, 20);
    assert_eq!(defaults_config.warn_turn_cost_usd(), None);
}

#[test]
fn discovery_candidates_follow_the_ports_and_the_switch() {
    let defaults = config("");
    assert_eq!(
        defaults.discovery_candidates(),
        vec![
            (
                "ollama".to_string(),
                "http://127.0.0.1:11434/v1".to_string()
            ),
            (
                "lmstudio".to_string(),
                "http://127.0.0.1:1234/v1".to_string()
            ),
            (
                "llamacpp".to_string(),
                "http://127.0.0.1:8080/v1".to_string()
            ),
            ("vllm".to_string(), "http://127.0.0.1:8000/v1".to_string()),
        ]
    );
    assert!(!defaults.discovery_free());

    let moved = config(
        r#"
        [discovery]
        ports = { ollama = 41434, vllm = 0, mlx = 8081 }
        free = true
        timeout_ms = 150

        [providers.llamacpp]
        base_url = "http://gpu-box:8080/v1"
        "#,
    );
    assert_eq!(
        moved.discovery_candidates(),
        vec![
            (
                "ollama".to_string(),
                "http://127.0.0.1:41434/v1".to_string()
            ),
            (
                "lmstudio".to_string(),
                "http://127.0.0.1:1234/v1".to_string()
            ),
            ("mlx".to_string(), "http://127.0.0.1:8081/v1".to_string()),
        ]
    );
    assert!(moved.discovery_free());
    assert_eq!(moved.discovery_timeout().as_millis(), 150);

    // The presets follow the ports; a provider the file places stays there.
    let providers = moved
        .providers(
            &CliOverrides::default(),
            &Secrets::fixed(Default::default(), Default::default()),
        )
        .expect("providers");
    let url = |name: &str| providers.get(name).map(|p| p.base_url.clone());
    assert_eq!(url("ollama").as_deref(), Some("http://127.0.0.1:41434/v1"));
    assert_eq!(url("vllm").as_deref(), Some("http://127.0.0.1:8000/v1"));
    assert_eq!(url("mlx").as_deref(), Some("http://127.0.0.1:8081/v1"));
    assert_eq!(url("llamacpp").as_deref(), Some("http://gpu-box:8080/v1"));
    assert!(
        providers
            .get("mlx")
            .is_some_and(|p| p.api_key_env.is_none())
    );

    let off = config("[discovery]\nenabled = false\n");
    assert!(off.discovery_candidates().is_empty());
}

#[test]
fn the_shipped_default_config_means_the_defaults() {
    let shipped = Config {
        file: Config::parse(crate::config::DEFAULT_CONFIG_TOML).expect("parses"),
        ..config("")
    };
    let empty = config("");
    assert_eq!(shipped.discovery_candidates(), empty.discovery_candidates());
    assert_eq!(shipped.discovery_timeout(), empty.discovery_timeout());
    assert_eq!(shipped.pacing_settings(), empty.pacing_settings());
    assert_eq!(shipped.deny_data_collection(), empty.deny_data_collection());
    assert_eq!(
        shipped.preferences_for("openai/gpt-4o"),
        ProviderPrefs::default()
    );
}
