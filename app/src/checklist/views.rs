//! What checklist pages show and what a save answers: plain data that crosses the wire.

use serde::{Deserialize, Serialize};

use super::domain::ItemStatus;
use super::progress::{ItemFilter, ProgressMatrix};

/// One item of a plan's checklist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// Database id.
    pub id: i64,
    /// Order in the plan.
    pub position: i64,
    /// What it asks for.
    pub text: String,
    /// New Deal goal, 1-5.
    pub psg: u8,
    /// R2P pillar, 1-3.
    pub pillar: u8,
    /// Risk factors addressed.
    pub risk_factors: Vec<u8>,
    /// Status with the N/A reason.
    pub status: ItemStatus,
    /// Responsible organisation's id.
    pub responsible_org_id: Option<i64>,
    pub responsible_org_name: Option<String>,
    pub responsible_person: String,
    /// Due date, Unix seconds at 00:00 UTC.
    pub due_date: Option<i64>,
    /// Saves so far (what an edit must be based on).
    pub version: i64,
    /// Retired items stay, but no longer count.
    pub retired: bool,
    /// Open and past its due day.
    pub overdue: bool,
    /// Pieces of evidence.
    pub evidence_count: i64,
    /// Last change, Unix seconds.
    pub updated_at: i64,
    /// Who changed it last.
    pub updated_by: Option<String>,
}

/// The checklist page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checklist {
    pub plan_id: i64,
    pub plan_title: String,
    /// Active items passing the filter, in order.
    pub items: Vec<ChecklistItem>,
    /// Active items in all.
    pub active_count: usize,
    /// Retired items (shown to leads, who can bring them back).
    pub retired: Vec<ChecklistItem>,
    /// The filter applied.
    pub filter: ItemFilter,
    /// Organisations with a role on the plan (filter choices and responsible organisations).
    pub organisations: Vec<(i64, String)>,
    /// Whether the viewer may change statuses and fields.
    pub can_edit: bool,
    /// Whether the viewer may add, edit and retire items.
    pub can_manage: bool,
}

/// A piece of evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Database id.
    pub id: i64,
    /// What it shows.
    pub note: String,
    /// A web address (http or https only).
    pub url: Option<String>,
    /// Who added it.
    pub added_by: Option<String>,
    /// Their organisation.
    pub organisation: Option<String>,
    /// When, Unix seconds.
    pub added_at: i64,
}

/// One checklist item's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemDetail {
    pub plan_id: i64,
    pub plan_title: String,
    pub item: ChecklistItem,
    /// Its evidence, oldest first.
    pub evidence: Vec<Evidence>,
    /// Sections of the plan it is linked to: (id, title).
    pub linked_sections: Vec<(i64, String)>,
    /// The plan's active sections, for linking.
    pub plan_sections: Vec<(i64, String)>,
    /// Organisations with a role on the plan.
    pub organisations: Vec<(i64, String)>,
    /// Every saved version, newest first: the item's audit trail.
    pub history: Vec<ItemChange>,
    /// Whether the viewer may change statuses and fields.
    pub can_edit: bool,
    /// Whether the viewer may edit and retire the item.
    pub can_manage: bool,
}

/// One saved version of an item: who, when, and which fields it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemChange {
    /// The version it produced.
    pub version: i64,
    /// Who saved it.
    pub by: Option<String>,
    /// When, Unix seconds.
    pub at: i64,
    /// What changed, in words (`Status: Done`); empty for the first version.
    pub changes: Vec<String>,
}

/// One field both people changed, with both values in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldConflict {
    /// The field's name as shown.
    pub field: String,
    /// The value the person saving chose.
    pub mine: String,
    /// The value saved meanwhile.
    pub theirs: String,
}

/// A save that could not be merged: nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemConflict {
    pub item_id: i64,
    /// The version to base a new attempt on.
    pub current_version: i64,
    /// The fields both changed.
    pub fields: Vec<FieldConflict>,
    /// Who saved meanwhile.
    pub theirs_by: Vec<String>,
}

/// What happened to a save of an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ItemSaveOutcome {
    /// Saved as a new version.
    Saved {
        item_id: i64,
        /// The new version.
        version: i64,
    },
    /// Others saved other fields meanwhile; both were kept.
    Merged {
        item_id: i64,
        /// The new version.
        version: i64,
        /// Who saved meanwhile.
        with: Vec<String>,
    },
    /// The item already held these values.
    Unchanged {
        item_id: i64,
        /// The current version.
        version: i64,
    },
    /// Both changed the same field: nothing written.
    Conflict(ItemConflict),
}

impl ItemSaveOutcome {
    /// The item saved.
    pub fn item_id(&self) -> i64 {
        match self {
            ItemSaveOutcome::Saved { item_id, .. }
            | ItemSaveOutcome::Merged { item_id, .. }
            | ItemSaveOutcome::Unchanged { item_id, .. } => *item_id,
            ItemSaveOutcome::Conflict(c) => c.item_id,
        }
    }

    /// A word for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            ItemSaveOutcome::Saved { .. } => "saved",
            ItemSaveOutcome::Merged { .. } => "merged",
            ItemSaveOutcome::Unchanged { .. } => "unchanged",
            ItemSaveOutcome::Conflict(_) => "conflict",
        }
    }
}

/// An overdue item on the plan overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueItem {
    /// The item.
    pub id: i64,
    pub text: String,
    /// Due date, Unix seconds.
    pub due_date: i64,
    /// Who is responsible (organisation and/or person).
    pub responsible: String,
}

/// Progress at a glance, for the plan overview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistGlance {
    pub plan_id: i64,
    /// Done / applicable per PSG x pillar.
    pub matrix: ProgressMatrix,
    /// Risk factors no open or done item addresses.
    pub unaddressed: Vec<u8>,
    /// Overdue items, soonest due first.
    pub overdue: Vec<OverdueItem>,
}

/// One item of the checklist template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateItem {
    /// Database id.
    pub id: i64,
    /// Order.
    pub position: i64,
    pub text: String,
    /// New Deal goal.
    pub psg: u8,
    /// R2P pillar.
    pub pillar: u8,
    pub risk_factors: Vec<u8>,
    /// Which reference brief it comes from.
    pub source: String,
    /// Retired items are not copied into new plans.
    pub retired: bool,
}

impl ChecklistItem {
    /// The editable fields, as the merge sees them.
    pub fn fields(&self) -> super::fields::ItemFields {
        super::fields::ItemFields {
            text: self.text.clone(),
            psg: self.psg,
            pillar: self.pillar,
            risk_factors: self.risk_factors.clone(),
            status: self.status.clone(),
            responsible_org: self.responsible_org_id,
            responsible_person: self.responsible_person.clone(),
            due_date: self.due_date,
        }
    }
}
