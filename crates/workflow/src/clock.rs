//! The statutory clock: the reply due date, with pauses, restarts and the extension, and the
//! explanation a clerk and an applicant read.
//!
//! The rule (STATUTE.md §2): counting starts on the day after the start date (the receipt
//! date, or the receipt date of the latest correction, or the date of an order to reply
//! anew). A pause that starts on day A and ends on day B excludes the working days D with
//! A < D ≤ B. The due date is the day on which the number of counted working days reaches N
//! (the reply period, plus the extension once approved).

use chrono::{DateTime, Datelike, NaiveDate, Utc, Weekday};
use chrono_tz::Asia::Shanghai;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, date_of, day_index};
use crate::statute::{PauseKind, StatuteProfile};
use crate::vocabulary::vocabulary;

/// A pause of the reply period. `to == None`: still running.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub kind: PauseKind,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    /// Who or what the pause is about (the third party's name, the agency), for the
    /// explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

/// Why the clock starts on its start date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StartReason {
    /// 收到申请之日.
    Receipt,
    /// 收到补正材料之日: the period runs afresh (art. 30).
    Correction,
    /// 复议决定或法院判决责令重新答复之日.
    Order,
}

vocabulary!(StartReason {
    Receipt => "receipt", "收到申请之日";
    Correction => "correction", "收到补正后申请之日，答复期限重新计算";
    Order => "order", "收到责令重新答复的决定之日";
});

/// A later reply date set under art. 35 (excessive requests), replacing the statutory one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonableDate {
    pub date: NaiveDate,
    pub reason: String,
    pub set_by: String,
}

/// What the clock needs to know about a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockInput {
    pub start: NaiveDate,
    pub start_reason: StartReason,
    /// The original receipt date, when the clock restarted from a correction or an order.
    pub original_receipt: Option<NaiveDate>,
    pub pauses: Vec<Pause>,
    /// Working days added by an approved extension (0 when none).
    pub extension_days: u32,
    pub reasonable_date: Option<ReasonableDate>,
}

impl ClockInput {
    pub fn received(start: NaiveDate) -> ClockInput {
        ClockInput {
            start,
            start_reason: StartReason::Receipt,
            original_receipt: None,
            pauses: Vec::new(),
            extension_days: 0,
            reasonable_date: None,
        }
    }
}

/// A pause still running: the due date is not known until it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspension {
    pub kind: PauseKind,
    pub since: NaiveDate,
    /// Working days of the period still to run once the pause ends.
    pub remaining_days: u32,
}

/// The reply due date and how it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyDue {
    /// The due date; `None` while a pause is still running.
    pub due: Option<NaiveDate>,
    /// The date depends on a day outside the published calendar years.
    pub provisional: bool,
    pub suspended: Option<Suspension>,
    pub explanation: Explanation,
}

