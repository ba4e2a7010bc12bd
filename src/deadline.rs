//! `gongkai deadline`: the reply due date of one request, or of a batch of JSON lines.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::{Datelike, NaiveDate};
use clap::Args;
use gongkai_workflow::clock::{ClockInput, Pause, StartReason, reply_due};
use gongkai_workflow::{PauseKind, StatuteProfile, due_date, parse_date};
use serde::Deserialize;

use crate::Law;

#[derive(Args)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["received", "batch"]))]
pub struct DeadlineArgs {
    /// Receipt date of the request (收到申请之日), YYYY-MM-DD.
    #[arg(long, value_parser = date_arg, value_name = "DATE")]
    received: Option<NaiveDate>,
    /// Receipt date of the corrected request: the period runs afresh from it.
    #[arg(long, value_parser = date_arg, value_name = "DATE", requires = "received")]
    corrected: Option<NaiveDate>,
    /// A pause FROM:TO (e.g. a consultation): the working days after FROM up to and
    /// including TO are not counted. Repeat for several.
    #[arg(long = "pause", value_parser = pause_arg, value_name = "FROM:TO", requires = "received")]
    pauses: Vec<(NaiveDate, NaiveDate)>,
    /// The extension was approved: add the profile's extension period once.
    #[arg(long, requires = "received")]
    extended: bool,
    /// Statute profile (cn-2019, cn-2008); default: the one in force on the receipt date.
    #[arg(long, value_name = "ID")]
    statute: Option<String>,
    /// Print a JSON object instead of text.
    #[arg(long, requires = "received")]
    json: bool,
    /// Read one JSON object per line from FILE (`-` for standard input) and write one result
    /// per line: {"received":"2026-01-30","corrected":"2026-02-05",
    /// "pauses":[["2026-02-10","2026-02-20"]],"extended":true}; only "received" is required.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["received", "corrected", "pauses", "extended", "json"])]
    batch: Option<PathBuf>,
}

fn date_arg(s: &str) -> Result<NaiveDate, String> {
    parse_date(s).ok_or_else(|| format!("\"{s}\" is not a valid date (expected YYYY-MM-DD)"))
}

fn pause_arg(s: &str) -> Result<(NaiveDate, NaiveDate), String> {
    let Some((a, b)) = s.split_once(':') else {
        return Err(format!("\"{s}\" is not a pause (expected FROM:TO)"));
    };
    let (from, to) = (date_arg(a)?, date_arg(b)?);
    if to < from {
        return Err(format!("pause \"{s}\" ends before it starts"));
    }
    Ok((from, to))
}

