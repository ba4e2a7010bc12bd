//! End to end: `gongkai serve` sends its notices to a real SMTP server (aiosmtpd, from PyPI),
//! and a mail server that is down loses nothing and duplicates nothing.
//!
//! aiosmtpd is installed by .ci/run, which also sets GONGKAI_TEST_REQUIRE_SMTP=1 so that these
//! tests fail instead of skipping when it is missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashSet;
use std::process::Command;
use std::time::{Duration, Instant};

use gongkai_testkit::smtp::{Smtp, free_port, smtp_available};
use gongkai_testkit::wait::poll;
use gongkai_testkit::wait_until;
use serde_json::{Value, json};
use support::server::*;
use support::{Binary, Db, databases};

fn smtp_env(port: &str) -> Vec<(&'static str, String)> {
    vec![
        ("GONGKAI_MAIL__TRANSPORT", "smtp".to_owned()),
        ("GONGKAI_MAIL__SMTP_HOST", "127.0.0.1".to_owned()),
        ("GONGKAI_MAIL__SMTP_PORT", port.to_owned()),
        ("GONGKAI_MAIL__SMTP_TIMEOUT_SECONDS", "3".to_owned()),
        ("GONGKAI_MAIL__POLL_MILLISECONDS", "100".to_owned()),
        ("GONGKAI_MAIL__RETRY_FIRST_SECONDS", "1".to_owned()),
        ("GONGKAI_MAIL__RETRY_MAX_SECONDS", "2".to_owned()),
        ("GONGKAI_MAIL__MAX_ATTEMPTS", "100".to_owned()),
        (
            "GONGKAI_MAIL__FROM",
            "某市人民政府信息公开办公室 <gongkai@example.gov.cn>".to_owned(),
        ),
    ]
}

fn start_smtp_server(db: &Db, env: &[(&'static str, String)]) -> Server {
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    start_with(db, &env)
}

/// Files a request online and registers it: (case id, tracking number, due date as the
/// notice writes it — with the provisional note when the due date lies in a year whose holiday
/// notice is not loaded yet, as in December).
fn registered(s: &Server, o: &Office, name: &str) -> (String, String, String) {
    let mut filing = filing();
    filing["applicant"]["name"] = json!(name);
    let r = s.post("/api/v1/requests", None, filing);
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.body["case_id"].as_str().unwrap().to_owned();
    let r = ok(s, &o.clerk, &case, "register", 1, json!({}));
    let mut due = date_zh(r.body["due"]["due_date"].as_str().unwrap());
    if r.body["due"]["provisional"].as_bool().unwrap() {
        due.push_str("（暂定，以当年节假日安排为准）");
    }
    let detail = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk));
    let tracking = detail.body["summary"]["tracking_number"]
        .as_str()
        .unwrap()
        .to_owned();
    (case, tracking, due)
}

/// 2026-12-21 → 2026年12月21日.
fn date_zh(iso: &str) -> String {
    let parts: Vec<u32> = iso.split('-').map(|p| p.parse().unwrap()).collect();
    format!("{}年{}月{}日", parts[0], parts[1], parts[2])
}

