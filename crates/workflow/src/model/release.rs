//! The release of a reply: what exactly the agency provides to the applicant. Each item is a
//! document (with the form it is provided in and, for an electronic one, the file) or a
//! pointer to information already published. The files' hashes and sizes are part of the
//! events that record the draft and the approved reply, so the audit chain covers what left
//! the agency.

use serde::{Deserialize, Serialize};

use crate::vocabulary::vocabulary;

/// How a released document is provided (the carrier of art. 40).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReleaseForm {
    Electronic,
    Paper,
    OnSite,
}

vocabulary!(ReleaseForm {
    Electronic => "electronic", "电子文档";
    Paper => "paper", "纸质";
    OnSite => "on_site", "现场查阅、复制";
});

/// A released file: a case attachment, named by its id, with the content's sha256 and size as
/// the service found them in the store (never as a client claims them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReleasedFile {
    /// The attachment's id within the case.
    pub attachment: String,
    /// Filled by the server from the stored attachment.
    #[serde(default)]
    pub sha256: String,
    /// Filled by the server from the stored attachment (bytes).
    #[serde(default)]
    pub size: u64,
    /// The file's page count, where known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages: Option<u32>,
    /// The staff file this one was made from (a redacted version's original); none when the
    /// file itself is released.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// One item of a release.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ReleaseItem {
    /// A document provided to the applicant.
    Document {
        title: String,
        /// 文号, if the document has one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        document_number: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pages: Option<u32>,
        form: ReleaseForm,
        /// The file, required when the form is electronic.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        file: Option<ReleasedFile>,
    },
    /// Information already published (art. 36(1)): where the applicant finds it.
    Published {
        title: String,
        /// Where it is published (a gazette, a website, a reading room).
        location: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        link: Option<String>,
    },
}

impl ReleaseItem {
    pub fn title(&self) -> &str {
        match self {
            ReleaseItem::Document { title, .. } | ReleaseItem::Published { title, .. } => title,
        }
    }

    pub fn file(&self) -> Option<&ReleasedFile> {
        match self {
            ReleaseItem::Document { file, .. } => file.as_ref(),
            ReleaseItem::Published { .. } => None,
        }
    }

    pub fn file_mut(&mut self) -> Option<&mut ReleasedFile> {
        match self {
            ReleaseItem::Document { file, .. } => file.as_mut(),
            ReleaseItem::Published { .. } => None,
        }
    }

    /// One line a person reads: title, 文号, pages and form, or where it is published.
    pub fn describe_zh(&self) -> String {
        match self {
            ReleaseItem::Document {
                title,
                document_number,
                pages,
                form,
                ..
            } => {
                let mut line = format!("《{title}》");
                if let Some(n) = document_number {
                    line.push_str(&format!("（{n}）"));
                }
                if let Some(p) = pages {
                    line.push_str(&format!("，{p} 页"));
                }
                line.push_str(&format!("，{}", form.label_zh()));
                line
            }
            ReleaseItem::Published {
                title,
                location,
                link,
            } => {
                let mut line = format!("《{title}》，已公开于{location}");
                if let Some(l) = link {
                    line.push_str(&format!("（{l}）"));
                }
                line
            }
        }
    }
}

/// The conclusion of a secrecy review (保密审查) of a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SecrecyConclusion {
    /// 可以公开: the release may go out as it stands.
    MayDisclose,
    /// 需区分处理: part must be withheld; passes for a 部分公开 reply only.
    Separate,
    /// 不得公开: the release may not go out.
    MustNotDisclose,
}

vocabulary!(SecrecyConclusion {
    MayDisclose => "may_disclose", "可以公开";
    Separate => "separate", "需区分处理";
    MustNotDisclose => "must_not_disclose", "不得公开";
});

/// A secrecy review recorded for the draft in force: who, when, what they concluded and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecrecyReview {
    pub by: String,
    pub on: chrono::NaiveDate,
    pub conclusion: SecrecyConclusion,
    pub basis: String,
}
