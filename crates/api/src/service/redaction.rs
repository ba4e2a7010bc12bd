//! Redaction (区分处理, art. 37): the editor's view of a staff file (its pages or sheets), its
//! pages as images, and the redaction itself. Everything that can be checked is checked before
//! the work is queued (the clerk's right to act, every part's ground, the file, every box
//! against its page), so a bad request is refused at once and nothing is stored; the burn-in
//! then runs on the job thread ([`crate::jobs`]), and its output is stored together with the
//! `FileRedacted` event in one transaction.

use std::collections::BTreeMap;
use std::sync::Arc;

use actix_web::web;
use gongkai_documents::{
    FileKind, RedactBox, RedactError, SheetPreview, TableError, TableRedaction,
};
use gongkai_store::attachments::{self, Attachment};
use gongkai_store::events;
use gongkai_workflow::model::{FileRedaction, FileRef, Redaction, RedactionArea};
use gongkai_workflow::{Actor, Case, Command, Role, decide};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{context, visible_case};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorCode};
use crate::jobs::{Job, JobState};
use crate::state::{AppState, db};

/// The rows and columns of a sheet the editor shows (the rest can still be named by number).
const PREVIEW_ROWS: u32 = 200;
const PREVIEW_COLUMNS: u32 = 40;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// What kind of file is redacted, and so how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Pdf,
    Scan(FileKind),
    Xlsx,
    Csv,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Pdf => "pdf",
            SourceKind::Scan(_) => "scan",
            SourceKind::Xlsx => "xlsx",
            SourceKind::Csv => "csv",
        }
    }

    pub fn is_table(self) -> bool {
        matches!(self, SourceKind::Xlsx | SourceKind::Csv)
    }
}

/// The kind of a stored file, from its first bytes and its declared type and name. Word files
/// and everything else are refused with what to do instead.
pub fn kind_of(a: &Attachment, bytes: &[u8]) -> ApiResult<SourceKind> {
    let name = a.filename.to_lowercase();
    if let Some(kind) = gongkai_documents::file_kind(bytes) {
        return Ok(match kind {
            FileKind::Pdf => SourceKind::Pdf,
            other => SourceKind::Scan(other),
        });
    }
    if bytes.starts_with(b"PK\x03\x04") && (a.content_type == XLSX || name.ends_with(".xlsx")) {
        return Ok(SourceKind::Xlsx);
    }
    if a.content_type == "text/csv" || (a.content_type == "text/plain" && name.ends_with(".csv")) {
        return Ok(SourceKind::Csv);
    }
    let word = name.ends_with(".doc")
        || name.ends_with(".docx")
        || a.content_type.contains("msword")
        || a.content_type.contains("wordprocessingml");
    let message = if word {
        "Word 文件不能直接遮盖：请先另存为（或打印为）PDF，上传 PDF 后再作遮盖处理"
    } else {
        "此类文件不能作遮盖处理：可遮盖 PDF、JPEG、PNG、TIFF 扫描件，以及 XLSX、CSV 表格"
    };
    Err(ApiError::new(ErrorCode::RedactUnsupportedFormat, message))
}

/// The API error of a refusal by the redaction engine (its code and Chinese message).
pub fn redact_error(e: RedactError) -> ApiError {
    let code = match &e {
        RedactError::Encrypted => ErrorCode::RedactEncrypted,
        RedactError::Corrupt(_) => ErrorCode::RedactCorrupt,
        RedactError::UnsupportedFormat => ErrorCode::RedactUnsupportedFormat,
        RedactError::FileTooLarge { .. } => ErrorCode::RedactFileTooLarge,
        RedactError::TooManyPages { .. } => ErrorCode::RedactTooManyPages,
        RedactError::ImageTooLarge { .. } => ErrorCode::RedactImageTooLarge,
        RedactError::NoSuchPage { .. } => ErrorCode::RedactNoSuchPage,
        RedactError::BoxOutsidePage { .. } => ErrorCode::RedactBoxOutsidePage,
        RedactError::MultiPageTiff(_) => ErrorCode::RedactMultiPageTiff,
        RedactError::Write(_) => ErrorCode::RedactWriteFailed,
    };
    ApiError::new(code, e.message())
}

