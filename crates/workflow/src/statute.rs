//! Statute profiles: the periods the clock applies, as data (config/statutes.toml).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::calendar::parse_date;
use crate::model::SentBy;
use crate::vocabulary::vocabulary;

/// Kinds of pause in the reply period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PauseKind {
    /// 征求第三方意见 (art. 32).
    ThirdParty,
    /// 征求其他行政机关意见 (art. 33 second paragraph; art. 34 for jointly made information).
    OtherAgency,
    /// From the fee notice to payment (收费通知至缴费).
    Fee,
    /// A pause entered by hand (the `deadline` command's `--pause`).
    Other,
}

vocabulary!(PauseKind {
    ThirdParty => "third_party", "征求第三方意见";
    OtherAgency => "other_agency", "征求其他行政机关意见";
    Fee => "fee", "缴纳信息处理费";
    Other => "other", "期限中止";
});

/// One statute profile: the periods (in working days) and counting rules of one version of
/// the Regulations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatuteProfile {
    pub id: String,
    pub name: String,
    /// The profile applies to requests received on or after this date.
    #[serde(default, with = "opt_date")]
    pub received_from: Option<NaiveDate>,
    /// The profile applies to requests received before this date.
    #[serde(default, with = "opt_date")]
    pub received_before: Option<NaiveDate>,
    pub reply_days: u32,
    pub extension_days: u32,
    pub correction_notice_days: u32,
    pub correction_period_days: u32,
    pub third_party_days: u32,
    pub other_agency_days: u32,
    pub fee_payment_days: u32,
    pub due_soon_days: u32,
    pub first_day_counts: bool,
    pub excluded_pauses: Vec<PauseKind>,
    /// Calendar days after a letter's date on which it is presumed received, by how it was
    /// sent, until the real day is recorded.
    #[serde(default)]
    pub presumed_receipt_days: PresumedReceipt,
    /// Working days after an art. 33 consultation letter is received (no statutory window)
    /// after which the clerk is reminded that no answer has come.
    #[serde(default = "default_agency_opinion_reminder_days")]
    pub agency_opinion_reminder_days: u32,
    /// Working days, counted from receipt of the request for reasons (art. 35), that the
    /// applicant is given to answer. The Regulations set none.
    #[serde(default = "default_reasons_answer_days")]
    pub reasons_answer_days: u32,
    /// The provision that sets the reply period, as notices cite it (the overdue reminder):
    /// art. 33 of the 2019 text, art. 24 of the 2008 text. Unset, notices name the Regulations
    /// without an article rather than a wrong one.
    #[serde(default)]
    pub reply_provision: Option<String>,
}

const fn default_agency_opinion_reminder_days() -> u32 {
    10
}

const fn default_reasons_answer_days() -> u32 {
    15
}

/// Calendar days from a letter's date to its presumed receipt, per way of sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PresumedReceipt {
    pub post: u32,
    pub email: u32,
    pub fax: u32,
    pub in_person: u32,
    pub online: u32,
}

impl Default for PresumedReceipt {
    fn default() -> PresumedReceipt {
        PresumedReceipt {
            post: 3,
            email: 0,
            fax: 0,
            in_person: 0,
            online: 0,
        }
    }
}

impl PresumedReceipt {
    pub fn days(&self, sent_by: SentBy) -> u32 {
        match sent_by {
            SentBy::Post => self.post,
            SentBy::Email => self.email,
            SentBy::Fax => self.fax,
            SentBy::InPerson => self.in_person,
            SentBy::Online => self.online,
        }
    }
}

impl StatuteProfile {
    pub fn applies_to(&self, receipt: NaiveDate) -> bool {
        self.received_from.is_none_or(|from| receipt >= from)
            && self.received_before.is_none_or(|before| receipt < before)
    }

    pub fn excludes(&self, kind: PauseKind) -> bool {
        self.excluded_pauses.contains(&kind)
    }

    /// The day a letter dated `letter_date` and sent by `sent_by` is presumed received.
    pub fn presumed_receipt(&self, letter_date: NaiveDate, sent_by: SentBy) -> NaiveDate {
        letter_date
            .checked_add_days(chrono::Days::new(u64::from(
                self.presumed_receipt_days.days(sent_by),
            )))
            .unwrap_or(letter_date)
    }
}

/// The set of statute profiles gongkai knows, with the default one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Statute {
    pub default: String,
    #[serde(rename = "profile")]
    pub profiles: Vec<StatuteProfile>,
}

/// A statute file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatuteError {
    pub source_name: String,
    pub problem: String,
}

impl fmt::Display for StatuteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source_name, self.problem)
    }
}

impl std::error::Error for StatuteError {}

/// The longest period a profile may set, in working days (about a year and a half).
pub const MAX_PERIOD: u32 = 365;

/// The profiles shipped with gongkai (config/statutes.toml, compiled in).
pub const BUILTIN_STATUTES: &str = include_str!("../../../config/statutes.toml");

