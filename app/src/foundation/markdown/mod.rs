//! Markdown to HTML. The browser preview and the server share [`to_html`], which never emits
//! raw HTML from the source and drops dangerous link schemes; the server additionally runs
//! every rendered body through ammonia ([`to_safe_html`]) before anyone sees it.
//!
//! Rendering is bounded whatever the text: nesting deeper than [`MAX_NESTING`] is flattened
//! (see [`nesting`]), so the work grows with the text's length only. Readers get it through
//! [`served`], off the async workers and within a time budget.

pub mod nesting;
#[cfg(feature = "ssr")]
pub mod served;
pub mod toolbar;

use pulldown_cmark::{html, CowStr, Event, Options, Parser, Tag};

pub use nesting::{check_nesting, MAX_NESTING};

/// The Markdown extensions sections and comments use.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

fn safe_url(url: &str) -> bool {
    let lower: String = url
        .trim()
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    match lower.split_once(':') {
        // No scheme, or the scheme is after a path/query/fragment character: a relative link.
        None => true,
        Some((scheme, _)) if scheme.contains(['/', '?', '#']) => true,
        Some((scheme, _)) => matches!(scheme, "http" | "https" | "mailto"),
    }
}

/// Renders Markdown: raw HTML in the source is shown as text, and links or images with a
/// scheme other than http, https or mailto lose their target.
pub fn to_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, safe_events(markdown));
    out
}

/// [`to_html`] for the section editor's preview in the browser, where this function, the
/// parser and its entity table are a module of their own, fetched the first time an editor's
/// preview needs them rather than with every section page.
#[leptos::prelude::lazy]
pub fn preview_html(markdown: String) -> String {
    to_html(&markdown)
}

/// The Markdown events [`to_html`] renders, for renderers that add their own markup (comment
/// passages highlighted in a section): never nested deeper than [`MAX_NESTING`].
pub fn safe_events(markdown: &str) -> impl Iterator<Item = Event<'_>> {
    nesting::capped(Parser::new_ext(markdown, options())).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::Borrowed("#"),
            title,
            id,
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) if !safe_url(&dest_url) => Event::Start(Tag::Image {
            link_type,
            dest_url: CowStr::Borrowed(""),
            title,
            id,
        }),
        other => other,
    })
}

/// Renders and sanitises: what the server stores and serves.
#[cfg(feature = "ssr")]
pub fn to_safe_html(markdown: &str) -> String {
    sanitise(&to_html(markdown))
}

/// Sanitises rendered HTML. `<mark>` may carry the class and thread number of a highlighted
/// comment passage; Markdown sources cannot produce such a tag (their raw HTML is text).
#[cfg(feature = "ssr")]
pub fn sanitise(html: &str) -> String {
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .add_tag_attributes("mark", &["class", "data-thread"])
        .clean(html)
        .to_string()
}

/// Markdown shown as written, escaped, for when rendering it did not finish in time: the
/// reader still gets every word, and nothing in it is live.
pub fn unformatted_html(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len() + 160);
    out.push_str("<p class=\"unformatted-note\">This text is shown as written: laying it out took too long.</p>\n<pre class=\"unformatted\">");
    for c in markdown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out.push_str("</pre>\n");
    out
}

/// The start of a Markdown comment as one line of plain text, for inbox listings.
pub fn excerpt(markdown: &str, max_chars: usize) -> String {
    let flat = markdown
        .chars()
        .filter(|c| !"*_`#>[]".contains(*c))
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if flat.chars().count() <= max_chars {
        return flat;
    }
    let cut: String = flat.chars().take(max_chars).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Blank lines keep each line its own block, so the links are parsed as links.
    const HOSTILE: &str = r#"# Plan

<script>alert('x')</script>

<img src=x onerror="alert(1)">

<a href="javascript:alert(1)">click</a>

[link](javascript:alert(2)) [also](JaVaScRiPt:alert(3)) [encoded](&#106;avascript:alert(4))

![img](javascript:alert(5))

<iframe src="https://evil.example"></iframe>

<div style="background:url(javascript:alert(6))" onclick="alert(7)">x</div>

[data](data:text/html;base64,PHNjcmlwdD4=) [ok](https://example.org)
"#;

    /// Every real tag in the output (text `<` is escaped as `&lt;`, so a literal `<` opens one).
    fn tags(html: &str) -> Vec<String> {
        html.split('<')
            .skip(1)
            .map(|t| t.split('>').next().unwrap_or("").to_lowercase())
            .collect()
    }

    fn assert_harmless(html: &str) {
        for tag in tags(html) {
            let name = tag
                .trim_start_matches('/')
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_owned();
            assert!(
                !["script", "iframe", "object", "embed", "style"].contains(&name.as_str()),
                "tag {tag} in {html}"
            );
            assert!(
                !tag.contains("javascript:") && !tag.contains("data:"),
                "url in {tag}"
            );
            assert!(
                !tag.split_whitespace()
                    .skip(1)
                    .any(|attr| attr.starts_with("on") || attr.starts_with("style=")),
                "attribute in {tag}"
            );
        }
    }

    #[test]
    fn preview_renderer_neutralises_hostile_markdown() {
        let html = to_html(HOSTILE);
        assert_harmless(&html);
        // The links are still links, just without a dangerous target.
        assert!(html.contains("<a href=\"#\">link</a>"), "{html}");
        assert!(
            html.contains("<a href=\"https://example.org\">ok</a>"),
            "{html}"
        );
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn served_html_survives_no_script_handler_or_javascript_link() {
        let html = to_safe_html(HOSTILE);
        assert_harmless(&html);
        assert!(html.contains("<h1>Plan</h1>"));
    }

    #[test]
    fn ordinary_markdown_renders() {
        let html =
            to_html("Some **bold** and a [link](https://example.org/a?b=c) and [rel](/plans/1).");
        assert!(html.contains("<strong>bold</strong>"));
        assert!(html.contains("href=\"https://example.org/a?b=c\""));
        assert!(html.contains("href=\"/plans/1\""));
    }

    #[test]
    fn unformatted_text_keeps_every_word_and_nothing_live() {
        let html = unformatted_html("<script>alert('x')</script> & \"more\"");
        assert!(
            html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;more&quot;")
        );
        assert!(!html.contains("<script"));
    }

    #[test]
    fn excerpts_are_short_plain_lines() {
        assert_eq!(excerpt("**Bold** point\n\nnext", 100), "Bold point next");
        assert_eq!(excerpt("abcdef", 3), "abc…");
    }
}
