//! Errors as RFC 9457 problem+json, each with a stable `code`.
//!
//! Handlers return [`ApiError`]; store errors and workflow rejections convert into it here, at
//! the edge, so the codes and the Chinese titles live in one place.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use gongkai_store::StoreError;
use gongkai_workflow::{Rejection, RejectionCode};
use serde::Serialize;
use utoipa::ToSchema;

/// The API's own error codes (workflow rejections add theirs: see `RejectionCode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The body is not JSON, or not the JSON this route takes.
    MalformedBody,
    /// Fields with wrong values; `errors` names each by its JSON path.
    InvalidInput,
    /// A path or query parameter is malformed.
    InvalidParameter,
    Unauthenticated,
    /// Wrong username or password (never says which).
    InvalidCredentials,
    AccountDisabled,
    /// The session's password was issued by someone else: only the password change, the
    /// session itself and sign-out are open until the user sets their own.
    PasswordChangeRequired,
    /// An issued one-time password was not used in time; an admin must issue a new one.
    PasswordExpired,
    /// Cookie-authenticated write without the session's CSRF token.
    CsrfTokenMissing,
    /// The caller may not do this to a resource it can see.
    Forbidden,
    NotFound,
    /// The case changed since the client read it.
    VersionConflict,
    /// A record with this key exists already.
    Duplicate,
    /// Only a failed or unaddressed notice can be queued again.
    NotRetryable,
    PayloadTooLarge,
    UnsupportedMediaType,
    TooManyAttempts,
    /// The database cannot be reached or is busy; retry.
    Unavailable,
    Internal,
    /// An upload to a case that is no longer open (replied, archived, withdrawn…).
    CaseNotOpen,
    /// A case (or an applicant on it) has as many attachments as allowed.
    TooManyAttachments,
    /// The attachments of a case (or of an applicant on it) would pass the total allowed.
    AttachmentsTooLarge,
    /// A database statement of the request ran past `database.statement_timeout_ms`.
    QueryTimeout,
    /// The path exists but does not take this method (the `Allow` header lists those it takes).
    MethodNotAllowed,
    /// The annual report's tables equal its latest published version: nothing to publish.
    ReportUnchanged,
    /// No CJK font for PDF documents: install fonts-noto-cjk or set `documents.cjk_font`.
    PdfFontUnavailable,
    /// A fee figure (nth request of the month, pages) other than the one the server computes.
    FeeFigureMismatch,
    /// 按量计收 with documents in the release whose page counts are not entered.
    FeePagesUnknown,
    /// 按量计收 without a draft reply whose release provides a document.
    FeeReleaseMissing,
    /// The file to redact is encrypted (a PDF with /Encrypt, a password-protected workbook).
    RedactEncrypted,
    /// The file to redact cannot be read in its format.
    RedactCorrupt,
    /// The file is not PDF, JPEG, PNG, TIFF, XLSX or CSV (a Word file must be converted to PDF first).
    RedactUnsupportedFormat,
    /// The file is larger than the redaction's limit.
    RedactFileTooLarge,
    /// The PDF has more pages than `redaction.max_pages`.
    RedactTooManyPages,
    /// A page or a scan has more pixels than `redaction.max_image_pixels`.
    RedactImageTooLarge,
    /// A box names a page the file does not have.
    RedactNoSuchPage,
    /// A box is empty or passes the edge of its page.
    RedactBoxOutsidePage,
    /// A TIFF with several pages (convert it to PDF).
    RedactMultiPageTiff,
    /// A table with more cells than `redaction.max_table_cells`.
    RedactTooManyCells,
    /// A table redaction names a sheet the workbook does not show.
    RedactNoSuchSheet,
    /// A cell, row or column outside the sheet's used range.
    RedactCellOutsideSheet,
    /// The redacted file could not be written.
    RedactWriteFailed,
    /// As many redactions are waiting as `redaction.max_queued_jobs` allows.
    RedactionBusy,
}

