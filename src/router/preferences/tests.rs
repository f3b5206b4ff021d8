use pretty_assertions::assert_eq;
use serde_json::json;

use super::*;

fn usd(text: &str) -> rust_decimal::Decimal {
    text.parse().expect("a decimal")
}

fn full() -> ProviderPrefs {
    ProviderPrefs {
        sort: Some(ProviderSort::Throughput),
        order: vec!["openai".into(), "azure".into()],
        only: vec!["openai".into()],
        ignore: vec!["deepinfra".into()],
        allow_fallbacks: Some(false),
        deny_data_collection: Some(true),
        max_price: Some(MaxPrice {
            prompt: Some(usd("1")),
            completion: Some(usd("2.5")),
        }),
        variant: Some(Variant::Nitro),
    }
}

#[test]
fn provider_object_uses_the_schema_field_names() {
    // Field names of ProviderPreferences in the OpenAPI spec (2026-08-22).
    assert_eq!(
        full().provider_object(),
        Some(json!({
            "sort": "throughput",
            "order": ["openai", "azure"],
            "only": ["openai"],
            "ignore": ["deepinfra"],
            "allow_fallbacks": false,
            "data_collection": "deny",
            "max_price": {"prompt": "1", "completion": "2.5"}
        }))
    );
}

#[test]
fn max_price_goes_on_the_wire_as_the_exact_decimal_written() {
    // Tiny and long prices: a float would print 1e-7 or lose digits.
    let prefs = ProviderPrefs {
        max_price: Some(MaxPrice::parse_pair("0.0000001, 123456.123456789012345").expect("valid")),
        ..ProviderPrefs::default()
    };
    assert_eq!(
        prefs.provider_object(),
        Some(json!({"max_price": {"prompt": "0.0000001", "completion": "123456.123456789012345"}}))
    );
    // Trailing zeros and exponents are written plainly.
    let prefs = ProviderPrefs {
        max_price: Some(MaxPrice::parse_pair("2.50, 1e-3").expect("valid")),
        ..ProviderPrefs::default()
    };
    assert_eq!(
        prefs.provider_object(),
        Some(json!({"max_price": {"prompt": "2.5", "completion": "0.001"}}))
    );
}

#[test]
fn max_price_is_kept_in_sessions_as_numbers_and_read_back_from_either_form() {
    let prefs = ProviderPrefs {
        max_price: Some(MaxPrice {
            prompt: Some(usd("0.1")),
            completion: Some(usd("2.5")),
        }),
        ..ProviderPrefs::default()
    };
    let stored = serde_json::to_value(&prefs).expect("serializes");
    assert_eq!(
        stored,
        json!({"max_price": {"prompt": 0.1, "completion": 2.5}})
    );
    assert_eq!(
        serde_json::from_value::<ProviderPrefs>(stored).expect("reads back"),
        prefs
    );
    let written: ProviderPrefs =
        serde_json::from_value(json!({"max_price": {"prompt": "0.1", "completion": 2.5}}))
            .expect("a decimal string reads too");
    assert_eq!(written, prefs);
    assert!(
        serde_json::from_value::<ProviderPrefs>(json!({"max_price": {"prompt": "cheap"}})).is_err()
    );
}

#[test]
fn nothing_to_send_is_none() {
    assert_eq!(ProviderPrefs::default().provider_object(), None);
    assert!(ProviderPrefs::default().is_empty());
    // A variant alone changes the model id, not the provider object.
    let variant_only = ProviderPrefs {
        variant: Some(Variant::Free),
        ..ProviderPrefs::default()
    };
    assert_eq!(variant_only.provider_object(), None);
    assert!(!variant_only.is_empty());
    // Allowing data collection is OpenRouter's default: nothing to say.
    let allow = ProviderPrefs {
        deny_data_collection: Some(false),
        ..ProviderPrefs::default()
    };
    assert_eq!(allow.provider_object(), None);
}

#[test]
fn column_values_win_and_unset_ones_fall_through() {
    let shared = ProviderPrefs {
        sort: Some(ProviderSort::Price),
        only: vec!["openai".into()],
        deny_data_collection: Some(true),
        max_price: Some(MaxPrice {
            prompt: Some(usd("1")),
            completion: None,
        }),
        ..ProviderPrefs::default()
    };
    let column = ProviderPrefs {
        sort: Some(ProviderSort::Latency),
        ignore: vec!["x".into()],
        max_price: Some(MaxPrice {
            prompt: None,
            completion: Some(usd("3")),
        }),
        variant: Some(Variant::Floor),
        ..ProviderPrefs::default()
    };
    assert_eq!(
        column.merged_over(&shared),
        ProviderPrefs {
            sort: Some(ProviderSort::Latency),
            order: vec![],
            only: vec!["openai".into()],
            ignore: vec!["x".into()],
            allow_fallbacks: None,
            deny_data_collection: Some(true),
            max_price: Some(MaxPrice {
                prompt: Some(usd("1")),
                completion: Some(usd("3")),
            }),
            variant: Some(Variant::Floor),
        }
    );
    assert_eq!(ProviderPrefs::default().merged_over(&shared), shared);
    assert_eq!(shared.merged_over(&ProviderPrefs::default()), shared);
}

