//! Fees (国办函〔2020〕109号): notice → payment, or closure once the 20 working days have
//! passed.

use crate::common::*;

// ---------------------------------------------------------------------------------------------
// Fees (109号): notice → payment, or closure once the 20 working days have passed.
// ---------------------------------------------------------------------------------------------

pub fn scenario_fee_paid(w: &World, seen: &mut Seen) {
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
            sent_by: None,
        },
        &w.ctx(&clerk(), "2026-03-10"),
        RejectionCode::NoFeeDue,
    );
    seen.reject(
        &c,
        Command::IssueFeeNotice {
            fee: FeeMethod::PerPage { pages: 30 },
            sent_by: None,
        },
        &w.ctx(&clerk(), "2026-03-10"),
        RejectionCode::NoFeeDue,
    );
    let r = seen.reject(
        &c,
        Command::IssueFeeNotice {
            fee: FeeMethod::PerRequest { nth: 0 },
            sent_by: None,
        },
        &w.ctx(&clerk(), "2026-03-10"),
        RejectionCode::InvalidInput,
    );
    assert_eq!(r.field, Some("fee.nth"));
    seen.reject(
        &registered(w),
        Command::IssueFeeNotice {
            fee: FeeMethod::PerPage { pages: 150 },
            sent_by: None,
        },
        &w.ctx(&clerk(), "2026-03-10"),
        RejectionCode::WrongStatus,
    );

    // 150 pages: 70 × 10 + 50 × 20 = 1,700 yuan. Posted (the applicant asked for post) on
    // 03-10, presumed received 03-13: pay within 20 working days from 03-14 (109号).
    let fee = FeeMethod::PerPage { pages: 150 };
    let (c, events) = step(
        &c,
        Command::IssueFeeNotice { fee, sent_by: None },
        &w.ctx(&clerk(), "2026-03-10"),
    );
    assert_eq!(
        events[0].kind,
        EventKind::FeeNoticeIssued {
            fee,
            amount_yuan: 1700,
            deadline: d("2026-04-13"),
            sent_by: Some(SentBy::Post),
            received_on: Some(d("2026-03-13")),
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
            sent_by: None,
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

pub fn scenario_fee_unpaid(w: &World, seen: &mut Seen) {
    // Per request: the 12th request of the month costs 100 yuan. Posted on 03-10, presumed
    // received 03-13 (post: 3 calendar days): the 20 working days run from 03-14 to 04-13.
    let c = apply(
        processing(w),
        Command::IssueFeeNotice {
            fee: FeeMethod::PerRequest { nth: 12 },
            sent_by: None,
        },
        &w.ctx(&clerk(), "2026-03-10"),
    );
    let fee = c.fee.clone().unwrap();
    assert_eq!(fee.amount_yuan, 100);
    assert_eq!(
        (fee.sent_by, fee.received_on, fee.deadline),
        (Some(SentBy::Post), Some(d("2026-03-13")), d("2026-04-13"))
    );
    // 04-09 is 20 working days after the notice's date, not after its receipt: the window is
    // still open, so closing is refused and a payment on 04-10 is on time.
    seen.reject(
        &c,
        Command::CloseUnpaid,
        &w.ctx(&clerk(), "2026-04-09"),
        RejectionCode::FeePeriodNotOver,
    );
    let paid = apply(
        c.clone(),
        Command::RecordPayment {
            paid_on: Some(d("2026-04-10")),
        },
        &w.ctx(&clerk(), "2026-04-10"),
    );
    assert_eq!(paid.fee.unwrap().paid_on, Some(d("2026-04-10")));

    // The postal receipt shows 03-12: the window ends 04-10 (清明 04-04–04-06 skipped).
    seen.reject(
        &c,
        Command::RecordReceipt {
            letter: Letter::FeeNotice,
            received_on: d("2026-03-09"),
        },
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::DateTooEarly,
    );
    let (c, events) = step(
        &c,
        Command::RecordReceipt {
            letter: Letter::FeeNotice,
            received_on: d("2026-03-12"),
        },
        &w.ctx(&clerk(), "2026-03-20"),
    );
    assert_eq!(
        events[0].kind,
        EventKind::LetterReceived {
            letter: Letter::FeeNotice,
            received_on: d("2026-03-12"),
            deadline: d("2026-04-10"),
        }
    );
    assert!(all_notices(&c, &events).is_empty());
    assert!(c.fee.as_ref().unwrap().receipt_recorded);
    seen.reject(
        &c,
        Command::CloseUnpaid,
        &w.ctx(&clerk(), "2026-04-10"),
        RejectionCode::FeePeriodNotOver,
    );
    seen.reject(
        &c,
        Command::RecordPayment {
            paid_on: Some(d("2026-04-13")),
        },
        &w.ctx(&clerk(), "2026-04-13"),
        RejectionCode::FeePeriodPassed,
    );
    let (c, events) = step(&c, Command::CloseUnpaid, &w.ctx(&clerk(), "2026-04-13"));
    assert_eq!(names(&events), ["closed_unpaid"]);
    assert_eq!(events[0].legal_date, Some(d("2026-04-13")));
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::UnpaidClosure, Recipient::Applicant)]
    );
    assert_eq!(c.status, Status::ClosedUnpaid);
    assert_eq!(c.outcome, Some(Outcome::Other(OtherGround::FeeNotPaid)));
    assert_eq!(c.concluded_on, Some(d("2026-04-13")));
    assert_eq!(c.sub_state(), None);
    assert_eq!(w.due(&c), None);
    seen.reject(
        &c,
        Command::CloseUnpaid,
        &w.ctx(&clerk(), "2026-04-14"),
        RejectionCode::WrongStatus,
    );
    let c = apply(c, Command::Archive, &w.ctx(&clerk(), "2026-04-14"));
    assert_eq!(c.status, Status::Archived);
}

#[test]
fn fee_notice_then_payment() {
    run(scenario_fee_paid);
}

#[test]
fn unpaid_fee_closes_the_case_after_the_deadline() {
    run(scenario_fee_unpaid);
}
