//! Starts the real server on 127.0.0.1:0 with a fresh database and drives it over HTTP the way
//! the Leptos client does: each server function is called through the type `#[server]`
//! generates for it, so a renamed or re-typed function breaks the tests at compile time.

use std::path::PathBuf;

use app::access::api::GrantToPerson;
use app::auth::api::Login;
use app::auth::domain::{NewPassword, Owner};
use app::checklist::api::UpdateChecklistItem;
use app::db::Db;
use app::error::AppError;
use app::foundation::people::PlatformRole;
use app::foundation::people::{OrgKind, OrgRole};
use app::foundation::viewer::Whoami;
use app::plans::api::{CreatePlan, Plan};
use app::sections::api::SaveSection;
use leptos::server_fn::ServerFn;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, CONTENT_TYPE};
use reqwest::{redirect, Client, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use server::config::Config;
use server::startup::{open_database, Application};

/// The password of every account the tests create.
pub const PASSWORD: &str = "a long test password";

/// A plan created from the template by its logged-in lead, from [`TestApp::led_plan`].
pub struct LedPlan {
    /// The lead organisation (government), of which the lead is a member.
    pub org: i64,
    pub lead: Client,
    pub lead_id: i64,
    pub plan: i64,
    /// The plan's first section.
    pub section: i64,
}

/// A running server with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A second handle on the same database, for seeding and checking.
    pub db: Db,
    /// The server's configuration (its database, audit key and checkpoint file).
    pub config: Config,
    /// The folder holding the database and the files beside it, removed at the end.
    pub dir: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts a server on a free port with an empty, migrated database.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// A fresh folder for a test's files, under the system's temporary folder.
pub fn temp_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("upstream-{what}-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// The PostgreSQL server the suite runs on, when `UPSTREAM_TEST_POSTGRES` names one (a URL
/// to a database the tests may create others from): `scripts/test` runs the suite once on
/// SQLite and once on a throwaway PostgreSQL cluster.
pub fn test_postgres() -> Option<String> {
    std::env::var("UPSTREAM_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.is_empty())
}

/// A URL to a new, empty database for one test: a database of its own on the suite's
/// PostgreSQL server (see [`test_postgres`]), or else a SQLite file in `dir`.
pub async fn fresh_database_url(dir: &std::path::Path) -> String {
    let Some(server) = test_postgres() else {
        return format!("sqlite://{}/test.db", dir.display());
    };
    use sqlx::{Connection, Executor};
    sqlx::any::install_default_drivers();
    let name = format!("upstream_{}", uuid::Uuid::new_v4().simple());
    let mut admin = sqlx::AnyConnection::connect(&server)
        .await
        .expect("the test PostgreSQL server answers");
    admin
        .execute(format!("CREATE DATABASE {name}").as_str())
        .await
        .expect("a test database");
    let _ = admin.close().await;
    let (address, options) = match server.split_once('?') {
        Some((address, options)) => (address, format!("?{options}")),
        None => (server.as_str(), String::new()),
    };
    let (root, _) = address
        .rsplit_once('/')
        .filter(|(root, _)| root.contains("//") && !root.ends_with('/'))
        .unwrap_or((address, ""));
    format!("{root}/{name}{options}")
}

/// [`spawn_app`] with its configuration changed by `adjust` first.
pub async fn spawn_app_with(adjust: impl FnOnce(&mut Config)) -> TestApp {
    let dir = temp_dir("test");
    let url = fresh_database_url(&dir).await;
    start_on(dir, url, adjust).await
}

/// A server on a SQLite file whichever backend the suite runs on: for what only SQLite has
/// (file backups and restores, the page cache, SQL that reaches into SQLite's catalogue).
pub async fn spawn_sqlite_app() -> TestApp {
    let dir = temp_dir("test");
    let url = format!("sqlite://{}/test.db", dir.display());
    start_on(dir, url, |_| {}).await
}

/// A server on the database at `url` (which may already hold data), its files in `dir`.
pub async fn start_on(dir: PathBuf, url: String, adjust: impl FnOnce(&mut Config)) -> TestApp {
    // `TEST_LOG=1` shows the servers' logs (filtered by `RUST_LOG`) when a test needs them.
    if std::env::var_os("TEST_LOG").is_some() {
        server::telemetry::init(server::config::LogFormat::Text);
    }
    let mut config = Config::for_tests(url.clone());
    // The signing key and checkpoints live beside a SQLite file; a test on PostgreSQL keeps
    // its own in its folder, not in the one every server on PostgreSQL defaults to.
    config.audit_key = dir.join("audit-signing.key");
    config.audit_checkpoints = dir.join("audit-checkpoints");
    adjust(&mut config);
    let app = Application::build(&config).await.expect("server starts");
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until_stopped());
    let db = open_database(&url).await.expect("second handle");
    TestApp {
        base,
        db,
        config,
        dir,
    }
}

/// Writer `i` of many co-authoring one section: saves its own paragraph (`text[i]`) `rounds`
/// times at `url`, each time from the version and text its last save returned, as the editor
/// does; panics on anything but a save or a clean merge. The section starts at `version`.
#[allow(clippy::too_many_arguments)]
pub async fn write_own_paragraph(
    url: String,
    client: Client,
    plan: i64,
    section: i64,
    mut version: i64,
    mut text: Vec<String>,
    i: usize,
    rounds: usize,
) {
    use app::sections::views::SaveOutcome;
    for round in 0..rounds {
        text[i] = format!("Paragraph {i}, edit {round} by writer {i}.");
        let save = section_save(plan, section, version, &text.join("\n\n"));
        match call_at(&url, &client, save).await {
            Ok(SaveOutcome::Saved { version: v }) => version = v,
            Ok(SaveOutcome::Merged {
                version: v, body, ..
            }) => {
                version = v;
                text = body.split("\n\n").map(str::to_owned).collect();
            }
            other => panic!("writer {i}, save {round}: {other:?}"),
        }
    }
}

/// The login form filled in with `email` and `password`.
pub fn credentials(email: &str, password: &str) -> Login {
    Login {
        email: email.to_owned(),
        password: password.to_owned(),
        next: None,
    }
}

/// A save of `body` as the text of `section`, based on its version `base`.
pub fn section_save(plan: i64, section: i64, base: i64, body: &str) -> SaveSection {
    SaveSection {
        plan_id: plan,
        section_id: section,
        base_version: base,
        body: body.to_owned(),
    }
}

/// A save of checklist `item` based on its version `base` that leaves every field as it is:
/// set the ones to change.
pub fn item_update(plan: i64, item: i64, base: i64) -> UpdateChecklistItem {
    UpdateChecklistItem {
        plan_id: plan,
        item_id: item,
        base_version: base,
        status: None,
        na_reason: None,
        responsible_org_id: None,
        responsible_person: None,
        due_date: None,
    }
}

/// Asserts that sanitised HTML rendered from hostile Markdown holds no live markup: raw HTML
/// comes out as escaped text, and no real tag is a script or an image or carries a handler or
/// a `javascript:` target.
pub fn assert_harmless(html: &str) {
    let html = html.to_lowercase();
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
}

/// A server function call that failed: the HTTP status and the error the server sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub status: u16,
    pub error: AppError,
}

impl Failure {
    /// The message shown next to `field`, when the input was refused as invalid.
    pub fn field_message(&self, field: &str) -> Option<&str> {
        self.error.form_errors()?.message(field)
    }

    /// What a refusal because of the current state (`AppError::Conflict`) says.
    pub fn conflict(&self) -> Option<&str> {
        match &self.error {
            AppError::Conflict(message) => Some(message),
            _ => None,
        }
    }
}

/// The HTTP status a typed call was answered with, for tests that compare statuses.
pub trait Status {
    fn status(&self) -> u16;
}

impl<T> Status for Result<T, Failure> {
    /// 200 for a success: [`call_at`] decodes an output only from a 200.
    fn status(&self) -> u16 {
        match self {
            Ok(_) => 200,
            Err(failure) => failure.status,
        }
    }
}

/// The request the Leptos client sends for `f` with its default codec (`PostUrl`): a POST to
/// the function's path with the arguments as a `serde_qs` form body, asking for the compact
/// answer (`app::encoding`) back.
pub fn request<F>(base: &str, client: &Client, f: &F) -> RequestBuilder
where
    F: ServerFn + Serialize,
{
    let body = serde_qs::to_string(f).expect("arguments encode as a form");
    client
        .post(format!("{base}{}", F::PATH))
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ACCEPT, app::encoding::ANSWER_TYPE)
        .body(body)
}

