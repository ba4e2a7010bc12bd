//! The working-day calendar (工作日历): weekends, official holidays and make-up working days
//! (调休上班), loaded from data and answered in O(1) from precomputed prefix counts.
//!
//! Days are numbered as `num_days_from_ce() - 1`, so day 0 (0001-01-01, proleptic Gregorian)
//! is a Monday and the weekday of day `x` is `x mod 7`. Inside the covered years a prefix array
//! holds the number of working days up to each day and a second array lists the working days
//! in order; outside them the provisional rule (weekends and the public holidays fixed by solar
//! date, [`FIXED_HOLIDAYS`]) is counted arithmetically. Every query is therefore a handful of
//! arithmetic operations and at most one array read, whatever the distance.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// A date as the calendar counts it (days since 0001-01-01, a Monday).
pub(crate) fn day_index(date: NaiveDate) -> i32 {
    date.num_days_from_ce() - 1
}

pub(crate) fn date_of(index: i32) -> NaiveDate {
    // Every index the calendar produces comes from a valid date plus a bounded number of days;
    // chrono covers ±262,000 years, so falling off its range means a corrupted input.
    NaiveDate::from_num_days_from_ce_opt(index + 1).unwrap_or(NaiveDate::MAX)
}

/// Weekdays (Monday–Friday) in days `0..=x` — a counting function, continuous for negative `x`.
fn weekdays_through(x: i32) -> i32 {
    5 * x.div_euclid(7) + (x.rem_euclid(7) + 1).min(5)
}

/// The smallest day `x` with `weekdays_through(x) == k`: the `k`-th weekday from day 0.
fn kth_weekday(k: i32) -> i32 {
    7 * (k - 1).div_euclid(5) + (k - 1).rem_euclid(5)
}

fn is_weekend(x: i32) -> bool {
    x.rem_euclid(7) >= 5
}

// ---- the rule for years without published data ----------------------------------------------

/// The public holidays fixed by solar date, known years in advance: art. 2 of the
/// 全国年节及纪念日放假办法 as revised by 国务院令第795号 (国务院关于修改《全国年节及纪念日放假办法》
/// 的决定, 2024-11-10, in force 2025-01-01; www.gov.cn/gongbao/2024/issue_11726/202411/content_6989774.html):
/// 元旦 1 day (1 January), 劳动节 2 days (1 and 2 May), 国庆节 3 days (1 to 3 October).
/// 春节, 清明节, 端午节 and 中秋节 follow the lunar calendar, and the 补假 of art. 6 and the
/// 调休 of art. 7 are set by each year's notice: none of them is guessed.
pub const FIXED_HOLIDAYS: [(u32, u32, &str); 6] = [
    (1, 1, "元旦"),
    (5, 1, "劳动节"),
    (5, 2, "劳动节"),
    (10, 1, "国庆节"),
    (10, 2, "国庆节"),
    (10, 3, "国庆节"),
];

/// The fixed public holiday `date` falls on, if any (see [`FIXED_HOLIDAYS`]).
pub fn fixed_holiday(date: NaiveDate) -> Option<&'static str> {
    FIXED_HOLIDAYS
        .iter()
        .find(|(m, d, _)| date.month() == *m && date.day() == *d)
        .map(|(.., name)| *name)
}

/// Whether `date` is a working day by the provisional rule, used for every day outside the
/// published years: Monday to Friday, except the fixed public holidays. A pure function of the
/// date.
pub fn provisional_working_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && fixed_holiday(date).is_none()
}

/// Fixed holidays of `year` that fall on a weekday, through `through` (month, day) inclusive.
fn fixed_weekdays_in(year: i32, through: (u32, u32)) -> i32 {
    let n = FIXED_HOLIDAYS
        .iter()
        .filter(|(m, d, _)| (*m, *d) <= through)
        .filter_map(|(m, d, _)| NaiveDate::from_ymd_opt(year, *m, *d))
        .filter(|date| !matches!(date.weekday(), Weekday::Sat | Weekday::Sun))
        .count();
    i32::try_from(n).unwrap_or(0)
}

