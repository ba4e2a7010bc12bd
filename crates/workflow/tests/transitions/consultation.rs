//! Consultations (arts. 32, 34): pauses of the clock; "no answer" only after the 15 working
//! days.

use crate::common::*;

// ---------------------------------------------------------------------------------------------
// Consultations (arts. 32, 34): pauses; "no answer" only after the 15 working days.
// ---------------------------------------------------------------------------------------------

pub fn scenario_third_party_consultation(w: &World, seen: &mut Seen) {
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
            // 15 working days after the letter of 03-05, received by email the same day.
            deadline: d("2026-03-26"),
            sent_by: Some(SentBy::Email),
            received_on: Some(d("2026-03-05")),
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
    // While the third party's window runs, supervision has no date to warn on; once it has
    // ended unanswered (03-26), the excluded time ends with it whether or not the clerk has
    // recorded it: 17 working days from 03-27 end on 04-21.
    let warn = |day: &str| c.warning_level(&w.cal, &w.statute, at(day, 10, 0));
    assert_eq!(warn("2026-03-20"), None);
    assert_eq!(warn("2026-04-14"), Some(WarningLevel::Normal));
    assert_eq!(warn("2026-04-15"), Some(WarningLevel::DueSoon));
    assert_eq!(warn("2026-04-21"), Some(WarningLevel::DueSoon));
    assert_eq!(warn("2026-04-22"), Some(WarningLevel::Overdue));
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

pub fn scenario_no_answer_after_deadline(w: &World, seen: &mut Seen) {
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
    // Art. 32: the pause ends with the window on 03-26, not on the day the silence is
    // recorded: (03-05, 03-26] = 15 working days not counted; 17 left after 03-26 → 04-21.
    assert_eq!(w.due(&c), Some(d("2026-04-21")));
}

pub fn scenario_agency_consultation(w: &World, seen: &mut Seen) {
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
    // Pauses (03-05, 03-26] (art. 34: bounded by the window) and (03-09, 03-16] overlap: 15
    // working days not counted.
    assert_eq!(w.due(&c), Some(d("2026-04-21")));
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
