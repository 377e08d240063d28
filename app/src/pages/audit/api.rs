//! Server functions for reading the trail: a plan's, for its leads, and the platform's, for
//! administrators.

use crate::encoding::Answer;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// One line of the trail as a page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditLine {
    /// Position in the chain.
    pub seq: i64,
    /// When.
    pub at: i64,
    /// Who (name), if anyone.
    pub person: Option<String>,
    /// From where.
    pub ip: Option<String>,
    /// What kind of event, as shown.
    pub kind: String,
    pub plan_id: Option<i64>,
    /// About what.
    pub subject: String,
    /// Particulars in words (see [`super::about::details`]); the JSON as stored is only in
    /// the plan's export.
    pub details: String,
    /// Whether the subject and particulars are withheld (see [`super::withhold`]).
    pub withheld: bool,
}

/// A page of the trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// The plan, or none for the platform's trail.
    pub plan: Option<(i64, String)>,
    /// The newest matching entries, newest first.
    pub lines: Vec<AuditLine>,
}

/// How many entries a page shows.
#[cfg(feature = "ssr")]
const PAGE: i64 = 200;

#[cfg(feature = "ssr")]
fn lines(rows: Vec<super::db::ShownRow>, names: &super::about::Names) -> Vec<AuditLine> {
    use crate::foundation::audit::domain::AuditKind;
    rows.into_iter()
        .map(|r| AuditLine {
            details: super::about::details(&r.entry.kind, &r.entry.details, names),
            seq: r.entry.seq,
            at: r.entry.at,
            person: r.person_name,
            ip: r.entry.ip,
            kind: AuditKind::parse(&r.entry.kind)
                .map(|k| k.label().to_owned())
                .unwrap_or(r.entry.kind),
            plan_id: r.entry.plan_id,
            subject: super::about::about(&r.entry.subject, &r.entry.details, names),
            withheld: false,
        })
        .collect()
}

/// The plan's trail, for its leads (filtered by person, kind and dates `YYYY-MM-DD`).
#[server(prefix = "/api", endpoint = "plan_audit", output = Answer)]
pub async fn plan_audit(
    plan_id: i64,
    person: String,
    kind: String,
    from: String,
    until: String,
) -> Result<AuditPage, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let title = actor.plan_title;
    let filter = super::filter::AuditFilter::parse(&person, &kind, &from, &until);
    let rows = super::db::list(&db, Some(plan_id), &filter, PAGE).await?;
    let names = super::db::names(&db, &rows).await?;
    Ok(AuditPage {
        plan: Some((plan_id, title)),
        lines: lines(rows, &names),
    })
}

/// The plan's trail as a file its leads can hand to a partner, who verifies it offline with
/// `upstream verify-audit --file` (format: README, "Verifying a plan's trail"). A GET, so a
/// plain link downloads it; authorised like the plan's audit page. A fresh checkpoint is
/// signed first, so the file covers every entry up to the moment it was asked for.
#[server(prefix = "/api", endpoint = "plan_audit_export", input = server_fn::codec::GetUrl)]
pub async fn plan_audit_export(
    plan_id: i64,
) -> Result<crate::foundation::audit::export::AuditExport, AppError> {
    use crate::access::domain::PlanAction;
    use crate::foundation::audit::checkpointer::Checkpointer;
    use crate::foundation::audit::exporter::{build, ExportError};
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let checkpointer = crate::foundation::state::setting::<Checkpointer>()?;
    let checkpoint = checkpointer.checkpoint(&db).await.map_err(|e| {
        tracing::error!(error = %e, plan = plan_id, "audit export refused: no checkpoint");
        AppError::Conflict(
            "The audit trail does not match its last signed checkpoint, so no export can be \
             signed. The operator has been alerted in the server log."
                .into(),
        )
    })?;
    let export = build(
        &db,
        plan_id,
        &actor.plan_title,
        &checkpoint,
        &checkpointer.public_key(),
    )
    .await
    .map_err(|e| match e {
        ExportError::TooLarge(_) | ExportError::TooSlow => AppError::Conflict(format!(
            "This plan's trail is too long to export here ({e}); ask the operator."
        )),
        ExportError::Db(e) => e.into(),
    })?;
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(
            http::header::CONTENT_DISPOSITION,
            http::HeaderValue::from_str(&format!(
                "attachment; filename=\"plan-{plan_id}-audit-trail.json\""
            ))
            .map_err(|_| AppError::Internal)?,
        );
    }
    tracing::info!(
        plan = plan_id,
        person = actor.person.id,
        count = checkpoint.count,
        "plan audit trail exported"
    );
    Ok(export)
}

/// The platform's whole trail, for administrators; entries about plans they may not read
/// show that something happened, not what (see [`super::withhold`]).
#[server(prefix = "/api", endpoint = "platform_audit", output = Answer)]
pub async fn platform_audit(
    person: String,
    kind: String,
    from: String,
    until: String,
) -> Result<AuditPage, AppError> {
    use super::withhold::{readable_plans, shown};
    let db = crate::foundation::state::db()?;
    let viewer = crate::foundation::session::require_admin(&db).await?;
    let grants = crate::access::db::roles_reaching_any_plan(&db, viewer.id).await?;
    let readable = readable_plans(&grants, viewer.is_admin(), viewer.active);
    let filter = super::filter::AuditFilter::parse(&person, &kind, &from, &until);
    let rows = super::db::list(&db, None, &filter, PAGE).await?;
    let names = super::db::names(&db, &rows).await?;
    Ok(AuditPage {
        plan: None,
        lines: lines(rows, &names)
            .into_iter()
            .map(|line| shown(line, &readable))
            .collect(),
    })
}
