//! The actions a case page offers: only those the workflow would accept now from this user,
//! each with the form its command needs.
//!
//! Whether an action is possible is the service's rule ([`crate::service::possible`]).

use gongkai_workflow::Vocabulary;
use gongkai_workflow::model::{
    ConsultationKind, Delivery, FeeBasis, NotHeld, Opinion, OrderKind, ReasonsAssessment,
    ReleaseForm, RemedyKind, RemedyResult, SecrecyConclusion, SentBy,
};
use gongkai_workflow::{Case, Outcome};

use crate::auth::Caller;
use crate::service::cases::Action;
use crate::service::possible::possible;
use crate::state::Law;

/// One field of an action's form.
#[derive(Debug, Clone)]
pub struct Field {
    /// The form field's name, with its type hint (`items:lines`).
    pub name: String,
    /// The JSON path the API reports errors under (`items`).
    pub path: String,
    pub label: String,
    /// text, textarea, date, number or select.
    pub kind: &'static str,
    pub options: Vec<(String, String)>,
    pub required: bool,
    pub help: String,
    /// Opens a group of fields (a fieldset with this legend) before this field.
    pub group: Option<String>,
    /// Closes the open group after this field.
    pub group_end: bool,
}

impl Field {
    fn new(name: &str, label: &str, kind: &'static str, required: bool) -> Field {
        Field {
            name: name.to_owned(),
            path: name.split(':').next().unwrap_or(name).to_owned(),
            label: label.to_owned(),
            kind,
            options: Vec::new(),
            required,
            help: String::new(),
            group: None,
            group_end: false,
        }
    }

    fn help(mut self, help: &str) -> Field {
        self.help = help.to_owned();
        self
    }

    fn select(name: &str, label: &str, required: bool, options: Vec<(String, String)>) -> Field {
        Field {
            options,
            ..Field::new(name, label, "select", required)
        }
    }
}

/// An action offered on the case page.
#[derive(Debug, Clone)]
pub struct ActionForm {
    /// The route segment (`draft_reply`).
    pub name: String,
    pub label: &'static str,
    pub fields: Vec<Field>,
    /// Ends or undoes something: shown apart, in red.
    pub grave: bool,
}

/// What the forms offer to pick from.
#[derive(Debug, Clone, Default)]
pub struct Choices {
    /// The case agency's departments: (code, name).
    pub departments: Vec<(String, String)>,
    /// Enabled clerks and supervisors of those departments: (id, "name（department）").
    pub staff: Vec<(String, String)>,
    /// The case's files: (attachment id, file name).
    pub attachments: Vec<(String, String)>,
    /// The fee bases with their computed figures: (method, "按件计收：… 应收 N 元").
    pub fees: Vec<(String, String)>,
}

/// How many release rows the reply form offers.
pub const RELEASE_ROWS: usize = 5;

/// Every reply outcome as (form value, label).
pub fn outcome_options() -> Vec<(String, String)> {
    Outcome::ALL
        .iter()
        .map(|o| (o.as_str().to_owned(), o.label_zh().to_owned()))
        .collect()
}

/// Every value of a workflow vocabulary as (form value, label).
fn options<T: Vocabulary>() -> Vec<(String, String)> {
    T::ALL
        .iter()
        .map(|v| (v.as_str().to_owned(), v.label_zh().to_owned()))
        .collect()
}

