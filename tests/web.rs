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

#[test]
fn the_paper_form_prints_as_a_page_and_downloads_as_a_word_file() {
    for db in databases("paper-form") {
        let s = start(&db);
        let _office = office(&s);
        // The printable page opens in the browser (not a download of an .html file).
        let page = s.req("GET", "/apply/form", None).call().unwrap();
        assert_eq!(page.header("Content-Disposition"), None);
        let html = page.into_string().unwrap();
        assert!(html.contains("政府信息公开申请表"), "{html}");
        assert!(html.contains("href=\"/apply/form.docx\""), "{html}");
        assert!(html.contains("□ 居民身份证"), "{html}");
        // A natural person's documents only: the credit code has its own line.
        assert!(!html.contains("□ 统一社会信用代码"), "{html}");
        // The office's one agency is written in as 受理机关.
        assert!(html.contains("<td>某市人民政府</td>"), "{html}");
        // The Word file: a .docx (a zip) with its Chinese file name.
        let docx = s.req("GET", "/apply/form.docx", None).call().unwrap();
        assert_eq!(
            docx.content_type(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        );
        let disposition = docx.header("Content-Disposition").unwrap().to_owned();
        assert!(disposition.starts_with("attachment"), "{disposition}");
        assert!(disposition.contains(".docx"), "{disposition}");
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut docx.into_reader(), &mut bytes).unwrap();
        assert!(bytes.starts_with(b"PK"), "not a .docx");
        // The guide offers both.
        let guide = s
            .req("GET", "/", None)
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        assert!(guide.contains("href=\"/apply/form\""), "{guide}");
        assert!(guide.contains("href=\"/apply/form.docx\""), "{guide}");
    }
}

/// A staff page as the browser gets it: (status, HTML).
fn page(s: &Server, token: &str, path: &str) -> (u16, String) {
    let (status, _, html) = finish_text(
        ureq::get(&s.url(path))
            .set("Accept", "text/html")
            .set("Cookie", &format!("gongkai_session={token}"))
            .call(),
    );
    (status, html)
}

