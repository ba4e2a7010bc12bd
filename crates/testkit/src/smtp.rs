//! A real SMTP server for the mail tests: aiosmtpd (from PyPI) writing what it receives into
//! a Maildir, read back through Python's email package.
//!
//! .ci/run installs aiosmtpd and sets GONGKAI_TEST_REQUIRE_SMTP=1, so that the tests fail
//! instead of skipping when it is missing.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// An aiosmtpd server writing what it receives into a Maildir.
pub struct Smtp {
    child: Child,
    pub mbox: PathBuf,
}

impl Drop for Smtp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn smtp_available() -> bool {
    let ok = Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok && std::env::var("GONGKAI_TEST_REQUIRE_SMTP").is_ok_and(|v| v == "1") {
        panic!("GONGKAI_TEST_REQUIRE_SMTP=1 but aiosmtpd is not installed (pip install aiosmtpd)");
    }
    if !ok {
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "note: SMTP tests skipped: aiosmtpd is not installed (pip install aiosmtpd)"
        );
    }
    ok
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Smtp {
    pub fn start(dir: &Path, port: u16) -> Smtp {
        let mbox = dir.join("received.maildir");
        let child = Command::new("python3")
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["-c", "aiosmtpd.handlers.Mailbox"])
            .arg(&mbox)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        crate::wait_until("aiosmtpd listens", Duration::from_secs(20), || {
            std::net::TcpStream::connect(("127.0.0.1", port)).map(drop)
        });
        Smtp { child, mbox }
    }

    /// What arrived, decoded by Python's email package: message_id, subject (decoded),
    /// raw_subject (as on the wire), from, to, body (decoded text), attachments (filename,
    /// content_type, size, sha256 of the decoded bytes).
    pub fn received(&self) -> Vec<Value> {
        if !self.mbox.exists() {
            return Vec::new();
        }
        let script = r#"
import hashlib, json, mailbox, sys
from email import policy
from email.parser import BytesParser
out = []
for m in mailbox.Maildir(sys.argv[1], factory=None):
    e = BytesParser(policy=policy.default).parsebytes(m.as_bytes())
    out.append({"message_id": e["Message-ID"], "subject": str(e["Subject"]),
                "raw_subject": m["Subject"], "from": str(e["From"]), "to": str(e["To"]),
                "body": e.get_body(preferencelist=("plain",)).get_content(),
                "attachments": [{"filename": p.get_filename(),
                                 "content_type": p.get_content_type(),
                                 "size": len(p.get_payload(decode=True)),
                                 "sha256": hashlib.sha256(p.get_payload(decode=True)).hexdigest()}
                                for p in e.iter_attachments()]})
print(json.dumps(out))
"#;
        let out = Command::new("python3")
            .args(["-c", script])
            .arg(&self.mbox)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// What arrived once `n` messages have (all of them, if more came), or what arrived
    /// within `within` if fewer did.
    pub fn wait_for(&self, n: usize, within: Duration) -> Vec<Value> {
        let deadline = Instant::now() + within;
        let got = crate::wait::poll(deadline, || {
            let got = self.received();
            match got.len() >= n {
                true => Ok(got),
                false => Err(got),
            }
        });
        got.unwrap_or_else(|seen| seen)
    }
}
