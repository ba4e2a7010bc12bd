//! Passwords (argon2id), sessions (cookie or bearer token), CSRF, and the caller extractors.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use actix_web::dev::Payload;
use actix_web::http::{Method, header};
use actix_web::{FromRequest, HttpRequest, web};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use chrono::{Duration, Utc};
use gongkai_store::accounts::{self, User};
use gongkai_store::{Scope, sessions};
use gongkai_workflow::{Actor, Role};
use rand::Rng;
use tokio::sync::Semaphore;

use crate::error::{ApiError, ErrorCode};
use crate::state::{AppState, db};

/// The session cookie.
pub const SESSION_COOKIE: &str = "gongkai_session";
/// The header carrying the CSRF token on cookie-authenticated writes.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// argon2id with OWASP's recommended minimum: 19 MiB of memory, 2 passes, 1 lane.
fn hasher() -> Result<Argon2<'static>, ApiError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(ApiError::internal)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password into a PHC string. Slow on purpose: call it on the blocking pool.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let mut salt = [0u8; 16];
    rand::rng().fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(ApiError::internal)?;
    Ok(hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map_err(ApiError::internal)?
        .to_string())
}

/// Checks a password against a stored PHC string; `None` (unknown user, no password) is
/// checked against a dummy hash, so that the time taken does not tell whether a user exists.
pub fn verify_password(stored: Option<&str>, password: &str) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash_password("gongkai-dummy-password").unwrap_or_default());
    let (phc, real) = match stored {
        Some(s) => (s, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    let Ok(argon) = hasher() else {
        return false;
    };
    argon.verify_password(password.as_bytes(), &parsed).is_ok() && real
}

/// Password hashes and checks running now (each holds ~19 MiB while it runs).
static HASHING: AtomicUsize = AtomicUsize::new(0);
/// The most that ever ran at once (read by the tests).
static HASHING_PEAK: AtomicUsize = AtomicUsize::new(0);

/// The permits of password hashing: one per core. Every hash and check of a request (sign-in,
/// registration, password change, admin-issued passwords) waits for one in async code, off
/// the blocking pool and without a thread, so a flood of requests queues here instead of
/// allocating 19 MiB each.
fn hashing_permits() -> Arc<Semaphore> {
    static PERMITS: OnceLock<Arc<Semaphore>> = OnceLock::new();
    Arc::clone(PERMITS.get_or_init(|| Arc::new(Semaphore::new(hashing_capacity()))))
}

/// How many password hashes may run at once.
pub fn hashing_capacity() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
}

/// Runs `f` (a password hash or check) on the blocking pool once a hashing permit is free.
/// The permit moves into the blocking task, so it is held until the work ends even if the
/// request goes away meanwhile.
async fn bounded<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T, ApiError> {
    let permit = hashing_permits()
        .acquire_owned()
        .await
        .map_err(ApiError::internal)?;
    web::block(move || {
        let _permit = permit;
        let now = HASHING.fetch_add(1, Ordering::SeqCst) + 1;
        HASHING_PEAK.fetch_max(now, Ordering::SeqCst);
        let out = f();
        HASHING.fetch_sub(1, Ordering::SeqCst);
        out
    })
    .await
    .map_err(ApiError::internal)
}

/// [`hash_password`] on the blocking thread pool (never on an async worker), bounded by the
/// hashing permits.
pub async fn hash_password_blocking(password: String) -> Result<String, ApiError> {
    bounded(move || hash_password(&password)).await?
}

/// [`verify_password`] on the blocking thread pool, holding no database connection, bounded
/// by the hashing permits.
pub async fn verify_password_blocking(
    stored: Option<String>,
    password: String,
) -> Result<bool, ApiError> {
    bounded(move || verify_password(stored.as_deref(), &password)).await
}

/// The password rule: 10–128 characters, letters and digits both present.
pub fn check_password_rule(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < crate::body::limits::PASSWORD_MIN {
        return Err(format!(
            "密码至少 {} 个字符，实际 {n} 个",
            crate::body::limits::PASSWORD_MIN
        ));
    }
    if n > crate::body::limits::PASSWORD_MAX {
        return Err(format!(
            "密码最多 {} 个字符",
            crate::body::limits::PASSWORD_MAX
        ));
    }
    if !password.chars().any(char::is_alphabetic) || !password.chars().any(|c| c.is_ascii_digit()) {
        return Err("密码须同时包含字母和数字".to_owned());
    }
    Ok(())
}

/// 32 random bytes as hex: session tokens, CSRF tokens, one-time passwords.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A readable one-time password (no look-alike characters), 16 characters.
pub fn new_password() -> String {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    let mut p: String = (0..14)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    // The rule wants a digit and a letter.
    p.push(char::from(b"23456789"[rng.random_range(0..8)]));
    p.push(char::from(
        b"abcdefghjkmnpqrstuvwxyz"[rng.random_range(0..23)],
    ));
    p
}

