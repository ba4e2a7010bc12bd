//! What a user may still do on a case: each workflow command is decided against the case with
//! plausible values, and it is possible unless the refusal is about the case's state or the
//! user (wrong status, role, scope, pending steps), not about the values a user will type. The
//! case page offers these actions; an applicant's request page offers withdrawal and
//! correction by the same rule.

use chrono::Duration;
use gongkai_workflow::model::{
    ConsultationKind, Delivery, FeeMethod, FileRedaction, FileRef, Letter, Opinion, Order,
    OrderKind, ReasonsAssessment, Redaction, RedactionArea, RedactionGround, Remedy, RemedyKind,
    RemedyResult, Reply, SecrecyConclusion,
};
use gongkai_workflow::{Actor, Case, Command, Outcome, RejectionCode, decide};

use super::cases::Action;
use super::context;
use crate::state::Law;

/// A command of `action` with plausible values, to ask the workflow whether it is possible.
fn probe(action: Action, case: &Case, today: chrono::NaiveDate) -> Option<Command> {
    let text = || "probe".to_owned();
    let reply = || Reply {
        outcome: Outcome::Disclosed,
        text: text(),
        competent_agency: None,
        not_held: None,
        competent_agency_contact: None,
        disclosure: None,
        release: Vec::new(),
    };
    Some(match action {
        // Opens a case; never an action on one.
        Action::Receive => return None,
        Action::Register => Command::Register {
            tracking_number: text(),
            department: None,
            receipt_date: None,
        },
        Action::Assign => Command::Assign {
            department: None,
            assignee: None,
        },
        Action::StartProcessing => Command::StartProcessing,
        Action::RequestCorrection => Command::RequestCorrection {
            items: vec![text()],
            period_days: None,
        },
        Action::ReceiveCorrection => Command::ReceiveCorrection {
            content: text(),
            received_on: None,
            late_reason: Some(text()),
        },
        Action::Abandon => Command::Abandon,
        Action::StartConsultation => Command::StartConsultation {
            kind: ConsultationKind::ThirdParty,
            party: text(),
            letter_date: None,
            sent_by: None,
        },
        Action::EndConsultation => Command::EndConsultation {
            consultation: case.open_consultations().next()?.id,
            opinion: Opinion::Consent,
            ended_on: None,
        },
        Action::RequestExtension => Command::RequestExtension {
            reason: text(),
            days: None,
        },
        Action::ApproveExtension => Command::ApproveExtension,
        Action::DenyExtension => Command::DenyExtension { reason: text() },
        Action::IssueFeeNotice => Command::IssueFeeNotice {
            fee: FeeMethod::PerPage { pages: 10_000 },
            sent_by: None,
        },
        Action::RecordPayment => Command::RecordPayment { paid_on: None },
        Action::RecordReceipt => Command::RecordReceipt {
            letter: match (case.open_consultations().next(), case.unpaid_fee()) {
                (Some(c), _) => Letter::Consultation { id: c.id },
                (None, Some(_)) => Letter::FeeNotice,
                (None, None) => Letter::ReasonsRequest,
            },
            received_on: today,
        },
        Action::RequestReasons => Command::RequestReasons {
            grounds: text(),
            period_days: None,
            sent_by: None,
        },
        Action::RecordReasons => Command::RecordReasons {
            assessment: ReasonsAssessment::Reasonable,
            note: text(),
        },
        Action::CloseUnpaid => Command::CloseUnpaid,
        Action::SetReasonableDate => Command::SetReasonableDate {
            date: today + Duration::days(60),
            reason: text(),
        },
        Action::ReplyOnTheSpot => Command::ReplyOnTheSpot { reply: reply() },
        Action::DraftReply => Command::DraftReply { reply: reply() },
        Action::SubmitForReview => Command::SubmitForReview,
        Action::ApproveReply => Command::ApproveReply,
        Action::RecordSecrecyReview => Command::RecordSecrecyReview {
            conclusion: SecrecyConclusion::MayDisclose,
            basis: text(),
            reviewed_on: None,
        },
        Action::ReturnReply => Command::ReturnReply { reason: text() },
        Action::RecordDelivery => Command::RecordDelivery {
            method: Delivery::Post,
            delivered_on: None,
        },
        Action::Archive => Command::Archive,
        Action::Withdraw => Command::Withdraw {
            reason: None,
            withdrawn_on: None,
        },
        Action::Reopen => Command::Reopen {
            order: Order {
                kind: OrderKind::Reconsideration,
                body: text(),
                reference: text(),
                received_on: today,
            },
        },
        Action::RecordOverdue => Command::RecordOverdue,
        Action::RecordRemedy => Command::RecordRemedy {
            remedy: Remedy {
                kind: RemedyKind::Reconsideration,
                body: text(),
                reference: None,
                filed_on: today,
                after_reconsideration: false,
                result: None,
                decided_on: None,
            },
        },
        Action::PublishRelease => Command::PublishRelease {
            subject: text(),
            items: vec![0],
        },
        Action::WithdrawPublication => Command::WithdrawPublication { reason: text() },
        Action::RecordRedaction => {
            let file = |id: &str| FileRef {
                attachment: id.to_owned(),
                sha256: "0".repeat(64),
                size: 1,
                pages: Some(1),
            };
            Command::RecordRedaction {
                redaction: FileRedaction {
                    source: file("probe-source"),
                    output: file("probe-output"),
                    redactions: vec![Redaction {
                        area: RedactionArea::Box {
                            page: 1,
                            x: 1.0,
                            y: 1.0,
                            w: 1.0,
                            h: 1.0,
                        },
                        ground: RedactionGround::InternalAffairs,
                        third_party: None,
                        public_interest_prevails: false,
                    }],
                    method: text(),
                },
            }
        }
        Action::DecideRemedy => Command::DecideRemedy {
            remedy: case.remedies.iter().find(|r| r.remedy.result.is_none())?.id,
            result: RemedyResult::Upheld,
            decided_on: today,
        },
    })
}

/// Refusals that depend on what the user will type, not on the case: the form is offered.
fn about_values(code: RejectionCode) -> bool {
    use RejectionCode as R;
    matches!(
        code,
        R::InvalidInput
            | R::DateInFuture
            | R::DateTooEarly
            | R::ReceiptDateRequired
            | R::ExtensionTooLong
            | R::NoFeeDue
            | R::ReleaseRequired
    )
}

/// Whether `actor` may take `action` on `case` now (see the module's rule).
pub fn may(case: &Case, actor: &Actor, law: &Law, action: Action) -> bool {
    let ctx = context(law, actor.clone());
    probe(action, case, ctx.today()).is_some_and(|cmd| match decide(case, cmd, &ctx) {
        Ok(_) => true,
        Err(r) => about_values(r.code),
    })
}

/// The actions `actor` may take on `case` now (the scheduler's own step left out).
pub fn possible(case: &Case, actor: &Actor, law: &Law) -> Vec<Action> {
    Action::ALL
        .iter()
        .copied()
        .filter(|a| {
            !matches!(
                a,
                Action::Receive | Action::RecordOverdue | Action::RecordRedaction
            )
        })
        .filter(|a| may(case, actor, law, *a))
        .collect()
}
