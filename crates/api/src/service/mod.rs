//! The service layer: every rule the REST routes and the web pages share, once — who may act
//! (the role classes of [`crate::auth`] in the signatures, the [`gongkai_store::Scope`] built
//! from the caller in every read), what a report covers, what an applicant may still do, what
//! a template preview does. Inputs and outputs are typed; routes and pages only parse, call a
//! function here and render what it returns.
//!
//! This is the only part of the crate that calls `gongkai_store` functions that read or write
//! data (a test below keeps it so); the other modules may name the store's types.

pub mod account;
pub mod admin;
pub mod attachments;
pub mod calendar;
mod case_shapes;
pub mod cases;
pub mod directory;
pub mod fees;
pub mod filing;
pub mod guide;
pub mod insight;
pub mod notices;
pub mod ops;
pub mod possible;
#[cfg(test)]
mod query_bound;
pub mod reading_room;
pub mod redaction;
pub mod release;
pub mod reports;
pub mod templates;

use chrono::Utc;
use gongkai_store::{CaseRow, DbConnection};
use gongkai_workflow::{Actor, Context};

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::state::Law;

/// A workflow context for `actor`, now.
pub fn context(law: &Law, actor: Actor) -> Context<'_> {
    Context {
        now: Utc::now(),
        actor,
        calendar: &law.calendar,
        statute: &law.statute,
    }
}

/// The case `id` if `caller` may see it (admins everything, staff their departments,
/// applicants their own requests: the caller's scope); otherwise 404, exactly as for an id
/// that does not exist.
pub(crate) fn visible_case(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
) -> ApiResult<CaseRow> {
    gongkai_store::queries::case_row(conn, &caller.scope(), id)?.ok_or_else(ApiError::not_found)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Store items the routes and pages may name: types and pure helpers, nothing that reads
    /// or writes data.
    const NAMES_ALLOWED: &[&str] = &[
        "gongkai_store::CaseRow",
        "gongkai_store::Scope",
        "gongkai_store::attachments::Attachment",
        "gongkai_store::attachments::Spooled",
        "gongkai_store::attachments::Limits",
        "gongkai_store::recompute::DueChange",
        "gongkai_store::similar::Similar",
        "gongkai_store::similar::Mark",
        "gongkai_store::similar::Request",
        "gongkai_store::outbox::OutboxRow",
        "gongkai_store::accounts::User",
        "gongkai_store::accounts::Agency",
        "gongkai_store::accounts::Department",
        "gongkai_store::dates::legal_date_of",
        "gongkai_store::outbox::OutboxStatus",
    ];

    fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                sources(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                out.push((p.display().to_string(), text));
            }
        }
    }

    /// Routes and pages reach the store only through this service layer: no `gongkai_store`
    /// path other than a type name, no import of store modules, no database call of their own.
    #[test]
    fn routes_and_pages_do_not_call_the_store() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root.join("routes"), &mut files);
        sources(&root.join("pages"), &mut files);
        assert!(
            files.len() >= 10,
            "sources not found under {}",
            root.display()
        );
        let mut offences = Vec::new();
        for (path, text) in &files {
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                let mut rest = code;
                while let Some(at) = rest.find("gongkai_store") {
                    let tail = &rest[at..];
                    let end = tail
                        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                        .unwrap_or(tail.len());
                    let used = tail[..end].trim_end_matches(':');
                    // `gongkai_store::module::{A, B}`: each name of the group.
                    let names: Vec<String> = match tail[end..].strip_prefix('{') {
                        Some(group) => group
                            .split('}')
                            .next()
                            .unwrap_or("")
                            .split(',')
                            .map(|x| format!("{used}::{}", x.trim()))
                            .collect(),
                        None => vec![used.to_owned()],
                    };
                    if names.iter().any(|x| !NAMES_ALLOWED.contains(&x.as_str())) {
                        offences.push(format!("{path}:{}: {}", n + 1, line.trim()));
                    }
                    rest = &tail[end.max(1)..];
                }
                // The connection helpers of crate::state, by name.
                let calls_db = code
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|token| token == "db" || token == "db_bulk" || token == "db_heavy");
                if calls_db {
                    offences.push(format!("{path}:{}: {}", n + 1, line.trim()));
                }
            }
        }
        assert!(
            offences.is_empty(),
            "routes and pages must call the service, not the store:\n{}",
            offences.join("\n")
        );
    }

    /// The service is below the adapters: no service file names the routes or the pages, so
    /// the rules and the types they take and return live here and the adapters import them.
    #[test]
    fn the_service_does_not_depend_on_routes_or_pages() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root.join("service"), &mut files);
        assert!(
            files.len() >= 10,
            "sources not found under {}",
            root.display()
        );
        // Spelled in pieces, so that this test does not find itself.
        let needles: Vec<String> = ["crate", "gongkai_api"]
            .iter()
            .flat_map(|root| ["routes", "pages"].map(|m| format!("{root}::{m}")))
            .collect();
        let mut offences = Vec::new();
        for (path, text) in &files {
            for (n, line) in text.lines().enumerate() {
                let code = line.split("//").next().unwrap_or("");
                if needles.iter().any(|m| code.contains(m.as_str())) {
                    offences.push(format!("{path}:{}: {}", n + 1, line.trim()));
                }
            }
        }
        assert!(
            offences.is_empty(),
            "the service must not depend on the routes or the pages:\n{}",
            offences.join("\n")
        );
    }
}
