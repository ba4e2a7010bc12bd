//! Processing: correction (art. 30), consultations (arts. 32, 34), extension (art. 33), fees
//! (国办函〔2020〕109号) and a reasonable later date (art. 35).

use chrono::NaiveDate;

use super::checks::{Decider, MAX_SHORT, MAX_TEXT, no, no_at, optional_text, text};
use crate::case::{ExtensionDecision, Fee, Status};
use crate::fee::fee_yuan;
use crate::model::{
    Breach, ConsultationKind, Event, EventKind, FeeMethod, Letter, Opinion, ReasonsAssessment,
    Role, SentBy,
};
use crate::rejection::{Rejection, RejectionCode as R};

/// 国办函〔2020〕109号 took effect on this day.
const FEES_FROM: NaiveDate = match NaiveDate::from_ymd_opt(2021, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

impl Decider<'_, '_> {
    pub(super) fn request_correction(
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

    pub(super) fn receive_correction(
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

    pub(super) fn start_consultation(
        &self,
        kind: ConsultationKind,
        party: &str,
        letter_date: Option<NaiveDate>,
        sent_by: Option<SentBy>,
    ) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::Processing], "征求意见")?;
        self.no_pending_correction()?;
        let party = text(party, "party", "征求意见对象", MAX_SHORT)?;
        let floor = self.case.clock_start.map(|s| (s.date, "答复期限起算日"));
        let date = self.legal(letter_date, ("letter_date", "征求意见函发出日"), floor)?;
        let sent_by = sent_by.unwrap_or(SentBy::Post);
        let received_on = self.profile()?.presumed_receipt(date, sent_by);
        let id = u32::try_from(self.case.consultations.len() + 1).unwrap_or(u32::MAX);
        Ok(vec![self.event(
            Some(date),
            EventKind::ConsultationStarted {
                id,
                kind,
                party,
                deadline: self.consultation_deadline(kind, received_on)?,
                sent_by: Some(sent_by),
                received_on: Some(received_on),
            },
        )])
    }

    /// The end of the consulted party's window (arts. 32, 34), or the art. 33 reminder day,
    /// counted from the day the letter is received.
    fn consultation_deadline(
        &self,
        kind: ConsultationKind,
        received_on: NaiveDate,
    ) -> Result<NaiveDate, Rejection> {
        let profile = self.profile()?;
        let days = match kind {
            ConsultationKind::ThirdParty => profile.third_party_days,
            ConsultationKind::OtherAgency => profile.other_agency_days,
            ConsultationKind::AgencyOpinion => profile.agency_opinion_reminder_days,
        };
        Ok(self.add_days(received_on, days))
    }

    /// Records the real day a letter was received; the addressee's period runs again from it.
    pub(super) fn record_receipt(
        &self,
        letter: Letter,
        received_on: NaiveDate,
    ) -> Result<Vec<Event>, Rejection> {
        let field = ("received_on", "签收日");
        let deadline = match letter {
            Letter::Consultation { id } => {
                let Some(c) = self.case.consultations.iter().find(|c| c.id == id) else {
                    return no_at(
                        R::ConsultationNotFound,
                        "letter.id",
                        format!("没有编号为 {id} 的征求意见"),
                    );
                };
                if let Some(ended) = c.ended_on {
                    return no(
                        R::ConsultationAlreadyEnded,
                        format!("向“{}”征求意见已于 {ended} 结束", c.party),
                    );
                }
                self.status(&[Status::Processing], "登记签收日")?;
                let date = self.legal(
                    Some(received_on),
                    field,
                    Some((c.letter_date, "征求意见函发出日")),
                )?;
                self.consultation_deadline(c.kind, date)?
            }
            Letter::FeeNotice => {
                let fee = self.unpaid_fee()?;
                self.status(&[Status::Processing], "登记签收日")?;
                let date = self.legal(
                    Some(received_on),
                    field,
                    Some((fee.notice_date, "收费通知日")),
                )?;
                self.add_days(date, self.profile()?.fee_payment_days)
            }
            Letter::ReasonsRequest => {
                let Some(r) = &self.case.reasons else {
                    return no(R::ReasonsStepRequired, "本申请没有发出说明理由通知");
                };
                if r.assessment.is_some() {
                    return no(
                        R::AlreadyRecorded,
                        "已登记理由审查结果，不能再更改说明理由通知的签收日",
                    );
                }
                self.status(&[Status::Registered, Status::Processing], "登记签收日")?;
                let date = self.legal(
                    Some(received_on),
                    field,
                    Some((r.requested_on, "通知发出日")),
                )?;
                self.add_days(date, self.reasons_period(r.deadline, r.received_on))
            }
        };
        Ok(vec![self.event(
            Some(received_on),
            EventKind::LetterReceived {
                letter,
                received_on,
                deadline,
            },
        )])
    }

    /// The working days given for the reasons: the period the request for reasons gave
    /// (deadline less presumed receipt).
    fn reasons_period(&self, deadline: NaiveDate, received_on: NaiveDate) -> u32 {
        let days = self
            .ctx
            .calendar
            .working_days_between(received_on, deadline);
        u32::try_from(days).unwrap_or(0)
    }

    /// Art. 35: asks the applicant to explain the reasons for requests clearly beyond reason.
    pub(super) fn request_reasons(
        &self,
        grounds: &str,
        period_days: Option<u32>,
        sent_by: Option<SentBy>,
    ) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::Registered, Status::Processing], "要求说明理由")?;
        self.no_pending_correction()?;
        if let Some(r) = &self.case.reasons {
            return no(
                R::ReasonsAlreadyRequested,
                format!("已于 {} 要求申请人说明理由", r.requested_on),
            );
        }
        let grounds = text(
            grounds,
            "grounds",
            "申请数量、频次明显超过合理范围的事实",
            MAX_TEXT,
        )?;
        let profile = self.profile()?;
        let period = period_days.unwrap_or(profile.reasons_answer_days);
        if !(1..=60).contains(&period) {
            return no_at(
                R::InvalidInput,
                "period_days",
                format!("说明理由的期限应为 1 至 60 个工作日，收到 {period}"),
            );
        }
        let sent_by = sent_by.unwrap_or_else(|| self.applicant_sent_by());
        let received_on = profile.presumed_receipt(self.today, sent_by);
        Ok(vec![self.event(
            Some(self.today),
            EventKind::ReasonsRequested {
                grounds,
                deadline: self.add_days(received_on, period),
                sent_by,
                received_on,
            },
        )])
    }

    /// Art. 35: records whether the reasons given (or their absence) are reasonable.
    pub(super) fn record_reasons(
        &self,
        assessment: ReasonsAssessment,
        note: &str,
    ) -> Result<Vec<Event>, Rejection> {
        let Some(r) = &self.case.reasons else {
            return no(
                R::ReasonsStepRequired,
                "尚未要求申请人说明理由，不能登记理由审查结果",
            );
        };
        if let Some(a) = r.assessment {
            return no(
                R::AlreadyRecorded,
                format!("已登记理由审查结果：{}", a.label_zh()),
            );
        }
        self.status(
            &[Status::Registered, Status::Processing, Status::UnderReview],
            "登记理由审查结果",
        )?;
        let note = text(note, "note", "申请人说明的理由及审查意见", MAX_TEXT)?;
        Ok(vec![self.event(
            Some(self.today),
            EventKind::ReasonsRecorded { assessment, note },
        )])
    }

    /// How a notice to the applicant goes by default: as the applicant asked to get the
    /// information.
    fn applicant_sent_by(&self) -> SentBy {
        self.case
            .request
            .as_ref()
            .map_or(SentBy::Post, |r| SentBy::from_delivery(r.delivery))
    }

    /// Art. 35 steps need reasons asked for and assessed as `wanted`.
    pub(super) fn reasons_assessed(
        &self,
        wanted: ReasonsAssessment,
        field: Option<&'static str>,
        what: &str,
    ) -> Result<(), Rejection> {
        let refuse = |code: R, message: String| match field {
            Some(f) => no_at(code, f, message),
            None => no(code, message),
        };
        match self.case.reasons_assessment() {
            Some(a) if a == wanted => Ok(()),
            Some(a) => refuse(
                R::ReasonsAssessedOtherwise,
                format!("申请人说明的理由经审查为“{}”，不能{what}", a.label_zh()),
            ),
            None if self.case.reasons.is_some() => refuse(
                R::ReasonsStepRequired,
                format!(
                    "须先登记对申请人所说明理由的审查结果（{}），才能{what}",
                    wanted.label_zh()
                ),
            ),
            None => refuse(
                R::ReasonsStepRequired,
                format!(
                    "依条例第三十五条，须先要求申请人说明理由并审查为“{}”，才能{what}",
                    wanted.label_zh()
                ),
            ),
        }
    }

    pub(super) fn end_consultation(
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
            let message = if c.kind.has_window() {
                format!(
                    "征求意见期限至 {} 届满，届满前不能按逾期未答复处理",
                    c.deadline
                )
            } else {
                format!(
                    "向其他行政机关征求意见没有法定答复期限；{} 前不能按未答复结束",
                    c.deadline.succ_opt().unwrap_or(c.deadline)
                )
            };
            return no(R::OpinionPeriodNotOver, message);
        }
        Ok(vec![self.event(
            Some(date),
            EventKind::ConsultationEnded { id, opinion },
        )])
    }

    pub(super) fn request_extension(
        &self,
        reason: &str,
        days: Option<u32>,
    ) -> Result<Vec<Event>, Rejection> {
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

    pub(super) fn approve_extension(&self) -> Result<Vec<Event>, Rejection> {
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

    pub(super) fn deny_extension(&self, reason: &str) -> Result<Vec<Event>, Rejection> {
        self.pending_extension()?;
        let reason = text(reason, "reason", "不予延期的理由", MAX_TEXT)?;
        Ok(vec![self.event(
            Some(self.today),
            EventKind::ExtensionDenied { reason },
        )])
    }

    pub(super) fn issue_fee_notice(
        &self,
        fee: FeeMethod,
        sent_by: Option<SentBy>,
    ) -> Result<Vec<Event>, Rejection> {
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
        let sent_by = sent_by.unwrap_or_else(|| self.applicant_sent_by());
        let received_on = profile.presumed_receipt(self.today, sent_by);
        Ok(vec![self.event(
            Some(self.today),
            EventKind::FeeNoticeIssued {
                fee,
                amount_yuan,
                deadline: self.add_days(received_on, profile.fee_payment_days),
                sent_by: Some(sent_by),
                received_on: Some(received_on),
            },
        )])
    }

    fn unpaid_fee(&self) -> Result<&Fee, Rejection> {
        match &self.case.fee {
            None => no(R::FeeNotIssued, "本申请没有发出收费通知"),
            Some(f) => match f.paid_on {
                Some(paid) => no(R::FeeAlreadyPaid, format!("费用已于 {paid} 缴纳")),
                None => Ok(f),
            },
        }
    }

    pub(super) fn record_payment(
        &self,
        paid_on: Option<NaiveDate>,
    ) -> Result<Vec<Event>, Rejection> {
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

    pub(super) fn close_unpaid(&self) -> Result<Vec<Event>, Rejection> {
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

    pub(super) fn set_reasonable_date(
        &self,
        date: NaiveDate,
        reason: &str,
    ) -> Result<Vec<Event>, Rejection> {
        self.status(
            &[Status::Registered, Status::Processing, Status::UnderReview],
            "确定合理答复期限",
        )?;
        self.no_pending_correction()?;
        self.reasons_assessed(
            ReasonsAssessment::Reasonable,
            None,
            "依条例第三十五条确定延后的答复期限",
        )?;
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
}
