//! Endings and what follows them: abandonment, withdrawal, archiving, reopening on an order,
//! and the reconsiderations and lawsuits about the request.

use chrono::NaiveDate;

use super::checks::{Decider, MAX_SHORT, MAX_TEXT, no, no_at, optional_text, text};
use crate::case::Status;
use crate::model::{Event, EventKind, Order, Remedy, RemedyKind, RemedyResult, Role};
use crate::rejection::{Rejection, RejectionCode as R};

impl Decider<'_, '_> {
    pub(super) fn abandon(&self) -> Result<Vec<Event>, Rejection> {
        let Some(correction) = self.case.pending_correction() else {
            return no(
                R::CorrectionNotRequested,
                "只有发出补正告知且申请人逾期未补正的，才能视为放弃申请",
            );
        };
        self.status(&[Status::Processing], "视为放弃")?;
        if self.today <= correction.deadline {
            return no(
                R::CorrectionPeriodNotOver,
                format!(
                    "补正期限至 {} 届满，届满后申请人仍未补正的方可视为放弃",
                    correction.deadline
                ),
            );
        }
        Ok(vec![self.event(Some(self.today), EventKind::Abandoned)])
    }

    pub(super) fn archive(&self) -> Result<Vec<Event>, Rejection> {
        self.status(
            &[
                Status::Replied,
                Status::Withdrawn,
                Status::Abandoned,
                Status::ClosedUnpaid,
            ],
            "归档",
        )?;
        if self.case.status == Status::Replied && self.case.delivered.is_none() {
            return no(R::DeliveryNotRecorded, "答复尚未登记送达，不能归档");
        }
        Ok(vec![self.event(Some(self.today), EventKind::Archived)])
    }

    pub(super) fn withdraw(
        &self,
        reason: Option<String>,
        withdrawn_on: Option<NaiveDate>,
    ) -> Result<Vec<Event>, Rejection> {
        self.status(&Status::OPEN, "撤回")?;
        if self.ctx.actor.role == Role::Applicant && withdrawn_on.is_some() {
            return no_at(
                R::InvalidInput,
                "withdrawn_on",
                "申请人在线撤回以提交之日为撤回日，不能另行填写",
            );
        }
        let reason = optional_text(reason.as_deref(), "reason", "撤回理由", MAX_TEXT)?;
        // A withdrawal ends the case, so it cannot predate anything already recorded on it.
        let floor = self
            .case
            .last_legal_date
            .or(self.case.receipt_date)
            .map(|d| (d, "案件最近一次办理记录的日期"));
        let date = self.legal(withdrawn_on, ("withdrawn_on", "撤回日"), floor)?;
        Ok(vec![
            self.event(Some(date), EventKind::Withdrawn { reason }),
        ])
    }

    pub(super) fn reopen(&self, mut order: Order) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::Replied, Status::Archived], "重新办理")?;
        if self.case.replied_on.is_none() {
            return no(
                R::WrongStatus,
                format!(
                    "案件以“{}”终止，未作出答复，没有可以重新作出的答复",
                    self.case.outcome.map_or("", |o| o.label_zh())
                ),
            );
        }
        order.body = text(
            &order.body,
            "order.body",
            "作出决定的复议机关或法院",
            MAX_SHORT,
        )?;
        order.reference = text(
            &order.reference,
            "order.reference",
            "决定书或判决书文号",
            MAX_SHORT,
        )?;
        let floor = self.case.replied_on.map(|d| (d, "原答复日"));
        order.received_on = self.legal(
            Some(order.received_on),
            ("order.received_on", "收到决定书或判决书之日"),
            floor,
        )?;
        let date = order.received_on;
        let profile = self.profile()?;
        let correction_notice_deadline = self.correction_notice_deadline(profile, date);
        Ok(vec![self.event(
            Some(date),
            EventKind::Reopened {
                order,
                correction_notice_deadline,
            },
        )])
    }

    /// Records a reconsideration or lawsuit. Any case that was received can be the subject of
    /// one (a failure to reply is itself challengeable), whatever its status now.
    pub(super) fn record_remedy(&self, mut remedy: Remedy) -> Result<Vec<Event>, Rejection> {
        remedy.body = text(
            &remedy.body,
            "remedy.body",
            match remedy.kind {
                RemedyKind::Reconsideration => "复议机关",
                RemedyKind::Litigation => "受理法院",
            },
            MAX_SHORT,
        )?;
        remedy.reference = optional_text(
            remedy.reference.as_deref(),
            "remedy.reference",
            "案号",
            MAX_SHORT,
        )?;
        if remedy.after_reconsideration && remedy.kind != RemedyKind::Litigation {
            return no_at(
                R::InvalidInput,
                "remedy.after_reconsideration",
                "只有行政诉讼才区分是否经过复议",
            );
        }
        let floor = self.case.receipt_date.map(|d| (d, "收到申请之日"));
        remedy.filed_on = self.legal(
            Some(remedy.filed_on),
            ("remedy.filed_on", "提起之日"),
            floor,
        )?;
        match (remedy.result, remedy.decided_on) {
            (Some(_), Some(decided)) => {
                remedy.decided_on = Some(self.legal(
                    Some(decided),
                    ("remedy.decided_on", "审结日期"),
                    Some((remedy.filed_on, "提起之日")),
                )?);
            }
            (None, None) => {}
            (Some(_), None) => {
                return no_at(
                    R::InvalidInput,
                    "remedy.decided_on",
                    "已有结果的，请填写决定或判决的日期",
                );
            }
            (None, Some(_)) => {
                return no_at(
                    R::InvalidInput,
                    "remedy.result",
                    "填写了审结日期的，请选择结果（维持、纠正或其他）",
                );
            }
        }
        let id = u32::try_from(self.case.remedies.len() + 1).unwrap_or(u32::MAX);
        Ok(vec![
            self.event(None, EventKind::RemedyRecorded { id, remedy }),
        ])
    }

    pub(super) fn decide_remedy(
        &self,
        id: u32,
        result: RemedyResult,
        decided_on: NaiveDate,
    ) -> Result<Vec<Event>, Rejection> {
        let Some(record) = self.case.remedies.iter().find(|r| r.id == id) else {
            return no_at(
                R::RemedyNotFound,
                "remedy",
                format!("本案没有第 {id} 项复议或诉讼记录"),
            );
        };
        if let Some(done) = record.remedy.result {
            return no(
                R::RemedyAlreadyDecided,
                format!(
                    "第 {id} 项{}已审结（{}），不能再次登记结果",
                    record.remedy.kind.label_zh(),
                    done.label_zh()
                ),
            );
        }
        let decided_on = self.legal(
            Some(decided_on),
            ("decided_on", "审结日期"),
            Some((record.remedy.filed_on, "提起之日")),
        )?;
        Ok(vec![self.event(
            None,
            EventKind::RemedyDecided {
                id,
                result,
                decided_on,
            },
        )])
    }
}
