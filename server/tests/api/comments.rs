//! Comment threads over HTTP: passages found, highlighted and marked changed; replies,
//! resolving and reopening; who may edit and delete; viewers; mentions and the inbox; ids from
//! elsewhere; hostile Markdown.

use app::access::api::ChangeGrant;
use app::comments::api::{
    DeleteComment, EditComment, MentionSuggestions, OpenThreadCounts, ReopenThread, ReplyToThread,
    ResolveThread, SectionThreads, StartThread, ThreadActivity,
};
use app::comments::views::{AnchorState, MemberSuggestion, ThreadView, ThreadsOfSection};
use app::inbox::api::{InboxItems, InboxUnread, MarkAllInboxRead, MarkInboxRead};
use app::inbox::views::{InboxKind, InboxView};
use reqwest::Client;

use crate::helpers::{
    assert_harmless, credentials, section_save, spawn_app, Failure, LedPlan, Status, TestApp,
};

const BODY: &str = "Priorities: civilian oversight of the military, police and intelligence services; a binding code of conduct with sanctions; vetting of personnel for past abuses.\n\nCommunities need a working channel to complain about the **security forces** and be heard.";

struct Fixture {
    plan: i64,
    section: i64,
    lead: Client,
    commenter: Client,
    editor: Client,
    viewer: Client,
    outsider: Client,
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
        section,
        ..
    } = app
        .led_plan("Lead Ministry", "lead@example.org", "Comments plan")
        .await;
    app.call(&lead, section_save(plan, section, 1, BODY))
        .await
        .expect("section saved");
    let mut clients = Vec::new();
    for (email, name, role) in [
        ("commenter@example.org", "Cora Commenter", Some("commenter")),
        ("editor@example.org", "Edna Editor", Some("editor")),
        ("viewer@example.org", "Vic Viewer", Some("viewer")),
        ("outsider@example.org", "Otto Outsider", None),
    ] {
        let (client, id) = app.loner(email).await;
        app.rename_person(id, name).await;
        if let Some(role) = role {
            app.grant(&lead, plan, email, role).await;
        }
        clients.push((client, id));
    }
    app.rename_person(lead_id, "Lena Lead").await;
    let mut it = clients.into_iter();
    let (commenter, _) = it.next().unwrap();
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
        editor_id,
    }
}

/// What can be done to the fixture's section and its threads.
impl Fixture {
    /// A thread on `quote` (the whole section when empty), as the page's form sends it.
    fn start(&self, quote: &str, body: &str) -> StartThread {
        StartThread {
            plan_id: self.plan,
            section_id: self.section,
            body: body.into(),
            quote: Some(quote.into()),
            prefix: Some(String::new()),
            suffix: Some(String::new()),
        }
    }

    fn reply(&self, thread: i64, body: &str) -> ReplyToThread {
        ReplyToThread {
            plan_id: self.plan,
            section_id: self.section,
            thread_id: thread,
            body: body.into(),
        }
    }

    fn resolve(&self, thread: i64) -> ResolveThread {
        ResolveThread {
            plan_id: self.plan,
            section_id: self.section,
            thread_id: thread,
        }
    }

    fn reopen(&self, thread: i64) -> ReopenThread {
        ReopenThread {
            plan_id: self.plan,
            section_id: self.section,
            thread_id: thread,
        }
    }

    fn edit(&self, thread: i64, comment: i64, body: &str) -> EditComment {
        EditComment {
            plan_id: self.plan,
            section_id: self.section,
            thread_id: thread,
            comment_id: comment,
            body: body.into(),
        }
    }

    fn delete(&self, thread: i64, comment: i64) -> DeleteComment {
        DeleteComment {
            plan_id: self.plan,
            section_id: self.section,
            thread_id: thread,
            comment_id: comment,
        }
    }

    fn threads(&self) -> SectionThreads {
        SectionThreads {
            plan_id: self.plan,
            section_id: self.section,
            editing: false,
        }
    }

    fn page(&self) -> String {
        format!("/plans/{}/sections/{}", self.plan, self.section)
    }
}

async fn start(
    app: &TestApp,
    f: &Fixture,
    client: &Client,
    quote: &str,
    body: &str,
) -> Result<i64, Failure> {
    app.call(client, f.start(quote, body)).await
}

async fn started(app: &TestApp, f: &Fixture, client: &Client, quote: &str, body: &str) -> i64 {
    start(app, f, client, quote, body)
        .await
        .expect("thread started")
}

