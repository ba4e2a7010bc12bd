//! Intake: a request is received (by any channel), registered, assigned, and taken up.

use chrono::NaiveDate;

use super::checks::{Decider, MAX_SHORT, MAX_TEXT, no, no_at, optional_text, text};
use super::context::ANONYMOUS_APPLICANT;
use crate::case::Status;
use crate::clock::legal_date;
use crate::model::{
    Channel, Event, EventKind, Receive, Role, filing_problems, normalise_id_number,
};
use crate::rejection::{Rejection, RejectionCode as R};

/// The receipt date's path and wording.
const RECEIPT_DATE: (&str, &str) = ("receipt_date", "收到申请日");

impl Decider<'_, '_> {
    pub(super) fn receive(&self, r: Receive) -> Result<Vec<Event>, Rejection> {
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
        if r.channel == Channel::Online {
            // The online form's own checks (the same list the API and the form show in full).
            if let Some(first) = filing_problems(&applicant, &r.request).into_iter().next() {
                return Err(first);
            }
            applicant.id_document = applicant.id_document.as_deref().map(normalise_id_number);
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
        if let Some(date) = receipt_date {
            self.not_before_the_regulations(date)?;
        }
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

    /// A receipt date before the first statute profile (the Regulations took effect on
    /// 2008-05-01): no period of the Regulations applies, so the request is refused by name.
    fn not_before_the_regulations(&self, receipt: NaiveDate) -> Result<(), Rejection> {
        match self.ctx.statute.first_receipt_date() {
            Some(first) if receipt < first => no_at(
                R::DateTooEarly,
                RECEIPT_DATE.0,
                format!(
                    "收到申请日 {receipt} 早于《中华人民共和国政府信息公开条例》施行之日（{first}），\
                     该日收到的申请不适用条例规定的答复期限，本系统不予登记"
                ),
            ),
            _ => Ok(()),
        }
    }

    pub(super) fn register(
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
        self.not_before_the_regulations(receipt)?;
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

    pub(super) fn assign(
        &self,
        department: Option<String>,
        assignee: Option<String>,
    ) -> Result<Vec<Event>, Rejection> {
        self.status(&Status::OPEN, "分配")?;
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

    pub(super) fn start_processing(&self) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::Registered], "开始办理")?;
        Ok(vec![self.event(None, EventKind::ProcessingStarted)])
    }
}
