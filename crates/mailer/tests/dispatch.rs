//! The dispatcher and the scheduler against a real database (SQLite, and PostgreSQL when
//! GONGKAI_TEST_DATABASE_URL is set): what leaves, how often, and what is recorded.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{Duration, Utc};
use diesel::prelude::*;
use gongkai_mailer::{Dispatcher, MailSettings, schedule};
use gongkai_store::Scope;
use gongkai_store::db::SqliteOptions;
use gongkai_store::outbox::{self, OutboxRow};
use gongkai_store::schema::outbox as ob;
use gongkai_store::{DbConnection, accounts};
use gongkai_testkit::{HOUSING, Law, TestDb, at, databases, registered};
use gongkai_workflow::model::ConsultationKind;
use gongkai_workflow::{Actor, Command, Role};

fn settings(dir: &std::path::Path) -> MailSettings {
    MailSettings {
        transport: "folder".to_owned(),
        dir: dir.to_path_buf(),
        from: "北京市朝阳区人民政府信息公开办公室 <gongkai@example.gov.cn>".to_owned(),
        base_url: "http://127.0.0.1:8080".to_owned(),
        smtp_host: "127.0.0.1".to_owned(),
        smtp_port: 25,
        smtp_security: "none".to_owned(),
        smtp_username: String::new(),
        smtp_password: String::new(),
        smtp_timeout_seconds: 2,
        dispatch_in_serve: true,
        senders: 1,
        batch_size: 50,
        lease_seconds: 300,
        max_attempts: 3,
        retry_first_seconds: 30,
        retry_max_seconds: 3600,
        poll_milliseconds: 100,
        scheduler_every_minutes: 60,
    }
}

fn law_in_force() -> Arc<gongkai_workflow::Law> {
    Arc::new(Law::new().in_force())
}

fn dispatcher(db: &TestDb, s: MailSettings) -> Dispatcher {
    let pool = gongkai_store::pool(&db.url, 4, SqliteOptions::default()).unwrap();
    let law = law_in_force();
    Dispatcher::new(pool, s, Arc::new(move || Arc::clone(&law))).unwrap()
}

fn rows(c: &mut DbConnection) -> Vec<OutboxRow> {
    ob::table
        .order(ob::created_at)
        .select(OutboxRow::as_select())
        .load(c)
        .unwrap()
}

fn mail_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gongkai-mail-{name}-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn eml_files(dir: &std::path::Path) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    out.sort();
    out
}

/// A header's value, unfolded (long encoded headers continue on indented lines).
fn header(eml: &str, name: &str) -> Option<String> {
    let head = eml
        .split("\r\n\r\n")
        .next()?
        .replace("\r\n ", " ")
        .replace("\r\n\t", " ");
    head.lines()
        .find_map(|l| l.strip_prefix(&format!("{name}: ")).map(str::to_owned))
}

