//! One outbox row made ready to send: its addressees, its rendered text, the email, and the
//! printable page.

use std::collections::HashMap;
use std::time::SystemTime;

use gongkai_store::accounts::{self, User};
use gongkai_store::outbox::OutboxRow;
use gongkai_store::parties::{self, Parties};
use gongkai_store::{DbConnection, StoreError, StoreResult, events};
use gongkai_workflow::model::Delivery;
use gongkai_workflow::{Case, Event, Law, NoticeKind, Recipient, Role};
use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use minijinja::{Environment, context};

use crate::context::{NoticeContext, RemedyBodies, Source};
use crate::templates::{Rendered, TemplateError, Templates};

/// An outbox row, rendered, with whom to send it to.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kind: NoticeKind,
    pub recipient: Recipient,
    pub context: NoticeContext,
    pub rendered: Result<Rendered, TemplateError>,
    /// Email addresses found for the recipient (empty: print and deliver by other means).
    pub to: Vec<Mailbox>,
    /// Why no address was found, when `to` is empty.
    pub unaddressed: Option<String>,
}

pub fn parse_mailbox(s: &str) -> Result<Mailbox, String> {
    s.trim()
        .parse::<Mailbox>()
        .map_err(|e| format!("\"{s}\" is not an email address ({e})"))
}

/// Checks a bare email address (as staff and applicants enter it).
pub fn check_address(s: &str) -> Result<(), String> {
    s.parse::<lettre::Address>()
        .map(|_| ())
        .map_err(|e| format!("\"{s}\" is not an email address ({e})"))
}

fn json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> StoreResult<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("outbox {what}: {e}")))
}

/// Reads what the row needs from the database and renders it with `templates`.
pub fn prepare(
    conn: &mut DbConnection,
    row: &OutboxRow,
    templates: &Templates,
    law: &Law,
    base_url: &str,
) -> StoreResult<Prepared> {
    let history = events::load(conn, &row.case_id)?;
    let lookups = &mut Lookups::default();
    prepare_with_history(conn, row, &history, templates, law, base_url, lookups)
}

/// What the notices of one case read from the database, read once for all of them: the
/// names of its parties (see [`parties::Names`]) and the enabled staff of a department by
/// role. A page that shows every notice of a case (4–5 on most) renders them
/// with one `Lookups`; the database is not expected to change meanwhile.
#[derive(Default)]
pub struct Lookups {
    names: parties::Names,
    staff: HashMap<(String, Role), Vec<User>>,
}

impl Lookups {
    fn staff(
        &mut self,
        conn: &mut DbConnection,
        department: &str,
        role: Role,
    ) -> StoreResult<Vec<User>> {
        let key = (department.to_owned(), role);
        if let Some(found) = self.staff.get(&key) {
            return Ok(found.clone());
        }
        let found = accounts::enabled_staff_of(conn, department, role)?;
        self.staff.insert(key, found.clone());
        Ok(found)
    }
}

/// [`prepare`] with the events of the row's case already loaded (`history`, every event of
/// the case in order): a page showing several notices of one case loads them once.
pub fn prepare_with_history(
    conn: &mut DbConnection,
    row: &OutboxRow,
    history: &[Event],
    templates: &Templates,
    law: &Law,
    base_url: &str,
    lookups: &mut Lookups,
) -> StoreResult<Prepared> {
    let kind: NoticeKind = json("notice_kind", &row.notice_kind)?;
    let recipient: Recipient = json("recipient", &row.recipient)?;
    prepare_notice(
        conn,
        &Notice {
            case_id: &row.case_id,
            history,
            event_seq: row.event_seq,
            kind,
            recipient,
        },
        templates,
        law,
        base_url,
        lookups,
    )
}

/// A notice to render, stored in the outbox or not (yet).
pub struct Notice<'a> {
    pub case_id: &'a str,
    /// Every event of the case in order; for a preview, followed by the events a command
    /// would add.
    pub history: &'a [Event],
    /// The notice is rendered from the first `event_seq` events.
    pub event_seq: i64,
    pub kind: NoticeKind,
    pub recipient: Recipient,
}

