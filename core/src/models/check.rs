//! Reading a model's JSON without building the model: whether it decodes, and whether the server's text already
//! says what the model's serialization would (server-made fields included), so that a binding whose own parser
//! builds the objects (Node's `JSON.parse`) can take the server's text as it is. On a list of 10,000
//! integrations (1.9 MB), decoding the models, writing them again and dropping them cost about 5-6 ms; this check
//! costs 2.2-2.4 ms and allocates nothing per item.
//!
//! The text is taken as it is when parsing it gives what parsing the serialization would, keys in any order:
//! every known property under its wire name (not an alias), no property absent that serialization would write
//! (as a default), no `null` where serialization would leave the property out. Anything else marks the text
//! rewritten, and the caller decodes and serializes as before; a text that does not decode is read the typed way
//! too, which gives the error.

use std::cell::Cell;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};

/// `T`'s JSON, read without building a `T`; `null` is true when the value was JSON `null` (an `Option` read as
/// `None`), since a model's serialization may leave such a property out.
pub(crate) struct Checked<T> {
    pub(crate) null: bool,
    model: PhantomData<T>,
}

impl<T> Checked<T> {
    pub(crate) fn value() -> Checked<T> {
        Checked { null: false, model: PhantomData }
    }
}

thread_local! {
    /// Set while checking when the text says something in a way the model's serialization would not.
    static REWRITTEN: Cell<bool> = const { Cell::new(false) };
}

/// Notes that the model's serialization would not give back the text being checked.
pub(crate) fn rewritten() {
    REWRITTEN.set(true);
}

/// Whether `text` decodes as `T` and is what `T`'s serialization would give, up to key order and the spelling
/// of strings and numbers (see the module's doc).
pub(crate) fn as_serialized<T>(text: &str) -> bool
where
    Checked<T>: DeserializeOwned,
{
    REWRITTEN.set(false);
    serde_json::from_str::<Checked<T>>(text).is_ok() && !REWRITTEN.get()
}

impl<'de> Deserialize<'de> for Checked<String> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = ();
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
                Ok(())
            }
        }
        deserializer.deserialize_str(Text).map(|()| Checked::value())
    }
}

/// Values that decode without allocating: read as themselves.
macro_rules! checked_as_itself {
    ($($ty:ty),*) => {$(
        impl<'de> Deserialize<'de> for Checked<$ty> {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <$ty>::deserialize(deserializer).map(|_| Checked::value())
            }
        }
    )*};
}

checked_as_itself!(bool, u32);

impl<'de, T> Deserialize<'de> for Checked<Option<T>>
where
    Checked<T>: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let some = Option::<Checked<T>>::deserialize(deserializer)?;
        Ok(Checked { null: some.is_none(), model: PhantomData })
    }
}

impl<'de, T> Deserialize<'de> for Checked<Vec<T>>
where
    Checked<T>: Deserialize<'de>,
{
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Items<T>(PhantomData<T>);
        impl<'de, T> Visitor<'de> for Items<T>
        where
            Checked<T>: Deserialize<'de>,
        {
            type Value = ();
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a sequence")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
                while items.next_element::<Checked<T>>()?.is_some() {}
                Ok(())
            }
        }
        deserializer.deserialize_seq(Items::<T>(PhantomData)).map(|()| Checked::value())
    }
}

/// Any JSON, as `serde_json::Value` reads it (strings unescaped and checked, numbers in range), into nothing.
impl<'de> Deserialize<'de> for Checked<serde_json::Value> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Any;
        impl<'de> Visitor<'de> for Any {
            type Value = ();
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("any valid JSON value")
            }
            fn visit_bool<E>(self, _: bool) -> Result<(), E> {
                Ok(())
            }
            fn visit_i64<E>(self, _: i64) -> Result<(), E> {
                Ok(())
            }
            fn visit_u64<E>(self, _: u64) -> Result<(), E> {
                Ok(())
            }
            fn visit_f64<E>(self, _: f64) -> Result<(), E> {
                Ok(())
            }
            fn visit_str<E>(self, _: &str) -> Result<(), E> {
                Ok(())
            }
            fn visit_unit<E>(self) -> Result<(), E> {
                Ok(())
            }
            fn visit_none<E>(self) -> Result<(), E> {
                Ok(())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<(), A::Error> {
                while items.next_element::<Checked<serde_json::Value>>()?.is_some() {}
                Ok(())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<(), A::Error> {
                while entries.next_entry::<Checked<String>, Checked<serde_json::Value>>()?.is_some() {}
                Ok(())
            }
        }
        deserializer.deserialize_any(Any).map(|()| Checked::value())
    }
}

/// A select option is read by a derived `Deserialize`, which drops unknown properties: checked as the typed read
/// would be, and always rewritten.
impl<'de> Deserialize<'de> for Checked<super::SelectOption> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        rewritten();
        super::SelectOption::deserialize(deserializer).map(|_| Checked::value())
    }
}

/// The wire names of the properties a model's serialization writes even when they hold their default (a
/// `null`, an empty list): computed once per model from `T::default()`, server-made fields included. (Written as
/// text and read back, with code a binding has anyway, rather than serialized to a `Value`.)
pub(crate) fn written_by_default<T: Default + serde::Serialize>() -> Vec<String> {
    let text = crate::binding::JsonText::of(&T::default());
    let object = text
        .ok()
        .and_then(|text| serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(text.as_bytes()).ok());
    object.map(|object| object.into_iter().map(|(key, _)| key).collect()).unwrap_or_default()
}