#[test]
fn an_acknowledgment_goes_out_once_with_its_message_id_and_encoded_chinese_subject() {
    for db in databases("mail-ack") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let law = Law::new();
        registered(&mut c, &law, "王小明", now);
        let dir = mail_dir("ack");
        let d = dispatcher(&db, settings(&dir));

        let pass = d.run_once(now).unwrap();
        assert_eq!((pass.claimed, pass.sent), (1, 1), "{}", db.name);
        let row = &rows(&mut c)[0];
        assert_eq!(row.status.as_str(), "sent");
        assert_eq!(row.attempts, 1);
        assert_eq!(row.sent_to.as_deref(), Some("applicant@example.cn"));
        let subject = row.subject.clone().unwrap();
        assert!(
            subject.starts_with("政府信息公开申请受理回执（GK-2026-"),
            "{subject}"
        );

        let files = eml_files(&dir);
        assert_eq!(files, vec![format!("{}.eml", row.id)]);
        let eml = std::fs::read_to_string(dir.join(&files[0])).unwrap();
        assert_eq!(header(&eml, "Message-ID"), Some(row.message_id.clone()));
        // RFC 2047: a Chinese subject travels encoded, never as raw 8-bit header bytes.
        let raw_subject = header(&eml, "Subject").unwrap();
        assert!(raw_subject.starts_with("=?utf-8?"), "{raw_subject}");
        assert!(raw_subject.is_ascii());
        assert!(
            header(&eml, "To")
                .unwrap()
                .contains("<applicant@example.cn>")
        );
        assert!(
            header(&eml, "From")
                .unwrap()
                .contains("<gongkai@example.gov.cn>")
        );
        assert!(eml.contains("charset=utf-8"), "{eml}");

        // Nothing is sent twice: the next pass finds nothing due.
        assert_eq!(d.run_once(now + Duration::hours(1)).unwrap().claimed, 0);
        assert_eq!(eml_files(&dir).len(), 1);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn staff_get_their_notices_and_letters_without_an_address_wait_for_printing() {
    for db in databases("mail-staff") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let law = Law::new();
        let case_id = registered(&mut c, &law, "王小明", now);
        let li =
            accounts::create_user(&mut c, "li", "李承办", Role::Clerk, None, &[HOUSING]).unwrap();
        accounts::set_email(&mut c, &li.id, Some("li@example.gov.cn")).unwrap();
        let ctx = law.ctx(&gongkai_testkit::supervisor(), now);
        let assign = Command::Assign {
            department: Some(HOUSING.to_owned()),
            assignee: Some(li.id.clone()),
        };
        gongkai_store::execute(&mut c, &case_id, 2, assign, &ctx).unwrap();
        let li_actor = Actor::staff(&li.id, Role::Clerk, &[HOUSING]);
        let ctx = law.ctx(&li_actor, now);
        gongkai_store::execute(&mut c, &case_id, 3, Command::StartProcessing, &ctx).unwrap();
        let consult = Command::StartConsultation {
            kind: ConsultationKind::ThirdParty,
            party: "北京某某置业有限公司".to_owned(),
            letter_date: None,
            sent_by: None,
        };
        gongkai_store::execute(&mut c, &case_id, 4, consult, &ctx).unwrap();

        let dir = mail_dir("staff");
        let pass = dispatcher(&db, settings(&dir)).run_once(now).unwrap();
        assert_eq!(
            (pass.sent, pass.unaddressed),
            (2, 1),
            "{}: {pass:?}",
            db.name
        );
        let all = rows(&mut c);
        let by_kind = |k: &str| all.iter().find(|r| r.notice_kind.contains(k)).unwrap();
        let assigned = by_kind("assigned");
        assert_eq!(assigned.status.as_str(), "sent");
        assert_eq!(assigned.sent_to.as_deref(), Some("li@example.gov.cn"));
        assert!(assigned.subject.as_deref().unwrap().contains("新分配案件"));
        let letter = by_kind("third_party_consultation");
        assert_eq!(letter.status.as_str(), "unaddressed");
        assert!(letter.last_error.as_deref().unwrap().contains("书面送达"));
        // The letter can still be queued again by hand (e.g. once an address is known).
        let again = outbox::retry(&mut c, &letter.id, now).unwrap();
        assert_eq!((again.status.as_str(), again.attempts), ("pending", 0));
        let sent = outbox::retry(&mut c, &assigned.id, now).unwrap_err();
        assert!(
            matches!(&sent, gongkai_store::StoreError::NotRetryable { status } if *status == outbox::OutboxStatus::Sent),
            "only a failed or unaddressed notice can be sent again: {sent}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}

#[test]
fn an_unreachable_server_means_retries_with_backoff_then_failed_then_sent_again_by_hand() {
    for db in databases("mail-retry") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let law = Law::new();
        registered(&mut c, &law, "王小明", now);
        // A port nobody listens on.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut s = settings(&mail_dir("retry"));
        s.transport = "smtp".to_owned();
        s.smtp_port = port;
        s.max_attempts = 2;
        let d = dispatcher(&db, s);

        let started = Utc::now();
        let pass = d.run_once(now).unwrap();
        assert_eq!(
            (pass.claimed, pass.retried),
            (1, 1),
            "{}: {pass:?}",
            db.name
        );
        let row = rows(&mut c).remove(0);
        assert_eq!((row.status.as_str(), row.attempts), ("pending", 1));
        assert!(row.last_error.is_some());
        let wait = row.next_attempt_at - started.naive_utc();
        assert!(
            wait >= Duration::seconds(29) && wait <= Duration::seconds(40),
            "first retry after ~30 s, got {wait}"
        );
        // Not due again before the backoff has passed…
        assert_eq!(d.run_once(Utc::now()).unwrap().claimed, 0);
        // …and after the last attempt the notice is failed, visible to admins.
        let pass = d.run_once(Utc::now() + Duration::minutes(5)).unwrap();
        assert_eq!(pass.failed, 1, "{pass:?}");
        let row = rows(&mut c).remove(0);
        assert_eq!((row.status.as_str(), row.attempts), ("failed", 2));
        let failed =
            outbox::list(&mut c, outbox::OutboxStatus::Failed, &Scope::operator(), 10).unwrap();
        assert_eq!(failed.len(), 1);
        let scoped = outbox::list(
            &mut c,
            outbox::OutboxStatus::Failed,
            &Scope::operator().department(HOUSING),
            10,
        )
        .unwrap();
        assert!(
            scoped.is_empty(),
            "another department's notice is not listed"
        );
        let again = outbox::retry(&mut c, &row.id, Utc::now()).unwrap();
        assert_eq!((again.status.as_str(), again.attempts), ("pending", 0));
    }
}

#[test]
fn an_expired_lease_is_taken_over_and_the_late_result_is_not_recorded() {
    for db in databases("mail-lease") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let law = Law::new();
        registered(&mut c, &law, "王小明", now);
        let lease = Duration::seconds(300);
        let first = outbox::claim(&mut c, now, lease, 10).unwrap();
        assert_eq!(first.len(), 1);
        // Leased: nobody else gets it…
        assert!(
            outbox::claim(&mut c, now + Duration::seconds(299), lease, 10)
                .unwrap()
                .is_empty()
        );
        // A dispatcher about to send renews its lease while it holds it…
        let renewed = outbox::renew(&mut c, &first[0], now + Duration::seconds(200), lease)
            .unwrap()
            .unwrap();
        assert!(renewed.lease_until > first[0].lease_until);
        assert!(
            outbox::claim(&mut c, now + Duration::seconds(301), lease, 10)
                .unwrap()
                .is_empty()
        );
        // …until the lease runs out (its dispatcher died): same row, same Message-ID.
        let second = outbox::claim(&mut c, now + Duration::seconds(501), lease, 10).unwrap();
        assert_eq!(second.len(), 1);
        assert_eq!(second[0].message_id, first[0].message_id);
        assert!(!outbox::mark_sent(&mut c, &renewed, now, ("s", "b"), "a@b.cn").unwrap());
        // A lost lease is not renewed: the old holder does not send.
        assert!(
            outbox::renew(&mut c, &renewed, now, lease)
                .unwrap()
                .is_none()
        );
        assert!(outbox::mark_sent(&mut c, &second[0], now, ("s", "b"), "a@b.cn").unwrap());
        assert_eq!(rows(&mut c)[0].status.as_str(), "sent", "{}", db.name);

        // A dispatcher that stops gives the rows it has not handled back at once.
        registered(&mut c, &law, "李四", now);
        let held = outbox::claim(&mut c, now, lease, 10).unwrap();
        assert_eq!(held.len(), 1);
        assert!(outbox::release(&mut c, &held[0]).unwrap());
        let again = outbox::claim(&mut c, now, lease, 10).unwrap();
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].attempts, 0);
    }
}

