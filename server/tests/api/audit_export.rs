//! A plan's trail downloaded by its lead, with its signed checkpoint, and verified offline the
//! way a partner would: `upstream verify-audit --file` with the published fingerprint.

use app::foundation::audit::export::{verify_export, AuditExport, ExportEntry, ExportFinding};
use app::foundation::audit::keyfile;
use reqwest::Client;
use server::cli::verify::{check_export_file, render_export};

use crate::helpers::{section_save, spawn_app, TestApp};

async fn download(app: &TestApp, client: &Client, plan: i64) -> reqwest::Response {
    client
        .get(format!("{}/api/plan_audit_export?plan_id={plan}", app.base))
        .send()
        .await
        .expect("export")
}

#[tokio::test]
async fn plan_leads_download_a_trail_that_a_partner_verifies_offline() {
    let app = spawn_app().await;
    let p = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    // Another plan's entries, interleaved with this one's.
    let other = app
        .led_plan("Ministry of Interior", "other@example.org", "Other plan")
        .await;
    app.call(&p.lead, section_save(p.plan, p.section, 1, "First draft."))
        .await
        .expect("saved");
    app.call(
        &other.lead,
        section_save(other.plan, other.section, 1, "Theirs."),
    )
    .await
    .expect("saved");
    app.call(&p.lead, section_save(p.plan, p.section, 2, "Second draft."))
        .await
        .expect("saved");

    let res = download(&app, &p.lead, p.plan).await;
    assert_eq!(res.status(), 200);
    let disposition = res
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        disposition,
        format!("attachment; filename=\"plan-{}-audit-trail.json\"", p.plan)
    );
    let body = res.bytes().await.unwrap();
    let export: AuditExport = serde_json::from_slice(&body).expect("an export");

    // Every entry of the plan is there in full; the other plan's only as digests.
    let plan_entries = app
        .count(&format!(
            "SELECT COUNT(*) FROM audit_entries WHERE plan_id = {}",
            p.plan
        ))
        .await;
    let full: Vec<i64> = export
        .entries
        .iter()
        .filter_map(|e| match e {
            ExportEntry::Plan { seq, .. } => Some(*seq),
            _ => None,
        })
        .collect();
    assert_eq!(full.len() as i64, plan_entries);
    assert!(export.entries.iter().any(|e| matches!(
        e,
        ExportEntry::Other { plan_id: Some(id), .. } if *id == other.plan
    )));
    assert!(!String::from_utf8_lossy(&body).contains("Theirs."));
    // The checkpoint was signed for the export: it covers every entry there is.
    assert_eq!(
        export.checkpoint.count,
        app.count("SELECT MAX(seq) FROM audit_entries").await
    );

    let published = keyfile::load_public(&app.config.audit_key)
        .unwrap()
        .fingerprint();
    let report = verify_export(&export, Some(&published));
    assert_eq!(report.findings, vec![]);
    assert!(report.starts_at_creation);

    // Offline, from the file, as `upstream verify-audit --file` reads it.
    let file = app.dir.join("export.json");
    std::fs::write(&file, &body).unwrap();
    let report = check_export_file(&file, Some(&published)).unwrap();
    let text = render_export(&report);
    assert!(report.intact(), "{text}");
    assert!(
        text.contains(&format!(
            "Verified: the plan's {plan_entries} entries hash correctly"
        )),
        "{text}"
    );

    // An entry changed in the file is named; a key other than the published one too.
    let mut forged = export.clone();
    let Some(ExportEntry::Plan { seq, subject, .. }) = forged.entries.last_mut() else {
        panic!("the last entry is the lead's save");
    };
    *subject = "nothing happened".into();
    let seq = *seq;
    std::fs::write(&file, serde_json::to_vec(&forged).unwrap()).unwrap();
    let report = check_export_file(&file, Some(&published)).unwrap();
    assert_eq!(report.findings, vec![ExportFinding::Edited { seq }]);
    let report = check_export_file(&file, Some(&"0".repeat(64))).unwrap();
    assert!(report
        .findings
        .iter()
        .any(|f| matches!(f, ExportFinding::NotPublished { .. })));
}

#[tokio::test]
async fn only_the_plans_leads_may_download_its_trail() {
    let app = spawn_app().await;
    let p = app
        .led_plan("Ministry of Justice", "lead@example.org", "Prevention plan")
        .await;
    let (editor, _) = app.loner("editor@example.org").await;
    app.grant(&p.lead, p.plan, "editor@example.org", "editor")
        .await;
    let other = app
        .led_plan("Ministry of Interior", "other@example.org", "Other plan")
        .await;
    assert_eq!(download(&app, &editor, p.plan).await.status(), 403);
    assert_eq!(download(&app, &other.lead, p.plan).await.status(), 403);
    assert_eq!(download(&app, &app.client(), p.plan).await.status(), 401);
    assert_eq!(download(&app, &p.lead, p.plan + 1000).await.status(), 404);
    // The audit page links to the download.
    let (status, page) = app.page(&p.lead, &format!("/plans/{}/audit", p.plan)).await;
    assert_eq!(status, 200);
    assert!(
        page.contains(&format!(
            "href=\"/api/plan_audit_export?plan_id={}\"",
            p.plan
        )),
        "{page}"
    );
}
