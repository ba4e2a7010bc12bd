//! Cases brought to a state the way the system brings them there: through
//! `gongkai_store::receive`, `register` and `execute`, at 10:00 Beijing time of the day given.
//! Each builder returns the case id; the version a case is at is in its doc.

use chrono::{DateTime, Utc};
use gongkai_store::DbConnection;
use gongkai_workflow::model::{
    Applicant, ApplicantType, Carrier, Delivery, Receive, ReleaseItem, Reply, RequestDetails,
    SecrecyConclusion,
};
use gongkai_workflow::{Channel, Command, Outcome};

use crate::actors::{AGENCY, INTAKE, clerk, supervisor};
use crate::law::Law;

/// A request handed in at the counter on `day`.
pub fn in_person(name: &str, day: &str) -> Receive {
    Receive {
        channel: Channel::InPerson,
        agency: AGENCY.to_owned(),
        department: INTAKE.to_owned(),
        applicant: Applicant {
            kind: Some(ApplicantType::NaturalPerson),
            name: name.to_owned(),
            id_document_type: None,
            id_document: None,
            phone: Some("13800138000".to_owned()),
            email: Some("applicant@example.cn".to_owned()),
            address: None,
        },
        request: RequestDetails {
            description: "2025年本区老旧小区改造项目清单及资金安排".to_owned(),
            document_number: None,
            carrier: Carrier::Electronic,
            delivery: Delivery::Email,
        },
        receipt_date: gongkai_workflow::parse_date(day),
    }
}

/// A request handed in at the counter at `now`, received by the clerk (version 1).
pub fn received(c: &mut DbConnection, law: &Law, name: &str, now: DateTime<Utc>) -> String {
    let day = now.format("%Y-%m-%d").to_string();
    let ctx = law.ctx(&clerk(), now);
    gongkai_store::receive(c, in_person(name, &day), &ctx)
        .unwrap()
        .case_id
}

/// As [`received`], and registered by the clerk (version 2).
pub fn registered(c: &mut DbConnection, law: &Law, name: &str, now: DateTime<Utc>) -> String {
    let id = received(c, law, name, now);
    let ctx = law.ctx(&clerk(), now);
    gongkai_store::register(c, &id, 1, None, None, &ctx).unwrap();
    id
}

/// As [`registered`], and taken into processing (version 3).
pub fn processing(c: &mut DbConnection, law: &Law, name: &str, now: DateTime<Utc>) -> String {
    let id = registered(c, law, name, now);
    let ctx = law.ctx(&clerk(), now);
    gongkai_store::execute(c, &id, 2, Command::StartProcessing, &ctx).unwrap();
    id
}

/// The reply the builders draft: the information is disclosed.
pub fn disclosed() -> Reply {
    Reply {
        outcome: Outcome::Disclosed,
        text: "经查，所申请信息已主动公开，现予提供。".to_owned(),
        competent_agency: None,
        not_held: None,
        competent_agency_contact: None,
        disclosure: None,
        release: release_for(Outcome::Disclosed),
    }
}

/// The secrecy review (保密审查) a reply with a release needs before its approval: 可以公开.
pub fn secrecy_review() -> Command {
    Command::RecordSecrecyReview {
        conclusion: SecrecyConclusion::MayDisclose,
        basis: "经审查，所提供信息不涉及国家秘密、工作秘密、商业秘密和个人隐私".to_owned(),
        reviewed_on: None,
    }
}

/// [`secrecy_review`] as the JSON fields of `record_secrecy_review`.
pub fn secrecy_review_json() -> serde_json::Value {
    serde_json::json!({"conclusion": "may_disclose",
                       "basis": "经审查，所提供信息不涉及国家秘密、工作秘密、商业秘密和个人隐私"})
}

/// [`release_for`] of a disclosing reply as the JSON an API body carries
/// (`"reply": {"release": …}`).
pub fn release_json() -> serde_json::Value {
    serde_json::to_value(release_for(Outcome::Disclosed)).unwrap_or_default()
}

/// The release a builder's reply carries: for a disclosing outcome, a pointer to where the
/// information is published (needs no uploaded file); none for other outcomes.
pub fn release_for(outcome: Outcome) -> Vec<ReleaseItem> {
    if matches!(outcome, Outcome::Disclosed | Outcome::PartlyDisclosed) {
        vec![ReleaseItem::Published {
            title: "2025年老旧小区改造计划".to_owned(),
            location: "本机关门户网站“政府信息公开”专栏".to_owned(),
            link: Some("https://www.example.gov.cn/zwgk/2025".to_owned()),
        }]
    } else {
        Vec::new()
    }
}

/// As [`processing`], with a disclosing reply drafted, its secrecy review recorded by the
/// supervisor and submitted for review (version 6).
pub fn under_review(c: &mut DbConnection, law: &Law, name: &str, now: DateTime<Utc>) -> String {
    let id = processing(c, law, name, now);
    let ctx = law.ctx(&clerk(), now);
    let draft = Command::DraftReply { reply: disclosed() };
    gongkai_store::execute(c, &id, 3, draft, &ctx).unwrap();
    let chief = law.ctx(&supervisor(), now);
    gongkai_store::execute(c, &id, 4, secrecy_review(), &chief).unwrap();
    gongkai_store::execute(c, &id, 5, Command::SubmitForReview, &ctx).unwrap();
    id
}

/// As [`under_review`], and the reply approved by the supervisor (version 7).
pub fn replied(c: &mut DbConnection, law: &Law, name: &str, now: DateTime<Utc>) -> String {
    let id = under_review(c, law, name, now);
    let ctx = law.ctx(&supervisor(), now);
    gongkai_store::execute(c, &id, 6, Command::ApproveReply, &ctx).unwrap();
    id
}
