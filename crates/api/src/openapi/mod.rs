//! The OpenAPI document as served: what utoipa derives from the types and routes, refined with
//! what the server enforces beyond the types — lengths and patterns of strings, ranges of
//! numbers, allowed values, fields that require one another — taken from the same constants and
//! lists the validation uses ([`crate::body::limits`], the workflow enums). And the methods each
//! path takes, for the 405 answer to the others.

use gongkai_workflow::{CommandKind, Role, Status, WarningLevel};
use serde_json::{Map, Value, json};

use crate::body::limits::{self, MAX_STRING_CHARS};
use crate::service::admin::has_departments;

mod methods;
mod patterns;

pub use methods::{Methods, schemas};
use patterns::*;

/// The schema at `pointer` below `doc`, if there is one.
fn at<'a>(doc: &'a mut Value, pointer: &str) -> Option<&'a mut Value> {
    doc.pointer_mut(pointer)
}

/// The schema of property `field` of component `schema`. Optional fields are written
/// `{"type": ["string", "null"]}` or `{"oneOf": [{"type": "null"}, …]}`; for the latter the
/// non-null branch is returned.
fn property<'a>(doc: &'a mut Value, schema: &str, field: &str) -> Option<&'a mut Value> {
    let p = at(
        doc,
        &format!("/components/schemas/{schema}/properties/{field}"),
    )?;
    if p.get("oneOf").is_some() {
        let branches = p.get_mut("oneOf")?.as_array_mut()?;
        return branches
            .iter_mut()
            .find(|b| b.get("type") != Some(&json!("null")));
    }
    Some(p)
}

/// The schema of parameter `name` of operation `method path`.
fn parameter<'a>(
    doc: &'a mut Value,
    path: &str,
    method: &str,
    name: &str,
) -> Option<&'a mut Value> {
    let params = doc
        .get_mut("paths")?
        .get_mut(path)?
        .get_mut(method)?
        .get_mut("parameters")?
        .as_array_mut()?;
    params
        .iter_mut()
        .find(|p| p.get("name") == Some(&json!(name)))?
        .get_mut("schema")
}

/// A refinement that did not find its target: the document and this module disagree (a test
/// fails on any).
#[derive(Debug, Default)]
pub struct Missed(pub Vec<String>);

impl Missed {
    fn text(&mut self, target: Option<&mut Value>, what: &str, text: &Text) {
        match target {
            Some(s) => text.apply(s),
            None => self.0.push(what.to_owned()),
        }
    }

    fn set(&mut self, target: Option<&mut Value>, what: &str, values: &[(&str, Value)]) {
        match target.and_then(Value::as_object_mut) {
            Some(o) => {
                for (k, v) in values {
                    o.insert((*k).to_owned(), v.clone());
                }
            }
            None => self.0.push(what.to_owned()),
        }
    }
}

/// The refined document (see the module's doc); `upload_types` are the media types an
/// attachment may have (`attachments.content_types`).
pub fn refine(doc: &mut Value, upload_types: &[String], this_year: i32) -> Missed {
    let mut m = Missed::default();
    fields(doc, &mut m);
    parameters(doc, &mut m, this_year);
    uploads(doc, upload_types, &mut m);
    body_strings(doc);
    url_strings(doc);
    m
}

