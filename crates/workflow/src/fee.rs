//! Information processing fees (信息处理费), 国办函〔2020〕109号.

use chrono::{Datelike, NaiveDate};

use crate::model::{FeeMethod, ReleaseItem};

/// The fee in yuan for one request.
///
/// - Per request (按件): the applicant's requests within one calendar month; 1–10 free,
///   11–30 cost 100 yuan each, and from the 31st each band of 10 costs 100 yuan more per
///   request than the band before (31–40: 200, 41–50: 300, …). `nth` is this request's place
///   in the month.
/// - Per page (按量), within one request, by the part of the page count in each band: 1–30
///   free, 31–100 at 10 yuan, 101–200 at 20 yuan, beyond 200 at 40 yuan a page.
pub fn fee_yuan(method: FeeMethod) -> u64 {
    match method {
        FeeMethod::PerRequest { nth } => match nth {
            0..=10 => 0,
            11..=30 => 100,
            n => 100 * (u64::from(n - 31) / 10 + 2),
        },
        FeeMethod::PerPage { pages } => {
            let p = u64::from(pages);
            let band = |lo: u64, hi: u64| p.min(hi).saturating_sub(lo);
            10 * band(30, 100) + 20 * band(100, 200) + 40 * p.saturating_sub(200)
        }
    }
}

/// How the fee was computed, in the words of the fee notice, without the facts behind the
/// figure (see [`fee_explanation_zh`]).
pub fn fee_basis_zh(method: FeeMethod) -> String {
    fee_explanation_zh(method, &FeeFacts::default())
}

/// The facts a computed figure was counted from, for the notice to state them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FeeFacts {
    /// 按件: the calendar month the request was received in (any day of it).
    pub month: Option<NaiveDate>,
    /// 按量: the documents to be provided, (title, pages).
    pub documents: Vec<(String, u32)>,
}

/// 2026年12月, as the notice writes a calendar month.
pub fn month_zh(d: NaiveDate) -> String {
    format!("{}年{}月", d.year(), d.month())
}

/// How the fee was computed, in the words of the fee notice: the method and its article of
/// the 办法 (art. 4 per request, art. 5 per page; art. 3: one method per request, counted
/// progressively), the count and where it comes from (the month; the documents and their
/// pages), and the amount.
pub fn fee_explanation_zh(method: FeeMethod, facts: &FeeFacts) -> String {
    const ACT: &str = "《政府信息公开信息处理费管理办法》";
    match method {
        FeeMethod::PerRequest { nth } => {
            let month = facts
                .month
                .map(|m| format!("{}内", month_zh(m)))
                .unwrap_or_else(|| "本自然月内".to_owned());
            format!(
                "按件计收：本申请为申请人{month}向本机关提出的第 {nth} 件申请（同一申请人一个自然月内累计申请 10 件以下（含 10 件）的不收费，11—30 件的部分每件 100 元，31 件以上的部分以 10 件为一档、每增加一档每件提高 100 元）。依据{ACT}第三条、第四条，计收 {} 元",
                fee_yuan(method)
            )
        }
        FeeMethod::PerPage { pages } => {
            let listed: u64 = facts.documents.iter().map(|(_, p)| u64::from(*p)).sum();
            let from = if !facts.documents.is_empty() && listed == u64::from(pages) {
                let items: Vec<String> = facts
                    .documents
                    .iter()
                    .map(|(t, p)| format!("《{t}》{p} 页"))
                    .collect();
                format!("（{}）", items.join("、"))
            } else {
                String::new()
            };
            format!(
                "按量计收：本次提供信息共 {pages} 页{from}（30 页以下（含 30 页）免费，31—100 页的部分每页 10 元，101—200 页的部分每页 20 元，超过 200 页的部分每页 40 元）。依据{ACT}第三条、第五条，计收 {} 元",
                fee_yuan(method)
            )
        }
    }
}

/// The page count of a release for 按量计收: the pages of every document provided (a
/// pointer to information already published provides nothing and counts none). A document's
/// pages are its own, or else its file's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReleasePages {
    /// The total and each document counted, (title, pages).
    Counted {
        pages: u32,
        documents: Vec<(String, u32)>,
    },
    /// No document to provide.
    Empty,
    /// The documents (by 0-based item index and title) whose pages are not known.
    Unknown(Vec<(usize, String)>),
}

