//! Text one person types is shown to everyone else as text, never as markup: a hostile string
//! goes into every field a person can fill, and every page of the app (every route in
//! `app/src/shell.rs`, as someone who may see it) is rendered with it, head included.

use app::admin::api::{CreateOrganisation, UpdateOrganisation};
use app::checklist::api::{AddChecklistItem, AddEvidence, UpdateChecklistItem};
use app::checklist::template_api::AddChecklistTemplateItem;
use app::comments::api::{ReplyToThread, StartThread};
use app::invitations::api::{AcceptInvitation, Invite, InviteToPlan};
use app::plans::api::{AddTemplateSection, CreatePlan, Plan};
use app::reviews::api::{ApprovePlan, ApproveSection, RequestChanges, SubmitForReview};
use app::sections::api::{AddSection, RenameSection, SetSectionRemoved, SetSectionTags};
use reqwest::{Client, Url};

use crate::helpers::{item_update, section_save, spawn_app, TestApp, PASSWORD};

/// What marks the start of every hostile string, so a page can be searched for the ones it
/// shows (nothing else in the app contains it).
const MARK: char = '§';

/// A string that is harmless as text and harmful as markup, `§` and `tag` first (so a leak
/// says which field it came from): it leaves a quoted attribute either way, closes the title
/// and a textarea, then opens a refresh, an image with a handler, a script and a
/// `javascript:` link. 119 characters, within the shortest name limit (120).
fn hostile(tag: char) -> String {
    format!(
        "{MARK}{tag}\"'></title></textarea><meta http-equiv=refresh content=0>\
         <img src=x onerror=x><script>x</script><a href=javascript:x>"
    )
}

/// The same in an email address, which may hold no spaces.
fn hostile_email(tag: char) -> String {
    format!("{MARK}{tag}\"'></title><img/src=x/onerror=x><script>x</script>@evil.example")
}

/// What in `html` is markup a hostile string made: an element or attribute the app never
/// writes itself. Text `<` is escaped as `&lt;` and quotes in attribute values as `&quot;` (the
/// page's data for the browser is base64, with no text in it), so every literal `<` opens a
/// real tag and every attribute read here is a real attribute.
fn injected_markup(html: &str) -> Vec<String> {
    let lower = html.to_lowercase();
    let mut found = Vec::new();
    for marker in [
        "<meta http-equiv",
        "<img src=x",
        "<img/src=x",
        "<script>x",
        "<a href=javascript:",
        "</title></textarea>",
    ] {
        if lower.contains(marker) {
            found.push(format!("raw {marker:?}"));
        }
    }
    let mut rest = lower.as_str();
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        let closing = rest.starts_with('/');
        let body = rest.trim_start_matches('/');
        let name: String = body
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        if name.is_empty() || closing {
            continue;
        }
        let attributes = attributes(&body[name.len()..]);
        let bad_attribute = attributes.iter().find(|(a, v)| {
            a.starts_with("on")
                || (matches!(a.as_str(), "href" | "src" | "action" | "formaction")
                    && v.trim_start().starts_with("javascript:"))
                || a == "http-equiv"
        });
        let script_without_nonce =
            name == "script" && !attributes.iter().any(|(a, _)| a == "nonce");
        if name == "img" || script_without_nonce || bad_attribute.is_some() {
            found.push(format!("<{name} {attributes:?}>"));
        }
    }
    for element in ["title", "textarea"] {
        let opened = lower.matches(&format!("<{element}")).count();
        let closed = lower.matches(&format!("</{element}>")).count();
        if opened != closed {
            found.push(format!("{opened} <{element}> but {closed} </{element}>"));
        }
    }
    if lower.matches("<title").count() > 1 {
        found.push("more than one <title>".into());
    }
    found
}

/// The attributes at the start of `tag` (what follows an element's name), read as a browser
/// reads them, up to the `>` that ends the tag.
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut chars = tag.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace() || *c == '/').is_some() {}
        let mut name = String::new();
        while let Some(c) = chars.next_if(|c| !c.is_whitespace() && !"/>=".contains(*c)) {
            name.push(c);
        }
        if name.is_empty() {
            return out;
        }
        let mut value = String::new();
        if chars.next_if_eq(&'=').is_some() {
            match chars.next_if(|c| *c == '"' || *c == '\'') {
                Some(quote) => value.extend(chars.by_ref().take_while(|c| *c != quote)),
                None => {
                    while let Some(c) = chars.next_if(|c| !c.is_whitespace() && *c != '>') {
                        value.push(c);
                    }
                }
            }
        }
        out.push((name, value));
    }
}

