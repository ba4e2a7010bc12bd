//! The agency's written notices, rendered from real cases.
//!
//! Each story below drives a case through the workflow with the commands staff, applicants
//! and the scheduler really issue, collects every event, asks the workflow which notices each
//! event calls for, and renders them as the dispatcher would: `NoticeContext::build` from the
//! case's history at the event, then the default templates. The tests check that every kind of
//! notice (so every template) comes out of a real case, that each says what the law and the
//! applicant need (tracking number, agency, date, due date, grounds, remedies), and pin the
//! Chinese text with one snapshot per kind, so that a change to the wording fails here and has
//! to be accepted on purpose (`cargo insta review`).
//!
//! Dates are fixed (the 2026 calendar: 春节 02-15–02-23 with make-up Saturdays 02-14 and
//! 02-28, 清明 04-04–04-06, 劳动节 05-01–05-05 with make-up Saturday 05-09, 端午 06-19–06-21);
//! every act happens at 10:00 Beijing time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use gongkai_mailer::context::{NoticeContext, Source, date_zh};
use gongkai_mailer::message::{Prepared, printable_html};
use gongkai_mailer::templates::{Rendered, Templates};
use gongkai_workflow::clock::legal_date;
use gongkai_workflow::model::{
    Applicant, ApplicantType, Carrier, ConsultationKind, Delivery, FeeMethod, Opinion, Order,
    OrderKind, Receive, Reply, RequestDetails,
};
use gongkai_workflow::notice::ReplyNotice;
use gongkai_workflow::outcome::{
    CannotProvideGround, NotDisclosedGround, NotProcessedGround, OtherGround,
};
use gongkai_workflow::{
    Actor, Case, Channel, Command, Context, Event, Law, Notice, NoticeKind, Outcome, Recipient,
    Role, Statute, WarningLevel, builtin_calendar, decide, evolve, notices,
};

// ---------------------------------------------------------------------------------------------
// The agency, its people and the applicant.
// ---------------------------------------------------------------------------------------------

const AGENCY_CODE: &str = "cy";
/// 区住房和城乡建设委员会.
const DEPT: &str = "cy-zjw";
const AGENCY_NAME: &str = "北京市朝阳区人民政府";
const DEPT_NAME: &str = "区住房和城乡建设委员会";
const BASE_URL: &str = "http://127.0.0.1:8080";

/// 赵磊, clerk (承办人) of the housing commission.
const CLERK: &str = "zhaolei";
/// 周敏, section chief (审核人) of the housing commission.
const SUPERVISOR: &str = "zhoumin";
/// 王小明's account on the online platform.
const APPLICANT_ACCOUNT: &str = "user-wangxiaoming";

const APPLICANT_NAME: &str = "王小明";
const APPLICANT_ID: &str = "110105198801011234";
const APPLICANT_PHONE: &str = "13800138000";
const APPLICANT_EMAIL: &str = "wangxiaoming@example.cn";
const APPLICANT_ADDRESS: &str = "北京市朝阳区建国路88号院3号楼501";

const THIRD_PARTY: &str = "北京华宇建筑工程有限公司";
const OTHER_AGENCY: &str = "北京市朝阳区财政局";
const COMPETENT_AGENCY: &str = "北京市规划和自然资源委员会朝阳分局";

fn clerk() -> Actor {
    Actor::staff(CLERK, Role::Clerk, &[DEPT])
}

fn supervisor() -> Actor {
    Actor::staff(SUPERVISOR, Role::Supervisor, &[DEPT])
}

fn applicant() -> Actor {
    Actor::new(APPLICANT_ACCOUNT, Role::Applicant)
}

/// A user's display name, as the store would look it up.
fn display_name(id: &str) -> Option<String> {
    match id {
        CLERK => Some("赵磊".to_owned()),
        SUPERVISOR => Some("周敏".to_owned()),
        _ => None,
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or_else(|e| panic!("bad date {s}: {e}"))
}

/// 10:00 Beijing time on `day`.
fn at(day: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d(day).and_hms_opt(2, 0, 0).unwrap())
}

fn law() -> Law {
    Law {
        calendar: builtin_calendar().unwrap(),
        statute: Statute::builtin(),
    }
}

// ---------------------------------------------------------------------------------------------
// Commands.
// ---------------------------------------------------------------------------------------------

fn wang() -> Applicant {
    Applicant {
        kind: Some(ApplicantType::NaturalPerson),
        name: APPLICANT_NAME.to_owned(),
        id_document: Some(APPLICANT_ID.to_owned()),
        phone: Some(APPLICANT_PHONE.to_owned()),
        email: Some(APPLICANT_EMAIL.to_owned()),
        address: Some(APPLICANT_ADDRESS.to_owned()),
    }
}

fn receive(channel: Channel, description: &str, document_number: Option<&str>) -> Command {
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

fn register(tracking_number: &str) -> Command {
    Command::Register {
        tracking_number: tracking_number.to_owned(),
        department: None,
        receipt_date: None,
    }
}

fn assign_clerk() -> Command {
    Command::Assign {
        department: None,
        assignee: Some(CLERK.to_owned()),
    }
}

fn consult(kind: ConsultationKind, party: &str) -> Command {
    Command::StartConsultation {
        kind,
        party: party.to_owned(),
        letter_date: None,
    }
}

fn end_consultation(consultation: u32, opinion: Opinion) -> Command {
    Command::EndConsultation {
        consultation,
        opinion,
        ended_on: None,
    }
}

fn draft(outcome: Outcome, text: &str, competent_agency: Option<&str>) -> Command {
    Command::DraftReply {
        reply: Reply {
            outcome,
            text: text.to_owned(),
            competent_agency: competent_agency.map(str::to_owned),
        },
    }
}

// ---------------------------------------------------------------------------------------------
// A case as it is lived: commands, events, and the notices the events call for.
// ---------------------------------------------------------------------------------------------

/// A notice the case called for: the sequence number of its event (1-based), what, to whom,
/// and what caused it (the event's name, or the scheduler's reminder).
struct Called {
    seq: i64,
    notice: Notice,
    cause: &'static str,
}

struct Story<'l> {
    law: &'l Law,
    case_id: &'static str,
    tracking_number: &'static str,
    events: Vec<Event>,
    case: Case,
    called: Vec<Called>,
}

