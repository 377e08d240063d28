//! The site's static files (`/pkg`): the browser bundle and the stylesheet.
//!
//! `scripts/build` names every file after its content (`upstream.<hash>.js`, `.wasm`, the
//! lazily loaded `split_*.<hash>.wasm` and `chunk_*.<hash>.wasm`, `upstream.<hash>.css`),
//! writes a brotli and a gzip copy beside each, and lists the hashes in `hash.txt` at the
//! site root, the file Leptos' `HydrationScripts` reads to name the bundle in every page
//! (`LeptosOptions::hash_files`). A name with a hash never changes content, so browsers keep
//! those files for a year without asking again (`immutable`); anything else under `/pkg` is
//! checked with the server on every use (`no-cache`, answered 304 when unchanged).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// What the pages need to know of the built files.
#[derive(Debug, Clone)]
pub struct Assets {
    /// The hash file, when the build wrote one (absolute: Leptos resolves a relative one
    /// against the executable's folder).
    pub hash_file: Option<PathBuf>,
    /// The stylesheet's address.
    pub stylesheet: String,
    /// The files of each group of pages' module, by group (`app::shell::PagePreloads`).
    pub page_modules: HashMap<String, Vec<String>>,
    /// How pages start the bundle, when the build wrote its start script beside the hash file.
    pub start: Option<app::shell::BundleStart>,
}

impl Assets {
    /// Reads `hash.txt` under `site_root`, if the build wrote one; without it the files keep
    /// their plain names.
    pub fn read(site_root: &Path) -> Assets {
        let root = if site_root.is_absolute() {
            site_root.to_path_buf()
        } else {
            std::env::current_dir()
                .map(|d| d.join(site_root))
                .unwrap_or_else(|_| site_root.to_path_buf())
        };
        let path = root.join("hash.txt");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return Assets {
                hash_file: None,
                stylesheet: "/pkg/upstream.css".to_owned(),
                page_modules: HashMap::new(),
                start: None,
            };
        };
        let hash_of = |kind: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(kind)?.strip_prefix(':'))
                .map(str::trim)
                .filter(|h| !h.is_empty())
        };
        let page_modules = hash_of("manifest")
            .and_then(|h| {
                let manifest = root
                    .join("pkg")
                    .join(format!("__wasm_split_manifest.{h}.json"));
                std::fs::read_to_string(manifest).ok()
            })
            .map(|json| page_modules(&json))
            .unwrap_or_default();
        let start = std::fs::read_to_string(root.join("start.js"))
            .ok()
            .zip(hash_of("js").zip(hash_of("wasm")))
            .map(|(script, (js, wasm))| {
                app::shell::BundleStart::new(
                    script.trim(),
                    format!("/pkg/upstream.{js}.js"),
                    hash_of("split").map(|h| format!("/pkg/__wasm_split.{h}.js")),
                    format!("/pkg/upstream.{wasm}.wasm"),
                )
            });
        Assets {
            hash_file: Some(path),
            stylesheet: match hash_of("css") {
                Some(h) => format!("/pkg/upstream.{h}.css"),
                None => "/pkg/upstream.css".to_owned(),
            },
            page_modules,
            start,
        }
    }
}

/// The split manifest (`{"section_pages_<id>": ["chunk_7.<hash>", ...], ...}`, one entry per
/// lazy function) as each group's file addresses, keyed by the group's name without its id.
/// A manifest that cannot be read names nothing: pages then load their module as before.
fn page_modules(json: &str) -> HashMap<String, Vec<String>> {
    let Ok(entries) = serde_json::from_str::<HashMap<String, Vec<String>>>(json) else {
        tracing::warn!(
            "the bundle's split manifest could not be read; pages will not preload their modules"
        );
        return HashMap::new();
    };
    entries
        .into_iter()
        .map(|(lazy, files)| {
            let group = match lazy.rsplit_once('_') {
                Some((name, id)) if id.bytes().all(|b| b.is_ascii_digit()) => name.to_owned(),
                _ => lazy,
            };
            let files = files.iter().map(|f| format!("/pkg/{f}.wasm")).collect();
            (group, files)
        })
        .collect()
}

/// Whether a file name carries a content hash: one of its dot-separated parts is the build's
/// 22 hexadecimal digits.
pub fn is_hashed(name: &str) -> bool {
    name.split('.')
        .any(|part| part.len() == 22 && part.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Middleware for `/pkg`: hashed names are cached for good, others revalidated.
pub async fn cache_headers(req: Request, next: Next) -> Response {
    let hashed = is_hashed(req.uri().path().rsplit('/').next().unwrap_or(""));
    let mut res = next.run(req).await;
    if res.status().is_success() || res.status() == http::StatusCode::NOT_MODIFIED {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static(if hashed {
                "public, max-age=31536000, immutable"
            } else {
                "no-cache"
            }),
        );
    }
    res
}

#[cfg(test)]
mod tests {
    use super::{is_hashed, page_modules};

    #[test]
    fn the_split_manifest_gives_each_group_its_files() {
        let modules = page_modules(
            r#"{"section_pages_133": ["chunk_7.abc", "split_section_pages_133.abc"],
                "admin_pages_9": ["chunk_5.abc"]}"#,
        );
        assert_eq!(
            modules["section_pages"],
            [
                "/pkg/chunk_7.abc.wasm",
                "/pkg/split_section_pages_133.abc.wasm"
            ]
        );
        assert_eq!(modules["admin_pages"], ["/pkg/chunk_5.abc.wasm"]);
        assert!(page_modules("not json").is_empty());
    }

    #[test]
    fn hashed_names_are_told_apart() {
        assert!(is_hashed("upstream.0123456789abcdef012345.wasm"));
        assert!(is_hashed(
            "split_section_page_123.0123456789abcdef012345.wasm"
        ));
        assert!(is_hashed("__wasm_split.0123456789abcdef012345.js"));
        assert!(!is_hashed("upstream.wasm"));
        assert!(!is_hashed("upstream.css"));
        assert!(!is_hashed("__wasm_split.______________________.js"));
    }
}
