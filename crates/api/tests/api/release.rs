//! The release on the reply (issue 19, point 1): a disclosing reply lists what it provides;
//! a released file is a file of the case, its hash and size taken from the store; the events,
//! the case page and the applicant's view carry the release; the staff form keeps its rows.

use super::*;

/// A staff page as the signed-in `token` sees it: (status, html).
fn staff_page(s: &TestApp, token: &str, path: &str) -> (u16, String) {
    let r = s.exec(
        Req::new("GET", path)
            .header("Accept", "text/html")
            .header("Cookie", &format!("gongkai_session={token}")),
    );
    (r.status, r.text)
}

fn csrf(html: &str) -> String {
    html.split("name=\"csrf\" value=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

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

#[test]
fn a_disclosing_reply_lists_its_release_with_the_stored_files() {
    for db in databases("release-api") {
        let s = TestApp::start(db);
        let o = s.office();
        let p = paper(&s, &o.clerk, None);
        let other = paper(&s, &o.clerk, None);
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "start_processing",
            p.version,
            json!({}),
        );
        let file = upload(&s, &o.clerk, &p.case, "plan.pdf", b"%PDF-1.4 the plan");
        let foreign = upload(&s, &o.clerk, &other.case, "other.pdf", b"%PDF-1.4 other");

        // 予以公开 and 部分公开 without a release: refused, naming the field.
        for kind in ["disclosed", "partly_disclosed"] {
            let r = act(
                &s,
                &o.clerk,
                &p.case,
                "draft_reply",
                v,
                json!({"reply": {"outcome": {"kind": kind}, "text": "现予提供"}}),
            );
            refused(&r, 422, "release_required");
            assert_eq!(r.body["errors"][0]["path"], "reply.release", "{}", r.body);
            assert!(r.body["detail"].as_str().unwrap().contains("release"));
        }
        // Another case's file, or none by that id: 422 naming the item; nothing stored.
        let document = |attachment: &Value| {
            json!({"kind": "document", "title": "2025年老旧小区改造计划",
                   "document_number": "朝住建发〔2025〕12号", "pages": 3,
                   "form": "electronic",
                   "file": {"attachment": attachment, "sha256": "0".repeat(64), "size": 1,
                            "source": foreign["id"]}})
        };
        for attachment in [foreign["id"].clone(), json!("no-such-file")] {
            let r = act(
                &s,
                &o.clerk,
                &p.case,
                "draft_reply",
                v,
                json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "现予提供",
                                 "release": [{"kind": "published", "title": "公告",
                                              "location": "政府网站"},
                                             document(&attachment)]}}),
            );
            assert_eq!(r.status, 422, "{}", r.body);
            assert_eq!(r.body["errors"][0]["path"], "reply.release.1", "{}", r.body);
        }
        assert_eq!(detail(&s, &o.clerk, &p.case)["summary"]["version"], v);

        // The case's own file: the hash and size are the stored ones, whatever was sent.
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "现予提供",
                             "release": [document(&file["id"])]}}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let drafted = &r.body["events"][0]["event"]["kind"]["reply"]["release"][0];
        assert_eq!(drafted["file"]["sha256"], file["sha256"], "{drafted}");
        assert_eq!(drafted["file"]["size"], file["size_bytes"], "{drafted}");
        // A `source` (the original of a redacted file) is the redaction's to record, never a
        // client's: another case's file named as one is dropped.
        assert!(drafted["file"].get("source").is_none(), "{drafted}");
        let v = version_of(&r);
        let v = step(&s, &o.clerk, &p.case, "submit_for_review", v, json!({}));
        // Not yet reviewed for secrecy: the approval is refused, and not offered.
        let r = act(&s, &o.supervisor, &p.case, "approve_reply", v, json!({}));
        refused(&r, 409, "secrecy_review_required");
        let (_, html) = staff_page(&s, &o.supervisor, &format!("/staff/cases/{}", p.case));
        assert!(!html.contains("id=\"action-approve_reply\""));
        assert!(html.contains("id=\"action-record_secrecy_review\""));
        assert!(html.contains("尚未进行保密审查"));
        // The clerk who drafted may not review, nor may a clerk not granted it.
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "record_secrecy_review",
            v,
            gongkai_testkit::secrecy_review_json(),
        );
        refused(&r, 403, "not_secrecy_reviewer");
        let r = act(
            &s,
            &o.supervisor,
            &p.case,
            "record_secrecy_review",
            v,
            json!({"conclusion": "may_disclose", "basis": "  "}),
        );
        refused(&r, 422, "invalid_input");
        let v = step(
            &s,
            &o.supervisor,
            &p.case,
            "record_secrecy_review",
            v,
            gongkai_testkit::secrecy_review_json(),
        );
        let (_, html) = staff_page(&s, &o.clerk, &format!("/staff/cases/{}", p.case));
        let review = html.split("id=\"secrecy-review\"").nth(1).unwrap();
        assert!(review.contains("保密审查：可以公开"), "{review}");
        let r = act(&s, &o.supervisor, &p.case, "approve_reply", v, json!({}));
        assert_eq!(r.status, 200, "{}", r.body);
        let approved = &r.body["events"][0]["event"]["kind"];
        assert_eq!(approved["type"], "reply_approved");
        assert_eq!(approved["release"][0]["file"]["sha256"], file["sha256"]);

        // Staff read the release with the file; the applicant the titles and forms.
        let (_, html) = staff_page(&s, &o.clerk, &format!("/staff/cases/{}", p.case));
        let listed = html.split("id=\"release\"").nth(1).unwrap();
        assert!(
            listed.contains("《2025年老旧小区改造计划》（朝住建发〔2025〕12号），3 页，电子文档")
        );
        assert!(listed.contains("plan.pdf"), "{listed}");
        assert!(
            listed.contains(file["sha256"].as_str().unwrap()),
            "{listed}"
        );
        let seen = lookup(&s, &p.tracking, &p.code);
        assert_eq!(
            seen["reply"]["release"][0]["title"], "2025年老旧小区改造计划",
            "{seen}"
        );
        assert!(
            !seen.to_string().contains(foreign["id"].as_str().unwrap()),
            "{seen}"
        );
    }
}

