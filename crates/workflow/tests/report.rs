#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The annual report counted by legal dates: the year boundary, online
//! filings confirmed after the year or never, a case reopened by an order across years (the
//! balance identities hold year to year), and the format of each year.

use chrono::{NaiveDate, TimeZone, Utc};
use gongkai_workflow::model::{
    ActorRef, Applicant, ApplicantType, Carrier, Channel, Delivery, Order, OrderKind, Reply,
    RequestDetails,
};
use gongkai_workflow::outcome::{NotDisclosedGround, OtherGround};
use gongkai_workflow::report::{Counting, FIRST_YEAR, ReportFormat, Table3, Tally};
use gongkai_workflow::{Event, EventKind, Outcome, Role};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// An event typed in at noon (Beijing) of `entered`, with the legal date `legal`, if any.
fn ev(entered: &str, legal: Option<&str>, kind: EventKind) -> Event {
    Event {
        at: Utc.from_utc_datetime(&d(entered).and_hms_opt(4, 0, 0).unwrap()),
        actor: ActorRef {
            id: "zhangwei".to_owned(),
            role: Role::Clerk,
        },
        legal_date: legal.map(d),
        kind,
    }
}

fn received(entered: &str, legal: Option<&str>, channel: Channel) -> Event {
    ev(
        entered,
        legal,
        EventKind::Received {
            channel,
            agency: "cy".to_owned(),
            department: "cy-gkk".to_owned(),
            applicant: Applicant {
                kind: Some(ApplicantType::NaturalPerson),
                name: "王小明".to_owned(),
                ..Applicant::default()
            },
            request: RequestDetails {
                description: "某小区规划许可".to_owned(),
                document_number: None,
                carrier: Carrier::Paper,
                delivery: Delivery::Post,
            },
            account: None,
        },
    )
}

fn registered(entered: &str, legal: &str) -> Event {
    ev(
        entered,
        Some(legal),
        EventKind::Registered {
            tracking_number: "GK-1".to_owned(),
            department: "cy-gkk".to_owned(),
            statute: "cn-2019".to_owned(),
            correction_notice_deadline: None,
        },
    )
}

fn replied(day: &str, outcome: Outcome) -> Vec<Event> {
    vec![
        ev(day, None, EventKind::ProcessingStarted),
        ev(
            day,
            None,
            EventKind::ReplyDrafted {
                reply: Reply {
                    outcome,
                    text: "答复".to_owned(),
                    competent_agency: None,
                    not_held: None,
                    competent_agency_contact: None,
                    disclosure: None,
                    release: Vec::new(),
                },
            },
        ),
        ev(day, None, EventKind::SubmittedForReview),
        ev(
            day,
            Some(day),
            EventKind::ReplyApproved {
                outcome,
                release: Vec::new(),
            },
        ),
    ]
}

fn reopened(entered: &str, order_received: &str) -> Event {
    ev(
        entered,
        Some(order_received),
        EventKind::Reopened {
            order: Order {
                kind: OrderKind::Reconsideration,
                body: "北京市朝阳区人民政府".to_owned(),
                reference: "朝政复决字〔2025〕第12号".to_owned(),
                received_on: d(order_received),
            },
            correction_notice_deadline: None,
        },
    )
}

fn table(year: i32, cases: &[Vec<Event>], counting: Counting) -> Table3 {
    Table3::of(year, counting, cases.iter().map(Vec::as_slice))
}

/// 一 + 二 = 三（七） + 四 in every column, 三（七） is the sum of the outcome rows, and 四 of
/// each year is 二 of the next.
fn assert_balanced(cases: &[Vec<Event>], years: std::ops::RangeInclusive<i32>, counting: Counting) {
    let mut before: Option<Table3> = None;
    for y in years {
        let t = table(y, cases, counting);
        for c in 0..7 {
            assert_eq!(
                t.new[c] + t.carried_in[c],
                t.concluded[c] + t.carried_out[c],
                "{y} column {c}"
            );
            assert_eq!(
                t.outcomes.iter().map(|(_, r)| r[c]).sum::<u64>(),
                t.concluded[c],
                "{y} column {c}"
            );
        }
        if let Some(b) = &before {
            assert_eq!(b.carried_out, t.carried_in, "四 of {} vs 二 of {y}", y - 1);
        }
        before = Some(t);
    }
}

