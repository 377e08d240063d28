//! Server functions for section review (submit, approve, request changes) and the plan's
//! approval rule. Each checks the plan permission and that the section is the plan's own.

use crate::encoding::Answer;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::domain::{ApprovalRule, ReviewState};
use crate::error::AppError;

/// A section's review as the section page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewView {
    pub plan_id: i64,
    pub section_id: i64,
    pub state: ReviewState,
    /// The section's current version.
    pub current_version: i64,
    /// The version under review or approved.
    pub review_version: i64,
    /// The last approved version, if any.
    pub approved_version: Option<i64>,
    /// Why changes were requested.
    pub reason: String,
    /// Approvals of the version under review: (name, what it counted for: "Donor, Nordic
    /// Fund").
    pub approvals: Vec<(String, String)>,
    /// The plan's rule.
    pub rule: ApprovalRule,
    /// May submit.
    pub can_submit: bool,
    /// May approve or request changes.
    pub can_review: bool,
    /// The kinds of organisation the viewer's approval may count for, as `(stored kind,
    /// label)`: the approve form offers them when there are several.
    pub approve_for: Vec<(String, String)>,
    /// What the viewer's own approval of the version under review counted for, when they
    /// have given one: the page shows it instead of an "Approve" button.
    pub mine: Option<String>,
    /// Whether the viewer wrote part of the text under review (since the last approval): they
    /// may not approve it, and are told so instead of being offered the button.
    pub wrote: bool,
}

#[cfg(feature = "ssr")]
fn refused(e: super::domain::ReviewError) -> AppError {
    AppError::Conflict(e.to_string())
}

/// The organisations `person`'s approval may count for on plan `plan_id`.
#[cfg(feature = "ssr")]
async fn approval_organisations(
    db: &crate::db::Db,
    plan_id: i64,
    person: i64,
) -> Result<Vec<(i64, crate::foundation::people::OrgKind)>, AppError> {
    let grants = crate::access::db::grants_reaching(db, plan_id, person).await?;
    let memberships: Vec<_> = crate::foundation::session::memberships(db, person)
        .await?
        .into_iter()
        .map(|m| (m.org_id, m.org_kind))
        .collect();
    Ok(super::domain::kinds::approval_organisations(
        &grants,
        &memberships,
    ))
}

#[cfg(feature = "ssr")]
fn stale(e: crate::db::DbError) -> AppError {
    match e {
        crate::db::DbError::Stale => AppError::Conflict(
            "Not recorded: the section changed or was decided on meanwhile. Its review as it stands now is shown here."
                .into(),
        ),
        other => other.into(),
    }
}

/// "Civil society and Donor".
#[cfg(feature = "ssr")]
fn kind_labels(kinds: &[crate::foundation::people::OrgKind]) -> String {
    let labels: Vec<&str> = kinds.iter().map(|k| k.label()).collect();
    match labels.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => labels.concat(),
    }
}

/// The audit entry of a review decision on section `section_id` by `actor`.
#[cfg(feature = "ssr")]
async fn entry(
    actor: &crate::access::guard::PlanActor,
    section_id: i64,
    details: serde_json::Value,
) -> crate::foundation::audit::domain::NewEntry {
    actor
        .entry(
            crate::foundation::audit::domain::AuditKind::Review,
            format!("section {section_id}"),
        )
        .await
        .details(details)
}

/// The review of a section.
#[server(prefix = "/api", endpoint = "section_review", output = Answer)]
pub async fn section_review(plan_id: i64, section_id: i64) -> Result<ReviewView, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Read).await?;
    let section = crate::sections::db::section(&db, plan_id, section_id).await?;
    let read = super::db::section_review(&db, plan_id, section_id).await?;
    let (review, approvals) = (&read.review, &read.approvals);
    let can_review = actor.may(PlanAction::Review);
    let approve_for = if can_review {
        let organisations = approval_organisations(&db, plan_id, actor.person.id).await?;
        super::domain::kinds::kinds_of(&organisations)
            .into_iter()
            .map(|kind| (kind.as_str().to_owned(), kind.label().to_owned()))
            .collect()
    } else {
        Vec::new()
    };
    let me = actor.person.id;
    let counted = |a: &super::db::ApprovalRow| match &a.organisation {
        Some(org) => format!("{}, {org}", a.kind.label()),
        None => a.kind.label().to_owned(),
    };
    let mine = approvals.iter().find(|a| a.person == me).map(counted);
    let wrote = can_review && read.authors_since.contains(&me);
    Ok(ReviewView {
        plan_id,
        section_id,
        state: review.state,
        current_version: section.version,
        review_version: review.version,
        approved_version: (review.since_version > 0).then_some(review.since_version),
        reason: review.reason.clone(),
        approvals: approvals
            .iter()
            .map(|a| (a.name.clone(), counted(a)))
            .collect(),
        rule: read.rule,
        can_submit: actor.may(PlanAction::Edit) && section.removed_at.is_none(),
        can_review,
        approve_for,
        mine,
        wrote,
    })
}

