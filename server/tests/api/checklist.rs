//! The shared checklist over HTTP: the template copied into new plans, statuses and N/A
//! reasons, evidence, concurrent edits of one item, filters, the progress matrix against a
//! hand-computed fixture, permissions for every action, and ids from other plans.

use crate::helpers::{error_body, field_message, plain_form_headers, spawn_app, LedPlan, TestApp};
use app::admin::domain::{OrgKind, OrgRole};
use app::auth::domain::PlatformRole;
use reqwest::Client;
use serde_json::Value;

/// A plan created by a lead whose organisation (and so its members) are editors.
struct Fixture {
    plan: i64,
    org: i64,
    lead: Client,
}

async fn fixture(app: &TestApp) -> Fixture {
    let LedPlan {
        org, lead, plan, ..
    } = app
        .led_plan("Ministry of Justice", "lead@example.org", "Checklist plan")
        .await;
    Fixture { plan, org, lead }
}

async fn editor(app: &TestApp, f: &Fixture, email: &str) -> Client {
    app.logged_in(email, PlatformRole::Member, Some((f.org, OrgRole::Member)))
        .await
        .0
}

async fn checklist(app: &TestApp, client: &Client, plan: i64, filters: &[(&str, &str)]) -> Value {
    let plan = plan.to_string();
    let mut form = vec![("plan_id", plan.as_str())];
    form.extend_from_slice(filters);
    let res = app.call_by_name(client, "plan_checklist", &form).await;
    assert_eq!(res.status(), 200, "plan_checklist");
    res.json().await.unwrap()
}

/// The ids of the plan's active items, in template order.
async fn item_ids(app: &TestApp, client: &Client, plan: i64) -> Vec<i64> {
    checklist(app, client, plan, &[]).await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

async fn detail(app: &TestApp, client: &Client, plan: i64, item: i64) -> (u16, Value) {
    let res = app
        .call_by_name(
            client,
            "checklist_item_detail",
            &[
                ("plan_id", &plan.to_string()),
                ("item_id", &item.to_string()),
            ],
        )
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn version(app: &TestApp, item: i64) -> i64 {
    app.count(&format!(
        "SELECT version FROM checklist_items WHERE id = {item}"
    ))
    .await
}

/// `update_checklist_item` with the given fields, based on `base`.
async fn update(
    app: &TestApp,
    client: &Client,
    plan: i64,
    item: i64,
    base: i64,
    fields: &[(&str, &str)],
) -> (u16, Value) {
    let (plan, item, base) = (plan.to_string(), item.to_string(), base.to_string());
    let mut form = vec![
        ("plan_id", plan.as_str()),
        ("item_id", item.as_str()),
        ("base_version", base.as_str()),
    ];
    form.extend_from_slice(fields);
    let res = app
        .call_by_name(client, "update_checklist_item", &form)
        .await;
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Sets a field on the item's current version; panics unless it saves.
async fn set(app: &TestApp, client: &Client, plan: i64, item: i64, fields: &[(&str, &str)]) {
    let v = version(app, item).await;
    let (status, body) = update(app, client, plan, item, v, fields).await;
    assert_eq!(status, 200, "{body}");
    assert!(body.get("Saved").is_some(), "{body}");
}

async fn status_of(app: &TestApp, item: i64) -> (String, String) {
    sqlx::query_as::<_, (String, String)>(&format!(
        "SELECT status, na_reason FROM checklist_items WHERE id = {item}"
    ))
    .fetch_one(app.db.reader())
    .await
    .unwrap()
}

#[tokio::test]
async fn a_new_plan_copies_the_checklist_template_with_its_risk_factors() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let c = checklist(&app, &f.lead, f.plan, &[]).await;
    let items = c["items"].as_array().unwrap();
    assert_eq!(items.len(), 37);
    assert_eq!(c["active_count"], 37);
    assert_eq!(
        items[0]["text"],
        "Civilian oversight of the military, police and intelligence services is in law and in practice"
    );
    assert_eq!(items[0]["psg"], 2);
    assert_eq!(items[0]["pillar"], 1);
    assert_eq!(items[0]["risk_factors"], serde_json::json!([3, 5, 6]));
    assert!(items
        .iter()
        .all(|i| i["status"] == "NotStarted" && i["version"] == 1));
    assert_eq!(items[35]["risk_factors"], serde_json::json!([14]));
    // The copy is the plan's own: a plan without the section template still gets a checklist,
    // and each plan has its own rows.
    let other = app.create_plan(&f.lead, f.org, "Second plan", false).await;
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM checklist_items WHERE plan_id = {other}"
        ))
        .await,
        37
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM checklist_items").await, 74);
}

