//! The top floor's frame: the HTML document, the router and the list of pages.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

#[cfg(feature = "ssr")]
use crate::foundation::form_return::FormReturn;
use crate::foundation::form_return::META_NAME as FORM_RETURN_META;
use crate::foundation::ui::errors::NotFoundPage;
use crate::inbox::ui::provide_inbox;
use crate::pages::header::{provide_viewer, Header};
use crate::pages::routes::{
    login_page, show, AcceptInvitationRoute, AccountRoute, ChecklistRoute, ChecklistTemplateRoute,
    HistoryRoute, HomeRoute, InboxRoute, ItemRoute, MembersRoute, NewPlanRoute, OrganisationRoute,
    OrganisationsRoute, PeopleRoute, PlanAuditRoute, PlanRoute, PlanVersionRoute, PlansRoute,
    PlatformAuditRoute, ReviewQueueRoute, SectionRoute, TemplateRoute,
};

/// The stylesheet's address, provided by the server: its name carries a hash of its content
/// (see `scripts/build`), so browsers keep it until it changes.
#[derive(Debug, Clone)]
pub struct StylesheetHref(pub String);

/// The files of each group of pages' module (`pages::routes`), by group, as addresses: read by
/// the server from the bundle's split manifest. A page names its group's files for the browser
/// to fetch while the main module downloads instead of after it has run; without this the
/// first page waited a round trip more on a slow link.
#[derive(Debug, Clone, Default)]
pub struct PagePreloads(pub std::sync::Arc<std::collections::HashMap<String, Vec<String>>>);

/// How a page starts the browser bundle, provided by the server: the start script the build
/// wrote beside its hash file (the bundle step's `retries::start_script`: the script and the
/// splitter's loader fetched with retries before they are imported, then the page's module
/// fetched) and the addresses it is called with.
#[derive(Debug, Clone)]
pub struct BundleStart {
    /// The start script and its first three arguments, made once at start-up.
    head: std::sync::Arc<str>,
    glue: String,
    loader: Option<String>,
    main_module: String,
}

impl BundleStart {
    /// `script`, a JavaScript function expression taking `(script, loader, mainModule,
    /// pageModules)`, to be called with wasm-bindgen's glue (`upstream.<hash>.js`), the
    /// splitter's loader, which the glue imports (`None` for a bundle that was not split), the
    /// main module (`upstream.<hash>.wasm`) and, page by page, the files of the page's module
    /// ([`BundleStart::call`]).
    pub fn new(script: &str, glue: String, loader: Option<String>, main_module: String) -> Self {
        let head = format!(
            "{script}({}, {}, {}, ",
            js_text(&glue),
            loader
                .as_deref()
                .map(js_text)
                .unwrap_or_else(|| "null".to_owned()),
            js_text(&main_module),
        );
        BundleStart {
            head: head.into(),
            glue,
            loader,
            main_module,
        }
    }

    /// The call starting the bundle on a page whose module is `page_modules` (none for a page
    /// in the main module).
    pub fn call(&self, page_modules: &[String]) -> String {
        let modules: Vec<String> = page_modules.iter().map(|m| js_text(m)).collect();
        format!("{}[{}]);", self.head, modules.join(", "))
    }
}

/// `text` as a JavaScript string literal.
fn js_text(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "null".to_owned())
}

/// The whole document, rendered on the server for every page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let stylesheet = use_context::<StylesheetHref>()
        .map(|s| s.0)
        .unwrap_or_else(|| "/pkg/upstream.css".to_owned());
    // A fresh nonce per response: the Content-Security-Policy allows only scripts carrying it.
    #[cfg(feature = "ssr")]
    {
        leptos::nonce::provide_nonce();
        if let (Some(nonce), Some(response)) = (
            leptos::nonce::use_nonce(),
            use_context::<leptos_axum::ResponseOptions>(),
        ) {
            let policy = format!(
                "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
                 style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
                 frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
            );
            if let Ok(value) = http::HeaderValue::from_str(&policy) {
                response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
            }
        }
    }
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                // No icon file: saves every page a request on slow connections.
                <link rel="icon" href="data:," />
                <link rel="stylesheet" href=stylesheet />
                <StartScripts options />
                <FormReturnMeta />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// What starts the browser bundle: the build's start script when the server has it
