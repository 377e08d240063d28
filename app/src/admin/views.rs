//! What the administration pages show: plain data that crosses the wire.

use serde::{Deserialize, Serialize};

use crate::foundation::people::{OrgKind, OrgRole, Person};

/// An organisation in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSummary {
    /// Database id.
    pub id: i64,
    pub name: String,
    pub kind: OrgKind,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// Number of members.
    pub member_count: i64,
}

/// A member row on an organisation's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    pub person_id: i64,
    /// Their name.
    pub display_name: String,
    /// Their email.
    pub email: String,
    /// Their role here.
    pub role: OrgRole,
    /// Whether the account is active.
    pub active: bool,
}

/// An organisation's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDetail {
    /// The organisation.
    pub org: OrgSummary,
    pub members: Vec<MemberRow>,
    /// Whether the viewer may edit its details.
    pub can_edit: bool,
    /// Whether the viewer may manage its members.
    pub can_manage_members: bool,
}

/// A person on the people page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    pub person: Person,
    /// Names of their organisations, comma separated.
    pub organisations: String,
}

/// The people page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeopleOverview {
    /// Everyone, by name.
    pub people: Vec<PersonRow>,
    /// Organisations to invite into.
    pub organisations: Vec<OrgSummary>,
    /// The viewer's own id (they cannot deactivate themselves).
    pub viewer_id: i64,
}
