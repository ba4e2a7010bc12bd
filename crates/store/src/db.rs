//! Connections: one diesel code base over SQLite and PostgreSQL, the backend chosen at run time
//! from the URL's scheme.

pub use diesel::result::Error as DieselError;
use std::path::{Path, PathBuf};
use std::time::Duration;

use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::r2d2::{self, ManageConnection};
use diesel::result::DatabaseErrorKind;

use crate::error::StoreError;

/// A statement whose SQL text is always the same, marked so that the connection keeps it
/// prepared. diesel never caches an UPDATE or an `sql_query` (their text could vary with the
/// values, e.g. optional SET columns); for a statement built the same way on every call that
/// caution costs a parse and a plan per execution on PostgreSQL (and a prepare on SQLite), a
/// quarter of the server's time on the hot path of `execute`. Cached by SQL text, so a wrapped
/// statement whose text did vary would only fill the cache, never run the wrong SQL.
///
/// Run it with `get_result`/`load` (an UPDATE with a RETURNING clause): those hand the wrapper
/// itself to the connection. `execute` hands it over by reference, and diesel's `&T` forwards
/// only the SQL, not this answer.
#[derive(Debug, Clone, Copy)]
pub struct Reused<Q>(pub Q);

impl<Q> diesel::query_builder::QueryId for Reused<Q> {
    type QueryId = ();
    const HAS_STATIC_QUERY_ID: bool = false;
}

impl<Q, DB> diesel::query_builder::QueryFragment<DB> for Reused<Q>
where
    DB: diesel::backend::Backend,
    Q: diesel::query_builder::QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, pass: diesel::query_builder::AstPass<'_, 'b, DB>) -> QueryResult<()> {
        self.0.walk_ast(pass)
    }

    fn is_safe_to_cache_prepared(&self, _backend: &DB) -> QueryResult<bool> {
        Ok(true)
    }
}

impl<Q: diesel::query_builder::Query> diesel::query_builder::Query for Reused<Q> {
    type SqlType = Q::SqlType;
}

impl<Q, C> RunQueryDsl<C> for Reused<Q> {}

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database a URL names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Postgres(String),
    Sqlite(PathBuf),
}

impl DatabaseUrl {
    /// `postgres://…` / `postgresql://…`, `sqlite://path` / `sqlite:path`, or a bare path to an
    /// existing SQLite file. A bare path that does not exist is refused, so that a mistyped URL
    /// never becomes an empty database.
    pub fn parse(url: &str) -> Result<DatabaseUrl, StoreError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(StoreError::Config(
                    "DATABASE_URL: sqlite:// needs a file path, e.g. sqlite://data/gongkai.db"
                        .to_owned(),
                ));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(StoreError::Config(format!(
                "DATABASE_URL: unsupported scheme \"{scheme}\" (use sqlite:// or postgres://)"
            )));
        }
        let path = Path::new(url);
        if path.is_file() {
            Ok(DatabaseUrl::Sqlite(path.to_owned()))
        } else {
            let shown = hide_passwords(url);
            Err(StoreError::Config(format!(
                "DATABASE_URL: \"{shown}\" is neither a postgres:// URL nor an existing SQLite \
                 file; write sqlite://{shown} to create a new database there"
            )))
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            DatabaseUrl::Postgres(_) => "postgres",
            DatabaseUrl::Sqlite(_) => "sqlite",
        }
    }

    /// The URL with any password hidden, for logs and messages.
    pub fn redacted(&self) -> String {
        match self {
            DatabaseUrl::Sqlite(p) => format!("sqlite://{}", p.display()),
            DatabaseUrl::Postgres(u) => hide_passwords(&match (u.find("://"), u.rfind('@')) {
                (Some(s), Some(at)) if at > s && u[s + 3..at].contains(':') => {
                    let userinfo = &u[s + 3..at];
                    let user = userinfo.split(':').next().unwrap_or("");
                    format!("{}{user}:***{}", &u[..s + 3], &u[at..])
                }
                _ => u.clone(),
            }),
        }
    }
}

