//! The security headers of every response, set in one place (a middleware in `server`):
//! handlers set only what they need differently (a stricter or looser Content-Security-Policy,
//! a cacheable stylesheet), and what they set is kept.

use actix_web::http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// The pages' policy: styles and images from gongkai itself only, no script at all (the
/// redaction editor, the one page with a script, sets its own policy allowing gongkai's own
/// script file), forms posted to gongkai only, never shown in a frame.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; \
     style-src 'self'; script-src 'none'; form-action 'self'; frame-ancestors 'none'; \
     base-uri 'none'";

/// HSTS when gongkai is reached over HTTPS (`server.secure_cookies`): a year, this host only
/// (other hosts of an agency's domain may still be served over plain HTTP).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// Adds to `headers` each security header the response does not carry yet: nosniff, the
/// referrer policy, no framing (X-Frame-Options and CSP frame-ancestors, added to a
/// handler's own policy when it lacks it), `Cache-Control: no-store` (API answers and pages
/// carry personal data; a static asset sets its own caching), and HSTS when `https`.
pub fn apply(headers: &mut HeaderMap, https: bool) {
    let mut absent = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    absent(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    absent(header::REFERRER_POLICY, "same-origin");
    absent(header::X_FRAME_OPTIONS, "DENY");
    absent(header::CACHE_CONTROL, "no-store");
    if https {
        absent(header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY);
    }
    let own = headers
        .get(header::CONTENT_SECURITY_POLICY)
        .map(|v| v.to_str().unwrap_or("").to_owned());
    match own {
        None => {
            headers.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            );
        }
        Some(policy) if !policy.contains("frame-ancestors") => {
            let framed = format!(
                "{}; frame-ancestors 'none'",
                policy.trim_end_matches([';', ' '])
            );
            if let Ok(value) = HeaderValue::from_str(&framed) {
                headers.insert(header::CONTENT_SECURITY_POLICY, value);
            }
        }
        Some(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_handlers_own_headers_are_kept_and_framing_is_always_refused() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=3600"),
        );
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
        );
        apply(&mut h, false);
        assert_eq!(
            h.get(header::CACHE_CONTROL).unwrap(),
            "public, max-age=3600"
        );
        assert_eq!(
            h.get(header::CONTENT_SECURITY_POLICY).unwrap(),
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
        );
        assert!(h.get(header::STRICT_TRANSPORT_SECURITY).is_none());
        let mut h = HeaderMap::new();
        apply(&mut h, true);
        assert_eq!(h.get(header::CACHE_CONTROL).unwrap(), "no-store");
        assert_eq!(h.get(header::X_FRAME_OPTIONS).unwrap(), "DENY");
        assert_eq!(
            h.get(header::STRICT_TRANSPORT_SECURITY).unwrap(),
            STRICT_TRANSPORT_SECURITY
        );
    }
}
