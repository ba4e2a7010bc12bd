//! The mail dispatcher and the reminder scheduler: on their own threads inside `gongkai serve`,
//! or alone as `gongkai worker` (several workers may run over one PostgreSQL database).

use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;
use chrono::Utc;
use gongkai_mailer::dispatch::{LawSource, sleep_unless};
use gongkai_mailer::release::ReleaseMail;
use gongkai_mailer::{Dispatcher, MailSettings, schedule};
use gongkai_store::Pool;
use gongkai_workflow::Law;

use crate::config::Config;

#[derive(clap::Args)]
pub struct WorkerArgs {
    /// Run one scheduler pass and send everything that is due now, then exit (for cron, and
    /// to drain the outbox by hand).
    #[arg(long)]
    pub once: bool,
}

/// The running mail threads; `stop` ends them after the notice in hand.
pub struct MailThreads {
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

impl MailThreads {
    pub fn stop(self) {
        self.stop.store(true, Ordering::Relaxed);
        for t in self.threads {
            if t.join().is_err() {
                tracing::error!("a mail thread panicked");
            }
        }
    }
}

/// Starts the dispatcher and the scheduler. `law` gives the law in force at each pass;
/// `refresh` (when given) is called before each scheduler pass to reload it.
pub fn spawn(
    pool: Pool,
    settings: &MailSettings,
    law: LawSource,
    refresh: Option<Box<dyn Fn() + Send>>,
    alarm: Arc<schedule::Alarm>,
    release: &ReleaseMail,
) -> anyhow::Result<MailThreads> {
    let stop = Arc::new(AtomicBool::new(false));
    let mut threads = Vec::new();
    for (i, dispatcher) in dispatchers(&pool, settings, &law, release)?
        .into_iter()
        .enumerate()
    {
        if i == 0 {
            tracing::info!(to = %dispatcher.describe(), senders = settings.senders, "mail dispatcher started");
        }
        let s = Arc::clone(&stop);
        threads.push(
            std::thread::Builder::new()
                .name(format!("mail-dispatcher-{i}"))
                .spawn(move || restarting("mail dispatcher", &s, || dispatcher.run(&s)))?,
        );
    }
    let s = Arc::clone(&stop);
    let every = Duration::from_secs(settings.scheduler_every_minutes.max(1) * 60);
    threads.push(
        std::thread::Builder::new()
            .name("mail-scheduler".to_owned())
            .spawn(move || {
                restarting("reminder scheduler", &s, || {
                    while !s.load(Ordering::Relaxed) {
                        if let Some(refresh) = &refresh {
                            refresh();
                        }
                        scheduler_pass(&pool, &law(), &s);
                        // The timer, or sooner when a command changed a case (at most one
                        // pass a minute for those).
                        alarm.wait(Duration::from_secs(60), every, &s);
                    }
                })
            })?,
    );
    Ok(MailThreads { stop, threads })
}

/// Runs `body` until `stop` is set; a panic (a bug) is logged and `body` starts again after a
/// pause, so that one bad notice cannot silence the mail of a long-running process.
fn restarting(what: &str, stop: &AtomicBool, body: impl Fn()) {
    while !stop.load(Ordering::Relaxed) {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(&body)) {
            Ok(()) => return,
            Err(_) => {
                tracing::error!(thread = what, "panicked; restarting in 5 s");
                sleep_unless(stop, Duration::from_secs(5));
            }
        }
    }
}

/// `mail.senders` dispatchers, each with its own transport (and SMTP connections).
fn dispatchers(
    pool: &Pool,
    settings: &MailSettings,
    law: &LawSource,
    release: &ReleaseMail,
) -> anyhow::Result<Vec<Dispatcher>> {
    (0..settings.senders.max(1))
        .map(|_| {
            Dispatcher::new(pool.clone(), settings.clone(), Arc::clone(law))
                .map(|d| d.with_release(release.clone()))
                .map_err(|e| anyhow::anyhow!("{e}"))
        })
        .collect()
}

