//! Server functions for plans and the section template.

use crate::encoding::Answer;
use leptos::prelude::*;

use super::views::{NewPlanOptions, PlanList, PlanOverview, TemplateSection};
use crate::error::AppError;

/// Plans the viewer may see, filtered by country, status and lead organisation (empty = any).
#[server(prefix = "/api", endpoint = "plans", output = Answer)]
pub async fn plans(
    country: Option<String>,
    status: Option<String>,
    org: Option<String>,
) -> Result<PlanList, AppError> {
    use super::domain::PlanStatus;
    use super::views::PlanListItem;
    use crate::access::domain::{can, Access, PlanAction};
    let db = crate::foundation::state::db()?;
    let person = crate::foundation::session::require_person(&db).await?;
    let country = country
        .map(|c| c.trim().to_ascii_uppercase())
        .filter(|c| !c.is_empty());
    let status = status
        .as_deref()
        .filter(|s| !s.is_empty())
        .and_then(|s| PlanStatus::parse(s).ok());
    let org = org.and_then(|o| o.trim().parse::<i64>().ok());
    let memberships = crate::foundation::session::memberships(&db, person.id).await?;
    // Every grant reaching the person, on any plan, in one query.
    let grants = crate::access::db::roles_reaching_any_plan(&db, person.id).await?;
    let all = super::db::list_plans(&db).await?;
    let mut visible = Vec::new();
    for p in all {
        let roles = grants
            .iter()
            .filter(|(plan, _)| *plan == p.id)
            .map(|(_, r)| *r)
            .collect();
        let access = Access {
            roles,
            platform_admin: person.is_admin(),
            active: person.active,
        };
        if can(access, PlanAction::SeeListing) {
            visible.push(PlanListItem {
                id: p.id,
                title: p.title,
                country: p.country,
                status: p.status,
                lead_org_id: p.lead_org_id,
                lead_org_name: p.lead_org_name,
                period_start: p.period_start,
                period_end: p.period_end,
                roles,
            });
        }
    }
    let mut organisations: Vec<(i64, String)> = visible
        .iter()
        .map(|p| (p.lead_org_id, p.lead_org_name.clone()))
        .collect();
    organisations.sort_by(|a, b| a.1.cmp(&b.1));
    organisations.dedup();
    let mut countries: Vec<String> = visible.iter().map(|p| p.country.clone()).collect();
    countries.sort();
    countries.dedup();
    let plans = visible
        .into_iter()
        .filter(|p| country.as_deref().is_none_or(|c| p.country == c))
        .filter(|p| status.is_none_or(|s| p.status == s))
        .filter(|p| org.is_none_or(|o| p.lead_org_id == o))
        .collect();
    Ok(PlanList {
        plans,
        organisations,
        countries,
        can_create: person.is_admin() || !memberships.is_empty(),
    })
}

/// What the new-plan form offers this person.
#[server(prefix = "/api", endpoint = "plan_form_options", output = Answer)]
pub async fn plan_form_options() -> Result<NewPlanOptions, AppError> {
    let db = crate::foundation::state::db()?;
    let person = crate::foundation::session::require_person(&db).await?;
    let organisations: Vec<(i64, String)> = if person.is_admin() {
        crate::admin::db::list_organisations(&db)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect()
    } else {
        crate::foundation::session::memberships(&db, person.id)
            .await?
            .into_iter()
            .map(|m| (m.org_id, m.org_name))
            .collect()
    };
    if organisations.is_empty() {
        return Err(AppError::Forbidden);
    }
    let template_sections = super::db::template(&db)
        .await?
        .into_iter()
        .filter(|t| !t.retired)
        .map(|t| t.title)
        .collect();
    Ok(NewPlanOptions {
        organisations,
        template_sections,
    })
}