/// The explanation of a due date, structured and as Chinese sentences (`text_zh`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub statute: String,
    pub statute_name: String,
    pub start: NaiveDate,
    pub start_reason: StartReason,
    pub original_receipt: Option<NaiveDate>,
    /// The first day counted.
    pub counting_from: NaiveDate,
    pub period_days: u32,
    pub extension_days: u32,
    pub pauses: Vec<PauseNote>,
    pub holidays: Vec<HolidayNote>,
    pub makeup_days: Vec<NaiveDate>,
    /// The due date the statute gives, before any art. 35 date replaced it.
    pub statutory_due: Option<NaiveDate>,
    pub reasonable_date: Option<ReasonableDate>,
    /// An art. 35 date that no longer applies: the statutory date has moved past it.
    pub reasonable_superseded: Option<ReasonableDate>,
    pub provisional_reason: Option<String>,
    pub text_zh: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PauseNote {
    pub kind: PauseKind,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
    pub about: Option<String>,
    /// Working days of the pause inside the counting span (not counted).
    pub working_days_excluded: u32,
    /// False when the statute profile does not exclude this kind of pause.
    pub applies: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayNote {
    pub name: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Monday–Friday days of the holiday inside the counting span.
    pub weekdays_skipped: u32,
}

enum Run {
    Due(i32),
    Suspended { remaining: i32, since: i32 },
}

/// The core walk over sorted pauses: O(number of pauses), each step O(1).
#[inline]
fn run(cal: &Calendar, start: i32, n: i32, pauses: impl Iterator<Item = (i32, i32)>) -> Run {
    let mut cursor = start;
    let mut counted_at_cursor = cal.ordinal(cursor);
    let mut remaining = n;
    for (a, b) in pauses {
        // A pause that ends where it starts (or before: bad input) excludes nothing.
        if b <= cursor || b <= a {
            continue;
        }
        if a > cursor {
            let available = cal.ordinal(a) - counted_at_cursor;
            if available >= remaining {
                return Run::Due(cal.nth(counted_at_cursor + remaining));
            }
            remaining -= available;
        }
        if b == i32::MAX {
            return Run::Suspended {
                remaining,
                since: a.max(start),
            };
        }
        cursor = b;
        counted_at_cursor = cal.ordinal(b);
    }
    Run::Due(cal.nth(counted_at_cursor + remaining))
}

/// The due date alone, for bulk use: `days` working days counted after `start`, not counting
/// the working days inside each `(from, to]` of `pauses`. Returns the date and whether it is
/// provisional. Pauses may come in any order and may overlap.
pub fn due_date(
    cal: &Calendar,
    start: NaiveDate,
    days: u32,
    pauses: &[(NaiveDate, NaiveDate)],
) -> (NaiveDate, bool) {
    let s = day_index(start);
    let n = i32::try_from(days).unwrap_or(i32::MAX / 4);
    let result = if pauses.is_sorted_by_key(|p| p.0) {
        run(
            cal,
            s,
            n,
            pauses.iter().map(|(a, b)| (day_index(*a), day_index(*b))),
        )
    } else {
        let mut sorted: Vec<(i32, i32)> = pauses
            .iter()
            .map(|(a, b)| (day_index(*a), day_index(*b)))
            .collect();
        sorted.sort_unstable();
        run(cal, s, n, sorted.into_iter())
    };
    match result {
        Run::Due(d) => (date_of(d), !cal.span_covered(s, d)),
        // Unreachable: every pause here has an end.
        Run::Suspended { .. } => (start, true),
    }
}

/// The reply due date under `profile` without the explanation, for bulk use: applies the
/// profile's counting rule and period (plus its extension when `extended`). `pauses` are the
/// ones the profile excludes (see [`StatuteProfile::excludes`]).
pub fn statutory_due(
    cal: &Calendar,
    profile: &StatuteProfile,
    start: NaiveDate,
    extended: bool,
    pauses: &[(NaiveDate, NaiveDate)],
) -> (NaiveDate, bool) {
    let start = if profile.first_day_counts {
        start.pred_opt().unwrap_or(start)
    } else {
        start
    };
    let extension = if extended { profile.extension_days } else { 0 };
    due_date(
        cal,
        start,
        profile.reply_days.saturating_add(extension),
        pauses,
    )
}

/// The reply due date of a case under `profile`, with its explanation.
pub fn reply_due(cal: &Calendar, profile: &StatuteProfile, input: &ClockInput) -> ReplyDue {
    let count_start = if profile.first_day_counts {
        input.start.pred_opt().unwrap_or(input.start)
    } else {
        input.start
    };
    let s = day_index(count_start);
    let period = profile.reply_days.saturating_add(input.extension_days);
    let n = i32::try_from(period).unwrap_or(i32::MAX / 4);

    let mut applied: Vec<(i32, i32, PauseKind)> = input
        .pauses
        .iter()
        .filter(|p| profile.excludes(p.kind))
        .map(|p| {
            let to = p.to.map_or(i32::MAX, day_index);
            (day_index(p.from), to, p.kind)
        })
        .collect();
    applied.sort_unstable();
    let result = run(cal, s, n, applied.iter().map(|(a, b, _)| (*a, *b)));

    let (due_index, suspended) = match result {
        Run::Due(d) => (Some(d), None),
        Run::Suspended { remaining, since } => {
            let kind = applied
                .iter()
                .find(|(a, b, _)| *b == i32::MAX && (*a).max(s) == since)
                .map_or(PauseKind::Other, |p| p.2);
            (
                None,
                Some(Suspension {
                    kind,
                    since: date_of(since),
                    remaining_days: u32::try_from(remaining).unwrap_or(0),
                }),
            )
        }
    };
    // The span the explanation speaks of: up to the due date, or up to the suspension.
    let span_end = due_index
        .or(suspended.as_ref().map(|x| day_index(x.since)))
        .unwrap_or(s);
    let provisional = due_index.is_some_and(|d| !cal.span_covered(s, d));
    let statutory_due = due_index.map(date_of);
    // An art. 35 date replaces the statutory one only when it is later: it was set against the
    // clock of its day, and a restart (a correction received since) may have moved the
    // statutory date past it.
    let (due, reasonable_date, reasonable_superseded) =
        match (&input.reasonable_date, statutory_due) {
            (Some(r), Some(statutory)) if r.date > statutory => {
                (Some(r.date), Some(r.clone()), None)
            }
            (Some(r), Some(_)) => (statutory_due, None, Some(r.clone())),
            (_, _) => (statutory_due, None, None),
        };

    // Each pause is credited only with the working days no earlier pause already excluded, so
    // that the notes add up to what the count left out.
    let mut sorted: Vec<&Pause> = input.pauses.iter().collect();
    sorted.sort_by_key(|p| p.from);
    let mut covered_until = s;
    let pauses = sorted
        .into_iter()
        .map(|p| {
            let applies = profile.excludes(p.kind);
            let a = day_index(p.from).max(covered_until);
            let b = p.to.map_or(span_end, day_index).min(span_end);
            let excluded = if applies && b > a {
                covered_until = b;
                cal.ordinal(b) - cal.ordinal(a)
            } else {
                0
            };
            PauseNote {
                kind: p.kind,
                from: p.from,
                to: p.to,
                about: p.about.clone(),
                working_days_excluded: u32::try_from(excluded).unwrap_or(0),
                applies,
            }
        })
        .collect();
    // Days inside an applied pause were not counted either way: a holiday or make-up day there
    // made no difference and is not listed.
    let paused = |d: NaiveDate| {
        let x = day_index(d);
        applied.iter().any(|(a, b, _)| *a < x && x <= *b)
    };
    let span_to = date_of(span_end);
    // The published holidays, and in the years without a notice the fixed public holidays the
    // provisional rule skips.
    let fixed = cal.fixed_holidays_between(count_start, span_to);
    let mut holidays: Vec<HolidayNote> = cal
        .holidays_between(count_start, span_to)
        .into_iter()
        .chain(fixed.iter())
        .filter_map(|h| {
            let from = h.from.max(count_start.succ_opt().unwrap_or(count_start));
            let to = h.to.min(span_to);
            let weekdays = (0..=(to - from).num_days())
                .filter_map(|i| from.checked_add_signed(chrono::Duration::days(i)))
                .filter(|d| !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !paused(*d))
                .count();
            (weekdays > 0).then(|| HolidayNote {
                name: h.name.clone(),
                from: h.from,
                to: h.to,
                weekdays_skipped: u32::try_from(weekdays).unwrap_or(0),
            })
        })
        .collect();
    holidays.sort_by_key(|h| h.from);
    let provisional_reason = provisional.then(|| provisional_reason(cal, count_start, span_to));

    let mut explanation = Explanation {
        statute: profile.id.clone(),
        statute_name: profile.name.clone(),
        start: input.start,
        start_reason: input.start_reason,
        original_receipt: input.original_receipt,
        counting_from: if profile.first_day_counts {
            input.start
        } else {
            input.start.succ_opt().unwrap_or(input.start)
        },
        period_days: profile.reply_days,
        extension_days: input.extension_days,
        pauses,
        holidays,
        makeup_days: cal
            .makeup_days_between(count_start, span_to)
            .into_iter()
            .filter(|d| !paused(*d))
            .collect(),
        statutory_due,
        reasonable_date,
        reasonable_superseded,
        provisional_reason,
        text_zh: Vec::new(),
    };
    explanation.text_zh = explanation_text(&explanation, due, suspended.as_ref());
    ReplyDue {
        due,
        provisional,
        suspended,
        explanation,
    }
}

fn provisional_reason(cal: &Calendar, from: NaiveDate, to: NaiveDate) -> String {
    let years: Vec<String> = (from.year()..=to.year())
        .filter(|y| cal.year(*y).is_none())
        .map(|y| y.to_string())
        .collect();
    format!(
        "{}年的节假日安排尚未载入本系统，相关日期暂按周六、周日及元旦（1月1日）、劳动节（5月1日、2日）、国庆节（10月1日至3日）休息推算，期限为暂定，公布后将重新计算",
        years.join("、")
    )
}

pub fn weekday_zh(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "星期一",
        Weekday::Tue => "星期二",
        Weekday::Wed => "星期三",
        Weekday::Thu => "星期四",
        Weekday::Fri => "星期五",
        Weekday::Sat => "星期六",
        Weekday::Sun => "星期日",
    }
}