/// Body fields.
fn fields(doc: &mut Value, m: &mut Missed) {
    use limits as l;
    let texts: Vec<(&str, &str, Text)> = vec![
        // Accounts.
        ("Registration", "username", username()),
        ("Registration", "password", new_password()),
        ("Registration", "display_name", Text::filled(l::NAME)),
        ("Registration", "email", Text::upto(l::EMAIL)),
        ("Registration", "phone", Text::upto(l::PHONE)),
        ("Login", "username", Text::filled(l::USERNAME_MAX)),
        ("Login", "password", Text::filled(l::PASSWORD_MAX)),
        (
            "PasswordChange",
            "current_password",
            Text::filled(l::PASSWORD_MAX),
        ),
        ("PasswordChange", "new_password", new_password()),
        // Administration.
        ("NewAgency", "code", code()),
        ("NewAgency", "name", Text::filled(l::NAME)),
        (
            "NewAgency",
            "tracking_prefix",
            Text::pattern(
                1,
                l::TRACKING_PREFIX_MAX,
                format!("^[A-Z]{{1,{}}}$", l::TRACKING_PREFIX_MAX),
            ),
        ),
        ("AgencyRemedy", "reconsideration_body", Text::upto(l::NAME)),
        ("AgencyRemedy", "court", Text::upto(l::NAME)),
        ("NewDepartment", "code", code()),
        ("NewDepartment", "name", Text::filled(l::NAME)),
        ("NewUser", "username", username()),
        ("NewUser", "display_name", Text::filled(l::NAME)),
        ("NewUser", "email", staff_email(false)),
        ("UserChange", "password", new_password()),
        ("UserChange", "email", staff_email(true)),
        ("CalendarUpload", "toml", Text::filled(l::CALENDAR_TOML)),
        ("Guide", "title", Text::filled(l::GUIDE_TITLE)),
        ("Guide", "office_hours", Text::upto(l::GUIDE_LINE)),
        ("Guide", "fees", Text::upto(l::GUIDE_TEXT)),
        ("Guide", "deadlines", Text::upto(l::GUIDE_TEXT)),
        ("GuideChannel", "label", Text::filled(l::NAME)),
        ("GuideChannel", "address", Text::filled(l::GUIDE_LINE)),
        // Requests.
        ("Filing", "agency", Text::filled(l::CODE_REF)),
        ("Filing", "department", Text::filled(l::CODE_REF)),
        ("PaperRequest", "agency", Text::filled(l::CODE_REF)),
        ("Applicant", "name", Text::filled(l::NAME)),
        ("Applicant", "id_document", Text::upto(l::ID_DOCUMENT)),
        (
            "Applicant",
            "phone",
            Text::pattern(0, l::PHONE, format!("^[0-9+\\- ()]{{0,{}}}$", l::PHONE)),
        ),
        ("Applicant", "email", applicant_email()),
        ("Applicant", "address", Text::upto(l::ADDRESS)),
        (
            "RequestDetails",
            "description",
            Text::filled(l::DESCRIPTION),
        ),
        (
            "RequestDetails",
            "document_number",
            Text::upto(l::DOCUMENT_NUMBER),
        ),
        ("LookupKey", "reference", Text::filled(l::REFERENCE)),
        ("LookupKey", "query_code", Text::filled(l::QUERY_CODE)),
        ("CodeCorrection", "reference", Text::filled(l::REFERENCE)),
        ("CodeCorrection", "query_code", Text::filled(l::QUERY_CODE)),
        ("CodeCorrection", "content", Text::filled(l::CORRECTION)),
        ("CodeWithdrawal", "reference", Text::filled(l::REFERENCE)),
        ("CodeWithdrawal", "query_code", Text::filled(l::QUERY_CODE)),
        ("CodeWithdrawal", "reason", Text::upto(l::REASON)),
        ("NewMark", "note", Text::filled(l::NOTE)),
        ("PublishReport", "reason", Text::upto(l::REASON)),
    ];
    for (schema, field, text) in &texts {
        m.text(
            property(doc, schema, field),
            &format!("{schema}.{field}"),
            text,
        );
    }
    // Items of lists.
    for (schema, field, text) in [
        ("Guide", "process", Text::filled(l::GUIDE_STEP)),
        ("Guide", "contacts", Text::filled(l::GUIDE_LINE)),
    ] {
        m.text(
            property(doc, schema, field).and_then(|p| p.get_mut("items")),
            &format!("{schema}.{field}[]"),
            &text,
        );
    }
    let template = gongkai_mailer::templates::MAX_TEMPLATE_CHARS;
    for (field, text) in [
        ("subject", Text::upto(template)),
        ("body", Text::filled(template)),
    ] {
        m.text(
            property(doc, "TemplateText", field),
            &format!("TemplateText.{field}"),
            &text,
        );
    }
    // The applicant's and the request's fields are read by name; others are ignored.
    for schema in ["Applicant", "RequestDetails"] {
        m.set(
            at(doc, &format!("/components/schemas/{schema}")),
            schema,
            &[("additionalProperties", json!(false))],
        );
    }
    // A command's own fields (see the workflow's commands): any JSON, with text strings.
    let text = json!({"type": "string", "maxLength": MAX_STRING_CHARS, "pattern": body_text()});
    let scalar = json!([{"type": "null"}, {"type": "boolean"}, {"type": "number"}, text]);
    let mut nested = scalar.as_array().cloned().unwrap_or_default();
    nested.push(json!({"type": "array", "items": {"anyOf": scalar}}));
    nested.push(json!({"type": "object", "additionalProperties": {"anyOf": scalar}}));
    m.set(
        at(doc, "/components/schemas/ActionBody/allOf/0"),
        "ActionBody fields",
        &[("additionalProperties", json!({"anyOf": nested}))],
    );
    m.set(
        property(doc, "NewMark", "case_ids"),
        "NewMark.case_ids",
        &[
            ("minItems", json!(l::MARK_CASES_MIN)),
            ("maxItems", json!(l::MARK_CASES_MAX)),
        ],
    );
    // Each kind of part takes its own fields only (serde refuses the others).
    for i in 0..4 {
        m.set(
            at(doc, &format!("/components/schemas/RedactionArea/oneOf/{i}")),
            "RedactionArea kinds",
            &[("additionalProperties", json!(false))],
        );
    }
    m.set(
        property(doc, "RedactionRequest", "redactions"),
        "RedactionRequest.redactions",
        &[
            ("minItems", json!(1)),
            ("maxItems", json!(gongkai_workflow::decide::MAX_REDACTIONS)),
        ],
    );
    dependent_fields(doc, m);
}