/// ([`BundleStart`]), Leptos' own otherwise (a bundle built without it).
///
/// The stylesheet, the main module and the two scripts are preloaded from the head; the page's
/// module is asked for by the start script once it has the glue and the loader. Preloaded from
/// the head as well, the page's module (half the bytes) shared a slow link with everything the
/// page needs first from the start, and all of it arrived late together. Asked for later, it
/// still arrives with the main module's last bytes, but the stylesheet, the scripts and the
/// main module come sooner, and the main module starts while the page's module downloads. On
/// the bench's slow link a section page was hydrated 0.11 s sooner: 2.86 s (median of six runs,
/// 2.80-2.90) -> 2.75 s (median of twelve, eleven of them 2.69-2.79), the same bytes.
#[component]
fn StartScripts(options: LeptosOptions) -> impl IntoView {
    let page_modules = page_modules();
    let Some(start) = use_context::<BundleStart>() else {
        let preloads = page_modules
            .into_iter()
            .map(|href| {
                view! { <link rel="preload" href=href r#as="fetch" r#type="application/wasm" crossorigin="" /> }
            })
            .collect_view();
        return view! { <HydrationScripts options />{preloads} }.into_any();
    };
    let nonce = leptos::nonce::use_nonce();
    let call = start.call(&page_modules);
    // Fetched as the start script and the glue fetch them, so each preload is used.
    let scripts = std::iter::once(start.glue.clone()).chain(start.loader.clone());
    view! {
        <link rel="preload" href=start.main_module.clone() r#as="fetch" r#type="application/wasm" crossorigin="" />
        {scripts.map(|href| view! { <link rel="preload" href=href r#as="fetch" crossorigin="" /> }).collect_view()}
        <script type="module" nonce=nonce>{call}</script>
    }
    .into_any()
}

/// The files of the module that shows this address's page, as the split loader fetches them
/// (`fetch`, same-origin credentials: `crossorigin` anonymous); none in the browser, which
/// never renders the head.
#[cfg(feature = "ssr")]
fn page_modules() -> Vec<String> {
    use_context::<http::request::Parts>()
        .and_then(|parts| crate::pages::routes::group_of(parts.uri.path()))
        .zip(use_context::<PagePreloads>())
        .and_then(|(group, preloads)| preloads.0.get(group).cloned())
        .unwrap_or_default()
}

#[cfg(not(feature = "ssr"))]
fn page_modules() -> Vec<String> {
    Vec::new()
}

/// The error of a form posted without JavaScript that came back to this page, for the browser
/// bundle to show the same messages once it takes over (see `foundation::form_return`).
#[component]
fn FormReturnMeta() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let content = use_context::<http::request::Parts>().and_then(|p| {
        p.extensions
            .get::<FormReturn>()
            .map(FormReturn::meta_content)
    });
    #[cfg(not(feature = "ssr"))]
    let content: Option<String> = None;
    content.map(|content| view! { <meta name=FORM_RETURN_META content=content /> })
}

/// The application: header, then the page for the current address.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| document_title(&page) />
        <Router>
            <AppFrame />
        </Router>
    }
}

/// The document's title for a page titled `page` (often text people typed: a plan's or a
/// section's title). Every page's title passes through here, so this is the one place it is
/// escaped: on the server leptos_meta writes the title into `<title>` as it is, so a title
/// holding `</title><meta ...>` would add elements to every reader's page. In the browser the
/// same text is set as `document.title`, which is plain text, so it is left alone there (or
/// the tab would show `&lt;`).
pub fn document_title(page: &str) -> String {
    let title = if page.is_empty() {
        "Upstream".to_owned()
    } else {
        format!("{page} · Upstream")
    };
    if cfg!(feature = "ssr") {
        crate::foundation::ui::escape_text(&title)
    } else {
        title
    }
}

#[component]
fn AppFrame() -> impl IntoView {
    crate::foundation::live::client::provide_live();
    let viewer = provide_viewer();
    provide_inbox();
    let signed_in = Signal::derive(move || matches!(viewer.get(), Some(Some(_))));
    crate::foundation::ui::reclick::provide_reclicked();
    // Async SSR: every page waits for its data so the status code (403, 404) can still be set.
    view! {
        <Header />
        <main id="main" class="page">
            <crate::foundation::live::client::LiveChannel signed_in />
            <Routes fallback=|| show(NotFoundPage)>
                <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/login") view=login_page ssr=SsrMode::Async />
                <Route path=path!("/invite/:token") view={Lazy::<AcceptInvitationRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/account") view={Lazy::<AccountRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/organisations") view={Lazy::<OrganisationsRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/organisations/:id") view={Lazy::<OrganisationRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/people") view={Lazy::<PeopleRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/audit") view={Lazy::<PlatformAuditRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/template") view={Lazy::<TemplateRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/plans") view={Lazy::<PlansRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/inbox") view={Lazy::<InboxRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/reviews") view={Lazy::<ReviewQueueRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/plans/new") view={Lazy::<NewPlanRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/plans/:id") view={Lazy::<PlanRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/members") view={Lazy::<MembersRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/audit") view={Lazy::<PlanAuditRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/versions/:n") view={Lazy::<PlanVersionRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/sections/:section") view={Lazy::<SectionRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/sections/:section/history") view={Lazy::<HistoryRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/checklist") view={Lazy::<ChecklistRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/checklist/:item") view={Lazy::<ItemRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/admin/checklist-template") view={Lazy::<ChecklistTemplateRoute>::new()} ssr=SsrMode::Async />
            </Routes>
        </main>
        <footer class="site-footer">
            <p>"Upstream · country atrocity-prevention plans, written together."</p>
        </footer>
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::document_title;

    #[test]
    fn titles_written_by_the_server_cannot_close_the_title_element() {
        assert_eq!(
            document_title("A</title><meta http-equiv=\"refresh\"> & more"),
            "A&lt;/title&gt;&lt;meta http-equiv=\"refresh\"&gt; &amp; more · Upstream"
        );
        assert_eq!(document_title(""), "Upstream");
    }
}
