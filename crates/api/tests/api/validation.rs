//! Bad input: a 4xx that names the field and changes nothing.

use super::*;

#[test]
fn bad_input_is_a_4xx_that_names_the_field_and_changes_nothing() {
    for db in databases("api-bad-input") {
        let s = TestApp::start(db);
        let o = s.office();
        let mut body = filing();
        body["channel"] = json!("in_person");
        let r = s.post("/api/v1/cases", Some(&o.clerk), body.clone());
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let before = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body;

        let r = s.raw(
            "/api/v1/requests",
            None,
            "application/json",
            b"{\"agency\": ",
        );
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (400, Some("malformed_body"))
        );
        assert!(r.content_type.starts_with("application/problem+json"));
        let r = s.raw("/api/v1/requests", None, "text/plain", b"{}");
        assert_eq!(r.status, 415);
        let cases: Vec<(Value, &str)> = vec![
            (json!({"receipt_date": "2026-02-30"}), "receipt_date"),
            (
                json!({"request": {"description": "x", "carrier": "papyrus", "delivery": "email"}}),
                "request.carrier",
            ),
            (
                json!({"applicant": {"kind": "natural_person", "name": "张\u{0007}三", "phone": "1"}}),
                "applicant.name",
            ),
            (
                json!({"applicant": {"kind": "natural_person", "name": "张".repeat(101), "phone": "1"}}),
                "applicant.name",
            ),
            (
                // No contact at all: named at the first contact field, where the form shows it.
                json!({"applicant": {"kind": "natural_person", "name": "张三"}}),
                "applicant.phone",
            ),
            (json!({"channel": 7}), "channel"),
            (json!({"surprise": true}), "surprise"),
        ];
        for (patch, path) in cases {
            let mut b = body.clone();
            for (k, v) in patch.as_object().unwrap() {
                b[k] = v.clone();
            }
            let r = s.post("/api/v1/cases", Some(&o.clerk), b);
            assert_eq!(r.status, 422, "{patch}: {}", r.body);
            assert_eq!(r.body["code"], "invalid_input");
            let paths: Vec<&str> = r.body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["path"].as_str().unwrap())
                .collect();
            assert!(paths.contains(&path), "{patch}: {paths:?}");
        }
        // Actions: an unknown action, a wrong field type, a future date, a bad version.
        assert_eq!(act(&s, &o.clerk, &case, "fly", 2, json!({})).status, 404);
        let r = act(
            &s,
            &o.clerk,
            &case,
            "request_correction",
            2,
            json!({"items": "all"}),
        );
        assert_eq!(
            (r.status, r.body["errors"][0]["path"].as_str()),
            (422, Some("items"))
        );
        let r = s.post(
            &format!("/api/v1/cases/{case}/actions/start_processing"),
            Some(&o.clerk),
            json!({"version": -1}),
        );
        assert_eq!(
            (r.status, r.body["errors"][0]["path"].as_str()),
            (422, Some("version"))
        );
        let r = s.get("/api/v1/cases?limit=abc", Some(&o.clerk));
        assert_eq!(r.status, 400);
        let r = s.get("/api/v1/cases?status=lost", Some(&o.clerk));
        assert_eq!(r.status, 400);
        // Attachments: the type and the size limits.
        let path = format!("/api/v1/cases/{case}/attachments?filename=a.exe");
        let r = s.raw(&path, Some(&o.clerk), "application/x-msdownload", b"MZ");
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (415, Some("unsupported_media_type"))
        );
        let path = format!("/api/v1/cases/{case}/attachments?filename=big.pdf");
        let r = s.raw(&path, Some(&o.clerk), "application/pdf", &vec![b'x'; 4096]);
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (413, Some("payload_too_large"))
        );
        let path = format!("/api/v1/cases/{case}/attachments?filename=%E7%94%B3%E8%AF%B7.pdf");
        let r = s.raw(&path, Some(&o.clerk), "application/pdf", b"%PDF-1.4 test");
        assert_eq!(r.status, 201, "{}", r.body);
        let id = r.body["id"].as_str().unwrap();
        let got = s.get(&format!("/api/v1/attachments/{id}"), Some(&o.clerk));
        assert_eq!(got.status, 200);
        let other = s.get(&format!("/api/v1/attachments/{id}"), Some(&o.other_clerk));
        assert_eq!(other.status, 404);
        // Nothing about the case changed but the attachment.
        let after = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body;
        assert_eq!(before["events"], after["events"]);
        // Unknown routes are problems too.
        let r = s.get("/api/v1/nothing-here", None);
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (404, Some("not_found"))
        );
    }
}
