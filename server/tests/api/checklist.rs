//! The shared checklist over HTTP: the template copied into new plans, statuses and N/A
//! reasons, evidence, concurrent edits of one item, filters, the progress matrix against a
//! hand-computed fixture, permissions for every action, and ids from other plans.

use app::checklist::api::{
    AddChecklistItem, AddEvidence, ChecklistItemDetail, ChecklistProgress, EditChecklistItem,
    LinkChecklistSection, PlanChecklist, SetChecklistItemRetired, UpdateChecklistItem,
};
use app::checklist::domain::ItemStatus;
use app::checklist::template_api::{
    AddChecklistTemplateItem, ChecklistTemplate, UpdateChecklistTemplateItem,
};
use app::checklist::views::{Checklist, ItemDetail, ItemSaveOutcome};
use app::foundation::people::OrgKind;
use leptos::server_fn::ServerFn;
use reqwest::Client;

use crate::helpers::{call_at, item_update, spawn_app, Failure, LedPlan, Status, TestApp};

/// A plan created by a lead whose organisation (and so its members) are editors.
async fn fixture(app: &TestApp) -> LedPlan {
    app.led_plan("Ministry of Justice", "lead@example.org", "Checklist plan")
        .await
}

async fn editor(app: &TestApp, f: &LedPlan, email: &str) -> Client {
    app.member_of(f.org, email).await.0
}

fn some(value: &str) -> Option<String> {
    Some(value.to_owned())
}

/// `update` setting the status to done.
fn done_from(update: UpdateChecklistItem) -> UpdateChecklistItem {
    UpdateChecklistItem {
        status: some("done"),
        ..update
    }
}

/// The checklist of `plan`, unfiltered: set the filters to apply.
fn all_items(plan: i64) -> PlanChecklist {
    PlanChecklist {
        plan_id: plan,
        psg: None,
        pillar: None,
        risk: None,
        status: None,
        org: None,
        overdue: None,
    }
}

async fn checklist(app: &TestApp, client: &Client, filter: PlanChecklist) -> Checklist {
    app.call(client, filter).await.expect("the checklist")
}

/// The ids of the plan's active items, in template order.
async fn item_ids(app: &TestApp, client: &Client, plan: i64) -> Vec<i64> {
    let list = checklist(app, client, all_items(plan)).await;
    list.items.iter().map(|i| i.id).collect()
}

async fn detail(
    app: &TestApp,
    client: &Client,
    plan: i64,
    item: i64,
) -> Result<ItemDetail, Failure> {
    let detail = ChecklistItemDetail {
        plan_id: plan,
        item_id: item,
    };
    app.call(client, detail).await
}

async fn version(app: &TestApp, item: i64) -> i64 {
    app.count(&format!(
        "SELECT version FROM checklist_items WHERE id = {item}"
    ))
    .await
}