/// Fixed holidays on weekdays in the years `0 ..= year - 1` (negative before year 0): the
/// Gregorian calendar repeats its weekdays every 400 years (146,097 days, exactly 20,871
/// weeks), so one table of the cycle answers every year in O(1).
fn fixed_weekdays_before(year: i32) -> i32 {
    static CYCLE: std::sync::OnceLock<[i32; 401]> = std::sync::OnceLock::new();
    let cycle = CYCLE.get_or_init(|| {
        let mut table = [0i32; 401];
        for (i, y) in (0..400).enumerate() {
            table[i + 1] = table[i] + fixed_weekdays_in(y, (12, 31));
        }
        table
    });
    let within = usize::try_from(year.rem_euclid(400)).unwrap_or(0);
    year.div_euclid(400) * cycle[400] + cycle[within]
}

/// Provisional working days in days `..= x`, up to a constant (only differences count): the
/// weekdays less the fixed holidays among them.
fn provisional_through(x: i32) -> i32 {
    let date = date_of(x);
    weekdays_through(x)
        - fixed_weekdays_before(date.year())
        - fixed_weekdays_in(date.year(), (date.month(), date.day()))
}

/// The smallest day `x` with `provisional_through(x) == k`: the `k`-th provisional working day.
/// Starts from the `k`-th weekday and moves on by the fixed holidays passed, which shrink
/// geometrically (six days a year at most), then steps back over the last ones.
fn kth_provisional(k: i32) -> i32 {
    let mut x = kth_weekday(k);
    loop {
        // Moving by `missing` weekdays changes the count by at most `missing`: the count never
        // overshoots `k`, and every step moves.
        let missing = k - provisional_through(x);
        if missing == 0 {
            break;
        }
        x = kth_weekday(weekdays_through(x) + missing);
    }
    // `provisional_through(x) == k` here; a fixed holiday or a weekend at `x` means the count
    // was reached on an earlier day.
    while provisional_through(x - 1) == k {
        x -= 1;
    }
    x
}

/// One official holiday period, e.g. 春节 2026-02-15 to 2026-02-23.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub note: Option<String>,
}

impl Holiday {
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// Days of the period that would otherwise have been working days (Monday–Friday).
    pub fn weekdays_off(&self) -> u32 {
        let n = weekdays_through(day_index(self.to)) - weekdays_through(day_index(self.from) - 1);
        u32::try_from(n).unwrap_or(0)
    }
}

/// One year of the State Council's holiday notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarYear {
    pub year: i32,
    pub source: Option<String>,
    pub holidays: Vec<Holiday>,
    /// Weekend days that are working days (调休上班), ascending.
    pub makeup: Vec<NaiveDate>,
}

/// What the calendar knows about one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DayInfo<'a> {
    pub date: NaiveDate,
    pub working: bool,
    /// The day lies outside the published years: answered by the weekend rule alone.
    pub provisional: bool,
    pub holiday: Option<&'a Holiday>,
    pub makeup: bool,
}

/// A working-day calendar. Build it with [`Calendar::from_toml_str`] or [`Calendar::new`].
#[derive(Debug, Clone)]
pub struct Calendar {
    years: Vec<CalendarYear>,
    /// First and last covered day (inclusive); `first > last` when no year is loaded.
    first: i32,
    last: i32,
    /// `prefix[i]`: working days in `first ..= first + i`.
    prefix: Vec<u32>,
    /// Day indices of the covered working days, ascending.
    working: Vec<i32>,
    /// `provisional_through(first - 1)`: the working-day count just before coverage.
    base: i32,
}

/// One problem found while loading a calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarIssue {
    pub year: Option<i32>,
    pub entry: String,
    pub problem: CalendarProblem,
}

/// What is wrong with an entry of a calendar: in English for the operator's command line
/// (`Display`), in Chinese for the admin's page (`zh`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CalendarProblem {
    /// The text is not TOML of the calendar's shape: the parser's own account (`text`) and
    /// where it stopped (1-based line and column, in characters), when it says.
    Toml {
        text: String,
        line: Option<usize>,
        column: Option<usize>,
        /// What went wrong, in Chinese, from the parser's message.
        what_zh: String,
    },
    YearListedTwice,
    /// Years must follow each other; `missing` is the year or range left out.
    YearsNotConsecutive {
        missing: String,
        after: i32,
        before: i32,
    },
    YearOutOfRange,
    ImplausibleYear(i32),
    HolidayWithoutName,
    /// A date that is not YYYY-MM-DD.
    NotADate(String),
    OutsideYear {
        date: NaiveDate,
        year: i32,
    },
    EndsBeforeStart {
        from: NaiveDate,
        to: NaiveDate,
    },
    /// A day listed twice; `holiday` names the other holiday it belongs to, if any.
    DayListedTwice {
        date: NaiveDate,
        holiday: Option<String>,
    },
    MakeupOnHoliday {
        date: NaiveDate,
        holiday: String,
    },
    MakeupOnWorkingDay {
        date: NaiveDate,
        weekday: Weekday,
    },
}