#[test]
fn variants_append_once() {
    let prefs = |variant| ProviderPrefs {
        variant: Some(variant),
        ..ProviderPrefs::default()
    };
    assert_eq!(
        prefs(Variant::Free).apply_variant("meta-llama/llama-3.1-8b-instruct"),
        "meta-llama/llama-3.1-8b-instruct:free"
    );
    assert_eq!(
        prefs(Variant::Free).apply_variant("meta-llama/llama-3.1-8b-instruct:free"),
        "meta-llama/llama-3.1-8b-instruct:free"
    );
    assert_eq!(
        prefs(Variant::Nitro).apply_variant("openai/gpt-4o"),
        "openai/gpt-4o:nitro"
    );
    assert_eq!(
        prefs(Variant::Floor).apply_variant("openai/gpt-4o"),
        "openai/gpt-4o:floor"
    );
    assert_eq!(
        prefs(Variant::Online).apply_variant("openai/gpt-4o"),
        "openai/gpt-4o:online"
    );
    assert_eq!(
        ProviderPrefs::default().apply_variant("openai/gpt-4o"),
        "openai/gpt-4o"
    );
}

#[test]
fn summary_reads_as_one_line() {
    assert_eq!(
        full().summary(),
        "sort throughput · order openai,azure · only openai · ignore deepinfra · no fallbacks \
         · no data collection · ≤ $1/$2.5 per 1M · :nitro"
    );
    assert_eq!(ProviderPrefs::default().summary(), "");
}

#[test]
fn parses_from_toml_with_typos_reported() {
    let prefs: ProviderPrefs = toml::from_str(
        "sort = \"price\"\nonly = [\"openai\"]\nvariant = \"free\"\nmax_price = { prompt = 1, completion = 2 }\n",
    )
    .expect("parses");
    assert_eq!(prefs.sort, Some(ProviderSort::Price));
    assert_eq!(prefs.variant, Some(Variant::Free));
    assert_eq!(prefs.max_price.and_then(|m| m.completion), Some(usd("2")));
    let err = toml::from_str::<ProviderPrefs>("sortt = \"price\"\n").expect_err("typo");
    assert!(err.to_string().contains("sortt"), "{err}");
    let err = toml::from_str::<ProviderPrefs>("sort = \"fastest\"\n").expect_err("bad value");
    assert!(err.to_string().contains("fastest"), "{err}");
}

#[test]
fn max_price_pairs() {
    assert_eq!(
        MaxPrice::parse_pair("1, 2.5"),
        Ok(MaxPrice {
            prompt: Some(usd("1")),
            completion: Some(usd("2.5"))
        })
    );
    for bad in [
        "1",
        "1,2,3",
        "-1,2",
        "a,b",
        "1,inf",
        "NaN,1",
        "1,1000001",
        "",
    ] {
        assert!(MaxPrice::parse_pair(bad).is_err(), "{bad}");
    }
}

#[test]
fn sorts_and_variants_from_text() {
    assert_eq!("Throughput".parse(), Ok(ProviderSort::Throughput));
    assert!("fast".parse::<ProviderSort>().is_err());
    assert_eq!(":nitro".parse(), Ok(Variant::Nitro));
    assert!("extended".parse::<Variant>().is_err());
}

#[test]
fn pinning_keeps_privacy_price_and_variant_and_drops_the_routing_choices() {
    let mut prefs = ProviderPrefs {
        sort: Some(ProviderSort::Price),
        order: vec!["openai".into()],
        only: vec!["azure".into()],
        ignore: vec!["groq".into()],
        allow_fallbacks: Some(true),
        deny_data_collection: Some(true),
        max_price: Some(MaxPrice {
            prompt: Some(usd("1")),
            completion: None,
        }),
        variant: Some(Variant::Free),
    };
    prefs.pin_to("groq");
    assert_eq!(
        prefs.provider_object(),
        Some(serde_json::json!({
            "only": ["groq"], "allow_fallbacks": false, "data_collection": "deny",
            "max_price": {"prompt": "1"}
        }))
    );
    assert_eq!(prefs.variant, Some(Variant::Free));
}