/// The client's address, for login throttling.
pub fn client_address(req: &HttpRequest, trust_forwarded_for: bool) -> String {
    // The proxy appends the address it saw; anything before it was written by the client.
    if trust_forwarded_for
        && let Some(last) = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .filter(|v| !v.is_empty())
    {
        return last.to_owned();
    }
    req.peer_addr()
        .map(|a| a.ip().to_string())
        .unwrap_or_else(|| "unknown".to_owned())
}

/// A logged-in user.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub actor: Actor,
    /// The session token (to log out).
    pub token: String,
    pub csrf_token: String,
    pub via_cookie: bool,
}

impl Caller {
    pub fn role(&self) -> Role {
        self.actor.role
    }

    /// What the caller may read of cases, built from the session's user alone: every read
    /// of cases or of anything derived from them takes it (see `gongkai_store::Scope`).
    pub fn scope(&self) -> Scope {
        Scope::of(&self.actor)
    }

    /// Whether a staff member's scope covers `department` (admins see everything).
    pub fn covers(&self, department: &str) -> bool {
        self.scope().covers_department(department)
    }
}

/// A caller whose role belongs to a role class. Each class is a type: a handler that takes
/// one as an extractor answers 401 when nobody is signed in and 403 to the other roles; a
/// service function that takes one cannot be called for anyone else. Where a caller who may
/// not see the case must get 404 before any role is judged, the service converts with
/// [`RoleClass::of`] after the visibility check. The pages' extractors (`pages::StaffPage`
/// and the like) use the same classes, redirecting to the login page instead of a 401.
pub trait RoleClass: Sized {
    /// The roles of the class.
    const ROLES: &'static [Role];

    fn wrap(caller: Caller) -> Self;

    fn caller(&self) -> &Caller;

    /// The caller as a member of the class, or 403.
    fn of(caller: Caller) -> Result<Self, ApiError> {
        if Self::ROLES.contains(&caller.actor.role) {
            Ok(Self::wrap(caller))
        } else {
            Err(ApiError::forbidden(format!(
                "{}不能执行此操作",
                caller.actor.role.label_zh()
            )))
        }
    }

    /// Whether `role` belongs to the class.
    fn admits(role: Role) -> bool {
        Self::ROLES.contains(&role)
    }
}

macro_rules! role_class {
    ($(#[$doc:meta])* $name:ident = [$($role:ident),+]) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub Caller);

        impl RoleClass for $name {
            const ROLES: &'static [Role] = &[$(Role::$role),+];

            fn wrap(caller: Caller) -> Self {
                $name(caller)
            }

            fn caller(&self) -> &Caller {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = Caller;

            fn deref(&self) -> &Caller {
                &self.0
            }
        }

        impl FromRequest for $name {
            type Error = ApiError;
            type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let req = req.clone();
                Box::pin(async move {
                    match resolve(req, Proof::Api).await? {
                        Some(caller) => <$name as RoleClass>::of(caller),
                        None => Err(ApiError::unauthenticated()),
                    }
                })
            }
        }
    };
}

role_class!(
    /// Staff: clerks, supervisors and admins (department scope applies to all but admins).
    Staff = [Clerk, Supervisor, Admin]
);
role_class!(
    /// Those who register paper requests and work cases: clerks and supervisors (admins
    /// manage the system but do not handle requests).
    Handler = [Clerk, Supervisor]
);
role_class!(
    /// Supervisors and admins: reviews, supervision, figures, the outbox.
    Supervisor = [Supervisor, Admin]
);
role_class!(
    /// Admins only.
    Admin = [Admin]
);
role_class!(
    /// Applicants with an account.
    Applicant = [Applicant]
);

/// The caller if logged in. A bearer token that is not (or no longer) valid is a 401; a stale
/// cookie counts as not logged in. A cookie-authenticated write must carry the CSRF token.
pub struct MaybeCaller(pub Option<Caller>);

/// The caller, who must be logged in.
pub struct Authenticated(pub Caller);

fn token_of(req: &HttpRequest) -> Option<(String, bool)> {
    if let Some(value) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .unwrap_or("")
            .trim();
        return Some((token.to_owned(), false));
    }
    req.cookie(SESSION_COOKIE)
        .map(|c| (c.value().to_owned(), true))
}

/// How a request proves who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Proof {
    /// The API: a bearer token, or the cookie with the CSRF header on writes.
    Api,
    /// The web pages: the cookie only; forms carry the CSRF token as a field, checked by the
    /// page handlers.
    WebCookie,
}

