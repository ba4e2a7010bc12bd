//! What every handler shares: the pool, the law (calendar and statute profiles), settings and
//! metrics.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use actix_web::web;
use gongkai_store::attachments::Limits;
use gongkai_store::db::DbConnection;
use gongkai_store::{Pool, sessions};
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
    pub sign_in: SignInLimits,
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
    /// How the annual report counts reopened requests (`report.reopened_counts_anew`).
    pub report_counting: gongkai_workflow::report::Counting,
    /// The dashboard counts online filings awaiting confirmation for more than this many
    /// working days (`supervision.pending_registration_days`).
    pub pending_registration_days: u32,
    /// For tests only: the legal date the calendar banner takes as today instead of the
    /// clock's (`GONGKAI_TEST_TODAY`, read by `gongkai serve`; docs/operations.md). None: the
    /// clock.
    pub today: Option<chrono::NaiveDate>,
    /// Redaction ([redaction] in config/default.toml).
    pub redaction: RedactionSettings,
}

/// What a redaction may cost, and how the editor shows pages.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RedactionSettings {
    /// PDFs and scans (the input's byte limit is the attachments' `max_bytes`).
    pub limits: gongkai_documents::RedactLimits,
    /// XLSX and CSV.
    pub tables: gongkai_documents::TableLimits,
    /// The resolution of the editor's page images (dots per inch).
    pub editor_dpi: f32,
    /// Redactions waiting or running at once.
    pub max_queued_jobs: usize,
    /// The largest redacted file stored (a scan rendered anew can outgrow its original, so
    /// this may exceed the attachments' `max_bytes`; the per-case total still applies).
    pub max_output_bytes: u64,
}

impl Default for RedactionSettings {
    fn default() -> Self {
        RedactionSettings {
            limits: gongkai_documents::RedactLimits::default(),
            tables: gongkai_documents::TableLimits::default(),
            editor_dpi: 96.0,
            max_queued_jobs: 8,
            max_output_bytes: 200 * 1024 * 1024,
        }
    }
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
            sign_in: SignInLimits::default(),
            issued_password_valid_hours: 72,
            trust_forwarded_for: false,
            mail_base_url: "http://127.0.0.1:8080".to_owned(),
            statement_timeout: Some(std::time::Duration::from_secs(5)),
            metrics_token: String::new(),
            report_counting: gongkai_workflow::report::Counting::default(),
            pending_registration_days: 1,
            today: None,
            redaction: RedactionSettings::default(),
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
    /// The CJK font of the PDF documents, checked at start and read on the first PDF; none:
    /// the PDF routes answer 503 `pdf_font_unavailable`.
    pub letter_font: Option<Arc<gongkai_documents::FontFile>>,
    /// Redactions waiting or running (see [`crate::jobs`]).
    pub jobs: Arc<crate::jobs::Jobs>,
    /// Permits of the reads that go over a year of cases (see [`db_heavy`]).
    pub heavy: Arc<tokio::sync::Semaphore>,
    /// The frequent-request groups lately computed, by scope and question (see
    /// [`crate::cache`]).
    pub frequent: crate::cache::Fresh<FrequentKey, Vec<gongkai_store::similar::Group>>,
    /// The directory of names the staff pages show (see
    /// [`crate::service::directory::Directory::kept`]).
    pub directory: crate::cache::Fresh<(), gongkai_store::directory::Directory>,
}

/// The question behind a frequent-request view: scope, period (from, to) and least group size.
pub type FrequentKey = (
    gongkai_store::Scope,
    chrono::NaiveDate,
    chrono::NaiveDate,
    usize,
);

/// How many requests the kept frequent-request views list together at most (each with its
/// text: some 5–10 MB); a view listing more is answered and not kept.
const FREQUENT_KEPT: usize = 10_000;

impl crate::cache::Weigh for gongkai_store::directory::Directory {
    fn weight(&self) -> usize {
        1
    }
}

