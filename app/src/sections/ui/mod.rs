//! The section editor, and a section's history and comparisons.

mod drafts;
mod editor;
mod format_bar;
mod history;
pub mod incoming;
mod preview;

pub use editor::Editor;
pub use history::HistoryPage;