impl ErrorCode {
    /// Every code, in declaration order.
    pub const ALL: [ErrorCode; 43] = [
        ErrorCode::MalformedBody,
        ErrorCode::InvalidInput,
        ErrorCode::InvalidParameter,
        ErrorCode::Unauthenticated,
        ErrorCode::InvalidCredentials,
        ErrorCode::AccountDisabled,
        ErrorCode::PasswordChangeRequired,
        ErrorCode::PasswordExpired,
        ErrorCode::CsrfTokenMissing,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::VersionConflict,
        ErrorCode::Duplicate,
        ErrorCode::NotRetryable,
        ErrorCode::PayloadTooLarge,
        ErrorCode::UnsupportedMediaType,
        ErrorCode::TooManyAttempts,
        ErrorCode::Unavailable,
        ErrorCode::Internal,
        ErrorCode::CaseNotOpen,
        ErrorCode::TooManyAttachments,
        ErrorCode::AttachmentsTooLarge,
        ErrorCode::QueryTimeout,
        ErrorCode::MethodNotAllowed,
        ErrorCode::ReportUnchanged,
        ErrorCode::PdfFontUnavailable,
        ErrorCode::FeeFigureMismatch,
        ErrorCode::FeePagesUnknown,
        ErrorCode::FeeReleaseMissing,
        ErrorCode::RedactEncrypted,
        ErrorCode::RedactCorrupt,
        ErrorCode::RedactUnsupportedFormat,
        ErrorCode::RedactFileTooLarge,
        ErrorCode::RedactTooManyPages,
        ErrorCode::RedactImageTooLarge,
        ErrorCode::RedactNoSuchPage,
        ErrorCode::RedactBoxOutsidePage,
        ErrorCode::RedactMultiPageTiff,
        ErrorCode::RedactTooManyCells,
        ErrorCode::RedactNoSuchSheet,
        ErrorCode::RedactCellOutsideSheet,
        ErrorCode::RedactWriteFailed,
        ErrorCode::RedactionBusy,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::MalformedBody => "malformed_body",
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::InvalidParameter => "invalid_parameter",
            ErrorCode::Unauthenticated => "unauthenticated",
            ErrorCode::InvalidCredentials => "invalid_credentials",
            ErrorCode::AccountDisabled => "account_disabled",
            ErrorCode::PasswordChangeRequired => "password_change_required",
            ErrorCode::PasswordExpired => "password_expired",
            ErrorCode::CsrfTokenMissing => "csrf_token_missing",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::VersionConflict => "version_conflict",
            ErrorCode::Duplicate => "duplicate",
            ErrorCode::NotRetryable => "not_retryable",
            ErrorCode::PayloadTooLarge => "payload_too_large",
            ErrorCode::UnsupportedMediaType => "unsupported_media_type",
            ErrorCode::TooManyAttempts => "too_many_attempts",
            ErrorCode::Unavailable => "unavailable",
            ErrorCode::Internal => "internal",
            ErrorCode::CaseNotOpen => "case_not_open",
            ErrorCode::TooManyAttachments => "too_many_attachments",
            ErrorCode::AttachmentsTooLarge => "attachments_too_large",
            ErrorCode::QueryTimeout => "query_timeout",
            ErrorCode::MethodNotAllowed => "method_not_allowed",
            ErrorCode::ReportUnchanged => "report_unchanged",
            ErrorCode::PdfFontUnavailable => "pdf_font_unavailable",
            ErrorCode::FeeFigureMismatch => "fee_figure_mismatch",
            ErrorCode::FeePagesUnknown => "fee_pages_unknown",
            ErrorCode::FeeReleaseMissing => "fee_release_missing",
            ErrorCode::RedactEncrypted => "redact_encrypted",
            ErrorCode::RedactCorrupt => "redact_corrupt",
            ErrorCode::RedactUnsupportedFormat => "redact_unsupported_format",
            ErrorCode::RedactFileTooLarge => "redact_file_too_large",
            ErrorCode::RedactTooManyPages => "redact_too_many_pages",
            ErrorCode::RedactImageTooLarge => "redact_image_too_large",
            ErrorCode::RedactNoSuchPage => "redact_no_such_page",
            ErrorCode::RedactBoxOutsidePage => "redact_box_outside_page",
            ErrorCode::RedactMultiPageTiff => "redact_multi_page_tiff",
            ErrorCode::RedactTooManyCells => "redact_too_many_cells",
            ErrorCode::RedactNoSuchSheet => "redact_no_such_sheet",
            ErrorCode::RedactCellOutsideSheet => "redact_cell_outside_sheet",
            ErrorCode::RedactWriteFailed => "redact_write_failed",
            ErrorCode::RedactionBusy => "redaction_busy",
        }
    }

    fn status(self) -> StatusCode {
        match self {
            ErrorCode::MalformedBody | ErrorCode::InvalidParameter => StatusCode::BAD_REQUEST,
            ErrorCode::InvalidInput => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::Unauthenticated | ErrorCode::InvalidCredentials => StatusCode::UNAUTHORIZED,
            ErrorCode::AccountDisabled | ErrorCode::CsrfTokenMissing | ErrorCode::Forbidden => {
                StatusCode::FORBIDDEN
            }
            ErrorCode::PasswordChangeRequired | ErrorCode::PasswordExpired => StatusCode::FORBIDDEN,
            ErrorCode::NotFound => StatusCode::NOT_FOUND,
            ErrorCode::VersionConflict | ErrorCode::Duplicate | ErrorCode::NotRetryable => {
                StatusCode::CONFLICT
            }
            ErrorCode::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::CaseNotOpen | ErrorCode::TooManyAttachments => StatusCode::CONFLICT,
            ErrorCode::AttachmentsTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::QueryTimeout => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::ReportUnchanged => StatusCode::CONFLICT,
            ErrorCode::PdfFontUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::FeeFigureMismatch
            | ErrorCode::FeePagesUnknown
            | ErrorCode::FeeReleaseMissing
            | ErrorCode::RedactEncrypted
            | ErrorCode::RedactCorrupt
            | ErrorCode::RedactUnsupportedFormat
            | ErrorCode::RedactFileTooLarge
            | ErrorCode::RedactTooManyPages
            | ErrorCode::RedactImageTooLarge
            | ErrorCode::RedactNoSuchPage
            | ErrorCode::RedactBoxOutsidePage
            | ErrorCode::RedactMultiPageTiff
            | ErrorCode::RedactTooManyCells
            | ErrorCode::RedactNoSuchSheet
            | ErrorCode::RedactCellOutsideSheet => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::RedactWriteFailed => StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::RedactionBusy => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn title_zh(self) -> &'static str {
        match self {
            ErrorCode::MalformedBody => "请求内容格式错误",
            ErrorCode::InvalidInput => "填写的内容有误",
            ErrorCode::InvalidParameter => "请求参数有误",
            ErrorCode::Unauthenticated => "请先登录",
            ErrorCode::InvalidCredentials => "用户名或密码错误",
            ErrorCode::AccountDisabled => "账号已停用",
            ErrorCode::PasswordChangeRequired => "请先修改密码",
            ErrorCode::PasswordExpired => "一次性密码已过期",
            ErrorCode::CsrfTokenMissing => "页面已过期，请刷新后重试",
            ErrorCode::Forbidden => "无权执行此操作",
            ErrorCode::NotFound => "未找到",
            ErrorCode::VersionConflict => "案件已被他人更新，请刷新后重试",
            ErrorCode::Duplicate => "记录已存在",
            ErrorCode::NotRetryable => "该通知不能重发",
            ErrorCode::PayloadTooLarge => "提交的内容过大",
            ErrorCode::UnsupportedMediaType => "不支持的文件类型",
            ErrorCode::TooManyAttempts => "尝试次数过多，请稍后再试",
            ErrorCode::Unavailable => "服务暂时不可用，请稍后再试",
            ErrorCode::Internal => "系统内部错误",
            ErrorCode::CaseNotOpen => "案件已办结，不能再上传附件",
            ErrorCode::TooManyAttachments => "附件数量已达上限",
            ErrorCode::AttachmentsTooLarge => "附件总大小已达上限",
            ErrorCode::QueryTimeout => "查询超时",
            ErrorCode::MethodNotAllowed => "不支持此请求方法",
            ErrorCode::ReportUnchanged => "年度报告与已发布版本相同",
            ErrorCode::PdfFontUnavailable => "暂不能生成 PDF 文件",
            ErrorCode::FeeFigureMismatch => "收费数额与系统计算结果不一致",
            ErrorCode::FeePagesUnknown => "拟提供的文件缺少页数",
            ErrorCode::FeeReleaseMissing => "尚未确定拟提供的信息",
            ErrorCode::RedactEncrypted => "文件已加密",
            ErrorCode::RedactCorrupt => "文件已损坏",
            ErrorCode::RedactUnsupportedFormat => "该文件格式不能作遮盖处理",
            ErrorCode::RedactFileTooLarge => "文件超过遮盖处理的大小上限",
            ErrorCode::RedactTooManyPages => "文件页数超过上限",
            ErrorCode::RedactImageTooLarge => "页面图像超过上限",
            ErrorCode::RedactNoSuchPage => "文件没有该页",
            ErrorCode::RedactBoxOutsidePage => "遮盖框超出页面",
            ErrorCode::RedactMultiPageTiff => "多页 TIFF 文件不能直接遮盖",
            ErrorCode::RedactTooManyCells => "表格单元格数超过上限",
            ErrorCode::RedactNoSuchSheet => "工作表不存在",
            ErrorCode::RedactCellOutsideSheet => "单元格超出表格范围",
            ErrorCode::RedactWriteFailed => "生成遮盖后的文件失败",
            ErrorCode::RedactionBusy => "遮盖处理任务较多，请稍后再试",
        }
    }
}

