//! One lifecycle per reply outcome, from filing to archive.

use super::*;

// ---------------------------------------------------------------------------------------------
// 1. One lifecycle per reply outcome
// ---------------------------------------------------------------------------------------------

/// How the reply of one flow reaches approval.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Round {
    /// Drafted by the clerk, approved by the supervisor.
    Plain,
    /// The supervisor returns the first draft; the clerk redrafts.
    Returned,
    /// The supervisor drafts it himself and may not approve it: a second supervisor does.
    SupervisorDrafts,
}

struct Flow {
    outcome: Value,
    /// The projection's `outcome` and `outcome_ground` columns.
    kind: &'static str,
    ground: Option<&'static str>,
    /// What the applicant reads (outcome.rs, label_zh).
    label: &'static str,
    competent_agency: Option<&'static str>,
    round: Round,
}

#[test]
fn every_reply_outcome_from_filing_to_archive() {
    let flows = [
        Flow {
            outcome: json!({"kind": "disclosed"}),
            kind: "disclosed",
            ground: None,
            label: "予以公开",
            competent_agency: None,
            round: Round::Returned,
        },
        Flow {
            outcome: json!({"kind": "partly_disclosed"}),
            kind: "partly_disclosed",
            ground: None,
            label: "部分公开",
            competent_agency: None,
            round: Round::Plain,
        },
        Flow {
            outcome: json!({"kind": "not_disclosed", "ground": "state_secret"}),
            kind: "not_disclosed",
            ground: Some("state_secret"),
            label: "不予公开：属于国家秘密",
            competent_agency: None,
            round: Round::Plain,
        },
        Flow {
            outcome: json!({"kind": "cannot_provide", "ground": "not_held"}),
            kind: "cannot_provide",
            ground: Some("not_held"),
            label: "无法提供：本机关不掌握相关政府信息",
            competent_agency: Some("某区住房和城乡建设局"),
            round: Round::Plain,
        },
        Flow {
            outcome: json!({"kind": "not_processed", "ground": "repeated"}),
            kind: "not_processed",
            ground: Some("repeated"),
            label: "不予处理：重复申请",
            competent_agency: None,
            round: Round::SupervisorDrafts,
        },
        Flow {
            outcome: json!({"kind": "other", "ground": "other"}),
            kind: "other",
            ground: Some("other"),
            label: "其他处理：其他",
            competent_agency: None,
            round: Round::Plain,
        },
    ];
    for db in databases("flows-outcomes") {
        let s = TestApp::start(db);
        let o = s.office();
        let super2 = staff(&s, &o.admin, "super2", "supervisor", "gk-gkb");
        for (i, flow) in flows.iter().enumerate() {
            let what = format!("{}: {}", s.db.name, flow.outcome);
            // Filed online without an account, confirmed by the clerk.
            let r = s.post("/api/v1/requests", None, filing());
            assert_eq!(r.status, 201, "{what}: {}", r.body);
            let case = r.body["case_id"].as_str().unwrap().to_owned();
            let code = r.body["query_code"].as_str().unwrap().to_owned();
            let v = step(&s, &o.clerk, &case, "register", 1, json!({}));
            let tracking = detail(&s, &o.clerk, &case)["summary"]["tracking_number"]
                .as_str()
                .unwrap()
                .to_owned();
            let v = step(&s, &o.clerk, &case, "start_processing", v, json!({}));
            let mut reply = json!({"outcome": flow.outcome,
                                   "text": format!("答复书（{}）", flow.label)});
            if let Some(a) = flow.competent_agency {
                reply["competent_agency"] = json!(a);
            }
            if matches!(flow.kind, "disclosed" | "partly_disclosed") {
                reply["release"] = gongkai_testkit::release_json();
            }

            if i == 0 {
                // What the workflow refuses before any draft exists or for bad drafts.
                let r = act(&s, &o.clerk, &case, "submit_for_review", v, json!({}));
                refused(&r, 409, "draft_missing");
                let r = act(&s, &o.supervisor, &case, "approve_reply", v, json!({}));
                refused(&r, 409, "wrong_status");
                for bad in [
                    // Follows from close_unpaid only.
                    json!({"outcome": {"kind": "other", "ground": "fee_not_paid"}, "text": "x"}),
                    // No correction was asked for, let alone received.
                    json!({"outcome": {"kind": "cannot_provide", "ground": "still_unclear"},
                           "text": "x"}),
                    // The competent agency is only named for "not held".
                    json!({"outcome": {"kind": "disclosed"}, "text": "x",
                           "competent_agency": "某区政府"}),
                    json!({"outcome": {"kind": "disclosed"}, "text": "   "}),
                ] {
                    let r = act(&s, &o.clerk, &case, "draft_reply", v, json!({"reply": bad}));
                    refused(&r, 422, "invalid_input");
                }
                let r = act(
                    &s,
                    &o.clerk,
                    &case,
                    "draft_reply",
                    v,
                    json!({"reply": {"outcome": {"kind": "not_disclosed", "ground": "aliens"},
                                     "text": "x"}}),
                );
                refused(&r, 422, "invalid_input");
                assert_eq!(r.body["errors"][0]["path"], "reply.outcome", "{}", r.body);
                assert_eq!(
                    detail(&s, &o.clerk, &case)["summary"]["version"],
                    v,
                    "refusals change nothing"
                );
            }

            let drafter = if flow.round == Round::SupervisorDrafts {
                &o.supervisor
            } else {
                &o.clerk
            };
            let mut v = step(
                &s,
                drafter,
                &case,
                "draft_reply",
                v,
                json!({"reply": reply.clone()}),
            );
            // A release needs its secrecy review, by someone other than the drafter.
            let reviewer = if flow.round == Round::SupervisorDrafts {
                &super2
            } else {
                &o.supervisor
            };
            let review = |v: u64| match reply.get("release") {
                Some(_) => step(
                    &s,
                    reviewer,
                    &case,
                    "record_secrecy_review",
                    v,
                    gongkai_testkit::secrecy_review_json(),
                ),
                None => v,
            };
            v = review(v);
            v = step(&s, drafter, &case, "submit_for_review", v, json!({}));
            // A clerk never approves.
            let r = act(&s, &o.clerk, &case, "approve_reply", v, json!({}));
            refused(&r, 403, "forbidden_for_role");
            let mut final_text = reply["text"].clone();
            let approver = match flow.round {
                Round::Plain => &o.supervisor,
                Round::Returned => {
                    let r = act(
                        &s,
                        &o.supervisor,
                        &case,
                        "return_reply",
                        v,
                        json!({"reason": " "}),
                    );
                    refused(&r, 422, "invalid_input");
                    let r = act(
                        &s,
                        &o.clerk,
                        &case,
                        "return_reply",
                        v,
                        json!({"reason": "自己退回"}),
                    );
                    refused(&r, 403, "forbidden_for_role");
                    let r = ok(
                        &s,
                        &o.supervisor,
                        &case,
                        "return_reply",
                        v,
                        json!({"reason": "请补充信息的获取方式"}),
                    );
                    assert_eq!(r.body["status"], "processing");
                    v = version_of(&r);
                    let d = detail(&s, &o.clerk, &case);
                    assert_eq!(d["case"]["last_return_reason"], "请补充信息的获取方式");
                    assert_eq!(d["summary"]["status"], "processing");
                    final_text = json!("经查，现将您申请的信息提供如下，可通过电子邮件获取。");
                    let mut redraft =
                        json!({"reply": {"outcome": flow.outcome, "text": final_text}});
                    if let Some(release) = reply.get("release") {
                        redraft["reply"]["release"] = release.clone();
                    }
                    v = step(&s, &o.clerk, &case, "draft_reply", v, redraft);
                    v = review(v);
                    v = step(&s, &o.clerk, &case, "submit_for_review", v, json!({}));
                    &o.supervisor
                }
                Round::SupervisorDrafts => {
                    let r = act(&s, &o.supervisor, &case, "approve_reply", v, json!({}));
                    refused(&r, 403, "self_approval");
                    &super2
                }
            };
            // The review queue holds it until approval.
            let reviews = s.get("/api/v1/supervision/reviews", Some(approver));
            assert!(
                reviews.body["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| c["id"] == case.as_str()),
                "{what}: {}",
                reviews.body
            );
            let r = ok(&s, approver, &case, "approve_reply", v, json!({}));
            assert_eq!(r.body["status"], "replied", "{what}");
            assert_eq!(last_event(&r), "reply_approved", "{what}");
            assert_eq!(
                r.body["events"].as_array().unwrap().last().unwrap()["event"]["kind"]["outcome"],
                flow.outcome,
                "{what}"
            );
            let mut v = version_of(&r);

            // The projection and the applicant's view.
            let summary = detail(&s, &o.clerk, &case)["summary"].clone();
            assert_eq!(summary["status"], "replied", "{what}");
            assert_eq!(summary["outcome"], flow.kind, "{what}");
            assert_eq!(summary["outcome_ground"], json!(flow.ground), "{what}");
            assert!(summary["due_date"].is_null(), "{what}: {summary}");
            assert!(summary["warning_level"].is_null(), "{what}: {summary}");
            let look = lookup(&s, &tracking, &code);
            assert_eq!(look["status"], "replied", "{what}");
            assert_eq!(look["outcome_label"], flow.label, "{what}");
            assert_eq!(look["reply"]["text"], final_text, "{what}");
            assert_eq!(
                look["reply"]["competent_agency"],
                json!(flow.competent_agency),
                "{what}"
            );
            let lines = timeline(&look);
            assert!(
                lines.contains(&format!("作出答复：{}", flow.label)),
                "{what}: {lines:?}"
            );
            assert!(
                !lines
                    .iter()
                    .any(|t| t.contains("退回") || t.contains("审核")),
                "{what}: internal steps shown: {lines:?}"
            );

            if i == 0 {
                let r = act(&s, &o.clerk, &case, "archive", v, json!({}));
                refused(&r, 409, "delivery_not_recorded");
            }
            v = step(
                &s,
                &o.clerk,
                &case,
                "record_delivery",
                v,
                json!({"method": "email"}),
            );
            if i == 0 {
                let r = act(
                    &s,
                    &o.clerk,
                    &case,
                    "record_delivery",
                    v,
                    json!({"method": "post"}),
                );
                refused(&r, 409, "already_delivered");
            }
            let r = ok(&s, &o.clerk, &case, "archive", v, json!({}));
            assert_eq!(r.body["status"], "archived");
            let summary = detail(&s, &o.clerk, &case)["summary"].clone();
            assert_eq!(
                (summary["status"].as_str(), summary["outcome"].as_str()),
                (Some("archived"), Some(flow.kind)),
                "{what}"
            );
            let look = lookup(&s, &tracking, &code);
            assert_eq!(look["status"], "archived", "{what}");
            assert_eq!(look["outcome_label"], flow.label, "{what}");
            assert!(
                timeline(&look).contains(&"答复已送达（电子邮件）".to_owned()),
                "{what}"
            );
        }
        // Every flow ended archived, each under its own outcome.
        let q = s.get("/api/v1/cases?status=archived", Some(&o.supervisor));
        let mut kinds: Vec<&str> = q.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["outcome"].as_str().unwrap())
            .collect();
        kinds.sort_unstable();
        let mut expected: Vec<&str> = flows.iter().map(|f| f.kind).collect();
        expected.sort_unstable();
        assert_eq!(kinds, expected, "{}", s.db.name);
        s.audit_ok();
    }
}
