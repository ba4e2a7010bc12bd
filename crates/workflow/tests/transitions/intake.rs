//! Intake: each channel's receipt-date rule (STATUTE.md §1, art. 31), the statute profile by
//! receipt date, the application form's checks, assignment and the start of processing.

use crate::common::*;

// ---------------------------------------------------------------------------------------------
// Receive: each channel's receipt-date rule (STATUTE.md §1, art. 31).
// ---------------------------------------------------------------------------------------------

pub fn scenario_receive_online(w: &World, seen: &mut Seen) {
    let (c, events) = step(
        &Case::default(),
        receive_cmd(Channel::Online, None),
        &w.ctx(&applicant(), "2026-03-02"),
    );
    assert_eq!(names(&events), ["received"]);
    assert_eq!(
        events[0].legal_date, None,
        "online: no receipt date until registered"
    );
    assert!(all_notices(&c, &events).is_empty());
    assert_eq!(c.status, Status::Received);
    assert_eq!(c.channel, Some(Channel::Online));
    assert_eq!(c.account.as_deref(), Some(WANG_XIAOMING));
    assert_eq!(c.applicant.name, "王小明");
    assert_eq!(c.agency, AGENCY);
    assert_eq!(c.department, DEPT);
    assert_eq!(c.receipt_date, None);
    assert_eq!(c.clock_start, None);
    assert_eq!(
        w.due(&c),
        None,
        "the clock does not run before registration"
    );
    assert_eq!(c.sub_state(), None);

    // Online: the applicant may not pick the receipt date; staff may not file online.
    seen.reject(
        &Case::default(),
        receive_cmd(Channel::Online, Some("2026-03-01")),
        &w.ctx(&applicant(), "2026-03-02"),
        RejectionCode::InvalidInput,
    );
    seen.reject(
        &Case::default(),
        receive_cmd(Channel::Online, None),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::ForbiddenForRole,
    );
    // A case is received once.
    seen.reject(
        &c,
        receive_cmd(Channel::Online, None),
        &w.ctx(&applicant(), "2026-03-02"),
        RejectionCode::CaseAlreadyExists,
    );
    // An anonymous filing records no account.
    let anon = apply(
        Case::default(),
        receive_cmd(Channel::Online, None),
        &w.ctx(&Actor::new("anonymous", Role::Applicant), "2026-03-02"),
    );
    assert_eq!(anon.account, None);
}

pub fn scenario_register_online(w: &World, seen: &mut Seen) {
    let c = online_received(w);
    // The receipt date of an online request is the day of registration: not before the filing,
    // not in the future.
    let early = Command::Register {
        tracking_number: TRACKING.into(),
        department: None,
        receipt_date: Some(d("2026-03-01")),
    };
    seen.reject(
        &c,
        early,
        &w.ctx(&clerk(), "2026-03-04"),
        RejectionCode::DateTooEarly,
    );
    let future = Command::Register {
        tracking_number: TRACKING.into(),
        department: None,
        receipt_date: Some(d("2026-03-05")),
    };
    seen.reject(
        &c,
        future,
        &w.ctx(&clerk(), "2026-03-04"),
        RejectionCode::DateInFuture,
    );

    let (c, events) = step(&c, register_cmd(), &w.ctx(&clerk(), "2026-03-04"));
    assert_eq!(
        events[0].kind,
        EventKind::Registered {
            tracking_number: TRACKING.into(),
            department: DEPT.into(),
            statute: "cn-2019".into(),
            // 7 working days after 03-04: 03-05, 06, 09, 10, 11, 12, 13.
            correction_notice_deadline: Some(d("2026-03-13")),
        }
    );
    assert_eq!(events[0].legal_date, Some(d("2026-03-04")));
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::Acknowledgment, Recipient::Applicant)]
    );
    assert_eq!(c.status, Status::Registered);
    assert_eq!(c.receipt_date, Some(d("2026-03-04")));
    assert_eq!(
        c.clock_start,
        Some(ClockStart {
            date: d("2026-03-04"),
            reason: StartReason::Receipt
        })
    );
    assert_eq!(c.tracking_number.as_deref(), Some(TRACKING));
    // 20 working days after 03-04: 03-05…03-31 = 19, 04-01 = 20.
    assert_eq!(w.due(&c), Some(d("2026-04-01")));
    seen.reject(
        &c,
        register_cmd(),
        &w.ctx(&clerk(), "2026-03-04"),
        RejectionCode::WrongStatus,
    );

    // Registered on an earlier day than the entry (confirmed with the applicant yesterday).
    let c2 = online_received(w);
    let cmd = Command::Register {
        tracking_number: TRACKING.into(),
        department: Some(OTHER_DEPT.into()),
        receipt_date: Some(d("2026-03-03")),
    };
    let c2 = apply(c2, cmd, &w.ctx(&clerk(), "2026-03-04"));
    assert_eq!(c2.receipt_date, Some(d("2026-03-03")));
    assert_eq!(
        c2.department, OTHER_DEPT,
        "registration may route to another department"
    );
    assert_eq!(w.due(&c2), Some(d("2026-03-31")));
}

