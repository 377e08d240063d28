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
//!
//! It sits beside [`crate::error`] at the bottom of the foundation and imports nothing of the
//! crate: an error names [`Compact`] as its encoding, and every other floor imports both.
//! One reader serves every path (forms, direct calls, errors, page data, live events), so
//! an answer is read the same way wherever it arrives.
//!
//! Postcard carries no names or types, so bytes written from one shape read as another as
//! long as the lengths happen to fit: two text fields swapped, a number read as a flag. A page
//! stays open across a deploy (and, with several servers, a rolling one sends its next request
//! to an instance of the new version), so every value starts with the fingerprint of the
//! sources its writer was built from ([`CODE`], made by `app/build.rs`), and a reader built
//! from other sources refuses it as [`Unreadable::OtherCode`]: the page says it must be
//! reloaded, instead of showing or acting on a misread answer.

use serde::{de::DeserializeOwned, Serialize};
use server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};

/// The output encoding of every server function the browser calls (`output = Answer`):
/// arguments still go as form fields (`PostUrl`), so the same functions serve plain forms.
pub type Answer = server_fn::codec::Post<Compact>;

/// The media type of an [`Answer`], which the browser asks for.
pub const ANSWER_TYPE: &str = Compact::CONTENT_TYPE;

/// [`write`] and [`read`] as server_fn's codec: the encoding of answers and of errors. Its
/// own postcard codec reads a value and ignores whatever follows it, so a truncated or
/// concatenated body could be taken for an answer on one path and refused on another.
pub struct Compact;

impl ContentType for Compact {
    const CONTENT_TYPE: &'static str = "application/x-postcard";
}

impl FormatType for Compact {
    const FORMAT_TYPE: Format = Format::Binary;
}

impl<T: Serialize> Encodes<T> for Compact {
    type Error = postcard::Error;

    fn encode(value: &T) -> Result<Bytes, Self::Error> {
        write(value).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for Compact {
    type Error = Unreadable;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        read(&bytes)
    }
}

include!(concat!(env!("OUT_DIR"), "/code.rs"));

/// What a reader built from other sources is told: the one reason to refuse an answer that a
/// person can act on.
pub const OTHER_CODE: &str =
    "Upstream has been updated since this page was opened. Reload the page to continue.";

/// What every value starts with, before [`CODE`]: a byte no text starts with (UTF-8 never
/// uses 0xFF), so a plain-text or HTML answer (a proxy's error page, a size limit's refusal)
/// is told apart from a value written by another build, and only the latter says to reload.
pub const MARK: [u8; 2] = [0xff, b'U'];

/// Why bytes are not a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Written by a program built from other sources ([`CODE`]): this page, or the server it
    /// asked, predates a deploy.
    OtherCode,
    /// Not a value of the type asked for (or a value followed by more bytes).
    Malformed(postcard::Error),
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::OtherCode => f.write_str(OTHER_CODE),
            Unreadable::Malformed(e) => write!(f, "{e}"),
        }
    }
}

/// A value as [`read`] reads it back: [`MARK`], [`CODE`], then the value.
pub fn write<T: Serialize>(value: &T) -> Result<Vec<u8>, postcard::Error> {
    let mut bytes = Vec::with_capacity(64);
    bytes.extend_from_slice(&MARK);
    bytes.extend_from_slice(&CODE);
    postcard::to_extend(value, bytes)
}

/// A value [`write`] wrote (an answer's body, a page's data) in a build from the same sources;
/// an error for anything else, including a value followed by more bytes.
pub fn read<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Unreadable> {
    let Some(coded) = bytes.strip_prefix(&MARK) else {
        return Err(Unreadable::Malformed(
            postcard::Error::DeserializeBadEncoding,
        ));
    };
    let Some(value) = coded.strip_prefix(&CODE) else {
        return Err(Unreadable::OtherCode);
    };
    match postcard::take_from_bytes(value).map_err(Unreadable::Malformed)? {
        (value, []) => Ok(value),
        _ => Err(Unreadable::Malformed(
            postcard::Error::DeserializeBadEncoding,
        )),
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
    use proptest::prelude::*;

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

    #[test]
    fn a_value_from_a_build_of_other_sources_is_refused_not_misread() {
        let ours = write(&("Title", "Body")).expect("writes");
        assert_eq!(ours[..2], MARK);
        assert_eq!(
            ours[2..10],
            CODE,
            "every value carries the sources' fingerprint"
        );
        // The same value from another build: the same bytes after another fingerprint. Read
        // without the fingerprint it would pass for any shape its lengths fit.
        let mut theirs = ours.clone();
        theirs[2] ^= 0xff;
        assert_eq!(
            read::<(String, String)>(&theirs),
            Err(Unreadable::OtherCode)
        );
        assert_eq!(Unreadable::OtherCode.to_string(), OTHER_CODE);
        let text = {
            use base64::Engine as _;
            base64::engine::general_purpose::STANDARD_NO_PAD.encode(&theirs)
        };
        assert_eq!(read_text::<(String, String)>(&text), None);
        let answer: Result<(String, String), _> = Compact::decode(theirs.into());
        assert_eq!(answer, Err(Unreadable::OtherCode));
    }

    #[test]
    fn text_is_not_taken_for_a_value_of_another_build() {
        // What a proxy, a size limit or a rate limit answers: not ours at all.
        for body in [&b""[..], b"Payload Too Large", b"<html>502</html>", b"{}"] {
            assert!(matches!(
                read::<(String, String)>(body),
                Err(Unreadable::Malformed(_))
            ));
        }
    }

    #[test]
    fn the_codec_of_answers_reads_as_read_does() {
        let mut bytes = write(&(1_i64, "one")).expect("writes");
        let answer: Result<(i64, String), _> = Compact::decode(bytes.clone().into());
        assert_eq!(answer.ok(), Some((1, "one".into())));
        bytes.push(0);
        let longer: Result<(i64, String), _> = Compact::decode(bytes.into());
        assert!(
            longer.is_err(),
            "a value followed by more bytes is not an answer"
        );
        let encoded = <Compact as Encodes<_>>::encode(&(1_i64, "one")).expect("writes");
        assert_eq!(encoded.to_vec(), write(&(1_i64, "one")).expect("writes"));
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
            let _ = read::<Vec<(i64, String, Option<(u8, Vec<String>)>)>>(&bytes);
            // And after the right fingerprint, where the value itself is read.
            let mut ours = MARK.to_vec();
            ours.extend_from_slice(&CODE);
            ours.extend_from_slice(&bytes);
            let _ = read::<Vec<(i64, String, Option<(u8, Vec<String>)>)>>(&ours);
        }
    }
}
