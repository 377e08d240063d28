//! Plan pages (the list, a new plan, the section template) and the coverage matrix the
//! overview shows.

mod coverage;
mod list;
mod new;
mod template;

pub use coverage::CoverageMatrix;
pub use list::PlansPage;
pub use new::NewPlanPage;
pub use template::TemplatePage;
