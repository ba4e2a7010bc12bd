//! The security headers of every response (API JSON, an authenticated answer, the printable
//! notice, a 404, a static asset), and HSTS only when cookies are secure.

use super::*;

/// Every response carries the security headers (API JSON, an
/// authenticated answer, the printable notice, a 404); a static asset keeps its caching; HSTS
/// only when cookies are secure.
#[test]
fn every_response_carries_the_security_headers() {
    let s = TestApp::start(databases("api-headers").remove(0));
    let o = s.office();
    let r = s.post("/api/v1/requests", None, filing());
    assert_eq!(r.status, 201, "{}", r.body);
    let case = r.body["case_id"].as_str().unwrap().to_owned();
    step(&s, &o.clerk, &case, "register", 1, json!({}));
    let notices = s.get(&format!("/api/v1/cases/{case}/notices"), Some(&o.clerk));
    let notice = notices.body[0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no notice: {}", notices.body))
        .to_owned();
    let head = |path: &str, token: Option<&str>| s.get(path, token);
    let secure = |r: &Reply, what: &str| {
        assert_eq!(
            r.header("x-content-type-options"),
            Some("nosniff"),
            "{what}"
        );
        assert_eq!(r.header("x-frame-options"), Some("DENY"), "{what}");
        assert_eq!(r.header("referrer-policy"), Some("same-origin"), "{what}");
        let csp = r.header("content-security-policy").unwrap_or("");
        assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
        assert!(
            !csp.contains("unsafe-inline'; script") && !csp.contains("script-src 'unsafe-inline'"),
            "{what}: {csp}"
        );
        assert!(r.header("strict-transport-security").is_none(), "{what}");
    };
    for (path, token) in [
        ("/api/v1/guide".to_owned(), None),
        ("/api/v1/session".to_owned(), Some(o.clerk.as_str())),
        (format!("/api/v1/cases/{case}"), Some(o.clerk.as_str())),
        (
            format!("/api/v1/notices/{notice}/print"),
            Some(o.clerk.as_str()),
        ),
        ("/api/v1/no-such-route".to_owned(), None),
        ("/healthz".to_owned(), None),
    ] {
        let r = head(&path, token);
        secure(&r, &path);
        assert_eq!(r.header("cache-control"), Some("no-store"), "{path}");
    }
    let print = head(&format!("/api/v1/notices/{notice}/print"), Some(&o.clerk));
    assert_eq!(print.status, 200);
    let csp = print.header("content-security-policy").unwrap().to_owned();
    assert!(!csp.contains("script-src"), "{csp}");
    assert!(!print.text.contains("onclick"));
    let css = head("/static/app.css", None);
    secure(&css, "/static/app.css");
    assert_eq!(css.header("cache-control"), Some("public, max-age=3600"));
    // Served over TLS (secure cookies): HSTS too.
    let s = TestApp::with_settings(databases("api-headers-secure").remove(0), |settings| {
        settings.secure_cookies = true;
    });
    for path in ["/api/v1/guide", "/healthz", "/api/v1/no-such-route"] {
        let r = s.get(path, None);
        assert_eq!(
            r.header("strict-transport-security"),
            Some("max-age=31536000"),
            "{path}"
        );
    }
}