async fn threads(app: &TestApp, f: &Fixture, client: &Client) -> ThreadsOfSection {
    app.call(client, f.threads()).await.expect("the threads")
}

fn thread_of(all: &ThreadsOfSection, id: i64) -> ThreadView {
    let thread = all.threads.iter().find(|t| t.id == id);
    thread.cloned().unwrap_or_else(|| panic!("no thread {id}"))
}

async fn inbox(app: &TestApp, client: &Client) -> InboxView {
    app.call(client, InboxItems {}).await.expect("the inbox")
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
    assert_eq!(thread_of(&all, t).anchor, AnchorState::Present);
    assert_eq!(
        thread_of(&all, t).quote.as_deref(),
        Some("vetting of personnel")
    );
    let html = &all.html;
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
        thread_of(&threads(&app, &f, &f.lead).await, across).anchor,
        AnchorState::Present
    );

    // The passage is edited away through the ordinary section save.
    let edited = BODY.replace("vetting of personnel", "screening of staff");
    app.call(&f.lead, section_save(f.plan, f.section, 2, &edited))
        .await
        .expect("saved");
    let all = threads(&app, &f, &f.viewer).await;
    let thread = thread_of(&all, t);
    assert_eq!(thread.anchor, AnchorState::Changed);
    assert_eq!(
        thread.quote.as_deref(),
        Some("vetting of personnel"),
        "the quote is kept"
    );
    assert_eq!(thread.comments[0].html, "<p>Who does the vetting?</p>\n");
    assert!(!all.html.contains(&format!("data-thread=\"{t}\"")));
    // The page says so beside the thread.
    let (status, page) = app.page(&f.viewer, &f.page()).await;
    assert_eq!(status, 200);
    assert!(
        page.contains("original text changed"),
        "page lacks the marker"
    );
    assert!(page.contains(&format!("id=\"thread-{t}\"")));

    // A quote that is not in the text is refused beside the quote field.
    let refused = start(&app, &f, &f.commenter, "vetting of personnel", "Again?")
        .await
        .unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused
        .field_message("quote")
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
        app.call(client, f.reply(t, text)).await.expect("replied");
    }
    let all = threads(&app, &f, &f.commenter).await;
    let thread = thread_of(&all, t);
    assert_eq!(thread.anchor, AnchorState::Section);
    let authors: Vec<&str> = thread.comments.iter().map(|c| c.author.as_str()).collect();
    assert_eq!(authors, ["Cora Commenter", "Lena Lead", "Edna Editor"]);
    assert_eq!(all.open_count, 1);
    let counts = OpenThreadCounts { plan_id: f.plan };
    let counts = app.call(&f.viewer, counts).await.unwrap();
    assert_eq!(counts, [(f.section, 1)]);

    app.call(&f.commenter, f.resolve(t))
        .await
        .expect("resolved");
    let thread = thread_of(&threads(&app, &f, &f.lead).await, t);
    let resolved = thread.resolved.expect("resolved");
    assert_eq!(resolved.by, "Cora Commenter");
    assert!(resolved.at > 0);
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
    let late = app.call(&f.lead, f.reply(t, "late")).await;
    assert_eq!(late.unwrap_err().status, 409);
    let twice = app.call(&f.lead, f.resolve(t)).await;
    assert_eq!(twice.unwrap_err().status, 409);
    let counts = OpenThreadCounts { plan_id: f.plan };
    let counts = app.call(&f.viewer, counts).await.unwrap();
    assert_eq!(counts, []);

    app.call(&f.lead, f.reopen(t)).await.expect("reopened");
    let all = threads(&app, &f, &f.lead).await;
    let thread = thread_of(&all, t);
    assert!(thread.resolved.is_none());
    assert_eq!(thread.reopened.expect("reopened").by, "Lena Lead");
    assert_eq!(all.open_count, 1);
    let twice = app.call(&f.lead, f.reopen(t)).await;
    assert_eq!(twice.unwrap_err().status, 409);
}

