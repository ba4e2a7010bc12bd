//! The supervision dashboard (电子监察): due-soon and overdue cases per department, and the
//! replies awaiting review.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use gongkai_workflow::WarningLevel;

use super::{Row, row_of, today};
use crate::pages::form::percent_encode;
use crate::pages::{Chrome, SupervisorPage, WebResult};
use crate::service::cases;
use crate::service::cases::QueueQuery;
use crate::state::AppState;
use crate::views::CaseSummary;

pub struct DepartmentLine {
    pub name: String,
    pub due_soon: i64,
    pub overdue: i64,
    /// The department's queue filtered to each level.
    pub due_soon_link: String,
    pub overdue_link: String,
}

/// The queue filtered to `level`, of one department or of the whole scope.
fn queue_link(department: Option<&str>, level: WarningLevel) -> String {
    match department {
        Some(code) => format!(
            "/staff/queue?department={}&warning_level={}",
            percent_encode(code),
            level.as_str()
        ),
        None => format!("/staff/queue?warning_level={}", level.as_str()),
    }
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage {
    chrome: Chrome,
    departments: Vec<DepartmentLine>,
    due_soon: i64,
    overdue: i64,
    due_soon_label: &'static str,
    overdue_label: &'static str,
    due_soon_link: String,
    overdue_link: String,
    overdue_rows: Vec<Row>,
    due_soon_rows: Vec<Row>,
    reviews: Vec<Row>,
    /// Online filings awaiting confirmation longer than `awaiting_days` working days.
    awaiting: i64,
    awaiting_days: u32,
    awaiting_rows: Vec<Row>,
}

pub async fn dashboard(state: web::Data<AppState>, page: SupervisorPage) -> WebResult {
    let SupervisorPage { visitor, caller: c } = page;
    let board = cases::dashboard(&state, &c).await?;
    let reviews = cases::reviews(
        &state,
        &c,
        QueueQuery {
            department: None,
            assignee: None,
            status: None,
            warning_level: None,
            after: None,
            limit: Some(50),
        },
    )
    .await?;
    let dir = cases::directory(&state).await?;
    let law = state.law();
    let t = today();
    // Every department in scope, with zeros where nothing is due soon or overdue.
    let departments = dir
        .departments_of(&c)
        .map(|(_, code, name)| {
            let counts = board.departments.iter().find(|d| d.department == code);
            DepartmentLine {
                name: name.to_owned(),
                due_soon: counts.map_or(0, |d| d.due_soon),
                overdue: counts.map_or(0, |d| d.overdue),
                due_soon_link: queue_link(Some(code), WarningLevel::DueSoon),
                overdue_link: queue_link(Some(code), WarningLevel::Overdue),
            }
        })
        .collect();
    let rows = |items: Vec<CaseSummary>| -> Vec<Row> {
        items
            .into_iter()
            .map(|s| row_of(s, &dir, &law, t))
            .collect()
    };
    visitor.render(
        StatusCode::OK,
        &DashboardPage {
            chrome: visitor.chrome("电子监察"),
            departments,
            due_soon: board.due_soon,
            overdue: board.overdue,
            due_soon_label: WarningLevel::DueSoon.label_zh(),
            overdue_label: WarningLevel::Overdue.label_zh(),
            due_soon_link: queue_link(None, WarningLevel::DueSoon),
            overdue_link: queue_link(None, WarningLevel::Overdue),
            overdue_rows: rows(board.overdue_cases.items),
            due_soon_rows: rows(board.due_soon_cases.items),
            reviews: rows(reviews.items),
            awaiting: board.awaiting_registration,
            awaiting_days: board.awaiting_registration_days,
            awaiting_rows: rows(board.awaiting_registration_cases),
        },
    )
}
