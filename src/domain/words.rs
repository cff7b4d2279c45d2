//! The closed vocabularies of the batch contract (categories, kinds, channels, roles, statuses…): one macro gives
//! each the same behaviour — the exact wire word of DESIGN.md §6, a lenient parse (case, accents, spaces and hyphens
//! ignored) with a French error listing the admitted values, and a French label for the interface.

/// Declares a vocabulary enum: `Variant => "wire" ("label") [| "alias" …]`.
#[macro_export]
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident, $what:literal,
     { $($variant:ident => $wire:literal ($label:literal) $(| $alias:literal)*),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word of the batch vocabulary.
            pub fn wire(self) -> &'static str {
                match self {
                    $($name::$variant => $wire),+
                }
            }

            /// The French label shown in the interface.
            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label),+
                }
            }

            /// Parses a value ignoring case, accents, spaces and hyphens.
            pub fn parse(s: &str) -> Result<$name, $crate::domain::ids::Invalid> {
                let folded = $crate::domain::ids::fold(s.trim()).replace([' ', '-'], "_");
                $(
                    if folded == $crate::domain::ids::fold($wire) $(|| folded == $alias)* {
                        return Ok($name::$variant);
                    }
                )+
                Err($crate::domain::ids::Invalid(format!(
                    "valeur inconnue pour {} : « {} » ; valeurs admises : {}",
                    $what,
                    s,
                    [$($wire),+].join(", ")
                )))
            }
        }

        impl TryFrom<String> for $name {
            type Error = $crate::domain::ids::Invalid;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                $name::parse(&s)
            }
        }

        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str {
                v.wire()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.wire())
            }
        }
    };
}
