//! The annual report's tables 三 and 四 on the web (page, CSV, Excel), for supervisors (their
//! departments) and admins.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use gongkai_workflow::report::{TABLE4_COLUMNS, TABLE4_GROUPS};
use serde::Deserialize;

use super::public::Choice;
use super::{Chrome, FormBody, FormState, SupervisorPage, WebError, WebResult};
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
    /// The format's document (国办公开办函〔2019〕60号 or 〔2021〕30号).
    format: &'static str,
    /// Art. 49: 31 January of the next year.
    deadline: String,
    /// The year is over: its report may be published.
    can_publish: bool,
    /// The version in force: number, when, by whom, why (None before the first).
    published: Option<(i32, String, String, String)>,
    /// Earlier versions, as (number, when, reason).
    earlier: Vec<(i32, String, String)>,
    /// Rows that differ from the version in force: (table, row, label, published total, total
    /// now).
    differences: Vec<(u8, String, String, u64, u64)>,
}

/// The report the page asks for: the year (default: last year), the scope (default: the
/// service's), and what the page's form and links need.
async fn compute(
    state: &web::Data<AppState>,
    c: &Supervisor,
    query: ReportQuery,
) -> Result<(reports::Report, FormState, Vec<Choice>, String), WebError> {
    let (done, form, choices, link, _) = compute_with(state, c, query, false).await?;
    Ok((done, form, choices, link))
}

/// As [`compute`], with where the year's publication stands when `with_publication`.
async fn compute_with(
    state: &web::Data<AppState>,
    c: &Supervisor,
    query: ReportQuery,
    with_publication: bool,
) -> Result<
    (
        reports::Report,
        FormState,
        Vec<Choice>,
        String,
        Option<reports::Publication>,
    ),
    WebError,
> {
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
    let (done, publication) = if with_publication {
        let (done, p) = reports::annual_with_publication(state, c, year, asked).await?;
        (done, Some(p))
    } else {
        (reports::annual(state, c, year, asked).await?, None)
    };
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
    Ok((done, form, choices, link, publication))
}

pub async fn page(
    state: web::Data<AppState>,
    page: SupervisorPage,
    query: web::Query<ReportQuery>,
) -> WebResult {
    let SupervisorPage { visitor, caller } = page;
    let (done, form, scopes, csv_link, publication) =
        compute_with(&state, &caller, query.into_inner(), true).await?;
    let report = done.report;
    let xlsx_link = csv_link.replacen("/staff/report.csv", "/staff/report.xlsx", 1);
    let year = report.table3.year;
    let when = |t: chrono::DateTime<chrono::Utc>| {
        t.with_timezone(&chrono_tz::Asia::Shanghai)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    };
    let (mut published, mut earlier, mut differences, mut deadline) =
        (None, Vec::new(), Vec::new(), String::new());
    if let Some(p) = publication {
        deadline = p.deadline.to_string();
        let mut versions = p.versions;
        if let Some(last) = versions.pop() {
            published = Some((
                last.version,
                when(last.published_at),
                last.published_by_name,
                last.reason.unwrap_or_default(),
            ));
        }
        earlier = versions
            .into_iter()
            .map(|v| {
                (
                    v.version,
                    when(v.published_at),
                    v.reason.unwrap_or_default(),
                )
            })
            .collect();
        differences = p
            .differences
            .into_iter()
            .map(|d| {
                let total = |v: &[u64]| v.last().copied().unwrap_or(0);
                (
                    d.table,
                    d.row,
                    d.label,
                    total(&d.published),
                    total(&d.current),
                )
            })
            .collect();
    }
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
            format: report.table3.format().document_zh(),
            deadline,
            can_publish: reports::year_is_over(year),
            published,
            earlier,
            differences,
        },
    )
}

/// Publishes the year's report for the scope of the form (year, scope, reason), then shows
/// the report again.
pub async fn publish(
    state: web::Data<AppState>,
    page: SupervisorPage,
    body: FormBody,
) -> WebResult {
    let form = body.0;
    page.visitor.check(&form)?;
    let year = form
        .v("year")
        .trim()
        .parse::<i32>()
        .map_err(|_| WebError(ApiError::field("year", "年份须为整数，如 2025")))?;
    let scope = form.v("scope").trim().to_owned();
    let (agency, department) = match ReportScope::parse(&scope) {
        Some(ReportScope::Everything) => (None, None),
        Some(ReportScope::Agency(a)) => (Some(a), None),
        Some(ReportScope::Department(d)) => (None, Some(d)),
        None => return Err(WebError(ApiError::not_found())),
    };
    let reason = Some(form.v("reason").trim().to_owned()).filter(|r| !r.is_empty());
    let body = reports::PublishReport {
        year,
        agency,
        department,
        reason,
    };
    let mut errors = Vec::new();
    crate::body::Validate::validate(&body, &mut errors);
    if let Some(e) = errors.first() {
        return Err(WebError(ApiError::field("reason", e.message.clone())));
    }
    reports::publish(&state, &page.caller, body).await?;
    Ok(super::see_other(&format!(
        "/staff/report?year={year}&scope={}",
        super::form::percent_encode(&scope)
    )))
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
