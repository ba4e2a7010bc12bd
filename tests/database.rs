//! End-to-end tests of `gongkai migrate`, `demo`, `audit verify` and `calendar recompute` on the
//! real binary, on SQLite and (with GONGKAI_TEST_DATABASE_URL) on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;

use support::{Binary, databases};

fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

#[test]
fn migrate_demo_audit_and_recompute() {
    for db in databases("cli") {
        let o = db.run(&["migrate"]);
        assert!(o.status.success(), "{}: {}", db.name, text(&o.stderr));
        assert!(
            text(&o.stdout)
                .contains("applied 23 migration(s): 20261123000001, 20261123000002, 20261123000003, 20261123000004, 20261123000005, 20261123000006, 20261123000007, 20261206000008, 20261206000009, 20261206000010, 20261206000011, 20261206000021, 20261207000012, 20261207000013, 20261207000014, 20261207000015, 20261207000017, 20261207000022, 20261207000023, 20261207000024, 20261207000025, 20261207000026, 20261207000027"),
            "{}",
            text(&o.stdout)
        );
        let o = db.run(&["migrate"]);
        assert!(
            text(&o.stdout).contains("up to date"),
            "{}",
            text(&o.stdout)
        );
        let o = db.run(&["migrate", "--status"]);
        let status = text(&o.stdout);
        assert!(status.contains("20261123000001  applied"), "{status}");
        assert!(status.contains("20261123000002  applied"), "{status}");
        assert!(status.contains("20261123000003  applied"), "{status}");
        if db.name == "sqlite" {
            assert!(
                db.dir.join("data/gongkai.db").is_file(),
                "the default file and folder are created"
            );
        }

        let o = db.run(&["demo", "--cases", "40", "--seed", "7"]);
        assert!(o.status.success(), "{}: {}", db.name, text(&o.stderr));
        assert!(
            text(&o.stdout).contains("created 40 case(s) across 3 agencies"),
            "{}",
            text(&o.stdout)
        );
        // Every generated step is one the procedure allows (e.g. art. 35's reasons are asked
        // for before a request is refused as excessive).
        assert!(
            !text(&o.stdout).contains("steps refused"),
            "{}",
            text(&o.stdout)
        );

        let o = db.run(&["audit", "verify"]);
        assert!(o.status.success(), "{}: {}", db.name, text(&o.stderr));
        assert!(text(&o.stdout).contains("40 case(s) verified, every hash chain intact"));

        let o = db.run(&["calendar", "recompute"]);
        assert!(o.status.success(), "{}: {}", db.name, text(&o.stderr));
        assert!(
            text(&o.stdout).contains("open case(s) recomputed"),
            "{}",
            text(&o.stdout)
        );

        // Someone edits an event's payload directly in the database.
        db.sql(
            "UPDATE case_events SET payload = REPLACE(payload, '\"carrier\":\"electronic\"', \
             '\"carrier\":\"paper\"') WHERE seq = 1 AND case_id = (SELECT MIN(case_id) FROM case_events)",
        );
        let o = db.run(&["audit", "verify"]);
        assert_eq!(o.status.code(), Some(1), "{}: {}", db.name, text(&o.stdout));
        let out = text(&o.stdout);
        assert!(
            out.contains("event 1: content does not match its hash (altered)"),
            "{out}"
        );
        assert!(text(&o.stderr).contains("1 of 40 case(s) have a broken hash chain"));

        let o = db.run(&["audit", "verify", "--case", "no-such-case"]);
        assert_eq!(o.status.code(), Some(1));
        assert!(text(&o.stderr).contains("no case with id no-such-case"));
    }
}

