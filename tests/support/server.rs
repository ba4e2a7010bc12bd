//! The `gongkai serve` harness of the end-to-end API tests (tests/api.rs, tests/api_flows.rs):
//! the real binary on a free port, an HTTP client that returns problems as values, and an
//! office (agency, departments, staff) made through the admin API.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::Db;

pub struct Server {
    pub child: Child,
    pub base: String,
    /// The first admin's one-time password: `serve`'s standard output is not a terminal here,
    /// so the first start of a database writes it to data/initial-admin-password.txt.
    pub admin_password: Option<String>,
    /// What `serve` printed on standard output until it listened.
    pub stdout: Vec<String>,
    /// The test's folder (where the harness keeps the passwords it chose).
    pub dir: std::path::PathBuf,
}

/// Where the harness keeps the passwords it set for users whose issued password had to be
/// changed (`username`, issued, chosen), one per line, tab-separated: tests keep signing in
/// with the issued one, also after a restart.
const CHOSEN_PASSWORDS: &str = "harness-chosen-passwords.tsv";

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `gongkai serve` in the test's folder on a free port and waits until it listens.
pub fn start(db: &Db) -> Server {
    start_with(db, &[])
}

/// The /metrics token of the servers the tests start (`server.metrics_token`).
pub const METRICS_TOKEN: &str = "test-metrics-token-3f9c";

/// [`start`] with more environment variables (settings).
pub fn start_with(db: &Db, env: &[(&str, &str)]) -> Server {
    let log = std::fs::File::create(db.dir.join("serve.log")).unwrap();
    let child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .arg("serve")
        .env("GONGKAI_SERVER__METRICS_TOKEN", METRICS_TOKEN)
        // Tests open many accounts from 127.0.0.1; the test of the limit sets its own.
        .env("GONGKAI_LOGIN__REGISTRATIONS_PER_ADDRESS_PER_HOUR", "10000")
        .envs(env.iter().copied())
        .current_dir(&db.dir)
        .env("DATABASE_URL", &db.url)
        .env("GONGKAI_SERVER__BIND", "127.0.0.1:0")
        .env("GONGKAI_SERVER__WORKERS", "2")
        .env("GONGKAI_SERVER__RECOMPUTE_EVERY_MINUTES", "0")
        .env("GONGKAI_ATTACHMENTS__MAX_BYTES", "2048")
        .env_remove("GONGKAI_DATABASE__URL")
        .env_remove("GONGKAI_CONFIG")
        .stdout(Stdio::piped())
        .stderr(log)
        .spawn()
        .unwrap();
    let mut server = Server {
        child,
        base: String::new(),
        admin_password: None,
        stdout: Vec::new(),
        dir: db.dir.clone(),
    };
    // Owned by the Server at once, so that a failed start still kills and reaps it.
    let mut lines = BufReader::new(server.child.stdout.take().unwrap()).lines();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "serve did not start");
        let line = lines
            .next()
            .unwrap_or_else(|| {
                panic!(
                    "serve exited: {}",
                    std::fs::read_to_string(db.dir.join("serve.log")).unwrap_or_default()
                )
            })
            .unwrap();
        server.stdout.push(line.clone());
        if let Some(p) = line.split("一次性密码：").nth(1) {
            server.admin_password = Some(p.trim().to_owned());
        }
        if let Some(rest) = line.strip_prefix("gongkai listening on ") {
            server.base = rest.split_whitespace().next().unwrap().to_owned();
            if server.admin_password.is_none() {
                let file = db.dir.join("data/initial-admin-password.txt");
                server.admin_password = std::fs::read_to_string(file)
                    .ok()
                    .and_then(|t| t.lines().nth(1).map(|p| p.trim().to_owned()));
            }
            return server;
        }
    }
}

/// A response: status and JSON body (Null when empty or not JSON).
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub content_type: String,
}

pub fn finish(result: Result<ureq::Response, ureq::Error>) -> Reply {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let status = response.status();
    let content_type = response.header("content-type").unwrap_or("").to_owned();
    let text = response.into_string().unwrap_or_default();
    Reply {
        status,
        body: serde_json::from_str(&text).unwrap_or(Value::Null),
        content_type,
    }
}

impl Server {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub fn req(&self, method: &str, path: &str, token: Option<&str>) -> ureq::Request {
        let r = ureq::request(method, &self.url(path)).timeout(Duration::from_secs(30));
        match token {
            Some(t) => r.set("Authorization", &format!("Bearer {t}")),
            None => r,
        }
    }

    pub fn get(&self, path: &str, token: Option<&str>) -> Reply {
        finish(self.req("GET", path, token).call())
    }

