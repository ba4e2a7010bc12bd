//! The working-day calendar as admins change it: one uploaded year checked on its own, the
//! base years merged with the uploads, and the views of a year.

use gongkai_workflow::{Calendar, CalendarYear, Holiday, YearEntry};
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
            // Where in the text (the year and the entry the admin typed), then the problem,
            // all in Chinese.
            message: {
                let place: Vec<String> = i
                    .year
                    .map(|y| format!("{y} 年"))
                    .into_iter()
                    .chain(Some(i.entry_zh()).filter(|e| !e.is_empty()))
                    .collect();
                if place.is_empty() {
                    i.problem.zh()
                } else {
                    format!("{}：{}", place.join(" "), i.problem.zh())
                }
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

/// One holiday range of the calendar form as the admin typed it (e.g. 春节, 2027-02-06,
/// 2027-02-12); an empty end means a one-day holiday.
#[derive(Debug, Clone, Default)]
pub struct HolidayRow {
    pub name: String,
    pub from: String,
    pub to: String,
}

impl HolidayRow {
    fn is_empty(&self) -> bool {
        self.name.trim().is_empty() && self.from.trim().is_empty() && self.to.trim().is_empty()
    }
}

/// A date as an admin may type it: 2027-02-06, 2027-2-6, 2027/2/6, 2027.2.6 or 2027年2月6日
/// (full-width digits and separators too).
pub fn parse_typed_date(text: &str) -> Option<chrono::NaiveDate> {
    let normal: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => {
                char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')).unwrap_or(c)
            }
            '/' | '.' | '年' | '月' | '－' | '／' | '．' => '-',
            _ => c,
        })
        .collect();
    let normal = normal.trim_end_matches('日');
    let parts: Vec<&str> = normal.split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    let digits = |p: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    let year = i32::try_from(digits(y, 4..=4)?).ok()?;
    chrono::NaiveDate::from_ymd_opt(year, digits(m, 1..=2)?, digits(d, 1..=2)?)
}

/// The calendar year the form's rows describe: the same [`CalendarYear`] the TOML text
/// gives, checked by the same rules ([`CalendarYear::problems`]). Refusals name their row:
/// `holidays.{i}` and `makeup.{i}` by the row's position on the form (empty rows count), each
/// row's problems in one sentence.
pub fn year_from_rows(
    year: i32,
    source: &str,
    rows: &[HolidayRow],
    makeup: &[String],
) -> Result<CalendarYear, Vec<FieldError>> {
    use std::collections::BTreeMap;
    let mut problems: BTreeMap<String, Vec<String>> = BTreeMap::new();
    fn add(problems: &mut BTreeMap<String, Vec<String>>, path: String, message: String) {
        problems.entry(path).or_default().push(message);
    }
    let date = |text: &str, what: &str| -> Result<chrono::NaiveDate, String> {
        parse_typed_date(text).ok_or_else(|| {
            format!(
                "{what}“{}”不是有效日期，请按 年-月-日 填写，如 {year}-02-06",
                text.trim()
            )
        })
    };
    let mut holidays = Vec::new();
    let mut holiday_rows = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.is_empty() {
            continue;
        }
        let path = format!("holidays.{i}");
        let name = row.name.trim();
        if name.is_empty() {
            add(
                &mut problems,
                path.clone(),
                "请填写节日名称，如 春节".to_owned(),
            );
        }
        let from = if row.from.trim().is_empty() {
            add(&mut problems, path.clone(), "请填写放假的第一天".to_owned());
            None
        } else {
            date(&row.from, "开始日期")
                .map_err(|m| add(&mut problems, path.clone(), m))
                .ok()
        };
        let to = if row.to.trim().is_empty() {
            from
        } else {
            date(&row.to, "结束日期")
                .map_err(|m| add(&mut problems, path.clone(), m))
                .ok()
        };
        if let (Some(from), Some(to), false) = (from, to, name.is_empty()) {
            holidays.push(Holiday {
                name: name.to_owned(),
                from,
                to,
                note: None,
            });
            holiday_rows.push(i);
        }
    }
    let mut days = Vec::new();
    let mut makeup_rows = Vec::new();
    for (i, text) in makeup.iter().enumerate() {
        if text.trim().is_empty() {
            continue;
        }
        match date(text, "") {
            Ok(d) => {
                days.push(d);
                makeup_rows.push(i);
            }
            Err(m) => add(&mut problems, format!("makeup.{i}"), m),
        }
    }
    if holidays.is_empty() && days.is_empty() && problems.is_empty() {
        add(
            &mut problems,
            "holidays.0".to_owned(),
            format!("请至少填写一个节假日（{year} 年通知所列的放假日期）"),
        );
    }
    let candidate = CalendarYear {
        year,
        source: Some(source.trim().to_owned()).filter(|s| !s.is_empty()),
        holidays,
        makeup: days,
    };
    for (entry, problem) in candidate.problems() {
        let path = match entry {
            YearEntry::Holiday(k) => {
                format!("holidays.{}", holiday_rows.get(k).copied().unwrap_or(0))
            }
            YearEntry::Makeup(k) => format!("makeup.{}", makeup_rows.get(k).copied().unwrap_or(0)),
        };
        add(&mut problems, path, problem.zh());
    }
    if !problems.is_empty() {
        return Err(problems
            .into_iter()
            .map(|(path, messages)| FieldError {
                path,
                message: messages.join("；"),
            })
            .collect());
    }
    let mut year_data = candidate;
    year_data.makeup.sort();
    Ok(year_data)
}

