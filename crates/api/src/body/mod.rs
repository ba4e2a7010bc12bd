//! The JSON body extractor: every way a body can be wrong becomes a 4xx problem naming where.
//!
//! - not `application/json` → 415; larger than the limit → 413; not JSON → 400;
//! - a control character in any string, a string longer than [`MAX_STRING_CHARS`], a wrong
//!   type, an unknown enum value, an impossible date (2026-02-30), an unknown field → 422 with
//!   the JSON path of the field;
//! - then the type's own [`Validate`] rules (lengths, required text) → 422 with paths.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{ApiError, ErrorCode, FieldError, MAX_FIELD_ERRORS, short_path};

pub mod limits;

pub use limits::{MAX_JSON_BYTES, MAX_STRING_CHARS};

/// Field rules beyond what the type says.
pub trait Validate {
    fn validate(&self, errors: &mut Vec<FieldError>);

    /// The workflow's own refusals of a well-formed value, checked in the same pass as the
    /// field rules so that one answer names every field; when no field rule failed, the
    /// answer carries the first refusal's code (a stable code clients rely on).
    fn refusals(&self) -> Vec<gongkai_workflow::Rejection> {
        Vec::new()
    }
}

/// Checks a required text field: not blank, at most `max` characters.
pub fn required(errors: &mut Vec<FieldError>, path: &str, value: &str, max: usize) {
    if value.trim().is_empty() {
        errors.push(FieldError {
            path: path.to_owned(),
            message: "不能为空".to_owned(),
        });
    } else {
        at_most(errors, path, value, max);
    }
}

/// Checks an optional text field's length.
pub fn at_most(errors: &mut Vec<FieldError>, path: &str, value: &str, max: usize) {
    let n = value.chars().count();
    if n > max {
        errors.push(FieldError {
            path: path.to_owned(),
            message: format!("最多 {max} 个字符，实际 {n} 个"),
        });
    }
}

/// The request's media type, lowercase and without parameters ("application/json").
pub fn media_type(req: &HttpRequest) -> Option<String> {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
}

/// A JSON body of type `T`, parsed strictly.
pub struct Body<T>(pub T);

/// Bodies larger than this are parsed on the blocking pool, so that no async worker (which
/// also answers every other request on its thread) spends more than a moment on one.
const PARSE_INLINE_BYTES: usize = 16 * 1024;

impl<T: DeserializeOwned + Validate + utoipa::ToSchema + Send + 'static> FromRequest for Body<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let content_type = media_type(req);
        let payload = web::Payload::from_request(req, payload).into_inner();
        Box::pin(async move {
            if content_type.as_deref() != Some("application/json") {
                return Err(ApiError::new(
                    ErrorCode::UnsupportedMediaType,
                    "请求体必须是 JSON（Content-Type: application/json）",
                ));
            }
            let payload = payload.map_err(|e| payload_error(&e))?;
            let bytes = payload
                .to_bytes_limited(MAX_JSON_BYTES)
                .await
                .map_err(|_| {
                    ApiError::new(
                        ErrorCode::PayloadTooLarge,
                        format!("请求体超过 {MAX_JSON_BYTES} 字节"),
                    )
                })?
                .map_err(|e| {
                    ApiError::new(ErrorCode::MalformedBody, format!("无法读取请求体：{e}"))
                })?;
            if bytes.len() <= PARSE_INLINE_BYTES {
                return parse_body(&bytes).map(Body);
            }
            web::block(move || parse_body(&bytes))
                .await
                .map_err(ApiError::internal)?
                .map(Body)
        })
    }
}

fn payload_error(e: &actix_web::Error) -> ApiError {
    ApiError::new(ErrorCode::MalformedBody, format!("无法读取请求体：{e}"))
}

/// Parses and validates the JSON body of a route: as [`parse`], and no array stands where the
/// body's schema (the OpenAPI document's) has an object, at any depth — serde would read a
/// struct from the array of its fields' values.
pub fn parse_body<T: DeserializeOwned + Validate + utoipa::ToSchema>(
    bytes: &[u8],
) -> Result<T, ApiError> {
    parse_with(bytes, |value| {
        let mut errors = Vec::new();
        let schema = serde_json::json!({ "$ref": format!("#/components/schemas/{}", T::name()) });
        check_shape(value, &schema, &mut String::new(), &mut errors, 0);
        errors
    })
}

/// Parses and validates a JSON body.
pub fn parse<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, ApiError> {
    parse_with(bytes, |_| Vec::new())
}

