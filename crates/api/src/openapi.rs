//! The OpenAPI document as served: what utoipa derives from the types and routes, refined with
//! what the server enforces beyond the types — lengths and patterns of strings, ranges of
//! numbers, allowed values, fields that require one another — taken from the same constants and
//! lists the validation uses ([`crate::body::limits`], the workflow enums). And the methods each
//! path takes, for the 405 answer to the others.

use gongkai_workflow::{Status, WarningLevel};
use serde_json::{Map, Value, json};

use crate::body::{MAX_STRING_CHARS, limits};

/// Control characters refused in any string of a JSON body (tab and line breaks are allowed),
/// as a character-class body.
const BODY_CONTROLS: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";
/// Control characters refused in a path or query (ASCII ones, literally or percent-encoded).
const URL_CONTROLS: &str = r"\u0000-\u001F\u007F";
/// Every control character (`char::is_control`).
const CONTROLS: &str = r"\u0000-\u001F\u007F-\u009F";
/// White space as `str::trim` and `char::is_whitespace` see it (Unicode White_Space).
const WHITE_SPACE: &str =
    r"\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// The white space that is not a control character.
const PLAIN_SPACE: &str = r"\u0020\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// A body string without control characters.
fn body_text() -> String {
    format!("^[^{BODY_CONTROLS}]*$")
}

/// A body string without control characters that is not blank.
fn body_filled() -> String {
    format!("^[^{BODY_CONTROLS}]*[^{BODY_CONTROLS}{WHITE_SPACE}][^{BODY_CONTROLS}]*$")
}

/// A path or query value without control characters.
fn url_text() -> String {
    format!("^[^{URL_CONTROLS}]*$")
}

/// A valid calendar date, YYYY-MM-DD (leap years included).
fn date_pattern() -> &'static str {
    concat!(
        "([0-9]{4}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])",
        "|[0-9]{4}-(0[469]|11)-(0[1-9]|[12][0-9]|30)",
        "|[0-9]{4}-02-(0[1-9]|1[0-9]|2[0-8])",
        "|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[048]|[2468][048]|[13579][26])00)-02-29)"
    )
}

/// One alternative out of `names`, for a pattern.
fn one_of(names: &[&str]) -> String {
    format!("({})", names.join("|"))
}

/// What a string must be.
struct Text {
    min: usize,
    max: usize,
    pattern: String,
}

impl Text {
    /// A required text (`body::required`): not blank, at most `max` characters.
    fn filled(max: usize) -> Text {
        Text {
            min: 1,
            max,
            pattern: body_filled(),
        }
    }

    /// An optional text (`body::at_most`): at most `max` characters.
    fn upto(max: usize) -> Text {
        Text {
            min: 0,
            max,
            pattern: body_text(),
        }
    }

    fn pattern(min: usize, max: usize, pattern: String) -> Text {
        Text { min, max, pattern }
    }

    fn apply(&self, schema: &mut Value) {
        let Some(o) = schema.as_object_mut() else {
            return;
        };
        o.insert("maxLength".into(), json!(self.max));
        if self.min > 0 {
            o.insert("minLength".into(), json!(self.min));
        } else {
            o.remove("minLength");
        }
        o.insert("pattern".into(), json!(self.pattern));
    }
}

/// Usernames (`^[A-Za-z0-9._@-]{3,64}$`).
fn username() -> Text {
    let (min, max) = (limits::USERNAME_MIN, limits::USERNAME_MAX);
    Text::pattern(min, max, format!("^[A-Za-z0-9._@-]{{{min},{max}}}$"))
}

/// Agency and department codes.
fn code() -> Text {
    let (min, max) = (limits::CODE_MIN, limits::CODE_MAX);
    Text::pattern(min, max, format!("^[a-z0-9-]{{{min},{max}}}$"))
}

/// A password a user sets: `auth::check_password_rule` — a letter and an ASCII digit among
/// `PASSWORD_MIN..=PASSWORD_MAX` characters.
fn new_password() -> Text {
    let c = BODY_CONTROLS;
    let l = LETTERS;
    Text::pattern(
        limits::PASSWORD_MIN,
        limits::PASSWORD_MAX,
        format!("^[^{c}]*([0-9][^{c}]*[{l}]|[{l}][^{c}]*[0-9])[^{c}]*$"),
    )
}

/// Letters of the common scripts (Latin, Greek, Cyrillic, kana, CJK, Hangul): the letters a
/// password is sure to be counted with. (The server counts every alphabetic character; the
/// document cannot name them all portably.)
const LETTERS: &str = concat!(
    r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u0391-\u03A9\u03B1-\u03C9",
    r"\u0410-\u044F\u3041-\u3096\u30A1-\u30FA\u4E00-\u9FFF\uAC00-\uD7A3"
);

