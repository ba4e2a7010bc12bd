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
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use gongkai_store::events;
use gongkai_store::published::Publication as PublishOutcome;
use gongkai_workflow::Role;
use gongkai_workflow::report::{AnnualReport, Snapshot, SnapshotRow, publication_deadline};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::directory::Directory;
use crate::auth::Supervisor;
use crate::body::{Validate, at_most, limits};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
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
    if year < i32::from(REPORT_FIRST_YEAR) {
        return Err(ApiError::field(
            "year",
            format!(
                "年度报告自 {REPORT_FIRST_YEAR} 年度起按国务院办公厅统一格式（国办公开办函〔2019〕60号、〔2021〕30号）生成，{year} 年度不能生成"
            ),
        ));
    }
    check_year(year)
}

/// A computed report: the tables, the scope they cover and its name, and every scope the
/// caller may choose.
pub struct Report {
    pub report: AnnualReport,
    pub scope: ReportScope,
    pub scope_name: String,
    pub choices: Vec<(ReportScope, String)>,
}

/// The scope `sup` asked for, checked (see the module's rule): the scope, the agency filter
/// and reach to count with, its name, and every scope `sup` may choose.
struct Resolved {
    scope: ReportScope,
    agency: Option<String>,
    reach: gongkai_store::Scope,
    name: String,
    choices: Vec<(ReportScope, String)>,
    dir: Directory,
}

fn resolve(
    conn: &mut gongkai_store::DbConnection,
    sup: &Supervisor,
    asked: Asked,
) -> ApiResult<Resolved> {
    let dir = Directory::load(conn)?;
    let choices = scopes(&dir, sup);
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
    let name = choices
        .iter()
        .find(|(s, _)| *s == scope)
        .map_or_else(|| "全部机关".to_owned(), |(_, name)| name.clone());
    Ok(Resolved {
        scope,
        agency,
        reach,
        name,
        choices,
        dir,
    })
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
        let r = resolve(conn, &sup, asked)?;
        let report = gongkai_store::report::annual(
            conn,
            year,
            r.agency.as_deref(),
            &r.reach,
            counting,
            |_, _| {},
        )?;
        Ok(Report {
            report,
            scope: r.scope,
            scope_name: r.name,
            choices: r.choices,
        })
    })
    .await
}

/// One row of a table as published or as computed now.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublishedRow {
    /// 行次 (table 三, e.g. "三（三）4") or group (table 四, e.g. "行政复议").
    pub row: String,
    pub label: String,
    pub counts: Vec<u64>,
}

impl From<SnapshotRow> for PublishedRow {
    fn from(r: SnapshotRow) -> PublishedRow {
        PublishedRow {
            row: r.row,
            label: r.label,
            counts: r.counts,
        }
    }
}

/// One published version of a year's report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublishedVersion {
    pub version: i32,
    pub published_at: DateTime<Utc>,
    /// The user who published it (id).
    pub published_by: String,
    /// That user's name, as staff read it.
    pub published_by_name: String,
    /// Why it was published again (none for the first version).
    pub reason: Option<String>,
    /// The format's document, e.g. 国办公开办函〔2021〕30号.
    pub format: String,
    /// Table 三 as published, row by row.
    pub table3: Vec<PublishedRow>,
    /// Table 四 as published, by group: [结果维持, 结果纠正, 其他结果, 尚未审结, 总计].
    pub table4: Vec<PublishedRow>,
}

/// A row whose counts differ now from the latest published version (发布后新增/变更).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportDifference {
    /// 3 or 4.
    pub table: u8,
    pub row: String,
    pub label: String,
    pub published: Vec<u64>,
    pub current: Vec<u64>,
}

/// Where a year's report stands: the art. 49 deadline, the versions published, and what
/// later entries would change.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Publication {
    pub year: i32,
    /// The scope: "" (every agency), "agency:CODE" or "department:CODE".
    pub scope: String,
    pub scope_name: String,
    /// 31 January of the next year (art. 49).
    pub deadline: NaiveDate,
    /// Every version, the first first; the last is the one in force.
    pub versions: Vec<PublishedVersion>,
    /// Rows that differ now from the last version (empty when none was published).
    pub differences: Vec<ReportDifference>,
}

/// A request to publish a finished year's report.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishReport {
    pub year: i32,
    /// An agency code (admins), or leave out for the caller's scope.
    #[serde(default)]
    pub agency: Option<String>,
    /// A department code.
    #[serde(default)]
    pub department: Option<String>,
    /// Why the report is published again; required once a version exists.
    #[serde(default)]
    pub reason: Option<String>,
}

impl Validate for PublishReport {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        if let Some(r) = &self.reason {
            at_most(errors, "reason", r, limits::REASON);
        }
    }
}

