//! The bulk loader (`store::bulk`, used by `gongkai demo`): a case taken through its commands in
//! memory and written in a batch is stored exactly as the same commands through `execute` store
//! it (events, hash chain, projection, outbox, search text, bands); refusals are the same;
//! tracking numbers continue the agency's counter and a counter moved meanwhile stops a flush
//! with nothing written; the indexes a load into an empty database sets aside come back as the
//! migrations made them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use gongkai_store::bulk::{Bulk, BulkCase};
use gongkai_store::db::DbConnection;
use gongkai_store::execute::{CaseRow, hash_query_code};
use gongkai_store::schema::{case_bands, case_events, case_texts, cases, outbox};
use gongkai_store::{StoreError, accounts, audit, events, execute, receive, register};
use gongkai_testkit::*;
use gongkai_workflow::model::{Delivery, IdDocumentType};
use gongkai_workflow::{Actor, Channel, Command, Event, Role};

/// The staff who work the cases: a clerk of the intake office (a user, so that an assignment
/// to them passes the directory's check) and the supervisor.
fn staff(c: &mut DbConnection) -> (Actor, Actor) {
    let user =
        accounts::create_user(c, "bulk-clerk", "王承办", Role::Clerk, None, &[INTAKE]).unwrap();
    (Actor::staff(user.id, Role::Clerk, &[INTAKE]), supervisor())
}

/// The commands after registration, with who gives them and when: assignment to a reply
/// disclosed, delivered and archived.
fn procedure(clerk: &Actor, chief: &Actor) -> Vec<(Command, Actor, DateTime<Utc>)> {
    vec![
        (
            Command::Assign {
                department: None,
                assignee: Some(clerk.id.clone()),
            },
            chief.clone(),
            at("2026-03-02"),
        ),
        (Command::StartProcessing, clerk.clone(), at("2026-03-03")),
        (
            Command::DraftReply {
                reply: gongkai_testkit::cases::disclosed(),
            },
            clerk.clone(),
            at("2026-03-10"),
        ),
        (secrecy_review(), chief.clone(), at("2026-03-10")),
        (Command::SubmitForReview, clerk.clone(), at("2026-03-10")),
        (Command::ApproveReply, chief.clone(), at("2026-03-11")),
        (
            Command::RecordDelivery {
                method: Delivery::Email,
                delivered_on: None,
            },
            clerk.clone(),
            at("2026-03-12"),
        ),
        (Command::Archive, clerk.clone(), at("2026-03-19")),
    ]
}

/// An online filing (no receipt date: the day it arrives).
fn online() -> gongkai_workflow::model::Receive {
    let mut r = in_person("李四", "2026-03-02");
    r.channel = Channel::Online;
    r.receipt_date = None;
    r.applicant.id_document_type = Some(IdDocumentType::ResidentId);
    r.applicant.id_document = Some("110105198801011236".to_owned());
    r
}

fn registration() -> Command {
    Command::Register {
        tracking_number: String::new(),
        department: None,
        receipt_date: None,
    }
}

/// What is stored of a case, without what differs by nature between two cases (its id, query
/// code hash, filing reference, tracking number; the events' hashes, which chain over the id).
#[derive(Debug, PartialEq)]
struct Stored {
    row: CaseRow,
    events: Vec<(i64, String, Event, String, String)>,
    outbox: Vec<(i64, String, String, Option<String>, String)>,
    text: (String, String, String),
    bands: Vec<(i32, i64, String, chrono::NaiveDateTime)>,
}

fn stored(c: &mut DbConnection, id: &str) -> Stored {
    let mut row: CaseRow = cases::table
        .find(id)
        .select(CaseRow::as_select())
        .first(c)
        .unwrap();
    assert_eq!(row.version, events::load(c, id).unwrap().len() as i64);
    row.id = String::new();
    row.query_code_hash = String::new();
    row.filing_reference = row.filing_reference.map(|f| f.len().to_string());
    row.tracking_number = row.tracking_number.map(|t| t[..8].to_owned());
    let events = events::load_rows(c, id)
        .unwrap()
        .iter()
        .map(|e| {
            (
                e.seq,
                e.kind.clone(),
                e.event().unwrap(),
                e.actor_id.clone(),
                format!("{} {:?}", e.recorded_at, e.legal_date),
            )
        })
        // The registration's event names the tracking number: compared without it.
        .map(|(seq, kind, mut event, actor, at)| {
            if let gongkai_workflow::EventKind::Registered {
                tracking_number, ..
            } = &mut event.kind
            {
                tracking_number.clear();
            }
            (seq, kind, event, actor, at)
        })
        .collect();
    let outbox = outbox::table
        .filter(outbox::case_id.eq(id))
        .order(outbox::event_seq)
        .select((
            outbox::event_seq,
            outbox::notice_kind,
            outbox::recipient,
            outbox::dedupe_key,
            outbox::status,
        ))
        .load(c)
        .unwrap();
    let text = case_texts::table
        .filter(case_texts::case_id.eq(id))
        .select((case_texts::name, case_texts::description, case_texts::reply))
        .first(c)
        .unwrap();
    let bands = case_bands::table
        .filter(case_bands::case_id.eq(id))
        .order(case_bands::band)
        .select((
            case_bands::band,
            case_bands::hash,
            case_bands::agency_code,
            case_bands::created_at,
        ))
        .load(c)
        .unwrap();
    Stored {
        row,
        events,
        outbox,
        text,
        bands,
    }
}

