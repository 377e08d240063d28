//! Queries for threads, comments and mentions. Every thread query names the plan and the
//! section too, and every comment query its thread, so an id from elsewhere finds nothing.
//! Comments tell people through their inboxes inside the same transaction.

use sqlx::Row;

use super::domain::{Passage, ThreadState};
use super::mentions::Mentionable;
use super::views::{Activity, MemberSuggestion};
use crate::access::db::reaches;
use crate::db::{one_or_more, Db, DbError, DbResult, Tx};
use crate::inbox::db::{notify_tx, CommentNotice};
use crate::inbox::views::InboxKind;

/// A thread as stored.
#[derive(Debug, Clone)]
pub struct ThreadRow {
    /// Database id.
    pub id: i64,
    pub plan_id: i64,
    pub section_id: i64,
    /// The passage, if any.
    pub passage: Option<Passage>,
    /// Who started it.
    pub created_by: i64,
    /// Their name.
    pub created_by_name: String,
    /// When.
    pub created_at: i64,
    /// Resolver's name and time.
    pub resolved: Option<(String, i64)>,
    /// Last reopener's name and time.
    pub reopened: Option<(String, i64)>,
}

impl ThreadRow {
    /// Open or resolved.
    pub fn state(&self) -> ThreadState {
        if self.resolved.is_some() {
            ThreadState::Resolved
        } else {
            ThreadState::Open
        }
    }
}

/// A comment as stored.
#[derive(Debug, Clone)]
pub struct CommentRow {
    /// Database id.
    pub id: i64,
    pub thread_id: i64,
    pub author_id: i64,
    /// Author's name.
    pub author: String,
    /// Markdown (empty once deleted).
    pub body: String,
    /// When written.
    pub created_at: i64,
    /// When edited.
    pub edited_at: Option<i64>,
    /// When deleted.
    pub deleted_at: Option<i64>,
}

const THREAD_COLUMNS: &str = "t.id, t.plan_id, t.section_id, t.quote, t.prefix, t.suffix, t.created_by, t.created_at,
     t.resolved_at, t.reopened_at, c.display_name AS creator, r.display_name AS resolver, o.display_name AS reopener
     FROM comment_threads t
     JOIN people c ON c.id = t.created_by
     LEFT JOIN people r ON r.id = t.resolved_by
     LEFT JOIN people o ON o.id = t.reopened_by";

fn thread_row(r: &sqlx::any::AnyRow) -> Result<ThreadRow, sqlx::Error> {
    let quote: Option<String> = r.try_get("quote")?;
    let resolved_at: Option<i64> = r.try_get("resolved_at")?;
    let reopened_at: Option<i64> = r.try_get("reopened_at")?;
    Ok(ThreadRow {
        id: r.try_get("id")?,
        plan_id: r.try_get("plan_id")?,
        section_id: r.try_get("section_id")?,
        passage: match quote {
            Some(quote) => Some(Passage {
                quote,
                prefix: r.try_get("prefix")?,
                suffix: r.try_get("suffix")?,
            }),
            None => None,
        },
        created_by: r.try_get("created_by")?,
        created_by_name: r.try_get("creator")?,
        created_at: r.try_get("created_at")?,
        resolved: match resolved_at {
            Some(at) => Some((
                r.try_get::<Option<String>, _>("resolver")?
                    .unwrap_or_default(),
                at,
            )),
            None => None,
        },
        reopened: match reopened_at {
            Some(at) => Some((
                r.try_get::<Option<String>, _>("reopener")?
                    .unwrap_or_default(),
                at,
            )),
            None => None,
        },
    })
}

const COMMENT_COLUMNS: &str = "m.id, m.thread_id, m.author_id, p.display_name, m.body, m.created_at, m.edited_at, m.deleted_at
     FROM comments m JOIN people p ON p.id = m.author_id";

fn comment_row(r: &sqlx::any::AnyRow) -> Result<CommentRow, sqlx::Error> {
    Ok(CommentRow {
        id: r.try_get("id")?,
        thread_id: r.try_get("thread_id")?,
        author_id: r.try_get("author_id")?,
        author: r.try_get("display_name")?,
        body: r.try_get("body")?,
        created_at: r.try_get("created_at")?,
        edited_at: r.try_get("edited_at")?,
        deleted_at: r.try_get("deleted_at")?,
    })
}

