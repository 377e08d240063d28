//! What goes over the wire: section pages carry each copy of the text they need once, pages
//! and server-function answers are compressed as the client asks, and the built files are
//! served pre-compressed, kept for good when their name carries a hash.

use std::io::Read;

use app::error::AppError;
use app::foundation::people::OrgKind;
use app::reviews::api::ReviewView;
use app::sections::api::Section;
use app::sections::views::SectionDetail;
use reqwest::Client;

use crate::helpers::{answer, section_save, spawn_app, spawn_app_with, LedPlan, TestApp};

/// A sentence that occurs nowhere else, to count the copies of the section's text.
const SENTENCE: &str = "Provincial committees publish their early warning minutes every month";

/// A section of about 600 words ending with [`SENTENCE`].
fn long_text() -> String {
    let paragraph =
        "Civilian oversight of the security sector is reviewed by the committee. ".repeat(10);
    format!("{}\n\n{SENTENCE}.", [paragraph.trim(); 8].join("\n\n"))
}

async fn led_with_text(app: &TestApp) -> LedPlan {
    let led = app
        .led_plan("Ministry", "lead@example.org", "Compressed plan")
        .await;
    app.call(
        &led.lead,
        section_save(led.plan, led.section, 1, &long_text()),
    )
    .await
    .expect("saved");
    led
}

fn decode(encoding: &str, bytes: &[u8]) -> String {
    String::from_utf8(decompress(encoding, bytes)).expect("text")
}

/// What a page carries for the browser (the values its resources resolved to, which Leptos
/// writes as base64 strings in scripts after the document), as bytes.
fn page_data(html: &str) -> Vec<Vec<u8>> {
    use base64::Engine as _;
    html.split("__RESOLVED_RESOURCES[")
        .skip(1)
        .filter_map(|rest| {
            let text = rest.split_once("] = \"")?.1.split('"').next()?;
            base64::engine::general_purpose::STANDARD_NO_PAD
                .decode(text)
                .ok()
        })
        .collect()
}

/// `bytes` uncompressed from `encoding` (gzip or br).
fn decompress(encoding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match encoding {
        "gzip" => flate2::read::GzDecoder::new(bytes)
            .read_to_end(&mut out)
            .expect("gzip"),
        "br" => brotli::Decompressor::new(bytes, 4096)
            .read_to_end(&mut out)
            .expect("brotli"),
        other => panic!("unexpected encoding {other}"),
    };
    out
}

/// GETs `path` accepting `encoding` (or nothing); returns the Content-Encoding and the body
/// decoded.
async fn get(
    app: &TestApp,
    client: &Client,
    path: &str,
    encoding: Option<&str>,
) -> (Option<String>, String) {
    let mut req = client
        .get(format!("{}{path}", app.base))
        .header("accept", "text/html");
    if let Some(e) = encoding {
        req = req.header("accept-encoding", e);
    }
    let res = req.send().await.expect("page");
    assert_eq!(res.status(), 200, "GET {path}");
    let used = res
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap_or("").to_owned());
    let bytes = res.bytes().await.expect("body");
    let text = match &used {
        Some(e) => decode(e, &bytes),
        None => String::from_utf8(bytes.to_vec()).expect("utf-8"),
    };
    (used, text)
}

/// The page with its per-response nonce (in `nonce` and `crossorigin` attributes) blanked, to
/// compare two copies.
fn without_nonce(page: &str) -> String {
    let Some(at) = page.find("nonce=\"") else {
        return page.to_owned();
    };
    let start = at + "nonce=\"".len();
    let len = page[start..].find('"').unwrap_or(0);
    let nonce = &page[start..start + len];
    if nonce.is_empty() {
        page.to_owned()
    } else {
        page.replace(nonce, "NONCE")
    }
}

/// A page up to the end of its `html` element.
fn document(page: &str) -> &str {
    page.split_inclusive("</html>").next().unwrap_or(page)
}