fn publication_view(
    year: i32,
    r: &Resolved,
    stored: Vec<gongkai_store::published::Published>,
    now: &Snapshot,
) -> Publication {
    let differences = stored
        .last()
        .map(|p| p.tables.differences(now))
        .unwrap_or_default()
        .into_iter()
        .map(|d| ReportDifference {
            table: d.table,
            row: d.row,
            label: d.label,
            published: d.published,
            current: d.current,
        })
        .collect();
    Publication {
        year,
        scope: r.scope.value(),
        scope_name: r.name.clone(),
        deadline: publication_deadline(year).unwrap_or(NaiveDate::MAX),
        versions: stored
            .into_iter()
            .map(|p| PublishedVersion {
                version: p.version,
                published_at: p.published_at.and_utc(),
                published_by_name: r.dir.user(&p.published_by),
                published_by: p.published_by,
                reason: p.reason,
                format: p.tables.format,
                table3: p.tables.table3.into_iter().map(Into::into).collect(),
                table4: p.tables.table4.into_iter().map(Into::into).collect(),
            })
            .collect(),
        differences,
    }
}

/// The publication state of `year`'s report over what `sup` asked for.
pub async fn publication(
    state: &web::Data<AppState>,
    sup: &Supervisor,
    year: i32,
    asked: Asked,
) -> ApiResult<Publication> {
    let year = check_report_year(year)?;
    let counting = state.settings.report_counting;
    let sup = sup.clone();
    db(state, move |conn, _| {
        let r = resolve(conn, &sup, asked)?;
        let now = gongkai_store::report::annual(
            conn,
            year,
            r.agency.as_deref(),
            &r.reach,
            counting,
            |_, _| {},
        )?
        .snapshot();
        let stored = gongkai_store::published::versions(conn, &r.scope.value(), year)?;
        Ok(publication_view(year, &r, stored, &now))
    })
    .await
}

/// The report of `year` and where its publication stands, from one computation (the page).
pub async fn annual_with_publication(
    state: &web::Data<AppState>,
    sup: &Supervisor,
    year: i32,
    asked: Asked,
) -> ApiResult<(Report, Publication)> {
    let year = check_report_year(year)?;
    let counting = state.settings.report_counting;
    let sup = sup.clone();
    db(state, move |conn, _| {
        let r = resolve(conn, &sup, asked)?;
        let report = gongkai_store::report::annual(
            conn,
            year,
            r.agency.as_deref(),
            &r.reach,
            counting,
            |_, _| {},
        )?;
        let stored = gongkai_store::published::versions(conn, &r.scope.value(), year)?;
        let publication = publication_view(year, &r, stored, &report.snapshot());
        Ok((
            Report {
                report,
                scope: r.scope,
                scope_name: r.name,
                choices: r.choices,
            },
            publication,
        ))
    })
    .await
}

/// Whether `year` is over (Beijing time), so that its report may be published.
pub fn year_is_over(year: i32) -> bool {
    year < this_year()
}

/// Publishes a finished year's report as it is computed now: the first version, or a new one
/// with a reason when later entries changed it (409 `report_unchanged` when they did not).
pub async fn publish(
    state: &web::Data<AppState>,
    sup: &Supervisor,
    body: PublishReport,
) -> ApiResult<Publication> {
    let year = check_report_year(body.year)?;
    if !year_is_over(year) {
        return Err(ApiError::field(
            "year",
            format!("{year} 年度尚未结束，年度报告须在年度结束后发布"),
        ));
    }
    let counting = state.settings.report_counting;
    let sup = sup.clone();
    let asked = Asked {
        agency: body.agency,
        department: body.department,
    };
    let reason = body.reason;
    db(state, move |conn, _| {
        let r = resolve(conn, &sup, asked)?;
        let now = gongkai_store::report::annual(
            conn,
            year,
            r.agency.as_deref(),
            &r.reach,
            counting,
            |_, _| {},
        )?
        .snapshot();
        let key = r.scope.value();
        match gongkai_store::published::publish(
            conn,
            &key,
            &now,
            reason.as_deref(),
            &sup.user.id,
            events::to_micros(Utc::now().naive_utc()),
        )? {
            PublishOutcome::Published(_) => {}
            PublishOutcome::Unchanged(v) => {
                return Err(ApiError::new(
                    ErrorCode::ReportUnchanged,
                    format!("{year} 年度报告与已发布的第 {v} 版相同，无需重新发布"),
                ));
            }
            PublishOutcome::ReasonRequired => {
                return Err(ApiError::field(
                    "reason",
                    "该年度报告已发布，重新发布须说明理由（如补录、更正的申请）",
                ));
            }
        }
        let stored = gongkai_store::published::versions(conn, &key, year)?;
        Ok(publication_view(year, &r, stored, &now))
    })
    .await
}
