//! Server functions for the signed-in person's inbox: their items, the unread count the
//! navigation shows, and marking items read.

use crate::encoding::Answer;
use leptos::prelude::*;

use super::views::InboxView;
use crate::error::AppError;

/// The logged-in person's inbox.
#[server(prefix = "/api", endpoint = "inbox", output = Answer)]
pub async fn inbox_items() -> Result<InboxView, AppError> {
    let db = crate::foundation::state::db()?;
    let person = crate::foundation::session::require_person(&db).await?;
    Ok(InboxView {
        items: super::db::inbox(&db, person.id, 200).await?,
        unread: super::db::unread_count(&db, person.id).await?,
    })
}

/// How many unread items the logged-in person has (0 when logged out), for the navigation.
#[server(prefix = "/api", endpoint = "inbox_unread", output = Answer)]
pub async fn inbox_unread() -> Result<i64, AppError> {
    let db = crate::foundation::state::db()?;
    match crate::foundation::session::current_person(&db).await? {
        Some(person) => Ok(super::db::unread_count(&db, person.id).await?),
        None => Ok(0),
    }
}

/// Marks one of one's own inbox items read.
#[server(prefix = "/api", endpoint = "mark_inbox_read", output = Answer)]
pub async fn mark_inbox_read(item_id: i64) -> Result<(), AppError> {
    let db = crate::foundation::state::db()?;
    let person = crate::foundation::session::require_person(&db).await?;
    super::db::mark_read(&db, person.id, item_id, crate::db::now()).await?;
    crate::foundation::session::confirm_plain_post("read");
    Ok(())
}

/// Marks one's whole inbox read.
#[server(prefix = "/api", endpoint = "mark_all_inbox_read", output = Answer)]
pub async fn mark_all_inbox_read() -> Result<(), AppError> {
    let db = crate::foundation::state::db()?;
    let person = crate::foundation::session::require_person(&db).await?;
    super::db::mark_all_read(&db, person.id, crate::db::now()).await?;
    crate::foundation::session::confirm_plain_post("all-read");
    Ok(())
}
