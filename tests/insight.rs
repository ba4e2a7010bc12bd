//! End-to-end: staff search, monthly statistics, the annual report with table 四 (from
//! reconsideration and litigation records entered on a case), frequent-request groups and
//! supervisors' marks, the similar-request hint — over the JSON API and the web pages, on
//! SQLite and (with GONGKAI_TEST_DATABASE_URL) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use chrono::Datelike;
use serde_json::{Value, json};
use support::databases;
use support::server::*;

/// A filing by `name` (phone `phone`) about `what`.
fn filing_of(name: &str, phone: &str, what: &str) -> Value {
    let mut f = filing();
    f["applicant"]["name"] = json!(name);
    f["applicant"]["phone"] = json!(phone);
    // One identity number per phone (valid under GB 11643), so the same phone is the same
    // applicant whichever key finds them.
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let last7 = format!("{:0>7}", &digits[digits.len().saturating_sub(7)..]);
    let first17 = format!("11{}19900101{}", &last7[..4], &last7[4..]);
    let check = gongkai_workflow::model::resident_id_check(&first17).unwrap();
    f["applicant"]["id_document"] = json!(format!("{first17}{check}"));
    f["applicant"]["email"] = Value::Null;
    f["request"]["description"] = json!(what);
    f["request"]["delivery"] = json!("post");
    f["applicant"]["address"] = json!("北京市朝阳区某路1号");
    f
}

/// Files and registers a request; returns (case id, tracking number, version).
fn filed(s: &Server, clerk: &str, name: &str, phone: &str, what: &str) -> (String, String, u64) {
    let r = s.post("/api/v1/requests", None, filing_of(name, phone, what));
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.body["case_id"].as_str().unwrap().to_owned();
    let v = step(s, clerk, &case, "register", 1, json!({}));
    let detail = s.get(&format!("/api/v1/cases/{case}"), Some(clerk));
    let tracking = detail.body["summary"]["tracking_number"]
        .as_str()
        .unwrap()
        .to_owned();
    (case, tracking, v)
}

fn items(r: &Reply) -> Vec<String> {
    let mut v: Vec<String> = r.body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("{}", r.body))
        .iter()
        .map(|i| i["case"]["id"].as_str().unwrap().to_owned())
        .collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// A page fetched with the session cookie of `token`: (status, content type, body bytes).
fn page(s: &Server, token: &str, path: &str) -> (u16, String, Vec<u8>) {
    let r = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(30))
        .build()
        .get(&s.url(path))
        .set("Accept", "text/html")
        .set("Cookie", &format!("gongkai_session={token}"))
        .call();
    let r = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{e}"),
    };
    let status = r.status();
    let ct = r.header("content-type").unwrap_or("").to_owned();
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut r.into_reader(), &mut bytes).unwrap();
    (status, ct, bytes)
}

fn html(s: &Server, token: &str, path: &str) -> String {
    let (status, _, bytes) = page(s, token, path);
    let text = String::from_utf8(bytes).unwrap();
    assert_eq!(status, 200, "{path}: {text}");
    text
}