/// A server function's answer (or the error it carries) as the browser reads it.
pub fn answer<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    app::encoding::read(body).map_err(|e| e.to_string())
}

/// Calls `f` on the server at `base` as `client`: its output on a 200, otherwise the status
/// with the `AppError` the server sent. Panics on any other answer. For spawned tasks, which
/// cannot borrow the [`TestApp`].
pub async fn call_at<F>(base: &str, client: &Client, f: F) -> Result<F::Output, Failure>
where
    F: ServerFn<Error = AppError> + Serialize,
    F::Output: DeserializeOwned,
{
    let res = request(base, client, &f)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{}: {e}", F::PATH));
    let status = res.status().as_u16();
    let body = res.bytes().await.expect("response body");
    let text = || String::from_utf8_lossy(&body).into_owned();
    if status == 200 {
        return Ok(answer(&body)
            .unwrap_or_else(|e| panic!("{} answered 200 with {}: {e}", F::PATH, text())));
    }
    match answer(&body) {
        Ok(error) => Err(Failure { status, error }),
        Err(_) => panic!("{} answered {status} without an error: {}", F::PATH, text()),
    }
}

impl TestApp {
    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn client(&self) -> Client {
        Client::builder()
            .cookie_store(true)
            .redirect(redirect::Policy::none())
            .build()
            .expect("client")
    }

