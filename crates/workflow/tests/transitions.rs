#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The life of a case, transition by transition (DESIGN.md "States", STATUTE.md §1–§5).
//!
//! Every scenario is a plain function over a [`World`] and a [`Seen`] set of rejection codes,
//! so that each runs as its own test and, all together, in `every_rejection_code_is_produced`,
//! which checks that the scenarios provoke every one of the 37 stable codes.
//!
//! Due dates are counted by hand on the 2026 calendar (STATUTE.md §8): 清明 04-04–04-06,
//! 劳动节 05-01–05-05 with make-up Saturday 05-09, 端午 06-19–06-21. Counting starts the day
//! after the start date; a pause (A, B] excludes the working days after A up to and including B.
//! The base case is handed in on Monday 2026-03-02, so its reply is due on Monday 03-30
//! (03-03…03-06 = 4, 03-09…13 = 9, 03-16…20 = 14, 03-23…27 = 19, 03-30 = 20).

use std::collections::BTreeSet;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use gongkai_workflow::case::{ClockStart, ExtensionDecision};
use gongkai_workflow::clock::StartReason;
use gongkai_workflow::model::{
    Applicant, ApplicantType, Breach, Carrier, ConsultationKind, Delivery, FeeMethod, Opinion,
    Order, OrderKind, Receive, Remedy, RemedyKind, RemedyResult, Reply, RequestDetails,
};
use gongkai_workflow::notice::ReplyNotice;
use gongkai_workflow::outcome::{
    CannotProvideGround, NotDisclosedGround, NotProcessedGround, OtherGround,
};
use gongkai_workflow::{
    Actor, Calendar, Case, Channel, Command, Context, Event, EventKind, Notice, NoticeKind,
    Outcome, PauseKind, Recipient, Rejection, RejectionCode, Role, Status, Statute, SubState,
    builtin_calendar, decide, evolve, notices, parse_date, permitted_roles,
};

// ---------------------------------------------------------------------------------------------
// The world: calendar, statute, people, and the commands they issue.
// ---------------------------------------------------------------------------------------------

/// 朝阳区人民政府办公室（政务公开科）: the department that takes requests in.
const DEPT: &str = "cy-gkk";
/// 朝阳区住房和城乡建设委员会: another department of the same agency.
const OTHER_DEPT: &str = "cy-zjw";
const AGENCY: &str = "北京市朝阳区人民政府";
const TRACKING: &str = "朝政公开〔2026〕第0001号";

/// 张伟, clerk (承办人) of the OGI section.
const ZHANG_WEI: &str = "zhangwei";
/// 李娜, another clerk of the OGI section.
const LI_NA: &str = "lina";
/// 赵磊, clerk of the housing commission.
const ZHAO_LEI: &str = "zhaolei";
/// 刘洋, section chief (审核人).
const LIU_YANG: &str = "liuyang";
/// 陈静, deputy section chief (审核人).
const CHEN_JING: &str = "chenjing";
/// 周敏, section chief of the housing commission.
const ZHOU_MIN: &str = "zhoumin";
/// 王小明's account on the online platform.
const WANG_XIAOMING: &str = "user-wangxiaoming";
/// 李四's account: another applicant.
const LI_SI: &str = "user-lisi";

fn clerk() -> Actor {
    Actor::staff(ZHANG_WEI, Role::Clerk, &[DEPT])
}
fn clerk2() -> Actor {
    Actor::staff(LI_NA, Role::Clerk, &[DEPT])
}
fn outside_clerk() -> Actor {
    Actor::staff(ZHAO_LEI, Role::Clerk, &[OTHER_DEPT])
}
fn supervisor() -> Actor {
    Actor::staff(LIU_YANG, Role::Supervisor, &[DEPT])
}
fn supervisor2() -> Actor {
    Actor::staff(CHEN_JING, Role::Supervisor, &[DEPT])
}
fn outside_supervisor() -> Actor {
    Actor::staff(ZHOU_MIN, Role::Supervisor, &[OTHER_DEPT])
}
fn admin() -> Actor {
    Actor::new("admin", Role::Admin)
}
fn applicant() -> Actor {
    Actor::new(WANG_XIAOMING, Role::Applicant)
}
fn other_applicant() -> Actor {
    Actor::new(LI_SI, Role::Applicant)
}
fn query_holder() -> Actor {
    Actor::query_code_holder(TRACKING)
}

struct World {
    cal: Calendar,
    statute: Statute,
}

impl World {
    fn new() -> World {
        World {
            cal: builtin_calendar().expect("the built-in calendar loads"),
            statute: Statute::builtin(),
        }
    }

    /// `actor` acting at 10:00 Beijing time (02:00 UTC) on `day`.
    fn ctx(&self, actor: &Actor, day: &str) -> Context<'_> {
        self.ctx_at(actor, at(day, 2, 0))
    }

    fn ctx_at(&self, actor: &Actor, now: DateTime<Utc>) -> Context<'_> {
        Context {
            now,
            actor: actor.clone(),
            calendar: &self.cal,
            statute: &self.statute,
        }
    }

    /// The reply due date as the case stands (None when the clock does not run).
    fn due(&self, case: &Case) -> Option<NaiveDate> {
        case.reply_due(&self.cal, &self.statute).and_then(|r| r.due)
    }
}

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap_or_else(|| panic!("bad date {s}"))
}

fn at(day: &str, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d(day).and_hms_opt(hour, minute, 0).unwrap())
}

/// Decides and folds; panics with the rejection if the command is refused.
fn step(case: &Case, cmd: Command, ctx: &Context) -> (Case, Vec<Event>) {
    let name = cmd.name();
    let events = decide(case, cmd, ctx)
        .unwrap_or_else(|r| panic!("{name} by {} refused: {r}", ctx.actor.id));
    assert!(!events.is_empty(), "{name} produced no event");
    let after = events.iter().fold(case.clone(), evolve);
    (after, events)
}

fn apply(case: Case, cmd: Command, ctx: &Context) -> Case {
    step(&case, cmd, ctx).0
}

fn names(events: &[Event]) -> Vec<&'static str> {
    events.iter().map(|e| e.kind.name()).collect()
}

/// The notices the events call for, read against the case after them.
fn all_notices(after: &Case, events: &[Event]) -> Vec<Notice> {
    events.iter().flat_map(|e| notices(after, e)).collect()
}

fn to(kind: NoticeKind, recipient: Recipient) -> Notice {
    Notice { kind, recipient }
}

fn is_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The rejection codes the scenarios have provoked.
#[derive(Default)]
struct Seen(BTreeSet<RejectionCode>);