#[tokio::test]
async fn pages_are_compressed_with_gzip_or_brotli_as_the_browser_asks() {
    let app = spawn_app().await;
    let led = led_with_text(&app).await;
    let path = format!("/plans/{}/sections/{}", led.plan, led.section);

    let (plain_encoding, plain) = get(&app, &led.lead, &path, None).await;
    assert_eq!(
        plain_encoding, None,
        "a client that asks for nothing gets the page as it is"
    );
    assert!(plain.contains(SENTENCE));
    for (asked, expected) in [
        ("gzip", "gzip"),
        ("br", "br"),
        // gzip when both are taken: smaller and cheaper than brotli on these pages.
        ("gzip, deflate, br", "gzip"),
        ("br;q=0, gzip", "gzip"),
    ] {
        let (used, page) = get(&app, &led.lead, &path, Some(asked)).await;
        assert_eq!(used.as_deref(), Some(expected), "Accept-Encoding: {asked}");
        // The document itself; the resources streamed after it may resolve in another order
        // when the page is rendered again rather than kept (always, over PostgreSQL).
        assert_eq!(
            document(&without_nonce(&page)),
            document(&without_nonce(&plain)),
            "the {expected} page decodes to the same page"
        );
        assert!(
            page.contains("__INCOMPLETE_CHUNKS"),
            "the {expected} page is whole"
        );
    }
}

#[tokio::test]
async fn server_function_answers_are_compressed_and_decode_to_the_same_value() {
    let app = spawn_app().await;
    let led = led_with_text(&app).await;
    let read = Section {
        plan_id: led.plan,
        section_id: led.section,
    };
    let expected = app.call(&led.lead, read.clone()).await.expect("section");
    for encoding in ["gzip", "br"] {
        let res = app
            .request(&led.lead, &read)
            .header("accept-encoding", encoding)
            .send()
            .await
            .expect("answer");
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers()
                .get("content-encoding")
                .and_then(|v| v.to_str().ok()),
            Some(encoding)
        );
        let bytes = res.bytes().await.expect("body");
        assert!(
            bytes.len() < long_text().len() / 2,
            "{encoding}: {} bytes",
            bytes.len()
        );
        let detail: SectionDetail = answer(&decompress(encoding, &bytes)).expect("an answer");
        assert_eq!(detail, expected);
    }
}

#[tokio::test]
async fn a_reader_gets_the_reading_copy_alone_and_an_editor_the_editor_only_when_asked() {
    let app = spawn_app().await;
    let led = led_with_text(&app).await;
    let reviewer_org = app.org("Committee", OrgKind::Government).await;
    let (reader, _) = app.member_of(reviewer_org, "reader@example.org").await;
    app.grant(&led.lead, led.plan, "reader@example.org", "reviewer")
        .await;
    let path = format!("/plans/{}/sections/{}", led.plan, led.section);
    // Copies of the text in the page as shown, and in its data for the browser.
    let copies = |page: &str| {
        let in_data = page_data(page)
            .iter()
            .map(|d| String::from_utf8_lossy(d).matches(SENTENCE).count())
            .sum::<usize>();
        (page.matches(SENTENCE).count(), in_data)
    };

    for asked in [path.clone(), format!("{path}?edit")] {
        let (status, page) = app.page(&reader, &asked).await;
        assert_eq!(status, 200);
        assert!(
            page.contains("class=\"panel prose annotated\""),
            "{asked}: the reading copy"
        );
        assert!(
            !page.contains("section-body"),
            "{asked}: no editor's text box"
        );
        assert!(!page.contains("class=\"editor\""), "{asked}: no editor");
        assert!(!page.contains("/api/save_section"), "{asked}: no save form");
        assert!(!page.contains("?edit\""), "{asked}: no Edit link");
        // The reading copy alone: the data for the browser carries the threads without it
        // (hydration leaves the rendered text as the server sent it).
        assert_eq!(copies(&page), (1, 0), "{asked}: copies of the text");
    }

    let (_, reading) = app.page(&led.lead, &path).await;
    assert!(!reading.contains("section-body"), "an editor reads first");
    assert!(
        reading.contains(&format!("href=\"{path}?edit\"")),
        "with an Edit link"
    );
    assert_eq!(copies(&reading), (1, 0));

    let (_, editing) = app.page(&led.lead, &format!("{path}?edit")).await;
    assert!(
        editing.contains("id=\"section-body\""),
        "the editor when asked"
    );
    assert!(editing.contains("/api/save_section"));
    assert!(
        !editing.contains("class=\"panel prose annotated\""),
        "the preview stands for the reading copy"
    );
    // The text box and the preview, and the source once in the data for the browser.
    assert_eq!(copies(&editing), (2, 1));
}

