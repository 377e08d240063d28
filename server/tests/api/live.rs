//! The live event stream (`GET /live`): what reaches whom, an access change ending a stream at
//! once, catching up after a reconnect, presence, and an open editor's merge of others' saves.

use std::time::Duration;

use app::access::api::ChangeGrant;
use app::auth::api::Logout;
use app::comments::api::{ReopenThread, ResolveThread, StartThread};
use app::foundation::live::{Change, LiveEvent};
use app::sections::api::MergeIncoming;
use app::sections::views::Incoming;
use reqwest::Client;

use crate::helpers::{item_update, section_save, spawn_app, LedPlan, TestApp};

/// One event as the browser's `EventSource` sees it.
#[derive(Debug)]
pub(crate) struct Sse {
    id: Option<String>,
    event: String,
    pub(crate) data: String,
}

impl Sse {
    /// Whether this is a list of who is present (which arrives whenever someone comes or goes).
    fn is_presence(&self) -> bool {
        LiveEvent::from_wire(&self.data)
            .is_some_and(|e| matches!(e.change, Change::Presence { .. }))
    }
}

/// An open event stream, read a chunk at a time.
pub(crate) struct Stream {
    response: reqwest::Response,
    buffer: String,
}

impl Stream {
    /// Opens `/live?{query}` as `client` (with `Last-Event-ID` when given); the refusal's status
    /// when it is not opened.
    async fn open(
        app: &TestApp,
        client: &Client,
        query: &str,
        last: Option<&str>,
    ) -> Result<Stream, u16> {
        Stream::open_at(&app.base, client, query, last).await
    }

    /// [`Stream::open`] on the server at `base`.
    pub(crate) async fn open_at(
        base: &str,
        client: &Client,
        query: &str,
        last: Option<&str>,
    ) -> Result<Stream, u16> {
        let mut request = client.get(format!("{base}/live?{query}"));
        if let Some(id) = last {
            request = request.header("last-event-id", id);
        }
        let response = request.send().await.expect("the stream answers");
        if response.status() != 200 {
            return Err(response.status().as_u16());
        }
        assert_eq!(
            response.headers()["content-type"],
            "text/event-stream",
            "an event stream, not compressed or cached"
        );
        Ok(Stream {
            response,
            buffer: String::new(),
        })
    }

    /// The next event within `within` (keep-alive comments skipped); `None` if none came or
    /// the stream ended.
    pub(crate) async fn next(&mut self, within: Duration) -> Option<Sse> {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut sse = Sse {
                    id: None,
                    event: "message".into(),
                    data: String::new(),
                };
                let mut any = false;
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        sse.id = Some(v.trim().to_owned());
                        any = true;
                    } else if let Some(v) = line.strip_prefix("event:") {
                        sse.event = v.trim().to_owned();
                        any = true;
                    } else if let Some(v) = line.strip_prefix("data:") {
                        sse.data.push_str(v.trim_start());
                        any = true;
                    }
                }
                if any {
                    return Some(sse);
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.response.chunk()).await;
            match chunk {
                Ok(Ok(Some(bytes))) => self.buffer.push_str(&String::from_utf8_lossy(&bytes)),
                _ => return None,
            }
        }
    }

    /// The next change that is not about presence, with its id.
    pub(crate) async fn next_change(&mut self) -> Option<(String, LiveEvent)> {
        loop {
            let sse = self.next(Duration::from_secs(5)).await?;
            if sse.event != "change" {
                panic!("expected a change, got {sse:?}");
            }
            let event = LiveEvent::from_wire(&sse.data).expect("an event");
            if !matches!(event.change, Change::Presence { .. }) {
                return Some((sse.id.unwrap_or_default(), event));
            }
        }
    }

    /// Whether nothing but presence arrives within `within`.
    async fn quiet_for(&mut self, within: Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            match self.next(left).await {
                None => return true,
                Some(sse) if sse.is_presence() => continue,
                Some(_) => return false,
            }
        }
    }
}

/// A plan with a lead, a viewer, and an outsider who leads a plan of their own.
struct Fixture {
    plan: i64,
    section: i64,
    lead: Client,
    lead_id: i64,
    viewer: Client,
    viewer_id: i64,
    outsider: Client,
    other_plan: i64,
}

