//! End to end on `gongkai serve`: sign-in throttling, issued passwords that must be changed
//! and expire (with the CLI that issues new ones), sessions that expire or end when a user is
//! disabled.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use serde_json::json;
use support::server::*;
use support::{Binary, databases};

/// A sign-in from `address` (X-Forwarded-For, trusted in these tests).
fn sign_in_from(s: &Server, address: &str, username: &str, password: &str) -> Reply {
    finish(
        s.req("POST", "/api/v1/session", None)
            .set("X-Forwarded-For", address)
            .send_json(json!({"username": username, "password": password})),
    )
}

/// Parallel wrong passwords for one account are counted before any is
/// checked: only the free attempts are checked, the rest wait (429 with Retry-After), and the
/// owner still signs in from another address at once. A successful sign-in of one's own does
/// not reset the failures of one's address, so spraying guesses between one's own sign-ins
/// ends in 429. Registrations per address are limited too.
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

/// An issued password (the first admin's, an admin-made user's, an admin
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

/// An issued password not used within `passwords.issued_valid_hours` is
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
