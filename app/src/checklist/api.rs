//! Server functions for a plan's checklist. Reading needs `Read` on the plan; statuses, fields,
//! evidence and section links need `Edit`; adding, rewording and retiring items needs `Manage`.
//! Every item and section id is checked against the plan in the query that uses it, and every
//! change is written with its audit entry. The template is in [`super::template_api`].

use crate::encoding::Answer;
use leptos::prelude::*;

use super::views::{Checklist, ChecklistGlance, ItemDetail, ItemSaveOutcome};
use crate::error::AppError;

#[cfg(feature = "ssr")]
pub(super) mod support {
    use crate::access::guard::PlanActor;
    use crate::checklist::domain::{parse_pillar, parse_psg, parse_risk_factors, parse_text};
    use crate::error::{AppError, FormErrors};
    use crate::foundation::audit::domain::{AuditKind, NewEntry};

    /// The audit entry of a change to checklist item `item_id` by `actor`: `action` and what
    /// else is worth keeping.
    pub async fn entry(actor: &PlanActor, item_id: i64, details: serde_json::Value) -> NewEntry {
        actor
            .entry(
                AuditKind::ChecklistChange,
                format!("checklist item {item_id}"),
            )
            .await
            .details(details)
    }

    /// An item's definition as submitted: text, goal, pillar, risk factors.
    pub fn definition(
        text: &str,
        psg: &str,
        pillar: &str,
        risk_factors: &str,
    ) -> Result<(String, u8, u8, Vec<u8>), AppError> {
        let mut errors = FormErrors::default()
            .keep("text", text)
            .keep("psg", psg)
            .keep("pillar", pillar)
            .keep("risk_factors", risk_factors);
        let text = parse_text(text).map_err(|m| errors.add("text", m)).ok();
        let psg = parse_psg(psg).map_err(|m| errors.add("psg", m)).ok();
        let pillar = parse_pillar(pillar)
            .map_err(|m| errors.add("pillar", m))
            .ok();
        let risks = parse_risk_factors(risk_factors)
            .map_err(|m| errors.add("risk_factors", m))
            .ok();
        match (text, psg, pillar, risks) {
            (Some(t), Some(p), Some(q), Some(r)) if errors.is_empty() => Ok((t, p, q, r)),
            _ => Err(AppError::Invalid(errors)),
        }
    }

    /// The session key of the last plain-form save outcome on a plan's checklist.
    pub fn notice_key(plan_id: i64) -> String {
        format!("flash_checklist_{plan_id}")
    }
}

/// Tells the plan's open pages that its checklist changed.
#[cfg(feature = "ssr")]
fn announce(db: &crate::db::Db, plan_id: i64) {
    crate::foundation::live::publish(
        db,
        Some(plan_id),
        crate::foundation::live::Change::Checklist,
    );
}

/// The plan's checklist, filtered (empty values: any) by goal, pillar, risk factor, status,
/// responsible organisation and overdue.
#[server(prefix = "/api", endpoint = "plan_checklist", output = Answer)]
pub async fn plan_checklist(
    plan_id: i64,
    psg: Option<String>,
    pillar: Option<String>,
    risk: Option<String>,
    status: Option<String>,
    org: Option<String>,
    overdue: Option<String>,
) -> Result<Checklist, AppError> {
    use super::domain::start_of_day;
    use super::progress::ItemFilter;
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Read).await?;
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    let filter = ItemFilter::parse(
        &v(&psg),
        &v(&pillar),
        &v(&risk),
        &v(&status),
        &v(&org),
        &v(&overdue),
    );
    let today = start_of_day(crate::db::now());
    let (active, retired): (Vec<_>, Vec<_>) = super::db::items(&db, plan_id, today)
        .await?
        .into_iter()
        .partition(|i| !i.retired);
    let can_manage = actor.may(PlanAction::Manage);
    Ok(Checklist {
        plan_id,
        plan_title: actor.plan_title.clone(),
        active_count: active.len(),
        items: active
            .into_iter()
            .filter(|i| filter.matches(&i.fields(), today))
            .collect(),
        retired: if can_manage { retired } else { Vec::new() },
        filter,
        organisations: super::db::plan_organisations(&db, plan_id).await?,
        can_edit: actor.may(PlanAction::Edit),
        can_manage,
    })
}

