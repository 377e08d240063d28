//! Section pages: reading and editing a section, its history and comparisons.

mod drafts;
mod editor;
mod history;
mod page;

pub use history::HistoryPage;
pub use page::SectionPage;
