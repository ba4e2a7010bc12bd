//! The agency, its people, the applicant, and the commands they issue.

use super::*;

// The agency, its people and the applicant.
// ---------------------------------------------------------------------------------------------

pub(crate) const AGENCY_CODE: &str = "cy";
/// 区住房和城乡建设委员会.
pub(crate) const DEPT: &str = "cy-zjw";
pub(crate) const AGENCY_NAME: &str = "北京市朝阳区人民政府";
pub(crate) const DEPT_NAME: &str = "区住房和城乡建设委员会";
pub(crate) const BASE_URL: &str = "http://127.0.0.1:8080";

/// 赵磊, clerk (承办人) of the housing commission.
pub(crate) const CLERK: &str = "zhaolei";
/// 周敏, section chief (审核人) of the housing commission.
pub(crate) const SUPERVISOR: &str = "zhoumin";
/// 王小明's account on the online platform.
pub(crate) const APPLICANT_ACCOUNT: &str = "user-wangxiaoming";

pub(crate) const APPLICANT_NAME: &str = "王小明";
pub(crate) const APPLICANT_ID: &str = "110105198801011236";
pub(crate) const APPLICANT_PHONE: &str = "13800138000";
pub(crate) const APPLICANT_EMAIL: &str = "wangxiaoming@example.cn";
pub(crate) const APPLICANT_ADDRESS: &str = "北京市朝阳区建国路88号院3号楼501";

pub(crate) const THIRD_PARTY: &str = "北京华宇建筑工程有限公司";
pub(crate) const OTHER_AGENCY: &str = "北京市朝阳区财政局";
pub(crate) const COMPETENT_AGENCY: &str = "北京市规划和自然资源委员会朝阳分局";
pub(crate) const COMPETENT_AGENCY_CONTACT: &str = "北京市朝阳区某某路1号，电话010-00000000";
/// The agency's remedy bodies as an admin set them (行政复议法 2023 art. 24: a district
/// government's reconsideration body is the municipal government).
pub(crate) const RECONSIDERATION_BODY: &str = "北京市人民政府";
pub(crate) const COURT: &str = "北京市第四中级人民法院";

pub(crate) fn clerk() -> Actor {
    Actor::staff(CLERK, Role::Clerk, &[DEPT])
}

pub(crate) fn supervisor() -> Actor {
    Actor::staff(SUPERVISOR, Role::Supervisor, &[DEPT])
}

pub(crate) fn applicant() -> Actor {
    Actor::new(APPLICANT_ACCOUNT, Role::Applicant)
}

/// A user's display name, as the store would look it up.
pub(crate) fn display_name(id: &str) -> Option<String> {
    match id {
        CLERK => Some("赵磊".to_owned()),
        SUPERVISOR => Some("周敏".to_owned()),
        _ => None,
    }
}

pub(crate) fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("bad date {s}: {e}"))
}

/// 10:00 Beijing time on `day`.
pub(crate) use gongkai_testkit::at;

/// The built-in statute profiles and calendar.
pub(crate) fn law() -> Law {
    gongkai_testkit::Law::new().in_force()
}

// ---------------------------------------------------------------------------------------------
// Commands.
// ---------------------------------------------------------------------------------------------

pub(crate) fn wang() -> Applicant {
    Applicant {
        kind: Some(ApplicantType::NaturalPerson),
        name: APPLICANT_NAME.to_owned(),
        id_document_type: Some(gongkai_workflow::model::IdDocumentType::ResidentId),
        id_document: Some(APPLICANT_ID.to_owned()),
        phone: Some(APPLICANT_PHONE.to_owned()),
        email: Some(APPLICANT_EMAIL.to_owned()),
        address: Some(APPLICANT_ADDRESS.to_owned()),
    }
}

pub(crate) fn receive(
    channel: Channel,
    description: &str,
    document_number: Option<&str>,
) -> Command {
    Command::Receive(Receive {
        channel,
        agency: AGENCY_CODE.to_owned(),
        department: DEPT.to_owned(),
        applicant: wang(),
        request: RequestDetails {
            description: description.to_owned(),
            document_number: document_number.map(str::to_owned),
            carrier: Carrier::Electronic,
            delivery: Delivery::Email,
        },
        // Online: the day of registration; in person: the day handed in (today).
        receipt_date: None,
    })
}

pub(crate) fn register(tracking_number: &str) -> Command {
    Command::Register {
        tracking_number: tracking_number.to_owned(),
        department: None,
        receipt_date: None,
    }
}

pub(crate) fn assign_clerk() -> Command {
    Command::Assign {
        department: None,
        assignee: Some(CLERK.to_owned()),
    }
}

pub(crate) fn consult(kind: ConsultationKind, party: &str) -> Command {
    Command::StartConsultation {
        kind,
        party: party.to_owned(),
        letter_date: None,
        sent_by: None,
    }
}

pub(crate) fn end_consultation(consultation: u32, opinion: Opinion) -> Command {
    Command::EndConsultation {
        consultation,
        opinion,
        ended_on: None,
    }
}

pub(crate) fn draft_reply(reply: Reply) -> Command {
    Command::DraftReply { reply }
}

pub(crate) fn draft(outcome: Outcome, text: &str, competent_agency: Option<&str>) -> Command {
    Command::DraftReply {
        reply: Reply {
            outcome,
            text: text.to_owned(),
            competent_agency: competent_agency.map(str::to_owned),
            // Without a named agency, "not held" is the art. 36(4) finding here.
            not_held: (outcome == Outcome::CannotProvide(CannotProvideGround::NotHeld)
                && competent_agency.is_none())
            .then_some(NotHeld::NotExist),
            competent_agency_contact: None,
            disclosure: None,
            release: gongkai_testkit::release_for(outcome),
        },
    }
}

// ---------------------------------------------------------------------------------------------
