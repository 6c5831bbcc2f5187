//! Text normalisation: the tidy form of the cleaned body, and the *hash form* the content hash is
//! taken over.
//!
//! The hash form makes two syndicated copies of one story equal when they differ only in
//! typography (curly or straight quotes, dash variants, no-break spaces, Unicode normal forms,
//! zero-width characters), whitespace and paragraph breaks, or letter case (SPEC `content_hash`).

use unicode_normalization::UnicodeNormalization;

/// Maps typographic variants to one form; `None` drops the character.
#[inline]
fn fold_char(c: char) -> Option<char> {
    match c {
        // Quotes and apostrophes (including the acute accent and backtick used as apostrophes).
        '\u{2018}' | '\u{2019}' | '\u{201a}' | '\u{201b}' | '\u{2032}' | '`' | '\u{00b4}' => {
            Some('\'')
        }
        '\u{201c}' | '\u{201d}' | '\u{201e}' | '\u{201f}' | '\u{2033}' | '\u{00ab}'
        | '\u{00bb}' => Some('"'),
        // Hyphens, dashes and minus signs.
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' | '\u{fe58}' | '\u{fe63}' | '\u{ff0d}' => Some('-'),
        // Zero-width and invisible formatting characters, soft hyphen, BOM.
        '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{2060}' | '\u{feff}' | '\u{00ad}' => None,
        c => Some(c),
    }
}

/// Whether a character counts as whitespace for collapsing (Unicode White_Space).
#[inline]
pub fn is_space(c: char) -> bool {
    c.is_whitespace()
}

/// Appends the hash form of `text` to `out`: NFKC, typography folded, lower-cased, every run of
/// whitespace (line breaks included) one space, no leading or trailing space.
///
/// `out` is a reusable buffer; appending lets callers hash several pieces as one text.
pub fn push_hash_form(text: &str, out: &mut String) {
    // A space is owed before the next visible character once anything precedes it, so pieces
    // appended one after another read as one text.
    let mut pending = !out.is_empty();
    let folded = || text.chars().filter_map(fold_char);
    // ASCII, or text NFKC leaves alone (most prose: its only non-ASCII characters are quotes and
    // dashes the folding maps away, or accented letters already composed), skips the
    // normaliser's decompose-and-recompose; the quick check answers "yes" only when that holds.
    if text.is_ascii()
        || unicode_normalization::is_nfkc_quick(folded_non_ascii(text))
            == unicode_normalization::IsNormalized::Yes
    {
        let bytes = text.as_bytes();
        out.reserve(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            // Most of prose is visible ASCII that folds to itself lower-cased: looked up.
            let plain = PLAIN_LOWER[usize::from(bytes[i])];
            if plain != 0 {
                if pending {
                    out.push(' ');
                    pending = false;
                }
                out.push(char::from(plain));
                i += 1;
                continue;
            }
            // The space between words: what `emit_hash_char` does with it, without decoding.
            if bytes[i] == b' ' {
                pending = !out.is_empty();
                i += 1;
                continue;
            }
            // `i` is on a char boundary: it only ever moves past whole chars.
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            i += c.len_utf8();
            emit_hash_char(c, out, &mut pending);
        }
    } else {
        // Fold typography before NFKC as well as after, so compatibility characters that
        // decompose into quote or dash variants end up folded too.
        folded()
            .nfkc()
            .for_each(|c| emit_hash_char(c, out, &mut pending));
    }
}

/// Appends `key`, a text already in hash form, as [`push_hash_form`] would append the text it
/// was taken of: a space between pieces, then the piece.
pub fn push_hash_key(key: &str, out: &mut String) {
    if !out.is_empty() && !key.is_empty() {
        out.push(' ');
    }
    out.push_str(key);
}

/// The folded chars of `text` that stay outside ASCII, found by their lead bytes (ASCII is not
/// decoded). Enough for the NFKC quick check: an ASCII char is normalised and of combining
/// class 0, so leaving it out can turn a "yes" into a "no" (a reordering it would have
/// separated), which only costs the slow path, never a "no" into a "yes".
fn folded_non_ascii(text: &str) -> impl Iterator<Item = char> + '_ {
    text.bytes()
        .enumerate()
        .filter(|&(_, b)| b >= 0xc0)
        .filter_map(|(i, _)| text.get(i..)?.chars().next())
        .filter_map(fold_char)
        .filter(|c| !c.is_ascii())
}

