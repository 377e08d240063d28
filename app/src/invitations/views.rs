//! What invitation pages and forms show: plain data that crosses the wire.

use serde::{Deserialize, Serialize};

use crate::foundation::people::{OrgKind, OrgRole, PlatformRole};

/// Which kind of invitation a pending one is (each has its own ids).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PendingKind {
    /// A one-time link that creates an account.
    Link,
    /// An existing account asked to join an organisation.
    Membership,
}

/// An invitation not yet answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    /// Database id (among invitations of its kind).
    pub id: i64,
    /// Which kind.
    pub kind: PendingKind,
    /// Invited email.
    pub email: String,
    /// Invited name.
    pub display_name: String,
    /// What it offers, in words: "Member of Civil Voices", "Lead on Roles plan".
    pub offer: String,
    /// Who made it.
    pub invited_by: String,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
    /// Whether the viewer may withdraw it (whoever may make it may).
    pub can_revoke: bool,
}

/// An invitation to join an organisation, as the person invited sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipOffer {
    /// Database id.
    pub id: i64,
    /// The organisation.
    pub org_name: String,
    pub org_kind: OrgKind,
    /// The role offered there.
    pub role: OrgRole,
    /// Who invited.
    pub invited_by: String,
    /// Until when it can be answered.
    pub expires_at: i64,
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
