//! What comment threads and the inbox show: plain data that crosses the wire.

use serde::{Deserialize, Serialize};

/// Where a thread's passage stands in the section's current text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AnchorState {
    /// The thread is about the whole section.
    Section,
    /// The quoted passage is still there (and highlighted).
    Present,
    /// The quoted passage was edited away.
    Changed,
    /// Not looked for this time (the server was too busy): the quote is shown, unmarked.
    Unchecked,
}

/// One comment in a thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    /// Database id.
    pub id: i64,
    /// Author's name.
    pub author: String,
    /// Sanitised HTML of the body; empty once deleted.
    pub html: String,
    /// The Markdown source, for its author's edit form only.
    pub source: Option<String>,
    /// When written, Unix seconds.
    pub created_at: i64,
    /// When last edited.
    pub edited_at: Option<i64>,
    /// Whether it was deleted.
    pub deleted: bool,
    /// Whether the viewer may edit it.
    pub can_edit: bool,
    /// Whether the viewer may delete it.
    pub can_delete: bool,
}

/// Who did something and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stamp {
    /// Their name.
    pub by: String,
    /// Unix seconds.
    pub at: i64,
}

/// A thread with its comments in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    /// Database id (the page anchor is `thread-{id}`).
    pub id: i64,
    /// The quoted passage, if the thread is about one.
    pub quote: Option<String>,
    /// Whether the passage is still in the text.
    pub anchor: AnchorState,
    /// Who started it.
    pub started: Stamp,
    /// Set while resolved.
    pub resolved: Option<Stamp>,
    /// The last reopening, if any.
    pub reopened: Option<Stamp>,
    /// Comments, oldest first.
    pub comments: Vec<CommentView>,
}

/// A cheap fingerprint of a section's comment activity: it changes whenever a comment is
/// added, edited or deleted, a thread is resolved or reopened, or the section text is saved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Activity {
    /// Comments on the section.
    pub comments: i64,
    /// Latest comment id, edit, deletion, resolution and reopening times, resolved threads and
    /// the section's version: each only grows while nothing else changes, so any change shows.
    pub stamp: [i64; 7],
}

/// A section's threads and the section text with their passages marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadsOfSection {
    pub plan_id: i64,
    pub section_id: i64,
    /// The section's sanitised HTML with commented passages in `<mark>`.
    pub html: String,
    /// Threads, oldest first.
    pub threads: Vec<ThreadView>,
    /// Threads not resolved.
    pub open_count: i64,
    /// Whether the viewer may start threads and reply.
    pub can_comment: bool,
    /// The activity fingerprint these threads reflect.
    pub activity: Activity,
}

/// The section page shows the text in its HTML (`inner_html`, left alone by hydration), so the
/// page's data carries the threads without it. Threads that came without the text (the editor
/// shows it) stay without: the page draws no text for them, and hydration must not either.
impl crate::foundation::loaded::ShownInPage for ThreadsOfSection {
    fn as_carried(&self) -> Self {
        let html = if self.html.is_empty() {
            String::new()
        } else {
            crate::foundation::loaded::SHOWN_IN_PAGE.to_owned()
        };
        ThreadsOfSection {
            html,
            threads: self.threads.clone(),
            ..*self
        }
    }
}

/// Someone the `@` suggestions offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSuggestion {
    /// Display name (what to write after `@`).
    pub name: String,
    /// Email address, to tell namesakes apart.
    pub email: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::foundation::loaded::{ShownInPage, SHOWN_IN_PAGE};

    fn threads(html: &str) -> ThreadsOfSection {
        ThreadsOfSection {
            plan_id: 1,
            section_id: 2,
            html: html.to_owned(),
            threads: Vec::new(),
            open_count: 3,
            can_comment: true,
            activity: Activity {
                comments: 4,
                stamp: [5; 7],
            },
        }
    }

    #[test]
    fn the_page_carries_the_threads_without_the_text_it_shows() {
        let carried = threads("<p>The text, <mark>marked</mark>.</p>").as_carried();
        assert_eq!(carried.html, SHOWN_IN_PAGE);
        assert_eq!(
            carried,
            ThreadsOfSection {
                html: SHOWN_IN_PAGE.to_owned(),
                ..threads("")
            }
        );
    }

    #[test]
    fn threads_without_the_text_stay_without_it_in_the_page() {
        // The editor shows the text: the page draws none beside the threads, so hydration
        // must find none either.
        assert_eq!(threads("").as_carried(), threads(""));
    }
}
