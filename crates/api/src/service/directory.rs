//! The directory a page needs to show codes and ids as people read them: agencies, their
//! departments, and the staff with their department scope. Loaded at most once per request,
//! in the store's bounded number of statements (`gongkai_store::directory`), and read here
//! through the questions pages ask of it. Pages that only show names read it from
//! [`AppState::directory`], kept while the directory is not written (see [`crate::cache`]).

use std::sync::Arc;

use gongkai_store::DbConnection;
use gongkai_store::accounts::{Agency, Department};

use crate::auth::Caller;
use crate::error::ApiResult;
use crate::state::AppState;

/// Names of agencies, departments and users.
#[derive(Debug, Clone, Default)]
pub struct Directory(Arc<gongkai_store::directory::Directory>);

impl Directory {
    /// Loads the directory (in a bounded number of statements, whatever the number of
    /// agencies, departments and staff).
    pub(crate) fn load(conn: &mut DbConnection) -> ApiResult<Directory> {
        Ok(Directory(Arc::new(gongkai_store::directory::load(conn)?)))
    }

    /// The directory as last loaded while nothing has been written since (a directory change
    /// counts, see `gongkai_store::db::directory_writes`), else loaded now: for pages
    /// that show names. What decides who may do what reads the database, not this.
    pub(crate) fn kept(conn: &mut DbConnection, state: &AppState) -> ApiResult<Directory> {
        state
            .directory
            .get_or_compute(&(), || gongkai_store::directory::load(conn))
            .map(Directory)
            .map_err(Into::into)
    }

    /// [`Directory::kept`] without a connection, when it is kept.
    pub(crate) fn if_kept(state: &AppState) -> Option<Directory> {
        state.directory.get(&()).map(Directory)
    }

    /// Every agency, in code order.
    pub fn agencies(&self) -> &[Agency] {
        &self.0.agencies
    }

    /// The departments of `agency`, in code order.
    pub fn departments_in<'a>(&'a self, agency: &'a str) -> impl Iterator<Item = &'a Department> {
        self.0.departments_of(agency)
    }

    /// Whether department `code` belongs to agency `agency`.
    pub fn is_department_of(&self, code: &str, agency: &str) -> bool {
        self.0
            .department(code)
            .is_some_and(|d| d.agency_code == agency)
    }

    /// A department's name (its code when unknown).
    pub fn department(&self, code: &str) -> String {
        self.0.department_name(code)
    }

    /// A user's name (the id when unknown).
    pub fn user(&self, id: &str) -> String {
        self.0.member_name(id)
    }

    /// Every department as (agency, department code, department name), agencies in code
    /// order.
    pub fn all_departments(&self) -> impl Iterator<Item = (&Agency, &str, &str)> {
        self.0.departments.iter().filter_map(|d| {
            let agency = self.0.agency(&d.agency_code)?;
            Some((agency, d.code.as_str(), d.name.as_str()))
        })
    }

    /// The departments `c` covers (admins: all), as (agency, code, name).
    pub fn departments_of<'a>(
        &'a self,
        c: &'a Caller,
    ) -> impl Iterator<Item = (&'a Agency, &'a str, &'a str)> + 'a {
        self.all_departments()
            .filter(move |(_, code, _)| c.covers(code))
    }

    /// Whether department `code` is active (not deactivated by an admin).
    pub fn is_active(&self, code: &str) -> bool {
        self.0.department(code).is_some_and(|d| d.active)
    }

    /// The active departments of `agency` (those a case may be sent to): (code, name).
    pub fn departments_of_agency(&self, agency: &str) -> Vec<(String, String)> {
        self.departments_in(agency)
            .filter(|d| d.active)
            .map(|d| (d.code.clone(), d.name.clone()))
            .collect()
    }

    /// Enabled clerks and supervisors of the departments of `agency`, as (id, "name（first of
    /// their departments there）").
    pub fn handlers_of_agency(&self, agency: &str) -> Vec<(String, String)> {
        self.0
            .members
            .iter()
            .filter(|m| m.is_active_staff())
            .filter_map(|m| {
                let d = m
                    .departments
                    .iter()
                    .find(|d| self.is_department_of(d, agency))?;
                Some((
                    m.id.clone(),
                    format!("{}（{}）", m.display_name, self.department(d)),
                ))
            })
            .collect()
    }
}