/// The release rows of the reply form: each a document (title, 文号, pages, form, file) or a
/// pointer to information already published (title, where, link). Rows left empty are
/// ignored.
fn release_fields(choices: &Choices) -> Vec<Field> {
    let mut fields = Vec::new();
    for i in 0..RELEASE_ROWS {
        let p = format!("reply.release.{i}");
        let mut kind = Field::select(
            &format!("{p}.kind"),
            "类别",
            false,
            vec![
                ("document".to_owned(), "提供的文件".to_owned()),
                (
                    "published".to_owned(),
                    "已公开信息（告知获取途径）".to_owned(),
                ),
            ],
        );
        kind.group = Some(format!("提供的信息 第 {} 项", i + 1));
        if i == 0 {
            kind.help = "予以公开、部分公开的答复至少列明一项；不用的行留空".to_owned();
        }
        let mut link = Field::new(&format!("{p}.link"), "链接", "text", false)
            .help("已公开信息填写：网址（http:// 或 https://）");
        link.group_end = true;
        fields.extend([
            kind,
            Field::new(&format!("{p}.title"), "标题", "text", false),
            Field::new(&format!("{p}.document_number"), "文号", "text", false),
            Field::new(&format!("{p}.pages:n"), "页数", "number", false),
            Field::select(
                &format!("{p}.form"),
                "提供形式",
                false,
                options::<ReleaseForm>(),
            )
            .help("提供的文件填写；电子文档须选择附件"),
            Field::select(
                &format!("{p}.file.attachment"),
                "附件",
                false,
                choices.attachments.clone(),
            )
            .help("先在下方“附件”中上传，再在此选择"),
            Field::new(&format!("{p}.location"), "公开的途径或位置", "text", false)
                .help("已公开信息填写：如本机关门户网站“政府信息公开”专栏"),
            link,
        ]);
    }
    fields
}

fn reply_fields(choices: &Choices) -> Vec<Field> {
    let mut fields = vec![
        Field::select("reply.outcome:outcome", "答复类型", true, outcome_options())
            .help("不予公开、无法提供、不予处理等须选择具体理由"),
        Field::new("reply.text", "答复内容", "textarea", true),
        Field::select("reply.not_held", "不掌握信息的情形", false, options::<NotHeld>()).help(
            "“本机关不掌握相关政府信息”须选择：信息不存在（第三十六条第（四）项），或不属于本机关负责公开（第三十六条第（五）项）",
        ),
        Field::new("reply.competent_agency", "负责公开的机关", "text", false)
            .help("“不属于本机关负责公开”且能够确定负责公开的机关时填写"),
        Field::new(
            "reply.competent_agency_contact",
            "负责公开机关的联系方式",
            "text",
            false,
        )
        .help("地址、电话或网站，告知申请人如何向其申请"),
        Field::new(
            "reply.disclosure",
            "不顾第三方反对决定公开的理由",
            "textarea",
            false,
        )
        .help("第三方不同意公开而决定公开的填写（条例第三十二条），将书面告知第三方"),
    ];
    fields.extend(release_fields(choices));
    fields
}

