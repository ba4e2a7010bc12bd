//! Agencies, departments, users and applicant profiles.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use gongkai_workflow::model::ApplicantType;
use gongkai_workflow::{Actor, Role};

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::events::to_micros;
use crate::schema::{agencies, applicant_profiles, departments, user_departments, users};
use crate::typed::Stored;

fn now() -> NaiveDateTime {
    to_micros(Utc::now().naive_utc())
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = agencies)]
pub struct Agency {
    pub code: String,
    pub name: String,
    pub tracking_prefix: String,
    pub created_at: NaiveDateTime,
    /// The reconsideration body (复议机关) the agency's decisions name; unset until an admin
    /// sets it (the notices then use generic wording).
    pub reconsideration_body: Option<String>,
    /// The people's court with jurisdiction over suits against the agency.
    pub court: Option<String>,
}

impl Agency {
    /// Whether a decision of the agency can name both its remedy bodies.
    pub fn remedy_complete(&self) -> bool {
        self.reconsideration_body.is_some() && self.court.is_some()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = departments)]
pub struct Department {
    pub code: String,
    pub agency_code: String,
    pub parent_code: Option<String>,
    pub name: String,
    pub is_intake: bool,
    pub created_at: NaiveDateTime,
    /// False once an admin deactivated it: kept with its cases, no longer offered.
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    #[diesel(deserialize_as = Stored<Role>, serialize_as = Stored<Role>)]
    pub role: Role,
    pub password_hash: Option<String>,
    pub disabled: bool,
    pub failed_logins: i32,
    pub last_failed_login_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The password was issued by someone else (an admin, the first start, the CLI): every
    /// session is confined to the password change until the user sets their own.
    pub must_change_password: bool,
    /// An issued password is refused at sign-in after this instant (UTC).
    pub password_expires_at: Option<NaiveDateTime>,
    /// May record the secrecy review (保密审查) of a release; supervisors have it by default.
    pub secrecy_reviewer: bool,
}

impl User {
    /// Whether the password was issued by someone else and its validity has passed.
    pub fn issued_password_expired(&self, now: NaiveDateTime) -> bool {
        self.must_change_password && self.password_expires_at.is_some_and(|e| e <= now)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = applicant_profiles)]
pub struct ApplicantProfile {
    pub id: String,
    pub user_id: Option<String>,
    pub applicant_type: String,
    pub name: String,
    pub id_document_type: Option<String>,
    pub id_document_number: Option<String>,
    pub credit_code: Option<String>,
    pub legal_representative: Option<String>,
    pub contact_person: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub postal_address: Option<String>,
    pub postal_code: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A unique-key violation as [`StoreError::Duplicate`] about `field`, saying in Chinese what
/// exists already.
pub(crate) fn unique_to_conflict(
    field: &'static str,
    message: String,
) -> impl FnOnce(diesel::result::Error) -> StoreError {
    move |e| match e {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ) => StoreError::Duplicate { field, message },
        other => StoreError::Database(other),
    }
}

/// A new agency. Its tracking-number prefix must be its own: two agencies sharing one would
/// hand out the same numbers.
pub fn create_agency(
    conn: &mut DbConnection,
    code: &str,
    name: &str,
    prefix: &str,
) -> StoreResult<Agency> {
    if let Some(other) = agencies::table
        .filter(agencies::tracking_prefix.eq(prefix))
        .select(agencies::code)
        .first::<String>(conn)
        .optional()?
    {
        return Err(StoreError::invalid(
            "tracking_prefix",
            format!("编号前缀“{prefix}”已由行政机关“{other}”使用"),
        ));
    }
    let agency = Agency {
        code: code.to_owned(),
        name: name.to_owned(),
        tracking_prefix: prefix.to_owned(),
        created_at: now(),
        reconsideration_body: None,
        court: None,
    };
    diesel::insert_into(agencies::table)
        .values(&agency)
        .execute(conn)
        .map_err(unique_to_conflict(
            "code",
            format!("行政机关代码“{code}”已存在"),
        ))?;
    crate::db::directory_written(conn);
    Ok(agency)
}

