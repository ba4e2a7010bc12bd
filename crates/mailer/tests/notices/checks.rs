//! What every notice must say, story by story.

use std::collections::BTreeSet;

use gongkai_mailer::context::date_zh;

use super::*;

// The tests.
// ---------------------------------------------------------------------------------------------

#[test]
fn every_kind_of_notice_comes_out_of_a_real_case() {
    let law = law();
    let all = issue_all(&law);
    let rendered: BTreeSet<String> = all.iter().map(|i| i.kind.key()).collect();
    let missing: Vec<String> = NoticeKind::all()
        .into_iter()
        .map(NoticeKind::key)
        .filter(|k| !rendered.contains(k))
        .collect();
    assert!(
        missing.is_empty(),
        "never rendered from a case: {missing:?}"
    );
    // Every kind goes to the recipient it is written for.
    for i in &all {
        let expected = match i.kind {
            K::ThirdPartyConsultation | K::ThirdPartyDisclosure => {
                Recipient::Consulted(THIRD_PARTY.to_owned())
            }
            K::AgencyConsultation => Recipient::Consulted(OTHER_AGENCY.to_owned()),
            K::AgencyOpinionRequest => Recipient::Consulted(LAND_BUREAU.to_owned()),
            K::Assigned | K::ReplyReturned | K::DueSoon | K::Reopened | K::ConsultationDue => {
                Recipient::Assignee
            }
            K::ReviewRequested => Recipient::Supervisors,
            K::Overdue if i.recipient == Recipient::Supervisors => Recipient::Supervisors,
            K::Overdue => Recipient::Assignee,
            _ => Recipient::Applicant,
        };
        assert_eq!(i.recipient, expected, "{}", i.kind.key());
    }
}

#[test]
fn a_notice_says_what_it_said_when_its_event_happened() {
    // The dispatcher may build a notice long after its event, from a longer history.
    let law = law();
    for i in issue_all(&law) {
        assert_eq!(
            i.context,
            i.prefix_context,
            "{} of {} (event {})",
            i.kind.key(),
            i.tracking_number,
            i.seq
        );
    }
}

