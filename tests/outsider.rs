//! The outsider test (issue 15): data of department B carrying a marker string, then every
//! GET route of the OpenAPI document (with every id of B's data) and every page of the page
//! router, CSV and Excel downloads included, as each outsider: a clerk of A, a supervisor of A,
//! an applicant, and nobody. The marker must appear in no body; every action on B's cases must
//! be refused and change nothing. Routes are read from the OpenAPI document and from
//! `gongkai_api::pages::ROUTES`, so a new route is covered without editing this test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::BTreeSet;
use std::io::Read;
use std::time::Duration;

use serde_json::{Value, json};
use support::databases;
use support::server::*;

/// What B's data carries wherever it can: names, texts, files, notes, bodies.
const MARKER: &str = "蓝鲸7731";
const B: &str = "gk-zjw";
/// What the outsiders search for: enough of the marker to find B's cases, not all of it, so
/// that a page echoing the search words is not taken for a leak.
const SEARCH: &str = "蓝鲸77";

/// A response's status and raw body; an Excel workbook (a zip) is unpacked, so that the
/// marker is looked for in its sheets.
fn fetch(
    s: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&Value>,
) -> (u16, String) {
    let mut r = ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(30))
        .build()
        .request(method, &s.url(path));
    if let Some(t) = token {
        // Both ways in: the bearer token (API) and the session cookie (pages).
        r = r
            .set("Authorization", &format!("Bearer {t}"))
            .set("Cookie", &format!("gongkai_session={t}"));
    }
    let result = match body {
        Some(b) => r.send_json(b.clone()),
        None => r.call(),
    };
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {path}: {e}"),
    };
    let status = response.status();
    let mut bytes = Vec::new();
    response
        .into_reader()
        .take(64 * 1024 * 1024)
        .read_to_end(&mut bytes)
        .unwrap();
    (status, readable(&bytes))
}

