//! What the commands' rules share: the decision's context, the checks of statuses, legal
//! dates and text fields, and the refusals they make.

use std::cell::OnceCell;

use chrono::NaiveDate;

use super::context::Context;
use crate::calendar::Calendar;
use crate::case::{Case, Status};
use crate::model::{Breach, Event, EventKind};
use crate::rejection::{Rejection, RejectionCode as R};
use crate::statute::StatuteProfile;

/// Longest free text accepted in one field (characters).
pub(super) const MAX_TEXT: usize = 10_000;
/// Longest name, number or short field (characters).
pub(super) const MAX_SHORT: usize = 200;

/// A refusal about the case or the command as a whole.
pub(super) fn no<T>(code: R, message: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection::new(code, message))
}

/// A refusal about one input of the command, named by its JSON path.
pub(super) fn no_at<T>(
    code: R,
    field: &'static str,
    message: impl Into<String>,
) -> Result<T, Rejection> {
    Err(Rejection::at(code, field, message))
}

/// One decision: the case, the context, and what is worked out once for it.
pub(super) struct Decider<'a, 'c> {
    pub(super) case: &'a Case,
    pub(super) ctx: &'a Context<'c>,
    pub(super) today: NaiveDate,
    /// The case's reply due date, computed once per decision (several rules ask for it).
    due: OnceCell<Option<NaiveDate>>,
}

impl<'a, 'c> Decider<'a, 'c> {
    pub(super) fn new(case: &'a Case, ctx: &'a Context<'c>) -> Decider<'a, 'c> {
        Decider {
            case,
            ctx,
            today: ctx.today(),
            due: OnceCell::new(),
        }
    }
}

impl Decider<'_, '_> {
    pub(super) fn event(&self, legal_date: Option<NaiveDate>, kind: EventKind) -> Event {
        Event {
            at: self.ctx.now,
            actor: self.ctx.actor.to_ref(),
            legal_date,
            kind,
        }
    }

    fn calendar(&self) -> &Calendar {
        self.ctx.calendar
    }

    pub(super) fn profile(&self) -> Result<&StatuteProfile, Rejection> {
        match self.case.profile(self.ctx.statute) {
            Some(p) => Ok(p),
            None => no(
                R::InvalidInput,
                format!(
                    "法规配置中没有案件适用的期限规则“{}”",
                    self.case.statute.as_deref().unwrap_or("default")
                ),
            ),
        }
    }

    /// The limit for the correction notice (art. 30) of a request received on `receipt`; none
    /// where the profile sets no limit.
    pub(super) fn correction_notice_deadline(
        &self,
        profile: &StatuteProfile,
        receipt: NaiveDate,
    ) -> Option<NaiveDate> {
        (profile.correction_notice_days > 0)
            .then(|| self.add_days(receipt, profile.correction_notice_days))
    }

    pub(super) fn add_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        self.calendar().add_working_days(from, days).0
    }

    /// The reply due date as things stand, if the clock runs.
    pub(super) fn current_due(&self) -> Option<NaiveDate> {
        *self.due.get_or_init(|| {
            self.case
                .reply_due(self.ctx.calendar, self.ctx.statute)
                .and_then(|r| r.due)
        })
    }

    pub(super) fn has_breach(&self, breach: &Breach) -> bool {
        self.case.breaches.iter().any(|b| &b.breach == breach)
    }

    pub(super) fn status(&self, allowed: &[Status], what: &str) -> Result<(), Rejection> {
        let s = self.case.status;
        if allowed.contains(&s) {
            return Ok(());
        }
        let hint = match s {
            Status::Received => "，请先登记",
            Status::UnderReview => "，答复正在审核",
            Status::Replied | Status::Archived => "，已经答复",
            Status::Withdrawn | Status::Abandoned | Status::ClosedUnpaid => "，案件已终止",
            _ => "",
        };
        no(
            R::WrongStatus,
            format!("案件当前状态为“{}”{hint}，不能{what}", s.label_zh()),
        )
    }

    /// A legal date given by the user (default today): not after today, not before `floor`.
    /// `field` is the input's path, `label` what the date is (e.g. 收到申请日).
    pub(super) fn legal(
        &self,
        given: Option<NaiveDate>,
        (field, label): (&'static str, &str),
        floor: Option<(NaiveDate, &str)>,
    ) -> Result<NaiveDate, Rejection> {
        let date = given.unwrap_or(self.today);
        if date > self.today {
            return no_at(
                R::DateInFuture,
                field,
                format!("{label} {date} 晚于今天（{}）", self.today),
            );
        }
        if let Some((floor, what)) = floor
            && date < floor
        {
            return no_at(
                R::DateTooEarly,
                field,
                format!("{label} {date} 早于{what}（{floor}）"),
            );
        }
        Ok(date)
    }

    pub(super) fn no_pending_correction(&self) -> Result<(), Rejection> {
        match self.case.pending_correction() {
            Some(c) => no(
                R::AwaitingCorrection,
                format!(
                    "申请正在等待补正（补正期限 {}），补正前不能办理此项",
                    c.deadline
                ),
            ),
            None => Ok(()),
        }
    }
}

/// A required text field: trimmed, not empty, not too long, no control characters. `field` is
/// the input's path, `label` what it holds (e.g. 答复内容).
pub(super) fn text(
    value: &str,
    field: &'static str,
    label: &str,
    max: usize,
) -> Result<String, Rejection> {
    match optional_text(Some(value), field, label, max)? {
        Some(v) => Ok(v),
        None => no_at(R::InvalidInput, field, format!("请填写{label}")),
    }
}

pub(super) fn optional_text(
    value: Option<&str>,
    field: &'static str,
    label: &str,
    max: usize,
) -> Result<Option<String>, Rejection> {
    let Some(value) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let chars = value.chars().count();
    if chars > max {
        return no_at(
            R::InvalidInput,
            field,
            format!("{label}最长 {max} 个字符，收到 {chars} 个"),
        );
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return no_at(R::InvalidInput, field, format!("{label}含有控制字符"));
    }
    Ok(Some(value.to_owned()))
}
