//! The named values of the domain. Every fieldless enum that a user reads or the database
//! stores (statuses, roles, channels, outcomes, …) is a [`Vocabulary`]: the list of its values,
//! each value's stored name (the snake_case name serde writes, also the TEXT in the database and
//! the value of a form field) and the name a user reads. The table of each enum is written once,
//! beside the enum, with `vocabulary!`; no other crate spells a value's name or label.

/// A closed set of named values.
pub trait Vocabulary: Copy + Eq + std::fmt::Debug + 'static {
    /// Every value, in the order forms and reports list them.
    const ALL: &'static [Self];

    /// The stored and serialized name.
    fn as_str(self) -> &'static str;

    /// The value whose stored name is `text`.
    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.as_str() == text)
    }

    /// The name a user reads (zh-CN).
    fn label_zh(self) -> &'static str;
}

/// Writes `ALL`, `as_str`, `parse` and `label_zh` of a fieldless enum, as inherent items (no
/// import needed to call them) and as its [`Vocabulary`] implementation, from one table of
/// `Variant => "stored_name", "标签";` lines. The compiler checks the table against the enum:
/// a variant left out makes a match non-exhaustive; the unit tests check the names against
/// serde's. Exported for the other crates' own named values (the store's outbox status); not
/// part of the domain's API.
#[doc(hidden)]
#[macro_export]
macro_rules! vocabulary {
    ($ty:ident { $($variant:ident => $name:literal, $label:literal;)+ }) => {
        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: [$ty; [$($name),+].len()] = [$($ty::$variant),+];

            /// The stored and serialized name.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $name,)+
                }
            }

            /// The value whose stored name is `text`.
            pub fn parse(text: &str) -> Option<$ty> {
                match text {
                    $($name => Some($ty::$variant),)+
                    _ => None,
                }
            }

            /// The name a user reads (zh-CN).
            pub const fn label_zh(self) -> &'static str {
                match self {
                    $($ty::$variant => $label,)+
                }
            }
        }

        impl $crate::vocabulary::Vocabulary for $ty {
            const ALL: &'static [$ty] = &<$ty>::ALL;

            fn as_str(self) -> &'static str {
                <$ty>::as_str(self)
            }

            fn parse(text: &str) -> Option<$ty> {
                <$ty>::parse(text)
            }

            fn label_zh(self) -> &'static str {
                <$ty>::label_zh(self)
            }
        }
    };
}

pub(crate) use vocabulary;
