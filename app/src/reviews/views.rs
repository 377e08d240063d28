//! What the plan-version page shows: plain data that crosses the wire.

use serde::{Deserialize, Serialize};

/// A section as frozen in an approved plan version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotSection {
    pub title: String,
    /// Rendered, sanitised body.
    pub html: String,
    /// The section version approved.
    pub section_version: i64,
}

/// A checklist item as frozen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotItem {
    pub text: String,
    /// Stored status.
    pub status: String,
    /// Reason when not applicable.
    pub details: String,
}

/// An approved, immutable plan version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanVersion {
    pub plan_id: i64,
    /// Number, from 1.
    pub number: i64,
    /// The plan's title then.
    pub title: String,
    /// When.
    pub approved_at: i64,
    /// By whom.
    pub approved_by: String,
    /// Sections in order.
    pub sections: Vec<SnapshotSection>,
    /// Checklist items in order.
    pub checklist: Vec<SnapshotItem>,
}
