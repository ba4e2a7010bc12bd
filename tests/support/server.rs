//! The `gongkai serve` harness of the end-to-end API tests (tests/api.rs, tests/api_flows.rs):
//! the real binary on a free port, an HTTP client that returns problems as values, and an
//! office (agency, departments, staff) made through the admin API.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::json;

pub use super::Binary;
use super::Db;
pub use gongkai_testkit::http::*;

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
        .env("DATABASE_URL", db.binary_url())
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

impl Client for Server {
    fn exec(&self, req: Req) -> Reply {
        let mut r =
            ureq::request(&req.method, &self.url(&req.path)).timeout(Duration::from_secs(30));
        for (name, value) in &req.headers {
            r = r.set(name, value);
        }
        let result = match req.body.is_empty() {
            true => r.call(),
            false => r.send_bytes(&req.body),
        };
        finish(result)
    }

    /// Signs in. A user whose password was issued (the first admin, admin-made users) must
    /// change it first: the harness does, to a password of its own that it remembers, so that
    /// tests go on signing in with the issued one.
    fn login(&self, username: &str, password: &str) -> String {
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
}

/// The reply of a ureq call, refusals included.
pub fn finish(result: Result<ureq::Response, ureq::Error>) -> Reply {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .map(|name| {
            let value = response.header(&name).unwrap_or_default().to_owned();
            (name.to_ascii_lowercase(), value)
        })
        .collect();
    Reply::new(status, headers, response.into_string().unwrap_or_default())
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

pub fn audit_ok(db: &Db) {
    let o = db.run(&["audit", "verify"]);
    assert!(
        o.status.success(),
        "audit verify: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Status, headers (lowercase names) and body text of a response.
pub fn finish_text(
    result: Result<ureq::Response, ureq::Error>,
) -> (u16, Vec<(String, String)>, String) {
    let response = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let status = response.status();
    let headers = response
        .headers_names()
        .into_iter()
        .flat_map(|name| {
            response
                .all(&name)
                .into_iter()
                .map(|v| (name.to_lowercase(), v.to_owned()))
                .collect::<Vec<_>>()
        })
        .collect();
    (status, headers, response.into_string().unwrap_or_default())
}

/// The bytes of a request (status, Content-Type, Content-Disposition, body).
pub fn bytes_of(r: Result<ureq::Response, ureq::Error>) -> (u16, String, String, Vec<u8>) {
    let response = match r {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("transport error: {e}"),
    };
    let status = response.status();
    let kind = response.content_type().to_owned();
    let disposition = response
        .header("Content-Disposition")
        .unwrap_or_default()
        .to_owned();
    let mut body = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut body).unwrap();
    (status, kind, disposition, body)
}
