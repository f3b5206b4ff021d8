//! Where the live view's parts go, as pure functions of the screen size:
//! the view draws with them and the reducer pages with them.

use ratatui::layout::Rect;

/// The view's regions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Areas {
    pub header: Rect,
    pub grid: Rect,
    pub summary: Rect,
    /// Only on a wide enough screen (`c` shows it full screen anywhere).
    pub chart: Option<Rect>,
    pub footer: Rect,
}

/// A screen at least this wide puts the summary and chart beside the grid.
pub const WIDE: u16 = 120;
/// A chart needs this many rows to say anything.
const CHART_MIN_ROWS: u16 = 10;
/// Answers side by side are at least this wide.
pub const CASE_PANE_MIN_WIDTH: u16 = 30;

pub fn areas(area: Rect, columns: usize) -> Areas {
    let header = Rect {
        height: area.height.min(1),
        ..area
    };
    let footer = Rect {
        y: area.bottom().saturating_sub(1),
        height: area.height.saturating_sub(1).min(1),
        ..area
    };
    let body = Rect {
        y: area.y + header.height,
        height: area.height.saturating_sub(header.height + footer.height),
        ..area
    };
    // Borders, the header row, a row per column.
    let wanted = u16::try_from(columns).unwrap_or(u16::MAX).saturating_add(3);
    if body.width >= WIDE {
        let grid_width = body.width * 55 / 100;
        let grid = Rect {
            width: grid_width,
            ..body
        };
        let right = Rect {
            x: body.x + grid_width,
            width: body.width - grid_width,
            ..body
        };
        let summary_height = wanted.min(right.height / 2).max(right.height.min(4));
        let summary = Rect {
            height: summary_height,
            ..right
        };
        let rest = right.height - summary_height;
        let chart = (rest >= CHART_MIN_ROWS).then_some(Rect {
            y: right.y + summary_height,
            height: rest,
            ..right
        });
        Areas {
            header,
            grid,
            summary,
            chart,
            footer,
        }
    } else {
        let summary_height = wanted.min(body.height / 2);
        let grid = Rect {
            height: body.height - summary_height,
            ..body
        };
        let summary = Rect {
            y: body.y + grid.height,
            height: summary_height,
            ..body
        };
        Areas {
            header,
            grid,
            summary,
            chart: None,
            footer,
        }
    }
}

/// Case rows the grid shows (borders and its header row take three).
pub fn grid_rows(size: (u16, u16), columns: usize) -> usize {
    let area = Rect::new(0, 0, size.0, size.1);
    usize::from(areas(area, columns).grid.height.saturating_sub(3)).max(1)
}

/// How many answers fit side by side.
pub fn case_panes(width: u16, columns: usize) -> usize {
    usize::from(width / CASE_PANE_MIN_WIDTH).clamp(1, columns.max(1))
}

/// Rows of the case view's answers (title, prompt and footer take the rest).
pub fn case_page(size: (u16, u16)) -> u16 {
    size.1.saturating_sub(8).max(1)
}

/// The grid's columns: the width of the case ids, of each column, and how
/// many columns fit from the first shown.
pub fn grid_columns(width: u16, longest_id: usize, columns: usize) -> (u16, u16, usize) {
    let inner = width.saturating_sub(2);
    let id_width = u16::try_from(longest_id)
        .unwrap_or(u16::MAX)
        .clamp(4, 24)
        .min(inner / 3);
    let left = inner.saturating_sub(id_width + 1);
    let count = u16::try_from(columns).unwrap_or(u16::MAX).max(1);
    // Each column at least 6 wide ("✓✓✓ " and a little), at most 28.
    let fit = (left / 7).clamp(1, count);
    let column_width = (left / fit).saturating_sub(1).min(28);
    (id_width, column_width, usize::from(fit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_screens_put_summary_and_chart_beside_the_grid() {
        let wide = areas(Rect::new(0, 0, 160, 48), 4);
        assert_eq!(wide.grid, Rect::new(0, 1, 88, 46));
        assert_eq!(wide.summary, Rect::new(88, 1, 72, 7));
        assert_eq!(wide.chart, Some(Rect::new(88, 8, 72, 39)));
        assert_eq!(wide.footer, Rect::new(0, 47, 160, 1));
        let narrow = areas(Rect::new(0, 0, 80, 24), 4);
        assert_eq!(narrow.chart, None);
        assert_eq!(narrow.grid, Rect::new(0, 1, 80, 15));
        assert_eq!(narrow.summary, Rect::new(0, 16, 80, 7));
        assert_eq!(grid_rows((80, 24), 4), 12);
        // Absurd sizes leave empty regions, never a panic.
        let tiny = areas(Rect::new(0, 0, 3, 1), 300);
        assert_eq!(tiny.grid.height, 0);
        assert_eq!(grid_rows((0, 0), 0), 1);
    }

    #[test]
    fn grid_columns_fit_the_width() {
        assert_eq!(grid_columns(80, 10, 4), (10, 15, 4));
        let (_, width, fit) = grid_columns(80, 40, 30);
        assert!(width >= 6 && fit < 30);
        assert_eq!(case_panes(80, 5), 2);
        assert_eq!(case_panes(200, 2), 2);
        assert_eq!(case_panes(10, 0), 1);
    }
}