/// The tags of the hostile strings `html` shows (as text). The page's data for the browser is
/// base64 (`app::encoding`), so what only rides there is not found.
fn shown(html: &str) -> String {
    let mut tags: Vec<char> = html
        .split(MARK)
        .skip(1)
        .filter_map(|rest| rest.chars().next())
        .collect();
    tags.sort_unstable();
    tags.dedup();
    tags.into_iter().collect()
}

/// `path` with `pairs` as its query string, encoded as a browser would.
fn with_query(path: &str, pairs: &[(&str, &str)]) -> String {
    let mut url = Url::parse("http://x").expect("base");
    url.set_path(path);
    url.query_pairs_mut().extend_pairs(pairs);
    format!("{}?{}", url.path(), url.query().unwrap_or(""))
}

/// A link's token.
fn token_of(link: &str) -> String {
    link.rsplit('/').next().expect("token").to_owned()
}

struct World {
    admin: Client,
    lead: Client,
    reviewer: Client,
    anonymous: Client,
    org: i64,
    plan: i64,
    /// A section from the hostile template section: changes requested, with a hostile reason.
    from_template: i64,
    /// A section added with a hostile title: waiting for review, with a comment thread.
    added: i64,
    item: i64,
    /// A pending invitation onto the plan.
    token: String,
}

async fn version_of(app: &TestApp, section: i64) -> i64 {
    app.count(&format!(
        "SELECT version FROM sections WHERE id = {section}"
    ))
    .await
}

/// Saves `body` into `section` as `who`, on its current version; returns the new version.
async fn save(app: &TestApp, who: &Client, plan: i64, section: i64, body: &str) -> i64 {
    let base = version_of(app, section).await;
    app.call(who, section_save(plan, section, base, body))
        .await
        .expect("section saved");
    version_of(app, section).await
}

/// Invites `email` as `display_name` (into `org` as its admin, when given) as `admin`, and
/// accepts with `chosen_name`: a logged-in client for the new account.
async fn invited(
    app: &TestApp,
    admin: &Client,
    email: &str,
    display_name: &str,
    org: i64,
    chosen_name: &str,
) -> Client {
    let invite = Invite {
        email: email.into(),
        display_name: display_name.into(),
        platform_role: Some("member".into()),
        organisation_id: Some(org.to_string()),
        organisation_role: Some("admin".into()),
    };
    let created = app.call(admin, invite).await.expect("invited");
    let client = app.client();
    let accept = AcceptInvitation {
        token: token_of(&created.link),
        display_name: chosen_name.into(),
        password: PASSWORD.into(),
        password_confirm: PASSWORD.into(),
    };
    app.call(&client, accept).await.expect("accepted");
    client
}

async fn organisation(app: &TestApp, admin: &Client, tag: char, kind: &str) -> i64 {
    let create = CreateOrganisation {
        name: hostile(tag),
        kind: kind.into(),
        country: "SL".into(),
    };
    app.call(admin, create).await.expect("organisation created")
}

