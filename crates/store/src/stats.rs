//! Monthly and live statistics per department: received, replied, on time, late, working days
//! to reply (average and 90th percentile) and how the cases ended, from the projection columns
//! that `execute` keeps (migration 2026-11-23-000006).
//!
//! A request counts as received in the month it was recorded (Beijing time, as table 三 of the
//! annual report counts it), and as concluded — and, when the ending was a reply, as replied —
//! in the month it ended (reply, withdrawal, abandonment, closure; the reply's legal date). A
//! reply is on time when it was given by the due date that applied then (a reply without one,
//! e.g. on the spot, is on time); working days run from the receipt date to the reply, pauses
//! included (the time the applicant waited). These are live figures from the projection: a
//! case reopened after a reconsideration decision leaves the month of its first reply and
//! counts in the month of its new one (the annual report, by contrast, never changes).

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gongkai_workflow::outcome::OutcomeKind;

use crate::dates::{day_start, legal_date_of};
use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::schema::cases;
use crate::scope::{Scope, within_scope};
use crate::typed::OptionalStored;

/// One department's figures for one month (or the year, when `month` is 0).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MonthFigures {
    pub department: String,
    pub month: u32,
    pub received: u64,
    pub concluded: u64,
    pub replied: u64,
    pub on_time: u64,
    pub late: u64,
    pub avg_days: Option<f64>,
    pub p90_days: Option<i64>,
    /// Concluded cases by outcome kind, in [`OutcomeKind::ALL`] order (the annual report's
    /// groups); [`MonthFigures::by_outcome`] pairs each count with its kind.
    pub outcomes: [u64; OutcomeKind::ALL.len()],
}

impl MonthFigures {
    /// Each outcome kind with its count, in [`OutcomeKind::ALL`] order.
    pub fn by_outcome(&self) -> impl Iterator<Item = (OutcomeKind, u64)> + '_ {
        OutcomeKind::ALL.into_iter().zip(self.outcomes)
    }
}

/// A concluded case as the statistics read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Concluded {
    pub department: String,
    pub concluded_on: NaiveDate,
    pub replied_on: Option<NaiveDate>,
    pub reply_due_on: Option<NaiveDate>,
    pub reply_days: Option<i32>,
    /// The outcome's group; a case concluded without a reply counts as `Other`.
    pub outcome: Option<OutcomeKind>,
}

/// The 90th percentile by nearest rank (the smallest value with at least 90 % at or below).
pub fn p90(sorted: &[i64]) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (sorted.len() * 9).div_ceil(10);
    sorted.get(rank.saturating_sub(1)).copied()
}

/// A number of cases that count alike: recorded in `month` (`concluded` is `None`), or
/// concluded in it with that outcome group, replied on time (`late` is `Some(false)`), late, or
/// not at all (`None`), the reply having taken `reply_days` working days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub department: String,
    pub month: u32,
    pub concluded: Option<OutcomeKind>,
    pub late: Option<bool>,
    pub reply_days: Option<i64>,
    pub n: u64,
}

/// Aggregates per (department, month), plus a `month = 0` row per department for the year;
/// `received` holds (department, month) of each request recorded in the year.
pub fn aggregate(received: &[(String, u32)], concluded: &[Concluded]) -> Vec<MonthFigures> {
    let mut counts = Vec::with_capacity(received.len() + concluded.len());
    for (department, month) in received {
        counts.push(Counted {
            department: department.clone(),
            month: *month,
            concluded: None,
            late: None,
            reply_days: None,
            n: 1,
        });
    }
    for c in concluded {
        let late = c.replied_on.map(|replied| match c.reply_due_on {
            Some(due) => replied > due,
            None => false,
        });
        counts.push(Counted {
            department: c.department.clone(),
            month: c.concluded_on.month(),
            concluded: Some(c.outcome.unwrap_or(OutcomeKind::Other)),
            late,
            reply_days: late.and(c.reply_days).map(i64::from),
            n: 1,
        });
    }
    aggregate_counted(counts)
}

/// [`aggregate`] of counted cases (what the statistics' tallies hold); the working days are
/// kept as a histogram, so the average and the 90th percentile are those of every reply.
pub fn aggregate_counted(counts: Vec<Counted>) -> Vec<MonthFigures> {
    let mut figs: BTreeMap<(String, u32), (MonthFigures, BTreeMap<i64, u64>)> = BTreeMap::new();
    for c in counts {
        for m in [c.month, 0] {
            let (f, days) = figs.entry((c.department.clone(), m)).or_insert_with(|| {
                (
                    MonthFigures {
                        department: c.department.clone(),
                        month: m,
                        ..MonthFigures::default()
                    },
                    BTreeMap::new(),
                )
            });
            let Some(kind) = c.concluded else {
                f.received += c.n;
                continue;
            };
            let k = OutcomeKind::ALL
                .iter()
                .position(|o| *o == kind)
                .unwrap_or_default();
            f.concluded += c.n;
            f.outcomes[k] += c.n;
            if let Some(late) = c.late {
                f.replied += c.n;
                if late {
                    f.late += c.n;
                } else {
                    f.on_time += c.n;
                }
                if let Some(d) = c.reply_days {
                    *days.entry(d).or_default() += c.n;
                }
            }
        }
    }
    figs.into_values()
        .map(|(mut f, days)| {
            let total: u64 = days.values().sum();
            if total > 0 {
                // The 90th percentile by nearest rank, as `p90` over the sorted days.
                let rank = (total * 9).div_ceil(10).max(1);
                let mut seen = 0;
                f.p90_days = days.iter().find_map(|(d, n)| {
                    seen += n;
                    (seen >= rank).then_some(*d)
                });
                let sum: i64 = days
                    .iter()
                    .map(|(d, n)| d * i64::try_from(*n).unwrap_or(i64::MAX))
                    .sum();
                f.avg_days = Some(sum as f64 / total as f64);
            }
            f
        })
        .collect()
}