pub fn release_pages(items: &[ReleaseItem]) -> ReleasePages {
    let mut documents = Vec::new();
    let mut unknown = Vec::new();
    let mut total: u32 = 0;
    for (i, item) in items.iter().enumerate() {
        let ReleaseItem::Document {
            title, pages, file, ..
        } = item
        else {
            continue;
        };
        match pages.or_else(|| file.as_ref().and_then(|f| f.pages)) {
            Some(p) if p > 0 => {
                total = total.saturating_add(p);
                documents.push((title.clone(), p));
            }
            _ => unknown.push((i, title.clone())),
        }
    }
    if !unknown.is_empty() {
        ReleasePages::Unknown(unknown)
    } else if documents.is_empty() {
        ReleasePages::Empty
    } else {
        ReleasePages::Counted {
            pages: total,
            documents,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_request_bands() {
        let f = |nth| fee_yuan(FeeMethod::PerRequest { nth });
        assert_eq!([f(1), f(10), f(11), f(30)], [0, 0, 100, 100]);
        assert_eq!(
            [f(31), f(40), f(41), f(50), f(51)],
            [200, 200, 300, 300, 400]
        );
    }

    #[test]
    fn per_page_is_marginal() {
        let f = |pages| fee_yuan(FeeMethod::PerPage { pages });
        assert_eq!(f(30), 0);
        assert_eq!(f(31), 10);
        assert_eq!(f(100), 700);
        assert_eq!(f(101), 720);
        assert_eq!(f(200), 2700);
        assert_eq!(f(201), 2740);
    }

    /// 以上 includes the number itself: the band from page 201 is "超过 200 页的部分".
    #[test]
    fn per_page_wording_says_beyond_200() {
        let text = fee_basis_zh(FeeMethod::PerPage { pages: 250 });
        assert!(text.contains("超过 200 页的部分每页 40 元"), "{text}");
        assert!(!text.contains("200 页以上"), "{text}");
        assert!(text.contains("计收 4700 元"), "{text}");
    }

    fn doc(title: &str, pages: Option<u32>, file_pages: Option<u32>) -> ReleaseItem {
        ReleaseItem::Document {
            title: title.to_owned(),
            document_number: None,
            pages,
            form: crate::model::ReleaseForm::Paper,
            file: file_pages.map(|p| crate::model::ReleasedFile {
                attachment: "a".to_owned(),
                sha256: String::new(),
                size: 0,
                pages: Some(p),
                source: None,
            }),
        }
    }

    #[test]
    fn release_pages_count_documents_only() {
        let items = vec![
            doc("甲", Some(100), None),
            ReleaseItem::Published {
                title: "乙".to_owned(),
                location: "政府网站".to_owned(),
                link: None,
            },
            doc("丙", None, Some(50)),
        ];
        assert_eq!(
            release_pages(&items),
            ReleasePages::Counted {
                pages: 150,
                documents: vec![("甲".to_owned(), 100), ("丙".to_owned(), 50)],
            }
        );
        assert_eq!(release_pages(&items[1..2]), ReleasePages::Empty);
        assert_eq!(release_pages(&[]), ReleasePages::Empty);
    }

    #[test]
    fn release_pages_name_the_documents_without_pages() {
        let items = vec![
            doc("甲", Some(10), None),
            doc("乙", None, None),
            doc("丙", Some(0), None),
        ];
        assert_eq!(
            release_pages(&items),
            ReleasePages::Unknown(vec![(1, "乙".to_owned()), (2, "丙".to_owned())])
        );
    }

    #[test]
    fn the_explanation_states_the_month_and_the_documents() {
        let month = NaiveDate::from_ymd_opt(2026, 12, 3);
        let text = fee_explanation_zh(
            FeeMethod::PerRequest { nth: 12 },
            &FeeFacts {
                month,
                documents: Vec::new(),
            },
        );
        assert!(
            text.contains("2026年12月内向本机关提出的第 12 件申请"),
            "{text}"
        );
        assert!(text.contains("第三条、第四条"), "{text}");
        assert!(text.contains("计收 100 元"), "{text}");
        let facts = FeeFacts {
            month: None,
            documents: vec![("甲".to_owned(), 100), ("丙".to_owned(), 50)],
        };
        let text = fee_explanation_zh(FeeMethod::PerPage { pages: 150 }, &facts);
        assert!(
            text.contains("共 150 页（《甲》100 页、《丙》50 页）"),
            "{text}"
        );
        assert!(text.contains("第三条、第五条"), "{text}");
        assert!(text.contains("计收 1700 元"), "{text}");
        // Documents that do not add up to the figure are not listed as its source.
        let text = fee_explanation_zh(FeeMethod::PerPage { pages: 151 }, &facts);
        assert!(!text.contains("《甲》"), "{text}");
    }
}
