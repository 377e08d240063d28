//! What an audit line is about, in words: entries record their subject as an id ("section
//! 141", "grant 116", "person 7"), which is what the chain hashes and must keep; the pages show
//! the name of what the id stands for, and for a role revoked, whose role it was. Likewise the
//! particulars are stored as JSON with stored forms (`civil_society`, `admin`) and ids; the
//! pages show them as a short line of words ([`details`]), and only the export keeps the JSON.

use std::collections::HashMap;

use crate::access::domain::PlanRole;
use crate::foundation::countries::country_name;
use crate::foundation::people::{OrgKind, OrgRole, PlatformRole};

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

/// The ids an entry's particulars name (`{"organisation": 4}`, `{"section": 9}`), as
/// [`reference`] gives them, so a page can look their names up with the subjects'.
pub fn referenced(details: &str) -> Vec<(&'static str, i64)> {
    let Ok(serde_json::Value::Object(d)) = serde_json::from_str(details) else {
        return Vec::new();
    };
    ["organisation", "section"]
        .into_iter()
        .filter_map(|key| Some((key, d.get(key)?.as_i64()?)))
        .collect()
}

/// An entry's particulars (its JSON `details`) as a page shows them: a short line of words,
/// stored forms written as their labels and ids as the names they stand for. `kind` is the
/// entry's stored kind, since the same key means different things in different kinds (a
/// section save's `kind` is how the text came, an approval's the kind of organisation).
/// Keys this does not know still show, as "Key: value", so nothing recorded is hidden.
pub fn details(kind: &str, details: &str, names: &Names) -> String {
    use crate::foundation::audit::domain::AuditKind;
    let d = match serde_json::from_str::<serde_json::Value>(details) {
        Ok(serde_json::Value::Object(d)) => d,
        // Not an object: nothing the app writes; plain text shows as stored, JSON never.
        Err(_) if !details.trim_start().starts_with(['{', '[', '"']) => return details.to_owned(),
        _ => return String::new(),
    };
    let text = |key: &str| -> Option<String> {
        match d.get(key)? {
            serde_json::Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let number = |key: &str| d.get(key).and_then(serde_json::Value::as_i64);
    let organisation = |id: i64| {
        names
            .organisations
            .get(&id)
            .cloned()
            .unwrap_or_else(|| format!("organisation no. {id}"))
    };
    let mut line = Line::default();
    match AuditKind::parse(kind) {
        Some(AuditKind::Review) => {
            // "Approved version 3 for civil society (Valdoria Women's Peace Network)".
            let version = number("version")
                .map(|v| format!(" version {v}"))
                .unwrap_or_default();
            let said = match text("action").as_deref() {
                Some("submitted") => format!("Submitted{version} for review"),
                Some("approved") => {
                    let as_kind = text("kind")
                        .and_then(|k| OrgKind::parse(&k).ok())
                        .map(|k| format!(" for {}", k.label().to_lowercase()))
                        .unwrap_or_default();
                    let org = number("organisation")
                        .map(|o| format!(" ({})", organisation(o)))
                        .unwrap_or_default();
                    format!("Approved{version}{as_kind}{org}")
                }
                Some("changes requested") => format!("Requested changes to{version}"),
                Some(other) => format!("{}{version}", sentence(other)),
                None => sentence(version.trim()),
            };
            line.add("action", Some(said));
            line.skip(&["version", "kind", "organisation"]);
            line.add("reason", text("reason").map(|r| format!("Reason: “{r}”")));
        }
        Some(AuditKind::SectionSave) => {
            // "Version 4, merged with others' changes; 1234 characters; Note: “…”".
            let how = match text("kind").as_deref() {
                Some("edit") => Some("edited".to_owned()),
                Some("merge") => Some("merged with others' changes".to_owned()),
                Some("restore") => Some("an earlier version restored".to_owned()),
                other => other.map(words),
            };
            let version = match (number("version"), how) {
                (Some(v), Some(how)) => Some(format!("Version {v}, {how}")),
                (Some(v), None) => Some(format!("Version {v}")),
                (None, how) => how.map(|h| sentence(&h)),
            };
            line.add("version", version);
            line.skip(&["kind"]);
            line.add("chars", number("chars").map(|n| plural(n, "character")));
        }
        Some(AuditKind::RuleChange) => {
            // The rule itself: the minimum approvals by kind of organisation.
            let needed: Vec<String> = OrgKind::ALL
                .into_iter()
                .filter_map(|k| {
                    let n = number(k.as_str())?;
                    Some(format!("{n} {}", k.label().to_lowercase()))
                })
                .collect();
            line.add(
                "government",
                (!needed.is_empty()).then(|| format!("Approvals needed: {}", needed.join(", "))),
            );
            line.skip(&["civil_society", "donor"]);
        }
        Some(AuditKind::PlanApproval) => {
            line.add(
                "version",
                number("version").map(|v| format!("Version {v} of the plan")),
            );
            line.add("sections", number("sections").map(|n| plural(n, "section")));
            line.add(
                "checklist_items",
                number("checklist_items").map(|n| plural(n, "checklist item")),
            );
        }
        _ => {}
    }
    // Whatever is left, in the order the keys read best.
    line.add("action", text("action").map(|a| sentence(&a)));
    line.add("title", text("title").map(|t| format!("Title: “{t}”")));
    line.add("name", text("name").map(|n| format!("Name: {n}")));
    if let (Some(from), Some(to)) = (text("from"), text("to")) {
        line.add("from", Some(format!("From “{from}” to “{to}”")));
        line.skip(&["to"]);
    }
    line.add(
        "kind",
        text("kind").map(|k| {
            let k = OrgKind::parse(&k).map_or_else(|_| words(&k), |k| k.label().to_lowercase());
            format!("Kind: {k}")
        }),
    );
    line.add(
        "country",
        text("country").map(|c| format!("Country: {}", country_name(&c))),
    );
    line.add(
        "organisation",
        number("organisation").map(|o| format!("Organisation: {}", organisation(o))),
    );
    line.add(
        "section",
        number("section").map(|s| match names.sections.get(&s) {
            Some(title) => format!("Section: “{title}”"),
            None => format!("Section no. {s}"),
        }),
    );
    line.add("role", text("role").map(|r| format!("Role: {}", role(&r))));
    line.add(
        "plan_role",
        text("plan_role").map(|r| format!("Plan role: {}", role(&r))),
    );
    line.add(
        "platform_role",
        text("platform_role").map(|r| {
            let shown = PlatformRole::parse(&r).map_or_else(|_| words(&r), |r| r.label().into());
            format!("Platform role: {shown}")
        }),
    );
    line.add("grantee", text("grantee").map(|g| format!("Whose: {g}")));
    line.add(
        "outcome",
        match text("outcome").as_deref() {
            Some("merged") => Some("merged with others' changes".to_owned()),
            Some("saved") | None => None,
            Some(other) => Some(format!("Outcome: {}", words(other))),
        },
    );
    line.add("note", text("note").map(|n| format!("Note: “{n}”")));
    line.add(
        "invitation",
        number("invitation").map(|i| format!("Invitation no. {i}")),
    );
    // A login's reason is why it failed (a review's was taken above).
    line.add("reason", text("reason").map(|r| sentence(&r)));
    for (key, value) in &d {
        let value = match value {
            serde_json::Value::Null => continue,
            serde_json::Value::Bool(b) => if *b { "yes" } else { "no" }.to_owned(),
            // Nested values as words, without JSON's brackets and quotes.
            other => flatten(other),
        };
        if !value.trim().is_empty() {
            line.add_unknown(key, format!("{}: {value}", sentence(&words(key))));
        }
    }
    line.parts.join("; ")
}

/// The parts of a details line, and the keys already said (each is said once).
#[derive(Default)]
struct Line {
    parts: Vec<String>,
    said: Vec<String>,
}

impl Line {
    /// Says `key` as `part` (nothing when `None`), unless it was said already.
    fn add(&mut self, key: &str, part: Option<String>) {
        if self.said.iter().any(|k| k == key) {
            return;
        }
        self.said.push(key.to_owned());
        self.parts.extend(part.filter(|p| !p.is_empty()));
    }

    /// Marks `keys` as said within another key's part.
    fn skip(&mut self, keys: &[&str]) {
        for key in keys {
            self.add(key, None);
        }
    }

    /// A key this module has no words for, unless said already.
    fn add_unknown(&mut self, key: &str, part: String) {
        self.add(key, Some(part));
    }
}

/// A plan role or an organisation role (their stored forms differ) as its label.
fn role(stored: &str) -> String {
    PlanRole::parse(stored)
        .map(|r| r.label().to_owned())
        .or_else(|_| OrgRole::parse(stored).map(|r| r.label().to_owned()))
        .unwrap_or_else(|_| words(stored))
}

/// `snake_case` as words.
fn words(stored: &str) -> String {
    stored.replace('_', " ")
}

/// With a capital first letter.
fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// "1 section", "12 sections".
fn plural(n: i64, unit: &str) -> String {
    format!("{n} {unit}{}", if n == 1 { "" } else { "s" })
}

/// A nested JSON value as plain words ("a, b", "key value").
fn flatten(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(flatten).collect::<Vec<_>>().join(", "),
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{} {}", words(k), flatten(v)))
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
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

    fn named() -> Names {
        let mut names = Names::default();
        names
            .organisations
            .insert(4, "Valdoria Women's Peace Network".into());
        names.sections.insert(9, "Early warning".into());
        names
    }

    #[test]
    fn particulars_read_as_words_with_kinds_and_roles_as_their_labels() {
        let names = named();
        let cases = [
            (
                "admin",
                r#"{"action":"organisation created","name":"Peace Network","kind":"civil_society","country":"XV"}"#,
                "Organisation created; Name: Peace Network; Kind: civil society; Country: Valdoria (fictional, demo data)",
            ),
            (
                "membership",
                r#"{"action":"role set","organisation":4,"role":"admin"}"#,
                "Role set; Organisation: Valdoria Women's Peace Network; Role: Organisation admin",
            ),
            (
                "role_change",
                r#"{"action":"changed","role":"editor","grantee":"Erik Sand"}"#,
                "Changed; Role: Editor; Whose: Erik Sand",
            ),
            (
                "role_change",
                r#"{"action":"revoked","role":null,"grantee":"Erik Sand"}"#,
                "Revoked; Whose: Erik Sand",
            ),
            (
                "admin",
                r#"{"action":"invited","organisation":null,"platform_role":"admin"}"#,
                "Invited; Platform role: Administrator",
            ),
            (
                "membership",
                r#"{"action":"invitation accepted","invitation":12,"organisation":4,"plan_role":null}"#,
                "Invitation accepted; Organisation: Valdoria Women's Peace Network; Invitation no. 12",
            ),
            (
                "review",
                r#"{"action":"approved","version":3,"kind":"civil_society","organisation":4}"#,
                "Approved version 3 for civil society (Valdoria Women's Peace Network)",
            ),
            (
                "review",
                r#"{"action":"changes requested","version":2,"reason":"Name the focal points"}"#,
                "Requested changes to version 2; Reason: “Name the focal points”",
            ),
            (
                "review",
                r#"{"action":"submitted","version":1}"#,
                "Submitted version 1 for review",
            ),
            (
                "section_save",
                r#"{"version":4,"kind":"merge","note":"","chars":1234}"#,
                "Version 4, merged with others' changes; 1234 characters",
            ),
            (
                "section_save",
                r#"{"version":5,"kind":"restore","note":"Restored revision 2","chars":1}"#,
                "Version 5, an earlier version restored; 1 character; Note: “Restored revision 2”",
            ),
            (
                "rule_change",
                r#"{"government":1,"civil_society":2,"donor":0}"#,
                "Approvals needed: 1 government, 2 civil society, 0 donor",
            ),
            (
                "plan_approval",
                r#"{"version":2,"sections":12,"checklist_items":37}"#,
                "Version 2 of the plan; 12 sections; 37 checklist items",
            ),
            (
                "plan_change",
                r#"{"action":"section renamed","from":"Old","to":"New"}"#,
                "Section renamed; From “Old” to “New”",
            ),
            (
                "checklist_change",
                r#"{"action":"section linked","section":9}"#,
                "Section linked; Section: “Early warning”",
            ),
            (
                "checklist_change",
                r#"{"action":"edited","outcome":"merged"}"#,
                "Edited; merged with others' changes",
            ),
            (
                "login_failed",
                r#"{"reason":"wrong password or unknown account"}"#,
                "Wrong password or unknown account",
            ),
            ("login", r#"{"reason":""}"#, ""),
        ];
        for (kind, json, shown) in cases {
            assert_eq!(details(kind, json, &names), shown, "{kind} {json}");
        }
    }

    #[test]
    fn unknown_keys_and_nested_values_still_show_but_never_as_json() {
        let names = Names::default();
        assert_eq!(
            details(
                "admin",
                r#"{"action":"merged","extra_field":{"a":[1,"b"]},"flag":true}"#,
                &names
            ),
            "Merged; Extra field: a 1, b; Flag: yes"
        );
        // Ids whose names are gone stay recognisable without reading as code.
        assert_eq!(
            details(
                "membership",
                r#"{"action":"removed","organisation":77}"#,
                &names
            ),
            "Removed; Organisation: organisation no. 77"
        );
        // Not an object: plain text as stored, JSON not at all.
        assert_eq!(details("admin", "plain words", &names), "plain words");
        assert_eq!(details("admin", "[1,2]", &names), "");
        assert_eq!(details("admin", r#"{"broken"#, &names), "");
        assert_eq!(details("admin", "{}", &names), "");
    }

    #[test]
    fn the_ids_in_particulars_are_found_for_looking_up() {
        assert_eq!(
            referenced(r#"{"organisation":4,"section":9,"invitation":2}"#),
            vec![("organisation", 4), ("section", 9)]
        );
        assert_eq!(referenced(r#"{"organisation":null}"#), vec![]);
        assert_eq!(referenced("not json"), vec![]);
    }
}
