//! The law as the tests load it: the built-in statute profiles and calendar.

use chrono::{DateTime, TimeZone, Utc};
use gongkai_workflow::{Actor, Calendar, Context, Statute, builtin_calendar};

pub struct Law {
    pub calendar: Calendar,
    pub statute: Statute,
}

impl Default for Law {
    fn default() -> Self {
        Law::new()
    }
}

impl Law {
    pub fn new() -> Law {
        Law {
            calendar: builtin_calendar().unwrap(),
            statute: Statute::builtin(),
        }
    }

    /// The law as the API and the mailer hold it.
    pub fn in_force(&self) -> gongkai_workflow::Law {
        gongkai_workflow::Law {
            calendar: self.calendar.clone(),
            statute: self.statute.clone(),
        }
    }

    pub fn ctx(&self, actor: &Actor, now: DateTime<Utc>) -> Context<'_> {
        Context {
            now,
            actor: actor.clone(),
            calendar: &self.calendar,
            statute: &self.statute,
        }
    }
}

/// 10:00 in Beijing on `day` (YYYY-MM-DD).
pub fn at(day: &str) -> DateTime<Utc> {
    let d = gongkai_workflow::parse_date(day).unwrap();
    Utc.from_utc_datetime(&d.and_hms_opt(2, 0, 0).unwrap())
}