async fn resolve(req: HttpRequest, proof: Proof) -> Result<Option<Caller>, ApiError> {
    let found = match proof {
        Proof::Api => token_of(&req),
        Proof::WebCookie => req
            .cookie(SESSION_COOKIE)
            .map(|c| (c.value().to_owned(), true)),
    };
    let Some((token, via_cookie)) = found else {
        return Ok(None);
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Err(ApiError::internal("application state missing"));
    };
    let valid_shape = token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit());
    let found = if valid_shape {
        let t = token.clone();
        db(&state, move |conn, state| {
            let now = Utc::now().naive_utc();
            let s = &state.settings;
            let Some((session, user, departments)) = sessions::find_with_user(
                conn,
                &t,
                now,
                Duration::minutes(s.session_idle_minutes),
                Duration::hours(s.session_absolute_hours),
            )?
            else {
                return Ok(None);
            };
            if user.disabled {
                return Ok(None);
            }
            let actor = accounts::actor_of(&user, departments)?;
            Ok(Some((user, actor, session.csrf_token)))
        })
        .await?
    } else {
        None
    };
    if let Some((user, ..)) = &found
        && user.must_change_password
        && !allowed_before_password_change(&req, proof)
    {
        return Err(password_change_required());
    }
    let Some((user, actor, csrf_token)) = found else {
        if via_cookie {
            return Ok(None);
        }
        return Err(ApiError::new(
            ErrorCode::Unauthenticated,
            "访问令牌无效或已过期，请重新登录",
        ));
    };
    if proof == Proof::Api
        && via_cookie
        && !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
    {
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if !constant_time_eq(sent.as_bytes(), csrf_token.as_bytes()) {
            return Err(ApiError::new(
                ErrorCode::CsrfTokenMissing,
                "使用会话 Cookie 的写操作须在 X-CSRF-Token 请求头中附上登录时取得的令牌",
            ));
        }
    }
    Ok(Some(Caller {
        user,
        actor,
        token,
        csrf_token,
        via_cookie,
    }))
}

/// What a session whose password must be changed may still do: read itself, sign out, and
/// change the password (in the API and on the pages).
fn allowed_before_password_change(req: &HttpRequest, proof: Proof) -> bool {
    let path = req.path().trim_end_matches('/');
    let method = req.method();
    match proof {
        Proof::Api => matches!(
            (method.as_str(), path),
            ("GET" | "HEAD" | "DELETE", "/api/v1/session") | ("POST", "/api/v1/session/password")
        ),
        Proof::WebCookie => matches!(
            (method.as_str(), path),
            ("GET" | "HEAD" | "POST", "/account/password") | ("POST", "/logout")
        ),
    }
}

/// The refusal of everything else to a session whose password must be changed (the pages
/// turn it into a redirect to the password page).
pub fn password_change_required() -> ApiError {
    ApiError::new(
        ErrorCode::PasswordChangeRequired,
        "您正在使用管理员签发的一次性密码，须先修改密码才能继续使用：\
         请在“修改密码”页面（/account/password）或通过 POST /api/v1/session/password 设置自己的密码",
    )
}

/// Compares secrets without leaking where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl FromRequest for MaybeCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { resolve(req, Proof::Api).await.map(MaybeCaller) })
    }
}

impl FromRequest for Authenticated {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match resolve(req, Proof::Api).await? {
                Some(caller) => Ok(Authenticated(caller)),
                None => Err(ApiError::unauthenticated()),
            }
        })
    }
}

/// The web pages' caller: the session cookie if it is valid, else nobody. Page handlers check
/// the form's CSRF field on every write.
pub struct WebCaller(pub Option<Caller>);

impl FromRequest for WebCaller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move { resolve(req, Proof::WebCookie).await.map(WebCaller) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse 42").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(Some(&h), "correct horse 42"));
        assert!(!verify_password(Some(&h), "correct horse 43"));
        assert!(!verify_password(None, "gongkai-dummy-password"));
        assert!(check_password_rule(&new_password()).is_ok());
        assert!(check_password_rule("short1").is_err());
        assert!(check_password_rule("onlyletterslong").is_err());
    }

    /// A flood of hashes and checks never runs more than the permits at once (each holds
    /// ~19 MiB of memory): without the bound, all 12 run side by side on the blocking pool.
    #[test]
    fn password_hashing_is_bounded_by_the_permits() {
        let peak = actix_web::rt::System::new().block_on(async {
            let stored = hash_password_blocking("correct horse 42".to_owned())
                .await
                .unwrap();
            // Three times as many as there are permits, whatever the machine's cores.
            let n = hashing_capacity() * 3;
            let hashes = (0..n).map(|i| {
                Box::pin(async move {
                    hash_password_blocking(format!("password {i}"))
                        .await
                        .is_ok()
                }) as Pin<Box<dyn Future<Output = bool>>>
            });
            let checks = (0..n).map(|_| {
                let stored = stored.clone();
                Box::pin(async move {
                    verify_password_blocking(Some(stored), "correct horse 42".to_owned())
                        .await
                        .unwrap_or(false)
                }) as Pin<Box<dyn Future<Output = bool>>>
            });
            let done = futures_util::future::join_all(hashes.chain(checks)).await;
            assert!(done.into_iter().all(|ok| ok));
            HASHING_PEAK.load(Ordering::SeqCst)
        });
        assert!(peak >= 1);
        assert!(
            peak <= hashing_capacity(),
            "{peak} hashes ran at once, more than the {} permits",
            hashing_capacity()
        );
    }
}
