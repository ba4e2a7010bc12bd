//! Files sent to the client as they are read: an attachment (or a released file) is streamed
//! from its content-addressed blob in chunks, never held whole in memory, and hashed on the
//! way. A blob that no longer matches its sha256 (damaged on disk) ends the response with an
//! error, so the client gets a broken transfer instead of a silently wrong file.

use std::io::Read;
use std::path::PathBuf;

use actix_web::body::SizedStream;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::error::{ApiError, ApiResult};

/// How much of a file is read at a time.
const CHUNK: usize = 128 * 1024;

/// A stored file on its way out.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub path: PathBuf,
    pub sha256: String,
    pub size: u64,
    pub filename: String,
    pub content_type: String,
}

impl Outgoing {
    /// The blob of `attachment` under the attachments folder.
    pub fn of(
        dir: &std::path::Path,
        attachment: &gongkai_store::attachments::Attachment,
    ) -> ApiResult<Outgoing> {
        Ok(Outgoing {
            path: gongkai_store::attachments::blob_path(dir, &attachment.sha256)?,
            sha256: attachment.sha256.clone(),
            size: u64::try_from(attachment.size_bytes).unwrap_or(0),
            filename: attachment.filename.clone(),
            content_type: attachment.content_type.clone(),
        })
    }
}

/// `Content-Disposition: attachment` with the name in UTF-8 (RFC 6266 / RFC 5987), so that
/// Chinese names survive, and an ASCII fallback with the same extension for old clients.
pub fn disposition(filename: &str) -> header::ContentDisposition {
    use actix_web::http::header::{
        Charset, ContentDisposition, DispositionParam, DispositionType, ExtendedValue,
    };
    let ext = filename
        .rsplit_once('.')
        .map(|(_, e)| e)
        .filter(|e| !e.is_empty() && e.len() <= 8 && e.bytes().all(|b| b.is_ascii_alphanumeric()))
        .map_or(String::new(), |e| format!(".{e}"));
    ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![
            DispositionParam::Filename(format!("download{ext}")),
            DispositionParam::FilenameExt(ExtendedValue {
                charset: Charset::Ext("UTF-8".to_owned()),
                language_tag: None,
                value: filename.as_bytes().to_vec(),
            }),
        ],
    }
}

struct Reading {
    file: Option<std::fs::File>,
    hasher: Sha256,
    left: u64,
    /// The sha256 the bytes must have; none for a file made for this response.
    expected: Option<String>,
    name: String,
}

fn damaged(what: String) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what)
}

/// Reads the next chunk on a blocking thread; `None` after the last.
async fn next_chunk(mut st: Reading) -> Option<(Result<web::Bytes, std::io::Error>, Reading)> {
    let file = st.file.take()?;
    if st.left == 0 {
        let got = format!("{:x}", std::mem::take(&mut st.hasher).finalize());
        if st.expected.as_ref().is_none_or(|e| *e == got) {
            return None;
        }
        tracing::error!(file = %st.name, "a stored file no longer matches its sha256; transfer aborted");
        return Some((Err(damaged("stored file damaged".to_owned())), st));
    }
    let want = usize::try_from(st.left).map_or(CHUNK, |l| l.min(CHUNK));
    let read = web::block(move || {
        let mut file = file;
        let mut buf = vec![0u8; want];
        let n = file.read(&mut buf)?;
        buf.truncate(n);
        Ok::<_, std::io::Error>((file, buf))
    })
    .await;
    match read {
        Ok(Ok((_, buf))) if buf.is_empty() => {
            tracing::error!(file = %st.name, "a stored file is shorter than recorded; transfer aborted");
            Some((Err(damaged("stored file truncated".to_owned())), st))
        }
        Ok(Ok((file, buf))) => {
            st.hasher.update(&buf);
            st.left -= buf.len() as u64;
            st.file = Some(file);
            Some((Ok(web::Bytes::from(buf)), st))
        }
        Ok(Err(e)) => Some((Err(e), st)),
        Err(e) => Some((Err(std::io::Error::other(e.to_string())), st)),
    }
}

/// The file as a download: its recorded size as Content-Length, its type, `nosniff`, and the
/// bytes streamed from disk.
pub async fn respond(out: Outgoing) -> ApiResult<HttpResponse> {
    let path = out.path.clone();
    let file = web::block(move || std::fs::File::open(&path))
        .await
        .map_err(ApiError::internal)?
        .map_err(|e| ApiError::internal(format!("{}: {e}", out.path.display())))?;
    let reading = Reading {
        file: Some(file),
        hasher: Sha256::new(),
        left: out.size,
        expected: Some(out.sha256.clone()),
        name: out.sha256.clone(),
    };
    let stream = futures_util::stream::unfold(reading, next_chunk);
    Ok(HttpResponse::Ok()
        .content_type(out.content_type.clone())
        .insert_header(disposition(&out.filename))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(SizedStream::new(out.size, Box::pin(stream))))
}

/// A file made for this response (already open, its name already removed from the folder so
/// that it goes when the transfer ends), streamed the same way.
pub fn respond_made(
    file: std::fs::File,
    size: u64,
    filename: &str,
    content_type: &str,
) -> HttpResponse {
    let reading = Reading {
        file: Some(file),
        hasher: Sha256::new(),
        left: size,
        expected: None,
        name: filename.to_owned(),
    };
    let stream = futures_util::stream::unfold(reading, next_chunk);
    HttpResponse::Ok()
        .content_type(content_type.to_owned())
        .insert_header(disposition(filename))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(SizedStream::new(size, Box::pin(stream)))
}

/// Bytes already in memory (a PDF just written) as a download.
pub fn bytes(content_type: &str, filename: &str, body: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type.to_owned())
        .insert_header(disposition(filename))
        .insert_header(("X-Content-Type-Options", "nosniff"))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .body(body)
}