#[test]
fn bad_database_urls_and_newer_databases_are_refused_clearly() {
    let dir = std::env::temp_dir().join(format!("gongkai-e2e-urls-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |url: &str, args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gongkai"))
            .args(args)
            .current_dir(&dir)
            .env("DATABASE_URL", url)
            .output()
            .unwrap()
    };
    let o = run("gongkai.db", &["migrate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr)
            .contains("\"gongkai.db\" is neither a postgres:// URL nor an existing SQLite file"),
        "{}",
        text(&o.stderr)
    );
    assert!(
        !dir.join("gongkai.db").exists(),
        "a typo never creates an empty database"
    );
    let o = run("postgress://127.0.0.1/test", &["migrate"]);
    assert!(text(&o.stderr).contains("unsupported scheme \"postgress\""));
    let o = run("postgres://nobody@127.0.0.1:1/none", &["migrate"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr)
            .contains("cannot connect to the database: postgres://nobody@127.0.0.1:1/none"),
        "{}",
        text(&o.stderr)
    );

    for db in databases("newer") {
        assert!(db.run(&["migrate"]).status.success());
        db.sql("INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000000')");
        for args in [
            &["migrate"][..],
            &["audit", "verify"][..],
            &["migrate", "--status"][..],
        ] {
            let o = db.run(args);
            assert_eq!(o.status.code(), Some(1), "{}: {args:?}", db.name);
            assert!(
                text(&o.stderr)
                    .contains("migrated by a newer gongkai (unknown migrations: 29991231000000)"),
                "{}: {args:?}: {}",
                db.name,
                text(&o.stderr)
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `gongkai report annual`: tables 三 and 四 from the events of a demo database (and `report
/// recount`, which checks the tallies they are summed from). Every request is new
/// in exactly one year, what one year carries out the next carries in, each year's columns
/// balance (一 + 二 = 三（七） + 四, 三（七） = the 21 outcome rows), the agencies add up to the
/// whole, and a report asked twice is the same. Bad arguments are refused with a message.
#[test]
fn annual_report_balances_across_years_and_agencies() {
    fn table(db: &support::Db, args: &[&str]) -> Vec<(String, Vec<u64>)> {
        let mut all = vec!["report", "annual"];
        all.extend_from_slice(args);
        let o = db.run(&all);
        assert!(o.status.success(), "{}: {}", db.name, text(&o.stderr));
        let csv = text(&o.stdout);
        // Table 三 under its title, then a blank line and table 四.
        let mut lines = csv.lines().take_while(|l| !l.is_empty());
        assert_eq!(lines.next().unwrap(), "三、收到和处理政府信息公开申请情况");
        assert_eq!(
            lines.next().unwrap(),
            "行次,项目,自然人,商业企业,科研机构,社会公益组织,法律服务机构,其他,总计"
        );
        lines
            .map(|l| {
                let cells: Vec<&str> = l.split(',').collect();
                (
                    cells[0].to_owned(),
                    cells[2..].iter().map(|c| c.parse().unwrap()).collect(),
                )
            })
            .collect()
    }
    fn row<'a>(t: &'a [(String, Vec<u64>)], name: &str) -> &'a [u64] {
        &t.iter().find(|(r, _)| r == name).unwrap().1
    }
    for db in databases("report") {
        let o = db.run(&["demo", "--cases", "150", "--seed", "11"]);
        assert!(o.status.success(), "{}: {}", db.name, text(&o.stderr));
        let mut new_total = 0;
        let mut carried = vec![0u64; 7];
        for year in 2019..=2026 {
            let y = year.to_string();
            let t = table(&db, &["--year", &y]);
            // 2019 and 2020 in the 60号 format (其他处理 one row), later years in the 30号.
            let leaves = if year <= 2020 { 19 } else { 21 };
            assert_eq!(t.len(), 2 + leaves + 2, "{year}");
            let (new, carried_in) = (row(&t, "一"), row(&t, "二"));
            let (concluded, carried_out) = (row(&t, "三（七）"), row(&t, "四"));
            assert_eq!(
                carried_in,
                carried.as_slice(),
                "{}: {year} 二 ≠ {} 四",
                db.name,
                year - 1
            );
            for c in 0..7 {
                assert_eq!(
                    new[c] + carried_in[c],
                    concluded[c] + carried_out[c],
                    "{year} col {c}"
                );
                let sum: u64 = t[2..2 + leaves].iter().map(|(_, v)| v[c]).sum();
                assert_eq!(sum, concluded[c], "{year} col {c}");
            }
            assert_eq!(new[..6].iter().sum::<u64>(), new[6]);
            new_total += new[6];
            carried = carried_out.to_vec();
            // The agencies add up to the whole.
            let mut by_agency = vec![0u64; 7];
            for agency in ["bj-cy", "bj-hd", "bj-fgw"] {
                let a = table(&db, &["--year", &y, "--agency", agency]);
                for (sum, n) in by_agency.iter_mut().zip(row(&a, "一")) {
                    *sum += n;
                }
            }
            assert_eq!(by_agency.as_slice(), new, "{year}");
            assert_eq!(table(&db, &["--year", &y]), t, "asked twice");
        }
        assert_eq!(
            new_total, 150,
            "{}: every request is new in exactly one year",
            db.name
        );
        let html = db.run(&["report", "annual", "--year", "2025", "--format", "html"]);
        assert!(text(&html.stdout).contains("三、收到和处理政府信息公开申请情况"));
        assert!(text(&html.stdout).contains("四、政府信息公开行政复议、行政诉讼情况"));
        let csv = text(&db.run(&["report", "annual", "--year", "2025"]).stdout);
        assert!(csv.contains(
            "\n四、政府信息公开行政复议、行政诉讼情况\n类别,项目,数量\n行政复议,结果维持,"
        ));
        // Excel: a workbook written to the file given.
        let xlsx = std::env::temp_dir().join(format!("gongkai-report-{}.xlsx", std::process::id()));
        let o = db.run(&[
            "report",
            "annual",
            "--year",
            "2025",
            "--format",
            "xlsx",
            "--output",
            xlsx.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let bytes = std::fs::read(&xlsx).unwrap();
        assert_eq!(&bytes[..2], b"PK", "{}: not a zip/xlsx", db.name);
        let _ = std::fs::remove_file(&xlsx);
        let bad = db.run(&["report", "annual", "--year", "2025", "--agency", "nope"]);
        assert_eq!(bad.status.code(), Some(1));
        assert!(
            text(&bad.stderr).contains("--agency nope: no such agency"),
            "{}",
            text(&bad.stderr)
        );
        let bad = db.run(&["report", "annual", "--year", "1999"]);
        assert!(!bad.status.success());
        // Before the first uniform format (国办公开办函〔2019〕60号): refused, saying why.
        let bad = db.run(&["report", "annual", "--year", "2018"]);
        assert!(!bad.status.success());
        assert!(
            text(&bad.stderr).contains("annual reports start with 2019"),
            "{}",
            text(&bad.stderr)
        );

        // The tallies the tables above were summed from, as the bulk loader wrote them, are
        // what counting every case's events (and projection row) gives.
        let o = db.run(&["report", "recount"]);
        assert!(o.status.success(), "{}: {}", db.name, text(&o.stderr));
        assert!(
            text(&o.stdout).contains("150 case(s) counted")
                && text(&o.stdout).contains("every stored tally matched the events"),
            "{}",
            text(&o.stdout)
        );
        // A count altered in the database: the recount says so, fails, and puts it right.
        db.sql("UPDATE report_tallies SET n = n + 5 WHERE year = (SELECT MAX(year) FROM report_tallies)");
        let o = db.run(&["report", "recount"]);
        assert_eq!(o.status.code(), Some(1), "{}: {}", db.name, text(&o.stdout));
        assert!(
            text(&o.stderr).contains("stored tally row(s) differed from the events"),
            "{}",
            text(&o.stderr)
        );
        let o = db.run(&["report", "recount"]);
        assert!(o.status.success(), "{}: {}", db.name, text(&o.stderr));
    }
}

/// `gongkai demo` leaves planner statistics behind (SQLite: sqlite_stat1
/// rows for the cases table; PostgreSQL: pg_stats rows), so a database filled in bulk is not
/// planned as if it were empty.
#[test]
fn demo_leaves_planner_statistics() {
    use diesel::RunQueryDsl;
    #[derive(diesel::QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    for db in databases("stats") {
        let o = db.run(&["demo", "--cases", "30", "--seed", "3"]);
        assert!(o.status.success(), "{}: {}", db.name, text(&o.stderr));
        let sql = match db.schema {
            None => "SELECT COUNT(*) AS n FROM sqlite_stat1 WHERE tbl = 'cases'",
            Some(_) => {
                "SELECT COUNT(*) AS n FROM pg_stats \
                 WHERE schemaname = current_schema() AND tablename = 'cases'"
            }
        };
        let mut c = db.connect();
        let rows = diesel::sql_query(sql)
            .get_result::<Count>(&mut c)
            .map(|c| c.n)
            .unwrap_or(0);
        assert!(rows > 0, "{}: no planner statistics after demo", db.name);
    }
}
