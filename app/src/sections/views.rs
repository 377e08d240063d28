//! What section pages show and what a save answers.

use serde::{Deserialize, Serialize};

use super::diff::DiffPart;

/// A section with everything its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionDetail {
    /// Database id.
    pub id: i64,
    /// The plan it belongs to.
    pub plan_id: i64,
    /// The plan's title.
    pub plan_title: String,
    pub title: String,
    /// Guidance from the template.
    pub guidance: String,
    /// Markdown source (empty from `section_page` unless editing).
    pub body: String,
    /// Sanitised HTML of the body (empty from `section_page`).
    pub html: String,
    /// Saves so far (the version a save must be based on).
    pub version: i64,
    /// PSGs it serves.
    pub psgs: Vec<u8>,
    /// R2P pillars it serves.
    pub pillars: Vec<u8>,
    /// Who changed it last.
    pub updated_by: Option<String>,
    /// Their organisation at the time.
    pub updated_by_org: Option<String>,
    /// When, Unix seconds.
    pub updated_at: i64,
    /// Whether it was removed (it can be restored from the plan page).
    pub removed: bool,
    /// Whether the viewer may edit it.
    pub can_edit: bool,
    /// The person viewing it: text they type is kept in the browser under their id, so the
    /// next person on a shared computer never sees it.
    pub viewer: i64,
    /// The plan's section before it, in the plan's order (removed sections left out).
    pub previous: Option<Neighbour>,
    /// The plan's section after it.
    pub next: Option<Neighbour>,
}

/// A section next to another in its plan, for "previous" and "next" links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Neighbour {
    pub id: i64,
    pub title: String,
}

/// One conflicting passage: what each side wrote where the other also wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConflictPassage {
    /// The text the section had before either change.
    pub original: String,
    /// The person saving.
    pub mine: String,
    /// The text now saved.
    pub theirs: String,
}

/// A save that could not be merged: nothing was written, and the person sees both versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditConflict {
    pub section_id: i64,
    /// The version to base the resolved save on.
    pub current_version: i64,
    /// The text they tried to save.
    pub mine: String,
    /// The text saved meanwhile.
    pub theirs: String,
    /// Who saved meanwhile.
    pub theirs_by: Vec<String>,
    /// The passages both changed.
    pub passages: Vec<ConflictPassage>,
    /// A starting point: everything merged, conflicts filled with their own wording.
    pub proposal: String,
}

/// What others saved since the version an editor started from, brought into what the editor
/// holds (nothing is written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Incoming {
    /// The editor's version is still the current one.
    Current { version: i64 },
    /// Their changes and the editor's touch different paragraphs: `merged` holds both.
    Merged {
        /// The current version, the editor's new base.
        version: i64,
        /// The editor's text with their changes in it.
        merged: String,
        /// The current text (what is saved).
        theirs: String,
        /// Who saved since the editor's version.
        by: Vec<String>,
    },
    /// Their changes and the editor's overlap: both shown, nothing changed in the editor.
    Overlap(Box<EditConflict>),
}

/// What happened to a save.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SaveOutcome {
    /// Saved as a new revision.
    Saved {
        /// The new version.
        version: i64,
    },
    /// Someone saved in between; both changes were merged and saved.
    Merged {
        /// The new version.
        version: i64,
        /// Who saved in between.
        with: Vec<String>,
        /// The merged text now saved.
        body: String,
    },
    /// The text was already saved; nothing new was written.
    Unchanged {
        /// The current version.
        version: i64,
    },
    /// Overlapping changes: nothing was written.
    Conflict(Box<EditConflict>),
}

impl SaveOutcome {
    /// A word for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            SaveOutcome::Saved { .. } => "saved",
            SaveOutcome::Merged { .. } => "merged",
            SaveOutcome::Unchanged { .. } => "unchanged",
            SaveOutcome::Conflict(_) => "conflict",
        }
    }
}

/// One revision in a section's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisionSummary {
    /// 1, 2, 3... (equals the version it produced).
    pub number: i64,
    /// create, edit, merge or restore.
    pub kind: String,
    /// Author's name.
    pub author: Option<String>,
    /// Author's organisation.
    pub organisation: Option<String>,
    /// When, Unix seconds.
    pub created_at: i64,
    /// Length in characters.
    pub chars: i64,
    /// A note (for restores: which revision).
    pub note: String,
}

/// A section's history page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub plan_id: i64,
    pub plan_title: String,
    pub section_id: i64,
    pub section_title: String,
    /// Newest first.
    pub revisions: Vec<RevisionSummary>,
    /// Whether the viewer may restore revisions.
    pub can_edit: bool,
}

/// Two revisions compared word by word (or, when they differ too much, paragraph by paragraph).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Comparison {
    /// The older revision number.
    pub from: i64,
    /// The newer revision number.
    pub to: i64,
    /// The text, marked.
    pub parts: Vec<DiffPart>,
    /// False when some changed paragraphs are shown whole, removed then added, because comparing
    /// them word by word would have taken too long (or made the page too long to read).
    pub word_by_word: bool,
}

/// A section in the plan's table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionListItem {
    /// Database id.
    pub id: i64,
    /// Order in the plan.
    pub position: i64,
    pub title: String,
    /// PSGs it serves.
    pub psgs: Vec<u8>,
    /// R2P pillars it serves.
    pub pillars: Vec<u8>,
    /// Saves so far.
    pub version: i64,
    /// Last change, Unix seconds.
    pub updated_at: i64,
    /// Who changed it last.
    pub updated_by: Option<String>,
    /// Length of the text in characters.
    pub chars: i64,
}
