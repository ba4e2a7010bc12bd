//! The stories: one case per path through the procedure, and the lookups the checks use.

use super::*;

// The stories.
// ---------------------------------------------------------------------------------------------

/// No notice.
pub(crate) const NONE: [NoticeKind; 0] = [];

/// Consulted under art. 33 (confirmation), not as a co-author.
pub(crate) const LAND_BUREAU: &str = "北京市朝阳区规划和自然资源分局";

pub(crate) const HOUSING_REQUEST: &str =
    "2025年朝阳区老旧小区综合整治项目的资金安排、施工单位中标价格及竣工验收报告";

/// Filed online on Thursday 2026-01-29 and registered on Friday 01-30 (due 03-05, across the
/// Spring Festival); the contractor and the finance bureau are consulted; the period is
/// extended; the reply refusing the contractor's data is returned once, then approved; a
/// reconsideration decision orders a new reply, which discloses in part.
pub(crate) fn story_consulted_refused_reopened(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000101",
        "GK-2026-000101",
    );
    let c = receive(
        Channel::Online,
        HOUSING_REQUEST,
        Some("朝政办发〔2025〕12号"),
    );
    assert_eq!(s.act(&applicant(), "2026-01-29", c), NONE);
    let ack = s.act(&clerk(), "2026-01-30", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(s.due(), Some(d("2026-03-05")));
    assert_eq!(
        s.act(&supervisor(), "2026-01-30", assign_clerk()),
        [K::Assigned]
    );
    assert_eq!(
        s.act(&clerk(), "2026-02-02", Command::StartProcessing),
        NONE
    );
    let c = consult(ConsultationKind::ThirdParty, THIRD_PARTY);
    assert_eq!(
        s.act(&clerk(), "2026-02-03", c),
        [K::ThirdPartyConsultation]
    );
    let c = end_consultation(1, Opinion::Objection);
    assert_eq!(s.act(&clerk(), "2026-02-25", c), NONE);
    let c = consult(ConsultationKind::OtherAgency, OTHER_AGENCY);
    assert_eq!(s.act(&clerk(), "2026-02-26", c), [K::AgencyConsultation]);
    let c = end_consultation(2, Opinion::Consent);
    assert_eq!(s.act(&clerk(), "2026-03-09", c), NONE);
    let c = Command::RequestExtension {
        reason: "所需信息涉及12个街道共86个整治项目的档案，需逐一调取核对".to_owned(),
        days: None,
    };
    assert_eq!(s.act(&clerk(), "2026-03-10", c), [K::ReviewRequested]);
    assert_eq!(
        s.act(&supervisor(), "2026-03-11", Command::ApproveExtension),
        [K::ExtensionNotice]
    );
    let refusal = "您申请的施工单位中标价格明细涉及北京华宇建筑工程有限公司的商业秘密。";
    let c = draft(
        Outcome::NotDisclosed(NotDisclosedGround::ThirdPartyRights),
        refusal,
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-03-16", c), NONE);
    s.review("2026-03-16");
    assert_eq!(
        s.act(&clerk(), "2026-03-16", Command::SubmitForReview),
        [K::ReviewRequested]
    );
    let c = Command::ReturnReply {
        reason:
            "请写明已书面征求第三方意见、第三方不同意公开的理由，以及本机关认为其理由合理的依据"
                .to_owned(),
    };
    assert_eq!(s.act(&supervisor(), "2026-03-17", c), [K::ReplyReturned]);
    let refusal = "您申请的施工单位中标价格明细涉及北京华宇建筑工程有限公司的商业秘密。本机关已于2026年2月3日书面征求该公司意见，该公司书面答复不同意公开，理由为中标价格明细包含其成本构成和报价策略，公开后将损害其市场竞争地位。本机关认为其理由合理，且不公开不会对公共利益造成重大影响。";
    let c = draft(
        Outcome::NotDisclosed(NotDisclosedGround::ThirdPartyRights),
        refusal,
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-03-18", c), NONE);
    s.review("2026-03-18");
    assert_eq!(
        s.act(&clerk(), "2026-03-18", Command::SubmitForReview),
        [K::ReviewRequested]
    );
    assert_eq!(
        s.act(&supervisor(), "2026-03-19", Command::ApproveReply),
        [K::Reply(ReplyNotice::NotDisclosed)]
    );
    let c = Command::RecordDelivery {
        method: Delivery::Email,
        delivered_on: None,
    };
    assert_eq!(s.act(&clerk(), "2026-03-19", c), NONE);
    let c = Command::Reopen {
        order: Order {
            kind: OrderKind::Reconsideration,
            body: "北京市人民政府".to_owned(),
            reference: "京政复字〔2026〕第158号".to_owned(),
            received_on: d("2026-05-20"),
        },
    };
    assert_eq!(s.act(&supervisor(), "2026-05-20", c), [K::Reopened]);
    let partly = "现向您提供2025年朝阳区老旧小区综合整治项目资金安排表、施工单位中标结果及竣工验收报告（共38页，见附件）。其中施工单位中标价格明细涉及北京华宇建筑工程有限公司的商业秘密，经征求意见该公司不同意公开，本机关已作区分处理，对该部分内容不予公开。";
    let c = draft(Outcome::PartlyDisclosed, partly, None);
    assert_eq!(s.act(&clerk(), "2026-06-01", c), NONE);
    s.review("2026-06-01");
    assert_eq!(
        s.act(&clerk(), "2026-06-01", Command::SubmitForReview),
        [K::ReviewRequested]
    );
    assert_eq!(
        s.act(&supervisor(), "2026-06-02", Command::ApproveReply),
        [K::Reply(ReplyNotice::PartlyDisclosed)]
    );
    s
}

pub(crate) const CORRECTION_ITEMS: [&str; 3] = [
    "请写明所需信息的年度范围（如2025年度）",
    "请写明加装电梯项目所在的具体小区名称或楼号",
    "请说明所需的是项目审批意见、公示材料还是资金补贴发放情况",
];

/// Handed in on Monday 2026-03-02; the request is unclear, a correction is asked for on 03-04
/// (by 03-25) and never comes: the request is deemed abandoned on 03-26.
pub(crate) fn story_correction_abandoned(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000102",
        "GK-2026-000102",
    );
    let c = receive(
        Channel::InPerson,
        "劲松街道老旧小区加装电梯的有关文件",
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-03-02", c), NONE);
    let ack = s.act(&clerk(), "2026-03-02", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(
        s.act(&supervisor(), "2026-03-02", assign_clerk()),
        [K::Assigned]
    );
    let c = Command::RequestCorrection {
        items: CORRECTION_ITEMS.map(str::to_owned).to_vec(),
        period_days: None,
    };
    assert_eq!(s.act(&clerk(), "2026-03-04", c), [K::CorrectionNotice]);
    assert_eq!(
        s.case.correction.as_ref().map(|c| c.deadline),
        Some(d("2026-03-25"))
    );
    assert_eq!(
        s.act(&clerk(), "2026-03-26", Command::Abandon),
        [K::AbandonmentConfirmation]
    );
    s
}

/// Handed in on Tuesday 2026-04-07 for 120 pages of files: a fee notice of 1,100 yuan on 04-09
/// (payable by 05-11), not paid, the case closed on 05-12.
pub(crate) fn story_fee_unpaid(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000103",
        "GK-2026-000103",
    );
    let c = receive(
        Channel::InPerson,
        "2021年至2025年朝阳区公共租赁住房配租审核的全部公示材料",
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-04-07", c), NONE);
    let ack = s.act(&clerk(), "2026-04-07", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(
        s.act(&supervisor(), "2026-04-07", assign_clerk()),
        [K::Assigned]
    );
    assert_eq!(
        s.act(&clerk(), "2026-04-08", Command::StartProcessing),
        NONE
    );
    let c = Command::IssueFeeNotice {
        fee: FeeMethod::PerPage { pages: 120 },
        sent_by: None,
    };
    assert_eq!(s.act(&clerk(), "2026-04-09", c), [K::FeeNotice]);
    let fee = s.case.fee.clone().unwrap();
    assert_eq!((fee.amount_yuan, fee.deadline), (1100, d("2026-05-11")));
    assert_eq!(
        s.act(&clerk(), "2026-05-12", Command::CloseUnpaid),
        [K::UnpaidClosure]
    );
    s
}

/// Filed online on 2026-04-13 among many requests of the month: the applicant is asked for
/// reasons (art. 35), which are found reasonable; the supervisor sets a reasonable reply date
/// of 06-30; the information is disclosed on 06-23.
pub(crate) fn story_reasonable_date_disclosed(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000104",
        "GK-2026-000104",
    );
    let c = receive(
        Channel::Online,
        "2026年第一季度朝阳区各街道房屋征收补偿安置方案",
        None,
    );
    assert_eq!(s.act(&applicant(), "2026-04-13", c), NONE);
    let ack = s.act(&clerk(), "2026-04-14", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(
        s.act(&supervisor(), "2026-04-14", assign_clerk()),
        [K::Assigned]
    );
    assert_eq!(
        s.act(&clerk(), "2026-04-15", Command::StartProcessing),
        NONE
    );
    let c = Command::RequestReasons {
        grounds: "您于2026年4月内向本机关提出政府信息公开申请23件".to_owned(),
        period_days: None,
        sent_by: None,
    };
    assert_eq!(s.act(&clerk(), "2026-04-15", c), [K::ReasonsRequest]);
    let c = Command::RecordReasons {
        assessment: ReasonsAssessment::Reasonable,
        note: "申请人说明系为核对本人房屋征收补偿情况，需比对各街道方案".to_owned(),
    };
    assert_eq!(s.act(&clerk(), "2026-04-17", c), NONE);
    let c = Command::SetReasonableDate {
        date: d("2026-06-30"),
        reason: "您于2026年4月内提出政府信息公开申请23件，申请公开政府信息的数量、频次明显超过合理范围，所需信息需从各街道的征收档案中逐一检索整理".to_owned(),
    };
    assert_eq!(
        s.act(&supervisor(), "2026-04-20", c),
        [K::ReasonableDateNotice]
    );
    assert_eq!(s.due(), Some(d("2026-06-30")));
    let c = draft(
        Outcome::Disclosed,
        "现向您提供2026年第一季度朝阳区各街道房屋征收补偿安置方案（共12页，见附件）。",
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-06-22", c), NONE);
    s.review("2026-06-22");
    assert_eq!(
        s.act(&clerk(), "2026-06-22", Command::SubmitForReview),
        [K::ReviewRequested]
    );
    assert_eq!(
        s.act(&supervisor(), "2026-06-23", Command::ApproveReply),
        [K::Reply(ReplyNotice::Disclosed)]
    );
    s
}

/// Handed in on Monday 2026-03-02. The contractor is consulted by post on 03-03 (presumed
/// received 03-06, window to 03-27) and objects on 03-20; the land bureau is asked to confirm
/// (art. 33) on 03-04 by email and is reminded after 10 working days; it answers on 03-25. The
/// agency discloses in full over the contractor's objection: the contractor is told first.
pub(crate) fn story_disclosed_over_objection(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000113",
        "GK-2026-000113",
    );
    let c = receive(
        Channel::InPerson,
        "朝阳区劲松街道老旧小区加装电梯项目的财政补贴发放情况",
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-03-02", c), NONE);
    let ack = s.act(&clerk(), "2026-03-02", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(
        s.act(&clerk(), "2026-03-02", Command::StartProcessing),
        NONE
    );
    let c = Command::StartConsultation {
        kind: ConsultationKind::ThirdParty,
        party: THIRD_PARTY.to_owned(),
        letter_date: None,
        sent_by: Some(SentBy::Post),
    };
    assert_eq!(
        s.act(&clerk(), "2026-03-03", c),
        [K::ThirdPartyConsultation]
    );
    let c = Command::StartConsultation {
        kind: ConsultationKind::AgencyOpinion,
        party: LAND_BUREAU.to_owned(),
        letter_date: None,
        sent_by: Some(SentBy::Email),
    };
    assert_eq!(s.act(&clerk(), "2026-03-04", c), [K::AgencyOpinionRequest]);
    s.scheduler_consultation_due("2026-03-19");
    let c = end_consultation(1, Opinion::Objection);
    assert_eq!(s.act(&clerk(), "2026-03-20", c), NONE);
    let c = end_consultation(2, Opinion::Consent);
    assert_eq!(s.act(&clerk(), "2026-03-25", c), NONE);
    let c = Command::DraftReply {
        reply: Reply {
            outcome: Outcome::Disclosed,
            text: "现向您提供劲松街道老旧小区加装电梯项目财政补贴发放明细（共6页，见附件）。"
                .to_owned(),
            competent_agency: None,
            not_held: None,
            competent_agency_contact: None,
            disclosure: Some("加装电梯财政补贴属于公共财政资金的使用，涉及众多居民的切身利益，不公开可能对公共利益造成重大影响".to_owned()),
            release: gongkai_testkit::release_for(Outcome::Disclosed),
        },
    };
    assert_eq!(s.act(&clerk(), "2026-03-26", c), NONE);
    s.review("2026-03-26");
    assert_eq!(
        s.act(&clerk(), "2026-03-26", Command::SubmitForReview),
        [K::ReviewRequested]
    );
    assert_eq!(
        s.act(&supervisor(), "2026-03-27", Command::ApproveReply),
        [K::ThirdPartyDisclosure, K::Reply(ReplyNotice::Disclosed)]
    );
    s
}

/// Filed online on 2026-05-06, registered 05-07, withdrawn by 王小明 on 05-11.
pub(crate) fn story_withdrawn(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000105",
        "GK-2026-000105",
    );
    let c = receive(
        Channel::Online,
        "朝阳区2026年度城镇老旧小区改造计划项目名单",
        None,
    );
    assert_eq!(s.act(&applicant(), "2026-05-06", c), NONE);
    let ack = s.act(&clerk(), "2026-05-07", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(
        s.act(&supervisor(), "2026-05-07", assign_clerk()),
        [K::Assigned]
    );
    let c = Command::Withdraw {
        reason: Some("所需信息已在朝阳区人民政府网站“政府信息公开”专栏查到".to_owned()),
        withdrawn_on: None,
    };
    assert_eq!(
        s.act(&applicant(), "2026-05-11", c),
        [K::WithdrawalConfirmation]
    );
    s
}

/// Handed in on Monday 2026-06-01 (due 06-30, 端午 skipped): the scheduler reminds the clerk
/// on 06-24, and records the breach on 07-01 when nothing has been done.
pub(crate) fn story_due_soon_overdue(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000106",
        "GK-2026-000106",
    );
    let c = receive(
        Channel::InPerson,
        "朝阳区2025年度住房租赁企业监督检查结果",
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-06-01", c), NONE);
    let ack = s.act(&clerk(), "2026-06-01", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(s.due(), Some(d("2026-06-30")));
    assert_eq!(
        s.act(&supervisor(), "2026-06-01", assign_clerk()),
        [K::Assigned]
    );
    assert_eq!(
        s.act(&clerk(), "2026-06-02", Command::StartProcessing),
        NONE
    );
    s.scheduler_due_soon("2026-06-24");
    assert_eq!(
        s.act(&Actor::system(), "2026-07-01", Command::RecordOverdue),
        [K::Overdue, K::Overdue]
    );
    s
}

/// Handed in on 2026-03-10 and answered at the counter the same day: a publication.
pub(crate) fn story_on_the_spot_not_processed(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000107",
        "GK-2026-000107",
    );
    let c = receive(Channel::InPerson, "《北京市朝阳区年鉴（2025）》全书", None);
    assert_eq!(s.act(&clerk(), "2026-03-10", c), NONE);
    let ack = s.act(&clerk(), "2026-03-10", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    let c = Command::ReplyOnTheSpot {
        reply: Reply {
            outcome: Outcome::NotProcessed(NotProcessedGround::Publication),
            text: "您申请获取的《北京市朝阳区年鉴（2025）》系公开出版物，可在北京市朝阳区图书馆、北京市朝阳区档案馆查阅，或通过正规出版发行渠道购买。".to_owned(),
            competent_agency: None,
            not_held: None,
            competent_agency_contact: None,
            disclosure: None,
            release: Vec::new(),
        },
    };
    assert_eq!(
        s.act(&clerk(), "2026-03-10", c),
        [K::Reply(ReplyNotice::NotProcessed)]
    );
    s
}

/// Handed in on `day`, registered and assigned the same day, taken up the next working day,
/// and answered with `reply` (drafted, submitted, approved) on `reply_day`.
pub(crate) fn story_replied<'l>(
    law: &'l Law,
    case_id: &'static str,
    tracking_number: &'static str,
    request: &str,
    (day, next_day, reply_day): (&str, &str, &str),
    reply: Command,
    expected: ReplyNotice,
) -> Story<'l> {
    let mut s = Story::new(law, case_id, tracking_number);
    assert_eq!(
        s.act(&clerk(), day, receive(Channel::InPerson, request, None)),
        NONE
    );
    let ack = s.act(&clerk(), day, register(tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(s.act(&supervisor(), day, assign_clerk()), [K::Assigned]);
    assert_eq!(s.act(&clerk(), next_day, Command::StartProcessing), NONE);
    assert_eq!(s.act(&clerk(), reply_day, reply), NONE);
    s.review(reply_day);
    assert_eq!(
        s.act(&clerk(), reply_day, Command::SubmitForReview),
        [K::ReviewRequested]
    );
    assert_eq!(
        s.act(&supervisor(), reply_day, Command::ApproveReply),
        [K::Reply(expected)]
    );
    s
}

pub(crate) fn story_not_exist(law: &Law) -> Story<'_> {
    story_replied(
        law,
        "0196b1a0-0000-7000-8000-000000000108",
        "GK-2026-000108",
        "2018年团结湖街道团结湖北里小区违法建设拆除决定书",
        ("2026-03-16", "2026-03-17", "2026-03-27"),
        draft(
            Outcome::CannotProvide(CannotProvideGround::NotHeld),
            "本机关在文书档案及行政执法业务系统中以“团结湖北里”“违法建设”“拆除”等关键词进行了检索，未查找到您所描述的拆除决定书。",
            None,
        ),
        ReplyNotice::NotExist,
    )
}

pub(crate) fn story_not_this_agency(law: &Law) -> Story<'_> {
    story_replied(
        law,
        "0196b1a0-0000-7000-8000-000000000109",
        "GK-2026-000109",
        "朝阳区2025年国有建设用地使用权出让合同",
        ("2026-03-16", "2026-03-17", "2026-03-26"),
        draft_reply(Reply {
            outcome: Outcome::CannotProvide(CannotProvideGround::NotHeld),
            text: "国有建设用地使用权出让合同由规划和自然资源主管部门签订并保存，不属于本机关负责公开的政府信息。".to_owned(),
            competent_agency: Some(COMPETENT_AGENCY.to_owned()),
            not_held: Some(NotHeld::NotThisAgency),
            competent_agency_contact: Some(COMPETENT_AGENCY_CONTACT.to_owned()),
            disclosure: None,
            release: Vec::new(),
        }),
        ReplyNotice::NotThisAgency,
    )
}

/// Art. 36(5) where the competent agency cannot be determined: still 非本机关负责公开, never
/// "does not exist".
pub(crate) fn story_not_this_agency_unknown(law: &Law) -> Story<'_> {
    story_replied(
        law,
        "0196b1a0-0000-7000-8000-000000000115",
        "GK-2026-000115",
        "某跨区河道2025年防汛工程的验收报告",
        ("2026-05-18", "2026-05-19", "2026-05-29"),
        draft_reply(Reply {
            outcome: Outcome::CannotProvide(CannotProvideGround::NotHeld),
            text: "防汛工程的验收不属于本机关的职责，本机关未制作、获取该报告。".to_owned(),
            competent_agency: None,
            not_held: Some(NotHeld::NotThisAgency),
            competent_agency_contact: None,
            disclosure: None,
            release: Vec::new(),
        }),
        ReplyNotice::NotThisAgency,
    )
}

/// Art. 36(7): a referral to the registration procedure, not a refusal.
pub(crate) fn story_administrative_query(law: &Law) -> Story<'_> {
    story_replied(
        law,
        "0196b1a0-0000-7000-8000-000000000114",
        "GK-2026-000114",
        "朝阳区建国路88号院3号楼501室的不动产登记簿",
        ("2026-05-18", "2026-05-19", "2026-05-28"),
        draft(
            Outcome::NotDisclosed(NotDisclosedGround::AdministrativeQuery),
            "请依照《不动产登记资料查询暂行办法》的规定，持本人身份证明向北京市朝阳区不动产登记中心申请查询。",
            None,
        ),
        ReplyNotice::AdministrativeQuery,
    )
}

/// Art. 2: what was asked for is not government information.
pub(crate) fn story_not_government_information(law: &Law) -> Story<'_> {
    story_replied(
        law,
        "0196b1a0-0000-7000-8000-000000000116",
        "GK-2026-000116",
        "请解释朝阳区为何不为本小区加装电梯",
        ("2026-05-18", "2026-05-19", "2026-05-27"),
        draft(
            Outcome::Other(OtherGround::NotGovernmentInformation),
            "您的申请系要求本机关作出解释说明，不属于《中华人民共和国政府信息公开条例》第二条所称的政府信息。如有咨询，可拨打12345热线。",
            None,
        ),
        ReplyNotice::Other,
    )
}

pub(crate) fn story_cannot_provide(law: &Law) -> Story<'_> {
    story_replied(
        law,
        "0196b1a0-0000-7000-8000-000000000110",
        "GK-2026-000110",
        "朝阳区近五年各街道老旧小区改造投资额的统计对比分析",
        ("2026-04-13", "2026-04-14", "2026-04-24"),
        draft(
            Outcome::CannotProvide(CannotProvideGround::WouldNeedCreating),
            "本机关未就近五年各街道老旧小区改造投资额制作过统计对比分析，您申请的信息需要本机关对现有信息进行汇总、加工或者重新制作。",
            None,
        ),
        ReplyNotice::CannotProvide,
    )
}

pub(crate) fn story_other(law: &Law) -> Story<'_> {
    story_replied(
        law,
        "0196b1a0-0000-7000-8000-000000000111",
        "GK-2026-000111",
        "1998年朝阳区危旧房改造项目的审批文件",
        ("2026-04-20", "2026-04-21", "2026-04-29"),
        draft(
            Outcome::Other(OtherGround::Other),
            "您申请的1998年朝阳区危旧房改造项目审批文件已于2010年移交北京市朝阳区档案馆，请您依照《中华人民共和国档案法》的规定向北京市朝阳区档案馆申请查阅。",
            None,
        ),
        ReplyNotice::Other,
    )
}

