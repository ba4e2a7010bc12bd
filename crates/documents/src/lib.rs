//! gongkai's document work on bytes: files made for people to print, fill in or read, with no
//! database and no HTTP (DESIGN.md, "documents"). The paper application form
//! ([`application_form`]), the reply letter as PDF ([`letter_pdf`]), and redaction by
//! burn-in of PDF files and scans ([`redact_pdf`], [`redact_image`]) and of tables
//! ([`redact_xlsx`], [`redact_csv`]), with proposals of boxes for personal identifiers
//! found in a PDF's text ([`propose_pdf`]).

mod form;
mod layout;
mod letter;
mod proposals;
mod redact;
mod tables;

pub use form::{ApplicationForm, application_form};
pub use layout::{Layout, layout, page_png};
pub use letter::{DEFAULT_FONT_PATHS, Font, FontFile, Letter, LetterItem, letter_pdf};
pub use proposals::{
    CellProposal, NAME_CHARS, Proposal, ProposalKind, Proposals, TableKind, identifiers_in,
    propose_pdf, propose_table,
};
pub use redact::{
    FileKind, PageImage, RedactBox, RedactError, RedactLimits, RedactSummary, Redacted,
    decode_scan, file_kind, redact_file, redact_image, redact_pdf, redact_pdf_into,
    render_pdf_page,
};
pub use tables::{
    REDACTED_CELL, RedactedTable, SheetPreview, TableError, TableLimits, TableRedaction,
    redact_csv, redact_xlsx, table_preview,
};

/// This crate's version, recorded with each redaction (what made the released version).
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A document could not be written.
#[derive(Debug, thiserror::Error)]
#[error("could not write the document: {0}")]
pub struct DocumentError(String);
