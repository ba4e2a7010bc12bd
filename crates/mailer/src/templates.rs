//! Notice templates: the defaults compiled into the binary (templates/notices.toml), overlaid
//! with an admin's overrides from the database, rendered with minijinja.
//!
//! An override is checked when it is saved: both parts must compile and render against a
//! realistic sample notice of its kind with undefined variables treated as errors, so that a
//! broken template is refused with its line and the reason, never discovered at send time.

use std::collections::BTreeMap;
use std::sync::Arc;

use gongkai_store::DbConnection;
use gongkai_store::sessions;
use gongkai_workflow::NoticeKind;
use minijinja::{Environment, UndefinedBehavior};
use serde::{Deserialize, Serialize};

use crate::context::NoticeContext;

/// The default templates, as shipped.
pub const DEFAULTS: &str = include_str!("../templates/notices.toml");

/// The template that closes every notice to an applicant or a third party.
pub const FOOTER: &str = "footer";

/// Settings-table key prefix of an admin's override.
const SETTING_PREFIX: &str = "template:";

/// Longest accepted template part (characters).
pub const MAX_TEMPLATE_CHARS: usize = 20_000;

/// One template: subject line and body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    pub subject: String,
    pub body: String,
}

/// What a template rendered to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendered {
    pub subject: String,
    pub body: String,
}

/// A template that does not compile or render: which one, which part, which line, why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template {key}, {part}{}: {reason}", line.map(|l| format!(", line {l}")).unwrap_or_default())]
pub struct TemplateError {
    pub key: String,
    /// `subject` or `body`.
    pub part: &'static str,
    pub line: Option<usize>,
    pub reason: String,
}

/// Every template name: one per notice kind, and the footer.
pub fn keys() -> Vec<String> {
    let mut keys: Vec<String> = NoticeKind::all().into_iter().map(NoticeKind::key).collect();
    keys.push(FOOTER.to_owned());
    keys
}

/// The set in force: defaults with overrides on top, compiled once.
pub struct Templates {
    set: BTreeMap<String, Template>,
    overridden: Vec<String>,
    env: Environment<'static>,
}

impl Templates {
    /// The shipped defaults (tested to parse and render for every kind).
    pub fn defaults() -> Templates {
        Templates::with_overrides(BTreeMap::new())
    }

    /// The defaults with `overrides` on top. An override that no longer compiles (saved by an
    /// older version, say) is dropped in favour of the default, with an error in the log.
    pub fn with_overrides(overrides: BTreeMap<String, Template>) -> Templates {
        let mut set = default_set();
        let mut overridden = Vec::new();
        for (key, template) in overrides {
            if !set.contains_key(&key) {
                continue;
            }
            match validate(&key, &template) {
                Ok(()) => {
                    set.insert(key.clone(), template);
                    overridden.push(key);
                }
                Err(e) => tracing::error!(%e, "ignoring a stored template override"),
            }
        }
        let env = environment(&set);
        Templates {
            set,
            overridden,
            env,
        }
    }

    /// The set in force for `conn`'s database. Compiling the set (some sixty templates) on
    /// every page that shows a notice's subject was a quarter to a third of a case page's time
    /// (issue 21), so the last set compiled is kept with the overrides it was compiled from,
    /// and given again while the stored overrides are the same.
    pub fn load(conn: &mut DbConnection) -> gongkai_store::StoreResult<Arc<Templates>> {
        type Compiled = Option<(BTreeMap<String, Template>, Arc<Templates>)>;
        static LAST: std::sync::Mutex<Compiled> = std::sync::Mutex::new(None);
        let overrides = load_overrides(conn)?;
        let mut last = LAST.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((from, set)) = last.as_ref()
            && *from == overrides
        {
            return Ok(Arc::clone(set));
        }
        let set = Arc::new(Templates::with_overrides(overrides.clone()));
        *last = Some((overrides, Arc::clone(&set)));
        Ok(set)
    }

    pub fn get(&self, key: &str) -> Option<&Template> {
        self.set.get(key)
    }

