//! The queue of a clerk or supervisor, with its filters and full-text search.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use gongkai_workflow::{Status, WarningLevel};
use serde::Deserialize;

use super::{Row, row_of, status_label, today};
use crate::pages::form::percent_encode;
use crate::pages::public::Choice;
use crate::pages::{Chrome, FormState, StaffPage, WebResult};
use crate::service::cases::QueueQuery;
use crate::service::cases::{self, Statuses};
use crate::service::insight;
use crate::state::AppState;

#[derive(Debug, Clone, Deserialize)]
pub struct QueueParams {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    warning_level: Option<String>,
    #[serde(default)]
    department: Option<String>,
    #[serde(default)]
    assignee: Option<String>,
    #[serde(default)]
    after: Option<String>,
    /// Full-text search words: the page lists the best matches instead of the queue.
    #[serde(default)]
    q: Option<String>,
    #[serde(default)]
    offset: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/queue.html")]
struct QueuePage {
    chrome: Chrome,
    form: FormState,
    searching: bool,
    rows: Vec<Row>,
    next: Option<String>,
    departments: Vec<Choice>,
    statuses: Vec<Choice>,
    warning_levels: Vec<Choice>,
}

/// The warning levels to filter by, the most urgent first.
fn warning_levels() -> Vec<Choice> {
    WarningLevel::ALL
        .iter()
        .rev()
        .map(|w| Choice {
            value: w.as_str().to_owned(),
            label: w.label_zh().to_owned(),
        })
        .collect()
}

fn blank(v: &Option<String>) -> Option<String> {
    v.as_ref().filter(|s| !s.trim().is_empty()).cloned()
}

pub async fn queue(
    state: web::Data<AppState>,
    page: StaffPage,
    params: web::Query<QueueParams>,
) -> WebResult {
    let StaffPage { visitor, caller: c } = page;
    let mut p = params.into_inner();
    let words = blank(&p.q);
    if words.is_some() && p.status.is_none() {
        // A search looks at every case unless a status is chosen.
        p.status = Some("all".to_owned());
    }
    let status = match blank(&p.status).as_deref() {
        None | Some("open") => Some(Statuses::Open.param()),
        Some("all") => Some(Statuses::All.param()),
        Some(s) => Some(s.to_owned()),
    };
    let q = QueueQuery {
        department: blank(&p.department),
        assignee: blank(&p.assignee),
        status,
        warning_level: blank(&p.warning_level),
        after: blank(&p.after),
        limit: Some(50),
    };
    let mut search_error = None;
    let offset: i64 = blank(&p.offset)
        .and_then(|o| o.parse().ok())
        .unwrap_or(0)
        .clamp(0, 10_000);
    let (items, next_after, next_offset) = match &words {
        None => {
            let filter = cases::queue_filter(&c, &q, None)?;
            let result = cases::page(&state, filter, q.after.as_deref(), Some(50)).await?;
            (result.items, result.next, None)
        }
        Some(text) => match insight::search_terms(text) {
            Err(e) => {
                search_error = Some(e);
                (Vec::new(), None, None)
            }
            Ok(_) => {
                let found = insight::search(
                    &state,
                    &c,
                    crate::service::insight::SearchQuery {
                        q: text.clone(),
                        department: q.department.clone(),
                        assignee: q.assignee.clone(),
                        status: q.status.clone(),
                        warning_level: q.warning_level.clone(),
                        limit: Some(50),
                        offset: Some(offset),
                    },
                )
                .await?;
                (
                    found.items.into_iter().map(|h| h.case).collect(),
                    None,
                    found.next_offset,
                )
            }
        },
    };
    let dir = cases::directory(&state).await?;
    let law = state.law();
    let t = today();
    let mut departments: Vec<Choice> = dir
        .departments_of(&c)
        .map(|(_, code, name)| Choice {
            value: code.to_owned(),
            label: name.to_owned(),
        })
        .collect();
    departments.sort_by(|a, b| a.value.cmp(&b.value));
    let next_param = next_after
        .map(|n| format!("after={}", percent_encode(&n)))
        .or(next_offset.map(|o| format!("offset={o}")));
    let next = next_param.map(|first| {
        let mut parts = vec![first];
        for (k, v) in [
            ("status", &p.status),
            ("warning_level", &p.warning_level),
            ("department", &p.department),
            ("assignee", &p.assignee),
            ("q", &p.q),
        ] {
            if let Some(v) = blank(v) {
                parts.push(format!("{k}={}", percent_encode(&v)));
            }
        }
        format!("/staff/queue?{}", parts.join("&"))
    });
    let mut form = FormState::with(&[
        ("status", p.status.as_deref().unwrap_or("open")),
        ("warning_level", p.warning_level.as_deref().unwrap_or("")),
        ("department", p.department.as_deref().unwrap_or("")),
        ("assignee", p.assignee.as_deref().unwrap_or("")),
        ("q", p.q.as_deref().unwrap_or("")),
    ]);
    if let Some(e) = search_error {
        form.add_error("q", e);
    }
    // The open ones, each open status, the two ends of a reply, everything.
    let mut statuses = vec![Choice {
        value: "open".to_owned(),
        label: "全部在办".to_owned(),
    }];
    for s in Status::OPEN
        .into_iter()
        .chain([Status::Replied, Status::Archived])
    {
        statuses.push(Choice {
            value: s.as_str().to_owned(),
            label: status_label(s).to_owned(),
        });
    }
    statuses.push(Choice {
        value: "all".to_owned(),
        label: "全部".to_owned(),
    });
    let title = if words.is_some() {
        "检索结果"
    } else if p.status.as_deref() == Some(Status::UnderReview.as_str()) {
        "待审核"
    } else {
        "办理队列"
    };
    visitor.render(
        StatusCode::OK,
        &QueuePage {
            chrome: visitor.chrome(title),
            form,
            searching: words.is_some(),
            rows: items
                .into_iter()
                .map(|s| row_of(s, &dir, &law, t))
                .collect(),
            next,
            departments,
            statuses,
            warning_levels: warning_levels(),
        },
    )
}
