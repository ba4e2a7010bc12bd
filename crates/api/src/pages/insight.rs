//! Monthly statistics with charts, and frequent requests with supervisors' marks, as pages and
//! CSV downloads (supervisors and admins).

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use chrono::{Datelike, NaiveDate, Utc};
use gongkai_workflow::outcome::OutcomeKind;
use serde::Deserialize;

use super::public::Choice;
use super::{Chrome, FormBody, FormState, SupervisorPage, Visitor, WebError, WebResult, see_other};
use crate::auth::Supervisor;
use crate::error::ApiError;
use crate::routes::insight::{
    FrequentGroups, FrequentQuery, MarkView, MonthRow, NewMark, StatsQuery,
};
use crate::service::directory::Directory;
use crate::service::{cases, insight};
use crate::state::AppState;

/// A CSV field, quoted when it must be. Text that a spreadsheet would take for a formula
/// (starting with = + - @) gets a leading apostrophe: request texts come from the public.
pub fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

/// A CSV download: UTF-8 with a byte-order mark, so that Excel on Chinese Windows reads it as
/// UTF-8 rather than GBK.
pub fn csv_response(visitor: &Visitor, filename: &str, body: String) -> WebResult {
    Ok(visitor
        .respond(StatusCode::OK)
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(format!("\u{FEFF}{body}")))
}

/// The departments the caller may pick, with names.
async fn department_choices(
    state: &web::Data<AppState>,
    c: &Supervisor,
) -> Result<(Vec<Choice>, Directory), WebError> {
    let dir = cases::directory(state).await?;
    let mut out: Vec<Choice> = dir
        .departments_of(c)
        .map(|(_, code, name)| Choice {
            value: code.to_owned(),
            label: name.to_owned(),
        })
        .collect();
    out.sort_by(|a, b| a.value.cmp(&b.value));
    Ok((out, dir))
}

fn blank(v: &Option<String>) -> Option<String> {
    v.as_ref()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

// ---------------------------------------------------------------------------------------
// Monthly statistics

#[derive(Debug, Deserialize)]
pub struct StatsParams {
    #[serde(default)]
    year: Option<String>,
    #[serde(default)]
    department: Option<String>,
}

/// One department's year on the page.
pub struct DepartmentStats {
    pub name: String,
    /// Months 1–12, then the year: label, figures, outcomes in the report's order.
    pub rows: Vec<(String, MonthRow, Vec<u64>)>,
    pub chart: String,
}

#[derive(Template)]
#[template(path = "staff/stats.html")]
struct StatsPage {
    chrome: Chrome,
    form: FormState,
    departments: Vec<Choice>,
    stats: Vec<DepartmentStats>,
    outcome_labels: Vec<&'static str>,
    csv_link: String,
}

/// The outcome columns' headers, in the order the figures list them.
fn outcome_labels() -> Vec<&'static str> {
    OutcomeKind::ALL.iter().map(|k| k.label_zh()).collect()
}

