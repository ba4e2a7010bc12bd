//! The named values: for every enum a user reads or the database stores, the stored name is
//! serde's, `parse` inverts `as_str`, and names and labels are unique.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;

use gongkai_workflow::Vocabulary;
use gongkai_workflow::case::{Status, SubState};
use gongkai_workflow::clock::{StartReason, WarningLevel};
use gongkai_workflow::model::{
    ApplicantType, Carrier, Channel, CommandKind, ConsultationKind, Delivery, FeeBasis, NotHeld,
    Opinion, OrderKind, RemedyKind, RemedyResult, Role,
};
use gongkai_workflow::notice::{NoticeKind, ReplyNotice};
use gongkai_workflow::outcome::{
    CannotProvideGround, NotDisclosedGround, NotProcessedGround, OtherGround, Outcome, OutcomeKind,
};
use gongkai_workflow::statute::PauseKind;

fn is_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// Names and labels are unique and well formed, and `parse` inverts `as_str`.
fn names_round_trip<T: Vocabulary>() {
    let mut names = HashSet::new();
    let mut labels = HashSet::new();
    for &v in T::ALL {
        assert_eq!(T::parse(v.as_str()), Some(v), "{v:?}");
        assert!(names.insert(v.as_str()), "{v:?}: name used twice");
        assert!(labels.insert(v.label_zh()), "{v:?}: label used twice");
        assert!(is_chinese(v.label_zh()), "{v:?}: {}", v.label_zh());
        assert!(
            v.as_str()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.' || c == '/'),
            "{v:?}: {}",
            v.as_str()
        );
    }
    assert_eq!(T::parse(""), None);
    assert_eq!(T::parse("no_such_value"), None);
}

/// The stored name is the one serde writes and reads.
fn serde_uses_the_name<T: Vocabulary + Serialize + DeserializeOwned + Debug>() {
    names_round_trip::<T>();
    for &v in T::ALL {
        let json = serde_json::to_value(v).unwrap();
        assert_eq!(json, serde_json::Value::from(v.as_str()), "{v:?}");
        assert_eq!(serde_json::from_value::<T>(json).unwrap(), v);
    }
}

macro_rules! serde_named {
    ($($test:ident: $ty:ty,)+) => {
        $(
            #[test]
            fn $test() {
                serde_uses_the_name::<$ty>();
            }
        )+
    };
}

serde_named! {
    role: Role,
    status: Status,
    sub_state: SubState,
    warning_level: WarningLevel,
    start_reason: StartReason,
    pause_kind: PauseKind,
    channel: Channel,
    applicant_type: ApplicantType,
    carrier: Carrier,
    delivery: Delivery,
    consultation_kind: ConsultationKind,
    opinion: Opinion,
    fee_basis: FeeBasis,
    order_kind: OrderKind,
    remedy_kind: RemedyKind,
    remedy_result: RemedyResult,
    outcome_kind: OutcomeKind,
    not_disclosed_ground: NotDisclosedGround,
    cannot_provide_ground: CannotProvideGround,
    not_processed_ground: NotProcessedGround,
    other_ground: OtherGround,
    reply_notice: ReplyNotice,
    not_held: NotHeld,
    command_kind: CommandKind,
}

/// An outcome is stored as its kind and ground: `as_str` joins them with `/`, serde writes
/// them as `{"kind": …, "ground": …}`.
#[test]
fn outcome() {
    names_round_trip::<Outcome>();
    assert_eq!(Outcome::ALL.len(), 22);
    assert_eq!(Outcome::REPORT_ROWS.len(), 21);
    for o in Outcome::ALL {
        let json = serde_json::to_value(o).unwrap();
        assert_eq!(json["kind"], o.kind().as_str(), "{o:?}");
        assert_eq!(json["ground"].as_str(), o.ground(), "{o:?}");
        assert_eq!(Outcome::from_parts(o.kind().as_str(), o.ground()), Some(o));
        let joined = match o.ground() {
            Some(g) => format!("{}/{g}", o.kind().as_str()),
            None => o.kind().as_str().to_owned(),
        };
        assert_eq!(o.as_str(), joined);
    }
    assert_eq!(Outcome::from_parts("disclosed", Some("security")), None);
    assert_eq!(Outcome::from_parts("not_disclosed", None), None);
}

