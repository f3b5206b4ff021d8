//! Drawing: one pure function of the state per region. Views read the
//! state and write cells; they do no I/O and compute nothing the reducer
//! could have kept.

mod editor;
mod footer;
mod help;
mod overlays;
mod pane;
mod params;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, BorderType, Clear, Paragraph, Wrap};

use super::layout::{MIN_HEIGHT, MIN_WIDTH};
use super::state::{AppState, Focus, Overlay};
use super::theme::Theme;

pub fn draw(frame: &mut Frame, state: &AppState) {
    let area = frame.area();
    if state.layout.too_small {
        too_small(frame, area, state);
        return;
    }
    let zoomed = state.zoom.and_then(|id| state.pane_index(id));
    for (index, (pane, rect)) in state.panes.iter().zip(&state.layout.panes).enumerate() {
        if rect.area() == 0 || zoomed.is_some_and(|z| z != index) {
            continue;
        }
        let focused = state.overlay.is_none() && state.focus == Focus::Pane(index);
        pane::draw(frame, *rect, state, index, pane, focused);
    }
    if state.panes.is_empty() {
        let grid = Rect::new(0, 0, area.width, state.layout.editor.y);
        let text = "No models. Press Ctrl+P to pick models from the catalog.";
        frame.render_widget(
            Paragraph::new(Line::styled(text, state.theme.hint())).centered(),
            Rect::new(grid.x, grid.height / 2, grid.width, 1),
        );
    }
    if state.layout.editor.area() > 0 {
        editor::draw(frame, state.layout.editor, state);
    }
    footer::draw(frame, state.layout.footer, state);
    match &state.overlay {
        None => {}
        Some(Overlay::Help { scroll }) => help::draw(frame, area, state, *scroll),
        Some(Overlay::Picker(picker, _)) => picker.render(area, frame.buffer_mut(), &state.theme),
        Some(Overlay::Params(form)) => params::draw(frame, area, form, &state.theme),
        Some(Overlay::Vote | Overlay::DiffPick(_)) => {}
        Some(Overlay::Diff(view)) => overlays::diff(frame, area, view, &state.theme),
        Some(Overlay::Sessions(browser)) => browser.render(area, frame.buffer_mut(), &state.theme),
        Some(Overlay::Leaderboard(view)) => overlays::leaderboard(frame, area, view, &state.theme),
        Some(Overlay::Rename(field)) => overlays::rename(frame, area, field, &state.theme),
        Some(Overlay::Details(view)) => overlays::details(frame, area, view, &state.theme),
    }
    super::glyphs::settle(frame.buffer_mut());
}

fn too_small(frame: &mut Frame, area: Rect, state: &AppState) {
    frame.render_widget(Clear, area);
    let (width, height) = state.size;
    let text = format!(
        "Terminal too small ({width}x{height}). prism needs {MIN_WIDTH}x{MIN_HEIGHT}, more with many panes. Enlarge it, or zoom a pane. Ctrl+C quits."
    );
    frame.render_widget(
        Paragraph::new(Line::styled(text, state.theme.warning())).wrap(Wrap { trim: true }),
        area,
    );
}

/// The border of a pane or the editor: thick when focused, rounded otherwise.
pub fn framed(theme: &Theme, focused: bool) -> Block<'static> {
    Block::bordered()
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(theme.border(focused))
}

/// The border of an overlay box: rounded, in the focused colour.
pub fn overlay_block(theme: &Theme) -> Block<'static> {
    Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(theme.border(true))
}

/// A box of the given size centred in `area`, clipped to it.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(area.width);
    let height = height.min(area.height);
    Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    )
}

#[cfg(test)]
mod tests;
