//! Role rules: role, then department, then assignment or ownership; and commands that need an
//! existing case.

use crate::common::*;

// ---------------------------------------------------------------------------------------------
// Role rules: role, then department, then assignment or ownership.
// ---------------------------------------------------------------------------------------------

/// One instance of every command (receive twice: online and not).
pub fn sample_commands() -> Vec<Command> {
    vec![
        receive_cmd(Channel::Online, None),
        receive_cmd(Channel::RegisteredPost, Some("2026-03-02")),
        register_cmd(),
        assign_to(LI_NA),
        Command::StartProcessing,
        correction_cmd(),
        correction_received(None, None),
        Command::Abandon,
        consult(ConsultationKind::ThirdParty, THIRD_PARTY, None),
        end_consult(1, Opinion::Consent, None),
        extension_cmd(None),
        Command::ApproveExtension,
        Command::DenyExtension {
            reason: "理由不充分".into(),
        },
        Command::IssueFeeNotice {
            fee: FeeMethod::PerPage { pages: 150 },
            sent_by: None,
        },
        Command::RecordPayment { paid_on: None },
        Command::CloseUnpaid,
        Command::SetReasonableDate {
            date: d("2026-05-29"),
            reason: "申请数量明显超过合理范围".into(),
        },
        Command::ReplyOnTheSpot {
            reply: reply(Outcome::Disclosed, None),
        },
        draft_cmd(Outcome::Disclosed),
        Command::SubmitForReview,
        secrecy_cmd(SecrecyConclusion::MayDisclose),
        Command::ApproveReply,
        Command::ReturnReply {
            reason: "请修改".into(),
        },
        Command::RecordDelivery {
            method: Delivery::Post,
            delivered_on: None,
        },
        Command::Archive,
        withdraw_cmd(None),
        Command::Reopen {
            order: order(OrderKind::Court, "2026-03-04"),
        },
        Command::RecordOverdue,
        remedy_cmd(RemedyKind::Reconsideration, "2026-03-02", None),
        Command::DecideRemedy {
            remedy: 1,
            result: RemedyResult::Upheld,
            decided_on: d("2026-03-03"),
        },
    ]
}

/// The case a command is tried on: an empty one for receive, else a case in processing
/// assigned to 张伟 (whose department is the OGI section).
pub fn target_for(w: &World, cmd: &Command) -> Case {
    match cmd {
        Command::Receive(_) => Case::default(),
        _ => processing(w),
    }
}

pub const ALL_ROLES: [Role; 5] = [
    Role::Applicant,
    Role::Clerk,
    Role::Supervisor,
    Role::Admin,
    Role::System,
];

/// An actor of `role` who would otherwise be entitled: in the department, owning the case.
pub fn insider(role: Role) -> Actor {
    match role {
        Role::Applicant => query_holder(),
        Role::Clerk => clerk(),
        Role::Supervisor => supervisor(),
        Role::Admin => admin(),
        Role::System => Actor::system(),
    }
}

pub fn scenario_permitted_roles_table(_w: &World, _seen: &mut Seen) {
    use Role::{Admin, Applicant, Clerk, Supervisor, System};
    let commands = sample_commands();
    let mut seen_names: BTreeSet<&str> = commands.iter().map(Command::name).collect();
    assert_eq!(
        seen_names.len(),
        29,
        "one sample of each of the 29 commands"
    );
    for cmd in &commands {
        let expected: &[Role] = match cmd.name() {
            "receive" if matches!(cmd, Command::Receive(r) if r.channel == Channel::Online) => {
                &[Applicant]
            }
            "assign" => &[Clerk, Supervisor, Admin],
            "receive_correction" | "withdraw" => &[Applicant, Clerk, Supervisor],
            "approve_extension"
            | "deny_extension"
            | "set_reasonable_date"
            | "approve_reply"
            | "return_reply" => &[Supervisor],
            "record_overdue" => &[System, Supervisor],
            _ => &[Clerk, Supervisor],
        };
        let mut got = permitted_roles(cmd).to_vec();
        got.sort_by_key(|r| r.as_str());
        let mut want = expected.to_vec();
        want.sort_by_key(|r| r.as_str());
        assert_eq!(got, want, "{}", cmd.name());
        seen_names.remove(cmd.name());
    }
    assert!(seen_names.is_empty());
}

pub fn scenario_forbidden_for_role(w: &World, seen: &mut Seen) {
    for cmd in sample_commands() {
        let case = target_for(w, &cmd);
        for role in ALL_ROLES {
            if permitted_roles(&cmd).contains(&role) {
                continue;
            }
            let r = seen.reject(
                &case,
                cmd.clone(),
                &w.ctx(&insider(role), "2026-03-04"),
                RejectionCode::ForbiddenForRole,
            );
            assert!(r.message.contains(role.label_zh()), "{}", r.message);
        }
    }
}

