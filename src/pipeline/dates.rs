//! `published_at`: any common date form in, RFC 3339 UTC out.

use crate::record::DateInput;
use chrono::{DateTime, Datelike, NaiveTime, TimeZone, Utc};

/// Dates outside this range of years are taken as garbage, not as a publication date.
const YEARS: std::ops::RangeInclusive<i32> = 1800..=2200;

/// Parses a date as scrapers send it: RFC 3339, RFC 2822, `2018-10-08`, `Oct 8, 2018`,
/// `8 October 2018`, `Monday, October 8, 2018 3:45 PM`, epoch seconds (or milliseconds) as a
/// number or a digit string. A date without a time is midnight UTC; without a zone, UTC.
pub fn parse_date(input: &DateInput) -> Option<DateTime<Utc>> {
    let dt = match input {
        DateInput::Epoch(n) => from_epoch(*n),
        DateInput::Text(s) => parse_date_str(s),
    }?;
    YEARS.contains(&dt.year()).then_some(dt)
}

fn from_epoch(n: f64) -> Option<DateTime<Utc>> {
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    // Above 1e11 seconds (year 5138) the number is milliseconds.
    let secs = if n > 1e11 { n / 1000.0 } else { n };
    Utc.timestamp_opt(secs.trunc() as i64, ((secs.fract()) * 1e9) as u32)
        .single()
}

/// Parses a date string (see [`parse_date`]).
pub fn parse_date_str(raw: &str) -> Option<DateTime<Utc>> {
    let s = raw.trim();
    if s.is_empty() || s.len() > 80 {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit()) && s.len() >= 9 {
        return from_epoch(s.parse().ok()?);
    }
    if let Ok(dt) = DateTime::parse_from_rfc3339(s) {
        return Some(dt.with_timezone(&Utc));
    }
    if let Some(dt) = iso_like(s) {
        return Some(dt);
    }
    // `2018-10-08T12:30:00.000+0000`: an offset without its colon.
    let b = s.as_bytes();
    let n = b.len();
    if n > 20 && (b[n - 5] == b'+' || b[n - 5] == b'-') && b[n - 4..].iter().all(u8::is_ascii_digit)
    {
        let fixed = format!("{}:{}", &s[..n - 2], &s[n - 2..]);
        if let Ok(dt) = DateTime::parse_from_rfc3339(&fixed) {
            return Some(dt.with_timezone(&Utc));
        }
    }
    if let Some(dt) = cjk_date(s) {
        return Some(dt);
    }
    let (rest, offset) = split_zone(s);
    let cleaned = tidy(rest);
    // Every form `dateparser` knows has ASCII digits, and a miss costs it a regex per form.
    if !cleaned.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let naive = dotted_dmy(&cleaned)
        .or_else(|| dateparser::parse_with(&cleaned, &Utc, NaiveTime::MIN).ok())?;
    Some(naive - chrono::Duration::seconds(i64::from(offset.unwrap_or(0))))
}

/// ISO 8601 as pages write it: `2023-11-11T19:00-06:00` (no seconds), `2023-12-18T13:00:00`
/// (no zone: UTC), `2023-12-18 15:07:49.382534`, `2023-12-18T13:00:00+0530`, `...+05`.
fn iso_like(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() < 16 || !(b[4] == b'-' && b[7] == b'-' && (b[10] == b'T' || b[10] == b' ')) {
        return None;
    }
    let (date_time, zone) = match s[10..].rfind(['+', '-', 'Z', 'z']) {
        Some(i) if i > 3 => s.split_at(10 + i),
        _ => (s, ""),
    };
    let date_time = date_time.replace(' ', "T");
    let naive = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| chrono::NaiveDateTime::parse_from_str(&date_time, f).ok())?;
    let offset_s: i64 = match zone {
        "" | "Z" | "z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let digits: String = z[1..].chars().filter(|c| c.is_ascii_digit()).collect();
            let (h, m) = match digits.len() {
                1 | 2 => (digits.parse::<i64>().ok()?, 0),
                4 => (
                    digits[..2].parse::<i64>().ok()?,
                    digits[2..].parse::<i64>().ok()?,
                ),
                _ => return None,
            };
            if h > 14 || m > 59 {
                return None;
            }
            sign * (h * 3600 + m * 60)
        }
    };
    Some(naive.and_utc() - chrono::Duration::seconds(offset_s))
}

/// `2018年10月8日` (Chinese, Japanese) and `2018년 10월 8일` (Korean), date only.
fn cjk_date(s: &str) -> Option<DateTime<Utc>> {
    let mut nums = [0u32; 3];
    let mut idx = 0;
    let mut cur: Option<u32> = None;
    for c in s.chars() {
        if let Some(d) = c.to_digit(10) {
            cur = Some(cur.unwrap_or(0).checked_mul(10)?.checked_add(d)?);
        } else if matches!(c, '年' | '月' | '日' | '년' | '월' | '일') {
            if idx < 3 {
                nums[idx] = cur.take()?;
                idx += 1;
            }
            if idx == 3 {
                break;
            }
        } else if !c.is_whitespace() {
            cur = None;
        }
    }
    if idx < 3 {
        return None;
    }
    let d = chrono::NaiveDate::from_ymd_opt(i32::try_from(nums[0]).ok()?, nums[1], nums[2])?;
    Some(d.and_time(NaiveTime::MIN).and_utc())
}

