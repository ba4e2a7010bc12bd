//! The steps of processing and replying: consultations, fees, the reply, breaches.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::outcome::Outcome;
use crate::vocabulary::vocabulary;

/// Consultations whose time is not counted in the reply period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ConsultationKind {
    /// 征求第三方意见 (art. 32).
    ThirdParty,
    /// 征求其他行政机关意见 (art. 34).
    OtherAgency,
}

vocabulary!(ConsultationKind {
    ThirdParty => "third_party", "第三方";
    OtherAgency => "other_agency", "其他行政机关";
});

/// The answer to a consultation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Opinion {
    Consent,
    Objection,
    /// No answer within the period: a third party's silence lets the agency decide, another
    /// agency's silence counts as consent.
    NoAnswer,
}

vocabulary!(Opinion {
    Consent => "consent", "同意公开";
    Objection => "objection", "不同意公开";
    NoAnswer => "no_answer", "逾期未提出意见";
});

/// How a fee is computed (109号): per request within a calendar month, or per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FeeMethod {
    /// 按件: this is the applicant's `nth` request in the calendar month.
    PerRequest { nth: u32 },
    /// 按量: the reply runs to `pages` pages.
    PerPage { pages: u32 },
}

impl FeeMethod {
    /// Whether the fee is counted per request or per page (the `method` tag of the JSON form).
    pub fn basis(self) -> FeeBasis {
        match self {
            FeeMethod::PerRequest { .. } => FeeBasis::PerRequest,
            FeeMethod::PerPage { .. } => FeeBasis::PerPage,
        }
    }
}

/// The two ways of counting a fee, without their figures: what a form offers to choose from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FeeBasis {
    /// 按件计收.
    PerRequest,
    /// 按量计收.
    PerPage,
}

vocabulary!(FeeBasis {
    PerRequest => "per_request", "按件计收";
    PerPage => "per_page", "按量计收";
});

/// A reply as drafted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reply {
    pub outcome: Outcome,
    pub text: String,
    /// For "not held": the agency responsible for the information, when known (art. 36(5)).
    #[serde(default)]
    pub competent_agency: Option<String>,
}

/// Statutory breaches, recorded on the case rather than hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Breach {
    /// The correction notice went out after the 7-working-day limit.
    CorrectionNoticeLate { deadline: NaiveDate },
    /// The extension was requested or approved after the reply was due.
    ExtensionLate { due: NaiveDate },
    /// The reply was not given by its due date.
    ReplyOverdue { due: NaiveDate },
}

impl Breach {
    pub fn label_zh(&self) -> String {
        match self {
            Breach::CorrectionNoticeLate { deadline } => {
                format!("补正告知超过法定期限（应于 {deadline} 前告知）")
            }
            Breach::ExtensionLate { due } => {
                format!("延期答复未在答复期限（{due}）届满前办理")
            }
            Breach::ReplyOverdue { due } => format!("逾期未答复（答复期限 {due}）"),
        }
    }
}