#[tokio::test]
async fn only_the_author_edits_and_the_author_or_a_lead_deletes() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let t = started(&app, &f, &f.commenter, "", "First thought.").await;
    let first = thread_of(&threads(&app, &f, &f.commenter).await, t).comments[0].id;
    assert_eq!(
        app.call(&f.editor, f.edit(t, first, "Hijacked."))
            .await
            .status(),
        403
    );
    assert_eq!(
        app.call(&f.lead, f.edit(t, first, "Hijacked."))
            .await
            .status(),
        403,
        "not even a lead edits others' words"
    );
    assert_eq!(
        app.call(&f.commenter, f.edit(t, first, "Second thought."))
            .await
            .status(),
        200
    );
    let c = thread_of(&threads(&app, &f, &f.lead).await, t).comments[0].clone();
    assert_eq!(c.html, "<p>Second thought.</p>\n");
    assert!(c.edited_at.is_some(), "marked edited");
    assert!(
        c.source.is_none(),
        "only the author gets the source to edit"
    );
    assert!(!c.can_edit);
    assert!(c.can_delete, "a lead may delete");

    assert_eq!(app.call(&f.editor, f.delete(t, first)).await.status(), 403);
    assert_eq!(app.call(&f.lead, f.delete(t, first)).await.status(), 200);
    // The author deletes their own reply too.
    let reply = app
        .call(&f.commenter, f.reply(t, "More."))
        .await
        .expect("replied");
    assert_eq!(
        app.call(&f.commenter, f.delete(t, reply)).await.status(),
        200
    );
    let thread = thread_of(&threads(&app, &f, &f.viewer).await, t);
    assert_eq!(thread.comments.len(), 2, "the thread stays");
    for c in &thread.comments {
        assert!(c.deleted);
        assert_eq!(c.html, "");
    }
    let stored = app
        .count(&format!(
            "SELECT COUNT(*) FROM comments WHERE thread_id = {t} AND body <> ''"
        ))
        .await;
    assert_eq!(stored, 0, "deleted text is gone from the database");
    assert_eq!(
        app.call(&f.commenter, f.edit(t, first, "Back again."))
            .await
            .status(),
        409,
        "a deleted comment stays deleted"
    );
    let (_, page) = app.page(&f.viewer, &f.page()).await;
    assert!(page.contains("Comment deleted"));
}

#[tokio::test]
async fn viewers_read_threads_but_cannot_comment_resolve_or_list_members() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let t = started(&app, &f, &f.commenter, "", "Visible to viewers.").await;
    let all = threads(&app, &f, &f.viewer).await;
    assert!(!all.can_comment);
    assert_eq!(
        thread_of(&all, t).comments[0].html,
        "<p>Visible to viewers.</p>\n"
    );
    let refused = start(&app, &f, &f.viewer, "", "Let me in").await;
    assert_eq!(refused.unwrap_err().status, 403);
    let refused = app.call(&f.viewer, f.reply(t, "x")).await;
    assert_eq!(refused.unwrap_err().status, 403);
    let refused = app.call(&f.viewer, f.resolve(t)).await;
    assert_eq!(refused.unwrap_err().status, 403);
    let members = MentionSuggestions {
        plan_id: f.plan,
        prefix: String::new(),
    };
    let refused = app.call(&f.viewer, members).await;
    assert_eq!(refused.unwrap_err().status, 403);
    // Someone without a role cannot even read them.
    let refused = app.call(&f.outsider, f.threads()).await;
    assert_eq!(refused.unwrap_err().status, 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM comments").await, 1);
}

