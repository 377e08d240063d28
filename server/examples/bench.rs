//! Load benchmark: a generated plan of 40 sections of ~1,500 words with 100 revisions each,
//! then concurrent HTTP clients against the plan overview, a section page and section saves,
//! beside a trivial route of the same server (the machine's ceiling); and a hostile-content
//! scenario (`hostile`): readers of stored text built to be expensive while `/health` is timed.
//!
//! Run with `scripts/bench` (release build). Figures are printed, never asserted: a slow or
//! busy machine must not fail anything.

use std::time::{Duration, Instant};

use app::auth::domain::NewPassword;
use app::db::{now, Db};
use app::encoding;
use app::foundation::audit::domain::{AuditKind, NewEntry};
use app::foundation::people::{OrgKind, OrgRole, PlatformRole};
use app::sections::views::{SaveOutcome, SectionDetail};
use reqwest::Client;
use server::config::Config;
use server::startup::{open_database, Application};

// Page rendering allocates and frees many short strings of every size on two threads at
// once; mimalloc handles that churn with far less time in the allocator than glibc's malloc.
#[path = "bench_parts/live.rs"]
mod live;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const SECTIONS: usize = 40;

/// What one writer of the shared section last saw: its version and paragraphs.
type WriterView = std::sync::Mutex<(i64, Vec<String>)>;
const WORDS: usize = 1500;
const REVISIONS: i64 = 100;
const PASSWORD: &str = "seven rivers cross Freetown at dawn 2026";
const READER: &str = "reader@example.org";

/// Deterministic filler text: paragraphs of plausible words.
fn text(seed: u64, words: usize) -> String {
    const VOCAB: &[&str] = &[
        "civilian",
        "oversight",
        "security",
        "sector",
        "reform",
        "justice",
        "inequality",
        "province",
        "committee",
        "early",
        "warning",
        "response",
        "women",
        "youth",
        "census",
        "election",
        "police",
        "army",
        "vetting",
        "accountability",
        "budget",
        "services",
        "land",
        "identity",
        "dialogue",
        "mediation",
        "the",
        "of",
        "and",
        "to",
        "in",
        "for",
        "with",
        "is",
        "are",
        "will",
        "by",
        "plan",
        "risk",
        "factor",
        "indicator",
        "monitor",
    ];
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = String::with_capacity(words * 8);
    for i in 0..words {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push_str(VOCAB[(x % VOCAB.len() as u64) as usize]);
        out.push_str(if i % 120 == 119 { ".\n\n" } else { " " });
    }
    out
}

/// What [`seed`] made: the plan, its sections, and who leads it.
struct Seeded {
    plan: i64,
    sections: Vec<i64>,
    person: i64,
    org: i64,
}

async fn seed(db: &Db) -> Seeded {
    let t = now();
    let org = db
        .transaction(async |tx| {
            app::admin::db::insert_organisation(tx, "Bench Ministry", OrgKind::Government, "SL", t)
                .await
        })
        .await
        .expect("org");
    let owner = app::auth::domain::Owner {
        email: "bench@example.org",
        name: "Bench",
    };
    let pw = NewPassword::parse(PASSWORD, PASSWORD, &owner)
        .map_err(|_| ())
        .expect("password");
    let hash = app::auth::password::hash_password(pw).await.expect("hash");
    let person = app::auth::db::insert_person(
        db,
        "bench@example.org",
        "Bench",
        &hash,
        PlatformRole::Member,
        t,
    )
    .await
    .expect("person");
    db.transaction(async |tx| {
        app::admin::db::add_membership(tx, person, org, OrgRole::Member, t).await
    })
    .await
    .expect("member");
    let plan = app::plans::db::insert_plan(
        db,
        &app::plans::db::NewPlan {
            country: "SL",
            title: "Benchmark plan",
            summary: "Generated.",
            period: app::plans::domain::Period {
                start: 2026,
                end: 2030,
            },
            stage: 2,
            lead_org_id: org,
            created_by: person,
            creator_org: Some(org),
            from_template: false,
            now: t,
            ip: None,
        },
    )
    .await
    .expect("plan");
    let mut sections = Vec::new();
    for s in 0..SECTIONS {
        let entry = NewEntry::new(AuditKind::PlanChange, "section")
            .by(person)
            .plan(plan);
        let title = format!("Section {s}");
        let id = db
            .write_audited(
                |id: &i64| entry.about(format!("section {id}")),
                async |tx| {
                    app::sections::db::add_section(tx, plan, &title, person, Some(org), t).await
                },
            )
            .await
            .expect("section");
        for r in 1..REVISIONS {
            let body = app::sections::merge::normalise(&text((s as u64) << 32 | r as u64, WORDS));
            app::sections::save_queue::save(
                db,
                app::sections::db::NewRevision {
                    section_id: id,
                    expected_version: r,
                    body,
                    kind: "edit",
                    author: person,
                    organisation: Some(org),
                    note: String::new(),
                    now: t,
                    ip: None,
                },
            )
            .await
            .expect("revision");
        }
        sections.push(id);
    }
    Seeded {
        plan,
        sections,
        person,
        org,
    }
}

