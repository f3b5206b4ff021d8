use std::collections::HashMap;
use std::path::PathBuf;

use super::*;

fn paths() -> Paths {
    Paths::resolve(|name| match name {
        "XDG_CONFIG_HOME" => Some(PathBuf::from("/nonexistent-prism-test/config")),
        "XDG_CACHE_HOME" => Some(PathBuf::from("/nonexistent-prism-test/cache")),
        "XDG_DATA_HOME" => Some(PathBuf::from("/nonexistent-prism-test/data")),
        _ => None,
    })
}

fn config(text: &str) -> Config {
    Config {
        file: Config::parse(text).expect("config parses"),
        source: None,
        paths: paths(),
    }
}

fn secrets() -> Secrets {
    Secrets::fixed(
        HashMap::from([
            ("OPENROUTER_API_KEY".to_string(), "sk-or-test".to_string()),
            ("MY_KEY".to_string(), "sk-mine".to_string()),
        ]),
        HashMap::new(),
    )
}

#[test]
fn missing_default_file_means_defaults() {
    let config = Config::load(None, paths()).expect("no file is fine");
    assert!(config.source.is_none());
    let providers = config
        .providers(&CliOverrides::default(), &secrets())
        .expect("providers");
    let openrouter = providers.default_provider().expect("default");
    assert_eq!(openrouter.name, "openrouter");
    assert_eq!(openrouter.base_url, OPENROUTER_BASE_URL);
    assert_eq!(openrouter.kind, ProviderKind::OpenRouter);
    assert_eq!(
        openrouter.api_key.as_ref().map(|k| k.expose()),
        Some("sk-or-test")
    );
    assert!(
        providers
            .get("ollama")
            .is_some_and(|p| p.api_key_env.is_none())
    );
}

#[test]
fn explicit_missing_file_is_an_error() {
    let err = Config::load(
        Some(std::path::Path::new("/nonexistent/prism.toml")),
        paths(),
    )
    .expect_err("must fail");
    assert!(err.to_string().contains("/nonexistent/prism.toml"));
}

#[test]
fn typos_are_reported_with_their_place() {
    let err = Config::parse("[network]\nmax_retrys = 3\n").expect_err("unknown key");
    assert!(err.contains("max_retrys"), "{err}");
}

#[test]
fn the_shipped_default_config_parses() {
    let file = Config::parse(DEFAULT_CONFIG_TOML).expect("assets/default-config.toml parses");
    assert_eq!(file.default_provider.as_deref(), Some("openrouter"));
}

#[test]
fn providers_from_the_file_extend_and_override_presets() {
    let config = config(
        r#"
        [providers.local]
        base_url = "http://127.0.0.1:9000/v1/"
        api_key_env = "MY_KEY"
        headers = { "X-Team" = "r" }

        [providers.ollama]
        base_url = "http://gpu-box:11434/v1"

        [providers.proxy]
        base_url = "http://127.0.0.1:9100/api/v1"
        kind = "openrouter"
        "#,
    );
    let providers = config
        .providers(&CliOverrides::default(), &secrets())
        .expect("providers");
    let local = providers.get("local").expect("local");
    assert_eq!(local.base_url, "http://127.0.0.1:9000/v1");
    assert_eq!(local.api_key.as_ref().map(|k| k.expose()), Some("sk-mine"));
    assert_eq!(local.headers, vec![("X-Team".to_string(), "r".to_string())]);
    assert_eq!(
        providers.get("ollama").expect("ollama").base_url,
        "http://gpu-box:11434/v1"
    );
    assert_eq!(
        providers.get("proxy").expect("proxy").kind,
        ProviderKind::OpenRouter
    );
    assert_eq!(
        providers.parse_ref("local:qwen2.5:7b").expect("ref"),
        ModelRefLike::new("local", "qwen2.5:7b")
    );
}

type ModelRefLike = crate::router::ModelRef;

#[test]
fn a_new_provider_needs_a_url() {
    let config = config("[providers.nowhere]\napi_key_env = \"X\"\n");
    let err = config
        .providers(&CliOverrides::default(), &secrets())
        .expect_err("needs base_url");
    assert!(err.to_string().contains("nowhere"));
}

