//! The prompt editor at the bottom of the workbench.

use crate::tui::state::{AppState, Focus};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::framed;

pub fn draw(frame: &mut Frame, rect: Rect, state: &AppState) {
    let theme = &state.theme;
    let focused = state.overlay.is_none() && state.focus == Focus::Editor;
    let mut title = vec![Span::styled(" Prompt ", theme.title())];
    let summary = state.params.summary();
    if !summary.is_empty() {
        title.push(Span::styled(format!("· {summary} "), theme.hint()));
    }
    let block = framed(theme, focused).title(Line::from(title));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    frame.render_widget(&state.editor, inner);
}
