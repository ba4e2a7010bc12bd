//! What an admin reads about the templates on /admin/templates: each template's name and
//! addressee in Chinese, and every variable a template may use with its meaning (docs/notices.md
//! has the same table in English). A test checks the list against the variables the notices
//! really carry, so the page cannot fall behind.

use gongkai_workflow::NoticeKind;

use crate::templates::FOOTER;

/// The template `key`'s name as the admin page shows it, or `None` for an unknown key.
pub fn template_label_zh(key: &str) -> Option<&'static str> {
    if key == FOOTER {
        return Some("通知书落款（救济途径、机关名称、日期、文号）");
    }
    NoticeKind::from_key(key).map(NoticeKind::label_zh)
}

/// To whom the notices of template `key` go.
pub fn template_audience_zh(key: &str) -> &'static str {
    match NoticeKind::from_key(key) {
        None => "所有对外通知书",
        Some(k) if k.is_internal() => "工作人员",
        Some(
            NoticeKind::ThirdPartyConsultation
            | NoticeKind::ThirdPartyDisclosure
            | NoticeKind::AgencyConsultation
            | NoticeKind::AgencyOpinionRequest,
        ) => "第三方或者其他机关",
        Some(_) => "申请人",
    }
}

/// Every variable (`name`, meaning), in the order the page lists them. Nested ones are written
/// with a dot, as templates use them (`{{ reply.text }}`).
pub const VARIABLES: &[(&str, &str)] = &[
    ("agency", "行政机关名称"),
    ("department", "承办部门名称"),
    ("doc_no", "本通知书的文号"),
    ("date", "本通知书的日期（所记载事项的法定日期）"),
    ("tracking_number", "申请编号（登记前为“（尚未登记）”）"),
    ("applicant", "申请人姓名或者名称"),
    ("request", "所需信息的名称或者描述"),
    ("document_number", "所需信息的文号（申请人填写的）"),
    ("channel", "申请方式（网上申请、当面提交、邮寄等）"),
    ("filed_online", "是否网上申请（真/假）"),
    ("receipt_date", "收到申请之日"),
    ("due_date", "答复期限届满之日"),
    ("due_known", "答复期限是否已确定（中止、暂停期间为假）"),
    ("due_explanation", "答复期限的计算说明（多行）"),
    (
        "due_basis",
        "规定答复期限的条款（2019年5月15日前收到的申请为2008年条例第二十四条）",
    ),
    ("correction.items", "需要补正的事项（列表）"),
    ("correction.requested_on", "通知补正之日"),
    ("correction.deadline", "补正期限"),
    ("extension.days", "延长的工作日数"),
    ("extension.reason", "延期理由"),
    ("reasonable.date", "依第三十五条确定的答复日期"),
    ("reasonable.reason", "确定该期限的理由"),
    ("consultation.party", "被征求意见的第三方或者机关"),
    ("consultation.deadline", "征求意见期限的最后一日"),
    ("consultation.letter_date", "征求意见函的日期"),
    ("consultation.sent_by", "征求意见函的送达方式"),
    ("consultation.received_on", "对方收到（或者推定收到）之日"),
    ("consultation.has_window", "法律是否规定了答复期限（真/假）"),
    ("reasons.grounds", "要求说明理由的事实"),
    ("reasons.requested_on", "要求说明理由之日"),
    ("reasons.deadline", "说明理由的期限"),
    ("fee.amount", "信息处理费金额（元）"),
    ("fee.basis", "收费的计算方式"),
    ("fee.notice_date", "收费通知之日"),
    ("fee.deadline", "缴费期限"),
    ("reply.outcome", "答复结果（按年度报告的表述）"),
    ("reply.ground", "具体理由"),
    ("reply.basis", "所依据的条款"),
    ("reply.text", "经审核的答复正文"),
    (
        "reply.competent_agency",
        "负责公开该信息的机关（第三十六条第（五）项）",
    ),
    ("reply.competent_agency_contact", "负责公开机关的联系方式"),
    (
        "reply.disclosure",
        "不采纳第三方意见而决定公开的理由（第三十二条）",
    ),
    (
        "reply.release",
        "提供的信息（列表，每项为标题、文号、页数和提供形式，或已公开信息的获取途径）",
    ),
    (
        "reply.redactions",
        "对提供的文件所作的区分处理（列表，每个文件一行：页码或单元格、处数和依据的条款、理由）",
    ),
    (
        "reply.access",
        "申请人按所选获取方式获取所提供信息的说明（网上获取、电子邮件、邮寄等；没有提供信息时为空）",
    ),
    ("withdrawal_reason", "申请人撤回申请的理由"),
    (
        "remedy",
        "救济途径告知（仅用于可以申请复议、提起诉讼的决定）",
    ),
    ("staff.recipient", "收件的工作人员"),
    ("staff.link", "案件页面的链接"),
    ("staff.assignee", "承办人"),
    ("staff.what", "待审核的内容"),
    ("staff.return_reason", "退回修改的理由"),
    ("staff.order", "重新办理的依据（复议决定、判决等）"),
];

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::collections::BTreeSet;

    use super::*;
    use crate::context::NoticeContext;
    use crate::templates::keys;

    /// The variables a notice really carries, as dotted paths.
    fn carried() -> BTreeSet<String> {
        let value =
            serde_json::to_value(NoticeContext::sample(NoticeKind::Acknowledgment)).unwrap();
        let mut paths = BTreeSet::new();
        for (name, v) in value.as_object().unwrap() {
            match v.as_object() {
                Some(inner) => paths.extend(inner.keys().map(|k| format!("{name}.{k}"))),
                None => {
                    paths.insert(name.clone());
                }
            }
        }
        paths
    }

    #[test]
    fn the_page_lists_exactly_the_variables_notices_carry() {
        let listed: BTreeSet<String> = VARIABLES.iter().map(|(n, _)| (*n).to_owned()).collect();
        assert_eq!(listed.len(), VARIABLES.len(), "a variable is listed twice");
        assert_eq!(listed, carried());
    }

    #[test]
    fn every_template_has_a_chinese_name_and_addressee() {
        let mut names = BTreeSet::new();
        for key in keys() {
            let label = template_label_zh(&key).unwrap();
            assert!(!label.is_ascii(), "{key}: {label}");
            assert!(names.insert(label), "two templates are both called {label}");
            assert!(!template_audience_zh(&key).is_empty());
        }
        assert_eq!(template_label_zh("no_such_template"), None);
    }
}
