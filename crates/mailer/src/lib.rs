//! gongkai-mailer: the notices gongkai sends and how they go out.
//!
//! - [`templates`]: the zh-CN notice templates (defaults compiled in, admins' overrides
//!   checked at save time), rendered with minijinja;
//! - [`context`]: the variables of a notice, from the case as it stood at its event;
//! - [`message`]: recipients, the email (UTF-8 headers, stable Message-ID) and the printable
//!   A4 page of a notice;
//! - [`transport`]: SMTP (lettre; STARTTLS, implicit TLS or none) or a mail folder of .eml files;
//! - [`dispatch`]: the dispatcher that claims outbox rows with a lease, sends outside any
//!   transaction, and records the result, retrying temporary failures with backoff;
//! - [`schedule`]: the scheduler that writes due-soon and overdue reminders, once per case and
//!   level whatever the number of workers.

pub mod context;
pub mod dispatch;
pub mod message;
pub mod release;
pub mod schedule;
pub mod templates;
pub mod transport;
pub mod variables;

use std::path::PathBuf;

use serde::Deserialize;

pub use context::NoticeContext;
pub use dispatch::{Dispatcher, Pass};
pub use templates::{Rendered, Template, TemplateError, Templates};
pub use transport::{SendError, Transport};

/// The `[mail]` settings (config/default.toml documents each).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    /// `folder` (write .eml files into `dir`) or `smtp`.
    pub transport: String,
    pub dir: PathBuf,
    /// The sender, e.g. `北京市朝阳区人民政府信息公开办公室 <gongkai@example.gov.cn>`.
    pub from: String,
    /// Where staff open gongkai (links in staff notices).
    pub base_url: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `none`, `starttls` or `tls` (implicit TLS).
    pub smtp_security: String,
    pub smtp_username: String,
    pub smtp_password: String,
    pub smtp_timeout_seconds: u64,
    /// Run the dispatcher and the scheduler inside `gongkai serve`.
    pub dispatch_in_serve: bool,
    /// Dispatcher threads per process, each claiming its own rows. lettre 0.11 leaves Nagle's
    /// algorithm on, so each SMTP message waits ~40 ms for a delayed ACK; parallel senders
    /// hide that latency (lettre/lettre#1159 fixes it upstream).
    pub senders: usize,
    /// Rows claimed at once.
    pub batch_size: i64,
    /// How long a claimed row stays leased to its dispatcher.
    pub lease_seconds: i64,
    /// Attempts before a row is marked failed.
    pub max_attempts: i32,
    /// The first retry waits this long, each next one twice as long, up to `retry_max_seconds`.
    pub retry_first_seconds: i64,
    pub retry_max_seconds: i64,
    /// How often an idle dispatcher looks for new rows.
    pub poll_milliseconds: u64,
    /// How often the scheduler looks for due-soon and overdue cases (at least daily).
    pub scheduler_every_minutes: u64,
}

impl MailSettings {
    /// Checks the settings that the types cannot: named choices and sensible numbers.
    pub fn check(&self) -> Result<(), String> {
        if !matches!(self.transport.as_str(), "folder" | "smtp") {
            return Err(format!(
                "mail.transport: \"{}\" is not folder or smtp",
                self.transport
            ));
        }
        if !matches!(self.smtp_security.as_str(), "none" | "starttls" | "tls") {
            return Err(format!(
                "mail.smtp_security: \"{}\" is not none, starttls or tls",
                self.smtp_security
            ));
        }
        message::parse_mailbox(&self.from).map_err(|e| format!("mail.from: {e}"))?;
        if self.batch_size < 1 || self.max_attempts < 1 || self.lease_seconds < 1 {
            return Err(
                "mail.batch_size, mail.max_attempts and mail.lease_seconds must be at least 1"
                    .to_owned(),
            );
        }
        if !(1..=64).contains(&self.senders) {
            return Err("mail.senders: between 1 and 64".to_owned());
        }
        if self.lease_seconds > 86_400
            || self.retry_first_seconds > 86_400
            || self.retry_max_seconds > 7 * 86_400
            || self.retry_first_seconds < 1
        {
            return Err(
                "mail.lease_seconds and mail.retry_first_seconds: 1 to 86400; \
                 mail.retry_max_seconds: at most 604800"
                    .to_owned(),
            );
        }
        // One message takes a few SMTP round trips, each bounded by the timeout; the lease must
        // outlast them, or another dispatcher could take the row over mid-send.
        let slowest = self.smtp_timeout_seconds.saturating_mul(4);
        if self.transport == "smtp" && u64::try_from(self.lease_seconds).unwrap_or(0) < slowest {
            return Err(format!(
                "mail.lease_seconds ({}) must be at least 4 × mail.smtp_timeout_seconds ({slowest})",
                self.lease_seconds
            ));
        }
        let local = matches!(self.smtp_host.as_str(), "127.0.0.1" | "localhost" | "::1");
        if self.transport == "smtp"
            && self.smtp_security == "none"
            && !self.smtp_username.is_empty()
            && !local
        {
            return Err(
                "mail.smtp_username: credentials would cross the network in clear text; \
                 set mail.smtp_security to starttls or tls"
                    .to_owned(),
            );
        }
        if self.scheduler_every_minutes == 0 || self.scheduler_every_minutes > 24 * 60 {
            return Err(
                "mail.scheduler_every_minutes: between 1 and 1440 (at least daily)".to_owned(),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn defaults() -> MailSettings {
        let text = include_str!("../../../config/default.toml");
        let table: toml::Table = toml::from_str(text).unwrap();
        table["mail"].clone().try_into().unwrap()
    }

    #[test]
    fn the_shipped_settings_pass_and_bad_ones_are_named() {
        defaults().check().unwrap();
        let bad = |f: fn(&mut MailSettings)| {
            let mut s = defaults();
            f(&mut s);
            s.check().unwrap_err()
        };
        assert!(bad(|s| s.transport = "sendmail".into()).contains("mail.transport"));
        assert!(bad(|s| s.smtp_security = "ssl".into()).contains("mail.smtp_security"));
        assert!(bad(|s| s.from = "not an address".into()).contains("mail.from"));
        assert!(bad(|s| s.senders = 0).contains("mail.senders"));
        assert!(bad(|s| s.lease_seconds = i64::MAX).contains("mail.lease_seconds"));
        let short_lease = bad(|s| {
            s.transport = "smtp".into();
            s.lease_seconds = 10;
        });
        assert!(
            short_lease.contains("4 × mail.smtp_timeout_seconds"),
            "{short_lease}"
        );
        let clear = bad(|s| {
            s.transport = "smtp".into();
            s.smtp_host = "mail.example.gov.cn".into();
            s.smtp_username = "gongkai".into();
        });
        assert!(clear.contains("clear text"), "{clear}");
    }
}