/// The figures of `year` for the cases within `scope` (of `agency` only, when given): summed
/// from the statistics' tallies (`tallies`), or, until those are counted after migrating, read
/// from the projection ([`monthly_from_cases`]).
pub fn monthly(
    conn: &mut DbConnection,
    year: i32,
    agency: Option<&str>,
    scope: &Scope,
) -> StoreResult<Vec<MonthFigures>> {
    if scope.sees_nothing() {
        return Ok(Vec::new());
    }
    if crate::tallies::ready(conn)?
        && let Some(figures) = crate::tallies::monthly(conn, year, agency, scope)?
    {
        return Ok(figures);
    }
    monthly_from_cases(conn, year, agency, scope)
}

/// [`monthly`] read from the projection rows of the year's cases: the definition the tallies
/// are checked against (and what an applicant's scope is answered from).
pub fn monthly_from_cases(
    conn: &mut DbConnection,
    year: i32,
    agency: Option<&str>,
    scope: &Scope,
) -> StoreResult<Vec<MonthFigures>> {
    if scope.sees_nothing() {
        return Ok(Vec::new());
    }
    let (Some(first), Some(next)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year + 1, 1, 1),
    ) else {
        return Ok(Vec::new());
    };
    let (from, to) = (day_start(first), day_start(next));
    let mut q = cases::table
        .filter(cases::created_at.ge(from))
        .filter(cases::created_at.lt(to))
        .select((cases::department_code, cases::created_at))
        .into_boxed();
    if let Some(a) = agency {
        q = q.filter(cases::agency_code.eq(a.to_owned()));
    }
    q = within_scope!(q, scope);
    let received: Vec<(String, u32)> = q
        .load::<(String, NaiveDateTime)>(conn)?
        .into_iter()
        .map(|(d, at)| (d, legal_date_of(at).month()))
        .collect();
    let mut q = cases::table
        .filter(cases::concluded_on.ge(first))
        .filter(cases::concluded_on.lt(next))
        .select((
            cases::department_code,
            cases::concluded_on,
            cases::replied_on,
            cases::reply_due_on,
            cases::reply_days,
            cases::outcome,
        ))
        .into_boxed();
    if let Some(a) = agency {
        q = q.filter(cases::agency_code.eq(a.to_owned()));
    }
    q = within_scope!(q, scope);
    type Row = (
        String,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<NaiveDate>,
        Option<i32>,
        OptionalStored<OutcomeKind>,
    );
    let concluded: Vec<Concluded> = q
        .load::<Row>(conn)?
        .into_iter()
        .filter_map(
            |(department, concluded_on, replied_on, reply_due_on, reply_days, outcome)| {
                Some(Concluded {
                    department,
                    concluded_on: concluded_on?,
                    replied_on,
                    reply_due_on,
                    reply_days,
                    outcome: outcome.into(),
                })
            },
        )
        .collect();
    Ok(aggregate(&received, &concluded))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn percentile_by_nearest_rank() {
        assert_eq!(p90(&[]), None);
        assert_eq!(p90(&[7]), Some(7));
        assert_eq!(p90(&(1..=10).collect::<Vec<_>>()), Some(9));
        assert_eq!(p90(&(1..=11).collect::<Vec<_>>()), Some(10));
    }

    #[test]
    fn months_and_the_year_add_up() {
        let d = "gk-gkb".to_owned();
        let received = vec![(d.clone(), 1), (d.clone(), 1), (d.clone(), 2)];
        let c = |concluded: &str, replied: Option<&str>, due: &str, days: i32, outcome: &str| {
            Concluded {
                department: d.clone(),
                concluded_on: day(concluded),
                replied_on: replied.map(day),
                reply_due_on: Some(day(due)),
                reply_days: replied.map(|_| days),
                outcome: OutcomeKind::parse(outcome),
            }
        };
        let concluded = vec![
            c(
                "2025-01-20",
                Some("2025-01-20"),
                "2025-01-25",
                10,
                "disclosed",
            ),
            c(
                "2025-01-28",
                Some("2025-01-28"),
                "2025-01-27",
                21,
                "not_disclosed",
            ),
            c("2025-02-03", None, "2025-02-10", 0, "other"),
        ];
        let figs = aggregate(&received, &concluded);
        let jan = figs.iter().find(|f| f.month == 1).unwrap();
        assert_eq!(
            (jan.received, jan.replied, jan.on_time, jan.late),
            (2, 2, 1, 1)
        );
        assert_eq!(jan.avg_days, Some(15.5));
        assert_eq!(jan.p90_days, Some(21));
        assert_eq!(jan.outcomes, [1, 0, 1, 0, 0, 0]);
        let feb = figs.iter().find(|f| f.month == 2).unwrap();
        assert_eq!((feb.received, feb.concluded, feb.replied), (1, 1, 0));
        assert_eq!(feb.avg_days, None);
        let year = figs.iter().find(|f| f.month == 0).unwrap();
        assert_eq!((year.received, year.concluded, year.replied), (3, 3, 2));
        assert_eq!(year.outcomes, [1, 0, 1, 0, 0, 1]);
    }
}
