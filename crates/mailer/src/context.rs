//! The variables a notice template sees, built from the case as it stood when the event that
//! called for the notice happened (so a notice printed a year later says what it said then).
//! Every variable is always present (empty when it does not apply), so that templates can be
//! checked against a sample with undefined variables treated as errors.

use chrono::{Datelike, NaiveDate};
use gongkai_workflow::clock::legal_date;
use gongkai_workflow::fee::{
    FeeFacts, ReleasePages, fee_basis_zh, fee_explanation_zh, release_pages,
};
use gongkai_workflow::model::OrderKind;
use gongkai_workflow::outcome::{CannotProvideGround, NotDisclosedGround, NotProcessedGround};
use gongkai_workflow::{Case, Event, EventKind, Law, NoticeKind, Outcome, Recipient};
use serde::Serialize;

/// 2026年3月5日, as Chinese official documents write dates.
pub fn date_zh(d: NaiveDate) -> String {
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CorrectionVars {
    pub items: Vec<String>,
    pub requested_on: String,
    pub deadline: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExtensionVars {
    pub days: u32,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReasonableVars {
    pub date: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConsultationVars {
    pub party: String,
    /// The end of the party's window (arts. 32, 34) or the art. 33 reminder day.
    pub deadline: String,
    pub letter_date: String,
    /// How the letter was sent (邮寄, 电子邮件, …).
    pub sent_by: String,
    /// The day the letter was received (presumed or recorded).
    pub received_on: String,
    /// Whether the party has a statutory window (arts. 32, 34; not art. 33).
    pub has_window: bool,
}

/// The art. 35 request for reasons.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReasonsVars {
    pub grounds: String,
    pub requested_on: String,
    pub deadline: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FeeVars {
    pub amount: u32,
    pub basis: String,
    pub notice_date: String,
    pub deadline: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReplyVars {
    /// The outcome as the annual report words it (e.g. 不予公开：属于国家秘密).
    pub outcome: String,
    /// The ground alone (e.g. 属于国家秘密); empty for outcomes without one.
    pub ground: String,
    /// The provisions the notice cites.
    pub basis: String,
    /// The reply's own text, as drafted and approved.
    pub text: String,
    pub competent_agency: String,
    /// How to reach the competent agency (art. 36(5)), when given.
    pub competent_agency_contact: String,
    /// Art. 32: why the agency discloses over a third party's objection.
    pub disclosure: String,
    /// What is provided, one line per item (title, 文号, pages, form; or where it is
    /// published).
    pub release: Vec<String>,
    /// How the applicant gets what is provided, by the delivery they chose (empty without a
    /// release).
    pub access: String,
    /// The parts withheld from the released files (区分处理, art. 37), one line per file:
    /// "《标题》：第 3 页 2 处，依据《条例》第十五条，涉及个人隐私（…）".
    pub redactions: Vec<String>,
}

/// The bodies an agency's decisions name in their remedy paragraph (行政复议法 2023 art. 20):
/// set per agency by an admin; unset, the paragraph uses generic wording.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RemedyBodies {
    /// The reconsideration body (复议机关).
    pub reconsideration_body: Option<String>,
    /// The people's court with jurisdiction.
    pub court: Option<String>,
}

/// For notices to staff.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StaffVars {
    /// Who the message is addressed to (a name, or e.g. 各位审核人).
    pub recipient: String,
    /// Where to open the case.
    pub link: String,
    /// The assignee's name (or 未分配).
    pub assignee: String,
    /// What waits for review (答复草稿已提交 / 申请延长答复期限).
    pub what: String,
    pub return_reason: String,
    /// The order that reopened the case.
    pub order: String,
}

/// Every variable of every template (docs/notices.md lists them with their meaning).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct NoticeContext {
    pub agency: String,
    pub department: String,
    /// 文号: the tracking number and the sequence number of the event.
    pub doc_no: String,
    /// The date of the notice (the legal date of its event).
    pub date: String,
    pub tracking_number: String,
    pub applicant: String,
    pub request: String,
    pub document_number: String,
    pub channel: String,
    pub filed_online: bool,
    pub receipt_date: String,
    /// The reply due date (or why none is known now).
    pub due_date: String,
    /// Whether `due_date` is a date (not paused, not awaiting a correction).
    pub due_known: bool,
    pub due_explanation: Vec<String>,
    /// The provision that sets the case's reply period (its statute profile's).
    pub due_basis: String,
    pub correction: CorrectionVars,
    pub extension: ExtensionVars,
    pub reasonable: ReasonableVars,
    pub consultation: ConsultationVars,
    pub reasons: ReasonsVars,
    pub fee: FeeVars,
    pub reply: ReplyVars,
    pub withdrawal_reason: String,
    /// The remedy paragraph (art. 51), on decisions only ([`NoticeKind::is_decision`]); empty
    /// on procedural notices, letters to those consulted and messages to staff.
    pub remedy: String,
    pub staff: StaffVars,
}

/// What a notice is built from.
pub struct Source<'a> {
    pub case_id: &'a str,
    /// The case's whole history; the notice uses the events up to `event_seq`.
    pub events: &'a [Event],
    pub event_seq: i64,
    pub kind: NoticeKind,
    pub recipient: &'a Recipient,
    /// The addressee's name for staff notices (a user's display name).
    pub recipient_name: Option<String>,
    pub agency_name: String,
    pub department_name: String,
    pub assignee_name: Option<String>,
    /// The agency's reconsideration body and court, as an admin set them.
    pub remedy_bodies: RemedyBodies,
    pub law: &'a Law,
    /// The address of gongkai as staff reach it (e.g. https://gongkai.example.gov.cn).
    pub base_url: &'a str,
}

/// From 2024-01-01 a refusal to disclose must first go to reconsideration (行政复议法 2023,
/// art. 23).
fn reconsideration_first_since() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or(NaiveDate::MIN)
}

