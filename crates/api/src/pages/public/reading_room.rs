//! The public reading room (依申请公开转主动公开, art. 44) on the web: the list (all agencies or
//! one, searched), an entry's page ("自 …… 起公开", its documents), the released files and
//! an Atom 1.0 feed. No sign-in; nothing of the applicant.
//!
//! A withdrawn entry leaves the lists and the feed; its page answers 410 Gone with a Chinese
//! page saying when it was withdrawn (a link from a feed reader or a search engine then learns
//! that it is gone for good, not that it never existed), and its files answer 404 like any
//! file that is not released.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::error::ApiError;
use crate::pages::{Chrome, Visitor, WebError, WebResult, form::percent_encode};
use crate::service::reading_room::{self, RoomEntry, RoomList, RoomQuery, entry_view};
use crate::state::AppState;

/// 2026年1月5日: the notices' way of writing a date.
pub use gongkai_mailer::context::date_zh as chinese_date;

#[derive(Template)]
#[template(path = "public/reading_room.html")]
struct RoomPage {
    chrome: Chrome,
    heading: String,
    q: String,
    agency: String,
    agencies: Vec<(String, String)>,
    /// Each entry: (page, subject, agency, since when, how many items).
    rows: Vec<(String, String, String, String, usize)>,
    /// The next page, when there may be one.
    next: Option<String>,
    error: Option<String>,
    feed: String,
    json: String,
}

/// The list's link to page `page` with the same filters.
fn page_link(agency: &str, q: &str, page: i64) -> String {
    let mut out = String::from("/reading-room?");
    if !agency.is_empty() {
        out.push_str(&format!("agency={}&", percent_encode(agency)));
    }
    if !q.is_empty() {
        out.push_str(&format!("q={}&", percent_encode(q)));
    }
    out.push_str(&format!("page={page}"));
    out
}

/// The query as the form gives it: empty fields are absent.
fn cleaned(q: RoomQuery) -> RoomQuery {
    RoomQuery {
        agency: q.agency.filter(|a| !a.trim().is_empty()),
        q: q.q.filter(|t| !t.trim().is_empty()),
        page: q.page,
    }
}