/// For each byte, its lower case if it is visible ASCII that the hash form keeps as it is but
/// for case, else 0 (spaces, controls, the backtick, which becomes an apostrophe, and the bytes
/// of other chars take the general path).
static PLAIN_LOWER: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0x21;
    while b <= 0x7e {
        if b != b'`' {
            table[b as usize] = b.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

/// One char of the hash form: folded, whitespace made one owed space, lower-cased.
#[inline]
fn emit_hash_char(c: char, out: &mut String, pending: &mut bool) {
    let Some(c) = fold_char(c) else { return };
    if is_space(c) {
        *pending = !out.is_empty();
        return;
    }
    if *pending {
        out.push(' ');
        *pending = false;
    }
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        out.extend(c.to_lowercase());
    }
}

/// The hash form of one text (see [`push_hash_form`]).
pub fn hash_form(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_hash_form(text, &mut out);
    out
}

/// `blake3:` + 64 hex characters.
pub fn format_hash(hash: &blake3::Hash) -> String {
    format!("blake3:{}", hash.to_hex())
}

/// Tidies one paragraph for output: control characters dropped, runs of horizontal whitespace
/// (tabs, no-break spaces, doubled spaces) made one space, ends trimmed. Letters, quotes and
/// dashes stay as the source wrote them.
pub fn tidy_paragraph(p: &str, out: &mut String) {
    let mut pending = false;
    let start = out.len();
    let bytes = p.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Runs of visible ASCII are kept as they are: copied at once. A run goes on through a
        // single space between visible chars, so a run is a stretch of prose, not a word.
        let run = i;
        while i < bytes.len() && matches!(bytes[i], 0x21..=0x7e) {
            i += 1;
            while i + 1 < bytes.len() && bytes[i] == b' ' && matches!(bytes[i + 1], 0x21..=0x7e) {
                i += 2;
            }
        }
        if i > run {
            if pending {
                out.push(' ');
                pending = false;
            }
            out.push_str(&p[run..i]);
            continue;
        }
        // `i` is on a char boundary: it only ever moves past whole chars.
        let Some(c) = p[i..].chars().next() else {
            break;
        };
        i += c.len_utf8();
        if is_space(c) {
            pending = out.len() > start;
            continue;
        }
        if c.is_control() || c == '\u{feff}' {
            continue;
        }
        if pending {
            out.push(' ');
            pending = false;
        }
        out.push(c);
    }
}

