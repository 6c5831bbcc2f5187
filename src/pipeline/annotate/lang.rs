//! Language of the cleaned body: whatlang's trigram and script detector, ISO 639-1 codes.
//!
//! The input's `lang` hint only breaks near-ties: it is taken when the detector is unsure and the
//! hint is a language of the same script. Short or mixed texts get a low confidence rather than a
//! confident wrong answer.

use whatlang::{Detector, Lang};

/// How much of the text is looked at (the detector's answer is settled long before).
const SAMPLE_BYTES: usize = 4096;
/// The first look: most texts are settled by their first half kilobyte (the dev sets agree with
/// the whole sample on every text; a quarter kilobyte already misjudged one); only an unsure
/// answer pays for the whole sample.
const FIRST_LOOK_BYTES: usize = 512;

/// How much of the sample the English pre-check reads.
const PRECHECK_BYTES: usize = 1024;

/// English function words that are rare as words in other languages written in Latin script.
static ENGLISH_FUNCTION: super::lexicon::WordSet = super::lexicon::WordSet::new(&[
    "the", "and", "of", "that", "with", "was", "were", "for", "this", "which", "from", "have",
    "has", "been", "would", "their", "they", "said", "his", "her", "its", "are", "will", "not",
    "but", "who", "after", "by", "at", "it", "to", "is", "an", "be", "he", "she", "we", "had",
    "there", "about", "than", "when", "what", "could", "into", "our", "more", "also",
]);

/// The cheap answer for the most common case: whatlang costs about 90 µs however short the
/// text (it scores every language of the script), while plain English prose gives itself away
/// by its function words in a few microseconds. Only a clear case answers: ASCII letters only
/// (an accented word or another script goes to the detector), at least 60 words, and English
/// function words making a fifth of them (news prose: a quarter to two fifths) with "the" at
/// least one word in 33 (no other language writes it).
fn clearly_english(sample: &str) -> bool {
    let sample = &sample[..sample.floor_char_boundary(PRECHECK_BYTES)];
    if sample.chars().any(|c| !c.is_ascii() && c.is_alphabetic()) {
        return false;
    }
    let (mut words, mut function, mut the) = (0usize, 0usize, 0usize);
    let mut buf = String::new();
    for w in sample
        .split(|c: char| !c.is_ascii_alphabetic() && c != '\'')
        .filter(|w| !w.is_empty())
    {
        words += 1;
        buf.clear();
        buf.extend(w.chars().map(|c| c.to_ascii_lowercase()));
        if ENGLISH_FUNCTION.contains(buf.as_str()) {
            function += 1;
            the += usize::from(buf == "the");
        }
    }
    words >= 60 && function * 5 >= words && the * 33 >= words
}

/// ISO 639-1 where the language has one, else ISO 639-3 (SPEC).
pub fn iso_code(lang: Lang) -> &'static str {
    match lang.code() {
        "epo" => "eo",
        "eng" => "en",
        "rus" => "ru",
        "cmn" => "zh",
        "spa" => "es",
        "por" => "pt",
        "ita" => "it",
        "ben" => "bn",
        "fra" => "fr",
        "deu" => "de",
        "ukr" => "uk",
        "kat" => "ka",
        "ara" => "ar",
        "hin" => "hi",
        "jpn" => "ja",
        "heb" => "he",
        "yid" => "yi",
        "pol" => "pl",
        "amh" => "am",
        "jav" => "jv",
        "kor" => "ko",
        "nob" => "nb",
        "dan" => "da",
        "swe" => "sv",
        "fin" => "fi",
        "tur" => "tr",
        "nld" => "nl",
        "hun" => "hu",
        "ces" => "cs",
        "ell" => "el",
        "bul" => "bg",
        "bel" => "be",
        "mar" => "mr",
        "kan" => "kn",
        "ron" => "ro",
        "slv" => "sl",
        "hrv" => "hr",
        "srp" => "sr",
        "mkd" => "mk",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "tam" => "ta",
        "vie" => "vi",
        "urd" => "ur",
        "tha" => "th",
        "guj" => "gu",
        "uzb" => "uz",
        "pan" => "pa",
        "aze" => "az",
        "ind" => "id",
        "tel" => "te",
        "pes" => "fa",
        "mal" => "ml",
        "ori" => "or",
        "mya" => "my",
        "nep" => "ne",
        "sin" => "si",
        "khm" => "km",
        "tuk" => "tk",
        "aka" => "ak",
        "zul" => "zu",
        "sna" => "sn",
        "afr" => "af",
        "lat" => "la",
        "slk" => "sk",
        "cat" => "ca",
        "tgl" => "tl",
        "hye" => "hy",
        "cym" => "cy",
        other => other,
    }
}

/// whatlang's language for an ISO 639-1 or 639-3 hint ("en", "eng", "en-US", "zh_CN").
fn from_hint(hint: &str) -> Option<Lang> {
    let h = hint.trim().to_ascii_lowercase();
    let h = h.split(['-', '_']).next().unwrap_or("");
    if h.len() == 3 {
        return Lang::from_code(h);
    }
    Lang::all().iter().copied().find(|l| iso_code(*l) == h)
}