    /// Calls server function `f` as `client`, as the Leptos client does (see [`call_at`]).
    pub async fn call<F>(&self, client: &Client, f: F) -> Result<F::Output, Failure>
    where
        F: ServerFn<Error = AppError> + Serialize,
        F::Output: DeserializeOwned,
    {
        call_at(&self.base, client, f).await
    }

    /// Calls `f` for its status alone: the function's path (to name it in messages) and the
    /// status it was answered with.
    pub async fn attempt<F>(&self, client: &Client, f: F) -> (&'static str, u16)
    where
        F: ServerFn<Error = AppError> + Serialize,
        F::Output: DeserializeOwned,
    {
        (F::PATH, self.call(client, f).await.status())
    }

    /// The request of [`TestApp::call`], for a test to add headers to before sending it.
    pub fn request<F: ServerFn + Serialize>(&self, client: &Client, f: &F) -> RequestBuilder {
        request(&self.base, client, f)
    }

    /// Calls `f` as [`TestApp::call`] does, returning the response itself (headers, cookies).
    pub async fn call_raw<F: ServerFn + Serialize>(&self, client: &Client, f: F) -> Response {
        self.request(client, &f).send().await.expect("request")
    }

    /// Posts `f` as a browser without JavaScript submits a form on `page` of our site.
    pub async fn post_form<F: ServerFn + Serialize>(
        &self,
        client: &Client,
        page: &str,
        f: F,
    ) -> Response {
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            HeaderValue::from_static("text/html,application/xhtml+xml"),
        );
        let referer = format!("{}{page}", self.base);
        headers.insert("referer", HeaderValue::from_str(&referer).expect("referer"));
        headers.insert("origin", HeaderValue::from_str(&self.base).expect("origin"));
        self.request(client, &f)
            .headers(headers)
            .send()
            .await
            .expect("form post")
    }

    /// Creates an organisation directly in the database.
    pub async fn org(&self, name: &str, kind: OrgKind) -> i64 {
        self.db
            .transaction(async |tx| {
                app::admin::db::insert_organisation(tx, name, kind, "SL", app::db::now()).await
            })
            .await
            .expect("org")
    }

    /// Creates an account directly in the database, optionally in an organisation.
    pub async fn person(
        &self,
        email: &str,
        role: PlatformRole,
        org: Option<(i64, OrgRole)>,
    ) -> i64 {
        let owner = Owner { email, name: email };
        let pw = NewPassword::parse(PASSWORD, PASSWORD, &owner)
            .map_err(|_| ())
            .expect("valid password");
        let hash = app::auth::password::hash_password(pw).await.expect("hash");
        let id = app::auth::db::insert_person(&self.db, email, email, &hash, role, app::db::now())
            .await
            .expect("person");
        if let Some((org, role)) = org {
            self.db
                .transaction(async |tx| {
                    app::admin::db::add_membership(tx, id, org, role, app::db::now()).await
                })
                .await
                .expect("membership");
        }
        id
    }

    /// Sets person `id`'s display name (accounts made here are named after their email, which
    /// a mention cannot name).
    pub async fn rename_person(&self, id: i64, name: &str) {
        sqlx::query("UPDATE people SET display_name = $1 WHERE id = $2")
            .bind(name)
            .bind(id)
            .execute(self.db.write().await.conn())
            .await
            .expect("renamed");
    }

    /// Logs `client` in; panics if that fails.
    pub async fn login(&self, client: &Client, email: &str) {
        if let Err(failure) = self.call(client, credentials(email, PASSWORD)).await {
            panic!("login of {email} failed: {failure:?}");
        }
    }

    /// A logged-in client for a new account.
    pub async fn logged_in(
        &self,
        email: &str,
        role: PlatformRole,
        org: Option<(i64, OrgRole)>,
    ) -> (Client, i64) {
        let id = self.person(email, role, org).await;
        let client = self.client();
        self.login(&client, email).await;
        (client, id)
    }

    /// A logged-in client for a new plain member of `org`.
    pub async fn member_of(&self, org: i64, email: &str) -> (Client, i64) {
        self.logged_in(email, PlatformRole::Member, Some((org, OrgRole::Member)))
            .await
    }

