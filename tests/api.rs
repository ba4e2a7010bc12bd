//! End-to-end tests of `gongkai serve`: the real binary on a free port, driven over HTTP, on
//! SQLite and (with GONGKAI_TEST_DATABASE_URL) on PostgreSQL: a request's life, a correction,
//! two clerks at once, the operations endpoints, SIGKILL and SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;
use std::time::Duration;

use gongkai_testkit::wait_until;
use serde_json::{Value, json};
use support::databases;
use support::server::*;

#[test]
fn online_request_from_filing_to_archive() {
    for db in databases("api-lifecycle") {
        let s = start(&db);
        let o = office(&s);
        // Filed without an account: a query code, no tracking number until a clerk confirms.
        let r = s.post("/api/v1/requests", None, filing());
        assert_eq!(r.status, 201, "{}: {}", db.name, r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let code = r.body["query_code"].as_str().unwrap().to_owned();
        assert_eq!(r.body["status"], "received");
        assert!(r.body["tracking_number"].is_null());
        let look = s.post(
            "/api/v1/lookup",
            None,
            json!({"reference": case, "query_code": code}),
        );
        assert_eq!(look.status, 200, "{}", look.body);
        assert_eq!(look.body["applicant"]["id_document"], "110101********4514");
        let wrong = s.post(
            "/api/v1/lookup",
            None,
            json!({"reference": case, "query_code": "AAAAAAAAAAAA"}),
        );
        assert_eq!(wrong.status, 404);

        // The clerk finds it in the queue and registers it.
        let q = s.get("/api/v1/cases?status=received", Some(&o.clerk));
        assert_eq!(q.status, 200, "{}", q.body);
        assert!(
            q.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == case)
        );
        let r = act(&s, &o.clerk, &case, "register", 1, json!({}));
        assert_eq!(r.status, 200, "{}", r.body);
        let v = r.body["version"].as_u64().unwrap();
        let due = r.body["due"]["due_date"].as_str().unwrap().to_owned();
        assert!(!r.body["due"]["explanation"].as_array().unwrap().is_empty());
        let detail = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk));
        let tracking = detail.body["summary"]["tracking_number"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(tracking.starts_with("GK-"), "{tracking}");
        // The filing reference keeps working after registration (the applicant may not have
        // the tracking number yet), and shows it.
        let look = s.post(
            "/api/v1/lookup",
            None,
            json!({"reference": case, "query_code": code}),
        );
        assert_eq!(
            look.body["tracking_number"],
            tracking.as_str(),
            "{}",
            look.body
        );

        let v = step(&s, &o.clerk, &case, "start_processing", v, json!({}));
        let reply = json!({"reply": {"outcome": {"kind": "disclosed"},
                                     "text": "经查，现将您申请的信息提供如下。",
                                     "release": gongkai_testkit::release_json()}});
        let v = step(&s, &o.clerk, &case, "draft_reply", v, reply);
        let v = step(
            &s,
            &o.supervisor,
            &case,
            "record_secrecy_review",
            v,
            gongkai_testkit::secrecy_review_json(),
        );
        let v = step(&s, &o.clerk, &case, "submit_for_review", v, json!({}));
        // The clerk cannot approve; the supervisor finds it in the review queue.
        let r = act(&s, &o.clerk, &case, "approve_reply", v, json!({}));
        assert_eq!(r.status, 403, "{}", r.body);
        assert_eq!(r.body["code"], "forbidden_for_role");
        let reviews = s.get("/api/v1/supervision/reviews", Some(&o.supervisor));
        assert!(
            reviews.body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == case)
        );
        let v = step(&s, &o.supervisor, &case, "approve_reply", v, json!({}));
        let v = step(
            &s,
            &o.clerk,
            &case,
            "record_delivery",
            v,
            json!({"method": "email"}),
        );
        step(&s, &o.clerk, &case, "archive", v, json!({}));

        // The applicant reads the reply with the tracking number and the code.
        let look = s.post(
            "/api/v1/lookup",
            None,
            json!({"reference": tracking, "query_code": code.to_lowercase()}),
        );
        assert_eq!(look.status, 200, "{}", look.body);
        assert_eq!(look.body["status"], "archived");
        assert_eq!(look.body["outcome_label"], "予以公开");
        assert_eq!(
            look.body["reply"]["text"],
            "经查，现将您申请的信息提供如下。"
        );
        let timeline: Vec<&str> = look.body["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["text"].as_str().unwrap())
            .collect();
        assert!(
            timeline.iter().any(|t| t.contains(&tracking)),
            "{timeline:?}"
        );
        assert!(
            !timeline.iter().any(|t| t.contains("审核")),
            "internal steps shown: {timeline:?}"
        );
        assert!(due.starts_with("20"));
        let _ = o.admin;
        drop(s);
        audit_ok(&db);
    }
}