impl<'l> Story<'l> {
    fn new(law: &'l Law, case_id: &'static str, tracking_number: &'static str) -> Story<'l> {
        Story {
            law,
            case_id,
            tracking_number,
            events: Vec::new(),
            case: Case::default(),
            called: Vec::new(),
        }
    }

    fn seq(&self) -> i64 {
        i64::try_from(self.events.len()).unwrap()
    }

    /// `actor` issues `cmd` at 10:00 on `day`; returns the kinds of the notices its events call
    /// for (each read against the case right after its event, as the store writes them).
    fn act(&mut self, actor: &Actor, day: &str, cmd: Command) -> Vec<NoticeKind> {
        let name = cmd.name();
        let ctx = Context {
            now: at(day),
            actor: actor.clone(),
            calendar: &self.law.calendar,
            statute: &self.law.statute,
        };
        let events = decide(&self.case, cmd, &ctx).unwrap_or_else(|r| {
            panic!(
                "{}: {name} by {} on {day} refused: {r}",
                self.tracking_number, actor.id
            )
        });
        assert!(!events.is_empty(), "{name} made no event");
        let mut kinds = Vec::new();
        for event in events {
            self.case = evolve(self.case.clone(), &event);
            let cause = event.kind.name();
            let called = notices(&self.case, &event);
            self.events.push(event);
            for notice in called {
                kinds.push(notice.kind);
                self.called.push(Called {
                    seq: self.seq(),
                    notice,
                    cause,
                });
            }
        }
        kinds
    }

    /// The scheduler's pass at 10:00 on `day` finds the reply due soon and reminds the
    /// assignee, at the case's latest event (as `schedule::run_once` writes it).
    fn scheduler_due_soon(&mut self, day: &str) {
        let level = self
            .case
            .warning_level(&self.law.calendar, &self.law.statute, at(day));
        assert_eq!(level, Some(WarningLevel::DueSoon), "{day}");
        self.called.push(Called {
            seq: self.seq(),
            notice: Notice {
                kind: NoticeKind::DueSoon,
                recipient: Recipient::Assignee,
            },
            cause: "due_soon_reminder",
        });
    }

    /// The reply due date as the case stands.
    fn due(&self) -> Option<NaiveDate> {
        self.case
            .reply_due(&self.law.calendar, &self.law.statute)
            .and_then(|r| r.due)
    }

    /// The notice context of `kind` to `recipient` at event `seq`, built from `events` as the
    /// dispatcher builds it (`message::prepare`).
    fn context(
        &self,
        events: &[Event],
        seq: i64,
        kind: NoticeKind,
        recipient: &Recipient,
    ) -> NoticeContext {
        let upto = Case::from_events(&self.events[..usize::try_from(seq).unwrap()]);
        let assignee_name = upto.assignee.as_deref().and_then(display_name);
        let recipient_name = match recipient {
            Recipient::Assignee => assignee_name.clone(),
            _ => None,
        };
        NoticeContext::build(&Source {
            case_id: self.case_id,
            events,
            event_seq: seq,
            kind,
            recipient,
            recipient_name,
            agency_name: AGENCY_NAME.to_owned(),
            department_name: DEPT_NAME.to_owned(),
            assignee_name,
            law: self.law,
            base_url: BASE_URL,
        })
    }

    /// Every notice of the case, rendered with `templates` from its whole history.
    fn issue(&self, templates: &Templates) -> Vec<Issued> {
        self.called
            .iter()
            .map(|c| {
                let kind = c.notice.kind;
                let context = self.context(&self.events, c.seq, kind, &c.notice.recipient);
                let rendered = templates
                    .render(kind, &context)
                    .unwrap_or_else(|e| panic!("{}: {e}", self.tracking_number));
                let event = &self.events[usize::try_from(c.seq).unwrap() - 1];
                Issued {
                    case_id: self.case_id,
                    tracking_number: self.tracking_number,
                    seq: c.seq,
                    cause: c.cause,
                    event_date: event.legal_date.unwrap_or_else(|| legal_date(event.at)),
                    kind,
                    recipient: c.notice.recipient.clone(),
                    prefix_context: self.context(
                        &self.events[..usize::try_from(c.seq).unwrap()],
                        c.seq,
                        kind,
                        &c.notice.recipient,
                    ),
                    context,
                    rendered,
                }
            })
            .collect()
    }
}

/// One notice as it would go out.
struct Issued {
    case_id: &'static str,
    tracking_number: &'static str,
    seq: i64,
    cause: &'static str,
    /// The legal date of the notice's event.
    event_date: NaiveDate,
    kind: NoticeKind,
    recipient: Recipient,
    /// Built from the case's whole history (as the dispatcher does, at any later time).
    context: NoticeContext,
    /// Built from the history up to the notice's event only.
    prefix_context: NoticeContext,
    rendered: Rendered,
}

impl Issued {
    fn text(&self) -> String {
        let to = match &self.recipient {
            Recipient::Applicant => "申请人".to_owned(),
            Recipient::Consulted(party) => party.clone(),
            Recipient::Assignee => "承办人".to_owned(),
            Recipient::Supervisors => "审核人".to_owned(),
        };
        format!(
            "──── {} 第{}号事件（{}），致{to} ────\n主题：{}\n\n{}",
            self.tracking_number, self.seq, self.cause, self.rendered.subject, self.rendered.body
        )
    }
}

// ---------------------------------------------------------------------------------------------
// The stories.
// ---------------------------------------------------------------------------------------------

use NoticeKind as K;

/// No notice.
const NONE: [NoticeKind; 0] = [];

const HOUSING_REQUEST: &str =
    "2025年朝阳区老旧小区综合整治项目的资金安排、施工单位中标价格及竣工验收报告";

/// Filed online on Thursday 2026-01-29 and registered on Friday 01-30 (due 03-05, across the
/// Spring Festival); the contractor and the finance bureau are consulted; the period is
/// extended; the reply refusing the contractor's data is returned once, then approved; a
/// reconsideration decision orders a new reply, which discloses in part.
fn story_consulted_refused_reopened(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000101",
        "GK-2026-000101",
    );
    let c = receive(
        Channel::Online,
        HOUSING_REQUEST,
        Some("朝政办发〔2025〕12号"),
    );
    assert_eq!(s.act(&applicant(), "2026-01-29", c), NONE);
    let ack = s.act(&clerk(), "2026-01-30", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(s.due(), Some(d("2026-03-05")));
    assert_eq!(
        s.act(&supervisor(), "2026-01-30", assign_clerk()),
        [K::Assigned]
    );
    assert_eq!(
        s.act(&clerk(), "2026-02-02", Command::StartProcessing),
        NONE
    );
    let c = consult(ConsultationKind::ThirdParty, THIRD_PARTY);
    assert_eq!(
        s.act(&clerk(), "2026-02-03", c),
        [K::ThirdPartyConsultation]
    );
    let c = end_consultation(1, Opinion::Objection);
    assert_eq!(s.act(&clerk(), "2026-02-25", c), NONE);
    let c = consult(ConsultationKind::OtherAgency, OTHER_AGENCY);
    assert_eq!(s.act(&clerk(), "2026-02-26", c), [K::AgencyConsultation]);
    let c = end_consultation(2, Opinion::Consent);
    assert_eq!(s.act(&clerk(), "2026-03-09", c), NONE);
    let c = Command::RequestExtension {
        reason: "所需信息涉及12个街道共86个整治项目的档案，需逐一调取核对".to_owned(),
        days: None,
    };
    assert_eq!(s.act(&clerk(), "2026-03-10", c), [K::ReviewRequested]);
    assert_eq!(
        s.act(&supervisor(), "2026-03-11", Command::ApproveExtension),
        [K::ExtensionNotice]
    );
    let refusal = "您申请的施工单位中标价格明细涉及北京华宇建筑工程有限公司的商业秘密。";
    let c = draft(
        Outcome::NotDisclosed(NotDisclosedGround::ThirdPartyRights),
        refusal,
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-03-16", c), NONE);
    assert_eq!(
        s.act(&clerk(), "2026-03-16", Command::SubmitForReview),
        [K::ReviewRequested]
    );
    let c = Command::ReturnReply {
        reason:
            "请写明已书面征求第三方意见、第三方不同意公开的理由，以及本机关认为其理由合理的依据"
                .to_owned(),
    };
    assert_eq!(s.act(&supervisor(), "2026-03-17", c), [K::ReplyReturned]);
    let refusal = "您申请的施工单位中标价格明细涉及北京华宇建筑工程有限公司的商业秘密。本机关已于2026年2月3日书面征求该公司意见，该公司书面答复不同意公开，理由为中标价格明细包含其成本构成和报价策略，公开后将损害其市场竞争地位。本机关认为其理由合理，且不公开不会对公共利益造成重大影响。";
    let c = draft(
        Outcome::NotDisclosed(NotDisclosedGround::ThirdPartyRights),
        refusal,
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-03-18", c), NONE);
    assert_eq!(
        s.act(&clerk(), "2026-03-18", Command::SubmitForReview),
        [K::ReviewRequested]
    );
    assert_eq!(
        s.act(&supervisor(), "2026-03-19", Command::ApproveReply),
        [K::Reply(ReplyNotice::NotDisclosed)]
    );
    let c = Command::RecordDelivery {
        method: Delivery::Email,
        delivered_on: None,
    };
    assert_eq!(s.act(&clerk(), "2026-03-19", c), NONE);
    let c = Command::Reopen {
        order: Order {
            kind: OrderKind::Reconsideration,
            body: "北京市人民政府".to_owned(),
            reference: "京政复字〔2026〕第158号".to_owned(),
            received_on: d("2026-05-20"),
        },
    };
    assert_eq!(s.act(&supervisor(), "2026-05-20", c), [K::Reopened]);
    let partly = "现向您提供2025年朝阳区老旧小区综合整治项目资金安排表、施工单位中标结果及竣工验收报告（共38页，见附件）。其中施工单位中标价格明细涉及北京华宇建筑工程有限公司的商业秘密，经征求意见该公司不同意公开，本机关已作区分处理，对该部分内容不予公开。";
    let c = draft(Outcome::PartlyDisclosed, partly, None);
    assert_eq!(s.act(&clerk(), "2026-06-01", c), NONE);
    assert_eq!(
        s.act(&clerk(), "2026-06-01", Command::SubmitForReview),
        [K::ReviewRequested]
    );
    assert_eq!(
        s.act(&supervisor(), "2026-06-02", Command::ApproveReply),
        [K::Reply(ReplyNotice::PartlyDisclosed)]
    );
    s
}

const CORRECTION_ITEMS: [&str; 3] = [
    "请写明所需信息的年度范围（如2025年度）",
    "请写明加装电梯项目所在的具体小区名称或楼号",
    "请说明所需的是项目审批意见、公示材料还是资金补贴发放情况",
];

/// Handed in on Monday 2026-03-02; the request is unclear, a correction is asked for on 03-04
/// (by 03-25) and never comes: the request is deemed abandoned on 03-26.
fn story_correction_abandoned(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000102",
        "GK-2026-000102",
    );
    let c = receive(
        Channel::InPerson,
        "劲松街道老旧小区加装电梯的有关文件",
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-03-02", c), NONE);
    let ack = s.act(&clerk(), "2026-03-02", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(
        s.act(&supervisor(), "2026-03-02", assign_clerk()),
        [K::Assigned]
    );
    let c = Command::RequestCorrection {
        items: CORRECTION_ITEMS.map(str::to_owned).to_vec(),
        period_days: None,
    };
    assert_eq!(s.act(&clerk(), "2026-03-04", c), [K::CorrectionNotice]);
    assert_eq!(
        s.case.correction.as_ref().map(|c| c.deadline),
        Some(d("2026-03-25"))
    );
    assert_eq!(
        s.act(&clerk(), "2026-03-26", Command::Abandon),
        [K::AbandonmentConfirmation]
    );
    s
}

/// Handed in on Tuesday 2026-04-07 for 120 pages of files: a fee notice of 1,100 yuan on 04-09
/// (payable by 05-11), not paid, the case closed on 05-12.
fn story_fee_unpaid(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000103",
        "GK-2026-000103",
    );
    let c = receive(
        Channel::InPerson,
        "2021年至2025年朝阳区公共租赁住房配租审核的全部公示材料",
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-04-07", c), NONE);
    let ack = s.act(&clerk(), "2026-04-07", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(
        s.act(&supervisor(), "2026-04-07", assign_clerk()),
        [K::Assigned]
    );
    assert_eq!(
        s.act(&clerk(), "2026-04-08", Command::StartProcessing),
        NONE
    );
    let c = Command::IssueFeeNotice {
        fee: FeeMethod::PerPage { pages: 120 },
    };
    assert_eq!(s.act(&clerk(), "2026-04-09", c), [K::FeeNotice]);
    let fee = s.case.fee.clone().unwrap();
    assert_eq!((fee.amount_yuan, fee.deadline), (1100, d("2026-05-11")));
    assert_eq!(
        s.act(&clerk(), "2026-05-12", Command::CloseUnpaid),
        [K::UnpaidClosure]
    );
    s
}

/// Filed online on 2026-04-13 among many requests of the month: the supervisor sets a
/// reasonable reply date (art. 35) of 06-30; the information is disclosed on 06-23.
fn story_reasonable_date_disclosed(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000104",
        "GK-2026-000104",
    );
    let c = receive(
        Channel::Online,
        "2026年第一季度朝阳区各街道房屋征收补偿安置方案",
        None,
    );
    assert_eq!(s.act(&applicant(), "2026-04-13", c), NONE);
    let ack = s.act(&clerk(), "2026-04-14", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(
        s.act(&supervisor(), "2026-04-14", assign_clerk()),
        [K::Assigned]
    );
    assert_eq!(
        s.act(&clerk(), "2026-04-15", Command::StartProcessing),
        NONE
    );
    let c = Command::SetReasonableDate {
        date: d("2026-06-30"),
        reason: "您于2026年4月内提出政府信息公开申请23件，申请公开政府信息的数量、频次明显超过合理范围，所需信息需从各街道的征收档案中逐一检索整理".to_owned(),
    };
    assert_eq!(
        s.act(&supervisor(), "2026-04-20", c),
        [K::ReasonableDateNotice]
    );
    assert_eq!(s.due(), Some(d("2026-06-30")));
    let c = draft(
        Outcome::Disclosed,
        "现向您提供2026年第一季度朝阳区各街道房屋征收补偿安置方案（共12页，见附件）。",
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-06-22", c), NONE);
    assert_eq!(
        s.act(&clerk(), "2026-06-22", Command::SubmitForReview),
        [K::ReviewRequested]
    );
    assert_eq!(
        s.act(&supervisor(), "2026-06-23", Command::ApproveReply),
        [K::Reply(ReplyNotice::Disclosed)]
    );
    s
}

/// Filed online on 2026-05-06, registered 05-07, withdrawn by 王小明 on 05-11.
fn story_withdrawn(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000105",
        "GK-2026-000105",
    );
    let c = receive(
        Channel::Online,
        "朝阳区2026年度城镇老旧小区改造计划项目名单",
        None,
    );
    assert_eq!(s.act(&applicant(), "2026-05-06", c), NONE);
    let ack = s.act(&clerk(), "2026-05-07", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(
        s.act(&supervisor(), "2026-05-07", assign_clerk()),
        [K::Assigned]
    );
    let c = Command::Withdraw {
        reason: Some("所需信息已在朝阳区人民政府网站“政府信息公开”专栏查到".to_owned()),
        withdrawn_on: None,
    };
    assert_eq!(
        s.act(&applicant(), "2026-05-11", c),
        [K::WithdrawalConfirmation]
    );
    s
}

/// Handed in on Monday 2026-06-01 (due 06-30, 端午 skipped): the scheduler reminds the clerk
/// on 06-24, and records the breach on 07-01 when nothing has been done.
fn story_due_soon_overdue(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000106",
        "GK-2026-000106",
    );
    let c = receive(
        Channel::InPerson,
        "朝阳区2025年度住房租赁企业监督检查结果",
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-06-01", c), NONE);
    let ack = s.act(&clerk(), "2026-06-01", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(s.due(), Some(d("2026-06-30")));
    assert_eq!(
        s.act(&supervisor(), "2026-06-01", assign_clerk()),
        [K::Assigned]
    );
    assert_eq!(
        s.act(&clerk(), "2026-06-02", Command::StartProcessing),
        NONE
    );
    s.scheduler_due_soon("2026-06-24");
    assert_eq!(
        s.act(&Actor::system(), "2026-07-01", Command::RecordOverdue),
        [K::Overdue, K::Overdue]
    );
    s
}

/// Handed in on 2026-03-10 and answered at the counter the same day: a publication.
fn story_on_the_spot_not_processed(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000107",
        "GK-2026-000107",
    );
    let c = receive(Channel::InPerson, "《北京市朝阳区年鉴（2025）》全书", None);
    assert_eq!(s.act(&clerk(), "2026-03-10", c), NONE);
    let ack = s.act(&clerk(), "2026-03-10", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    let c = Command::ReplyOnTheSpot {
        reply: Reply {
            outcome: Outcome::NotProcessed(NotProcessedGround::Publication),
            text: "您申请获取的《北京市朝阳区年鉴（2025）》系公开出版物，可在北京市朝阳区图书馆、北京市朝阳区档案馆查阅，或通过正规出版发行渠道购买。".to_owned(),
            competent_agency: None,
        },
    };
    assert_eq!(
        s.act(&clerk(), "2026-03-10", c),
        [K::Reply(ReplyNotice::NotProcessed)]
    );
    s
}

/// Handed in on `day`, registered and assigned the same day, taken up the next working day,
/// and answered with `reply` (drafted, submitted, approved) on `reply_day`.
fn story_replied<'l>(
    law: &'l Law,
    case_id: &'static str,
    tracking_number: &'static str,
    request: &str,
    (day, next_day, reply_day): (&str, &str, &str),
    reply: Command,
    expected: ReplyNotice,
) -> Story<'l> {
    let mut s = Story::new(law, case_id, tracking_number);
    assert_eq!(
        s.act(&clerk(), day, receive(Channel::InPerson, request, None)),
        NONE
    );
    let ack = s.act(&clerk(), day, register(tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(s.act(&supervisor(), day, assign_clerk()), [K::Assigned]);
    assert_eq!(s.act(&clerk(), next_day, Command::StartProcessing), NONE);
    assert_eq!(s.act(&clerk(), reply_day, reply), NONE);
    assert_eq!(
        s.act(&clerk(), reply_day, Command::SubmitForReview),
        [K::ReviewRequested]
    );
    assert_eq!(
        s.act(&supervisor(), reply_day, Command::ApproveReply),
        [K::Reply(expected)]
    );
    s
}

fn story_not_exist(law: &Law) -> Story<'_> {
    story_replied(
        law,
        "0196b1a0-0000-7000-8000-000000000108",
        "GK-2026-000108",
        "2018年团结湖街道团结湖北里小区违法建设拆除决定书",
        ("2026-03-16", "2026-03-17", "2026-03-27"),
        draft(
            Outcome::CannotProvide(CannotProvideGround::NotHeld),
            "本机关在文书档案及行政执法业务系统中以“团结湖北里”“违法建设”“拆除”等关键词进行了检索，未查找到您所描述的拆除决定书。",
            None,
        ),
        ReplyNotice::NotExist,
    )
}

fn story_not_this_agency(law: &Law) -> Story<'_> {
    story_replied(
        law,
        "0196b1a0-0000-7000-8000-000000000109",
        "GK-2026-000109",
        "朝阳区2025年国有建设用地使用权出让合同",
        ("2026-03-16", "2026-03-17", "2026-03-26"),
        draft(
            Outcome::CannotProvide(CannotProvideGround::NotHeld),
            "国有建设用地使用权出让合同由规划和自然资源主管部门签订并保存，本机关未制作、获取该信息。北京市规划和自然资源委员会朝阳分局地址：北京市朝阳区北四环东路103号。",
            Some(COMPETENT_AGENCY),
        ),
        ReplyNotice::NotThisAgency,
    )
}

fn story_cannot_provide(law: &Law) -> Story<'_> {
    story_replied(
        law,
        "0196b1a0-0000-7000-8000-000000000110",
        "GK-2026-000110",
        "朝阳区近五年各街道老旧小区改造投资额的统计对比分析",
        ("2026-04-13", "2026-04-14", "2026-04-24"),
        draft(
            Outcome::CannotProvide(CannotProvideGround::WouldNeedCreating),
            "本机关未就近五年各街道老旧小区改造投资额制作过统计对比分析，您申请的信息需要本机关对现有信息进行汇总、加工或者重新制作。",
            None,
        ),
        ReplyNotice::CannotProvide,
    )
}

fn story_other(law: &Law) -> Story<'_> {
    story_replied(
        law,
        "0196b1a0-0000-7000-8000-000000000111",
        "GK-2026-000111",
        "1998年朝阳区危旧房改造项目的审批文件",
        ("2026-04-20", "2026-04-21", "2026-04-29"),
        draft(
            Outcome::Other(OtherGround::Other),
            "您申请的1998年朝阳区危旧房改造项目审批文件已于2010年移交北京市朝阳区档案馆，请您依照《中华人民共和国档案法》的规定向北京市朝阳区档案馆申请查阅。",
            None,
        ),
        ReplyNotice::Other,
    )
}

/// Handed in on 2026-04-20; corrected on 04-27 but still unclear: cannot be provided.
fn story_corrected_still_unclear(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000112",
        "GK-2026-000112",
    );
    let c = receive(Channel::InPerson, "朝阳区所有与房屋有关的文件", None);
    assert_eq!(s.act(&clerk(), "2026-04-20", c), NONE);
    let ack = s.act(&clerk(), "2026-04-20", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(
        s.act(&supervisor(), "2026-04-20", assign_clerk()),
        [K::Assigned]
    );
    let c = Command::RequestCorrection {
        items: vec![
            "请写明所需政府信息的名称、文号或者便于本机关查询的其他特征性描述".to_owned(),
            "请写明所需信息的制作年度或时间范围".to_owned(),
        ],
        period_days: None,
    };
    assert_eq!(s.act(&clerk(), "2026-04-21", c), [K::CorrectionNotice]);
    let c = Command::ReceiveCorrection {
        content: "所需信息为朝阳区历年来所有与房屋有关的文件".to_owned(),
        received_on: None,
        late_reason: None,
    };
    assert_eq!(s.act(&clerk(), "2026-04-27", c), NONE);
    assert_eq!(
        s.act(&clerk(), "2026-04-28", Command::StartProcessing),
        NONE
    );
    let c = draft(
        Outcome::CannotProvide(CannotProvideGround::StillUnclear),
        "您补正后的申请仍为“朝阳区历年来所有与房屋有关的文件”，未能写明所需政府信息的名称、文号或者便于本机关查询的其他特征性描述，本机关无法确定您所需的政府信息。",
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-05-08", c), NONE);
    assert_eq!(
        s.act(&clerk(), "2026-05-08", Command::SubmitForReview),
        [K::ReviewRequested]
    );
    assert_eq!(
        s.act(&supervisor(), "2026-05-11", Command::ApproveReply),
        [K::Reply(ReplyNotice::CannotProvide)]
    );
    s
}

/// Every story, in the order the snapshots take their examples from.
fn stories(law: &Law) -> Vec<Story<'_>> {
    vec![
        story_consulted_refused_reopened(law),
        story_correction_abandoned(law),
        story_fee_unpaid(law),
        story_reasonable_date_disclosed(law),
        story_withdrawn(law),
        story_due_soon_overdue(law),
        story_on_the_spot_not_processed(law),
        story_not_exist(law),
        story_not_this_agency(law),
        story_cannot_provide(law),
        story_other(law),
        story_corrected_still_unclear(law),
    ]
}

fn issue_all(law: &Law) -> Vec<Issued> {
    let templates = Templates::defaults();
    stories(law)
        .iter()
        .flat_map(|s| s.issue(&templates))
        .collect()
}

/// The notices of `kind` from `tracking_number`.
fn find<'a>(all: &'a [Issued], tracking_number: &str, kind: NoticeKind) -> Vec<&'a Issued> {
    let found: Vec<&Issued> = all
        .iter()
        .filter(|i| i.tracking_number == tracking_number && i.kind == kind)
        .collect();
    assert!(!found.is_empty(), "no {} in {tracking_number}", kind.key());
    found
}

fn one<'a>(all: &'a [Issued], tracking_number: &str, kind: NoticeKind) -> &'a Issued {
    let found = find(all, tracking_number, kind);
    assert_eq!(found.len(), 1, "{} in {tracking_number}", kind.key());
    found[0]
}

