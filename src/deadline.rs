//! `gongkai deadline`: the reply due date of one request, or of a batch of JSON lines.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use chrono::{Datelike, NaiveDate};
use clap::Args;
use gongkai_workflow::clock::{ClockInput, Pause, StartReason, reply_due, statutory_due};
use gongkai_workflow::{PauseKind, StatuteProfile, parse_date};
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
    /// A pause FROM:TO[:KIND]: the working days after FROM up to and including TO are not
    /// counted, if the statute profile excludes that kind (third_party, other_agency, fee, or
    /// other, the default; cn-2008 excludes only third_party). Repeat for several.
    #[arg(long = "pause", value_parser = pause_arg, value_name = "FROM:TO[:KIND]", requires = "received")]
    pauses: Vec<(NaiveDate, NaiveDate, PauseKind)>,
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
    /// A pause may name its kind as a third element ("third_party", …); "statute" picks a
    /// profile for one line. A bad line is answered {"line":N,"error":"…"}.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["received", "corrected", "pauses", "extended", "json"])]
    batch: Option<PathBuf>,
}

/// Years the clock accepts: the Regulations date from 2008 (in force 2008-05-01, the first
/// year of the calendar); far-future dates are typos.
const YEARS: std::ops::RangeInclusive<i32> = 2008..=2199;

fn date_value(s: &str) -> Result<NaiveDate, String> {
    let date = parse_date(s)
        .ok_or_else(|| format!("\"{s}\" is not a valid date (expected YYYY-MM-DD)"))?;
    if date.year() < *YEARS.start() {
        return Err(format!(
            "\"{s}\" is before {}: the Regulations on Open Government Information took effect \
             on 2008-05-01 and gongkai counts no earlier date",
            YEARS.start()
        ));
    }
    if !YEARS.contains(&date.year()) {
        return Err(format!(
            "\"{s}\" is outside the years gongkai counts ({}–{})",
            YEARS.start(),
            YEARS.end()
        ));
    }
    Ok(date)
}

fn date_arg(s: &str) -> Result<NaiveDate, String> {
    date_value(s)
}

fn pause_kind(s: &str) -> Result<PauseKind, String> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| format!("\"{s}\" is not a pause kind (third_party, other_agency, fee, other)"))
}

fn pause_arg(s: &str) -> Result<(NaiveDate, NaiveDate, PauseKind), String> {
    let mut parts = s.splitn(3, ':');
    let (Some(a), Some(b)) = (parts.next(), parts.next()) else {
        return Err(format!("\"{s}\" is not a pause (expected FROM:TO[:KIND])"));
    };
    let (from, to) = (date_arg(a)?, date_arg(b)?);
    if to < from {
        return Err(format!("pause \"{s}\" ends before it starts"));
    }
    let kind = parts.next().map_or(Ok(PauseKind::Other), pause_kind)?;
    Ok((from, to, kind))
}

pub fn run(args: &DeadlineArgs, law: &Law) -> anyhow::Result<ExitCode> {
    if let Some(path) = &args.batch {
        return batch(path, args.statute.as_deref(), law);
    }
    let Some(received) = args.received else {
        bail!("--received or --batch is required");
    };
    let profile = profile(law, args.statute.as_deref(), received)?;
    let original_receipt = args.corrected.map(|_| received);
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
        original_receipt,
        pauses: args
            .pauses
            .iter()
            .map(|(from, to, kind)| Pause {
                kind: *kind,
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

fn named_profile<'a>(law: &'a Law, id: &str) -> anyhow::Result<&'a StatuteProfile> {
    law.statute.profile(id).with_context(|| {
        format!(
            "unknown statute profile \"{id}\" (known: {})",
            law.statute.ids().join(", ")
        )
    })
}

fn profile<'a>(
    law: &'a Law,
    id: Option<&str>,
    received: NaiveDate,
) -> anyhow::Result<&'a StatuteProfile> {
    match id {
        Some(id) => named_profile(law, id),
        None => law.statute.profile_for(received).with_context(|| {
            match law.statute.first_receipt_date() {
                Some(first) if received < first => format!(
                    "no statute profile applies to a request received on {received}: the \
                     earliest applies from {first} (the Regulations took effect that day)"
                ),
                _ => format!("no statute profile applies to a request received on {received}"),
            }
        }),
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
    pauses: Option<Vec<Vec<Cow<'a, str>>>>,
    #[serde(default)]
    extended: Option<bool>,
    #[serde(default, borrow)]
    statute: Option<Cow<'a, str>>,
}

