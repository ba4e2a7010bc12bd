//! Lookup by tracking number and query code, and the code holder's correction and
//! withdrawal.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use crate::error::ApiError;
use crate::pages::{Chrome, FormBody, FormState, Visitor, WebResult};
use crate::service::filing::{
    self, ApplicantOptions, ApplicantView, CodeAction, CodeCorrection, CodeWithdrawal, LookupKey,
};
use crate::state::AppState;
use crate::views::PublicCase;

#[derive(Template)]
#[template(path = "lookup.html")]
pub(super) struct LookupPage {
    chrome: Chrome,
    form: FormState,
}

pub async fn lookup_form(visitor: Visitor) -> WebResult {
    visitor.render(
        StatusCode::OK,
        &LookupPage {
            chrome: visitor.chrome("查询申请"),
            form: FormState::default(),
        },
    )
}

#[derive(Template)]
#[template(path = "request.html")]
pub(super) struct RequestPage {
    pub(super) chrome: Chrome,
    pub(super) view: PublicCase,
    /// What the applicant may still do (the service asks the workflow).
    pub(super) options: ApplicantOptions,
    /// The reference and code, carried by the correction and withdrawal forms (never in a URL).
    pub(super) key: Option<(String, String)>,
    pub(super) form: FormState,
    /// Printable notices of the reply (account holders only).
    pub(super) notices: Vec<(String, String)>,
    /// Shown to the account holder (forms post to /my/{id}/…) rather than to the code holder.
    pub(super) account: bool,
}

impl RequestPage {
    /// The day of a timeline entry: its legal date, else the day (Beijing time) it happened.
    fn day(&self, t: &crate::views::TimelineEntry) -> String {
        t.date
            .unwrap_or_else(|| gongkai_workflow::clock::legal_date(t.at))
            .to_string()
    }
    fn can_correct(&self) -> bool {
        self.options.correct
    }
    fn can_withdraw(&self) -> bool {
        self.options.withdraw
    }
}

pub(super) fn lookup_key(form: &FormState) -> LookupKey {
    LookupKey {
        reference: form.v("reference").trim().to_owned(),
        query_code: form.v("query_code").trim().to_owned(),
    }
}

pub async fn lookup(state: web::Data<AppState>, visitor: Visitor, body: FormBody) -> WebResult {
    let mut form = body.0;
    visitor.check(&form)?;
    let key = lookup_key(&form);
    let checked = form.parse::<LookupKey>(&[]);
    let found = match checked {
        Ok(_) => filing::look_up(&state, key.clone()).await,
        Err(e) => Err(e),
    };
    match found {
        Ok(seen) => visitor.render(
            StatusCode::OK,
            &RequestPage {
                chrome: visitor.chrome("申请办理情况"),
                view: seen.case,
                options: seen.options,
                key: Some((key.reference, key.query_code)),
                form: FormState::default(),
                notices: Vec::new(),
                account: false,
            },
        ),
        Err(e) if e.status.is_client_error() => {
            if e.status == StatusCode::NOT_FOUND {
                form.general
                    .push("没有找到与申请编号和查询码相符的申请，请核对后重试".to_owned());
            } else {
                form.absorb(&e, "");
            }
            visitor.render(
                e.status,
                &LookupPage {
                    chrome: visitor.chrome("查询申请"),
                    form,
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// After a correction or withdrawal by the code's holder: the request again, with the outcome.
pub(super) async fn after_code_action(
    state: web::Data<AppState>,
    visitor: Visitor,
    mut form: FormState,
    result: Result<ApplicantView, ApiError>,
    done: &str,
) -> WebResult {
    let key = lookup_key(&form);
    match result {
        Ok(seen) => {
            let mut chrome = visitor.chrome("申请办理情况");
            chrome.flash = Some(done.to_owned());
            visitor.render(
                StatusCode::OK,
                &RequestPage {
                    chrome,
                    view: seen.case,
                    options: seen.options,
                    key: Some((key.reference, key.query_code)),
                    form: FormState::default(),
                    notices: Vec::new(),
                    account: false,
                },
            )
        }
        Err(e) if e.status.is_client_error() && e.status != StatusCode::NOT_FOUND => {
            let status = e.status;
            form.absorb(&e, "");
            let seen = filing::look_up(&state, key.clone()).await?;
            visitor.render(
                status,
                &RequestPage {
                    chrome: visitor.chrome("申请办理情况"),
                    view: seen.case,
                    options: seen.options,
                    key: Some((key.reference, key.query_code)),
                    form,
                    notices: Vec::new(),
                    account: false,
                },
            )
        }
        Err(e) => Err(e.into()),
    }
}

/// A correction or withdrawal by the query code's holder, from the lookup page.
pub(super) async fn code_action<T>(
    state: web::Data<AppState>,
    visitor: Visitor,
    form: FormState,
    done: &str,
) -> WebResult
where
    T: CodeAction + serde::de::DeserializeOwned + crate::body::Validate,
{
    visitor.check(&form)?;
    let result = match form.parse::<T>(&[]) {
        Ok(b) => {
            let (key, version, command) = b.into_parts();
            filing::act_with_code(&state, key, version, command).await
        }
        Err(e) => Err(e),
    };
    after_code_action(state, visitor, form, result, done).await
}

pub async fn correction(state: web::Data<AppState>, visitor: Visitor, body: FormBody) -> WebResult {
    code_action::<CodeCorrection>(
        state,
        visitor,
        body.0,
        "补正材料已提交，答复期限自收到补正之日起重新计算。",
    )
    .await
}

pub async fn withdrawal(state: web::Data<AppState>, visitor: Visitor, body: FormBody) -> WebResult {
    code_action::<CodeWithdrawal>(state, visitor, body.0, "申请已撤回。").await
}
