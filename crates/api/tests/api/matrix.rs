//! The authorization matrix: every route of the OpenAPI document × every role.

use super::*;

// ---------------------------------------------------------------------------------------------
// 6. The authorization matrix
// ---------------------------------------------------------------------------------------------

/// The callers of the matrix, in the order of its columns.
#[derive(Clone, Copy, Debug)]
enum Who {
    Anonymous,
    /// The applicant account that filed the case.
    Owner,
    /// Another applicant account.
    OtherApplicant,
    /// A clerk of the case's department.
    Clerk,
    /// A clerk of another department of the same agency.
    OtherClerk,
    /// A supervisor of the case's department.
    Supervisor,
    Admin,
}

const WHO: [Who; 7] = [
    Who::Anonymous,
    Who::Owner,
    Who::OtherApplicant,
    Who::Clerk,
    Who::OtherClerk,
    Who::Supervisor,
    Who::Admin,
];

impl Who {
    /// Put into names that must be unique per caller (usernames, codes).
    fn slug(self) -> &'static str {
        match self {
            Who::Anonymous => "anon",
            Who::Owner => "owner",
            Who::OtherApplicant => "other-app",
            Who::Clerk => "clerk",
            Who::OtherClerk => "clerk9",
            Who::Supervisor => "super",
            Who::Admin => "admin",
        }
    }
}

enum Payload {
    Empty,
    /// A JSON body; "{who}" in any string becomes the caller's slug.
    Json(Value),
    Pdf,
}

struct Row {
    method: &'static str,
    /// With {case}, {attachment} and {user} for the ids made in the setup.
    path: &'static str,
    payload: Payload,
    expect: [u16; 7],
}

fn row(method: &'static str, path: &'static str, payload: Payload, expect: [u16; 7]) -> Row {
    Row {
        method,
        path,
        payload,
        expect,
    }
}

