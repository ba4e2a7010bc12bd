//! Operations: readiness and the figures behind /metrics.

use actix_web::web;
use gongkai_store::{db as store_db, outbox, queries};

use crate::error::ApiResult;
use crate::state::{AppState, db};

/// Whether the database answers.
pub async fn ready(state: &web::Data<AppState>) -> ApiResult<()> {
    db(state, |conn, _| Ok(store_db::ping(conn)?)).await
}

/// Refreshes the gauges of cases by status and notices by status.
pub async fn refresh_gauges(state: &web::Data<AppState>) -> ApiResult<()> {
    let (counts, notices) = db(state, |conn, _| {
        Ok((queries::status_counts(conn)?, outbox::counts(conn)?))
    })
    .await?;
    state.metrics.set_cases(&counts);
    state.metrics.set_notices(&notices);
    Ok(())
}
