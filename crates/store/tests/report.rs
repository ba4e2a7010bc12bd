//! The annual report by legal dates and its publication, on SQLite and PostgreSQL: a
//! letter signed for on 30 December and entered on 4 January counts in the old
//! year, an online filing counts from its confirmation (never confirmed: not at all), and a
//! published year keeps its tables while a later entry shows as a difference. The report and
//! the monthly statistics summed from their tallies equal the event fold and the projection.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gongkai_store::Scope;
use gongkai_store::db::DbConnection;
use gongkai_store::published::{self, Publication};
use gongkai_store::{receive, register};
use gongkai_testkit::*;
use gongkai_workflow::Channel;
use gongkai_workflow::report::{AnnualReport, Counting};

fn annual(c: &mut DbConnection, year: i32) -> AnnualReport {
    gongkai_store::report::annual(
        c,
        year,
        Some(AGENCY),
        &Scope::operator(),
        Counting::default(),
        |_, _| {},
    )
    .unwrap()
}

/// A request received on `day` (legal date) by `channel`, typed in on `entered`.
fn letter(
    c: &mut DbConnection,
    law: &Law,
    name: &str,
    day: Option<&str>,
    entered: &str,
    channel: Channel,
) -> String {
    let mut r = in_person(name, entered);
    r.channel = channel;
    r.receipt_date = day.and_then(gongkai_workflow::parse_date);
    if channel == Channel::Online {
        // The online form asks for the identity document (art. 29).
        r.applicant.id_document_type = Some(gongkai_workflow::model::IdDocumentType::ResidentId);
        r.applicant.id_document = Some("11010519491231002X".to_owned());
    }
    // Online requests are filed by the applicant; the rest are entered by the clerk.
    let actor = match channel {
        Channel::Online => {
            gongkai_workflow::Actor::new("anonymous", gongkai_workflow::Role::Applicant)
        }
        _ => clerk(),
    };
    receive(c, r, &law.ctx(&actor, at(entered)))
        .unwrap()
        .case_id
}

#[test]
fn the_report_counts_legal_receipt_dates_and_a_published_year_keeps_its_tables() {
    let law = Law::new();
    for db in databases("annual_published") {
        let c = &mut db.seeded();
        // Handed in and registered on 2 June 2025.
        registered(c, &law, "张三", at("2025-06-02"));
        let v1 = annual(c, 2025).snapshot();
        assert_eq!(v1.table3[0].counts[6], 1, "{}", db.name);
        assert_eq!(
            published::publish(c, "", &v1, None, "liuyang", at("2026-01-02").naive_utc()).unwrap(),
            Publication::Published(1),
            "{}",
            db.name
        );

        // A registered letter signed for on 30 December 2025, typed in on 4 January 2026.
        let id = letter(
            c,
            &law,
            "李四",
            Some("2025-12-30"),
            "2026-01-04",
            Channel::RegisteredPost,
        );
        register(c, &id, 1, None, None, &law.ctx(&clerk(), at("2026-01-04"))).unwrap();
        // Filed online on 31 December 2025, confirmed on 4 January 2026.
        let online = letter(c, &law, "王五", None, "2025-12-31", Channel::Online);
        register(
            c,
            &online,
            1,
            None,
            None,
            &law.ctx(&clerk(), at("2026-01-04")),
        )
        .unwrap();
        // Filed online on 31 December 2025 and never confirmed.
        letter(c, &law, "赵六", None, "2025-12-31", Channel::Online);

        let r2025 = annual(c, 2025);
        assert_eq!(r2025.table3.new[6], 2, "{}", db.name);
        assert_eq!(r2025.table3.carried_out[6], 2, "{}", db.name);
        let r2026 = annual(c, 2026);
        assert_eq!(r2026.table3.new[6], 1, "{}", db.name);
        assert_eq!(r2026.table3.carried_in[6], 2, "{}", db.name);
        assert_eq!(r2026.table3.carried_out[6], 3, "{}", db.name);

        // The published version is unchanged; the late letter shows as a difference.
        let stored = published::versions(c, "", 2025).unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].tables, v1, "{}", db.name);
        let now = r2025.snapshot();
        let rows: Vec<String> = v1.differences(&now).into_iter().map(|d| d.row).collect();
        assert_eq!(rows, ["一", "四"], "{}", db.name);

        // Publishing again needs a reason, and keeps the first version.
        let when = at("2026-01-20").naive_utc();
        assert_eq!(
            published::publish(c, "", &now, Some("  "), "liuyang", when).unwrap(),
            Publication::ReasonRequired
        );
        assert_eq!(
            published::publish(
                c,
                "",
                &now,
                Some("补录2025年12月30日签收的申请"),
                "liuyang",
                when
            )
            .unwrap(),
            Publication::Published(2)
        );
        assert_eq!(
            published::publish(c, "", &now, Some("再次发布"), "liuyang", when).unwrap(),
            Publication::Unchanged(2)
        );
        let stored = published::versions(c, "", 2025).unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[0].tables, v1);
        assert_eq!(stored[0].reason, None);
        assert_eq!(stored[1].tables, now);
        assert_eq!(
            stored[1].reason.as_deref(),
            Some("补录2025年12月30日签收的申请")
        );
        // Other scopes and years are their own.
        assert!(
            published::versions(c, "agency:cy", 2025)
                .unwrap()
                .is_empty()
        );
        assert!(published::versions(c, "", 2024).unwrap().is_empty());
    }
}

