//! Plans and sections over HTTP: the template, saving with merges and conflicts, history,
//! sanitising, and ids from other plans.

use app::access::domain::PlanRole;
use app::foundation::people::OrgKind;
use app::plans::api::{CreatePlan, Plan, Plans};
use app::plans::views::PlanOverview;
use app::sections::api::{
    AddSection, Compare, MoveSection, RenameSection, RestoreRevision, Section, SectionHistory,
    SetSectionRemoved, SetSectionTags,
};
use app::sections::diff::Change;
use app::sections::views::{SaveOutcome, SectionDetail};
use reqwest::Client;

use crate::helpers::{
    assert_harmless, call_at, section_save, spawn_app, write_own_paragraph, LedPlan, TestApp,
};

/// A logged-in lead of a fresh plan created from the template, "National prevention plan",
/// led by their government organisation "Org of {email}".
async fn lead_plan(app: &TestApp, email: &str) -> LedPlan {
    let org = format!("Org of {email}");
    app.led_plan(&org, email, "National prevention plan").await
}

async fn overview(app: &TestApp, client: &Client, plan: i64) -> PlanOverview {
    let overview = app.call(client, Plan { plan_id: plan }).await;
    overview.expect("plan overview")
}

async fn section(app: &TestApp, client: &Client, plan: i64, section: i64) -> SectionDetail {
    let detail = Section {
        plan_id: plan,
        section_id: section,
    };
    app.call(client, detail).await.expect("the section")
}

fn all_plans() -> Plans {
    Plans {
        country: None,
        status: None,
        org: None,
    }
}

#[tokio::test]
async fn creating_a_plan_from_the_template_copies_its_sections_and_makes_the_creator_lead() {
    let app = spawn_app().await;
    let LedPlan {
        lead: client,
        plan,
        org,
        ..
    } = lead_plan(&app, "lead@example.org").await;
    let o = overview(&app, &client, plan).await;
    // The creator leads; the lead organisation's editor grant reaches them too.
    assert!(o.roles.contains(PlanRole::Lead));
    assert_eq!(o.roles.labels(), "Lead");
    let titles: Vec<&str> = o.sections.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(titles.len(), 9);
    assert_eq!(titles[0], "Context and risk assessment");
    assert!(
        titles.contains(&"PSG 3 - Justice")
            && titles.contains(&"Early warning and timely response")
    );
    // Every PSG x pillar-1 cell is covered by the template; pillar 2 and 3 come from their sections.
    let cells = &o.coverage.cells;
    assert!(cells[2][0] >= 1);
    assert!(cells[0][2] >= 1);
    // The lead organisation's members are editors.
    let (colleague, _) = app.member_of(org, "colleague@example.org").await;
    assert_eq!(
        overview(&app, &colleague, plan).await.roles,
        Some(PlanRole::Editor).into()
    );
}

/// The browser keeps a section's unsaved text under the viewer's id, so the page must say who
/// is viewing: each person gets their own id, never someone else's.
#[tokio::test]
async fn a_section_names_the_person_viewing_it() {
    let app = spawn_app().await;
    let LedPlan {
        lead,
        lead_id,
        plan,
        section: sid,
        org,
    } = lead_plan(&app, "lead@example.org").await;
    let (colleague, colleague_id) = app.member_of(org, "colleague@example.org").await;
    assert_ne!(lead_id, colleague_id);
    assert_eq!(section(&app, &lead, plan, sid).await.viewer, lead_id);
    assert_eq!(
        section(&app, &colleague, plan, sid).await.viewer,
        colleague_id
    );
}

#[tokio::test]
async fn plan_form_reports_bad_fields_and_creates_nothing() {
    let app = spawn_app().await;
    let org = app.org("Ministry", OrgKind::Government).await;
    let other = app.org("Someone else's", OrgKind::Donor).await;
    let (client, _) = app.member_of(org, "lead@example.org").await;
    let bad = CreatePlan {
        country: "ZZ".into(),
        title: " ".into(),
        summary: String::new(),
        period_start: "2030".into(),
        period_end: "2026".into(),
        fragility_stage: "9".into(),
        lead_org_id: other.to_string(),
        use_template: None,
    };
    let refused = app.call(&client, bad).await.unwrap_err();
    assert_eq!(refused.status, 422);
    for field in [
        "country",
        "title",
        "period_end",
        "fragility_stage",
        "lead_org_id",
    ] {
        assert!(
            refused.field_message(field).is_some(),
            "{field} message missing: {refused:?}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM plans").await, 0);
    // People with no organisation cannot create plans at all.
    let (loner, _) = app.loner("loner@example.org").await;
    let mine = CreatePlan {
        country: "SL".into(),
        title: "Mine".into(),
        summary: String::new(),
        period_start: "2026".into(),
        period_end: "2027".into(),
        fragility_stage: "1".into(),
        lead_org_id: org.to_string(),
        use_template: None,
    };
    assert_eq!(app.call(&loner, mine).await.unwrap_err().status, 403);
}