/// One invalid field: its JSON path (`applicant.name`, `request.carrier`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl FieldError {
    /// The error of a value serde could not take, at `path` (serde_path_to_error's path; "."
    /// or "" for the whole body). serde says what is wrong only in English prose, and names a
    /// missing field in the message while giving its parent's path: this one function reads
    /// that prose, so that everything after it carries the field's own path and a Chinese
    /// message.
    pub fn from_serde(path: &str, message: &str) -> FieldError {
        let mut path = if path == "." {
            String::new()
        } else {
            path.to_owned()
        };
        if let Some(field) = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
            && path != field
            && !path.ends_with(&format!(".{field}"))
        {
            path = if path.is_empty() {
                field.to_owned()
            } else {
                format!("{path}.{field}")
            };
        }
        FieldError {
            path,
            message: serde_message_zh(message),
        }
    }
}

/// serde's English messages in the words a form shows.
fn serde_message_zh(message: &str) -> String {
    if message.starts_with("missing field") {
        return "此项必填".to_owned();
    }
    if message.starts_with("unknown variant") {
        return "请从列表中选择".to_owned();
    }
    if message.contains("premature end of input")
        || message.contains("input contains invalid characters")
        || message.contains("input is out of range")
        || message.contains("input is not enough for unique date")
        || message.contains("trailing input")
    {
        return "日期无效，请按 年-月-日 填写有效日期（如 2026-03-02）".to_owned();
    }
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        return "格式不正确".to_owned();
    }
    if message.starts_with("unknown field") {
        return "不接受此项".to_owned();
    }
    // Our own deserializers word their errors in Chinese already.
    if !message.is_ascii() {
        return message.to_owned();
    }
    // Anything else serde says (a number too large, a sequence too short…) is about the form
    // of the value: the path names the field.
    "格式不正确".to_owned()
}