/// The API error of a refusal by the table redaction.
pub fn table_error(e: TableError) -> ApiError {
    let code = match &e {
        TableError::Encrypted => ErrorCode::RedactEncrypted,
        TableError::Corrupt(_) => ErrorCode::RedactCorrupt,
        TableError::FileTooLarge { .. } => ErrorCode::RedactFileTooLarge,
        TableError::TooManyCells { .. } => ErrorCode::RedactTooManyCells,
        TableError::NoSuchSheet(_) => ErrorCode::RedactNoSuchSheet,
        TableError::OutsideSheet { .. } => ErrorCode::RedactCellOutsideSheet,
        TableError::Write(_) => ErrorCode::RedactWriteFailed,
    };
    ApiError::new(code, e.message())
}

/// A page's size in points (1/72 inch), as shown.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PageSize {
    /// From 1.
    pub page: u32,
    pub width: f32,
    pub height: f32,
}

/// A sheet of a table as the editor shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SheetView {
    /// Empty for CSV.
    pub name: String,
    pub rows: u32,
    pub columns: u32,
    /// Rows and columns hidden in the workbook (from 0): never in a redacted version.
    pub hidden_rows: Vec<u32>,
    pub hidden_columns: Vec<u32>,
    /// The first rows (at most 200) and columns (at most 40) as text.
    pub cells: Vec<Vec<String>>,
}

impl From<SheetPreview> for SheetView {
    fn from(s: SheetPreview) -> SheetView {
        SheetView {
            name: s.name,
            rows: s.rows,
            columns: s.columns,
            hidden_rows: s.hidden_rows,
            hidden_columns: s.hidden_columns,
            cells: s.cells,
        }
    }
}

/// A file as the redaction editor opens it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LayoutView {
    pub attachment: String,
    pub filename: String,
    /// `pdf`, `scan`, `xlsx` or `csv`.
    pub kind: String,
    /// PDF and scans: each page's size (boxes are given in these points, from the top left).
    pub pages: Vec<PageSize>,
    /// Tables: each visible sheet.
    pub sheets: Vec<SheetView>,
}

/// A redaction to make: every part withheld, with its ground.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedactionRequest {
    /// Boxes for a PDF or scan; cells, rows and columns for a table.
    pub redactions: Vec<Redaction>,
}

impl crate::body::Validate for RedactionRequest {
    fn validate(&self, errors: &mut Vec<crate::error::FieldError>) {
        let max = gongkai_workflow::decide::MAX_REDACTIONS;
        if self.redactions.is_empty() {
            errors.push(crate::error::FieldError {
                path: "redactions".to_owned(),
                message: "请至少标出一处需要遮盖的内容".to_owned(),
            });
        } else if self.redactions.len() > max {
            errors.push(crate::error::FieldError {
                path: "redactions".to_owned(),
                message: format!("一次最多遮盖 {max} 处"),
            });
        }
    }
}

/// Why a job failed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobError {
    pub code: String,
    pub message: String,
}

/// A redaction job as its clerk follows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobView {
    pub id: String,
    pub case_id: String,
    /// The file being redacted.
    pub source: String,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    /// Pages done, of `total`.
    pub done: u32,
    pub total: u32,
    /// Jobs ahead in the queue.
    pub ahead: usize,
    /// When done: the redacted file, a new attachment of the case.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<JobError>,
}

impl From<Job> for JobView {
    fn from(j: Job) -> JobView {
        let (output, error) = match &j.state {
            JobState::Done { output } => (Some(output.clone()), None),
            JobState::Failed { code, message } => (
                None,
                Some(JobError {
                    code: code.clone(),
                    message: message.clone(),
                }),
            ),
            _ => (None, None),
        };
        JobView {
            id: j.id,
            case_id: j.case_id,
            source: j.source,
            state: j.state.as_str().to_owned(),
            done: j.done,
            total: j.total,
            ahead: j.ahead,
            output,
            error,
        }
    }
}

