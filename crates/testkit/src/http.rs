//! The client shape both HTTP harnesses share: the real binary over TCP (tests/support of the
//! root package) and the app in process ([`crate::app::TestApp`]). A test written against
//! [`Client`] reads the same on either; answers are values ([`Reply`]), refusals included.

use serde_json::{Value, json};

/// A request: method, path (with its query), headers and body.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Req {
    pub fn new(method: &str, path: &str) -> Req {
        Req {
            method: method.to_owned(),
            path: path.to_owned(),
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Req {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// With `Authorization: Bearer token` when a token is given.
    pub fn bearer(self, token: Option<&str>) -> Req {
        match token {
            Some(t) => self.header("Authorization", &format!("Bearer {t}")),
            None => self,
        }
    }

    pub fn json(self, body: &Value) -> Req {
        let bytes = serde_json::to_vec(body).unwrap();
        self.bytes("application/json", bytes)
    }

    /// A form as a browser posts it (`application/x-www-form-urlencoded`).
    pub fn form(self, fields: &[(&str, &str)]) -> Req {
        let encoded: Vec<String> = fields
            .iter()
            .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
            .collect();
        self.bytes(
            "application/x-www-form-urlencoded",
            encoded.join("&").into_bytes(),
        )
    }

    pub fn bytes(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Req {
        self.body = body.into();
        self.header("Content-Type", content_type)
    }
}

/// Percent-encoding for form fields.
pub fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A response: status, headers (lowercase names), the body as text and as JSON (Null when
/// empty or not JSON).
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub text: String,
    pub content_type: String,
    pub headers: Vec<(String, String)>,
}

impl Reply {
    pub fn new(status: u16, headers: Vec<(String, String)>, text: String) -> Reply {
        let content_type = headers
            .iter()
            .find(|(k, _)| k == "content-type")
            .map(|(_, v)| v.clone())
            .unwrap_or_default();
        Reply {
            status,
            body: serde_json::from_str(&text).unwrap_or(Value::Null),
            text,
            content_type,
            headers,
        }
    }

    /// The first value of the header `name` (lowercase).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A way to reach gongkai over HTTP.
pub trait Client {
    fn exec(&self, req: Req) -> Reply;

    fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.exec(Req::new("GET", path).bearer(token))
    }

    fn send(&self, method: &str, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.exec(Req::new(method, path).bearer(token).json(&body))
    }

    fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.send("POST", path, token, body)
    }

    fn raw(&self, path: &str, token: Option<&str>, content_type: &str, body: &[u8]) -> Reply {
        self.exec(
            Req::new("POST", path)
                .bearer(token)
                .bytes(content_type, body.to_vec()),
        )
    }

    /// Signs in; the session's bearer token.
    fn login(&self, username: &str, password: &str) -> String {
        let r = self.post(
            "/api/v1/session",
            None,
            json!({"username": username, "password": password}),
        );
        assert_eq!(r.status, 201, "login {username}: {}", r.body);
        r.body["token"].as_str().unwrap().to_owned()
    }
}

/// An agency with two departments and its staff: their bearer tokens.
pub struct Office {
    pub admin: String,
    pub clerk: String,
    /// A second clerk of the same department.
    pub clerk_b: String,
    pub other_clerk: String,
    pub supervisor: String,
}

/// Creates a staff user through the admin API; returns the one-time password.
pub fn new_staff(
    s: &impl Client,
    admin: &str,
    username: &str,
    name: &str,
    role: &str,
    department: &str,
) -> String {
    let r = s.post(
        "/api/v1/admin/users",
        Some(admin),
        json!({"username": username, "display_name": name, "role": role,
               "departments": [department]}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    r.body["one_time_password"].as_str().unwrap().to_owned()
}

/// Creates a staff user through the admin API and logs them in.
pub fn staff(s: &impl Client, admin: &str, username: &str, role: &str, department: &str) -> String {
    let password = new_staff(s, admin, username, username, role, department);
    s.login(username, &password)
}

/// The agency "gk" with its intake office gk-gkb and the department gk-zjw, made by `admin`.
pub fn agency_with_departments(s: &impl Client, admin: &str) {
    let r = s.post(
        "/api/v1/admin/agencies",
        Some(admin),
        json!({"code": "gk", "name": "某市人民政府", "tracking_prefix": "GK"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    for (code, name, intake) in [
        ("gk-gkb", "政务公开办", true),
        ("gk-zjw", "住房和城乡建设委员会", false),
    ] {
        let r = s.post(
            "/api/v1/admin/agencies/gk/departments",
            Some(admin),
            json!({"code": code, "name": name, "is_intake": intake}),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    }
}

/// An applicant account `name` (password secret-pass-123), logged in: its token.
pub fn applicant(s: &impl Client, name: &str) -> String {
    let r = s.post(
        "/api/v1/account",
        None,
        json!({"username": name, "password": "secret-pass-123", "display_name": name,
               "applicant_type": "natural_person"}),
    );
    assert_eq!(r.status, 201, "{}", r.body);
    s.login(name, "secret-pass-123")
}

/// The id of the user `username`, as the admin lists it.
pub fn user_id(s: &impl Client, admin: &str, username: &str) -> String {
    let users = s.get("/api/v1/admin/users", Some(admin)).body;
    users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == username)
        .unwrap_or_else(|| panic!("no user {username}: {users}"))["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// An online filing to agency "gk" by 张三.
pub fn filing() -> Value {
    json!({
        "agency": "gk",
        "applicant": {"kind": "natural_person", "name": "张三",
                      "id_document_type": "resident_id",
                      "id_document": "110101199003074514", "phone": "13812345678",
                      "email": "zhangsan@example.com"},
        "request": {"description": "2025年本市老旧小区改造项目清单", "carrier": "electronic",
                    "delivery": "email"}
    })
}

/// Posts `action` on `case` at `version` with `fields`.
pub fn act(
    s: &impl Client,
    token: &str,
    case: &str,
    action: &str,
    version: u64,
    fields: Value,
) -> Reply {
    let mut body = fields;
    body["version"] = json!(version);
    s.post(
        &format!("/api/v1/cases/{case}/actions/{action}"),
        Some(token),
        body,
    )
}

/// Runs `action` and returns the response, failing with the problem otherwise.
#[track_caller]
pub fn ok(
    s: &impl Client,
    token: &str,
    case: &str,
    action: &str,
    version: u64,
    fields: Value,
) -> Reply {
    let r = act(s, token, case, action, version, fields);
    assert_eq!(r.status, 200, "{action}: {}", r.body);
    r
}

/// Runs `action` and returns the new version, failing with the problem otherwise.
#[track_caller]
pub fn step(
    s: &impl Client,
    token: &str,
    case: &str,
    action: &str,
    version: u64,
    fields: Value,
) -> u64 {
    version_of(&ok(s, token, case, action, version, fields))
}

pub fn version_of(r: &Reply) -> u64 {
    r.body["version"].as_u64().unwrap()
}

/// Asserts a refusal: the HTTP status, the problem's code, and that it is problem+json.
#[track_caller]
pub fn refused(r: &Reply, status: u16, code: &str) {
    assert_eq!(
        (r.status, r.body["code"].as_str()),
        (status, Some(code)),
        "{}",
        r.body
    );
    assert!(
        r.content_type.starts_with("application/problem+json"),
        "{}",
        r.content_type
    );
    assert_eq!(r.body["status"], status);
}