/// The part of `html` from `start` to the first `end` after it.
fn section<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("no {start} in {html}"));
    let rest = &html[from..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// Online filings awaiting confirmation show their submission date and wait in the queue; the
/// supervisor's dashboard counts (and lists) those waiting more than
/// `supervision.pending_registration_days` working days, in his departments only.
#[test]
fn supervision_sees_online_filings_awaiting_confirmation() {
    for db in databases("web-awaiting") {
        let s = start_with(
            &db,
            &[("GONGKAI_SUPERVISION__PENDING_REGISTRATION_DAYS", "2")],
        );
        let o = office(&s);
        let other_supervisor = staff(&s, &o.admin, "super9", "supervisor", "gk-zjw");
        let file = || {
            let r = s.post("/api/v1/requests", None, filing());
            assert_eq!(r.status, 201, "{}", r.body);
            r.body["case_id"].as_str().unwrap().to_owned()
        };
        let fresh = file();
        let old = file();
        // Filed a month ago and never confirmed.
        db.sql(&format!(
            "UPDATE cases SET created_at = '2026-11-02 02:00:00' WHERE id = '{old}'"
        ));

        let (status, html) = page(&s, &o.clerk, "/staff/queue?status=received");
        assert_eq!(status, 200, "{html}");
        let row = section(&html, &format!("/staff/cases/{old}"), "</tr>");
        assert!(row.contains("待登记（2026-11-02 提交）"), "{row}");
        assert!(
            row.contains("已等待 ") && row.contains(" 个工作日"),
            "{row}"
        );
        let row = section(&html, &format!("/staff/cases/{fresh}"), "</tr>");
        assert!(row.contains("已等待 0 个工作日"), "{row}");
        let (_, html) = page(&s, &o.clerk, &format!("/staff/cases/{old}"));
        assert!(
            html.contains("待登记确认（2026-11-02 网上提交，已等待 "),
            "{html}"
        );

        let (status, html) = page(&s, &o.supervisor, "/staff/dashboard");
        assert_eq!(status, 200, "{html}");
        assert!(html.contains("待登记超过 2 个工作日"), "{html}");
        assert!(
            html.contains("id=\"awaiting-count\">1</div>"),
            "{}: {html}",
            db.name
        );
        let listed = section(&html, "id=\"awaiting-registration\"", "</table>");
        assert!(listed.contains(&format!("/staff/cases/{old}")), "{listed}");
        assert!(
            !listed.contains(&format!("/staff/cases/{fresh}")),
            "{listed}"
        );
        // Another department's supervisor neither counts nor sees them.
        let (_, html) = page(&s, &other_supervisor, "/staff/dashboard");
        assert!(html.contains("id=\"awaiting-count\">0</div>"), "{html}");
        assert!(!html.contains(&old), "{html}");
    }
}

/// The case page shows every text in full (a long one folded under its first line), fills the
/// reply form with a returned draft, shows the reply letter inside the approval form before
/// the reviewer approves, and after approval shows the reply instead of the draft and the
/// return; the applicant's status stays 办理中 after a correction.
#[test]
fn the_case_page_keeps_texts_drafts_and_shows_the_letter_before_approval() {
    for db in databases("web-case-page") {
        let s = start(&db);
        let o = office(&s);
        let mut body = filing();
        let description = format!(
            "{}（申请内容结尾标记）",
            "2025年本市老旧小区改造项目清单及资金安排".repeat(6)
        );
        body["request"]["description"] = json!(description);
        let r = s.post("/api/v1/requests", None, body);
        assert_eq!(r.status, 201, "{}", r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let reference = r.body["reference"].as_str().unwrap().to_owned();
        let code = r.body["query_code"].as_str().unwrap().to_owned();
        let v = step(&s, &o.clerk, &case, "register", 1, json!({}));
        let v = step(&s, &o.clerk, &case, "start_processing", v, json!({}));
        let v = step(
            &s,
            &o.clerk,
            &case,
            "request_correction",
            v,
            json!({"items": ["请写明项目所在区"]}),
        );
        let status = |s: &Server| {
            let r = s.post(
                "/api/v1/lookup",
                None,
                json!({"reference": reference, "query_code": code}),
            );
            assert_eq!(r.status, 200, "{}", r.body);
            r.body["status_label"].as_str().unwrap().to_owned()
        };
        assert_eq!(status(&s), "办理中");
        let correction = format!(
            "补正：项目位于东城区。{}\n第二行：另需2024年的清单（补正结尾标记）",
            "所需信息为各小区的改造内容和资金来源".repeat(5)
        );
        let v = step(
            &s,
            &o.clerk,
            &case,
            "receive_correction",
            v,
            json!({"content": correction}),
        );
        // The applicant's request goes on being handled.
        assert_eq!(status(&s), "办理中");

        let (code_200, html) = page(&s, &o.clerk, &format!("/staff/cases/{case}"));
        assert_eq!(code_200, 200, "{html}");
        let timeline = section(&html, "id=\"timeline\"", "</ol>");
        assert!(
            timeline.contains("第二行：另需2024年的清单（补正结尾标记）"),
            "{timeline}"
        );
        assert!(
            timeline.contains("<details class=\"fold\"><summary>收到补正：补正：项目位于东城区。"),
            "{timeline}"
        );
        assert!(timeline.contains("（申请内容结尾标记）"), "{timeline}");
        let described = section(&html, "id=\"description\"", "</dd>");
        assert!(described.contains(&description), "{described}");

        // A draft, returned: the form comes back filled with every field.
        let v = step(&s, &o.clerk, &case, "start_processing", v, json!({}));
        let not_held = json!({"kind": "cannot_provide", "ground": "not_held"});
        let v = step(
            &s,
            &o.clerk,
            &case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": not_held, "text": "该信息由区住房和城乡建设局制作（初稿）",
                             "not_held": "not_this_agency",
                             "competent_agency": "某区住房和城乡建设局",
                             "competent_agency_contact": "电话 010-00000000"}}),
        );
        let v = step(&s, &o.clerk, &case, "submit_for_review", v, json!({}));
        let v = step(
            &s,
            &o.supervisor,
            &case,
            "return_reply",
            v,
            json!({"reason": "请写明该局的地址"}),
        );
        let (_, html) = page(&s, &o.clerk, &format!("/staff/cases/{case}"));
        assert!(html.contains("id=\"returned\""), "{html}");
        let form = section(&html, "id=\"action-draft_reply\"", "</details>");
        assert!(
            form.contains("<option value=\"cannot_provide/not_held\" selected>"),
            "{form}"
        );
        assert!(
            form.contains("<option value=\"not_this_agency\" selected>"),
            "{form}"
        );
        assert!(
            form.contains(">该信息由区住房和城乡建设局制作（初稿）</textarea>"),
            "{form}"
        );
        assert!(form.contains("value=\"某区住房和城乡建设局\""), "{form}");
        assert!(form.contains("value=\"电话 010-00000000\""), "{form}");

        // Redrafted and submitted: the reviewer reads the letter inside the approval form.
        let v = step(
            &s,
            &o.clerk,
            &case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": not_held, "text": "该信息由区住房和城乡建设局制作（修改稿）",
                             "not_held": "not_this_agency",
                             "competent_agency": "某区住房和城乡建设局",
                             "competent_agency_contact": "某区建设路1号，电话 010-00000000"}}),
        );
        let v = step(&s, &o.clerk, &case, "submit_for_review", v, json!({}));
        let (_, html) = page(&s, &o.clerk, &format!("/staff/cases/{case}"));
        assert!(
            !html.contains("id=\"reply-preview\""),
            "only reviewers: {html}"
        );
        let (_, html) = page(&s, &o.supervisor, &format!("/staff/cases/{case}"));
        let approve = section(&html, "id=\"action-approve_reply\"", "</details>");
        let letter = section(approve, "id=\"reply-preview\"", "</pre>");
        // The approval form is closed until the reviewer opens it, the letter above its button.
        assert_eq!(
            section(&html, "id=\"action-approve_reply\"", ">"),
            "id=\"action-approve_reply\""
        );
        for words in [
            "非本机关负责公开告知书",
            "张三",
            "该信息由区住房和城乡建设局制作（修改稿）",
            "某区建设路1号",
        ] {
            assert!(letter.contains(words), "{words}: {letter}");
        }
        assert!(
            approve.find("reply-preview") < approve.find("<button type=\"submit\""),
            "{approve}"
        );

        step(&s, &o.supervisor, &case, "approve_reply", v, json!({}));
        let (_, html) = page(&s, &o.clerk, &format!("/staff/cases/{case}"));
        assert!(html.contains("id=\"reply\""), "{html}");
        assert!(!html.contains("id=\"returned\""), "{html}");
        assert!(!html.contains("id=\"draft\""), "{html}");
        assert!(!html.contains("id=\"reply-preview\""), "{html}");
    }
}

