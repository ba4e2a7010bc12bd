//! The annual report over the API: publishing a finished year,
//! a later entry shown as a difference against the published version, a new version only with
//! a reason, who may publish what, and the years and formats the report is made for.

use super::*;

fn rows(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r["row"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_published_year_keeps_its_tables_and_shows_later_entries_as_differences() {
    for db in databases("api-report-published") {
        let s = TestApp::start(db);
        let o = s.office();
        let path = "/api/v1/reports/annual/published";
        let r = s.get(&format!("{path}?year=2025"), Some(&o.supervisor));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["deadline"], "2026-01-31");
        assert_eq!(r.body["scope"], "department:gk-gkb");
        assert!(r.body["versions"].as_array().unwrap().is_empty());

        // The supervisor publishes his department's 2025 report (empty so far).
        let r = s.post(path, Some(&o.supervisor), json!({"year": 2025}));
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["versions"][0]["version"], 1);
        assert_eq!(r.body["versions"][0]["format"], "国办公开办函〔2021〕30号");
        // Nothing changed: 409, nothing stored.
        let r = s.post(
            path,
            Some(&o.supervisor),
            json!({"year": 2025, "reason": "再发一次"}),
        );
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (409, Some("report_unchanged")),
            "{}",
            r.body
        );

        // A request handed in on 30 December 2025, entered now: a difference in 2025.
        paper(&s, &o.clerk, NaiveDate::from_ymd_opt(2025, 12, 30));
        let r = s.get(&format!("{path}?year=2025"), Some(&o.supervisor));
        assert_eq!(rows(&r.body["differences"]), ["一", "四"]);
        assert_eq!(r.body["differences"][0]["published"][6], 0);
        assert_eq!(r.body["differences"][0]["current"][6], 1);
        assert_eq!(r.body["versions"][0]["table3"][0]["counts"][6], 0);
        // A new version needs a reason; then the first version is still there, unchanged.
        let r = s.post(path, Some(&o.supervisor), json!({"year": 2025}));
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.body["errors"][0]["path"], "reason");
        let r = s.post(
            path,
            Some(&o.supervisor),
            json!({"year": 2025, "reason": "补录 2025-12-30 当面提交的申请"}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let versions = r.body["versions"].as_array().unwrap();
        assert_eq!(versions.len(), 2);
        assert_eq!(versions[0]["table3"][0]["counts"][6], 0);
        assert_eq!(versions[1]["table3"][0]["counts"][6], 1);
        assert_eq!(versions[1]["reason"], "补录 2025-12-30 当面提交的申请");
        assert!(r.body["differences"].as_array().unwrap().is_empty());

        // The admin's whole-installation report is its own publication.
        let r = s.get(&format!("{path}?year=2025"), Some(&o.admin));
        assert_eq!(r.body["scope"], "");
        assert!(r.body["versions"].as_array().unwrap().is_empty());
    }
}

#[test]
fn only_a_finished_year_since_2019_of_ones_own_scope_is_published() {
    for db in databases("api-report-scope") {
        let s = TestApp::start(db);
        let o = s.office();
        let path = "/api/v1/reports/annual/published";
        // Outside the supervisor's departments: 404, as for anything not there.
        for body in [
            json!({"year": 2025, "department": "gk-zjw"}),
            json!({"year": 2025, "agency": "gk"}),
        ] {
            let r = s.post(path, Some(&o.supervisor), body.clone());
            assert_eq!(r.status, 404, "{body}: {}", r.body);
        }
        let r = s.get(
            &format!("{path}?year=2025&department=gk-zjw"),
            Some(&o.supervisor),
        );
        assert_eq!(r.status, 404);
        // Clerks may neither read nor publish.
        assert_eq!(
            s.post(path, Some(&o.other_clerk), json!({"year": 2025}))
                .status,
            403
        );
        // The year must be over, and one the formats cover.
        let this_year = today().format("%Y").to_string().parse::<i32>().unwrap();
        let r = s.post(path, Some(&o.supervisor), json!({"year": this_year}));
        assert_eq!(r.status, 422);
        assert_eq!(r.body["errors"][0]["path"], "year");
        for p in [
            "/api/v1/reports/annual?year=2018".to_owned(),
            "/api/v1/reports/annual?year=2008".to_owned(),
            format!("{path}?year=2018"),
        ] {
            let r = s.get(&p, Some(&o.admin));
            assert_eq!(r.status, 422, "{p}: {}", r.body);
            let text = r.body.to_string();
            assert!(text.contains("2019"), "{text}");
        }
        // 2020 in the 60号 format: one 其他处理 row; 2021 in the 30号 format: three.
        let r = s.get("/api/v1/reports/annual?year=2020", Some(&o.admin));
        assert_eq!(r.status, 200, "{}", r.body);
        let other = |v: &Value| {
            rows(&v["table3"])
                .into_iter()
                .filter(|r| r.starts_with("三（六）"))
                .collect::<Vec<_>>()
        };
        assert_eq!(other(&r.body), ["三（六）"]);
        let r = s.get("/api/v1/reports/annual?year=2021", Some(&o.admin));
        assert_eq!(other(&r.body), ["三（六）1", "三（六）2", "三（六）3"]);
    }
}