impl Seen {
    /// Asserts that `cmd` is refused with `code` and a Chinese sentence, and records the code.
    fn reject(
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

fn applicant_wang() -> Applicant {
    Applicant {
        kind: Some(ApplicantType::NaturalPerson),
        name: "王小明".into(),
        id_document: Some("110105198801011234".into()),
        phone: Some("13800138000".into()),
        email: Some("wangxm@example.cn".into()),
        address: Some("北京市朝阳区建国路88号院3号楼501".into()),
    }
}

fn request_details() -> RequestDetails {
    RequestDetails {
        description: "2025年朝阳区老旧小区综合整治项目的资金安排及竣工验收报告".into(),
        document_number: Some("朝政办发〔2025〕12号".into()),
        carrier: Carrier::Paper,
        delivery: Delivery::Post,
    }
}

fn receive_cmd(channel: Channel, receipt: Option<&str>) -> Command {
    Command::Receive(Receive {
        channel,
        agency: AGENCY.into(),
        department: DEPT.into(),
        applicant: applicant_wang(),
        request: request_details(),
        receipt_date: receipt.map(d),
    })
}

fn register_cmd() -> Command {
    Command::Register {
        tracking_number: TRACKING.into(),
        department: None,
        receipt_date: None,
    }
}

fn assign_to(who: &str) -> Command {
    Command::Assign {
        department: None,
        assignee: Some(who.into()),
    }
}

fn correction_cmd() -> Command {
    Command::RequestCorrection {
        items: vec![
            "请明确所需信息的年度范围（如2025年度）".into(),
            "请写明具体小区名称或所在街道".into(),
        ],
        period_days: None,
    }
}

fn correction_received(on: Option<&str>, late_reason: Option<&str>) -> Command {
    Command::ReceiveCorrection {
        content: "所需信息为2025年度劲松街道各老旧小区整治项目的资金安排及竣工验收报告".into(),
        received_on: on.map(d),
        late_reason: late_reason.map(Into::into),
    }
}

fn consult(kind: ConsultationKind, party: &str, letter: Option<&str>) -> Command {
    Command::StartConsultation {
        kind,
        party: party.into(),
        letter_date: letter.map(d),
    }
}

fn end_consult(id: u32, opinion: Opinion, on: Option<&str>) -> Command {
    Command::EndConsultation {
        consultation: id,
        opinion,
        ended_on: on.map(d),
    }
}

const THIRD_PARTY: &str = "北京华宇建筑工程有限公司";
const OTHER_AGENCY: &str = "北京市朝阳区财政局";

fn extension_cmd(days: Option<u32>) -> Command {
    Command::RequestExtension {
        reason: "所需信息涉及12个街道的档案，需逐一调取核对，无法在法定期限内答复".into(),
        days,
    }
}

fn reply(outcome: Outcome, competent_agency: Option<&str>) -> Reply {
    Reply {
        outcome,
        text: "经查，您申请的信息已在北京市朝阳区人民政府网站“政府信息公开”专栏主动公开。".into(),
        competent_agency: competent_agency.map(Into::into),
    }
}

fn draft_cmd(outcome: Outcome) -> Command {
    Command::DraftReply {
        reply: reply(outcome, None),
    }
}

fn order(kind: OrderKind, received_on: &str) -> Order {
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

fn withdraw_cmd(on: Option<&str>) -> Command {
    Command::Withdraw {
        reason: Some("所需信息已通过其他途径获得".into()),
        withdrawn_on: on.map(d),
    }
}

// ---------------------------------------------------------------------------------------------
// Fixtures.
// ---------------------------------------------------------------------------------------------

/// Handed in at the counter on Monday 2026-03-02 and registered the same day: due 03-30.
fn registered(w: &World) -> Case {
    let c = apply(
        Case::default(),
        receive_cmd(Channel::InPerson, None),
        &w.ctx(&clerk(), "2026-03-02"),
    );
    apply(c, register_cmd(), &w.ctx(&clerk(), "2026-03-02"))
}

/// `registered`, assigned to 张伟 by 刘洋 and taken up on 03-03.
fn processing(w: &World) -> Case {
    let c = apply(
        registered(w),
        assign_to(ZHANG_WEI),
        &w.ctx(&supervisor(), "2026-03-02"),
    );
    apply(c, Command::StartProcessing, &w.ctx(&clerk(), "2026-03-03"))
}

/// Filed online by 王小明 on 03-02 (not yet registered).
fn online_received(w: &World) -> Case {
    apply(
        Case::default(),
        receive_cmd(Channel::Online, None),
        &w.ctx(&applicant(), "2026-03-02"),
    )
}

/// `processing` with a draft of `outcome` by 张伟 submitted on `day`.
fn under_review(w: &World, outcome: Outcome, day: &str) -> Case {
    let c = apply(processing(w), draft_cmd(outcome), &w.ctx(&clerk(), day));
    apply(c, Command::SubmitForReview, &w.ctx(&clerk(), day))
}

/// Replied (partly disclosed) on 03-25, delivered 03-27, archived 03-30.
fn archived(w: &World) -> Case {
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

// ---------------------------------------------------------------------------------------------
// Receive: each channel's receipt-date rule (STATUTE.md §1, art. 31).
// ---------------------------------------------------------------------------------------------

fn scenario_receive_online(w: &World, seen: &mut Seen) {
    let (c, events) = step(
        &Case::default(),
        receive_cmd(Channel::Online, None),
        &w.ctx(&applicant(), "2026-03-02"),
    );
    assert_eq!(names(&events), ["received"]);
    assert_eq!(
        events[0].legal_date, None,
        "online: no receipt date until registered"
    );
    assert!(all_notices(&c, &events).is_empty());
    assert_eq!(c.status, Status::Received);
    assert_eq!(c.channel, Some(Channel::Online));
    assert_eq!(c.account.as_deref(), Some(WANG_XIAOMING));
    assert_eq!(c.applicant.name, "王小明");
    assert_eq!(c.agency, AGENCY);
    assert_eq!(c.department, DEPT);
    assert_eq!(c.receipt_date, None);
    assert_eq!(c.clock_start, None);
    assert_eq!(
        w.due(&c),
        None,
        "the clock does not run before registration"
    );
    assert_eq!(c.sub_state(), None);

    // Online: the applicant may not pick the receipt date; staff may not file online.
    seen.reject(
        &Case::default(),
        receive_cmd(Channel::Online, Some("2026-03-01")),
        &w.ctx(&applicant(), "2026-03-02"),
        RejectionCode::InvalidInput,
    );
    seen.reject(
        &Case::default(),
        receive_cmd(Channel::Online, None),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::ForbiddenForRole,
    );
    // A case is received once.
    seen.reject(
        &c,
        receive_cmd(Channel::Online, None),
        &w.ctx(&applicant(), "2026-03-02"),
        RejectionCode::CaseAlreadyExists,
    );
    // An anonymous filing records no account.
    let anon = apply(
        Case::default(),
        receive_cmd(Channel::Online, None),
        &w.ctx(&Actor::new("anonymous", Role::Applicant), "2026-03-02"),
    );
    assert_eq!(anon.account, None);
}

fn scenario_register_online(w: &World, seen: &mut Seen) {
    let c = online_received(w);
    // The receipt date of an online request is the day of registration: not before the filing,
    // not in the future.
    let early = Command::Register {
        tracking_number: TRACKING.into(),
        department: None,
        receipt_date: Some(d("2026-03-01")),
    };
    seen.reject(
        &c,
        early,
        &w.ctx(&clerk(), "2026-03-04"),
        RejectionCode::DateTooEarly,
    );
    let future = Command::Register {
        tracking_number: TRACKING.into(),
        department: None,
        receipt_date: Some(d("2026-03-05")),
    };
    seen.reject(
        &c,
        future,
        &w.ctx(&clerk(), "2026-03-04"),
        RejectionCode::DateInFuture,
    );

    let (c, events) = step(&c, register_cmd(), &w.ctx(&clerk(), "2026-03-04"));
    assert_eq!(
        events[0].kind,
        EventKind::Registered {
            tracking_number: TRACKING.into(),
            department: DEPT.into(),
            statute: "cn-2019".into(),
            // 7 working days after 03-04: 03-05, 06, 09, 10, 11, 12, 13.
            correction_notice_deadline: Some(d("2026-03-13")),
        }
    );
    assert_eq!(events[0].legal_date, Some(d("2026-03-04")));
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::Acknowledgment, Recipient::Applicant)]
    );
    assert_eq!(c.status, Status::Registered);
    assert_eq!(c.receipt_date, Some(d("2026-03-04")));
    assert_eq!(
        c.clock_start,
        Some(ClockStart {
            date: d("2026-03-04"),
            reason: StartReason::Receipt
        })
    );
    assert_eq!(c.tracking_number.as_deref(), Some(TRACKING));
    // 20 working days after 03-04: 03-05…03-31 = 19, 04-01 = 20.
    assert_eq!(w.due(&c), Some(d("2026-04-01")));
    seen.reject(
        &c,
        register_cmd(),
        &w.ctx(&clerk(), "2026-03-04"),
        RejectionCode::WrongStatus,
    );

    // Registered on an earlier day than the entry (confirmed with the applicant yesterday).
    let c2 = online_received(w);
    let cmd = Command::Register {
        tracking_number: TRACKING.into(),
        department: Some(OTHER_DEPT.into()),
        receipt_date: Some(d("2026-03-03")),
    };
    let c2 = apply(c2, cmd, &w.ctx(&clerk(), "2026-03-04"));
    assert_eq!(c2.receipt_date, Some(d("2026-03-03")));
    assert_eq!(
        c2.department, OTHER_DEPT,
        "registration may route to another department"
    );
    assert_eq!(w.due(&c2), Some(d("2026-03-31")));
}

fn scenario_receive_in_person(w: &World, seen: &mut Seen) {
    // 00:30 on 03-02 in Beijing is still 03-01 in UTC: the legal date is Beijing's.
    let ctx = w.ctx_at(&clerk(), at("2026-03-01", 16, 30));
    let (c, events) = step(&Case::default(), receive_cmd(Channel::InPerson, None), &ctx);
    assert_eq!(
        events[0].legal_date,
        Some(d("2026-03-02")),
        "handed in: today"
    );
    assert_eq!(c.status, Status::Received);
    assert_eq!(c.account, None, "filed by a clerk: no applicant account");
    assert_eq!(c.receipt_date, Some(d("2026-03-02")));
    assert_eq!(
        w.due(&c),
        Some(d("2026-03-30")),
        "the clock runs from receipt"
    );

    // Handed in on Friday 02-27, entered on Monday: due 03-26.
    let c = apply(
        Case::default(),
        receive_cmd(Channel::InPerson, Some("2026-02-27")),
        &w.ctx(&supervisor(), "2026-03-02"),
    );
    assert_eq!(c.receipt_date, Some(d("2026-02-27")));
    assert_eq!(w.due(&c), Some(d("2026-03-26")));
    seen.reject(
        &Case::default(),
        receive_cmd(Channel::InPerson, Some("2026-03-03")),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::DateInFuture,
    );
    // An applicant cannot file "in person" through the platform.
    seen.reject(
        &Case::default(),
        receive_cmd(Channel::InPerson, None),
        &w.ctx(&applicant(), "2026-03-02"),
        RejectionCode::ForbiddenForRole,
    );
}

fn scenario_receive_needs_receipt_date(w: &World, seen: &mut Seen) {
    for channel in [
        Channel::RegisteredPost,
        Channel::OrdinaryPost,
        Channel::Fax,
        Channel::Email,
    ] {
        let r = seen.reject(
            &Case::default(),
            receive_cmd(channel, None),
            &w.ctx(&clerk(), "2026-03-02"),
            RejectionCode::ReceiptDateRequired,
        );
        assert!(
            r.message.contains(channel.receipt_rule_zh()),
            "{channel:?}: the message states the channel's rule: {}",
            r.message
        );
        assert_eq!(r.field, Some("receipt_date"));
        // Signed for / confirmed on Thursday 02-26, entered on Monday 03-02: due 03-25.
        let (c, events) = step(
            &Case::default(),
            receive_cmd(channel, Some("2026-02-26")),
            &w.ctx(&clerk(), "2026-03-02"),
        );
        assert_eq!(events[0].legal_date, Some(d("2026-02-26")));
        assert_eq!(events[0].at, at("2026-03-02", 2, 0));
        assert_eq!(c.channel, Some(channel));
        assert_eq!(c.receipt_date, Some(d("2026-02-26")));
        assert_eq!(w.due(&c), Some(d("2026-03-25")), "{channel:?}");
        // Registration keeps the recorded receipt date and refuses another.
        let other = Command::Register {
            tracking_number: TRACKING.into(),
            department: None,
            receipt_date: Some(d("2026-03-02")),
        };
        seen.reject(
            &c,
            other,
            &w.ctx(&clerk(), "2026-03-02"),
            RejectionCode::InvalidInput,
        );
        let c = apply(c, register_cmd(), &w.ctx(&clerk(), "2026-03-02"));
        assert_eq!(c.receipt_date, Some(d("2026-02-26")));
        // 7 working days after 02-26: 02-27, 02-28 (make-up Saturday), 03-02…03-06.
        assert_eq!(c.correction_notice_deadline, Some(d("2026-03-06")));
        assert_eq!(w.due(&c), Some(d("2026-03-25")));
        seen.reject(
            &Case::default(),
            receive_cmd(channel, Some("2026-03-03")),
            &w.ctx(&clerk(), "2026-03-02"),
            RejectionCode::DateInFuture,
        );
    }
}

fn scenario_statute_profile_by_receipt_date(w: &World, seen: &mut Seen) {
    // A registered letter signed for on 2019-05-14, the day before the 2019 revision: cn-2008,
    // 15 working days (05-15…05-17 = 3, 05-20…24 = 8, 05-27…31 = 13, 06-03, 06-04).
    let c = apply(
        Case::default(),
        receive_cmd(Channel::RegisteredPost, Some("2019-05-14")),
        &w.ctx(&clerk(), "2019-05-16"),
    );
    let (c, events) = step(&c, register_cmd(), &w.ctx(&clerk(), "2019-05-16"));
    match &events[0].kind {
        EventKind::Registered {
            statute,
            correction_notice_deadline,
            ..
        } => {
            assert_eq!(statute, "cn-2008");
            // The 2008 text set no limit for the correction notice.
            assert_eq!(*correction_notice_deadline, None);
        }
        other => panic!("expected registered, got {other:?}"),
    }
    assert_eq!(c.statute.as_deref(), Some("cn-2008"));
    assert_eq!(w.due(&c), Some(d("2019-06-04")));
    // The 2008 extension is at most 15 working days.
    let c = apply(c, assign_to(ZHANG_WEI), &w.ctx(&supervisor(), "2019-05-16"));
    seen.reject(
        &c,
        extension_cmd(Some(16)),
        &w.ctx(&clerk(), "2019-05-20"),
        RejectionCode::ExtensionTooLong,
    );
    let c = apply(c, extension_cmd(None), &w.ctx(&clerk(), "2019-05-20"));
    let c = apply(
        c,
        Command::ApproveExtension,
        &w.ctx(&supervisor(), "2019-05-21"),
    );
    // 30 working days after 05-14 (端午 06-07 skipped).
    assert_eq!(w.due(&c), Some(d("2019-06-26")));

    // Signed for on 2019-05-15: cn-2019, 20 working days (端午 06-07 skipped).
    let c = apply(
        Case::default(),
        receive_cmd(Channel::RegisteredPost, Some("2019-05-15")),
        &w.ctx(&clerk(), "2019-05-16"),
    );
    let c = apply(c, register_cmd(), &w.ctx(&clerk(), "2019-05-16"));
    assert_eq!(c.statute.as_deref(), Some("cn-2019"));
    assert_eq!(w.due(&c), Some(d("2019-06-13")));
}

// ---------------------------------------------------------------------------------------------
// Assign and start processing.
// ---------------------------------------------------------------------------------------------

fn scenario_assign(w: &World, seen: &mut Seen) {
    let c = registered(w);
    assert_eq!(c.assignee, None);

    // A clerk may take an unassigned case of the department for itself, and nothing else.
    seen.reject(
        &c,
        assign_to(LI_NA),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::ForbiddenForRole,
    );
    let move_and_take = Command::Assign {
        department: Some(OTHER_DEPT.into()),
        assignee: Some(ZHANG_WEI.into()),
    };
    seen.reject(
        &c,
        move_and_take,
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::ForbiddenForRole,
    );
    let (taken, events) = step(&c, assign_to(ZHANG_WEI), &w.ctx(&clerk(), "2026-03-02"));
    assert_eq!(
        events[0].kind,
        EventKind::Assigned {
            department: DEPT.into(),
            assignee: Some(ZHANG_WEI.into())
        }
    );
    assert_eq!(events[0].legal_date, None);
    assert_eq!(
        all_notices(&taken, &events),
        [to(NoticeKind::Assigned, Recipient::Assignee)]
    );
    assert_eq!(taken.assignee.as_deref(), Some(ZHANG_WEI));
    assert_eq!(
        taken.status,
        Status::Registered,
        "assignment does not change the status"
    );
    // Taken already: another clerk cannot take it; taking it again changes nothing.
    seen.reject(
        &taken,
        assign_to(LI_NA),
        &w.ctx(&clerk2(), "2026-03-02"),
        RejectionCode::NotAssignee,
    );
    seen.reject(
        &taken,
        assign_to(ZHANG_WEI),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::InvalidInput,
    );

    // The supervisor assigns and reassigns.
    let (c, events) = step(
        &taken,
        assign_to(LI_NA),
        &w.ctx(&supervisor(), "2026-03-03"),
    );
    assert_eq!(c.assignee.as_deref(), Some(LI_NA));
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::Assigned, Recipient::Assignee)]
    );
    seen.reject(
        &c,
        Command::Assign {
            department: None,
            assignee: None,
        },
        &w.ctx(&supervisor(), "2026-03-03"),
        RejectionCode::InvalidInput,
    );

    // Moving the case to another department clears the assignee.
    let move_cmd = Command::Assign {
        department: Some(OTHER_DEPT.into()),
        assignee: None,
    };
    let (moved, events) = step(&c, move_cmd, &w.ctx(&supervisor(), "2026-03-03"));
    assert_eq!(
        events[0].kind,
        EventKind::Assigned {
            department: OTHER_DEPT.into(),
            assignee: None
        }
    );
    assert!(
        all_notices(&moved, &events).is_empty(),
        "nobody to notify yet"
    );
    assert_eq!(moved.department, OTHER_DEPT);
    assert_eq!(moved.assignee, None);
    // The OGI section no longer handles it; the housing commission's clerk takes it.
    seen.reject(
        &moved,
        Command::StartProcessing,
        &w.ctx(&clerk2(), "2026-03-03"),
        RejectionCode::OutOfScope,
    );
    let mine = apply(
        moved.clone(),
        assign_to(ZHAO_LEI),
        &w.ctx(&outside_clerk(), "2026-03-03"),
    );
    assert_eq!(mine.assignee.as_deref(), Some(ZHAO_LEI));

    // Moving with a named clerk keeps that clerk; an administrator may assign too.
    let cmd = Command::Assign {
        department: Some(DEPT.into()),
        assignee: Some(ZHANG_WEI.into()),
    };
    let back = apply(moved, cmd, &w.ctx(&admin(), "2026-03-04"));
    assert_eq!(
        (back.department.as_str(), back.assignee.as_deref()),
        (DEPT, Some(ZHANG_WEI))
    );
}

fn scenario_start_processing(w: &World, seen: &mut Seen) {
    let c = registered(w);
    seen.reject(
        &online_received(w),
        Command::StartProcessing,
        &w.ctx(&clerk(), "2026-03-03"),
        RejectionCode::WrongStatus,
    );
    // Starting an unassigned case makes the clerk its assignee.
    let (c, events) = step(
        &c,
        Command::StartProcessing,
        &w.ctx(&clerk2(), "2026-03-03"),
    );
    assert_eq!(names(&events), ["processing_started"]);
    assert_eq!(events[0].legal_date, None);
    assert!(all_notices(&c, &events).is_empty());
    assert_eq!(c.status, Status::Processing);
    assert_eq!(c.sub_state(), None);
    assert_eq!(c.assignee.as_deref(), Some(LI_NA));
    assert_eq!(w.due(&c), Some(d("2026-03-30")));
    let r = seen.reject(
        &c,
        Command::StartProcessing,
        &w.ctx(&clerk2(), "2026-03-03"),
        RejectionCode::WrongStatus,
    );
    assert!(r.message.contains("办理中"), "{}", r.message);

    // A started case assigned by the supervisor keeps its assignee.
    let c = processing(w);
    assert_eq!(c.assignee.as_deref(), Some(ZHANG_WEI));
    assert_eq!(c.status, Status::Processing);
}

// ---------------------------------------------------------------------------------------------
// Correction (art. 30): notice within 7 working days; the clock restarts; abandonment.
// ---------------------------------------------------------------------------------------------

