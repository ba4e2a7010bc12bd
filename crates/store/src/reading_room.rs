//! The reading room (依申请公开转主动公开, art. 44): the releases supervisors published, per
//! agency, for everyone to read. A projection of the cases' `ReleasePublished` and
//! `PublicationWithdrawn` events, written by `execute` in the same transaction as the events;
//! the events stay the truth.
//!
//! Nothing here holds the applicant: the subject is the supervisor's own title, the items are
//! the released documents (title, 文号, pages, form, the released file's id, sha256 and size).
//! Search matches every term of the query (the staff search's terms) anywhere in the subject,
//! titles and 文号, case-insensitively; on PostgreSQL a trigram index serves it, on SQLite it is
//! a scan of the published rows (a reading room holds few enough of them).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gongkai_workflow::model::ReleaseItem;
use gongkai_workflow::{Case, Event, EventKind};

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::events::to_micros;
use crate::schema::reading_room;

/// One published release, as the public sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub case_id: String,
    pub agency_code: String,
    pub subject: String,
    pub items: Vec<ReleaseItem>,
    /// The day it became public (Asia/Shanghai).
    pub published_on: NaiveDate,
    pub published_at: NaiveDateTime,
    pub withdrawn_at: Option<NaiveDateTime>,
    pub withdrawn_on: Option<NaiveDate>,
    pub withdraw_reason: Option<String>,
}

impl Entry {
    /// Whether the entry is public now (not withdrawn).
    pub fn is_public(&self) -> bool {
        self.withdrawn_at.is_none()
    }

    /// The released file with this attachment id, if the entry publishes it.
    pub fn file(&self, attachment: &str) -> Option<&gongkai_workflow::model::ReleasedFile> {
        self.items
            .iter()
            .filter_map(ReleaseItem::file)
            .find(|f| f.attachment == attachment)
    }
}

/// Most entries one list returns.
pub const PAGE_SIZE: i64 = 50;

type Row = (
    String,
    String,
    String,
    String,
    NaiveDate,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<NaiveDate>,
    Option<String>,
);

fn read(row: Row) -> StoreResult<Entry> {
    let (case_id, agency_code, subject, items, on, at, w_at, w_on, reason) = row;
    let items: Vec<ReleaseItem> = serde_json::from_str(&items).map_err(|e| {
        StoreError::Corrupt(format!("reading room entry {case_id} is unreadable: {e}"))
    })?;
    Ok(Entry {
        case_id,
        agency_code,
        subject,
        items,
        published_on: on,
        published_at: at,
        withdrawn_at: w_at,
        withdrawn_on: w_on,
        withdraw_reason: reason,
    })
}

/// What the search matches of an entry: subject, titles and 文号, lower-cased.
fn search_text(subject: &str, items: &[ReleaseItem]) -> String {
    let mut text = subject.to_lowercase();
    for item in items {
        text.push('\n');
        text.push_str(&item.title().to_lowercase());
        if let ReleaseItem::Document {
            document_number: Some(n),
            ..
        } = item
        {
            text.push('\n');
            text.push_str(&n.to_lowercase());
        }
    }
    text
}

