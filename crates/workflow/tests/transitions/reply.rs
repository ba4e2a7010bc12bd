//! Replies: on the spot (in person only), and draft → review → approval → delivery →
//! archive; each outcome picks its notice.

use crate::common::*;

// ---------------------------------------------------------------------------------------------
// Replies: on the spot (in person only), and draft → review → approval → delivery → archive.
// ---------------------------------------------------------------------------------------------

pub fn scenario_reply_on_the_spot(w: &World, seen: &mut Seen) {
    let c = registered(w);
    let spot = Command::ReplyOnTheSpot {
        reply: reply(Outcome::Disclosed, None),
    };
    let (c, events) = step(&c, spot.clone(), &w.ctx(&clerk(), "2026-03-02"));
    assert_eq!(names(&events), ["replied_on_the_spot"]);
    assert_eq!(events[0].legal_date, Some(d("2026-03-02")));
    assert_eq!(
        all_notices(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::Disclosed),
            Recipient::Applicant
        )]
    );
    assert_eq!(c.status, Status::Replied);
    assert!(c.replied_on_the_spot);
    assert_eq!(c.outcome, Some(Outcome::Disclosed));
    assert_eq!(c.replied_on, Some(d("2026-03-02")));
    assert_eq!(c.approved_by.as_deref(), Some(ZHANG_WEI));
    assert_eq!(w.due(&c), None);
    seen.reject(
        &c,
        spot.clone(),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::WrongStatus,
    );
    let c = apply(
        c,
        Command::RecordDelivery {
            method: Delivery::Collect,
            delivered_on: None,
        },
        &w.ctx(&clerk(), "2026-03-02"),
    );
    assert_eq!(c.delivered, Some((d("2026-03-02"), Delivery::Collect)));

    // A document handed over on the spot would skip the secrecy review: only pointers to
    // information already published may go with a reply on the spot.
    let mut with_document = reply(Outcome::Disclosed, None);
    with_document.release = vec![ReleaseItem::Document {
        title: "改造项目清单".to_owned(),
        document_number: None,
        pages: Some(2),
        form: ReleaseForm::Paper,
        file: None,
    }];
    seen.reject(
        &registered(w),
        Command::ReplyOnTheSpot {
            reply: with_document,
        },
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::SecrecyReviewRequired,
    );

    // The system records an electronic delivery (the first retrieval online), not a posted one.
    let system = gongkai_workflow::Actor::system();
    let replied = apply(registered(w), spot.clone(), &w.ctx(&clerk(), "2026-03-02"));
    seen.reject(
        &replied,
        Command::RecordDelivery {
            method: Delivery::Post,
            delivered_on: None,
        },
        &w.ctx(&system, "2026-03-03"),
        RejectionCode::ForbiddenForRole,
    );
    let online = apply(
        replied,
        Command::RecordDelivery {
            method: Delivery::Online,
            delivered_on: None,
        },
        &w.ctx(&system, "2026-03-03"),
    );
    assert_eq!(online.delivered, Some((d("2026-03-03"), Delivery::Online)));

    // Not for online or posted requests; not while a step is open; not before registration.
    let online = apply(
        online_received(w),
        register_cmd(),
        &w.ctx(&clerk(), "2026-03-02"),
    );
    seen.reject(
        &online,
        spot.clone(),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::OnTheSpotRequiresInPerson,
    );
    let consulting = apply(
        processing(w),
        consult(ConsultationKind::ThirdParty, THIRD_PARTY, None),
        &w.ctx(&clerk(), "2026-03-02"),
    );
    seen.reject(
        &consulting,
        spot.clone(),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::PendingSteps,
    );
    // "On the spot" means the day it is handed in; a later reply is drafted and reviewed.
    seen.reject(
        &registered(w),
        spot.clone(),
        &w.ctx(&clerk(), "2026-03-03"),
        RejectionCode::NotOnReceiptDay,
    );
    let received = apply(
        Case::default(),
        receive_cmd(Channel::InPerson, None),
        &w.ctx(&clerk(), "2026-03-02"),
    );
    seen.reject(
        &received,
        spot,
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::WrongStatus,
    );
}