/// A problem+json document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// `/problems/{code}` (a relative URI reference).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// Stable machine code: one of the API's codes or a workflow rejection code.
    pub code: Code,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// A problem's stable code: one of the API's own ([`ErrorCode`]) or the code of a workflow
/// rejection ([`RejectionCode`]). Both serialize as their snake_case names, which never collide
/// (a test checks it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    Api(ErrorCode),
    Rejection(RejectionCode),
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Api(c) => c.as_str(),
            Code::Rejection(c) => c.as_str(),
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<ErrorCode> for Code {
    fn from(c: ErrorCode) -> Code {
        Code::Api(c)
    }
}

impl From<RejectionCode> for Code {
    fn from(c: RejectionCode) -> Code {
        Code::Rejection(c)
    }
}

impl PartialEq<ErrorCode> for Code {
    fn eq(&self, other: &ErrorCode) -> bool {
        *self == Code::Api(*other)
    }
}

impl PartialEq<RejectionCode> for Code {
    fn eq(&self, other: &RejectionCode) -> bool {
        *self == Code::Rejection(*other)
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl utoipa::PartialSchema for Code {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        let mut names: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        for c in RejectionCode::ALL {
            if !names.contains(&c.as_str()) {
                names.push(c.as_str());
            }
        }
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::String))
            .enum_values(Some(names))
            .description(Some(
                "Stable machine code: one of the API's codes or a workflow rejection code.",
            ))
            .into()
    }
}

