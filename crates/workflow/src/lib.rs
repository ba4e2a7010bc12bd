//! gongkai-workflow: the domain of gongkai. It knows the whole life of a request for
//! government information (依申请公开) and the law's clock, and nothing else: no I/O, no
//! database, no reading of the system clock. Callers pass the instant, the actor, the
//! working-day calendar and the statute profiles in a [`Context`].
//!
//! - [`calendar`]: the working-day calendar, O(1) queries from prefix counts;
//! - [`statute`]: the statute profiles (cn-2019, cn-2008) as data;
//! - [`clock`]: the reply due date with pauses, restarts and extension, and its explanation;
//! - [`decide`] and [`evolve`]: the event-sourced case;
//! - [`outcome`]: the reply outcome taxonomy of the annual report;
//! - [`notices`]: which written notices an event calls for;
//! - [`vocabulary`]: the named values (statuses, roles, outcomes, …): each enum's stored name
//!   and Chinese label, written once.
//!
//! ```
//! use gongkai_workflow::{ClockInput, Statute, builtin_calendar, parse_date, reply_due};
//!
//! let calendar = builtin_calendar()?;
//! let statute = Statute::builtin();
//! let received = parse_date("2026-01-30").ok_or("bad date")?;
//! let profile = statute.profile_for(received).ok_or("no profile")?;
//! let due = reply_due(&calendar, profile, &ClockInput::received(received));
//! // 20 working days, skipping the Spring Festival and counting the make-up Saturdays.
//! assert_eq!(due.due, parse_date("2026-03-05"));
//! assert!(!due.provisional);
//! assert!(due.explanation.text_zh.iter().any(|line| line.contains("春节")));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod calendar;
pub mod case;
pub mod clock;
pub mod decide;
pub mod fee;
pub mod model;
pub mod notice;
pub mod outcome;
pub mod rejection;
pub mod report;
pub mod similar;
pub mod statute;
pub mod vocabulary;

pub use calendar::{
    Calendar, CalendarError, CalendarIssue, CalendarYear, FIXED_HOLIDAYS, Holiday, YearEntry,
    fixed_holiday, parse_date, provisional_working_day,
};
pub use case::{Case, Publication, Status, SubState, evolve};
pub use clock::{ClockInput, Explanation, Pause, ReplyDue, WarningLevel, due_date, reply_due};
pub use decide::{Context, decide, permitted_roles};
pub use model::{Actor, Channel, Command, CommandKind, Event, EventKind, Role};
pub use notice::{Called, Notice, NoticeKind, Recipient, notices, notices_of};
pub use outcome::Outcome;
pub use rejection::{Rejection, RejectionCode};
pub use statute::{PauseKind, Statute, StatuteProfile};
pub use vocabulary::Vocabulary;

/// The law in force: the working-day calendar and the statute profiles that a deadline is
/// counted under.
#[derive(Debug, Clone)]
pub struct Law {
    pub calendar: Calendar,
    pub statute: Statute,
}

/// The working-day calendar shipped with gongkai (config/calendars/cn.toml, compiled in).
pub const BUILTIN_CALENDAR: &str = include_str!("../../../config/calendars/cn.toml");

/// The built-in calendar, 2008–2026.
pub fn builtin_calendar() -> Result<Calendar, CalendarError> {
    Calendar::from_toml_str("config/calendars/cn.toml", BUILTIN_CALENDAR)
}