#[test]
fn every_notice_is_complete() {
    let law = law();
    let all = issue_all(&law);
    for i in &all {
        let ctx = &i.context;
        let Rendered { subject, body } = &i.rendered;
        let what = format!(
            "{} of {} (event {})",
            i.kind.key(),
            i.tracking_number,
            i.seq
        );
        for text in [subject, body] {
            for leftover in ["{{", "}}", "{%", "%}", "{#"] {
                assert!(
                    !text.contains(leftover),
                    "{what}: template syntax left:\n{text}"
                );
            }
        }
        assert!(!subject.trim().is_empty(), "{what}: empty subject");
        assert!(
            !subject.chars().any(char::is_control),
            "{what}: the subject is not one line: {subject:?}"
        );
        assert!(subject.contains(i.tracking_number), "{what}: {subject}");
        assert!(body.contains(i.tracking_number), "{what}:\n{body}");
        assert_eq!(ctx.tracking_number, i.tracking_number, "{what}");
        assert!(i.tracking_number.starts_with("GK-2026-"), "{what}");
        assert_eq!(ctx.date, date_zh(i.event_date), "{what}");
        assert_eq!(
            ctx.doc_no,
            format!("{}-{:02}", i.tracking_number, i.seq),
            "{what}"
        );
        // Sentences with a hole where a variable rendered empty.
        for hole in [
            "（）",
            "：。",
            "因，",
            "于前",
            "机关为，",
            "延长个工作日",
            "人民币元",
        ] {
            assert!(!body.contains(hole), "{what}: “{hole}” in\n{body}");
        }
        assert!(!ctx.request.is_empty(), "{what}: no request");
        if i.kind != K::ReplyReturned {
            assert!(
                body.contains(&ctx.request),
                "{what}: the request is not named:\n{body}"
            );
        }
        let first_line = body.lines().next().unwrap_or_default();

        if i.kind.is_internal() {
            // To staff: the addressee, the case, the link; no remedy or agency footer.
            assert_eq!(first_line, format!("{}：", ctx.staff.recipient), "{what}");
            assert!(
                body.contains(&format!("{BASE_URL}/staff/cases/{}", i.case_id)),
                "{what}:\n{body}"
            );
            if i.kind != K::ReplyReturned {
                assert!(body.contains(APPLICANT_NAME), "{what}:\n{body}");
            }
            assert!(ctx.remedy.is_empty(), "{what}: {}", ctx.remedy);
            assert!(!body.contains("依法申请行政复议"), "{what}:\n{body}");
            assert!(!body.contains("文号："), "{what}:\n{body}");
            assert!(!ctx.due_date.is_empty(), "{what}: no due date");
            continue;
        }

        // The agency's written acts: agency, date and document number close every one.
        let tail: Vec<&str> = body.lines().rev().take(3).collect();
        assert_eq!(
            tail,
            [
                format!("文号：{}", ctx.doc_no).as_str(),
                ctx.date.as_str(),
                AGENCY_NAME
            ],
            "{what}:\n{body}"
        );
        match &i.recipient {
            Recipient::Applicant => {
                assert_eq!(first_line, format!("{APPLICANT_NAME}："), "{what}");
                if i.kind.is_decision() {
                    // A decision states the right, the body and the time limit (行政复议法
                    // 2023 art. 20).
                    assert!(!ctx.remedy.is_empty(), "{what}: no remedy");
                    assert!(body.contains(&ctx.remedy), "{what}:\n{body}");
                    assert!(
                        body.contains(&format!("向{RECONSIDERATION_BODY}申请行政复议")),
                        "{what}:\n{body}"
                    );
                    assert!(
                        body.contains(&format!("向{COURT}提起行政诉讼")),
                        "{what}:\n{body}"
                    );
                    assert!(body.contains("60日内"), "{what}:\n{body}");
                } else {
                    // A procedural step decides nothing that could be challenged.
                    assert!(ctx.remedy.is_empty(), "{what}: {}", ctx.remedy);
                    assert!(!body.contains("行政复议"), "{what}:\n{body}");
                    assert!(!body.contains("行政诉讼"), "{what}:\n{body}");
                }
                assert!(!body.contains("。。"), "{what}:\n{body}");
                assert!(!ctx.receipt_date.is_empty(), "{what}: no receipt date");
            }
            Recipient::Consulted(party) => {
                // A letter to a third party or another agency names the request, never the
                // applicant.
                assert_eq!(first_line, format!("{party}："), "{what}");
                for private in [
                    APPLICANT_NAME,
                    APPLICANT_ID,
                    APPLICANT_PHONE,
                    APPLICANT_EMAIL,
                    APPLICANT_ADDRESS,
                ] {
                    assert!(!body.contains(private), "{what} shows “{private}”:\n{body}");
                }
                assert_eq!(ctx.consultation.party, *party, "{what}");
                if i.kind == K::ThirdPartyDisclosure {
                    // Art. 32: the decision to disclose over the objection is one the third
                    // party may challenge (法释〔2025〕8号 art. 1(4), formerly 法释〔2011〕17号
                    // art. 1(3)): it carries the remedy.
                    assert!(!ctx.remedy.is_empty(), "{what}: no remedy");
                    assert!(body.contains(&ctx.remedy), "{what}:\n{body}");
                    assert!(body.contains(&ctx.reply.disclosure), "{what}:\n{body}");
                } else {
                    assert!(ctx.remedy.is_empty(), "{what}: {}", ctx.remedy);
                    assert!(!body.contains("行政复议"), "{what}:\n{body}");
                    assert!(!ctx.consultation.deadline.is_empty(), "{what}");
                    assert!(body.contains(&ctx.consultation.deadline), "{what}:\n{body}");
                }
            }
            other => panic!("{what}: a written act to {other:?}"),
        }
        if let K::Reply(r) = i.kind {
            assert!(!ctx.reply.text.is_empty(), "{what}: no reply text");
            assert!(body.contains(&ctx.reply.text), "{what}:\n{body}");
            assert!(!ctx.reply.outcome.is_empty(), "{what}");
            if r != ReplyNotice::Other {
                assert!(!ctx.reply.basis.is_empty(), "{what}: no legal basis");
                assert!(body.contains(&ctx.reply.basis), "{what}:\n{body}");
            }
            if matches!(
                r,
                ReplyNotice::NotDisclosed | ReplyNotice::CannotProvide | ReplyNotice::NotProcessed
            ) {
                assert!(!ctx.reply.ground.is_empty(), "{what}: no ground");
                assert!(body.contains(&ctx.reply.ground), "{what}:\n{body}");
            }
            assert!(body.contains("行政诉讼"), "{what}:\n{body}");
        }
    }
}