/// Creates a plan (the creator becomes its lead, the lead organisation its editors) and opens it.
#[server(prefix = "/api", endpoint = "create_plan", output = Answer)]
pub async fn create_plan(
    country: String,
    title: String,
    summary: String,
    period_start: String,
    period_end: String,
    fragility_stage: String,
    lead_org_id: String,
    use_template: Option<String>,
) -> Result<i64, AppError> {
    use super::domain::{parse_stage, parse_summary, Period, PlanTitle};
    use crate::error::FormErrors;
    use crate::foundation::countries::CountryCode;
    let db = crate::foundation::state::db()?;
    let person = crate::foundation::session::require_person(&db).await?;
    let memberships = crate::foundation::session::memberships(&db, person.id).await?;
    if !person.is_admin() && memberships.is_empty() {
        return Err(AppError::Forbidden);
    }
    let mut errors = FormErrors::default()
        .keep("title", &title)
        .keep("summary", &summary)
        .keep("country", &country)
        .keep("period_start", &period_start)
        .keep("period_end", &period_end)
        .keep("fragility_stage", &fragility_stage)
        .keep("lead_org_id", &lead_org_id);
    let country = CountryCode::parse(&country)
        .map_err(|m| errors.add("country", m))
        .ok();
    let title_ok = PlanTitle::parse(&title)
        .map_err(|m| errors.add("title", m))
        .ok();
    let summary = parse_summary(&summary)
        .map_err(|m| errors.add("summary", m))
        .ok();
    let period = Period::parse(&period_start, &period_end)
        .map_err(|(f, m)| errors.add(f, m))
        .ok();
    let stage = parse_stage(&fragility_stage)
        .map_err(|m| errors.add("fragility_stage", m))
        .ok();
    let lead = lead_org_id.trim().parse::<i64>().ok();
    let lead_allowed = match lead {
        Some(id) if person.is_admin() => crate::admin::db::find_organisation(&db, id).await.is_ok(),
        Some(id) => memberships.iter().any(|m| m.org_id == id),
        None => false,
    };
    if !lead_allowed {
        errors.add("lead_org_id", "Choose the lead organisation from the list.");
    }
    let (Some(country), Some(title), Some(summary), Some(period), Some(stage), Some(lead)) =
        (country, title_ok, summary, period, stage, lead)
    else {
        return Err(AppError::Invalid(errors));
    };
    errors.into_result()?;
    let ip = crate::foundation::session::client_address().await;
    let id = super::db::insert_plan(
        &db,
        &super::db::NewPlan {
            country: country.as_str(),
            title: title.as_str(),
            summary: &summary,
            period,
            stage,
            lead_org_id: lead,
            created_by: person.id,
            creator_org: memberships
                .iter()
                .find(|m| m.org_id == lead)
                .or(memberships.first())
                .map(|m| m.org_id),
            from_template: use_template.is_some(),
            now: crate::db::now(),
            ip: Some(&ip),
        },
    )
    .await?;
    tracing::info!(person = person.id, plan = id, "plan created");
    leptos_axum::redirect(&format!("/plans/{id}"));
    Ok(id)
}

/// A plan's overview: details, sections, coverage.
#[server(prefix = "/api", endpoint = "plan", output = Answer)]
pub async fn plan(plan_id: i64) -> Result<PlanOverview, AppError> {
    use super::domain::Coverage;
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Read).await?;
    let plan = super::db::plan(&db, plan_id).await?;
    let (sections, removed) = crate::sections::db::sections_of(&db, plan_id).await?;
    let coverage = Coverage::from_tags(
        sections
            .iter()
            .map(|s| (s.psgs.as_slice(), s.pillars.as_slice())),
    );
    Ok(PlanOverview {
        plan,
        sections,
        removed,
        coverage,
        roles: actor.access.roles,
        can_edit: actor.may(PlanAction::Edit),
        can_manage: actor.may(PlanAction::Manage),
    })
}