/// A section added to `plan` with `bodies` saved as its revisions 2, 3... straight into the
/// database, past every check a request would meet: text stored before a limit existed.
async fn stored_section(
    db: &Db,
    plan: i64,
    who: (i64, i64),
    title: &str,
    bodies: &[String],
) -> i64 {
    let (person, org) = who;
    let entry = NewEntry::new(AuditKind::PlanChange, "section")
        .by(person)
        .plan(plan);
    let id = db
        .write_audited(
            |id: &i64| entry.about(format!("section {id}")),
            async |tx| {
                app::sections::db::add_section(tx, plan, title, person, Some(org), now()).await
            },
        )
        .await
        .expect("section");
    for (i, body) in bodies.iter().enumerate() {
        app::sections::save_queue::save(
            db,
            app::sections::db::NewRevision {
                section_id: id,
                expected_version: i as i64 + 1,
                body: body.clone(),
                kind: "edit",
                author: person,
                organisation: Some(org),
                note: String::new(),
                now: now(),
                ip: None,
            },
        )
        .await
        .expect("revision");
    }
    id
}

/// The hostile inputs of issue 13: a section of 60,000 nested list markers (120 KB), a
/// section whose two revisions are 15,000 different words each, and a section of 20,000
/// repeated words to quote from with 20,000-word context hints.
struct Hostile {
    plan: i64,
    nested: i64,
    rewritten: i64,
    repeated: i64,
}

/// Words in the hostile comparison, and in the repeated text and each of its quote hints.
const HOSTILE_DIFF_WORDS: usize = 15_000;
const HOSTILE_HINT_WORDS: usize = 20_000;

async fn seed_hostile(db: &Db, seeded: &Seeded) -> Hostile {
    let who = (seeded.person, seeded.org);
    let plan = app::plans::db::insert_plan(
        db,
        &app::plans::db::NewPlan {
            country: "SL",
            title: "Hostile content",
            summary: "Generated.",
            period: app::plans::domain::Period {
                start: 2026,
                end: 2030,
            },
            stage: 2,
            lead_org_id: seeded.org,
            created_by: seeded.person,
            creator_org: Some(seeded.org),
            from_template: false,
            now: now(),
            ip: None,
        },
    )
    .await
    .expect("hostile plan");
    let nested = format!("{}deep", "- ".repeat(60_000));
    let nested = stored_section(db, plan, who, "Nested list markers", &[nested]).await;
    let rewritten = stored_section(
        db,
        plan,
        who,
        "Rewritten whole",
        &[text(1, HOSTILE_DIFF_WORDS), text(2, HOSTILE_DIFF_WORDS)],
    )
    .await;
    let repeated = "word ".repeat(HOSTILE_HINT_WORDS);
    let repeated = stored_section(db, plan, who, "Repeated words", &[repeated]).await;
    Hostile {
        plan,
        nested,
        rewritten,
        repeated,
    }
}

/// Latencies of one kind of request, and how many failed.
#[derive(Default)]
struct Timings {
    latencies: Vec<Duration>,
    failures: usize,
}

impl Timings {
    fn add(&mut self, other: Timings) {
        self.latencies.extend(other.latencies);
        self.failures += other.failures;
    }

    fn percentile(&mut self, p: f64) -> Duration {
        self.latencies.sort();
        let at = ((self.latencies.len() as f64 * p) as usize)
            .min(self.latencies.len().saturating_sub(1));
        self.latencies.get(at).copied().unwrap_or_default()
    }
}

/// Runs `work` on a thread of its own with a runtime of its own. The servers run on the
/// benchmark's runtime: a client sharing it would be starved by the very stall it measures,
/// and report less than a real client elsewhere would wait.
fn on_own_thread<T, F, Fut>(work: F) -> std::thread::JoinHandle<T>
where
    T: Send + 'static,
    F: FnOnce() -> Fut + Send + 'static,
    Fut: std::future::Future<Output = T>,
{
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("client runtime")
            .block_on(work())
    })
}

/// One of the hostile requests.
#[derive(Clone, Copy)]
enum HostileRequest {
    NestedPage,
    Comparison,
    HugeHints,
}

impl HostileRequest {
    const ALL: [HostileRequest; 3] = [
        HostileRequest::NestedPage,
        HostileRequest::Comparison,
        HostileRequest::HugeHints,
    ];

    fn name(self) -> &'static str {
        match self {
            HostileRequest::NestedPage => "nested-list section page",
            HostileRequest::Comparison => "15,000-word comparison",
            HostileRequest::HugeHints => "passage comment, huge hints",
        }
    }

    fn build(self, client: &Client, base: &str, h: &Hostile) -> reqwest::RequestBuilder {
        let plan = h.plan;
        match self {
            HostileRequest::NestedPage => client
                .get(format!("{base}/plans/{plan}/sections/{}", h.nested))
                .header("accept", "text/html"),
            HostileRequest::Comparison => client.post(format!("{base}/api/compare")).form(&[
                ("plan_id", plan.to_string()),
                ("section_id", h.rewritten.to_string()),
                ("from", "2".into()),
                ("to", "3".into()),
            ]),
            HostileRequest::HugeHints => {
                let hint = "word ".repeat(HOSTILE_HINT_WORDS);
                client.post(format!("{base}/api/start_thread")).form(&[
                    ("plan_id", plan.to_string()),
                    ("section_id", h.repeated.to_string()),
                    ("body", "On this word.".into()),
                    ("quote", "word".into()),
                    ("prefix", hint.clone()),
                    ("suffix", hint),
                ])
            }
        }
    }
}

