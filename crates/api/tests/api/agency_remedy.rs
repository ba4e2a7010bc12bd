//! An agency's remedy bodies (行政复议法 2023 art. 20): set by an admin through the API or the
//! /admin page, warned about while unset; and the "not held" choice of a drafted reply.

use super::*;

#[test]
fn admins_set_an_agencys_reconsideration_body_and_court() {
    for db in databases("api-agency-remedy") {
        let s = TestApp::start(db);
        let o = s.office();
        let page_admin = s.user("admin-page", gongkai_workflow::Role::Admin, &[]);
        let cookie = format!("gongkai_session={}", page_admin.token);
        let admin_page = || {
            s.exec(
                Req::new("GET", "/admin")
                    .header("Accept", "text/html")
                    .header("Cookie", &cookie),
            )
            .text
        };
        // Unset: the public list says so and /admin warns.
        let list = s.get("/api/v1/agencies", None);
        assert_eq!(
            list.body[0]["reconsideration_body"],
            Value::Null,
            "{}",
            list.body
        );
        let html = admin_page();
        assert!(html.contains("id=\"remedy-missing\""), "{html}");
        assert!(html.contains("尚未设置行政复议机关"), "{html}");

        // Too long, and an unknown agency: refused with their codes; nothing changed.
        let r = s.send(
            "PUT",
            "/api/v1/admin/agencies/gk",
            Some(&o.admin),
            json!({"reconsideration_body": "某".repeat(101), "court": "某市中级人民法院"}),
        );
        refused(&r, 422, "invalid_input");
        let r = s.send(
            "PUT",
            "/api/v1/admin/agencies/no-such",
            Some(&o.admin),
            json!({"reconsideration_body": "某省人民政府"}),
        );
        refused(&r, 404, "not_found");
        let r = s.send(
            "PUT",
            "/api/v1/admin/agencies/gk",
            Some(&o.admin),
            json!({"reconsideration_body": "某省人民政府", "unknown": 1}),
        );
        assert!(r.status == 400 || r.status == 422, "{}", r.body);

        // Set: answered, listed, and the warning is gone.
        let r = s.send(
            "PUT",
            "/api/v1/admin/agencies/gk",
            Some(&o.admin),
            json!({"reconsideration_body": " 某省人民政府 ", "court": "某市中级人民法院"}),
        );
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["reconsideration_body"], "某省人民政府");
        assert_eq!(r.body["court"], "某市中级人民法院");
        let list = s.get("/api/v1/agencies", None);
        assert_eq!(list.body[0]["court"], "某市中级人民法院");
        let html = admin_page();
        assert!(!html.contains("id=\"remedy-missing\""), "{html}");
        assert!(html.contains("value=\"某省人民政府\""), "{html}");

        // The page's form clears one (blank), and the warning is back.
        let r = s.exec(
            Req::new("POST", "/admin/agencies/gk/remedy")
                .header("Accept", "text/html")
                .header("Cookie", &cookie)
                .form(&[
                    ("csrf", page_admin.csrf.as_str()),
                    ("reconsideration_body", "某省人民政府"),
                    ("court", ""),
                ]),
        );
        assert_eq!(r.status, 303, "{}", r.text);
        let html = admin_page();
        assert!(html.contains("id=\"remedy-missing\""), "{html}");
        let list = s.get("/api/v1/agencies", None);
        assert_eq!(list.body[0]["court"], Value::Null);
        // A refused form keeps what was typed and says why.
        let long = "某".repeat(101);
        let r = s.exec(
            Req::new("POST", "/admin/agencies/gk/remedy")
                .header("Accept", "text/html")
                .header("Cookie", &cookie)
                .form(&[
                    ("csrf", page_admin.csrf.as_str()),
                    ("reconsideration_body", long.as_str()),
                    ("court", "某市中级人民法院"),
                ]),
        );
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(r.text.contains(&long), "{}", r.text);
    }
}

#[test]
fn a_not_held_reply_chooses_its_finding_and_names_the_agency_with_its_contact() {
    for db in databases("api-not-held") {
        let s = TestApp::start(db);
        let o = s.office();
        let r = s.post("/api/v1/requests", None, filing());
        assert_eq!(r.status, 201, "{}", r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let v = step(&s, &o.clerk, &case, "register", 1, json!({}));
        let v = step(&s, &o.clerk, &case, "start_processing", v, json!({}));
        let not_held = json!({"kind": "cannot_provide", "ground": "not_held"});
        // Does not exist, yet naming an agency: refused at the field.
        let r = act(
            &s,
            &o.clerk,
            &case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": not_held, "text": "经查", "not_held": "not_exist",
                             "competent_agency": "某区住房和城乡建设局"}}),
        );
        refused(&r, 422, "invalid_input");
        assert!(
            r.body.to_string().contains("reply.competent_agency"),
            "{}",
            r.body
        );
        // Not this agency's, with its contact details.
        let v = step(
            &s,
            &o.clerk,
            &case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": not_held, "text": "该信息由区住房和城乡建设局制作",
                             "not_held": "not_this_agency",
                             "competent_agency": "某区住房和城乡建设局",
                             "competent_agency_contact": "电话 010-00000000"}}),
        );
        let look = detail(&s, &o.clerk, &case);
        let draft = look.to_string();
        assert!(draft.contains("not_this_agency"), "{draft}");
        assert!(draft.contains("电话 010-00000000"), "{draft}");
        // Art. 2 is a draftable ground.
        step(
            &s,
            &o.clerk,
            &case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": {"kind": "other", "ground": "not_government_information"},
                             "text": "所申请内容系咨询，不属于政府信息"}}),
        );
    }
}
