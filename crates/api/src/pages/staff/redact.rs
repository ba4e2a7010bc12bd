//! The redaction editor (区分处理): a staff file's pages as images with the parts to withhold
//! marked on them, each with its legal ground; and the page that follows the redaction while
//! it is made. The one page with JavaScript (static/redact.js: drawing, moving and deleting
//! boxes), and it works without it: every box is a row of the form, entered by page and
//! position in millimetres from the page's top left corner.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use askama::Template;
use gongkai_workflow::model::{Redaction, RedactionArea, RedactionGround, ThirdPartyStance};
use serde::Deserialize;

use super::super::{Chrome, FormBody, FormState, StaffPage, WebError, WebResult, see_other};
use crate::service::redaction::{self, JobView, LayoutView, RedactionRequest};
use crate::state::AppState;

/// Millimetres in a point.
const MM_PER_PT: f32 = 25.4 / 72.0;
/// Blank rows offered below the rows entered.
const BLANK_ROWS: usize = 8;
/// The most rows the form takes (the API takes more).
const MAX_ROWS: usize = 500;

/// The policy of the editor: the one page that runs a script (its own file, nothing inline).
pub const EDITOR_CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
     script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// One row of the form: a box (page and millimetres) or a table part, and its ground.
#[derive(Default)]
pub struct RowView {
    pub i: usize,
    pub page: String,
    pub x: String,
    pub y: String,
    pub w: String,
    pub h: String,
    pub kind: String,
    pub sheet: String,
    pub row: String,
    pub column: String,
    pub ground: String,
    pub third_party: String,
    pub public_interest: bool,
    /// A row the system proposed ("身份证号码：…"): submitted only when `used` is ticked.
    pub proposal: String,
    pub used: bool,
    /// Fields with an error (marked aria-invalid; the summary above names them).
    pub bad_page: bool,
    pub bad_row: bool,
    pub bad_ground: bool,
    pub bad_third_party: bool,
}

pub struct PageView {
    pub n: u32,
    pub width_pt: f32,
    pub height_pt: f32,
    /// The size as a person reads it, in millimetres.
    pub size_mm: String,
    pub src: String,
}

pub struct SheetView {
    pub name: String,
    pub label: String,
    pub size: String,
    pub hidden: String,
    /// Column headers (A, B, …) of the preview.
    pub columns: Vec<String>,
    /// (row number from 1, values).
    pub rows: Vec<(u32, Vec<String>)>,
    pub cut: bool,
}

