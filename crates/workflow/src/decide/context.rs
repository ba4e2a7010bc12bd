//! What `decide` may consult besides the case.

use chrono::{DateTime, NaiveDate, Utc};

use crate::calendar::Calendar;
use crate::clock::legal_date;
use crate::model::Actor;
use crate::statute::Statute;

/// Everything `decide` may consult besides the case: the instant, who acts, and the law's data.
/// The crate never reads the system clock; `now` comes from here.
#[derive(Debug, Clone)]
pub struct Context<'a> {
    pub now: DateTime<Utc>,
    pub actor: Actor,
    pub calendar: &'a Calendar,
    pub statute: &'a Statute,
}

impl Context<'_> {
    /// Today in Asia/Shanghai: the legal date of "now".
    pub fn today(&self) -> NaiveDate {
        legal_date(self.now)
    }
}

/// The id an applicant without an account files under.
pub const ANONYMOUS_APPLICANT: &str = "anonymous";