#[tokio::test]
async fn administrators_edit_the_template_and_only_new_plans_see_the_change() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let (admin, _) = app
        .logged_in("admin@example.org", PlatformRole::Admin, None)
        .await;
    // Members cannot read or change the template.
    assert_eq!(
        app.call_by_name(&f.lead, "checklist_template", &[])
            .await
            .status(),
        403
    );
    let template: Value = app
        .call_by_name(&admin, "checklist_template", &[])
        .await
        .json()
        .await
        .unwrap();
    let first = template[0]["id"].as_i64().unwrap().to_string();
    let second = template[1]["id"].as_i64().unwrap().to_string();
    let res = app
        .call_by_name(
            &f.lead,
            "update_checklist_template_item",
            &[
                ("id", &first),
                ("text", "Hijacked"),
                ("psg", "1"),
                ("pillar", "1"),
                ("risk_factors", ""),
            ],
        )
        .await;
    assert_eq!(res.status(), 403);
    let res = app
        .call_by_name(
            &admin,
            "update_checklist_template_item",
            &[
                ("id", &first),
                (
                    "text",
                    "Civilian oversight of every security service, by law",
                ),
                ("psg", "2"),
                ("pillar", "1"),
                ("risk_factors", "3, 6"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let res = app
        .call_by_name(
            &admin,
            "update_checklist_template_item",
            &[
                ("id", &second),
                ("text", "Professional standards"),
                ("psg", "2"),
                ("pillar", "1"),
                ("risk_factors", "2"),
                ("retired", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    let (status, body) = error_body(
        app.call_by_name(
            &admin,
            "add_checklist_template_item",
            &[
                ("text", "Land disputes are mediated"),
                ("psg", "6"),
                ("pillar", "1"),
                ("risk_factors", "4, 15"),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "psg").is_some());
    assert!(field_message(&body, "risk_factors").is_some());
    let res = app
        .call_by_name(
            &admin,
            "add_checklist_template_item",
            &[
                ("text", "Land disputes are mediated"),
                ("psg", "4"),
                ("pillar", "1"),
                ("risk_factors", "4, 9"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);

    let new_plan = app
        .create_plan(&f.lead, f.org, "After the change", true)
        .await;
    let items = checklist(&app, &f.lead, new_plan, &[]).await["items"].clone();
    let items = items.as_array().unwrap();
    assert_eq!(items.len(), 37, "one retired, one added");
    assert_eq!(
        items[0]["text"],
        "Civilian oversight of every security service, by law"
    );
    assert_eq!(items[0]["risk_factors"], serde_json::json!([3, 6]));
    assert!(items.iter().all(|i| i["text"] != "Professional standards"));
    assert_eq!(items[36]["text"], "Land disputes are mediated");
    // The plan created before keeps its own copy.
    let old = checklist(&app, &f.lead, f.plan, &[]).await;
    assert_eq!(
        old["items"][0]["text"],
        "Civilian oversight of the military, police and intelligence services is in law and in practice"
    );
}

#[tokio::test]
async fn status_changes_need_a_reason_only_for_not_applicable() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let ed = editor(&app, &f, "editor@example.org").await;
    let item = item_ids(&app, &ed, f.plan).await[0];

    let (status, body) = update(&app, &ed, f.plan, item, 1, &[("status", "in_progress")]).await;
    assert_eq!(status, 200);
    assert_eq!(body["Saved"]["version"], 2);
    assert_eq!(status_of(&app, item).await.0, "in_progress");

    // Not applicable without a reason: refused, next to the reason field, nothing written.
    let (status, body) = update(
        &app,
        &ed,
        f.plan,
        item,
        2,
        &[("status", "not_applicable"), ("na_reason", "  ")],
    )
    .await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "na_reason").is_some(), "{body}");
    assert_eq!(version(&app, item).await, 2);
    assert_eq!(status_of(&app, item).await.0, "in_progress");

    let (status, _) = update(
        &app,
        &ed,
        f.plan,
        item,
        2,
        &[
            ("status", "not_applicable"),
            ("na_reason", "Valdoria has no intelligence service"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        status_of(&app, item).await,
        (
            "not_applicable".to_owned(),
            "Valdoria has no intelligence service".to_owned()
        )
    );
    let (_, d) = detail(&app, &ed, f.plan, item).await;
    assert_eq!(
        d["item"]["status"]["NotApplicable"],
        "Valdoria has no intelligence service"
    );

    // Done drops the reason; an unknown status is refused.
    set(
        &app,
        &ed,
        f.plan,
        item,
        &[("status", "done"), ("na_reason", "ignored")],
    )
    .await;
    assert_eq!(
        status_of(&app, item).await,
        ("done".to_owned(), String::new())
    );
    let (status, body) = update(&app, &ed, f.plan, item, 4, &[("status", "finished")]).await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "status").is_some());

    // Other fields: a responsible organisation must hold a role on the plan; dates are checked.
    let stranger = app.org("Unrelated NGO", OrgKind::CivilSociety).await;
    let (status, body) = update(
        &app,
        &ed,
        f.plan,
        item,
        4,
        &[
            ("responsible_org_id", &stranger.to_string()),
            ("due_date", "31/12/2027"),
        ],
    )
    .await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "responsible_org_id").is_some());
    assert!(field_message(&body, "due_date").is_some());
    set(
        &app,
        &ed,
        f.plan,
        item,
        &[
            ("responsible_org_id", &f.org.to_string()),
            ("responsible_person", "Deputy Minister A. Dara"),
            ("due_date", "2027-12-31"),
        ],
    )
    .await;
    let (_, d) = detail(&app, &ed, f.plan, item).await;
    assert_eq!(d["item"]["responsible_org_name"], "Ministry of Justice");
    assert_eq!(d["item"]["responsible_person"], "Deputy Minister A. Dara");
    assert_eq!(
        d["item"]["status"], "Done",
        "fields left out keep their value"
    );
    // Every version is kept, and the item page lists who changed what, newest first.
    let history = d["history"].as_array().unwrap();
    assert_eq!(history.len(), 5);
    assert_eq!(history[0]["by"], "editor@example.org");
    assert_eq!(
        history[0]["changes"],
        serde_json::json!([
            "Responsible organisation: Ministry of Justice",
            "Responsible person: Deputy Minister A. Dara",
            "Due date: 2027-12-31"
        ])
    );
    assert_eq!(
        history[2]["changes"],
        serde_json::json!(["Status: Not applicable: Valdoria has no intelligence service"])
    );
    assert_eq!(history[4]["changes"], serde_json::json!([]));
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM checklist_item_versions WHERE item_id = {item}"
        ))
        .await,
        5
    );
}