/// Replies to an open case on `day` (from registration or from a reopening), following the
/// versions the commands return; the version after.
fn reply_on(
    c: &mut DbConnection,
    law: &Law,
    id: &str,
    mut version: u64,
    day: &str,
    start: bool,
) -> u64 {
    use gongkai_workflow::model::Reply;
    use gongkai_workflow::{Command, Outcome};
    let mut steps = Vec::new();
    if start {
        steps.push((Command::StartProcessing, clerk()));
    }
    steps.extend([
        (
            Command::DraftReply {
                reply: Reply {
                    outcome: Outcome::Disclosed,
                    text: "予以公开".to_owned(),
                    competent_agency: None,
                    not_held: None,
                    competent_agency_contact: None,
                    disclosure: None,
                    release: gongkai_testkit::release_for(Outcome::Disclosed),
                },
            },
            clerk(),
        ),
        (gongkai_testkit::secrecy_review(), supervisor()),
        (Command::SubmitForReview, clerk()),
        (Command::ApproveReply, supervisor()),
    ]);
    for (cmd, actor) in steps {
        version = gongkai_store::execute(c, id, version, cmd, &law.ctx(&actor, at(day)))
            .unwrap()
            .version;
    }
    version
}

/// Received and registered on 1 March 2024, replied on 20 March, reopened by a
/// reconsideration decision received on 28 November 2025 (entered on 2 December), replied
/// again on 15 January 2026.
fn reopened_case(c: &mut DbConnection, law: &Law) -> String {
    use gongkai_workflow::Command;
    use gongkai_workflow::model::{Order, OrderKind};
    let id = registered(c, law, "张三", at("2024-03-01"));
    let v = reply_on(c, law, &id, 2, "2024-03-20", true);
    let v = gongkai_store::execute(
        c,
        &id,
        v,
        Command::Reopen {
            order: Order {
                kind: OrderKind::Reconsideration,
                body: "北京市朝阳区人民政府".to_owned(),
                reference: "朝政复决字〔2025〕第12号".to_owned(),
                received_on: gongkai_workflow::parse_date("2025-11-28").unwrap(),
            },
        },
        &law.ctx(&clerk(), at("2025-12-02")),
    )
    .unwrap()
    .version;
    reply_on(c, law, &id, v, "2026-01-15", false);
    id
}

