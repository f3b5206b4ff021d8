//! Reducer tests of the prompt editor: pastes (bracketed, and bursts of
//! keys from terminals without it), readline's keys, and the privacy
//! switch kept with the session.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use pretty_assertions::assert_eq;

use super::tests::{ctrl, key, send, state_with, type_text, update};
use super::tests_sessions::saved;
use super::*;
use crate::tui::msg::{Effect, Msg};

fn burst(text: &str) -> Msg {
    Msg::Keys(
        text.chars()
            .map(|c| match c {
                '\n' => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
                '\t' => KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE),
                c => KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            })
            .collect(),
    )
}

fn starts(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::StartRun { .. }))
        .count()
}

#[test]
fn a_bracketed_paste_keeps_its_line_breaks_whatever_the_terminal_sends() {
    // tmux and many terminals send a pasted newline as CR; Windows text has CRLF.
    for pasted in [
        "def f():\r    return 1\r",
        "def f():\n    return 1\n",
        "def f():\r\n    return 1\r\n",
    ] {
        let mut state = state_with(&["a/model"], (120, 40));
        let effects = update(&mut state, Msg::Paste(pasted.into()));
        assert_eq!(starts(&effects), 0, "a paste never sends");
        assert_eq!(
            state.workspace.editor_text(),
            "def f():\n    return 1\n",
            "{pasted:?}"
        );
        assert_eq!(state.workspace.editor_lines, 3);
    }
}

#[test]
fn a_burst_of_keys_is_typed_text_and_its_enters_are_new_lines() {
    let mut state = state_with(&["a/model"], (120, 40));
    let effects = update(&mut state, burst("def f():\n\treturn 1\n"));
    assert_eq!(starts(&effects), 0, "Enter inside a burst never sends");
    assert_eq!(state.workspace.editor_text(), "def f():\n\treturn 1\n");
    // A lone Enter afterwards is a key press: it sends.
    let effects = update(&mut state, key(KeyCode::Enter));
    assert_eq!(starts(&effects), 1);
}

#[test]
fn a_burst_keeps_the_other_keys_it_carries_in_order() {
    let mut state = state_with(&["a/model"], (120, 40));
    let mut keys = match burst("helo") {
        Msg::Keys(keys) => keys,
        other => panic!("{other:?}"),
    };
    keys.insert(3, KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE));
    keys.push(KeyEvent::new(KeyCode::Char('!'), KeyModifiers::NONE));
    update(&mut state, Msg::Keys(keys));
    assert_eq!(state.workspace.editor_text(), "heo!");
    // Away from the prompt, a burst's keys do what they do one by one.
    update(&mut state, key(KeyCode::Esc));
    update(&mut state, burst("zk"));
    assert_eq!(
        state.workspace.zoom,
        Some(state.workspace.panes[0].id),
        "z zooms the pane"
    );
    assert_eq!(state.workspace.editor_text(), "heo!");
}

#[test]
fn control_keys_in_pasted_text_are_not_acted_on() {
    // A bare-keys paste of "a\x07b\x11c": BEL reads as Ctrl+G (the
    // external editor), DC1 as Ctrl+Q (quit).
    let mut state = state_with(&["a/model"], (120, 40));
    let mut keys = match burst("abc") {
        Msg::Keys(keys) => keys,
        other => panic!("{other:?}"),
    };
    keys.insert(1, KeyEvent::new(KeyCode::Char('g'), KeyModifiers::CONTROL));
    keys.insert(3, KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL));
    let effects = update(&mut state, Msg::Keys(keys));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(!state.ui.quit);
    assert_eq!(state.workspace.editor_text(), "abc");
    let notice = state.ui.notice.as_ref().expect("a notice");
    assert_eq!(notice.text, "2 control keys in pasted text not acted on");
    // Keys alone, typed ahead under load, still act.
    update(
        &mut state,
        Msg::Keys(vec![
            KeyEvent::new(KeyCode::Backspace, KeyModifiers::NONE),
            ctrl_key('u'),
        ]),
    );
    assert_eq!(state.workspace.editor_text(), "");
}

fn ctrl_key(c: char) -> KeyEvent {
    KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
}

#[test]
fn readline_keys_delete_to_the_line_start_a_word_and_to_the_line_end() {
    let mut state = state_with(&["a/model"], (120, 40));
    update(
        &mut state,
        Msg::Paste("first line\nsecond line here".into()),
    );
    update(&mut state, ctrl('w'));
    assert_eq!(state.workspace.editor_text(), "first line\nsecond line ");
    update(&mut state, ctrl('u'));
    assert_eq!(state.workspace.editor_text(), "first line\n");
    // Ctrl+Y puts back what was deleted.
    update(&mut state, ctrl('y'));
    assert_eq!(state.workspace.editor_text(), "first line\nsecond line ");
    for _ in 0..6 {
        update(&mut state, key(KeyCode::Left));
    }
    update(&mut state, ctrl('k'));
    assert_eq!(state.workspace.editor_text(), "first line\nsecond");
    // Ctrl+Z undoes the last edit.
    update(&mut state, ctrl('z'));
    assert_eq!(state.workspace.editor_text(), "first line\nsecond line ");
}

