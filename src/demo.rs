//! `gongkai demo --cases N [--seed S]`: fills a database with realistic cases spread over
//! 2019–2026, across agencies, departments, states and outcomes. Every command is decided by the
//! workflow as `store::execute` decides it, and written by the bulk loader (`store::bulk`): the
//! same events, hash chains and rows as real use would produce, written many cases at a time.

use std::collections::BTreeMap;
use std::process::ExitCode;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use clap::Args;
use gongkai_store::bulk::{Batch, Bulk, BulkCase, SetAside};
use gongkai_store::db::DbConnection;
use gongkai_store::{StoreError, accounts, migrations};
use gongkai_workflow::clock::legal_date;
use gongkai_workflow::model::{
    Applicant, ApplicantType, Carrier, ConsultationKind, Delivery, FeeMethod, IdDocumentType,
    NotHeld, Opinion, ReasonsAssessment, Receive, Reply, RequestDetails, SecrecyConclusion,
    credit_code_check, resident_id_check,
};
use gongkai_workflow::outcome::{
    CannotProvideGround as C, NotDisclosedGround as N, NotProcessedGround as P, OtherGround,
};
use gongkai_workflow::{Actor, Channel, Command, Context, Outcome, Role};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::config::Config;
use crate::{Law, database};

#[derive(Args)]
pub struct DemoArgs {
    /// How many cases to create.
    #[arg(long)]
    cases: u64,
    /// Seed of the random choices: the same seed gives the same cases.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Cases written per transaction (each command is still decided as `execute` decides it);
    /// a batch of 10,000 holds about 150 MB.
    #[arg(long, default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..=50_000))]
    batch: u64,
}

/// Agencies and their departments: (code, name, tracking prefix, [(code, name)]); the first
/// department of each is its OGI office, which takes requests in.
/// (code, name, tracking prefix, departments as (code, name)).
type Org = (
    &'static str,
    &'static str,
    &'static str,
    [(&'static str, &'static str); 3],
);

const ORGS: [Org; 3] = [
    (
        "bj-cy",
        "北京市朝阳区人民政府",
        "CY",
        [
            ("bj-cy-gkb", "区政府办公室政务公开办"),
            ("bj-cy-zjw", "区住房和城乡建设委员会"),
            ("bj-cy-ghzy", "区规划和自然资源分局"),
        ],
    ),
    (
        "bj-hd",
        "北京市海淀区人民政府",
        "HD",
        [
            ("bj-hd-gkb", "区政府办公室政务公开办"),
            ("bj-hd-jw", "区教育委员会"),
            ("bj-hd-sthj", "区生态环境局"),
        ],
    ),
    (
        "bj-fgw",
        "北京市发展和改革委员会",
        "FGW",
        [
            ("bj-fgw-bgs", "办公室（政务公开）"),
            ("bj-fgw-tzc", "固定资产投资处"),
            ("bj-fgw-jgc", "价格管理处"),
        ],
    ),
];

/// Requests are made of a year, a place and a subject, and now and then a project number, so
/// that search and frequent-request detection meet a realistic spread: many distinct requests,
/// and the same request asked by several people.
const PLACES: [&str; 24] = [
    "朝阳区",
    "海淀区",
    "东城区",
    "西城区",
    "丰台区",
    "石景山区",
    "通州区",
    "顺义区",
    "望京街道",
    "建外街道",
    "中关村街道",
    "学院路街道",
    "和平里街道",
    "什刹海街道",
    "卢沟桥街道",
    "八宝山街道",
    "潞城镇",
    "后沙峪镇",
    "亦庄地区",
    "回龙观地区",
    "天通苑地区",
    "大兴国际机场临空区",
    "城市副中心",
    "首钢园区",
];

const SUBJECTS: [&str; 24] = [
    "老旧小区综合整治项目清单及资金安排",
    "国有土地使用权出让合同及规划条件",
    "义务教育阶段学校划片方案及依据",
    "建设项目环境影响评价文件及批复",
    "部门预算及“三公”经费执行情况",
    "道路拓宽工程征收补偿方案",
    "城市更新项目立项批复及可行性研究报告",
    "居民水电气价格调整听证会记录",
    "棚户区改造安置房分配方案",
    "违法建设拆除决定书及执法依据",
    "公共租赁住房配租结果",
    "农村集体土地征收批复文件",
    "垃圾分类处理设施建设规划",
    "养老服务机构补贴发放明细",
    "轨道交通站点周边控制性详细规划",
    "河道治理工程招标文件及中标结果",
    "食品安全监督抽检结果",
    "行政处罚决定书",
    "停车设施建设运营补贴政策",
    "供暖价格成本监审报告",
    "医疗机构设置规划",
    "工业用地租金标准",
    "历史文化街区保护规划",
    "政府购买服务项目合同",
];

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];

