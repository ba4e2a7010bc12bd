//! Withdrawal by the owner account; reopening a reply after an order.

use super::*;

// ---------------------------------------------------------------------------------------------
// 5. Withdrawal by the owner account; reopening after an order
// ---------------------------------------------------------------------------------------------

#[test]
fn the_owner_account_withdraws_and_an_order_reopens_a_reply() {
    for db in databases("flows-withdraw-reopen") {
        let s = TestApp::start(db);
        let o = s.office();
        let cal = calendar();
        let r = s.post(
            "/api/v1/account",
            None,
            json!({"username": "wangwu", "password": "secret-pass-123", "display_name": "王五",
                   "applicant_type": "natural_person", "email": "wangwu@example.com"}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        assert_eq!(r.body["role"], "applicant");
        let owner = s.login("wangwu", "secret-pass-123");
        let r = s.post("/api/v1/requests", Some(&owner), filing());
        assert_eq!(r.status, 201, "{}", r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let mine = s.get("/api/v1/my/requests", Some(&owner));
        assert_eq!(mine.body[0]["id"], case.as_str(), "{}", mine.body);
        let v = step(&s, &o.clerk, &case, "register", 1, json!({}));
        let v = step(&s, &o.clerk, &case, "start_processing", v, json!({}));

        // The applicant's own withdrawal is dated the day it is made.
        let r = act(
            &s,
            &owner,
            &case,
            "withdraw",
            v,
            json!({"withdrawn_on": today()}),
        );
        refused(&r, 422, "invalid_input");
        let r = act(&s, &owner, &case, "withdraw", v - 1, json!({}));
        refused(&r, 409, "version_conflict");
        let r = act(&s, &o.other_clerk, &case, "withdraw", v, json!({}));
        refused(&r, 404, "not_found");
        // The owner may withdraw, not act as staff.
        let r = act(&s, &owner, &case, "archive", v, json!({}));
        refused(&r, 403, "forbidden_for_role");
        let r = ok(
            &s,
            &owner,
            &case,
            "withdraw",
            v,
            json!({"reason": "已通过其他途径获得"}),
        );
        assert_eq!(r.body["status"], "withdrawn");
        assert!(r.body["sub_state"].is_null());
        assert_eq!(last_event(&r), "withdrawn");
        let v = version_of(&r);
        let summary = detail(&s, &o.clerk, &case)["summary"].clone();
        assert_eq!(summary["status"], "withdrawn");
        assert_eq!(
            (
                summary["outcome"].as_str(),
                summary["outcome_ground"].as_str()
            ),
            (Some("other"), Some("other"))
        );
        assert!(summary["due_date"].is_null(), "{summary}");
        let view = s.get(&format!("/api/v1/my/requests/{case}"), Some(&owner));
        assert_eq!(view.status, 200, "{}", view.body);
        assert_eq!(view.body["status"], "withdrawn");
        assert!(view.body["outcome_label"].is_null(), "not a reply");
        assert!(timeline(&view.body).contains(&"申请人撤回申请".to_owned()));
        // Nothing more happens to a withdrawn request but its archiving; there is no reply to
        // make anew.
        let r = act(&s, &owner, &case, "withdraw", v, json!({}));
        refused(&r, 409, "wrong_status");
        let r = act(
            &s,
            &o.clerk,
            &case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "x"}}),
        );
        refused(&r, 409, "wrong_status");
        let v = step(&s, &o.clerk, &case, "archive", v, json!({}));
        let order = json!({"order": {"kind": "reconsideration", "body": "某市人民政府行政复议办公室",
                                     "reference": "某复决字〔2026〕1号", "received_on": today()}});
        let r = act(&s, &o.clerk, &case, "reopen", v, order.clone());
        refused(&r, 409, "wrong_status");

        // Reopening: a request handed in ten days ago, answered today, ordered anew today.
        let receipt = today() - chrono::Duration::days(10);
        let p = paper(&s, &o.clerk, Some(receipt));
        let first_due = date(&p.due["due_date"]);
        assert_eq!(first_due, cal.add_working_days(receipt, 20).0);
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "start_processing",
            p.version,
            json!({}),
        );
        let r = act(&s, &o.clerk, &p.case, "reopen", v, order.clone());
        refused(&r, 409, "wrong_status");
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": {"kind": "not_disclosed", "ground": "process_information"},
                             "text": "属于过程性信息"}}),
        );
        let v = step(&s, &o.clerk, &p.case, "submit_for_review", v, json!({}));
        let v = step(&s, &o.supervisor, &p.case, "approve_reply", v, json!({}));
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "record_delivery",
            v,
            json!({"method": "post"}),
        );
        let summary = detail(&s, &o.clerk, &p.case)["summary"].clone();
        assert_eq!(summary["status"], "replied");
        assert!(summary["due_date"].is_null(), "{summary}");

        let mut bad = order.clone();
        bad["order"]["received_on"] = json!(today() + chrono::Duration::days(1));
        refused(
            &act(&s, &o.clerk, &p.case, "reopen", v, bad),
            422,
            "date_in_future",
        );
        let mut bad = order.clone();
        bad["order"]["received_on"] = json!(today() - chrono::Duration::days(1));
        refused(
            &act(&s, &o.clerk, &p.case, "reopen", v, bad),
            422,
            "date_too_early",
        );
        let mut bad = order.clone();
        bad["order"]["reference"] = json!("");
        refused(
            &act(&s, &o.clerk, &p.case, "reopen", v, bad),
            422,
            "invalid_input",
        );

        let r = ok(&s, &o.clerk, &p.case, "reopen", v, order.clone());
        assert_eq!(r.body["status"], "processing");
        assert_eq!(last_event(&r), "reopened");
        let new_due = cal.add_working_days(today(), 20).0;
        assert_eq!(
            date(&r.body["due"]["due_date"]),
            new_due,
            "{}",
            r.body["due"]
        );
        // Ordered anew after working days had passed since the receipt: a later date.
        assert!(
            cal.working_days_between(receipt, today()) == 0 || new_due > first_due,
            "{first_due} → {new_due}"
        );
        assert!(
            explanation(&r.body["due"])
                .iter()
                .any(|l| l.contains("收到责令重新答复的决定之日")),
            "{}",
            r.body["due"]
        );
        let v = version_of(&r);
        let summary = detail(&s, &o.clerk, &p.case)["summary"].clone();
        assert_eq!(summary["status"], "processing");
        assert_eq!(date(&summary["due_date"]), new_due);
        assert!(summary["outcome"].is_null(), "{summary}");
        let look = lookup(&s, &p.tracking, &p.code);
        assert_eq!(look["status"], "processing");
        assert_eq!(date(&look["due"]["due_date"]), new_due);
        assert!(
            look["reply"].is_null() && look["outcome_label"].is_null(),
            "{look}"
        );
        assert!(
            timeline(&look)
                .contains(&"根据某市人民政府行政复议办公室重新答复，重新计算答复期限".to_owned()),
            "{:?}",
            timeline(&look)
        );
        // The new round needs a new draft, then it ends like any other.
        let r = act(&s, &o.clerk, &p.case, "submit_for_review", v, json!({}));
        refused(&r, 409, "draft_missing");
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": {"kind": "partly_disclosed"}, "text": "重新答复：部分公开",
                             "release": gongkai_testkit::release_json()}}),
        );
        let v = step(
            &s,
            &o.supervisor,
            &p.case,
            "record_secrecy_review",
            v,
            gongkai_testkit::secrecy_review_json(),
        );
        let v = step(&s, &o.clerk, &p.case, "submit_for_review", v, json!({}));
        step(&s, &o.supervisor, &p.case, "approve_reply", v, json!({}));
        let look = lookup(&s, &p.tracking, &p.code);
        assert_eq!(look["outcome_label"], "部分公开");
        assert_eq!(look["reply"]["text"], "重新答复：部分公开");
        s.audit_ok();
    }
}
