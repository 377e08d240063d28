//! Queries for section review state, approvals and the plan's approval rule. Every decision
//! is written with the state and the section version it was decided against in its `WHERE`,
//! so a save or another decision landing in between makes it fail instead of applying to
//! text nobody reviewed.

use std::collections::BTreeMap;

use sqlx::Row;

use super::domain::kinds::{approval_organisations, kinds_of};
use super::domain::{ApprovalRule, ReviewState};
use crate::db::{decode, now, Db, DbError, DbResult, Tx};
use crate::foundation::people::OrgKind;

/// Where one section of a plan stands: its review state and the approvals of the version
/// under review (none for a draft, whose approvals no longer count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub section_id: i64,
    pub title: String,
    pub state: ReviewState,
    /// The kind each approval of the version under review counted for.
    pub approvals: Vec<OrgKind>,
}

/// Where every active section of plan `plan_id` stands, in the plan's order: two reads.
pub async fn standings(db: &Db, plan_id: i64) -> DbResult<Vec<Standing>> {
    let rows = sqlx::query(
        "SELECT s.id, s.title, COALESCE(r.state, 'draft') AS state FROM sections s
         LEFT JOIN section_reviews r ON r.section_id = s.id
         WHERE s.plan_id = $1 AND s.removed_at IS NULL ORDER BY s.position",
    )
    .bind(plan_id)
    .fetch_all(db.reader())
    .await?;
    let approvals = sqlx::query(
        "SELECT a.section_id, a.org_kind FROM section_approvals a
         JOIN section_reviews r ON r.section_id = a.section_id AND r.version = a.version
         JOIN sections s ON s.id = a.section_id
         WHERE s.plan_id = $1 AND r.state IN ('in_review', 'approved')",
    )
    .bind(plan_id)
    .fetch_all(db.reader())
    .await?;
    let mut by_section = BTreeMap::<i64, Vec<OrgKind>>::new();
    for a in &approvals {
        let kind: String = a.try_get("org_kind")?;
        by_section
            .entry(a.try_get("section_id")?)
            .or_default()
            .push(decode(OrgKind::parse(&kind))?);
    }
    rows.iter()
        .map(|r| {
            let id: i64 = r.try_get("id")?;
            Ok(Standing {
                section_id: id,
                title: r.try_get("title")?,
                state: ReviewState::parse(&r.try_get::<String, _>("state")?),
                approvals: by_section.remove(&id).unwrap_or_default(),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// A section's review record (draft with no history when none is stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRow {
    pub state: ReviewState,
    /// The version under review (or approved).
    pub version: i64,
    /// The version of the last approval, 0 before any.
    pub since_version: i64,
    /// Why changes were requested.
    pub reason: String,
}

/// The review record of `section_id`.
pub async fn review(db: &Db, section_id: i64) -> DbResult<ReviewRow> {
    let row = sqlx::query(
        "SELECT state, version, since_version, reason FROM section_reviews WHERE section_id = $1",
    )
    .bind(section_id)
    .fetch_optional(db.reader())
    .await?;
    Ok(match row {
        Some(r) => ReviewRow {
            state: ReviewState::parse(&r.try_get::<String, _>("state")?),
            version: r.try_get("version")?,
            since_version: r.try_get("since_version")?,
            reason: r.try_get("reason")?,
        },
        None => ReviewRow {
            state: ReviewState::Draft,
            version: 0,
            since_version: 0,
            reason: String::new(),
        },
    })
}

/// One approval.
#[derive(Debug, Clone)]
pub struct ApprovalRow {
    /// Approver.
    pub person: i64,
    /// Their name.
    pub name: String,
    /// The kind they approved for.
    pub kind: OrgKind,
    /// The organisation they approved through (unknown for approvals recorded before it was).
    pub organisation: Option<String>,
}

/// The approvals of version `version`.
pub async fn approvals(db: &Db, section_id: i64, version: i64) -> DbResult<Vec<ApprovalRow>> {
    let rows = sqlx::query(
        "SELECT a.person_id, a.org_kind, p.display_name, o.name AS org_name FROM section_approvals a
         JOIN people p ON p.id = a.person_id
         LEFT JOIN organisations o ON o.id = a.organisation_id
         WHERE a.section_id = $1 AND a.version = $2 ORDER BY a.approved_at",
    )
    .bind(section_id)
    .bind(version)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("org_kind")?;
            Ok(ApprovalRow {
                person: r.try_get("person_id")?,
                name: r.try_get("display_name")?,
                kind: decode(OrgKind::parse(&kind))?,
                organisation: r.try_get("org_name")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Who wrote revisions after version `since`.
pub async fn authors_since(db: &Db, section_id: i64, since: i64) -> DbResult<Vec<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT DISTINCT author_id FROM revisions WHERE section_id = $1 AND number > $2",
    )
    .bind(section_id)
    .bind(since)
    .fetch_all(db.reader())
    .await?)
}

/// A section's review as every viewer of its page sees it: the record, the approvals of the
/// version under review, who wrote since the last approval and the plan's rule.
#[derive(Debug)]
pub struct SectionReview {
    pub review: ReviewRow,
    pub approvals: Vec<ApprovalRow>,
    pub authors_since: Vec<i64>,
    pub rule: ApprovalRule,
}

/// [`SectionReview`] of section `section_id` of plan `plan_id`: every section page shows it, so
/// it is memoised until the next write. For pages; decisions read what they check themselves
/// and write it into their `WHERE`.
pub async fn section_review(
    db: &Db,
    plan_id: i64,
    section_id: i64,
) -> DbResult<std::sync::Arc<SectionReview>> {
    let weigh = |read: &std::sync::Arc<SectionReview>| {
        let names: usize = read
            .approvals
            .iter()
            .map(|a| a.name.len() + a.organisation.as_ref().map_or(0, String::len) + 64)
            .sum();
        read.review.reason.len() + names + 8 * read.authors_since.len() + 256
    };
    let key = format!("{plan_id}:{section_id}");
    db.memo_weighed("reviews.section_review", key, weigh, || async {
        let review = review(db, section_id).await?;
        let approvals = approvals(db, section_id, review.version).await?;
        let authors_since = authors_since(db, section_id, review.since_version).await?;
        let rule = rule(db, plan_id).await?;
        Ok(std::sync::Arc::new(SectionReview {
            review,
            approvals,
            authors_since,
            rule,
        }))
    })
    .await
}

/// The plan's approval rule.
pub async fn rule(db: &Db, plan_id: i64) -> DbResult<ApprovalRule> {
    let rows = sqlx::query("SELECT org_kind, minimum FROM plan_approval_rules WHERE plan_id = $1")
        .bind(plan_id)
        .fetch_all(db.reader())
        .await?;
    let mut rule = ApprovalRule::default();
    for r in &rows {
        let n = u32::try_from(r.try_get::<i64, _>("minimum")?).unwrap_or(0);
        match OrgKind::parse(&r.try_get::<String, _>("org_kind")?) {
            Ok(OrgKind::Government) => rule.government = n,
            Ok(OrgKind::CivilSociety) => rule.civil_society = n,
            Ok(OrgKind::Donor) => rule.donor = n,
            Err(_) => {}
        }
    }
    Ok(rule)
}

/// Everyone who may approve on plan `plan_id`, with the organisations their approval may
/// count for ([`approval_organisations`]); people who count for none are left out. On the
/// reader's connection or inside a write transaction.
pub async fn approvers(
    conn: &mut sqlx::AnyConnection,
    plan_id: i64,
) -> DbResult<BTreeMap<i64, Vec<(i64, OrgKind)>>> {
    let reached = crate::access::db::grants_reaching_people(&mut *conn, plan_id).await?;
    let rows = sqlx::query(&format!(
        "SELECT m.person_id, m.organisation_id, o.kind FROM memberships m
         JOIN organisations o ON o.id = m.organisation_id
         WHERE {} ORDER BY o.name, o.id",
        crate::access::db::reaches("$1", "m.person_id")
    ))
    .bind(plan_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut memberships = BTreeMap::<i64, Vec<(i64, OrgKind)>>::new();
    for r in &rows {
        let kind = decode(OrgKind::parse(&r.try_get::<String, _>("kind")?))?;
        memberships
            .entry(r.try_get("person_id")?)
            .or_default()
            .push((r.try_get("organisation_id")?, kind));
    }
    let mut grants = BTreeMap::<i64, Vec<_>>::new();
    for (person, grantee, role) in reached {
        grants.entry(person).or_default().push((grantee, role));
    }
    Ok(grants
        .into_iter()
        .map(|(person, grants)| {
            let theirs = memberships.get(&person).map(Vec::as_slice).unwrap_or(&[]);
            (person, approval_organisations(&grants, theirs))
        })
        .filter(|(_, organisations)| !organisations.is_empty())
        .collect())
}

/// For each person who may approve on the plan, the kinds they may approve for: what the
/// approval rule is checked against.
pub async fn eligible_kinds(db: &Db, plan_id: i64) -> DbResult<Vec<Vec<OrgKind>>> {
    let mut conn = db.reader().acquire().await?;
    Ok(approvers(&mut conn, plan_id)
        .await?
        .values()
        .map(|organisations| kinds_of(organisations))
        .collect())
}

/// Replaces the plan's rule inside `tx`.
pub async fn set_rule(tx: &mut Tx<'_>, plan_id: i64, rule: ApprovalRule) -> DbResult<()> {
    sqlx::query("DELETE FROM plan_approval_rules WHERE plan_id = $1")
        .bind(plan_id)
        .execute(&mut **tx)
        .await?;
    for kind in OrgKind::ALL {
        sqlx::query(
            "INSERT INTO plan_approval_rules (plan_id, org_kind, minimum) VALUES ($1, $2, $3)",
        )
        .bind(plan_id)
        .bind(kind.as_str())
        .bind(i64::from(rule.minimum(kind)))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Puts the section, at its current version `version`, in review inside `tx`, and asks its
/// reviewers through their inboxes. `Stale` when it was saved meanwhile or is no longer a
/// draft or awaiting changes.
pub async fn submit(
    tx: &mut Tx<'_>,
    plan_id: i64,
    section_id: i64,
    version: i64,
    by: i64,
) -> DbResult<()> {
    let current: i64 = sqlx::query_scalar("SELECT version FROM sections WHERE id = $1")
        .bind(section_id)
        .fetch_one(&mut **tx)
        .await?;
    if current != version {
        return Err(DbError::Stale);
    }
    let done = sqlx::query(
        "INSERT INTO section_reviews (section_id, state, version, since_version, reason, changed_by, changed_at)
         VALUES ($1, 'in_review', $2, 0, '', $3, $4)
         ON CONFLICT (section_id) DO UPDATE SET state = 'in_review', version = excluded.version,
             reason = '', changed_by = excluded.changed_by, changed_at = excluded.changed_at
         WHERE section_reviews.state IN ('draft', 'changes_requested')",
    )
    .bind(section_id)
    .bind(version)
    .bind(by)
    .bind(now())
    .execute(&mut **tx)
    .await?;
    crate::db::exactly_one(done)?;
    // Asked are those whose approval can count for some kind of organisation.
    let asked: Vec<i64> = approvers(tx, plan_id).await?.into_keys().collect();
    crate::inbox::db::notify_review_request_tx(tx, plan_id, section_id, by, &asked, now()).await
}

/// Sends a section in review at `version` back with `reason` inside `tx`, which also opens a
/// comment thread on the section so the change can be discussed where the text is.
pub async fn request_changes(
    tx: &mut Tx<'_>,
    plan_id: i64,
    section_id: i64,
    version: i64,
    by: i64,
    reason: &str,
) -> DbResult<()> {
    let done = sqlx::query(
        "UPDATE section_reviews SET state = 'changes_requested', reason = $1, changed_by = $2, changed_at = $3
         WHERE section_id = $4 AND state = 'in_review' AND version = $5",
    )
    .bind(reason)
    .bind(by)
    .bind(now())
    .bind(section_id)
    .bind(version)
    .execute(&mut **tx)
    .await?;
    crate::db::exactly_one(done)?;
    let body = format!("**Changes requested** on version {version}:\n\n{reason}");
    crate::comments::db::start_thread_tx(
        tx,
        plan_id,
        section_id,
        None,
        &crate::comments::db::NewComment {
            author: by,
            body: &body,
            mentions: &[],
            now: now(),
        },
    )
    .await?;
    Ok(())
}

/// Records `person`'s approval of `version` for organisation `org` of kind `kind` inside `tx`;
/// when `rule` is then met, the section becomes approved at that version. Returns the new
/// state.
pub async fn approve(
    tx: &mut Tx<'_>,
    section_id: i64,
    version: i64,
    person: i64,
    (org, kind): (i64, OrgKind),
    rule: ApprovalRule,
) -> DbResult<ReviewState> {
    let in_review: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM section_reviews r JOIN sections s ON s.id = r.section_id
         WHERE r.section_id = $1 AND r.state = 'in_review' AND r.version = $2 AND s.version = $3",
    )
    .bind(section_id)
    .bind(version)
    .bind(version)
    .fetch_one(&mut **tx)
    .await?;
    if in_review != 1 {
        return Err(DbError::Stale);
    }
    let at = now();
    sqlx::query(
        "INSERT INTO section_approvals (section_id, version, person_id, org_kind, organisation_id, approved_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(section_id)
    .bind(version)
    .bind(person)
    .bind(kind.as_str())
    .bind(org)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    let kinds: Vec<String> = sqlx::query_scalar(
        "SELECT org_kind FROM section_approvals WHERE section_id = $1 AND version = $2",
    )
    .bind(section_id)
    .bind(version)
    .fetch_all(&mut **tx)
    .await?;
    let kinds: Vec<OrgKind> = kinds
        .iter()
        .filter_map(|k| OrgKind::parse(k).ok())
        .collect();
    let state = if rule.met(&kinds) {
        sqlx::query(
            "UPDATE section_reviews SET state = 'approved', since_version = $1, changed_by = $2, changed_at = $3 WHERE section_id = $4",
        )
        .bind(version)
        .bind(person)
        .bind(at)
        .bind(section_id)
        .execute(&mut **tx)
        .await?;
        ReviewState::Approved
    } else {
        ReviewState::InReview
    };
    Ok(state)
}

/// A section waiting in review.
#[derive(Debug, Clone)]
pub struct Waiting {
    pub plan_id: i64,
    pub plan_title: String,
    pub section_id: i64,
    /// Section title.
    pub title: String,
    /// The version under review.
    pub version: i64,
    /// The version of the last approval.
    pub since_version: i64,
    /// When it was submitted.
    pub submitted_at: i64,
}

/// Every section in review (on active rows) that `person` has not approved yet.
pub async fn in_review_not_approved_by(db: &Db, person: i64) -> DbResult<Vec<Waiting>> {
    let rows = sqlx::query(
        "SELECT s.plan_id, p.title AS plan_title, s.id, s.title, r.version, r.since_version, r.changed_at
         FROM section_reviews r JOIN sections s ON s.id = r.section_id JOIN plans p ON p.id = s.plan_id
         WHERE r.state = 'in_review' AND s.removed_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM section_approvals a
                           WHERE a.section_id = r.section_id AND a.version = r.version AND a.person_id = $1)
         ORDER BY r.changed_at, s.id",
    )
    .bind(person)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Waiting {
                plan_id: r.try_get("plan_id")?,
                plan_title: r.try_get("plan_title")?,
                section_id: r.try_get("id")?,
                title: r.try_get("title")?,
                version: r.try_get("version")?,
                since_version: r.try_get("since_version")?,
                submitted_at: r.try_get("changed_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// A section sent back with a reason.
#[derive(Debug, Clone)]
pub struct SentBack {
    pub plan_id: i64,
    pub plan_title: String,
    pub section_id: i64,
    pub title: String,
    /// Why changes were requested.
    pub reason: String,
    /// When, Unix seconds.
    pub at: i64,
}

/// Sections awaiting changes whose text under review `person` helped write (a revision of
/// theirs since the last approval), most recently sent back first.
pub async fn sent_back_to(db: &Db, person: i64) -> DbResult<Vec<SentBack>> {
    let rows = sqlx::query(
        "SELECT s.plan_id, p.title AS plan_title, s.id, s.title, r.reason, r.changed_at
         FROM section_reviews r JOIN sections s ON s.id = r.section_id JOIN plans p ON p.id = s.plan_id
         WHERE r.state = 'changes_requested' AND s.removed_at IS NULL
           AND EXISTS (SELECT 1 FROM revisions v WHERE v.section_id = s.id
                       AND v.number > r.since_version AND v.author_id = $1)
         ORDER BY r.changed_at DESC, s.id",
    )
    .bind(person)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(SentBack {
                plan_id: r.try_get("plan_id")?,
                plan_title: r.try_get("plan_title")?,
                section_id: r.try_get("id")?,
                title: r.try_get("title")?,
                reason: r.try_get("reason")?,
                at: r.try_get("changed_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}
