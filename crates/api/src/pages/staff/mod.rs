//! Pages for clerks and supervisors: the queue, the case page with the actions allowed now,
//! registering paper requests, and the supervision dashboard (电子监察).

mod case;
mod dashboard;
mod queue;
mod redact;
mod registration;

pub use case::{act, case_page, package, upload};
pub use dashboard::dashboard;
pub use queue::queue;
pub use redact::{
    editor as redact_editor, job_page as redaction_job, page_image as redact_page,
    submit as redact_submit,
};
pub use registration::{register, register_form, registered};

use chrono::{NaiveDate, Utc};
use gongkai_workflow::{Calendar, Role, Status, SubState, WarningLevel};

use super::{StaffPage, WebResult, see_other};
use crate::service::directory::Directory;
use crate::state::Law;
use crate::views::CaseSummary;

/// A status as the queue names it: a received request waits for the clerk's registration.
fn status_label(status: Status) -> &'static str {
    match status {
        Status::Received => "待登记",
        s => s.label_zh(),
    }
}

fn today() -> NaiveDate {
    gongkai_workflow::clock::legal_date(Utc::now())
}

/// A queue row as the page shows it.
pub struct Row {
    pub id: String,
    pub tracking_number: String,
    pub applicant: String,
    pub department: String,
    pub assignee: String,
    pub status: String,
    pub receipt_date: String,
    pub due_date: String,
    /// Working days left (negative: overdue by), with the wording.
    pub days_left: String,
    /// normal, due_soon or overdue (CSS class and label).
    pub level: String,
    pub level_label: &'static str,
}

/// What is left of the reply period on `today`: overdue by, due today, or the working days
/// left, today said to be included only when it is a working day.
fn days_left_text(cal: &Calendar, today: NaiveDate, due: NaiveDate, provisional: bool) -> String {
    let provisional = if provisional { "（暂定）" } else { "" };
    if due < today {
        // Working days after the due date, up to today.
        return match cal.working_days_between(due, today) {
            0 => "已逾期".to_owned(),
            n => format!("逾期 {n} 个工作日"),
        };
    }
    if due == today {
        return format!("今日到期{provisional}");
    }
    // Today counts when it is a working day, as for the warning level.
    let n = gongkai_workflow::clock::working_days_left(cal, today, due);
    if cal.is_working_day(today) {
        format!("剩 {n} 个工作日（含今日）{provisional}")
    } else {
        format!("剩 {n} 个工作日（自下一个工作日起）{provisional}")
    }
}

fn row_of(s: CaseSummary, dir: &Directory, law: &Law, today: NaiveDate) -> Row {
    let awaiting = s.status == Status::Received;
    let days_left = match s.due_date {
        Some(due) => days_left_text(&law.calendar, today, due, s.provisional),
        // An online filing awaiting confirmation: no period runs yet, but the wait shows.
        None if awaiting => format!(
            "已等待 {} 个工作日",
            crate::service::cases::working_days_waited(&law.calendar, s.submitted_on, today)
        ),
        None if s.sub_state.as_deref().and_then(SubState::parse)
            == Some(SubState::AwaitingCorrection) =>
        {
            "待补正（收到补正后重新计算）".to_owned()
        }
        None if s.sub_state.is_some() => "期限中止".to_owned(),
        None => String::new(),
    };
    let level = s.warning_level.unwrap_or(WarningLevel::Normal);
    let mut status = status_label(s.status).to_owned();
    if let Some(sub) = s.sub_state.as_deref().and_then(SubState::parse) {
        status = format!("{status}·{}", sub.label_zh());
    }
    Row {
        tracking_number: s
            .tracking_number
            .clone()
            .unwrap_or_else(|| "（未登记）".to_owned()),
        applicant: s.applicant_name.clone(),
        department: dir.department(&s.department),
        assignee: s
            .assignee
            .as_deref()
            .map(|a| dir.user(a))
            .unwrap_or_default(),
        status,
        receipt_date: match s.receipt_date {
            Some(d) => d.to_string(),
            None if awaiting => format!("待登记（{} 提交）", s.submitted_on),
            None => String::new(),
        },
        due_date: s.due_date.map(|d| d.to_string()).unwrap_or_default(),
        days_left,
        level_label: level.label_zh(),
        level: level.as_str().to_owned(),
        id: s.id,
    }
}

pub async fn home(page: StaffPage) -> WebResult {
    Ok(see_other(match page.caller.role() {
        Role::Supervisor => "/staff/dashboard",
        _ => "/staff/queue",
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn today_is_said_to_count_only_on_a_working_day() {
        let cal = Calendar::weekends_only();
        // Due Friday 2026-12-11. On Sunday 2026-12-06 five working days are left, from Monday.
        assert_eq!(
            days_left_text(&cal, day("2026-12-06"), day("2026-12-11"), false),
            "剩 5 个工作日（自下一个工作日起）"
        );
        // On Monday the same five include the day itself.
        assert_eq!(
            days_left_text(&cal, day("2026-12-07"), day("2026-12-11"), true),
            "剩 5 个工作日（含今日）（暂定）"
        );
        assert_eq!(
            days_left_text(&cal, day("2026-12-11"), day("2026-12-11"), false),
            "今日到期"
        );
        assert_eq!(
            days_left_text(&cal, day("2026-12-14"), day("2026-12-11"), false),
            "逾期 1 个工作日"
        );
    }
}
