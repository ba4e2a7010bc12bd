//! The agency's written notices, rendered from real cases.
//!
//! Each story below drives a case through the workflow with the commands staff, applicants
//! and the scheduler really issue, collects every event, asks the workflow which notices each
//! event calls for, and renders them as the dispatcher would: `NoticeContext::build` from the
//! case's history at the event, then the default templates. The tests check that every kind of
//! notice (so every template) comes out of a real case, that each says what the law and the
//! applicant need (tracking number, agency, date, due date, grounds, remedies), and pin the
//! Chinese text with one snapshot per kind, so that a change to the wording fails here and has
//! to be accepted on purpose (`cargo insta review`).
//!
//! Dates are fixed (the 2026 calendar: 春节 02-15–02-23 with make-up Saturdays 02-14 and
//! 02-28, 清明 04-04–04-06, 劳动节 05-01–05-05 with make-up Saturday 05-09, 端午 06-19–06-21);
//! every act happens at 10:00 Beijing time.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use gongkai_mailer::context::{NoticeContext, RemedyBodies, Source};
use gongkai_mailer::message::{Prepared, printable_html};
use gongkai_mailer::templates::{Rendered, Templates};
use gongkai_workflow::clock::legal_date;
use gongkai_workflow::model::{
    Applicant, ApplicantType, Carrier, ConsultationKind, Delivery, FeeMethod, NotHeld, Opinion,
    Order, OrderKind, ReasonsAssessment, Receive, Reply, RequestDetails, SentBy,
};
use gongkai_workflow::notice::ReplyNotice;
use gongkai_workflow::outcome::{
    CannotProvideGround, NotDisclosedGround, NotProcessedGround, OtherGround,
};
use gongkai_workflow::{
    Actor, Case, Channel, Command, Context, Event, Law, Notice, NoticeKind, Outcome, Recipient,
    Role, WarningLevel, decide,
};

// ---------------------------------------------------------------------------------------------

mod checks;
mod people;
mod stories;
mod story;

use NoticeKind as K;
use people::*;
use stories::*;
use story::*;

// ---------------------------------------------------------------------------------------------
// The printable page and the pinned wording (here, at the crate root, where the snapshots are
// named after the test crate alone: notices__<name>.snap).
// ---------------------------------------------------------------------------------------------

#[test]
fn the_printable_page_escapes_the_reply_and_carries_the_letterhead() {
    let law = law();
    let templates = Templates::defaults();
    let s = story_replied(
        &law,
        "0196b1a0-0000-7000-8000-000000000113",
        "GK-2026-000113",
        "2025年度朝阳区公共租赁住房配租结果",
        ("2026-05-18", "2026-05-19", "2026-05-27"),
        draft(
            Outcome::Disclosed,
            "现向您提供<b>2025年度</b>朝阳区公共租赁住房配租结果公示（共3页，见附件）。",
            None,
        ),
        ReplyNotice::Disclosed,
    );
    let issued = s.issue(&templates);
    let reply = issued
        .iter()
        .find(|i| i.kind == K::Reply(ReplyNotice::Disclosed))
        .unwrap();
    // E-mails are plain text: the reply's own text goes out as written.
    assert!(reply.rendered.body.contains("<b>2025年度</b>"));
    let prepared = Prepared {
        kind: reply.kind,
        recipient: reply.recipient.clone(),
        context: reply.context.clone(),
        rendered: Ok(reply.rendered.clone()),
        to: vec![],
        unaddressed: None,
    };
    let html = printable_html(&prepared).unwrap();
    assert!(html.contains(&format!("<div class=\"agency\">{AGENCY_NAME}</div>")));
    assert!(html.contains("<div class=\"doc-no\">GK-2026-000113-08</div>"));
    assert!(
        html.contains("<h1>政府信息公开申请答复书（予以公开）</h1>"),
        "{html}"
    );
    assert!(html.contains("印章"));
    assert!(html.contains("&lt;b&gt;2025年度"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(html.contains("<p class=\"salutation\">王小明：</p>"));
    assert!(
        html.contains("<p class=\"signature\">2026年5月27日</p>"),
        "{html}"
    );
    insta::assert_snapshot!("print.reply.disclosed", html);
}

#[test]
fn the_wording_of_every_notice_is_pinned() {
    let law = law();
    let all = issue_all(&law);
    let again = issue_all(&law);
    for kind in NoticeKind::all() {
        // The examples of the kind from the first story that has any.
        let first = all
            .iter()
            .find(|i| i.kind == kind)
            .unwrap_or_else(|| panic!("{} never rendered", kind.key()));
        let text = |set: &[Issued]| {
            set.iter()
                .filter(|i| i.kind == kind && i.tracking_number == first.tracking_number)
                .map(Issued::text)
                .collect::<Vec<_>>()
                .join("\n")
        };
        let snapshot = text(&all);
        assert_eq!(snapshot, text(&again), "{}: not deterministic", kind.key());
        insta::assert_snapshot!(kind.key().as_str(), snapshot);
    }
}
