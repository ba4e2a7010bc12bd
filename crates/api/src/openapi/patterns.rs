//! The patterns and lengths of the strings the server takes, as JSON Schema.

use serde_json::{Value, json};

use crate::body::limits;

/// Control characters refused in any string of a JSON body (tab and line breaks are allowed),
/// as a character-class body.
pub(super) const BODY_CONTROLS: &str = r"\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F";
/// Control characters refused in a path or query (ASCII ones, literally or percent-encoded).
pub(super) const URL_CONTROLS: &str = r"\u0000-\u001F\u007F";
/// Every control character (`char::is_control`).
pub(super) const CONTROLS: &str = r"\u0000-\u001F\u007F-\u009F";
/// White space as `str::trim` and `char::is_whitespace` see it (Unicode White_Space).
pub(super) const WHITE_SPACE: &str =
    r"\u0009-\u000D\u0020\u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";
/// The white space that is not a control character.
pub(super) const PLAIN_SPACE: &str =
    r"\u0020\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000";

/// A body string without control characters.
pub(super) fn body_text() -> String {
    format!("^[^{BODY_CONTROLS}]*$")
}

/// A body string without control characters that is not blank.
pub(super) fn body_filled() -> String {
    format!("^[^{BODY_CONTROLS}]*[^{BODY_CONTROLS}{WHITE_SPACE}][^{BODY_CONTROLS}]*$")
}

/// A path or query value without control characters.
pub(super) fn url_text() -> String {
    format!("^[^{URL_CONTROLS}]*$")
}

/// A valid calendar date, YYYY-MM-DD (leap years included).
pub(super) fn date_pattern() -> &'static str {
    concat!(
        "([0-9]{4}-(0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])",
        "|[0-9]{4}-(0[469]|11)-(0[1-9]|[12][0-9]|30)",
        "|[0-9]{4}-02-(0[1-9]|1[0-9]|2[0-8])",
        "|([0-9]{2}(0[48]|[2468][048]|[13579][26])|(0[048]|[2468][048]|[13579][26])00)-02-29)"
    )
}

/// One alternative out of `names`, for a pattern.
pub(super) fn one_of(names: &[&str]) -> String {
    format!("({})", names.join("|"))
}

/// What a string must be.
pub(super) struct Text {
    min: usize,
    max: usize,
    pub(super) pattern: String,
}

impl Text {
    /// A required text (`body::required`): not blank, at most `max` characters.
    pub(super) fn filled(max: usize) -> Text {
        Text {
            min: 1,
            max,
            pattern: body_filled(),
        }
    }

    /// An optional text (`body::at_most`): at most `max` characters.
    pub(super) fn upto(max: usize) -> Text {
        Text {
            min: 0,
            max,
            pattern: body_text(),
        }
    }

    pub(super) fn pattern(min: usize, max: usize, pattern: String) -> Text {
        Text { min, max, pattern }
    }

    pub(super) fn apply(&self, schema: &mut Value) {
        let Some(o) = schema.as_object_mut() else {
            return;
        };
        o.insert("maxLength".into(), json!(self.max));
        if self.min > 0 {
            o.insert("minLength".into(), json!(self.min));
        } else {
            o.remove("minLength");
        }
        o.insert("pattern".into(), json!(self.pattern));
    }
}

/// Usernames (`^[A-Za-z0-9._@-]{3,64}$`).
pub(super) fn username() -> Text {
    let (min, max) = (limits::USERNAME_MIN, limits::USERNAME_MAX);
    Text::pattern(min, max, format!("^[A-Za-z0-9._@-]{{{min},{max}}}$"))
}

/// Agency and department codes.
pub(super) fn code() -> Text {
    let (min, max) = (limits::CODE_MIN, limits::CODE_MAX);
    Text::pattern(min, max, format!("^[a-z0-9-]{{{min},{max}}}$"))
}

/// A password a user sets: `auth::check_password_rule` — a letter and an ASCII digit among
/// `PASSWORD_MIN..=PASSWORD_MAX` characters.
pub(super) fn new_password() -> Text {
    let c = BODY_CONTROLS;
    let l = LETTERS;
    Text::pattern(
        limits::PASSWORD_MIN,
        limits::PASSWORD_MAX,
        format!("^[^{c}]*([0-9][^{c}]*[{l}]|[{l}][^{c}]*[0-9])[^{c}]*$"),
    )
}

/// Letters of the common scripts (Latin, Greek, Cyrillic, kana, CJK, Hangul): the letters a
/// password is sure to be counted with. (The server counts every alphabetic character; the
/// document cannot name them all portably.)
pub(super) const LETTERS: &str = concat!(
    r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u024F\u0391-\u03A9\u03B1-\u03C9",
    r"\u0410-\u044F\u3041-\u3096\u30A1-\u30FA\u4E00-\u9FFF\uAC00-\uD7A3"
);

/// An applicant's email address as `service::filing::validate_applicant` checks it.
pub(super) fn applicant_email() -> Text {
    let (c, w) = (BODY_CONTROLS, WHITE_SPACE);
    Text::pattern(
        0,
        limits::EMAIL,
        format!("^[^@{c}{w}]+@[^.{c}{w}][^{c}{w}]*\\.[^{c}{w}]*$"),
    )
}

/// A staff email address (parsed as an RFC 5322 address; this is the plain form of it, with
/// DNS labels of at most 63 characters).
pub(super) fn staff_email(empty_ok: bool) -> Text {
    let label = "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
    let address = format!("[A-Za-z0-9_+-]+(\\.[A-Za-z0-9_+-]+)*@{label}(\\.{label})*");
    let pattern = if empty_ok {
        format!("^({address})?$")
    } else {
        format!("^{address}$")
    };
    Text::pattern(usize::from(!empty_ok), limits::EMAIL, pattern)
}