/// Changes fields of the item as `change` sets them, on its current version; panics unless
/// it saves.
async fn set(
    app: &TestApp,
    client: &Client,
    plan: i64,
    item: i64,
    change: impl FnOnce(&mut UpdateChecklistItem),
) {
    let mut update = item_update(plan, item, version(app, item).await);
    change(&mut update);
    let out = app.call(client, update).await;
    assert!(matches!(out, Ok(ItemSaveOutcome::Saved { .. })), "{out:?}");
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
    let c = checklist(&app, &f.lead, all_items(f.plan)).await;
    let items = &c.items;
    assert_eq!(items.len(), 37);
    assert_eq!(c.active_count, 37);
    assert_eq!(
        items[0].text,
        "Civilian oversight of the military, police and intelligence services is in law and in practice"
    );
    assert_eq!(items[0].psg, 2);
    assert_eq!(items[0].pillar, 1);
    assert_eq!(items[0].risk_factors, [3, 5, 6]);
    assert!(items
        .iter()
        .all(|i| i.status == ItemStatus::NotStarted && i.version == 1));
    assert_eq!(items[35].risk_factors, [14]);
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
    let admin = app.admin().await;
    // Members cannot read or change the template.
    let refused = app.call(&f.lead, ChecklistTemplate {}).await;
    assert_eq!(refused.unwrap_err().status, 403);
    let template = app.call(&admin, ChecklistTemplate {}).await.unwrap();
    let (first, second) = (template[0].id, template[1].id);
    let change = |id: i64, text: &str, psg: &str, risk_factors: &str| UpdateChecklistTemplateItem {
        id,
        text: text.into(),
        psg: psg.into(),
        pillar: "1".into(),
        risk_factors: risk_factors.into(),
        retired: None,
    };
    let refused = app.call(&f.lead, change(first, "Hijacked", "1", "")).await;
    assert_eq!(refused.unwrap_err().status, 403);
    let reworded = change(
        first,
        "Civilian oversight of every security service, by law",
        "2",
        "3, 6",
    );
    app.call(&admin, reworded).await.expect("reworded");
    let retired = UpdateChecklistTemplateItem {
        retired: some("yes"),
        ..change(second, "Professional standards", "2", "2")
    };
    app.call(&admin, retired).await.expect("retired");
    let add = |psg: &str, risk_factors: &str| AddChecklistTemplateItem {
        text: "Land disputes are mediated".into(),
        psg: psg.into(),
        pillar: "1".into(),
        risk_factors: risk_factors.into(),
    };
    let refused = app.call(&admin, add("6", "4, 15")).await.unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused.field_message("psg").is_some());
    assert!(refused.field_message("risk_factors").is_some());
    app.call(&admin, add("4", "4, 9")).await.expect("added");

    let new_plan = app
        .create_plan(&f.lead, f.org, "After the change", true)
        .await;
    let items = checklist(&app, &f.lead, all_items(new_plan)).await.items;
    assert_eq!(items.len(), 37, "one retired, one added");
    assert_eq!(
        items[0].text,
        "Civilian oversight of every security service, by law"
    );
    assert_eq!(items[0].risk_factors, [3, 6]);
    assert!(items.iter().all(|i| i.text != "Professional standards"));
    assert_eq!(items[36].text, "Land disputes are mediated");
    // The plan created before keeps its own copy.
    let old = checklist(&app, &f.lead, all_items(f.plan)).await;
    assert_eq!(
        old.items[0].text,
        "Civilian oversight of the military, police and intelligence services is in law and in practice"
    );
}