#[test]
fn the_report_page_shows_the_deadline_publishes_and_lists_later_changes() {
    use gongkai_testkit::http::Req;
    for db in databases("api-report-page") {
        let s = TestApp::start(db);
        let o = s.office();
        let cookie = format!("gongkai_session={}", o.supervisor);
        let page = || {
            let r = s.exec(
                Req::new("GET", "/staff/report?year=2025")
                    .header("Accept", "text/html")
                    .header("Cookie", &cookie),
            );
            assert_eq!(r.status, 200, "{}", r.text);
            r.text
        };
        let html = page();
        assert!(html.contains("2026-01-31"), "{html}");
        assert!(html.contains("国办公开办函〔2021〕30号"));
        assert!(html.contains("本年度报告尚未发布"));
        let csrf = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap()
            .to_owned();
        let r = s.exec(
            Req::new("POST", "/staff/report/publish")
                .header("Accept", "text/html")
                .header("Cookie", &cookie)
                .form(&[
                    ("csrf", &csrf),
                    ("year", "2025"),
                    ("scope", "department:gk-gkb"),
                ]),
        );
        assert_eq!(r.status, 303, "{}", r.text);
        let html = page();
        assert!(html.contains("已发布第 1 版"), "{html}");
        // Who published it, by name (not the user id).
        assert!(html.contains("，super1）"), "{html}");
        assert!(html.contains("发布后没有新增或变更的数据"));
        paper(&s, &o.clerk, NaiveDate::from_ymd_opt(2025, 12, 30));
        let html = page();
        assert!(html.contains("发布后新增/变更"), "{html}");
        assert!(html.contains("id=\"differences\""));
        assert!(html.contains("重新发布理由"));
    }
}

/// A request handed in last year and answered today, then reopened by an order received
/// today: this year it is carried in and concluded, and new again (the reopened request) and
/// carried out; 四 of last year is 二 of this year.
#[test]
fn a_reopened_request_counts_as_new_in_the_year_of_the_order() {
    use chrono::Datelike;
    for db in databases("api-report-reopened") {
        let s = TestApp::start(db);
        let o = s.office();
        let year = today().year();
        let p = paper(&s, &o.clerk, NaiveDate::from_ymd_opt(year - 1, 1, 2));
        let mut v = p.version;
        for (who, action, body) in [
            (&o.clerk, "start_processing", json!({})),
            (
                &o.clerk,
                "draft_reply",
                json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "予以公开",
                                 "release": gongkai_testkit::release_json()}}),
            ),
            (
                &o.supervisor,
                "record_secrecy_review",
                gongkai_testkit::secrecy_review_json(),
            ),
            (&o.clerk, "submit_for_review", json!({})),
            (&o.supervisor, "approve_reply", json!({})),
        ] {
            v = step(&s, who, &p.case, action, v, body);
        }
        let order = json!({"order": {"kind": "reconsideration", "body": "某市人民政府",
                                     "reference": "某复决字〔2026〕2号", "received_on": today()}});
        step(&s, &o.clerk, &p.case, "reopen", v, order);
        let totals = |y: i32| {
            let r = s.get(&format!("/api/v1/reports/annual?year={y}"), Some(&o.admin));
            assert_eq!(r.status, 200, "{}", r.body);
            let row = |name: &str| {
                r.body["table3"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["row"] == name)
                    .unwrap()["counts"][6]
                    .as_u64()
                    .unwrap()
            };
            (row("一"), row("二"), row("三（七）"), row("四"))
        };
        assert_eq!(totals(year - 1), (1, 0, 0, 1));
        assert_eq!(totals(year), (1, 1, 1, 1));
    }
}
