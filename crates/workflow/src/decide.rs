//! `decide`: whether a command may happen to a case now, and which events it makes.
//!
//! Checks run in a fixed order, so that the answer a user gets is the most useful one: the
//! case exists → the role may issue the command → the actor's department, ownership or
//! assignment → the case's status → the command's own inputs and the law's periods.

use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::Calendar;
use crate::case::{Case, ExtensionDecision, Status};
use crate::clock::legal_date;
use crate::fee::fee_yuan;
use crate::model::{
    Actor, Breach, Channel, Command, ConsultationKind, Event, EventKind, FeeMethod, Opinion,
    Receive, Remedy, RemedyKind, RemedyResult, Reply, Role,
};
use crate::outcome::{CannotProvideGround, Outcome};
use crate::rejection::{Rejection, RejectionCode as R};
use crate::statute::{Statute, StatuteProfile};

/// Everything `decide` may consult besides the case: the instant, who acts, and the law's data.
/// The crate never reads the system clock; `now` comes from here.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    pub actor: Actor,
    pub calendar: &'a Calendar,
    pub statute: &'a Statute,
}

impl Context<'_> {
    /// Today in Asia/Shanghai: the legal date of "now".
    pub fn today(&self) -> NaiveDate {
        legal_date(self.now)
    }
}

/// The id an applicant without an account files under.
pub const ANONYMOUS_APPLICANT: &str = "anonymous";

/// 国办函〔2020〕109号 took effect on this day.
const FEES_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2021, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

/// The receipt date's path and wording, for the checks of several commands.
const RECEIPT_DATE: (&str, &str) = ("receipt_date", "收到申请日");

/// Longest free text accepted in one field (characters).
const MAX_TEXT: usize = 10_000;
/// Longest name, number or short field (characters).
const MAX_SHORT: usize = 200;

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
        | Command::ReturnReply { .. } => &[Supervisor],
        Command::RecordOverdue => &[System, Supervisor],
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
    )
}

fn no<T>(code: R, message: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection::new(code, message))
}

/// A refusal about one input of the command, named by its JSON path.
fn no_at<T>(code: R, field: &'static str, message: impl Into<String>) -> Result<T, Rejection> {
    Err(Rejection::at(code, field, message))
}

/// Decides a command against a case.
pub fn decide(case: &Case, cmd: Command, ctx: &Context) -> Result<Vec<Event>, Rejection> {
    let d = Decider {
        case,
        ctx,
        today: ctx.today(),
        due: std::cell::OnceCell::new(),
    };
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
            Command::StartProcessing => {
                d.status(&[Status::Registered], "开始办理")?;
                Ok(vec![d.event(None, EventKind::ProcessingStarted)])
            }
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
            } => d.start_consultation(kind, &party, letter_date),
            Command::EndConsultation {
                consultation,
                opinion,
                ended_on,
            } => d.end_consultation(consultation, opinion, ended_on),
            Command::RequestExtension { reason, days } => d.request_extension(&reason, days),
            Command::ApproveExtension => d.approve_extension(),
            Command::DenyExtension { reason } => {
                d.pending_extension()?;
                let reason = text(&reason, "reason", "不予延期的理由", MAX_TEXT)?;
                Ok(vec![d.event(
                    Some(d.today),
                    EventKind::ExtensionDenied { reason },
                )])
            }
            Command::IssueFeeNotice { fee } => d.issue_fee_notice(fee),
            Command::RecordPayment { paid_on } => d.record_payment(paid_on),
            Command::CloseUnpaid => d.close_unpaid(),
            Command::SetReasonableDate { date, reason } => d.set_reasonable_date(date, &reason),
            Command::ReplyOnTheSpot { reply } => d.reply_on_the_spot(reply),
            Command::DraftReply { reply } => {
                d.status(&[Status::Processing], "起草答复")?;
                let reply = d.check_reply(reply)?;
                Ok(vec![
                    d.event(Some(d.today), EventKind::ReplyDrafted { reply }),
                ])
            }
            Command::SubmitForReview => d.submit_for_review(),
            Command::ApproveReply => d.approve_reply(),
            Command::ReturnReply { reason } => {
                d.status(&[Status::UnderReview], "退回答复")?;
                let reason = text(&reason, "reason", "退回理由", MAX_TEXT)?;
                Ok(vec![d.event(None, EventKind::ReplyReturned { reason })])
            }
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
        }
    }
}

