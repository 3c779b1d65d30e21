//! How a change request tells "leave this field alone" from "clear it":
//! an absent field is `None`, an explicit `null` is `Some(None)`. Every
//! patch type deserialises its nullable fields with [`double_option`].

/// Deserialises a present field, `null` included, as `Some(…)`; with
/// `#[serde(default)]`, an absent one stays `None`.
pub mod double_option {
    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}
