//! Where everything goes on screen, as a pure function of the terminal size,
//! the number of panes, the zoom and the editor's height; and where the
//! overlays go. The reducer uses it to size each pane's text and each
//! overlay's page; the view uses it to draw.

use ratatui::layout::Rect;

use super::boxes::centered;
use super::keymap::{self, Context, HelpSection};

/// Smallest pane that still shows a title and two rows of text.
pub const MIN_PANE_WIDTH: u16 = 20;
pub const MIN_PANE_HEIGHT: u16 = 4;
/// Below this the workbench shows a short message instead of a layout.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;
/// Narrower than this, panes stack vertically.
pub const STACK_BELOW_WIDTH: u16 = 80;
/// Panes narrower than this are not put side by side.
const COMFORTABLE_PANE_WIDTH: u16 = 32;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AppLayout {
    /// One rectangle per pane, in pane order (empty ones when zoomed away).
    pub panes: Vec<Rect>,
    pub editor: Rect,
    pub footer: Rect,
    /// The terminal cannot fit the layout; show a message instead.
    pub too_small: bool,
}

/// Rows and columns of the pane grid for `count` panes in `area`.
pub fn grid_shape(count: usize, area: Rect) -> (usize, usize) {
    if count == 0 {
        return (0, 0);
    }
    if area.width < STACK_BELOW_WIDTH {
        return (count, 1);
    }
    let preferred = match count {
        1 => 1,
        2 => 2,
        3 => 3,
        4 => 2,
        5 | 6 => 3,
        7 | 8 => 4,
        n => (n as f64).sqrt().ceil() as usize,
    };
    let fit = (area.width / COMFORTABLE_PANE_WIDTH).max(1) as usize;
    let cols = preferred.min(fit).max(1);
    let rows = count.div_ceil(cols);
    (rows, cols)
}

/// Splits `total` cells into `parts` nearly equal lengths that add up exactly.
fn split(total: u16, parts: usize) -> Vec<u16> {
    let parts = parts.max(1) as u16;
    let base = total / parts;
    let extra = total % parts;
    (0..parts).map(|i| base + u16::from(i < extra)).collect()
}

pub fn compute(
    size: (u16, u16),
    panes: usize,
    zoomed: Option<usize>,
    editor_lines: u16,
) -> AppLayout {
    let (width, height) = size;
    if width < MIN_WIDTH || height < MIN_HEIGHT {
        return AppLayout {
            panes: vec![Rect::default(); panes],
            too_small: true,
            ..AppLayout::default()
        };
    }
    let footer_height = 2;
    let footer = Rect::new(0, height - footer_height, width, footer_height);
    let body_height = height - footer_height;

    if let Some(zoomed) = zoomed.filter(|&z| z < panes) {
        let mut rects = vec![Rect::default(); panes];
        rects[zoomed] = Rect::new(0, 0, width, body_height);
        return AppLayout {
            panes: rects,
            editor: Rect::default(),
            footer,
            too_small: false,
        };
    }

    // The editor grows with its text, up to a third of the screen.
    let editor_height = (editor_lines.max(1) + 2).min((body_height / 3).max(3));
    let editor = Rect::new(0, body_height - editor_height, width, editor_height);
    let grid = Rect::new(0, 0, width, body_height - editor_height);

    let (rows, cols) = grid_shape(panes, grid);
    let mut rects = Vec::with_capacity(panes);
    if panes > 0 {
        let heights = split(grid.height, rows);
        let mut y = grid.y;
        let mut index = 0;
        for (row, &row_height) in heights.iter().enumerate() {
            let in_row = if row + 1 == rows { panes - index } else { cols };
            let widths = split(grid.width, in_row);
            let mut x = grid.x;
            for &w in &widths {
                rects.push(Rect::new(x, y, w, row_height));
                x += w;
                index += 1;
            }
            y += row_height;
        }
    }
    let too_small = rects
        .iter()
        .any(|r| r.width < MIN_PANE_WIDTH || r.height < MIN_PANE_HEIGHT);
    AppLayout {
        panes: rects,
        editor,
        footer,
        too_small,
    }
}

