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

pub struct TestApp {
    pub state: web::Data<AppState>,
    doc: web::Data<utoipa::openapi::OpenApi>,
    system: SystemRunner,
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
        change(&mut settings);
        let state = AppState::new(pool, Law::new().in_force(), settings);
        TestApp {
            state: web::Data::new(state),
            doc: web::Data::new(gongkai_api::openapi()),
            system: actix_web::rt::System::new(),
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
