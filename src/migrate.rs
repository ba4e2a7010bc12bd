//! `gongkai migrate`: apply pending migrations, or list them.

use std::process::ExitCode;

use gongkai_store::migrations;

use crate::config::Config;
use crate::database;

pub fn run(config: &Config, law: &crate::Law, status: bool) -> anyhow::Result<ExitCode> {
    let (url, mut conn) = database::open(config)?;
    if status {
        println!("{} ({})", url.redacted(), url.backend());
        let states = migrations::status(&mut conn)?;
        let known = migrations::known_versions(&conn);
        for m in &states {
            let mark = if !known.contains(&m.version) {
                "unknown to this gongkai"
            } else if m.applied {
                "applied"
            } else {
                "pending"
            };
            println!("  {}  {mark}", m.version);
        }
        migrations::check_not_newer(&mut conn)?;
        return Ok(ExitCode::SUCCESS);
    }
    let applied = migrations::run_pending(&mut conn)?;
    if applied.is_empty() {
        println!("{}: up to date", url.redacted());
    } else {
        println!(
            "{}: applied {} migration(s): {}",
            url.redacted(),
            applied.len(),
            applied.join(", ")
        );
    }
    // With the calendar years admins uploaded, as `serve` computes due dates.
    let law = crate::Law {
        calendar: crate::setup::calendar_in_force(&law.calendar, &mut conn)?,
        statute: law.statute.clone(),
    };
    crate::setup::backfill(&mut conn, &law)?;
    Ok(ExitCode::SUCCESS)
}