async fn fixture(app: &TestApp) -> Fixture {
    let LedPlan {
        lead,
        lead_id,
        plan,
        section,
        ..
    } = app
        .led_plan("Lead Ministry", "lead@example.org", "Live plan")
        .await;
    let (viewer, viewer_id) = app.loner("viewer@example.org").await;
    app.grant(&lead, plan, "viewer@example.org", "viewer").await;
    let LedPlan {
        lead: outsider,
        plan: other_plan,
        ..
    } = app
        .led_plan("Other Ministry", "outsider@example.org", "Other plan")
        .await;
    Fixture {
        plan,
        section,
        lead,
        lead_id,
        viewer,
        viewer_id,
        outsider,
        other_plan,
    }
}

#[tokio::test]
async fn changes_reach_the_open_pages_of_their_plan_and_no_one_else() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let plan = format!("plan={}", f.plan);
    let mut viewer = Stream::open(
        &app,
        &f.viewer,
        &format!("{plan}&section={}", f.section),
        None,
    )
    .await
    .expect("a viewer follows the plan");
    let mut elsewhere = Stream::open(&app, &f.outsider, &format!("plan={}", f.other_plan), None)
        .await
        .expect("the outsider follows their own plan");
    assert_eq!(
        Stream::open(&app, &f.outsider, &plan, None).await.err(),
        Some(403),
        "nobody follows a plan they may not read"
    );
    assert_eq!(
        Stream::open(&app, &app.client(), &plan, None).await.err(),
        Some(401)
    );

    app.call(&f.lead, section_save(f.plan, f.section, 1, "New text."))
        .await
        .expect("saved");
    let (_, saved) = viewer.next_change().await.expect("the save arrives");
    assert_eq!(saved.plan_id, Some(f.plan));
    assert_eq!(
        saved.change,
        Change::SectionSaved {
            section_id: f.section,
            version: 2,
            by: f.lead_id
        }
    );

    let thread = StartThread {
        plan_id: f.plan,
        section_id: f.section,
        body: "A question.".into(),
        quote: None,
        prefix: None,
        suffix: None,
    };
    app.call(&f.lead, thread).await.expect("commented");
    let (_, commented) = viewer.next_change().await.expect("the comment arrives");
    assert_eq!(
        commented.change,
        Change::Comments {
            section_id: f.section
        }
    );

    let item = app
        .count(&format!(
            "SELECT MIN(id) FROM checklist_items WHERE plan_id = {}",
            f.plan
        ))
        .await;
    let mut update = item_update(f.plan, item, 1);
    update.status = Some("in_progress".into());
    app.call(&f.lead, update)
        .await
        .expect("checklist item saved");
    let (_, checklist) = viewer
        .next_change()
        .await
        .expect("the checklist change arrives");
    assert_eq!(checklist.change, Change::Checklist);

    let review = app::reviews::api::SubmitForReview {
        plan_id: f.plan,
        section_id: f.section,
        version: 2,
    };
    app.call(&f.lead, review).await.expect("submitted");
    let (_, reviewed) = viewer.next_change().await.expect("the review arrives");
    assert_eq!(
        reviewed.change,
        Change::Reviews {
            section_id: Some(f.section)
        }
    );

    let add = app::sections::api::AddSection {
        plan_id: f.plan,
        title: "Early warning".into(),
    };
    app.call(&f.lead, add).await.expect("section added");
    let (_, listed) = viewer.next_change().await.expect("the new section arrives");
    assert_eq!(listed.change, Change::Sections);

    assert!(
        elsewhere.quiet_for(Duration::from_millis(500)).await,
        "another plan's page hears nothing of this one"
    );
}

