//! Search, statistics and frequent-request detection against a database filled by
//! `gongkai demo` (the target: search p99 ≤ 100 ms at 1,000,000 cases).
//!
//! ```sh
//! GONGKAI_BENCH_URL=sqlite:///tmp/bench1m/data/gongkai.db cargo bench -p gongkai-store --bench insight
//! ```
//!
//! Every query runs `GONGKAI_BENCH_ROUNDS` times (default 50) per scope; the figures go to
//! docs/PERFORMANCE.md by hand, with the command that made them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, TimeDelta};
use diesel::prelude::*;
use gongkai_store::Scope;
use gongkai_store::db::{DatabaseUrl, SqliteOptions, connect};
use gongkai_store::queries::QueueFilter;
use gongkai_store::schema::{cases, departments};
use gongkai_store::{search, similar, stats};

mod common;
use common::{ms, percentile};

fn report(what: &str, mut samples: Vec<Duration>, hits: usize) {
    samples.sort();
    println!(
        "{what}: {} runs, p50 {}, p99 {}, max {} ({hits} hits on the last)",
        samples.len(),
        ms(percentile(&samples, 0.5)),
        ms(percentile(&samples, 0.99)),
        ms(*samples.last().unwrap()),
    );
}

fn main() {
    let Ok(url) = std::env::var("GONGKAI_BENCH_URL") else {
        println!("insight: set GONGKAI_BENCH_URL to a database filled by `gongkai demo`; skipped");
        return;
    };
    let rounds: usize = std::env::var("GONGKAI_BENCH_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(50);
    let url = DatabaseUrl::parse(&url).unwrap();
    let mut conn = connect(&url, &SqliteOptions::default()).unwrap();
    let total: i64 = cases::table.count().get_result(&mut conn).unwrap();
    println!(
        "database: {} ({}), {total} cases",
        url.redacted(),
        url.backend()
    );
    let intake: Vec<String> = departments::table
        .filter(departments::is_intake.eq(true))
        .select(departments::code)
        .load(&mut conn)
        .unwrap();

    // Search: a clerk's scope (one intake office, every status) and an admin's (everything).
    let queries = [
        "望京街道",                  // a place: ~1/24 of the requests
        "招标文件及中标结果",        // a subject
        "首钢园区 工业用地租金标准", // two terms: place and subject
        "王秀英",                    // an applicant's name
        "项目编号 4711",             // a number among the project numbers
        "并不存在的检索词",          // nothing
        "补贴",                      // two characters: no trigram, a scan of the scope
    ];
    for (scope_name, scope) in [
        (
            "clerk (one intake office)",
            QueueFilter {
                scope: Scope::operator().department(&intake[0]),
                ..QueueFilter::default()
            },
        ),
        (
            "clerk, open cases",
            QueueFilter {
                scope: Scope::operator().department(&intake[0]),
                statuses: gongkai_workflow::Status::OPEN.to_vec(),
                ..QueueFilter::default()
            },
        ),
        ("admin (all cases)", QueueFilter::default()),
    ] {
        let mut all = Vec::new();
        for q in queries {
            let mut samples = Vec::new();
            let mut hits = 0;
            for _ in 0..rounds {
                let t = Instant::now();
                let found = search::search(&mut conn, q, &scope, 50, 0).unwrap();
                samples.push(t.elapsed());
                hits = found.len();
            }
            if q.chars().count() >= 3 || q.contains(' ') {
                all.extend(samples.iter().copied());
            }
            report(&format!("search \"{q}\", {scope_name}"), samples, hits);
        }
        report(
            &format!("search, terms of 3+ characters, {scope_name}, all queries"),
            all,
            0,
        );
    }

    // Monthly statistics of a year, per department and for everything.
    let year = chrono::Utc::now().year() - 1;
    let mut samples = Vec::new();
    for i in 0..rounds {
        let t = Instant::now();
        let figs = stats::monthly(
            &mut conn,
            year,
            None,
            &Scope::operator().department(&intake[i % intake.len()]),
        )
        .unwrap();
        samples.push(t.elapsed());
        std::hint::black_box(figs);
    }
    report(
        &format!("monthly statistics {year}, one department"),
        samples,
        0,
    );
    let mut samples = Vec::new();
    for _ in 0..rounds.min(10) {
        let t = Instant::now();
        let figs = stats::monthly(&mut conn, year, None, &Scope::operator()).unwrap();
        samples.push(t.elapsed());
        std::hint::black_box(figs);
    }
    report(
        &format!("monthly statistics {year}, all departments"),
        samples,
        0,
    );

    // Frequent requests over 90 days of one intake office, and the similar-request hint.
    let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap();
    let from = to - TimeDelta::days(90);
    let mut samples = Vec::new();
    let mut groups = 0;
    for i in 0..rounds.min(10) {
        let scope = QueueFilter {
            scope: Scope::operator().department(&intake[i % intake.len()]),
            ..QueueFilter::default()
        };
        let t = Instant::now();
        let found = similar::groups(&mut conn, &scope, from, to, 3).unwrap();
        samples.push(t.elapsed());
        groups = found.len();
    }
    report(
        "frequent groups, 90 days of one intake office",
        samples,
        groups,
    );
    let ids: Vec<String> = cases::table
        .select(cases::id)
        .order(cases::created_at.desc())
        .limit(rounds as i64)
        .load(&mut conn)
        .unwrap();
    let mut samples = Vec::new();
    let mut found = 0;
    for id in &ids {
        let t = Instant::now();
        let (like, _) = similar::similar_to(&mut conn, id, 365, &Scope::operator()).unwrap();
        samples.push(t.elapsed());
        found = like.len();
    }
    report("similar requests of a case (case page)", samples, found);
}
