//! 区分处理 (art. 37): a redacted version of a staff file is recorded with a ground for every
//! part withheld (arts. 14–16; art. 15's third-party rules), and a release that provides it is
//! a 部分公开 naming the original it was made from.

use gongkai_workflow::model::{
    FileRedaction, FileRef, Redaction, RedactionArea, RedactionGround, ThirdPartyStance,
};

use super::common::*;

fn file(id: &str, fill: char) -> FileRef {
    FileRef {
        attachment: id.into(),
        sha256: fill.to_string().repeat(64),
        size: 1000,
        pages: Some(3),
    }
}

fn part(page: u32, ground: RedactionGround, third_party: Option<ThirdPartyStance>) -> Redaction {
    Redaction {
        area: RedactionArea::Box {
            page,
            x: 72.0,
            y: 100.0,
            w: 120.0,
            h: 14.0,
        },
        ground,
        third_party,
        public_interest_prevails: false,
    }
}

fn redact(parts: Vec<Redaction>) -> Command {
    Command::RecordRedaction {
        redaction: FileRedaction {
            source: file("orig", 'a'),
            output: file("redacted", 'b'),
            redactions: parts,
            method: "gongkai-documents 0.1.0: pages rendered at 150 dpi".into(),
        },
    }
}

fn releasing(outcome: Outcome, attachment: &str) -> Command {
    let mut r = reply(outcome, None);
    r.release = vec![ReleaseItem::Document {
        title: "华宇公司项目合同".into(),
        document_number: None,
        pages: Some(3),
        form: ReleaseForm::Electronic,
        file: Some(ReleasedFile {
            attachment: attachment.into(),
            sha256: "b".repeat(64),
            size: 1000,
            pages: Some(3),
            source: None,
        }),
    }];
    Command::DraftReply { reply: r }
}

