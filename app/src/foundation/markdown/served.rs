//! Markdown rendered for readers: on the CPU lanes ([`crate::foundation::cpu`]) rather than
//! the async workers, within [`READ_BUDGET`]. A rendering that does not finish in time is
//! replaced by the text as written ([`super::unformatted_html`]), so a reader never waits on
//! it and never loses a word.

use std::sync::Arc;

use crate::foundation::cpu::{self, READ_BUDGET};

/// `markdown` rendered and sanitised, or shown as written if that took too long.
pub async fn safe_html(markdown: String) -> String {
    safe_html_all(vec![markdown])
        .await
        .pop()
        .unwrap_or_default()
}

/// Several texts (a thread's comments, a plan version's sections) rendered in one job; each
/// shown as written if the job took too long.
pub async fn safe_html_all(markdowns: Vec<String>) -> Vec<String> {
    let texts = Arc::new(markdowns);
    let job = Arc::clone(&texts);
    let rendered = cpu::run("render markdown", READ_BUDGET, move || {
        job.iter().map(|m| super::to_safe_html(m)).collect()
    })
    .await;
    rendered.unwrap_or_else(|_| texts.iter().map(|m| super::unformatted_html(m)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn readers_get_sanitised_html() {
        let html = safe_html("**bold** <script>x</script>".into()).await;
        assert!(html.contains("<strong>bold</strong>"), "{html}");
        assert!(!html.contains("<script"), "{html}");
    }

    #[tokio::test]
    async fn several_texts_come_back_in_order() {
        let html = safe_html_all(vec!["*one*".into(), "two".into()]).await;
        assert_eq!(html, vec!["<p><em>one</em></p>\n", "<p>two</p>\n"]);
    }
}
