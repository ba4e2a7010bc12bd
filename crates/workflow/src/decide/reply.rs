//! The reply: on the spot, or drafted, submitted, reviewed and approved; then its delivery.

use chrono::NaiveDate;

use super::checks::{Decider, MAX_SHORT, MAX_TEXT, no, no_at, optional_text, text};
use crate::case::Status;
use crate::model::{
    Channel, Delivery, Event, EventKind, NotHeld, ReasonsAssessment, ReleaseForm, ReleaseItem,
    Reply, SecrecyConclusion,
};
use crate::outcome::{CannotProvideGround, NotProcessedGround, Outcome};
use crate::rejection::{Rejection, RejectionCode as R};

impl Decider<'_, '_> {
    /// The reply's own checks, plus: "still unclear after correction" needs a correction that
    /// was asked for and received.
    fn check_reply(&self, reply: Reply) -> Result<Reply, Rejection> {
        let mut reply = check_reply(reply)?;
        self.check_redacted_release(reply.outcome, &mut reply.release)?;
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
        if reply.outcome == Outcome::NotProcessed(NotProcessedGround::Excessive) {
            self.reasons_assessed(
                ReasonsAssessment::Unreasonable,
                Some("reply.outcome"),
                "以“无正当理由大量反复申请”不予处理",
            )?;
        }
        if reply.disclosure.is_some() && !discloses(reply.outcome) {
            return no_at(
                R::DisclosureReasonNotApplicable,
                "reply.disclosure",
                "只有予以公开或部分公开的答复才需说明不顾第三方反对决定公开的理由",
            );
        }
        Ok(reply)
    }

    /// Art. 32: a reply that discloses in full although a consulted third party objected
    /// states why (the disclosure reason); a partial disclosure may state one (when part of
    /// what the third party objected to is released); a reply without an objection has none.
    /// Checked once every consultation has ended (submission, or a reply on the spot).
    fn check_disclosure(&self, reply: &Reply) -> Result<(), Rejection> {
        let objecting = self.case.objecting_third_parties();
        if objecting.is_empty() {
            return match reply.disclosure {
                Some(_) => no_at(
                    R::DisclosureReasonNotApplicable,
                    "reply.disclosure",
                    "没有第三方不同意公开，无需说明不顾第三方反对决定公开的理由",
                ),
                None => Ok(()),
            };
        }
        if reply.disclosure.is_none() && reply.outcome == Outcome::Disclosed {
            return no_at(
                R::DisclosureReasonRequired,
                "reply.disclosure",
                format!(
                    "第三方（{}）不同意公开；依条例第三十二条，决定予以公开的，须写明决定公开的理由（如不公开可能对公共利益造成重大影响），并书面告知第三方",
                    objecting.join("、")
                ),
            );
        }
        Ok(())
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

    pub(super) fn reply_on_the_spot(&self, reply: Reply) -> Result<Vec<Event>, Rejection> {
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
        // A reply on the spot skips review, so it cannot carry documents, which must pass a
        // secrecy review (保密审查, art. 17) first: it may point to information already
        // published (art. 36(1)).
        if reply
            .release
            .iter()
            .any(|item| matches!(item, ReleaseItem::Document { .. }))
        {
            return no_at(
                R::SecrecyReviewRequired,
                "reply.release",
                "当场答复只能告知已公开信息的获取途径；提供文件须经保密审查（条例第十七条），\
                 请起草答复，经保密审查和审核后答复",
            );
        }
        self.check_disclosure(&reply)?;
        Ok(vec![self.event(
            Some(self.today),
            EventKind::RepliedOnTheSpot { reply },
        )])
    }

    pub(super) fn draft_reply(&self, reply: Reply) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::Processing], "起草答复")?;
        let reply = self.check_reply(reply)?;
        Ok(vec![self.event(
            Some(self.today),
            EventKind::ReplyDrafted { reply },
        )])
    }

    pub(super) fn submit_for_review(&self) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::Processing], "提交审核")?;
        let Some(draft) = &self.case.draft else {
            return no(R::DraftMissing, "尚未起草答复，不能提交审核");
        };
        self.no_pending_steps()?;
        self.check_disclosure(&draft.reply)?;
        Ok(vec![self.event(None, EventKind::SubmittedForReview)])
    }

    pub(super) fn approve_reply(&self) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::UnderReview], "审核通过")?;
        let Some(draft) = &self.case.draft else {
            return no(R::DraftMissing, "没有待审核的答复稿");
        };
        if draft.by == self.ctx.actor.id {
            return no(R::SelfApproval, "答复稿由您本人起草，须由其他审核人审核");
        }
        if !draft.reply.release.is_empty() {
            let outcome = draft.reply.outcome;
            match draft.secrecy_review.as_ref().map(|r| r.conclusion) {
                None => {
                    return no(
                        R::SecrecyReviewRequired,
                        "答复稿列明了提供的信息，须先由有保密审查权限的人员（非起草人）完成保密审查，才能审核通过",
                    );
                }
                Some(SecrecyConclusion::MustNotDisclose) => {
                    return no(
                        R::SecrecyReviewNotPassed,
                        "保密审查结论为“不得公开”，不能审核通过；请退回修改答复",
                    );
                }
                Some(SecrecyConclusion::Separate) if outcome != Outcome::PartlyDisclosed => {
                    return no(
                        R::SecrecyReviewNotPassed,
                        format!(
                            "保密审查结论为“需区分处理”，只能作部分公开答复；本答复稿为“{}”，请退回修改",
                            outcome.label_zh()
                        ),
                    );
                }
                Some(_) => {}
            }
        }
        // A file redacted after the draft was written: the draft must not release its original
        // (nor a redacted file as 予以公开), and a redacted file names its original.
        let mut release = draft.reply.release.clone();
        self.check_redacted_release(draft.reply.outcome, &mut release)?;
        // A late approval records the overdue reply through the rule in `decide`.
        Ok(vec![self.event(
            Some(self.today),
            EventKind::ReplyApproved {
                outcome: draft.reply.outcome,
                release,
            },
        )])
    }

    /// 保密审查: by someone granted it, not the drafter, of a draft that lists a release; a
    /// new draft voids it.
    pub(super) fn record_secrecy_review(
        &self,
        conclusion: SecrecyConclusion,
        basis: &str,
        reviewed_on: Option<NaiveDate>,
    ) -> Result<Vec<Event>, Rejection> {
        if !self.ctx.actor.secrecy_reviewer {
            return no(
                R::NotSecrecyReviewer,
                "您没有保密审查权限；保密审查权限由系统管理员授予（审核人默认具有）",
            );
        }
        self.status(&[Status::Processing, Status::UnderReview], "保密审查")?;
        let Some(draft) = &self.case.draft else {
            return no(R::DraftMissing, "尚未起草答复，没有需要保密审查的内容");
        };
        if draft.reply.release.is_empty() {
            return no(R::DraftMissing, "答复稿没有列明提供的信息，无需保密审查");
        }
        if draft.by == self.ctx.actor.id {
            return no(
                R::SecrecyReviewByDrafter,
                "答复稿由您本人起草，保密审查须由其他人员进行",
            );
        }
        let basis = text(basis, "basis", "审查依据", MAX_TEXT)?;
        let floor = Some((draft.on, "答复稿起草日"));
        let date = self.legal(reviewed_on, ("reviewed_on", "审查日期"), floor)?;
        Ok(vec![self.event(
            Some(date),
            EventKind::SecrecyReviewed { conclusion, basis },
        )])
    }

    pub(super) fn return_reply(&self, reason: &str) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::UnderReview], "退回答复")?;
        let reason = text(reason, "reason", "退回理由", MAX_TEXT)?;
        Ok(vec![self.event(None, EventKind::ReplyReturned { reason })])
    }

    pub(super) fn record_delivery(
        &self,
        method: Delivery,
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
}