fn parse_with<T: DeserializeOwned + Validate>(
    bytes: &[u8],
    shape: impl FnOnce(&Value) -> Vec<FieldError>,
) -> Result<T, ApiError> {
    if bytes.len() > MAX_JSON_BYTES {
        return Err(ApiError::new(
            ErrorCode::PayloadTooLarge,
            format!("请求体超过 {MAX_JSON_BYTES} 字节"),
        ));
    }
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        ApiError::new(
            ErrorCode::MalformedBody,
            format!(
                "请求体不是有效的 JSON（第 {} 行第 {} 列）：{e}",
                e.line(),
                e.column()
            ),
        )
    })?;
    if value.is_object() {
        let errors = shape(&value);
        if !errors.is_empty() {
            return Err(ApiError::invalid(errors));
        }
    }
    parse_value(value)
}

/// Arrays where `schema` has an object with properties, below `value`.
fn check_shape(
    value: &Value,
    schema: &Value,
    path: &mut String,
    errors: &mut Vec<FieldError>,
    depth: usize,
) {
    if depth > 32 || errors.len() >= MAX_FIELD_ERRORS {
        return;
    }
    if let Some(name) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        if let Some(s) = crate::openapi::schemas().get(name) {
            check_shape(value, s, path, errors, depth + 1);
        }
        return;
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        for branch in schema
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            check_shape(value, branch, path, errors, depth + 1);
        }
    }
    match value {
        Value::Array(items) => {
            if schema.get("properties").is_some() {
                errors.push(FieldError {
                    path: short_path(path),
                    message: "须为对象（JSON object），不能是数组".to_owned(),
                });
            } else if let Some(item) = schema.get("items") {
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    check_shape(v, item, path, errors, depth + 1);
                    path.truncate(len);
                }
            }
        }
        Value::Object(map) => {
            let Some(props) = schema.get("properties").and_then(Value::as_object) else {
                return;
            };
            for (k, v) in map {
                if let Some(p) = props.get(k) {
                    let len = path.len();
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(k);
                    check_shape(v, p, path, errors, depth + 1);
                    path.truncate(len);
                }
            }
        }
        _ => {}
    }
}

/// Validates an already-parsed JSON value as a `T` (the web forms arrive here as JSON too).
pub fn parse_value<T: DeserializeOwned + Validate>(value: Value) -> Result<T, ApiError> {
    // Every body is a JSON object: serde would also read a struct from an array of its
    // fields' values (`[null, null]`), which no client means and the document does not allow.
    if !value.is_object() {
        return Err(ApiError::new(
            ErrorCode::MalformedBody,
            format!("请求体须为 JSON 对象，收到的是{}", json_kind_zh(&value)),
        ));
    }
    let mut value = value;
    integral_numbers(&mut value);
    let mut errors = Vec::new();
    check_strings(&value, &mut String::new(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::invalid(errors));
    }
    // Every error of the body at once: serde stops at the first, so each field it refuses is
    // noted and set aside (see `set_aside`) and the body read again.
    let Some(parsed) = deserialize_all::<T>(value, &mut errors) else {
        return Err(ApiError::invalid(errors));
    };
    let mut rules = Vec::new();
    parsed.validate(&mut rules);
    merge(&mut errors, rules);
    let refusals = parsed.refusals();
    let refused: Vec<FieldError> = refusals
        .iter()
        .map(|r| FieldError {
            path: r.field.unwrap_or_default().to_owned(),
            message: r.message.clone(),
        })
        .collect();
    if errors.is_empty() {
        return match refusals.into_iter().next() {
            None => Ok(parsed),
            Some(first) => Err(ApiError {
                errors: refused,
                ..ApiError::from(first)
            }),
        };
    }
    merge(&mut errors, refused);
    Err(ApiError::invalid(errors))
}

/// Adds `more` to `errors`, except those about a field `errors` already names (a field
/// refused by serde and set aside is not reported again by the rules).
fn merge(errors: &mut Vec<FieldError>, more: Vec<FieldError>) {
    let named: std::collections::HashSet<String> = errors.iter().map(|e| e.path.clone()).collect();
    errors.extend(more.into_iter().filter(|e| !named.contains(&e.path)));
}

