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
        calendar: crate::serve::calendar_in_force(&law.calendar, &mut conn)?,
        statute: law.statute.clone(),
    };
    backfill(&mut conn, &law)?;
    Ok(ExitCode::SUCCESS)
}

/// Fills the columns and search text that later migrations added for cases stored before them
/// (nothing to do on an up-to-date database).
pub fn backfill(
    conn: &mut gongkai_store::db::DbConnection,
    law: &crate::Law,
) -> anyhow::Result<()> {
    let bar = database::progress(0, "filling statistics and search text")?;
    let filled = gongkai_store::recompute::backfill_derived(
        conn,
        &law.calendar,
        &law.statute,
        500,
        |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )?;
    bar.finish_and_clear();
    if filled > 0 {
        tracing::info!(cases = filled, "filled statistics columns and search text");
        // Planner statistics for the columns and rows just filled.
        gongkai_store::db::analyze(conn)?;
    }
    Ok(())
}
