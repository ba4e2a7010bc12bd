//! Opening the configured database for a command.

use anyhow::Context as _;
use gongkai_store::db::{DatabaseUrl, DbConnection, SqliteOptions, connect};
use gongkai_store::migrations;
use indicatif::{ProgressBar, ProgressStyle};

use crate::config::Config;

pub fn open(config: &Config) -> anyhow::Result<(DatabaseUrl, DbConnection)> {
    let url = DatabaseUrl::parse(&config.database.url)?;
    let options = SqliteOptions {
        busy_timeout: std::time::Duration::from_millis(config.database.sqlite_busy_timeout_ms),
    };
    let conn = connect(&url, &options)?;
    Ok((url, conn))
}

/// Opens the database and refuses one whose migrations are pending or unknown.
pub fn open_migrated(config: &Config) -> anyhow::Result<(DatabaseUrl, DbConnection)> {
    let (url, mut conn) = open(config)?;
    migrations::check_not_newer(&mut conn)?;
    let pending: Vec<String> = migrations::status(&mut conn)?
        .into_iter()
        .filter(|m| !m.applied)
        .map(|m| m.version)
        .collect();
    if !pending.is_empty() {
        anyhow::bail!(
            "{}: {} migration(s) pending ({}); run `gongkai migrate` first",
            url.redacted(),
            pending.len(),
            pending.join(", ")
        );
    }
    Ok((url, conn))
}

/// A progress bar on standard error (hidden when it is not a terminal).
pub fn progress(total: u64, what: &str) -> anyhow::Result<ProgressBar> {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} ({per_sec}, {eta} left)")
            .context("progress bar template")?
            .progress_chars("=> "),
    );
    bar.set_message(what.to_owned());
    Ok(bar)
}
