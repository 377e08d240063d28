//! Comment threads beside a section's text, and open-thread counts.

mod browser;
mod counts;
mod mention;
mod poll;
mod threads;

pub use counts::{provide_open_counts, OpenThreadsBadge};
pub use threads::{provide_section_comments, SectionComments};
