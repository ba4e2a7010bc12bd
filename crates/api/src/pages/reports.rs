//! The annual report's table 三 on the web, for supervisors (their departments) and admins.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use chrono::Datelike;
use gongkai_store::accounts;
use gongkai_workflow::Role;
use gongkai_workflow::report::Table3;
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
    csv_link: String,
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
) -> Result<(Table3, FormState, Vec<Choice>, String), WebError> {
    let c = visitor.staff("/staff/report")?.clone();
    if !matches!(c.role(), Role::Supervisor | Role::Admin) {
        return Err(WebError(ApiError::not_found()));
    }
    let this_year = chrono::Utc::now().year();
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
    let (agency, department) = match scope.split_once(':') {
        Some(("agency", a)) => (Some(a.to_owned()), None),
        Some(("department", d)) => (None, Some(d.to_owned())),
        _ => (None, None),
    };
    let table = db(state, move |conn, _| {
        Ok(gongkai_store::report::table3(
            conn,
            year,
            agency.as_deref(),
            department.as_deref(),
            |_, _| {},
        )?)
    })
    .await?;
    let form = FormState::with(&[("year", &year.to_string()), ("scope", &scope)]);
    let link = format!(
        "/staff/report.csv?year={year}&scope={}",
        super::form::percent_encode(&scope)
    );
    Ok((table, form, scopes, link))
}

pub async fn page(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<ReportQuery>,
) -> WebResult {
    let (table, form, scopes, csv_link) = compute(&state, &visitor, query.into_inner()).await?;
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
            chrome: visitor.chrome(format!("{} 年度报告 表三", table.year)),
            form,
            scopes,
            rows: table.rows(),
            csv_link,
        },
    )
}

pub async fn csv(
    state: web::Data<AppState>,
    visitor: Visitor,
    query: web::Query<ReportQuery>,
) -> WebResult {
    let (table, _, _, _) = compute(&state, &visitor, query.into_inner()).await?;
    let out = table.to_csv();
    Ok(visitor
        .respond(StatusCode::OK)
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"table3-{}.csv\"", table.year),
        ))
        .body(out))
}
