//! Information processing fees (信息处理费), 国办函〔2020〕109号.

use crate::model::FeeMethod;

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

/// How the fee was computed, in the words of the fee notice.
pub fn fee_basis_zh(method: FeeMethod) -> String {
    match method {
        FeeMethod::PerRequest { nth } => format!(
            "按件计收：本申请为申请人本自然月内第 {nth} 件申请，按《政府信息公开信息处理费管理办法》计收 {} 元",
            fee_yuan(method)
        ),
        FeeMethod::PerPage { pages } => format!(
            "按量计收：本次提供信息共 {pages} 页（30 页以下（含 30 页）免费，31—100 页的部分每页 10 元，101—200 页的部分每页 20 元，超过 200 页的部分每页 40 元），计收 {} 元",
            fee_yuan(method)
        ),
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
}
