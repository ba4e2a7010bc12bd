use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::body::{Validate, parse_value};
use crate::service::{account, admin, calendar, filing, guide, insight};

/// For each string property of component `schema` that the document limits, a sample
/// body with that property one character too long, or blank where the document asks for a
/// character, is refused by the validation: the document promises nothing the server
/// does not hold to. (That the server refuses nothing the document allows is what
/// schemathesis checks.)
fn holds<T: DeserializeOwned + Validate>(doc: &Value, schema: &str, sample: Value) -> usize {
    let accepted = |body: &Value| parse_value::<T>(body.clone()).is_ok();
    assert!(accepted(&sample), "{schema}: the sample is refused");
    let props = doc["components"]["schemas"][schema]["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{schema} has no properties"));
    let mut checked = 0;
    for (name, p) in props {
        let p = p["oneOf"]
            .as_array()
            .and_then(|b| b.iter().find(|b| b["type"] != "null"))
            .unwrap_or(p);
        if let Some(max) = p["maxLength"].as_u64() {
            let mut body = sample.clone();
            body[name] = json!("x".repeat(max as usize + 1));
            assert!(
                !accepted(&body),
                "{schema}.{name}: {} characters pass",
                max + 1
            );
            checked += 1;
        }
        if p["minLength"].as_u64() == Some(1) {
            for blank in ["", " "] {
                let mut body = sample.clone();
                body[name] = json!(blank);
                assert!(!accepted(&body), "{schema}.{name}: {blank:?} passes");
            }
        }
    }
    checked
}

#[test]
fn the_documented_limits_are_enforced() {
    let doc = crate::openapi();
    let applicant = json!({"kind": "natural_person", "name": "张三", "phone": "13800000000",
                           "id_document_type": "resident_id", "id_document": "11010519491231002X",
                           "address": "北京市东城区某路1号"});
    let request = json!({"description": "某文件", "carrier": "paper", "delivery": "post"});
    let mut n = 0;
    n += holds::<admin::NewAgency>(
        &doc,
        "NewAgency",
        json!({"code": "gk", "name": "某市", "tracking_prefix": "GK"}),
    );
    n += holds::<admin::NewDepartment>(
        &doc,
        "NewDepartment",
        json!({"code": "gk-b", "name": "办公室"}),
    );
    n += holds::<admin::AgencyRemedy>(
        &doc,
        "AgencyRemedy",
        json!({"reconsideration_body": "某省人民政府", "court": "某市中级人民法院"}),
    );
    n += holds::<admin::NewUser>(
        &doc,
        "NewUser",
        json!({"username": "clerk1", "display_name": "王", "role": "clerk",
               "departments": ["gk-b"], "email": "a@example.org"}),
    );
    n += holds::<admin::UserChange>(
        &doc,
        "UserChange",
        json!({"password": "abcdefgh12", "email": ""}),
    );
    n += holds::<calendar::CalendarUpload>(&doc, "CalendarUpload", json!({"toml": "x"}));
    n += holds::<account::Registration>(
        &doc,
        "Registration",
        json!({"username": "zhang", "password": "abcdefgh12", "display_name": "张三",
               "applicant_type": "natural_person"}),
    );
    n += holds::<account::Login>(&doc, "Login", json!({"username": "a", "password": "b"}));
    n += holds::<account::PasswordChange>(
        &doc,
        "PasswordChange",
        json!({"current_password": "a", "new_password": "abcdefgh12"}),
    );
    n += holds::<filing::LookupKey>(
        &doc,
        "LookupKey",
        json!({"reference": "GK-2026-000001", "query_code": "abc"}),
    );
    n += holds::<filing::CodeCorrection>(
        &doc,
        "CodeCorrection",
        json!({"reference": "r", "query_code": "q", "version": 1, "content": "补正"}),
    );
    n += holds::<filing::CodeWithdrawal>(
        &doc,
        "CodeWithdrawal",
        json!({"reference": "r", "query_code": "q", "version": 1, "reason": "不需要了"}),
    );
    let filing = json!({"agency": "gk", "applicant": applicant, "request": request});
    n += holds::<filing::Filing>(&doc, "Filing", filing.clone());
    // The applicant's and the request's own fields, inside a filing.
    for (part, schema) in [("applicant", "Applicant"), ("request", "RequestDetails")] {
        let props = doc["components"]["schemas"][schema]["properties"]
            .as_object()
            .unwrap();
        for (name, p) in props {
            if let Some(max) = p["maxLength"].as_u64() {
                let mut body = filing.clone();
                body[part][name] = json!("1".repeat(max as usize + 1));
                assert!(
                    parse_value::<filing::Filing>(body).is_err(),
                    "{schema}.{name}"
                );
                n += 1;
            }
        }
    }
    n += holds::<guide::Guide>(
        &doc,
        "Guide",
        serde_json::to_value(guide::default_guide()).unwrap(),
    );
    n += holds::<insight::NewMark>(
        &doc,
        "NewMark",
        json!({"from": "2026-01-01", "to": "2026-02-01", "case_ids": ["a", "b"], "note": "公开"}),
    );
    // TemplateText's limits are the template module's (`templates::validate`), checked by
    // the handler with the template's key.
    assert!(n >= 40, "only {n} limits checked");
}