pub fn scenario_receive_in_person(w: &World, seen: &mut Seen) {
    // 00:30 on 03-02 in Beijing is still 03-01 in UTC: the legal date is Beijing's.
    let ctx = w.ctx_at(&clerk(), at("2026-03-01", 16, 30));
    let (c, events) = step(&Case::default(), receive_cmd(Channel::InPerson, None), &ctx);
    assert_eq!(
        events[0].legal_date,
        Some(d("2026-03-02")),
        "handed in: today"
    );
    assert_eq!(c.status, Status::Received);
    assert_eq!(c.account, None, "filed by a clerk: no applicant account");
    assert_eq!(c.receipt_date, Some(d("2026-03-02")));
    assert_eq!(
        w.due(&c),
        Some(d("2026-03-30")),
        "the clock runs from receipt"
    );

    // Handed in on Friday 02-27, entered on Monday: due 03-26.
    let c = apply(
        Case::default(),
        receive_cmd(Channel::InPerson, Some("2026-02-27")),
        &w.ctx(&supervisor(), "2026-03-02"),
    );
    assert_eq!(c.receipt_date, Some(d("2026-02-27")));
    assert_eq!(w.due(&c), Some(d("2026-03-26")));
    seen.reject(
        &Case::default(),
        receive_cmd(Channel::InPerson, Some("2026-03-03")),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::DateInFuture,
    );
    // An applicant cannot file "in person" through the platform.
    seen.reject(
        &Case::default(),
        receive_cmd(Channel::InPerson, None),
        &w.ctx(&applicant(), "2026-03-02"),
        RejectionCode::ForbiddenForRole,
    );
}

pub fn scenario_receive_needs_receipt_date(w: &World, seen: &mut Seen) {
    for channel in [
        Channel::RegisteredPost,
        Channel::OrdinaryPost,
        Channel::Fax,
        Channel::Email,
    ] {
        let r = seen.reject(
            &Case::default(),
            receive_cmd(channel, None),
            &w.ctx(&clerk(), "2026-03-02"),
            RejectionCode::ReceiptDateRequired,
        );
        assert!(
            r.message.contains(channel.receipt_rule_zh()),
            "{channel:?}: the message states the channel's rule: {}",
            r.message
        );
        assert_eq!(r.field, Some("receipt_date"));
        // Signed for / confirmed on Thursday 02-26, entered on Monday 03-02: due 03-25.
        let (c, events) = step(
            &Case::default(),
            receive_cmd(channel, Some("2026-02-26")),
            &w.ctx(&clerk(), "2026-03-02"),
        );
        assert_eq!(events[0].legal_date, Some(d("2026-02-26")));
        assert_eq!(events[0].at, at("2026-03-02", 2, 0));
        assert_eq!(c.channel, Some(channel));
        assert_eq!(c.receipt_date, Some(d("2026-02-26")));
        assert_eq!(w.due(&c), Some(d("2026-03-25")), "{channel:?}");
        // Registration keeps the recorded receipt date and refuses another.
        let other = Command::Register {
            tracking_number: TRACKING.into(),
            department: None,
            receipt_date: Some(d("2026-03-02")),
        };
        seen.reject(
            &c,
            other,
            &w.ctx(&clerk(), "2026-03-02"),
            RejectionCode::InvalidInput,
        );
        let c = apply(c, register_cmd(), &w.ctx(&clerk(), "2026-03-02"));
        assert_eq!(c.receipt_date, Some(d("2026-02-26")));
        // 7 working days after 02-26: 02-27, 02-28 (make-up Saturday), 03-02…03-06.
        assert_eq!(c.correction_notice_deadline, Some(d("2026-03-06")));
        assert_eq!(w.due(&c), Some(d("2026-03-25")));
        seen.reject(
            &Case::default(),
            receive_cmd(channel, Some("2026-03-03")),
            &w.ctx(&clerk(), "2026-03-02"),
            RejectionCode::DateInFuture,
        );
    }
}

