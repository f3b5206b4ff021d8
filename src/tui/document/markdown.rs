//! Markdown for answers, one logical line at a time so streaming stays
//! incremental: a line's look depends only on its own text and on whether
//! it sits inside a ``` or ~~~ fence (the only state carried between lines).
//! Block markers are read here; inline markup goes to pulldown-cmark.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::line::{Flow, LineWriter, Roles, expand_tabs};
use crate::sanitize::sanitize;
use crate::tui::glyphs;
use crate::tui::theme::TextStyle;

/// An open code fence: its marker ('`' or '~'), run length and indentation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Fence {
    marker: u8,
    run: usize,
    indent: usize,
}

/// What one line carries to the next: the fence it opened, if any.
pub(super) type State = Option<Fence>;

/// Renders one line of an answer, updating the fence state.
///
/// Not CommonMark block parsing, on purpose: setext headings, indented code
/// blocks and lazy continuations are not recognised (`---` under a line is a
/// rule); a line starting with `|` outside a table stays exactly as written
/// (tables themselves are drawn by `table.rs`, as `Block` finds them); fences
/// are recognised at any indentation, so fences inside list items work, but
/// not inside quotes. A link shows its text as Link, then its target dimmed
/// (`text (url)`).
pub(super) fn answer_line(source: &str, state: &mut State, line: &mut LineWriter) {
    let text = expand_tabs(source);
    let text = text.as_ref();
    let indent = text.len() - text.trim_start_matches(' ').len();
    let rest = &text[indent..];

    if let Some(fence) = *state {
        if closes(fence, indent, rest) {
            *state = None;
            line.push(&text[..indent], Roles::default());
            line.push(FENCE_BAR, Roles::of(TextStyle::CodeFence));
        } else {
            let code = Roles::of(TextStyle::CodeBlock);
            line.push(text, code);
            line.flow = Flow::Chars;
            line.fill = Some(code);
        }
        return;
    }
    if let Some(fence) = opens(indent, rest) {
        *state = Some(fence);
        // The fence shows the code's language, not its backticks.
        let language = rest[fence.run..].split_whitespace().next().unwrap_or("");
        line.push(&text[..indent], Roles::default());
        line.push(FENCE_BAR, Roles::of(TextStyle::CodeFence));
        if !language.is_empty() {
            line.push(" ", Roles::of(TextStyle::CodeFence));
            line.push(language, Roles::of(TextStyle::CodeFence));
        }
        return;
    }
    if is_rule(rest) {
        line.flow = Flow::Rule;
        return;
    }
    containers_and_content(text, indent, line);
}

fn containers_and_content(text: &str, indent: usize, line: &mut LineWriter) {
    let mut roles = Roles::default();
    let mut hang = String::new();
    let mut quoted = false;
    let mut any_container = false;
    let mut at = indent;
    line.push(&text[..indent], roles);
    hang.push_str(&text[..indent]);
    loop {
        let rest = &text[at..];
        if let Some(after) = rest.strip_prefix('>') {
            quoted = true;
            roles = roles.with(TextStyle::Quote);
            line.push("│ ", roles);
            hang.push_str("│ ");
            at += 1 + usize::from(after.starts_with(' '));
        } else if let Some(marker_len) = list_marker(rest) {
            let marker = &rest[..marker_len];
            let shown = if marker_len == 1 { "•" } else { marker };
            line.push(shown, roles.with(TextStyle::ListMarker));
            line.push(" ", roles);
            let cells = unicode_width::UnicodeWidthStr::width(shown) + 1;
            hang.extend(std::iter::repeat_n(' ', cells));
            at += marker_len + usize::from(rest[marker_len..].starts_with(' '));
        } else {
            break;
        }
        any_container = true;
        // Spaces between markers show nesting ("> - a", ">   - b"); spaces
        // before the content are dropped.
        let spaces = text[at..].len() - text[at..].trim_start_matches(' ').len();
        let next = &text[at + spaces..];
        if next.starts_with('>') || list_marker(next).is_some() {
            line.push(&text[at..at + spaces], roles);
            hang.push_str(&text[at..at + spaces]);
        }
        at += spaces;
    }
    if any_container {
        line.hang = hang;
        line.hang_roles = if quoted {
            Roles::of(TextStyle::Quote)
        } else {
            Roles::default()
        };
    }
    line.start_content();
    let content = &text[at..];
    if let Some((level, heading)) = heading_text(content) {
        let roles = roles.with(TextStyle::Heading);
        line.push(HEADING_MARKS[level.min(HEADING_MARKS.len()) - 1], roles);
        line.push(" ", roles);
        line.start_content();
        inline(heading, roles, line);
    } else if opens(0, content).is_some() || is_rule(content) || content.starts_with('|') {
        // A fence or rule after a marker is not followed, and table rows keep
        // their exact text so columns padded by the model stay aligned.
        line.push(content, roles);
    } else {
        inline(content, roles, line);
    }
}

