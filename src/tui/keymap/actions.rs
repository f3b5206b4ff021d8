//! What keys do: the workbench's actions, and those of the components that
//! take keys of their own (the picker, the session browser, the form).

use crate::tui::scroll::ScrollStep;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    OpenPicker,
    SharedParams,
    NewConversation,
    CancelAll,
    ToggleMarkdown,
    FocusNext,
    FocusPrev,
    FocusPane(usize),
    FocusEditor,
    // The prompt editor.
    Send,
    Newline,
    ExternalEditor,
    // A pane.
    Scroll(ScrollStep),
    Zoom,
    CancelPane,
    RetryPane,
    CopyAnswer,
    ToggleReasoning,
    FallbackChain,
    PaneParams,
    RemovePane,
    // Sessions and judging.
    Sessions,
    Leaderboard,
    Vote,
    ToggleBlind,
    NextBlindRound,
    RenameSession,
    Diff,
    Details,
    TogglePrivacy,
    // Overlays.
    /// Leave the overlay (Esc).
    Close,
    /// The leaderboard's next and previous vote filter.
    NextFilter,
    PrevFilter,
    /// The vote: pane N best, a tie, all bad.
    VoteBest(usize),
    VoteTie,
    VoteAllBad,
    /// The pane to diff against.
    DiffWith(usize),
    /// Keep the typed session name.
    SaveName,
    Picker(PickerAction),
    Browser(BrowserAction),
    Form(FormAction),
}

/// What a key does in the model picker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PickerAction {
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Mark/unmark the row under the cursor.
    Toggle,
    /// Finish: see `PickerOutcome::Apply`.
    Apply,
    Cancel,
    /// Price → Context → Name → Newest → Price.
    CycleSort,
    /// Only free models on/off.
    ToggleFree,
    Input(char),
    Backspace,
    /// Delete the last word of the query.
    DeleteWord,
    /// Clear the query.
    ClearQuery,
}

/// What a key does in the session browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BrowserAction {
    Move(ScrollStep),
    Open,
    /// Ask whether to delete the selected session.
    AskDelete,
    /// The answer was yes.
    ConfirmDelete,
    Backspace,
    ClearQuery,
}

/// What a key does in the parameters form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FormAction {
    NextField,
    PrevField,
    Apply,
    Cancel,
}