fn scheduler_pass(pool: &Pool, law: &Law, stop: &AtomicBool) {
    let result = pool
        .get()
        .map_err(gongkai_store::StoreError::from)
        .and_then(|mut conn| schedule::run_until(&mut conn, law, Utc::now(), stop));
    match result {
        Ok(r) => tracing::info!(
            examined = r.examined,
            due_soon = r.due_soon,
            overdue = r.overdue,
            breaches = r.breaches_recorded,
            "reminders scheduled"
        ),
        Err(e) => tracing::warn!(error = %e, "scheduling reminders failed"),
    }
}

/// `gongkai worker`: dispatcher and scheduler without the HTTP server, until SIGTERM or
/// Ctrl-C (the notice in hand is finished first).
pub fn run(config: &Config, base: Law, args: &WorkerArgs) -> anyhow::Result<ExitCode> {
    config.mail.check().map_err(|e| anyhow::anyhow!("{e}"))?;
    let pool = crate::setup::open_pool(config, &base)?;
    let in_force = {
        let mut conn = pool.get().context("cannot connect to the database")?;
        let calendar = crate::setup::calendar_in_force(&base.calendar, &mut conn)?;
        Law {
            calendar,
            statute: base.statute.clone(),
        }
    };
    let current = Arc::new(RwLock::new(Arc::new(in_force)));
    let law: LawSource = {
        let current = Arc::clone(&current);
        Arc::new(move || match current.read() {
            Ok(g) => Arc::clone(&g),
            Err(p) => Arc::clone(&p.into_inner()),
        })
    };
    let font = match config.documents.font() {
        Ok(f) => Some(Arc::new(f)),
        Err(why) => {
            tracing::warn!(
                "no CJK font for PDF documents ({why}): reply e-mails go without the letter's PDF"
            );
            None
        }
    };
    let release = config.release_mail(font);
    if args.once {
        let senders = dispatchers(&pool, &config.mail, &law, &release)?;
        scheduler_pass(&pool, &law(), &AtomicBool::new(false));
        let started = std::time::Instant::now();
        // Each sender drains until nothing is due; their claims never overlap.
        let handles: Vec<_> = senders
            .into_iter()
            .map(|d| {
                std::thread::spawn(move || -> gongkai_store::StoreResult<(usize, usize)> {
                    let (mut sent, mut other) = (0, 0);
                    loop {
                        let pass = d.run_once(Utc::now())?;
                        if pass.claimed == 0 {
                            return Ok((sent, other));
                        }
                        sent += pass.sent;
                        other += pass.claimed - pass.sent;
                    }
                })
            })
            .collect();
        let (mut sent, mut other) = (0, 0);
        for h in handles {
            let (s, o) = h
                .join()
                .map_err(|_| anyhow::anyhow!("a mail sender panicked"))??;
            sent += s;
            other += o;
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "sent {sent} notices in {seconds:.1} s ({:.0}/s); {other} not sent (unaddressed, \
             failed or to retry later)",
            sent as f64 / seconds.max(f64::EPSILON)
        );
        return Ok(ExitCode::SUCCESS);
    }
    // Uploaded calendar years reach this worker at each scheduler pass.
    let refresh: Box<dyn Fn() + Send> = {
        let pool = pool.clone();
        Box::new(move || {
            let Ok(mut conn) = pool.get() else { return };
            match crate::setup::calendar_in_force(&base.calendar, &mut conn) {
                Ok(calendar) => {
                    let law = Arc::new(Law {
                        calendar,
                        statute: base.statute.clone(),
                    });
                    match current.write() {
                        Ok(mut g) => *g = law,
                        Err(p) => *p.into_inner() = law,
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot reload the calendar"),
            }
        })
    };
    // Commands reach this process through the database only: the timer wakes it.
    let threads = spawn(
        pool,
        &config.mail,
        law,
        Some(refresh),
        Arc::default(),
        &release,
    )?;
    println!("gongkai worker running; stop with Ctrl-C or SIGTERM");
    wait_for_signal()?;
    tracing::info!("stopping");
    threads.stop();
    Ok(ExitCode::SUCCESS)
}

/// Blocks until SIGTERM or SIGINT.
fn wait_for_signal() -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r?,
            _ = term.recv() => {}
        }
        Ok(())
    })
}
