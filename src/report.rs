//! `gongkai report annual`: tables 三 (收到和处理政府信息公开申请情况) and 四 (行政复议、行政诉讼
//! 情况) of the annual report as CSV, HTML or Excel, computed from the events.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Subcommand, ValueEnum};
use gongkai_store::{Scope, accounts};
use gongkai_workflow::report::{AnnualReport, TABLE4_COLUMNS};

use crate::config::Config;
use crate::database;

#[derive(Subcommand)]
pub enum ReportCommand {
    /// Tables 三 and 四 of the annual report for a year (国办公开办函〔2021〕30号 layout).
    Annual {
        /// The report year, e.g. 2025.
        #[arg(long)]
        year: i32,
        /// Only this agency (its code); default: every agency of the installation.
        #[arg(long, value_name = "CODE")]
        agency: Option<String>,
        /// Only this department (its code).
        #[arg(long, value_name = "CODE")]
        department: Option<String>,
        #[arg(long, value_enum, default_value = "csv")]
        format: Format,
        /// Write here instead of standard output.
        #[arg(long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Count the report's tallies (which table 三 is summed from) again from every case's
    /// events and replace the stored ones; says how many stored rows differed, and fails when
    /// any did.
    Recount,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    Csv,
    Html,
    /// An Excel workbook (one sheet per table); needs --output unless standard output is
    /// redirected.
    Xlsx,
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn html(report: &AnnualReport, scope: &str) -> String {
    let t = &report.table3;
    let mut rows = String::new();
    for (row, label, counts) in t.rows() {
        let cells: String = counts.iter().map(|n| format!("<td>{n}</td>")).collect();
        rows.push_str(&format!(
            "<tr><th>{}</th><th class=\"label\">{}</th>{cells}</tr>\n",
            escape(&row),
            escape(&label)
        ));
    }
    format!(
        "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{year}年度政府信息公开工作年度报告 表三</title>\n\
<style>body{{font-family:\"SimSun\",\"Songti SC\",serif;margin:2em}}table{{border-collapse:collapse}}th,td{{border:1px solid #000;padding:4px 8px;text-align:center}}th.label{{text-align:left;font-weight:normal}}</style></head>\n\
<body><h1>三、收到和处理政府信息公开申请情况</h1><p>{scope} · {year} 年度</p>\n<table>\n\
<tr><th rowspan=\"2\" colspan=\"2\">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th><th rowspan=\"2\">自然人</th><th colspan=\"5\">法人或其他组织</th><th rowspan=\"2\">总计</th></tr>\n\
<tr><th>商业企业</th><th>科研机构</th><th>社会公益组织</th><th>法律服务机构</th><th>其他</th></tr>\n{rows}</table>\n\
<h1>四、政府信息公开行政复议、行政诉讼情况</h1>\n<table>\n\
<tr><th colspan=\"5\" rowspan=\"2\">行政复议</th><th colspan=\"10\">行政诉讼</th></tr>\n\
<tr><th colspan=\"5\">未经复议直接起诉</th><th colspan=\"5\">复议后起诉</th></tr>\n\
<tr>{heads}</tr>\n<tr>{cells}</tr>\n</table></body></html>\n",
        year = t.year,
        scope = escape(scope),
        heads = TABLE4_COLUMNS
            .iter()
            .map(|c| format!("<th>{c}</th>"))
            .collect::<String>()
            .repeat(3),
        cells = report
            .table4
            .cells()
            .iter()
            .map(|n| format!("<td>{n}</td>"))
            .collect::<String>(),
    )
}

pub fn run(cmd: &ReportCommand, config: &Config) -> anyhow::Result<ExitCode> {
    let ReportCommand::Annual {
        year,
        agency,
        department,
        format,
        output,
    } = cmd
    else {
        return recount(config);
    };
    if !(gongkai_workflow::report::FIRST_YEAR..=2100).contains(year) {
        anyhow::bail!(
            "--year {year}: annual reports start with {} (the first uniform format, 国办公开办函〔2019〕60号); expected a year between {} and 2100",
            gongkai_workflow::report::FIRST_YEAR,
            gongkai_workflow::report::FIRST_YEAR
        );
    }
    let (_, mut conn) = database::open_migrated(config)?;
    let agencies = accounts::agencies(&mut conn)?;
    let scope = match (agency, department) {
        (Some(a), _) => match agencies.iter().find(|x| &x.code == a) {
            Some(x) => x.name.clone(),
            None => anyhow::bail!(
                "--agency {a}: no such agency (known: {})",
                agencies
                    .iter()
                    .map(|x| x.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        },
        (None, _) => "全部机关".to_owned(),
    };
    if let Some(d) = department {
        let known = agencies.iter().try_fold(false, |found, a| {
            Ok::<_, gongkai_store::StoreError>(
                found
                    || accounts::departments_of(&mut conn, &a.code)?
                        .iter()
                        .any(|x| &x.code == d && agency.as_ref().is_none_or(|g| g == &a.code)),
            )
        })?;
        if !known {
            anyhow::bail!("--department {d}: no such department");
        }
    }
    let bar = database::progress(0, "counting")?;
    if matches!(format, Format::Xlsx)
        && output.is_none()
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
    {
        anyhow::bail!("--format xlsx: give --output FILE (a workbook is not for the terminal)");
    }
    let report = gongkai_store::report::annual(
        &mut conn,
        *year,
        agency.as_deref(),
        // The operator's command: every case, narrowed to the department asked for.
        &match department {
            Some(d) => Scope::operator().department(d),
            None => Scope::operator(),
        },
        config.report.counting(),
        |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )?;
    bar.finish_and_clear();
    let scope = match department {
        Some(d) => format!("{scope} {d}"),
        None => scope,
    };
    let bytes = match format {
        Format::Csv => report.to_csv().into_bytes(),
        Format::Html => html(&report, &scope).into_bytes(),
        Format::Xlsx => gongkai_api::export::annual_xlsx(&report, &scope)
            .map_err(|e| anyhow::anyhow!("cannot make the workbook: {e}"))?,
    };
    match output {
        Some(path) => std::fs::write(path, bytes)
            .map_err(|e| anyhow::anyhow!("cannot write {}: {e}", path.display()))?,
        None => std::io::stdout().write_all(&bytes)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// `gongkai report recount`.
fn recount(config: &Config) -> anyhow::Result<ExitCode> {
    let (url, mut conn) = database::open_migrated(config)?;
    let was_ready = gongkai_store::tallies::ready(&mut conn)?;
    let bar = database::progress(0, "counting the report's tallies")?;
    let done = gongkai_store::tallies::rebuild(&mut conn, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    println!(
        "{}: {} case(s) counted into {} tally row(s)",
        url.redacted(),
        done.cases,
        done.rows
    );
    if done.differed > 0 && was_ready {
        eprintln!(
            "error: {} stored tally row(s) differed from the events (now replaced): the \
             tallies were changed outside gongkai, or by a defect; reports published before \
             may need checking",
            done.differed
        );
        return Ok(ExitCode::FAILURE);
    }
    if was_ready {
        println!("every stored tally matched the events");
    } else {
        println!("the tallies were counted for the first time since migrating");
    }
    Ok(ExitCode::SUCCESS)
}
