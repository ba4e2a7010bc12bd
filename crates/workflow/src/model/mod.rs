//! The vocabulary of a case: who acts, how a request arrives, the steps of processing, the
//! commands and the events. One module per concept; everything is re-exported here, so the
//! types are named `model::X` whatever file they live in.

mod actor;
mod command;
mod event;
mod identity;
mod redaction;
mod release;
mod remedy;
mod request;
mod steps;

pub use actor::{Actor, ActorRef, Role};
pub use command::{Command, CommandKind};
pub use event::{Event, EventKind};
pub use identity::{
    IdDocumentType, credit_code_check, filing_problems, id_number_problem, normalise_id_number,
    resident_id_check,
};
pub use redaction::{
    FileRedaction, FileRef, Redaction, RedactionArea, RedactionGround, ThirdPartyStance,
    column_name,
};
pub use release::{ReleaseForm, ReleaseItem, ReleasedFile, SecrecyConclusion, SecrecyReview};
pub use remedy::{Order, OrderKind, Remedy, RemedyKind, RemedyResult, TABLE4_GROUPS};
pub use request::{Applicant, ApplicantType, Carrier, Channel, Delivery, Receive, RequestDetails};
pub use steps::{
    Breach, ConsultationKind, FeeBasis, FeeMethod, Letter, NotHeld, Opinion, ReasonsAssessment,
    Reply, SentBy,
};