/// Replaces the value of every `password=` (query parameter or libpq keyword) with `***`.
fn hide_passwords(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.to_ascii_lowercase().find("password=") {
        out.push_str(&rest[..i + "password=".len()]);
        out.push_str("***");
        let after = &rest[i + "password=".len()..];
        let end = after.find(['&', ' ']).unwrap_or(after.len());
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// SQLite settings applied on every connection.
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    pub busy_timeout: Duration,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            busy_timeout: Duration::from_secs(10),
        }
    }
}

/// Opens one connection, choosing the backend from the URL and keeping the driver's error.
pub fn connect(url: &DatabaseUrl, options: &SqliteOptions) -> Result<DbConnection, StoreError> {
    match url {
        DatabaseUrl::Postgres(u) => PgConnection::establish(u)
            .map(DbConnection::Pg)
            .map_err(|e| StoreError::Connect(format!("{}: {e}", url.redacted()))),
        DatabaseUrl::Sqlite(path) => {
            if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::create_dir_all(dir).map_err(|e| {
                    StoreError::Connect(format!("cannot create {}: {e}", dir.display()))
                })?;
            }
            let text = path.to_string_lossy();
            deadline::install();
            let mut conn = SqliteConnection::establish(&text)
                .map_err(|e| StoreError::Connect(format!("{}: {e}", url.redacted())))?;
            conn.batch_execute(&format!(
                "PRAGMA busy_timeout = {}; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                options.busy_timeout.as_millis()
            ))
            .map_err(|e| StoreError::Connect(format!("{}: {e}", url.redacted())))?;
            // As SQLite recommends for long-lived connections: a bounded look at the planner
            // statistics when the connection opens (0x10002: also tables never analysed), so
            // that a database filled in bulk gets them without a manual ANALYZE.
            conn.batch_execute(OPTIMIZE_AT_OPEN)
                .map_err(|e| StoreError::Connect(format!("{}: {e}", url.redacted())))?;
            Ok(DbConnection::Sqlite(conn))
        }
    }
}

/// `PRAGMA optimize` at connection open, within an analysis limit (rows looked at per index),
/// so that opening a large database stays quick.
const OPTIMIZE_AT_OPEN: &str = "PRAGMA analysis_limit = 400; PRAGMA optimize = 0x10002;";

/// Keeps the planner statistics fresh on a long-lived process (the serve round calls it): on
/// SQLite `PRAGMA optimize` (analyses only the tables whose statistics went stale, within the
/// analysis limit); on PostgreSQL nothing (autovacuum analyses).
pub fn optimize(conn: &mut DbConnection) -> Result<(), StoreError> {
    if let DbConnection::Sqlite(c) = conn {
        c.batch_execute("PRAGMA analysis_limit = 400; PRAGMA optimize;")?;
    }
    Ok(())
}

/// Gathers planner statistics on every table after bulk work (`gongkai demo`, back-filling
/// migrations): `ANALYZE` on SQLite, `VACUUM (ANALYZE)` on PostgreSQL. Without statistics
/// SQLite plans a 1,000,000-case database as if it were empty (pages that never answered).
/// On PostgreSQL the vacuum also marks the freshly written pages all-visible, so that an
/// index-only scan (the similar-request hint's band lookup, `case_bands_lookup`) need not
/// visit the table for each entry until autovacuum gets round to a table of millions of
/// rows; 30 s on the 1,000,000-case database. Must not run inside a transaction.
pub fn analyze(conn: &mut DbConnection) -> Result<(), StoreError> {
    match conn {
        // Without a limit: after bulk work the full statistics are worth the seconds.
        DbConnection::Sqlite(c) => c.batch_execute("PRAGMA analysis_limit = 0; ANALYZE;")?,
        DbConnection::Pg(c) => c.batch_execute("VACUUM (ANALYZE)")?,
    }
    Ok(())
}

