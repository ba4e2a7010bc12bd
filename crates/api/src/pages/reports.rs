//! The annual report's tables 三 and 四 on the web (page, CSV, Excel), for supervisors (their
//! departments) and admins.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use gongkai_workflow::report::{TABLE4_COLUMNS, TABLE4_GROUPS};
use serde::Deserialize;

use super::public::Choice;
use super::{Chrome, FormState, SupervisorPage, WebError, WebResult};
use crate::auth::Supervisor;
use crate::error::ApiError;
use crate::service::reports::{self, ReportScope};
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct ReportQuery {
    #[serde(default)]
    year: Option<String>,
    /// `agency:CODE`, `department:CODE`, or empty for everything (admins).
    #[serde(default)]
    scope: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/report.html")]
struct ReportPage {
    chrome: Chrome,
    form: FormState,
    scopes: Vec<Choice>,
    rows: Vec<(String, String, [u64; 7])>,
    /// Table 四's 15 cells in order, and its column heads.
    table4: Vec<u64>,
    table4_columns: [&'static str; 5],
    table4_groups: [&'static str; 3],
    csv_link: String,
    xlsx_link: String,
}

/// The report the page asks for: the year (default: last year), the scope (default: the
/// service's), and what the page's form and links need.
async fn compute(
    state: &web::Data<AppState>,
    c: &Supervisor,
    query: ReportQuery,
) -> Result<(reports::Report, FormState, Vec<Choice>, String), WebError> {
    let year = match query
        .year
        .as_deref()
        .map(str::trim)
        .filter(|y| !y.is_empty())
    {
        None => reports::default_year(),
        Some(y) => y
            .parse::<i32>()
            .map_err(|_| WebError(ApiError::bad_request("年份须为整数，如 2025")))?,
    };
    let asked = match query.scope.as_deref().map(str::trim).unwrap_or("") {
        "" => reports::Asked::default(),
        text => match ReportScope::parse(text) {
            Some(ReportScope::Agency(a)) => reports::Asked {
                agency: Some(a),
                department: None,
            },
            Some(ReportScope::Department(d)) => reports::Asked {
                agency: None,
                department: Some(d),
            },
            _ => return Err(WebError(ApiError::not_found())),
        },
    };
    let done = reports::annual(state, c, year, asked).await?;
    let scope = done.scope.value();
    let form = FormState::with(&[("year", &year.to_string()), ("scope", &scope)]);
    let link = format!(
        "/staff/report.csv?year={year}&scope={}",
        super::form::percent_encode(&scope)
    );
    let choices = done
        .choices
        .iter()
        .map(|(s, label)| Choice {
            value: s.value(),
            label: label.clone(),
        })
        .collect();
    Ok((done, form, choices, link))
}

pub async fn page(
    state: web::Data<AppState>,
    page: SupervisorPage,
    query: web::Query<ReportQuery>,
) -> WebResult {
    let SupervisorPage { visitor, caller } = page;
    let (done, form, scopes, csv_link) = compute(&state, &caller, query.into_inner()).await?;
    let report = done.report;
    let xlsx_link = csv_link.replacen("/staff/report.csv", "/staff/report.xlsx", 1);
    visitor.render(
        StatusCode::OK,
        &ReportPage {
            chrome: visitor.chrome(format!("{} 年度报告", report.table3.year)),
            form,
            scopes,
            rows: report.table3.rows(),
            table4: report.table4.cells(),
            table4_columns: TABLE4_COLUMNS,
            table4_groups: TABLE4_GROUPS,
            csv_link,
            xlsx_link,
        },
    )
}

pub async fn csv(
    state: web::Data<AppState>,
    page: SupervisorPage,
    query: web::Query<ReportQuery>,
) -> WebResult {
    let SupervisorPage { visitor, caller } = page;
    let report = compute(&state, &caller, query.into_inner()).await?.0.report;
    super::insight::csv_response(
        &visitor,
        &format!("annual-report-{}.csv", report.table3.year),
        report.to_csv(),
    )
}

pub async fn xlsx(
    state: web::Data<AppState>,
    page: SupervisorPage,
    query: web::Query<ReportQuery>,
) -> WebResult {
    let SupervisorPage { visitor, caller } = page;
    let done = compute(&state, &caller, query.into_inner()).await?.0;
    let report = done.report;
    let bytes =
        crate::export::annual_xlsx(&report, &done.scope_name).map_err(ApiError::internal)?;
    Ok(visitor
        .respond(StatusCode::OK)
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            "Content-Disposition",
            format!(
                "attachment; filename=\"annual-report-{}.xlsx\"",
                report.table3.year
            ),
        ))
        .body(bytes))
}
