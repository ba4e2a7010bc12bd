//! gongkai-api: the REST API under /api/v1 (actix-web), its authentication and its OpenAPI
//! document, and the web pages (`pages`) served by the same app, both over one service layer
//! (`service`). Handlers and pages are thin: they parse, authorize (role extractors) and call
//! the service; every change to a case goes through `gongkai_store::execute`.

pub mod auth;
pub mod body;
pub mod cache;
pub mod download;
pub mod error;
pub mod export;
pub mod headers;
pub mod jobs;
pub mod metrics;
pub mod openapi;
pub mod pages;
pub mod routes;
pub mod service;
pub mod state;
pub mod views;

use std::net::TcpListener;
use std::time::Instant;

use actix_web::dev::{Server, Service};
use actix_web::{App, HttpResponse, HttpServer, ResponseError, web};
use utoipa::OpenApi;
use utoipa_actix_web::{AppExt, scope};

pub use state::{ApiSettings, AppState, Law};

use crate::error::ApiError;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "gongkai API",
        description = "依申请公开办理系统接口：申请、查询、登记、办理、审核、答复、归档。Errors are RFC 9457 problem+json with a stable `code`.",
        version = "1"
    ),
    tags(
        (name = "public", description = "办事指南、在线申请、凭查询码查询"),
        (name = "account", description = "账号与会话"),
        (name = "cases", description = "登记与办理"),
        (name = "supervision", description = "审核与电子监察"),
        (name = "insight", description = "检索、统计、年度报告、多次申请"),
        (name = "notices", description = "通知：发送记录、重发、打印"),
        (name = "admin", description = "系统管理"),
        (name = "operations", description = "运行状态")
    ),
    components(schemas(
        gongkai_workflow::model::ReleaseItem,
        gongkai_workflow::model::ReleasedFile,
        gongkai_workflow::model::ReleaseForm
    ))
)]
struct ApiDoc;

/// The routes of /api/v1, registered with the OpenAPI document as they are mounted.
fn api_scope() -> utoipa_actix_web::scope::Scope<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    use routes::*;
    scope("/api/v1")
        .service(public::guide)
        .service(public::file_request)
        .service(public::lookup)
        .service(public::correction)
        .service(public::withdrawal)
        .service(admin::agencies)
        .service(admin::list_departments)
        .service(account::register)
        .service(account::login)
        .service(account::current)
        .service(account::logout)
        .service(account::change_password)
        .service(account::my_requests)
        .service(account::my_request)
        .service(cases::create)
        .service(cases::queue)
        .service(cases::show)
        .service(cases::act)
        .service(cases::upload)
        .service(cases::list_attachments)
        .service(cases::download)
        .service(release::lookup_file)
        .service(release::lookup_letter)
        .service(release::my_file)
        .service(release::my_letter)
        .service(release::retrievals)
        .service(release::package)
        .service(redaction::layout)
        .service(redaction::page)
        .service(redaction::proposals)
        .service(redaction::start)
        .service(redaction::job)
        .service(cases::fee_preview)
        .service(supervision::reviews)
        .service(supervision::dashboard)
        .service(insight::search_cases)
        .service(insight::monthly)
        .service(insight::annual)
        .service(insight::annual_published)
        .service(insight::publish_annual)
        .service(insight::frequent)
        .service(insight::create_mark)
        .service(insight::list_marks)
        .service(insight::case_similar)
        .service(admin::create_agency)
        .service(admin::set_agency_remedy)
        .service(admin::create_department)
        .service(admin::users)
        .service(admin::create_user)
        .service(admin::change_user)
        .service(admin::show_calendar)
        .service(admin::upload_calendar)
        .service(admin::put_guide)
        .service(mail::list)
        .service(mail::retry_failed)
        .service(mail::retry)
        .service(mail::of_case)
        .service(mail::print)
        .service(mail::pdf)
        .service(mail::list_templates)
        .service(mail::put_template)
        .service(mail::reset_template)
        .service(mail::preview_template)
        .service(ops::openapi)
        .service(public::reading_room)
}

/// The OpenAPI document of the API as mounted, as utoipa derives it from the types.
pub(crate) fn derived_openapi() -> utoipa::openapi::OpenApi {
    let (_, doc) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .service(api_scope())
        .service(routes::ops::healthz)
        .service(routes::ops::readyz)
        .service(routes::ops::metrics)
        .split_for_parts();
    doc
}