fn field_date(value: &str, field: &str) -> Result<NaiveDate, String> {
    date_value(value).map_err(|e| format!("{field}: {e}"))
}

/// serde_json's message without its "at line 1 column N" (every batch line is line 1 to it):
/// the column alone.
fn json_problem(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => format!("{}, at column {}", &text[..i], e.column()),
        None => text,
    }
}

/// Computes one batch line; the error says what is wrong and where in the line.
fn batch_line(
    line: &str,
    law: &Law,
    forced: Option<&StatuteProfile>,
    pauses: &mut Vec<(NaiveDate, NaiveDate)>,
) -> Result<(NaiveDate, bool), String> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() {
        return Err("empty line: expected a JSON object".to_owned());
    }
    if !trimmed.starts_with('{') {
        return Err("expected a JSON object such as {\"received\":\"2026-01-30\"}".to_owned());
    }
    let req: BatchLine =
        serde_json::from_str(line).map_err(|e| format!("invalid JSON: {}", json_problem(&e)))?;
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
    for (i, pause) in req.pauses.iter().flatten().enumerate() {
        let [a, b, rest @ ..] = pause.as_slice() else {
            return Err(format!(
                "pauses[{i}]: expected [FROM, TO] or [FROM, TO, KIND], got {} element(s)",
                pause.len()
            ));
        };
        let from = field_date(a, &format!("pauses[{i}][0]"))?;
        let to = field_date(b, &format!("pauses[{i}][1]"))?;
        if to < from {
            return Err(format!(
                "pauses[{i}]: ends ({to}) before it starts ({from})"
            ));
        }
        let kind = match rest {
            [] => PauseKind::Other,
            [kind] => pause_kind(kind).map_err(|e| format!("pauses[{i}][2]: {e}"))?,
            _ => return Err(format!("pauses[{i}]: more than three elements")),
        };
        if profile.excludes(kind) {
            pauses.push((from, to));
        }
    }
    let extended = req.extended.unwrap_or(false);
    Ok(statutory_due(
        &law.calendar,
        profile,
        start,
        extended,
        pauses,
    ))
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

/// Longest batch line accepted (bytes); a request object is about 150.
const MAX_LINE: u64 = 64 * 1024;

fn batch(path: &PathBuf, statute: Option<&str>, law: &Law) -> anyhow::Result<ExitCode> {
    let forced = statute.map(|id| named_profile(law, id)).transpose()?;
    let reader: Box<dyn Read> = if path.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(path).with_context(|| format!("cannot open {}", path.display()))?)
    };
    let mut reader = BufReader::with_capacity(1 << 20, reader);
    let name = path.display().to_string();
    let mut out = BufWriter::with_capacity(1 << 20, io::stdout().lock());
    let mut buf = Vec::with_capacity(256);
    let mut pauses = Vec::new();
    let (mut lines, mut failed) = (0u64, 0u64);
    loop {
        buf.clear();
        let read = (&mut reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut buf)
            .with_context(|| format!("cannot read {name}"))?;
        if read == 0 {
            break;
        }
        lines += 1;
        let too_long = buf.len() > MAX_LINE as usize && !buf.ends_with(b"\n");
        if too_long {
            // Skip the rest of the line without holding it in memory.
            reader
                .skip_until(b'\n')
                .with_context(|| format!("cannot read {name}"))?;
        }
        let raw = buf.strip_suffix(b"\n").unwrap_or(&buf);
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let raw = if lines == 1 {
            raw.strip_prefix("\u{feff}".as_bytes()).unwrap_or(raw)
        } else {
            raw
        };
        let result = if too_long {
            Err(format!("line longer than {MAX_LINE} bytes"))
        } else {
            match std::str::from_utf8(raw) {
                Ok(line) => batch_line(line, law, forced, &mut pauses),
                Err(e) => Err(format!("not UTF-8: {e}")),
            }
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
                write!(out, "{{\"line\":{lines},\"error\":")?;
                serde_json::to_writer(&mut out, &problem)?;
                out.write_all(b"}\n")?;
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