/// Thread `id` of section `section_id` of plan `plan_id`, or `NotFound`.
pub async fn thread(db: &Db, plan_id: i64, section_id: i64, id: i64) -> DbResult<ThreadRow> {
    let r = sqlx::query(&format!(
        "SELECT {THREAD_COLUMNS} WHERE t.id = $1 AND t.section_id = $2 AND t.plan_id = $3"
    ))
    .bind(id)
    .bind(section_id)
    .bind(plan_id)
    .fetch_one(db.reader())
    .await?;
    Ok(thread_row(&r)?)
}

/// The section's threads, oldest first.
pub async fn threads_of(db: &Db, plan_id: i64, section_id: i64) -> DbResult<Vec<ThreadRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {THREAD_COLUMNS} WHERE t.plan_id = $1 AND t.section_id = $2 ORDER BY t.id"
    ))
    .bind(plan_id)
    .bind(section_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(thread_row)
        .collect::<Result<_, _>>()
        .map_err(DbError::from)
}

/// Every comment on the section's threads, in thread then writing order.
pub async fn comments_of(db: &Db, plan_id: i64, section_id: i64) -> DbResult<Vec<CommentRow>> {
    let rows = sqlx::query(&format!(
        "SELECT {COMMENT_COLUMNS} JOIN comment_threads t ON t.id = m.thread_id
         WHERE t.plan_id = $1 AND t.section_id = $2 ORDER BY m.thread_id, m.id"
    ))
    .bind(plan_id)
    .bind(section_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(comment_row)
        .collect::<Result<_, _>>()
        .map_err(DbError::from)
}

/// Comment `id` of thread `thread_id`, or `NotFound` (the thread was already checked against
/// the plan and section).
pub async fn comment(db: &Db, thread_id: i64, id: i64) -> DbResult<CommentRow> {
    let r = sqlx::query(&format!(
        "SELECT {COMMENT_COLUMNS} WHERE m.id = $1 AND m.thread_id = $2"
    ))
    .bind(id)
    .bind(thread_id)
    .fetch_one(db.reader())
    .await?;
    Ok(comment_row(&r)?)
}

/// A comment to write, with the people it mentions (already checked to be on the plan).
pub struct NewComment<'a> {
    pub author: i64,
    /// Markdown.
    pub body: &'a str,
    /// People mentioned.
    pub mentions: &'a [i64],
    pub now: i64,
}

async fn insert_comment_tx(
    tx: &mut Tx<'_>,
    thread: &ThreadRow,
    c: &NewComment<'_>,
) -> DbResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO comments (thread_id, author_id, body, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(thread.id)
    .bind(c.author)
    .bind(c.body)
    .bind(c.now)
    .fetch_one(&mut **tx)
    .await?;
    let notice = notice(thread, id, c);
    notify_mentions_tx(tx, &notice, c.mentions).await?;
    // Everyone else in the thread hears of the reply, unless a mention already told them.
    let participants: Vec<i64> = sqlx::query_scalar(
        "SELECT created_by FROM comment_threads WHERE id = $1
         UNION SELECT author_id FROM comments WHERE thread_id = $1",
    )
    .bind(thread.id)
    .fetch_all(&mut **tx)
    .await?;
    for person in participants {
        if person != c.author && !c.mentions.contains(&person) {
            notify_tx(tx, person, InboxKind::Reply, &notice).await?;
        }
    }
    Ok(id)
}

fn notice(thread: &ThreadRow, comment_id: i64, c: &NewComment<'_>) -> CommentNotice {
    CommentNotice {
        plan_id: thread.plan_id,
        section_id: thread.section_id,
        thread_id: thread.id,
        comment_id,
        actor: c.author,
        now: c.now,
    }
}

