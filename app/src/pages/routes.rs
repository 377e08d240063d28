//! Every page as a lazily loaded route: the browser fetches a page's code when the page is
//! first shown, not with the rest of the bundle.
//!
//! The pages come in four modules, one per group below (`#[lazy]`): a page needs the main
//! module and its group's, and code the groups share goes into a few shared chunks. A module
//! per page was tried first: the splitter then made a chunk for every set of pages sharing
//! code (368 files, 188 of them for a section page, each a request).
//!
//! The login page is not lazy: it is the first page anyone loads (a signed-out visit to any
//! page is redirected to it), every day on a shared computer, with an empty cache and often on
//! a slow link. In the person's group it brought that module and its chunks with it (410 KB on
//! the wire); in the main module it adds about 12 KB (brotli) to it, which the other pages
//! get back from smaller shared chunks, since they use the same fields. A group of its own was
//! tried: the splitter then cut the shared code into more chunks, and a section page fetched
//! five more files and 12 KB more. Accepting an invitation, a first page once per person,
//! stays in the person's group: in the main module it would cost every page more (its
//! action's client, its resource).
//!
//! A route must load its group in `preload` as well as in `view`: the router waits for
//! `preload` before it hydrates the page, and then expects the view at once. A route that only
//! loaded its code in `view` hydrated an empty placeholder where the server had rendered the
//! page, and hydration failed.
//!
//! The bundle hydrates the first page while its module loads (the router finds the module),
//! and links and forms stay plain HTML until it is done
//! (`foundation::ui::before_hydration`).

use leptos::prelude::*;
use leptos_router::LazyRoute;

use crate::admin::ui::OrganisationsPage;
use crate::auth::ui::{AccountPage, LoginPage};
use crate::checklist::ui::{ChecklistPage, ChecklistTemplatePage, ItemPage};
use crate::foundation::form_return::provide_form_return;
use crate::foundation::ui::errors::NotFoundPage;
use crate::inbox::ui::InboxPage;
use crate::invitations::ui::AcceptInvitationPage;
use crate::pages::audit::ui::{PlanAuditPage, PlatformAuditPage};
use crate::pages::home::HomePage;
use crate::pages::members::MembersPage;
use crate::pages::organisation::OrganisationPage;
use crate::pages::people::PeoplePage;
use crate::pages::plan::PlanPage;
use crate::pages::section::SectionPage;
use crate::plans::ui::{NewPlanPage, PlansPage, TemplatePage};
use crate::reviews::ui::{PlanVersionPage, ReviewQueuePage};
use crate::sections::ui::HistoryPage;

/// The pages, each named by the route that shows it.
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
    AcceptInvitation,
    Account,
    Plans,
    Inbox,
    ReviewQueue,
    NewPlan,
}

/// Shows `page` under the error of the form that came back to it (and never one from the
/// address). Every page goes through here, the shell's page for no route too.
pub fn show<V: IntoView + 'static>(view: fn() -> V) -> AnyView {
    provide_form_return();
    view().into_any()
}

/// A section and its history: the editor, its preview, the threads and the comparison.
#[lazy]
fn section_pages(page: Page) -> AnyView {
    match page {
        Page::Section => show(SectionPage),
        Page::History => show(HistoryPage),
        _ => show(NotFoundPage),
    }
}

/// A plan's other pages: overview, members, audit, approved versions, checklist.
#[lazy]
fn plan_pages(page: Page) -> AnyView {
    match page {
        Page::Plan => show(PlanPage),
        Page::Members => show(MembersPage),
        Page::PlanAudit => show(PlanAuditPage),
        Page::PlanVersion => show(PlanVersionPage),
        Page::Checklist => show(ChecklistPage),
        Page::Item => show(ItemPage),
        _ => show(NotFoundPage),
    }
}

/// Administration: organisations, people, the platform's audit trail, the templates.
#[lazy]
fn admin_pages(page: Page) -> AnyView {
    match page {
        Page::Organisations => show(OrganisationsPage),
        Page::Organisation => show(OrganisationPage),
        Page::People => show(PeoplePage),
        Page::PlatformAudit => show(PlatformAuditPage),
        Page::Template => show(TemplatePage),
        Page::ChecklistTemplate => show(ChecklistTemplatePage),
        _ => show(NotFoundPage),
    }
}

/// The person's own pages: home, account, plans, inbox, reviews, a new plan.
#[lazy]
fn personal_pages(page: Page) -> AnyView {
    match page {
        Page::Home => show(HomePage),
        Page::AcceptInvitation => show(AcceptInvitationPage),
        Page::Account => show(AccountPage),
        Page::Plans => show(PlansPage),
        Page::Inbox => show(InboxPage),
        Page::ReviewQueue => show(ReviewQueuePage),
        Page::NewPlan => show(NewPlanPage),
        _ => show(NotFoundPage),
    }
}

