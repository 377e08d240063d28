//! Builds the application (database, router, middleware) and serves it.

use std::net::SocketAddr;
use std::time::Duration;

use app::auth::domain::ThrottlePolicy;
use app::db::{Db, DbError};
use app::foundation::audit::checkpointer::Checkpointer;
use app::foundation::session_store::DbSessionStore;
use app::foundation::state::AppState;
use app::invitations::create::InvitationSettings;
use app::{shell, App};
use axum::extract::Request;
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::config::Config;
use crate::security;

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    /// The database could not be opened or migrated.
    #[error("database: {0}")]
    Database(#[from] DbError),
    /// The address could not be bound.
    #[error("could not listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// The configuration cannot work.
    #[error("configuration: {0}")]
    Config(#[from] crate::config::ConfigError),
    /// Demo data could not be loaded.
    #[error("demo data: {0}")]
    Demo(String),
    /// The audit signing key or checkpoint file could not be had.
    #[error("{0}")]
    Audit(String),
    /// A restore is swapping the database.
    #[error("{0} is locked by `upstream restore`; start again once it has finished")]
    Restoring(String),
}

/// A bound, ready-to-serve application.
pub struct Application {
    listener: TcpListener,
    router: Router,
    db: Db,
    addr: SocketAddr,
    checkpointer: Checkpointer,
    checkpoint_period: Duration,
    _serving: Option<crate::serving_lock::ServingLock>,
}

/// Opens the database and applies migrations.
pub async fn open_database(url: &str) -> Result<Db, DbError> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    Ok(db)
}

