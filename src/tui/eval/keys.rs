//! The live eval view's keys, as data: the reducer looks keys up here, and
//! help, the footer's hints and the README's table are read from the same
//! table, so what is documented is what works.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// What a key does in the view.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Act {
    Quit,
    /// Stop at once (Ctrl+C): cancels a run that goes on.
    Interrupt,
    Help,
    /// Up and down: the cursor in the grid, scrolling elsewhere.
    Move(Move),
    Left,
    Right,
    Open,
    Chart,
    Workbench,
    Close,
    PrevRepeat,
    NextRepeat,
    PrevCase,
    NextCase,
    ToggleDiff,
}

/// A step up or down, whatever it moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Move {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
}

/// Where a binding applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// Everywhere in the view.
    Always,
    Grid,
    Case,
    /// Help and the chart.
    Overlay,
}

impl Place {
    pub const ALL: [Place; 4] = [Place::Grid, Place::Case, Place::Overlay, Place::Always];

    pub fn title(self) -> &'static str {
        match self {
            Place::Always => "Eval, anywhere",
            Place::Grid => "Eval grid",
            Place::Case => "Eval case",
            Place::Overlay => "Eval help and chart",
        }
    }
}

pub struct Binding {
    pub place: Place,
    pub keys: &'static [(KeyCode, KeyModifiers)],
    pub act: Act,
    pub label: &'static str,
    pub help: &'static str,
    /// The footer's short word, when it has one.
    pub hint: Option<&'static str>,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

const fn ch(c: char) -> (KeyCode, KeyModifiers) {
    (KeyCode::Char(c), NONE)
}

const fn key(code: KeyCode) -> (KeyCode, KeyModifiers) {
    (code, NONE)
}

macro_rules! bind {
    ($place:ident, [$($key:expr),+], Move($step:ident), $label:literal, $help:literal, $hint:expr) => {
        Binding {
            place: Place::$place,
            keys: &[$($key),+],
            act: Act::Move(Move::$step),
            label: $label,
            help: $help,
            hint: $hint,
        }
    };
    ($place:ident, [$($key:expr),+], $act:ident, $label:literal, $help:literal, $hint:expr) => {
        Binding {
            place: Place::$place,
            keys: &[$($key),+],
            act: Act::$act,
            label: $label,
            help: $help,
            hint: $hint,
        }
    };
}

pub const BINDINGS: &[Binding] = &[
    bind!(
        Grid,
        [key(KeyCode::Up), ch('k')],
        Move(Up),
        "↑ k",
        "previous case",
        None
    ),
    bind!(
        Grid,
        [key(KeyCode::Down), ch('j')],
        Move(Down),
        "↓ j",
        "next case",
        Some("move")
    ),
    bind!(
        Grid,
        [key(KeyCode::PageUp)],
        Move(PageUp),
        "PgUp",
        "a page of cases up",
        None
    ),
    bind!(
        Grid,
        [key(KeyCode::PageDown)],
        Move(PageDown),
        "PgDn",
        "a page of cases down",
        None
    ),
    bind!(
        Grid,
        [key(KeyCode::Home), ch('g')],
        Move(Top),
        "Home g",
        "first case",
        None
    ),
    bind!(
        Grid,
        [key(KeyCode::End), ch('G')],
        Move(Bottom),
        "End G",
        "last case",
        None
    ),
    bind!(
        Grid,
        [key(KeyCode::Left), ch('h')],
        Left,
        "← h",
        "earlier columns (when they do not all fit)",
        None
    ),
    bind!(
        Grid,
        [key(KeyCode::Right), ch('l')],
        Right,
        "→ l",
        "later columns",
        None
    ),
    bind!(
        Grid,
        [key(KeyCode::Enter)],
        Open,
        "Enter",
        "open the case: answers side by side, word diff, checks",
        Some("open")
    ),
    bind!(
        Grid,
        [ch('c')],
        Chart,
        "c",
        "the chart full screen: cost per 1k calls vs pass rate",
        Some("chart")
    ),
    bind!(
        Grid,
        [ch('w')],
        Workbench,
        "w",
        "send the case to the workbench (a session with its prompt, columns and answers)",
        Some("workbench")
    ),
    bind!(
        Grid,
        [ch('q'), key(KeyCode::Esc)],
        Quit,
        "q Esc",
        "quit or back to the run list (a run going on: twice, it stops resumably)",
        Some("quit")
    ),
    bind!(
        Case,
        [key(KeyCode::Left), ch('h')],
        Left,
        "← h",
        "show earlier columns (the leftmost is the diff's base)",
        Some("columns")
    ),
    bind!(
        Case,
        [key(KeyCode::Right), ch('l')],
        Right,
        "→ l",
        "show later columns",
        None
    ),
    bind!(
        Case,
        [key(KeyCode::Up), ch('k')],
        Move(Up),
        "↑ k",
        "scroll up",
        None
    ),
    bind!(
        Case,
        [key(KeyCode::Down), ch('j')],
        Move(Down),
        "↓ j",
        "scroll down",
        Some("scroll")
    ),
    bind!(
        Case,
        [key(KeyCode::PageUp)],
        Move(PageUp),
        "PgUp",
        "a page up",
        None
    ),
    bind!(
        Case,
        [key(KeyCode::PageDown)],
        Move(PageDown),
        "PgDn",
        "a page down",
        None
    ),
    bind!(Case, [ch('[')], PrevRepeat, "[", "previous repeat", None),
    bind!(
        Case,
        [ch(']')],
        NextRepeat,
        "]",
        "next repeat",
        Some("repeat")
    ),
    bind!(Case, [ch('p')], PrevCase, "p", "previous case", None),
    bind!(Case, [ch('n')], NextCase, "n", "next case", Some("case")),
    bind!(
        Case,
        [ch('d')],
        ToggleDiff,
        "d",
        "word diff against the leftmost answer on/off",
        Some("diff")
    ),
    bind!(
        Case,
        [ch('w')],
        Workbench,
        "w",
        "send the case to the workbench",
        Some("workbench")
    ),
    bind!(
        Case,
        [key(KeyCode::Esc), ch('q')],
        Close,
        "Esc q",
        "back to the grid",
        Some("back")
    ),
    bind!(
        Overlay,
        [key(KeyCode::Up), ch('k')],
        Move(Up),
        "↑ k",
        "scroll help up",
        None
    ),
    bind!(
        Overlay,
        [key(KeyCode::Down), ch('j')],
        Move(Down),
        "↓ j",
        "scroll help down",
        None
    ),
    bind!(
        Overlay,
        [key(KeyCode::Esc), ch('q'), ch('c')],
        Close,
        "Esc q c",
        "close",
        Some("close")
    ),
    bind!(
        Always,
        [key(KeyCode::F(1)), ch('?')],
        Help,
        "F1 ?",
        "help: every key",
        Some("help")
    ),
    bind!(
        Always,
        [(KeyCode::Char('c'), CTRL)],
        Interrupt,
        "Ctrl+C",
        "quit now (stops a run that goes on; `prism eval --resume RUN` finishes it)",
        None
    ),
];

/// The places whose bindings apply, first match wins.
fn chain(place: Place) -> &'static [Place] {
    match place {
        Place::Grid => &[Place::Grid, Place::Always],
        Place::Case => &[Place::Case, Place::Always],
        Place::Overlay => &[Place::Overlay, Place::Always],
        Place::Always => &[Place::Always],
    }
}

