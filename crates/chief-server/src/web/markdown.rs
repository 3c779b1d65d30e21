//! Markdown to HTML for pages that show text chief or a model wrote (a
//! briefing). pulldown-cmark renders it; raw HTML in the source is shown as
//! text, never passed through, and links or images to anything but http,
//! https, mailto or a path on this site lose their target, so a
//! `javascript:` URL cannot run.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Whether a link target is safe to keep.
fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|p| lower.starts_with(p))
        || (lower.starts_with('/') && !lower.starts_with("//"))
        || lower.starts_with('#')
}

/// `markdown` as HTML that is safe to put in a page.
pub fn to_safe_html(markdown: &str) -> String {
    let mut dropped_links = 0usize;
    let events = Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    )
    .filter_map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Some(Event::Text(raw)),
        Event::Start(Tag::Link { dest_url, .. }) if !safe_url(&dest_url) => {
            dropped_links += 1;
            None
        }
        Event::Start(Tag::Image { dest_url, .. }) if !safe_url(&dest_url) => {
            dropped_links += 1;
            None
        }
        Event::End(TagEnd::Link | TagEnd::Image) if dropped_links > 0 => {
            dropped_links -= 1;
            None
        }
        Event::Start(Tag::Image {
            dest_url, title, ..
        }) => {
            // Images would load from elsewhere; show the address instead.
            Some(Event::Text(CowStr::from(format!(
                "[image: {dest_url}{title}]"
            ))))
        }
        Event::End(TagEnd::Image) => None,
        other => Some(other),
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn markdown_renders_and_html_in_it_is_escaped() {
        let out = to_safe_html("# Plan\n\n- **P1** Call <b>Ann</b>\n\n<script>alert(1)</script>\n");
        assert!(out.contains("<h1>Plan</h1>"), "{out}");
        assert!(out.contains("<strong>P1</strong>"), "{out}");
        assert!(out.contains("&lt;b&gt;Ann&lt;/b&gt;"), "{out}");
        assert!(!out.contains("<script>"), "{out}");
    }

    #[test]
    fn a_javascript_link_keeps_its_text_but_loses_its_target() {
        let out = to_safe_html("[click](javascript:alert(1)) and [site](https://example.com)");
        assert!(!out.contains("javascript"), "{out}");
        assert!(out.contains("click"));
        assert!(
            out.contains(r#"<a href="https://example.com">site</a>"#),
            "{out}"
        );
    }
}
