//! Drawing tests: snapshots of the overlay and the styles text cannot show.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;

use super::tests::{columns, fallback, mark, type_query};
use super::*;

#[test]
fn page_moves_by_the_laid_out_height() {
    let mut state = columns(&[]);
    // 12 rows: box of 10 - 2 borders - query - header - status = 5 list rows.
    let rows = list_rows(Rect::new(0, 0, 100, 12));
    assert_eq!(rows, 5);
    state.set_page_rows(rows);
    state.apply(PickerAction::PageDown);
    assert_eq!(state.cursor_reference(), Some(state.visible()[5]));
}

#[test]
fn drawing_changes_nothing() {
    let mut state = columns(&[]);
    type_query(&mut state, "gpt");
    state.set_page_rows(3);
    for _ in 0..5 {
        state.apply(PickerAction::Down);
    }
    let before = format!("{state:?}");
    let mut buf = Buffer::empty(Rect::new(0, 0, 100, 40));
    state.render(buf.area, &mut buf, &Theme::monochrome());
    assert_eq!(format!("{state:?}"), before);
}

/// The overlay drawn on a 100x30 screen, as text.
fn screen(state: &PickerState) -> String {
    screen_of_size(state, 100, 30)
}

fn screen_of_size(state: &PickerState, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| state.render(frame.area(), frame.buffer_mut(), &Theme::monochrome()))
        .expect("draw");
    terminal.backend().to_string()
}

#[test]
fn snapshot_empty_query_by_price() {
    let mut state = columns(&["openai/gpt-4o", "anthropic/claude-sonnet-4.5"]);
    state.set_status("openrouter: cache, fetched 2h ago · refreshing…".to_string());
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn snapshot_search_sonnet() {
    let mut state = columns(&["openai/gpt-4o"]);
    type_query(&mut state, "sonnet");
    state.set_status("openrouter: live".to_string());
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn snapshot_fallback_with_two_marked() {
    let mut state = fallback();
    mark(&mut state, "anthropic/claude-sonnet-4.5");
    mark(&mut state, "openai/gpt-4o-mini");
    state.set_status(
        "openrouter: load failed (timed out) · using bundled snapshot of 2026-08-18".to_string(),
    );
    insta::assert_snapshot!(screen(&state));
}

#[test]
fn snapshot_wide_shows_names_and_unlisted_models() {
    let mut state = columns(&["vllm:mistral-7b", "openai/gpt-4o"]);
    state.apply(PickerAction::CycleSort); // Context
    state.apply(PickerAction::Down);
    state.set_status("openrouter: live · vllm: connection refused".to_string());
    insta::assert_snapshot!(screen_of_size(&state, 160, 40));
}

#[test]
fn snapshot_narrow_free_only() {
    let mut state = columns(&[]);
    state.apply(PickerAction::ToggleFree);
    type_query(&mut state, "nemotronnano");
    insta::assert_snapshot!(screen_of_size(&state, 80, 24));
}

#[test]
fn matched_letters_and_the_cursor_row_are_styled() {
    let mut state = columns(&[]);
    type_query(&mut state, "gpt4o");
    let theme = Theme::monochrome();
    let mut buf = Buffer::empty(Rect::new(0, 0, 100, 30));
    state.render(buf.area, &mut buf, &theme);
    let row_y = (0..30)
        .find(|&y| {
            (0..100)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
                .contains("openai/gpt-4o ")
        })
        .expect("row drawn");
    let bold: String = (0..100)
        .filter(|&x| buf[(x, row_y)].modifier.contains(Modifier::BOLD))
        .map(|x| buf[(x, row_y)].symbol().to_string())
        .collect();
    // The selected style is bold reversed in colour; in monochrome, reversed only.
    assert_eq!(
        bold.trim_matches('│'),
        "gpt4o",
        "only the matched letters (and the border)"
    );
    assert!(
        buf[(10, row_y)].modifier.contains(Modifier::REVERSED),
        "cursor row"
    );
}

#[test]
fn narrow_boxes_drop_the_name_then_the_prices() {
    let state = columns(&["vllm:mistral-7b"]);
    let theme = Theme::monochrome();
    let header = |width: u16| {
        let mut buf = Buffer::empty(Rect::new(0, 0, width, 20));
        state.render(buf.area, &mut buf, &theme);
        (0..20)
            .map(|y| (0..width).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .find(|line| line.contains("MODEL"))
            .expect("header drawn")
    };
    let wide = header(120);
    assert!(wide.contains("NAME") && wide.contains("$/M OUT"), "{wide}");
    let medium = header(70);
    assert!(
        !medium.contains("NAME") && medium.contains("CONTEXT") && medium.contains("$/M OUT"),
        "{medium}"
    );
    let narrow = header(40);
    assert!(
        !narrow.contains("CONTEXT") && !narrow.contains("$/M"),
        "{narrow}"
    );
    assert!(narrow.contains("MODEL"), "{narrow}");
}

#[test]
fn tiny_screens_draw_inside_the_box_without_panicking() {
    let mut state = columns(&["vllm:mistral-7b"]);
    type_query(&mut state, "o");
    let theme = Theme::monochrome();
    for width in 0..=45 {
        for height in 0..=12 {
            let area = Rect::new(0, 0, width, height);
            let mut buf = Buffer::empty(area);
            state.render(area, &mut buf, &theme);
            state.apply(PickerAction::Down);
        }
    }
    // On small screens the box fills the screen: the right edge stays border.
    for width in [14, 20, 30] {
        let mut buf = Buffer::empty(Rect::new(0, 0, width, 8));
        state.render(buf.area, &mut buf, &theme);
        for y in 1..7 {
            assert_eq!(buf[(width - 1, y)].symbol(), "│", "{width} wide, row {y}");
        }
    }
}

#[test]
fn long_ids_use_the_free_width_and_chains_are_not_missing_models() {
    let long = "some-vendor/an-extremely-long-model-identifier-that-goes-on-v2-instruct";
    let chain = "openai/gpt-4o,anthropic/claude-sonnet-4.5";
    let mut state = columns(&[long, chain, "router:cheap", "openai/gpt-4o"]);
    state.apply(PickerAction::ToggleFree);
    state.apply(PickerAction::ToggleFree);
    let shown = screen_of_size(&state, 200, 40);
    let row = |needle: &str| -> String {
        shown
            .lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no row with {needle}:\n{shown}"))
            .to_string()
    };
    // Cut at 44 columns before, with the box 200 wide.
    assert!(shown.contains(long), "{shown}");
    assert!(row(chain).contains("fallback chain of 2 models"));
    assert!(!row(chain).contains("not in the catalog"));
    assert!(row("router:cheap").contains("router: its rules pick the model"));
    assert!(row(long).contains("not in the catalog"));
    // Marks show the order the panes will have.
    assert!(row(long).contains("[1]"), "{}", row(long));
    assert!(row("router:cheap").contains("[3]"));
    // A free model says "free" once.
    let free = row("gpt-oss-20b:free");
    assert_eq!(
        free.matches("free").count(),
        3,
        "the id's, the name's and the tag, not the prices: {free}"
    );
    assert_eq!(free.matches("$0").count(), 2, "{free}");
}
