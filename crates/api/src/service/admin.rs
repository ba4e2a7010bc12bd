//! Administration: agencies, departments, users (with issued one-time passwords), the
//! working-day calendar and the guide text.

use actix_web::web;
use chrono::Utc;
use gongkai_store::accounts;
use gongkai_store::recompute::{self, recompute_open};
use gongkai_store::{StoreError, sessions, write_transaction};

use crate::auth::{Admin, hash_password_blocking, new_password};
use crate::error::{ApiError, ApiResult};
use crate::routes::account::UserView;
use crate::routes::admin::{
    CalendarUploaded, NewAgency, NewDepartment, NewUser, UserChange, UserChanged, UserWithPassword,
    merged_calendar, parse_calendar_year, year_view,
};
use crate::routes::public::{GUIDE_KEY, Guide};
use crate::state::{AppState, db, db_bulk};

/// Creates an agency.
pub async fn add_agency(
    state: &web::Data<AppState>,
    _: &Admin,
    a: NewAgency,
) -> ApiResult<accounts::Agency> {
    db(state, move |conn, _| {
        Ok(accounts::create_agency(
            conn,
            &a.code,
            &a.name,
            &a.tracking_prefix,
        )?)
    })
    .await
}

/// The departments of agency `code` (public knowledge, like the agencies).
pub async fn departments_of(
    state: &web::Data<AppState>,
    code: String,
) -> ApiResult<Vec<accounts::Department>> {
    db(state, move |conn, _| {
        Ok(accounts::departments_of(conn, &code)?)
    })
    .await
}

/// Every agency with its departments, for the admin's page.
pub async fn directory(
    state: &web::Data<AppState>,
    _: &Admin,
) -> ApiResult<super::directory::Directory> {
    db(state, |conn, _| super::directory::Directory::load(conn)).await
}

/// Creates a department of `agency`.
pub async fn add_department(
    state: &web::Data<AppState>,
    _: &Admin,
    agency: String,
    d: NewDepartment,
) -> ApiResult<accounts::Department> {
    db(state, move |conn, _| {
        Ok(accounts::create_department(
            conn,
            &agency,
            &d.code,
            &d.name,
            d.parent.as_deref(),
            d.is_intake,
        )?)
    })
    .await
}

/// Every account with its departments.
pub async fn users(state: &web::Data<AppState>, _: &Admin) -> ApiResult<Vec<UserView>> {
    db(state, |conn, _| {
        let list = accounts::list_users(conn)?;
        let mut out = Vec::with_capacity(list.len());
        for u in list {
            let departments = accounts::actor_for(conn, &u)?.departments;
            out.push(UserView::of(&u, departments));
        }
        Ok(out)
    })
    .await
}

/// Creates an account with a one-time password: to be changed at the first sign-in, refused
/// after `issued_password_valid_hours`.
pub async fn add_user(
    state: &web::Data<AppState>,
    _: &Admin,
    u: NewUser,
) -> ApiResult<UserWithPassword> {
    let password = new_password();
    let hash = hash_password_blocking(password.clone()).await?;
    let user = db(state, move |conn, state| {
        let expires = issued_password_expiry(state);
        let departments: Vec<&str> = u.departments.iter().map(String::as_str).collect();
        let user = write_transaction(conn, |conn| {
            let mut user = accounts::create_user(
                conn,
                &u.username,
                &u.display_name,
                u.role.role(),
                Some(&hash),
                &departments,
            )?;
            accounts::set_issued_password(conn, &user.id, &hash, expires)?;
            user.must_change_password = true;
            user.password_expires_at = Some(expires);
            if let Some(e) = &u.email {
                accounts::set_email(conn, &user.id, Some(e))?;
                user.email = Some(e.clone());
            }
            Ok::<_, StoreError>(user)
        })
        .map_err(|e| match e {
            StoreError::NotFound(what) => {
                ApiError::field("departments", format!("没有这个部门：{what}"))
            }
            other => other.into(),
        })?;
        Ok(UserView::of(&user, u.departments.clone()))
    })
    .await?;
    Ok(UserWithPassword {
        user,
        one_time_password: password,
    })
}

/// When a password issued now stops working.
fn issued_password_expiry(state: &AppState) -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
        + chrono::Duration::hours(state.settings.issued_password_valid_hours)
}

