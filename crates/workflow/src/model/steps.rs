//! The steps of processing and replying: consultations, fees, the reply, breaches.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::release::ReleaseItem;
use super::request::Delivery;
use crate::outcome::Outcome;
use crate::vocabulary::vocabulary;

/// Consultations whose time is not counted in the reply period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ConsultationKind {
    /// 征求第三方意见 (art. 32): 15 working days from receiving the letter; silence lets the
    /// agency decide.
    ThirdParty,
    /// 征求共同制作机关意见 (art. 34): information made jointly with another agency; 15 working
    /// days from receiving the letter; silence counts as consent.
    OtherAgency,
    /// 需要其他行政机关确认或征求其意见 for another reason (art. 33 second paragraph): the time
    /// it takes is not counted, the law sets no window and silence is not consent.
    AgencyOpinion,
}

vocabulary!(ConsultationKind {
    ThirdParty => "third_party", "第三方";
    OtherAgency => "other_agency", "共同制作的其他行政机关";
    AgencyOpinion => "agency_opinion", "其他行政机关（确认或征求意见）";
});

impl ConsultationKind {
    /// Whether the consulted party has a statutory window (arts. 32, 34) after which the
    /// agency decides and the excluded time ends.
    pub const fn has_window(self) -> bool {
        matches!(
            self,
            ConsultationKind::ThirdParty | ConsultationKind::OtherAgency
        )
    }
}

/// How a letter (a consultation letter, a fee notice, a request for reasons) was sent: it
/// decides the day it is presumed received until the real day is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SentBy {
    Post,
    Email,
    Fax,
    InPerson,
    Online,
}

vocabulary!(SentBy {
    Post => "post", "邮寄";
    Email => "email", "电子邮件";
    Fax => "fax", "传真";
    InPerson => "in_person", "当面送达";
    Online => "online", "网上平台";
});

impl SentBy {
    /// The way a notice to the applicant goes by default: the way the applicant asked to get
    /// the information.
    pub const fn from_delivery(d: Delivery) -> SentBy {
        match d {
            Delivery::Post => SentBy::Post,
            Delivery::Email => SentBy::Email,
            Delivery::Fax => SentBy::Fax,
            Delivery::Collect | Delivery::ReadOnSite => SentBy::InPerson,
            Delivery::Online => SentBy::Online,
        }
    }
}

/// A letter whose receipt by its addressee starts a period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "letter", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Letter {
    /// The letter of consultation number `id`.
    Consultation { id: u32 },
    /// The fee notice (收费通知书).
    FeeNotice,
    /// The art. 35 request for reasons.
    ReasonsRequest,
}

impl Letter {
    pub fn label_zh(self) -> String {
        match self {
            Letter::Consultation { id } => format!("第 {id} 号征求意见函"),
            Letter::FeeNotice => "收费通知书".to_owned(),
            Letter::ReasonsRequest => "说明理由通知书".to_owned(),
        }
    }
}

/// The agency's assessment of the reasons an applicant gave under art. 35.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReasonsAssessment {
    /// 理由合理: the agency may set a reasonable later date.
    Reasonable,
    /// 理由不合理 (or none given in time): the agency may decline to process.
    Unreasonable,
}

vocabulary!(ReasonsAssessment {
    Reasonable => "reasonable", "理由合理";
    Unreasonable => "unreasonable", "理由不合理";
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

/// Which of the two findings of art. 36 a "not held" reply (三（四）1) makes: they call for
/// different notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NotHeld {
    /// 经检索该政府信息不存在 (art. 36(4)).
    NotExist,
    /// 不属于本机关负责公开 (art. 36(5)): the competent agency is named, with its contact
    /// details, where it can be determined.
    NotThisAgency,
}

vocabulary!(NotHeld {
    NotExist => "not_exist", "该政府信息不存在";
    NotThisAgency => "not_this_agency", "不属于本机关负责公开";
});

/// A reply as drafted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reply {
    pub outcome: Outcome,
    pub text: String,
    /// For "not held" under art. 36(5): the agency responsible for the information, when it
    /// can be determined.
    #[serde(default)]
    pub competent_agency: Option<String>,
    /// For "not held": does not exist (art. 36(4)) or not this agency's (art. 36(5)). Replies
    /// stored before the choice existed have none: see [`Reply::not_held_finding`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_held: Option<NotHeld>,
    /// For art. 36(5): how to reach the competent agency (address, telephone, website).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competent_agency_contact: Option<String>,
    /// Art. 32: why the agency discloses although a consulted third party objected (the
    /// public interest it weighs); told to the third party in writing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disclosure: Option<String>,
    /// What is provided: required for 予以公开 and 部分公开, possible for other outcomes (a
    /// published document pointed to).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub release: Vec<ReleaseItem>,
}

impl Reply {
    /// For a "not held" reply, which finding it makes: the one chosen, or for a reply stored
    /// before the choice existed, art. 36(5) when it named a competent agency and art. 36(4)
    /// otherwise (what its notice said then). `None` for every other outcome.
    pub fn not_held_finding(&self) -> Option<NotHeld> {
        if self.outcome != Outcome::CannotProvide(crate::outcome::CannotProvideGround::NotHeld) {
            return None;
        }
        Some(self.not_held.unwrap_or(if self.competent_agency.is_some() {
            NotHeld::NotThisAgency
        } else {
            NotHeld::NotExist
        }))
    }
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
