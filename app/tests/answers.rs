//! Every server function the browser calls answers in the compact form its forms and pages
//! read (`foundation::encoding::Answer`): `FormAction` asks for and reads that form whatever
//! the function, so one declared with Leptos' default (JSON) would fail in the browser on its
//! first answer, after passing every test that calls it over HTTP. Read as text, like the
//! floors test: every `#[server(...)]` attribute in `app/src`.

use std::path::{Path, PathBuf};

/// Server functions that answer JSON on purpose, with why: files people and other programs
/// read, never the browser's code.
const JSON_ON_PURPOSE: [(&str, &str); 1] = [(
    "plan_audit_export",
    "the audit trail's export, downloaded as a file and checked by `upstream verify-audit`",
)];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The `#[server(...)]` attributes of `text` (outside comments), each as written.
fn server_attributes(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("//"))
        .filter_map(|line| line.strip_prefix("#[server("))
        .map(|rest| rest.trim_end_matches(")]").to_owned())
        .collect()
}

#[test]
fn every_server_function_answers_in_the_compact_form_or_says_why_not() {
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
        &mut files,
    );
    let mut found = 0;
    let mut wrong = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("a source file");
        for attribute in server_attributes(&text) {
            // `#[server(default)]` on an argument is not a server function.
            if !attribute.contains("endpoint") {
                continue;
            }
            found += 1;
            let on_purpose = JSON_ON_PURPOSE
                .iter()
                .any(|(endpoint, _)| attribute.contains(&format!("endpoint = \"{endpoint}\"")));
            if attribute.contains("output = Answer") == on_purpose {
                wrong.push(format!("{}: #[server({attribute})]", file.display()));
            }
        }
    }
    assert!(
        found > 50,
        "only {found} server functions found: the reading is wrong"
    );
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_reading_finds_attributes_and_skips_comments() {
    let text = "#[server(prefix = \"/api\", endpoint = \"a\", output = Answer)]\n\
                // #[server(prefix = \"/api\", endpoint = \"b\")]\n    \
                #[server(default)] editing: bool,\n";
    assert_eq!(
        server_attributes(text),
        vec![
            "prefix = \"/api\", endpoint = \"a\", output = Answer".to_owned(),
            "default)] editing: bool,".to_owned(),
        ]
    );
}