/// Every page names its icon, and /favicon.ico answers with it.
#[test]
fn the_site_icon_is_served() {
    let db = databases("web-icon").remove(0);
    let s = start(&db);
    let (status, _, html) = finish_text(ureq::get(&s.url("/")).call());
    assert_eq!(status, 200);
    assert!(html.contains("<link rel=\"icon\" href=\"/static/favicon.svg\""));
    for path in ["/favicon.ico", "/static/favicon.svg"] {
        let (status, headers, body) = finish_text(ureq::get(&s.url(path)).call());
        assert_eq!(status, 200, "{path}");
        assert!(
            headers
                .iter()
                .any(|(k, v)| k == "content-type" && v.starts_with("image/svg+xml")),
            "{headers:?}"
        );
        assert!(body.starts_with("<svg"), "{body}");
    }
}

/// A page as the signed-in `token` sees it.
fn signed_in_page(s: &Server, path: &str, token: &str) -> Reply {
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
            let r = signed_in_page(&s, path, token);
            assert_eq!(r.status, 200, "{}: {path}: {}", db.name, r.text);
            assert_eq!(banner(&r.text), None, "{path} before November");
        }
        drop(s);

        let s = start_with(&db, &[("GONGKAI_TEST_TODAY", "2026-11-01")]);
        for path in ["/admin", "/admin/calendar", "/staff/queue"] {
            let r = signed_in_page(&s, path, &o.admin);
            assert_eq!(r.status, 200, "{}: {path}: {}", db.name, r.text);
            let b = banner(&r.text).unwrap_or_else(|| panic!("{path}: {}", r.text));
            assert!(b.contains("2027 年节假日安排尚未载入"), "{b}");
            assert!(b.contains("href=\"/admin/calendar\""), "{b}");
        }
        for path in ["/staff/dashboard", "/staff/queue"] {
            let r = signed_in_page(&s, path, &o.supervisor);
            assert_eq!(r.status, 200, "{}: {path}: {}", db.name, r.text);
            let b = banner(&r.text).unwrap_or_else(|| panic!("{path}: {}", r.text));
            assert!(b.contains("2027 年节假日安排尚未载入"), "{b}");
            // Supervisors cannot load it: they are asked to tell an admin.
            assert!(!b.contains("href="), "{b}");
            assert!(b.contains("系统管理员"), "{b}");
        }
        let r = signed_in_page(&s, "/staff/queue", &o.clerk);
        assert_eq!(
            banner(&r.text),
            None,
            "clerks see the provisional mark on each date"
        );
        drop(s);

        // A year begun without its notice is named, and from November the next one too.
        let s = start_with(&db, &[("GONGKAI_TEST_TODAY", "2027-03-01")]);
        let r = signed_in_page(&s, "/admin", &o.admin);
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
        let r = signed_in_page(&s, "/admin", &o.admin);
        assert_eq!(banner(&r.text), None, "2027 is loaded");
        drop(s);
        let s = start_with(&db, &[("GONGKAI_TEST_TODAY", "2027-11-01")]);
        let r = signed_in_page(&s, "/staff/dashboard", &o.supervisor);
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