struct Decider<'a, 'c> {
    case: &'a Case,
    ctx: &'a Context<'c>,
    today: NaiveDate,
    /// The case's reply due date, computed once per decision (several rules ask for it).
    due: std::cell::OnceCell<Option<NaiveDate>>,
}

impl Decider<'_, '_> {
    fn event(&self, legal_date: Option<NaiveDate>, kind: EventKind) -> Event {
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

    fn profile(&self) -> Result<&StatuteProfile, Rejection> {
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
    fn correction_notice_deadline(
        &self,
        profile: &StatuteProfile,
        receipt: NaiveDate,
    ) -> Option<NaiveDate> {
        (profile.correction_notice_days > 0)
            .then(|| self.add_days(receipt, profile.correction_notice_days))
    }

    fn add_days(&self, from: NaiveDate, days: u32) -> NaiveDate {
        self.calendar().add_working_days(from, days).0
    }

    /// The reply due date as things stand, if the clock runs.
    fn current_due(&self) -> Option<NaiveDate> {
        *self.due.get_or_init(|| {
            self.case
                .reply_due(self.ctx.calendar, self.ctx.statute)
                .and_then(|r| r.due)
        })
    }

    fn has_breach(&self, breach: &Breach) -> bool {
        self.case.breaches.iter().any(|b| &b.breach == breach)
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
                    cmd.name(),
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

    fn status(&self, allowed: &[Status], what: &str) -> Result<(), Rejection> {
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
    fn legal(
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

    fn no_pending_correction(&self) -> Result<(), Rejection> {
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

    fn receive(&self, r: Receive) -> Result<Vec<Event>, Rejection> {
        let agency = text(&r.agency, "agency", "受理机关", MAX_SHORT)?;
        let department = text(&r.department, "department", "受理部门", MAX_SHORT)?;
        let mut applicant = r.applicant;
        applicant.name = text(
            &applicant.name,
            "applicant.name",
            "申请人姓名或名称",
            MAX_SHORT,
        )?;
        if applicant.kind.is_none() {
            return no_at(
                R::InvalidInput,
                "applicant.kind",
                "请选择申请人类型（自然人或法人、其他组织的类别）",
            );
        }
        for (value, field, label) in [
            (
                &mut applicant.id_document,
                "applicant.id_document",
                "证件号码",
            ),
            (&mut applicant.phone, "applicant.phone", "联系电话"),
            (&mut applicant.email, "applicant.email", "电子邮箱"),
            (&mut applicant.address, "applicant.address", "通信地址"),
        ] {
            *value = optional_text(value.as_deref(), field, label, MAX_SHORT)?;
        }
        if applicant.phone.is_none() && applicant.email.is_none() && applicant.address.is_none() {
            // Named at the phone, the first of the three; the sentence names them all.
            return no_at(
                R::InvalidInput,
                "applicant.phone",
                "联系电话、电子邮箱、通信地址至少填写一项，以便送达",
            );
        }
        let mut request = r.request;
        request.description = text(
            &request.description,
            "request.description",
            "所需政府信息的名称或描述",
            MAX_TEXT,
        )?;
        request.document_number = optional_text(
            request.document_number.as_deref(),
            "request.document_number",
            "文号",
            MAX_SHORT,
        )?;
        let receipt_date = match (r.channel, r.receipt_date) {
            (Channel::Online, Some(_)) => {
                return no_at(
                    R::InvalidInput,
                    "receipt_date",
                    "网上申请以工作人员登记确认之日为收到申请之日，提交时不填写",
                );
            }
            (Channel::Online, None) => None,
            (Channel::InPerson, given) => Some(self.legal(given, RECEIPT_DATE, None)?),
            (channel, None) => {
                return no_at(
                    R::ReceiptDateRequired,
                    "receipt_date",
                    format!("{}，请填写该日期", channel.receipt_rule_zh()),
                );
            }
            (_, Some(date)) => Some(self.legal(Some(date), RECEIPT_DATE, None)?),
        };
        let actor = &self.ctx.actor;
        let account = (actor.role == Role::Applicant
            && actor.id != ANONYMOUS_APPLICANT
            && !actor.id.starts_with("query:"))
        .then(|| actor.id.clone());
        Ok(vec![self.event(
            receipt_date,
            EventKind::Received {
                channel: r.channel,
                agency,
                department,
                applicant,
                request,
                account,
            },
        )])
    }

    fn register(
        &self,
        tracking_number: &str,
        department: Option<String>,
        receipt_date: Option<NaiveDate>,
    ) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::Received], "登记")?;
        let tracking_number = text(tracking_number, "tracking_number", "受理编号", 64)?;
        let department = match department {
            Some(d) => text(&d, "department", "承办部门", MAX_SHORT)?,
            None => self.case.department.clone(),
        };
        let receipt = match (self.case.receipt_date, receipt_date) {
            (Some(recorded), Some(given)) if recorded != given => {
                return no_at(
                    R::InvalidInput,
                    "receipt_date",
                    format!(
                        "收到申请日已按“{}”的规则确定为 {recorded}",
                        self.case.channel.map_or("", |c| c.label_zh())
                    ),
                );
            }
            (Some(recorded), _) => recorded,
            (None, given) => {
                let submitted = self.case.received_at.map(legal_date);
                self.legal(given, RECEIPT_DATE, submitted.map(|s| (s, "申请提交日")))?
            }
        };
        let Some(profile) = self.ctx.statute.profile_for(receipt) else {
            return no(
                R::InvalidInput,
                "法规配置中没有适用于该收到申请日的期限规则",
            );
        };
        let correction_notice_deadline = self.correction_notice_deadline(profile, receipt);
        Ok(vec![self.event(
            Some(receipt),
            EventKind::Registered {
                tracking_number,
                department,
                statute: profile.id.clone(),
                correction_notice_deadline,
            },
        )])
    }

    fn assign(
        &self,
        department: Option<String>,
        assignee: Option<String>,
    ) -> Result<Vec<Event>, Rejection> {
        self.status(
            &[
                Status::Received,
                Status::Registered,
                Status::Processing,
                Status::UnderReview,
            ],
            "分配",
        )?;
        let department = department
            .map(|d| text(&d, "department", "承办部门", MAX_SHORT))
            .transpose()?;
        let assignee = assignee
            .map(|a| text(&a, "assignee", "承办人", MAX_SHORT))
            .transpose()?;
        if department.is_none() && assignee.is_none() {
            // Named at the department, the first of the two; the sentence names both.
            return no_at(R::InvalidInput, "department", "请指定承办部门或承办人");
        }
        let actor = &self.ctx.actor;
        if actor.role == Role::Clerk {
            let taking_self = assignee.as_deref() == Some(actor.id.as_str())
                && department
                    .as_ref()
                    .is_none_or(|d| d == &self.case.department);
            if !taking_self {
                return no(
                    R::ForbiddenForRole,
                    "承办人只能认领本部门未分配的案件，分配或转办请由审核人操作",
                );
            }
            if let Some(current) = &self.case.assignee
                && current != &actor.id
            {
                return no(R::NotAssignee, format!("案件已分配给{current}"));
            }
        }
        let new_department = department.unwrap_or_else(|| self.case.department.clone());
        let moved = new_department != self.case.department;
        // A case moved to another department without a named clerk waits there unassigned.
        let new_assignee = assignee.or_else(|| {
            if moved {
                None
            } else {
                self.case.assignee.clone()
            }
        });
        if !moved && new_assignee == self.case.assignee {
            return no(R::InvalidInput, "分配没有变化");
        }
        Ok(vec![self.event(
            None,
            EventKind::Assigned {
                department: new_department,
                assignee: new_assignee,
            },
        )])
    }

    fn request_correction(
        &self,
        items: Vec<String>,
        period_days: Option<u32>,
    ) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::Registered, Status::Processing], "要求补正")?;
        if let Some(c) = &self.case.correction {
            return no(
                R::CorrectionAlreadyRequested,
                format!(
                    "已于 {} 发出补正告知，补正应一次性告知，不能再次要求补正",
                    c.requested_on
                ),
            );
        }
        let open: Vec<String> = self
            .case
            .open_consultations()
            .map(|c| format!("向“{}”征求意见", c.party))
            .chain(
                self.case
                    .unpaid_fee()
                    .map(|f| format!("收费通知（{} 元）", f.amount_yuan)),
            )
            .collect();
        if !open.is_empty() {
            return no(
                R::PendingSteps,
                format!(
                    "补正应在征求意见、收费之前提出；{}尚未办结",
                    open.join("、")
                ),
            );
        }
        if items.is_empty() {
            return no_at(R::InvalidInput, "items", "请逐项列明需要补正的内容");
        }
        let items = items
            .iter()
            .enumerate()
            .map(|(i, item)| text(item, "items", &format!("第 {} 项补正事项", i + 1), MAX_TEXT))
            .collect::<Result<Vec<_>, _>>()?;
        let profile = self.profile()?;
        let period = period_days.unwrap_or(profile.correction_period_days);
        if !(1..=60).contains(&period) {
            return no_at(
                R::InvalidInput,
                "period_days",
                format!("补正期限应为 1 至 60 个工作日，收到 {period}"),
            );
        }
        let deadline = self.add_days(self.today, period);
        let mut events = vec![self.event(
            Some(self.today),
            EventKind::CorrectionRequested { items, deadline },
        )];
        if let Some(limit) = self.case.correction_notice_deadline
            && self.today > limit
        {
            events.push(self.event(
                Some(self.today),
                EventKind::BreachRecorded {
                    breach: Breach::CorrectionNoticeLate { deadline: limit },
                },
            ));
        }
        Ok(events)
    }

