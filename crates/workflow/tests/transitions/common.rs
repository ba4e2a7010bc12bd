//! The world of the transition tests: the calendar and statute, the people of 朝阳区, the
//! commands they issue, the fixtures every phase starts from, and [`Seen`], which checks a
//! refusal and records its code.

pub use chrono::{DateTime, NaiveDate, TimeZone, Utc};
pub use gongkai_workflow::case::{ClockStart, ExtensionDecision};
pub use gongkai_workflow::clock::{StartReason, WarningLevel};
pub use gongkai_workflow::model::{
    Applicant, ApplicantType, Breach, Carrier, ConsultationKind, Delivery, FeeMethod,
    IdDocumentType, Letter, NotHeld, Opinion, Order, OrderKind, ReasonsAssessment, Receive,
    ReleaseForm, ReleaseItem, ReleasedFile, Remedy, RemedyKind, RemedyResult, Reply,
    RequestDetails, SecrecyConclusion, SentBy,
};
pub use gongkai_workflow::notice::ReplyNotice;
pub use gongkai_workflow::outcome::{
    CannotProvideGround, NotDisclosedGround, NotProcessedGround, OtherGround,
};
pub use gongkai_workflow::{
    Actor, Calendar, Case, Channel, Command, Context, Event, EventKind, Notice, NoticeKind,
    Outcome, PauseKind, Recipient, Rejection, RejectionCode, Role, Status, Statute, SubState,
    builtin_calendar, decide, evolve, notices, parse_date, permitted_roles,
};
pub use std::collections::BTreeSet;

// ---------------------------------------------------------------------------------------------
// The world: calendar, statute, people, and the commands they issue.
// ---------------------------------------------------------------------------------------------

/// 朝阳区人民政府办公室（政务公开科）: the department that takes requests in.
pub const DEPT: &str = "cy-gkk";

/// 朝阳区住房和城乡建设委员会: another department of the same agency.
pub const OTHER_DEPT: &str = "cy-zjw";

pub const AGENCY: &str = "北京市朝阳区人民政府";

pub const TRACKING: &str = "朝政公开〔2026〕第0001号";

/// 张伟, clerk (承办人) of the OGI section.
pub const ZHANG_WEI: &str = "zhangwei";

/// 李娜, another clerk of the OGI section.
pub const LI_NA: &str = "lina";

/// 赵磊, clerk of the housing commission.
pub const ZHAO_LEI: &str = "zhaolei";

/// 刘洋, section chief (审核人).
pub const LIU_YANG: &str = "liuyang";

/// 陈静, deputy section chief (审核人).
pub const CHEN_JING: &str = "chenjing";

/// 周敏, section chief of the housing commission.
pub const ZHOU_MIN: &str = "zhoumin";

/// 王小明's account on the online platform.
pub const WANG_XIAOMING: &str = "user-wangxiaoming";

/// 李四's account: another applicant.
pub const LI_SI: &str = "user-lisi";

pub fn clerk() -> Actor {
    Actor::staff(ZHANG_WEI, Role::Clerk, &[DEPT])
}

pub fn clerk2() -> Actor {
    Actor::staff(LI_NA, Role::Clerk, &[DEPT])
}

pub fn outside_clerk() -> Actor {
    Actor::staff(ZHAO_LEI, Role::Clerk, &[OTHER_DEPT])
}

pub fn supervisor() -> Actor {
    Actor::staff(LIU_YANG, Role::Supervisor, &[DEPT])
}

pub fn supervisor2() -> Actor {
    Actor::staff(CHEN_JING, Role::Supervisor, &[DEPT])
}

pub fn outside_supervisor() -> Actor {
    Actor::staff(ZHOU_MIN, Role::Supervisor, &[OTHER_DEPT])
}

pub fn admin() -> Actor {
    Actor::new("admin", Role::Admin)
}

pub fn applicant() -> Actor {
    Actor::new(WANG_XIAOMING, Role::Applicant)
}

pub fn other_applicant() -> Actor {
    Actor::new(LI_SI, Role::Applicant)
}

pub fn query_holder() -> Actor {
    Actor::query_code_holder(TRACKING)
}

