//! HTML forms: the submitted fields, their conversion into the JSON the API types take, and the
//! errors shown next to each field.
//!
//! Field names are JSON paths (`applicant.name`, `reply.text`), optionally with a type hint
//! after a colon:
//! - `:n` a whole number (`version:n`, `fee.pages:n`);
//! - `:b` a checkbox (`is_intake:b`), true when ticked;
//! - `:lines` a list, one item per non-empty line of a textarea (`items:lines`);
//! - `:ns` a list of whole numbers, one per ticked checkbox of that name (`items:ns`);
//! - `:outcome` a reply outcome written `kind` or `kind/ground` (`not_disclosed/security`).
//!
//! An empty field is left out, so optional fields become absent and required ones are
//! reported as missing.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::error::{ApiError, FieldError};

/// A submitted (or to be shown) form: values by field name, errors by field path.
#[derive(Debug, Clone, Default)]
pub struct FormState {
    pairs: Vec<(String, String)>,
    errors: HashMap<String, String>,
    /// Errors that name no field of the form, shown above it.
    pub general: Vec<String>,
}

impl FormState {
    pub fn from_pairs(pairs: Vec<(String, String)>) -> FormState {
        FormState {
            pairs,
            ..FormState::default()
        }
    }

    /// A form prefilled with `values`.
    pub fn with(values: &[(&str, &str)]) -> FormState {
        FormState::from_pairs(
            values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    pub fn set(&mut self, name: &str, value: impl Into<String>) {
        self.pairs.retain(|(k, _)| k != name);
        self.pairs.push((name.to_owned(), value.into()));
    }

    /// Adds a value under `name` (one of several, as a multiple select sends them).
    pub fn push(&mut self, name: &str, value: impl Into<String>) {
        self.pairs.push((name.to_owned(), value.into()));
    }

    /// The value of field `name` exactly as submitted ("" when absent).
    pub fn raw(&self, name: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value submitted under `name` (a multiple select).
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether `value` is among the values of `name` (a multiple select).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.all(name).contains(&value)
    }

    /// The value of the field whose path (name without hint) is `path`, for redisplay.
    pub fn v(&self, path: &str) -> &str {
        self.pairs
            .iter()
            .find(|(k, _)| k == path || split_hint(k).0 == path)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Whether select option `value` of field `path` is the chosen one.
    pub fn is(&self, path: &str, value: &str) -> bool {
        self.v(path) == value
    }

    /// The error of field `path`, if any.
    pub fn err(&self, path: &str) -> Option<&str> {
        self.errors.get(path).map(String::as_str)
    }

    /// The form's field errors in the order of its fields, each naming its field in words,
    /// for the summary above the form (whose items link to the fields).
    pub fn problems(&self) -> Vec<Problem> {
        let position = |path: &str| {
            self.pairs
                .iter()
                .position(|(k, _)| k == path || split_hint(k).0 == path)
                .unwrap_or(usize::MAX)
        };
        let mut items: Vec<(usize, &String, &String)> = self
            .errors
            .iter()
            .map(|(path, message)| (position(path), path, message))
            .collect();
        items.sort();
        items
            .into_iter()
            .map(|(_, path, message)| Problem {
                path: path.clone(),
                text: match field_label(path) {
                    Some(label) => format!("{label}：{message}"),
                    None => message.clone(),
                },
            })
            .collect()
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty() || !self.general.is_empty()
    }

    /// Takes the errors of `e` onto the form: field errors by path (when the form has that
    /// field), everything else as general errors. Returns whether `e` was a validation error.
    pub fn absorb(&mut self, e: &ApiError, prefix: &str) -> bool {
        if e.errors.is_empty() {
            self.general.push(e.detail.clone());
            return e.status.is_client_error();
        }
        for f in &e.errors {
            let mut path = if prefix.is_empty() || f.path.is_empty() {
                f.path.clone()
            } else {
                format!("{prefix}{}", f.path)
            };
            // Errors of the workflow's commands name the innermost field only (`text` for
            // `reply.text`): the form's one field ending so is meant.
            if !self.knows(&path)
                && let Some(full) = self.ending_in(&path)
            {
                path = full;
            }
            let message = f.message.clone();
            if self.knows(&path) {
                self.errors.insert(path, message);
            } else if let Some(parent) = self.known_parent(&path) {
                self.errors.entry(parent).or_insert(message);
            } else {
                self.general.push(message);
            }
        }
        true
    }

    pub fn add_error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.insert(path.to_owned(), message.into());
    }

    fn knows(&self, path: &str) -> bool {
        self.pairs
            .iter()
            .any(|(k, _)| k == path || split_hint(k).0 == path)
    }

    /// The one field whose path ends in `.{last}`, if exactly one does.
    fn ending_in(&self, last: &str) -> Option<String> {
        if last.is_empty() {
            return None;
        }
        let suffix = format!(".{last}");
        let mut found: Vec<&str> = self
            .pairs
            .iter()
            .map(|(k, _)| split_hint(k).0)
            .filter(|p| p.ends_with(&suffix))
            .collect();
        found.dedup();
        (found.len() == 1).then(|| found[0].to_owned())
    }

    /// The nearest field the form has on `path` (`reply.outcome.kind` → `reply.outcome`), or a
    /// child of it (`applicant` → none: shown as general).
    fn known_parent(&self, path: &str) -> Option<String> {
        let mut p = path;
        while let Some((head, _)) = p.rsplit_once('.') {
            if self.knows(head) {
                return Some(head.to_owned());
            }
            p = head;
        }
        None
    }

    /// The form parsed and validated as the API type `T` (the API's own checks), without the
    /// names in `skip`.
    pub fn parse<T: serde::de::DeserializeOwned + crate::body::Validate>(
        &self,
        skip: &[&str],
    ) -> Result<T, ApiError> {
        self.to_json(skip)
            .map_err(ApiError::invalid)
            .and_then(crate::body::parse_value::<T>)
    }

    /// The form as the JSON object the API takes (without `csrf` and the names in `skip`).
    pub fn to_json(&self, skip: &[&str]) -> Result<Value, Vec<FieldError>> {
        let mut root = Map::new();
        let mut errors = Vec::new();
        // `:ns` lists, by path in the order first seen.
        let mut lists: Vec<(&str, Vec<Value>)> = Vec::new();
        for (name, raw) in &self.pairs {
            if name == "csrf" || skip.contains(&name.as_str()) {
                continue;
            }
            if errors.len() >= crate::error::MAX_FIELD_ERRORS {
                break;
            }
            let (path, hint) = split_hint(name);
            // The forms' own names are short and at most a few levels deep; anything else
            // (a name of a hundred thousand dots would nest as deep) is refused unread.
            if path.len() > MAX_NAME_BYTES || path.matches('.').count() > MAX_NAME_DEPTH {
                errors.push(FieldError {
                    path: crate::error::short_path(path),
                    message: "无效的字段名".to_owned(),
                });
                continue;
            }
            let value = raw.trim();
            let parsed = match hint {
                "n" if value.is_empty() => continue,
                "n" => match value.parse::<u64>() {
                    Ok(n) => Value::from(n),
                    Err(_) => {
                        errors.push(FieldError {
                            path: path.to_owned(),
                            message: "须为非负整数".to_owned(),
                        });
                        continue;
                    }
                },
                "b" => Value::Bool(matches!(value, "on" | "true" | "1")),
                "ns" => {
                    let Ok(n) = value.parse::<u64>() else {
                        errors.push(FieldError {
                            path: path.to_owned(),
                            message: "须为非负整数".to_owned(),
                        });
                        continue;
                    };
                    match lists.iter_mut().find(|(p, _)| *p == path) {
                        Some((_, list)) => list.push(Value::from(n)),
                        None => lists.push((path, vec![Value::from(n)])),
                    }
                    continue;
                }
                "lines" => {
                    let items: Vec<Value> = raw
                        .lines()
                        .map(str::trim)
                        .filter(|l| !l.is_empty())
                        .map(|l| Value::String(l.to_owned()))
                        .collect();
                    Value::Array(items)
                }
                "outcome" if value.is_empty() => continue,
                "outcome" => {
                    let mut o = Map::new();
                    match value.split_once('/') {
                        Some((kind, ground)) => {
                            o.insert("kind".to_owned(), Value::String(kind.to_owned()));
                            o.insert("ground".to_owned(), Value::String(ground.to_owned()));
                        }
                        None => {
                            o.insert("kind".to_owned(), Value::String(value.to_owned()));
                        }
                    }
                    Value::Object(o)
                }
                // Passwords are taken exactly as typed.
                _ if path.ends_with("password") => {
                    if raw.is_empty() {
                        continue;
                    }
                    Value::String(raw.clone())
                }
                _ if value.is_empty() => continue,
                // Multi-line text keeps its lines; single-line fields are trimmed.
                _ => Value::String(if raw.contains('\n') {
                    raw.trim_end().to_owned()
                } else {
                    value.to_owned()
                }),
            };
            insert(&mut root, path, parsed);
        }
        for (path, list) in lists {
            insert(&mut root, path, Value::Array(list));
        }
        if errors.is_empty() {
            Ok(Value::Object(root))
        } else {
            Err(errors)
        }
    }
}

/// One item of a form's error summary: the field (its path; the page's id of it is the form's
/// prefix and the path) and what is wrong, naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub path: String,
    pub text: String,
}

/// The field's name in words, for the error summary: the names the forms' labels use (where
/// two forms label one path differently, the words both fit).
fn field_label(path: &str) -> Option<&'static str> {
    Some(match path {
        "agency" => "行政机关",
        "department" => "部门",
        "applicant.kind" | "applicant_type" => "申请人类型",
        "applicant.name" => "姓名或名称",
        "applicant.id_document_type" => "证件类型",
        "applicant.id_document" => "证件号码",
        "applicant.phone" | "phone" => "联系电话",
        "applicant.email" | "email" => "电子邮箱",
        "applicant.address" => "通信地址",
        "request.description" => "所需信息的名称或内容描述",
        "request.document_number" => "文号",
        "request.carrier" => "载体形式",
        "request.delivery" => "获取方式",
        "place" => "承办机关与部门",
        "channel" => "申请渠道",
        "receipt_date" => "收到申请之日",
        "username" => "用户名",
        "password" => "密码",
        "current_password" => "当前密码",
        "new_password" => "新密码",
        "display_name" => "姓名",
        "role" => "角色",
        "departments" => "部门",
        "code" => "代码",
        "name" => "名称",
        "tracking_prefix" => "受理编号前缀",
        "is_intake" => "接收部门",
        "secrecy_reviewer" => "保密审查权限",
        "reconsideration_body" => "行政复议机关",
        "court" => "人民法院",
        "reference" => "申请编号或提交编号",
        "query_code" => "查询码",
        "content" => "补正内容",
        "reason" => "撤回理由",
        "year" => "年份",
        "toml" => "日历（TOML）",
        "source" => "依据（通知名称和文号）",
        "title" | "subject" => "标题",
        "body" => "正文",
        "office_hours" => "办公时间",
        "contacts" => "联系方式",
        "process" => "办理流程",
        "deadlines" => "答复期限",
        "fees" => "收费",
        "q" => "检索",
        "min" => "至少件数",
        "from" => "起始日期",
        "to" => "截止日期",
        "status" => "状态",
        "warning_level" => "预警",
        "scope" => "范围",
        _ => return None,
    })
}

