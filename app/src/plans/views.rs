//! What plan pages show: plain data that crosses the wire.

use serde::{Deserialize, Serialize};

use super::domain::{Coverage, PlanStatus};
use crate::access::domain::PlanRoles;
use crate::sections::views::SectionListItem;

/// A plan in a list. Content fields are absent for those who may only see the listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanListItem {
    /// Database id.
    pub id: i64,
    pub title: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub status: PlanStatus,
    /// Lead organisation's id.
    pub lead_org_id: i64,
    /// Lead organisation's name.
    pub lead_org_name: String,
    /// First year.
    pub period_start: i64,
    /// Last year.
    pub period_end: i64,
    /// The viewer's roles (none: listing only).
    pub roles: PlanRoles,
}

/// The plans page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanList {
    /// Plans matching the filter that the viewer may see.
    pub plans: Vec<PlanListItem>,
    /// Organisations for the filter (those leading a visible plan).
    pub organisations: Vec<(i64, String)>,
    /// Countries for the filter (those of visible plans).
    pub countries: Vec<String>,
    /// Whether the viewer may create a plan.
    pub can_create: bool,
}

/// A plan's own fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanHeader {
    /// Database id.
    pub id: i64,
    pub title: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Short summary.
    pub summary: String,
    /// First year.
    pub period_start: i64,
    /// Last year.
    pub period_end: i64,
    /// g7+ fragility stage, 1-5.
    pub fragility_stage: i64,
    pub status: PlanStatus,
    /// Lead organisation's id.
    pub lead_org_id: i64,
    /// Lead organisation's name.
    pub lead_org_name: String,
}

/// The plan overview page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOverview {
    pub plan: PlanHeader,
    /// Sections in order.
    pub sections: Vec<SectionListItem>,
    /// Removed sections, which can be restored.
    pub removed: Vec<SectionListItem>,
    /// PSG x pillar coverage from the sections' tags.
    pub coverage: Coverage,
    /// The viewer's roles: they may do what any of them allows.
    pub roles: PlanRoles,
    /// Whether the viewer may edit sections.
    pub can_edit: bool,
    /// Whether the viewer may manage the plan.
    pub can_manage: bool,
}

/// What the new-plan form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewPlanOptions {
    /// Organisations the viewer may name as lead.
    pub organisations: Vec<(i64, String)>,
    /// Titles of the template's sections.
    pub template_sections: Vec<String>,
}

/// One section of the editable template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TemplateSection {
    /// Database id.
    pub id: i64,
    /// Order.
    pub position: i64,
    pub title: String,
    /// Guidance shown to authors.
    pub guidance: String,
    /// PSGs, comma separated.
    pub psgs: String,
    /// Pillars, comma separated.
    pub pillars: String,
    /// Retired sections are not copied into new plans.
    pub retired: bool,
}
