//! What the plan members page shows.

use serde::{Deserialize, Serialize};

use super::domain::PlanRole;

/// One grant on a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanMember {
    /// The grant's id.
    pub grant_id: i64,
    /// True for an organisation (everyone in it), false for one person.
    pub organisation: bool,
    /// The person's or organisation's name.
    pub name: String,
    /// The person's email, or the organisation's kind.
    pub detail: String,
    /// The role granted.
    pub role: PlanRole,
}

/// The plan members page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanMembers {
    pub plan_id: i64,
    pub plan_title: String,
    /// Every grant, organisations first.
    pub members: Vec<PlanMember>,
    /// Whether the viewer may change them.
    pub can_manage: bool,
    /// Organisations that can be granted a role (for leads).
    pub organisations: Vec<(i64, String)>,
}
