//! What the administration pages show: plain data that crosses the wire.

use serde::{Deserialize, Serialize};

use super::domain::{OrgKind, OrgRole};
use crate::auth::domain::{Person, PlatformRole};

/// One organisation a person belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// The organisation.
    pub org_id: i64,
    /// Its name.
    pub org_name: String,
    /// Its kind.
    pub org_kind: OrgKind,
    /// The person's role in it.
    pub role: OrgRole,
}

/// The logged-in person and their organisations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    /// Who they are.
    pub person: Person,
    /// Where they belong.
    pub memberships: Vec<Membership>,
}

impl Viewer {
    /// True when they administer at least one organisation.
    pub fn is_org_admin(&self) -> bool {
        self.memberships.iter().any(|m| m.role == OrgRole::Admin)
    }
}

/// An organisation in a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgSummary {
    /// Database id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: OrgKind,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// Number of members.
    pub member_count: i64,
}

/// A member row on an organisation's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRow {
    /// The person.
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
    /// Its members.
    pub members: Vec<MemberRow>,
    /// Whether the viewer may edit its details.
    pub can_edit: bool,
    /// Whether the viewer may manage its members.
    pub can_manage_members: bool,
}

/// A person on the people page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRow {
    /// The person.
    pub person: Person,
    /// Names of their organisations, comma separated.
    pub organisations: String,
}

/// An invitation not yet accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    /// Database id.
    pub id: i64,
    /// Invited email.
    pub email: String,
    /// Invited name.
    pub display_name: String,
    /// Organisation, if any.
    pub org_name: Option<String>,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
}

/// The people page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeopleOverview {
    /// Everyone, by name.
    pub people: Vec<PersonRow>,
    /// Invitations still open.
    pub pending: Vec<PendingInvitation>,
    /// Organisations to invite into.
    pub organisations: Vec<OrgSummary>,
    /// The viewer's own id (they cannot deactivate themselves).
    pub viewer_id: i64,
}

/// A freshly created invitation: the link is shown once, to be passed on by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationCreated {
    /// Who it is for.
    pub email: String,
    /// The one-time link.
    pub link: String,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
}

/// What the accept-invitation page shows before a password is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationPreview {
    /// Who it is for.
    pub email: String,
    /// Suggested name.
    pub display_name: String,
    /// Organisation joined, if any.
    pub org_name: Option<String>,
    /// Plan joined, if any, and the role there.
    pub plan: Option<(String, String)>,
    /// Platform role granted.
    pub platform_role: PlatformRole,
}
