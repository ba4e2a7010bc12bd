//! End-to-end tests of the `gongkai` binary's `deadline`, `calendar` and `agency` commands.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn gongkai(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env_remove("GONGKAI_CALENDAR")
        .env_remove("GONGKAI_STATUTES")
        .output()
        .unwrap()
}

fn with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gongkai"))
        .args(args)
        .env_remove("GONGKAI_CALENDAR")
        .env_remove("GONGKAI_STATUTES")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("gongkai-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, content).unwrap();
    path
}

#[test]
fn deadline_prints_the_due_date_with_its_explanation() {
    let o = gongkai(&["deadline", "--received", "2026-01-30"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.contains("答复期限：2026-03-05（星期四）"), "{text}");
    assert!(
        text.contains("春节（2026-02-15 至 2026-02-23，跳过工作日 6 天）"),
        "{text}"
    );
    assert!(
        text.contains("2026-02-14（星期六）、2026-02-28（星期六）"),
        "{text}"
    );
}

#[test]
fn deadline_json_with_correction_pause_and_extension() {
    let o = gongkai(&[
        "deadline",
        "--received",
        "2022-09-01",
        "--corrected",
        "2022-09-20",
        "--pause",
        "2022-09-28:2022-10-12",
        "--extended",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["due"], "2022-11-29");
    assert_eq!(v["provisional"], false);
    assert_eq!(v["statute"], "cn-2019");
    assert_eq!(v["explanation"]["start_reason"], "correction");
    assert_eq!(v["explanation"]["extension_days"], 20);
}

#[test]
fn deadline_picks_the_2008_profile_by_receipt_date_unless_told() {
    let o = gongkai(&["deadline", "--received", "2019-04-30", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (v["due"].as_str(), v["statute"].as_str()),
        (Some("2019-05-23"), Some("cn-2008"))
    );
    let o = gongkai(&[
        "deadline",
        "--received",
        "2019-04-30",
        "--statute",
        "cn-2019",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["statute"], "cn-2019");
    let o = gongkai(&[
        "deadline",
        "--received",
        "2019-04-30",
        "--statute",
        "cn-1999",
    ]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("unknown statute profile \"cn-1999\" (known: cn-2019, cn-2008)"));
}

#[test]
fn deadline_counts_the_2008_to_2018_holidays_and_refuses_earlier_dates() {
    // 国发明电〔2015〕1号: 09-03–09-05 off, Sunday 09-06 worked; cn-2008, 15 working days.
    let o = gongkai(&["deadline", "--received", "2015-09-02", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        (
            v["due"].as_str(),
            v["statute"].as_str(),
            v["provisional"].as_bool()
        ),
        (Some("2015-09-24"), Some("cn-2008"), Some(false))
    );
    let o = gongkai(&["deadline", "--received", "2007-12-01"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("\"2007-12-01\" is before 2008: the Regulations on Open Government Information took effect on 2008-05-01"),
        "{}",
        stderr(&o)
    );
    let o = gongkai(&["deadline", "--received", "2008-04-30"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no statute profile applies to a request received on 2008-04-30: the earliest applies from 2008-05-01"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn deadline_beyond_the_calendar_is_marked_provisional() {
    let o = gongkai(&["deadline", "--received", "2026-12-10", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    // New Year's Day 2027 is skipped although the 2027 notice is not loaded (a fixed public
    // holiday); the date stays provisional.
    assert_eq!(v["due"], "2027-01-08");
    assert_eq!(v["provisional"], true);
    let text = stdout(&gongkai(&["deadline", "--received", "2026-12-10"]));
    assert!(
        text.contains("暂定：2027年的节假日安排尚未载入本系统"),
        "{text}"
    );
}

#[test]
fn deadline_refuses_bad_input_with_a_clear_message() {
    let o = gongkai(&["deadline", "--received", "2026-02-30"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("--received") && err.contains("\"2026-02-30\" is not a valid date"),
        "{err}"
    );

    let o = gongkai(&[
        "deadline",
        "--received",
        "2026-03-01",
        "--pause",
        "2026-03-10",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("expected FROM:TO"));

    let o = gongkai(&[
        "deadline",
        "--received",
        "2026-03-01",
        "--pause",
        "2026-03-10:2026-03-02",
    ]);
    assert!(stderr(&o).contains("ends before it starts"));

    let o = gongkai(&[
        "deadline",
        "--received",
        "2026-03-10",
        "--corrected",
        "2026-03-01",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--corrected 2026-03-01 is before --received 2026-03-10"));

    let o = gongkai(&["deadline"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn batch_answers_every_line_in_order_and_names_bad_ones() {
    let input = [
        r#"{"received":"2026-01-30"}"#,
        r#"{"received":"2026-01-30","corrected":"2026-02-05","pauses":[["2026-02-10","2026-02-20"]],"extended":true}"#,
        r#"{"received":"2026-02-30"}"#,
        r#"not json"#,
        r#"{"received":"2026-12-10"}"#,
        "",
        r#"{"received":"2026-03-01","pauses":[["2026-03-10","2026-03-02"]]}"#,
        r#"{"recieved":"2026-03-01"}"#,
        r#"{"received":"2019-04-30"}"#,
    ]
    .join("\n")
        + "\n";
    let o = with_stdin(&["deadline", "--batch", "-"], &input);
    assert_eq!(
        o.status.code(),
        Some(1),
        "a failed line makes the exit code non-zero"
    );
    assert!(stderr(&o).contains("5 of 9 lines failed"), "{}", stderr(&o));
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 9);
    assert_eq!(
        lines[0],
        serde_json::json!({"due": "2026-03-05", "provisional": false})
    );
    // Corrected 02-05: 20 + 20 days from there, minus the pause (02-10, 02-20].
    // Counted by hand: 02-06, 02-09, 02-10, [pause], 02-24 … 02-28 (make-up), March, 04-01 …
    // 04-03, [清明 04-04–04-06], 04-07 … 04-15.
    assert_eq!(lines[1]["due"], "2026-04-15");
    assert_eq!(lines[2]["line"], 3);
    assert!(
        lines[2]["error"]
            .as_str()
            .unwrap()
            .contains("received: \"2026-02-30\" is not a valid date")
    );
    assert_eq!(lines[3]["line"], 4);
    assert!(
        lines[3]["error"]
            .as_str()
            .unwrap()
            .starts_with("expected a JSON object")
    );
    assert_eq!(
        lines[4],
        serde_json::json!({"due": "2027-01-08", "provisional": true})
    );
    assert_eq!(lines[5]["line"], 6);
    assert!(
        lines[6]["error"]
            .as_str()
            .unwrap()
            .contains("pauses[0]: ends (2026-03-02) before it starts")
    );
    assert!(
        lines[7]["error"]
            .as_str()
            .unwrap()
            .contains("unknown field `recieved`")
    );
    assert_eq!(lines[8]["due"], "2019-05-23");
}

#[test]
fn batch_is_strict_about_its_input_and_clear_about_the_problem() {
    let long = format!(
        "{{\"received\":\"2026-01-30\",\"x\":\"{}\"}}",
        "a".repeat(70_000)
    );
    let input = [
        "\u{feff}{\"received\":\"2026-01-30\"}",
        r#"["2026-01-30","2026-02-05",[["2026-02-10","2026-02-20"]],true,"cn-2008"]"#,
        r#"{"received":"2026-01-30","pauses":null,"extended":null,"corrected":null}"#,
        r#"{"received":"2026-01-30","extended":"yes"}"#,
        &long,
        r#"{"received":"9999-12-31"}"#,
        r#"{"received":"2019-04-01","pauses":[["2019-04-03","2019-04-12"]]}"#,
        r#"{"received":"2019-04-01","pauses":[["2019-04-03","2019-04-12","third_party"]]}"#,
        r#"{"received":"2019-04-01","pauses":[["2019-04-03","2019-04-12","holiday"]]}"#,
        r#"{"received":"2008-04-30"}"#,
    ]
    .join("\n");
    let o = with_stdin(&["deadline", "--batch", "-"], &input);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 10, "{out}");
    // A byte-order mark at the start is not a problem.
    assert_eq!(lines[0], r#"{"due":"2026-03-05","provisional":false}"#);
    // One JSON object per line, nothing else; the line number comes first.
    assert!(
        lines[1].starts_with(r#"{"line":2,"error":"expected a JSON object"#),
        "{}",
        lines[1]
    );
    assert_eq!(lines[2], r#"{"due":"2026-03-05","provisional":false}"#);
    assert!(
        lines[3].contains("invalid type: string \\\"yes\\\", expected a boolean, at column"),
        "{}",
        lines[3]
    );
    assert!(!lines[3].contains("at line"), "{}", lines[3]);
    assert_eq!(
        lines[4],
        r#"{"line":5,"error":"line longer than 65536 bytes"}"#
    );
    assert!(
        lines[5].contains("outside the years gongkai counts (2008–2199)"),
        "{}",
        lines[5]
    );
    // cn-2008 excluded only third-party consultations: a pause of no kind changes nothing,
    // the same pause as a third-party consultation moves it by the 6 working days it covers
    // (04-04, 04-08 … 04-12; 04-28 is a make-up Sunday).
    let plain: serde_json::Value = serde_json::from_str(lines[6]).unwrap();
    let third: serde_json::Value = serde_json::from_str(lines[7]).unwrap();
    let none = gongkai(&["deadline", "--received", "2019-04-01", "--json"]);
    let none: serde_json::Value = serde_json::from_str(&stdout(&none)).unwrap();
    assert_eq!(plain["due"], none["due"]);
    assert_eq!(
        (none["due"].as_str(), third["due"].as_str()),
        (Some("2019-04-23"), Some("2019-04-30"))
    );
    assert!(
        lines[8].contains("pauses[0][2]: \\\"holiday\\\" is not a pause kind"),
        "{}",
        lines[8]
    );
    assert!(
        lines[9].contains("received: no statute profile applies"),
        "{}",
        lines[9]
    );
}

#[test]
fn batch_reads_a_file_and_succeeds_when_all_lines_do() {
    let path = temp_file(
        "batch.jsonl",
        "{\"received\":\"2025-09-30\"}\r\n{\"received\":\"2024-02-09\"}\n",
    );
    let o = gongkai(&["deadline", "--batch", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\"due\":\"2025-11-04\",\"provisional\":false}\n{\"due\":\"2024-03-14\",\"provisional\":false}\n"
    );
    let o = gongkai(&["deadline", "--batch", "/nonexistent/batch.jsonl"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot open /nonexistent/batch.jsonl"));
}

#[test]
fn calendar_check_accepts_the_shipped_file() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/config/calendars/cn.toml");
    let o = gongkai(&["calendar", "check", file]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("OK — 19 years (2008–2026)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn calendar_check_lists_every_problem_with_file_year_and_entry() {
    let path = temp_file(
        "bad-calendar.toml",
        r#"[[year]]
year = 2027
holidays = [
  { name = "元旦", from = "2027-01-01" },
  { name = "春节", from = "2027-02-06", to = "2027-02-31" },
  { name = "清明", from = "2028-04-05" },
]
makeup = ["2027-01-01", "2027-02-20", "2027-02-20"]
"#,
    );
    let o = gongkai(&["calendar", "check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let file = path.display().to_string();
    assert!(
        err.contains(&format!(
            "{file}: year 2027, holiday \"春节\" to: \"2027-02-31\" is not a valid date"
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{file}: year 2027, holiday \"清明\": 2028-04-05 lies outside 2027"
        )),
        "{err}"
    );
    assert!(err.contains("makeup \"2027-01-01\": 2027-01-01 is both a make-up working day and a day of holiday \"元旦\""), "{err}");
    assert!(
        err.contains("makeup \"2027-02-20\": 2027-02-20 is listed twice"),
        "{err}"
    );
}

#[test]
fn calendar_show_prints_a_year_and_refuses_an_unknown_one() {
    let o = gongkai(&["calendar", "show", "2020"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("  春节        2020-01-24（星期五）至 2020-02-02（星期日），共 10 天"),
        "{text}"
    );
    assert!(text.contains("原定2月1日调休上班取消"), "{text}");
    assert!(text.contains("全年工作日：249 天"), "{text}");

    let toml = stdout(&gongkai(&["calendar", "show", "2026", "--toml"]));
    assert!(
        toml.contains("{ name = \"春节\", from = \"2026-02-15\", to = \"2026-02-23\" }"),
        "{toml}"
    );

    let o = gongkai(&["calendar", "show", "2027"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("2027 is not in the calendar (covered years: 2008–2026)"));

    // The cn-2008 years are shipped, each with its notice.
    let o = gongkai(&["calendar", "show", "2010"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    assert!(
        text.contains("依据：国务院办公厅关于2010年部分节假日安排的通知（国办发明电〔2009〕27号）"),
        "{text}"
    );
    assert!(
        text.contains(
            "  春节        2010-02-13（星期六）至 2010-02-19（星期五），共 7 天，其中原工作日 5 天"
        ),
        "{text}"
    );
    assert!(text.contains("  2010-09-19（星期日）"), "{text}");
    assert!(text.contains("全年工作日：250 天"), "{text}");
    let o = gongkai(&["calendar", "show", "2015"]);
    assert!(
        stdout(&o)
            .contains("抗战胜利70周年纪念日 2015-09-03（星期四）至 2015-09-05（星期六），共 3 天"),
        "{}",
        stdout(&o)
    );

    // Before the Regulations: a clear refusal, not a weekend-only calendar.
    let o = gongkai(&["calendar", "show", "2007"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("2007 is before 2008 (covered years: 2008–2026): the Regulations on Open Government Information took effect on 2008-05-01"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_loaded_2027_calendar_makes_2027_dates_final() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/config/calendars/cn.toml");
    let mut text = std::fs::read_to_string(file).unwrap();
    // A hypothetical 2027 notice with New Year's Day on Friday 01-01.
    text.push_str("\n[[year]]\nyear = 2027\nholidays = [{ name = \"元旦\", from = \"2027-01-01\" }]\nmakeup = []\n");
    let path = temp_file("with-2027.toml", &text);
    let o = gongkai(&[
        "--calendar",
        path.to_str().unwrap(),
        "deadline",
        "--received",
        "2026-12-10",
        "--json",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        v["due"], "2027-01-08",
        "01-01 was skipped already; now by the notice"
    );
    assert_eq!(v["provisional"], false);

    let o = gongkai(&[
        "--calendar",
        "/nonexistent.toml",
        "deadline",
        "--received",
        "2026-01-30",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cannot read /nonexistent.toml"));
}

/// `gongkai agency create` makes the first agency of a scripted install (the prefix defaults
/// to the code's letters); bad input is refused with the flag named and a non-zero exit, and
/// nothing is stored.
#[test]
fn agency_create_makes_an_agency_and_names_the_flag_of_bad_input() {
    use support::Binary;
    for db in support::databases("cli-agency") {
        let ok = db.run(&[
            "agency",
            "create",
            "--code",
            "bj-gk",
            "--name",
            "某市人民政府",
        ]);
        assert!(ok.status.success(), "{}: {}", db.name, stderr(&ok));
        assert!(
            stdout(&ok).contains("created agency bj-gk (某市人民政府); tracking numbers BJGK-")
        );
        let mut c = db.connect();
        let all = gongkai_store::accounts::agencies(&mut c).unwrap();
        assert_eq!(all.len(), 1, "{}", db.name);
        assert_eq!(
            (all[0].name.as_str(), all[0].tracking_prefix.as_str()),
            ("某市人民政府", "BJGK")
        );

        for (args, says) in [
            (
                vec!["--code", "BJ GK", "--name", "某区人民政府"],
                "--code: 代码为 2—32 位小写字母、数字或连字符",
            ),
            (vec!["--code", "qx", "--name", " "], "--name: 不能为空"),
            (
                vec!["--code", "qx", "--name", "某区人民政府", "--prefix", "qx1"],
                "--prefix: 编号前缀为 1—8 位大写字母",
            ),
            (
                vec!["--code", "qx", "--name", "某区人民政府", "--prefix", "BJGK"],
                "--prefix: 编号前缀“BJGK”已由行政机关“bj-gk”使用",
            ),
            (
                vec![
                    "--code",
                    "bj-gk",
                    "--name",
                    "某区人民政府",
                    "--prefix",
                    "QX",
                ],
                "--code: 行政机关代码“bj-gk”已存在",
            ),
        ] {
            let mut all = vec!["agency", "create"];
            all.extend(args.iter().copied());
            let o = db.run(&all);
            assert!(!o.status.success(), "{}: {args:?}", db.name);
            assert!(
                stderr(&o).contains(says),
                "{}: {args:?}: {}",
                db.name,
                stderr(&o)
            );
        }
        let all = gongkai_store::accounts::agencies(&mut c).unwrap();
        assert_eq!(all.len(), 1, "{}", db.name);
    }
}
