//! The due date moved on purpose: an extension (art. 33) and a reasonable later date for
//! excessive requests (art. 35).

use crate::common::*;

// ---------------------------------------------------------------------------------------------
// Extension (art. 33): once, at most 20 working days, approved by the supervisor.
// ---------------------------------------------------------------------------------------------

pub fn scenario_extension_approved(w: &World, seen: &mut Seen) {
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

pub fn scenario_extension_denied(w: &World, seen: &mut Seen) {
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
// A reasonable later date (art. 35) replaces the due date.
// ---------------------------------------------------------------------------------------------

pub fn scenario_reasonable_date(w: &World, seen: &mut Seen) {
    // Art. 35: the applicant was asked for reasons and they were found reasonable.
    let c = crate::periods::with_reasons(
        w,
        processing(w),
        ReasonsAssessment::Reasonable,
        "2026-03-04",
        "2026-03-09",
    );
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

#[test]
fn extension_moves_the_due_date_by_20_working_days() {
    run(scenario_extension_approved);
}

#[test]
fn denied_extension_may_be_asked_again() {
    run(scenario_extension_denied);
}

#[test]
fn reasonable_date_replaces_the_due_date() {
    run(scenario_reasonable_date);
}

/// Art. 35 allows a *later* date than the statutory one. Set while a correction is awaited, the
/// date is checked against the old clock (due 03-30); once the corrected request arrives on
/// 03-16 the period runs afresh to 04-14, yet the "reasonable later date" 04-01 still replaces
/// it, shortening the applicant's period by 9 working days.
#[test]
fn reasonable_date_never_shortens_the_statutory_period() {
    let w = World::new();
    let reasoned = |day: &str| {
        crate::periods::with_reasons(&w, processing(&w), ReasonsAssessment::Reasonable, day, day)
    };
    let c = apply(
        reasoned("2026-03-03"),
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
        reasoned("2026-03-03"),
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