#[tokio::test]
async fn evidence_records_who_added_it_and_accepts_only_web_links() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let ed = editor(&app, &f, "editor@example.org").await;
    let item = item_ids(&app, &ed, f.plan).await[5];
    let add = |note: &'static str, url: &'static str| {
        let (app, ed, plan) = (&app, &ed, f.plan);
        async move {
            app.call_by_name(
                ed,
                "add_evidence",
                &[
                    ("plan_id", &plan.to_string()),
                    ("item_id", &item.to_string()),
                    ("note", note),
                    ("url", url),
                ],
            )
            .await
        }
    };
    let res = add(
        "Vetting board established by decree 14/2026",
        "https://gazette.example.org/2026/14",
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        add("Minutes of the first board meeting", "").await.status(),
        200
    );
    let (status, body) = error_body(add("Sneaky", "javascript:alert(document.cookie)").await).await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "url").is_some());
    let (status, body) = error_body(add(" ", "").await).await;
    assert_eq!(status, 422);
    assert!(field_message(&body, "note").is_some());

    let (_, d) = detail(&app, &ed, f.plan, item).await;
    let evidence = d["evidence"].as_array().unwrap();
    assert_eq!(evidence.len(), 2);
    assert_eq!(
        evidence[0]["note"],
        "Vetting board established by decree 14/2026"
    );
    assert_eq!(evidence[0]["url"], "https://gazette.example.org/2026/14");
    assert_eq!(evidence[0]["added_by"], "editor@example.org");
    assert_eq!(evidence[0]["organisation"], "Ministry of Justice");
    assert!(evidence[0]["added_at"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(evidence[1]["url"], Value::Null);
    assert_eq!(d["item"]["evidence_count"], 2);

    // The item page renders the link safely and the note as text.
    let (status, html) = app
        .page(&ed, &format!("/plans/{}/checklist/{item}", f.plan))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("href=\"https://gazette.example.org/2026/14\""));
    assert!(!html.contains("javascript:alert"));
}

