//! Queries for inboxes: items put there inside the transaction of what they are about (a
//! comment, a review request), and each person's list, filtered to plans they can still read.

use sqlx::Row;

use super::views::{InboxEntry, InboxKind};
use crate::access::db::reaches;
use crate::db::{one_or_more, Db, DbError, DbResult, Tx};

/// What a comment told someone: where it is and who wrote it.
#[derive(Debug, Clone, Copy)]
pub struct CommentNotice {
    pub plan_id: i64,
    pub section_id: i64,
    pub thread_id: i64,
    pub comment_id: i64,
    /// Who wrote it.
    pub actor: i64,
    /// When.
    pub now: i64,
}

/// Puts an item of `kind` about a comment in `person`'s inbox, inside the transaction that
/// writes the comment.
pub async fn notify_tx(
    tx: &mut Tx<'_>,
    person: i64,
    kind: InboxKind,
    n: &CommentNotice,
) -> DbResult<()> {
    sqlx::query(
        "INSERT INTO inbox_items (person_id, kind, plan_id, section_id, thread_id, comment_id, actor_id, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(person)
    .bind(kind.as_str())
    .bind(n.plan_id)
    .bind(n.section_id)
    .bind(n.thread_id)
    .bind(n.comment_id)
    .bind(n.actor)
    .bind(n.now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Puts a review request for section `section_id` in the inbox of each of `people` (those
/// whose approval counts there, as the review feature decides), except `asker`.
pub async fn notify_review_request_tx(
    tx: &mut Tx<'_>,
    plan_id: i64,
    section_id: i64,
    asker: i64,
    people: &[i64],
    now: i64,
) -> DbResult<()> {
    for &person in people {
        if person == asker {
            continue;
        }
        sqlx::query(
            "INSERT INTO inbox_items (person_id, kind, plan_id, section_id, actor_id, created_at)
             VALUES ($1, 'review_request', $2, $3, $4, $5)",
        )
        .bind(person)
        .bind(plan_id)
        .bind(section_id)
        .bind(asker)
        .bind(now)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The person's inbox, newest first, without items of plans they can no longer read.
pub async fn inbox(db: &Db, person: i64, limit: i64) -> DbResult<Vec<InboxEntry>> {
    let rows = sqlx::query(&format!(
        "SELECT i.id, i.kind, i.plan_id, i.section_id, i.thread_id, i.created_at, i.read_at,
                a.display_name AS actor, pl.title AS plan_title, s.title AS section_title,
                m.body, m.deleted_at
         FROM inbox_items i
         JOIN plans pl ON pl.id = i.plan_id
         LEFT JOIN people a ON a.id = i.actor_id
         LEFT JOIN sections s ON s.id = i.section_id
         LEFT JOIN comments m ON m.id = i.comment_id
         WHERE i.person_id = $1 AND {}
         ORDER BY i.id DESC LIMIT $2",
        reaches("i.plan_id", "i.person_id")
    ))
    .bind(person)
    .bind(limit)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            let kind: String = r.try_get("kind")?;
            let plan: i64 = r.try_get("plan_id")?;
            let section: Option<i64> = r.try_get("section_id")?;
            let thread: Option<i64> = r.try_get("thread_id")?;
            let body: Option<String> = r.try_get("body")?;
            let link = match (section, thread) {
                (Some(s), Some(t)) => format!("/plans/{plan}/sections/{s}#thread-{t}"),
                (Some(s), None) => format!("/plans/{plan}/sections/{s}"),
                _ => format!("/plans/{plan}"),
            };
            Ok(InboxEntry {
                id: r.try_get("id")?,
                kind: InboxKind::parse(&kind)
                    .ok_or_else(|| sqlx::Error::Decode("unknown inbox kind".into()))?,
                actor: r.try_get("actor")?,
                plan_title: r.try_get("plan_title")?,
                section_title: r.try_get("section_title")?,
                link,
                excerpt: crate::foundation::markdown::excerpt(
                    body.as_deref().unwrap_or_default(),
                    160,
                ),
                created_at: r.try_get("created_at")?,
                read: r.try_get::<Option<i64>, _>("read_at")?.is_some(),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Everyone whose inbox holds an item about comment `comment_id` (to tell them live).
pub async fn told_of_comment(db: &Db, comment_id: i64) -> DbResult<Vec<i64>> {
    Ok(
        sqlx::query_scalar("SELECT DISTINCT person_id FROM inbox_items WHERE comment_id = $1")
            .bind(comment_id)
            .fetch_all(db.reader())
            .await?,
    )
}

/// Unread items the person can still see. The header of every page shows it, so it is
/// memoised until the next write.
pub async fn unread_count(db: &Db, person: i64) -> DbResult<i64> {
    db.memo("inbox.unread_count", person.to_string(), || async {
        Ok(sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM inbox_items i WHERE i.person_id = $1 AND i.read_at IS NULL AND {}",
            reaches("i.plan_id", "i.person_id")
        ))
        .bind(person)
        .fetch_one(db.reader())
        .await?)
    })
    .await
}

/// Marks item `id` of `person`'s inbox read (`NotFound` when it is someone else's).
pub async fn mark_read(db: &Db, person: i64, id: i64, now: i64) -> DbResult<()> {
    one_or_more(
        sqlx::query(
            "UPDATE inbox_items SET read_at = COALESCE(read_at, $1) WHERE id = $2 AND person_id = $3",
        )
        .bind(now)
        .bind(id)
        .bind(person)
        .execute(db.write().await.conn())
        .await?,
    )
}

/// Marks everything in `person`'s inbox read.
pub async fn mark_all_read(db: &Db, person: i64, now: i64) -> DbResult<()> {
    sqlx::query("UPDATE inbox_items SET read_at = $1 WHERE person_id = $2 AND read_at IS NULL")
        .bind(now)
        .bind(person)
        .execute(db.write().await.conn())
        .await?;
    Ok(())
}

/// Marks `person`'s items about thread `thread_id` read, inside `tx` (whoever resolves a
/// discussion has dealt with what their inbox said about it).
pub async fn mark_thread_read_tx(
    tx: &mut Tx<'_>,
    person: i64,
    thread_id: i64,
    now: i64,
) -> DbResult<()> {
    sqlx::query(
        "UPDATE inbox_items SET read_at = $1 WHERE thread_id = $2 AND person_id = $3 AND read_at IS NULL",
    )
    .bind(now)
    .bind(thread_id)
    .bind(person)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
