//! `gongkai user create`: make a user from the command line (e.g. staff before the web pages).

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use gongkai_store::{StoreError, accounts, migrations};
use gongkai_workflow::Role;

use crate::config::Config;
use crate::database;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user; prints a one-time password (shown once).
    Create(CreateArgs),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum RoleArg {
    Applicant,
    Clerk,
    Supervisor,
    Admin,
}

#[derive(Args)]
pub struct CreateArgs {
    #[arg(long)]
    username: String,
    #[arg(long, value_enum)]
    role: RoleArg,
    /// The name shown in the system (default: the username).
    #[arg(long)]
    display_name: Option<String>,
    /// A department the clerk or supervisor works for (repeat for several).
    #[arg(long = "department")]
    departments: Vec<String>,
    /// Where staff notices go (assignments, reviews, due-soon and overdue reminders).
    #[arg(long)]
    email: Option<String>,
}

pub fn run(cmd: &UserCommand, config: &Config) -> anyhow::Result<ExitCode> {
    let UserCommand::Create(args) = cmd;
    let role = match args.role {
        RoleArg::Applicant => Role::Applicant,
        RoleArg::Clerk => Role::Clerk,
        RoleArg::Supervisor => Role::Supervisor,
        RoleArg::Admin => Role::Admin,
    };
    let staff = matches!(role, Role::Clerk | Role::Supervisor);
    if staff && args.departments.is_empty() {
        anyhow::bail!("--department: a clerk or supervisor needs at least one department");
    }
    if !staff && !args.departments.is_empty() {
        anyhow::bail!("--department: only clerks and supervisors have departments");
    }
    if let Some(e) = &args.email {
        gongkai_mailer::message::check_address(e).map_err(|m| anyhow::anyhow!("--email: {m}"))?;
    }
    let (_, mut conn) = database::open(config)?;
    migrations::check_not_newer(&mut conn)?;
    migrations::run_pending(&mut conn)?;
    let password = gongkai_api::auth::new_password();
    let hash = gongkai_api::auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let departments: Vec<&str> = args.departments.iter().map(String::as_str).collect();
    let user = accounts::create_user(
        &mut conn,
        &args.username,
        args.display_name.as_deref().unwrap_or(&args.username),
        role,
        Some(&hash),
        &departments,
    )
    .map_err(|e| match e {
        StoreError::NotFound(what) => anyhow::anyhow!("--department: no {what}"),
        other => anyhow::anyhow!(other),
    })?;
    if let Some(e) = &args.email {
        accounts::set_email(&mut conn, &user.id, Some(e))?;
    }
    println!(
        "created {} ({}) id {}",
        user.username,
        role.as_str(),
        user.id
    );
    println!("one-time password: {password}");
    Ok(ExitCode::SUCCESS)
}
