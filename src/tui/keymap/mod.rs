//! Every key binding, as data: the one source for what keys do. The reducer
//! looks keys up here (per context: the prompt, a pane, each overlay); the
//! help overlay, the footer's hints, the overlays' own hint lines and the
//! README's key table are all read from the same table, so what is
//! documented is what works.

mod actions;
mod bindings;
#[cfg(test)]
mod tests;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

pub use actions::{Action, BrowserAction, EditAction, FormAction, PickerAction};
pub use bindings::MOUSE;

/// Where a binding applies: the workbench (the prompt, a pane, both) or an
/// overlay, which takes the keys while it is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Context {
    /// Quitting, which works almost everywhere.
    Always,
    /// The workbench with no overlay open, whatever has focus.
    Global,
    Editor,
    Pane,
    Help,
    Picker,
    Params,
    Vote,
    DiffPick,
    Diff,
    Sessions,
    /// The session browser asking "delete this one?".
    ConfirmDelete,
    Leaderboard,
    Details,
    /// The judge's verdict.
    Judge,
    /// The eval runs on disk (F5).
    Runs,
    Rename,
    /// The keys every scrolling overlay shares (help, diff, leaderboard, details).
    Scrolling,
}

/// What a key no binding of the context names does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unbound {
    Ignore,
    /// It closes the overlay.
    Close,
    /// It is typed into the context's text field.
    Type,
}

impl Context {
    /// Every context, in the order help and the README list them.
    pub const ALL: [Context; 18] = [
        Context::Editor,
        Context::Pane,
        Context::Global,
        Context::Always,
        Context::Picker,
        Context::Params,
        Context::Sessions,
        Context::ConfirmDelete,
        Context::Runs,
        Context::Rename,
        Context::Vote,
        Context::DiffPick,
        Context::Scrolling,
        Context::Help,
        Context::Diff,
        Context::Leaderboard,
        Context::Details,
        Context::Judge,
    ];