impl fmt::Display for CalendarProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use CalendarProblem as P;
        match self {
            P::Toml { text, .. } => f.write_str(text),
            P::YearListedTwice => f.write_str("the year is listed twice"),
            P::YearsNotConsecutive {
                missing,
                after,
                before,
            } => write!(
                f,
                "years must be consecutive: {missing} is missing between {after} and {before}"
            ),
            P::YearOutOfRange => f.write_str("the year is out of range"),
            P::ImplausibleYear(year) => write!(f, "{year} is not a plausible year"),
            P::HolidayWithoutName => f.write_str("the holiday has no name"),
            P::NotADate(text) => write!(f, "\"{text}\" is not a valid date (YYYY-MM-DD)"),
            P::OutsideYear { date, year } => write!(f, "{date} lies outside {year}"),
            P::EndsBeforeStart { from, to } => write!(f, "ends ({to}) before it starts ({from})"),
            P::DayListedTwice {
                date,
                holiday: None,
            } => write!(f, "{date} is listed twice"),
            P::DayListedTwice {
                date,
                holiday: Some(other),
            } => write!(f, "{date} is listed twice (also under holiday \"{other}\")"),
            P::MakeupOnHoliday { date, holiday } => write!(
                f,
                "{date} is both a make-up working day and a day of holiday \"{holiday}\""
            ),
            P::MakeupOnWorkingDay { date, weekday } => write!(
                f,
                "{date} is a {weekday}, already a working day; make-up days are weekend days"
            ),
        }
    }
}

impl CalendarProblem {
    /// The problem in Chinese, for the admin's calendar page.
    pub fn zh(&self) -> String {
        use CalendarProblem as P;
        match self {
            // Where the parser stopped, in the admin's text, and what it found, in Chinese.
            P::Toml {
                line: Some(line),
                column: Some(column),
                what_zh,
                ..
            } => format!("第 {line} 行第 {column} 列：格式不正确，{what_zh}"),
            P::Toml { what_zh, .. } => format!("格式不正确，{what_zh}"),
            P::YearListedTwice => "该年份重复列出".to_owned(),
            P::YearsNotConsecutive { missing, .. } => format!("年份须连续：缺少 {missing} 年"),
            P::YearOutOfRange => "年份超出范围".to_owned(),
            P::ImplausibleYear(year) => format!("{year} 不是有效的年份"),
            P::HolidayWithoutName => "节假日缺少名称".to_owned(),
            P::NotADate(text) => format!("“{text}”不是有效日期，请按 年-月-日 填写"),
            P::OutsideYear { date, year } => format!("{date} 不在 {year} 年内"),
            P::EndsBeforeStart { from, to } => format!("结束日 {to} 早于开始日 {from}"),
            P::DayListedTwice {
                date,
                holiday: None,
            } => format!("{date} 重复列出"),
            P::DayListedTwice {
                date,
                holiday: Some(other),
            } => format!("与节假日“{other}”的日期重叠（{date}）"),
            P::MakeupOnHoliday { date, holiday } => {
                format!("{date} 既是调休上班日，又是节假日“{holiday}”的一天")
            }
            P::MakeupOnWorkingDay { date, .. } => {
                format!(
                    "{date} 是{}，本来就是工作日；调休上班日应为周六或周日",
                    crate::clock::weekday_zh(*date)
                )
            }
        }
    }
}