/// Whether an outcome releases information (in whole or in part).
fn discloses(outcome: Outcome) -> bool {
    matches!(outcome, Outcome::Disclosed | Outcome::PartlyDisclosed)
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
    reply.disclosure = optional_text(
        reply.disclosure.as_deref(),
        "reply.disclosure",
        "决定公开的理由",
        MAX_TEXT,
    )?;
    reply.competent_agency_contact = optional_text(
        reply.competent_agency_contact.as_deref(),
        "reply.competent_agency_contact",
        "负责公开机关的联系方式",
        MAX_SHORT,
    )?;
    if reply.outcome != Outcome::CannotProvide(CannotProvideGround::NotHeld) {
        for (field, set) in [
            ("reply.not_held", reply.not_held.is_some()),
            ("reply.competent_agency", reply.competent_agency.is_some()),
            (
                "reply.competent_agency_contact",
                reply.competent_agency_contact.is_some(),
            ),
        ] {
            if set {
                return no_at(
                    R::InvalidInput,
                    field,
                    "只有“本机关不掌握相关政府信息”的答复才需说明信息不存在或告知负责公开的机关",
                );
            }
        }
        return check_release(reply);
    }
    // Which finding of art. 36 this is. Naming the competent agency can only mean art. 36(5);
    // without a name the two findings differ (36(5) applies also when the agency cannot be
    // determined), so the drafter must choose: no silent "does not exist".
    if reply.not_held.is_none() && reply.competent_agency.is_none() {
        return no_at(
            R::InvalidInput,
            "reply.not_held",
            "请选择不掌握信息的情形：该政府信息不存在（第三十六条第（四）项），或不属于本机关负责公开（第三十六条第（五）项）",
        );
    }
    let finding = reply.not_held_finding();
    reply.not_held = finding;
    if finding == Some(NotHeld::NotExist) {
        for (field, set) in [
            ("reply.competent_agency", reply.competent_agency.is_some()),
            (
                "reply.competent_agency_contact",
                reply.competent_agency_contact.is_some(),
            ),
        ] {
            if set {
                return no_at(
                    R::InvalidInput,
                    field,
                    "信息不存在（第三十六条第（四）项）的答复不告知负责公开的机关；如属其他机关负责公开，请选择“不属于本机关负责公开”",
                );
            }
        }
    }
    if reply.competent_agency_contact.is_some() && reply.competent_agency.is_none() {
        return no_at(
            R::InvalidInput,
            "reply.competent_agency",
            "填写了负责公开机关的联系方式，请同时写明该机关的名称",
        );
    }
    check_release(reply)
}

