//! The scheduler: reads the clock for the open cases whose due date is near or past and writes
//! the staff reminders — due soon (to the assignee), overdue (to the assignee and the
//! department's supervisors, with the breach recorded on the case) — and reminds the assignee
//! of a consultation whose window ended (arts. 32, 34) or that went unanswered for the
//! configured days (art. 33). Each reminder has a
//! dedupe key per (level, case, due date, recipient) under a unique index
//! (`gongkai_store::reminders`), so it is written once even when several workers run the
//! scheduler at the same moment.

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use gongkai_store::{DbConnection, StoreError, StoreResult, events, execute, reminders};
use gongkai_workflow::clock::{WarningLevel, legal_date, warning_level};
use gongkai_workflow::{Actor, Case, Command, Context, Law, NoticeKind, Recipient};

/// Wakes the scheduler early: commands that change a case (an extension, a restart, a new
/// request with an old receipt date) poke it, and it runs a pass soon after instead of at its
/// next timer, at most once per `min` wait (a busy office does not make it run per command).
#[derive(Debug, Default)]
pub struct Alarm(AtomicBool);

impl Alarm {
    pub fn poke(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Waits until poked (but at least `min`), or `max` has passed, or `stop` is set.
    pub fn wait(&self, min: std::time::Duration, max: std::time::Duration, stop: &AtomicBool) {
        let started = std::time::Instant::now();
        let step = std::time::Duration::from_millis(50);
        loop {
            let waited = started.elapsed();
            if stop.load(Ordering::Relaxed) || waited >= max {
                return;
            }
            if waited >= min && self.0.swap(false, Ordering::Relaxed) {
                return;
            }
            std::thread::sleep(step.min(max - waited));
        }
    }
}

/// What one scheduler pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reminders {
    /// Open cases looked at (due within the look-ahead window, or past due).
    pub examined: usize,
    pub due_soon: usize,
    pub overdue: usize,
    /// Overdue breaches recorded on cases by this pass.
    pub breaches_recorded: usize,
    /// Consultations whose window ended (arts. 32, 34) or whose art. 33 reminder day passed,
    /// reminded to the assignee by this pass.
    pub consultations_due: usize,
}

/// Calendar days ahead in which a due date may still be "due soon" (the statute's due-soon
/// window is counted in working days; a month covers it across any holiday).
const LOOK_AHEAD_DAYS: i64 = 31;

/// One pass at `now`.
pub fn run_once(conn: &mut DbConnection, law: &Law, now: DateTime<Utc>) -> StoreResult<Reminders> {
    run_until(conn, law, now, &AtomicBool::new(false))
}

/// One pass at `now`, cut short when `stop` is set (the process is shutting down; the next
/// pass picks up where this one stopped, since nothing is written twice).
pub fn run_until(
    conn: &mut DbConnection,
    law: &Law,
    now: DateTime<Utc>,
    stop: &AtomicBool,
) -> StoreResult<Reminders> {
    let today = legal_date(now);
    let horizon = today + chrono::Duration::days(LOOK_AHEAD_DAYS);
    let candidates = reminders::candidates(conn, today, horizon)?;
    let mut out = Reminders {
        examined: candidates.len(),
        ..Reminders::default()
    };
    // Consultations first: they concern cases whose reply clock is paused, which the due-date
    // pass below does not look at.
    for (case_id, version) in reminders::consultation_candidates(conn, today)? {
        if stop.load(Ordering::Relaxed) {
            return Ok(out);
        }
        let case = Case::from_events(&events::load(conn, &case_id)?);
        let Some(due) = case.consultation_due().filter(|d| *d < today) else {
            continue;
        };
        if reminders::write(
            conn,
            &case_id,
            version,
            NoticeKind::ConsultationDue,
            &Recipient::Assignee,
            due,
            now,
        )? {
            out.consultations_due += 1;
        }
    }
    for (case_id, version) in candidates {
        if stop.load(Ordering::Relaxed) {
            break;
        }
        let history = events::load(conn, &case_id)?;
        let case = Case::from_events(&history);
        let Some(due) = case
            .reply_due(&law.calendar, &law.statute)
            .and_then(|d| d.due)
        else {
            continue;
        };
        // The level from the due date just computed (Case::warning_level would fold the
        // clock again).
        let Some(profile) = case.profile(&law.statute) else {
            continue;
        };
        let level = warning_level(&law.calendar, due, profile.due_soon_days, now);
        match level {
            WarningLevel::Normal => {}
            WarningLevel::DueSoon => {
                if reminders::write(
                    conn,
                    &case_id,
                    version,
                    NoticeKind::DueSoon,
                    &Recipient::Assignee,
                    due,
                    now,
                )? {
                    out.due_soon += 1;
                }
            }
            WarningLevel::Overdue => {
                // Record the breach on the case: its event writes the overdue notices.
                let ctx = Context {
                    now,
                    actor: Actor::system(),
                    calendar: &law.calendar,
                    statute: &law.statute,
                };
                let mut any = false;
                let version =
                    match execute(conn, &case_id, case.version, Command::RecordOverdue, &ctx) {
                        Ok(done) => {
                            out.breaches_recorded += 1;
                            any = true;
                            i64::try_from(done.version).unwrap_or(version)
                        }
                        // Already recorded (by a command after the due date, or another worker),
                        // or the case moved on meanwhile: the reminders below still apply once.
                        Err(StoreError::Rejected(_) | StoreError::Conflict { .. }) => version,
                        Err(e) => return Err(e),
                    };
                for to in [Recipient::Assignee, Recipient::Supervisors] {
                    any |= reminders::write(
                        conn,
                        &case_id,
                        version,
                        NoticeKind::Overdue,
                        &to,
                        due,
                        now,
                    )?;
                }
                if any {
                    out.overdue += 1;
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, Instant};

    #[test]
    fn the_alarm_wakes_early_but_not_before_the_minimum() {
        let alarm = Alarm::default();
        let stop = AtomicBool::new(false);
        // Not poked: the full wait.
        let t = Instant::now();
        alarm.wait(Duration::ZERO, Duration::from_millis(200), &stop);
        assert!(t.elapsed() >= Duration::from_millis(200));
        // Poked: after the minimum, well before the maximum.
        alarm.poke();
        let t = Instant::now();
        alarm.wait(Duration::from_millis(100), Duration::from_secs(30), &stop);
        let waited = t.elapsed();
        assert!(waited >= Duration::from_millis(100) && waited < Duration::from_secs(5));
        // The poke was used up; stop ends a wait at once.
        stop.store(true, Ordering::Relaxed);
        let t = Instant::now();
        alarm.wait(Duration::ZERO, Duration::from_secs(30), &stop);
        assert!(t.elapsed() < Duration::from_secs(1));
    }
}
