//! The applicant's identity document (身份证明, art. 29) and the checks an online filing
//! passes before it is accepted: the document checked by its type, and the contact detail
//! that the chosen delivery needs.
//!
//! - 居民身份证 and 港澳台居民居住证: the 18-character citizen identity number of GB 11643-1999,
//!   whose last character is the ISO 7064 MOD 11-2 check character (0–9 or X), with a real
//!   date of birth in characters 7–14;
//! - 统一社会信用代码: the 18-character code of GB 32100-2015 over the 31 characters
//!   0–9 and A–Y without I, O, Z, S, V, whose last character is the MOD 31 check character
//!   (weights 3^i mod 31);
//! - the other documents by their length and characters (letters and digits).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::request::{Applicant, ApplicantType, Delivery, RequestDetails};
use crate::rejection::{Rejection, RejectionCode as R};
use crate::vocabulary::vocabulary;

/// 证件类型.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum IdDocumentType {
    /// 居民身份证: 18 characters with the GB 11643 check character.
    ResidentId,
    /// 统一社会信用代码 (organisations): 18 characters with the GB 32100 check character.
    CreditCode,
    /// 护照: 5–20 letters and digits.
    Passport,
    /// 港澳居民来往内地通行证: 9–11 letters and digits (H or M and 8 or 10 digits).
    HkMacaoPermit,
    /// 台湾居民来往大陆通行证: 8–10 letters and digits.
    TaiwanPermit,
    /// 港澳台居民居住证: an 18-character number with the GB 11643 check character.
    HmtResidencePermit,
    /// 外国人永久居留身份证: 15 (until 2023) or 18 letters and digits.
    ForeignPermanentResidence,
    /// 其他有效身份证明: 4–30 letters, digits and hyphens.
    Other,
}

vocabulary!(IdDocumentType {
    ResidentId => "resident_id", "居民身份证";
    CreditCode => "credit_code", "统一社会信用代码";
    Passport => "passport", "护照";
    HkMacaoPermit => "hk_macao_permit", "港澳居民来往内地通行证";
    TaiwanPermit => "taiwan_permit", "台湾居民来往大陆通行证";
    HmtResidencePermit => "hmt_residence_permit", "港澳台居民居住证";
    ForeignPermanentResidence => "foreign_permanent_residence", "外国人永久居留身份证";
    Other => "other", "其他有效身份证明";
});

impl IdDocumentType {
    /// Whether an applicant of `kind` may identify with this document: a natural person with a
    /// personal document, an organisation with its credit code (or, lacking one, another
    /// document such as a foreign registration certificate).
    pub fn fits(self, kind: ApplicantType) -> bool {
        match kind {
            ApplicantType::NaturalPerson => self != IdDocumentType::CreditCode,
            _ => matches!(self, IdDocumentType::CreditCode | IdDocumentType::Other),
        }
    }

    /// The lengths (characters) a number of this type may have.
    pub const fn lengths(self) -> (usize, usize) {
        match self {
            IdDocumentType::ResidentId
            | IdDocumentType::CreditCode
            | IdDocumentType::HmtResidencePermit => (18, 18),
            IdDocumentType::Passport => (5, 20),
            IdDocumentType::HkMacaoPermit => (9, 11),
            IdDocumentType::TaiwanPermit => (8, 10),
            IdDocumentType::ForeignPermanentResidence => (15, 18),
            IdDocumentType::Other => (4, 30),
        }
    }
}

/// The number as stored: without spaces, letters in upper case (a lower-case x check
/// character becomes X).
pub fn normalise_id_number(number: &str) -> String {
    number
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The GB 11643-1999 check character (ISO 7064 MOD 11-2) of the first 17 digits.
pub fn resident_id_check(first17: &str) -> Option<char> {
    if first17.len() != 17 || !first17.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let sum: u32 = first17
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            // Weight of position i (from the left, 0-based): 2^(17-i) mod 11.
            let weight = (1u32 << (17 - i)) % 11;
            u32::from(b - b'0') * weight
        })
        .sum();
    let check = (12 - sum % 11) % 11;
    Some(if check == 10 {
        'X'
    } else {
        char::from_digit(check, 10)?
    })
}

