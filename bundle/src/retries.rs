//! Retries for the downloads the page's scripts start: the WebAssembly modules, and the two
//! scripts imported first.
//!
//! wasm-bindgen's glue fetches the main module once, and the splitter's loader each lazily
//! loaded module once. If such a fetch fails (a link that drops for a moment, a proxy that
//! answers 502), the page's scripts never start or stop half-way (`#[lazy]` expects its module
//! to load), leaving a page whose forms and links work but whose editor and live parts do not.
//! People here sit on links like that, so both are rewritten to try again, with a growing
//! pause, before they give up: up to four tries, 0.5 s, 1 s and 2 s apart. A response that is
//! not 2xx counts as a failure (instantiateStreaming would reject it anyway, but with a message
//! about MIME types rather than the status). Each rewrite fails the build if the file does not
//! look as expected (a new wasm-bindgen or splitter), so a build never silently loses them.
//! The glue and the loader themselves are fetched the same way by the page's start script
//! ([`start_script`]).

/// The retry policy every helper here follows: tries in all, and the first pause in ms (then
/// doubled at each try). `{TRIES}` and `{PAUSE_MS}` in a helper's text stand for them.
const TRIES: u32 = 4;
const PAUSE_MS: u32 = 250;

/// A helper's text with the policy filled in.
fn with_policy(helper: &str) -> String {
    helper
        .replace("{TRIES}", &TRIES.to_string())
        .replace("{PAUSE_MS}", &PAUSE_MS.to_string())
}

/// How the splitter's loader (wasm_split_cli_support 0.2) fetches and instantiates a module.
const FETCH_PREFIX: &str = "const src = fetch(new URL(";
const FETCH_SUFFIX: &str = ", import.meta.url));";
const INSTANTIATE: &str =
    "return async (imports) => (WebAssembly.instantiateStreaming(src, imports));";

/// The loader's helper: fetches and instantiates a split module, trying again on failure.
const HELPER: &str = r#"
// Added by upstream-bundle (bundle/src/retries.rs): a module whose download fails is
// fetched again, so one dropped request on a poor link does not stop the page's scripts.
async function instantiateRetrying(url, first, imports) {
    let src = first;
    for (let attempt = 1; ; attempt++) {
        try {
            const response = await src;
            if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
            return await WebAssembly.instantiateStreaming(response, imports);
        } catch (e) {
            if (attempt >= {TRIES}) throw e;
            console.warn(`retrying ${url} (${e})`);
            await new Promise((resolve) => setTimeout(resolve, {PAUSE_MS} * 2 ** attempt));
            src = fetch(url);
        }
    }
}
"#;

/// The splitter's loader with every module's fetch going through `instantiateRetrying`.
pub fn add_to_loader(loader: &str) -> Result<String, String> {
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
    out.insert_str(insert_at, &with_policy(HELPER));
    Ok(out)
}

/// How wasm-bindgen's glue (0.2.130, `--target web`) fetches and instantiates the main module.
const GLUE_LOAD: &str = "    if (typeof module_or_path === 'string' || (typeof Request === 'function' && module_or_path instanceof Request) || (typeof URL === 'function' && module_or_path instanceof URL)) {
        module_or_path = fetch(module_or_path);
    }

    const { instance, module } = await __wbg_load(await module_or_path, imports);
";

/// The glue's replacement: the same, through `__upstream_load_retrying`.
const GLUE_LOAD_RETRYING: &str =
    "    const { instance, module } = await __upstream_load_retrying(module_or_path, imports);
";

/// The glue's helper, beside its own `__wbg_load` (which throws on a response that is not 2xx).
const GLUE_HELPER: &str = r#"
// Added by upstream-bundle (bundle/src/retries.rs): the main module is fetched again when its
// download fails, so one dropped request on a poor link does not leave the page without scripts.
async function __upstream_load_retrying(source, imports) {
    const fetched = typeof source === 'string' || (typeof Request === 'function' && source instanceof Request) || (typeof URL === 'function' && source instanceof URL);
    for (let attempt = 1; ; attempt++) {
        try {
            return await __wbg_load(await (fetched ? fetch(source) : source), imports);
        } catch (e) {
            if (!fetched || attempt >= {TRIES}) throw e;
            console.warn(`retrying ${source} (${e})`);
            await new Promise((resolve) => setTimeout(resolve, {PAUSE_MS} * 2 ** attempt));
        }
    }
}
"#;

/// The page's start script, inlined by the server in every page in place of Leptos' own
/// (`app::shell`), called as `(script, loader, mainModule, pageModules)`. Leptos' script
/// imports the glue once, and the glue imports the splitter's loader: a browser remembers a
/// module import that failed for the rest of the page's life, so one dropped request for
/// either left the page without scripts. This one fetches both first, trying again like the
/// helpers above (the files are kept for good, so the import then reads them from the cache),
/// and only then imports the glue, asks for the files of the page's module (`pageModules`, as
/// the loader will fetch them; empty for a page in the main module), starts the main module
/// (which the glue fetches with retries) and hydrates. `loader` is `null` for a bundle that
/// was not split. The page's module is asked for here rather than from the page's head so
/// that, on a slow link, it does not hold back the scripts and the main module (`app::shell`
/// has the figures).
const START: &str = r#"(async (script, loader, mainModule, pageModules) => {
    const fetchRetrying = async (url) => {
        for (let attempt = 1; ; attempt++) {
            try {
                const response = await fetch(url);
                if (response.ok) {
                    await response.arrayBuffer();
                    return;
                }
                throw new Error(`status ${response.status}`);
            } catch (e) {
                if (attempt >= {TRIES}) return;
                console.warn(`retrying ${url} (${e})`);
                await new Promise((resolve) => setTimeout(resolve, {PAUSE_MS} * 2 ** attempt));
            }
        }
    };
    await Promise.all([script, loader].filter((url) => url).map(fetchRetrying));
    const glue = await import(script);
    for (const href of pageModules || []) {
        const preload = document.createElement("link");
        preload.rel = "preload";
        preload.as = "fetch";
        preload.type = "application/wasm";
        preload.crossOrigin = "";
        preload.href = href;
        document.head.append(preload);
    }
    await glue.default({ module_or_path: mainModule });
    glue.hydrate();
})"#;

