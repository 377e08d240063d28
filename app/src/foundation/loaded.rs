//! Data a page loads, encoded for hydration the way server functions encode their answers.
//!
//! A resource's value travels from the server into the page in the same compact form as a
//! server function's answer ([`crate::encoding`]; Leptos writes the bytes into the
//! page as base64 and reads them back), so the browser reads the two with one copy of the
//! code, and a page carries no field names.
//!
//! A value whose largest part the page already shows (a section's rendered text, set with
//! `inner_html`, which hydration leaves as the server rendered it) need not ride in the page a
//! second time: [`load_shown`] writes the page's copy through [`ShownInPage`], which swaps that
//! part for [`SHOWN_IN_PAGE`]. On a reader's section page that copy was over a third of the HTML.

use crate::encoding;
use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::{de::DeserializeOwned, Serialize};
use std::future::Future;

/// A page's data as [`encoding`] writes answers.
pub struct Compact;

impl<T: Serialize> Encoder<T> for Compact {
    type Error = postcard::Error;
    type Encoded = Vec<u8>;

    fn encode(value: &T) -> Result<Vec<u8>, postcard::Error> {
        encoding::write(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for Compact {
    type Error = encoding::Unreadable;
    type Encoded = [u8];

    fn decode(bytes: &[u8]) -> Result<T, encoding::Unreadable> {
        encoding::read(bytes)
    }
}

/// A resource encoded with [`Compact`].
pub type Loaded<T> = Resource<T, Compact>;

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

/// [`Compact`], writing the page's copy of a value without what the page shows
/// ([`ShownInPage`]).
pub struct PageCompact;

impl<T: Serialize + ShownInPage> Encoder<T> for PageCompact {
    type Error = postcard::Error;
    type Encoded = Vec<u8>;

    fn encode(value: &T) -> Result<Vec<u8>, postcard::Error> {
        encoding::write(&value.as_carried())
    }
}

impl<T: DeserializeOwned> Decoder<T> for PageCompact {
    type Error = encoding::Unreadable;
    type Encoded = [u8];

    fn decode(bytes: &[u8]) -> Result<T, encoding::Unreadable> {
        encoding::read(bytes)
    }
}

/// A resource encoded with [`PageCompact`].
pub type LoadedShown<T> = Resource<T, PageCompact>;

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

/// [`Resource::new`] with [`Compact`]: loads `fetcher(source())`, on the server when the page is
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
        let bytes = <Compact as Encoder<_>>::encode(&value).expect("encodes");
        let back: Result<Vec<(i64, String)>, String> =
            <Compact as Decoder<_>>::decode(&bytes).expect("decodes");
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
        let bytes = <PageCompact as Encoder<_>>::encode(&value).expect("encodes");
        assert!(!String::from_utf8_lossy(&bytes).contains("a long rendered text"));
        let back: Result<Shown, String> =
            <PageCompact as Decoder<_>>::decode(&bytes).expect("decodes");
        assert_eq!(
            back,
            Ok(Shown {
                id: 7,
                html: SHOWN_IN_PAGE.into()
            })
        );
        let failed: Result<Shown, String> = Err("not found".into());
        let bytes = <PageCompact as Encoder<_>>::encode(&failed).expect("encodes");
        assert_eq!(
            <PageCompact as Decoder<_>>::decode(&bytes).ok(),
            Some(failed)
        );
    }

    #[test]
    fn bytes_that_are_not_the_type_are_an_error_not_a_panic() {
        let back: Result<Vec<i64>, _> = <Compact as Decoder<_>>::decode(b"{\"not\": \"a list\"}");
        assert!(back.is_err());
    }
}