const GIVEN: [&str; 30] = [
    "小明", "娜", "伟", "洋", "静", "帆", "磊", "敏", "杰", "芳", "秀英", "建国", "海燕", "志强",
    "丽", "军", "桂兰", "浩", "子涵", "雨轩", "建华", "玉梅", "晨", "思远", "欣怡", "国庆", "婷",
    "鹏", "佳琪", "文博",
];

/// The agencies, their departments and their staff (three clerks and a chief per department,
/// without passwords: they exist so that assignments name real users). Returns the staff's
/// user ids by username.
fn ensure_orgs(conn: &mut DbConnection) -> anyhow::Result<BTreeMap<String, String>> {
    let existing: Vec<String> = accounts::agencies(conn)?
        .into_iter()
        .map(|a| a.code)
        .collect();
    for (code, name, prefix, departments) in ORGS {
        if existing.iter().any(|e| e == code) {
            continue;
        }
        accounts::create_agency(conn, code, name, prefix)?;
        for (i, (dcode, dname)) in departments.iter().enumerate() {
            accounts::create_department(conn, code, dcode, dname, None, i == 0)?;
        }
    }
    let mut staff: BTreeMap<String, String> = accounts::list_users(conn)?
        .into_iter()
        .map(|u| (u.username, u.id))
        .collect();
    for (_, _, _, departments) in ORGS {
        let intake = departments[0].0;
        for (dcode, _) in departments {
            let people = (1..=3)
                .map(|n| (format!("{dcode}-clerk{n}"), Role::Clerk))
                .chain([(format!("{dcode}-chief"), Role::Supervisor)]);
            for (username, role) in people {
                if staff.contains_key(&username) {
                    continue;
                }
                let user = accounts::create_user(
                    conn,
                    &username,
                    &username,
                    role,
                    None,
                    &[intake, dcode],
                )?;
                staff.insert(username, user.id);
            }
        }
    }
    Ok(staff)
}

/// 10:00 in Beijing on `day`.
fn at(day: NaiveDate) -> DateTime<Utc> {
    let t = day.and_hms_opt(2, 0, 0).unwrap_or_default();
    Utc.from_utc_datetime(&t)
}

struct CaseRun<'a> {
    bulk: &'a mut Bulk,
    case: BulkCase,
    law: &'a Law,
    today: NaiveDate,
    rejected: &'a mut BTreeMap<String, u64>,
}

impl CaseRun<'_> {
    /// Executes `cmd` as `actor` on `day`; false when the day is still to come or the command
    /// was refused (the case then stays where it is).
    fn step(&mut self, day: NaiveDate, actor: &Actor, cmd: Command) -> anyhow::Result<bool> {
        if day > self.today {
            return Ok(false);
        }
        let ctx = Context {
            now: at(day),
            actor: actor.clone(),
            calendar: &self.law.calendar,
            statute: &self.law.statute,
        };
        match self.bulk.execute(&mut self.case, cmd, &ctx) {
            Ok(()) => Ok(true),
            Err(StoreError::Rejected(r)) => {
                *self.rejected.entry(r.code.as_str().to_owned()).or_default() += 1;
                Ok(false)
            }
            Err(e) => Err(e.into()),
        }
    }

    fn add(&self, day: NaiveDate, n: u32) -> NaiveDate {
        self.law.calendar.add_working_days(day, n).0
    }
}

fn pick_outcome(rng: &mut StdRng) -> Outcome {
    let nd = [
        N::StateSecret,
        N::ForbiddenByLaw,
        N::Security,
        N::ThirdPartyRights,
        N::InternalAffairs,
        N::ProcessInformation,
        N::EnforcementFile,
        N::AdministrativeQuery,
    ];
    let np = [
        P::Petition,
        P::Repeated,
        P::Publication,
        P::Excessive,
        P::Confirmation,
    ];
    match rng.random_range(0..100) {
        0..40 => Outcome::Disclosed,
        40..55 => Outcome::PartlyDisclosed,
        55..65 => Outcome::NotDisclosed(nd[rng.random_range(0..nd.len())]),
        65..77 => Outcome::CannotProvide(C::NotHeld),
        77..83 => Outcome::CannotProvide(C::WouldNeedCreating),
        83..85 => Outcome::CannotProvide(C::StillUnclear),
        85..97 => Outcome::NotProcessed(np[rng.random_range(0..np.len())]),
        _ => Outcome::Other(OtherGround::Other),
    }
}