#[tokio::test]
async fn concurrent_edits_of_one_item_merge_different_fields_and_conflict_on_the_same_field() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let amina = editor(&app, &f, "amina@example.org").await;
    let bruno = editor(&app, &f, "bruno@example.org").await;
    let carla = editor(&app, &f, "carla@example.org").await;
    let item = item_ids(&app, &amina, f.plan).await[2];

    // All three opened version 1. Amina saves the status first.
    let (status, body) = update(&app, &amina, f.plan, item, 1, &[("status", "done")]).await;
    assert_eq!(status, 200);
    assert_eq!(body["Saved"]["version"], 2);

    // Bruno changes other fields from version 1: merged, saved, and he is told with whom.
    let (status, body) = update(
        &app,
        &bruno,
        f.plan,
        item,
        1,
        &[
            ("responsible_person", "B. Kora"),
            ("due_date", "2027-06-30"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["Merged"]["version"], 3, "{body}");
    assert_eq!(
        body["Merged"]["with"],
        serde_json::json!(["amina@example.org"])
    );
    let (_, d) = detail(&app, &carla, f.plan, item).await;
    assert_eq!(d["item"]["status"], "Done");
    assert_eq!(d["item"]["responsible_person"], "B. Kora");
    assert_eq!(d["item"]["version"], 3);

    // Carla, still on version 1, sets the status to something else: a conflict showing both
    // values; nothing is written.
    let (status, body) = update(
        &app,
        &carla,
        f.plan,
        item,
        1,
        &[
            ("status", "not_applicable"),
            ("na_reason", "Handled by the regional body"),
            ("responsible_person", "B. Kora"),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let conflict = &body["Conflict"];
    assert_eq!(conflict["current_version"], 3, "{body}");
    assert_eq!(conflict["fields"].as_array().unwrap().len(), 1, "{body}");
    assert_eq!(conflict["fields"][0]["field"], "Status");
    assert_eq!(
        conflict["fields"][0]["mine"],
        "Not applicable: Handled by the regional body"
    );
    assert_eq!(conflict["fields"][0]["theirs"], "Done");
    assert_eq!(
        conflict["theirs_by"],
        serde_json::json!(["amina@example.org", "bruno@example.org"])
    );
    assert_eq!(version(&app, item).await, 3);
    assert_eq!(status_of(&app, item).await.0, "done");

    // Saving the value already saved is no change; a save on the current version wins.
    let (_, body) = update(&app, &carla, f.plan, item, 1, &[("status", "done")]).await;
    assert_eq!(body["Unchanged"]["version"], 3);
    let (_, body) = update(&app, &carla, f.plan, item, 3, &[("status", "in_progress")]).await;
    assert_eq!(body["Saved"]["version"], 4);

    // Many saves from the same version at once: each either lands or is told; none is lost.
    let mut tasks = Vec::new();
    for (i, who) in ["amina@example.org", "bruno@example.org"]
        .iter()
        .enumerate()
    {
        let client = editor(&app, &f, &format!("racer{i}-{who}")).await;
        let base = app.base.clone();
        let plan = f.plan;
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(format!("{base}/api/update_checklist_item"))
                .form(&[
                    ("plan_id", plan.to_string()),
                    ("item_id", item.to_string()),
                    ("base_version", "4".to_owned()),
                    ("responsible_person", format!("Racer {i}")),
                ])
                .send()
                .await
                .unwrap();
            res.json::<Value>().await.unwrap()
        }));
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    let saved = outcomes
        .iter()
        .filter(|o| o.get("Saved").is_some() || o.get("Merged").is_some())
        .count();
    let conflicts = outcomes
        .iter()
        .filter(|o| o.get("Conflict").is_some())
        .count();
    assert_eq!((saved, conflicts), (1, 1), "{outcomes:?}");
    assert_eq!(version(&app, item).await, 5);
}

/// The hand-computed fixture: some items done, in progress, not applicable, retired, overdue.
/// Template cells (PSG rows x pillar columns): 1: 9 1 1 / 2: 8 1 3 / 3: 3 1 1 / 4: 3 1 0 / 5: 2 3 0.
async fn progress_fixture(app: &TestApp, f: &Fixture) -> Vec<i64> {
    let ed = editor(app, f, "editor@example.org").await;
    let ids = item_ids(app, &ed, f.plan).await;
    // Items are numbered as in the template (1-based).
    let n = |i: usize| ids[i - 1];
    for i in [1, 2, 34] {
        set(
            app,
            &ed,
            f.plan,
            n(i),
            &[("status", "done"), ("due_date", "2020-01-01")],
        )
        .await;
    }
    for i in [3, 36] {
        set(
            app,
            &ed,
            f.plan,
            n(i),
            &[
                ("status", "not_applicable"),
                ("na_reason", "Not relevant here"),
            ],
        )
        .await;
    }
    set(
        app,
        &ed,
        f.plan,
        n(9),
        &[("status", "in_progress"), ("due_date", "2020-01-01")],
    )
    .await;
    set(app, &ed, f.plan, n(5), &[("due_date", "2099-12-31")]).await;
    set(
        app,
        &ed,
        f.plan,
        n(10),
        &[("responsible_org_id", &f.org.to_string())],
    )
    .await;
    let res = app
        .call_by_name(
            &f.lead,
            "set_checklist_item_retired",
            &[
                ("plan_id", &f.plan.to_string()),
                ("item_id", &n(31).to_string()),
                ("retired", "true"),
            ],
        )
        .await;
    assert_eq!(res.status(), 200);
    ids
}

#[tokio::test]
async fn the_matrix_counts_done_over_applicable_items_as_computed_by_hand() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let ids = progress_fixture(&app, &f).await;
    let res = app
        .call_by_name(
            &f.lead,
            "checklist_progress",
            &[("plan_id", &f.plan.to_string())],
        )
        .await;
    assert_eq!(res.status(), 200);
    let g: Value = res.json().await.unwrap();
    let cell = |psg: usize, pillar: usize| {
        let c = &g["matrix"]["cells"][psg - 1][pillar - 1];
        (c["done"].as_u64().unwrap(), c["total"].as_u64().unwrap())
    };
    // PSG 2 x pillar 1: 8 items, one N/A -> 7, two done.
    assert_eq!(cell(2, 1), (2, 7));
    // PSG 1 x pillar 3: the incitement item, done.
    assert_eq!(cell(1, 3), (1, 1));
    // PSG 2 x pillar 3: 3 items, one N/A, none done.
    assert_eq!(cell(2, 3), (0, 2));
    // PSG 1 x pillar 2: its only item retired.
    assert_eq!(cell(1, 2), (0, 0));
    assert_eq!(cell(2, 2), (0, 1));
    assert_eq!(cell(1, 1), (0, 9));
    assert_eq!(cell(5, 2), (0, 3));
    assert_eq!(cell(4, 3), (0, 0));
    let total: u64 = (1..=5)
        .flat_map(|p| (1..=3).map(move |q| (p, q)))
        .map(|(p, q)| cell(p, q).1)
        .sum();
    assert_eq!(total, 37 - 2 - 1);
    // Risk factor 14's only item is N/A: the one gap. 10 and 12 are addressed by a done item.
    assert_eq!(g["unaddressed"], serde_json::json!([14]));
    // Overdue: the in-progress item due in 2020; done items due then are not overdue.
    let overdue = g["overdue"].as_array().unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["id"], ids[8]);

    // The overview draws it: cell text, a link to the filtered list, the gap highlighted.
    let (status, html) = app.page(&f.lead, &format!("/plans/{}", f.plan)).await;
    assert_eq!(status, 200);
    assert!(html.contains("2 / 7"), "matrix cell missing");
    assert!(html.contains(&format!(
        "href=\"/plans/{}/checklist?psg=2&amp;pillar=1\"",
        f.plan
    )));
    assert!(html.contains("risk-gap"), "risk strip missing");
}

