//! The reading room (issue 19, point 6; art. 44): a supervisor publishes a replied case's
//! reviewed release; the public page, the Atom feed and the JSON list show it without the
//! applicant's personal data; only the released files download; a withdrawal takes it out;
//! an unreviewed release, a clerk, another department's supervisor are refused, nothing stored.

use super::*;

/// The applicant of `filing()`: none of it may reach the reading room.
const PERSONAL: [&str; 4] = [
    "张三",
    "110101199003074514",
    "zhangsan@example.com",
    "13812345678",
];

fn upload(s: &TestApp, token: &str, case: &str, name: &str, bytes: &[u8]) -> Value {
    let r = s.raw(
        &format!("/api/v1/cases/{case}/attachments?filename={name}"),
        Some(token),
        "application/pdf",
        bytes,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

fn page(s: &TestApp, path: &str) -> (u16, String) {
    let r = s.exec(Req::new("GET", path).header("Accept", "text/html"));
    (r.status, r.text)
}

fn release(file: &Value) -> Value {
    json!([{"kind": "document", "title": "2025年老旧小区改造计划",
            "document_number": "朝住建发〔2025〕12号", "pages": 3, "form": "electronic",
            "file": {"attachment": file["id"]}},
           {"kind": "published", "title": "改造公告", "location": "区政府网站"}])
}

/// A case replied (予以公开) with a reviewed release of `file`; returns its version.
fn replied(s: &TestApp, o: &Office, case: &str, version: u64, file: &Value) -> u64 {
    let r = act(
        s,
        &o.clerk,
        case,
        "draft_reply",
        version,
        json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "现予提供",
                         "release": release(file)}}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let v = step(
        s,
        &o.clerk,
        case,
        "submit_for_review",
        version_of(&r),
        json!({}),
    );
    let v = step(
        s,
        &o.supervisor,
        case,
        "record_secrecy_review",
        v,
        gongkai_testkit::secrecy_review_json(),
    );
    step(s, &o.supervisor, case, "approve_reply", v, json!({}))
}

fn room_rows(s: &TestApp, case: &str) -> usize {
    s.get("/api/v1/reading-room", None).body["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["id"] == case)
        .count()
}

#[test]
fn a_published_release_is_public_without_the_applicant_and_a_withdrawal_takes_it_out() {
    for db in databases("reading-room") {
        let s = TestApp::start(db);
        let o = s.office();
        let p = paper(&s, &o.clerk, None);
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "start_processing",
            p.version,
            json!({}),
        );
        let file = upload(&s, &o.clerk, &p.case, "plan.pdf", b"%PDF-1.4 released plan");
        let internal = upload(&s, &o.clerk, &p.case, "internal.pdf", b"%PDF-1.4 internal");

        // Not replied yet: refused.
        let publish = json!({"subject": "2025年老旧小区改造计划", "items": [0, 1]});
        let r = act(
            &s,
            &o.supervisor,
            &p.case,
            "publish_release",
            v,
            publish.clone(),
        );
        refused(&r, 409, "wrong_status");
        let v = replied(&s, &o, &p.case, v, &file);

        // A clerk, another department's clerk, the applicant's query code: refused.
        let r = act(&s, &o.clerk, &p.case, "publish_release", v, publish.clone());
        refused(&r, 403, "forbidden_for_role");
        let r = act(
            &s,
            &o.other_clerk,
            &p.case,
            "publish_release",
            v,
            publish.clone(),
        );
        assert_eq!(r.status, 404, "{}", r.body);
        // Bad input: empty subject, no items, an item the release does not have.
        for (fields, path) in [
            (json!({"subject": "  ", "items": [0]}), "subject"),
            (json!({"subject": "标题", "items": []}), "items"),
            (json!({"subject": "标题", "items": [5]}), "items"),
            (json!({"subject": "标题", "items": [0, 0]}), "items"),
            (
                json!({"subject": "张三申请的改造计划", "items": [0]}),
                "subject",
            ),
            (
                json!({"subject": "110101199003074514", "items": [0]}),
                "subject",
            ),
        ] {
            let r = act(&s, &o.supervisor, &p.case, "publish_release", v, fields);
            refused(&r, 422, "invalid_input");
            assert_eq!(r.body["errors"][0]["path"], path, "{}", r.body);
        }
        assert_eq!(detail(&s, &o.clerk, &p.case)["summary"]["version"], v);
        assert_eq!(room_rows(&s, &p.case), 0);

        // The case page offers the form to the supervisor, prefilled, not to the clerk.
        let staff = |token: &str| {
            s.exec(
                Req::new("GET", &format!("/staff/cases/{}", p.case))
                    .header("Accept", "text/html")
                    .header("Cookie", &format!("gongkai_session={token}")),
            )
            .text
        };
        let html = staff(&o.supervisor);
        let form = html
            .split("id=\"action-publish_release\"")
            .nth(1)
            .unwrap_or_else(|| panic!("no publish form: {html}"))
            .split("</details>")
            .next()
            .unwrap();
        assert!(
            form.contains("value=\"2025年本市老旧小区改造项目清单\""),
            "{form}"
        );
        assert!(
            form.contains("name=\"items:ns\" value=\"1\" checked"),
            "{form}"
        );
        assert!(!staff(&o.clerk).contains("id=\"action-publish_release\""));

        // Published through the form (the checkbox list), by the supervisor.
        let csrf = html
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        let version = v.to_string();
        let r = s.exec(
            Req::new("POST", &format!("/staff/cases/{}/publish_release", p.case))
                .header("Accept", "text/html")
                .header("Cookie", &format!("gongkai_session={}", o.supervisor))
                .form(&[
                    ("csrf", csrf.as_str()),
                    ("version", version.as_str()),
                    ("subject", "2025年老旧小区改造计划 <公开>"),
                    ("items:ns", "0"),
                    ("items:ns", "1"),
                ]),
        );
        assert!(
            r.status == 303 || r.status == 200,
            "{} {}",
            r.status,
            r.text
        );
        let d = detail(&s, &o.clerk, &p.case);
        let v = d["summary"]["version"].as_u64().unwrap();
        let timeline = d.to_string();
        assert!(timeline.contains("release_published"), "{timeline}");
        // The case page says so, with the timeline's Chinese line, and offers the withdrawal.
        let html = staff(&o.supervisor);
        assert!(html.contains("id=\"publication\""), "{html}");
        assert!(html.contains("转为主动公开（条例第四十四条）"), "{html}");
        assert!(
            html.contains("id=\"action-withdraw_publication\""),
            "{html}"
        );
        assert!(!html.contains("id=\"action-publish_release\""), "{html}");
        // Twice: refused.
        let r = act(
            &s,
            &o.supervisor,
            &p.case,
            "publish_release",
            v,
            publish.clone(),
        );
        refused(&r, 409, "already_published");

        // The public list, the page, the feed and the JSON: there, without the applicant.
        let (status, list) = page(&s, "/reading-room");
        assert_eq!(status, 200);
        assert!(
            list.contains("2025年老旧小区改造计划 &#60;公开&#62;"),
            "{list}"
        );
        assert!(!list.contains("<公开>"), "{list}");
        let (status, item) = page(&s, &format!("/reading-room/{}", p.case));
        assert_eq!(status, 200, "{item}");
        assert!(item.contains("起公开"), "{item}");
        let today = gongkai_workflow::clock::legal_date(Utc::now());
        use chrono::Datelike;
        let since = format!(
            "自 {}年{}月{}日 起公开",
            today.year(),
            today.month(),
            today.day()
        );
        assert!(item.contains(&since), "{item}");
        assert!(item.contains("朝住建发〔2025〕12号"), "{item}");
        let feed = s.exec(Req::new("GET", "/reading-room/feed.atom"));
        assert_eq!(feed.status, 200);
        assert!(feed.content_type.starts_with("application/atom+xml"));
        assert!(feed.text.starts_with("<?xml"), "{}", feed.text);
        assert!(
            feed.text
                .contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"")
        );
        assert!(
            feed.text
                .contains("<title>2025年老旧小区改造计划 &lt;公开&gt;</title>"),
            "{}",
            feed.text
        );
        let json = s.get("/api/v1/reading-room?agency=gk", None);
        assert_eq!(json.status, 200, "{}", json.body);
        assert_eq!(json.body["entries"][0]["id"], p.case.as_str());
        assert_eq!(
            json.body["entries"][0]["items"][0]["file"]["sha256"],
            file["sha256"]
        );
        for text in [&list, &item, &feed.text, &json.body.to_string()] {
            for personal in PERSONAL {
                assert!(!text.contains(personal), "{personal} in {text}");
            }
        }
        // Search: the subject and the titles; every word must occur.
        let found = |q: &str| {
            s.get(&format!("/api/v1/reading-room?q={}", encode(q)), None)
                .body["entries"]
                .as_array()
                .unwrap()
                .len()
        };
        assert_eq!(found("改造计划"), 1);
        assert_eq!(found("改造公告 朝住建发"), 1);
        assert_eq!(found("张三"), 0);
        assert_eq!(found("改造 不存在的词"), 0);
        let r = s.get(&format!("/api/v1/reading-room?q={}", "x+".repeat(6)), None);
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(s.get("/api/v1/reading-room?agency=nope", None).status, 404);

        // Only the released file downloads, named after its title; the case's other file is
        // 404 like one that does not exist.
        let url = json.body["entries"][0]["items"][0]["file"]["url"]
            .as_str()
            .unwrap()
            .to_owned();
        let got = s.exec(Req::new("GET", &url));
        assert_eq!(got.status, 200);
        assert_eq!(got.text, "%PDF-1.4 released plan");
        for id in [internal["id"].as_str().unwrap(), "no-such-file"] {
            let r = s.exec(Req::new(
                "GET",
                &format!("/reading-room/{}/files/{id}", p.case),
            ));
            assert_eq!(r.status, 404, "{}", r.text);
        }

        // A frequent-request group marked 建议主动公开 links to its replied cases' publish form.
        let twin = paper(&s, &o.clerk, None);
        let today = gongkai_workflow::clock::legal_date(Utc::now());
        let r = s.post(
            "/api/v1/frequent/marks",
            Some(&o.supervisor),
            json!({"from": today - chrono::Duration::days(30), "to": today,
                   "case_ids": [p.case, twin.case], "note": "建议主动公开"}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let frequent = s
            .exec(
                Req::new("GET", "/staff/frequent?min=2")
                    .header("Accept", "text/html")
                    .header("Cookie", &format!("gongkai_session={}", o.supervisor)),
            )
            .text;
        assert!(
            frequent.contains(&format!("/staff/cases/{}#action-publish_release", p.case)),
            "{frequent}"
        );
        assert!(
            !frequent.contains(&format!(
                "/staff/cases/{}#action-publish_release",
                twin.case
            )),
            "{frequent}"
        );

        // Withdrawn: a reason is required; then gone from the lists, the page says so (410),
        // the file is 404.
        let r = act(
            &s,
            &o.supervisor,
            &p.case,
            "withdraw_publication",
            v,
            json!({"reason": " "}),
        );
        refused(&r, 422, "invalid_input");
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "withdraw_publication",
            v,
            json!({"reason": "信息已更新"}),
        );
        refused(&r, 403, "forbidden_for_role");
        let v = step(
            &s,
            &o.supervisor,
            &p.case,
            "withdraw_publication",
            v,
            json!({"reason": "信息已更新"}),
        );
        assert_eq!(room_rows(&s, &p.case), 0);
        let (_, list) = page(&s, "/reading-room");
        assert!(!list.contains("2025年老旧小区改造计划"), "{list}");
        let feed = s.exec(Req::new("GET", "/reading-room/feed.atom"));
        assert!(!feed.text.contains("<entry>"), "{}", feed.text);
        let (status, gone) = page(&s, &format!("/reading-room/{}", p.case));
        assert_eq!(status, 410, "{gone}");
        assert!(gone.contains("撤回"), "{gone}");
        assert_eq!(s.exec(Req::new("GET", &url)).status, 404);
        let r = act(
            &s,
            &o.supervisor,
            &p.case,
            "withdraw_publication",
            v,
            json!({"reason": "再次"}),
        );
        refused(&r, 409, "not_published");
        s.audit_ok();
    }
}

#[test]
fn an_unreviewed_release_is_refused_and_nothing_is_stored() {
    for db in databases("reading-room-unreviewed") {
        let s = TestApp::start(db);
        let o = s.office();
        // A reply on the spot skips the secrecy review: it may not carry a document, only
        // point to published information, which has had no review here either.
        let p = paper(&s, &o.clerk, None);
        let file = upload(&s, &o.clerk, &p.case, "plan.pdf", b"%PDF-1.4 on the spot");
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "reply_on_the_spot",
            p.version,
            json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "现予提供",
                             "release": release(&file)}}),
        );
        refused(&r, 409, "secrecy_review_required");
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "reply_on_the_spot",
            p.version,
            json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "已在门户网站公开",
                             "release": [{"kind": "published", "title": "改造计划",
                                          "location": "本机关门户网站"}]}}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let v = version_of(&r);
        let r = act(
            &s,
            &o.supervisor,
            &p.case,
            "publish_release",
            v,
            json!({"subject": "改造计划", "items": [0]}),
        );
        refused(&r, 409, "release_not_reviewed");
        assert!(
            r.body["detail"].as_str().unwrap().contains("保密审查"),
            "{}",
            r.body
        );
        assert_eq!(detail(&s, &o.clerk, &p.case)["summary"]["version"], v);
        assert_eq!(room_rows(&s, &p.case), 0);
        assert_eq!(
            page(&s, &format!("/reading-room/{}", p.case)).0,
            404,
            "never published"
        );
        let url = format!(
            "/reading-room/{}/files/{}",
            p.case,
            file["id"].as_str().unwrap()
        );
        assert_eq!(s.exec(Req::new("GET", &url)).status, 404);
    }
}
