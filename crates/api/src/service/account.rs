//! Accounts and sessions: applicant registration, sign-in (throttled), the caller's own
//! password, sign-out.

use actix_web::web;
use chrono::{Duration, Utc};
use gongkai_store::accounts::{self, ApplicantProfile, User};
use gongkai_store::sessions;
use gongkai_workflow::Role;
use gongkai_workflow::model::ApplicantType;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{
    Caller, check_password_rule, hash_password_blocking, new_token, verify_password_blocking,
};
use crate::body::{Validate, at_most, limits, required};
use crate::error::{ApiError, ApiResult, ErrorCode, FieldError};
use crate::state::{AppState, db};

/// Opens an applicant account: at most `registrations_per_address_per_hour` per address,
/// counted before the password is hashed.
pub async fn create_account(
    state: &web::Data<AppState>,
    address: String,
    r: Registration,
) -> ApiResult<UserView> {
    let rule = state.settings.sign_in.registration_rule();
    let key = format!("register:{address}");
    let counted = db(state, move |conn, _| {
        Ok(sessions::count_attempts(conn, &[(&key, rule)], now_ms())?)
    })
    .await?;
    if let Err(refused) = counted {
        tracing::warn!(%address, "registration refused: too many accounts from this address");
        return Err(too_many(
            refused.wait_ms,
            "该地址注册的账号过多，请稍后再试".to_owned(),
        ));
    }
    let hash = hash_password_blocking(r.password.clone()).await?;
    db(state, move |conn, _| {
        let user = gongkai_store::write_transaction(conn, |conn| {
            let user = accounts::create_user(
                conn,
                &r.username,
                &r.display_name,
                Role::Applicant,
                Some(&hash),
                &[],
            )?;
            let now = Utc::now().naive_utc();
            accounts::save_applicant_profile(
                conn,
                &ApplicantProfile {
                    id: user.id.clone(),
                    user_id: Some(user.id.clone()),
                    applicant_type: r.applicant_type.as_str().to_owned(),
                    name: r.display_name.clone(),
                    id_document_type: None,
                    id_document_number: None,
                    credit_code: None,
                    legal_representative: None,
                    contact_person: None,
                    phone: r.phone.clone(),
                    email: r.email.clone(),
                    postal_address: None,
                    postal_code: None,
                    created_at: now,
                    updated_at: now,
                },
            )?;
            Ok::<_, gongkai_store::StoreError>(user)
        })
        .map_err(ApiError::from)?;
        Ok(UserView::of(&user, Vec::new()))
    })
    .await
}

/// The account part of the throttling keys: counted whether or not the user exists, so that
/// the answers do not tell which accounts exist.
fn account_key(username: &str) -> String {
    username.trim().to_lowercase()
}

/// Now as Unix milliseconds (the throttling counters' clock).
fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

/// A 429 with Retry-After (whole seconds, at least one).
fn too_many(wait_ms: i64, detail: String) -> ApiError {
    let seconds = u64::try_from((wait_ms + 999) / 1000).unwrap_or(1).max(1);
    ApiError {
        retry_after: Some(seconds),
        ..ApiError::new(ErrorCode::TooManyAttempts, detail)
    }
}

/// "N 秒" or "N 分钟", for a wait.
fn wait_zh(wait_ms: i64) -> String {
    let seconds = ((wait_ms + 999) / 1000).max(1);
    if seconds < 120 {
        format!("{seconds} 秒")
    } else {
        format!("{} 分钟", (seconds + 59) / 60)
    }
}