#[test]
fn base_url_flag_keeps_the_openrouter_key_at_home() {
    let config = config("");
    let overrides = CliOverrides {
        base_url: Some("http://127.0.0.1:8080/v1".into()),
        ..CliOverrides::default()
    };
    let providers = config.providers(&overrides, &secrets()).expect("providers");
    let default = providers.default_provider().expect("default");
    assert_eq!(default.base_url, "http://127.0.0.1:8080/v1");
    assert_eq!(default.kind, ProviderKind::OpenAi);
    assert!(default.api_key.is_none());

    let overrides = CliOverrides {
        base_url: Some("http://127.0.0.1:8080/v1".into()),
        api_key_env: Some("MY_KEY".into()),
        ..CliOverrides::default()
    };
    let providers = config.providers(&overrides, &secrets()).expect("providers");
    let default = providers.default_provider().expect("default");
    assert_eq!(
        default.api_key.as_ref().map(|k| k.expose()),
        Some("sk-mine")
    );
}

#[test]
fn a_key_goes_only_to_the_host_it_was_configured_for() {
    let withheld = |file: &str, url: &str| {
        let overrides = CliOverrides {
            base_url: Some(url.into()),
            ..CliOverrides::default()
        };
        let providers = config(file)
            .providers(&overrides, &secrets())
            .expect("providers");
        let default = providers.default_provider().expect("default").clone();
        assert!(default.api_key.is_none(), "{file} {url}: key sent");
        assert!(
            !default.is_missing_key(),
            "{file} {url}: the request still goes"
        );
        default
            .withheld_key
            .expect("the key is held back, not lost")
    };
    // The user part of a URL is not its host.
    let sneaky = withheld("", "http://api.openrouter.ai:pw@127.0.0.1:4000/v1");
    assert_eq!(sneaky.var, "OPENROUTER_API_KEY");
    assert_eq!(sneaky.home, "openrouter.ai");
    assert_eq!(sneaky.key.expose(), "sk-or-test");
    // Saying the server is OpenRouter-like does not make it OpenRouter.
    withheld(
        "[providers.openrouter]\nkind = \"openrouter\"\n",
        "http://127.0.0.1:4000/api/v1",
    );
    // A proxy configured in the file keeps the key the file gave it, there only.
    let file = "[providers.openrouter]\nbase_url = \"http://127.0.0.1:9100/api/v1\"\napi_key_env = \"MY_KEY\"\n";
    let moved = withheld(file, "http://127.0.0.1:9101/api/v1");
    assert_eq!(
        (moved.var.as_str(), moved.home.as_str()),
        ("MY_KEY", "127.0.0.1:9100")
    );

    // The same host (another path) keeps it.
    let overrides = CliOverrides {
        base_url: Some("https://openrouter.ai:443/api/v1/".into()),
        ..CliOverrides::default()
    };
    let providers = config("")
        .providers(&overrides, &secrets())
        .expect("providers");
    let default = providers.default_provider().expect("default");
    assert_eq!(
        default.api_key.as_ref().map(|k| k.expose()),
        Some("sk-or-test")
    );
    assert!(default.withheld_key.is_none());
}

#[test]
fn base_urls_must_parse() {
    for url in [
        "localhost:8080/v1",
        "ftp://host/v1",
        "http://",
        "file:///v1",
    ] {
        let overrides = CliOverrides {
            base_url: Some(url.into()),
            ..CliOverrides::default()
        };
        let err = config("").providers(&overrides, &secrets()).expect_err(url);
        assert!(err.to_string().contains("http:// or https:// URL"), "{err}");
    }
}

#[test]
fn settings_layer_file_then_flags() {
    let config = config("[network]\nmax_retries = 5\nidle_timeout_secs = 30\n");
    let settings = config.router_settings(&CliOverrides::default());
    assert_eq!(settings.retry.max_retries, 5);
    assert_eq!(settings.idle_timeout, Duration::from_secs(30));
    let settings = config.router_settings(&CliOverrides {
        max_retries: Some(0),
        ..CliOverrides::default()
    });
    assert_eq!(settings.retry.max_retries, 0);
}