#[test]
fn the_acknowledgment_gives_the_receipt_date_and_the_due_date_with_its_explanation() {
    let law = law();
    let all = issue_all(&law);

    // Online, registered on Friday 2026-01-30: 20 working days across the Spring Festival.
    let ack = one(&all, "GK-2026-000101", K::Acknowledgment);
    assert_eq!(ack.context.receipt_date, "2026年1月30日");
    assert_eq!(ack.context.due_date, "2026年3月5日");
    assert_has(
        ack,
        "本机关于2026年1月30日收到您提出的政府信息公开申请，现予登记受理。",
    );
    assert_has(ack, "申请编号：GK-2026-000101");
    assert_has(ack, &format!("所需信息：{HOUSING_REQUEST}"));
    assert_has(ack, "文号：朝政办发〔2025〕12号");
    assert_has(ack, "收到申请之日：2026年1月30日");
    assert_has(ack, "答复期限：2026年3月5日前");
    assert!(!ack.context.due_explanation.is_empty());
    for line in &ack.context.due_explanation {
        assert_has(ack, &format!("  {line}"));
    }
    assert_has(ack, "春节");
    assert_has(ack, "第三十三条");
    assert_has(ack, "查询码");
    assert_has(ack, "2026年1月30日\n文号：GK-2026-000101-02");

    // Handed in: no query code, and no document number line when none was given.
    let counter = one(&all, "GK-2026-000102", K::Acknowledgment);
    assert_eq!(counter.context.receipt_date, "2026年3月2日");
    assert_has(counter, "收到申请之日：2026年3月2日");
    assert_has(counter, "答复期限：2026年3月30日前");
    assert_lacks(counter, "查询码");
    assert_lacks(counter, "\n文号：朝");
}

#[test]
fn the_correction_notice_lists_every_item_and_the_abandonment_recalls_it() {
    let law = law();
    let all = issue_all(&law);
    let notice = one(&all, "GK-2026-000102", K::CorrectionNotice);
    for (n, item) in CORRECTION_ITEMS.iter().enumerate() {
        assert_has(notice, &format!("\n{}. {item}\n", n + 1));
    }
    assert_has(notice, "请于2026年3月25日前向本机关提交补正材料");
    assert_has(notice, "第三十条");
    assert_eq!(notice.context.date, "2026年3月4日");

    let abandoned = one(&all, "GK-2026-000102", K::AbandonmentConfirmation);
    assert_has(abandoned, "本机关于2026年3月4日就您提出的政府信息公开申请");
    assert_has(abandoned, "要求您于2026年3月25日前补正");
    assert_has(abandoned, "视为放弃申请");
    assert_eq!(abandoned.context.date, "2026年3月26日");
}

#[test]
fn consultation_letters_name_the_request_and_the_deadline() {
    let law = law();
    let all = issue_all(&law);
    let third = one(&all, "GK-2026-000101", K::ThirdPartyConsultation);
    assert_has(third, &format!("{THIRD_PARTY}："));
    assert_has(third, &format!("申请公开的信息为：{HOUSING_REQUEST}"));
    // Posted on 02-03, presumed received 02-06: 15 working days from 02-09 across the Spring
    // Festival (art. 32 counts from receipt).
    assert_eq!(third.context.consultation.deadline, "2026年3月5日");
    assert_eq!(third.context.consultation.received_on, "2026年2月6日");
    assert_has(third, "请于2026年3月5日前");
    assert_has(third, "第三十二条");

    let agency = one(&all, "GK-2026-000101", K::AgencyConsultation);
    assert_has(agency, &format!("{OTHER_AGENCY}："));
    assert_eq!(agency.context.consultation.party, OTHER_AGENCY);
    assert_has(agency, "第三十四条");
    assert_has(agency, "视为同意公开");
}

