//! End to end on `gongkai serve`: the release of a reply reaches its applicant (issue 19,
//! delivery). The released file downloads with the tracking number and query code (the API and
//! the lookup page), from the applicant's account and through the e-mail's link; nothing else
//! of the case does; every retrieval is recorded and the first one is the reply's 送达; staff
//! get a print package of the letter and the files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use serde_json::{Value, json};
use support::databases;
use support::server::*;

const RELEASED: &str = "老旧小区改造项目清单：一、幸福里小区；二、和平路小区。";
const INTERNAL: &str = "内部审批意见：拟同意公开，报分管领导。";

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Files `filing` (as `token`'s account, or without one): (case id, the receipt).
fn filed(s: &Server, filing: Value, token: Option<&str>) -> (String, Value) {
    let r = s.post("/api/v1/requests", token, filing);
    assert_eq!(r.status, 201, "{}", r.body);
    (r.body["case_id"].as_str().unwrap().to_owned(), r.body)
}

/// Registers and replies to `case` with a release: (released attachment id, internal
/// attachment id). The internal paper is uploaded to the case but not released.
fn reply_with_release(s: &Server, o: &Office, case: &str) -> (String, String) {
    let mut v = step(s, &o.clerk, case, "register", 1, json!({}));
    v = step(s, &o.clerk, case, "start_processing", v, json!({}));
    let upload = |name: &str, body: &str| {
        let up = s.raw(
            &format!("/api/v1/cases/{case}/attachments?filename={name}"),
            Some(&o.clerk),
            "text/plain",
            body.as_bytes(),
        );
        assert_eq!(up.status, 201, "{}", up.body);
        up.body["id"].as_str().unwrap().to_owned()
    };
    let released = upload("list.txt", RELEASED);
    let internal = upload("memo.txt", INTERNAL);
    v = step(
        s,
        &o.clerk,
        case,
        "draft_reply",
        v,
        json!({"reply": {"outcome": {"kind": "disclosed"},
                         "text": "经审查，您申请的信息予以公开，详见提供的文件。",
                         "release": [{"kind": "document", "title": "老旧小区改造项目清单",
                                      "document_number": "某建〔2025〕3号", "pages": 1,
                                      "form": "electronic",
                                      "file": {"attachment": released}}]}}),
    );
    v = step(
        s,
        &o.supervisor,
        case,
        "record_secrecy_review",
        v,
        json!({"conclusion": "may_disclose", "basis": "不涉及国家秘密、商业秘密和个人隐私"}),
    );
    v = step(s, &o.clerk, case, "submit_for_review", v, json!({}));
    step(s, &o.supervisor, case, "approve_reply", v, json!({}));
    (released, internal)
}

fn with_delivery(delivery: &str) -> Value {
    let mut f = filing();
    f["request"]["delivery"] = json!(delivery);
    f["applicant"]["address"] = json!("北京市朝阳区幸福里 1 号，100020");
    f
}

/// A page form as an anonymous visitor sends it: the form token in its cookie and its field.
fn anonymous_post(
    s: &Server,
    path: &str,
    fields: &[(&str, &str)],
) -> (u16, String, String, Vec<u8>) {
    let token = "cd".repeat(32);
    let mut all = vec![("csrf", token.as_str())];
    all.extend_from_slice(fields);
    bytes_of(
        s.req("POST", path, None)
            .set("Cookie", &format!("gongkai_form={token}"))
            .send_form(&all),
    )
}

#[test]
fn the_released_file_reaches_its_applicant_by_query_code_and_nothing_else_does() {
    for db in databases("release-lookup") {
        let s = start(&db);
        let o = office(&s);
        let (case, receipt) = filed(&s, with_delivery("online"), None);
        let (released, internal) = reply_with_release(&s, &o, &case);
        let reference = receipt["reference"].as_str().unwrap();
        let code = receipt["query_code"].as_str().unwrap();
        let key = json!({"reference": reference, "query_code": code});

        // The API: the released file, streamed, exactly as approved.
        let (status, kind, disposition, body) = bytes_of(
            s.req("POST", &format!("/api/v1/lookup/files/{released}"), None)
                .send_json(key.clone()),
        );
        assert_eq!(status, 200, "{}", text(&body));
        assert!(kind.starts_with("text/plain"), "{kind}");
        assert!(disposition.starts_with("attachment"), "{disposition}");
        assert_eq!(text(&body), RELEASED);

        // The staff's internal paper of the same case, an unknown id, a wrong code: one 404.
        for (path, key) in [
            (format!("/api/v1/lookup/files/{internal}"), key.clone()),
            ("/api/v1/lookup/files/nonexistent".to_owned(), key.clone()),
            (
                format!("/api/v1/lookup/files/{released}"),
                json!({"reference": reference, "query_code": "WRONGCODE1"}),
            ),
        ] {
            let (status, _, _, body) = bytes_of(s.req("POST", &path, None).send_json(key));
            assert_eq!(status, 404, "{path}: {}", text(&body));
            assert!(!text(&body).contains(INTERNAL));
        }

        // The lookup page lists the file with a download form (the code stays out of URLs).
        let (status, _, _, page) = anonymous_post(
            &s,
            "/lookup",
            &[("reference", reference), ("query_code", code)],
        );
        assert_eq!(status, 200, "{}", text(&page));
        let page = text(&page);
        assert!(
            page.contains(&format!("action=\"/lookup/files/{released}\"")),
            "{page}"
        );
        assert!(
            !page.contains(&internal),
            "the internal paper is not named: {page}"
        );
        assert!(page.contains("下载答复书（PDF）"), "{page}");
        assert!(!page.contains(code) || page.contains("name=\"query_code\""));
        let (status, _, _, body) = anonymous_post(
            &s,
            &format!("/lookup/files/{released}"),
            &[("reference", reference), ("query_code", code)],
        );
        assert_eq!(status, 200);
        assert_eq!(text(&body), RELEASED);
        // A wrong code on the page: the 404 page, in Chinese.
        let (status, kind, _, body) = anonymous_post(
            &s,
            &format!("/lookup/files/{released}"),
            &[("reference", reference), ("query_code", "WRONGCODE1")],
        );
        assert_eq!(status, 404);
        assert!(kind.starts_with("text/html"), "{kind}");
        assert!(text(&body).contains("lang=\"zh-CN\""), "{}", text(&body));
        // Without the form token: refused, nothing sent.
        let (status, _, _, body) = bytes_of(
            s.req("POST", &format!("/lookup/files/{released}"), None)
                .send_form(&[("reference", reference), ("query_code", code)]),
        );
        assert_ne!(status, 200);
        assert!(!text(&body).contains(RELEASED));

        // The first retrieval is the reply's 送达 (网上获取), recorded by the system.
        let d = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body;
        let delivered: Vec<&Value> = d["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["event"]["kind"]["type"] == "delivered")
            .collect();
        assert_eq!(delivered.len(), 1, "{d}");
        assert_eq!(delivered[0]["event"]["kind"]["method"], "online", "{d}");
        assert_eq!(delivered[0]["event"]["actor"]["role"], "system", "{d}");

        // Staff see every retrieval, with a hash of the address and never the address.
        let r = s.get(&format!("/api/v1/cases/{case}/retrievals"), Some(&o.clerk));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["total"], 2, "{}", r.body);
        assert!(r.body["first_at"].is_string());
        let item = &r.body["items"][0];
        assert_eq!(item["via"], "lookup");
        assert_eq!(item["attachment"], released.as_str());
        assert_eq!(item["address_hash"].as_str().unwrap().len(), 16);
        assert!(!r.body.to_string().contains("127.0.0.1"));
        let r = s.get(
            &format!("/api/v1/cases/{case}/retrievals"),
            Some(&o.other_clerk),
        );
        assert_eq!(r.status, 404);
        let (status, _, page) = finish_text(
            ureq::get(&s.url(&format!("/staff/cases/{case}")))
                .set("Cookie", &format!("gongkai_session={}", o.clerk))
                .call(),
        );
        assert_eq!(status, 200);
        assert!(page.contains("送达（网上获取）"), "{page}");
        assert!(page.contains("申请人获取记录（共 2 次"), "{page}");
        audit_ok(&db);
    }
}

#[test]
fn an_account_holder_downloads_their_release_and_no_one_else_does() {
    for db in databases("release-account") {
        let s = start(&db);
        let o = office(&s);
        let alice = applicant(&s, "alice");
        let (case, _) = filed(&s, with_delivery("online"), Some(&alice));
        let (released, internal) = reply_with_release(&s, &o, &case);
        let get = |path: &str, who: &str| {
            bytes_of(
                s.req("GET", path, None)
                    .set("Cookie", &format!("gongkai_session={who}"))
                    .call(),
            )
        };
        let page = text(&get(&format!("/my/{case}"), &alice).3);
        assert!(
            page.contains(&format!("/my/{case}/files/{released}")),
            "{page}"
        );
        let (status, _, _, body) = get(&format!("/my/{case}/files/{released}"), &alice);
        assert_eq!(status, 200);
        assert_eq!(text(&body), RELEASED);
        let (status, ..) = get(&format!("/my/{case}/files/{internal}"), &alice);
        assert_eq!(status, 404);
        // The API route, with the bearer token.
        let (status, _, _, body) = bytes_of(
            s.req(
                "GET",
                &format!("/api/v1/my/requests/{case}/files/{released}"),
                Some(&alice),
            )
            .call(),
        );
        assert_eq!(status, 200);
        assert_eq!(text(&body), RELEASED);
        // Another applicant, and staff through the applicant's route: 404.
        let bob = applicant(&s, "bob");
        let (status, ..) = get(&format!("/my/{case}/files/{released}"), &bob);
        assert_eq!(status, 404);
        let (status, ..) = bytes_of(
            s.req(
                "GET",
                &format!("/api/v1/my/requests/{case}/files/{released}"),
                Some(&bob),
            )
            .call(),
        );
        assert_eq!(status, 404);
        let (status, ..) = bytes_of(
            s.req(
                "GET",
                &format!("/api/v1/my/requests/{case}/files/{released}"),
                Some(&o.clerk),
            )
            .call(),
        );
        assert_eq!(status, 404);
        let r = s.get(&format!("/api/v1/cases/{case}/retrievals"), Some(&o.clerk));
        assert_eq!(r.body["items"][0]["via"], "account", "{}", r.body);
    }
}

/// Whether the CJK font the letter PDF needs is here (CI installs fonts-noto-cjk).
fn font() -> bool {
    let found = gongkai_documents::Font::find_default().is_some();
    assert!(
        found || std::env::var("GONGKAI_TEST_REQUIRE_BROWSER").as_deref() != Ok("1"),
        "no CJK font: install fonts-noto-cjk"
    );
    found
}

#[test]
fn staff_get_a_print_package_and_the_applicant_the_letter_as_pdf() {
    if !font() {
        return;
    }
    for db in databases("release-package") {
        let s = start(&db);
        let o = office(&s);
        let (case, receipt) = filed(&s, with_delivery("post"), None);
        reply_with_release(&s, &o, &case);
        // The letter is written once the dispatcher has set the reply aside for printing.
        let key = json!({"reference": receipt["reference"], "query_code": receipt["query_code"]});
        let letter = gongkai_testkit::wait_until(
            "the reply letter is available",
            std::time::Duration::from_secs(30),
            || {
                let got = bytes_of(
                    s.req("POST", "/api/v1/lookup/letter", None)
                        .send_json(key.clone()),
                );
                if got.0 == 200 { Ok(got) } else { Err(got.0) }
            },
        );
        assert_eq!(letter.1, "application/pdf");
        assert!(letter.3.starts_with(b"%PDF"));
        // Chosen 邮寄: a retrieval online is recorded but is not the delivery.
        let d = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body;
        assert!(!d["events"].to_string().contains("\"delivered\""), "{d}");

        let (status, kind, disposition, zip) = bytes_of(
            s.req(
                "GET",
                &format!("/api/v1/cases/{case}/package"),
                Some(&o.clerk),
            )
            .call(),
        );
        assert_eq!(status, 200, "{}", text(&zip));
        assert_eq!(kind, "application/zip");
        assert!(disposition.contains(".zip"), "{disposition}");
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
        let names: Vec<String> = archive
            .file_names()
            .map(|n| n.unwrap().into_owned())
            .collect();
        assert!(names.contains(&"01 答复书.pdf".to_owned()), "{names:?}");
        assert!(
            names.contains(&"02 老旧小区改造项目清单.txt".to_owned()),
            "{names:?}"
        );
        let mut list = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("00 提供信息清单.txt").unwrap(),
            &mut list,
        )
        .unwrap();
        assert!(
            list.contains("《老旧小区改造项目清单》（某建〔2025〕3号）"),
            "{list}"
        );
        let mut file = String::new();
        std::io::Read::read_to_string(
            &mut archive.by_name("02 老旧小区改造项目清单.txt").unwrap(),
            &mut file,
        )
        .unwrap();
        assert_eq!(file, RELEASED);
        assert!(!names.iter().any(|n| n.contains("memo")));
        // Another department's clerk, and the applicant: no package.
        let (status, ..) = bytes_of(
            s.req(
                "GET",
                &format!("/api/v1/cases/{case}/package"),
                Some(&o.other_clerk),
            )
            .call(),
        );
        assert_eq!(status, 404);
        // The page's link, for staff.
        let (status, kind, ..) = bytes_of(
            ureq::get(&s.url(&format!("/staff/cases/{case}/package.zip")))
                .set("Cookie", &format!("gongkai_session={}", o.clerk))
                .call(),
        );
        assert_eq!((status, kind.as_str()), (200, "application/zip"));
    }
}