impl CalendarIssue {
    /// The entry in Chinese, for the admin's page ("" for the text as a whole).
    pub fn entry_zh(&self) -> String {
        let e = self.entry.as_str();
        let index = |prefix: &str| {
            e.strip_prefix(prefix)
                .and_then(|r| r.strip_suffix(']'))
                .and_then(|n| n.parse::<usize>().ok())
                .map(|i| i + 1)
        };
        if e == "file" {
            String::new()
        } else if e == "year" {
            "年份".to_owned()
        } else if let Some(rest) = e.strip_prefix("holiday \"") {
            let (name, tail) = rest.rsplit_once('"').unwrap_or((rest, ""));
            let part = match tail.trim() {
                "from" => "的开始日期",
                "to" => "的结束日期",
                _ => "",
            };
            format!("节假日“{name}”{part}")
        } else if let Some(rest) = e.strip_prefix("makeup \"") {
            format!("调休上班日 {}", rest.trim_end_matches('"'))
        } else if let Some(n) = index("holidays[") {
            format!("第 {n} 个节假日")
        } else if let Some(n) = index("makeup[") {
            format!("第 {n} 个调休上班日")
        } else {
            e.to_owned()
        }
    }
}

impl fmt::Display for CalendarIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.year {
            Some(year) => write!(f, "year {year}, {}: {}", self.entry, self.problem),
            None => write!(f, "{}: {}", self.entry, self.problem),
        }
    }
}

/// Loading failed; every problem found is listed, each naming its year and entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarError {
    pub source_name: String,
    pub issues: Vec<CalendarIssue>,
}

impl fmt::Display for CalendarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.issues.len();
        write!(
            f,
            "{}: {} problem{}",
            self.source_name,
            n,
            if n == 1 { "" } else { "s" }
        )?;
        for issue in &self.issues {
            write!(f, "\n  {}: {issue}", self.source_name)?;
        }
        Ok(())
    }
}

impl std::error::Error for CalendarError {}

// ---- the file format ---------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    year: Vec<RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    year: i32,
    source: Option<String>,
    #[serde(default)]
    holidays: Vec<RawHoliday>,
    #[serde(default)]
    makeup: Vec<RawDate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: String,
    from: RawDate,
    to: Option<RawDate>,
    note: Option<String>,
}

/// A date written either as a TOML string ("2026-01-01") or as a TOML local date (2026-01-01).
#[derive(Deserialize)]
#[serde(untagged)]
enum RawDate {
    Text(String),
    Toml(toml::value::Datetime),
}

impl RawDate {
    fn text(&self) -> String {
        match self {
            RawDate::Text(s) => s.clone(),
            RawDate::Toml(d) => d.to_string(),
        }
    }

    fn parse(&self) -> Result<NaiveDate, CalendarProblem> {
        let text = self.text();
        parse_date(&text).ok_or(CalendarProblem::NotADate(text))
    }
}

/// Parses `YYYY-MM-DD` strictly (four-digit year, two-digit month and day, a real date).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |acc, &c| {
            c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
        })
    };
    let year = i32::try_from(digits(0..4)?).ok()?;
    NaiveDate::from_ymd_opt(year, digits(5..7)?, digits(8..10)?)
}

/// The parser's error as a [`CalendarProblem::Toml`]: its own text for the command line, and
/// for the admin's page where it stopped and what it found, in Chinese.
fn toml_problem(source: &str, e: &toml::de::Error) -> CalendarProblem {
    let (line, column) = match e.span() {
        Some(span) => {
            let before = source.get(..span.start).unwrap_or(source);
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            (Some(line), Some(column))
        }
        None => (None, None),
    };
    let message = e.message();
    // The field named in serde's "unknown field `x`" / "missing field `x`".
    let field = message.split('`').nth(1).unwrap_or("").to_owned();
    let what_zh = if message.contains("expected `=`") || message.contains("key with no value") {
        "缺少“=”：每一项应写成“名称 = 值”，如 name = \"春节\"".to_owned()
    } else if message.starts_with("unknown field") {
        format!(
            "无法识别的项“{field}”：可用的项为 year、source、holidays、makeup，节假日内为 name、from、to、note"
        )
    } else if message.starts_with("missing field") {
        format!("缺少必填项“{field}”")
    } else if message.contains("duplicate key") {
        "同一项重复出现".to_owned()
    } else if message.contains("invalid type") {
        "值的类型不对：名称和日期须加英文双引号（如 \"2027-01-01\"），多个日期用方括号列出"
            .to_owned()
    } else if message.contains("unclosed")
        || message.contains("unterminated")
        || message.contains("invalid string")
    {
        "引号、方括号或花括号没有闭合".to_owned()
    } else {
        "请对照示例检查，或改用上方的表格填写".to_owned()
    };
    CalendarProblem::Toml {
        text: e.to_string().trim_end().replace('\n', "\n    "),
        line,
        column,
        what_zh,
    }
}