pub fn scenario_review_cycle(w: &World, seen: &mut Seen) {
    let c = processing(w);
    seen.reject(
        &c,
        Command::SubmitForReview,
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::DraftMissing,
    );
    seen.reject(
        &c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), "2026-03-20"),
        RejectionCode::WrongStatus,
    );
    seen.reject(
        &c,
        Command::RecordDelivery {
            method: Delivery::Post,
            delivered_on: None,
        },
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::ReplyNotApproved,
    );
    seen.reject(
        &c,
        Command::Archive,
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::WrongStatus,
    );
    seen.reject(
        &c,
        Command::DraftReply {
            reply: Reply {
                outcome: Outcome::Disclosed,
                text: "   ".into(),
                competent_agency: None,
                not_held: None,
                competent_agency_contact: None,
                disclosure: None,
                release: release_for(Outcome::Disclosed),
            },
        },
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::InvalidInput,
    );

    // Draft (张伟) → submit.
    let (c, events) = step(
        &c,
        draft_cmd(Outcome::PartlyDisclosed),
        &w.ctx(&clerk(), "2026-03-20"),
    );
    assert_eq!(names(&events), ["reply_drafted"]);
    assert!(all_notices(&c, &events).is_empty());
    assert_eq!(c.status, Status::Processing);
    assert_eq!(c.draft.as_ref().unwrap().by, ZHANG_WEI);
    let c = reviewed(c, w, "2026-03-20");
    let (c, events) = step(&c, Command::SubmitForReview, &w.ctx(&clerk(), "2026-03-20"));
    assert_eq!(names(&events), ["submitted_for_review"]);
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::ReviewRequested, Recipient::Supervisors)]
    );
    assert_eq!(c.status, Status::UnderReview);
    assert_eq!(
        w.due(&c),
        Some(d("2026-03-30")),
        "the clock runs during review"
    );
    seen.reject(
        &c,
        draft_cmd(Outcome::Disclosed),
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::WrongStatus,
    );
    seen.reject(
        &c,
        Command::SubmitForReview,
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::WrongStatus,
    );

    // Returned by 刘洋.
    let (c, events) = step(
        &c,
        Command::ReturnReply {
            reason: "请补充依照第三十七条区分处理的说明".into(),
        },
        &w.ctx(&supervisor(), "2026-03-23"),
    );
    assert_eq!(names(&events), ["reply_returned"]);
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::ReplyReturned, Recipient::Assignee)]
    );
    assert_eq!(c.status, Status::Processing);
    assert_eq!(
        c.last_return_reason.as_deref(),
        Some("请补充依照第三十七条区分处理的说明")
    );
    seen.reject(
        &c,
        Command::ReturnReply {
            reason: "再次退回".into(),
        },
        &w.ctx(&supervisor(), "2026-03-23"),
        RejectionCode::WrongStatus,
    );

    // Redrafted and resubmitted; approved by 刘洋 (not the drafter) on 03-25, in time.
    let c = apply(
        c,
        draft_cmd(Outcome::PartlyDisclosed),
        &w.ctx(&clerk(), "2026-03-24"),
    );
    let c = apply(
        reviewed(c, w, "2026-03-24"),
        Command::SubmitForReview,
        &w.ctx(&clerk(), "2026-03-24"),
    );
    assert_eq!(c.status, Status::UnderReview);
    let (c, events) = step(
        &c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), "2026-03-25"),
    );
    assert_eq!(names(&events), ["reply_approved"], "in time: no breach");
    assert_eq!(
        events[0].kind,
        EventKind::ReplyApproved {
            outcome: Outcome::PartlyDisclosed,
            release: release_for(Outcome::PartlyDisclosed),
        }
    );
    assert_eq!(events[0].legal_date, Some(d("2026-03-25")));
    assert_eq!(
        all_notices(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::PartlyDisclosed),
            Recipient::Applicant
        )]
    );
    assert_eq!(c.status, Status::Replied);
    assert_eq!(c.outcome, Some(Outcome::PartlyDisclosed));
    assert_eq!(c.reply.as_ref().unwrap().outcome, Outcome::PartlyDisclosed);
    assert_eq!(c.replied_on, Some(d("2026-03-25")));
    assert_eq!(c.concluded_on, Some(d("2026-03-25")));
    assert_eq!(c.approved_by.as_deref(), Some(LIU_YANG));
    assert!(c.breaches.is_empty());
    assert_eq!(w.due(&c), None);
    assert_eq!(c.sub_state(), None);

    // Delivery, then archive.
    seen.reject(
        &c,
        Command::Archive,
        &w.ctx(&clerk(), "2026-03-26"),
        RejectionCode::DeliveryNotRecorded,
    );
    seen.reject(
        &c,
        Command::RecordDelivery {
            method: Delivery::Post,
            delivered_on: Some(d("2026-03-24")),
        },
        &w.ctx(&clerk(), "2026-03-30"),
        RejectionCode::DateTooEarly,
    );
    seen.reject(
        &c,
        Command::RecordDelivery {
            method: Delivery::Post,
            delivered_on: Some(d("2026-03-31")),
        },
        &w.ctx(&clerk(), "2026-03-30"),
        RejectionCode::DateInFuture,
    );
    let (c, events) = step(
        &c,
        Command::RecordDelivery {
            method: Delivery::Post,
            delivered_on: Some(d("2026-03-27")),
        },
        &w.ctx(&clerk(), "2026-03-30"),
    );
    assert_eq!(names(&events), ["delivered"]);
    assert_eq!(events[0].legal_date, Some(d("2026-03-27")));
    assert!(all_notices(&c, &events).is_empty());
    assert_eq!(c.delivered, Some((d("2026-03-27"), Delivery::Post)));
    seen.reject(
        &c,
        Command::RecordDelivery {
            method: Delivery::Email,
            delivered_on: None,
        },
        &w.ctx(&clerk(), "2026-03-30"),
        RejectionCode::AlreadyDelivered,
    );
    let (c, events) = step(&c, Command::Archive, &w.ctx(&clerk(), "2026-03-30"));
    assert_eq!(names(&events), ["archived"]);
    assert!(all_notices(&c, &events).is_empty());
    assert_eq!(c.status, Status::Archived);
    assert_eq!(c.archived_on, Some(d("2026-03-30")));
    seen.reject(
        &c,
        Command::Archive,
        &w.ctx(&clerk(), "2026-03-31"),
        RejectionCode::WrongStatus,
    );
    seen.reject(
        &c,
        withdraw_cmd(None),
        &w.ctx(&query_holder(), "2026-03-31"),
        RejectionCode::WrongStatus,
    );
}

