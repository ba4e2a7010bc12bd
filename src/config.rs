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
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Attachments {
    pub dir: std::path::PathBuf,
    pub max_bytes: u64,
    pub content_types: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Database {
    pub url: String,
    pub pool_size: u32,
    pub sqlite_busy_timeout_ms: u64,
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
        let mut config: Config = table.try_into().with_context(|| match file {
            Some(p) => format!("{}", p.display()),
            None => "config/default.toml".to_owned(),
        })?;
        if let Some(url) = env("GONGKAI_DATABASE__URL").or_else(|| env("DATABASE_URL")) {
            config.database.url = url;
        }
        if let Some(size) = env("GONGKAI_DATABASE__POOL_SIZE") {
            config.database.pool_size = size.parse().with_context(|| {
                format!("GONGKAI_DATABASE__POOL_SIZE: \"{size}\" is not a whole number")
            })?;
        }
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
    }
}