/// Changes a plan's status (its lead).
#[server(prefix = "/api", endpoint = "set_plan_status", output = Answer)]
pub async fn set_plan_status(plan_id: i64, status: String) -> Result<(), AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Manage).await?;
    let status =
        super::domain::PlanStatus::parse(&status).map_err(|m| AppError::field("status", m))?;
    super::db::set_status(&db, plan_id, status, crate::db::now()).await?;
    tracing::info!(
        person = actor.person.id,
        plan = plan_id,
        status = status.as_str(),
        "plan status set"
    );
    crate::foundation::session::confirm_plain_post("status");
    Ok(())
}

/// The section template (platform administrators).
#[server(prefix = "/api", endpoint = "template", output = Answer)]
pub async fn template() -> Result<Vec<TemplateSection>, AppError> {
    let db = crate::foundation::state::db()?;
    require_admin(&db).await?;
    Ok(super::db::template(&db).await?)
}

#[cfg(feature = "ssr")]
async fn require_admin(db: &crate::db::Db) -> Result<crate::foundation::people::Person, AppError> {
    let person = crate::foundation::session::require_person(db).await?;
    if person.is_admin() {
        Ok(person)
    } else {
        Err(AppError::Forbidden)
    }
}

#[cfg(feature = "ssr")]
fn parse_template_fields(
    title: &str,
    guidance: &str,
    psgs: &str,
    pillars: &str,
) -> Result<(String, String, String, String), AppError> {
    use crate::foundation::frameworks::parse_numbers;
    let mut errors = crate::error::FormErrors::default()
        .keep("title", title)
        .keep("guidance", guidance)
        .keep("psgs", psgs)
        .keep("pillars", pillars);
    let title = crate::sections::domain::parse_title(title)
        .map_err(|m| errors.add("title", m))
        .ok();
    let guidance = guidance.trim().to_owned();
    if guidance.chars().count() > 4000 {
        errors.add("guidance", "Guidance can be at most 4,000 characters.");
    }
    let join = |v: Vec<u8>| v.iter().map(u8::to_string).collect::<Vec<_>>().join(",");
    let (p, q) = (parse_numbers(psgs, 5), parse_numbers(pillars, 3));
    if !psgs.trim().is_empty() && p.is_empty() {
        errors.add("psgs", "List PSG numbers from 1 to 5, separated by commas.");
    }
    if !pillars.trim().is_empty() && q.is_empty() {
        errors.add(
            "pillars",
            "List pillar numbers from 1 to 3, separated by commas.",
        );
    }
    match title {
        Some(t) if errors.is_empty() => Ok((t, guidance, join(p), join(q))),
        _ => Err(AppError::Invalid(errors)),
    }
}

/// Adds a section to the template.
#[server(prefix = "/api", endpoint = "add_template_section", output = Answer)]
pub async fn add_template_section(
    title: String,
    guidance: String,
    psgs: String,
    pillars: String,
) -> Result<i64, AppError> {
    let db = crate::foundation::state::db()?;
    let person = require_admin(&db).await?;
    let (title, guidance, psgs, pillars) =
        parse_template_fields(&title, &guidance, &psgs, &pillars)?;
    let id = super::db::add_template_section(&db, &title, &guidance, &psgs, &pillars).await?;
    tracing::info!(
        person = person.id,
        template_section = id,
        "template section added"
    );
    crate::foundation::session::confirm_plain_post("template-added");
    Ok(id)
}

/// Changes or retires a template section.
#[server(prefix = "/api", endpoint = "update_template_section", output = Answer)]
pub async fn update_template_section(
    id: i64,
    title: String,
    guidance: String,
    psgs: String,
    pillars: String,
    retired: Option<String>,
) -> Result<(), AppError> {
    let db = crate::foundation::state::db()?;
    let person = require_admin(&db).await?;
    let (title, guidance, psgs, pillars) =
        parse_template_fields(&title, &guidance, &psgs, &pillars)?;
    super::db::update_template_section(
        &db,
        id,
        &title,
        &guidance,
        &psgs,
        &pillars,
        retired.is_some(),
    )
    .await?;
    tracing::info!(
        person = person.id,
        template_section = id,
        "template section updated"
    );
    crate::foundation::session::confirm_plain_post("template-saved");
    Ok(())
}