#[test]
fn correction_restarts_the_clock_and_the_code_holder_can_withdraw() {
    for db in databases("api-correction") {
        let s = start(&db);
        let o = office(&s);
        // A request handed in at the counter: registered at once, receipt date today.
        let mut body = filing();
        body["channel"] = json!("in_person");
        let r = s.post("/api/v1/cases", Some(&o.clerk), body);
        assert_eq!(r.status, 201, "{}: {}", db.name, r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let tracking = r.body["tracking_number"].as_str().unwrap().to_owned();
        let code = r.body["query_code"].as_str().unwrap().to_owned();
        assert!(r.body["due"]["due_date"].is_string());
        let v = r.body["version"].as_u64().unwrap();
        let v = step(&s, &o.clerk, &case, "start_processing", v, json!({}));
        let r = act(
            &s,
            &o.clerk,
            &case,
            "request_correction",
            v,
            json!({"items": ["请说明所需信息的文号或发布时间"]}),
        );
        // While the correction is awaited there is no due date: the period will run afresh.
        assert_eq!(r.body["sub_state"], "awaiting_correction", "{}", r.body);
        assert!(r.body["due"].is_null(), "{}", r.body);
        let detail = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body;
        assert!(detail["due"].is_null() && detail["summary"]["due_date"].is_null());
        let v = r.body["version"].as_u64().unwrap();
        let key = json!({"reference": tracking, "query_code": code});
        let look = s.post("/api/v1/lookup", None, key.clone());
        assert_eq!(
            look.body["correction_items"][0],
            "请说明所需信息的文号或发布时间"
        );
        assert!(look.body["due"]["due_date"].is_null(), "{}", look.body);
        // A stale version is refused and changes nothing.
        let r = s.post(
            "/api/v1/lookup/correction",
            None,
            json!({"reference": tracking, "query_code": code, "version": v - 1,
                   "content": "文号为某政发〔2025〕1号"}),
        );
        assert_eq!(r.status, 409, "{}", r.body);
        assert_eq!(r.body["code"], "version_conflict");
        let r = s.post(
            "/api/v1/lookup/correction",
            None,
            json!({"reference": tracking, "query_code": code, "version": v,
                   "content": "文号为某政发〔2025〕1号"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert!(r.body["due"]["due_date"].is_string());
        assert!(
            r.body["due"]["explanation"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l.as_str().unwrap().contains("补正")),
            "{}",
            r.body["due"]
        );
        let v = r.body["version"].as_u64().unwrap();
        // Someone without the code cannot withdraw it.
        let r = s.post(
            "/api/v1/lookup/withdrawal",
            None,
            json!({"reference": tracking, "query_code": "BBBBBBBBBBBB", "version": v}),
        );
        assert_eq!(r.status, 404);
        let r = s.post(
            "/api/v1/lookup/withdrawal",
            None,
            json!({"reference": tracking, "query_code": code, "version": v, "reason": "已自行查到"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["status"], "withdrawn");
        drop(s);
        audit_ok(&db);
    }
}

#[test]
fn two_clerks_on_one_version_one_wins_the_other_gets_409() {
    for db in databases("api-conflict") {
        let s = start(&db);
        let o = office(&s);
        let mut body = filing();
        body["channel"] = json!("in_person");
        let r = s.post("/api/v1/cases", Some(&o.clerk), body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let v = r.body["version"].as_u64().unwrap();
        let results: Vec<u16> = std::thread::scope(|scope| {
            let handles: Vec<_> = [&o.clerk, &o.clerk_b]
                .into_iter()
                .map(|token| {
                    let s = &s;
                    let case = case.clone();
                    scope.spawn(move || {
                        act(s, token, &case, "start_processing", v, json!({})).status
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let mut sorted = results.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![200, 409], "{}: {results:?}", db.name);
        let detail = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk));
        let events = detail.body["events"].as_array().unwrap();
        assert_eq!(events.len() as u64, v + 1, "exactly one event appended");
        assert_eq!(detail.body["summary"]["version"].as_u64().unwrap(), v + 1);
    }
}

#[test]
fn operations_endpoints_and_openapi_document() {
    let db = databases("api-ops").remove(0);
    let s = start(&db);
    assert_eq!(s.get("/healthz", None).status, 200);
    assert_eq!(s.get("/readyz", None).status, 200);
    let _ = s.get("/api/v1/guide", None);
    let raw = ureq::get(&s.url("/metrics"))
        .set("Authorization", &format!("Bearer {METRICS_TOKEN}"))
        .call()
        .unwrap()
        .into_string()
        .unwrap();
    assert!(
        raw.contains(
            "gongkai_http_requests_total{method=\"GET\",route=\"/api/v1/guide\",status=\"200\"}"
        ),
        "{raw}"
    );
    assert!(raw.contains("gongkai_http_request_duration_seconds_bucket"));
    let doc = s.get("/api/v1/openapi.json", None);
    assert_eq!(doc.status, 200);
    assert!(doc.body["openapi"].as_str().unwrap().starts_with("3.1"));
    assert!(doc.body["paths"]["/api/v1/cases/{id}/actions/{action}"]["post"].is_object());
}

#[test]
fn filings_answered_201_survive_a_kill_and_the_chain_verifies() {
    for db in databases("api-crash") {
        let mut s = start(&db);
        // The office is made first: filings need an agency.
        let _ = office(&s);
        let mut answered: Vec<(String, String)> = Vec::new();
        // The kill comes while filings are under way: once some have been answered, from
        // another thread, as the client goes on filing.
        let (answered_some, kill) = std::sync::mpsc::channel::<()>();
        let killer = {
            let pid = s.child.id();
            std::thread::spawn(move || {
                if kill.recv().is_ok() {
                    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
                }
            })
        };
        loop {
            let r = s.req("POST", "/api/v1/requests", None).send_json(filing());
            match r {
                Ok(resp) => {
                    let body: Value = resp.into_json().unwrap();
                    answered.push((
                        body["case_id"].as_str().unwrap().to_owned(),
                        body["query_code"].as_str().unwrap().to_owned(),
                    ));
                    if answered.len() == 20 {
                        let _ = answered_some.send(());
                    }
                }
                Err(ureq::Error::Transport(_)) => break,
                Err(e) => panic!("{e}"),
            }
        }
        killer.join().unwrap();
        let _ = s.child.wait();
        assert!(
            !answered.is_empty(),
            "{}: no filing before the kill",
            db.name
        );
        s = start(&db);
        for (case, code) in &answered {
            let r = s.post(
                "/api/v1/lookup",
                None,
                json!({"reference": case, "query_code": code}),
            );
            assert_eq!(r.status, 200, "{}: lost {case} after SIGKILL", db.name);
            assert_eq!(r.body["timeline"].as_array().unwrap().len(), 1);
        }
        drop(s);
        audit_ok(&db);
    }
}

#[test]
fn sigterm_stops_the_server_cleanly() {
    let db = databases("api-sigterm").remove(0);
    let mut s = start(&db);
    let _ = office(&s);
    let r = s.post("/api/v1/requests", None, filing());
    assert_eq!(r.status, 201);
    let status = Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = wait_until(
        "the server exits after SIGTERM",
        Duration::from_secs(40),
        || s.child.try_wait().unwrap().ok_or("still running"),
    );
    assert!(exit.success(), "exit after SIGTERM: {exit:?}");
    audit_ok(&db);
}