#[tokio::test]
async fn a_section_page_loads_and_carries_its_review_once_for_readers_and_editors() {
    let app = spawn_app().await;
    let led = led_with_text(&app).await;
    let path = format!("/plans/{}/sections/{}", led.plan, led.section);
    // Each review the page loaded lands in its data for the browser.
    let reviews = |page: &str| {
        page_data(page)
            .iter()
            .filter_map(|d| answer::<Result<ReviewView, AppError>>(d).ok())
            .filter(|r| r.as_ref().is_ok_and(|r| r.section_id == led.section))
            .count()
    };
    for asked in [path.clone(), format!("{path}?edit")] {
        let (status, page) = app.page(&led.lead, &asked).await;
        assert_eq!(status, 200);
        assert!(
            page.contains("id=\"review-heading\""),
            "{asked}: the review panel"
        );
        assert_eq!(reviews(&page), 1, "{asked}: reviews in the page's data");
    }
}

#[tokio::test]
async fn built_files_with_a_hash_are_kept_for_good_and_served_compressed() {
    const HASH: &str = "0123456789abcdef012345";
    const CSS_HASH: &str = "fedcba9876543210fedcba";
    let site = std::env::temp_dir().join(format!("upstream-site-{}", uuid::Uuid::new_v4()));
    let pkg = site.join("pkg");
    std::fs::create_dir_all(&pkg).expect("pkg");
    let js = format!("upstream.{HASH}.js");
    let script = "export default function init() {}\n".repeat(100);
    std::fs::write(pkg.join(&js), &script).expect("js");
    let mut br = Vec::new();
    brotli::BrotliCompress(
        &mut script.as_bytes(),
        &mut br,
        &brotli::enc::BrotliEncoderParams::default(),
    )
    .expect("brotli");
    std::fs::write(pkg.join(format!("{js}.br")), &br).expect("br");
    std::fs::write(
        pkg.join(format!("upstream.{CSS_HASH}.css")),
        "body { margin: 0 }",
    )
    .expect("css");
    std::fs::write(pkg.join("notes.txt"), "not hashed").expect("txt");
    std::fs::write(
        site.join("hash.txt"),
        format!("js: {HASH}\nwasm: {HASH}\ncss: {CSS_HASH}\n"),
    )
    .expect("hash file");
    let app = spawn_app_with(|c| c.site_root = site.clone()).await;
    let client = app.client();

    let res = client
        .get(format!("{}/pkg/{js}", app.base))
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .expect("js");
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(
        res.headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok()),
        Some("br"),
        "the brotli copy made at build time"
    );
    assert_eq!(decode("br", &res.bytes().await.expect("body")), script);

    let res = client
        .get(format!("{}/pkg/notes.txt", app.base))
        .send()
        .await
        .expect("txt");
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-cache"),
        "a name without a hash is checked again on every use"
    );

    // Pages name the hashed files.
    let (status, page) = app.page(&client, "/login").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("/pkg/upstream.{HASH}.js")),
        "the script"
    );
    assert!(
        page.contains(&format!("/pkg/upstream.{HASH}.wasm")),
        "the bundle"
    );
    assert!(
        page.contains(&format!("href=\"/pkg/upstream.{CSS_HASH}.css\"")),
        "the stylesheet"
    );
    let _ = std::fs::remove_dir_all(&site);
}