impl ToSchema for Code {}

#[derive(Debug, Clone, thiserror::Error)]
#[error("{code}: {detail}")]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Code,
    pub title: String,
    pub detail: String,
    pub errors: Vec<FieldError>,
    pub retry_after: Option<u64>,
    /// For `unauthenticated` on a page: the local path to return to after signing in. Never
    /// part of the problem document.
    pub back_to: Option<String>,
}

/// The most field errors one answer lists.
pub const MAX_FIELD_ERRORS: usize = 20;
/// The longest field path an answer repeats (longer ones end in "…").
pub const MAX_PATH_CHARS: usize = 200;

/// `path` cut to [`MAX_PATH_CHARS`] characters.
pub fn short_path(path: &str) -> String {
    match path.char_indices().nth(MAX_PATH_CHARS) {
        Some((at, _)) => format!("{}…", &path[..at]),
        None => path.to_owned(),
    }
}

impl ApiError {
    pub fn new(code: ErrorCode, detail: impl Into<String>) -> ApiError {
        ApiError {
            status: code.status(),
            code: Code::Api(code),
            title: code.title_zh().to_owned(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
            back_to: None,
        }
    }

    pub fn not_found() -> ApiError {
        ApiError::new(ErrorCode::NotFound, "没有找到所请求的资源")
    }

    pub fn unauthenticated() -> ApiError {
        ApiError::new(ErrorCode::Unauthenticated, "此操作需要登录")
    }

    pub fn forbidden(detail: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::Forbidden, detail)
    }

    pub fn bad_request(detail: impl Into<String>) -> ApiError {
        ApiError::new(ErrorCode::InvalidParameter, detail)
    }

    /// 400 `invalid_parameter` about the path or query parameter `name`, which `errors` names.
    pub fn parameter(name: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError {
            errors: vec![FieldError {
                path: short_path(name),
                message: message.clone(),
            }],
            ..ApiError::new(ErrorCode::InvalidParameter, message)
        }
    }

    /// The 400 of a query string or path that does not deserialize: serde's account of it,
    /// read by [`FieldError::from_serde`] (a parameter it names becomes the error's path).
    pub fn unreadable_parameters(what: &str, serde_message: &str) -> ApiError {
        let f = FieldError::from_serde("", serde_message);
        let detail = format!("{what}有误：{}", f.message);
        if f.path.is_empty() {
            ApiError::bad_request(detail)
        } else {
            ApiError {
                detail,
                ..ApiError::parameter(&f.path, f.message)
            }
        }
    }

