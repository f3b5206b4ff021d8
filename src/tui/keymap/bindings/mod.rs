//! The table of every binding, context by context: the workbench's and the
//! overlays'. Hint ranks order the footer: a context's own hints come
//! before the workbench's (10 and up).

mod overlays;
mod readline;
mod workbench;

use crossterm::event::{KeyCode, KeyModifiers};

use super::{Action, Binding, Context, Does, Hint, Key};

pub(super) const fn key(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::NONE,
    }
}

pub(super) const fn ctrl(c: char) -> Key {
    Key {
        code: KeyCode::Char(c),
        modifiers: KeyModifiers::CONTROL,
    }
}

pub(super) const fn ctrl_key(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::CONTROL,
    }
}

pub(super) const fn alt(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::ALT,
    }
}

pub(super) const fn shift(code: KeyCode) -> Key {
    Key {
        code,
        modifiers: KeyModifiers::SHIFT,
    }
}

pub(super) const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

pub(super) const DIGITS: &[Key] = &[
    ch('1'),
    ch('2'),
    ch('3'),
    ch('4'),
    ch('5'),
    ch('6'),
    ch('7'),
    ch('8'),
    ch('9'),
];

pub(super) const fn bind(
    context: Context,
    keys: &'static [Key],
    action: Action,
    label: &'static str,
    help: &'static str,
) -> Binding {
    Binding {
        context,
        keys,
        does: Does::One(action),
        label,
        help,
        hint: None,
    }
}

/// A binding of the keys "1" to "9" whose `n`-th key does `nth(n)`.
pub(super) const fn numbered(
    context: Context,
    keys: &'static [Key],
    nth: fn(usize) -> Action,
    label: &'static str,
    help: &'static str,
) -> Binding {
    Binding {
        context,
        keys,
        does: Does::Nth(nth),
        label,
        help,
        hint: None,
    }
}

impl Binding {
    pub(super) const fn hint(
        mut self,
        keys: &'static str,
        word: &'static str,
        rank: u8,
    ) -> Binding {
        self.hint = Some(Hint::new(keys, word, rank));
        self
    }
}

/// Every binding: the workbench's, then the overlays', then readline's
/// keys of the text fields (a context's own bindings match first).
pub fn all() -> impl Iterator<Item = &'static Binding> {
    workbench::BINDINGS
        .iter()
        .chain(overlays::BINDINGS)
        .chain(&readline::EDITOR)
        .chain(&readline::RENAME)
}

/// The mouse, for help.
pub const MOUSE: &[(&str, &str)] = &[
    ("wheel", "scroll the pane under the pointer"),
    ("click", "focus a pane or the prompt"),
];
