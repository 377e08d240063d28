//! The top floor's frame: the HTML document, the router and the list of pages.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, Lazy, LazyRoute, SsrMode};

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

/// The pages, by the module of the browser bundle their code is in.
#[derive(Debug, Clone, Copy)]
enum Page {
    Section,
    History,
    Plan,
    Members,
    PlanAudit,
    PlanVersion,
    Checklist,
    Item,
    Organisations,
    Organisation,
    People,
    PlatformAudit,
    Template,
    ChecklistTemplate,
    Home,
    Login,
    AcceptInvitation,
    Account,
    Plans,
    Inbox,
    ReviewQueue,
    NewPlan,
}

// The pages come in four lazily loaded modules, one per group below (`#[lazy]`): a page
// fetches the main module and its group's (the server names them in the page, so the browser
// fetches them side by side), and code the groups share comes in a few shared chunks. One
// module per page was tried first: the splitter then made a chunk for every set of pages
// sharing code, 368 files, and a section page needed 188 of them, each a request.

/// A section and its history: the editor, its preview and the comparison.
#[lazy]
fn section_pages(page: Page) -> AnyView {
    match page {
        Page::Section => untrack(|| SectionPage().into_any()),
        Page::History => untrack(|| HistoryPage().into_any()),
        _ => NotFoundPage().into_any(),
    }
}

/// A plan's pages: overview, members, audit, versions, checklist.
#[lazy]
fn plan_pages(page: Page) -> AnyView {
    match page {
        Page::Plan => untrack(|| PlanPage().into_any()),
        Page::Members => untrack(|| MembersPage().into_any()),
        Page::PlanAudit => untrack(|| PlanAuditPage().into_any()),
        Page::PlanVersion => untrack(|| PlanVersionPage().into_any()),
        Page::Checklist => untrack(|| ChecklistPage().into_any()),
        Page::Item => untrack(|| ItemPage().into_any()),
        _ => NotFoundPage().into_any(),
    }
}

/// Administration: organisations, people, the audit trail, templates.
#[lazy]
fn admin_pages(page: Page) -> AnyView {
    match page {
        Page::Organisations => untrack(|| OrganisationsPage().into_any()),
        Page::Organisation => untrack(|| OrganisationPage().into_any()),
        Page::People => untrack(|| PeoplePage().into_any()),
        Page::PlatformAudit => untrack(|| PlatformAuditPage().into_any()),
        Page::Template => untrack(|| TemplatePage().into_any()),
        Page::ChecklistTemplate => untrack(|| ChecklistTemplatePage().into_any()),
        _ => NotFoundPage().into_any(),
    }
}

/// The signed-in person's pages and the ways in: home, login, invitation, account, plans, inbox, reviews, a new plan.
#[lazy]
fn personal_pages(page: Page) -> AnyView {
    match page {
        Page::Home => untrack(|| HomePage().into_any()),
        Page::Login => untrack(|| LoginPage().into_any()),
        Page::AcceptInvitation => untrack(|| AcceptInvitationPage().into_any()),
        Page::Account => untrack(|| AccountPage().into_any()),
        Page::Plans => untrack(|| PlansPage().into_any()),
        Page::Inbox => untrack(|| InboxPage().into_any()),
        Page::ReviewQueue => untrack(|| ReviewQueuePage().into_any()),
        Page::NewPlan => untrack(|| NewPlanPage().into_any()),
        _ => NotFoundPage().into_any(),
    }
}

/// A route showing `$page` from its group's module.
macro_rules! page_route {
    ($route:ident, $group:ident, $page:ident) => {
        struct $route;

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                let view = $group(Page::$page).await;
                Effect::new(|_| mark_hydrated());
                view
            }
        }
    };
}

page_route!(SectionRoute, section_pages, Section);
page_route!(HistoryRoute, section_pages, History);
page_route!(PlanRoute, plan_pages, Plan);
page_route!(MembersRoute, plan_pages, Members);
page_route!(PlanAuditRoute, plan_pages, PlanAudit);
page_route!(PlanVersionRoute, plan_pages, PlanVersion);
page_route!(ChecklistRoute, plan_pages, Checklist);
page_route!(ItemRoute, plan_pages, Item);
page_route!(OrganisationsRoute, admin_pages, Organisations);
page_route!(OrganisationRoute, admin_pages, Organisation);
page_route!(PeopleRoute, admin_pages, People);
page_route!(PlatformAuditRoute, admin_pages, PlatformAudit);
page_route!(TemplateRoute, admin_pages, Template);
page_route!(ChecklistTemplateRoute, admin_pages, ChecklistTemplate);
page_route!(HomeRoute, personal_pages, Home);
page_route!(LoginRoute, personal_pages, Login);
page_route!(AcceptInvitationRoute, personal_pages, AcceptInvitation);
page_route!(AccountRoute, personal_pages, Account);
page_route!(PlansRoute, personal_pages, Plans);
page_route!(InboxRoute, personal_pages, Inbox);
page_route!(ReviewQueueRoute, personal_pages, ReviewQueue);
page_route!(NewPlanRoute, personal_pages, NewPlan);

/// Marks the document once a page is hydrated: `data-hydrated` on `<html>`, holding the
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
    // Async SSR: every page waits for its data so the status code (403, 404) can still be set.
    view! {
        <Header />
        <main id="main" class="page">
            <Routes fallback=NotFoundPage>
                <Route path=path!("/") view={Lazy::<HomeRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
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