/// A built site in a fresh temporary folder whose hash file names every kind of file with
/// `hash` (`kinds`: `js`, `wasm`, `css`, `split`, `manifest`), with `pkg/` empty.
fn built_site(hash: &str, kinds: &[&str]) -> std::path::PathBuf {
    let site = std::env::temp_dir().join(format!("upstream-site-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(site.join("pkg")).expect("pkg");
    let lines: String = kinds.iter().map(|k| format!("{k}: {hash}\n")).collect();
    std::fs::write(site.join("hash.txt"), lines).expect("hash file");
    site
}

#[tokio::test]
async fn pages_start_the_bundle_with_the_builds_start_script_and_preload_what_it_fetches() {
    const HASH: &str = "00112233445566778899aa";
    let site = built_site(HASH, &["js", "wasm", "css", "split"]);
    // What `bundle` writes there: a function expression the page calls.
    std::fs::write(
        site.join("start.js"),
        "(async (script, loader, mainModule, pageModules) => { /* the build's */ })\n",
    )
    .expect("start script");
    let app = spawn_app_with(|c| c.site_root = site.clone()).await;
    let client = app.client();

    let (status, page) = app.page(&client, "/login").await;
    assert_eq!(status, 200);
    let (glue, loader, main) = (
        format!("/pkg/upstream.{HASH}.js"),
        format!("/pkg/__wasm_split.{HASH}.js"),
        format!("/pkg/upstream.{HASH}.wasm"),
    );
    assert!(
        page.contains(&format!(
            "(async (script, loader, mainModule, pageModules) => {{ /* the build's */ }})(\"{glue}\", \"{loader}\", \"{main}\", []);"
        )),
        "the start script, called with the bundle's files (and no page module: the login page \
         is in the main module): {page}"
    );
    let nonce = page
        .split("<script type=\"module\" nonce=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a module script with a nonce");
    assert!(!nonce.is_empty());
    for href in [&glue, &loader, &main] {
        assert!(
            page.contains(&format!(
                "<link rel=\"preload\" href=\"{href}\" as=\"fetch\""
            )),
            "{href} preloaded as the start script fetches it"
        );
    }
    // A module preload that failed would be remembered, and the import after it fail too.
    assert!(!page.contains("modulepreload"), "no module preloads");
    let _ = std::fs::remove_dir_all(&site);
}

#[tokio::test]
async fn the_login_page_needs_the_main_module_alone_and_other_pages_ask_for_their_group_once_the_scripts_are_in(
) {
    const HASH: &str = "0a1b2c3d4e5f6a7b8c9d0e";
    let site = built_site(HASH, &["js", "wasm", "css", "split", "manifest"]);
    // The splitter's manifest, as `scripts/build` leaves it: each group's chunks and module.
    std::fs::write(
        site.join("pkg")
            .join(format!("__wasm_split_manifest.{HASH}.json")),
        format!(
            r#"{{"personal_pages_17": ["chunk_6.{HASH}", "split_personal_pages_17.{HASH}"],
                "section_pages_42": ["chunk_6.{HASH}", "split_section_pages_42.{HASH}"]}}"#
        ),
    )
    .expect("manifest");
    std::fs::write(
        site.join("start.js"),
        "(async (script, loader, mainModule, pageModules) => {})\n",
    )
    .expect("start script");
    let app = spawn_app_with(|c| c.site_root = site.clone()).await;
    let client = app.client();

    // The first page anyone loads, signed out, with an empty cache: no page module to fetch.
    let (status, page) = app.page(&client, "/login").await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!("/pkg/upstream.{HASH}.wasm")),
        "the main module"
    );
    assert!(
        !page.contains("split_") && !page.contains("chunk_"),
        "the login page names no page module: {page}"
    );

    // A signed-in person's home page has its start script ask for its group's module and
    // chunks once it has the scripts, and the head does not preload them beside the main module
    // (on a slow link they held back what the page needs first).
    let home = app.admin().await;
    let (status, page) = app.page(&home, "/").await;
    assert_eq!(status, 200);
    let files = [
        format!("/pkg/chunk_6.{HASH}.wasm"),
        format!("/pkg/split_personal_pages_17.{HASH}.wasm"),
    ];
    assert!(
        page.contains(&format!("[\"{}\", \"{}\"]);", files[0], files[1])),
        "the home page's start script is given its group's files: {page}"
    );
    for file in &files {
        assert!(
            !page.contains(&format!("<link rel=\"preload\" href=\"{file}\"")),
            "{file} not preloaded from the head"
        );
    }
    assert!(!page.contains("split_section_pages"), "not another group's");
    let _ = std::fs::remove_dir_all(&site);
}