fn scenario_correction_restarts_clock(w: &World, seen: &mut Seen) {
    let c = processing(w);
    seen.reject(
        &c,
        correction_received(None, None),
        &w.ctx(&query_holder(), "2026-03-04"),
        RejectionCode::CorrectionNotRequested,
    );
    seen.reject(
        &c,
        Command::RequestCorrection {
            items: vec![],
            period_days: None,
        },
        &w.ctx(&clerk(), "2026-03-05"),
        RejectionCode::InvalidInput,
    );
    seen.reject(
        &c,
        Command::RequestCorrection {
            items: vec!["请明确年度".into()],
            period_days: Some(0),
        },
        &w.ctx(&clerk(), "2026-03-05"),
        RejectionCode::InvalidInput,
    );

    let (c, events) = step(&c, correction_cmd(), &w.ctx(&clerk(), "2026-03-05"));
    assert_eq!(
        names(&events),
        ["correction_requested"],
        "in time: no breach"
    );
    // The period given: 15 working days after 03-05.
    match &events[0].kind {
        EventKind::CorrectionRequested { items, deadline } => {
            assert_eq!(items.len(), 2);
            assert_eq!(*deadline, d("2026-03-26"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(events[0].legal_date, Some(d("2026-03-05")));
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::CorrectionNotice, Recipient::Applicant)]
    );
    assert_eq!(c.status, Status::Processing);
    assert_eq!(c.sub_state(), Some(SubState::AwaitingCorrection));
    assert_eq!(
        c.reply_due(&w.cal, &w.statute),
        None,
        "the period will run afresh"
    );

    // While the correction is awaited nothing else proceeds.
    seen.reject(
        &c,
        correction_cmd(),
        &w.ctx(&clerk(), "2026-03-06"),
        RejectionCode::CorrectionAlreadyRequested,
    );
    for cmd in [
        consult(ConsultationKind::ThirdParty, THIRD_PARTY, None),
        extension_cmd(None),
        Command::IssueFeeNotice {
            fee: FeeMethod::PerPage { pages: 150 },
        },
    ] {
        seen.reject(
            &c,
            cmd,
            &w.ctx(&clerk(), "2026-03-06"),
            RejectionCode::AwaitingCorrection,
        );
    }
    // A draft may be prepared meanwhile, but not submitted.
    let drafted = apply(
        c.clone(),
        draft_cmd(Outcome::Disclosed),
        &w.ctx(&clerk(), "2026-03-06"),
    );
    seen.reject(
        &drafted,
        Command::SubmitForReview,
        &w.ctx(&clerk(), "2026-03-06"),
        RejectionCode::PendingSteps,
    );
    // An applicant submitting online cannot backdate; a date before the notice is refused.
    seen.reject(
        &c,
        correction_received(Some("2026-03-10"), None),
        &w.ctx(&query_holder(), "2026-03-16"),
        RejectionCode::InvalidInput,
    );
    seen.reject(
        &c,
        correction_received(Some("2026-03-04"), None),
        &w.ctx(&clerk(), "2026-03-16"),
        RejectionCode::DateTooEarly,
    );

    // The applicant, with the query code, supplies the correction on 03-16.
    let (c, events) = step(
        &c,
        correction_received(None, None),
        &w.ctx(&query_holder(), "2026-03-16"),
    );
    assert_eq!(names(&events), ["correction_received"]);
    assert_eq!(events[0].legal_date, Some(d("2026-03-16")));
    assert!(all_notices(&c, &events).is_empty());
    assert_eq!(c.status, Status::Registered, "back to registered");
    assert_eq!(c.sub_state(), None);
    assert_eq!(
        c.clock_start,
        Some(ClockStart {
            date: d("2026-03-16"),
            reason: StartReason::Correction
        })
    );
    // 20 working days after 03-16 (清明 04-06 skipped).
    let due = c.reply_due(&w.cal, &w.statute).unwrap();
    assert_eq!(due.due, Some(d("2026-04-14")));
    assert_eq!(due.explanation.start_reason, StartReason::Correction);
    assert_eq!(due.explanation.holidays.len(), 1);
    assert_eq!(due.explanation.holidays[0].name, "清明");
    // Once only, and processing resumes.
    seen.reject(
        &c,
        correction_cmd(),
        &w.ctx(&clerk(), "2026-03-17"),
        RejectionCode::CorrectionAlreadyRequested,
    );
    let c = apply(c, Command::StartProcessing, &w.ctx(&clerk(), "2026-03-17"));
    assert_eq!(c.status, Status::Processing);
    assert_eq!(c.assignee.as_deref(), Some(ZHANG_WEI));
    assert_eq!(w.due(&c), Some(d("2026-04-14")));
}

fn scenario_late_correction(w: &World, seen: &mut Seen) {
    let c = apply(
        processing(w),
        correction_cmd(),
        &w.ctx(&clerk(), "2026-03-05"),
    );
    // Period over on 03-26. The applicant cannot correct on 03-27 …
    seen.reject(
        &c,
        correction_received(None, None),
        &w.ctx(&query_holder(), "2026-03-27"),
        RejectionCode::CorrectionPeriodPassed,
    );
    // … nor staff without a reason.
    seen.reject(
        &c,
        correction_received(Some("2026-03-27"), None),
        &w.ctx(&clerk(), "2026-03-30"),
        RejectionCode::CorrectionPeriodPassed,
    );
    seen.reject(
        &c,
        correction_received(Some("2026-03-31"), None),
        &w.ctx(&clerk(), "2026-03-30"),
        RejectionCode::DateInFuture,
    );
    // Staff accept it for good reason; the clock runs from 03-27.
    let reason = "申请人因住院未能按期补正，已提交医院证明";
    let (c, events) = step(
        &c,
        correction_received(Some("2026-03-27"), Some(reason)),
        &w.ctx(&clerk(), "2026-03-30"),
    );
    match &events[0].kind {
        EventKind::CorrectionReceived { late_reason, .. } => {
            assert_eq!(late_reason.as_deref(), Some(reason));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(c.status, Status::Registered);
    assert_eq!(w.due(&c), Some(d("2026-04-27")));
}

fn scenario_abandon(w: &World, seen: &mut Seen) {
    seen.reject(
        &processing(w),
        Command::Abandon,
        &w.ctx(&clerk(), "2026-03-31"),
        RejectionCode::CorrectionNotRequested,
    );
    let c = apply(
        processing(w),
        correction_cmd(),
        &w.ctx(&clerk(), "2026-03-05"),
    );
    seen.reject(
        &c,
        Command::Abandon,
        &w.ctx(&clerk(), "2026-03-26"),
        RejectionCode::CorrectionPeriodNotOver,
    );
    let (c, events) = step(&c, Command::Abandon, &w.ctx(&clerk(), "2026-03-27"));
    assert_eq!(names(&events), ["abandoned"]);
    assert_eq!(events[0].legal_date, Some(d("2026-03-27")));
    assert_eq!(
        all_notices(&c, &events),
        [to(
            NoticeKind::AbandonmentConfirmation,
            Recipient::Applicant
        )]
    );
    assert_eq!(c.status, Status::Abandoned);
    assert_eq!(
        c.outcome,
        Some(Outcome::Other(OtherGround::CorrectionNotSupplied))
    );
    assert_eq!(c.concluded_on, Some(d("2026-03-27")));
    assert_eq!(c.sub_state(), None);
    assert_eq!(w.due(&c), None);
    // Too late to correct, withdraw, reply or record an overdue.
    seen.reject(
        &c,
        correction_received(Some("2026-03-27"), Some("理由")),
        &w.ctx(&clerk(), "2026-03-30"),
        RejectionCode::WrongStatus,
    );
    seen.reject(
        &c,
        withdraw_cmd(None),
        &w.ctx(&query_holder(), "2026-03-30"),
        RejectionCode::WrongStatus,
    );
    seen.reject(
        &c,
        Command::RecordOverdue,
        &w.ctx(&Actor::system(), "2026-04-30"),
        RejectionCode::WrongStatus,
    );
    let c = apply(c, Command::Archive, &w.ctx(&clerk(), "2026-03-30"));
    assert_eq!(c.status, Status::Archived);
    assert_eq!(c.archived_on, Some(d("2026-03-30")));
}

// ---------------------------------------------------------------------------------------------
// Consultations (arts. 32, 34): pauses; "no answer" only after the 15 working days.
// ---------------------------------------------------------------------------------------------

fn scenario_third_party_consultation(w: &World, seen: &mut Seen) {
    let c = processing(w);
    seen.reject(
        &c,
        consult(
            ConsultationKind::ThirdParty,
            THIRD_PARTY,
            Some("2026-03-01"),
        ),
        &w.ctx(&clerk(), "2026-03-05"),
        RejectionCode::DateTooEarly,
    );
    seen.reject(
        &c,
        consult(ConsultationKind::ThirdParty, "  ", None),
        &w.ctx(&clerk(), "2026-03-05"),
        RejectionCode::InvalidInput,
    );
    seen.reject(
        &registered(w),
        consult(ConsultationKind::ThirdParty, THIRD_PARTY, None),
        &w.ctx(&clerk(), "2026-03-05"),
        RejectionCode::WrongStatus,
    );
    let (c, events) = step(
        &c,
        consult(ConsultationKind::ThirdParty, THIRD_PARTY, None),
        &w.ctx(&clerk(), "2026-03-05"),
    );
    assert_eq!(
        events[0].kind,
        EventKind::ConsultationStarted {
            id: 1,
            kind: ConsultationKind::ThirdParty,
            party: THIRD_PARTY.into(),
            // 15 working days after the letter of 03-05.
            deadline: d("2026-03-26"),
        }
    );
    assert_eq!(events[0].legal_date, Some(d("2026-03-05")));
    assert_eq!(
        all_notices(&c, &events),
        [to(
            NoticeKind::ThirdPartyConsultation,
            Recipient::Consulted(THIRD_PARTY.into())
        )]
    );
    assert_eq!(c.status, Status::Processing);
    assert_eq!(c.sub_state(), Some(SubState::ConsultingThirdParty));
    let due = c.reply_due(&w.cal, &w.statute).unwrap();
    assert_eq!(due.due, None, "paused");
    let s = due.suspended.unwrap();
    assert_eq!((s.kind, s.since), (PauseKind::ThirdParty, d("2026-03-05")));
    assert_eq!(s.remaining_days, 17, "03-03, 03-04, 03-05 counted");
    seen.reject(
        &c,
        Command::RecordOverdue,
        &w.ctx(&Actor::system(), "2026-04-30"),
        RejectionCode::NotOverdue,
    );
    let drafted = apply(
        c.clone(),
        draft_cmd(Outcome::Disclosed),
        &w.ctx(&clerk(), "2026-03-06"),
    );
    seen.reject(
        &drafted,
        Command::SubmitForReview,
        &w.ctx(&clerk(), "2026-03-06"),
        RejectionCode::PendingSteps,
    );

    // The third party objects on 03-12: (03-05, 03-12] = 5 working days not counted.
    seen.reject(
        &c,
        end_consult(1, Opinion::Objection, Some("2026-03-04")),
        &w.ctx(&clerk(), "2026-03-12"),
        RejectionCode::DateTooEarly,
    );
    seen.reject(
        &c,
        end_consult(1, Opinion::Objection, Some("2026-03-13")),
        &w.ctx(&clerk(), "2026-03-12"),
        RejectionCode::DateInFuture,
    );
    let (c, events) = step(
        &c,
        end_consult(1, Opinion::Objection, None),
        &w.ctx(&clerk(), "2026-03-12"),
    );
    assert_eq!(
        events[0].kind,
        EventKind::ConsultationEnded {
            id: 1,
            opinion: Opinion::Objection
        }
    );
    assert_eq!(events[0].legal_date, Some(d("2026-03-12")));
    assert!(all_notices(&c, &events).is_empty());
    assert_eq!(c.sub_state(), None);
    // 03-30 plus 5 working days: 03-31, 04-01, 04-02, 04-03, (清明) 04-07.
    let due = c.reply_due(&w.cal, &w.statute).unwrap();
    assert_eq!(due.due, Some(d("2026-04-07")));
    assert_eq!(due.explanation.pauses.len(), 1);
    assert_eq!(due.explanation.pauses[0].working_days_excluded, 5);
    seen.reject(
        &c,
        end_consult(1, Opinion::Consent, None),
        &w.ctx(&clerk(), "2026-03-13"),
        RejectionCode::ConsultationAlreadyEnded,
    );
    seen.reject(
        &c,
        end_consult(7, Opinion::Consent, None),
        &w.ctx(&clerk(), "2026-03-13"),
        RejectionCode::ConsultationNotFound,
    );
}

fn scenario_no_answer_after_deadline(w: &World, seen: &mut Seen) {
    let c = apply(
        processing(w),
        consult(
            ConsultationKind::ThirdParty,
            THIRD_PARTY,
            Some("2026-03-05"),
        ),
        &w.ctx(&clerk(), "2026-03-05"),
    );
    // Deadline 03-26: silence counts only from 03-27.
    seen.reject(
        &c,
        end_consult(1, Opinion::NoAnswer, None),
        &w.ctx(&clerk(), "2026-03-26"),
        RejectionCode::OpinionPeriodNotOver,
    );
    let (c, events) = step(
        &c,
        end_consult(1, Opinion::NoAnswer, None),
        &w.ctx(&clerk(), "2026-03-27"),
    );
    assert_eq!(events[0].legal_date, Some(d("2026-03-27")));
    assert_eq!(c.consultations[0].opinion, Some(Opinion::NoAnswer));
    // (03-05, 03-27] = 16 working days not counted: 17 left after 03-27 → 04-22.
    assert_eq!(w.due(&c), Some(d("2026-04-22")));
}

fn scenario_agency_consultation(w: &World, seen: &mut Seen) {
    let c = processing(w);
    let (c, events) = step(
        &c,
        consult(ConsultationKind::OtherAgency, OTHER_AGENCY, None),
        &w.ctx(&clerk(), "2026-03-05"),
    );
    assert_eq!(
        all_notices(&c, &events),
        [to(
            NoticeKind::AgencyConsultation,
            Recipient::Consulted(OTHER_AGENCY.into())
        )]
    );
    assert_eq!(c.sub_state(), Some(SubState::ConsultingAgency));
    // A third party as well, on 03-09: the third party is the more pressing sub-state.
    let (c, events) = step(
        &c,
        consult(ConsultationKind::ThirdParty, THIRD_PARTY, None),
        &w.ctx(&clerk(), "2026-03-09"),
    );
    match events[0].kind {
        EventKind::ConsultationStarted { id, deadline, .. } => {
            assert_eq!((id, deadline), (2, d("2026-03-30")));
        }
        ref other => panic!("{other:?}"),
    }
    assert_eq!(c.sub_state(), Some(SubState::ConsultingThirdParty));
    let c = apply(
        c,
        end_consult(2, Opinion::Consent, None),
        &w.ctx(&clerk(), "2026-03-16"),
    );
    assert_eq!(c.sub_state(), Some(SubState::ConsultingAgency));
    assert_eq!(
        w.due(&c),
        None,
        "the agency consultation still pauses the clock"
    );
    // The finance bureau stays silent: consent, from 03-27 on.
    seen.reject(
        &c,
        end_consult(1, Opinion::NoAnswer, None),
        &w.ctx(&clerk(), "2026-03-26"),
        RejectionCode::OpinionPeriodNotOver,
    );
    let c = apply(
        c,
        end_consult(1, Opinion::NoAnswer, None),
        &w.ctx(&clerk(), "2026-03-27"),
    );
    assert_eq!(c.sub_state(), None);
    // Pauses (03-05, 03-27] and (03-09, 03-16] overlap: 16 working days not counted.
    assert_eq!(w.due(&c), Some(d("2026-04-22")));
}

// ---------------------------------------------------------------------------------------------
// Extension (art. 33): once, at most 20 working days, approved by the supervisor.
// ---------------------------------------------------------------------------------------------

fn scenario_extension_approved(w: &World, seen: &mut Seen) {
    let c = processing(w);
    seen.reject(
        &c,
        Command::ApproveExtension,
        &w.ctx(&supervisor(), "2026-03-20"),
        RejectionCode::ExtensionNotRequested,
    );
    seen.reject(
        &c,
        Command::DenyExtension {
            reason: "不符合延期条件".into(),
        },
        &w.ctx(&supervisor(), "2026-03-20"),
        RejectionCode::ExtensionNotRequested,
    );
    seen.reject(
        &c,
        extension_cmd(Some(21)),
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::ExtensionTooLong,
    );
    seen.reject(
        &c,
        extension_cmd(Some(0)),
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::InvalidInput,
    );
    seen.reject(
        &c,
        Command::RequestExtension {
            reason: String::new(),
            days: None,
        },
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::InvalidInput,
    );

    let (c, events) = step(&c, extension_cmd(None), &w.ctx(&clerk(), "2026-03-20"));
    assert_eq!(names(&events), ["extension_requested"]);
    match &events[0].kind {
        EventKind::ExtensionRequested { days, .. } => assert_eq!(*days, 20),
        other => panic!("{other:?}"),
    }
    assert_eq!(events[0].legal_date, Some(d("2026-03-20")));
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::ReviewRequested, Recipient::Supervisors)]
    );
    assert_eq!(
        c.extension.as_ref().unwrap().decision,
        ExtensionDecision::Pending
    );
    assert_eq!(c.sub_state(), None, "not extended until approved");
    assert_eq!(w.due(&c), Some(d("2026-03-30")));
    seen.reject(
        &c,
        extension_cmd(None),
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::ExtensionAlreadyUsed,
    );
    seen.reject(
        &c,
        Command::ApproveExtension,
        &w.ctx(&clerk(), "2026-03-23"),
        RejectionCode::ForbiddenForRole,
    );

    let (c, events) = step(
        &c,
        Command::ApproveExtension,
        &w.ctx(&supervisor(), "2026-03-23"),
    );
    assert_eq!(names(&events), ["extension_approved"]);
    assert_eq!(events[0].kind, EventKind::ExtensionApproved { days: 20 });
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::ExtensionNotice, Recipient::Applicant)]
    );
    assert_eq!(c.sub_state(), Some(SubState::Extended));
    assert!(c.extension_used());
    // 40 working days after 03-02: 03-30 plus 20 (清明 04-06 skipped) = 04-28.
    let due = c.reply_due(&w.cal, &w.statute).unwrap();
    assert_eq!(due.due, Some(d("2026-04-28")));
    assert_eq!(due.explanation.extension_days, 20);
    let r = seen.reject(
        &c,
        extension_cmd(Some(5)),
        &w.ctx(&clerk(), "2026-04-01"),
        RejectionCode::ExtensionAlreadyUsed,
    );
    assert!(r.message.contains("2026-03-23"), "{}", r.message);
    seen.reject(
        &c,
        Command::ApproveExtension,
        &w.ctx(&supervisor(), "2026-04-01"),
        RejectionCode::ExtensionNotRequested,
    );
}