#[test]
fn the_acknowledgment_reaches_a_real_smtp_server_in_readable_chinese() {
    if !smtp_available() {
        return;
    }
    for db in databases("mail-smtp") {
        let port = free_port();
        let smtp = Smtp::start(&db.dir, port);
        let s = start_smtp_server(&db, &smtp_env(&port.to_string()));
        let o = office(&s);
        let (case, tracking, due) = registered(&s, &o, "张三");

        let got = smtp.wait_for(1, Duration::from_secs(30));
        assert_eq!(got.len(), 1, "{}: {got:?}", db.name);
        let m = &got[0];
        assert_eq!(
            m["subject"],
            format!("政府信息公开申请受理回执（{tracking}）"),
            "{m}"
        );
        // Encoded for mail clients (RFC 2047), not raw UTF-8 in the header.
        let raw = m["raw_subject"].as_str().unwrap();
        assert!(raw.is_ascii() && raw.contains("=?utf-8?"), "{raw}");
        assert!(
            m["to"].as_str().unwrap().contains("zhangsan@example.com"),
            "{m}"
        );
        assert!(
            m["from"]
                .as_str()
                .unwrap()
                .contains("某市人民政府信息公开办公室"),
            "{m}"
        );
        let body = m["body"].as_str().unwrap();
        assert!(body.contains(&tracking), "{body}");
        assert!(body.contains(&format!("答复期限：{due}前")), "{body}");
        assert!(
            body.contains("查询码"),
            "online filings are reminded of their query code"
        );
        assert!(body.contains("某市人民政府"), "{body}");

        // The outbox keeps the record, under the Message-ID that arrived (recorded just after
        // the server took the message).
        let deadline = Instant::now() + Duration::from_secs(10);
        let notices = poll(deadline, || {
            let n = s.get(&format!("/api/v1/cases/{case}/notices"), Some(&o.clerk));
            assert_eq!(n.status, 200, "{}", n.body);
            match n.body[0]["status"] == "sent" {
                true => Ok(n),
                false => Err(n),
            }
        })
        .unwrap_or_else(|n| n);
        let row = &notices.body[0];
        assert_eq!(row["kind"], "acknowledgment");
        assert_eq!(row["status"], "sent");
        assert_eq!(row["message_id"], m["message_id"]);
        assert_eq!(row["sent_to"], "zhangsan@example.com");

        // The same notice as a printable page, for the paper file.
        let id = row["id"].as_str().unwrap();
        let page = s
            .req(
                "GET",
                &format!("/api/v1/notices/{id}/print"),
                Some(&o.clerk),
            )
            .call()
            .unwrap();
        assert!(page.content_type().starts_with("text/html"));
        let html = page.into_string().unwrap();
        assert!(html.contains(&tracking) && html.contains("印章") && html.contains("@page"));
        // Another department's clerk does not see it (404, as for a missing id).
        let r = s.get(&format!("/api/v1/notices/{id}/print"), Some(&o.other_clerk));
        assert_eq!(r.status, 404);
    }
}

#[test]
fn with_the_mail_server_down_notices_wait_and_then_arrive_exactly_once() {
    if !smtp_available() {
        return;
    }
    for db in databases("mail-outage") {
        // Nobody listens on the port yet.
        let port = free_port();
        let s = start_smtp_server(&db, &smtp_env(&port.to_string()));
        let o = office(&s);
        let mut trackings = Vec::new();
        for name in ["张三", "李四", "王五"] {
            trackings.push(registered(&s, &o, name).1);
        }
        // The dispatcher tries, fails and keeps every notice queued.
        wait_until(db.name, Duration::from_secs(30), || {
            let r = s.get("/api/v1/outbox?status=pending", Some(&o.admin));
            assert_eq!(r.status, 200, "{}", r.body);
            let rows = r.body.as_array().unwrap();
            match rows.len() == 3
                && rows
                    .iter()
                    .all(|n| n["attempts"].as_i64().unwrap() >= 1 && !n["last_error"].is_null())
            {
                true => Ok(()),
                false => Err(r.body),
            }
        });

        // The server comes back: everything arrives, once.
        let smtp = Smtp::start(&db.dir, port);
        let got = smtp.wait_for(3, Duration::from_secs(30));
        assert_eq!(got.len(), 3, "{}: {got:?}", db.name);
        // Once every notice is recorded as sent, nothing is left to send: whatever arrived
        // by then is all that ever arrives.
        wait_until(
            "all three recorded as sent",
            Duration::from_secs(30),
            || {
                let sent = s.get("/api/v1/outbox?status=sent", Some(&o.admin));
                let pending = s.get("/api/v1/outbox?status=pending", Some(&o.admin));
                match (sent.body.as_array(), pending.body.as_array()) {
                    (Some(a), Some(b)) if a.len() == 3 && b.is_empty() => Ok(()),
                    _ => Err((sent.body, pending.body)),
                }
            },
        );
        let got = smtp.received();
        assert_eq!(got.len(), 3, "nothing is sent twice: {got:?}");
        let ids: HashSet<&str> = got
            .iter()
            .map(|m| m["message_id"].as_str().unwrap())
            .collect();
        assert_eq!(ids.len(), 3);
        for t in &trackings {
            assert!(
                got.iter()
                    .any(|m| m["subject"].as_str().unwrap().contains(t.as_str())),
                "{t} arrived"
            );
        }
        let sent = s.get("/api/v1/outbox?status=sent", Some(&o.admin));
        let sent_ids: HashSet<&str> = sent
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["message_id"].as_str().unwrap())
            .collect();
        assert_eq!(sent_ids, ids);
        // Clerks do not manage the outbox; supervisors see their departments'.
        assert_eq!(s.get("/api/v1/outbox", Some(&o.clerk)).status, 403);
        let theirs = s.get("/api/v1/outbox?status=sent", Some(&o.supervisor));
        assert_eq!(theirs.body.as_array().unwrap().len(), 3);
        // Operators watch the outbox in /metrics.
        let metrics = ureq::get(&s.url("/metrics"))
            .set("Authorization", &format!("Bearer {METRICS_TOKEN}"))
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        assert!(
            metrics.contains("gongkai_notices{status=\"sent\"} 3"),
            "{metrics}"
        );
        assert!(
            metrics.contains("gongkai_notices{status=\"failed\"} 0"),
            "{metrics}"
        );
    }
}

