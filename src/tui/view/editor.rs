//! The prompt editor at the bottom of the workbench.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::tui::boxes::framed;
use crate::tui::state::{AppState, Focus};

pub fn draw(frame: &mut Frame, rect: Rect, state: &AppState) {
    let theme = &state.settings.theme;
    let focused = state.ui.overlay.is_none() && state.workspace.focus == Focus::Editor;
    let mut title = vec![Span::styled(" Prompt ", theme.title())];
    let summary = state.settings.params.summary();
    if !summary.is_empty() {
        title.push(Span::styled(format!("· {summary} "), theme.hint()));
    }
    let editor = &state.workspace.editor;
    if editor.wrap_mode() == ratatui_textarea::WrapMode::None {
        let lines = crate::units::count(u64::try_from(editor.lines().len()).unwrap_or(u64::MAX));
        title.push(Span::styled(
            format!("· {lines} lines, long lines not wrapped "),
            theme.hint(),
        ));
    }
    let block = framed(theme, focused).title(Line::from(title));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(&state.workspace.editor, inner);
}