#[test]
fn a_case_loaded_in_bulk_is_stored_as_execute_stores_it() {
    let law = Law::new();
    for db in databases("bulk-same") {
        let mut c = db.seeded();
        let (clerk, chief) = staff(&mut c);
        let filer = applicant("lisi");

        // Through the one door, command by command.
        let first = receive(&mut c, online(), &law.ctx(&filer, at("2026-03-02"))).unwrap();
        let one = first.case_id.clone();
        register(
            &mut c,
            &one,
            1,
            None,
            None,
            &law.ctx(&clerk, at("2026-03-02")),
        )
        .unwrap();
        let mut version = 2;
        for (cmd, actor, now) in procedure(&clerk, &chief) {
            version = execute(&mut c, &one, version, cmd, &law.ctx(&actor, now))
                .unwrap()
                .version;
        }

        // In bulk, the same commands at the same instants.
        let mut bulk = Bulk::new(&mut c).unwrap();
        let mut case = bulk
            .receive(online(), &law.ctx(&filer, at("2026-03-02")))
            .unwrap();
        bulk.execute(
            &mut case,
            registration(),
            &law.ctx(&clerk, at("2026-03-02")),
        )
        .unwrap();
        for (cmd, actor, now) in procedure(&clerk, &chief) {
            bulk.execute(&mut case, cmd, &law.ctx(&actor, now)).unwrap();
        }
        assert_eq!(case.version(), version, "{}", db.name);
        let two = case.id().to_owned();
        let code = case.query_code().to_owned();
        bulk.finish(case);
        assert_eq!(bulk.pending(), 1);
        // Nothing is in the database before the flush.
        assert_eq!(count_events(&mut c, &two), 0, "{}", db.name);
        assert_eq!(bulk.flush(&mut c).unwrap(), 1, "{}", db.name);
        assert_eq!(bulk.pending(), 0);

        let (a, b) = (stored(&mut c, &one), stored(&mut c, &two));
        assert_eq!(a, b, "{}", db.name);
        assert!(a.events.len() >= 10, "{}: {}", db.name, a.events.len());
        assert!(!a.outbox.is_empty(), "{}", db.name);
        assert_eq!(a.bands.len(), 16, "{}", db.name);
        // The numbers continue the counter; the query code given is the stored one's.
        let row = |c: &mut DbConnection, id: &str| -> CaseRow {
            cases::table
                .find(id)
                .select(CaseRow::as_select())
                .first(c)
                .unwrap()
        };
        assert_eq!(
            row(&mut c, &two).tracking_number.as_deref(),
            Some("GK-2026-000002"),
            "{}",
            db.name
        );
        assert_eq!(
            row(&mut c, &two).query_code_hash,
            hash_query_code(&two, &code)
        );
        assert_eq!(
            row(&mut c, &two).filing_reference.map(|f| f.len()),
            Some(10)
        );
        // The hash chains hold.
        assert!(
            audit::verify_all(&mut c, None, |_, _| {})
                .unwrap()
                .is_empty(),
            "{}",
            db.name
        );
        // The next registration through the one door takes the number after the bulk's.
        let next = received(&mut c, &law, "赵六", at("2026-03-20"));
        let got = register(
            &mut c,
            &next,
            1,
            None,
            None,
            &law.ctx(&clerk, at("2026-03-20")),
        )
        .unwrap();
        assert_eq!(
            got.case.tracking_number.as_deref(),
            Some("GK-2026-000003"),
            "{}",
            db.name
        );
    }
}