#[test]
fn authorization_matrix_of_every_route_and_role() {
    use Payload::{Empty, Json, Pdf};
    const MISSING: &str = "00000000-0000-0000-0000-000000000000";
    for db in databases("flows-authz-matrix") {
        let s = TestApp::start(db);
        let o = s.office();
        let alice = applicant(&s, "alice");
        let bob = applicant(&s, "bob");
        // Alice's request, registered: it belongs to gk-gkb.
        let r = s.post("/api/v1/requests", Some(&alice), filing());
        assert_eq!(r.status, 201, "{}", r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let code = r.body["query_code"].as_str().unwrap().to_owned();
        let version = step(&s, &o.clerk, &case, "register", 1, json!({}));
        let tracking = detail(&s, &o.clerk, &case)["summary"]["tracking_number"]
            .as_str()
            .unwrap()
            .to_owned();
        let r = s.raw(
            &format!("/api/v1/cases/{case}/attachments?filename=a.pdf"),
            Some(&o.clerk),
            "application/pdf",
            b"%PDF-1.4 setup",
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let attachment = r.body["id"].as_str().unwrap().to_owned();
        let r = s.post(
            "/api/v1/admin/users",
            Some(&o.admin),
            json!({"username": "target", "display_name": "target", "role": "applicant"}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let user = r.body["user"]["id"].as_str().unwrap().to_owned();
        let notice = s
            .get(&format!("/api/v1/cases/{case}/notices"), Some(&o.clerk))
            .body[0]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let template =
            json!({"subject": "回执（{{ tracking_number }}）", "body": "{{ applicant }}："});
        let guide = s.get("/api/v1/guide", None).body;
        let year_2026 = {
            let text = gongkai_workflow::BUILTIN_CALENDAR;
            let at = text.find("year = 2026").unwrap();
            text[text[..at].rfind("[[year]]").unwrap()..].to_owned()
        };
        // The queue shows the case in its department only.
        let in_queue = |token: &str| {
            s.get("/api/v1/cases?status=registered", Some(token)).body["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["id"] == case.as_str())
        };
        assert!(in_queue(&o.clerk) && in_queue(&o.supervisor) && in_queue(&o.admin));
        assert!(!in_queue(&o.other_clerk));

        let tokens: [Option<&str>; 7] = [
            None,
            Some(&alice),
            Some(&bob),
            Some(&o.clerk),
            Some(&o.other_clerk),
            Some(&o.supervisor),
            Some(&o.admin),
        ];
        let filing_body = filing();
        let mut paper_body = filing();
        paper_body["channel"] = json!("in_person");
        let wrong_code = json!({"reference": tracking, "query_code": "AAAAAAAAAAAA",
                                "version": version, "content": "补正内容"});
        let wrong_code_withdrawal = json!({"reference": tracking, "query_code": "AAAAAAAAAAAA",
                                           "version": version});

        #[rustfmt::skip]
        let pdf = match gongkai_documents::Font::find_default() {
            Some(_) => 200,
            None => 503,
        };
        let rows = vec![
            //                                                                   anon owner other clerk clerk9 super admin
            // Public: the same for everyone, whatever token comes along.
            row(
                "GET",
                "/api/v1/guide",
                Empty,
                [200, 200, 200, 200, 200, 200, 200],
            ),
            row(
                "GET",
                "/api/v1/agencies",
                Empty,
                [200, 200, 200, 200, 200, 200, 200],
            ),
            row(
                "GET",
                "/api/v1/agencies/gk/departments",
                Empty,
                [200, 200, 200, 200, 200, 200, 200],
            ),
            row(
                "GET",
                "/api/v1/openapi.json",
                Empty,
                [200, 200, 200, 200, 200, 200, 200],
            ),
            row(
                "POST",
                "/api/v1/lookup",
                Json(json!({"reference": tracking, "query_code": code})),
                [200, 200, 200, 200, 200, 200, 200],
            ),
            // The query code is the key: no token opens the case without it.
            row(
                "POST",
                "/api/v1/lookup/correction",
                Json(wrong_code),
                [404, 404, 404, 404, 404, 404, 404],
            ),
            row(
                "POST",
                "/api/v1/lookup/withdrawal",
                Json(wrong_code_withdrawal),
                [404, 404, 404, 404, 404, 404, 404],
            ),
            row(
                "POST",
                "/api/v1/account",
                Json(
                    json!({"username": "new-{who}", "password": "secret-pass-123",
                            "display_name": "新用户", "applicant_type": "natural_person"}),
                ),
                [201, 201, 201, 201, 201, 201, 201],
            ),
            row(
                "POST",
                "/api/v1/session",
                Json(json!({"username": "alice", "password": "secret-pass-123"})),
                [201, 201, 201, 201, 201, 201, 201],
            ),
            // Filing online: anyone but staff, who register paper requests instead.
            row(
                "POST",
                "/api/v1/requests",
                Json(filing_body),
                [201, 201, 201, 403, 403, 403, 403],
            ),
            // The caller's own account.
            row(
                "GET",
                "/api/v1/session",
                Empty,
                [401, 200, 200, 200, 200, 200, 200],
            ),
            // A wrong current password changes nothing, whoever asks.
            row(
                "POST",
                "/api/v1/session/password",
                Json(
                    json!({"current_password": "wrong-pass-123", "new_password": "new-secret-456"}),
                ),
                [401, 422, 422, 422, 422, 422, 422],
            ),
            row(
                "GET",
                "/api/v1/my/requests",
                Empty,
                [401, 200, 200, 403, 403, 403, 403],
            ),
            row(
                "GET",
                "/api/v1/my/requests/{case}",
                Empty,
                [401, 200, 404, 404, 404, 404, 404],
            ),
            // Staff. Another department's clerk gets 422: the agency's intake office, where
            // the request would go, is outside his scope.
            row(
                "POST",
                "/api/v1/cases",
                Json(paper_body),
                [401, 403, 403, 201, 422, 201, 403],
            ),
            row(
                "GET",
                "/api/v1/cases",
                Empty,
                [401, 403, 403, 200, 200, 200, 200],
            ),
            row(
                "GET",
                "/api/v1/cases/{case}",
                Empty,
                [401, 404, 404, 200, 404, 200, 200],
            ),
            // approve_reply on a registered case: only a supervisor passes the role check
            // (and then meets the status); nobody who cannot see the case learns it exists.
            row(
                "POST",
                "/api/v1/cases/{case}/actions/approve_reply",
                Json(json!({"version": version})),
                [401, 403, 404, 403, 404, 409, 403],
            ),
            // Attachments: the owner may upload to their case and list and download their own
            // uploads; a file staff uploaded (this one) is 404 for them, like any other's.
            row(
                "POST",
                "/api/v1/cases/{case}/attachments?filename={who}.pdf",
                Pdf,
                [401, 201, 404, 201, 404, 201, 201],
            ),
            row(
                "GET",
                "/api/v1/cases/{case}/attachments",
                Empty,
                [401, 200, 404, 200, 404, 200, 200],
            ),
            row(
                "GET",
                "/api/v1/attachments/{attachment}",
                Empty,
                [401, 404, 404, 200, 404, 200, 200],
            ),
            // The computed fee figures: staff who see the case.
            row(
                "GET",
                "/api/v1/cases/{case}/fee",
                Empty,
                [401, 404, 404, 200, 404, 200, 200],
            ),
            // Notices: staff papers of the case; the outbox is the supervisors' and admins'.
            // Retrying a notice that is not failed is refused (409) to those allowed.
            row(
                "GET",
                "/api/v1/cases/{case}/notices",
                Empty,
                [401, 403, 404, 200, 404, 200, 200],
            ),
            row(
                "GET",
                "/api/v1/notices/{notice}/print",
                Empty,
                [401, 403, 404, 200, 404, 200, 200],
            ),
            // The scope of the printable page; 503 where the machine has no CJK font.
            row(
                "GET",
                "/api/v1/notices/{notice}/pdf",
                Empty,
                [401, 403, 404, pdf, 404, pdf, pdf],
            ),
            // The release reaches the applicant once the reply is out: before it, nothing
            // (this case is registered only), with the right code or the owner's account.
            row(
                "POST",
                "/api/v1/lookup/files/{attachment}",
                Json(json!({"reference": tracking, "query_code": code})),
                [404, 404, 404, 404, 404, 404, 404],
            ),
            row(
                "POST",
                "/api/v1/lookup/letter",
                Json(json!({"reference": tracking, "query_code": code})),
                [404, 404, 404, 404, 404, 404, 404],
            ),
            row(
                "GET",
                "/api/v1/my/requests/{case}/files/{attachment}",
                Empty,
                [401, 404, 404, 404, 404, 404, 404],
            ),
            row(
                "GET",
                "/api/v1/my/requests/{case}/letter",
                Empty,
                [401, 404, 404, 404, 404, 404, 404],
            ),
            // The retrieval record and the print package are the case staff's.
            row(
                "GET",
                "/api/v1/cases/{case}/retrievals",
                Empty,
                [401, 403, 404, 200, 404, 200, 200],
            ),
            row(
                "GET",
                "/api/v1/cases/{case}/package",
                Empty,
                [401, 403, 404, 409, 404, 409, 409],
            ),
            // Redaction: the case staff's, on staff files. The setup's file is no readable
            // PDF (422), and the case is registered, not yet handled (409); admins may look
            // but not redact (403).
            row(
                "GET",
                "/api/v1/cases/{case}/attachments/{attachment}/layout",
                Empty,
                [401, 404, 404, 422, 404, 422, 422],
            ),
            row(
                "GET",
                "/api/v1/cases/{case}/attachments/{attachment}/pages/1",
                Empty,
                [401, 404, 404, 422, 404, 422, 422],
            ),
            row(
                "GET",
                "/api/v1/cases/{case}/attachments/{attachment}/proposals?names=Zhang",
                Empty,
                [401, 404, 404, 422, 404, 422, 422],
            ),
            row(
                "POST",
                "/api/v1/cases/{case}/attachments/{attachment}/redactions",
                Json(
                    json!({"redactions": [{"area": {"kind": "box", "page": 1, "x": 1.0, "y": 1.0, "w": 10.0, "h": 10.0},
                                            "ground": "internal_affairs"}]}),
                ),
                [401, 404, 404, 409, 404, 409, 403],
            ),
            row(
                "GET",
                "/api/v1/cases/{case}/redaction-jobs/00000000-0000-0000-0000-000000000000",
                Empty,
                [401, 404, 404, 404, 404, 404, 404],
            ),
            row(
                "GET",
                "/api/v1/outbox",
                Empty,
                [401, 403, 403, 403, 403, 200, 200],
            ),
            row(
                "POST",
                "/api/v1/outbox/{notice}/retry",
                Empty,
                [401, 403, 404, 403, 404, 409, 409],
            ),
            row(
                "POST",
                "/api/v1/outbox/retry-failed",
                Empty,
                [401, 403, 403, 403, 403, 200, 200],
            ),
            // Supervision.
            row(
                "GET",
                "/api/v1/supervision/reviews",
                Empty,
                [401, 403, 403, 403, 403, 200, 200],
            ),
            row(
                "GET",
                "/api/v1/supervision/dashboard",
                Empty,
                [401, 403, 403, 403, 403, 200, 200],
            ),
            // Search, statistics, reports, frequent requests. Another department's clerk may
            // search (and finds nothing of gk-gkb); marking a group that names a case nobody
            // has is 404 to those allowed to mark.
            row(
                "GET",
                "/api/v1/search?q=%E8%80%81%E6%97%A7",
                Empty,
                [401, 403, 403, 200, 200, 200, 200],
            ),
            row(
                "GET",
                "/api/v1/statistics/monthly",
                Empty,
                [401, 403, 403, 403, 403, 200, 200],
            ),
            row(
                "GET",
                "/api/v1/reports/annual?year=2025",
                Empty,
                [401, 403, 403, 403, 403, 200, 200],
            ),
            row(
                "GET",
                "/api/v1/reports/annual/published?year=2025",
                Empty,
                [401, 403, 403, 403, 403, 200, 200],
            ),
            // Publishing: the supervisor his department's report, the admin everything's.
            row(
                "POST",
                "/api/v1/reports/annual/published",
                Json(json!({"year": 2025})),
                [401, 403, 403, 403, 403, 201, 201],
            ),
            row(
                "GET",
                "/api/v1/frequent",
                Empty,
                [401, 403, 403, 403, 403, 200, 200],
            ),
            row(
                "POST",
                "/api/v1/frequent/marks",
                Json(
                    json!({"from": "2026-01-01", "to": "2026-03-31", "case_ids": [case, MISSING],
                            "note": "建议主动公开"}),
                ),
                [401, 403, 403, 403, 403, 404, 404],
            ),
            row(
                "GET",
                "/api/v1/frequent/marks",
                Empty,
                [401, 403, 403, 403, 403, 200, 200],
            ),
            row(
                "GET",
                "/api/v1/cases/{case}/similar",
                Empty,
                [401, 403, 403, 200, 404, 200, 200],
            ),
            // Administration.
            row(
                "POST",
                "/api/v1/admin/agencies",
                Json(json!({"code": "ag-{who}", "name": "机关", "tracking_prefix": "AG"})),
                [401, 403, 403, 403, 403, 403, 201],
            ),
            row(
                "PUT",
                "/api/v1/admin/agencies/gk",
                Json(json!({"reconsideration_body": "某省人民政府", "court": "某市中级人民法院"})),
                [401, 403, 403, 403, 403, 403, 200],
            ),
            row(
                "POST",
                "/api/v1/admin/agencies/gk/departments",
                Json(json!({"code": "gk-{who}", "name": "部门"})),
                [401, 403, 403, 403, 403, 403, 201],
            ),
            row(
                "GET",
                "/api/v1/admin/users",
                Empty,
                [401, 403, 403, 403, 403, 403, 200],
            ),
            row(
                "POST",
                "/api/v1/admin/users",
                Json(
                    json!({"username": "user-{who}", "display_name": "用户", "role": "applicant"}),
                ),
                [401, 403, 403, 403, 403, 403, 201],
            ),
            row(
                "POST",
                "/api/v1/admin/users/{user}",
                Json(json!({"disabled": false})),
                [401, 403, 403, 403, 403, 403, 200],
            ),
            row(
                "GET",
                "/api/v1/admin/calendar",
                Empty,
                [401, 403, 403, 403, 403, 403, 200],
            ),
            row(
                "PUT",
                "/api/v1/admin/calendar/2026",
                Json(json!({"toml": year_2026})),
                [401, 403, 403, 403, 403, 403, 200],
            ),
            row(
                "PUT",
                "/api/v1/admin/guide",
                Json(guide),
                [401, 403, 403, 403, 403, 403, 200],
            ),
            row(
                "GET",
                "/api/v1/admin/templates",
                Empty,
                [401, 403, 403, 403, 403, 403, 200],
            ),
            row(
                "PUT",
                "/api/v1/admin/templates/acknowledgment",
                Json(template.clone()),
                [401, 403, 403, 403, 403, 403, 200],
            ),
            row(
                "POST",
                "/api/v1/admin/templates/acknowledgment/preview",
                Json(template),
                [401, 403, 403, 403, 403, 403, 200],
            ),
            row(
                "DELETE",
                "/api/v1/admin/templates/acknowledgment",
                Empty,
                [401, 403, 403, 403, 403, 403, 204],
            ),
            // The reading room (art. 44): public; publishing and withdrawing are the case's
            // supervisor's (on this registered case the status refuses them: 409).
            row(
                "GET",
                "/api/v1/reading-room",
                Empty,
                [200, 200, 200, 200, 200, 200, 200],
            ),
            row(
                "POST",
                "/api/v1/cases/{case}/actions/publish_release",
                Json(json!({"version": version, "subject": "公开标题", "items": [0]})),
                [401, 403, 404, 403, 404, 409, 403],
            ),
            row(
                "POST",
                "/api/v1/cases/{case}/actions/withdraw_publication",
                Json(json!({"version": version, "reason": "撤回理由"})),
                [401, 403, 404, 403, 404, 409, 403],
            ),
            // Operations, outside /api/v1.
            row(
                "GET",
                "/healthz",
                Empty,
                [200, 200, 200, 200, 200, 200, 200],
            ),
            row("GET", "/readyz", Empty, [200, 200, 200, 200, 200, 200, 200]),
            // Only for the metrics token (tests/api.rs), not for any user's.
            row(
                "GET",
                "/metrics",
                Empty,
                [401, 401, 401, 401, 401, 401, 401],
            ),
            // Last: it ends each caller's session.
            row(
                "DELETE",
                "/api/v1/session",
                Empty,
                [401, 204, 204, 204, 204, 204, 204],
            ),
        ];

        // The table covers every operation of the OpenAPI document (which a unit test of
        // crates/api keeps equal to the routes mounted): a new route needs a row here.
        let doc = s.get("/api/v1/openapi.json", None).body;
        let matches = |template: &str, row: &Row| {
            let concrete = row.path.split('?').next().unwrap();
            let (a, b): (Vec<&str>, Vec<&str>) =
                (template.split('/').collect(), concrete.split('/').collect());
            a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| x.starts_with('{') || x == y)
        };
        for (template, item) in doc["paths"].as_object().unwrap() {
            for method in item.as_object().unwrap().keys() {
                let method = method.to_uppercase();
                assert!(
                    rows.iter()
                        .any(|r| r.method == method && matches(template, r)),
                    "{method} {template} has no row in the matrix"
                );
            }
        }

        let call = |method: &str, path: &str, token: Option<&str>, payload: &Payload, who: Who| {
            let req = Req::new(method, path).bearer(token);
            s.exec(match payload {
                Empty => req,
                Json(v) => {
                    let text = v.to_string().replace("{who}", who.slug());
                    req.json(&serde_json::from_str::<Value>(&text).unwrap())
                }
                Pdf => req.bytes("application/pdf", b"%PDF-1.4 matrix".to_vec()),
            })
        };
        let mut failures = Vec::new();
        for r in &rows {
            let path = |case_id: &str, attachment_id: &str| {
                r.path
                    .replace("{case}", case_id)
                    .replace("{attachment}", attachment_id)
                    .replace(
                        "{notice}",
                        if case_id == MISSING { MISSING } else { &notice },
                    )
                    .replace("{user}", &user)
            };
            for (i, who) in WHO.into_iter().enumerate() {
                let real = path(&case, &attachment).replace("{who}", who.slug());
                let got = call(r.method, &real, tokens[i], &r.payload, who);
                let label = format!("{} {} as {who:?}", r.method, r.path);
                if got.status != r.expect[i] {
                    failures.push(format!(
                        "{label}: expected {}, got {} {}",
                        r.expect[i], got.status, got.body
                    ));
                    continue;
                }
                if got.status >= 400
                    && (got.body["status"] != got.status
                        || !got.content_type.starts_with("application/problem+json"))
                {
                    failures.push(format!("{label}: not a problem document: {}", got.body));
                }
                // A case (or file) one may not see answers exactly like one that does not exist.
                let has_id = ["{case}", "{attachment}", "{notice}"]
                    .iter()
                    .any(|p| r.path.contains(p));
                if got.status == 404 && has_id {
                    let missing = path(MISSING, MISSING).replace("{who}", who.slug());
                    let absent = call(r.method, &missing, tokens[i], &r.payload, who);
                    if (absent.status, &absent.body) != (got.status, &got.body) {
                        failures.push(format!(
                            "{label}: 404 differs from a missing id: {} vs {} {}",
                            got.body, absent.status, absent.body
                        ));
                    }
                    if got.body["code"] != "not_found" {
                        failures.push(format!("{label}: code {}", got.body["code"]));
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{}: {} failure(s):\n{}",
            s.db.name,
            failures.len(),
            failures.join("\n")
        );

        // The matrix changed nothing about the case but its attachments, and the logout ended
        // every session.
        let admin = s.again("admin");
        let d = detail(&s, &admin, &case);
        assert_eq!(d["summary"]["version"], version);
        assert_eq!(d["summary"]["status"], "registered");
        let files = s.get(&format!("/api/v1/cases/{case}/attachments"), Some(&admin));
        assert_eq!(
            files.body.as_array().unwrap().len(),
            1 + 4,
            "{}",
            files.body
        );
        for token in tokens.into_iter().flatten() {
            assert_eq!(s.get("/api/v1/session", Some(token)).status, 401);
        }
        s.audit_ok();
    }
}