/// The r2d2 manager: connections of the URL's backend, set up like [`connect`].
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    options: SqliteOptions,
    /// Bounds every statement on the pool's connections (the API's pool; see
    /// [`pool_with_timeout`]).
    statement_timeout: Option<Duration>,
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = StoreError;

    fn connect(&self) -> Result<DbConnection, StoreError> {
        let mut conn = connect(&self.url, &self.options)?;
        if let (Some(limit), DbConnection::Pg(c)) = (self.statement_timeout, &mut conn) {
            c.batch_execute(&format!(
                "SET statement_timeout = {}",
                limit.as_millis().max(1)
            ))?;
        }
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), StoreError> {
        conn.batch_execute("SELECT 1").map_err(StoreError::from)
    }

    /// A connection handed back while a thread panics, or still inside a transaction (a panic
    /// in the middle of `write_transaction`), is closed rather than reused: closing it rolls
    /// the transaction back and releases its locks. A PostgreSQL connection the server closed
    /// (a restart, a failover) fails its next statement, and diesel then marks its transaction
    /// state broken, which `in_transaction` reports: it is closed too.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || in_transaction(conn)
    }
}

pub type Pool = r2d2::Pool<Manager>;
pub type PooledConnection = r2d2::PooledConnection<Manager>;

/// Builds a pool. SQLite allows one writer at a time; readers share the WAL.
pub fn pool(url: &DatabaseUrl, max_size: u32, options: SqliteOptions) -> Result<Pool, StoreError> {
    build_pool(url, max_size, options, None)
}

/// A pool whose statements are bounded by `statement_timeout`: the HTTP requests' pool. On
/// PostgreSQL each connection runs `SET statement_timeout`; on SQLite (which has no such
/// setting) whoever takes a connection bounds its work with [`Deadline::start`] (the API's
/// `db` helper does, with the same limit), enforced by a progress handler. The worker, the CLI
/// and migrations use [`pool`] and [`connect`], which are not bounded.
pub fn pool_with_timeout(
    url: &DatabaseUrl,
    max_size: u32,
    options: SqliteOptions,
    statement_timeout: Duration,
) -> Result<Pool, StoreError> {
    build_pool(url, max_size, options, Some(statement_timeout))
}

fn build_pool(
    url: &DatabaseUrl,
    max_size: u32,
    options: SqliteOptions,
    statement_timeout: Option<Duration>,
) -> Result<Pool, StoreError> {
    r2d2::Pool::builder()
        .max_size(max_size.max(1))
        .connection_timeout(Duration::from_secs(30))
        // Not `SELECT 1` on every checkout (a round trip each, two per HTTP request on
        // PostgreSQL): a lost connection is found by `has_broken` after its first failure.
        .test_on_check_out(false)
        .build(Manager {
            url: url.clone(),
            options,
            statement_timeout,
        })
        .map_err(|e| StoreError::Connect(format!("{}: {e}", url.redacted())))
}

/// Whether the connection is inside a transaction (or its transaction state is broken).
pub fn in_transaction(conn: &mut DbConnection) -> bool {
    let depth = match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
        }
        DbConnection::Pg(c) => {
            AnsiTransactionManager::transaction_manager_status_mut(c).transaction_depth()
        }
    };
    !matches!(depth, Ok(None))
}

/// The row a query by key finds, if any: `.first()` without its `LIMIT`. diesel binds the
/// `LIMIT` of `.first()` as a parameter, and SQLite's planner looks at a bound `LIMIT` value,
/// which marks the cached statement to be prepared again whenever the value is bound, i.e. on
/// every run; a case page read its case row five times and prepared the statement each time.
/// For queries that find at most one row (by a key); others keep `.first()`.
pub fn by_key<'q, Q, U>(query: Q, conn: &mut DbConnection) -> diesel::QueryResult<Option<U>>
where
    Q: diesel::RunQueryDsl<DbConnection> + diesel::query_dsl::LoadQuery<'q, DbConnection, U>,
{
    Ok(query.load::<U>(conn)?.into_iter().next())
}

