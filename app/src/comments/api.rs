//! Server functions for comment threads. Threads are read with
//! [`PlanAction::Read`](crate::access::domain::PlanAction) and written with `Comment`; every
//! thread id is checked against the plan and section, every comment id against its thread.

use crate::encoding::Answer;
use leptos::prelude::*;

use super::views::{Activity, MemberSuggestion, ThreadsOfSection};
use crate::error::AppError;

#[cfg(feature = "ssr")]
mod support {
    use crate::access::domain::PlanAction;
    use crate::access::guard::{authorize_plan, PlanActor};
    use crate::comments::db::{self, ThreadRow};
    use crate::comments::domain::CommentBody;
    use crate::comments::mentions::find_mentions;
    use crate::db::Db;
    use crate::error::{AppError, FormErrors};
    use crate::sections::db::SectionRow;

    /// Tells the section's open pages that its threads changed, and the people a comment
    /// reached (mentioned, or in the thread) that their inbox did. After the change committed.
    pub async fn announce(db: &Db, plan_id: i64, section_id: i64, comment: Option<i64>) {
        use crate::foundation::live::{publish, Change};
        publish(db, Some(plan_id), Change::Comments { section_id });
        let Some(comment) = comment else {
            return;
        };
        match crate::inbox::db::told_of_comment(db, comment).await {
            Ok(people) if !people.is_empty() => publish(db, None, Change::Inbox { people }),
            Ok(_) => {}
            // Their inbox count catches up on their next page; the comment itself is saved.
            Err(e) => tracing::warn!(error = %e, comment, "inbox recipients not read"),
        }
    }

    /// The actor and the section after checking `action` and that the section is the plan's.
    pub async fn section_for(
        db: &Db,
        plan_id: i64,
        section_id: i64,
        action: PlanAction,
    ) -> Result<(PlanActor, SectionRow), AppError> {
        let actor = authorize_plan(db, plan_id, action).await?;
        let section = crate::sections::db::section(db, plan_id, section_id).await?;
        Ok((actor, section))
    }

    /// The actor and the thread, after checking `action` and that the thread is on this
    /// section of this plan.
    pub async fn thread_for(
        db: &Db,
        plan_id: i64,
        section_id: i64,
        thread_id: i64,
        action: PlanAction,
    ) -> Result<(PlanActor, ThreadRow), AppError> {
        let actor = authorize_plan(db, plan_id, action).await?;
        let thread = db::thread(db, plan_id, section_id, thread_id).await?;
        Ok((actor, thread))
    }

    /// Parses a comment body, keeping what was typed (and which form it came from) for the
    /// form to show again.
    pub fn parse_body(raw: &str, form: &FormErrors) -> Result<CommentBody, AppError> {
        CommentBody::parse(raw).map_err(|m| {
            let mut e = form.clone();
            e.add("body", m);
            AppError::Invalid(e)
        })
    }

    /// The plan members `body` mentions. Only members are looked at: another name is plain
    /// text and an email address that is no member's is refused, whether or not an account
    /// has it, so a comment cannot probe who has an account. Nobody is told of a refusal.
    pub async fn mentions(
        db: &Db,
        plan_id: i64,
        body: &CommentBody,
        form: &FormErrors,
    ) -> Result<Vec<i64>, AppError> {
        if !body.as_str().contains('@') {
            return Ok(Vec::new());
        }
        let members = db::mentionable(db, plan_id).await?;
        let found = find_mentions(body.as_str(), &members);
        if found.refused.is_empty() {
            return Ok(found.people);
        }
        let mut e = form.clone();
        e.add(
            "body",
            format!(
                "{} cannot be mentioned: only people with access to this plan can be. A plan lead can add them on the members page.",
                found.refused.join(", ")
            ),
        );
        Err(AppError::Invalid(e))
    }
}