/// A staff file of a case `c` sees (applicants never open a file here: 404, as for a case they
/// cannot see): the case's id, the file, and its bytes checked against their hash. The bytes
/// are read on the blocking pool after the database call, so no connection is held (and no
/// statement deadline runs) while a large file is read or parsed.
async fn source(
    state: &web::Data<AppState>,
    c: &Caller,
    case_id: String,
    attachment: String,
) -> ApiResult<(String, Attachment, Vec<u8>)> {
    if c.role() == Role::Applicant {
        return Err(ApiError::not_found());
    }
    let c = c.clone();
    let (case_id, a) = db(state, move |conn, _| {
        let row = visible_case(conn, &c, &case_id)?;
        let a = attachments::of_known_case(conn, &row.id, &attachment)?
            .ok_or_else(ApiError::not_found)?;
        Ok((row.id, a))
    })
    .await?;
    let dir = state.settings.attachments_dir.clone();
    let file = a.clone();
    let bytes = web::block(move || attachments::read(&dir, &file))
        .await
        .map_err(ApiError::internal)??;
    Ok((case_id, a, bytes))
}

/// The editor's view of file `attachment` of case `case_id`: pages and their sizes, or sheets.
pub async fn layout(
    state: &web::Data<AppState>,
    c: Caller,
    case_id: String,
    attachment: String,
) -> ApiResult<LayoutView> {
    let (_, a, bytes) = source(state, &c, case_id, attachment).await?;
    let kind = kind_of(&a, &bytes)?;
    let settings = state.settings.redaction;
    // Parsing is CPU work: on the blocking pool, never on an HTTP worker.
    web::block(move || {
        let mut view = LayoutView {
            attachment: a.id.clone(),
            filename: a.filename.clone(),
            kind: kind.as_str().to_owned(),
            pages: Vec::new(),
            sheets: Vec::new(),
        };
        if kind.is_table() {
            view.sheets = gongkai_documents::table_preview(
                &bytes,
                kind == SourceKind::Csv,
                &settings.tables,
                PREVIEW_ROWS,
                PREVIEW_COLUMNS,
            )
            .map_err(table_error)?
            .into_iter()
            .map(SheetView::from)
            .collect();
        } else {
            let layout =
                gongkai_documents::layout(&bytes, &settings.limits).map_err(redact_error)?;
            view.pages = layout
                .pages
                .iter()
                .enumerate()
                .map(|(i, (w, h))| PageSize {
                    page: i as u32 + 1,
                    width: *w,
                    height: *h,
                })
                .collect();
        }
        Ok(view)
    })
    .await
    .map_err(ApiError::internal)?
}

/// Page `page` of a PDF or scan as a PNG at the editor's resolution.
pub async fn page_image(
    state: &web::Data<AppState>,
    c: Caller,
    case_id: String,
    attachment: String,
    page: u32,
) -> ApiResult<Vec<u8>> {
    let (_, a, bytes) = source(state, &c, case_id, attachment).await?;
    if kind_of(&a, &bytes)?.is_table() {
        return Err(ApiError::new(
            ErrorCode::RedactUnsupportedFormat,
            "表格文件没有页面图像，请按单元格、行或列遮盖",
        ));
    }
    let settings = state.settings.redaction;
    // Rendering is CPU work: on the blocking pool, never on an HTTP worker.
    web::block(move || {
        gongkai_documents::page_png(&bytes, page, settings.editor_dpi, &settings.limits)
            .map_err(redact_error)
    })
    .await
    .map_err(ApiError::internal)?
}

