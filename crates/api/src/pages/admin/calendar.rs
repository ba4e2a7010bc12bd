//! The working-day calendar: the years in force, and uploading a year with a preview of the
//! due dates it would move.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use crate::pages::{AdminPage, Chrome, FormBody, FormState, Visitor, WebResult};
use crate::service::admin;
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

#[derive(Template)]
#[template(path = "admin/calendar.html")]
pub(super) struct CalendarPage {
    chrome: Chrome,
    years: Vec<YearLine>,
    form: FormState,
    /// After "preview": the open cases and the changes, awaiting confirmation.
    preview: Option<(u64, Vec<ChangeLine>, usize)>,
}

pub(super) fn calendar_page(
    state: &web::Data<AppState>,
    visitor: &Visitor,
    form: FormState,
    preview: Option<(u64, Vec<ChangeLine>, usize)>,
    flash: Option<String>,
    status: StatusCode,
) -> WebResult {
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
            preview,
        },
    )
}

pub async fn calendar(state: web::Data<AppState>, page: AdminPage) -> WebResult {
    let visitor = &page.visitor;
    calendar_page(
        &state,
        visitor,
        FormState::default(),
        None,
        None,
        StatusCode::OK,
    )
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
        return calendar_page(
            &state,
            visitor,
            form,
            None,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
        );
    };
    let text = form.v("toml").replace("\r\n", "\n");
    if form.raw("confirm") == "1" {
        return match admin::install_calendar_year(&state, &page.caller, year, text).await {
            Ok(done) => calendar_page(
                &state,
                visitor,
                FormState::default(),
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
    match admin::preview_calendar_year(&state, &page.caller, year, text).await {
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
                Some((open, lines, total)),
                None,
                StatusCode::OK,
            )
        }
        Err(e) if e.status.is_client_error() => {
            let status = e.status;
            form.absorb(&e, "");
            calendar_page(&state, visitor, form, None, None, status)
        }
        Err(e) => Err(e.into()),
    }
}