#[test]
fn the_reply_form_takes_release_rows_and_keeps_them() {
    for db in databases("release-form") {
        let s = TestApp::start(db);
        let o = s.office();
        let p = paper(&s, &o.clerk, None);
        step(
            &s,
            &o.clerk,
            &p.case,
            "start_processing",
            p.version,
            json!({}),
        );
        let file = upload(&s, &o.clerk, &p.case, "plan.pdf", b"%PDF-1.4 the plan");
        let path = format!("/staff/cases/{}", p.case);
        let (_, html) = staff_page(&s, &o.clerk, &path);
        let form = html
            .split("id=\"action-draft_reply\"")
            .nth(1)
            .unwrap()
            .split("</details>")
            .next()
            .unwrap();
        // Five rows; the file select offers the case's files.
        assert!(form.contains("name=\"reply.release.4.title\""), "{form}");
        assert!(
            form.contains(&format!(
                "<option value=\"{}\">plan.pdf</option>",
                file["id"].as_str().unwrap()
            )),
            "{form}"
        );
        let token = csrf(&html);
        let id = file["id"].as_str().unwrap().to_owned();
        let post = |fields: &[(&str, &str)]| {
            s.exec(
                Req::new("POST", &format!("{path}/draft_reply"))
                    .header("Accept", "text/html")
                    .header("Cookie", &format!("gongkai_session={}", o.clerk))
                    .form(fields),
            )
        };
        // Row 2 (the first used) is an electronic document without its file: refused beside
        // that row, everything typed kept.
        let r = post(&[
            ("csrf", &token),
            ("version", "3"),
            ("reply.outcome:outcome", "disclosed"),
            ("reply.text", "现予提供"),
            ("reply.release.1.kind", "published"),
            ("reply.release.1.title", "公告"),
            ("reply.release.1.location", "区政府网站"),
            ("reply.release.2.kind", "document"),
            ("reply.release.2.title", "改造计划"),
            ("reply.release.2.form", "electronic"),
        ]);
        assert_eq!(r.status, 422, "{}", r.text);
        let error = r
            .text
            .split("id=\"e-draft_reply-reply.release.2.kind\"")
            .nth(1)
            .unwrap_or_else(|| panic!("no error beside row 3: {}", r.text));
        assert!(error.contains("第 2 项"), "{error}");
        assert!(r.text.contains("value=\"区政府网站\""));
        assert!(r.text.contains("value=\"改造计划\""));
        // Without any row: the error sits beside the first row.
        let r = post(&[
            ("csrf", &token),
            ("version", "3"),
            ("reply.outcome:outcome", "disclosed"),
            ("reply.text", "现予提供"),
        ]);
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(r.text.contains("id=\"e-draft_reply-reply.release.0.kind\""));
        // With the file chosen: drafted, and the form comes back filled from the draft.
        let r = post(&[
            ("csrf", &token),
            ("version", "3"),
            ("reply.outcome:outcome", "disclosed"),
            ("reply.text", "现予提供"),
            ("reply.release.0.kind", "document"),
            ("reply.release.0.title", "改造计划"),
            ("reply.release.0.pages:n", "2"),
            ("reply.release.0.form", "electronic"),
            ("reply.release.0.file.attachment", &id),
        ]);
        assert_eq!(r.status, 303, "{}", r.text);
        let d = detail(&s, &o.clerk, &p.case);
        let item = &d["case"]["draft"]["reply"]["release"][0];
        assert_eq!(item["file"]["sha256"], file["sha256"], "{item}");
        assert_eq!(item["file"]["pages"], 2, "{item}");
        let (_, html) = staff_page(&s, &o.clerk, &path);
        let form = html.split("id=\"action-draft_reply\"").nth(1).unwrap();
        assert!(form.contains("value=\"改造计划\""), "{form}");
        assert!(
            form.contains(&format!(
                "<option value=\"{id}\" selected>plan.pdf</option>"
            )),
            "{form}"
        );
    }
}