/// A part the system proposes to withhold (a personal identifier or a name the clerk gave):
/// never applied until the clerk accepts it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalView {
    /// `id_number`, `mobile`, `bank_card`, `email` or `name`.
    pub kind: String,
    /// The kind as the clerk reads it (身份证号码, 手机号码, …).
    pub label: String,
    /// The text found.
    pub text: String,
    /// The boxes of one match (a number broken across two lines) share a group.
    pub group: u32,
    /// PDF: the page (from 1) and the box in points from the top left.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub w: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub h: Option<f32>,
    /// Tables: the sheet and the cell (from 0).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub row: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

/// What the system proposes for a file.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalsView {
    pub items: Vec<ProposalView>,
    /// Pages whose text could not be read (scans without a text layer, text drawn as
    /// outlines): nothing is proposed there, the clerk reads them.
    pub pages_without_text: Vec<u32>,
}

/// The most names a clerk gives at once, and the longest.
pub const MAX_NAMES: usize = 20;

/// The names of `text`, split at commas, 、, semicolons and white space; refused when more than
/// [`MAX_NAMES`] or one longer than the matcher takes.
pub fn names_of(text: &str) -> ApiResult<Vec<String>> {
    let names: Vec<String> = text
        .split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；') || c.is_whitespace())
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect();
    let longest = *gongkai_documents::NAME_CHARS.end();
    if names.len() > MAX_NAMES {
        return Err(ApiError::field(
            "names",
            format!("一次最多查找 {MAX_NAMES} 个姓名或名称"),
        ));
    }
    if let Some(n) = names.iter().find(|n| n.chars().count() > longest) {
        return Err(ApiError::field(
            "names",
            format!(
                "“{}…”过长：每个姓名或名称最多 {longest} 个字",
                n.chars().take(10).collect::<String>()
            ),
        ));
    }
    Ok(names)
}

/// The personal identifiers (身份证号码, mobile and bank card numbers, e-mail addresses) and
/// the names of `names` (see [`names_of`]) found in file `attachment`: in a PDF's text layer, or
/// in a table's cells. A scan has no text: its page is listed as unread. The file is looked up
/// first, so a caller who may not see it gets 404 whatever the names.
pub async fn proposals(
    state: &web::Data<AppState>,
    c: Caller,
    case_id: String,
    attachment: String,
    names: String,
) -> ApiResult<ProposalsView> {
    let (_, a, bytes) = source(state, &c, case_id, attachment).await?;
    let names = names_of(&names)?;
    let kind = kind_of(&a, &bytes)?;
    let settings = state.settings.redaction;
    web::block(move || {
        let label =
            |k: gongkai_documents::ProposalKind| (k.code().to_owned(), k.label_zh().to_owned());
        Ok(match kind {
            SourceKind::Pdf => {
                let p = gongkai_documents::propose_pdf(&bytes, &names, &settings.limits)
                    .map_err(redact_error)?;
                ProposalsView {
                    items: p
                        .items
                        .into_iter()
                        .map(|i| {
                            let (kind, label) = label(i.kind);
                            ProposalView {
                                kind,
                                label,
                                text: i.text,
                                group: i.group,
                                page: Some(i.page),
                                x: Some(i.x),
                                y: Some(i.y),
                                w: Some(i.w),
                                h: Some(i.h),
                                sheet: None,
                                row: None,
                                column: None,
                            }
                        })
                        .collect(),
                    pages_without_text: p.pages_without_text,
                }
            }
            SourceKind::Scan(_) => ProposalsView {
                items: Vec::new(),
                pages_without_text: vec![1],
            },
            SourceKind::Xlsx | SourceKind::Csv => {
                let table = if kind == SourceKind::Csv {
                    gongkai_documents::TableKind::Csv
                } else {
                    gongkai_documents::TableKind::Xlsx
                };
                let cells =
                    gongkai_documents::propose_table(&bytes, table, &names, &settings.tables)
                        .map_err(table_error)?;
                ProposalsView {
                    items: cells
                        .into_iter()
                        .enumerate()
                        .map(|(n, cp)| {
                            let (kind, label) = label(cp.kind);
                            ProposalView {
                                kind,
                                label,
                                text: cp.text,
                                group: u32::try_from(n).unwrap_or(u32::MAX),
                                page: None,
                                x: None,
                                y: None,
                                w: None,
                                h: None,
                                sheet: Some(cp.sheet),
                                row: Some(cp.row),
                                column: Some(cp.column),
                            }
                        })
                        .collect(),
                    pages_without_text: Vec::new(),
                }
            }
        })
    })
    .await
    .map_err(ApiError::internal)?
}

