//! The annual report's tables 三 (收到和处理政府信息公开申请情况) and 四 (政府信息公开行政复议、
//! 行政诉讼情况), computed from the events of each case, in the format of the report's year
//! ([`ReportFormat`]: 国办公开办函〔2019〕60号 for 2019 and 2020, 〔2021〕30号 from 2021).
//!
//! Every date is a *legal* date (Beijing time), never the day something was typed in:
//! - 一 本年新收: requests received during the year, by the receipt date of art. 31 (a letter
//!   signed for on 30 December is received that year even if entered on 4 January; an online
//!   filing is received on the day a clerk confirms it, and one never confirmed is not received
//!   at all); a request reopened by an order (复议决定、判决责令重新答复) counts again as a new
//!   request in the year the agency received the order, when [`Counting::reopened_counts_anew`]
//!   (the default);
//! - 二 上年结转: requests received before the year and still open at the end of the year before;
//! - 三 办理结果: those of 一 and 二 concluded during the year (by the legal date of the reply,
//!   withdrawal, abandonment or closure), by outcome;
//! - 四 结转下年度: those of 一 and 二 still open at the end of the year.
//!
//! So 一 + 二 = 三（七） + 四 in every column, and 四 of one year equals 二 of the next. Because a
//! late entry can change a past year, a year's report is *published* (stored as it was then) and
//! later differences are shown against it, never applied silently.

use chrono::{Datelike, NaiveDate};

use crate::case::{Case, evolve};
use crate::model::{ApplicantType, Event, EventKind, RemedyResult};
use crate::outcome::{OtherGround, Outcome};

/// The applicant columns in report order; the last column of every row is the total.
pub const COLUMNS: [ApplicantType; 6] = ApplicantType::ALL;

/// One row: a count per applicant column, then the total.
pub type Counts = [u64; 7];

/// The first year a report can be made for: the revised Regulations took effect on
/// 2019-05-15 and the first uniform format (国办公开办函〔2019〕60号) covers the 2019 report.
pub const FIRST_YEAR: i32 = 2019;

/// The official format a year's report follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    /// 《中华人民共和国政府信息公开工作年度报告格式（试行）》, 国办公开办函〔2019〕60号: the
    /// reports for 2019 and 2020. 三（六）其他处理 is a single row.
    Trial2019,
    /// The revised format, 国办公开办函〔2021〕30号: the reports from 2021 on. 三（六）其他处理
    /// has three sub-rows.
    Revised2021,
}

impl ReportFormat {
    /// The format of `year`'s report; none before [`FIRST_YEAR`].
    pub fn of(year: i32) -> Option<ReportFormat> {
        match year {
            y if y < FIRST_YEAR => None,
            2019 | 2020 => Some(ReportFormat::Trial2019),
            _ => Some(ReportFormat::Revised2021),
        }
    }

    /// The document that set the format.
    pub fn document_zh(self) -> &'static str {
        match self {
            ReportFormat::Trial2019 => "国办公开办函〔2019〕60号",
            ReportFormat::Revised2021 => "国办公开办函〔2021〕30号",
        }
    }
}

/// How the report counts what the format's notes leave to the agency (a setting).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counting {
    /// A request reopened by an order counts again as a new request (一) in the year the
    /// order was received; when false the reopened handling is not counted in table 三 at all
    /// (only in table 四). Both keep 一 + 二 = 三（七） + 四.
    pub reopened_counts_anew: bool,
}

impl Default for Counting {
    fn default() -> Counting {
        Counting {
            reopened_counts_anew: true,
        }
    }
}

/// What one handling of a case (the first, or one after an order) contributes to a year's
/// table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Contribution {
    pub column: usize,
    pub new: bool,
    pub carried_in: bool,
    /// The outcome, when the handling was concluded during the year.
    pub outcome: Option<Outcome>,
}

fn column_of(kind: Option<ApplicantType>) -> usize {
    // A request without a recorded applicant type (data from before it was asked) is counted
    // under 其他.
    let kind = kind.unwrap_or(ApplicantType::OtherOrganisation);
    COLUMNS.iter().position(|k| *k == kind).unwrap_or(5)
}

