//! Who a notice concerns, as the mailer needs them to address and sign it: the case's agency
//! and department by name, and its assignee.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::accounts::User;
use crate::db::{DbConnection, by_key};
use crate::error::StoreResult;
use crate::schema::{agencies, cases, departments, users};

/// The names a notice about a case is written with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parties {
    /// The agency's name (its code when it has none on record).
    pub agency_name: String,
    /// The agency's reconsideration body and court, when an admin set them.
    pub reconsideration_body: Option<String>,
    pub court: Option<String>,
    /// The department the notice is about: the one given, else the case's.
    pub department_code: String,
    /// Its name (its code when it has none on record).
    pub department_name: String,
    /// The assignee's account, when one was given and exists.
    pub assignee: Option<User>,
}

/// The parties of a notice about `case_id`. `department` and `assignee` are those of the case
/// as the notice's event left it (the projection may have moved on since); without a
/// department, the case's current one.
pub fn of_case(
    conn: &mut DbConnection,
    case_id: &str,
    department: Option<&str>,
    assignee: Option<&str>,
) -> StoreResult<Parties> {
    Names::default().of_case(conn, case_id, department, assignee)
}

type AgencyNames = (String, Option<String>, Option<String>);

/// [`of_case`] for several notices: each case, agency, department and user read once. The
/// notices of one case were written with different departments and assignees (before and
/// after its assignment, say), but the same few of them.
#[derive(Debug, Default)]
pub struct Names {
    cases: HashMap<String, (String, String)>,
    agencies: HashMap<String, AgencyNames>,
    departments: HashMap<String, String>,
    users: HashMap<String, Option<User>>,
}

impl Names {
    /// As [`of_case`].
    pub fn of_case(
        &mut self,
        conn: &mut DbConnection,
        case_id: &str,
        department: Option<&str>,
        assignee: Option<&str>,
    ) -> StoreResult<Parties> {
        let (agency_code, current) = remembered(&mut self.cases, case_id, || {
            Ok(by_key(
                cases::table
                    .find(case_id)
                    .select((cases::agency_code, cases::department_code)),
                conn,
            )?
            .ok_or(diesel::result::Error::NotFound)?)
        })?;
        let department_code = department.map_or(current, str::to_owned);
        let (agency_name, reconsideration_body, court) =
            remembered(&mut self.agencies, &agency_code, || {
                Ok(by_key(
                    agencies::table.find(&agency_code).select((
                        agencies::name,
                        agencies::reconsideration_body,
                        agencies::court,
                    )),
                    conn,
                )?
                .unwrap_or_else(|| (agency_code.clone(), None, None)))
            })?;
        let department_name = remembered(&mut self.departments, &department_code, || {
            Ok(by_key(
                departments::table
                    .find(&department_code)
                    .select(departments::name),
                conn,
            )?
            .unwrap_or_else(|| department_code.clone()))
        })?;
        let assignee = match assignee {
            Some(id) => remembered(&mut self.users, id, || {
                Ok(by_key(
                    users::table.find(id).select(User::as_select()),
                    conn,
                )?)
            })?,
            None => None,
        };
        Ok(Parties {
            agency_name,
            reconsideration_body,
            court,
            department_code,
            department_name,
            assignee,
        })
    }
}

/// The value `map` holds for `key`, else `read`'s, kept in `map`.
fn remembered<V: Clone>(
    map: &mut HashMap<String, V>,
    key: &str,
    read: impl FnOnce() -> StoreResult<V>,
) -> StoreResult<V> {
    if let Some(found) = map.get(key) {
        return Ok(found.clone());
    }
    let found = read()?;
    map.insert(key.to_owned(), found.clone());
    Ok(found)
}