#[test]
fn a_letter_signed_for_on_30_december_and_entered_on_4_january_is_new_in_the_old_year() {
    let cases = vec![
        [
            vec![
                received("2026-01-04", Some("2025-12-30"), Channel::RegisteredPost),
                registered("2026-01-04", "2025-12-30"),
            ],
            replied("2026-01-20", Outcome::Disclosed),
        ]
        .concat(),
    ];
    let t2025 = table(2025, &cases, Counting::default());
    assert_eq!(t2025.new[6], 1);
    assert_eq!(t2025.carried_out[6], 1);
    let t2026 = table(2026, &cases, Counting::default());
    assert_eq!(t2026.new[6], 0);
    assert_eq!(t2026.carried_in[6], 1);
    assert_eq!(t2026.concluded[6], 1);
    assert_balanced(&cases, 2024..=2027, Counting::default());
}

#[test]
fn an_online_filing_counts_from_its_confirmation_and_not_at_all_if_never_confirmed() {
    let cases = vec![
        // Filed on 31 December, confirmed (registered) on 4 January: new in the new year.
        vec![
            received("2025-12-31", None, Channel::Online),
            registered("2026-01-04", "2026-01-04"),
        ],
        // Filed on 31 December, never confirmed: not received, in no year.
        vec![received("2025-12-31", None, Channel::Online)],
        // Filed and withdrawn before anyone confirmed it: not received either.
        vec![
            received("2025-11-02", None, Channel::Online),
            ev(
                "2025-11-03",
                Some("2025-11-03"),
                EventKind::Withdrawn { reason: None },
            ),
        ],
    ];
    let t2025 = table(2025, &cases, Counting::default());
    assert_eq!(t2025.new[6], 0);
    assert_eq!(t2025.carried_out[6], 0);
    assert_eq!(t2025.concluded[6], 0);
    let t2026 = table(2026, &cases, Counting::default());
    assert_eq!(t2026.new[6], 1);
    assert_eq!(t2026.carried_out[6], 1);
    assert_balanced(&cases, 2024..=2027, Counting::default());
}

#[test]
fn a_back_dated_withdrawal_concludes_in_the_year_of_its_legal_date() {
    let cases = vec![vec![
        received("2025-12-10", Some("2025-12-10"), Channel::InPerson),
        registered("2025-12-10", "2025-12-10"),
        // The applicant's withdrawal letter arrived on 30 December; typed in on 5 January.
        ev(
            "2026-01-05",
            Some("2025-12-30"),
            EventKind::Withdrawn { reason: None },
        ),
    ]];
    let t2025 = table(2025, &cases, Counting::default());
    let row = |t: &Table3, o: Outcome| t.outcomes.iter().find(|(x, _)| *x == o).unwrap().1[6];
    assert_eq!(row(&t2025, Outcome::Other(OtherGround::Other)), 1);
    assert_eq!(t2025.carried_out[6], 0);
    assert_balanced(&cases, 2024..=2026, Counting::default());
}

/// Concluded in 2024, reopened by a reconsideration decision received in 2025, still open at
/// the end of 2025, replied in 2026.
fn reopened_case() -> Vec<Event> {
    [
        vec![
            received("2024-03-01", Some("2024-03-01"), Channel::InPerson),
            registered("2024-03-01", "2024-03-01"),
        ],
        replied(
            "2024-03-20",
            Outcome::NotDisclosed(NotDisclosedGround::ProcessInformation),
        ),
        vec![reopened("2025-12-02", "2025-11-28")],
        replied("2026-01-15", Outcome::PartlyDisclosed),
    ]
    .concat()
}

#[test]
fn a_reopened_request_is_new_in_the_year_of_the_order_and_the_years_balance() {
    let cases = vec![reopened_case()];
    let c = Counting::default();
    let t2024 = table(2024, &cases, c);
    assert_eq!(
        (t2024.new[6], t2024.concluded[6], t2024.carried_out[6]),
        (1, 1, 0)
    );
    let t2025 = table(2025, &cases, c);
    assert_eq!((t2025.new[0], t2025.carried_out[0]), (1, 1));
    let t2026 = table(2026, &cases, c);
    assert_eq!((t2026.new[6], t2026.carried_in[6]), (0, 1));
    let partly = t2026
        .outcomes
        .iter()
        .find(|(o, _)| *o == Outcome::PartlyDisclosed)
        .unwrap()
        .1;
    assert_eq!(partly[6], 1);
    assert_balanced(&cases, 2023..=2027, c);

    // Counted once only (the setting off): the second handling is in no row, and the years
    // still balance.
    let once = Counting {
        reopened_counts_anew: false,
    };
    assert_eq!(table(2025, &cases, once).new[6], 0);
    assert_eq!(table(2026, &cases, once).carried_in[6], 0);
    assert_eq!(table(2024, &cases, once), t2024);
    assert_balanced(&cases, 2023..=2027, once);
}

