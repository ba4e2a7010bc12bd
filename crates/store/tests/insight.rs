//! Search, monthly statistics, frequent-request groups and marks, reconsideration and
//! litigation in table 四, and the backfill of cases stored before these existed — on SQLite
//! and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use diesel::prelude::*;
use gongkai_store::Scope;
use gongkai_store::db::DbConnection;
use gongkai_store::queries::QueueFilter;
use gongkai_store::schema::{case_bands, case_texts, cases};
use gongkai_store::{execute, receive, recompute, register, search, similar, stats};
use gongkai_testkit::*;
use gongkai_workflow::model::{Remedy, RemedyKind, RemedyResult, Reply};
use gongkai_workflow::similar::{HINT_BANDS, band_hashes};
use gongkai_workflow::{Command, Outcome, RejectionCode};

/// A request handed in on `day` by `name` (phone `phone`) about `what`, registered.
fn file(c: &mut DbConnection, law: &Law, name: &str, phone: &str, what: &str, day: &str) -> String {
    let mut r = in_person(name, day);
    r.applicant.phone = Some(phone.to_owned());
    r.applicant.email = None;
    r.request.description = what.to_owned();
    let ctx = law.ctx(&clerk(), at(day));
    let id = receive(c, r, &ctx).unwrap().case_id;
    register(c, &id, 1, None, None, &ctx).unwrap();
    id
}

/// Replies to a registered case (version 2) on `day`: processing, draft, review, approval.
fn reply(c: &mut DbConnection, law: &Law, id: &str, text: &str, outcome: Outcome, day: &str) {
    let mut steps = [
        (Command::StartProcessing, clerk()),
        (
            Command::DraftReply {
                reply: Reply {
                    outcome,
                    text: text.to_owned(),
                    competent_agency: None,
                    not_held: (outcome
                        == Outcome::CannotProvide(
                            gongkai_workflow::outcome::CannotProvideGround::NotHeld,
                        ))
                    .then_some(gongkai_workflow::model::NotHeld::NotExist),
                    competent_agency_contact: None,
                    disclosure: None,
                    release: gongkai_testkit::release_for(outcome),
                },
            },
            clerk(),
        ),
        (Command::SubmitForReview, clerk()),
        (Command::ApproveReply, supervisor()),
    ]
    .into_iter()
    .collect::<Vec<_>>();
    if !gongkai_testkit::release_for(outcome).is_empty() {
        steps.insert(2, (gongkai_testkit::secrecy_review(), supervisor()));
    }
    // A late reply also records the breach: follow the versions the commands return.
    let mut version = 2;
    for (cmd, actor) in steps {
        version = execute(c, id, version, cmd, &law.ctx(&actor, at(day)))
            .unwrap()
            .version;
    }
}

