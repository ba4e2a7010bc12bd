//! Embedded migrations, one set per backend with the same names.

use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};

pub const SQLITE: EmbeddedMigrations = embed_migrations!("../../migrations/sqlite");
pub const POSTGRES: EmbeddedMigrations = embed_migrations!("../../migrations/postgres");

/// One migration and whether it is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationState {
    pub version: String,
    pub applied: bool,
}

fn set(conn: &DbConnection) -> &'static EmbeddedMigrations {
    match conn {
        DbConnection::Sqlite(_) => &SQLITE,
        DbConnection::Pg(_) => &POSTGRES,
    }
}

/// The migration versions this binary carries, for the connection's backend, in order.
pub fn known_versions(conn: &DbConnection) -> Vec<String> {
    use diesel::migration::MigrationSource;
    let source = set(conn);
    let mut versions: Vec<String> = MigrationSource::<diesel::sqlite::Sqlite>::migrations(source)
        .map(|ms| ms.iter().map(|m| m.name().version().to_string()).collect())
        .unwrap_or_default();
    versions.sort();
    versions
}

fn applied_versions(conn: &mut DbConnection) -> StoreResult<Vec<String>> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c.applied_migrations(),
        DbConnection::Pg(c) => c.applied_migrations(),
    }
    .map_err(|e| StoreError::Schema(format!("cannot read the applied migrations: {e}")))?;
    let mut v: Vec<String> = applied.iter().map(|m| m.to_string()).collect();
    v.sort();
    Ok(v)
}

/// Refuses a database that has migrations this binary does not know (written by a newer
/// gongkai).
pub fn check_not_newer(conn: &mut DbConnection) -> StoreResult<()> {
    let known = known_versions(conn);
    let unknown: Vec<String> = applied_versions(conn)?
        .into_iter()
        .filter(|v| !known.contains(v))
        .collect();
    if unknown.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Schema(format!(
            "the database was migrated by a newer gongkai (unknown migrations: {}); \
             run a gongkai version that knows them",
            unknown.join(", ")
        )))
    }
}

/// An arbitrary key for PostgreSQL's advisory lock that serialises migrations ("gongkai").
const MIGRATION_LOCK: i64 = 0x0067_6f6e_676b_6169;

/// Applies the pending migrations; returns the versions applied. On PostgreSQL an advisory
/// lock makes several nodes starting at once migrate one after the other.
pub fn run_pending(conn: &mut DbConnection) -> StoreResult<Vec<String>> {
    use diesel::RunQueryDsl;
    let locked = matches!(conn, DbConnection::Pg(_));
    if locked {
        diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK})")).execute(conn)?;
    }
    let result = run_pending_unlocked(conn);
    if locked {
        diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK})")).execute(conn)?;
    }
    result
}

fn run_pending_unlocked(conn: &mut DbConnection) -> StoreResult<Vec<String>> {
    check_not_newer(conn)?;
    let applied = match conn {
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE)
            .map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>()),
        DbConnection::Pg(c) => c
            .run_pending_migrations(POSTGRES)
            .map(|v| v.iter().map(|m| m.to_string()).collect::<Vec<_>>()),
    }
    .map_err(|e| StoreError::Schema(format!("migration failed: {e}")))?;
    Ok(applied)
}

/// Every known migration and whether it is applied, plus unknown applied ones.
pub fn status(conn: &mut DbConnection) -> StoreResult<Vec<MigrationState>> {
    let applied = applied_versions(conn)?;
    let mut states: Vec<MigrationState> = known_versions(conn)
        .into_iter()
        .map(|version| MigrationState {
            applied: applied.contains(&version),
            version,
        })
        .collect();
    for v in applied {
        if !states.iter().any(|s| s.version == v) {
            states.push(MigrationState {
                version: v,
                applied: true,
            });
        }
    }
    Ok(states)
}