#[test]
fn each_year_has_its_format_and_years_before_2019_have_none() {
    assert_eq!(FIRST_YEAR, 2019);
    assert_eq!(ReportFormat::of(2018), None);
    assert_eq!(ReportFormat::of(2019), Some(ReportFormat::Trial2019));
    assert_eq!(ReportFormat::of(2020), Some(ReportFormat::Trial2019));
    assert_eq!(ReportFormat::of(2021), Some(ReportFormat::Revised2021));
    assert_eq!(
        ReportFormat::Trial2019.document_zh(),
        "国办公开办函〔2019〕60号"
    );
    // 2020: 其他处理 is one row holding every other ending (here a withdrawal and an
    // abandonment); 2021 splits it into three.
    let mk = |year: i32| {
        let day = |md: &str| format!("{year}-{md}");
        vec![
            vec![
                received(&day("03-02"), Some(&day("03-02")), Channel::InPerson),
                registered(&day("03-02"), &day("03-02")),
                ev(
                    &day("03-05"),
                    Some(&day("03-05")),
                    EventKind::Withdrawn { reason: None },
                ),
            ],
            vec![
                received(&day("04-01"), Some(&day("04-01")), Channel::InPerson),
                registered(&day("04-01"), &day("04-01")),
                ev(&day("05-20"), Some(&day("05-20")), EventKind::Abandoned),
            ],
        ]
    };
    let t2020 = table(2020, &mk(2020), Counting::default());
    let rows = t2020.rows();
    let other: Vec<_> = rows
        .iter()
        .filter(|r| r.0.starts_with("三（六）"))
        .collect();
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].0, "三（六）");
    assert_eq!(other[0].1, "其他处理");
    assert_eq!(other[0].2[6], 2);
    assert_eq!(rows.len(), 2 + 18 + 1 + 2);
    assert!(t2020.to_csv().contains("三（六）,其他处理,2,0,0,0,0,0,2\n"));
    let t2021 = table(2021, &mk(2021), Counting::default());
    let rows = t2021.rows();
    assert_eq!(
        rows.iter().filter(|r| r.0.starts_with("三（六）")).count(),
        3
    );
    assert_eq!(rows.len(), 2 + 21 + 2);
}

#[test]
fn a_published_year_shows_a_later_entry_as_a_difference() {
    use gongkai_workflow::report::{AnnualReport, Table4, publication_deadline};
    let report = |cases: &[Vec<Event>]| AnnualReport {
        table3: table(2025, cases, Counting::default()),
        table4: Table4::new(2025),
    };
    let mut cases = vec![
        [
            vec![
                received("2025-06-02", Some("2025-06-02"), Channel::InPerson),
                registered("2025-06-02", "2025-06-02"),
            ],
            replied("2025-06-20", Outcome::Disclosed),
        ]
        .concat(),
    ];
    let published = report(&cases).snapshot();
    assert_eq!(published.format, "国办公开办函〔2021〕30号");
    assert!(published.differences(&report(&cases).snapshot()).is_empty());
    // A letter signed for on 30 December 2025, typed in on 6 January 2026.
    cases.push(vec![
        received("2026-01-06", Some("2025-12-30"), Channel::RegisteredPost),
        registered("2026-01-06", "2025-12-30"),
    ]);
    let now = report(&cases).snapshot();
    let diff = published.differences(&now);
    let rows: Vec<&str> = diff.iter().map(|d| d.row.as_str()).collect();
    assert_eq!(rows, ["一", "四"]);
    assert_eq!(diff[0].published[6], 1);
    assert_eq!(diff[0].current[6], 2);
    assert_eq!(diff[1].published[6], 0);
    assert_eq!(diff[1].current[6], 1);
    // The snapshot round-trips through its stored form.
    let json = serde_json::to_string(&published).unwrap();
    assert_eq!(
        serde_json::from_str::<gongkai_workflow::report::Snapshot>(&json).unwrap(),
        published
    );
    assert_eq!(publication_deadline(2025), Some(d("2026-01-31")));
}