#[test]
fn art33_art35_and_art32_letters_say_what_the_law_says() {
    let law = law();
    let all = issue_all(&law);
    // Art. 33: its own letter, no deemed consent.
    let opinion = one(&all, "GK-2026-000113", K::AgencyOpinionRequest);
    assert_has(opinion, &format!("{LAND_BUREAU}："));
    assert_has(opinion, "第十一条");
    assert_has(opinion, "第三十三条第二款");
    assert_lacks(opinion, "视为同意");
    assert_lacks(opinion, "共同制作");
    assert_lacks(opinion, "依法申请行政复议");
    let reminder = one(&all, "GK-2026-000113", K::ConsultationDue);
    assert_has(reminder, LAND_BUREAU);
    assert_has(reminder, "不视为同意");
    // Art. 35: the request for reasons gives the facts and the deadline, no remedy.
    let reasons = one(&all, "GK-2026-000104", K::ReasonsRequest);
    assert_has(reasons, "第三十五条");
    assert_has(reasons, "您于2026年4月内向本机关提出政府信息公开申请23件");
    assert_eq!(reasons.context.remedy, "");
    // Art. 32: the third party is told what will be disclosed and why, before disclosure.
    let told = one(&all, "GK-2026-000113", K::ThirdPartyDisclosure);
    assert_has(told, &format!("{THIRD_PARTY}："));
    assert_has(told, "第三十二条");
    assert_has(
        told,
        "决定公开的理由：加装电梯财政补贴属于公共财政资金的使用",
    );
    assert_lacks(told, APPLICANT_NAME);
    let reply = one(&all, "GK-2026-000113", K::Reply(ReplyNotice::Disclosed));
    assert!(told.seq == reply.seq, "both on the approval");
}

#[test]
fn extension_fee_and_reasonable_date_notices_give_their_terms() {
    let law = law();
    let all = issue_all(&law);

    let extension = one(&all, "GK-2026-000101", K::ExtensionNotice);
    assert_has(
        extension,
        "因所需信息涉及12个街道共86个整治项目的档案，需逐一调取核对，不能在规定期限内作出答复",
    );
    assert_has(extension, "答复期限延长20个工作日");
    assert_has(extension, "第三十三条第一款");
    let due = &extension.context.due_date;
    assert!(due.starts_with("2026年") && due.ends_with('日'), "{due}");
    assert_has(extension, &format!("本机关将于{due}前作出答复"));

    let fee = one(&all, "GK-2026-000103", K::FeeNotice);
    assert_has(fee, "应缴金额：人民币1100元");
    assert_has(fee, "缴费期限：2026年5月11日前");
    assert_has(fee, "按量计收：本次提供信息共 120 页");
    assert_has(fee, "第四十二条");

    let closed = one(&all, "GK-2026-000103", K::UnpaidClosure);
    assert_has(closed, "本机关于2026年4月9日就您提出的政府信息公开申请");
    assert_has(closed, "要求您于2026年5月11日前缴纳信息处理费人民币1100元");
    assert_eq!(closed.context.date, "2026年5月12日");

    let reasonable = one(&all, "GK-2026-000104", K::ReasonableDateNotice);
    assert_has(reasonable, "第三十五条");
    assert_has(reasonable, "本机关确定延迟至2026年6月30日前作出答复");
    assert_has(reasonable, "申请公开政府信息的数量、频次明显超过合理范围");

    let withdrawn = one(&all, "GK-2026-000105", K::WithdrawalConfirmation);
    assert_has(withdrawn, "本机关于2026年5月11日收到您撤回政府信息公开申请");
    assert_has(
        withdrawn,
        "（理由：所需信息已在朝阳区人民政府网站“政府信息公开”专栏查到）",
    );
    assert_has(withdrawn, "终止办理该申请");
}