/// The text of a body; the entries of a zip file (XLSX) one after another.
fn readable(bytes: &[u8]) -> String {
    if bytes.starts_with(b"PK\x03\x04") {
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut out = String::new();
        for i in 0..zip.len() {
            let mut entry = zip.by_index(i).unwrap();
            let mut b = Vec::new();
            entry.read_to_end(&mut b).unwrap();
            out.push_str(&String::from_utf8_lossy(&b));
        }
        return out;
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// B's data: the ids and numbers an outsider could try.
struct DataOfB {
    cases: Vec<String>,
    ids: BTreeSet<String>,
}

fn make_data_of_b(s: &Server, o: &Office) -> (DataOfB, String, String) {
    let clerk = o.other_clerk.clone();
    let supervisor = staff(s, &o.admin, "superz", "supervisor", B);
    let mut ids = BTreeSet::new();
    let mut cases = Vec::new();
    let today = s.get("/healthz", None);
    assert_eq!(today.status, 200);
    for i in 0..2 {
        let r = s.post(
            "/api/v1/cases",
            Some(&clerk),
            json!({
                "agency": "gk", "department": B, "channel": "in_person",
                "applicant": {"kind": "natural_person", "name": format!("{MARKER}{i}号"),
                              "id_document": "110101199003074514", "phone": "13812345678",
                              "email": "lanjing@example.com", "address": format!("{MARKER}路1号")},
                "request": {"description": format!("请公开{MARKER}小区加装电梯项目的审批文件和资金明细"),
                            "carrier": "electronic", "delivery": "email"}
            }),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        ids.insert(r.body["tracking_number"].as_str().unwrap().to_owned());
        let mut v = version_of(&r);
        v = step(s, &clerk, &case, "start_processing", v, json!({}));
        let up = s.raw(
            &format!("/api/v1/cases/{case}/attachments?filename={MARKER}.txt"),
            Some(&clerk),
            "text/plain",
            format!("内部材料 {MARKER}").as_bytes(),
        );
        assert_eq!(up.status, 201, "{}", up.body);
        ids.insert(up.body["id"].as_str().unwrap().to_owned());
        if i == 0 {
            v = step(
                s,
                &clerk,
                &case,
                "draft_reply",
                v,
                json!({"reply": {"outcome": {"kind": "disclosed"},
                                 "text": format!("经审查，{MARKER}项目文件予以公开。"),
                                 "release": [{"kind": "document",
                                              "title": format!("{MARKER}项目文件"),
                                              "form": "electronic",
                                              "file": {"attachment": up.body["id"]}}]}}),
            );
            v = step(
                s,
                &supervisor,
                &case,
                "record_secrecy_review",
                v,
                json!({"conclusion": "may_disclose", "basis": format!("{MARKER}文件经保密审查可以公开")}),
            );
            v = step(s, &clerk, &case, "submit_for_review", v, json!({}));
            v = step(s, &supervisor, &case, "approve_reply", v, json!({}));
            let filed_on =
                s.get(&format!("/api/v1/cases/{case}"), Some(&clerk)).body["case"]["receipt_date"]
                    .clone();
            step(
                s,
                &clerk,
                &case,
                "record_remedy",
                v,
                json!({"remedy": {"kind": "reconsideration", "body": format!("{MARKER}复议机关"),
                                  "filed_on": filed_on}}),
            );
        }
        cases.push(case);
    }
    // The frequent-request mark on both, with the supervisor's note.
    let groups = s.get(
        &format!("/api/v1/frequent?min=2&department={B}"),
        Some(&supervisor),
    );
    assert_eq!(groups.status, 200, "{}", groups.body);
    let r = s.post(
        "/api/v1/frequent/marks",
        Some(&supervisor),
        json!({"from": groups.body["from"], "to": groups.body["to"], "case_ids": cases,
               "note": format!("建议主动公开{MARKER}项目信息")}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    ids.insert(r.body["id"].as_str().unwrap().to_owned());
    // The notices of B's cases.
    for case in &cases {
        ids.insert(case.clone());
        let n = s.get(&format!("/api/v1/cases/{case}/notices"), Some(&clerk));
        assert_eq!(n.status, 200, "{}", n.body);
        for notice in n.body.as_array().unwrap() {
            ids.insert(notice["id"].as_str().unwrap().to_owned());
        }
    }
    (DataOfB { cases, ids }, clerk, supervisor)
}

/// The query strings tried on every route: none, and every filter aimed at B.
fn queries() -> Vec<String> {
    let year = chrono_year();
    vec![
        String::new(),
        format!(
            "?q={m}&department={B}&agency=gk&scope=department:{B}&year={year}&min=2&status=all&limit=100",
            m = enc(SEARCH)
        ),
        format!("?q={m}&department={B}&year={year}&min=2", m = enc(SEARCH)),
        format!("?scope=agency:gk&year={year}"),
        format!("?year={year}&format=xlsx"),
    ]
}

fn chrono_year() -> i32 {
    // The server's year is the test machine's (both run here).
    let out = std::process::Command::new("date")
        .arg("+%Y")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Every concrete path of `pattern` with the ids of B's data in its parameters (each pairing
/// when there are two).
fn concrete(pattern: &str, ids: &BTreeSet<String>) -> Vec<String> {
    let Some(start) = pattern.find('{') else {
        return vec![pattern.to_owned()];
    };
    let end = pattern[start..].find('}').unwrap() + start;
    let values: Vec<&str> = match &pattern[start + 1..end] {
        "key" => vec!["reply_disclosed"],
        "what" => vec!["withdraw"],
        "action" => vec!["archive"],
        _ => ids.iter().map(String::as_str).collect(),
    };
    let mut out = Vec::new();
    for v in values {
        let head = format!("{}{v}", &pattern[..start]);
        for tail in concrete(&pattern[end + 1..], ids) {
            out.push(format!("{head}{tail}"));
        }
    }
    out
}

#[test]
fn outsiders_see_nothing_of_another_department_and_change_nothing() {
    for db in databases("outsider") {
        let s = start(&db);
        let o = office(&s);
        let (b, clerk_b, supervisor_b) = make_data_of_b(&s, &o);
        let stranger = applicant(&s, "stranger1");
        // The outsiders: a clerk and a supervisor of A (gk-gkb), an applicant, nobody.
        let outsiders: Vec<(&str, Option<&str>)> = vec![
            ("clerk of A", Some(o.clerk.as_str())),
            ("supervisor of A", Some(o.supervisor.as_str())),
            ("another applicant", Some(stranger.as_str())),
            ("anonymous", None),
        ];

        let doc = s.get("/api/v1/openapi.json", None).body;
        let paths = doc["paths"].as_object().unwrap();
        let mut gets = Vec::new();
        let mut posts = Vec::new();
        for (path, item) in paths {
            if item.get("get").is_some() {
                gets.push(path.clone());
            }
            if item.get("post").is_some() {
                posts.push(path.clone());
            }
        }
        assert!(gets.len() >= 25, "GET routes of the document: {gets:?}");
        let pages: Vec<&str> = gongkai_api::pages::ROUTES
            .iter()
            .filter(|(m, _)| *m == "GET")
            .map(|(_, p)| *p)
            .collect();
        assert!(pages.len() >= 20, "{pages:?}");

        // The test can fail: B's own staff see the marker where outsiders must not.
        let c0 = &b.cases[0];
        for (token, path) in [
            (&supervisor_b, "/api/v1/frequent/marks".to_owned()),
            (
                &supervisor_b,
                format!("/staff/frequent?department={B}&min=2"),
            ),
            (&clerk_b, format!("/api/v1/cases/{c0}")),
            (&clerk_b, format!("/staff/cases/{c0}")),
            (&clerk_b, format!("/api/v1/search?q={}", enc(SEARCH))),
            (&clerk_b, format!("/staff/queue?q={}", enc(SEARCH))),
        ] {
            let (status, body) = fetch(&s, "GET", &path, Some(token), None);
            assert!(
                body.contains(MARKER),
                "B's staff should see the marker at {path} ({status})"
            );
        }

        let mut leaks = Vec::new();
        let mut tried = 0;
        for (who, token) in &outsiders {
            for pattern in gets.iter().map(String::as_str).chain(pages.iter().copied()) {
                for path in concrete(pattern, &b.ids) {
                    // Paths with two ids are tried in every pairing, without query strings.
                    let qs = if pattern.matches('{').count() > 1 {
                        vec![String::new()]
                    } else {
                        queries()
                    };
                    for q in qs {
                        let url = format!("{path}{q}");
                        let (status, body) = fetch(&s, "GET", &url, *token, None);
                        tried += 1;
                        if body.contains(MARKER) {
                            leaks.push(format!("{who}: GET {url} → {status}"));
                        }
                    }
                }
            }
        }
        assert!(tried > 500, "{tried} requests");

        // Every write on B's data: refused, and nothing changes.
        let before: Vec<Value> = b
            .cases
            .iter()
            .map(|c| s.get(&format!("/api/v1/cases/{c}"), Some(&clerk_b)).body)
            .collect();
        let actions: Vec<String> =
            doc["paths"]["/api/v1/cases/{id}/actions/{action}"]["post"]["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["name"] == "action")
                .and_then(|p| p["schema"]["enum"].as_array().cloned())
                .unwrap_or_default()
                .iter()
                .map(|a| a.as_str().unwrap().to_owned())
                .collect();
        assert!(actions.len() >= 20, "{actions:?}");
        for (who, token) in &outsiders {
            for (case, old) in b.cases.iter().zip(&before) {
                let version = old["summary"]["version"].as_u64().unwrap();
                for action in &actions {
                    let url = format!("/api/v1/cases/{case}/actions/{action}");
                    let (status, body) =
                        fetch(&s, "POST", &url, *token, Some(&json!({"version": version})));
                    if (200..300).contains(&status) || body.contains(MARKER) {
                        leaks.push(format!("{who}: POST {url} → {status}"));
                    }
                }
            }
            for pattern in &posts {
                if pattern.contains("/actions/") {
                    continue;
                }
                for path in concrete(pattern, &b.ids) {
                    if !pattern.contains('{') && !pattern.contains("marks") {
                        continue; // creating things of one's own is not B's data
                    }
                    let body = json!({"case_ids": b.cases, "note": "x", "from": "2026-01-01",
                                      "to": "2026-12-31"});
                    let (status, text) = fetch(&s, "POST", &path, *token, Some(&body));
                    if (200..300).contains(&status) || text.contains(MARKER) {
                        leaks.push(format!("{who}: POST {path} → {status}"));
                    }
                }
            }
        }
        // The same through the pages' forms, with the outsider's own valid form token.
        let page_posts: Vec<&str> = gongkai_api::pages::ROUTES
            .iter()
            .filter(|(m, p)| *m == "POST" && p.contains('{'))
            .map(|(_, p)| *p)
            .collect();
        assert!(page_posts.len() >= 3, "{page_posts:?}");
        for (who, token) in &outsiders {
            let csrf = match token {
                Some(t) => s.get("/api/v1/session", Some(t)).body["csrf_token"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                None => String::new(),
            };
            for (case, old) in b.cases.iter().zip(&before) {
                let version = old["summary"]["version"].to_string();
                for pattern in &page_posts {
                    let patterns: Vec<String> = if pattern.contains("{action}") {
                        actions
                            .iter()
                            .map(|a| pattern.replace("{action}", a))
                            .collect()
                    } else {
                        vec![(*pattern).to_owned()]
                    };
                    for p in patterns {
                        let path = p.replace("{id}", case).replace("{what}", "withdraw");
                        let mut r = ureq::AgentBuilder::new()
                            .redirects(0)
                            .build()
                            .post(&s.url(&path));
                        if let Some(t) = token {
                            r = r.set("Cookie", &format!("gongkai_session={t}"));
                        }
                        let response = match r
                            .send_form(&[("csrf", csrf.as_str()), ("version", version.as_str())])
                        {
                            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
                            Err(e) => panic!("POST {path}: {e}"),
                        };
                        let status = response.status();
                        let text = response.into_string().unwrap_or_default();
                        if text.contains(MARKER) {
                            leaks.push(format!("{who}: POST {path} → {status}"));
                        }
                    }
                }
            }
        }
        for (case, old) in b.cases.iter().zip(&before) {
            let now = s.get(&format!("/api/v1/cases/{case}"), Some(&clerk_b)).body;
            assert_eq!(old["events"], now["events"], "B's case {case} changed");
        }
        // The forms do work for those whose case it is: B's clerk withdraws the second one.
        let csrf = s.get("/api/v1/session", Some(&clerk_b)).body["csrf_token"]
            .as_str()
            .unwrap()
            .to_owned();
        let c1 = &b.cases[1];
        let version = before[1]["summary"]["version"].to_string();
        let response = ureq::AgentBuilder::new()
            .redirects(0)
            .build()
            .post(&s.url(&format!("/staff/cases/{c1}/withdraw")))
            .set("Cookie", &format!("gongkai_session={clerk_b}"))
            .send_form(&[("csrf", csrf.as_str()), ("version", version.as_str())]);
        let status = match response {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r.status(),
            Err(e) => panic!("{e}"),
        };
        let now = s.get(&format!("/api/v1/cases/{c1}"), Some(&clerk_b)).body;
        assert_eq!(now["summary"]["status"], "withdrawn", "{status}: {now}");
        assert!(leaks.is_empty(), "{}:\n{}", db.name, leaks.join("\n"));
    }
}