/// A case of `name` received in bulk and registered, as the clerk.
fn bulk_registered(bulk: &mut Bulk, law: &Law, clerk: &Actor, name: &str, day: &str) -> BulkCase {
    let mut case = bulk
        .receive(in_person(name, day), &law.ctx(clerk, at(day)))
        .unwrap();
    bulk.execute(&mut case, registration(), &law.ctx(clerk, at(day)))
        .unwrap();
    case
}

#[test]
fn bulk_refuses_what_execute_refuses_and_leaves_the_case_as_it_was() {
    let law = Law::new();
    for db in databases("bulk-refusals") {
        let mut c = db.seeded();
        let (clerk, chief) = staff(&mut c);
        let mut bulk = Bulk::new(&mut c).unwrap();
        let mut case = bulk_registered(&mut bulk, &law, &clerk, "钱七", "2026-03-02");
        let ctx = law.ctx(&chief, at("2026-03-03"));

        // The workflow's refusal: a reply approved before anything was drafted.
        let err = bulk
            .execute(&mut case, Command::ApproveReply, &ctx)
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Rejected(_)),
            "{}: {err:?}",
            db.name
        );
        assert_eq!(case.version(), 2, "{}", db.name);
        // The directory's refusals: an assignee who is no clerk of the department, a
        // department of another agency, a tracking number chosen by the caller.
        let to = |assignee: &str, department: Option<&str>| Command::Assign {
            department: department.map(str::to_owned),
            assignee: Some(assignee.to_owned()),
        };
        let err = bulk
            .execute(&mut case, to("nobody", None), &ctx)
            .unwrap_err();
        assert!(
            matches!(
                &err,
                StoreError::Invalid {
                    field: Some("assignee"),
                    ..
                }
            ),
            "{}: {err:?}",
            db.name
        );
        let err = bulk
            .execute(&mut case, to(&clerk.id, Some("elsewhere")), &ctx)
            .unwrap_err();
        assert!(
            matches!(
                &err,
                StoreError::Invalid {
                    field: Some("department"),
                    ..
                }
            ),
            "{}: {err:?}",
            db.name
        );
        let chosen = Command::Register {
            tracking_number: "GK-2026-999999".to_owned(),
            department: None,
            receipt_date: None,
        };
        let mut other = bulk
            .receive(
                in_person("孙八", "2026-03-03"),
                &law.ctx(&clerk, at("2026-03-03")),
            )
            .unwrap();
        let err = bulk.execute(&mut other, chosen, &ctx).unwrap_err();
        assert!(
            matches!(
                &err,
                StoreError::Invalid {
                    field: Some("tracking_number"),
                    ..
                }
            ),
            "{}: {err:?}",
            db.name
        );
        // A refused registration takes no number: the next one is 2.
        bulk.execute(
            &mut other,
            registration(),
            &law.ctx(&clerk, at("2026-03-03")),
        )
        .unwrap();
        assert_eq!(
            other.case().tracking_number.as_deref(),
            Some("GK-2026-000002")
        );
        // After the refusals the case goes on as if they had not been tried.
        bulk.execute(
            &mut case,
            to(&clerk.id, None),
            &law.ctx(&chief, at("2026-03-03")),
        )
        .unwrap();
        assert_eq!(case.version(), 3, "{}", db.name);
        bulk.finish(case);
        bulk.finish(other);
        assert_eq!(bulk.flush(&mut c).unwrap(), 2);
        assert!(
            audit::verify_all(&mut c, None, |_, _| {})
                .unwrap()
                .is_empty()
        );
    }
}