fn scenario_extension_denied(w: &World, seen: &mut Seen) {
    let c = apply(
        processing(w),
        extension_cmd(None),
        &w.ctx(&clerk(), "2026-03-20"),
    );
    seen.reject(
        &c,
        Command::DenyExtension { reason: " ".into() },
        &w.ctx(&supervisor(), "2026-03-23"),
        RejectionCode::InvalidInput,
    );
    let (c, events) = step(
        &c,
        Command::DenyExtension {
            reason: "所需信息集中存放于区档案馆，可在法定期限内调取".into(),
        },
        &w.ctx(&supervisor(), "2026-03-23"),
    );
    assert_eq!(names(&events), ["extension_denied"]);
    assert!(all_notices(&c, &events).is_empty());
    assert!(matches!(
        c.extension.as_ref().unwrap().decision,
        ExtensionDecision::Denied { .. }
    ));
    assert_eq!(c.sub_state(), None);
    assert_eq!(w.due(&c), Some(d("2026-03-30")));
    // A denied extension may be asked for again, here for 10 working days.
    let c = apply(c, extension_cmd(Some(10)), &w.ctx(&clerk(), "2026-03-24"));
    let c = apply(
        c,
        Command::ApproveExtension,
        &w.ctx(&supervisor2(), "2026-03-25"),
    );
    // 30 working days after 03-02: 04-14.
    assert_eq!(w.due(&c), Some(d("2026-04-14")));
    assert_eq!(c.approved_extension_days(), 10);
}

// ---------------------------------------------------------------------------------------------
// Fees (109号): notice → payment, or closure once the 20 working days have passed.
// ---------------------------------------------------------------------------------------------

fn scenario_fee_paid(w: &World, seen: &mut Seen) {
    let c = processing(w);
    seen.reject(
        &c,
        Command::RecordPayment { paid_on: None },
        &w.ctx(&clerk(), "2026-03-10"),
        RejectionCode::FeeNotIssued,
    );
    seen.reject(
        &c,
        Command::CloseUnpaid,
        &w.ctx(&clerk(), "2026-03-10"),
        RejectionCode::FeeNotIssued,
    );
    seen.reject(
        &c,
        Command::IssueFeeNotice {
            fee: FeeMethod::PerRequest { nth: 8 },
        },
        &w.ctx(&clerk(), "2026-03-10"),
        RejectionCode::NoFeeDue,
    );
    seen.reject(
        &c,
        Command::IssueFeeNotice {
            fee: FeeMethod::PerPage { pages: 30 },
        },
        &w.ctx(&clerk(), "2026-03-10"),
        RejectionCode::NoFeeDue,
    );
    let r = seen.reject(
        &c,
        Command::IssueFeeNotice {
            fee: FeeMethod::PerRequest { nth: 0 },
        },
        &w.ctx(&clerk(), "2026-03-10"),
        RejectionCode::InvalidInput,
    );
    assert_eq!(r.field, Some("fee.nth"));
    seen.reject(
        &registered(w),
        Command::IssueFeeNotice {
            fee: FeeMethod::PerPage { pages: 150 },
        },
        &w.ctx(&clerk(), "2026-03-10"),
        RejectionCode::WrongStatus,
    );

    // 150 pages: 70 × 10 + 50 × 20 = 1,700 yuan; pay within 20 working days of 03-10.
    let fee = FeeMethod::PerPage { pages: 150 };
    let (c, events) = step(
        &c,
        Command::IssueFeeNotice { fee },
        &w.ctx(&clerk(), "2026-03-10"),
    );
    assert_eq!(
        events[0].kind,
        EventKind::FeeNoticeIssued {
            fee,
            amount_yuan: 1700,
            deadline: d("2026-04-08"),
        }
    );
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::FeeNotice, Recipient::Applicant)]
    );
    assert_eq!(c.sub_state(), Some(SubState::AwaitingFee));
    let due = c.reply_due(&w.cal, &w.statute).unwrap();
    assert_eq!(due.due, None);
    assert_eq!(due.suspended.unwrap().kind, PauseKind::Fee);
    seen.reject(
        &c,
        Command::IssueFeeNotice {
            fee: FeeMethod::PerRequest { nth: 12 },
        },
        &w.ctx(&clerk(), "2026-03-11"),
        RejectionCode::FeeAlreadyIssued,
    );
    seen.reject(
        &c,
        Command::RecordPayment {
            paid_on: Some(d("2026-03-09")),
        },
        &w.ctx(&clerk(), "2026-03-18"),
        RejectionCode::DateTooEarly,
    );

    // Paid on 03-17, recorded on 03-18: (03-10, 03-17] = 5 working days not counted → 04-07.
    let (c, events) = step(
        &c,
        Command::RecordPayment {
            paid_on: Some(d("2026-03-17")),
        },
        &w.ctx(&clerk(), "2026-03-18"),
    );
    assert_eq!(names(&events), ["fee_paid"]);
    assert_eq!(events[0].legal_date, Some(d("2026-03-17")));
    assert!(all_notices(&c, &events).is_empty());
    assert_eq!(c.sub_state(), None);
    assert_eq!(w.due(&c), Some(d("2026-04-07")));
    seen.reject(
        &c,
        Command::RecordPayment { paid_on: None },
        &w.ctx(&clerk(), "2026-03-18"),
        RejectionCode::FeeAlreadyPaid,
    );
    seen.reject(
        &c,
        Command::CloseUnpaid,
        &w.ctx(&clerk(), "2026-04-20"),
        RejectionCode::FeeAlreadyPaid,
    );
}

fn scenario_fee_unpaid(w: &World, seen: &mut Seen) {
    // Per request: the 12th request of the month costs 100 yuan.
    let c = apply(
        processing(w),
        Command::IssueFeeNotice {
            fee: FeeMethod::PerRequest { nth: 12 },
        },
        &w.ctx(&clerk(), "2026-03-10"),
    );
    assert_eq!(c.fee.as_ref().unwrap().amount_yuan, 100);
    assert_eq!(c.fee.as_ref().unwrap().deadline, d("2026-04-08"));
    seen.reject(
        &c,
        Command::CloseUnpaid,
        &w.ctx(&clerk(), "2026-04-08"),
        RejectionCode::FeePeriodNotOver,
    );
    seen.reject(
        &c,
        Command::RecordPayment {
            paid_on: Some(d("2026-04-09")),
        },
        &w.ctx(&clerk(), "2026-04-09"),
        RejectionCode::FeePeriodPassed,
    );
    let (c, events) = step(&c, Command::CloseUnpaid, &w.ctx(&clerk(), "2026-04-09"));
    assert_eq!(names(&events), ["closed_unpaid"]);
    assert_eq!(events[0].legal_date, Some(d("2026-04-09")));
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::UnpaidClosure, Recipient::Applicant)]
    );
    assert_eq!(c.status, Status::ClosedUnpaid);
    assert_eq!(c.outcome, Some(Outcome::Other(OtherGround::FeeNotPaid)));
    assert_eq!(c.concluded_on, Some(d("2026-04-09")));
    assert_eq!(c.sub_state(), None);
    assert_eq!(w.due(&c), None);
    seen.reject(
        &c,
        Command::CloseUnpaid,
        &w.ctx(&clerk(), "2026-04-10"),
        RejectionCode::WrongStatus,
    );
    let c = apply(c, Command::Archive, &w.ctx(&clerk(), "2026-04-10"));
    assert_eq!(c.status, Status::Archived);
}

// ---------------------------------------------------------------------------------------------
// A reasonable later date (art. 35) replaces the due date.
// ---------------------------------------------------------------------------------------------

fn scenario_reasonable_date(w: &World, seen: &mut Seen) {
    let c = processing(w);
    let set = |date: &str| Command::SetReasonableDate {
        date: d(date),
        reason: "申请人一个月内提出同类申请120件，确需较长时间检索、汇总".into(),
    };
    seen.reject(
        &c,
        set("2026-03-30"),
        &w.ctx(&supervisor(), "2026-03-10"),
        RejectionCode::InvalidInput,
    );
    seen.reject(
        &c,
        set("2026-03-10"),
        &w.ctx(&supervisor(), "2026-03-10"),
        RejectionCode::InvalidInput,
    );
    seen.reject(
        &c,
        set("2026-05-29"),
        &w.ctx(&clerk(), "2026-03-10"),
        RejectionCode::ForbiddenForRole,
    );
    let (c, events) = step(&c, set("2026-05-29"), &w.ctx(&supervisor(), "2026-03-10"));
    assert_eq!(names(&events), ["reasonable_date_set"]);
    // The applicant is told of the later date.
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::ReasonableDateNotice, Recipient::Applicant)]
    );
    let due = c.reply_due(&w.cal, &w.statute).unwrap();
    assert_eq!(due.due, Some(d("2026-05-29")));
    assert_eq!(due.explanation.statutory_due, Some(d("2026-03-30")));
    let r = due.explanation.reasonable_date.unwrap();
    assert_eq!(r.set_by, LIU_YANG);
    assert!(
        due.explanation
            .text_zh
            .iter()
            .any(|l| l.contains("第三十五条"))
    );
    // Not overdue after the statutory date: the reasonable date governs.
    seen.reject(
        &c,
        Command::RecordOverdue,
        &w.ctx(&Actor::system(), "2026-04-01"),
        RejectionCode::NotOverdue,
    );
    let c = apply(
        c,
        Command::RecordOverdue,
        &w.ctx(&Actor::system(), "2026-06-01"),
    );
    assert_eq!(
        c.breaches[0].breach,
        Breach::ReplyOverdue {
            due: d("2026-05-29")
        }
    );
}

