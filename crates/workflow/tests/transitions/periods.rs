//! Issue 17, points 7 and 10–13: consultation kinds and windows counted from receipt
//! (arts. 32–34), the fee window from receipt (国办函〔2020〕109号), the art. 35 step of asking
//! for reasons, and the art. 32 notice to a third party whose objection is overridden.

use crate::common::*;

/// Asks for reasons on `asked` and records `assessment` on `assessed`.
pub fn with_reasons(
    w: &World,
    c: Case,
    assessment: ReasonsAssessment,
    asked: &str,
    assessed: &str,
) -> Case {
    let c = apply(c, reasons_cmd(), &w.ctx(&clerk(), asked));
    apply(
        c,
        Command::RecordReasons {
            assessment,
            note: "申请人称需核对本小区历年维修资金使用情况".into(),
        },
        &w.ctx(&clerk(), assessed),
    )
}

pub fn reasons_cmd() -> Command {
    Command::RequestReasons {
        grounds: "您自2026年2月以来提出同类政府信息公开申请120件".into(),
        period_days: None,
        sent_by: None,
    }
}

/// Point 10: a posted letter is presumed received 3 calendar days after its date; the window
/// runs from receipt, the real day replaces the presumed one, and the pause ends at the
/// opinion or at the window's end, whichever comes first.
pub fn scenario_posted_consultation_window(w: &World, seen: &mut Seen) {
    let (c, events) = step(
        &processing(w),
        consult_by(
            ConsultationKind::ThirdParty,
            THIRD_PARTY,
            None,
            SentBy::Post,
        ),
        &w.ctx(&clerk(), "2026-03-05"),
    );
    assert_eq!(
        events[0].kind,
        EventKind::ConsultationStarted {
            id: 1,
            kind: ConsultationKind::ThirdParty,
            party: THIRD_PARTY.into(),
            // Presumed received Sunday 03-08: 15 working days from 03-09 → 03-27.
            deadline: d("2026-03-27"),
            sent_by: Some(SentBy::Post),
            received_on: Some(d("2026-03-08")),
        }
    );
    assert_eq!(c.consultation_due(), Some(d("2026-03-27")));
    let due = c.reply_due(&w.cal, &w.statute).unwrap();
    assert!(
        due.explanation
            .text_zh
            .iter()
            .any(|l| l.contains("意见期限至 2026-03-27")),
        "{:?}",
        due.explanation.text_zh
    );
    seen.reject(
        &c,
        Command::RecordReceipt {
            letter: Letter::Consultation { id: 1 },
            received_on: d("2026-03-12"),
        },
        &w.ctx(&clerk(), "2026-03-11"),
        RejectionCode::DateInFuture,
    );
    seen.reject(
        &c,
        Command::RecordReceipt {
            letter: Letter::Consultation { id: 9 },
            received_on: d("2026-03-10"),
        },
        &w.ctx(&clerk(), "2026-03-11"),
        RejectionCode::ConsultationNotFound,
    );
    // The postal receipt says 03-10: the window ends 03-31.
    let (c, events) = step(
        &c,
        Command::RecordReceipt {
            letter: Letter::Consultation { id: 1 },
            received_on: d("2026-03-10"),
        },
        &w.ctx(&clerk(), "2026-03-11"),
    );
    assert_eq!(names(&events), ["letter_received"]);
    let consultation = &c.consultations[0];
    assert_eq!(
        (
            consultation.received_on,
            consultation.receipt_recorded,
            consultation.deadline
        ),
        (Some(d("2026-03-10")), true, d("2026-03-31"))
    );
    // The objection arrives late, on 04-03: the days after 03-31 count again.
    let c = apply(
        c,
        end_consult(1, Opinion::Objection, None),
        &w.ctx(&clerk(), "2026-04-03"),
    );
    let due = c.reply_due(&w.cal, &w.statute).unwrap();
    // (03-05, 03-31] = 18 working days not counted; 17 left after 03-31 → 04-24.
    assert_eq!(due.explanation.pauses[0].working_days_excluded, 18);
    assert_eq!(due.due, Some(d("2026-04-24")));
    assert!(
        due.explanation
            .text_zh
            .iter()
            .any(|l| l.contains("意见期限 2026-03-31 届满即恢复计算")),
        "{:?}",
        due.explanation.text_zh
    );
    assert_eq!(c.consultation_due(), None);
    seen.reject(
        &c,
        Command::RecordReceipt {
            letter: Letter::Consultation { id: 1 },
            received_on: d("2026-03-10"),
        },
        &w.ctx(&clerk(), "2026-04-03"),
        RejectionCode::ConsultationAlreadyEnded,
    );
}

