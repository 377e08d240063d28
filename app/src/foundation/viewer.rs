//! The signed-in person as pages see them: who they are and their organisations, fetched once
//! per navigation by the page frame and shared with every component through context.

use crate::encoding::Answer;
use crate::foundation::loaded::Loaded;
use leptos::prelude::*;

use crate::error::AppError;
use crate::foundation::people::Viewer;

/// The logged-in person and their organisations, or `None`.
#[server(prefix = "/api", endpoint = "whoami", output = Answer)]
pub async fn whoami() -> Result<Option<Viewer>, AppError> {
    use crate::foundation::session::{current_person, memberships};
    let db = crate::foundation::state::db()?;
    let Some(person) = current_person(&db).await? else {
        return Ok(None);
    };
    let memberships = memberships(&db, person.id).await?;
    Ok(Some(Viewer {
        person,
        memberships,
    }))
}

/// The signed-in person, as provided by the page frame.
pub fn use_viewer() -> Loaded<Option<Viewer>> {
    expect_context::<Loaded<Option<Viewer>>>()
}
