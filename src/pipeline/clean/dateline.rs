//! Dateline leads: "WASHINGTON (Reuters) - ", "KUALA LUMPUR, Feb 24 (Reuters) - ",
//! "MOSCOW, March 16. /TASS/. ", "SAN MATEO, Calif. (AP) — ", "Wien – ".
//!
//! The lead stays in the text but fills `dateline`, and the hash leaves it out, so copies that
//! keep, change or drop it hash alike.

use crate::record::Dateline;
use regex::Regex;
use std::sync::LazyLock;

const MONTH: &str = r"(?i:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?";

/// Upper-case place: "WASHINGTON", "KUALA LUMPUR", "ULAN-UDE", "ST. PETERSBURG", "SÃO PAULO".
const LOC_UPPER: &str = r"(?P<loc>\p{Lu}[\p{Lu}\p{M}.'’\-]*(?:\s\p{Lu}[\p{Lu}\p{M}.'’\-]*){0,3})";
/// Title-case place ("Wien", "Frankfurt am Main"), only accepted before an agency or a dash.
const LOC_TITLE: &str =
    r"(?P<loc>\p{Lu}\p{Ll}+(?:\s(?:am|an|der|de|del|di|la|le|sur|upon|\p{Lu}\p{Ll}+)){0,2})";
/// ", Calif." / ", N.Y." / ", Germany" after an upper-case place.
const REGION: &str = r"(?P<region>,\s(?:\p{Lu}[\p{L}.]*\.?(?:\s\p{Lu}[\p{L}.]*\.?){0,2}))?";
const DATE: &str = r"(?:,\s(?:\d{1,2}\s)?MONTH(?:\s\d{1,2})?(?:,?\s\d{4})?)?";
const AGENCY: &str = r"(?P<agency>[\p{L}][\p{L}&.\- ]{0,30}?)";
const DASH: &str = r"(?:-{1,2}|–|—|:)";

static PATTERNS: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    let date = DATE.replace("MONTH", MONTH);
    [
        // MOSCOW, March 16. /TASS/.
        format!(r"^{LOC_UPPER}{date}\.?\s*/(?P<agency>[\p{{L}}\-]{{2,20}})/\.?\s+"),
        // For the hash (upper-cased text): the agency form only with its dash, since in capitals
        // "THE UNITED LAUNCH ALLIANCE (ULA) SAID" would pass for a lead.
        format!(r"^{LOC_UPPER}{REGION}{date}\s*\({AGENCY}\)\s*{DASH}\s+"),
        // WASHINGTON (Reuters) -   /  KUALA LUMPUR, Feb 24 (Reuters) -   /  SAN MATEO, Calif. (AP) —
        format!(r"^{LOC_UPPER}{REGION}{date}\s*\({AGENCY}\)\s*{DASH}?\s+"),
        // NEW YORK -   /  BERLIN, March 5 —
        format!(r"^{LOC_UPPER}{REGION}{date}\s+{DASH}\s+"),
        // Wien (APA) –   /  Berlin –
        format!(r"^{LOC_TITLE}\s*\({AGENCY}\)\s*{DASH}?\s+"),
        format!(r"^{LOC_TITLE}{date}\s+(?:–|—|-)\s+"),
    ]
    .iter()
    .map(|p| Regex::new(p).unwrap_or_else(|e| panic!("dateline pattern: {e}")))
    .collect()
});

/// Words that open sentences in capitals but are no places.
const NOT_PLACES: &[&str] = &[
    "BREAKING",
    "UPDATE",
    "UPDATED",
    "WARNING",
    "EXCLUSIVE",
    "ANALYSIS",
    "OPINION",
    "EDITOR",
    "EDITOR'S NOTE",
    "NOTE",
    "WATCH",
    "VIDEO",
    "PHOTOS",
    "LIVE",
    "URGENT",
    "CORRECTION",
    "FACT",
    "COMMENT",
    "REVIEW",
    "INTERVIEW",
    "PODCAST",
    "LISTEN",
    "READ",
    "MORE",
    "RELATED",
    "BY",
];

/// The dateline at the start of `first_paragraph`, and the byte length of the lead.
pub fn detect(first_paragraph: &str) -> Option<(Dateline, usize)> {
    detect_with(first_paragraph, &[0, 2, 3, 4, 5])
}

/// The byte length of the lead of an upper-cased first paragraph, for the hash. Upper-casing
/// first makes the cut the same for every letter-case variant of a copy, so case never changes
/// the hash (only the upper-case patterns apply).
pub fn hash_lead_len(upper_first_paragraph: &str) -> usize {
    detect_with(upper_first_paragraph, &[0, 1, 3]).map_or(0, |(_, n)| n)
}

