//! What the inbox shows: plain data that crosses the wire.

use serde::{Deserialize, Serialize};

/// What an inbox item is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InboxKind {
    /// Someone mentioned the person.
    Mention,
    /// Someone replied in a thread the person is in.
    Reply,
    /// Someone asked the person to review (once reviews exist).
    ReviewRequest,
}

impl InboxKind {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxKind::Mention => "mention",
            InboxKind::Reply => "reply",
            InboxKind::ReviewRequest => "review_request",
        }
    }

    /// Parses the stored form.
    pub fn parse(raw: &str) -> Option<Self> {
        [
            InboxKind::Mention,
            InboxKind::Reply,
            InboxKind::ReviewRequest,
        ]
        .into_iter()
        .find(|k| k.as_str() == raw)
    }
}

/// One item in the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEntry {
    /// Database id.
    pub id: i64,
    /// What happened.
    pub kind: InboxKind,
    /// Who did it.
    pub actor: Option<String>,
    /// The plan's title.
    pub plan_title: String,
    /// The section's title.
    pub section_title: Option<String>,
    /// Where to go: the thread on its section page.
    pub link: String,
    /// The start of the comment, as plain text (empty once deleted).
    pub excerpt: String,
    /// When, Unix seconds.
    pub created_at: i64,
    /// Whether it was marked read.
    pub read: bool,
}

/// The inbox page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxView {
    /// Newest first.
    pub items: Vec<InboxEntry>,
    /// How many are unread.
    pub unread: i64,
}