/// Readers of the hostile inputs (two of each, as long as `duration`, at least one request
/// each) while four clients ask for `/health` on a fixed schedule, 200 times a second in all.
/// Every client runs on a thread of its own. A `/health` answer is timed from when it was due,
/// not from when it could be sent, so a stall counts for every request it held up. Prints every
/// figure; asserts nothing.
async fn hostile_scenario(base: &str, hostile: Hostile, duration: Duration) {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let client_with_jar = {
        let jar = jar.clone();
        move || {
            Client::builder()
                .cookie_provider(jar.clone())
                .build()
                .expect("client")
        }
    };
    let login = client_with_jar()
        .post(format!("{base}/api/login"))
        .form(&[("email", "bench@example.org"), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    assert!(login.status().is_success(), "login failed");

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut health = Vec::new();
    for poller in 0..4u64 {
        let (url, stop) = (format!("{base}/health"), stop.clone());
        health.push(on_own_thread(move || async move {
            let client = Client::new();
            let interval = Duration::from_millis(20);
            let mut due = tokio::time::Instant::now() + Duration::from_millis(5 * poller);
            let mut t = Timings::default();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                tokio::time::sleep_until(due).await;
                let ok = fetch_page(&client, url.clone()).await;
                t.latencies.push(due.elapsed());
                t.failures += usize::from(!ok);
                due += interval;
            }
            t
        }));
    }
    let hostile = std::sync::Arc::new(hostile);
    let start = Instant::now();
    let mut readers = Vec::new();
    for kind in HostileRequest::ALL {
        let (base, hostile, client) = (base.to_owned(), hostile.clone(), client_with_jar());
        readers.push(on_own_thread(move || async move {
            let one_reader = || async {
                let mut t = Timings::default();
                loop {
                    let at = Instant::now();
                    let sent = kind
                        .build(&client, &base, &hostile)
                        .timeout(Duration::from_secs(600))
                        .send()
                        .await;
                    let ok = match sent {
                        Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                        Err(_) => false,
                    };
                    t.latencies.push(at.elapsed());
                    t.failures += usize::from(!ok);
                    if start.elapsed() >= duration {
                        break;
                    }
                }
                t
            };
            let (mut a, b) = tokio::join!(one_reader(), one_reader());
            a.add(b);
            (kind.name(), a)
        }));
    }
    let mut by_kind: Vec<(&'static str, Timings)> = Vec::new();
    for reader in readers {
        by_kind.push(reader.join().expect("reader"));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let mut health_all = Timings::default();
    for h in health {
        health_all.add(h.join().expect("health poller"));
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "\nhostile content ({:.1} s): 2 readers of each input, /health timed by 4 clients meanwhile",
        start.elapsed().as_secs_f64()
    );
    println!(
        "{:<30} {:>9} {:>8} {:>10} {:>10} {:>10}",
        "request", "requests", "failed", "p50 ms", "max ms", ""
    );
    for (name, t) in &mut by_kind {
        let (p50, max) = (t.percentile(0.5), t.percentile(1.0));
        println!(
            "{:<30} {:>9} {:>8} {:>10.1} {:>10.1} {:>10}",
            name,
            t.latencies.len(),
            t.failures,
            ms(p50),
            ms(max),
            if max < Duration::from_secs(2) {
                "(< 2 s)"
            } else {
                "(target < 2 s)"
            }
        );
    }
    let (p50, p99, max) = (
        health_all.percentile(0.5),
        health_all.percentile(0.99),
        health_all.percentile(1.0),
    );
    println!(
        "{:<30} {:>9} {:>8} {:>10.1} {:>10.1}   p99 {:.1} ms (target < 50 ms)",
        "/health meanwhile",
        health_all.latencies.len(),
        health_all.failures,
        ms(p50),
        ms(max),
        ms(p99)
    );
}

/// GETs a page and reads it whole; true when it succeeded.
async fn fetch_page(client: &Client, url: String) -> bool {
    fetch_encoded(client, url, "identity").await
}

/// GETs a page accepting `encoding` (as a browser would say `br`) and reads it whole.
async fn fetch_encoded(client: &Client, url: String, encoding: &'static str) -> bool {
    match client
        .get(url)
        .header("accept", "text/html")
        .header("accept-encoding", encoding)
        .send()
        .await
    {
        Ok(r) if r.status().is_success() => r.bytes().await.is_ok(),
        _ => false,
    }
}

struct Figures {
    name: &'static str,
    concurrency: usize,
    requests: usize,
    errors: usize,
    rps: f64,
    p50: Duration,
    p99: Duration,
    cpu_us: f64,
}

/// Runs `workers` loops for `duration`, each calling `request(worker, iteration)`.
async fn load<F, Fut>(name: &'static str, workers: usize, duration: Duration, request: F) -> Figures
where
    F: Fn(usize, usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = bool> + Send,
{
    let cpu_before = process_cpu_seconds();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..workers {
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            let (mut lat, mut errors, mut i) = (Vec::new(), 0usize, 0usize);
            while start.elapsed() < duration {
                let t = Instant::now();
                if !request(w, i).await {
                    errors += 1;
                }
                lat.push(t.elapsed());
                i += 1;
            }
            (lat, errors)
        }));
    }
    let (mut all, mut errors) = (Vec::new(), 0);
    for t in tasks {
        let (lat, e) = t.await.expect("worker");
        all.extend(lat);
        errors += e;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let cpu = process_cpu_seconds() - cpu_before;
    all.sort();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Figures {
        name,
        concurrency: workers,
        requests: all.len(),
        errors,
        rps: all.len() as f64 / elapsed,
        p50: pct(0.50),
        p99: pct(0.99),
        cpu_us: cpu * 1e6 / all.len().max(1) as f64,
    }
}

/// CPU time (user + system) the whole process has used, in seconds. Per request, it tells the
/// cost of a scenario even when other programs share the cores and throughput figures drift.
fn process_cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may contain spaces).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line (indexes 11 and 12 after the name);
    // clock ticks are 100 per second on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| {
                l.split_whitespace()
                    .nth(1)
                    .unwrap_or("0")
                    .parse::<f64>()
                    .unwrap_or(0.0)
            })
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// Adds `email` as a member of organisation `org` with the password hash `hash` (one hash
/// serves every bench account: hashing is what a login costs, not what seeding measures).
async fn add_member(
    db: &Db,
    email: &str,
    name: &str,
    hash: &app::auth::password::PasswordHash,
    org: i64,
) {
    let id = app::auth::db::insert_person(db, email, name, hash, PlatformRole::Member, now())
        .await
        .expect("person");
    db.transaction(async |tx| {
        app::admin::db::add_membership(tx, id, org, OrgRole::Member, now()).await
    })
    .await
    .expect("membership");
}

