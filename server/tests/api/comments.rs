//! Comment threads over HTTP: passages found, highlighted and marked changed; replies,
//! resolving and reopening; who may edit and delete; viewers; mentions and the inbox; ids from
//! elsewhere; hostile Markdown.

use crate::helpers::{error_body, field_message, plain_form_headers, spawn_app, LedPlan, TestApp};
use app::auth::domain::PlatformRole;
use reqwest::{Client, Response};
use serde_json::Value;

const BODY: &str = "Priorities: civilian oversight of the military, police and intelligence services; a binding code of conduct with sanctions; vetting of personnel for past abuses.\n\nCommunities need a working channel to complain about the **security forces** and be heard.";

struct Fixture {
    plan: i64,
    section: i64,
    lead: Client,
    commenter: Client,
    editor: Client,
    viewer: Client,
    outsider: Client,
    commenter_id: i64,
    editor_id: i64,
}

/// A plan from the template led by "Lena Lead", whose first section holds [`BODY`], with a
/// commenter, an editor and a viewer granted by email, and an outsider with no role. Display
/// names are set so mentions can use them.
async fn fixture(app: &TestApp) -> Fixture {
    let LedPlan {
        lead,
        lead_id,
        plan,
        ..
    } = app
        .led_plan("Lead Ministry", "lead@example.org", "Comments plan")
        .await;
    let o: Value = app
        .call_by_name(&lead, "plan", &[("plan_id", &plan.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let section = o["sections"][0]["id"].as_i64().unwrap();
    let saved = app
        .call_by_name(
            &lead,
            "save_section",
            &[
                ("plan_id", &plan.to_string()),
                ("section_id", &section.to_string()),
                ("base_version", "1"),
                ("body", BODY),
            ],
        )
        .await;
    assert_eq!(saved.status(), 200);
    let mut clients = Vec::new();
    for (email, name, role) in [
        ("commenter@example.org", "Cora Commenter", Some("commenter")),
        ("editor@example.org", "Edna Editor", Some("editor")),
        ("viewer@example.org", "Vic Viewer", Some("viewer")),
        ("outsider@example.org", "Otto Outsider", None),
    ] {
        let (client, id) = app.logged_in(email, PlatformRole::Member, None).await;
        rename(app, id, name).await;
        if let Some(role) = role {
            app.grant(&lead, plan, email, role).await;
        }
        clients.push((client, id));
    }
    rename(app, lead_id, "Lena Lead").await;
    let mut it = clients.into_iter();
    let (commenter, commenter_id) = it.next().unwrap();
    let (editor, editor_id) = it.next().unwrap();
    let (viewer, _) = it.next().unwrap();
    let (outsider, _) = it.next().unwrap();
    Fixture {
        plan,
        section,
        lead,
        commenter,
        editor,
        viewer,
        outsider,
        commenter_id,
        editor_id,
    }
}

async fn rename(app: &TestApp, id: i64, name: &str) {
    sqlx::query("UPDATE people SET display_name = $1 WHERE id = $2")
        .bind(name)
        .bind(id)
        .execute(app.db.write().await.conn())
        .await
        .unwrap();
}

impl Fixture {
    fn ids(&self) -> (String, String) {
        (self.plan.to_string(), self.section.to_string())
    }
}

async fn start(app: &TestApp, f: &Fixture, client: &Client, quote: &str, body: &str) -> Response {
    let (p, s) = f.ids();
    app.call_by_name(
        client,
        "start_thread",
        &[
            ("plan_id", &p),
            ("section_id", &s),
            ("body", body),
            ("quote", quote),
            ("prefix", ""),
            ("suffix", ""),
        ],
    )
    .await
}

async fn started(app: &TestApp, f: &Fixture, client: &Client, quote: &str, body: &str) -> i64 {
    let res = start(app, f, client, quote, body).await;
    assert_eq!(res.status(), 200, "start_thread");
    res.json().await.unwrap()
}

async fn on_thread(
    app: &TestApp,
    f: &Fixture,
    client: &Client,
    name: &str,
    thread: i64,
    extra: &[(&str, &str)],
) -> Response {
    let (p, s) = f.ids();
    let t = thread.to_string();
    let mut form = vec![
        ("plan_id", p.as_str()),
        ("section_id", s.as_str()),
        ("thread_id", t.as_str()),
    ];
    form.extend_from_slice(extra);
    app.call_by_name(client, name, &form).await
}

async fn threads(app: &TestApp, f: &Fixture, client: &Client) -> Value {
    let (p, s) = f.ids();
    let res = app
        .call_by_name(
            client,
            "section_threads",
            &[("plan_id", &p), ("section_id", &s)],
        )
        .await;
    assert_eq!(res.status(), 200, "section_threads");
    res.json().await.unwrap()
}

fn thread_of(all: &Value, id: i64) -> Value {
    all["threads"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .cloned()
        .unwrap_or(Value::Null)
}

async fn inbox(app: &TestApp, client: &Client) -> Value {
    let res = app.call_by_name(client, "inbox", &[]).await;
    assert_eq!(res.status(), 200, "inbox");
    res.json().await.unwrap()
}

#[tokio::test]
async fn a_passage_is_highlighted_while_present_and_marked_changed_once_edited_away() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let t = started(
        &app,
        &f,
        &f.commenter,
        "vetting of personnel",
        "Who does the vetting?",
    )
    .await;
    let all = threads(&app, &f, &f.lead).await;
    assert_eq!(thread_of(&all, t)["anchor"], "Present");
    assert_eq!(thread_of(&all, t)["quote"], "vetting of personnel");
    let html = all["html"].as_str().unwrap();
    assert!(
        html.contains(&format!(
            "<mark class=\"passage\" data-thread=\"{t}\">vetting of personnel</mark>"
        )),
        "{html}"
    );

    // A selection across formatting and a line break is found too.
    let across = started(
        &app,
        &f,
        &f.commenter,
        "about the security  forces\nand",
        "Which forces?",
    )
    .await;
    assert_eq!(
        thread_of(&threads(&app, &f, &f.lead).await, across)["anchor"],
        "Present"
    );

    // The passage is edited away through the ordinary section save.
    let (p, s) = f.ids();
    let edited = BODY.replace("vetting of personnel", "screening of staff");
    let res = app
        .call_by_name(
            &f.lead,
            "save_section",
            &[
                ("plan_id", &p),
                ("section_id", &s),
                ("base_version", "2"),
                ("body", &edited),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let all = threads(&app, &f, &f.viewer).await;
    let thread = thread_of(&all, t);
    assert_eq!(thread["anchor"], "Changed");
    assert_eq!(thread["quote"], "vetting of personnel", "the quote is kept");
    assert_eq!(
        thread["comments"][0]["html"],
        "<p>Who does the vetting?</p>\n"
    );
    assert!(!all["html"]
        .as_str()
        .unwrap()
        .contains(&format!("data-thread=\"{t}\"")));
    // The page says so beside the thread.
    let (status, page) = app
        .page(&f.viewer, &format!("/plans/{p}/sections/{s}"))
        .await;
    assert_eq!(status, 200);
    assert!(
        page.contains("original text changed"),
        "page lacks the marker"
    );
    assert!(page.contains(&format!("id=\"thread-{t}\"")));

    // A quote that is not in the text is refused beside the quote field.
    let res = start(&app, &f, &f.commenter, "vetting of personnel", "Again?").await;
    let (status, body) = error_body(res).await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "quote")
        .unwrap()
        .contains("not in the section's current text"));
}

#[tokio::test]
async fn replies_come_in_order_and_resolving_and_reopening_record_who_and_when() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let t = started(
        &app,
        &f,
        &f.commenter,
        "",
        "The whole section needs sources.",
    )
    .await;
    for (client, text) in [(&f.lead, "Adding them."), (&f.editor, "Added two.")] {
        let res = on_thread(&app, &f, client, "reply_to_thread", t, &[("body", text)]).await;
        assert_eq!(res.status(), 200);
    }
    let all = threads(&app, &f, &f.commenter).await;
    let thread = thread_of(&all, t);
    assert_eq!(thread["anchor"], "Section");
    let authors: Vec<&str> = thread["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["author"].as_str().unwrap())
        .collect();
    assert_eq!(authors, ["Cora Commenter", "Lena Lead", "Edna Editor"]);
    assert_eq!(all["open_count"], 1);
    let counts: Value = app
        .call_by_name(
            &f.viewer,
            "open_thread_counts",
            &[("plan_id", &f.plan.to_string())],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(counts, serde_json::json!([[f.section, 1]]));

    assert_eq!(
        on_thread(&app, &f, &f.commenter, "resolve_thread", t, &[])
            .await
            .status(),
        200
    );
    let thread = thread_of(&threads(&app, &f, &f.lead).await, t);
    assert_eq!(thread["resolved"]["by"], "Cora Commenter");
    assert!(thread["resolved"]["at"].as_i64().unwrap() > 0);
    // Resolving marks what the resolver's inbox said about the thread read, and only theirs.
    let unread = |name: &str| {
        format!(
            "SELECT COUNT(*) FROM inbox_items i JOIN people p ON p.id = i.person_id
             WHERE i.thread_id = {t} AND p.display_name = '{name}' AND i.read_at IS NULL"
        )
    };
    assert_eq!(app.count(&unread("Cora Commenter")).await, 0);
    assert!(app.count(&unread("Lena Lead")).await > 0);
    // Settled threads take no replies and cannot be resolved twice.
    assert_eq!(
        on_thread(&app, &f, &f.lead, "reply_to_thread", t, &[("body", "late")])
            .await
            .status(),
        409
    );
    assert_eq!(
        on_thread(&app, &f, &f.lead, "resolve_thread", t, &[])
            .await
            .status(),
        409
    );
    let counts: Value = app
        .call_by_name(
            &f.viewer,
            "open_thread_counts",
            &[("plan_id", &f.plan.to_string())],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(counts, serde_json::json!([]));

    assert_eq!(
        on_thread(&app, &f, &f.lead, "reopen_thread", t, &[])
            .await
            .status(),
        200
    );
    let all = threads(&app, &f, &f.lead).await;
    let thread = thread_of(&all, t);
    assert!(thread["resolved"].is_null());
    assert_eq!(thread["reopened"]["by"], "Lena Lead");
    assert_eq!(all["open_count"], 1);
    assert_eq!(
        on_thread(&app, &f, &f.lead, "reopen_thread", t, &[])
            .await
            .status(),
        409
    );
}

#[tokio::test]
async fn only_the_author_edits_and_the_author_or_a_lead_deletes() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let t = started(&app, &f, &f.commenter, "", "First thought.").await;
    let first = thread_of(&threads(&app, &f, &f.commenter).await, t)["comments"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let edit = |client: &Client, text: &'static str| {
        let first = first.clone();
        let client = client.clone();
        let app = &app;
        let f = &f;
        async move {
            on_thread(
                app,
                f,
                &client,
                "edit_comment",
                t,
                &[("comment_id", &first), ("body", text)],
            )
            .await
            .status()
        }
    };
    assert_eq!(edit(&f.editor, "Hijacked.").await, 403);
    assert_eq!(
        edit(&f.lead, "Hijacked.").await,
        403,
        "not even a lead edits others' words"
    );
    assert_eq!(edit(&f.commenter, "Second thought.").await, 200);
    let c = thread_of(&threads(&app, &f, &f.lead).await, t)["comments"][0].clone();
    assert_eq!(c["html"], "<p>Second thought.</p>\n");
    assert!(c["edited_at"].as_i64().is_some(), "marked edited");
    assert!(
        c["source"].is_null(),
        "only the author gets the source to edit"
    );
    assert_eq!(c["can_edit"], false);
    assert_eq!(c["can_delete"], true, "a lead may delete");

    let delete = |client: &Client, comment: String| {
        let client = client.clone();
        let app = &app;
        let f = &f;
        async move {
            on_thread(
                app,
                f,
                &client,
                "delete_comment",
                t,
                &[("comment_id", &comment)],
            )
            .await
            .status()
        }
    };
    assert_eq!(delete(&f.editor, first.clone()).await, 403);
    assert_eq!(delete(&f.lead, first.clone()).await, 200);
    // The author deletes their own reply too.
    let reply: i64 = on_thread(
        &app,
        &f,
        &f.commenter,
        "reply_to_thread",
        t,
        &[("body", "More.")],
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(delete(&f.commenter, reply.to_string()).await, 200);
    let thread = thread_of(&threads(&app, &f, &f.viewer).await, t);
    assert_eq!(
        thread["comments"].as_array().unwrap().len(),
        2,
        "the thread stays"
    );
    for c in thread["comments"].as_array().unwrap() {
        assert_eq!(c["deleted"], true);
        assert_eq!(c["html"], "");
    }
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) FROM comments WHERE thread_id = {t} AND body <> ''"
        ))
        .await;
    assert_eq!(stored, 0, "deleted text is gone from the database");
    assert_eq!(
        edit(&f.commenter, "Back again.").await,
        409,
        "a deleted comment stays deleted"
    );
    let (p, s) = f.ids();
    let (_, page) = app
        .page(&f.viewer, &format!("/plans/{p}/sections/{s}"))
        .await;
    assert!(page.contains("Comment deleted"));
}

#[tokio::test]
async fn viewers_read_threads_but_cannot_comment_resolve_or_list_members() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let t = started(&app, &f, &f.commenter, "", "Visible to viewers.").await;
    let all = threads(&app, &f, &f.viewer).await;
    assert_eq!(all["can_comment"], false);
    assert_eq!(
        thread_of(&all, t)["comments"][0]["html"],
        "<p>Visible to viewers.</p>\n"
    );
    assert_eq!(
        start(&app, &f, &f.viewer, "", "Let me in").await.status(),
        403
    );
    assert_eq!(
        on_thread(&app, &f, &f.viewer, "reply_to_thread", t, &[("body", "x")])
            .await
            .status(),
        403
    );
    assert_eq!(
        on_thread(&app, &f, &f.viewer, "resolve_thread", t, &[])
            .await
            .status(),
        403
    );
    let (p, _) = f.ids();
    let res = app
        .call_by_name(
            &f.viewer,
            "mention_suggestions",
            &[("plan_id", &p), ("prefix", "")],
        )
        .await;
    assert_eq!(res.status(), 403);
    // Someone without a role cannot even read them.
    let (p, s) = f.ids();
    let res = app
        .call_by_name(
            &f.outsider,
            "section_threads",
            &[("plan_id", &p), ("section_id", &s)],
        )
        .await;
    assert_eq!(res.status(), 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM comments").await, 1);
}

#[tokio::test]
async fn a_mention_of_someone_without_access_is_refused_and_tells_them_nothing() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    for text in [
        "Ask @Otto Outsider about this.",
        "Ask @outsider@example.org",
        "Ask @nobody@example.org",
    ] {
        let res = start(&app, &f, &f.commenter, "", text).await;
        let (status, body) = error_body(res).await;
        assert_eq!(status, 422, "{text}");
        let message = field_message(&body, "body").unwrap();
        assert!(message.contains("cannot be mentioned"), "{message}");
        assert!(message.contains("access to this plan"), "{message}");
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM comment_threads").await,
        0,
        "nothing written"
    );
    assert_eq!(
        inbox(&app, &f.outsider).await["items"],
        serde_json::json!([])
    );
    // Members are offered, outsiders are not.
    let (p, _) = f.ids();
    let names: Vec<String> = app
        .call_by_name(
            &f.commenter,
            "mention_suggestions",
            &[("plan_id", &p), ("prefix", "@")],
        )
        .await
        .json::<Value>()
        .await
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(names.contains(&"Edna Editor".to_owned()) && names.contains(&"Vic Viewer".to_owned()));
    assert!(!names.contains(&"Otto Outsider".to_owned()));
    let only: Value = app
        .call_by_name(
            &f.commenter,
            "mention_suggestions",
            &[("plan_id", &p), ("prefix", "ed")],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        only,
        serde_json::json!([{ "name": "Edna Editor", "email": "editor@example.org" }])
    );
}

#[tokio::test]
async fn mentions_and_replies_reach_inboxes_which_count_and_mark_read() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let t = started(
        &app,
        &f,
        &f.commenter,
        "code of conduct",
        "@Edna Editor can you draft this?",
    )
    .await;
    let (p, s) = f.ids();
    let link = format!("/plans/{p}/sections/{s}#thread-{t}");
    let editor_inbox = inbox(&app, &f.editor).await;
    assert_eq!(editor_inbox["unread"], 1);
    assert_eq!(editor_inbox["items"][0]["kind"], "Mention");
    assert_eq!(editor_inbox["items"][0]["actor"], "Cora Commenter");
    assert_eq!(editor_inbox["items"][0]["link"], link.as_str());
    assert_eq!(
        editor_inbox["items"][0]["excerpt"],
        "@Edna Editor can you draft this?"
    );
    assert_eq!(
        inbox(&app, &f.commenter).await["unread"],
        0,
        "no item for one's own comment"
    );

    // The editor replies: the thread's starter hears of it.
    let res = on_thread(
        &app,
        &f,
        &f.editor,
        "reply_to_thread",
        t,
        &[("body", "Drafting now.")],
    )
    .await;
    assert_eq!(res.status(), 200);
    // The lead replies mentioning the commenter: one mention item, not a reply on top.
    let res = on_thread(
        &app,
        &f,
        &f.lead,
        "reply_to_thread",
        t,
        &[("body", "Thanks @cora commenter")],
    )
    .await;
    assert_eq!(res.status(), 200);
    let mine = inbox(&app, &f.commenter).await;
    assert_eq!(mine["unread"], 2);
    let kinds: Vec<&str> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["Mention", "Reply"], "newest first");
    let unread: i64 = app
        .call_by_name(&f.commenter, "inbox_unread", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(unread, 2);
    // The editor, now in the thread, hears of the lead's reply.
    assert_eq!(inbox(&app, &f.editor).await["unread"], 2);

    // Marking read: one, someone else's (refused), then all.
    let first = mine["items"][0]["id"].as_i64().unwrap().to_string();
    assert_eq!(
        app.call_by_name(&f.editor, "mark_inbox_read", &[("item_id", &first)])
            .await
            .status(),
        404
    );
    assert_eq!(
        app.call_by_name(&f.commenter, "mark_inbox_read", &[("item_id", &first)])
            .await
            .status(),
        200
    );
    let mine = inbox(&app, &f.commenter).await;
    assert_eq!(mine["unread"], 1);
    assert_eq!(mine["items"][0]["read"], true);
    assert_eq!(
        app.call_by_name(&f.commenter, "mark_all_inbox_read", &[])
            .await
            .status(),
        200
    );
    assert_eq!(inbox(&app, &f.commenter).await["unread"], 0);

    // Without JavaScript, marking read comes back to the inbox page confirmed.
    let res = f
        .editor
        .post(format!("{}/api/mark_all_inbox_read", app.base))
        .headers(plain_form_headers(&app.base, "/inbox"))
        .form(&[("", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("/inbox?done=all-read"));

    // Items of a plan the person can no longer read disappear from the inbox.
    let _ = on_thread(
        &app,
        &f,
        &f.lead,
        "reply_to_thread",
        t,
        &[("body", "One more.")],
    )
    .await;
    assert_eq!(inbox(&app, &f.editor).await["unread"], 1);
    let grant = app
        .count(&format!(
            "SELECT id FROM plan_grants WHERE plan_id = {p} AND grantee_kind = 'person' AND grantee_id = {}",
            f.editor_id
        ))
        .await
        .to_string();
    let res = app
        .call_by_name(
            &f.lead,
            "change_grant",
            &[("plan_id", &p), ("grant_id", &grant), ("role", "")],
        )
        .await;
    assert_eq!(res.status(), 200);
    let gone = inbox(&app, &f.editor).await;
    assert_eq!(gone["unread"], 0);
    assert_eq!(gone["items"], serde_json::json!([]));
    let _ = f.commenter_id;
}

#[tokio::test]
async fn ids_from_another_plan_section_or_thread_are_refused() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let other_plan = app
        .create_plan(
            &f.lead,
            app.count("SELECT id FROM organisations LIMIT 1").await,
            "Other plan",
            true,
        )
        .await;
    let other: Value = app
        .call_by_name(&f.lead, "plan", &[("plan_id", &other_plan.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let other_section = other["sections"][0]["id"].as_i64().unwrap();
    let (p, s) = f.ids();
    let (op, os) = (other_plan.to_string(), other_section.to_string());
    // A thread in the other plan, and one here.
    let foreign: i64 = app
        .call_by_name(
            &f.lead,
            "start_thread",
            &[
                ("plan_id", &op),
                ("section_id", &os),
                ("body", "Elsewhere."),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let here = started(&app, &f, &f.lead, "", "Here.").await;
    let second_section = app
        .count(&format!(
            "SELECT id FROM sections WHERE plan_id = {p} AND id <> {s} LIMIT 1"
        ))
        .await
        .to_string();

    // This plan with the other plan's section.
    let res = app
        .call_by_name(
            &f.lead,
            "start_thread",
            &[("plan_id", &p), ("section_id", &os), ("body", "x")],
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .call_by_name(
            &f.lead,
            "section_threads",
            &[("plan_id", &p), ("section_id", &os)],
        )
        .await;
    assert_eq!(res.status(), 404);
    // This plan and section with the other plan's thread.
    let foreign_s = foreign.to_string();
    for name in ["reply_to_thread", "resolve_thread", "reopen_thread"] {
        let res = app
            .call_by_name(
                &f.lead,
                name,
                &[
                    ("plan_id", &p),
                    ("section_id", &s),
                    ("thread_id", &foreign_s),
                    ("body", "x"),
                ],
            )
            .await;
        assert_eq!(res.status(), 404, "{name}");
    }
    // This plan's thread named under another of its sections.
    let here_s = here.to_string();
    let res = app
        .call_by_name(
            &f.lead,
            "reply_to_thread",
            &[
                ("plan_id", &p),
                ("section_id", &second_section),
                ("thread_id", &here_s),
                ("body", "x"),
            ],
        )
        .await;
    assert_eq!(res.status(), 404);
    // A comment of the other thread named under this one.
    let foreign_comment = app
        .count(&format!(
            "SELECT id FROM comments WHERE thread_id = {foreign}"
        ))
        .await
        .to_string();
    for name in ["edit_comment", "delete_comment"] {
        let res = app
            .call_by_name(
                &f.lead,
                name,
                &[
                    ("plan_id", &p),
                    ("section_id", &s),
                    ("thread_id", &here_s),
                    ("comment_id", &foreign_comment),
                    ("body", "x"),
                ],
            )
            .await;
        assert_eq!(res.status(), 404, "{name}");
    }
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM comments WHERE thread_id = {foreign} AND deleted_at IS NULL AND body = 'Elsewhere.'")).await,
        1
    );
    // The commenter has no role on the other plan at all.
    let res = app
        .call_by_name(
            &f.commenter,
            "thread_activity",
            &[("plan_id", &op), ("section_id", &os)],
        )
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn hostile_markdown_in_comments_is_neutralised() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let hostile = "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))\n\n<a href=\"javascript:alert(4)\" onclick=\"alert(5)\">y</a>\n\n</textarea><script>alert(6)</script>";
    let t = started(&app, &f, &f.commenter, "", hostile).await;
    let html = thread_of(&threads(&app, &f, &f.viewer).await, t)["comments"][0]["html"]
        .as_str()
        .unwrap()
        .to_lowercase();
    for tag in html
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or(""))
    {
        assert!(
            !tag.starts_with("script") && !tag.starts_with("img"),
            "tag {tag} in {html}"
        );
        assert!(
            !tag.contains("javascript:") && !tag.contains(" on"),
            "tag {tag} in {html}"
        );
    }
    assert!(html.contains("&lt;script&gt;"), "{html}");
    // The author's own page carries the source in an edit box that the text cannot close.
    let (p, s) = f.ids();
    for client in [&f.viewer, &f.commenter] {
        let (status, page) = app.page(client, &format!("/plans/{p}/sections/{s}")).await;
        assert_eq!(status, 200);
        assert!(!page.contains("<script>alert(1)"));
        assert!(!page.contains("<script>alert(6)"));
        assert!(!page.contains("<img src=x"));
    }
}

#[tokio::test]
async fn polling_sees_new_comments_through_a_cheap_fingerprint() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (p, s) = f.ids();
    let fingerprint = || async {
        app.call_by_name(
            &f.viewer,
            "thread_activity",
            &[("plan_id", &p), ("section_id", &s)],
        )
        .await
        .json::<Value>()
        .await
        .unwrap()
    };
    let empty = fingerprint().await;
    assert_eq!(empty["comments"], 0);
    let t = started(&app, &f, &f.commenter, "", "New.").await;
    let one = fingerprint().await;
    assert_eq!(one["comments"], 1);
    assert_ne!(one, empty);
    assert_eq!(
        threads(&app, &f, &f.viewer).await["activity"],
        one,
        "threads carry the same fingerprint"
    );
    assert_eq!(
        on_thread(&app, &f, &f.commenter, "resolve_thread", t, &[])
            .await
            .status(),
        200
    );
    assert_ne!(fingerprint().await, one, "resolving changes it too");
}

#[tokio::test]
async fn the_demo_plan_has_threads_with_a_mention_replies_and_a_resolved_one() {
    let app = spawn_app().await;
    assert!(server::demo::load(&app.db).await.unwrap());
    let donor = app.client();
    let res = app
        .call_by_name(
            &donor,
            "login",
            &[
                ("email", "donor@upstream.example"),
                ("password", server::demo::DEMO_PASSWORD),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    // The donor was mentioned on a passage that is still in the text.
    let inbox = inbox(&app, &donor).await;
    let mention = inbox["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["kind"] == "Mention")
        .expect("a mention");
    let link = mention["link"].as_str().unwrap().to_owned();
    let (path, thread) = link.split_once("#thread-").unwrap();
    let parts: Vec<&str> = path.split('/').collect();
    let res = app
        .call_by_name(
            &donor,
            "section_threads",
            &[("plan_id", parts[2]), ("section_id", parts[4])],
        )
        .await;
    let all: Value = res.json().await.unwrap();
    let thread = thread_of(&all, thread.parse().unwrap());
    assert_eq!(thread["anchor"], "Present");
    assert_eq!(thread["comments"].as_array().unwrap().len(), 3);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM comment_threads WHERE resolved_at IS NOT NULL")
            .await,
        1
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM comment_threads WHERE quote IS NOT NULL")
            .await,
        2,
        "both passages were found"
    );
}

#[tokio::test]
async fn without_javascript_a_refused_comment_comes_back_with_its_text_and_a_good_one_is_confirmed()
{
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (p, s) = f.ids();
    let page = format!("/plans/{p}/sections/{s}");
    let post = |quote: &'static str, body: &'static str| {
        let client = f.commenter.clone();
        let (base, page, p, s) = (app.base.clone(), page.clone(), p.clone(), s.clone());
        async move {
            client
                .post(format!("{base}/api/start_thread"))
                .headers(plain_form_headers(&base, &page))
                .form(&[
                    ("plan_id", p.as_str()),
                    ("section_id", s.as_str()),
                    ("prefix", ""),
                    ("suffix", ""),
                    ("quote", quote),
                    ("body", body),
                ])
                .send()
                .await
                .unwrap()
        }
    };
    let res = post("words that are not there", "My careful point.").await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    let back = location.trim_start_matches(&app.base).to_owned();
    let (status, html) = app.page(&f.commenter, &back).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("not in the section&#x27;s current text")
            || html.contains("not in the section's current text"),
        "the quote's message is shown"
    );
    assert!(
        html.contains("My careful point."),
        "the typed comment is kept"
    );
    assert!(
        html.contains("words that are not there"),
        "the typed quote is kept"
    );

    let res = post("code of conduct", "A good point.").await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.ends_with(&format!("{page}?done=commented")),
        "{location}"
    );
    let (_, html) = app
        .page(&f.commenter, &format!("{page}?done=commented"))
        .await;
    assert!(html.contains("Comment added."));
    assert!(html.contains("<mark class=\"passage\""));
    assert!(html.contains("A good point."));
}
