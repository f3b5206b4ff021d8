//! Numbers and dates for people, shared by the CLI and the workbench:
//! durations, rates and token counts in the units people read at a glance,
//! ages, and UTC dates.

/// Seconds in a day (UTC has no leap seconds in unix time).
pub const SECS_PER_DAY: i64 = 86_400;

/// 412 → "412ms", 3240 → "3.2s", 125000 → "2m05s".
pub fn duration_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms < 60_000 {
        format!("{:.1}s", ms as f64 / 1000.0)
    } else {
        format!("{}m{:02}s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// A difference of durations that may be unknown: "+120ms", "-20ms", or "-".
pub fn difference_ms(ms: Option<i64>) -> String {
    match ms {
        Some(ms) if ms >= 0 => format!("+{}", duration_ms(ms.unsigned_abs())),
        other => signed_duration_ms(other),
    }
}

/// A signed duration that may be unknown: "140ms", "-20ms", or "-".
pub fn signed_duration_ms(ms: Option<i64>) -> String {
    match ms {
        Some(ms) if ms < 0 => format!("-{}", duration_ms(ms.unsigned_abs())),
        Some(ms) => duration_ms(ms.unsigned_abs()),
        None => "-".into(),
    }
}

/// A duration that may be unknown: "412ms", or "-".
pub fn duration(ms: Option<u64>) -> String {
    ms.map_or("-".into(), duration_ms)
}

/// Tokens per second that may be unknown: "85.3", or "-".
pub fn rate(tokens_per_s: Option<f64>) -> String {
    tokens_per_s.map_or("-".into(), |r| format!("{r:.1}"))
}

/// 950 → "950", 12_345 → "12.3k", 2_500_000 → "2.5M".
pub fn count(n: u64) -> String {
    if n < 1000 {
        n.to_string()
    } else if n < 1_000_000 {
        format!("{:.1}k", n as f64 / 1000.0)
    } else {
        format!("{:.1}M", n as f64 / 1_000_000.0)
    }
}

/// An age for people: "just now" under 10 s, then "45s", "12m", "3h", "5d"
/// (each unit truncated). Negative ages (clock skew) read as "just now".
pub fn format_age(secs: i64) -> String {
    match secs {
        i64::MIN..=9 => "just now".to_string(),
        10..=59 => format!("{secs}s"),
        60..=3_599 => format!("{}m", secs / 60),
        3_600..=86_399 => format!("{}h", secs / 3_600),
        _ => format!("{}d", secs / SECS_PER_DAY),
    }
}

/// The UTC calendar date of a unix time, as "YYYY-MM-DD".
pub fn format_date_utc(unix: i64) -> String {
    let (year, month, day) = civil_from_days(unix.div_euclid(SECS_PER_DAY));
    format!("{year:04}-{month:02}-{day:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian (year, month, day), after
/// Howard Hinnant's `civil_from_days` (eras of 400 years, March-based years).
fn civil_from_days(days_since_epoch: i64) -> (i64, u32, u32) {
    let shifted = days_since_epoch + 719_468; // days since 0000-03-01
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // day is in 1..=31 and month in 1..=12 by construction.
    (year, month as u32, day as u32)
}

/// A unix time as "YYYY-MM-DD HH:MM" (UTC).
pub fn format_datetime_utc(unix: i64) -> String {
    let seconds = unix.rem_euclid(SECS_PER_DAY);
    format!(
        "{} {:02}:{:02}",
        format_date_utc(unix),
        seconds / 3600,
        (seconds % 3600) / 60
    )
}

/// 512 → "512 B", 65_536 → "64 KiB", 8_388_608 → "8 MiB", 1_572_864 → "1.5 MiB".
pub fn size(bytes: usize) -> String {
    const KIB: usize = 1024;
    const MIB: usize = 1024 * KIB;
    let scaled = |unit: usize, name: &str| {
        let text = format!("{:.1}", bytes as f64 / unit as f64);
        format!("{} {name}", text.trim_end_matches(".0"))
    };
    if bytes >= MIB {
        scaled(MIB, "MiB")
    } else if bytes >= KIB {
        scaled(KIB, "KiB")
    } else {
        format!("{bytes} B")
    }
}

/// At most `max_chars` characters, the last one `…` when the text was cut.
pub fn clip(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(size(512), "512 B");
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(8 * 1024 * 1024), "8 MiB");
        assert_eq!(size(1_572_864), "1.5 MiB");
    }

    #[test]
    fn durations_for_people() {
        assert_eq!(duration_ms(412), "412ms");
        assert_eq!(duration_ms(3240), "3.2s");
        assert_eq!(duration_ms(125_000), "2m05s");
        assert_eq!(duration(Some(412)), "412ms");
        assert_eq!(duration(Some(3240)), "3.2s");
        assert_eq!(duration(Some(125_000)), "2m05s");
        assert_eq!(duration(None), "-");
    }

    #[test]
    fn counts_for_people() {
        assert_eq!(count(950), "950");
        assert_eq!(count(12_345), "12.3k");
        assert_eq!(count(2_500_000), "2.5M");
    }

    #[test]
    fn formats_ages() {
        let cases = [
            (-30, "just now"),
            (0, "just now"),
            (9, "just now"),
            (45, "45s"),
            (60, "1m"),
            (12 * 60 + 59, "12m"),
            (3 * 3_600 + 1_800, "3h"),
            (86_399, "23h"),
            (5 * 86_400 + 3_600, "5d"),
        ];
        for (secs, expected) in cases {
            assert_eq!(format_age(secs), expected, "{secs}s");
        }
    }

    #[test]
    fn formats_utc_dates() {
        let cases = [
            (0, "1970-01-01"),
            (-1, "1969-12-31"),
            (951_782_400, "2000-02-29"),
            (1_709_164_800, "2024-02-29"),
            (1_787_011_200, "2026-08-18"),
            (1_787_097_599, "2026-08-18"),
            (4_102_444_800, "2100-01-01"),
        ];
        for (unix, expected) in cases {
            assert_eq!(format_date_utc(unix), expected, "{unix}");
        }
    }

    #[test]
    fn formats_utc_date_times() {
        assert_eq!(format_datetime_utc(0), "1970-01-01 00:00");
        assert_eq!(format_datetime_utc(-60), "1969-12-31 23:59");
        assert_eq!(format_datetime_utc(1_795_534_212), "2026-11-24 15:30");
    }
}
