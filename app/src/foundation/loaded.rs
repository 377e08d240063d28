//! Data a page loads, encoded for hydration the way server functions encode their answers.
//!
//! A resource's value travels from the server into the page as JSON, which Leptos' default
//! codec reads back from a `&str`, while a server function's answer (the same types, when the
//! page refetches) is read from bytes. serde_json compiles a reader per input kind, so every
//! type a page both loads and refetches was decoded by two copies of the same code in the
//! browser's bundle. [`Json`] reads the page's values from bytes too, and the copies are one.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// JSON written as text and read from bytes, like server functions' answers.
pub struct Json;

impl<T: Serialize> Encoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Json {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        serde_json::from_slice(text.as_bytes())
    }
}

/// A resource encoded with [`Json`].
pub type Loaded<T> = Resource<T, Json>;

/// [`Resource::new`] with [`Json`]: loads `fetcher(source())`, on the server when the page is
/// rendered (its value then rides in the page) and in the browser whenever `source` changes.
#[track_caller]
pub fn load<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Loaded<T>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_back_as_they_were_written() {
        let value: Result<Vec<(i64, String)>, String> = Ok(vec![(1, "«quoted» \"text\"".into())]);
        let text = <Json as Encoder<_>>::encode(&value).expect("encodes");
        let back: Result<Vec<(i64, String)>, String> =
            <Json as Decoder<_>>::decode(&text).expect("decodes");
        assert_eq!(back, value);
    }

    #[test]
    fn text_that_is_not_the_type_is_an_error_not_a_panic() {
        let back: Result<Vec<i64>, _> = <Json as Decoder<_>>::decode("{\"not\": \"a list\"}");
        assert!(back.is_err());
    }
}