#[test]
fn a_broken_template_is_refused_when_saved_and_a_good_one_is_used_for_the_next_notice() {
    for db in databases("mail-templates") {
        let s = start(&db);
        let o = office(&s);
        let list = s.get("/api/v1/admin/templates", Some(&o.admin));
        assert_eq!(list.status, 200, "{}", list.body);
        let keys: Vec<&str> = list
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["key"].as_str().unwrap())
            .collect();
        assert!(keys.contains(&"acknowledgment") && keys.contains(&"reply.not_disclosed"));

        let broken = json!({"subject": "回执 {{ tracking_number }}",
                            "body": "{{ applicant }}：\n\n{% if due_date %}没有结束标签\n"});
        let r = s.send(
            "PUT",
            "/api/v1/admin/templates/acknowledgment",
            Some(&o.admin),
            broken,
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.body["errors"][0]["path"], "body");
        assert!(
            r.body["errors"][0]["message"]
                .as_str()
                .unwrap()
                .contains("第 3 行"),
            "{}",
            r.body
        );
        let typo = json!({"subject": "回执 {{ trackingnumber }}", "body": "正文"});
        let r = s.send(
            "PUT",
            "/api/v1/admin/templates/acknowledgment",
            Some(&o.admin),
            typo,
        );
        assert_eq!(r.status, 422, "{}", r.body);
        assert_eq!(r.body["errors"][0]["path"], "subject");
        // Nothing was stored by the refusals.
        let list = s.get("/api/v1/admin/templates", Some(&o.admin));
        let ack = list
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["key"] == "acknowledgment")
            .unwrap()
            .clone();
        assert_eq!(ack["overridden"], false);

        let good = json!({"subject": "受理通知（{{ tracking_number }}）",
                          "body": "{{ applicant }}：您的申请已登记，答复期限 {{ due_date }}。"});
        let preview = s.post(
            "/api/v1/admin/templates/acknowledgment/preview",
            Some(&o.admin),
            good.clone(),
        );
        assert_eq!(preview.status, 200, "{}", preview.body);
        assert_eq!(preview.body["subject"], "受理通知（GK-2026-000123）");
        let r = s.send(
            "PUT",
            "/api/v1/admin/templates/acknowledgment",
            Some(&o.admin),
            good,
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(
            s.send(
                "PUT",
                "/api/v1/admin/templates/acknowledgment",
                Some(&o.clerk),
                json!({"subject": "x", "body": "y"})
            )
            .status,
            403
        );
        assert_eq!(
            s.send(
                "PUT",
                "/api/v1/admin/templates/no_such",
                Some(&o.admin),
                json!({"subject": "x", "body": "y"})
            )
            .status,
            404
        );

        // The embedded default writes .eml files into ./data/mail: the next notice uses the
        // admin's text.
        let (_, tracking, _) = registered(&s, &o, "张三");
        // The file is written before the row is marked sent: wait for the record.
        let sent = wait_until(
            &format!("{}: something sent", db.name),
            Duration::from_secs(30),
            || {
                let r = s.get("/api/v1/outbox?status=sent", Some(&o.admin));
                match r.body.as_array().and_then(|a| a.first()) {
                    Some(first) => Ok(first.clone()),
                    None => Err(r.body),
                }
            },
        );
        assert_eq!(sent["subject"], format!("受理通知（{tracking}）"), "{sent}");
        let id = sent["id"].as_str().unwrap();
        let eml = std::fs::read_to_string(db.dir.join(format!("data/mail/{id}.eml"))).unwrap();
        assert!(eml.contains("Message-ID: <"), "{eml}");
        let r = s.send(
            "DELETE",
            "/api/v1/admin/templates/acknowledgment",
            Some(&o.admin),
            Value::Null,
        );
        assert_eq!(r.status, 204, "{}", r.body);
    }
}