#[tokio::test]
async fn status_changes_need_a_reason_only_for_not_applicable() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let ed = editor(&app, &f, "editor@example.org").await;
    let item = item_ids(&app, &ed, f.plan).await[0];
    let update = |base: i64| item_update(f.plan, item, base);

    let in_progress = UpdateChecklistItem {
        status: some("in_progress"),
        ..update(1)
    };
    let out = app.call(&ed, in_progress).await;
    assert_eq!(
        out,
        Ok(ItemSaveOutcome::Saved {
            item_id: item,
            version: 2
        })
    );
    assert_eq!(status_of(&app, item).await.0, "in_progress");

    // Not applicable without a reason: refused, next to the reason field, nothing written.
    let without_reason = UpdateChecklistItem {
        status: some("not_applicable"),
        na_reason: some("  "),
        ..update(2)
    };
    let refused = app.call(&ed, without_reason).await.unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused.field_message("na_reason").is_some(), "{refused:?}");
    assert_eq!(version(&app, item).await, 2);
    assert_eq!(status_of(&app, item).await.0, "in_progress");

    let with_reason = UpdateChecklistItem {
        status: some("not_applicable"),
        na_reason: some("Valdoria has no intelligence service"),
        ..update(2)
    };
    app.call(&ed, with_reason).await.expect("not applicable");
    assert_eq!(
        status_of(&app, item).await,
        (
            "not_applicable".to_owned(),
            "Valdoria has no intelligence service".to_owned()
        )
    );
    let d = detail(&app, &ed, f.plan, item).await.unwrap();
    assert_eq!(
        d.item.status,
        ItemStatus::NotApplicable("Valdoria has no intelligence service".into())
    );

    // Done drops the reason; an unknown status is refused.
    set(&app, &ed, f.plan, item, |u| {
        u.status = some("done");
        u.na_reason = some("ignored");
    })
    .await;
    assert_eq!(
        status_of(&app, item).await,
        ("done".to_owned(), String::new())
    );
    let unknown = UpdateChecklistItem {
        status: some("finished"),
        ..update(4)
    };
    let refused = app.call(&ed, unknown).await.unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused.field_message("status").is_some());

    // Other fields: a responsible organisation must hold a role on the plan; dates are checked.
    let stranger = app.org("Unrelated NGO", OrgKind::CivilSociety).await;
    let bad = UpdateChecklistItem {
        responsible_org_id: Some(stranger.to_string()),
        due_date: some("31/12/2027"),
        ..update(4)
    };
    let refused = app.call(&ed, bad).await.unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused.field_message("responsible_org_id").is_some());
    assert!(refused.field_message("due_date").is_some());
    set(&app, &ed, f.plan, item, |u| {
        u.responsible_org_id = Some(f.org.to_string());
        u.responsible_person = some("Deputy Minister A. Dara");
        u.due_date = some("2027-12-31");
    })
    .await;
    let d = detail(&app, &ed, f.plan, item).await.unwrap();
    assert_eq!(
        d.item.responsible_org_name.as_deref(),
        Some("Ministry of Justice")
    );
    assert_eq!(d.item.responsible_person, "Deputy Minister A. Dara");
    assert_eq!(
        d.item.status,
        ItemStatus::Done,
        "fields left out keep their value"
    );
    // Every version is kept, and the item page lists who changed what, newest first.
    let history = &d.history;
    assert_eq!(history.len(), 5);
    assert_eq!(history[0].by.as_deref(), Some("editor@example.org"));
    assert_eq!(
        history[0].changes,
        [
            "Responsible organisation: Ministry of Justice",
            "Responsible person: Deputy Minister A. Dara",
            "Due date: 2027-12-31"
        ]
    );
    assert_eq!(
        history[2].changes,
        ["Status: Not applicable: Valdoria has no intelligence service"]
    );
    assert!(history[4].changes.is_empty());
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
    let add = |note: &str, url: &str| {
        let evidence = AddEvidence {
            plan_id: f.plan,
            item_id: item,
            note: note.into(),
            url: url.into(),
        };
        app.call(&ed, evidence)
    };
    add(
        "Vetting board established by decree 14/2026",
        "https://gazette.example.org/2026/14",
    )
    .await
    .expect("evidence with a link");
    add("Minutes of the first board meeting", "")
        .await
        .expect("evidence without a link");
    let refused = add("Sneaky", "javascript:alert(document.cookie)")
        .await
        .unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused.field_message("url").is_some());
    let refused = add(" ", "").await.unwrap_err();
    assert_eq!(refused.status, 422);
    assert!(refused.field_message("note").is_some());

    let d = detail(&app, &ed, f.plan, item).await.unwrap();
    let evidence = &d.evidence;
    assert_eq!(evidence.len(), 2);
    assert_eq!(
        evidence[0].note,
        "Vetting board established by decree 14/2026"
    );
    assert_eq!(
        evidence[0].url.as_deref(),
        Some("https://gazette.example.org/2026/14")
    );
    assert_eq!(evidence[0].added_by.as_deref(), Some("editor@example.org"));
    assert_eq!(
        evidence[0].organisation.as_deref(),
        Some("Ministry of Justice")
    );
    assert!(evidence[0].added_at > 1_700_000_000);
    assert_eq!(evidence[1].url, None);
    assert_eq!(d.item.evidence_count, 2);

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
    let update = |base: i64| item_update(f.plan, item, base);

    // All three opened version 1. Amina saves the status first.
    let done = UpdateChecklistItem {
        status: some("done"),
        ..update(1)
    };
    let out = app.call(&amina, done).await;
    assert_eq!(
        out,
        Ok(ItemSaveOutcome::Saved {
            item_id: item,
            version: 2
        })
    );

    // Bruno changes other fields from version 1: merged, saved, and he is told with whom.
    let other_fields = UpdateChecklistItem {
        responsible_person: some("B. Kora"),
        due_date: some("2027-06-30"),
        ..update(1)
    };
    let out = app.call(&bruno, other_fields).await.unwrap();
    let ItemSaveOutcome::Merged {
        version: merged,
        with,
        ..
    } = &out
    else {
        panic!("not merged: {out:?}");
    };
    assert_eq!(*merged, 3, "{out:?}");
    assert_eq!(with, &["amina@example.org"]);
    let d = detail(&app, &carla, f.plan, item).await.unwrap();
    assert_eq!(d.item.status, ItemStatus::Done);
    assert_eq!(d.item.responsible_person, "B. Kora");
    assert_eq!(d.item.version, 3);

    // Carla, still on version 1, sets the status to something else: a conflict showing both
    // values; nothing is written.
    let not_applicable = UpdateChecklistItem {
        status: some("not_applicable"),
        na_reason: some("Handled by the regional body"),
        responsible_person: some("B. Kora"),
        ..update(1)
    };
    let out = app.call(&carla, not_applicable).await.unwrap();
    let ItemSaveOutcome::Conflict(conflict) = &out else {
        panic!("no conflict: {out:?}");
    };
    assert_eq!(conflict.current_version, 3, "{out:?}");
    assert_eq!(conflict.fields.len(), 1, "{out:?}");
    assert_eq!(conflict.fields[0].field, "Status");
    assert_eq!(
        conflict.fields[0].mine,
        "Not applicable: Handled by the regional body"
    );
    assert_eq!(conflict.fields[0].theirs, "Done");
    assert_eq!(
        conflict.theirs_by,
        ["amina@example.org", "bruno@example.org"]
    );
    assert_eq!(version(&app, item).await, 3);
    assert_eq!(status_of(&app, item).await.0, "done");

    // Saving the value already saved is no change; a save on the current version wins.
    let out = app.call(&carla, done_from(update(1))).await;
    assert_eq!(
        out,
        Ok(ItemSaveOutcome::Unchanged {
            item_id: item,
            version: 3
        })
    );
    let in_progress = UpdateChecklistItem {
        status: some("in_progress"),
        ..update(3)
    };
    let out = app.call(&carla, in_progress).await;
    assert_eq!(
        out,
        Ok(ItemSaveOutcome::Saved {
            item_id: item,
            version: 4
        })
    );

    // Many saves from the same version at once: each either lands or is told; none is lost.
    let mut tasks = Vec::new();
    for (i, who) in ["amina@example.org", "bruno@example.org"]
        .iter()
        .enumerate()
    {
        let client = editor(&app, &f, &format!("racer{i}-{who}")).await;
        let base = app.base.clone();
        let race = UpdateChecklistItem {
            responsible_person: Some(format!("Racer {i}")),
            ..update(4)
        };
        tasks.push(tokio::spawn(
            async move { call_at(&base, &client, race).await },
        ));
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap());
    }
    let saved = outcomes
        .iter()
        .filter(|o| {
            matches!(
                o,
                Ok(ItemSaveOutcome::Saved { .. } | ItemSaveOutcome::Merged { .. })
            )
        })
        .count();
    // Told: shown the conflict, or refused as busy.
    let conflicts = outcomes
        .iter()
        .filter(|o| {
            matches!(
                o,
                Ok(ItemSaveOutcome::Conflict(_)) | Err(Failure { status: 409, .. })
            )
        })
        .count();
    assert_eq!((saved, conflicts), (1, 1), "{outcomes:?}");
    assert_eq!(version(&app, item).await, 5);
}