#[test]
fn reply_notices_name_the_ground_the_basis_and_the_remedy() {
    let law = law();
    let all = issue_all(&law);
    let general = format!(
        "如对本告知书不服，您可以自收到本告知书之日起60日内向{RECONSIDERATION_BODY}申请行政复议，或者自收到本告知书之日起6个月内向{COURT}提起行政诉讼。"
    );
    let general = general.as_str();
    let reconsideration_first = format!(
        "根据《中华人民共和国行政复议法》第二十三条第一款第（四）项的规定，您应当自收到本告知书之日起60日内先向{RECONSIDERATION_BODY}申请行政复议；对行政复议决定不服的，可以根据《中华人民共和国行政诉讼法》第四十五条的规定，自收到行政复议决定书之日起15日内向{COURT}提起行政诉讼。"
    );
    let reconsideration_first = reconsideration_first.as_str();

    let refused = one(&all, "GK-2026-000101", K::Reply(ReplyNotice::NotDisclosed));
    assert_eq!(refused.context.reply.ground, "保护第三方合法权益");
    assert_has(refused, "理由为：保护第三方合法权益。");
    assert_has(
        refused,
        "根据《中华人民共和国政府信息公开条例》第十五条、第三十二条的规定",
    );
    assert_has(refused, reconsideration_first);
    assert_lacks(refused, general);
    assert_eq!(refused.context.date, "2026年3月19日");
    // The text as approved, not the draft that was returned.
    assert_has(refused, "本机关认为其理由合理");

    let partly = one(
        &all,
        "GK-2026-000101",
        K::Reply(ReplyNotice::PartlyDisclosed),
    );
    assert_has(partly, "第三十七条");
    assert_has(partly, reconsideration_first);
    assert_has(partly, "如对本告知书中不予公开部分的决定不服");
    assert_lacks(partly, general);
    assert_eq!(partly.context.date, "2026年6月2日");

    let disclosed = one(&all, "GK-2026-000104", K::Reply(ReplyNotice::Disclosed));
    assert_has(disclosed, "予以公开");
    assert_has(disclosed, general);

    let elsewhere = one(&all, "GK-2026-000109", K::Reply(ReplyNotice::NotThisAgency));
    assert_eq!(elsewhere.context.reply.competent_agency, COMPETENT_AGENCY);
    assert_has(
        elsewhere,
        &format!(
            "负责公开该信息的行政机关为{COMPETENT_AGENCY}（联系方式：{COMPETENT_AGENCY_CONTACT}），您可以向其提出申请"
        ),
    );
    assert_has(elsewhere, "第三十六条第（五）项");
    assert_lacks(elsewhere, "不存在");
    assert_has(elsewhere, general);

    // Art. 36(5) with no determinable agency: not “does not exist”.
    let unknown = one(&all, "GK-2026-000115", K::Reply(ReplyNotice::NotThisAgency));
    assert_has(unknown, "不属于本机关负责公开");
    assert_has(unknown, "目前无法确定负责公开该信息的行政机关");
    assert_has(unknown, "第三十六条第（五）项");
    assert_lacks(unknown, "不存在");
    assert_lacks(unknown, "联系方式");

    // Art. 36(7): a referral, no refusal, no reconsideration first.
    let query = one(
        &all,
        "GK-2026-000114",
        K::Reply(ReplyNotice::AdministrativeQuery),
    );
    assert_has(query, "请您依照有关法律、行政法规的规定办理");
    assert_has(query, "《不动产登记资料查询暂行办法》");
    assert_has(query, "第三十六条第（七）项");
    assert_lacks(query, "不予公开");
    assert_lacks(query, "先向");
    assert_has(query, general);

    // Art. 2: not government information.
    let not_info = one(&all, "GK-2026-000116", K::Reply(ReplyNotice::Other));
    assert_has(
        not_info,
        "经审查，所申请内容不属于政府信息。根据《中华人民共和国政府信息公开条例》第二条的规定，本机关对您的申请处理如下：",
    );
    assert_has(not_info, general);

    let missing = one(&all, "GK-2026-000108", K::Reply(ReplyNotice::NotExist));
    assert_has(missing, "该政府信息不存在");
    assert_has(missing, "第三十六条第（四）项");
    assert_lacks(missing, COMPETENT_AGENCY);

    let creating = one(&all, "GK-2026-000110", K::Reply(ReplyNotice::CannotProvide));
    assert_has(creating, "原因为：没有现成信息需要另行制作。");
    assert_has(creating, "第三十八条");
    let unclear = one(&all, "GK-2026-000112", K::Reply(ReplyNotice::CannotProvide));
    assert_has(unclear, "原因为：补正后申请内容仍不明确。");

    let spot = one(&all, "GK-2026-000107", K::Reply(ReplyNotice::NotProcessed));
    assert_has(spot, "原因为：要求提供公开出版物。");
    assert_has(spot, "第三十九条第二款");
    assert_eq!(spot.context.date, "2026年3月10日");

    let other = one(&all, "GK-2026-000111", K::Reply(ReplyNotice::Other));
    assert_has(other, "本机关对您的申请处理如下：");
    assert_has(other, "北京市朝阳区档案馆");
    assert_has(other, general);
}