/// Tells the plan's open pages of a review decision on section `section_id` (or on the plan).
#[cfg(feature = "ssr")]
fn announce(db: &crate::db::Db, plan_id: i64, section_id: Option<i64>) {
    crate::foundation::live::publish(
        db,
        Some(plan_id),
        crate::foundation::live::Change::Reviews { section_id },
    );
}

/// Submits the section's current version for review.
#[server(prefix = "/api", endpoint = "submit_for_review", output = Answer)]
pub async fn submit_for_review(
    plan_id: i64,
    section_id: i64,
    version: i64,
) -> Result<(), AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Edit).await?;
    crate::sections::db::section(&db, plan_id, section_id).await?;
    let review = super::db::review(&db, section_id).await?;
    super::domain::submit(review.state).map_err(refused)?;
    let e = entry(
        &actor,
        section_id,
        serde_json::json!({"action": "submitted", "version": version}),
    )
    .await;
    db.write_audited(e, async |tx| {
        super::db::submit(tx, plan_id, section_id, version, actor.person.id).await
    })
    .await
    .map_err(stale)?;
    announce(&db, plan_id, Some(section_id));
    crate::foundation::session::confirm_plain_post("submitted");
    Ok(())
}

/// Approves version `version` of the section, counting for the organisation through which the
/// reviewer may review on this plan; `kind` says which kind of organisation when several
/// qualify (it may be left out when one does).
#[server(prefix = "/api", endpoint = "approve_section", output = Answer)]
pub async fn approve_section(
    plan_id: i64,
    section_id: i64,
    version: i64,
    kind: Option<String>,
) -> Result<ReviewState, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Review).await?;
    crate::sections::db::section(&db, plan_id, section_id).await?;
    let review = super::db::review(&db, section_id).await?;
    let authors = super::db::authors_since(&db, section_id, review.since_version).await?;
    let approved_by: Vec<i64> = super::db::approvals(&db, section_id, review.version)
        .await?
        .into_iter()
        .map(|a| a.person)
        .collect();
    super::domain::check_approval(&super::domain::ApprovalRequest {
        state: review.state,
        under_review: review.version,
        seen: version,
        reviewer: actor.person.id,
        authors_since: &authors,
        approved_by: &approved_by,
    })
    .map_err(refused)?;
    let chosen = match kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(raw) => Some(
            crate::foundation::people::OrgKind::parse(raw)
                .map_err(|m| AppError::field("kind", m))?,
        ),
    };
    let organisations = approval_organisations(&db, plan_id, actor.person.id).await?;
    let (org, kind) = super::domain::kinds::approval_for(&organisations, chosen).map_err(|e| {
        use super::domain::ReviewError;
        match e {
            ReviewError::ChooseKind | ReviewError::NotYourKind => {
                AppError::field("kind", e.to_string())
            }
            other => refused(other),
        }
    })?;
    let rule = super::db::rule(&db, plan_id).await?;
    let e = entry(
        &actor,
        section_id,
        serde_json::json!({"action": "approved", "version": version, "kind": kind.as_str(), "organisation": org}),
    )
    .await;
    let state = db
        .write_audited(e, async |tx| {
            super::db::approve(tx, section_id, version, actor.person.id, (org, kind), rule).await
        })
        .await
        .map_err(stale)?;
    announce(&db, plan_id, Some(section_id));
    crate::foundation::session::confirm_plain_post("approved");
    Ok(state)
}