/// Fields that require (or exclude) one another.
fn dependent_fields(doc: &mut Value, m: &mut Missed) {
    let (staff, others): (Vec<Role>, Vec<Role>) =
        crate::service::admin::assignable_roles().partition(|r| has_departments(*r));
    let names = |roles: Vec<Role>| json!(roles.into_iter().map(Role::as_str).collect::<Vec<_>>());
    let (staff, others) = (names(staff), names(others));
    // Staff have departments, others none (`check_scope`).
    let scope = json!([
        {
            "if": {"properties": {"role": {"enum": staff}}, "required": ["role"]},
            "then": {
                "required": ["departments"],
                "properties": {"departments": {"type": "array", "minItems": 1}}
            }
        },
        {
            "if": {"properties": {"role": {"enum": others}}, "required": ["role"]},
            "then": {"properties": {"departments": {"type": ["array", "null"], "maxItems": 0}}}
        }
    ]);
    m.set(
        at(doc, "/components/schemas/NewUser"),
        "NewUser",
        &[("allOf", scope.clone())],
    );
    let mut change = scope.as_array().cloned().unwrap_or_default();
    // Departments only with a role; a new password either issued or given, not both.
    change.push(json!({
        "if": {"required": ["departments"], "properties": {"departments": {"type": "array"}}},
        "then": {"required": ["role"], "properties": {"role": {"not": {"type": "null"}}}}
    }));
    change.push(json!({
        "not": {
            "required": ["reset_password", "password"],
            "properties": {"reset_password": {"const": true}, "password": {"type": "string"}}
        }
    }));
    m.set(
        at(doc, "/components/schemas/UserChange"),
        "UserChange",
        &[("allOf", Value::Array(change))],
    );
    // An applicant states their type and at least one way to reach them.
    let contact = |f: &str| json!({"required": [f], "properties": {f: {"type": "string"}}});
    m.set(
        at(doc, "/components/schemas/Applicant"),
        "Applicant",
        &[(
            "anyOf",
            json!([contact("phone"), contact("email"), contact("address")]),
        )],
    );
    if let Some(required) = at(doc, "/components/schemas/Applicant/required")
        .and_then(Value::as_array_mut)
        .filter(|r| !r.contains(&json!("kind")))
    {
        required.push(json!("kind"));
    }
    match at(doc, "/components/schemas/Applicant/properties/kind") {
        Some(kind) => *kind = json!({"$ref": "#/components/schemas/ApplicantType"}),
        None => m.0.push("Applicant.kind".to_owned()),
    }
    // An online filing names the identity document (art. 29) by type and number (the number
    // checked by its type: GB 11643 and GB 32100 check characters, other documents by length),
    // and the contact detail its delivery needs (`filing_problems` in the workflow).
    let needs = |delivery: &str, field: &str| {
        json!({
            "if": {
                "required": ["request"],
                "properties": {"request": {"required": ["delivery"], "properties": {"delivery": {"const": delivery}}}}
            },
            "then": {
                "properties": {"applicant": {"required": [field], "properties": {field: {"type": "string", "minLength": 1}}}}
            }
        })
    };
    m.set(
        at(doc, "/components/schemas/Filing"),
        "Filing",
        &[(
            "allOf",
            json!([
                {
                    "properties": {"applicant": {
                        "required": ["id_document_type", "id_document"],
                        "properties": {
                            "id_document_type": {"$ref": "#/components/schemas/IdDocumentType"},
                            "id_document": {"type": "string", "minLength": 1}
                        }
                    }}
                },
                needs("email", "email"),
                needs("post", "address")
            ]),
        )],
    );
    // A clerk registers what did not come in online.
    let offline: Vec<Value> = gongkai_workflow::Channel::ALL
        .iter()
        .filter(|c| **c != gongkai_workflow::Channel::Online)
        .map(|c| json!(c.as_str()))
        .collect();
    m.set(
        at(doc, "/components/schemas/PaperRequest/properties/channel"),
        "PaperRequest.channel",
        &[("enum", json!(offline)), ("type", json!("string"))],
    );
    if let Some(channel) = at(doc, "/components/schemas/PaperRequest/properties/channel")
        .and_then(Value::as_object_mut)
    {
        channel.remove("$ref");
    }
}