#[test]
fn a_reopened_case_is_new_in_the_year_of_the_order_and_the_years_balance() {
    let law = Law::new();
    for db in databases("annual_reopened") {
        let c = &mut db.seeded();
        reopened_case(c, &law);
        let totals = |c: &mut DbConnection, y: i32| {
            let t = annual(c, y).table3;
            (t.new[6], t.carried_in[6], t.concluded[6], t.carried_out[6])
        };
        assert_eq!(totals(c, 2024), (1, 0, 1, 0), "{}", db.name);
        assert_eq!(totals(c, 2025), (1, 0, 0, 1), "{}", db.name);
        assert_eq!(totals(c, 2026), (0, 1, 1, 0), "{}", db.name);
        // Counted once (the setting off): the reopened handling is in no row of table 三.
        let once = gongkai_store::report::annual(
            c,
            2025,
            Some(AGENCY),
            &Scope::operator(),
            Counting {
                reopened_counts_anew: false,
            },
            |_, _| {},
        )
        .unwrap();
        assert_eq!(once.table3.new[6], 0, "{}", db.name);
        assert_eq!(once.table3.carried_out[6], 0, "{}", db.name);
    }
}

/// Table 三 of every year, scope and counting as summed from the tallies and as folded from
/// the events: equal, or the message says where they part.
fn assert_tallies_match(c: &mut DbConnection, name: &str) {
    use gongkai_store::report::{table3, table3_from_events};
    let scopes = [
        Scope::operator(),
        Scope::operator().department(INTAKE),
        Scope::operator().department(HOUSING),
        Scope::of(&supervisor()),
    ];
    for counting in [
        Counting::default(),
        Counting {
            reopened_counts_anew: false,
        },
    ] {
        for scope in &scopes {
            for year in 2023..=2027 {
                for agency in [Some(AGENCY), None, Some("nowhere")] {
                    let summed = table3(c, year, agency, scope, counting, |_, _| {}).unwrap();
                    let folded =
                        table3_from_events(c, year, agency, scope, counting, |_, _| {}).unwrap();
                    assert_eq!(
                        summed, folded,
                        "{name}: {year} {agency:?} {scope:?} {counting:?}"
                    );
                }
            }
        }
    }
    // The monthly statistics: summed from their tallies as read from the projection.
    for scope in &scopes {
        for year in 2023..=2027 {
            for agency in [Some(AGENCY), None] {
                let summed = gongkai_store::stats::monthly(c, year, agency, scope).unwrap();
                let read =
                    gongkai_store::stats::monthly_from_cases(c, year, agency, scope).unwrap();
                assert_eq!(
                    summed, read,
                    "{name}: statistics {year} {agency:?} {scope:?}"
                );
            }
        }
    }
}

