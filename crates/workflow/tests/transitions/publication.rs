//! The reading room (依申请公开转主动公开, art. 44): a supervisor publishes the reviewed release
//! of a replied case and may withdraw it with a reason; both are events on the case.

use super::common::*;

fn publish(items: Vec<u32>) -> Command {
    Command::PublishRelease {
        subject: "朝阳区2025年老旧小区改造计划".into(),
        items,
    }
}

fn withdraw(reason: &str) -> Command {
    Command::WithdrawPublication {
        reason: reason.into(),
    }
}

pub fn scenario_reading_room(w: &World, seen: &mut Seen) {
    let day = "2026-03-10";
    let c = under_review(w, Outcome::Disclosed, day);
    // Not replied yet.
    seen.reject(
        &c,
        publish(vec![0]),
        &w.ctx(&supervisor(), day),
        RejectionCode::WrongStatus,
    );
    let c = apply(c, Command::ApproveReply, &w.ctx(&supervisor(), day));
    // Supervisors of the case's department only.
    seen.reject(
        &c,
        publish(vec![0]),
        &w.ctx(&clerk(), day),
        RejectionCode::ForbiddenForRole,
    );
    seen.reject(
        &c,
        publish(vec![0]),
        &w.ctx(&outside_supervisor(), day),
        RejectionCode::OutOfScope,
    );
    seen.reject(
        &c,
        publish(vec![0]),
        &w.ctx(&applicant(), day),
        RejectionCode::ForbiddenForRole,
    );
    // The subject and the items.
    for (cmd, field) in [
        (publish(vec![]), "items"),
        (publish(vec![1]), "items"),
        (publish(vec![0, 0]), "items"),
        (
            Command::PublishRelease {
                subject: "  ".into(),
                items: vec![0],
            },
            "subject",
        ),
    ] {
        let r = seen.reject(
            &c,
            cmd,
            &w.ctx(&supervisor(), day),
            RejectionCode::InvalidInput,
        );
        assert_eq!(r.field, Some(field), "{}", r.message);
    }
    seen.reject(
        &c,
        withdraw("信息已更新"),
        &w.ctx(&supervisor(), day),
        RejectionCode::NotPublished,
    );
    // The applicant's name or ID number in the subject: refused.
    let applicant = c.applicant.clone();
    for personal in [Some(applicant.name.clone()), applicant.id_document.clone()]
        .into_iter()
        .flatten()
    {
        let r = seen.reject(
            &c,
            Command::PublishRelease {
                subject: format!("{personal}申请的改造计划"),
                items: vec![0],
            },
            &w.ctx(&supervisor(), day),
            RejectionCode::InvalidInput,
        );
        assert_eq!(r.field, Some("subject"), "{}", r.message);
        assert!(r.message.contains("个人信息"), "{}", r.message);
    }

    // Published on 03-11: public from that day; the case's own dates do not move.
    let (p, events) = step(&c, publish(vec![0]), &w.ctx(&supervisor2(), "2026-03-11"));
    assert_eq!(names(&events), ["release_published"]);
    assert_eq!(events[0].legal_date, Some(d("2026-03-11")));
    let publication = p.publication.clone().unwrap();
    assert_eq!(publication.since, d("2026-03-11"));
    assert_eq!(publication.items, release_for(Outcome::Disclosed));
    assert_eq!(p.last_legal_date, c.last_legal_date);
    assert!(all_notices(&p, &events).is_empty());
    seen.reject(
        &p,
        publish(vec![0]),
        &w.ctx(&supervisor(), "2026-03-11"),
        RejectionCode::AlreadyPublished,
    );
    seen.reject(
        &p,
        withdraw(" "),
        &w.ctx(&supervisor(), "2026-03-11"),
        RejectionCode::InvalidInput,
    );
    seen.reject(
        &p,
        withdraw("信息已更新"),
        &w.ctx(&clerk(), "2026-03-11"),
        RejectionCode::ForbiddenForRole,
    );
    let (gone, events) = step(
        &p,
        withdraw("信息已更新"),
        &w.ctx(&supervisor(), "2026-03-12"),
    );
    assert_eq!(names(&events), ["publication_withdrawn"]);
    assert!(gone.publication.is_none());
    // Published again after a withdrawal (e.g. with other items).
    let (again, _) = step(&gone, publish(vec![0]), &w.ctx(&supervisor(), "2026-03-13"));
    assert_eq!(again.publication.unwrap().since, d("2026-03-13"));

    // A reply on the spot lists its release without a secrecy review: not publishable.
    let on_the_spot = apply(
        registered(w),
        Command::ReplyOnTheSpot {
            reply: reply(Outcome::Disclosed, None),
        },
        &w.ctx(&clerk(), "2026-03-02"),
    );
    assert_eq!(on_the_spot.status, Status::Replied);
    let r = seen.reject(
        &on_the_spot,
        publish(vec![0]),
        &w.ctx(&supervisor(), "2026-03-03"),
        RejectionCode::ReleaseNotReviewed,
    );
    assert!(r.message.contains("保密审查"), "{}", r.message);
    // A reply that released nothing has nothing to publish.
    let c = under_review(
        w,
        Outcome::NotDisclosed(NotDisclosedGround::StateSecret),
        day,
    );
    let c = apply(c, Command::ApproveReply, &w.ctx(&supervisor(), day));
    seen.reject(
        &c,
        publish(vec![0]),
        &w.ctx(&supervisor(), day),
        RejectionCode::ReleaseNotReviewed,
    );
}
