//! End to end in a real browser: `gongkai serve` driven through its web pages by headless
//! Chromium (Debian's chromium, controlled by playwright-core from npm; tests/browser/flow.mjs).
//!
//! An applicant files a request (and first meets a validation error that keeps the entered
//! text); a clerk registers it, consults a third party and drafts a reply; a supervisor returns
//! it once and then approves it; the applicant reads the reply by tracking number and query
//! code. A clerk of another department gets 404 for the case, and a form posted without its
//! CSRF token is refused and changes nothing. Every page state the flow visits (forms with their
//! errors and opened action forms included) is checked with axe-core against WCAG 2.1 A and AA
//! at 1280, 390 and 320 px (tests/browser/a11y.mjs), and a keyboard-only pass
//! (tests/browser/keyboard.mjs) files a request and registers it with Tab, arrows and Enter.
//! Screenshots of the main pages are taken (from the
//! SQLite run) into the test's temporary folder, and into docs/screenshots/ only with
//! `GONGKAI_REFRESH_SCREENSHOTS=1 cargo test --test browser`.
//!
//! A second test starts from an empty database and sets the office up through the pages only
//! (tests/browser/first-run.mjs): the first admin's one-time password, the agency, departments
//! and staff on /admin, then a request from filing to the applicant reading the reply.
//!
//! Needs node, /usr/bin/chromium (or $CHROMIUM) and `npm ci` in tests/browser: .ci/run installs
//! them and sets GONGKAI_TEST_REQUIRE_BROWSER=1, so that this test fails instead of skipping
//! when they are missing.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use support::databases;
use support::server::*;

fn chromium() -> PathBuf {
    std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"))
}

/// What is missing to run the browser, if anything.
fn missing(dir: &Path) -> Option<String> {
    if Command::new("node").arg("--version").output().is_err() {
        return Some("node is not installed".to_owned());
    }
    if !chromium().exists() {
        return Some(format!("{} does not exist", chromium().display()));
    }
    if !dir.join("node_modules/playwright-core").exists() {
        return Some("playwright-core is not installed (npm ci in tests/browser)".to_owned());
    }
    None
}

/// Whether the browser can run; panics when it cannot and CI requires it.
fn browser_available(scripts: &Path) -> bool {
    let Some(why) = missing(scripts) else {
        return true;
    };
    if std::env::var("GONGKAI_TEST_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!("the browser test cannot run: {why}");
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "note: browser test skipped: {why} (set GONGKAI_TEST_REQUIRE_BROWSER=1 to fail instead)"
    );
    false
}

/// Where screenshots go: the test's own folder; only `GONGKAI_REFRESH_SCREENSHOTS=1` (the
/// README's command to refresh them) writes the main flow's into docs/screenshots (the
/// first run's numbered steps always stay in the test's folder). Empty (none taken) on
/// PostgreSQL: the pages are the same.
fn screenshots(root: &Path, db: &support::Db, docs: bool) -> String {
    if db.name != "sqlite" {
        return String::new();
    }
    let d = if docs && std::env::var("GONGKAI_REFRESH_SCREENSHOTS").as_deref() == Ok("1") {
        root.join("docs/screenshots")
    } else {
        db.dir.join("screenshots")
    };
    std::fs::create_dir_all(&d).unwrap();
    d.display().to_string()
}

/// Runs `script` in tests/browser with `env` and asserts that it passed.
fn run(script: &str, s: &Server, db: &support::Db, env: &[(&str, String)], done: &str) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("node")
        .arg(script)
        .current_dir(root.join("tests/browser"))
        .env("GONGKAI_BASE", &s.base)
        .env(
            "GONGKAI_SCREENSHOTS",
            screenshots(root, db, script != "first-run.mjs"),
        )
        .env("CHROMIUM", chromium())
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "{}: {script} failed\n{stdout}\n{stderr}\nserver log:\n{}",
        db.name,
        std::fs::read_to_string(db.dir.join("serve.log")).unwrap_or_default()
    );
    assert!(stdout.contains(done), "{stdout}");
}