/// Everything a person can type, typed hostile: names of organisations and people (as invited
/// and as chosen), the template's sections (title, guidance) and checklist items, a plan's
/// title and summary, sections' titles, bodies and tags, checklist item text, N/A reason,
/// responsible person and evidence, comments, a change request's reason, and invitations'
/// names and emails. Then a plan version, a review request and inbox items, so every page has
/// something to show.
async fn world(app: &TestApp) -> World {
    let admin = app.admin().await;
    let org = organisation(app, &admin, 'o', "government").await;
    let donor = organisation(app, &admin, 'p', "donor").await;
    let rename = UpdateOrganisation {
        id: donor,
        name: hostile('q'),
        kind: "donor".into(),
        country: "NO".into(),
    };
    app.call(&admin, rename)
        .await
        .expect("organisation renamed");
    let template_section = AddTemplateSection {
        title: hostile('t'),
        guidance: hostile('g'),
        psgs: "1".into(),
        pillars: "1".into(),
    };
    app.call(&admin, template_section)
        .await
        .expect("template section added");
    let template_item = AddChecklistTemplateItem {
        text: hostile('k'),
        psg: "1".into(),
        pillar: "1".into(),
        risk_factors: "1".into(),
    };
    app.call(&admin, template_item)
        .await
        .expect("template item added");

    let lead = invited(
        app,
        &admin,
        "lead@example.org",
        &hostile('n'),
        org,
        &hostile('l'),
    )
    .await;
    let reviewer = invited(
        app,
        &admin,
        "reviewer@example.org",
        &hostile('m'),
        donor,
        &hostile('r'),
    )
    .await;
    // A platform invitation left pending, with a hostile email and name.
    let pending = Invite {
        email: hostile_email('e'),
        display_name: hostile('i'),
        platform_role: Some("member".into()),
        organisation_id: Some(org.to_string()),
        organisation_role: Some("member".into()),
    };
    app.call(&admin, pending).await.expect("invited");

    let create = CreatePlan {
        country: "SL".into(),
        title: hostile('a'),
        summary: hostile('s'),
        period_start: "2026".into(),
        period_end: "2030".into(),
        fragility_stage: "2".into(),
        lead_org_id: org.to_string(),
        use_template: Some("yes".into()),
    };
    let plan = app.call(&lead, create).await.expect("plan created");
    app.grant(&lead, plan, "reviewer@example.org", "reviewer")
        .await;
    let to_plan = InviteToPlan {
        plan_id: plan,
        email: hostile_email('f'),
        display_name: hostile('j'),
        role: "editor".into(),
    };
    let token = token_of(&app.call(&lead, to_plan).await.expect("invited").link);

    let add = |title: String| AddSection {
        plan_id: plan,
        title,
    };
    let added = app.call(&lead, add(hostile('x'))).await.expect("added");
    let rename = RenameSection {
        plan_id: plan,
        section_id: added,
        title: hostile('y'),
    };
    app.call(&lead, rename).await.expect("renamed");
    let removed = app.call(&lead, add(hostile('z'))).await.expect("added");
    let remove = SetSectionRemoved {
        plan_id: plan,
        section_id: removed,
        remove: true,
    };
    app.call(&lead, remove).await.expect("removed");
    let tag = || Some(hostile('u'));
    let tags = SetSectionTags {
        plan_id: plan,
        section_id: added,
        psg1: tag(),
        psg2: None,
        psg3: None,
        psg4: None,
        psg5: None,
        pillar1: tag(),
        pillar2: None,
        pillar3: None,
    };
    app.call(&lead, tags).await.expect("tagged");

    let item = AddChecklistItem {
        plan_id: plan,
        text: hostile('c'),
        psg: "2".into(),
        pillar: "2".into(),
        risk_factors: "2".into(),
    };
    let item = app.call(&lead, item).await.expect("item added");
    let update = UpdateChecklistItem {
        status: Some("not_applicable".into()),
        na_reason: Some(hostile('w')),
        responsible_org_id: Some(org.to_string()),
        responsible_person: Some(hostile('h')),
        due_date: Some("2027-03-31".into()),
        ..item_update(plan, item, 1)
    };
    app.call(&lead, update).await.expect("item updated");
    let evidence = AddEvidence {
        plan_id: plan,
        item_id: item,
        note: hostile('v'),
        url: "https://example.org/?q='onmouseover=x//".into(),
    };
    app.call(&lead, evidence).await.expect("evidence added");

    // Every section approved, then the plan: version 1.
    let overview = app.call(&lead, Plan { plan_id: plan }).await.expect("plan");
    let from_template = overview
        .sections
        .iter()
        .find(|s| s.title == hostile('t'))
        .expect("the template's hostile section")
        .id;
    for section in overview.sections.iter().map(|s| s.id) {
        let body = format!(
            "Plain words to quote.\n\n{}\n\n{}",
            hostile('b'),
            hostile('b')
        );
        let version = save(app, &lead, plan, section, &body).await;
        let submit = SubmitForReview {
            plan_id: plan,
            section_id: section,
            version,
        };
        app.call(&lead, submit).await.expect("submitted");
        let approve = ApproveSection {
            plan_id: plan,
            section_id: section,
            version,
            kind: None,
        };
        app.call(&reviewer, approve).await.expect("approved");
    }
    let approved = app.call(&lead, ApprovePlan { plan_id: plan }).await;
    assert_eq!(approved, Ok(1), "plan approved");

    // After the version: changes requested on one section, another waiting for review.
    let version = save(app, &lead, plan, from_template, &hostile('b')).await;
    let submit = SubmitForReview {
        plan_id: plan,
        section_id: from_template,
        version,
    };
    app.call(&lead, submit).await.expect("submitted");
    let changes = RequestChanges {
        plan_id: plan,
        section_id: from_template,
        version,
        reason: hostile('d'),
    };
    app.call(&reviewer, changes)
        .await
        .expect("changes requested");
    let version = save(app, &lead, plan, added, "Plain words to quote.\n\nMore.").await;
    let submit = SubmitForReview {
        plan_id: plan,
        section_id: added,
        version,
    };
    app.call(&lead, submit).await.expect("submitted");

    // A thread on a passage, and a reply that mentions the lead: items in both inboxes.
    let thread = StartThread {
        plan_id: plan,
        section_id: added,
        body: hostile('1'),
        quote: Some("Plain words to quote.".into()),
        prefix: Some(String::new()),
        suffix: Some(String::new()),
    };
    let thread = app.call(&lead, thread).await.expect("thread started");
    let reply = ReplyToThread {
        plan_id: plan,
        section_id: added,
        thread_id: thread,
        body: format!("@lead@example.org {}", hostile('2')),
    };
    app.call(&reviewer, reply).await.expect("replied");

    World {
        admin,
        lead,
        reviewer,
        anonymous: app.client(),
        org,
        plan,
        from_template,
        added,
        item,
        token,
    }
}

