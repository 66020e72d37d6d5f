//! `epic-events base …`: apply migrations, report their status, reset the database.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{DateTime, Utc};
use migrations::{MigrationStatus, Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::SqliteConnectOptions;
use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::{DatabaseError, connect};
use crate::database::url::{DatabaseKind, DatabaseUrl};

/// One migration and whether it has been applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    /// The migration's name, e.g. `m20261122_000001_create_schema`.
    pub name: String,
    /// When it was applied, or `None` if it is pending.
    pub applied_at: Option<DateTime<Utc>>,
}

/// Applies every pending migration; returns the names of those applied now.
pub async fn migrate(database: &DatabaseConnection) -> Result<Vec<String>, DatabaseError> {
    let pending: Vec<String> = Migrator::get_pending_migrations(database)
        .await
        .map_err(DatabaseError::migration)?
        .iter()
        .map(|migration| migration.name().to_owned())
        .collect();
    Migrator::up(database, None)
        .await
        .map_err(DatabaseError::migration)?;
    Ok(pending)
}

/// Whether every migration of this version is applied, read without writing anything: the
/// server's database account may only read the migrations' table (`migration_status`
/// creates it when it is missing).
pub async fn schema_is_current(database: &DatabaseConnection) -> Result<bool, DatabaseError> {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    let backend = database.get_database_backend();
    let exists = match backend {
        DbBackend::Sqlite => {
            "SELECT COUNT(*) AS found FROM sqlite_master WHERE type = 'table' AND name = 'seaql_migrations'"
        }
        _ => {
            "SELECT COUNT(*) AS found FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'seaql_migrations'"
        }
    };
    let found: i64 = database
        .query_one_raw(Statement::from_string(backend, exists))
        .await?
        .and_then(|row| row.try_get("", "found").ok())
        .unwrap_or(0);
    if found == 0 {
        return Ok(false);
    }
    let applied: std::collections::HashSet<String> = database
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations",
        ))
        .await?
        .iter()
        .filter_map(|row| row.try_get::<String>("", "version").ok())
        .collect();
    Ok(Migrator::migrations()
        .iter()
        .all(|migration| applied.contains(migration.name())))
}

/// Every known migration, in order, with the time it was applied.
pub async fn migration_status(
    database: &DatabaseConnection,
) -> Result<Vec<MigrationState>, DatabaseError> {
    let applied = Migrator::get_migration_models(database)
        .await
        .map_err(DatabaseError::migration)?;
    let states = Migrator::get_migration_with_status(database)
        .await
        .map_err(DatabaseError::migration)?
        .iter()
        .map(|migration| MigrationState {
            name: migration.name().to_owned(),
            applied_at: match migration.status() {
                MigrationStatus::Pending => None,
                MigrationStatus::Applied => applied
                    .iter()
                    .find(|model| model.version == migration.name())
                    .and_then(|model| DateTime::from_timestamp(model.applied_at, 0)),
            },
        })
        .collect();
    Ok(states)
}

/// Drops and recreates the database named by `url` and migrates it: the schema and the
/// reference data (roles, permissions), no record.
///
/// Destroys every record: callers must have asked for confirmation.
pub async fn recreate(url: &DatabaseUrl) -> Result<DatabaseConnection, DatabaseError> {
    match url.database_kind() {
        DatabaseKind::MySql => recreate_mysql_database(url).await?,
        DatabaseKind::Sqlite => recreate_sqlite_file(url)?,
    }
    let database = connect(url).await?;
    migrate(&database).await?;
    Ok(database)
}

async fn recreate_mysql_database(url: &DatabaseUrl) -> Result<(), DatabaseError> {
    let mut server_url =
        url::Url::parse(url.expose()).map_err(|_| DatabaseError::MissingDatabaseName)?;
    let name = server_url.path().trim_start_matches('/').to_owned();
    if name.is_empty() {
        return Err(DatabaseError::MissingDatabaseName);
    }
    let safe_name = name
        .chars()
        .all(|character| character.is_ascii_alphanumeric() || matches!(character, '_' | '-'));
    if !safe_name {
        return Err(DatabaseError::InvalidDatabaseName(name));
    }
    server_url.set_path("");
    let server =
        connect(&DatabaseUrl::new(server_url.as_str()).expect("same scheme as url")).await?;
    let administrative = |error: sea_orm::DbErr| {
        if super::failures::is_missing_privilege(&error) {
            DatabaseError::NotAdministrator(error)
        } else {
            DatabaseError::from(error)
        }
    };
    server
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS `{name}`"))
        .await
        .map_err(administrative)?;
    server
        .execute_unprepared(&format!(
            "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        ))
        .await
        .map_err(administrative)?;
    server.close().await?;
    Ok(())
}

fn recreate_sqlite_file(url: &DatabaseUrl) -> Result<(), DatabaseError> {
    let Some(path) = sqlite_file(url) else {
        // An in-memory database starts empty at every connection.
        return Ok(());
    };
    let file_error = |source| DatabaseError::File {
        path: path.display().to_string(),
        source,
    };
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut companion = path.clone().into_os_string();
        companion.push(suffix);
        match std::fs::remove_file(&companion) {
            Ok(()) => {}
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {}
            Err(error) => return Err(file_error(error)),
        }
    }
    // Created here so that URLs without `mode=rwc` work too.
    std::fs::File::create(&path).map_err(file_error)?;
    Ok(())
}

/// The file of an SQLite URL, or `None` for an in-memory database.
pub fn sqlite_file(url: &DatabaseUrl) -> Option<PathBuf> {
    let text = url.expose();
    if text.contains(":memory:") || text.contains("mode=memory") {
        return None;
    }
    SqliteConnectOptions::from_str(text)
        .ok()
        .map(|options| Path::new(options.get_filename()).to_path_buf())
}