#[track_caller]
fn assert_has(issued: &Issued, needle: &str) {
    assert!(
        issued.rendered.body.contains(needle),
        "{} of {} should contain “{needle}”:\n{}",
        issued.kind.key(),
        issued.tracking_number,
        issued.rendered.body
    );
}

#[track_caller]
fn assert_lacks(issued: &Issued, needle: &str) {
    assert!(
        !issued.rendered.body.contains(needle),
        "{} of {} should not contain “{needle}”:\n{}",
        issued.kind.key(),
        issued.tracking_number,
        issued.rendered.body
    );
}

// ---------------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------------

#[test]
fn every_kind_of_notice_comes_out_of_a_real_case() {
    let law = law();
    let all = issue_all(&law);
    let rendered: BTreeSet<String> = all.iter().map(|i| i.kind.key()).collect();
    let missing: Vec<String> = NoticeKind::all()
        .into_iter()
        .map(NoticeKind::key)
        .filter(|k| !rendered.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "never rendered from a case: {missing:?}"
    );
    // Every kind goes to the recipient it is written for.
    for i in &all {
        let expected = match i.kind {
            K::ThirdPartyConsultation => Recipient::Consulted(THIRD_PARTY.to_owned()),
            K::AgencyConsultation => Recipient::Consulted(OTHER_AGENCY.to_owned()),
            K::Assigned | K::ReplyReturned | K::DueSoon | K::Reopened => Recipient::Assignee,
            K::ReviewRequested => Recipient::Supervisors,
            K::Overdue if i.recipient == Recipient::Supervisors => Recipient::Supervisors,
            K::Overdue => Recipient::Assignee,
            _ => Recipient::Applicant,
        };
        assert_eq!(i.recipient, expected, "{}", i.kind.key());
    }
}