#[tokio::test]
async fn filters_select_items_by_goal_pillar_risk_status_organisation_and_overdue() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let ids = progress_fixture(&app, &f).await;
    let count = |filters: &'static [(&'static str, &'static str)]| {
        let (app, lead, plan) = (&app, &f.lead, f.plan);
        async move {
            checklist(app, lead, plan, filters).await["items"]
                .as_array()
                .unwrap()
                .len()
        }
    };
    assert_eq!(count(&[]).await, 36, "the retired item is left out");
    assert_eq!(count(&[("psg", "2")]).await, 12);
    assert_eq!(count(&[("pillar", "3")]).await, 5);
    assert_eq!(count(&[("psg", "1"), ("pillar", "2")]).await, 0);
    assert_eq!(count(&[("risk", "14")]).await, 1);
    assert_eq!(count(&[("risk", "6")]).await, 10, "11 items, one retired");
    assert_eq!(count(&[("status", "done")]).await, 3);
    assert_eq!(count(&[("status", "not_applicable")]).await, 2);
    assert_eq!(count(&[("psg", "2"), ("status", "done")]).await, 2);
    assert_eq!(count(&[("overdue", "1")]).await, 1);
    // Nonsense values are ignored rather than failing the page.
    assert_eq!(count(&[("psg", "9"), ("status", "nope")]).await, 36);
    let org = f.org.to_string();
    let by_org = checklist(&app, &f.lead, f.plan, &[("org", &org)]).await;
    assert_eq!(by_org["items"].as_array().unwrap().len(), 1);
    assert_eq!(by_org["items"][0]["id"], ids[9]);
    // Leads see the retired item separately.
    assert_eq!(
        checklist(&app, &f.lead, f.plan, &[]).await["retired"][0]["id"],
        ids[30]
    );

    // The page's GET form works without JavaScript.
    let (status, html) = app
        .page(&f.lead, &format!("/plans/{}/checklist?risk=14", f.plan))
        .await;
    assert_eq!(status, 200);
    assert_eq!(
        html.matches("class=\"checklist-item").count(),
        1,
        "one item shown"
    );
    assert!(html.contains("Humanitarian and peacekeeping personnel"));
}

