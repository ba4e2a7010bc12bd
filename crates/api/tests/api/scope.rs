//! Who sees what: cases, requests and staff routes by role and department; sessions by
//! bearer token or cookie with its CSRF token.

use super::*;

#[test]
fn nobody_sees_what_is_not_theirs() {
    for db in databases("api-authz") {
        let s = TestApp::start(db);
        let o = s.office();
        let alice = applicant(&s, "alice");
        let bob = applicant(&s, "bob");
        let r = s.post("/api/v1/requests", Some(&alice), filing());
        assert_eq!(r.status, 201);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let mine = s.get("/api/v1/my/requests", Some(&alice));
        assert_eq!(mine.body.as_array().unwrap().len(), 1);
        assert_eq!(
            s.get(&format!("/api/v1/my/requests/{case}"), Some(&alice))
                .status,
            200
        );
        assert!(
            s.get("/api/v1/my/requests", Some(&bob))
                .body
                .as_array()
                .unwrap()
                .is_empty()
        );
        // Another owner, another department, an applicant on the staff route, a made-up id:
        // all the same 404.
        let missing = s.get(
            "/api/v1/cases/00000000-0000-0000-0000-000000000000",
            Some(&o.clerk),
        );
        assert_eq!(missing.status, 404);
        for (who, path) in [
            (&bob, format!("/api/v1/my/requests/{case}")),
            (&alice, format!("/api/v1/cases/{case}")),
            (&o.other_clerk, format!("/api/v1/cases/{case}")),
            (&o.other_clerk, format!("/api/v1/cases/{case}/attachments")),
        ] {
            let r = s.get(&path, Some(who));
            assert_eq!(
                (r.status, r.body["code"].as_str()),
                (404, Some("not_found")),
                "{path}"
            );
            assert_eq!(
                r.body, missing.body,
                "a denial must look like a missing case"
            );
        }
        let r = act(&s, &o.other_clerk, &case, "register", 1, json!({}));
        assert_eq!(r.status, 404);
        let r = act(&s, &bob, &case, "withdraw", 1, json!({}));
        assert_eq!(r.status, 404);
        // The owner sees the files they uploaded, not the staff's papers.
        let upload = |who: &str, name: &str| {
            let path = format!("/api/v1/cases/{case}/attachments?filename={name}");
            let r = s.raw(&path, Some(who), "text/plain", name.as_bytes());
            assert_eq!(r.status, 201, "{}", r.body);
            r.body["id"].as_str().unwrap().to_owned()
        };
        let own = upload(&alice, "id-card.txt");
        let internal = upload(&o.clerk, "draft.txt");
        let list = s.get(&format!("/api/v1/cases/{case}/attachments"), Some(&alice));
        let names: Vec<&str> = list
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["filename"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["id-card.txt"]);
        assert_eq!(
            s.get(&format!("/api/v1/attachments/{internal}"), Some(&alice))
                .status,
            404
        );
        assert_eq!(
            s.get(&format!("/api/v1/attachments/{own}"), Some(&o.clerk))
                .status,
            200
        );
        let staff = s.get(&format!("/api/v1/cases/{case}/attachments"), Some(&o.clerk));
        assert_eq!(staff.body.as_array().unwrap().len(), 2);
        // The owner may withdraw through the action route.
        let r = act(&s, &alice, &case, "withdraw", 1, json!({}));
        assert_eq!(r.status, 200, "{}", r.body);
        // Roles.
        assert_eq!(s.get("/api/v1/cases", None).status, 401);
        assert_eq!(s.get("/api/v1/cases", Some(&alice)).status, 403);
        assert_eq!(
            s.get("/api/v1/admin/users", Some(&o.supervisor)).status,
            403
        );
        assert_eq!(
            s.get("/api/v1/supervision/dashboard", Some(&o.clerk))
                .status,
            403
        );
        assert_eq!(
            s.get("/api/v1/supervision/dashboard", Some(&o.supervisor))
                .status,
            200
        );
        assert_eq!(s.get("/api/v1/admin/users", Some(&o.admin)).status, 200);
        let r = s.get("/api/v1/cases", Some(&"0".repeat(64)));
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (401, Some("unauthenticated"))
        );

        // A browser session: the cookie alone does not make a write.
        let login = s.exec(
            Req::new("POST", "/api/v1/session")
                .json(&json!({"username": "alice", "password": "secret-pass-123"})),
        );
        let csrf = login.body["csrf_token"].as_str().unwrap().to_owned();
        let token = login.body["token"].as_str().unwrap().to_owned();
        let cookie = format!("gongkai_session={token}");
        let r = s.exec(
            Req::new("POST", "/api/v1/requests")
                .header("Cookie", &cookie)
                .json(&filing()),
        );
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (403, Some("csrf_token_missing"))
        );
        let r = s.exec(
            Req::new("POST", "/api/v1/requests")
                .header("Cookie", &cookie)
                .header("X-CSRF-Token", &csrf)
                .json(&filing()),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let r = s.exec(Req::new("GET", "/api/v1/my/requests").header("Cookie", &cookie));
        assert_eq!(r.body.as_array().unwrap().len(), 2);
        // Logging out ends the session.
        let r = s.exec(Req::new("DELETE", "/api/v1/session").bearer(Some(&alice)));
        assert_eq!(r.status, 204);
        assert_eq!(s.get("/api/v1/my/requests", Some(&alice)).status, 401);
    }
}
