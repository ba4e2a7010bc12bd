//! The directory a page needs to show codes and ids as people read them: agencies, their
//! departments, and the staff with their department scope. Loaded at most once per request,
//! in the store's bounded number of statements.

use std::collections::HashMap;

use gongkai_store::DbConnection;
use gongkai_workflow::Role;

use crate::auth::Caller;
use crate::error::ApiResult;

/// An agency and its departments (in code order).
#[derive(Debug, Clone)]
pub struct AgencyEntry {
    pub code: String,
    pub name: String,
    /// (code, name, whether it is the agency's intake office).
    pub departments: Vec<(String, String, bool)>,
}

/// A user as the directory knows them.
#[derive(Debug, Clone)]
pub struct UserEntry {
    pub id: String,
    pub display_name: String,
    pub role: Option<Role>,
    pub disabled: bool,
    /// The department scope (staff).
    pub departments: Vec<String>,
}

/// Names of agencies, departments and users.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    pub agencies: Vec<AgencyEntry>,
    pub users: Vec<UserEntry>,
    departments: HashMap<String, String>,
    user_names: HashMap<String, String>,
}

impl Directory {
    /// Loads the directory (in a bounded number of statements, whatever the number of
    /// agencies, departments and staff).
    pub(crate) fn load(conn: &mut DbConnection) -> ApiResult<Directory> {
        let d = gongkai_store::directory::load(conn)?;
        let agencies = d
            .agencies
            .iter()
            .map(|a| AgencyEntry {
                code: a.code.clone(),
                name: a.name.clone(),
                departments: d
                    .departments_of(&a.code)
                    .map(|x| (x.code.clone(), x.name.clone(), x.is_intake))
                    .collect(),
            })
            .collect();
        let users = d
            .members
            .into_iter()
            .map(|m| UserEntry {
                id: m.id,
                display_name: m.display_name,
                role: Some(m.role),
                disabled: m.disabled,
                departments: m.departments,
            })
            .collect();
        Ok(Directory::of(agencies, users))
    }

    /// A directory of these agencies and users.
    pub fn of(agencies: Vec<AgencyEntry>, users: Vec<UserEntry>) -> Directory {
        let departments = agencies
            .iter()
            .flat_map(|a| a.departments.iter())
            .map(|(code, name, _)| (code.clone(), name.clone()))
            .collect();
        let user_names = users
            .iter()
            .map(|u| (u.id.clone(), u.display_name.clone()))
            .collect();
        Directory {
            agencies,
            users,
            departments,
            user_names,
        }
    }

    /// A department's name (its code when unknown).
    pub fn department(&self, code: &str) -> String {
        self.departments
            .get(code)
            .cloned()
            .unwrap_or_else(|| code.to_owned())
    }

    /// A user's name (the id when unknown).
    pub fn user(&self, id: &str) -> String {
        self.user_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_owned())
    }

    /// Every department as (agency, department code, department name), agencies in code
    /// order.
    pub fn all_departments(&self) -> impl Iterator<Item = (&AgencyEntry, &str, &str)> {
        self.agencies.iter().flat_map(|a| {
            a.departments
                .iter()
                .map(move |(code, name, _)| (a, code.as_str(), name.as_str()))
        })
    }

    /// The departments `c` covers (admins: all), as (agency, code, name).
    pub fn departments_of<'a>(
        &'a self,
        c: &'a Caller,
    ) -> impl Iterator<Item = (&'a AgencyEntry, &'a str, &'a str)> + 'a {
        self.all_departments()
            .filter(move |(_, code, _)| c.covers(code))
    }

    /// The departments of `agency`: (code, name).
    pub fn departments_of_agency(&self, agency: &str) -> Vec<(String, String)> {
        self.agencies
            .iter()
            .filter(|a| a.code == agency)
            .flat_map(|a| a.departments.iter())
            .map(|(code, name, _)| (code.clone(), name.clone()))
            .collect()
    }

    /// Enabled clerks and supervisors of the departments of `agency`, as (id, "name（first of
    /// their departments there）").
    pub fn handlers_of_agency(&self, agency: &str) -> Vec<(String, String)> {
        let departments = self.departments_of_agency(agency);
        self.users
            .iter()
            .filter(|u| !u.disabled && matches!(u.role, Some(Role::Clerk | Role::Supervisor)))
            .filter_map(|u| {
                let d = u
                    .departments
                    .iter()
                    .find(|d| departments.iter().any(|(code, _)| code == *d))?;
                Some((
                    u.id.clone(),
                    format!("{}（{}）", u.display_name, self.department(d)),
                ))
            })
            .collect()
    }
}
