//! Prometheus metrics: requests and latencies by route, cases by status and warning level,
//! notices in the outbox by status.

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGaugeVec, Opts, Registry,
};

pub struct Metrics {
    registry: Registry,
    pub requests: IntCounterVec,
    pub latency: HistogramVec,
    pub cases: IntGaugeVec,
    pub notices: IntGaugeVec,
    /// When the case and notice gauges were last counted. Held while they are counted, so
    /// that scrapes arriving meanwhile wait for that count instead of starting their own.
    pub gauges_counted: tokio::sync::Mutex<Option<std::time::Instant>>,
}

/// How old the case and notice gauges may be when /metrics answers: counting them reads every
/// case and every notice (seconds at 1,000,000 cases), which a scrape every few seconds, or
/// several scrapers at once, must not repeat.
pub const GAUGES_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(15);

impl Metrics {
    #[allow(clippy::expect_used)]
    pub fn new() -> Metrics {
        // The metric definitions are constants: a failure here is a programming error caught
        // by every test that starts the app.
        let requests = IntCounterVec::new(
            Opts::new(
                "gongkai_http_requests_total",
                "HTTP requests by route and status",
            ),
            &["method", "route", "status"],
        )
        .expect("valid counter");
        let latency = HistogramVec::new(
            HistogramOpts::new(
                "gongkai_http_request_duration_seconds",
                "HTTP request latency by route",
            )
            .buckets(vec![
                0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0,
            ]),
            &["method", "route"],
        )
        .expect("valid histogram");
        let cases = IntGaugeVec::new(
            Opts::new("gongkai_cases", "Cases by status and warning level"),
            &["status", "warning_level"],
        )
        .expect("valid gauge");
        let notices = IntGaugeVec::new(
            Opts::new(
                "gongkai_notices",
                "Notices in the outbox by status (pending, sending, sent, failed, unaddressed)",
            ),
            &["status"],
        )
        .expect("valid gauge");
        let registry = Registry::new();
        registry
            .register(Box::new(requests.clone()))
            .expect("registered once");
        registry
            .register(Box::new(latency.clone()))
            .expect("registered once");
        registry
            .register(Box::new(cases.clone()))
            .expect("registered once");
        registry
            .register(Box::new(notices.clone()))
            .expect("registered once");
        Metrics {
            registry,
            requests,
            latency,
            cases,
            notices,
            gauges_counted: tokio::sync::Mutex::new(None),
        }
    }

    pub fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .with_label_values(&[method, route, &status.to_string()])
            .inc();
        self.latency
            .with_label_values(&[method, route])
            .observe(seconds);
    }

    /// Replaces the case gauges with fresh counts.
    pub fn set_cases(
        &self,
        counts: &[(
            gongkai_workflow::Status,
            Option<gongkai_workflow::WarningLevel>,
            i64,
        )],
    ) {
        self.cases.reset();
        for (status, level, n) in counts {
            self.cases
                .with_label_values(&[status.as_str(), level.map_or("none", |l| l.as_str())])
                .set(*n);
        }
    }

    /// Replaces the notice gauges with fresh counts (every status appears, 0 included, so
    /// that an alert on failed notices has a series to watch).
    pub fn set_notices(&self, counts: &[(gongkai_store::outbox::OutboxStatus, i64)]) {
        self.notices.reset();
        for status in gongkai_store::outbox::OutboxStatus::ALL {
            let n = counts
                .iter()
                .find(|(s, _)| *s == status)
                .map_or(0, |(_, n)| *n);
            self.notices.with_label_values(&[status.as_str()]).set(n);
        }
    }

    pub fn render(&self) -> String {
        let mut out = Vec::new();
        if let Err(e) = prometheus::TextEncoder::new().encode(&self.registry.gather(), &mut out) {
            tracing::error!(error = %e, "cannot encode metrics");
        }
        String::from_utf8(out).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}
