//! The working-day calendar: the years in force, and uploading a year with a preview of the
//! due dates it would move.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use crate::pages::{AdminPage, Chrome, FormBody, FormState, Visitor, WebResult};
use crate::service::admin;
use crate::service::calendar::{self, HolidayRow};
use crate::state::AppState;

pub struct YearLine {
    pub year: i32,
    /// Uploaded by an admin (stored in the database), not the built-in year.
    pub uploaded: bool,
    pub source: String,
    pub holidays: String,
    pub makeup: String,
}

pub struct ChangeLine {
    pub case_id: String,
    pub tracking_number: String,
    pub before: String,
    pub after: String,
}

/// After "preview": the open cases, the changes (the first 200) and their number, and the
/// year's text the confirmation installs.
pub struct Preview {
    pub open: u64,
    pub lines: Vec<ChangeLine>,
    pub total: usize,
    pub toml: String,
}

/// One holiday row of the form, as entered, with its error.
pub struct HolidayRowView {
    pub i: usize,
    pub name: String,
    pub from: String,
    pub to: String,
    pub error: Option<String>,
}

/// One make-up working day of the form, as entered, with its error.
pub struct MakeupRowView {
    pub i: usize,
    pub value: String,
    pub error: Option<String>,
}

/// Empty rows the form offers: a year's notice lists seven holidays and a handful of
/// make-up days.
const HOLIDAY_ROWS: usize = 10;
const MAKEUP_ROWS: usize = 8;
/// Rows read from a submission at most (a form never has more).
const MAX_ROWS: usize = 40;

#[derive(Template)]
#[template(path = "admin/calendar.html")]
pub(super) struct CalendarPage {
    chrome: Chrome,
    years: Vec<YearLine>,
    form: FormState,
    holiday_rows: Vec<HolidayRowView>,
    makeup_rows: Vec<MakeupRowView>,
    /// The TOML path was used (its part of the form is shown open).
    toml_open: bool,
    preview: Option<Preview>,
}

/// The holiday rows of a submission (`holidays.{i}.name|from|to`).
fn holiday_rows(form: &FormState) -> Vec<HolidayRow> {
    let count = (0..MAX_ROWS)
        .rev()
        .find(|i| {
            ["name", "from", "to"]
                .iter()
                .any(|f| !form.v(&format!("holidays.{i}.{f}")).is_empty())
        })
        .map_or(0, |i| i + 1);
    (0..count)
        .map(|i| HolidayRow {
            name: form.v(&format!("holidays.{i}.name")).to_owned(),
            from: form.v(&format!("holidays.{i}.from")).to_owned(),
            to: form.v(&format!("holidays.{i}.to")).to_owned(),
        })
        .collect()
}

/// The make-up days of a submission (`makeup.{i}`).
fn makeup_rows(form: &FormState) -> Vec<String> {
    let count = (0..MAX_ROWS)
        .rev()
        .find(|i| !form.v(&format!("makeup.{i}")).is_empty())
        .map_or(0, |i| i + 1);
    (0..count)
        .map(|i| form.v(&format!("makeup.{i}")).to_owned())
        .collect()
}