/// [`prepare_with_history`] for a notice that need not be in the outbox: the reviewer's
/// preview of the reply letter an approval would send renders it from the case's events and
/// the approval not yet stored.
pub fn prepare_notice(
    conn: &mut DbConnection,
    notice: &Notice<'_>,
    templates: &Templates,
    law: &Law,
    base_url: &str,
    lookups: &mut Lookups,
) -> StoreResult<Prepared> {
    let (case_id, history, event_seq, kind) = (
        notice.case_id,
        notice.history,
        notice.event_seq,
        notice.kind,
    );
    let recipient = notice.recipient.clone();
    let seq = usize::try_from(event_seq).unwrap_or(0).min(history.len());
    let case = Case::from_events(&history[..seq]);
    let Parties {
        agency_name,
        reconsideration_body,
        court,
        department_code,
        department_name,
        assignee,
    } = lookups.names.of_case(
        conn,
        case_id,
        Some(case.department.as_str()).filter(|d| !d.is_empty()),
        case.assignee.as_deref(),
    )?;

    let mut recipient_name = None;
    let (to, unaddressed): (Vec<Mailbox>, Option<String>) = match &recipient {
        // The reply is delivered the way the applicant chose (获取方式): by email only when
        // they chose email; other notices go by email whenever an address was given.
        Recipient::Applicant
            if matches!(kind, NoticeKind::Reply(_))
                && case
                    .request
                    .as_ref()
                    .is_some_and(|r| !matches!(r.delivery, Delivery::Email | Delivery::Online)) =>
        {
            let how = case
                .request
                .as_ref()
                .map_or("其他方式", |r| delivery_zh(r.delivery));
            (
                Vec::new(),
                Some(format!(
                    "申请人选择的获取方式为“{how}”：请打印答复书后按此方式送达"
                )),
            )
        }
        Recipient::Applicant => match case.applicant.email.as_deref().map(str::trim) {
            Some(addr) if !addr.is_empty() => {
                match parse_mailbox(&format!("{} <{addr}>", quote_name(&case.applicant.name))) {
                    Ok(m) => (vec![m], None),
                    Err(e) => (Vec::new(), Some(format!("申请人的电子邮箱无效：{e}"))),
                }
            }
            _ => (
                Vec::new(),
                Some("申请人未提供电子邮箱：请打印告知书，按申请人选择的方式送达".to_owned()),
            ),
        },
        Recipient::Consulted(party) => (
            Vec::new(),
            Some(format!("{party}：征求意见书请打印后书面送达")),
        ),
        Recipient::Assignee => {
            let staff = match &assignee {
                Some(u) if !u.disabled => vec![u.clone()],
                // Unassigned, or the assignee's account was disabled: the department's clerks.
                _ => lookups.staff(conn, &department_code, Role::Clerk)?,
            };
            if let [one] = staff.as_slice() {
                recipient_name = Some(one.display_name.clone());
            }
            mailboxes(&staff, "承办人")
        }
        Recipient::Supervisors => {
            let staff = lookups.staff(conn, &department_code, Role::Supervisor)?;
            mailboxes(&staff, "审核人")
        }
    };
    let context = NoticeContext::build(&Source {
        case_id,
        events: history,
        event_seq,
        kind,
        recipient: &recipient,
        recipient_name,
        agency_name,
        department_name,
        assignee_name: assignee.map(|u| u.display_name),
        remedy_bodies: RemedyBodies {
            reconsideration_body,
            court,
        },
        law,
        base_url,
    });
    let rendered = templates.render(kind, &context);
    Ok(Prepared {
        kind,
        recipient,
        context,
        rendered,
        to,
        unaddressed,
    })
}

fn delivery_zh(d: Delivery) -> &'static str {
    match d {
        Delivery::Post => "邮寄",
        Delivery::Email => "电子邮件",
        Delivery::Fax => "传真",
        Delivery::Collect => "当面领取",
        Delivery::ReadOnSite => "现场查阅",
        Delivery::Online => "网上获取",
    }
}

fn mailboxes(staff: &[User], what: &str) -> (Vec<Mailbox>, Option<String>) {
    let to: Vec<Mailbox> = staff
        .iter()
        .filter_map(|u| {
            let addr = u.email.as_deref()?.trim();
            parse_mailbox(&format!("{} <{addr}>", quote_name(&u.display_name))).ok()
        })
        .collect();
    if to.is_empty() {
        let why = if staff.is_empty() {
            format!("该部门没有可接收通知的{what}")
        } else {
            format!("该部门的{what}未登记电子邮箱")
        };
        (to, Some(why))
    } else {
        (to, None)
    }
}

/// A display name as a quoted string (names may hold characters with a meaning in addresses).
fn quote_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
        .collect();
    format!("\"{clean}\"")
}

/// The email: UTF-8 subject and names (RFC 2047 encoded by lettre), the row's Message-ID,
/// a plain-text body, and `files` as attachments (a multipart/mixed message when there are
/// any).
pub fn email(
    from: &Mailbox,
    to: &[Mailbox],
    message_id: &str,
    subject: &str,
    body: &str,
    files: &[crate::release::MailFile],
    date: SystemTime,
) -> Result<Message, String> {
    use lettre::message::{Attachment, MultiPart, SinglePart};
    let mut builder = Message::builder()
        .from(from.clone())
        .subject(subject.to_owned())
        .message_id(Some(message_id.to_owned()))
        .date(date);
    for m in to {
        builder = builder.to(m.clone());
    }
    if files.is_empty() {
        return builder
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())
            .map_err(|e| e.to_string());
    }
    let mut parts = MultiPart::mixed().singlepart(SinglePart::plain(body.to_owned()));
    for f in files {
        let kind = ContentType::parse(&f.content_type).unwrap_or_else(|_| {
            ContentType::parse("application/octet-stream").unwrap_or(ContentType::TEXT_PLAIN)
        });
        parts = parts.singlepart(Attachment::new(f.filename.clone()).body(f.bytes.clone(), kind));
    }
    builder.multipart(parts).map_err(|e| e.to_string())
}

