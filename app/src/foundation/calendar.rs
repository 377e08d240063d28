//! Unix times as calendar dates and clock times (UTC, or a fixed offset), and back.
//!
//! The `time` crate did this before, and still does on the server (cookies, the audit
//! export); but its formatting machinery went into the browser's bundle with every page that
//! shows a time, about 17 KB of code for four fixed formats. These are the civil-calendar
//! conversions (proleptic Gregorian, as `time` uses), checked against `time` by the tests below.

/// The years this module handles, as `time` does by default: outside them a time is unknown.
const YEARS: std::ops::RangeInclusive<i64> = -9999..=9999;

/// The seconds of a calendar day in Unix time (which has no leap seconds).
pub const SECONDS_PER_DAY: i64 = 86_400;

/// A moment read on a calendar and a clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub year: i64,
    pub month: u8,
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
}

impl Moment {
    /// `unix` seen `offset_seconds` east of UTC, or `None` outside [`YEARS`].
    pub fn at(unix: i64, offset_seconds: i64) -> Option<Self> {
        let local = unix.checked_add(offset_seconds)?;
        let (days, seconds) = (
            local.div_euclid(SECONDS_PER_DAY),
            local.rem_euclid(SECONDS_PER_DAY),
        );
        let (year, month, day) = civil_from_days(days);
        YEARS.contains(&year).then_some(Moment {
            year,
            month,
            day,
            // Each below 60 or 24: the casts cannot truncate.
            hour: (seconds / 3_600) as u8,
            minute: (seconds / 60 % 60) as u8,
            second: (seconds % 60) as u8,
        })
    }

    /// `unix` in UTC, or `None` outside [`YEARS`].
    pub fn utc(unix: i64) -> Option<Self> {
        Self::at(unix, 0)
    }

    /// The calendar day, `2026-11-22`.
    pub fn date(&self) -> String {
        let year = if self.year < 0 {
            format!("-{:04}", -self.year)
        } else {
            format!("{:04}", self.year)
        };
        format!("{year}-{:02}-{:02}", self.month, self.day)
    }

    /// The clock time to the minute, `14:05`.
    pub fn hour_minute(&self) -> String {
        format!("{:02}:{:02}", self.hour, self.minute)
    }
}

/// Midnight UTC of the calendar day `year-month-day`, or `None` if there is no such day
/// (a month outside 1-12, a day past the month's end, a year outside [`YEARS`]).
pub fn midnight_utc(year: i64, month: u8, day: u8) -> Option<i64> {
    if !YEARS.contains(&year) || !(1..=12).contains(&month) {
        return None;
    }
    if day == 0 || day > days_in_month(year, month) {
        return None;
    }
    Some(days_from_civil(year, month, day) * SECONDS_PER_DAY)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: i64, month: u8) -> u8 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// The two conversions below count in 400-year eras starting on 1 March, so that the leap
// day falls at the end of each year (H. Hinnant, "chrono-Compatible Low-Level Date
// Algorithms").

/// The day `days` after 1970-01-01 as (year, month, day).
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    // 1-31 and 1-12: the casts cannot truncate.
    let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u8;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    } as u8;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// The days from 1970-01-01 to a valid calendar day.
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let year = year - i64::from(month <= 2);
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::format_description;
    use time::OffsetDateTime;

    /// Unix seconds of -9999-01-01 and 9999-12-31 23:59:59, the range `time` accepts.
    const FIRST: i64 = -377_705_116_800;
    const LAST: i64 = 253_402_300_799;

    #[test]
    fn the_epoch_and_known_days_read_as_their_dates() {
        assert_eq!(
            Moment::utc(0).map(|m| m.date()).as_deref(),
            Some("1970-01-01")
        );
        let m = Moment::utc(1_795_356_300).expect("in range");
        assert_eq!(
            (m.date(), m.hour_minute()),
            ("2026-11-22".into(), "14:05".into())
        );
        assert_eq!(
            Moment::utc(951_782_400).map(|m| m.date()).as_deref(),
            Some("2000-02-29")
        );
        assert_eq!(
            Moment::utc(-1).map(|m| m.date()).as_deref(),
            Some("1969-12-31")
        );
    }

    #[test]
    fn times_outside_the_years_are_unknown() {
        assert_eq!(Moment::utc(FIRST - 1), None);
        assert_eq!(Moment::utc(LAST + 1), None);
        assert_eq!(Moment::utc(i64::MAX), None);
        assert_eq!(Moment::at(i64::MAX, 60), None);
        assert!(Moment::utc(FIRST).is_some() && Moment::utc(LAST).is_some());
    }

    #[test]
    fn days_that_do_not_exist_have_no_midnight() {
        assert_eq!(midnight_utc(2026, 2, 29), None);
        assert_eq!(midnight_utc(2100, 2, 29), None);
        assert_eq!(midnight_utc(2026, 4, 31), None);
        assert_eq!(midnight_utc(2026, 13, 1), None);
        assert_eq!(midnight_utc(2026, 0, 1), None);
        assert_eq!(midnight_utc(2026, 1, 0), None);
        assert_eq!(midnight_utc(10_000, 1, 1), None);
        assert_eq!(midnight_utc(2000, 2, 29), Some(951_782_400));
    }

    proptest! {
        #[test]
        fn a_moment_reads_as_time_formats_it(unix in FIRST..=LAST) {
            let t = OffsetDateTime::from_unix_timestamp(unix).expect("in range");
            let m = Moment::utc(unix).expect("in range");
            let expected = t
                .format(format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"))
                .expect("formats");
            prop_assert_eq!(format!("{} {}:{:02}", m.date(), m.hour_minute(), m.second), expected);
        }

        #[test]
        fn midnight_of_a_day_is_what_time_says(year in -9999i64..=9999, month in 0u8..=13, day in 0u8..=32) {
            let expected = time::Month::try_from(month)
                .ok()
                .and_then(|mo| time::Date::from_calendar_date(year as i32, mo, day).ok())
                .map(|d| d.midnight().assume_utc().unix_timestamp());
            prop_assert_eq!(midnight_utc(year, month, day), expected);
        }
    }
}