/// What a client may do: the status of each checklist action.
async fn attempt_all(
    app: &TestApp,
    client: &Client,
    plan: i64,
    item: i64,
    section: i64,
) -> Vec<u16> {
    let (p, i, s) = (plan.to_string(), item.to_string(), section.to_string());
    let v = version(app, item).await.to_string();
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("plan_checklist", vec![("plan_id", &p)]),
        (
            "checklist_item_detail",
            vec![("plan_id", &p), ("item_id", &i)],
        ),
        ("checklist_progress", vec![("plan_id", &p)]),
        (
            "update_checklist_item",
            vec![
                ("plan_id", &p),
                ("item_id", &i),
                ("base_version", &v),
                ("status", "in_progress"),
            ],
        ),
        (
            "add_evidence",
            vec![
                ("plan_id", &p),
                ("item_id", &i),
                ("note", "A note"),
                ("url", ""),
            ],
        ),
        (
            "link_checklist_section",
            vec![
                ("plan_id", &p),
                ("item_id", &i),
                ("section_id", &s),
                ("link", "true"),
            ],
        ),
        (
            "edit_checklist_item",
            vec![
                ("plan_id", &p),
                ("item_id", &i),
                ("base_version", &v),
                ("text", "Reworded item"),
                ("psg", "3"),
                ("pillar", "2"),
                ("risk_factors", "1"),
            ],
        ),
        (
            "add_checklist_item",
            vec![
                ("plan_id", &p),
                ("text", "An extra item"),
                ("psg", "1"),
                ("pillar", "1"),
                ("risk_factors", "9"),
            ],
        ),
        (
            "set_checklist_item_retired",
            vec![("plan_id", &p), ("item_id", &i), ("retired", "false")],
        ),
    ];
    let mut out = Vec::new();
    for (name, form) in calls {
        out.push(
            app.call_by_name(client, name, &form)
                .await
                .status()
                .as_u16(),
        );
    }
    out
}

