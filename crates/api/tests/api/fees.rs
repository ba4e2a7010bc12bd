//! Fees computed, not typed (issue 19, point 5): the figure of a fee notice is the server's —
//! 按件 the request's place among the applicant's requests to the agency in the calendar
//! month, 按量 the pages of the draft reply's release — shown before issuing, stated in the
//! notice; a different figure, or pages the release does not give, are refused with nothing
//! stored.

use chrono::Datelike;

use super::*;

/// A paper request by the applicant whose ID number is `id`, received on `receipt` (today
/// when None), moved into processing: (case, version).
fn request_of(s: &TestApp, token: &str, id: &str, receipt: Option<NaiveDate>) -> (String, u64) {
    let mut body = filing();
    body["channel"] = json!("in_person");
    body["applicant"]["id_document"] = json!(id);
    if let Some(d) = receipt {
        body["receipt_date"] = json!(d);
    }
    let r = s.post("/api/v1/cases", Some(token), body);
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.body["case_id"].as_str().unwrap().to_owned();
    let v = step(
        s,
        token,
        &case,
        "start_processing",
        version_of(&r),
        json!({}),
    );
    (case, v)
}

fn preview(s: &TestApp, token: &str, case: &str) -> Value {
    let r = s.get(&format!("/api/v1/cases/{case}/fee"), Some(token));
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

/// Two resident ID numbers with valid check digits (GB 11643).
const ALICE: &str = "110101199003074514";
const BOB: &str = "11010119900307803X";

#[test]
fn per_request_counts_the_applicants_requests_in_the_month() {
    for db in databases("fees-per-request") {
        let s = TestApp::start(db);
        let o = s.office();
        let today = today();
        let first = today.with_day(1).unwrap();
        // Before this month: not counted. Another applicant: not counted.
        let (last_month, _) = request_of(&s, &o.clerk, ALICE, Some(first.pred_opt().unwrap()));
        let (bob, _) = request_of(&s, &o.clerk, BOB, None);
        let mut cases = Vec::new();
        for _ in 0..10 {
            cases.push(request_of(&s, &o.clerk, ALICE, None));
        }
        let (eleventh, v) = request_of(&s, &o.clerk, ALICE, None);

        let p = preview(&s, &o.clerk, &eleventh);
        assert_eq!(p["per_request"]["figure"], 11, "{p}");
        assert_eq!(p["per_request"]["amount_yuan"], 100, "{p}");
        assert_eq!(p["per_request"]["month"], today.format("%Y-%m").to_string());
        let month_zh = format!("{}年{}月", today.year(), today.month());
        let text = p["per_request"]["explanation"].as_str().unwrap();
        assert!(
            text.contains(&format!("{month_zh}内向本机关提出的第 11 件申请")),
            "{text}"
        );
        assert!(text.contains("第三条、第四条"), "{text}");
        assert_eq!(
            preview(&s, &o.clerk, &cases[0].0)["per_request"]["figure"],
            1
        );
        assert_eq!(preview(&s, &o.clerk, &bob)["per_request"]["figure"], 1);
        assert_eq!(
            preview(&s, &o.clerk, &last_month)["per_request"]["figure"],
            1
        );
        // Without a draft there are no pages to count: said, not guessed.
        assert_eq!(
            p["per_page"]["problem"]["code"], "fee_release_missing",
            "{p}"
        );

        // A figure other than the computed one: refused, naming it; nothing stored.
        let r = act(
            &s,
            &o.clerk,
            &eleventh,
            "issue_fee_notice",
            v,
            json!({"fee": {"method": "per_request", "nth": 12}}),
        );
        refused(&r, 422, "fee_figure_mismatch");
        assert_eq!(r.body["errors"][0]["path"], "fee.nth", "{}", r.body);
        assert!(
            r.body["detail"].as_str().unwrap().contains("第 11 件"),
            "{}",
            r.body
        );
        assert_eq!(detail(&s, &o.clerk, &eleventh)["summary"]["version"], v);
        // The tenth of the month pays nothing.
        let (tenth, tv) = cases[9].clone();
        let r = act(
            &s,
            &o.clerk,
            &tenth,
            "issue_fee_notice",
            tv,
            json!({"fee": {"method": "per_request"}}),
        );
        refused(&r, 409, "no_fee_due");

        // The old JSON, with the figure the server computes, is still accepted.
        let r = ok(
            &s,
            &o.clerk,
            &eleventh,
            "issue_fee_notice",
            v,
            json!({"fee": {"method": "per_request", "nth": 11}}),
        );
        let issued = &r.body["events"][0]["event"]["kind"];
        assert_eq!(issued["fee"]["nth"], 11, "{issued}");
        assert_eq!(issued["amount_yuan"], 100, "{issued}");
        // The notice says which month and which place.
        let notices = s.get(&format!("/api/v1/cases/{eleventh}/notices"), Some(&o.clerk));
        let fee_notice = notices
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "fee_notice")
            .unwrap_or_else(|| panic!("{}", notices.body))["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let print = s.get(
            &format!("/api/v1/notices/{fee_notice}/print"),
            Some(&o.clerk),
        );
        assert_eq!(print.status, 200);
        assert!(
            print
                .text
                .contains(&format!("{month_zh}内向本机关提出的第 11 件申请")),
            "{}",
            print.text
        );

        // A request received earlier in the month but registered later comes before.
        if today.day() > 1 {
            let (earlier, _) = request_of(&s, &o.clerk, ALICE, Some(first));
            assert_eq!(preview(&s, &o.clerk, &earlier)["per_request"]["figure"], 1);
            assert_eq!(
                preview(&s, &o.clerk, &cases[0].0)["per_request"]["figure"],
                2
            );
        }
        // The route and its answer are in the OpenAPI document.
        let doc = s.get("/api/v1/openapi.json", None).body;
        assert!(
            doc["paths"]["/api/v1/cases/{id}/fee"]["get"].is_object(),
            "{}",
            doc["paths"]
        );
        assert!(doc["components"]["schemas"]["FeePreview"].is_object());
        // Staff who do not see the case, and applicants, find no fee figures.
        assert_eq!(
            s.get(
                &format!("/api/v1/cases/{eleventh}/fee"),
                Some(&o.other_clerk)
            )
            .status,
            404
        );
    }
}

