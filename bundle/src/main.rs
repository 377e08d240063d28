//! The build step after cargo for the browser bundle (run by `scripts/build`):
//!
//! - `split IN.wasm OUT_DIR`: splits the bundle at its `#[lazy]` points (Leptos' lazy routes
//!   and functions) with `wasm_split_cli_support`, as cargo-leptos does: `OUT_DIR/main.wasm`
//!   (for wasm-bindgen), one `split_*.wasm` per lazy point, `chunk_*.wasm` for code several of
//!   them share, the loader `__wasm_split.<placeholder>.js` and `__wasm_split_manifest.json`
//!   (which files each lazy point needs; the server names them in the page so the browser
//!   fetches a page's chunks alongside the main module); the loader is rewritten to fetch a
//!   module again when its download fails (`retries`);
//! - `finish PKG_DIR CSS HASH_FILE`: gives every file in `PKG_DIR` a name carrying a content
//!   hash, rewrites the references between them, adds the stylesheet, writes the names to
//!   `HASH_FILE` in the format Leptos' `HydrationScripts` reads (`hash_files`), and writes a
//!   brotli and a gzip copy of each file beside it; wasm-bindgen's glue is rewritten to fetch
//!   the main module again when its download fails (`retries`), and the page's start script
//!   (`start.js`, beside `HASH_FILE`), which the server inlines in every page: it fetches the
//!   glue and the loader with retries before importing them (`retries::start_script`).
//!
//! The JavaScript and WebAssembly files share one hash, taken over all of them: the split
//! modules only work with the main module they were split from, so they are versioned as one
//! set, and a browser can never combine files of two builds. The stylesheet has its own.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use sha2::{Digest, Sha256};

mod retries;

/// The loader's name before hashing: 22 characters that `finish` replaces by the hash, so the
/// WebAssembly files that import the loader keep their length.
const PLACEHOLDER: &str = "______________________";
const MAIN_JS: &str = "upstream.js";
const MAIN_WASM: &str = "upstream.wasm";
const LOADER_STEM: &str = "__wasm_split";
const MANIFEST: &str = "__wasm_split_manifest.json";
/// The page's start script (`retries::start_script`), written beside the hash file.
const START_SCRIPT: &str = "start.js";

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["split", input, out] => split(Path::new(input), Path::new(out)),
        ["finish", pkg, css, hash_file] => {
            finish(Path::new(pkg), Path::new(css), Path::new(hash_file))
        }
        _ => Err(
            "usage: upstream-bundle split IN.wasm OUT_DIR | finish PKG_DIR CSS HASH_FILE"
                .to_owned(),
        ),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("upstream-bundle: {e}");
            ExitCode::FAILURE
        }
    }
}

fn io(what: impl std::fmt::Display) -> impl FnOnce(std::io::Error) -> String {
    move |e| format!("{what}: {e}")
}

fn split(input: &Path, out: &Path) -> Result<()> {
    let wasm = fs::read(input).map_err(io(input.display()))?;
    fs::create_dir_all(out).map_err(io(out.display()))?;
    let main_out = out.join("main.wasm");
    let link_name = format!("./{LOADER_STEM}.{PLACEHOLDER}.js");
    let main_module = format!("./{MAIN_JS}");
    let result = wasm_split_cli_support::transform({
        let mut opts = wasm_split_cli_support::Options::new(&wasm);
        opts.output_dir = out;
        opts.main_out_path = &main_out;
        opts.main_module = &main_module;
        opts.link_name = &link_name;
        opts
    })
    .map_err(|e| format!("splitting {}: {e:?}", input.display()))?;
    let loader_path = out.join(format!("{LOADER_STEM}.{PLACEHOLDER}.js"));
    let loader = fs::read_to_string(&loader_path).map_err(io(loader_path.display()))?;
    let loader =
        retries::add_to_loader(&loader).map_err(|e| format!("{}: {e}", loader_path.display()))?;
    fs::write(&loader_path, loader).map_err(io(loader_path.display()))?;
    // Sorted, so the manifest (and with it the bundle's hash) is the same for the same input.
    let prefetch: BTreeMap<_, _> = result.prefetch_map.into_iter().collect();
    let manifest = serde_json::to_string_pretty(&prefetch).map_err(|e| e.to_string())?;
    fs::write(out.join(MANIFEST), manifest).map_err(io(MANIFEST))?;
    println!(
        "split into the main module and {} lazily loaded modules",
        result.split_modules.len()
    );
    Ok(())
}

