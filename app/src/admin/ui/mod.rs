//! Administration pages.

mod invite;
mod organisations;
mod people;

pub use organisations::{OrganisationPage, OrganisationsPage};
pub use people::PeoplePage;

use super::countries::COUNTRIES;
use super::domain::{OrgKind, OrgRole};

fn kind_options() -> Vec<(String, String)> {
    OrgKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
        .collect()
}

fn country_options() -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = COUNTRIES
        .iter()
        .map(|(code, name)| ((*code).to_owned(), (*name).to_owned()))
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1));
    list
}

fn org_role_options() -> Vec<(String, String)> {
    [OrgRole::Member, OrgRole::Admin]
        .iter()
        .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
        .collect()
}
