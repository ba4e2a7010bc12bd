//! `gongkai audit verify`: walk the hash chains.

use std::process::ExitCode;

use clap::Subcommand;
use gongkai_store::audit;

use crate::config::Config;
use crate::database;

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Verify the events' hash chains; report the first broken link of every altered case.
    Verify {
        /// Only this case (its id).
        #[arg(long = "case", value_name = "ID")]
        case_id: Option<String>,
    },
}

pub fn run(cmd: &AuditCommand, config: &Config) -> anyhow::Result<ExitCode> {
    let AuditCommand::Verify { case_id } = cmd;
    let (url, mut conn) = database::open_migrated(config)?;
    if let Some(id) = case_id
        && gongkai_store::queries::case_row(&mut conn, &gongkai_store::Scope::operator(), id)?
            .is_none()
    {
        anyhow::bail!("no case with id {id}");
    }
    let bar = database::progress(0, "verifying")?;
    let broken = audit::verify_all(&mut conn, case_id.as_deref(), |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    let checked = bar.length().unwrap_or(0);
    if broken.is_empty() {
        println!(
            "{}: {checked} case(s) verified, every hash chain intact",
            url.redacted()
        );
        println!(
            "checked: each event's hash and link to the one before, sequence numbers, and the \
             count against the case's version. Not covered: a chain rewritten in full with \
             freshly computed hashes (the hashes are not keyed), and the cases projection."
        );
        return Ok(ExitCode::SUCCESS);
    }
    for b in &broken {
        println!(
            "case {} ({}): event {}: {}",
            b.case_id,
            b.tracking_number.as_deref().unwrap_or("not registered"),
            b.seq,
            b.problem
        );
    }
    eprintln!(
        "error: {} of {checked} case(s) have a broken hash chain",
        broken.len()
    );
    Ok(ExitCode::FAILURE)
}