pub fn scenario_out_of_scope(w: &World, seen: &mut Seen) {
    for cmd in sample_commands() {
        let case = target_for(w, &cmd);
        let roles = permitted_roles(&cmd);
        for outsider in [outside_clerk(), outside_supervisor()] {
            if !roles.contains(&outsider.role) {
                continue;
            }
            let r = seen.reject(
                &case,
                cmd.clone(),
                &w.ctx(&outsider, "2026-03-04"),
                RejectionCode::OutOfScope,
            );
            assert!(r.message.contains(DEPT), "{}", r.message);
        }
    }
    // A clerk of both departments is in scope.
    let both = Actor::staff(ZHANG_WEI, Role::Clerk, &[OTHER_DEPT, DEPT]);
    let c = apply(processing(w), correction_cmd(), &w.ctx(&both, "2026-03-04"));
    assert_eq!(c.sub_state(), Some(SubState::AwaitingCorrection));
}

pub fn scenario_not_assignee(w: &World, seen: &mut Seen) {
    let case = processing(w);
    assert_eq!(case.assignee.as_deref(), Some(ZHANG_WEI));
    for cmd in sample_commands() {
        if !permitted_roles(&cmd).contains(&Role::Clerk) || matches!(cmd, Command::Receive(_)) {
            continue;
        }
        let name = cmd.name();
        let free_for_any_clerk = matches!(
            cmd,
            Command::Register { .. }
                | Command::ReceiveCorrection { .. }
                | Command::Withdraw { .. }
                | Command::RecordRemedy { .. }
                | Command::DecideRemedy { .. }
                // The secrecy reviewer is anyone granted it, not the assignee.
                | Command::RecordSecrecyReview { .. }
        );
        if free_for_any_clerk {
            let got = decide(&case, cmd.clone(), &w.ctx(&clerk2(), "2026-03-04"));
            assert!(
                !matches!(&got, Err(r) if r.code == RejectionCode::NotAssignee),
                "{name}: any clerk of the department may do this: {got:?}"
            );
        } else {
            // Including assign: 李娜 cannot take a case 张伟 holds.
            seen.reject(
                &case,
                cmd.clone(),
                &w.ctx(&clerk2(), "2026-03-04"),
                RejectionCode::NotAssignee,
            );
        }
        // Supervisors act on any case of their department.
        let got = decide(&case, cmd, &w.ctx(&supervisor2(), "2026-03-04"));
        assert!(
            !matches!(&got, Err(r) if r.code == RejectionCode::NotAssignee),
            "{name}: {got:?}"
        );
    }
}

pub fn scenario_not_owner(w: &World, seen: &mut Seen) {
    let anonymous = Actor::new("anonymous", Role::Applicant);
    // An online case of 王小明 and an anonymous online case, both registered.
    let owned = apply(
        online_received(w),
        register_cmd(),
        &w.ctx(&clerk(), "2026-03-02"),
    );
    let anon = apply(
        Case::default(),
        receive_cmd(Channel::Online, None),
        &w.ctx(&anonymous, "2026-03-02"),
    );
    let anon = apply(anon, register_cmd(), &w.ctx(&clerk(), "2026-03-02"));
    for cmd in sample_commands() {
        if !permitted_roles(&cmd).contains(&Role::Applicant) || matches!(cmd, Command::Receive(_)) {
            continue;
        }
        for stranger in [
            other_applicant(),
            Actor::query_code_holder("朝政公开〔2026〕第0099号"),
            Actor::new(TRACKING, Role::Applicant),
        ] {
            seen.reject(
                &owned,
                cmd.clone(),
                &w.ctx(&stranger, "2026-03-03"),
                RejectionCode::NotOwner,
            );
        }
        seen.reject(
            &anon,
            cmd.clone(),
            &w.ctx(&anonymous, "2026-03-03"),
            RejectionCode::NotOwner,
        );
        // The owner, by account or by query code, passes the ownership check.
        for owner in [applicant(), query_holder()] {
            let got = decide(&owned, cmd.clone(), &w.ctx(&owner, "2026-03-03"));
            assert!(
                !matches!(&got, Err(r) if r.code == RejectionCode::NotOwner),
                "{}: {got:?}",
                cmd.name()
            );
        }
    }
}

pub fn scenario_case_not_found(w: &World, seen: &mut Seen) {
    for cmd in sample_commands() {
        if matches!(cmd, Command::Receive(_)) {
            continue;
        }
        for role in permitted_roles(&cmd) {
            seen.reject(
                &Case::default(),
                cmd.clone(),
                &w.ctx(&insider(*role), "2026-03-04"),
                RejectionCode::CaseNotFound,
            );
        }
    }
}

#[test]
fn permitted_roles_per_command() {
    run(scenario_permitted_roles_table);
}

#[test]
fn roles_not_permitted_are_forbidden() {
    run(scenario_forbidden_for_role);
}

#[test]
fn staff_outside_the_department_are_out_of_scope() {
    run(scenario_out_of_scope);
}

#[test]
fn clerks_other_than_the_assignee_are_refused() {
    run(scenario_not_assignee);
}

#[test]
fn applicants_who_do_not_own_the_case_are_refused() {
    run(scenario_not_owner);
}

#[test]
fn commands_need_an_existing_case() {
    run(scenario_case_not_found);
}