pub struct World {
    pub cal: Calendar,
    pub statute: Statute,
}

impl World {
    pub fn new() -> World {
        World {
            cal: builtin_calendar().expect("the built-in calendar loads"),
            statute: Statute::builtin(),
        }
    }

    /// `actor` acting at 10:00 Beijing time (02:00 UTC) on `day`.
    pub fn ctx(&self, actor: &Actor, day: &str) -> Context<'_> {
        self.ctx_at(actor, at(day, 2, 0))
    }

    pub fn ctx_at(&self, actor: &Actor, now: DateTime<Utc>) -> Context<'_> {
        Context {
            now,
            actor: actor.clone(),
            calendar: &self.cal,
            statute: &self.statute,
        }
    }

    /// The reply due date as the case stands (None when the clock does not run).
    pub fn due(&self, case: &Case) -> Option<NaiveDate> {
        case.reply_due(&self.cal, &self.statute).and_then(|r| r.due)
    }
}

pub fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap_or_else(|| panic!("bad date {s}"))
}

pub fn at(day: &str, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d(day).and_hms_opt(hour, minute, 0).unwrap())
}

/// Decides and folds; panics with the rejection if the command is refused.
pub fn step(case: &Case, cmd: Command, ctx: &Context) -> (Case, Vec<Event>) {
    let name = cmd.name();
    let events = decide(case, cmd, ctx)
        .unwrap_or_else(|r| panic!("{name} by {} refused: {r}", ctx.actor.id));
    assert!(!events.is_empty(), "{name} produced no event");
    let after = events.iter().fold(case.clone(), evolve);
    (after, events)
}

pub fn apply(case: Case, cmd: Command, ctx: &Context) -> Case {
    step(&case, cmd, ctx).0
}

pub fn names(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(|e| e.kind.name()).collect()
}

/// The notices the events call for, read against the case after them.
pub fn all_notices(after: &Case, events: &[Event]) -> Vec<Notice> {
    events.iter().flat_map(|e| notices(after, e)).collect()
}

pub fn to(kind: NoticeKind, recipient: Recipient) -> Notice {
    Notice { kind, recipient }
}

pub fn is_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The rejection codes the scenarios have provoked.
#[derive(Default)]
pub struct Seen(pub BTreeSet<RejectionCode>);

impl Seen {
    /// Asserts that `cmd` is refused with `code` and a Chinese sentence, and records the code.
    pub fn reject(
        &mut self,
        case: &Case,
        cmd: Command,
        ctx: &Context,
        code: RejectionCode,
    ) -> Rejection {
        let name = cmd.name();
        let r = match decide(case, cmd, ctx) {
            Ok(events) => panic!(
                "{name} by {} should be refused with {code}, got {:?}",
                ctx.actor.id,
                names(&events)
            ),
            Err(r) => r,
        };
        assert_eq!(r.code, code, "{name} by {}: {}", ctx.actor.id, r.message);
        assert!(!r.message.trim().is_empty(), "{name}: empty message");
        assert!(
            is_chinese(&r.message),
            "{name}: the message should be Chinese: {}",
            r.message
        );
        // The input a refusal concerns travels in `field`, not as an English prefix.
        assert!(
            !r.message.starts_with(|c: char| c.is_ascii_alphabetic()),
            "{name}: the message should not begin with a field name: {}",
            r.message
        );
        if matches!(
            code,
            RejectionCode::DateInFuture
                | RejectionCode::DateTooEarly
                | RejectionCode::ReceiptDateRequired
                | RejectionCode::ExtensionTooLong
                | RejectionCode::ConsultationNotFound
                | RejectionCode::RemedyNotFound
        ) {
            assert!(r.field.is_some(), "{name}: {code} names its field");
        }
        self.0.insert(code);
        r
    }
}

pub fn applicant_wang() -> Applicant {
    Applicant {
        kind: Some(ApplicantType::NaturalPerson),
        name: "王小明".into(),
        id_document_type: Some(IdDocumentType::ResidentId),
        id_document: Some("110105198801011236".into()),
        phone: Some("13800138000".into()),
        email: Some("wangxm@example.cn".into()),
        address: Some("北京市朝阳区建国路88号院3号楼501".into()),
    }
}

