//! Request parameters: shared ones for every pane, overrides per pane, and
//! the form that edits either: system prompt, temperature, max tokens and
//! OpenRouter's provider preferences. Empty fields mean "not set" (the
//! server's default, or for a pane, the shared value).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{TextArea, WrapMode};
use rust_decimal::Decimal;

use crate::router::ChatParams;
use crate::router::preferences::{MaxPrice, ProviderPrefs, ProviderSort, Variant, usd_text};

use super::ids::PaneId;
use super::keymap::FormAction;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    pub system: Option<String>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
    /// OpenRouter provider preferences (other servers never see them).
    pub prefs: ProviderPrefs,
}

impl Params {
    /// This pane's values where set, else the shared ones.
    pub fn over(&self, shared: &Params) -> Params {
        Params {
            system: self.system.clone().or_else(|| shared.system.clone()),
            temperature: self.temperature.or(shared.temperature),
            max_tokens: self.max_tokens.or(shared.max_tokens),
            prefs: self.prefs.merged_over(&shared.prefs),
        }
    }

    pub fn chat_params(&self) -> ChatParams {
        let mut params = ChatParams {
            temperature: self.temperature,
            max_tokens: self.max_tokens,
            ..ChatParams::default()
        };
        *params.provider_prefs = self.prefs.clone();
        params
    }

    pub fn is_empty(&self) -> bool {
        *self == Params::default()
    }

    /// "temp 0.7 · max 512 · system · sort throughput" for titles and the footer.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if let Some(t) = self.temperature {
            parts.push(format!("temp {t}"));
        }
        if let Some(m) = self.max_tokens {
            parts.push(format!("max {m}"));
        }
        if self.system.as_deref().is_some_and(|s| !s.trim().is_empty()) {
            parts.push("system".to_string());
        }
        if !self.prefs.is_empty() {
            parts.push(self.prefs.summary());
        }
        parts.join(" · ")
    }
}

/// Which parameters the form edits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamsScope {
    All,
    Pane(PaneId),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Field {
    System,
    Temperature,
    MaxTokens,
    Sort,
    Order,
    Only,
    Ignore,
    AllowFallbacks,
    DenyDataCollection,
    MaxPrice,
    Variant,
}

impl Field {
    pub const ALL: [Field; 11] = [
        Field::System,
        Field::Temperature,
        Field::MaxTokens,
        Field::Sort,
        Field::Order,
        Field::Only,
        Field::Ignore,
        Field::AllowFallbacks,
        Field::DenyDataCollection,
        Field::MaxPrice,
        Field::Variant,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Field::System => "System prompt",
            Field::Temperature => "Temperature (0-2)",
            Field::MaxTokens => "Max tokens",
            Field::Sort => "OpenRouter: sort upstreams by (price, throughput, latency)",
            Field::Order => "OpenRouter: try upstreams in this order (comma-separated)",
            Field::Only => "OpenRouter: only these upstreams",
            Field::Ignore => "OpenRouter: never these upstreams",
            Field::AllowFallbacks => "OpenRouter: allow other upstreams (yes/no)",
            Field::DenyDataCollection => {
                "OpenRouter: refuse upstreams that store or train on prompts (yes/no)"
            }
            Field::MaxPrice => "OpenRouter: max price, USD per 1M tokens in,out (e.g. 1,2)",
            Field::Variant => "OpenRouter: variant (free, nitro, floor, online)",
        }
    }

    /// The system prompt gets three rows; every other field one.
    pub fn rows(self) -> u16 {
        if self == Field::System { 3 } else { 1 }
    }
}

#[derive(Clone, Debug)]
pub struct ParamsForm {
    pub scope: ParamsScope,
    /// For a pane: its model, shown in the title.
    pub title: String,
    pub fields: Vec<TextArea<'static>>,
    pub focus: usize,
    pub error: Option<String>,
}

/// What a key did to the form.
#[derive(Clone, Debug, PartialEq)]
pub enum FormOutcome {
    Continue,
    Cancel,
    Apply(Params),
}

fn field(text: &str) -> TextArea<'static> {
    let mut area = TextArea::new(vec![text.to_string()]);
    area.set_wrap_mode(WrapMode::Word);
    area.move_cursor(ratatui_textarea::CursorMove::End);
    area
}

fn list(items: &[String]) -> String {
    items.join(", ")
}

fn yes_no(value: Option<bool>) -> String {
    match value {
        Some(true) => "yes".into(),
        Some(false) => "no".into(),
        None => String::new(),
    }
}

