//! Settings: the compiled-in defaults (config/default.toml), then an optional file, then
//! environment variables.

use std::path::Path;

use anyhow::Context as _;
use serde::Deserialize;

/// config/default.toml, compiled in: the defaults and their documentation in one place.
pub const DEFAULTS: &str = include_str!("../config/default.toml");

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub database: Database,
    pub attachments: Attachments,
    pub server: Server,
    pub sessions: Sessions,
    /// [login]: sign-in throttling, read straight into the API's own type.
    pub login: gongkai_api::state::SignInLimits,
    pub passwords: Passwords,
    pub mail: gongkai_mailer::MailSettings,
    pub report: Report,
    pub supervision: Supervision,
    pub documents: Documents,
    pub delivery: DeliverySettings,
    pub redaction: RedactionConfig,
}

/// [redaction]: what a redaction may cost (see config/default.toml).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RedactionConfig {
    pub dpi: f32,
    pub max_pages: u32,
    pub max_image_pixels: u64,
    pub max_table_cells: u64,
    pub editor_dpi: f32,
    pub max_output_bytes: u64,
    pub max_queued_jobs: usize,
}

impl Eq for RedactionConfig {}

impl RedactionConfig {
    /// The API's settings; the input's byte limit is the attachments' `max_bytes`.
    pub fn settings(
        &self,
        max_input_bytes: u64,
    ) -> anyhow::Result<gongkai_api::state::RedactionSettings> {
        let dpi_ok = |d: f32| d.is_finite() && (36.0..=600.0).contains(&d);
        if !dpi_ok(self.dpi) || !dpi_ok(self.editor_dpi) {
            anyhow::bail!("redaction.dpi and redaction.editor_dpi must lie between 36 and 600");
        }
        let max_input_bytes = usize::try_from(max_input_bytes).unwrap_or(usize::MAX);
        Ok(gongkai_api::state::RedactionSettings {
            limits: gongkai_documents::RedactLimits {
                max_pages: self.max_pages.max(1),
                max_input_bytes,
                max_image_pixels: self.max_image_pixels.max(1),
                dpi: self.dpi,
            },
            tables: gongkai_documents::TableLimits {
                max_input_bytes,
                max_cells: self.max_table_cells.max(1),
            },
            editor_dpi: self.editor_dpi,
            max_queued_jobs: self.max_queued_jobs.max(1),
            max_output_bytes: self.max_output_bytes,
        })
    }
}

/// [delivery]: how a reply's release reaches an applicant who chose e-mail.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DeliverySettings {
    /// The largest total of attachments (the letter's PDF and the released files) one reply
    /// e-mail carries, in bytes; beyond it the e-mail carries a download link instead.
    pub email_attach_max_bytes: u64,
    /// How many days an e-mailed download link stays valid.
    pub link_days: u32,
}

impl Config {
    /// What the mail dispatcher needs to send releases, with the CJK font of the letter.
    pub fn release_mail(
        &self,
        font: Option<std::sync::Arc<gongkai_documents::FontFile>>,
    ) -> gongkai_mailer::release::ReleaseMail {
        gongkai_mailer::release::ReleaseMail {
            attachments_dir: self.attachments.dir.clone(),
            font,
            attach_max_bytes: self.delivery.email_attach_max_bytes,
            link_days: i64::from(self.delivery.link_days.max(1)),
        }
    }
}

/// [documents]: the CJK font of the PDF documents.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Documents {
    /// Empty: the first of `gongkai_documents::DEFAULT_FONT_PATHS` that exists.
    pub cjk_font: std::path::PathBuf,
    pub cjk_font_index: u32,
}

impl Documents {
    /// The font the settings name, or the first usual one found; why not, when none is usable.
    pub fn font(&self) -> Result<gongkai_documents::FontFile, String> {
        if self.cjk_font.as_os_str().is_empty() {
            gongkai_documents::FontFile::find_default().ok_or_else(|| {
                let paths: Vec<&str> = gongkai_documents::DEFAULT_FONT_PATHS
                    .iter()
                    .map(|(p, _)| *p)
                    .collect();
                format!("none of {} exists", paths.join(", "))
            })
        } else {
            gongkai_documents::FontFile::check(&self.cjk_font, self.cjk_font_index)
                .map_err(|e| e.to_string())
        }
    }
}

/// [supervision]: what the 电子监察 dashboard flags.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Supervision {
    /// Online filings waiting for confirmation longer than this many working days are counted.
    pub pending_registration_days: u32,
}

/// [report]: how the annual report counts what the format leaves open.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Report {
    pub reopened_counts_anew: bool,
}

