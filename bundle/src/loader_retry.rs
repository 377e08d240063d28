//! Retries for the split modules' downloads.
//!
//! The splitter's loader fetches each lazily loaded module once; if that fetch fails (a link
//! that drops for a moment, a proxy that answers 502), the Rust side that asked for the module
//! cannot go on (`#[lazy]` expects its module to load) and the page's scripts stop, leaving a
//! page whose forms and links work but whose editor and live parts do not. People here sit on
//! links like that, so the loader is rewritten to try again, with a growing pause, before it
//! gives up: every module's fetch and instantiation goes through `instantiateRetrying`.

/// How the splitter's loader (wasm_split_cli_support 0.2) fetches and instantiates a module.
const FETCH_PREFIX: &str = "const src = fetch(new URL(";
const FETCH_SUFFIX: &str = ", import.meta.url));";
const INSTANTIATE: &str =
    "return async (imports) => (WebAssembly.instantiateStreaming(src, imports));";

/// Tries a module up to four times in all, pausing 0.5 s, 1 s and 2 s between tries. A
/// response that is not 2xx counts as a failure (instantiateStreaming would reject it anyway,
/// but with a message about MIME types rather than the status).
const HELPER: &str = r#"
// Added by upstream-bundle (bundle/src/loader_retry.rs): a module whose download fails is
// fetched again, so one dropped request on a poor link does not stop the page's scripts.
async function instantiateRetrying(url, first, imports) {
    let src = first;
    for (let attempt = 1; ; attempt++) {
        try {
            const response = await src;
            if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
            return await WebAssembly.instantiateStreaming(response, imports);
        } catch (e) {
            if (attempt >= 4) throw e;
            console.warn(`retrying ${url} (${e})`);
            await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
            src = fetch(url);
        }
    }
}
"#;

/// The loader with every module's fetch going through `instantiateRetrying`. Fails if the
/// loader does not look as expected (a new splitter version), so a build never silently loses
/// the retries.
pub fn add_retries(loader: &str) -> Result<String, String> {
    let mut out = String::with_capacity(loader.len() + HELPER.len());
    let mut rest = loader;
    let mut rewritten = 0;
    while let Some(at) = rest.find(FETCH_PREFIX) {
        out.push_str(&rest[..at]);
        let after = &rest[at + FETCH_PREFIX.len()..];
        let end = after
            .find(FETCH_SUFFIX)
            .ok_or("the loader's fetch has an unexpected shape")?;
        let file = &after[..end];
        let tail = &after[end + FETCH_SUFFIX.len()..];
        let instantiate_at = tail
            .find(INSTANTIATE)
            .ok_or("the loader's instantiation has an unexpected shape")?;
        let between = &tail[..instantiate_at];
        if between.contains(FETCH_PREFIX) {
            return Err("a fetch in the loader has no instantiation of its own".to_owned());
        }
        out.push_str(&format!(
            "const url = new URL({file}, import.meta.url);\n    const src = fetch(url);"
        ));
        out.push_str(between);
        out.push_str("return async (imports) => instantiateRetrying(url, src, imports);");
        rest = &tail[instantiate_at + INSTANTIATE.len()..];
        rewritten += 1;
    }
    out.push_str(rest);
    if rewritten == 0 {
        return Err("found no module fetch in the loader to add retries to".to_owned());
    }
    if out.contains("WebAssembly.instantiateStreaming(src") {
        return Err("the loader instantiates a module without retries".to_owned());
    }
    // After the imports: an ES module's `import` lines must come first.
    let insert_at = out
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .find(|&i| !out[i..].starts_with("import "))
        .unwrap_or(0);
    out.insert_str(insert_at, HELPER);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOADER: &str = r#"import { initSync } from "./upstream.js";

function makeLoad(fetcher, deps) { return fetcher; }
const __chunk_6 = makeLoad(() => {
    const src = fetch(new URL("./chunk_6.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, []);
const __split_a = makeLoad(() => {
    const src = fetch(new URL("./split_a.wasm", import.meta.url));
    src.catch(() => {});
    return async (imports) => (WebAssembly.instantiateStreaming(src, imports));
}
, [__chunk_6]);
"#;

    #[test]
    fn every_module_fetch_goes_through_the_retrying_helper() {
        let out = add_retries(LOADER).expect("rewritten");
        assert_eq!(
            out.matches("instantiateRetrying(url, src, imports)")
                .count(),
            2
        );
        assert!(out.contains(r#"const url = new URL("./chunk_6.wasm", import.meta.url);"#));
        assert!(out.contains(r#"const url = new URL("./split_a.wasm", import.meta.url);"#));
        assert!(!out.contains("WebAssembly.instantiateStreaming(src"));
        // The file names stay literal, for `finish` to give them their hashed names.
        assert!(out.contains(r#""./split_a.wasm""#));
    }

    #[test]
    fn the_helper_comes_after_the_module_imports() {
        let out = add_retries(LOADER).expect("rewritten");
        assert!(out.starts_with("import { initSync } from \"./upstream.js\";\n"));
        let helper = out
            .find("async function instantiateRetrying")
            .expect("helper");
        assert!(helper < out.find("function makeLoad").expect("loader body"));
    }

    #[test]
    fn a_loader_of_another_shape_is_refused() {
        assert!(add_retries("import x from './y.js';\nconst a = 1;\n").is_err());
        let half = LOADER.replace(
            "return async (imports) => (WebAssembly.instantiateStreaming(src, imports));",
            "return async (imports) => WebAssembly.instantiate(src, imports);",
        );
        assert!(add_retries(&half).is_err());
    }
}
