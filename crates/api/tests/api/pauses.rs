//! What pauses the reply clock: a third-party consultation, a fee notice until payment.

use super::*;

// ---------------------------------------------------------------------------------------------
// 2. Third-party consultation pauses the clock
// ---------------------------------------------------------------------------------------------

#[test]
fn third_party_consultation_pauses_the_reply_clock() {
    for db in databases("flows-consultation") {
        let s = TestApp::start(db);
        let o = s.office();
        let cal = calendar();
        // Handed in ten days ago; the letter to the third party went out three days later and
        // its answer arrives today, so that the pause covers working days.
        let receipt = today() - chrono::Duration::days(10);
        let letter = receipt + chrono::Duration::days(3);
        let p = paper(&s, &o.clerk, Some(receipt));
        assert_eq!(p.receipt, receipt);
        let before = cal.add_working_days(receipt, 20).0;
        assert_eq!(date(&p.due["due_date"]), before, "{}", p.due);
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "start_processing",
            p.version,
            json!({}),
        );

        // Dates the workflow refuses: a letter dated tomorrow, or before the receipt.
        for (letter_date, code) in [
            (today() + chrono::Duration::days(1), "date_in_future"),
            (receipt - chrono::Duration::days(1), "date_too_early"),
        ] {
            let r = act(
                &s,
                &o.clerk,
                &p.case,
                "start_consultation",
                v,
                json!({"kind": "third_party", "party": "某物业公司", "letter_date": letter_date}),
            );
            refused(&r, 422, code);
        }
        let r = ok(
            &s,
            &o.clerk,
            &p.case,
            "start_consultation",
            v,
            // Sent by email: received the day it is sent (a posted letter is presumed
            // received 3 days later and its window runs from then).
            json!({"kind": "third_party", "party": "某房地产开发有限公司", "letter_date": letter,
                   "sent_by": "email"}),
        );
        assert_eq!(r.body["sub_state"], "consulting_third_party", "{}", r.body);
        assert!(r.body["due"]["due_date"].is_null(), "{}", r.body["due"]);
        let remaining = 20 - cal.working_days_between(receipt, letter);
        assert!(
            explanation(&r.body["due"])
                .iter()
                .any(|l| l.contains("暂停") && l.contains(&format!("尚余 {remaining} 个工作日"))),
            "{}",
            r.body["due"]
        );
        let v = version_of(&r);
        let summary = detail(&s, &o.clerk, &p.case)["summary"].clone();
        assert_eq!(summary["sub_state"], "consulting_third_party");
        assert!(summary["due_date"].is_null(), "{summary}");
        let look = lookup(&s, &p.tracking, &p.code);
        assert!(look["due"]["due_date"].is_null(), "{}", look["due"]);
        let deadline = cal.add_working_days(letter, 15).0;
        assert!(
            timeline(&look)
                .iter()
                .any(|t| t.contains("征求第三方意见") && t.contains(&deadline.to_string())),
            "{:?}",
            timeline(&look)
        );

        // No reply while the consultation runs.
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": {"kind": "not_disclosed", "ground": "third_party_rights"},
                             "text": "第三方不同意公开"}}),
        );
        let r = act(&s, &o.clerk, &p.case, "submit_for_review", v, json!({}));
        refused(&r, 409, "pending_steps");
        // Silence cannot be assumed before the third party's period has run out.
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "end_consultation",
            v,
            json!({"consultation": 1, "opinion": "no_answer"}),
        );
        refused(&r, 409, "opinion_period_not_over");
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "end_consultation",
            v,
            json!({"consultation": 2, "opinion": "objection"}),
        );
        refused(&r, 409, "consultation_not_found");
        // Another department's clerk does not see the case at all.
        let r = act(
            &s,
            &o.other_clerk,
            &p.case,
            "end_consultation",
            v,
            json!({"consultation": 1, "opinion": "objection"}),
        );
        refused(&r, 404, "not_found");

        let r = ok(
            &s,
            &o.clerk,
            &p.case,
            "end_consultation",
            v,
            json!({"consultation": 1, "opinion": "objection"}),
        );
        assert!(r.body["sub_state"].is_null(), "{}", r.body);
        // The working days of (letter, today] are not counted.
        let paused = u32::try_from(cal.working_days_between(letter, today())).unwrap();
        let after = cal.add_working_days(receipt, 20 + paused).0;
        assert_eq!(date(&r.body["due"]["due_date"]), after, "{}", r.body["due"]);
        assert!(paused == 0 || after > before, "{before} → {after}");
        assert!(
            explanation(&r.body["due"])
                .iter()
                .any(|l| l.contains(&format!("其间 {paused} 个工作日不计入答复期限"))),
            "{}",
            r.body["due"]
        );
        let v = version_of(&r);
        let summary = detail(&s, &o.clerk, &p.case)["summary"].clone();
        assert_eq!(date(&summary["due_date"]), after, "{summary}");
        assert!(summary["sub_state"].is_null(), "{summary}");
        let look = lookup(&s, &p.tracking, &p.code);
        assert_eq!(date(&look["due"]["due_date"]), after);
        assert!(timeline(&look).contains(&"征求意见结束".to_owned()));
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "end_consultation",
            v,
            json!({"consultation": 1, "opinion": "consent"}),
        );
        refused(&r, 409, "consultation_already_ended");

        // Another agency's consultation is a sub-state of its own; the reply can go once all
        // consultations have ended.
        let r = ok(
            &s,
            &o.clerk,
            &p.case,
            "start_consultation",
            v,
            json!({"kind": "other_agency", "party": "某区人民政府"}),
        );
        assert_eq!(r.body["sub_state"], "consulting_agency");
        assert!(r.body["due"]["due_date"].is_null());
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "end_consultation",
            version_of(&r),
            json!({"consultation": 2, "opinion": "consent"}),
        );
        let v = step(&s, &o.clerk, &p.case, "submit_for_review", v, json!({}));
        step(&s, &o.supervisor, &p.case, "approve_reply", v, json!({}));
        let look = lookup(&s, &p.tracking, &p.code);
        assert_eq!(look["outcome_label"], "不予公开：保护第三方合法权益");
        assert!(
            timeline(&look)
                .iter()
                .any(|t| t.contains("征求其他行政机关意见")),
            "{:?}",
            timeline(&look)
        );
        s.audit_ok();
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Fee notice and payment
// ---------------------------------------------------------------------------------------------