// ---------------------------------------------------------------------------------------------
// Replies: on the spot (in person only), and draft → review → approval → delivery → archive.
// ---------------------------------------------------------------------------------------------

fn scenario_reply_on_the_spot(w: &World, seen: &mut Seen) {
    let c = registered(w);
    let spot = Command::ReplyOnTheSpot {
        reply: reply(Outcome::Disclosed, None),
    };
    let (c, events) = step(&c, spot.clone(), &w.ctx(&clerk(), "2026-03-02"));
    assert_eq!(names(&events), ["replied_on_the_spot"]);
    assert_eq!(events[0].legal_date, Some(d("2026-03-02")));
    assert_eq!(
        all_notices(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::Disclosed),
            Recipient::Applicant
        )]
    );
    assert_eq!(c.status, Status::Replied);
    assert!(c.replied_on_the_spot);
    assert_eq!(c.outcome, Some(Outcome::Disclosed));
    assert_eq!(c.replied_on, Some(d("2026-03-02")));
    assert_eq!(c.approved_by.as_deref(), Some(ZHANG_WEI));
    assert_eq!(w.due(&c), None);
    seen.reject(
        &c,
        spot.clone(),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::WrongStatus,
    );
    let c = apply(
        c,
        Command::RecordDelivery {
            method: Delivery::Collect,
            delivered_on: None,
        },
        &w.ctx(&clerk(), "2026-03-02"),
    );
    assert_eq!(c.delivered, Some((d("2026-03-02"), Delivery::Collect)));

    // Not for online or posted requests; not while a step is open; not before registration.
    let online = apply(
        online_received(w),
        register_cmd(),
        &w.ctx(&clerk(), "2026-03-02"),
    );
    seen.reject(
        &online,
        spot.clone(),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::OnTheSpotRequiresInPerson,
    );
    let consulting = apply(
        processing(w),
        consult(ConsultationKind::ThirdParty, THIRD_PARTY, None),
        &w.ctx(&clerk(), "2026-03-02"),
    );
    seen.reject(
        &consulting,
        spot.clone(),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::PendingSteps,
    );
    // "On the spot" means the day it is handed in; a later reply is drafted and reviewed.
    seen.reject(
        &registered(w),
        spot.clone(),
        &w.ctx(&clerk(), "2026-03-03"),
        RejectionCode::NotOnReceiptDay,
    );
    let received = apply(
        Case::default(),
        receive_cmd(Channel::InPerson, None),
        &w.ctx(&clerk(), "2026-03-02"),
    );
    seen.reject(
        &received,
        spot,
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::WrongStatus,
    );
}

fn scenario_review_cycle(w: &World, seen: &mut Seen) {
    let c = processing(w);
    seen.reject(
        &c,
        Command::SubmitForReview,
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::DraftMissing,
    );
    seen.reject(
        &c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), "2026-03-20"),
        RejectionCode::WrongStatus,
    );
    seen.reject(
        &c,
        Command::RecordDelivery {
            method: Delivery::Post,
            delivered_on: None,
        },
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::ReplyNotApproved,
    );
    seen.reject(
        &c,
        Command::Archive,
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::WrongStatus,
    );
    seen.reject(
        &c,
        Command::DraftReply {
            reply: Reply {
                outcome: Outcome::Disclosed,
                text: "   ".into(),
                competent_agency: None,
            },
        },
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::InvalidInput,
    );

    // Draft (张伟) → submit.
    let (c, events) = step(
        &c,
        draft_cmd(Outcome::PartlyDisclosed),
        &w.ctx(&clerk(), "2026-03-20"),
    );
    assert_eq!(names(&events), ["reply_drafted"]);
    assert!(all_notices(&c, &events).is_empty());
    assert_eq!(c.status, Status::Processing);
    assert_eq!(c.draft.as_ref().unwrap().by, ZHANG_WEI);
    let (c, events) = step(&c, Command::SubmitForReview, &w.ctx(&clerk(), "2026-03-20"));
    assert_eq!(names(&events), ["submitted_for_review"]);
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::ReviewRequested, Recipient::Supervisors)]
    );
    assert_eq!(c.status, Status::UnderReview);
    assert_eq!(
        w.due(&c),
        Some(d("2026-03-30")),
        "the clock runs during review"
    );
    seen.reject(
        &c,
        draft_cmd(Outcome::Disclosed),
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::WrongStatus,
    );
    seen.reject(
        &c,
        Command::SubmitForReview,
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::WrongStatus,
    );

    // Returned by 刘洋.
    let (c, events) = step(
        &c,
        Command::ReturnReply {
            reason: "请补充依照第三十七条区分处理的说明".into(),
        },
        &w.ctx(&supervisor(), "2026-03-23"),
    );
    assert_eq!(names(&events), ["reply_returned"]);
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::ReplyReturned, Recipient::Assignee)]
    );
    assert_eq!(c.status, Status::Processing);
    assert_eq!(
        c.last_return_reason.as_deref(),
        Some("请补充依照第三十七条区分处理的说明")
    );
    seen.reject(
        &c,
        Command::ReturnReply {
            reason: "再次退回".into(),
        },
        &w.ctx(&supervisor(), "2026-03-23"),
        RejectionCode::WrongStatus,
    );

    // Redrafted and resubmitted; approved by 刘洋 (not the drafter) on 03-25, in time.
    let c = apply(
        c,
        draft_cmd(Outcome::PartlyDisclosed),
        &w.ctx(&clerk(), "2026-03-24"),
    );
    let c = apply(c, Command::SubmitForReview, &w.ctx(&clerk(), "2026-03-24"));
    assert_eq!(c.status, Status::UnderReview);
    let (c, events) = step(
        &c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), "2026-03-25"),
    );
    assert_eq!(names(&events), ["reply_approved"], "in time: no breach");
    assert_eq!(
        events[0].kind,
        EventKind::ReplyApproved {
            outcome: Outcome::PartlyDisclosed
        }
    );
    assert_eq!(events[0].legal_date, Some(d("2026-03-25")));
    assert_eq!(
        all_notices(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::PartlyDisclosed),
            Recipient::Applicant
        )]
    );
    assert_eq!(c.status, Status::Replied);
    assert_eq!(c.outcome, Some(Outcome::PartlyDisclosed));
    assert_eq!(c.reply.as_ref().unwrap().outcome, Outcome::PartlyDisclosed);
    assert_eq!(c.replied_on, Some(d("2026-03-25")));
    assert_eq!(c.concluded_on, Some(d("2026-03-25")));
    assert_eq!(c.approved_by.as_deref(), Some(LIU_YANG));
    assert!(c.breaches.is_empty());
    assert_eq!(w.due(&c), None);
    assert_eq!(c.sub_state(), None);

    // Delivery, then archive.
    seen.reject(
        &c,
        Command::Archive,
        &w.ctx(&clerk(), "2026-03-26"),
        RejectionCode::DeliveryNotRecorded,
    );
    seen.reject(
        &c,
        Command::RecordDelivery {
            method: Delivery::Post,
            delivered_on: Some(d("2026-03-24")),
        },
        &w.ctx(&clerk(), "2026-03-30"),
        RejectionCode::DateTooEarly,
    );
    seen.reject(
        &c,
        Command::RecordDelivery {
            method: Delivery::Post,
            delivered_on: Some(d("2026-03-31")),
        },
        &w.ctx(&clerk(), "2026-03-30"),
        RejectionCode::DateInFuture,
    );
    let (c, events) = step(
        &c,
        Command::RecordDelivery {
            method: Delivery::Post,
            delivered_on: Some(d("2026-03-27")),
        },
        &w.ctx(&clerk(), "2026-03-30"),
    );
    assert_eq!(names(&events), ["delivered"]);
    assert_eq!(events[0].legal_date, Some(d("2026-03-27")));
    assert!(all_notices(&c, &events).is_empty());
    assert_eq!(c.delivered, Some((d("2026-03-27"), Delivery::Post)));
    seen.reject(
        &c,
        Command::RecordDelivery {
            method: Delivery::Email,
            delivered_on: None,
        },
        &w.ctx(&clerk(), "2026-03-30"),
        RejectionCode::AlreadyDelivered,
    );
    let (c, events) = step(&c, Command::Archive, &w.ctx(&clerk(), "2026-03-30"));
    assert_eq!(names(&events), ["archived"]);
    assert!(all_notices(&c, &events).is_empty());
    assert_eq!(c.status, Status::Archived);
    assert_eq!(c.archived_on, Some(d("2026-03-30")));
    seen.reject(
        &c,
        Command::Archive,
        &w.ctx(&clerk(), "2026-03-31"),
        RejectionCode::WrongStatus,
    );
    seen.reject(
        &c,
        withdraw_cmd(None),
        &w.ctx(&query_holder(), "2026-03-31"),
        RejectionCode::WrongStatus,
    );
}

fn scenario_self_approval(w: &World, seen: &mut Seen) {
    // 陈静 drafts and submits herself: 刘洋 must approve.
    let c = apply(
        processing(w),
        draft_cmd(Outcome::Disclosed),
        &w.ctx(&supervisor2(), "2026-03-20"),
    );
    let c = apply(
        c,
        Command::SubmitForReview,
        &w.ctx(&supervisor2(), "2026-03-20"),
    );
    seen.reject(
        &c,
        Command::ApproveReply,
        &w.ctx(&supervisor2(), "2026-03-23"),
        RejectionCode::SelfApproval,
    );
    let c = apply(
        c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), "2026-03-23"),
    );
    assert_eq!(c.status, Status::Replied);
    assert_eq!(c.approved_by.as_deref(), Some(LIU_YANG));
    assert_eq!(c.draft.as_ref().unwrap().by, CHEN_JING);
}

fn scenario_reply_outcomes(w: &World, seen: &mut Seen) {
    // Not held, the competent agency known: 非本机关负责公开告知书.
    let ghj = "北京市规划和自然资源委员会朝阳分局";
    let not_held = Outcome::CannotProvide(CannotProvideGround::NotHeld);
    let approve = |r: Reply| {
        let c = apply(
            processing(w),
            Command::DraftReply { reply: r },
            &w.ctx(&clerk(), "2026-03-20"),
        );
        let c = apply(c, Command::SubmitForReview, &w.ctx(&clerk(), "2026-03-20"));
        step(
            &c,
            Command::ApproveReply,
            &w.ctx(&supervisor(), "2026-03-23"),
        )
    };
    let (c, events) = approve(reply(not_held, Some(ghj)));
    assert_eq!(
        all_notices(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::NotThisAgency),
            Recipient::Applicant
        )]
    );
    assert_eq!(
        c.reply.as_ref().unwrap().competent_agency.as_deref(),
        Some(ghj)
    );
    let (c, events) = approve(reply(not_held, None));
    assert_eq!(
        all_notices(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::NotExist),
            Recipient::Applicant
        )]
    );
    for (outcome, notice) in [
        (
            Outcome::NotDisclosed(NotDisclosedGround::ThirdPartyRights),
            ReplyNotice::NotDisclosed,
        ),
        (
            Outcome::CannotProvide(CannotProvideGround::WouldNeedCreating),
            ReplyNotice::CannotProvide,
        ),
        (
            Outcome::NotProcessed(NotProcessedGround::Petition),
            ReplyNotice::NotProcessed,
        ),
        (Outcome::Other(OtherGround::Other), ReplyNotice::Other),
    ] {
        let (c, events) = approve(reply(outcome, None));
        assert_eq!(c.outcome, Some(outcome));
        assert_eq!(
            all_notices(&c, &events),
            [to(NoticeKind::Reply(notice), Recipient::Applicant)]
        );
    }
    // Only "not held" names a competent agency; abandonment and unpaid fees are not drafted.
    let c = processing(w);
    let r = seen.reject(
        &c,
        Command::DraftReply {
            reply: reply(Outcome::Disclosed, Some(ghj)),
        },
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::InvalidInput,
    );
    assert_eq!(r.field, Some("reply.competent_agency"));
    for outcome in [
        Outcome::Other(OtherGround::CorrectionNotSupplied),
        Outcome::Other(OtherGround::FeeNotPaid),
    ] {
        let r = seen.reject(
            &c,
            draft_cmd(outcome),
            &w.ctx(&clerk(), "2026-03-20"),
            RejectionCode::InvalidInput,
        );
        assert_eq!(r.field, Some("reply.outcome"));
    }
}

// ---------------------------------------------------------------------------------------------
// Withdrawal by the applicant (via the account or the query code) or recorded by staff.
// ---------------------------------------------------------------------------------------------

