//! What the flows share: dates, a paper request, the case and lookup views.

use super::*;

// ---------------------------------------------------------------------------------------------
// Helpers of these flows
// ---------------------------------------------------------------------------------------------

/// Today in Asia/Shanghai (UTC+8, no daylight saving), the server's legal date.
pub fn today() -> NaiveDate {
    gongkai_workflow::clock::legal_date(Utc::now())
}

/// The calendar the server uses when no year was uploaded.
pub fn calendar() -> Calendar {
    builtin_calendar().unwrap()
}

pub fn date(v: &Value) -> NaiveDate {
    NaiveDate::parse_from_str(
        v.as_str().unwrap_or_else(|| panic!("not a date: {v}")),
        "%Y-%m-%d",
    )
    .unwrap()
}

/// A request handed in at the counter, registered by `token` at once.
pub struct Paper {
    pub case: String,
    pub tracking: String,
    pub code: String,
    pub version: u64,
    pub receipt: NaiveDate,
    pub due: Value,
}

pub fn paper(s: &TestApp, token: &str, receipt: Option<NaiveDate>) -> Paper {
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

pub fn detail(s: &TestApp, token: &str, case: &str) -> Value {
    let r = s.get(&format!("/api/v1/cases/{case}"), Some(token));
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

/// The applicant's view through the tracking number and the query code.
pub fn lookup(s: &TestApp, reference: &str, code: &str) -> Value {
    let r = s.post(
        "/api/v1/lookup",
        None,
        json!({"reference": reference, "query_code": code}),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    r.body
}

pub fn timeline(view: &Value) -> Vec<String> {
    view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["text"].as_str().unwrap().to_owned())
        .collect()
}

pub fn explanation(due: &Value) -> Vec<String> {
    due["explanation"]
        .as_array()
        .unwrap_or_else(|| panic!("no explanation: {due}"))
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect()
}

/// The `type` of the last event an action recorded.
pub fn last_event(r: &Reply) -> String {
    let events = r.body["events"].as_array().unwrap();
    events.last().unwrap()["event"]["kind"]["type"]
        .as_str()
        .unwrap()
        .to_owned()
}
