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
use crate::model::{ApplicantType, Event, RemedyResult};
use crate::outcome::Outcome;

/// The applicant columns in report order; the last column of every row is the total.
pub const COLUMNS: [ApplicantType; 6] = ApplicantType::ALL;

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
    /// 三、办理结果: one row per leaf, in `Outcome::REPORT_ROWS` order.
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
            outcomes: Outcome::REPORT_ROWS.iter().map(|o| (*o, [0; 7])).collect(),
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
                let leaf = o.report_row();
                if let Some((_, row)) = self.outcomes.iter_mut().find(|(x, _)| *x == leaf) {
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
            out.push((o.row().to_owned(), o.report_label_zh().to_owned(), *counts));
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

/// Table 四's columns within each of its three groups: 结果维持, 结果纠正, 其他结果, 尚未审结,
/// 总计.
pub type RemedyCounts = [u64; 5];

/// Table 四 (政府信息公开行政复议、行政诉讼情况) of one year.
///
/// A reconsideration or lawsuit counts in the year it was *recorded* in gongkai (Beijing time),
/// with the result recorded by the end of that year; one still without a result then is
/// 尚未审结. Like table 三, nothing recorded after the year is looked at, so the table never
/// changes once the year is over; a result recorded later does not move it from 尚未审结.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table4 {
    pub year: i32,
    /// 行政复议
    pub reconsideration: RemedyCounts,
    /// 行政诉讼 未经复议直接起诉
    pub litigation_direct: RemedyCounts,
    /// 行政诉讼 复议后起诉
    pub litigation_after: RemedyCounts,
}

/// The column of a result in a [`RemedyCounts`] row (尚未审结 for none).
fn remedy_column(result: Option<RemedyResult>) -> usize {
    match result {
        Some(RemedyResult::Upheld) => 0,
        Some(RemedyResult::Corrected) => 1,
        Some(RemedyResult::Other) => 2,
        None => 3,
    }
}

impl Table4 {
    pub fn new(year: i32) -> Table4 {
        Table4 {
            year,
            reconsideration: [0; 5],
            litigation_direct: [0; 5],
            litigation_after: [0; 5],
        }
    }

    /// Counts the reconsiderations and lawsuits of one case (its events, in order) that
    /// belong to the year.
    pub fn add_case(&mut self, events: &[Event]) {
        let Some(end) = NaiveDate::from_ymd_opt(self.year, 12, 31) else {
            return;
        };
        let at_end = as_of(events, end);
        for r in &at_end.remedies {
            if legal_date(r.recorded_at).year() != self.year {
                continue;
            }
            let row = match r.remedy.group() {
                0 => &mut self.reconsideration,
                1 => &mut self.litigation_direct,
                _ => &mut self.litigation_after,
            };
            row[remedy_column(r.remedy.result)] += 1;
            row[4] += 1;
        }
    }

    /// The 15 cells in the report's order.
    pub fn cells(&self) -> Vec<u64> {
        [
            self.reconsideration,
            self.litigation_direct,
            self.litigation_after,
        ]
        .iter()
        .flatten()
        .copied()
        .collect()
    }

    /// The table as CSV: the group, the column, the count (one line per cell).
    pub fn to_csv(&self) -> String {
        let mut out = "类别,项目,数量\n".to_owned();
        for (group, row) in TABLE4_GROUPS.iter().zip([
            self.reconsideration,
            self.litigation_direct,
            self.litigation_after,
        ]) {
            for (label, n) in TABLE4_COLUMNS.iter().zip(row) {
                out.push_str(&format!("{group},{label},{n}\n"));
            }
        }
        out
    }
}

/// The three groups of table 四, in order (they belong to the remedies, which name them).
pub use crate::model::TABLE4_GROUPS;

/// The five columns of each group of table 四.
pub const TABLE4_COLUMNS: [&str; 5] = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"];

/// Tables 三 and 四 of one year, as `gongkai report annual` and the web page give them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnualReport {
    pub table3: Table3,
    pub table4: Table4,
}

