//! Attachments: the bytes content-addressed by sha256 under the data folder, the metadata in
//! the database. The same file attached twice is stored once.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use gongkai_workflow::Status;
use sha2::{Digest, Sha256};

use crate::db::{DbConnection, write_transaction};
use crate::error::{StoreError, StoreResult};
use crate::events::to_micros;
use crate::schema::{attachments, cases};
use crate::typed::Stored;

/// What may be uploaded (from the settings).
#[derive(Debug, Clone)]
pub struct Limits {
    pub max_bytes: u64,
    /// Allowed MIME types, e.g. "application/pdf".
    pub content_types: Vec<String>,
    /// All the files of one case, whoever uploaded them.
    pub per_case: Quota,
    /// The files one applicant account uploads to one case.
    pub per_applicant: Quota,
}

impl Default for Limits {
    /// The defaults of config/default.toml.
    fn default() -> Limits {
        Limits {
            max_bytes: 20 * 1024 * 1024,
            content_types: vec!["application/pdf".to_owned(), "text/plain".to_owned()],
            per_case: Quota {
                files: 50,
                bytes: 200 * 1024 * 1024,
            },
            per_applicant: Quota {
                files: 10,
                bytes: 50 * 1024 * 1024,
            },
        }
    }
}

/// How many files, and how many bytes in all, may accumulate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub files: u64,
    pub bytes: u64,
}

/// The limit an upload would pass (the `which` of [`StoreError::QuotaExceeded`]).
pub const QUOTA_CASE_FILES: &str = "case_files";
pub const QUOTA_CASE_BYTES: &str = "case_bytes";
pub const QUOTA_APPLICANT_FILES: &str = "applicant_files";
pub const QUOTA_APPLICANT_BYTES: &str = "applicant_bytes";

/// An upload on its way in: its bytes go to a temporary file in the attachments folder as
/// they arrive, hashed on the way, so that no upload is ever held whole in memory.
#[derive(Debug)]
pub struct Spool {
    file: std::io::BufWriter<std::fs::File>,
    path: Option<PathBuf>,
    hasher: Sha256,
    size: u64,
    max_bytes: u64,
}

/// Removes what uploads left under `dir/.incoming` when the process that received them was
/// killed (a running upload removes its own file): files older than `age`. The number removed.
pub fn sweep_incoming(dir: &Path, age: std::time::Duration) -> StoreResult<usize> {
    let incoming = dir.join(".incoming");
    let entries = match std::fs::read_dir(&incoming) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(StoreError::Io(format!("{}: {e}", incoming.display()))),
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|elapsed| elapsed >= age);
        if old
            && entry.file_name().to_string_lossy().starts_with("upload-")
            && std::fs::remove_file(entry.path()).is_ok()
        {
            removed += 1;
        }
    }
    Ok(removed)
}

impl Spool {
    /// A new temporary file under `dir/.incoming` (the same file system as the stored files,
    /// so that it can be renamed into place). Anything more than `max_bytes` is refused.
    pub fn create(dir: &Path, max_bytes: u64) -> StoreResult<Spool> {
        let incoming = dir.join(".incoming");
        let io = |e: std::io::Error| StoreError::Io(format!("{}: {e}", incoming.display()));
        std::fs::create_dir_all(&incoming).map_err(io)?;
        let path = incoming.join(format!("upload-{}", uuid::Uuid::now_v7().simple()));
        let file = std::fs::File::create_new(&path).map_err(io)?;
        Ok(Spool {
            file: std::io::BufWriter::with_capacity(64 * 1024, file),
            path: Some(path),
            hasher: Sha256::new(),
            size: 0,
            max_bytes,
        })
    }

    /// Appends a chunk; past `max_bytes` the upload is refused (and the file removed on drop).
    pub fn write(&mut self, chunk: &[u8]) -> StoreResult<()> {
        let size = self.size.saturating_add(chunk.len() as u64);
        if size > self.max_bytes {
            return Err(StoreError::TooLarge {
                size,
                limit: self.max_bytes,
            });
        }
        self.hasher.update(chunk);
        self.file.write_all(chunk).map_err(|e| self.io(e))?;
        self.size = size;
        Ok(())
    }

    /// Bytes received so far.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The whole upload, on disk (synced) with its hash.
    pub fn finish(mut self) -> StoreResult<Spooled> {
        self.file.flush().map_err(|e| self.io(e))?;
        self.file.get_ref().sync_all().map_err(|e| self.io(e))?;
        let sha256 = format!("{:x}", std::mem::take(&mut self.hasher).finalize());
        Ok(Spooled {
            path: self.path.take(),
            sha256,
            size: self.size,
        })
    }