fn hash_of(parts: &[(&str, &[u8])]) -> String {
    let mut h = Sha256::new();
    for (name, bytes) in parts {
        h.update((name.len() as u64).to_le_bytes());
        h.update(name.as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    }
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    hex[..PLACEHOLDER.len()].to_owned()
}

/// `name` with `hash` before its extension: `a.wasm` -> `a.<hash>.wasm`.
fn hashed(name: &str, hash: &str) -> String {
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

fn replace_bytes(haystack: &mut [u8], from: &[u8], to: &[u8]) {
    debug_assert_eq!(from.len(), to.len());
    let mut i = 0;
    while i + from.len() <= haystack.len() {
        if &haystack[i..i + from.len()] == from {
            haystack[i..i + from.len()].copy_from_slice(to);
            i += from.len();
        } else {
            i += 1;
        }
    }
}

fn finish(pkg: &Path, css: &Path, hash_file: &Path) -> Result<()> {
    let mut files: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for entry in fs::read_dir(pkg).map_err(io(pkg.display()))? {
        let entry = entry.map_err(io(pkg.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_file() && !name.ends_with(".gz") && !name.ends_with(".br") {
            let bytes = fs::read(entry.path()).map_err(io(&name))?;
            fs::remove_file(entry.path()).map_err(io(&name))?;
            files.insert(name, bytes);
        }
    }
    for required in [MAIN_JS, MAIN_WASM] {
        if !files.contains_key(required) {
            return Err(format!("{} has no {required}", pkg.display()));
        }
    }
    let parts: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    let hash = hash_of(&parts);
    let loader = format!("{LOADER_STEM}.{PLACEHOLDER}.js");
    let split = files.contains_key(&loader);

    // Every file's new name.
    let renamed: HashMap<String, String> = files
        .keys()
        .map(|name| {
            let new = if name == &loader {
                name.replace(PLACEHOLDER, &hash)
            } else {
                hashed(name, &hash)
            };
            (name.clone(), new)
        })
        .collect();
    // The split modules by file stem, as the loader and the manifest name them.
    let chunks: Vec<(String, String)> = files
        .keys()
        .filter(|n| n.ends_with(".wasm") && n.as_str() != MAIN_WASM)
        .map(|n| {
            let stem = n.trim_end_matches(".wasm").to_owned();
            (stem.clone(), format!("{stem}.{hash}"))
        })
        .collect();

    let mut out: Vec<(String, Vec<u8>)> = Vec::new();
    for (name, bytes) in files {
        let new_name = renamed[&name].clone();
        let bytes = if name.ends_with(".js") {
            let mut text = String::from_utf8(bytes).map_err(|e| format!("{name}: {e}"))?;
            if name == MAIN_JS {
                text = retries::add_to_glue(&text).map_err(|e| format!("{name}: {e}"))?;
            }
            text = text.replace(&loader, &renamed[&loader]);
            text = text.replace(
                &format!("\"./{MAIN_JS}\""),
                &format!("\"./{}\"", renamed[MAIN_JS]),
            );
            text = text.replace(
                &format!("'./{MAIN_JS}'"),
                &format!("'./{}'", renamed[MAIN_JS]),
            );
            for (stem, new_stem) in &chunks {
                text = text.replace(
                    &format!("\"./{stem}.wasm\""),
                    &format!("\"./{new_stem}.wasm\""),
                );
            }
            text.into_bytes()
        } else if name.ends_with(".wasm") {
            let mut bytes = bytes;
            if split {
                replace_bytes(&mut bytes, loader.as_bytes(), renamed[&loader].as_bytes());
            }
            bytes
        } else if name == MANIFEST {
            let map: BTreeMap<String, Vec<String>> =
                serde_json::from_slice(&bytes).map_err(|e| format!("{name}: {e}"))?;
            let stems: HashMap<&str, &str> = chunks
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            let map: BTreeMap<String, Vec<String>> = map
                .into_iter()
                .map(|(k, v)| {
                    let v = v
                        .into_iter()
                        .map(|s| stems.get(s.as_str()).map(|n| n.to_string()).unwrap_or(s))
                        .collect();
                    (k, v)
                })
                .collect();
            serde_json::to_vec_pretty(&map).map_err(|e| e.to_string())?
        } else {
            bytes
        };
        out.push((new_name, bytes));
    }

    let css_bytes = fs::read(css).map_err(io(css.display()))?;
    let css_hash = hash_of(&[("upstream.css", &css_bytes)]);
    out.push((format!("upstream.{css_hash}.css"), css_bytes));

    let mut total = (0usize, 0usize, 0usize);
    for (name, bytes) in &out {
        let path = pkg.join(name);
        fs::write(&path, bytes).map_err(io(name))?;
        let gz = gzip(bytes)?;
        let br = brotli(bytes)?;
        fs::write(with_suffix(&path, "gz"), &gz).map_err(io(name))?;
        fs::write(with_suffix(&path, "br"), &br).map_err(io(name))?;
        println!(
            "{name:<48} {:>9} raw {:>9} gzip {:>9} brotli",
            bytes.len(),
            gz.len(),
            br.len()
        );
        total = (
            total.0 + bytes.len(),
            total.1 + gz.len(),
            total.2 + br.len(),
        );
    }
    println!(
        "{:<48} {:>9} raw {:>9} gzip {:>9} brotli",
        "all files", total.0, total.1, total.2
    );

    let mut lines = format!("js: {hash}\nwasm: {hash}\ncss: {css_hash}\n");
    if split {
        lines.push_str(&format!("manifest: {hash}\nsplit: {hash}\n"));
    }
    fs::write(hash_file, lines).map_err(io(hash_file.display()))?;
    // Beside the hash file, for the server to inline in every page (it is never fetched).
    let start = hash_file.with_file_name(START_SCRIPT);
    fs::write(&start, retries::start_script()).map_err(io(start.display()))?;
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut p = path.as_os_str().to_owned();
    p.push(".");
    p.push(suffix);
    PathBuf::from(p)
}

fn gzip(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(bytes).map_err(|e| e.to_string())?;
    enc.finish().map_err(|e| e.to_string())
}

fn brotli(bytes: &[u8]) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        ..Default::default()
    };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_goes_before_the_extension() {
        assert_eq!(hashed("split_a.wasm", "h"), "split_a.h.wasm");
        assert_eq!(hashed("upstream.js", "h"), "upstream.h.js");
    }

    #[test]
    fn the_hash_fits_the_loader_placeholder() {
        assert_eq!(hash_of(&[("a", b"b")]).len(), PLACEHOLDER.len());
        assert_ne!(hash_of(&[("a", b"b")]), hash_of(&[("a", b"c")]));
    }

    #[test]
    fn byte_replacement_keeps_the_length() {
        let mut b = b"xx./__wasm_split.AAAA.js yy".to_vec();
        replace_bytes(&mut b, b"AAAA", b"1234");
        assert_eq!(&b, b"xx./__wasm_split.1234.js yy");
    }
}
