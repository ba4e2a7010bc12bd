//! The limits of fields and parameters, in one place: the validation
//! ([`crate::body`], the service's `Validate` rules) checks them and the OpenAPI document
//! (`crate::openapi`) states them. Lengths are in characters. This file depends on nothing,
//! so both sides can use it.

/// Longest string accepted anywhere in a JSON body (a reply text can be long, a novel not).
pub const MAX_STRING_CHARS: usize = 20_000;
/// Largest JSON body accepted.
pub const MAX_JSON_BYTES: usize = 256 * 1024;

/// Names of people, agencies and departments; a guide channel's label.
pub const NAME: usize = 100;
/// Agency and department codes: this many ASCII lowercase letters, digits or hyphens.
pub const CODE_MIN: usize = 2;
pub const CODE_MAX: usize = 32;
/// An agency or department named in a request (checked against the directory).
pub const CODE_REF: usize = 64;
/// Tracking-number prefixes: 1 to this many ASCII capital letters.
pub const TRACKING_PREFIX_MAX: usize = 8;
/// Usernames: this many ASCII letters, digits or `. _ - @`.
pub const USERNAME_MIN: usize = 3;
pub const USERNAME_MAX: usize = 64;
/// Passwords a user sets (at least one letter and one ASCII digit).
pub const PASSWORD_MIN: usize = 10;
pub const PASSWORD_MAX: usize = 128;
pub const EMAIL: usize = 254;
pub const PHONE: usize = 30;
pub const ID_DOCUMENT: usize = 40;
pub const ADDRESS: usize = 300;
/// What an applicant asks for.
pub const DESCRIPTION: usize = 5000;
pub const DOCUMENT_NUMBER: usize = 200;
/// A tracking number or filing reference, and a query code.
pub const REFERENCE: usize = 64;
pub const QUERY_CODE: usize = 32;
/// A correction supplied by the applicant.
pub const CORRECTION: usize = 10_000;
/// A withdrawal's reason.
pub const REASON: usize = 2000;
/// A supervisor's note on a group of requests.
pub const NOTE: usize = 2000;
/// A group marked for proactive disclosure: this many cases.
pub const MARK_CASES_MIN: usize = 2;
pub const MARK_CASES_MAX: usize = 10_000;
/// The guide: its title, one-line fields, long texts and process steps.
pub const GUIDE_TITLE: usize = 200;
pub const GUIDE_LINE: usize = 500;
pub const GUIDE_TEXT: usize = 5000;
pub const GUIDE_STEP: usize = 1000;
/// One calendar year in TOML.
pub const CALENDAR_TOML: usize = 20_000;
/// Page sizes (`limit`) of the queues, the search and the outbox; the search's `offset`.
pub const QUEUE_PAGE_MAX: i64 = 200;
pub const SEARCH_PAGE_MAX: i64 = 100;
pub const SEARCH_OFFSET_MAX: i64 = 10_000;
pub const OUTBOX_PAGE_MAX: i64 = 500;
/// The smallest group of near-identical requests listed (`min`).
pub const GROUP_MIN: usize = 2;
pub const GROUP_MAX: usize = 1000;
