//! Attachments: stored once by content, checked on read, limited under parallel uploads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, Barrier};

use diesel::prelude::*;
use gongkai_store::Scope;
use gongkai_store::schema::cases;
use gongkai_store::{StoreError, receive};
use gongkai_testkit::*;

#[test]
fn attachments_are_stored_once_by_content_and_checked_on_read() {
    use gongkai_store::attachments::{self, Limits};
    let law = Law::new();
    for db in databases("attachments") {
        let mut c = db.seeded();
        let dir = std::env::temp_dir().join(format!("gongkai-blobs-{}", uuid::Uuid::now_v7()));
        let limits = Limits {
            max_bytes: 1024,
            content_types: vec!["application/pdf".to_owned(), "text/plain".to_owned()],
            ..Limits::default()
        };
        let now = at("2026-03-02");
        let id = receive(
            &mut c,
            in_person("王小明", "2026-03-02"),
            &law.ctx(&clerk(), now),
        )
        .unwrap()
        .case_id;
        let pdf = b"%PDF-1.7 application form".to_vec();
        let a = attachments::save(
            &mut c,
            &dir,
            &limits,
            &id,
            "申请表.pdf",
            "application/PDF",
            &pdf,
            "zhangwei",
        )
        .unwrap();
        let b = attachments::save(
            &mut c,
            &dir,
            &limits,
            &id,
            "申请表（副本）.pdf",
            "application/pdf",
            &pdf,
            "zhangwei",
        )
        .unwrap();
        assert_eq!(a.sha256, b.sha256);
        assert_ne!(a.id, b.id);
        let blobs: usize = walk(&dir);
        assert_eq!(blobs, 1, "{}: the same bytes are stored once", db.name);
        assert_eq!(
            attachments::list(&mut c, &Scope::operator(), &id)
                .unwrap()
                .len(),
            2
        );
        assert_eq!(attachments::read(&dir, &a).unwrap(), pdf);

        let too_big = vec![b'x'; 2048];
        let err = attachments::save(
            &mut c,
            &dir,
            &limits,
            &id,
            "big.txt",
            "text/plain",
            &too_big,
            "zhangwei",
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::TooLarge {
                    size: 2048,
                    limit: 1024
                }
            ),
            "{err}"
        );
        let err = attachments::save(
            &mut c,
            &dir,
            &limits,
            &id,
            "x.exe",
            "application/x-msdownload",
            b"MZ",
            "zhangwei",
        )
        .unwrap_err();
        assert!(
            matches!(&err, StoreError::Invalid { field: Some("content_type"), message }
                if message.contains("不接受此类文件（application/x-msdownload）")),
            "{err}"
        );
        let err = attachments::save(
            &mut c,
            &dir,
            &limits,
            &id,
            "../../etc/passwd",
            "text/plain",
            b"x",
            "zhangwei",
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("filename:"), "{err}");
        let err = attachments::save(
            &mut c,
            &dir,
            &limits,
            "no-such-case",
            "a.txt",
            "text/plain",
            b"x",
            "zhangwei",
        )
        .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err}");
        assert_eq!(
            attachments::list(&mut c, &Scope::operator(), &id)
                .unwrap()
                .len(),
            2,
            "nothing stored by the refusals"
        );

        // A file altered on disk is refused on read.
        std::fs::write(
            attachments::blob_path(&dir, &a.sha256).unwrap(),
            b"tampered",
        )
        .unwrap();
        let err = attachments::read(&dir, &a).unwrap_err();
        assert!(
            err.to_string().contains("no longer matches its sha256"),
            "{err}"
        );
        // Uploading the same file again repairs the stored copy.
        attachments::save(
            &mut c,
            &dir,
            &limits,
            &id,
            "申请表.pdf",
            "application/pdf",
            &pdf,
            "zhangwei",
        )
        .unwrap();
        assert_eq!(attachments::read(&dir, &a).unwrap(), pdf);
        // A hash altered in the database cannot point outside the folder.
        let mut evil = a.clone();
        evil.sha256 = "../../../../dev/zero".to_owned();
        assert!(matches!(
            attachments::read(&dir, &evil),
            Err(StoreError::Corrupt(_))
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| {
                    if e.path().is_dir() {
                        walk(&e.path())
                    } else {
                        1
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}

/// The limits on a case's files hold when uploads race (the limit is
/// checked with the case held, in the transaction that writes the row), an applicant has a
/// lower limit of their own, and a case that is no longer open takes no file.
#[test]
fn parallel_uploads_cannot_pass_the_limits_and_closed_cases_take_none() {
    use gongkai_store::attachments::{self, Limits, Quota, Spool, Upload};
    let law = Law::new();
    for db in databases("upload-limits") {
        let mut c = db.seeded();
        let dir = std::env::temp_dir().join(format!("gongkai-blobs-{}", uuid::Uuid::now_v7()));
        let limits = Limits {
            max_bytes: 1024,
            content_types: vec!["text/plain".to_owned()],
            per_case: Quota {
                files: 3,
                bytes: 10_000,
            },
            per_applicant: Quota {
                files: 1,
                bytes: 100,
            },
        };
        let now = at("2026-03-02");
        let id = receive(
            &mut c,
            in_person("王小明", "2026-03-02"),
            &law.ctx(&clerk(), now),
        )
        .unwrap()
        .case_id;
        let spooled = |bytes: &[u8]| {
            let mut s = Spool::create(&dir, limits.max_bytes).unwrap();
            s.write(bytes).unwrap();
            s.finish().unwrap()
        };
        let upload = |by: &'static str, applicant: bool| Upload {
            case_id: &id,
            filename: "a.txt",
            content_type: "text/plain",
            uploaded_by: by,
            applicant,
        };
        // The applicant's own limit: one file, 100 bytes.
        let err = attachments::store(
            &mut c,
            &dir,
            &limits,
            &upload("u1", true),
            spooled(&[b'x'; 101]),
        )
        .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::QuotaExceeded {
                    which: "applicant_bytes",
                    limit: 100
                }
            ),
            "{}: {err}",
            db.name
        );
        attachments::store(&mut c, &dir, &limits, &upload("u1", true), spooled(b"one")).unwrap();
        let err = attachments::store(&mut c, &dir, &limits, &upload("u1", true), spooled(b"two"))
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::QuotaExceeded {
                    which: "applicant_files",
                    limit: 1
                }
            ),
            "{}: {err}",
            db.name
        );

        // Eight staff uploads at once for the two places left: two win.
        let barrier = Arc::new(Barrier::new(8));
        let outcomes: Vec<Result<(), String>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|i| {
                    let barrier = Arc::clone(&barrier);
                    let (db, dir, limits, id) = (&db, &dir, &limits, &id);
                    scope.spawn(move || {
                        let mut c = db.connect();
                        let mut s = Spool::create(dir, limits.max_bytes).unwrap();
                        s.write(format!("file {i}").as_bytes()).unwrap();
                        let file = s.finish().unwrap();
                        let up = Upload {
                            case_id: id,
                            filename: "b.txt",
                            content_type: "text/plain",
                            uploaded_by: "zhangwei",
                            applicant: false,
                        };
                        barrier.wait();
                        attachments::store(&mut c, dir, limits, &up, file)
                            .map(|_| ())
                            .map_err(|e| e.to_string())
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let won = outcomes.iter().filter(|o| o.is_ok()).count();
        assert_eq!(won, 2, "{}: {outcomes:?}", db.name);
        for o in outcomes.iter().filter_map(|o| o.as_ref().err()) {
            assert!(o.contains("case_files"), "{}: {o}", db.name);
        }
        assert_eq!(
            attachments::list(&mut c, &Scope::operator(), &id)
                .unwrap()
                .len(),
            3,
            "{}",
            db.name
        );

        // A case no longer open (here: withdrawn) takes no file, even within the limits.
        let other = receive(
            &mut c,
            in_person("李四", "2026-03-02"),
            &law.ctx(&clerk(), now),
        )
        .unwrap()
        .case_id;
        diesel::update(cases::table.find(&other))
            .set(cases::status.eq("withdrawn"))
            .execute(&mut c)
            .unwrap();
        let closed = Upload {
            case_id: &other,
            ..upload("zhangwei", false)
        };
        let err = attachments::store(&mut c, &dir, &limits, &closed, spooled(b"late")).unwrap_err();
        assert!(
            matches!(&err, StoreError::CaseClosed { status } if status.as_str() == "withdrawn"),
            "{}: {err}",
            db.name
        );
        assert!(
            attachments::list(&mut c, &Scope::operator(), &other)
                .unwrap()
                .is_empty()
        );
        // Refused uploads leave no temporary file behind.
        let incoming = std::fs::read_dir(dir.join(".incoming")).unwrap().count();
        assert_eq!(incoming, 0, "{}", db.name);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