#[tokio::test]
async fn resolving_and_reopening_reach_the_section_and_a_mention_reaches_only_that_persons_inbox() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    app.rename_person(f.viewer_id, "Vic Viewer").await;
    let section = format!("plan={}&section={}", f.plan, f.section);
    let mut on_section = Stream::open(&app, &f.viewer, &section, None)
        .await
        .expect("the viewer on the section");
    // Pages that follow no plan (home, the inbox) carry only the reader's inbox.
    let mut viewer_home = Stream::open(&app, &f.viewer, "", None)
        .await
        .expect("the viewer's home page");
    let mut lead_home = Stream::open(&app, &f.lead, "", None)
        .await
        .expect("the lead's home page");

    let thread = StartThread {
        plan_id: f.plan,
        section_id: f.section,
        body: "Over to @Vic Viewer for the figures.".into(),
        quote: None,
        prefix: None,
        suffix: None,
    };
    let thread_id = app.call(&f.lead, thread).await.expect("commented");
    let comments = Change::Comments {
        section_id: f.section,
    };
    let (_, commented) = on_section.next_change().await.expect("the comment");
    assert_eq!(commented.change, comments);
    let inbox = Change::Inbox {
        people: vec![f.viewer_id],
    };
    let (_, mentioned) = viewer_home.next_change().await.expect("the mention");
    assert_eq!(mentioned.change, inbox);
    // Every page of theirs shows the unread count, the section's too.
    let (_, counted) = on_section.next_change().await.expect("the unread count");
    assert_eq!(counted.change, inbox);
    assert!(
        lead_home.quiet_for(Duration::from_millis(500)).await,
        "nobody else's inbox hears of it"
    );

    let (plan_id, section_id) = (f.plan, f.section);
    app.call(
        &f.lead,
        ResolveThread {
            plan_id,
            section_id,
            thread_id,
        },
    )
    .await
    .expect("resolved");
    let (_, resolved) = on_section.next_change().await.expect("the resolution");
    assert_eq!(resolved.change, comments);
    app.call(
        &f.lead,
        ReopenThread {
            plan_id,
            section_id,
            thread_id,
        },
    )
    .await
    .expect("reopened");
    let (_, reopened) = on_section.next_change().await.expect("the reopening");
    assert_eq!(reopened.change, comments);
}

#[tokio::test]
async fn a_viewer_whose_role_is_revoked_stops_receiving_events_at_once() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let plan = format!("plan={}", f.plan);
    let mut viewer = Stream::open(&app, &f.viewer, &plan, None)
        .await
        .expect("following");
    let grant = app.person_grant(f.plan, f.viewer_id).await;
    let revoke = ChangeGrant {
        plan_id: f.plan,
        grant_id: grant,
        role: String::new(),
    };
    app.call(&f.lead, revoke).await.expect("revoked");
    let last = loop {
        let sse = viewer
            .next(Duration::from_secs(5))
            .await
            .expect("the stream says it ended");
        if !sse.is_presence() {
            break sse;
        }
    };
    assert_eq!(last.event, "ended", "{last:?}");
    app.call(
        &f.lead,
        section_save(f.plan, f.section, 1, "After the revocation."),
    )
    .await
    .expect("saved");
    assert!(
        viewer.next(Duration::from_secs(1)).await.is_none(),
        "nothing after the end"
    );
    assert_eq!(
        Stream::open(&app, &f.viewer, &plan, None).await.err(),
        Some(403)
    );
}

#[tokio::test]
async fn logging_out_ends_the_streams_of_that_session() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let mut tab = Stream::open(&app, &f.viewer, &format!("plan={}", f.plan), None)
        .await
        .expect("following");
    let mut home = Stream::open(&app, &f.viewer, "", None)
        .await
        .expect("a page without a plan follows the inbox");
    app.call(&f.viewer, Logout {}).await.expect("logged out");
    for stream in [&mut tab, &mut home] {
        let ended = loop {
            let sse = stream.next(Duration::from_secs(5)).await.expect("ended");
            if sse.event != "change" {
                break sse;
            }
        };
        assert_eq!(ended.event, "ended");
    }
}

