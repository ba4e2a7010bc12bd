//! The reply outcome taxonomy: exactly the leaf rows of table 三 of the annual report
//! (国办公开办函〔2021〕30号). Notices, statistics and the annual report all read this one enum.

use serde::{Deserialize, Serialize};

use crate::vocabulary::{Vocabulary, vocabulary};

/// 不予公开 grounds, rows 三（三）1–8.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NotDisclosedGround {
    StateSecret,
    ForbiddenByLaw,
    Security,
    ThirdPartyRights,
    InternalAffairs,
    ProcessInformation,
    EnforcementFile,
    AdministrativeQuery,
}

vocabulary!(NotDisclosedGround {
    StateSecret => "state_secret", "属于国家秘密";
    ForbiddenByLaw => "forbidden_by_law", "其他法律行政法规禁止公开";
    Security => "security", "危及“三安全一稳定”";
    ThirdPartyRights => "third_party_rights", "保护第三方合法权益";
    InternalAffairs => "internal_affairs", "属于三类内部事务信息";
    ProcessInformation => "process_information", "属于四类过程性信息";
    EnforcementFile => "enforcement_file", "属于行政执法案卷";
    AdministrativeQuery => "administrative_query", "属于行政查询事项";
});

/// 无法提供 grounds, rows 三（四）1–3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CannotProvideGround {
    /// 本机关不掌握相关政府信息 (does not exist, or not this agency's).
    NotHeld,
    /// 没有现成信息需要另行制作.
    WouldNeedCreating,
    /// 补正后申请内容仍不明确.
    StillUnclear,
}

vocabulary!(CannotProvideGround {
    NotHeld => "not_held", "本机关不掌握相关政府信息";
    WouldNeedCreating => "would_need_creating", "没有现成信息需要另行制作";
    StillUnclear => "still_unclear", "补正后申请内容仍不明确";
});

/// 不予处理 grounds, rows 三（五）1–5.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NotProcessedGround {
    Petition,
    Repeated,
    Publication,
    Excessive,
    Confirmation,
}

vocabulary!(NotProcessedGround {
    Petition => "petition", "信访举报投诉类申请";
    Repeated => "repeated", "重复申请";
    Publication => "publication", "要求提供公开出版物";
    Excessive => "excessive", "无正当理由大量反复申请";
    Confirmation => "confirmation", "要求行政机关确认或重新出具已获取信息";
});

/// 其他处理 grounds, rows 三（六）1–3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OtherGround {
    /// Not corrected in time: the application is deemed abandoned.
    CorrectionNotSupplied,
    /// Fee not paid in time.
    FeeNotPaid,
    /// Anything else, e.g. withdrawal by the applicant.
    Other,
    /// What was asked for is not government information within art. 2 of the Regulations
    /// (e.g. an explanation or a consultation): counted under 三（六）3 其他, citing art. 2.
    NotGovernmentInformation,
}

vocabulary!(OtherGround {
    CorrectionNotSupplied => "correction_not_supplied",
        "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请";
    FeeNotPaid => "fee_not_paid",
        "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请";
    Other => "other", "其他";
    NotGovernmentInformation => "not_government_information", "所申请内容不属于政府信息";
});

/// The six groups of outcomes (三（一）…三（六）), without their grounds: the `kind` of an
/// outcome's JSON form and of the projection's `outcome` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OutcomeKind {
    Disclosed,
    PartlyDisclosed,
    NotDisclosed,
    CannotProvide,
    NotProcessed,
    Other,
}

vocabulary!(OutcomeKind {
    Disclosed => "disclosed", "予以公开";
    PartlyDisclosed => "partly_disclosed", "部分公开";
    NotDisclosed => "not_disclosed", "不予公开";
    CannotProvide => "cannot_provide", "无法提供";
    NotProcessed => "not_processed", "不予处理";
    Other => "other", "其他处理";
});

/// One row of the annual-report taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "ground", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Outcome {
    Disclosed,
    PartlyDisclosed,
    NotDisclosed(NotDisclosedGround),
    CannotProvide(CannotProvideGround),
    NotProcessed(NotProcessedGround),
    Other(OtherGround),
}