fn number(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

fn price(value: Option<Decimal>) -> String {
    value.map(usd_text).unwrap_or_default()
}

impl ParamsForm {
    pub fn new(scope: ParamsScope, title: String, current: &Params) -> ParamsForm {
        let prefs = &current.prefs;
        let values: Vec<String> = Field::ALL
            .iter()
            .map(|f| match f {
                Field::System => current
                    .system
                    .clone()
                    .unwrap_or_default()
                    .replace('\n', " "),
                Field::Temperature => number(current.temperature),
                Field::MaxTokens => current
                    .max_tokens
                    .map(|m| m.to_string())
                    .unwrap_or_default(),
                Field::Sort => prefs
                    .sort
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                Field::Order => list(&prefs.order),
                Field::Only => list(&prefs.only),
                Field::Ignore => list(&prefs.ignore),
                Field::AllowFallbacks => yes_no(prefs.allow_fallbacks),
                Field::DenyDataCollection => yes_no(prefs.deny_data_collection),
                Field::MaxPrice => prefs
                    .max_price
                    .as_ref()
                    .map(|p| format!("{},{}", price(p.prompt), price(p.completion)))
                    .unwrap_or_default(),
                Field::Variant => prefs
                    .variant
                    .map(|v| v.as_str().to_string())
                    .unwrap_or_default(),
            })
            .collect();
        let mut form = ParamsForm {
            scope,
            title,
            fields: values.iter().map(|v| field(v)).collect(),
            focus: 0,
            error: None,
        };
        form.show_focus();
        form
    }

    /// Only the focused field shows a cursor; every field is underlined so
    /// empty ones are still visible.
    fn show_focus(&mut self) {
        for (index, field) in self.fields.iter_mut().enumerate() {
            let cursor = if index == self.focus {
                Style::default().add_modifier(Modifier::REVERSED)
            } else {
                Style::default()
            };
            field.set_cursor_style(cursor);
            field.set_style(Style::default().add_modifier(Modifier::UNDERLINED));
        }
    }

    pub fn value(&self, field: Field) -> String {
        let index = Field::ALL.iter().position(|f| *f == field).unwrap_or(0);
        self.fields
            .get(index)
            .map(|f| f.lines().join(" ").trim().to_string())
            .unwrap_or_default()
    }

    /// Moves between fields, applies (when every field parses) or cancels.
    pub fn apply(&mut self, action: FormAction) -> FormOutcome {
        let count = self.fields.len().max(1);
        match action {
            FormAction::Cancel => return FormOutcome::Cancel,
            FormAction::Apply => {
                return match self.parse() {
                    Ok(params) => FormOutcome::Apply(params),
                    Err(message) => {
                        self.error = Some(message);
                        FormOutcome::Continue
                    }
                };
            }
            FormAction::NextField => self.focus = (self.focus + 1) % count,
            FormAction::PrevField => self.focus = (self.focus + count - 1) % count,
        }
        self.show_focus();
        FormOutcome::Continue
    }

    /// A key no binding names goes to the focused field; fields are one
    /// line, so Ctrl+J and Ctrl+M (newlines) are dropped.
    pub fn input(&mut self, key: KeyEvent) {
        let newline = key.modifiers.contains(KeyModifiers::CONTROL)
            && matches!(key.code, KeyCode::Char('j' | 'm'));
        if newline {
            return;
        }
        if let Some(field) = self.fields.get_mut(self.focus) {
            field.input(key);
        }
        self.error = None;
    }

    pub fn parse(&self) -> Result<Params, String> {
        let text = |f: Field| Some(self.value(f)).filter(|s| !s.is_empty());
        let list = |f: Field| -> Vec<String> {
            self.value(f)
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        let yes_no = |f: Field| -> Result<Option<bool>, String> {
            match self.value(f).to_ascii_lowercase().as_str() {
                "" => Ok(None),
                "yes" | "y" | "true" | "on" => Ok(Some(true)),
                "no" | "n" | "false" | "off" => Ok(Some(false)),
                other => Err(format!("{}: '{other}' should be yes or no", f.label())),
            }
        };
        let temperature = match text(Field::Temperature) {
            None => None,
            Some(text) => match text.parse::<f64>() {
                Ok(t) if t.is_finite() && (0.0..=2.0).contains(&t) => Some(t),
                _ => return Err(format!("temperature '{text}' must be a number from 0 to 2")),
            },
        };
        let max_tokens = match text(Field::MaxTokens) {
            None => None,
            Some(text) => match text.parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    return Err(format!(
                        "max tokens '{text}' must be a whole number above 0"
                    ));
                }
            },
        };
        let sort = match text(Field::Sort) {
            None => None,
            Some(text) => Some(text.parse::<ProviderSort>()?),
        };
        let variant = match text(Field::Variant) {
            None => None,
            Some(text) => Some(text.parse::<Variant>()?),
        };
        let max_price = match text(Field::MaxPrice) {
            None => None,
            Some(text) => Some(MaxPrice::parse_pair(&text)?),
        };
        let prefs = ProviderPrefs {
            sort,
            order: list(Field::Order),
            only: list(Field::Only),
            ignore: list(Field::Ignore),
            allow_fallbacks: yes_no(Field::AllowFallbacks)?,
            deny_data_collection: yes_no(Field::DenyDataCollection)?,
            max_price,
            variant,
        };
        Ok(Params {
            system: text(Field::System),
            temperature,
            max_tokens,
            prefs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn type_text(form: &mut ParamsForm, text: &str) {
        for c in text.chars() {
            form.input(key(KeyCode::Char(c)));
        }
    }

    fn go_to(form: &mut ParamsForm, field: Field) {
        while Field::ALL[form.focus] != field {
            form.apply(FormAction::NextField);
        }
    }

    #[test]
    fn pane_values_override_shared_ones() {
        let shared = Params {
            system: Some("be brief".into()),
            temperature: Some(0.7),
            max_tokens: None,
            prefs: ProviderPrefs {
                only: vec!["openai".into()],
                ..ProviderPrefs::default()
            },
        };
        let pane = Params {
            temperature: Some(0.0),
            max_tokens: Some(99),
            prefs: ProviderPrefs {
                sort: Some(ProviderSort::Throughput),
                ..ProviderPrefs::default()
            },
            ..Params::default()
        };
        let merged = pane.over(&shared);
        assert_eq!(merged.system.as_deref(), Some("be brief"));
        assert_eq!(merged.temperature, Some(0.0));
        assert_eq!(merged.max_tokens, Some(99));
        assert_eq!(merged.prefs.sort, Some(ProviderSort::Throughput));
        assert_eq!(merged.prefs.only, vec!["openai".to_string()]);
        assert_eq!(pane.summary(), "temp 0 · max 99 · sort throughput");
        assert_eq!(
            merged.chat_params().provider_prefs.sort,
            Some(ProviderSort::Throughput)
        );
    }

    #[test]
    fn the_form_edits_and_validates() {
        let mut form = ParamsForm::new(ParamsScope::All, "all panes".into(), &Params::default());
        type_text(&mut form, "You are terse.");
        form.apply(FormAction::NextField);
        type_text(&mut form, "3");
        assert_eq!(form.apply(FormAction::Apply), FormOutcome::Continue);
        assert!(form.error.as_deref().is_some_and(|e| e.contains("0 to 2")));
        form.input(key(KeyCode::Backspace));
        type_text(&mut form, "0.2");
        form.apply(FormAction::NextField);
        type_text(&mut form, "256");
        go_to(&mut form, Field::Sort);
        type_text(&mut form, "throughput");
        go_to(&mut form, Field::Only);
        type_text(&mut form, "openai, azure");
        go_to(&mut form, Field::DenyDataCollection);
        type_text(&mut form, "yes");
        go_to(&mut form, Field::MaxPrice);
        type_text(&mut form, "1,2");
        go_to(&mut form, Field::Variant);
        type_text(&mut form, "nitro");
        let FormOutcome::Apply(params) = form.apply(FormAction::Apply) else {
            panic!("{:?}", form.error);
        };
        assert_eq!(params.system.as_deref(), Some("You are terse."));
        assert_eq!(params.temperature, Some(0.2));
        assert_eq!(params.max_tokens, Some(256));
        assert_eq!(params.prefs.sort, Some(ProviderSort::Throughput));
        assert_eq!(
            params.prefs.only,
            vec!["openai".to_string(), "azure".to_string()]
        );
        assert_eq!(params.prefs.deny_data_collection, Some(true));
        assert_eq!(params.prefs.variant, Some(Variant::Nitro));
        assert!(params.prefs.max_price.is_some());
        // And it round-trips through a new form.
        let again = ParamsForm::new(ParamsScope::All, "all".into(), &params);
        assert_eq!(again.parse(), Ok(params));
        assert_eq!(form.apply(FormAction::Cancel), FormOutcome::Cancel);
    }

    #[test]
    fn bad_preferences_say_what_is_wrong() {
        let mut form = ParamsForm::new(ParamsScope::All, "all".into(), &Params::default());
        go_to(&mut form, Field::AllowFallbacks);
        type_text(&mut form, "maybe");
        assert_eq!(form.apply(FormAction::Apply), FormOutcome::Continue);
        assert!(
            form.error
                .as_deref()
                .is_some_and(|e| e.contains("yes or no")),
            "{:?}",
            form.error
        );
    }

    #[test]
    fn empty_fields_mean_unset() {
        let current = Params {
            temperature: Some(1.0),
            ..Params::default()
        };
        let mut form = ParamsForm::new(ParamsScope::All, "all".into(), &current);
        form.apply(FormAction::NextField);
        form.input(key(KeyCode::Backspace));
        form.input(key(KeyCode::Backspace));
        form.input(key(KeyCode::Backspace));
        assert_eq!(
            form.apply(FormAction::Apply),
            FormOutcome::Apply(Params::default())
        );
    }
}
