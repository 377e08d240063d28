//! `upstream migrate-to postgres://...`: moves a SQLite database to PostgreSQL. Every table is
//! copied as it is (people, plans, every revision, comments, the audit trail with its hashes
//! and salts, sessions), then compared row by row with the original and the copied audit chain
//! walked from its first entry. The source is left untouched.
//!
//! The copy is taken with no server running on the file (it holds the serving lock
//! exclusively, as `restore` does), so nothing written during the copy can be left behind.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;

use app::db::{is_postgres, sqlite_file};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

use super::CliError;
use crate::config::Config;
use crate::serving_lock::ServingLock;
use crate::startup::open_database;

/// Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table.
const BATCH: usize = 200;

/// One column as both engines store it: the schema has only integers and text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    Null,
    Int(i64),
    Text(String),
}

/// A table of the source: its name, its columns and whether each holds integers.
#[derive(Debug)]
struct Table {
    name: String,
    columns: Vec<(String, bool)>,
}

/// What a finished move reports.
#[derive(Debug)]
pub struct Moved {
    /// Rows copied, by table.
    pub rows: BTreeMap<String, usize>,
    /// Audit entries walked and found unbroken on the destination.
    pub audit_entries: usize,
}

/// The command: `migrate-to DESTINATION_URL`.
pub async fn migrate_to_command(config: &Config, args: &[String]) -> Result<(), CliError> {
    let [destination] = args else {
        return Err(CliError::Usage(
            "usage: upstream migrate-to postgres://USER@HOST:PORT/DATABASE".into(),
        ));
    };
    let moved = migrate_to(config, destination).await?;
    let mut out = std::io::stdout();
    for (table, rows) in &moved.rows {
        writeln!(out, "{table:<28} {rows:>9} rows")?;
    }
    writeln!(
        out,
        "Copied and compared every table; the audit trail's {} entries form one unbroken chain.",
        moved.audit_entries
    )?;
    writeln!(
        out,
        "Serve from PostgreSQL with UPSTREAM_DATABASE_URL={destination}\n\
         and keep the trail's signing key and checkpoints: UPSTREAM_AUDIT_KEY={} \
         UPSTREAM_AUDIT_CHECKPOINTS={}",
        config.audit_key.display(),
        config.audit_checkpoints.display()
    )?;
    Ok(())
}

/// Copies the configured SQLite database into the empty PostgreSQL database at `destination`
/// and checks the copy.
pub async fn migrate_to(config: &Config, destination: &str) -> Result<Moved, CliError> {
    let file = sqlite_file(&config.database_url).ok_or_else(|| {
        CliError::Usage(
            "migrate-to copies from a SQLite database (UPSTREAM_DATABASE_URL=sqlite://...)".into(),
        )
    })?;
    if !is_postgres(destination) {
        return Err(CliError::Usage(
            "migrate-to copies into PostgreSQL: give a postgres://... URL".into(),
        ));
    }
    if !file.exists() {
        return Err(CliError::Usage(format!(
            "no database at {}",
            file.display()
        )));
    }
    let _lock = ServingLock::exclusive(&file)?.ok_or_else(|| {
        CliError::Refused(format!(
            "a server is running on {}: stop it first, so that nothing written during the copy is left behind",
            file.display()
        ))
    })?;
    // Both brought to the latest schema, so every table and column has its twin.
    let source = open_database(&config.database_url).await?;
    let target = open_database(destination).await?;
    let tables = source_tables(source.reader()).await?;
    refuse_if_in_use(target.reader(), &tables).await?;

    // What was read from the source, kept to compare the copy with: the source is read once.
    let mut copied = Vec::new();
    {
        let mut writer = target.write().await;
        let mut tx = writer.begin().await?;
        for table in &tables {
            let from = read_all(source.reader(), table).await?;
            copy_table(&mut tx, table, &from).await?;
            copied.push(from);
        }
        restart_identities(&mut tx).await?;
        tx.commit().await.map_err(app::db::DbError::from)?;
    }
    let mut rows = BTreeMap::new();
    for (table, from) in tables.iter().zip(copied) {
        let to = read_all(target.reader(), table).await?;
        rows.insert(table.name.clone(), from.len());
        if from != to {
            return Err(CliError::Refused(format!(
                "the copy of {} differs from the original ({} rows against {}); the destination was left as it is for inspection",
                table.name,
                to.len(),
                from.len()
            )));
        }
    }
    let audit_entries = super::verify_audit_chain(&target).await?;
    source.close().await;
    target.close().await;
    Ok(Moved {
        rows,
        audit_entries,
    })
}

/// The source's tables (but migrations' own), parents before the tables that refer to them.
async fn source_tables(db: &AnyPool) -> Result<Vec<Table>, CliError> {
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table'
         AND name NOT LIKE 'sqlite%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(db)
    .await?;
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut columns = BTreeMap::new();
    for name in &names {
        let refers: Vec<String> = sqlx::query_scalar(&format!(
            "SELECT \"table\" FROM pragma_foreign_key_list('{name}')"
        ))
        .fetch_all(db)
        .await?;
        parents.insert(
            name.clone(),
            refers.into_iter().filter(|p| p != name).collect(),
        );
        let cols: Vec<(String, String)> = sqlx::query_as(&format!(
            "SELECT name, type FROM pragma_table_info('{name}') ORDER BY cid"
        ))
        .fetch_all(db)
        .await?;
        columns.insert(
            name.clone(),
            cols.into_iter()
                .map(|(c, t)| (c, t.eq_ignore_ascii_case("INTEGER")))
                .collect::<Vec<_>>(),
        );
    }
    Ok(parents_first(parents)?
        .into_iter()
        .map(|name| Table {
            columns: columns.remove(&name).unwrap_or_default(),
            name,
        })
        .collect())
}