/// What the job needs to make the redacted file.
enum Plan {
    /// Boxes burned into a PDF, page by page.
    Pdf(Vec<RedactBox>),
    /// A scan made into a one-page PDF.
    Scan(Vec<RedactBox>),
    /// A table, already redacted (tables are quick: made while checking them).
    Table(Vec<u8>),
}

/// Starts redacting file `attachment` of case `case_id`: checks everything, then queues the
/// work. Answers the job, to be followed with [`job`].
pub async fn start(
    state: &web::Data<AppState>,
    c: Caller,
    case_id: String,
    attachment: String,
    request: RedactionRequest,
) -> ApiResult<JobView> {
    let redactions = request.redactions;
    let (case_id, a, bytes) = source(state, &c, case_id, attachment).await?;
    let kind = kind_of(&a, &bytes)?;
    // The workflow's rules first (who, when, each part's ground), with the output still to be
    // made.
    db(state, {
        let (c, case_id, a) = (c.clone(), case_id.clone(), a.clone());
        let redactions = redactions.clone();
        move |conn, state| {
            let case = Case::from_events(&events::load(conn, &case_id)?);
            let probe = FileRedaction {
                source: file_ref(&a, None),
                output: FileRef {
                    attachment: "pending".to_owned(),
                    sha256: "0".repeat(64),
                    size: 0,
                    pages: None,
                },
                redactions,
                method: method(kind, &state.settings.redaction),
            };
            let law = state.law();
            decide(
                &case,
                Command::RecordRedaction { redaction: probe },
                &context(&law, c.actor.clone()),
            )?;
            Ok(())
        }
    })
    .await?;
    let settings = state.settings.redaction;
    let bytes = Arc::new(bytes);
    // The file against the parts: on the blocking pool (a PDF is parsed, a table redacted).
    let (plan, pages) = web::block({
        let bytes = Arc::clone(&bytes);
        let redactions = redactions.clone();
        move || plan(kind, &bytes, &redactions, &settings)
    })
    .await
    .map_err(ApiError::internal)??;
    let work = {
        let state = web::Data::clone(state);
        let actor = c.actor.clone();
        let case_id = case_id.clone();
        let source = a.clone();
        Box::new(move |progress: &dyn Fn(u32, u32)| {
            make(
                &state, &actor, &case_id, &source, kind, &bytes, plan, pages, redactions, progress,
            )
        })
    };
    let job = state
        .jobs
        .submit(&case_id, &c.user.id, &a.id, pages.unwrap_or(1), work)?;
    Ok(JobView::from(job))
}

/// How the released version is made, as the event records it.
fn method(kind: SourceKind, settings: &crate::state::RedactionSettings) -> String {
    let engine = gongkai_documents::VERSION;
    if kind.is_table() {
        format!("gongkai-documents {engine}: values only, parts replaced by [已遮盖]")
    } else {
        format!(
            "gongkai-documents {engine}: pages rendered at {} dpi, parts burned in, image-only PDF",
            settings.limits.dpi
        )
    }
}

fn file_ref(a: &Attachment, pages: Option<u32>) -> FileRef {
    FileRef {
        attachment: a.id.clone(),
        sha256: a.sha256.clone(),
        size: u64::try_from(a.size_bytes).unwrap_or(0),
        pages,
    }
}