#[derive(Template)]
#[template(path = "staff/redact.html")]
struct EditorPage {
    chrome: Chrome,
    case_id: String,
    attachment: String,
    filename: String,
    table: bool,
    pages: Vec<PageView>,
    sheets: Vec<SheetView>,
    rows: Vec<RowView>,
    grounds: Vec<(&'static str, String)>,
    stances: Vec<(&'static str, &'static str)>,
    form: FormState,
    /// What the search for personal identifiers found.
    proposal_note: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/redaction_job.html")]
struct JobPage {
    chrome: Chrome,
    case_id: String,
    job: JobView,
    /// The editor to go back to.
    editor: String,
}

/// The query of the editor: more blank rows when asked.
#[derive(Deserialize)]
pub struct EditorQuery {
    #[serde(default)]
    rows: Option<usize>,
    /// Look for personal identifiers and these names (set by the 查找 button).
    #[serde(default)]
    propose: Option<String>,
    #[serde(default)]
    names: Option<String>,
}

fn grounds() -> Vec<(&'static str, String)> {
    RedactionGround::ALL
        .iter()
        .map(|g| {
            (
                g.as_str(),
                format!("《条例》{}：{}", g.article_zh(), g.label_zh()),
            )
        })
        .collect()
}

fn stances() -> Vec<(&'static str, &'static str)> {
    [
        ThirdPartyStance::NotConsulted,
        ThirdPartyStance::Objected,
        ThirdPartyStance::NoAnswer,
    ]
    .iter()
    .map(|s| (s.as_str(), s.label_zh()))
    .collect()
}

/// What the search found, for the clerk.
fn proposal_note(found: &redaction::ProposalsView) -> String {
    let mut note = if found.items.is_empty() {
        "未找到身份证号码、手机号码、银行卡号、电子邮箱或所列姓名。".to_owned()
    } else {
        format!(
            "找到 {} 处可能需要遮盖的个人信息，已列入下表并默认不采用：请逐处核对，勾选“采用”的才会遮盖。",
            found.items.len()
        )
    };
    if !found.pages_without_text.is_empty() {
        let pages: Vec<String> = found
            .pages_without_text
            .iter()
            .map(u32::to_string)
            .collect();
        note.push_str(&format!(
            "第 {} 页没有可读取的文字（扫描件等），无法自动查找，请人工核对。",
            pages.join("、")
        ));
    }
    note
}

fn mm(pt: f32) -> String {
    format!("{:.1}", pt * MM_PER_PT)
}

/// The rows as submitted (or none), and blank ones after them.
fn rows_of(form: &FormState, extra: usize) -> Vec<RowView> {
    let mut rows = Vec::new();
    for i in 0..MAX_ROWS {
        let f = |name: &str| form.raw(&format!("r.{i}.{name}")).trim().to_owned();
        let row = RowView {
            i,
            page: f("page"),
            x: f("x"),
            y: f("y"),
            w: f("w"),
            h: f("h"),
            kind: f("kind"),
            sheet: f("sheet"),
            row: f("row"),
            column: f("column"),
            ground: f("ground"),
            third_party: f("third_party"),
            public_interest: !f("public_interest").is_empty(),
            proposal: f("proposal"),
            used: !f("use").is_empty(),
            ..RowView::default()
        };
        if is_blank(&row) {
            continue;
        }
        rows.push(row);
    }
    // Renumbered in order, so that the rows a clerk entered stay together.
    for (i, r) in rows.iter_mut().enumerate() {
        r.i = i;
    }
    let start = rows.len();
    for i in start..(start + extra).min(MAX_ROWS) {
        rows.push(RowView {
            i,
            ..RowView::default()
        });
    }
    rows
}

fn is_blank(r: &RowView) -> bool {
    [&r.page, &r.x, &r.y, &r.w, &r.h, &r.row, &r.column]
        .iter()
        .all(|v| v.is_empty())
}

/// Whether a row is to be withheld: filled in, and for a proposal, accepted.
fn is_part(r: &RowView) -> bool {
    !is_blank(r) && (r.proposal.is_empty() || r.used)
}

/// A table column typed as letters (C, AA) or a number from 1; counted from 0.
fn column_of(text: &str) -> Option<u32> {
    if let Ok(n) = text.parse::<u32>() {
        return n.checked_sub(1);
    }
    let mut n: u32 = 0;
    for b in text.to_ascii_uppercase().bytes() {
        if !b.is_ascii_uppercase() {
            return None;
        }
        n = n.checked_mul(26)?.checked_add(u32::from(b - b'A') + 1)?;
    }
    n.checked_sub(1)
}

/// The parts of the form, or the form with an error next to each wrong field.
fn parts(rows: &[RowView], table: bool, form: &mut FormState) -> Option<Vec<Redaction>> {
    let mut out = Vec::new();
    let mut ok = true;
    for r in rows.iter().filter(|r| is_part(r)) {
        let at = |name: &str| format!("r.{}.{name}", r.i);
        let n = r.i + 1;
        let mut bad = |name: &str, message: String| {
            form.add_error(&at(name), message);
            ok = false;
        };
        let area = if table {
            let row = || r.row.parse::<u32>().ok().and_then(|v| v.checked_sub(1));
            let column = || column_of(&r.column);
            match r.kind.as_str() {
                "row" => row().map(|row| RedactionArea::Row {
                    sheet: r.sheet.clone(),
                    row,
                }),
                "column" => column().map(|column| RedactionArea::Column {
                    sheet: r.sheet.clone(),
                    column,
                }),
                _ => row()
                    .zip(column())
                    .map(|(row, column)| RedactionArea::Cell {
                        sheet: r.sheet.clone(),
                        row,
                        column,
                    }),
            }
            .or_else(|| {
                bad(
                    "row",
                    format!("第 {n} 行：请填写行号（从 1 起）和列（字母如 C，或从 1 起的数字）"),
                );
                None
            })
        } else {
            let num = |v: &str| v.parse::<f32>().ok().filter(|f| f.is_finite());
            match (
                r.page.parse::<u32>().ok().filter(|p| *p > 0),
                num(&r.x),
                num(&r.y),
                num(&r.w),
                num(&r.h),
            ) {
                (Some(page), Some(x), Some(y), Some(w), Some(h)) => Some(RedactionArea::Box {
                    page,
                    x: x / MM_PER_PT,
                    y: y / MM_PER_PT,
                    w: w / MM_PER_PT,
                    h: h / MM_PER_PT,
                }),
                _ => {
                    bad(
                        "page",
                        format!(
                            "第 {n} 行：请填写页码（从 1 起）和框的位置、大小（毫米，自页面左上角量起）"
                        ),
                    );
                    None
                }
            }
        };
        let ground = RedactionGround::parse(&r.ground).or_else(|| {
            bad("ground", format!("第 {n} 行：请选择遮盖的依据"));
            None
        });
        let (Some(area), Some(ground)) = (area, ground) else {
            continue;
        };
        let third_party = if ground.protects_third_party() {
            let s = ThirdPartyStance::parse(&r.third_party);
            if s.is_none() {
                bad(
                    "third_party",
                    format!("第 {n} 行：依据第十五条遮盖的，请选择第三方的意见"),
                );
                continue;
            }
            s
        } else {
            None
        };
        out.push(Redaction {
            area,
            ground,
            third_party,
            public_interest_prevails: ground.protects_third_party() && r.public_interest,
        });
    }
    if ok && out.is_empty() {
        form.general
            .push("请至少标出一处需要遮盖的内容（在页面上画框，或在下表中填写）".to_owned());
        ok = false;
    }
    ok.then_some(out)
}

fn editor_view(
    page: &StaffPage,
    case_id: &str,
    layout: LayoutView,
    form: FormState,
    extra: usize,
) -> EditorPage {
    let table = layout.kind == "xlsx" || layout.kind == "csv";
    let pages = layout
        .pages
        .iter()
        .map(|p| PageView {
            n: p.page,
            width_pt: p.width,
            height_pt: p.height,
            size_mm: format!("{} × {} 毫米", mm(p.width), mm(p.height)),
            src: format!(
                "/staff/cases/{case_id}/files/{}/pages/{}",
                layout.attachment, p.page
            ),
        })
        .collect();
    let sheets = layout
        .sheets
        .into_iter()
        .map(|s| {
            let columns: Vec<String> = (0..s.cells.first().map_or(0, Vec::len) as u32)
                .map(gongkai_workflow::model::column_name)
                .collect();
            let hidden = if s.hidden_rows.is_empty() && s.hidden_columns.is_empty() {
                String::new()
            } else {
                format!(
                    "隐藏的 {} 行、{} 列不会出现在遮盖后的文件中",
                    s.hidden_rows.len(),
                    s.hidden_columns.len()
                )
            };
            let cut = s.rows as usize > s.cells.len()
                || s.columns as usize > s.cells.first().map_or(0, Vec::len);
            SheetView {
                label: if s.name.is_empty() {
                    "表格".to_owned()
                } else {
                    format!("工作表「{}」", s.name)
                },
                size: format!("{} 行 × {} 列", s.rows, s.columns),
                hidden,
                columns,
                rows: s
                    .cells
                    .into_iter()
                    .enumerate()
                    .map(|(i, r)| (i as u32 + 1, r))
                    .collect(),
                cut,
                name: s.name,
            }
        })
        .collect();
    let mut rows = rows_of(&form, extra);
    for r in &mut rows {
        let bad = |name: &str| form.err(&format!("r.{}.{name}", r.i)).is_some();
        r.bad_page = bad("page");
        r.bad_row = bad("row");
        r.bad_ground = bad("ground");
        r.bad_third_party = bad("third_party");
    }
    let mut chrome = page
        .visitor
        .chrome(format!("区分处理：{}", layout.filename));
    chrome.flash = None;
    EditorPage {
        chrome,
        case_id: case_id.to_owned(),
        attachment: layout.attachment,
        filename: layout.filename,
        table,
        pages,
        sheets,
        rows,
        grounds: grounds(),
        stances: stances(),
        form,
        proposal_note: None,
    }
}

fn with_editor_policy(mut r: HttpResponse) -> HttpResponse {
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        header::HeaderValue::from_static(EDITOR_CSP),
    );
    r
}

/// The editor of file `attachment` of case `id`.
pub async fn editor(
    state: web::Data<AppState>,
    page: StaffPage,
    path: web::Path<(String, String)>,
    query: web::Query<EditorQuery>,
) -> WebResult {
    let (id, attachment) = path.into_inner();
    let query = query.into_inner();
    let c = page.caller.0.clone();
    let layout = redaction::layout(&state, c.clone(), id.clone(), attachment.clone()).await?;
    let extra = query.rows.unwrap_or(BLANK_ROWS).clamp(1, MAX_ROWS);
    let names_text = query.names.clone().unwrap_or_default();
    let mut form = FormState::with(&[("names", names_text.as_str())]);
    let mut note = None;
    if query.propose.is_some() {
        match redaction::proposals(&state, c, id.clone(), attachment, names_text.clone()).await {
            Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY && !e.errors.is_empty() => {
                form.add_error("names", e.errors[0].message.clone());
            }
            Err(e) => return Err(WebError(e)),
            Ok(found) => {
                note = Some(proposal_note(&found));
                for (i, p) in found.items.iter().take(MAX_ROWS).enumerate() {
                    let mut set =
                        |name: &str, value: String| form.set(&format!("r.{i}.{name}"), value);
                    set("proposal", format!("{}：{}", p.label, p.text));
                    set(
                        "ground",
                        RedactionGround::PersonalPrivacy.as_str().to_owned(),
                    );
                    set(
                        "third_party",
                        ThirdPartyStance::NotConsulted.as_str().to_owned(),
                    );
                    if let (Some(page), Some(x), Some(y), Some(w), Some(h)) =
                        (p.page, p.x, p.y, p.w, p.h)
                    {
                        set("page", page.to_string());
                        set("x", mm(x));
                        set("y", mm(y));
                        set("w", mm(w));
                        set("h", mm(h));
                    }
                    if let (Some(row), Some(column)) = (p.row, p.column) {
                        set("kind", "cell".to_owned());
                        set("sheet", p.sheet.clone().unwrap_or_default());
                        set("row", (row + 1).to_string());
                        set("column", gongkai_workflow::model::column_name(column));
                    }
                }
            }
        }
    }
    let mut view = editor_view(&page, &id, layout, form, extra);
    view.proposal_note = note;
    Ok(with_editor_policy(
        page.visitor.render(StatusCode::OK, &view)?,
    ))
}

/// A page of the file as the editor shows it.
pub async fn page_image(
    state: web::Data<AppState>,
    page: StaffPage,
    path: web::Path<(String, String, u32)>,
) -> WebResult {
    let (id, attachment, n) = path.into_inner();
    let png = redaction::page_image(&state, page.caller.0.clone(), id, attachment, n).await?;
    Ok(HttpResponse::Ok().content_type("image/png").body(png))
}

/// The editor again, with what was entered and why it was refused (the file is read only
/// for this: a redaction that starts reads it once, in the service).
async fn again(
    state: &web::Data<AppState>,
    page: &StaffPage,
    id: &str,
    attachment: &str,
    form: FormState,
    status: StatusCode,
) -> WebResult {
    let layout = redaction::layout(
        state,
        page.caller.0.clone(),
        id.to_owned(),
        attachment.to_owned(),
    )
    .await?;
    let view = editor_view(page, id, layout, form, BLANK_ROWS);
    Ok(with_editor_policy(page.visitor.render(status, &view)?))
}

/// Starts the redaction the form describes; the form comes back with its errors otherwise.
pub async fn submit(
    state: web::Data<AppState>,
    page: StaffPage,
    path: web::Path<(String, String)>,
    body: FormBody,
) -> WebResult {
    let (id, attachment) = path.into_inner();
    let mut form = body.0;
    let c = page.caller.0.clone();
    if let Err(refused) = page.visitor.check(&form) {
        form.general.push(refused.0.detail.clone());
        return again(&state, &page, &id, &attachment, form, refused.0.status).await;
    }
    // The form says whether it lists table parts; the service checks the parts against the
    // file itself.
    let table = form.raw("table") == "1";
    let rows = rows_of(&form, 0);
    let Some(redactions) = parts(&rows, table, &mut form) else {
        return again(
            &state,
            &page,
            &id,
            &attachment,
            form,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match redaction::start(
        &state,
        c,
        id.clone(),
        attachment.clone(),
        RedactionRequest { redactions },
    )
    .await
    {
        Ok(job) => Ok(see_other(&format!(
            "/staff/cases/{id}/redaction-jobs/{}",
            job.id
        ))),
        Err(e) if e.status == StatusCode::NOT_FOUND => Err(WebError(e)),
        Err(e) if e.status.is_client_error() || e.status == StatusCode::SERVICE_UNAVAILABLE => {
            let status = e.status;
            // The detail of a refusal about fields repeats their messages: one or the other.
            if e.errors.is_empty() {
                form.general.push(e.detail.clone());
            }
            form.general
                .extend(e.errors.iter().map(|f| f.message.clone()));
            again(&state, &page, &id, &attachment, form, status).await
        }
        Err(e) => Err(WebError(e)),
    }
}

/// Where a redaction stands; the page reloads itself until it is done.
pub async fn job_page(
    state: web::Data<AppState>,
    page: StaffPage,
    path: web::Path<(String, String)>,
) -> WebResult {
    let (id, job) = path.into_inner();
    let job = redaction::job(&state, page.caller.0.clone(), id.clone(), job).await?;
    let editor = format!("/staff/cases/{id}/files/{}/redact", job.source);
    let mut r = page.visitor.render(
        StatusCode::OK,
        &JobPage {
            chrome: page.visitor.chrome("区分处理进度".to_owned()),
            case_id: id,
            job: job.clone(),
            editor,
        },
    )?;
    if job.output.is_none() && job.error.is_none() {
        // No script: the browser asks again in two seconds.
        r.headers_mut()
            .insert(header::REFRESH, header::HeaderValue::from_static("2"));
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_read_as_letters_or_numbers() {
        assert_eq!(column_of("A"), Some(0));
        assert_eq!(column_of("c"), Some(2));
        assert_eq!(column_of("AA"), Some(26));
        assert_eq!(column_of("3"), Some(2));
        assert_eq!(column_of("0"), None);
        assert_eq!(column_of("C3"), None);
        assert_eq!(column_of(""), None);
    }

    #[test]
    fn a_form_row_becomes_a_box_in_points_with_its_ground() {
        let mut form = FormState::with(&[
            ("r.0.page", "2"),
            ("r.0.x", "25.4"),
            ("r.0.y", "10"),
            ("r.0.w", "50.8"),
            ("r.0.h", "5"),
            ("r.0.ground", "personal_privacy"),
            ("r.0.third_party", "not_consulted"),
            ("r.3.page", "1"),
            ("r.3.x", "1"),
            ("r.3.y", "1"),
            ("r.3.w", "1"),
            ("r.3.h", "1"),
            ("r.3.ground", "process_information"),
        ]);
        let rows = rows_of(&form, 0);
        let got = parts(&rows, false, &mut form).unwrap();
        assert_eq!(got.len(), 2);
        match got[0].area {
            RedactionArea::Box { page, x, w, .. } => {
                assert_eq!(page, 2);
                assert!((x - 72.0).abs() < 0.01);
                assert!((w - 144.0).abs() < 0.01);
            }
            _ => panic!("not a box"),
        }
        assert_eq!(got[0].third_party, Some(ThirdPartyStance::NotConsulted));
        assert_eq!(got[1].third_party, None);
    }

    #[test]
    fn a_row_without_ground_or_stance_is_sent_back_with_the_error_on_it() {
        let mut form = FormState::with(&[
            ("r.0.page", "1"),
            ("r.0.x", "1"),
            ("r.0.y", "1"),
            ("r.0.w", "1"),
            ("r.0.h", "1"),
            ("r.0.ground", "trade_secret"),
        ]);
        let rows = rows_of(&form, 0);
        assert!(parts(&rows, false, &mut form).is_none());
        assert!(form.err("r.0.third_party").is_some());
        let mut empty = FormState::default();
        assert!(parts(&rows_of(&empty.clone(), 0), false, &mut empty).is_none());
        assert!(!empty.general.is_empty());
    }

    #[test]
    fn table_rows_name_cells_rows_and_columns_from_one() {
        let mut form = FormState::with(&[
            ("r.0.kind", "column"),
            ("r.0.sheet", "名单"),
            ("r.0.column", "C"),
            ("r.0.ground", "personal_privacy"),
            ("r.0.third_party", "not_consulted"),
            ("r.1.kind", "cell"),
            ("r.1.row", "4"),
            ("r.1.column", "2"),
            ("r.1.ground", "internal_affairs"),
        ]);
        let rows = rows_of(&form, 0);
        let got = parts(&rows, true, &mut form).unwrap();
        assert_eq!(
            got[0].area,
            RedactionArea::Column {
                sheet: "名单".into(),
                column: 2
            }
        );
        assert_eq!(
            got[1].area,
            RedactionArea::Cell {
                sheet: String::new(),
                row: 3,
                column: 1
            }
        );
    }
}