    /// 422 with one error per invalid field.
    /// A 422 naming the fields: at most [`MAX_FIELD_ERRORS`] of them, each path cut to
    /// [`MAX_PATH_CHARS`] characters, so that a hostile body cannot make the answer (or the
    /// memory that builds it) larger than a page.
    pub fn invalid(errors: Vec<FieldError>) -> ApiError {
        let errors: Vec<FieldError> = errors
            .into_iter()
            .take(MAX_FIELD_ERRORS)
            .map(|e| FieldError {
                path: short_path(&e.path),
                message: e.message,
            })
            .collect();
        let detail = errors
            .iter()
            .map(|e| format!("{}: {}", e.path, e.message))
            .collect::<Vec<_>>()
            .join("; ");
        ApiError {
            errors,
            ..ApiError::new(ErrorCode::InvalidInput, detail)
        }
    }

    pub fn field(path: &str, message: impl Into<String>) -> ApiError {
        ApiError::invalid(vec![FieldError {
            path: path.to_owned(),
            message: message.into(),
        }])
    }

    pub fn internal(what: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %what, "internal error");
        ApiError::new(
            ErrorCode::Internal,
            "处理请求时发生内部错误，已记录，请稍后再试",
        )
    }

    pub fn problem(&self) -> Problem {
        Problem {
            kind: format!("/problems/{}", self.code),
            title: self.title.clone(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code,
            errors: self.errors.clone(),
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status);
        response.insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        ));
        if let Some(seconds) = self.retry_after {
            response.insert_header((header::RETRY_AFTER, seconds.to_string()));
        }
        response.body(serde_json::to_string(&self.problem()).unwrap_or_default())
    }
}

/// The HTTP status of a workflow rejection. Rejections that would tell an outsider that a case
/// exists are turned into 404 by the handlers before they get here.
fn rejection_status(code: RejectionCode) -> StatusCode {
    use RejectionCode as R;
    match code {
        R::CaseNotFound | R::OutOfScope | R::NotOwner => StatusCode::NOT_FOUND,
        R::ForbiddenForRole
        | R::NotAssignee
        | R::SelfApproval
        | R::NotSecrecyReviewer
        | R::SecrecyReviewByDrafter => StatusCode::FORBIDDEN,
        R::InvalidInput
        | R::DateInFuture
        | R::DateTooEarly
        | R::ReceiptDateRequired
        | R::ExtensionTooLong
        | R::RemedyNotFound
        | R::DisclosureReasonRequired
        | R::DisclosureReasonNotApplicable
        | R::IdDocumentRequired
        | R::IdDocumentInvalid
        | R::DeliveryContactRequired
        | R::ReleaseRequired
        | R::RedactionGroundVoid
        | R::RedactedReleaseNotPartial
        | R::OriginalHasRedactedVersion => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::CONFLICT,
    }
}