/// The longest field name a form may send, and how many dots it may hold.
const MAX_NAME_BYTES: usize = 100;
const MAX_NAME_DEPTH: usize = 4;

fn split_hint(name: &str) -> (&str, &str) {
    name.split_once(':').unwrap_or((name, ""))
}

fn insert(root: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            root.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let child = root
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !child.is_object() {
                *child = Value::Object(Map::new());
            }
            if let Value::Object(m) = child {
                insert(m, rest, value);
            }
        }
    }
}

/// Percent-encodes a query parameter value.
pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.~/".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_become_nested_json() {
        let f = FormState::with(&[
            ("csrf", "t"),
            ("applicant.name", " 张三 "),
            ("applicant.phone", ""),
            ("request.description", "第一行\n第二行\n"),
            ("version:n", "3"),
            ("items:lines", "一\n\n 二 \n"),
            ("reply.outcome:outcome", "not_disclosed/security"),
        ]);
        assert_eq!(
            f.to_json(&[]).unwrap(),
            json!({
                "applicant": {"name": "张三"},
                "request": {"description": "第一行\n第二行"},
                "version": 3,
                "items": ["一", "二"],
                "reply": {"outcome": {"kind": "not_disclosed", "ground": "security"}}
            })
        );
        let bad = FormState::with(&[("version:n", "三")])
            .to_json(&[])
            .unwrap_err();
        assert_eq!(bad[0].path, "version");
    }

    #[test]
    fn deep_or_long_names_and_floods_of_bad_fields_are_refused_cheaply() {
        // A name of 100,000 dots once nested 100,000 levels deep and overflowed the stack.
        let deep = "a.".repeat(100_000) + "a";
        let e = FormState::with(&[("csrf", "t"), (deep.as_str(), "x")])
            .to_json(&[])
            .unwrap_err();
        assert_eq!(e[0].message, "无效的字段名");
        assert!(e[0].path.chars().count() <= 201);
        let long = "n".repeat(101);
        assert!(
            FormState::with(&[(long.as_str(), "x")])
                .to_json(&[])
                .is_err()
        );
        assert!(FormState::with(&[("a.b.c.d.e", "x")]).to_json(&[]).is_ok());
        // Thirty thousand bad numbers: the answer names the first twenty.
        let names: Vec<String> = (0..30_000).map(|i| format!("x{i}:n")).collect();
        let pairs: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "bad")).collect();
        let e = FormState::with(&pairs).to_json(&[]).unwrap_err();
        assert_eq!(e.len(), crate::error::MAX_FIELD_ERRORS);
    }

    #[test]
    fn the_summary_names_each_field_in_words_in_the_form_s_order() {
        let mut f = FormState::with(&[
            ("applicant.kind", ""),
            ("applicant.name", ""),
            ("request.description", ""),
            ("version:n", "x"),
        ]);
        f.add_error("request.description", "此项必填");
        f.add_error("applicant.name", "不能为空");
        f.add_error("applicant.kind", "请选择申请人类型");
        f.add_error("version", "须为非负整数");
        let texts: Vec<(String, String)> =
            f.problems().into_iter().map(|p| (p.path, p.text)).collect();
        assert_eq!(
            texts,
            [
                (
                    "applicant.kind".to_owned(),
                    "申请人类型：请选择申请人类型".to_owned()
                ),
                (
                    "applicant.name".to_owned(),
                    "姓名或名称：不能为空".to_owned()
                ),
                (
                    "request.description".to_owned(),
                    "所需信息的名称或内容描述：此项必填".to_owned()
                ),
                // A field without words of its own: the message alone, never its path.
                ("version".to_owned(), "须为非负整数".to_owned()),
            ]
        );
    }

    /// Every field the templates make with the form macros has words for the error summary,
    /// so that no summary item shows a bare message or an internal name.
    #[test]
    fn every_field_of_the_templates_has_words_for_the_summary() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut pending = vec![dir];
        let mut checked = 0;
        while let Some(d) = pending.pop() {
            for entry in std::fs::read_dir(&d).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for call in ["m::text(", "m::text_auto(", "m::area(", "m::select("] {
                    for (at, _) in text.match_indices(call) {
                        // The field's path is the first quoted argument.
                        let rest = &text[at + call.len()..];
                        let name = rest.split('"').nth(1).unwrap();
                        assert!(
                            field_label(name).is_some(),
                            "{}: field {name} has no words in field_label",
                            path.display()
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 40, "only {checked} fields found");
    }

    #[test]
    fn errors_land_next_to_their_field() {
        let mut f = FormState::with(&[
            ("applicant.name", ""),
            ("reply.outcome:outcome", "x"),
            ("request.description", ""),
            ("reply.text", ""),
        ]);
        f.absorb(
            &ApiError::invalid(vec![
                FieldError {
                    path: "applicant.name".to_owned(),
                    message: "不能为空".to_owned(),
                },
                FieldError::from_serde("reply.outcome.kind", "unknown variant `x`"),
                FieldError {
                    path: "applicant".to_owned(),
                    message: "请至少填写一种联系方式".to_owned(),
                },
                FieldError::from_serde("request", "missing field `description`"),
                FieldError::from_serde(".", "missing field `text`"),
            ]),
            "",
        );
        assert_eq!(f.err("applicant.name"), Some("不能为空"));
        assert_eq!(f.err("reply.outcome"), Some("请从列表中选择"));
        assert_eq!(f.err("request.description"), Some("此项必填"));
        assert_eq!(f.err("reply.text"), Some("此项必填"));
        assert_eq!(f.general.len(), 1);
        assert_eq!(f.v("reply.outcome"), "x");
    }
}
