//! What a reader may see of cases and of everything derived from them (queues, counts, search,
//! statistics, similar requests, frequent groups and marks, reports, notices).
//!
//! Every store function that reads cases takes a [`Scope`]. A scope is built from the reader
//! alone ([`Scope::of`]): an admin's reaches every case, a clerk's or supervisor's the cases of
//! their departments, an applicant's the requests of their account. There is no "empty list
//! means everything": a scope without departments sees nothing, and so does the default one.
//! Narrowing ([`Scope::department`]) can only take away.

use gongkai_workflow::{Actor, Role};

use crate::projection::CaseRow;

/// What a reader may see; see the module's documentation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Scope {
    reach: Reach,
}

/// The reach of a scope, for the store's SQL.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub(crate) enum Reach {
    #[default]
    Nothing,
    Everything,
    /// Sorted and without duplicates; never empty (an empty list is `Nothing`).
    Departments(Vec<String>),
    Account(String),
}

impl Scope {
    /// The scope of `actor`: admins see every case; clerks and supervisors the cases of their
    /// departments (none when they have none); applicants the requests filed under their
    /// account; the system actor nothing.
    pub fn of(actor: &Actor) -> Scope {
        match actor.role {
            Role::Admin => Scope {
                reach: Reach::Everything,
            },
            Role::Clerk | Role::Supervisor => Scope::departments(&actor.departments),
            Role::Applicant => Scope {
                reach: Reach::Account(actor.id.clone()),
            },
            Role::System => Scope::nothing(),
        }
    }

    /// The operator's on the command line (reports, audits): every case. The operator holds
    /// the database itself; nothing served over HTTP may use it.
    pub fn operator() -> Scope {
        Scope {
            reach: Reach::Everything,
        }
    }

    /// A scope that sees nothing.
    pub fn nothing() -> Scope {
        Scope::default()
    }

    fn departments(codes: &[String]) -> Scope {
        let mut codes = codes.to_vec();
        codes.sort();
        codes.dedup();
        if codes.is_empty() {
            return Scope::nothing();
        }
        Scope {
            reach: Reach::Departments(codes),
        }
    }

    /// This scope narrowed to the department `code`: nothing when `code` lies outside it.
    pub fn department(&self, code: &str) -> Scope {
        match &self.reach {
            Reach::Everything => Scope::departments(&[code.to_owned()]),
            Reach::Departments(d) if d.iter().any(|x| x == code) => {
                Scope::departments(&[code.to_owned()])
            }
            _ => Scope::nothing(),
        }
    }

    /// Whether it sees every case.
    pub fn is_everything(&self) -> bool {
        self.reach == Reach::Everything
    }

    /// Whether it sees no case at all.
    pub fn sees_nothing(&self) -> bool {
        self.reach == Reach::Nothing
    }

    /// Whether the cases of department `code` are within it.
    pub fn covers_department(&self, code: &str) -> bool {
        match &self.reach {
            Reach::Everything => true,
            Reach::Departments(d) => d.iter().any(|x| x == code),
            Reach::Account(_) | Reach::Nothing => false,
        }
    }

    /// Whether the case of `row` is within it.
    pub fn admits(&self, row: &CaseRow) -> bool {
        self.admits_parts(&row.department_code, row.account.as_deref())
    }

    /// Whether a case of `department`, filed under `account`, is within it.
    pub(crate) fn admits_parts(&self, department: &str, account: Option<&str>) -> bool {
        match &self.reach {
            Reach::Everything => true,
            Reach::Departments(d) => d.iter().any(|x| x == department),
            Reach::Account(a) => account == Some(a.as_str()),
            Reach::Nothing => false,
        }
    }

    pub(crate) fn reach(&self) -> &Reach {
        &self.reach
    }
}

/// Restricts a boxed diesel query over `cases` to `$scope` (a scope that sees nothing matches
/// no row; callers usually return early before that).
macro_rules! within_scope {
    ($query:expr, $scope:expr) => {{
        let mut q = $query;
        match $scope.reach() {
            $crate::scope::Reach::Everything => {}
            $crate::scope::Reach::Departments(d) => match d.as_slice() {
                // One department by equality: PostgreSQL reads `= ANY(array)` without the
                // index's order.
                [one] => q = q.filter($crate::schema::cases::department_code.eq(one.clone())),
                many => q = q.filter($crate::schema::cases::department_code.eq_any(many.to_vec())),
            },
            $crate::scope::Reach::Account(a) => {
                q = q.filter($crate::schema::cases::account.eq(a.clone()))
            }
            $crate::scope::Reach::Nothing => {
                q = q.filter(diesel::dsl::sql::<diesel::sql_types::Bool>("1 = 0"))
            }
        }
        q
    }};
}
pub(crate) use within_scope;

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, departments: &[&str]) -> Actor {
        Actor {
            id: "u1".to_owned(),
            role,
            departments: departments.iter().map(|d| (*d).to_owned()).collect(),
            secrecy_reviewer: false,
        }
    }

    #[test]
    fn scopes_come_from_the_reader_and_fail_closed() {
        assert!(Scope::of(&actor(Role::Admin, &[])).is_everything());
        // No departments: nothing, not everything.
        assert!(Scope::of(&actor(Role::Supervisor, &[])).sees_nothing());
        assert!(Scope::of(&actor(Role::Clerk, &[])).sees_nothing());
        assert!(Scope::of(&actor(Role::System, &["a"])).sees_nothing());
        assert!(Scope::default().sees_nothing());
        let a = Scope::of(&actor(Role::Supervisor, &["b", "a", "a"]));
        assert!(a.covers_department("a") && a.covers_department("b"));
        assert!(!a.covers_department("c"));
        // Narrowing only takes away.
        assert!(a.department("c").sees_nothing());
        assert!(a.department("a").covers_department("a"));
        assert!(!a.department("a").covers_department("b"));
        let applicant = Scope::of(&actor(Role::Applicant, &["a"]));
        assert!(!applicant.covers_department("a"));
        assert!(applicant.admits_parts("x", Some("u1")));
        assert!(!applicant.admits_parts("a", Some("u2")));
        assert!(!applicant.admits_parts("a", None));
        assert!(applicant.department("a").sees_nothing());
    }
}
