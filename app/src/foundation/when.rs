//! Times as people read them: "3 hours ago", and the exact time in their own time zone.
//! Pure functions: the page renders the exact UTC time on the server, and the browser, once
//! the page has hydrated, rewrites it with these (see `ui::timestamp::Time`), so the server's and
//! the browser's first renderings are the same text.

use super::calendar::Moment;

/// How long ago `then` was, seen at `now` (both Unix seconds): "just now", "5 minutes ago",
/// "3 hours ago", "yesterday", "4 days ago", then the date itself ("2026-11-22") once it is
/// more than a month old. These are times things happened: one ahead of `now` means the
/// reader's clock is behind the server's, and reads "just now" too.
pub fn relative(then: i64, now: i64) -> String {
    let ago = now.saturating_sub(then);
    if ago < 45 {
        return "just now".to_owned();
    }
    if ago >= 30 * DAY {
        return date(then);
    }
    if (DAY..2 * DAY).contains(&ago) {
        return "yesterday".to_owned();
    }
    match span(ago) {
        Some(span) => format!("{span} ago"),
        None => "just now".to_owned(),
    }
}

/// Like [`relative`], for moments that may lie ahead, such as an expiry: "in 5 minutes", "in
/// 3 hours", "tomorrow", "in 6 days", then the date once it is more than a month away. A
/// moment passed reads as [`relative`] reads it ("2 days ago").
pub fn relative_either(then: i64, now: i64) -> String {
    let ahead = then.saturating_sub(now);
    if ahead < 45 {
        return relative(then, now);
    }
    if ahead >= 30 * DAY {
        return date(then);
    }
    if (DAY..2 * DAY).contains(&ahead) {
        return "tomorrow".to_owned();
    }
    match span(ahead) {
        Some(span) => format!("in {span}"),
        // Under a minute ahead, but not under 45 seconds.
        None => "in a minute".to_owned(),
    }
}

const MINUTE: i64 = 60;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// A span in its largest whole unit ("1 minute", "3 hours", "12 days"); `None` under a minute.
fn span(seconds: i64) -> Option<String> {
    let (n, unit) = if seconds >= DAY {
        (seconds / DAY, "day")
    } else if seconds >= HOUR {
        (seconds / HOUR, "hour")
    } else if seconds >= MINUTE {
        (seconds / MINUTE, "minute")
    } else {
        return None;
    };
    Some(format!("{n} {unit}{}", if n == 1 { "" } else { "s" }))
}

/// The calendar day of `unix` in UTC, `2026-11-22`.
fn date(unix: i64) -> String {
    Moment::utc(unix)
        .map(|m| m.date())
        .unwrap_or_else(|| "an unknown day".to_owned())
}

/// `unix` as the machine-readable `datetime` of a `<time>` element: `2026-11-22T14:05:00Z`.
pub fn datetime_attr(unix: i64) -> String {
    Moment::utc(unix)
        .map(|m| format!("{}T{}:{:02}Z", m.date(), m.hour_minute(), m.second))
        .unwrap_or_default()
}

/// `unix` in a time zone `offset_minutes` east of UTC (what the browser's clock says), with
/// the offset named: `2026-11-22 15:05 (UTC+01:00)`. An offset out of range falls back to UTC.
pub fn local_time(unix: i64, offset_minutes: i32) -> String {
    // Offsets of a day or more are no time zone's: read as UTC.
    let offset = if offset_minutes.unsigned_abs() < 26 * 60 {
        offset_minutes
    } else {
        0
    };
    let sign = if offset < 0 { '-' } else { '+' };
    let (hours, minutes) = (offset.unsigned_abs() / 60, offset.unsigned_abs() % 60);
    Moment::at(unix, i64::from(offset) * 60)
        .map(|m| {
            format!(
                "{} {} (UTC{sign}{hours:02}:{minutes:02})",
                m.date(),
                m.hour_minute()
            )
        })
        .unwrap_or_else(|| "unknown time".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_795_000_000;

    #[test]
    fn under_a_minute_is_just_now() {
        assert_eq!(relative(NOW - 10, NOW), "just now");
        assert_eq!(relative(NOW, NOW), "just now");
    }

    #[test]
    fn counts_minutes_hours_and_days_in_their_largest_unit() {
        assert_eq!(relative(NOW - 60, NOW), "1 minute ago");
        assert_eq!(relative(NOW - 5 * MINUTE - 20, NOW), "5 minutes ago");
        assert_eq!(relative(NOW - 3 * HOUR - 59 * MINUTE, NOW), "3 hours ago");
        assert_eq!(relative(NOW - DAY - HOUR, NOW), "yesterday");
        assert_eq!(relative(NOW - 4 * DAY, NOW), "4 days ago");
    }

    #[test]
    fn older_than_a_month_shows_the_date() {
        assert_eq!(relative(0, 45 * DAY), "1970-01-01");
    }

    #[test]
    fn a_reader_clock_behind_the_server_reads_just_now() {
        assert_eq!(relative(NOW + 20, NOW), "just now");
        assert_eq!(relative(NOW + 2 * HOUR, NOW), "just now");
    }

    #[test]
    fn moments_ahead_count_down_in_their_largest_unit() {
        assert_eq!(relative_either(NOW + 50, NOW), "in a minute");
        assert_eq!(relative_either(NOW + 5 * MINUTE + 20, NOW), "in 5 minutes");
        assert_eq!(
            relative_either(NOW + 3 * HOUR + 59 * MINUTE, NOW),
            "in 3 hours"
        );
        assert_eq!(relative_either(NOW + DAY + HOUR, NOW), "tomorrow");
        assert_eq!(relative_either(NOW + 6 * DAY + HOUR, NOW), "in 6 days");
        assert_eq!(relative_either(45 * DAY, 0), "1970-02-15");
    }

    #[test]
    fn moments_passed_or_nearly_now_read_as_the_past_does() {
        assert_eq!(relative_either(NOW + 20, NOW), "just now");
        assert_eq!(relative_either(NOW, NOW), "just now");
        assert_eq!(relative_either(NOW - 2 * DAY, NOW), "2 days ago");
        assert_eq!(relative_either(NOW - DAY - HOUR, NOW), "yesterday");
    }

    #[test]
    fn datetime_attribute_is_iso_utc() {
        assert_eq!(datetime_attr(0), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn local_time_applies_and_names_the_offset() {
        assert_eq!(local_time(0, 60), "1970-01-01 01:00 (UTC+01:00)");
        assert_eq!(local_time(0, -330), "1969-12-31 18:30 (UTC-05:30)");
        assert_eq!(local_time(0, 100_000), "1970-01-01 00:00 (UTC+00:00)");
        assert_eq!(local_time(i64::MAX, 60), "unknown time");
    }

    proptest::proptest! {
        /// The same text as the `time` crate gave, which wrote these before.
        #[test]
        fn local_time_reads_as_the_time_crate_formats_it(unix in 0i64..=4_102_444_800, offset in -1_600i32..=1_600) {
            use time::macros::format_description;
            let zone = time::UtcOffset::from_whole_seconds(offset * 60).unwrap_or(time::UtcOffset::UTC);
            let expected = time::OffsetDateTime::from_unix_timestamp(unix)
                .expect("in range")
                .to_offset(zone)
                .format(format_description!(
                    "[year]-[month]-[day] [hour]:[minute] (UTC[offset_hour sign:mandatory]:[offset_minute])"
                ))
                .expect("formats");
            proptest::prop_assert_eq!(local_time(unix, offset), expected);
        }
    }
}