pub fn scenario_statute_profile_by_receipt_date(w: &World, seen: &mut Seen) {
    // A registered letter signed for on 2019-05-14, the day before the 2019 revision: cn-2008,
    // 15 working days (05-15…05-17 = 3, 05-20…24 = 8, 05-27…31 = 13, 06-03, 06-04).
    let c = apply(
        Case::default(),
        receive_cmd(Channel::RegisteredPost, Some("2019-05-14")),
        &w.ctx(&clerk(), "2019-05-16"),
    );
    let (c, events) = step(&c, register_cmd(), &w.ctx(&clerk(), "2019-05-16"));
    match &events[0].kind {
        EventKind::Registered {
            statute,
            correction_notice_deadline,
            ..
        } => {
            assert_eq!(statute, "cn-2008");
            // The 2008 text set no limit for the correction notice.
            assert_eq!(*correction_notice_deadline, None);
        }
        other => panic!("expected registered, got {other:?}"),
    }
    assert_eq!(c.statute.as_deref(), Some("cn-2008"));
    assert_eq!(w.due(&c), Some(d("2019-06-04")));
    // The 2008 extension is at most 15 working days.
    let c = apply(c, assign_to(ZHANG_WEI), &w.ctx(&supervisor(), "2019-05-16"));
    seen.reject(
        &c,
        extension_cmd(Some(16)),
        &w.ctx(&clerk(), "2019-05-20"),
        RejectionCode::ExtensionTooLong,
    );
    let c = apply(c, extension_cmd(None), &w.ctx(&clerk(), "2019-05-20"));
    let c = apply(
        c,
        Command::ApproveExtension,
        &w.ctx(&supervisor(), "2019-05-21"),
    );
    // 30 working days after 05-14 (端午 06-07 skipped).
    assert_eq!(w.due(&c), Some(d("2019-06-26")));

    // Signed for on 2019-05-15: cn-2019, 20 working days (端午 06-07 skipped).
    let c = apply(
        Case::default(),
        receive_cmd(Channel::RegisteredPost, Some("2019-05-15")),
        &w.ctx(&clerk(), "2019-05-16"),
    );
    let c = apply(c, register_cmd(), &w.ctx(&clerk(), "2019-05-16"));
    assert_eq!(c.statute.as_deref(), Some("cn-2019"));
    assert_eq!(w.due(&c), Some(d("2019-06-13")));

    // Signed for on 2015-09-02, the eve of the 抗战胜利70周年 holiday (国发明电〔2015〕1号:
    // 09-03–09-05 off, Sunday 09-06 worked): cn-2008, 15 working days counted on the 2015
    // calendar (09-06, 09-07…11, 09-14…18, 09-21…24), not by weekends alone (09-23).
    let c = apply(
        Case::default(),
        receive_cmd(Channel::RegisteredPost, Some("2015-09-02")),
        &w.ctx(&clerk(), "2015-09-07"),
    );
    let c = apply(c, register_cmd(), &w.ctx(&clerk(), "2015-09-07"));
    assert_eq!(c.statute.as_deref(), Some("cn-2008"));
    assert_eq!(w.due(&c), Some(d("2015-09-24")));

    // Before the Regulations took effect (2008-05-01) no period applies: refused by name, on
    // the receipt date.
    let r = seen.reject(
        &Case::default(),
        receive_cmd(Channel::RegisteredPost, Some("2008-04-30")),
        &w.ctx(&clerk(), "2008-05-05"),
        RejectionCode::DateTooEarly,
    );
    assert_eq!(r.field, Some("receipt_date"));
    assert!(r.message.contains("2008-05-01"), "{}", r.message);
    assert!(r.message.contains("政府信息公开条例"), "{}", r.message);
}

// ---------------------------------------------------------------------------------------------
// Assign and start processing.
// ---------------------------------------------------------------------------------------------

