//! Redaction (区分处理, art. 37 of the Regulations): a staff file of the case is released in a
//! version with parts withheld. Each part withheld (a box on a page, or a cell, row or column
//! of a table) carries its legal ground (arts. 14–16); the event that records a redaction ties
//! the released version's hash to the original's hash and to every part withheld, so that a
//! reviewer can make the released version again from the original and compare.

use serde::{Deserialize, Serialize};

use crate::vocabulary::vocabulary;

/// Why a part of a document is withheld: the grounds of arts. 14, 15 and 16.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RedactionGround {
    /// Art. 14: 依法确定为国家秘密.
    StateSecret,
    /// Art. 14: 法律、行政法规禁止公开.
    ForbiddenByLaw,
    /// Art. 14: 公开后可能危及国家安全、公共安全、经济安全、社会稳定.
    Security,
    /// Art. 15: 商业秘密 of a third party.
    TradeSecret,
    /// Art. 15: 个人隐私 of a third party.
    PersonalPrivacy,
    /// Art. 16 first paragraph: 人事管理、后勤管理、内部工作流程等内部事务信息.
    InternalAffairs,
    /// Art. 16 second paragraph: 讨论记录、过程稿、磋商信函、请示报告等过程性信息.
    ProcessInformation,
    /// Art. 16 second paragraph: 行政执法案卷信息.
    EnforcementFile,
}

vocabulary!(RedactionGround {
    StateSecret => "state_secret", "涉及国家秘密";
    ForbiddenByLaw => "forbidden_by_law", "属于法律、行政法规禁止公开的信息";
    Security => "security", "公开后可能危及国家安全、公共安全、经济安全、社会稳定";
    TradeSecret => "trade_secret", "涉及商业秘密";
    PersonalPrivacy => "personal_privacy", "涉及个人隐私";
    InternalAffairs => "internal_affairs", "属于内部事务信息";
    ProcessInformation => "process_information", "属于过程性信息";
    EnforcementFile => "enforcement_file", "属于行政执法案卷信息";
});

impl RedactionGround {
    /// The article of the Regulations (2019) the ground rests on, as a letter cites it.
    pub const fn article_zh(self) -> &'static str {
        match self {
            RedactionGround::StateSecret
            | RedactionGround::ForbiddenByLaw
            | RedactionGround::Security => "第十四条",
            RedactionGround::TradeSecret | RedactionGround::PersonalPrivacy => "第十五条",
            RedactionGround::InternalAffairs => "第十六条第一款",
            RedactionGround::ProcessInformation | RedactionGround::EnforcementFile => {
                "第十六条第二款"
            }
        }
    }

    /// Whether the ground protects a third party (art. 15), and so depends on the third
    /// party's position and on the public interest.
    pub const fn protects_third_party(self) -> bool {
        matches!(
            self,
            RedactionGround::TradeSecret | RedactionGround::PersonalPrivacy
        )
    }
}

/// Where a third party stands on disclosure, for a part withheld under art. 15.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ThirdPartyStance {
    /// Consulted under art. 32, the third party objected.
    Objected,
    /// Consulted under art. 32, the third party gave no opinion in time.
    NoAnswer,
    /// Not consulted: the agency withholds without asking (asking is needed only to disclose).
    NotConsulted,
    /// The third party consented: art. 15 then requires disclosure, so no part may be withheld
    /// on this ground (recorded only to be refused with that reason).
    Consented,
}

vocabulary!(ThirdPartyStance {
    Objected => "objected", "第三方不同意公开";
    NoAnswer => "no_answer", "第三方逾期未提出意见";
    NotConsulted => "not_consulted", "未征求第三方意见";
    Consented => "consented", "第三方同意公开";
});

/// A part withheld: a box on a page of a PDF or scan (in points, origin at the top left of
/// the page as shown), or a cell, row or column of a table (counted from 0 as stored; the
/// editor shows them from 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RedactionArea {
    Box {
        /// The page, from 1.
        page: u32,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
    },
    Cell {
        /// The worksheet's name (empty for CSV).
        #[serde(default)]
        sheet: String,
        row: u32,
        column: u32,
    },
    Row {
        #[serde(default)]
        sheet: String,
        row: u32,
    },
    Column {
        #[serde(default)]
        sheet: String,
        column: u32,
    },
}

// Coordinates are checked finite before an event records them, so equality is total.
impl Eq for RedactionArea {}