/// The page's start script ([`START`]) with the retry policy filled in and its indentation
/// left out (it rides in every page).
pub fn start_script() -> String {
    with_policy(START)
        .lines()
        .map(str::trim)
        .collect::<Vec<_>>()
        .join("\n")
}

/// wasm-bindgen's glue with the main module's fetch going through `__upstream_load_retrying`.
pub fn add_to_glue(glue: &str) -> Result<String, String> {
    if glue.matches(GLUE_LOAD).count() != 1 {
        return Err("the glue's loading of the main module has an unexpected shape".to_owned());
    }
    let at = glue
        .find("async function __wbg_init_once(")
        .ok_or("the glue has no __wbg_init_once")?;
    if glue.find(GLUE_LOAD) < Some(at) {
        return Err("the glue loads the main module outside __wbg_init_once".to_owned());
    }
    // The helper goes before __wbg_init_once (after the glue's own __wbg_load); the
    // replacement is inside it, so `at` still points where it did.
    let mut out = glue.replacen(GLUE_LOAD, GLUE_LOAD_RETRYING, 1);
    out.insert_str(at, &format!("{}\n", with_policy(GLUE_HELPER.trim_start())));
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
        let out = add_to_loader(LOADER).expect("rewritten");
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
        let out = add_to_loader(LOADER).expect("rewritten");
        assert!(out.starts_with("import { initSync } from \"./upstream.js\";\n"));
        let helper = out
            .find("async function instantiateRetrying")
            .expect("helper");
        assert!(helper < out.find("function makeLoad").expect("loader body"));
    }

    const GLUE: &str = "let wasm;
async function __wbg_load(module, imports) { return {}; }
async function __wbg_init_once(module_or_path) {
    const imports = __wbg_get_imports();

    if (typeof module_or_path === 'string' || (typeof Request === 'function' && module_or_path instanceof Request) || (typeof URL === 'function' && module_or_path instanceof URL)) {
        module_or_path = fetch(module_or_path);
    }

    const { instance, module } = await __wbg_load(await module_or_path, imports);

    return __wbg_finalize_init(instance, module);
}
";

    #[test]
    fn the_main_module_is_loaded_through_the_retrying_helper() {
        let out = add_to_glue(GLUE).expect("rewritten");
        assert!(out.contains(
            "const { instance, module } = await __upstream_load_retrying(module_or_path, imports);"
        ));
        assert!(!out.contains("module_or_path = fetch(module_or_path)"));
        let helper = out
            .find("async function __upstream_load_retrying")
            .expect("helper");
        assert!(helper < out.find("async function __wbg_init_once").expect("init"));
        assert!(out.contains("return __wbg_finalize_init(instance, module);"));
    }

    #[test]
    fn the_start_script_fetches_the_script_and_loader_with_retries_before_importing() {
        let out = start_script();
        assert!(!out.contains("{TRIES}") && !out.contains("{PAUSE_MS}"));
        assert!(out.contains(&format!("attempt >= {TRIES}")));
        assert!(out.contains(&format!("{PAUSE_MS} * 2 ** attempt")));
        let fetched = out.find("map(fetchRetrying)").expect("fetches first");
        let imported = out.find("import(script)").expect("then imports");
        assert!(fetched < imported);
        assert!(out.starts_with("(async (script, loader, mainModule, pageModules) =>"));
        assert!(out.trim_end().ends_with(')'));
    }

    #[test]
    fn the_start_script_asks_for_the_pages_module_after_the_scripts_and_before_starting() {
        let out = start_script();
        let imported = out.find("import(script)").expect("imports the glue");
        let asked = out
            .find("for (const href of pageModules")
            .expect("asks for the page's module");
        let started = out.find("glue.default(").expect("starts the main module");
        assert!(imported < asked && asked < started);
        // As the loader fetches them, so the preloads are used.
        for attribute in [
            r#"rel = "preload""#,
            r#"as = "fetch""#,
            r#"crossOrigin = """#,
        ] {
            assert!(out.contains(attribute), "{attribute}");
        }
    }

    #[test]
    fn a_glue_of_another_shape_is_refused() {
        assert!(add_to_glue("async function __wbg_init_once(m) {}").is_err());
        let twice = format!("{GLUE}{GLUE}");
        assert!(add_to_glue(&twice).is_err());
    }

    #[test]
    fn a_loader_of_another_shape_is_refused() {
        assert!(add_to_loader("import x from './y.js';\nconst a = 1;\n").is_err());
        let half = LOADER.replace(
            "return async (imports) => (WebAssembly.instantiateStreaming(src, imports));",
            "return async (imports) => WebAssembly.instantiate(src, imports);",
        );
        assert!(add_to_loader(&half).is_err());
    }
}
