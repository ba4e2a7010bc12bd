//! How a message leaves: SMTP with lettre, or a folder of .eml files (the embedded default).

use std::path::PathBuf;
use std::time::Duration;

use lettre::Transport as _;
use lettre::message::Message;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::{PoolConfig, SmtpTransport};

use crate::MailSettings;

/// Why a message did not go out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Worth trying again later: the server is unreachable, busy, or answered 4xx.
    #[error("temporary: {0}")]
    Temporary(String),
    /// Trying again will not help: the server refused the message or an address (5xx).
    #[error("permanent: {0}")]
    Permanent(String),
}

pub enum Transport {
    Smtp(Box<SmtpTransport>),
    /// Each message becomes `<outbox id>.eml` in this folder; writing one twice replaces it.
    Folder(PathBuf),
}

impl Transport {
    pub fn from_settings(s: &MailSettings) -> Result<Transport, String> {
        match s.transport.as_str() {
            "folder" => {
                std::fs::create_dir_all(&s.dir)
                    .map_err(|e| format!("mail.dir {}: {e}", s.dir.display()))?;
                Ok(Transport::Folder(s.dir.clone()))
            }
            "smtp" => {
                let host = s.smtp_host.as_str();
                let builder = match s.smtp_security.as_str() {
                    "none" => SmtpTransport::builder_dangerous(host),
                    "starttls" => SmtpTransport::starttls_relay(host)
                        .map_err(|e| format!("mail.smtp_host {host}: {e}"))?,
                    "tls" => SmtpTransport::relay(host)
                        .map_err(|e| format!("mail.smtp_host {host}: {e}"))?,
                    other => {
                        return Err(format!(
                            "mail.smtp_security: \"{other}\" is not none, starttls or tls"
                        ));
                    }
                };
                let mut builder = builder
                    .port(s.smtp_port)
                    .timeout(Some(Duration::from_secs(s.smtp_timeout_seconds.max(1))))
                    .pool_config(PoolConfig::new().max_size(4));
                if !s.smtp_username.is_empty() {
                    builder = builder.credentials(Credentials::new(
                        s.smtp_username.clone(),
                        s.smtp_password.clone(),
                    ));
                }
                Ok(Transport::Smtp(Box::new(builder.build())))
            }
            other => Err(format!("mail.transport: \"{other}\" is not folder or smtp")),
        }
    }

    /// Where messages go, for logs (no credentials).
    pub fn describe(&self, s: &MailSettings) -> String {
        match self {
            Transport::Smtp(_) => format!(
                "smtp://{}:{} ({})",
                s.smtp_host, s.smtp_port, s.smtp_security
            ),
            Transport::Folder(dir) => format!("folder {}", dir.display()),
        }
    }

    /// Sends one message; `id` names its file in folder mode.
    pub fn send(&self, id: &str, message: &Message) -> Result<(), SendError> {
        match self {
            Transport::Smtp(smtp) => smtp.send(message).map(|_| ()).map_err(|e| {
                // Authentication refusals are the server's configuration (or ours), not the
                // message's: retried with backoff, so fixing the password sends everything.
                let server_wide = matches!(e.status().map(u16::from), Some(530 | 534 | 535 | 538));
                if e.is_permanent() && !server_wide {
                    SendError::Permanent(e.to_string())
                } else {
                    SendError::Temporary(e.to_string())
                }
            }),
            Transport::Folder(dir) => {
                // Written aside and renamed into place: a reader never sees half a message.
                let path = dir.join(format!("{id}.eml"));
                let partial = dir.join(format!(".{id}.eml.partial"));
                std::fs::write(&partial, message.formatted())
                    .and_then(|()| std::fs::rename(&partial, &path))
                    .map_err(|e| SendError::Temporary(format!("{}: {e}", path.display())))
            }
        }
    }
}
