//! Comment threads beside a section's text, open-thread counts, and the inbox.

mod browser;
mod counts;
mod inbox;
mod mention;
mod poll;
mod threads;

pub use counts::{provide_open_counts, OpenThreadsBadge};
pub use inbox::{provide_inbox, unread_count, InboxLink, InboxPage};
pub use threads::{provide_section_comments, SectionComments};