/// Records mentions of `people` in the comment `notice` is about, where not recorded yet, and
/// puts one item in each newly mentioned person's inbox (never the author's own).
async fn notify_mentions_tx(
    tx: &mut Tx<'_>,
    notice: &CommentNotice,
    people: &[i64],
) -> DbResult<()> {
    let comment_id = notice.comment_id;
    let already: Vec<i64> =
        sqlx::query_scalar("SELECT person_id FROM comment_mentions WHERE comment_id = $1")
            .bind(comment_id)
            .fetch_all(&mut **tx)
            .await?;
    for person in people.iter().filter(|p| !already.contains(p)) {
        sqlx::query("INSERT INTO comment_mentions (comment_id, person_id) VALUES ($1, $2)")
            .bind(comment_id)
            .bind(person)
            .execute(&mut **tx)
            .await?;
        if *person != notice.actor {
            notify_tx(tx, *person, InboxKind::Mention, notice).await?;
        }
    }
    Ok(())
}

/// Starts a thread on section `section_id` (checked by the caller to be the plan's) with its
/// first comment; returns `(thread id, comment id)`.
pub async fn start_thread(
    db: &Db,
    plan_id: i64,
    section_id: i64,
    passage: Option<&Passage>,
    first: &NewComment<'_>,
) -> DbResult<(i64, i64)> {
    db.transaction(async |tx| start_thread_tx(tx, plan_id, section_id, passage, first).await)
        .await
}

/// [`start_thread`] inside the transaction of another change (a review decision).
pub async fn start_thread_tx(
    tx: &mut Tx<'_>,
    plan_id: i64,
    section_id: i64,
    passage: Option<&Passage>,
    first: &NewComment<'_>,
) -> DbResult<(i64, i64)> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO comment_threads (plan_id, section_id, quote, prefix, suffix, created_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(plan_id)
    .bind(section_id)
    .bind(passage.map(|p| p.quote.as_str()))
    .bind(passage.map_or("", |p| p.prefix.as_str()))
    .bind(passage.map_or("", |p| p.suffix.as_str()))
    .bind(first.author)
    .bind(first.now)
    .fetch_one(&mut **tx)
    .await?;
    let thread = ThreadRow {
        id,
        plan_id,
        section_id,
        passage: passage.cloned(),
        created_by: first.author,
        created_by_name: String::new(),
        created_at: first.now,
        resolved: None,
        reopened: None,
    };
    let comment = insert_comment_tx(tx, &thread, first).await?;
    Ok((id, comment))
}

/// Adds a reply to `thread`.
pub async fn reply(db: &Db, thread: &ThreadRow, c: &NewComment<'_>) -> DbResult<i64> {
    db.transaction(async |tx| insert_comment_tx(tx, thread, c).await)
        .await
}

/// Replaces the text of a comment that is not deleted, marks it edited, and notifies people
/// newly mentioned.
pub async fn edit_comment(
    db: &Db,
    thread: &ThreadRow,
    comment_id: i64,
    c: &NewComment<'_>,
) -> DbResult<()> {
    db.transaction(async |tx| {
        one_or_more(
            sqlx::query(
                "UPDATE comments SET body = $1, edited_at = $2
             WHERE id = $3 AND thread_id = $4 AND author_id = $5 AND deleted_at IS NULL",
            )
            .bind(c.body)
            .bind(c.now)
            .bind(comment_id)
            .bind(thread.id)
            .bind(c.author)
            .execute(&mut **tx)
            .await?,
        )?;
        notify_mentions_tx(tx, &notice(thread, comment_id, c), c.mentions).await
    })
    .await
}

/// Deletes a comment: the text goes, the row stays so the thread keeps its order.
pub async fn delete_comment(
    db: &Db,
    thread_id: i64,
    comment_id: i64,
    by: i64,
    now: i64,
) -> DbResult<()> {
    one_or_more(
        sqlx::query(
            "UPDATE comments SET body = '', deleted_at = $1, deleted_by = $2
             WHERE id = $3 AND thread_id = $4 AND deleted_at IS NULL",
        )
        .bind(now)
        .bind(by)
        .bind(comment_id)
        .bind(thread_id)
        .execute(db.write().await.conn())
        .await?,
    )
}