/// Sets the remedy bodies `code`'s decisions name (`None` clears one); the agency as it now
/// stands, or NotFound.
pub fn set_agency_remedy(
    conn: &mut DbConnection,
    code: &str,
    reconsideration_body: Option<&str>,
    court: Option<&str>,
) -> StoreResult<Agency> {
    let n = diesel::update(agencies::table.find(code))
        .set((
            agencies::reconsideration_body.eq(reconsideration_body),
            agencies::court.eq(court),
        ))
        .execute(conn)?;
    crate::db::directory_written(conn);
    if n == 0 {
        return Err(StoreError::NotFound(format!("agency \"{code}\"")));
    }
    Ok(agencies::table
        .find(code)
        .select(Agency::as_select())
        .first(conn)?)
}

/// Renames agency `code` (its notices are signed with the new name from now on); the agency
/// as it now stands, or NotFound.
pub fn rename_agency(conn: &mut DbConnection, code: &str, name: &str) -> StoreResult<Agency> {
    let n = diesel::update(agencies::table.find(code))
        .set(agencies::name.eq(name))
        .execute(conn)?;
    crate::db::directory_written(conn);
    if n == 0 {
        return Err(StoreError::NotFound(format!("agency \"{code}\"")));
    }
    Ok(agencies::table
        .find(code)
        .select(Agency::as_select())
        .first(conn)?)
}

/// Changes department `code`'s name, whether it is an intake department and whether it is
/// active; the department as it now stands, or NotFound.
pub fn update_department(
    conn: &mut DbConnection,
    code: &str,
    name: &str,
    is_intake: bool,
    active: bool,
) -> StoreResult<Department> {
    let n = diesel::update(departments::table.find(code))
        .set((
            departments::name.eq(name),
            departments::is_intake.eq(is_intake),
            departments::active.eq(active),
        ))
        .execute(conn)?;
    crate::db::directory_written(conn);
    if n == 0 {
        return Err(StoreError::NotFound(format!("department \"{code}\"")));
    }
    Ok(departments::table
        .find(code)
        .select(Department::as_select())
        .first(conn)?)
}

pub fn create_department(
    conn: &mut DbConnection,
    agency: &str,
    code: &str,
    name: &str,
    parent: Option<&str>,
    is_intake: bool,
) -> StoreResult<Department> {
    let department = Department {
        code: code.to_owned(),
        agency_code: agency.to_owned(),
        parent_code: parent.map(str::to_owned),
        name: name.to_owned(),
        is_intake,
        created_at: now(),
        active: true,
    };
    diesel::insert_into(departments::table)
        .values(&department)
        .execute(conn)
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                _,
            ) => StoreError::NotFound(format!("agency \"{agency}\" or parent department")),
            other => {
                unique_to_conflict("code", format!("部门代码“{code}”已存在"))(other)
            }
        })?;
    crate::db::directory_written(conn);
    Ok(department)
}

pub fn agencies(conn: &mut DbConnection) -> StoreResult<Vec<Agency>> {
    Ok(agencies::table
        .order(agencies::code)
        .select(Agency::as_select())
        .load(conn)?)
}

/// The active departments of `agency` (those offered to applicants and for new requests).
pub fn departments_of(conn: &mut DbConnection, agency: &str) -> StoreResult<Vec<Department>> {
    Ok(departments::table
        .filter(departments::agency_code.eq(agency))
        .filter(departments::active.eq(true))
        .order(departments::code)
        .select(Department::as_select())
        .load(conn)?)
}

/// Gives `user_id` the department scope `departments` (duplicates once); an unknown department
/// is NotFound.
fn insert_departments(
    conn: &mut DbConnection,
    user_id: &str,
    departments: &[&str],
) -> StoreResult<()> {
    let mut departments = departments.to_vec();
    departments.sort_unstable();
    departments.dedup();
    for d in departments {
        diesel::insert_into(user_departments::table)
            .values((
                user_departments::user_id.eq(user_id),
                user_departments::department_code.eq(d),
            ))
            .execute(conn)
            .map_err(|e| match e {
                diesel::result::Error::DatabaseError(
                    diesel::result::DatabaseErrorKind::ForeignKeyViolation,
                    _,
                ) => StoreError::NotFound(format!("department \"{d}\"")),
                other => StoreError::Database(other),
            })?;
    }
    Ok(())
}

