//! Accounts, sessions and sign-in attempts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use gongkai_store::db::DbConnection;
use gongkai_store::{StoreError, accounts, migrations};
use gongkai_testkit::*;
use gongkai_workflow::Role;

#[test]
fn accounts_users_departments_and_login_counters() {
    for db in databases("accounts") {
        let mut c = db.seeded();
        let u = accounts::create_user(
            &mut c,
            "zhangwei",
            "张伟",
            Role::Clerk,
            Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"),
            &[INTAKE],
        )
        .unwrap();
        let err =
            accounts::create_user(&mut c, "zhangwei", "张伟", Role::Clerk, None, &[]).unwrap_err();
        assert!(
            matches!(&err, gongkai_store::StoreError::Duplicate { field: "username", message }
                if message.contains("zhangwei")),
            "{}: {err}",
            db.name
        );
        let err = accounts::create_user(&mut c, "nobody", "某人", Role::Clerk, None, &["no-dept"])
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{}: {err}", db.name);
        assert!(
            accounts::user_by_username(&mut c, "nobody")
                .unwrap()
                .is_none(),
            "rolled back"
        );

        let found = accounts::user_by_username(&mut c, "zhangwei")
            .unwrap()
            .unwrap();
        assert_eq!(found.id, u.id);
        let actor = accounts::actor_for(&mut c, &found).unwrap();
        assert_eq!(
            (actor.role, actor.departments.clone()),
            (Role::Clerk, vec![INTAKE.to_owned()])
        );
        assert_eq!(accounts::record_failed_login(&mut c, &u.id).unwrap(), 1);
        assert_eq!(accounts::record_failed_login(&mut c, &u.id).unwrap(), 2);
        accounts::reset_failed_logins(&mut c, &u.id).unwrap();
        accounts::set_disabled(&mut c, &u.id, true).unwrap();
        let found = accounts::user_by_username(&mut c, "zhangwei")
            .unwrap()
            .unwrap();
        assert_eq!((found.failed_logins, found.disabled), (0, true));

        let deps = accounts::departments_of(&mut c, AGENCY).unwrap();
        assert_eq!(deps.len(), 2);
        assert!(deps.iter().any(|d| d.is_intake && d.code == INTAKE));
        let err =
            accounts::create_department(&mut c, "nope", "x", "某部门", None, false).unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{}: {err}", db.name);
    }
}

#[test]
fn sessions_end_when_idle_or_too_old_and_tokens_are_stored_hashed() {
    use chrono::Duration;
    use gongkai_store::sessions;
    for db in databases("sessions") {
        let mut c = db.connect();
        migrations::run_pending(&mut c).unwrap();
        let user = gongkai_store::accounts::create_user(
            &mut c,
            "s1",
            "s1",
            gongkai_workflow::Role::Clerk,
            None,
            &[],
        )
        .unwrap();
        let t0 = at("2026-11-02").naive_utc();
        let (idle, absolute) = (Duration::hours(24), Duration::hours(12));
        let token = "a".repeat(64);
        let s = sessions::create(&mut c, &token, &user.id, "csrf", t0, idle).unwrap();
        assert_eq!(s.token_hash, sessions::hash_token(&token));
        assert_ne!(s.token_hash, token, "the token itself is not stored");
        let find = |c: &mut DbConnection, t| sessions::find(c, &token, t, idle, absolute).unwrap();
        // Used within the day: alive, and its idle expiry moves but never past the absolute end.
        let later = find(&mut c, t0 + Duration::hours(2)).unwrap();
        assert_eq!(later.expires_at, t0 + absolute);
        // Past the absolute lifetime, even though the idle window (24 h) is longer: gone.
        assert!(find(&mut c, t0 + Duration::hours(12)).is_none());
        assert!(
            find(&mut c, t0 + Duration::hours(3)).is_none(),
            "deleted, not just hidden"
        );
        let other = "b".repeat(64);
        sessions::create(&mut c, &other, &user.id, "csrf", t0, idle).unwrap();
        assert!(
            sessions::find(
                &mut c,
                &other,
                t0 + Duration::hours(25),
                idle,
                Duration::days(7)
            )
            .unwrap()
            .is_none()
        );

        // Abandoned sessions and stale failure counters are purged without being read.
        let (kept, stale) = ("c".repeat(64), "d".repeat(64));
        let t1 = t0 + Duration::days(2);
        sessions::create(&mut c, &stale, &user.id, "csrf", t0, idle).unwrap();
        sessions::create(&mut c, &kept, &user.id, "csrf", t1, idle).unwrap();
        let window = Duration::minutes(15);
        let rule = sessions::Rule {
            limit: 20,
            free: i32::MAX,
            first_delay_ms: 0,
            max_delay_ms: 0,
            window_ms: window.num_milliseconds(),
        };
        let ms = |t: chrono::NaiveDateTime| t.and_utc().timestamp_millis();
        for (key, t) in [("address:203.0.113.9", t0), ("address:203.0.113.10", t1)] {
            sessions::count_attempts(&mut c, &[(key, rule)], ms(t))
                .unwrap()
                .unwrap();
        }
        let purged = sessions::purge_expired(&mut c, t1 + Duration::minutes(1), absolute, window);
        assert_eq!(purged.unwrap(), (1, 1), "{}", db.name);
        assert!(
            sessions::find(&mut c, &kept, t1 + Duration::minutes(2), idle, absolute)
                .unwrap()
                .is_some()
        );
        assert_eq!(
            sessions::attempts(&mut c, "address:203.0.113.10", ms(t1), rule.window_ms).unwrap(),
            1
        );
    }
}