impl NoticeContext {
    pub fn build(src: &Source<'_>) -> NoticeContext {
        let seq = usize::try_from(src.event_seq)
            .unwrap_or(0)
            .min(src.events.len());
        let case = Case::from_events(&src.events[..seq]);
        let event = seq.checked_sub(1).and_then(|i| src.events.get(i));
        let date = event.map_or_else(
            || case.receipt_date.unwrap_or(NaiveDate::MIN),
            |e| e.legal_date.unwrap_or_else(|| legal_date(e.at)),
        );
        let request =
            case.request
                .clone()
                .unwrap_or_else(|| gongkai_workflow::model::RequestDetails {
                    description: String::new(),
                    document_number: None,
                    carrier: gongkai_workflow::model::Carrier::Paper,
                    delivery: gongkai_workflow::model::Delivery::Post,
                });
        let tracking = case
            .tracking_number
            .clone()
            .unwrap_or_else(|| "（尚未登记）".to_owned());
        let (due_date, due_known, due_explanation) = due(&case, src.law);
        let due_basis = due_basis(&case, src.law);

        let mut ctx = NoticeContext {
            agency: src.agency_name.clone(),
            department: src.department_name.clone(),
            doc_no: format!("{tracking}-{:02}", src.event_seq),
            date: date_zh(date),
            tracking_number: tracking,
            applicant: case.applicant.name.clone(),
            request: request.description.clone(),
            document_number: request.document_number.clone().unwrap_or_default(),
            channel: case
                .channel
                .map(|c| c.label_zh().to_owned())
                .unwrap_or_default(),
            filed_online: case.channel == Some(gongkai_workflow::Channel::Online),
            receipt_date: case.receipt_date.map(date_zh).unwrap_or_default(),
            due_date,
            due_known,
            due_explanation,
            due_basis,
            ..NoticeContext::default()
        };
        if let Some(c) = &case.correction {
            ctx.correction = CorrectionVars {
                items: c.items.clone(),
                requested_on: date_zh(c.requested_on),
                deadline: date_zh(c.deadline),
            };
        }
        if let Some(x) = &case.extension {
            ctx.extension = ExtensionVars {
                days: x.days,
                reason: x.reason.clone(),
            };
        }
        if let Some(r) = &case.reasonable_date {
            ctx.reasonable = ReasonableVars {
                date: date_zh(r.date),
                reason: r.reason.clone(),
            };
        }
        if let Some(f) = &case.fee {
            ctx.fee = FeeVars {
                amount: f.amount_yuan,
                basis: fee_explanation_zh(f.method, &fee_facts(&case)),
                notice_date: date_zh(f.notice_date),
                deadline: date_zh(f.deadline),
            };
        }
        if let Some(r) = &case.reasons {
            ctx.reasons = ReasonsVars {
                grounds: r.grounds.clone(),
                requested_on: date_zh(r.requested_on),
                deadline: date_zh(r.deadline),
            };
        }
        // The consultation this notice is about: the one its event started; for a letter to
        // a consulted party, that party's (the objecting one for the art. 32 notice); for the
        // staff reminder, the open one due first; else the latest.
        let consulted = match (event.map(|e| &e.kind), src.recipient) {
            (Some(EventKind::ConsultationStarted { id, .. }), _) => {
                case.consultations.iter().find(|c| c.id == *id)
            }
            (_, Recipient::Consulted(party)) => {
                case.consultations.iter().rev().find(|c| &c.party == party)
            }
            _ if src.kind == NoticeKind::ConsultationDue => {
                case.open_consultations().min_by_key(|c| c.deadline)
            }
            _ => case.consultations.last(),
        };
        if let Some(c) = consulted {
            ctx.consultation = ConsultationVars {
                party: c.party.clone(),
                deadline: date_zh(c.deadline),
                letter_date: date_zh(c.letter_date),
                sent_by: c
                    .sent_by
                    .map(|s| s.label_zh().to_owned())
                    .unwrap_or_default(),
                received_on: c.received_on.map(date_zh).unwrap_or_default(),
                has_window: c.kind.has_window(),
            };
        }
        let reply = case
            .reply
            .as_ref()
            .or(case.draft.as_ref().map(|d| &d.reply));
        if let Some(r) = reply {
            ctx.reply = ReplyVars {
                outcome: r.outcome.label_zh().to_owned(),
                ground: ground_zh(r.outcome).to_owned(),
                basis: basis_zh(src.kind, r.outcome),
                text: r.text.clone(),
                competent_agency: r.competent_agency.clone().unwrap_or_default(),
                competent_agency_contact: r.competent_agency_contact.clone().unwrap_or_default(),
                disclosure: r.disclosure.clone().unwrap_or_default(),
                release: r.release.iter().map(|i| i.describe_zh()).collect(),
                access: if r.release.is_empty() {
                    String::new()
                } else {
                    access_zh(request.delivery, src.base_url)
                },
                redactions: case.redaction_lines_zh(&r.release),
            };
        }
        if let Some(EventKind::Withdrawn { reason }) = event.map(|e| &e.kind) {
            ctx.withdrawal_reason = reason.clone().unwrap_or_default();
        }
        ctx.remedy = remedy(src.kind, reply.map(|r| r.outcome), date, &src.remedy_bodies);
        ctx.staff = StaffVars {
            recipient: match src.recipient {
                Recipient::Supervisors => src
                    .recipient_name
                    .clone()
                    .unwrap_or_else(|| format!("{}各位审核人", src.department_name)),
                Recipient::Consulted(party) => party.clone(),
                Recipient::Applicant => case.applicant.name.clone(),
                Recipient::Assignee => src
                    .recipient_name
                    .clone()
                    .unwrap_or_else(|| format!("{}各位承办人", src.department_name)),
            },
            link: format!(
                "{}/staff/cases/{}",
                src.base_url.trim_end_matches('/'),
                src.case_id
            ),
            assignee: src
                .assignee_name
                .clone()
                .unwrap_or_else(|| "未分配".to_owned()),
            what: match event.map(|e| &e.kind) {
                Some(EventKind::ExtensionRequested { days, .. }) => {
                    format!("申请延长答复期限{days}个工作日")
                }
                _ => "答复草稿已提交".to_owned(),
            },
            return_reason: case.last_return_reason.clone().unwrap_or_default(),
            order: case
                .orders
                .last()
                .map(|o| {
                    let what = match o.kind {
                        OrderKind::Reconsideration => "行政复议决定",
                        OrderKind::Court => "判决",
                    };
                    format!("经{}{what}（{}）责令重新答复", o.body, o.reference)
                })
                .unwrap_or_default(),
        };
        ctx
    }

