//! Demo organisations and people, so a fresh install can be tried at once. Loaded only when
//! `UPSTREAM_DEMO_DATA` is on, and only into a database that has no demo admin yet.

use app::admin::db as admin_db;
use app::auth::db as auth_db;
use app::auth::domain::{NewPassword, Owner};
use app::auth::password::hash_password;
use app::db::{now, Db, DbError};
use app::foundation::people::{OrgKind, OrgRole, PlatformRole};

/// The password every demo account shares.
pub const DEMO_PASSWORD: &str = "upstream-demo-2026";

/// A demo account: email, name, platform role, organisation index and role there.
pub struct DemoPerson {
    /// Login email.
    pub email: &'static str,
    /// Display name.
    pub name: &'static str,
    /// Platform role.
    pub role: PlatformRole,
    /// Index into [`ORGANISATIONS`] and the role there.
    pub org: Option<(usize, OrgRole)>,
}

/// Demo organisations: each kind authors and each kind reviews, as in a real country plan.
pub const ORGANISATIONS: [(&str, OrgKind, &str); 6] = [
    (
        "Ministry of Justice and Human Rights",
        OrgKind::Government,
        "XV",
    ),
    (
        "National Committee for the Prevention of Atrocity Crimes",
        OrgKind::Government,
        "XV",
    ),
    (
        "Valdoria Women's Peace Network",
        OrgKind::CivilSociety,
        "XV",
    ),
    ("Nordic Fund for Peaceful Societies", OrgKind::Donor, "NO"),
    (
        "Valdoria Civil Society Monitoring Platform",
        OrgKind::CivilSociety,
        "XV",
    ),
    ("Peacebuilding Partnership Trust", OrgKind::Donor, "CH"),
];

/// Demo people; the README lists them.
pub const PEOPLE: [DemoPerson; 7] = [
    DemoPerson {
        email: "admin@upstream.example",
        name: "Ines Albero",
        role: PlatformRole::Admin,
        org: None,
    },
    DemoPerson {
        email: "justice@upstream.example",
        name: "Tomas Reyl",
        role: PlatformRole::Member,
        org: Some((0, OrgRole::Admin)),
    },
    DemoPerson {
        email: "committee@upstream.example",
        name: "Grace Mbeki",
        role: PlatformRole::Member,
        org: Some((1, OrgRole::Member)),
    },
    DemoPerson {
        email: "civil@upstream.example",
        name: "Lina Osei",
        role: PlatformRole::Member,
        org: Some((2, OrgRole::Admin)),
    },
    DemoPerson {
        email: "donor@upstream.example",
        name: "Erik Sand",
        role: PlatformRole::Member,
        org: Some((3, OrgRole::Admin)),
    },
    DemoPerson {
        email: "monitor@upstream.example",
        name: "Amani Diallo",
        role: PlatformRole::Member,
        org: Some((4, OrgRole::Member)),
    },
    DemoPerson {
        email: "trust@upstream.example",
        name: "Sofia Lind",
        role: PlatformRole::Member,
        org: Some((5, OrgRole::Member)),
    },
];

