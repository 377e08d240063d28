//! Starting a server never disturbs one already serving in the same process (as every test
//! binary runs several at once, and as a process could serve a second listener).

use std::time::Duration;

use server::config::Config;
use server::startup::Application;

use crate::helpers::{spawn_app, LedPlan};

#[tokio::test]
async fn pages_keep_rendering_while_other_servers_start_in_the_same_process() {
    let app = spawn_app().await;
    let LedPlan { lead, .. } = app.led_plan("Ministry", "lead@example.org", "Plan").await;
    // Other servers start on a thread (and runtime) of their own, as parallel tests do.
    let starting = std::thread::spawn(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async {
            for _ in 0..12 {
                drop(spawn_app().await);
            }
        });
    });
    let mut views = 0;
    while !starting.is_finished() || views == 0 {
        // A new query string each time, so that each view is rendered rather than kept.
        let res = lead
            .get(format!("{}/plans?country=n{views}", app.base))
            .header("accept", "text/html")
            .timeout(Duration::from_secs(10))
            .send()
            .await
            .expect("the page renders while another server starts");
        assert_eq!(res.status(), 200);
        views += 1;
    }
    starting.join().expect("the other servers started");
}

#[tokio::test]
async fn with_secure_cookies_the_server_refuses_to_start_without_its_public_address() {
    let dir = std::env::temp_dir().join(format!("upstream-test-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = Config::for_tests(format!("sqlite://{}/test.db", dir.display()));
    config.secure_cookies = true;
    let refused = Application::build(&config).await.err().expect("refused");
    let message = refused.to_string();
    assert!(
        message.contains("UPSTREAM_PUBLIC_URL") && message.contains("https://"),
        "{message}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
