//! Attachments: the bytes content-addressed by sha256 under the data folder, the metadata in
//! the database. The same file attached twice is stored once.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::events::to_micros;
use crate::schema::{attachments, cases};

/// What may be uploaded (from the settings).
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_bytes: u64,
    /// Allowed MIME types, e.g. "application/pdf".
    pub content_types: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = attachments)]
pub struct Attachment {
    pub id: String,
    pub case_id: String,
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size_bytes: i64,
    pub uploaded_by: String,
    pub uploaded_at: NaiveDateTime,
}

/// Where the bytes of `sha256` live under `dir`: two levels of fan-out. Anything but 64
/// lowercase hex digits (a row altered in the database) is refused, so no stored value can
/// point outside `dir`.
pub fn blob_path(dir: &Path, sha256: &str) -> StoreResult<PathBuf> {
    if sha256.len() != 64
        || !sha256
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(StoreError::Corrupt(format!(
            "attachment hash \"{}\" is not a sha256",
            sha256.escape_debug()
        )));
    }
    let (a, rest) = sha256.split_at(2);
    Ok(dir.join(a).join(rest))
}

fn digest(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

fn check_filename(name: &str) -> StoreResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::Invalid(
            "filename: the file has no name".to_owned(),
        ));
    }
    if name.chars().count() > 200 {
        return Err(StoreError::Invalid(
            "filename: longer than 200 characters".to_owned(),
        ));
    }
    if name.contains(['/', '\\'])
        || name == "."
        || name == ".."
        || name.chars().any(char::is_control)
    {
        return Err(StoreError::Invalid(format!(
            "filename: \"{}\" must be a plain file name, without folders or control characters",
            name.escape_debug()
        )));
    }
    Ok(name.to_owned())
}

/// Stores `bytes` for a case and records them.
#[allow(clippy::too_many_arguments)]
pub fn save(
    conn: &mut DbConnection,
    dir: &Path,
    limits: &Limits,
    case_id: &str,
    filename: &str,
    content_type: &str,
    bytes: &[u8],
    uploaded_by: &str,
) -> StoreResult<Attachment> {
    let filename = check_filename(filename)?;
    if bytes.is_empty() {
        return Err(StoreError::Invalid("file: the file is empty".to_owned()));
    }
    if bytes.len() as u64 > limits.max_bytes {
        return Err(StoreError::TooLarge {
            size: bytes.len() as u64,
            limit: limits.max_bytes,
        });
    }
    let content_type = content_type.trim().to_ascii_lowercase();
    if !limits.content_types.iter().any(|t| t == &content_type) {
        return Err(StoreError::Invalid(format!(
            "content_type: \"{content_type}\" is not accepted (accepted: {})",
            limits.content_types.join(", ")
        )));
    }
    let exists = cases::table.find(case_id).count().get_result::<i64>(conn)?;
    if exists == 0 {
        return Err(StoreError::NotFound(format!("case {case_id}")));
    }
    let sha256 = digest(bytes);
    let path = blob_path(dir, &sha256)?;
    // Reuse a stored copy only if it is still intact; otherwise write it again.
    let intact = std::fs::read(&path).is_ok_and(|stored| digest(&stored) == sha256);
    if !intact {
        write_atomically(&path, bytes)?;
    }
    let row = Attachment {
        id: uuid::Uuid::now_v7().to_string(),
        case_id: case_id.to_owned(),
        sha256,
        filename,
        content_type,
        size_bytes: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
        uploaded_by: uploaded_by.to_owned(),
        uploaded_at: to_micros(Utc::now().naive_utc()),
    };
    diesel::insert_into(attachments::table)
        .values(&row)
        .execute(conn)?;
    Ok(row)
}

/// Writes to a temporary file in the same folder, syncs it, then renames it into place, so a
/// reader never sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> StoreResult<()> {
    let io = |e: std::io::Error| StoreError::Io(format!("{}: {e}", path.display()));
    let parent = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(io)?;
    let tmp = parent.join(format!(".upload-{}", uuid::Uuid::now_v7().simple()));
    let mut f = std::fs::File::create(&tmp).map_err(io)?;
    f.write_all(bytes).map_err(io)?;
    f.sync_all().map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)?;
    Ok(())
}

pub fn list(conn: &mut DbConnection, case_id: &str) -> StoreResult<Vec<Attachment>> {
    Ok(attachments::table
        .filter(attachments::case_id.eq(case_id))
        .order(attachments::uploaded_at.asc())
        .select(Attachment::as_select())
        .load(conn)?)
}

pub fn get(conn: &mut DbConnection, id: &str) -> StoreResult<Option<Attachment>> {
    Ok(attachments::table
        .find(id)
        .select(Attachment::as_select())
        .first(conn)
        .optional()?)
}

/// Reads an attachment's bytes back, checking they still match their hash.
pub fn read(dir: &Path, attachment: &Attachment) -> StoreResult<Vec<u8>> {
    let path = blob_path(dir, &attachment.sha256)?;
    let bytes =
        std::fs::read(&path).map_err(|e| StoreError::Io(format!("{}: {e}", path.display())))?;
    if digest(&bytes) != attachment.sha256 {
        return Err(StoreError::Corrupt(format!(
            "attachment {} ({}) no longer matches its sha256",
            attachment.id, attachment.filename
        )));
    }
    Ok(bytes)
}