/// The form fields of `action` on `case`.
fn fields(action: Action, case: &Case, choices: &Choices) -> Vec<Field> {
    match action {
        Action::Register => vec![
            Field::select("department", "承办部门", false, choices.departments.clone())
                .help("留空则由接收部门办理"),
            Field::new("receipt_date", "收到申请之日", "date", false)
                .help(case.channel.map(|c| c.receipt_rule_zh()).unwrap_or("")),
        ],
        Action::Assign => vec![
            Field::select("department", "转至部门", false, choices.departments.clone()),
            Field::select("assignee", "承办人", false, choices.staff.clone())
                .help("留空则由部门内工作人员认领"),
        ],
        Action::RequestCorrection => vec![
            Field::new("items:lines", "需要补正的事项", "textarea", true)
                .help("每行一项，一次性告知申请人"),
            Field::new("period_days:n", "补正期限（工作日）", "number", false)
                .help("留空按法定默认期限"),
        ],
        Action::ReceiveCorrection => vec![
            Field::new("content", "补正内容", "textarea", true),
            Field::new("received_on", "收到补正之日", "date", false),
            Field::new("late_reason", "逾期补正仍予接受的理由", "text", false),
        ],
        Action::StartConsultation => vec![
            Field::select("kind", "征求对象", true, options::<ConsultationKind>()),
            Field::new("party", "名称", "text", true),
            Field::new("letter_date", "发函日期", "date", false),
            Field::select("sent_by", "发送方式", false, options::<SentBy>())
                .help("留空按邮寄；意见期限自对方收到之日起计算，实际签收日可另行登记"),
        ],
        Action::EndConsultation => vec![
            Field::select(
                "consultation:n",
                "征求意见",
                true,
                case.open_consultations()
                    .map(|c| {
                        (
                            c.id.to_string(),
                            format!("{}（期限 {}）", c.party, c.deadline),
                        )
                    })
                    .collect(),
            ),
            Field::select("opinion", "意见", true, options::<Opinion>()),
            Field::new("ended_on", "收到意见之日", "date", false),
        ],
        Action::RequestExtension => vec![
            Field::new("reason", "延期理由", "textarea", true),
            Field::new("days:n", "延长工作日数", "number", false).help("最长 20 个工作日"),
        ],
        Action::DenyExtension | Action::ReturnReply => {
            vec![Field::new("reason", "理由", "textarea", true)]
        }
        Action::IssueFeeNotice => vec![
            Field::select(
                "fee.method",
                "计收方式",
                true,
                if choices.fees.is_empty() {
                    options::<FeeBasis>()
                } else {
                    choices.fees.clone()
                },
            )
            .help("件数和页数由系统计算，不需填写：按件计收按申请人在收到本申请的自然月内向本机关提出的申请件数，按量计收按答复稿“提供的信息”中各文件页数之和。请核对计算结果后选择计收方式"),
            Field::select("sent_by", "发送方式", false, options::<SentBy>())
                .help("留空按申请人选择的获取方式；缴费期限自申请人收到通知次日起计算"),
        ],
        Action::RecordReceipt => vec![
            Field::select(
                "letter.letter",
                "文书",
                true,
                vec![
                    ("consultation".to_owned(), "征求意见函".to_owned()),
                    ("fee_notice".to_owned(), "收费通知书".to_owned()),
                    ("reasons_request".to_owned(), "说明理由通知书".to_owned()),
                ],
            ),
            Field::select(
                "letter.id:n",
                "征求意见",
                false,
                case.open_consultations()
                    .map(|c| {
                        (
                            c.id.to_string(),
                            format!("{}（发函 {}）", c.party, c.letter_date),
                        )
                    })
                    .collect(),
            )
            .help("征求意见函时选择"),
            Field::new("received_on", "实际签收日", "date", true)
                .help("以邮件回执、签收单等记载的日期为准"),
        ],
        Action::RequestReasons => vec![
            Field::new(
                "grounds",
                "申请数量、频次明显超过合理范围的事实",
                "textarea",
                true,
            ),
            Field::new("period_days:n", "说明理由期限（工作日）", "number", false)
                .help("留空按默认期限，自申请人收到通知之日起计算"),
            Field::select("sent_by", "发送方式", false, options::<SentBy>())
                .help("留空按申请人选择的获取方式"),
        ],
        Action::RecordReasons => vec![
            Field::select(
                "assessment",
                "审查结果",
                true,
                options::<ReasonsAssessment>(),
            ),
            Field::new("note", "申请人说明的理由及审查意见", "textarea", true)
                .help("逾期未说明理由的，请注明并选择“理由不合理”"),
        ],
        Action::RecordPayment => vec![Field::new("paid_on", "缴费日期", "date", false)],
        Action::SetReasonableDate => vec![
            Field::new("date", "提供信息的日期", "date", true),
            Field::new("reason", "理由", "textarea", true),
        ],
        Action::ReplyOnTheSpot | Action::DraftReply => reply_fields(choices),
        Action::RecordSecrecyReview => vec![
            Field::select(
                "conclusion",
                "审查结论",
                true,
                options::<SecrecyConclusion>(),
            )
            .help("需区分处理的，只能作部分公开答复；不得公开的，答复不能审核通过"),
            Field::new("basis", "审查依据", "textarea", true)
                .help("所依据的保密规定、需要区分处理或不得公开的内容"),
            Field::new("reviewed_on", "审查日期", "date", false).help("留空为今天"),
        ],
        Action::RecordDelivery => vec![
            Field::select("method", "送达方式", true, options::<Delivery>()),
            Field::new("delivered_on", "送达日期", "date", false),
        ],
        Action::Withdraw => vec![
            Field::new("reason", "撤回理由", "text", false),
            Field::new("withdrawn_on", "撤回日期", "date", false),
        ],
        Action::Reopen => vec![
            Field::select("order.kind", "依据", true, options::<OrderKind>()),
            Field::new("order.body", "作出机关", "text", true),
            Field::new("order.reference", "文号", "text", true),
            Field::new("order.received_on", "收到之日", "date", true),
        ],
        Action::RecordRemedy => vec![
            Field::select("remedy.kind", "类别", true, options::<RemedyKind>()),
            Field::select(
                "remedy.after_reconsideration:b",
                "行政诉讼是否经过复议",
                false,
                vec![
                    ("false".to_owned(), "未经复议直接起诉".to_owned()),
                    ("true".to_owned(), "复议后起诉".to_owned()),
                ],
            )
            .help("行政复议不填"),
            Field::new("remedy.body", "复议机关或受理法院", "text", true),
            Field::new("remedy.reference", "案号", "text", false),
            Field::new("remedy.filed_on", "提起之日", "date", true),
            Field::select("remedy.result", "结果", false, options::<RemedyResult>())
                .help("尚未审结的不填，审结后用“登记复议/诉讼结果”补录"),
            Field::new("remedy.decided_on", "审结日期", "date", false),
        ],
        Action::DecideRemedy => vec![
            Field::select(
                "remedy:n",
                "复议/诉讼",
                true,
                case.remedies
                    .iter()
                    .filter(|r| r.remedy.result.is_none())
                    .map(|r| {
                        (
                            r.id.to_string(),
                            format!(
                                "第 {} 项{}：{}（{} 提起）",
                                r.id,
                                r.remedy.kind.label_zh(),
                                r.remedy.body,
                                r.remedy.filed_on
                            ),
                        )
                    })
                    .collect(),
            ),
            Field::select("result", "结果", true, options::<RemedyResult>()),
            Field::new("decided_on", "审结日期", "date", true),
        ],
        Action::PublishRelease => vec![
            Field::new("subject", "公开标题", "text", true).help(
                "已按申请内容预填，请改写为不含申请人姓名、证件号码、联系方式等个人信息的标题",
            ),
            Field {
                kind: "checkboxes",
                ..Field::select(
                    "items:ns",
                    "公开的信息",
                    true,
                    case.reply
                        .as_ref()
                        .map(|r| {
                            r.release
                                .iter()
                                .enumerate()
                                .map(|(i, item)| (i.to_string(), item.describe_zh()))
                                .collect()
                        })
                        .unwrap_or_default(),
                )
            }
            .help("只能公开已通过保密审查的答复所提供的信息；公开的文件任何人均可下载"),
        ],
        Action::WithdrawPublication => {
            vec![Field::new("reason", "撤回理由", "textarea", true)]
        }
        _ => Vec::new(),
    }
}

fn grave(action: Action) -> bool {
    matches!(
        action,
        Action::Abandon
            | Action::CloseUnpaid
            | Action::Withdraw
            | Action::Reopen
            | Action::WithdrawPublication
    )
}

/// The actions `caller` can take on `case` now, with their forms.
pub fn available(case: &Case, caller: &Caller, law: &Law, choices: &Choices) -> Vec<ActionForm> {
    possible(case, &caller.actor, law)
        .into_iter()
        .map(|a| ActionForm {
            name: a.as_str().to_owned(),
            label: a.label_zh(),
            fields: fields(a, case, choices),
            grave: grave(a),
        })
        .collect()
}