const PRINT_PAGE: &str = r#"<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ subject }}</title>
<style>
@page { size: A4; margin: 25mm 26mm 24mm 28mm; }
body { font-family: "FangSong", "STFangsong", "仿宋", "Noto Serif CJK SC", serif; font-size: 16pt; line-height: 1.75; color: #000; max-width: 156mm; margin: 2em auto; }
header { text-align: center; border-bottom: 2px solid #c00; padding-bottom: .4em; margin-bottom: 1.2em; }
header .agency { color: #c00; font-family: "SimSun", "宋体", serif; font-size: 24pt; letter-spacing: .15em; }
header .doc-no { font-size: 14pt; }
h1 { font-family: "SimHei", "黑体", sans-serif; font-size: 20pt; text-align: center; margin: .6em 0 1em; }
.body p { margin: 0; text-indent: 2em; white-space: pre-wrap; }
.body p.salutation { text-indent: 0; }
.body p.signature { text-indent: 0; text-align: right; }
.body p.blank { height: .8em; }
.seal { float: right; width: 42mm; height: 42mm; margin: 1em 0 0 1em; border: 1.5px dashed #c00; border-radius: 50%; color: #c00; display: flex; align-items: center; justify-content: center; font-size: 12pt; }
@media print { body { margin: 0; } .no-print { display: none; } }
</style>
</head>
<body>
<header>
<div class="agency">{{ agency }}</div>
<div class="doc-no">{{ doc_no }}</div>
</header>
<h1>{{ title }}</h1>
<div class="seal" aria-label="印章位置">（印章）</div>
<div class="body">
{% for line in lines %}{% if not line %}<p class="blank"></p>
{% elif loop.first %}<p class="salutation">{{ line }}</p>
{% elif signed and loop.revindex <= 3 %}<p class="signature">{{ line }}</p>
{% else %}<p>{{ line }}</p>
{% endif %}{% endfor %}
</div>
<p class="no-print">请使用浏览器的“打印”功能（Ctrl+P）打印本页。</p>
</body>
</html>
"#;

/// The notice as a printable A4 page (agency, document number, title, body, date, seal
/// placeholder); every value is HTML-escaped.
pub fn printable_html(prepared: &Prepared) -> Result<String, TemplateError> {
    let rendered = prepared.rendered.clone()?;
    let mut env = Environment::new();
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    let fail = |e: minijinja::Error| TemplateError {
        key: "print".to_owned(),
        part: "body",
        line: e.line(),
        reason: e.to_string(),
    };
    env.add_template("print.html", PRINT_PAGE).map_err(fail)?;
    // The title is the subject without the tracking number (a document carries its 文号).
    let t = &prepared.context.tracking_number;
    let title = rendered
        .subject
        .replace(&format!("（{t}）"), "")
        .replace(&format!("，{t}）"), "）");
    let lines: Vec<String> = rendered.body.lines().map(str::to_owned).collect();
    env.get_template("print.html")
        .map_err(fail)?
        .render(context! {
            subject => rendered.subject,
            title => title,
            agency => prepared.context.agency.clone(),
            doc_no => prepared.context.doc_no.clone(),
            lines => lines,
            // Notices that leave the agency end with agency, date and 文号 (the footer).
            signed => !prepared.kind.is_internal(),
        })
        .map_err(fail)
}

/// The notice as the content of its PDF (the reply letter, 答复书), and the file's name (its
/// subject): as on the printable page, the title without the tracking number (the letter has
/// its 文号), and the footer's agency, date and 文号 beside the seal instead of in the text.
pub fn letter_of(
    prepared: &Prepared,
) -> Result<(gongkai_documents::Letter, String), TemplateError> {
    let rendered = prepared.rendered.clone()?;
    let ctx = &prepared.context;
    let t = &ctx.tracking_number;
    let title = rendered
        .subject
        .replace(&format!("（{t}）"), "")
        .replace(&format!("，{t}）"), "）");
    let signed = !prepared.kind.is_internal();
    let mut lines: Vec<&str> = rendered.body.lines().collect();
    if signed {
        for footer in [
            format!("文号：{}", ctx.doc_no),
            ctx.date.clone(),
            ctx.agency.clone(),
        ] {
            while lines.last().is_some_and(|l| l.trim().is_empty()) {
                lines.pop();
            }
            if lines.last().is_some_and(|l| l.trim() == footer) {
                lines.pop();
            }
        }
    }
    let letter = gongkai_documents::Letter {
        agency: ctx.agency.clone(),
        title,
        reference: Some(ctx.doc_no.clone()).filter(|d| !d.trim().is_empty()),
        body: lines.join("\n"),
        // The notice's text lists the release already (the reply templates' 本机关向您提供以下信息).
        items: Vec::new(),
        date: if signed {
            ctx.date.clone()
        } else {
            String::new()
        },
        seal: signed,
    };
    Ok((letter, format!("{}.pdf", rendered.subject)))
}