/// A new user. `password_hash` is an argon2id PHC string made by the caller.
pub fn create_user(
    conn: &mut DbConnection,
    username: &str,
    display_name: &str,
    role: Role,
    password_hash: Option<&str>,
    departments: &[&str],
) -> StoreResult<User> {
    if role == Role::System {
        return Err(StoreError::Config(
            "the system role is not a user role".to_owned(),
        ));
    }
    let t = now();
    let user = User {
        id: uuid::Uuid::now_v7().to_string(),
        username: username.to_owned(),
        display_name: display_name.to_owned(),
        email: None,
        role,
        password_hash: password_hash.map(str::to_owned),
        disabled: false,
        failed_logins: 0,
        last_failed_login_at: None,
        created_at: t,
        updated_at: t,
        must_change_password: false,
        password_expires_at: None,
        secrecy_reviewer: role == Role::Supervisor,
    };
    crate::db::write_transaction(conn, |conn| {
        diesel::insert_into(users::table)
            .values(user.clone())
            .execute(conn)
            .map_err(unique_to_conflict(
                "username",
                format!("用户名“{username}”已被使用"),
            ))?;
        insert_departments(conn, &user.id, departments)
    })?;
    crate::db::directory_written(conn);
    Ok(user)
}

/// Sets (or, with `None`, removes) a user's email address, where staff notices go.
/// Changes the name a user is shown by.
pub fn set_display_name(conn: &mut DbConnection, user_id: &str, name: &str) -> StoreResult<()> {
    let n = diesel::update(users::table.find(user_id))
        .set(users::display_name.eq(name))
        .execute(conn)?;
    crate::db::directory_written(conn);
    if n == 0 {
        return Err(StoreError::NotFound(format!("user \"{user_id}\"")));
    }
    Ok(())
}

pub fn set_email(conn: &mut DbConnection, user_id: &str, email: Option<&str>) -> StoreResult<()> {
    let n = diesel::update(users::table.find(user_id))
        .set((users::email.eq(email), users::updated_at.eq(now())))
        .execute(conn)?;
    crate::db::directory_written(conn);
    if n == 0 {
        return Err(StoreError::NotFound(format!("user {user_id}")));
    }
    Ok(())
}

pub fn user_by_username(conn: &mut DbConnection, username: &str) -> StoreResult<Option<User>> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// The actor a user acts as: role and department scope.
pub fn actor_for(conn: &mut DbConnection, user: &User) -> StoreResult<Actor> {
    let departments: Vec<String> = user_departments::table
        .filter(user_departments::user_id.eq(&user.id))
        .order(user_departments::department_code)
        .select(user_departments::department_code)
        .load(conn)?;
    actor_of(user, departments)
}

/// The workflow's actor for `user` with its `departments` (sorted).
pub fn actor_of(user: &User, departments: Vec<String>) -> StoreResult<Actor> {
    if user.role == Role::System {
        return Err(StoreError::Corrupt(format!(
            "user {} has the system role",
            user.id
        )));
    }
    Ok(Actor {
        id: user.id.clone(),
        role: user.role,
        departments,
        secrecy_reviewer: user.secrecy_reviewer,
    })
}

/// Records a failed login; returns the count of consecutive failures.
pub fn record_failed_login(conn: &mut DbConnection, user_id: &str) -> StoreResult<i32> {
    diesel::update(users::table.find(user_id))
        .set((
            users::failed_logins.eq(users::failed_logins + 1),
            users::last_failed_login_at.eq(Some(now())),
        ))
        .returning(users::failed_logins)
        .get_result(conn)
        .optional()?
        .ok_or_else(|| StoreError::NotFound(format!("user {user_id}")))
}

pub fn reset_failed_logins(conn: &mut DbConnection, user_id: &str) -> StoreResult<()> {
    diesel::update(users::table.find(user_id))
        .set(users::failed_logins.eq(0))
        .execute(conn)?;
    Ok(())
}