    fn io(&self, e: std::io::Error) -> StoreError {
        let shown = self.path.as_deref().unwrap_or(Path::new("")).display();
        StoreError::Io(format!("{shown}: {e}"))
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// A received upload: a temporary file and its sha256. Removed when dropped unless [`store`]
/// moved it into place.
#[derive(Debug)]
pub struct Spooled {
    path: Option<PathBuf>,
    sha256: String,
    size: u64,
}

impl Spooled {
    pub fn size(&self) -> u64 {
        self.size
    }

    pub fn sha256(&self) -> &str {
        &self.sha256
    }
}

impl Drop for Spooled {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Who uploads what to which case.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    pub case_id: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub uploaded_by: &'a str,
    /// An applicant's upload also counts against [`Limits::per_applicant`].
    pub applicant: bool,
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

/// The longest file name an attachment may have, in characters.
pub const MAX_FILENAME_CHARS: usize = 200;

fn check_filename(name: &str) -> StoreResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(StoreError::invalid("filename", "文件没有名称"));
    }
    if name.chars().count() > MAX_FILENAME_CHARS {
        return Err(StoreError::invalid(
            "filename",
            format!("文件名最长 {MAX_FILENAME_CHARS} 个字符，请改短后再上传"),
        ));
    }
    if name.contains(['/', '\\'])
        || name == "."
        || name == ".."
        || name.chars().any(char::is_control)
    {
        return Err(StoreError::invalid(
            "filename",
            "文件名不能含有路径分隔符（/ 或 \\）或控制字符",
        ));
    }
    Ok(name.to_owned())
}

/// The name and type of an upload, checked before its bytes are read: the name as stored
/// (trimmed) and the type in lower case.
pub fn check(limits: &Limits, filename: &str, content_type: &str) -> StoreResult<(String, String)> {
    let filename = check_filename(filename)?;
    let content_type = content_type.trim().to_ascii_lowercase();
    if !limits.content_types.iter().any(|t| t == &content_type) {
        return Err(StoreError::invalid(
            "content_type",
            format!(
                "不接受此类文件（{content_type}）；可上传的类型：{}",
                limits.content_types.join("、")
            ),
        ));
    }
    Ok((filename, content_type))
}

/// Stores `bytes` for a case and records them (as staff: [`store`] with `applicant: false`).
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
    let mut spool = Spool::create(dir, limits.max_bytes)?;
    spool.write(bytes)?;
    let upload = Upload {
        case_id,
        filename,
        content_type,
        uploaded_by,
        applicant: false,
    };
    store(conn, dir, limits, &upload, spool.finish()?)
}

