//! The top floor's frame: the HTML document, the router and the list of pages.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};

use crate::admin::ui::OrganisationsPage;
use crate::auth::ui::{AccountPage, LoginPage};
use crate::checklist::ui::{ChecklistPage, ChecklistTemplatePage, ItemPage};
use crate::foundation::ui::errors::NotFoundPage;
use crate::inbox::ui::{provide_inbox, InboxPage};
use crate::invitations::ui::AcceptInvitationPage;
use crate::pages::audit::ui::{PlanAuditPage, PlatformAuditPage};
use crate::pages::header::{provide_viewer, Header};
use crate::pages::home::HomePage;
use crate::pages::members::MembersPage;
use crate::pages::organisation::OrganisationPage;
use crate::pages::people::PeoplePage;
use crate::pages::plan::PlanPage;
use crate::pages::section::SectionPage;
use crate::plans::ui::{NewPlanPage, PlansPage, TemplatePage};
use crate::reviews::ui::{PlanVersionPage, ReviewQueuePage};
use crate::sections::ui::HistoryPage;

/// The stylesheet's address, provided by the server: its name carries a hash of its content
/// (see `scripts/build`), so browsers keep it until it changes.
#[derive(Debug, Clone)]
pub struct StylesheetHref(pub String);

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
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: header, then the page for the current address.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Upstream".to_owned() } else { format!("{page} · Upstream") }
        } />
        <Router>
            <AppFrame />
        </Router>
    }
}

/// Marks the document once the page is hydrated: `data-hydrated` on `<html>`, holding the
/// milliseconds since the navigation started (the browser benchmark reads it).
fn mark_hydrated() {
    #[cfg(feature = "hydrate")]
    if let Some(root) = document().document_element() {
        let ms = window().performance().map(|p| p.now()).unwrap_or_default();
        let _ = root.set_attribute("data-hydrated", &format!("{ms:.0}"));
    }
}

#[component]
fn AppFrame() -> impl IntoView {
    provide_viewer();
    provide_inbox();
    Effect::new(|_| mark_hydrated());
    // Async SSR: every page waits for its data so the status code (403, 404) can still be set.
    view! {
        <Header />
        <main id="main" class="page">
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                <Route path=path!("/invite/:token") view=AcceptInvitationPage ssr=SsrMode::Async />
                <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async />
                <Route path=path!("/admin/organisations") view=OrganisationsPage ssr=SsrMode::Async />
                <Route path=path!("/admin/organisations/:id") view=OrganisationPage ssr=SsrMode::Async />
                <Route path=path!("/admin/people") view=PeoplePage ssr=SsrMode::Async />
                <Route path=path!("/admin/audit") view=PlatformAuditPage ssr=SsrMode::Async />
                <Route path=path!("/admin/template") view=TemplatePage ssr=SsrMode::Async />
                <Route path=path!("/plans") view=PlansPage ssr=SsrMode::Async />
                <Route path=path!("/inbox") view=InboxPage ssr=SsrMode::Async />
                <Route path=path!("/reviews") view=ReviewQueuePage ssr=SsrMode::Async />
                <Route path=path!("/plans/new") view=NewPlanPage ssr=SsrMode::Async />
                <Route path=path!("/plans/:id") view=PlanPage ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/members") view=MembersPage ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/audit") view=PlanAuditPage ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/versions/:n") view=PlanVersionPage ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/sections/:section") view=SectionPage ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/sections/:section/history") view=HistoryPage ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/checklist") view=ChecklistPage ssr=SsrMode::Async />
                <Route path=path!("/plans/:id/checklist/:item") view=ItemPage ssr=SsrMode::Async />
                <Route path=path!("/admin/checklist-template") view=ChecklistTemplatePage ssr=SsrMode::Async />
            </Routes>
        </main>
        <footer class="site-footer">
            <p>"Upstream · country atrocity-prevention plans, written together."</p>
        </footer>
    }
}