#[test]
fn fee_notice_pauses_the_clock_until_payment() {
    for db in databases("flows-fee") {
        let s = TestApp::start(db);
        let o = s.office();
        let cal = calendar();
        let p = paper(&s, &o.clerk, None);
        let due = date(&p.due["due_date"]);
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "start_processing",
            p.version,
            json!({}),
        );

        // Nothing to pay for (the applicant's first request of the month), nothing issued
        // yet; no pages to count before a draft lists what will be provided.
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "issue_fee_notice",
            v,
            json!({"fee": {"method": "per_request"}}),
        );
        refused(&r, 409, "no_fee_due");
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "issue_fee_notice",
            v,
            json!({"fee": {"method": "per_page", "pages": 0}}),
        );
        refused(&r, 422, "fee_release_missing");
        for action in ["record_payment", "close_unpaid"] {
            let r = act(&s, &o.clerk, &p.case, action, v, json!({}));
            refused(&r, 409, "fee_not_issued");
        }

        // 120 pages: 70 pages at 10 yuan and 20 at 20 yuan.
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "现提供如下。",
                             "release": [{"kind": "document", "title": "配租审核公示材料",
                                          "pages": 120, "form": "paper"}]}}),
        );
        let r = ok(
            &s,
            &o.clerk,
            &p.case,
            "issue_fee_notice",
            v,
            json!({"fee": {"method": "per_page", "pages": 120}}),
        );
        assert_eq!(r.body["sub_state"], "awaiting_fee");
        assert!(r.body["due"]["due_date"].is_null(), "{}", r.body["due"]);
        let v = version_of(&r);
        let fee_deadline = cal.add_working_days(today(), 20).0;
        let look = lookup(&s, &p.tracking, &p.code);
        assert_eq!(look["fee_yuan"], 1100, "{look}");
        assert_eq!(date(&look["fee_deadline"]), fee_deadline);
        assert!(look["due"]["due_date"].is_null(), "{}", look["due"]);
        assert!(
            timeline(&look).contains(&format!(
                "发出收费通知：信息处理费 1100 元，请于 {fee_deadline} 前缴纳"
            )),
            "{:?}",
            timeline(&look)
        );
        let summary = detail(&s, &o.clerk, &p.case)["summary"].clone();
        assert_eq!(summary["sub_state"], "awaiting_fee");
        assert!(summary["due_date"].is_null());

        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "issue_fee_notice",
            v,
            json!({"fee": {"method": "per_request", "nth": 12}}),
        );
        refused(&r, 409, "fee_already_issued");
        // The payment period runs 20 working days: the case cannot be closed before.
        let r = act(&s, &o.clerk, &p.case, "close_unpaid", v, json!({}));
        refused(&r, 409, "fee_period_not_over");
        assert!(
            r.body["detail"]
                .as_str()
                .unwrap()
                .contains(&fee_deadline.to_string()),
            "{}",
            r.body
        );
        let r = act(&s, &o.supervisor, &p.case, "close_unpaid", v, json!({}));
        refused(&r, 409, "fee_period_not_over");
        // No reply while the fee is unpaid.
        let v = step(
            &s,
            &o.clerk,
            &p.case,
            "draft_reply",
            v,
            json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "现提供如下。",
                             "release": gongkai_testkit::release_json()}}),
        );
        let r = act(&s, &o.clerk, &p.case, "submit_for_review", v, json!({}));
        refused(&r, 409, "pending_steps");
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "record_payment",
            v,
            json!({"paid_on": today() + chrono::Duration::days(1)}),
        );
        refused(&r, 422, "date_in_future");
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "record_payment",
            v,
            json!({"paid_on": today() - chrono::Duration::days(1)}),
        );
        refused(&r, 422, "date_too_early");

        let r = ok(&s, &o.clerk, &p.case, "record_payment", v, json!({}));
        assert_eq!(last_event(&r), "fee_paid");
        assert!(r.body["sub_state"].is_null(), "{}", r.body);
        // Notice and payment on the same day: no working day was paused.
        assert_eq!(date(&r.body["due"]["due_date"]), due);
        let v = version_of(&r);
        let look = lookup(&s, &p.tracking, &p.code);
        assert!(look["fee_yuan"].is_null(), "{look}");
        assert!(look["fee_deadline"].is_null(), "{look}");
        assert_eq!(date(&look["due"]["due_date"]), due);
        assert!(timeline(&look).contains(&"已缴纳信息处理费".to_owned()));
        let summary = detail(&s, &o.clerk, &p.case)["summary"].clone();
        assert_eq!(date(&summary["due_date"]), due);
        assert!(summary["sub_state"].is_null());
        for action in ["record_payment", "close_unpaid"] {
            let r = act(&s, &o.clerk, &p.case, action, v, json!({}));
            refused(&r, 409, "fee_already_paid");
        }
        // Paid: the reply goes through, its release reviewed.
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
        assert_eq!(lookup(&s, &p.tracking, &p.code)["status"], "replied");
        s.audit_ok();
    }
}
