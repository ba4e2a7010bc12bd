//! End to end on `gongkai serve`: redaction (区分处理, issue 20). A clerk opens a staff PDF in
//! the editor, marks a part with its ground, and the burned-in version becomes a new file of
//! the case, recorded in the case's events with both hashes; the original's marker never
//! reaches it. A release of the redacted file is a 部分公开 whose letter lists the part and
//! its ground. Bad input (a box off the page, a void ground, an encrypted PDF, a Word file) is
//! refused before anything is stored, and nobody outside the case's department sees the file.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::server::*;
use support::{databases, pdf_with};

const MARKER: &str = "SECRET-ID-110105199003071239";

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn upload(s: &Server, token: &str, case: &str, name: &str, kind: &str, body: &[u8]) -> String {
    let r = s.raw(
        &format!("/api/v1/cases/{case}/attachments?filename={}", encode(name)),
        Some(token),
        kind,
        body,
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["id"].as_str().unwrap().to_owned()
}

/// The marker's line, as a box in points from the page's top left.
fn over_marker(ground: &str, third_party: Option<&str>) -> Value {
    let mut r = json!({"area": {"kind": "box", "page": 1, "x": 60.0, "y": 118.0, "w": 400.0, "h": 34.0},
                       "ground": ground});
    if let Some(t) = third_party {
        r["third_party"] = json!(t);
    }
    r
}

fn attachment_count(s: &Server, token: &str, case: &str) -> usize {
    let r = s.get(&format!("/api/v1/cases/{case}/attachments"), Some(token));
    assert_eq!(r.status, 200, "{}", r.body);
    r.body.as_array().unwrap().len()
}

fn wait_for(s: &Server, token: &str, case: &str, job: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let r = s.get(
            &format!("/api/v1/cases/{case}/redaction-jobs/{job}"),
            Some(token),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let state = r.body["state"].as_str().unwrap().to_owned();
        if state == "done" || state == "failed" {
            return r.body;
        }
        assert!(
            Instant::now() < deadline,
            "the redaction did not finish: {}",
            r.body
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn a_burned_in_redaction_becomes_a_partly_disclosed_release_with_its_grounds() {
    for db in databases("redaction") {
        let s = start(&db);
        let o = office(&s);
        let r = s.post("/api/v1/requests", None, filing());
        assert_eq!(r.status, 201, "{}", r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let mut v = step(&s, &o.clerk, &case, "register", 1, json!({}));
        v = step(&s, &o.clerk, &case, "start_processing", v, json!({}));
        let original = upload(
            &s,
            &o.clerk,
            &case,
            "合同.pdf",
            "application/pdf",
            &pdf_with(MARKER, false),
        );

        // The editor's view: one A4 page, and the page as an image.
        let l = s.get(
            &format!("/api/v1/cases/{case}/attachments/{original}/layout"),
            Some(&o.clerk),
        );
        assert_eq!(l.status, 200, "{}", l.body);
        assert_eq!(l.body["kind"], "pdf");
        assert_eq!(l.body["pages"].as_array().unwrap().len(), 1);
        assert_eq!(l.body["pages"][0]["width"].as_f64().unwrap().round(), 595.0);
        let (status, kind, _, png) = bytes_of(
            s.req(
                "GET",
                &format!("/api/v1/cases/{case}/attachments/{original}/pages/1"),
                Some(&o.clerk),
            )
            .call(),
        );
        assert_eq!(status, 200);
        assert_eq!(kind, "image/png");
        assert!(png.starts_with(b"\x89PNG"));
        let r = s.get(
            &format!("/api/v1/cases/{case}/attachments/{original}/pages/2"),
            Some(&o.clerk),
        );
        refused(&r, 422, "redact_no_such_page");

        // Proposals: the ID number in the text layer, boxed where it is drawn; none applied.
        let p = s.get(
            &format!("/api/v1/cases/{case}/attachments/{original}/proposals?names=Public"),
            Some(&o.clerk),
        );
        assert_eq!(p.status, 200, "{}", p.body);
        let items = p.body["items"].as_array().unwrap();
        let id = items
            .iter()
            .find(|i| i["kind"] == "id_number")
            .unwrap_or_else(|| panic!("{}", p.body));
        assert_eq!(id["text"], "110105199003071239");
        assert_eq!(id["page"], 1);
        let y = id["y"].as_f64().unwrap();
        assert!((118.0..152.0).contains(&y), "{}", p.body);
        assert!(
            items
                .iter()
                .any(|i| i["kind"] == "name" && i["text"] == "Public"),
            "{}",
            p.body
        );
        let r = s.get(
            &format!(
                "/api/v1/cases/{case}/attachments/{original}/proposals?names={}",
                "x".repeat(41)
            ),
            Some(&o.clerk),
        );
        refused(&r, 422, "invalid_input");

        // Outside the department, and the applicant: nothing, as for a case that is not there.
        for path in [
            format!("/api/v1/cases/{case}/attachments/{original}/layout"),
            format!("/api/v1/cases/{case}/attachments/{original}/pages/1"),
            format!("/api/v1/cases/{case}/attachments/{original}/proposals"),
        ] {
            assert_eq!(s.get(&path, Some(&o.other_clerk)).status, 404, "{path}");
        }
        let start_path = format!("/api/v1/cases/{case}/attachments/{original}/redactions");
        let r = s.post(
            &start_path,
            Some(&o.other_clerk),
            json!({"redactions": [over_marker("state_secret", None)]}),
        );
        assert_eq!(r.status, 404, "{}", r.body);

        // Bad input is refused before anything is queued or stored.
        let before = attachment_count(&s, &o.clerk, &case);
        let off_page = json!({"area": {"kind": "box", "page": 1, "x": 500.0, "y": 10.0, "w": 200.0, "h": 10.0},
                              "ground": "internal_affairs"});
        refused(
            &s.post(
                &start_path,
                Some(&o.clerk),
                json!({"redactions": [off_page]}),
            ),
            422,
            "redact_box_outside_page",
        );
        let r = s.post(
            &start_path,
            Some(&o.clerk),
            json!({"redactions": [over_marker("personal_privacy", Some("consented"))]}),
        );
        refused(&r, 422, "redaction_ground_void");
        assert!(
            r.body["detail"].as_str().unwrap().contains("第十五条"),
            "{}",
            r.body
        );
        refused(
            &s.post(
                &start_path,
                Some(&o.clerk),
                json!({"redactions": [over_marker("personal_privacy", Some("objected"))]}),
            ),
            409,
            "third_party_opinion_not_recorded",
        );
        refused(
            &s.post(&start_path, Some(&o.clerk), json!({"redactions": []})),
            422,
            "invalid_input",
        );
        let encrypted = upload(
            &s,
            &o.clerk,
            &case,
            "加密.pdf",
            "application/pdf",
            &pdf_with("x", true),
        );
        let r = s.post(
            &format!("/api/v1/cases/{case}/attachments/{encrypted}/redactions"),
            Some(&o.clerk),
            json!({"redactions": [over_marker("state_secret", None)]}),
        );
        refused(&r, 422, "redact_encrypted");
        assert_eq!(r.body["detail"], "该 PDF 已加密，请提供未加密的文件");
        let word = upload(
            &s,
            &o.clerk,
            &case,
            "说明.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK\x03\x04 not really a document",
        );
        let r = s.get(
            &format!("/api/v1/cases/{case}/attachments/{word}/layout"),
            Some(&o.clerk),
        );
        refused(&r, 422, "redact_unsupported_format");
        assert!(
            r.body["detail"].as_str().unwrap().contains("PDF"),
            "{}",
            r.body
        );
        assert_eq!(attachment_count(&s, &o.clerk, &case), before + 2);

        // The redaction: queued, done, a new file of the case.
        let r = s.post(
            &start_path,
            Some(&o.clerk),
            json!({"redactions": [over_marker("personal_privacy", Some("not_consulted"))]}),
        );
        assert_eq!(r.status, 202, "{}", r.body);
        let job = r.body["id"].as_str().unwrap().to_owned();
        // Only its clerk follows it.
        assert_eq!(
            s.get(
                &format!("/api/v1/cases/{case}/redaction-jobs/{job}"),
                Some(&o.clerk_b)
            )
            .status,
            404
        );
        let done = wait_for(&s, &o.clerk, &case, &job);
        assert_eq!(done["state"], "done", "{done}");
        assert_eq!(
            (done["done"].as_u64(), done["total"].as_u64()),
            (Some(1), Some(1))
        );
        let redacted = done["output"].as_str().unwrap().to_owned();
        let (status, kind, _, out) = bytes_of(
            s.req(
                "GET",
                &format!("/api/v1/attachments/{redacted}"),
                Some(&o.clerk),
            )
            .call(),
        );
        assert_eq!(status, 200);
        assert_eq!(kind, "application/pdf");
        assert!(out.starts_with(b"%PDF-"));
        assert!(
            !contains(&out, MARKER),
            "the marker survived in the redacted file"
        );
        assert!(
            !contains(&out, "/Font") && !contains(&out, "/Info"),
            "not an image-only PDF"
        );

        // The event ties the two files and the part, with its ground and its clerk.
        let d = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body;
        let event = d["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["event"]["kind"]["type"] == "file_redacted")
            .unwrap_or_else(|| panic!("no file_redacted event: {d}"))
            .clone();
        let rec = &event["event"]["kind"]["redaction"];
        assert_eq!(rec["source"]["attachment"], original.as_str());
        assert_eq!(rec["output"]["attachment"], redacted.as_str());
        use sha2::Digest;
        let out_hash: String = sha2::Sha256::digest(&out)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        let in_hash: String = sha2::Sha256::digest(pdf_with(MARKER, false))
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(rec["output"]["sha256"], out_hash.as_str());
        assert_eq!(rec["source"]["sha256"], in_hash.as_str());
        assert_eq!(rec["redactions"][0]["ground"], "personal_privacy");
        assert_eq!(rec["redactions"][0]["third_party"], "not_consulted");
        assert!(rec["method"].as_str().unwrap().contains("150 dpi"), "{rec}");
        assert_eq!(event["event"]["actor"]["role"], "clerk");

        // Made again from the original with the same parts, the file is the same, byte for byte.
        let again = s.post(
            &start_path,
            Some(&o.clerk),
            json!({"redactions": [over_marker("personal_privacy", Some("not_consulted"))]}),
        );
        assert_eq!(again.status, 202, "{}", again.body);
        let again = wait_for(&s, &o.clerk, &case, again.body["id"].as_str().unwrap());
        let (_, _, _, out2) = bytes_of(
            s.req(
                "GET",
                &format!("/api/v1/attachments/{}", again["output"].as_str().unwrap()),
                Some(&o.clerk),
            )
            .call(),
        );
        assert_eq!(out2, out, "the redaction is not reproducible");
        let _ = v;
        let v = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body["case"]["version"]
            .as_u64()
            .unwrap();

        // The release: 予以公开 is refused, the original is refused, 部分公开 names the original.
        let release = |file: &str, outcome: &str| {
            json!({"reply": {"outcome": {"kind": outcome},
                             "text": "您申请的合同中含有第三方个人信息，已作区分处理。",
                             "release": [{"kind": "document", "title": "项目合同", "pages": 1,
                                          "form": "electronic", "file": {"attachment": file}}]}})
        };
        let r = act(
            &s,
            &o.clerk,
            &case,
            "draft_reply",
            v,
            release(&redacted, "disclosed"),
        );
        refused(&r, 422, "redacted_release_not_partial");
        let r = act(
            &s,
            &o.clerk,
            &case,
            "draft_reply",
            v,
            release(&original, "partly_disclosed"),
        );
        refused(&r, 422, "original_has_redacted_version");
        let r = ok(
            &s,
            &o.clerk,
            &case,
            "draft_reply",
            v,
            release(&redacted, "partly_disclosed"),
        );
        let drafted = &r.body["events"][0]["event"]["kind"]["reply"]["release"][0]["file"];
        assert_eq!(drafted["source"], original.as_str(), "{}", r.body);
        let mut v = version_of(&r);
        v = step(
            &s,
            &o.supervisor,
            &case,
            "record_secrecy_review",
            v,
            json!({"conclusion": "separate", "basis": "合同含第三方身份证号码，遮盖后可以公开"}),
        );
        v = step(&s, &o.clerk, &case, "submit_for_review", v, json!({}));
        step(&s, &o.supervisor, &case, "approve_reply", v, json!({}));

        // The letter lists the part and its ground.
        let n = s.get(&format!("/api/v1/cases/{case}/notices"), Some(&o.clerk));
        assert_eq!(n.status, 200, "{}", n.body);
        let reply = n
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["kind"] == "reply.partly_disclosed")
            .unwrap_or_else(|| panic!("{}", n.body))["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, _, letter) = finish_text(
            s.req(
                "GET",
                &format!("/api/v1/notices/{reply}/print"),
                Some(&o.clerk),
            )
            .call(),
        );
        assert_eq!(status, 200, "{letter}");
        assert!(
            letter.contains(
                "《项目合同》：第 1 页 1 处，依据《条例》第十五条，涉及个人隐私（未征求第三方意见）"
            ),
            "{letter}"
        );
        audit_ok(&db);
    }
}

#[test]
fn the_editor_page_draws_nothing_without_its_script_and_takes_rows_by_millimetre() {
    for db in databases("redaction-page") {
        let s = start(&db);
        let o = office(&s);
        let r = s.post("/api/v1/requests", None, filing());
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let mut v = step(&s, &o.clerk, &case, "register", 1, json!({}));
        v = step(&s, &o.clerk, &case, "start_processing", v, json!({}));
        let _ = v;
        let original = upload(
            &s,
            &o.clerk,
            &case,
            "名单.pdf",
            "application/pdf",
            &pdf_with(MARKER, false),
        );
        let cookie = format!("gongkai_session={}", o.clerk);
        // The case page links the editor.
        let (status, _, page) = finish_text(
            ureq::get(&s.url(&format!("/staff/cases/{case}")))
                .set("Cookie", &cookie)
                .call(),
        );
        assert_eq!(status, 200);
        let editor = format!("/staff/cases/{case}/files/{original}/redact");
        assert!(page.contains(&editor), "{page}");
        // The editor: the page image, the rows, its own script allowed by its own policy.
        let (status, headers, page) =
            finish_text(ureq::get(&s.url(&editor)).set("Cookie", &cookie).call());
        assert_eq!(status, 200, "{page}");
        let csp = headers
            .iter()
            .find(|(n, _)| n == "content-security-policy")
            .unwrap()
            .1
            .clone();
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(page.contains("/static/redact.js"));
        assert!(page.contains(&format!("/staff/cases/{case}/files/{original}/pages/1")));
        assert!(page.contains("name=\"r.0.page\""));
        // The search for personal identifiers fills rows that are not applied unless ticked.
        let (status, _, proposed) = finish_text(
            ureq::get(&s.url(&format!("{editor}?propose=1&names=")))
                .set("Cookie", &cookie)
                .call(),
        );
        assert_eq!(status, 200, "{proposed}");
        assert!(
            proposed.contains("身份证号码：110105199003071239"),
            "{proposed}"
        );
        assert!(proposed.contains("默认不采用"), "{proposed}");
        assert!(
            !proposed.contains("name=\"r.0.use\" value=\"1\" checked"),
            "{proposed}"
        );
        // Every other page runs no script at all.
        let (_, headers, _) = finish_text(
            ureq::get(&s.url(&format!("/staff/cases/{case}")))
                .set("Cookie", &cookie)
                .call(),
        );
        let csp = headers
            .iter()
            .find(|(n, _)| n == "content-security-policy")
            .unwrap()
            .1
            .clone();
        assert!(csp.contains("script-src 'none'"), "{csp}");
        // Without a ground: the form comes back with the error, nothing queued.
        let csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap()
            .to_owned();
        let form = |ground: &str| {
            vec![
                ("csrf".to_owned(), csrf.clone()),
                ("r.0.page".to_owned(), "1".to_owned()),
                ("r.0.x".to_owned(), "21".to_owned()),
                ("r.0.y".to_owned(), "41.6".to_owned()),
                ("r.0.w".to_owned(), "141".to_owned()),
                ("r.0.h".to_owned(), "12".to_owned()),
                ("r.0.ground".to_owned(), ground.to_owned()),
            ]
        };
        let send = |fields: Vec<(String, String)>| {
            let pairs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let r = ureq::AgentBuilder::new()
                .redirects(0)
                .build()
                .post(&s.url(&editor))
                .set("Cookie", &cookie)
                .send_form(&pairs);
            finish_text(r)
        };
        let (status, _, page) = send(form(""));
        assert_eq!(status, 422, "{page}");
        assert!(page.contains("请选择遮盖的依据"), "{page}");
        let (status, headers, _) = send(form("internal_affairs"));
        assert_eq!(status, 303);
        let to = headers
            .iter()
            .find(|(n, _)| n == "location")
            .unwrap()
            .1
            .clone();
        assert!(
            to.starts_with(&format!("/staff/cases/{case}/redaction-jobs/")),
            "{to}"
        );
        // The progress page refreshes itself until the file is there.
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let (status, headers, page) =
                finish_text(ureq::get(&s.url(&to)).set("Cookie", &cookie).call());
            assert_eq!(status, 200);
            if page.contains("遮盖后的文件已生成") {
                assert!(!headers.iter().any(|(n, _)| n == "refresh"));
                break;
            }
            assert!(
                headers.iter().any(|(n, v)| n == "refresh" && v == "2"),
                "{page}"
            );
            assert!(Instant::now() < deadline, "{page}");
            std::thread::sleep(Duration::from_millis(200));
        }
        let (_, _, page) = finish_text(
            ureq::get(&s.url(&format!("/staff/cases/{case}")))
                .set("Cookie", &cookie)
                .call(),
        );
        assert!(page.contains("原文件，已作区分处理，不对外提供"), "{page}");
        assert!(page.contains("名单（遮盖后）.pdf"), "{page}");
    }
}

#[test]
fn a_table_is_redacted_by_column_and_keeps_values_only() {
    for db in databases("redaction-table") {
        let s = start(&db);
        let o = office(&s);
        let r = s.post("/api/v1/requests", None, filing());
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let v = step(&s, &o.clerk, &case, "register", 1, json!({}));
        step(&s, &o.clerk, &case, "start_processing", v, json!({}));
        let csv = "项目,承建单位,联系电话\r\n幸福里改造,华宇公司,13800138000\r\n和平路改造,建工集团,13912345678\r\n";
        let table = upload(
            &s,
            &o.clerk,
            &case,
            "项目清单.csv",
            "text/csv",
            csv.as_bytes(),
        );
        let l = s.get(
            &format!("/api/v1/cases/{case}/attachments/{table}/layout"),
            Some(&o.clerk),
        );
        assert_eq!(l.status, 200, "{}", l.body);
        assert_eq!(l.body["kind"], "csv");
        assert_eq!(l.body["sheets"][0]["rows"], 3);
        assert_eq!(l.body["sheets"][0]["cells"][1][2], "13800138000");
        // The mobile numbers are proposed by cell.
        let p = s.get(
            &format!("/api/v1/cases/{case}/attachments/{table}/proposals"),
            Some(&o.clerk),
        );
        assert_eq!(p.status, 200, "{}", p.body);
        let mobiles: Vec<(u64, u64)> = p.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["kind"] == "mobile")
            .map(|i| (i["row"].as_u64().unwrap(), i["column"].as_u64().unwrap()))
            .collect();
        assert_eq!(mobiles, [(1, 2), (2, 2)], "{}", p.body);
        let path = format!("/api/v1/cases/{case}/attachments/{table}/redactions");
        // A box on a table, a column outside it: refused, nothing stored.
        let r = s.post(
            &path,
            Some(&o.clerk),
            json!({"redactions": [over_marker("internal_affairs", None)]}),
        );
        refused(&r, 422, "invalid_input");
        let r = s.post(
            &path,
            Some(&o.clerk),
            json!({"redactions": [{"area": {"kind": "column", "column": 7}, "ground": "internal_affairs"}]}),
        );
        refused(&r, 422, "redact_cell_outside_sheet");
        let r = s.post(
            &path,
            Some(&o.clerk),
            json!({"redactions": [{"area": {"kind": "column", "column": 2},
                                   "ground": "personal_privacy", "third_party": "not_consulted"}]}),
        );
        assert_eq!(r.status, 202, "{}", r.body);
        let done = wait_for(&s, &o.clerk, &case, r.body["id"].as_str().unwrap());
        assert_eq!(done["state"], "done", "{done}");
        let (status, kind, _, out) = bytes_of(
            s.req(
                "GET",
                &format!("/api/v1/attachments/{}", done["output"].as_str().unwrap()),
                Some(&o.clerk),
            )
            .call(),
        );
        assert_eq!(status, 200);
        assert!(kind.starts_with("text/csv"), "{kind}");
        let out = String::from_utf8(out).unwrap();
        assert!(
            !out.contains("13800138000") && !out.contains("13912345678"),
            "{out}"
        );
        assert!(out.contains("幸福里改造,华宇公司,[已遮盖]"), "{out}");
        let d = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body;
        assert!(d.to_string().contains("\"kind\":\"column\""), "{d}");

        // The page: the table's preview and a form of parts by cell, row or column, no script.
        let cookie = format!("gongkai_session={}", o.clerk);
        let editor = format!("/staff/cases/{case}/files/{table}/redact");
        let (status, headers, page) =
            finish_text(ureq::get(&s.url(&editor)).set("Cookie", &cookie).call());
        assert_eq!(status, 200, "{page}");
        assert!(
            page.contains("13912345678") && page.contains("name=\"r.0.column\""),
            "{page}"
        );
        assert!(!page.contains("/static/redact.js"), "{page}");
        let csp = headers
            .iter()
            .find(|(n, _)| n == "content-security-policy")
            .unwrap()
            .1
            .clone();
        assert!(csp.contains("script-src"), "{csp}");
        let csrf = page
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .and_then(|t| t.split('"').next())
            .unwrap()
            .to_owned();
        let r = ureq::AgentBuilder::new()
            .redirects(0)
            .build()
            .post(&s.url(&editor))
            .set("Cookie", &cookie)
            .send_form(&[
                ("csrf", csrf.as_str()),
                ("table", "1"),
                ("r.0.kind", "column"),
                ("r.0.column", "C"),
                ("r.0.ground", "internal_affairs"),
            ]);
        let (status, headers, body) = finish_text(r);
        assert_eq!(status, 303, "{body}");
        let to = headers
            .iter()
            .find(|(n, _)| n == "location")
            .unwrap()
            .1
            .clone();
        assert!(to.contains("/redaction-jobs/"), "{to}");
    }
}