/// Every page as someone who may see it, with the hostile strings it must show (by tag): the
/// check that the fixture reached the page.
fn pages(w: &World) -> Vec<(String, &Client, &'static str)> {
    let (plan, org) = (w.plan, w.org);
    let section = |s: i64| format!("/plans/{plan}/sections/{s}");
    let typed = hostile('U');
    let typed = typed.as_str();
    vec![
        ("/".into(), &w.lead, "lo"),
        ("/login".into(), &w.anonymous, ""),
        (with_query("/login", &[("next", typed)]), &w.anonymous, ""),
        (format!("/invite/{}", w.token), &w.anonymous, "afj"),
        ("/account".into(), &w.lead, "l"),
        ("/admin/organisations".into(), &w.admin, "oq"),
        (format!("/admin/organisations/{org}"), &w.admin, "lo"),
        (format!("/admin/organisations/{org}"), &w.lead, "lo"),
        ("/admin/people".into(), &w.admin, "efijloqr"),
        // Plan content (a, d, x, y, z) is withheld from an administrator without a role on
        // the plan; the plan's own trail below shows it to its lead.
        ("/admin/audit".into(), &w.admin, "elopqr"),
        (
            with_query(
                "/admin/audit",
                &[("person", typed), ("kind", typed), ("from", typed)],
            ),
            &w.admin,
            "",
        ),
        ("/admin/template".into(), &w.admin, "gt"),
        ("/admin/checklist-template".into(), &w.admin, "k"),
        ("/plans".into(), &w.lead, "alo"),
        ("/plans".into(), &w.admin, "ao"),
        (with_query("/plans", &[("country", typed)]), &w.lead, ""),
        ("/inbox".into(), &w.lead, "2alry"),
        ("/inbox".into(), &w.reviewer, "alrty"),
        ("/reviews".into(), &w.reviewer, "ary"),
        ("/plans/new".into(), &w.lead, "lot"),
        (format!("/plans/{plan}"), &w.lead, "alostyz"),
        (format!("/plans/{plan}/members"), &w.lead, "aloqr"),
        (format!("/plans/{plan}/audit"), &w.lead, "adflrxyz"),
        (
            with_query(&format!("/plans/{plan}/audit"), &[("person", typed)]),
            &w.lead,
            "",
        ),
        (format!("/plans/{plan}/versions/1"), &w.lead, "abckltwy"),
        (section(w.from_template), &w.lead, "abdglort"),
        (section(w.added), &w.lead, "12alory"),
        (section(w.added), &w.reviewer, "12alory"),
        (format!("{}/history", section(w.added)), &w.lead, "aloy"),
        (
            with_query(
                &format!("{}/history", section(w.added)),
                &[("from", typed), ("to", typed)],
            ),
            &w.lead,
            "y",
        ),
        (format!("/plans/{plan}/checklist"), &w.lead, "achklow"),
        (
            with_query(
                &format!("/plans/{plan}/checklist"),
                &[("org", typed), ("status", typed), ("psg", typed)],
            ),
            &w.lead,
            "",
        ),
        (
            format!("/plans/{plan}/checklist/{}", w.item),
            &w.lead,
            "achlotvwy",
        ),
        (with_query("/no-such-page", &[("q", typed)]), &w.lead, ""),
    ]
}