/// The section's threads with their comments, and the section text with open threads'
/// passages highlighted. With `editing` (the page shows the section in its editor to those
/// who may edit) the text is left out for a viewer who may edit.
#[server(prefix = "/api", endpoint = "section_threads", output = Answer)]
pub async fn section_threads(
    plan_id: i64,
    section_id: i64,
    #[server(default)] editing: bool,
) -> Result<ThreadsOfSection, AppError> {
    use super::domain::{may_delete, may_edit, ThreadState};
    use super::views::{AnchorState, CommentView, Stamp, ThreadView};
    use crate::access::domain::PlanAction;
    use crate::foundation::cpu;
    let db = crate::foundation::state::db()?;
    let (actor, section) = support::section_for(&db, plan_id, section_id, PlanAction::Read).await?;
    let body = std::sync::Arc::new(section.body.clone());
    let read = super::of_section::section_threads(
        &db,
        plan_id,
        section_id,
        section.version,
        std::sync::Arc::clone(&body),
    )
    .await?;
    let can_comment = actor.may(PlanAction::Comment);
    let is_lead = actor.may(PlanAction::Manage);
    let me = actor.person.id;
    let (found, comments, activity) = (&read.found, &read.comments, read.activity);
    let mut rendered = read.rendered.iter().cloned();
    let mut marks = Vec::new();
    let mut threads = Vec::new();
    for (i, t) in read.rows.iter().cloned().enumerate() {
        let anchor = match (&t.passage, found.as_ref().and_then(|f| f.get(i))) {
            (None, _) => AnchorState::Section,
            (Some(_), None) => AnchorState::Unchecked,
            (Some(_), Some(Some(Some((start, end))))) => {
                if t.state() == ThreadState::Open {
                    marks.push((t.id, *start, *end));
                }
                AnchorState::Present
            }
            (Some(_), Some(_)) => AnchorState::Changed,
        };
        threads.push(ThreadView {
            id: t.id,
            quote: t.passage.map(|p| p.quote),
            anchor,
            started: Stamp {
                by: t.created_by_name,
                at: t.created_at,
            },
            resolved: t.resolved.map(|(by, at)| Stamp { by, at }),
            reopened: t.reopened.map(|(by, at)| Stamp { by, at }),
            comments: Vec::new(),
        });
    }
    // Comments in the order read, each into its thread; rendered in that same order.
    for c in comments {
        let deleted = c.deleted_at.is_some();
        let mine = may_edit(c.author_id, me);
        let view = CommentView {
            id: c.id,
            author: c.author.clone(),
            html: if deleted {
                String::new()
            } else {
                rendered.next().unwrap_or_default()
            },
            source: (mine && !deleted && can_comment).then(|| c.body.clone()),
            created_at: c.created_at,
            edited_at: c.edited_at,
            deleted,
            can_edit: mine && !deleted && can_comment,
            can_delete: !deleted && may_delete(c.author_id, me, is_lead, can_comment),
        };
        if let Some(thread) = threads.iter_mut().find(|t| t.id == c.thread_id) {
            thread.comments.push(view);
        }
    }
    // The highlighted rendering is the costliest part of a section page. The marks come from
    // the threads, which only change by a write, and a write makes every memo stale.
    let html = if editing && actor.may(PlanAction::Edit) {
        String::new()
    } else {
        db.memo_weighed(
            "comments.highlighted",
            format!("{section_id}:{}", section.version),
            String::len,
            || async {
                let job = std::sync::Arc::clone(&body);
                let html = cpu::run("highlight passages", cpu::READ_BUDGET, move || {
                    crate::foundation::markdown::sanitise(&super::passage::highlighted_html(
                        &job, &marks,
                    ))
                })
                .await;
                Ok(html.unwrap_or_else(|_| crate::foundation::markdown::unformatted_html(&body)))
            },
        )
        .await?
    };
    Ok(ThreadsOfSection {
        plan_id,
        section_id,
        html,
        open_count: threads.iter().filter(|t| t.resolved.is_none()).count() as i64,
        threads,
        can_comment,
        activity,
    })
}

/// The section's comment-activity fingerprint: pages poll it and refetch the threads only
/// when it changes.
#[server(prefix = "/api", endpoint = "thread_activity", output = Answer)]
pub async fn thread_activity(plan_id: i64, section_id: i64) -> Result<Activity, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    support::section_for(&db, plan_id, section_id, PlanAction::Read).await?;
    Ok(super::db::activity(&db, plan_id, section_id).await?)
}

/// Open threads per section of the plan: `(section id, count)`, sections without any left out.
#[server(prefix = "/api", endpoint = "open_thread_counts", output = Answer)]
pub async fn open_thread_counts(plan_id: i64) -> Result<Vec<(i64, i64)>, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Read).await?;
    Ok(super::db::open_counts(&db, plan_id).await?)
}

