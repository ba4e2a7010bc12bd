//! The extension: approved by a supervisor, once.

use super::*;

// ---------------------------------------------------------------------------------------------
// 3. Extension
// ---------------------------------------------------------------------------------------------

#[test]
fn extension_is_approved_by_a_supervisor_once() {
    for db in databases("flows-extension") {
        let s = TestApp::start(db);
        let o = s.office();
        let cal = calendar();
        let p = paper(&s, &o.clerk, None);
        assert_eq!(p.receipt, today());
        let before = date(&p.due["due_date"]);
        assert_eq!(before, cal.add_working_days(p.receipt, 20).0);
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "start_processing",
            p.version,
            json!({}),
        );

        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "request_extension",
            v,
            json!({"reason": "需要调取档案", "days": 21}),
        );
        refused(&r, 422, "extension_too_long");
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "request_extension",
            v,
            json!({"reason": "需要调取档案", "days": 0}),
        );
        refused(&r, 422, "invalid_input");
        let r = act(
            &s,
            &o.supervisor,
            &p.case,
            "approve_extension",
            v,
            json!({}),
        );
        refused(&r, 409, "extension_not_requested");
        let r = ok(
            &s,
            &o.clerk,
            &p.case,
            "request_extension",
            v,
            json!({"reason": "涉及多个部门，需要调取历年档案"}),
        );
        assert_eq!(last_event(&r), "extension_requested");
        // Requested is not approved: the due date stands.
        assert_eq!(date(&r.body["due"]["due_date"]), before);
        assert!(r.body["sub_state"].is_null(), "{}", r.body);
        let v = version_of(&r);
        // The applicant is not told of a request that may still be refused.
        assert!(
            !timeline(&lookup(&s, &p.tracking, &p.code))
                .iter()
                .any(|t| t.contains("延长")),
        );

        // The clerk who asked cannot approve; another department's clerk does not see it.
        let r = act(&s, &o.clerk, &p.case, "approve_extension", v, json!({}));
        refused(&r, 403, "forbidden_for_role");
        let r = act(
            &s,
            &o.other_clerk,
            &p.case,
            "approve_extension",
            v,
            json!({}),
        );
        refused(&r, 404, "not_found");
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "request_extension",
            v,
            json!({"reason": "再次申请"}),
        );
        refused(&r, 409, "extension_already_used");

        let r = ok(
            &s,
            &o.supervisor,
            &p.case,
            "approve_extension",
            v,
            json!({}),
        );
        assert_eq!(r.body["sub_state"], "extended");
        let after = date(&r.body["due"]["due_date"]);
        assert_eq!(after, cal.add_working_days(p.receipt, 40).0);
        assert_eq!(
            cal.working_days_between(before, after),
            20,
            "{before} → {after}"
        );
        assert!(
            (26..=45).contains(&(after - before).num_days()),
            "{before} → {after}"
        );
        assert!(
            explanation(&r.body["due"])
                .iter()
                .any(|l| l.contains("经批准延长 20 个工作日，共 40 个工作日")),
            "{}",
            r.body["due"]
        );
        let v = version_of(&r);
        let summary = detail(&s, &o.clerk, &p.case)["summary"].clone();
        assert_eq!(date(&summary["due_date"]), after);
        assert_eq!(summary["sub_state"], "extended");
        let look = lookup(&s, &p.tracking, &p.code);
        assert_eq!(date(&look["due"]["due_date"]), after);
        assert!(
            timeline(&look).contains(&"经批准延长答复期限 20 个工作日".to_owned()),
            "{:?}",
            timeline(&look)
        );

        // Once only, whoever asks.
        for token in [&o.clerk, &o.supervisor] {
            let r = act(
                &s,
                token,
                &p.case,
                "request_extension",
                v,
                json!({"reason": "仍需时间"}),
            );
            refused(&r, 409, "extension_already_used");
        }
        let r = act(
            &s,
            &o.supervisor,
            &p.case,
            "approve_extension",
            v,
            json!({}),
        );
        refused(&r, 409, "extension_not_requested");

        // A second case: a supervisor cannot approve his own request; a denied request may be
        // made again.
        let q = paper(&s, &o.clerk, None);
        let v = step(
            &s,
            &o.clerk,
            &q.case,
            "start_processing",
            q.version,
            json!({}),
        );
        let v = step(
            &s,
            &o.supervisor,
            &q.case,
            "request_extension",
            v,
            json!({"reason": "需要会商", "days": 10}),
        );
        let r = act(
            &s,
            &o.supervisor,
            &q.case,
            "approve_extension",
            v,
            json!({}),
        );
        refused(&r, 403, "self_approval");
        let v = step(
            &s,
            &o.supervisor,
            &q.case,
            "deny_extension",
            v,
            json!({"reason": "理由不充分"}),
        );
        let r = ok(
            &s,
            &o.clerk,
            &q.case,
            "request_extension",
            v,
            json!({"reason": "补充理由后重新申请", "days": 10}),
        );
        let r = ok(
            &s,
            &o.supervisor,
            &q.case,
            "approve_extension",
            version_of(&r),
            json!({}),
        );
        assert_eq!(
            date(&r.body["due"]["due_date"]),
            cal.add_working_days(q.receipt, 30).0
        );
        s.audit_ok();
    }
}
