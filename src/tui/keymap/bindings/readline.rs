//! Readline's keys, the same in every text field that takes them: the
//! prompt and the session name. One table, so the two never drift apart.

use crossterm::event::KeyCode;

use super::{alt, bind, ctrl};
use crate::tui::keymap::{Action, Binding, Context, EditAction, Key};

/// The prompt's readline keys (after its own, so Enter and Ctrl+J stay its own).
pub(super) static EDITOR: [Binding; 6] = readline(
    Context::Editor,
    "clear the whole prompt (Ctrl+Z brings it back); on an empty prompt, quit",
);

/// The session name's: the same keys, Ctrl+C on an empty name cancels.
pub(super) static RENAME: [Binding; 6] = readline(
    Context::Rename,
    "clear the name (Ctrl+Z brings it back); on an empty name, cancel",
);

const LINE_START: &[Key] = &[ctrl('u')];
const WORD: &[Key] = &[ctrl('w'), alt(KeyCode::Backspace)];
const LINE_END: &[Key] = &[ctrl('k')];
const YANK: &[Key] = &[ctrl('y')];
const UNDO: &[Key] = &[ctrl('z')];
const CLEAR: &[Key] = &[ctrl('c')];

const fn readline(context: Context, clear_help: &'static str) -> [Binding; 6] {
    [
        bind(
            context,
            LINE_START,
            Action::Edit(EditAction::DeleteToLineStart),
            "Ctrl+U",
            "delete to the start of the line",
        ),
        bind(
            context,
            WORD,
            Action::Edit(EditAction::DeleteWord),
            "Ctrl+W Alt+Backspace",
            "delete the word before the cursor",
        ),
        bind(
            context,
            LINE_END,
            Action::Edit(EditAction::DeleteToLineEnd),
            "Ctrl+K",
            "delete to the end of the line",
        ),
        bind(
            context,
            YANK,
            Action::Edit(EditAction::Yank),
            "Ctrl+Y",
            "put back what Ctrl+U, Ctrl+W or Ctrl+K deleted",
        ),
        bind(
            context,
            UNDO,
            Action::Edit(EditAction::Undo),
            "Ctrl+Z",
            "undo the last edit",
        ),
        bind(
            context,
            CLEAR,
            Action::Edit(EditAction::ClearOrQuit),
            "Ctrl+C",
            clear_help,
        ),
    ]
}