impl Statute {
    pub fn from_toml_str(source_name: &str, text: &str) -> Result<Statute, StatuteError> {
        let fail = |problem: String| StatuteError {
            source_name: source_name.to_owned(),
            problem,
        };
        let statute: Statute =
            toml::from_str(text).map_err(|e| fail(e.to_string().trim_end().to_owned()))?;
        if statute.profile(&statute.default).is_none() {
            return Err(fail(format!(
                "default profile \"{}\" is not defined",
                statute.default
            )));
        }
        for (i, p) in statute.profiles.iter().enumerate() {
            if statute.profiles[..i].iter().any(|q| q.id == p.id) {
                return Err(fail(format!("profile \"{}\" is defined twice", p.id)));
            }
            if p.reply_days == 0 {
                return Err(fail(format!(
                    "profile \"{}\": reply_days must be > 0",
                    p.id
                )));
            }
            for (name, value) in [
                ("post", p.presumed_receipt_days.post),
                ("email", p.presumed_receipt_days.email),
                ("fax", p.presumed_receipt_days.fax),
                ("in_person", p.presumed_receipt_days.in_person),
                ("online", p.presumed_receipt_days.online),
            ] {
                if value > 60 {
                    return Err(fail(format!(
                        "profile \"{}\": presumed_receipt_days.{name} = {value} is more than 60 calendar days",
                        p.id
                    )));
                }
            }
            for (name, value) in [
                ("reply_days", p.reply_days),
                ("extension_days", p.extension_days),
                ("correction_notice_days", p.correction_notice_days),
                ("correction_period_days", p.correction_period_days),
                ("third_party_days", p.third_party_days),
                ("other_agency_days", p.other_agency_days),
                ("fee_payment_days", p.fee_payment_days),
                ("due_soon_days", p.due_soon_days),
                (
                    "agency_opinion_reminder_days",
                    p.agency_opinion_reminder_days,
                ),
                ("reasons_answer_days", p.reasons_answer_days),
            ] {
                if value > MAX_PERIOD {
                    return Err(fail(format!(
                        "profile \"{}\": {name} = {value} is more than {MAX_PERIOD} working days",
                        p.id
                    )));
                }
            }
        }
        Ok(statute)
    }

    /// The built-in profiles cn-2019 and cn-2008.
    pub fn builtin() -> Statute {
        // The file is compiled in and checked by a unit test, so this cannot fail at run time;
        // fall back to an empty set rather than panic if it ever did.
        Statute::from_toml_str("config/statutes.toml", BUILTIN_STATUTES).unwrap_or(Statute {
            default: String::new(),
            profiles: Vec::new(),
        })
    }

    pub fn profile(&self, id: &str) -> Option<&StatuteProfile> {
        self.profiles.iter().find(|p| p.id == id)
    }

    pub fn default_profile(&self) -> Option<&StatuteProfile> {
        self.profile(&self.default)
    }

    /// The profile that governs a request received on `receipt`; none when no profile covers
    /// that date (e.g. before the Regulations took effect on 2008-05-01).
    pub fn profile_for(&self, receipt: NaiveDate) -> Option<&StatuteProfile> {
        self.profiles.iter().find(|p| p.applies_to(receipt))
    }

    /// The first receipt date any profile covers (2008-05-01 for the built-in profiles, the day
    /// the Regulations took effect); none when some profile has no lower bound.
    pub fn first_receipt_date(&self) -> Option<NaiveDate> {
        self.profiles
            .iter()
            .map(|p| p.received_from)
            .collect::<Option<Vec<_>>>()?
            .into_iter()
            .min()
    }

    pub fn ids(&self) -> Vec<&str> {
        self.profiles.iter().map(|p| p.id.as_str()).collect()
    }
}

mod opt_date {
    use super::*;
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(&d.to_string()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(|t| {
            parse_date(&t)
                .ok_or_else(|| serde::de::Error::custom(format!("\"{t}\" is not a valid date")))
        })
        .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_profiles_load() {
        let s = Statute::from_toml_str("builtin", BUILTIN_STATUTES).unwrap();
        assert_eq!(s.default, "cn-2019");
        let d = |t: &str| parse_date(t).unwrap();
        assert_eq!(s.profile_for(d("2019-05-14")).unwrap().id, "cn-2008");
        assert_eq!(s.profile_for(d("2019-05-15")).unwrap().id, "cn-2019");
        let p2019 = s.profile("cn-2019").unwrap();
        assert_eq!((p2019.reply_days, p2019.extension_days), (20, 20));
        let p2008 = s.profile("cn-2008").unwrap();
        assert_eq!((p2008.reply_days, p2008.extension_days), (15, 15));
        assert!(p2008.excludes(PauseKind::ThirdParty));
        assert!(!p2008.excludes(PauseKind::OtherAgency));
        assert!(!p2008.excludes(PauseKind::Fee));
        assert!(!p2008.excludes(PauseKind::Other));
        assert!(s.profile_for(d("2008-04-30")).is_none());
        assert_eq!(s.first_receipt_date(), Some(d("2008-05-01")));
    }

    #[test]
    fn bad_statute_files_are_refused() {
        let err = Statute::from_toml_str("x.toml", "default = \"nope\"\nprofile = []").unwrap_err();
        assert!(err.to_string().contains("\"nope\" is not defined"), "{err}");
        let huge = BUILTIN_STATUTES.replacen("reply_days = 20", "reply_days = 2000000000", 1);
        let err = Statute::from_toml_str("big.toml", &huge).unwrap_err();
        assert!(
            err.to_string()
                .contains("profile \"cn-2019\": reply_days = 2000000000 is more than 365"),
            "{err}"
        );
    }
}
