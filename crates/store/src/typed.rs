//! The workflow's enums stored as TEXT (any `Vocabulary`: `Status`, `Role`, `WarningLevel`, …),
//! read into rows as the enum rather than as a string, and the store's own named value, the
//! outbox row's [`OutboxStatus`], written with the same vocabulary table.
//!
//! diesel's `FromSql`/`ToSql` cannot be implemented here for the workflow's types (neither
//! the trait nor the type is ours), so the rows go through a wrapper: a field declared
//! `#[diesel(deserialize_as = Stored<Status>)]` (or `OptionalStored<…>` for a nullable column)
//! is read as the wrapper, which parses the text, and converted into the enum. A value the
//! enum does not know is a deserialization error naming the column's kind and the value, never
//! a panic. Writes bind the enum's `as_str`, or the wrapper itself (it is an SQL TEXT
//! expression).

use diesel::backend::Backend;
use diesel::deserialize::FromSqlRow;
use diesel::deserialize::{self, FromSql};
use diesel::expression::AsExpression;
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{Nullable, Text};
use gongkai_workflow::outcome::OutcomeKind;
use gongkai_workflow::{Role, Status, Vocabulary, WarningLevel};
use serde::Serialize;

/// A stored enum value (TEXT, NOT NULL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct Stored<T: Vocabulary>(pub T);

/// A stored enum value in a nullable TEXT column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = Nullable<Text>)]
pub struct OptionalStored<T: Vocabulary>(pub Option<T>);

/// The value named `text`; an unknown name is an error naming the enum (`Status`, `Role`, …).
fn parse<T: Vocabulary>(text: &str) -> deserialize::Result<T> {
    T::parse(text).ok_or_else(|| {
        let what = std::any::type_name::<T>()
            .rsplit("::")
            .next()
            .unwrap_or("value");
        format!("unknown {what} \"{text}\" in the database").into()
    })
}

impl<T: Vocabulary, DB: Backend> FromSql<Text, DB> for Stored<T>
where
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let text = String::from_sql(bytes)?;
        parse(&text).map(Stored)
    }
}

impl<T: Vocabulary, DB: Backend> ToSql<Text, DB> for Stored<T>
where
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        Vocabulary::as_str(self.0).to_sql(out)
    }
}

impl<T: Vocabulary, DB: Backend> FromSql<Nullable<Text>, DB> for OptionalStored<T>
where
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let text = String::from_sql(bytes)?;
        parse(&text).map(|v| OptionalStored(Some(v)))
    }

    fn from_nullable_sql(bytes: Option<DB::RawValue<'_>>) -> deserialize::Result<Self> {
        match bytes {
            Some(b) => Self::from_sql(b),
            None => Ok(OptionalStored(None)),
        }
    }
}

impl<T: Vocabulary, DB: Backend> ToSql<Nullable<Text>, DB> for OptionalStored<T>
where
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        match self.0 {
            Some(v) => Vocabulary::as_str(v).to_sql(out),
            None => Ok(serialize::IsNull::Yes),
        }
    }
}

impl<T: Vocabulary> From<T> for Stored<T> {
    fn from(value: T) -> Self {
        Stored(value)
    }
}

impl<T: Vocabulary> From<Option<T>> for OptionalStored<T> {
    fn from(value: Option<T>) -> Self {
        OptionalStored(value)
    }
}

impl<T: Vocabulary> From<OptionalStored<T>> for Option<T> {
    fn from(value: OptionalStored<T>) -> Self {
        value.0
    }
}

/// The conversion out of the wrapper, one impl per enum the rows carry (a blanket impl would
/// implement a foreign trait for any `T`).
macro_rules! stored {
    ($($ty:ty),* $(,)?) => {$(
        impl From<Stored<$ty>> for $ty {
            fn from(value: Stored<$ty>) -> Self {
                value.0
            }
        }
    )*};
}

stored!(Status, Role, WarningLevel, OutcomeKind, OutboxStatus);

/// Where an outbox row stands: `pending` → `sending` (claimed, lease running) → `sent`, or
/// back to `pending` after a temporary failure, or `failed`, or `unaddressed` (nobody to
/// email: printed and delivered by other means).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxStatus {
    Pending,
    Sending,
    Sent,
    Failed,
    Unaddressed,
}

gongkai_workflow::vocabulary!(OutboxStatus {
    Pending => "pending", "待发送";
    Sending => "sending", "发送中";
    Sent => "sent", "已发送";
    Failed => "failed", "发送失败";
    Unaddressed => "unaddressed", "待打印送达";
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_value_reads_back_and_unknown_text_is_an_error() {
        for s in Status::ALL {
            assert_eq!(parse::<Status>(s.as_str()).unwrap(), s);
        }
        for s in OutboxStatus::ALL {
            assert_eq!(parse::<OutboxStatus>(s.as_str()).unwrap(), s);
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        let e = parse::<Role>("superuser").unwrap_err();
        assert_eq!(e.to_string(), "unknown Role \"superuser\" in the database");
    }
}