fn post_form(s: &Server, token: &str, path: &str, pairs: &[(&str, &str)]) -> (u16, String) {
    let r = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(30))
        .build()
        .post(&s.url(path))
        .set("Cookie", &format!("gongkai_session={token}"))
        .send_form(pairs);
    match r {
        Ok(r) => (r.status(), r.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(code, r)) => (code, r.into_string().unwrap_or_default()),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn search_statistics_reports_and_frequent_requests() {
    for db in databases("api-insight") {
        let s = start(&db);
        let o = office(&s);
        let day = gongkai_workflow::clock::legal_date(chrono::Utc::now());
        let (year, today) = (day.year(), day.to_string());
        let (a, ta, va) = filed(
            &s,
            &o.clerk,
            "张三",
            "13800000001",
            "申请公开望京街道老旧小区改造项目的招标文件和中标结果",
        );
        let (b, tb, vb) = filed(
            &s,
            &o.clerk,
            "李四",
            "13800000002",
            "请公开：望京街道老旧小区改造项目招标文件及中标结果。",
        );
        let (c, tc, _) = filed(
            &s,
            &o.clerk,
            "张三",
            "138-0000-0001",
            "请公开望京街道老旧小区改造项目的招标文件、中标结果",
        );
        let (d, _, _) = filed(&s, &o.clerk, "王五", "13800000003", "本市财政决算报告全文");
        // a is answered.
        let v = step(&s, &o.clerk, &a, "start_processing", va, json!({}));
        let v = step(
            &s,
            &o.clerk,
            &a,
            "draft_reply",
            v,
            json!({"reply": {"outcome": {"kind": "disclosed"},
            "text": "相关招标公告已在政府网站公开，现予提供。",
            "release": gongkai_testkit::release_json()}}),
        );
        let v = step(
            &s,
            &o.supervisor,
            &a,
            "record_secrecy_review",
            v,
            gongkai_testkit::secrecy_review_json(),
        );
        let v = step(&s, &o.clerk, &a, "submit_for_review", v, json!({}));
        let v = step(&s, &o.supervisor, &a, "approve_reply", v, json!({}));

        // Search: within the clerk's departments, names, requests and replies, all words.
        let q = |token: &str, query: &str| {
            s.get(
                &format!("/api/v1/search?q={}", urlencode(query)),
                Some(token),
            )
        };
        assert_eq!(
            items(&q(&o.clerk, "望京街道")),
            sorted(vec![a.clone(), b.clone(), c.clone()]),
            "{}",
            db.name
        );
        assert_eq!(
            items(&q(&o.clerk, "招标")),
            sorted(vec![a.clone(), b.clone(), c.clone()]),
            "{}",
            db.name
        );
        assert_eq!(items(&q(&o.clerk, "李四")), vec![b.clone()], "{}", db.name);
        assert_eq!(
            items(&q(&o.clerk, "招标公告")),
            vec![a.clone()],
            "{}",
            db.name
        );
        assert_eq!(items(&q(&o.clerk, "望京 决算")), Vec::<String>::new());
        assert_eq!(items(&q(&o.clerk, "财政决算")), vec![d.clone()]);
        assert!(
            items(&q(&o.other_clerk, "望京街道")).is_empty(),
            "another department sees nothing"
        );
        let r = s.get("/api/v1/search?q=%20&status=replied", Some(&o.clerk));
        refused(&r, 422, "invalid_input");
        assert_eq!(r.body["errors"][0]["path"], "q", "{}", r.body);
        let r = s.get(
            &format!("/api/v1/search?q={}", "字".repeat(101)),
            Some(&o.clerk),
        );
        assert_eq!(r.status, 422);
        let r = s.get("/api/v1/search?q=%E6%9C%9B&status=nope", Some(&o.clerk));
        assert_eq!(r.status, 400, "{}", r.body);
        let replied = s.get(
            &format!("/api/v1/search?q={}&status=replied", urlencode("望京街道")),
            Some(&o.clerk),
        );
        assert_eq!(items(&replied), vec![a.clone()]);
        let applicant = applicant(&s, "someone");
        assert_eq!(q(&applicant, "望京街道").status, 403);

        // Monthly statistics: supervisors and admins.
        let st = s.get(
            &format!("/api/v1/statistics/monthly?year={year}"),
            Some(&o.supervisor),
        );
        assert_eq!(st.status, 200, "{}", st.body);
        let whole = st.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["month"] == 0 && r["department"] == "gk-gkb")
            .unwrap()
            .clone();
        assert_eq!(
            (
                whole["received"].as_u64(),
                whole["replied"].as_u64(),
                whole["on_time"].as_u64()
            ),
            (Some(4), Some(1), Some(1)),
            "{}",
            st.body
        );
        assert_eq!(whole["outcomes"]["disclosed"], 1);
        assert_eq!(
            s.get("/api/v1/statistics/monthly", Some(&o.clerk)).status,
            403
        );
        assert_eq!(
            s.get("/api/v1/statistics/monthly?year=1999", Some(&o.supervisor))
                .status,
            422
        );

        // Reconsideration and litigation recorded on a's case feed table 四.
        let v = step(
            &s,
            &o.clerk,
            &a,
            "record_remedy",
            v,
            json!({"remedy": {
            "kind": "reconsideration", "body": "某市人民政府", "filed_on": today}}),
        );
        let bad = act(
            &s,
            &o.clerk,
            &a,
            "record_remedy",
            v,
            json!({"remedy": {
            "kind": "reconsideration", "body": "某市人民政府", "filed_on": today, "result": "upheld"}}),
        );
        refused(&bad, 422, "invalid_input");
        let bad = act(
            &s,
            &o.clerk,
            &a,
            "record_remedy",
            v,
            json!({"remedy": {
            "kind": "appeal", "body": "某法院", "filed_on": today}}),
        );
        assert_eq!(bad.status, 422, "{}", bad.body);
        let bad = act(
            &s,
            &o.clerk,
            &a,
            "decide_remedy",
            v,
            json!({"remedy": 5, "result": "upheld", "decided_on": today}),
        );
        refused(&bad, 422, "remedy_not_found");
        let v = step(
            &s,
            &o.clerk,
            &a,
            "decide_remedy",
            v,
            json!({"remedy": 1, "result": "upheld", "decided_on": today}),
        );
        let again = act(
            &s,
            &o.clerk,
            &a,
            "decide_remedy",
            v,
            json!({"remedy": 1, "result": "other", "decided_on": today}),
        );
        refused(&again, 409, "remedy_already_decided");
        let v = step(
            &s,
            &o.clerk,
            &a,
            "record_remedy",
            v,
            json!({"remedy": {
            "kind": "litigation", "after_reconsideration": true, "body": "某区人民法院", "filed_on": today}}),
        );
        let report = s.get(
            &format!("/api/v1/reports/annual?year={year}"),
            Some(&o.supervisor),
        );
        assert_eq!(report.status, 200, "{}", report.body);
        assert_eq!(
            report.body["table4"]["行政复议"],
            json!([1, 0, 0, 0, 1]),
            "{}",
            db.name
        );
        assert_eq!(
            report.body["table4"]["行政诉讼（复议后起诉）"],
            json!([0, 0, 0, 1, 1])
        );
        assert_eq!(report.body["table3"][0]["counts"][6], 4);
        assert_eq!(
            s.get(
                &format!("/api/v1/reports/annual?year={year}&department=gk-zjw"),
                Some(&o.supervisor)
            )
            .status,
            404
        );
        let _ = v;

        // Frequent requests: a, b and c are one group; d is alone.
        let f = s.get("/api/v1/frequent?min=3", Some(&o.supervisor));
        assert_eq!(f.status, 200, "{}", f.body);
        let groups = f.body["groups"].as_array().unwrap();
        assert_eq!(groups.len(), 1, "{}: {}", db.name, f.body);
        // 张三 twice (the same phone, written two ways) and 李四: two applicants.
        assert_eq!(groups[0]["applicants"], 2, "{}", f.body);
        let members: Vec<String> = groups[0]["requests"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["case_id"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(
            sorted(members.clone()),
            sorted(vec![a.clone(), b.clone(), c.clone()])
        );
        assert_eq!(
            s.get("/api/v1/frequent?min=1", Some(&o.supervisor)).status,
            422
        );
        assert_eq!(
            s.get("/api/v1/frequent?from=2026-02-30", Some(&o.supervisor))
                .status,
            400
        );
        let mark =
            json!({"from": f.body["from"], "to": f.body["to"], "case_ids": members, "note": " "});
        let r = s.post("/api/v1/frequent/marks", Some(&o.supervisor), mark.clone());
        refused(&r, 422, "invalid_input");
        let mut good = mark.clone();
        good["note"] = json!("建议将招标文件和中标结果主动公开");
        assert_eq!(
            s.post("/api/v1/frequent/marks", Some(&o.clerk), good.clone())
                .status,
            403
        );
        let mut foreign = good.clone();
        foreign["case_ids"] = json!([a, "no-such-case"]);
        assert_eq!(
            s.post("/api/v1/frequent/marks", Some(&o.supervisor), foreign)
                .status,
            404
        );
        let r = s.post("/api/v1/frequent/marks", Some(&o.supervisor), good);
        assert_eq!(r.status, 201, "{}", r.body);
        let marks = s.get("/api/v1/frequent/marks", Some(&o.supervisor));
        assert_eq!(marks.body.as_array().unwrap().len(), 1);
        // The clerk on c sees a (same applicant, answered) and b, and the mark.
        let like = s.get(&format!("/api/v1/cases/{c}/similar"), Some(&o.clerk));
        assert_eq!(like.status, 200, "{}", like.body);
        let similar = like.body["similar"].as_array().unwrap();
        assert_eq!(similar.len(), 2, "{}", like.body);
        assert_eq!(similar[0]["request"]["case_id"], a.as_str());
        assert_eq!(similar[0]["same_applicant"], true);
        assert_eq!(like.body["marks"].as_array().unwrap().len(), 1);
        assert_eq!(
            s.get(&format!("/api/v1/cases/{c}/similar"), Some(&o.other_clerk))
                .status,
            404
        );
        // Online filings carry an identity document (issue 18): the same one here.
        assert_eq!(
            similar[0]["same_document"], true,
            "same identity document: the same applicant"
        );

        // The same on the web pages.
        let queue = html(
            &s,
            &o.clerk,
            &format!("/staff/queue?q={}", urlencode("望京街道")),
        );
        assert!(
            queue.contains(&ta) && queue.contains(&tb) && queue.contains(&tc),
            "{queue}"
        );
        // An overlong query: the error next to the search field, no results.
        let queue = html(
            &s,
            &o.clerk,
            &format!("/staff/queue?q={}", urlencode(&"字".repeat(101))),
        );
        assert!(queue.contains("检索词最长 100 个字符"), "{queue}");
        let case_page = html(&s, &o.clerk, &format!("/staff/cases/{c}"));
        assert!(
            case_page.contains("相近的申请")
                && case_page.contains("同一申请人已获答复")
                && !case_page.contains("可能为同一申请人"),
            "{case_page}"
        );
        assert!(case_page.contains("第三十六条第（六）项"), "{case_page}");
        assert!(case_page.contains("建议主动公开"));
        let a_page = html(&s, &o.clerk, &format!("/staff/cases/{a}"));
        assert!(a_page.contains("行政诉讼（复议后起诉）") && a_page.contains("登记复议/诉讼结果"));
        let stats = html(&s, &o.supervisor, &format!("/staff/stats?year={year}"));
        assert!(
            stats.contains("<svg") && stats.contains("政务公开办"),
            "{stats}"
        );
        let (status, ct, csv) = page(&s, &o.supervisor, &format!("/staff/stats.csv?year={year}"));
        assert_eq!((status, ct.starts_with("text/csv")), (200, true));
        let csv = String::from_utf8(csv).unwrap();
        assert!(
            csv.starts_with("\u{FEFF}部门,月份,收到,"),
            "a BOM for Excel, then the header: {csv}"
        );
        assert!(csv.contains("政务公开办,全年,4,1,1,1,0,"), "{csv}");
        let report_page = html(&s, &o.supervisor, &format!("/staff/report?year={year}"));
        assert!(report_page.contains("四、政府信息公开行政复议、行政诉讼情况"));
        let (status, ct, xlsx) = page(
            &s,
            &o.supervisor,
            &format!("/staff/report.xlsx?year={year}"),
        );
        assert_eq!(status, 200);
        assert!(ct.starts_with("application/vnd.openxmlformats"), "{ct}");
        assert_eq!(&xlsx[..2], b"PK");
        let frequent = html(&s, &o.supervisor, "/staff/frequent?min=3");
        assert!(frequent.contains("已建议主动公开"), "{frequent}");
        let (status, _, freq_csv) = page(&s, &o.supervisor, "/staff/frequent.csv?min=2");
        assert_eq!(status, 200);
        assert!(
            String::from_utf8(freq_csv)
                .unwrap()
                .contains("建议将招标文件和中标结果主动公开")
        );
        // A mark posted without the form token changes nothing.
        let (status, _) = post_form(
            &s,
            &o.supervisor,
            "/staff/frequent/marks",
            &[("from", "2026-01-01")],
        );
        assert_eq!(status, 403);
        assert_eq!(
            s.get("/api/v1/frequent/marks", Some(&o.supervisor))
                .body
                .as_array()
                .unwrap()
                .len(),
            1
        );
        // A request transferred to another department drops out of this clerk's hint; the
        // other department's clerk, who now has it, sees nothing of this one's department.
        step(
            &s,
            &o.supervisor,
            &b,
            "assign",
            vb,
            json!({"department": "gk-zjw"}),
        );
        let like = s.get(&format!("/api/v1/cases/{c}/similar"), Some(&o.clerk));
        let shown: Vec<&str> = like.body["similar"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["request"]["case_id"].as_str().unwrap())
            .collect();
        assert_eq!(shown, [a.as_str()], "{}", like.body);
        let theirs = s.get(&format!("/api/v1/cases/{b}/similar"), Some(&o.other_clerk));
        assert_eq!(theirs.status, 200, "{}", theirs.body);
        assert!(
            theirs.body["similar"].as_array().unwrap().is_empty(),
            "{}",
            theirs.body
        );
        // The mark names b, now theirs, but also cases of gk-gkb that this clerk may not see
        // (their ids, the group's request text, the supervisor's note): a mark is shown only
        // to those who see all of its cases (scope fails closed).
        assert_eq!(theirs.body["marks"].as_array().unwrap().len(), 0);
        let mine = s.get(&format!("/api/v1/cases/{c}/similar"), Some(&o.clerk));
        assert_eq!(mine.body["marks"].as_array().unwrap().len(), 0);
        let all = s.get(&format!("/api/v1/cases/{b}/similar"), Some(&o.admin));
        assert_eq!(
            all.body["marks"].as_array().unwrap().len(),
            1,
            "{}",
            all.body
        );
        // Clerks have no statistics pages.
        assert_eq!(page(&s, &o.clerk, "/staff/stats").0, 404);
        drop(s);
        audit_ok(&db);
    }
}

fn urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