impl Calendar {
    /// A calendar with no published year: every day is answered by the provisional rule
    /// (weekends and the fixed public holidays) and is provisional.
    pub fn weekends_only() -> Calendar {
        Calendar {
            years: Vec::new(),
            // No day is covered: `ordinal` takes its weekend branch for every realistic day.
            first: i32::MAX,
            last: i32::MAX - 1,
            prefix: Vec::new(),
            working: Vec::new(),
            base: 0,
        }
    }

    /// Parses and validates a calendar file. `source_name` (usually the path) is put in front
    /// of every message.
    pub fn from_toml_str(source_name: &str, text: &str) -> Result<Calendar, CalendarError> {
        let fail = |issues: Vec<CalendarIssue>| CalendarError {
            source_name: source_name.to_owned(),
            issues,
        };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            fail(vec![CalendarIssue {
                year: None,
                entry: "file".to_owned(),
                problem: toml_problem(text, &e),
            }])
        })?;
        // Entries that parse are validated too, so that one pass lists every problem.
        let mut issues = Vec::new();
        let years: Vec<CalendarYear> = raw
            .year
            .into_iter()
            .filter_map(|raw_year| parse_year(raw_year, &mut issues))
            .collect();
        match Calendar::new(years) {
            Ok(calendar) if issues.is_empty() => Ok(calendar),
            Ok(_) => Err(fail(issues)),
            Err(more) => {
                issues.extend(more);
                issues.sort_by_key(|i| i.year);
                Err(fail(issues))
            }
        }
    }

    /// Builds a calendar from years already parsed, with the same validation as a file.
    pub fn new(mut years: Vec<CalendarYear>) -> Result<Calendar, Vec<CalendarIssue>> {
        let mut issues = Vec::new();
        years.sort_by_key(|y| y.year);
        for pair in years.windows(2) {
            let (a, b) = (pair[0].year, pair[1].year);
            if a == b {
                issues.push(CalendarIssue {
                    year: Some(a),
                    entry: "year".to_owned(),
                    problem: CalendarProblem::YearListedTwice,
                });
            } else if b != a + 1 {
                issues.push(CalendarIssue {
                    year: Some(b),
                    entry: "year".to_owned(),
                    problem: CalendarProblem::YearsNotConsecutive {
                        missing: if b == a + 2 {
                            (a + 1).to_string()
                        } else {
                            format!("{}–{}", a + 1, b - 1)
                        },
                        after: a,
                        before: b,
                    },
                });
            }
        }
        for year in &years {
            check_year_entries(year, &mut issues);
        }
        if !issues.is_empty() {
            return Err(issues);
        }
        // Holidays in date order, whatever order a file or an upload lists them in: the
        // explanations and `calendar show` name them in that order.
        for year in &mut years {
            year.holidays.sort_by_key(|h| h.from);
        }
        let (Some(first_year), Some(last_year)) = (years.first(), years.last()) else {
            return Ok(Calendar::weekends_only());
        };
        let start = NaiveDate::from_ymd_opt(first_year.year, 1, 1);
        let end = NaiveDate::from_ymd_opt(last_year.year, 12, 31);
        let (Some(start), Some(end)) = (start, end) else {
            return Err(vec![CalendarIssue {
                year: Some(first_year.year),
                entry: "year".to_owned(),
                problem: CalendarProblem::YearOutOfRange,
            }]);
        };
        let first = day_index(start);
        let last = day_index(end);
        let mut off: BTreeSet<i32> = BTreeSet::new();
        let mut on: BTreeSet<i32> = BTreeSet::new();
        for year in &years {
            for h in &year.holidays {
                off.extend(day_index(h.from)..=day_index(h.to));
            }
            on.extend(year.makeup.iter().map(|d| day_index(*d)));
        }
        let mut prefix = Vec::with_capacity(usize::try_from(last - first + 1).unwrap_or(0));
        let mut working = Vec::new();
        let mut count = 0u32;
        for x in first..=last {
            let is_working = on.contains(&x) || (!is_weekend(x) && !off.contains(&x));
            if is_working {
                count += 1;
                working.push(x);
            }
            prefix.push(count);
        }
        Ok(Calendar {
            years,
            first,
            last,
            prefix,
            working,
            base: provisional_through(first - 1),
        })
    }

    /// The published years, ascending.
    pub fn years(&self) -> &[CalendarYear] {
        &self.years
    }

    pub fn year(&self, year: i32) -> Option<&CalendarYear> {
        self.years.iter().find(|y| y.year == year)
    }

    /// First and last covered date, if any year is loaded.
    pub fn coverage(&self) -> Option<(NaiveDate, NaiveDate)> {
        (self.first <= self.last).then(|| (date_of(self.first), date_of(self.last)))
    }

    pub(crate) fn covers_index(&self, x: i32) -> bool {
        self.first <= x && x <= self.last
    }

    pub fn covers(&self, date: NaiveDate) -> bool {
        self.covers_index(day_index(date))
    }

    /// Working days in `(day 0 ..= x]`, up to a constant: only differences are meaningful.
    #[inline]
    pub(crate) fn ordinal(&self, x: i32) -> i32 {
        if x < self.first {
            provisional_through(x)
        } else if x <= self.last {
            // `x - first` is in range by the branch above.
            let i = usize::try_from(x - self.first).unwrap_or(0);
            self.base + i32::try_from(self.prefix[i]).unwrap_or(i32::MAX)
        } else {
            let total = i32::try_from(self.working.len()).unwrap_or(i32::MAX);
            self.base + total + provisional_through(x) - provisional_through(self.last)
        }
    }

    /// The working day whose ordinal is `k`: the inverse of [`Calendar::ordinal`] on working
    /// days.
    #[inline]
    pub(crate) fn nth(&self, k: i32) -> i32 {
        let total = i32::try_from(self.working.len()).unwrap_or(i32::MAX);
        if k <= self.base || self.first > self.last {
            kth_provisional(k)
        } else if k <= self.base + total {
            let i = usize::try_from(k - self.base - 1).unwrap_or(0);
            self.working[i]
        } else {
            kth_provisional(provisional_through(self.last) + k - self.base - total)
        }
    }

    pub(crate) fn is_working_index(&self, x: i32) -> bool {
        self.ordinal(x) != self.ordinal(x - 1)
    }

    /// Whether `date` is a working day.
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.is_working_index(day_index(date))
    }

    /// Everything the calendar knows about `date`.
    pub fn day(&self, date: NaiveDate) -> DayInfo<'_> {
        let year = self.year(date.year());
        DayInfo {
            date,
            working: self.is_working_day(date),
            provisional: !self.covers(date),
            holiday: year.and_then(|y| y.holidays.iter().find(|h| h.contains(date))),
            makeup: year.is_some_and(|y| y.makeup.contains(&date)),
        }
    }

    /// Working days `d` with `from < d <= to` (negative when `to < from`).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        i64::from(self.ordinal(day_index(to))) - i64::from(self.ordinal(day_index(from)))
    }

    /// The `n`-th working day after `from` (`from` itself is not counted), and whether the
    /// answer depends on a day outside the published years. `n = 0` returns `from`.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> (NaiveDate, bool) {
        let start = day_index(from);
        if n == 0 {
            return (from, false);
        }
        let n = i32::try_from(n).unwrap_or(i32::MAX / 4);
        let end = self.nth(self.ordinal(start) + n);
        (date_of(end), !self.span_covered(start, end))
    }

    /// Whether every day of `(start, end]` lies in the published years.
    pub(crate) fn span_covered(&self, start: i32, end: i32) -> bool {
        end <= start || (self.first <= start + 1 && end <= self.last)
    }

    /// Holiday periods that overlap `(from, to]`, in date order.
    pub fn holidays_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<&Holiday> {
        self.years
            .iter()
            .filter(|y| y.year >= from.year() && y.year <= to.year())
            .flat_map(|y| y.holidays.iter())
            .filter(|h| h.to > from && h.from <= to)
            .collect()
    }

    /// The fixed public holidays ([`FIXED_HOLIDAYS`]) that overlap `(from, to]` in the years
    /// without published data, one period per holiday and year, named "元旦（法定节日）" etc.:
    /// the days the provisional rule takes off, for the explanation of a due date.
    pub fn fixed_holidays_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<Holiday> {
        let mut out: Vec<Holiday> = Vec::new();
        for year in from.year()..=to.year() {
            if self.year(year).is_some() {
                continue;
            }
            for (m, d, name) in FIXED_HOLIDAYS {
                let Some(date) = NaiveDate::from_ymd_opt(year, m, d) else {
                    continue;
                };
                let name = format!("{name}（法定节日）");
                match out.last_mut() {
                    Some(h) if h.name == name && h.to.succ_opt() == Some(date) => h.to = date,
                    _ => out.push(Holiday {
                        name,
                        from: date,
                        to: date,
                        note: None,
                    }),
                }
            }
        }
        out.retain(|h| h.to > from && h.from <= to);
        out
    }

    /// Make-up working days in `(from, to]`.
    pub fn makeup_days_between(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        self.years
            .iter()
            .filter(|y| y.year >= from.year() && y.year <= to.year())
            .flat_map(|y| y.makeup.iter().copied())
            .filter(|d| *d > from && *d <= to)
            .collect()
    }

    /// Writes the calendar in the file format [`Calendar::from_toml_str`] reads.
    pub fn to_toml(&self) -> String {
        let quote = |s: &str| toml::Value::String(s.to_owned()).to_string();
        let mut out = String::new();
        for y in &self.years {
            out.push_str(&format!("[[year]]\nyear = {}\n", y.year));
            if let Some(source) = &y.source {
                out.push_str(&format!("source = {}\n", quote(source)));
            }
            out.push_str("holidays = [\n");
            for h in &y.holidays {
                out.push_str(&format!(
                    "  {{ name = {}, from = \"{}\"",
                    quote(&h.name),
                    h.from
                ));
                if h.to != h.from {
                    out.push_str(&format!(", to = \"{}\"", h.to));
                }
                if let Some(note) = &h.note {
                    out.push_str(&format!(", note = {}", quote(note)));
                }
                out.push_str(" },\n");
            }
            out.push_str("]\nmakeup = [");
            let days: Vec<String> = y.makeup.iter().map(|d| format!("\"{d}\"")).collect();
            out.push_str(&days.join(", "));
            out.push_str("]\n\n");
        }
        out
    }
}

