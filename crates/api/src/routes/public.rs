//! Public routes: the application guide, filing without an account, lookup by tracking number
//! and query code, correction and withdrawal by the code's holder.

use actix_web::{HttpResponse, get, post, web};
use gongkai_workflow::Command;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::MaybeCaller;
use crate::body::{Body, Validate, at_most, limits, required};
use crate::error::{ApiResult, FieldError, Problem};
use crate::service;
use crate::service::filing::{Filing, FilingReceipt, LookupKey};
use crate::service::guide::Guide;
use crate::state::AppState;
use crate::views::PublicCase;

#[utoipa::path(
    tag = "public",
    responses(
        (status = 200, body = Guide),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[get("/guide")]
pub async fn guide(state: web::Data<AppState>) -> ApiResult<web::Json<Guide>> {
    Ok(web::Json(service::filing::guide(&state).await?))
}

#[utoipa::path(
    tag = "public",
    request_body = Filing,
    responses(
        (status = 201, body = FilingReceipt),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/requests")]
pub async fn file_request(
    state: web::Data<AppState>,
    caller: MaybeCaller,
    body: Body<Filing>,
) -> ApiResult<HttpResponse> {
    // A logged-in applicant's request is linked to the account; staff file paper requests
    // through /cases.
    let receipt = service::filing::file(&state, caller.0, body.0).await?;
    Ok(HttpResponse::Created().json(receipt))
}

#[utoipa::path(
    tag = "public",
    request_body = LookupKey,
    responses(
        (status = 200, body = PublicCase),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/lookup")]
pub async fn lookup(
    state: web::Data<AppState>,
    body: Body<LookupKey>,
) -> ApiResult<web::Json<PublicCase>> {
    Ok(web::Json(
        service::filing::look_up(&state, body.0).await?.case,
    ))
}

/// A correction by the holder of the query code.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeCorrection {
    pub reference: String,
    pub query_code: String,
    /// The version of the request the applicant saw.
    pub version: u64,
    pub content: String,
}

impl Validate for CodeCorrection {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "reference", &self.reference, limits::REFERENCE);
        required(errors, "query_code", &self.query_code, limits::QUERY_CODE);
        required(errors, "content", &self.content, limits::CORRECTION);
    }
}

/// A command of the query code's holder: the key, the version seen, the command.
pub trait CodeAction {
    fn into_parts(self) -> (LookupKey, u64, Command);
}

impl CodeAction for CodeCorrection {
    fn into_parts(self) -> (LookupKey, u64, Command) {
        let key = LookupKey {
            reference: self.reference,
            query_code: self.query_code,
        };
        let command = Command::ReceiveCorrection {
            content: self.content,
            received_on: None,
            late_reason: None,
        };
        (key, self.version, command)
    }
}

impl CodeAction for CodeWithdrawal {
    fn into_parts(self) -> (LookupKey, u64, Command) {
        let key = LookupKey {
            reference: self.reference,
            query_code: self.query_code,
        };
        let command = Command::Withdraw {
            reason: self.reason,
            withdrawn_on: None,
        };
        (key, self.version, command)
    }
}

/// A withdrawal by the holder of the query code.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeWithdrawal {
    pub reference: String,
    pub query_code: String,
    pub version: u64,
    #[serde(default)]
    pub reason: Option<String>,
}

impl Validate for CodeWithdrawal {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "reference", &self.reference, limits::REFERENCE);
        required(errors, "query_code", &self.query_code, limits::QUERY_CODE);
        if let Some(r) = &self.reason {
            at_most(errors, "reason", r, limits::REASON);
        }
    }
}

#[utoipa::path(
    tag = "public",
    request_body = CodeCorrection,
    responses(
        (status = 200, body = PublicCase),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/lookup/correction")]
pub async fn correction(
    state: web::Data<AppState>,
    body: Body<CodeCorrection>,
) -> ApiResult<web::Json<PublicCase>> {
    let (key, version, command) = body.0.into_parts();
    Ok(web::Json(
        service::filing::act_with_code(&state, key, version, command)
            .await?
            .case,
    ))
}

#[utoipa::path(
    tag = "public",
    request_body = CodeWithdrawal,
    responses(
        (status = 200, body = PublicCase),
        (status = "default", body = Problem, content_type = "application/problem+json")
    )
)]
#[post("/lookup/withdrawal")]
pub async fn withdrawal(
    state: web::Data<AppState>,
    body: Body<CodeWithdrawal>,
) -> ApiResult<web::Json<PublicCase>> {
    let (key, version, command) = body.0.into_parts();
    Ok(web::Json(
        service::filing::act_with_code(&state, key, version, command)
            .await?
            .case,
    ))
}
