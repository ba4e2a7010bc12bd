//! Due-date throughput. Target: at least 5 million due dates per second on one core.
//! Run: `cargo bench -p gongkai-workflow --bench due_dates`; figures in docs/PERFORMANCE.md.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use gongkai_workflow::clock::{ClockInput, Pause};
use gongkai_workflow::{PauseKind, Statute, builtin_calendar, due_date, reply_due};
use std::hint::black_box;

const N: usize = 4096;

/// Typical requests: receipt dates spread over 2019–2026; every third one has a third-party
/// consultation of 5–20 days, every seventh also a fee window, every fifth is extended.
type Input = (NaiveDate, u32, Vec<(NaiveDate, NaiveDate)>);

fn inputs() -> Vec<Input> {
    let first = NaiveDate::from_ymd_opt(2019, 5, 15).unwrap();
    (0..N)
        .map(|i| {
            let start = first + Duration::days((i as i64 * 7919) % 2700);
            let mut pauses = Vec::new();
            if i % 3 == 0 {
                let a = start + Duration::days(3 + (i as i64 % 9));
                pauses.push((a, a + Duration::days(5 + (i as i64 % 16))));
            }
            if i % 7 == 0 {
                let a = start + Duration::days(12);
                pauses.push((a, a + Duration::days(8)));
            }
            let days = if i % 5 == 0 { 40 } else { 20 };
            (start, days, pauses)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let cal = builtin_calendar().unwrap();
    let statute = Statute::builtin();
    let profile = statute.profile("cn-2019").unwrap();
    let data = inputs();

    let mut g = c.benchmark_group("due_date");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("typical_pauses", |b| {
        b.iter(|| {
            for (start, days, pauses) in &data {
                black_box(due_date(&cal, black_box(*start), *days, pauses));
            }
        })
    });
    let plain: Vec<NaiveDate> = data.iter().map(|d| d.0).collect();
    g.bench_function("no_pause", |b| {
        b.iter(|| {
            for start in &plain {
                black_box(due_date(&cal, black_box(*start), 20, &[]));
            }
        })
    });
    g.finish();

    let inputs: Vec<ClockInput> = data
        .iter()
        .map(|(start, days, pauses)| {
            let mut i = ClockInput::received(*start);
            i.extension_days = days - 20;
            i.pauses = pauses
                .iter()
                .map(|(a, b)| Pause {
                    kind: PauseKind::ThirdParty,
                    from: *a,
                    to: Some(*b),
                    about: Some("第三方".to_owned()),
                })
                .collect();
            i
        })
        .collect();
    let mut g = c.benchmark_group("reply_due_with_explanation");
    g.throughput(Throughput::Elements(N as u64));
    g.bench_function("typical_pauses", |b| {
        b.iter_batched_ref(
            || (),
            |_| {
                for i in &inputs {
                    black_box(reply_due(&cal, profile, black_box(i)));
                }
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
