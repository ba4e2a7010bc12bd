#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The life of a case, transition by transition (DESIGN.md "States", STATUTE.md §1–§5).
//!
//! Every scenario is a plain function over a [`World`] and a [`Seen`] set of rejection codes,
//! so that each runs as its own test and, all together, in `every_rejection_code_is_produced`,
//! which checks that the scenarios provoke every stable code. One module per phase of the
//! procedure; the world they share is in `common`.
//!
//! Due dates are counted by hand on the 2026 calendar (STATUTE.md §8): 清明 04-04–04-06,
//! 劳动节 05-01–05-05 with make-up Saturday 05-09, 端午 06-19–06-21. Counting starts the day
//! after the start date; a pause (A, B] excludes the working days after A up to and including B.
//! The base case is handed in on Monday 2026-03-02, so its reply is due on Monday 03-30
//! (03-03…03-06 = 4, 03-09…13 = 9, 03-16…20 = 14, 03-23…27 = 19, 03-30 = 20).

mod breaches;
mod closing;
mod common;
mod consultation;
mod correction;
mod extension;
mod fees;
mod intake;
mod periods;
mod publication;
mod redaction;
mod reply;
mod roles;

use std::collections::BTreeSet;

use common::*;

const SCENARIOS: &[(&str, Scenario)] = &[
    ("receive_online", intake::scenario_receive_online),
    ("register_online", intake::scenario_register_online),
    ("receive_in_person", intake::scenario_receive_in_person),
    (
        "receive_needs_receipt_date",
        intake::scenario_receive_needs_receipt_date,
    ),
    (
        "statute_profile",
        intake::scenario_statute_profile_by_receipt_date,
    ),
    ("receive_inputs", intake::scenario_receive_inputs),
    ("assign", intake::scenario_assign),
    ("start_processing", intake::scenario_start_processing),
    ("correction", correction::scenario_correction_restarts_clock),
    ("late_correction", correction::scenario_late_correction),
    ("abandon", correction::scenario_abandon),
    (
        "third_party",
        consultation::scenario_third_party_consultation,
    ),
    ("no_answer", consultation::scenario_no_answer_after_deadline),
    ("agency", consultation::scenario_agency_consultation),
    (
        "posted_consultation",
        periods::scenario_posted_consultation_window,
    ),
    ("agency_opinion", periods::scenario_agency_opinion),
    ("reasons_step", periods::scenario_reasons_step),
    ("disclosure", periods::scenario_disclosure_over_objection),
    ("extension_approved", extension::scenario_extension_approved),
    ("extension_denied", extension::scenario_extension_denied),
    ("fee_paid", fees::scenario_fee_paid),
    ("fee_unpaid", fees::scenario_fee_unpaid),
    ("reasonable_date", extension::scenario_reasonable_date),
    ("reply_on_the_spot", reply::scenario_reply_on_the_spot),
    ("review_cycle", reply::scenario_review_cycle),
    ("self_approval", reply::scenario_self_approval),
    ("reply_outcomes", reply::scenario_reply_outcomes),
    ("release", reply::scenario_release),
    ("secrecy_review", reply::scenario_secrecy_review),
    (
        "findings_and_referrals",
        reply::scenario_findings_and_referrals,
    ),
    ("withdraw", closing::scenario_withdraw),
    ("reopen", closing::scenario_reopen),
    ("record_overdue", breaches::scenario_record_overdue),
    ("remedies", closing::scenario_remedies),
    (
        "correction_notice_late",
        breaches::scenario_correction_notice_late,
    ),
    ("extension_late", breaches::scenario_extension_late),
    ("reply_overdue", breaches::scenario_reply_overdue),
    (
        "permitted_roles_table",
        roles::scenario_permitted_roles_table,
    ),
    ("forbidden_for_role", roles::scenario_forbidden_for_role),
    ("out_of_scope", roles::scenario_out_of_scope),
    ("not_assignee", roles::scenario_not_assignee),
    ("not_owner", roles::scenario_not_owner),
    ("case_not_found", roles::scenario_case_not_found),
    ("reading_room", publication::scenario_reading_room),
    ("redaction", redaction::scenario_redaction),
];

#[test]
fn every_rejection_code_is_produced() {
    let w = World::new();
    let mut seen = Seen::default();
    for (_, scenario) in SCENARIOS {
        scenario(&w, &mut seen);
    }
    let all: BTreeSet<RejectionCode> = RejectionCode::ALL.into_iter().collect();
    assert_eq!(all.len(), 60);
    let missing: Vec<&str> = all.difference(&seen.0).map(|c| c.as_str()).collect();
    assert!(
        missing.is_empty(),
        "codes no scenario produced: {missing:?}"
    );
    assert_eq!(seen.0, all);
}

#[test]
pub fn scenario_list_is_complete() {
    // Guards against a scenario written but left out of the all-codes run.
    assert_eq!(SCENARIOS.len(), 45);
    let names: BTreeSet<&str> = SCENARIOS.iter().map(|(n, _)| *n).collect();
    assert_eq!(names.len(), SCENARIOS.len());
}