/// Point 7: a consultation of another agency that is not about jointly made information
/// (art. 33 second paragraph) has its own letter, no deemed consent and no window: its time
/// is excluded until the answer, and a reminder falls due after the configured days.
pub fn scenario_agency_opinion(w: &World, seen: &mut Seen) {
    let (c, events) = step(
        &processing(w),
        consult(ConsultationKind::AgencyOpinion, OTHER_AGENCY, None),
        &w.ctx(&clerk(), "2026-03-05"),
    );
    assert_eq!(
        all_notices(&c, &events),
        [to(
            NoticeKind::AgencyOpinionRequest,
            Recipient::Consulted(OTHER_AGENCY.into())
        )]
    );
    assert_eq!(c.sub_state(), Some(SubState::ConsultingAgency));
    // The reminder day: 10 working days after receipt on 03-05.
    assert_eq!(c.consultations[0].deadline, d("2026-03-19"));
    assert_eq!(c.consultation_due(), Some(d("2026-03-19")));
    seen.reject(
        &c,
        end_consult(1, Opinion::NoAnswer, None),
        &w.ctx(&clerk(), "2026-03-19"),
        RejectionCode::OpinionPeriodNotOver,
    );
    // The answer comes on 04-09, long after 15 working days: all of it is excluded.
    let c = apply(
        c,
        end_consult(1, Opinion::Consent, None),
        &w.ctx(&clerk(), "2026-04-09"),
    );
    let due = c.reply_due(&w.cal, &w.statute).unwrap();
    // (03-05, 04-09] = 24 working days (清明 skipped); 17 left after 04-09 → 05-07 (劳动节).
    assert_eq!(due.explanation.pauses[0].working_days_excluded, 24);
    assert_eq!(due.due, Some(d("2026-05-07")));
    assert!(
        due.explanation
            .text_zh
            .iter()
            .any(|l| l.contains("第三十三条第二款"))
    );
}

/// Point 12: 不予处理 for 无正当理由大量反复申请 needs reasons asked for and assessed as
/// unreasonable; the art. 35 later date needs them assessed as reasonable.
pub fn scenario_reasons_step(w: &World, seen: &mut Seen) {
    let excessive = Outcome::NotProcessed(NotProcessedGround::Excessive);
    let c = processing(w);
    let later = Command::SetReasonableDate {
        date: d("2026-05-29"),
        reason: "申请人一个月内提出同类申请120件".into(),
    };
    seen.reject(
        &c,
        draft_cmd(excessive),
        &w.ctx(&clerk(), "2026-03-04"),
        RejectionCode::ReasonsStepRequired,
    );
    seen.reject(
        &c,
        later.clone(),
        &w.ctx(&supervisor(), "2026-03-04"),
        RejectionCode::ReasonsStepRequired,
    );
    seen.reject(
        &c,
        Command::RecordReasons {
            assessment: ReasonsAssessment::Unreasonable,
            note: "未说明".into(),
        },
        &w.ctx(&clerk(), "2026-03-04"),
        RejectionCode::ReasonsStepRequired,
    );
    seen.reject(
        &c,
        Command::RecordReceipt {
            letter: Letter::ReasonsRequest,
            received_on: d("2026-03-04"),
        },
        &w.ctx(&clerk(), "2026-03-04"),
        RejectionCode::ReasonsStepRequired,
    );
    let (asked, events) = step(&c, reasons_cmd(), &w.ctx(&clerk(), "2026-03-04"));
    // Posted (the applicant asked for post): presumed received 03-07; 15 working days → 03-27.
    assert_eq!(
        events[0].kind,
        EventKind::ReasonsRequested {
            grounds: "您自2026年2月以来提出同类政府信息公开申请120件".into(),
            deadline: d("2026-03-27"),
            sent_by: SentBy::Post,
            received_on: d("2026-03-07"),
        }
    );
    assert_eq!(
        all_notices(&asked, &events),
        [to(NoticeKind::ReasonsRequest, Recipient::Applicant)]
    );
    // Not a pause: the reply is still due on 03-30.
    assert_eq!(w.due(&asked), Some(d("2026-03-30")));
    seen.reject(
        &asked,
        reasons_cmd(),
        &w.ctx(&clerk(), "2026-03-05"),
        RejectionCode::ReasonsAlreadyRequested,
    );
    seen.reject(
        &asked,
        draft_cmd(excessive),
        &w.ctx(&clerk(), "2026-03-05"),
        RejectionCode::ReasonsStepRequired,
    );
    // Signed for on 03-06: the answer is due 15 working days later, 03-27 → 03-27 (03-06 Fri).
    let asked = apply(
        asked,
        Command::RecordReceipt {
            letter: Letter::ReasonsRequest,
            received_on: d("2026-03-06"),
        },
        &w.ctx(&clerk(), "2026-03-09"),
    );
    assert_eq!(asked.reasons.as_ref().unwrap().deadline, d("2026-03-27"));

    // Unreasonable: 不予处理 may be drafted, the later date may not.
    let unreasonable = apply(
        asked.clone(),
        Command::RecordReasons {
            assessment: ReasonsAssessment::Unreasonable,
            note: "申请人未说明理由".into(),
        },
        &w.ctx(&clerk(), "2026-03-30"),
    );
    seen.reject(
        &unreasonable,
        Command::RecordReasons {
            assessment: ReasonsAssessment::Reasonable,
            note: "改判".into(),
        },
        &w.ctx(&clerk(), "2026-03-30"),
        RejectionCode::AlreadyRecorded,
    );
    seen.reject(
        &unreasonable,
        later.clone(),
        &w.ctx(&supervisor(), "2026-03-30"),
        RejectionCode::ReasonsAssessedOtherwise,
    );
    let drafted = apply(
        unreasonable,
        draft_cmd(excessive),
        &w.ctx(&clerk(), "2026-03-30"),
    );
    assert_eq!(drafted.draft.unwrap().reply.outcome, excessive);

    // Reasonable: the later date may be set, 不予处理 may not.
    let reasonable = with_reasons(
        w,
        processing(w),
        ReasonsAssessment::Reasonable,
        "2026-03-04",
        "2026-03-10",
    );
    seen.reject(
        &reasonable,
        draft_cmd(excessive),
        &w.ctx(&clerk(), "2026-03-10"),
        RejectionCode::ReasonsAssessedOtherwise,
    );
    let set = apply(reasonable, later, &w.ctx(&supervisor(), "2026-03-10"));
    assert_eq!(set.reasonable_date.unwrap().date, d("2026-05-29"));
}

