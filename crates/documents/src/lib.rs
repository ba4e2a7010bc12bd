//! gongkai's document work on bytes: files made for people to print, fill in or read, with no
//! database and no HTTP (DESIGN.md, "documents"). Today the paper application form
//! ([`application_form`]); the reply letter as PDF, page rendering and redaction come with the
//! release issues.

mod form;

pub use form::{ApplicationForm, application_form};

/// A document could not be written.
#[derive(Debug, thiserror::Error)]
#[error("could not write the document: {0}")]
pub struct DocumentError(String);
