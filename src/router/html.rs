//! An HTML page where an answer or a list was expected (a captive portal, a
//! proxy's login), named by its title: never the markup itself.

/// How much of a page is searched for its title.
const TITLE_SEARCH_BYTES: usize = 16 * 1024;

/// The body starts like an HTML document.
pub fn is_html(body: &[u8]) -> bool {
    let start = body.trim_ascii_start();
    let head: Vec<u8> = start.iter().take(16).map(u8::to_ascii_lowercase).collect();
    head.starts_with(b"<!doctype html") || head.starts_with(b"<html") || head.starts_with(b"<head")
}

/// "HTML page from the server (title: Hotel Wi-Fi login)", or "(no
/// title)": never the markup itself.
pub fn html_summary(body: &[u8]) -> String {
    match html_title(body) {
        Some(title) => format!("HTML page from the server (title: {title})"),
        None => "HTML page from the server (no title)".into(),
    }
}

/// The text of the first `<title>`, entities for `& < > " '` decoded,
/// whitespace collapsed, at most 80 characters.
fn html_title(body: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(&body[..body.len().min(TITLE_SEARCH_BYTES)]);
    let lower = text.to_ascii_lowercase();
    let open = lower.find("<title")?;
    let start = open + lower[open..].find('>')? + 1;
    let end = start + lower[start..].find("</title")?;
    let raw = &text[start..end];
    let decoded = raw
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let title = decoded.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then(|| crate::units::clip(&title, 80))
}