/// One item with its evidence and linked sections.
#[server(prefix = "/api", endpoint = "checklist_item_detail", output = Answer)]
pub async fn checklist_item_detail(plan_id: i64, item_id: i64) -> Result<ItemDetail, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Read).await?;
    let today = super::domain::start_of_day(crate::db::now());
    let item = super::db::item(&db, plan_id, item_id, today).await?;
    let (sections, _) = crate::sections::db::sections_of(&db, plan_id).await?;
    let organisations = super::db::plan_organisations(&db, plan_id).await?;
    let org_name = |id: i64| {
        organisations
            .iter()
            .find(|(o, _)| *o == id)
            .map(|(_, n)| n.clone())
            .unwrap_or_else(|| format!("Organisation {id}"))
    };
    let versions = super::db::versions(&db, item_id).await?;
    let mut history: Vec<super::views::ItemChange> = versions
        .iter()
        .enumerate()
        .map(|(i, (version, fields, by, at))| super::views::ItemChange {
            version: *version,
            by: by.clone(),
            at: *at,
            changes: match i.checked_sub(1).and_then(|p| versions.get(p)) {
                Some((_, before, ..)) => fields
                    .changed(before)
                    .into_iter()
                    .map(|f| format!("{}: {}", f.label(), fields.display(f, org_name)))
                    .collect(),
                None => Vec::new(),
            },
        })
        .collect();
    history.reverse();
    Ok(ItemDetail {
        history,
        plan_id,
        plan_title: actor.plan_title.clone(),
        evidence: super::db::evidence(&db, item_id).await?,
        linked_sections: super::db::linked_sections(&db, item_id).await?,
        plan_sections: sections.into_iter().map(|s| (s.id, s.title)).collect(),
        organisations,
        item,
        can_edit: actor.may(PlanAction::Edit),
        can_manage: actor.may(PlanAction::Manage),
    })
}

/// Progress at a glance: the PSG x pillar matrix, uncovered risk factors, overdue items.
#[server(prefix = "/api", endpoint = "checklist_progress", output = Answer)]
pub async fn checklist_progress(plan_id: i64) -> Result<ChecklistGlance, AppError> {
    use super::domain::start_of_day;
    use super::progress::{unaddressed_risk_factors, ProgressMatrix};
    use super::views::OverdueItem;
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Read).await?;
    let today = start_of_day(crate::db::now());
    let items: Vec<_> = super::db::items(&db, plan_id, today)
        .await?
        .into_iter()
        .filter(|i| !i.retired)
        .collect();
    let matrix =
        ProgressMatrix::from_items(items.iter().map(|i| (i.psg, i.pillar, i.status.kind())));
    let unaddressed = unaddressed_risk_factors(
        items
            .iter()
            .map(|i| (i.risk_factors.as_slice(), i.status.kind())),
    );
    let mut overdue: Vec<OverdueItem> = items
        .iter()
        .filter(|i| i.overdue)
        .map(|i| OverdueItem {
            id: i.id,
            text: i.text.clone(),
            due_date: i.due_date.unwrap_or_default(),
            responsible: [
                i.responsible_org_name.clone().unwrap_or_default(),
                i.responsible_person.clone(),
            ]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        })
        .collect();
    overdue.sort_by_key(|o| (o.due_date, o.id));
    Ok(ChecklistGlance {
        plan_id,
        matrix,
        unaddressed,
        overdue,
    })
}