/// Resolves (`resolved = true`) or reopens thread `thread_id`, recording who and when. Only
/// matches a thread in the opposite state, so two people resolving at once cannot both win.
pub async fn set_resolved(
    db: &Db,
    thread_id: i64,
    resolved: bool,
    by: i64,
    now: i64,
) -> DbResult<()> {
    let sql = if resolved {
        "UPDATE comment_threads SET resolved_by = $1, resolved_at = $2 WHERE id = $3 AND resolved_at IS NULL"
    } else {
        "UPDATE comment_threads SET resolved_by = NULL, resolved_at = NULL, reopened_by = $1, reopened_at = $2
         WHERE id = $3 AND resolved_at IS NOT NULL"
    };
    db.transaction(async |tx| {
        let done = sqlx::query(sql)
            .bind(by)
            .bind(now)
            .bind(thread_id)
            .execute(&mut **tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(DbError::Stale);
        }
        if resolved {
            crate::inbox::db::mark_thread_read_tx(tx, by, thread_id, now).await?;
        }
        Ok(())
    })
    .await
}

/// `(section id, open threads)` for every section of the plan that has open threads.
pub async fn open_counts(db: &Db, plan_id: i64) -> DbResult<Vec<(i64, i64)>> {
    let rows = sqlx::query(
        "SELECT section_id, COUNT(*) AS n FROM comment_threads
         WHERE plan_id = $1 AND resolved_at IS NULL GROUP BY section_id",
    )
    .bind(plan_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("section_id")?, r.try_get("n")?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// The section's activity fingerprint, in one small query. It includes the section's version,
/// so highlights follow edits of the text too.
pub async fn activity(db: &Db, plan_id: i64, section_id: i64) -> DbResult<Activity> {
    let r = sqlx::query(
        "SELECT COUNT(m.id) AS comments,
                COALESCE(MAX(m.id), 0) AS last_id,
                COALESCE(MAX(m.edited_at), 0) AS edited,
                COALESCE(MAX(m.deleted_at), 0) AS deleted,
                COALESCE(MAX(t.resolved_at), 0) AS resolved,
                COALESCE(MAX(t.reopened_at), 0) AS reopened,
                COUNT(DISTINCT CASE WHEN t.resolved_at IS NOT NULL THEN t.id END) AS resolved_count,
                COALESCE((SELECT version FROM sections WHERE id = $2 AND plan_id = $1), 0) AS section_version
         FROM comment_threads t LEFT JOIN comments m ON m.thread_id = t.id
         WHERE t.plan_id = $1 AND t.section_id = $2",
    )
    .bind(plan_id)
    .bind(section_id)
    .fetch_one(db.reader())
    .await?;
    let stamp: [i64; 7] = [
        r.try_get("last_id")?,
        r.try_get("edited")?,
        r.try_get("deleted")?,
        r.try_get("resolved")?,
        r.try_get("reopened")?,
        r.try_get("resolved_count")?,
        r.try_get("section_version")?,
    ];
    Ok(Activity {
        comments: r.try_get("comments")?,
        stamp,
    })
}

/// The plan's members (active people a grant on plan `plan_id` reaches): the only people
/// mentions are matched against, so a mention answers nothing about anyone else.
pub async fn mentionable(db: &Db, plan_id: i64) -> DbResult<Vec<Mentionable>> {
    let rows = sqlx::query(&format!(
        "SELECT p.id, p.display_name, p.email FROM people p WHERE p.active = 1 AND {}",
        reaches("$1", "p.id")
    ))
    .bind(plan_id)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Mentionable {
                id: r.try_get("id")?,
                name: r.try_get("display_name")?,
                email: r.try_get("email")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}

/// Active people who can read the plan whose name or email starts with `prefix` (ignoring
/// case), by name, at most `limit`.
pub async fn members_matching(
    db: &Db,
    plan_id: i64,
    prefix: &str,
    limit: i64,
) -> DbResult<Vec<MemberSuggestion>> {
    let pattern = format!(
        "{}%",
        prefix
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows = sqlx::query(&format!(
        "SELECT p.display_name, p.email FROM people p
         WHERE p.active = 1 AND {}
           AND (LOWER(p.display_name) LIKE $2 ESCAPE '\\' OR LOWER(p.email) LIKE $2 ESCAPE '\\')
         ORDER BY p.display_name LIMIT $3",
        reaches("$1", "p.id")
    ))
    .bind(plan_id)
    .bind(pattern)
    .bind(limit)
    .fetch_all(db.reader())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(MemberSuggestion {
                name: r.try_get("display_name")?,
                email: r.try_get("email")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)
}
