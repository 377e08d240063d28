//! Data a page loads, encoded for hydration the way server functions encode their answers.
//!
//! A resource's value travels from the server into the page as JSON, which Leptos' default
//! codec reads back from a `&str`, while a server function's answer (the same types, when the
//! page refetches) is read from bytes. serde_json compiles a reader per input kind, so every
//! type a page both loads and refetches was decoded by two copies of the same code in the
//! browser's bundle. [`Json`] reads the page's values from bytes too, and the copies are one.
//!
//! A value whose largest part the page already shows (a section's rendered text, set with
//! `inner_html`, which hydration leaves as the server rendered it) need not ride in the page a
//! second time: [`load_shown`] writes the page's copy through [`ShownInPage`], which swaps that
//! part for [`SHOWN_IN_PAGE`]. On a reader's section page that copy was over a third of the HTML.

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

/// What a value carries in the page's data in place of a part the page shows in its HTML: an
/// empty comment, so that even set as HTML it shows nothing.
pub const SHOWN_IN_PAGE: &str = "<!---->";

/// A value with a part the page already shows in its HTML, where hydration does not read it.
pub trait ShownInPage {
    /// The value as the page's data carries it: that part replaced by [`SHOWN_IN_PAGE`].
    fn as_carried(&self) -> Self;
}

impl<T: ShownInPage, E: Clone> ShownInPage for Result<T, E> {
    fn as_carried(&self) -> Self {
        self.as_ref().map(T::as_carried).map_err(E::clone)
    }
}

/// [`Json`], writing the page's copy of a value without what the page shows ([`ShownInPage`]).
pub struct PageJson;

impl<T: Serialize + ShownInPage> Encoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, serde_json::Error> {
        serde_json::to_string(&value.as_carried())
    }
}

impl<T: DeserializeOwned> Decoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(text: &str) -> Result<T, serde_json::Error> {
        <Json as Decoder<T>>::decode(text)
    }
}

/// A resource encoded with [`PageJson`].
pub type LoadedShown<T> = Resource<T, PageJson>;

/// [`load`] for a value with a part the page shows in its HTML ([`ShownInPage`]): that part
/// stays out of the page's data. Only for parts that reach the page as `inner_html` and are
/// not read in the browser until the value is fetched again.
#[track_caller]
pub fn load_shown<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> LoadedShown<T>
where
    T: Serialize + DeserializeOwned + ShownInPage + Send + Sync + 'static,
    S: PartialEq + Clone + Send + Sync + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

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

    #[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
    struct Shown {
        id: i64,
        html: String,
    }

    impl ShownInPage for Shown {
        fn as_carried(&self) -> Self {
            Shown {
                id: self.id,
                html: SHOWN_IN_PAGE.to_owned(),
            }
        }
    }

    #[test]
    fn the_page_carries_a_value_without_what_it_shows() {
        let value: Result<Shown, String> = Ok(Shown {
            id: 7,
            html: "<p>a long rendered text</p>".into(),
        });
        let text = <PageJson as Encoder<_>>::encode(&value).expect("encodes");
        assert!(!text.contains("a long rendered text"));
        let back: Result<Shown, String> = <PageJson as Decoder<_>>::decode(&text).expect("decodes");
        assert_eq!(
            back,
            Ok(Shown {
                id: 7,
                html: SHOWN_IN_PAGE.into()
            })
        );
        let failed: Result<Shown, String> = Err("not found".into());
        let text = <PageJson as Encoder<_>>::encode(&failed).expect("encodes");
        assert_eq!(<PageJson as Decoder<_>>::decode(&text).ok(), Some(failed));
    }

    #[test]
    fn text_that_is_not_the_type_is_an_error_not_a_panic() {
        let back: Result<Vec<i64>, _> = <Json as Decoder<_>>::decode("{\"not\": \"a list\"}");
        assert!(back.is_err());
    }
}
