//! End to end on `gongkai serve`: the web pages without a browser, the security headers of
//! every response, /metrics behind its token, and the admin's calendar and guide.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use serde_json::json;
use support::server::*;
use support::{Binary, Db, databases};

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
