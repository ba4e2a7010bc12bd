//! `gongkai serve`: the API, the mail dispatcher and the reminder scheduler in one process, on
//! the configured database.

use std::net::TcpListener;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use chrono::Utc;
use gongkai_api::{ApiSettings, AppState};
use gongkai_store::attachments::{Limits, Quota};
use gongkai_store::db::{DatabaseUrl, SqliteOptions};
use gongkai_store::{accounts, recompute, sessions};
use gongkai_workflow::Role;

use crate::config::Config;
use crate::{Law, setup};

pub fn run(config: &Config, law: Law) -> anyhow::Result<ExitCode> {
    let url = DatabaseUrl::parse(&config.database.url)?;
    config.mail.check().map_err(|e| anyhow::anyhow!("{e}"))?;
    if config.mail.dispatch_in_serve
        && config.mail.senders + 2 > usize::try_from(config.database.pool_size).unwrap_or(0)
    {
        anyhow::bail!(
            "mail.senders ({}) leaves the API too few of database.pool_size ({}) connections: \
             keep senders + 2 within the pool",
            config.mail.senders,
            config.database.pool_size
        );
    }
    // The statement timeout bounds the HTTP requests only. On PostgreSQL it is a setting of
    // the connection, so the API gets a pool of its own (database.pool_size connections) and
    // the dispatcher, the scheduler and the periodic round share an unbounded one sized for
    // them; on SQLite every connection can be bounded per call, so one pool serves all.
    let statement_timeout = match config.database.statement_timeout_ms {
        0 => None,
        ms => Some(Duration::from_millis(ms)),
    };
    let separate = statement_timeout.is_some() && matches!(url, DatabaseUrl::Postgres(_));
    let background = u32::try_from(config.mail.senders + 3)
        .unwrap_or(u32::MAX)
        .min(config.database.pool_size);
    let pool = match separate {
        true => setup::open_pool_sized(config, &law, background)?,
        false => setup::open_pool(config, &law)?,
    };
    let api_pool = match (separate, statement_timeout) {
        (true, Some(limit)) => gongkai_store::db::pool_with_timeout(
            &url,
            config.database.pool_size,
            SqliteOptions {
                busy_timeout: Duration::from_millis(config.database.sqlite_busy_timeout_ms),
            },
            limit,
        )?,
        _ => pool.clone(),
    };
    if config.server.metrics_token.is_empty() {
        tracing::info!("/metrics is off: set server.metrics_token to let Prometheus scrape it");
    }
    let mut conn = pool.get().context("cannot connect to the database")?;
    let calendar = setup::calendar_in_force(&law.calendar, &mut conn)?;
    first_admin(&mut conn, config)?;
    drop(conn);

    // Uploads cut short by a kill leave their temporary files; an hour is longer than any
    // upload takes (another node may be receiving one now).
    match gongkai_store::attachments::sweep_incoming(
        &config.attachments.dir,
        Duration::from_secs(3600),
    ) {
        Ok(0) => {}
        Ok(n) => tracing::info!(removed = n, "abandoned upload files removed"),
        Err(e) => tracing::warn!(error = %e, "cannot sweep abandoned upload files"),
    }
    std::fs::create_dir_all(&config.mail.dir)
        .with_context(|| format!("cannot create {}", config.mail.dir.display()))?;
    let settings = ApiSettings {
        attachments_dir: config.attachments.dir.clone(),
        attachment_limits: Limits {
            max_bytes: config.attachments.max_bytes,
            content_types: config.attachments.content_types.clone(),
            per_case: Quota {
                files: config.attachments.max_files_per_case,
                bytes: config.attachments.max_bytes_per_case,
            },
            per_applicant: Quota {
                files: config.attachments.max_files_per_applicant,
                bytes: config.attachments.max_bytes_per_applicant,
            },
        },
        session_idle_minutes: config.sessions.idle_minutes,
        session_absolute_hours: config.sessions.absolute_hours,
        secure_cookies: config.server.secure_cookies,
        sign_in: config.login.clone(),
        issued_password_valid_hours: config.passwords.issued_valid_hours,
        trust_forwarded_for: config.server.trust_forwarded_for,
        mail_base_url: config.mail.base_url.clone(),
        statement_timeout,
        metrics_token: config.server.metrics_token.clone(),
        report_counting: config.report.counting(),
        pending_registration_days: config.supervision.pending_registration_days,
        today: test_today()?,
        redaction: config.redaction.settings(config.attachments.max_bytes)?,
    };
    // The base calendar stays the file's (or the built-in one): uploads are layered on it.
    let mut state = AppState::new(
        api_pool,
        gongkai_api::Law {
            calendar: law.calendar,
            statute: law.statute.clone(),
        },
        settings,
    );
    state.set_calendar(calendar);
    state.letter_font = match config.documents.font() {
        Ok(font) => {
            tracing::info!(font = %font.path().display(), "CJK font for PDF documents");
            Some(std::sync::Arc::new(font))
        }
        Err(why) => {
            tracing::warn!(
                "no CJK font for PDF documents ({why}): the PDF downloads answer 503 until \
                 fonts-noto-cjk is installed or documents.cjk_font is set"
            );
            None
        }
    };

    let listener = TcpListener::bind(&config.server.bind)
        .with_context(|| format!("cannot listen on {}", config.server.bind))?;
    let address = listener.local_addr()?;
    let workers = match config.server.workers {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get()),
        n => n,
    };
    let minutes = config.server.recompute_every_minutes;
    let state = std::sync::Arc::new(state);
    let server = gongkai_api::server(std::sync::Arc::clone(&state), listener, workers)?;
    let mail = if config.mail.dispatch_in_serve {
        let release = config.release_mail(state.letter_font.clone());
        let alarm = std::sync::Arc::clone(&state.scheduler);
        let state = std::sync::Arc::clone(&state);
        Some(crate::worker::spawn(
            pool.clone(),
            &config.mail,
            std::sync::Arc::new(move || state.law()),
            None,
            alarm,
            &release,
        )?)
    } else {
        None
    };
    if minutes > 0 {
        let housekeeping = Housekeeping {
            session_absolute_hours: config.sessions.absolute_hours,
            counter_window: config.login.longest_window(),
        };
        spawn_recompute(pool, state, minutes, housekeeping);
    }
    println!(
        "gongkai listening on http://{address} ({}, {})",
        url.backend(),
        url.redacted()
    );
    tracing::info!(%address, workers, "serving");
    let served = gongkai_api::run(server).context("the HTTP server failed");
    // After the last request: the notice in hand is finished, then the mail threads end.
    if let Some(mail) = mail {
        mail.stop();
    }
    served?;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// What the periodic round needs to know to purge sessions and login counters.
