//! A request as it arrives: the channel, the applicant and what they ask for.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::vocabulary::vocabulary;

/// How a request reached the agency; each channel has its own receipt-date rule (art. 31).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Channel {
    /// The online platform: received on the day a clerk registers (confirms) it.
    Online,
    /// Handed in: received that day.
    InPerson,
    /// Registered post or courier: received on the day the agency signs for it.
    RegisteredPost,
    /// Ordinary post: received on the day the agency confirms it with the applicant.
    OrdinaryPost,
    /// The OGI office's fax: received on the day both sides confirm it.
    Fax,
    /// Email: received on the day both sides confirm it.
    Email,
}

vocabulary!(Channel {
    Online => "online", "网上申请";
    InPerson => "in_person", "当面提交";
    RegisteredPost => "registered_post", "挂号信/快递";
    OrdinaryPost => "ordinary_post", "平信";
    Fax => "fax", "传真";
    Email => "email", "电子邮件";
});

impl Channel {
    /// The receipt-date rule of the channel, as told to the clerk.
    pub fn receipt_rule_zh(self) -> &'static str {
        match self {
            Channel::Online => "网上申请以工作人员登记确认之日为收到申请之日",
            Channel::InPerson => "当面提交的，以提交之日为收到申请之日",
            Channel::RegisteredPost => "以挂号信、快递邮寄的，以签收之日为收到申请之日",
            Channel::OrdinaryPost => "以平信邮寄的，以与申请人确认之日为收到申请之日",
            Channel::Fax => "通过传真提交的，以双方确认之日为收到申请之日",
            Channel::Email => "通过电子邮件提交的，以双方确认之日为收到申请之日",
        }
    }
}

/// The applicant-type columns of the annual report's table 三.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ApplicantType {
    /// 自然人.
    NaturalPerson,
    /// 商业企业.
    Commercial,
    /// 科研机构.
    Research,
    /// 社会公益组织.
    PublicInterest,
    /// 法律服务机构.
    LegalService,
    /// 其他.
    OtherOrganisation,
}

vocabulary!(ApplicantType {
    NaturalPerson => "natural_person", "自然人";
    Commercial => "commercial", "商业企业";
    Research => "research", "科研机构";
    PublicInterest => "public_interest", "社会公益组织";
    LegalService => "legal_service", "法律服务机构";
    OtherOrganisation => "other_organisation", "其他";
});

impl ApplicantType {
    /// The type as the application form offers it: the short label is the report's column,
    /// which for an organisation reads "法人或其他组织——商业企业" on the form.
    pub const fn form_label_zh(self) -> &'static str {
        match self {
            ApplicantType::NaturalPerson => "自然人",
            ApplicantType::Commercial => "法人或其他组织——商业企业",
            ApplicantType::Research => "法人或其他组织——科研机构",
            ApplicantType::PublicInterest => "法人或其他组织——社会公益组织",
            ApplicantType::LegalService => "法人或其他组织——法律服务机构",
            ApplicantType::OtherOrganisation => "法人或其他组织——其他",
        }
    }
}

/// The applicant as recorded on the case (a snapshot taken when the request arrives).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Applicant {
    pub kind: Option<ApplicantType>,
    /// 姓名 or 名称.
    pub name: String,
    /// 证件类型; absent on requests received before the type was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_document_type: Option<super::IdDocumentType>,
    #[serde(default)]
    pub id_document: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

impl Applicant {
    /// Who the applicant is, for finding their earlier requests: the ID document or credit
    /// code when given, else the phone number, else the email address, else the name;
    /// normalised (no spaces or dashes, upper case) and prefixed with what it is.
    pub fn identity_key(&self) -> Option<String> {
        fn clean(text: &str) -> String {
            text.chars()
                .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '（' | '）' | '(' | ')'))
                .flat_map(char::to_uppercase)
                .collect()
        }
        let candidates = [
            ("id", self.id_document.as_deref()),
            ("tel", self.phone.as_deref()),
            ("mail", self.email.as_deref()),
            ("name", Some(self.name.as_str())),
        ];
        candidates.into_iter().find_map(|(kind, value)| {
            let value = clean(value?);
            (!value.is_empty()).then(|| format!("{kind}:{value}"))
        })
    }
}

/// 载体形式.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Carrier {
    Paper,
    Electronic,
    Disc,
}

vocabulary!(Carrier {
    Paper => "paper", "纸质";
    Electronic => "electronic", "电子文档";
    Disc => "disc", "光盘";
});

/// 获取方式 (also how a reply was delivered).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Delivery {
    Post,
    Email,
    Fax,
    Collect,
    ReadOnSite,
    Online,
}

vocabulary!(Delivery {
    Post => "post", "邮寄";
    Email => "email", "电子邮件";
    Fax => "fax", "传真";
    Collect => "collect", "当面领取";
    ReadOnSite => "read_on_site", "现场查阅";
    Online => "online", "网上获取";
});

/// What the applicant asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequestDetails {
    /// 所需信息名称 or a description that lets the agency find it.
    pub description: String,
    #[serde(default)]
    pub document_number: Option<String>,
    pub carrier: Carrier,
    pub delivery: Delivery,
}

/// The fields of the first command of every case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receive {
    pub channel: Channel,
    pub agency: String,
    /// The department that takes the request in (usually the agency's OGI office).
    pub department: String,
    pub applicant: Applicant,
    pub request: RequestDetails,
    /// The receipt date under the channel's rule; none for the online platform (the day of
    /// registration is the receipt date), today when left out for a request handed in.
    #[serde(default)]
    pub receipt_date: Option<NaiveDate>,
}
