//! Rules pinned after a review of the engine: what happened late stays on the record, and the
//! explanation says exactly what the count did.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, TimeZone, Utc};
use gongkai_workflow::clock::{ClockInput, Pause, StartReason};
use gongkai_workflow::model::{
    Applicant, ApplicantType, Breach, Carrier, ConsultationKind, Delivery, FeeMethod, Opinion,
    Receive, Reply, RequestDetails,
};
use gongkai_workflow::outcome::CannotProvideGround;
use gongkai_workflow::{
    Actor, Calendar, Case, Channel, Command, Context, Outcome, PauseKind, RejectionCode, Role,
    Statute, WarningLevel, builtin_calendar, decide, due_date, evolve, parse_date, reply_due,
};

const DEPT: &str = "gkk";

fn d(s: &str) -> NaiveDate {
    parse_date(s).unwrap()
}

struct World {
    cal: Calendar,
    statute: Statute,
}

impl World {
    fn new() -> World {
        World {
            cal: builtin_calendar().unwrap(),
            statute: Statute::builtin(),
        }
    }

    fn ctx(&self, actor: &Actor, day: &str) -> Context<'_> {
        Context {
            now: Utc.from_utc_datetime(&d(day).and_hms_opt(2, 0, 0).unwrap()),
            actor: actor.clone(),
            calendar: &self.cal,
            statute: &self.statute,
        }
    }

    fn apply(&self, case: Case, actor: &Actor, day: &str, cmd: Command) -> Case {
        let events = decide(&case, cmd, &self.ctx(actor, day)).unwrap();
        events.iter().fold(case, evolve)
    }

    fn refuse(&self, case: &Case, actor: &Actor, day: &str, cmd: Command) -> RejectionCode {
        decide(case, cmd, &self.ctx(actor, day)).unwrap_err().code
    }

    /// The receive and register commands of a request handed in at the counter.
    fn processing_commands(&self) -> (Command, Command) {
        let receive = Command::Receive(Receive {
            channel: Channel::InPerson,
            agency: "朝阳区人民政府".to_owned(),
            department: DEPT.to_owned(),
            applicant: Applicant {
                kind: Some(ApplicantType::NaturalPerson),
                name: "王小明".to_owned(),
                phone: Some("13800138000".to_owned()),
                ..Applicant::default()
            },
            request: RequestDetails {
                description: "2025年老旧小区改造项目清单".to_owned(),
                document_number: None,
                carrier: Carrier::Electronic,
                delivery: Delivery::Email,
            },
            receipt_date: None,
        });
        let register = Command::Register {
            tracking_number: "GK-2026-000001".to_owned(),
            department: None,
            receipt_date: None,
        };
        (receive, register)
    }

    /// Handed in on Monday 2026-03-02 (due 03-30), registered, in processing by 张伟.
    fn processing(&self) -> Case {
        let (receive, register) = self.processing_commands();
        let c = self.apply(Case::default(), &clerk(), "2026-03-02", receive);
        let c = self.apply(c, &clerk(), "2026-03-02", register);
        self.apply(c, &clerk(), "2026-03-02", Command::StartProcessing)
    }
}

fn clerk() -> Actor {
    Actor::staff("zhangwei", Role::Clerk, &[DEPT])
}

fn chief() -> Actor {
    Actor::staff("liuyang", Role::Supervisor, &[DEPT])
}

fn overdue_breaches(c: &Case) -> Vec<NaiveDate> {
    c.breaches
        .iter()
        .filter_map(|b| match b.breach {
            Breach::ReplyOverdue { due } => Some(due),
            _ => None,
        })
        .collect()
}

#[test]
fn a_consultation_letter_entered_after_the_due_date_does_not_hide_the_overdue_reply() {
    let w = World::new();
    let c = w.processing();
    let now = w.ctx(&clerk(), "2026-04-10").now;
    assert_eq!(
        c.warning_level(&w.cal, &w.statute, now),
        Some(WarningLevel::Overdue)
    );
    // On 04-10 a clerk records a letter dated 03-05 and its answer.
    let start = Command::StartConsultation {
        kind: ConsultationKind::ThirdParty,
        party: "北京华宇建筑工程有限公司".to_owned(),
        letter_date: Some(d("2026-03-05")),
        sent_by: None,
    };
    let c = w.apply(c, &clerk(), "2026-04-10", start);
    assert_eq!(
        overdue_breaches(&c),
        [d("2026-03-30")],
        "recorded before anything else"
    );
    let end = Command::EndConsultation {
        consultation: 1,
        opinion: Opinion::Consent,
        ended_on: None,
    };
    let c = w.apply(c, &clerk(), "2026-04-10", end);
    // The pause now moves the due date, but the breach stays on the case, once.
    assert_eq!(overdue_breaches(&c), [d("2026-03-30")]);
}