#[tokio::test]
async fn a_commenter_cannot_tell_an_account_off_the_plan_from_one_that_does_not_exist() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // "Otto Outsider" has an account but no role on the plan; "Nora Nobody" has no account.
    // Both names are plain text: neither refused nor recorded as a mention.
    for text in [
        "Ask @Otto Outsider about this.",
        "Ask @Nora Nobody about this.",
    ] {
        let thread = start(&app, &f, &f.commenter, "", text).await;
        assert!(thread.is_ok(), "{text}: {thread:?}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM comment_mentions").await, 0);
    // Both addresses are refused, in the same words.
    let mut messages = Vec::new();
    for address in ["outsider@example.org", "nobody@example.org"] {
        let text = format!("Ask @{address}");
        let refused = start(&app, &f, &f.commenter, "", &text).await.unwrap_err();
        assert_eq!(refused.status, 422, "{text}");
        let message = refused.field_message("body").unwrap().to_owned();
        assert!(message.contains("cannot be mentioned"), "{message}");
        assert!(message.contains("access to this plan"), "{message}");
        messages.push(message.replace(address, "ADDRESS"));
    }
    assert_eq!(messages[0], messages[1]);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM comment_threads").await,
        2,
        "only the two plain-text comments were written"
    );
    // And the outsider hears of none of it.
    assert!(inbox(&app, &f.outsider).await.items.is_empty());
    // Members are offered, outsiders are not.
    let suggestions = |prefix: &str| MentionSuggestions {
        plan_id: f.plan,
        prefix: prefix.into(),
    };
    let names: Vec<String> = app
        .call(&f.commenter, suggestions("@"))
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.name)
        .collect();
    assert!(names.contains(&"Edna Editor".to_owned()) && names.contains(&"Vic Viewer".to_owned()));
    assert!(!names.contains(&"Otto Outsider".to_owned()));
    let only = app.call(&f.commenter, suggestions("ed")).await.unwrap();
    assert_eq!(
        only,
        [MemberSuggestion {
            name: "Edna Editor".into(),
            email: "editor@example.org".into()
        }]
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
    let link = format!("{}#thread-{t}", f.page());
    let editor_inbox = inbox(&app, &f.editor).await;
    assert_eq!(editor_inbox.unread, 1);
    let mention = &editor_inbox.items[0];
    assert_eq!(mention.kind, InboxKind::Mention);
    assert_eq!(mention.actor.as_deref(), Some("Cora Commenter"));
    assert_eq!(mention.link, link);
    assert_eq!(mention.excerpt, "@Edna Editor can you draft this?");
    assert_eq!(
        inbox(&app, &f.commenter).await.unread,
        0,
        "no item for one's own comment"
    );

    // The editor replies: the thread's starter hears of it.
    app.call(&f.editor, f.reply(t, "Drafting now."))
        .await
        .expect("replied");
    // The lead replies mentioning the commenter: one mention item, not a reply on top.
    app.call(&f.lead, f.reply(t, "Thanks @cora commenter"))
        .await
        .expect("replied");
    let mine = inbox(&app, &f.commenter).await;
    assert_eq!(mine.unread, 2);
    let kinds: Vec<InboxKind> = mine.items.iter().map(|i| i.kind).collect();
    assert_eq!(
        kinds,
        [InboxKind::Mention, InboxKind::Reply],
        "newest first"
    );
    assert_eq!(app.call(&f.commenter, InboxUnread {}).await, Ok(2));
    // The editor, now in the thread, hears of the lead's reply.
    assert_eq!(inbox(&app, &f.editor).await.unread, 2);

    // Marking read: one, someone else's (refused), then all.
    let first = mine.items[0].id;
    let refused = app.call(&f.editor, MarkInboxRead { item_id: first }).await;
    assert_eq!(refused.unwrap_err().status, 404);
    app.call(&f.commenter, MarkInboxRead { item_id: first })
        .await
        .expect("marked read");
    let mine = inbox(&app, &f.commenter).await;
    assert_eq!(mine.unread, 1);
    assert!(mine.items[0].read);
    app.call(&f.commenter, MarkAllInboxRead {})
        .await
        .expect("all marked read");
    assert_eq!(inbox(&app, &f.commenter).await.unread, 0);

    // Without JavaScript, marking read comes back to the inbox page confirmed.
    let res = app
        .post_form(&f.editor, "/inbox", MarkAllInboxRead {})
        .await;
    assert_eq!(res.status(), 302);
    assert!(res.headers()["location"]
        .to_str()
        .unwrap()
        .ends_with("/inbox?done=all-read"));

    // Items of a plan the person can no longer read disappear from the inbox.
    app.call(&f.lead, f.reply(t, "One more."))
        .await
        .expect("replied");
    assert_eq!(inbox(&app, &f.editor).await.unread, 1);
    let grant = app.person_grant(f.plan, f.editor_id).await;
    let revoke = ChangeGrant {
        plan_id: f.plan,
        grant_id: grant,
        role: String::new(),
    };
    app.call(&f.lead, revoke).await.expect("revoked");
    let gone = inbox(&app, &f.editor).await;
    assert_eq!(gone.unread, 0);
    assert!(gone.items.is_empty());
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
    let other_section = app.first_section(&f.lead, other_plan).await;
    // A thread in the other plan, and one here.
    let elsewhere = StartThread {
        plan_id: other_plan,
        section_id: other_section,
        body: "Elsewhere.".into(),
        quote: None,
        prefix: None,
        suffix: None,
    };
    let foreign = app.call(&f.lead, elsewhere).await.expect("started");
    let here = started(&app, &f, &f.lead, "", "Here.").await;
    let second_section = app
        .count(&format!(
            "SELECT id FROM sections WHERE plan_id = {} AND id <> {} LIMIT 1",
            f.plan, f.section
        ))
        .await;

    // This plan with the other plan's section.
    let refused = app
        .call(
            &f.lead,
            StartThread {
                section_id: other_section,
                ..f.start("", "x")
            },
        )
        .await;
    assert_eq!(refused.unwrap_err().status, 404);
    let refused = app
        .call(
            &f.lead,
            SectionThreads {
                section_id: other_section,
                ..f.threads()
            },
        )
        .await;
    assert_eq!(refused.unwrap_err().status, 404);
    // This plan and section with the other plan's thread.
    for (path, status) in [
        app.attempt(&f.lead, f.reply(foreign, "x")).await,
        app.attempt(&f.lead, f.resolve(foreign)).await,
        app.attempt(&f.lead, f.reopen(foreign)).await,
    ] {
        assert_eq!(status, 404, "{path}");
    }
    // This plan's thread named under another of its sections.
    let misplaced = ReplyToThread {
        section_id: second_section,
        ..f.reply(here, "x")
    };
    let refused = app.call(&f.lead, misplaced).await;
    assert_eq!(refused.unwrap_err().status, 404);
    // A comment of the other thread named under this one.
    let foreign_comment = app
        .count(&format!(
            "SELECT id FROM comments WHERE thread_id = {foreign}"
        ))
        .await;
    for (path, status) in [
        app.attempt(&f.lead, f.edit(here, foreign_comment, "x"))
            .await,
        app.attempt(&f.lead, f.delete(here, foreign_comment)).await,
    ] {
        assert_eq!(status, 404, "{path}");
    }
    assert_eq!(
        app.count(&format!("SELECT COUNT(*) FROM comments WHERE thread_id = {foreign} AND deleted_at IS NULL AND body = 'Elsewhere.'")).await,
        1
    );
    // The commenter has no role on the other plan at all.
    let activity = ThreadActivity {
        plan_id: other_plan,
        section_id: other_section,
    };
    let refused = app.call(&f.commenter, activity).await;
    assert_eq!(refused.unwrap_err().status, 403);
}

