//! The web pages without a browser: HTML in Chinese with its security headers, a login
//! redirect for staff pages, HTML 404s for people and problem+json for programs, forms guarded
//! by their token and refilled when a field is wrong.

use super::*;

/// The web pages without a browser: HTML in Chinese with its security headers, a login
/// redirect for staff pages, HTML 404s for people and problem+json for programs, and forms
/// that refuse a missing CSRF token and keep what was typed when a field is wrong.
#[test]
fn web_pages_answer_in_html_and_their_forms_are_guarded() {
    for db in databases("api-pages") {
        let s = TestApp::start(db);
        let o = s.office();
        let page = |path: &str, cookie: &str| {
            let r = s.exec(
                Req::new("GET", path)
                    .header("Accept", "text/html")
                    .header("Cookie", cookie),
            );
            (r.status, r.headers, r.text)
        };
        let (status, headers, html) = page("/", "");
        assert_eq!(status, 200, "{}", s.db.name);
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
                (
                    "applicant.id_document_type".to_owned(),
                    "resident_id".to_owned(),
                ),
                (
                    "applicant.id_document".to_owned(),
                    "11010519491231002X".to_owned(),
                ),
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
            let r = s.exec(
                Req::new("POST", "/apply")
                    .header("Cookie", cookie)
                    .form(&pairs),
            );
            (r.status, r.headers, r.text)
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
            s.db.name
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

/// The admin's calendar page: the newest year first (the cn-2008 years 2008–2018 last), an
/// uploaded year marked as such, a one-day holiday shown as one date.
#[test]
fn the_admin_calendar_page_puts_the_newest_year_first_and_marks_uploads() {
    for db in databases("api-calendar-page") {
        let s = TestApp::start(db);
        let o = s.office();
        let r = s.send(
            "PUT",
            "/api/v1/admin/calendar/2027",
            Some(&o.admin),
            json!({"toml": "[[year]]\nyear = 2027\nholidays = [{ name = \"元旦\", from = \"2027-01-01\" }]\nmakeup = []\n"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let r = s.exec(
            Req::new("GET", "/admin/calendar")
                .header("Accept", "text/html")
                .header("Cookie", &format!("gongkai_session={}", o.admin)),
        );
        assert_eq!(r.status, 200, "{}: {}", s.db.name, r.text);
        let html = r.text;
        let at = |y: &str| {
            html.find(&format!("<tr><td>{y}"))
                .unwrap_or_else(|| panic!("{y}: {html}"))
        };
        assert!(at("2027") < at("2026") && at("2026") < at("2019") && at("2019") < at("2008"));
        assert!(
            html.contains("<tr><td>2027<br><span class=\"muted\">管理员上传</span>"),
            "{html}"
        );
        assert!(
            !html.contains("<tr><td>2026<br>"),
            "a built-in year is not marked"
        );
        assert!(
            html.contains("元旦（01-01），春节（02-10—02-17）"),
            "2024: {html}"
        );
        assert!(
            html.contains("抗战胜利70周年纪念日（09-03—09-05）"),
            "{html}"
        );
    }
}
