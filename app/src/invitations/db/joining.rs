//! Queries for invitations of existing accounts into an organisation: the membership exists
//! only once the person invited accepts. Writes run inside the transaction of their audited
//! change.

use sqlx::Row;

use crate::db::{decode, Db, DbError, DbResult, Tx};
use crate::foundation::people::{OrgKind, OrgRole};
use crate::invitations::domain::{check_invitation, Answer, InvitationProblem};
use crate::invitations::views::{MembershipOffer, PendingInvitation, PendingKind};

/// A stored invitation to join an organisation.
#[derive(Debug, Clone)]
pub struct MembershipInvitation {
    /// Database id.
    pub id: i64,
    /// The organisation.
    pub org_id: i64,
    pub org_name: String,
    pub org_kind: OrgKind,
    /// The person invited.
    pub person_id: i64,
    /// The role offered.
    pub role: OrgRole,
    /// Who invited.
    pub invited_by: i64,
    /// Their name.
    pub inviter_name: String,
    /// Expiry.
    pub expires_at: i64,
    /// How it was answered, if it was.
    pub answer: Option<Answer>,
}

impl MembershipInvitation {
    /// Whether it can still be answered or withdrawn at `now`.
    pub fn check(&self, now: i64) -> Result<(), InvitationProblem> {
        check_invitation(self.expires_at, self.answer, now)
    }
}

const SELECT: &str =
    "SELECT mi.id, mi.organisation_id, o.name AS org_name, o.kind AS org_kind, mi.person_id,
        mi.role, mi.invited_by, by_whom.display_name AS inviter_name, mi.expires_at, mi.answer,
        p.email, p.display_name
     FROM membership_invitations mi
     JOIN organisations o ON o.id = mi.organisation_id
     JOIN people p ON p.id = mi.person_id
     LEFT JOIN people by_whom ON by_whom.id = mi.invited_by";

fn record(r: &sqlx::any::AnyRow) -> Result<MembershipInvitation, sqlx::Error> {
    let answer = match r.try_get::<Option<String>, _>("answer")? {
        Some(raw) => {
            Some(Answer::parse(&raw).ok_or_else(|| sqlx::Error::Decode("unknown answer".into()))?)
        }
        None => None,
    };
    Ok(MembershipInvitation {
        id: r.try_get("id")?,
        org_id: r.try_get("organisation_id")?,
        org_name: r.try_get("org_name")?,
        org_kind: decode(OrgKind::parse(&r.try_get::<String, _>("org_kind")?))?,
        person_id: r.try_get("person_id")?,
        role: decode(OrgRole::parse(&r.try_get::<String, _>("role")?))?,
        invited_by: r.try_get("invited_by")?,
        inviter_name: r
            .try_get::<Option<String>, _>("inviter_name")?
            .unwrap_or_default(),
        expires_at: r.try_get("expires_at")?,
        answer,
    })
}

/// Why an invitation to join was not stored.
#[derive(Debug)]
pub enum InviteError {
    /// The person already belongs to the organisation.
    AlreadyMember,
    /// An invitation to join it already waits for their answer.
    AlreadyInvited,
    /// The database failed.
    Db(DbError),
}

impl From<sqlx::Error> for InviteError {
    fn from(e: sqlx::Error) -> Self {
        InviteError::Db(e.into())
    }
}

/// A new invitation to join.
pub struct NewMembershipInvitation {
    /// The organisation.
    pub org_id: i64,
    /// The person invited.
    pub person_id: i64,
    /// The role offered.
    pub role: OrgRole,
    /// Who invited.
    pub invited_by: i64,
    /// When.
    pub now: i64,
    /// Until when it can be answered.
    pub expires_at: i64,
}

