//! End to end on `gongkai serve`: uploads streamed to disk and limited per file, per case and
//! per applicant, through the API and the staff page's form.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use serde_json::json;
use support::databases;
use support::server::*;

/// Uploads are limited per case and per applicant account, and refused
/// once the case is no longer open; a refused upload leaves no file behind.
#[test]
fn uploads_are_limited_per_case_and_applicant_and_refused_on_closed_cases() {
    for db in databases("api-upload-limits") {
        let s = start_with(
            &db,
            &[
                ("GONGKAI_ATTACHMENTS__MAX_FILES_PER_APPLICANT", "2"),
                ("GONGKAI_ATTACHMENTS__MAX_BYTES_PER_APPLICANT", "3000"),
                ("GONGKAI_ATTACHMENTS__MAX_FILES_PER_CASE", "4"),
                ("GONGKAI_ATTACHMENTS__MAX_BYTES_PER_CASE", "5000"),
            ],
        );
        let o = office(&s);
        let alice = applicant(&s, "alice");
        let r = s.post("/api/v1/requests", Some(&alice), filing());
        assert_eq!(r.status, 201, "{}", r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let upload = |who: &str, name: &str, size: usize| {
            let path = format!("/api/v1/cases/{case}/attachments?filename={name}");
            s.raw(&path, Some(who), "text/plain", &vec![b'x'; size])
        };
        // The applicant's own limit: two files, 3,000 bytes.
        assert_eq!(upload(&alice, "a.txt", 1000).status, 201);
        let r = upload(&alice, "b.txt", 2001);
        refused(&r, 413, "attachments_too_large");
        assert!(
            r.body["detail"].as_str().unwrap().contains("每位申请人"),
            "{}",
            r.body
        );
        assert_eq!(upload(&alice, "b.txt", 2000).status, 201);
        let r = upload(&alice, "c.txt", 10);
        refused(&r, 409, "too_many_attachments");
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .contains("最多上传 2 个附件"),
            "{}",
            r.body
        );
        // The case's limit counts everyone's files: 4 files, 5,000 bytes.
        let r = upload(&o.clerk, "d.txt", 2001);
        refused(&r, 413, "attachments_too_large");
        assert!(
            r.body["detail"].as_str().unwrap().contains("每个案件"),
            "{}",
            r.body
        );
        assert_eq!(upload(&o.clerk, "d.txt", 1000).status, 201);
        assert_eq!(upload(&o.clerk, "e.txt", 10).status, 201);
        let r = upload(&o.clerk, "f.txt", 10);
        refused(&r, 409, "too_many_attachments");
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .contains("每个案件最多 4 个附件"),
            "{}",
            r.body
        );
        let files = s.get(&format!("/api/v1/cases/{case}/attachments"), Some(&o.clerk));
        assert_eq!(files.body.as_array().unwrap().len(), 4);

        // A withdrawn case takes no more files, from anyone.
        let r = s.post("/api/v1/requests", Some(&alice), filing());
        let second = r.body["case_id"].as_str().unwrap().to_owned();
        let version = s
            .get(&format!("/api/v1/my/requests/{second}"), Some(&alice))
            .body["version"]
            .as_u64()
            .unwrap_or(1);
        ok(&s, &alice, &second, "withdraw", version, json!({}));
        for who in [&alice, &o.clerk] {
            let path = format!("/api/v1/cases/{second}/attachments?filename=late.txt");
            let r = s.raw(&path, Some(who), "text/plain", b"too late");
            refused(&r, 409, "case_not_open");
            assert!(
                r.body["detail"].as_str().unwrap().contains("已撤回"),
                "{}",
                r.body
            );
        }
        // Refused uploads left nothing in the attachments folder's incoming area.
        let incoming = db.dir.join("data/attachments/.incoming");
        let left: Vec<_> = std::fs::read_dir(&incoming)
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        assert!(left.is_empty(), "{}: {left:?}", db.name);
    }
}

/// The staff page's upload form: the file is streamed like the API's,
/// stored, and the limits are said on the case page.
#[test]
fn the_staff_upload_form_streams_the_file_and_states_the_limits() {
    let db = databases("api-page-upload").remove(0);
    let s = start_with(&db, &[("GONGKAI_ATTACHMENTS__MAX_FILES_PER_CASE", "1")]);
    let o = office(&s);
    let r = s.post("/api/v1/requests", None, filing());
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.body["case_id"].as_str().unwrap().to_owned();
    let cookie = format!("gongkai_session={}", o.clerk);
    let agent = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(30))
        .build();
    let (status, _, html) = finish_text(
        agent
            .get(&s.url(&format!("/staff/cases/{case}")))
            .set("Accept", "text/html")
            .set("Cookie", &cookie)
            .call(),
    );
    assert_eq!(status, 200, "{html}");
    let csrf = html
        .split("name=\"csrf\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    let send = |bytes: &[u8]| {
        let boundary = "gongkai-test-boundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.txt\"\r\n\
             Content-Type: text/plain\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        finish_text(
            agent
                .post(&s.url(&format!("/staff/cases/{case}/attachments")))
                .set("Accept", "text/html")
                .set("Cookie", &cookie)
                .set(
                    "Content-Type",
                    &format!("multipart/form-data; boundary={boundary}"),
                )
                .send_bytes(&body),
        )
    };
    let (status, headers, _) = send(b"the list");
    assert_eq!(status, 303);
    assert!(
        headers
            .iter()
            .any(|(k, v)| k == "location" && v.ends_with("?done=upload"))
    );
    let files = s.get(&format!("/api/v1/cases/{case}/attachments"), Some(&o.clerk));
    assert_eq!(files.body[0]["size_bytes"], 8, "{}", files.body);
    let (status, _, html) = send(&[b'x'; 4096]);
    assert_eq!(status, 422);
    assert!(html.contains("文件超过 2048 字节的上限"), "{html}");
    let (status, _, html) = send(b"another");
    assert_eq!(status, 409);
    assert!(html.contains("每个案件最多 1 个附件"), "{html}");
    let incoming = db.dir.join("data/attachments/.incoming");
    assert_eq!(std::fs::read_dir(&incoming).unwrap().count(), 0);
}