/// Checks the parts against the file and says how to make the redacted version, with the
/// source's page count (none for tables).
fn plan(
    kind: SourceKind,
    bytes: &[u8],
    redactions: &[Redaction],
    settings: &crate::state::RedactionSettings,
) -> ApiResult<(Plan, Option<u32>)> {
    if kind.is_table() {
        let mut sheets: BTreeMap<String, TableRedaction> = BTreeMap::new();
        for (i, r) in redactions.iter().enumerate() {
            let (sheet, cell, row, column) = match &r.area {
                RedactionArea::Cell { sheet, row, column } => {
                    (sheet, Some((*row, *column)), None, None)
                }
                RedactionArea::Row { sheet, row } => (sheet, None, Some(*row), None),
                RedactionArea::Column { sheet, column } => (sheet, None, None, Some(*column)),
                RedactionArea::Box { .. } => {
                    return Err(ApiError::field(
                        &format!("redactions.{i}.area"),
                        "表格文件请按单元格、行或列遮盖，不能画框",
                    ));
                }
            };
            let name = if kind == SourceKind::Csv {
                String::new()
            } else {
                sheet.trim().to_owned()
            };
            let t = sheets
                .entry(name.clone())
                .or_insert_with(|| TableRedaction {
                    sheet: name,
                    ..TableRedaction::default()
                });
            t.cells.extend(cell);
            t.rows.extend(row);
            t.columns.extend(column);
        }
        let all: Vec<TableRedaction> = sheets.into_values().collect();
        let out = if kind == SourceKind::Csv {
            gongkai_documents::redact_csv(bytes, &all, &settings.tables)
        } else {
            gongkai_documents::redact_xlsx(bytes, &all, &settings.tables)
        }
        .map_err(table_error)?;
        return Ok((Plan::Table(out.bytes), None));
    }
    let mut boxes = Vec::with_capacity(redactions.len());
    for (i, r) in redactions.iter().enumerate() {
        let RedactionArea::Box { page, x, y, w, h } = r.area else {
            return Err(ApiError::field(
                &format!("redactions.{i}.area"),
                "PDF 和扫描件请画框遮盖（页码和位置），不能按单元格遮盖",
            ));
        };
        boxes.push(RedactBox { page, x, y, w, h });
    }
    let layout = gongkai_documents::layout(bytes, &settings.limits).map_err(redact_error)?;
    layout.check(&boxes).map_err(redact_error)?;
    let pages = u32::try_from(layout.pages.len()).unwrap_or(u32::MAX);
    Ok((
        if kind == SourceKind::Pdf {
            Plan::Pdf(boxes)
        } else {
            Plan::Scan(boxes)
        },
        Some(pages),
    ))
}

/// Writes into a spooled upload, remembering when it grew past its limit.
struct SpoolWriter<'a> {
    spool: &'a mut attachments::Spool,
    too_large: bool,
}

