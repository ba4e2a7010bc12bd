//! Notice templates as admins edit them: the list, one template, saving, resetting, and the
//! preview for a sample case. Text from a browser form arrives with CRLF line ends; every text
//! is normalised to LF here, for the API and the pages alike.

use actix_web::web;
use gongkai_mailer::NoticeContext;
use gongkai_mailer::templates::{self, Template, TemplateError, Templates};
use gongkai_workflow::NoticeKind;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Admin;
use crate::error::{ApiError, ApiResult, FieldError};
use crate::state::{AppState, db};

/// A template's text as saved and rendered: line ends normalised to LF.
pub fn text(subject: &str, body: &str) -> Template {
    Template {
        subject: subject.replace("\r\n", "\n"),
        body: body.replace("\r\n", "\n"),
    }
}

/// 404 unless `key` names a notice template.
pub fn known(key: &str) -> ApiResult<()> {
    if templates::keys().iter().any(|k| k == key) {
        Ok(())
    } else {
        Err(ApiError::not_found())
    }
}

/// A template error as a field error on `subject` or `body`, with the line.
fn refused(e: TemplateError) -> ApiError {
    let message = match e.line {
        Some(line) => format!("第 {line} 行：{}", e.reason),
        None => e.reason,
    };
    ApiError::invalid(vec![FieldError {
        path: e.part.to_owned(),
        message,
    }])
}

/// Every template in force.
pub async fn list(state: &web::Data<AppState>, _: &Admin) -> ApiResult<Vec<TemplateView>> {
    let set = db(state, |conn, _| Ok(Templates::load(conn)?)).await?;
    Ok(templates::keys()
        .into_iter()
        .filter_map(|key| {
            let t = set.get(&key)?;
            Some(TemplateView {
                overridden: set.is_overridden(&key),
                subject: t.subject.clone(),
                body: t.body.clone(),
                key,
            })
        })
        .collect())
}

/// The template `key` in force.
pub async fn get(state: &web::Data<AppState>, _: &Admin, key: String) -> ApiResult<TemplateView> {
    known(&key)?;
    db(state, move |conn, _| {
        let set = Templates::load(conn)?;
        let t = set.get(&key).cloned().ok_or_else(ApiError::not_found)?;
        Ok(TemplateView {
            overridden: set.is_overridden(&key),
            subject: t.subject,
            body: t.body,
            key,
        })
    })
    .await
}

/// Replaces the template `key` with `template` (checked first).
pub async fn save(
    state: &web::Data<AppState>,
    admin: &Admin,
    key: String,
    template: Template,
) -> ApiResult<TemplateView> {
    known(&key)?;
    let template = text(&template.subject, &template.body);
    let by = admin.user.id.clone();
    db(state, move |conn, _| {
        templates::save_override(conn, &key, &template, &by)?.map_err(refused)?;
        Ok(TemplateView {
            key,
            subject: template.subject,
            body: template.body,
            overridden: true,
        })
    })
    .await
}

/// Puts the shipped default of `key` back in force.
pub async fn reset(state: &web::Data<AppState>, _: &Admin, key: String) -> ApiResult<()> {
    known(&key)?;
    db(state, move |conn, _| {
        templates::reset_override(conn, &key)?;
        Ok(())
    })
    .await
}

/// `template` as the notice `key` for a sample case (a footer is previewed under an
/// acknowledgment). Nothing is stored.
pub fn preview(_: &Admin, key: String, template: Template) -> ApiResult<PreviewView> {
    known(&key)?;
    let template = text(&template.subject, &template.body);
    templates::validate(&key, &template).map_err(refused)?;
    let kind = NoticeKind::from_key(&key).unwrap_or(NoticeKind::Acknowledgment);
    let set = Templates::with_overrides([(key, template)].into());
    let r = set
        .render(kind, &NoticeContext::sample(kind))
        .map_err(refused)?;
    Ok(PreviewView::from(r))
}

/// A template as admins see it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TemplateView {
    pub key: String,
    pub subject: String,
    pub body: String,
    /// Whether an admin replaced the shipped default.
    pub overridden: bool,
}

/// A rendered notice.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PreviewView {
    pub subject: String,
    pub body: String,
}