#[test]
fn ctrl_c_clears_the_prompt_and_quits_only_from_an_empty_one() {
    let mut state = state_with(&["a/model"], (120, 40));
    type_text(&mut state, "a long prompt");
    update(&mut state, Msg::Paste("\nwith lines".into()));
    let effects = update(&mut state, ctrl('c'));
    assert!(!effects.contains(&Effect::Quit), "{effects:?}");
    assert!(!state.ui.quit);
    assert_eq!(state.workspace.editor_text(), "");
    assert_eq!(state.workspace.editor_lines, 1);
    assert!(state.workspace.panes[0].estimate.is_none());
    // Ctrl+Z brings it back; Ctrl+C twice quits.
    update(&mut state, ctrl('z'));
    assert_eq!(state.workspace.editor_text(), "a long prompt\nwith lines");
    update(&mut state, ctrl('c'));
    let effects = update(&mut state, ctrl('c'));
    assert!(effects.contains(&Effect::Quit), "{effects:?}");
    assert!(state.ui.quit);
}

#[test]
fn privacy_is_kept_with_the_session_and_comes_back_with_it() {
    let mut state = state_with(&["a/model"], (120, 40));
    update(&mut state, key(KeyCode::F(3)));
    assert!(state.settings.privacy);
    send(&mut state, "Q");
    let effects = update(&mut state, key(KeyCode::F(3)));
    let off = saved(&effects);
    assert_eq!(off.len(), 1, "switching it saves the session");
    assert!(!off[0].privacy);
    let effects = update(&mut state, key(KeyCode::F(3)));
    let on = saved(&effects).pop().expect("saved");
    assert!(on.privacy);
    let json = serde_json::to_string(&on).expect("serialises");
    let on: crate::session::Session = serde_json::from_str(&json).expect("reads back");

    // Resumed in a workbench that started without it: it is on again.
    let mut resumed = state_with(&["z/other"], (120, 40));
    assert!(!resumed.settings.privacy);
    update(&mut resumed, Msg::SessionOpened(Ok(Box::new(on))));
    assert!(resumed.settings.privacy);
    // A new conversation keeps it too.
    update(&mut resumed, ctrl('n'));
    assert!(resumed.record.session.privacy);
    assert!(resumed.settings.privacy);

    // A workbench started from the latest session's switch (a restart).
    let mut restarted = state_with(&["a/model"], (120, 40));
    set_privacy(&mut restarted, true);
    assert!(restarted.record.session.privacy);
}

/// The session name (F2) takes the prompt's readline keys, through the same code.
#[test]
fn the_session_name_takes_the_prompts_readline_keys() {
    let name = |state: &AppState| match &state.ui.overlay {
        Some(Overlay::Rename(field)) => field.lines().join("\n"),
        _ => panic!("the name field is closed"),
    };
    let mut state = state_with(&["a/model"], (120, 40));
    type_text(&mut state, "prompt stays");
    update(&mut state, key(KeyCode::F(2)));
    type_text(&mut state, "cheap models for summaries");
    update(&mut state, ctrl('w'));
    assert_eq!(name(&state), "cheap models for ");
    update(&mut state, key(KeyCode::Backspace));
    update(&mut state, alt_backspace());
    assert_eq!(name(&state), "cheap models ");
    // Ctrl+A and Ctrl+E move to the ends, as in the prompt.
    update(&mut state, ctrl('a'));
    update(&mut state, key(KeyCode::Right));
    update(&mut state, ctrl('k'));
    assert_eq!(name(&state), "c");
    update(&mut state, ctrl('y'));
    update(&mut state, ctrl('e'));
    update(&mut state, ctrl('u'));
    assert_eq!(name(&state), "");
    update(&mut state, ctrl('z'));
    assert_eq!(name(&state), "cheap models ");
    // Ctrl+C clears the name, and on an empty name cancels (never quits).
    let mut effects = update(&mut state, ctrl('c'));
    assert_eq!(name(&state), "");
    effects.extend(update(&mut state, ctrl('c')));
    assert!(state.ui.overlay.is_none());
    assert!(
        !state.ui.quit && !effects.contains(&Effect::Quit),
        "{effects:?}"
    );
    assert_eq!(state.record.session.name, None);
    // None of it touched the prompt.
    assert_eq!(state.workspace.editor_text(), "prompt stays");
}

fn alt_backspace() -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Backspace, KeyModifiers::ALT))
}
