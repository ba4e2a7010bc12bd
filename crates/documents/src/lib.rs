//! gongkai's document work on bytes: files made for people to print, fill in or read, with no
//! database and no HTTP (DESIGN.md, "documents"). The paper application form
//! ([`application_form`]) and the reply letter as PDF ([`letter_pdf`]); page rendering and
//! redaction come with the release issues.

mod form;
mod letter;
mod redact;

pub use form::{ApplicationForm, application_form};
pub use letter::{DEFAULT_FONT_PATHS, Font, FontFile, Letter, LetterItem, letter_pdf};
pub use redact::{
    FileKind, PageImage, RedactBox, RedactError, RedactLimits, Redacted, decode_scan, file_kind,
    redact_file, redact_image, redact_pdf, render_pdf_page,
};

/// A document could not be written.
#[derive(Debug, thiserror::Error)]
#[error("could not write the document: {0}")]
pub struct DocumentError(String);