#[test]
fn per_page_counts_the_pages_of_the_draft_release() {
    for db in databases("fees-per-page") {
        let s = TestApp::start(db);
        let o = s.office();
        let (case, v) = request_of(&s, &o.clerk, ALICE, None);
        let draft = |v: u64, second_pages: Value| {
            act(
                &s,
                &o.clerk,
                &case,
                "draft_reply",
                v,
                json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "现予提供",
                                 "release": [
                    {"kind": "document", "title": "改造计划", "pages": 100, "form": "paper"},
                    {"kind": "published", "title": "公告", "location": "政府网站"},
                    {"kind": "document", "title": "资金安排", "pages": second_pages,
                     "form": "paper"}]}}),
            )
        };
        // No draft yet: the pages are not known.
        let r = act(
            &s,
            &o.clerk,
            &case,
            "issue_fee_notice",
            v,
            json!({"fee": {"method": "per_page"}}),
        );
        refused(&r, 422, "fee_release_missing");
        assert_eq!(r.body["errors"][0]["path"], "fee.pages", "{}", r.body);

        // A document without pages: the clerk is told to enter them; nothing stored.
        let r = draft(v, Value::Null);
        assert_eq!(r.status, 200, "{}", r.body);
        let v = version_of(&r);
        let p = preview(&s, &o.clerk, &case);
        assert_eq!(p["per_page"]["problem"]["code"], "fee_pages_unknown", "{p}");
        let r = act(
            &s,
            &o.clerk,
            &case,
            "issue_fee_notice",
            v,
            json!({"fee": {"method": "per_page"}}),
        );
        refused(&r, 422, "fee_pages_unknown");
        let message = r.body["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("第 3 项《资金安排》"), "{message}");
        assert!(message.contains("填写"), "{message}");
        assert_eq!(detail(&s, &o.clerk, &case)["summary"]["version"], v);

        // With pages: 100 + 20 (the pointer to published information counts none).
        let v = version_of(&draft(v, json!(20)));
        let p = preview(&s, &o.clerk, &case);
        assert_eq!(p["version"], v);
        assert_eq!(p["per_page"]["figure"], 120, "{p}");
        assert_eq!(p["per_page"]["amount_yuan"], 1100, "{p}");
        assert_eq!(
            p["per_page"]["documents"],
            json!([{"title": "改造计划", "pages": 100}, {"title": "资金安排", "pages": 20}])
        );
        // Another figure: refused, giving the computed one; nothing stored.
        let r = act(
            &s,
            &o.clerk,
            &case,
            "issue_fee_notice",
            v,
            json!({"fee": {"method": "per_page", "pages": 150}}),
        );
        refused(&r, 422, "fee_figure_mismatch");
        assert_eq!(r.body["errors"][0]["path"], "fee.pages", "{}", r.body);
        assert!(
            r.body["detail"].as_str().unwrap().contains("共 120 页"),
            "{}",
            r.body
        );
        assert_eq!(detail(&s, &o.clerk, &case)["summary"]["version"], v);

        // The case page shows both computed figures and asks for no number.
        let page = s.exec(
            Req::new("GET", &format!("/staff/cases/{case}"))
                .header("Accept", "text/html")
                .header("Cookie", &format!("gongkai_session={}", o.clerk)),
        );
        assert_eq!(page.status, 200);
        assert!(
            page.text.contains(
                "按量计收：共 120 页（《改造计划》100 页、《资金安排》20 页），应收 1100 元"
            ),
            "{}",
            page.text
        );
        assert!(page.text.contains("按件计收：申请人"), "{}", page.text);
        assert!(!page.text.contains("name=\"fee.pages"), "{}", page.text);
        assert!(!page.text.contains("name=\"fee.nth"), "{}", page.text);

        // The clerk picks the basis on the page and confirms: no number is typed.
        let token = page
            .text
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let r = s.exec(
            Req::new("POST", &format!("/staff/cases/{case}/issue_fee_notice"))
                .header("Accept", "text/html")
                .header("Cookie", &format!("gongkai_session={}", o.clerk))
                .form(&[
                    ("csrf", &token),
                    ("version", &v.to_string()),
                    ("fee.method", "per_page"),
                ]),
        );
        assert!(r.status < 400, "{}: {}", r.status, r.text);
        let fee = &detail(&s, &o.clerk, &case)["case"]["fee"];
        assert_eq!(
            fee["method"],
            json!({"method": "per_page", "pages": 120}),
            "{fee}"
        );
        assert_eq!(fee["amount_yuan"], 1100, "{fee}");
        let notices = s.get(&format!("/api/v1/cases/{case}/notices"), Some(&o.clerk));
        let id = notices
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "fee_notice")
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let print = s.get(&format!("/api/v1/notices/{id}/print"), Some(&o.clerk));
        assert!(
            print
                .text
                .contains("共 120 页（《改造计划》100 页、《资金安排》20 页）"),
            "{}",
            print.text
        );
        assert!(print.text.contains("第三条、第五条"), "{}", print.text);
    }
}