impl std::io::Write for SpoolWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.spool.write(buf) {
            Ok(()) => Ok(buf.len()),
            Err(gongkai_store::StoreError::TooLarge { .. }) => {
                self.too_large = true;
                Err(std::io::Error::other("the redacted file is too large"))
            }
            Err(e) => Err(std::io::Error::other(e.to_string())),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The job: makes the redacted file into a spooled upload, then stores it and records the
/// redaction in one transaction (the case is checked again: it may have moved on meanwhile).
#[allow(clippy::too_many_arguments)]
fn make(
    state: &AppState,
    actor: &Actor,
    case_id: &str,
    source: &Attachment,
    kind: SourceKind,
    bytes: &Arc<Vec<u8>>,
    plan: Plan,
    pages: Option<u32>,
    redactions: Vec<Redaction>,
    progress: &dyn Fn(u32, u32),
) -> ApiResult<String> {
    let settings = &state.settings;
    let max = settings
        .attachment_limits
        .max_bytes
        .max(settings.redaction.max_output_bytes);
    let mut spool = attachments::Spool::create(&settings.attachments_dir, max)?;
    let too_large = || {
        ApiError::new(
            ErrorCode::RedactFileTooLarge,
            format!(
                "遮盖后的文件超过 {} MB 的上限（redaction.max_output_bytes），请将原文件拆分后分别处理",
                max / (1024 * 1024)
            ),
        )
    };
    match plan {
        Plan::Pdf(boxes) => {
            let mut out = SpoolWriter {
                spool: &mut spool,
                too_large: false,
            };
            let result = gongkai_documents::redact_pdf_into(
                Arc::clone(bytes),
                &boxes,
                &settings.redaction.limits,
                &mut out,
                progress,
            );
            if out.too_large {
                return Err(too_large());
            }
            result.map_err(redact_error)?;
        }
        Plan::Scan(boxes) => {
            let made = gongkai_documents::redact_image(bytes, &boxes, &settings.redaction.limits)
                .map_err(redact_error)?;
            spool.write(&made.pdf).map_err(|_| too_large())?;
            progress(1, 1);
        }
        Plan::Table(made) => {
            spool.write(&made).map_err(|_| too_large())?;
            progress(1, 1);
        }
    }
    let spooled = spool.finish()?;
    let (filename, content_type) = output_name(source, kind);
    let limits = attachments::Limits {
        max_bytes: max,
        ..settings.attachment_limits.clone()
    };
    let law = state.law();
    let ctx = context(&law, actor.clone());
    let mut conn = state.pool.get().map_err(gongkai_store::StoreError::from)?;
    let output = gongkai_store::write_transaction(&mut conn, |conn| {
        let stored = attachments::store(
            conn,
            &settings.attachments_dir,
            &limits,
            &attachments::Upload {
                case_id,
                filename: &filename,
                content_type: &content_type,
                uploaded_by: &actor.id,
                applicant: false,
            },
            spooled,
        )?;
        let version = Case::from_events(&events::load(conn, case_id)?).version;
        let redaction = FileRedaction {
            source: file_ref(source, pages),
            output: file_ref(&stored, pages),
            redactions,
            method: method(kind, &settings.redaction),
        };
        gongkai_store::execute::execute(
            conn,
            case_id,
            version,
            Command::RecordRedaction { redaction },
            &ctx,
        )?;
        Ok::<_, gongkai_store::StoreError>(stored.id)
    })?;
    state.scheduler.poke();
    Ok(output)
}

/// The redacted file's name and type: the original's name marked 遮盖; a PDF for PDFs and
/// scans, the same type for tables.
fn output_name(source: &Attachment, kind: SourceKind) -> (String, String) {
    let (stem, ext) = match source.filename.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => (stem, ext),
        _ => (source.filename.as_str(), ""),
    };
    let stem: String = stem.chars().take(80).collect();
    match kind {
        SourceKind::Pdf | SourceKind::Scan(_) => (
            format!("{stem}（遮盖后）.pdf"),
            "application/pdf".to_owned(),
        ),
        SourceKind::Xlsx => (format!("{stem}（遮盖后）.xlsx"), XLSX.to_owned()),
        SourceKind::Csv => (
            format!(
                "{stem}（遮盖后）.{}",
                if ext.is_empty() { "csv" } else { ext }
            ),
            source.content_type.clone(),
        ),
    }
}

/// Job `job` of case `case_id`, for the clerk who started it (anyone else: 404).
pub async fn job(
    state: &web::Data<AppState>,
    c: Caller,
    case_id: String,
    job: String,
) -> ApiResult<JobView> {
    let found = state
        .jobs
        .get(&job)
        .filter(|j| j.owner == c.user.id && j.case_id == case_id)
        .ok_or_else(ApiError::not_found)?;
    // The case must still be within the caller's scope.
    db(state, move |conn, _| {
        visible_case(conn, &c, &case_id).map(|_| ())
    })
    .await?;
    Ok(JobView::from(found))
}