#[test]
fn every_late_act_records_the_overdue_reply_once() {
    let w = World::new();
    let c = w.processing();
    let withdraw = Command::Withdraw {
        reason: None,
        withdrawn_on: None,
    };
    let done = w.apply(c.clone(), &clerk(), "2026-04-02", withdraw);
    assert_eq!(overdue_breaches(&done), [d("2026-03-30")]);
    // Nothing is recorded while the reply is still in time.
    let draft = Command::DraftReply {
        reply: Reply {
            outcome: Outcome::Disclosed,
            text: "予以公开。".to_owned(),
            competent_agency: None,
            not_held: None,
            competent_agency_contact: None,
            disclosure: None,
            release: vec![gongkai_workflow::model::ReleaseItem::Published {
                title: "2025年老旧小区改造计划".into(),
                location: "区政府门户网站".into(),
                link: None,
            }],
        },
    };
    let c = w.apply(c, &clerk(), "2026-03-30", draft);
    assert!(c.breaches.is_empty());
}

#[test]
fn a_withdrawal_cannot_predate_what_is_already_recorded() {
    let w = World::new();
    let start = Command::StartConsultation {
        kind: ConsultationKind::OtherAgency,
        party: "区规划和自然资源分局".to_owned(),
        letter_date: Some(d("2026-03-10")),
        sent_by: None,
    };
    let c = w.apply(w.processing(), &clerk(), "2026-03-10", start);
    let early = Command::Withdraw {
        reason: Some("申请人来电撤回".to_owned()),
        withdrawn_on: Some(d("2026-03-03")),
    };
    assert_eq!(
        w.refuse(&c, &clerk(), "2026-03-12", early),
        RejectionCode::DateTooEarly
    );
}

#[test]
fn extensions_during_review_and_by_another_supervisor_only() {
    let w = World::new();
    let draft = Command::DraftReply {
        reply: Reply {
            outcome: Outcome::Disclosed,
            text: "予以公开。".to_owned(),
            competent_agency: None,
            not_held: None,
            competent_agency_contact: None,
            disclosure: None,
            release: vec![gongkai_workflow::model::ReleaseItem::Published {
                title: "2025年老旧小区改造计划".into(),
                location: "区政府门户网站".into(),
                link: None,
            }],
        },
    };
    let c = w.apply(w.processing(), &clerk(), "2026-03-20", draft);
    let c = w.apply(c, &clerk(), "2026-03-20", Command::SubmitForReview);
    // The reviewer needs more time: an extension may be asked for while under review …
    let ask = Command::RequestExtension {
        reason: "需征求多个部门意见".to_owned(),
        days: None,
    };
    let c = w.apply(c, &chief(), "2026-03-23", ask);
    // … but not approved by the one who asked.
    assert_eq!(
        w.refuse(&c, &chief(), "2026-03-23", Command::ApproveExtension),
        RejectionCode::SelfApproval
    );
    let other = Actor::staff("chenjing", Role::Supervisor, &[DEPT]);
    let c = w.apply(c, &other, "2026-03-24", Command::ApproveExtension);
    assert_eq!(
        c.reply_due(&w.cal, &w.statute).unwrap().due,
        Some(d("2026-04-28"))
    );
}

#[test]
fn a_correction_restarts_the_period_without_the_old_extension() {
    let w = World::new();
    let ask = Command::RequestExtension {
        reason: "档案调取".to_owned(),
        days: None,
    };
    let c = w.apply(w.processing(), &clerk(), "2026-03-03", ask);
    let c = w.apply(c, &chief(), "2026-03-03", Command::ApproveExtension);
    let correction = Command::RequestCorrection {
        items: vec!["请说明所需信息的年份".to_owned()],
        period_days: None,
    };
    let c = w.apply(c, &clerk(), "2026-03-04", correction);
    let corrected = Command::ReceiveCorrection {
        content: "所需为2025年度信息".to_owned(),
        received_on: None,
        late_reason: None,
    };
    let c = w.apply(c, &clerk(), "2026-03-09", corrected);
    // 20 working days from 03-09, not 40.
    let due = c.reply_due(&w.cal, &w.statute).unwrap();
    assert_eq!(due.due, Some(d("2026-04-07")));
    assert!(
        due.explanation
            .text_zh
            .iter()
            .any(|l| l == "原收到申请日：2026-03-02")
    );
}

