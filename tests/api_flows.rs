//! End-to-end flows of `gongkai serve` over HTTP: one lifecycle per reply outcome, the pauses
//! of the reply clock (consultation, fee), the extension, withdrawal by the owner account,
//! reopening after an order, and the authorization matrix of every route × every role. The
//! real binary on a free port, on SQLite and (with GONGKAI_TEST_DATABASE_URL) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use chrono::{NaiveDate, Utc};
use gongkai_workflow::{Calendar, builtin_calendar};
use serde_json::{Value, json};
use support::databases;
use support::server::*;

// ---------------------------------------------------------------------------------------------
// Helpers of these flows
// ---------------------------------------------------------------------------------------------

/// Today in Asia/Shanghai (UTC+8, no daylight saving), the server's legal date.
fn today() -> NaiveDate {
    (Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// The calendar the server uses when no year was uploaded.
fn calendar() -> Calendar {
    builtin_calendar().unwrap()
}

fn date(v: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(
        v.as_str().unwrap_or_else(|| panic!("not a date: {v}")),
        "%Y-%m-%d",
    )
    .unwrap()
}

/// A request handed in at the counter, registered by `token` at once.
struct Paper {
    case: String,
    tracking: String,
    code: String,
    version: u64,
    receipt: NaiveDate,
    due: Value,
}

fn paper(s: &Server, token: &str, receipt: Option<NaiveDate>) -> Paper {
    let mut body = filing();
    body["channel"] = json!("in_person");
    if let Some(d) = receipt {
        body["receipt_date"] = json!(d);
    }
    let r = s.post("/api/v1/cases", Some(token), body);
    assert_eq!(r.status, 201, "{}", r.body);
    Paper {
        case: r.body["case_id"].as_str().unwrap().to_owned(),
        tracking: r.body["tracking_number"].as_str().unwrap().to_owned(),
        code: r.body["query_code"].as_str().unwrap().to_owned(),
        version: version_of(&r),
        receipt: date(&r.body["receipt_date"]),
        due: r.body["due"].clone(),
    }
}

fn detail(s: &Server, token: &str, case: &str) -> Value {
    let r = s.get(&format!("/api/v1/cases/{case}"), Some(token));
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

/// The applicant's view through the tracking number and the query code.
fn lookup(s: &Server, reference: &str, code: &str) -> Value {
    let r = s.post(
        "/api/v1/lookup",
        None,
        json!({"reference": reference, "query_code": code}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

fn timeline(view: &Value) -> Vec<String> {
    view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap().to_owned())
        .collect()
}

fn explanation(due: &Value) -> Vec<String> {
    due["explanation"]
        .as_array()
        .unwrap_or_else(|| panic!("no explanation: {due}"))
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect()
}

/// The `type` of the last event an action recorded.
fn last_event(r: &Reply) -> String {
    let events = r.body["events"].as_array().unwrap();
    events.last().unwrap()["event"]["kind"]["type"]
        .as_str()
        .unwrap()
        .to_owned()
}

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
        let s = start(&db);
        let o = office(&s);
        let super2 = staff(&s, &o.admin, "super2", "supervisor", "gk-gkb");
        for (i, flow) in flows.iter().enumerate() {
            let what = format!("{}: {}", db.name, flow.outcome);
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
                json!({"reply": reply}),
            );
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
                    let redraft = json!({"reply": {"outcome": flow.outcome, "text": final_text}});
                    v = step(&s, &o.clerk, &case, "draft_reply", v, redraft);
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
            assert!(timeline(&look).contains(&"答复已送达".to_owned()), "{what}");
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
        assert_eq!(kinds, expected, "{}", db.name);
        drop(s);
        audit_ok(&db);
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Third-party consultation pauses the clock
// ---------------------------------------------------------------------------------------------

#[test]
fn third_party_consultation_pauses_the_reply_clock() {
    for db in databases("flows-consultation") {
        let s = start(&db);
        let o = office(&s);
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
            json!({"kind": "third_party", "party": "某房地产开发有限公司", "letter_date": letter}),
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
        drop(s);
        audit_ok(&db);
    }
}

// ---------------------------------------------------------------------------------------------
// 3. Extension
// ---------------------------------------------------------------------------------------------

#[test]
fn extension_is_approved_by_a_supervisor_once() {
    for db in databases("flows-extension") {
        let s = start(&db);
        let o = office(&s);
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
        drop(s);
        audit_ok(&db);
    }
}

// ---------------------------------------------------------------------------------------------
// 4. Fee notice and payment
// ---------------------------------------------------------------------------------------------

#[test]
fn fee_notice_pauses_the_clock_until_payment() {
    for db in databases("flows-fee") {
        let s = start(&db);
        let o = office(&s);
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

        // Nothing to pay for, nothing issued yet.
        let r = act(
            &s,
            &o.clerk,
            &p.case,
            "issue_fee_notice",
            v,
            json!({"fee": {"method": "per_request", "nth": 10}}),
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
        refused(&r, 422, "invalid_input");
        for action in ["record_payment", "close_unpaid"] {
            let r = act(&s, &o.clerk, &p.case, action, v, json!({}));
            refused(&r, 409, "fee_not_issued");
        }

        // 120 pages: 70 pages at 10 yuan and 20 at 20 yuan.
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
            json!({"reply": {"outcome": {"kind": "disclosed"}, "text": "现提供如下。"}}),
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
        // Paid: the reply goes through.
        let v = step(&s, &o.clerk, &p.case, "submit_for_review", v, json!({}));
        step(&s, &o.supervisor, &p.case, "approve_reply", v, json!({}));
        assert_eq!(lookup(&s, &p.tracking, &p.code)["status"], "replied");
        drop(s);
        audit_ok(&db);
    }
}

// ---------------------------------------------------------------------------------------------
// 5. Withdrawal by the owner account; reopening after an order
// ---------------------------------------------------------------------------------------------

#[test]
fn the_owner_account_withdraws_and_an_order_reopens_a_reply() {
    for db in databases("flows-withdraw-reopen") {
        let s = start(&db);
        let o = office(&s);
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
            json!({"reply": {"outcome": {"kind": "partly_disclosed"}, "text": "重新答复：部分公开"}}),
        );
        let v = step(&s, &o.clerk, &p.case, "submit_for_review", v, json!({}));
        step(&s, &o.supervisor, &p.case, "approve_reply", v, json!({}));
        let look = lookup(&s, &p.tracking, &p.code);
        assert_eq!(look["outcome_label"], "部分公开");
        assert_eq!(look["reply"]["text"], "重新答复：部分公开");
        drop(s);
        audit_ok(&db);
    }
}

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
        let s = start(&db);
        let o = office(&s);
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
        let rows = vec![
            //                                                                   anon owner other clerk clerk9 super admin
            // Public: the same for everyone, whatever token comes along.
            row("GET",  "/api/v1/guide", Empty,                                   [200, 200, 200, 200, 200, 200, 200]),
            row("GET",  "/api/v1/agencies", Empty,                                [200, 200, 200, 200, 200, 200, 200]),
            row("GET",  "/api/v1/agencies/gk/departments", Empty,                 [200, 200, 200, 200, 200, 200, 200]),
            row("GET",  "/api/v1/openapi.json", Empty,                            [200, 200, 200, 200, 200, 200, 200]),
            row("POST", "/api/v1/lookup",
                Json(json!({"reference": tracking, "query_code": code})),         [200, 200, 200, 200, 200, 200, 200]),
            // The query code is the key: no token opens the case without it.
            row("POST", "/api/v1/lookup/correction", Json(wrong_code),            [404, 404, 404, 404, 404, 404, 404]),
            row("POST", "/api/v1/lookup/withdrawal", Json(wrong_code_withdrawal), [404, 404, 404, 404, 404, 404, 404]),
            row("POST", "/api/v1/account",
                Json(json!({"username": "new-{who}", "password": "secret-pass-123",
                            "display_name": "新用户", "applicant_type": "natural_person"})),
                                                                                  [201, 201, 201, 201, 201, 201, 201]),
            row("POST", "/api/v1/session",
                Json(json!({"username": "alice", "password": "secret-pass-123"})),
                                                                                  [201, 201, 201, 201, 201, 201, 201]),
            // Filing online: anyone but staff, who register paper requests instead.
            row("POST", "/api/v1/requests", Json(filing_body),                    [201, 201, 201, 403, 403, 403, 403]),
            // The caller's own account.
            row("GET",  "/api/v1/session", Empty,                                 [401, 200, 200, 200, 200, 200, 200]),
            // A wrong current password changes nothing, whoever asks.
            row("POST", "/api/v1/session/password",
                Json(json!({"current_password": "wrong-pass-123", "new_password": "new-secret-456"})),
                                                                                  [401, 422, 422, 422, 422, 422, 422]),
            row("GET",  "/api/v1/my/requests", Empty,                             [401, 200, 200, 403, 403, 403, 403]),
            row("GET",  "/api/v1/my/requests/{case}", Empty,                      [401, 200, 404, 404, 404, 404, 404]),
            // Staff. Another department's clerk gets 422: the agency's intake office, where
            // the request would go, is outside his scope.
            row("POST", "/api/v1/cases", Json(paper_body),                        [401, 403, 403, 201, 422, 201, 403]),
            row("GET",  "/api/v1/cases", Empty,                                   [401, 403, 403, 200, 200, 200, 200]),
            row("GET",  "/api/v1/cases/{case}", Empty,                            [401, 404, 404, 200, 404, 200, 200]),
            // approve_reply on a registered case: only a supervisor passes the role check
            // (and then meets the status); nobody who cannot see the case learns it exists.
            row("POST", "/api/v1/cases/{case}/actions/approve_reply",
                Json(json!({"version": version})),                                [401, 403, 404, 403, 404, 409, 403]),
            // Attachments: the owner may upload to their case and list and download their own
            // uploads; a file staff uploaded (this one) is 404 for them, like any other's.
            row("POST", "/api/v1/cases/{case}/attachments?filename={who}.pdf", Pdf,
                                                                                  [401, 201, 404, 201, 404, 201, 201]),
            row("GET",  "/api/v1/cases/{case}/attachments", Empty,                [401, 200, 404, 200, 404, 200, 200]),
            row("GET",  "/api/v1/attachments/{attachment}", Empty,                [401, 404, 404, 200, 404, 200, 200]),
            // Notices: staff papers of the case; the outbox is the supervisors' and admins'.
            // Retrying a notice that is not failed is refused (409) to those allowed.
            row("GET",  "/api/v1/cases/{case}/notices", Empty,                    [401, 403, 404, 200, 404, 200, 200]),
            row("GET",  "/api/v1/notices/{notice}/print", Empty,                  [401, 403, 404, 200, 404, 200, 200]),
            row("GET",  "/api/v1/outbox", Empty,                                  [401, 403, 403, 403, 403, 200, 200]),
            row("POST", "/api/v1/outbox/{notice}/retry", Empty,                   [401, 403, 404, 403, 404, 409, 409]),
            row("POST", "/api/v1/outbox/retry-failed", Empty,                     [401, 403, 403, 403, 403, 200, 200]),
            // Supervision.
            row("GET",  "/api/v1/supervision/reviews", Empty,                     [401, 403, 403, 403, 403, 200, 200]),
            row("GET",  "/api/v1/supervision/dashboard", Empty,                   [401, 403, 403, 403, 403, 200, 200]),
            // Search, statistics, reports, frequent requests. Another department's clerk may
            // search (and finds nothing of gk-gkb); marking a group that names a case nobody
            // has is 404 to those allowed to mark.
            row("GET",  "/api/v1/search?q=%E8%80%81%E6%97%A7", Empty,               [401, 403, 403, 200, 200, 200, 200]),
            row("GET",  "/api/v1/statistics/monthly", Empty,                      [401, 403, 403, 403, 403, 200, 200]),
            row("GET",  "/api/v1/reports/annual?year=2025", Empty,                [401, 403, 403, 403, 403, 200, 200]),
            row("GET",  "/api/v1/frequent", Empty,                                [401, 403, 403, 403, 403, 200, 200]),
            row("POST", "/api/v1/frequent/marks",
                Json(json!({"from": "2026-01-01", "to": "2026-03-31", "case_ids": [case, MISSING],
                            "note": "建议主动公开"})),                             [401, 403, 403, 403, 403, 404, 404]),
            row("GET",  "/api/v1/frequent/marks", Empty,                          [401, 403, 403, 403, 403, 200, 200]),
            row("GET",  "/api/v1/cases/{case}/similar", Empty,                    [401, 403, 403, 200, 404, 200, 200]),
            // Administration.
            row("POST", "/api/v1/admin/agencies",
                Json(json!({"code": "ag-{who}", "name": "机关", "tracking_prefix": "AG"})),
                                                                                  [401, 403, 403, 403, 403, 403, 201]),
            row("POST", "/api/v1/admin/agencies/gk/departments",
                Json(json!({"code": "gk-{who}", "name": "部门"})),                [401, 403, 403, 403, 403, 403, 201]),
            row("GET",  "/api/v1/admin/users", Empty,                             [401, 403, 403, 403, 403, 403, 200]),
            row("POST", "/api/v1/admin/users",
                Json(json!({"username": "user-{who}", "display_name": "用户", "role": "applicant"})),
                                                                                  [401, 403, 403, 403, 403, 403, 201]),
            row("POST", "/api/v1/admin/users/{user}", Json(json!({"disabled": false})),
                                                                                  [401, 403, 403, 403, 403, 403, 200]),
            row("GET",  "/api/v1/admin/calendar", Empty,                          [401, 403, 403, 403, 403, 403, 200]),
            row("PUT",  "/api/v1/admin/calendar/2026", Json(json!({"toml": year_2026})),
                                                                                  [401, 403, 403, 403, 403, 403, 200]),
            row("PUT",  "/api/v1/admin/guide", Json(guide),                       [401, 403, 403, 403, 403, 403, 200]),
            row("GET",  "/api/v1/admin/templates", Empty,                         [401, 403, 403, 403, 403, 403, 200]),
            row("PUT",  "/api/v1/admin/templates/acknowledgment", Json(template.clone()),
                                                                                  [401, 403, 403, 403, 403, 403, 200]),
            row("POST", "/api/v1/admin/templates/acknowledgment/preview", Json(template),
                                                                                  [401, 403, 403, 403, 403, 403, 200]),
            row("DELETE", "/api/v1/admin/templates/acknowledgment", Empty,        [401, 403, 403, 403, 403, 403, 204]),
            // Operations, outside /api/v1.
            row("GET",  "/healthz", Empty,                                        [200, 200, 200, 200, 200, 200, 200]),
            row("GET",  "/readyz", Empty,                                         [200, 200, 200, 200, 200, 200, 200]),
            // Only for the metrics token (tests/api.rs), not for any user's.
            row("GET",  "/metrics", Empty,                                        [401, 401, 401, 401, 401, 401, 401]),
            // Last: it ends each caller's session.
            row("DELETE", "/api/v1/session", Empty,                               [401, 204, 204, 204, 204, 204, 204]),
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
            let req = s.req(method, path, token);
            match payload {
                Empty => finish(req.call()),
                Json(v) => {
                    let text = v.to_string().replace("{who}", who.slug());
                    finish(req.send_json(serde_json::from_str::<Value>(&text).unwrap()))
                }
                Pdf => finish(
                    req.set("Content-Type", "application/pdf")
                        .send_bytes(b"%PDF-1.4 matrix"),
                ),
            }
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
            db.name,
            failures.len(),
            failures.join("\n")
        );

        // The matrix changed nothing about the case but its attachments, and the logout ended
        // every session.
        let admin = s.login("admin", s.admin_password.as_deref().unwrap());
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
        drop(s);
        audit_ok(&db);
    }
}
