//! The reply outcome taxonomy: exactly the leaf rows of table 三 of the annual report
//! (国办公开办函〔2021〕30号). Notices, statistics and the annual report all read this one enum.

use serde::{Deserialize, Serialize};

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
}

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
    /// The 21 leaf rows in report order (1 + 1 + 8 + 3 + 5 + 3).
    pub const ALL: [Outcome; 21] = {
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
        ]
    };

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
            Outcome::Other(O::Other) => "三（六）3",
        }
    }

    /// The row's wording in the report.
    pub fn label_zh(self) -> &'static str {
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
        }
    }

    /// The legal basis a notice cites for this outcome; none for a withdrawal or another
    /// ending the Regulations do not name.
    pub fn legal_basis_zh(self) -> Option<&'static str> {
        Some(self.basis()).filter(|_| self != Outcome::Other(OtherGround::Other))
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
            Outcome::NotProcessed(P::Petition) => "《中华人民共和国政府信息公开条例》第三十九条",
            Outcome::NotProcessed(P::Repeated) => {
                "《中华人民共和国政府信息公开条例》第三十六条第（六）项"
            }
            Outcome::NotProcessed(P::Excessive) => "《中华人民共和国政府信息公开条例》第三十五条",
            Outcome::NotProcessed(P::Publication | P::Confirmation) => {
                "《中华人民共和国政府信息公开条例》第三十九条"
            }
            Outcome::Other(OtherGround::CorrectionNotSupplied) => {
                "《中华人民共和国政府信息公开条例》第三十条"
            }
            Outcome::Other(OtherGround::FeeNotPaid) => {
                "《中华人民共和国政府信息公开条例》第四十二条、《政府信息公开信息处理费管理办法》"
            }
            Outcome::Other(OtherGround::Other) => "",
        }
    }

    /// A refusal to disclose: since 2024-01-01 it must first go to administrative
    /// reconsideration (行政复议法 2023, art. 23), and its notice must say so.
    pub fn is_refusal(self) -> bool {
        matches!(self, Outcome::NotDisclosed(_) | Outcome::PartlyDisclosed)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn all_rows_are_distinct_and_mapped() {
        let rows: HashSet<&str> = Outcome::ALL.iter().map(|o| o.row()).collect();
        assert_eq!(rows.len(), 21, "one row per leaf");
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
