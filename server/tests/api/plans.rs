//! Plans and sections over HTTP: the template, saving with merges and conflicts, history,
//! sanitising, and ids from other plans.

use crate::helpers::{error_body, field_message, spawn_app, TestApp};
use app::admin::domain::{OrgKind, OrgRole};
use app::auth::domain::PlatformRole;
use reqwest::Client;
use serde_json::Value;

/// A logged-in lead of a fresh plan created from the template: (client, plan id, org id).
async fn plan_with_lead(app: &TestApp, email: &str) -> (Client, i64, i64) {
    let org = app
        .org(&format!("Org of {email}"), OrgKind::Government)
        .await;
    let (client, _) = app
        .logged_in(email, PlatformRole::Member, Some((org, OrgRole::Member)))
        .await;
    let id = app
        .create_plan(&client, org, "National prevention plan", true)
        .await;
    (client, id, org)
}

async fn overview(app: &TestApp, client: &Client, plan: i64) -> Value {
    let res = app
        .call_by_name(client, "plan", &[("plan_id", &plan.to_string())])
        .await;
    assert_eq!(res.status(), 200);
    res.json().await.unwrap()
}

async fn first_section(app: &TestApp, client: &Client, plan: i64) -> i64 {
    overview(app, client, plan).await["sections"][0]["id"]
        .as_i64()
        .unwrap()
}