/// The calendar file's text for one year (what uploads store and the TOML path reads back).
pub fn year_toml(year: CalendarYear) -> Result<String, Vec<FieldError>> {
    Calendar::new(vec![year])
        .map(|c| c.to_toml())
        .map_err(|issues| toml_errors(&issues))
}

/// The day (month, day) from which next year's holiday notice is awaited: the State Council
/// General Office publishes it in November or December (2025's on 2024-11-12, 2026's on
/// 2025-11-04).
pub const NEXT_YEAR_AWAITED_FROM: (u32, u32) = (11, 1);

/// Today's legal date (Asia/Shanghai) as the server reads it: the clock, or the date a test
/// set ([`crate::state::ApiSettings::today`]).
pub fn today(state: &crate::state::AppState) -> chrono::NaiveDate {
    state
        .settings
        .today
        .unwrap_or_else(|| gongkai_workflow::clock::legal_date(chrono::Utc::now()))
}

/// The years whose holiday notice the calendar in force lacks and that matter on `today`:
/// the current year, and from 1 November the next one.
pub fn missing_years(calendar: &Calendar, today: chrono::NaiveDate) -> Vec<i32> {
    use chrono::Datelike;
    let mut years = vec![today.year()];
    if (today.month(), today.day()) >= NEXT_YEAR_AWAITED_FROM {
        years.push(today.year() + 1);
    }
    years.retain(|y| calendar.year(*y).is_none());
    years
}

/// The banner admins and supervisors see on every page while a year is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarBanner {
    pub years: Vec<i32>,
    /// The reader may load a year (an admin): the banner links to /admin/calendar.
    pub can_load: bool,
}

impl CalendarBanner {
    /// "2027 年" or "2026、2027 年".
    pub fn years_zh(&self) -> String {
        let years: Vec<String> = self.years.iter().map(|y| y.to_string()).collect();
        format!("{} 年", years.join("、"))
    }
}

/// The banner for a reader of `role` on `today`, if one is due: only admins and supervisors
/// are told (clerks see the provisional mark on each date).
pub fn banner(
    state: &crate::state::AppState,
    role: gongkai_workflow::Role,
) -> Option<CalendarBanner> {
    use crate::auth::RoleClass;
    if !crate::auth::Supervisor::admits(role) {
        return None;
    }
    let years = missing_years(&state.law().calendar, today(state));
    (!years.is_empty()).then(|| CalendarBanner {
        years,
        can_load: crate::auth::Admin::admits(role),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_workflow::{builtin_calendar, parse_date};

    #[test]
    fn dates_are_read_as_admins_type_them() {
        let want = parse_date("2027-02-06");
        for text in [
            "2027-02-06",
            "2027-2-6",
            "2027/2/6",
            "2027.02.06",
            "2027年2月6日",
            " ２０２７／２／６ ",
        ] {
            assert_eq!(parse_typed_date(text), want, "{text}");
        }
        for text in [
            "2027/2/30",
            "27/2/6",
            "2027-02",
            "2027-02-06-01",
            "二〇二七年二月六日",
            "",
        ] {
            assert_eq!(parse_typed_date(text), None, "{text}");
        }
    }

    /// The rows give the year the TOML text gives, and read back unchanged.
    #[test]
    fn the_rows_build_the_year_the_toml_text_builds() {
        let rows = [
            HolidayRow {
                name: "春节".to_owned(),
                from: "2027/2/6".to_owned(),
                to: "2027-02-12".to_owned(),
            },
            HolidayRow::default(),
            HolidayRow {
                name: " 元旦 ".to_owned(),
                from: "2027-01-01".to_owned(),
                to: String::new(),
            },
        ];
        let makeup = ["2027-02-20".to_owned(), String::new()];
        let year = year_from_rows(2027, "通知", &rows, &makeup).unwrap();
        let text = year_toml(year.clone()).unwrap();
        let from_text = Calendar::from_toml_str("rows", &text).unwrap().years()[0].clone();
        let mut sorted = year;
        sorted.holidays.sort_by_key(|h| h.from);
        assert_eq!(from_text, sorted);
        assert_eq!(from_text.holidays[0].name, "元旦");
        // A refusal names the row by its place on the form.
        let bad = [HolidayRow {
            name: "国庆节".to_owned(),
            from: "2027-10-07".to_owned(),
            to: "2027-10-01".to_owned(),
        }];
        let errors = year_from_rows(2027, "", &bad, &[]).unwrap_err();
        assert_eq!(errors[0].path, "holidays.0");
        assert_eq!(errors[0].message, "结束日 2027-10-01 早于开始日 2027-10-07");
    }

    #[test]
    fn next_year_is_awaited_from_the_first_of_november() {
        let cal = builtin_calendar().unwrap();
        let d = |s: &str| parse_date(s).unwrap();
        // The built-in calendar covers 2008–2026.
        assert!(missing_years(&cal, d("2026-10-31")).is_empty());
        assert_eq!(missing_years(&cal, d("2026-11-01")), vec![2027]);
        assert_eq!(missing_years(&cal, d("2026-12-31")), vec![2027]);
        // A year begun without its notice: this year, and next from November.
        assert_eq!(missing_years(&cal, d("2027-03-01")), vec![2027]);
        assert_eq!(missing_years(&cal, d("2027-11-02")), vec![2027, 2028]);
    }
}
