//! What invitation pages and forms show: plain data that crosses the wire.

use serde::{Deserialize, Serialize};

use crate::foundation::people::PlatformRole;

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
