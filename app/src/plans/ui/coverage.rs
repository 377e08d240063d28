//! The PSG x pillar coverage matrix, drawn as an HTML table so it shows without JavaScript and
//! prints well.

use leptos::prelude::*;

use crate::foundation::frameworks::{PILLARS, PSGS};
use crate::plans::domain::Coverage;

/// The 5 x 3 matrix: how many sections serve each New Deal goal under each R2P pillar.
#[component]
pub fn CoverageMatrix(coverage: Coverage) -> impl IntoView {
    view! {
        <table class="matrix">
            <caption>"Sections serving each New Deal goal (rows) under each R2P pillar (columns)"</caption>
            <thead>
                <tr>
                    <th scope="col">"PSG"</th>
                    {PILLARS.iter().map(|(n, name)| view! { <th scope="col">{format!("Pillar {n}")}<br /><span class="muted">{*name}</span></th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {PSGS
                    .iter()
                    .enumerate()
                    .map(|(i, (n, name))| {
                        let row = coverage.cells[i];
                        view! {
                            <tr>
                                <th scope="row">{format!("{n}. {name}")}</th>
                                {row
                                    .iter()
                                    .map(|count| {
                                        let shade = match count { 0 => "cov-0", 1 => "cov-1", _ => "cov-2" };
                                        view! { <td class=format!("num {shade}")>{if *count == 0 { "—".to_owned() } else { count.to_string() }}</td> }
                                    })
                                    .collect_view()}
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        <p class="muted">{format!("{} of 15 goal-pillar pairs have no section yet.", coverage.gaps())}</p>
    }
}
