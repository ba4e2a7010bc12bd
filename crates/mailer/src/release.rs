//! The reply e-mail to an applicant who chose 电子邮件: it carries the reply letter as PDF and
//! the released files as attachments while they fit the size limit; beyond it, a download
//! link (a random token, stored hashed, expiring after `link_days`) replaces the files. The
//! link itself is sent only: the copy of the text kept in the outbox names it without the
//! token.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use gongkai_store::outbox::OutboxRow;
use gongkai_store::{DbConnection, StoreResult, attachments, delivery};
use gongkai_workflow::model::{Delivery, ReleaseItem};
use gongkai_workflow::{Case, NoticeKind, Recipient};

use crate::message::{Prepared, letter_of};

/// What the dispatcher needs to send releases (set by `serve` and `worker`).
#[derive(Clone)]
pub struct ReleaseMail {
    /// Where the attachments' blobs live.
    pub attachments_dir: PathBuf,
    /// The CJK font of the letter's PDF; without one the letter goes as text only.
    pub font: Option<Arc<gongkai_documents::FontFile>>,
    /// The largest total of attachments one e-mail carries (bytes).
    pub attach_max_bytes: u64,
    /// How long a download link stays valid.
    pub link_days: i64,
}

/// A file attached to the e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFile {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What the release adds to the reply e-mail.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Addition {
    pub files: Vec<MailFile>,
    /// Appended to the body as sent.
    pub sent_text: String,
    /// Appended to the body as kept (the link without its token).
    pub kept_text: String,
}

/// The release part of `row`'s e-mail, when it is the reply to an applicant who chose e-mail
/// and an address was found; none otherwise.
pub fn addition(
    conn: &mut DbConnection,
    row: &OutboxRow,
    history: &[gongkai_workflow::Event],
    prepared: &Prepared,
    settings: &ReleaseMail,
    base_url: &str,
    now: NaiveDateTime,
) -> StoreResult<Option<Addition>> {
    if !matches!(prepared.kind, NoticeKind::Reply(_))
        || prepared.recipient != Recipient::Applicant
        || prepared.to.is_empty()
    {
        return Ok(None);
    }
    let case = Case::from_events(history);
    if case.request.as_ref().map(|r| r.delivery) != Some(Delivery::Email) {
        return Ok(None);
    }
    let release: &[ReleaseItem] = match &case.reply {
        Some(r) if !case.status.is_open() => &r.release,
        _ => &[],
    };
    let mut files = Vec::new();
    if let Some(font) = &settings.font {
        let pdf = letter_of(prepared).ok().and_then(|(letter, name)| {
            let bytes = font
                .font()
                .and_then(|f| gongkai_documents::letter_pdf(&letter, f));
            match bytes {
                Ok(b) => Some(MailFile {
                    filename: name,
                    content_type: "application/pdf".to_owned(),
                    bytes: b,
                }),
                Err(e) => {
                    tracing::warn!(error = %e, "reply letter PDF not attached");
                    None
                }
            }
        });
        files.extend(pdf);
    }
    let mut metas = Vec::new();
    for f in release.iter().filter_map(ReleaseItem::file) {
        if let Some(m) = attachments::of_known_case(conn, &row.case_id, &f.attachment)?
            .filter(|m| m.sha256 == f.sha256)
        {
            metas.push(m);
        }
    }
    let letter_bytes: u64 = files.iter().map(|f| f.bytes.len() as u64).sum();
    let released_bytes: u64 = metas
        .iter()
        .map(|m| u64::try_from(m.size_bytes).unwrap_or(u64::MAX))
        .sum();
    let base = base_url.trim_end_matches('/');
    if metas.is_empty() {
        let text = if files.is_empty() {
            String::new()
        } else {
            "\n\n附件：答复书（PDF）。".to_owned()
        };
        return Ok(Some(Addition {
            files,
            sent_text: text.clone(),
            kept_text: text,
        }));
    }
    if letter_bytes.saturating_add(released_bytes) <= settings.attach_max_bytes {
        for m in &metas {
            files.push(MailFile {
                filename: m.filename.clone(),
                content_type: m.content_type.clone(),
                bytes: attachments::read(&settings.attachments_dir, m)?,
            });
        }
        let text = format!(
            "\n\n附件：{}提供的信息 {} 个文件。",
            if letter_bytes > 0 {
                "答复书（PDF）及"
            } else {
                ""
            },
            metas.len()
        );
        return Ok(Some(Addition {
            files,
            sent_text: text.clone(),
            kept_text: text,
        }));
    }
    let expires = now + Duration::days(settings.link_days);
    let token = delivery::create_link(conn, &row.case_id, now, expires)?;
    let until = gongkai_workflow::clock::legal_date(expires.and_utc());
    let lead = format!(
        "\n\n提供的信息共 {} 个文件，合计 {:.1} MB，超过邮件附件的大小限制，未随本邮件发送。请于 {until} 前通过以下链接下载答复书和全部文件（每次下载均会记录，请勿转发）：\n",
        metas.len(),
        released_bytes as f64 / (1024.0 * 1024.0)
    );
    let tail = format!("\n链接失效后，可凭申请编号和查询码在 {base}/lookup 获取，或与本机关联系。");
    Ok(Some(Addition {
        files,
        sent_text: format!("{lead}{base}/release/{token}{tail}"),
        kept_text: format!("{lead}{base}/release/（下载链接仅发送给申请人，此处不保存）{tail}"),
    }))
}