/// Path and query parameters.
fn parameters(doc: &mut Value, m: &mut Missed, this_year: i32) {
    use limits as l;
    // The statuses a queue or search may filter by, as the service reads them.
    let statuses: Vec<&str> = crate::service::cases::Statuses::All
        .statuses()
        .into_iter()
        .map(Status::as_str)
        .collect();
    let status = one_of(&statuses);
    let list = format!("^ *{status} *(, *{status} *)*$");
    let levels: Vec<&str> = WarningLevel::ALL.iter().map(|w| w.as_str()).collect();
    let cursor = format!("^{}_[^{URL_CONTROLS}]*$", date_pattern());
    let range = |min: i64, max: i64| vec![("minimum", json!(min)), ("maximum", json!(max))];
    m.set(
        parameter(doc, "/api/v1/cases", "get", "status"),
        "queue status",
        &[("pattern", json!(list))],
    );
    // Every command is an action route but `receive`, which opens a case (filing,
    // registration of a paper request).
    let actions: Vec<&str> = CommandKind::ALL
        .iter()
        .filter(|k| crate::service::cases::action_named(k.as_str()).is_some())
        .map(|k| k.as_str())
        .collect();
    m.set(
        parameter(doc, "/api/v1/cases/{id}/actions/{action}", "post", "action"),
        "action names",
        &[("enum", json!(actions))],
    );
    // The review queue lists the cases under review whatever `status` says: not a parameter
    // of it.
    let reviews = doc.pointer_mut("/paths/~1api~1v1~1supervision~1reviews/get/parameters");
    match reviews.and_then(Value::as_array_mut) {
        Some(params) => params.retain(|p| p.get("name") != Some(&json!("status"))),
        None => m.0.push("reviews parameters".to_owned()),
    }
    for path in ["/api/v1/cases", "/api/v1/supervision/reviews"] {
        m.set(
            parameter(doc, path, "get", "warning_level"),
            &format!("{path} warning_level"),
            &[("enum", json!(levels))],
        );
        m.set(
            parameter(doc, path, "get", "after"),
            &format!("{path} after"),
            &[("pattern", json!(cursor))],
        );
        m.set(
            parameter(doc, path, "get", "limit"),
            &format!("{path} limit"),
            &range(1, l::QUEUE_PAGE_MAX),
        );
    }
    let search = "/api/v1/search";
    m.set(
        parameter(doc, search, "get", "status"),
        "search status",
        &[("pattern", json!(list))],
    );
    m.set(
        parameter(doc, search, "get", "warning_level"),
        "search warning_level",
        &[("enum", json!(levels))],
    );
    m.set(
        parameter(doc, search, "get", "limit"),
        "search limit",
        &range(1, l::SEARCH_PAGE_MAX),
    );
    m.set(
        parameter(doc, search, "get", "offset"),
        "search offset",
        &range(0, l::SEARCH_OFFSET_MAX),
    );
    let (c, w) = (CONTROLS, PLAIN_SPACE);
    let more = gongkai_store::search::MAX_TERMS - 1;
    m.set(
        parameter(doc, search, "get", "q"),
        "search q",
        &[
            ("maxLength", json!(gongkai_store::search::MAX_QUERY_CHARS)),
            (
                "pattern",
                json!(format!(
                    "^[{w}]*[^{c}{w}]+([{w}]+[^{c}{w}]+){{0,{more}}}[{w}]*$"
                )),
            ),
        ],
    );
    // The reading room's list: its page and the same search words (none: every entry).
    let room = "/api/v1/reading-room";
    m.set(
        parameter(doc, room, "get", "page"),
        "reading room page",
        &range(0, crate::service::reading_room::MAX_PAGE),
    );
    m.set(
        parameter(doc, room, "get", "q"),
        "reading room q",
        &[
            ("maxLength", json!(gongkai_store::search::MAX_QUERY_CHARS)),
            (
                "pattern",
                json!(format!(
                    "^[{w}]*([^{c}{w}]+([{w}]+[^{c}{w}]+){{0,{more}}})?[{w}]*$"
                )),
            ),
        ],
    );
    let outbox: Vec<&str> = gongkai_store::outbox::OutboxStatus::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    m.set(
        parameter(doc, "/api/v1/outbox", "get", "status"),
        "outbox status",
        &[("enum", json!(outbox))],
    );
    m.set(
        parameter(doc, "/api/v1/outbox", "get", "limit"),
        "outbox limit",
        &range(1, l::OUTBOX_PAGE_MAX),
    );
    for (path, first) in [
        (
            "/api/v1/statistics/monthly",
            crate::service::reports::FIRST_YEAR,
        ),
        (
            "/api/v1/reports/annual",
            crate::service::reports::REPORT_FIRST_YEAR,
        ),
        (
            "/api/v1/reports/annual/published",
            crate::service::reports::REPORT_FIRST_YEAR,
        ),
    ] {
        m.set(
            parameter(doc, path, "get", "year"),
            &format!("{path} year"),
            &range(first.into(), this_year.into()),
        );
    }
    let (gmin, gmax) = (l::GROUP_MIN as i64, l::GROUP_MAX as i64);
    m.set(
        parameter(doc, "/api/v1/frequent", "get", "min"),
        "frequent min",
        &range(gmin, gmax),
    );
    m.set(
        parameter(
            doc,
            "/api/v1/admin/agencies/{code}/departments",
            "post",
            "code",
        ),
        "departments code",
        &[("pattern", json!(code().pattern))],
    );
    let templates: Vec<String> = gongkai_mailer::templates::keys();
    for (path, method) in [
        ("/api/v1/admin/templates/{key}", "put"),
        ("/api/v1/admin/templates/{key}", "delete"),
        ("/api/v1/admin/templates/{key}/preview", "post"),
    ] {
        m.set(
            parameter(doc, path, method, "key"),
            &format!("{method} {path} key"),
            &[("enum", json!(templates))],
        );
    }
}

