//! 区分处理 (art. 37): recording a redacted version of a file of the case, with a legal ground
//! for every part withheld, and what a release with redacted files must be.

use super::checks::{Decider, MAX_SHORT, no, no_at, text};
use crate::case::Status;
use crate::model::{
    ConsultationKind, Event, EventKind, FileRedaction, FileRef, Opinion, Redaction, RedactionArea,
    ReleaseItem, ThirdPartyStance,
};
use crate::outcome::Outcome;
use crate::rejection::{Rejection, RejectionCode as R};

/// The most parts one redaction may withhold (boxes, cells, rows and columns together).
pub const MAX_REDACTIONS: usize = 1000;

impl Decider<'_, '_> {
    pub(super) fn record_redaction(
        &self,
        mut redaction: FileRedaction,
    ) -> Result<Vec<Event>, Rejection> {
        self.status(&[Status::Processing], "作区分处理")?;
        check_file(&redaction.source, "redaction.source", "原文件")?;
        check_file(&redaction.output, "redaction.output", "遮盖后的文件")?;
        if redaction.source.attachment == redaction.output.attachment {
            return no_at(
                R::InvalidInput,
                "redaction.output",
                "遮盖后的文件不能与原文件相同",
            );
        }
        if self
            .case
            .redaction_making(&redaction.output.attachment)
            .is_some()
            || self.case.is_redacted_original(&redaction.output.attachment)
        {
            return no_at(
                R::InvalidInput,
                "redaction.output",
                "该文件已记录在另一次区分处理中",
            );
        }
        redaction.method = text(&redaction.method, "redaction.method", "处理方法", MAX_SHORT)?;
        if redaction.redactions.is_empty() {
            return no_at(
                R::InvalidInput,
                "redaction.redactions",
                "请至少标出一处需要遮盖的内容",
            );
        }
        if redaction.redactions.len() > MAX_REDACTIONS {
            return no_at(
                R::InvalidInput,
                "redaction.redactions",
                format!("一次最多遮盖 {MAX_REDACTIONS} 处"),
            );
        }
        for (i, r) in redaction.redactions.iter_mut().enumerate() {
            self.check_part(i + 1, r)?;
        }
        Ok(vec![
            self.event(None, EventKind::FileRedacted { redaction }),
        ])
    }

    /// One part withheld: a well-formed place, and a ground that holds (art. 15's proviso, and
    /// the third party's position as the case records it).
    fn check_part(&self, n: usize, r: &mut Redaction) -> Result<(), Rejection> {
        const AT: &str = "redaction.redactions";
        match &mut r.area {
            RedactionArea::Box { page, x, y, w, h } => {
                let finite = [*x, *y, *w, *h].iter().all(|v| v.is_finite());
                if *page == 0 || !finite || *w <= 0.0 || *h <= 0.0 || *x < 0.0 || *y < 0.0 {
                    return no_at(
                        R::InvalidInput,
                        AT,
                        format!("第 {n} 处遮盖：页码从 1 起，位置不能为负，宽和高应大于 0"),
                    );
                }
            }
            RedactionArea::Cell { sheet, .. }
            | RedactionArea::Row { sheet, .. }
            | RedactionArea::Column { sheet, .. } => {
                let trimmed = sheet.trim();
                if trimmed.chars().count() > MAX_SHORT {
                    return no_at(
                        R::InvalidInput,
                        AT,
                        format!("第 {n} 处遮盖：工作表名称最长 {MAX_SHORT} 字"),
                    );
                }
                *sheet = trimmed.to_owned();
            }
        }
        if !r.ground.protects_third_party() {
            if r.third_party.is_some() || r.public_interest_prevails {
                return no_at(
                    R::InvalidInput,
                    AT,
                    format!(
                        "第 {n} 处遮盖：“{}”不涉及第三方，不需填写第三方意见或公共利益",
                        r.ground.label_zh()
                    ),
                );
            }
            return Ok(());
        }
        let Some(stance) = r.third_party else {
            return no_at(
                R::InvalidInput,
                AT,
                format!(
                    "第 {n} 处遮盖：依据第十五条（{}）遮盖的，请注明第三方的意见",
                    r.ground.label_zh()
                ),
            );
        };
        if stance == ThirdPartyStance::Consented {
            return no_at(
                R::RedactionGroundVoid,
                AT,
                format!(
                    "第 {n} 处遮盖：第三方同意公开的，依据《条例》第十五条应予公开，不能以{}为由遮盖",
                    r.ground.label_zh()
                ),
            );
        }
        if r.public_interest_prevails {
            return no_at(
                R::RedactionGroundVoid,
                AT,
                format!(
                    "第 {n} 处遮盖：不公开会对公共利益造成重大影响的，依据《条例》第十五条应予公开，不能以{}为由遮盖",
                    r.ground.label_zh()
                ),
            );
        }
        let recorded = |opinion: Opinion| {
            self.case
                .consultations
                .iter()
                .any(|c| c.kind == ConsultationKind::ThirdParty && c.opinion == Some(opinion))
        };
        let needed = match stance {
            ThirdPartyStance::Objected => Some(Opinion::Objection),
            ThirdPartyStance::NoAnswer => Some(Opinion::NoAnswer),
            ThirdPartyStance::NotConsulted | ThirdPartyStance::Consented => None,
        };
        if let Some(opinion) = needed
            && !recorded(opinion)
        {
            return no(
                R::ThirdPartyOpinionNotRecorded,
                format!(
                    "第 {n} 处遮盖注明“{}”，但本案没有记录以“{}”结束的第三方征求意见（第三十二条）；请先记录征求意见的结果，或改为“{}”",
                    stance.label_zh(),
                    opinion.label_zh(),
                    ThirdPartyStance::NotConsulted.label_zh()
                ),
            );
        }
        Ok(())
    }

    /// The rules a release with redacted files obeys: each redacted file names the original it
    /// was made from (filled from the case, never taken from the client); an original of which a
    /// redacted version was made is not released in full; a reply releasing a redacted file is
    /// a 部分公开 (art. 37), which is how the annual report counts it.
    pub(super) fn check_redacted_release(
        &self,
        outcome: Outcome,
        release: &mut [ReleaseItem],
    ) -> Result<(), Rejection> {
        let mut redacted = false;
        for (i, item) in release.iter_mut().enumerate() {
            let Some(file) = item.file_mut() else {
                continue;
            };
            if self.case.is_redacted_original(&file.attachment) {
                return no_at(
                    R::OriginalHasRedactedVersion,
                    "reply.release",
                    format!(
                        "提供的信息第 {} 项：所选文件已作区分处理，请提供遮盖后的文件，原文件不对外提供",
                        i + 1
                    ),
                );
            }
            file.source = self
                .case
                .redaction_making(&file.attachment)
                .map(|r| r.source.attachment.clone());
            redacted |= file.source.is_some();
        }
        if redacted && outcome == Outcome::Disclosed {
            return no_at(
                R::RedactedReleaseNotPartial,
                "reply.outcome",
                "提供的信息含有作过区分处理（遮盖）的文件，应答复为“部分公开”（《条例》第三十七条）",
            );
        }
        Ok(())
    }
}

/// A file named by its attachment id with a well-formed sha256.
fn check_file(f: &FileRef, field: &'static str, what: &str) -> Result<(), Rejection> {
    let hashed = f.sha256.len() == 64 && f.sha256.bytes().all(|b| b.is_ascii_hexdigit());
    if f.attachment.trim().is_empty() || !hashed {
        return no_at(R::InvalidInput, field, format!("{what}不存在或尚未保存"));
    }
    Ok(())
}
