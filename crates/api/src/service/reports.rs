//! The annual report (年度报告 tables 三 and 四): which year and which part of the
//! installation a caller may report on, for the API and the pages alike.
//!
//! The rule is the stricter of the two the API and the pages once had: the year lies between
//! 2008 (the first regulations) and this year; the scope is one the caller may report on and
//! that exists — admins the whole installation, any agency, or any department (of the agency,
//! when both are named); supervisors one of their departments, by default the first of them.
//! Anything else is 404, so that nobody learns which agencies or departments exist beyond
//! their own.

use actix_web::web;
use chrono::Datelike;
use gongkai_workflow::Role;
use gongkai_workflow::report::AnnualReport;

use super::directory::Directory;
use crate::auth::Supervisor;
use crate::error::{ApiError, ApiResult};
use crate::state::{AppState, db};

/// What a report covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportScope {
    /// Every agency (admins).
    Everything,
    Agency(String),
    Department(String),
}

impl ReportScope {
    /// The scope as a form value: "", "agency:CODE" or "department:CODE".
    pub fn value(&self) -> String {
        match self {
            ReportScope::Everything => String::new(),
            ReportScope::Agency(a) => format!("agency:{a}"),
            ReportScope::Department(d) => format!("department:{d}"),
        }
    }

    /// A scope from its form value; None for text of another shape.
    pub fn parse(text: &str) -> Option<ReportScope> {
        match text.split_once(':') {
            None if text.is_empty() => Some(ReportScope::Everything),
            Some(("agency", a)) => Some(ReportScope::Agency(a.to_owned())),
            Some(("department", d)) => Some(ReportScope::Department(d.to_owned())),
            _ => None,
        }
    }
}

/// What the caller asked for: an agency and a department, each optional (none: the default).
#[derive(Debug, Clone, Default)]
pub struct Asked {
    pub agency: Option<String>,
    pub department: Option<String>,
}

/// The scopes `sup` may report on, with their names: admins the whole installation and each
/// agency, then every department `sup` covers (in agency and code order).
pub fn scopes(dir: &Directory, sup: &Supervisor) -> Vec<(ReportScope, String)> {
    let mut out = Vec::new();
    if sup.role() == Role::Admin {
        out.push((ReportScope::Everything, "全部机关".to_owned()));
        for a in dir.agencies() {
            out.push((ReportScope::Agency(a.code.clone()), a.name.clone()));
        }
    }
    for (a, code, name) in dir.departments_of(sup) {
        out.push((
            ReportScope::Department(code.to_owned()),
            format!("{} · {name}", a.name),
        ));
    }
    out
}

/// This year (Beijing time).
fn this_year() -> i32 {
    gongkai_workflow::clock::legal_date(chrono::Utc::now()).year()
}

/// The report year when none is given: the last full year.
pub fn default_year() -> i32 {
    this_year() - 1
}

/// The first year of the statistics: the first regulations took effect in 2008.
pub const FIRST_YEAR: i16 = 2008;

/// A statistics year given by a user: [`FIRST_YEAR`] to this year.
pub fn check_year(year: i32) -> ApiResult<i32> {
    let this_year = this_year();
    if (i32::from(FIRST_YEAR)..=this_year).contains(&year) {
        Ok(year)
    } else {
        Err(ApiError::field(
            "year",
            format!("年份须在 {FIRST_YEAR}—{this_year} 之间"),
        ))
    }
}

/// The first annual-report year: the first uniform format (国办公开办函〔2019〕60号) covers
/// 2019; earlier reports had no State Council format and are not produced.
pub const REPORT_FIRST_YEAR: i16 = gongkai_workflow::report::FIRST_YEAR as i16;

/// An annual-report year given by a user: [`REPORT_FIRST_YEAR`] to this year, each in its own
/// format.
pub fn check_report_year(year: i32) -> ApiResult<i32> {
    if year < i32::from(REPORT_FIRST_YEAR) && year >= i32::from(FIRST_YEAR) {
        return Err(ApiError::field(
            "year",
            format!(
                "年度报告自 {REPORT_FIRST_YEAR} 年度起按国务院办公厅统一格式（国办公开办函〔2019〕60号、〔2021〕30号）生成，{year} 年度不能生成"
            ),
        ));
    }
    let year = check_year(year)?;
    if year < i32::from(REPORT_FIRST_YEAR) {
        return Err(ApiError::field(
            "year",
            format!("年份须在 {REPORT_FIRST_YEAR}—{} 之间", this_year()),
        ));
    }
    Ok(year)
}

/// A computed report: the tables, the scope they cover and its name, and every scope the
/// caller may choose.
pub struct Report {
    pub report: AnnualReport,
    pub scope: ReportScope,
    pub scope_name: String,
    pub choices: Vec<(ReportScope, String)>,
}

/// The annual report of `year` over what `sup` asked for (see the module's rule).
pub async fn annual(
    state: &web::Data<AppState>,
    sup: &Supervisor,
    year: i32,
    asked: Asked,
) -> ApiResult<Report> {
    let year = check_report_year(year)?;
    let counting = state.settings.report_counting;
    let sup = sup.clone();
    db(state, move |conn, _| {
        let dir = Directory::load(conn)?;
        let choices = scopes(&dir, &sup);
        let offered = |s: &ReportScope| choices.iter().any(|(c, _)| c == s);
        let scope = match (asked.agency, asked.department) {
            (None, None) if sup.role() == Role::Admin => ReportScope::Everything,
            (None, None) => choices
                .iter()
                .map(|(s, _)| s.clone())
                .find(|s| matches!(s, ReportScope::Department(_)))
                .ok_or_else(|| ApiError::forbidden("您没有分配任何部门"))?,
            (Some(a), None) => ReportScope::Agency(a),
            (None, Some(d)) => ReportScope::Department(d),
            (Some(a), Some(d)) => {
                let within = dir.is_department_of(&d, &a);
                if !within || !offered(&ReportScope::Agency(a)) {
                    return Err(ApiError::not_found());
                }
                ReportScope::Department(d)
            }
        };
        if !offered(&scope) {
            return Err(ApiError::not_found());
        }
        let reach = sup.scope();
        let (agency, reach) = match &scope {
            ReportScope::Everything => (None, reach),
            ReportScope::Agency(a) => (Some(a.clone()), reach),
            ReportScope::Department(d) => (None, reach.department(d)),
        };
        let report = gongkai_store::report::annual(
            conn,
            year,
            agency.as_deref(),
            &reach,
            counting,
            |_, _| {},
        )?;
        let scope_name = choices
            .iter()
            .find(|(s, _)| *s == scope)
            .map_or_else(|| "全部机关".to_owned(), |(_, name)| name.clone());
        Ok(Report {
            report,
            scope,
            scope_name,
            choices,
        })
    })
    .await
}