/// A bar chart of received (grey, hatched) and replied (blue) per month, with the late replies
/// in red and striped on top of the replied bars, as SVG (no scripts, no styles: the page's
/// CSP allows it inline). The series differ by pattern and place as well as colour, each at
/// least 3:1 against the white ground, and a legend names them. `key` makes the patterns' ids
/// unique on a page of several charts.
pub fn month_chart(rows: &[MonthRow], key: &str) -> String {
    let (w, h, left, bottom) = (640.0_f64, 200.0_f64, 36.0_f64, 24.0_f64);
    let max = rows
        .iter()
        .filter(|r| r.month > 0)
        .map(|r| r.received.max(r.replied))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let slot = (w - left) / 12.0;
    let scale = (h - bottom - 26.0) / max;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"100%\" role=\"img\" aria-label=\"各月收到与答复件数\">"
    );
    svg.push_str(&format!(
        "<defs><pattern id=\"{key}-received\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#7b8794\"/><rect width=\"2\" height=\"6\" fill=\"#fff\"/></pattern><pattern id=\"{key}-late\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"4\"><rect width=\"6\" height=\"4\" fill=\"#c0392b\"/><rect width=\"6\" height=\"1\" fill=\"#fff\"/></pattern></defs>"
    ));
    let legend = [
        (format!("url(#{key}-received)"), "收到（斜纹，每月左柱）"),
        ("#1f5fa8".to_owned(), "答复（实心，每月右柱）"),
        (
            format!("url(#{key}-late)"),
            "其中逾期答复（横纹，右柱顶端）",
        ),
    ];
    for (i, (fill, label)) in legend.iter().enumerate() {
        let x = 60.0 + 190.0 * i as f64;
        svg.push_str(&format!(
            "<rect x=\"{x}\" y=\"4\" width=\"12\" height=\"12\" fill=\"{fill}\" stroke=\"#333\" stroke-width=\"0.5\"/><text x=\"{}\" y=\"14\" font-size=\"11\" fill=\"#333\">{label}</text>",
            x + 16.0
        ));
    }
    svg.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{y}\" x2=\"{w}\" y2=\"{y}\" stroke=\"#555\"/>",
        y = h - bottom
    ));
    svg.push_str(&format!(
        "<text x=\"2\" y=\"30\" font-size=\"11\" fill=\"#333\">{}</text>",
        max as u64
    ));
    for m in 1..=12u32 {
        let x = left + slot * f64::from(m - 1);
        let row = rows.iter().find(|r| r.month == m);
        let (received, replied, late) = row.map_or((0, 0, 0), |r| (r.received, r.replied, r.late));
        let bar = |x: f64, n: u64, fill: &str, label: &str| -> String {
            let bh = n as f64 * scale;
            format!(
                "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{fill}\"><title>{m}月{label} {n} 件</title></rect>",
                h - bottom - bh,
                slot * 0.38
            )
        };
        svg.push_str(&bar(
            x + slot * 0.08,
            received,
            &format!("url(#{key}-received)"),
            "收到",
        ));
        svg.push_str(&bar(x + slot * 0.5, replied, "#1f5fa8", "答复"));
        if late > 0 {
            svg.push_str(&bar(
                x + slot * 0.5,
                late,
                &format!("url(#{key}-late)"),
                "逾期答复",
            ));
        }
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#333\">{m}月</text>",
            x + slot / 2.0,
            h - 6.0
        ));
    }
    svg.push_str("</svg>");
    svg
}

async fn stats_of(
    state: &web::Data<AppState>,
    c: &Supervisor,
    p: StatsParams,
) -> Result<(i32, Vec<DepartmentStats>, FormState, Vec<Choice>), WebError> {
    let year = match blank(&p.year) {
        None => gongkai_workflow::clock::legal_date(Utc::now()).year(),
        Some(y) => y
            .parse::<i32>()
            .map_err(|_| WebError(ApiError::bad_request("年份须为整数，如 2025")))?,
    };
    let department = blank(&p.department);
    let figures = insight::monthly(
        state,
        c,
        StatsQuery {
            year: Some(year),
            department: department.clone(),
        },
    )
    .await?;
    let (choices, dir) = department_choices(state, c).await?;
    let mut by_department: Vec<DepartmentStats> = Vec::new();
    let mut codes: Vec<String> = figures.rows.iter().map(|r| r.department.clone()).collect();
    codes.dedup();
    for (n, code) in codes.into_iter().enumerate() {
        let rows: Vec<MonthRow> = figures
            .rows
            .iter()
            .filter(|r| r.department == code)
            .cloned()
            .collect();
        let chart = month_chart(&rows, &format!("chart{n}"));
        let ordered = |r: &MonthRow| -> Vec<u64> {
            OutcomeKind::ALL
                .iter()
                .map(|k| r.outcomes.get(k.as_str()).copied().unwrap_or(0))
                .collect()
        };
        let mut labelled: Vec<(String, MonthRow, Vec<u64>)> = rows
            .iter()
            .filter(|r| r.month > 0)
            .map(|r| (format!("{}月", r.month), r.clone(), ordered(r)))
            .collect();
        if let Some(y) = rows.iter().find(|r| r.month == 0) {
            labelled.push(("全年".to_owned(), y.clone(), ordered(y)));
        }
        by_department.push(DepartmentStats {
            name: dir.department(&code),
            rows: labelled,
            chart,
        });
    }
    let form = FormState::with(&[
        ("year", &year.to_string()),
        ("department", department.as_deref().unwrap_or("")),
    ]);
    Ok((figures.year, by_department, form, choices))
}