    /// A realistic notice of `kind`, every variable filled: templates are checked and
    /// previewed against it.
    pub fn sample(kind: NoticeKind) -> NoticeContext {
        let reply_outcome = match kind {
            NoticeKind::Reply(r) => sample_outcome(r),
            _ => Outcome::Disclosed,
        };
        let received = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or(NaiveDate::MIN);
        NoticeContext {
            agency: "北京市朝阳区人民政府".to_owned(),
            department: "区住房和城乡建设委员会".to_owned(),
            doc_no: "GK-2026-000123-05".to_owned(),
            date: "2026年3月20日".to_owned(),
            tracking_number: "GK-2026-000123".to_owned(),
            applicant: "王小明".to_owned(),
            request: "2025年朝阳区保障性住房建设项目清单".to_owned(),
            document_number: "朝政发〔2025〕12号".to_owned(),
            channel: "互联网平台".to_owned(),
            filed_online: true,
            receipt_date: date_zh(received),
            due_date: "2026年3月30日".to_owned(),
            due_known: true,
            due_explanation: vec![
                "收到申请之日为2026年3月2日，自次日起计算。".to_owned(),
                "依照《中华人民共和国政府信息公开条例》（2019年修订）第三十三条，20个工作日内答复。"
                    .to_owned(),
            ],
            due_basis: "《中华人民共和国政府信息公开条例》第三十三条".to_owned(),
            correction: CorrectionVars {
                items: vec![
                    "请写明所需信息的名称或文号".to_owned(),
                    "请补充联系地址".to_owned(),
                ],
                requested_on: "2026年3月4日".to_owned(),
                deadline: "2026年3月19日".to_owned(),
            },
            extension: ExtensionVars {
                days: 20,
                reason: "所需信息涉及多个部门，需要汇总核实".to_owned(),
            },
            reasonable: ReasonableVars {
                date: "2026年5月29日".to_owned(),
                reason: "申请数量明显超过合理范围".to_owned(),
            },
            consultation: ConsultationVars {
                party: "北京某某置业有限公司".to_owned(),
                deadline: "2026年3月27日".to_owned(),
                letter_date: "2026年3月5日".to_owned(),
                sent_by: "邮寄".to_owned(),
                received_on: "2026年3月8日".to_owned(),
                has_window: !matches!(kind, NoticeKind::AgencyOpinionRequest),
            },
            reasons: ReasonsVars {
                grounds: "您自2026年2月以来向本机关提出同类政府信息公开申请120件".to_owned(),
                requested_on: "2026年3月4日".to_owned(),
                deadline: "2026年3月27日".to_owned(),
            },
            fee: FeeVars {
                amount: 100,
                basis: fee_basis_zh(gongkai_workflow::model::FeeMethod::PerRequest { nth: 11 }),
                notice_date: "2026年3月10日".to_owned(),
                deadline: "2026年3月30日".to_owned(),
            },
            reply: ReplyVars {
                outcome: reply_outcome.label_zh().to_owned(),
                ground: ground_zh(reply_outcome).to_owned(),
                basis: basis_zh(kind, reply_outcome),
                text: "相关信息见附件。".to_owned(),
                competent_agency: "北京市住房和城乡建设委员会".to_owned(),
                competent_agency_contact: "北京市西城区广莲路1号，电话010-55597000".to_owned(),
                disclosure: "该项目资金使用情况涉及重大公共利益，不公开可能对公共利益造成重大影响"
                    .to_owned(),
                release: vec![
                    "《朝阳区2025年老旧小区改造项目资金安排》（朝住建发〔2025〕12号），3 页，电子文档"
                        .to_owned(),
                ],
                access: access_zh(
                    gongkai_workflow::model::Delivery::Online,
                    "https://gongkai.example.gov.cn",
                ),
                redactions: vec![
                    "《朝阳区2025年老旧小区改造项目资金安排》：第 2 页 3 处，依据《条例》第十五条，涉及个人隐私（未征求第三方意见）"
                        .to_owned(),
                ],
            },
            withdrawal_reason: "已通过其他途径获取".to_owned(),
            remedy: remedy(
                kind,
                Some(reply_outcome),
                received,
                &RemedyBodies {
                    reconsideration_body: Some("北京市朝阳区人民政府".to_owned()),
                    court: Some("北京市朝阳区人民法院".to_owned()),
                },
            ),
            staff: StaffVars {
                recipient: "李承办".to_owned(),
                link: "http://127.0.0.1:8080/staff/cases/0192d3c4-0000-7000-8000-000000000000"
                    .to_owned(),
                assignee: "李承办".to_owned(),
                what: "答复草稿已提交".to_owned(),
                return_reason: "请补充不予公开的具体理由".to_owned(),
                order: "经北京市朝阳区人民政府行政复议决定（朝政复决字〔2026〕8号）责令重新答复"
                    .to_owned(),
            },
        }
    }
}

