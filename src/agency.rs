//! `gongkai agency create`: the first 行政机关 of a scripted install (the same check as
//! `POST /api/v1/admin/agencies` and the /admin form).

use std::process::ExitCode;

use clap::{Args, Subcommand};
use gongkai_api::body::Validate;
use gongkai_api::service::admin::{NewAgency, default_prefix};
use gongkai_store::{StoreError, accounts, migrations};

use crate::config::Config;
use crate::database;

#[derive(Subcommand)]
pub enum AgencyCommand {
    /// Create an agency (行政机关): its code, its name and the prefix of its tracking numbers.
    Create(CreateArgs),
}

#[derive(Args)]
pub struct CreateArgs {
    /// The agency's code: 2–32 lowercase letters, digits or hyphens (e.g. bjcy-zjw).
    #[arg(long)]
    code: String,
    /// Its full name, as its notices are signed (e.g. 北京市朝阳区住房和城乡建设委员会).
    #[arg(long)]
    name: String,
    /// Tracking numbers read `{prefix}-{year}-{number}`: 1–8 uppercase letters (default: the
    /// code's letters, upper-cased).
    #[arg(long)]
    prefix: Option<String>,
}

pub fn run(cmd: &AgencyCommand, config: &Config) -> anyhow::Result<ExitCode> {
    match cmd {
        AgencyCommand::Create(args) => create(args, config),
    }
}

/// The CLI's flag for a field of [`NewAgency`].
fn flag(path: &str) -> &str {
    match path {
        "tracking_prefix" => "--prefix",
        "code" => "--code",
        "name" => "--name",
        other => other,
    }
}

fn create(args: &CreateArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let agency = NewAgency {
        code: args.code.trim().to_owned(),
        name: args.name.trim().to_owned(),
        tracking_prefix: args
            .prefix
            .clone()
            .unwrap_or_else(|| default_prefix(&args.code)),
    };
    let mut errors = Vec::new();
    agency.validate(&mut errors);
    if !errors.is_empty() {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| format!("{}: {}", flag(&e.path), e.message))
            .collect();
        anyhow::bail!("{}", lines.join("; "));
    }
    let (_, mut conn) = database::open(config)?;
    migrations::check_not_newer(&mut conn)?;
    migrations::run_pending(&mut conn)?;
    let created = accounts::create_agency(
        &mut conn,
        &agency.code,
        &agency.name,
        &agency.tracking_prefix,
    )
    .map_err(|e| match e {
        StoreError::Invalid { field, message } => {
            anyhow::anyhow!("{}: {message}", flag(field.unwrap_or("code")))
        }
        StoreError::Duplicate { field, message } => anyhow::anyhow!("{}: {message}", flag(field)),
        other => anyhow::anyhow!(other),
    })?;
    println!(
        "created agency {} ({}); tracking numbers {}-{{year}}-{{number}}",
        created.code, created.name, created.tracking_prefix
    );
    println!("next: its departments and staff at /admin (or `gongkai user create`)");
    Ok(ExitCode::SUCCESS)
}