#[tokio::test]
async fn edits_make_revisions_that_can_be_compared_and_restored() {
    let app = spawn_app().await;
    let LedPlan {
        lead: client,
        plan,
        section: sid,
        ..
    } = lead_plan(&app, "lead@example.org").await;
    let save = |base: i64, body: &str| app.call(&client, section_save(plan, sid, base, body));
    let out = save(1, "Civilian oversight of the police.").await;
    assert_eq!(out, Ok(SaveOutcome::Saved { version: 2 }));
    let out = save(2, "Civilian oversight of the army and police.").await;
    assert_eq!(out, Ok(SaveOutcome::Saved { version: 3 }));
    // Saving the same text again writes nothing.
    let out = save(3, "Civilian oversight of the army and police.").await;
    assert_eq!(out, Ok(SaveOutcome::Unchanged { version: 3 }));

    let s = section(&app, &client, plan, sid).await;
    assert_eq!(s.version, 3);
    assert_eq!(s.updated_by.as_deref(), Some("lead@example.org"));
    let history = SectionHistory {
        plan_id: plan,
        section_id: sid,
    };
    let history = app.call(&client, history).await.expect("history");
    let numbers: Vec<i64> = history.revisions.iter().map(|r| r.number).collect();
    assert_eq!(numbers, vec![3, 2, 1]);

    let compare = Compare {
        plan_id: plan,
        section_id: sid,
        from: 2,
        to: 3,
    };
    let cmp = app.call(&client, compare).await.expect("comparison");
    let added: String = cmp
        .parts
        .iter()
        .filter(|p| p.change == Change::Added)
        .map(|p| p.text.as_str())
        .collect();
    assert_eq!(added.trim(), "army and");

    let restore = RestoreRevision {
        plan_id: plan,
        section_id: sid,
        number: 2,
    };
    app.call(&client, restore).await.expect("restored");
    let s = section(&app, &client, plan, sid).await;
    assert_eq!(s.version, 4);
    assert_eq!(s.body, "Civilian oversight of the police.");
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM revisions WHERE section_id = {sid}"
        ))
        .await,
        4,
        "restoring rewrote nothing"
    );
}

#[tokio::test]
async fn a_stale_save_of_another_paragraph_merges_and_of_the_same_paragraph_conflicts() {
    let app = spawn_app().await;
    let LedPlan {
        lead: ana,
        plan,
        org,
        section: sid,
        ..
    } = lead_plan(&app, "ana@example.org").await;
    let (ben, _) = app.member_of(org, "ben@example.org").await;
    let ana_saves = |base: i64, body: &str| app.call(&ana, section_save(plan, sid, base, body));
    let ben_saves = |base: i64, body: &str| app.call(&ben, section_save(plan, sid, base, body));
    ana_saves(1, "Oversight.\n\nVetting.\n\nSmall arms.")
        .await
        .expect("saved");
    // Both start from version 2.
    let out = ana_saves(2, "Oversight by parliament.\n\nVetting.\n\nSmall arms.").await;
    assert_eq!(out, Ok(SaveOutcome::Saved { version: 3 }));
    let out = ben_saves(2, "Oversight.\n\nVetting.\n\nSmall arms, measured yearly.")
        .await
        .unwrap();
    let SaveOutcome::Merged { version, with, .. } = &out else {
        panic!("not merged: {out:?}");
    };
    assert_eq!(*version, 4, "{out:?}");
    assert_eq!(
        with,
        &["ana@example.org"],
        "names the others, not the saver"
    );
    assert_eq!(
        section(&app, &ana, plan, sid).await.body,
        "Oversight by parliament.\n\nVetting.\n\nSmall arms, measured yearly."
    );

    // Both change the same paragraph from version 4: the second is not saved.
    ana_saves(
        4,
        "Oversight by parliament.\n\nVetting of all officers.\n\nSmall arms, measured yearly.",
    )
    .await
    .expect("saved");
    let out = ben_saves(
        4,
        "Oversight by parliament.\n\nVetting with civil society.\n\nSmall arms, measured yearly.",
    )
    .await
    .unwrap();
    let SaveOutcome::Conflict(c) = out else {
        panic!("no conflict: {out:?}");
    };
    assert_eq!(c.current_version, 5);
    assert_eq!(c.passages[0].mine, "Vetting with civil society.");
    assert_eq!(c.passages[0].theirs, "Vetting of all officers.");
    assert_eq!(
        c.mine,
        "Oversight by parliament.\n\nVetting with civil society.\n\nSmall arms, measured yearly."
    );
    assert_eq!(
        section(&app, &ana, plan, sid).await.body,
        "Oversight by parliament.\n\nVetting of all officers.\n\nSmall arms, measured yearly."
    );
    // Resolving: save on top of the current version.
    let out = ben_saves(5, "Oversight by parliament.\n\nVetting of all officers, with civil society.\n\nSmall arms, measured yearly.").await;
    assert_eq!(out, Ok(SaveOutcome::Saved { version: 6 }));
}

