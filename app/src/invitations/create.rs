//! Creating invitations: a one-time, expiring link whose token is stored only as a hash, written
//! with its audit entry.

use super::db::{insert_invitation, NewInvitation};
use super::token::{hash_token, new_token};
use super::views::InvitationCreated;
use crate::access::domain::PlanRole;
use crate::db::Db;
use crate::error::AppError;
use crate::foundation::audit::domain::NewEntry;
use crate::foundation::people::{Email, OrgRole, PersonName, PlatformRole};

/// How invitation links are made; the server provides it as a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvitationSettings {
    /// How long a link stays valid, in seconds.
    pub ttl_secs: i64,
    /// The base of the links (`https://upstream.example.org`, no trailing slash): the
    /// configured public address, never a request's `Host` header (see `server/src/config.rs`).
    pub link_base: String,
}

/// What an invitation grants once accepted.
pub struct Invitation<'a> {
    /// Who it is for.
    pub email: &'a Email,
    /// Their suggested name.
    pub name: &'a PersonName,
    /// Platform role of the new account.
    pub platform_role: PlatformRole,
    /// Organisation joined, with the role there.
    pub organisation: Option<(i64, OrgRole)>,
    /// Plan role granted.
    pub plan: Option<(i64, PlanRole)>,
    /// Who invited.
    pub invited_by: i64,
}

/// Stores the invitation with `entry` in the audit trail and returns the link to pass on.
pub async fn create(
    db: &Db,
    settings: &InvitationSettings,
    inv: &Invitation<'_>,
    entry: NewEntry,
) -> Result<InvitationCreated, AppError> {
    let token = new_token();
    let now = crate::db::now();
    let expires_at = now + settings.ttl_secs;
    let record = NewInvitation {
        token_hash: &hash_token(&token),
        email: inv.email.as_str(),
        display_name: inv.name.as_str(),
        platform_role: inv.platform_role,
        organisation: inv.organisation,
        plan: inv.plan,
        invited_by: inv.invited_by,
        now,
        expires_at,
    };
    db.write_audited(entry, async |tx| insert_invitation(tx, &record).await)
        .await?;
    Ok(InvitationCreated {
        email: inv.email.as_str().to_owned(),
        link: format!("{}/invite/{token}", settings.link_base),
        expires_at,
    })
}
