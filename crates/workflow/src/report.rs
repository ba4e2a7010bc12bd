//! The annual report's table 三 (收到和处理政府信息公开申请情况, format 国办公开办函〔2021〕30号),
//! computed from the events of each case.
//!
//! Every date is the day (Beijing time) an event was *recorded*: a report for 2025 made in 2027
//! gives the same numbers as one made on 2026-01-05, whatever was entered in between, because
//! nothing recorded after 31 December 2025 is looked at.
//! - 一 本年新收: requests received (recorded) during the year;
//! - 二 上年结转: requests received before the year and still open at the end of the year before;
//! - 三 办理结果: those of 一 and 二 concluded by the end of the year, by outcome (21 rows);
//! - 四 结转下年度: those of 一 and 二 still open at the end of the year.
//!
//! So 一 + 二 = 三（七） + 四 in every column. A case concluded in an earlier year and reopened
//! (after a reconsideration decision or a judgment) is not counted again: table 四 of the
//! report (reconsideration and litigation) is where such cases belong.

use chrono::{Datelike, NaiveDate};

use crate::case::Case;
use crate::clock::legal_date;
use crate::model::{ApplicantType, Event};
use crate::outcome::Outcome;

/// The applicant columns in report order; the last column of every row is the total.
pub const COLUMNS: [ApplicantType; 6] = [
    ApplicantType::NaturalPerson,
    ApplicantType::Commercial,
    ApplicantType::Research,
    ApplicantType::PublicInterest,
    ApplicantType::LegalService,
    ApplicantType::OtherOrganisation,
];

/// One row: a count per applicant column, then the total.
pub type Counts = [u64; 7];

/// What one case contributes to a year's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contribution {
    pub column: usize,
    pub new: bool,
    pub carried_in: bool,
    /// The outcome, when the case was concluded by the end of the year.
    pub outcome: Option<Outcome>,
}

fn column_of(kind: Option<ApplicantType>) -> usize {
    // A request without a recorded applicant type (data from before it was asked) is counted
    // under 其他.
    let kind = kind.unwrap_or(ApplicantType::OtherOrganisation);
    COLUMNS.iter().position(|k| *k == kind).unwrap_or(5)
}

/// The case as recorded up to the end of `day` (Beijing time).
fn as_of(events: &[Event], day: NaiveDate) -> Case {
    let upto = events
        .iter()
        .take_while(|e| legal_date(e.at) <= day)
        .count();
    Case::from_events(&events[..upto])
}

/// What the case of `events` (in order) counts for in `year`'s table, if anything.
pub fn contribution(events: &[Event], year: i32) -> Option<Contribution> {
    let first = events.first()?;
    let received = legal_date(first.at);
    let end_before = NaiveDate::from_ymd_opt(year - 1, 12, 31)?;
    let end = NaiveDate::from_ymd_opt(year, 12, 31)?;
    if received > end {
        return None;
    }
    let new = received.year() == year;
    let carried_in = !new && as_of(events, end_before).status.is_open();
    if !new && !carried_in {
        return None;
    }
    let at_end = as_of(events, end);
    let outcome = if at_end.status.is_open() {
        None
    } else {
        // Every way a case ends sets its outcome (a reply, or 其他处理 for abandonment,
        // an unpaid fee and withdrawal).
        Some(
            at_end
                .outcome
                .unwrap_or(Outcome::Other(crate::outcome::OtherGround::Other)),
        )
    };
    Some(Contribution {
        column: column_of(at_end.applicant.kind),
        new,
        carried_in,
        outcome,
    })
}

/// Table 三 of one year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table3 {
    pub year: i32,
    /// 一、本年新收
    pub new: Counts,
    /// 二、上年结转
    pub carried_in: Counts,
    /// 三、办理结果: one row per outcome, in `Outcome::ALL` order.
    pub outcomes: Vec<(Outcome, Counts)>,
    /// 三（七）总计
    pub concluded: Counts,
    /// 四、结转下年度继续办理
    pub carried_out: Counts,
}

fn add(row: &mut Counts, column: usize) {
    row[column] += 1;
    row[6] += 1;
}

impl Table3 {
    pub fn new(year: i32) -> Table3 {
        Table3 {
            year,
            new: [0; 7],
            carried_in: [0; 7],
            outcomes: Outcome::ALL.iter().map(|o| (*o, [0; 7])).collect(),
            concluded: [0; 7],
            carried_out: [0; 7],
        }
    }

    /// Counts one case's contribution.
    pub fn add(&mut self, c: &Contribution) {
        if c.new {
            add(&mut self.new, c.column);
        }
        if c.carried_in {
            add(&mut self.carried_in, c.column);
        }
        match c.outcome {
            Some(o) => {
                if let Some((_, row)) = self.outcomes.iter_mut().find(|(x, _)| *x == o) {
                    add(row, c.column);
                }
                add(&mut self.concluded, c.column);
            }
            None => add(&mut self.carried_out, c.column),
        }
    }