/// The detected language and a confidence in 0..1 (None for text without letters).
pub fn detect(
    title: Option<&str>,
    paragraphs: &[String],
    hint: Option<&str>,
) -> Option<(String, f64)> {
    let mut sample = String::with_capacity(SAMPLE_BYTES + 128);
    if let Some(t) = title {
        sample.push_str(t);
        sample.push('\n');
    }
    for p in paragraphs {
        if sample.len() >= SAMPLE_BYTES {
            break;
        }
        sample.push_str(p);
        sample.push('\n');
    }
    let sample = &sample[..sample.floor_char_boundary(SAMPLE_BYTES)];
    if hint.is_none_or(|h| from_hint(h) == Some(Lang::Eng)) && clearly_english(sample) {
        return Some(("en".into(), 1.0));
    }
    let letters = sample.chars().filter(|c| c.is_alphabetic()).count();
    let first = sample.floor_char_boundary(FIRST_LOOK_BYTES);
    let info = match Detector::new().detect(&sample[..first]) {
        Some(i) if i.is_reliable() || first == sample.len() => i,
        _ => Detector::new().detect(sample)?,
    };
    let mut lang = info.lang();
    let mut confidence = info.confidence();
    // A near-tie the hint can settle: the detector is unsure, and the hint writes in the same
    // script (a hint of another script is simply wrong for this text).
    if let Some(h) = hint.and_then(from_hint) {
        if h != lang && !info.is_reliable() {
            let same_script = Detector::with_allowlist(vec![h, lang])
                .detect(sample)
                .is_some_and(|i| i.script() == info.script());
            if same_script {
                lang = h;
            }
        }
        if h == lang {
            confidence = confidence.max(0.5);
        }
    }
    // Little text: little certainty.
    if letters < 40 {
        confidence = confidence.min(0.3);
    } else if letters < 120 {
        confidence = confidence.min(0.6);
    }
    Some((
        iso_code(lang).to_string(),
        (confidence * 1000.0).round() / 1000.0,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Option<(String, f64)> {
        detect(None, &[text.to_string()], None)
    }

    #[test]
    fn common_languages() {
        assert_eq!(d("The council approved the harbour plan on Tuesday after a long debate about its cost.").unwrap().0, "en");
        assert_eq!(
            d("Der Stadtrat hat den Plan für den Hafen am Dienstag nach langer Debatte genehmigt.")
                .unwrap()
                .0,
            "de"
        );
        assert_eq!(
            d("Le conseil municipal a approuvé le projet du port mardi après un long débat.")
                .unwrap()
                .0,
            "fr"
        );
        assert_eq!(
            d("北京是中华人民共和国的首都，也是全国的政治和文化中心。")
                .unwrap()
                .0,
            "zh"
        );
        assert_eq!(
            d("東京は日本の首都であり、多くの人々が住んでいます。")
                .unwrap()
                .0,
            "ja"
        );
        assert_eq!(
            d("서울은 대한민국의 수도이며 가장 큰 도시입니다.")
                .unwrap()
                .0,
            "ko"
        );
    }

    #[test]
    fn the_english_precheck_answers_only_clear_cases() {
        let english = "The council approved the harbour plan on Tuesday after a long debate about its cost, and the mayor said that work would begin in the spring. ".repeat(4);
        assert!(clearly_english(&english));
        assert_eq!(d(&english), Some(("en".into(), 1.0)));
        // Too short, accented, or another language: the detector decides.
        assert!(!clearly_english("The council approved the plan."));
        assert!(!clearly_english(&format!("{english} Café")));
        let dutch = "De gemeenteraad heeft het plan voor de haven op dinsdag goedgekeurd na een lang debat over de kosten, en de burgemeester zei dat het werk in het voorjaar zou beginnen. Het is een plan dat was besproken in de raad. ".repeat(4);
        assert!(!clearly_english(&dutch));
        assert_eq!(d(&dutch).unwrap().0, "nl");
        let german = "Der Stadtrat hat den Plan für den Hafen am Dienstag nach langer Debatte genehmigt und der Bürgermeister sagte, die Arbeiten würden im Frühjahr beginnen. Es war ein Plan, der in der Stadt umstritten war. ".repeat(4);
        assert!(!clearly_english(&german));
        // A hint of another language leaves it to the detector.
        assert!(detect(None, &[english], Some("de")).is_some());
    }

    #[test]
    fn short_text_is_unsure_and_hints_break_ties() {
        let (_, c) = d("Hello there").unwrap();
        assert!(c <= 0.3);
        assert!(
            detect(None, &["Ok".to_string()], Some("de"))
                .map(|x| x.0)
                .is_some()
        );
        assert_eq!(d("12345 !!!"), None);
        assert_eq!(from_hint("en-US"), Some(Lang::Eng));
        assert_eq!(from_hint("zh_CN"), Some(Lang::Cmn));
    }
}