#[test]
fn routers_parse_and_compile_in_name_order() {
    let config = config(
        r#"
[routers.saver]
default = "openai/gpt-4o"
description = "cheap when it can be"

[[routers.saver.rules]]
name = "short"
max_prompt_tokens = 200
model = "mistralai/mistral-small-3.2-24b-instruct"

[routers.always-local]
default = "ollama:llama3.2:3b"
"#,
    );
    let policies = config.policies().expect("routers compile");
    let names: Vec<&str> = policies.iter().map(|p| p.name()).collect();
    assert_eq!(names, vec!["always-local", "saver"]);
    assert_eq!(policies[1].description(), Some("cheap when it can be"));
    assert!(Config::parse("").expect("empty").routers.is_empty());
}

#[test]
fn router_typos_and_bad_rules_are_errors() {
    let err = Config::parse(
        "[routers.saver]\ndefault = 'a'\n[[routers.saver.rules]]\nmax_tokens = 3\nmodel = 'b'\n",
    )
    .expect_err("unknown rule key");
    assert!(err.contains("max_tokens"), "{err}");
    let err = Config::parse("[routers.saver]\ndefualt = 'a'\n").expect_err("unknown router key");
    assert!(err.contains("defualt"), "{err}");
    let err = config(
        "[routers.saver]\ndefault = 'a'\n[[routers.saver.rules]]\npattern = '['\nmodel = 'b'\n",
    )
    .policies()
    .expect_err("bad regex");
    assert!(
        err.to_string()
            .starts_with("router 'saver', rule 1: pattern \"[\" is not a valid regex"),
        "{err}"
    );
}

#[test]
fn no_provider_may_be_called_router() {
    let err = config("[providers.router]\nbase_url = 'http://localhost:9/v1'\n")
        .providers(&CliOverrides::default(), &secrets())
        .expect_err("reserved");
    assert_eq!(
        err.to_string(),
        "provider 'router': is reserved for router columns (router:NAME); pick another name"
    );
    // Nor a local server added by its discovery port.
    let err = config("[discovery]\nports = { router = 1234 }\n")
        .providers(&CliOverrides::default(), &secrets())
        .expect_err("reserved");
    assert!(
        err.to_string()
            .starts_with("provider 'router': is reserved"),
        "{err}"
    );
}

/// The commented router example in the shipped config, uncommented, does
/// what its description says.
#[test]
fn the_shipped_router_example_routes_as_described() {
    use crate::router::policy::decide;
    let start = DEFAULT_CONFIG_TOML
        .find("# [routers.saver]")
        .expect("the example is in the asset");
    // The example runs to the first line that is not a comment.
    let example: String = DEFAULT_CONFIG_TOML[start..]
        .lines()
        .take_while(|line| line.starts_with('#'))
        .map(|line| {
            line.strip_prefix("# ")
                .unwrap_or(line.trim_start_matches('#'))
        })
        .collect::<Vec<_>>()
        .join("\n");
    let policies = config(&example).policies().expect("the example compiles");
    let saver = &policies[0];
    let usd = |text: &str| text.parse::<rust_decimal::Decimal>().expect("decimal");
    let price = |input: &str, output: &str| {
        Some(crate::router::policy::PricePerMillion {
            input_usd: usd(input),
            output_usd: usd(output),
        })
    };
    let price_of = |model: &str| match model {
        "mistralai/mistral-small-3.2-24b-instruct" => price("0.09375", "0.25"),
        "openai/gpt-4o-mini" => price("0.15", "0.6"),
        "openai/gpt-4o" => price("2.5", "10"),
        _ => None,
    };
    let cases = [
        (
            "Classify the sentiment of this review: I loved it.",
            "mistralai/mistral-small-3.2-24b-instruct",
            "short classification",
        ),
        (
            "What is the capital of France?",
            "mistralai/mistral-small-3.2-24b-instruct",
            "simple and cheap",
        ),
        (
            "Explain why this design is slow and how to optimize it, step by step:\n```\nfor x in xs { db.query(x) }\n```",
            "openai/gpt-4o",
            "default",
        ),
    ];
    for (prompt, model, rule) in cases {
        let decision = decide(saver, prompt, &price_of);
        assert_eq!(
            (decision.model.as_str(), decision.rule.as_str()),
            (model, rule),
            "{prompt}"
        );
    }
}
