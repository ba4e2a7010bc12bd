//! Statutory breaches: recorded, not hidden.

use crate::common::*;

// ---------------------------------------------------------------------------------------------
// Statutory breaches: recorded, not hidden.
// ---------------------------------------------------------------------------------------------

pub fn scenario_record_overdue(w: &World, seen: &mut Seen) {
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
    let c = apply(
        reviewed(c, w, "2026-04-01"),
        Command::SubmitForReview,
        &w.ctx(&clerk(), "2026-04-01"),
    );
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

pub fn scenario_correction_notice_late(w: &World, _seen: &mut Seen) {
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

pub fn scenario_extension_late(w: &World, _seen: &mut Seen) {
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

pub fn scenario_reply_overdue(w: &World, _seen: &mut Seen) {
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
