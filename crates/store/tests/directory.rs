//! The directory: what it holds, and that it loads in the same few statements however many
//! agencies, departments and users there are.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gongkai_store::db::QueryCount;
use gongkai_store::{accounts, directory};
use gongkai_testkit::{AGENCY, HOUSING, INTAKE, databases};
use gongkai_workflow::Role;

#[test]
fn directory_holds_agencies_departments_and_members_with_their_scope() {
    for db in databases("directory_contents") {
        let mut c = db.seeded();
        let clerk = accounts::create_user(&mut c, "zhangwei", "张伟", Role::Clerk, None, &[INTAKE])
            .unwrap();
        let boss = accounts::create_user(
            &mut c,
            "liuyang",
            "刘洋",
            Role::Supervisor,
            None,
            &[HOUSING, INTAKE],
        )
        .unwrap();
        let admin =
            accounts::create_user(&mut c, "admin", "管理员", Role::Admin, None, &[]).unwrap();
        accounts::set_disabled(&mut c, &clerk.id, true).unwrap();

        let dir = directory::load(&mut c).unwrap();
        assert_eq!(dir.agencies.len(), 1, "{}", db.name);
        assert_eq!(dir.agencies[0].code, AGENCY);
        let codes: Vec<&str> = dir
            .departments_of(AGENCY)
            .map(|d| d.code.as_str())
            .collect();
        assert_eq!(codes, [INTAKE, HOUSING], "{}", db.name);
        assert_eq!(dir.department_name(HOUSING), "区住房和城乡建设委员会");
        assert_eq!(dir.department_name("nowhere"), "nowhere");

        let usernames: Vec<&str> = dir.members.iter().map(|m| m.username.as_str()).collect();
        assert_eq!(usernames, ["admin", "liuyang", "zhangwei"], "{}", db.name);
        let b = dir.member(&boss.id).unwrap();
        assert_eq!(b.role, Role::Supervisor);
        assert_eq!(b.departments, [INTAKE, HOUSING], "sorted by code");
        assert_eq!(
            b.actor(),
            accounts::actor_for(&mut c, &boss).unwrap(),
            "{}",
            db.name
        );
        assert!(b.is_active_staff());
        let z = dir.member(&clerk.id).unwrap();
        assert!(z.disabled && !z.is_active_staff());
        let a = dir.member(&admin.id).unwrap();
        assert!(a.departments.is_empty() && !a.is_active_staff());
        assert_eq!(dir.member_name(&boss.id), "刘洋");
        assert_eq!(dir.member_name("unknown-id"), "unknown-id");
    }
}

#[test]
fn directory_loads_in_three_statements_whatever_its_size() {
    for db in databases("directory_bounded") {
        let mut c = db.seeded();
        let small = QueryCount::install(&mut c);
        directory::load(&mut c).unwrap();
        let few = small.get();
        assert!(few <= 3, "{}: {:#?}", db.name, small.statements());
        QueryCount::uninstall(&mut c);

        for a in 0..4 {
            let agency = format!("a{a}");
            accounts::create_agency(&mut c, &agency, &format!("机关{a}"), &format!("P{a}"))
                .unwrap();
            for d in 0..5 {
                let code = format!("{agency}-d{d}");
                accounts::create_department(
                    &mut c,
                    &agency,
                    &code,
                    &format!("科室{d}"),
                    None,
                    false,
                )
                .unwrap();
                for u in 0..3 {
                    accounts::create_user(
                        &mut c,
                        &format!("{code}-u{u}"),
                        &format!("用户{u}"),
                        Role::Clerk,
                        None,
                        &[&code, INTAKE],
                    )
                    .unwrap();
                }
            }
        }

        let large = QueryCount::install(&mut c);
        let dir = directory::load(&mut c).unwrap();
        assert_eq!(large.get(), few, "{}: {:#?}", db.name, large.statements());
        assert_eq!(dir.agencies.len(), 5);
        assert_eq!(dir.departments.len(), 22);
        assert_eq!(dir.members.len(), 60);
        assert!(dir.members.iter().all(|m| m.departments.len() == 2));
    }
}