fn one_case(
    bulk: &mut Bulk,
    staff: &BTreeMap<String, String>,
    law: &Law,
    rng: &mut StdRng,
    today: NaiveDate,
    rejected: &mut BTreeMap<String, u64>,
) -> anyhow::Result<()> {
    let (agency, _, _, departments) = ORGS[rng.random_range(0..ORGS.len())];
    let intake = departments[0].0;
    let department = departments[rng.random_range(0..departments.len())].0;
    let id = |username: String| staff.get(&username).cloned().unwrap_or(username);
    let clerk = Actor::staff(
        id(format!("{department}-clerk{}", rng.random_range(1..=3))),
        Role::Clerk,
        &[intake, department],
    );
    let chief = Actor::staff(
        id(format!("{department}-chief")),
        Role::Supervisor,
        &[intake, department],
    );
    let first = NaiveDate::from_ymd_opt(2019, 1, 2).unwrap_or_default();
    let span = (today - first).num_days().max(1);
    let day = first + chrono::Duration::days(rng.random_range(0..span));
    // The next working day on or after `day`.
    let received = law
        .calendar
        .add_working_days(day.pred_opt().unwrap_or(day), 1)
        .0
        .min(today);
    let channel = match rng.random_range(0..100) {
        0..50 => Channel::Online,
        50..65 => Channel::InPerson,
        65..80 => Channel::RegisteredPost,
        80..85 => Channel::OrdinaryPost,
        85..95 => Channel::Email,
        _ => Channel::Fax,
    };
    let kind = match rng.random_range(0..100) {
        0..75 => ApplicantType::NaturalPerson,
        75..85 => ApplicantType::Commercial,
        85..89 => ApplicantType::Research,
        89..93 => ApplicantType::PublicInterest,
        93..97 => ApplicantType::LegalService,
        _ => ApplicantType::OtherOrganisation,
    };
    let person = format!(
        "{}{}",
        SURNAMES[rng.random_range(0..SURNAMES.len())],
        GIVEN[rng.random_range(0..GIVEN.len())]
    );
    let name = match kind {
        ApplicantType::NaturalPerson => person.clone(),
        ApplicantType::LegalService => format!("北京{person}律师事务所"),
        ApplicantType::Research => format!("{person}城市研究院"),
        _ => format!("北京{person}科技有限公司"),
    };
    let applicant_actor = Actor::new(
        format!("demo-applicant-{}", rng.random_range(0..5000)),
        Role::Applicant,
    );
    let (filer, receipt_date) = if channel == Channel::Online {
        (applicant_actor.clone(), None)
    } else {
        (clerk.clone(), Some(received))
    };
    let ctx = Context {
        now: at(received),
        actor: filer,
        calendar: &law.calendar,
        statute: &law.statute,
    };
    // Numbers that pass the online form's checks (GB 11643 / GB 32100 check characters).
    let (id_type, id_number) = if kind == ApplicantType::NaturalPerson {
        let first17 = format!(
            "11010519{:02}0{}{:02}{:03}",
            rng.random_range(50..100),
            rng.random_range(1..10),
            rng.random_range(1..29),
            rng.random_range(0..1000)
        );
        let check = resident_id_check(&first17).unwrap_or('X');
        (IdDocumentType::ResidentId, format!("{first17}{check}"))
    } else {
        let first17 = format!("91110105MA{:07}", rng.random_range(0..10_000_000));
        let check = credit_code_check(&first17).unwrap_or('0');
        (IdDocumentType::CreditCode, format!("{first17}{check}"))
    };
    let case = bulk.receive(
        Receive {
            channel,
            agency: agency.to_owned(),
            department: intake.to_owned(),
            applicant: Applicant {
                kind: Some(kind),
                name,
                id_document_type: Some(id_type),
                id_document: Some(id_number),
                phone: Some(format!("138{:08}", rng.random_range(0..100_000_000))),
                email: Some(format!(
                    "applicant{}@example.cn",
                    rng.random_range(0..100_000)
                )),
                address: Some("北京市朝阳区建国路1号".to_owned()),
            },
            request: RequestDetails {
                description: {
                    let mut d = format!(
                        "{}年{}{}",
                        rng.random_range(2018..=received.year()),
                        PLACES[rng.random_range(0..PLACES.len())],
                        SUBJECTS[rng.random_range(0..SUBJECTS.len())]
                    );
                    if rng.random_bool(0.3) {
                        d.push_str(&format!("（项目编号 {}）", rng.random_range(1000..100_000)));
                    }
                    d
                },
                document_number: None,
                carrier: Carrier::Electronic,
                delivery: Delivery::Email,
            },
            receipt_date,
        },
        &ctx,
    )?;
    let mut run = CaseRun {
        bulk,
        case,
        law,
        today,
        rejected,
    };
    // Every path through the procedure ends here, however far the case got.
    let result = work(&mut run, rng, received, department, &clerk, &chief);
    let CaseRun { bulk, case, .. } = run;
    bulk.finish(case);
    result
}