/// Writes this process has made of one kind, for caches of views derived from them: counted
/// when made and again when their write transaction ends (see [`case_writes`]).
struct WriteCount {
    made: std::sync::atomic::AtomicU64,
    /// Per thread: a write of this kind is inside the write transaction the thread holds.
    pending: &'static std::thread::LocalKey<std::cell::Cell<bool>>,
}

impl WriteCount {
    fn get(&self) -> u64 {
        self.made.load(std::sync::atomic::Ordering::SeqCst)
    }

    fn written(&self, conn: &mut DbConnection) {
        self.made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        if in_transaction(conn) {
            self.pending.with(|p| p.set(true));
        }
    }

    fn transaction_ended(&self) {
        if self.pending.with(|p| p.replace(false)) {
            self.made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

thread_local! {
    static CASE_WRITE_PENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static DIRECTORY_WRITE_PENDING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Case writes (receipts, commands, frequent-request marks; see [`case_writes`]).
static CASE_WRITES: WriteCount = WriteCount {
    made: std::sync::atomic::AtomicU64::new(0),
    pending: &CASE_WRITE_PENDING,
};

/// Changes to the directory (see [`directory_writes`]).
static DIRECTORY_WRITES: WriteCount = WriteCount {
    made: std::sync::atomic::AtomicU64::new(0),
    pending: &DIRECTORY_WRITE_PENDING,
};

/// A number that changes whenever this process writes a case (or a frequent-request mark): a
/// cache of a view derived from the cases is fresh while it stays the same. It changes when
/// the write is made and again when its transaction ends, so that a view computed in between
/// (from the data before the commit) is not taken for fresh afterwards. Writes of other
/// processes (another node on the same PostgreSQL database) do not change it; caches bound
/// their age for them.
pub fn case_writes() -> u64 {
    CASE_WRITES.get()
}

/// Counts a case write (see [`case_writes`]).
pub(crate) fn case_written(conn: &mut DbConnection) {
    CASE_WRITES.written(conn);
}

/// As [`case_writes`], for the directory: a number that changes whenever this process changes
/// an agency, a department or a user (`accounts`), and again when that transaction ends; the
/// directory of names the pages show is kept while it stays the same.
pub fn directory_writes() -> u64 {
    DIRECTORY_WRITES.get()
}

/// Counts a change to the directory (see [`directory_writes`]).
pub(crate) fn directory_written(conn: &mut DbConnection) {
    DIRECTORY_WRITES.written(conn);
}

/// The end of a write transaction: counts its writes once more (see [`case_writes`]).
fn transaction_ended() {
    CASE_WRITES.transaction_ended();
    DIRECTORY_WRITES.transaction_ended();
}

/// Runs `f` in a transaction that writes: `BEGIN IMMEDIATE` on SQLite (the write lock is taken
/// at the start, so two writers queue on busy_timeout instead of failing when the second one
/// upgrades from reading), an ordinary transaction on PostgreSQL. Rolled back when `f` fails.
/// Inside a transaction the caller already holds, it runs as a savepoint on both backends.
pub fn write_transaction<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    if in_transaction(conn) {
        return conn.transaction(f);
    }
    match conn {
        DbConnection::Sqlite(c) => {
            AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?
        }
        DbConnection::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    let result = f(conn);
    let ended = match (result, conn) {
        (Ok(value), DbConnection::Sqlite(c)) => {
            AnsiTransactionManager::commit_transaction(c)?;
            Ok(value)
        }
        (Ok(value), DbConnection::Pg(c)) => {
            AnsiTransactionManager::commit_transaction(c)?;
            Ok(value)
        }
        // The original error is what the caller needs; a failed rollback leaves the
        // connection marked broken, and the pool closes it.
        (Err(e), DbConnection::Sqlite(c)) => {
            if let Err(rollback) = AnsiTransactionManager::rollback_transaction(c) {
                tracing::error!(%rollback, "rollback failed");
            }
            Err(e)
        }
        (Err(e), DbConnection::Pg(c)) => {
            if let Err(rollback) = AnsiTransactionManager::rollback_transaction(c) {
                tracing::error!(%rollback, "rollback failed");
            }
            Err(e)
        }
    };
    transaction_ended();
    ended
}

pub use deadline::Deadline;

/// Whether a statement was stopped for running past its bound: SQLite's interrupt (from the
/// progress handler of [`Deadline`]) or PostgreSQL's `statement_timeout` (SQLSTATE 57014).
pub fn is_timeout(e: &DieselError) -> bool {
    match e {
        DieselError::DatabaseError(_, info) => {
            let m = info.message();
            m == "interrupted" || m.contains("canceling statement due to statement timeout")
        }
        _ => false,
    }
}

/// Whether the database was too busy to take the statement: SQLite's "database is locked"
/// after its busy timeout, or a PostgreSQL serialization failure. Retrying may succeed.
/// SQLite's result code does not reach diesel's error, so its message is what tells.
pub fn is_busy(e: &DieselError) -> bool {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        DieselError::DatabaseError(_, info) => {
            let m = info.message();
            m.contains("database is locked") || m.contains("database is busy")
        }
        _ => false,
    }
}

/// Bounds the database work of a thread on SQLite, which has no statement timeout: every
/// SQLite connection of the process gets a progress handler (installed when it opens, through
/// `sqlite3_auto_extension`, since diesel does not expose the raw handle) that interrupts the
/// running statement once the deadline of the thread running it has passed. A thread without
/// a deadline (the worker, the CLI, migrations) is never interrupted.
#[allow(unsafe_code)]
mod deadline {
    use std::cell::Cell;
    use std::os::raw::{c_char, c_int, c_void};
    use std::sync::Once;
    use std::time::{Duration, Instant};

    use libsqlite3_sys as ffi;

    thread_local! {
        static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    }

    /// SQLite virtual-machine steps between two looks at the clock (a look costs a
    /// thread-local read, and a clock read only while a deadline is set).
    const STEPS: c_int = 1000;

    /// The current thread's database work must end within a limit; the previous deadline (if
    /// any) comes back when this value is dropped.
    #[derive(Debug)]
    pub struct Deadline {
        previous: Option<Instant>,
    }

    impl Deadline {
        pub fn start(limit: Duration) -> Deadline {
            let at = Instant::now().checked_add(limit);
            let previous = DEADLINE.with(|d| d.replace(at));
            Deadline { previous }
        }
    }

    impl Drop for Deadline {
        fn drop(&mut self) {
            let previous = self.previous;
            let _ = DEADLINE.try_with(|d| d.set(previous));
        }
    }

    /// Returns non-zero (SQLite then stops the statement with SQLITE_INTERRUPT) once the
    /// thread's deadline has passed. Never panics: it is called from C.
    extern "C" fn past_deadline(_: *mut c_void) -> c_int {
        let due = DEADLINE.try_with(Cell::get).ok().flatten();
        c_int::from(due.is_some_and(|at| Instant::now() >= at))
    }

    /// Called by SQLite for each connection it opens (an auto extension).
    extern "C" fn on_open(
        db: *mut ffi::sqlite3,
        _: *mut *mut c_char,
        _: *const ffi::sqlite3_api_routines,
    ) -> c_int {
        // SAFETY: `db` is the connection SQLite is opening, valid for this call; the handler
        // takes no argument, so the null pointer is never read.
        unsafe {
            ffi::sqlite3_progress_handler(db, STEPS, Some(past_deadline), std::ptr::null_mut())
        };
        ffi::SQLITE_OK
    }

    /// Registers [`on_open`] once per process, before the first connection opens.
    pub(super) fn install() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| {
            // SAFETY: `on_open` has the signature SQLite expects of an extension entry point,
            // and is a plain function that lives as long as the process.
            let rc = unsafe { ffi::sqlite3_auto_extension(Some(on_open)) };
            if rc != ffi::SQLITE_OK {
                tracing::error!(rc, "cannot register the SQLite statement deadline");
            }
        });
    }
}

/// Counts the statements a connection runs: for tests that bound the queries of a page or a
/// store function (a directory in three statements, a queue independent of the number of
/// staff).
///
/// [`QueryCount::install`] replaces the connection's diesel instrumentation with a counter and
/// returns a handle that reads it; clones share the count, and the handle may be read from
/// another thread. Every statement counts once when it starts, whatever runs it (a query, an
/// `execute`, `batch_execute`, `BEGIN`/`COMMIT`). On a pooled connection the counter stays
/// installed when the connection goes back to the pool: a test that wants every statement of
/// a request counted gives its app a pool of one connection and installs the counter on it.
///
/// ```no_run
/// # fn main() -> Result<(), gongkai_store::StoreError> {
/// # let mut conn: gongkai_store::DbConnection = todo!();
/// let count = gongkai_store::db::QueryCount::install(&mut conn);
/// gongkai_store::directory::load(&mut conn)?;
/// assert!(count.get() <= 3, "{:#?}", count.statements());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Default)]
pub struct QueryCount {
    statements: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl QueryCount {
    /// Starts counting the statements `conn` runs from now on.
    pub fn install(conn: &mut DbConnection) -> QueryCount {
        let count = QueryCount::default();
        let shared = count.statements.clone();
        conn.set_instrumentation(move |event: diesel::connection::InstrumentationEvent<'_>| {
            if let diesel::connection::InstrumentationEvent::StartQuery { query, .. } = event {
                lock(&shared).push(query.to_string());
            }
        });
        count
    }

