//! End-to-end tests of what an attacker tried: the real binary over HTTP, on SQLite
//! and (with GONGKAI_TEST_DATABASE_URL) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::databases;
use support::server::*;

/// A signed-in user once stalled every worker with an action body of tens of thousands of
/// unknown keys and one wrongly typed field (the bad field was searched for by re-parsing the
/// body once per key). Now the body is read once: both requests get their 422 naming the field
/// and the server keeps answering meanwhile.
#[test]
fn a_huge_action_body_is_refused_in_one_pass_while_the_server_answers() {
    for db in databases("security-huge-body") {
        let s = start(&db);
        let o = office(&s);
        let mut filing = filing();
        filing["channel"] = json!("in_person");
        let r = s.post("/api/v1/cases", Some(&o.clerk), filing);
        assert_eq!(r.status, 201, "{}", r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();

        let mut body = serde_json::Map::new();
        for i in 0..20_000 {
            body.insert(format!("k{i:05}"), Value::from(0));
        }
        body.insert("version".to_owned(), json!(2));
        body.insert("reason".to_owned(), json!(7));
        let bytes = serde_json::to_vec(&Value::Object(body)).unwrap();
        assert!(
            bytes.len() < 256 * 1024,
            "under the body limit: {}",
            bytes.len()
        );

        let senders: Vec<_> = (0..2)
            .map(|_| {
                let url = s.url(&format!("/api/v1/cases/{case}/actions/request_extension"));
                let token = o.clerk.clone();
                let bytes = bytes.clone();
                std::thread::spawn(move || {
                    finish(
                        ureq::post(&url)
                            .timeout(Duration::from_secs(120))
                            .set("Authorization", &format!("Bearer {token}"))
                            .set("Content-Type", "application/json")
                            .send_bytes(&bytes),
                    )
                })
            })
            .collect();
        // Two HTTP workers, both possibly busy with the bodies: health checks still answer.
        for _ in 0..3 {
            let r = finish(
                ureq::get(&s.url("/healthz"))
                    .timeout(Duration::from_secs(10))
                    .call(),
            );
            assert_eq!(r.status, 200);
        }
        for t in senders {
            let r = t.join().unwrap();
            assert_eq!(r.status, 422, "{}", r.body);
            assert_eq!(r.body["code"], "invalid_input");
            let path = r.body["errors"][0]["path"].as_str().unwrap().to_owned();
            assert!(
                path == "reason" || path.starts_with('k'),
                "names a field of the body: {path}"
            );
        }
        // Nothing was recorded.
        let d = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body;
        assert_eq!(d["summary"]["version"], 2, "{d}");
    }
}

/// A form field name of a hundred thousand dots once nested as deep and overflowed a worker's
/// stack, which aborts the whole server; anonymous forms (sign-in, registration, filing) were
/// enough. Now it is refused and the server answers on.
#[test]
fn a_form_field_name_nested_without_end_is_refused_and_the_server_lives() {
    for db in databases("security-deep-form") {
        let s = start(&db);
        let token = "ab".repeat(32);
        let name = "a.".repeat(100_000) + "a";
        let body = format!("csrf={token}&{name}=x&username=u&password=p");
        for path in ["/login", "/register", "/apply", "/lookup"] {
            let r = ureq::post(&s.url(path))
                .timeout(Duration::from_secs(30))
                .set("Cookie", &format!("gongkai_form={token}"))
                .set("Content-Type", "application/x-www-form-urlencoded")
                .send_string(&body);
            let status = match r {
                Ok(r) => r.status(),
                Err(ureq::Error::Status(code, _)) => code,
                Err(e) => panic!("{path}: the server did not answer: {e}"),
            };
            assert!((200..500).contains(&status), "{path}: {status}");
            let health = s.get("/healthz", None);
            assert_eq!(health.status, 200, "after {path}");
        }
    }
}
