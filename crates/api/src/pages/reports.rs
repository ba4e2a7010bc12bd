//! The annual report's tables 三 and 四 on the web (page, CSV, Excel), for supervisors (their
//! departments) and admins.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use chrono::Datelike;
use gongkai_store::accounts;
use gongkai_workflow::Role;
use gongkai_workflow::report::{AnnualReport, TABLE4_COLUMNS, TABLE4_GROUPS};
use serde::Deserialize;

use super::public::Choice;
use super::{Chrome, FormState, Visitor, WebError, WebResult};
use crate::error::ApiError;
use crate::state::{AppState, db};

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

/// The scopes `c` may report on: admins every agency (and the whole installation), supervisors
/// each of their departments.
async fn scopes_of(
    state: &web::Data<AppState>,
    c: &crate::auth::Caller,
) -> Result<Vec<Choice>, WebError> {
    let c = c.clone();
    Ok(db(state, move |conn, _| {
        let mut out = Vec::new();
        for a in accounts::agencies(conn)? {
            if c.role() == Role::Admin {
                out.push(Choice {
                    value: format!("agency:{}", a.code),
                    label: a.name.clone(),
                });
            }
            for d in accounts::departments_of(conn, &a.code)? {
                if c.covers(&d.code) {
                    out.push(Choice {
                        value: format!("department:{}", d.code),
                        label: format!("{} · {}", a.name, d.name),
                    });
                }
            }
        }
        Ok(out)
    })
    .await?)
}

async fn compute(
    state: &web::Data<AppState>,
    visitor: &Visitor,
    query: ReportQuery,
) -> Result<(AnnualReport, FormState, Vec<Choice>, String, String), WebError> {
    let c = visitor.staff("/staff/report")?.clone();
    if !matches!(c.role(), Role::Supervisor | Role::Admin) {
        return Err(WebError(ApiError::not_found()));
    }
    let this_year = gongkai_workflow::clock::legal_date(chrono::Utc::now()).year();
    let year = match query
        .year
        .as_deref()
        .map(str::trim)
        .filter(|y| !y.is_empty())
    {
        None => this_year - 1,
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2008..=this_year).contains(y))
            .ok_or_else(|| {
                WebError(ApiError::bad_request(format!(
                    "年份须为 2008—{this_year} 之间的整数"
                )))
            })?,
    };
    let scopes = scopes_of(state, &c).await?;
    let scope = query.scope.unwrap_or_default();
    let scope = if scope.is_empty() && c.role() != Role::Admin {
        scopes.first().map(|s| s.value.clone()).unwrap_or_default()
    } else {
        scope
    };
    // Only a scope offered to this user (or everything, for admins).
    let everything = scope.is_empty() && c.role() == Role::Admin;
    if !everything && !scopes.iter().any(|s| s.value == scope) {
        return Err(WebError(ApiError::not_found()));
    }
    let reach = c.scope();
    let (agency, reach) = match scope.split_once(':') {
        Some(("agency", a)) => (Some(a.to_owned()), reach),
        Some(("department", d)) => (None, reach.department(d)),
        _ => (None, reach),
    };
    let scope_name = scopes
        .iter()
        .find(|s| s.value == scope)
        .map_or_else(|| "全部机关".to_owned(), |s| s.label.clone());
    let table = db(state, move |conn, _| {
        Ok(gongkai_store::report::annual(
            conn,
            year,
            agency.as_deref(),
            &reach,
            |_, _| {},
        )?)
    })
    .await?;
    let form = FormState::with(&[("year", &year.to_string()), ("scope", &scope)]);
    let link = format!(
        "/staff/report.csv?year={year}&scope={}",
        super::form::percent_encode(&scope)
    );
    Ok((table, form, scopes, link, scope_name))
}

pub async fn page(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<ReportQuery>,
) -> WebResult {
    let (report, form, scopes, csv_link, _) = compute(&state, &visitor, query.into_inner()).await?;
    let xlsx_link = csv_link.replacen("/staff/report.csv", "/staff/report.xlsx", 1);
    let admin = visitor
        .caller
        .as_ref()
        .is_some_and(|c| c.role() == Role::Admin);
    let mut scopes = scopes;
    if admin {
        scopes.insert(
            0,
            Choice {
                value: String::new(),
                label: "全部机关".to_owned(),
            },
        );
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
        },
    )
}

pub async fn csv(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<ReportQuery>,
) -> WebResult {
    let (report, _, _, _, _) = compute(&state, &visitor, query.into_inner()).await?;
    super::insight::csv_response(
        &visitor,
        &format!("annual-report-{}.csv", report.table3.year),
        report.to_csv(),
    )
}

pub async fn xlsx(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<ReportQuery>,
) -> WebResult {
    let (report, _, _, _, scope) = compute(&state, &visitor, query.into_inner()).await?;
    let bytes = crate::export::annual_xlsx(&report, &scope).map_err(ApiError::internal)?;
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