#[test]
fn a_notice_says_what_it_said_when_its_event_happened() {
    // The dispatcher may build a notice long after its event, from a longer history.
    let law = law();
    for i in issue_all(&law) {
        assert_eq!(
            i.context,
            i.prefix_context,
            "{} of {} (event {})",
            i.kind.key(),
            i.tracking_number,
            i.seq
        );
    }
}

#[test]
fn every_notice_is_complete() {
    let law = law();
    let all = issue_all(&law);
    for i in &all {
        let ctx = &i.context;
        let Rendered { subject, body } = &i.rendered;
        let what = format!(
            "{} of {} (event {})",
            i.kind.key(),
            i.tracking_number,
            i.seq
        );
        for text in [subject, body] {
            for leftover in ["{{", "}}", "{%", "%}", "{#"] {
                assert!(
                    !text.contains(leftover),
                    "{what}: template syntax left:\n{text}"
                );
            }
        }
        assert!(!subject.trim().is_empty(), "{what}: empty subject");
        assert!(
            !subject.chars().any(char::is_control),
            "{what}: the subject is not one line: {subject:?}"
        );
        assert!(subject.contains(i.tracking_number), "{what}: {subject}");
        assert!(body.contains(i.tracking_number), "{what}:\n{body}");
        assert_eq!(ctx.tracking_number, i.tracking_number, "{what}");
        assert!(i.tracking_number.starts_with("GK-2026-"), "{what}");
        assert_eq!(ctx.date, date_zh(i.event_date), "{what}");
        assert_eq!(
            ctx.doc_no,
            format!("{}-{:02}", i.tracking_number, i.seq),
            "{what}"
        );
        // Sentences with a hole where a variable rendered empty.
        for hole in [
            "（）",
            "：。",
            "因，",
            "于前",
            "机关为，",
            "延长个工作日",
            "人民币元",
        ] {
            assert!(!body.contains(hole), "{what}: “{hole}” in\n{body}");
        }
        assert!(!ctx.request.is_empty(), "{what}: no request");
        if i.kind != K::ReplyReturned {
            assert!(
                body.contains(&ctx.request),
                "{what}: the request is not named:\n{body}"
            );
        }
        let first_line = body.lines().next().unwrap_or_default();

        if i.kind.is_internal() {
            // To staff: the addressee, the case, the link; no remedy or agency footer.
            assert_eq!(first_line, format!("{}：", ctx.staff.recipient), "{what}");
            assert!(
                body.contains(&format!("{BASE_URL}/staff/cases/{}", i.case_id)),
                "{what}:\n{body}"
            );
            if i.kind != K::ReplyReturned {
                assert!(body.contains(APPLICANT_NAME), "{what}:\n{body}");
            }
            assert!(ctx.remedy.is_empty(), "{what}: {}", ctx.remedy);
            assert!(!body.contains("依法申请行政复议"), "{what}:\n{body}");
            assert!(!body.contains("文号："), "{what}:\n{body}");
            assert!(!ctx.due_date.is_empty(), "{what}: no due date");
            continue;
        }

        // The agency's written acts: agency, date and document number close every one.
        let tail: Vec<&str> = body.lines().rev().take(3).collect();
        assert_eq!(
            tail,
            [
                format!("文号：{}", ctx.doc_no).as_str(),
                ctx.date.as_str(),
                AGENCY_NAME
            ],
            "{what}:\n{body}"
        );
        match &i.recipient {
            Recipient::Applicant => {
                assert_eq!(first_line, format!("{APPLICANT_NAME}："), "{what}");
                assert!(!ctx.remedy.is_empty(), "{what}: no remedy");
                assert!(body.contains(&ctx.remedy), "{what}:\n{body}");
                assert!(body.contains("行政复议"), "{what}:\n{body}");
                assert!(!ctx.receipt_date.is_empty(), "{what}: no receipt date");
            }
            Recipient::Consulted(party) => {
                // A letter to a third party or another agency names the request, never the
                // applicant.
                assert_eq!(first_line, format!("{party}："), "{what}");
                for private in [
                    APPLICANT_NAME,
                    APPLICANT_ID,
                    APPLICANT_PHONE,
                    APPLICANT_EMAIL,
                    APPLICANT_ADDRESS,
                ] {
                    assert!(!body.contains(private), "{what} shows “{private}”:\n{body}");
                }
                assert!(ctx.remedy.is_empty(), "{what}: {}", ctx.remedy);
                assert!(!body.contains("行政复议"), "{what}:\n{body}");
                assert_eq!(ctx.consultation.party, *party, "{what}");
                assert!(!ctx.consultation.deadline.is_empty(), "{what}");
                assert!(body.contains(&ctx.consultation.deadline), "{what}:\n{body}");
            }
            other => panic!("{what}: a written act to {other:?}"),
        }
        if let K::Reply(r) = i.kind {
            assert!(!ctx.reply.text.is_empty(), "{what}: no reply text");
            assert!(body.contains(&ctx.reply.text), "{what}:\n{body}");
            assert!(!ctx.reply.outcome.is_empty(), "{what}");
            if r != ReplyNotice::Other {
                assert!(!ctx.reply.basis.is_empty(), "{what}: no legal basis");
                assert!(body.contains(&ctx.reply.basis), "{what}:\n{body}");
            }
            if matches!(
                r,
                ReplyNotice::NotDisclosed | ReplyNotice::CannotProvide | ReplyNotice::NotProcessed
            ) {
                assert!(!ctx.reply.ground.is_empty(), "{what}: no ground");
                assert!(body.contains(&ctx.reply.ground), "{what}:\n{body}");
            }
            assert!(body.contains("行政诉讼"), "{what}:\n{body}");
        }
    }
}

