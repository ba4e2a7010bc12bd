//! Delivery records: retrievals with keyed address hashes, and download links stored hashed,
//! answering nothing once expired.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use gongkai_store::delivery::{self, Via};
use gongkai_testkit::*;

#[test]
fn links_are_stored_hashed_and_expire_and_retrievals_keep_no_address() {
    let law = Law::new();
    for db in databases("delivery") {
        let mut c = db.seeded();
        let now = at("2026-03-02");
        let id = replied(&mut c, &law, "王小明", now);
        let t = now.naive_utc();

        // A link opens its case until it expires; only the token's hash is stored.
        let token = delivery::create_link(&mut c, &id, t, t + Duration::days(30)).unwrap();
        assert_eq!(token.len(), 64);
        let (case, expires) = delivery::link_case(&mut c, &token, t).unwrap().unwrap();
        assert_eq!(
            (case.as_str(), expires),
            (id.as_str(), t + Duration::days(30))
        );
        let stored: Vec<String> = {
            use diesel::prelude::*;
            use gongkai_store::schema::release_links;
            release_links::table
                .select(release_links::token_hash)
                .load(&mut c)
                .unwrap()
        };
        assert_eq!(stored.len(), 1);
        assert_ne!(stored[0], token, "the token itself is never stored");
        // Expired, unknown and malformed tokens: all none.
        let later = t + Duration::days(30);
        assert!(
            delivery::link_case(&mut c, &token, later)
                .unwrap()
                .is_none()
        );
        assert!(
            delivery::link_case(&mut c, &"0".repeat(64), t)
                .unwrap()
                .is_none()
        );
        assert!(
            delivery::link_case(&mut c, "../../etc", t)
                .unwrap()
                .is_none()
        );
        assert_eq!(delivery::sweep_links(&mut c, later).unwrap(), 1);

        // Retrievals: the first is reported as such; the address is kept as a keyed hash that
        // is the same for the same address and differs between addresses.
        assert!(delivery::record(&mut c, &id, None, Via::Lookup, "203.0.113.7", t).unwrap());
        assert!(!delivery::record(&mut c, &id, Some("a1"), Via::Link, "203.0.113.7", t).unwrap());
        delivery::record(&mut c, &id, None, Via::Account, "198.51.100.2", t).unwrap();
        let (rows, total) = delivery::downloads(&mut c, &id, 2).unwrap();
        assert_eq!((rows.len(), total), (2, 3));
        assert_eq!(rows[0].via, "lookup");
        assert_eq!(rows[0].address_hash, rows[1].address_hash);
        let (all, _) = delivery::downloads(&mut c, &id, 10).unwrap();
        assert_ne!(all[0].address_hash, all[2].address_hash);
        assert!(!all[0].address_hash.contains("203"));
        assert_eq!(
            delivery::address_hash(&mut c, "203.0.113.7").unwrap(),
            all[0].address_hash,
            "the salt is made once and kept"
        );
    }
}