/// Point 13: disclosing over a third party's objection states why, and the approval writes
/// the art. 32 notice to the third party before the applicant's reply.
pub fn scenario_disclosure_over_objection(w: &World, seen: &mut Seen) {
    let c = apply(
        processing(w),
        consult(ConsultationKind::ThirdParty, THIRD_PARTY, None),
        &w.ctx(&clerk(), "2026-03-05"),
    );
    let c = apply(
        c,
        end_consult(1, Opinion::Objection, None),
        &w.ctx(&clerk(), "2026-03-12"),
    );
    let with_reason = |outcome: Outcome| Command::DraftReply {
        reply: Reply {
            disclosure: Some(
                "该项目资金使用情况涉及重大公共利益，不公开可能对公共利益造成重大影响".into(),
            ),
            ..reply(outcome, None)
        },
    };
    seen.reject(
        &c,
        with_reason(Outcome::NotDisclosed(NotDisclosedGround::ThirdPartyRights)),
        &w.ctx(&clerk(), "2026-03-13"),
        RejectionCode::DisclosureReasonNotApplicable,
    );
    let no_reason = apply(
        c.clone(),
        draft_cmd(Outcome::Disclosed),
        &w.ctx(&clerk(), "2026-03-13"),
    );
    seen.reject(
        &no_reason,
        Command::SubmitForReview,
        &w.ctx(&clerk(), "2026-03-13"),
        RejectionCode::DisclosureReasonRequired,
    );
    let c = apply(
        c,
        with_reason(Outcome::Disclosed),
        &w.ctx(&clerk(), "2026-03-13"),
    );
    let c = apply(
        reviewed(c, w, "2026-03-13"),
        Command::SubmitForReview,
        &w.ctx(&clerk(), "2026-03-13"),
    );
    let (c, events) = step(
        &c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), "2026-03-16"),
    );
    assert_eq!(
        all_notices(&c, &events),
        [
            to(
                NoticeKind::ThirdPartyDisclosure,
                Recipient::Consulted(THIRD_PARTY.into())
            ),
            to(
                NoticeKind::Reply(ReplyNotice::Disclosed),
                Recipient::Applicant
            ),
        ]
    );

    // Without an objection, a disclosure reason is refused.
    let consented = apply(
        apply(
            processing(w),
            consult(ConsultationKind::ThirdParty, THIRD_PARTY, None),
            &w.ctx(&clerk(), "2026-03-05"),
        ),
        end_consult(1, Opinion::Consent, None),
        &w.ctx(&clerk(), "2026-03-12"),
    );
    let drafted = apply(
        consented,
        with_reason(Outcome::Disclosed),
        &w.ctx(&clerk(), "2026-03-13"),
    );
    seen.reject(
        &drafted,
        Command::SubmitForReview,
        &w.ctx(&clerk(), "2026-03-13"),
        RejectionCode::DisclosureReasonNotApplicable,
    );
}

