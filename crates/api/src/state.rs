//! What every handler shares: the pool, the law (calendar and statute profiles), settings and
//! metrics.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use actix_web::web;
use gongkai_store::Pool;
use gongkai_store::attachments::Limits;
use gongkai_store::db::DbConnection;
use gongkai_workflow::{Calendar, CalendarYear};

use crate::error::{ApiError, ApiResult};
use crate::metrics::Metrics;

/// The API's settings (the binary fills them from config/default.toml).
#[derive(Debug, Clone)]
pub struct ApiSettings {
    pub attachments_dir: PathBuf,
    pub attachment_limits: Limits,
    /// A session ends after this many minutes without use…
    pub session_idle_minutes: i64,
    /// …and in any case this many hours after login.
    pub session_absolute_hours: i64,
    /// Mark the session cookie `Secure` (set when gongkai is served over TLS, directly or
    /// behind a proxy that terminates it).
    pub secure_cookies: bool,
    /// Sign-in throttling and the registration limit ([login] in config/default.toml).
    pub sign_in: crate::auth::SignInLimits,
    /// Hours an issued one-time password stays valid ([passwords] issued_valid_hours).
    pub issued_password_valid_hours: i64,
    /// Trust the first address of X-Forwarded-For (only behind a proxy you run).
    pub trust_forwarded_for: bool,
    /// Where staff open gongkai (links in notices rendered by the API).
    pub mail_base_url: String,
    /// Bounds the database work of each request (`database.statement_timeout_ms`): on SQLite
    /// through a deadline per database call; on PostgreSQL the pool handed to the API sets
    /// `statement_timeout` (see `gongkai_store::db::pool_with_timeout`). None: unbounded.
    pub statement_timeout: Option<std::time::Duration>,
    /// The bearer token Prometheus sends for /metrics (`server.metrics_token`); empty: /metrics
    /// answers 404 to everyone.
    pub metrics_token: String,
}

impl ApiSettings {
    /// Settings for tests and examples.
    pub fn for_tests(dir: PathBuf) -> ApiSettings {
        ApiSettings {
            attachments_dir: dir,
            attachment_limits: Limits {
                max_bytes: 1024 * 1024,
                content_types: vec!["application/pdf".to_owned(), "text/plain".to_owned()],
                ..Limits::default()
            },
            session_idle_minutes: 30,
            session_absolute_hours: 12,
            secure_cookies: false,
            sign_in: crate::auth::SignInLimits::default(),
            issued_password_valid_hours: 72,
            trust_forwarded_for: false,
            mail_base_url: "http://127.0.0.1:8080".to_owned(),
            statement_timeout: Some(std::time::Duration::from_secs(5)),
            metrics_token: String::new(),
        }
    }
}

/// The calendar in force: the base file's years with the years admins uploaded on top.
pub use gongkai_workflow::Law;

pub struct AppState {
    pub pool: Pool,
    /// The base calendar's years (built in or from --calendar); uploads replace single years.
    pub base_years: Vec<CalendarYear>,
    law: RwLock<Arc<Law>>,
    pub settings: ApiSettings,
    pub metrics: Metrics,
    /// Poked after commands that change a case, so that the reminder scheduler (when it runs
    /// in this process) looks at the clock soon.
    pub scheduler: Arc<gongkai_mailer::schedule::Alarm>,
}

impl AppState {
    pub fn new(pool: Pool, law: Law, settings: ApiSettings) -> AppState {
        AppState {
            pool,
            base_years: law.calendar.years().to_vec(),
            law: RwLock::new(Arc::new(law)),
            settings,
            metrics: Metrics::new(),
            scheduler: Arc::default(),
        }
    }

    pub fn law(&self) -> Arc<Law> {
        match self.law.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    pub fn set_calendar(&self, calendar: Calendar) {
        let statute = self.law().statute.clone();
        let new = Arc::new(Law { calendar, statute });
        match self.law.write() {
            Ok(mut guard) => *guard = new,
            Err(poisoned) => *poisoned.into_inner() = new,
        }
    }
}

/// Runs `f` with a pooled connection on the blocking thread pool (diesel is synchronous),
/// bounded by the statement timeout.
pub async fn db<T, F>(state: &web::Data<AppState>, f: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, &AppState) -> ApiResult<T> + Send + 'static,
{
    run(state, f, true).await
}

/// [`db`] for an admin's bulk work that must finish once begun (a calendar year recomputes
/// every open case): on SQLite the call as a whole is not bounded; on PostgreSQL each of its
/// statements still is.
pub async fn db_bulk<T, F>(state: &web::Data<AppState>, f: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, &AppState) -> ApiResult<T> + Send + 'static,
{
    run(state, f, false).await
}

async fn run<T, F>(state: &web::Data<AppState>, f: F, bounded: bool) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, &AppState) -> ApiResult<T> + Send + 'static,
{
    let state = web::Data::clone(state);
    web::block(move || {
        let mut conn = state.pool.get().map_err(gongkai_store::StoreError::from)?;
        // Every statement of the request is bounded (PostgreSQL: the pool's statement_timeout;
        // SQLite: this deadline, for the whole call).
        let _deadline = state
            .settings
            .statement_timeout
            .filter(|_| bounded)
            .map(gongkai_store::db::Deadline::start);
        let result = f(&mut conn, &state);
        if let Err(e) = &result
            && e.code == crate::error::ErrorCode::QueryTimeout
        {
            tracing::warn!(
                query = query_name::<F>(),
                "a database call of a request timed out"
            );
        }
        result
    })
    .await
    .map_err(ApiError::internal)?
}

/// The function whose database call `F` is (e.g. `gongkai_api::routes::insight::case_similar`),
/// to name a query in the log without anything it read or was given.
fn query_name<F>() -> &'static str {
    let name = std::any::type_name::<F>();
    name.split("::{{closure}}").next().unwrap_or(name)
}