/// Why a citizen identity number (GB 11643) is not one; none when it is.
fn resident_id_problem(number: &str) -> Option<String> {
    let chars = number.chars().count();
    if chars != 18 {
        return Some(format!("身份证号码应为 18 位，收到 {chars} 位"));
    }
    let (first17, last) = number.split_at(17);
    if !first17.bytes().all(|b| b.is_ascii_digit()) {
        return Some("身份证号码前 17 位应为数字".to_owned());
    }
    if !matches!(
        last,
        "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "X"
    ) {
        return Some("身份证号码最后一位应为数字或 X".to_owned());
    }
    let birth = &first17[6..14];
    if NaiveDate::parse_from_str(birth, "%Y%m%d").is_err() {
        return Some(format!(
            "身份证号码第 7–14 位的出生日期“{birth}”不是有效日期"
        ));
    }
    match resident_id_check(first17) {
        Some(c) if last.starts_with(c) => None,
        _ => Some("身份证号码校验位不正确，请核对后重新填写".to_owned()),
    }
}

/// The 31 characters of GB 32100-2015, in the order of their values 0–30.
const CREDIT_CODE_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// The GB 32100-2015 check character of the first 17 characters.
pub fn credit_code_check(first17: &str) -> Option<char> {
    if first17.chars().count() != 17 {
        return None;
    }
    let mut sum = 0usize;
    let mut weight = 1usize;
    for c in first17.chars() {
        let value = CREDIT_CODE_CHARS.find(c)?;
        sum += value * weight;
        weight = weight * 3 % 31;
    }
    let check = (31 - sum % 31) % 31;
    CREDIT_CODE_CHARS.chars().nth(check)
}

/// Why a unified social credit code (GB 32100) is not one; none when it is.
fn credit_code_problem(code: &str) -> Option<String> {
    let chars = code.chars().count();
    if chars != 18 {
        return Some(format!("统一社会信用代码应为 18 位，收到 {chars} 位"));
    }
    if let Some(bad) = code.chars().find(|c| !CREDIT_CODE_CHARS.contains(*c)) {
        return Some(format!(
            "统一社会信用代码只含数字和除 I、O、Z、S、V 以外的大写字母，不含“{bad}”"
        ));
    }
    let (first17, last) = code.split_at(17);
    match credit_code_check(first17) {
        Some(c) if last.starts_with(c) => None,
        _ => Some("统一社会信用代码校验位不正确，请核对后重新填写".to_owned()),
    }
}

/// Why `number` (normalised) is not a number of `kind`; none when it is.
pub fn id_number_problem(kind: IdDocumentType, number: &str) -> Option<String> {
    match kind {
        IdDocumentType::ResidentId | IdDocumentType::HmtResidencePermit => {
            resident_id_problem(number)
        }
        IdDocumentType::CreditCode => credit_code_problem(number),
        _ => {
            let (min, max) = kind.lengths();
            let chars = number.chars().count();
            let label = kind.label_zh();
            if chars < min || chars > max {
                let range = if min == max {
                    format!("{min}")
                } else {
                    format!("{min}–{max}")
                };
                return Some(format!("{label}号码应为 {range} 位，收到 {chars} 位"));
            }
            let allowed =
                |c: char| c.is_ascii_alphanumeric() || (kind == IdDocumentType::Other && c == '-');
            if !number.chars().all(allowed) {
                return Some(format!("{label}号码只能包含字母和数字"));
            }
            None
        }
    }
}

