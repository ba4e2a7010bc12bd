//! The count behind a per-request fee (按件计收): the place of a request among the same
//! applicant's requests to the same agency in the calendar month it was received
//! (《政府信息公开信息处理费管理办法》第四条: 同一申请人一个自然月内累计申请).

use chrono::{Datelike, NaiveDate};
use diesel::dsl::count_star;
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::error::StoreResult;
use crate::projection::CaseRow;
use crate::schema::cases;

/// A request's place in its month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthPlace {
    /// 1 for the applicant's first request of the month.
    pub nth: u32,
    /// The first day of the month the request was received in.
    pub month: NaiveDate,
}

/// The first day of `d`'s month and of the month after.
fn month_bounds(d: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = d.with_day(1).unwrap_or(d);
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or(NaiveDate::MAX);
    (first, next)
}

/// Where `row` stands among the requests with its applicant identity (`applicant_key`) made
/// to its agency and received (收到申请之日, a date in Asia/Shanghai) in the same calendar
/// month: the requests received before it, or on the same day but registered in the system
/// before it (then by id, so that two never share a place), count before it. Every request
/// counts, whatever became of it (art. 4: 按件计收适用于所有政府信息公开申请处理决定类型);
/// requests not yet received (an online filing awaiting confirmation) have no receipt date
/// and do not. A request whose applicant has no derived identity counts as the first. None
/// when `row` itself has no receipt date. One indexed count.
pub fn place_in_month(conn: &mut DbConnection, row: &CaseRow) -> StoreResult<Option<MonthPlace>> {
    let Some(received) = row.receipt_date else {
        return Ok(None);
    };
    let (first, next) = month_bounds(received);
    let Some(key) = &row.applicant_key else {
        return Ok(Some(MonthPlace {
            nth: 1,
            month: first,
        }));
    };
    let before: i64 = cases::table
        .filter(cases::applicant_key.eq(key))
        .filter(cases::agency_code.eq(&row.agency_code))
        .filter(cases::receipt_date.ge(first))
        .filter(cases::receipt_date.lt(next))
        .filter(
            cases::receipt_date
                .lt(received)
                .or(cases::receipt_date.eq(received).and(
                    cases::created_at.lt(row.created_at).or(cases::created_at
                        .eq(row.created_at)
                        .and(cases::id.lt(&row.id))),
                )),
        )
        .select(count_star())
        .first(conn)?;
    Ok(Some(MonthPlace {
        nth: u32::try_from(before).unwrap_or(u32::MAX - 1) + 1,
        month: first,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_end_where_the_next_begins() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            month_bounds(d(2026, 12, 31)),
            (d(2026, 12, 1), d(2027, 1, 1))
        );
        assert_eq!(month_bounds(d(2026, 2, 1)), (d(2026, 2, 1), d(2026, 3, 1)));
    }
}