/// The provision that sets the reply period of `case`: its statute profile's (the 2008 text
/// for a request received before 2019-05-15), or the Regulations without an article.
/// What the fee notice states the figure was counted from: the month the request was received
/// in (按件) and the documents of the draft reply's release with their pages (按量), as the
/// case stood when the notice was issued.
fn fee_facts(case: &Case) -> FeeFacts {
    let documents = match case.draft.as_ref().map(|d| release_pages(&d.reply.release)) {
        Some(ReleasePages::Counted { documents, .. }) => documents,
        _ => Vec::new(),
    };
    FeeFacts {
        month: case.receipt_date,
        documents,
    }
}

fn due_basis(case: &Case, law: &Law) -> String {
    case.profile(&law.statute)
        .and_then(|p| p.reply_provision.clone())
        .unwrap_or_else(|| "《中华人民共和国政府信息公开条例》".to_owned())
}

/// The due date, whether it is one, and its explanation, as the case stood.
fn due(case: &Case, law: &Law) -> (String, bool, Vec<String>) {
    if case.pending_correction().is_some() {
        return (
            "自收到补正后的申请之日起重新计算".to_owned(),
            false,
            Vec::new(),
        );
    }
    match case
        .reply_due(&law.calendar, &law.statute)
        .or_else(|| case.reply_due_any_status(&law.calendar, &law.statute))
    {
        Some(d) => {
            let date = match (d.due, d.provisional) {
                (Some(due), false) => date_zh(due),
                (Some(due), true) => format!("{}（暂定，以当年节假日安排为准）", date_zh(due)),
                (None, _) => "暂停计算中（征求意见、缴费等期间不计入答复期限）".to_owned(),
            };
            (date, d.due.is_some(), d.explanation.text_zh)
        }
        None => (String::new(), false, Vec::new()),
    }
}