struct Housekeeping {
    session_absolute_hours: i64,
    counter_window: chrono::Duration,
}

/// Where the first start leaves the first admin's password when standard output is not a
/// terminal: beside the attachments folder (data/ by default).
pub fn initial_password_file(config: &Config) -> std::path::PathBuf {
    config
        .attachments
        .dir
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or_else(|| std::path::Path::new("."))
        .join("initial-admin-password.txt")
}

/// On the first start there is no admin: create one with a one-time password (to be changed
/// at the first sign-in, valid for `passwords.issued_valid_hours`). On a terminal it is
/// printed; otherwise (a service manager, a container: standard output goes to a log
/// collector) it is written once to [`initial_password_file`], readable by its owner only,
/// and the log says where.
fn first_admin(conn: &mut gongkai_store::DbConnection, config: &Config) -> anyhow::Result<()> {
    use std::io::IsTerminal as _;
    if accounts::count_with_role(conn, Role::Admin)? > 0 {
        return Ok(());
    }
    let password = gongkai_api::auth::new_password();
    let hash = gongkai_api::auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let expires =
        Utc::now().naive_utc() + chrono::Duration::hours(config.passwords.issued_valid_hours);
    let hours = config.passwords.issued_valid_hours;
    if std::io::stdout().is_terminal() {
        create_first_admin(conn, &hash, expires)?;
        println!("已创建管理员账号 admin，一次性密码：{password}");
        println!(
            "（密码只显示这一次，{hours} 小时内有效；首次登录后须修改。Created user admin; the password is shown only once, valid for {hours} hours, and must be changed at the first sign-in.)"
        );
        return Ok(());
    }
    let path = initial_password_file(config);
    write_owner_only(&path, &format!("admin\n{password}\n"))?;
    create_first_admin(conn, &hash, expires)?;
    tracing::info!(
        file = %path.display(),
        valid_hours = hours,
        "created user admin; its one-time password is in the file (readable by its owner only): \
         sign in, change it, then delete the file"
    );
    Ok(())
}

