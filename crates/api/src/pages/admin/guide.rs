//! The guide's text (办事指南), as admins edit it.

use actix_web::http::StatusCode;
use actix_web::web;
use askama::Template;
use gongkai_workflow::Channel;

use crate::body::parse_value;
use crate::error::ApiError;
use crate::pages::public::Choice;
use crate::pages::{AdminPage, Chrome, FormBody, FormState, Visitor, WebResult};
use crate::service::guide::{Guide, GuideChannel};
use crate::service::{admin, filing};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin/guide.html")]
pub(super) struct GuidePage {
    chrome: Chrome,
    form: FormState,
    channels: Vec<Choice>,
    /// How many channel rows the form has.
    rows: Vec<usize>,
}

pub(super) fn guide_form_of(g: &Guide) -> FormState {
    let mut f = FormState::with(&[
        ("title", &g.title),
        ("office_hours", &g.office_hours),
        ("fees", &g.fees),
        ("deadlines", &g.deadlines),
        ("process", &g.process.join("\n")),
        ("contacts", &g.contacts.join("\n")),
    ]);
    for (i, c) in g.channels.iter().enumerate() {
        f.set(&format!("channel{i}"), c.channel.as_str().to_owned());
        f.set(&format!("label{i}"), c.label.clone());
        f.set(&format!("address{i}"), c.address.clone());
    }
    f
}

pub(super) fn guide_page(
    visitor: &Visitor,
    form: FormState,
    status: StatusCode,
    flash: Option<&str>,
) -> WebResult {
    let mut chrome = visitor.chrome("办事指南");
    chrome.flash = flash.map(str::to_owned);
    visitor.render(
        status,
        &GuidePage {
            chrome,
            form,
            channels: Channel::ALL
                .iter()
                .map(|c| Choice {
                    value: c.as_str().to_owned(),
                    label: c.label_zh().to_owned(),
                })
                .collect(),
            rows: (0..8).collect(),
        },
    )
}

pub async fn guide_form(state: web::Data<AppState>, page: AdminPage) -> WebResult {
    let visitor = &page.visitor;
    let g = filing::guide(&state).await?;
    guide_page(visitor, guide_form_of(&g), StatusCode::OK, None)
}

pub(super) fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub async fn save_guide(state: web::Data<AppState>, page: AdminPage, body: FormBody) -> WebResult {
    let visitor = &page.visitor;
    let mut form = body.0;
    visitor.check(&form)?;
    let mut channels = Vec::new();
    for i in 0..8 {
        let label = form.v(&format!("label{i}")).trim().to_owned();
        let address = form.v(&format!("address{i}")).trim().to_owned();
        let key = form.v(&format!("channel{i}")).to_owned();
        if label.is_empty() && address.is_empty() {
            continue;
        }
        let Some(channel) = Channel::parse(&key) else {
            form.add_error(&format!("channel{i}"), "请选择渠道");
            continue;
        };
        channels.push(GuideChannel {
            channel,
            label,
            address,
        });
    }
    let guide = Guide {
        title: form.v("title").trim().to_owned(),
        channels,
        office_hours: form.v("office_hours").trim().to_owned(),
        contacts: lines(form.v("contacts")),
        fees: form.v("fees").trim().to_owned(),
        process: lines(form.v("process")),
        deadlines: form.v("deadlines").trim().to_owned(),
    };
    // The same checks as the API's PUT /admin/guide.
    let checked = serde_json::to_value(&guide)
        .map_err(ApiError::internal)
        .and_then(parse_value::<Guide>);
    let result = match checked {
        Ok(g) if !form.has_errors() => admin::save_guide(&state, &page.caller, g).await.map(|_| ()),
        Ok(_) => Err(ApiError::invalid(Vec::new())),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => guide_page(visitor, form, StatusCode::OK, Some("办事指南已保存")),
        Err(e) if e.status.is_client_error() => {
            if !e.errors.is_empty() {
                form.absorb(&e, "");
            }
            guide_page(visitor, form, e.status, None)
        }
        Err(e) => Err(e.into()),
    }
}