/// The hand-computed fixture: some items done, in progress, not applicable, retired, overdue.
/// Template cells (PSG rows x pillar columns): 1: 9 1 1 / 2: 8 1 3 / 3: 3 1 1 / 4: 3 1 0 / 5: 2 3 0.
async fn progress_fixture(app: &TestApp, f: &LedPlan) -> Vec<i64> {
    let ed = editor(app, f, "editor@example.org").await;
    let ids = item_ids(app, &ed, f.plan).await;
    // Items are numbered as in the template (1-based).
    let n = |i: usize| ids[i - 1];
    for i in [1, 2, 34] {
        set(app, &ed, f.plan, n(i), |u| {
            u.status = some("done");
            u.due_date = some("2020-01-01");
        })
        .await;
    }
    for i in [3, 36] {
        set(app, &ed, f.plan, n(i), |u| {
            u.status = some("not_applicable");
            u.na_reason = some("Not relevant here");
        })
        .await;
    }
    set(app, &ed, f.plan, n(9), |u| {
        u.status = some("in_progress");
        u.due_date = some("2020-01-01");
    })
    .await;
    set(app, &ed, f.plan, n(5), |u| u.due_date = some("2099-12-31")).await;
    set(app, &ed, f.plan, n(10), |u| {
        u.responsible_org_id = Some(f.org.to_string())
    })
    .await;
    let retire = SetChecklistItemRetired {
        plan_id: f.plan,
        item_id: n(31),
        retired: true,
    };
    app.call(&f.lead, retire).await.expect("retired");
    ids
}