/// `08.10.2018` and `8.10.2018 14:30`: day first, as everywhere dots separate dates.
fn dotted_dmy(s: &str) -> Option<DateTime<Utc>> {
    let mut parts = s.split_whitespace();
    let date = parts.next()?;
    let f: Vec<&str> = date.trim_end_matches(',').split('.').collect();
    if f.len() != 3
        || f[2].len() != 4
        || !f
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let d = chrono::NaiveDate::from_ymd_opt(
        f[2].parse().ok()?,
        f[1].parse().ok()?,
        f[0].parse().ok()?,
    )?;
    let t = parts
        .next()
        .and_then(|t| NaiveTime::parse_from_str(t, "%H:%M").ok())
        .unwrap_or(NaiveTime::MIN);
    Some(d.and_time(t).and_utc())
}

/// Splits a trailing time zone off: `+05:00`, `-0500`, `GMT+2`, `UTC`, `GMT`, `Z`, and the North
/// American names (`ET`, `EDT`, ...). Returns the rest and the offset in seconds east of UTC.
fn split_zone(s: &str) -> (&str, Option<i32>) {
    let Some((head, last)) = s.rsplit_once(' ') else {
        return (s, None);
    };
    let named = match last.to_ascii_uppercase().as_str() {
        "UTC" | "GMT" | "Z" => Some(0),
        "ET" | "EST" => Some(-5),
        "EDT" => Some(-4),
        "CT" | "CST" => Some(-6),
        "CDT" => Some(-5),
        "MT" | "MST" => Some(-7),
        "MDT" => Some(-6),
        "PT" | "PST" => Some(-8),
        "PDT" => Some(-7),
        "BST" | "CET" => Some(1),
        "CEST" | "EET" => Some(2),
        "EEST" | "MSK" => Some(3),
        "IST" => None,
        _ => None,
    };
    if let Some(h) = named {
        return (head.trim_end(), Some(h * 3600));
    }
    let z = last
        .strip_prefix("GMT")
        .or_else(|| last.strip_prefix("UTC"))
        .unwrap_or(last);
    let (sign, digits) = match z.as_bytes().first() {
        Some(b'+') => (1, &z[1..]),
        Some(b'-') => (-1, &z[1..]),
        _ => return (s, None),
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    if digits.is_empty() || digits.len() > 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return (s, None);
    }
    let (h, m) = if digits.len() <= 2 {
        (digits.parse::<i32>().unwrap_or(0), 0)
    } else {
        let (h, m) = digits.split_at(digits.len() - 2);
        (h.parse::<i32>().unwrap_or(0), m.parse::<i32>().unwrap_or(0))
    };
    if h > 14 || m > 59 {
        return (s, None);
    }
    (head.trim_end(), Some(sign * (h * 3600 + m * 60)))
}

/// Drops what the date parser does not expect: a leading weekday (English, German, French,
/// Spanish), "at"/"um"/"à" before the time, separators, and translates month names of those
/// languages to English.
fn tidy(s: &str) -> String {
    const WEEKDAYS: [&str; 35] = [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thur",
        "thurs",
        "fri",
        "sat",
        "sun",
        "montag",
        "dienstag",
        "mittwoch",
        "donnerstag",
        "freitag",
        "samstag",
        "sonntag",
        "lundi",
        "mardi",
        "mercredi",
        "jeudi",
        "vendredi",
        "samedi",
        "dimanche",
        "lunes",
        "martes",
        "jueves",
        "viernes",
    ];
    const MONTHS: [(&str, &str); 31] = [
        ("januar", "January"),
        ("janvier", "January"),
        ("enero", "January"),
        ("februar", "February"),
        ("février", "February"),
        ("fevrier", "February"),
        ("febrero", "February"),
        ("märz", "March"),
        ("mars", "March"),
        ("marzo", "March"),
        ("avril", "April"),
        ("abril", "April"),
        ("mai", "May"),
        ("mayo", "May"),
        ("juni", "June"),
        ("juin", "June"),
        ("junio", "June"),
        ("juli", "July"),
        ("juillet", "July"),
        ("julio", "July"),
        ("août", "August"),
        ("aout", "August"),
        ("agosto", "August"),
        ("septiembre", "September"),
        ("oktober", "October"),
        ("octobre", "October"),
        ("octubre", "October"),
        ("novembre", "November"),
        ("noviembre", "November"),
        ("dezember", "December"),
        ("diciembre", "December"),
    ];
    let mut words: Vec<String> = Vec::new();
    for (i, w) in s.split_whitespace().enumerate() {
        let bare = w.trim_end_matches([',', '.']).to_lowercase();
        if i == 0 && WEEKDAYS.contains(&bare.as_str()) {
            continue;
        }
        if matches!(
            bare.as_str(),
            "at" | "um" | "à" | "a" | "las" | "de" | "del" | "|" | "-" | "·" | "•"
        ) {
            continue;
        }
        if let Some((_, en)) = MONTHS.iter().find(|(m, _)| *m == bare) {
            words.push((*en).to_string());
            continue;
        }
        // "8." (German day) reads as "8".
        if w.len() <= 3 && w.ends_with('.') && w[..w.len() - 1].bytes().all(|b| b.is_ascii_digit())
        {
            words.push(w[..w.len() - 1].to_string());
            continue;
        }
        words.push(w.to_string());
    }
    words.join(" ")
}