#[test]
fn a_registration_made_during_a_bulk_load_stops_the_flush_with_nothing_written() {
    let law = Law::new();
    for db in databases("bulk-counter") {
        let mut c = db.seeded();
        let (clerk, _) = staff(&mut c);
        // A counter that exists (numbers taken before the load) and moves during it.
        registered(&mut c, &law, "周一", at("2026-03-02"));
        let mut bulk = Bulk::new(&mut c).unwrap();
        let case = bulk_registered(&mut bulk, &law, &clerk, "钱七", "2026-03-02");
        assert_eq!(
            case.case().tracking_number.as_deref(),
            Some("GK-2026-000002")
        );
        bulk.finish(case);
        registered(&mut c, &law, "吴二", at("2026-03-02"));
        let cases_before: i64 = cases::table.count().get_result(&mut c).unwrap();
        let events_before: i64 = case_events::table.count().get_result(&mut c).unwrap();
        let err = bulk.flush(&mut c).unwrap_err();
        assert!(
            err.to_string().contains("moved during the bulk load"),
            "{}: {err}",
            db.name
        );
        let cases_after: i64 = cases::table.count().get_result(&mut c).unwrap();
        let events_after: i64 = case_events::table.count().get_result(&mut c).unwrap();
        assert_eq!((cases_after, events_after), (cases_before, events_before));
        // The case is still queued; a counter that did not exist yet (another year) is
        // created by the flush.
        assert_eq!(bulk.pending(), 1);
        let mut bulk = Bulk::new(&mut c).unwrap();
        let case = bulk_registered(&mut bulk, &law, &clerk, "钱七", "2027-01-04");
        assert_eq!(
            case.case().tracking_number.as_deref(),
            Some("GK-2027-000001")
        );
        bulk.finish(case);
        assert_eq!(bulk.flush(&mut c).unwrap(), 1, "{}", db.name);
        let next = received(&mut c, &law, "郑三", at("2027-01-05"));
        let got = register(
            &mut c,
            &next,
            1,
            None,
            None,
            &law.ctx(&clerk, at("2027-01-05")),
        )
        .unwrap();
        assert_eq!(got.case.tracking_number.as_deref(), Some("GK-2027-000002"));
    }
}

#[derive(QueryableByName, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Definition {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    definition: String,
}

/// Every index and trigger of the database, as its catalogue states them.
fn schema_objects(c: &mut DbConnection) -> Vec<Definition> {
    let sql = match c {
        DbConnection::Sqlite(_) => {
            "SELECT name, sql AS definition FROM sqlite_master \
             WHERE type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY name"
        }
        DbConnection::Pg(_) => {
            "SELECT indexname AS name, indexdef AS definition FROM pg_indexes \
             WHERE schemaname = current_schema() ORDER BY indexname"
        }
    };
    diesel::sql_query(sql).load(c).unwrap()
}

#[test]
fn a_load_into_an_empty_database_builds_the_indexes_it_set_aside_as_they_were() {
    use gongkai_store::bulk::SetAside;
    use gongkai_store::queries::QueueFilter;
    use gongkai_store::scope::Scope;
    use gongkai_store::search;
    let law = Law::new();
    for db in databases("bulk-set-aside") {
        let mut c = db.seeded();
        let (clerk, _) = staff(&mut c);
        let before = schema_objects(&mut c);

        let set_aside = SetAside::drop_for_load(&mut c).unwrap();
        assert!(set_aside.len() >= 10, "{}: {}", db.name, set_aside.len());
        let during = schema_objects(&mut c);
        assert_eq!(
            during.len(),
            before.len() - set_aside.len() - usize::from(db.name == "sqlite"),
            "{}",
            db.name
        );
        // What keeps rows unique stays, and is still enforced while loading.
        assert!(
            during.iter().any(|d| d.name == "cases_filing_reference"),
            "{}",
            db.name
        );

        let mut bulk = Bulk::new(&mut c).unwrap();
        let mut ids = Vec::new();
        for day in ["2026-03-02", "2026-03-03", "2026-03-04"] {
            let case = bulk_registered(&mut bulk, &law, &clerk, "欧阳小七", day);
            ids.push(case.id().to_owned());
            bulk.finish(case);
        }
        assert_eq!(bulk.flush(&mut c).unwrap(), 3, "{}", db.name);
        set_aside.restore(&mut c).unwrap();

        // Every index and trigger is back, exactly as the migrations made it…
        assert_eq!(schema_objects(&mut c), before, "{}", db.name);
        // …and the full-text search finds what was loaded while its trigger was away, and
        // what is filed after.
        let all = QueueFilter {
            scope: Scope::operator(),
            ..QueueFilter::default()
        };
        let found = |c: &mut DbConnection, q: &str| -> Vec<String> {
            let mut v: Vec<String> = search::search(c, q, &all, 50, 0)
                .unwrap()
                .into_iter()
                .map(|h| h.row.id)
                .collect();
            v.sort();
            v
        };
        ids.sort();
        assert_eq!(found(&mut c, "欧阳小七"), ids, "{}", db.name);
        let later = received(&mut c, &law, "司马小八", at("2026-03-05"));
        assert_eq!(found(&mut c, "司马小八"), vec![later], "{}", db.name);

        // A database that holds cases keeps its indexes: others may be using it.
        let kept = SetAside::drop_for_load(&mut c).unwrap();
        assert!(kept.is_empty(), "{}", db.name);
        assert_eq!(schema_objects(&mut c), before, "{}", db.name);
    }
}
