//! Server functions for sections: read, save, history, compare, restore, and the plan's
//! table of contents (add, rename, move, remove, restore, tags). Each checks the person's role
//! on the plan with `can()` and that the section belongs to that plan.

use crate::encoding::Answer;
use leptos::prelude::*;

use super::views::{Comparison, History, SaveOutcome, SectionDetail};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod support {
    use crate::access::domain::PlanAction;
    use crate::access::guard::{authorize_plan, PlanActor};
    use crate::db::Db;
    use crate::error::AppError;
    use crate::foundation::audit::domain::{AuditKind, NewEntry};
    use crate::sections::db::{section, SectionRow};
    use crate::sections::save::Author;

    /// The actor and the section, after checking `action` on the plan and that the section
    /// is the plan's own.
    pub async fn section_for(
        db: &Db,
        plan_id: i64,
        section_id: i64,
        action: PlanAction,
    ) -> Result<(PlanActor, SectionRow), AppError> {
        let actor = authorize_plan(db, plan_id, action).await?;
        let row = section(db, plan_id, section_id).await?;
        Ok((actor, row))
    }

    /// A section body as typed, parsed (bounded, normalised, nesting checked). Checking the
    /// nesting parses the whole Markdown: real work for a long body, so off the async workers.
    pub async fn checked_body(body: String) -> Result<String, AppError> {
        crate::foundation::cpu::run(
            "check a section body",
            crate::foundation::cpu::READ_BUDGET,
            move || crate::sections::domain::parse_body(&body),
        )
        .await
        .map_err(|_| {
            AppError::Conflict(
                "The server is too busy to check your text right now. Your text is kept here: save again in a moment.".into(),
            )
        })?
        .map_err(|m| AppError::field("body", m))
    }

    /// The revision author for `actor`: their first organisation, and where they are.
    pub async fn author(actor: &PlanActor) -> Author {
        Author {
            person: actor.person.id,
            organisation: actor.organisations.first().copied(),
            ip: Some(crate::foundation::session::client_address().await),
        }
    }

    /// Which copies of the text a read returns.
    pub enum Text {
        /// The Markdown source and the sanitised HTML.
        Both,
        /// The Markdown source if the viewer may edit, nothing otherwise.
        SourceIfEditor,
        /// Neither.
        None,
    }

    /// The section with the parts of its text asked for.
    pub async fn detail(
        plan_id: i64,
        section_id: i64,
        text: Text,
    ) -> Result<crate::sections::views::SectionDetail, AppError> {
        use crate::access::domain::PlanAction;
        let db = crate::foundation::state::db()?;
        let (actor, row) = section_for(&db, plan_id, section_id, PlanAction::Read).await?;
        let (psgs, pillars) = crate::sections::db::tags(&db, section_id).await?;
        let (previous, next) = crate::sections::db::neighbours(&db, plan_id, section_id).await?;
        let can_edit = actor.may(PlanAction::Edit);
        let html = match text {
            // Rendering and sanitising is the costliest step of a read; a version renders once,
            // off the async workers.
            Text::Both => {
                db.memo_weighed(
                    "sections.html",
                    format!("{section_id}:{}", row.version),
                    String::len,
                    || async {
                        Ok(crate::foundation::markdown::served::safe_html(row.body.clone()).await)
                    },
                )
                .await?
            }
            Text::SourceIfEditor | Text::None => String::new(),
        };
        let body = match text {
            Text::Both => row.body,
            Text::SourceIfEditor if can_edit => row.body,
            Text::SourceIfEditor | Text::None => String::new(),
        };
        Ok(crate::sections::views::SectionDetail {
            id: row.id,
            plan_id,
            plan_title: row.plan_title,
            html,
            title: row.title,
            guidance: row.guidance,
            body,
            version: row.version,
            psgs,
            pillars,
            updated_by: row.updated_by,
            updated_by_org: row.updated_by_org,
            updated_at: row.updated_at,
            removed: row.removed_at.is_some(),
            can_edit,
            viewer: actor.person.id,
            previous,
            next,
        })
    }

    /// An audit entry for a change to section `section_id` of the plan by `actor`, from where
    /// they are.
    pub async fn change(
        actor: &PlanActor,
        section_id: i64,
        details: serde_json::Value,
    ) -> NewEntry {
        actor
            .entry(AuditKind::PlanChange, format!("section {section_id}"))
            .await
            .details(details)
    }
}

/// A section and what the viewer may do with it.
#[server(prefix = "/api", endpoint = "section", output = Answer)]
pub async fn section(plan_id: i64, section_id: i64) -> Result<SectionDetail, AppError> {
    support::detail(plan_id, section_id, support::Text::Both).await
}

/// What the section page needs of a section: no rendered text (the page shows the copy with
/// comment passages marked, which the comment threads bring), and the Markdown source only
/// when `editing` and the viewer may edit. `body` and `html` are left empty otherwise, so the
/// page and its hydration data carry the section's text once per use, not three times.
#[server(prefix = "/api", endpoint = "section_page", output = Answer)]
pub async fn section_page(
    plan_id: i64,
    section_id: i64,
    editing: bool,
) -> Result<SectionDetail, AppError> {
    let text = if editing {
        support::Text::SourceIfEditor
    } else {
        support::Text::None
    };
    support::detail(plan_id, section_id, text).await
}