pub fn scenario_self_approval(w: &World, seen: &mut Seen) {
    // 陈静 drafts and submits herself: 刘洋 must approve.
    let c = apply(
        processing(w),
        draft_cmd(Outcome::Disclosed),
        &w.ctx(&supervisor2(), "2026-03-20"),
    );
    let c = apply(
        reviewed(c, w, "2026-03-20"),
        Command::SubmitForReview,
        &w.ctx(&supervisor2(), "2026-03-20"),
    );
    seen.reject(
        &c,
        Command::ApproveReply,
        &w.ctx(&supervisor2(), "2026-03-23"),
        RejectionCode::SelfApproval,
    );
    let c = apply(
        c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), "2026-03-23"),
    );
    assert_eq!(c.status, Status::Replied);
    assert_eq!(c.approved_by.as_deref(), Some(LIU_YANG));
    assert_eq!(c.draft.as_ref().unwrap().by, CHEN_JING);
}

pub fn scenario_reply_outcomes(w: &World, seen: &mut Seen) {
    // Not held, the competent agency known: 非本机关负责公开告知书.
    let ghj = "北京市规划和自然资源委员会朝阳分局";
    let not_held = Outcome::CannotProvide(CannotProvideGround::NotHeld);
    let approve = |r: Reply| {
        let c = apply(
            processing(w),
            Command::DraftReply { reply: r },
            &w.ctx(&clerk(), "2026-03-20"),
        );
        let c = apply(
            reviewed(c, w, "2026-03-20"),
            Command::SubmitForReview,
            &w.ctx(&clerk(), "2026-03-20"),
        );
        step(
            &c,
            Command::ApproveReply,
            &w.ctx(&supervisor(), "2026-03-23"),
        )
    };
    let (c, events) = approve(reply(not_held, Some(ghj)));
    assert_eq!(
        all_notices(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::NotThisAgency),
            Recipient::Applicant
        )]
    );
    assert_eq!(
        c.reply.as_ref().unwrap().competent_agency.as_deref(),
        Some(ghj)
    );
    let (c, events) = approve(Reply {
        not_held: Some(NotHeld::NotExist),
        ..reply(not_held, None)
    });
    assert_eq!(
        all_notices(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::NotExist),
            Recipient::Applicant
        )]
    );
    for (outcome, notice) in [
        (
            Outcome::NotDisclosed(NotDisclosedGround::ThirdPartyRights),
            ReplyNotice::NotDisclosed,
        ),
        (
            Outcome::CannotProvide(CannotProvideGround::WouldNeedCreating),
            ReplyNotice::CannotProvide,
        ),
        (
            Outcome::NotProcessed(NotProcessedGround::Petition),
            ReplyNotice::NotProcessed,
        ),
        (Outcome::Other(OtherGround::Other), ReplyNotice::Other),
    ] {
        let (c, events) = approve(reply(outcome, None));
        assert_eq!(c.outcome, Some(outcome));
        assert_eq!(
            all_notices(&c, &events),
            [to(NoticeKind::Reply(notice), Recipient::Applicant)]
        );
    }
    // Only "not held" names a competent agency; abandonment and unpaid fees are not drafted.
    let c = processing(w);
    let r = seen.reject(
        &c,
        Command::DraftReply {
            reply: reply(Outcome::Disclosed, Some(ghj)),
        },
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::InvalidInput,
    );
    assert_eq!(r.field, Some("reply.competent_agency"));
    for outcome in [
        Outcome::Other(OtherGround::CorrectionNotSupplied),
        Outcome::Other(OtherGround::FeeNotPaid),
    ] {
        let r = seen.reject(
            &c,
            draft_cmd(outcome),
            &w.ctx(&clerk(), "2026-03-20"),
            RejectionCode::InvalidInput,
        );
        assert_eq!(r.field, Some("reply.outcome"));
    }
}