/// The form again with its errors (422).
fn refused(state: &web::Data<AppState>, visitor: &Visitor, form: FormState) -> WebResult {
    calendar_page(
        state,
        visitor,
        form,
        None,
        None,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

pub(super) fn calendar_page(
    state: &web::Data<AppState>,
    visitor: &Visitor,
    form: FormState,
    preview: Option<Preview>,
    flash: Option<String>,
    status: StatusCode,
) -> WebResult {
    let entered = holiday_rows(&form);
    let holiday_rows = (0..entered.len().max(HOLIDAY_ROWS))
        .map(|i| {
            let row = entered.get(i).cloned().unwrap_or_default();
            HolidayRowView {
                i,
                name: row.name,
                from: row.from,
                to: row.to,
                error: form.err(&format!("holidays.{i}")).map(str::to_owned),
            }
        })
        .collect();
    let entered = makeup_rows(&form);
    let makeup_rows = (0..entered.len().max(MAKEUP_ROWS))
        .map(|i| MakeupRowView {
            i,
            value: entered.get(i).cloned().unwrap_or_default(),
            error: form.err(&format!("makeup.{i}")).map(str::to_owned),
        })
        .collect();
    let toml_open = !form.v("toml").is_empty() || form.err("toml").is_some();
    let law = state.law();
    // Newest first: the years an admin works on (this one, the next to upload) lead, and the
    // cn-2008 years (2008–2018) follow rather than push them down the page.
    let years = law
        .calendar
        .years()
        .iter()
        .rev()
        .map(|y| YearLine {
            year: y.year,
            uploaded: !state.base_years.contains(y),
            source: y.source.clone().unwrap_or_default(),
            holidays: y
                .holidays
                .iter()
                .map(|h| {
                    if h.from == h.to {
                        format!("{}（{}）", h.name, h.from.format("%m-%d"))
                    } else {
                        format!(
                            "{}（{}—{}）",
                            h.name,
                            h.from.format("%m-%d"),
                            h.to.format("%m-%d")
                        )
                    }
                })
                .collect::<Vec<_>>()
                .join("，"),
            makeup: y
                .makeup
                .iter()
                .map(|d| d.format("%m-%d").to_string())
                .collect::<Vec<_>>()
                .join("，"),
        })
        .collect();
    let mut chrome = visitor.chrome("工作日历");
    chrome.flash = flash;
    visitor.render(
        status,
        &CalendarPage {
            chrome,
            years,
            form,
            holiday_rows,
            makeup_rows,
            toml_open,
            preview,
        },
    )
}

/// A fresh form: the year to load next (the first one missing from today's year on).
fn fresh_form(state: &AppState) -> FormState {
    use chrono::Datelike;
    let law = state.law();
    let mut year = calendar::today(state).year();
    while law.calendar.year(year).is_some() {
        year += 1;
    }
    FormState::with(&[("year", &year.to_string())])
}

pub async fn calendar(state: web::Data<AppState>, page: AdminPage) -> WebResult {
    let visitor = &page.visitor;
    let form = fresh_form(&state);
    calendar_page(&state, visitor, form, None, None, StatusCode::OK)
}

pub async fn calendar_upload(
    state: web::Data<AppState>,
    page: AdminPage,
    body: FormBody,
) -> WebResult {
    let visitor = &page.visitor;
    let mut form = body.0;
    visitor.check(&form)?;
    let Ok(year) = form.v("year").trim().parse::<i32>() else {
        form.add_error("year", "请填写年份（如 2027）");
        return refused(&state, visitor, form);
    };
    let rows = holiday_rows(&form);
    let makeup = makeup_rows(&form);
    let confirm = form.raw("confirm") == "1";
    // The rows, when any is filled in, else the TOML text (the advanced way); the
    // confirmation carries the text the preview was made of.
    let from_rows = !confirm && (!rows.is_empty() || !makeup.is_empty());
    let text = if from_rows {
        let built = calendar::year_from_rows(year, form.v("source"), &rows, &makeup)
            .and_then(calendar::year_toml);
        match built {
            Ok(text) => text,
            Err(errors) => {
                for e in errors {
                    form.add_error(&e.path, e.message);
                }
                return refused(&state, visitor, form);
            }
        }
    } else {
        form.v("toml").replace("\r\n", "\n")
    };
    if text.trim().is_empty() {
        form.add_error(
            "holidays.0",
            "请填写该年的节假日（每行一段放假日期），或在下方粘贴 TOML 文本",
        );
        return refused(&state, visitor, form);
    }
    if confirm {
        return match admin::install_calendar_year(&state, &page.caller, year, text).await {
            Ok(done) => calendar_page(
                &state,
                visitor,
                fresh_form(&state),
                None,
                Some(format!(
                    "{year} 年日历已启用；{} 件在办案件中有 {} 件的期限或预警已重新计算",
                    done.open_cases, done.recomputed
                )),
                StatusCode::OK,
            ),
            Err(e) if e.status.is_client_error() => {
                let status = e.status;
                form.absorb(&e, "");
                calendar_page(&state, visitor, form, None, None, status)
            }
            Err(e) => Err(e.into()),
        };
    }
    match admin::preview_calendar_year(&state, &page.caller, year, text.clone()).await {
        Ok((open, changes)) => {
            let total = changes.len();
            let lines = changes
                .into_iter()
                .take(200)
                .map(|d| ChangeLine {
                    case_id: d.case_id,
                    tracking_number: d.tracking_number.unwrap_or_else(|| "（未登记）".to_owned()),
                    before: d
                        .before
                        .map(|x| x.to_string())
                        .unwrap_or_else(|| "—".to_owned()),
                    after: d
                        .after
                        .map(|x| x.to_string())
                        .unwrap_or_else(|| "—".to_owned()),
                })
                .collect();
            calendar_page(
                &state,
                visitor,
                form,
                Some(Preview {
                    open,
                    lines,
                    total,
                    toml: text,
                }),
                None,
                StatusCode::OK,
            )
        }
        Err(mut e) if e.status.is_client_error() => {
            let status = e.status;
            // Entered as rows, what the check says of the year's text concerns the year.
            if from_rows {
                for f in &mut e.errors {
                    if f.path == "toml" {
                        f.path = "year".to_owned();
                    }
                }
            }
            form.absorb(&e, "");
            calendar_page(&state, visitor, form, None, None, status)
        }
        Err(e) => Err(e.into()),
    }
}
