//! The real application in process: `gongkai_api::app` over a test database, driven with
//! `actix_web::test` (`init_service`, `call_service`). No binary, no port, no mail thread:
//! for handler and page logic (validation answers, scope, rendering). What needs the real
//! process (start-up, signals, SMTP, the CLI) stays in the end-to-end tests.
//!
//! The app runs on an actix system the `TestApp` owns, and each call blocks on it, so tests
//! stay plain `#[test]` functions written against [`Client`], as the end-to-end ones are.

use actix_web::rt::SystemRunner;
use actix_web::test::{TestRequest, call_service, init_service, read_body};
use actix_web::web;
use gongkai_api::{ApiSettings, AppState};
use gongkai_store::db::SqliteOptions;
use gongkai_store::{accounts, sessions};
use gongkai_workflow::Role;

use crate::db::TestDb;
use crate::http::{Client, Office, Reply, Req, agency_with_departments};
use crate::law::Law;

/// The address requests come from.
pub const PEER: &str = "127.0.0.1:40000";

/// The /metrics token of the app (as the end-to-end harness sets for `serve`).
pub const METRICS_TOKEN: &str = "test-metrics-token-3f9c";

pub struct TestApp {
    pub state: web::Data<AppState>,
    doc: web::Data<serde_json::Value>,
    system: SystemRunner,
    /// Passwords the kit chose for users whose issued password had to be changed: (username,
    /// issued, chosen). Tests go on signing in with the issued one.
    chosen: std::cell::RefCell<Vec<(String, String, String)>>,
    /// Last: dropped after the pool's connections.
    pub db: TestDb,
}

/// A user signed in by the kit: a session made in the store, as a login would make it.
#[derive(Debug, Clone)]
pub struct Signed {
    pub id: String,
    /// The bearer token (also the session cookie's value).
    pub token: String,
    /// The session's CSRF token (forms and cookie-authenticated writes).
    pub csrf: String,
}

impl TestApp {
    /// The app over `db`, migrated, with the settings of `ApiSettings::for_tests`.
    pub fn start(db: TestDb) -> TestApp {
        TestApp::with_settings(db, |_| {})
    }

    /// [`TestApp::start`] with settings changed by `change`.
    pub fn with_settings(db: TestDb, change: impl FnOnce(&mut ApiSettings)) -> TestApp {
        drop(db.migrated());
        let pool = gongkai_store::pool(&db.url, 4, SqliteOptions::default()).unwrap();
        let mut settings = ApiSettings::for_tests(db.dir.join("data/attachments"));
        // As the end-to-end harness starts `serve`: small files, a /metrics token, and room for
        // the many accounts tests open from one address.
        settings.attachment_limits.max_bytes = 2048;
        settings.metrics_token = METRICS_TOKEN.to_owned();
        settings.sign_in.registrations_per_address_per_hour = 10_000;
        change(&mut settings);
        let doc = gongkai_api::openapi_for(&settings.attachment_limits.content_types);
        let mut state = AppState::new(pool, Law::new().in_force(), settings);
        // As `serve` does with its default setting: the system's CJK font, if any.
        state.letter_font = gongkai_documents::FontFile::find_default().map(std::sync::Arc::new);
        TestApp {
            state: web::Data::new(state),
            doc: web::Data::new(doc),
            system: actix_web::rt::System::new(),
            chosen: Default::default(),
            db,
        }
    }

    /// A user made in the store with a live session (no password: the kit signs them in).
    pub fn user(&self, username: &str, role: Role, departments: &[&str]) -> Signed {
        let mut c = self.db.connect();
        let user =
            accounts::create_user(&mut c, username, username, role, None, departments).unwrap();
        self.session_of(&user.id)
    }