/// A plan led by `lead@example.org` whose first section holds `n` paragraphs (`Paragraph 0.`
/// ...) as version 2, one for each writer to edit.
async fn section_of_paragraphs(app: &TestApp, n: usize) -> (LedPlan, Vec<String>) {
    let led = lead_plan(app, "lead@example.org").await;
    let base: Vec<String> = (0..n).map(|i| format!("Paragraph {i}.")).collect();
    app.call(
        &led.lead,
        section_save(led.plan, led.section, 1, &base.join("\n\n")),
    )
    .await
    .expect("saved");
    (led, base)
}

#[tokio::test]
async fn many_concurrent_stale_saves_never_lose_a_landed_text() {
    let app = spawn_app().await;
    let writers = 12;
    let (led, base) = section_of_paragraphs(&app, writers).await;
    let (lead, plan, org, sid) = (led.lead, led.plan, led.org, led.section);
    let mut clients = Vec::new();
    for i in 0..writers {
        let (client, _) = app.member_of(org, &format!("w{i}@example.org")).await;
        clients.push(client);
    }

    // Round 1: everyone edits their own paragraph of version 2 at once.
    let mut tasks = Vec::new();
    for (i, client) in clients.iter().cloned().enumerate() {
        let mut mine = base.clone();
        mine[i] = format!("Paragraph {i}, edited by writer {i}.");
        let (base_url, save) = (
            app.base.clone(),
            section_save(plan, sid, 2, &mine.join("\n\n")),
        );
        tasks.push(tokio::spawn(async move {
            (i, call_at(&base_url, &client, save).await)
        }));
    }
    let mut landed = Vec::new();
    for t in tasks {
        let (i, out) = t.await.unwrap();
        match out {
            Ok(SaveOutcome::Saved { .. } | SaveOutcome::Merged { .. }) => landed.push(i),
            Ok(SaveOutcome::Conflict(_)) => {}
            Ok(other) => panic!("unexpected outcome {other:?}"),
            Err(other) => panic!("writer {i}: {other:?}"),
        }
    }
    // Decided in the writer lane against the text as it is there: different paragraphs all
    // merge, and nobody is asked to save again.
    assert_eq!(landed.len(), writers);
    let final_body = section(&app, &lead, plan, sid).await.body;
    for i in &landed {
        assert!(
            final_body.contains(&format!("edited by writer {i}.")),
            "writer {i}'s landed edit is missing"
        );
    }
    // Round 2: everyone rewrites the same paragraph from the same stale version.
    let current = section(&app, &lead, plan, sid).await.version;
    let current_body = final_body.clone();
    let mut tasks = Vec::new();
    for (i, client) in clients.iter().cloned().enumerate() {
        let body = current_body.replacen("Paragraph 0", &format!("Opening by writer {i}"), 1);
        let (base_url, save) = (app.base.clone(), section_save(plan, sid, current, &body));
        tasks.push(tokio::spawn(async move {
            (i, call_at(&base_url, &client, save).await, body)
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        let (i, out, body) = t.await.unwrap();
        match out {
            Ok(SaveOutcome::Saved { .. }) => winners.push((i, body)),
            Ok(SaveOutcome::Conflict(_)) => {}
            other => panic!("writer {i}: {other:?}"),
        }
    }
    assert_eq!(
        winners.len(),
        1,
        "exactly one rewrite of the same paragraph lands"
    );
    assert_eq!(section(&app, &lead, plan, sid).await.body, winners[0].1);

    // The history is gapless and holds every text that landed.
    let versions: Vec<i64> = sqlx::query_scalar(&format!(
        "SELECT number FROM revisions WHERE section_id = {sid} ORDER BY number"
    ))
    .fetch_all(app.db.reader())
    .await
    .unwrap();
    assert_eq!(versions, (1..=versions.len() as i64).collect::<Vec<_>>());
    let bodies: Vec<String> = sqlx::query_scalar(&format!(
        "SELECT body FROM revisions WHERE section_id = {sid}"
    ))
    .fetch_all(app.db.reader())
    .await
    .unwrap();
    assert!(bodies.contains(&winners[0].1));
}

#[tokio::test]
async fn many_people_saving_their_own_paragraphs_of_one_section_at_once_all_land() {
    let app = spawn_app().await;
    let (writers, rounds) = (32, 5);
    let (led, base) = section_of_paragraphs(&app, writers).await;
    let (lead, plan, org, sid) = (led.lead, led.plan, led.org, led.section);
    let mut tasks = Vec::new();
    for i in 0..writers {
        let (client, _) = app.member_of(org, &format!("w{i}@example.org")).await;
        tasks.push(tokio::spawn(write_own_paragraph(
            app.base.clone(),
            client,
            plan,
            sid,
            2,
            base.clone(),
            i,
            rounds,
        )));
    }
    for t in tasks {
        t.await.expect("writer");
    }
    let last = section(&app, &lead, plan, sid).await;
    for i in 0..writers {
        let edit = format!("Paragraph {i}, edit {} by writer {i}.", rounds - 1);
        assert!(
            last.body.contains(&edit),
            "writer {i}'s last edit is missing"
        );
    }
    // Every save wrote a version of its own: none refused, none lost in a race.
    assert_eq!(last.version, 2 + (writers * rounds) as i64);
    assert_eq!(
        server::cli::verify_audit_chain(&app.db).await.unwrap(),
        app.count("SELECT COUNT(*) FROM audit_entries").await as usize
    );
}

#[tokio::test]
async fn a_section_links_the_sections_before_and_after_it_skipping_removed_ones() {
    let app = spawn_app().await;
    let led = lead_plan(&app, "lead@example.org").await;
    let ids: Vec<(i64, String)> = overview(&app, &led.lead, led.plan)
        .await
        .sections
        .into_iter()
        .map(|s| (s.id, s.title))
        .collect();
    assert!(ids.len() >= 4, "the template has sections enough");
    let neighbours = |d: &SectionDetail| {
        (
            d.previous.as_ref().map(|n| (n.id, n.title.clone())),
            d.next.as_ref().map(|n| (n.id, n.title.clone())),
        )
    };
    let first = section(&app, &led.lead, led.plan, ids[0].0).await;
    assert_eq!(neighbours(&first), (None, Some(ids[1].clone())));
    let second = section(&app, &led.lead, led.plan, ids[1].0).await;
    assert_eq!(
        neighbours(&second),
        (Some(ids[0].clone()), Some(ids[2].clone()))
    );
    let remove = SetSectionRemoved {
        plan_id: led.plan,
        section_id: ids[2].0,
        remove: true,
    };
    app.call(&led.lead, remove).await.expect("removed");
    let second = section(&app, &led.lead, led.plan, ids[1].0).await;
    assert_eq!(neighbours(&second).1, Some(ids[3].clone()));
    let last = ids.last().expect("a last section").0;
    assert_eq!(section(&app, &led.lead, led.plan, last).await.next, None);
}

#[tokio::test]
async fn hostile_markdown_is_served_harmless() {
    let app = spawn_app().await;
    let LedPlan {
        lead: client,
        plan,
        section: sid,
        ..
    } = lead_plan(&app, "lead@example.org").await;
    let hostile = "<script>alert(1)</script>\n\n</textarea><script>alert(6)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))\n\n<a href=\"javascript:alert(4)\" onclick=\"alert(5)\">y</a>";
    app.call(&client, section_save(plan, sid, 1, hostile))
        .await
        .expect("saved");
    assert_harmless(&section(&app, &client, plan, sid).await.html);
    // A reader (no edit rights) gets the rendered HTML in the page itself.
    let (status, page) = app
        .page(&client, &format!("/plans/{plan}/sections/{sid}"))
        .await;
    assert_eq!(status, 200);
    assert!(!page.contains("<script>alert(1)"));
    assert!(
        !page.contains("<script>alert(6)"),
        "the editor's textarea cannot be closed by the text"
    );
    for tag in page
        .split('<')
        .skip(1)
        .map(|t| t.split('>').next().unwrap_or("").to_lowercase())
    {
        if tag.starts_with("script") {
            assert!(
                tag.contains("nonce="),
                "script without the page's nonce: {tag}"
            );
        }
        assert!(
            !tag.contains("javascript:") && !tag.contains(" onerror") && !tag.contains(" onclick"),
            "tag {tag}"
        );
    }
}

#[tokio::test]
async fn ids_from_another_plan_find_nothing() {
    let app = spawn_app().await;
    let LedPlan {
        lead: ana,
        plan: plan_a,
        ..
    } = lead_plan(&app, "ana@example.org").await;
    let LedPlan {
        plan: plan_b,
        section: section_b,
        ..
    } = lead_plan(&app, "ben@example.org").await;
    // Ana names her own plan with Ben's section: not found, nothing written.
    for (path, status) in [
        app.attempt(
            &ana,
            Section {
                plan_id: plan_a,
                section_id: section_b,
            },
        )
        .await,
        app.attempt(&ana, section_save(plan_a, section_b, 1, "x"))
            .await,
        app.attempt(
            &ana,
            SectionHistory {
                plan_id: plan_a,
                section_id: section_b,
            },
        )
        .await,
        app.attempt(
            &ana,
            Compare {
                plan_id: plan_a,
                section_id: section_b,
                from: 1,
                to: 1,
            },
        )
        .await,
        app.attempt(
            &ana,
            RestoreRevision {
                plan_id: plan_a,
                section_id: section_b,
                number: 1,
            },
        )
        .await,
        app.attempt(
            &ana,
            RenameSection {
                plan_id: plan_a,
                section_id: section_b,
                title: "Mine now".into(),
            },
        )
        .await,
        app.attempt(
            &ana,
            SetSectionRemoved {
                plan_id: plan_a,
                section_id: section_b,
                remove: true,
            },
        )
        .await,
    ] {
        assert_eq!(status, 404, "{path}");
    }
    // Naming Ben's plan directly is refused.
    let direct = Section {
        plan_id: plan_b,
        section_id: section_b,
    };
    assert_eq!(app.call(&ana, direct).await.unwrap_err().status, 403);
    let direct = Plan { plan_id: plan_b };
    assert_eq!(app.call(&ana, direct).await.unwrap_err().status, 403);
    let (status, _) = app.page(&ana, &format!("/plans/{plan_b}")).await;
    assert_eq!(status, 403);
    assert_eq!(
        app.count(&format!(
            "SELECT version FROM sections WHERE id = {section_b}"
        ))
        .await,
        1
    );
}

#[tokio::test]
async fn sections_are_added_renamed_reordered_tagged_removed_and_restored() {
    let app = spawn_app().await;
    let LedPlan {
        lead: client, plan, ..
    } = lead_plan(&app, "lead@example.org").await;
    let add = AddSection {
        plan_id: plan,
        title: "Annex: timeline".into(),
    };
    let added = app.call(&client, add).await.expect("added");
    let up = MoveSection {
        plan_id: plan,
        section_id: added,
        direction: "up".into(),
    };
    app.call(&client, up).await.expect("moved up");
    let o = overview(&app, &client, plan).await;
    let ids: Vec<i64> = o.sections.iter().map(|s| s.id).collect();
    assert_eq!(ids[ids.len() - 2], added);
    let rename = |title: &str| RenameSection {
        plan_id: plan,
        section_id: added,
        title: title.into(),
    };
    app.call(&client, rename("Annex: milestones"))
        .await
        .expect("renamed");
    let refused = app.call(&client, rename("")).await.unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused.field_message("title").is_some());
    let before = overview(&app, &client, plan).await.coverage.cells[3][1];
    let tags = SetSectionTags {
        plan_id: plan,
        section_id: added,
        psg1: None,
        psg2: None,
        psg3: None,
        psg4: Some("on".into()),
        psg5: None,
        pillar1: None,
        pillar2: Some("on".into()),
        pillar3: None,
    };
    app.call(&client, tags).await.expect("tagged");
    assert_eq!(
        overview(&app, &client, plan).await.coverage.cells[3][1],
        before + 1
    );
    let removed = |remove: bool| SetSectionRemoved {
        plan_id: plan,
        section_id: added,
        remove,
    };
    app.call(&client, removed(true)).await.expect("removed");
    let o = overview(&app, &client, plan).await;
    assert_eq!(o.removed[0].title, "Annex: milestones");
    assert_eq!(
        o.coverage.cells[3][1], before,
        "removed sections do not count"
    );
    // A removed section keeps its history but cannot be edited until restored.
    let save = |base: i64, body: &str| app.call(&client, section_save(plan, added, base, body));
    let refused = save(1, "text").await;
    assert_eq!(refused.unwrap_err().status, 409);
    app.call(&client, removed(false)).await.expect("restored");
    save(1, "text").await.expect("saved once restored");
}

#[tokio::test]
async fn people_without_a_role_are_refused_and_admins_see_only_the_listing() {
    let app = spawn_app().await;
    let LedPlan { plan, .. } = lead_plan(&app, "lead@example.org").await;
    let (stranger, _) = app.loner("stranger@example.org").await;
    let admin = app.admin().await;
    let read = app.call(&stranger, Plan { plan_id: plan }).await;
    assert_eq!(read.unwrap_err().status, 403);
    let list = app.call(&stranger, all_plans()).await.unwrap();
    assert_eq!(list.plans.len(), 0);
    let list = app.call(&admin, all_plans()).await.unwrap();
    assert_eq!(list.plans[0].title, "National prevention plan");
    assert!(list.plans[0].roles.is_empty());
    let read = app.call(&admin, Plan { plan_id: plan }).await;
    assert_eq!(read.unwrap_err().status, 403);
}

#[tokio::test]
async fn saves_written_together_each_learn_their_own_outcome_and_a_failing_one_spoils_none() {
    let app = spawn_app().await;
    let LedPlan { plan, .. } = lead_plan(&app, "lead@example.org").await;
    let author = app
        .count("SELECT id FROM people WHERE email = 'lead@example.org'")
        .await;
    let ids = |n: i64| {
        format!(
            "SELECT id FROM sections WHERE plan_id = {plan} ORDER BY position LIMIT 1 OFFSET {n}"
        )
    };
    let (a, b, c) = (
        app.count(&ids(0)).await,
        app.count(&ids(1)).await,
        app.count(&ids(2)).await,
    );
    let revision =
        |section: i64, expected: i64, author: i64, body: &str| app::sections::db::NewRevision {
            section_id: section,
            expected_version: expected,
            body: body.to_owned(),
            kind: "edit",
            author,
            organisation: None,
            note: String::new(),
            now: app::db::now(),
            ip: None,
        };
    // Queued before the first is written, so they share one transaction: a save of `a`, a
    // second save of `a` from the same version (stale), a save of `b` by an account that does
    // not exist (refused by the database after its version check passed) and a save of `c`.
    let saves = [
        revision(a, 1, author, "First text of a."),
        revision(a, 1, author, "Rival text of a."),
        revision(b, 1, 999_999, "Text of b by nobody."),
        revision(c, 1, author, "First text of c."),
    ];
    let tasks: Vec<_> = saves
        .into_iter()
        .map(|r| {
            let db = app.db.clone();
            tokio::spawn(async move { app::sections::save_queue::save(&db, r).await })
        })
        .collect();
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.expect("save task"));
    }
    assert!(matches!(outcomes[0], Ok(2)), "{:?}", outcomes[0]);
    assert!(
        matches!(outcomes[1], Err(app::db::DbError::Stale)),
        "{:?}",
        outcomes[1]
    );
    assert!(
        matches!(outcomes[2], Err(app::db::DbError::Sqlx(_))),
        "{:?}",
        outcomes[2]
    );
    assert!(matches!(outcomes[3], Ok(2)), "{:?}", outcomes[3]);
    // What was written is whole; the refused save left nothing behind.
    let version = |s: i64| format!("SELECT version FROM sections WHERE id = {s}");
    assert_eq!(app.count(&version(a)).await, 2);
    assert_eq!(app.count(&version(b)).await, 1);
    assert_eq!(app.count(&version(c)).await, 2);
    let texts = app
        .count(&format!(
            "SELECT COUNT(*) FROM revisions WHERE number = 2 AND section_id IN ({a}, {b}, {c})
             AND body IN ('First text of a.', 'First text of c.')"
        ))
        .await;
    assert_eq!(texts, 2);
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM revisions WHERE section_id = {b}"
        ))
        .await,
        1
    );
    assert_eq!(
        server::cli::verify_audit_chain(&app.db).await.unwrap(),
        app.count("SELECT COUNT(*) FROM audit_entries").await as usize
    );
}
