//! What the address says: the ids in a page's path, read where several parts of one page need
//! them (each loads its own data, keyed by them).

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The plan and section of a section's address (`/plans/:id/sections/:section...`), as the
/// address changes in place; `None` when either is not a number.
pub fn section_ids() -> impl Fn() -> Option<(i64, i64)> + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params.with(|p| {
            Some((
                p.get("id")?.parse::<i64>().ok()?,
                p.get("section")?.parse::<i64>().ok()?,
            ))
        })
    }
}