#[test]
fn the_acknowledgment_gives_the_receipt_date_and_the_due_date_with_its_explanation() {
    let law = law();
    let all = issue_all(&law);

    // Online, registered on Friday 2026-01-30: 20 working days across the Spring Festival.
    let ack = one(&all, "GK-2026-000101", K::Acknowledgment);
    assert_eq!(ack.context.receipt_date, "2026年1月30日");
    assert_eq!(ack.context.due_date, "2026年3月5日");
    assert_has(
        ack,
        "本机关于2026年1月30日收到您提出的政府信息公开申请，现予登记受理。",
    );
    assert_has(ack, "申请编号：GK-2026-000101");
    assert_has(ack, &format!("所需信息：{HOUSING_REQUEST}"));
    assert_has(ack, "文号：朝政办发〔2025〕12号");
    assert_has(ack, "收到申请之日：2026年1月30日");
    assert_has(ack, "答复期限：2026年3月5日前");
    assert!(!ack.context.due_explanation.is_empty());
    for line in &ack.context.due_explanation {
        assert_has(ack, &format!("  {line}"));
    }
    assert_has(ack, "春节");
    assert_has(ack, "第三十三条");
    assert_has(ack, "查询码");
    assert_has(ack, "2026年1月30日\n文号：GK-2026-000101-02");

    // Handed in: no query code, and no document number line when none was given.
    let counter = one(&all, "GK-2026-000102", K::Acknowledgment);
    assert_eq!(counter.context.receipt_date, "2026年3月2日");
    assert_has(counter, "收到申请之日：2026年3月2日");
    assert_has(counter, "答复期限：2026年3月30日前");
    assert_lacks(counter, "查询码");
    assert_lacks(counter, "\n文号：朝");
}