/// Starts a thread on the whole section (`quote` empty) or on a passage of its current text.
/// `prefix` and `suffix` are the text the browser saw around the selection, to tell repeated
/// passages apart.
#[server(prefix = "/api", endpoint = "start_thread", output = Answer)]
pub async fn start_thread(
    plan_id: i64,
    section_id: i64,
    body: String,
    quote: Option<String>,
    prefix: Option<String>,
    suffix: Option<String>,
) -> Result<i64, AppError> {
    use super::domain::{anchor_in, parse_quote};
    use crate::access::domain::PlanAction;
    use crate::error::FormErrors;
    let db = crate::foundation::state::db()?;
    let (actor, section) =
        support::section_for(&db, plan_id, section_id, PlanAction::Comment).await?;
    let raw_quote = quote.unwrap_or_default();
    let form = FormErrors::default()
        .keep("body", &body)
        .keep("quote", &raw_quote);
    let mut errors = form.clone();
    let parsed_body = super::domain::CommentBody::parse(&body)
        .map_err(|m| errors.add("body", m))
        .ok();
    let passage = match parse_quote(&raw_quote) {
        Err(m) => {
            errors.add("quote", m);
            None
        }
        Ok(None) => None,
        Ok(Some(q)) => {
            // The hints are cut to the context a thread keeps before anything else is done
            // with them; the section's text is flattened and searched off the async workers.
            let prefix = super::domain::prefix_hint(prefix.as_deref().unwrap_or_default());
            let suffix = super::domain::suffix_hint(suffix.as_deref().unwrap_or_default());
            let body = section.body.clone();
            let found = crate::foundation::cpu::run(
                "anchor a quote",
                crate::foundation::cpu::READ_BUDGET,
                move || anchor_in(&super::passage::plain_text(&body), &q, &prefix, &suffix),
            )
            .await
            .map_err(|_| {
                AppError::Conflict(
                    "The server is too busy to find your quote right now. Your comment is kept here: post it again in a moment.".into(),
                )
            })?;
            if found.is_none() {
                errors.add(
                    "quote",
                    "This passage is not in the section's current text. Copy it exactly as shown, or leave the quote empty to comment on the whole section.",
                );
            }
            found
        }
    };
    let Some(parsed_body) = parsed_body else {
        return Err(AppError::Invalid(errors));
    };
    errors.into_result()?;
    let mentions = support::mentions(&db, plan_id, &parsed_body, &form).await?;
    let (thread, comment) = super::db::start_thread(
        &db,
        plan_id,
        section_id,
        passage.as_ref(),
        &super::db::NewComment {
            author: actor.person.id,
            body: parsed_body.as_str(),
            mentions: &mentions,
            now: crate::db::now(),
        },
    )
    .await?;
    tracing::info!(
        person = actor.person.id,
        plan = plan_id,
        section = section_id,
        thread,
        "comment thread started"
    );
    support::announce(&db, plan_id, section_id, Some(comment)).await;
    crate::foundation::session::confirm_plain_post("commented");
    Ok(thread)
}

/// Replies in an open thread.
#[server(prefix = "/api", endpoint = "reply_to_thread", output = Answer)]
pub async fn reply_to_thread(
    plan_id: i64,
    section_id: i64,
    thread_id: i64,
    body: String,
) -> Result<i64, AppError> {
    use crate::access::domain::PlanAction;
    use crate::error::FormErrors;
    let db = crate::foundation::state::db()?;
    let (actor, thread) =
        support::thread_for(&db, plan_id, section_id, thread_id, PlanAction::Comment).await?;
    thread
        .state()
        .accepts_replies()
        .map_err(|m| AppError::Conflict(m.into()))?;
    let form = FormErrors::default()
        .keep("thread_id", &thread_id.to_string())
        .keep("body", &body);
    let parsed = support::parse_body(&body, &form)?;
    let mentions = support::mentions(&db, plan_id, &parsed, &form).await?;
    let id = super::db::reply(
        &db,
        &thread,
        &super::db::NewComment {
            author: actor.person.id,
            body: parsed.as_str(),
            mentions: &mentions,
            now: crate::db::now(),
        },
    )
    .await?;
    tracing::info!(
        person = actor.person.id,
        plan = plan_id,
        thread = thread_id,
        comment = id,
        "reply added"
    );
    support::announce(&db, plan_id, section_id, Some(id)).await;
    crate::foundation::session::confirm_plain_post("replied");
    Ok(id)
}