/// Projects the reading-room events of one command (called by `execute`, inside its write).
pub(crate) fn apply(
    conn: &mut DbConnection,
    case_id: &str,
    case: &Case,
    events: &[Event],
) -> StoreResult<()> {
    for event in events {
        let at = to_micros(event.at.naive_utc());
        let on = event
            .legal_date
            .unwrap_or_else(|| gongkai_workflow::clock::legal_date(event.at));
        match &event.kind {
            EventKind::ReleasePublished { subject, items } => {
                let json =
                    serde_json::to_string(items).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                // Published again after a withdrawal: the new publication replaces the old.
                diesel::delete(reading_room::table.find(case_id)).execute(conn)?;
                diesel::insert_into(reading_room::table)
                    .values((
                        reading_room::case_id.eq(case_id),
                        reading_room::agency_code.eq(&case.agency),
                        reading_room::subject.eq(subject),
                        reading_room::items.eq(&json),
                        reading_room::search_text.eq(search_text(subject, items)),
                        reading_room::published_on.eq(on),
                        reading_room::published_at.eq(at),
                    ))
                    .execute(conn)?;
            }
            EventKind::PublicationWithdrawn { reason } => {
                diesel::update(reading_room::table.find(case_id))
                    .set((
                        reading_room::withdrawn_at.eq(Some(at)),
                        reading_room::withdrawn_on.eq(Some(on)),
                        reading_room::withdraw_reason.eq(Some(reason)),
                    ))
                    .execute(conn)?;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether a command's events touch the reading room.
pub(crate) fn touches(events: &[Event]) -> bool {
    events.iter().any(|e| {
        matches!(
            e.kind,
            EventKind::ReleasePublished { .. } | EventKind::PublicationWithdrawn { .. }
        )
    })
}

/// The public entries, newest first: of one agency or of all, matching every term of `query`
/// when one is given (terms as the staff search splits them; a bad query is refused with the
/// sentence to show). `page` counts from 0.
pub fn list(
    conn: &mut DbConnection,
    agency: Option<&str>,
    query: Option<&str>,
    page: i64,
) -> StoreResult<Vec<Entry>> {
    let mut q = reading_room::table
        .filter(reading_room::withdrawn_at.is_null())
        .select(columns())
        .into_boxed();
    if let Some(a) = agency {
        q = q.filter(reading_room::agency_code.eq(a.to_owned()));
    }
    if let Some(text) = query {
        let terms = crate::search::terms(text).map_err(|m| StoreError::invalid("q", m))?;
        for term in terms {
            let pattern = crate::search::contains_pattern(&term.to_lowercase());
            q = q.filter(reading_room::search_text.like(pattern).escape('\\'));
        }
    }
    let rows: Vec<Row> = q
        .order((reading_room::published_at.desc(), reading_room::case_id))
        .limit(PAGE_SIZE)
        .offset(page.max(0).saturating_mul(PAGE_SIZE))
        .load(conn)?;
    rows.into_iter().map(read).collect()
}

/// One entry, public or withdrawn.
pub fn get(conn: &mut DbConnection, case_id: &str) -> StoreResult<Option<Entry>> {
    let row: Option<Row> = reading_room::table
        .find(case_id)
        .select(columns())
        .first(conn)
        .optional()?;
    row.map(read).transpose()
}

#[allow(clippy::type_complexity)]
fn columns() -> (
    reading_room::case_id,
    reading_room::agency_code,
    reading_room::subject,
    reading_room::items,
    reading_room::published_on,
    reading_room::published_at,
    reading_room::withdrawn_at,
    reading_room::withdrawn_on,
    reading_room::withdraw_reason,
) {
    (
        reading_room::case_id,
        reading_room::agency_code,
        reading_room::subject,
        reading_room::items,
        reading_room::published_on,
        reading_room::published_at,
        reading_room::withdrawn_at,
        reading_room::withdrawn_on,
        reading_room::withdraw_reason,
    )
}

/// A released file of a public entry, for the public download: the attachment named only if
/// the entry is public, publishes that very file, and the stored file still has the sha256 the
/// release recorded. Any other attachment of the case (staff originals, the applicant's
/// uploads, internal papers) is `None`, like an unknown one.
pub fn released_file(
    conn: &mut DbConnection,
    case_id: &str,
    attachment_id: &str,
) -> StoreResult<Option<(Entry, crate::attachments::Attachment)>> {
    use crate::schema::attachments;
    let Some(entry) = get(conn, case_id)?.filter(Entry::is_public) else {
        return Ok(None);
    };
    let Some(sha256) = entry.file(attachment_id).map(|f| f.sha256.clone()) else {
        return Ok(None);
    };
    let found: Option<crate::attachments::Attachment> = attachments::table
        .find(attachment_id)
        .filter(attachments::case_id.eq(case_id))
        .filter(attachments::sha256.eq(&sha256))
        .select(crate::attachments::Attachment::as_select())
        .first(conn)
        .optional()?;
    Ok(found.map(|a| (entry, a)))
}