/// Terminals send Shift+letter as an uppercase char with or without SHIFT,
/// and Ctrl+letter in either case.
fn matches(wanted: (KeyCode, KeyModifiers), event: &KeyEvent) -> bool {
    let (code, modifiers) = wanted;
    match (code, event.code) {
        (KeyCode::Char(a), KeyCode::Char(b)) => {
            let same = if modifiers.contains(CTRL) {
                a.eq_ignore_ascii_case(&b)
            } else {
                a == b
            };
            same && event.modifiers - KeyModifiers::SHIFT == modifiers
        }
        (a, b) => a == b && event.modifiers == modifiers,
    }
}

pub fn lookup(place: Place, event: &KeyEvent) -> Option<Act> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    chain(place)
        .iter()
        .flat_map(|p| BINDINGS.iter().filter(move |b| b.place == *p))
        .find(|b| b.keys.iter().any(|k| matches(*k, event)))
        .map(|b| b.act)
}

/// The footer's hints for a place: (keys, word), its own first.
pub fn hints(place: Place) -> Vec<(&'static str, &'static str)> {
    chain(place)
        .iter()
        .flat_map(|p| BINDINGS.iter().filter(move |b| b.place == *p))
        .filter_map(|b| Some((b.label, b.hint?)))
        .collect()
}