/// `-`, `*`, `+` or 1–9 digits and `.`/`)`, then a space or the end: the marker's length.
fn list_marker(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let len = match bytes.first()? {
        b'-' | b'*' | b'+' => 1,
        b'0'..=b'9' => {
            let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
            match bytes.get(digits) {
                Some(b'.' | b')') if digits <= 9 => digits + 1,
                _ => return None,
            }
        }
        _ => return None,
    };
    matches!(bytes.get(len), None | Some(b' ')).then_some(len)
}

/// A code fence's row: a bar, then the language when one is given.
const FENCE_BAR: &str = "───";

/// What sets heading levels apart, from the heaviest: `#` is █, `##` ▓, `###` ▒, deeper ░.
const HEADING_MARKS: [&str; 4] = ["█", "▓", "▒", "░"];

/// The level and text of an ATX heading (`## Title ##` → (2, "Title")), or None.
fn heading_text(content: &str) -> Option<(usize, &str)> {
    let hashes = content.bytes().take_while(|b| *b == b'#').count();
    if !(1..=6).contains(&hashes) || !matches!(content.as_bytes().get(hashes), None | Some(b' ')) {
        return None;
    }
    let title = content[hashes..].trim();
    // An optional closing run of '#' counts only after a space (or alone).
    let without_closing = title.trim_end_matches('#');
    let text = if without_closing.is_empty() {
        ""
    } else if without_closing.ends_with(' ') {
        without_closing.trim_end()
    } else {
        title
    };
    Some((hashes, text))
}

fn opens(indent: usize, rest: &str) -> Option<Fence> {
    let marker = *rest.as_bytes().first()?;
    if marker != b'`' && marker != b'~' {
        return None;
    }
    let run = rest.bytes().take_while(|b| *b == marker).count();
    // A backtick fence's info string may not hold a backtick (that is inline code).
    if run < 3 || (marker == b'`' && rest[run..].contains('`')) {
        return None;
    }
    Some(Fence {
        marker,
        run,
        indent,
    })
}

/// A closing fence: the same marker, at least as long, nothing after it,
/// indented at most 3 more spaces than the opening one.
fn closes(fence: Fence, indent: usize, rest: &str) -> bool {
    let run = rest.bytes().take_while(|b| *b == fence.marker).count();
    run >= fence.run && indent <= fence.indent + 3 && rest[run..].trim().is_empty()
}

/// `---`, `***`, `___`, spaces allowed between: a thematic break.
fn is_rule(rest: &str) -> bool {
    let Some(marker) = rest.bytes().find(|b| *b != b' ') else {
        return false;
    };
    matches!(marker, b'-' | b'*' | b'_')
        && rest.bytes().all(|b| b == marker || b == b' ')
        && rest.bytes().filter(|b| *b == marker).count() >= 3
}