impl PartialEq for Calendar {
    fn eq(&self, other: &Calendar) -> bool {
        self.years == other.years
    }
}

/// Parses one `[[year]]` table, keeping the entries that parse; problems go to `issues`.
fn parse_year(raw: RawYear, issues: &mut Vec<CalendarIssue>) -> Option<CalendarYear> {
    let year = raw.year;
    let mut issue = |entry: String, problem: CalendarProblem| {
        issues.push(CalendarIssue {
            year: Some(year),
            entry,
            problem,
        })
    };
    if !(1900..=9999).contains(&year) {
        issue("year".to_owned(), CalendarProblem::ImplausibleYear(year));
        return None;
    }
    let mut holidays = Vec::new();
    for (i, h) in raw.holidays.iter().enumerate() {
        let entry = if h.name.trim().is_empty() {
            format!("holidays[{i}]")
        } else {
            format!("holiday \"{}\"", h.name)
        };
        if h.name.trim().is_empty() {
            issue(entry.clone(), CalendarProblem::HolidayWithoutName);
        }
        let from = h
            .from
            .parse()
            .map_err(|p| issue(format!("{entry} from"), p));
        let to = match &h.to {
            Some(to) => to.parse().map_err(|p| issue(format!("{entry} to"), p)),
            None => from,
        };
        if let (Ok(from), Ok(to)) = (from, to) {
            holidays.push(Holiday {
                name: h.name.trim().to_owned(),
                from,
                to,
                note: h.note.clone(),
            });
        }
    }
    let mut makeup = Vec::new();
    for (i, d) in raw.makeup.iter().enumerate() {
        match d.parse() {
            Ok(date) => makeup.push(date),
            Err(p) => issue(format!("makeup[{i}]"), p),
        }
    }
    makeup.sort();
    Some(CalendarYear {
        year,
        source: raw.source,
        holidays,
        makeup,
    })
}