/// The OpenAPI document as served, with the default attachment types: the derived document
/// refined with every limit the server enforces (see [`openapi::refine`]).
pub fn openapi() -> serde_json::Value {
    let types = gongkai_store::attachments::Limits::default().content_types;
    openapi_for(&types)
}

/// The OpenAPI document as served by a server accepting attachments of `upload_types`.
pub fn openapi_for(upload_types: &[String]) -> serde_json::Value {
    use chrono::Datelike;
    let mut doc = serde_json::to_value(derived_openapi()).unwrap_or_default();
    let this_year = gongkai_workflow::clock::legal_date(chrono::Utc::now()).year();
    let missed = openapi::refine(&mut doc, upload_types, this_year);
    if !missed.0.is_empty() {
        tracing::warn!(missed = ?missed.0, "OpenAPI refinements without a target");
    }
    doc
}

fn query_error(
    err: actix_web::error::QueryPayloadError,
    _: &actix_web::HttpRequest,
) -> actix_web::Error {
    let text = match &err {
        actix_web::error::QueryPayloadError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    ApiError::unreadable_parameters("查询参数", &text).into()
}

fn path_error(err: actix_web::error::PathError, _: &actix_web::HttpRequest) -> actix_web::Error {
    let text = match &err {
        actix_web::error::PathError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    ApiError::unreadable_parameters("路径参数", &text).into()
}

/// Whether a raw (percent-encoded) path or query holds a control character, literally or as
/// %00–%1F / %7F.
fn has_control_character(raw: &str) -> bool {
    let b = raw.as_bytes();
    b.iter().any(|c| c.is_ascii_control())
        || b.windows(3).any(|w| {
            w[0] == b'%'
                && (((w[1] == b'0' || w[1] == b'1') && w[2].is_ascii_hexdigit())
                    || (w[1] == b'7' && (w[2] == b'f' || w[2] == b'F')))
        })
}

/// What no route answered: 405 with `Allow` for a documented path asked with a method it does
/// not take, else 404 (a page for browsers).
async fn no_route(req: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    let allowed = req
        .app_data::<web::Data<openapi::Methods>>()
        .and_then(|m| m.allowed(req.path()));
    if let Some(allowed) = allowed {
        let allow = allowed.join(", ");
        let mut res = ApiError::new(
            error::ErrorCode::MethodNotAllowed,
            format!("{} 不支持 {} 方法，可用：{allow}", req.path(), req.method()),
        )
        .error_response();
        if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&allow) {
            res.headers_mut()
                .insert(actix_web::http::header::ALLOW, value);
        }
        return Ok(res);
    }
    if pages::wants_html(&req) {
        return Ok(pages::not_found_page());
    }
    Err(ApiError::not_found())
}

/// Starts the HTTP server on `listener` with `workers` worker threads. Stops gracefully on
/// SIGTERM/SIGINT: in-flight requests finish (up to 30 s), new connections are refused.
pub fn server(
    state: std::sync::Arc<AppState>,
    listener: TcpListener,
    workers: usize,
) -> std::io::Result<Server> {
    let state = web::Data::from(state);
    let doc = web::Data::new(openapi_for(&state.settings.attachment_limits.content_types));
    let server = HttpServer::new(move || app(state.clone(), doc.clone()))
        .workers(workers.max(1))
        .shutdown_timeout(SHUTDOWN_GRACE_SECONDS)
        // Signals are handled in `run`, which bounds the graceful shutdown.
        .disable_signals()
        .listen(listener)?
        .run();
    Ok(server)
}

/// The whole application (API, pages, middleware) over `state`, as each server worker runs
/// it; in-process tests drive it with `actix_web::test::init_service`. `doc` is the OpenAPI
/// document as served ([`openapi_for`] the accepted upload types), built once and shared.
pub fn app(
    state: web::Data<AppState>,
    doc: web::Data<serde_json::Value>,
) -> App<
    impl actix_web::dev::ServiceFactory<
        actix_web::dev::ServiceRequest,
        Config = (),
        Response = actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let (app, _) = App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .app_data(state.clone())
        .app_data(web::Data::new(openapi::Methods::of(&doc)))
        .app_data(doc)
        .app_data(web::QueryConfig::default().error_handler(query_error))
        .app_data(web::PathConfig::default().error_handler(path_error))
        .service(api_scope())
        .service(routes::ops::healthz)
        .service(routes::ops::readyz)
        .service(routes::ops::metrics)
        .split_for_parts();
    let metrics_state = state.clone();
    let https = state.settings.secure_cookies;
    app.app_data(web::FormConfig::default().limit(body::MAX_JSON_BYTES))
        .configure(pages::configure)
        .default_service(web::to(no_route))
        .wrap_fn(move |req, srv| {
            let started = Instant::now();
            // Known methods only: made-up ones must not create new metric series.
            let method = match req.method().as_str() {
                m @ ("GET" | "POST" | "PUT" | "DELETE" | "HEAD" | "OPTIONS" | "PATCH") => m,
                _ => "other",
            }
            .to_owned();
            let state = metrics_state.clone();
            // A control character in the path or the query (%00 and the like) is refused
            // before any handler or database sees it.
            let refused = has_control_character(req.uri().path())
                || req.uri().query().is_some_and(has_control_character);
            // Refused with a response (not an error), so that it passes through the
            // security headers' middleware like any other.
            let fut = match refused {
                true => Err(req.error_response(ApiError::bad_request("地址中含有控制字符"))),
                false => Ok(srv.call(req)),
            };
            async move {
                let fut = match fut {
                    Ok(fut) => fut,
                    Err(refusal) => return Ok(refusal),
                };
                let res = fut.await?.map_into_boxed_body();
                let route = res
                    .request()
                    .match_pattern()
                    .unwrap_or_else(|| "unmatched".to_owned());
                state.metrics.observe(
                    &method,
                    &route,
                    res.status().as_u16(),
                    started.elapsed().as_secs_f64(),
                );
                Ok(res)
            }
        })
        // Outermost: every response gets the security headers (handlers' errors are
        // responses by now; the middleware above answers with responses too).
        .wrap_fn(move |req, srv| {
            let fut = srv.call(req);
            async move {
                let mut res = fut.await?;
                headers::apply(res.headers_mut(), https);
                Ok(res)
            }
        })
}