/// A notice kind's stored name is its template's name; serde writes the reply notices as
/// `{"kind": "reply", "reply": …}`.
#[test]
fn notice_kind() {
    names_round_trip::<NoticeKind>();
    assert_eq!(NoticeKind::ALL.len(), 29);
    for k in NoticeKind::ALL {
        let json = serde_json::to_value(k).unwrap();
        let name = match (json["kind"].as_str(), json["reply"].as_str()) {
            (Some("reply"), Some(r)) => format!("reply.{r}"),
            (Some(kind), None) => kind.to_owned(),
            other => panic!("{k:?}: {other:?}"),
        };
        assert_eq!(k.as_str(), name);
        assert_eq!(k.key(), name);
        assert_eq!(NoticeKind::from_key(&name), Some(k));
    }
}

/// A recipient's name is serde's tag.
#[test]
fn recipient() {
    use gongkai_workflow::notice::Recipient;
    for r in [
        Recipient::Applicant,
        Recipient::Consulted("某公司".to_owned()),
        Recipient::Assignee,
        Recipient::Supervisors,
    ] {
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["to"], r.as_str(), "{r:?}");
        assert!(is_chinese(r.label_zh()));
    }
}

/// Every command's name is the tag serde reads it by, and `Command::kind` agrees.
#[test]
fn command_kinds_are_the_commands_serde_names() {
    for k in CommandKind::ALL {
        // A command without fields is complete with its name; the others miss their fields
        // (an unknown name would be an unknown variant).
        let bare = serde_json::json!({ "command": k.as_str() });
        match serde_json::from_value::<gongkai_workflow::model::Command>(bare) {
            Ok(cmd) => assert_eq!(cmd.kind(), k),
            Err(e) => assert!(e.to_string().contains("missing field"), "{k:?}: {e}"),
        }
    }
}

/// The open statuses are those whose clock runs, listed once.
#[test]
fn open_statuses_follow_is_open() {
    let open: Vec<Status> = Status::ALL.into_iter().filter(|s| s.is_open()).collect();
    assert_eq!(Status::OPEN.to_vec(), open);
    let names: Vec<&str> = open.iter().map(|s| s.as_str()).collect();
    assert_eq!(Status::OPEN_NAMES.to_vec(), names);
}

/// The application form's wording of each applicant type ends in the report's column name.
#[test]
fn applicant_type_form_labels() {
    let labels: HashSet<&str> = ApplicantType::ALL
        .iter()
        .map(|t| t.form_label_zh())
        .collect();
    assert_eq!(labels.len(), ApplicantType::ALL.len());
    for t in ApplicantType::ALL {
        assert!(t.form_label_zh().ends_with(t.label_zh()), "{t:?}");
    }
}

/// A fee method's JSON tag is its basis's name.
#[test]
fn fee_method_tag_is_its_basis() {
    use gongkai_workflow::model::FeeMethod;
    for fee in [
        FeeMethod::PerRequest { nth: 11 },
        FeeMethod::PerPage { pages: 40 },
    ] {
        let json = serde_json::to_value(fee).unwrap();
        assert_eq!(json["method"], fee.basis().as_str(), "{fee:?}");
    }
}

/// Remedy wording goes exactly on decisions: every reply, deemed abandonment, the closure for
/// an unpaid fee, and the art. 32 notice to a third party whose objection is overridden; never
/// on procedural steps, the fee notice, a withdrawal, the request for reasons, letters to those
/// consulted or messages to staff.
#[test]
fn decisions_are_the_replies_the_two_closures_and_the_disclosure_notice() {
    let mut decisions: Vec<&str> = NoticeKind::ALL
        .iter()
        .filter(|k| k.is_decision())
        .map(|k| k.as_str())
        .collect();
    let mut want: Vec<&str> = NoticeKind::ALL
        .iter()
        .filter(|k| matches!(k, NoticeKind::Reply(_)))
        .map(|k| k.as_str())
        .collect();
    want.extend([
        "abandonment_confirmation",
        "unpaid_closure",
        "third_party_disclosure",
    ]);
    decisions.sort_unstable();
    want.sort_unstable();
    assert_eq!(decisions, want);
    for k in NoticeKind::ALL {
        assert!(!(k.is_decision() && k.is_internal()), "{k:?}");
    }
}