pub fn scenario_assign(w: &World, seen: &mut Seen) {
    let c = registered(w);
    assert_eq!(c.assignee, None);

    // A clerk may take an unassigned case of the department for itself, and nothing else.
    seen.reject(
        &c,
        assign_to(LI_NA),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::ForbiddenForRole,
    );
    let move_and_take = Command::Assign {
        department: Some(OTHER_DEPT.into()),
        assignee: Some(ZHANG_WEI.into()),
    };
    seen.reject(
        &c,
        move_and_take,
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::ForbiddenForRole,
    );
    let (taken, events) = step(&c, assign_to(ZHANG_WEI), &w.ctx(&clerk(), "2026-03-02"));
    assert_eq!(
        events[0].kind,
        EventKind::Assigned {
            department: DEPT.into(),
            assignee: Some(ZHANG_WEI.into())
        }
    );
    assert_eq!(events[0].legal_date, None);
    assert_eq!(
        all_notices(&taken, &events),
        [to(NoticeKind::Assigned, Recipient::Assignee)]
    );
    assert_eq!(taken.assignee.as_deref(), Some(ZHANG_WEI));
    assert_eq!(
        taken.status,
        Status::Registered,
        "assignment does not change the status"
    );
    // Taken already: another clerk cannot take it; taking it again changes nothing.
    seen.reject(
        &taken,
        assign_to(LI_NA),
        &w.ctx(&clerk2(), "2026-03-02"),
        RejectionCode::NotAssignee,
    );
    seen.reject(
        &taken,
        assign_to(ZHANG_WEI),
        &w.ctx(&clerk(), "2026-03-02"),
        RejectionCode::InvalidInput,
    );

    // The supervisor assigns and reassigns.
    let (c, events) = step(
        &taken,
        assign_to(LI_NA),
        &w.ctx(&supervisor(), "2026-03-03"),
    );
    assert_eq!(c.assignee.as_deref(), Some(LI_NA));
    assert_eq!(
        all_notices(&c, &events),
        [to(NoticeKind::Assigned, Recipient::Assignee)]
    );
    seen.reject(
        &c,
        Command::Assign {
            department: None,
            assignee: None,
        },
        &w.ctx(&supervisor(), "2026-03-03"),
        RejectionCode::InvalidInput,
    );

    // Moving the case to another department clears the assignee.
    let move_cmd = Command::Assign {
        department: Some(OTHER_DEPT.into()),
        assignee: None,
    };
    let (moved, events) = step(&c, move_cmd, &w.ctx(&supervisor(), "2026-03-03"));
    assert_eq!(
        events[0].kind,
        EventKind::Assigned {
            department: OTHER_DEPT.into(),
            assignee: None
        }
    );
    assert!(
        all_notices(&moved, &events).is_empty(),
        "nobody to notify yet"
    );
    assert_eq!(moved.department, OTHER_DEPT);
    assert_eq!(moved.assignee, None);
    // The OGI section no longer handles it; the housing commission's clerk takes it.
    seen.reject(
        &moved,
        Command::StartProcessing,
        &w.ctx(&clerk2(), "2026-03-03"),
        RejectionCode::OutOfScope,
    );
    let mine = apply(
        moved.clone(),
        assign_to(ZHAO_LEI),
        &w.ctx(&outside_clerk(), "2026-03-03"),
    );
    assert_eq!(mine.assignee.as_deref(), Some(ZHAO_LEI));

    // Moving with a named clerk keeps that clerk; an administrator may assign too.
    let cmd = Command::Assign {
        department: Some(DEPT.into()),
        assignee: Some(ZHANG_WEI.into()),
    };
    let back = apply(moved, cmd, &w.ctx(&admin(), "2026-03-04"));
    assert_eq!(
        (back.department.as_str(), back.assignee.as_deref()),
        (DEPT, Some(ZHANG_WEI))
    );
}

pub fn scenario_start_processing(w: &World, seen: &mut Seen) {
    let c = registered(w);
    seen.reject(
        &online_received(w),
        Command::StartProcessing,
        &w.ctx(&clerk(), "2026-03-03"),
        RejectionCode::WrongStatus,
    );
    // Starting an unassigned case makes the clerk its assignee.
    let (c, events) = step(
        &c,
        Command::StartProcessing,
        &w.ctx(&clerk2(), "2026-03-03"),
    );
    assert_eq!(names(&events), ["processing_started"]);
    assert_eq!(events[0].legal_date, None);
    assert!(all_notices(&c, &events).is_empty());
    assert_eq!(c.status, Status::Processing);
    assert_eq!(c.sub_state(), None);
    assert_eq!(c.assignee.as_deref(), Some(LI_NA));
    assert_eq!(w.due(&c), Some(d("2026-03-30")));
    let r = seen.reject(
        &c,
        Command::StartProcessing,
        &w.ctx(&clerk2(), "2026-03-03"),
        RejectionCode::WrongStatus,
    );
    assert!(r.message.contains("办理中"), "{}", r.message);

    // A started case assigned by the supervisor keeps its assignee.
    let c = processing(w);
    assert_eq!(c.assignee.as_deref(), Some(ZHANG_WEI));
    assert_eq!(c.status, Status::Processing);
}