/// RFC 3339 in UTC with a `Z`, seconds precision: `2018-10-08T00:00:00Z`.
pub fn format_rfc3339(dt: &DateTime<Utc>) -> String {
    dt.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn p(s: &str) -> Option<String> {
        parse_date(&DateInput::Text(Cow::Borrowed(s))).map(|d| format_rfc3339(&d))
    }

    #[test]
    fn common_forms() {
        let want = Some("2018-10-08T00:00:00Z".to_string());
        assert_eq!(p("2018-10-08"), want);
        assert_eq!(p("Oct 8, 2018"), want);
        assert_eq!(p("October 8, 2018"), want);
        assert_eq!(p("8 October 2018"), want);
        assert_eq!(p("Monday, October 8, 2018"), want);
        assert_eq!(p("2018-10-08T00:00:00Z"), want);
        assert_eq!(p("2018-10-08T02:00:00+02:00"), want);
        assert_eq!(p("Mon, 08 Oct 2018 00:00:00 GMT"), want);
        assert_eq!(p("1538956800"), want);
        assert_eq!(
            parse_date(&DateInput::Epoch(1538956800.0)).map(|d| format_rfc3339(&d)),
            want
        );
        assert_eq!(
            parse_date(&DateInput::Epoch(1538956800000.0)).map(|d| format_rfc3339(&d)),
            want
        );
        assert_eq!(
            p("2018-10-08T12:30:00.000+0000"),
            Some("2018-10-08T12:30:00Z".into())
        );
        assert_eq!(
            p("2018-10-08 12:30:00"),
            Some("2018-10-08T12:30:00Z".into())
        );
        assert_eq!(
            p("October 8, 2018 3:45 PM ET"),
            Some("2018-10-08T20:45:00Z".into())
        );
        assert_eq!(
            p("Oct 8, 2018 3:45 pm -05:00"),
            Some("2018-10-08T20:45:00Z".into())
        );
        assert_eq!(p("08.10.2018"), want);
        assert_eq!(p("8. Oktober 2018"), want);
        assert_eq!(p("Montag, 8. Oktober 2018"), want);
        assert_eq!(p("8 octobre 2018"), want);
        assert_eq!(p("2018年10月8日"), want);
        assert_eq!(p("2018년 10월 8일"), want);
        assert_eq!(p("Oct. 8, 2018"), want);
        assert_eq!(p("2018/10/08"), want);
        assert_eq!(
            p("2023-11-11T19:00-06:00"),
            Some("2023-11-12T01:00:00Z".into())
        );
        assert_eq!(
            p("2023-12-18T13:00:00"),
            Some("2023-12-18T13:00:00Z".into())
        );
        assert_eq!(
            p("2023-12-18T15:07:49.382534"),
            Some("2023-12-18T15:07:49Z".into())
        );
        assert_eq!(
            p("2023-12-22T16:25:02+0530"),
            Some("2023-12-22T10:55:02Z".into())
        );
    }

    #[test]
    fn garbage_is_none() {
        assert_eq!(p("yesterday-ish"), None);
        assert_eq!(p(""), None);
        assert_eq!(p(&"9".repeat(500)), None);
        assert_eq!(parse_date(&DateInput::Epoch(f64::MAX)), None);
        assert_eq!(parse_date(&DateInput::Epoch(-5.0)), None);
        assert_eq!(p("0001-01-01"), None);
    }

    proptest::proptest! {
        /// Why `parse_date_str` skips `dateparser` for text without ASCII digits: it finds no
        /// date there (month and day names, full-width digits and time words included).
        #[test]
        fn dateparser_finds_no_date_without_ascii_digits(
            words in proptest::collection::vec(proptest::sample::select(&[
                "March", "Mar", "Tuesday", "Tue", "PM", "am", "UTC", "EST", "+", ":", "-", "/",
                ",", ".", "today", "now", "yesterday", "\u{ff12}\u{ff10}\u{ff11}\u{ff18}", "\u{5e74}",
                "\u{6708}", "\u{65e5}", "\u{0662}\u{0660}", "T", "Z", " ",
            ][..]), 0..8),
        ) {
            let text = words.join(" ");
            proptest::prop_assert!(dateparser::parse_with(&text, &Utc, NaiveTime::MIN).is_err(), "{}", text);
        }
    }
}