/// Sign-in attempts are counted in one guarded statement before the password is checked:
/// parallel attempts never pass the limit, a delay doubles per attempt up to its cap and is
/// not extended by refused attempts, a refusal by one key counts under none, and a window
/// forgets.
#[test]
fn sign_in_attempts_are_counted_atomically_with_a_progressive_delay() {
    use gongkai_store::sessions::{self, Rule};
    for db in databases("throttle") {
        let mut c = db.connect();
        migrations::run_pending(&mut c).unwrap();
        drop(c);
        let t0 = at("2026-11-02").timestamp_millis();
        // Parallel attempts from 8 threads against a limit of 5: exactly 5 counted.
        let limit = Rule {
            limit: 5,
            free: i32::MAX,
            first_delay_ms: 0,
            max_delay_ms: 0,
            window_ms: 60_000,
        };
        let allowed: usize = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| {
                    scope.spawn(|| {
                        let mut c = db.connect();
                        (0..5)
                            .filter(|_| {
                                sessions::count_attempts(&mut c, &[("address:a", limit)], t0)
                                    .unwrap()
                                    .is_ok()
                            })
                            .count()
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).sum()
        });
        assert_eq!(allowed, 5, "{}", db.name);
        let mut c = db.connect();
        let refused = sessions::count_attempts(&mut c, &[("address:a", limit)], t0 + 1_000)
            .unwrap()
            .unwrap_err();
        assert_eq!(
            (refused.key.as_str(), refused.wait_ms),
            ("address:a", 59_000)
        );
        // After the window: counted from 1 again.
        assert!(
            sessions::count_attempts(&mut c, &[("address:a", limit)], t0 + 60_000)
                .unwrap()
                .is_ok()
        );
        assert_eq!(
            sessions::attempts(&mut c, "address:a", t0 + 60_000, 60_000).unwrap(),
            1
        );
        // A success takes its own attempt back, never more.
        sessions::uncount_attempt(&mut c, "address:a").unwrap();
        sessions::uncount_attempt(&mut c, "address:a").unwrap();
        assert_eq!(
            sessions::attempts(&mut c, "address:a", t0 + 60_000, 60_000).unwrap(),
            0
        );

        // Two free attempts, then 1 s, 2 s, 4 s, capped at 5 s.
        let delay = Rule {
            limit: i32::MAX,
            free: 2,
            first_delay_ms: 1_000,
            max_delay_ms: 5_000,
            window_ms: 3_600_000,
        };
        let mut t = t0;
        let mut waits = Vec::new();
        for _ in 0..6 {
            match sessions::count_attempts(&mut c, &[("pair:x", delay)], t).unwrap() {
                Ok(()) => waits.push(0),
                Err(r) => {
                    // Refused until the delay passed, and a refusal does not extend it.
                    let again = sessions::count_attempts(&mut c, &[("pair:x", delay)], t + 500);
                    assert_eq!(again.unwrap().unwrap_err().wait_ms, r.wait_ms - 500);
                    waits.push(r.wait_ms);
                    t += r.wait_ms;
                    sessions::count_attempts(&mut c, &[("pair:x", delay)], t)
                        .unwrap()
                        .unwrap();
                }
            }
        }
        assert_eq!(waits, [0, 0, 1_000, 2_000, 4_000, 5_000], "{}", db.name);
        assert_eq!(delay.delay_after(40), 5_000);
        // A refusal by one key counts under none of the keys (rolled back).
        let before = sessions::attempts(&mut c, "address:b", t, 60_000).unwrap();
        let r = sessions::count_attempts(&mut c, &[("address:b", limit), ("pair:x", delay)], t)
            .unwrap();
        assert_eq!(r.unwrap_err().key, "pair:x");
        assert_eq!(
            sessions::attempts(&mut c, "address:b", t, 60_000).unwrap(),
            before
        );
        sessions::clear_attempts(&mut c, &["pair:x"]).unwrap();
        assert!(
            sessions::count_attempts(&mut c, &[("pair:x", delay)], t)
                .unwrap()
                .is_ok()
        );
    }
}

/// An agency's remedy bodies start unset, are set and cleared by code, and an unknown
/// agency is NotFound.
#[test]
fn agency_remedy_bodies_are_set_and_cleared() {
    for db in databases("agency_remedy") {
        let mut c = db.seeded();
        let before = accounts::agencies(&mut c).unwrap();
        let agency = before.iter().find(|a| a.code == AGENCY).unwrap();
        assert_eq!(
            (
                agency.reconsideration_body.as_deref(),
                agency.court.as_deref()
            ),
            (None, None)
        );
        assert!(!agency.remedy_complete());

        let set = accounts::set_agency_remedy(
            &mut c,
            AGENCY,
            Some("北京市人民政府"),
            Some("北京市第四中级人民法院"),
        )
        .unwrap();
        assert!(set.remedy_complete(), "{}", db.name);
        let again = accounts::agencies(&mut c).unwrap();
        let agency = again.iter().find(|a| a.code == AGENCY).unwrap();
        assert_eq!(
            agency.reconsideration_body.as_deref(),
            Some("北京市人民政府")
        );
        assert_eq!(agency.court.as_deref(), Some("北京市第四中级人民法院"));

        let cleared =
            accounts::set_agency_remedy(&mut c, AGENCY, None, Some("北京市第四中级人民法院"))
                .unwrap();
        assert_eq!(cleared.reconsideration_body, None);
        assert!(!cleared.remedy_complete());

        let err = accounts::set_agency_remedy(&mut c, "no-such-agency", None, None).unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{}: {err}", db.name);
    }
}