fn detect_with(first_paragraph: &str, patterns: &[usize]) -> Option<(Dateline, usize)> {
    // Bound the work: a lead is short.
    let head = &first_paragraph[..first_paragraph.floor_char_boundary(160)];
    for re in patterns.iter().filter_map(|i| PATTERNS.get(*i)) {
        let Some(c) = re.captures(head) else {
            continue;
        };
        let loc = c.name("loc")?.as_str().trim();
        if loc.chars().count() < 2 || NOT_PLACES.contains(&loc) {
            continue;
        }
        let rest = &head[c.get(0)?.end()..];
        // The story goes on after the lead with a capital, a digit or a quote.
        let starts_ok = rest.chars().next().is_some_and(|ch| {
            ch.is_uppercase() || ch.is_numeric() || matches!(ch, '"' | '“' | '\'' | '‘' | '«')
        });
        if !starts_ok {
            continue;
        }
        let location = match c.name("region") {
            Some(r) => format!("{loc}{}", r.as_str()),
            None => loc.to_string(),
        };
        let agency = c
            .name("agency")
            .map(|a| a.as_str().trim().to_string())
            .filter(|a| !a.is_empty());
        let len = c.get(0)?.end();
        return Some((Dateline { location, agency }, len));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<(String, Option<String>, String)> {
        detect(s).map(|(dl, n)| (dl.location, dl.agency, s[n..].to_string()))
    }

    #[test]
    fn leads_of_the_wires() {
        assert_eq!(
            d("WASHINGTON (Reuters) - The U.S. Senate voted."),
            Some((
                "WASHINGTON".into(),
                Some("Reuters".into()),
                "The U.S. Senate voted.".into()
            ))
        );
        assert_eq!(
            d("KUALA LUMPUR, Feb 24 (Reuters) - One of two women"),
            Some((
                "KUALA LUMPUR".into(),
                Some("Reuters".into()),
                "One of two women".into()
            ))
        );
        assert_eq!(
            d("MOSCOW, March 16. /TASS/. Russian hockey players"),
            Some((
                "MOSCOW".into(),
                Some("TASS".into()),
                "Russian hockey players".into()
            ))
        );
        assert_eq!(
            d("VLADIKAVKAZ, February 9.  /TASS/.  North Ossetian architect"),
            Some((
                "VLADIKAVKAZ".into(),
                Some("TASS".into()),
                "North Ossetian architect".into()
            ))
        );
        assert_eq!(
            d("SAN MATEO, Calif. (AP) — A tech company"),
            Some((
                "SAN MATEO, Calif.".into(),
                Some("AP".into()),
                "A tech company".into()
            ))
        );
        assert_eq!(
            d("ULAN-UDE, February 7 (Reuters) – The head of"),
            Some((
                "ULAN-UDE".into(),
                Some("Reuters".into()),
                "The head of".into()
            ))
        );
        assert_eq!(
            d("NEW YORK - Stocks fell."),
            Some(("NEW YORK".into(), None, "Stocks fell.".into()))
        );
        assert_eq!(
            d("Wien – Die Regierung hat"),
            Some(("Wien".into(), None, "Die Regierung hat".into()))
        );
        assert_eq!(
            d("Berlin (dpa) - Die Bundesregierung"),
            Some((
                "Berlin".into(),
                Some("dpa".into()),
                "Die Bundesregierung".into()
            ))
        );
    }

    #[test]
    fn the_hash_cut_ignores_letter_case() {
        let a = "WASHINGTON (Reuters) - The Senate voted.".to_uppercase();
        let b = "Washington (Reuters) - the senate voted.".to_uppercase();
        assert_eq!(hash_lead_len(&a), hash_lead_len(&b));
        assert_eq!(&a[hash_lead_len(&a)..], "THE SENATE VOTED.");
        assert_eq!(hash_lead_len("THE SENATE VOTED."), 0);
        assert_eq!(
            hash_lead_len("THE UNITED LAUNCH ALLIANCE (ULA) SAID IT HAD LAUNCHED"),
            0
        );
        let t = "MOSCOW, FEBRUARY 9./TASS/. REPRESENTATIVES FROM";
        assert_eq!(&t[hash_lead_len(t)..], "REPRESENTATIVES FROM");
    }

    #[test]
    fn sentences_are_not_datelines() {
        assert_eq!(d("The U.S. Senate voted on Monday."), None);
        assert_eq!(d("Trump – who had said otherwise – agreed."), None);
        assert_eq!(d("BREAKING - Stocks fell."), None);
        assert_eq!(d("NATO's weakness is a myth"), None);
        assert_eq!(d("US House Republicans are working"), None);
        assert_eq!(d(""), None);
    }
}