/// Changes an account (admins).
pub async fn alter_user(
    state: &web::Data<AppState>,
    c: &Admin,
    id: String,
    change: UserChange,
) -> ApiResult<UserChanged> {
    if id == c.user.id && (change.disabled == Some(true) || change.role.is_some()) {
        return Err(ApiError::forbidden(
            "不能停用自己的账号或更改自己的角色（请由另一位管理员操作）",
        ));
    }
    let one_time = change.reset_password.then(new_password);
    let new_password_text = one_time.clone().or(change.password.clone());
    let hash = match new_password_text {
        Some(p) => Some(hash_password_blocking(p).await?),
        None => None,
    };
    // A password set by an admin for someone else is issued: it must be changed.
    let issued = id != c.user.id;
    let user = db(state, move |conn, state| {
        let expires = issued_password_expiry(state);
        accounts::user_by_id(conn, &id)?.ok_or_else(ApiError::not_found)?;
        write_transaction(conn, |conn| {
            let mut end_sessions = false;
            if let Some(d) = change.disabled {
                accounts::set_disabled(conn, &id, d)?;
                end_sessions |= d;
            }
            if let Some(role) = change.role {
                accounts::set_role(
                    conn,
                    &id,
                    role.role(),
                    &change.departments.clone().unwrap_or_default(),
                )?;
                end_sessions = true;
            }
            if let Some(e) = &change.email {
                accounts::set_email(conn, &id, Some(e.as_str()).filter(|e| !e.is_empty()))?;
            }
            if let Some(h) = &hash {
                if issued {
                    accounts::set_issued_password(conn, &id, h, expires)?;
                } else {
                    accounts::set_password_hash(conn, &id, h)?;
                }
                end_sessions = true;
            }
            if end_sessions {
                sessions::delete_of_user(conn, &id)?;
            }
            Ok::<_, StoreError>(())
        })
        .map_err(|e| match e {
            StoreError::NotFound(what) if what.starts_with("department") => {
                ApiError::field("departments", format!("没有这个部门：{what}"))
            }
            other => other.into(),
        })?;
        let user = accounts::user_by_id(conn, &id)?.ok_or_else(ApiError::not_found)?;
        let departments = accounts::actor_for(conn, &user)?.departments;
        Ok(UserView::of(&user, departments))
    })
    .await?;
    Ok(UserChanged {
        user,
        one_time_password: one_time,
    })
}

/// The calendar in force with `text` as year `year`, and what it would change: for each open
/// case whose due date moves, (case, tracking number, due now, due after). Nothing is stored.
pub async fn preview_calendar_year(
    state: &web::Data<AppState>,
    _: &Admin,
    year: i32,
    text: String,
) -> ApiResult<(u64, Vec<recompute::DueChange>)> {
    parse_calendar_year(year, &text)?;
    db_bulk(state, move |conn, state| {
        let mut uploads = sessions::calendar_years(conn)?;
        uploads.retain(|(y, _)| *y != year);
        uploads.push((year, text));
        let calendar = merged_calendar(&state.base_years, &uploads).map_err(ApiError::invalid)?;
        let law = state.law();
        Ok(recompute::preview(
            conn,
            &calendar,
            &law.statute,
            Utc::now(),
        )?)
    })
    .await
}

/// Stores an uploaded calendar year, puts the merged calendar in force and recomputes the
/// open cases.
pub async fn install_calendar_year(
    state: &web::Data<AppState>,
    c: &Admin,
    year: i32,
    text: String,
) -> ApiResult<CalendarUploaded> {
    let c = c.0.clone();
    // The upload must hold exactly the year of the path.
    parse_calendar_year(year, &text)?;
    // Stored, in force and recomputed together: never cut short by the request's bound.
    db_bulk(state, move |conn, state| {
        let mut uploads = sessions::calendar_years(conn)?;
        uploads.retain(|(y, _)| *y != year);
        uploads.push((year, text.clone()));
        let calendar = merged_calendar(&state.base_years, &uploads).map_err(ApiError::invalid)?;
        let now = Utc::now();
        sessions::put_calendar_year(conn, year, &text, &c.user.id, now.naive_utc())?;
        let view = calendar
            .year(year)
            .map(year_view)
            .ok_or_else(|| ApiError::internal("uploaded year missing"))?;
        state.set_calendar(calendar);
        let law = state.law();
        let done = recompute_open(conn, &law.calendar, &law.statute, now, 500, |_, _| {})?;
        tracing::info!(year, by = %c.user.username, changed = done.changed, "calendar year uploaded");
        Ok(CalendarUploaded {
            year: view,
            open_cases: done.open_cases,
            recomputed: done.changed,
        })
    })
    .await
}

/// Stores the guide text (admins).
pub async fn save_guide(state: &web::Data<AppState>, c: &Admin, guide: Guide) -> ApiResult<Guide> {
    let text = serde_json::to_string(&guide).map_err(ApiError::internal)?;
    let by = c.user.id.clone();
    db(state, move |conn, _| {
        Ok(sessions::put_setting(
            conn,
            GUIDE_KEY,
            &text,
            &by,
            Utc::now().naive_utc(),
        )?)
    })
    .await?;
    Ok(guide)
}