pub async fn room(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<RoomQuery>,
) -> WebResult {
    let query = cleaned(query.into_inner());
    let agencies: Vec<(String, String)> = crate::service::filing::agencies(&state)
        .await?
        .into_iter()
        .map(|a| (a.code, a.name))
        .collect();
    let (list, error, status) = match reading_room::list(&state, query.clone()).await {
        Ok(list) => (list, None, StatusCode::OK),
        // A search the engine refuses (too long, too many words) is said on the page.
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let message = e
                .errors
                .first()
                .map(|f| f.message.clone())
                .unwrap_or_else(|| e.detail.clone());
            let empty = RoomList {
                agency: None,
                agency_name: None,
                entries: Vec::new(),
                page: 0,
                next_page: None,
            };
            (empty, Some(message), StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => return Err(WebError(e)),
    };
    let heading = match &list.agency_name {
        Some(name) => format!("{name} · 依申请公开转主动公开"),
        None => "依申请公开转主动公开".to_owned(),
    };
    let agency = query.agency.clone().unwrap_or_default();
    let suffix = match &query.agency {
        Some(a) => format!("?agency={}", percent_encode(a)),
        None => String::new(),
    };
    let q = query.q.clone().unwrap_or_default();
    let next = list.next_page.map(|n| page_link(&agency, &q, n));
    let rows = list
        .entries
        .into_iter()
        .map(|e| {
            (
                e.url,
                e.subject,
                e.agency_name,
                chinese_date(e.published_on),
                e.items.len(),
            )
        })
        .collect();
    let page = RoomPage {
        chrome: visitor.chrome(heading.clone()),
        heading,
        q,
        agency,
        agencies,
        rows,
        next,
        error,
        feed: format!("/reading-room/feed.atom{suffix}"),
        json: format!("/api/v1/reading-room{suffix}"),
    };
    visitor.render(status, &page)
}

#[derive(Template)]
#[template(path = "public/reading_room_item.html")]
struct ItemPage {
    chrome: Chrome,
    entry: RoomEntry,
    since: String,
}

#[derive(Template)]
#[template(path = "public/reading_room_gone.html")]
struct GonePage {
    chrome: Chrome,
    subject: String,
    withdrawn: String,
}

pub async fn item(
    state: web::Data<AppState>,
    visitor: Visitor,
    path: web::Path<String>,
) -> WebResult {
    let Some((e, agency_name)) = reading_room::entry(&state, path.into_inner()).await? else {
        return Err(WebError(ApiError::not_found()));
    };
    if !e.is_public() {
        let withdrawn = e
            .withdrawn_on
            .map(chinese_date)
            .unwrap_or_else(|| "此前".to_owned());
        return visitor.render(
            StatusCode::GONE,
            &GonePage {
                chrome: visitor.chrome("该信息已撤回"),
                subject: e.subject,
                withdrawn,
            },
        );
    }
    let view = entry_view(&e, &agency_name);
    visitor.render(
        StatusCode::OK,
        &ItemPage {
            chrome: visitor.chrome(view.subject.clone()),
            since: chinese_date(e.published_on),
            entry: view,
        },
    )
}

/// A released file of a public entry. It is named after the document's title (the staff's
/// file name is not published: it may name the applicant).
pub async fn file(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (id, attachment) = path.into_inner();
    let Some((entry, _)) = reading_room::entry(&state, id.clone()).await? else {
        return Err(ApiError::not_found());
    };
    let mut out = reading_room::file(&state, id, attachment.clone()).await?;
    let title = entry
        .items
        .iter()
        .find(|i| i.file().is_some_and(|f| f.attachment == attachment))
        .map(|i| i.title().to_owned())
        .unwrap_or_else(|| "document".to_owned());
    let extension = out
        .filename
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| {
            !ext.is_empty() && ext.len() <= 8 && ext.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    out.filename = match extension {
        Some(ext) => format!("{title}.{ext}"),
        None => title,
    };
    crate::download::respond(out).await
}

/// Text escaped for XML (element content and attribute values).
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Characters XML 1.0 does not allow at all are left out.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            '\u{FFFE}' | '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The Atom 1.0 feed (RFC 4287) of the reading room, of every agency or one (`?agency=`).
/// Absolute links are made from the configured base URL (`mail_base_url`, the address
/// applicants are sent to).
pub async fn feed(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<RoomQuery>,
) -> Result<HttpResponse, ApiError> {
    let mut query = cleaned(query.into_inner());
    query.page = None;
    let list = reading_room::list(&state, query.clone()).await?;
    let base = state
        .settings
        .mail_base_url
        .trim_end_matches('/')
        .to_owned();
    let at = |e: &RoomEntry| -> String {
        e.published_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    };
    let title = match &list.agency_name {
        Some(n) => format!("{n} · 依申请公开转主动公开"),
        None => "依申请公开转主动公开".to_owned(),
    };
    let suffix = match &list.agency {
        Some(a) => format!("?agency={}", percent_encode(a)),
        None => String::new(),
    };
    let updated = list
        .entries
        .first()
        .map(at)
        .unwrap_or_else(|| "2019-05-15T00:00:00Z".to_owned());
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    xml.push_str("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"zh-CN\">\n");
    xml.push_str(&format!("<title>{}</title>\n", xml_escape(&title)));
    xml.push_str(&format!(
        "<id>{}</id>\n",
        xml_escape(&format!("{base}/reading-room{suffix}"))
    ));
    xml.push_str(&format!("<updated>{updated}</updated>\n"));
    xml.push_str(&format!(
        "<link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n",
        xml_escape(&format!("{base}{}", req.uri()))
    ));
    xml.push_str(&format!(
        "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
        xml_escape(&format!("{base}/reading-room{suffix}"))
    ));
    xml.push_str(&format!(
        "<author><name>{}</name></author>\n",
        xml_escape(list.agency_name.as_deref().unwrap_or("政府信息公开"))
    ));
    for e in &list.entries {
        let when = at(e);
        let summary: Vec<String> = e.items.iter().map(|i| i.description.clone()).collect();
        xml.push_str("<entry>\n");
        xml.push_str(&format!("<title>{}</title>\n", xml_escape(&e.subject)));
        xml.push_str(&format!("<id>urn:uuid:{}</id>\n", xml_escape(&e.id)));
        xml.push_str(&format!("<published>{when}</published>\n"));
        xml.push_str(&format!("<updated>{when}</updated>\n"));
        xml.push_str(&format!(
            "<link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n",
            xml_escape(&format!("{base}{}", e.url))
        ));
        xml.push_str(&format!(
            "<author><name>{}</name></author>\n",
            xml_escape(&e.agency_name)
        ));
        xml.push_str(&format!(
            "<summary>{}</summary>\n",
            xml_escape(&format!(
                "自 {} 起公开。{}",
                chinese_date(e.published_on),
                summary.join("；")
            ))
        ));
        xml.push_str("</entry>\n");
    }
    xml.push_str("</feed>\n");
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .body(xml))
}