#[test]
fn a_worker_alone_sends_what_serve_queued() {
    for db in databases("mail-worker") {
        let s = start_with(&db, &[("GONGKAI_MAIL__DISPATCH_IN_SERVE", "false")]);
        let o = office(&s);
        let (case, tracking, _) = registered(&s, &o, "张三");
        // No wait is needed to show that serve sends nothing itself: the worker below sends
        // this very notice ("sent 1 notices"), which it could not if serve had sent it.
        let queued = s.get(&format!("/api/v1/cases/{case}/notices"), Some(&o.clerk));
        assert_eq!(
            queued.body[0]["status"], "pending",
            "serve sends nothing itself"
        );

        let out = db.run(&["worker", "--once"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}: {stdout} {}",
            db.name,
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(stdout.contains("sent 1 notices"), "{stdout}");
        let sent = s.get(&format!("/api/v1/cases/{case}/notices"), Some(&o.clerk));
        assert_eq!(sent.body[0]["status"], "sent");
        let id = sent.body[0]["id"].as_str().unwrap();
        let eml = std::fs::read_to_string(db.dir.join(format!("data/mail/{id}.eml"))).unwrap();
        assert!(eml.contains(&format!(
            "Message-ID: {}",
            sent.body[0]["message_id"].as_str().unwrap()
        )));
        assert!(
            sent.body[0]["subject"]
                .as_str()
                .unwrap()
                .contains(&tracking)
        );

        // A bad setting is refused with its name, before anything is sent.
        let out = Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args(["worker", "--once"])
            .current_dir(&db.dir)
            .env("DATABASE_URL", db.binary_url())
            .env("GONGKAI_MAIL__SMTP_SECURITY", "ssl")
            .output()
            .unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("mail.smtp_security"), "{stderr}");
    }
}

