//! The error every server function returns: what the person is told, and nothing more.
//! Causes stay in the server log; this type crosses the wire and, for forms posted without
//! JavaScript, waits in the session for the page the form returns to
//! (`foundation::form_return`), so it never holds secrets.

use serde::{Deserialize, Serialize};
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// A message about one form field, shown next to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldMessage {
    /// The `name` of the input the message is about.
    pub field: String,
    /// What is wrong, in words a person can act on.
    pub message: String,
}

/// Everything wrong with a submitted form, plus the non-secret values it carried so the
/// form can be filled in again when it comes back without JavaScript.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormErrors {
    /// Messages by field, in form order.
    pub fields: Vec<FieldMessage>,
    /// Submitted values to put back in the form (never passwords).
    pub values: Vec<(String, String)>,
}

impl FormErrors {
    /// Adds a message for `field`.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.fields.push(FieldMessage {
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// Remembers a submitted value so the form can be refilled.
    pub fn keep(mut self, field: &str, value: &str) -> Self {
        self.values.push((field.to_owned(), value.to_owned()));
        self
    }

    /// True when no field has a message.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The message for `field`, if any.
    pub fn message(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|m| m.field == field)
            .map(|m| m.message.as_str())
    }

    /// The value that was submitted for `field`, if it was kept.
    pub fn value(&self, field: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, v)| v.as_str())
    }

    /// `Err(AppError::Invalid(self))` when anything was added, `Ok(())` otherwise.
    pub fn into_result(self) -> Result<(), AppError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(AppError::Invalid(self))
        }
    }
}

impl std::fmt::Display for FormErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.fields.as_slice() {
            [only] => write!(f, "{}", only.message),
            _ => write!(f, "Please correct the highlighted fields."),
        }
    }
}

/// The API layer's error: one variant per thing a person can be told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// No session, or the session ended.
    #[error("Please log in to continue.")]
    Unauthenticated,
    /// Logged in, but this person may not do this.
    #[error("You do not have permission to do that.")]
    Forbidden,
    /// The thing does not exist, or this person may not know it exists.
    #[error("That could not be found.")]
    NotFound,
    /// Input failed validation; the messages go next to the fields.
    #[error("{0}")]
    Invalid(FormErrors),
    /// Login refused for a while after repeated failures.
    #[error("Too many failed attempts. Try again in {} minute(s).", .retry_after_secs.div_ceil(60))]
    Throttled {
        /// Seconds until the next attempt is allowed.
        retry_after_secs: u64,
    },
    /// The request clashes with the current state (a duplicate, a used invitation...).
    #[error("{0}")]
    Conflict(String),
    /// Something failed on the server; the log has the details.
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The request could not reach or be read by the server function. People are told in
    /// plain words (the cause, e.g. the browser's "TypeError: Failed to fetch", is kept for
    /// logs and debugging, not shown).
    #[error(
        "The server could not be reached, or could not read what was sent. Check your connection and try again: what you typed is still here."
    )]
    Transport(String),
    /// The answer was written by a server built from other sources than this page's bundle
    /// (`encoding::Unreadable::OtherCode`): Upstream was updated while the page was open. Only
    /// ever made in the browser, never sent.
    #[error("{}", crate::encoding::OTHER_CODE)]
    Outdated,
}

impl AppError {
    /// An `Invalid` error with one message.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        let mut errors = FormErrors::default();
        errors.add(field, message);
        AppError::Invalid(errors)
    }

    /// The HTTP status a non-browser client should see for this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid(_) => 422,
            AppError::Throttled { .. } => 429,
            AppError::Conflict(_) => 409,
            AppError::Internal => 500,
            AppError::Transport(_) => 400,
            AppError::Outdated => 409,
        }
    }

    /// The form errors, when this is a validation failure.
    pub fn form_errors(&self) -> Option<&FormErrors> {
        match self {
            AppError::Invalid(errors) => Some(errors),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    // The compact form of every answer: errors travel in answers' bodies and in the address a
    // plain form returns to, and are read by the one reader answers have.
    type Encoder = crate::encoding::Compact;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // server_fn passes the codec's reason on as its text alone.
            ServerFnErrorErr::Deserialization(reason) if reason == crate::encoding::OTHER_CODE => {
                AppError::Outdated
            }
            other => AppError::Transport(other.to_string()),
        }
    }

    fn de(data: server_fn::Bytes) -> Self {
        crate::encoding::read(&data).unwrap_or_else(AppError::from)
    }
}