#[test]
fn staff_notices_reach_the_right_people_with_the_right_facts() {
    let law = law();
    let all = issue_all(&law);

    let assigned = one(&all, "GK-2026-000101", K::Assigned);
    assert!(assigned.rendered.body.starts_with("赵磊：\n"));
    assert_has(assigned, "已分配给您办理");
    assert_has(assigned, "答复期限：2026年3月5日");

    let reviews = find(&all, "GK-2026-000101", K::ReviewRequested);
    assert_eq!(reviews.len(), 4);
    assert!(
        reviews[0]
            .rendered
            .body
            .starts_with("区住房和城乡建设委员会各位审核人：\n")
    );
    assert_has(reviews[0], "申请延长答复期限20个工作日，等待您审核");
    for review in &reviews[1..] {
        assert_has(review, "答复草稿已提交，等待您审核");
    }

    let returned = one(&all, "GK-2026-000101", K::ReplyReturned);
    assert!(returned.rendered.body.starts_with("赵磊：\n"));
    assert_has(
        returned,
        "退回理由：请写明已书面征求第三方意见、第三方不同意公开的理由，以及本机关认为其理由合理的依据",
    );

    let reopened = one(&all, "GK-2026-000101", K::Reopened);
    assert_has(
        reopened,
        "北京市人民政府行政复议决定（京政复字〔2026〕第158号）",
    );
    assert!(
        reopened.context.due_date.starts_with("2026年6月"),
        "{}",
        reopened.context.due_date
    );

    let due_soon = one(&all, "GK-2026-000106", K::DueSoon);
    assert!(due_soon.rendered.body.starts_with("赵磊：\n"));
    assert_eq!(due_soon.context.due_date, "2026年6月30日");
    assert!(
        due_soon
            .rendered
            .subject
            .contains("将于 2026年6月30日 到期")
    );
    assert_has(due_soon, "答复期限为2026年6月30日，即将到期");

    let overdue = find(&all, "GK-2026-000106", K::Overdue);
    let to: Vec<&Recipient> = overdue.iter().map(|o| &o.recipient).collect();
    assert_eq!(to, [&Recipient::Assignee, &Recipient::Supervisors]);
    assert!(overdue[0].rendered.body.starts_with("赵磊：\n"));
    assert!(
        overdue[1]
            .rendered
            .body
            .starts_with("区住房和城乡建设委员会各位审核人：\n")
    );
    for o in &overdue {
        assert_has(o, "的答复期限为2026年6月30日，现已超期未答复");
        assert_has(o, "承办人：赵磊");
        assert_eq!(o.context.date, "2026年7月1日");
    }
}

