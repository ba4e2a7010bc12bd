//! The agency of the store-level tests and the people who act in it.

use gongkai_workflow::{Actor, Role};

/// 北京市朝阳区人民政府.
pub const AGENCY: &str = "cy";
/// 区政府办公室政务公开科, the intake office.
pub const INTAKE: &str = "cy-gkk";
/// 区住房和城乡建设委员会.
pub const HOUSING: &str = "cy-zjw";

/// 张伟, clerk (承办人) of the intake office.
pub fn clerk() -> Actor {
    Actor::staff("zhangwei", Role::Clerk, &[INTAKE])
}

/// 刘洋, supervisor (审核人) of both departments.
pub fn supervisor() -> Actor {
    Actor::staff("liuyang", Role::Supervisor, &[INTAKE, HOUSING])
}

/// The system administrator.
pub fn admin() -> Actor {
    Actor::staff("admin", Role::Admin, &[])
}

/// An applicant with an account.
pub fn applicant(username: &str) -> Actor {
    Actor::new(username, Role::Applicant)
}
