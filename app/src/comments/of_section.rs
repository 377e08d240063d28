//! What a section's threads are at one version of its text, the same for every viewer: the
//! threads and comments as stored, where each passage is now, and the comments rendered.
//! Every section page asks for it, so it is read and worked out once per write (a memo, see
//! [`crate::db::Db::memo_weighed`]) and then shaped for each viewer by the server function.

use std::sync::Arc;

use super::db::{self, CommentRow, ThreadRow};
use super::views::Activity;
use crate::db::{Db, DbResult};
use crate::foundation::cpu;

/// Where a thread's passage is now: `None` for a thread on the whole section, `Some(None)` when
/// the passage is gone, else its place in the text.
pub type Located = Option<Option<(usize, usize)>>;

/// The section's threads as read, before any viewer's permissions are applied.
#[derive(Debug)]
pub struct SectionThreads {
    /// Threads, oldest first.
    pub rows: Vec<ThreadRow>,
    /// Comments in thread then writing order.
    pub comments: Vec<CommentRow>,
    /// The activity fingerprint the page polls.
    pub activity: Activity,
    /// Per thread, where its passage is now; `None` altogether when locating took too long.
    pub found: Option<Vec<Located>>,
    /// The comments not deleted, rendered and sanitised, in the order of `comments`.
    pub rendered: Vec<String>,
}

/// The threads of section `section_id` of plan `plan_id` at `version`, whose text is `body`.
pub async fn section_threads(
    db: &Db,
    plan_id: i64,
    section_id: i64,
    version: i64,
    body: Arc<String>,
) -> DbResult<Arc<SectionThreads>> {
    db.memo_weighed(
        "comments.of_section",
        format!("{plan_id}:{section_id}:{version}"),
        |read: &Arc<SectionThreads>| read.weight(),
        || read(db, plan_id, section_id, body),
    )
    .await
}

async fn read(
    db: &Db,
    plan_id: i64,
    section_id: i64,
    body: Arc<String>,
) -> DbResult<Arc<SectionThreads>> {
    use super::domain::locate;
    let rows = db::threads_of(db, plan_id, section_id).await?;
    let comments = db::comments_of(db, plan_id, section_id).await?;
    let activity = db::activity(db, plan_id, section_id).await?;
    let passages: Vec<_> = rows.iter().map(|t| t.passage.clone()).collect();
    // Locating passages flattens the whole text; off the async workers, and not at all for a
    // section whose threads are all on the section as a whole. A locating that ran out of
    // time is kept like any result, until the next write or `MEMO_TTL`.
    let found = if passages.iter().all(Option::is_none) {
        Some(vec![None; passages.len()])
    } else {
        cpu::run("locate passages", cpu::READ_BUDGET, move || {
            let text = super::passage::plain_text(&body);
            passages
                .iter()
                .map(|p| p.as_ref().map(|p| locate(&text, p)))
                .collect::<Vec<_>>()
        })
        .await
        .ok()
    };
    let live: Vec<String> = comments
        .iter()
        .filter(|c| c.deleted_at.is_none())
        .map(|c| c.body.clone())
        .collect();
    let rendered = if live.is_empty() {
        Vec::new()
    } else {
        crate::foundation::markdown::served::safe_html_all(live).await
    };
    Ok(Arc::new(SectionThreads {
        rows,
        comments,
        activity,
        found,
        rendered,
    }))
}

impl SectionThreads {
    /// Roughly the bytes this holds: the texts dominate.
    fn weight(&self) -> usize {
        let texts: usize = self
            .comments
            .iter()
            .map(|c| c.body.len() + c.author.len())
            .chain(self.rendered.iter().map(String::len))
            .chain(self.rows.iter().map(|t| {
                t.created_by_name.len()
                    + t.passage
                        .as_ref()
                        .map_or(0, |p| p.quote.len() + p.prefix.len() + p.suffix.len())
            }))
            .sum();
        texts + 128 * (self.rows.len() + self.comments.len()) + 256
    }
}