pub fn scenario_findings_and_referrals(w: &World, seen: &mut Seen) {
    let ghj = "北京市规划和自然资源委员会朝阳分局";
    let contact = "地址：北京市朝阳区某路1号；电话：010-00000000";
    let not_held = Outcome::CannotProvide(CannotProvideGround::NotHeld);
    let approve = |r: Reply| {
        let c = apply(
            processing(w),
            Command::DraftReply { reply: r },
            &w.ctx(&clerk(), "2026-03-20"),
        );
        let c = apply(
            reviewed(c, w, "2026-03-20"),
            Command::SubmitForReview,
            &w.ctx(&clerk(), "2026-03-20"),
        );
        step(
            &c,
            Command::ApproveReply,
            &w.ctx(&supervisor(), "2026-03-23"),
        )
    };
    let with = |agency: Option<&str>, finding: Option<NotHeld>, contact: Option<&str>| Reply {
        not_held: finding,
        competent_agency_contact: contact.map(Into::into),
        ..reply(not_held, agency)
    };
    let notice_of = |c: &Case, events: &[Event]| all_notices(c, events);

    // Art. 36(5) where the competent agency cannot be determined: still 非本机关负责公开, not
    // "does not exist".
    let (c, events) = approve(with(None, Some(NotHeld::NotThisAgency), None));
    assert_eq!(
        notice_of(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::NotThisAgency),
            Recipient::Applicant
        )]
    );
    // Named, with its contact details.
    let (c, events) = approve(with(Some(ghj), Some(NotHeld::NotThisAgency), Some(contact)));
    assert_eq!(
        notice_of(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::NotThisAgency),
            Recipient::Applicant
        )]
    );
    let r = c.reply.as_ref().unwrap();
    assert_eq!(r.competent_agency_contact.as_deref(), Some(contact));
    assert_eq!(r.not_held, Some(NotHeld::NotThisAgency));
    // Art. 36(4) chosen: the notice says it does not exist, and the choice is kept.
    let (c, events) = approve(with(None, Some(NotHeld::NotExist), None));
    assert_eq!(
        notice_of(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::NotExist),
            Recipient::Applicant
        )]
    );
    // No choice made and no agency named: the two findings differ, so the drafter must
    // choose (never a silent "does not exist"); naming the agency can only mean art. 36(5).
    let r = seen.reject(
        &processing(w),
        Command::DraftReply {
            reply: reply(not_held, None),
        },
        &w.ctx(&clerk(), "2026-03-20"),
        RejectionCode::InvalidInput,
    );
    assert_eq!(r.field, Some("reply.not_held"));
    let (c, _) = approve(reply(not_held, Some(ghj)));
    assert_eq!(
        c.reply.as_ref().unwrap().not_held,
        Some(NotHeld::NotThisAgency)
    );

    // Contradictions are refused with the field at fault.
    let c = processing(w);
    for (r, field) in [
        (
            with(Some(ghj), Some(NotHeld::NotExist), None),
            "reply.competent_agency",
        ),
        (
            with(None, Some(NotHeld::NotExist), Some(contact)),
            "reply.competent_agency_contact",
        ),
        (
            with(None, Some(NotHeld::NotThisAgency), Some(contact)),
            "reply.competent_agency",
        ),
        (
            Reply {
                not_held: Some(NotHeld::NotExist),
                ..reply(Outcome::Disclosed, None)
            },
            "reply.not_held",
        ),
        (
            Reply {
                competent_agency_contact: Some(contact.into()),
                ..reply(Outcome::Disclosed, None)
            },
            "reply.competent_agency_contact",
        ),
    ] {
        let rejection = seen.reject(
            &c,
            Command::DraftReply { reply: r },
            &w.ctx(&clerk(), "2026-03-20"),
            RejectionCode::InvalidInput,
        );
        assert_eq!(rejection.field, Some(field));
        assert!(!rejection.message.is_empty());
    }

    // Art. 36(7): a referral notice of its own, still counted as 三（三）8.
    let query = Outcome::NotDisclosed(NotDisclosedGround::AdministrativeQuery);
    let (c, events) = approve(reply(query, None));
    assert_eq!(c.outcome, Some(query));
    assert_eq!(query.row(), "三（三）8");
    assert_eq!(
        notice_of(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::AdministrativeQuery),
            Recipient::Applicant
        )]
    );
    assert!(
        !query.is_refusal(),
        "a referral needs no reconsideration first"
    );

    // Art. 2: not government information is a draftable ground of its own, citing art. 2,
    // counted under 三（六）3.
    let not_info = Outcome::Other(OtherGround::NotGovernmentInformation);
    assert!(not_info.draftable());
    let (c, events) = approve(reply(not_info, None));
    assert_eq!(c.outcome, Some(not_info));
    assert_eq!(
        notice_of(&c, &events),
        [to(
            NoticeKind::Reply(ReplyNotice::Other),
            Recipient::Applicant
        )]
    );
    assert_eq!(
        not_info.legal_basis_zh(),
        Some("《中华人民共和国政府信息公开条例》第二条")
    );
    assert_eq!(not_info.row(), "三（六）3");
    assert_eq!(not_info.report_row(), Outcome::Other(OtherGround::Other));
}