/// Which entry of a [`CalendarYear`] a problem concerns, by its position in the year's lists
/// (as given, before [`Calendar::new`] sorts the holidays).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearEntry {
    Holiday(usize),
    Makeup(usize),
}

impl CalendarYear {
    /// The problems of this year's entries, each with the entry it concerns: dates inside the
    /// year, ranges ordered, no day listed twice, no day both a holiday and a make-up working
    /// day, make-up days on weekends. [`Calendar::new`] refuses a year with any.
    pub fn problems(&self) -> Vec<(YearEntry, CalendarProblem)> {
        let y = self;
        let mut out = Vec::new();
        let mut holiday_days: BTreeMap<NaiveDate, &str> = BTreeMap::new();
        for (i, h) in y.holidays.iter().enumerate() {
            let entry = YearEntry::Holiday(i);
            let mut bad = false;
            let ends: &[NaiveDate] = if h.from == h.to {
                &[h.from]
            } else {
                &[h.from, h.to]
            };
            for &d in ends {
                if d.year() != y.year {
                    out.push((
                        entry,
                        CalendarProblem::OutsideYear {
                            date: d,
                            year: y.year,
                        },
                    ));
                    bad = true;
                }
            }
            if h.to < h.from {
                out.push((
                    entry,
                    CalendarProblem::EndsBeforeStart {
                        from: h.from,
                        to: h.to,
                    },
                ));
                bad = true;
            }
            if bad {
                continue;
            }
            // One message per overlapping holiday, naming the first day they share.
            let mut reported: Vec<&str> = Vec::new();
            for d in h.from.iter_days().take_while(|d| *d <= h.to) {
                if let Some(other) = holiday_days.insert(d, &h.name)
                    && !reported.contains(&other)
                {
                    reported.push(other);
                    out.push((
                        entry,
                        CalendarProblem::DayListedTwice {
                            date: d,
                            holiday: Some(other.to_owned()),
                        },
                    ));
                }
            }
        }
        let mut seen = BTreeSet::new();
        for (i, d) in y.makeup.iter().enumerate() {
            let entry = YearEntry::Makeup(i);
            if d.year() != y.year {
                out.push((
                    entry,
                    CalendarProblem::OutsideYear {
                        date: *d,
                        year: y.year,
                    },
                ));
            }
            if !seen.insert(*d) {
                out.push((
                    entry,
                    CalendarProblem::DayListedTwice {
                        date: *d,
                        holiday: None,
                    },
                ));
            }
            if let Some(name) = holiday_days.get(d) {
                out.push((
                    entry,
                    CalendarProblem::MakeupOnHoliday {
                        date: *d,
                        holiday: (*name).to_owned(),
                    },
                ));
            }
            if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
                out.push((
                    entry,
                    CalendarProblem::MakeupOnWorkingDay {
                        date: *d,
                        weekday: d.weekday(),
                    },
                ));
            }
        }
        out
    }
}