/// An applicant's email address as `routes::public::validate_applicant` checks it.
fn applicant_email() -> Text {
    let (c, w) = (BODY_CONTROLS, WHITE_SPACE);
    Text::pattern(
        0,
        limits::EMAIL,
        format!("^[^@{c}{w}]+@[^.{c}{w}][^{c}{w}]*\\.[^{c}{w}]*$"),
    )
}

/// A staff email address (parsed as an RFC 5322 address; this is the plain form of it, with
/// DNS labels of at most 63 characters).
fn staff_email(empty_ok: bool) -> Text {
    let label = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    let address = format!("[A-Za-z0-9_+-]+(\\.[A-Za-z0-9_+-]+)*@{label}(\\.{label})*");
    let pattern = if empty_ok {
        format!("^({address})?$")
    } else {
        format!("^{address}$")
    };
    Text::pattern(usize::from(!empty_ok), limits::EMAIL, pattern)
}

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
    dependent_fields(doc, m);
}

/// Fields that require (or exclude) one another.
fn dependent_fields(doc: &mut Value, m: &mut Missed) {
    let staff = json!(["clerk", "supervisor"]);
    let others = json!(["applicant", "admin"]);
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
    // A clerk registers what did not come in online.
    let offline: Vec<Value> = gongkai_workflow::Channel::ALL
        .iter()
        .filter(|c| **c != gongkai_workflow::Channel::Online)
        .filter_map(|c| serde_json::to_value(c).ok())
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
    let statuses: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
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
    for path in ["/api/v1/statistics/monthly", "/api/v1/reports/annual"] {
        m.set(
            parameter(doc, path, "get", "year"),
            &format!("{path} year"),
            &range(crate::routes::insight::FIRST_YEAR.into(), this_year.into()),
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

/// The component schemas as utoipa derives them (the shapes of the bodies), built once.
pub fn schemas() -> &'static Map<String, Value> {
    static SCHEMAS: std::sync::OnceLock<Map<String, Value>> = std::sync::OnceLock::new();
    SCHEMAS.get_or_init(|| {
        let doc = serde_json::to_value(crate::derived_openapi()).unwrap_or_default();
        doc.pointer("/components/schemas")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default()
    })
}

/// The methods each documented path takes, for the 405 answer to the others.
#[derive(Debug, Clone, Default)]
pub struct Methods {
    /// Path templates split at `/` (`{id}` matches any one segment), with their methods.
    routes: Vec<(Vec<String>, Vec<String>)>,
}

impl Methods {
    pub fn of(doc: &Value) -> Methods {
        let mut routes = Vec::new();
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                let methods: Vec<String> = item
                    .as_object()
                    .map(|o| {
                        ["get", "put", "post", "delete", "patch"]
                            .iter()
                            .filter(|m| o.contains_key(**m))
                            .map(|m| m.to_uppercase())
                            .collect()
                    })
                    .unwrap_or_default();
                let segments = path.split('/').map(str::to_owned).collect();
                routes.push((segments, methods));
            }
        }
        Methods { routes }
    }

    /// The methods path `path` takes, if it is a documented path.
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let segments: Vec<&str> = path.split('/').collect();
        let mut found: Option<Vec<String>> = None;
        for (template, methods) in &self.routes {
            let matches = template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| {
                    (t.starts_with('{') && t.ends_with('}') && !s.is_empty()) || t == s
                });
            if matches {
                let all = found.get_or_insert_with(Vec::new);
                for m in methods {
                    if !all.contains(m) {
                        all.push(m.clone());
                    }
                }
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use serde::de::DeserializeOwned;
    use serde_json::{Value, json};

    use crate::body::{Validate, parse_value};
    use crate::routes::{account, admin, insight, public};

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
        let applicant = json!({"kind": "natural_person", "name": "张三", "phone": "13800000000"});
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
        n += holds::<admin::CalendarUpload>(&doc, "CalendarUpload", json!({"toml": "x"}));
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
        n += holds::<public::LookupKey>(
            &doc,
            "LookupKey",
            json!({"reference": "GK-2026-000001", "query_code": "abc"}),
        );
        n += holds::<public::CodeCorrection>(
            &doc,
            "CodeCorrection",
            json!({"reference": "r", "query_code": "q", "version": 1, "content": "补正"}),
        );
        n += holds::<public::CodeWithdrawal>(
            &doc,
            "CodeWithdrawal",
            json!({"reference": "r", "query_code": "q", "version": 1, "reason": "不需要了"}),
        );
        let filing = json!({"agency": "gk", "applicant": applicant, "request": request});
        n += holds::<public::Filing>(&doc, "Filing", filing.clone());
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
                        parse_value::<public::Filing>(body).is_err(),
                        "{schema}.{name}"
                    );
                    n += 1;
                }
            }
        }
        n += holds::<public::Guide>(
            &doc,
            "Guide",
            serde_json::to_value(public::default_guide()).unwrap(),
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
}