/// Orders tables so that each comes after every table it refers to.
fn parents_first(mut parents: BTreeMap<String, BTreeSet<String>>) -> Result<Vec<String>, CliError> {
    let mut order = Vec::new();
    while !parents.is_empty() {
        let ready: Vec<String> = parents
            .iter()
            .filter(|(_, p)| p.iter().all(|p| !parents.contains_key(p)))
            .map(|(n, _)| n.clone())
            .collect();
        if ready.is_empty() {
            return Err(CliError::Refused(format!(
                "the tables refer to each other in a circle: {:?}",
                parents.keys().collect::<Vec<_>>()
            )));
        }
        for name in ready {
            parents.remove(&name);
            order.push(name);
        }
    }
    Ok(order)
}

/// Refuses a destination that already holds anyone's work: a move is into an empty database
/// (the reference tables its migration fills excepted).
async fn refuse_if_in_use(db: &AnyPool, tables: &[Table]) -> Result<(), CliError> {
    for table in ["people", "organisations", "plans", "audit_entries"] {
        if !tables.iter().any(|t| t.name == table) {
            continue;
        }
        let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(db)
            .await?;
        if n > 0 {
            return Err(CliError::Refused(format!(
                "the destination already holds {n} rows in {table}: migrate-to copies into an empty database"
            )));
        }
    }
    Ok(())
}

/// Copies `rows` of one table in batches; rows the destination already has (the reference
/// tables its migration filled) are left to the comparison that follows.
async fn copy_table(
    tx: &mut app::db::Tx<'_>,
    table: &Table,
    rows: &[Vec<Value>],
) -> Result<(), CliError> {
    let names = table
        .columns
        .iter()
        .map(|(c, _)| format!("\"{c}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let width = table.columns.len();
    for batch in rows.chunks(BATCH) {
        let placeholders = (0..batch.len())
            .map(|r| {
                let row = (1..=width)
                    .map(|c| format!("${}", r * width + c))
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("({row})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "INSERT INTO \"{}\" ({names}) VALUES {placeholders} ON CONFLICT DO NOTHING",
            table.name
        );
        let mut insert = sqlx::query(&sql);
        for row in batch {
            for (value, (_, integer)) in row.iter().zip(&table.columns) {
                // A NULL is typed as its column, which PostgreSQL checks.
                insert = match value {
                    Value::Null if *integer => insert.bind(None::<i64>),
                    Value::Null => insert.bind(None::<String>),
                    Value::Int(i) => insert.bind(*i),
                    Value::Text(s) => insert.bind(s.clone()),
                };
            }
        }
        insert.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Every row of `table`, sorted here (each engine orders text by its own collation), so two
/// copies compare equal exactly when they hold the same rows.
async fn read_all(db: &AnyPool, table: &Table) -> Result<Vec<Vec<Value>>, CliError> {
    let names = table
        .columns
        .iter()
        .map(|(c, _)| format!("\"{c}\""))
        .collect::<Vec<_>>();
    let sql = format!("SELECT {} FROM \"{}\"", names.join(", "), table.name);
    let rows = sqlx::query(&sql).fetch_all(db).await?;
    let mut values = rows
        .iter()
        .map(|row| row_values(row, &table.columns))
        .collect::<Result<Vec<_>, _>>()?;
    values.sort();
    Ok(values)
}

fn row_values(row: &AnyRow, columns: &[(String, bool)]) -> Result<Vec<Value>, CliError> {
    columns
        .iter()
        .enumerate()
        .map(|(i, (_, integer))| {
            Ok(if *integer {
                row.try_get::<Option<i64>, _>(i)?
                    .map_or(Value::Null, Value::Int)
            } else {
                row.try_get::<Option<String>, _>(i)?
                    .map_or(Value::Null, Value::Text)
            })
        })
        .collect()
}

/// Moves every identity column's counter past the ids copied in, so the next row made on
/// PostgreSQL does not collide with one made on SQLite.
async fn restart_identities(tx: &mut app::db::Tx<'_>) -> Result<(), CliError> {
    let identities: Vec<(String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND is_identity = 'YES'",
    )
    .fetch_all(&mut **tx)
    .await?;
    for (table, column) in identities {
        sqlx::query(&format!(
            "SELECT setval(pg_get_serial_sequence('\"{table}\"', '{column}'),
                           COALESCE((SELECT MAX(\"{column}\") FROM \"{table}\"), 0) + 1, false)"
        ))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refs(pairs: &[(&str, &[&str])]) -> BTreeMap<String, BTreeSet<String>> {
        pairs
            .iter()
            .map(|(t, p)| (t.to_string(), p.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn tables_come_after_the_tables_they_refer_to() {
        let order = parents_first(refs(&[
            ("comments", &["threads", "people"]),
            ("threads", &["plans"]),
            ("plans", &["people"]),
            ("people", &[]),
        ]))
        .expect("an order");
        assert_eq!(order, ["people", "plans", "threads", "comments"]);
    }

    #[test]
    fn tables_referring_to_each_other_in_a_circle_are_refused() {
        assert!(parents_first(refs(&[("a", &["b"]), ("b", &["a"])])).is_err());
    }
}