/// Calls server function `endpoint` with `form` and insists it succeeded (setting up).
async fn post_ok(client: &Client, base: &str, endpoint: &str, form: &[(&str, String)]) {
    let res = client
        .post(format!("{base}/api/{endpoint}"))
        .form(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{endpoint}: {e}"));
    assert!(res.status().is_success(), "{endpoint} failed");
}

/// A client with a session of `email`'s own.
async fn logged_in(base: &str, email: &str) -> Client {
    let client = Client::builder()
        .cookie_store(true)
        .pool_max_idle_per_host(64)
        .build()
        .expect("client");
    let login = client
        .post(format!("{base}/api/login"))
        .form(&[("email", email), ("password", PASSWORD)])
        .send()
        .await
        .expect("login");
    assert!(login.status().is_success(), "{email}: login failed");
    client
}

/// Section `section` as the `section` server function answers (its text and version).
async fn current_section(
    client: &Client,
    base: &str,
    plan: i64,
    section: i64,
) -> Option<SectionDetail> {
    let res = client
        .post(format!("{base}/api/section"))
        .form(&[
            ("plan_id", plan.to_string()),
            ("section_id", section.to_string()),
        ])
        .send()
        .await
        .ok()?;
    encoding::read(&res.bytes().await.ok()?).ok()
}

/// What a save came to, as the editor reads it.
enum SaveAnswer {
    /// Written as this version.
    Saved(i64),
    /// Merged with others' saves and written as this version, with this text.
    Merged(i64, String),
    /// Overlapping changes: nothing written.
    Conflict,
    /// Refused (409, e.g. "save again in a moment").
    Refused,
    /// Anything else (a failure, an unreadable answer).
    Failed,
}

/// Saves `body` as the editor does, from `version`.
async fn post_save(
    client: &reqwest::Client,
    base: &str,
    plan: i64,
    section: i64,
    version: i64,
    body: String,
) -> SaveAnswer {
    let res = client
        .post(format!("{base}/api/save_section"))
        .form(&[
            ("plan_id", plan.to_string()),
            ("section_id", section.to_string()),
            ("base_version", version.to_string()),
            ("body", body),
        ])
        .send()
        .await;
    let Ok(res) = res else {
        return SaveAnswer::Failed;
    };
    if res.status() == reqwest::StatusCode::CONFLICT {
        return SaveAnswer::Refused;
    }
    let Ok(bytes) = res.bytes().await else {
        return SaveAnswer::Failed;
    };
    match encoding::read::<SaveOutcome>(&bytes) {
        Ok(SaveOutcome::Saved { version } | SaveOutcome::Unchanged { version }) => {
            SaveAnswer::Saved(version)
        }
        Ok(SaveOutcome::Merged { version, body, .. }) => SaveAnswer::Merged(version, body),
        Ok(SaveOutcome::Conflict(_)) => SaveAnswer::Conflict,
        Err(_) => SaveAnswer::Failed,
    }
}

#[tokio::main]
async fn main() {
    let secs: u64 = std::env::var("BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let duration = Duration::from_secs(secs);
    let dir = std::env::temp_dir().join(format!("upstream-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    // BENCH_DATABASE_URL=postgres://... runs the same scenarios on PostgreSQL, with
    // BENCH_INSTANCES (1 to 4) app instances on it, the load spread over them.
    let url = std::env::var("BENCH_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
        .unwrap_or_else(|| format!("sqlite://{}/bench.db", dir.display()));
    let instances: usize = std::env::var("BENCH_INSTANCES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1)
        .clamp(1, 4);
    let on_postgres = app::db::is_postgres(&url);
    let config = |page_cache_mib: usize| Config {
        page_cache_mib,
        audit_key: dir.join("audit-signing.key"),
        audit_checkpoints: dir.join("audit-checkpoints"),
        ..Config::for_tests(url.clone())
    };
    println!(
        "database: {}, {instances} app instance(s)",
        if on_postgres { "PostgreSQL" } else { "SQLite" }
    );
    let seeding = Instant::now();
    let db = open_database(&url).await.expect("database");
    let seeded = seed(&db).await;
    let (plan, sections) = (seeded.plan, seeded.sections.clone());
    println!(
        "seeded {SECTIONS} sections x ~{WORDS} words x {REVISIONS} revisions in {:.1} s",
        seeding.elapsed().as_secs_f64()
    );

    let sample = text(7, WORDS);
    let t = Instant::now();
    for _ in 0..200 {
        std::hint::black_box(app::foundation::markdown::to_safe_html(&sample));
    }
    println!(
        "render + sanitise of one ~{WORDS}-word section: {:.0} µs",
        t.elapsed().as_secs_f64() * 1e6 / 200.0
    );

    let mut bases = Vec::new();
    for _ in 0..instances {
        let app = Application::build(&config(64)).await.expect("server");
        bases.push(format!("http://{}", app.local_addr()));
        tokio::spawn(app.run_until_stopped());
    }
    let base = bases[0].clone();
    // The same servers without their page cache, on the same database (sessions included), to
    // show what rendering every view costs.
    let mut uncached_bases = Vec::new();
    for _ in 0..instances {
        let uncached = Application::build(&config(0))
            .await
            .expect("server without page cache");
        uncached_bases.push(format!("http://{}", uncached.local_addr()));
        tokio::spawn(uncached.run_until_stopped());
    }
    let uncached_base = uncached_bases[0].clone();
    // Where worker `w` sends its requests: the instances in turn.
    let bases = std::sync::Arc::new(bases);
    let base_for = {
        let bases = bases.clone();
        move |w: usize| bases[w % bases.len()].clone()
    };
    let uncached_bases = std::sync::Arc::new(uncached_bases);
    let rendered_for = {
        let bases = uncached_bases.clone();
        move |w: usize| bases[w % bases.len()].clone()
    };
    let client = logged_in(&base, "bench@example.org").await;

    // A reader: a reviewer from another organisation, who gets the reading view only.
    let reader_org = db
        .transaction(async |tx| {
            app::admin::db::insert_organisation(
                tx,
                "Bench Committee",
                OrgKind::Government,
                "SL",
                now(),
            )
            .await
        })
        .await
        .expect("reader org");
    let reader_hash = app::auth::password::hash_password(
        NewPassword::parse(
            PASSWORD,
            PASSWORD,
            &app::auth::domain::Owner {
                email: READER,
                name: "Bench Reader",
            },
        )
        .map_err(|_| ())
        .expect("password"),
    )
    .await
    .expect("hash");
    add_member(&db, READER, "Bench Reader", &reader_hash, reader_org).await;
    let grant = [
        ("plan_id", plan.to_string()),
        ("email", READER.to_owned()),
        ("role", "reviewer".to_owned()),
    ];
    post_ok(&client, &base, "grant_to_person", &grant).await;
    let reader = logged_in(&base, READER).await;

    // What one section page weighs, as each kind of viewer gets it.
    let first = format!("/plans/{plan}/sections/{}", sections[0]);
    println!("\nsection page HTML (bytes)        raw      gzip    brotli");
    for (who, c, path) in [
        ("reader", &reader, first.clone()),
        ("editor, reading", &client, first.clone()),
        ("editor, editing (?edit)", &client, format!("{first}?edit")),
    ] {
        let mut sizes = Vec::new();
        for encoding in ["identity", "gzip", "br"] {
            let res = c
                .get(format!("{uncached_base}{path}"))
                .header("accept", "text/html")
                .header("accept-encoding", encoding)
                .send()
                .await
                .expect("page");
            sizes.push(res.bytes().await.map(|b| b.len()).unwrap_or(0));
        }
        println!("{who:<28} {:>9} {:>9} {:>9}", sizes[0], sizes[1], sizes[2]);
    }
    println!();

    let get = |path: String| {
        let (client, base_for) = (client.clone(), base_for.clone());
        move |w: usize, _i: usize| {
            let (client, url) = (client.clone(), format!("{}{path}", base_for(w)));
            async move { fetch_page(&client, url).await }
        }
    };
    // BENCH_ONLY=section (for instance) runs only the scenarios whose name contains it, for
    // profiling one of them; several, separated by `|` (names hold commas), to compare them
    // in one run (a page beside the trivial route). The summary lines need all four.
    let only = std::env::var("BENCH_ONLY").unwrap_or_default();
    let wanted = |name: &str| only.split('|').any(|o| name.contains(o));
    let mut results = Vec::new();
    if wanted("trivial") {
        results.push(
            load(
                "trivial route (/health)",
                32,
                duration,
                get("/health".into()),
            )
            .await,
        );
    }
    if wanted("plan overview") {
        results.push(
            load(
                "plan overview page",
                32,
                duration,
                get(format!("/plans/{plan}")),
            )
            .await,
        );
    }
    // Each worker walks through the sections, so every page is asked for in turn.
    let section_pages = |base_for: std::sync::Arc<dyn Fn(usize) -> String + Send + Sync>| {
        let (client, sections) = (client.clone(), sections.clone());
        move |w: usize, i: usize| {
            let url = format!(
                "{}/plans/{plan}/sections/{}",
                base_for(w),
                sections[(w + i) % sections.len()]
            );
            let client = client.clone();
            async move { fetch_page(&client, url).await }
        }
    };
    if wanted("section page") {
        let pages = section_pages(std::sync::Arc::new(base_for.clone()));
        results.push(load("section page", 32, duration, pages).await);
    }
    if wanted("section page, rendered") {
        let pages = section_pages(std::sync::Arc::new(rendered_for.clone()));
        results.push(load("section page, rendered", 32, duration, pages).await);
    }
    // The reader's page, rendered on every view, as sent (`identity`) and as a browser gets
    // it (asking as Chromium does; compressed per response, with gzip since it is taken).
    let reader_pages = |encoding: &'static str| {
        let (reader, sections, rendered_for) =
            (reader.clone(), sections.clone(), rendered_for.clone());
        move |w: usize, i: usize| {
            let url = format!(
                "{}/plans/{plan}/sections/{}",
                rendered_for(w),
                sections[(w + i) % sections.len()]
            );
            let reader = reader.clone();
            async move { fetch_encoded(&reader, url, encoding).await }
        }
    };
    if wanted("reader page, rendered") {
        results.push(
            load(
                "reader page, rendered",
                32,
                duration,
                reader_pages("identity"),
            )
            .await,
        );
    }
    if wanted("reader page, rendered, compressed") {
        results.push(
            load(
                "reader page, rendered, compressed",
                32,
                duration,
                reader_pages("gzip, deflate, br, zstd"),
            )
            .await,
        );
    }

    // 32 writers, each saving its own section in turn from the version it last saw.
    let versions: std::sync::Arc<Vec<std::sync::atomic::AtomicI64>> = std::sync::Arc::new(
        (0..32)
            .map(|_| std::sync::atomic::AtomicI64::new(REVISIONS))
            .collect(),
    );
    let saves = {
        let (client, base_for, sections, versions) = (
            client.clone(),
            base_for.clone(),
            sections.clone(),
            versions.clone(),
        );
        move |w: usize, i: usize| {
            let (client, base, versions) = (client.clone(), base_for(w), versions.clone());
            let section = sections[w % sections.len()];
            async move {
                let version = versions[w].load(std::sync::atomic::Ordering::Relaxed);
                let body = text(((w as u64) << 40) | i as u64, WORDS);
                match post_save(&client, &base, plan, section, version, body).await {
                    SaveAnswer::Saved(n) | SaveAnswer::Merged(n, _) => {
                        versions[w].store(n, std::sync::atomic::Ordering::Relaxed);
                        true
                    }
                    SaveAnswer::Conflict | SaveAnswer::Refused | SaveAnswer::Failed => false,
                }
            }
        }
    };
    // 32 people co-authoring ONE section (32 paragraphs, ~1,500 words), each rewriting their
    // own paragraph from the version and text they last saw, as the editor does: the
    // contention co-authoring is about. The last section, which no other scenario saves.
    let shared_section = sections[sections.len() - 1];
    let writers_view: std::sync::Arc<Vec<WriterView>> = {
        let paragraphs: Vec<String> = (0..32u64).map(|p| text(7_000 + p, WORDS / 32)).collect();
        // The shared text, saved once as the version every writer starts from.
        let body = paragraphs.join("\n\n");
        let seeded = post_save(&client, &base, plan, shared_section, REVISIONS, body).await;
        assert!(
            matches!(seeded, SaveAnswer::Saved(_)),
            "seed the shared section"
        );
        std::sync::Arc::new(
            (0..32)
                .map(|_| std::sync::Mutex::new((REVISIONS + 1, paragraphs.clone())))
                .collect(),
        )
    };
    // Saved, merged, conflict, refused, failed.
    let outcomes: std::sync::Arc<[std::sync::atomic::AtomicUsize; 5]> = Default::default();
    let one_section_saves = {
        let (client, base_for, views) = (client.clone(), base_for.clone(), writers_view.clone());
        let outcomes = outcomes.clone();
        move |w: usize, i: usize| {
            let (client, base, views) = (client.clone(), base_for(w), views.clone());
            let tally = outcomes.clone();
            async move {
                // The writer's paragraph as last landed, put back if this save does not land,
                // so the final check looks for landed text only.
                let (version, body, landed_paragraph) = {
                    let Ok(mut view) = views[w].lock() else {
                        return false;
                    };
                    let fresh = text(((w as u64) << 40) | i as u64, WORDS / 32);
                    let landed = view.1.get_mut(w).map(|p| std::mem::replace(p, fresh));
                    (view.0, view.1.join("\n\n"), landed)
                };
                // A conflict, a refusal (409) or a failure counts as an error; each is tallied.
                let outcome = post_save(&client, &base, plan, shared_section, version, body).await;
                tally[match outcome {
                    SaveAnswer::Saved(_) => 0,
                    SaveAnswer::Merged(..) => 1,
                    SaveAnswer::Conflict => 2,
                    SaveAnswer::Refused => 3,
                    SaveAnswer::Failed => 4,
                }]
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Ok(mut view) = views[w].lock() else {
                    return false;
                };
                match outcome {
                    SaveAnswer::Saved(landed) => view.0 = landed,
                    SaveAnswer::Merged(landed, merged) => {
                        view.0 = landed;
                        view.1 = merged.split("\n\n").map(str::to_owned).collect();
                    }
                    SaveAnswer::Conflict | SaveAnswer::Refused | SaveAnswer::Failed => {
                        if let (Some(p), Some(landed)) = (view.1.get_mut(w), landed_paragraph) {
                            *p = landed;
                        }
                        return false;
                    }
                }
                true
            }
        }
    };
    // BENCH_PAGE=/some/path adds that page, to compare any page with the others.
    if let Ok(path) = std::env::var("BENCH_PAGE") {
        results.push(load("extra page (BENCH_PAGE)", 32, duration, get(path)).await);
    }
    if wanted("section save") {
        results.push(load("section save", 32, duration, saves).await);
    }
    if wanted("one section save") {
        results.push(load("one section save", 32, duration, one_section_saves).await);
        // Nothing lost: every writer's last landed paragraph is in the section's text.
        let current = current_section(&client, &base, plan, shared_section)
            .await
            .expect("the shared section");
        let body = current.body.as_str();
        let lost = writers_view
            .iter()
            .enumerate()
            .filter(|(w, view)| {
                view.lock()
                    .ok()
                    .and_then(|v| v.1.get(*w).cloned())
                    .is_some_and(|mine| !body.contains(&mine))
            })
            .count();
        let n = |i: usize| outcomes[i].load(std::sync::atomic::Ordering::Relaxed);
        println!(
            "one section save: {} saved, {} merged, {} conflicts, {} refused, {} failed; \
             {lost} of 32 writers' last paragraphs missing from the section",
            n(0),
            n(1),
            n(2),
            n(3),
            n(4)
        );
    }

    // Many readers: 200 people, each with a session of their own, reading the plan's sections
    // in turn while one save a second lands somewhere in the plan, which empties the page
    // cache. Counts the answers the page cache gave.
    if wanted("many readers") {
        let mut readers = Vec::new();
        for n in 0..200 {
            let email = format!("reader-{n}@example.org");
            add_member(
                &db,
                &email,
                &format!("Reader {n}"),
                &reader_hash,
                reader_org,
            )
            .await;
            readers.push(email);
        }
        let grant = [
            ("plan_id", plan.to_string()),
            ("organisation_id", reader_org.to_string()),
            ("role", "viewer".to_owned()),
        ];
        post_ok(&client, &base, "grant_to_organisation", &grant).await;
        let mut sessions = Vec::new();
        for email in &readers {
            let session = logged_in(&base, email).await;
            sessions.push(session);
        }
        let sessions = std::sync::Arc::new(sessions);
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        // One save a second, on a section nobody reads here (the shared one above).
        let writing = {
            let (client, base) = (client.clone(), base.clone());
            tokio::spawn(async move {
                let mut version = REVISIONS;
                for i in 0u64.. {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    let body = text(90_000 + i, WORDS);
                    match post_save(&client, &base, plan, shared_section, version, body).await {
                        SaveAnswer::Saved(v) | SaveAnswer::Merged(v, _) => version = v,
                        _ => {
                            let current = current_section(&client, &base, plan, shared_section)
                                .await
                                .map(|s| s.version);
                            version = current.unwrap_or(version);
                        }
                    }
                }
            })
        };
        let read = {
            let (sessions, sections, base_for, hits) = (
                sessions.clone(),
                sections.clone(),
                base_for.clone(),
                hits.clone(),
            );
            let readable = sections.len() - 1;
            move |w: usize, i: usize| {
                let session = sessions[w].clone();
                let url = format!(
                    "{}/plans/{plan}/sections/{}",
                    base_for(w),
                    sections[(w + i) % readable]
                );
                let hits = hits.clone();
                async move {
                    let Ok(res) = session.get(url).header("accept", "text/html").send().await
                    else {
                        return false;
                    };
                    if res.headers().contains_key(server::page_cache::HIT_HEADER) {
                        hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    }
                    res.status().is_success() && res.bytes().await.is_ok()
                }
            }
        };
        let figures = load("many readers (200 sessions)", 200, duration, read).await;
        writing.abort();
        let hit = hits.load(std::sync::atomic::Ordering::Relaxed);
        println!(
            "many readers: {hit} of {} pages from the page cache ({:.1} %), one save a second meanwhile",
            figures.requests,
            100.0 * hit as f64 / figures.requests.max(1) as f64
        );
        results.push(figures);
    }
    // The live, hostile-text and browser scenarios measure what does not change with the
    // database; they run on SQLite only.
    if wanted("live") && !on_postgres {
        live_scenario(&db, &client, &base, plan, &sections, &reader_hash, duration).await;
    }
    println!(
        "\n{:<28} {:>5} {:>9} {:>7} {:>10} {:>10} {:>10} {:>12}",
        "scenario", "conc", "requests", "errors", "req/s", "p50 ms", "p99 ms", "cpu µs/req"
    );
    for f in &results {
        println!(
            "{:<28} {:>5} {:>9} {:>7} {:>10.1} {:>10.2} {:>10.2} {:>12.0}",
            f.name,
            f.concurrency,
            f.requests,
            f.errors,
            f.rps,
            f.p50.as_secs_f64() * 1000.0,
            f.p99.as_secs_f64() * 1000.0,
            f.cpu_us
        );
    }
    let named = |name: &str| results.iter().find(|f| f.name.starts_with(name));
    if let (Some(trivial), Some(page)) = (named("trivial"), named("section page")) {
        for (name, what) in [
            ("section page, rendered", "section page (editor, reading)"),
            ("reader page, rendered", "section page (reader)"),
            (
                "reader page, rendered, compressed",
                "section page (reader, compressed)",
            ),
        ] {
            if let Some(rendered) = results.iter().find(|f| f.name == name) {
                println!(
                    "\n{what} rendered on every view (no page cache): {:.1}% of the trivial route, {:.1}% by CPU cost (target >= 5.5%)",
                    rendered.rps / trivial.rps * 100.0,
                    trivial.cpu_us / rendered.cpu_us * 100.0
                );
            }
        }
        println!(
            "\nsection page throughput: {:.1}% of the trivial route (target >= 20%)",
            page.rps / trivial.rps * 100.0
        );
        println!(
            "  by CPU cost per request (steadier when other work shares the cores): {:.1}%",
            trivial.cpu_us / page.cpu_us * 100.0
        );
    }
    // Last, so that whatever it leaves running cannot slow the other scenarios.
    if wanted("hostile") && !on_postgres {
        let hostile = seed_hostile(&db, &seeded).await;
        hostile_scenario(&uncached_base, hostile, duration).await;
    }
    if let Some(save) = named("section save") {
        println!(
            "section save p99 at 32 writers: {:.1} ms (target < 50 ms)",
            save.p99.as_secs_f64() * 1000.0
        );
    }
    println!(
        "peak RSS of the benchmark process (server + clients): {:.0} MiB",
        peak_rss_mib()
    );
    if !on_postgres {
        browser(
            "section page",
            &base,
            &first,
            &[(READER, "reader"), ("bench@example.org", "editor")],
        );
        // The first page anyone loads, with an empty cache: the login page, not signed in.
        browser("login page", &base, "/login", &[("-", "newcomer")]);
    }
    // BENCH_RESULTS=FILE: the table again, one line per scenario, for `scripts/bench` to set
    // the runs side by side.
    if let Ok(path) = std::env::var("BENCH_RESULTS") {
        let lines: String = results
            .iter()
            .map(|f| {
                format!(
                    "{}\t{:.1}\t{:.2}\t{:.2}\t{}\n",
                    f.name,
                    f.rps,
                    f.p50.as_secs_f64() * 1000.0,
                    f.p99.as_secs_f64() * 1000.0,
                    f.errors
                )
            })
            .collect();
        if let Err(e) = std::fs::write(&path, lines) {
            eprintln!("could not write {path}: {e}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Sets up and runs [`live::run`]: enough reading people for [`live::STREAMS`] streams,
/// viewers of the plan through an organisation of their own, and the 32 sections the writers
/// save at their current versions.
async fn live_scenario(
    db: &Db,
    client: &Client,
    base: &str,
    plan: i64,
    sections: &[i64],
    hash: &app::auth::password::PasswordHash,
    duration: Duration,
) {
    let org = db
        .transaction(async |tx| {
            app::admin::db::insert_organisation(
                tx,
                "Bench Observers",
                OrgKind::CivilSociety,
                "SL",
                now(),
            )
            .await
        })
        .await
        .expect("observers");
    let people = live::STREAMS.div_ceil(live::PER_SESSION);
    let mut cookies = Vec::new();
    for n in 0..people {
        let email = format!("observer-{n}@example.org");
        add_member(db, &email, &format!("Observer {n}"), hash, org).await;
        cookies.push(live::session_cookie(base, &email, PASSWORD).await);
    }
    let grant = [
        ("plan_id", plan.to_string()),
        ("organisation_id", org.to_string()),
        ("role", "viewer".to_owned()),
    ];
    post_ok(client, base, "grant_to_organisation", &grant).await;
    let mut versions = Vec::new();
    for &section in sections.iter().take(32) {
        let current = current_section(client, base, plan, section).await;
        versions.push(current.map(|s| s.version).unwrap_or(REVISIONS));
    }
    let setup = live::Setup {
        addr: base.trim_start_matches("http://").to_owned(),
        base: base.to_owned(),
        plan,
        sections: sections.iter().take(32).copied().collect(),
        cookies,
        writer: client.clone(),
        versions,
    };
    live::run(setup, duration).await;
}

/// The browser measurement (`end2end/bench/browser.mjs`): Chromium on an emulated slow link
/// and CPU opens `what` (at `path`) with an empty cache and again with it warm, as each of
/// `people` (email `-`: not signed in). Runs when Chromium and the end-to-end packages are
/// installed, unless `BENCH_BROWSER=0`.
fn browser(what: &str, base: &str, path: &str, people: &[(&str, &str)]) {
    let script = std::path::Path::new("end2end/bench/browser.mjs");
    let ready = std::path::Path::new("/usr/bin/chromium").exists()
        && std::path::Path::new("end2end/node_modules/@playwright/test").exists()
        && std::path::Path::new("target/site/hash.txt").exists()
        && script.exists();
    if std::env::var("BENCH_BROWSER").as_deref() == Ok("0") {
        return;
    }
    if !ready {
        println!(
            "\nbrowser measurement skipped: needs /usr/bin/chromium, end2end/node_modules \
             (scripts/setup test) and the built site (scripts/build)"
        );
        return;
    }
    println!(
        "\n{what} in Chromium, 1.6 Mbps down / 750 kbps up / 150 ms, CPU 4x slower:\n\
         {:<8} {:<6} {:>12} {:>10} {:>14}",
        "who", "cache", "transferred", "requests", "hydrated (ms)"
    );
    for (email, label) in people {
        let out = std::process::Command::new("node")
            .arg(script)
            .args([base, path, email, PASSWORD, label])
            .output();
        let Ok(out) = out else {
            println!("could not run node");
            return;
        };
        if !out.status.success() {
            println!(
                "{label}: {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .next()
                    .unwrap_or("")
            );
            continue;
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(line) else {
                continue;
            };
            println!(
                "{:<8} {:<6} {:>12} {:>10} {:>14}",
                v["label"].as_str().unwrap_or(""),
                v["cache"].as_str().unwrap_or(""),
                v["bytes"].as_f64().unwrap_or(0.0) as u64,
                v["requests"].as_u64().unwrap_or(0),
                v["hydrated_ms"].as_f64().unwrap_or(0.0) as u64
            );
        }
    }
}