/// Bytes that are not an answer: another build's ([`AppError::Outdated`]), or not ours at all,
/// which the person is told as a transport failure. Every reader of answers maps them so.
impl From<crate::encoding::Unreadable> for AppError {
    fn from(reason: crate::encoding::Unreadable) -> Self {
        match reason {
            crate::encoding::Unreadable::OtherCode => AppError::Outdated,
            malformed => AppError::Transport(
                ServerFnErrorErr::Deserialization(malformed.to_string()).to_string(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::{read, write, Unreadable, CODE, MARK, OTHER_CODE};

    #[test]
    fn an_error_is_written_as_answers_are_and_reads_back() {
        let conflict = AppError::Conflict("Saved by someone else".into());
        assert_eq!(conflict.ser().to_vec(), write(&conflict).expect("writes"));
        assert_eq!(AppError::de(conflict.ser()), conflict);
        let error = AppError::field("title", "A title is needed «here».");
        assert_eq!(AppError::de(error.ser()), error);
    }

    #[test]
    fn an_error_is_the_fingerprint_then_its_variants_index_then_its_fields() {
        // The browser test of addresses carrying an error writes one by hand this way.
        let conflict = AppError::Conflict("abc".into());
        let bytes = write(&conflict).expect("writes");
        assert_eq!(bytes[..2], MARK);
        assert_eq!(bytes[2..10], CODE);
        assert_eq!(bytes[10..], [5, 3, b'a', b'b', b'c']);
    }

    #[test]
    fn an_error_or_an_answer_from_a_build_of_other_sources_says_to_reload() {
        let mut bytes = write(&AppError::Conflict("abc".into())).expect("writes");
        bytes[2] ^= 0xff;
        assert_eq!(AppError::de(bytes.into()), AppError::Outdated);
        // Text is not ours at all: a transport error, not a reason to reload.
        assert!(matches!(
            AppError::de(b"Payload Too Large".to_vec().into()),
            AppError::Transport(_)
        ));
        // A successful answer's decoding error comes through server_fn as its text.
        let from_client = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            Unreadable::OtherCode.to_string(),
        ));
        assert_eq!(from_client, AppError::Outdated);
        assert_eq!(AppError::Outdated.to_string(), OTHER_CODE);
        let other = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "Hit the end of buffer".into(),
        ));
        assert!(matches!(other, AppError::Transport(_)));
    }

    #[test]
    fn an_error_followed_by_more_bytes_is_read_as_answers_are_refused() {
        let mut bytes = write(&AppError::Conflict("abc".into())).expect("writes");
        bytes.push(0);
        assert!(read::<AppError>(&bytes).is_err());
        assert!(matches!(
            AppError::de(bytes.into()),
            AppError::Transport(message) if message.contains("deserializing")
        ));
    }

    #[test]
    fn any_bytes_are_read_as_an_error_without_a_panic() {
        let shapes: [&[u8]; 5] = [&[], &[5], &[5, 9, b'a'], &[200, 1], br#"{"Conflict":"x"}"#];
        for bytes in shapes {
            let _ = AppError::de(bytes.to_vec().into());
        }
    }

    #[test]
    fn throttled_message_rounds_minutes_up() {
        let e = AppError::Throttled {
            retry_after_secs: 61,
        };
        assert_eq!(
            e.to_string(),
            "Too many failed attempts. Try again in 2 minute(s)."
        );
    }

    #[test]
    fn form_errors_with_one_field_say_what_is_wrong() {
        let err = AppError::field("email", "Enter an email address.");
        assert_eq!(err.to_string(), "Enter an email address.");
        assert_eq!(
            err.form_errors().and_then(|f| f.message("email")),
            Some("Enter an email address.")
        );
        assert_eq!(err.status(), 422);
    }

    #[test]
    fn empty_form_errors_are_ok() {
        assert_eq!(FormErrors::default().into_result(), Ok(()));
    }
}
