//! Delivery of a reply's release to the applicant (issue 19, point 3): the released files and
//! the reply letter, reached with the tracking number and query code, from the applicant's
//! account, or through the download link of the reply e-mail. Only what the approved reply
//! released can be reached this way, by the exact sha256 approved; every other file of the
//! case (staff originals, internal papers, the applicant's own uploads) stays behind the
//! staff scope. Each retrieval is recorded (when, which way, a keyed hash of the address);
//! the first retrieval of an electronic release is recorded on the case as its 送达.

use actix_web::web;
use chrono::{NaiveDateTime, Utc};
use gongkai_store::delivery::{self, Download, Via};
use gongkai_store::{DbConnection, attachments, events, execute, outbox};
use gongkai_workflow::model::{Delivery, ReleaseItem};
use gongkai_workflow::{Actor, Case, Command, NoticeKind, Recipient, Role, Status};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::download::Outgoing;
use crate::error::{ApiError, ApiResult};
use crate::service::filing::{self, LookupKey};
use crate::service::{context, notices, visible_case};
use crate::state::{AppState, db};

/// Who asks for a released file or the reply letter.
pub enum Holder {
    /// The tracking number (or filing reference) and query code.
    Code(LookupKey),
    /// A signed-in applicant, for their request `case_id`.
    Account(Box<Caller>, String),
    /// The token of the reply e-mail's download link.
    Link(String),
}

impl Holder {
    fn via(&self) -> Via {
        match self {
            Holder::Code(_) => Via::Lookup,
            Holder::Account(..) => Via::Account,
            Holder::Link(_) => Via::Link,
        }
    }
}

/// A case reached by its applicant.
struct Reached {
    id: String,
    case: Case,
}

/// The case `holder` holds, or 404 (an unknown, wrong or expired key alike).
fn reach(conn: &mut DbConnection, holder: &Holder, now: NaiveDateTime) -> ApiResult<Reached> {
    let (id, history) = match holder {
        Holder::Code(key) => {
            let found = filing::find_by_code(conn, key)?;
            (found.id, found.events)
        }
        Holder::Account(c, id) => {
            if c.role() != Role::Applicant {
                return Err(ApiError::not_found());
            }
            let row = visible_case(conn, c, id)?;
            let history = events::load(conn, &row.id)?;
            (row.id, history)
        }
        Holder::Link(token) => {
            let (id, _) = delivery::link_case(conn, token, now)?.ok_or_else(ApiError::not_found)?;
            let history = events::load(conn, &id)?;
            (id, history)
        }
    };
    Ok(Reached {
        id,
        case: Case::from_events(&history),
    })
}

/// The release of the approved reply; empty while the reply is not out.
pub fn released(case: &Case) -> &[ReleaseItem] {
    match &case.reply {
        Some(r) if !case.status.is_open() => &r.release,
        _ => &[],
    }
}

/// Records a retrieval of case `r`, and its first retrieval of an electronic reply as the
/// reply's 送达 (网上获取 by any way; 电子邮件 through the mail's link). A failure to record the
/// delivery (the case moved on meanwhile) leaves the download as it is.
fn record(
    conn: &mut DbConnection,
    state: &AppState,
    r: &Reached,
    attachment: Option<&str>,
    via: Via,
    address: &str,
) -> ApiResult<()> {
    delivery::record(
        conn,
        &r.id,
        attachment,
        via,
        address,
        Utc::now().naive_utc(),
    )?;
    let chosen = r.case.request.as_ref().map(|q| q.delivery);
    let electronic = match (chosen, via) {
        (Some(Delivery::Online), _) => Some(Delivery::Online),
        (Some(Delivery::Email), Via::Link) => Some(Delivery::Email),
        _ => None,
    };
    if let Some(method) = electronic
        && r.case.status == Status::Replied
        && r.case.delivered.is_none()
    {
        let law = state.law();
        let ctx = context(&law, Actor::system());
        match execute(
            conn,
            &r.id,
            r.case.version,
            Command::RecordDelivery {
                method,
                delivered_on: None,
            },
            &ctx,
        ) {
            Ok(_) => tracing::info!(case = %r.id, "first retrieval recorded as delivery"),
            Err(e) => {
                tracing::info!(case = %r.id, error = %e, "retrieval not recorded as delivery")
            }
        }
    }
    Ok(())
}

/// Released file `attachment` of the case `holder` holds, ready to stream; 404 for anything
/// the approved reply did not release (or released with other contents).
pub async fn file(
    state: &web::Data<AppState>,
    holder: Holder,
    attachment: String,
    address: String,
) -> ApiResult<Outgoing> {
    db(state, move |conn, state| {
        let r = reach(conn, &holder, Utc::now().naive_utc())?;
        let approved = released(&r.case)
            .iter()
            .filter_map(ReleaseItem::file)
            .find(|f| f.attachment == attachment)
            .ok_or_else(ApiError::not_found)?;
        let meta = attachments::of_known_case(conn, &r.id, &attachment)?
            .filter(|m| m.sha256 == approved.sha256)
            .ok_or_else(ApiError::not_found)?;
        record(conn, state, &r, Some(&meta.id), holder.via(), &address)?;
        Outgoing::of(&state.settings.attachments_dir, &meta)
    })
    .await
}