    /// Whether an admin replaced the default of `key`.
    pub fn is_overridden(&self, key: &str) -> bool {
        self.overridden.iter().any(|k| k == key)
    }

    /// Renders the notice of `kind`: subject and body, with the footer (remedy, agency, date,
    /// document number) under notices that leave the agency.
    pub fn render(&self, kind: NoticeKind, ctx: &NoticeContext) -> Result<Rendered, TemplateError> {
        let key = kind.key();
        let subject = render_part(&self.env, &key, "subject", ctx)?;
        let mut body = render_part(&self.env, &key, "body", ctx)?;
        if !kind.is_internal() {
            body.push('\n');
            body.push_str(&render_part(&self.env, FOOTER, "body", ctx)?);
        }
        Ok(Rendered {
            subject: one_line(&subject),
            body: tidy(&body),
        })
    }
}

/// The shipped defaults, parsed once: every page that shows a notice's subject loads the
/// templates, and parsing the TOML was a measurable part of a case page (issue 21).
fn default_set() -> BTreeMap<String, Template> {
    static DEFAULT_SET: std::sync::LazyLock<BTreeMap<String, Template>> =
        std::sync::LazyLock::new(|| {
            // The file is compiled in and a test parses it; an error here is a build defect.
            toml::from_str(DEFAULTS).unwrap_or_else(|e| {
                tracing::error!(%e, "the built-in templates do not parse");
                BTreeMap::new()
            })
        });
    DEFAULT_SET.clone()
}

/// An environment with gongkai's settings: undefined variables are errors, and the filters
/// templates may use.
fn base_environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("clause", clause);
    env
}

/// Text typed by staff, set inside a sentence: without the sentence-closing punctuation it may
/// end with, so that "因……。，" or "（理由：……。）" never print.
pub fn clause(text: String) -> String {
    text.trim_end_matches(|c: char| c.is_whitespace() || "。；，、.;,".contains(c))
        .to_owned()
}

fn environment(set: &BTreeMap<String, Template>) -> Environment<'static> {
    let mut env = base_environment();
    for (key, template) in set {
        for (part, source) in [("subject", &template.subject), ("body", &template.body)] {
            if let Err(e) = env.add_template_owned(format!("{key}.{part}"), source.clone()) {
                tracing::error!(%e, key, part, "template does not compile");
            }
        }
    }
    env
}

fn render_part(
    env: &Environment<'static>,
    key: &str,
    part: &'static str,
    ctx: &NoticeContext,
) -> Result<String, TemplateError> {
    let fail = |e: minijinja::Error| TemplateError {
        key: key.to_owned(),
        part,
        line: e.line(),
        reason: reason(&e),
    };
    env.get_template(&format!("{key}.{part}"))
        .map_err(fail)?
        .render(minijinja::value::Serde(ctx))
        .map_err(fail)
}

fn reason(e: &minijinja::Error) -> String {
    match e.detail() {
        Some(detail) => format!("{} ({detail})", e.kind()),
        None => e.kind().to_string(),
    }
}