#[test]
fn the_tallies_follow_every_change_of_a_case_and_a_recount_restores_them() {
    use gongkai_workflow::Command;
    let law = Law::new();
    for db in databases("annual_tallies") {
        let c = &mut db.seeded();
        // Received in 2024 and replied the same year, reopened by an order received in
        // 2025, replied again in 2026.
        reopened_case(c, &law);
        // Open since 2024: carried into every later year.
        registered(c, &law, "李四", at("2024-12-30"));
        // Signed for on 30 December 2025, entered on 4 January 2026.
        let late = letter(
            c,
            &law,
            "王五",
            Some("2025-12-30"),
            "2026-01-04",
            Channel::RegisteredPost,
        );
        register(
            c,
            &late,
            1,
            None,
            None,
            &law.ctx(&clerk(), at("2026-01-04")),
        )
        .unwrap();
        // Moved to the housing department after registration, then withdrawn with a legal
        // date in the year before it was typed in.
        let moved = registered(c, &law, "赵六", at("2025-12-20"));
        let v = gongkai_store::execute(
            c,
            &moved,
            2,
            Command::Assign {
                department: Some(HOUSING.to_owned()),
                assignee: None,
            },
            &law.ctx(&supervisor(), at("2025-12-22")),
        )
        .unwrap()
        .version;
        gongkai_store::execute(
            c,
            &moved,
            v,
            Command::Withdraw {
                reason: None,
                withdrawn_on: gongkai_workflow::parse_date("2025-12-31"),
            },
            &law.ctx(&supervisor(), at("2026-01-05")),
        )
        .unwrap();
        // Filed online and confirmed in the new year; filed online and never confirmed.
        let online = letter(c, &law, "钱七", None, "2025-12-31", Channel::Online);
        register(
            c,
            &online,
            1,
            None,
            None,
            &law.ctx(&clerk(), at("2026-01-04")),
        )
        .unwrap();
        letter(c, &law, "孙八", None, "2025-12-31", Channel::Online);
        assert!(gongkai_store::tallies::ready(c).unwrap(), "{}", db.name);
        assert_tallies_match(c, db.name);
        let r2026 = annual(c, 2026).table3;
        assert_eq!(
            (r2026.new[6], r2026.carried_in[6], r2026.concluded[6]),
            (1, 3, 1),
            "{}",
            db.name
        );

        // A database migrated with cases and not yet counted: the report folds the events
        // meanwhile, and a recount fills the tallies and says the rows differed.
        db.sql("DELETE FROM report_tallies");
        db.sql("DELETE FROM stats_tallies");
        db.sql(
            "INSERT INTO settings (key, value, updated_by, updated_at) VALUES \
             ('report_tallies_pending', '\"\"', 'system', '2026-12-07 00:00:00')",
        );
        assert!(!gongkai_store::tallies::ready(c).unwrap(), "{}", db.name);
        assert_eq!(annual(c, 2026).table3, r2026, "{}", db.name);
        let counted = gongkai_store::tallies::rebuild(c, |_, _| {}).unwrap();
        assert_eq!(counted.cases, 6, "{}", db.name);
        assert!(counted.differed > 0, "{}", db.name);
        assert!(gongkai_store::tallies::ready(c).unwrap(), "{}", db.name);
        assert_tallies_match(c, db.name);

        // A count changed behind gongkai's back: the recount finds that one row and puts it
        // right; a second recount finds nothing.
        db.sql(
            "UPDATE report_tallies SET n = n + 1 WHERE year = 2024 AND outcome = '' \
             AND department_code = 'cy-gkk' AND applicant_column = (SELECT MIN(applicant_column) \
             FROM report_tallies WHERE year = 2024 AND outcome = '' AND department_code = 'cy-gkk')",
        );
        assert_ne!(
            annual(c, 2024).table3,
            annual_folded(c, 2024),
            "{}",
            db.name
        );
        assert_eq!(
            gongkai_store::tallies::rebuild(c, |_, _| {})
                .unwrap()
                .differed,
            1
        );
        assert_eq!(
            gongkai_store::tallies::rebuild(c, |_, _| {})
                .unwrap()
                .differed,
            0
        );
        assert_tallies_match(c, db.name);
        // The same for a statistics row: the reply of January 2026 (the reopened request's)
        // counted as on time when it was late, or the other way round.
        db.sql(
            "UPDATE stats_tallies SET reply = CASE reply WHEN 'late' THEN 'on_time' \
             ELSE 'late' END WHERE reply <> '' AND year = 2026 AND month = 1",
        );
        assert_ne!(
            gongkai_store::stats::monthly(c, 2026, None, &Scope::operator()).unwrap(),
            gongkai_store::stats::monthly_from_cases(c, 2026, None, &Scope::operator()).unwrap(),
            "{}",
            db.name
        );
        assert_eq!(
            gongkai_store::tallies::rebuild(c, |_, _| {})
                .unwrap()
                .differed,
            2
        );
        assert_tallies_match(c, db.name);
    }
}

fn annual_folded(c: &mut DbConnection, year: i32) -> gongkai_workflow::report::Table3 {
    gongkai_store::report::table3_from_events(
        c,
        year,
        Some(AGENCY),
        &Scope::operator(),
        Counting::default(),
        |_, _| {},
    )
    .unwrap()
}