#[test]
fn an_admin_grants_and_withdraws_the_secrecy_review() {
    for db in databases("release-secrecy-permission") {
        let s = TestApp::start(db);
        let o = s.office();
        let users = s.get("/api/v1/admin/users", Some(&o.admin));
        assert_eq!(users.status, 200, "{}", users.body);
        let user = |name: &str| {
            users
                .body
                .as_array()
                .unwrap()
                .iter()
                .find(|u| u["username"] == name)
                .unwrap()
                .clone()
        };
        // Supervisors have it by default, clerks do not.
        assert_eq!(user("super1")["secrecy_reviewer"], true);
        assert_eq!(user("clerk2")["secrecy_reviewer"], false);
        let change = |name: &str, body: Value| {
            s.post(
                &format!("/api/v1/admin/users/{}", user(name)["id"].as_str().unwrap()),
                Some(&o.admin),
                body,
            )
        };
        // Only for those who handle requests.
        let r = change("admin", json!({"secrecy_reviewer": true}));
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.body["errors"][0]["path"], "secrecy_reviewer");
        let r = change("clerk2", json!({"secrecy_reviewer": true}));
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["user"]["secrecy_reviewer"], true);
        let r = change("super1", json!({"secrecy_reviewer": false}));
        assert_eq!(r.body["user"]["secrecy_reviewer"], false);

        let p = paper(&s, &o.clerk, None);
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "start_processing",
            p.version,
            json!({}),
        );
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "现予提供",
                             "release": gongkai_testkit::release_json()}}),
        );
        let review = gongkai_testkit::secrecy_review_json();
        let r = act(
            &s,
            &o.supervisor,
            &p.case,
            "record_secrecy_review",
            v,
            review.clone(),
        );
        refused(&r, 403, "not_secrecy_reviewer");
        // The clerk granted it reviews a colleague's draft.
        let r = act(&s, &o.clerk_b, &p.case, "record_secrecy_review", v, review);
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(last_event(&r), "secrecy_reviewed");

        // The admin page's user form sets it too.
        let id = user("super1")["id"].as_str().unwrap().to_owned();
        let page = s.exec(
            Req::new("GET", "/admin")
                .header("Accept", "text/html")
                .header("Cookie", &format!("gongkai_session={}", o.admin)),
        );
        assert!(
            page.text.contains("name=\"secrecy_reviewer:b\""),
            "{}",
            page.text
        );
        let r = s.exec(
            Req::new("POST", &format!("/admin/users/{id}/edit"))
                .header("Accept", "text/html")
                .header("Cookie", &format!("gongkai_session={}", o.admin))
                .form(&[
                    ("csrf", &csrf(&page.text)),
                    ("display_name", "审核人一"),
                    ("role", "supervisor"),
                    ("departments", "gk-gkb"),
                    ("secrecy_reviewer:b", "true"),
                ]),
        );
        assert!(r.status < 400, "{}: {}", r.status, r.text);
        let users = s.get("/api/v1/admin/users", Some(&o.admin));
        let super1 = users
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == "super1")
            .unwrap()
            .clone();
        assert_eq!(super1["secrecy_reviewer"], true, "{super1}");
    }
}
