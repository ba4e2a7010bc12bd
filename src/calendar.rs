//! `gongkai calendar`: check a calendar file, show a year.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use gongkai_workflow::Calendar;
use gongkai_workflow::clock::weekday_zh;

use crate::Cli;

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Validate a calendar file; every problem is listed with its year and entry.
    Check {
        /// The calendar file (TOML), e.g. config/calendars/cn.toml.
        file: PathBuf,
    },
    /// Recompute the due dates and warning levels of all open cases from their events, with
    /// the calendar and statute profiles in force (after loading a new year, say).
    Recompute,
    /// Print a year's holidays and make-up working days.
    Show {
        /// The year, e.g. 2026.
        year: i32,
        /// Print the year in the calendar file format instead.
        #[arg(long)]
        toml: bool,
    },
}

/// Reads and validates a calendar file.
pub fn load_file(path: &Path) -> anyhow::Result<Calendar> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let calendar = Calendar::from_toml_str(&path.display().to_string(), &text)?;
    if calendar.years().is_empty() {
        bail!(
            "{}: the file holds no [[year]]; every date would be counted by weekends and the fixed public holidays alone",
            path.display()
        );
    }
    Ok(calendar)
}

pub fn run(cmd: &CalendarCommand, cli: &Cli) -> anyhow::Result<ExitCode> {
    match cmd {
        CalendarCommand::Check { file } => {
            let calendar = load_file(file)?;
            let years = calendar.years();
            let (Some(first), Some(last)) = (years.first(), years.last()) else {
                bail!("{}: the file holds no year", file.display());
            };
            let holidays: usize = years.iter().map(|y| y.holidays.len()).sum();
            let makeup: usize = years.iter().map(|y| y.makeup.len()).sum();
            let span = if first.year == last.year {
                format!("1 year ({})", first.year)
            } else {
                format!("{} years ({}–{})", years.len(), first.year, last.year)
            };
            writeln!(
                std::io::stdout(),
                "{}: OK — {span}, {holidays} holiday periods, {makeup} make-up working days",
                file.display(),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        CalendarCommand::Recompute => {
            let law = crate::load_law(cli)?;
            let config = crate::settings(cli)?;
            let (url, mut conn) = crate::database::open_migrated(&config)?;
            // The years admins uploaded through the API count here as they do in `serve`.
            let calendar = crate::setup::calendar_in_force(&law.calendar, &mut conn)?;
            let bar = crate::database::progress(0, "recomputing")?;
            let result = gongkai_store::recompute::recompute_open(
                &mut conn,
                &calendar,
                &law.statute,
                chrono::Utc::now(),
                500,
                |done, total| {
                    bar.set_length(total);
                    bar.set_position(done);
                },
            )?;
            bar.finish_and_clear();
            println!(
                "{}: {} open case(s) recomputed, {} changed",
                url.redacted(),
                result.open_cases,
                result.changed
            );
            Ok(ExitCode::SUCCESS)
        }
        CalendarCommand::Show { year, toml } => {
            let calendar = match &cli.calendar {
                Some(path) => load_file(path)?,
                None => gongkai_workflow::builtin_calendar()?,
            };
            show(&calendar, *year, *toml)
        }
    }
}

/// The first year gongkai counts: the Regulations took effect on 2008-05-01.
const FIRST_YEAR: i32 = 2008;

fn show(calendar: &Calendar, year: i32, as_toml: bool) -> anyhow::Result<ExitCode> {
    let Some(y) = calendar.year(year) else {
        let covered = match calendar.coverage() {
            Some((a, b)) => format!("{}–{}", a.format("%Y"), b.format("%Y")),
            None => "none".to_owned(),
        };
        if year < FIRST_YEAR {
            bail!(
                "{year} is before {FIRST_YEAR} (covered years: {covered}): the Regulations on \
                 Open Government Information took effect on 2008-05-01, and no request received \
                 earlier is counted, so gongkai holds no calendar for {year}"
            );
        }
        bail!(
            "{year} is not in the calendar (covered years: {covered}); deadlines that touch {year} \
             are counted by weekends and the fixed public holidays (1 January, 1-2 May, \
             1-3 October) alone and marked provisional until its holiday notice is loaded"
        );
    };
    if as_toml {
        let single =
            Calendar::new(vec![y.clone()]).map_err(|issues| anyhow::anyhow!("{}", issues[0]))?;
        std::io::stdout().write_all(single.to_toml().as_bytes())?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    out.push_str(&format!("{year} 年节假日安排"));
    out.push('\n');
    if let Some(source) = &y.source {
        out.push_str(&format!("依据：{source}"));
        out.push('\n');
    }
    out.push('\n');
    out.push_str("法定节假日：");
    out.push('\n');
    for h in &y.holidays {
        let days = (h.to - h.from).num_days() + 1;
        let span = if h.from == h.to {
            format!("{}（{}）", h.from, weekday_zh(h.from))
        } else {
            format!(
                "{}（{}）至 {}（{}）",
                h.from,
                weekday_zh(h.from),
                h.to,
                weekday_zh(h.to)
            )
        };
        out.push_str(&format!(
            "  {}{span}，共 {days} 天，其中原工作日 {} 天",
            pad(&h.name, 12),
            h.weekdays_off()
        ));
        out.push('\n');
        if let Some(note) = &h.note {
            out.push_str(&format!("  {}注：{note}", pad("", 12)));
            out.push('\n');
        }
    }
    out.push('\n');
    out.push_str("调休上班：");
    out.push('\n');
    for d in &y.makeup {
        out.push_str(&format!("  {d}（{}）", weekday_zh(*d)));
        out.push('\n');
    }
    let start = chrono::NaiveDate::from_ymd_opt(year, 1, 1);
    let end = chrono::NaiveDate::from_ymd_opt(year, 12, 31);
    if let (Some(start), Some(end)) = (start.and_then(|s| s.pred_opt()), end) {
        out.push('\n');
        out.push_str(&format!(
            "全年工作日：{} 天",
            calendar.working_days_between(start, end)
        ));
        out.push('\n');
    }
    std::io::stdout().write_all(out.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}

/// Pads `text` with spaces to `width` terminal columns (CJK characters take two, Latin and
/// punctuation such as "·" one); a longer text (抗战胜利70周年纪念日) keeps one space after it.
fn pad(text: &str, width: usize) -> String {
    let used: usize = text
        .chars()
        .map(|c| if u32::from(c) < 0x1100 { 1 } else { 2 })
        .sum();
    let spaces = match width.saturating_sub(used) {
        0 if !text.is_empty() => 1,
        n => n,
    };
    format!("{text}{}", " ".repeat(spaces))
}
