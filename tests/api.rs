//! End-to-end tests of `gongkai serve`: the real binary on a free port, driven over HTTP, on
//! SQLite and (with GONGKAI_TEST_DATABASE_URL) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;
use std::time::Duration;

use gongkai_testkit::wait_until;
use serde_json::{Value, json};
use support::server::*;
use support::{Binary, Db, databases};

#[test]
fn online_request_from_filing_to_archive() {
    for db in databases("api-lifecycle") {
        let s = start(&db);
        let o = office(&s);
        // Filed without an account: a query code, no tracking number until a clerk confirms.
        let r = s.post("/api/v1/requests", None, filing());
        assert_eq!(r.status, 201, "{}: {}", db.name, r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let code = r.body["query_code"].as_str().unwrap().to_owned();
        assert_eq!(r.body["status"], "received");
        assert!(r.body["tracking_number"].is_null());
        let look = s.post(
            "/api/v1/lookup",
            None,
            json!({"reference": case, "query_code": code}),
        );
        assert_eq!(look.status, 200, "{}", look.body);
        assert_eq!(look.body["applicant"]["id_document"], "110101********4514");
        let wrong = s.post(
            "/api/v1/lookup",
            None,
            json!({"reference": case, "query_code": "AAAAAAAAAAAA"}),
        );
        assert_eq!(wrong.status, 404);

        // The clerk finds it in the queue and registers it.
        let q = s.get("/api/v1/cases?status=received", Some(&o.clerk));
        assert_eq!(q.status, 200, "{}", q.body);
        assert!(
            q.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == case)
        );
        let r = act(&s, &o.clerk, &case, "register", 1, json!({}));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.body["version"].as_u64().unwrap();
        let due = r.body["due"]["due_date"].as_str().unwrap().to_owned();
        assert!(!r.body["due"]["explanation"].as_array().unwrap().is_empty());
        let detail = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk));
        let tracking = detail.body["summary"]["tracking_number"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(tracking.starts_with("GK-"), "{tracking}");
        // The filing reference keeps working after registration (the applicant may not have
        // the tracking number yet), and shows it.
        let look = s.post(
            "/api/v1/lookup",
            None,
            json!({"reference": case, "query_code": code}),
        );
        assert_eq!(
            look.body["tracking_number"],
            tracking.as_str(),
            "{}",
            look.body
        );

        let v = step(&s, &o.clerk, &case, "start_processing", v, json!({}));
        let reply = json!({"reply": {"outcome": {"kind": "disclosed"},
                                     "text": "经查，现将您申请的信息提供如下。"}});
        let v = step(&s, &o.clerk, &case, "draft_reply", v, reply);
        let v = step(&s, &o.clerk, &case, "submit_for_review", v, json!({}));
        // The clerk cannot approve; the supervisor finds it in the review queue.
        let r = act(&s, &o.clerk, &case, "approve_reply", v, json!({}));
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(r.body["code"], "forbidden_for_role");
        let reviews = s.get("/api/v1/supervision/reviews", Some(&o.supervisor));
        assert!(
            reviews.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == case)
        );
        let v = step(&s, &o.supervisor, &case, "approve_reply", v, json!({}));
        let v = step(
            &s,
            &o.clerk,
            &case,
            "record_delivery",
            v,
            json!({"method": "email"}),
        );
        step(&s, &o.clerk, &case, "archive", v, json!({}));

        // The applicant reads the reply with the tracking number and the code.
        let look = s.post(
            "/api/v1/lookup",
            None,
            json!({"reference": tracking, "query_code": code.to_lowercase()}),
        );
        assert_eq!(look.status, 200, "{}", look.body);
        assert_eq!(look.body["status"], "archived");
        assert_eq!(look.body["outcome_label"], "予以公开");
        assert_eq!(
            look.body["reply"]["text"],
            "经查，现将您申请的信息提供如下。"
        );
        let timeline: Vec<&str> = look.body["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["text"].as_str().unwrap())
            .collect();
        assert!(
            timeline.iter().any(|t| t.contains(&tracking)),
            "{timeline:?}"
        );
        assert!(
            !timeline.iter().any(|t| t.contains("审核")),
            "internal steps shown: {timeline:?}"
        );
        assert!(due.starts_with("20"));
        let _ = o.admin;
        drop(s);
        audit_ok(&db);
    }
}