/// An attachment's body: the accepted media types, and its file name.
fn uploads(doc: &mut Value, upload_types: &[String], m: &mut Missed) {
    let path = "/api/v1/cases/{id}/attachments";
    let bytes = json!({"schema": {"type": "string", "format": "binary"}});
    let content: Map<String, Value> = upload_types
        .iter()
        .map(|t| (t.clone(), bytes.clone()))
        .collect();
    m.set(
        at(doc, &format!("/paths/{}/post/requestBody", escape(path))),
        "upload body",
        &[("content", Value::Object(content))],
    );
    // The name as stored: trimmed, not empty, not `.` or `..`, no folders, no control
    // characters (`attachments::check`).
    let (c, w) = (CONTROLS, PLAIN_SPACE);
    let f = format!("[^{c}/\\\\]");
    let n = format!("[^{c}{w}/\\\\.]");
    let name = format!("^{f}*({n}|\\.{f}*\\.{f}*\\.|\\.[{w}]+\\.){f}*$");
    m.set(
        parameter(doc, path, "post", "filename"),
        "upload filename",
        &[
            ("pattern", json!(name)),
            (
                "maxLength",
                json!(gongkai_store::attachments::MAX_FILENAME_CHARS),
            ),
            ("minLength", json!(1)),
        ],
    );
}