fn scenario_withdraw(w: &World, seen: &mut Seen) {
    // Filed online by 王小明, withdrawn by him before registration.
    let c = online_received(w);
    seen.reject(
        &c,
        withdraw_cmd(None),
        &w.ctx(&other_applicant(), "2026-03-03"),
        RejectionCode::NotOwner,
    );
    seen.reject(
        &c,
        withdraw_cmd(None),
        &w.ctx(&query_holder(), "2026-03-03"),
        RejectionCode::NotOwner,
    );
    seen.reject(
        &c,
        withdraw_cmd(Some("2026-03-02")),
        &w.ctx(&applicant(), "2026-03-03"),
        RejectionCode::InvalidInput,
    );
    let (c, events) = step(&c, withdraw_cmd(None), &w.ctx(&applicant(), "2026-03-03"));
    assert_eq!(names(&events), ["withdrawn"]);
    assert_eq!(events[0].legal_date, Some(d("2026-03-03")));
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::WithdrawalConfirmation, Recipient::Applicant)]
    );
    assert_eq!(c.status, Status::Withdrawn);
    assert_eq!(c.outcome, Some(Outcome::Other(OtherGround::Other)));
    assert_eq!(c.concluded_on, Some(d("2026-03-03")));
    assert_eq!(w.due(&c), None);
    seen.reject(
        &c,
        withdraw_cmd(None),
        &w.ctx(&applicant(), "2026-03-04"),
        RejectionCode::WrongStatus,
    );
    let c = apply(c, Command::Archive, &w.ctx(&clerk(), "2026-03-04"));
    assert_eq!(c.status, Status::Archived);

    // Handed in (no account), under review: withdrawn with the query code.
    let c = under_review(w, Outcome::Disclosed, "2026-03-20");
    let stranger = Actor::query_code_holder("朝政公开〔2026〕第0002号");
    seen.reject(
        &c,
        withdraw_cmd(None),
        &w.ctx(&stranger, "2026-03-23"),
        RejectionCode::NotOwner,
    );
    seen.reject(
        &c,
        withdraw_cmd(None),
        &w.ctx(&applicant(), "2026-03-23"),
        RejectionCode::NotOwner,
    );
    let (after, events) = step(
        &c,
        withdraw_cmd(None),
        &w.ctx(&query_holder(), "2026-03-23"),
    );
    assert_eq!(after.status, Status::Withdrawn);
    assert_eq!(events[0].actor.id, format!("query:{TRACKING}"));

    // A withdrawal letter recorded by a clerk, dated the day it was received.
    seen.reject(
        &c,
        withdraw_cmd(Some("2026-03-01")),
        &w.ctx(&clerk2(), "2026-03-23"),
        RejectionCode::DateTooEarly,
    );
    let (after, events) = step(
        &c,
        withdraw_cmd(Some("2026-03-20")),
        &w.ctx(&clerk2(), "2026-03-23"),
    );
    assert_eq!(events[0].legal_date, Some(d("2026-03-20")));
    assert_eq!(after.status, Status::Withdrawn);
    assert_eq!(after.concluded_on, Some(d("2026-03-20")));
}

// ---------------------------------------------------------------------------------------------
// Reopening on an order: a new clock from the day the order was received.
// ---------------------------------------------------------------------------------------------

fn scenario_reopen(w: &World, seen: &mut Seen) {
    let c = archived(w);
    seen.reject(
        &processing(w),
        Command::Reopen {
            order: order(OrderKind::Reconsideration, "2026-03-20"),
        },
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::WrongStatus,
    );
    seen.reject(
        &c,
        Command::Reopen {
            order: order(OrderKind::Reconsideration, "2026-03-24"),
        },
        &w.ctx(&clerk(), "2026-05-07"),
        RejectionCode::DateTooEarly,
    );
    seen.reject(
        &c,
        Command::Reopen {
            order: order(OrderKind::Reconsideration, "2026-05-08"),
        },
        &w.ctx(&clerk(), "2026-05-07"),
        RejectionCode::DateInFuture,
    );
    let mut no_reference = order(OrderKind::Reconsideration, "2026-05-06");
    no_reference.reference = String::new();
    seen.reject(
        &c,
        Command::Reopen {
            order: no_reference,
        },
        &w.ctx(&clerk(), "2026-05-07"),
        RejectionCode::InvalidInput,
    );

    // The reconsideration decision, received on 05-06, orders a new reply.
    let (c, events) = step(
        &c,
        Command::Reopen {
            order: order(OrderKind::Reconsideration, "2026-05-06"),
        },
        &w.ctx(&clerk(), "2026-05-07"),
    );
    assert_eq!(names(&events), ["reopened"]);
    assert_eq!(events[0].legal_date, Some(d("2026-05-06")));
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::Reopened, Recipient::Assignee)]
    );
    assert_eq!(c.status, Status::Processing);
    assert_eq!(c.orders.len(), 1);
    assert_eq!(
        c.clock_start,
        Some(ClockStart {
            date: d("2026-05-06"),
            reason: StartReason::Order
        })
    );
    for cleared in [c.draft.is_none(), c.reply.is_none(), c.outcome.is_none()] {
        assert!(cleared, "the earlier round's reply is cleared");
    }
    assert_eq!(
        (c.replied_on, c.delivered, c.archived_on),
        (None, None, None)
    );
    // 05-07, 05-08, 05-09 (make-up), 05-11…15, 18…22, 25…29, 06-01, 06-02 = 20.
    let due = c.reply_due(&w.cal, &w.statute).unwrap();
    assert_eq!(due.due, Some(d("2026-06-02")));
    assert_eq!(due.explanation.start_reason, StartReason::Order);
    assert_eq!(due.explanation.makeup_days, [d("2026-05-09")]);
    // The new round has its own 7-working-day limit for a correction notice (05-07, 05-08,
    // 05-09 make-up, 05-11 … 05-14), so a correction asked for on 05-13 is in time.
    assert_eq!(c.correction_notice_deadline, Some(d("2026-05-14")));
    let (_, events) = step(&c, correction_cmd(), &w.ctx(&clerk(), "2026-05-13"));
    assert_eq!(names(&events), ["correction_requested"]);
    // The new round may be extended again (40 working days: 07-01).
    let c = apply(c, extension_cmd(None), &w.ctx(&clerk(), "2026-05-20"));
    let c = apply(
        c,
        Command::ApproveExtension,
        &w.ctx(&supervisor(), "2026-05-21"),
    );
    assert_eq!(w.due(&c), Some(d("2026-07-01")));

    // A court order reopens a reply given on the spot, still not archived.
    let spot = apply(
        registered(w),
        Command::ReplyOnTheSpot {
            reply: reply(Outcome::NotProcessed(NotProcessedGround::Publication), None),
        },
        &w.ctx(&clerk(), "2026-03-02"),
    );
    let c = apply(
        spot,
        Command::Reopen {
            order: order(OrderKind::Court, "2026-05-15"),
        },
        &w.ctx(&supervisor(), "2026-05-15"),
    );
    assert_eq!(c.status, Status::Processing);
    assert!(!c.replied_on_the_spot);
    assert_eq!(c.orders[0].kind, OrderKind::Court);
    assert_eq!(w.due(&c), Some(d("2026-06-12")));
}

// ---------------------------------------------------------------------------------------------
// Statutory breaches: recorded, not hidden.
// ---------------------------------------------------------------------------------------------

fn scenario_record_overdue(w: &World, seen: &mut Seen) {
    let c = processing(w);
    let system = Actor::system();
    seen.reject(
        &c,
        Command::RecordOverdue,
        &w.ctx(&system, "2026-03-30"),
        RejectionCode::NotOverdue,
    );
    // The due date ends at midnight in Beijing: 23:59 on 03-30 is not overdue, 00:00 on 03-31 is.
    seen.reject(
        &c,
        Command::RecordOverdue,
        &w.ctx_at(&system, at("2026-03-30", 15, 59)),
        RejectionCode::NotOverdue,
    );
    let (_, events) = step(
        &c,
        Command::RecordOverdue,
        &w.ctx_at(&system, at("2026-03-30", 16, 0)),
    );
    assert_eq!(events[0].legal_date, Some(d("2026-03-31")));
    seen.reject(
        &online_received(w),
        Command::RecordOverdue,
        &w.ctx(&system, "2026-05-30"),
        RejectionCode::NotOverdue,
    );
    seen.reject(
        &c,
        Command::RecordOverdue,
        &w.ctx(&clerk(), "2026-03-31"),
        RejectionCode::ForbiddenForRole,
    );
    let (c, events) = step(&c, Command::RecordOverdue, &w.ctx(&system, "2026-03-31"));
    assert_eq!(
        events[0].kind,
        EventKind::BreachRecorded {
            breach: Breach::ReplyOverdue {
                due: d("2026-03-30")
            }
        }
    );
    assert_eq!(events[0].legal_date, Some(d("2026-03-31")));
    assert_eq!(events[0].actor.role, Role::System);
    assert_eq!(
        all_notices(&c, &events),
        [
            to(NoticeKind::Overdue, Recipient::Assignee),
            to(NoticeKind::Overdue, Recipient::Supervisors)
        ]
    );
    assert_eq!(c.breaches.len(), 1);
    assert_eq!(c.breaches[0].on, d("2026-03-31"));
    assert_eq!(
        c.status,
        Status::Processing,
        "a breach does not change the status"
    );
    let r = seen.reject(
        &c,
        Command::RecordOverdue,
        &w.ctx(&system, "2026-04-01"),
        RejectionCode::AlreadyRecorded,
    );
    assert!(r.message.contains("2026-03-30"), "{}", r.message);
    // A supervisor may record it as well (and gets the same answer).
    seen.reject(
        &c,
        Command::RecordOverdue,
        &w.ctx(&supervisor(), "2026-04-01"),
        RejectionCode::AlreadyRecorded,
    );
    // The late approval does not record the same breach twice.
    let c = apply(
        c,
        draft_cmd(Outcome::Disclosed),
        &w.ctx(&clerk(), "2026-04-01"),
    );
    let c = apply(c, Command::SubmitForReview, &w.ctx(&clerk(), "2026-04-01"));
    let (c, events) = step(
        &c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), "2026-04-02"),
    );
    assert_eq!(names(&events), ["reply_approved"]);
    assert_eq!(c.breaches.len(), 1);

    // A posted request not yet registered is overdue on its own receipt date.
    let posted = apply(
        Case::default(),
        receive_cmd(Channel::RegisteredPost, Some("2026-02-26")),
        &w.ctx(&clerk(), "2026-03-02"),
    );
    let posted = apply(
        posted,
        Command::RecordOverdue,
        &w.ctx(&system, "2026-03-26"),
    );
    assert_eq!(
        posted.breaches[0].breach,
        Breach::ReplyOverdue {
            due: d("2026-03-25")
        }
    );
}

fn scenario_correction_notice_late(w: &World, _seen: &mut Seen) {
    // Received 03-02: the correction notice is due by 03-11 (7 working days).
    let c = processing(w);
    assert_eq!(c.correction_notice_deadline, Some(d("2026-03-11")));
    let (_, events) = step(&c, correction_cmd(), &w.ctx(&clerk(), "2026-03-11"));
    assert_eq!(
        names(&events),
        ["correction_requested"],
        "on the last day: in time"
    );

    let (after, events) = step(&c, correction_cmd(), &w.ctx(&clerk(), "2026-03-12"));
    assert_eq!(names(&events), ["correction_requested", "breach_recorded"]);
    assert_eq!(
        events[1].kind,
        EventKind::BreachRecorded {
            breach: Breach::CorrectionNoticeLate {
                deadline: d("2026-03-11")
            }
        }
    );
    assert_eq!(events[1].legal_date, Some(d("2026-03-12")));
    assert_eq!(
        all_notices(&after, &events),
        [to(NoticeKind::CorrectionNotice, Recipient::Applicant)],
        "the correction notice still goes out"
    );
    assert_eq!(after.breaches.len(), 1);
    assert_eq!(after.sub_state(), Some(SubState::AwaitingCorrection));
    // The period given is still counted from the (late) notice: 15 working days after 03-12.
    assert_eq!(
        after.pending_correction().unwrap().deadline,
        d("2026-04-02")
    );
    assert!(
        Breach::CorrectionNoticeLate {
            deadline: d("2026-03-11")
        }
        .label_zh()
        .contains("2026-03-11")
    );
}

fn scenario_extension_late(w: &World, _seen: &mut Seen) {
    let c = processing(w);
    // Requested on the due date: in time.
    let (_, events) = step(&c, extension_cmd(None), &w.ctx(&clerk(), "2026-03-30"));
    assert_eq!(names(&events), ["extension_requested"]);

    // Requested after the due date: the overdue reply and the late extension are recorded.
    let (c, events) = step(&c, extension_cmd(None), &w.ctx(&clerk(), "2026-03-31"));
    assert_eq!(
        names(&events),
        ["breach_recorded", "extension_requested", "breach_recorded"]
    );
    assert_eq!(
        events[0].kind,
        EventKind::BreachRecorded {
            breach: Breach::ReplyOverdue {
                due: d("2026-03-30")
            }
        }
    );
    assert_eq!(
        events[2].kind,
        EventKind::BreachRecorded {
            breach: Breach::ExtensionLate {
                due: d("2026-03-30")
            }
        }
    );
    // Approved a day later: neither breach is recorded twice.
    let (c, events) = step(
        &c,
        Command::ApproveExtension,
        &w.ctx(&supervisor(), "2026-04-01"),
    );
    assert_eq!(names(&events), ["extension_approved"]);
    assert_eq!(c.breaches.len(), 2);
    assert_eq!(w.due(&c), Some(d("2026-04-28")));

    // Requested in time, approved after the due date: recorded at approval.
    let c = apply(
        processing(w),
        extension_cmd(None),
        &w.ctx(&clerk(), "2026-03-27"),
    );
    let (c, events) = step(
        &c,
        Command::ApproveExtension,
        &w.ctx(&supervisor(), "2026-03-31"),
    );
    assert_eq!(
        names(&events),
        ["breach_recorded", "extension_approved", "breach_recorded"]
    );
    assert_eq!(
        c.breaches.iter().map(|b| b.breach).collect::<Vec<_>>(),
        [
            Breach::ReplyOverdue {
                due: d("2026-03-30")
            },
            Breach::ExtensionLate {
                due: d("2026-03-30")
            }
        ]
    );
    // The extension moved the due date, but the period that ran out stays on the record.
    assert_eq!(w.due(&c), Some(d("2026-04-28")));
}