#[tokio::test]
async fn a_reconnecting_page_catches_up_on_what_it_missed() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let plan = format!("plan={}", f.plan);
    let mut first = Stream::open(&app, &f.viewer, &plan, None)
        .await
        .expect("following");
    app.call(&f.lead, section_save(f.plan, f.section, 1, "One."))
        .await
        .expect("saved");
    let (seen, _) = first.next_change().await.expect("the first save");
    drop(first);
    for (base, text) in [(2, "Two."), (3, "Three.")] {
        app.call(&f.lead, section_save(f.plan, f.section, base, text))
            .await
            .expect("saved while away");
    }
    let mut again = Stream::open(&app, &f.viewer, &plan, Some(&seen))
        .await
        .expect("reconnected");
    let mut versions = Vec::new();
    while versions.len() < 2 {
        let (_, e) = again.next_change().await.expect("a missed save");
        if let Change::SectionSaved { version, .. } = e.change {
            versions.push(version);
        }
    }
    assert_eq!(versions, vec![3, 4], "each missed save once, in order");

    // An id the server cannot continue from (another run, or nonsense) asks for a reload.
    let mut stale = Stream::open(&app, &f.viewer, &plan, Some("abc-3"))
        .await
        .expect("reconnected");
    let first = stale.next(Duration::from_secs(5)).await.expect("told");
    assert_eq!(first.event, "reset");
}

/// Someone present: who, in which section, editing or not, and through which organisation.
type Place = (i64, Option<i64>, bool, Option<String>);

#[tokio::test]
async fn presence_shows_who_has_the_section_open_editing_only_if_they_may_and_goes_when_they_leave()
{
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let mut watcher = Stream::open(&app, &f.lead, &format!("plan={}", f.plan), None)
        .await
        .expect("the lead on the overview");
    let on_the_section = format!("plan={}&section={}&editing=1", f.plan, f.section);
    let viewing = Stream::open(&app, &f.viewer, &on_the_section, None)
        .await
        .expect("the viewer on the section");
    let present = |sse: &Sse| -> Option<Vec<Place>> {
        let event = LiveEvent::from_wire(&sse.data)?;
        match event.change {
            Change::Presence { present } => Some(
                present
                    .into_iter()
                    .map(|p| (p.person_id, p.section_id, p.editing, p.organisation))
                    .collect(),
            ),
            _ => None,
        }
    };
    let wait_for = async |watcher: &mut Stream, want: &dyn Fn(&[Place]) -> bool| {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while tokio::time::Instant::now() < deadline {
            if let Some(sse) = watcher.next(Duration::from_secs(10)).await {
                if present(&sse).is_some_and(|p| want(&p)) {
                    return true;
                }
            }
        }
        false
    };
    // A viewer may type the editor's address; they are shown in the section, never as editing.
    let (viewer_id, lead_id, section) = (f.viewer_id, f.lead_id, f.section);
    assert!(
        wait_for(&mut watcher, &|p| p.iter().any(
            |(who, at, editing, _)| *who == viewer_id && *at == Some(section) && !editing
        ) && p
            .iter()
            .any(|(who, at, ..)| *who == lead_id && at.is_none()))
        .await,
        "both are shown, the viewer in the section and not editing"
    );
    // The lead, who may edit, opens the editor in a second tab: shown editing, with the
    // organisation they hold the plan through.
    let editing = Stream::open(&app, &f.lead, &on_the_section, None)
        .await
        .expect("the lead on the section");
    assert!(
        wait_for(&mut watcher, &|p| p.iter().any(
            |(who, at, editing, org)| {
                *who == lead_id
                    && *at == Some(section)
                    && *editing
                    && org.as_deref() == Some("Lead Ministry")
            }
        ))
        .await,
        "the lead is shown editing, with their organisation"
    );
    drop(viewing);
    drop(editing);
    assert!(
        wait_for(&mut watcher, &|p| !p
            .iter()
            .any(|(who, at, ..)| *who == viewer_id || at.is_some()))
        .await,
        "the viewer and the lead's second tab are gone within seconds of closing the page"
    );
}