#[test]
fn two_dispatchers_over_one_database_send_each_notice_once() {
    for db in databases("mail-two") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let law = Law::new();
        const N: usize = 40;
        for i in 0..N {
            registered(&mut c, &law, &format!("申请人{i}"), now);
        }
        let dir = mail_dir("two");
        let mut s = settings(&dir);
        s.batch_size = 3;
        let handles: Vec<_> = (0..2)
            .map(|_| {
                let d = dispatcher(&db, s.clone());
                std::thread::spawn(move || {
                    let mut sent = 0;
                    loop {
                        let pass = d.run_once(now).unwrap();
                        if pass.claimed == 0 {
                            return sent;
                        }
                        sent += pass.sent;
                    }
                })
            })
            .collect();
        let counts: Vec<usize> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        assert_eq!(counts.iter().sum::<usize>(), N, "{}: {counts:?}", db.name);
        let all = rows(&mut c);
        assert!(
            all.iter()
                .all(|r| r.status.as_str() == "sent" && r.attempts == 1)
        );
        let ids: HashSet<&str> = all.iter().map(|r| r.message_id.as_str()).collect();
        assert_eq!(ids.len(), N);
        assert_eq!(eml_files(&dir).len(), N);
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn count(c: &mut DbConnection, kind: &str) -> usize {
    rows(c)
        .iter()
        .filter(|r| r.notice_kind.contains(kind))
        .count()
}

#[test]
fn reminders_go_out_once_per_case_and_level_and_overdue_is_recorded_on_the_case() {
    for db in databases("mail-remind") {
        let mut c = db.seeded();
        let law = Law::new();
        let l = law_in_force();
        // Received and registered on Monday 2 March 2026: due 30 March (20 working days).
        let received = at("2026-03-02");
        let case_id = registered(&mut c, &law, "王小明", received);

        let quiet = schedule::run_once(&mut c, &l, at("2026-03-10")).unwrap();
        assert_eq!((quiet.due_soon, quiet.overdue), (0, 0), "{}", db.name);

        let soon = at("2026-03-26");
        let first = schedule::run_once(&mut c, &l, soon).unwrap();
        assert_eq!(first.due_soon, 1, "{}: {first:?}", db.name);
        let again = schedule::run_once(&mut c, &l, soon + Duration::hours(2)).unwrap();
        assert_eq!(again.due_soon, 0);
        assert_eq!(count(&mut c, "due_soon"), 1);

        // An extension moves the due date: the new date gets its own due-soon reminder.
        let ext = at("2026-03-27");
        gongkai_store::execute(
            &mut c,
            &case_id,
            2,
            Command::StartProcessing,
            &law.ctx(&gongkai_testkit::clerk(), ext),
        )
        .unwrap();
        gongkai_store::execute(
            &mut c,
            &case_id,
            3,
            Command::RequestExtension {
                reason: "需要调取多个部门档案".to_owned(),
                days: None,
            },
            &law.ctx(&gongkai_testkit::clerk(), ext),
        )
        .unwrap();
        gongkai_store::execute(
            &mut c,
            &case_id,
            4,
            Command::ApproveExtension,
            &law.ctx(&gongkai_testkit::supervisor(), ext),
        )
        .unwrap();
        let new_soon = schedule::run_once(&mut c, &l, at("2026-04-24")).unwrap();
        assert_eq!(new_soon.due_soon, 1, "{new_soon:?}");
        assert_eq!(count(&mut c, "due_soon"), 2);

        let late = at("2026-05-06");
        let overdue = schedule::run_once(&mut c, &l, late).unwrap();
        assert_eq!(
            (overdue.breaches_recorded, overdue.overdue),
            (1, 1),
            "{overdue:?}"
        );
        // To the assignee and to the department's supervisors, once each.
        assert_eq!(count(&mut c, "overdue"), 2);
        let later = schedule::run_once(&mut c, &l, late + Duration::days(1)).unwrap();
        assert_eq!(
            (later.breaches_recorded, later.overdue),
            (0, 0),
            "{later:?}"
        );
        assert_eq!(count(&mut c, "overdue"), 2);
        let history = gongkai_store::events::load(&mut c, &case_id).unwrap();
        let breaches = history
            .iter()
            .filter(|e| e.kind.name() == "breach_recorded")
            .count();
        assert_eq!(breaches, 1);
        assert_eq!(history.last().unwrap().actor.role, Role::System);
    }
}

#[test]
fn a_consultation_whose_window_ended_is_reminded_once_and_the_projection_knows_its_day() {
    use gongkai_store::schema::cases;
    for db in databases("mail-consult") {
        let mut c = db.seeded();
        let law = Law::new();
        let l = law_in_force();
        let case_id = gongkai_testkit::processing(&mut c, &law, "王小明", at("2026-03-02"));
        // Posted on Thursday 03-05, presumed received Sunday 03-08: the third party's 15
        // working days end on 03-27 (art. 32).
        gongkai_store::execute(
            &mut c,
            &case_id,
            3,
            Command::StartConsultation {
                kind: ConsultationKind::ThirdParty,
                party: "北京华宇建筑工程有限公司".to_owned(),
                letter_date: None,
                sent_by: Some(gongkai_workflow::model::SentBy::Post),
            },
            &law.ctx(&gongkai_testkit::clerk(), at("2026-03-05")),
        )
        .unwrap();
        let day: Option<chrono::NaiveDate> = cases::table
            .find(&case_id)
            .select(cases::consultation_due)
            .first(&mut c)
            .unwrap();
        assert_eq!(
            day.map(|d| d.to_string()).as_deref(),
            Some("2026-03-27"),
            "{}",
            db.name
        );

        let within = schedule::run_once(&mut c, &l, at("2026-03-27")).unwrap();
        assert_eq!(within.consultations_due, 0, "{}: {within:?}", db.name);
        let after = schedule::run_once(&mut c, &l, at("2026-03-30")).unwrap();
        assert_eq!(after.consultations_due, 1, "{}: {after:?}", db.name);
        let again = schedule::run_once(&mut c, &l, at("2026-03-31")).unwrap();
        assert_eq!(again.consultations_due, 0, "{}: {again:?}", db.name);
        assert_eq!(count(&mut c, "consultation_due"), 1);

        // The silence is recorded: no consultation is open, the column is cleared.
        gongkai_store::execute(
            &mut c,
            &case_id,
            4,
            Command::EndConsultation {
                consultation: 1,
                opinion: gongkai_workflow::model::Opinion::NoAnswer,
                ended_on: None,
            },
            &law.ctx(&gongkai_testkit::clerk(), at("2026-03-31")),
        )
        .unwrap();
        let day: Option<chrono::NaiveDate> = cases::table
            .find(&case_id)
            .select(cases::consultation_due)
            .first(&mut c)
            .unwrap();
        assert_eq!(day, None, "{}", db.name);
    }
}