/// Changes an item's status, responsible organisation and person, and due date, based on
/// version `base_version`. Fields left out of the form keep their value; changes others saved
/// meanwhile to other fields are merged; a field both changed is a conflict and nothing is saved.
#[server(prefix = "/api", endpoint = "update_checklist_item", output = Answer)]
pub async fn update_checklist_item(
    plan_id: i64,
    item_id: i64,
    base_version: i64,
    status: Option<String>,
    na_reason: Option<String>,
    responsible_org_id: Option<String>,
    responsible_person: Option<String>,
    due_date: Option<String>,
) -> Result<ItemSaveOutcome, AppError> {
    use super::domain::{parse_due_date, parse_person, ItemStatus};
    use super::fields::ItemPatch;
    use crate::access::domain::PlanAction;
    use crate::error::FormErrors;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Edit).await?;
    // The item id travels back with the errors: every item's form on a page shares the action.
    let mut errors = FormErrors::default().keep("item_id", &item_id.to_string());
    for (name, value) in [
        ("status", &status),
        ("na_reason", &na_reason),
        ("responsible_org_id", &responsible_org_id),
        ("responsible_person", &responsible_person),
        ("due_date", &due_date),
    ] {
        if let Some(v) = value {
            errors = errors.keep(name, v);
        }
    }
    let mut patch = ItemPatch::default();
    if let Some(s) = &status {
        patch.status = ItemStatus::parse(s, na_reason.as_deref().unwrap_or(""))
            .map_err(|(f, m)| errors.add(f, m))
            .ok();
    }
    if let Some(org) = responsible_org_id.as_deref().map(str::trim) {
        if org.is_empty() {
            patch.responsible_org = Some(None);
        } else {
            let orgs = super::db::plan_organisations(&db, plan_id).await?;
            match org.parse::<i64>() {
                Ok(id) if orgs.iter().any(|(o, _)| *o == id) => {
                    patch.responsible_org = Some(Some(id))
                }
                _ => errors.add(
                    "responsible_org_id",
                    "Choose an organisation that has a role on this plan.",
                ),
            }
        }
    }
    if let Some(p) = &responsible_person {
        patch.responsible_person = parse_person(p)
            .map_err(|m| errors.add("responsible_person", m))
            .ok();
    }
    if let Some(d) = &due_date {
        patch.due_date = parse_due_date(d)
            .map_err(|m| errors.add("due_date", m))
            .ok();
    }
    errors.into_result()?;
    let outcome = super::save::save(&db, &actor, item_id, base_version, &patch, "updated").await?;
    announce(&db, plan_id);
    crate::foundation::flash::put_for_plain_post(&support::notice_key(plan_id), &outcome).await?;
    Ok(outcome)
}

/// Rewords an item or changes its goal, pillar and risk factors (leads), with the same
/// versioned, field-by-field merge as [`update_checklist_item`].
#[server(prefix = "/api", endpoint = "edit_checklist_item", output = Answer)]
pub async fn edit_checklist_item(
    plan_id: i64,
    item_id: i64,
    base_version: i64,
    text: String,
    psg: String,
    pillar: String,
    risk_factors: String,
) -> Result<ItemSaveOutcome, AppError> {
    use super::fields::ItemPatch;
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let (text, psg, pillar, risks) = support::definition(&text, &psg, &pillar, &risk_factors)
        .map_err(|e| match e {
            AppError::Invalid(f) => AppError::Invalid(f.keep("item_id", &item_id.to_string())),
            other => other,
        })?;
    let patch = ItemPatch {
        text: Some(text),
        psg: Some(psg),
        pillar: Some(pillar),
        risk_factors: Some(risks),
        ..ItemPatch::default()
    };
    let outcome = super::save::save(&db, &actor, item_id, base_version, &patch, "edited").await?;
    announce(&db, plan_id);
    crate::foundation::flash::put_for_plain_post(&support::notice_key(plan_id), &outcome).await?;
    Ok(outcome)
}

/// The outcome of the last item save on this plan posted without JavaScript, shown once.
#[server(prefix = "/api", endpoint = "take_checklist_notice", output = Answer)]
pub async fn take_checklist_notice(plan_id: i64) -> Result<Option<ItemSaveOutcome>, AppError> {
    crate::foundation::flash::take(&support::notice_key(plan_id)).await
}

