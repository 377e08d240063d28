//! The floors of `app/src`, checked against the code: what each module may import.
//!
//! - The foundation (`db`, `encoding`, `error`, `foundation`) imports nothing but the foundation.
//! - A feature imports the foundation and the features it composes, as listed in [`FEATURES`];
//!   anything else (another feature, the top floor) is an arrow running upwards.
//! - The top floor (`pages`, `shell`, `lib.rs`) may import anything.
//! - Inside a feature, `domain` <- `db` <- `api` <- `ui`: a layer never names a layer after it,
//!   and no `domain` file uses leptos or sqlx.
//!
//! Imports are read as text: every `crate::<module>` path outside comments, including the
//! names inside `crate::{...}` groups.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The foundation floor's top-level modules.
const FOUNDATION: [&str; 4] = ["db", "encoding", "error", "foundation"];

/// The top floor's top-level modules.
const TOP: [&str; 2] = ["pages", "shell"];

/// Each feature and the features it composes. A feature missing here fails the test, so a new
/// one has to say where it stands.
const FEATURES: [(&str, &[&str]); 10] = [
    ("admin", &[]),
    ("auth", &[]),
    ("access", &["admin"]),
    ("invitations", &["admin", "access", "auth"]),
    ("sections", &["access"]),
    ("inbox", &["access"]),
    ("comments", &["access", "sections", "inbox"]),
    ("reviews", &["access", "sections", "comments", "inbox"]),
    ("checklist", &["access", "sections"]),
    ("plans", &["access", "admin", "sections", "checklist"]),
];

/// The layers of a feature, in order: each may name only those before it.
const LAYERS: [&str; 4] = ["domain", "db", "api", "ui"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of `text` without its comments (line comments, doc comments included).
fn code(text: &str) -> String {
    text.lines()
        .map(|l| match l.find("//") {
            // A `//` inside a string literal (a URL) is rare in this code; cutting there only
            // hides text, never invents an import.
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The top-level modules `text` names with `crate::`.
fn crate_modules(text: &str) -> BTreeSet<String> {
    let text = code(text);
    let mut out = BTreeSet::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("crate::") {
        rest = &rest[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            for item in group[..end].split(',') {
                let name: String = item
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// `(top-level module, layer)` of a file under `src`: `app/src/comments/ui/threads.rs` is
/// `("comments", Some("ui"))`, `app/src/comments/passage.rs` is `("comments", None)`.
fn place(src: &Path, file: &Path) -> (String, Option<String>) {
    let rel = file.strip_prefix(src).unwrap_or(file);
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
        .collect();
    let top = parts.first().cloned().unwrap_or_default();
    let layer = parts
        .get(1)
        .filter(|l| LAYERS.contains(&l.as_str()))
        .cloned();
    (top, layer)
}

#[test]
fn every_import_runs_down_the_floors() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    assert!(files.len() > 50, "the sources were found ({})", files.len());
    let mut wrong = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable source");
        let (top, _) = place(&src, file);
        if top == "lib" || TOP.contains(&top.as_str()) {
            continue;
        }
        let allowed: Vec<&str> = if FOUNDATION.contains(&top.as_str()) {
            FOUNDATION.to_vec()
        } else {
            match FEATURES.iter().find(|(f, _)| *f == top) {
                Some((_, composes)) => FOUNDATION
                    .iter()
                    .chain(composes.iter())
                    .copied()
                    .chain([top.as_str()])
                    .collect(),
                None => {
                    wrong.push(format!(
                        "{}: `{top}` is on no floor (add it to FEATURES)",
                        file.display()
                    ));
                    continue;
                }
            }
        };
        for module in crate_modules(&text) {
            if !allowed.contains(&module.as_str()) {
                wrong.push(format!(
                    "{}: `{top}` imports `crate::{module}`",
                    file.display()
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports running upwards:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn inside_a_feature_each_layer_names_only_the_layers_before_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let (top, layer) = place(&src, file);
        let Some(layer) = layer else { continue };
        if !FEATURES.iter().any(|(f, _)| *f == top) {
            continue;
        }
        let text = code(&std::fs::read_to_string(file).expect("readable source"));
        let at = LAYERS.iter().position(|l| *l == layer).unwrap_or(0);
        for later in &LAYERS[at + 1..] {
            let named = [
                format!("super::{later}::"),
                format!("super::{later};"),
                format!("crate::{top}::{later}"),
            ];
            if named.iter().any(|n| text.contains(n.as_str())) {
                wrong.push(format!("{}: `{layer}` names `{later}`", file.display()));
            }
        }
        if layer == "domain" && (text.contains("leptos") || text.contains("sqlx")) {
            wrong.push(format!(
                "{}: a domain file uses leptos or sqlx",
                file.display()
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "layers out of order:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_reader_of_imports_sees_groups_and_skips_comments() {
    let text = "use crate::{db::Db, foundation::people};\n// crate::pages in a comment\nlet x = crate::access::guard::x;";
    let found: Vec<String> = crate_modules(text).into_iter().collect();
    assert_eq!(found, vec!["access", "db", "foundation"]);
}
