//! What waits for the signed-in person, gathered from every feature they work in: their plans,
//! sections to review, unread mentions and replies, checklist items they own that are due,
//! their sections sent back, and what others changed on their plans.

use crate::encoding::Answer;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A plan the person has a role on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyPlan {
    pub id: i64,
    pub title: String,
    /// Their role there, as shown.
    pub role: String,
    /// Where the plan stands, as shown.
    pub status: String,
}

/// One thing to look at: what, where, when, and the link that opens it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkItem {
    /// What it is, in words.
    pub title: String,
    /// Where it is (the plan, the section).
    pub context: String,
    pub link: String,
    /// When it happened or is due, Unix seconds.
    pub at: Option<i64>,
    /// A line of detail (a reason, an excerpt).
    pub note: Option<String>,
    /// Past its due day.
    pub overdue: bool,
}

/// The home page's lists, each newest (or most urgent) first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Work {
    pub plans: Vec<MyPlan>,
    /// Sections waiting for their approval.
    pub to_review: Vec<WorkItem>,
    /// Unread mentions and replies.
    pub unread: Vec<WorkItem>,
    /// Checklist items they own that are overdue or due within two weeks.
    pub due: Vec<WorkItem>,
    /// Sections they wrote that reviewers sent back.
    pub sent_back: Vec<WorkItem>,
    /// What others saved recently on their plans.
    pub recent: Vec<WorkItem>,
}

/// How far ahead a checklist item counts as due.
#[cfg(feature = "ssr")]
const DUE_DAYS: i64 = 14;

/// How many of each list the page shows.
#[cfg(feature = "ssr")]
const MOST: usize = 10;

/// The signed-in person's work.
#[server(prefix = "/api", endpoint = "my_work", output = Answer)]
pub async fn my_work() -> Result<Work, AppError> {
    use crate::checklist::domain::{is_due_within, is_owned_by, start_of_day};
    use crate::foundation::session::{memberships, require_person};
    use crate::inbox::views::InboxKind;
    let db = crate::foundation::state::db()?;
    let person = require_person(&db).await?;
    let orgs: Vec<i64> = memberships(&db, person.id)
        .await?
        .into_iter()
        .map(|m| m.org_id)
        .collect();
    // Only plans they hold a role on: an administrator's listing of every plan is not work.
    let plans: Vec<_> = crate::plans::api::plans(None, None, None)
        .await?
        .plans
        .into_iter()
        .filter(|p| !p.roles.is_empty())
        .collect();
    let plan_ids: Vec<i64> = plans.iter().map(|p| p.id).collect();
    let title_of = |id: i64| {
        plans
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.title.clone())
            .unwrap_or_default()
    };

    let to_review = crate::reviews::api::review_queue()
        .await?
        .into_iter()
        .rev()
        .take(MOST)
        .map(|q| WorkItem {
            title: format!("Review “{}” (version {})", q.title, q.version),
            context: q.plan_title,
            link: format!("/plans/{}/sections/{}", q.plan_id, q.section_id),
            at: Some(q.submitted_at),
            note: None,
            overdue: false,
        })
        .collect();

    let unread = crate::inbox::api::inbox_items()
        .await?
        .items
        .into_iter()
        .filter(|i| !i.read && matches!(i.kind, InboxKind::Mention | InboxKind::Reply))
        .take(MOST)
        .map(|i| WorkItem {
            title: match (i.kind, i.actor.as_deref()) {
                (InboxKind::Mention, Some(a)) => format!("{a} mentioned you"),
                (InboxKind::Mention, None) => "You were mentioned".to_owned(),
                (_, Some(a)) => format!("{a} replied"),
                (_, None) => "A reply".to_owned(),
            },
            context: match i.section_title {
                Some(s) => format!("{} › {s}", i.plan_title),
                None => i.plan_title,
            },
            link: i.link,
            at: Some(i.created_at),
            note: (!i.excerpt.is_empty()).then_some(i.excerpt),
            overdue: false,
        })
        .collect();

    let today = start_of_day(crate::db::now());
    let mut due = Vec::new();
    for plan in &plans {
        for item in crate::checklist::db::items(&db, plan.id, today).await? {
            let mine = is_owned_by(
                item.responsible_org_id,
                &item.responsible_person,
                &orgs,
                &person.display_name,
            );
            if !item.retired
                && mine
                && is_due_within(item.status.kind(), item.due_date, today, DUE_DAYS)
            {
                due.push(WorkItem {
                    title: item.text,
                    context: plan.title.clone(),
                    link: format!("/plans/{}/checklist/{}", plan.id, item.id),
                    at: item.due_date,
                    note: None,
                    overdue: item.overdue,
                });
            }
        }
    }
    // Most urgent first: the earliest due day.
    due.sort_by_key(|d| d.at);
    due.truncate(MOST);

    let sent_back = crate::reviews::db::sent_back_to(&db, person.id)
        .await?
        .into_iter()
        .filter(|s| plan_ids.contains(&s.plan_id))
        .take(MOST)
        .map(|s| WorkItem {
            title: format!("Changes requested on “{}”", s.title),
            context: s.plan_title,
            link: format!("/plans/{}/sections/{}", s.plan_id, s.section_id),
            at: Some(s.at),
            note: (!s.reason.is_empty()).then_some(s.reason),
            overdue: false,
        })
        .collect();

    let recent = crate::sections::db::recent_revisions(&db, &plan_ids, person.id, MOST as i64)
        .await?
        .into_iter()
        .map(|r| WorkItem {
            title: format!(
                "{} saved “{}”",
                r.author.unwrap_or_else(|| "Someone".to_owned()),
                r.section_title
            ),
            context: title_of(r.plan_id),
            link: format!("/plans/{}/sections/{}/history", r.plan_id, r.section_id),
            at: Some(r.at),
            note: Some(format!("Version {}", r.number)),
            overdue: false,
        })
        .collect();

    Ok(Work {
        plans: plans
            .into_iter()
            .map(|p| MyPlan {
                id: p.id,
                title: p.title,
                role: p.roles.labels(),
                status: p.status.label().to_owned(),
            })
            .collect(),
        to_review,
        unread,
        due,
        sent_back,
        recent,
    })
}