impl crate::cache::Weigh for Vec<gongkai_store::similar::Group> {
    fn weight(&self) -> usize {
        self.iter().map(|g| g.requests.len()).sum()
    }
}

/// How many reads over a year of cases (statistics, frequent requests, the annual report) run
/// at once: one per two cores, at least one.
pub fn heavy_capacity() -> usize {
    (std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get) / 2).max(1)
}

impl AppState {
    /// The client's address as the settings say to read it (a proxy's X-Forwarded-For only
    /// when `trust_forwarded_for`): sign-in throttling, the registration limit, the hashed
    /// address of a download.
    pub fn client_address(&self, req: &actix_web::HttpRequest) -> String {
        crate::auth::client_address(req, self.settings.trust_forwarded_for)
    }

    pub fn new(pool: Pool, law: Law, settings: ApiSettings) -> AppState {
        let jobs = Arc::new(crate::jobs::Jobs::new(settings.redaction.max_queued_jobs));
        AppState {
            pool,
            base_years: law.calendar.years().to_vec(),
            law: RwLock::new(Arc::new(law)),
            settings,
            metrics: Metrics::new(),
            scheduler: Arc::default(),
            letter_font: None,
            jobs,
            heavy: Arc::new(tokio::sync::Semaphore::new(heavy_capacity())),
            frequent: crate::cache::Fresh::new(FREQUENT_KEPT),
            directory: crate::cache::Fresh::watching(1, gongkai_store::db::directory_writes),
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

/// [`db`] for a read that goes over a period's cases (the frequent requests; the monthly
/// statistics and the annual report were such reads until they became sums of stored counts,
/// `gongkai_store::tallies`): it waits for one of [`heavy_capacity`] permits first. Such a
/// read holds tens of MB and a core for a tenth of a second to seconds on a large database;
/// run sixteen at once, they took every pooled connection from the queue and the case pages
/// and more than doubled the server's memory (docs/PERFORMANCE.md). Waiting longer than the
/// statement timeout (30 s without one) answers 503 `unavailable` with Retry-After. The permit
/// is held until the database work ends, even if the client goes away meanwhile.
pub async fn db_heavy<T, F>(state: &web::Data<AppState>, f: F) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, &AppState) -> ApiResult<T> + Send + 'static,
{
    let wait = state
        .settings
        .statement_timeout
        .unwrap_or(std::time::Duration::from_secs(30));
    let permit = heavy_permit(&state.heavy, wait).await?;
    run(
        state,
        move |conn, state| {
            let _permit = permit;
            f(conn, state)
        },
        true,
    )
    .await
}

/// A permit of `permits` within `wait`, else 503 `unavailable` with Retry-After.
async fn heavy_permit(
    permits: &Arc<tokio::sync::Semaphore>,
    wait: std::time::Duration,
) -> ApiResult<tokio::sync::OwnedSemaphorePermit> {
    match tokio::time::timeout(wait, Arc::clone(permits).acquire_owned()).await {
        Ok(permit) => permit.map_err(ApiError::internal),
        Err(_) => {
            let mut busy = ApiError::new(
                crate::error::ErrorCode::Unavailable,
                format!(
                    "常见申请等汇总查询正在排队，等待超过 {} 秒，请稍后再试",
                    wait.as_secs().max(1)
                ),
            );
            busy.retry_after = Some(5);
            Err(busy)
        }
    }
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

/// Sign-in throttling. Every attempt is counted before its password is
/// checked, under three keys: its address (a limit per window), its account from that address
/// (a progressive delay at full strength) and its account from anywhere (a mild delay, applied
/// only to addresses that have already failed on the account, so that an attacker cannot lock
/// the owner out: the owner signs in from another address at once, or from the same one after
/// the short delay). A success clears its account's counters and
/// takes back its own attempt from the address, never the address's failures.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignInLimits {
    /// Failures of one account from one address before each further attempt must wait.
    pub failures_before_delay: i32,
    /// The first wait (seconds); it doubles with every further failure…
    pub first_delay_seconds: i64,
    /// …up to this.
    pub max_delay_seconds: i64,
    /// Failures of one account from all addresses before the mild account-wide delay starts.
    pub account_failures_before_delay: i32,
    /// The cap of the account-wide delay (seconds): short, so the owner gets in.
    pub account_max_delay_seconds: i64,
    /// Sign-in attempts from one address (successes taken back) within the window after
    /// which it must wait until the window has passed.
    pub max_failures_per_address: i32,
    /// Counters forget attempts older than this.
    pub window_minutes: i64,
    /// New accounts one address may open per hour.
    pub registrations_per_address_per_hour: i32,
}

impl Default for SignInLimits {
    fn default() -> SignInLimits {
        SignInLimits {
            failures_before_delay: 5,
            first_delay_seconds: 1,
            max_delay_seconds: 900,
            account_failures_before_delay: 20,
            account_max_delay_seconds: 10,
            max_failures_per_address: 20,
            window_minutes: 15,
            registrations_per_address_per_hour: 10,
        }
    }
}

impl SignInLimits {
    fn window_ms(&self) -> i64 {
        self.window_minutes.saturating_mul(60_000)
    }

    /// The per-address limit.
    pub fn address_rule(&self) -> sessions::Rule {
        sessions::Rule {
            limit: self.max_failures_per_address,
            free: i32::MAX,
            first_delay_ms: 0,
            max_delay_ms: 0,
            window_ms: self.window_ms(),
        }
    }

    /// The mild delay of an account, whatever the address.
    pub fn account_rule(&self) -> sessions::Rule {
        sessions::Rule {
            limit: i32::MAX,
            free: self.account_failures_before_delay,
            first_delay_ms: self.first_delay_seconds.saturating_mul(1000),
            max_delay_ms: self.account_max_delay_seconds.saturating_mul(1000),
            window_ms: self.window_ms(),
        }
    }

    /// The full delay of an account from one address.
    pub fn pair_rule(&self) -> sessions::Rule {
        sessions::Rule {
            limit: i32::MAX,
            free: self.failures_before_delay,
            first_delay_ms: self.first_delay_seconds.saturating_mul(1000),
            max_delay_ms: self.max_delay_seconds.saturating_mul(1000),
            // A delay never outlives its counter.
            window_ms: self
                .window_ms()
                .max(self.max_delay_seconds.saturating_mul(1000)),
        }
    }

    /// New accounts per address per hour.
    pub fn registration_rule(&self) -> sessions::Rule {
        sessions::Rule {
            limit: self.registrations_per_address_per_hour,
            free: i32::MAX,
            first_delay_ms: 0,
            max_delay_ms: 0,
            window_ms: 3_600_000,
        }
    }

    /// The longest a counter matters (what the periodic purge keeps).
    pub fn longest_window(&self) -> chrono::Duration {
        chrono::Duration::milliseconds(
            self.window_ms()
                .max(3_600_000)
                .max(self.max_delay_seconds.saturating_mul(1000)),
        )
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use std::time::Duration;

    /// A heavy read waits for a permit while the others are taken, is refused with a 503
    /// that says to retry when the wait passes its bound, and runs as soon as one is back.
    #[actix_web::test]
    async fn a_heavy_read_waits_for_a_permit_within_its_bound() {
        let permits = Arc::new(tokio::sync::Semaphore::new(1));
        let held = heavy_permit(&permits, Duration::from_millis(50))
            .await
            .unwrap();
        let refused = heavy_permit(&permits, Duration::from_millis(50))
            .await
            .unwrap_err();
        assert_eq!(refused.code.as_str(), "unavailable");
        assert_eq!(refused.status.as_u16(), 503);
        assert_eq!(refused.retry_after, Some(5));
        assert!(refused.detail.contains("正在排队"), "{}", refused.detail);
        // Released while another waits: the waiter gets it.
        let waiter = heavy_permit(&permits, Duration::from_secs(10));
        let release = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            drop(held);
        };
        let (got, ()) = tokio::join!(waiter, release);
        assert!(got.is_ok());
    }
}
