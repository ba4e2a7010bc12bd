//! The store's errors. A workflow rejection passes through unchanged, with its code.

use gongkai_workflow::{Rejection, Status};

use crate::typed::OutboxStatus;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The case changed since the caller read it (stale expected version), or another writer
    /// won the race for the same version.
    #[error("conflict: the case is at version {actual}, not {expected}; reload and try again")]
    Conflict { expected: u64, actual: u64 },
    /// The workflow refused the command.
    #[error("{0}")]
    Rejected(Rejection),
    #[error("not found: {0}")]
    NotFound(String),
    /// A record with the same key exists already (a username, an agency code): the field
    /// holding the key and, in Chinese, what exists.
    #[error("{field}: {message}")]
    Duplicate {
        field: &'static str,
        message: String,
    },
    /// Input the store refuses: the field it concerns (its JSON path, where there is one) and
    /// what is wrong, in Chinese for the person who sent it.
    #[error("{}{message}", field.map(|f| format!("{f}: ")).unwrap_or_default())]
    Invalid {
        field: Option<&'static str>,
        message: String,
    },
    /// Only a failed or unaddressed notice can be queued again; `status` is the notice's.
    #[error("a notice in status {} cannot be sent again", status.as_str())]
    NotRetryable { status: OutboxStatus },
    #[error("the file is {size} bytes; at most {limit} are accepted")]
    TooLarge { size: u64, limit: u64 },
    /// An upload would pass a limit on a case's (or an uploader's) files: `which` is one of
    /// the `attachments::QUOTA_*` keys, `limit` the number (files or bytes) allowed.
    #[error("attachment limit {which} ({limit}) reached")]
    QuotaExceeded { which: &'static str, limit: u64 },
    /// The case no longer takes changes of this kind (an upload to a closed case).
    #[error("the case is {}, not open", status.as_str())]
    CaseClosed { status: Status },
    #[error("file system: {0}")]
    Io(String),
    /// Bad settings (DATABASE_URL and the like).
    #[error("{0}")]
    Config(String),
    #[error("cannot connect to the database: {0}")]
    Connect(String),
    /// The database was written by a newer gongkai, or its migrations are otherwise unknown.
    #[error("{0}")]
    Schema(String),
    /// Stored data that cannot be read back (e.g. an event payload that no longer parses).
    #[error("corrupt data: {0}")]
    Corrupt(String),
    #[error("database error: {0}")]
    Database(#[from] diesel::result::Error),
    #[error("connection pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
}

impl From<Rejection> for StoreError {
    fn from(r: Rejection) -> Self {
        StoreError::Rejected(r)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// [`StoreError::Invalid`] about `field`.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            field: Some(field),
            message: message.into(),
        }
    }
}
