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
    Edit(EditAction),
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
    /// Put back the pane removed last.
    RestorePane,
    // Sessions and judging.
    Sessions,
    /// The eval runs on disk, to open one in the eval view.
    EvalRuns,
    Leaderboard,
    Vote,
    ToggleBlind,
    NextBlindRound,
    RenameSession,
    Diff,
    Details,
    TogglePrivacy,
    /// Ask the judge model to compare the latest turn's answers.
    AskJudge,
    /// Ask the judge again, past its saved verdict.
    AskJudgeAgain,
    /// How much the latest turn's answers agree.
    Agreement,
    // Overlays.
    /// Leave the overlay (Esc).
    Close,
    /// The leaderboard's next and previous vote filter.
    NextFilter,
    PrevFilter,
    /// The leaderboard's next source: your votes, judges', both.
    NextSource,
    /// In the picker: the row's model as one pane per upstream.
    ExpandUpstreams,
    /// In the picker: the row's model via OpenRouter and direct, side by side.
    ViaAndDirect,
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

/// Readline's keys in the text fields: the prompt and the session name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditAction {
    /// Ctrl+U: from the cursor to the start of the line.
    DeleteToLineStart,
    /// Ctrl+W: the word before the cursor.
    DeleteWord,
    /// Ctrl+K: from the cursor to the end of the line.
    DeleteToLineEnd,
    /// The whole text; on an empty prompt, quit (an empty name: cancel).
    ClearOrQuit,
    Undo,
    /// Put back what the last delete took.
    Yank,
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