/// One handling of a request: from its receipt (or the receipt of the order that reopened it)
/// to its conclusion, if any, with legal dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Handling {
    pub start: NaiveDate,
    /// Whether it began with an order (a reopened request) rather than the request itself.
    pub reopened: bool,
    pub end: Option<(NaiveDate, Outcome)>,
}

/// The handlings of the case of `events` (in order), with the applicant column. A request
/// never received in law (an online filing never confirmed) has none.
pub fn handlings(events: &[Event]) -> (usize, Vec<Handling>) {
    let mut case = Case::default();
    let mut out: Vec<Handling> = Vec::new();
    let mut open = false;
    for e in events {
        let was_open = case.status.is_open();
        case = evolve(case, e);
        if let EventKind::Reopened { order, .. } = &e.kind {
            out.push(Handling {
                start: order.received_on,
                reopened: true,
                end: None,
            });
            open = true;
        } else if out.is_empty() && case.status.is_open() {
            // The first handling; its start is fixed below, once the receipt date is known.
            out.push(Handling {
                start: NaiveDate::MIN,
                reopened: false,
                end: None,
            });
            open = true;
        }
        if open && was_open && !case.status.is_open() {
            if let (Some(h), Some(on)) = (out.last_mut(), case.concluded_on) {
                let outcome = case.outcome.unwrap_or(Outcome::Other(OtherGround::Other));
                h.end = Some((on.max(h.start), outcome));
            }
            open = false;
        }
    }
    let Some(received) = case.receipt_date else {
        return (column_of(case.applicant.kind), Vec::new());
    };
    if let Some(first) = out.first_mut().filter(|h| !h.reopened) {
        first.start = received;
        if let Some((on, _)) = &mut first.end {
            *on = (*on).max(received);
        }
    }
    (column_of(case.applicant.kind), out)
}

/// What the case of `events` (in order) counts for in `year`'s table: one contribution per
/// handling that belongs to the year.
pub fn contributions(events: &[Event], year: i32, counting: Counting) -> Vec<Contribution> {
    let (column, hs) = handlings(events);
    hs.iter()
        .filter(|h| !h.reopened || counting.reopened_counts_anew)
        .filter_map(|h| {
            if h.start.year() > year {
                return None;
            }
            let new = h.start.year() == year;
            let ended = h.end.map(|(on, o)| (on.year(), o));
            let carried_in = !new && ended.is_none_or(|(y, _)| y >= year);
            if !new && !carried_in {
                return None;
            }
            Some(Contribution {
                column,
                new,
                carried_in,
                outcome: ended.filter(|(y, _)| *y == year).map(|(_, o)| o),
            })
        })
        .collect()
}

/// What one case counts for in every year's table 三 at once: a tally for the start of each
/// handling (in the year it began) and one for its end (in the year it ended, with its
/// outcome). A handling counts in year Y exactly when it began by the end of Y and had not ended
/// before Y (its end is never before its start), so summed over cases the tallies give every
/// year's table ([`Table3::from_tallies`]): 二 of Y is the handlings begun before Y less those
/// ended before Y. The store keeps them per department, changed by every command, so that the
/// report adds up a few thousand numbers instead of folding every case's events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tally {
    pub year: i32,
    /// The applicant column (index into [`COLUMNS`]).
    pub column: usize,
    /// Whether the handling began with an order that reopened the request.
    pub reopened: bool,
    /// `None`: a handling began in `year`; `Some`: one ended in `year` with this outcome.
    pub ended: Option<Outcome>,
}

/// The tallies of the case of `events` (in order): see [`Tally`].
pub fn tallies(events: &[Event]) -> Vec<Tally> {
    let (column, hs) = handlings(events);
    let mut out = Vec::with_capacity(hs.len() * 2);
    for h in hs {
        out.push(Tally {
            year: h.start.year(),
            column,
            reopened: h.reopened,
            ended: None,
        });
        if let Some((on, outcome)) = h.end {
            out.push(Tally {
                year: on.year(),
                column,
                reopened: h.reopened,
                ended: Some(outcome),
            });
        }
    }
    out
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
    add_n(row, column, 1);
}