fn explanation_text(
    e: &Explanation,
    due: Option<NaiveDate>,
    s: Option<&Suspension>,
) -> Vec<String> {
    let mut lines = vec![format!("适用：{}（{}）", e.statute_name, e.statute)];
    if let Some(original) = e.original_receipt
        && e.start_reason != StartReason::Receipt
    {
        lines.push(format!("原收到申请日：{original}"));
    }
    lines.extend([format!(
        "起算：{}（{}），自 {} 起计算",
        e.start,
        e.start_reason.label_zh(),
        e.counting_from
    )]);
    if e.extension_days > 0 {
        lines.push(format!(
            "期限：{} 个工作日，经批准延长 {} 个工作日，共 {} 个工作日",
            e.period_days,
            e.extension_days,
            e.period_days + e.extension_days
        ));
    } else {
        lines.push(format!("期限：{} 个工作日", e.period_days));
    }
    for p in &e.pauses {
        let about = p
            .about
            .as_deref()
            .map(|a| format!("（{a}）"))
            .unwrap_or_default();
        let span = match p.to {
            Some(to) => format!("{} 至 {}", p.from, to),
            None => format!("自 {} 起，尚未结束", p.from),
        };
        if p.applies {
            lines.push(format!(
                "暂停：{}{about} {span}，其间 {} 个工作日不计入答复期限",
                p.kind.label_zh(),
                p.working_days_excluded
            ));
        } else {
            lines.push(format!(
                "未暂停：{}{about} {span}，按{}不扣除",
                p.kind.label_zh(),
                e.statute
            ));
        }
    }
    if !e.holidays.is_empty() {
        let names: Vec<String> = e
            .holidays
            .iter()
            .map(|h| {
                let span = if h.from == h.to {
                    h.from.to_string()
                } else {
                    format!("{} 至 {}", h.from, h.to)
                };
                format!("{}（{span}，跳过工作日 {} 天）", h.name, h.weekdays_skipped)
            })
            .collect();
        lines.push(format!("节假日：{}", names.join("；")));
    }
    if !e.makeup_days.is_empty() {
        let days: Vec<String> = e
            .makeup_days
            .iter()
            .map(|d| format!("{d}（{}）", weekday_zh(*d)))
            .collect();
        lines.push(format!("调休上班日计为工作日：{}", days.join("、")));
    }
    if let Some(s) = s {
        lines.push(format!(
            "答复期限：{}自 {} 起暂停，尚余 {} 个工作日，暂停结束后重新确定",
            s.kind.label_zh(),
            s.since,
            s.remaining_days
        ));
    } else if let Some(r) = &e.reasonable_date {
        if let Some(statutory) = e.statutory_due {
            lines.push(format!(
                "法定答复期限：{statutory}（{}）",
                weekday_zh(statutory)
            ));
        }
        lines.push(format!(
            "答复期限：{}（{}），依条例第三十五条确定的合理期限，理由：{}",
            r.date,
            weekday_zh(r.date),
            r.reason
        ));
    } else if let Some(due) = due {
        if let Some(r) = &e.reasonable_superseded {
            lines.push(format!(
                "依条例第三十五条确定的合理期限 {} 早于重新计算的法定答复期限，不再适用",
                r.date
            ));
        }
        lines.push(format!(
            "答复期限：{due}（{}），自起算日起共 {} 个自然日",
            weekday_zh(due),
            (due - e.start).num_days()
        ));
    }
    if let Some(reason) = &e.provisional_reason {
        lines.push(format!("暂定：{reason}"));
    }
    lines
}