#[test]
fn correction_restarts_the_clock_and_the_code_holder_can_withdraw() {
    for db in databases("api-correction") {
        let s = start(&db);
        let o = office(&s);
        // A request handed in at the counter: registered at once, receipt date today.
        let mut body = filing();
        body["channel"] = json!("in_person");
        let r = s.post("/api/v1/cases", Some(&o.clerk), body);
        assert_eq!(r.status, 201, "{}: {}", db.name, r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let tracking = r.body["tracking_number"].as_str().unwrap().to_owned();
        let code = r.body["query_code"].as_str().unwrap().to_owned();
        assert!(r.body["due"]["due_date"].is_string());
        let v = r.body["version"].as_u64().unwrap();
        let v = step(&s, &o.clerk, &case, "start_processing", v, json!({}));
        let r = act(
            &s,
            &o.clerk,
            &case,
            "request_correction",
            v,
            json!({"items": ["请说明所需信息的文号或发布时间"]}),
        );
        // While the correction is awaited there is no due date: the period will run afresh.
        assert_eq!(r.body["sub_state"], "awaiting_correction", "{}", r.body);
        assert!(r.body["due"].is_null(), "{}", r.body);
        let detail = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body;
        assert!(detail["due"].is_null() && detail["summary"]["due_date"].is_null());
        let v = r.body["version"].as_u64().unwrap();
        let key = json!({"reference": tracking, "query_code": code});
        let look = s.post("/api/v1/lookup", None, key.clone());
        assert_eq!(
            look.body["correction_items"][0],
            "请说明所需信息的文号或发布时间"
        );
        assert!(look.body["due"]["due_date"].is_null(), "{}", look.body);
        // A stale version is refused and changes nothing.
        let r = s.post(
            "/api/v1/lookup/correction",
            None,
            json!({"reference": tracking, "query_code": code, "version": v - 1,
                   "content": "文号为某政发〔2025〕1号"}),
        );
        assert_eq!(r.status, 409, "{}", r.body);
        assert_eq!(r.body["code"], "version_conflict");
        let r = s.post(
            "/api/v1/lookup/correction",
            None,
            json!({"reference": tracking, "query_code": code, "version": v,
                   "content": "文号为某政发〔2025〕1号"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body["due"]["due_date"].is_string());
        assert!(
            r.body["due"]["explanation"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l.as_str().unwrap().contains("补正")),
            "{}",
            r.body["due"]
        );
        let v = r.body["version"].as_u64().unwrap();
        // Someone without the code cannot withdraw it.
        let r = s.post(
            "/api/v1/lookup/withdrawal",
            None,
            json!({"reference": tracking, "query_code": "BBBBBBBBBBBB", "version": v}),
        );
        assert_eq!(r.status, 404);
        let r = s.post(
            "/api/v1/lookup/withdrawal",
            None,
            json!({"reference": tracking, "query_code": code, "version": v, "reason": "已自行查到"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["status"], "withdrawn");
        drop(s);
        audit_ok(&db);
    }
}

#[test]
fn two_clerks_on_one_version_one_wins_the_other_gets_409() {
    for db in databases("api-conflict") {
        let s = start(&db);
        let o = office(&s);
        let mut body = filing();
        body["channel"] = json!("in_person");
        let r = s.post("/api/v1/cases", Some(&o.clerk), body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let v = r.body["version"].as_u64().unwrap();
        let results: Vec<u16> = std::thread::scope(|scope| {
            let handles: Vec<_> = [&o.clerk, &o.clerk_b]
                .into_iter()
                .map(|token| {
                    let s = &s;
                    let case = case.clone();
                    scope.spawn(move || {
                        act(s, token, &case, "start_processing", v, json!({})).status
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut sorted = results.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![200, 409], "{}: {results:?}", db.name);
        let detail = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk));
        let events = detail.body["events"].as_array().unwrap();
        assert_eq!(events.len() as u64, v + 1, "exactly one event appended");
        assert_eq!(detail.body["summary"]["version"].as_u64().unwrap(), v + 1);
    }
}

/// A sign-in from `address` (X-Forwarded-For, trusted in these tests).
fn sign_in_from(s: &Server, address: &str, username: &str, password: &str) -> Reply {
    finish(
        s.req("POST", "/api/v1/session", None)
            .set("X-Forwarded-For", address)
            .send_json(json!({"username": username, "password": password})),
    )
}

/// Issue 15, finding 3. Parallel wrong passwords for one account are counted before any is
/// checked: only the free attempts are checked, the rest wait (429 with Retry-After), and the
/// owner still signs in from another address at once. A successful sign-in of one's own does
/// not reset the failures of one's address, so spraying guesses between one's own sign-ins
/// ends in 429. Registrations per address are limited too (finding 4).
#[test]
fn sign_in_throttling_counts_before_checking_and_does_not_lock_the_owner_out() {
    for db in databases("api-throttle") {
        let s = start_with(
            &db,
            &[
                ("GONGKAI_SERVER__TRUST_FORWARDED_FOR", "true"),
                // Long enough that no delay passes during the test.
                ("GONGKAI_LOGIN__FIRST_DELAY_SECONDS", "600"),
                ("GONGKAI_LOGIN__ACCOUNT_MAX_DELAY_SECONDS", "600"),
                ("GONGKAI_LOGIN__REGISTRATIONS_PER_ADDRESS_PER_HOUR", "3"),
            ],
        );
        let register = |address: &str, name: &str| {
            finish(
                s.req("POST", "/api/v1/account", None)
                    .set("X-Forwarded-For", address)
                    .send_json(json!({"username": name, "password": "secret-pass-123",
                                      "display_name": name, "applicant_type": "natural_person"})),
            )
        };
        for name in ["owner", "sprayer", "third"] {
            assert_eq!(register("192.0.2.50", name).status, 201, "{}", db.name);
        }
        // The fourth account from that address waits; another address is not affected.
        let r = register("192.0.2.50", "fourth");
        refused(&r, 429, "too_many_attempts");
        assert!(
            r.body["detail"].as_str().unwrap().contains("注册"),
            "{}",
            r.body
        );
        assert_eq!(register("192.0.2.51", "fourth").status, 201);

        // 40 wrong passwords for one account at once, from one address.
        let statuses: Vec<u16> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..40)
                .map(|i| {
                    let s = &s;
                    scope.spawn(move || {
                        sign_in_from(s, "203.0.113.7", "owner", &format!("guess-{i}-x1")).status
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let checked = statuses.iter().filter(|&&st| st == 401).count();
        let waited = statuses.iter().filter(|&&st| st == 429).count();
        assert_eq!(
            (checked, waited),
            (5, 35),
            "{}: only the 5 free attempts are checked: {statuses:?}",
            db.name
        );
        // The attacker's address keeps waiting, even with the right password…
        let r = sign_in_from(&s, "203.0.113.7", "owner", "secret-pass-123");
        refused(&r, 429, "too_many_attempts");
        // …while the owner signs in from their own address at once.
        let r = sign_in_from(&s, "198.51.100.2", "owner", "secret-pass-123");
        assert_eq!(
            r.status, 201,
            "{}: the owner is locked out: {}",
            db.name, r.body
        );

        // A distributed attack on one account: 10 addresses, 4 guesses each (within each
        // address's own limits) bring on the account-wide delay…
        let mut attack = Vec::new();
        for round in 0..4 {
            for a in 0..10 {
                let from = format!("203.0.113.{}", 100 + a);
                attack.push(sign_in_from(&s, &from, "third", &format!("guess-{round}-x1")).status);
            }
        }
        assert!(attack.contains(&429), "{}: {attack:?}", db.name);
        let r = sign_in_from(&s, "203.0.113.100", "third", "secret-pass-123");
        refused(&r, 429, "too_many_attempts");
        // …which does not stop the owner at an address that has not failed on the account.
        let r = sign_in_from(&s, "198.51.100.3", "third", "secret-pass-123");
        assert_eq!(
            r.status, 201,
            "{}: the owner is kept out by a distributed attack: {}",
            db.name, r.body
        );

        // Spraying: 4 wrong guesses at other accounts, then one's own sign-in, repeated. The
        // address's failures add up (limit 20) whatever the successes in between.
        let mut answers = Vec::new();
        for round in 0..6 {
            for i in 0..4 {
                let who = format!("victim{round}{i}");
                answers.push(sign_in_from(&s, "192.0.2.33", &who, "guess-pass-1").status);
            }
            answers.push(sign_in_from(&s, "192.0.2.33", "sprayer", "secret-pass-123").status);
        }
        assert_eq!(
            answers.iter().filter(|&&st| st == 401).count(),
            20,
            "{}: {answers:?}",
            db.name
        );
        assert_eq!(&answers[24..], &[429; 6], "{}: {answers:?}", db.name);
        let log = std::fs::read_to_string(db.dir.join("serve.log")).unwrap();
        assert!(
            log.contains("sign-in failed")
                && log.contains("victim00")
                && log.contains("192.0.2.33"),
            "failed sign-ins are logged with username and address"
        );
        assert!(!log.contains("guess-pass-1"), "a password was logged");
    }
}

/// Issue 15, finding 5. An issued password (the first admin's, an admin-made user's, an admin
/// reset) confines its session: every other API route answers 403
/// `password_change_required`, every other page leads to the password page; reading the
/// session, signing out and the change itself work, and the change frees the session. The
/// first admin's password is not printed when standard output is not a terminal: it is in a
/// file only its owner can read.
#[test]
fn issued_passwords_must_be_changed_before_anything_else() {
    for db in databases("api-issued") {
        let s = start(&db);
        // The harness reads stdout through a pipe: not a terminal.
        let issued = s.admin_password.clone().expect("the password file");
        assert!(
            !s.stdout.iter().any(|l| l.contains(&issued)),
            "{}: printed: {:?}",
            db.name,
            s.stdout
        );
        let file = db.dir.join("data/initial-admin-password.txt");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "{}", db.name);
        }
        let log = std::fs::read_to_string(db.dir.join("serve.log")).unwrap();
        assert!(log.contains("initial-admin-password.txt") && !log.contains(&issued));

        let r = s.post(
            "/api/v1/session",
            None,
            json!({"username": "admin", "password": issued}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["user"]["must_change_password"], true);
        let token = r.body["token"].as_str().unwrap().to_owned();
        let cookie = format!("gongkai_session={token}");
        for path in [
            "/api/v1/admin/users",
            "/api/v1/cases",
            "/api/v1/my/requests",
        ] {
            let r = s.get(path, Some(&token));
            refused(&r, 403, "password_change_required");
            assert!(r.body["detail"].as_str().unwrap().contains("修改密码"));
        }
        let r = s.post(
            "/api/v1/admin/agencies",
            Some(&token),
            json!({"code": "gk", "name": "某市人民政府", "tracking_prefix": "GK"}),
        );
        refused(&r, 403, "password_change_required");
        assert_eq!(s.get("/api/v1/session", Some(&token)).status, 200);
        // Pages lead to the password page, which opens.
        let agent = ureq::AgentBuilder::new()
            .redirects(0)
            .timeout(Duration::from_secs(30))
            .build();
        let page = |path: &str| {
            finish_text(
                agent
                    .get(&s.url(path))
                    .set("Accept", "text/html")
                    .set("Cookie", &cookie)
                    .call(),
            )
        };
        for path in ["/admin", "/staff/queue", "/"] {
            let (status, headers, _) = page(path);
            assert_eq!(status, 303, "{}: {path}", db.name);
            assert!(
                headers
                    .iter()
                    .any(|(k, v)| k == "location" && v == "/account/password"),
                "{path}: {headers:?}"
            );
        }
        let (status, _, html) = page("/account/password");
        assert_eq!(status, 200);
        assert!(html.contains("一次性密码"), "{html}");
        // The issued password cannot be kept as one's own.
        let r = s.post(
            "/api/v1/session/password",
            Some(&token),
            json!({"current_password": issued, "new_password": issued}),
        );
        assert_eq!(
            (r.status, r.body["errors"][0]["path"].as_str()),
            (422, Some("new_password"))
        );
        let r = s.post(
            "/api/v1/session/password",
            Some(&token),
            json!({"current_password": issued, "new_password": "admin-own-secret-1"}),
        );
        assert_eq!(r.status, 204, "{}", r.body);
        // The same session is free now, on the API and the pages.
        assert_eq!(s.get("/api/v1/admin/users", Some(&token)).status, 200);
        assert_eq!(page("/admin").0, 200);
        let me = s.get("/api/v1/session", Some(&token));
        assert_eq!(me.body["user"]["must_change_password"], false);

        // An admin-made user, and an admin reset, are confined the same way.
        agency_with_departments(&s, &token);
        let clerk_password = new_staff(&s, &token, "clerk1", "李承办", "clerk", "gk-gkb");
        let r = s.post(
            "/api/v1/session",
            None,
            json!({"username": "clerk1", "password": clerk_password}),
        );
        assert_eq!(r.body["user"]["must_change_password"], true, "{}", r.body);
        let clerk = r.body["token"].as_str().unwrap().to_owned();
        refused(
            &s.get("/api/v1/cases", Some(&clerk)),
            403,
            "password_change_required",
        );
        // Signing out works while confined.
        let out = finish(s.req("DELETE", "/api/v1/session", Some(&clerk)).call());
        assert_eq!(out.status, 204);
        let clerk = s.login("clerk1", &clerk_password);
        assert_eq!(s.get("/api/v1/cases", Some(&clerk)).status, 200);
        let id = user_id(&s, &token, "clerk1");
        let r = s.post(
            &format!("/api/v1/admin/users/{id}"),
            Some(&token),
            json!({"reset_password": true}),
        );
        let reset = r.body["one_time_password"].as_str().unwrap().to_owned();
        assert_eq!(r.body["user"]["must_change_password"], true);
        let r = s.post(
            "/api/v1/session",
            None,
            json!({"username": "clerk1", "password": reset}),
        );
        let clerk = r.body["token"].as_str().unwrap().to_owned();
        refused(
            &s.get("/api/v1/cases", Some(&clerk)),
            403,
            "password_change_required",
        );
    }
}

/// Issue 15, finding 5. An issued password not used within `passwords.issued_valid_hours` is
/// refused with a message that says to ask an admin; `gongkai user reset-password` issues a new
/// one (printed once) that must be changed at once.
#[test]
fn issued_passwords_expire_and_the_cli_issues_a_new_one() {
    for db in databases("api-expiry") {
        let s = start_with(&db, &[("GONGKAI_PASSWORDS__ISSUED_VALID_HOURS", "0")]);
        let issued = s.admin_password.clone().unwrap();
        let r = s.post(
            "/api/v1/session",
            None,
            json!({"username": "admin", "password": issued}),
        );
        refused(&r, 403, "password_expired");
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .contains("系统管理员重新签发"),
            "{}",
            r.body
        );
        // A wrong password still says only that it is wrong.
        let r = s.post(
            "/api/v1/session",
            None,
            json!({"username": "admin", "password": "not-the-password-1"}),
        );
        refused(&r, 401, "invalid_credentials");

        // The operator issues a new one from the command line (valid 72 hours by default).
        let o = db.run(&["user", "reset-password", "--username", "admin"]);
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        assert!(
            o.status.success(),
            "{}: {out}{}",
            db.name,
            String::from_utf8_lossy(&o.stderr)
        );
        let fresh = out
            .split("new one-time password for admin (admin): ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("{out}"))
            .to_owned();
        assert_ne!(fresh, issued);
        let r = s.post(
            "/api/v1/session",
            None,
            json!({"username": "admin", "password": fresh}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["user"]["must_change_password"], true);
        let token = r.body["token"].as_str().unwrap();
        refused(
            &s.get("/api/v1/admin/users", Some(token)),
            403,
            "password_change_required",
        );
        let o = db.run(&["user", "reset-password", "--username", "nobody"]);
        assert!(!o.status.success());
        assert!(String::from_utf8_lossy(&o.stderr).contains("no user \"nobody\""));
    }
}

#[test]
fn operations_endpoints_and_openapi_document() {
    let db = databases("api-ops").remove(0);
    let s = start(&db);
    assert_eq!(s.get("/healthz", None).status, 200);
    assert_eq!(s.get("/readyz", None).status, 200);
    let _ = s.get("/api/v1/guide", None);
    let raw = ureq::get(&s.url("/metrics"))
        .set("Authorization", &format!("Bearer {METRICS_TOKEN}"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(
        raw.contains(
            "gongkai_http_requests_total{method=\"GET\",route=\"/api/v1/guide\",status=\"200\"}"
        ),
        "{raw}"
    );
    assert!(raw.contains("gongkai_http_request_duration_seconds_bucket"));
    let doc = s.get("/api/v1/openapi.json", None);
    assert_eq!(doc.status, 200);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc.body["paths"]["/api/v1/cases/{id}/actions/{action}"]["post"].is_object());
}

#[test]
fn filings_answered_201_survive_a_kill_and_the_chain_verifies() {
    for db in databases("api-crash") {
        let mut s = start(&db);
        // The office is made first: filings need an agency.
        let _ = office(&s);
        let mut answered: Vec<(String, String)> = Vec::new();
        // The kill comes while filings are under way: once some have been answered, from
        // another thread, as the client goes on filing.
        let (answered_some, kill) = std::sync::mpsc::channel::<()>();
        let killer = {
            let pid = s.child.id();
            std::thread::spawn(move || {
                if kill.recv().is_ok() {
                    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                }
            })
        };
        loop {
            let r = s.req("POST", "/api/v1/requests", None).send_json(filing());
            match r {
                Ok(resp) => {
                    let body: Value = resp.into_json().unwrap();
                    answered.push((
                        body["case_id"].as_str().unwrap().to_owned(),
                        body["query_code"].as_str().unwrap().to_owned(),
                    ));
                    if answered.len() == 20 {
                        let _ = answered_some.send(());
                    }
                }
                Err(ureq::Error::Transport(_)) => break,
                Err(e) => panic!("{e}"),
            }
        }
        killer.join().unwrap();
        let _ = s.child.wait();
        assert!(
            !answered.is_empty(),
            "{}: no filing before the kill",
            db.name
        );
        s = start(&db);
        for (case, code) in &answered {
            let r = s.post(
                "/api/v1/lookup",
                None,
                json!({"reference": case, "query_code": code}),
            );
            assert_eq!(r.status, 200, "{}: lost {case} after SIGKILL", db.name);
            assert_eq!(r.body["timeline"].as_array().unwrap().len(), 1);
        }
        drop(s);
        audit_ok(&db);
    }
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let db = databases("api-sigterm").remove(0);
    let mut s = start(&db);
    let _ = office(&s);
    let r = s.post("/api/v1/requests", None, filing());
    assert_eq!(r.status, 201);
    let status = Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = wait_until(
        "the server exits after SIGTERM",
        Duration::from_secs(40),
        || s.child.try_wait().unwrap().ok_or("still running"),
    );
    assert!(exit.success(), "exit after SIGTERM: {exit:?}");
    audit_ok(&db);
}

#[test]
fn admins_upload_a_calendar_year_and_edit_the_guide() {
    for db in databases("api-admin") {
        let s = start(&db);
        let o = office(&s);
        let year = |y: i32, extra: &str| {
            json!({"toml": format!(
                "[[year]]\nyear = {y}\nsource = \"国务院办公厅关于{y}年部分节假日安排的通知\"\n\
                 holidays = [{{ name = \"元旦\", from = \"{y}-01-01\" }}{extra}]\nmakeup = []\n"
            )})
        };
        // A gap, a bad date, a year that is not the path's: each refused with the reason.
        let r = s.send(
            "PUT",
            "/api/v1/admin/calendar/2028",
            Some(&o.admin),
            year(2028, ""),
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert!(
            r.body["detail"].as_str().unwrap().contains("2027"),
            "{}",
            r.body
        );
        let bad = year(2027, ", { name = \"春节\", from = \"2027-02-30\" }");
        let r = s.send("PUT", "/api/v1/admin/calendar/2027", Some(&o.admin), bad);
        assert_eq!(
            (r.status, r.body["errors"][0]["path"].as_str()),
            (422, Some("toml"))
        );
        assert!(
            r.body["detail"].as_str().unwrap().contains("2027-02-30"),
            "{}",
            r.body
        );
        let r = s.send(
            "PUT",
            "/api/v1/admin/calendar/2026",
            Some(&o.admin),
            year(2027, ""),
        );
        assert_eq!(r.status, 422);
        let r = s.send(
            "PUT",
            "/api/v1/admin/calendar/2027",
            Some(&o.clerk),
            year(2027, ""),
        );
        assert_eq!(r.status, 403);
        // A good year is taken, the open cases recomputed, and it survives a restart.
        let r = s.send(
            "PUT",
            "/api/v1/admin/calendar/2027",
            Some(&o.admin),
            year(2027, ""),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["year"]["year"], 2027);
        password_of(&s, &db);
        drop(s);
        // The CLI's recompute counts with the uploaded year too.
        let o = db.run(&["calendar", "recompute"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let s = start(&db);
        let admin = s.login("admin", &password_of(&s, &db));
        let years = s.get("/api/v1/admin/calendar", Some(&admin));
        let last = years.body.as_array().unwrap().last().unwrap().clone();
        assert_eq!(last["year"], 2027, "{}", years.body);

        // The guide.
        let mut guide = s.get("/api/v1/guide", None).body;
        guide["office_hours"] = json!("工作日 8:30—17:30");
        let r = s.send("PUT", "/api/v1/admin/guide", Some(&admin), guide.clone());
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            s.get("/api/v1/guide", None).body["office_hours"],
            "工作日 8:30—17:30"
        );
        guide["title"] = json!("");
        let r = s.send("PUT", "/api/v1/admin/guide", Some(&admin), guide);
        assert_eq!(
            (r.status, r.body["errors"][0]["path"].as_str()),
            (422, Some("title"))
        );
    }
}

/// The admin's password after a restart: the first start printed it; the test kept it in the
/// folder.
fn password_of(s: &Server, db: &Db) -> String {
    let path = db.dir.join("admin-password");
    if let Some(p) = &s.admin_password {
        std::fs::write(&path, p).unwrap();
    }
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn sessions_expire_and_disabled_users_are_logged_out() {
    let db = databases("api-sessions").remove(0);
    let s = start_with(&db, &[("GONGKAI_SESSIONS__IDLE_MINUTES", "0")]);
    let token = s.login("admin", s.admin_password.as_deref().unwrap());
    let r = s.get("/api/v1/session", Some(&token));
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (401, Some("unauthenticated"))
    );
    drop(s);
    let db = databases("api-disable").remove(0);
    let s = start(&db);
    let o = office(&s);
    let clerk = user_id(&s, &o.admin, "clerk1");
    assert_eq!(s.get("/api/v1/cases", Some(&o.clerk)).status, 200);
    let r = s.post(
        &format!("/api/v1/admin/users/{clerk}"),
        Some(&o.admin),
        json!({"disabled": true}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(s.get("/api/v1/cases", Some(&o.clerk)).status, 401);
    // A reset password is shown once and works; the admin cannot disable itself.
    let r = s.post(
        &format!("/api/v1/admin/users/{clerk}"),
        Some(&o.admin),
        json!({"disabled": false, "reset_password": true}),
    );
    let password = r.body["one_time_password"].as_str().unwrap().to_owned();
    s.login("clerk1", &password);
    let me = s.get("/api/v1/session", Some(&o.admin)).body["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = s.post(
        &format!("/api/v1/admin/users/{me}"),
        Some(&o.admin),
        json!({"disabled": true}),
    );
    assert_eq!(r.status, 403);
    // Users change their own password with the current one; other sessions end.
    let second = s.login("clerk1", &password);
    let r = s.post(
        "/api/v1/session/password",
        Some(&second),
        json!({"current_password": "not-it-123", "new_password": "a-new-secret-42"}),
    );
    assert_eq!(
        (r.status, r.body["errors"][0]["path"].as_str()),
        (422, Some("current_password"))
    );
    let first = s.login("clerk1", &password);
    let r = s.post(
        "/api/v1/session/password",
        Some(&second),
        json!({"current_password": s.current_password("clerk1", &password),
               "new_password": "a-new-secret-42"}),
    );
    assert_eq!(r.status, 204, "{}", r.body);
    assert_eq!(s.get("/api/v1/session", Some(&second)).status, 200);
    assert_eq!(s.get("/api/v1/session", Some(&first)).status, 401);
    s.login("clerk1", "a-new-secret-42");
}

/// The web pages without a browser: HTML in Chinese with its security headers, a login
/// redirect for staff pages, HTML 404s for people and problem+json for programs, and forms
/// that refuse a missing CSRF token and keep what was typed when a field is wrong.
#[test]
fn web_pages_answer_in_html_and_their_forms_are_guarded() {
    for db in databases("api-pages") {
        let s = start(&db);
        let o = office(&s);
        let agent = ureq::AgentBuilder::new()
            .redirects(0)
            .timeout(Duration::from_secs(30))
            .build();
        let page = |path: &str, cookie: &str| {
            finish_text(
                agent
                    .get(&s.url(path))
                    .set("Accept", "text/html")
                    .set("Cookie", cookie)
                    .call(),
            )
        };
        let (status, headers, html) = page("/", "");
        assert_eq!(status, 200, "{}", db.name);
        assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("办事指南"));
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "content-security-policy" && v.contains("default-src 'self'"))
        );
        let (status, headers, _) = page("/staff/queue", "");
        assert_eq!(status, 303);
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "location" && v == "/login?next=/staff/queue")
        );
        let (status, _, html) = page("/no/such/page", "");
        assert_eq!((status, html.contains("未找到")), (404, true));
        let r = s.get("/api/v1/no/such/route", None);
        assert_eq!(
            (r.status, r.content_type.as_str()),
            (404, "application/problem+json")
        );

        // The anonymous form token: a cookie, echoed by the form.
        let (_, headers, html) = page("/apply", "");
        let cookie = headers
            .iter()
            .find(|(k, v)| k == "set-cookie" && v.starts_with("gongkai_form="))
            .map(|(_, v)| v.split(';').next().unwrap().to_owned())
            .expect("no form cookie");
        let token = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let fields = |csrf: &str| {
            vec![
                ("csrf".to_owned(), csrf.to_owned()),
                ("agency".to_owned(), "gk".to_owned()),
                ("applicant.kind".to_owned(), "natural_person".to_owned()),
                ("applicant.email".to_owned(), "li@example.cn".to_owned()),
                (
                    "request.description".to_owned(),
                    "本区2025年道路改造计划".to_owned(),
                ),
                ("request.carrier".to_owned(), "electronic".to_owned()),
                ("request.delivery".to_owned(), "email".to_owned()),
            ]
        };
        let post = |fields: &[(String, String)], cookie: &str| {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            finish_text(
                agent
                    .post(&s.url("/apply"))
                    .set("Cookie", cookie)
                    .send_form(&pairs),
            )
        };
        // Without the token (or with another browser's): refused, nothing filed.
        let (status, _, html) = post(&fields(""), &cookie);
        assert_eq!(status, 403, "{html}");
        let (status, _, _) = post(&fields(&"0".repeat(64)), &cookie);
        assert_eq!(status, 403);
        // With it, but without the applicant's name: 422, the error next to the field, the
        // description kept.
        let (status, _, html) = post(&fields(&token), &cookie);
        assert_eq!(status, 422);
        assert!(html.contains("此项必填"), "{html}");
        assert!(html.contains("本区2025年道路改造计划"));
        assert!(html.contains("value=\"li@example.cn\""));
        let queue = s.get("/api/v1/cases", Some(&o.clerk));
        assert_eq!(
            queue.body["items"].as_array().unwrap().len(),
            0,
            "{}",
            db.name
        );
        // Completed: filed, then redirected to the receipt, which shows the query code once;
        // reloading it files nothing again.
        let mut full = fields(&token);
        full.push(("applicant.name".to_owned(), "李四".to_owned()));
        let (status, headers, html) = post(&full, &cookie);
        assert_eq!(status, 303, "{html}");
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "location" && v == "/apply/receipt")
        );
        let receipt = headers
            .iter()
            .find(|(k, v)| k == "set-cookie" && v.starts_with("gongkai_receipt="))
            .map(|(_, v)| v.split(';').next().unwrap().to_owned())
            .expect("no receipt cookie");
        let (status, headers, html) = page("/apply/receipt", &format!("{cookie}; {receipt}"));
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("id=\"query-code\""));
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "set-cookie" && v.starts_with("gongkai_receipt=;"))
        );
        let (status, headers, _) = page("/apply/receipt", &cookie);
        assert_eq!(status, 303);
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "location" && v == "/lookup")
        );
        let queue = s.get("/api/v1/cases", Some(&o.clerk));
        assert_eq!(queue.body["items"].as_array().unwrap().len(), 1);
    }
}

/// Status, headers (lowercase names) and body text of a response.
fn finish_text(
    result: Result<ureq::Response, ureq::Error>,
) -> (u16, Vec<(String, String)>, String) {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .flat_map(|name| {
            response
                .all(&name)
                .into_iter()
                .map(|v| (name.to_lowercase(), v.to_owned()))
                .collect::<Vec<_>>()
        })
        .collect();
    (status, headers, response.into_string().unwrap_or_default())
}

/// Issue 15, finding 6: uploads are limited per case and per applicant account, and refused
/// once the case is no longer open; a refused upload leaves no file behind.
#[test]
fn uploads_are_limited_per_case_and_applicant_and_refused_on_closed_cases() {
    for db in databases("api-upload-limits") {
        let s = start_with(
            &db,
            &[
                ("GONGKAI_ATTACHMENTS__MAX_FILES_PER_APPLICANT", "2"),
                ("GONGKAI_ATTACHMENTS__MAX_BYTES_PER_APPLICANT", "3000"),
                ("GONGKAI_ATTACHMENTS__MAX_FILES_PER_CASE", "4"),
                ("GONGKAI_ATTACHMENTS__MAX_BYTES_PER_CASE", "5000"),
            ],
        );
        let o = office(&s);
        let alice = applicant(&s, "alice");
        let r = s.post("/api/v1/requests", Some(&alice), filing());
        assert_eq!(r.status, 201, "{}", r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let upload = |who: &str, name: &str, size: usize| {
            let path = format!("/api/v1/cases/{case}/attachments?filename={name}");
            s.raw(&path, Some(who), "text/plain", &vec![b'x'; size])
        };
        // The applicant's own limit: two files, 3,000 bytes.
        assert_eq!(upload(&alice, "a.txt", 1000).status, 201);
        let r = upload(&alice, "b.txt", 2001);
        refused(&r, 413, "attachments_too_large");
        assert!(
            r.body["detail"].as_str().unwrap().contains("每位申请人"),
            "{}",
            r.body
        );
        assert_eq!(upload(&alice, "b.txt", 2000).status, 201);
        let r = upload(&alice, "c.txt", 10);
        refused(&r, 409, "too_many_attachments");
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .contains("最多上传 2 个附件"),
            "{}",
            r.body
        );
        // The case's limit counts everyone's files: 4 files, 5,000 bytes.
        let r = upload(&o.clerk, "d.txt", 2001);
        refused(&r, 413, "attachments_too_large");
        assert!(
            r.body["detail"].as_str().unwrap().contains("每个案件"),
            "{}",
            r.body
        );
        assert_eq!(upload(&o.clerk, "d.txt", 1000).status, 201);
        assert_eq!(upload(&o.clerk, "e.txt", 10).status, 201);
        let r = upload(&o.clerk, "f.txt", 10);
        refused(&r, 409, "too_many_attachments");
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .contains("每个案件最多 4 个附件"),
            "{}",
            r.body
        );
        let files = s.get(&format!("/api/v1/cases/{case}/attachments"), Some(&o.clerk));
        assert_eq!(files.body.as_array().unwrap().len(), 4);

        // A withdrawn case takes no more files, from anyone.
        let r = s.post("/api/v1/requests", Some(&alice), filing());
        let second = r.body["case_id"].as_str().unwrap().to_owned();
        let version = s
            .get(&format!("/api/v1/my/requests/{second}"), Some(&alice))
            .body["version"]
            .as_u64()
            .unwrap_or(1);
        ok(&s, &alice, &second, "withdraw", version, json!({}));
        for who in [&alice, &o.clerk] {
            let path = format!("/api/v1/cases/{second}/attachments?filename=late.txt");
            let r = s.raw(&path, Some(who), "text/plain", b"too late");
            refused(&r, 409, "case_not_open");
            assert!(
                r.body["detail"].as_str().unwrap().contains("已撤回"),
                "{}",
                r.body
            );
        }
        // Refused uploads left nothing in the attachments folder's incoming area.
        let incoming = db.dir.join("data/attachments/.incoming");
        let left: Vec<_> = std::fs::read_dir(&incoming)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "{}: {left:?}", db.name);
    }
}

/// Issue 15, finding 7: /metrics answers only the configured bearer token, and nobody while
/// none is configured.
#[test]
fn metrics_answer_only_the_configured_token() {
    let db = databases("api-metrics").remove(0);
    let s = start(&db);
    let get = |auth: Option<&str>| {
        let r = ureq::get(&s.url("/metrics"));
        finish(match auth {
            Some(a) => r.set("Authorization", a).call(),
            None => r.call(),
        })
    };
    refused(&get(None), 401, "unauthenticated");
    refused(&get(Some("Bearer wrong-token")), 401, "unauthenticated");
    refused(
        &get(Some(&format!("Bearer {METRICS_TOKEN}x"))),
        401,
        "unauthenticated",
    );
    let right = ureq::get(&s.url("/metrics"))
        .set("Authorization", &format!("Bearer {METRICS_TOKEN}"))
        .call()
        .unwrap();
    assert_eq!(right.status(), 200);
    assert!(
        right
            .into_string()
            .unwrap()
            .contains("gongkai_http_requests_total")
    );
    drop(s);
    // No token configured: off for everyone.
    let s = start_with(&db, &[("GONGKAI_SERVER__METRICS_TOKEN", "")]);
    let r = finish(ureq::get(&s.url("/metrics")).call());
    refused(&r, 404, "not_found");
    let r = finish(
        ureq::get(&s.url("/metrics"))
            .set("Authorization", "Bearer ")
            .call(),
    );
    refused(&r, 404, "not_found");
}

/// Issue 15, finding 8: every response carries the security headers (API JSON, an
/// authenticated answer, the printable notice, a 404); a static asset keeps its caching; HSTS
/// only when cookies are secure.
#[test]
fn every_response_carries_the_security_headers() {
    let db = databases("api-headers").remove(0);
    let s = start(&db);
    let o = office(&s);
    let r = s.post("/api/v1/requests", None, filing());
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.body["case_id"].as_str().unwrap().to_owned();
    step(&s, &o.clerk, &case, "register", 1, json!({}));
    let notices = s.get(&format!("/api/v1/cases/{case}/notices"), Some(&o.clerk));
    let notice = notices.body[0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no notice: {}", notices.body))
        .to_owned();
    let head = |path: &str, token: Option<&str>| {
        let r = s.req("GET", path, token);
        match r.call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        }
    };
    let secure = |r: &ureq::Response, what: &str| {
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
        assert_eq!(r.header("referrer-policy"), Some("same-origin"), "{what}");
        let csp = r.header("content-security-policy").unwrap_or("");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(
            !csp.contains("unsafe-inline'; script") && !csp.contains("script-src 'unsafe-inline'"),
            "{what}: {csp}"
        );
        assert!(r.header("strict-transport-security").is_none(), "{what}");
    };
    for (path, token) in [
        ("/api/v1/guide".to_owned(), None),
        ("/api/v1/session".to_owned(), Some(o.clerk.as_str())),
        (format!("/api/v1/cases/{case}"), Some(o.clerk.as_str())),
        (
            format!("/api/v1/notices/{notice}/print"),
            Some(o.clerk.as_str()),
        ),
        ("/api/v1/no-such-route".to_owned(), None),
        ("/healthz".to_owned(), None),
    ] {
        let r = head(&path, token);
        secure(&r, &path);
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
    }
    let print = head(&format!("/api/v1/notices/{notice}/print"), Some(&o.clerk));
    assert_eq!(print.status(), 200);
    let csp = print.header("content-security-policy").unwrap().to_owned();
    assert!(!csp.contains("script-src"), "{csp}");
    assert!(!print.into_string().unwrap().contains("onclick"));
    let css = head("/static/app.css", None);
    secure(&css, "/static/app.css");
    assert_eq!(css.header("cache-control"), Some("public, max-age=3600"));
    drop(s);
    let s = start_with(&db, &[("GONGKAI_SERVER__SECURE_COOKIES", "true")]);
    for path in ["/api/v1/guide", "/healthz", "/api/v1/no-such-route"] {
        let r = match s.req("GET", path, None).call() {
            Ok(r) => r,
            Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{e}"),
        };
        assert_eq!(
            r.header("strict-transport-security"),
            Some("max-age=31536000"),
            "{path}"
        );
    }
}

/// Issue 15, finding 6, the staff page's upload form: the file is streamed like the API's,
/// stored, and the limits are said on the case page.
#[test]
fn the_staff_upload_form_streams_the_file_and_states_the_limits() {
    let db = databases("api-page-upload").remove(0);
    let s = start_with(&db, &[("GONGKAI_ATTACHMENTS__MAX_FILES_PER_CASE", "1")]);
    let o = office(&s);
    let r = s.post("/api/v1/requests", None, filing());
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.body["case_id"].as_str().unwrap().to_owned();
    let cookie = format!("gongkai_session={}", o.clerk);
    let agent = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(30))
        .build();
    let (status, _, html) = finish_text(
        agent
            .get(&s.url(&format!("/staff/cases/{case}")))
            .set("Accept", "text/html")
            .set("Cookie", &cookie)
            .call(),
    );
    assert_eq!(status, 200, "{html}");
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let send = |bytes: &[u8]| {
        let boundary = "gongkai-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.txt\"\r\n\
             Content-Type: text/plain\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        finish_text(
            agent
                .post(&s.url(&format!("/staff/cases/{case}/attachments")))
                .set("Accept", "text/html")
                .set("Cookie", &cookie)
                .set(
                    "Content-Type",
                    &format!("multipart/form-data; boundary={boundary}"),
                )
                .send_bytes(&body),
        )
    };
    let (status, headers, _) = send(b"the list");
    assert_eq!(status, 303);
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "location" && v.ends_with("?done=upload"))
    );
    let files = s.get(&format!("/api/v1/cases/{case}/attachments"), Some(&o.clerk));
    assert_eq!(files.body[0]["size_bytes"], 8, "{}", files.body);
    let (status, _, html) = send(&[b'x'; 4096]);
    assert_eq!(status, 422);
    assert!(html.contains("文件超过 2048 字节的上限"), "{html}");
    let (status, _, html) = send(b"another");
    assert_eq!(status, 409);
    assert!(html.contains("每个案件最多 1 个附件"), "{html}");
    let incoming = db.dir.join("data/attachments/.incoming");
    assert_eq!(std::fs::read_dir(&incoming).unwrap().count(), 0);
}
