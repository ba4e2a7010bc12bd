//! End to end on `gongkai serve`: /metrics behind its token, and the admin's calendar and guide
//! (which survive a restart).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::json;
use support::server::*;
use support::{Binary, Db, databases};

/// /metrics answers only the configured bearer token, and nobody while
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

/// A database from before the 2008–2018 years were shipped, holding an uploaded 2027: the
/// calendar in force is the new built-in years with the upload on top, a cn-2008 request is
/// counted with its year's holidays, and dates before the Regulations are refused by name.
#[test]
fn an_existing_database_with_uploads_gets_the_built_in_2008_to_2018_years() {
    for db in databases("calendar-upgrade") {
        let o = db.run(&["migrate"]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        // The year an admin uploaded under the earlier binary, as it stored it.
        db.sql(
            "INSERT INTO calendar_years (year, toml, uploaded_by, uploaded_at) VALUES (2027, \
             '[[year]]\nyear = 2027\nsource = \"国务院办公厅关于2027年部分节假日安排的通知\"\n\
             holidays = [{ name = \"元旦\", from = \"2027-01-01\" }]\nmakeup = []\n', \
             'an-admin', '2026-11-30 08:00:00')",
        );
        let s = start(&db);
        let o = office(&s);
        let years = s.get("/api/v1/admin/calendar", Some(&o.admin));
        assert_eq!(years.status, 200, "{}", years.body);
        let list: Vec<i64> = years
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|y| y["year"].as_i64().unwrap())
            .collect();
        assert_eq!(list, (2008..=2027).collect::<Vec<_>>(), "{}", db.name);
        let y2015 = &years.body.as_array().unwrap()[7];
        assert!(
            y2015["holidays"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h == "抗战胜利70周年纪念日：2015-09-03 至 2015-09-05"),
            "{y2015}"
        );
        assert!(
            y2015["makeup"]
                .as_array()
                .unwrap()
                .contains(&json!("2015-09-06"))
        );

        // A letter handed in on 2015-09-02: cn-2008, 15 working days on the 2015 calendar.
        let mut body = filing();
        body["channel"] = json!("in_person");
        body["receipt_date"] = json!("2015-09-02");
        let r = s.post("/api/v1/cases", Some(&o.clerk), body.clone());
        assert_eq!(r.status, 201, "{}: {}", db.name, r.body);
        assert_eq!(r.body["due"]["due_date"], "2015-09-24", "{}", r.body);
        assert_eq!(r.body["due"]["provisional"], false, "{}", r.body);
        // The uploaded 2027 still counts: 20 working days after 2026-12-04 skip New Year's
        // Day 2027, and the date is final (without the upload: the same day, provisional).
        body["receipt_date"] = json!("2026-12-04");
        let r = s.post("/api/v1/cases", Some(&o.clerk), body.clone());
        assert_eq!(r.status, 201, "{}: {}", db.name, r.body);
        assert_eq!(r.body["due"]["due_date"], "2027-01-04", "{}", r.body);
        assert_eq!(r.body["due"]["provisional"], false, "{}", r.body);

        // Before the Regulations took effect: refused on the receipt date, nothing stored.
        body["receipt_date"] = json!("2008-04-30");
        let r = s.post("/api/v1/cases", Some(&o.clerk), body);
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.body["code"], "date_too_early", "{}", r.body);
        assert!(
            r.body["detail"].as_str().unwrap().contains("2008-05-01"),
            "{}",
            r.body
        );
        let r = s.send(
            "PUT",
            "/api/v1/admin/calendar/2007",
            Some(&o.admin),
            json!({"toml": "[[year]]\nyear = 2007\nholidays = []\nmakeup = []\n"}),
        );
        assert_eq!(
            (r.status, r.body["errors"][0]["path"].as_str()),
            (422, Some("year")),
            "{}",
            r.body
        );
    }
}

/// A page as the signed-in `token` sees it.
fn page(s: &Server, path: &str, token: &str) -> Reply {
    s.exec(
        Req::new("GET", path)
            .header("Accept", "text/html")
            .header("Cookie", &format!("gongkai_session={token}")),
    )
}