/// Sends the section back with a reason.
#[server(prefix = "/api", endpoint = "request_changes", output = Answer)]
pub async fn request_changes(
    plan_id: i64,
    section_id: i64,
    version: i64,
    reason: String,
) -> Result<(), AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Review).await?;
    crate::sections::db::section(&db, plan_id, section_id).await?;
    let review = super::db::review(&db, section_id).await?;
    let reason =
        super::domain::check_changes_request(review.state, review.version, version, &reason)
            .map_err(|e| match e {
                e @ (super::domain::ReviewError::ReasonRequired
                | super::domain::ReviewError::ReasonTooDeep(_)) => {
                    let mut f = crate::error::FormErrors::default().keep("reason", &reason);
                    f.add("reason", e.to_string());
                    AppError::Invalid(f)
                }
                other => refused(other),
            })?;
    let e = entry(
        &actor,
        section_id,
        serde_json::json!({"action": "changes requested", "version": version, "reason": reason}),
    )
    .await;
    db.write_audited(e, async |tx| {
        super::db::request_changes(tx, plan_id, section_id, version, actor.person.id, &reason).await
    })
    .await
    .map_err(stale)?;
    announce(&db, plan_id, Some(section_id));
    // The request starts a thread on the section.
    crate::foundation::live::publish(
        &db,
        Some(plan_id),
        crate::foundation::live::Change::Comments { section_id },
    );
    crate::foundation::session::confirm_plain_post("changes-requested");
    Ok(())
}

/// Sets the plan's minimum approvals per kind of organisation; refused when the plan lacks
/// the reviewers to meet it.
#[server(prefix = "/api", endpoint = "set_approval_rule", output = Answer)]
pub async fn set_approval_rule(
    plan_id: i64,
    government: String,
    civil_society: String,
    donor: String,
) -> Result<(), AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    // A refused rule comes back with what was typed, not the rule in force.
    let refuse = |field: &str, message: &str| {
        let mut e = crate::error::FormErrors::default()
            .keep("government", &government)
            .keep("civil_society", &civil_society)
            .keep("donor", &donor);
        e.add(field, message);
        AppError::Invalid(e)
    };
    let rule =
        ApprovalRule::parse(&government, &civil_society, &donor).map_err(|(f, m)| refuse(f, m))?;
    let eligible = super::db::eligible_kinds(&db, plan_id).await?;
    if let Some(kinds) = rule.unmeetable(&eligible) {
        let message = if kinds.len() == 1 {
            "Not enough people from this kind of organisation may review this plan: grant reviewers first.".to_owned()
        } else {
            format!(
                "Each reviewer's approval counts once, and too few reviewers may approve for {} together: grant reviewers first.",
                kind_labels(&kinds)
            )
        };
        let field = kinds.first().map_or("government", |k| k.as_str());
        return Err(refuse(field, &message));
    }
    // A struct of three numbers always serialises.
    let e = actor
        .entry(
            crate::foundation::audit::domain::AuditKind::RuleChange,
            format!("plan {plan_id}"),
        )
        .await
        .details(serde_json::to_value(rule).unwrap_or_default());
    db.write_audited(e, async |tx| super::db::set_rule(tx, plan_id, rule).await)
        .await?;
    announce(&db, plan_id, None);
    crate::foundation::session::confirm_plain_post("rule");
    Ok(())
}

/// Approves the plan when every active section is approved: it becomes the next numbered,
/// immutable version. Returns its number.
#[server(prefix = "/api", endpoint = "approve_plan", output = Answer)]
pub async fn approve_plan(plan_id: i64) -> Result<i64, AppError> {
    use super::version_db::ApprovePlanError;
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let e = actor
        .entry(
            crate::foundation::audit::domain::AuditKind::PlanApproval,
            format!("plan {plan_id}"),
        )
        .await;
    let frozen = db
        .write_audited(
            |f: &super::version_db::Frozen| {
                e.details(serde_json::json!({ "version": f.number, "sections": f.sections, "checklist_items": f.checklist_items }))
            },
            async |tx| super::version_db::approve_plan(tx, plan_id, actor.person.id).await,
        )
        .await
        .map_err(|err| match err {
            ApprovePlanError::Unapproved(titles) => AppError::Conflict(format!(
                "Every section must be approved first. Not yet approved: {}.",
                titles.join("; ")
            )),
            ApprovePlanError::Empty => AppError::Conflict("The plan has no sections.".into()),
            ApprovePlanError::Db(e) => e.into(),
        })?;
    announce(&db, plan_id, None);
    crate::foundation::session::confirm_plain_post("plan-approved");
    Ok(frozen.number)
}