/// The remedy paragraph of a notice: only on decisions ([`NoticeKind::is_decision`]).
///
/// It states the right, the body and the time limit (行政复议法 2023 art. 20: without them the
/// 60 days do not start, and the applicant has up to a year). A refusal to disclose (arts.
/// 14–16, wholly or in part) decided from 2024-01-01 must first go to reconsideration
/// (行政复议法 2023 art. 23(1)4), and a suit may follow within 15 days of receiving the
/// reconsideration decision (行政诉讼法 art. 45); every other decision may go to either,
/// reconsideration within 60 days (行政复议法 art. 20) or a suit within 6 months (行政诉讼法
/// art. 46). Without a body or court on record the wording stays generic and lawful.
pub fn remedy(
    kind: NoticeKind,
    outcome: Option<Outcome>,
    date: NaiveDate,
    bodies: &RemedyBodies,
) -> String {
    use gongkai_workflow::notice::ReplyNotice;
    if !kind.is_decision() {
        return String::new();
    }
    let body = bodies
        .reconsideration_body
        .as_deref()
        .map_or_else(|| "依法".to_owned(), |b| format!("向{b}"));
    let court = bodies
        .court
        .as_deref()
        .map_or_else(|| "依法向人民法院".to_owned(), |c| format!("向{c}"));
    let reconsideration_first = matches!(
        kind,
        NoticeKind::Reply(ReplyNotice::NotDisclosed | ReplyNotice::PartlyDisclosed)
    ) && outcome.is_some_and(Outcome::is_refusal)
        && date >= reconsideration_first_since();
    if reconsideration_first {
        let what = if kind == NoticeKind::Reply(ReplyNotice::PartlyDisclosed) {
            "本告知书中不予公开部分的决定"
        } else {
            "本告知书中不予公开的决定"
        };
        let first = format!(
            "如对{what}不服，根据《中华人民共和国行政复议法》第二十三条第一款第（四）项的规定，您应当自收到本告知书之日起60日内先{body}申请行政复议；对行政复议决定不服的，可以根据《中华人民共和国行政诉讼法》第四十五条的规定，自收到行政复议决定书之日起15日内{court}提起行政诉讼。"
        );
        if kind == NoticeKind::Reply(ReplyNotice::PartlyDisclosed) {
            // The disclosed part (its content, form or completeness) may be challenged either
            // way (法释〔2025〕8号 art. 1).
            format!(
                "{first}如对本告知书中的其他决定不服，您可以自收到本告知书之日起60日内{body}申请行政复议，或者自收到本告知书之日起6个月内{court}提起行政诉讼。"
            )
        } else {
            first
        }
    } else {
        format!(
            "如对本告知书不服，您可以自收到本告知书之日起60日内{body}申请行政复议，或者自收到本告知书之日起6个月内{court}提起行政诉讼。"
        )
    }
}

