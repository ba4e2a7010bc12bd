//! The dispatcher: claims due outbox rows with a lease, renders and sends each one outside any
//! database transaction, then records the result. Several dispatchers may run over one
//! PostgreSQL database (rows are claimed with SKIP LOCKED); a dispatcher that dies leaves its
//! rows to be claimed again when their lease runs out, under the same Message-ID.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use gongkai_store::outbox::{self, OutboxRow};
use gongkai_store::{Pool, StoreError, StoreResult};
use gongkai_workflow::Law;
use lettre::message::Mailbox;

use crate::MailSettings;
use crate::message::{self, parse_mailbox};
use crate::templates::Templates;
use crate::transport::{SendError, Transport};

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub unaddressed: usize,
    /// Results not recorded because another dispatcher had taken the row over.
    pub lost_lease: usize,
}

/// The law in force, read at each pass (an admin may upload a calendar while we run).
pub type LawSource = Arc<dyn Fn() -> Arc<Law> + Send + Sync>;

pub struct Dispatcher {
    pool: Pool,
    transport: Transport,
    settings: MailSettings,
    from: Mailbox,
    law: LawSource,
    /// How reply e-mails carry releases; none: the text only.
    release: Option<crate::release::ReleaseMail>,
}

impl Dispatcher {
    pub fn new(pool: Pool, settings: MailSettings, law: LawSource) -> Result<Dispatcher, String> {
        settings.check()?;
        let transport = Transport::from_settings(&settings)?;
        let from = parse_mailbox(&settings.from).map_err(|e| format!("mail.from: {e}"))?;
        Ok(Dispatcher {
            pool,
            transport,
            settings,
            from,
            law,
            release: None,
        })
    }

    /// Sends releases with the reply e-mails: the letter as PDF and the files, or a link.
    pub fn with_release(mut self, release: crate::release::ReleaseMail) -> Dispatcher {
        self.release = Some(release);
        self
    }

    pub fn describe(&self) -> String {
        self.transport.describe(&self.settings)
    }

    /// The wait before attempt `attempts + 1`: the first retry after `retry_first_seconds`,
    /// each next one twice as long, at most `retry_max_seconds`.
    pub fn backoff(&self, attempts: i32) -> chrono::Duration {
        let first = self.settings.retry_first_seconds.max(1);
        let factor = 1i64 << attempts.clamp(0, 30);
        chrono::Duration::seconds(
            first
                .saturating_mul(factor)
                .min(self.settings.retry_max_seconds.max(first)),
        )
    }

    /// Claims one batch and handles it.
    pub fn run_once(&self, now: DateTime<Utc>) -> StoreResult<Pass> {
        self.pass(now, None)
    }

    fn conn(&self) -> StoreResult<gongkai_store::db::PooledConnection> {
        self.pool
            .get()
            .map_err(|e| StoreError::Connect(e.to_string()))
    }

    fn lease(&self) -> chrono::Duration {
        chrono::Duration::seconds(self.settings.lease_seconds)
    }

    /// One batch; when `stop` is set midway, the rows not yet handled are given back (pending,
    /// due now) for the next dispatcher rather than left leased.
    fn pass(&self, now: DateTime<Utc>, stop: Option<&AtomicBool>) -> StoreResult<Pass> {
        let (rows, templates) = {
            let mut conn = self.conn()?;
            let rows = outbox::claim(&mut conn, now, self.lease(), self.settings.batch_size)?;
            if rows.is_empty() {
                return Ok(Pass::default());
            }
            (rows, Templates::load(&mut conn)?)
        };
        let mut pass = Pass {
            claimed: rows.len(),
            ..Pass::default()
        };
        let law = (self.law)();
        for (i, row) in rows.iter().enumerate() {
            if stop.is_some_and(|s| s.load(Ordering::Relaxed)) {
                let mut conn = self.conn()?;
                for left in &rows[i..] {
                    outbox::release(&mut conn, left)?;
                }
                break;
            }
            // A row whose result cannot be recorded stays leased and is claimed again later.
            if let Err(e) = self.handle(row, &templates, &law, &mut pass) {
                tracing::error!(id = %row.id, %e, "notice not handled");
            }
        }
        Ok(pass)
    }