#[tokio::test]
async fn the_matrix_counts_done_over_applicable_items_as_computed_by_hand() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let ids = progress_fixture(&app, &f).await;
    let g = app
        .call(&f.lead, ChecklistProgress { plan_id: f.plan })
        .await
        .expect("progress");
    let cell = |psg: usize, pillar: usize| {
        let c = g.matrix.cells[psg - 1][pillar - 1];
        (c.done, c.total)
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
    let total: u32 = (1..=5)
        .flat_map(|p| (1..=3).map(move |q| (p, q)))
        .map(|(p, q)| cell(p, q).1)
        .sum();
    assert_eq!(total, 37 - 2 - 1);
    // Risk factor 14's only item is N/A: the one gap. 10 and 12 are addressed by a done item.
    assert_eq!(g.unaddressed, [14]);
    // Overdue: the in-progress item due in 2020; done items due then are not overdue.
    assert_eq!(g.overdue.len(), 1);
    assert_eq!(g.overdue[0].id, ids[8]);

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
    let all = || all_items(f.plan);
    let count = |filter: PlanChecklist| {
        let (app, lead) = (&app, &f.lead);
        async move { checklist(app, lead, filter).await.items.len() }
    };
    assert_eq!(count(all()).await, 36, "the retired item is left out");
    let psg = |v: &str| PlanChecklist {
        psg: some(v),
        ..all()
    };
    let status = |v: &str| PlanChecklist {
        status: some(v),
        ..all()
    };
    assert_eq!(count(psg("2")).await, 12);
    let pillar_3 = PlanChecklist {
        pillar: some("3"),
        ..all()
    };
    assert_eq!(count(pillar_3).await, 5);
    let psg_1_pillar_2 = PlanChecklist {
        pillar: some("2"),
        ..psg("1")
    };
    assert_eq!(count(psg_1_pillar_2).await, 0);
    let risk = |v: &str| PlanChecklist {
        risk: some(v),
        ..all()
    };
    assert_eq!(count(risk("14")).await, 1);
    assert_eq!(count(risk("6")).await, 10, "11 items, one retired");
    assert_eq!(count(status("done")).await, 3);
    assert_eq!(count(status("not_applicable")).await, 2);
    let psg_2_done = PlanChecklist {
        status: some("done"),
        ..psg("2")
    };
    assert_eq!(count(psg_2_done).await, 2);
    let overdue = PlanChecklist {
        overdue: some("1"),
        ..all()
    };
    assert_eq!(count(overdue).await, 1);
    // Nonsense values are ignored rather than failing the page.
    let nonsense = PlanChecklist {
        status: some("nope"),
        ..psg("9")
    };
    assert_eq!(count(nonsense).await, 36);
    let by_org = PlanChecklist {
        org: Some(f.org.to_string()),
        ..all()
    };
    let by_org = checklist(&app, &f.lead, by_org).await;
    assert_eq!(by_org.items.len(), 1);
    assert_eq!(by_org.items[0].id, ids[9]);
    // Leads see the retired item separately.
    assert_eq!(checklist(&app, &f.lead, all()).await.retired[0].id, ids[30]);

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
    let v = version(app, item).await;
    vec![
        app.call(client, all_items(plan)).await.status(),
        detail(app, client, plan, item).await.status(),
        app.call(client, ChecklistProgress { plan_id: plan })
            .await
            .status(),
        app.call(
            client,
            UpdateChecklistItem {
                status: some("in_progress"),
                ..item_update(plan, item, v)
            },
        )
        .await
        .status(),
        app.call(
            client,
            AddEvidence {
                plan_id: plan,
                item_id: item,
                note: "A note".into(),
                url: String::new(),
            },
        )
        .await
        .status(),
        app.call(
            client,
            LinkChecklistSection {
                plan_id: plan,
                item_id: item,
                section_id: section.to_string(),
                link: true,
            },
        )
        .await
        .status(),
        app.call(
            client,
            EditChecklistItem {
                plan_id: plan,
                item_id: item,
                base_version: v,
                text: "Reworded item".into(),
                psg: "3".into(),
                pillar: "2".into(),
                risk_factors: "1".into(),
            },
        )
        .await
        .status(),
        app.call(
            client,
            AddChecklistItem {
                plan_id: plan,
                text: "An extra item".into(),
                psg: "1".into(),
                pillar: "1".into(),
                risk_factors: "9".into(),
            },
        )
        .await
        .status(),
        app.call(
            client,
            SetChecklistItemRetired {
                plan_id: plan,
                item_id: item,
                retired: false,
            },
        )
        .await
        .status(),
    ]
}

