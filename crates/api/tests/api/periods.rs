//! Issue 17, points 10–13 over HTTP: the real day a letter was received, the art. 35 step and
//! the art. 32 disclosure reason, each refusal a problem with its stable code.

use super::*;

#[test]
fn art35_reasons_and_art32_disclosure_are_enforced_with_stable_codes() {
    for db in databases("flows-periods") {
        let s = TestApp::start(db);
        let o = s.office();
        let receipt = today() - chrono::Duration::days(10);
        let p = paper(&s, &o.clerk, Some(receipt));
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "start_processing",
            p.version,
            json!({}),
        );
        let excessive = json!({"reply": {"outcome": {"kind": "not_processed", "ground": "excessive"},
                                         "text": "申请数量明显超过合理范围"}});
        let r = act(&s, &o.clerk, &p.case, "draft_reply", v, excessive.clone());
        refused(&r, 409, "reasons_step_required");
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "request_reasons",
            v,
            json!({"grounds": "您本月提出同类申请40件", "sent_by": "post"}),
        );
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "record_receipt",
            v,
            json!({"letter": {"letter": "reasons_request"}, "received_on": today()}),
        );
        let v = version_of(&r);
        assert_eq!(r.status, 200, "{}", r.body);
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "record_reasons",
            v,
            json!({"assessment": "reasonable", "note": "申请人说明系核对本人补偿情况"}),
        );
        let r = act(&s, &o.clerk, &p.case, "draft_reply", v, excessive);
        refused(&r, 409, "reasons_assessed_otherwise");

        // A third party objects; a full disclosure must say why.
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "start_consultation",
            v,
            json!({"kind": "third_party", "party": "某房地产开发有限公司", "sent_by": "in_person"}),
        );
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "end_consultation",
            v,
            json!({"consultation": 1, "opinion": "objection"}),
        );
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "见附件", "release": gongkai_testkit::release_json()}}),
        );
        let r = act(&s, &o.clerk, &p.case, "submit_for_review", v, json!({}));
        refused(&r, 422, "disclosure_reason_required");
        assert_eq!(
            r.body["errors"][0]["path"], "reply.disclosure",
            "{}",
            r.body
        );
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "见附件",
                             "disclosure": "不公开可能对公共利益造成重大影响",
                             "release": gongkai_testkit::release_json()}}),
        );
        step(&s, &o.clerk, &p.case, "submit_for_review", v, json!({}));
    }
}