    /// Renders `row`, sends it, records the result. No database connection is held while the
    /// message is on its way.
    fn handle(
        &self,
        row: &OutboxRow,
        templates: &Templates,
        law: &Law,
        pass: &mut Pass,
    ) -> StoreResult<()> {
        let (row, prepared, rendered, addition) = {
            let mut conn = self.conn()?;
            // The case's events, read once: for the notice and, for a reply, its release.
            let loaded = gongkai_store::events::load(&mut conn, &row.case_id).and_then(|h| {
                let base = &self.settings.base_url;
                let lookups = &mut message::Lookups::default();
                message::prepare_with_history(&mut conn, row, &h, templates, law, base, lookups)
                    .map(|p| (h, p))
            });
            let (history, prepared) = match loaded {
                Ok(p) => p,
                // Unreadable data: counted as an attempt, so that it ends up failed and
                // visible rather than claimed for ever.
                Err(e) => {
                    let recorded = self.temporary(&mut conn, row, &e.to_string())?;
                    self.count_temporary(row, recorded, pass);
                    return Ok(());
                }
            };
            let rendered = match &prepared.rendered {
                Ok(r) => r.clone(),
                Err(e) => {
                    pass.failed += 1;
                    let recorded = outbox::mark_failed(&mut conn, row, &e.to_string())?;
                    lost(recorded, row, pass);
                    return Ok(());
                }
            };
            if let Some(why) = &prepared.unaddressed {
                pass.unaddressed += 1;
                let text = (rendered.subject.as_str(), rendered.body.as_str());
                let recorded = outbox::mark_unaddressed(&mut conn, row, text, why)?;
                lost(recorded, row, pass);
                return Ok(());
            }
            // The lease runs from now: a batch whose first sends were slow never sends a row
            // that another dispatcher took over meanwhile.
            let Some(renewed) = outbox::renew(&mut conn, row, Utc::now(), self.lease())? else {
                lost(false, row, pass);
                return Ok(());
            };
            let addition = match &self.release {
                Some(r) => match crate::release::addition(
                    &mut conn,
                    row,
                    &history,
                    &prepared,
                    r,
                    &self.settings.base_url,
                    Utc::now().naive_utc(),
                ) {
                    Ok(a) => a.unwrap_or_default(),
                    // A released file unreadable for now: tried again later, as a send would be.
                    Err(e) => {
                        let recorded = self.temporary(&mut conn, row, &e.to_string())?;
                        self.count_temporary(row, recorded, pass);
                        return Ok(());
                    }
                },
                None => crate::release::Addition::default(),
            };
            (renewed, prepared, rendered, addition)
        };
        let sent_to = prepared
            .to
            .iter()
            .map(|m| m.email.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        let sent_body = format!("{}{}", rendered.body, addition.sent_text);
        let kept_body = format!("{}{}", rendered.body, addition.kept_text);
        let outcome = message::email(
            &self.from,
            &prepared.to,
            &row.message_id,
            &rendered.subject,
            &sent_body,
            &addition.files,
            std::time::SystemTime::now(),
        )
        .map_err(SendError::Permanent)
        .and_then(|m| self.transport.send(&row.id, &m));
        let text = (rendered.subject.as_str(), kept_body.as_str());
        match outcome {
            Ok(()) => {
                pass.sent += 1;
                // Sent: recording it must not fail for a moment's contention, or the row
                // would be sent again after its lease.
                let recorded =
                    self.record(|c| outbox::mark_sent(c, &row, Utc::now(), text, &sent_to))?;
                lost(recorded, &row, pass);
                Ok(())
            }
            Err(SendError::Temporary(e)) => {
                tracing::warn!(id = %row.id, attempts = row.attempts + 1, error = %e, "notice not sent");
                let recorded = self.record(|c| self.temporary(c, &row, &e))?;
                self.count_temporary(&row, recorded, pass);
                Ok(())
            }
            Err(SendError::Permanent(e)) => {
                pass.failed += 1;
                tracing::error!(id = %row.id, error = %e, "notice refused");
                let recorded = self.record(|c| outbox::mark_failed(c, &row, &e))?;
                lost(recorded, &row, pass);
                Ok(())
            }
        }
    }

    /// Whether this attempt of `row` is its last.
    fn last_attempt(&self, row: &OutboxRow) -> bool {
        row.attempts + 1 >= self.settings.max_attempts
    }

    /// Records a temporary failure: retried after the backoff, or failed after the last
    /// attempt. `false` when the lease was lost.
    fn temporary(
        &self,
        conn: &mut gongkai_store::DbConnection,
        row: &OutboxRow,
        error: &str,
    ) -> StoreResult<bool> {
        if self.last_attempt(row) {
            tracing::error!(id = %row.id, attempts = row.attempts + 1, error, "notice failed");
            outbox::mark_failed(conn, row, error)
        } else {
            outbox::mark_retry(conn, row, error, Utc::now() + self.backoff(row.attempts))
        }
    }

    /// Counts a temporary failure once its result is recorded.
    fn count_temporary(&self, row: &OutboxRow, recorded: bool, pass: &mut Pass) {
        if self.last_attempt(row) {
            pass.failed += 1;
        } else {
            pass.retried += 1;
        }
        lost(recorded, row, pass);
    }

    /// Runs `f` on a fresh connection, up to three times with a short pause between.
    fn record<T>(
        &self,
        f: impl Fn(&mut gongkai_store::DbConnection) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut tries = 0;
        loop {
            match self.conn().and_then(|mut c| f(&mut c)) {
                Ok(v) => return Ok(v),
                Err(e) if tries < 2 => {
                    tries += 1;
                    tracing::warn!(%e, "recording a notice's result failed; trying again");
                    std::thread::sleep(Duration::from_millis(250 * tries));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Runs until `stop` is set: a pass, then (when nothing was due) a pause of
    /// `poll_milliseconds`. A database error is logged and retried after a pause.
    pub fn run(&self, stop: &AtomicBool) {
        let idle = Duration::from_millis(self.settings.poll_milliseconds.max(10));
        while !stop.load(Ordering::Relaxed) {
            match self.pass(Utc::now(), Some(stop)) {
                Ok(pass) if pass.claimed > 0 => {
                    tracing::debug!(?pass, "dispatched notices");
                    continue;
                }
                Ok(_) => {}
                Err(e) => tracing::error!(%e, "dispatcher pass failed"),
            }
            sleep_unless(stop, idle);
        }
    }
}

/// Counts a result that could not be recorded because the lease was lost.
fn lost(recorded: bool, row: &OutboxRow, pass: &mut Pass) {
    if !recorded {
        pass.lost_lease += 1;
        tracing::warn!(id = %row.id, "lease lost: another dispatcher took the notice over");
    }
}

/// Sleeps for `d` in short steps, returning early when `stop` is set.
pub fn sleep_unless(stop: &AtomicBool, d: Duration) {
    let step = Duration::from_millis(50);
    let mut left = d;
    while !left.is_zero() && !stop.load(Ordering::Relaxed) {
        let now = left.min(step);
        std::thread::sleep(now);
        left -= now;
    }
}
