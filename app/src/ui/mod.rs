//! Components shared by every feature: layout, form fields, error pages.

pub mod errors;
pub mod fields;
pub mod layout;

/// A Unix time as `2026-11-22 14:05 UTC`.
pub fn format_time(unix: i64) -> String {
    use time::macros::format_description;
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| "unknown time".to_owned())
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_unix_time_in_utc() {
        assert_eq!(super::format_time(0), "1970-01-01 00:00 UTC");
    }
}
