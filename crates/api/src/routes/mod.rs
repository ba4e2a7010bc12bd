//! Handlers, one module per audience. Handlers are thin: parse, authorize, call the store.

pub mod account;
pub mod admin;
pub mod cases;
pub mod insight;
pub mod mail;
pub mod ops;
pub mod public;
pub mod supervision;

use chrono::Utc;
use gongkai_store::CaseRow;
use gongkai_workflow::{Actor, Context};

use crate::auth::Caller;
use crate::state::Law;

/// Whether `caller` may see the case of `row`: admins everything, staff their departments,
/// applicants their own requests (the caller's [`gongkai_store::Scope`]). Everyone else gets
/// 404 from the handler.
pub fn can_see(caller: &Caller, row: &CaseRow) -> bool {
    caller.scope().admits(row)
}

/// The case `id` if `caller` may see it; otherwise 404, exactly as for an id that does not
/// exist.
pub fn visible_case(
    conn: &mut gongkai_store::DbConnection,
    caller: &Caller,
    id: &str,
) -> crate::error::ApiResult<CaseRow> {
    gongkai_store::queries::case_row(conn, &caller.scope(), id)?
        .ok_or_else(crate::error::ApiError::not_found)
}

/// A workflow context for `actor`, now.
pub fn context(law: &Law, actor: Actor) -> Context<'_> {
    Context {
        now: Utc::now(),
        actor,
        calendar: &law.calendar,
        statute: &law.statute,
    }
}
