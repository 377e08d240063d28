//! Administration pages and the parts of them other pages compose.

mod organisations;
mod people;

pub use organisations::OrganisationsPage;
pub use people::PeopleTable;

use crate::foundation::countries::COUNTRIES;
use crate::foundation::people::{OrgKind, OrgRole};

/// Choices for an organisation kind menu.
pub fn kind_options() -> Vec<(String, String)> {
    OrgKind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), k.label().to_owned()))
        .collect()
}

/// Choices for a country menu, by name.
pub fn country_options() -> Vec<(String, String)> {
    let mut list: Vec<(String, String)> = COUNTRIES
        .iter()
        .map(|(code, name)| ((*code).to_owned(), (*name).to_owned()))
        .collect();
    list.sort_by(|a, b| a.1.cmp(&b.1));
    list
}

/// Choices for a role in an organisation.
pub fn org_role_options() -> Vec<(String, String)> {
    [OrgRole::Member, OrgRole::Admin]
        .iter()
        .map(|r| (r.as_str().to_owned(), r.label().to_owned()))
        .collect()
}
