//! Every colour and text style of the workbench, in one place. With
//! `NO_COLOR` set, styles keep their modifiers (bold, dim, reverse,
//! underline) and drop every colour.

use ratatui::style::{Color, Modifier, Style};

/// The roles text can play; views name a role, the theme decides its look.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextStyle {
    Plain,
    Dim,
    Heading,
    Strong,
    Emphasis,
    Strike,
    /// Inline `code`.
    Code,
    /// Lines of a fenced code block (the whole row gets the background).
    CodeBlock,
    /// The ```lang line of a fence.
    CodeFence,
    Quote,
    ListMarker,
    Link,
    Rule,
    /// The user's prompt, echoed at the top of each turn.
    Prompt,
    Reasoning,
    /// The header row of a reasoning block ("▾ reasoning").
    ReasoningHeader,
    Error,
    Notice,
    /// Words the other answer has and this one lacks (diff view).
    Added,
    /// Words this answer has and the other lacks (diff view).
    Removed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Theme {
    pub colour: bool,
}

impl Theme {
    /// Honours `NO_COLOR` (any non-empty value), as https://no-color.org asks.
    pub fn from_env() -> Theme {
        let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Theme { colour: !no_colour }
    }

    pub fn colour() -> Theme {
        Theme { colour: true }
    }

    pub fn monochrome() -> Theme {
        Theme { colour: false }
    }

    fn fg(&self, style: Style, colour: Color) -> Style {
        if self.colour { style.fg(colour) } else { style }
    }

    fn bg(&self, style: Style, colour: Color) -> Style {
        if self.colour { style.bg(colour) } else { style }
    }

    pub fn text(&self, role: TextStyle) -> Style {
        let base = Style::default();
        match role {
            TextStyle::Plain => base,
            TextStyle::Dim => base.add_modifier(Modifier::DIM),
            TextStyle::Heading => self.fg(base.add_modifier(Modifier::BOLD), Color::Cyan),
            TextStyle::Strong => base.add_modifier(Modifier::BOLD),
            TextStyle::Emphasis => base.add_modifier(Modifier::ITALIC),
            TextStyle::Strike => base.add_modifier(Modifier::CROSSED_OUT),
            TextStyle::Code => self.fg(base, Color::Yellow),
            TextStyle::CodeBlock => self.bg(self.fg(base, Color::Yellow), Color::Rgb(40, 40, 40)),
            TextStyle::CodeFence => base.add_modifier(Modifier::DIM),
            TextStyle::Quote => self.fg(base.add_modifier(Modifier::ITALIC), Color::Gray),
            TextStyle::ListMarker => self.fg(base, Color::Cyan),
            TextStyle::Link => self.fg(base.add_modifier(Modifier::UNDERLINED), Color::Blue),
            TextStyle::Rule => base.add_modifier(Modifier::DIM),
            TextStyle::Prompt => self.fg(base.add_modifier(Modifier::BOLD), Color::Magenta),
            TextStyle::Reasoning => self.fg(base.add_modifier(Modifier::DIM), Color::Gray),
            TextStyle::ReasoningHeader => self.fg(base.add_modifier(Modifier::DIM), Color::Cyan),
            TextStyle::Error => self.fg(base.add_modifier(Modifier::BOLD), Color::Red),
            TextStyle::Notice => self.fg(base, Color::Yellow),
            TextStyle::Added => self.fg(base.add_modifier(Modifier::UNDERLINED), Color::Green),
            TextStyle::Removed => self.fg(base.add_modifier(Modifier::CROSSED_OUT), Color::Red),
        }
    }

    /// Borders and titles.
    pub fn border(&self, focused: bool) -> Style {
        if focused {
            self.fg(Style::default().add_modifier(Modifier::BOLD), Color::Cyan)
        } else {
            self.fg(Style::default(), Color::DarkGray)
        }
    }

    pub fn title(&self) -> Style {
        Style::default().add_modifier(Modifier::BOLD)
    }

    /// Pane states in titles: done is calm, errors stand out, live states move.
    pub fn state(&self, state: PaneStateStyle) -> Style {
        let base = Style::default();
        match state {
            PaneStateStyle::Idle => base.add_modifier(Modifier::DIM),
            PaneStateStyle::Live => self.fg(base, Color::Yellow),
            PaneStateStyle::Done => self.fg(base, Color::Green),
            PaneStateStyle::Failed => self.fg(base.add_modifier(Modifier::BOLD), Color::Red),
        }
    }

    /// The selected row of a list (picker, session browser).
    pub fn selected(&self) -> Style {
        if self.colour {
            Style::default()
                .bg(Color::Rgb(50, 60, 80))
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().add_modifier(Modifier::REVERSED)
        }
    }

    /// Letters of a fuzzy match.
    pub fn matched(&self) -> Style {
        self.fg(Style::default().add_modifier(Modifier::BOLD), Color::Yellow)
    }

    /// Key names in hints and help.
    pub fn key(&self) -> Style {
        self.fg(Style::default().add_modifier(Modifier::BOLD), Color::Cyan)
    }

    pub fn hint(&self) -> Style {
        Style::default().add_modifier(Modifier::DIM)
    }

    pub fn warning(&self) -> Style {
        self.fg(Style::default(), Color::Yellow)
    }

    pub fn error(&self) -> Style {
        self.text(TextStyle::Error)
    }

    pub fn free(&self) -> Style {
        self.fg(Style::default(), Color::Green)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaneStateStyle {
    Idle,
    Live,
    Done,
    Failed,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monochrome_keeps_modifiers_and_drops_colour() {
        let mono = Theme::monochrome();
        for role in [
            TextStyle::Heading,
            TextStyle::CodeBlock,
            TextStyle::Error,
            TextStyle::Link,
        ] {
            let style = mono.text(role);
            assert_eq!(style.fg, None, "{role:?}");
            assert_eq!(style.bg, None, "{role:?}");
        }
        assert!(
            mono.text(TextStyle::Heading)
                .add_modifier
                .contains(Modifier::BOLD)
        );
        assert!(mono.selected().add_modifier.contains(Modifier::REVERSED));
    }
}