/// The case's way after its receipt: registration, assignment, processing and what may come
/// of it, to the archive; it stops where a step is refused or lies in the future.
fn work(
    run: &mut CaseRun<'_>,
    rng: &mut StdRng,
    received: NaiveDate,
    department: &str,
    clerk: &Actor,
    chief: &Actor,
) -> anyhow::Result<()> {
    let register = Command::Register {
        tracking_number: String::new(),
        department: Some(department.to_owned()),
        receipt_date: None,
    };
    if !run.step(received, clerk, register)? {
        return Ok(());
    }
    let assign = Command::Assign {
        department: None,
        assignee: Some(clerk.id.clone()),
    };
    if !run.step(received, chief, assign)? {
        return Ok(());
    }
    let mut d = run.add(received, 1);
    if !run.step(d, clerk, Command::StartProcessing)? {
        return Ok(());
    }
    let roll = rng.random_range(0..100);
    if roll < 3 {
        let withdraw = Command::Withdraw {
            reason: Some("申请人已通过其他途径获取".to_owned()),
            withdrawn_on: None,
        };
        run.step(run.add(d, 3), clerk, withdraw)?;
        return Ok(());
    }
    let corrected = (3..8).contains(&roll);
    if corrected {
        d = run.add(d, 1);
        let items = vec!["请明确所需信息的具体名称或文号".to_owned()];
        let ask = Command::RequestCorrection {
            items,
            period_days: Some(10),
        };
        if !run.step(d, clerk, ask)? {
            return Ok(());
        }
        if rng.random_bool(0.3) {
            run.step(run.add(d, 11), clerk, Command::Abandon)?;
            return Ok(());
        }
        d = run.add(d, 5);
        let corrected = Command::ReceiveCorrection {
            content: "所需信息为2025年度项目清单（含资金安排）".to_owned(),
            received_on: None,
            late_reason: None,
        };
        if !run.step(d, clerk, corrected)? {
            return Ok(());
        }
        d = run.add(d, 1);
        if !run.step(d, clerk, Command::StartProcessing)? {
            return Ok(());
        }
    }
    let mut objected = false;
    if (8..16).contains(&roll) || (16..20).contains(&roll) {
        let kind = if roll < 16 {
            ConsultationKind::ThirdParty
        } else {
            ConsultationKind::OtherAgency
        };
        d = run.add(d, 2);
        let start = Command::StartConsultation {
            kind,
            party: "北京华宇建筑工程有限公司".to_owned(),
            letter_date: None,
            sent_by: None,
        };
        if !run.step(d, clerk, start)? {
            return Ok(());
        }
        d = run.add(d, rng.random_range(3..12));
        let opinion = if rng.random_bool(0.5) {
            Opinion::Consent
        } else {
            objected = kind == ConsultationKind::ThirdParty;
            Opinion::Objection
        };
        let end = Command::EndConsultation {
            consultation: 1,
            opinion,
            ended_on: None,
        };
        if !run.step(d, clerk, end)? {
            return Ok(());
        }
    }
    // Fees exist from 2021 (国办函〔2020〕109号).
    if (20..22).contains(&roll) && d.year() >= 2021 {
        d = run.add(d, 2);
        let notice = Command::IssueFeeNotice {
            fee: FeeMethod::PerPage { pages: 150 },
            sent_by: None,
        };
        if !run.step(d, clerk, notice)? {
            return Ok(());
        }
        if rng.random_bool(0.2) {
            run.step(run.add(d, 21), clerk, Command::CloseUnpaid)?;
            return Ok(());
        }
        d = run.add(d, 6);
        if !run.step(d, clerk, Command::RecordPayment { paid_on: None })? {
            return Ok(());
        }
    }
    if (22..27).contains(&roll) {
        let ask = Command::RequestExtension {
            reason: "需要调取多年档案，无法在法定期限内答复".to_owned(),
            days: None,
        };
        if !run.step(run.add(d, 12), clerk, ask)? {
            return Ok(());
        }
        d = run.add(d, 13);
        if !run.step(d, chief, Command::ApproveExtension)? {
            return Ok(());
        }
    }
    let mut outcome = pick_outcome(rng);
    if outcome == Outcome::CannotProvide(C::StillUnclear) && !corrected {
        outcome = Outcome::CannotProvide(C::WouldNeedCreating);
    }
    let competent = (outcome == Outcome::CannotProvide(C::NotHeld) && rng.random_bool(0.4))
        .then(|| "北京市规划和自然资源委员会".to_owned());
    let not_held =
        (outcome == Outcome::CannotProvide(C::NotHeld)).then_some(if competent.is_some() {
            NotHeld::NotThisAgency
        } else {
            NotHeld::NotExist
        });
    // Art. 35: requests not processed as excessive are first asked for their reasons, and the
    // reasons found unreasonable.
    if outcome == Outcome::NotProcessed(P::Excessive) {
        d = run.add(d, 1);
        let ask = Command::RequestReasons {
            grounds: "申请人一年内就同一事项提出申请二十余次".to_owned(),
            period_days: None,
            sent_by: None,
        };
        if !run.step(d, clerk, ask)? {
            return Ok(());
        }
        d = run.add(d, rng.random_range(5..15));
        let assess = Command::RecordReasons {
            assessment: ReasonsAssessment::Unreasonable,
            note: "申请人未说明理由".to_owned(),
        };
        if !run.step(d, clerk, assess)? {
            return Ok(());
        }
    }
    // Art. 32: information disclosed over a third party's objection says why.
    let disclosure = (objected && matches!(outcome, Outcome::Disclosed | Outcome::PartlyDisclosed))
        .then(|| "该信息涉及公共资金使用，不公开可能对公共利益造成重大影响".to_owned());
    d = run.add(d, rng.random_range(2..10));
    let draft = Command::DraftReply {
        reply: Reply {
            outcome,
            text: format!("经审查，{}。", outcome.label_zh()),
            competent_agency: competent,
            not_held,
            competent_agency_contact: None,
            disclosure,
            release: demo_release(outcome),
        },
    };
    if !run.step(d, clerk, draft)? {
        return Ok(());
    }
    // A release is reviewed for secrecy (保密审查) by the chief before it may be approved.
    if !demo_release(outcome).is_empty() {
        let review = Command::RecordSecrecyReview {
            conclusion: SecrecyConclusion::MayDisclose,
            basis: "经审查，所提供信息不涉及国家秘密、商业秘密和个人隐私".to_owned(),
            reviewed_on: None,
        };
        if !run.step(d, chief, review)? {
            return Ok(());
        }
    }
    if !run.step(d, clerk, Command::SubmitForReview)? {
        return Ok(());
    }
    if rng.random_bool(0.05) {
        d = run.add(d, 1);
        let back = Command::ReturnReply {
            reason: "请补充法律依据".to_owned(),
        };
        if !run.step(d, chief, back)? || !run.step(d, clerk, Command::SubmitForReview)? {
            return Ok(());
        }
    }
    // Now and then a reply is late, and the breach is recorded.
    d = if rng.random_bool(0.03) {
        run.add(d, 25)
    } else {
        run.add(d, 1)
    };
    if !run.step(d, chief, Command::ApproveReply)? {
        return Ok(());
    }
    d = run.add(d, 1);
    let deliver = Command::RecordDelivery {
        method: Delivery::Email,
        delivered_on: None,
    };
    if !run.step(d, clerk, deliver)? {
        return Ok(());
    }
    run.step(run.add(d, 5), clerk, Command::Archive)?;
    Ok(())
}