pub fn request_details() -> RequestDetails {
    RequestDetails {
        description: "2025年朝阳区老旧小区综合整治项目的资金安排及竣工验收报告".into(),
        document_number: Some("朝政办发〔2025〕12号".into()),
        carrier: Carrier::Paper,
        delivery: Delivery::Post,
    }
}

pub fn receive_cmd(channel: Channel, receipt: Option<&str>) -> Command {
    Command::Receive(Receive {
        channel,
        agency: AGENCY.into(),
        department: DEPT.into(),
        applicant: applicant_wang(),
        request: request_details(),
        receipt_date: receipt.map(d),
    })
}

pub fn register_cmd() -> Command {
    Command::Register {
        tracking_number: TRACKING.into(),
        department: None,
        receipt_date: None,
    }
}

pub fn assign_to(who: &str) -> Command {
    Command::Assign {
        department: None,
        assignee: Some(who.into()),
    }
}

pub fn correction_cmd() -> Command {
    Command::RequestCorrection {
        items: vec![
            "请明确所需信息的年度范围（如2025年度）".into(),
            "请写明具体小区名称或所在街道".into(),
        ],
        period_days: None,
    }
}

pub fn correction_received(on: Option<&str>, late_reason: Option<&str>) -> Command {
    Command::ReceiveCorrection {
        content: "所需信息为2025年度劲松街道各老旧小区整治项目的资金安排及竣工验收报告".into(),
        received_on: on.map(d),
        late_reason: late_reason.map(Into::into),
    }
}

/// A consultation letter sent by email (received the day it is sent).
pub fn consult(kind: ConsultationKind, party: &str, letter: Option<&str>) -> Command {
    consult_by(kind, party, letter, SentBy::Email)
}

pub fn consult_by(
    kind: ConsultationKind,
    party: &str,
    letter: Option<&str>,
    sent_by: SentBy,
) -> Command {
    Command::StartConsultation {
        kind,
        party: party.into(),
        letter_date: letter.map(d),
        sent_by: Some(sent_by),
    }
}

pub fn end_consult(id: u32, opinion: Opinion, on: Option<&str>) -> Command {
    Command::EndConsultation {
        consultation: id,
        opinion,
        ended_on: on.map(d),
    }
}

pub const THIRD_PARTY: &str = "北京华宇建筑工程有限公司";

pub const OTHER_AGENCY: &str = "北京市朝阳区财政局";

pub fn extension_cmd(days: Option<u32>) -> Command {
    Command::RequestExtension {
        reason: "所需信息涉及12个街道的档案，需逐一调取核对，无法在法定期限内答复".into(),
        days,
    }
}

pub fn reply(outcome: Outcome, competent_agency: Option<&str>) -> Reply {
    Reply {
        outcome,
        text: "经查，您申请的信息已在北京市朝阳区人民政府网站“政府信息公开”专栏主动公开。".into(),
        competent_agency: competent_agency.map(Into::into),
        not_held: None,
        competent_agency_contact: None,
        disclosure: None,
        release: release_for(outcome),
    }
}

/// A release for a reply that discloses (a pointer to the published information), none for
/// other outcomes.
pub fn release_for(outcome: Outcome) -> Vec<ReleaseItem> {
    if matches!(outcome, Outcome::Disclosed | Outcome::PartlyDisclosed) {
        vec![published()]
    } else {
        Vec::new()
    }
}

pub fn published() -> ReleaseItem {
    ReleaseItem::Published {
        title: "朝阳区2025年老旧小区改造计划".into(),
        location: "北京市朝阳区人民政府网站“政府信息公开”专栏".into(),
        link: Some("https://www.bjchy.gov.cn/zwgk".into()),
    }
}

pub fn draft_cmd(outcome: Outcome) -> Command {
    Command::DraftReply {
        reply: reply(outcome, None),
    }
}