#[test]
fn the_correction_notice_lists_every_item_and_the_abandonment_recalls_it() {
    let law = law();
    let all = issue_all(&law);
    let notice = one(&all, "GK-2026-000102", K::CorrectionNotice);
    for (n, item) in CORRECTION_ITEMS.iter().enumerate() {
        assert_has(notice, &format!("\n{}. {item}\n", n + 1));
    }
    assert_has(notice, "请于2026年3月25日前向本机关提交补正材料");
    assert_has(notice, "第三十条");
    assert_eq!(notice.context.date, "2026年3月4日");

    let abandoned = one(&all, "GK-2026-000102", K::AbandonmentConfirmation);
    assert_has(abandoned, "本机关于2026年3月4日就您提出的政府信息公开申请");
    assert_has(abandoned, "要求您于2026年3月25日前补正");
    assert_has(abandoned, "视为放弃申请");
    assert_eq!(abandoned.context.date, "2026年3月26日");
}

#[test]
fn consultation_letters_name_the_request_and_the_deadline() {
    let law = law();
    let all = issue_all(&law);
    let third = one(&all, "GK-2026-000101", K::ThirdPartyConsultation);
    assert_has(third, &format!("{THIRD_PARTY}："));
    assert_has(third, &format!("申请公开的信息为：{HOUSING_REQUEST}"));
    // 15 working days from 02-03 across the Spring Festival.
    assert_eq!(third.context.consultation.deadline, "2026年3月2日");
    assert_has(third, "请于2026年3月2日前");
    assert_has(third, "第三十二条");

    let agency = one(&all, "GK-2026-000101", K::AgencyConsultation);
    assert_has(agency, &format!("{OTHER_AGENCY}："));
    assert_eq!(agency.context.consultation.party, OTHER_AGENCY);
    assert_has(agency, "第三十四条");
    assert_has(agency, "视为同意公开");
}