/// Adds an item to the plan's checklist (leads).
#[server(prefix = "/api", endpoint = "add_checklist_item", output = Answer)]
pub async fn add_checklist_item(
    plan_id: i64,
    text: String,
    psg: String,
    pillar: String,
    risk_factors: String,
) -> Result<i64, AppError> {
    use super::domain::ItemStatus;
    use super::fields::ItemFields;
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let (text, psg, pillar, risk_factors) =
        support::definition(&text, &psg, &pillar, &risk_factors)?;
    let fields = ItemFields {
        text,
        psg,
        pillar,
        risk_factors,
        status: ItemStatus::NotStarted,
        responsible_org: None,
        responsible_person: String::new(),
        due_date: None,
    };
    let entry = support::entry(&actor, 0, serde_json::json!({"action": "added"})).await;
    let id = db
        .write_audited(
            |id: &i64| entry.about(format!("checklist item {id}")),
            async |tx| {
                super::db::insert_item(tx, plan_id, &fields, actor.person.id, crate::db::now())
                    .await
            },
        )
        .await?;
    announce(&db, plan_id);
    crate::foundation::session::confirm_plain_post("item-added");
    Ok(id)
}

/// Retires an item (`retired = true`) or brings it back (leads). Retired items keep
/// everything but no longer count in progress.
#[server(prefix = "/api", endpoint = "set_checklist_item_retired", output = Answer)]
pub async fn set_checklist_item_retired(
    plan_id: i64,
    item_id: i64,
    retired: bool,
) -> Result<(), AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let entry = support::entry(
        &actor,
        item_id,
        serde_json::json!({"action": if retired { "retired" } else { "restored" }}),
    )
    .await;
    db.write_audited(entry, async |tx| {
        super::db::set_retired(tx, plan_id, item_id, retired, crate::db::now()).await
    })
    .await?;
    announce(&db, plan_id);
    crate::foundation::session::confirm_plain_post(if retired { "retired" } else { "restored" });
    Ok(())
}

/// Adds a note of evidence, optionally with a web link, to an item.
#[server(prefix = "/api", endpoint = "add_evidence", output = Answer)]
pub async fn add_evidence(
    plan_id: i64,
    item_id: i64,
    note: String,
    url: String,
) -> Result<(), AppError> {
    use super::domain::{parse_evidence_note, parse_evidence_url};
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Edit).await?;
    let mut errors = crate::error::FormErrors::default()
        .keep("note", &note)
        .keep("url", &url);
    let note = parse_evidence_note(&note)
        .map_err(|m| errors.add("note", m))
        .ok();
    let url = parse_evidence_url(&url)
        .map_err(|m| errors.add("url", m))
        .ok();
    let (Some(note), Some(url)) = (note, url) else {
        return Err(AppError::Invalid(errors));
    };
    let evidence = super::db::NewEvidence {
        plan_id,
        item_id,
        note: &note,
        url: url.as_deref(),
        by: actor.person.id,
        organisation: actor.organisations.first().copied(),
        now: crate::db::now(),
    };
    let entry = support::entry(
        &actor,
        item_id,
        serde_json::json!({"action": "evidence added"}),
    )
    .await;
    db.write_audited(entry, async |tx| {
        super::db::add_evidence(tx, &evidence).await
    })
    .await?;
    announce(&db, plan_id);
    crate::foundation::session::confirm_plain_post("evidence");
    Ok(())
}

/// Links an item to a section of the same plan (`link = true`) or removes the link.
#[server(prefix = "/api", endpoint = "link_checklist_section", output = Answer)]
pub async fn link_checklist_section(
    plan_id: i64,
    item_id: i64,
    section_id: String,
    link: bool,
) -> Result<(), AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Edit).await?;
    let section = section_id
        .trim()
        .parse::<i64>()
        .map_err(|_| AppError::field("section_id", "Choose a section of this plan."))?;
    let entry = support::entry(
        &actor,
        item_id,
        serde_json::json!({"action": if link { "section linked" } else { "section unlinked" }, "section": section}),
    )
    .await;
    db.write_audited(entry, async |tx| {
        if link {
            super::db::link_section(tx, plan_id, item_id, section).await
        } else {
            super::db::unlink_section(tx, plan_id, item_id, section).await
        }
    })
    .await?;
    announce(&db, plan_id);
    crate::foundation::session::confirm_plain_post(if link { "linked" } else { "unlinked" });
    Ok(())
}
