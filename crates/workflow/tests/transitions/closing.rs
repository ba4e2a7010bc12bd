//! After the reply or instead of it: withdrawal, reopening on an order, and the
//! reconsiderations and lawsuits of table 四.

use crate::common::*;

// ---------------------------------------------------------------------------------------------
// Withdrawal by the applicant (via the account or the query code) or recorded by staff.
// ---------------------------------------------------------------------------------------------

pub fn scenario_withdraw(w: &World, seen: &mut Seen) {
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

pub fn scenario_reopen(w: &World, seen: &mut Seen) {
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

/// Reconsideration and litigation records: on any received case, numbered, decided once; the
/// dates and fields checked; nothing about the handling moves.
pub fn scenario_remedies(w: &World, seen: &mut Seen) {
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