fn scenario_reply_overdue(w: &World, _seen: &mut Seen) {
    // Approved on the due date: in time.
    let c = under_review(w, Outcome::Disclosed, "2026-03-27");
    let (_, events) = step(
        &c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), "2026-03-30"),
    );
    assert_eq!(names(&events), ["reply_approved"]);
    // Approved the day after: recorded, and supervision is told.
    let (after, events) = step(
        &c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), "2026-03-31"),
    );
    assert_eq!(names(&events), ["breach_recorded", "reply_approved"]);
    assert_eq!(
        events[0].kind,
        EventKind::BreachRecorded {
            breach: Breach::ReplyOverdue {
                due: d("2026-03-30")
            }
        }
    );
    assert_eq!(after.status, Status::Replied);
    assert_eq!(after.breaches.len(), 1);
    assert_eq!(
        all_notices(&after, &events),
        [
            to(NoticeKind::Overdue, Recipient::Assignee),
            to(NoticeKind::Overdue, Recipient::Supervisors),
            to(
                NoticeKind::Reply(ReplyNotice::Disclosed),
                Recipient::Applicant
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Role rules: role, then department, then assignment or ownership.
// ---------------------------------------------------------------------------------------------

/// One instance of every command (receive twice: online and not).
fn sample_commands() -> Vec<Command> {
    vec![
        receive_cmd(Channel::Online, None),
        receive_cmd(Channel::RegisteredPost, Some("2026-03-02")),
        register_cmd(),
        assign_to(LI_NA),
        Command::StartProcessing,
        correction_cmd(),
        correction_received(None, None),
        Command::Abandon,
        consult(ConsultationKind::ThirdParty, THIRD_PARTY, None),
        end_consult(1, Opinion::Consent, None),
        extension_cmd(None),
        Command::ApproveExtension,
        Command::DenyExtension {
            reason: "理由不充分".into(),
        },
        Command::IssueFeeNotice {
            fee: FeeMethod::PerPage { pages: 150 },
        },
        Command::RecordPayment { paid_on: None },
        Command::CloseUnpaid,
        Command::SetReasonableDate {
            date: d("2026-05-29"),
            reason: "申请数量明显超过合理范围".into(),
        },
        Command::ReplyOnTheSpot {
            reply: reply(Outcome::Disclosed, None),
        },
        draft_cmd(Outcome::Disclosed),
        Command::SubmitForReview,
        Command::ApproveReply,
        Command::ReturnReply {
            reason: "请修改".into(),
        },
        Command::RecordDelivery {
            method: Delivery::Post,
            delivered_on: None,
        },
        Command::Archive,
        withdraw_cmd(None),
        Command::Reopen {
            order: order(OrderKind::Court, "2026-03-04"),
        },
        Command::RecordOverdue,
        remedy_cmd(RemedyKind::Reconsideration, "2026-03-02", None),
        Command::DecideRemedy {
            remedy: 1,
            result: RemedyResult::Upheld,
            decided_on: d("2026-03-03"),
        },
    ]
}

fn remedy_cmd(kind: RemedyKind, filed: &str, result: Option<(RemedyResult, &str)>) -> Command {
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

/// Reconsideration and litigation records: on any received case, numbered, decided once; the
/// dates and fields checked; nothing about the handling moves.
fn scenario_remedies(w: &World, seen: &mut Seen) {
    let c = archived(w);
    let ctx = w.ctx(&clerk(), "2026-05-07");
    let before = c.last_legal_date;
    let (c, events) = step(
        &c,
        remedy_cmd(RemedyKind::Reconsideration, "2026-04-20", None),
        &ctx,
    );
    assert_eq!(names(&events), ["remedy_recorded"]);
    assert_eq!(c.remedies.len(), 1);
    assert_eq!(c.remedies[0].id, 1);
    assert_eq!(
        c.status,
        Status::Archived,
        "recording a remedy does not reopen the case"
    );
    assert_eq!(c.last_legal_date, before);
    // Refusals: a decision of a remedy that is not there, a date before the filing, a result
    // without its date, a lawsuit flag on a reconsideration, a future filing, no body.
    seen.reject(
        &c,
        Command::DecideRemedy {
            remedy: 2,
            result: RemedyResult::Upheld,
            decided_on: d("2026-05-06"),
        },
        &ctx,
        RejectionCode::RemedyNotFound,
    );
    seen.reject(
        &c,
        Command::DecideRemedy {
            remedy: 1,
            result: RemedyResult::Upheld,
            decided_on: d("2026-04-19"),
        },
        &ctx,
        RejectionCode::DateTooEarly,
    );
    let Command::RecordRemedy {
        remedy: mut no_date,
    } = remedy_cmd(
        RemedyKind::Reconsideration,
        "2026-04-20",
        Some((RemedyResult::Other, "2026-04-30")),
    )
    else {
        unreachable!()
    };
    no_date.decided_on = None;
    seen.reject(
        &c,
        Command::RecordRemedy {
            remedy: no_date.clone(),
        },
        &ctx,
        RejectionCode::InvalidInput,
    );
    no_date.result = None;
    no_date.after_reconsideration = true;
    seen.reject(
        &c,
        Command::RecordRemedy {
            remedy: no_date.clone(),
        },
        &ctx,
        RejectionCode::InvalidInput,
    );
    no_date.after_reconsideration = false;
    no_date.body = " ".into();
    seen.reject(
        &c,
        Command::RecordRemedy { remedy: no_date },
        &ctx,
        RejectionCode::InvalidInput,
    );
    seen.reject(
        &c,
        remedy_cmd(RemedyKind::Litigation, "2026-05-08", None),
        &ctx,
        RejectionCode::DateInFuture,
    );
    // Decided once; a lawsuit after it is the second record.
    let (c, events) = step(
        &c,
        Command::DecideRemedy {
            remedy: 1,
            result: RemedyResult::Corrected,
            decided_on: d("2026-05-06"),
        },
        &ctx,
    );
    assert_eq!(names(&events), ["remedy_decided"]);
    assert_eq!(c.remedies[0].remedy.result, Some(RemedyResult::Corrected));
    seen.reject(
        &c,
        Command::DecideRemedy {
            remedy: 1,
            result: RemedyResult::Other,
            decided_on: d("2026-05-07"),
        },
        &ctx,
        RejectionCode::RemedyAlreadyDecided,
    );
    let (c, _) = step(
        &c,
        remedy_cmd(RemedyKind::Litigation, "2026-05-07", None),
        &ctx,
    );
    assert_eq!(c.remedies.iter().map(|r| r.id).collect::<Vec<_>>(), [1, 2]);
    // Another department's clerk cannot record one.
    seen.reject(
        &c,
        remedy_cmd(RemedyKind::Litigation, "2026-05-07", None),
        &w.ctx(
            &Actor::staff("outsider", Role::Clerk, &["other-dept"]),
            "2026-05-07",
        ),
        RejectionCode::OutOfScope,
    );
}

/// The case a command is tried on: an empty one for receive, else a case in processing
/// assigned to 张伟 (whose department is the OGI section).
fn target_for(w: &World, cmd: &Command) -> Case {
    match cmd {
        Command::Receive(_) => Case::default(),
        _ => processing(w),
    }
}

const ALL_ROLES: [Role; 5] = [
    Role::Applicant,
    Role::Clerk,
    Role::Supervisor,
    Role::Admin,
    Role::System,
];

/// An actor of `role` who would otherwise be entitled: in the department, owning the case.
fn insider(role: Role) -> Actor {
    match role {
        Role::Applicant => query_holder(),
        Role::Clerk => clerk(),
        Role::Supervisor => supervisor(),
        Role::Admin => admin(),
        Role::System => Actor::system(),
    }
}

fn scenario_permitted_roles_table(_w: &World, _seen: &mut Seen) {
    use Role::{Admin, Applicant, Clerk, Supervisor, System};
    let commands = sample_commands();
    let mut seen_names: BTreeSet<&str> = commands.iter().map(Command::name).collect();
    assert_eq!(
        seen_names.len(),
        28,
        "one sample of each of the 28 commands"
    );
    for cmd in &commands {
        let expected: &[Role] = match cmd.name() {
            "receive" if matches!(cmd, Command::Receive(r) if r.channel == Channel::Online) => {
                &[Applicant]
            }
            "assign" => &[Clerk, Supervisor, Admin],
            "receive_correction" | "withdraw" => &[Applicant, Clerk, Supervisor],
            "approve_extension"
            | "deny_extension"
            | "set_reasonable_date"
            | "approve_reply"
            | "return_reply" => &[Supervisor],
            "record_overdue" => &[System, Supervisor],
            _ => &[Clerk, Supervisor],
        };
        let mut got = permitted_roles(cmd).to_vec();
        got.sort_by_key(|r| r.as_str());
        let mut want = expected.to_vec();
        want.sort_by_key(|r| r.as_str());
        assert_eq!(got, want, "{}", cmd.name());
        seen_names.remove(cmd.name());
    }
    assert!(seen_names.is_empty());
}

fn scenario_forbidden_for_role(w: &World, seen: &mut Seen) {
    for cmd in sample_commands() {
        let case = target_for(w, &cmd);
        for role in ALL_ROLES {
            if permitted_roles(&cmd).contains(&role) {
                continue;
            }
            let r = seen.reject(
                &case,
                cmd.clone(),
                &w.ctx(&insider(role), "2026-03-04"),
                RejectionCode::ForbiddenForRole,
            );
            assert!(r.message.contains(role.label_zh()), "{}", r.message);
        }
    }
}

fn scenario_out_of_scope(w: &World, seen: &mut Seen) {
    for cmd in sample_commands() {
        let case = target_for(w, &cmd);
        let roles = permitted_roles(&cmd);
        for outsider in [outside_clerk(), outside_supervisor()] {
            if !roles.contains(&outsider.role) {
                continue;
            }
            let r = seen.reject(
                &case,
                cmd.clone(),
                &w.ctx(&outsider, "2026-03-04"),
                RejectionCode::OutOfScope,
            );
            assert!(r.message.contains(DEPT), "{}", r.message);
        }
    }
    // A clerk of both departments is in scope.
    let both = Actor::staff(ZHANG_WEI, Role::Clerk, &[OTHER_DEPT, DEPT]);
    let c = apply(processing(w), correction_cmd(), &w.ctx(&both, "2026-03-04"));
    assert_eq!(c.sub_state(), Some(SubState::AwaitingCorrection));
}

fn scenario_not_assignee(w: &World, seen: &mut Seen) {
    let case = processing(w);
    assert_eq!(case.assignee.as_deref(), Some(ZHANG_WEI));
    for cmd in sample_commands() {
        if !permitted_roles(&cmd).contains(&Role::Clerk) || matches!(cmd, Command::Receive(_)) {
            continue;
        }
        let name = cmd.name();
        let free_for_any_clerk = matches!(
            cmd,
            Command::Register { .. }
                | Command::ReceiveCorrection { .. }
                | Command::Withdraw { .. }
                | Command::RecordRemedy { .. }
                | Command::DecideRemedy { .. }
        );
        if free_for_any_clerk {
            let got = decide(&case, cmd.clone(), &w.ctx(&clerk2(), "2026-03-04"));
            assert!(
                !matches!(&got, Err(r) if r.code == RejectionCode::NotAssignee),
                "{name}: any clerk of the department may do this: {got:?}"
            );
        } else {
            // Including assign: 李娜 cannot take a case 张伟 holds.
            seen.reject(
                &case,
                cmd.clone(),
                &w.ctx(&clerk2(), "2026-03-04"),
                RejectionCode::NotAssignee,
            );
        }
        // Supervisors act on any case of their department.
        let got = decide(&case, cmd, &w.ctx(&supervisor2(), "2026-03-04"));
        assert!(
            !matches!(&got, Err(r) if r.code == RejectionCode::NotAssignee),
            "{name}: {got:?}"
        );
    }
}

fn scenario_not_owner(w: &World, seen: &mut Seen) {
    let anonymous = Actor::new("anonymous", Role::Applicant);
    // An online case of 王小明 and an anonymous online case, both registered.
    let owned = apply(
        online_received(w),
        register_cmd(),
        &w.ctx(&clerk(), "2026-03-02"),
    );
    let anon = apply(
        Case::default(),
        receive_cmd(Channel::Online, None),
        &w.ctx(&anonymous, "2026-03-02"),
    );
    let anon = apply(anon, register_cmd(), &w.ctx(&clerk(), "2026-03-02"));
    for cmd in sample_commands() {
        if !permitted_roles(&cmd).contains(&Role::Applicant) || matches!(cmd, Command::Receive(_)) {
            continue;
        }
        for stranger in [
            other_applicant(),
            Actor::query_code_holder("朝政公开〔2026〕第0099号"),
            Actor::new(TRACKING, Role::Applicant),
        ] {
            seen.reject(
                &owned,
                cmd.clone(),
                &w.ctx(&stranger, "2026-03-03"),
                RejectionCode::NotOwner,
            );
        }
        seen.reject(
            &anon,
            cmd.clone(),
            &w.ctx(&anonymous, "2026-03-03"),
            RejectionCode::NotOwner,
        );
        // The owner, by account or by query code, passes the ownership check.
        for owner in [applicant(), query_holder()] {
            let got = decide(&owned, cmd.clone(), &w.ctx(&owner, "2026-03-03"));
            assert!(
                !matches!(&got, Err(r) if r.code == RejectionCode::NotOwner),
                "{}: {got:?}",
                cmd.name()
            );
        }
    }
}

fn scenario_case_not_found(w: &World, seen: &mut Seen) {
    for cmd in sample_commands() {
        if matches!(cmd, Command::Receive(_)) {
            continue;
        }
        for role in permitted_roles(&cmd) {
            seen.reject(
                &Case::default(),
                cmd.clone(),
                &w.ctx(&insider(*role), "2026-03-04"),
                RejectionCode::CaseNotFound,
            );
        }
    }
}

fn scenario_receive_inputs(w: &World, seen: &mut Seen) {
    let ctx = w.ctx(&clerk(), "2026-03-02");
    let base = |f: &dyn Fn(&mut Receive)| {
        let Command::Receive(mut r) = receive_cmd(Channel::InPerson, None) else {
            unreachable!()
        };
        f(&mut r);
        Command::Receive(r)
    };
    for (cmd, field) in [
        (base(&|r| r.applicant.kind = None), "applicant.kind"),
        (base(&|r| r.applicant.name = " ".into()), "applicant.name"),
        (
            base(&|r| {
                r.applicant.phone = None;
                r.applicant.email = None;
                r.applicant.address = None;
            }),
            "applicant.phone",
        ),
        (
            base(&|r| r.request.description = String::new()),
            "request.description",
        ),
        (base(&|r| r.agency = "x".repeat(201)), "agency"),
        (
            base(&|r| r.applicant.name = "王\u{0007}小明".into()),
            "applicant.name",
        ),
    ] {
        let r = seen.reject(&Case::default(), cmd, &ctx, RejectionCode::InvalidInput);
        assert_eq!(r.field, Some(field), "{}", r.message);
    }
    // An organisation with only an address is fine.
    let cmd = base(&|r| {
        r.applicant = Applicant {
            kind: Some(ApplicantType::PublicInterest),
            name: "北京市朝阳区绿色家园环保公益服务中心".into(),
            id_document: Some("52110105MJ0000000X".into()),
            phone: None,
            email: None,
            address: Some("北京市朝阳区望京街道".into()),
        };
    });
    let c = apply(Case::default(), cmd, &ctx);
    assert_eq!(c.applicant.kind, Some(ApplicantType::PublicInterest));
}

// ---------------------------------------------------------------------------------------------
// Every scenario as a test, and all of them together for the rejection codes.
// ---------------------------------------------------------------------------------------------

type Scenario = fn(&World, &mut Seen);

const SCENARIOS: &[(&str, Scenario)] = &[
    ("receive_online", scenario_receive_online),
    ("register_online", scenario_register_online),
    ("receive_in_person", scenario_receive_in_person),
    (
        "receive_needs_receipt_date",
        scenario_receive_needs_receipt_date,
    ),
    ("statute_profile", scenario_statute_profile_by_receipt_date),
    ("receive_inputs", scenario_receive_inputs),
    ("assign", scenario_assign),
    ("start_processing", scenario_start_processing),
    ("correction", scenario_correction_restarts_clock),
    ("late_correction", scenario_late_correction),
    ("abandon", scenario_abandon),
    ("third_party", scenario_third_party_consultation),
    ("no_answer", scenario_no_answer_after_deadline),
    ("agency", scenario_agency_consultation),
    ("extension_approved", scenario_extension_approved),
    ("extension_denied", scenario_extension_denied),
    ("fee_paid", scenario_fee_paid),
    ("fee_unpaid", scenario_fee_unpaid),
    ("reasonable_date", scenario_reasonable_date),
    ("reply_on_the_spot", scenario_reply_on_the_spot),
    ("review_cycle", scenario_review_cycle),
    ("self_approval", scenario_self_approval),
    ("reply_outcomes", scenario_reply_outcomes),
    ("withdraw", scenario_withdraw),
    ("reopen", scenario_reopen),
    ("record_overdue", scenario_record_overdue),
    ("remedies", scenario_remedies),
    ("correction_notice_late", scenario_correction_notice_late),
    ("extension_late", scenario_extension_late),
    ("reply_overdue", scenario_reply_overdue),
    ("permitted_roles_table", scenario_permitted_roles_table),
    ("forbidden_for_role", scenario_forbidden_for_role),
    ("out_of_scope", scenario_out_of_scope),
    ("not_assignee", scenario_not_assignee),
    ("not_owner", scenario_not_owner),
    ("case_not_found", scenario_case_not_found),
];

fn run(scenario: Scenario) {
    scenario(&World::new(), &mut Seen::default());
}

#[test]
fn every_rejection_code_is_produced() {
    let w = World::new();
    let mut seen = Seen::default();
    for (_, scenario) in SCENARIOS {
        scenario(&w, &mut seen);
    }
    let all: BTreeSet<RejectionCode> = RejectionCode::ALL.into_iter().collect();
    assert_eq!(all.len(), 40);
    let missing: Vec<&str> = all.difference(&seen.0).map(|c| c.as_str()).collect();
    assert!(
        missing.is_empty(),
        "codes no scenario produced: {missing:?}"
    );
    assert_eq!(seen.0, all);
}

#[test]
fn receive_online_has_no_receipt_date_until_registered() {
    run(scenario_receive_online);
}
#[test]
fn register_online_sets_the_receipt_date_to_the_registration_day() {
    run(scenario_register_online);
}
#[test]
fn receive_in_person_defaults_to_today() {
    run(scenario_receive_in_person);
}
#[test]
fn posted_faxed_and_emailed_requests_need_a_receipt_date() {
    run(scenario_receive_needs_receipt_date);
}
#[test]
fn statute_profile_is_chosen_by_receipt_date() {
    run(scenario_statute_profile_by_receipt_date);
}
#[test]
fn receive_checks_the_application_form() {
    run(scenario_receive_inputs);
}
#[test]
fn assign_take_reassign_and_move() {
    run(scenario_assign);
}
#[test]
fn start_processing() {
    run(scenario_start_processing);
}
#[test]
fn correction_restarts_the_clock() {
    run(scenario_correction_restarts_clock);
}
#[test]
fn late_correction_needs_staff_and_a_reason() {
    run(scenario_late_correction);
}
#[test]
fn abandon_after_the_correction_period() {
    run(scenario_abandon);
}
#[test]
fn third_party_consultation_pauses_the_clock() {
    run(scenario_third_party_consultation);
}
#[test]
fn no_answer_only_after_the_opinion_period() {
    run(scenario_no_answer_after_deadline);
}
#[test]
fn agency_consultation_pauses_the_clock() {
    run(scenario_agency_consultation);
}
#[test]
fn extension_moves_the_due_date_by_20_working_days() {
    run(scenario_extension_approved);
}
#[test]
fn denied_extension_may_be_asked_again() {
    run(scenario_extension_denied);
}
#[test]
fn fee_notice_then_payment() {
    run(scenario_fee_paid);
}
#[test]
fn unpaid_fee_closes_the_case_after_the_deadline() {
    run(scenario_fee_unpaid);
}
#[test]
fn reasonable_date_replaces_the_due_date() {
    run(scenario_reasonable_date);
}
#[test]
fn reply_on_the_spot_for_in_person_requests() {
    run(scenario_reply_on_the_spot);
}
#[test]
fn draft_submit_return_resubmit_approve_deliver_archive() {
    run(scenario_review_cycle);
}
#[test]
fn a_supervisor_does_not_approve_their_own_draft() {
    run(scenario_self_approval);
}
#[test]
fn reply_outcomes_pick_their_notice() {
    run(scenario_reply_outcomes);
}
#[test]
fn withdraw_by_account_query_code_or_clerk() {
    run(scenario_withdraw);
}
#[test]
fn reopen_on_an_order_starts_a_new_clock() {
    run(scenario_reopen);
}
#[test]
fn reconsideration_and_litigation_are_recorded_and_decided_once() {
    run(scenario_remedies);
}
#[test]
fn record_overdue_by_the_scheduler() {
    run(scenario_record_overdue);
}
#[test]
fn late_correction_notice_is_recorded() {
    run(scenario_correction_notice_late);
}
#[test]
fn late_extension_is_recorded() {
    run(scenario_extension_late);
}
#[test]
fn late_reply_is_recorded() {
    run(scenario_reply_overdue);
}
#[test]
fn permitted_roles_per_command() {
    run(scenario_permitted_roles_table);
}
#[test]
fn roles_not_permitted_are_forbidden() {
    run(scenario_forbidden_for_role);
}
#[test]
fn staff_outside_the_department_are_out_of_scope() {
    run(scenario_out_of_scope);
}
#[test]
fn clerks_other_than_the_assignee_are_refused() {
    run(scenario_not_assignee);
}
#[test]
fn applicants_who_do_not_own_the_case_are_refused() {
    run(scenario_not_owner);
}
#[test]
fn commands_need_an_existing_case() {
    run(scenario_case_not_found);
}

#[test]
fn scenario_list_is_complete() {
    // Guards against a scenario written but left out of the all-codes run.
    assert_eq!(SCENARIOS.len(), 36);
    let names: BTreeSet<&str> = SCENARIOS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names.len(), SCENARIOS.len());
}

// ---------------------------------------------------------------------------------------------
// Defects found while writing these tests, now fixed; the tests pin the fixes.
// ---------------------------------------------------------------------------------------------

#[test]
fn abandon_requires_an_open_case() {
    let w = World::new();
    let mut seen = Seen::default();
    // A correction was asked for, then the applicant withdrew: the case ended as withdrawn and
    // cannot later become "abandoned".
    let c = apply(
        processing(&w),
        correction_cmd(),
        &w.ctx(&clerk(), "2026-03-05"),
    );
    let c = apply(c, withdraw_cmd(None), &w.ctx(&query_holder(), "2026-03-06"));
    assert_eq!(c.status, Status::Withdrawn);
    seen.reject(
        &c,
        Command::Abandon,
        &w.ctx(&clerk(), "2026-03-27"),
        RejectionCode::WrongStatus,
    );
    assert_eq!(c.outcome, Some(Outcome::Other(OtherGround::Other)));

    // A correction cannot be asked for while a fee notice is outstanding (the request must be
    // clear before anything is charged for it), so a case closed for the unpaid fee never has
    // a correction left open.
    let c = apply(
        processing(&w),
        Command::IssueFeeNotice {
            fee: FeeMethod::PerPage { pages: 150 },
        },
        &w.ctx(&clerk(), "2026-03-10"),
    );
    seen.reject(
        &c,
        correction_cmd(),
        &w.ctx(&clerk(), "2026-03-11"),
        RejectionCode::PendingSteps,
    );
    let c = apply(c, Command::CloseUnpaid, &w.ctx(&clerk(), "2026-04-09"));
    assert_eq!(c.status, Status::ClosedUnpaid);
    seen.reject(
        &c,
        Command::Abandon,
        &w.ctx(&clerk(), "2026-04-09"),
        RejectionCode::CorrectionNotRequested,
    );
    assert_eq!(c.outcome, Some(Outcome::Other(OtherGround::FeeNotPaid)));
}

/// Art. 35 allows a *later* date than the statutory one. Set while a correction is awaited, the
/// date is checked against the old clock (due 03-30); once the corrected request arrives on
/// 03-16 the period runs afresh to 04-14, yet the "reasonable later date" 04-01 still replaces
/// it, shortening the applicant's period by 9 working days.
#[test]
fn reasonable_date_never_shortens_the_statutory_period() {
    let w = World::new();
    let c = apply(
        processing(&w),
        correction_cmd(),
        &w.ctx(&clerk(), "2026-03-05"),
    );
    let set = Command::SetReasonableDate {
        date: d("2026-04-01"),
        reason: "申请人一个月内提出同类申请120件".into(),
    };
    // Refused while the correction is awaited: the period will run afresh.
    let mut seen = Seen::default();
    seen.reject(
        &c,
        set,
        &w.ctx(&supervisor(), "2026-03-06"),
        RejectionCode::AwaitingCorrection,
    );
    // Set before the correction was asked for, it stops applying once the restarted statutory
    // date passes it, and the explanation says so.
    let c = apply(
        processing(&w),
        Command::SetReasonableDate {
            date: d("2026-04-01"),
            reason: "申请人一个月内提出同类申请120件".into(),
        },
        &w.ctx(&supervisor(), "2026-03-03"),
    );
    assert_eq!(
        c.reply_due(&w.cal, &w.statute).unwrap().due,
        Some(d("2026-04-01"))
    );
    let c = apply(c, correction_cmd(), &w.ctx(&clerk(), "2026-03-05"));
    let c = apply(
        c,
        correction_received(None, None),
        &w.ctx(&query_holder(), "2026-03-16"),
    );
    let due = c.reply_due(&w.cal, &w.statute).unwrap();
    assert_eq!(due.explanation.statutory_due, Some(d("2026-04-14")));
    assert_eq!(due.due, Some(d("2026-04-14")));
    assert!(
        due.explanation
            .text_zh
            .iter()
            .any(|l| l.contains("合理期限 2026-04-01 早于重新计算的法定答复期限")),
        "{:?}",
        due.explanation.text_zh
    );
}

/// DESIGN.md: "A Replied or Archived case can be re-opened when a reconsideration body or court
/// orders a new reply". A withdrawn case has no reply to redo, and `reopen` refuses it while it
/// is Withdrawn; once archived, the same case is reopened into Processing with a new clock
/// (and, with no `replied_on`, no floor on the order's date).
#[test]
fn reopen_does_not_revive_a_withdrawn_case_once_archived() {
    let w = World::new();
    let mut seen = Seen::default();
    let c = apply(
        processing(&w),
        withdraw_cmd(None),
        &w.ctx(&query_holder(), "2026-03-05"),
    );
    let reopen = Command::Reopen {
        order: order(OrderKind::Court, "2026-05-06"),
    };
    seen.reject(
        &c,
        reopen.clone(),
        &w.ctx(&clerk(), "2026-05-07"),
        RejectionCode::WrongStatus,
    );
    let c = apply(c, Command::Archive, &w.ctx(&clerk(), "2026-03-06"));
    seen.reject(
        &c,
        reopen,
        &w.ctx(&clerk(), "2026-05-07"),
        RejectionCode::WrongStatus,
    );
}
