//! Handlers, one module per audience. Handlers are thin: they parse, authorize (the role
//! extractors of [`crate::auth`]), call the service layer ([`crate::service`]) and answer.

pub mod account;
pub mod admin;
pub mod cases;
pub mod insight;
pub mod mail;
pub mod ops;
pub mod public;
pub mod redaction;
pub mod release;
pub mod supervision;