/// How long requests in flight may take to finish after SIGTERM.
const SHUTDOWN_GRACE_SECONDS: u64 = 30;

/// Runs a server on a new actix system (for a synchronous `main`) until it ends or SIGTERM /
/// SIGINT arrives; then requests in flight get `SHUTDOWN_GRACE_SECONDS` to finish, and `run`
/// returns at the latest a few seconds after that, even if a worker never reports back (seen
/// once under a fuzzing load: the process then hung after SIGTERM).
pub fn run(server: Server) -> std::io::Result<()> {
    actix_web::rt::System::new().block_on(async move {
        let handle = server.handle();
        let mut running = actix_web::rt::spawn(server);
        let mut terminate =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            ended = &mut running => return ended.map_err(std::io::Error::other)?,
            _ = terminate.recv() => tracing::info!("SIGTERM received; finishing requests in flight"),
            _ = tokio::signal::ctrl_c() => tracing::info!("interrupted; finishing requests in flight"),
        }
        let bound = std::time::Duration::from_secs(SHUTDOWN_GRACE_SECONDS + 5);
        if tokio::time::timeout(bound, handle.stop(true)).await.is_err() {
            tracing::warn!("the HTTP workers did not stop in time; stopping anyway");
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    /// Every route a handler declares (`#[get("…")]` and friends in src/routes) is in the
    /// OpenAPI document, under the prefix it is mounted at.
    #[test]
    fn every_route_is_in_the_openapi_document() {
        let doc = super::openapi();
        let sources = [
            ("/api/v1", include_str!("routes/public.rs")),
            ("/api/v1", include_str!("routes/account.rs")),
            ("/api/v1", include_str!("routes/cases.rs")),
            ("/api/v1", include_str!("routes/supervision.rs")),
            ("/api/v1", include_str!("routes/insight.rs")),
            ("/api/v1", include_str!("routes/admin.rs")),
            ("/api/v1", include_str!("routes/mail.rs")),
            ("/api/v1", include_str!("routes/release.rs")),
            ("/api/v1", include_str!("routes/redaction.rs")),
            ("", include_str!("routes/ops.rs")),
        ];
        let mut checked = 0;
        for (prefix, source) in sources {
            for line in source.lines() {
                let line = line.trim();
                for method in ["get", "post", "put", "delete"] {
                    let Some(rest) = line.strip_prefix(&format!("#[{method}(\"")) else {
                        continue;
                    };
                    let path = rest.split('"').next().unwrap_or_default();
                    // ops.rs mounts openapi.json inside /api/v1.
                    let full = if path == "/openapi.json" {
                        format!("/api/v1{path}")
                    } else {
                        format!("{prefix}{path}")
                    };
                    let has = doc["paths"][&full][method].is_object();
                    assert!(
                        has,
                        "{} {full} is missing from the OpenAPI document",
                        method.to_uppercase()
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 30, "only {checked} routes found");
        assert_eq!(
            checked,
            doc["paths"]
                .as_object()
                .unwrap()
                .values()
                .map(|i| ["get", "post", "put", "delete", "patch"]
                    .iter()
                    .filter(|m| i[**m].is_object())
                    .count())
                .sum::<usize>(),
            "the document has operations no handler declares"
        );
    }

    /// Every refinement of the document (a limit, a pattern, a rule between fields) finds the
    /// schema or parameter it is about: renaming a field or a route without updating
    /// `openapi.rs` fails here instead of silently dropping the limit.
    #[test]
    fn every_refinement_finds_its_target() {
        let mut doc = serde_json::to_value(super::derived_openapi()).unwrap();
        let missed = super::openapi::refine(&mut doc, &["application/pdf".to_owned()], 2026);
        assert!(missed.0.is_empty(), "{:?}", missed.0);
        // A few that must be there, from the constants the validation uses.
        let s = &doc["components"]["schemas"];
        assert_eq!(
            s["NewAgency"]["properties"]["name"]["maxLength"],
            crate::body::limits::NAME
        );
        assert_eq!(s["Applicant"]["properties"]["name"]["minLength"], 1);
        assert!(s["UserChange"]["allOf"].is_array());
        let upload = &doc["paths"]["/api/v1/cases/{id}/attachments"]["post"]["requestBody"];
        assert!(upload["content"]["application/pdf"].is_object());
        assert!(upload["content"]["*/*"].is_null());
    }

    /// The 405 answer: documented paths name their methods, others are unknown (404).
    #[actix_web::test]
    async fn undeclared_methods_answer_405_with_allow() {
        use actix_web::test;
        let methods = actix_web::web::Data::new(super::openapi::Methods::of(&super::openapi()));
        let app = test::init_service(
            super::App::new()
                .app_data(methods)
                .default_service(super::web::to(super::no_route)),
        )
        .await;
        let call = |method: &str, path: &str| {
            test::TestRequest::default()
                .method(actix_web::http::Method::from_bytes(method.as_bytes()).unwrap())
                .uri(path)
                .to_request()
        };
        let res = test::call_service(&app, call("TRACE", "/api/v1/cases")).await;
        assert_eq!(res.status(), 405);
        assert_eq!(res.headers().get("allow").unwrap(), "GET, POST");
        assert_eq!(
            res.headers().get("content-type").unwrap(),
            "application/problem+json"
        );
        let body: serde_json::Value = test::read_body_json(res).await;
        assert_eq!(body["code"], "method_not_allowed");
        let res = test::call_service(&app, call("GET", "/api/v1/cases/x/actions/archive")).await;
        assert_eq!(res.status(), 405);
        assert_eq!(res.headers().get("allow").unwrap(), "POST");
        let res = test::call_service(&app, call("DELETE", "/healthz")).await;
        assert_eq!(res.status(), 405);
        for unknown in [
            "/api/v1/nothing",
            "/api/v1/cases/x/y/z",
            "/api/v1/cases//notices",
        ] {
            let res = test::call_service(&app, call("TRACE", unknown)).await;
            assert_eq!(res.status(), 404, "{unknown}");
        }
    }

    /// Every `$ref` of the document points at a schema it defines.
    #[test]
    fn every_reference_resolves() {
        fn refs(v: &serde_json::Value, out: &mut Vec<String>) {
            match v {
                serde_json::Value::Object(m) => {
                    for (k, x) in m {
                        match (k.as_str(), x) {
                            ("$ref", serde_json::Value::String(r)) => out.push(r.clone()),
                            _ => refs(x, out),
                        }
                    }
                }
                serde_json::Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
                _ => {}
            }
        }
        let doc = super::openapi();
        let mut all = Vec::new();
        refs(&doc, &mut all);
        assert!(!all.is_empty());
        for r in all {
            let name = r.trim_start_matches("#/components/schemas/");
            assert!(
                doc["components"]["schemas"][name].is_object(),
                "{r} does not resolve"
            );
        }
    }
}
