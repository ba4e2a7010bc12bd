//! The directory a page needs to show codes and ids as people read them: agencies, their
//! departments, and the users with their role and department scope.
//!
//! [`load`] reads it in three statements whatever the number of agencies, departments and
//! users (agencies; departments; users joined to their departments), so that a page built on
//! it issues a bounded number of queries.

use std::collections::HashMap;

use diesel::prelude::*;
use gongkai_workflow::{Actor, Role};

use crate::accounts::{Agency, Department};
use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::schema::{agencies, departments, user_departments, users};

/// A user as the directory knows them: no password hash, no sign-in counters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub disabled: bool,
    /// The department scope, sorted by code.
    pub departments: Vec<String>,
    /// May record the secrecy review (保密审查).
    pub secrecy_reviewer: bool,
}

impl Member {
    /// The workflow's actor this user acts as.
    pub fn actor(&self) -> Actor {
        Actor {
            id: self.id.clone(),
            role: self.role,
            departments: self.departments.clone(),
            secrecy_reviewer: self.secrecy_reviewer,
        }
    }

    /// A clerk or supervisor who may be given cases (not disabled).
    pub fn is_active_staff(&self) -> bool {
        !self.disabled && matches!(self.role, Role::Clerk | Role::Supervisor)
    }
}

/// Agencies, departments and users, loaded together by [`load`].
#[derive(Debug, Clone, Default)]
pub struct Directory {
    /// Every agency, by code.
    pub agencies: Vec<Agency>,
    /// Every department, by agency code then code.
    pub departments: Vec<Department>,
    /// Every user, by username.
    pub members: Vec<Member>,
    department_index: HashMap<String, usize>,
    member_index: HashMap<String, usize>,
}

impl Directory {
    /// Builds a directory from its parts (departments and members in any order; they are
    /// sorted as [`load`] returns them).
    pub fn new(
        mut agencies: Vec<Agency>,
        mut departments: Vec<Department>,
        mut members: Vec<Member>,
    ) -> Directory {
        agencies.sort_by(|a, b| a.code.cmp(&b.code));
        departments.sort_by(|a, b| (&a.agency_code, &a.code).cmp(&(&b.agency_code, &b.code)));
        members.sort_by(|a, b| a.username.cmp(&b.username));
        let department_index = departments
            .iter()
            .enumerate()
            .map(|(i, d)| (d.code.clone(), i))
            .collect();
        let member_index = members
            .iter()
            .enumerate()
            .map(|(i, m)| (m.id.clone(), i))
            .collect();
        Directory {
            agencies,
            departments,
            members,
            department_index,
            member_index,
        }
    }

    pub fn agency(&self, code: &str) -> Option<&Agency> {
        self.agencies.iter().find(|a| a.code == code)
    }

    pub fn department(&self, code: &str) -> Option<&Department> {
        self.department_index
            .get(code)
            .and_then(|&i| self.departments.get(i))
    }

    /// The departments of one agency, by code.
    pub fn departments_of<'a>(
        &'a self,
        agency: &'a str,
    ) -> impl Iterator<Item = &'a Department> + 'a {
        self.departments
            .iter()
            .filter(move |d| d.agency_code == agency)
    }

    pub fn member(&self, id: &str) -> Option<&Member> {
        self.member_index.get(id).and_then(|&i| self.members.get(i))
    }

    /// A department's name, or its code when the directory does not know it.
    pub fn department_name(&self, code: &str) -> String {
        self.department(code)
            .map_or_else(|| code.to_owned(), |d| d.name.clone())
    }

    /// A user's display name, or the id when the directory does not know it.
    pub fn member_name(&self, id: &str) -> String {
        self.member(id)
            .map_or_else(|| id.to_owned(), |m| m.display_name.clone())
    }
}

type MemberRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    bool,
    bool,
    Option<String>,
);

/// Loads the whole directory in three statements.
pub fn load(conn: &mut DbConnection) -> StoreResult<Directory> {
    let agencies = agencies::table
        .order(agencies::code)
        .select(Agency::as_select())
        .load(conn)?;
    let departments = departments::table
        .order((departments::agency_code, departments::code))
        .select(Department::as_select())
        .load(conn)?;
    let rows: Vec<MemberRow> = users::table
        .left_join(user_departments::table)
        .order((users::username, user_departments::department_code))
        .select((
            users::id,
            users::username,
            users::display_name,
            users::email,
            users::role,
            users::disabled,
            users::secrecy_reviewer,
            user_departments::department_code.nullable(),
        ))
        .load(conn)?;
    let mut members: Vec<Member> = Vec::new();
    for (id, username, display_name, email, role, disabled, secrecy_reviewer, department) in rows {
        let same = members.last().is_some_and(|m| m.id == id);
        if !same {
            let role = match Role::parse(&role) {
                Some(r) if r != Role::System => r,
                _ => {
                    return Err(StoreError::Corrupt(format!(
                        "user {id} has role \"{role}\""
                    )));
                }
            };
            members.push(Member {
                id,
                username,
                display_name,
                email,
                role,
                disabled,
                departments: Vec::new(),
                secrecy_reviewer,
            });
        }
        if let (Some(d), Some(m)) = (department, members.last_mut()) {
            m.departments.push(d);
        }
    }
    Ok(Directory::new(agencies, departments, members))
}