/// The most items one release holds.
pub const MAX_RELEASE_ITEMS: usize = 20;

/// The JSON path of release item `i` (`reply.release.0`), for a refusal about that item.
const RELEASE_PATHS: [&str; MAX_RELEASE_ITEMS] = [
    "reply.release.0",
    "reply.release.1",
    "reply.release.2",
    "reply.release.3",
    "reply.release.4",
    "reply.release.5",
    "reply.release.6",
    "reply.release.7",
    "reply.release.8",
    "reply.release.9",
    "reply.release.10",
    "reply.release.11",
    "reply.release.12",
    "reply.release.13",
    "reply.release.14",
    "reply.release.15",
    "reply.release.16",
    "reply.release.17",
    "reply.release.18",
    "reply.release.19",
];

/// The release's checks: a reply that discloses names at least one item; each item's texts
/// within their limits; an electronic document carries its file, whose hash and size the
/// service filled in from the stored attachment.
fn check_release(mut reply: Reply) -> Result<Reply, Rejection> {
    if discloses(reply.outcome) && reply.release.is_empty() {
        return no_at(
            R::ReleaseRequired,
            "reply.release",
            format!(
                "“{}”的答复须在“提供的信息”（release）中至少列明一项：提供的文件，或已公开信息的获取途径",
                reply.outcome.label_zh()
            ),
        );
    }
    if reply.release.len() > MAX_RELEASE_ITEMS {
        return no_at(
            R::InvalidInput,
            "reply.release",
            format!("提供的信息（release）最多 {MAX_RELEASE_ITEMS} 项"),
        );
    }
    for (i, item) in reply.release.iter_mut().enumerate() {
        let at = RELEASE_PATHS[i];
        let n = i + 1;
        let short = |value: &str, what: &str| -> Result<String, Rejection> {
            let v = value.trim();
            if v.is_empty() {
                return no_at(
                    R::InvalidInput,
                    at,
                    format!("提供的信息第 {n} 项：{what}必填"),
                );
            }
            if v.chars().count() > MAX_SHORT {
                return no_at(
                    R::InvalidInput,
                    at,
                    format!("提供的信息第 {n} 项：{what}最长 {MAX_SHORT} 字"),
                );
            }
            Ok(v.to_owned())
        };
        match item {
            ReleaseItem::Document {
                title,
                document_number,
                pages,
                form,
                file,
            } => {
                *title = short(title, "标题")?;
                *document_number = match document_number.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(d) => Some(short(d, "文号")?),
                };
                if *pages == Some(0) || file.as_ref().is_some_and(|f| f.pages == Some(0)) {
                    return no_at(
                        R::InvalidInput,
                        at,
                        format!("提供的信息第 {n} 项：页数应大于 0"),
                    );
                }
                match file {
                    None if *form == ReleaseForm::Electronic => {
                        return no_at(
                            R::InvalidInput,
                            at,
                            format!("提供的信息第 {n} 项：以电子文档提供的，请选择要提供的附件"),
                        );
                    }
                    None => {}
                    Some(f) => {
                        let hashed =
                            f.sha256.len() == 64 && f.sha256.bytes().all(|b| b.is_ascii_hexdigit());
                        if f.attachment.trim().is_empty() || !hashed {
                            return no_at(
                                R::InvalidInput,
                                at,
                                format!("提供的信息第 {n} 项：附件不存在或尚未上传"),
                            );
                        }
                    }
                }
            }
            ReleaseItem::Published {
                title,
                location,
                link,
            } => {
                *title = short(title, "标题")?;
                *location = short(location, "公开的途径或位置")?;
                *link = match link.as_deref().map(str::trim) {
                    None | Some("") => None,
                    Some(l) if l.starts_with("https://") || l.starts_with("http://") => {
                        Some(short(l, "链接")?)
                    }
                    Some(_) => {
                        return no_at(
                            R::InvalidInput,
                            at,
                            format!("提供的信息第 {n} 项：链接须以 http:// 或 https:// 开头"),
                        );
                    }
                };
            }
        }
    }
    Ok(reply)
}