/// Saves a new version of the body, based on version `base_version`: saved, merged with what
/// others saved meanwhile, or (overlapping changes) a conflict that writes nothing.
#[server(prefix = "/api", endpoint = "save_section", output = Answer)]
pub async fn save_section(
    plan_id: i64,
    section_id: i64,
    base_version: i64,
    body: String,
) -> Result<SaveOutcome, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let (actor, _) = support::section_for(&db, plan_id, section_id, PlanAction::Edit).await?;
    let body = support::checked_body(body).await?;
    let outcome = super::save::save(
        &db,
        plan_id,
        section_id,
        base_version,
        &body,
        &support::author(&actor).await,
    )
    .await?;
    tracing::info!(
        person = actor.person.id,
        plan = plan_id,
        section = section_id,
        ?base_version,
        outcome = outcome.kind(),
        "section saved"
    );
    crate::foundation::flash::put_for_plain_post(&notice_key(section_id), &outcome).await?;
    Ok(outcome)
}

/// What others saved since `base_version`, merged into `body` (the text the editor holds) the
/// way a save would merge it, without writing anything: the editor's view of a save it was
/// just told of.
#[server(prefix = "/api", endpoint = "merge_incoming", output = Answer)]
pub async fn merge_incoming(
    plan_id: i64,
    section_id: i64,
    base_version: i64,
    body: String,
) -> Result<super::views::Incoming, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    support::section_for(&db, plan_id, section_id, PlanAction::Edit).await?;
    let body = support::checked_body(body).await?;
    super::save::incoming(&db, plan_id, section_id, base_version, &body).await
}

#[cfg(feature = "ssr")]
fn notice_key(section_id: i64) -> String {
    format!("flash_section_{section_id}")
}

/// The outcome of the last save of this section posted without JavaScript, shown once.
#[server(prefix = "/api", endpoint = "take_save_notice", output = Answer)]
pub async fn take_save_notice(section_id: i64) -> Result<Option<SaveOutcome>, AppError> {
    crate::foundation::flash::take(&notice_key(section_id)).await
}

/// The section's revisions, newest first.
#[server(prefix = "/api", endpoint = "section_history", output = Answer)]
pub async fn section_history(plan_id: i64, section_id: i64) -> Result<History, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let (actor, row) = support::section_for(&db, plan_id, section_id, PlanAction::Read).await?;
    Ok(History {
        plan_id,
        plan_title: row.plan_title,
        section_id,
        section_title: row.title,
        revisions: super::db::revisions(&db, section_id).await?,
        can_edit: actor.may(PlanAction::Edit),
    })
}

/// Two revisions compared word by word (older first, whatever order they are given in).
#[server(prefix = "/api", endpoint = "compare", output = Answer)]
pub async fn compare(
    plan_id: i64,
    section_id: i64,
    from: i64,
    to: i64,
) -> Result<Comparison, AppError> {
    use crate::access::domain::PlanAction;
    use crate::foundation::cpu;
    let db = crate::foundation::state::db()?;
    support::section_for(&db, plan_id, section_id, PlanAction::Read).await?;
    let (from, to) = (from.min(to), from.max(to));
    let texts = std::sync::Arc::new((
        super::db::revision_body(&db, section_id, from).await?,
        super::db::revision_body(&db, section_id, to).await?,
    ));
    let job = std::sync::Arc::clone(&texts);
    let compared = cpu::run("compare revisions", cpu::READ_BUDGET, move || {
        let deadline = std::time::Instant::now() + super::diff::DIFF_TIME;
        super::diff::diff_revisions(&job.0, &job.1, deadline)
    })
    .await
    // No lane in time: the two texts whole, which takes no work at all.
    .unwrap_or_else(|_| super::diff::Compared {
        parts: vec![
            super::diff::DiffPart {
                change: super::diff::Change::Removed,
                text: texts.0.clone(),
            },
            super::diff::DiffPart {
                change: super::diff::Change::Added,
                text: texts.1.clone(),
            },
        ],
        word_by_word: false,
    });
    Ok(Comparison {
        from,
        to,
        parts: compared.parts,
        word_by_word: compared.word_by_word,
    })
}

/// Restores an old revision as a new one (nothing is rewritten).
#[server(prefix = "/api", endpoint = "restore_revision", output = Answer)]
pub async fn restore_revision(plan_id: i64, section_id: i64, number: i64) -> Result<i64, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let (actor, _) = support::section_for(&db, plan_id, section_id, PlanAction::Edit).await?;
    let version = super::save::restore(
        &db,
        plan_id,
        section_id,
        number,
        &support::author(&actor).await,
    )
    .await?;
    tracing::info!(
        person = actor.person.id,
        plan = plan_id,
        section = section_id,
        number,
        version,
        "revision restored"
    );
    crate::foundation::session::confirm_plain_post("restored");
    Ok(version)
}

