//! The case page, the queue and the dashboard issue a number of statements that does not grow
//! with the number of staff: each is rendered in-process (actix's test tools) against an SQLite
//! database with few and with many staff, counting the statements of its one connection.

use std::sync::Arc;

use actix_web::{test, web};
use chrono::Utc;
use gongkai_store::accounts;
use gongkai_store::db::{DatabaseUrl, SqliteOptions};
use gongkai_store::{QueryCount, sessions};
use gongkai_workflow::{Actor, Role};
use serde_json::json;

use crate::auth::{Caller, Handler};
use crate::state::{ApiSettings, AppState};

/// A fresh database with one agency, two departments, a supervisor with a session, `staff`
/// clerks, and one registered request: the state, the session token, the case id.
async fn office(staff: usize) -> (Arc<AppState>, String, String, std::path::PathBuf) {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "gongkai-api-queries-{}-{}",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let url = DatabaseUrl::Sqlite(dir.join("gongkai.db"));
    // One connection: every statement of a request runs on it, and is counted.
    let pool = gongkai_store::db::pool(&url, 1, SqliteOptions::default()).unwrap();
    let token = "ab".repeat(32);
    let supervisor = {
        let mut conn = pool.get().unwrap();
        gongkai_store::migrations::run_pending(&mut conn).unwrap();
        accounts::create_agency(&mut conn, "gk", "某市人民政府", "GK").unwrap();
        accounts::create_department(&mut conn, "gk", "gk-gkb", "政务公开办", None, true).unwrap();
        accounts::create_department(&mut conn, "gk", "gk-zjw", "住建委", None, false).unwrap();
        for i in 0..staff {
            let department = if i % 2 == 0 { "gk-gkb" } else { "gk-zjw" };
            accounts::create_user(
                &mut conn,
                &format!("clerk{i}"),
                &format!("承办人{i}"),
                Role::Clerk,
                None,
                &[department],
            )
            .unwrap();
        }
        let s = accounts::create_user(
            &mut conn,
            "supervisor",
            "审核人",
            Role::Supervisor,
            None,
            &["gk-gkb", "gk-zjw"],
        )
        .unwrap();
        sessions::create(
            &mut conn,
            &token,
            &s.id,
            &"cd".repeat(32),
            Utc::now().naive_utc(),
            chrono::Duration::hours(1),
        )
        .unwrap();
        s
    };
    let law = gongkai_workflow::Law {
        calendar: gongkai_workflow::builtin_calendar().unwrap(),
        statute: gongkai_workflow::Statute::builtin(),
    };
    let state = Arc::new(AppState::new(
        pool,
        law,
        ApiSettings::for_tests(dir.join("files")),
    ));
    let caller = Caller {
        actor: Actor::staff(&supervisor.id, Role::Supervisor, &["gk-gkb", "gk-zjw"]),
        user: supervisor,
        token: token.clone(),
        csrf_token: "cd".repeat(32),
        via_cookie: true,
    };
    let paper = serde_json::from_value(json!({
        "agency": "gk", "department": "gk-gkb", "channel": "in_person",
        "applicant": {"kind": "natural_person", "name": "张三", "phone": "13812345678",
                      "email": "zhangsan@example.com"},
        "request": {"description": "请公开某小区加装电梯项目的审批文件",
                    "carrier": "electronic", "delivery": "email"}
    }))
    .unwrap();
    let done =
        super::cases::register_paper(&web::Data::from(state.clone()), Handler(caller), paper)
            .await
            .unwrap();
    (state, token, done.case_id, dir)
}

/// The statements each page issues: (case page, queue, dashboard).
async fn statements(staff: usize) -> [usize; 3] {
    let (state, token, case, dir) = office(staff).await;
    let count = {
        let mut conn = state.pool.get().unwrap();
        QueryCount::install(&mut conn)
    };
    // The whole application, as served: the pages with their middleware.
    let app = test::init_service(crate::app(
        web::Data::from(state.clone()),
        web::Data::new(crate::openapi()),
    ))
    .await;
    let mut out = [0; 3];
    for (i, path) in [
        format!("/staff/cases/{case}"),
        "/staff/queue".to_owned(),
        "/staff/dashboard".to_owned(),
    ]
    .iter()
    .enumerate()
    {
        // Each page as on its first request: the directory the server keeps between requests
        // (and another test's writes, in this process, drop) is loaded again.
        state.directory.clear();
        count.reset();
        let req = test::TestRequest::get()
            .uri(path)
            .cookie(actix_web::cookie::Cookie::new(
                crate::auth::SESSION_COOKIE,
                token.clone(),
            ))
            .to_request();
        let res = test::call_service(&app, req).await;
        assert_eq!(res.status(), 200, "{path}");
        out[i] = count.get();
    }
    drop(app);
    drop(state);
    let _ = std::fs::remove_dir_all(dir);
    out
}

#[actix_web::test]
async fn pages_issue_a_bounded_number_of_statements_whatever_the_staff() {
    let few = statements(2).await;
    let many = statements(30).await;
    for (i, page) in ["case page", "queue", "dashboard"].iter().enumerate() {
        assert!(few[i] > 0, "{page}: nothing counted");
        assert_eq!(
            few[i], many[i],
            "{page}: {} statements with 2 staff, {} with 30",
            few[i], many[i]
        );
    }
    println!("statements per page (case page, queue, dashboard): {few:?}");
}

/// The directory the pages keep is dropped by every change to it made in this process: a new
/// user, a renamed one, a disabled one (no longer offered as a handler) and a renamed
/// department show on the next page.
#[actix_web::test]
async fn the_kept_directory_follows_every_change_to_it() {
    use crate::service::directory::Directory;
    let (state, _, _, dir) = office(2).await;
    let mut conn = state.pool.get().unwrap();
    let conn = &mut *conn;
    let before = gongkai_store::db::directory_writes();
    let kept = Directory::kept(conn, &state).unwrap();
    let clerk = accounts::user_by_username(conn, "clerk0").unwrap().unwrap();
    assert_eq!(kept.user(&clerk.id), "承办人0");
    // Kept until something is written (unless another test of this process changed a
    // directory meanwhile: the count is the process's).
    let again = Directory::if_kept(&state);
    if gongkai_store::db::directory_writes() == before {
        assert_eq!(again.expect("kept").user(&clerk.id), "承办人0");
    }

    accounts::set_display_name(conn, &clerk.id, "王承办").unwrap();
    assert!(Directory::if_kept(&state).is_none(), "a rename drops it");
    assert_eq!(
        Directory::kept(conn, &state).unwrap().user(&clerk.id),
        "王承办"
    );

    let new =
        accounts::create_user(conn, "clerk9", "新承办人", Role::Clerk, None, &["gk-gkb"]).unwrap();
    assert_eq!(
        Directory::kept(conn, &state).unwrap().user(&new.id),
        "新承办人"
    );

    let handlers = |d: &Directory| -> Vec<String> {
        d.handlers_of_agency("gk")
            .into_iter()
            .map(|(id, _)| id)
            .collect()
    };
    assert!(handlers(&Directory::kept(conn, &state).unwrap()).contains(&new.id));
    accounts::set_disabled(conn, &new.id, true).unwrap();
    assert!(!handlers(&Directory::kept(conn, &state).unwrap()).contains(&new.id));

    accounts::update_department(conn, "gk-zjw", "住房和城乡建设委员会", false, true).unwrap();
    assert_eq!(
        Directory::kept(conn, &state).unwrap().department("gk-zjw"),
        "住房和城乡建设委员会"
    );
    std::fs::remove_dir_all(dir).ok();
}