/// The calendar banner of a page, if it shows one.
fn banner(html: &str) -> Option<&str> {
    let at = html.find("id=\"calendar-banner\"")?;
    let rest = &html[at..];
    Some(&rest[..rest.find("</div>").unwrap_or(rest.len())])
}

/// From 1 November, admins and supervisors are told on every page that next year's holidays
/// are not loaded (admins with the link to load them); a year begun without its notice is
/// named too; clerks are not told; a loaded year ends it. The server's "today" is set by
/// GONGKAI_TEST_TODAY (sessions outlive the restarts).
#[test]
fn admins_and_supervisors_are_told_when_next_years_calendar_is_missing() {
    for db in databases("calendar-banner") {
        // The built-in calendar ends with 2026.
        let s = start_with(&db, &[("GONGKAI_TEST_TODAY", "2026-10-31")]);
        let o = office(&s);
        for (path, token) in [
            ("/admin", &o.admin),
            ("/staff/dashboard", &o.supervisor),
            ("/staff/queue", &o.clerk),
        ] {
            let r = page(&s, path, token);
            assert_eq!(r.status, 200, "{}: {path}: {}", db.name, r.text);
            assert_eq!(banner(&r.text), None, "{path} before November");
        }
        drop(s);

        let s = start_with(&db, &[("GONGKAI_TEST_TODAY", "2026-11-01")]);
        for path in ["/admin", "/admin/calendar", "/staff/queue"] {
            let r = page(&s, path, &o.admin);
            assert_eq!(r.status, 200, "{}: {path}: {}", db.name, r.text);
            let b = banner(&r.text).unwrap_or_else(|| panic!("{path}: {}", r.text));
            assert!(b.contains("2027 年节假日安排尚未载入"), "{b}");
            assert!(b.contains("href=\"/admin/calendar\""), "{b}");
        }
        for path in ["/staff/dashboard", "/staff/queue"] {
            let r = page(&s, path, &o.supervisor);
            assert_eq!(r.status, 200, "{}: {path}: {}", db.name, r.text);
            let b = banner(&r.text).unwrap_or_else(|| panic!("{path}: {}", r.text));
            assert!(b.contains("2027 年节假日安排尚未载入"), "{b}");
            // Supervisors cannot load it: they are asked to tell an admin.
            assert!(!b.contains("href="), "{b}");
            assert!(b.contains("系统管理员"), "{b}");
        }
        let r = page(&s, "/staff/queue", &o.clerk);
        assert_eq!(
            banner(&r.text),
            None,
            "clerks see the provisional mark on each date"
        );
        drop(s);

        // A year begun without its notice is named, and from November the next one too.
        let s = start_with(&db, &[("GONGKAI_TEST_TODAY", "2027-03-01")]);
        let r = page(&s, "/admin", &o.admin);
        let b = banner(&r.text).unwrap_or_else(|| panic!("{}", r.text));
        assert!(b.contains("2027 年节假日安排尚未载入"), "{b}");
        // Loading the year ends it.
        let r = s.send(
            "PUT",
            "/api/v1/admin/calendar/2027",
            Some(&o.admin),
            json!({"toml": "[[year]]\nyear = 2027\nholidays = [{ name = \"元旦\", from = \"2027-01-01\" }]\nmakeup = []\n"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let r = page(&s, "/admin", &o.admin);
        assert_eq!(banner(&r.text), None, "2027 is loaded");
        drop(s);
        let s = start_with(&db, &[("GONGKAI_TEST_TODAY", "2027-11-01")]);
        let r = page(&s, "/staff/dashboard", &o.supervisor);
        let b = banner(&r.text).unwrap_or_else(|| panic!("{}", r.text));
        assert!(b.contains("2028 年节假日安排尚未载入"), "{b}");
    }
}

/// Form fields, name and value.
type Fields = Vec<(&'static str, &'static str)>;

/// Posts the calendar form as the admin's browser does; the page that answers.
fn post_calendar(s: &Server, token: &str, fields: &[(&str, &str)]) -> Reply {
    let csrf = s.get("/api/v1/session", Some(token)).body["csrf_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut all = vec![("csrf", csrf.as_str())];
    all.extend_from_slice(fields);
    s.exec(
        Req::new("POST", "/admin/calendar")
            .header("Accept", "text/html")
            .header("Cookie", &format!("gongkai_session={token}"))
            .form(&all),
    )
}

/// The error shown beside holiday row `i` (0-based) or make-up day `i`.
fn row_error<'a>(html: &'a str, id: &str) -> &'a str {
    let at = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no {id}: {html}"));
    let rest = &html[at..];
    &rest[..rest.find("</div>").unwrap()]
}

/// The years in force, by the API.
fn last_year(s: &Server, token: &str) -> i64 {
    let years = s.get("/api/v1/admin/calendar", Some(token));
    years.body.as_array().unwrap().last().unwrap()["year"]
        .as_i64()
        .unwrap()
}

/// An admin loads next year through the form of holiday ranges and make-up days: each mistake
/// refused in Chinese beside its row with every row kept and nothing stored; the TOML text's
/// errors in Chinese too; a good year previewed, confirmed, and the due dates it moves moved.
#[test]
fn admins_load_a_year_through_the_form_of_holiday_ranges() {
    for db in databases("calendar-form") {
        let s = start(&db);
        let o = office(&s);
        // Handed in on Friday 2026-12-04: 20 working days reach Monday 2027-01-04, New Year's
        // Day skipped by the provisional rule.
        let mut body = filing();
        body["channel"] = json!("in_person");
        body["receipt_date"] = json!("2026-12-04");
        let r = s.post("/api/v1/cases", Some(&o.clerk), body);
        assert_eq!(r.status, 201, "{}: {}", db.name, r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        assert_eq!(r.body["due"]["due_date"], "2027-01-04", "{}", r.body);
        assert_eq!(r.body["due"]["provisional"], true, "{}", r.body);

        // Each mistake: 422, the Chinese sentence beside its row, the rows kept, nothing stored.
        let cases: Vec<(Fields, &str, &str)> = vec![
            (
                vec![
                    ("holidays.0.name", "春节"),
                    ("holidays.0.from", "2027-02-12"),
                    ("holidays.0.to", "2027-02-06"),
                ],
                "holiday-error-0",
                "结束日 2027-02-06 早于开始日 2027-02-12",
            ),
            (
                vec![
                    ("holidays.0.name", "元旦"),
                    ("holidays.0.from", "2027-01-01"),
                    ("holidays.1.name", "春节"),
                    ("holidays.1.from", "2026-02-06"),
                    ("holidays.1.to", "2026-02-12"),
                ],
                "holiday-error-1",
                "2026-02-06 不在 2027 年内",
            ),
            (
                vec![
                    ("holidays.0.name", "春节"),
                    ("holidays.0.from", "2027-02-06"),
                    ("holidays.0.to", "2027-02-12"),
                    ("holidays.2.name", "元宵"),
                    ("holidays.2.from", "2027-02-10"),
                ],
                "holiday-error-2",
                "与节假日“春节”的日期重叠（2027-02-10）",
            ),
            (
                vec![
                    ("holidays.0.name", "春节"),
                    ("holidays.0.from", "2027-02-06"),
                    ("holidays.0.to", "2027-02-12"),
                    ("makeup.0", "2027-02-15"),
                ],
                "makeup-error-0",
                "2027-02-15 是星期一，本来就是工作日",
            ),
            (
                vec![
                    ("holidays.0.name", "春节"),
                    ("holidays.0.from", "2027-02-06"),
                    ("holidays.0.to", "2027-02-12"),
                    ("makeup.0", "2027-02-20"),
                    ("makeup.1", "2027-02-07"),
                ],
                "makeup-error-1",
                "2027-02-07 既是调休上班日，又是节假日“春节”的一天",
            ),
            (
                vec![
                    ("holidays.0.name", "春节"),
                    ("holidays.0.from", "2027/2/30"),
                ],
                "holiday-error-0",
                "开始日期“2027/2/30”不是有效日期",
            ),
            (
                vec![("holidays.0.from", "2027-10-01")],
                "holiday-error-0",
                "请填写节日名称",
            ),
        ];
        for (rows, id, message) in &cases {
            let mut fields = vec![("year", "2027")];
            fields.extend(rows.iter().copied());
            let r = post_calendar(&s, &o.admin, &fields);
            assert_eq!(r.status, 422, "{}: {rows:?}: {}", db.name, r.text);
            let e = row_error(&r.text, id);
            assert!(e.contains(message), "{rows:?}: {e}");
            for (name, value) in rows {
                assert!(
                    r.text
                        .contains(&format!("name=\"{name}\" value=\"{value}\"")),
                    "{name} kept: {}",
                    r.text
                );
            }
            assert!(!r.text.contains("id=\"calendar-preview\""));
            assert_eq!(last_year(&s, &o.admin), 2026, "nothing stored: {rows:?}");
        }

        // The TOML text, the advanced way: the parser's error in Chinese, with its place.
        let r = post_calendar(
            &s,
            &o.admin,
            &[("year", "2027"), ("toml", "[[year]]\nyear 2027\n")],
        );
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(r.text.contains("第 2 行第 6 列：格式不正确"), "{}", r.text);
        assert!(!r.text.contains("TOML parse error"), "{}", r.text);
        assert!(!r.text.contains("expected `=`"), "{}", r.text);
        assert_eq!(last_year(&s, &o.admin), 2026);

        // A good year (hypothetical figures): New Year's Day with its Monday in lieu, the Spring
        // Festival typed as 2027/2/6, one make-up day. The preview names the case that moves.
        let good = [
            ("year", "2027"),
            (
                "source",
                "国务院办公厅关于2027年部分节假日安排的通知（测试）",
            ),
            ("holidays.0.name", "元旦"),
            ("holidays.0.from", "2027-01-01"),
            ("holidays.0.to", "2027-01-04"),
            ("holidays.1.name", "春节"),
            ("holidays.1.from", "2027/2/6"),
            ("holidays.1.to", "2027-02-12"),
            ("makeup.0", "2027-02-20"),
        ];
        let r = post_calendar(&s, &o.admin, &good);
        assert_eq!(r.status, 200, "{}: {}", db.name, r.text);
        let at = r
            .text
            .find("id=\"calendar-preview\"")
            .unwrap_or_else(|| panic!("{}", r.text));
        let preview = &r.text[at..];
        assert!(preview.contains("1 件的答复期限将改变"), "{preview}");
        assert!(
            preview.contains(&format!("/staff/cases/{case}")),
            "{preview}"
        );
        assert!(preview.contains("2027-01-05"), "{preview}");
        // The rows stay in the form under the preview.
        assert!(
            r.text
                .contains("name=\"holidays.1.from\" value=\"2027/2/6\"")
        );
        assert_eq!(last_year(&s, &o.admin), 2026, "a preview stores nothing");
        // Confirmed with the text the preview showed.
        let toml = preview
            .split("name=\"toml\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .replace("&quot;", "\"")
            .replace("&#34;", "\"")
            .replace("&#x22;", "\"")
            .replace("&#10;", "\n")
            .replace("&amp;", "&");
        let r = post_calendar(
            &s,
            &o.admin,
            &[("year", "2027"), ("toml", &toml), ("confirm", "1")],
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(r.text.contains("2027 年日历已启用"), "{}", r.text);
        assert_eq!(last_year(&s, &o.admin), 2027);
        let years = s.get("/api/v1/admin/calendar", Some(&o.admin)).body;
        let y2027 = years.as_array().unwrap().last().unwrap().clone();
        assert_eq!(
            y2027["holidays"],
            json!([
                "元旦：2027-01-01 至 2027-01-04",
                "春节：2027-02-06 至 2027-02-12"
            ]),
            "{y2027}"
        );
        assert_eq!(y2027["makeup"], json!(["2027-02-20"]));
        let detail = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body;
        let due = &detail["summary"];
        assert_eq!(due["due_date"], "2027-01-05", "{detail}");
        assert_eq!(due["provisional"], false, "{detail}");
    }
}