    fn receive_correction(
        &self,
        content: &str,
        received_on: Option<NaiveDate>,
        late_reason: Option<String>,
    ) -> Result<Vec<Event>, Rejection> {
        let Some(correction) = self.case.pending_correction() else {
            return no(R::CorrectionNotRequested, "本申请没有待补正的事项");
        };
        self.status(&[Status::Processing], "接收补正")?;
        let is_applicant = self.ctx.actor.role == Role::Applicant;
        if is_applicant && received_on.is_some() {
            return no_at(
                R::InvalidInput,
                "received_on",
                "申请人在线补正以提交之日为收到补正之日，不能另行填写",
            );
        }
        let content = text(content, "content", "补正内容", MAX_TEXT)?;
        let date = self.legal(
            received_on,
            ("received_on", "收到补正之日"),
            Some((correction.requested_on, "补正告知日")),
        )?;
        let late_reason = if date > correction.deadline {
            let reason = if is_applicant {
                None
            } else {
                optional_text(
                    late_reason.as_deref(),
                    "late_reason",
                    "逾期补正的正当理由",
                    MAX_TEXT,
                )?
            };
            if reason.is_none() {
                return no(
                    R::CorrectionPeriodPassed,
                    format!(
                        "补正期限已于 {} 届满；有正当理由的逾期补正，须由工作人员注明理由后接收",
                        correction.deadline
                    ),
                );
            }
            reason
        } else {
            None
        };
        Ok(vec![self.event(
            Some(date),
            EventKind::CorrectionReceived {
                content,
                late_reason,
            },
        )])
    }

