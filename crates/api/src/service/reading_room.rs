//! The public reading room (依申请公开转主动公开, art. 44): what supervisors published of replied
//! requests, for anyone, without signing in. The list (all agencies or one, searched), one
//! entry, and its released files. Only what the entry publishes is reachable: the subject, the
//! released items and the released files; never the applicant, never another file of the case.

use actix_web::web;
use chrono::NaiveDate;
use gongkai_store::reading_room::{self, Entry, PAGE_SIZE};
use gongkai_store::{DbConnection, accounts};
use gongkai_workflow::model::ReleaseItem;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, db};

/// The list's filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
pub struct RoomQuery {
    /// An agency's code: its reading room only (default: every agency's).
    pub agency: Option<String>,
    /// Words to find in the subject, the documents' titles and 文号 (white-space separated,
    /// all must occur; up to 5 words, 100 characters).
    pub q: Option<String>,
    /// The page, from 0 (50 entries a page, newest first).
    pub page: Option<i64>,
}

/// A released file, downloadable by anyone while the entry is public.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoomFile {
    /// Where to download it.
    pub url: String,
    pub sha256: String,
    /// Bytes.
    pub size: u64,
}

/// One published item: a document (title, 文号, pages, form, file) or a pointer to where the
/// information is already published.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoomItem {
    pub title: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// How the document was provided (电子文档, 纸质, 现场查阅、复制).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    /// For information already published elsewhere: where.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<RoomFile>,
    /// The line a person reads.
    pub description: String,
}

/// One release in the reading room.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoomEntry {
    /// The entry's id (its page is /reading-room/{id}).
    pub id: String,
    pub agency: String,
    pub agency_name: String,
    pub subject: String,
    /// The day it became public (Asia/Shanghai).
    pub published_on: NaiveDate,
    /// The instant it was published (UTC).
    pub published_at: chrono::DateTime<chrono::Utc>,
    /// Its public page.
    pub url: String,
    pub items: Vec<RoomItem>,
}

/// A page of the reading room.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RoomList {
    /// The agency the list is limited to, if any: (code, name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agency_name: Option<String>,
    pub entries: Vec<RoomEntry>,
    pub page: i64,
    /// The next page's number when there may be more.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_page: Option<i64>,
}

/// The public path of an entry's file.
pub fn file_url(case_id: &str, attachment: &str) -> String {
    format!("/reading-room/{case_id}/files/{attachment}")
}

fn item_view(case_id: &str, item: &ReleaseItem) -> RoomItem {
    let description = item.describe_zh();
    match item {
        ReleaseItem::Document {
            title,
            document_number,
            pages,
            form,
            file,
        } => RoomItem {
            title: title.clone(),
            document_number: document_number.clone(),
            pages: *pages,
            form: Some(form.label_zh().to_owned()),
            location: None,
            link: None,
            file: file.as_ref().map(|f| RoomFile {
                url: file_url(case_id, &f.attachment),
                sha256: f.sha256.clone(),
                size: f.size,
            }),
            description,
        },
        ReleaseItem::Published {
            title,
            location,
            link,
        } => RoomItem {
            title: title.clone(),
            document_number: None,
            pages: None,
            form: None,
            location: Some(location.clone()),
            link: link.clone(),
            file: None,
            description,
        },
    }
}

/// An entry as the public reads it.
pub fn entry_view(e: &Entry, agency_name: &str) -> RoomEntry {
    RoomEntry {
        id: e.case_id.clone(),
        agency: e.agency_code.clone(),
        agency_name: agency_name.to_owned(),
        subject: e.subject.clone(),
        published_on: e.published_on,
        published_at: e.published_at.and_utc(),
        url: format!("/reading-room/{}", e.case_id),
        items: e.items.iter().map(|i| item_view(&e.case_id, i)).collect(),
    }
}

fn agency_names(conn: &mut DbConnection) -> ApiResult<Vec<(String, String)>> {
    Ok(accounts::agencies(conn)?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect())
}

fn name_of<'a>(names: &'a [(String, String)], code: &'a str) -> &'a str {
    names
        .iter()
        .find(|(c, _)| c == code)
        .map(|(_, n)| n.as_str())
        .unwrap_or(code)
}

/// The last page a list may ask for.
pub const MAX_PAGE: i64 = 10_000;

/// The public entries matching `query`. An unknown agency is 404; a bad search 422 (`q`).
pub async fn list(state: &web::Data<AppState>, query: RoomQuery) -> ApiResult<RoomList> {
    let page = query.page.unwrap_or(0);
    let max = gongkai_store::search::MAX_QUERY_CHARS;
    if query.q.as_ref().is_some_and(|q| q.chars().count() > max) {
        return Err(ApiError::field("q", format!("检索内容最多 {max} 个字")));
    }
    if !(0..=MAX_PAGE).contains(&page) {
        return Err(ApiError::field(
            "page",
            format!("页码须在 0 到 {MAX_PAGE} 之间"),
        ));
    }
    db(state, move |conn, _| {
        let names = agency_names(conn)?;
        let agency = query.agency.filter(|a| !a.trim().is_empty());
        let agency_name = match &agency {
            Some(code) => Some(
                names
                    .iter()
                    .find(|(c, _)| c == code)
                    .map(|(_, n)| n.clone())
                    .ok_or_else(ApiError::not_found)?,
            ),
            None => None,
        };
        let q = query.q.filter(|q| !q.trim().is_empty());
        let found = reading_room::list(conn, agency.as_deref(), q.as_deref(), page)?;
        let full = i64::try_from(found.len()).is_ok_and(|n| n == PAGE_SIZE);
        Ok(RoomList {
            agency,
            agency_name,
            entries: found
                .iter()
                .map(|e| entry_view(e, name_of(&names, &e.agency_code)))
                .collect(),
            page,
            next_page: full.then_some(page + 1),
        })
    })
    .await
}

/// One entry, public or withdrawn (the page says which), with its agency's name; `None` when
/// the case was never published (or does not exist).
pub async fn entry(state: &web::Data<AppState>, id: String) -> ApiResult<Option<(Entry, String)>> {
    db(state, move |conn, _| {
        let Some(e) = reading_room::get(conn, &id)? else {
            return Ok(None);
        };
        let names = agency_names(conn)?;
        let name = name_of(&names, &e.agency_code).to_owned();
        Ok(Some((e, name)))
    })
    .await
}

/// A released file of a public entry, ready to stream; 404 for anything else.
pub async fn file(
    state: &web::Data<AppState>,
    id: String,
    attachment: String,
) -> ApiResult<crate::download::Outgoing> {
    db(state, move |conn, state| {
        let (_, meta) =
            reading_room::released_file(conn, &id, &attachment)?.ok_or_else(ApiError::not_found)?;
        crate::download::Outgoing::of(&state.settings.attachments_dir, &meta)
    })
    .await
}