impl Application {
    /// Checks the configuration, opens the database, migrates it, loads demo data if asked,
    /// binds the address.
    pub async fn build(config: &Config) -> Result<Application, StartupError> {
        config.check()?;
        let serving = match app::db::sqlite_file(&config.database_url) {
            Some(file) => Some(
                crate::serving_lock::ServingLock::shared(&file)
                    .map_err(|e| StartupError::Audit(format!("serving lock: {e}")))?
                    .ok_or_else(|| StartupError::Restoring(file.display().to_string()))?,
            ),
            None => None,
        };
        let db = open_database(&config.database_url).await?;
        if config.demo_data {
            crate::demo::load(&db)
                .await
                .map_err(|e| StartupError::Demo(e.to_string()))?;
        }
        let checkpointer = open_checkpointer(config, true)?;
        // A checkpoint at every start, so a trail cut short while the server was stopped
        // cannot pass for one that never grew.
        if let Err(e) = checkpointer.checkpoint(&db).await {
            tracing::error!(error = %e, "audit checkpoint not signed at start-up");
        }
        let listener =
            TcpListener::bind(config.addr)
                .await
                .map_err(|source| StartupError::Bind {
                    addr: config.addr,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartupError::Bind {
            addr: config.addr,
            source,
        })?;
        if config.public_url.is_none() && addr.ip().is_unspecified() {
            tracing::warn!(
                %addr,
                "UPSTREAM_PUBLIC_URL is not set: invitation links will name this listening \
                 address, which other machines cannot open; set it to the app's public address"
            );
        }
        let router = router(config, db.clone(), addr, checkpointer.clone());
        app::auth::password::warm_up();
        Ok(Application {
            listener,
            router,
            db,
            addr,
            checkpointer,
            checkpoint_period: Duration::from_secs(config.audit_checkpoint_secs.max(1)),
            _serving: serving,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until Ctrl-C or SIGTERM, then closes the database cleanly.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        spawn_session_sweeper(self.db.clone());
        app::foundation::audit::checkpointer::spawn(
            self.checkpointer.clone(),
            self.db.clone(),
            self.checkpoint_period,
        );
        let result = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown({
            let db = self.db.clone();
            async move {
                shutdown_signal().await;
                // Open event streams never end by themselves: the graceful shutdown would
                // wait for them forever. Browsers reconnect (to the next run) on their own.
                db.events().close();
            }
        })
        .await;
        // The last entries written get their checkpoint before the server goes.
        if let Err(e) = self.checkpointer.checkpoint(&self.db).await {
            tracing::error!(error = %e, "audit checkpoint not signed at shutdown");
        }
        self.db.close().await;
        result
    }
}

/// The checkpointer of `config`'s key and checkpoint file; with `create`, the key is made when
/// there is none yet (a server's first start), otherwise its absence is an error.
pub fn open_checkpointer(config: &Config, create: bool) -> Result<Checkpointer, StartupError> {
    use app::foundation::audit::keyfile;
    let audit = |e: &dyn std::fmt::Display| StartupError::Audit(e.to_string());
    let key = if create {
        let (key, created) = keyfile::load_or_create(&config.audit_key).map_err(|e| audit(&e))?;
        if created {
            tracing::warn!(
                path = %config.audit_key.display(),
                fingerprint = %key.public().fingerprint(),
                "audit signing key created; keep it apart from the database and its backups, and publish its fingerprint"
            );
        }
        key
    } else {
        keyfile::load(&config.audit_key).map_err(|e| audit(&e))?
    };
    tracing::info!(
        fingerprint = %key.public().fingerprint(),
        checkpoints = %config.audit_checkpoints.display(),
        "audit checkpoints signed with this key"
    );
    Checkpointer::open(key, config.audit_checkpoints.clone()).map_err(|e| {
        StartupError::Audit(format!(
            "audit checkpoint file {}: {e}",
            config.audit_checkpoints.display()
        ))
    })
}

fn spawn_session_sweeper(db: Db) {
    let store = DbSessionStore::new(db);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match store.delete_expired().await {
                Ok(n) if n > 0 => tracing::info!(deleted = n, "expired sessions removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session sweep failed"),
            }
        }
    });
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

/// The app's routes, walked once per process. Walking them sets a process-wide flag in
/// `leptos_server` that parks any resource first polled meanwhile, forever (leptos#4773):
/// a second server built while the first serves (every test binary does this) would hang
/// the first one's pages until the request timeout.
fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The full router with every layer.
pub fn router(config: &Config, db: Db, addr: SocketAddr, checkpointer: Checkpointer) -> Router {
    let assets = crate::assets::Assets::read(&config.site_root);
    let mut leptos_options = LeptosOptions::builder()
        .output_name("upstream")
        .site_root(config.site_root.to_string_lossy().as_ref())
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build();
    if let Some(hash_file) = &assets.hash_file {
        leptos_options.hash_files = true;
        leptos_options.hash_file = hash_file.to_string_lossy().as_ref().into();
    }
    let stylesheet = app::shell::StylesheetHref(assets.stylesheet.clone());
    let page_modules = app::shell::PagePreloads(std::sync::Arc::new(assets.page_modules.clone()));
    let start = assets.start.clone();
    let state = AppState { db: db.clone() };
    let live_db = db.clone();
    let invitations = InvitationSettings {
        ttl_secs: config.invitation_ttl_hours * 3600,
        link_base: config.link_base(addr),
    };
    let context = move || {
        provide_context(state.clone());
        provide_context(ThrottlePolicy::default());
        provide_context(invitations.clone());
        provide_context(app::foundation::session::RequestCache::default());
        provide_context(checkpointer.clone());
        provide_context(stylesheet.clone());
        provide_context(page_modules.clone());
        if let Some(start) = &start {
            provide_context(start.clone());
        }
    };
    let routes = route_list();

    let pages = crate::page_cache::PageCache::new(db.clone(), config.page_cache_mib);
    let catch_up_db = db.clone();
    let sessions = SessionManagerLayer::new(DbSessionStore::new(db))
        .with_name("upstream_session")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(config.secure_cookies)
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(12)));

    // Built files: brotli and gzip copies made at build time, hashed names kept for good.
    let pkg = ServiceBuilder::new()
        .layer(axum::middleware::from_fn(crate::assets::cache_headers))
        .service(
            ServeDir::new(config.site_root.join("pkg"))
                .precompressed_br()
                .precompressed_gzip(),
        );
    // Pages and server-function answers are compressed as they go out, at levels cheap enough
    // for every response; pages are compressed whole (gzip, or brotli for a browser taking only
    // that) by `page_compression` just inside this layer, which this one then leaves alone.
    // Outside the page cache: it keeps pages as rendered, and gives each copy a fresh nonce
    // before it is compressed. Files under /pkg are already compressed.
    let compression = CompressionLayer::new()
        .quality(CompressionLevel::Precise(4))
        .compress_when(
            SizeAbove::new(1024)
                .and(NotForContentType::GRPC)
                .and(NotForContentType::IMAGES)
                // An event stream compressed would sit in the compressor's buffer.
                .and(NotForContentType::SSE)
                .and(NotForContentType::const_new("application/wasm")),
        );

    // Each open page's event stream (see `app::pages::live`).
    let live = {
        let db = live_db;
        move |session: tower_sessions::Session,
              query: axum::extract::Query<app::pages::live::LiveQuery>,
              headers: http::HeaderMap| {
            let db = db.clone();
            async move { app::pages::live::stream(db, session, query, headers).await }
        }
    };

    let fallback = leptos_axum::render_app_async_with_context(context.clone(), {
        let options = leptos_options.clone();
        move || shell(options.clone())
    });

    // leptos_routes_with_context also mounts every server function at its `/api/...` path.
    Router::new()
        .leptos_routes_with_context(&leptos_options, routes, context, {
            let options = leptos_options.clone();
            move || shell(options.clone())
        })
        .route("/health", get(|| async { "ok" }))
        .route("/live", get(live))
        .nest_service("/pkg", pkg)
        .fallback(fallback)
        .layer(axum::middleware::from_fn(security::api_error_status))
        .layer(axum::middleware::from_fn_with_state(pages, crate::page_cache::serve))
        .layer(axum::middleware::from_fn(crate::page_compression::compress))
        .layer(axum::middleware::from_fn(crate::form_return::carry))
        .layer(compression)
        .layer(sessions)
        // Before the session is read: over PostgreSQL, what other instances wrote.
        .layer(axum::middleware::from_fn_with_state(
            catch_up_db,
            catch_up_with_other_writers,
        ))
        .layer(axum::middleware::from_fn(security::same_origin_only))
        .layer(axum::middleware::from_fn_with_state(
            security::Baseline {
                hsts: config.secure_cookies,
            },
            security::baseline_headers,
        ))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(axum::middleware::from_fn_with_state(
            crate::forwarded::TrustedProxies(std::sync::Arc::new(config.trusted_proxies.clone())),
            crate::forwarded::real_client,
        ))
        // A request stuck behind something (a lock, a slow disk) gets an answer rather than
        // holding its connection forever.
        .layer(TimeoutLayer::with_status_code(http::StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
                .layer(
                    TraceLayer::new_for_http().make_span_with(|req: &Request| {
                        let id = req
                            .headers()
                            .get("x-request-id")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("-");
                        tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path())
                    }),
                )
                .layer(PropagateRequestIdLayer::x_request_id()),
        )
        .with_state(leptos_options)
}

/// Middleware: brings memoised reads and kept pages up to date with other instances' writes
/// before the request reads anything (`Db::catch_up`; nothing to do on SQLite). Built files
/// and the health check read nothing.
async fn catch_up_with_other_writers(
    axum::extract::State(db): axum::extract::State<Db>,
    req: Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let path = req.uri().path();
    if !path.starts_with("/pkg/") && path != "/health" {
        db.catch_up().await;
    }
    next.run(req).await
}
