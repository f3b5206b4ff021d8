//! Drawing: one pure function of the state per region. Views read the
//! state and write cells; they do no I/O and compute nothing the reducer
//! could have kept.

mod editor;
mod figures;
mod footer;
mod help;
mod overlays;
mod pane;
mod params;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::keymap::Context;
use super::layout::{MIN_HEIGHT, MIN_PANE_HEIGHT, MIN_PANE_WIDTH, MIN_WIDTH};
use super::state::{AppState, Focus, Overlay};

pub fn draw(frame: &mut Frame, state: &AppState) {
    let area = frame.area();
    let workspace = &state.workspace;
    let layout = &workspace.layout;
    let theme = &state.settings.theme;
    // A run open in the eval view takes the whole screen.
    if let Some(Overlay::Runs(list)) = &state.ui.overlay
        && let Some(open) = &list.open
    {
        super::eval::view::draw(frame, &open.view);
        return;
    }
    if layout.too_small {
        too_small(frame, area, state);
        return;
    }
    let zoomed = workspace.zoom.and_then(|id| workspace.pane_index(id));
    let visible = || {
        (workspace.panes.iter().zip(&layout.panes).enumerate())
            .filter(move |(index, (_, rect))| rect.area() > 0 && zoomed.is_none_or(|z| z == *index))
    };
    // Narrow panes drop the same figures, so they still compare like for like.
    let floor = figures::shared_floor(state, visible().map(|(_, (pane, rect))| (pane, rect.width)));
    for (index, (pane, rect)) in visible() {
        let focused = state.ui.overlay.is_none() && workspace.focus == Focus::Pane(index);
        pane::draw(frame, *rect, state, index, pane, focused, floor);
    }
    if workspace.panes.is_empty() {
        let grid = Rect::new(0, 0, area.width, layout.editor.y);
        let text = "No models. Press Ctrl+P to pick models from the catalog.";
        frame.render_widget(
            Paragraph::new(Line::styled(text, theme.hint())).centered(),
            Rect::new(grid.x, grid.height / 2, grid.width, 1),
        );
    }
    if layout.editor.area() > 0 {
        editor::draw(frame, layout.editor, state);
    }
    footer::draw(frame, layout.footer, state);
    match &state.ui.overlay {
        None => {}
        Some(Overlay::Help(scroll)) => help::draw(frame, area, state, *scroll),
        Some(Overlay::Picker(picker, _)) => picker.render(area, frame.buffer_mut(), theme),
        Some(Overlay::Params(form)) => params::draw(frame, area, form, theme),
        Some(Overlay::Vote | Overlay::DiffPick(_)) => {}
        Some(Overlay::Diff(view)) => overlays::diff(frame, area, view, theme),
        Some(Overlay::Sessions(browser)) => browser.render(area, frame.buffer_mut(), theme),
        Some(Overlay::Leaderboard(view)) => overlays::leaderboard(frame, area, view, theme),
        Some(Overlay::Rename(field)) => overlays::rename(frame, area, field, theme),
        Some(Overlay::Details(view)) => {
            overlays::details(frame, area, view, Context::Details, theme);
        }
        Some(Overlay::Judge(view)) => overlays::details(frame, area, view, Context::Judge, theme),
        Some(Overlay::Runs(list)) => list.render(area, frame.buffer_mut(), theme),
    }
    super::glyphs::settle(frame.buffer_mut());
}

fn too_small(frame: &mut Frame, area: Rect, state: &AppState) {
    frame.render_widget(Clear, area);
    let (width, height) = state.workspace.size;
    let panes = state.workspace.panes.len();
    let text = if width < MIN_WIDTH || height < MIN_HEIGHT {
        format!(
            "Terminal too small ({width}x{height}): prism needs at least {MIN_WIDTH}x{MIN_HEIGHT}. Enlarge it. Ctrl+Q quits."
        )
    } else {
        format!(
            "{panes} panes do not fit in {width}x{height}: each needs {MIN_PANE_WIDTH}x{MIN_PANE_HEIGHT}. Enlarge the terminal, or zoom a pane (Tab to it, z) or remove some (d). Ctrl+Q quits."
        )
    };
    frame.render_widget(
        Paragraph::new(Line::styled(text, state.settings.theme.warning()))
            .wrap(Wrap { trim: true }),
        area,
    );
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_blind;
#[cfg(test)]
mod tests_figures;
#[cfg(test)]
mod tests_judge;
#[cfg(test)]
mod tests_narrow;
#[cfg(test)]
mod tests_screen;