    /// The table of `year` from the events of every case of the agency.
    pub fn of<'a>(year: i32, cases: impl IntoIterator<Item = &'a [Event]>) -> Table3 {
        let mut t = Table3::new(year);
        for events in cases {
            if let Some(c) = contribution(events, year) {
                t.add(&c);
            }
        }
        t
    }

    /// The table as CSV (UTF-8): a header of the applicant columns, then [`Table3::rows`].
    pub fn to_csv(&self) -> String {
        fn field(text: &str) -> String {
            if text.contains([',', '"', '\n']) {
                format!("\"{}\"", text.replace('"', "\"\""))
            } else {
                text.to_owned()
            }
        }
        let mut out =
            "行次,项目,自然人,商业企业,科研机构,社会公益组织,法律服务机构,其他,总计\n".to_owned();
        for (row, label, counts) in self.rows() {
            let cells: Vec<String> = counts.iter().map(u64::to_string).collect();
            out.push_str(&format!(
                "{},{},{}\n",
                field(&row),
                field(&label),
                cells.join(",")
            ));
        }
        out
    }

    /// The report's rows in order: (row number, wording, counts), sub-totals included.
    pub fn rows(&self) -> Vec<(String, String, Counts)> {
        let mut out = vec![
            (
                "一".to_owned(),
                "本年新收政府信息公开申请数量".to_owned(),
                self.new,
            ),
            (
                "二".to_owned(),
                "上年结转政府信息公开申请数量".to_owned(),
                self.carried_in,
            ),
        ];
        for (o, counts) in &self.outcomes {
            out.push((o.row().to_owned(), o.label_zh().to_owned(), *counts));
        }
        out.push(("三（七）".to_owned(), "总计".to_owned(), self.concluded));
        out.push((
            "四".to_owned(),
            "结转下年度继续办理".to_owned(),
            self.carried_out,
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        ActorRef, Applicant, Channel, Delivery, EventKind, Reply, RequestDetails, Role,
    };
    use crate::outcome::{NotDisclosedGround, NotProcessedGround, OtherGround};
    use chrono::{TimeZone, Utc};

    /// An event recorded at noon (Beijing time) of `day`.
    fn ev(day: &str, kind: EventKind) -> Event {
        let d = NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap();
        Event {
            at: Utc.from_utc_datetime(&d.and_hms_opt(4, 0, 0).unwrap()),
            actor: ActorRef {
                id: "clerk".to_owned(),
                role: Role::Clerk,
            },
            legal_date: Some(d),
            kind,
        }
    }

    fn received(day: &str, kind: ApplicantType) -> Event {
        ev(
            day,
            EventKind::Received {
                channel: Channel::InPerson,
                agency: "gk".to_owned(),
                department: "gk-gkb".to_owned(),
                applicant: Applicant {
                    kind: Some(kind),
                    name: "申请人".to_owned(),
                    ..Applicant::default()
                },
                request: RequestDetails {
                    description: "某信息".to_owned(),
                    document_number: None,
                    carrier: crate::model::Carrier::Paper,
                    delivery: Delivery::Post,
                },
                account: None,
            },
        )
    }

    fn registered(day: &str) -> Event {
        ev(
            day,
            EventKind::Registered {
                tracking_number: "GK-X".to_owned(),
                department: "gk-gkb".to_owned(),
                statute: "cn-2019".to_owned(),
                correction_notice_deadline: None,
            },
        )
    }

    fn replied(day: &str, outcome: Outcome) -> Vec<Event> {
        vec![
            ev(day, EventKind::ProcessingStarted),
            ev(
                day,
                EventKind::ReplyDrafted {
                    reply: Reply {
                        outcome,
                        text: "答复".to_owned(),
                        competent_agency: None,
                    },
                },
            ),
            ev(day, EventKind::SubmittedForReview),
            ev(day, EventKind::ReplyApproved { outcome }),
        ]
    }

    fn case(parts: Vec<Vec<Event>>) -> Vec<Event> {
        parts.into_iter().flatten().collect()
    }

    /// A fixed 2025 with totals worked out by hand: carry-over in and out, several grounds,
    /// each applicant column, withdrawal and abandonment as 其他处理.
    #[test]
    fn table_three_of_a_fixed_year_matches_the_hand_count() {
        use ApplicantType as A;
        let cases = vec![
            // Received in 2024, open at its end, replied in 2025: 二 and 三（一）, natural person.
            case(vec![
                vec![
                    received("2024-12-20", A::NaturalPerson),
                    registered("2024-12-20"),
                ],
                replied("2025-01-10", Outcome::Disclosed),
            ]),
            // Received and concluded in 2024: not in 2025 at all.
            case(vec![
                vec![
                    received("2024-03-01", A::NaturalPerson),
                    registered("2024-03-01"),
                ],
                replied("2024-03-20", Outcome::Disclosed),
            ]),
            // Received in 2024, replied on 2026-01-03 (recorded after the year): 二 and 四.
            case(vec![
                vec![
                    received("2024-11-02", A::Commercial),
                    registered("2024-11-02"),
                ],
                replied("2026-01-03", Outcome::PartlyDisclosed),
            ]),
            // New in 2025, not disclosed (third party): 一, 三（三）4, research.
            case(vec![
                vec![
                    received("2025-02-10", A::Research),
                    registered("2025-02-10"),
                ],
                replied(
                    "2025-03-01",
                    Outcome::NotDisclosed(NotDisclosedGround::ThirdPartyRights),
                ),
            ]),
            // New in 2025, repeated request: 一, 三（五）2, legal service.
            case(vec![
                vec![
                    received("2025-05-06", A::LegalService),
                    registered("2025-05-06"),
                ],
                replied(
                    "2025-05-20",
                    Outcome::NotProcessed(NotProcessedGround::Repeated),
                ),
            ]),
            // New in 2025, withdrawn: 一, 三（六）3, public interest.
            case(vec![
                vec![
                    received("2025-06-01", A::PublicInterest),
                    registered("2025-06-01"),
                ],
                vec![ev("2025-06-03", EventKind::Withdrawn { reason: None })],
            ]),
            // New in 2025, abandoned after a correction notice: 一, 三（六）1, other org.
            case(vec![vec![
                received("2025-07-01", A::OtherOrganisation),
                registered("2025-07-01"),
                ev("2025-07-02", EventKind::ProcessingStarted),
                ev(
                    "2025-07-03",
                    EventKind::CorrectionRequested {
                        items: vec!["文号".to_owned()],
                        deadline: NaiveDate::from_ymd_opt(2025, 7, 17).unwrap(),
                    },
                ),
                ev("2025-08-01", EventKind::Abandoned),
            ]]),
            // New in 2025, still open on 31 December: 一 and 四, natural person.
            case(vec![vec![
                received("2025-12-29", A::NaturalPerson),
                registered("2025-12-29"),
            ]]),
            // Received (recorded) in 2026: not in 2025.
            case(vec![vec![received("2026-01-02", A::NaturalPerson)]]),
        ];
        let t = Table3::of(2025, cases.iter().map(Vec::as_slice));
        //              自然人 商业 科研 公益 法律 其他 总计
        assert_eq!(t.new, [1, 0, 1, 1, 1, 1, 5]);
        assert_eq!(t.carried_in, [1, 1, 0, 0, 0, 0, 2]);
        let row = |o: Outcome| t.outcomes.iter().find(|(x, _)| *x == o).unwrap().1;
        assert_eq!(row(Outcome::Disclosed), [1, 0, 0, 0, 0, 0, 1]);
        assert_eq!(row(Outcome::PartlyDisclosed), [0; 7]);
        assert_eq!(
            row(Outcome::NotDisclosed(NotDisclosedGround::ThirdPartyRights)),
            [0, 0, 1, 0, 0, 0, 1]
        );
        assert_eq!(
            row(Outcome::NotProcessed(NotProcessedGround::Repeated)),
            [0, 0, 0, 0, 1, 0, 1]
        );
        assert_eq!(
            row(Outcome::Other(OtherGround::Other)),
            [0, 0, 0, 1, 0, 0, 1]
        );
        assert_eq!(
            row(Outcome::Other(OtherGround::CorrectionNotSupplied)),
            [0, 0, 0, 0, 0, 1, 1]
        );
        assert_eq!(t.concluded, [1, 0, 1, 1, 1, 1, 5]);
        assert_eq!(t.carried_out, [1, 1, 0, 0, 0, 0, 2]);
        // 一 + 二 = 三（七） + 四, column by column; 三（七） is the sum of the 21 rows.
        for c in 0..7 {
            assert_eq!(
                t.new[c] + t.carried_in[c],
                t.concluded[c] + t.carried_out[c]
            );
            assert_eq!(
                t.outcomes.iter().map(|(_, r)| r[c]).sum::<u64>(),
                t.concluded[c]
            );
        }
        // The 2024 report, made "now", still sees the 2026 reply as not yet given.
        let t2024 = Table3::of(2024, cases.iter().map(Vec::as_slice));
        assert_eq!(t2024.new[6], 3);
        assert_eq!(t2024.carried_out[6], 2);
        assert_eq!(t2024.rows().len(), 2 + 21 + 2);
    }
}