#[test]
fn procedural_notices_carry_no_remedy_and_the_closures_do() {
    let law = law();
    let all = issue_all(&law);
    for kind in [
        K::Acknowledgment,
        K::CorrectionNotice,
        K::ExtensionNotice,
        K::ReasonableDateNotice,
        K::FeeNotice,
        K::WithdrawalConfirmation,
    ] {
        for i in all.iter().filter(|i| i.kind == kind) {
            assert_lacks(i, "行政复议");
            assert_lacks(i, "如对本告知书不服");
        }
    }
    let abandoned = one(&all, "GK-2026-000102", K::AbandonmentConfirmation);
    assert_has(abandoned, "如对本告知书不服");
    let closed = one(&all, "GK-2026-000103", K::UnpaidClosure);
    assert_has(closed, "如对本告知书不服");
    assert_lacks(closed, "先向");
}

#[test]
fn without_remedy_bodies_on_record_the_wording_is_generic() {
    use gongkai_mailer::context::{RemedyBodies, remedy};
    let on = NaiveDate::from_ymd_opt(2026, 3, 20).unwrap();
    let none = RemedyBodies::default();
    let general = remedy(
        K::Reply(ReplyNotice::Disclosed),
        Some(Outcome::Disclosed),
        on,
        &none,
    );
    assert_eq!(
        general,
        "如对本告知书不服，您可以自收到本告知书之日起60日内依法申请行政复议，或者自收到本告知书之日起6个月内依法向人民法院提起行政诉讼。"
    );
    let refused = remedy(
        K::Reply(ReplyNotice::NotDisclosed),
        Some(Outcome::NotDisclosed(NotDisclosedGround::StateSecret)),
        on,
        &none,
    );
    assert!(refused.contains("60日内先依法申请行政复议"), "{refused}");
    assert!(
        refused.contains("自收到行政复议决定书之日起15日内依法向人民法院提起行政诉讼"),
        "{refused}"
    );
    // Before 2024-01-01 no reconsideration first.
    let before = NaiveDate::from_ymd_opt(2023, 12, 29).unwrap();
    let old = remedy(
        K::Reply(ReplyNotice::NotDisclosed),
        Some(Outcome::NotDisclosed(NotDisclosedGround::StateSecret)),
        before,
        &none,
    );
    assert_eq!(old, general);
    // Procedural notices: nothing.
    assert_eq!(remedy(K::FeeNotice, None, on, &none), "");
    assert_eq!(remedy(K::ExtensionNotice, None, on, &none), "");
}

/// A command after the due date records the breach ahead of its own events: the overdue
/// reminders it calls for still name the case as the command left it (registered: its
/// tracking number; assigned: its clerk), and link to its page.
#[test]
fn the_overdue_reminder_of_a_late_command_names_the_case_as_it_now_stands() {
    let law = law();
    let templates = Templates::defaults();
    let mut s = Story::new(
        &law,
        "0196b1a0-0000-7000-8000-000000000130",
        "GK-2026-000130",
    );
    let c = receive(
        Channel::InPerson,
        "朝阳区2025年度老旧小区改造项目清单",
        None,
    );
    assert_eq!(s.act(&clerk(), "2026-06-01", c), []);
    // Registered only after the due date (06-30): the breach comes first.
    assert_eq!(
        s.act(&clerk(), "2026-07-02", register(s.tracking_number)),
        [K::Overdue, K::Overdue, K::Acknowledgment]
    );
    // Assigned after it: the breach of that due date is on record already.
    assert_eq!(
        s.act(&supervisor(), "2026-07-02", assign_clerk()),
        [K::Assigned]
    );
    let issued = s.issue(&templates);
    let overdue: Vec<&Issued> = issued.iter().filter(|i| i.kind == K::Overdue).collect();
    assert_eq!(overdue.len(), 2);
    for o in overdue {
        assert_eq!(
            o.rendered.subject,
            "【超期督办】GK-2026-000130 答复期限2026年6月30日已过"
        );
        assert_lacks(o, "尚未登记");
        assert_has(o, "申请人：王小明");
        assert_has(o, "的答复期限为2026年6月30日，现已超期未答复");
        assert_has(
            o,
            "请登录 gongkai 办理：http://127.0.0.1:8080/staff/cases/0196b1a0-0000-7000-8000-000000000130",
        );
    }

    // Assigned before the due date, the reply still late: the assignment after it records the
    // breach, and the reminder names the clerk it was assigned to.
    let mut s = Story::new(
        &law,
        "0196b1a0-0000-7000-8000-000000000131",
        "GK-2026-000131",
    );
    let c = receive(
        Channel::InPerson,
        "朝阳区2025年度老旧小区改造项目清单",
        None,
    );
    s.act(&clerk(), "2026-06-01", c);
    s.act(&clerk(), "2026-06-01", register(s.tracking_number));
    assert_eq!(
        s.act(&supervisor(), "2026-07-02", assign_clerk()),
        [K::Overdue, K::Overdue, K::Assigned]
    );
    let issued = s.issue(&templates);
    for o in issued.iter().filter(|i| i.kind == K::Overdue) {
        assert_has(o, "承办人：赵磊");
        assert!(
            o.rendered
                .subject
                .starts_with("【超期督办】GK-2026-000131 ")
        );
    }
    let first = issued.iter().find(|i| i.kind == K::Overdue).unwrap();
    assert!(
        first.rendered.body.starts_with("赵磊：\n"),
        "{}",
        first.rendered.body
    );
}

