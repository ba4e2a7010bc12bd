//! `gongkai calendar`: check a calendar file, show a year.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use clap::Subcommand;
use gongkai_workflow::Calendar;
use gongkai_workflow::clock::weekday_zh;

use crate::{Cli, Law};

#[derive(Subcommand)]
pub enum CalendarCommand {
    /// Validate a calendar file; every problem is listed with its year and entry.
    Check {
        /// The calendar file (TOML), e.g. config/calendars/cn.toml.
        file: PathBuf,
    },
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
    Ok(Calendar::from_toml_str(&path.display().to_string(), &text)?)
}

pub fn run(cmd: &CalendarCommand, cli: &Cli) -> anyhow::Result<ExitCode> {
    match cmd {
        CalendarCommand::Check { file } => {
            let calendar = load_file(file)?;
            let years = calendar.years();
            let (Some(first), Some(last)) = (years.first(), years.last()) else {
                println!("{}: OK, but it holds no year", file.display());
                return Ok(ExitCode::SUCCESS);
            };
            let holidays: usize = years.iter().map(|y| y.holidays.len()).sum();
            let makeup: usize = years.iter().map(|y| y.makeup.len()).sum();
            println!(
                "{}: OK — {} years ({}–{}), {holidays} holiday periods, {makeup} make-up working days",
                file.display(),
                years.len(),
                first.year,
                last.year
            );
            Ok(ExitCode::SUCCESS)
        }
        CalendarCommand::Show { year, toml } => {
            let law = Law::load(cli)?;
            show(&law.calendar, *year, *toml)
        }
    }
}

fn show(calendar: &Calendar, year: i32, as_toml: bool) -> anyhow::Result<ExitCode> {
    let Some(y) = calendar.year(year) else {
        let covered = match calendar.coverage() {
            Some((a, b)) => format!("{}–{}", a.format("%Y"), b.format("%Y")),
            None => "none".to_owned(),
        };
        bail!(
            "{year} is not in the calendar (covered years: {covered}); deadlines that touch {year} \
             are counted by the weekend rule alone and marked provisional until its holiday \
             notice is loaded"
        );
    };
    if as_toml {
        let single =
            Calendar::new(vec![y.clone()]).map_err(|issues| anyhow::anyhow!("{}", issues[0]))?;
        print!("{}", single.to_toml());
        return Ok(ExitCode::SUCCESS);
    }
    println!("{year} 年节假日安排");
    if let Some(source) = &y.source {
        println!("依据：{source}");
    }
    println!();
    println!("法定节假日：");
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
        println!(
            "  {}{span}，共 {days} 天，其中原工作日 {} 天",
            pad(&h.name, 12),
            h.weekdays_off()
        );
        if let Some(note) = &h.note {
            println!("  {}注：{note}", pad("", 12));
        }
    }
    println!();
    println!("调休上班：");
    for d in &y.makeup {
        println!("  {d}（{}）", weekday_zh(*d));
    }
    let start = chrono::NaiveDate::from_ymd_opt(year, 1, 1);
    let end = chrono::NaiveDate::from_ymd_opt(year, 12, 31);
    if let (Some(start), Some(end)) = (start.and_then(|s| s.pred_opt()), end) {
        println!();
        println!(
            "全年工作日：{} 天",
            calendar.working_days_between(start, end)
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Pads `text` with spaces to `width` terminal columns (CJK characters take two, Latin and
/// punctuation such as "·" one).
fn pad(text: &str, width: usize) -> String {
    let used: usize = text
        .chars()
        .map(|c| if u32::from(c) < 0x1100 { 1 } else { 2 })
        .sum();
    format!("{text}{}", " ".repeat(width.saturating_sub(used)))
}