/// The provisions a reply notice cites: the outcome's, except that "not held" cites item (四)
/// when the information does not exist and item (五) when another agency is responsible.
fn basis_zh(kind: NoticeKind, outcome: Outcome) -> String {
    use gongkai_workflow::notice::ReplyNotice;
    const ART36: &str = "《中华人民共和国政府信息公开条例》第三十六条";
    match kind {
        NoticeKind::Reply(ReplyNotice::NotExist) => format!("{ART36}第（四）项"),
        NoticeKind::Reply(ReplyNotice::NotThisAgency) => format!("{ART36}第（五）项"),
        _ => outcome.legal_basis_zh().unwrap_or_default().to_owned(),
    }
}

/// The ground of an outcome without the outcome's own name.
pub fn ground_zh(outcome: Outcome) -> &'static str {
    let label = outcome.label_zh();
    match outcome {
        Outcome::Disclosed | Outcome::PartlyDisclosed => "",
        Outcome::Other(g) => g.label_zh(),
        _ => label.split_once('：').map_or(label, |(_, g)| g),
    }
}

/// An outcome that the reply notice `r` stands for, for samples.
pub fn sample_outcome(r: gongkai_workflow::notice::ReplyNotice) -> Outcome {
    use gongkai_workflow::notice::ReplyNotice as R;
    match r {
        R::Disclosed => Outcome::Disclosed,
        R::PartlyDisclosed => Outcome::PartlyDisclosed,
        R::NotDisclosed => Outcome::NotDisclosed(NotDisclosedGround::ThirdPartyRights),
        R::AdministrativeQuery => Outcome::NotDisclosed(NotDisclosedGround::AdministrativeQuery),
        R::NotExist | R::NotThisAgency => Outcome::CannotProvide(CannotProvideGround::NotHeld),
        R::CannotProvide => Outcome::CannotProvide(CannotProvideGround::WouldNeedCreating),
        R::NotProcessed => Outcome::NotProcessed(NotProcessedGround::Repeated),
        R::Other => Outcome::Other(gongkai_workflow::outcome::OtherGround::Other),
    }
}

/// How the applicant gets a release, by the delivery they chose (获取方式, 条例第二十九条、
/// 第四十条).
fn access_zh(delivery: gongkai_workflow::model::Delivery, base_url: &str) -> String {
    use gongkai_workflow::model::Delivery as D;
    let base = base_url.trim_end_matches('/');
    match delivery {
        D::Online => format!(
            "您选择网上获取：请凭申请编号和查询码在 {base}/lookup 查询本申请，下载本答复书和上述电子文件。本机关以您首次下载之日为送达之日。"
        ),
        D::Email => "您选择电子邮件获取：本答复书（PDF）和上述电子文件随答复邮件发送；文件超过邮件大小限制的，答复邮件附有限期下载链接。".to_owned(),
        D::Post => "您选择邮寄：上述纸质文件与本答复书一并邮寄。".to_owned(),
        D::Collect => "您选择当面领取：请携带有效身份证件到本机关领取本答复书和上述文件。".to_owned(),
        D::ReadOnSite => "您选择现场查阅：请携带有效身份证件到本机关查阅、复制上述信息。".to_owned(),
        D::Fax => "您选择传真：上述信息与本答复书一并传真。".to_owned(),
    }
}