/// Supervision levels (电子监察).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningLevel {
    Normal,
    DueSoon,
    Overdue,
}

// The labels are the level as the queue, the dashboard and the clerks' guide name it.
vocabulary!(WarningLevel {
    Normal => "normal", "正常";
    DueSoon => "due_soon", "即将到期";
    Overdue => "overdue", "已逾期";
});

/// The legal date (Asia/Shanghai) of an instant.
pub fn legal_date(at: DateTime<Utc>) -> NaiveDate {
    beijing_time(at).date()
}

/// The Beijing (Asia/Shanghai) wall-clock time of an instant, as people in the agency read
/// it; its date is [`legal_date`].
pub fn beijing_time(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    at.with_timezone(&Shanghai).naive_local()
}

/// Working days left to reply, today included when it is a working day: 1 on the due date
/// itself, 0 on a non-working due date reached early, negative once past.
pub fn working_days_left(cal: &Calendar, today: NaiveDate, due: NaiveDate) -> i64 {
    let yesterday = today.pred_opt().unwrap_or(today);
    cal.working_days_between(yesterday, due)
}

/// The warning level at `now` of a reply due on `due`: overdue once the due date has ended
/// in Asia/Shanghai; due soon within the last `due_soon_days` working days (today included).
pub fn warning_level(
    cal: &Calendar,
    due: NaiveDate,
    due_soon_days: u32,
    now: DateTime<Utc>,
) -> WarningLevel {
    let today = legal_date(now);
    if today > due {
        WarningLevel::Overdue
    } else if working_days_left(cal, today, due) <= i64::from(due_soon_days) {
        WarningLevel::DueSoon
    } else {
        WarningLevel::Normal
    }
}
