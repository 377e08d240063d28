//! Starts the real server on 127.0.0.1:0 with a fresh database and drives it over HTTP.

use std::path::PathBuf;

use app::admin::domain::{OrgKind, OrgRole};
use app::auth::domain::{NewPassword, PlatformRole};
use app::db::Db;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{redirect, Client, Response};
use serde_json::Value;
use server::config::Config;
use server::startup::{open_database, Application};

/// The password of every account the tests create.
pub const PASSWORD: &str = "a long test password";

/// A plan and its lead, from [`TestApp::led_plan`].
pub struct LedPlan {
    /// The lead organisation.
    pub org: i64,
    /// The lead's logged-in client.
    pub lead: Client,
    /// The lead's person id.
    pub lead_id: i64,
    /// The plan.
    pub plan: i64,
}

/// A running server with its own database.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// A second handle on the same database, for seeding and checking.
    pub db: Db,
    dir: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Starts a server on a free port with an empty, migrated database.
pub async fn spawn_app() -> TestApp {
    // `TEST_LOG=1` shows the servers' logs (filtered by `RUST_LOG`) when a test needs them.
    if std::env::var_os("TEST_LOG").is_some() {
        server::telemetry::init(server::config::LogFormat::Text);
    }
    let dir = std::env::temp_dir().join(format!("upstream-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}/test.db", dir.display());
    let config = Config::for_tests(url.clone());
    let app = Application::build(&config).await.expect("server starts");
    let base = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until_stopped());
    let db = open_database(&url).await.expect("second handle");
    TestApp { base, db, dir }
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

    /// Creates an organisation directly in the database.
    pub async fn org(&self, name: &str, kind: OrgKind) -> i64 {
        app::admin::db::insert_organisation(&self.db, name, kind, "SL", app::db::now())
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
        let pw = NewPassword::parse(PASSWORD, PASSWORD)
            .map_err(|_| ())
            .expect("valid password");
        let hash = app::auth::password::hash_password(pw).await.expect("hash");
        let id = app::auth::db::insert_person(&self.db, email, email, &hash, role, app::db::now())
            .await
            .expect("person");
        if let Some((org, role)) = org {
            app::admin::db::add_membership(&self.db, id, org, role, app::db::now())
                .await
                .expect("membership");
        }
        id
    }

    /// Calls server function `name` with a form body, as the Leptos client does.
    pub async fn call(&self, client: &Client, name: &str, form: &[(&str, &str)]) -> Response {
        client
            .post(format!("{}/api/{name}", self.base))
            .form(form)
            .send()
            .await
            .expect("request")
    }

    /// Logs `client` in; panics if that fails.
    pub async fn login(&self, client: &Client, email: &str) {
        let res = self
            .call(client, "login", &[("email", email), ("password", PASSWORD)])
            .await;
        assert!(
            res.status().is_success(),
            "login of {email} failed: {}",
            res.status()
        );
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

    /// Grants `role` on `plan` to the account `email`, as `lead`; asserts the grant succeeded.
    pub async fn grant(&self, lead: &Client, plan: i64, email: &str, role: &str) {
        let res = self
            .call(
                lead,
                "grant_to_person",
                &[
                    ("plan_id", &plan.to_string()),
                    ("email", email),
                    ("role", role),
                ],
            )
            .await;
        assert_eq!(res.status(), 200, "grant {role} to {email}");
    }

    /// Creates a plan led by `org` as `client` (optionally from the template); returns its id.
    pub async fn create_plan(
        &self,
        client: &Client,
        org: i64,
        title: &str,
        from_template: bool,
    ) -> i64 {
        let org = org.to_string();
        let mut form = vec![
            ("country", "SL"),
            ("title", title),
            ("summary", ""),
            ("period_start", "2026"),
            ("period_end", "2030"),
            ("fragility_stage", "2"),
            ("lead_org_id", org.as_str()),
        ];
        if from_template {
            form.push(("use_template", "yes"));
        }
        let res = self.call(client, "create_plan", &form).await;
        assert_eq!(res.status(), 200, "create_plan");
        res.json().await.expect("plan id")
    }

    /// A plan created from the template by a new, logged-in lead who is a member of a new
    /// government organisation `org_name` (which so becomes the plan's lead organisation).
    pub async fn led_plan(&self, org_name: &str, email: &str, title: &str) -> LedPlan {
        let org = self.org(org_name, OrgKind::Government).await;
        let (lead, lead_id) = self
            .logged_in(email, PlatformRole::Member, Some((org, OrgRole::Member)))
            .await;
        let plan = self.create_plan(&lead, org, title, true).await;
        LedPlan {
            org,
            lead,
            lead_id,
            plan,
        }
    }

    /// `whoami` for `client`: the email of the logged-in person, or None.
    pub async fn whoami(&self, client: &Client) -> Option<String> {
        let v: Value = self
            .call(client, "whoami", &[])
            .await
            .json()
            .await
            .expect("json");
        v.get("person")
            .and_then(|p| p.get("email"))
            .and_then(|e| e.as_str())
            .map(str::to_owned)
    }

    /// A GET of a page, returning status and body.
    pub async fn page(&self, client: &Client, path: &str) -> (u16, String) {
        let res = client
            .get(format!("{}{path}", self.base))
            .header("accept", "text/html")
            .send()
            .await
            .expect("page");
        let status = res.status().as_u16();
        (status, res.text().await.unwrap_or_default())
    }

    /// One number from the database.
    pub async fn count(&self, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(self.db.reader())
            .await
            .expect("count")
    }
}

/// The JSON error body of a failed server function call.
pub async fn error_body(res: Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let body: Value = res.json().await.expect("error body is JSON");
    (status, body)
}

/// The message for `field` in an `Invalid` error body.
pub fn field_message(body: &Value, field: &str) -> Option<String> {
    body.get("Invalid")?
        .get("fields")?
        .as_array()?
        .iter()
        .find(|f| f.get("field").and_then(|v| v.as_str()) == Some(field))
        .and_then(|f| f.get("message"))
        .and_then(|m| m.as_str())
        .map(str::to_owned)
}

/// Headers a browser sends with a plain form post from one of our pages.
pub fn plain_form_headers(base: &str, page: &str) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        "accept",
        HeaderValue::from_static("text/html,application/xhtml+xml"),
    );
    h.insert(
        "referer",
        HeaderValue::from_str(&format!("{base}{page}")).expect("referer"),
    );
    h.insert("origin", HeaderValue::from_str(base).expect("origin"));
    h
}