fn add_n(row: &mut Counts, column: usize, n: u64) {
    row[column] += n;
    row[6] += n;
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

    /// The table of `year` from the tallies of every case ([`tallies`]), each with how many
    /// cases have it: the same table as [`Table3::of`] over those cases' events.
    pub fn from_tallies(
        year: i32,
        counting: Counting,
        tallies: impl IntoIterator<Item = (Tally, u64)>,
    ) -> Table3 {
        let mut t = Table3::new(year);
        let mut begun_before = [0u64; 6];
        let mut ended_before = [0u64; 6];
        let mut concluded = [0u64; 6];
        for (tally, n) in tallies {
            if tally.year > year || (tally.reopened && !counting.reopened_counts_anew) {
                continue;
            }
            let c = tally.column.min(5);
            match (tally.ended, tally.year < year) {
                (None, true) => begun_before[c] += n,
                (None, false) => add_n(&mut t.new, c, n),
                (Some(_), true) => ended_before[c] += n,
                (Some(o), false) => {
                    let leaf = o.report_row();
                    if let Some((_, row)) = t.outcomes.iter_mut().find(|(x, _)| *x == leaf) {
                        add_n(row, c, n);
                    }
                    add_n(&mut t.concluded, c, n);
                    concluded[c] += n;
                }
            }
        }
        for c in 0..6 {
            // Both saturate only on tallies that do not come from whole cases.
            let carried_in = begun_before[c].saturating_sub(ended_before[c]);
            add_n(&mut t.carried_in, c, carried_in);
            let open = (t.new[c] + carried_in).saturating_sub(concluded[c]);
            add_n(&mut t.carried_out, c, open);
        }
        t
    }

    /// The table of `year` from the events of every case of the agency.
    pub fn of<'a>(
        year: i32,
        counting: Counting,
        cases: impl IntoIterator<Item = &'a [Event]>,
    ) -> Table3 {
        let mut t = Table3::new(year);
        for events in cases {
            for c in contributions(events, year, counting) {
                t.add(&c);
            }
        }
        t
    }

    /// The format of the year's report.
    pub fn format(&self) -> ReportFormat {
        ReportFormat::of(self.year).unwrap_or(ReportFormat::Revised2021)
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
        let mut other = [0; 7];
        for (o, counts) in &self.outcomes {
            if self.format() == ReportFormat::Trial2019 && o.row().starts_with("三（六）") {
                // 60号: 其他处理 is one row, without the grounds 30号 added.
                for (sum, n) in other.iter_mut().zip(counts) {
                    *sum += n;
                }
                continue;
            }
            out.push((o.row().to_owned(), o.report_label_zh().to_owned(), *counts));
        }
        if self.format() == ReportFormat::Trial2019 {
            out.push(("三（六）".to_owned(), "其他处理".to_owned(), other));
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
/// A reconsideration or lawsuit decided during the year counts under its result; one filed by
/// the end of the year and not decided by then counts as 尚未审结 (and again in each later
/// year until it is decided, then under its result in the year of the decision). Dates are
/// the legal ones (filed, decided), not the days they were entered.
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
        let case = Case::from_events(events);
        for r in &case.remedies {
            let filed = r.remedy.filed_on.year();
            let decided = r
                .remedy
                .result
                .map(|res| (r.remedy.decided_on.unwrap_or(r.remedy.filed_on), res));
            let result = match decided {
                Some((on, res)) if on.year() == self.year => Some(res),
                Some((on, _)) if on.year() < self.year => continue,
                _ if filed <= self.year => None,
                _ => continue,
            };
            let row = match r.remedy.group() {
                0 => &mut self.reconsideration,
                1 => &mut self.litigation_direct,
                _ => &mut self.litigation_after,
            };
            row[remedy_column(result)] += 1;
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

/// One row of a stored (published) table: 行次, wording, counts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SnapshotRow {
    pub row: String,
    pub label: String,
    pub counts: Vec<u64>,
}

/// A year's tables as published: the rows as they read (in the year's format), so that a
/// published report reads the same whatever later versions of gongkai count.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Snapshot {
    pub year: i32,
    /// The format's document, e.g. 国办公开办函〔2021〕30号.
    pub format: String,
    pub table3: Vec<SnapshotRow>,
    /// Table 四 by group (行政复议, 行政诉讼（未经复议直接起诉）, 行政诉讼（复议后起诉）), each
    /// [结果维持, 结果纠正, 其他结果, 尚未审结, 总计].
    pub table4: Vec<SnapshotRow>,
}

/// A row whose counts differ between the published version and the tables as computed now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Difference {
    /// 3 or 4.
    pub table: u8,
    pub row: String,
    pub label: String,
    pub published: Vec<u64>,
    pub current: Vec<u64>,
}