pub async fn stats_page(
    state: web::Data<AppState>,
    page: SupervisorPage,
    params: web::Query<StatsParams>,
) -> WebResult {
    let p = params.into_inner();
    let link = format!(
        "/staff/stats.csv?year={}&department={}",
        super::form::percent_encode(p.year.as_deref().unwrap_or("")),
        super::form::percent_encode(p.department.as_deref().unwrap_or(""))
    );
    let SupervisorPage { visitor, caller } = page;
    let (year, stats, form, departments) = stats_of(&state, &caller, p).await?;
    visitor.render(
        StatusCode::OK,
        &StatsPage {
            chrome: visitor.chrome(format!("{year} 年办理统计")),
            form,
            departments,
            stats,
            outcome_labels: outcome_labels(),
            csv_link: link,
        },
    )
}

pub async fn stats_csv(
    state: web::Data<AppState>,
    page: SupervisorPage,
    params: web::Query<StatsParams>,
) -> WebResult {
    let SupervisorPage { visitor, caller } = page;
    let (year, stats, _, _) = stats_of(&state, &caller, params.into_inner()).await?;
    let mut out = format!(
        "部门,月份,收到,办结,答复,按期答复,逾期答复,平均答复工作日,答复工作日第90百分位,{}\n",
        outcome_labels().join(",")
    );
    for d in &stats {
        for (label, r, outcomes) in &d.rows {
            let outcomes: Vec<String> = outcomes.iter().map(u64::to_string).collect();
            out.push_str(&format!(
                "{},{label},{},{},{},{},{},{},{},{}\n",
                csv_field(&d.name),
                r.received,
                r.concluded,
                r.replied,
                r.on_time,
                r.late,
                r.avg_working_days
                    .map_or(String::new(), |v| format!("{v:.1}")),
                r.p90_working_days.map_or(String::new(), |v| v.to_string()),
                outcomes.join(",")
            ));
        }
    }
    csv_response(&visitor, &format!("statistics-{year}.csv"), out)
}

// ---------------------------------------------------------------------------------------
// Frequent requests

#[derive(Debug, Deserialize)]
pub struct FrequentParams {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    min: Option<String>,
    #[serde(default)]
    department: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/frequent.html")]
struct FrequentPage {
    chrome: Chrome,
    form: FormState,
    departments: Vec<Choice>,
    found: FrequentGroups,
    marks: Vec<MarkView>,
    csv_link: String,
    /// The group whose mark failed, with the error.
    failed: Option<(usize, String)>,
}

impl FrequentPage {
    fn failed_for(&self, group: &usize) -> Option<&str> {
        self.failed
            .as_ref()
            .filter(|f| f.0 == *group)
            .map(|f| f.1.as_str())
    }