#[test]
fn applicant_clerk_and_supervisor_work_a_request_in_the_browser() {
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if !browser_available(&scripts) {
        return;
    }
    for db in databases("browser") {
        let s = start(&db);
        // Issued passwords must be changed at the first sign-in: the harness signs each user
        // in once (changing it) and hands the browser the password in force.
        let issued = s.admin_password.clone().unwrap();
        let admin = s.login("admin", &issued);
        let admin_password = s.current_password("admin", &issued);
        agency_with_departments(&s, &admin);
        let account = |user: &str, name: &str, role: &str, department: &str| {
            let issued = new_staff(&s, &admin, user, name, role, department);
            s.login(user, &issued);
            format!("{user}:{}", s.current_password(user, &issued))
        };
        let clerk = account("clerk1", "李承办", "clerk", "gk-gkb");
        let supervisor = account("super1", "王科长", "supervisor", "gk-gkb");
        let other = account("clerk9", "赵住建", "clerk", "gk-zjw");
        run(
            "flow.mjs",
            &s,
            &db,
            &[
                ("GONGKAI_ADMIN", format!("admin:{admin_password}")),
                ("GONGKAI_CLERK", clerk.clone()),
                ("GONGKAI_SUPERVISOR", supervisor),
                ("GONGKAI_OTHER_CLERK", other),
            ],
            "all steps passed",
        );
        // Then by keyboard only: a request filed and registered with Tab, arrows and Enter.
        run(
            "keyboard.mjs",
            &s,
            &db,
            &[("GONGKAI_CLERK", clerk)],
            "keyboard pass: all steps passed",
        );
    }
}

#[test]
fn a_clerk_redacts_a_pdf_by_drawing_on_its_page() {
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if !browser_available(&scripts) {
        return;
    }
    for db in databases("browser-redact") {
        let s = start(&db);
        let issued = s.admin_password.clone().unwrap();
        let admin = s.login("admin", &issued);
        agency_with_departments(&s, &admin);
        let issued = new_staff(&s, &admin, "clerk1", "李承办", "clerk", "gk-gkb");
        let token = s.login("clerk1", &issued);
        let clerk = format!("clerk1:{}", s.current_password("clerk1", &issued));
        let r = s.post("/api/v1/requests", None, filing());
        assert_eq!(r.status, 201, "{}", r.body);
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let v = step(&s, &token, &case, "register", 1, serde_json::json!({}));
        step(
            &s,
            &token,
            &case,
            "start_processing",
            v,
            serde_json::json!({}),
        );
        let up = s.raw(
            &format!("/api/v1/cases/{case}/attachments?filename=contract.pdf"),
            Some(&token),
            "application/pdf",
            &support::pdf_with("SECRET-ID-110105199003071239", false),
        );
        assert_eq!(up.status, 201, "{}", up.body);
        let file = up.body["id"].as_str().unwrap();
        run(
            "redact.mjs",
            &s,
            &db,
            &[
                ("GONGKAI_CLERK", clerk),
                (
                    "GONGKAI_EDITOR",
                    format!("/staff/cases/{case}/files/{file}/redact"),
                ),
            ],
            "redaction: all steps passed",
        );
        // What the browser made is on the case: an image-only PDF without the marker.
        let d = s.get(&format!("/api/v1/cases/{case}"), Some(&token)).body;
        let made = d["events"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["event"]["kind"]["type"] == "file_redacted")
            .unwrap_or_else(|| panic!("{d}"))["event"]["kind"]["redaction"]["output"]["attachment"]
            .as_str()
            .unwrap()
            .to_owned();
        let (status, _, _, pdf) = bytes_of(
            s.req("GET", &format!("/api/v1/attachments/{made}"), Some(&token))
                .call(),
        );
        assert_eq!(status, 200);
        assert!(
            !pdf.windows(12).any(|w| w == b"SECRET-ID-11"),
            "the marker survived the redaction drawn in the browser"
        );
    }
}

#[test]
fn a_new_office_starts_from_an_empty_database_through_the_pages_alone() {
    let scripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    if !browser_available(&scripts) {
        return;
    }
    for db in databases("first-run") {
        // Nothing but the first start: the admin's one-time password is all the script gets.
        let s = start(&db);
        let one_time = s.admin_password.clone().unwrap();
        run(
            "first-run.mjs",
            &s,
            &db,
            &[("GONGKAI_ADMIN", format!("admin:{one_time}"))],
            "first run: all steps passed",
        );
    }
}