impl Report {
    pub fn counting(&self) -> gongkai_workflow::report::Counting {
        gongkai_workflow::report::Counting {
            reopened_counts_anew: self.reopened_counts_anew,
        }
    }
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Server {
    pub bind: String,
    pub workers: usize,
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
    pub recompute_every_minutes: u64,
    pub metrics_token: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Sessions {
    pub idle_minutes: i64,
    pub absolute_hours: i64,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Passwords {
    pub issued_valid_hours: i64,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Attachments {
    pub dir: std::path::PathBuf,
    pub max_bytes: u64,
    pub content_types: Vec<String>,
    pub max_files_per_case: u64,
    pub max_bytes_per_case: u64,
    pub max_files_per_applicant: u64,
    pub max_bytes_per_applicant: u64,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Database {
    pub url: String,
    pub pool_size: u32,
    pub sqlite_busy_timeout_ms: u64,
    pub statement_timeout_ms: u64,
}

/// Merges `over` into `base`, table by table.
fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, v) => {
                base.insert(key, v);
            }
        }
    }
}

/// `GONGKAI_{SECTION}__{KEY}` overrides `[section] key` for every setting of the defaults file
/// (and DATABASE_URL the database URL), read as the type the default has.
fn apply_environment(
    table: &mut toml::Table,
    env: &impl Fn(&str) -> Option<String>,
) -> anyhow::Result<()> {
    for (section, values) in table.iter_mut() {
        let toml::Value::Table(values) = values else {
            continue;
        };
        for (key, value) in values.iter_mut() {
            let name = format!("GONGKAI_{}__{}", section.to_uppercase(), key.to_uppercase());
            let text = match env(&name) {
                Some(t) => t,
                None if section == "database" && key == "url" => match env("DATABASE_URL") {
                    Some(t) => t,
                    None => continue,
                },
                None => continue,
            };
            *value = match value {
                toml::Value::Integer(_) => toml::Value::Integer(
                    text.trim()
                        .parse()
                        .map_err(|_| anyhow::anyhow!("{name}: \"{text}\" is not a whole number"))?,
                ),
                toml::Value::Boolean(_) => toml::Value::Boolean(match text.trim() {
                    "true" | "1" | "yes" => true,
                    "false" | "0" | "no" => false,
                    _ => anyhow::bail!("{name}: \"{text}\" is not true or false"),
                }),
                toml::Value::Array(_) => toml::Value::Array(
                    text.split(',')
                        .map(|s| toml::Value::String(s.trim().to_owned()))
                        .collect(),
                ),
                _ => toml::Value::String(text),
            };
        }
    }
    Ok(())
}

impl Config {
    /// Defaults, then `file`, then the environment (`env` is passed in for testability).
    pub fn load(
        file: Option<&Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Config> {
        let mut table: toml::Table = toml::from_str(DEFAULTS).context("config/default.toml")?;
        if let Some(path) = file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let over: toml::Table =
                toml::from_str(&text).with_context(|| format!("{}", path.display()))?;
            merge(&mut table, over);
        }
        apply_environment(&mut table, &env)?;
        let config: Config = table.try_into().with_context(|| match file {
            Some(p) => format!("{}", p.display()),
            None => "config/default.toml".to_owned(),
        })?;
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_file_holds_every_setting() {
        let c = Config::load(None, |_| None).unwrap();
        assert_eq!(c.database.url, gongkai_store::DEFAULT_DATABASE_URL);
        assert_eq!(c.database.pool_size, 8);
        assert_eq!(c.attachments.max_bytes, 20 * 1024 * 1024);
        // The file's sign-in settings are the API's defaults.
        assert_eq!(c.login, gongkai_api::state::SignInLimits::default());
        assert_eq!(c.passwords.issued_valid_hours, 72);
        assert_eq!(c.supervision.pending_registration_days, 1);
        assert_eq!(
            c.report.counting(),
            gongkai_workflow::report::Counting::default()
        );
        assert!(
            c.attachments
                .content_types
                .iter()
                .any(|t| t == "application/pdf")
        );
    }

    #[test]
    fn environment_overrides_and_bad_values_are_named() {
        let c = Config::load(None, |k| {
            (k == "DATABASE_URL").then(|| "postgres://x@127.0.0.1/db".to_owned())
        })
        .unwrap();
        assert_eq!(c.database.url, "postgres://x@127.0.0.1/db");
        let err = Config::load(None, |k| {
            (k == "GONGKAI_DATABASE__POOL_SIZE").then(|| "many".to_owned())
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("GONGKAI_DATABASE__POOL_SIZE: \"many\""));
        let c = Config::load(None, |k| match k {
            "GONGKAI_SERVER__BIND" => Some("0.0.0.0:9000".to_owned()),
            "GONGKAI_SERVER__SECURE_COOKIES" => Some("true".to_owned()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.server.bind, "0.0.0.0:9000");
        assert!(c.server.secure_cookies);
        let c = Config::load(None, |k| {
            (k == "GONGKAI_SUPERVISION__PENDING_REGISTRATION_DAYS").then(|| "3".to_owned())
        })
        .unwrap();
        assert_eq!(c.supervision.pending_registration_days, 3);
        let err = Config::load(None, |k| {
            (k == "GONGKAI_LOGIN__WINDOW_MINUTES").then(|| "soon".to_owned())
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("GONGKAI_LOGIN__WINDOW_MINUTES"));
    }
}