impl Outcome {
    /// The outcome's group.
    pub const fn kind(self) -> OutcomeKind {
        match self {
            Outcome::Disclosed => OutcomeKind::Disclosed,
            Outcome::PartlyDisclosed => OutcomeKind::PartlyDisclosed,
            Outcome::NotDisclosed(_) => OutcomeKind::NotDisclosed,
            Outcome::CannotProvide(_) => OutcomeKind::CannotProvide,
            Outcome::NotProcessed(_) => OutcomeKind::NotProcessed,
            Outcome::Other(_) => OutcomeKind::Other,
        }
    }

    /// The stored name of the ground, for the groups that have grounds (the projection's
    /// `outcome_ground` column).
    pub const fn ground(self) -> Option<&'static str> {
        match self {
            Outcome::Disclosed | Outcome::PartlyDisclosed => None,
            Outcome::NotDisclosed(g) => Some(g.as_str()),
            Outcome::CannotProvide(g) => Some(g.as_str()),
            Outcome::NotProcessed(g) => Some(g.as_str()),
            Outcome::Other(g) => Some(g.as_str()),
        }
    }

    /// The outcome stored as its kind and ground.
    pub fn from_parts(kind: &str, ground: Option<&str>) -> Option<Outcome> {
        match (OutcomeKind::parse(kind)?, ground) {
            (OutcomeKind::Disclosed, None) => Some(Outcome::Disclosed),
            (OutcomeKind::PartlyDisclosed, None) => Some(Outcome::PartlyDisclosed),
            (OutcomeKind::NotDisclosed, Some(g)) => {
                NotDisclosedGround::parse(g).map(Outcome::NotDisclosed)
            }
            (OutcomeKind::CannotProvide, Some(g)) => {
                CannotProvideGround::parse(g).map(Outcome::CannotProvide)
            }
            (OutcomeKind::NotProcessed, Some(g)) => {
                NotProcessedGround::parse(g).map(Outcome::NotProcessed)
            }
            (OutcomeKind::Other, Some(g)) => OtherGround::parse(g).map(Outcome::Other),
            _ => None,
        }
    }

    /// The outcome as one token, kind and ground joined by `/` (`not_disclosed/security`,
    /// `disclosed`): the value of a form's choice or a query parameter.
    pub const fn as_str(self) -> &'static str {
        use CannotProvideGround as C;
        use NotDisclosedGround as N;
        use NotProcessedGround as P;
        use OtherGround as O;
        match self {
            Outcome::Disclosed => "disclosed",
            Outcome::PartlyDisclosed => "partly_disclosed",
            Outcome::NotDisclosed(N::StateSecret) => "not_disclosed/state_secret",
            Outcome::NotDisclosed(N::ForbiddenByLaw) => "not_disclosed/forbidden_by_law",
            Outcome::NotDisclosed(N::Security) => "not_disclosed/security",
            Outcome::NotDisclosed(N::ThirdPartyRights) => "not_disclosed/third_party_rights",
            Outcome::NotDisclosed(N::InternalAffairs) => "not_disclosed/internal_affairs",
            Outcome::NotDisclosed(N::ProcessInformation) => "not_disclosed/process_information",
            Outcome::NotDisclosed(N::EnforcementFile) => "not_disclosed/enforcement_file",
            Outcome::NotDisclosed(N::AdministrativeQuery) => "not_disclosed/administrative_query",
            Outcome::CannotProvide(C::NotHeld) => "cannot_provide/not_held",
            Outcome::CannotProvide(C::WouldNeedCreating) => "cannot_provide/would_need_creating",
            Outcome::CannotProvide(C::StillUnclear) => "cannot_provide/still_unclear",
            Outcome::NotProcessed(P::Petition) => "not_processed/petition",
            Outcome::NotProcessed(P::Repeated) => "not_processed/repeated",
            Outcome::NotProcessed(P::Publication) => "not_processed/publication",
            Outcome::NotProcessed(P::Excessive) => "not_processed/excessive",
            Outcome::NotProcessed(P::Confirmation) => "not_processed/confirmation",
            Outcome::Other(O::CorrectionNotSupplied) => "other/correction_not_supplied",
            Outcome::Other(O::FeeNotPaid) => "other/fee_not_paid",
            Outcome::Other(O::Other) => "other/other",
            Outcome::Other(O::NotGovernmentInformation) => "other/not_government_information",
        }
    }

    /// The outcome whose one-token form ([`Outcome::as_str`]) is `text`.
    pub fn parse(text: &str) -> Option<Outcome> {
        let (kind, ground) = match text.split_once('/') {
            Some((kind, ground)) => (kind, Some(ground)),
            None => (text, None),
        };
        Outcome::from_parts(kind, ground)
    }

    /// Every outcome, in report order: the 21 leaf rows of table 三 (1 + 1 + 8 + 3 + 5 + 3),
    /// with "not government information" beside the 其他 row it is counted in.
    pub const ALL: [Outcome; 22] = {
        use CannotProvideGround as C;
        use NotDisclosedGround as N;
        use NotProcessedGround as P;
        use OtherGround as O;
        [
            Outcome::Disclosed,
            Outcome::PartlyDisclosed,
            Outcome::NotDisclosed(N::StateSecret),
            Outcome::NotDisclosed(N::ForbiddenByLaw),
            Outcome::NotDisclosed(N::Security),
            Outcome::NotDisclosed(N::ThirdPartyRights),
            Outcome::NotDisclosed(N::InternalAffairs),
            Outcome::NotDisclosed(N::ProcessInformation),
            Outcome::NotDisclosed(N::EnforcementFile),
            Outcome::NotDisclosed(N::AdministrativeQuery),
            Outcome::CannotProvide(C::NotHeld),
            Outcome::CannotProvide(C::WouldNeedCreating),
            Outcome::CannotProvide(C::StillUnclear),
            Outcome::NotProcessed(P::Petition),
            Outcome::NotProcessed(P::Repeated),
            Outcome::NotProcessed(P::Publication),
            Outcome::NotProcessed(P::Excessive),
            Outcome::NotProcessed(P::Confirmation),
            Outcome::Other(O::CorrectionNotSupplied),
            Outcome::Other(O::FeeNotPaid),
            Outcome::Other(O::Other),
            Outcome::Other(O::NotGovernmentInformation),
        ]
    };

    /// The 21 leaf rows of table 三, in report order: every outcome but those counted in
    /// another's row (see [`Outcome::report_row`]).
    pub const REPORT_ROWS: [Outcome; 21] = {
        let mut rows = [Outcome::Disclosed; 21];
        let mut i = 0;
        while i < 21 {
            rows[i] = Outcome::ALL[i];
            i += 1;
        }
        rows
    };

    /// The leaf row of table 三 the outcome is counted in: its own, except that "not
    /// government information" has no row of its own and counts under 三（六）3 其他.
    pub const fn report_row(self) -> Outcome {
        match self {
            Outcome::Other(OtherGround::NotGovernmentInformation) => {
                Outcome::Other(OtherGround::Other)
            }
            other => other,
        }
    }

    /// The row number in table 三, e.g. "三（三）4".
    pub fn row(self) -> &'static str {
        use CannotProvideGround as C;
        use NotDisclosedGround as N;
        use NotProcessedGround as P;
        use OtherGround as O;
        match self {
            Outcome::Disclosed => "三（一）",
            Outcome::PartlyDisclosed => "三（二）",
            Outcome::NotDisclosed(N::StateSecret) => "三（三）1",
            Outcome::NotDisclosed(N::ForbiddenByLaw) => "三（三）2",
            Outcome::NotDisclosed(N::Security) => "三（三）3",
            Outcome::NotDisclosed(N::ThirdPartyRights) => "三（三）4",
            Outcome::NotDisclosed(N::InternalAffairs) => "三（三）5",
            Outcome::NotDisclosed(N::ProcessInformation) => "三（三）6",
            Outcome::NotDisclosed(N::EnforcementFile) => "三（三）7",
            Outcome::NotDisclosed(N::AdministrativeQuery) => "三（三）8",
            Outcome::CannotProvide(C::NotHeld) => "三（四）1",
            Outcome::CannotProvide(C::WouldNeedCreating) => "三（四）2",
            Outcome::CannotProvide(C::StillUnclear) => "三（四）3",
            Outcome::NotProcessed(P::Petition) => "三（五）1",
            Outcome::NotProcessed(P::Repeated) => "三（五）2",
            Outcome::NotProcessed(P::Publication) => "三（五）3",
            Outcome::NotProcessed(P::Excessive) => "三（五）4",
            Outcome::NotProcessed(P::Confirmation) => "三（五）5",
            Outcome::Other(O::CorrectionNotSupplied) => "三（六）1",
            Outcome::Other(O::FeeNotPaid) => "三（六）2",
            Outcome::Other(O::Other | O::NotGovernmentInformation) => "三（六）3",
        }
    }

    /// The row's wording in the report.
    pub const fn label_zh(self) -> &'static str {
        use CannotProvideGround as C;
        use NotDisclosedGround as N;
        use NotProcessedGround as P;
        use OtherGround as O;
        match self {
            Outcome::Disclosed => "予以公开",
            Outcome::PartlyDisclosed => "部分公开",
            Outcome::NotDisclosed(N::StateSecret) => "不予公开：属于国家秘密",
            Outcome::NotDisclosed(N::ForbiddenByLaw) => "不予公开：其他法律行政法规禁止公开",
            Outcome::NotDisclosed(N::Security) => "不予公开：危及“三安全一稳定”",
            Outcome::NotDisclosed(N::ThirdPartyRights) => "不予公开：保护第三方合法权益",
            Outcome::NotDisclosed(N::InternalAffairs) => "不予公开：属于三类内部事务信息",
            Outcome::NotDisclosed(N::ProcessInformation) => "不予公开：属于四类过程性信息",
            Outcome::NotDisclosed(N::EnforcementFile) => "不予公开：属于行政执法案卷",
            Outcome::NotDisclosed(N::AdministrativeQuery) => "不予公开：属于行政查询事项",
            Outcome::CannotProvide(C::NotHeld) => "无法提供：本机关不掌握相关政府信息",
            Outcome::CannotProvide(C::WouldNeedCreating) => "无法提供：没有现成信息需要另行制作",
            Outcome::CannotProvide(C::StillUnclear) => "无法提供：补正后申请内容仍不明确",
            Outcome::NotProcessed(P::Petition) => "不予处理：信访举报投诉类申请",
            Outcome::NotProcessed(P::Repeated) => "不予处理：重复申请",
            Outcome::NotProcessed(P::Publication) => "不予处理：要求提供公开出版物",
            Outcome::NotProcessed(P::Excessive) => "不予处理：无正当理由大量反复申请",
            Outcome::NotProcessed(P::Confirmation) => {
                "不予处理：要求行政机关确认或重新出具已获取信息"
            }
            Outcome::Other(O::CorrectionNotSupplied) => {
                "其他处理：申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"
            }
            Outcome::Other(O::FeeNotPaid) => {
                "其他处理：申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"
            }
            Outcome::Other(O::Other) => "其他处理：其他",
            Outcome::Other(O::NotGovernmentInformation) => {
                "其他处理：其他（所申请内容不属于政府信息）"
            }
        }
    }

    /// The row's wording in the printed annual report: [`Outcome::label_zh`], except that
    /// 三（二） keeps the format's note on 区分处理 (国办公开办函〔2021〕30号).
    pub const fn report_label_zh(self) -> &'static str {
        match self {
            Outcome::PartlyDisclosed => "部分公开（区分处理的，只计这一情形，不计其他情形）",
            other => other.label_zh(),
        }
    }

    /// The legal basis a notice cites for this outcome; none for a withdrawal, a request to
    /// confirm or re-issue information already obtained, or another ending the Regulations
    /// do not name.
    pub fn legal_basis_zh(self) -> Option<&'static str> {
        Some(self.basis()).filter(|b| !b.is_empty())
    }

    fn basis(self) -> &'static str {
        use CannotProvideGround as C;
        use NotDisclosedGround as N;
        use NotProcessedGround as P;
        match self {
            Outcome::Disclosed => "《中华人民共和国政府信息公开条例》第三十六条第（一）（二）项",
            Outcome::PartlyDisclosed => "《中华人民共和国政府信息公开条例》第三十七条",
            Outcome::NotDisclosed(N::StateSecret | N::ForbiddenByLaw | N::Security) => {
                "《中华人民共和国政府信息公开条例》第十四条、第三十六条第（三）项"
            }
            Outcome::NotDisclosed(N::ThirdPartyRights) => {
                "《中华人民共和国政府信息公开条例》第十五条、第三十二条"
            }
            Outcome::NotDisclosed(
                N::InternalAffairs | N::ProcessInformation | N::EnforcementFile,
            ) => "《中华人民共和国政府信息公开条例》第十六条",
            Outcome::NotDisclosed(N::AdministrativeQuery) => {
                "《中华人民共和国政府信息公开条例》第三十六条第（七）项"
            }
            Outcome::CannotProvide(C::NotHeld) => {
                "《中华人民共和国政府信息公开条例》第三十六条第（四）（五）项"
            }
            Outcome::CannotProvide(C::WouldNeedCreating) => {
                "《中华人民共和国政府信息公开条例》第三十八条"
            }
            Outcome::CannotProvide(C::StillUnclear) => "《中华人民共和国政府信息公开条例》第三十条",
            Outcome::NotProcessed(P::Petition) => {
                "《中华人民共和国政府信息公开条例》第三十九条第一款"
            }
            Outcome::NotProcessed(P::Repeated) => {
                "《中华人民共和国政府信息公开条例》第三十六条第（六）项"
            }
            Outcome::NotProcessed(P::Excessive) => "《中华人民共和国政府信息公开条例》第三十五条",
            Outcome::NotProcessed(P::Publication) => {
                "《中华人民共和国政府信息公开条例》第三十九条第二款"
            }
            // No article of the Regulations names a request to confirm or re-issue
            // information already obtained: art. 39 covers petitions (first paragraph) and
            // publications (second paragraph) only.
            Outcome::NotProcessed(P::Confirmation) => "",
            Outcome::Other(OtherGround::CorrectionNotSupplied) => {
                "《中华人民共和国政府信息公开条例》第三十条"
            }
            Outcome::Other(OtherGround::FeeNotPaid) => {
                "《中华人民共和国政府信息公开条例》第四十二条、《政府信息公开信息处理费管理办法》"
            }
            Outcome::Other(OtherGround::NotGovernmentInformation) => {
                "《中华人民共和国政府信息公开条例》第二条"
            }
            Outcome::Other(OtherGround::Other) => "",
        }
    }

    /// A refusal to disclose under arts. 14–16 of the Regulations (wholly, or in part when
    /// the rest is disclosed): since 2024-01-01 it must first go to administrative
    /// reconsideration (行政复议法 2023, art. 23(1)4 "申请政府信息公开，行政机关不予公开"),
    /// and its notice must say so. A 行政查询事项 reply (art. 36(7)) is a referral, not a
    /// refusal, and "cannot provide" or "not processed" are not 不予公开.
    pub fn is_refusal(self) -> bool {
        match self {
            Outcome::NotDisclosed(NotDisclosedGround::AdministrativeQuery) => false,
            Outcome::NotDisclosed(_) | Outcome::PartlyDisclosed => true,
            Outcome::Disclosed
            | Outcome::CannotProvide(_)
            | Outcome::NotProcessed(_)
            | Outcome::Other(_) => false,
        }
    }

    /// Outcomes a clerk may draft as a reply. The two "other" rows for abandonment and unpaid
    /// fees follow from their own commands.
    pub fn draftable(self) -> bool {
        !matches!(
            self,
            Outcome::Other(OtherGround::CorrectionNotSupplied | OtherGround::FeeNotPaid)
        )
    }
}