pub fn order(kind: OrderKind, received_on: &str) -> Order {
    Order {
        kind,
        body: match kind {
            OrderKind::Reconsideration => "北京市人民政府".into(),
            OrderKind::Court => "北京市朝阳区人民法院".into(),
        },
        reference: match kind {
            OrderKind::Reconsideration => "京政复字〔2026〕第158号".into(),
            OrderKind::Court => "（2026）京0105行初321号".into(),
        },
        received_on: d(received_on),
    }
}

pub fn withdraw_cmd(on: Option<&str>) -> Command {
    Command::Withdraw {
        reason: Some("所需信息已通过其他途径获得".into()),
        withdrawn_on: on.map(d),
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures.
// ---------------------------------------------------------------------------------------------

/// Handed in at the counter on Monday 2026-03-02 and registered the same day: due 03-30.
pub fn registered(w: &World) -> Case {
    let c = apply(
        Case::default(),
        receive_cmd(Channel::InPerson, None),
        &w.ctx(&clerk(), "2026-03-02"),
    );
    apply(c, register_cmd(), &w.ctx(&clerk(), "2026-03-02"))
}

/// `registered`, assigned to 张伟 by 刘洋 and taken up on 03-03.
pub fn processing(w: &World) -> Case {
    let c = apply(
        registered(w),
        assign_to(ZHANG_WEI),
        &w.ctx(&supervisor(), "2026-03-02"),
    );
    apply(c, Command::StartProcessing, &w.ctx(&clerk(), "2026-03-03"))
}

/// Filed online by 王小明 on 03-02 (not yet registered).
pub fn online_received(w: &World) -> Case {
    apply(
        Case::default(),
        receive_cmd(Channel::Online, None),
        &w.ctx(&applicant(), "2026-03-02"),
    )
}

/// `processing` with a draft of `outcome` by 张伟 submitted on `day`.
pub fn under_review(w: &World, outcome: Outcome, day: &str) -> Case {
    let c = apply(processing(w), draft_cmd(outcome), &w.ctx(&clerk(), day));
    apply(
        reviewed(c, w, day),
        Command::SubmitForReview,
        &w.ctx(&clerk(), day),
    )
}

/// A draft listing a release, reviewed by 刘洋 (supervisor) on `day`: 可以公开. A draft
/// without a release needs no review and is returned as it is.
pub fn reviewed(c: Case, w: &World, day: &str) -> Case {
    if c.draft.as_ref().is_none_or(|d| d.reply.release.is_empty()) {
        return c;
    }
    apply(
        c,
        secrecy_cmd(SecrecyConclusion::MayDisclose),
        &w.ctx(&supervisor(), day),
    )
}

pub fn secrecy_cmd(conclusion: SecrecyConclusion) -> Command {
    Command::RecordSecrecyReview {
        conclusion,
        basis: "经审查，所提供信息不涉及国家秘密、商业秘密和个人隐私（《保守国家秘密法》第二条）"
            .into(),
        reviewed_on: None,
    }
}

/// Replied (partly disclosed) on 03-25, delivered 03-27, archived 03-30.
pub fn archived(w: &World) -> Case {
    let c = under_review(w, Outcome::PartlyDisclosed, "2026-03-24");
    let c = apply(
        c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), "2026-03-25"),
    );
    let c = apply(
        c,
        Command::RecordDelivery {
            method: Delivery::Post,
            delivered_on: Some(d("2026-03-27")),
        },
        &w.ctx(&clerk(), "2026-03-30"),
    );
    apply(c, Command::Archive, &w.ctx(&clerk(), "2026-03-30"))
}

pub fn remedy_cmd(kind: RemedyKind, filed: &str, result: Option<(RemedyResult, &str)>) -> Command {
    Command::RecordRemedy {
        remedy: Remedy {
            kind,
            body: "某市人民政府".into(),
            reference: Some("某政复〔2026〕1号".into()),
            filed_on: d(filed),
            after_reconsideration: false,
            result: result.map(|r| r.0),
            decided_on: result.map(|r| d(r.1)),
        },
    }
}

pub type Scenario = fn(&World, &mut Seen);

pub fn run(scenario: Scenario) {
    scenario(&World::new(), &mut Seen::default());
}