/// Checks the dates of one parsed year ([`CalendarYear::problems`]), naming each entry as the
/// file does.
fn check_year_entries(y: &CalendarYear, issues: &mut Vec<CalendarIssue>) {
    for (entry, problem) in y.problems() {
        let entry = match entry {
            YearEntry::Holiday(i) => format!(
                "holiday \"{}\"",
                y.holidays.get(i).map_or("", |h| h.name.as_str())
            ),
            YearEntry::Makeup(i) => format!(
                "makeup \"{}\"",
                y.makeup.get(i).map(ToString::to_string).unwrap_or_default()
            ),
        };
        issues.push(CalendarIssue {
            year: Some(y.year),
            entry,
            problem,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_functions_agree_with_weekdays() {
        for x in -30..60 {
            let expected = (0..=x).filter(|d| !is_weekend(*d)).count();
            if x >= 0 {
                assert_eq!(
                    weekdays_through(x),
                    i32::try_from(expected).unwrap(),
                    "x={x}"
                );
            }
            if !is_weekend(x) {
                assert_eq!(kth_weekday(weekdays_through(x)), x, "x={x}");
            }
        }
        // 0001-01-01 is a Monday.
        assert_eq!(date_of(0).weekday(), Weekday::Mon);
    }

    #[test]
    fn parse_date_is_strict() {
        assert!(parse_date("2026-02-28").is_some());
        for bad in [
            "2026-02-30",
            "2026-2-28",
            "26-02-28",
            "2026/02/28",
            "2026-02-2x",
            "",
        ] {
            assert!(parse_date(bad).is_none(), "{bad}");
        }
    }
}
