//! The `gongkai` binary: command-line interface and wiring only. The domain lives in
//! `gongkai-workflow`.

mod agency;
mod audit;
mod calendar;
mod config;
mod database;
mod deadline;
mod demo;
mod migrate;
mod report;
mod serve;
mod setup;
mod user;
mod worker;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use gongkai_workflow::Statute;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "Case management for requests for government information (依申请公开)"
)]
struct Cli {
    /// Working-day calendar file to use instead of the built-in one (config/calendars/cn.toml).
    #[arg(long, global = true, env = "GONGKAI_CALENDAR", value_name = "FILE")]
    calendar: Option<PathBuf>,
    /// Statute profiles file to use instead of the built-in one (config/statutes.toml).
    #[arg(long, global = true, env = "GONGKAI_STATUTES", value_name = "FILE")]
    statutes: Option<PathBuf>,
    /// Settings file overriding config/default.toml (environment variables override both).
    #[arg(long, global = true, env = "GONGKAI_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand)]
enum Commands {
    /// Compute a reply due date with its explanation (one request, or a batch of JSON lines).
    Deadline(deadline::DeadlineArgs),
    /// Check and show working-day calendars; recompute open cases after a change.
    #[command(subcommand)]
    Calendar(calendar::CalendarCommand),
    /// Apply the database migrations (or list them with --status).
    Migrate {
        /// List the migrations and whether each is applied.
        #[arg(long)]
        status: bool,
    },
    /// Check the tamper-evident event log.
    #[command(subcommand)]
    Audit(audit::AuditCommand),
    /// Fill the database with realistic demonstration cases.
    Demo(demo::DemoArgs),
    /// Reports computed from the events (the annual report's table 三).
    #[command(subcommand)]
    Report(report::ReportCommand),
    /// Run the system: the REST API on the configured address and database, with the mail
    /// dispatcher and the reminder scheduler (unless mail.dispatch_in_serve is off).
    Serve,
    /// Run the mail dispatcher and the reminder scheduler alone (multi-node deployments).
    Worker(worker::WorkerArgs),
    /// Manage users from the command line.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Create the agency (行政机关) of a scripted install.
    #[command(subcommand)]
    Agency(agency::AgencyCommand),
}

pub use gongkai_workflow::Law;

/// The law's data for a command: the calendar and the statute profiles, from the files given
/// or built in.
pub(crate) fn load_law(cli: &Cli) -> anyhow::Result<Law> {
    let calendar = match &cli.calendar {
        Some(path) => calendar::load_file(path)?,
        None => gongkai_workflow::builtin_calendar()?,
    };
    let statute = match &cli.statutes {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            Statute::from_toml_str(&path.display().to_string(), &text)?
        }
        None => Statute::builtin(),
    };
    Ok(Law { calendar, statute })
}

fn settings(cli: &Cli) -> anyhow::Result<config::Config> {
    config::Config::load(cli.config.as_deref(), |key| std::env::var(key).ok())
}

/// Structured logs on standard error; RUST_LOG filters them (default: info).
fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

/// glibc gives a thread that contends for malloc an arena of its own (up to eight per core)
/// and keeps freed memory in each: under load, with the HTTP workers, the database threads and
/// the mail senders, `serve` grew by 7–20 MiB that way (docs/PERFORMANCE.md). Two arenas
/// hold it well under the 64 MiB target at the same throughput. glibc reads the setting only
/// when a process starts, so the long-running commands start themselves once more with it,
/// replacing this process (same PID, arguments and environment); `MALLOC_ARENA_MAX` or
/// `GLIBC_TUNABLES` set by the operator is left alone. The restarted process is marked by
/// `GONGKAI_RESTARTED`, since glibc drops `MALLOC_ARENA_MAX` from a privileged process's
/// environment (file capabilities, e.g. to bind port 80): it must not restart again.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_malloc_arenas() {
    use std::os::unix::process::CommandExt;
    if ["MALLOC_ARENA_MAX", "GLIBC_TUNABLES", "GONGKAI_RESTARTED"]
        .iter()
        .any(|v| std::env::var_os(v).is_some())
    {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut command = std::process::Command::new(exe);
    // A password hash takes 19 MiB (argon2id). glibc's dynamic mmap threshold rises to the size
    // of the largest block freed, after which these blocks come from the arenas' heaps, and
    // whatever is allocated after them pins the freed ones: 200 sign-ins at once (two hashes at
    // a time) left 246 MiB resident, 71 MiB with the threshold fixed (docs/PERFORMANCE.md).
    // Fixed at 4 MiB, blocks that large are mapped and returned on free.
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        command.env("MALLOC_MMAP_THRESHOLD_", "4194304");
    }
    let err = command
        .args(std::env::args_os().skip(1))
        .env("MALLOC_ARENA_MAX", "2")
        .env("GONGKAI_RESTARTED", "1")
        .exec();
    // Only reached when the exec failed: run as we are.
    eprintln!("note: could not restart with MALLOC_ARENA_MAX=2 ({err}); continuing");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_malloc_arenas() {}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Commands::Serve | Commands::Worker(_)) {
        limit_malloc_arenas();
    }
    let result = match &cli.command {
        Commands::Calendar(cmd) => calendar::run(cmd, &cli),
        Commands::Deadline(args) => load_law(&cli).and_then(|law| deadline::run(args, &law)),
        Commands::Migrate { status } => settings(&cli)
            .and_then(|c| load_law(&cli).and_then(|law| migrate::run(&c, &law, *status))),
        Commands::Audit(cmd) => settings(&cli).and_then(|c| audit::run(cmd, &c)),
        Commands::Report(cmd) => settings(&cli).and_then(|c| report::run(cmd, &c)),
        Commands::Serve => {
            init_logging();
            settings(&cli).and_then(|c| load_law(&cli).and_then(|law| serve::run(&c, law)))
        }
        Commands::Worker(args) => {
            init_logging();
            settings(&cli).and_then(|c| load_law(&cli).and_then(|law| worker::run(&c, law, args)))
        }
        Commands::User(cmd) => settings(&cli).and_then(|c| user::run(cmd, &c)),
        Commands::Agency(cmd) => settings(&cli).and_then(|c| agency::run(cmd, &c)),
        Commands::Demo(args) => {
            settings(&cli).and_then(|c| load_law(&cli).and_then(|law| demo::run(args, &c, &law)))
        }
    };
    match result {
        Ok(code) => code,
        // Output cut short by the reader (`| head`): not an error of ours.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