    /// The name help and the README give it.
    pub fn title(self) -> &'static str {
        match self {
            Context::Always => "Anywhere",
            Context::Global => "Workbench",
            Context::Editor => "Prompt",
            Context::Pane => "Pane",
            Context::Help => "Help",
            Context::Picker => "Model picker",
            Context::Params => "Parameters",
            Context::Vote => "Vote",
            Context::DiffPick => "Diff: which pane",
            Context::Diff => "Diff",
            Context::Sessions => "Sessions",
            Context::ConfirmDelete => "Sessions: delete?",
            Context::Leaderboard => "Leaderboard",
            Context::Details => "Details",
            Context::Judge => "Judge",
            Context::Runs => "Eval runs",
            Context::Rename => "Session name",
            Context::Scrolling => "Help, diff, leaderboard, details, judge",
        }
    }

    /// The contexts whose bindings apply, first match wins. Text fields
    /// keep Ctrl+C to themselves; everything else can quit.
    pub fn chain(self) -> &'static [Context] {
        match self {
            Context::Editor => &[Context::Editor, Context::Global, Context::Always],
            Context::Pane => &[Context::Pane, Context::Global, Context::Always],
            Context::Global => &[Context::Global, Context::Always],
            Context::Always => &[Context::Always],
            Context::Picker => &[Context::Picker],
            Context::Params => &[Context::Params],
            Context::Rename => &[Context::Rename],
            Context::Vote => &[Context::Vote, Context::Always],
            Context::DiffPick => &[Context::DiffPick, Context::Always],
            Context::Sessions => &[Context::Sessions, Context::Always],
            Context::Runs => &[Context::Runs, Context::Always],
            Context::ConfirmDelete => &[Context::ConfirmDelete, Context::Always],
            Context::Scrolling => &[Context::Scrolling, Context::Always],
            Context::Help => &[Context::Help, Context::Scrolling, Context::Always],
            Context::Diff => &[Context::Diff, Context::Scrolling, Context::Always],
            Context::Leaderboard => &[Context::Leaderboard, Context::Scrolling, Context::Always],
            Context::Details => &[Context::Details, Context::Scrolling, Context::Always],
            Context::Judge => &[Context::Judge, Context::Scrolling, Context::Always],
        }
    }

    pub fn unbound(self) -> Unbound {
        match self {
            Context::Editor
            | Context::Picker
            | Context::Params
            | Context::Sessions
            | Context::Rename => Unbound::Type,
            Context::Help
            | Context::Vote
            | Context::DiffPick
            | Context::Diff
            | Context::ConfirmDelete
            | Context::Leaderboard
            | Context::Details
            | Context::Judge
            | Context::Scrolling => Unbound::Close,
            Context::Always | Context::Global | Context::Pane | Context::Runs => Unbound::Ignore,
        }
    }

    /// What other keys do, for help and the README: (keys, what).
    pub fn unbound_help(self) -> Option<(&'static str, &'static str)> {
        match self {
            Context::Picker => Some((
                "letters",
                "fuzzy search ids and names (Space marks, so no spaces)",
            )),
            Context::Sessions => {
                Some(("letters", "search names, models, ids, prompts and answers"))
            }
            Context::Params => Some(("letters", "edit the field (empty: not set)")),
            Context::Rename => Some(("letters", "type the name")),
            Context::ConfirmDelete => Some(("any other key", "keep the session")),
            Context::Vote | Context::DiffPick | Context::Scrolling => {
                Some(("any other key", "close"))
            }
            Context::Always
            | Context::Global
            | Context::Editor
            | Context::Pane
            | Context::Help
            | Context::Diff
            | Context::Leaderboard
            | Context::Details
            | Context::Judge
            | Context::Runs => None,
        }
    }

    /// The hint for keys no binding names, when there is one to give.
    fn unbound_hint(self) -> Option<Hint> {
        match self {
            Context::Picker | Context::Sessions => Some(Hint::new("type", "search", 1)),
            Context::ConfirmDelete => Some(Hint::new("any other key", "keep it", ESSENTIAL)),
            Context::Help
            | Context::Diff
            | Context::Leaderboard
            | Context::Details
            | Context::Judge => Some(Hint::new("any other key", "close", ESSENTIAL)),
            Context::Always
            | Context::Global
            | Context::Editor
            | Context::Pane
            | Context::Params
            | Context::Rename
            | Context::Vote
            | Context::DiffPick
            | Context::Scrolling
            | Context::Runs => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

/// A short reminder of a binding for the footer and the overlays' borders:
/// its keys, one word or two, and its rank (lower shows first; `ESSENTIAL`
/// is never left out).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hint {
    pub keys: &'static str,
    pub word: &'static str,
    pub rank: u8,
}

/// The rank of hints that are always shown (help, quit, the way out).
pub const ESSENTIAL: u8 = 0;

impl Hint {
    pub const fn new(keys: &'static str, word: &'static str, rank: u8) -> Hint {
        Hint { keys, word, rank }
    }

    /// Its width on screen: the keys, a space, the word.
    fn width(&self) -> usize {
        self.keys.chars().count() + 1 + self.word.chars().count()
    }
}

/// What a binding's keys do: one action, or for a numbered binding ("1-9")
/// the action of its `n`-th key.
#[derive(Clone, Copy)]
pub enum Does {
    One(Action),
    Nth(fn(usize) -> Action),
}

pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub does: Does,
    /// The keys as shown to people.
    pub label: &'static str,
    pub help: &'static str,
    pub hint: Option<Hint>,
}

/// Normalises what terminals send: Shift+letter may come as an uppercase
/// char with or without the SHIFT flag; BackTab may carry SHIFT; Ctrl+letter
/// may come in either case.
fn matches(binding_key: &Key, event: &KeyEvent) -> bool {
    let wanted = binding_key.modifiers;
    let code_matches = match (binding_key.code, event.code) {
        (KeyCode::Char(a), KeyCode::Char(b)) if wanted.contains(KeyModifiers::CONTROL) => {
            a.eq_ignore_ascii_case(&b)
        }
        (a, b) => a == b,
    };
    let is_text = matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab);
    if !code_matches {
        return false;
    }
    let got = event.modifiers - KeyModifiers::SHIFT;
    let wanted_without_shift = wanted - KeyModifiers::SHIFT;
    if is_text {
        // For characters the case already says whether Shift was held.
        got == wanted_without_shift
    } else {
        event.modifiers == wanted
    }
}