/// Adds an empty section at the end of the plan.
#[server(prefix = "/api", endpoint = "add_section", output = Answer)]
pub async fn add_section(plan_id: i64, title: String) -> Result<i64, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Edit).await?;
    let title = super::domain::parse_title(&title).map_err(|m| {
        let mut e = crate::error::FormErrors::default().keep("title", &title);
        e.add("title", m);
        AppError::Invalid(e)
    })?;
    let entry = actor
        .entry(
            crate::foundation::audit::domain::AuditKind::PlanChange,
            "section",
        )
        .await
        .details(serde_json::json!({"action": "section added", "title": title}));
    let organisation = actor.organisations.first().copied();
    let id = db
        .write_audited(
            |id: &i64| entry.about(format!("section {id}")),
            async |tx| {
                super::db::add_section(
                    tx,
                    plan_id,
                    &title,
                    actor.person.id,
                    organisation,
                    crate::db::now(),
                )
                .await
            },
        )
        .await?;
    announce_list(&db, plan_id);
    Ok(id)
}

/// Tells the plan's open pages that its list of sections changed.
#[cfg(feature = "ssr")]
fn announce_list(db: &crate::db::Db, plan_id: i64) {
    crate::foundation::live::publish(db, Some(plan_id), crate::foundation::live::Change::Sections);
}

/// Renames a section.
#[server(prefix = "/api", endpoint = "rename_section", output = Answer)]
pub async fn rename_section(plan_id: i64, section_id: i64, title: String) -> Result<(), AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let (actor, row) = support::section_for(&db, plan_id, section_id, PlanAction::Edit).await?;
    let title = super::domain::parse_title(&title).map_err(|m| AppError::field("title", m))?;
    let entry = support::change(
        &actor,
        section_id,
        serde_json::json!({"action": "section renamed", "from": row.title, "to": title}),
    )
    .await;
    db.write_audited(entry, async |tx| {
        super::db::rename(tx, plan_id, section_id, &title).await
    })
    .await?;
    announce_list(&db, plan_id);
    crate::foundation::session::confirm_plain_post("renamed");
    Ok(())
}

/// Moves a section up or down one place.
#[server(prefix = "/api", endpoint = "move_section", output = Answer)]
pub async fn move_section(
    plan_id: i64,
    section_id: i64,
    direction: String,
) -> Result<(), AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let (actor, _) = support::section_for(&db, plan_id, section_id, PlanAction::Edit).await?;
    let up = match direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(AppError::field("direction", "Move up or down.")),
    };
    let entry = support::change(
        &actor,
        section_id,
        serde_json::json!({"action": if up { "section moved up" } else { "section moved down" }}),
    )
    .await;
    db.write_audited(entry, async |tx| {
        super::db::move_section(tx, plan_id, section_id, up).await
    })
    .await?;
    announce_list(&db, plan_id);
    Ok(())
}

/// Removes a section (`remove = true`) or restores a removed one; text and history stay.
#[server(prefix = "/api", endpoint = "set_section_removed", output = Answer)]
pub async fn set_section_removed(
    plan_id: i64,
    section_id: i64,
    remove: bool,
) -> Result<(), AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let (actor, row) = support::section_for(&db, plan_id, section_id, PlanAction::Edit).await?;
    let entry = support::change(
        &actor,
        section_id,
        serde_json::json!({"action": if remove { "section removed" } else { "section restored" }, "title": row.title}),
    )
    .await;
    let removed_by = remove.then_some(actor.person.id);
    db.write_audited(entry, async |tx| {
        super::db::set_removed(tx, plan_id, section_id, removed_by, crate::db::now()).await
    })
    .await?;
    announce_list(&db, plan_id);
    Ok(())
}

/// Sets which PSGs and R2P pillars a section serves (checkbox names `psg1`..`psg5`, `pillar1`..`pillar3`).
#[server(prefix = "/api", endpoint = "set_section_tags", output = Answer)]
pub async fn set_section_tags(
    plan_id: i64,
    section_id: i64,
    psg1: Option<String>,
    psg2: Option<String>,
    psg3: Option<String>,
    psg4: Option<String>,
    psg5: Option<String>,
    pillar1: Option<String>,
    pillar2: Option<String>,
    pillar3: Option<String>,
) -> Result<(), AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    support::section_for(&db, plan_id, section_id, PlanAction::Edit).await?;
    let pick = |boxes: &[&Option<String>]| -> Vec<u8> {
        boxes
            .iter()
            .enumerate()
            .filter(|(_, b)| b.is_some())
            .map(|(i, _)| i as u8 + 1)
            .collect()
    };
    let psgs = pick(&[&psg1, &psg2, &psg3, &psg4, &psg5]);
    let pillars = pick(&[&pillar1, &pillar2, &pillar3]);
    db.transaction(async |tx| super::db::set_tags(tx, plan_id, section_id, &psgs, &pillars).await)
        .await?;
    announce_list(&db, plan_id);
    crate::foundation::session::confirm_plain_post("tags");
    Ok(())
}