    fn abandon(&self) -> Result<Vec<Event>, Rejection> {
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

    fn start_consultation(
        &self,
        kind: ConsultationKind,
        party: &str,
        letter_date: Option<NaiveDate>,
    ) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::Processing], "征求意见")?;
        self.no_pending_correction()?;
        let party = text(party, "party", "征求意见对象", MAX_SHORT)?;
        let floor = self.case.clock_start.map(|s| (s.date, "答复期限起算日"));
        let date = self.legal(letter_date, ("letter_date", "征求意见函发出日"), floor)?;
        let profile = self.profile()?;
        let days = match kind {
            ConsultationKind::ThirdParty => profile.third_party_days,
            ConsultationKind::OtherAgency => profile.other_agency_days,
        };
        let id = u32::try_from(self.case.consultations.len() + 1).unwrap_or(u32::MAX);
        Ok(vec![self.event(
            Some(date),
            EventKind::ConsultationStarted {
                id,
                kind,
                party,
                deadline: self.add_days(date, days),
            },
        )])
    }

    fn end_consultation(
        &self,
        id: u32,
        opinion: Opinion,
        ended_on: Option<NaiveDate>,
    ) -> Result<Vec<Event>, Rejection> {
        let Some(c) = self.case.consultations.iter().find(|c| c.id == id) else {
            return no_at(
                R::ConsultationNotFound,
                "consultation",
                format!("没有编号为 {id} 的征求意见"),
            );
        };
        if let Some(ended) = c.ended_on {
            return no(
                R::ConsultationAlreadyEnded,
                format!("向“{}”征求意见已于 {ended} 结束", c.party),
            );
        }
        self.status(&[Status::Processing], "结束征求意见")?;
        let date = self.legal(
            ended_on,
            ("ended_on", "征求意见结束日"),
            Some((c.letter_date, "征求意见函发出日")),
        )?;
        if opinion == Opinion::NoAnswer && date <= c.deadline {
            return no(
                R::OpinionPeriodNotOver,
                format!(
                    "征求意见期限至 {} 届满，届满前不能按逾期未答复处理",
                    c.deadline
                ),
            );
        }
        Ok(vec![self.event(
            Some(date),
            EventKind::ConsultationEnded { id, opinion },
        )])
    }

    fn request_extension(&self, reason: &str, days: Option<u32>) -> Result<Vec<Event>, Rejection> {
        self.status(
            &[Status::Registered, Status::Processing, Status::UnderReview],
            "申请延期",
        )?;
        self.no_pending_correction()?;
        if let Some(e) = &self.case.extension {
            match &e.decision {
                ExtensionDecision::Approved { on, .. } => {
                    return no(
                        R::ExtensionAlreadyUsed,
                        format!("已于 {on} 批准延期，答复期限只能延长一次"),
                    );
                }
                ExtensionDecision::Pending => {
                    return no(
                        R::ExtensionAlreadyUsed,
                        format!("已于 {} 提出延期申请，正在等待审核", e.requested_on),
                    );
                }
                ExtensionDecision::Denied { .. } => {}
            }
        }
        let reason = text(reason, "reason", "延期理由", MAX_TEXT)?;
        let profile = self.profile()?;
        let days = days.unwrap_or(profile.extension_days);
        if days == 0 {
            return no_at(R::InvalidInput, "days", "延长的工作日数应大于 0");
        }
        if days > profile.extension_days {
            return no_at(
                R::ExtensionTooLong,
                "days",
                format!(
                    "延长期限最长不超过 {} 个工作日，申请了 {days} 个",
                    profile.extension_days
                ),
            );
        }
        let mut events = vec![self.event(
            Some(self.today),
            EventKind::ExtensionRequested { reason, days },
        )];
        if let Some(due) = self.current_due()
            && self.today > due
        {
            events.push(self.event(
                Some(self.today),
                EventKind::BreachRecorded {
                    breach: Breach::ExtensionLate { due },
                },
            ));
        }
        Ok(events)
    }

    fn pending_extension(&self) -> Result<u32, Rejection> {
        match &self.case.extension {
            Some(e) if e.decision == ExtensionDecision::Pending => {
                self.status(
                    &[Status::Registered, Status::Processing, Status::UnderReview],
                    "审批延期",
                )?;
                Ok(e.days)
            }
            _ => no(R::ExtensionNotRequested, "没有待审批的延期申请"),
        }
    }

    fn approve_extension(&self) -> Result<Vec<Event>, Rejection> {
        let days = self.pending_extension()?;
        if self
            .case
            .extension
            .as_ref()
            .is_some_and(|e| e.requested_by == self.ctx.actor.id)
        {
            return no(R::SelfApproval, "延期申请由您本人提出，须由其他审核人批准");
        }
        let mut events = vec![self.event(Some(self.today), EventKind::ExtensionApproved { days })];
        if let Some(due) = self.current_due() {
            let late = Breach::ExtensionLate { due };
            if self.today > due && !self.has_breach(&late) {
                events
                    .push(self.event(Some(self.today), EventKind::BreachRecorded { breach: late }));
            }
        }
        Ok(events)
    }

    fn issue_fee_notice(&self, fee: FeeMethod) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::Processing], "发出收费通知")?;
        self.no_pending_correction()?;
        if let Some(f) = &self.case.fee {
            return no(
                R::FeeAlreadyIssued,
                format!("已于 {} 发出收费通知", f.notice_date),
            );
        }
        match fee {
            FeeMethod::PerRequest { nth: 0 } => {
                return no_at(R::InvalidInput, "fee.nth", "本月申请件数应从 1 起计");
            }
            FeeMethod::PerPage { pages: 0 } => {
                return no_at(R::InvalidInput, "fee.pages", "页数应大于 0");
            }
            _ => {}
        }
        if self.today < FEES_FROM {
            return no(
                R::InvalidInput,
                format!("《政府信息公开信息处理费管理办法》自 {FEES_FROM} 起施行，此前不能收费"),
            );
        }
        let amount = fee_yuan(fee);
        if amount == 0 {
            return no(
                R::NoFeeDue,
                "按此计算无需收费（按件计收每月前 10 件、按量计收 30 页以下免费）",
            );
        }
        let Ok(amount_yuan) = u32::try_from(amount) else {
            return no_at(R::InvalidInput, "fee", "计算出的金额超出范围");
        };
        let profile = self.profile()?;
        Ok(vec![self.event(
            Some(self.today),
            EventKind::FeeNoticeIssued {
                fee,
                amount_yuan,
                deadline: self.add_days(self.today, profile.fee_payment_days),
            },
        )])
    }

    fn unpaid_fee(&self) -> Result<&crate::case::Fee, Rejection> {
        match &self.case.fee {
            None => no(R::FeeNotIssued, "本申请没有发出收费通知"),
            Some(f) => match f.paid_on {
                Some(paid) => no(R::FeeAlreadyPaid, format!("费用已于 {paid} 缴纳")),
                None => Ok(f),
            },
        }
    }

    fn record_payment(&self, paid_on: Option<NaiveDate>) -> Result<Vec<Event>, Rejection> {
        let fee = self.unpaid_fee()?;
        self.status(&[Status::Processing], "登记缴费")?;
        let date = self.legal(
            paid_on,
            ("paid_on", "缴费日"),
            Some((fee.notice_date, "收费通知日")),
        )?;
        if date > fee.deadline {
            return no(
                R::FeePeriodPassed,
                format!("缴费期限已于 {} 届满", fee.deadline),
            );
        }
        Ok(vec![self.event(Some(date), EventKind::FeePaid)])
    }

    fn close_unpaid(&self) -> Result<Vec<Event>, Rejection> {
        let fee = self.unpaid_fee()?;
        self.status(&[Status::Processing], "终止办理")?;
        if self.today <= fee.deadline {
            return no(
                R::FeePeriodNotOver,
                format!("缴费期限至 {} 届满，届满后仍未缴费的方可终止", fee.deadline),
            );
        }
        Ok(vec![self.event(Some(self.today), EventKind::ClosedUnpaid)])
    }

    fn set_reasonable_date(&self, date: NaiveDate, reason: &str) -> Result<Vec<Event>, Rejection> {
        self.status(
            &[Status::Registered, Status::Processing, Status::UnderReview],
            "确定合理答复期限",
        )?;
        self.no_pending_correction()?;
        let reason = text(reason, "reason", "确定合理期限的理由", MAX_TEXT)?;
        if date <= self.today {
            return no_at(
                R::InvalidInput,
                "date",
                format!("合理答复期限 {date} 应晚于今天"),
            );
        }
        let statutory = self.case.clock_input().and_then(|mut input| {
            input.reasonable_date = None;
            let profile = self.case.profile(self.ctx.statute)?;
            crate::clock::reply_due(self.ctx.calendar, profile, &input).due
        });
        if let Some(due) = statutory
            && date <= due
        {
            return no_at(
                R::InvalidInput,
                "date",
                format!("合理答复期限 {date} 不晚于法定答复期限 {due}，无需另行确定"),
            );
        }
        Ok(vec![self.event(
            Some(self.today),
            EventKind::ReasonableDateSet { date, reason },
        )])
    }

    /// The reply's own checks, plus: "still unclear after correction" needs a correction that
    /// was asked for and received.
    fn check_reply(&self, reply: Reply) -> Result<Reply, Rejection> {
        let reply = check_reply(reply)?;
        let corrected = self
            .case
            .correction
            .as_ref()
            .is_some_and(|c| c.received_on.is_some());
        if reply.outcome == Outcome::CannotProvide(CannotProvideGround::StillUnclear) && !corrected
        {
            return no_at(
                R::InvalidInput,
                "reply.outcome",
                "“补正后申请内容仍不明确”须先发出补正告知并收到补正",
            );
        }
        Ok(reply)
    }

    fn pending_steps(&self) -> Vec<String> {
        let mut steps = Vec::new();
        if let Some(c) = self.case.pending_correction() {
            steps.push(format!("等待申请人补正（期限 {}）", c.deadline));
        }
        for c in self.case.open_consultations() {
            steps.push(format!(
                "向“{}”征求意见尚未结束（期限 {}）",
                c.party, c.deadline
            ));
        }
        if let Some(f) = self.case.unpaid_fee() {
            steps.push(format!(
                "信息处理费 {} 元尚未缴纳（期限 {}）",
                f.amount_yuan, f.deadline
            ));
        }
        steps
    }

    fn no_pending_steps(&self) -> Result<(), Rejection> {
        let steps = self.pending_steps();
        if steps.is_empty() {
            Ok(())
        } else {
            no(
                R::PendingSteps,
                format!("以下事项尚未办结，不能答复：{}", steps.join("；")),
            )
        }
    }

    fn reply_on_the_spot(&self, reply: Reply) -> Result<Vec<Event>, Rejection> {
        if self.case.channel != Some(Channel::InPerson) {
            return no(
                R::OnTheSpotRequiresInPerson,
                "只有当面提交的申请才能当场答复",
            );
        }
        self.status(&[Status::Registered, Status::Processing], "当场答复")?;
        if let Some(received) = self.case.receipt_date
            && received != self.today
        {
            return no(
                R::NotOnReceiptDay,
                format!("当场答复只能在收到申请当日（{received}）作出；之后的答复须起草并经审核"),
            );
        }
        self.no_pending_steps()?;
        let reply = self.check_reply(reply)?;
        Ok(vec![self.event(
            Some(self.today),
            EventKind::RepliedOnTheSpot { reply },
        )])
    }

    fn submit_for_review(&self) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::Processing], "提交审核")?;
        if self.case.draft.is_none() {
            return no(R::DraftMissing, "尚未起草答复，不能提交审核");
        }
        self.no_pending_steps()?;
        Ok(vec![self.event(None, EventKind::SubmittedForReview)])
    }

    fn approve_reply(&self) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::UnderReview], "审核通过")?;
        let Some(draft) = &self.case.draft else {
            return no(R::DraftMissing, "没有待审核的答复稿");
        };
        if draft.by == self.ctx.actor.id {
            return no(R::SelfApproval, "答复稿由您本人起草，须由其他审核人审核");
        }
        // A late approval records the overdue reply through the rule in `decide`.
        Ok(vec![self.event(
            Some(self.today),
            EventKind::ReplyApproved {
                outcome: draft.reply.outcome,
            },
        )])
    }

    fn record_delivery(
        &self,
        method: crate::model::Delivery,
        delivered_on: Option<NaiveDate>,
    ) -> Result<Vec<Event>, Rejection> {
        if self.case.status.is_open() {
            return no(R::ReplyNotApproved, "答复尚未审核通过，不能登记送达");
        }
        self.status(&[Status::Replied], "登记送达")?;
        if let Some((on, _)) = self.case.delivered {
            return no(R::AlreadyDelivered, format!("答复已于 {on} 送达"));
        }
        let floor = self.case.replied_on.map(|d| (d, "答复日"));
        let date = self.legal(delivered_on, ("delivered_on", "送达日"), floor)?;
        Ok(vec![
            self.event(Some(date), EventKind::Delivered { method }),
        ])
    }

    fn archive(&self) -> Result<Vec<Event>, Rejection> {
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

    fn withdraw(
        &self,
        reason: Option<String>,
        withdrawn_on: Option<NaiveDate>,
    ) -> Result<Vec<Event>, Rejection> {
        self.status(
            &[
                Status::Received,
                Status::Registered,
                Status::Processing,
                Status::UnderReview,
            ],
            "撤回",
        )?;
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

    fn reopen(&self, mut order: crate::model::Order) -> Result<Vec<Event>, Rejection> {
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
    fn record_remedy(&self, mut remedy: Remedy) -> Result<Vec<Event>, Rejection> {
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

    fn decide_remedy(
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

    fn record_overdue(&self) -> Result<Vec<Event>, Rejection> {
        self.status(
            &[
                Status::Received,
                Status::Registered,
                Status::Processing,
                Status::UnderReview,
            ],
            "记录超期",
        )?;
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

/// A required text field: trimmed, not empty, not too long, no control characters. `field` is
/// the input's path, `label` what it holds (e.g. 答复内容).
fn text(value: &str, field: &'static str, label: &str, max: usize) -> Result<String, Rejection> {
    match optional_text(Some(value), field, label, max)? {
        Some(v) => Ok(v),
        None => no_at(R::InvalidInput, field, format!("请填写{label}")),
    }
}

fn optional_text(
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

fn check_reply(mut reply: Reply) -> Result<Reply, Rejection> {
    if !reply.outcome.draftable() {
        return no_at(
            R::InvalidInput,
            "reply.outcome",
            format!(
                "“{}”由视为放弃或终止办理自动产生，不能作为答复起草",
                reply.outcome.label_zh()
            ),
        );
    }
    reply.text = text(&reply.text, "reply.text", "答复内容", MAX_TEXT)?;
    reply.competent_agency = optional_text(
        reply.competent_agency.as_deref(),
        "reply.competent_agency",
        "负责公开该信息的机关",
        MAX_SHORT,
    )?;
    if reply.competent_agency.is_some()
        && reply.outcome != Outcome::CannotProvide(CannotProvideGround::NotHeld)
    {
        return no_at(
            R::InvalidInput,
            "reply.competent_agency",
            "只有“本机关不掌握相关政府信息”的答复才需告知负责公开的机关",
        );
    }
    Ok(reply)
}