/// Replies stored before the "not held" choice existed still read, and say what they said.
#[test]
fn replies_stored_before_the_not_held_choice_still_read() {
    let old: Reply = serde_json::from_str(
        r#"{"outcome":{"kind":"cannot_provide","ground":"not_held"},"text":"经查","competent_agency":"某区住房和城乡建设局"}"#,
    )
    .unwrap();
    assert_eq!(old.not_held, None);
    assert_eq!(old.competent_agency_contact, None);
    assert_eq!(old.not_held_finding(), Some(NotHeld::NotThisAgency));
    let old: Reply = serde_json::from_str(
        r#"{"outcome":{"kind":"cannot_provide","ground":"not_held"},"text":"经查"}"#,
    )
    .unwrap();
    assert_eq!(old.not_held_finding(), Some(NotHeld::NotExist));
    // A reply without the new fields serializes as before (the stored form does not grow).
    let json = serde_json::to_value(reply(Outcome::Disclosed, None)).unwrap();
    assert!(json.get("not_held").is_none(), "{json}");
    assert!(json.get("competent_agency_contact").is_none(), "{json}");
}

/// A reply that discloses lists what it provides: without a release item it is refused, naming
/// the field; an electronic document needs its file with the stored hash; each item is checked
/// and named by its index; the draft's and the approval's events carry the items.
pub fn scenario_release(w: &World, seen: &mut Seen) {
    let c = processing(w);
    let ctx = w.ctx(&clerk(), "2026-03-10");
    for outcome in [Outcome::Disclosed, Outcome::PartlyDisclosed] {
        let bare = Command::DraftReply {
            reply: Reply {
                release: Vec::new(),
                ..reply(outcome, None)
            },
        };
        let r = seen.reject(&c, bare, &ctx, RejectionCode::ReleaseRequired);
        assert_eq!(r.field, Some("reply.release"));
        assert!(r.message.contains("release"), "{}", r.message);
    }
    // Other outcomes need none.
    step(
        &c,
        draft_cmd(Outcome::NotDisclosed(NotDisclosedGround::StateSecret)),
        &ctx,
    );
    let with = |items: Vec<ReleaseItem>| Command::DraftReply {
        reply: Reply {
            release: items,
            ..reply(Outcome::Disclosed, None)
        },
    };
    let document = |form: ReleaseForm, file: Option<ReleasedFile>| ReleaseItem::Document {
        title: "朝阳区2025年老旧小区改造项目资金安排".into(),
        document_number: Some("朝住建发〔2025〕12号".into()),
        pages: Some(3),
        form,
        file,
    };
    let file = |sha256: &str| ReleasedFile {
        attachment: "att-1".into(),
        sha256: sha256.into(),
        size: 1024,
        pages: Some(3),
        source: None,
    };
    // An electronic document without its file, or with a file the service did not fill in.
    for item in [
        document(ReleaseForm::Electronic, None),
        document(ReleaseForm::Electronic, Some(file(""))),
    ] {
        let r = seen.reject(
            &c,
            with(vec![published(), item]),
            &ctx,
            RejectionCode::InvalidInput,
        );
        assert_eq!(r.field, Some("reply.release.1"), "{}", r.message);
        assert!(r.message.contains("第 2 项"), "{}", r.message);
    }
    let r = seen.reject(
        &c,
        with(vec![ReleaseItem::Published {
            title: "  ".into(),
            location: "政府网站".into(),
            link: None,
        }]),
        &ctx,
        RejectionCode::InvalidInput,
    );
    assert_eq!(r.field, Some("reply.release.0"));
    let r = seen.reject(
        &c,
        with(vec![ReleaseItem::Published {
            title: "公告".into(),
            location: "政府网站".into(),
            link: Some("javascript:alert(1)".into()),
        }]),
        &ctx,
        RejectionCode::InvalidInput,
    );
    assert_eq!(r.field, Some("reply.release.0"));
    seen.reject(
        &c,
        with(vec![published(); 21]),
        &ctx,
        RejectionCode::InvalidInput,
    );
    // Paper needs no file; electronic with its hash passes, and the events carry the items.
    let hash = "ab".repeat(32);
    let items = vec![
        document(ReleaseForm::Electronic, Some(file(&hash))),
        document(ReleaseForm::Paper, None),
        published(),
    ];
    let (c, events) = step(&c, with(items.clone()), &ctx);
    match &events[0].kind {
        EventKind::ReplyDrafted { reply } => assert_eq!(reply.release, items),
        other => panic!("{other:?}"),
    }
    let c = reviewed(c, w, "2026-03-10");
    let (c, _) = step(&c, Command::SubmitForReview, &ctx);
    let (c, events) = step(
        &c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), "2026-03-11"),
    );
    assert_eq!(
        events[0].kind,
        EventKind::ReplyApproved {
            outcome: Outcome::Disclosed,
            release: items.clone(),
        }
    );
    assert_eq!(c.reply.unwrap().release, items);
}

