//! Beijing dates of the instants the tables store. Instants are stored as naive UTC
//! (`TIMESTAMP`); the law counts in Asia/Shanghai calendar dates. These two functions are the
//! only place the store crosses between them.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone};
use chrono_tz::Asia::Shanghai;

/// The Beijing calendar date of a stored (naive UTC) instant: the workflow's
/// `clock::legal_date`.
pub fn legal_date_of(stored: NaiveDateTime) -> NaiveDate {
    gongkai_workflow::clock::legal_date(stored.and_utc())
}

/// The stored (naive UTC) instant at which the Beijing day `day` begins, for range filters
/// on stored instants: `legal_date_of(t) >= day` exactly when `t >= day_start(day)`.
pub fn day_start(day: NaiveDate) -> NaiveDateTime {
    let midnight = day.and_time(NaiveTime::MIN);
    match Shanghai.from_local_datetime(&midnight).earliest() {
        Some(local) => local.naive_utc(),
        // A midnight that did not exist locally (none has since 1949): the UTC midnight's
        // offset is the one in force.
        None => midnight - Shanghai.offset_from_utc_datetime(&midnight).fix(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_beijing_day_starts_at_16_00_utc_the_day_before() {
        let day = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let start = day_start(day);
        assert_eq!(start.to_string(), "2024-12-31 16:00:00");
        assert_eq!(legal_date_of(start), day);
        assert_eq!(
            legal_date_of(start - chrono::TimeDelta::seconds(1)),
            day.pred_opt().unwrap()
        );
    }
}