    fn case_ids(&self, group: &usize) -> String {
        self.found
            .groups
            .get(*group)
            .map(|g| {
                g.requests
                    .iter()
                    .map(|r| r.case_id.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .unwrap_or_default()
    }
}

fn parse_date(field: &str, v: &Option<String>) -> Result<Option<NaiveDate>, WebError> {
    match blank(v) {
        None => Ok(None),
        Some(s) => gongkai_workflow::parse_date(&s).map(Some).ok_or_else(|| {
            WebError(ApiError::field(
                field,
                format!("日期“{s}”无效，格式如 2025-01-31"),
            ))
        }),
    }
}

fn frequent_query(p: &FrequentParams) -> Result<FrequentQuery, WebError> {
    Ok(FrequentQuery {
        from: parse_date("from", &p.from)?,
        to: parse_date("to", &p.to)?,
        min: match blank(&p.min) {
            None => None,
            Some(m) => Some(
                m.parse::<usize>()
                    .map_err(|_| WebError(ApiError::field("min", "最少件数须为整数")))?,
            ),
        },
        department: blank(&p.department),
    })
}

fn frequent_link(found: &FrequentGroups, department: &str) -> String {
    format!(
        "/staff/frequent.csv?from={}&to={}&min={}&department={}",
        found.from,
        found.to,
        found.min,
        super::form::percent_encode(department)
    )
}

async fn frequent_render(
    state: &web::Data<AppState>,
    page: &SupervisorPage,
    p: FrequentParams,
    failed: Option<(usize, String)>,
    status: StatusCode,
) -> WebResult {
    let (visitor, c) = (&page.visitor, &page.caller);
    let found = insight::frequent(state, c, frequent_query(&p)?).await?;
    let marks = insight::marks(state, c).await?;
    let (departments, _) = department_choices(state, c).await?;
    let department = blank(&p.department).unwrap_or_default();
    let form = FormState::with(&[
        ("from", &found.from.to_string()),
        ("to", &found.to.to_string()),
        ("min", &found.min.to_string()),
        ("department", &department),
    ]);
    let csv_link = frequent_link(&found, &department);
    visitor.render(
        status,
        &FrequentPage {
            chrome: visitor.chrome("多次申请"),
            form,
            departments,
            found,
            marks,
            csv_link,
            failed,
        },
    )
}

pub async fn frequent_page(
    state: web::Data<AppState>,
    page: SupervisorPage,
    params: web::Query<FrequentParams>,
) -> WebResult {
    frequent_render(&state, &page, params.into_inner(), None, StatusCode::OK).await
}

/// Marks a group (the form carries the period, the group's cases and the note).
pub async fn mark(state: web::Data<AppState>, page: SupervisorPage, body: FormBody) -> WebResult {
    let form = body.0;
    page.visitor.check(&form)?;
    let params = FrequentParams {
        from: Some(form.v("from").to_owned()),
        to: Some(form.v("to").to_owned()),
        min: Some(form.v("min").to_owned()),
        department: Some(form.v("department").to_owned()),
    };
    let group: usize = form.v("group").parse().unwrap_or(0);
    let q = frequent_query(&params)?;
    let (Some(from), Some(to)) = (q.from, q.to) else {
        return Err(WebError(ApiError::field("from", "缺少统计期间")));
    };
    let m = NewMark {
        from,
        to,
        case_ids: form
            .v("case_ids")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        note: form.v("note").to_owned(),
    };
    let mut errors = Vec::new();
    crate::body::Validate::validate(&m, &mut errors);
    if let Some(e) = errors.first() {
        let message = if e.path == "note" {
            "请填写建议说明（最多 2000 字）".to_owned()
        } else {
            e.message.clone()
        };
        return frequent_render(
            &state,
            &page,
            params,
            Some((group, message)),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    insight::add_mark(&state, &page.caller, m).await?;
    Ok(see_other(&format!(
        "/staff/frequent?from={from}&to={to}&min={}&department={}",
        super::form::percent_encode(form.v("min")),
        super::form::percent_encode(form.v("department"))
    )))
}

pub async fn frequent_csv(
    state: web::Data<AppState>,
    page: SupervisorPage,
    params: web::Query<FrequentParams>,
) -> WebResult {
    let SupervisorPage { visitor, caller: c } = page;
    let found = insight::frequent(&state, &c, frequent_query(&params.into_inner())?).await?;
    let marks = insight::marks(&state, &c).await?;
    let mut out = "组,件数,申请人数,申请编号,收到日期,状态,申请内容,建议主动公开\n".to_owned();
    for (i, g) in found.groups.iter().enumerate() {
        let marked: Vec<String> = g.marks.iter().map(|m| m.note.clone()).collect();
        for r in &g.requests {
            out.push_str(&format!(
                "{},{},{},{},{},{},{},{}\n",
                i + 1,
                g.size,
                g.applicants,
                csv_field(r.tracking_number.as_deref().unwrap_or("")),
                r.received,
                r.status,
                csv_field(&r.description),
                csv_field(&marked.join("；"))
            ));
        }
    }
    out.push_str("\n建议主动公开的标记\n标记日期,期间起,期间止,件数,代表性申请内容,建议说明\n");
    for m in &marks {
        out.push_str(&format!(
            "{},{},{},{},{},{}\n",
            gongkai_store::dates::legal_date_of(m.marked_at).format("%Y-%m-%d"),
            m.period_from,
            m.period_to,
            m.case_ids.len(),
            csv_field(&m.representative),
            csv_field(&m.note)
        ));
    }
    csv_response(
        &visitor,
        &format!("frequent-{}-{}.csv", found.from, found.to),
        out,
    )
}