/// Deserializes `value` as a `T`, noting every field serde refuses: a missing field is read
/// again as empty text (a required text field's own rule then has nothing more to say), a
/// wrong one is left out (an optional field becomes absent). Gives up, with the errors noted,
/// when a field is refused twice (a required choice left out) or there are too many errors.
fn deserialize_all<T: DeserializeOwned>(
    mut value: Value,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    let mut refused = std::collections::HashSet::new();
    loop {
        let attempt: Result<T, _> = serde_path_to_error::deserialize(value.clone());
        let e = match attempt {
            Ok(parsed) => return Some(parsed),
            Err(e) => e,
        };
        let message = e.inner().to_string();
        let f = FieldError::from_serde(&e.path().to_string(), &message);
        if !refused.insert(f.path.clone()) {
            return None;
        }
        let path = f.path.clone();
        errors.push(f);
        let missing = message.starts_with("missing field");
        if errors.len() >= MAX_FIELD_ERRORS || !set_aside(&mut value, &path, missing) {
            return None;
        }
    }
}

/// Puts empty text at `path` (`missing`) or removes the value there; false when `path` is not
/// a path of object keys in `value`.
fn set_aside(value: &mut Value, path: &str, missing: bool) -> bool {
    if path.is_empty() || path.contains('[') {
        return false;
    }
    let mut keys: Vec<&str> = path.split('.').collect();
    let Some(last) = keys.pop() else {
        return false;
    };
    let mut at = value;
    for k in keys {
        match at.get_mut(k) {
            Some(next) if next.is_object() => at = next,
            _ => return false,
        }
    }
    let Some(map) = at.as_object_mut() else {
        return false;
    };
    if missing {
        map.insert(last.to_owned(), Value::String(String::new()));
        true
    } else {
        map.remove(last).is_some()
    }
}

/// Numbers written with a zero fraction (`3.0`) become integers: JSON Schema counts them as
/// integers, and an integer field takes them.
fn integral_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0) {
                // Within ±2^53 an f64 is an exact integer.
                if f.abs() <= 9_007_199_254_740_992.0 {
                    #[expect(
                        clippy::cast_possible_truncation,
                        reason = "checked to be integral and in range"
                    )]
                    let i = f as i64;
                    *value = Value::from(i);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// What kind of JSON value `value` is, in words.
fn json_kind_zh(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "布尔值",
        Value::Number(_) => "数字",
        Value::String(_) => "字符串",
        Value::Array(_) => "数组",
        Value::Object(_) => "对象",
    }
}

