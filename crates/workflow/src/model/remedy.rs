//! Orders for a new reply, and the reconsiderations and lawsuits of table 四.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::vocabulary::vocabulary;

/// Who ordered a new reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OrderKind {
    Reconsideration,
    Court,
}

vocabulary!(OrderKind {
    Reconsideration => "reconsideration", "行政复议决定";
    Court => "court", "人民法院判决";
});

/// A reconsideration decision or judgment ordering a new reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Order {
    pub kind: OrderKind,
    /// The reconsideration body or court.
    pub body: String,
    /// The decision's or judgment's number.
    pub reference: String,
    /// The day the agency received the order: the new clock starts here.
    pub received_on: NaiveDate,
}

/// Which remedy the applicant took against the agency over the request (art. 51).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RemedyKind {
    /// 行政复议
    Reconsideration,
    /// 行政诉讼
    Litigation,
}

vocabulary!(RemedyKind {
    Reconsideration => "reconsideration", "行政复议";
    Litigation => "litigation", "行政诉讼";
});

/// How a reconsideration or lawsuit ended, in the columns of the annual report's table 四.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RemedyResult {
    /// 结果维持: the agency's act upheld (claim dismissed).
    Upheld,
    /// 结果纠正: revoked, changed, declared unlawful or a new reply ordered.
    Corrected,
    /// 其他结果: withdrawn, settled, terminated.
    Other,
}

vocabulary!(RemedyResult {
    Upheld => "upheld", "结果维持";
    Corrected => "corrected", "结果纠正";
    Other => "other", "其他结果";
});

/// A reconsideration or lawsuit about the request, as a clerk records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Remedy {
    pub kind: RemedyKind,
    /// The reconsideration body (复议机关) or court.
    pub body: String,
    /// The case number (案号), when known.
    #[serde(default)]
    pub reference: Option<String>,
    /// The day the application was made or the suit filed (or the agency was told of it).
    pub filed_on: NaiveDate,
    /// Lawsuits only: brought after a reconsideration decision (复议后起诉) rather than
    /// directly (未经复议直接起诉).
    #[serde(default)]
    pub after_reconsideration: bool,
    /// The result, when already decided (else pending: 尚未审结).
    #[serde(default)]
    pub result: Option<RemedyResult>,
    /// The day of the decision or judgment; required with a result.
    #[serde(default)]
    pub decided_on: Option<NaiveDate>,
}

impl Remedy {
    /// Its group in the annual report's table 四: 0 行政复议, 1 行政诉讼（未经复议直接起诉）,
    /// 2 行政诉讼（复议后起诉）.
    pub fn group(&self) -> usize {
        match (self.kind, self.after_reconsideration) {
            (RemedyKind::Reconsideration, _) => 0,
            (RemedyKind::Litigation, false) => 1,
            (RemedyKind::Litigation, true) => 2,
        }
    }

    /// The group's wording, e.g. 行政诉讼（复议后起诉）.
    pub fn label_zh(&self) -> &'static str {
        TABLE4_GROUPS[self.group()]
    }
}

/// The three groups of table 四, in order: the wording of [`Remedy::group`].
pub const TABLE4_GROUPS: [&str; 3] = [
    "行政复议",
    "行政诉讼（未经复议直接起诉）",
    "行政诉讼（复议后起诉）",
];
