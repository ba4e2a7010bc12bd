//! `gongkai user create`: make a user from the command line (e.g. staff before the web pages);
//! `gongkai user reset-password`: a new one-time password for a user who lost theirs.

use std::process::ExitCode;

use clap::{Args, Subcommand, ValueEnum};
use gongkai_store::{StoreError, accounts, migrations, sessions};
use gongkai_workflow::Role;

use crate::config::Config;
use crate::database;

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user; prints a one-time password (shown once, to be changed at the first
    /// sign-in, valid for passwords.issued_valid_hours).
    Create(CreateArgs),
    /// Issue a new one-time password for a user (e.g. an admin who lost theirs): printed
    /// once, to be changed at the first sign-in, valid for passwords.issued_valid_hours; the
    /// user's sessions end.
    ResetPassword(ResetArgs),
}

#[derive(Args)]
pub struct ResetArgs {
    #[arg(long)]
    username: String,
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
    match cmd {
        UserCommand::Create(args) => create(args, config),
        UserCommand::ResetPassword(args) => reset_password(args, config),
    }
}

/// When a password issued now stops working.
fn issued_expiry(config: &Config) -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc() + chrono::Duration::hours(config.passwords.issued_valid_hours)
}

fn reset_password(args: &ResetArgs, config: &Config) -> anyhow::Result<ExitCode> {
    let (_, mut conn) = database::open(config)?;
    migrations::check_not_newer(&mut conn)?;
    migrations::run_pending(&mut conn)?;
    let user = accounts::user_by_username(&mut conn, &args.username)?
        .ok_or_else(|| anyhow::anyhow!("--username: no user \"{}\"", args.username))?;
    let password = gongkai_api::auth::new_password();
    let hash = gongkai_api::auth::hash_password(&password).map_err(|e| anyhow::anyhow!("{e}"))?;
    let expires = issued_expiry(config);
    gongkai_store::write_transaction(&mut conn, |conn| {
        accounts::set_issued_password(conn, &user.id, &hash, expires)?;
        sessions::delete_of_user(conn, &user.id)?;
        Ok::<_, StoreError>(())
    })?;
    println!(
        "new one-time password for {} ({}): {password}",
        user.username,
        user.role.as_str()
    );
    println!(
        "valid for {} hours; it must be changed at the first sign-in. Any sessions of the user have ended.",
        config.passwords.issued_valid_hours
    );
    if user.disabled {
        println!("note: the account is disabled; an admin must enable it first");
    }
    Ok(ExitCode::SUCCESS)
}

fn create(args: &CreateArgs, config: &Config) -> anyhow::Result<ExitCode> {
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
    accounts::set_issued_password(&mut conn, &user.id, &hash, issued_expiry(config))?;
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
    println!(
        "valid for {} hours; it must be changed at the first sign-in",
        config.passwords.issued_valid_hours
    );
    Ok(ExitCode::SUCCESS)
}