#[test]
fn posted_consultation_counts_from_receipt_and_ends_with_the_window() {
    run(scenario_posted_consultation_window);
}

#[test]
fn agency_opinion_has_its_own_letter_and_no_window() {
    run(scenario_agency_opinion);
}

#[test]
fn art35_steps_need_reasons_assessed() {
    run(scenario_reasons_step);
}

#[test]
fn disclosure_over_objection_tells_the_third_party() {
    run(scenario_disclosure_over_objection);
}

/// Events stored before these fields existed still read, and keep the deadline they
/// recorded; a statute file without the new settings gets their defaults.
#[test]
fn old_events_and_statute_files_still_read() {
    let old = serde_json::json!({
        "type": "consultation_started",
        "id": 1,
        "kind": "other_agency",
        "party": OTHER_AGENCY,
        "deadline": "2026-03-26"
    });
    let kind: EventKind = serde_json::from_value(old).unwrap();
    assert_eq!(
        kind,
        EventKind::ConsultationStarted {
            id: 1,
            kind: ConsultationKind::OtherAgency,
            party: OTHER_AGENCY.into(),
            deadline: d("2026-03-26"),
            sent_by: None,
            received_on: None,
        }
    );
    // Re-serialized, it is what was stored (the hash chain covers stored text only, but a
    // copy written back stays the same).
    assert!(!serde_json::to_string(&kind).unwrap().contains("sent_by"));
    let fee: EventKind = serde_json::from_value(serde_json::json!({
        "type": "fee_notice_issued",
        "fee": {"method": "per_request", "nth": 12},
        "amount_yuan": 100,
        "deadline": "2026-04-08"
    }))
    .unwrap();
    assert!(matches!(
        fee,
        EventKind::FeeNoticeIssued {
            received_on: None,
            ..
        }
    ));
    let reply: Reply = serde_json::from_value(serde_json::json!({
        "outcome": {"kind": "disclosed"}, "text": "见附件"
    }))
    .unwrap();
    assert_eq!(reply.disclosure, None);

    let text = gongkai_workflow::statute::BUILTIN_STATUTES
        .lines()
        .filter(|l| {
            !l.starts_with("agency_opinion_reminder_days")
                && !l.starts_with("reasons_answer_days")
                && !l.starts_with("presumed_receipt_days")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let statute = Statute::from_toml_str("old.toml", &text).unwrap();
    let p = statute.profile("cn-2019").unwrap();
    assert_eq!(
        (
            p.agency_opinion_reminder_days,
            p.reasons_answer_days,
            p.presumed_receipt_days.post,
            p.presumed_receipt_days.email
        ),
        (10, 15, 3, 0)
    );
}

/// A partial disclosure after an objection may withhold the third party's part: no reason is
/// required, and none is sent to the third party.
#[test]
fn partial_disclosure_after_an_objection_needs_no_reason() {
    let w = World::new();
    let c = apply(
        processing(&w),
        consult(ConsultationKind::ThirdParty, THIRD_PARTY, None),
        &w.ctx(&clerk(), "2026-03-05"),
    );
    let c = apply(
        c,
        end_consult(1, Opinion::Objection, None),
        &w.ctx(&clerk(), "2026-03-12"),
    );
    let c = apply(
        c,
        draft_cmd(Outcome::PartlyDisclosed),
        &w.ctx(&clerk(), "2026-03-13"),
    );
    let c = apply(
        reviewed(c, &w, "2026-03-13"),
        Command::SubmitForReview,
        &w.ctx(&clerk(), "2026-03-13"),
    );
    let (c, events) = step(
        &c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), "2026-03-16"),
    );
    assert_eq!(
        all_notices(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::PartlyDisclosed),
            Recipient::Applicant
        )]
    );
}
