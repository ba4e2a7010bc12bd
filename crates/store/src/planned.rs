//! A decided command: the case after it and every row its write consists of (projection,
//! events, outbox rows, search text, similarity bands). The generic writer in `execute` and the
//! PostgreSQL statement in `pg_write` both write it.

use chrono::{NaiveDate, Utc};
use gongkai_workflow::{Called, Case, Context, Event, notices_of};

use crate::error::{StoreError, StoreResult};
use crate::events::{self, EventRow};
use crate::projection::{CaseRow, project};
use crate::reminders::reminder_key;

/// A decided command: the case after it, the rows to write.
pub(crate) struct Planned {
    /// The version the projection must still have (`None`: the case is new).
    pub expected: Option<u64>,
    pub row: CaseRow,
    pub case: Case,
    pub events: Vec<Event>,
    pub stored: Vec<EventRow>,
    pub outbox: Vec<crate::outbox::Pending>,
    /// The case's search text when it changed (always for a new case).
    pub text: Option<crate::search::SearchText>,
    /// The band hashes of the request's text when that changed (always for a new case): the
    /// `case_bands` rows the similar-request hint looks candidates up by.
    pub bands: Option<[i64; gongkai_workflow::similar::HINT_BANDS]>,
    /// What the command adds to the annual report's tallies (see `tallies`); set by the
    /// caller, which has the case's history (the bulk loader counts each case once, whole).
    pub tallies: crate::tallies::TallyChange,
    /// What it adds to the monthly statistics' tallies; set by the caller, which has the row
    /// as stored before.
    pub stats: crate::tallies::StatsChange,
}

impl Planned {
    pub(crate) fn new(
        mut row: CaseRow,
        expected: Option<u64>,
        before_text: Option<&crate::search::SearchText>,
        before: Case,
        events: Vec<Event>,
        prev_hash: &str,
        ctx: &Context,
    ) -> StoreResult<Planned> {
        let (case, due) = notices_of(before, &events);
        project(&mut row, &case, ctx.calendar, ctx.statute, ctx.now);
        let stored = events::chain(&row.id, expected.unwrap_or(0), prev_hash, &events)?;
        let outbox = outbox_rows(&row.id, &stored, &events, &due, ctx.now)?;
        let text = crate::search::SearchText::of(&case);
        let bands = (before_text.map(|t| &t.description) != Some(&text.description))
            .then(|| gongkai_workflow::similar::band_hashes(&text.description));
        let text = (before_text != Some(&text)).then_some(text);
        Ok(Planned {
            expected,
            row,
            case,
            events,
            stored,
            outbox,
            text,
            bands,
            tallies: crate::tallies::TallyChange::new(),
            stats: crate::tallies::StatsChange::new(),
        })
    }
}

/// The outbox rows for the notices of the events about to be stored.
fn outbox_rows(
    case_id: &str,
    stored: &[EventRow],
    events: &[Event],
    due: &[Called],
    now: chrono::DateTime<Utc>,
) -> StoreResult<Vec<crate::outbox::Pending>> {
    let mut rows = Vec::new();
    for called in due {
        let notice = &called.notice;
        let (Some(at), Some(cause)) = (stored.get(called.at), events.get(called.cause)) else {
            return Err(StoreError::Corrupt("a notice without its event".to_owned()));
        };
        let kind =
            serde_json::to_string(&notice.kind).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let recipient = serde_json::to_string(&notice.recipient)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let new = crate::outbox::NewRow {
            case_id,
            // Rendered from the case as it stands after this event (for a staff reminder, the
            // command's last: `notices_of`).
            event_seq: at.seq,
            dedupe_key: overdue_of(cause)
                .and_then(|due| reminder_key(case_id, notice.kind, &notice.recipient, due)),
            notice_kind: kind,
            recipient,
        };
        rows.push(new.pending(now));
    }
    Ok(rows)
}

/// The due date an overdue breach event is about.
fn overdue_of(event: &Event) -> Option<NaiveDate> {
    match &event.kind {
        gongkai_workflow::EventKind::BreachRecorded {
            breach: gongkai_workflow::model::Breach::ReplyOverdue { due },
        } => Some(*due),
        _ => None,
    }
}
