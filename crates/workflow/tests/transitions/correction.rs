//! Correction (art. 30): the notice within 7 working days, the clock that restarts on the
//! corrected request, and abandonment when no correction comes.

use crate::common::*;

// ---------------------------------------------------------------------------------------------
// Correction (art. 30): notice within 7 working days; the clock restarts; abandonment.
// ---------------------------------------------------------------------------------------------

pub fn scenario_correction_restarts_clock(w: &World, seen: &mut Seen) {
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
            sent_by: None,
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

pub fn scenario_late_correction(w: &World, seen: &mut Seen) {
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

pub fn scenario_abandon(w: &World, seen: &mut Seen) {
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
            sent_by: None,
        },
        &w.ctx(&clerk(), "2026-03-10"),
    );
    seen.reject(
        &c,
        correction_cmd(),
        &w.ctx(&clerk(), "2026-03-11"),
        RejectionCode::PendingSteps,
    );
    let c = apply(c, Command::CloseUnpaid, &w.ctx(&clerk(), "2026-04-14"));
    assert_eq!(c.status, Status::ClosedUnpaid);
    seen.reject(
        &c,
        Command::Abandon,
        &w.ctx(&clerk(), "2026-04-14"),
        RejectionCode::CorrectionNotRequested,
    );
    assert_eq!(c.outcome, Some(Outcome::Other(OtherGround::FeeNotPaid)));
}