/// The withdrawal's earliest date is the latest *legal* date on the case: a step without one
/// (taking the case up) does not stop a clerk from recording, on 5 January, a withdrawal
/// letter received on 31 December, so the request ends in the year it really ended.
#[test]
fn a_withdrawal_may_predate_steps_that_have_no_legal_date() {
    use gongkai_workflow::{Actor, Command, Context, Statute, builtin_calendar, decide, evolve};
    let calendar = builtin_calendar().unwrap();
    let statute = Statute::builtin();
    let clerk = Actor::staff("zhangwei", Role::Clerk, &["cy-gkk"]);
    let ctx = |day: &str| Context {
        now: Utc.from_utc_datetime(&d(day).and_hms_opt(2, 0, 0).unwrap()),
        actor: clerk.clone(),
        calendar: &calendar,
        statute: &statute,
    };
    let events = vec![
        received("2026-01-04", Some("2025-12-30"), Channel::RegisteredPost),
        registered("2026-01-04", "2025-12-30"),
        ev("2026-01-04", None, EventKind::ProcessingStarted),
    ];
    let case = events
        .iter()
        .fold(gongkai_workflow::Case::default(), evolve);
    let cmd = |on: &str| Command::Withdraw {
        reason: Some("已通过其他途径获得".to_owned()),
        withdrawn_on: Some(d(on)),
    };
    // Before the receipt date: still refused.
    let refused = decide(&case, cmd("2025-12-29"), &ctx("2026-01-05")).unwrap_err();
    assert_eq!(refused.code, gongkai_workflow::RejectionCode::DateTooEarly);
    let withdrawn = decide(&case, cmd("2025-12-31"), &ctx("2026-01-05")).unwrap();
    assert_eq!(withdrawn[0].legal_date, Some(d("2025-12-31")));
    let all: Vec<Event> = events.into_iter().chain(withdrawn).collect();
    let t2025 = table(2025, std::slice::from_ref(&all), Counting::default());
    assert_eq!(
        (t2025.new[6], t2025.concluded[6], t2025.carried_out[6]),
        (1, 1, 0)
    );
    assert_balanced(&[all], 2024..=2026, Counting::default());
}

/// A random request: received (in person, or online and perhaps never confirmed) on some day
/// of 2019–2026 by some kind of applicant, perhaps replied or withdrawn after a while (the
/// legal date of a withdrawal may lie before the day it was typed in, even before the
/// receipt), perhaps reopened by an order and replied again.
fn random_case() -> impl proptest::strategy::Strategy<Value = Vec<Event>> {
    use proptest::prelude::*;
    (
        0i64..2900,
        0usize..6,
        any::<bool>(),
        proptest::option::of((0i64..500, 0usize..22, any::<bool>())),
        proptest::option::of((0i64..400, proptest::option::of((0i64..300, 0usize..22)))),
    )
        .prop_map(|(day, kind, online, end, reopen)| {
            let day0 = d("2019-01-01");
            let fmt = |n: i64| (day0 + chrono::Duration::days(n)).to_string();
            let mut first = received(&fmt(day), (!online).then(|| fmt(day)).as_deref(), {
                if online {
                    Channel::Online
                } else {
                    Channel::InPerson
                }
            });
            if let EventKind::Received { applicant, .. } = &mut first.kind {
                applicant.kind = Some(ApplicantType::ALL[kind]);
            }
            let mut events = vec![first];
            // An online filing is received when confirmed; some never are.
            if online && day % 5 == 0 {
                return events;
            }
            events.push(registered(&fmt(day), &fmt(day)));
            let Some((after, outcome, withdrawn)) = end else {
                return events;
            };
            let concluded = day + after;
            if withdrawn {
                events.push(ev(
                    &fmt(concluded),
                    Some(&fmt(concluded - 30)),
                    EventKind::Withdrawn { reason: None },
                ));
            } else {
                events.extend(replied(&fmt(concluded), Outcome::ALL[outcome]));
            }
            if let Some((later, again)) = reopen {
                events.push(reopened(&fmt(concluded + later), &fmt(concluded + later)));
                if let Some((after, outcome)) = again {
                    events.extend(replied(
                        &fmt(concluded + later + after),
                        Outcome::ALL[outcome],
                    ));
                }
            }
            events
        })
}

proptest::proptest! {
    // A failure prints its input; nothing is written into the tree (no regression file).
    #![proptest_config(proptest::prelude::ProptestConfig {
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::with_cases(64)
    })]

    /// The tallies the store keeps per department give every year's table exactly as folding
    /// each case's events does, under both countings.
    #[test]
    fn the_tallies_give_every_year_the_table_the_event_fold_gives(
        cases in proptest::collection::vec(random_case(), 1..40)
    ) {
        let mut tallies: std::collections::BTreeMap<Tally, u64> = Default::default();
        for events in &cases {
            for t in gongkai_workflow::report::tallies(events) {
                *tallies.entry(t).or_default() += 1;
            }
        }
        for counting in [Counting::default(), Counting { reopened_counts_anew: false }] {
            for year in 2018..=2028 {
                let folded = table(year, &cases, counting);
                let summed = Table3::from_tallies(year, counting, tallies.iter().map(|(t, n)| (*t, *n)));
                proptest::prop_assert_eq!(&summed, &folded, "{} {:?}", year, counting);
            }
        }
    }
}