/// Records a received upload for an open case and moves its file into its content-addressed
/// place. The limits are checked and the row written in one transaction that holds the case
/// (SQLite: the write lock; PostgreSQL: the case's row, locked first as every writer of a case
/// does), so two uploads at once cannot both pass a limit.
pub fn store(
    conn: &mut DbConnection,
    dir: &Path,
    limits: &Limits,
    upload: &Upload<'_>,
    mut spooled: Spooled,
) -> StoreResult<Attachment> {
    let (filename, content_type) = check(limits, upload.filename, upload.content_type)?;
    if spooled.size == 0 {
        return Err(StoreError::invalid("file", "文件是空的，请重新选择"));
    }
    if spooled.size > limits.max_bytes {
        return Err(StoreError::TooLarge {
            size: spooled.size,
            limit: limits.max_bytes,
        });
    }
    let size = spooled.size;
    let sha256 = spooled.sha256.clone();
    let path = blob_path(dir, &sha256)?;
    write_transaction(conn, |conn| {
        let status: Option<Stored<Status>> = diesel::update(cases::table)
            .filter(cases::id.eq(upload.case_id))
            .set(cases::version.eq(cases::version))
            .returning(cases::status)
            .get_result(conn)
            .optional()?;
        let Some(Stored(status)) = status else {
            return Err(StoreError::NotFound(format!("case {}", upload.case_id)));
        };
        if !status.is_open() {
            return Err(StoreError::CaseClosed { status });
        }
        let of_case = attachments::table.filter(attachments::case_id.eq(upload.case_id));
        let used = |conn: &mut DbConnection, by: Option<&str>| -> StoreResult<(u64, u64)> {
            let totals = (
                diesel::dsl::count_star(),
                diesel::dsl::sql::<BigInt>("CAST(COALESCE(SUM(size_bytes), 0) AS BIGINT)"),
            );
            let (files, bytes): (i64, i64) = match by {
                Some(user) => of_case
                    .filter(attachments::uploaded_by.eq(user))
                    .select(totals)
                    .first(conn)?,
                None => of_case.select(totals).first(conn)?,
            };
            Ok((
                u64::try_from(files).unwrap_or(0),
                u64::try_from(bytes).unwrap_or(0),
            ))
        };
        let within =
            |(files, bytes): (u64, u64), quota: Quota, keys: (&'static str, &'static str)| {
                if files.saturating_add(1) > quota.files {
                    return Err(StoreError::QuotaExceeded {
                        which: keys.0,
                        limit: quota.files,
                    });
                }
                if bytes.saturating_add(size) > quota.bytes {
                    return Err(StoreError::QuotaExceeded {
                        which: keys.1,
                        limit: quota.bytes,
                    });
                }
                Ok(())
            };
        within(
            used(conn, None)?,
            limits.per_case,
            (QUOTA_CASE_FILES, QUOTA_CASE_BYTES),
        )?;
        if upload.applicant {
            within(
                used(conn, Some(upload.uploaded_by))?,
                limits.per_applicant,
                (QUOTA_APPLICANT_FILES, QUOTA_APPLICANT_BYTES),
            )?;
        }
        let row = Attachment {
            id: uuid::Uuid::now_v7().to_string(),
            case_id: upload.case_id.to_owned(),
            sha256: sha256.clone(),
            filename: filename.clone(),
            content_type: content_type.clone(),
            size_bytes: i64::try_from(size).unwrap_or(i64::MAX),
            uploaded_by: upload.uploaded_by.to_owned(),
            uploaded_at: to_micros(Utc::now().naive_utc()),
        };
        diesel::insert_into(attachments::table)
            .values(&row)
            .execute(conn)?;
        // Into place before the commit: a row never names a file that is not there. The same
        // bytes stored before are replaced by an identical copy (which also repairs a copy
        // damaged on disk); a failed commit leaves an unreferenced file, never a broken row.
        if let Some(tmp) = spooled.path.as_deref() {
            let io = |e: std::io::Error| StoreError::Io(format!("{}: {e}", path.display()));
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(io)?;
            }
            std::fs::rename(tmp, &path).map_err(io)?;
            spooled.path = None;
        }
        Ok(row)
    })
}

/// The files of case `case_id`, oldest first, if the case lies within `scope` (else none).
pub fn list(
    conn: &mut DbConnection,
    scope: &crate::Scope,
    case_id: &str,
) -> StoreResult<Vec<Attachment>> {
    if crate::queries::case_row(conn, scope, case_id)?.is_none() {
        return Ok(Vec::new());
    }
    Ok(attachments::table
        .filter(attachments::case_id.eq(case_id))
        .order(attachments::uploaded_at.asc())
        .select(Attachment::as_select())
        .load(conn)?)
}

/// The file `id`, if its case lies within `scope`.
pub fn get(
    conn: &mut DbConnection,
    scope: &crate::Scope,
    id: &str,
) -> StoreResult<Option<Attachment>> {
    let found: Option<Attachment> = attachments::table
        .find(id)
        .select(Attachment::as_select())
        .first(conn)
        .optional()?;
    match found {
        Some(a) if crate::queries::case_row(conn, scope, &a.case_id)?.is_some() => Ok(Some(a)),
        _ => Ok(None),
    }
}

/// The file `id` of case `case_id`, for a caller that has already established its right to
/// the case (the service checks the case first, then asks for the file within it).
pub fn of_known_case(
    conn: &mut DbConnection,
    case_id: &str,
    id: &str,
) -> StoreResult<Option<Attachment>> {
    Ok(attachments::table
        .find(id)
        .filter(attachments::case_id.eq(case_id))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abandoned_upload_files_are_swept_and_nothing_else() {
        let dir = std::env::temp_dir().join(format!("gongkai-sweep-{}", uuid::Uuid::now_v7()));
        assert_eq!(sweep_incoming(&dir, std::time::Duration::ZERO).unwrap(), 0);
        let spool = Spool::create(&dir, 10).unwrap();
        std::fs::write(dir.join(".incoming/keep.txt"), b"x").unwrap();
        // A young file stays (an upload may be running on another node)...
        assert_eq!(
            sweep_incoming(&dir, std::time::Duration::from_secs(3600)).unwrap(),
            0
        );
        // ...an old one goes; what is not an upload stays.
        std::mem::forget(spool);
        assert_eq!(sweep_incoming(&dir, std::time::Duration::ZERO).unwrap(), 1);
        assert!(dir.join(".incoming/keep.txt").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