/// 保密审查: only by someone granted it, never the drafter, of a draft with a release; the
/// approval needs a passing review (需区分处理 for 部分公开 only, 不得公开 never); a new draft
/// voids the review; the review is an event on the case.
pub fn scenario_secrecy_review(w: &World, seen: &mut Seen) {
    let day = "2026-03-10";
    let c = processing(w);
    // Nothing drafted yet, or a draft without a release: nothing to review.
    seen.reject(
        &c,
        secrecy_cmd(SecrecyConclusion::MayDisclose),
        &w.ctx(&supervisor(), day),
        RejectionCode::DraftMissing,
    );
    let plain = apply(
        c.clone(),
        draft_cmd(Outcome::NotDisclosed(NotDisclosedGround::StateSecret)),
        &w.ctx(&clerk(), day),
    );
    seen.reject(
        &plain,
        secrecy_cmd(SecrecyConclusion::MayDisclose),
        &w.ctx(&supervisor(), day),
        RejectionCode::DraftMissing,
    );
    let c = apply(c, draft_cmd(Outcome::Disclosed), &w.ctx(&clerk(), day));
    // A clerk without the permission; the same clerk granted it, but the drafter; a
    // supervisor whose permission was withdrawn.
    seen.reject(
        &c,
        secrecy_cmd(SecrecyConclusion::MayDisclose),
        &w.ctx(&clerk2(), day),
        RejectionCode::NotSecrecyReviewer,
    );
    seen.reject(
        &c,
        secrecy_cmd(SecrecyConclusion::MayDisclose),
        &w.ctx(&clerk().with_secrecy_review(true), day),
        RejectionCode::SecrecyReviewByDrafter,
    );
    seen.reject(
        &c,
        secrecy_cmd(SecrecyConclusion::MayDisclose),
        &w.ctx(&supervisor().with_secrecy_review(false), day),
        RejectionCode::NotSecrecyReviewer,
    );
    // Submitted without a review: the approval is refused.
    let submitted = apply(c.clone(), Command::SubmitForReview, &w.ctx(&clerk(), day));
    let r = seen.reject(
        &submitted,
        Command::ApproveReply,
        &w.ctx(&supervisor(), day),
        RejectionCode::SecrecyReviewRequired,
    );
    assert!(r.message.contains("保密审查"), "{}", r.message);
    // A clerk granted the permission reviews another's draft (also while under review).
    let (reviewed_c, events) = step(
        &submitted,
        Command::RecordSecrecyReview {
            conclusion: SecrecyConclusion::Separate,
            basis: "第二页含有个人信息，需区分处理".into(),
            reviewed_on: None,
        },
        &w.ctx(&clerk2().with_secrecy_review(true), day),
    );
    assert_eq!(names(&events), ["secrecy_reviewed"]);
    assert_eq!(events[0].legal_date, Some(d(day)));
    let review = reviewed_c
        .draft
        .as_ref()
        .unwrap()
        .secrecy_review
        .clone()
        .unwrap();
    assert_eq!(review.by, LI_NA);
    assert_eq!(review.conclusion, SecrecyConclusion::Separate);
    // 需区分处理 does not pass a full disclosure; 不得公开 passes nothing.
    seen.reject(
        &reviewed_c,
        Command::ApproveReply,
        &w.ctx(&supervisor(), day),
        RejectionCode::SecrecyReviewNotPassed,
    );
    let refused = apply(
        submitted.clone(),
        secrecy_cmd(SecrecyConclusion::MustNotDisclose),
        &w.ctx(&supervisor2(), day),
    );
    seen.reject(
        &refused,
        Command::ApproveReply,
        &w.ctx(&supervisor(), day),
        RejectionCode::SecrecyReviewNotPassed,
    );
    // Returned and redrafted as 部分公开: the new draft voids the review; reviewed again,
    // 需区分处理 passes.
    let returned = apply(
        reviewed_c,
        Command::ReturnReply {
            reason: "请按保密审查意见区分处理".into(),
        },
        &w.ctx(&supervisor(), day),
    );
    assert!(returned.draft.as_ref().unwrap().secrecy_review.is_some());
    let redrafted = apply(
        returned,
        draft_cmd(Outcome::PartlyDisclosed),
        &w.ctx(&clerk(), day),
    );
    assert_eq!(redrafted.draft.as_ref().unwrap().secrecy_review, None);
    let again = apply(redrafted, Command::SubmitForReview, &w.ctx(&clerk(), day));
    seen.reject(
        &again,
        Command::ApproveReply,
        &w.ctx(&supervisor(), day),
        RejectionCode::SecrecyReviewRequired,
    );
    let again = apply(
        again,
        secrecy_cmd(SecrecyConclusion::Separate),
        &w.ctx(&supervisor2(), day),
    );
    let (c, events) = step(&again, Command::ApproveReply, &w.ctx(&supervisor(), day));
    assert_eq!(names(&events), ["reply_approved"]);
    assert_eq!(c.status, Status::Replied);
}

#[test]
fn the_secrecy_review_precedes_the_approval_of_a_release() {
    run(scenario_secrecy_review);
}

#[test]
fn a_disclosing_reply_lists_its_release() {
    run(scenario_release);
}

#[test]
fn not_held_findings_referrals_and_not_government_information() {
    run(scenario_findings_and_referrals);
}

#[test]
fn reply_on_the_spot_for_in_person_requests() {
    run(scenario_reply_on_the_spot);
}

#[test]
fn draft_submit_return_resubmit_approve_deliver_archive() {
    run(scenario_review_cycle);
}

#[test]
fn a_supervisor_does_not_approve_their_own_draft() {
    run(scenario_self_approval);
}

#[test]
fn reply_outcomes_pick_their_notice() {
    run(scenario_reply_outcomes);
}
