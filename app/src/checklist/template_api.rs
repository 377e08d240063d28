//! Server functions for the checklist template new plans copy (platform administrators);
//! every change is written with its audit entry.

use crate::encoding::Answer;
use leptos::prelude::*;

use super::views::TemplateItem;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::foundation::audit::domain::AuditKind;

/// The checklist template new plans copy (platform administrators).
#[server(prefix = "/api", endpoint = "checklist_template", output = Answer)]
pub async fn checklist_template() -> Result<Vec<TemplateItem>, AppError> {
    let db = crate::foundation::state::db()?;
    crate::foundation::session::require_admin(&db).await?;
    Ok(super::template_db::template(&db).await?)
}

/// Adds an item to the checklist template.
#[server(prefix = "/api", endpoint = "add_checklist_template_item", output = Answer)]
pub async fn add_checklist_template_item(
    text: String,
    psg: String,
    pillar: String,
    risk_factors: String,
) -> Result<i64, AppError> {
    let db = crate::foundation::state::db()?;
    let person = crate::foundation::session::require_admin(&db).await?;
    let (text, psg, pillar, risks) =
        super::api::support::definition(&text, &psg, &pillar, &risk_factors)?;
    let fields = super::template_db::TemplateFields {
        text: &text,
        psg,
        pillar,
        risk_factors: &risks,
    };
    let entry =
        crate::foundation::audit::entry_by(person.id, AuditKind::Admin, "checklist template item")
            .await
            .details(serde_json::json!({"action": "template item added"}));
    let id = db
        .write_audited(
            |id: &i64| entry.about(format!("checklist template item {id}")),
            async |tx| super::template_db::add_template_item(tx, &fields).await,
        )
        .await?;
    crate::foundation::session::confirm_plain_post("template-added");
    Ok(id)
}

/// Changes or retires an item of the checklist template (plans keep their copies).
#[server(prefix = "/api", endpoint = "update_checklist_template_item", output = Answer)]
pub async fn update_checklist_template_item(
    id: i64,
    text: String,
    psg: String,
    pillar: String,
    risk_factors: String,
    retired: Option<String>,
) -> Result<(), AppError> {
    let db = crate::foundation::state::db()?;
    let person = crate::foundation::session::require_admin(&db).await?;
    let (text, psg, pillar, risks) =
        super::api::support::definition(&text, &psg, &pillar, &risk_factors)?;
    let fields = super::template_db::TemplateFields {
        text: &text,
        psg,
        pillar,
        risk_factors: &risks,
    };
    let entry = crate::foundation::audit::entry_by(
        person.id,
        AuditKind::Admin,
        format!("checklist template item {id}"),
    )
    .await
    .details(serde_json::json!({"action": "template item updated"}));
    db.write_audited(entry, async |tx| {
        super::template_db::update_template_item(tx, id, &fields, retired.is_some()).await
    })
    .await?;
    crate::foundation::session::confirm_plain_post("template-saved");
    Ok(())
}