/// The overlay that compares two answers.
pub fn diff_box(screen: Rect) -> Rect {
    centered(
        screen,
        screen.width.saturating_sub(4),
        screen.height.saturating_sub(2),
    )
}

/// The diff's text: inside the box, a column of margin each side.
pub fn diff_text(screen: Rect) -> Rect {
    let inner = pane_inner(diff_box(screen));
    Rect::new(
        inner.x + 1,
        inner.y,
        inner.width.saturating_sub(2),
        inner.height,
    )
}

pub fn leaderboard_box(screen: Rect) -> Rect {
    centered(
        screen,
        screen.width.saturating_sub(4).min(130),
        screen.height.saturating_sub(2),
    )
}

pub fn details_box(screen: Rect) -> Rect {
    centered(
        screen,
        screen.width.saturating_sub(6).min(120),
        screen.height.saturating_sub(2),
    )
}

/// The help overlay: its box, its text in one or two columns, and how
/// many rows the longest column has.
#[derive(Clone, Debug)]
pub struct HelpLayout {
    pub rect: Rect,
    /// Each column's lines, wrapped to its width.
    pub columns: Vec<Vec<HelpLine>>,
    pub rows: usize,
}

impl HelpLayout {
    /// The rows visible at once.
    pub fn page(&self) -> usize {
        usize::from(self.rect.height.saturating_sub(2))
    }
}

/// One line of help.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HelpLine {
    Blank,
    Title(&'static str),
    /// Keys padded to the column's key width (blank on a continued line),
    /// and what they do.
    Row {
        keys: String,
        what: String,
    },
}

/// Help on a screen of `screen`, for a workbench focused on `focused`:
/// two columns when it is wide, as tall as its text when it fits, long
/// descriptions wrapped under themselves.
pub fn help(screen: Rect, focused: Context) -> HelpLayout {
    let width = screen.width.saturating_sub(4).min(150);
    let sections = keymap::help_sections(focused);
    let rows_of = |sections: &[HelpSection]| -> usize {
        sections.iter().map(|s| s.rows.len() + 1).sum::<usize>() + sections.len().saturating_sub(1)
    };
    let split = if width >= 110 {
        // The first sections fill the left column up to half the text.
        let half = rows_of(&sections).div_ceil(2);
        let mut left = Vec::new();
        let mut right = Vec::new();
        for section in sections {
            if rows_of(&left) < half {
                left.push(section);
            } else {
                right.push(section);
            }
        }
        vec![left, right]
    } else {
        vec![sections]
    };
    let count = u16::try_from(split.len()).unwrap_or(1).max(1);
    // Inside the border, a column apart.
    let column_width = usize::from(width.saturating_sub(2).saturating_sub(count - 1) / count);
    let columns: Vec<Vec<HelpLine>> = split
        .iter()
        .map(|sections| help_lines(sections, column_width))
        .collect();
    let rows = columns.iter().map(Vec::len).max().unwrap_or(0);
    let height = u16::try_from(rows + 2)
        .unwrap_or(u16::MAX)
        .min(screen.height);
    HelpLayout {
        rect: centered(screen, width, height),
        columns,
        rows,
    }
}

/// Sections as lines `width` wide: a blank line between sections, keys in a
/// column of their own, descriptions wrapped at words.
fn help_lines(sections: &[HelpSection], width: usize) -> Vec<HelpLine> {
    let key_width = sections
        .iter()
        .flat_map(|s| s.rows.iter())
        .map(|(keys, _)| keys.chars().count())
        .max()
        .unwrap_or(8)
        .min(width / 3);
    // " keys  what": a space before the keys, two after.
    let what_width = width.saturating_sub(key_width + 3).max(10);
    let mut lines = Vec::new();
    for section in sections {
        if !lines.is_empty() {
            lines.push(HelpLine::Blank);
        }
        lines.push(HelpLine::Title(section.title));
        for (keys, what) in &section.rows {
            for (index, part) in wrap_words(what, what_width).into_iter().enumerate() {
                let keys = if index == 0 { *keys } else { "" };
                lines.push(HelpLine::Row {
                    keys: format!(" {keys:<key_width$}  "),
                    what: part,
                });
            }
        }
    }
    lines
}