/// The action for a key in a context: its own bindings first, then those of
/// the contexts it falls back to. None for releases and unbound keys (see
/// `Context::unbound` for what those do).
pub fn lookup(context: Context, event: &KeyEvent) -> Option<Action> {
    if event.kind == KeyEventKind::Release {
        return None;
    }
    for wanted in context.chain() {
        for binding in bindings(*wanted) {
            if let Some(position) = binding.keys.iter().position(|k| matches(k, event)) {
                return Some(match binding.does {
                    Does::One(action) => action,
                    Does::Nth(nth) => nth(position),
                });
            }
        }
    }
    None
}

/// The bindings of one context (not those it falls back to).
pub fn bindings(context: Context) -> impl Iterator<Item = &'static Binding> {
    bindings::all().filter(move |b| b.context == context)
}

/// Where hints are shown: the footer names every way out, quitting
/// included; an overlay's border only the overlay's own keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HintPlace {
    Footer,
    Border,
}

/// The hints of a context and those it falls back to, most important first
/// (one per word: a pane's `?` help hides the workbench's F1 help).
pub fn hints(context: Context, place: HintPlace) -> Vec<Hint> {
    let mut hints: Vec<Hint> = Vec::new();
    let offered = context
        .chain()
        .iter()
        .filter(|c| place == HintPlace::Footer || **c != Context::Always)
        .flat_map(|c| bindings(*c))
        .filter_map(|b| b.hint)
        .chain(context.unbound_hint());
    for hint in offered {
        if !hints.iter().any(|h| h.word == hint.word) {
            hints.push(hint);
        }
    }
    hints.sort_by_key(|h| h.rank);
    hints
}

/// The hints that fit in `width` columns with `gap` columns between them:
/// every essential one, then the others by rank while they fit; shown in
/// rank order with the essential ones last, where people look for them.
pub fn fitted_hints(context: Context, place: HintPlace, width: usize, gap: usize) -> Vec<Hint> {
    let (essential, others): (Vec<Hint>, Vec<Hint>) = hints(context, place)
        .into_iter()
        .partition(|h| h.rank == ESSENTIAL);
    let span = |hints: &[Hint]| -> usize {
        hints.iter().map(Hint::width).sum::<usize>() + gap * hints.len().saturating_sub(1)
    };
    let mut used = span(&essential);
    let mut shown = Vec::new();
    for hint in others {
        let cost = hint.width() + if used > 0 { gap } else { 0 };
        if used + cost > width {
            break;
        }
        used += cost;
        shown.push(hint);
    }
    shown.extend(essential);
    shown
}

/// The rows help and the README show for a context: (keys, what they do),
/// its bindings and then what other keys do.
pub fn help_rows(context: Context) -> Vec<(&'static str, &'static str)> {
    bindings(context)
        .map(|b| (b.label, b.help))
        .chain(context.unbound_help())
        .collect()
}

/// A titled list of (keys, what they do), for the help overlay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpSection {
    pub title: &'static str,
    pub rows: Vec<(&'static str, &'static str)>,
}

/// Help's sections: the focused part's keys first, then the workbench's,
/// the other part's, each overlay's, and the mouse.
pub fn help_sections(focused: Context) -> Vec<HelpSection> {
    let other = if focused == Context::Pane {
        Context::Editor
    } else {
        Context::Pane
    };
    let section = |title: &'static str, contexts: &[Context]| HelpSection {
        title,
        rows: contexts.iter().flat_map(|c| help_rows(*c)).collect(),
    };
    let mut sections = vec![
        section(focused.title(), &[focused]),
        section("Everywhere", &[Context::Global, Context::Always]),
        section(other.title(), &[other]),
    ];
    for context in Context::ALL {
        let shown_above = matches!(
            context,
            Context::Editor | Context::Pane | Context::Global | Context::Always
        );
        let merged = context == Context::ConfirmDelete;
        if shown_above || merged {
            continue;
        }
        let mut contexts = vec![context];
        if context == Context::Sessions {
            contexts.push(Context::ConfirmDelete);
        }
        let with_rows = section(context.title(), &contexts);
        if !with_rows.rows.is_empty() {
            sections.push(with_rows);
        }
    }
    sections.push(HelpSection {
        title: "Mouse",
        rows: MOUSE.to_vec(),
    });
    sections
}

/// The README's key table: a row per binding, context by context.
pub fn markdown_table() -> String {
    let mut table = String::from("| Where | Keys | What they do |\n|---|---|---|\n");
    for context in Context::ALL {
        for (keys, what) in help_rows(context) {
            table.push_str(&format!("| {} | `{keys}` | {what} |\n", context.title()));
        }
    }
    table
}