/// Changes the text of one's own comment; it is shown as edited.
#[server(prefix = "/api", endpoint = "edit_comment", output = Answer)]
pub async fn edit_comment(
    plan_id: i64,
    section_id: i64,
    thread_id: i64,
    comment_id: i64,
    body: String,
) -> Result<(), AppError> {
    use crate::access::domain::PlanAction;
    use crate::error::FormErrors;
    let db = crate::foundation::state::db()?;
    let (actor, thread) =
        support::thread_for(&db, plan_id, section_id, thread_id, PlanAction::Comment).await?;
    let comment = super::db::comment(&db, thread_id, comment_id).await?;
    if !super::domain::may_edit(comment.author_id, actor.person.id) {
        return Err(AppError::Forbidden);
    }
    if comment.deleted_at.is_some() {
        return Err(AppError::Conflict("This comment was deleted.".into()));
    }
    let form = FormErrors::default()
        .keep("comment_id", &comment_id.to_string())
        .keep("body", &body);
    let parsed = support::parse_body(&body, &form)?;
    let mentions = support::mentions(&db, plan_id, &parsed, &form).await?;
    super::db::edit_comment(
        &db,
        &thread,
        comment_id,
        &super::db::NewComment {
            author: actor.person.id,
            body: parsed.as_str(),
            mentions: &mentions,
            now: crate::db::now(),
        },
    )
    .await?;
    support::announce(&db, plan_id, section_id, Some(comment_id)).await;
    crate::foundation::session::confirm_plain_post("edited");
    Ok(())
}

/// Deletes a comment (its author, or a plan lead): it reads "comment deleted" afterwards and
/// the thread stays.
#[server(prefix = "/api", endpoint = "delete_comment", output = Answer)]
pub async fn delete_comment(
    plan_id: i64,
    section_id: i64,
    thread_id: i64,
    comment_id: i64,
) -> Result<(), AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let actor = crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Read).await?;
    super::db::thread(&db, plan_id, section_id, thread_id).await?;
    let comment = super::db::comment(&db, thread_id, comment_id).await?;
    if !super::domain::may_delete(
        comment.author_id,
        actor.person.id,
        actor.may(PlanAction::Manage),
        actor.may(PlanAction::Comment),
    ) {
        return Err(AppError::Forbidden);
    }
    super::db::delete_comment(
        &db,
        thread_id,
        comment_id,
        actor.person.id,
        crate::db::now(),
    )
    .await?;
    tracing::info!(
        person = actor.person.id,
        plan = plan_id,
        comment = comment_id,
        "comment deleted"
    );
    support::announce(&db, plan_id, section_id, None).await;
    crate::foundation::session::confirm_plain_post("deleted");
    Ok(())
}

/// Resolves an open thread.
#[server(prefix = "/api", endpoint = "resolve_thread", output = Answer)]
pub async fn resolve_thread(plan_id: i64, section_id: i64, thread_id: i64) -> Result<(), AppError> {
    set_resolved(plan_id, section_id, thread_id, true).await
}

/// Reopens a resolved thread.
#[server(prefix = "/api", endpoint = "reopen_thread", output = Answer)]
pub async fn reopen_thread(plan_id: i64, section_id: i64, thread_id: i64) -> Result<(), AppError> {
    set_resolved(plan_id, section_id, thread_id, false).await
}

#[cfg(feature = "ssr")]
async fn set_resolved(
    plan_id: i64,
    section_id: i64,
    thread_id: i64,
    resolve: bool,
) -> Result<(), AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    let (actor, thread) =
        support::thread_for(&db, plan_id, section_id, thread_id, PlanAction::Comment).await?;
    let state = thread.state();
    if resolve {
        state.resolve()
    } else {
        state.reopen()
    }
    .map_err(|m| AppError::Conflict(m.into()))?;
    super::db::set_resolved(&db, thread_id, resolve, actor.person.id, crate::db::now())
        .await
        .map_err(|e| match e {
            crate::db::DbError::Stale => AppError::Conflict(
                "Someone else changed this thread in the meantime. Reload to see it.".into(),
            ),
            other => other.into(),
        })?;
    tracing::info!(
        person = actor.person.id,
        plan = plan_id,
        thread = thread_id,
        resolve,
        "thread state changed"
    );
    support::announce(&db, plan_id, section_id, None).await;
    crate::foundation::session::confirm_plain_post(if resolve { "resolved" } else { "reopened" });
    Ok(())
}

/// Plan members whose name or email starts with `prefix`, for `@` suggestions (only to those
/// who may comment: the list tells who is on the plan).
#[server(prefix = "/api", endpoint = "mention_suggestions", output = Answer)]
pub async fn mention_suggestions(
    plan_id: i64,
    prefix: String,
) -> Result<Vec<MemberSuggestion>, AppError> {
    use crate::access::domain::PlanAction;
    let db = crate::foundation::state::db()?;
    crate::access::guard::authorize_plan(&db, plan_id, PlanAction::Comment).await?;
    let prefix: String = prefix
        .trim()
        .trim_start_matches('@')
        .chars()
        .take(60)
        .collect();
    Ok(super::db::members_matching(&db, plan_id, &prefix, 8).await?)
}