/// The overdue reminder cites the provision that set the case's period: art. 33 of the 2019
/// text, art. 24 of the 2008 text for a request received before 2019-05-15.
#[test]
fn the_overdue_reminder_cites_the_period_of_the_text_in_force_at_receipt() {
    let law = law();
    let templates = Templates::defaults();
    for (id, tracking, received, late, article, not) in [
        (
            "0196b1a0-0000-7000-8000-000000000132",
            "GK-2018-000132",
            "2018-03-01",
            "2018-04-02",
            "《中华人民共和国政府信息公开条例》（2008年施行）第二十四条",
            "第三十三条",
        ),
        (
            "0196b1a0-0000-7000-8000-000000000133",
            "GK-2026-000133",
            "2026-06-01",
            "2026-07-02",
            "《中华人民共和国政府信息公开条例》第三十三条",
            "第二十四条",
        ),
    ] {
        let mut s = Story::new(&law, id, tracking);
        let c = receive(Channel::InPerson, "本区2017年度房屋征收补偿方案", None);
        s.act(&clerk(), received, c);
        s.act(&clerk(), received, register(s.tracking_number));
        s.act(&Actor::system(), late, Command::RecordOverdue);
        let issued = s.issue(&templates);
        let overdue = issued.iter().find(|i| i.kind == K::Overdue).unwrap();
        assert_has(overdue, &format!("根据{article}的规定"));
        assert_lacks(overdue, not);
    }
}

/// Every staff reminder (due soon, overdue, consultation due) names its case — tracking
/// number in the subject, applicant and due date in the text — and links to its page.
#[test]
fn every_staff_reminder_names_its_case_and_links_to_it() {
    let law = law();
    let all = issue_all(&law);
    let reminders: Vec<&Issued> = all.iter().filter(|i| i.kind.is_reminder()).collect();
    let kinds: BTreeSet<&str> = reminders.iter().map(|i| i.kind.as_str()).collect();
    assert_eq!(
        kinds,
        BTreeSet::from(["consultation_due", "due_soon", "overdue"])
    );
    for i in reminders {
        let what = format!("{} {}", i.tracking_number, i.kind.as_str());
        assert!(
            i.rendered.subject.contains(i.tracking_number),
            "{what}: {}",
            i.rendered.subject
        );
        assert!(!i.context.applicant.is_empty(), "{what}");
        assert_has(i, &format!("申请人：{}", i.context.applicant));
        assert!(!i.context.due_date.is_empty(), "{what}");
        assert_has(i, &i.context.due_date);
        assert_has(i, &format!("/staff/cases/{}", i.case_id));
    }
}