/// Handed in on 2026-04-20; corrected on 04-27 but still unclear: cannot be provided.
pub(crate) fn story_corrected_still_unclear(law: &Law) -> Story<'_> {
    let mut s = Story::new(
        law,
        "0196b1a0-0000-7000-8000-000000000112",
        "GK-2026-000112",
    );
    let c = receive(Channel::InPerson, "朝阳区所有与房屋有关的文件", None);
    assert_eq!(s.act(&clerk(), "2026-04-20", c), NONE);
    let ack = s.act(&clerk(), "2026-04-20", register(s.tracking_number));
    assert_eq!(ack, [K::Acknowledgment]);
    assert_eq!(
        s.act(&supervisor(), "2026-04-20", assign_clerk()),
        [K::Assigned]
    );
    let c = Command::RequestCorrection {
        items: vec![
            "请写明所需政府信息的名称、文号或者便于本机关查询的其他特征性描述".to_owned(),
            "请写明所需信息的制作年度或时间范围".to_owned(),
        ],
        period_days: None,
    };
    assert_eq!(s.act(&clerk(), "2026-04-21", c), [K::CorrectionNotice]);
    let c = Command::ReceiveCorrection {
        content: "所需信息为朝阳区历年来所有与房屋有关的文件".to_owned(),
        received_on: None,
        late_reason: None,
    };
    assert_eq!(s.act(&clerk(), "2026-04-27", c), NONE);
    assert_eq!(
        s.act(&clerk(), "2026-04-28", Command::StartProcessing),
        NONE
    );
    let c = draft(
        Outcome::CannotProvide(CannotProvideGround::StillUnclear),
        "您补正后的申请仍为“朝阳区历年来所有与房屋有关的文件”，未能写明所需政府信息的名称、文号或者便于本机关查询的其他特征性描述，本机关无法确定您所需的政府信息。",
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-05-08", c), NONE);
    s.review("2026-05-08");
    assert_eq!(
        s.act(&clerk(), "2026-05-08", Command::SubmitForReview),
        [K::ReviewRequested]
    );
    assert_eq!(
        s.act(&supervisor(), "2026-05-11", Command::ApproveReply),
        [K::Reply(ReplyNotice::CannotProvide)]
    );
    s
}