/// The reply letter of the case `holder` holds, as PDF with its file name; 404 before the
/// reply is out.
pub async fn letter(
    state: &web::Data<AppState>,
    holder: Holder,
    address: String,
) -> ApiResult<(Vec<u8>, String)> {
    let (letter, name) = db(state, move |conn, state| {
        let r = reach(conn, &holder, Utc::now().naive_utc())?;
        if r.case.status.is_open() || r.case.reply.is_none() {
            return Err(ApiError::not_found());
        }
        let row = reply_notice(conn, &r.id)?.ok_or_else(ApiError::not_found)?;
        let out = notices::letter(conn, state, row)?;
        record(conn, state, &r, None, holder.via(), &address)?;
        Ok(out)
    })
    .await?;
    Ok((notices::pdf_of(state, letter).await?, name))
}

/// The latest reply notice to the applicant of case `id`.
fn reply_notice(conn: &mut DbConnection, id: &str) -> ApiResult<Option<outbox::OutboxRow>> {
    Ok(outbox::of_known_case(conn, id)?
        .into_iter()
        .rev()
        .find(|n| {
            serde_json::from_str::<NoticeKind>(&n.notice_kind)
                .is_ok_and(|k| matches!(k, NoticeKind::Reply(_)))
                && serde_json::from_str::<Recipient>(&n.recipient)
                    .is_ok_and(|r| r == Recipient::Applicant)
        }))
}

/// What a download link page shows: the request's number, the letter and the released items.
pub struct LinkView {
    pub tracking_number: String,
    pub expires_at: NaiveDateTime,
    pub release: Vec<ReleaseItem>,
}

/// The release a download link opens; 404 for an unknown or expired token.
pub async fn link(state: &web::Data<AppState>, token: String) -> ApiResult<LinkView> {
    db(state, move |conn, _| {
        let now = Utc::now().naive_utc();
        let (id, expires_at) =
            delivery::link_case(conn, &token, now)?.ok_or_else(ApiError::not_found)?;
        let case = Case::from_events(&events::load(conn, &id)?);
        if case.status.is_open() {
            return Err(ApiError::not_found());
        }
        Ok(LinkView {
            tracking_number: case.tracking_number.clone().unwrap_or_default(),
            expires_at,
            release: released(&case).to_vec(),
        })
    })
    .await
}

/// How a retrieval came, in Chinese.
pub fn via_label(code: &str) -> &'static str {
    Via::label_zh(code)
}

/// One retrieval, as staff see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RetrievalView {
    /// The released file; absent for the reply letter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attachment: Option<String>,
    /// lookup, account or link.
    pub via: String,
    /// A keyed hash of the client's address (the address itself is not stored).
    pub address_hash: String,
    pub at: chrono::DateTime<Utc>,
}

/// The retrievals of a case's release.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Retrievals {
    /// The first retrieval: the electronic 送达 of a 网上获取 reply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_at: Option<chrono::DateTime<Utc>>,
    /// All of them, the first first (at most 200; `total` counts all).
    pub items: Vec<RetrievalView>,
    pub total: i64,
}

impl From<Download> for RetrievalView {
    fn from(d: Download) -> RetrievalView {
        RetrievalView {
            attachment: d.attachment_id,
            via: d.via,
            address_hash: d.address_hash,
            at: d.downloaded_at.and_utc(),
        }
    }
}

/// The retrievals of case `id` (staff who see the case).
pub(crate) fn retrievals_of(conn: &mut DbConnection, id: &str) -> ApiResult<Retrievals> {
    let (rows, total) = delivery::downloads(conn, id, 200)?;
    let items: Vec<RetrievalView> = rows.into_iter().map(RetrievalView::from).collect();
    Ok(Retrievals {
        first_at: items.first().map(|i| i.at),
        items,
        total,
    })
}

/// [`retrievals_of`] for a staff caller who sees the case; 404 otherwise.
pub async fn retrievals(
    state: &web::Data<AppState>,
    c: Caller,
    id: String,
) -> ApiResult<Retrievals> {
    db(state, move |conn, _| {
        let row = visible_case(conn, &c, &id)?;
        <crate::auth::Staff as crate::auth::RoleClass>::of(c)?;
        retrievals_of(conn, &row.id)
    })
    .await
}

/// What goes into a print package before the letter is written as PDF.
struct PackageParts {
    letter: gongkai_documents::Letter,
    /// Each released electronic file: (its name in the package, the stored file).
    files: Vec<(String, Outgoing)>,
    /// The list of what was provided, one line per item.
    list: Vec<String>,
    tracking_number: String,
}