impl RedactionArea {
    /// Where it is, as a person reads it: "第 3 页", "工作表「名单」第 2 行第 C 列".
    pub fn place_zh(&self) -> String {
        let sheet = |s: &str| {
            if s.is_empty() {
                String::new()
            } else {
                format!("工作表「{s}」")
            }
        };
        match self {
            RedactionArea::Box { page, .. } => format!("第 {page} 页"),
            RedactionArea::Cell {
                sheet: s,
                row,
                column,
            } => {
                format!(
                    "{}第 {} 行第 {} 列",
                    sheet(s),
                    row + 1,
                    column_name(*column)
                )
            }
            RedactionArea::Row { sheet: s, row } => format!("{}第 {} 行", sheet(s), row + 1),
            RedactionArea::Column { sheet: s, column } => {
                format!("{}第 {} 列", sheet(s), column_name(*column))
            }
        }
    }
}

/// A column's letters as Excel shows them (0 → A, 26 → AA).
pub fn column_name(mut column: u32) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// One part withheld and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Redaction {
    pub area: RedactionArea,
    pub ground: RedactionGround,
    /// For art. 15 grounds (商业秘密, 个人隐私): where the third party stands; required for
    /// them and refused for the others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub third_party: Option<ThirdPartyStance>,
    /// For art. 15 grounds: whether the agency finds that withholding would gravely harm the
    /// public interest (then art. 15 requires disclosure, and the part is refused).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public_interest_prevails: bool,
}

impl Redaction {
    /// The ground as a letter states it: "依据《条例》第十五条，涉及个人隐私（第三方不同意公开）".
    pub fn ground_zh(&self) -> String {
        let mut s = format!(
            "依据《条例》{}，{}",
            self.ground.article_zh(),
            self.ground.label_zh()
        );
        if let Some(t) = self
            .third_party
            .filter(|_| self.ground.protects_third_party())
        {
            s.push_str(&format!("（{}）", t.label_zh()));
        }
        s
    }
}

/// A file of the case, named by its attachment id, with its content's sha256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileRef {
    pub attachment: String,
    pub sha256: String,
    /// Bytes.
    #[serde(default)]
    pub size: u64,
    /// Pages (PDF and scans; none for tables).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
}

/// A redaction as recorded: which original, which released version, what was withheld and
/// why, and how the released version was made (so that it can be made again and compared).
/// Who and when are the event's actor and time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileRedaction {
    /// The staff file redacted; it stays internal.
    pub source: FileRef,
    /// The redacted version, a new file of the case.
    pub output: FileRef,
    pub redactions: Vec<Redaction>,
    /// The engine and its settings (e.g. "burn-in 150 dpi"): what making it again needs.
    pub method: String,
}

impl FileRedaction {
    /// The parts withheld as a letter lists them, one line per place and ground in order:
    /// "第 3 页 2 处，依据《条例》第十五条，涉及个人隐私（第三方不同意公开）".
    pub fn lines_zh(&self) -> Vec<String> {
        let mut groups: Vec<(String, String, u32)> = Vec::new();
        let mut index: std::collections::HashMap<(String, String), usize> =
            std::collections::HashMap::new();
        for r in &self.redactions {
            let key = (r.area.place_zh(), r.ground_zh());
            match index.get(&key) {
                Some(&i) => groups[i].2 += 1,
                None => {
                    index.insert(key.clone(), groups.len());
                    groups.push((key.0, key.1, 1));
                }
            }
        }
        groups
            .into_iter()
            .map(|(place, ground, n)| format!("{place} {n} 处，{ground}"))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_excel_names_them() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn a_letter_counts_the_parts_by_place_and_ground() {
        let at = |page, ground, third_party| Redaction {
            area: RedactionArea::Box {
                page,
                x: 10.0,
                y: 10.0,
                w: 5.0,
                h: 5.0,
            },
            ground,
            third_party,
            public_interest_prevails: false,
        };
        let file = FileRef {
            attachment: "a".into(),
            sha256: "0".repeat(64),
            size: 1,
            pages: Some(3),
        };
        let r = FileRedaction {
            source: file.clone(),
            output: file,
            redactions: vec![
                at(
                    3,
                    RedactionGround::PersonalPrivacy,
                    Some(ThirdPartyStance::Objected),
                ),
                at(1, RedactionGround::ProcessInformation, None),
                at(
                    3,
                    RedactionGround::PersonalPrivacy,
                    Some(ThirdPartyStance::Objected),
                ),
            ],
            method: "burn-in 150 dpi".into(),
        };
        assert_eq!(
            r.lines_zh(),
            vec![
                "第 3 页 2 处，依据《条例》第十五条，涉及个人隐私（第三方不同意公开）",
                "第 1 页 1 处，依据《条例》第十六条第二款，属于过程性信息",
            ]
        );
    }
}