/// Checks a login and opens a session: the view and the session token. The attempt is
/// counted (per address, per account, per account and address) before the password is
/// checked; see [`crate::state::SignInLimits`].
pub async fn open_session(
    state: &web::Data<AppState>,
    address: String,
    credentials: Login,
) -> ApiResult<(SessionView, String)> {
    let state = web::Data::clone(state);
    let limits = state.settings.sign_in.clone();
    let account = account_key(&credentials.username);
    let address_key = format!("address:{address}");
    let account_key = format!("account:{account}");
    let pair_key = format!("pair:{account}|{address}");
    // 1. The attempt is counted (or refused) in one transaction, and the stored hash read.
    let keys = (address_key.clone(), account_key.clone(), pair_key.clone());
    let username = credentials.username.trim().to_owned();
    let (counted, user) = db(&state, move |conn, _| {
        let (a, b, c) = &keys;
        let now = now_ms();
        // The account-wide delay applies only to an address that has already failed on this
        // account: an attacker polling the account from many addresses must not keep its
        // owner, signing in from an address of their own, waiting for ever. (Each address of
        // an attacker gets its first attempt past the account-wide delay, within its own
        // address limit.)
        let pair = limits.pair_rule();
        let fresh = sessions::attempts(conn, c, now, pair.window_ms)? == 0;
        let mut rules = vec![(a.as_str(), limits.address_rule())];
        if !fresh {
            rules.push((b.as_str(), limits.account_rule()));
        }
        rules.push((c.as_str(), pair));
        let counted = sessions::count_attempts(conn, &rules, now)?;
        let user = match counted {
            Ok(()) => accounts::user_by_username(conn, &username)?,
            Err(_) => None,
        };
        Ok((counted, user))
    })
    .await?;
    if let Err(refused) = counted {
        tracing::warn!(
            username = ?credentials.username.trim(),
            %address,
            throttled_by = %refused.key.split(':').next().unwrap_or(""),
            "sign-in refused: too many attempts"
        );
        let wait = wait_zh(refused.wait_ms);
        let detail = if refused.key == address_key {
            format!("该地址登录失败次数过多，请 {wait}后再试")
        } else {
            format!("该账号登录尝试过于频繁，请 {wait}后再试")
        };
        return Err(too_many(refused.wait_ms, detail));
    }
    // 2. The slow hash check, bounded by the hashing permits, outside any connection.
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let ok = verify_password_blocking(stored, credentials.password.clone()).await?;
    let Some(user) = user.filter(|_| ok) else {
        // Already counted; never the password in the log.
        tracing::warn!(
            username = ?credentials.username.trim(),
            %address,
            "sign-in failed: wrong username or password"
        );
        return Err(ApiError::new(
            ErrorCode::InvalidCredentials,
            "用户名或密码错误",
        ));
    };
    // The password was right: the account's counters are cleared (from this address and
    // overall), and this attempt is taken back from the address (its failures stay).
    let (pair, acct, addr) = (pair_key, account_key, address_key);
    db(&state, move |conn, _| {
        sessions::clear_attempts(conn, &[&pair, &acct])?;
        sessions::uncount_attempt(conn, &addr)?;
        Ok(())
    })
    .await?;
    if user.disabled {
        return Err(ApiError::new(
            ErrorCode::AccountDisabled,
            "该账号已停用，请联系系统管理员",
        ));
    }
    if user.issued_password_expired(Utc::now().naive_utc()) {
        tracing::warn!(user = %user.username, %address, "sign-in refused: issued password expired");
        return Err(ApiError::new(
            ErrorCode::PasswordExpired,
            format!(
                "该一次性密码已过期（签发后 {} 小时内有效），请联系系统管理员重新签发",
                state.settings.issued_password_valid_hours
            ),
        ));
    }
    // 3. The session.
    let (view, token) = db(&state, move |conn, state| {
        let s = &state.settings;
        let now = Utc::now().naive_utc();
        let token = new_token();
        let csrf = new_token();
        sessions::create(
            conn,
            &token,
            &user.id,
            &csrf,
            now,
            Duration::minutes(s.session_idle_minutes),
        )?;
        let actor = accounts::actor_for(conn, &user)?;
        tracing::info!(user = %user.username, "login");
        Ok((
            SessionView {
                token: Some(token.clone()),
                csrf_token: csrf,
                user: UserView::of(&user, actor.departments),
                expires_in_minutes: s.session_idle_minutes,
            },
            token,
        ))
    })
    .await?;
    Ok((view, token))
}