#[tokio::test]
async fn each_checklist_action_is_allowed_only_to_the_roles_that_may_do_it() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let ids = item_ids(&app, &f.lead, f.plan).await;
    let o: Value = app
        .call_by_name(&f.lead, "plan", &[("plan_id", &f.plan.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let section = o["sections"][0]["id"].as_i64().unwrap();
    let mut clients = Vec::new();
    for role in ["viewer", "commenter", "reviewer", "editor"] {
        let email = format!("{role}@example.org");
        let (client, _) = app.logged_in(&email, PlatformRole::Member, None).await;
        app.grant(&f.lead, f.plan, &email, role).await;
        clients.push((role, client));
    }
    let (outsider, _) = app
        .logged_in("outsider@example.org", PlatformRole::Member, None)
        .await;
    let (admin, _) = app
        .logged_in("admin@example.org", PlatformRole::Admin, None)
        .await;
    let anonymous = app.client();

    let read_only = vec![200, 200, 200, 403, 403, 403, 403, 403, 403];
    for (role, client) in &clients[..3] {
        assert_eq!(
            attempt_all(&app, client, f.plan, ids[0], section).await,
            read_only,
            "{role}"
        );
    }
    // Nothing the refused calls tried was written.
    assert_eq!(version(&app, ids[0]).await, 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM checklist_evidence").await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM checklist_item_sections")
            .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT COUNT(*) FROM checklist_items WHERE plan_id = {}",
            f.plan
        ))
        .await,
        37
    );
    for (who, client) in [("outsider", &outsider), ("platform admin", &admin)] {
        assert_eq!(
            attempt_all(&app, client, f.plan, ids[0], section).await,
            vec![403; 9],
            "{who}"
        );
    }
    assert_eq!(
        attempt_all(&app, &anonymous, f.plan, ids[0], section).await,
        vec![401; 9]
    );
    // Editors change statuses, evidence and links, but not the item's definition.
    assert_eq!(
        attempt_all(&app, &clients[3].1, f.plan, ids[1], section).await,
        vec![200, 200, 200, 200, 200, 200, 403, 403, 403]
    );
    assert_eq!(
        attempt_all(&app, &f.lead, f.plan, ids[2], section).await,
        vec![200; 9]
    );
    let (_, d) = detail(&app, &f.lead, f.plan, ids[2]).await;
    assert_eq!(d["item"]["text"], "Reworded item");
    assert_eq!(d["item"]["psg"], 3);
    assert_eq!(d["linked_sections"][0][0], section);
    // A viewer sees the checklist but no controls.
    let viewer = &clients[0].1;
    let (status, html) = app
        .page(viewer, &format!("/plans/{}/checklist", f.plan))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Civilian oversight"));
    assert!(
        !html.contains("update_checklist_item"),
        "no edit form for viewers"
    );
}