/// Approved version `number` of the plan.
#[server(prefix = "/api", endpoint = "plan_version", output = Answer)]
pub async fn plan_version(
    plan_id: i64,
    number: i64,
) -> Result<super::views::PlanVersion, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Read).await?;
    let stored = super::version_db::plan_version(&db, plan_id, number).await?;
    let mut version = stored.version;
    let rendered = crate::foundation::markdown::served::safe_html_all(stored.bodies).await;
    for (section, html) in version.sections.iter_mut().zip(rendered) {
        section.html = html;
    }
    Ok(version)
}

/// The plan's approval: its rule, its approved versions, and whether the viewer leads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanApprovalView {
    pub plan_id: i64,
    pub rule: ApprovalRule,
    /// Approved versions: (number, when).
    pub versions: Vec<(i64, i64)>,
    /// May set the rule and approve the plan.
    pub can_manage: bool,
    /// The kind whose minimum the plan's current reviewers can no longer meet, if any.
    pub unmeetable: Option<String>,
    /// Where each active section stands, in the plan's order.
    pub sections: Vec<SectionStanding>,
}

/// One section on the plan's approval panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionStanding {
    pub id: i64,
    pub title: String,
    pub state: ReviewState,
    /// What its approvals still lack under the rule, in words ("1 donor approval"); empty once
    /// approved, and for a draft (it must be submitted first).
    pub needs: String,
}

impl PlanApprovalView {
    /// Whether the plan may be approved now: it has sections and every one is approved.
    pub fn ready(&self) -> bool {
        !self.sections.is_empty()
            && self
                .sections
                .iter()
                .all(|s| s.state == ReviewState::Approved)
    }
}

/// The plan's approval rule and versions.
#[server(prefix = "/api", endpoint = "plan_approval", output = Answer)]
pub async fn plan_approval(plan_id: i64) -> Result<PlanApprovalView, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Read).await?;
    let rule = super::db::rule(&db, plan_id).await?;
    let eligible = super::db::eligible_kinds(&db, plan_id).await?;
    let sections = super::db::standings(&db, plan_id)
        .await?
        .into_iter()
        .map(|s| SectionStanding {
            needs: match s.state {
                ReviewState::InReview => rule.still_needed(&s.approvals).describe(),
                ReviewState::Draft | ReviewState::ChangesRequested | ReviewState::Approved => {
                    String::new()
                }
            },
            id: s.section_id,
            title: s.title,
            state: s.state,
        })
        .collect();
    Ok(PlanApprovalView {
        sections,
        plan_id,
        unmeetable: rule.unmeetable(&eligible).map(|kinds| kind_labels(&kinds)),
        rule,
        versions: super::version_db::versions(&db, plan_id).await?,
        can_manage: actor.may(PlanAction::Manage),
    })
}

/// A section waiting for the viewer's review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub plan_id: i64,
    pub plan_title: String,
    pub section_id: i64,
    /// Section title.
    pub title: String,
    /// Version under review.
    pub version: i64,
    pub submitted_at: i64,
}

/// Sections in review that the viewer may approve and has not: their approval can count on the
/// plan (as for review requests), they have not approved this version, and wrote none of it.
#[server(prefix = "/api", endpoint = "review_queue", output = Answer)]
pub async fn review_queue() -> Result<Vec<QueueItem>, AppError> {
    let db = crate::foundation::state::db()?;
    let person = crate::foundation::session::require_person(&db).await?;
    let mut out = Vec::new();
    // Whether the person's approval counts on each plan, decided once per plan.
    let mut counts_on = std::collections::HashMap::<i64, bool>::new();
    for w in super::db::in_review_not_approved_by(&db, person.id).await? {
        let counts = match counts_on.get(&w.plan_id) {
            Some(counts) => *counts,
            None => {
                let counts = !approval_organisations(&db, w.plan_id, person.id)
                    .await?
                    .is_empty();
                counts_on.insert(w.plan_id, counts);
                counts
            }
        };
        if !counts {
            continue;
        }
        let authors = super::db::authors_since(&db, w.section_id, w.since_version).await?;
        if authors.contains(&person.id) {
            continue;
        }
        out.push(QueueItem {
            plan_id: w.plan_id,
            plan_title: w.plan_title,
            section_id: w.section_id,
            title: w.title,
            version: w.version,
            submitted_at: w.submitted_at,
        });
    }
    Ok(out)
}
