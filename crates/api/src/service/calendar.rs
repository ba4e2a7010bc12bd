//! The working-day calendar as admins change it: one uploaded year checked on its own, the
//! base years merged with the uploads, and the views of a year.

use gongkai_workflow::Calendar;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::body::{Validate, limits, required};
use crate::error::{ApiError, ApiResult, FieldError};

/// One calendar year in the calendar file's TOML form (one `[[year]]` table).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarUpload {
    pub toml: String,
}

impl Validate for CalendarUpload {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "toml", &self.toml, limits::CALENDAR_TOML);
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarYearView {
    pub year: i32,
    pub source: Option<String>,
    pub holidays: Vec<String>,
    pub makeup: Vec<chrono::NaiveDate>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CalendarUploaded {
    pub year: CalendarYearView,
    pub open_cases: u64,
    pub recomputed: u64,
}

pub(crate) fn year_view(y: &gongkai_workflow::CalendarYear) -> CalendarYearView {
    CalendarYearView {
        year: y.year,
        source: y.source.clone(),
        holidays: y
            .holidays
            .iter()
            .map(|h| format!("{}：{} 至 {}", h.name, h.from, h.to))
            .collect(),
        makeup: y.makeup.clone(),
    }
}

/// Calendar problems as field errors of the uploaded TOML.
fn toml_errors(issues: &[gongkai_workflow::CalendarIssue]) -> Vec<FieldError> {
    issues
        .iter()
        .map(|i| FieldError {
            path: "toml".to_owned(),
            // The entry is where in the TOML text (a key the admin typed); the problem in Chinese.
            message: match i.year {
                Some(year) => format!("{year} 年 {}：{}", i.entry, i.problem.zh()),
                None => format!("{}：{}", i.entry, i.problem.zh()),
            },
        })
        .collect()
}

/// The base years with the uploaded ones on top.
pub fn merged_calendar(
    base: &[gongkai_workflow::CalendarYear],
    uploads: &[(i32, String)],
) -> Result<Calendar, Vec<FieldError>> {
    let mut years: Vec<gongkai_workflow::CalendarYear> = base.to_vec();
    for (year, text) in uploads {
        let cal = Calendar::from_toml_str(&format!("calendar year {year}"), text)
            .map_err(|e| toml_errors(&e.issues))?;
        for y in cal.years() {
            years.retain(|b| b.year != y.year);
            years.push(y.clone());
        }
    }
    Calendar::new(years).map_err(|issues| toml_errors(&issues))
}

/// The first year a calendar is kept for: the Regulations took effect on 2008-05-01.
pub const FIRST_YEAR: i32 = 2008;

/// Checks one uploaded calendar year: the year of `text` must be `year`, from 2008 on.
pub fn parse_calendar_year(year: i32, text: &str) -> ApiResult<()> {
    if year < FIRST_YEAR {
        return Err(ApiError::field(
            "year",
            format!(
                "{year} 年早于《中华人民共和国政府信息公开条例》施行之年（2008年5月1日施行），\
                 此前收到的申请不计算期限，无需载入该年的节假日安排"
            ),
        ));
    }
    let single = Calendar::from_toml_str(&format!("calendar year {year}"), text)
        .map_err(|e| ApiError::invalid(toml_errors(&e.issues)))?;
    let years: Vec<i32> = single.years().iter().map(|y| y.year).collect();
    if years != [year] {
        return Err(ApiError::field(
            "toml",
            format!("须恰好包含 {year} 年的一个 [[year]] 表，实际为 {years:?}"),
        ));
    }
    Ok(())
}