#[test]
fn extension_fee_and_reasonable_date_notices_give_their_terms() {
    let law = law();
    let all = issue_all(&law);

    let extension = one(&all, "GK-2026-000101", K::ExtensionNotice);
    assert_has(
        extension,
        "因所需信息涉及12个街道共86个整治项目的档案，需逐一调取核对，不能在规定期限内作出答复",
    );
    assert_has(extension, "答复期限延长20个工作日");
    assert_has(extension, "第三十三条第二款");
    let due = &extension.context.due_date;
    assert!(due.starts_with("2026年") && due.ends_with('日'), "{due}");
    assert_has(extension, &format!("本机关将于{due}前作出答复"));

    let fee = one(&all, "GK-2026-000103", K::FeeNotice);
    assert_has(fee, "应缴金额：人民币1100元");
    assert_has(fee, "缴费期限：2026年5月11日前");
    assert_has(fee, "按量计收：本次提供信息共 120 页");
    assert_has(fee, "第四十二条");

    let closed = one(&all, "GK-2026-000103", K::UnpaidClosure);
    assert_has(closed, "本机关于2026年4月9日就您提出的政府信息公开申请");
    assert_has(closed, "要求您于2026年5月11日前缴纳信息处理费人民币1100元");
    assert_eq!(closed.context.date, "2026年5月12日");

    let reasonable = one(&all, "GK-2026-000104", K::ReasonableDateNotice);
    assert_has(reasonable, "第三十五条");
    assert_has(reasonable, "本机关确定延迟至2026年6月30日前作出答复");
    assert_has(reasonable, "申请公开政府信息的数量、频次明显超过合理范围");

    let withdrawn = one(&all, "GK-2026-000105", K::WithdrawalConfirmation);
    assert_has(withdrawn, "本机关于2026年5月11日收到您撤回政府信息公开申请");
    assert_has(
        withdrawn,
        "（理由：所需信息已在朝阳区人民政府网站“政府信息公开”专栏查到）",
    );
    assert_has(withdrawn, "终止办理该申请");
}

#[test]
fn reply_notices_name_the_ground_the_basis_and_the_remedy() {
    let law = law();
    let all = issue_all(&law);
    let general = "或者自收到本告知书之日起6个月内依法向人民法院提起行政诉讼";
    let reconsideration_first = "根据《中华人民共和国行政复议法》第二十三条的规定，您应当自收到本告知书之日起60日内先依法申请行政复议";

    let refused = one(&all, "GK-2026-000101", K::Reply(ReplyNotice::NotDisclosed));
    assert_eq!(refused.context.reply.ground, "保护第三方合法权益");
    assert_has(refused, "理由为：保护第三方合法权益。");
    assert_has(
        refused,
        "根据《中华人民共和国政府信息公开条例》第十五条、第三十二条的规定",
    );
    assert_has(refused, reconsideration_first);
    assert_lacks(refused, general);
    assert_eq!(refused.context.date, "2026年3月19日");
    // The text as approved, not the draft that was returned.
    assert_has(refused, "本机关认为其理由合理");

    let partly = one(
        &all,
        "GK-2026-000101",
        K::Reply(ReplyNotice::PartlyDisclosed),
    );
    assert_has(partly, "第三十七条");
    assert_has(partly, reconsideration_first);
    assert_lacks(partly, general);
    assert_eq!(partly.context.date, "2026年6月2日");

    let disclosed = one(&all, "GK-2026-000104", K::Reply(ReplyNotice::Disclosed));
    assert_has(disclosed, "予以公开");
    assert_has(disclosed, general);

    let elsewhere = one(&all, "GK-2026-000109", K::Reply(ReplyNotice::NotThisAgency));
    assert_eq!(elsewhere.context.reply.competent_agency, COMPETENT_AGENCY);
    assert_has(
        elsewhere,
        &format!("该信息的公开机关为{COMPETENT_AGENCY}，您可以向其提出申请"),
    );
    assert_has(elsewhere, general);

    let missing = one(&all, "GK-2026-000108", K::Reply(ReplyNotice::NotExist));
    assert_has(missing, "该政府信息不存在");
    assert_lacks(missing, COMPETENT_AGENCY);

    let creating = one(&all, "GK-2026-000110", K::Reply(ReplyNotice::CannotProvide));
    assert_has(creating, "原因为：没有现成信息需要另行制作。");
    assert_has(creating, "第三十八条");
    let unclear = one(&all, "GK-2026-000112", K::Reply(ReplyNotice::CannotProvide));
    assert_has(unclear, "原因为：补正后申请内容仍不明确。");

    let spot = one(&all, "GK-2026-000107", K::Reply(ReplyNotice::NotProcessed));
    assert_has(spot, "原因为：要求提供公开出版物。");
    assert_has(spot, "第三十九条");
    assert_eq!(spot.context.date, "2026年3月10日");

    let other = one(&all, "GK-2026-000111", K::Reply(ReplyNotice::Other));
    assert_has(other, "本机关对您的申请处理如下：");
    assert_has(other, "北京市朝阳区档案馆");
    assert_has(other, general);
}