fn create_first_admin(
    conn: &mut gongkai_store::DbConnection,
    hash: &str,
    expires: chrono::NaiveDateTime,
) -> anyhow::Result<()> {
    gongkai_store::write_transaction(conn, |conn| {
        let user =
            accounts::create_user(conn, "admin", "系统管理员", Role::Admin, Some(hash), &[])?;
        accounts::set_issued_password(conn, &user.id, hash, expires)
    })?;
    Ok(())
}

/// Writes `text` into a new file at `path` that only its owner may read (mode 0600 on Unix);
/// an older file there is replaced.
fn write_owner_only(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot replace {}", path.display())),
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Warning levels move as days pass: recompute open cases at start and then periodically, on
/// their own thread, always with the calendar in force. Each round also reloads the calendar
/// years stored in the database (an admin may have uploaded one through another node) and
/// purges expired sessions and stale login-failure counters.
fn spawn_recompute(
    pool: gongkai_store::Pool,
    state: std::sync::Arc<AppState>,
    minutes: u64,
    housekeeping: Housekeeping,
) {
    std::thread::spawn(move || {
        loop {
            if let Ok(mut conn) = pool.get() {
                // SQLite: refresh the planner statistics that went stale (PRAGMA optimize, as
                // SQLite recommends for long-lived connections).
                if let Err(e) = gongkai_store::db::optimize(&mut conn) {
                    tracing::warn!(error = %e, "PRAGMA optimize failed");
                }
                match setup::years_in_force(&state.base_years, &mut conn) {
                    Ok(calendar) => state.set_calendar(calendar),
                    Err(e) => tracing::warn!(error = %e, "cannot reload the calendar"),
                }
                let now = Utc::now().naive_utc();
                match sessions::purge_expired(
                    &mut conn,
                    now,
                    chrono::Duration::hours(housekeeping.session_absolute_hours),
                    housekeeping.counter_window,
                ) {
                    Ok((s, f)) if s + f > 0 => {
                        tracing::info!(sessions = s, counters = f, "purged expired sessions")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "purging sessions failed"),
                }
                // E-mailed download links past their expiry open nothing; their rows go.
                match gongkai_store::delivery::sweep_links(&mut conn, now) {
                    Ok(n) if n > 0 => tracing::info!(links = n, "removed expired download links"),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "removing expired download links failed"),
                }
            }
            let law = state.law();
            let result = pool
                .get()
                .map_err(gongkai_store::StoreError::from)
                .and_then(|mut conn| {
                    recompute::recompute_open(
                        &mut conn,
                        &law.calendar,
                        &law.statute,
                        Utc::now(),
                        500,
                        |_, _| {},
                    )
                });
            match result {
                Ok(done) => tracing::info!(
                    open = done.open_cases,
                    changed = done.changed,
                    "recomputed warning levels"
                ),
                Err(e) => tracing::warn!(error = %e, "recomputing warning levels failed"),
            }
            std::thread::sleep(Duration::from_secs(minutes * 60));
        }
    });
}

/// `GONGKAI_TEST_TODAY` (YYYY-MM-DD): the date the calendar banner takes as today, so that
/// tests can show it from 1 November whatever the clock says. For tests only; unset in
/// production (docs/operations.md).
fn test_today() -> anyhow::Result<Option<chrono::NaiveDate>> {
    match std::env::var("GONGKAI_TEST_TODAY") {
        Ok(text) if !text.is_empty() => {
            gongkai_workflow::parse_date(&text)
                .map(Some)
                .ok_or_else(|| {
                    anyhow::anyhow!("GONGKAI_TEST_TODAY: \"{text}\" is not a date (YYYY-MM-DD)")
                })
        }
        _ => Ok(None),
    }
}