/// `path` short enough to read in a failure (hostile query strings are long).
fn short(path: &str) -> String {
    let mut short: String = path.chars().take(60).collect();
    if short.len() < path.len() {
        short.push_str("...");
    }
    short
}

/// The route patterns of `app/src/shell.rs`.
fn routes() -> Vec<String> {
    include_str!("../../../app/src/shell.rs")
        .split("path!(\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect()
}

fn matches_route(pattern: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    let (p, q): (Vec<_>, Vec<_>) = (pattern.split('/').collect(), path.split('/').collect());
    p.len() == q.len()
        && p.iter()
            .zip(&q)
            .all(|(p, q)| p == q || (p.starts_with(':') && !q.is_empty()))
}

#[tokio::test]
async fn hostile_text_typed_into_any_field_is_shown_as_text_on_every_page() {
    let app = spawn_app().await;
    assert!(hostile('x').chars().count() <= 120);
    let w = world(&app).await;
    let pages = pages(&w);
    for route in routes() {
        assert!(
            pages.iter().any(|(path, ..)| matches_route(&route, path)),
            "no page of route {route} is checked"
        );
    }
    let mut failures = Vec::new();
    for (path, client, expected) in &pages {
        let (status, html) = app.page(client, path).await;
        let fine = if path.starts_with("/no-such-page") {
            status == 404
        } else {
            status == 200
        };
        if !fine {
            failures.push(format!("{}: status {status}", short(path)));
            continue;
        }
        for problem in injected_markup(&html) {
            failures.push(format!("{}: {problem}", short(path)));
        }
        let shown = shown(&html);
        if let Some(missing) = expected.chars().find(|t| !shown.contains(*t)) {
            failures.push(format!(
                "{}: the text tagged {missing} is not shown (shown: {shown})",
                short(path)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_checker_tells_injected_markup_from_escaped_text() {
    let escaped = "<html><head><title>&lt;/title&gt;&lt;img src=x onerror=x&gt;</title></head>\
                   <body><textarea>&lt;/textarea&gt;</textarea><script nonce=\"n\">a(\"\\u003cimg\")</script>\
                   <input value=\"&quot;&gt;&lt;img src=x&gt;\"></body></html>";
    assert_eq!(injected_markup(escaped), Vec::<String>::new());
    let title = format!(
        "<html><head><title>{} · Upstream</title></head></html>",
        hostile('t')
    );
    let found = injected_markup(&title);
    assert!(
        found.iter().any(|f| f.contains("<meta http-equiv")),
        "{found:?}"
    );
    assert!(found.iter().any(|f| f.contains("<title>")), "{found:?}");
    let attribute = "<input value=\"x\" onfocus=\"y\">";
    assert_eq!(injected_markup(attribute).len(), 1);
}

/// `text` with a right-to-left override inside: shown as `Ministry of Justice` reversed after
/// it, typed as something else.
fn overridden(text: &str) -> String {
    format!("{text} \u{202E}ecitsuJ")
}

#[tokio::test]
async fn names_and_titles_holding_direction_controls_are_refused_next_to_their_field() {
    use app::checklist::api::EditChecklistItem;
    use app::checklist::template_api::UpdateChecklistTemplateItem;
    use app::foundation::text::DIRECTION_CONTROL_MESSAGE;
    use app::plans::api::UpdateTemplateSection;

    let app = spawn_app().await;
    let admin = app.admin().await;
    let f = app
        .led_plan("Ministry", "lead@example.org", "Prevention plan")
        .await;
    let (plan, section) = (f.plan, f.section);
    let item = app
        .call(
            &f.lead,
            AddChecklistItem {
                plan_id: plan,
                text: "An item".into(),
                psg: "1".into(),
                pillar: "1".into(),
                risk_factors: "1".into(),
            },
        )
        .await
        .expect("item added");
    let token = {
        let invite = InviteToPlan {
            plan_id: plan,
            email: "nadia@example.org".into(),
            display_name: "Nadia".into(),
            role: "editor".into(),
        };
        token_of(&app.call(&f.lead, invite).await.expect("invited").link)
    };
    let bad = overridden("Ministry of");
    let mut refused = Vec::new();
    macro_rules! expect_refused {
        ($client:expr, $call:expr, $field:expr) => {{
            let name = stringify!($call)
                .split_whitespace()
                .next()
                .unwrap_or("")
                .to_owned();
            match app.call($client, $call).await {
                Err(f) if f.field_message($field) == Some(DIRECTION_CONTROL_MESSAGE) => {}
                other => refused.push(format!("{name}.{}: {other:?}", $field)),
            }
        }};
    }
    expect_refused!(
        &admin,
        CreateOrganisation {
            name: bad.clone(),
            kind: "donor".into(),
            country: "NO".into(),
        },
        "name"
    );
    expect_refused!(
        &admin,
        UpdateOrganisation {
            id: f.org,
            name: bad.clone(),
            kind: "government".into(),
            country: "SL".into(),
        },
        "name"
    );
    for (field, email, display_name) in [
        ("display_name", "omar@example.org".to_owned(), bad.clone()),
        (
            "email",
            "omar\u{2066}@example.org".to_owned(),
            "Omar".to_owned(),
        ),
    ] {
        expect_refused!(
            &admin,
            Invite {
                email: email.clone(),
                display_name: display_name.clone(),
                platform_role: None,
                organisation_id: None,
                organisation_role: None,
            },
            field
        );
        expect_refused!(
            &f.lead,
            InviteToPlan {
                plan_id: plan,
                email,
                display_name,
                role: "editor".into(),
            },
            field
        );
    }
    expect_refused!(
        &app.client(),
        AcceptInvitation {
            token,
            display_name: bad.clone(),
            password: PASSWORD.into(),
            password_confirm: PASSWORD.into(),
        },
        "display_name"
    );
    expect_refused!(
        &f.lead,
        CreatePlan {
            country: "SL".into(),
            title: bad.clone(),
            summary: String::new(),
            period_start: "2026".into(),
            period_end: "2030".into(),
            fragility_stage: "2".into(),
            lead_org_id: f.org.to_string(),
            use_template: None,
        },
        "title"
    );
    expect_refused!(
        &f.lead,
        AddSection {
            plan_id: plan,
            title: bad.clone(),
        },
        "title"
    );
    expect_refused!(
        &f.lead,
        RenameSection {
            plan_id: plan,
            section_id: section,
            title: bad.clone(),
        },
        "title"
    );
    expect_refused!(
        &admin,
        AddTemplateSection {
            title: bad.clone(),
            guidance: String::new(),
            psgs: String::new(),
            pillars: String::new(),
        },
        "title"
    );
    expect_refused!(
        &admin,
        UpdateTemplateSection {
            id: 1,
            title: bad.clone(),
            guidance: String::new(),
            psgs: String::new(),
            pillars: String::new(),
            retired: None,
        },
        "title"
    );
    expect_refused!(
        &f.lead,
        AddChecklistItem {
            plan_id: plan,
            text: bad.clone(),
            psg: "1".into(),
            pillar: "1".into(),
            risk_factors: "1".into(),
        },
        "text"
    );
    expect_refused!(
        &f.lead,
        EditChecklistItem {
            plan_id: plan,
            item_id: item,
            base_version: 1,
            text: bad.clone(),
            psg: "1".into(),
            pillar: "1".into(),
            risk_factors: "1".into(),
        },
        "text"
    );
    expect_refused!(
        &f.lead,
        UpdateChecklistItem {
            responsible_person: Some(bad.clone()),
            ..item_update(plan, item, 1)
        },
        "responsible_person"
    );
    expect_refused!(
        &admin,
        AddChecklistTemplateItem {
            text: bad.clone(),
            psg: "1".into(),
            pillar: "1".into(),
            risk_factors: "1".into(),
        },
        "text"
    );
    expect_refused!(
        &admin,
        UpdateChecklistTemplateItem {
            id: 1,
            text: bad.clone(),
            psg: "1".into(),
            pillar: "1".into(),
            risk_factors: "1".into(),
            retired: None,
        },
        "text"
    );
    assert!(
        refused.is_empty(),
        "accepted or refused otherwise:\n{}",
        refused.join("\n")
    );
}