async fn save(
    app: &TestApp,
    client: &Client,
    plan: i64,
    section: i64,
    base: i64,
    body: &str,
) -> (u16, Value) {
    let res = app
        .call_by_name(
            client,
            "save_section",
            &[
                ("plan_id", &plan.to_string()),
                ("section_id", &section.to_string()),
                ("base_version", &base.to_string()),
                ("body", body),
            ],
        )
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn section(app: &TestApp, client: &Client, plan: i64, section: i64) -> Value {
    app.call_by_name(
        client,
        "section",
        &[
            ("plan_id", &plan.to_string()),
            ("section_id", &section.to_string()),
        ],
    )
    .await
    .json()
    .await
    .unwrap()
}

#[tokio::test]
async fn creating_a_plan_from_the_template_copies_its_sections_and_makes_the_creator_lead() {
    let app = spawn_app().await;
    let (client, plan, org) = plan_with_lead(&app, "lead@example.org").await;
    let o = overview(&app, &client, plan).await;
    assert_eq!(o["role"], "Lead");
    let titles: Vec<&str> = o["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 9);
    assert_eq!(titles[0], "Context and risk assessment");
    assert!(
        titles.contains(&"PSG 3 - Justice")
            && titles.contains(&"Early warning and timely response")
    );
    // Every PSG x pillar-1 cell is covered by the template; pillar 2 and 3 come from their sections.
    let cells = &o["coverage"]["cells"];
    assert!(cells[2][0].as_u64().unwrap() >= 1);
    assert!(cells[0][2].as_u64().unwrap() >= 1);
    // The lead organisation's members are editors.
    let (colleague, _) = app
        .logged_in(
            "colleague@example.org",
            PlatformRole::Member,
            Some((org, OrgRole::Member)),
        )
        .await;
    assert_eq!(overview(&app, &colleague, plan).await["role"], "Editor");
}

#[tokio::test]
async fn plan_form_reports_bad_fields_and_creates_nothing() {
    let app = spawn_app().await;
    let org = app.org("Ministry", OrgKind::Government).await;
    let other = app.org("Someone else's", OrgKind::Donor).await;
    let (client, _) = app
        .logged_in(
            "lead@example.org",
            PlatformRole::Member,
            Some((org, OrgRole::Member)),
        )
        .await;
    let (status, body) = error_body(
        app.call_by_name(
            &client,
            "create_plan",
            &[
                ("country", "ZZ"),
                ("title", " "),
                ("summary", ""),
                ("period_start", "2030"),
                ("period_end", "2026"),
                ("fragility_stage", "9"),
                ("lead_org_id", &other.to_string()),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    for field in [
        "country",
        "title",
        "period_end",
        "fragility_stage",
        "lead_org_id",
    ] {
        assert!(
            field_message(&body, field).is_some(),
            "{field} message missing: {body}"
        );
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM plans").await, 0);
    // People with no organisation cannot create plans at all.
    let (loner, _) = app
        .logged_in("loner@example.org", PlatformRole::Member, None)
        .await;
    let res = app
        .call_by_name(
            &loner,
            "create_plan",
            &[
                ("country", "SL"),
                ("title", "Mine"),
                ("summary", ""),
                ("period_start", "2026"),
                ("period_end", "2027"),
                ("fragility_stage", "1"),
                ("lead_org_id", &org.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn edits_make_revisions_that_can_be_compared_and_restored() {
    let app = spawn_app().await;
    let (client, plan, _) = plan_with_lead(&app, "lead@example.org").await;
    let sid = first_section(&app, &client, plan).await;
    let (status, out) = save(
        &app,
        &client,
        plan,
        sid,
        1,
        "Civilian oversight of the police.",
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(out["Saved"]["version"], 2);
    let (_, out) = save(
        &app,
        &client,
        plan,
        sid,
        2,
        "Civilian oversight of the army and police.",
    )
    .await;
    assert_eq!(out["Saved"]["version"], 3);
    // Saving the same text again writes nothing.
    let (_, out) = save(
        &app,
        &client,
        plan,
        sid,
        3,
        "Civilian oversight of the army and police.",
    )
    .await;
    assert_eq!(out["Unchanged"]["version"], 3);

    let s = section(&app, &client, plan, sid).await;
    assert_eq!(s["version"], 3);
    assert_eq!(s["updated_by"], "lead@example.org");
    let history: Value = app
        .call_by_name(
            &client,
            "section_history",
            &[
                ("plan_id", &plan.to_string()),
                ("section_id", &sid.to_string()),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let numbers: Vec<i64> = history["revisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["number"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, vec![3, 2, 1]);

    let cmp: Value = app
        .call_by_name(
            &client,
            "compare",
            &[
                ("plan_id", &plan.to_string()),
                ("section_id", &sid.to_string()),
                ("from", "2"),
                ("to", "3"),
            ],
        )
        .await
        .json()
        .await
        .unwrap();
    let added: String = cmp["parts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["change"] == "Added")
        .map(|p| p["text"].as_str().unwrap())
        .collect();
    assert_eq!(added.trim(), "army and");

    let res = app
        .call_by_name(
            &client,
            "restore_revision",
            &[
                ("plan_id", &plan.to_string()),
                ("section_id", &sid.to_string()),
                ("number", "2"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let s = section(&app, &client, plan, sid).await;
    assert_eq!(s["version"], 4);
    assert_eq!(s["body"], "Civilian oversight of the police.");
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
    let (ana, plan, org) = plan_with_lead(&app, "ana@example.org").await;
    let (ben, _) = app
        .logged_in(
            "ben@example.org",
            PlatformRole::Member,
            Some((org, OrgRole::Member)),
        )
        .await;
    let sid = first_section(&app, &ana, plan).await;
    save(
        &app,
        &ana,
        plan,
        sid,
        1,
        "Oversight.\n\nVetting.\n\nSmall arms.",
    )
    .await;
    // Both start from version 2.
    let (_, out) = save(
        &app,
        &ana,
        plan,
        sid,
        2,
        "Oversight by parliament.\n\nVetting.\n\nSmall arms.",
    )
    .await;
    assert_eq!(out["Saved"]["version"], 3);
    let (_, out) = save(
        &app,
        &ben,
        plan,
        sid,
        2,
        "Oversight.\n\nVetting.\n\nSmall arms, measured yearly.",
    )
    .await;
    assert_eq!(out["Merged"]["version"], 4, "{out}");
    assert_eq!(
        out["Merged"]["with"],
        serde_json::json!(["ana@example.org"]),
        "names the others, not the saver"
    );
    assert_eq!(
        section(&app, &ana, plan, sid).await["body"],
        "Oversight by parliament.\n\nVetting.\n\nSmall arms, measured yearly."
    );

    // Both change the same paragraph from version 4: the second is not saved.
    save(
        &app,
        &ana,
        plan,
        sid,
        4,
        "Oversight by parliament.\n\nVetting of all officers.\n\nSmall arms, measured yearly.",
    )
    .await;
    let (_, out) = save(
        &app,
        &ben,
        plan,
        sid,
        4,
        "Oversight by parliament.\n\nVetting with civil society.\n\nSmall arms, measured yearly.",
    )
    .await;
    let c = &out["Conflict"];
    assert_eq!(c["current_version"], 5);
    assert_eq!(c["passages"][0]["mine"], "Vetting with civil society.");
    assert_eq!(c["passages"][0]["theirs"], "Vetting of all officers.");
    assert_eq!(
        c["mine"],
        "Oversight by parliament.\n\nVetting with civil society.\n\nSmall arms, measured yearly."
    );
    assert_eq!(
        section(&app, &ana, plan, sid).await["body"],
        "Oversight by parliament.\n\nVetting of all officers.\n\nSmall arms, measured yearly."
    );
    // Resolving: save on top of the current version.
    let (_, out) = save(&app, &ben, plan, sid, 5, "Oversight by parliament.\n\nVetting of all officers, with civil society.\n\nSmall arms, measured yearly.").await;
    assert_eq!(out["Saved"]["version"], 6);
}

#[tokio::test]
async fn many_concurrent_stale_saves_never_lose_a_landed_text() {
    let app = spawn_app().await;
    let (lead, plan, org) = plan_with_lead(&app, "lead@example.org").await;
    let sid = first_section(&app, &lead, plan).await;
    let writers = 12;
    let base: Vec<String> = (0..writers).map(|i| format!("Paragraph {i}.")).collect();
    save(&app, &lead, plan, sid, 1, &base.join("\n\n")).await;
    let mut clients = Vec::new();
    for i in 0..writers {
        clients.push(
            app.logged_in(
                &format!("w{i}@example.org"),
                PlatformRole::Member,
                Some((org, OrgRole::Member)),
            )
            .await
            .0,
        );
    }

    // Round 1: everyone edits their own paragraph of version 2 at once.
    let mut tasks = Vec::new();
    for (i, client) in clients.iter().cloned().enumerate() {
        let mut mine = base.clone();
        mine[i] = format!("Paragraph {i}, edited by writer {i}.");
        let (base_url, body) = (app.base.clone(), mine.join("\n\n"));
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(format!("{base_url}/api/save_section"))
                .form(&[
                    ("plan_id", plan.to_string()),
                    ("section_id", sid.to_string()),
                    ("base_version", "2".into()),
                    ("body", body),
                ])
                .send()
                .await
                .unwrap();
            (
                i,
                res.status().as_u16(),
                res.json::<Value>().await.unwrap_or(Value::Null),
            )
        }));
    }
    let mut landed = Vec::new();
    for t in tasks {
        let (i, status, out) = t.await.unwrap();
        match status {
            200 if out.get("Saved").is_some() || out.get("Merged").is_some() => landed.push(i),
            200 => assert!(out.get("Conflict").is_some(), "unexpected outcome {out}"),
            409 => {} // refused as busy: nothing written, the writer keeps the text
            other => panic!("writer {i}: status {other} {out}"),
        }
    }
    assert!(!landed.is_empty());
    let final_body = section(&app, &lead, plan, sid).await["body"]
        .as_str()
        .unwrap()
        .to_owned();
    for i in &landed {
        assert!(
            final_body.contains(&format!("edited by writer {i}.")),
            "writer {i}'s landed edit is missing"
        );
    }
    // Round 2: everyone rewrites the same paragraph from the same stale version.
    let current = section(&app, &lead, plan, sid).await["version"]
        .as_i64()
        .unwrap();
    let current_body = final_body.clone();
    let mut tasks = Vec::new();
    for (i, client) in clients.iter().cloned().enumerate() {
        let body = current_body.replacen("Paragraph 0", &format!("Opening by writer {i}"), 1);
        let base_url = app.base.clone();
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(format!("{base_url}/api/save_section"))
                .form(&[
                    ("plan_id", plan.to_string()),
                    ("section_id", sid.to_string()),
                    ("base_version", current.to_string()),
                    ("body", body.clone()),
                ])
                .send()
                .await
                .unwrap();
            (
                i,
                res.status().as_u16(),
                res.json::<Value>().await.unwrap_or(Value::Null),
                body,
            )
        }));
    }
    let mut winners = Vec::new();
    for t in tasks {
        let (i, status, out, body) = t.await.unwrap();
        if status == 200 && out.get("Saved").is_some() {
            winners.push((i, body));
        } else {
            assert!(
                status == 409 || out.get("Conflict").is_some(),
                "writer {i}: {status} {out}"
            );
        }
    }
    assert_eq!(
        winners.len(),
        1,
        "exactly one rewrite of the same paragraph lands"
    );
    assert_eq!(
        section(&app, &lead, plan, sid).await["body"],
        winners[0].1.as_str()
    );

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
async fn hostile_markdown_is_served_harmless() {
    let app = spawn_app().await;
    let (client, plan, _) = plan_with_lead(&app, "lead@example.org").await;
    let sid = first_section(&app, &client, plan).await;
    let hostile = "<script>alert(1)</script>\n\n</textarea><script>alert(6)</script>\n\n<img src=x onerror=alert(2)>\n\n[x](javascript:alert(3))\n\n<a href=\"javascript:alert(4)\" onclick=\"alert(5)\">y</a>";
    save(&app, &client, plan, sid, 1, hostile).await;
    let html = section(&app, &client, plan, sid).await["html"]
        .as_str()
        .unwrap()
        .to_lowercase();
    // Raw HTML comes out as escaped text; no real tag carries a script, a handler or a
    // javascript: target.
    // Text `<` is escaped as `&lt;`, so every literal `<` opens a real tag.
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
    let (ana, plan_a, _) = plan_with_lead(&app, "ana@example.org").await;
    let (ben, plan_b, _) = plan_with_lead(&app, "ben@example.org").await;
    let section_b = first_section(&app, &ben, plan_b).await;
    // Ana names her own plan with Ben's section: not found, nothing written.
    let (a, s) = (plan_a.to_string(), section_b.to_string());
    for (name, form) in [
        (
            "section",
            vec![("plan_id", a.as_str()), ("section_id", s.as_str())],
        ),
        (
            "save_section",
            vec![
                ("plan_id", &a),
                ("section_id", &s),
                ("base_version", "1"),
                ("body", "x"),
            ],
        ),
        ("section_history", vec![("plan_id", &a), ("section_id", &s)]),
        (
            "compare",
            vec![
                ("plan_id", &a),
                ("section_id", &s),
                ("from", "1"),
                ("to", "1"),
            ],
        ),
        (
            "restore_revision",
            vec![("plan_id", &a), ("section_id", &s), ("number", "1")],
        ),
        (
            "rename_section",
            vec![("plan_id", &a), ("section_id", &s), ("title", "Mine now")],
        ),
        (
            "set_section_removed",
            vec![("plan_id", &a), ("section_id", &s), ("remove", "true")],
        ),
    ] {
        assert_eq!(
            app.call_by_name(&ana, name, &form).await.status(),
            404,
            "{name}"
        );
    }
    // Naming Ben's plan directly is refused.
    assert_eq!(
        app.call_by_name(
            &ana,
            "section",
            &[("plan_id", &plan_b.to_string()), ("section_id", &s)]
        )
        .await
        .status(),
        403
    );
    assert_eq!(
        app.call_by_name(&ana, "plan", &[("plan_id", &plan_b.to_string())])
            .await
            .status(),
        403
    );
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
    let (client, plan, _) = plan_with_lead(&app, "lead@example.org").await;
    let p = plan.to_string();
    let res = app
        .call_by_name(
            &client,
            "add_section",
            &[("plan_id", &p), ("title", "Annex: timeline")],
        )
        .await;
    let added: i64 = res.json().await.unwrap();
    let a = added.to_string();
    assert_eq!(
        app.call_by_name(
            &client,
            "move_section",
            &[("plan_id", &p), ("section_id", &a), ("direction", "up")]
        )
        .await
        .status(),
        200
    );
    let o = overview(&app, &client, plan).await;
    let ids: Vec<i64> = o["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids[ids.len() - 2], added);
    assert_eq!(
        app.call_by_name(
            &client,
            "rename_section",
            &[
                ("plan_id", &p),
                ("section_id", &a),
                ("title", "Annex: milestones")
            ]
        )
        .await
        .status(),
        200
    );
    let (status, body) = error_body(
        app.call_by_name(
            &client,
            "rename_section",
            &[("plan_id", &p), ("section_id", &a), ("title", "")],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "title").is_some());
    let before = overview(&app, &client, plan).await["coverage"]["cells"][3][1]
        .as_u64()
        .unwrap();
    app.call_by_name(
        &client,
        "set_section_tags",
        &[
            ("plan_id", &p),
            ("section_id", &a),
            ("psg4", "on"),
            ("pillar2", "on"),
        ],
    )
    .await;
    assert_eq!(
        overview(&app, &client, plan).await["coverage"]["cells"][3][1]
            .as_u64()
            .unwrap(),
        before + 1
    );
    app.call_by_name(
        &client,
        "set_section_removed",
        &[("plan_id", &p), ("section_id", &a), ("remove", "true")],
    )
    .await;
    let o = overview(&app, &client, plan).await;
    assert_eq!(o["removed"][0]["title"], "Annex: milestones");
    assert_eq!(
        o["coverage"]["cells"][3][1].as_u64().unwrap(),
        before,
        "removed sections do not count"
    );
    // A removed section keeps its history but cannot be edited until restored.
    let (status, _) = save(&app, &client, plan, added, 1, "text").await;
    assert_eq!(status, 409);
    app.call_by_name(
        &client,
        "set_section_removed",
        &[("plan_id", &p), ("section_id", &a), ("remove", "false")],
    )
    .await;
    let (status, _) = save(&app, &client, plan, added, 1, "text").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn people_without_a_role_are_refused_and_admins_see_only_the_listing() {
    let app = spawn_app().await;
    let (_, plan, _) = plan_with_lead(&app, "lead@example.org").await;
    let (stranger, _) = app
        .logged_in("stranger@example.org", PlatformRole::Member, None)
        .await;
    let (admin, _) = app
        .logged_in("admin@example.org", PlatformRole::Admin, None)
        .await;
    assert_eq!(
        app.call_by_name(&stranger, "plan", &[("plan_id", &plan.to_string())])
            .await
            .status(),
        403
    );
    let list: Value = app
        .call_by_name(&stranger, "plans", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["plans"].as_array().unwrap().len(), 0);
    let list: Value = app
        .call_by_name(&admin, "plans", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["plans"][0]["title"], "National prevention plan");
    assert!(list["plans"][0]["role"].is_null());
    assert_eq!(
        app.call_by_name(&admin, "plan", &[("plan_id", &plan.to_string())])
            .await
            .status(),
        403
    );
}

#[tokio::test]
async fn saves_written_together_each_learn_their_own_outcome_and_a_failing_one_spoils_none() {
    let app = spawn_app().await;
    let (_lead, plan, _) = plan_with_lead(&app, "lead@example.org").await;
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
