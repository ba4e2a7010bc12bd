//! Who acts: roles and actors.

use serde::{Deserialize, Serialize};

use crate::vocabulary::vocabulary;

/// What a user may do is decided by role (and, for staff, by department).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Applicant,
    /// 承办人.
    Clerk,
    /// 审核人 / 科长.
    Supervisor,
    Admin,
    /// The scheduler.
    System,
}

vocabulary!(Role {
    Applicant => "applicant", "申请人";
    Clerk => "clerk", "承办人";
    Supervisor => "supervisor", "审核人";
    Admin => "admin", "系统管理员";
    System => "system", "系统";
});

/// The user issuing a command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub role: Role,
    /// Department codes a clerk or supervisor works for.
    #[serde(default)]
    pub departments: Vec<String>,
    /// May record the secrecy review (保密审查) of a release: a permission an admin grants
    /// per user; supervisors have it unless it is withdrawn.
    #[serde(default)]
    pub secrecy_reviewer: bool,
}

impl Actor {
    pub fn new(id: impl Into<String>, role: Role) -> Actor {
        Actor {
            id: id.into(),
            role,
            departments: Vec::new(),
            secrecy_reviewer: role == Role::Supervisor,
        }
    }

    pub fn staff(id: impl Into<String>, role: Role, departments: &[&str]) -> Actor {
        Actor {
            id: id.into(),
            role,
            departments: departments.iter().map(|d| (*d).to_owned()).collect(),
            secrecy_reviewer: role == Role::Supervisor,
        }
    }

    /// An applicant without an account who has proved, with the query code, that the case
    /// with this tracking number is theirs. The caller checks the code.
    pub fn query_code_holder(tracking_number: &str) -> Actor {
        Actor::new(format!("query:{tracking_number}"), Role::Applicant)
    }

    /// The same actor with the secrecy review permission granted or withdrawn.
    pub fn with_secrecy_review(mut self, granted: bool) -> Actor {
        self.secrecy_reviewer = granted;
        self
    }

    pub fn system() -> Actor {
        Actor::new("system", Role::System)
    }

    pub fn to_ref(&self) -> ActorRef {
        ActorRef {
            id: self.id.clone(),
            role: self.role,
        }
    }
}

/// Who did something, as an event records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActorRef {
    pub id: String,
    pub role: Role,
}