/// Whether the CJK font the letter PDF needs is here; without it the test says so and skips,
/// unless GONGKAI_TEST_REQUIRE_BROWSER=1 (CI installs fonts-noto-cjk).
fn cjk_font_installed() -> bool {
    let found = gongkai_documents::Font::find_default().is_some();
    if !found {
        assert!(
            std::env::var("GONGKAI_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
            "no CJK font: install fonts-noto-cjk"
        );
        eprintln!("skipped: no CJK font for the letter PDF (install fonts-noto-cjk)");
    }
    found
}

/// The bytes of a GET (status, Content-Type, Content-Disposition, body).
fn download(
    s: &Server,
    path: &str,
    bearer: Option<&str>,
    cookie: Option<&str>,
) -> (u16, String, String, Vec<u8>) {
    let mut r = s.req("GET", path, bearer);
    if let Some(t) = cookie {
        r = r.set("Cookie", &format!("gongkai_session={t}"));
    }
    bytes_of(r.call())
}

/// A disclosed reply's notice downloads as the reply letter's PDF for the case's staff and for
/// the applicant (their own page), 404 for another department's clerk; without a font the
/// download is a 503 naming what to install, and the printable page still works.
#[test]
fn the_reply_letter_downloads_as_pdf_for_the_case_staff_and_the_applicant() {
    if !cjk_font_installed() {
        return;
    }
    for db in databases("letter-pdf") {
        let s = start(&db);
        let o = office(&s);
        let alice = applicant(&s, "alice");
        let r = s.post("/api/v1/requests", Some(&alice), filing());
        assert_eq!(r.status, 201, "{}", r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let mut v = step(&s, &o.clerk, &case, "register", 1, json!({}));
        v = step(&s, &o.clerk, &case, "start_processing", v, json!({}));
        let up = s.raw(
            &format!("/api/v1/cases/{case}/attachments?filename=list.txt"),
            Some(&o.clerk),
            "text/plain",
            "改造项目清单".as_bytes(),
        );
        assert_eq!(up.status, 201, "{}", up.body);
        v = step(
            &s,
            &o.clerk,
            &case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": {"kind": "disclosed"},
                             "text": "经审查，改造项目清单予以公开。",
                             "release": [{"kind": "document", "title": "老旧小区改造项目清单",
                                          "document_number": "某建〔2025〕3号", "pages": 4,
                                          "form": "electronic",
                                          "file": {"attachment": up.body["id"]}}]}}),
        );
        v = step(
            &s,
            &o.supervisor,
            &case,
            "record_secrecy_review",
            v,
            json!({"conclusion": "may_disclose", "basis": "不涉及国家秘密"}),
        );
        v = step(&s, &o.clerk, &case, "submit_for_review", v, json!({}));
        step(&s, &o.supervisor, &case, "approve_reply", v, json!({}));
        // The reply notice, once the dispatcher has written it.
        let notice = gongkai_testkit::wait_until(
            "the reply notice is written",
            std::time::Duration::from_secs(30),
            || {
                let n = s.get(&format!("/api/v1/cases/{case}/notices"), Some(&o.clerk));
                assert_eq!(n.status, 200, "{}", n.body);
                n.body
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|n| n["kind"] == "reply.disclosed" && n["subject"].is_string())
                    .map(|n| n["id"].as_str().unwrap().to_owned())
                    .ok_or(n.body)
            },
        );

        let staff_path = format!("/api/v1/notices/{notice}/pdf");
        let (status, kind, disposition, pdf) = download(&s, &staff_path, Some(&o.clerk), None);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&pdf));
        assert_eq!(kind, "application/pdf");
        assert!(pdf.starts_with(b"%PDF"));
        // attachment; filename*=UTF-8''政府信息公开申请答复书… (RFC 5987)
        assert!(disposition.starts_with("attachment"), "{disposition}");
        assert!(
            disposition.contains(
                "filename*=UTF-8''%E6%94%BF%E5%BA%9C%E4%BF%A1%E6%81%AF%E5%85%AC%E5%BC%80%E7%94%B3%E8%AF%B7%E7%AD%94%E5%A4%8D%E4%B9%A6"
            ),
            "{disposition}"
        );
        if let Ok(out) = std::process::Command::new("pdftotext")
            .args(["-", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(&pdf)?;
                child.wait_with_output()
            })
        {
            let text: String = String::from_utf8_lossy(&out.stdout)
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            for expected in [
                "政府信息公开申请答复书（予以公开）",
                "老旧小区改造项目清单",
                "某建〔2025〕3号",
                "（印章）",
                "第1页共1页",
            ] {
                assert!(text.contains(expected), "{expected} missing: {text}");
            }
        }
        // Another department's clerk: as for a missing notice.
        let (status, ..) = download(&s, &staff_path, Some(&o.other_clerk), None);
        assert_eq!(status, 404);

        // The applicant, from their request's page.
        let page = s
            .req("GET", &format!("/my/{case}"), None)
            .set("Cookie", &format!("gongkai_session={alice}"))
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        let mine = format!("/my/{case}/notices/{notice}/pdf");
        assert!(page.contains(&mine) && page.contains("下载 PDF"), "{page}");
        let (status, kind, _, pdf) = download(&s, &mine, None, Some(&alice));
        assert_eq!(status, 200);
        assert_eq!(kind, "application/pdf");
        assert!(pdf.starts_with(b"%PDF"));
        // Another applicant does not reach it.
        let bob = applicant(&s, "bob");
        let (status, ..) = download(&s, &mine, None, Some(&bob));
        assert_eq!(status, 404);
        drop(s);

        // Without the font: 503 with its code, and the printable page still works.
        let s = start_with(
            &db,
            &[("GONGKAI_DOCUMENTS__CJK_FONT", "/nonexistent/font.ttc")],
        );
        let r = s.get(&staff_path, Some(&o.clerk));
        refused(&r, 503, "pdf_font_unavailable");
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .contains("fonts-noto-cjk"),
            "{}",
            r.body
        );
        let r = s.get(&format!("/api/v1/notices/{notice}/print"), Some(&o.clerk));
        assert_eq!(r.status, 200);
        let log = std::fs::read_to_string(db.dir.join("serve.log")).unwrap();
        assert!(log.contains("no CJK font"), "{log}");
    }
}