#[tokio::test]
async fn each_checklist_action_is_allowed_only_to_the_roles_that_may_do_it() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let ids = item_ids(&app, &f.lead, f.plan).await;
    let section = f.section;
    let mut clients = Vec::new();
    for role in ["viewer", "commenter", "reviewer", "editor"] {
        let email = format!("{role}@example.org");
        let (client, _) = app.loner(&email).await;
        app.grant(&f.lead, f.plan, &email, role).await;
        clients.push((role, client));
    }
    let (outsider, _) = app.loner("outsider@example.org").await;
    let admin = app.admin().await;
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
    let d = detail(&app, &f.lead, f.plan, ids[2]).await.unwrap();
    assert_eq!(d.item.text, "Reworded item");
    assert_eq!(d.item.psg, 3);
    assert_eq!(d.linked_sections[0].0, section);
    // A viewer sees the checklist but no controls.
    let viewer = &clients[0].1;
    let (status, html) = app
        .page(viewer, &format!("/plans/{}/checklist", f.plan))
        .await;
    assert_eq!(status, 200);
    assert!(html.contains("Civilian oversight"));
    // The edit form posts to the function's endpoint.
    let endpoint = UpdateChecklistItem::PATH.rsplit('/').next().unwrap();
    assert!(!html.contains(endpoint), "no edit form for viewers");
}

#[tokio::test]
async fn ids_from_another_plan_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let other = app
        .led_plan("Other ministry", "other@example.org", "Other plan")
        .await;
    let foreign_item = item_ids(&app, &other.lead, other.plan).await[0];
    let foreign_section = other.section;
    let own_item = item_ids(&app, &f.lead, f.plan).await[0];

    // The lead of plan A names plan A with plan B's item: not found, whatever the action.
    let refused = detail(&app, &f.lead, f.plan, foreign_item).await;
    assert_eq!(refused.unwrap_err().status, 404);
    let done = UpdateChecklistItem {
        status: some("done"),
        ..item_update(f.plan, foreign_item, 1)
    };
    assert_eq!(app.call(&f.lead, done).await.unwrap_err().status, 404);
    let link = |item: i64| LinkChecklistSection {
        plan_id: f.plan,
        item_id: item,
        section_id: foreign_section.to_string(),
        link: true,
    };
    for (path, status) in [
        app.attempt(
            &f.lead,
            AddEvidence {
                plan_id: f.plan,
                item_id: foreign_item,
                note: "x".into(),
                url: String::new(),
            },
        )
        .await,
        app.attempt(
            &f.lead,
            SetChecklistItemRetired {
                plan_id: f.plan,
                item_id: foreign_item,
                retired: true,
            },
        )
        .await,
        app.attempt(
            &f.lead,
            EditChecklistItem {
                plan_id: f.plan,
                item_id: foreign_item,
                base_version: 1,
                text: "Hijacked".into(),
                psg: "1".into(),
                pillar: "1".into(),
                risk_factors: String::new(),
            },
        )
        .await,
        app.attempt(&f.lead, link(foreign_item)).await,
        // Own item, other plan's section.
        app.attempt(&f.lead, link(own_item)).await,
    ] {
        assert_eq!(status, 404, "{path}");
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
    let refused = detail(&app, &f.lead, other.plan, foreign_item).await;
    assert_eq!(refused.unwrap_err().status, 403);
}

#[tokio::test]
async fn a_status_change_posted_without_javascript_comes_back_to_the_page_with_its_outcome() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let item = item_ids(&app, &f.lead, f.plan).await[0];
    let page = format!("/plans/{}/checklist", f.plan);
    let done = done_from(item_update(f.plan, item, 1));
    let res = app.post_form(&f.lead, &page, done).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(status_of(&app, item).await.0, "done");
    let (status, html) = app.page(&f.lead, &page).await;
    assert_eq!(status, 200);
    assert!(html.contains("Saved."), "outcome shown once");
    let (_, html) = app.page(&f.lead, &page).await;
    assert!(!html.contains("Saved."), "and only once");

    // An N/A without reason comes back with the message next to the field.
    let without_reason = UpdateChecklistItem {
        status: some("not_applicable"),
        na_reason: some(""),
        ..item_update(f.plan, item, 2)
    };
    let res = app.post_form(&f.lead, &page, without_reason).await;
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(!location.contains("__err"), "{location}");
    let (_, html) = app
        .page(&f.lead, location.trim_start_matches(&app.base))
        .await;
    assert!(html.contains("Say why this item does not apply to the country."));
}