pub fn scenario_receive_inputs(w: &World, seen: &mut Seen) {
    let ctx = w.ctx(&clerk(), "2026-03-02");
    let base = |f: &dyn Fn(&mut Receive)| {
        let Command::Receive(mut r) = receive_cmd(Channel::InPerson, None) else {
            unreachable!()
        };
        f(&mut r);
        Command::Receive(r)
    };
    for (cmd, field) in [
        (base(&|r| r.applicant.kind = None), "applicant.kind"),
        (base(&|r| r.applicant.name = " ".into()), "applicant.name"),
        (
            base(&|r| {
                r.applicant.phone = None;
                r.applicant.email = None;
                r.applicant.address = None;
            }),
            "applicant.phone",
        ),
        (
            base(&|r| r.request.description = String::new()),
            "request.description",
        ),
        (base(&|r| r.agency = "x".repeat(201)), "agency"),
        (
            base(&|r| r.applicant.name = "王\u{0007}小明".into()),
            "applicant.name",
        ),
    ] {
        let r = seen.reject(&Case::default(), cmd, &ctx, RejectionCode::InvalidInput);
        assert_eq!(r.field, Some(field), "{}", r.message);
    }
    // An organisation with only an address is fine.
    let cmd = base(&|r| {
        r.applicant = Applicant {
            kind: Some(ApplicantType::PublicInterest),
            name: "北京市朝阳区绿色家园环保公益服务中心".into(),
            id_document_type: Some(IdDocumentType::CreditCode),
            id_document: Some("52110105MJ0000000G".into()),
            phone: None,
            email: None,
            address: Some("北京市朝阳区望京街道".into()),
        };
    });
    let c = apply(Case::default(), cmd, &ctx);
    assert_eq!(c.applicant.kind, Some(ApplicantType::PublicInterest));

    // Online filings: the identity document checked by its type, and the delivery's contact.
    let online = |f: &dyn Fn(&mut Receive)| {
        let Command::Receive(mut r) = receive_cmd(Channel::Online, None) else {
            unreachable!()
        };
        f(&mut r);
        Command::Receive(r)
    };
    let anyone = w.ctx(
        &Actor::new(
            gongkai_workflow::decide::ANONYMOUS_APPLICANT,
            Role::Applicant,
        ),
        "2026-03-02",
    );
    for (cmd, code, field) in [
        (
            online(&|r| r.applicant.id_document = None),
            RejectionCode::IdDocumentRequired,
            "applicant.id_document",
        ),
        (
            online(&|r| r.applicant.id_document_type = None),
            RejectionCode::IdDocumentRequired,
            "applicant.id_document_type",
        ),
        (
            // 14 digits: the length the issue found accepted.
            online(&|r| r.applicant.id_document = Some("11010519880101".into())),
            RejectionCode::IdDocumentInvalid,
            "applicant.id_document",
        ),
        (
            // The right length with a wrong check digit (6 is right).
            online(&|r| r.applicant.id_document = Some("110105198801011234".into())),
            RejectionCode::IdDocumentInvalid,
            "applicant.id_document",
        ),
        (
            online(&|r| {
                r.request.delivery = Delivery::Email;
                r.applicant.email = None;
            }),
            RejectionCode::DeliveryContactRequired,
            "applicant.email",
        ),
        (
            online(&|r| r.applicant.address = Some("  ".into())),
            RejectionCode::DeliveryContactRequired,
            "applicant.address",
        ),
    ] {
        let r = seen.reject(&Case::default(), cmd, &anyone, code);
        assert_eq!(r.field, Some(field), "{}", r.message);
    }
    // A lower-case x check character is stored upper-case; paper requests keep what they say.
    let c = apply(
        Case::default(),
        online(&|r| r.applicant.id_document = Some(" 11010519491231002x".into())),
        &anyone,
    );
    assert_eq!(
        c.applicant.id_document.as_deref(),
        Some("11010519491231002X")
    );
    let paper = base(&|r| r.applicant.id_document = Some("110105198801011234".into()));
    let c = apply(Case::default(), paper, &ctx);
    assert_eq!(
        c.applicant.id_document.as_deref(),
        Some("110105198801011234")
    );
}

#[test]
fn receive_online_has_no_receipt_date_until_registered() {
    run(scenario_receive_online);
}

#[test]
fn register_online_sets_the_receipt_date_to_the_registration_day() {
    run(scenario_register_online);
}

#[test]
fn receive_in_person_defaults_to_today() {
    run(scenario_receive_in_person);
}

#[test]
fn posted_faxed_and_emailed_requests_need_a_receipt_date() {
    run(scenario_receive_needs_receipt_date);
}

#[test]
fn statute_profile_is_chosen_by_receipt_date() {
    run(scenario_statute_profile_by_receipt_date);
}

#[test]
fn receive_checks_the_application_form() {
    run(scenario_receive_inputs);
}

#[test]
fn assign_take_reassign_and_move() {
    run(scenario_assign);
}

#[test]
fn start_processing() {
    run(scenario_start_processing);
}