pub fn run(args: &DeadlineArgs, law: &Law) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.batch {
        return batch(path, args.statute.as_deref(), law);
    }
    let Some(received) = args.received else {
        bail!("--received or --batch is required");
    };
    let profile = profile(law, args.statute.as_deref(), received)?;
    let start = match args.corrected {
        Some(c) if c < received => {
            bail!("--corrected {c} is before --received {received}")
        }
        Some(c) => (c, StartReason::Correction),
        None => (received, StartReason::Receipt),
    };
    let input = ClockInput {
        start: start.0,
        start_reason: start.1,
        pauses: args
            .pauses
            .iter()
            .map(|(from, to)| Pause {
                kind: PauseKind::Other,
                from: *from,
                to: Some(*to),
                about: None,
            })
            .collect(),
        extension_days: if args.extended {
            profile.extension_days
        } else {
            0
        },
        reasonable_date: None,
    };
    let due = reply_due(&law.calendar, profile, &input);
    let mut out = io::stdout().lock();
    if args.json {
        let value = serde_json::json!({
            "due": due.due,
            "provisional": due.provisional,
            "statute": profile.id,
            "explanation": due.explanation,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&value)?)?;
    } else {
        for line in &due.explanation.text_zh {
            writeln!(out, "{line}")?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn profile<'a>(
    law: &'a Law,
    id: Option<&str>,
    received: NaiveDate,
) -> anyhow::Result<&'a StatuteProfile> {
    match id {
        Some(id) => law.statute.profile(id).with_context(|| {
            format!(
                "unknown statute profile \"{id}\" (known: {})",
                law.statute.ids().join(", ")
            )
        }),
        None => law
            .statute
            .profile_for(received)
            .context("no statute profile applies to that receipt date"),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BatchLine<'a> {
    #[serde(borrow)]
    received: Cow<'a, str>,
    #[serde(default, borrow)]
    corrected: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    pauses: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    #[serde(default)]
    extended: bool,
    #[serde(default, borrow)]
    statute: Option<Cow<'a, str>>,
}

fn field_date(value: &str, field: &str) -> Result<NaiveDate, String> {
    parse_date(value)
        .ok_or_else(|| format!("{field}: \"{value}\" is not a valid date (YYYY-MM-DD)"))
}

/// Computes one batch line; the error says what is wrong and where in the line.
fn batch_line(
    line: &str,
    law: &Law,
    forced: Option<&StatuteProfile>,
    pauses: &mut Vec<(NaiveDate, NaiveDate)>,
) -> Result<(NaiveDate, bool), String> {
    if line.trim().is_empty() {
        return Err("empty line: expected a JSON object".to_owned());
    }
    let req: BatchLine = serde_json::from_str(line).map_err(|e| format!("invalid JSON: {e}"))?;
    let received = field_date(&req.received, "received")?;
    let profile = match (&req.statute, forced) {
        (Some(id), _) => law
            .statute
            .profile(id)
            .ok_or_else(|| format!("statute: unknown profile \"{id}\""))?,
        (None, Some(p)) => p,
        (None, None) => law
            .statute
            .profile_for(received)
            .ok_or_else(|| "received: no statute profile applies".to_owned())?,
    };
    let start = match &req.corrected {
        Some(c) => {
            let c = field_date(c, "corrected")?;
            if c < received {
                return Err(format!("corrected: {c} is before received {received}"));
            }
            c
        }
        None => received,
    };
    pauses.clear();
    for (i, (a, b)) in req.pauses.iter().enumerate() {
        let from = field_date(a, &format!("pauses[{i}][0]"))?;
        let to = field_date(b, &format!("pauses[{i}][1]"))?;
        if to < from {
            return Err(format!(
                "pauses[{i}]: ends ({to}) before it starts ({from})"
            ));
        }
        pauses.push((from, to));
    }
    if !profile.excludes(PauseKind::Other) {
        pauses.clear();
    }
    let start = if profile.first_day_counts {
        start.pred_opt().unwrap_or(start)
    } else {
        start
    };
    let days = profile.reply_days
        + if req.extended {
            profile.extension_days
        } else {
            0
        };
    Ok(due_date(&law.calendar, start, days, pauses))
}

fn write_date(out: &mut impl Write, d: NaiveDate) -> io::Result<()> {
    let y = d.year();
    let (m, day) = (d.month(), d.day());
    if (0..=9999).contains(&y) {
        let b = [
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
            b'-',
            b'0' + (m / 10) as u8,
            b'0' + (m % 10) as u8,
            b'-',
            b'0' + (day / 10) as u8,
            b'0' + (day % 10) as u8,
        ];
        out.write_all(&b)
    } else {
        write!(out, "{d}")
    }
}

fn batch(path: &PathBuf, statute: Option<&str>, law: &Law) -> anyhow::Result<ExitCode> {
    let forced = match statute {
        Some(id) => Some(law.statute.profile(id).with_context(|| {
            format!(
                "unknown statute profile \"{id}\" (known: {})",
                law.statute.ids().join(", ")
            )
        })?),
        None => None,
    };
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(path).with_context(|| format!("cannot open {}", path.display()))?)
    };
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let mut buf = Vec::with_capacity(256);
    let mut pauses = Vec::new();
    let (mut lines, mut failed) = (0u64, 0u64);
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        lines += 1;
        let raw = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let result = match std::str::from_utf8(raw) {
            Ok(line) => batch_line(line, law, forced, &mut pauses),
            Err(e) => Err(format!("not UTF-8: {e}")),
        };
        match result {
            Ok((due, provisional)) => {
                out.write_all(b"{\"due\":\"")?;
                write_date(&mut out, due)?;
                out.write_all(if provisional {
                    b"\",\"provisional\":true}\n"
                } else {
                    b"\",\"provisional\":false}\n"
                })?;
            }
            Err(problem) => {
                failed += 1;
                let value = serde_json::json!({ "line": lines, "error": problem });
                serde_json::to_writer(&mut out, &value)?;
                out.write_all(b"\n")?;
            }
        }
    }
    out.flush()?;
    if failed > 0 {
        eprintln!("error: {failed} of {lines} lines failed; see the objects with \"error\"");
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}