/// A name safe in a ZIP on every system: no path separators or control characters.
fn entry_name(n: usize, title: &str, ext: &str) -> String {
    let clean: String = title
        .chars()
        .filter(|c| {
            !c.is_control() && !matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
        })
        .take(60)
        .collect();
    format!("{n:02} {}{ext}", clean.trim())
}

/// The print package of case `id` (staff who see it): the reply letter as PDF, each released
/// electronic file as approved (checked against its sha256 as it is copied) and a list of
/// everything provided, in one ZIP for 邮寄 and 当面领取. The ZIP is written to a file whose
/// name is removed at once, so it lives only as long as the transfer.
pub async fn package(
    state: &web::Data<AppState>,
    c: Caller,
    id: String,
) -> ApiResult<(std::fs::File, u64, String)> {
    let parts = db(state, move |conn, state| {
        let row = visible_case(conn, &c, &id)?;
        <crate::auth::Staff as crate::auth::RoleClass>::of(c)?;
        let case = Case::from_events(&events::load(conn, &row.id)?);
        if case.status.is_open() || case.reply.is_none() {
            return Err(ApiError::from(gongkai_workflow::Rejection::new(
                gongkai_workflow::RejectionCode::WrongStatus,
                "答复尚未审核通过，还没有可打印的答复书",
            )));
        }
        let notice = reply_notice(conn, &row.id)?.ok_or_else(ApiError::not_found)?;
        let (letter, _) = notices::letter(conn, state, notice)?;
        let mut files = Vec::new();
        let mut list = Vec::new();
        for (i, item) in released(&case).iter().enumerate() {
            list.push(format!("{}. {}", i + 1, item.describe_zh()));
            let Some(f) = item.file() else { continue };
            let meta = attachments::of_known_case(conn, &row.id, &f.attachment)?
                .filter(|m| m.sha256 == f.sha256)
                .ok_or_else(|| {
                    ApiError::internal(format!("released file {} is missing", f.attachment))
                })?;
            let ext = meta
                .filename
                .rsplit_once('.')
                .map(|(_, e)| format!(".{e}"))
                .unwrap_or_default();
            let name = entry_name(files.len() + 2, item.title(), &ext);
            files.push((name, Outgoing::of(&state.settings.attachments_dir, &meta)?));
        }
        Ok(PackageParts {
            letter,
            files,
            list,
            tracking_number: case.tracking_number.clone().unwrap_or_default(),
        })
    })
    .await?;
    let pdf = notices::pdf_of(state, parts.letter).await?;
    let dir = state.settings.attachments_dir.join(".incoming");
    let name = format!("答复打印包-{}.zip", parts.tracking_number);
    let (file, size) = web::block(move || write_package(&dir, &pdf, &parts.files, &parts.list))
        .await
        .map_err(ApiError::internal)??;
    Ok((file, size, name))
}

fn write_package(
    dir: &std::path::Path,
    letter: &[u8],
    files: &[(String, Outgoing)],
    list: &[String],
) -> ApiResult<(std::fs::File, u64)> {
    use std::io::{Read, Seek, Write};
    use zip::write::SimpleFileOptions;
    let io = |e: std::io::Error| ApiError::internal(format!("print package: {e}"));
    let zerr = |e: zip::result::ZipError| ApiError::internal(format!("print package: {e}"));
    std::fs::create_dir_all(dir).map_err(io)?;
    let path = dir.join(format!("package-{}.zip", uuid::Uuid::now_v7()));
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(io)?;
    // The open handle keeps the bytes; nothing is left behind, whatever happens next.
    std::fs::remove_file(&path).map_err(io)?;
    let opts = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(true);
    let mut zip = zip::ZipWriter::new(file);
    zip.start_file("01 答复书.pdf", opts).map_err(zerr)?;
    zip.write_all(letter).map_err(io)?;
    for (name, out) in files {
        zip.start_file(name.as_str(), opts).map_err(zerr)?;
        let mut src = std::fs::File::open(&out.path).map_err(io)?;
        let mut hasher = <sha2::Sha256 as sha2::Digest>::new();
        let mut buf = vec![0u8; 128 * 1024];
        loop {
            let n = src.read(&mut buf).map_err(io)?;
            if n == 0 {
                break;
            }
            sha2::Digest::update(&mut hasher, &buf[..n]);
            zip.write_all(&buf[..n]).map_err(io)?;
        }
        if format!("{:x}", sha2::Digest::finalize(hasher)) != out.sha256 {
            return Err(ApiError::internal(format!(
                "released file {} no longer matches its sha256",
                out.filename
            )));
        }
    }
    zip.start_file("00 提供信息清单.txt", opts).map_err(zerr)?;
    let mut text = String::from("提供的信息\r\n\r\n");
    for line in list {
        text.push_str(line);
        text.push_str("\r\n");
    }
    zip.write_all(text.as_bytes()).map_err(io)?;
    let mut file = zip.finish().map_err(zerr)?;
    let size = file.seek(std::io::SeekFrom::End(0)).map_err(io)?;
    file.rewind().map_err(io)?;
    Ok((file, size))
}