    /// Stops counting on `conn` (the count read so far stays readable).
    pub fn uninstall(conn: &mut DbConnection) {
        conn.set_instrumentation(None::<Box<dyn diesel::connection::Instrumentation>>);
    }

    /// How many statements ran since the counter was installed or last reset.
    pub fn get(&self) -> usize {
        lock(&self.statements).len()
    }

    /// The SQL of those statements, in order (for a failing assertion's message).
    pub fn statements(&self) -> Vec<String> {
        lock(&self.statements).clone()
    }

    /// Starts again from zero.
    pub fn reset(&self) {
        lock(&self.statements).clear();
    }
}

/// The list behind a [`QueryCount`]; a panic while it was held leaves it usable.
fn lock(list: &std::sync::Mutex<Vec<String>>) -> std::sync::MutexGuard<'_, Vec<String>> {
    list.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A trivial query: does the database answer?
pub fn ping(conn: &mut DbConnection) -> Result<(), StoreError> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_choose_the_backend_by_scheme() {
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/gongkai.db").unwrap(),
            DatabaseUrl::Sqlite(PathBuf::from("data/gongkai.db"))
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u:secret@127.0.0.1/db")
                .unwrap()
                .redacted(),
            "postgres://u:***@127.0.0.1/db"
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u@127.0.0.1/db")
                .unwrap()
                .redacted(),
            "postgres://u@127.0.0.1/db"
        );
        assert_eq!(
            DatabaseUrl::parse("postgres://u@127.0.0.1/db?password=S3cret&sslmode=require")
                .unwrap()
                .redacted(),
            "postgres://u@127.0.0.1/db?password=***&sslmode=require"
        );
        let keyword = DatabaseUrl::parse("host=127.0.0.1 password=S3cret dbname=x").unwrap_err();
        assert!(!keyword.to_string().contains("S3cret"), "{keyword}");
        let typo = DatabaseUrl::parse("postgress://127.0.0.1/db").unwrap_err();
        assert!(
            typo.to_string()
                .contains("unsupported scheme \"postgress\""),
            "{typo}"
        );
        let missing = DatabaseUrl::parse("/nonexistent/gongkai.db").unwrap_err();
        assert!(
            missing
                .to_string()
                .contains("write sqlite:///nonexistent/gongkai.db"),
            "{missing}"
        );
    }
}