pub fn run(args: &DemoArgs, config: &Config, law: &Law) -> anyhow::Result<ExitCode> {
    let (url, mut conn) = database::open(config)?;
    migrations::run_pending(&mut conn)?;
    let staff = ensure_orgs(&mut conn)?;
    let today = legal_date(Utc::now());
    let mut rng = StdRng::seed_from_u64(args.seed);
    let mut rejected = BTreeMap::new();
    let bar = database::progress(args.cases, "creating cases")?;
    let mut bulk = Bulk::new(&mut conn)?;
    gongkai_store::bulk::prepare_connection(&mut conn)?;
    let started = std::time::Instant::now();
    // Into an empty database, the indexes are built once at the end rather than row by row.
    let set_aside = SetAside::drop_for_load(&mut conn)?;
    // Two threads, one per core: this one decides the commands and plans their rows, the
    // writer writes the batches, one transaction each, while the next is made. Two batches
    // wait at most; a failed write stops the load (the batches before it stay written).
    let (send, batches) = std::sync::mpsc::sync_channel::<Batch>(2);
    let loaded = std::thread::scope(|scope| -> anyhow::Result<()> {
        let writer = scope.spawn(|| -> anyhow::Result<()> {
            for batch in batches {
                bar.inc(batch.write(&mut conn)?);
            }
            Ok(())
        });
        let mut made = 0;
        let made_all = (|| -> anyhow::Result<()> {
            while made < args.cases {
                one_case(&mut bulk, &staff, law, &mut rng, today, &mut rejected)?;
                made += 1;
                if bulk.pending() as u64 >= args.batch || made == args.cases {
                    // A closed channel means the writer stopped: its error is the one to tell.
                    if send.send(bulk.take()).is_err() {
                        break;
                    }
                }
            }
            Ok(())
        })();
        drop(send);
        let written = writer
            .join()
            .map_err(|_| anyhow::anyhow!("the writer thread panicked"))?;
        written.and(made_all)
    });
    bar.finish_and_clear();
    if let Err(e) = loaded {
        // What was written stays; the indexes are made again over it before the error is told.
        set_aside.restore(&mut conn)?;
        return Err(e);
    }
    let indexed = (!set_aside.is_empty()).then(|| {
        eprintln!(
            "building the {} indexes set aside during the load…",
            set_aside.len()
        );
        std::time::Instant::now()
    });
    set_aside.restore(&mut conn)?;
    let indexing = indexed.map(|at| at.elapsed().as_secs_f64());
    gongkai_store::bulk::finish_connection(&mut conn)?;
    let seconds = started.elapsed().as_secs_f64();
    // Planner statistics for what was just written (without them SQLite planned a
    // 1,000,000-case database as if it were empty).
    let analysing = std::time::Instant::now();
    gongkai_store::db::analyze(&mut conn)?;
    let indexes = indexing
        .map(|s| format!(", of which {s:.1} s building the indexes"))
        .unwrap_or_default();
    println!(
        "{}: created {} case(s) across {} agencies in {seconds:.1} s ({:.0} cases/s{indexes}); \
         planner statistics gathered in {:.1} s",
        url.redacted(),
        args.cases,
        ORGS.len(),
        args.cases as f64 / seconds.max(0.001),
        analysing.elapsed().as_secs_f64()
    );
    if !rejected.is_empty() {
        // Some generated steps hit a rule (e.g. a reply approved after the extension request
        // became moot); the case stays where it was, as it would in real use.
        let list: Vec<String> = rejected.iter().map(|(k, v)| format!("{k} × {v}")).collect();
        println!("steps refused by the workflow: {}", list.join(", "));
    }
    Ok(ExitCode::SUCCESS)
}

/// The demo's release for a disclosing reply: the documents provided on paper (the demo
/// uploads no files), or a pointer to where they are published.
fn demo_release(outcome: Outcome) -> Vec<gongkai_workflow::model::ReleaseItem> {
    use gongkai_workflow::model::{ReleaseForm, ReleaseItem};
    match outcome {
        Outcome::Disclosed => vec![ReleaseItem::Published {
            title: "所申请的政府信息".to_owned(),
            location: "本机关门户网站“政府信息公开”专栏".to_owned(),
            link: None,
        }],
        Outcome::PartlyDisclosed => vec![ReleaseItem::Document {
            title: "所申请政府信息中可以公开的部分".to_owned(),
            document_number: None,
            pages: Some(2),
            form: ReleaseForm::Paper,
            file: None,
        }],
        _ => Vec::new(),
    }
}