/// A subject is one line: line breaks and other control characters become spaces.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Trims trailing spaces, and runs of more than one blank line that conditional sections leave;
/// a full stop doubled where a sentence of the template meets text typed by staff
/// ("……。。") is printed once.
fn tidy(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut blank = 0;
    for line in s.trim().lines() {
        let mut line = line.trim_end().to_owned();
        while line.contains("。。") {
            line = line.replace("。。", "。");
        }
        let line = line.as_str();
        if line.is_empty() {
            blank += 1;
            if blank > 1 {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Checks a template before it is saved: it must compile, and render a realistic sample notice
/// of its kind with no undefined variable. The error names the part, the line and the reason.
pub fn validate(key: &str, template: &Template) -> Result<(), TemplateError> {
    let kind = NoticeKind::from_key(key);
    if kind.is_none() && key != FOOTER {
        return Err(TemplateError {
            key: key.to_owned(),
            part: "subject",
            line: None,
            reason: format!("unknown template; known: {}", keys().join(", ")),
        });
    }
    for (part, source) in [("subject", &template.subject), ("body", &template.body)] {
        if source.chars().count() > MAX_TEMPLATE_CHARS {
            return Err(TemplateError {
                key: key.to_owned(),
                part,
                line: None,
                reason: format!("longer than {MAX_TEMPLATE_CHARS} characters"),
            });
        }
        if part == "body" && source.trim().is_empty() {
            return Err(TemplateError {
                key: key.to_owned(),
                part,
                line: None,
                reason: "empty".to_owned(),
            });
        }
        if part == "subject" && key != FOOTER && source.trim().is_empty() {
            return Err(TemplateError {
                key: key.to_owned(),
                part,
                line: None,
                reason: "empty".to_owned(),
            });
        }
        let mut env = base_environment();
        let name = format!("{key}.{part}");
        let fail = |e: minijinja::Error| TemplateError {
            key: key.to_owned(),
            part,
            line: e.line(),
            reason: reason(&e),
        };
        env.add_template_owned(name.clone(), source.clone())
            .map_err(fail)?;
        // A realistic notice, and one where everything optional is empty (no correction
        // items, no explanation lines, zero days): a template that indexes into a list or
        // divides by a number fails here, not at send time.
        let sample = NoticeContext::sample(kind.unwrap_or(NoticeKind::Acknowledgment));
        for ctx in [sample, NoticeContext::default()] {
            env.get_template(&name)
                .map_err(fail)?
                .render(minijinja::value::Serde(&ctx))
                .map_err(fail)?;
        }
    }
    Ok(())
}

/// The admins' overrides stored in the database.
pub fn load_overrides(
    conn: &mut DbConnection,
) -> gongkai_store::StoreResult<BTreeMap<String, Template>> {
    let mut out = BTreeMap::new();
    for (key, value) in sessions::settings_with_prefix(conn, SETTING_PREFIX)? {
        let name = key.trim_start_matches(SETTING_PREFIX).to_owned();
        match serde_json::from_str::<Template>(&value) {
            Ok(t) => {
                out.insert(name, t);
            }
            Err(e) => tracing::error!(%e, key, "ignoring an unreadable template override"),
        }
    }
    Ok(out)
}

/// Saves an override after [`validate`]; the dispatcher uses it from its next batch on.
pub fn save_override(
    conn: &mut DbConnection,
    key: &str,
    template: &Template,
    by: &str,
) -> Result<Result<(), TemplateError>, gongkai_store::StoreError> {
    if let Err(e) = validate(key, template) {
        return Ok(Err(e));
    }
    let value = serde_json::to_string(template)
        .map_err(|e| gongkai_store::StoreError::Corrupt(e.to_string()))?;
    sessions::put_setting(
        conn,
        &format!("{SETTING_PREFIX}{key}"),
        &value,
        by,
        chrono::Utc::now().naive_utc(),
    )?;
    Ok(Ok(()))
}

/// Removes an override: the default applies again. `false` when there was none.
pub fn reset_override(conn: &mut DbConnection, key: &str) -> gongkai_store::StoreResult<bool> {
    sessions::delete_setting(conn, &format!("{SETTING_PREFIX}{key}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_parse_and_cover_every_kind_and_nothing_else() {
        let set: BTreeMap<String, Template> = toml::from_str(DEFAULTS).unwrap();
        let mut want = keys();
        want.sort();
        assert_eq!(set.keys().cloned().collect::<Vec<_>>(), want);
        for (key, template) in &set {
            validate(key, template).unwrap_or_else(|e| panic!("{e}"));
        }
    }

    #[test]
    fn a_broken_template_is_refused_with_its_part_line_and_reason() {
        let broken = Template {
            subject: "回执 {{ tracking_number }}".to_owned(),
            body: "{{ applicant }}：\n\n第二行\n{% if due_date %}缺少结束标签\n".to_owned(),
        };
        let e = validate("acknowledgment", &broken).unwrap_err();
        assert_eq!((e.part, e.line), ("body", Some(4)), "{e}");
        assert!(e.to_string().contains("line 4"), "{e}");

        let unknown_variable = Template {
            subject: "回执 {{ tracking_numbr }}".to_owned(),
            body: "正文".to_owned(),
        };
        let e = validate("acknowledgment", &unknown_variable).unwrap_err();
        assert_eq!((e.part, e.line), ("subject", Some(1)), "{e}");
        assert!(e.reason.contains("undefined"), "{e}");

        // Fine on the full sample, but a correction notice has no explanation lines: refused
        // now rather than failing every real notice at send time.
        let indexing = Template {
            subject: "回执".to_owned(),
            body: "{{ due_explanation[0] }}".to_owned(),
        };
        let e = validate("correction_notice", &indexing).unwrap_err();
        assert_eq!(e.part, "body", "{e}");

        let e = validate("no_such_notice", &unknown_variable).unwrap_err();
        assert!(e.reason.contains("unknown template"), "{e}");
    }

    #[test]
    fn subjects_are_one_line_and_bodies_lose_surplus_blank_lines() {
        assert_eq!(one_line("a\r\nBcc: x@y\tz"), "a Bcc: x@y z");
        assert_eq!(tidy("\n甲  \n\n\n\n乙\n"), "甲\n\n乙\n");
        assert_eq!(tidy("见附件。。\n好。。。\n"), "见附件。\n好。\n");
    }

    /// 三（五）5 (confirm or re-issue information already obtained) has no article of the
    /// Regulations: its notice cites none, and leaves no "根据的规定" hole.
    #[test]
    fn a_not_processed_notice_without_a_basis_cites_nothing() {
        use gongkai_workflow::notice::ReplyNotice;
        use gongkai_workflow::outcome::NotProcessedGround;
        let kind = NoticeKind::Reply(ReplyNotice::NotProcessed);
        let confirmation =
            gongkai_workflow::Outcome::NotProcessed(NotProcessedGround::Confirmation);
        assert_eq!(confirmation.legal_basis_zh(), None);
        let mut ctx = NoticeContext::sample(kind);
        ctx.reply.ground = crate::context::ground_zh(confirmation).to_owned();
        ctx.reply.basis = String::new();
        let r = Templates::defaults().render(kind, &ctx).unwrap();
        assert!(
            r.body
                .contains("原因为：要求行政机关确认或重新出具已获取信息。特此告知。"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("根据的规定"), "{}", r.body);
        assert!(!r.body.contains("第三十九条"), "{}", r.body);
    }

    #[test]
    fn clause_drops_the_closing_punctuation_of_typed_text() {
        assert_eq!(clause("需要调取档案。".to_owned()), "需要调取档案");
        assert_eq!(clause("已查到； ".to_owned()), "已查到");
        assert_eq!(clause("电话010-1234".to_owned()), "电话010-1234");
        // In a rendered notice.
        let templates = Templates::defaults();
        let mut ctx = NoticeContext::sample(NoticeKind::ExtensionNotice);
        ctx.extension.reason = "所需信息涉及多个部门，需要汇总核实。".to_owned();
        let r = templates.render(NoticeKind::ExtensionNotice, &ctx).unwrap();
        assert!(
            r.body
                .contains("因所需信息涉及多个部门，需要汇总核实，不能"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("。，"), "{}", r.body);
        let mut ctx = NoticeContext::sample(NoticeKind::WithdrawalConfirmation);
        ctx.withdrawal_reason = "已查到。".to_owned();
        let r = templates
            .render(NoticeKind::WithdrawalConfirmation, &ctx)
            .unwrap();
        assert!(r.body.contains("（理由：已查到）"), "{}", r.body);
        let mut ctx = NoticeContext::sample(NoticeKind::Reply(
            gongkai_workflow::notice::ReplyNotice::Disclosed,
        ));
        ctx.reply.text = "相关信息见附件。。".to_owned();
        let r = templates
            .render(
                NoticeKind::Reply(gongkai_workflow::notice::ReplyNotice::Disclosed),
                &ctx,
            )
            .unwrap();
        assert!(!r.body.contains("。。"), "{}", r.body);
    }
}