/// Help's sections: (title, rows of keys and what they do).
pub fn help_sections() -> Vec<(&'static str, Vec<(&'static str, &'static str)>)> {
    Place::ALL
        .iter()
        .map(|place| {
            let rows = BINDINGS
                .iter()
                .filter(|b| b.place == *place)
                .map(|b| (b.label, b.help))
                .collect();
            (place.title(), rows)
        })
        .collect()
}

/// The README's table of the view's keys.
pub fn markdown_table() -> String {
    let mut table = String::from("| Where | Keys | What they do |\n|---|---|---|\n");
    for (title, rows) in help_sections() {
        for (keys, what) in rows {
            table.push_str(&format!("| {title} | `{keys}` | {what} |\n"));
        }
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, modifiers: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, modifiers)
    }

    #[test]
    fn keys_find_their_action_in_the_place_then_anywhere() {
        let enter = press(KeyCode::Enter, NONE);
        assert_eq!(lookup(Place::Grid, &enter), Some(Act::Open));
        assert_eq!(lookup(Place::Case, &enter), None);
        let q = press(KeyCode::Char('q'), NONE);
        assert_eq!(lookup(Place::Grid, &q), Some(Act::Quit));
        assert_eq!(lookup(Place::Case, &q), Some(Act::Close));
        let ctrl_c = press(KeyCode::Char('C'), CTRL | KeyModifiers::SHIFT);
        assert_eq!(lookup(Place::Case, &ctrl_c), Some(Act::Interrupt));
        let shift_g = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(Place::Grid, &shift_g), Some(Act::Move(Move::Bottom)));
        assert_eq!(
            lookup(Place::Grid, &press(KeyCode::Char('g'), NONE)),
            Some(Act::Move(Move::Top))
        );
        assert_eq!(
            lookup(Place::Overlay, &press(KeyCode::F(1), NONE)),
            Some(Act::Help)
        );
        let mut release = enter;
        release.kind = KeyEventKind::Release;
        assert_eq!(lookup(Place::Grid, &release), None);
    }

    #[test]
    fn no_key_is_bound_twice_in_one_place_and_its_fallbacks() {
        for place in Place::ALL {
            let mut seen: Vec<(KeyCode, KeyModifiers)> = Vec::new();
            for binding in chain(place)
                .iter()
                .flat_map(|p| BINDINGS.iter().filter(move |b| b.place == *p))
            {
                for k in binding.keys {
                    assert!(!seen.contains(k), "{k:?} twice in {place:?}");
                    seen.push(*k);
                }
            }
        }
    }

    #[test]
    fn the_readme_has_the_eval_view_key_table() {
        let readme = include_str!("../../../README.md");
        let table = markdown_table();
        assert!(
            readme.contains(&table),
            "README.md's eval key table differs from the keymap; it should read:\n{table}"
        );
    }
}
