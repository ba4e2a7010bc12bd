//! `decide`: whether a command may happen to a case now, and which events it makes.
//!
//! Checks run in a fixed order, so that the answer a user gets is the most useful one: the
//! case exists → the role may issue the command → the actor's department, ownership or
//! assignment → the case's status → the command's own inputs and the law's periods.
//!
//! This module holds the dispatcher, the checks of who may act and the record of an overdue
//! reply; `checks` holds what the commands' own rules share (statuses, dates, text fields).
//! Those rules are grouped by phase of the procedure: `intake` (receive, register, assign),
//! `processing` (correction, consultation, extension, fee, art. 35), `reply` (on the spot,
//! draft, review, approval, delivery) and `closing` (abandonment, withdrawal, archiving,
//! reopening, remedies).

mod checks;
mod closing;
mod context;
mod intake;
mod processing;
mod publication;
mod redaction;
mod reply;
pub use redaction::MAX_REDACTIONS;
pub use reply::MAX_RELEASE_ITEMS;

pub use context::{ANONYMOUS_APPLICANT, Context};

use crate::case::{Case, Status};
use crate::model::{Breach, Channel, Command, Delivery, Event, EventKind, Role};
use crate::rejection::{Rejection, RejectionCode as R};
use checks::{Decider, no};

/// Who may issue a command. Department scope, ownership and assignment are checked on top.
pub fn permitted_roles(cmd: &Command) -> &'static [Role] {
    use Role::*;
    match cmd {
        Command::Receive(r) if r.channel == Channel::Online => &[Applicant],
        Command::Receive(_) => &[Clerk, Supervisor],
        Command::Assign { .. } => &[Clerk, Supervisor, Admin],
        Command::ReceiveCorrection { .. } | Command::Withdraw { .. } => {
            &[Applicant, Clerk, Supervisor]
        }
        Command::ApproveExtension
        | Command::DenyExtension { .. }
        | Command::SetReasonableDate { .. }
        | Command::ApproveReply
        | Command::ReturnReply { .. }
        | Command::PublishRelease { .. }
        | Command::WithdrawPublication { .. } => &[Supervisor],
        Command::RecordOverdue => &[System, Supervisor],
        // The first retrieval of an electronic release is recorded by the system as its 送达.
        Command::RecordDelivery {
            method: Delivery::Online | Delivery::Email,
            ..
        } => &[Clerk, Supervisor, System],
        _ => &[Clerk, Supervisor],
    }
}

/// Commands that only the assigned clerk (or a supervisor) may issue on an assigned case.
fn assignee_only(cmd: &Command) -> bool {
    !matches!(
        cmd,
        Command::Receive(_)
            | Command::Register { .. }
            | Command::Assign { .. }
            | Command::ReceiveCorrection { .. }
            | Command::Withdraw { .. }
            | Command::RecordOverdue
            | Command::RecordRemedy { .. }
            | Command::DecideRemedy { .. }
            | Command::RecordSecrecyReview { .. }
    )
}

/// Decides a command against a case.
pub fn decide(case: &Case, cmd: Command, ctx: &Context) -> Result<Vec<Event>, Rejection> {
    let d = Decider::new(case, ctx);
    d.check_existence(&cmd)?;
    d.check_actor(&cmd)?;
    let mut events = d.dispatch(cmd)?;
    // A reply period that has run out stays on the record, whatever happens next: a late
    // extension, a consultation letter entered after the fact or a withdrawal does not undo it.
    if let Some(breach) = d.overdue_breach(&events) {
        events.insert(0, breach);
    }
    Ok(events)
}

impl Decider<'_, '_> {
    /// The `ReplyOverdue` breach to record with `events`, when the case's reply period ended
    /// before today and no event records it yet.
    fn overdue_breach(&self, events: &[Event]) -> Option<Event> {
        if !self.case.status.is_open() {
            return None;
        }
        let due = self.current_due()?;
        let breach = Breach::ReplyOverdue { due };
        let recorded = self.has_breach(&breach)
            || events.iter().any(
                |e| matches!(&e.kind, EventKind::BreachRecorded { breach: b } if b == &breach),
            );
        (self.today > due && !recorded)
            .then(|| self.event(Some(self.today), EventKind::BreachRecorded { breach }))
    }