#[tokio::test]
async fn ids_from_another_plan_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let other_org = app.org("Other ministry", OrgKind::Government).await;
    let (other_lead, _) = app
        .logged_in(
            "other@example.org",
            PlatformRole::Member,
            Some((other_org, OrgRole::Member)),
        )
        .await;
    let other_plan = app
        .create_plan(&other_lead, other_org, "Other plan", true)
        .await;
    let foreign_item = item_ids(&app, &other_lead, other_plan).await[0];
    let o: Value = app
        .call_by_name(&other_lead, "plan", &[("plan_id", &other_plan.to_string())])
        .await
        .json()
        .await
        .unwrap();
    let foreign_section = o["sections"][0]["id"].as_i64().unwrap();
    let own_item = item_ids(&app, &f.lead, f.plan).await[0];
    let (p, fi) = (f.plan.to_string(), foreign_item.to_string());

    // The lead of plan A names plan A with plan B's item: not found, whatever the action.
    assert_eq!(detail(&app, &f.lead, f.plan, foreign_item).await.0, 404);
    let (status, _) = update(
        &app,
        &f.lead,
        f.plan,
        foreign_item,
        1,
        &[("status", "done")],
    )
    .await;
    assert_eq!(status, 404);
    for (name, form) in [
        (
            "add_evidence",
            vec![
                ("plan_id", p.as_str()),
                ("item_id", &fi),
                ("note", "x"),
                ("url", ""),
            ],
        ),
        (
            "set_checklist_item_retired",
            vec![
                ("plan_id", p.as_str()),
                ("item_id", &fi),
                ("retired", "true"),
            ],
        ),
        (
            "edit_checklist_item",
            vec![
                ("plan_id", p.as_str()),
                ("item_id", &fi),
                ("base_version", "1"),
                ("text", "Hijacked"),
                ("psg", "1"),
                ("pillar", "1"),
                ("risk_factors", ""),
            ],
        ),
        (
            "link_checklist_section",
            vec![
                ("plan_id", p.as_str()),
                ("item_id", &fi),
                ("section_id", &foreign_section.to_string()),
                ("link", "true"),
            ],
        ),
        // Own item, other plan's section.
        (
            "link_checklist_section",
            vec![
                ("plan_id", p.as_str()),
                ("item_id", &own_item.to_string()),
                ("section_id", &foreign_section.to_string()),
                ("link", "true"),
            ],
        ),
    ] {
        assert_eq!(
            app.call_by_name(&f.lead, name, &form).await.status(),
            404,
            "{name}"
        );
    }
    assert_eq!(version(&app, foreign_item).await, 1);
    assert_eq!(status_of(&app, foreign_item).await.0, "not_started");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM checklist_evidence").await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM checklist_item_sections")
            .await,
        0
    );
    assert_eq!(
        app.count(&format!(
            "SELECT retired FROM checklist_items WHERE id = {foreign_item}"
        ))
        .await,
        0
    );
    // Naming plan B directly: not a member there.
    assert_eq!(detail(&app, &f.lead, other_plan, foreign_item).await.0, 403);
}

#[tokio::test]
async fn a_status_change_posted_without_javascript_comes_back_to_the_page_with_its_outcome() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let item = item_ids(&app, &f.lead, f.plan).await[0];
    let page = format!("/plans/{}/checklist", f.plan);
    let res = f
        .lead
        .post(format!("{}/api/update_checklist_item", app.base))
        .headers(plain_form_headers(&app.base, &page))
        .form(&[
            ("plan_id", f.plan.to_string()),
            ("item_id", item.to_string()),
            ("base_version", "1".to_owned()),
            ("status", "done".to_owned()),
        ])
        .send()
        .await
        .unwrap();
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(status_of(&app, item).await.0, "done");
    let (status, html) = app.page(&f.lead, &page).await;
    assert_eq!(status, 200);
    assert!(html.contains("Saved."), "outcome shown once");
    let (_, html) = app.page(&f.lead, &page).await;
    assert!(!html.contains("Saved."), "and only once");

    // An N/A without reason comes back with the message next to the field.
    let res = f
        .lead
        .post(format!("{}/api/update_checklist_item", app.base))
        .headers(plain_form_headers(&app.base, &page))
        .form(&[
            ("plan_id", f.plan.to_string()),
            ("item_id", item.to_string()),
            ("base_version", "2".to_owned()),
            ("status", "not_applicable".to_owned()),
            ("na_reason", String::new()),
        ])
        .send()
        .await
        .unwrap();
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    let (_, html) = app
        .page(&f.lead, location.trim_start_matches(&app.base))
        .await;
    assert!(html.contains("Say why this item does not apply to the country."));
}
