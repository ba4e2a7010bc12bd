//! The workflow's enums stored as TEXT (`Status`, `Role`, `WarningLevel`), read into rows as
//! the enum rather than as a string.
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
use gongkai_workflow::{Role, Status, WarningLevel};

/// An enum with a stable text form, as stored in a TEXT column.
pub trait StoredText: Copy + std::fmt::Debug + Sized + 'static {
    /// What the column holds, for the error on an unknown value ("status", "role").
    const WHAT: &'static str;
    fn as_text(self) -> &'static str;
    fn from_text(text: &str) -> Option<Self>;
}

/// A stored enum value (TEXT, NOT NULL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = Text)]
pub struct Stored<T: StoredText>(pub T);

/// A stored enum value in a nullable TEXT column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, AsExpression, FromSqlRow)]
#[diesel(sql_type = Nullable<Text>)]
pub struct OptionalStored<T: StoredText>(pub Option<T>);

fn parse<T: StoredText>(text: &str) -> deserialize::Result<T> {
    T::from_text(text)
        .ok_or_else(|| format!("unknown {} \"{text}\" in the database", T::WHAT).into())
}

impl<T: StoredText, DB: Backend> FromSql<Text, DB> for Stored<T>
where
    String: FromSql<Text, DB>,
{
    fn from_sql(bytes: DB::RawValue<'_>) -> deserialize::Result<Self> {
        let text = String::from_sql(bytes)?;
        parse(&text).map(Stored)
    }
}

impl<T: StoredText, DB: Backend> ToSql<Text, DB> for Stored<T>
where
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        self.0.as_text().to_sql(out)
    }
}

impl<T: StoredText, DB: Backend> FromSql<Nullable<Text>, DB> for OptionalStored<T>
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

impl<T: StoredText, DB: Backend> ToSql<Nullable<Text>, DB> for OptionalStored<T>
where
    str: ToSql<Text, DB>,
{
    fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
        match self.0 {
            Some(v) => v.as_text().to_sql(out),
            None => Ok(serialize::IsNull::Yes),
        }
    }
}

impl<T: StoredText> From<T> for Stored<T> {
    fn from(value: T) -> Self {
        Stored(value)
    }
}

impl<T: StoredText> From<Option<T>> for OptionalStored<T> {
    fn from(value: Option<T>) -> Self {
        OptionalStored(value)
    }
}

impl<T: StoredText> From<OptionalStored<T>> for Option<T> {
    fn from(value: OptionalStored<T>) -> Self {
        value.0
    }
}

/// The workflow's enums: their own `as_str`/`parse`, and the conversion out of the wrapper
/// (one impl per type: a blanket one would implement a foreign trait for any `T`).
macro_rules! stored_text {
    ($($ty:ty => $what:literal),* $(,)?) => {$(
        impl StoredText for $ty {
            const WHAT: &'static str = $what;
            fn as_text(self) -> &'static str {
                self.as_str()
            }
            fn from_text(text: &str) -> Option<Self> {
                <$ty>::parse(text)
            }
        }

        impl From<Stored<$ty>> for $ty {
            fn from(value: Stored<$ty>) -> Self {
                value.0
            }
        }
    )*};
}

stored_text!(
    Status => "status",
    Role => "role",
    WarningLevel => "warning level",
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stored_value_reads_back_and_unknown_text_is_an_error() {
        for s in Status::ALL {
            assert_eq!(parse::<Status>(s.as_text()).unwrap(), s);
        }
        let e = parse::<Role>("superuser").unwrap_err();
        assert_eq!(e.to_string(), "unknown role \"superuser\" in the database");
    }
}