/// Stores an invitation to join inside `tx`, unless the person is already a member or already
/// has one waiting (the writer lane runs one write at a time, so the checks hold until the
/// insert). Returns its id.
pub async fn insert(tx: &mut Tx<'_>, new: &NewMembershipInvitation) -> Result<i64, InviteError> {
    let member: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM memberships WHERE person_id = $1 AND organisation_id = $2",
    )
    .bind(new.person_id)
    .bind(new.org_id)
    .fetch_one(&mut **tx)
    .await?;
    if member > 0 {
        return Err(InviteError::AlreadyMember);
    }
    let waiting: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM membership_invitations
         WHERE person_id = $1 AND organisation_id = $2 AND answer IS NULL AND expires_at > $3",
    )
    .bind(new.person_id)
    .bind(new.org_id)
    .bind(new.now)
    .fetch_one(&mut **tx)
    .await?;
    if waiting > 0 {
        return Err(InviteError::AlreadyInvited);
    }
    Ok(sqlx::query_scalar(
        "INSERT INTO membership_invitations (organisation_id, person_id, role, invited_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(new.org_id)
    .bind(new.person_id)
    .bind(new.role.as_str())
    .bind(new.invited_by)
    .bind(new.now)
    .bind(new.expires_at)
    .fetch_one(&mut **tx)
    .await?)
}

/// Invitation to join `id`.
pub async fn find(db: &Db, id: i64) -> DbResult<MembershipInvitation> {
    let sql = format!("{SELECT} WHERE mi.id = $1");
    let r = sqlx::query(&sql).bind(id).fetch_one(db.reader()).await?;
    Ok(record(&r)?)
}

/// Records `answer` to invitation `id` by `by` inside `tx`; `Stale` when it was answered,
/// withdrawn or expired meanwhile.
pub async fn answer(tx: &mut Tx<'_>, id: i64, answer: Answer, by: i64, now: i64) -> DbResult<()> {
    let done = sqlx::query(
        "UPDATE membership_invitations SET answer = $1, answered_by = $2, answered_at = $3
         WHERE id = $4 AND answer IS NULL AND expires_at > $3",
    )
    .bind(answer.as_str())
    .bind(by)
    .bind(now)
    .bind(id)
    .execute(&mut **tx)
    .await?;
    crate::db::exactly_one(done)?;
    Ok(())
}

/// The invitations to join waiting for `person`'s answer at `now`, newest first.
pub async fn waiting_for(db: &Db, person: i64, now: i64) -> DbResult<Vec<MembershipOffer>> {
    let sql = format!(
        "{SELECT} WHERE mi.person_id = $1 AND mi.answer IS NULL AND mi.expires_at > $2 ORDER BY mi.id DESC"
    );
    let rows = sqlx::query(&sql)
        .bind(person)
        .bind(now)
        .fetch_all(db.reader())
        .await?;
    rows.iter()
        .map(|r| {
            let inv = record(r)?;
            Ok(MembershipOffer {
                id: inv.id,
                org_name: inv.org_name,
                org_kind: inv.org_kind,
                role: inv.role,
                invited_by: inv.inviter_name,
                expires_at: inv.expires_at,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// The invitations to join still open at `now`, into `org` only when given, newest first, each
/// with its organisation (for deciding who may withdraw it) and as listed (`can_revoke` left
/// false for the caller).
pub async fn pending(
    db: &Db,
    now: i64,
    org: Option<i64>,
) -> DbResult<Vec<(i64, PendingInvitation)>> {
    let sql = format!(
        "{SELECT} WHERE mi.answer IS NULL AND mi.expires_at > $1 AND ($2 = 0 OR mi.organisation_id = $2)
         ORDER BY mi.id DESC"
    );
    let rows = sqlx::query(&sql)
        .bind(now)
        .bind(org.unwrap_or(0))
        .fetch_all(db.reader())
        .await?;
    rows.iter()
        .map(|r| {
            let inv = record(r)?;
            let listed = PendingInvitation {
                id: inv.id,
                kind: PendingKind::Membership,
                email: r.try_get("email")?,
                display_name: r.try_get("display_name")?,
                offer: format!("{} of {}", inv.role.label(), inv.org_name),
                invited_by: inv.inviter_name,
                expires_at: inv.expires_at,
                can_revoke: false,
            };
            Ok((inv.org_id, listed))
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}