    fn dispatch(&self, cmd: Command) -> Result<Vec<Event>, Rejection> {
        let d = self;
        match cmd {
            Command::Receive(r) => d.receive(r),
            Command::Register {
                tracking_number,
                department,
                receipt_date,
            } => d.register(&tracking_number, department, receipt_date),
            Command::Assign {
                department,
                assignee,
            } => d.assign(department, assignee),
            Command::StartProcessing => d.start_processing(),
            Command::RequestCorrection { items, period_days } => {
                d.request_correction(items, period_days)
            }
            Command::ReceiveCorrection {
                content,
                received_on,
                late_reason,
            } => d.receive_correction(&content, received_on, late_reason),
            Command::Abandon => d.abandon(),
            Command::StartConsultation {
                kind,
                party,
                letter_date,
                sent_by,
            } => d.start_consultation(kind, &party, letter_date, sent_by),
            Command::EndConsultation {
                consultation,
                opinion,
                ended_on,
            } => d.end_consultation(consultation, opinion, ended_on),
            Command::RequestExtension { reason, days } => d.request_extension(&reason, days),
            Command::ApproveExtension => d.approve_extension(),
            Command::DenyExtension { reason } => d.deny_extension(&reason),
            Command::IssueFeeNotice { fee, sent_by } => d.issue_fee_notice(fee, sent_by),
            Command::RecordReceipt {
                letter,
                received_on,
            } => d.record_receipt(letter, received_on),
            Command::RequestReasons {
                grounds,
                period_days,
                sent_by,
            } => d.request_reasons(&grounds, period_days, sent_by),
            Command::RecordReasons { assessment, note } => d.record_reasons(assessment, &note),
            Command::RecordPayment { paid_on } => d.record_payment(paid_on),
            Command::CloseUnpaid => d.close_unpaid(),
            Command::SetReasonableDate { date, reason } => d.set_reasonable_date(date, &reason),
            Command::ReplyOnTheSpot { reply } => d.reply_on_the_spot(reply),
            Command::DraftReply { reply } => d.draft_reply(reply),
            Command::SubmitForReview => d.submit_for_review(),
            Command::ApproveReply => d.approve_reply(),
            Command::RecordSecrecyReview {
                conclusion,
                basis,
                reviewed_on,
            } => d.record_secrecy_review(conclusion, &basis, reviewed_on),
            Command::ReturnReply { reason } => d.return_reply(&reason),
            Command::RecordDelivery {
                method,
                delivered_on,
            } => d.record_delivery(method, delivered_on),
            Command::Archive => d.archive(),
            Command::Withdraw {
                reason,
                withdrawn_on,
            } => d.withdraw(reason, withdrawn_on),
            Command::Reopen { order } => d.reopen(order),
            Command::RecordRemedy { remedy } => d.record_remedy(remedy),
            Command::DecideRemedy {
                remedy,
                result,
                decided_on,
            } => d.decide_remedy(remedy, result, decided_on),
            Command::RecordOverdue => d.record_overdue(),
            Command::PublishRelease { subject, items } => d.publish_release(&subject, &items),
            Command::WithdrawPublication { reason } => d.withdraw_publication(&reason),
            Command::RecordRedaction { redaction } => d.record_redaction(redaction),
        }
    }

    fn check_existence(&self, cmd: &Command) -> Result<(), Rejection> {
        match (cmd, self.case.exists()) {
            (Command::Receive(_), true) => no(R::CaseAlreadyExists, "该申请已接收，不能重复接收"),
            (Command::Receive(_), false) | (_, true) => Ok(()),
            (_, false) => no(R::CaseNotFound, "案件不存在：尚未接收任何申请"),
        }
    }

    fn check_actor(&self, cmd: &Command) -> Result<(), Rejection> {
        let actor = &self.ctx.actor;
        let roles = permitted_roles(cmd);
        if !roles.contains(&actor.role) {
            let allowed: Vec<&str> = roles.iter().map(|r| r.label_zh()).collect();
            return no(
                R::ForbiddenForRole,
                format!(
                    "{}不能执行“{}”，该操作限{}",
                    actor.role.label_zh(),
                    cmd.kind().label_zh(),
                    allowed.join("、")
                ),
            );
        }
        match actor.role {
            Role::Clerk | Role::Supervisor => {
                let department = match cmd {
                    Command::Receive(r) => &r.department,
                    _ => &self.case.department,
                };
                if !actor.departments.iter().any(|d| d == department) {
                    return no(
                        R::OutOfScope,
                        format!("案件属于部门“{department}”，不在您的办理范围内"),
                    );
                }
                if actor.role == Role::Clerk
                    && assignee_only(cmd)
                    && self.case.assignee.as_ref().is_some_and(|a| a != &actor.id)
                {
                    return no(
                        R::NotAssignee,
                        format!(
                            "案件已分配给{}办理，请由承办人或审核人操作",
                            self.case.assignee.as_deref().unwrap_or("")
                        ),
                    );
                }
            }
            Role::Applicant if !matches!(cmd, Command::Receive(_)) => {
                let owns = self.case.account.as_deref() == Some(actor.id.as_str())
                    || self
                        .case
                        .tracking_number
                        .as_ref()
                        .is_some_and(|t| actor.id == format!("query:{t}"));
                if !owns || actor.id == ANONYMOUS_APPLICANT {
                    return no(R::NotOwner, "这不是您提交的申请");
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn record_overdue(&self) -> Result<Vec<Event>, Rejection> {
        self.status(&Status::OPEN, "记录超期")?;
        let Some(due) = self.current_due() else {
            return no(R::NotOverdue, "答复期限当前暂停或尚未起算，不存在超期");
        };
        if self.today <= due {
            return no(R::NotOverdue, format!("答复期限为 {due}，尚未超期"));
        }
        let breach = Breach::ReplyOverdue { due };
        if self.has_breach(&breach) {
            return no(R::AlreadyRecorded, format!("已记录超期（答复期限 {due}）"));
        }
        Ok(vec![self.event(
            Some(self.today),
            EventKind::BreachRecorded { breach },
        )])
    }
}
