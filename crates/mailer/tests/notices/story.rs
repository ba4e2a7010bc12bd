//! A case as it is lived: commands, events, the notices the events call for, rendered.

use super::*;

// A case as it is lived: commands, events, and the notices the events call for.
// ---------------------------------------------------------------------------------------------

/// A notice the case called for: the sequence number of its event (1-based), what, to whom,
/// and what caused it (the event's name, or the scheduler's reminder).
pub(crate) struct Called {
    pub(crate) seq: i64,
    pub(crate) notice: Notice,
    pub(crate) cause: &'static str,
}

pub(crate) struct Story<'l> {
    pub(crate) law: &'l Law,
    pub(crate) case_id: &'static str,
    pub(crate) tracking_number: &'static str,
    pub(crate) events: Vec<Event>,
    pub(crate) case: Case,
    pub(crate) called: Vec<Called>,
}

impl<'l> Story<'l> {
    pub(crate) fn new(
        law: &'l Law,
        case_id: &'static str,
        tracking_number: &'static str,
    ) -> Story<'l> {
        Story {
            law,
            case_id,
            tracking_number,
            events: Vec::new(),
            case: Case::default(),
            called: Vec::new(),
        }
    }

    pub(crate) fn seq(&self) -> i64 {
        i64::try_from(self.events.len()).unwrap()
    }

    /// The secrecy review by the supervisor on `day`, where the draft lists a release: no
    /// notice.
    pub(crate) fn review(&mut self, day: &str) {
        if self
            .case
            .draft
            .as_ref()
            .is_some_and(|d| !d.reply.release.is_empty())
        {
            let none: Vec<NoticeKind> = Vec::new();
            assert_eq!(
                self.act(&supervisor(), day, gongkai_testkit::secrecy_review()),
                none
            );
        }
    }

    /// `actor` issues `cmd` at 10:00 on `day`; returns the kinds of the notices its events call
    /// for (each read against the case right after its event, as the store writes them).
    pub(crate) fn act(&mut self, actor: &Actor, day: &str, cmd: Command) -> Vec<NoticeKind> {
        let name = cmd.name();
        let ctx = Context {
            now: at(day),
            actor: actor.clone(),
            calendar: &self.law.calendar,
            statute: &self.law.statute,
        };
        let events = decide(&self.case, cmd, &ctx).unwrap_or_else(|r| {
            panic!(
                "{}: {name} by {} on {day} refused: {r}",
                self.tracking_number, actor.id
            )
        });
        assert!(!events.is_empty(), "{name} made no event");
        // As the store writes them (`notices_of`): each notice read against the case right
        // after its event, a staff reminder rendered from the command's last event.
        let base = self.seq();
        let (case, called) = gongkai_workflow::notices_of(self.case.clone(), &events);
        self.case = case;
        let mut kinds = Vec::new();
        for c in called {
            kinds.push(c.notice.kind);
            self.called.push(Called {
                seq: base + i64::try_from(c.at).unwrap() + 1,
                notice: c.notice,
                cause: events[c.cause].kind.name(),
            });
        }
        self.events.extend(events);
        kinds
    }

    /// The scheduler's pass at 10:00 on `day` finds the reply due soon and reminds the
    /// assignee, at the case's latest event (as `schedule::run_once` writes it).
    pub(crate) fn scheduler_due_soon(&mut self, day: &str) {
        let level = self
            .case
            .warning_level(&self.law.calendar, &self.law.statute, at(day));
        assert_eq!(level, Some(WarningLevel::DueSoon), "{day}");
        self.called.push(Called {
            seq: self.seq(),
            notice: Notice {
                kind: NoticeKind::DueSoon,
                recipient: Recipient::Assignee,
            },
            cause: "due_soon_reminder",
        });
    }

    /// The scheduler's pass at 10:00 on `day` finds an open consultation whose window ended
    /// (or whose art. 33 reminder day passed) and reminds the assignee.
    pub(crate) fn scheduler_consultation_due(&mut self, day: &str) {
        let due = self.case.consultation_due().expect("an open consultation");
        assert!(legal_date(at(day)) > due, "{day}: consultation due {due}");
        self.called.push(Called {
            seq: self.seq(),
            notice: Notice {
                kind: NoticeKind::ConsultationDue,
                recipient: Recipient::Assignee,
            },
            cause: "consultation_due_reminder",
        });
    }

    /// The reply due date as the case stands.
    pub(crate) fn due(&self) -> Option<NaiveDate> {
        self.case
            .reply_due(&self.law.calendar, &self.law.statute)
            .and_then(|r| r.due)
    }

    /// The notice context of `kind` to `recipient` at event `seq`, built from `events` as the
    /// dispatcher builds it (`message::prepare`).
    pub(crate) fn context(
        &self,
        events: &[Event],
        seq: i64,
        kind: NoticeKind,
        recipient: &Recipient,
    ) -> NoticeContext {
        let upto = Case::from_events(&self.events[..usize::try_from(seq).unwrap()]);
        let assignee_name = upto.assignee.as_deref().and_then(display_name);
        let recipient_name = match recipient {
            Recipient::Assignee => assignee_name.clone(),
            _ => None,
        };
        NoticeContext::build(&Source {
            case_id: self.case_id,
            events,
            event_seq: seq,
            kind,
            recipient,
            recipient_name,
            agency_name: AGENCY_NAME.to_owned(),
            department_name: DEPT_NAME.to_owned(),
            assignee_name,
            remedy_bodies: RemedyBodies {
                reconsideration_body: Some(RECONSIDERATION_BODY.to_owned()),
                court: Some(COURT.to_owned()),
            },
            law: self.law,
            base_url: BASE_URL,
        })
    }

    /// Every notice of the case, rendered with `templates` from its whole history.
    pub(crate) fn issue(&self, templates: &Templates) -> Vec<Issued> {
        self.called
            .iter()
            .map(|c| {
                let kind = c.notice.kind;
                let context = self.context(&self.events, c.seq, kind, &c.notice.recipient);
                let rendered = templates
                    .render(kind, &context)
                    .unwrap_or_else(|e| panic!("{}: {e}", self.tracking_number));
                let event = &self.events[usize::try_from(c.seq).unwrap() - 1];
                Issued {
                    case_id: self.case_id,
                    tracking_number: self.tracking_number,
                    seq: c.seq,
                    cause: c.cause,
                    event_date: event.legal_date.unwrap_or_else(|| legal_date(event.at)),
                    kind,
                    recipient: c.notice.recipient.clone(),
                    prefix_context: self.context(
                        &self.events[..usize::try_from(c.seq).unwrap()],
                        c.seq,
                        kind,
                        &c.notice.recipient,
                    ),
                    context,
                    rendered,
                }
            })
            .collect()
    }
}

/// One notice as it would go out.
pub(crate) struct Issued {
    pub(crate) case_id: &'static str,
    pub(crate) tracking_number: &'static str,
    pub(crate) seq: i64,
    pub(crate) cause: &'static str,
    /// The legal date of the notice's event.
    pub(crate) event_date: NaiveDate,
    pub(crate) kind: NoticeKind,
    pub(crate) recipient: Recipient,
    /// Built from the case's whole history (as the dispatcher does, at any later time).
    pub(crate) context: NoticeContext,
    /// Built from the history up to the notice's event only.
    pub(crate) prefix_context: NoticeContext,
    pub(crate) rendered: Rendered,
}

impl Issued {
    pub(crate) fn text(&self) -> String {
        let to = match &self.recipient {
            Recipient::Applicant => "申请人".to_owned(),
            Recipient::Consulted(party) => party.clone(),
            Recipient::Assignee => "承办人".to_owned(),
            Recipient::Supervisors => "审核人".to_owned(),
        };
        format!(
            "──── {} 第{}号事件（{}），致{to} ────\n主题：{}\n\n{}",
            self.tracking_number, self.seq, self.cause, self.rendered.subject, self.rendered.body
        )
    }
}

// ---------------------------------------------------------------------------------------------