#[test]
fn staff_notices_reach_the_right_people_with_the_right_facts() {
    let law = law();
    let all = issue_all(&law);

    let assigned = one(&all, "GK-2026-000101", K::Assigned);
    assert!(assigned.rendered.body.starts_with("赵磊：\n"));
    assert_has(assigned, "已分配给您办理");
    assert_has(assigned, "答复期限：2026年3月5日");

    let reviews = find(&all, "GK-2026-000101", K::ReviewRequested);
    assert_eq!(reviews.len(), 4);
    assert!(
        reviews[0]
            .rendered
            .body
            .starts_with("区住房和城乡建设委员会各位审核人：\n")
    );
    assert_has(reviews[0], "申请延长答复期限20个工作日，等待您审核");
    for review in &reviews[1..] {
        assert_has(review, "答复草稿已提交，等待您审核");
    }

    let returned = one(&all, "GK-2026-000101", K::ReplyReturned);
    assert!(returned.rendered.body.starts_with("赵磊：\n"));
    assert_has(
        returned,
        "退回理由：请写明已书面征求第三方意见、第三方不同意公开的理由，以及本机关认为其理由合理的依据",
    );

    let reopened = one(&all, "GK-2026-000101", K::Reopened);
    assert_has(
        reopened,
        "北京市人民政府行政复议决定（京政复字〔2026〕第158号）",
    );
    assert!(
        reopened.context.due_date.starts_with("2026年6月"),
        "{}",
        reopened.context.due_date
    );

    let due_soon = one(&all, "GK-2026-000106", K::DueSoon);
    assert!(due_soon.rendered.body.starts_with("赵磊：\n"));
    assert_eq!(due_soon.context.due_date, "2026年6月30日");
    assert!(
        due_soon
            .rendered
            .subject
            .contains("将于 2026年6月30日 到期")
    );
    assert_has(due_soon, "答复期限为2026年6月30日，即将到期");

    let overdue = find(&all, "GK-2026-000106", K::Overdue);
    let to: Vec<&Recipient> = overdue.iter().map(|o| &o.recipient).collect();
    assert_eq!(to, [&Recipient::Assignee, &Recipient::Supervisors]);
    assert!(overdue[0].rendered.body.starts_with("赵磊：\n"));
    assert!(
        overdue[1]
            .rendered
            .body
            .starts_with("区住房和城乡建设委员会各位审核人：\n")
    );
    for o in &overdue {
        assert_has(o, "的答复期限为2026年6月30日，现已超期未答复");
        assert_has(o, "承办人：赵磊");
        assert_eq!(o.context.date, "2026年7月1日");
    }
}

#[test]
fn the_printable_page_escapes_the_reply_and_carries_the_letterhead() {
    let law = law();
    let templates = Templates::defaults();
    let s = story_replied(
        &law,
        "0196b1a0-0000-7000-8000-000000000113",
        "GK-2026-000113",
        "2025年度朝阳区公共租赁住房配租结果",
        ("2026-05-18", "2026-05-19", "2026-05-27"),
        draft(
            Outcome::Disclosed,
            "现向您提供<b>2025年度</b>朝阳区公共租赁住房配租结果公示（共3页，见附件）。",
            None,
        ),
        ReplyNotice::Disclosed,
    );
    let issued = s.issue(&templates);
    let reply = issued
        .iter()
        .find(|i| i.kind == K::Reply(ReplyNotice::Disclosed))
        .unwrap();
    // E-mails are plain text: the reply's own text goes out as written.
    assert!(reply.rendered.body.contains("<b>2025年度</b>"));
    let prepared = Prepared {
        kind: reply.kind,
        recipient: reply.recipient.clone(),
        context: reply.context.clone(),
        rendered: Ok(reply.rendered.clone()),
        to: vec![],
        unaddressed: None,
    };
    let html = printable_html(&prepared).unwrap();
    assert!(html.contains(&format!("<div class=\"agency\">{AGENCY_NAME}</div>")));
    assert!(html.contains("<div class=\"doc-no\">GK-2026-000113-07</div>"));
    assert!(
        html.contains("<h1>政府信息公开申请答复书（予以公开）</h1>"),
        "{html}"
    );
    assert!(html.contains("印章"));
    assert!(html.contains("&lt;b&gt;2025年度"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(html.contains("<p class=\"salutation\">王小明：</p>"));
    assert!(
        html.contains("<p class=\"signature\">2026年5月27日</p>"),
        "{html}"
    );
    insta::assert_snapshot!("print.reply.disclosed", html);
}

#[test]
fn the_wording_of_every_notice_is_pinned() {
    let law = law();
    let all = issue_all(&law);
    let again = issue_all(&law);
    for kind in NoticeKind::all() {
        // The examples of the kind from the first story that has any.
        let first = all
            .iter()
            .find(|i| i.kind == kind)
            .unwrap_or_else(|| panic!("{} never rendered", kind.key()));
        let text = |set: &[Issued]| {
            set.iter()
                .filter(|i| i.kind == kind && i.tracking_number == first.tracking_number)
                .map(Issued::text)
                .collect::<Vec<_>>()
                .join("\n")
        };
        let snapshot = text(&all);
        assert_eq!(snapshot, text(&again), "{}: not deterministic", kind.key());
        insta::assert_snapshot!(kind.key().as_str(), snapshot);
    }
}