impl AnnualReport {
    /// The tables as they would be published.
    pub fn snapshot(&self) -> Snapshot {
        let t4 = &self.table4;
        Snapshot {
            year: self.table3.year,
            format: self.table3.format().document_zh().to_owned(),
            table3: self
                .table3
                .rows()
                .into_iter()
                .map(|(row, label, counts)| SnapshotRow {
                    row,
                    label,
                    counts: counts.to_vec(),
                })
                .collect(),
            table4: TABLE4_GROUPS
                .iter()
                .zip([
                    t4.reconsideration,
                    t4.litigation_direct,
                    t4.litigation_after,
                ])
                .map(|(g, counts)| SnapshotRow {
                    row: (*g).to_owned(),
                    label: (*g).to_owned(),
                    counts: counts.to_vec(),
                })
                .collect(),
        }
    }
}

impl Snapshot {
    /// The rows that differ from `current` (a row missing on one side counts as zeros there),
    /// table 三 first, in the order of `current`, then rows only the published version has.
    pub fn differences(&self, current: &Snapshot) -> Vec<Difference> {
        let mut out = Vec::new();
        for (table, old, new) in [
            (3u8, &self.table3, &current.table3),
            (4u8, &self.table4, &current.table4),
        ] {
            let zeros = |n: usize| vec![0; n];
            for r in new {
                let published = old
                    .iter()
                    .find(|o| o.row == r.row)
                    .map_or_else(|| zeros(r.counts.len()), |o| o.counts.clone());
                if published != r.counts {
                    out.push(Difference {
                        table,
                        row: r.row.clone(),
                        label: r.label.clone(),
                        published,
                        current: r.counts.clone(),
                    });
                }
            }
            for o in old.iter().filter(|o| !new.iter().any(|r| r.row == o.row)) {
                if o.counts.iter().any(|n| *n != 0) {
                    out.push(Difference {
                        table,
                        row: o.row.clone(),
                        label: o.label.clone(),
                        published: o.counts.clone(),
                        current: zeros(o.counts.len()),
                    });
                }
            }
        }
        out
    }
}

/// The day by which a year's report must be published (art. 49: 每年 1 月 31 日前).
pub fn publication_deadline(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year + 1, 1, 31)
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
                        release: Vec::new(),
                    },
                },
            ),
            ev(day, EventKind::SubmittedForReview),
            ev(
                day,
                EventKind::ReplyApproved {
                    outcome,
                    release: Vec::new(),
                },
            ),
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
        let t = Table3::of(2025, Counting::default(), cases.iter().map(Vec::as_slice));
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
        let t2024 = Table3::of(2024, Counting::default(), cases.iter().map(Vec::as_slice));
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
        let t = Table3::of(2025, Counting::default(), cases.iter().map(Vec::as_slice));
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

    /// Table 四 of a fixed 2025, counted by hand: every group and column, a result decided
    /// after the year (尚未审结 in 2025, under its result in 2026), and remedies of other years
    /// left out.
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
        // 2026: the reconsideration decided then counts under its result; the lawsuit filed in
        // 2025 and still pending is 尚未审结 again, next to the one filed in 2026.
        let mut t2026 = Table4::new(2026);
        for c in &cases {
            t2026.add_case(c);
        }
        assert_eq!(t2026.reconsideration, [0, 1, 0, 0, 1]);
        assert_eq!(t2026.litigation_after, [0, 0, 0, 2, 2]);
        assert_eq!(t2026.litigation_direct, [0; 5]);
        let csv = AnnualReport {
            table3: Table3::of(2025, Counting::default(), cases.iter().map(Vec::as_slice)),
            table4: t,
        }
        .to_csv();
        assert!(csv.contains("行政复议,结果维持,1\n"));
        assert!(csv.contains("行政诉讼（复议后起诉）,尚未审结,1\n"));
    }
}