fn ids(hits: &[search::Hit]) -> Vec<String> {
    let mut v: Vec<String> = hits.iter().map(|h| h.row.id.clone()).collect();
    v.sort();
    v
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// The projection columns migration 000006 added: id, replied_on, reply_due_on, reply_days,
/// concluded_on, applicant_key.
type Derived = (
    String,
    Option<NaiveDate>,
    Option<NaiveDate>,
    Option<i32>,
    Option<NaiveDate>,
    Option<String>,
);

#[test]
fn search_statistics_groups_marks_and_backfill() {
    let law = Law::new();
    for db in databases("insight") {
        let mut c = db.seeded();
        let c = &mut c;
        let a = file(
            c,
            &law,
            "张三",
            "13800000001",
            "申请公开2025年朝阳区望京街道老旧小区改造项目的招标文件和中标结果",
            "2025-01-06",
        );
        let b = file(
            c,
            &law,
            "李四",
            "13800000002",
            "请公开：2025年朝阳区望京街道老旧小区改造项目招标文件及中标结果。",
            "2025-01-08",
        );
        let d = file(
            c,
            &law,
            "王五",
            "13800000003",
            "某区2024年财政决算报告",
            "2025-02-03",
        );
        reply(
            c,
            &law,
            &a,
            "经查，相关招标公告已在区政府网站公开，现予提供。",
            Outcome::Disclosed,
            "2025-01-20",
        );
        // Received 2025-02-03: due 20 working days later (2025-03-03, counting the make-up Saturday
        // 02-08); replied on 03-10 after 25 working days, late.
        reply(
            c,
            &law,
            &d,
            "本机关不掌握该信息。",
            Outcome::CannotProvide(gongkai_workflow::outcome::CannotProvideGround::NotHeld),
            "2025-03-10",
        );
        // The same applicant as `a` asks again, in other words.
        let e = file(
            c,
            &law,
            "张三",
            "138-0000-0001",
            "请公开2025年朝阳区望京街道老旧小区改造项目的招标文件、中标结果",
            "2025-03-03",
        );

        let agency = QueueFilter {
            scope: Scope::operator(),
            agency: Some(AGENCY.to_owned()),
            ..QueueFilter::default()
        };
        let s = |c: &mut DbConnection, q: &str, f: &QueueFilter| {
            search::search(c, q, f, 50, 0).unwrap()
        };
        // Long terms through the trigram index, short ones (2 characters) as well.
        assert_eq!(
            ids(&s(c, "望京街道", &agency)),
            sorted(vec![a.clone(), b.clone(), e.clone()]),
            "{}",
            db.name
        );
        assert_eq!(
            ids(&s(c, "招标", &agency)),
            sorted(vec![a.clone(), b.clone(), e.clone()]),
            "{}",
            db.name
        );
        assert_eq!(
            ids(&s(c, "决算报告", &agency)),
            vec![d.clone()],
            "{}",
            db.name
        );
        // Applicant names and reply texts are searched; all terms must match.
        assert_eq!(ids(&s(c, "李四", &agency)), vec![b.clone()], "{}", db.name);
        assert_eq!(
            ids(&s(c, "招标公告", &agency)),
            vec![a.clone()],
            "{}",
            db.name
        );
        assert!(s(c, "望京 决算", &agency).is_empty(), "{}", db.name);
        // LIKE wildcards are taken literally.
        assert!(s(c, "%", &agency).is_empty(), "{}", db.name);
        // The queue's filters apply.
        let housing = QueueFilter {
            scope: Scope::operator().department(HOUSING),
            ..agency.clone()
        };
        assert!(s(c, "望京街道", &housing).is_empty(), "{}", db.name);
        let replied = QueueFilter {
            statuses: vec![gongkai_workflow::Status::Replied],
            ..agency.clone()
        };
        assert_eq!(
            ids(&s(c, "望京街道", &replied)),
            vec![a.clone()],
            "{}",
            db.name
        );
        // Where the words occur ranks: the name first, then the request, then the reply.
        let hits = s(c, "张三", &agency);
        assert!(hits.iter().all(|h| h.score.is_finite()));
        // PostgreSQL's path for common words (walked newest first) finds what the index finds,
        // in the same ranks; on SQLite it is the only path.
        let counted = search::Thresholds {
            common: 1,
            window: 100,
            recent: 0,
        };
        for q in [
            "望京街道",
            "招标",
            "李四",
            "招标公告",
            "望京 决算",
            "决算报告",
        ] {
            for f in [&agency, &replied] {
                let common = search::search_with(c, q, f, 50, 0, counted).unwrap();
                assert_eq!(ids(&common), ids(&s(c, q, f)), "{}: {q}", db.name);
            }
        }
        // A word of the requests ranks 2, newest first; a word of a reply ranks 1; pages cut
        // the same list.
        let requests = search::search_with(c, "中标结果", &agency, 50, 0, counted).unwrap();
        assert_eq!(requests.len(), 3, "{}", db.name);
        assert!(requests.iter().all(|h| h.score == 2.0), "{requests:?}");
        assert_eq!(requests[0].row.id, e, "newest first");
        let reply = search::search_with(c, "区政府网站", &agency, 50, 0, counted).unwrap();
        assert_eq!((reply.len(), reply[0].score), (1, 1.0), "{}", db.name);
        let named = search::search_with(c, "张三 中标结果", &agency, 50, 0, counted).unwrap();
        assert_eq!(
            sorted(named.iter().map(|h| h.row.id.clone()).collect()),
            sorted(vec![a.clone(), e.clone()]),
            "words in the name and the request together"
        );
        let paged = search::search_with(c, "中标结果", &agency, 2, 2, counted).unwrap();
        assert_eq!(paged.len(), 1, "the third of three");
        assert_eq!(paged[0].row.id, requests[2].row.id);
        // A word with its window's matches among the newest requests is common without being
        // counted (a count of 2,000 would call it rare), whatever the page: every page cuts
        // the same list, the pages beyond the newest requests included (`recent: 1` holds `e`
        // alone, the newest).
        let in_order = |hits: &[search::Hit]| -> Vec<String> {
            hits.iter().map(|h| h.row.id.clone()).collect()
        };
        for recent in [30_000, 1] {
            let thresholds = search::Thresholds {
                common: 2000,
                window: 1,
                recent,
            };
            for (limit, offset) in [(2, 0), (1, 1), (1, 2), (3, 0)] {
                let page =
                    search::search_with(c, "中标结果", &agency, limit, offset, thresholds).unwrap();
                let want = &requests[offset as usize..(offset + limit) as usize];
                assert_eq!(
                    in_order(&page),
                    in_order(want),
                    "{}: {limit} from {offset}, recent {recent}",
                    db.name
                );
                assert!(page.iter().all(|h| h.score == 2.0), "{page:?}");
            }
            // The scope and the queue's filters hold on that path too.
            let housing_page =
                search::search_with(c, "中标结果", &housing, 50, 0, thresholds).unwrap();
            assert!(housing_page.is_empty(), "{}", db.name);
            let replied_page =
                search::search_with(c, "中标结果", &replied, 50, 0, thresholds).unwrap();
            assert_eq!(ids(&replied_page), vec![a.clone()], "{}", db.name);
        }
        // Only the newest `recent` requests are read first: `d` (older than `e`) is not among
        // the newest one, so on PostgreSQL its word is counted, found rare and ranked by
        // similarity (a score below 1); among the newest 30,000 it is ranked by place.
        let rare = |recent| search::Thresholds {
            common: 2000,
            window: 1,
            recent,
        };
        let near = search::search_with(c, "决算报告", &agency, 50, 0, rare(30_000)).unwrap();
        let far = search::search_with(c, "决算报告", &agency, 50, 0, rare(1)).unwrap();
        assert_eq!((ids(&near), ids(&far)), (vec![d.clone()], vec![d.clone()]));
        assert_eq!(near[0].score, 2.0, "{}", db.name);
        if db.name == "postgres" {
            assert!(far[0].score < 1.0, "similarity: {far:?}");
        } else {
            assert_eq!(far[0].score, 2.0, "SQLite ranks by place only");
        }
        // Bad queries are refused, naming the field.
        let err = search::search(c, "   ", &agency, 50, 0).unwrap_err();
        assert!(err.to_string().starts_with("q:"), "{err}");

        // Monthly statistics.
        let figs = stats::monthly(c, 2025, Some(AGENCY), &Scope::operator()).unwrap();
        let month = |m: u32| {
            figs.iter()
                .find(|f| f.month == m && f.department == INTAKE)
                .unwrap()
                .clone()
        };
        assert_eq!(
            (month(1).received, month(1).replied, month(1).on_time),
            (2, 1, 1),
            "{}",
            db.name
        );
        assert_eq!(month(1).outcomes, [1, 0, 0, 0, 0, 0]);
        // 2025-01-06 → 01-20: 10 working days.
        assert_eq!(month(1).avg_days, Some(10.0), "{}", db.name);
        assert_eq!(
            (month(3).received, month(3).replied, month(3).late),
            (1, 1, 1),
            "{}",
            db.name
        );
        let year = month(0);
        assert_eq!(
            (
                year.received,
                year.concluded,
                year.replied,
                year.on_time,
                year.late
            ),
            (4, 2, 2, 1, 1)
        );
        assert_eq!(year.p90_days, Some(25), "{}: {year:?}", db.name);

        // Frequent requests: a, b and e are one group; d stands alone.
        let from = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
        let to = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap();
        let groups = similar::groups(c, &agency, from, to, 3).unwrap();
        assert_eq!(groups.len(), 1, "{}: {groups:?}", db.name);
        let members: Vec<String> = groups[0]
            .requests
            .iter()
            .map(|r| r.case_id.clone())
            .collect();
        assert_eq!(
            sorted(members.clone()),
            sorted(vec![a.clone(), b.clone(), e.clone()])
        );
        assert!(similar::groups(c, &agency, from, to, 4).unwrap().is_empty());
        // The clerk on e sees a (same applicant, answered) first, then b.
        let (like, marks) = similar::similar_to(c, &e, 365, &Scope::operator()).unwrap();
        assert_eq!(like.len(), 2, "{}: {like:?}", db.name);
        assert_eq!(like[0].request.case_id, a);
        assert!(like[0].same_applicant && !like[1].same_applicant);
        assert_eq!(like[0].request.outcome.as_deref(), Some("disclosed"));
        assert!(marks.is_empty());
        // A supervisor marks the group; the mark shows on the group and on the case page.
        let sup = gongkai_store::accounts::create_user(
            c,
            "liuyang",
            "刘洋",
            gongkai_workflow::Role::Supervisor,
            None,
            &[INTAKE],
        )
        .unwrap();
        let mark = similar::Mark {
            id: uuid::Uuid::now_v7().to_string(),
            agency_code: AGENCY.to_owned(),
            period_from: from,
            period_to: to,
            representative: groups[0].representative().to_owned(),
            case_ids: serde_json::to_string(&members).unwrap(),
            note: "建议将招标文件和中标结果主动公开".to_owned(),
            marked_by: sup.id.clone(),
            marked_at: at("2025-03-04").naive_utc(),
        };
        let mut blank = mark.clone();
        blank.note = " ".to_owned();
        assert!(similar::mark(c, &blank).is_err());
        similar::mark(c, &mark).unwrap();
        let groups = similar::groups(c, &agency, from, to, 3).unwrap();
        assert_eq!(groups[0].marks.len(), 1);
        let d_like = similar::similar_to(c, &d, 365, &Scope::operator()).unwrap();
        assert!(
            d_like.0.is_empty() && d_like.1.is_empty(),
            "{}: {d_like:?}",
            db.name
        );
        assert_eq!(
            similar::similar_to(c, &b, 365, &Scope::operator())
                .unwrap()
                .1
                .len(),
            1
        );

        // Cases stored before migration 000006: no text, no statistics columns. The backfill
        // gives them exactly what execute would have written.
        let before: Vec<Derived> = cases::table
            .order(cases::id)
            .select((
                cases::id,
                cases::replied_on,
                cases::reply_due_on,
                cases::reply_days,
                cases::concluded_on,
                cases::applicant_key,
            ))
            .load(c)
            .unwrap();
        let texts_before: Vec<(String, String, String, String)> = case_texts::table
            .order(case_texts::case_id)
            .select((
                case_texts::case_id,
                case_texts::name,
                case_texts::description,
                case_texts::reply,
            ))
            .load(c)
            .unwrap();
        diesel::delete(case_texts::table).execute(c).unwrap();
        diesel::update(cases::table)
            .set((
                cases::replied_on.eq(None::<NaiveDate>),
                cases::reply_due_on.eq(None::<NaiveDate>),
                cases::reply_days.eq(None::<i32>),
                cases::concluded_on.eq(None::<NaiveDate>),
                cases::applicant_key.eq(None::<String>),
            ))
            .execute(c)
            .unwrap();
        assert!(s(c, "望京街道", &agency).is_empty());
        let filled =
            recompute::backfill_derived(c, &law.calendar, &law.statute, 2, |_, _| {}).unwrap();
        assert_eq!(filled, 4);
        assert_eq!(
            recompute::backfill_derived(c, &law.calendar, &law.statute, 2, |_, _| {}).unwrap(),
            0
        );
        let after: Vec<Derived> = cases::table
            .order(cases::id)
            .select((
                cases::id,
                cases::replied_on,
                cases::reply_due_on,
                cases::reply_days,
                cases::concluded_on,
                cases::applicant_key,
            ))
            .load(c)
            .unwrap();
        assert_eq!(before, after, "{}", db.name);
        let texts_after: Vec<(String, String, String, String)> = case_texts::table
            .order(case_texts::case_id)
            .select((
                case_texts::case_id,
                case_texts::name,
                case_texts::description,
                case_texts::reply,
            ))
            .load(c)
            .unwrap();
        assert_eq!(texts_before, texts_after);
        assert_eq!(ids(&s(c, "望京街道", &agency)).len(), 3, "{}", db.name);
    }
}

/// The `case_bands` rows of every case: (case, agency, band, hash, created_at).
type BandRow = (String, String, i32, i64, chrono::NaiveDateTime);

fn band_rows(c: &mut DbConnection) -> Vec<BandRow> {
    case_bands::table
        .order((case_bands::case_id, case_bands::band))
        .select((
            case_bands::case_id,
            case_bands::agency_code,
            case_bands::band,
            case_bands::hash,
            case_bands::created_at,
        ))
        .load(c)
        .unwrap()
}

fn like(c: &mut DbConnection, id: &str) -> Vec<String> {
    similar::similar_to(c, id, 365, &Scope::operator())
        .unwrap()
        .0
        .into_iter()
        .map(|s| s.request.case_id)
        .collect()
}

/// The similar-request hint finds its candidates through the band table `execute` writes on
/// receipt: a reworded request filed later by someone else is found, an unrelated one is not,
/// and the back-fill gives cases stored before the table the rows `execute` would have written.
#[test]
fn similar_requests_are_found_through_the_band_table() {
    let law = Law::new();
    for db in databases("bands") {
        let mut c = db.seeded();
        let c = &mut c;
        let a = file(
            c,
            &law,
            "张三",
            "13800000011",
            "请公开2025年海淀区学院路街道停车设施建设规划及其批复文件",
            "2025-03-03",
        );
        let u = file(
            c,
            &law,
            "李四",
            "13800000012",
            "申请公开某区2024年度城乡居民医疗保险基金决算报告",
            "2025-03-04",
        );
        let b = file(
            c,
            &law,
            "王五",
            "13800000013",
            "申请公开：2025年海淀区学院路街道停车设施建设规划和批复文件。",
            "2025-03-10",
        );
        let rows = band_rows(c);
        // One row per band and case, with the case's agency and receipt instant (the register
        // command that followed each receipt did not move them).
        assert_eq!(rows.len(), 3 * HINT_BANDS, "{}", db.name);
        for id in [&a, &u, &b] {
            let (agency, created_at): (String, chrono::NaiveDateTime) = cases::table
                .find(id)
                .select((cases::agency_code, cases::created_at))
                .first(c)
                .unwrap();
            let description: String = case_texts::table
                .filter(case_texts::case_id.eq(id))
                .select(case_texts::description)
                .first(c)
                .unwrap();
            let mine: Vec<&BandRow> = rows.iter().filter(|r| &r.0 == id).collect();
            assert_eq!(mine.len(), HINT_BANDS);
            for (band, row) in mine.iter().enumerate() {
                assert_eq!(
                    (&row.1, row.2, row.3, row.4),
                    (
                        &agency,
                        band as i32,
                        band_hashes(&description)[band],
                        created_at
                    ),
                    "{}",
                    db.name
                );
            }
        }
        // Different applicants (no applicant key in common): only the bands bring them together.
        assert_eq!(like(c, &a), vec![b.clone()], "{}", db.name);
        assert_eq!(like(c, &b), vec![a.clone()], "{}", db.name);
        assert!(like(c, &u).is_empty(), "{}", db.name);
        // Without b's rows, a no longer finds it: the text is not probed any more.
        diesel::delete(case_bands::table.filter(case_bands::case_id.eq(&b)))
            .execute(c)
            .unwrap();
        assert!(like(c, &a).is_empty(), "{}", db.name);
        assert_eq!(like(c, &b), vec![a.clone()], "{}", db.name);

        // Cases stored before the table: the back-fill writes exactly what execute wrote, once.
        assert_eq!(similar::backfill_bands(c, 2, |_| {}).unwrap(), 1);
        assert_eq!(band_rows(c), rows, "{}", db.name);
        diesel::delete(case_bands::table).execute(c).unwrap();
        assert!(like(c, &a).is_empty(), "{}", db.name);
        let mut seen = Vec::new();
        assert_eq!(
            similar::backfill_bands(c, 2, |done| seen.push(done)).unwrap(),
            3
        );
        assert_eq!(seen, [2, 3]);
        assert_eq!(band_rows(c), rows, "{}", db.name);
        assert_eq!(similar::backfill_bands(c, 2, |_| {}).unwrap(), 0);
        assert_eq!(like(c, &a), vec![b.clone()], "{}", db.name);
    }
}

#[test]
fn reconsideration_and_litigation_feed_table_four() {
    let law = Law::new();
    for db in databases("table4") {
        let mut c = db.seeded();
        let c = &mut c;
        let a = file(
            c,
            &law,
            "张三",
            "13800000001",
            "某项目环评报告",
            "2025-01-06",
        );
        reply(c, &law, &a, "不予公开。", Outcome::Disclosed, "2025-01-20");
        let record = |kind, after, filed: &str, result: Option<(RemedyResult, &str)>| {
            Command::RecordRemedy {
                remedy: Remedy {
                    kind,
                    body: "北京市朝阳区人民政府".to_owned(),
                    reference: Some("朝政复字〔2025〕1号".to_owned()),
                    filed_on: gongkai_workflow::parse_date(filed).unwrap(),
                    after_reconsideration: after,
                    result: result.map(|r| r.0),
                    decided_on: result.map(|r| gongkai_workflow::parse_date(r.1).unwrap()),
                },
            }
        };
        let ctx = |day: &str| law.ctx(&clerk(), at(day));
        // Reconsideration recorded in February 2025, upheld in April.
        execute(
            c,
            &a,
            7,
            record(RemedyKind::Reconsideration, false, "2025-02-10", None),
            &ctx("2025-02-12"),
        )
        .unwrap();
        let done = execute(
            c,
            &a,
            8,
            Command::DecideRemedy {
                remedy: 1,
                result: RemedyResult::Upheld,
                decided_on: gongkai_workflow::parse_date("2025-04-08").unwrap(),
            },
            &ctx("2025-04-09"),
        )
        .unwrap();
        assert_eq!(
            done.case.remedies[0].remedy.result,
            Some(RemedyResult::Upheld)
        );
        // Deciding it again is refused; so is an unknown remedy and a decision before filing.
        let again = execute(
            c,
            &a,
            9,
            Command::DecideRemedy {
                remedy: 1,
                result: RemedyResult::Other,
                decided_on: gongkai_workflow::parse_date("2025-04-09").unwrap(),
            },
            &ctx("2025-04-09"),
        )
        .unwrap_err();
        assert!(
            matches!(again, gongkai_store::StoreError::Rejected(ref r) if r.code == RejectionCode::RemedyAlreadyDecided),
            "{again}"
        );
        let unknown = execute(
            c,
            &a,
            9,
            Command::DecideRemedy {
                remedy: 9,
                result: RemedyResult::Other,
                decided_on: gongkai_workflow::parse_date("2025-04-09").unwrap(),
            },
            &ctx("2025-04-09"),
        )
        .unwrap_err();
        assert!(
            matches!(unknown, gongkai_store::StoreError::Rejected(ref r) if r.code == RejectionCode::RemedyNotFound)
        );
        let result_without_date = execute(
            c,
            &a,
            9,
            Command::RecordRemedy {
                remedy: Remedy {
                    result: Some(RemedyResult::Upheld),
                    decided_on: None,
                    ..match record(RemedyKind::Litigation, true, "2025-05-01", None) {
                        Command::RecordRemedy { remedy } => remedy,
                        _ => unreachable!(),
                    }
                },
            },
            &ctx("2025-05-02"),
        )
        .unwrap_err();
        assert!(
            result_without_date
                .to_string()
                .contains("remedy.decided_on"),
            "{result_without_date}"
        );
        // A lawsuit after the reconsideration, pending at the end of 2025, decided in 2026.
        execute(
            c,
            &a,
            9,
            record(RemedyKind::Litigation, true, "2025-05-01", None),
            &ctx("2025-05-06"),
        )
        .unwrap();
        execute(
            c,
            &a,
            10,
            Command::DecideRemedy {
                remedy: 2,
                result: RemedyResult::Corrected,
                decided_on: gongkai_workflow::parse_date("2026-01-15").unwrap(),
            },
            &ctx("2026-01-16"),
        )
        .unwrap();
        // A direct lawsuit on another case, entered with its result.
        let b = file(
            c,
            &law,
            "李四",
            "13800000002",
            "某路段规划许可",
            "2025-03-03",
        );
        execute(
            c,
            &b,
            2,
            record(
                RemedyKind::Litigation,
                false,
                "2025-03-20",
                Some((RemedyResult::Other, "2025-06-30")),
            ),
            &ctx("2025-07-01"),
        )
        .unwrap();
        // Another agency's staff cannot record on it.
        let outsider =
            gongkai_workflow::Actor::staff("other", gongkai_workflow::Role::Clerk, &["hd-gkk"]);
        assert!(
            execute(
                c,
                &b,
                3,
                record(RemedyKind::Reconsideration, false, "2025-03-20", None),
                &law.ctx(&outsider, at("2025-07-01"))
            )
            .is_err()
        );

        let report = gongkai_store::report::annual(
            c,
            2025,
            Some(AGENCY),
            &Scope::operator(),
            Default::default(),
            |_, _| {},
        )
        .unwrap();
        assert_eq!(
            report.table4.reconsideration,
            [1, 0, 0, 0, 1],
            "{}",
            db.name
        );
        assert_eq!(
            report.table4.litigation_after,
            [0, 0, 0, 1, 1],
            "{}",
            db.name
        );
        assert_eq!(
            report.table4.litigation_direct,
            [0, 0, 1, 0, 1],
            "{}",
            db.name
        );
        assert_eq!(report.table3.new[6], 2);
        let r2026 = gongkai_store::report::annual(
            c,
            2026,
            Some(AGENCY),
            &Scope::operator(),
            Default::default(),
            |_, _| {},
        )
        .unwrap();
        // The lawsuit pending at the end of 2025 (尚未审结 there) counts in 2026, the year it
        // was decided, under its result; those decided in 2025 are not counted again.
        assert_eq!(
            r2026.table4.litigation_after,
            [0, 1, 0, 0, 1],
            "{}",
            db.name
        );
        assert_eq!(r2026.table4.cells().iter().sum::<u64>(), 2, "{}", db.name);
        let hd = gongkai_store::report::annual(
            c,
            2025,
            Some("hd"),
            &Scope::operator(),
            Default::default(),
            |_, _| {},
        )
        .unwrap();
        assert_eq!(hd.table4.cells().iter().sum::<u64>(), 0);
    }
}
