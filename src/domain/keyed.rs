//! Enums with one string form each, used alike on the wire (serde), in the database (sqlx, on
//! the server) and in HTML attributes, so the spelling of a value lives in exactly one place.

/// Declares an enum whose variants each have one key, with `ALL`, `key()`, `parse()`, serde
/// as that key and, on the server, a TEXT column type (SQLite and PostgreSQL) that refuses
/// unknown keys.
macro_rules! keyed_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $key:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The one string form: wire, database column and HTML value.
            pub fn key(self) -> &'static str {
                match self {
                    $( $name::$variant => $key ),+
                }
            }

            pub fn parse(key: &str) -> Option<$name> {
                match key {
                    $( $key => Some($name::$variant), )+
                    _ => None,
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.key())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let key = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
                $name::parse(&key)
                    .ok_or_else(|| serde::de::Error::unknown_variant(&key, &[$($key),+]))
            }
        }

        #[cfg(feature = "ssr")]
        impl<DB: sqlx::Database> sqlx::Type<DB> for $name
        where
            str: sqlx::Type<DB>,
        {
            fn type_info() -> DB::TypeInfo {
                <str as sqlx::Type<DB>>::type_info()
            }

            fn compatible(ty: &DB::TypeInfo) -> bool {
                <str as sqlx::Type<DB>>::compatible(ty)
            }
        }

        #[cfg(feature = "ssr")]
        impl<'r, DB: sqlx::Database> sqlx::Decode<'r, DB> for $name
        where
            &'r str: sqlx::Decode<'r, DB>,
        {
            fn decode(value: DB::ValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                let key = <&str as sqlx::Decode<'r, DB>>::decode(value)?;
                $name::parse(key).ok_or_else(|| {
                    format!("unknown {} {key:?} in the database", stringify!($name)).into()
                })
            }
        }

        /// Bound to a statement as its key.
        #[cfg(feature = "ssr")]
        impl crate::server::db::StoredKey for $name {
            fn stored_key(&self) -> &'static str {
                self.key()
            }
        }
    };
}

pub(crate) use keyed_enum;

#[cfg(test)]
mod tests {
    keyed_enum! {
        enum Colour {
            Red = "red",
            DarkBlue = "dark_blue",
        }
    }

    #[test]
    fn one_string_form_everywhere() {
        for c in Colour::ALL {
            assert_eq!(Colour::parse(c.key()), Some(*c));
            let json = serde_json::to_string(c).expect("serialize");
            assert_eq!(json, format!("\"{}\"", c.key()));
            assert_eq!(
                serde_json::from_str::<Colour>(&json).expect("deserialize"),
                *c
            );
        }
        assert_eq!(Colour::parse("green"), None);
        assert!(serde_json::from_str::<Colour>("\"green\"").is_err());
    }
}