/// Changes the caller's own password after checking the current one; the caller's other
/// sessions end, and a password that had to be changed no longer has to (the session is free).
pub async fn set_own_password(
    state: &web::Data<AppState>,
    c: Caller,
    change: PasswordChange,
) -> ApiResult<()> {
    // Each check of the current password is counted first, like a sign-in (the progressive
    // delay of an account from one address): a stolen session cannot guess it without end,
    // nor keep the hashing slots busy.
    let key = format!("password:{}", c.user.id);
    let rule = state.settings.sign_in.pair_rule();
    let counted = {
        let key = key.clone();
        db(state, move |conn, _| {
            Ok(sessions::count_attempts(conn, &[(&key, rule)], now_ms())?)
        })
        .await?
    };
    if let Err(refused) = counted {
        return Err(too_many(
            refused.wait_ms,
            format!(
                "当前密码输错次数过多，请 {}后再试",
                wait_zh(refused.wait_ms)
            ),
        ));
    }
    let stored = c.user.password_hash.clone();
    let ok = verify_password_blocking(stored, change.current_password.clone()).await?;
    if !ok {
        return Err(ApiError::field("current_password", "当前密码不正确"));
    }
    if change.new_password == change.current_password {
        return Err(ApiError::field("new_password", "新密码不能与当前密码相同"));
    }
    let hash = hash_password_blocking(change.new_password.clone()).await?;
    db(state, move |conn, _| {
        gongkai_store::write_transaction(conn, |conn| {
            accounts::set_password_hash(conn, &c.user.id, &hash)?;
            sessions::clear_attempts(conn, &[key.as_str()])?;
            // Every other session of the user ends; this one stays.
            sessions::delete_of_user_except(conn, &c.user.id, &c.token)?;
            Ok::<_, gongkai_store::StoreError>(())
        })?;
        Ok(())
    })
    .await
}

/// Ends the session of `token`.
pub async fn end_session(state: &web::Data<AppState>, token: String) -> ApiResult<()> {
    db(state, move |conn, _| Ok(sessions::delete(conn, &token)?)).await
}

/// A new applicant account.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Registration {
    pub username: String,
    pub password: String,
    pub display_name: String,
    pub applicant_type: ApplicantType,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

pub(crate) fn check_username(errors: &mut Vec<FieldError>, path: &str, username: &str) {
    let ok = (limits::USERNAME_MIN..=limits::USERNAME_MAX).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-@".contains(c));
    if !ok {
        errors.push(FieldError {
            path: path.to_owned(),
            message: "用户名为 3—64 位字母、数字或 . _ - @".to_owned(),
        });
    }
}

impl Validate for Registration {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        check_username(errors, "username", &self.username);
        if let Err(m) = check_password_rule(&self.password) {
            errors.push(FieldError {
                path: "password".to_owned(),
                message: m,
            });
        }
        required(errors, "display_name", &self.display_name, limits::NAME);
        if let Some(e) = &self.email {
            at_most(errors, "email", e, limits::EMAIL);
        }
        if let Some(p) = &self.phone {
            at_most(errors, "phone", p, limits::PHONE);
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub display_name: String,
    /// Where staff notices go.
    pub email: Option<String>,
    #[schema(value_type = String)]
    pub role: Role,
    pub departments: Vec<String>,
    pub disabled: bool,
    /// The password was issued by someone else: until the user sets their own, the session
    /// may only change it (POST /api/v1/session/password), read itself and sign out.
    pub must_change_password: bool,
    /// May record the secrecy review (保密审查) of a release.
    pub secrecy_reviewer: bool,
}

impl UserView {
    pub fn of(user: &User, departments: Vec<String>) -> UserView {
        UserView {
            id: user.id.clone(),
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            email: user.email.clone(),
            role: user.role,
            departments,
            disabled: user.disabled,
            must_change_password: user.must_change_password,
            secrecy_reviewer: user.secrecy_reviewer,
        }
    }
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub username: String,
    pub password: String,
}

impl Validate for Login {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "username", &self.username, limits::USERNAME_MAX);
        required(errors, "password", &self.password, limits::PASSWORD_MAX);
    }
}

/// A new session. Browsers get the token as an HttpOnly cookie and must echo `csrf_token` in
/// the X-CSRF-Token header on writes; API clients send `Authorization: Bearer {token}`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SessionView {
    pub token: Option<String>,
    pub csrf_token: String,
    pub user: UserView,
    pub expires_in_minutes: i64,
}

/// A new password for the logged-in user, who proves the current one.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

impl Validate for PasswordChange {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(
            errors,
            "current_password",
            &self.current_password,
            limits::PASSWORD_MAX,
        );
        if let Err(m) = check_password_rule(&self.new_password) {
            errors.push(FieldError {
                path: "new_password".to_owned(),
                message: m,
            });
        }
    }
}
