//! The SQLite storage under load: writes land in the database file by the background
//! checkpoint (no writer pays for it in its commit) while many writers queue on the one
//! writer connection.

use std::time::Duration;

use server::startup::open_database;

fn temp_db() -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("upstream-storage-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let url = format!("sqlite://{}/test.db", dir.display());
    (dir, url)
}

async fn write_notes(db: &app::db::Db, writers: usize, each: usize) {
    let tasks: Vec<_> = (0..writers)
        .map(|w| {
            let db = db.clone();
            tokio::spawn(async move {
                for i in 0..each {
                    // Big enough rows that the log grows by megabytes, as saves of long
                    // sections do.
                    let body = format!("{w}-{i} ").repeat(2_000);
                    let mut writer = db.write().await;
                    sqlx::query("INSERT INTO notes (key, value) VALUES ($1, $2)")
                        .bind(format!("note-{w}-{i}"))
                        .bind(body)
                        .execute(writer.conn())
                        .await
                        .expect("insert");
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("writer task");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn writes_reach_the_database_file_by_the_background_checkpoint() {
    let (dir, url) = temp_db();
    let db = open_database(&url).await.expect("database");
    let file = dir.join("test.db");
    sqlx::query("CREATE TABLE notes (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        .execute(db.write().await.conn())
        .await
        .expect("scratch table");
    // Let the background task checkpoint the table's creation first.
    tokio::time::sleep(Duration::from_millis(1_200)).await;
    let before = std::fs::metadata(&file).expect("db file").len();
    write_notes(&db, 8, 40).await;
    // ~3 MB went to the log; the writer's own threshold (64 MiB) was never reached, so only
    // the background task can have copied it into the database file.
    let mut grown = 0;
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        grown = std::fs::metadata(&file).expect("db file").len() - before;
        if grown > 2_500_000 {
            break;
        }
    }
    assert!(
        grown > 2_500_000,
        "database file grew by only {grown} bytes"
    );
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notes")
        .fetch_one(db.reader())
        .await
        .expect("count");
    assert_eq!(n, 320);
    db.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
