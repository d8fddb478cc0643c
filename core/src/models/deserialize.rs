//! `Deserialize` for the models that keep unknown properties in `extra`, written out instead of derived.
//!
//! `#[serde(flatten)]` would make serde read each model through a generic map and buffer every unknown
//! property in its private `Content` tree before converting it again into `extra`; on a list of
//! thousands of integrations that doubled the decode time. The visitor made here reads each known
//! property straight into its field and each unknown one straight into a `serde_json::Value`, in one
//! pass over the bytes. It accepts exactly what the derive with `flatten` accepted: a JSON object (not
//! an array), the camelCase name and its aliases, the same defaults, and the same errors for a missing
//! required field, a duplicate field or a value of the wrong type. Serialization stays derived.

/// Implements `Deserialize` for a model: `required` fields must be present, `optional` ones take their
/// `Default` when absent; each field lists its wire name first, then its aliases; every other
/// property lands in the model's `extra`.
macro_rules! deserialize_with_extra {
    // One field's value in the check, required or optional alike: a second occurrence is the typed read's error;
    // a `null` where serialization leaves the field out is a rewrite.
    (@check_field $map:ident, $seen:ident, $key:literal, $ty:ty) => {{
        if std::mem::replace(&mut $seen, true) {
            return Err(serde::de::Error::duplicate_field($key));
        }
        if $map.next_value::<Checked<$ty>>()?.null && !written($key) {
            rewritten();
        }
    }};
    (
        $name:ident {
            required { $( $req:ident : $req_ty:ty = $req_key:literal $(| $req_alias:literal)* ),* $(,)? }
            optional { $( $opt:ident : $opt_ty:ty = $opt_key:literal $(| $opt_alias:literal)* ),* $(,)? }
        }
    ) => {
        // The key type is shared by the typed read and the check (`models::check`), inside a block of their own
        // so that every model has its own.
        const _: () = {
            /// A property's key: one of the model's fields, or another property (borrowed from the text when it
            /// has no escapes).
            #[allow(non_camel_case_types)]
            enum Key<'de> {
                $( $req, )*
                $( $opt, )*
                Other(std::borrow::Cow<'de, str>),
            }

            /// A property's key, and whether it was spelled as an alias (the check notes that).
            struct Named<'de>(Key<'de>, bool);

            impl<'de> Named<'de> {
                /// `name`'s key, with `other` made only for another property.
                fn of(name: &str, other: impl FnOnce() -> std::borrow::Cow<'de, str>) -> Named<'de> {
                    match name {
                        $( $req_key => Named(Key::$req, false), )*
                        $( $opt_key => Named(Key::$opt, false), )*
                        $( $( $req_alias => Named(Key::$req, true), )* )*
                        $( $( $opt_alias => Named(Key::$opt, true), )* )*
                        _ => Named(Key::Other(other()), false),
                    }
                }
            }

            impl<'de> serde::Deserialize<'de> for Named<'de> {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct KeyVisitor;

                    impl<'de> serde::de::Visitor<'de> for KeyVisitor {
                        type Value = Named<'de>;

                        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            f.write_str("field identifier")
                        }

                        fn visit_borrowed_str<E: serde::de::Error>(self, name: &'de str) -> Result<Named<'de>, E> {
                            Ok(Named::of(name, || std::borrow::Cow::Borrowed(name)))
                        }

                        fn visit_str<E: serde::de::Error>(self, name: &str) -> Result<Named<'de>, E> {
                            Ok(Named::of(name, || std::borrow::Cow::Owned(name.to_owned())))
                        }
                    }

                    deserializer.deserialize_identifier(KeyVisitor)
                }
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct ModelVisitor;

                    impl<'de> serde::de::Visitor<'de> for ModelVisitor {
                        type Value = $name;

                        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            f.write_str(concat!("struct ", stringify!($name)))
                        }

                        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                            $( let mut $req: Option<$req_ty> = None; )*
                            $( let mut $opt: Option<$opt_ty> = None; )*
                            let mut extra = $crate::models::Extra::new();
                            while let Some(Named(key, _)) = map.next_key::<Named<'de>>()? {
                                match key {
                                    $( Key::$req => {
                                        if $req.is_some() {
                                            return Err(<A::Error as serde::de::Error>::duplicate_field($req_key));
                                        }
                                        $req = Some(map.next_value()?);
                                    } )*
                                    $( Key::$opt => {
                                        if $opt.is_some() {
                                            return Err(<A::Error as serde::de::Error>::duplicate_field($opt_key));
                                        }
                                        $opt = Some(map.next_value()?);
                                    } )*
                                    Key::Other(name) => {
                                        let value = map.next_value::<serde_json::Value>()?;
                                        extra.insert(name.into_owned(), value);
                                    }
                                }
                            }
                            $( let $req = $req.ok_or_else(|| <A::Error as serde::de::Error>::missing_field($req_key))?; )*
                            Ok($name { $( $req, )* $( $opt: $opt.unwrap_or_default(), )* extra })
                        }
                    }

                    deserializer.deserialize_map(ModelVisitor)
                }
            }

            /// The model's JSON read as the `Deserialize` above reads it, into nothing (see `models::check`).
            impl<'de> serde::Deserialize<'de> for $crate::models::check::Checked<$name> {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    use $crate::models::check::{Checked, rewritten};

                    /// Whether serialization writes this property when it holds its default.
                    fn written(key: &str) -> bool {
                        static WRITTEN: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
                        WRITTEN.get_or_init($crate::models::check::written_by_default::<$name>).iter().any(|k| k == key)
                    }

                    struct ModelVisitor;

                    impl<'de> serde::de::Visitor<'de> for ModelVisitor {
                        type Value = Checked<$name>;

                        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            f.write_str(concat!("struct ", stringify!($name)))
                        }

                        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                            $( let mut $req = false; )*
                            $( let mut $opt = false; )*
                            while let Some(Named(key, alias)) = map.next_key::<Named<'de>>()? {
                                if alias {
                                    rewritten();
                                }
                                match key {
                                    $( Key::$req => deserialize_with_extra!(@check_field map, $req, $req_key, $req_ty), )*
                                    $( Key::$opt => deserialize_with_extra!(@check_field map, $opt, $opt_key, $opt_ty), )*
                                    Key::Other(_) => {
                                        map.next_value::<Checked<serde_json::Value>>()?;
                                    }
                                }
                            }
                            $( if !$req {
                                return Err(<A::Error as serde::de::Error>::missing_field($req_key));
                            } )*
                            $( if !$opt && written($opt_key) {
                                rewritten();
                            } )*
                            Ok(Checked::value())
                        }
                    }

                    deserializer.deserialize_map(ModelVisitor)
                }
            }
        };

        #[cfg(test)]
        impl $name {
            /// What serde's derive with `#[serde(flatten)] extra` (the former implementation) makes of
            /// `text`: the reference the hand-written `Deserialize` is tested against.
            pub(crate) fn derived_from_str(text: &str) -> Result<$name, serde_json::Error> {
                #[derive(serde::Deserialize)]
                struct Derived {
                    $( #[serde(rename = $req_key $(, alias = $req_alias)*)] $req: $req_ty, )*
                    $( #[serde(default, rename = $opt_key $(, alias = $opt_alias)*)] $opt: $opt_ty, )*
                    #[serde(flatten)]
                    extra: $crate::models::Extra,
                }
                let derived: Derived = serde_json::from_str(text)?;
                Ok($name { $( $req: derived.$req, )* $( $opt: derived.$opt, )* extra: derived.extra })
            }
        }
    };
}
