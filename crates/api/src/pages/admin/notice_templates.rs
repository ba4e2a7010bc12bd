//! Notice templates: the list, one template with its preview, saving and resetting.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;

use gongkai_mailer::variables::{VARIABLES, template_audience_zh, template_label_zh};

use crate::pages::{AdminPage, Chrome, FormBody, FormState, WebResult};
use crate::service::templates;
use crate::state::AppState;

pub struct TemplateLine {
    pub key: String,
    /// The template's name in Chinese (受理回执 …) and to whom its notices go.
    pub label: &'static str,
    pub audience: &'static str,
    pub subject: String,
    pub overridden: bool,
}

#[derive(Template)]
#[template(path = "admin/templates.html")]
pub(super) struct TemplatesPage {
    chrome: Chrome,
    items: Vec<TemplateLine>,
}

pub async fn templates(state: web::Data<AppState>, page: AdminPage) -> WebResult {
    let visitor = &page.visitor;
    let items = templates::list(&state, &page.caller)
        .await?
        .into_iter()
        .map(|t| TemplateLine {
            label: template_label_zh(&t.key).unwrap_or("（未知模板）"),
            audience: template_audience_zh(&t.key),
            key: t.key,
            subject: t.subject,
            overridden: t.overridden,
        })
        .collect();
    visitor.render(
        StatusCode::OK,
        &TemplatesPage {
            chrome: visitor.chrome("通知模板"),
            items,
        },
    )
}

#[derive(Template)]
#[template(path = "admin/template.html")]
pub(super) struct TemplatePage {
    chrome: Chrome,
    key: String,
    label: &'static str,
    audience: &'static str,
    variables: &'static [(&'static str, &'static str)],
    form: FormState,
    overridden: bool,
    preview: Option<(String, String)>,
}

pub(super) async fn template_page(
    state: &web::Data<AppState>,
    page: &AdminPage,
    key: String,
    form: Option<FormState>,
    preview: Option<(String, String)>,
    flash: Option<&str>,
    status: StatusCode,
) -> WebResult {
    let visitor = &page.visitor;
    let current = templates::get(state, &page.caller, key.clone()).await?;
    let overridden = current.overridden;
    let form = form.unwrap_or_else(|| {
        FormState::with(&[("subject", &current.subject), ("body", &current.body)])
    });
    let label = template_label_zh(&key).unwrap_or("（未知模板）");
    let mut chrome = visitor.chrome(format!("通知模板：{label}"));
    chrome.flash = flash.map(str::to_owned);
    visitor.render(
        status,
        &TemplatePage {
            chrome,
            audience: template_audience_zh(&key),
            key,
            label,
            variables: VARIABLES,
            form,
            overridden,
            preview,
        },
    )
}

pub async fn template_form(
    state: web::Data<AppState>,
    page: AdminPage,
    path: web::Path<String>,
) -> WebResult {
    let key = path.into_inner();
    template_page(&state, &page, key, None, None, None, StatusCode::OK).await
}

pub async fn save_template(
    state: web::Data<AppState>,
    page: AdminPage,
    path: web::Path<String>,
    body: FormBody,
) -> WebResult {
    let visitor = &page.visitor;
    let key = path.into_inner();
    let mut form = body.0;
    visitor.check(&form)?;
    let template = templates::text(form.v("subject"), form.v("body"));
    if form.raw("preview") == "1" {
        return match templates::preview(&page.caller, key.clone(), template) {
            Ok(r) => {
                template_page(
                    &state,
                    &page,
                    key,
                    Some(form),
                    Some((r.subject, r.body)),
                    None,
                    StatusCode::OK,
                )
                .await
            }
            Err(e) => {
                form.absorb(&e, "");
                template_page(
                    &state,
                    &page,
                    key,
                    Some(form),
                    None,
                    None,
                    StatusCode::UNPROCESSABLE_ENTITY,
                )
                .await
            }
        };
    }
    let saved = templates::save(&state, &page.caller, key.clone(), template).await;
    match saved {
        Ok(_) => {
            template_page(
                &state,
                &page,
                key,
                None,
                None,
                Some("模板已保存"),
                StatusCode::OK,
            )
            .await
        }
        Err(e) if e.status.is_client_error() => {
            form.absorb(&e, "");
            template_page(
                &state,
                &page,
                key,
                Some(form),
                None,
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn reset_template(
    state: web::Data<AppState>,
    page: AdminPage,
    path: web::Path<String>,
    body: FormBody,
) -> WebResult {
    let visitor = &page.visitor;
    let key = path.into_inner();
    visitor.check(&body.0)?;
    templates::reset(&state, &page.caller, key.clone()).await?;
    template_page(
        &state,
        &page,
        key,
        None,
        None,
        Some("已恢复为系统默认模板"),
        StatusCode::OK,
    )
    .await
}