/// Grants or withdraws the secrecy review (保密审查) permission.
pub fn set_secrecy_reviewer(
    conn: &mut DbConnection,
    user_id: &str,
    granted: bool,
) -> StoreResult<()> {
    let n = diesel::update(users::table.find(user_id))
        .set((
            users::secrecy_reviewer.eq(granted),
            users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    crate::db::directory_written(conn);
    if n == 0 {
        return Err(StoreError::NotFound(format!("user {user_id}")));
    }
    Ok(())
}

pub fn set_disabled(conn: &mut DbConnection, user_id: &str, disabled: bool) -> StoreResult<()> {
    let n = diesel::update(users::table.find(user_id))
        .set((users::disabled.eq(disabled), users::updated_at.eq(now())))
        .execute(conn)?;
    crate::db::directory_written(conn);
    if n == 0 {
        return Err(StoreError::NotFound(format!("user {user_id}")));
    }
    Ok(())
}

/// Saves an applicant's profile (one per account, or free-standing for paper requests).
pub fn save_applicant_profile(
    conn: &mut DbConnection,
    profile: &ApplicantProfile,
) -> StoreResult<()> {
    if ApplicantType::parse(&profile.applicant_type).is_none() {
        return Err(StoreError::Config(format!(
            "applicant_type \"{}\" is not one of the annual report's columns",
            profile.applicant_type
        )));
    }
    diesel::insert_into(applicant_profiles::table)
        .values(profile)
        .execute(conn)
        .map_err(unique_to_conflict("id", "该申请人资料已存在".to_owned()))?;
    Ok(())
}

pub fn applicant_profile_of(
    conn: &mut DbConnection,
    user_id: &str,
) -> StoreResult<Option<ApplicantProfile>> {
    Ok(applicant_profiles::table
        .filter(applicant_profiles::user_id.eq(user_id))
        .select(ApplicantProfile::as_select())
        .first(conn)
        .optional()?)
}

pub fn user_by_id(conn: &mut DbConnection, id: &str) -> StoreResult<Option<User>> {
    Ok(users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

/// The enabled users of `department` holding `role`, by username (whom a staff notice for
/// the department goes to).
pub fn enabled_staff_of(
    conn: &mut DbConnection,
    department: &str,
    role: Role,
) -> StoreResult<Vec<User>> {
    Ok(users::table
        .inner_join(user_departments::table)
        .filter(user_departments::department_code.eq(department))
        .filter(users::role.eq(role.as_str()))
        .filter(users::disabled.eq(false))
        .order(users::username)
        .select(User::as_select())
        .load(conn)?)
}

/// Every user, by username.
pub fn list_users(conn: &mut DbConnection) -> StoreResult<Vec<User>> {
    Ok(users::table
        .order(users::username)
        .select(User::as_select())
        .load(conn)?)
}

/// How many users hold `role` (the first start creates an admin when there is none).
pub fn count_with_role(conn: &mut DbConnection, role: Role) -> StoreResult<i64> {
    Ok(users::table
        .filter(users::role.eq(role.as_str()))
        .count()
        .get_result(conn)?)
}

/// Replaces a user's password hash (argon2id PHC string made by the caller) with one the user
/// chose: the must-change flag and the expiry of an issued password are cleared.
pub fn set_password_hash(conn: &mut DbConnection, user_id: &str, hash: &str) -> StoreResult<()> {
    store_password(conn, user_id, hash, None)
}

/// Sets a password issued by someone else (an admin, the first start, the CLI): the user must
/// change it at the first sign-in, and it is refused after `expires_at`.
pub fn set_issued_password(
    conn: &mut DbConnection,
    user_id: &str,
    hash: &str,
    expires_at: NaiveDateTime,
) -> StoreResult<()> {
    store_password(conn, user_id, hash, Some(to_micros(expires_at)))
}

/// Stores a password hash: issued (must be changed, expires at `issued_until`) or the user's
/// own (`None`).
fn store_password(
    conn: &mut DbConnection,
    user_id: &str,
    hash: &str,
    issued_until: Option<NaiveDateTime>,
) -> StoreResult<()> {
    let n = diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(Some(hash)),
            users::failed_logins.eq(0),
            users::must_change_password.eq(issued_until.is_some()),
            users::password_expires_at.eq(issued_until),
            users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if n == 0 {
        return Err(StoreError::NotFound(format!("user {user_id}")));
    }
    Ok(())
}

/// Changes a user's role and department scope in one transaction.
pub fn set_role(
    conn: &mut DbConnection,
    user_id: &str,
    role: Role,
    departments: &[String],
) -> StoreResult<()> {
    if role == Role::System {
        return Err(StoreError::invalid("role", "“系统”不是可以授予用户的角色"));
    }
    crate::db::write_transaction(conn, |conn| {
        let n = diesel::update(users::table.find(user_id))
            .set((users::role.eq(role.as_str()), users::updated_at.eq(now())))
            .execute(conn)?;
        if n == 0 {
            return Err(StoreError::NotFound(format!("user {user_id}")));
        }
        diesel::delete(user_departments::table.filter(user_departments::user_id.eq(user_id)))
            .execute(conn)?;
        let departments: Vec<&str> = departments.iter().map(String::as_str).collect();
        insert_departments(conn, user_id, &departments)?;
        crate::db::directory_written(conn);
        Ok(())
    })
}
