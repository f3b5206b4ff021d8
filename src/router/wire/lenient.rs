//! The leniency that keeps a chunk whole: lone UTF-16 surrogates repaired
//! before parsing, and text fields that hold something else read as absent.

use serde::de::IgnoredAny;

/// Replaces every `\uXXXX` escape of a surrogate that is not half of a
/// pair with `\ufffd`; None when there is none (the usual case).
pub fn repair_lone_surrogates(json: &str) -> Option<String> {
    if !json.contains("\\u") {
        return None;
    }
    let bytes = json.as_bytes();
    let surrogate = |at: usize| -> Option<u16> {
        let hex = json.get(at + 2..at + 6)?;
        (bytes.get(at) == Some(&b'\\') && bytes.get(at + 1) == Some(&b'u'))
            .then(|| u16::from_str_radix(hex, 16).ok())
            .flatten()
            .filter(|unit| (0xD800..=0xDFFF).contains(unit))
    };
    let mut out: Option<String> = None;
    let mut copied = 0;
    let mut in_string = false;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => in_string = !in_string,
            b'\\' if in_string => {
                if let Some(unit) = surrogate(at) {
                    let paired =
                        unit < 0xDC00 && surrogate(at + 6).is_some_and(|low| low >= 0xDC00);
                    if paired {
                        at += 12;
                        continue;
                    }
                    let text = out.get_or_insert_with(|| String::with_capacity(json.len()));
                    text.push_str(&json[copied..at]);
                    text.push_str("\\ufffd");
                    at += 6;
                    copied = at;
                    continue;
                }
                // Any other escape: skip the escaped character.
                at += 2;
                continue;
            }
            _ => {}
        }
        at += 1;
    }
    let mut text = out?;
    text.push_str(&json[copied..]);
    Some(text)
}

/// A text field that holds something else (a number, an object) is absent,
/// not a reason to drop the chunk. (A visitor, not an untagged enum: the
/// text of every chunk passes here, and nothing is buffered.)
pub(super) fn lenient_text<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    struct Text;

    impl<'de> serde::de::Visitor<'de> for Text {
        type Value = Option<String>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("any JSON value")
        }

        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
            Ok(Some(text.to_string()))
        }

        fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Self::Value, E> {
            Ok(Some(text))
        }

        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: serde::Deserializer<'de>>(
            self,
            inner: D,
        ) -> Result<Self::Value, D::Error> {
            inner.deserialize_any(Text)
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            Ok(None)
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(
            self,
            mut map: A,
        ) -> Result<Self::Value, A::Error> {
            while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
            Ok(None)
        }
    }

    deserializer.deserialize_any(Text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_lone_surrogates_are_repaired() {
        assert_eq!(repair_lone_surrogates(r#"{"a":"plain"}"#), None);
        assert_eq!(repair_lone_surrogates(r#"{"a":"\ud83d\ude00"}"#), None);
        assert_eq!(repair_lone_surrogates(r#"{"a":"\\ud800"}"#), None);
        assert_eq!(
            repair_lone_surrogates(r#"{"a":"x\uD800y\udfff"}"#).as_deref(),
            Some(r#"{"a":"x\ufffdy\ufffd"}"#)
        );
    }

    proptest::proptest! {
        #[test]
        fn repaired_strings_always_parse(text in "\\PC{0,12}", units in proptest::collection::vec(0xD700u16..0xE000, 0..4)) {
            let mut json = serde_json::to_string(&text).expect("json");
            json.pop();
            for unit in units {
                json.push_str(&format!("\\u{unit:04x}"));
            }
            json.push('"');
            let repaired = repair_lone_surrogates(&json).unwrap_or(json);
            proptest::prop_assert!(serde_json::from_str::<String>(&repaired).is_ok(), "{}", repaired);
        }
    }
}
