//! Operations: readiness and the figures behind /metrics.

use actix_web::web;
use gongkai_store::{db as store_db, outbox, queries};

use crate::error::ApiResult;
use crate::state::{AppState, db, db_bulk};

/// Whether the database answers.
pub async fn ready(state: &web::Data<AppState>) -> ApiResult<()> {
    db(state, |conn, _| Ok(store_db::ping(conn)?)).await
}

/// Refreshes the gauges of cases by status and notices by status when they are older than
/// [`GAUGES_MAX_AGE`](crate::metrics::GAUGES_MAX_AGE): one count at a time, whoever asks.
pub async fn refresh_gauges(state: &web::Data<AppState>) -> ApiResult<()> {
    let mut counted = state.metrics.gauges_counted.lock().await;
    if counted.is_some_and(|at| at.elapsed() < crate::metrics::GAUGES_MAX_AGE) {
        return Ok(());
    }
    // Not bounded by the request's statement deadline on SQLite (seconds at 1,000,000 cases,
    // and at most once per GAUGES_MAX_AGE whoever scrapes); PostgreSQL still bounds each
    // statement.
    let (counts, notices) = db_bulk(state, |conn, _| {
        Ok((queries::status_counts(conn)?, outbox::counts(conn)?))
    })
    .await?;
    state.metrics.set_cases(&counts);
    state.metrics.set_notices(&notices);
    *counted = Some(std::time::Instant::now());
    Ok(())
}