    pub fn send(&self, method: &str, path: &str, token: Option<&str>, body: Value) -> Reply {
        finish(self.req(method, path, token).send_json(body))
    }

    pub fn post(&self, path: &str, token: Option<&str>, body: Value) -> Reply {
        self.send("POST", path, token, body)
    }

    pub fn raw(&self, path: &str, token: Option<&str>, content_type: &str, body: &[u8]) -> Reply {
        finish(
            self.req("POST", path, token)
                .set("Content-Type", content_type)
                .send_bytes(body),
        )
    }

    /// Signs in. A user whose password was issued (the first admin, admin-made users) must
    /// change it first: the harness does, to a password of its own that it remembers, so that
    /// tests go on signing in with the issued one.
    pub fn login(&self, username: &str, password: &str) -> String {
        let current = self.current_password(username, password);
        let r = self.post(
            "/api/v1/session",
            None,
            json!({"username": username, "password": current}),
        );
        assert_eq!(r.status, 201, "login {username}: {}", r.body);
        let token = r.body["token"].as_str().unwrap().to_owned();
        if r.body["user"]["must_change_password"] == true {
            let chosen = format!("{current}-own1");
            let c = self.post(
                "/api/v1/session/password",
                Some(&token),
                json!({"current_password": current, "new_password": chosen}),
            );
            // A session that ends at once (sessions.idle_minutes = 0) cannot change it.
            if c.status == 401 {
                return token;
            }
            assert_eq!(c.status, 204, "password change of {username}: {}", c.body);
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(self.dir.join(CHOSEN_PASSWORDS))
                .unwrap();
            use std::io::Write;
            writeln!(f, "{username}\t{password}\t{chosen}").unwrap();
        }
        token
    }

    /// The password `username` signs in with now: the one the harness chose in place of the
    /// issued `password`, or `password` itself.
    pub fn current_password(&self, username: &str, password: &str) -> String {
        let chosen = std::fs::read_to_string(self.dir.join(CHOSEN_PASSWORDS)).unwrap_or_default();
        chosen
            .lines()
            .rev()
            .filter_map(|l| {
                let mut parts = l.split('\t');
                Some((parts.next()?, parts.next()?, parts.next()?))
            })
            .filter(|(u, issued, _)| *u == username && *issued == password)
            .map(|(.., chosen)| chosen.to_owned())
            .next()
            .unwrap_or_else(|| password.to_owned())
    }
}

/// An agency with two departments and its staff, made through the admin API.
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
    s: &Server,
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
pub fn staff(s: &Server, admin: &str, username: &str, role: &str, department: &str) -> String {
    let password = new_staff(s, admin, username, username, role, department);
    s.login(username, &password)
}

/// The agency "gk" with its intake office gk-gkb and the department gk-zjw, made by `admin`.
pub fn agency_with_departments(s: &Server, admin: &str) {
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

pub fn office(s: &Server) -> Office {
    let admin = s.login("admin", s.admin_password.as_deref().unwrap());
    agency_with_departments(s, &admin);
    Office {
        clerk: staff(s, &admin, "clerk1", "clerk", "gk-gkb"),
        clerk_b: staff(s, &admin, "clerk2", "clerk", "gk-gkb"),
        other_clerk: staff(s, &admin, "clerk9", "clerk", "gk-zjw"),
        supervisor: staff(s, &admin, "super1", "supervisor", "gk-gkb"),
        admin,
    }
}

/// An applicant account `name` (password secret-pass-123), logged in: its token.
pub fn applicant(s: &Server, name: &str) -> String {
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
pub fn user_id(s: &Server, admin: &str, username: &str) -> String {
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

pub fn filing() -> Value {
    json!({
        "agency": "gk",
        "applicant": {"kind": "natural_person", "name": "张三",
                      "id_document": "110101199003074514", "phone": "13812345678",
                      "email": "zhangsan@example.com"},
        "request": {"description": "2025年本市老旧小区改造项目清单", "carrier": "electronic",
                    "delivery": "email"}
    })
}

pub fn act(
    s: &Server,
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
pub fn ok(s: &Server, token: &str, case: &str, action: &str, version: u64, fields: Value) -> Reply {
    let r = act(s, token, case, action, version, fields);
    assert_eq!(r.status, 200, "{action}: {}", r.body);
    r
}

/// Runs `action` and returns the new version, failing with the problem otherwise.
pub fn step(s: &Server, token: &str, case: &str, action: &str, version: u64, fields: Value) -> u64 {
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

pub fn audit_ok(db: &Db) {
    let o = db.run(&["audit", "verify"]);
    assert!(
        o.status.success(),
        "audit verify: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}