#[test]
fn fees_only_from_2021_and_still_unclear_only_after_a_correction() {
    let w = World::new();
    let fee = Command::IssueFeeNotice {
        fee: FeeMethod::PerPage { pages: 150 },
        sent_by: None,
    };
    let mut c = w.processing();
    // A case of 2020 (same events, dated back a year).
    c.receipt_date = Some(d("2020-03-02"));
    let refused = decide(&c, fee, &w.ctx(&clerk(), "2020-03-05")).unwrap_err();
    assert_eq!(refused.code, RejectionCode::InvalidInput);
    assert!(
        refused.message.contains("2021-01-01"),
        "{}",
        refused.message
    );
    let unclear = Command::DraftReply {
        reply: Reply {
            outcome: Outcome::CannotProvide(CannotProvideGround::StillUnclear),
            text: "补正后仍不明确。".to_owned(),
            competent_agency: None,
            not_held: None,
            competent_agency_contact: None,
            disclosure: None,
            release: Vec::new(),
        },
    };
    let refused = decide(&w.processing(), unclear, &w.ctx(&clerk(), "2026-03-05")).unwrap_err();
    assert_eq!(refused.code, RejectionCode::InvalidInput);
    assert!(
        refused.message.contains("须先发出补正告知"),
        "{}",
        refused.message
    );
    assert_eq!(refused.field, Some("reply.outcome"));
}

#[test]
fn the_explanation_adds_up_to_what_was_counted() {
    let w = World::new();
    let p = w.statute.profile("cn-2019").unwrap();
    let pause = |from: &str, to: &str| Pause {
        kind: PauseKind::ThirdParty,
        from: d(from),
        to: Some(d(to)),
        about: None,
    };
    // Overlapping pauses: 03-04 … 03-13 is excluded once (8 working days), not 8 + 6.
    let mut input = ClockInput::received(d("2026-03-02"));
    input.pauses = vec![
        pause("2026-03-03", "2026-03-13"),
        pause("2026-03-05", "2026-03-13"),
    ];
    let r = reply_due(&w.cal, p, &input);
    let excluded: u32 = r
        .explanation
        .pauses
        .iter()
        .map(|n| n.working_days_excluded)
        .sum();
    assert_eq!(excluded, 8);
    assert_eq!(
        w.cal.working_days_between(d("2026-03-02"), r.due.unwrap()),
        20 + 8
    );
    // A pause over 中秋 and 国庆 2026: the holidays and the 10-10 make-up day inside it made no
    // difference, and are not claimed as skipped or counted.
    let mut input = ClockInput::received(d("2026-09-21"));
    input.pauses = vec![pause("2026-09-22", "2026-10-15")];
    let r = reply_due(&w.cal, p, &input);
    assert!(
        r.explanation.holidays.is_empty(),
        "{:?}",
        r.explanation.holidays
    );
    assert!(
        r.explanation.makeup_days.is_empty(),
        "{:?}",
        r.explanation.makeup_days
    );
    assert_eq!(r.explanation.start_reason, StartReason::Receipt);
}

#[test]
fn reversed_or_empty_pauses_exclude_nothing() {
    let cal = builtin_calendar().unwrap();
    let plain = due_date(&cal, d("2026-03-02"), 20, &[]);
    assert_eq!(plain.0, d("2026-03-30"));
    assert_eq!(
        due_date(
            &cal,
            d("2026-03-02"),
            20,
            &[(d("2026-03-20"), d("2026-03-10"))]
        ),
        plain
    );
    assert_eq!(
        due_date(
            &cal,
            d("2026-03-02"),
            20,
            &[(d("2026-03-10"), d("2026-03-10"))]
        ),
        plain
    );
}

#[test]
fn no_profile_before_the_regulations_took_effect() {
    let w = World::new();
    assert!(w.statute.profile_for(d("2008-04-30")).is_none());
    let p = w.statute.profile_for(d("2008-05-01")).unwrap();
    assert_eq!((p.id.as_str(), p.correction_notice_days), ("cn-2008", 0));
    // A request handed in on 2019-01-10 is registered under cn-2008, with no limit for the
    // correction notice (the 2008 text set none), so a late one is no breach.
    let mut c = Case::default();
    for (day, cmd) in [
        ("2019-01-10", w.processing_commands().0),
        ("2019-01-10", w.processing_commands().1),
        ("2019-01-10", Command::StartProcessing),
    ] {
        c = w.apply(c, &clerk(), day, cmd);
    }
    assert_eq!(c.statute.as_deref(), Some("cn-2008"));
    assert_eq!(c.correction_notice_deadline, None);
    let correction = Command::RequestCorrection {
        items: vec!["请说明所需信息的年份".to_owned()],
        period_days: None,
    };
    // 2019-01-25: after the 7th working day (01-21), before the reply is due (01-31).
    let c = w.apply(c, &clerk(), "2019-01-25", correction);
    assert!(c.breaches.is_empty());
}
