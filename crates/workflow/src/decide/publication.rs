//! The reading room (依申请公开转主动公开, art. 44 of the Regulations): a supervisor publishes
//! the approved release of a replied case, or items of it, under a subject of their own
//! writing, and may withdraw it with a reason. Only a release whose secrecy review passed may
//! go public; the applicant's personal data never goes with it (the subject is written anew,
//! not copied from the request, and the items carry no applicant data).

use super::checks::{Decider, MAX_SHORT, MAX_TEXT, no, no_at, text};
use super::reply::MAX_RELEASE_ITEMS;
use crate::case::Status;
use crate::model::{ApplicantType, Event, EventKind, ReleaseItem, SecrecyConclusion};
use crate::outcome::Outcome;
use crate::rejection::{Rejection, RejectionCode as R};

impl Decider<'_, '_> {
    pub(super) fn publish_release(
        &self,
        subject: &str,
        items: &[u32],
    ) -> Result<Vec<Event>, Rejection> {
        if !matches!(self.case.status, Status::Replied | Status::Archived) {
            return no(
                R::WrongStatus,
                format!(
                    "只有已答复的申请才能转为主动公开；案件当前状态为“{}”",
                    self.case.status.label_zh()
                ),
            );
        }
        if self.case.publication.is_some() {
            return no(
                R::AlreadyPublished,
                "该申请提供的信息已在公开目录中；如需更改，请先撤回再重新公开",
            );
        }
        let release = self
            .case
            .reply
            .as_ref()
            .map(|r| r.release.as_slice())
            .unwrap_or_default();
        if release.is_empty() {
            return no(
                R::ReleaseNotReviewed,
                "该申请的答复没有列明提供的信息，没有可以转为主动公开的内容",
            );
        }
        self.check_reviewed()?;
        let subject = text(subject, "subject", "公开标题", MAX_SHORT)?;
        self.check_no_personal_data(&subject)?;
        if items.is_empty() {
            return no_at(R::InvalidInput, "items", "请至少选择一项要公开的信息");
        }
        if items.len() > MAX_RELEASE_ITEMS {
            return no_at(
                R::InvalidInput,
                "items",
                format!("一次最多公开 {MAX_RELEASE_ITEMS} 项信息"),
            );
        }
        let mut chosen: Vec<ReleaseItem> = Vec::with_capacity(items.len());
        let mut seen = [false; MAX_RELEASE_ITEMS];
        for &i in items {
            let at = i as usize;
            let Some(item) = release.get(at) else {
                return no_at(
                    R::InvalidInput,
                    "items",
                    format!(
                        "答复提供的信息只有 {} 项，没有第 {} 项",
                        release.len(),
                        u64::from(i) + 1
                    ),
                );
            };
            if seen.get(at).copied().unwrap_or(true) {
                return no_at(
                    R::InvalidInput,
                    "items",
                    format!("第 {} 项信息选择了两次", u64::from(i) + 1),
                );
            }
            if let Some(s) = seen.get_mut(at) {
                *s = true;
            }
            let mut item = item.clone();
            // The staff original a redacted file was made from stays internal.
            if let Some(f) = item.file_mut() {
                f.source = None;
            }
            chosen.push(item);
        }
        Ok(vec![self.event(
            Some(self.today),
            EventKind::ReleasePublished {
                subject,
                items: chosen,
            },
        )])
    }

    /// The approved release passed its secrecy review (保密审查): a review is recorded for the
    /// draft that was approved, and its conclusion lets this reply's release go out.
    fn check_reviewed(&self) -> Result<(), Rejection> {
        let review = self
            .case
            .draft
            .as_ref()
            .filter(|d| Some(&d.reply) == self.case.reply.as_ref())
            .and_then(|d| d.secrecy_review.as_ref());
        let outcome = self.case.outcome;
        match review.map(|r| r.conclusion) {
            Some(SecrecyConclusion::MayDisclose) => Ok(()),
            Some(SecrecyConclusion::Separate) if outcome == Some(Outcome::PartlyDisclosed) => {
                Ok(())
            }
            Some(_) => no(
                R::ReleaseNotReviewed,
                "答复提供的信息未通过保密审查，不能转为主动公开",
            ),
            None => no(
                R::ReleaseNotReviewed,
                "答复提供的信息中有未经保密审查的内容，不能转为主动公开；须先经保密审查并审核通过",
            ),
        }
    }

    /// The subject is written for the public: it may not repeat the applicant's ID number,
    /// phone, e-mail or address, nor a natural person's name (the prefill from the request
    /// may hold them).
    fn check_no_personal_data(&self, subject: &str) -> Result<(), Rejection> {
        let a = &self.case.applicant;
        let natural = matches!(a.kind, None | Some(ApplicantType::NaturalPerson));
        let found = [
            ("姓名", natural.then_some(a.name.as_str())),
            ("证件号码", a.id_document.as_deref()),
            ("联系电话", a.phone.as_deref()),
            ("电子邮箱", a.email.as_deref()),
            ("通信地址", a.address.as_deref()),
        ]
        .into_iter()
        .find_map(|(what, value)| {
            let value = value.map(str::trim).filter(|v| v.chars().count() >= 2)?;
            subject.contains(value).then_some(what)
        });
        match found {
            Some(what) => no_at(
                R::InvalidInput,
                "subject",
                format!("公开标题含有申请人的{what}，请改写为不含申请人个人信息的标题"),
            ),
            None => Ok(()),
        }
    }

    pub(super) fn withdraw_publication(&self, reason: &str) -> Result<Vec<Event>, Rejection> {
        if self.case.publication.is_none() {
            return no(R::NotPublished, "该申请没有已公开的信息，无需撤回");
        }
        let reason = text(reason, "reason", "撤回理由", MAX_TEXT)?;
        Ok(vec![self.event(
            Some(self.today),
            EventKind::PublicationWithdrawn { reason },
        )])
    }
}
