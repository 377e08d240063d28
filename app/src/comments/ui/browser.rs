//! The browser-only parts: reading the reader's text selection, and polling for new comments
//! while the tab is visible. Without the WebAssembly bundle both do nothing; the quote field
//! and a reload do the same work.

/// A passage selected in the rendered section, with the text just around it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selected {
    /// The selected text.
    pub quote: String,
    /// Text just before it.
    pub prefix: String,
    /// Text just after it.
    pub suffix: String,
}

#[cfg(feature = "hydrate")]
mod imp {
    use super::Selected;
    use crate::comments::domain::{normalise_space, CONTEXT_CHARS};

    fn tail(s: &str) -> String {
        let chars: Vec<char> = s.chars().collect();
        chars[chars.len().saturating_sub(CONTEXT_CHARS)..]
            .iter()
            .collect()
    }

    fn head(s: &str) -> String {
        s.chars().take(CONTEXT_CHARS).collect()
    }

    /// The current selection, if it is non-empty and lies inside `container`.
    pub fn selection_in(container: &web_sys::HtmlElement) -> Option<Selected> {
        let selection = web_sys::window()?.get_selection().ok()??;
        if selection.is_collapsed() || selection.range_count() == 0 {
            return None;
        }
        let range = selection.get_range_at(0).ok()?;
        let node: &web_sys::Node = container.as_ref();
        let common = range.common_ancestor_container().ok()?;
        if !node.contains(Some(&common)) {
            return None;
        }
        let quote = normalise_space(&String::from(range.to_string()));
        if quote.is_empty() {
            return None;
        }
        let document = web_sys::window()?.document()?;
        let before = document.create_range().ok()?;
        before.select_node_contents(node).ok()?;
        before
            .set_end(&range.start_container().ok()?, range.start_offset().ok()?)
            .ok()?;
        let after = document.create_range().ok()?;
        after.select_node_contents(node).ok()?;
        after
            .set_start(&range.end_container().ok()?, range.end_offset().ok()?)
            .ok()?;
        // Keep the space next to the quote: the server compares context word for word.
        let before = normalise_space(&String::from(before.to_string()));
        let after = normalise_space(&String::from(after.to_string()));
        Some(Selected {
            quote,
            prefix: tail(&format!("{before} ")),
            suffix: head(&format!(" {after}")),
        })
    }

    /// Whether the page is being looked at (polling stops in background tabs).
    pub fn page_visible() -> bool {
        web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.visibility_state() == web_sys::VisibilityState::Visible)
    }
}

#[cfg(feature = "hydrate")]
pub use imp::{page_visible, selection_in};