/// `path` as a JSON pointer token.
fn escape(path: &str) -> String {
    path.replace('~', "~0").replace('/', "~1")
}

/// Every string of a request body without a rule of its own: no control characters, at most
/// [`MAX_STRING_CHARS`] (`body::check_strings`).
fn body_strings(doc: &mut Value) {
    let mut names = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for item in paths.values().filter_map(Value::as_object) {
            for op in item.values() {
                if let Some(body) = op.pointer("/requestBody/content/application~1json/schema") {
                    refs(body, &mut names);
                }
            }
        }
    }
    // Follow references to the schemas they name, transitively.
    let mut i = 0;
    while i < names.len() {
        let found = doc
            .pointer(&format!("/components/schemas/{}", names[i]))
            .cloned();
        if let Some(s) = found {
            refs(&s, &mut names);
        }
        i += 1;
    }
    for name in names {
        if let Some(s) = doc.pointer_mut(&format!("/components/schemas/{name}")) {
            limit_strings(s, &body_text());
        }
    }
}

/// The component names `value` refers to, added to `out` once each.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(o) => {
            if let Some(r) = o.get("$ref").and_then(Value::as_str) {
                let name = r.trim_start_matches("#/components/schemas/").to_owned();
                if !out.contains(&name) {
                    out.push(name);
                }
            }
            o.values().for_each(|v| refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Sets `maxLength` and `pattern` on every string schema below `value` that has neither an
/// enumeration, a format nor a pattern of its own.
fn limit_strings(value: &mut Value, pattern: &str) {
    match value {
        Value::Object(o) => {
            let is_string = match o.get("type") {
                Some(Value::String(t)) => t == "string",
                Some(Value::Array(ts)) => ts.contains(&json!("string")),
                _ => false,
            };
            let free = !["enum", "const", "format", "pattern"]
                .iter()
                .any(|k| o.contains_key(*k));
            if is_string && free {
                let max = o
                    .get("maxLength")
                    .and_then(Value::as_u64)
                    .map_or(MAX_STRING_CHARS as u64, |m| m.min(MAX_STRING_CHARS as u64));
                o.insert("maxLength".into(), json!(max));
                o.insert("pattern".into(), json!(pattern));
            }
            for (k, v) in o.iter_mut() {
                // Conditions describe other fields' values, not more strings of this one.
                if !matches!(k.as_str(), "if" | "not" | "enum" | "const") {
                    limit_strings(v, pattern);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|v| limit_strings(v, pattern)),
        _ => {}
    }
}

/// Every path and query string without a pattern of its own: no control characters; a path
/// segment is never empty.
fn url_strings(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for op in item.values_mut() {
            let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            for p in params {
                let in_path = p.get("in") == Some(&json!("path"));
                let Some(s) = p.get_mut("schema").and_then(Value::as_object_mut) else {
                    continue;
                };
                let string = match s.get("type") {
                    Some(Value::String(t)) => t == "string",
                    Some(Value::Array(ts)) => ts.contains(&json!("string")),
                    _ => false,
                };
                if !string || s.contains_key("enum") {
                    continue;
                }
                if !s.contains_key("pattern") && !s.contains_key("format") {
                    s.insert("pattern".into(), json!(url_text()));
                }
                if in_path && !s.contains_key("minLength") {
                    s.insert("minLength".into(), json!(1));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
