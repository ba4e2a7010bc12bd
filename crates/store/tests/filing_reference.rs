//! The short filing reference of online filings (issue 18, point 4): 10 characters without
//! look-alikes, given on receipt, unique by index, found with the query code; other channels
//! and older filings have none.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use diesel::prelude::*;
use gongkai_store::schema::cases;
use gongkai_store::{
    CODE_ALPHABET, FILING_REFERENCE_LEN, new_filing_reference, parse_filing_reference, queries,
    receive,
};
use gongkai_testkit::*;
use gongkai_workflow::model::IdDocumentType;
use gongkai_workflow::{Actor, Channel, Role};

#[test]
fn references_use_no_look_alikes_and_read_back_however_typed() {
    for c in ['0', 'O', '1', 'I', 'L'] {
        assert!(!CODE_ALPHABET.contains(c), "{c}");
    }
    for _ in 0..200 {
        let r = new_filing_reference();
        assert_eq!(r.chars().count(), FILING_REFERENCE_LEN);
        assert!(r.chars().all(|c| CODE_ALPHABET.contains(c)), "{r}");
        assert_eq!(parse_filing_reference(&r).as_deref(), Some(r.as_str()));
    }
    assert_eq!(
        parse_filing_reference(" 7kq4m-9txpa ").as_deref(),
        Some("7KQ4M9TXPA")
    );
    // A tracking number, a case id and a reference with a look-alike are not references.
    for not in [
        "GK-2026-000123",
        "0193f0a2-0000-7000-8000-000000000000",
        "7KQ4M9TXP0",
    ] {
        assert_eq!(parse_filing_reference(not), None, "{not}");
    }
}

#[test]
fn online_filings_get_a_unique_reference_that_finds_them_with_the_query_code() {
    let law = Law::new();
    for db in databases("filing-reference") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let mut online = in_person("王小明", "2026-03-02");
        online.channel = Channel::Online;
        online.receipt_date = None;
        online.applicant.id_document_type = Some(IdDocumentType::ResidentId);
        online.applicant.id_document = Some("11010519491231002X".to_owned());
        let anyone = Actor::new(
            gongkai_workflow::decide::ANONYMOUS_APPLICANT,
            Role::Applicant,
        );
        let first = receive(&mut c, online.clone(), &law.ctx(&anyone, now)).unwrap();
        let second = receive(&mut c, online, &law.ctx(&anyone, now)).unwrap();
        let (r1, r2) = (
            first.filing_reference.clone().unwrap(),
            second.filing_reference.clone().unwrap(),
        );
        assert_ne!(r1, r2);
        let code = first.query_code.clone().unwrap();
        let found = queries::lookup_by_filing_reference(&mut c, &r1.to_lowercase(), &code)
            .unwrap()
            .unwrap();
        assert_eq!(found.id, first.case_id, "{}", db.name);
        assert!(
            queries::lookup_by_filing_reference(&mut c, &r1, "WRONGCODE234")
                .unwrap()
                .is_none()
        );
        // The case id keeps working.
        assert!(
            queries::lookup_by_reference(&mut c, &first.case_id, &code)
                .unwrap()
                .is_some()
        );
        // A paper request has none.
        let paper = receive(
            &mut c,
            in_person("李四", "2026-03-02"),
            &law.ctx(&clerk(), now),
        )
        .unwrap();
        assert_eq!(paper.filing_reference, None);
        // The index refuses a second case with the same reference.
        let clash = diesel::update(cases::table.filter(cases::id.eq(&second.case_id)))
            .set(cases::filing_reference.eq(&r1))
            .execute(&mut c);
        assert!(
            clash.is_err(),
            "{}: a duplicate reference was stored",
            db.name
        );
    }
}
