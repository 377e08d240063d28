//! Text being typed is kept in the browser's local storage until the server confirms the save,
//! so a reload, a dropped connection or a crashed tab loses nothing.

/// A draft: the version it was based on, and the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The section version the text was typed on top of.
    pub base_version: i64,
    /// The text.
    pub body: String,
}

#[cfg(feature = "hydrate")]
mod storage {
    use super::Draft;

    fn store() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    fn key(section: i64) -> String {
        format!("upstream.draft.{section}")
    }

    pub fn load(section: i64) -> Option<Draft> {
        let raw = store()?.get_item(&key(section)).ok()??;
        let (version, body) = raw.split_once('\n')?;
        Some(Draft {
            base_version: version.parse().ok()?,
            body: body.to_owned(),
        })
    }

    pub fn save(section: i64, draft: &Draft) {
        if let Some(s) = store() {
            // A full storage quota is not worth interrupting the person for; the text is
            // still in the page.
            let _ = s.set_item(
                &key(section),
                &format!("{}\n{}", draft.base_version, draft.body),
            );
        }
    }

    pub fn clear(section: i64) {
        if let Some(s) = store() {
            let _ = s.remove_item(&key(section));
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod storage {
    use super::Draft;

    pub fn load(_section: i64) -> Option<Draft> {
        None
    }
    pub fn save(_section: i64, _draft: &Draft) {}
    pub fn clear(_section: i64) {}
}

pub use storage::{clear, load, save};
