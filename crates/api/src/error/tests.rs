#![allow(clippy::unwrap_used)]
use super::*;

/// The Rust sources of a crate of this workspace, with `#[cfg(test)]` modules cut off
/// (a code counts as produced only by code that runs in the server).
fn sources(dir: &std::path::Path, out: &mut Vec<(std::path::PathBuf, String)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path).unwrap();
            let text = match text.find("#[cfg(test)]") {
                Some(at) => text[..at].to_owned(),
                None => text,
            };
            out.push((path, text));
        }
    }
}

/// Whether `text` uses `name` (a path such as `ErrorCode::Forbidden`) other than by comparing
/// with it (`== name`, `!= name`) or matching on it (`name =>`): a code only ever compared is
/// not produced.
fn produces(text: &str, name: &str) -> bool {
    text.match_indices(name).any(|(at, _)| {
        let before = text[..at].trim_end();
        let after = text[at + name.len()..].trim_start();
        let continues = after.starts_with(|c: char| c.is_alphanumeric() || c == '_');
        !continues
            && !before.ends_with("==")
            && !before.ends_with("!=")
            && !before.ends_with('|')
            && !after.starts_with("=>")
            && !after.starts_with('|')
    })
}

#[test]
fn a_code_only_compared_is_not_produced() {
    assert!(!produces(
        "if e.code == ErrorCode::Duplicate {",
        "ErrorCode::Duplicate"
    ));
    assert!(!produces(
        "ErrorCode::Duplicate => 409,",
        "ErrorCode::Duplicate"
    ));
    assert!(!produces("ErrorCode::DuplicateX", "ErrorCode::Duplicate"));
    assert!(produces(
        "ApiError::new(ErrorCode::Duplicate, m)",
        "ErrorCode::Duplicate"
    ));
}

/// Every problem code a client may see is produced somewhere in the server's code, so the
/// list of codes in the OpenAPI document promises nothing that never happens. The
/// definitions themselves (the enum, its `ALL` and its name/status/title tables) do not
/// count.
#[test]
fn every_code_is_produced_somewhere() {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&manifest.join("src"), &mut files);
    let api: String = files
        .iter()
        .map(|(path, text)| {
            if path.ends_with("error/mod.rs") {
                // Cut the enum and its tables, keep the conversions below them.
                let from = text.find("pub enum ErrorCode").unwrap();
                let to = text.find("/// One invalid field").unwrap();
                format!("{}{}", &text[..from], &text[to..])
            } else {
                text.clone()
            }
        })
        .collect();
    for code in ErrorCode::ALL {
        let name = format!("ErrorCode::{code:?}");
        assert!(produces(&api, &name), "{name} is never produced");
    }
    let mut files = Vec::new();
    sources(&manifest.join("../workflow/src"), &mut files);
    let workflow: String = files
        .iter()
        .filter(|(path, _)| !path.ends_with("rejection.rs"))
        .map(|(_, text)| text.as_str())
        .collect();
    for code in RejectionCode::ALL {
        let long = format!("RejectionCode::{code:?}");
        let short = format!("R::{code:?}");
        assert!(
            workflow.contains(&long) || workflow.contains(&short),
            "{long} is never produced by the workflow"
        );
    }
}

/// The API's codes and the workflow's share one `code` field: no name may mean both.
#[test]
fn codes_are_unique_across_the_api_and_the_workflow() {
    let mut seen = std::collections::HashSet::new();
    for name in ErrorCode::ALL
        .iter()
        .map(|c| c.as_str())
        .chain(RejectionCode::ALL.iter().map(|c| c.as_str()))
    {
        // `invalid_input` is one code on purpose: a field the workflow refuses is a 422
        // like a field the API refuses.
        assert!(
            seen.insert(name) || name == "invalid_input",
            "{name} is used twice"
        );
    }
    assert_eq!(
        ApiError::from(Rejection::new(RejectionCode::InvalidInput, "x")).status,
        ErrorCode::InvalidInput.status()
    );
    for code in ErrorCode::ALL {
        let json = serde_json::to_string(&Code::from(code)).unwrap();
        assert_eq!(json, format!("\"{}\"", code.as_str()));
        assert_eq!(
            serde_json::to_string(&code).unwrap(),
            json,
            "serde and as_str agree"
        );
    }
}

/// A statement stopped by the request's deadline becomes a 503
/// `query_timeout` problem with a Chinese explanation.
#[test]
fn a_statement_past_its_deadline_is_a_503_query_timeout() {
    use diesel::RunQueryDsl;
    let dir = std::env::temp_dir().join(format!("gongkai-timeout-{}", uuid::Uuid::now_v7()));
    let url = gongkai_store::DatabaseUrl::Sqlite(dir.join("t.db"));
    let mut conn = gongkai_store::connect(&url, &Default::default()).unwrap();
    let err = {
        let _deadline = gongkai_store::db::Deadline::start(std::time::Duration::from_millis(100));
        diesel::sql_query(
            "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c \
             WHERE n < 1000000000) SELECT COUNT(*) FROM c",
        )
        .execute(&mut conn)
        .unwrap_err()
    };
    let api = ApiError::from(StoreError::from(err));
    assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(api.code.as_str(), "query_timeout");
    assert!(
        api.detail.contains("请缩小查询范围或稍后再试"),
        "{}",
        api.detail
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// serde's prose becomes a Chinese message at the field's own path, also when the value it
/// quotes is Chinese.
#[test]
fn serde_prose_is_read_once_into_a_path_and_chinese() {
    let f = FieldError::from_serde("reply", "missing field `text`");
    assert_eq!(
        (f.path.as_str(), f.message.as_str()),
        ("reply.text", "此项必填")
    );
    let f = FieldError::from_serde(
        "applicant.kind",
        "unknown variant `个人`, expected one of `natural_person`, `legal_person`",
    );
    assert_eq!(f.message, "请从列表中选择");
    let f = FieldError::from_serde("days", "invalid type: string \"十五\", expected u32");
    assert_eq!(f.message, "格式不正确");
    assert_eq!(
        FieldError::from_serde("x", "请填写答复内容").message,
        "请填写答复内容"
    );
}