/// Why demo data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A database call failed.
    #[error(transparent)]
    Db(#[from] app::db::DbError),
    /// Hashing the demo password failed.
    #[error("{0}")]
    App(#[from] app::error::AppError),
}

/// Loads the demo data unless it is already there.
pub async fn load(db: &Db) -> Result<bool, DemoError> {
    if auth_db::email_taken(db, PEOPLE[0].email).await? {
        return Ok(false);
    }
    let now = now();
    let mut org_ids = Vec::new();
    for (name, kind, country) in ORGANISATIONS {
        let id = match admin_db::list_organisations(db)
            .await?
            .into_iter()
            .find(|o| o.name == name)
        {
            Some(existing) => existing.id,
            None => {
                db.transaction(async |tx| {
                    admin_db::insert_organisation(tx, name, kind, country, now).await
                })
                .await?
            }
        };
        org_ids.push(id);
    }
    // One password (and one hash) for every demo account, so it must pass for each of them.
    let check = |p: &DemoPerson| {
        let owner = Owner {
            email: p.email,
            name: p.name,
        };
        NewPassword::parse(DEMO_PASSWORD, DEMO_PASSWORD, &owner)
            .map_err(|(_, m)| app::error::AppError::Conflict(m.to_owned()))
    };
    for p in &PEOPLE[1..] {
        check(p)?;
    }
    let password = check(&PEOPLE[0])?;
    let hash = hash_password(password).await?;
    for p in PEOPLE.iter() {
        if auth_db::email_taken(db, p.email).await? {
            continue;
        }
        let id = auth_db::insert_person(db, p.email, p.name, &hash, p.role, now).await?;
        if let Some((org, role)) = p.org {
            db.transaction(async |tx| {
                admin_db::add_membership(tx, id, org_ids[org], role, now).await
            })
            .await?;
        }
    }
    let people = demo_people(db).await?;
    load_plan(db, &org_ids, &people).await?;
    tracing::info!("demo data loaded");
    Ok(true)
}

async fn demo_people(db: &Db) -> Result<Vec<i64>, DemoError> {
    let mut ids = Vec::new();
    for p in PEOPLE.iter() {
        let id = admin_db::person_id_by_email(db, p.email)
            .await?
            .ok_or(app::db::DbError::NotFound)?;
        ids.push(id);
    }
    Ok(ids)
}

/// The demo plan: a fictional country's plan with sections drafted by people from each kind
/// of organisation, so history, comparison and coverage have something to show.
async fn load_plan(db: &Db, orgs: &[i64], people: &[i64]) -> Result<(), DemoError> {
    use app::access::domain::{Grantee, PlanRole};
    use app::plans::domain::Period;
    let now = now();
    let (justice, committee, civil, donor) = (people[1], people[2], people[3], people[4]);
    let plan = app::plans::db::insert_plan(
        db,
        &app::plans::db::NewPlan {
            country: "XV",
            title: "Valdoria national plan for the prevention of atrocity crimes 2026-2030",
            summary: PLAN_SUMMARY,
            period: Period {
                start: 2026,
                end: 2030,
            },
            stage: 2,
            lead_org_id: orgs[0],
            created_by: justice,
            creator_org: Some(orgs[0]),
            from_template: true,
            now,
            ip: None,
        },
    )
    .await?;
    // Reviewers come from organisations that do not edit: an editor grant to someone's
    // organisation would outrank a reviewer grant to them.
    db.transaction(async |tx| {
        for (org, role) in [
            (orgs[1], PlanRole::Reviewer),
            (orgs[2], PlanRole::Editor),
            (orgs[3], PlanRole::Editor),
            (orgs[4], PlanRole::Reviewer),
            (orgs[5], PlanRole::Reviewer),
        ] {
            app::access::db::insert_grant(tx, plan, Grantee::Organisation(org), role, justice, now)
                .await?;
        }
        Ok::<_, DbError>(())
    })
    .await?;
    // One approval from each kind of organisation, the multi-stakeholder sign-off.
    let rule = app::reviews::domain::ApprovalRule {
        government: 1,
        civil_society: 1,
        donor: 1,
    };
    let entry = app::foundation::audit::domain::NewEntry::new(
        app::foundation::audit::domain::AuditKind::RuleChange,
        format!("plan {plan}"),
    )
    .by(justice)
    .plan(plan)
    .details(serde_json::to_value(rule).unwrap_or_default());
    db.write_audited(entry, async |tx| {
        app::reviews::db::set_rule(tx, plan, rule).await
    })
    .await?;
    let (sections, _) = app::sections::db::sections_of(db, plan).await?;
    let author_of = |i: usize| match i {
        0 => (justice, orgs[0]),
        1 => (civil, orgs[2]),
        2 => (donor, orgs[3]),
        _ => (committee, orgs[1]),
    };
    for (title_start, drafts) in SECTION_TEXT {
        let Some(section) = sections.iter().find(|s| s.title.starts_with(title_start)) else {
            continue;
        };
        for (i, text) in drafts.iter().enumerate() {
            let (author, org) = author_of(i);
            let version = app::sections::db::section(db, plan, section.id)
                .await?
                .version;
            app::sections::save_queue::save(
                db,
                app::sections::db::NewRevision {
                    section_id: section.id,
                    expected_version: version,
                    body: app::sections::merge::normalise(text),
                    kind: "edit",
                    author,
                    organisation: Some(org),
                    note: String::new(),
                    now: now + i as i64,
                    ip: None,
                },
            )
            .await?;
        }
    }
    load_checklist(db, plan, orgs, people).await?;
    load_comments(db, plan, people).await
}

/// Progress on the demo plan's checklist: some items done with evidence, some under way (one
/// overdue), one ruled out, so the matrix, the risk-factor strip and the overdue list all show
/// something.
async fn load_checklist(db: &Db, plan: i64, orgs: &[i64], people: &[i64]) -> Result<(), DemoError> {
    use app::checklist::db as checklist_db;
    use app::checklist::domain::{start_of_day, ItemStatus};
    let now = now();
    let today = start_of_day(now);
    let day = 86_400;
    let items = checklist_db::items(db, plan, today).await?;
    let (sections, _) = app::sections::db::sections_of(db, plan).await?;
    for (i, demo) in CHECKLIST_PROGRESS.iter().enumerate() {
        let Some(item) = items.iter().find(|it| it.text.starts_with(demo.text_start)) else {
            continue;
        };
        let mut fields = item.fields();
        fields.status = match demo.status {
            "done" => ItemStatus::Done,
            "in_progress" => ItemStatus::InProgress,
            _ => ItemStatus::NotApplicable(demo.reason.to_owned()),
        };
        fields.responsible_org = demo.org.map(|o| orgs[o]);
        fields.responsible_person = demo.person.to_owned();
        fields.due_date = demo.due_in_days.map(|d| today + d * day);
        let by = people[demo.by];
        let section = demo
            .section
            .and_then(|t| sections.iter().find(|s| s.title.starts_with(t)));
        db.transaction(async |tx| {
            checklist_db::save_item(
                tx,
                &checklist_db::ItemWrite {
                    plan_id: plan,
                    item_id: item.id,
                    expected_version: item.version,
                    fields: &fields,
                    by,
                    now: now + i as i64,
                },
            )
            .await?;
            if let Some((note, url)) = demo.evidence {
                checklist_db::add_evidence(
                    tx,
                    &checklist_db::NewEvidence {
                        plan_id: plan,
                        item_id: item.id,
                        note,
                        url,
                        by,
                        organisation: demo.org.map(|o| orgs[o]),
                        now: now + i as i64,
                    },
                )
                .await?;
            }
            if let Some(section) = section {
                checklist_db::link_section(tx, plan, item.id, section.id).await?;
            }
            Ok::<_, DbError>(())
        })
        .await?;
    }
    Ok(())
}

/// One demo change to a checklist item.
struct DemoProgress {
    text_start: &'static str,
    status: &'static str,
    reason: &'static str,
    /// Index into the demo organisations.
    org: Option<usize>,
    person: &'static str,
    /// Due date relative to today (negative: past).
    due_in_days: Option<i64>,
    /// Index into the demo people: who made the change.
    by: usize,
    evidence: Option<(&'static str, Option<&'static str>)>,
    section: Option<&'static str>,
}

const CHECKLIST_PROGRESS: &[DemoProgress] = &[
    DemoProgress {
        text_start: "Security personnel are vetted",
        status: "done",
        reason: "",
        org: Some(0),
        person: "Tomas Reyl",
        due_in_days: Some(-20),
        by: 1,
        evidence: Some((
            "Vetting board established by Decree 14/2026; 1,240 officers screened, 37 removed.",
            Some("https://gazette.valdoria.example/2026/decree-14"),
        )),
        section: Some("PSG 2"),
    },
    DemoProgress {
        text_start: "Civilian oversight of the military",
        status: "in_progress",
        reason: "",
        org: Some(0),
        person: "Deputy Minister Anselm Varo",
        due_in_days: Some(-30),
        by: 1,
        evidence: Some((
            "Draft oversight bill sent to Parliament's defence committee.",
            None,
        )),
        section: Some("PSG 2"),
    },
    DemoProgress {
        text_start: "Security forces and the communities",
        status: "in_progress",
        reason: "",
        org: Some(2),
        person: "Lina Osei",
        due_in_days: Some(120),
        by: 3,
        evidence: Some((
            "Provincial security committees met in 4 of 9 provinces; minutes published.",
            Some("https://wpn.valdoria.example/committees"),
        )),
        section: None,
    },
    DemoProgress {
        text_start: "Anti-discrimination measures",
        status: "done",
        reason: "",
        org: Some(1),
        person: "Grace Mbeki",
        due_in_days: None,
        by: 1,
        evidence: Some((
            "Equality Commission receives complaints since March; first annual report out.",
            None,
        )),
        section: None,
    },
    DemoProgress {
        text_start: "Known triggers such as elections",
        status: "in_progress",
        reason: "",
        org: Some(1),
        person: "Grace Mbeki",
        due_in_days: Some(-10),
        by: 1,
        evidence: None,
        section: Some("Early warning"),
    },
    DemoProgress {
        text_start: "Bilateral donors, UN agencies",
        status: "done",
        reason: "",
        org: Some(3),
        person: "Erik Sand",
        due_in_days: None,
        by: 4,
        evidence: Some((
            "Joint donor matrix agreed at the partners' round table.",
            Some("https://nordicfund.example/valdoria/matrix"),
        )),
        section: Some("International assistance"),
    },
    DemoProgress {
        text_start: "A national mechanism or R2P focal point",
        status: "done",
        reason: "",
        org: Some(1),
        person: "",
        due_in_days: None,
        by: 1,
        evidence: None,
        section: None,
    },
    DemoProgress {
        text_start: "An early-warning channel",
        status: "in_progress",
        reason: "",
        org: Some(1),
        person: "Grace Mbeki",
        due_in_days: Some(60),
        by: 1,
        evidence: None,
        section: Some("Early warning"),
    },
    DemoProgress {
        text_start: "Humanitarian and peacekeeping personnel",
        status: "not_applicable",
        reason:
            "No humanitarian or peacekeeping operation is deployed in Valdoria; revisit if one is.",
        org: None,
        person: "",
        due_in_days: None,
        by: 1,
        evidence: None,
        section: None,
    },
];

/// Comment threads on the demo plan: one on a passage with a mention and replies, one on a
/// whole section that was settled and resolved, and one still waiting for an answer.
async fn load_comments(db: &Db, plan: i64, people: &[i64]) -> Result<(), DemoError> {
    use app::comments::db::{reply, set_resolved, start_thread, thread, NewComment};
    let (justice, committee, civil, donor) = (people[1], people[2], people[3], people[4]);
    let (sections, _) = app::sections::db::sections_of(db, plan).await?;
    let now = now() + 60;
    for (i, (title_start, quote, talk, resolved_by)) in COMMENTS.iter().enumerate() {
        let Some(section) = sections.iter().find(|s| s.title.starts_with(title_start)) else {
            continue;
        };
        let body = app::sections::db::section(db, plan, section.id).await?.body;
        let text = app::comments::passage::plain_text(&body);
        let passage = quote.and_then(|q| app::comments::domain::anchor_in(&text, q, "", ""));
        let at = now + 600 * i as i64;
        let author_of = |who: usize| [justice, committee, civil, donor][who];
        let mut talk = talk.iter();
        let Some((first_by, first, mentions)) = talk.next() else {
            continue;
        };
        let mentioned: Vec<i64> = mentions.iter().map(|m| author_of(*m)).collect();
        let (id, _) = start_thread(
            db,
            plan,
            section.id,
            passage.as_ref(),
            &NewComment {
                author: author_of(*first_by),
                body: first,
                mentions: &mentioned,
                now: at,
            },
        )
        .await?;
        let row = thread(db, plan, section.id, id).await?;
        for (n, (by, text, mentions)) in talk.enumerate() {
            let mentioned: Vec<i64> = mentions.iter().map(|m| author_of(*m)).collect();
            reply(
                db,
                &row,
                &NewComment {
                    author: author_of(*by),
                    body: text,
                    mentions: &mentioned,
                    now: at + 60 * (n as i64 + 1),
                },
            )
            .await?;
        }
        if let Some(by) = resolved_by {
            set_resolved(db, id, true, author_of(*by), at + 300).await?;
        }
    }
    Ok(())
}

/// A demo comment: who (0 ministry, 1 committee, 2 civil society, 3 donor), the Markdown, and
/// whom it mentions.
type DemoComment = (usize, &'static str, &'static [usize]);

/// A demo thread: section title start, quoted passage (or the whole section), the comments,
/// and who resolved it.
type DemoThread = (
    &'static str,
    Option<&'static str>,
    &'static [DemoComment],
    Option<usize>,
);

/// Demo threads.
const COMMENTS: &[DemoThread] = &[
    (
        "PSG 2",
        Some("vetting of personnel for past abuses"),
        &[
            (1, "Who runs the vetting, and against which records? The 2019-2022 files are incomplete in the northern provinces.\n\n@Erik Sand, could the Nordic Fund support an independent vetting panel?", &[3]),
            (3, "Yes, for 2026-2027, if the Ministry sets out the panel's **terms of reference** and publishes them.", &[]),
            (0, "Agreed. We will circulate draft terms of reference by the end of March.", &[]),
        ],
        None,
    ),
    (
        "Context",
        None,
        &[
            (2, "The groups at risk should also include displaced women in the camps around the capital: they are missing from the assessment.", &[]),
            (0, "Added to the next draft, with the figures from the camp survey.", &[]),
        ],
        Some(2),
    ),
    (
        "PSG 3",
        Some("witnesses need protection that works outside the capital"),
        &[(3, "Is there a budget line for witness protection in the provinces, or does this depend on new funding? @Tomas Reyl", &[0])],
        None,
    ),
];

const PLAN_SUMMARY: &str = "A five-year plan, agreed between the Government of Valdoria, civil society and international partners, to reduce the risk of atrocity crimes as the country rebuilds after the 2019-2022 conflict. It puts the prevention lens into security sector reform, justice and the distribution of public resources, and sets out how warnings will reach decision makers in time.";

/// Section texts, each a list of successive drafts (by the ministry, civil society, the donor).
const SECTION_TEXT: &[(&str, &[&str])] = &[
    ("Context", &[
        "Valdoria is rebuilding after three years of armed conflict. Of the 14 risk factors in the UN Framework of Analysis, the assessment found six present: armed conflict and instability (1), a record of serious violations (2), weakness of State structures (3), motives linked to land and identity (4), intergroup tensions (9) and triggering factors around the 2027 census and elections (8).\n\nSources of resilience are real: a free press in the capital, religious leaders who mediated local ceasefires, and women's networks present in every province.",
        "Valdoria is rebuilding after three years of armed conflict. Of the 14 risk factors in the UN Framework of Analysis, the assessment found six present: armed conflict and instability (1), a record of serious violations (2), weakness of State structures (3), motives linked to land and identity (4), intergroup tensions (9) and triggering factors around the 2027 census and elections (8).\n\nSources of resilience are real: a free press in the capital, religious leaders who mediated local ceasefires, and women's networks present in every province.\n\nThe groups most at risk are the northern pastoralist communities, who experience the widest horizontal inequalities: a third of the national average income, two secondary schools for the whole region, and almost no representation in the officer corps.",
    ]),
    ("PSG 2", &[
        "Security sector reform is the plan's first structural measure. Done well, it raises the State's capacity to stop violence by non-state groups while lowering the risk that its own forces take part in atrocities. Done badly, it entrenches the patterns of exclusion that fed the conflict.\n\nPriorities: civilian oversight of the military, police and intelligence services in law and in practice; a binding code of conduct with sanctions; vetting of personnel for past abuses.",
        "Security sector reform is the plan's first structural measure. Done well, it raises the State's capacity to stop violence by non-state groups while lowering the risk that its own forces take part in atrocities. Done badly, it entrenches the patterns of exclusion that fed the conflict.\n\nPriorities: civilian oversight of the military, police and intelligence services in law and in practice; a binding code of conduct with sanctions; vetting of personnel for past abuses.\n\nCommunities need a working channel to complain about the security forces and be heard. Provincial security committees will include women's and youth representatives, and their minutes will be public.",
        "Security sector reform is the plan's first structural measure. Done well, it raises the State's capacity to stop violence by non-state groups while lowering the risk that its own forces take part in atrocities. Done badly, it entrenches the patterns of exclusion that fed the conflict.\n\nPriorities: civilian oversight of the military, police and intelligence services in law and in practice; a binding code of conduct with sanctions; vetting of personnel for past abuses; measuring and controlling the spread of small arms.\n\nCommunities need a working channel to complain about the security forces and be heard. Provincial security committees will include women's and youth representatives, and their minutes will be public.",
    ]),
    ("PSG 3", &[
        "Justice for the violations of 2019-2022 is a condition of lasting peace. The Ministry will table a transitional justice bill in 2026 covering truth-seeking, reparations and the prosecution of those most responsible.",
        "Justice for the violations of 2019-2022 is a condition of lasting peace. The Ministry will table a transitional justice bill in 2026 covering truth-seeking, reparations and the prosecution of those most responsible.\n\nVictims' associations must be consulted on the bill before it is tabled, and witnesses need protection that works outside the capital.",
    ]),
    ("PSG 4", &[
        "Horizontal inequality between groups, not only poverty, drives the risk of mass violence. The plan pairs redistribution with employment and safety-net programmes aimed at the northern provinces, and tracks income, schooling and public employment by region and group every year.",
    ]),
    ("International assistance", &[
        "Partners commit to use and strengthen country systems: budget support for the oversight bodies, and technical assistance that is requested, timed and reported through the national plan rather than beside it.",
        "Partners commit to use and strengthen country systems: budget support for the oversight bodies, and technical assistance that is requested, timed and reported through the national plan rather than beside it.\n\nThe Nordic Fund will finance the provincial security committees for three years, with a joint review in 2028.",
    ]),
    ("Early warning", &[
        "The National Committee keeps the early-warning dashboard: indicators for risk factors 8 and 9 are reported monthly by provincial monitors, and any red indicator reaches the Prime Minister's office within 48 hours with a pre-agreed response option.",
    ]),
];