    /// A logged-in client for a new account in no organisation.
    pub async fn loner(&self, email: &str) -> (Client, i64) {
        self.logged_in(email, PlatformRole::Member, None).await
    }

    /// A logged-in client for a new platform administrator, `admin@example.org`.
    pub async fn admin(&self) -> Client {
        self.logged_in("admin@example.org", PlatformRole::Admin, None)
            .await
            .0
    }

    /// Grants `role` on `plan` to the account `email`, as `lead`; asserts the grant succeeded.
    pub async fn grant(&self, lead: &Client, plan: i64, email: &str, role: &str) {
        let grant = GrantToPerson {
            plan_id: plan,
            email: email.to_owned(),
            role: role.to_owned(),
        };
        if let Err(failure) = self.call(lead, grant).await {
            panic!("grant {role} to {email}: {failure:?}");
        }
    }

    /// The id of the grant giving person `person` a role on `plan` directly.
    pub async fn person_grant(&self, plan: i64, person: i64) -> i64 {
        self.count(&format!(
            "SELECT id FROM plan_grants WHERE plan_id = {plan} AND grantee_kind = 'person' AND grantee_id = {person}"
        ))
        .await
    }

    /// Creates a plan led by `org` as `client` (optionally from the template); returns its id.
    pub async fn create_plan(
        &self,
        client: &Client,
        org: i64,
        title: &str,
        from_template: bool,
    ) -> i64 {
        let plan = CreatePlan {
            country: "SL".into(),
            title: title.into(),
            summary: String::new(),
            period_start: "2026".into(),
            period_end: "2030".into(),
            fragility_stage: "2".into(),
            lead_org_id: org.to_string(),
            use_template: from_template.then(|| "yes".into()),
        };
        self.call(client, plan).await.expect("plan created")
    }

    /// A plan created from the template by a new, logged-in lead who is a member of a new
    /// government organisation `org_name` (which so becomes the plan's lead organisation).
    pub async fn led_plan(&self, org_name: &str, email: &str, title: &str) -> LedPlan {
        let org = self.org(org_name, OrgKind::Government).await;
        let (lead, lead_id) = self.member_of(org, email).await;
        let plan = self.create_plan(&lead, org, title, true).await;
        let section = self.first_section(&lead, plan).await;
        LedPlan {
            org,
            lead,
            lead_id,
            plan,
            section,
        }
    }

    /// The first section of `plan` on its overview, as `client` reads it.
    pub async fn first_section(&self, client: &Client, plan: i64) -> i64 {
        let overview = self.call(client, Plan { plan_id: plan }).await;
        overview.expect("plan overview").sections[0].id
    }

    /// `whoami` for `client`: the email of the logged-in person, or None.
    pub async fn whoami(&self, client: &Client) -> Option<String> {
        let viewer = self
            .call(client, Whoami {})
            .await
            .expect("the logged-in person");
        viewer.map(|v| v.person.email)
    }

    /// Every audit entry as (kind, plan, details), oldest first: details parsed here rather
    /// than with SQL's JSON functions, which each engine spells its own way.
    pub async fn audit_details(&self) -> Vec<(String, Option<i64>, serde_json::Value)> {
        let rows: Vec<(String, Option<i64>, String)> =
            sqlx::query_as("SELECT kind, plan_id, details FROM audit_entries ORDER BY seq")
                .fetch_all(self.db.reader())
                .await
                .expect("audit entries");
        rows.into_iter()
            .map(|(kind, plan, details)| {
                let details = serde_json::from_str(&details).unwrap_or(serde_json::Value::Null);
                (kind, plan, details)
            })
            .collect()
    }

    /// The plan of every audit entry whose details say `action`, oldest first.
    pub async fn audited_actions(&self, action: &str) -> Vec<Option<i64>> {
        self.audit_details()
            .await
            .into_iter()
            .filter(|(_, _, details)| details["action"] == action)
            .map(|(_, plan, _)| plan)
            .collect()
    }

    /// A GET of a page, returning status and body, the body without Leptos' hydration markers
    /// (`<!>`, empty comments placed where views were erased), which are not content: tests
    /// look for markup as a person's browser shows it.
    pub async fn page(&self, client: &Client, path: &str) -> (u16, String) {
        let res = client
            .get(format!("{}{path}", self.base))
            .header("accept", "text/html")
            .send()
            .await
            .expect("page");
        let status = res.status().as_u16();
        let body = res.text().await.unwrap_or_default();
        (status, body.replace("<!>", ""))
    }

    /// One number from the database.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(self.db.reader())
            .await
            .expect("count")
    }
}