pub fn scenario_redaction(w: &World, seen: &mut Seen) {
    let day = "2026-03-10";
    let privacy = |t| part(3, RedactionGround::PersonalPrivacy, t);
    // Only while the case is handled, by its clerk.
    seen.reject(
        &registered(w),
        redact(vec![privacy(Some(ThirdPartyStance::NotConsulted))]),
        &w.ctx(&clerk(), day),
        RejectionCode::WrongStatus,
    );
    let c = processing(w);
    seen.reject(
        &c,
        redact(vec![privacy(Some(ThirdPartyStance::NotConsulted))]),
        &w.ctx(&clerk2(), day),
        RejectionCode::NotAssignee,
    );
    seen.reject(
        &c,
        redact(vec![privacy(Some(ThirdPartyStance::NotConsulted))]),
        &w.ctx(&applicant(), day),
        RejectionCode::ForbiddenForRole,
    );
    // Every part needs a ground that holds.
    for bad in [
        vec![],
        // Art. 15 without the third party's position.
        vec![privacy(None)],
        // A position for a ground that protects no third party.
        vec![part(
            1,
            RedactionGround::ProcessInformation,
            Some(ThirdPartyStance::Objected),
        )],
        // A box with no size.
        vec![Redaction {
            area: RedactionArea::Box {
                page: 1,
                x: 0.0,
                y: 0.0,
                w: 0.0,
                h: 5.0,
            },
            ..part(1, RedactionGround::StateSecret, None)
        }],
    ] {
        let r = seen.reject(
            &c,
            redact(bad),
            &w.ctx(&clerk(), day),
            RejectionCode::InvalidInput,
        );
        assert_eq!(r.field, Some("redaction.redactions"), "{}", r.message);
    }
    // Art. 15: consent or the public interest means disclosure, not redaction.
    let r = seen.reject(
        &c,
        redact(vec![privacy(Some(ThirdPartyStance::Consented))]),
        &w.ctx(&clerk(), day),
        RejectionCode::RedactionGroundVoid,
    );
    assert!(r.message.contains("第十五条"), "{}", r.message);
    seen.reject(
        &c,
        redact(vec![Redaction {
            public_interest_prevails: true,
            ..privacy(Some(ThirdPartyStance::NotConsulted))
        }]),
        &w.ctx(&clerk(), day),
        RejectionCode::RedactionGroundVoid,
    );
    // "The third party objected" needs the consultation that recorded it (art. 32).
    seen.reject(
        &c,
        redact(vec![privacy(Some(ThirdPartyStance::Objected))]),
        &w.ctx(&clerk(), day),
        RejectionCode::ThirdPartyOpinionNotRecorded,
    );
    let c = apply(
        c,
        consult(ConsultationKind::ThirdParty, THIRD_PARTY, None),
        &w.ctx(&clerk(), "2026-03-05"),
    );
    let c = apply(
        c,
        end_consult(1, Opinion::Objection, Some("2026-03-09")),
        &w.ctx(&clerk(), day),
    );
    let (c, events) = step(
        &c,
        redact(vec![
            privacy(Some(ThirdPartyStance::Objected)),
            part(1, RedactionGround::ProcessInformation, None),
            privacy(Some(ThirdPartyStance::Objected)),
        ]),
        &w.ctx(&clerk(), day),
    );
    assert_eq!(names(&events), ["file_redacted"]);
    assert_eq!(events[0].actor.id, ZHANG_WEI);
    assert_eq!(c.redactions.len(), 1);
    assert!(c.is_redacted_original("orig"));
    assert_eq!(
        c.redaction_making("redacted").unwrap().source.sha256,
        "a".repeat(64)
    );
    // The same output twice is refused.
    seen.reject(
        &c,
        redact(vec![part(1, RedactionGround::InternalAffairs, None)]),
        &w.ctx(&clerk(), day),
        RejectionCode::InvalidInput,
    );

    // The release: the redacted version is a 部分公开, not a 予以公开…
    let r = seen.reject(
        &c,
        releasing(Outcome::Disclosed, "redacted"),
        &w.ctx(&clerk(), day),
        RejectionCode::RedactedReleaseNotPartial,
    );
    assert_eq!(r.field, Some("reply.outcome"));
    // …the original is not released in full…
    seen.reject(
        &c,
        releasing(Outcome::PartlyDisclosed, "orig"),
        &w.ctx(&clerk(), day),
        RejectionCode::OriginalHasRedactedVersion,
    );
    // …and the release names the original whatever the client sent.
    let (c, _) = step(
        &c,
        releasing(Outcome::PartlyDisclosed, "redacted"),
        &w.ctx(&clerk(), day),
    );
    let released = c.draft.as_ref().unwrap().reply.release[0].file().unwrap();
    assert_eq!(released.source.as_deref(), Some("orig"));
    // The letter lists every place and ground.
    assert_eq!(
        c.redaction_lines_zh(&c.draft.as_ref().unwrap().reply.release),
        vec![
            "《华宇公司项目合同》：第 3 页 2 处，依据《条例》第十五条，涉及个人隐私（第三方不同意公开）；第 1 页 1 处，依据《条例》第十六条第二款，属于过程性信息"
        ]
    );
    // A draft that released the original before the redaction was made cannot be approved.
    let early = apply(
        apply(
            c.clone(),
            releasing(Outcome::PartlyDisclosed, "orig-2"),
            &w.ctx(&clerk(), day),
        ),
        Command::RecordRedaction {
            redaction: FileRedaction {
                source: file("orig-2", 'c'),
                output: file("redacted-2", 'd'),
                redactions: vec![part(1, RedactionGround::InternalAffairs, None)],
                method: "gongkai-documents 0.1.0".into(),
            },
        },
        &w.ctx(&clerk(), day),
    );
    let early = apply(
        early,
        secrecy_cmd(SecrecyConclusion::Separate),
        &w.ctx(&supervisor(), day),
    );
    let early = apply(early, Command::SubmitForReview, &w.ctx(&clerk(), day));
    seen.reject(
        &early,
        Command::ApproveReply,
        &w.ctx(&supervisor(), day),
        RejectionCode::OriginalHasRedactedVersion,
    );
    // Approved, it counts as 部分公开 in the annual report.
    let c = apply(
        c,
        secrecy_cmd(SecrecyConclusion::Separate),
        &w.ctx(&supervisor(), day),
    );
    let c = apply(c, Command::SubmitForReview, &w.ctx(&clerk(), day));
    let c = apply(c, Command::ApproveReply, &w.ctx(&supervisor(), day));
    assert_eq!(c.outcome, Some(Outcome::PartlyDisclosed));
}
