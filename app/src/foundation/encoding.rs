//! How values travel to the browser: server functions' answers, their errors, the data a page
//! is hydrated with and the live events, all in one compact binary form (postcard).
//!
//! They all travelled as JSON. Reading JSON into a struct compiles, for every type the browser
//! reads, a body that matches field names, skips unknown keys and whitespace and reports
//! positions; that was an eighth of a section page's module, and the JSON reader itself sat in
//! the module every page loads. Postcard reads a struct as its fields in order, with no names:
//! the section page's files are 37 KB smaller (brotli), the main module 21 KB, which is what a
//! slow link waits for. The answers are smaller too (no field names).
//!
//! What people and other programs read stays JSON: the audit trail's export, the details in
//! the audit trail, the events servers pass each other through PostgreSQL. Nothing here is
//! read from a client: forms and server-function arguments arrive as form fields, which the
//! server parses and bounds as before. The browser reads only what this server wrote, and an
//! answer it cannot read is an error, never a panic.

use serde::{de::DeserializeOwned, Serialize};

/// The output encoding of every server function the browser calls (`output = Answer`):
/// arguments still go as form fields (`PostUrl`), so the same functions serve plain forms.
pub type Answer = server_fn::codec::Postcard;

/// The media type of an [`Answer`], which the browser asks for.
pub const ANSWER_TYPE: &str =
    <server_fn::codec::PostcardEncoding as server_fn::ContentType>::CONTENT_TYPE;

/// A value as [`read`] reads it back.
pub fn write<T: Serialize>(value: &T) -> Result<Vec<u8>, postcard::Error> {
    postcard::to_allocvec(value)
}

/// A value [`write`] wrote (an answer's body, a page's data); an error for anything else,
/// including a value followed by more bytes.
pub fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, postcard::Error> {
    match postcard::take_from_bytes(bytes)? {
        (value, []) => Ok(value),
        _ => Err(postcard::Error::DeserializeBadEncoding),
    }
}

/// [`write`] as text (base64), for carriers that take text only: server-sent events.
pub fn write_text<T: Serialize>(value: &T) -> Result<String, postcard::Error> {
    use base64::Engine as _;
    write(value).map(|bytes| base64::engine::general_purpose::STANDARD_NO_PAD.encode(bytes))
}

/// A value [`write_text`] wrote; `None` for any other text.
pub fn read_text<T: DeserializeOwned>(text: &str) -> Option<T> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(text)
        .ok()?;
    read(&bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;
    use proptest::prelude::*;

    #[test]
    fn an_error_is_written_as_answers_are_and_reads_back() {
        use server_fn::error::FromServerFnError;
        let conflict = AppError::Conflict("Saved by someone else".into());
        assert_eq!(conflict.ser().to_vec(), write(&conflict).expect("writes"));
        assert_eq!(AppError::de(conflict.ser()), conflict);
        let error = AppError::field("title", "A title is needed «here».");
        assert_eq!(AppError::de(error.ser()), error);
    }

    #[test]
    fn an_error_is_its_variants_index_then_its_fields() {
        // The browser test of addresses carrying an error writes one by hand this way.
        let conflict = AppError::Conflict("abc".into());
        assert_eq!(write(&conflict).expect("writes"), [5, 3, b'a', b'b', b'c']);
    }

    #[test]
    fn bytes_of_the_wrong_shape_are_an_error() {
        assert!(read::<(i64, String)>(&[]).is_err());
        let mut longer = write(&(1_i64, "one")).expect("writes");
        assert_eq!(read::<(i64, String)>(&longer).ok(), Some((1, "one".into())));
        longer.push(0);
        assert!(read::<(i64, String)>(&longer).is_err());
        assert!(read::<(i64, String)>(b"{\"version\":3}").is_err());
        assert!(read_text::<(i64, String)>("not base64 at all!").is_none());
        assert!(read_text::<(i64, String)>("").is_none());
    }

    proptest! {
        #[test]
        fn values_read_back_as_they_were_written(
            value in proptest::collection::vec((any::<i64>(), ".*", proptest::option::of(any::<bool>())), 0..20)
        ) {
            let bytes = write(&value).expect("writes");
            prop_assert_eq!(&read::<Vec<(i64, String, Option<bool>)>>(&bytes).expect("reads"), &value);
            let text = write_text(&value).expect("writes");
            prop_assert_eq!(read_text::<Vec<(i64, String, Option<bool>)>>(&text), Some(value));
        }

        #[test]
        fn any_bytes_are_read_without_a_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            let _ = read::<Vec<(i64, String, Option<AppError>)>>(&bytes);
        }
    }
}
