//! Request parameters: shared ones for every pane, overrides per pane, and
//! the small form that edits either. Empty fields mean "not set" (the
//! server's default, or for a pane, the shared value).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{TextArea, WrapMode};

use crate::router::ChatParams;

use super::state::PaneId;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Params {
    pub system: Option<String>,
    pub temperature: Option<f64>,
    pub max_tokens: Option<u32>,
}

impl Params {
    /// This pane's values where set, else the shared ones.
    pub fn over(&self, shared: &Params) -> Params {
        Params {
            system: self.system.clone().or_else(|| shared.system.clone()),
            temperature: self.temperature.or(shared.temperature),
            max_tokens: self.max_tokens.or(shared.max_tokens),
        }
    }

    pub fn chat_params(&self) -> ChatParams {
        ChatParams {
            temperature: self.temperature,
            max_tokens: self.max_tokens,
            ..ChatParams::default()
        }
    }

    pub fn is_empty(&self) -> bool {
        *self == Params::default()
    }

    /// "temp 0.7 · max 512 · system" for titles and the footer.
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
}

impl Field {
    pub const ALL: [Field; 3] = [Field::System, Field::Temperature, Field::MaxTokens];

    pub fn label(self) -> &'static str {
        match self {
            Field::System => "System prompt",
            Field::Temperature => "Temperature (0-2)",
            Field::MaxTokens => "Max tokens",
        }
    }
}

#[derive(Clone, Debug)]
pub struct ParamsForm {
    pub scope: ParamsScope,
    /// For a pane: its model, shown in the title.
    pub title: String,
    pub fields: [TextArea<'static>; 3],
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

impl ParamsForm {
    pub fn new(scope: ParamsScope, title: String, current: &Params) -> ParamsForm {
        let system = current
            .system
            .clone()
            .unwrap_or_default()
            .replace('\n', " ");
        let mut form = ParamsForm {
            scope,
            title,
            fields: [
                field(&system),
                field(
                    &current
                        .temperature
                        .map(|t| t.to_string())
                        .unwrap_or_default(),
                ),
                field(
                    &current
                        .max_tokens
                        .map(|m| m.to_string())
                        .unwrap_or_default(),
                ),
            ],
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
        self.fields[index].lines().join(" ").trim().to_string()
    }

    /// Keys: Tab/Shift+Tab (or Up/Down) move between fields, Enter applies, Esc cancels.
    pub fn handle_key(&mut self, key: KeyEvent) -> FormOutcome {
        match key.code {
            KeyCode::Esc => return FormOutcome::Cancel,
            KeyCode::Enter => {
                return match self.parse() {
                    Ok(params) => FormOutcome::Apply(params),
                    Err(message) => {
                        self.error = Some(message);
                        FormOutcome::Continue
                    }
                };
            }
            KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1) % self.fields.len();
                self.show_focus();
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
                self.show_focus();
            }
            _ if key.modifiers.contains(KeyModifiers::CONTROL)
                && matches!(key.code, KeyCode::Char('j') | KeyCode::Char('m')) => {}
            _ => {
                self.fields[self.focus].input(key);
                self.error = None;
            }
        }
        FormOutcome::Continue
    }

    pub fn parse(&self) -> Result<Params, String> {
        let system = Some(self.value(Field::System)).filter(|s| !s.is_empty());
        let temperature = match self.value(Field::Temperature) {
            text if text.is_empty() => None,
            text => match text.parse::<f64>() {
                Ok(t) if t.is_finite() && (0.0..=2.0).contains(&t) => Some(t),
                _ => return Err(format!("temperature '{text}' must be a number from 0 to 2")),
            },
        };
        let max_tokens = match self.value(Field::MaxTokens) {
            text if text.is_empty() => None,
            text => match text.parse::<u32>() {
                Ok(n) if n > 0 => Some(n),
                _ => {
                    return Err(format!(
                        "max tokens '{text}' must be a whole number above 0"
                    ));
                }
            },
        };
        Ok(Params {
            system,
            temperature,
            max_tokens,
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
            form.handle_key(key(KeyCode::Char(c)));
        }
    }

    #[test]
    fn pane_values_override_shared_ones() {
        let shared = Params {
            system: Some("be brief".into()),
            temperature: Some(0.7),
            max_tokens: None,
        };
        let pane = Params {
            temperature: Some(0.0),
            max_tokens: Some(99),
            ..Params::default()
        };
        assert_eq!(
            pane.over(&shared),
            Params {
                system: Some("be brief".into()),
                temperature: Some(0.0),
                max_tokens: Some(99),
            }
        );
        assert_eq!(pane.summary(), "temp 0 · max 99");
    }

    #[test]
    fn the_form_edits_and_validates() {
        let mut form = ParamsForm::new(ParamsScope::All, "all panes".into(), &Params::default());
        type_text(&mut form, "You are terse.");
        form.handle_key(key(KeyCode::Tab));
        type_text(&mut form, "3");
        assert_eq!(form.handle_key(key(KeyCode::Enter)), FormOutcome::Continue);
        assert!(form.error.as_deref().is_some_and(|e| e.contains("0 to 2")));
        form.handle_key(key(KeyCode::Backspace));
        type_text(&mut form, "0.2");
        form.handle_key(key(KeyCode::Tab));
        type_text(&mut form, "256");
        assert_eq!(
            form.handle_key(key(KeyCode::Enter)),
            FormOutcome::Apply(Params {
                system: Some("You are terse.".into()),
                temperature: Some(0.2),
                max_tokens: Some(256),
            })
        );
        assert_eq!(form.handle_key(key(KeyCode::Esc)), FormOutcome::Cancel);
    }

    #[test]
    fn empty_fields_mean_unset() {
        let current = Params {
            temperature: Some(1.0),
            ..Params::default()
        };
        let mut form = ParamsForm::new(ParamsScope::All, "all".into(), &current);
        form.handle_key(key(KeyCode::Tab));
        form.handle_key(key(KeyCode::Backspace));
        form.handle_key(key(KeyCode::Backspace));
        form.handle_key(key(KeyCode::Backspace));
        assert_eq!(
            form.handle_key(key(KeyCode::Enter)),
            FormOutcome::Apply(Params::default())
        );
    }
}