#[tokio::test]
async fn an_open_editor_takes_in_others_changes_to_other_paragraphs_and_sees_overlaps() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let base = "Para one.\n\nPara two.\n\nPara three.";
    app.call(&f.lead, section_save(f.plan, f.section, 1, base))
        .await
        .expect("saved");
    let incoming = |base_version: i64, body: &str| MergeIncoming {
        plan_id: f.plan,
        section_id: f.section,
        base_version,
        body: body.to_owned(),
    };
    let mine = "Para one.\n\nPara two.\n\nPara three, as I type it";
    assert_eq!(
        app.call(&f.lead, incoming(2, mine)).await.expect("merged"),
        Incoming::Current { version: 2 }
    );
    app.call(
        &f.lead,
        section_save(
            f.plan,
            f.section,
            2,
            "Para one, theirs.\n\nPara two.\n\nPara three.",
        ),
    )
    .await
    .expect("someone else saved");
    match app.call(&f.lead, incoming(2, mine)).await.expect("merged") {
        Incoming::Merged {
            version,
            merged,
            theirs,
            ..
        } => {
            assert_eq!(version, 3);
            assert_eq!(
                merged,
                "Para one, theirs.\n\nPara two.\n\nPara three, as I type it"
            );
            assert_eq!(theirs, "Para one, theirs.\n\nPara two.\n\nPara three.");
        }
        other => panic!("expected a merge, got {other:?}"),
    }
    let overlapping = "Para one, mine.\n\nPara two.\n\nPara three.";
    match app
        .call(&f.lead, incoming(2, overlapping))
        .await
        .expect("answered")
    {
        Incoming::Overlap(c) => {
            assert_eq!(c.passages.len(), 1);
            assert_eq!(c.passages[0].theirs, "Para one, theirs.");
            assert_eq!(c.passages[0].mine, "Para one, mine.");
        }
        other => panic!("expected an overlap, got {other:?}"),
    }
    assert_eq!(
        app.call(&f.viewer, incoming(2, mine))
            .await
            .err()
            .map(|e| e.status),
        Some(403),
        "only editors merge"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT version FROM sections WHERE id = {}",
            f.section
        ))
        .await,
        3,
        "nothing written"
    );
}

#[tokio::test]
async fn a_session_may_hold_only_so_many_open_streams() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let mut open = Vec::new();
    for _ in 0..app::pages::live::MAX_STREAMS_PER_SESSION {
        open.push(
            Stream::open(&app, &f.viewer, "", None)
                .await
                .expect("within the bound"),
        );
    }
    assert_eq!(
        Stream::open(&app, &f.viewer, "", None).await.err(),
        Some(429)
    );
    open.pop();
    // The place is freed when the server notices the closed connection.
    let mut reopened = false;
    for _ in 0..40 {
        if Stream::open(&app, &f.viewer, "", None).await.is_ok() {
            reopened = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(reopened, "a closed tab's place is given back");
}

#[tokio::test]
async fn the_server_stops_promptly_with_event_streams_open() {
    let dir = crate::helpers::temp_dir("live-stop");
    let url = format!("sqlite://{}/live.db", dir.display());
    let (mut server, base) = crate::crash::start(&url, &dir);
    let app_less = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .expect("client");
    // An account made through the running server's own database file.
    let db = app::db::Db::connect(&url).await.expect("database");
    let person = app::auth::db::insert_person(
        &db,
        "stopper@example.org",
        "Stopper",
        &app::auth::password::hash_password(
            app::auth::domain::NewPassword::parse(
                crate::helpers::PASSWORD,
                crate::helpers::PASSWORD,
                &app::auth::domain::Owner {
                    email: "stopper@example.org",
                    name: "Stopper",
                },
            )
            .map_err(|_| ())
            .expect("password"),
        )
        .await
        .expect("hash"),
        app::foundation::people::PlatformRole::Member,
        app::db::now(),
    )
    .await;
    assert!(person.is_ok());
    crate::helpers::call_at(
        &base,
        &app_less,
        crate::helpers::credentials("stopper@example.org", crate::helpers::PASSWORD),
    )
    .await
    .expect("logged in");
    let stream = app_less
        .get(format!("{base}/live"))
        .send()
        .await
        .expect("the stream opens");
    assert_eq!(stream.status(), 200);
    let pid = server.id().to_string();
    let term = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(term.success());
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let stopped = loop {
        if let Ok(Some(status)) = server.try_wait() {
            break Some(status);
        }
        if std::time::Instant::now() > deadline {
            break None;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    if stopped.is_none() {
        let _ = server.kill();
    }
    assert!(
        stopped.is_some(),
        "a stopping server ends its streams rather than waiting for them"
    );
    drop(stream);
    let _ = std::fs::remove_dir_all(&dir);
}