impl AnnualReport {
    /// Both tables as one CSV file, each under its title.
    pub fn to_csv(&self) -> String {
        format!(
            "三、收到和处理政府信息公开申请情况\n{}\n四、政府信息公开行政复议、行政诉讼情况\n{}",
            self.table3.to_csv(),
            self.table4.to_csv()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        ActorRef, Applicant, Channel, Delivery, EventKind, RemedyKind, Reply, RequestDetails, Role,
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
                        not_held: None,
                        competent_agency_contact: None,
                        disclosure: None,
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

    fn remedy(
        day: &str,
        id: u32,
        kind: RemedyKind,
        after: bool,
        result: Option<(RemedyResult, &str)>,
    ) -> Event {
        ev(
            day,
            EventKind::RemedyRecorded {
                id,
                remedy: crate::model::Remedy {
                    kind,
                    body: "某复议机关".to_owned(),
                    reference: None,
                    filed_on: NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap(),
                    after_reconsideration: after,
                    result: result.map(|r| r.0),
                    decided_on: result.map(|r| NaiveDate::parse_from_str(r.1, "%Y-%m-%d").unwrap()),
                },
            },
        )
    }

    fn decided(day: &str, id: u32, result: RemedyResult) -> Event {
        ev(
            day,
            EventKind::RemedyDecided {
                id,
                result,
                decided_on: NaiveDate::parse_from_str(day, "%Y-%m-%d").unwrap(),
            },
        )
    }

    /// "Not government information" (art. 2) has no row of its own: it counts under 三（六）3,
    /// and the table still has 21 outcome rows.
    #[test]
    fn not_government_information_counts_under_other() {
        let cases = [case(vec![
            vec![
                received("2025-03-03", ApplicantType::NaturalPerson),
                registered("2025-03-03"),
            ],
            replied(
                "2025-03-20",
                Outcome::Other(OtherGround::NotGovernmentInformation),
            ),
        ])];
        let t = Table3::of(2025, cases.iter().map(Vec::as_slice));
        assert_eq!(t.outcomes.len(), 21);
        let row = |o: Outcome| t.outcomes.iter().find(|(x, _)| *x == o).map(|r| r.1);
        assert_eq!(
            row(Outcome::Other(OtherGround::Other)),
            Some([1, 0, 0, 0, 0, 0, 1])
        );
        assert_eq!(
            row(Outcome::Other(OtherGround::NotGovernmentInformation)),
            None
        );
        assert_eq!(t.concluded, [1, 0, 0, 0, 0, 0, 1]);
        let rows: Vec<String> = t.rows().into_iter().map(|r| r.0).collect();
        assert_eq!(rows.iter().filter(|r| *r == "三（六）3").count(), 1);
        // 三（二） keeps the format's note on 区分处理.
        let partly = t.rows().into_iter().find(|r| r.0 == "三（二）").unwrap();
        assert_eq!(
            partly.1,
            "部分公开（区分处理的，只计这一情形，不计其他情形）"
        );
    }

    /// Table 四 of a fixed 2025, counted by hand: every group and column, a result recorded
    /// after the year (still 尚未审结 in 2025), and records of other years left out.
    #[test]
    fn table_four_of_a_fixed_year_matches_the_hand_count() {
        use RemedyKind::{Litigation, Reconsideration};
        use RemedyResult::{Corrected, Other, Upheld};
        let base = || {
            case(vec![
                vec![
                    received("2024-10-08", ApplicantType::NaturalPerson),
                    registered("2024-10-08"),
                ],
                replied("2024-11-01", Outcome::Disclosed),
            ])
        };
        let with = |more: Vec<Event>| {
            let mut c = base();
            c.extend(more);
            c
        };
        let cases = vec![
            // Reconsideration recorded 2025, upheld 2025; then a lawsuit after it, pending.
            with(vec![
                remedy("2025-01-10", 1, Reconsideration, false, None),
                decided("2025-03-10", 1, Upheld),
                remedy("2025-04-01", 2, Litigation, true, None),
            ]),
            // Reconsideration recorded 2025, corrected: entered with its result at once.
            with(vec![remedy(
                "2025-05-05",
                1,
                Reconsideration,
                false,
                Some((Corrected, "2025-05-01")),
            )]),
            // Reconsideration recorded 2025, decided 2026: 尚未审结 in 2025.
            with(vec![
                remedy("2025-11-11", 1, Reconsideration, false, None),
                decided("2026-02-02", 1, Corrected),
            ]),
            // Direct lawsuit recorded 2025, other result (withdrawn); and one recorded 2024.
            with(vec![
                remedy(
                    "2024-12-01",
                    1,
                    Litigation,
                    false,
                    Some((Upheld, "2024-12-20")),
                ),
                remedy("2025-06-06", 2, Litigation, false, None),
                decided("2025-09-09", 2, Other),
            ]),
            // Recorded in 2026: not in 2025.
            with(vec![remedy("2026-01-05", 1, Litigation, true, None)]),
            // No remedy at all.
            base(),
        ];
        let mut t = Table4::new(2025);
        for c in &cases {
            t.add_case(c);
        }
        //                          维持 纠正 其他 未结 总计
        assert_eq!(t.reconsideration, [1, 1, 0, 1, 3]);
        assert_eq!(t.litigation_direct, [0, 0, 1, 0, 1]);
        assert_eq!(t.litigation_after, [0, 0, 0, 1, 1]);
        assert_eq!(t.cells().len(), 15);
        let mut t2024 = Table4::new(2024);
        for c in &cases {
            t2024.add_case(c);
        }
        assert_eq!(t2024.litigation_direct, [1, 0, 0, 0, 1]);
        assert_eq!(t2024.reconsideration, [0; 5]);
        let csv = AnnualReport {
            table3: Table3::of(2025, cases.iter().map(Vec::as_slice)),
            table4: t,
        }
        .to_csv();
        assert!(csv.contains("行政复议,结果维持,1\n"));
        assert!(csv.contains("行政诉讼（复议后起诉）,尚未审结,1\n"));
    }
}