impl Vocabulary for Outcome {
    const ALL: &'static [Outcome] = &Outcome::ALL;

    fn as_str(self) -> &'static str {
        Outcome::as_str(self)
    }

    fn parse(text: &str) -> Option<Outcome> {
        Outcome::parse(text)
    }

    fn label_zh(self) -> &'static str {
        Outcome::label_zh(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn all_rows_are_distinct_and_mapped() {
        let rows: HashSet<&str> = Outcome::ALL.iter().map(|o| o.row()).collect();
        assert_eq!(rows.len(), 21, "one row per leaf");
        let report: HashSet<&str> = Outcome::REPORT_ROWS.iter().map(|o| o.row()).collect();
        assert_eq!(report.len(), 21, "the report rows are the 21 leaves");
        for o in Outcome::ALL {
            assert!(Outcome::REPORT_ROWS.contains(&o.report_row()), "{o:?}");
            assert_eq!(o.report_row().row(), o.row(), "{o:?}");
        }
        let labels: HashSet<&str> = Outcome::ALL.iter().map(|o| o.label_zh()).collect();
        assert_eq!(labels.len(), Outcome::ALL.len());
    }

    #[test]
    fn serde_form_is_kind_and_ground() {
        let o = Outcome::NotDisclosed(NotDisclosedGround::ThirdPartyRights);
        let json = serde_json::to_string(&o).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"not_disclosed","ground":"third_party_rights"}"#
        );
        assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), o);
        let d: Outcome = serde_json::from_str(r#"{"kind":"disclosed"}"#).unwrap();
        assert_eq!(d, Outcome::Disclosed);
    }
}