/// The login page, in the main module (see above).
pub fn login_page() -> AnyView {
    show(LoginPage)
}

/// The routes showing pages from one group's module, each `Route => Page`.
macro_rules! page_routes {
    ($group:ident, $preload:ident: $($route:ident => $page:ident),+ $(,)?) => {$(
        #[doc = concat!("The route of `Page::", stringify!($page), "`.")]
        pub struct $route;

        impl $route {
            /// The group whose module holds this route's page.
            pub const GROUP: &'static str = stringify!($group);
        }

        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            async fn view(_this: Self) -> AnyView {
                $group(Page::$page).await
            }

            async fn preload() {
                #[cfg(feature = "hydrate")]
                $preload().await;
            }
        }
    )+};
}

page_routes!(section_pages, __preload_section_pages:
    SectionRoute => Section,
    HistoryRoute => History,
);
page_routes!(plan_pages, __preload_plan_pages:
    PlanRoute => Plan,
    MembersRoute => Members,
    PlanAuditRoute => PlanAudit,
    PlanVersionRoute => PlanVersion,
    ChecklistRoute => Checklist,
    ItemRoute => Item,
);
page_routes!(admin_pages, __preload_admin_pages:
    OrganisationsRoute => Organisations,
    OrganisationRoute => Organisation,
    PeopleRoute => People,
    PlatformAuditRoute => PlatformAudit,
    TemplateRoute => Template,
    ChecklistTemplateRoute => ChecklistTemplate,
);
page_routes!(personal_pages, __preload_personal_pages:
    HomeRoute => Home,
    AcceptInvitationRoute => AcceptInvitation,
    AccountRoute => Account,
    PlansRoute => Plans,
    InboxRoute => Inbox,
    ReviewQueueRoute => ReviewQueue,
    NewPlanRoute => NewPlan,
);

/// The group whose module shows the page at `path` (an address's path, without its query),
/// or `None` where the page is in the main module (login) or no route matches: the server
/// names that group's files in the page so the browser fetches them while the main module
/// downloads rather than after it has run (see `shell::PagePreloads`). It follows the routes in `shell::AppFrame`; a test below holds
/// each route's path to its group.
pub fn group_of(path: &str) -> Option<&'static str> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let group = match parts.as_slice() {
        [""] | ["account"] | ["plans"] | ["inbox"] | ["reviews"] | ["plans", "new"] => {
            PlansRoute::GROUP
        }
        ["plans", _, "sections", _] | ["plans", _, "sections", _, "history"] => SectionRoute::GROUP,
        ["plans", _]
        | ["plans", _, "members" | "audit" | "checklist"]
        | ["plans", _, "versions" | "checklist", _] => PlanRoute::GROUP,
        ["admin", "organisations" | "people" | "audit" | "template" | "checklist-template"]
        | ["admin", "organisations", _] => PeopleRoute::GROUP,
        _ => return None,
    };
    Some(group)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_route_path_names_the_group_of_its_page() {
        let routes = [
            ("/", HomeRoute::GROUP),
            ("/account", AccountRoute::GROUP),
            ("/admin/organisations", OrganisationsRoute::GROUP),
            ("/admin/organisations/3", OrganisationRoute::GROUP),
            ("/admin/people", PeopleRoute::GROUP),
            ("/admin/audit", PlatformAuditRoute::GROUP),
            ("/admin/template", TemplateRoute::GROUP),
            ("/plans", PlansRoute::GROUP),
            ("/inbox", InboxRoute::GROUP),
            ("/reviews", ReviewQueueRoute::GROUP),
            ("/plans/new", NewPlanRoute::GROUP),
            ("/plans/1", PlanRoute::GROUP),
            ("/plans/1/members", MembersRoute::GROUP),
            ("/plans/1/audit", PlanAuditRoute::GROUP),
            ("/plans/1/versions/2", PlanVersionRoute::GROUP),
            ("/plans/1/sections/2", SectionRoute::GROUP),
            ("/plans/1/sections/2/history", HistoryRoute::GROUP),
            ("/plans/1/checklist", ChecklistRoute::GROUP),
            ("/plans/1/checklist/4", ItemRoute::GROUP),
            ("/admin/checklist-template", ChecklistTemplateRoute::GROUP),
        ];
        for (path, group) in routes {
            assert_eq!(group_of(path), Some(group), "{path}");
        }
    }

    #[test]
    fn the_login_page_names_no_group_as_it_is_in_the_main_module() {
        assert_eq!(group_of("/login"), None);
        assert_eq!(group_of("/login/"), None);
    }

    #[test]
    fn an_address_no_route_matches_names_no_group() {
        for path in [
            "/nowhere",
            "/plans/1/sections",
            "/admin",
            "/plans/1/x/y/z/w",
        ] {
            assert_eq!(group_of(path), None, "{path}");
        }
    }
}