#[test]
fn staff_addresses_are_kept_by_admins_and_assignments_reach_them() {
    for db in databases("mail-staff-e2e") {
        let s = start(&db);
        let o = office(&s);
        let clerk_id = user_id(&s, &o.admin, "clerk1");
        let path = format!("/api/v1/admin/users/{clerk_id}");
        let bad = s.post(&path, Some(&o.admin), json!({"email": "clerk1 at example"}));
        assert_eq!(bad.status, 422, "{}", bad.body);
        assert_eq!(bad.body["errors"][0]["path"], "email");
        let good = s.post(
            &path,
            Some(&o.admin),
            json!({"email": "clerk1@example.gov.cn"}),
        );
        assert_eq!(good.status, 200, "{}", good.body);
        assert_eq!(good.body["user"]["email"], "clerk1@example.gov.cn");

        let (case, tracking, _) = registered(&s, &o, "张三");
        let r = ok(
            &s,
            &o.supervisor,
            &case,
            "assign",
            2,
            json!({"assignee": clerk_id}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        let a = wait_until(db.name, Duration::from_secs(30), || {
            let n = s.get(&format!("/api/v1/cases/{case}/notices"), Some(&o.clerk));
            let assigned = n
                .body
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["kind"] == "assigned")
                .cloned();
            assigned.filter(|a| a["status"] == "sent").ok_or(n.body)
        });
        assert_eq!(a["recipient"], "assignee");
        assert_eq!(a["sent_to"], "clerk1@example.gov.cn");
        assert!(a["subject"].as_str().unwrap().contains(&tracking));
        // "" removes the address.
        let cleared = s.post(&path, Some(&o.admin), json!({"email": ""}));
        assert_eq!(cleared.status, 200, "{}", cleared.body);
        assert!(cleared.body["user"]["email"].is_null());
    }
}

/// Registers `case` and replies to it with a release of one file holding `content`: the
/// released attachment's id, and the id of an internal paper of the case, not released.
fn replied_with_file(s: &Server, o: &Office, case: &str, content: &str) -> (String, String) {
    let mut v = step(s, &o.clerk, case, "start_processing", 2, json!({}));
    let up = s.raw(
        &format!("/api/v1/cases/{case}/attachments?filename=list.txt"),
        Some(&o.clerk),
        "text/plain",
        content.as_bytes(),
    );
    assert_eq!(up.status, 201, "{}", up.body);
    let file = up.body["id"].as_str().unwrap().to_owned();
    let memo = s.raw(
        &format!("/api/v1/cases/{case}/attachments?filename=memo.txt"),
        Some(&o.clerk),
        "text/plain",
        "内部审批意见".as_bytes(),
    );
    assert_eq!(memo.status, 201, "{}", memo.body);
    let memo = memo.body["id"].as_str().unwrap().to_owned();
    v = step(
        s,
        &o.clerk,
        case,
        "draft_reply",
        v,
        json!({"reply": {"outcome": {"kind": "disclosed"},
                         "text": "经审查，您申请的信息予以公开。",
                         "release": [{"kind": "document", "title": "项目清单", "pages": 1,
                                      "form": "electronic", "file": {"attachment": file}}]}}),
    );
    v = step(
        s,
        &o.supervisor,
        case,
        "record_secrecy_review",
        v,
        json!({"conclusion": "may_disclose", "basis": "不涉及保密事项"}),
    );
    v = step(s, &o.clerk, case, "submit_for_review", v, json!({}));
    step(s, &o.supervisor, case, "approve_reply", v, json!({}));
    (file, memo)
}

/// The reply e-mail of `tracking`, once it arrived.
fn reply_mail(smtp: &Smtp, tracking: &str) -> Value {
    wait_until("the reply e-mail arrives", Duration::from_secs(30), || {
        let got = smtp.received();
        got.into_iter()
            .find(|m| {
                let subject = m["subject"].as_str().unwrap_or_default();
                subject.contains("答复书") && subject.contains(tracking)
            })
            .ok_or(())
    })
}

/// The reply to an applicant who chose e-mail carries the letter as PDF and the released file
/// while they fit the limit; beyond it, a link that opens the files, is recorded as the
/// delivery on first use, and is kept in the outbox without its token.
#[test]
fn a_reply_by_email_carries_the_release_or_a_link_to_it() {
    if !smtp_available() {
        return;
    }
    for db in databases("mail-release") {
        let port = free_port();
        let smtp = Smtp::start(&db.dir, port);
        let content = "改造项目：幸福里小区、和平路小区。";
        let digest = {
            use sha2::Digest;
            format!("{:x}", sha2::Sha256::digest(content.as_bytes()))
        };

        // Within the limit: attached.
        let s = start_smtp_server(&db, &smtp_env(&port.to_string()));
        let o = office(&s);
        let (case, tracking, _) = registered(&s, &o, "张三");
        replied_with_file(&s, &o, &case, content);
        let m = reply_mail(&smtp, &tracking);
        let files = m["attachments"].as_array().unwrap();
        let list = files
            .iter()
            .find(|f| f["filename"] == "list.txt")
            .unwrap_or_else(|| panic!("{m}"));
        assert_eq!(list["sha256"], digest.as_str());
        assert!(files.iter().all(|f| f["filename"] != "memo.txt"), "{m}");
        if gongkai_documents::Font::find_default().is_some() {
            assert!(
                files.iter().any(|f| f["content_type"] == "application/pdf"),
                "the letter's PDF: {m}"
            );
        }
        assert!(m["body"].as_str().unwrap().contains("附件："), "{m}");
        drop(s);

        // Beyond it: a link.
        let mut env = smtp_env(&port.to_string());
        env.push(("GONGKAI_DELIVERY__EMAIL_ATTACH_MAX_BYTES", "10".to_owned()));
        env.push((
            "GONGKAI_MAIL__BASE_URL",
            "https://gongkai.example.gov.cn".to_owned(),
        ));
        let s = start_smtp_server(&db, &env);
        let mut f = filing();
        f["applicant"]["name"] = json!("李四");
        let r = s.post("/api/v1/requests", None, f);
        assert_eq!(r.status, 201, "{}", r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        ok(&s, &o.clerk, &case, "register", 1, json!({}));
        let tracking = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body["summary"]
            ["tracking_number"]
            .as_str()
            .unwrap()
            .to_owned();
        let (file, memo) = replied_with_file(&s, &o, &case, content);
        let m = reply_mail(&smtp, &tracking);
        assert!(
            m["attachments"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["filename"] != "list.txt"),
            "{m}"
        );
        let body = m["body"].as_str().unwrap();
        let prefix = "https://gongkai.example.gov.cn/release/";
        let at = body.find(prefix).unwrap_or_else(|| panic!("{body}"));
        let token: String = body[at + prefix.len()..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .collect();
        assert_eq!(token.len(), 64, "{body}");
        assert!(body.contains("前通过以下链接下载"), "{body}");

        let page = s
            .req("GET", &format!("/release/{token}"), None)
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        assert!(
            page.contains(&format!("/release/{token}/files/{file}")),
            "{page}"
        );
        let got = s
            .req("GET", &format!("/release/{token}/files/{file}"), None)
            .call()
            .unwrap()
            .into_string()
            .unwrap();
        assert_eq!(got, content);
        // The case's internal paper is not reachable through the link.
        let r = s
            .req("GET", &format!("/release/{token}/files/{memo}"), None)
            .call();
        assert!(matches!(r, Err(ureq::Error::Status(404, _))));
        // A wrong token: the same 404 page as an unknown one, in Chinese.
        for bad in ["0".repeat(64), "nonsense".to_owned()] {
            let r = s.req("GET", &format!("/release/{bad}"), None).call();
            let Err(ureq::Error::Status(404, r)) = r else {
                panic!("{bad}: not 404")
            };
            assert!(r.into_string().unwrap().contains("lang=\"zh-CN\""));
        }
        // The first retrieval through the mail's link is the delivery (电子邮件).
        let d = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body;
        let delivered = d["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["event"]["kind"]["type"] == "delivered")
            .unwrap_or_else(|| panic!("{d}"));
        assert_eq!(delivered["event"]["kind"]["method"], "email");
        // The outbox keeps the text without the token.
        let notices = s.get(&format!("/api/v1/cases/{case}/notices"), Some(&o.clerk));
        assert!(
            !notices.body.to_string().contains(&token),
            "{}",
            notices.body
        );
    }
}