/// The action routes name every command but `receive`, which only filing and registration
/// issue (the server answers 404 to it).
#[test]
fn the_action_parameter_lists_the_commands_an_action_route_takes() {
    let doc = crate::openapi();
    let params = doc
        .pointer("/paths/~1api~1v1~1cases~1{id}~1actions~1{action}/post/parameters")
        .and_then(Value::as_array)
        .unwrap();
    let action = params.iter().find(|p| p["name"] == "action").unwrap();
    let names: Vec<&str> = action["schema"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(!names.contains(&"receive"), "{names:?}");
    assert!(names.contains(&"register") && names.contains(&"approve_reply"));
    assert_eq!(names.len(), gongkai_workflow::CommandKind::ALL.len() - 2);
}

/// The queue's status filter documents the statuses the service takes, and no other (a case
/// that has not been received has no status a queue can show).
#[test]
fn the_queue_status_filter_lists_the_statuses_the_service_takes() {
    let doc = crate::openapi();
    let params = doc
        .pointer("/paths/~1api~1v1~1cases/get/parameters")
        .and_then(Value::as_array)
        .unwrap();
    let status = params.iter().find(|p| p["name"] == "status").unwrap();
    let pattern = status["schema"]["pattern"].as_str().unwrap();
    let taken = crate::service::cases::Statuses::All.statuses();
    for s in gongkai_workflow::Status::ALL {
        let named = pattern.contains(&format!("({}|", s.as_str()))
            || pattern.contains(&format!("|{}|", s.as_str()))
            || pattern.contains(&format!("|{})", s.as_str()));
        assert_eq!(named, taken.contains(&s), "{}: {pattern}", s.as_str());
    }
}

/// The filing's identity document and the delivery's contact detail are in the document
/// (issue 18), with every document type the form offers.
#[test]
fn the_filing_schema_requires_the_identity_document_and_the_deliverys_contact() {
    let doc = crate::openapi();
    let all_of = doc["components"]["schemas"]["Filing"]["allOf"]
        .as_array()
        .expect("Filing.allOf");
    assert_eq!(
        all_of[0]["properties"]["applicant"]["required"],
        json!(["id_document_type", "id_document"])
    );
    let then = |i: usize| all_of[i]["then"]["properties"]["applicant"]["required"].clone();
    assert_eq!((then(1), then(2)), (json!(["email"]), json!(["address"])));
    let types: Vec<&str> = gongkai_workflow::model::IdDocumentType::ALL
        .iter()
        .map(|t| t.as_str())
        .collect();
    assert_eq!(
        doc["components"]["schemas"]["IdDocumentType"]["enum"],
        json!(types),
        "{}",
        doc["components"]["schemas"]["IdDocumentType"]
    );
}