/// Everything wrong with the applicant of an online filing beyond the plain text checks,
/// each refusal naming its field: the identity document (art. 29 requires 身份证明) checked
/// by its type, and the contact detail the delivery needs (an e-mail address for 电子邮件, a
/// postal address for 邮寄). Empty when the filing may be received.
pub fn filing_problems(applicant: &Applicant, request: &RequestDetails) -> Vec<Rejection> {
    let mut problems = Vec::new();
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    let number = applicant
        .id_document
        .as_deref()
        .map(normalise_id_number)
        .filter(|n| !n.is_empty());
    match applicant.id_document_type {
        None => problems.push(Rejection::at(
            R::IdDocumentRequired,
            "applicant.id_document_type",
            "请选择证件类型（身份证明为申请必备内容）",
        )),
        Some(kind) => {
            if let Some(applicant_kind) = applicant.kind
                && !kind.fits(applicant_kind)
            {
                let message = if applicant_kind == ApplicantType::NaturalPerson {
                    "自然人请选择本人的身份证件，统一社会信用代码用于法人或其他组织"
                } else {
                    "法人或其他组织请选择“统一社会信用代码”（没有的，选择“其他有效身份证明”）"
                };
                problems.push(Rejection::at(
                    R::IdDocumentInvalid,
                    "applicant.id_document_type",
                    message,
                ));
            }
        }
    }
    match (&number, applicant.id_document_type) {
        (None, _) => problems.push(Rejection::at(
            R::IdDocumentRequired,
            "applicant.id_document",
            "请填写证件号码（身份证明为申请必备内容）",
        )),
        (Some(n), Some(kind)) => {
            if let Some(message) = id_number_problem(kind, n) {
                problems.push(Rejection::at(
                    R::IdDocumentInvalid,
                    "applicant.id_document",
                    message,
                ));
            }
        }
        (Some(_), None) => {}
    }
    let (field, wanted) = match request.delivery {
        Delivery::Email => ("applicant.email", blank(&applicant.email)),
        Delivery::Post => ("applicant.address", blank(&applicant.address)),
        _ => ("", false),
    };
    if wanted {
        let message = match request.delivery {
            Delivery::Email => "获取方式为电子邮件的，请填写电子邮箱",
            _ => "获取方式为邮寄的，请填写通信地址（含邮政编码）",
        };
        problems.push(Rejection::at(R::DeliveryContactRequired, field, message));
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Carrier;

    /// A valid citizen identity number with `first17`, its check character computed.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", resident_id_check(first17).unwrap())
    }

    #[test]
    fn the_standard_example_numbers_check() {
        // GB 11643-1999's own example, and the credit code example of GB 32100-2015's users.
        assert_eq!(resident_id_check("11010519491231002"), Some('X'));
        assert_eq!(
            id_number_problem(IdDocumentType::ResidentId, "11010519491231002X"),
            None
        );
        assert_eq!(credit_code_check("91350100M000100Y4"), Some('3'));
        assert_eq!(
            id_number_problem(IdDocumentType::CreditCode, "91350100M000100Y43"),
            None
        );
    }

    #[test]
    fn computed_numbers_check_and_one_changed_character_does_not() {
        for first17 in [
            "44030419900307001",
            "11010119900307451",
            "81000019800101003",
        ] {
            let good = with_check(first17);
            assert_eq!(
                id_number_problem(IdDocumentType::ResidentId, &good),
                None,
                "{good}"
            );
            assert_eq!(
                id_number_problem(IdDocumentType::HmtResidencePermit, &good),
                None,
                "{good}"
            );
            let last = good.chars().last().unwrap();
            let wrong = if last == '0' { '1' } else { '0' };
            let bad = format!("{first17}{wrong}");
            let problem = id_number_problem(IdDocumentType::ResidentId, &bad).unwrap();
            assert!(problem.contains("校验位"), "{problem}");
        }
        // 110101199003074514 (the testkit's number) is valid: its check digit is 4.
        assert_eq!(resident_id_check("11010119900307451"), Some('4'));
    }

    #[test]
    fn resident_ids_of_the_wrong_length_or_date_are_named_so() {
        let p = id_number_problem(IdDocumentType::ResidentId, "11010519491231").unwrap();
        assert!(p.contains("18 位") && p.contains("14 位"), "{p}");
        let p = id_number_problem(IdDocumentType::ResidentId, "110105194912310A2X").unwrap();
        assert!(p.contains("前 17 位"), "{p}");
        let p = id_number_problem(IdDocumentType::ResidentId, "11010519491231002Y").unwrap();
        assert!(p.contains("数字或 X"), "{p}");
        // 1949-02-30 does not exist, whatever the check character.
        let no_date = with_check("11010519490230002");
        let p = id_number_problem(IdDocumentType::ResidentId, &no_date).unwrap();
        assert!(p.contains("出生日期"), "{p}");
    }

    #[test]
    fn credit_codes_refuse_the_five_excluded_letters_and_a_wrong_check() {
        let p = id_number_problem(IdDocumentType::CreditCode, "91350100M000100Y44").unwrap();
        assert!(p.contains("校验位"), "{p}");
        for bad in ['I', 'O', 'Z', 'S', 'V'] {
            let code = format!("91350100{bad}000100Y43");
            let p = id_number_problem(IdDocumentType::CreditCode, &code).unwrap();
            assert!(p.contains(bad), "{p}");
        }
        let p = id_number_problem(IdDocumentType::CreditCode, "91350100M000100").unwrap();
        assert!(p.contains("18 位"), "{p}");
        // A computed code checks.
        let first17 = "52110105MJ0000000";
        let code = format!("{first17}{}", credit_code_check(first17).unwrap());
        assert_eq!(id_number_problem(IdDocumentType::CreditCode, &code), None);
    }

    #[test]
    fn other_documents_are_checked_by_length_and_characters() {
        let t = IdDocumentType::Passport;
        assert_eq!(id_number_problem(t, "E12345678"), None);
        assert!(id_number_problem(t, "E123").unwrap().contains("5–20"));
        assert!(id_number_problem(t, &"E".repeat(21)).is_some());
        assert!(
            id_number_problem(t, "E1234-678")
                .unwrap()
                .contains("字母和数字")
        );
        assert_eq!(
            id_number_problem(IdDocumentType::HkMacaoPermit, "H12345678"),
            None
        );
        assert!(id_number_problem(IdDocumentType::HkMacaoPermit, "H1234567").is_some());
        assert_eq!(
            id_number_problem(IdDocumentType::TaiwanPermit, "12345678"),
            None
        );
        assert_eq!(
            id_number_problem(IdDocumentType::ForeignPermanentResidence, "USA123456789012"),
            None
        );
        assert_eq!(id_number_problem(IdDocumentType::Other, "AB-1234"), None);
        assert_eq!(
            normalise_id_number(" 11010519491231002x "),
            "11010519491231002X"
        );
    }

    fn filing(
        kind: ApplicantType,
        doc: Option<(IdDocumentType, &str)>,
        delivery: Delivery,
    ) -> (Applicant, RequestDetails) {
        (
            Applicant {
                kind: Some(kind),
                name: "王某".into(),
                id_document_type: doc.map(|d| d.0),
                id_document: doc.map(|d| d.1.to_owned()),
                phone: Some("13800000000".into()),
                email: None,
                address: None,
            },
            RequestDetails {
                description: "某文件".into(),
                document_number: None,
                carrier: Carrier::Electronic,
                delivery,
            },
        )
    }

    fn fields(problems: &[Rejection]) -> Vec<(RejectionCode, &'static str)> {
        problems
            .iter()
            .map(|r| (r.code, r.field.unwrap()))
            .collect()
    }

    use crate::rejection::RejectionCode;

    #[test]
    fn a_filing_needs_a_document_that_checks_and_the_deliverys_contact() {
        let id = (IdDocumentType::ResidentId, "11010519491231002x");
        let (a, r) = filing(ApplicantType::NaturalPerson, Some(id), Delivery::Online);
        assert!(filing_problems(&a, &r).is_empty());
        let (a, r) = filing(ApplicantType::NaturalPerson, None, Delivery::Online);
        assert_eq!(
            fields(&filing_problems(&a, &r)),
            [
                (R::IdDocumentRequired, "applicant.id_document_type"),
                (R::IdDocumentRequired, "applicant.id_document")
            ]
        );
        let (a, r) = filing(
            ApplicantType::NaturalPerson,
            Some((IdDocumentType::ResidentId, "11010519491231")),
            Delivery::Email,
        );
        assert_eq!(
            fields(&filing_problems(&a, &r)),
            [
                (R::IdDocumentInvalid, "applicant.id_document"),
                (R::DeliveryContactRequired, "applicant.email")
            ]
        );
        let (mut a, r) = filing(ApplicantType::NaturalPerson, Some(id), Delivery::Post);
        assert_eq!(
            fields(&filing_problems(&a, &r)),
            [(R::DeliveryContactRequired, "applicant.address")]
        );
        a.address = Some("北京市东城区某路 1 号 100010".into());
        assert!(filing_problems(&a, &r).is_empty());
    }

    #[test]
    fn the_document_must_fit_the_applicant() {
        let code = (IdDocumentType::CreditCode, "91350100M000100Y43");
        let (a, r) = filing(ApplicantType::NaturalPerson, Some(code), Delivery::Online);
        assert_eq!(
            fields(&filing_problems(&a, &r)),
            [(R::IdDocumentInvalid, "applicant.id_document_type")]
        );
        let (a, r) = filing(ApplicantType::Commercial, Some(code), Delivery::Online);
        assert!(filing_problems(&a, &r).is_empty());
        let passport = (IdDocumentType::Passport, "E12345678");
        let (a, r) = filing(
            ApplicantType::LegalService,
            Some(passport),
            Delivery::Online,
        );
        assert_eq!(
            fields(&filing_problems(&a, &r)),
            [(R::IdDocumentInvalid, "applicant.id_document_type")]
        );
    }
}