/// `text` in lines of at most `width` characters, broken between words.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let needed = line.chars().count() + usize::from(!line.is_empty()) + word.chars().count();
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    lines
}

/// The text area inside a pane's border (or any bordered box).
pub fn pane_inner(rect: Rect) -> Rect {
    Rect::new(
        rect.x.saturating_add(1),
        rect.y.saturating_add(1),
        rect.width.saturating_sub(2),
        rect.height.saturating_sub(2),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(count: usize, width: u16) -> (usize, usize) {
        grid_shape(count, Rect::new(0, 0, width, 40))
    }

    #[test]
    fn grids_fit_the_count() {
        assert_eq!(shape(1, 160), (1, 1));
        assert_eq!(shape(2, 160), (1, 2));
        assert_eq!(shape(3, 160), (1, 3));
        assert_eq!(shape(4, 160), (2, 2));
        assert_eq!(shape(6, 160), (2, 3));
        assert_eq!(shape(8, 160), (2, 4));
        assert_eq!(shape(9, 160), (3, 3));
    }

    #[test]
    fn narrow_terminals_stack() {
        assert_eq!(shape(3, 70), (3, 1));
        // Wide enough to stack side by side, but not for four columns.
        assert_eq!(shape(8, 100), (3, 3));
    }

    #[test]
    fn panes_tile_the_grid_exactly() {
        let layout = compute((160, 48), 5, None, 1);
        assert!(!layout.too_small);
        let area: u32 = layout
            .panes
            .iter()
            .map(|r| r.width as u32 * r.height as u32)
            .sum();
        let grid_height = 48 - 2 - layout.editor.height;
        assert_eq!(area, 160 * grid_height as u32);
        assert_eq!(layout.footer, Rect::new(0, 46, 160, 2));
    }

    #[test]
    fn zoom_gives_one_pane_the_body() {
        let layout = compute((120, 40), 3, Some(1), 1);
        assert_eq!(layout.panes[1], Rect::new(0, 0, 120, 38));
        assert_eq!(layout.panes[0], Rect::default());
        assert_eq!(layout.editor, Rect::default());
    }

    #[test]
    fn tiny_terminals_are_reported() {
        assert!(compute((30, 10), 2, None, 1).too_small);
        assert!(compute((80, 14), 8, None, 1).too_small);
        assert!(!compute((80, 24), 2, None, 1).too_small);
    }

    #[test]
    fn help_wraps_long_descriptions_under_themselves() {
        let lines = help_lines(
            &[HelpSection {
                title: "T",
                rows: vec![("Ctrl+B", "one two three four five six")],
            }],
            22,
        );
        assert_eq!(
            lines,
            vec![
                HelpLine::Title("T"),
                HelpLine::Row {
                    keys: " Ctrl+B  ".into(),
                    what: "one two three".into()
                },
                HelpLine::Row {
                    keys: "         ".into(),
                    what: "four five six".into()
                },
            ]
        );
        let wide = help(Rect::new(0, 0, 160, 60), Context::Editor);
        assert_eq!(wide.columns.len(), 2);
        let narrow = help(Rect::new(0, 0, 80, 60), Context::Editor);
        assert_eq!(narrow.columns.len(), 1);
        assert!(narrow.rows > wide.rows);
        assert_eq!(narrow.page(), 58, "as tall as the screen allows");
    }

    #[test]
    fn the_editor_grows_but_not_past_a_third() {
        assert_eq!(compute((100, 40), 2, None, 1).editor.height, 3);
        assert_eq!(compute((100, 40), 2, None, 5).editor.height, 7);
        assert_eq!(compute((100, 40), 2, None, 50).editor.height, 12);
    }
}