impl From<Rejection> for ApiError {
    fn from(r: Rejection) -> ApiError {
        let status = rejection_status(r.code);
        if status == StatusCode::NOT_FOUND {
            return ApiError::not_found();
        }
        // A refusal about one input names it, so that a form shows it beside that field.
        let errors = r
            .field
            .map(|path| FieldError {
                path: path.to_owned(),
                message: r.message.clone(),
            })
            .into_iter()
            .collect();
        ApiError {
            status,
            code: Code::Rejection(r.code),
            title: "不能执行此操作".to_owned(),
            detail: r.message,
            errors,
            retry_after: None,
            back_to: None,
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::Conflict { expected, actual } => ApiError::new(
                ErrorCode::VersionConflict,
                format!("您看到的是第 {expected} 版，案件现在是第 {actual} 版；请刷新后重试"),
            ),
            StoreError::Rejected(r) => r.into(),
            StoreError::NotFound(_) => ApiError::not_found(),
            StoreError::Duplicate { field, message } => ApiError {
                errors: vec![FieldError {
                    path: field.to_owned(),
                    message: message.clone(),
                }],
                ..ApiError::new(ErrorCode::Duplicate, message)
            },
            StoreError::Invalid {
                field: Some(path),
                message,
            } => ApiError::field(path, message),
            StoreError::Invalid {
                field: None,
                message,
            } => ApiError::new(ErrorCode::InvalidInput, message),
            StoreError::NotRetryable { status } => ApiError::new(
                ErrorCode::NotRetryable,
                format!(
                    "只有发送失败或待打印送达的通知可以重发；该通知当前状态为“{}”",
                    status.label_zh()
                ),
            ),
            StoreError::TooLarge { size, limit } => ApiError::new(
                ErrorCode::PayloadTooLarge,
                format!("文件大小为 {size} 字节，最多接受 {limit} 字节"),
            ),
            StoreError::CaseClosed { status } => {
                let shown = status.label_zh();
                ApiError::new(
                    ErrorCode::CaseNotOpen,
                    format!("案件状态为“{shown}”，只有办理中的案件可以上传附件"),
                )
            }
            StoreError::QuotaExceeded { which, limit } => quota_exceeded(which, limit),
            StoreError::Database(diesel_error) if gongkai_store::db::is_timeout(&diesel_error) => {
                query_timeout()
            }
            StoreError::Pool(e) => {
                tracing::warn!(error = %e, "database pool exhausted or unreachable");
                ApiError::new(ErrorCode::Unavailable, "数据库暂时无法连接，请稍后再试")
            }
            StoreError::Connect(e) => {
                tracing::warn!(error = %e, "database unreachable");
                ApiError::new(ErrorCode::Unavailable, "数据库暂时无法连接，请稍后再试")
            }
            StoreError::Database(diesel_error) if gongkai_store::db::is_busy(&diesel_error) => {
                tracing::warn!(error = %diesel_error, "database busy");
                ApiError {
                    retry_after: Some(1),
                    ..ApiError::new(ErrorCode::Unavailable, "系统繁忙，请稍后再试")
                }
            }
            other => ApiError::internal(other),
        }
    }
}

/// The 503 of a statement stopped by its timeout (the caller logs which query it was).
pub fn query_timeout() -> ApiError {
    ApiError {
        retry_after: Some(5),
        ..ApiError::new(
            ErrorCode::QueryTimeout,
            "查询超时：这一请求涉及的数据过多，未能在规定时间内完成。请缩小查询范围或稍后再试",
        )
    }
}

/// Which attachment limit an upload would pass, in words.
fn quota_exceeded(which: &str, limit: u64) -> ApiError {
    let mib = |bytes: u64| format!("{:.0} MiB", bytes as f64 / (1024.0 * 1024.0));
    use gongkai_store::attachments as a;
    match which {
        a::QUOTA_CASE_FILES => ApiError::new(
            ErrorCode::TooManyAttachments,
            format!("每个案件最多 {limit} 个附件，本案件已达上限"),
        ),
        a::QUOTA_APPLICANT_FILES => ApiError::new(
            ErrorCode::TooManyAttachments,
            format!("每位申请人在一个案件中最多上传 {limit} 个附件，您已达上限"),
        ),
        a::QUOTA_CASE_BYTES => ApiError::new(
            ErrorCode::AttachmentsTooLarge,
            format!("每个案件的附件合计不超过 {}，加上此文件将超出", mib(limit)),
        ),
        _ => ApiError::new(
            ErrorCode::AttachmentsTooLarge,
            format!(
                "每位申请人在一个案件中上传的附件合计不超过 {}，加上此文件将超出",
                mib(limit)
            ),
        ),
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests;