    /// A new session of the user `user_id`.
    pub fn session_of(&self, user_id: &str) -> Signed {
        let mut c = self.db.connect();
        let token = gongkai_api::auth::new_token();
        let csrf = gongkai_api::auth::new_token();
        let minutes = self.state.settings.session_idle_minutes;
        sessions::create(
            &mut c,
            &token,
            user_id,
            &csrf,
            chrono::Utc::now().naive_utc(),
            chrono::Duration::minutes(minutes),
        )
        .unwrap();
        Signed {
            id: user_id.to_owned(),
            token,
            csrf,
        }
    }

    /// A new session of the existing user `username` (e.g. after every session ended).
    pub fn again(&self, username: &str) -> String {
        let mut c = self.db.connect();
        let user = accounts::user_by_username(&mut c, username)
            .unwrap()
            .unwrap_or_else(|| panic!("no user {username}"));
        self.session_of(&user.id).token
    }

    /// Every case's hash chain verifies (what `gongkai audit verify` checks).
    #[track_caller]
    pub fn audit_ok(&self) {
        let mut c = self.db.connect();
        let broken = gongkai_store::audit::verify_all(&mut c, None, |_, _| {}).unwrap();
        assert!(broken.is_empty(), "{}: {broken:?}", self.db.name);
    }

    /// The agency "gk" (made through the admin API) with its staff: admin, clerk1 and clerk2
    /// (gk-gkb), clerk9 (gk-zjw), super1 (supervisor of gk-gkb).
    pub fn office(&self) -> Office {
        let admin = self.user("admin", Role::Admin, &[]).token;
        agency_with_departments(self, &admin);
        Office {
            clerk: self.user("clerk1", Role::Clerk, &["gk-gkb"]).token,
            clerk_b: self.user("clerk2", Role::Clerk, &["gk-gkb"]).token,
            other_clerk: self.user("clerk9", Role::Clerk, &["gk-zjw"]).token,
            supervisor: self.user("super1", Role::Supervisor, &["gk-gkb"]).token,
            admin,
        }
    }
}

impl Client for TestApp {
    /// Signs in. A user whose password was issued (admin-made users) must change it first:
    /// the kit does, to a password of its own that it remembers.
    fn login(&self, username: &str, password: &str) -> String {
        let current = self
            .chosen
            .borrow()
            .iter()
            .rev()
            .find(|(u, issued, _)| u == username && issued == password)
            .map_or_else(|| password.to_owned(), |(.., chosen)| chosen.clone());
        let r = self.post(
            "/api/v1/session",
            None,
            serde_json::json!({"username": username, "password": current}),
        );
        assert_eq!(r.status, 201, "login {username}: {}", r.body);
        let token = r.body["token"].as_str().unwrap().to_owned();
        if r.body["user"]["must_change_password"] == true {
            let chosen = format!("{current}-own1");
            let c = self.post(
                "/api/v1/session/password",
                Some(&token),
                serde_json::json!({"current_password": current, "new_password": chosen}),
            );
            assert_eq!(c.status, 204, "password change of {username}: {}", c.body);
            self.chosen
                .borrow_mut()
                .push((username.to_owned(), password.to_owned(), chosen));
        }
        token
    }

    fn exec(&self, req: Req) -> Reply {
        let state = self.state.clone();
        let doc = self.doc.clone();
        self.system.block_on(async move {
            let app = init_service(gongkai_api::app(state, doc)).await;
            let method = actix_web::http::Method::from_bytes(req.method.as_bytes()).unwrap();
            let mut test = TestRequest::default()
                .method(method)
                .uri(&req.path)
                .peer_addr(PEER.parse().unwrap());
            for (name, value) in &req.headers {
                test = test.insert_header((name.as_str(), value.as_str()));
            }
            let res = call_service(&app, test.set_payload(req.body).to_request()).await;
            let status = res.status().as_u16();
            let headers = res
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_ascii_lowercase(),
                        v.to_str().unwrap_or_default().to_owned(),
                    )
                })
                .collect();
            let body = read_body(res).await;
            Reply::new(status, headers, String::from_utf8_lossy(&body).into_owned())
        })
    }
}