/// Control characters (other than line breaks and tabs) and overlong strings, anywhere; it
/// stops at [`MAX_FIELD_ERRORS`] (the answer lists no more), so a body of thousands of bad
/// strings under a long key costs no more than a few.
fn check_strings(value: &Value, path: &mut String, errors: &mut Vec<FieldError>) {
    if errors.len() >= MAX_FIELD_ERRORS {
        return;
    }
    match value {
        Value::String(s) => {
            if let Some(c) = s
                .chars()
                .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
            {
                errors.push(FieldError {
                    path: short_path(path),
                    message: format!("含有控制字符 U+{:04X}", u32::from(c)),
                });
            }
            let n = s.chars().count();
            if n > MAX_STRING_CHARS {
                errors.push(FieldError {
                    path: short_path(path),
                    message: format!("最多 {MAX_STRING_CHARS} 个字符，实际 {n} 个"),
                });
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_strings(item, path, errors);
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                check_strings(item, path, errors);
                path.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        name: String,
        when: NaiveDate,
        #[serde(default)]
        tags: Vec<String>,
    }

    impl Validate for Sample {
        fn validate(&self, errors: &mut Vec<FieldError>) {
            required(errors, "name", &self.name, 10);
        }
    }

    fn err(body: &str) -> ApiError {
        match parse::<Sample>(body.as_bytes()) {
            Ok(s) => panic!("accepted {s:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn a_body_of_many_bad_strings_under_a_long_key_gives_a_short_answer() {
        // Thousands of control characters under a 100,000-character key: once, every error
        // carried the whole key and the answer grew to gigabytes.
        let key = "k".repeat(100_000);
        let inner: serde_json::Map<String, Value> = (0..5_000)
            .map(|i| (format!("a{i}"), Value::String("\u{1}".to_owned())))
            .collect();
        let mut body = serde_json::Map::new();
        body.insert(key, Value::Object(inner));
        let e = match parse_value::<Sample>(Value::Object(body)) {
            Ok(s) => panic!("accepted {s:?}"),
            Err(e) => e,
        };
        assert_eq!(e.errors.len(), crate::error::MAX_FIELD_ERRORS);
        assert!(e.errors.iter().all(|f| f.path.chars().count() <= 201));
        assert!(e.detail.len() < 20 * 1024, "{} bytes", e.detail.len());
    }

    #[test]
    fn every_field_error_of_a_body_comes_at_once() {
        // Two fields missing and an unknown one: all three named in one answer (serde alone
        // stops at the first), the blank name not named twice.
        let e = err(r#"{"colour":"red"}"#);
        let named: Vec<(&str, &str)> = e
            .errors
            .iter()
            .map(|f| (f.path.as_str(), f.message.as_str()))
            .collect();
        assert_eq!(
            named,
            [
                ("colour", "不接受此项"),
                ("name", "此项必填"),
                ("when", "此项必填")
            ],
            "{e:?}"
        );
        // A wrong value of an optional field and a rule broken elsewhere: both.
        let e = err(r#"{"name":"  ","when":"2026-02-03","tags":"x"}"#);
        let paths: Vec<&str> = e.errors.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["tags", "name"], "{e:?}");
    }

    #[test]
    fn bad_bodies_name_the_field() {
        assert_eq!(err("{").code.as_str(), "malformed_body");
        // A struct's fields as an array, or any other non-object, is not a body.
        assert_eq!(err("[null, null]").code.as_str(), "malformed_body");
        assert_eq!(
            err(r#"["a", "2026-02-03"]"#).code.as_str(),
            "malformed_body"
        );
        assert_eq!(err("null").code.as_str(), "malformed_body");
        // An integer written with a zero fraction is an integer.
        #[derive(Debug, Deserialize)]
        struct Versioned {
            version: u64,
        }
        impl Validate for Versioned {
            fn validate(&self, _: &mut Vec<FieldError>) {}
        }
        assert_eq!(
            parse::<Versioned>(br#"{"version": 3.0}"#).unwrap().version,
            3
        );
        assert!(parse::<Versioned>(br#"{"version": 3.5}"#).is_err());
        let e = err(r#"{"name":"a","when":"2026-02-30"}"#);
        assert_eq!(
            (e.code.as_str(), e.errors[0].path.as_str()),
            ("invalid_input", "when")
        );
        let e = err(r#"{"name":"a\u0007","when":"2026-02-03"}"#);
        assert_eq!(e.errors[0].path, "name");
        let e = err(r#"{"name":"a","when":"2026-02-03","tags":["x", 3]}"#);
        assert_eq!(e.errors[0].path, "tags[1]");
        let e = err(r#"{"name":"  ","when":"2026-02-03"}"#);
        assert_eq!(e.errors[0].path, "name");
        let e = err(r#"{"name":"abcdefghijk","when":"2026-02-03"}"#);
        assert!(e.errors[0].message.contains("最多 10 个字符"));
        let e = err(r#"{"name":"a","when":"2026-02-03","extra":1}"#);
        assert_eq!(e.code.as_str(), "invalid_input");
        let ok: Sample = parse(br#"{"name":"a\nb","when":"2026-02-28","tags":["t"]}"#).unwrap();
        assert_eq!(ok.name, "a\nb");
        assert_eq!(ok.when, NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
        assert_eq!(ok.tags, ["t"]);
    }
}

#[cfg(test)]
mod shape_tests {
    use super::parse_body;
    use crate::service::filing::Filing;

    /// A nested struct given as the array of its fields' values is refused, naming where.
    #[test]
    fn an_array_where_an_object_belongs_is_refused_at_any_depth() {
        // A whole filing (the workflow's own checks run with the field rules: an identity
        // document, and an address to post the reply to).
        let ok = br#"{"agency": "gk", "applicant": {"kind": "natural_person", "name": "a",
                      "id_document_type": "resident_id", "id_document": "11010519491231002X",
                      "phone": "1", "address": "x"}, "request": {"description": "d",
                      "carrier": "paper", "delivery": "post"}}"#;
        assert!(parse_body::<Filing>(ok).is_ok());
        let nested = br#"{"agency": "gk", "applicant": ["natural_person", "a", null, "1"],
                          "request": {"description": "d", "carrier": "paper",
                          "delivery": "post"}}"#;
        let e = parse_body::<Filing>(nested).err().unwrap();
        assert_eq!(e.errors[0].path, "applicant");
        assert!(parse_body::<Filing>(b"[null, null]").is_err());
    }
}
