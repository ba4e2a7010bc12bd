//! Files of a case: who may upload (and when), receiving an upload without holding it in
//! memory, storing it within the limits, listing and reading files.

use actix_web::web;
use gongkai_store::attachments::{self, Attachment};
use gongkai_store::{StoreError, queries};
use gongkai_workflow::Role;

use super::visible_case;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::state::{AppState, db};

/// Whether `c` may upload to case `id` now (it sees the case and the case is open): asked
/// before the bytes are read, and again when they are stored.
pub async fn may_upload(state: &web::Data<AppState>, c: &Caller, id: &str) -> ApiResult<()> {
    let (c, id) = (c.clone(), id.to_owned());
    db(state, move |conn, _| {
        let row = visible_case(conn, &c, &id)?;
        if row.status.is_open() {
            Ok(())
        } else {
            Err(StoreError::CaseClosed { status: row.status }.into())
        }
    })
    .await
}

/// Bytes of an upload gathered before they are written out (the most held in memory per
/// upload, with the chunk in hand).
const SPOOL_BATCH_BYTES: usize = 64 * 1024;

/// Receives an upload into a temporary file in the attachments folder, hashed on the way:
/// never more than [`SPOOL_BATCH_BYTES`] in memory, written on the blocking pool, and no
/// thread held while the client is slow to send. Past `attachments.max_bytes` it answers 413
/// (after reading the rest without keeping it when `drain`, so that a browser sees the
/// answer); the temporary file is removed whenever the upload is not stored.
pub async fn spool<S, E>(
    state: &web::Data<AppState>,
    mut body: S,
    drain: bool,
) -> ApiResult<attachments::Spooled>
where
    S: futures_util::Stream<Item = Result<web::Bytes, E>> + Unpin,
    E: std::fmt::Display,
{
    use futures_util::StreamExt;
    let dir = state.settings.attachments_dir.clone();
    let max = state.settings.attachment_limits.max_bytes;
    let mut file = web::block(move || attachments::Spool::create(&dir, max))
        .await
        .map_err(ApiError::internal)??;
    let mut batch: Vec<u8> = Vec::with_capacity(SPOOL_BATCH_BYTES);
    let mut received: u64 = 0;
    let unreadable = |e: &dyn std::fmt::Display| {
        ApiError::new(ErrorCode::MalformedBody, format!("无法读取上传的文件：{e}"))
    };
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| unreadable(&e))?;
        received = received.saturating_add(chunk.len() as u64);
        if received > max {
            drop(file);
            if drain {
                while let Some(rest) = body.next().await {
                    rest.map_err(|e| unreadable(&e))?;
                }
            }
            return Err(ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("文件超过 {max} 字节的上限"),
            ));
        }
        batch.extend_from_slice(&chunk);
        if batch.len() >= SPOOL_BATCH_BYTES {
            let (f, b) = web::block(move || {
                file.write(&batch)?;
                batch.clear();
                Ok::<_, StoreError>((file, batch))
            })
            .await
            .map_err(ApiError::internal)??;
            (file, batch) = (f, b);
        }
    }
    Ok(web::block(move || {
        file.write(&batch)?;
        file.finish()
    })
    .await
    .map_err(ApiError::internal)??)
}

/// Refuses a file type the settings do not accept (415, naming the accepted ones).
pub fn accepted_type(limits: &attachments::Limits, content_type: &str) -> ApiResult<()> {
    if limits.content_types.iter().any(|t| t == content_type) {
        return Ok(());
    }
    Err(ApiError::new(
        ErrorCode::UnsupportedMediaType,
        format!(
            "不接受类型为“{content_type}”的文件；可上传：{}",
            limits.content_types.join(", ")
        ),
    ))
}

/// Stores a file uploaded by `c` to case `id`, if `c` may see the case and it is open, within
/// the limits on the case's files (and, for an applicant, on their own files of the case).
pub async fn store_attachment(
    state: &web::Data<AppState>,
    c: Caller,
    id: String,
    filename: String,
    content_type: String,
    file: attachments::Spooled,
) -> ApiResult<Attachment> {
    db(state, move |conn, state| {
        let row = visible_case(conn, &c, &id)?;
        let file_of = attachments::Upload {
            case_id: &row.id,
            filename: &filename,
            content_type: &content_type,
            uploaded_by: &c.user.id,
            applicant: c.role() == Role::Applicant,
        };
        Ok(attachments::store(
            conn,
            &state.settings.attachments_dir,
            &state.settings.attachment_limits,
            &file_of,
            file,
        )?)
    })
    .await
}

/// The files of case `id` that `c` may see: staff every file of a case they see; applicants
/// the files they uploaded themselves (staff papers — drafts, letters to third parties — stay
/// internal).
pub async fn list(
    state: &web::Data<AppState>,
    c: Caller,
    id: String,
) -> ApiResult<Vec<Attachment>> {
    db(state, move |conn, _| {
        let row = visible_case(conn, &c, &id)?;
        let mut files = attachments::list(conn, &c.scope(), &row.id)?;
        if c.role() == Role::Applicant {
            files.retain(|f| f.uploaded_by == c.user.id);
        }
        Ok(files)
    })
    .await
}

/// The file `id`, ready to stream, if `c` may see it (by the rule of [`list`]).
pub async fn read(
    state: &web::Data<AppState>,
    c: Caller,
    id: String,
) -> ApiResult<crate::download::Outgoing> {
    db(state, move |conn, state| {
        let meta = attachments::get(conn, &c.scope(), &id)?.ok_or_else(ApiError::not_found)?;
        queries::case_row(conn, &c.scope(), &meta.case_id)?
            .filter(|_| c.role() != Role::Applicant || meta.uploaded_by == c.user.id)
            .ok_or_else(ApiError::not_found)?;
        crate::download::Outgoing::of(&state.settings.attachments_dir, &meta)
    })
    .await
}

/// Checks an upload's name and type before a byte of it is read: a type the settings do not
/// accept is 415; a name the store would refuse is 422.
pub fn check_upload(
    limits: &attachments::Limits,
    filename: &str,
    content_type: &str,
) -> ApiResult<()> {
    accepted_type(limits, content_type)?;
    attachments::check(limits, filename, content_type)?;
    Ok(())
}