/// Inline markup of one line's content (block markers already removed)
/// through pulldown-cmark, which owns CommonMark's emphasis rules.
pub(super) fn inline(content: &str, base: Roles, line: &mut LineWriter) {
    const INLINE_SYNTAX: &[u8] = b"*_~`[<&\\";
    if !content.bytes().any(|b| INLINE_SYNTAX.contains(&b)) {
        line.push(content, base);
        return;
    }
    // Escape what pulldown-cmark would read as the start of a block, so the
    // content always parses as one paragraph.
    let escaped;
    let input = if needs_escape(content) {
        escaped = format!("\\{content}");
        escaped.as_str()
    } else {
        content
    };
    let mut stack = vec![base];
    // Open links: their target and where their text starts in the arena.
    let mut links: Vec<(pulldown_cmark::CowStr, usize)> = Vec::new();
    for event in Parser::new_ext(input, Options::ENABLE_STRIKETHROUGH) {
        let roles = stack.last().copied().unwrap_or(base);
        match event {
            Event::Start(tag) => {
                // pulldown-cmark's tags: only these style inline text.
                #[allow(clippy::wildcard_enum_match_arm)]
                let added = match tag {
                    Tag::Emphasis => roles.with(TextStyle::Emphasis),
                    Tag::Strong => roles.with(TextStyle::Strong),
                    Tag::Strikethrough => roles.with(TextStyle::Strike),
                    Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                        links.push((dest_url, line.len()));
                        roles.with(TextStyle::Link)
                    }
                    _ => roles,
                };
                stack.push(added);
            }
            Event::End(end) => {
                if stack.len() > 1 {
                    stack.pop();
                }
                if matches!(end, TagEnd::Link | TagEnd::Image)
                    && let Some((url, text_start)) = links.pop()
                {
                    show_target(&url, text_start, roles, line);
                }
            }
            Event::Code(text) => push_parsed(&text, roles.with(TextStyle::Code), line),
            Event::Text(text)
            | Event::Html(text)
            | Event::InlineHtml(text)
            | Event::InlineMath(text)
            | Event::DisplayMath(text)
            | Event::FootnoteReference(text) => push_parsed(&text, roles, line),
            Event::SoftBreak | Event::HardBreak => line.push(" ", roles),
            Event::TaskListMarker(done) => line.push(if done { "[x] " } else { "[ ] " }, roles),
            Event::Rule => {}
        }
    }
}

/// A link's target after its text, `text (url)`, unless the text already
/// is the target (`<https://…>`). Shown rather than sent as an OSC 8
/// hyperlink: an escape sequence cannot pass through ratatui's cells.
fn show_target(url: &str, text_start: usize, roles: Roles, line: &mut LineWriter) {
    let url = crate::sanitize::one_line(url);
    let url = glyphs::for_screen(&url);
    let text = line.text_since(text_start);
    if url.is_empty() || text == url || url.strip_prefix("mailto:") == Some(text) {
        return;
    }
    let roles = Roles(roles.0 & !Roles::of(TextStyle::Link).0).with(TextStyle::Dim);
    line.push(" (", roles);
    line.push(&url, roles);
    line.push(")", roles);
}

fn needs_escape(content: &str) -> bool {
    match content.as_bytes().first() {
        Some(b'#' | b'>' | b'-' | b'+' | b'=' | b'|') => true,
        Some(b'0'..=b'9') => list_marker(content).is_some(),
        // "[label]: url" would vanish as a link reference definition.
        Some(b'[') => content
            .find(']')
            .is_some_and(|close| content[close + 1..].starts_with(':')),
        _ => false,
    }
}

/// Parsed text can hold characters the source did not: `&#27;` decodes to
/// ESC and `&#8232;` to U+2028, so it goes through `sanitize` and the glyph
/// rule again; newlines and tabs become spaces.
fn push_parsed(text: &str, roles: Roles, line: &mut LineWriter) {
    let sanitized = sanitize(text);
    let clean = glyphs::for_screen(&sanitized);
    if clean.contains(['\n', '\t']) {
        let flat: String = clean
            .chars()
            .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
            .collect();
        line.push(&flat, roles);
    } else {
        line.push(&clean, roles);
    }
}