/// Splits a body into tidied, non-empty paragraphs. SPEC: paragraphs are separated by newlines
/// or blank lines (CR, CRLF, LF, and the Unicode line and paragraph separators all count).
pub fn paragraphs(text: &str) -> Vec<String> {
    text.split(['\n', '\r', '\u{2028}', '\u{2029}', '\u{0085}'])
        .filter_map(|line| {
            let mut p = String::with_capacity(line.len());
            tidy_paragraph(line, &mut p);
            (!p.is_empty()).then_some(p)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn typography_case_and_whitespace_fold_away() {
        let a = "“Most importantly,” Pompeo said — it’s real.\n\nNext   paragraph.";
        let b = "\"most importantly,\" POMPEO said - it's real.\r\nNext paragraph.";
        let c = "\u{201c}Most\u{00a0}importantly,\u{201d} Pompeo said \u{2013} it\u{2019}s real.\nNext paragraph.";
        assert_eq!(hash_form(a), hash_form(b));
        assert_eq!(hash_form(a), hash_form(c));
        assert_eq!(
            hash_form(a),
            "\"most importantly,\" pompeo said - it's real. next paragraph."
        );
    }

    #[test]
    fn unicode_forms_fold_away() {
        let nfc = "Café déjà vu";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfc, nfd);
        assert_eq!(hash_form(nfc), hash_form(&nfd));
        assert_eq!(hash_form("ﬁne ＡＢＣ"), "fine abc");
        assert_eq!(
            hash_form("zero\u{200b}width soft\u{00ad}hyphen"),
            "zerowidth softhyphen"
        );
    }

    #[test]
    fn pieces_append_with_one_space() {
        let mut out = String::new();
        push_hash_form("  First  ", &mut out);
        push_hash_form("", &mut out);
        push_hash_form("Second", &mut out);
        assert_eq!(out, "first second");
        assert_eq!(hash_form("First\n\nSecond"), out);
    }

    #[test]
    fn a_key_appends_as_its_text_would() {
        for pieces in [
            &["  First  ", "", "Second"][..],
            &["", "  ", "Only"],
            &["\u{201c}Quoted\u{201d}", "\u{200b}", "Ｗｉｄｅ"],
        ] {
            let mut by_text = String::new();
            let mut by_key = String::new();
            for p in pieces {
                push_hash_form(p, &mut by_text);
                push_hash_key(&hash_form(p), &mut by_key);
            }
            assert_eq!(by_key, by_text, "{pieces:?}");
        }
    }

    #[test]
    fn paragraphs_split_and_tidy() {
        let p = paragraphs("  One\u{a0}\u{a0}two \r\n\r\n\tThree\u{0007}\n\n\n");
        assert_eq!(p, vec!["One two".to_string(), "Three".to_string()]);
    }

    /// Every text through the normaliser, as before the quick check: content hashes are
    /// compared across versions, so the shortcut must change none.
    fn hash_form_reference(text: &str) -> String {
        let mut out = String::new();
        let mut pending = false;
        for c in text.chars().filter_map(fold_char).nfkc() {
            let Some(c) = fold_char(c) else { continue };
            if is_space(c) {
                pending = !out.is_empty();
                continue;
            }
            if pending {
                out.push(' ');
                pending = false;
            }
            out.extend(c.to_lowercase());
        }
        out
    }

    /// The paragraph tidier as it was, char by char: the oracle of its ASCII runs.
    fn tidy_reference(p: &str) -> String {
        let mut out = String::new();
        let mut pending = false;
        for c in p.chars() {
            if is_space(c) {
                pending = !out.is_empty();
                continue;
            }
            if c.is_control() || c == '\u{feff}' {
                continue;
            }
            if pending {
                out.push(' ');
                pending = false;
            }
            out.push(c);
        }
        out
    }

    #[test]
    fn every_ascii_byte_takes_the_char_path_s_result() {
        for b in 0u8..128 {
            let text = format!("a{}B{}c", char::from(b), char::from(b));
            assert_eq!(hash_form(&text), hash_form_reference(&text), "byte {b:#x}");
            let mut tidy = String::new();
            tidy_paragraph(&text, &mut tidy);
            assert_eq!(tidy, tidy_reference(&text), "byte {b:#x}");
        }
    }

    #[test]
    fn the_nfkc_shortcut_changes_no_hash_form() {
        for text in [
            "plain ascii",
            "“Curly” quotes — and dashes",
            "caf\u{e9} and cafe\u{301}",
            "e\u{200b}\u{301}: a zero-width space between a letter and its accent",
            "\u{fb01}ligature, \u{2460} circled, \u{ff21} full width",
            "\u{1100}\u{1161}\u{11a8} Hangul jamo",
        ] {
            assert_eq!(hash_form(text), hash_form_reference(text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn the_nfkc_shortcut_agrees_on_any_text(s in "[a-e \u{200b}\u{301}\u{316}\u{308}\u{fb01}\u{e9}\u{2019}]{0,40}|\\PC{0,80}") {
            prop_assert_eq!(hash_form(&s), hash_form_reference(&s));
        }

        #[test]
        fn ascii_runs_tidy_as_the_char_walk(s in "[a-cA-C `\t\r\u{0}\u{7f}\u{a0}\u{feff}\u{2003}é’]{0,60}|\\PC{0,80}") {
            let mut tidy = String::new();
            tidy_paragraph(&s, &mut tidy);
            prop_assert_eq!(tidy, tidy_reference(&s));
            prop_assert_eq!(hash_form(&s), hash_form_reference(&s));
        }

        #[test]
        fn hash_form_is_idempotent(s in "\\PC*") {
            let once = hash_form(&s);
            prop_assert_eq!(hash_form(&once), once.clone());
        }

        #[test]
        fn whitespace_and_case_never_matter(words in proptest::collection::vec("[a-zA-Zé’“”—]{1,8}", 1..20), seps in proptest::collection::vec(prop_oneof![Just(" "), Just("  "), Just("\n"), Just("\n\n"), Just("\u{a0}"), Just("\r\n")], 20)) {
            let mut a = String::new();
            let mut b = String::new();
            for (i, w) in words.iter().enumerate() {
                if i > 0 { a.push(' '); b.push_str(seps[i % seps.len()]); }
                a.push_str(w);
                b.push_str(&w.to_uppercase());
            }
            prop_assert_eq!(hash_form(&a), hash_form(&b));
        }

        #[test]
        fn tidy_never_panics_and_has_no_runs(s in "\\PC*") {
            for p in paragraphs(&s) {
                prop_assert!(!p.contains("  "));
                prop_assert!(!p.starts_with(' ') && !p.ends_with(' '));
            }
        }
    }
}
