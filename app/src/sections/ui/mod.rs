//! The section editor, and a section's history and comparisons.

mod drafts;
mod editor;
mod history;
pub mod incoming;

pub use editor::Editor;
pub use history::HistoryPage;