#[tokio::test]
async fn hostile_markdown_in_comments_is_neutralised() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let hostile = "<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))\n\n<a href=\"javascript:alert(4)\" onclick=\"alert(5)\">y</a>\n\n</textarea><script>alert(6)</script>";
    let t = started(&app, &f, &f.commenter, "", hostile).await;
    let thread = thread_of(&threads(&app, &f, &f.viewer).await, t);
    assert_harmless(&thread.comments[0].html);
    // The author's own page carries the source in an edit box that the text cannot close.
    for client in [&f.viewer, &f.commenter] {
        let (status, page) = app.page(client, &f.page()).await;
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
    let fingerprint = || async {
        let activity = ThreadActivity {
            plan_id: f.plan,
            section_id: f.section,
        };
        app.call(&f.viewer, activity).await.expect("activity")
    };
    let empty = fingerprint().await;
    assert_eq!(empty.comments, 0);
    let t = started(&app, &f, &f.commenter, "", "New.").await;
    let one = fingerprint().await;
    assert_eq!(one.comments, 1);
    assert_ne!(one, empty);
    assert_eq!(
        threads(&app, &f, &f.viewer).await.activity,
        one,
        "threads carry the same fingerprint"
    );
    app.call(&f.commenter, f.resolve(t))
        .await
        .expect("resolved");
    assert_ne!(fingerprint().await, one, "resolving changes it too");
}

#[tokio::test]
async fn the_demo_plan_has_threads_with_a_mention_replies_and_a_resolved_one() {
    let app = spawn_app().await;
    assert!(server::demo::load(&app.db).await.unwrap());
    let donor = app.client();
    let login = credentials("donor@upstream.example", server::demo::DEMO_PASSWORD);
    app.call(&donor, login).await.expect("logged in");
    // The donor was mentioned on a passage that is still in the text.
    let inbox = inbox(&app, &donor).await;
    let mention = inbox
        .items
        .iter()
        .find(|i| i.kind == InboxKind::Mention)
        .expect("a mention");
    let (path, thread) = mention.link.split_once("#thread-").unwrap();
    let parts: Vec<&str> = path.split('/').collect();
    let threads = SectionThreads {
        plan_id: parts[2].parse().unwrap(),
        section_id: parts[4].parse().unwrap(),
        editing: false,
    };
    let all = app.call(&donor, threads).await.expect("threads");
    let thread = thread_of(&all, thread.parse().unwrap());
    assert_eq!(thread.anchor, AnchorState::Present);
    assert_eq!(thread.comments.len(), 3);
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
    let page = f.page();
    let post = |quote: &str, body: &str| app.post_form(&f.commenter, &page, f.start(quote, body));
    let res = post("words that are not there", "My careful point.").await;
    assert_eq!(res.status(), 302);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(!location.contains("__err"), "{location}");
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