/// Every story, in the order the snapshots take their examples from.
pub(crate) fn stories(law: &Law) -> Vec<Story<'_>> {
    vec![
        story_consulted_refused_reopened(law),
        story_correction_abandoned(law),
        story_fee_unpaid(law),
        story_reasonable_date_disclosed(law),
        story_withdrawn(law),
        story_due_soon_overdue(law),
        story_on_the_spot_not_processed(law),
        story_not_exist(law),
        story_not_this_agency(law),
        story_cannot_provide(law),
        story_other(law),
        story_corrected_still_unclear(law),
        story_administrative_query(law),
        story_not_this_agency_unknown(law),
        story_not_government_information(law),
        story_disclosed_over_objection(law),
    ]
}

pub(crate) fn issue_all(law: &Law) -> Vec<Issued> {
    let templates = Templates::defaults();
    stories(law)
        .iter()
        .flat_map(|s| s.issue(&templates))
        .collect()
}

/// The notices of `kind` from `tracking_number`.
pub(crate) fn find<'a>(
    all: &'a [Issued],
    tracking_number: &str,
    kind: NoticeKind,
) -> Vec<&'a Issued> {
    let found: Vec<&Issued> = all
        .iter()
        .filter(|i| i.tracking_number == tracking_number && i.kind == kind)
        .collect();
    assert!(!found.is_empty(), "no {} in {tracking_number}", kind.key());
    found
}

pub(crate) fn one<'a>(all: &'a [Issued], tracking_number: &str, kind: NoticeKind) -> &'a Issued {
    let found = find(all, tracking_number, kind);
    assert_eq!(found.len(), 1, "{} in {tracking_number}", kind.key());
    found[0]
}

#[track_caller]
pub(crate) fn assert_has(issued: &Issued, needle: &str) {
    assert!(
        issued.rendered.body.contains(needle),
        "{} of {} should contain “{needle}”:\n{}",
        issued.kind.key(),
        issued.tracking_number,
        issued.rendered.body
    );
}

#[track_caller]
pub(crate) fn assert_lacks(issued: &Issued, needle: &str) {
    assert!(
        !issued.rendered.body.contains(needle),
        "{} of {} should not contain “{needle}”:\n{}",
        issued.kind.key(),
        issued.tracking_number,
        issued.rendered.body
    );
}

// ---------------------------------------------------------------------------------------------
