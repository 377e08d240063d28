//! What an audit line is about, in words: entries record their subject as an id ("section
//! 141", "grant 116", "person 7"), which is what the chain hashes and must keep; the pages show
//! the name of what the id stands for, and for a role revoked, whose role it was.

use std::collections::HashMap;

/// The names of what subjects refer to, looked up for the lines of one page.
#[derive(Debug, Default, Clone)]
pub struct Names {
    pub sections: HashMap<i64, String>,
    pub people: HashMap<i64, String>,
    pub organisations: HashMap<i64, String>,
    pub plans: HashMap<i64, String>,
    /// Who holds each grant that still exists.
    pub grants: HashMap<i64, String>,
}

/// The kind of thing and id a subject names (`"section 141"` -> `("section", 141)`).
pub fn reference(subject: &str) -> Option<(&str, i64)> {
    let (kind, id) = subject.split_once(' ')?;
    let kind = match kind {
        "section" | "person" | "organisation" | "plan" | "grant" => kind,
        _ => return None,
    };
    Some((kind, id.parse().ok()?))
}

/// The subject as a page shows it; `details` is the entry's JSON (a revocation records whose
/// role it was, since the grant itself is gone).
pub fn about(subject: &str, details: &str, names: &Names) -> String {
    let Some((kind, id)) = reference(subject) else {
        return subject.to_owned();
    };
    let named = |map: &HashMap<i64, String>| map.get(&id).cloned();
    let recorded = || {
        serde_json::from_str::<serde_json::Value>(details)
            .ok()
            .and_then(|d| d["grantee"].as_str().map(str::to_owned))
    };
    let shown = match kind {
        "section" => named(&names.sections).map(|t| format!("Section “{t}”")),
        "person" => named(&names.people),
        "organisation" => named(&names.organisations),
        "plan" => named(&names.plans).map(|t| format!("Plan “{t}”")),
        "grant" => named(&names.grants)
            .or_else(recorded)
            .map(|who| format!("The role of {who}")),
        _ => None,
    };
    shown.unwrap_or_else(|| subject.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_as_the_names_of_what_they_stand_for() {
        let mut names = Names::default();
        names.sections.insert(141, "Early warning".into());
        names.people.insert(7, "Lina Osei".into());
        names.grants.insert(116, "Nordic Fund".into());
        assert_eq!(
            about("section 141", "{}", &names),
            "Section “Early warning”"
        );
        assert_eq!(about("person 7", "{}", &names), "Lina Osei");
        assert_eq!(about("grant 116", "{}", &names), "The role of Nordic Fund");
        // A revoked grant is gone: the entry says whose it was.
        assert_eq!(
            about(
                "grant 5",
                r#"{"action":"revoked","grantee":"Erik Sand"}"#,
                &names
            ),
            "The role of Erik Sand"
        );
        // Anything unknown stays as recorded.
        assert_eq!(about("grant 6", "{}", &names), "grant 6");
        assert_eq!(
            about("admin@example.org", "{}", &names),
            "admin@example.org"
        );
        assert_eq!(about("section x", "{}", &names), "section x");
    }
}
