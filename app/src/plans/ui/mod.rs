//! Plan pages.

mod coverage;
mod list;
mod new;
mod overview;
mod template;

pub use list::PlansPage;
pub use new::NewPlanPage;
pub use overview::PlanPage;
pub use template::TemplatePage;

use super::domain::{PILLARS, PSGS};

/// Short labels for a section's tags, e.g. `["PSG 2", "Pillar 1"]`.
pub fn tag_labels(psgs: &[u8], pillars: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for p in psgs {
        if let Some((_, name)) = PSGS.iter().find(|(n, _)| n == p) {
            out.push((format!("PSG {p}"), (*name).to_owned()));
        }
    }
    for p in pillars {
        if let Some((_, name)) = PILLARS.iter().find(|(n, _)| n == p) {
            out.push((format!("Pillar {p}"), (*name).to_owned()));
        }
    }
    out
}
