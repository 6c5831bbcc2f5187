//! Sentence and word segmentation shared by `stats` and the annotators.
//!
//! Sentences end at `.`, `!`, `?`, `…` (and CJK full stops) followed by a space and a capital,
//! digit or opening quote, unless the word before the stop is an abbreviation or an initial
//! ("Mr.", "U.S.", "J. K."), which would otherwise split most news sentences that name people.

use unicode_segmentation::UnicodeSegmentation;

/// Words whose trailing period does not end a sentence (compared lower-case, without the dot).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "sgt", "capt",
    "cmdr", "adm", "maj", "st", "jr", "sr", "inc", "corp", "co", "ltd", "no", "nos", "vs", "etc",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt",
    "ft", "rev", "hon", "pres", "supt", "det", "insp", "cpl", "pvt", "fig", "approx", "dept",
    "univ", "assn", "bros", "ave", "blvd", "rd", "e.g", "i.e", "al", "gov't", "messrs", "mme",
    "mlle", "nr", "art", "abs", "bzw", "ca", "dh", "evtl", "ggf", "usw", "vgl", "z.b",
];

fn is_terminal(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…')
}

fn is_cjk_terminal(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '｡')
}

fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '」' | '』' | '）'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '«' | '(' | '[' | '¿' | '¡' | '„'
    )
}

/// Whether the word ending just before byte `dot` is an abbreviation or an initial.
fn abbreviation_before(text: &str, dot: usize) -> bool {
    // Look back a bounded distance: a longer "word" is no abbreviation, and an unbounded scan
    // would make a text of dots without spaces quadratic.
    let mut lo = dot.saturating_sub(24);
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    let head = &text[lo..dot];
    let word_start = head
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace() || is_opener(*c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = &head[word_start..];
    if word.is_empty() {
        return false;
    }
    let mut chars = word.chars();
    let first = chars.next().unwrap_or(' ');
    // A single letter ("J.") or letters with inner dots ("U.S", "a.m").
    if word.chars().count() == 1 && first.is_alphabetic() {
        return true;
    }
    if word.contains('.') && word.chars().all(|c| c.is_alphabetic() || c == '.') {
        return true;
    }
    // The list is ASCII: an ASCII word is compared in place, with no lower-case copy per stop.
    if word.is_ascii() {
        return ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(word));
    }
    let lower = word.to_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Positions of the bytes that can start a terminal, in order: the ASCII stops, and the lead
/// bytes of `…` (E2) and of the CJK stops (E3, EF). A lead byte is always a char boundary. Two
/// vectorised `memchr3` scans, merged: most of a text is no terminal, and a byte-by-byte test
/// of six values was 5 % of `pipe`'s CPU samples.
struct TerminalStarts<'a> {
    stops: std::iter::Peekable<memchr::Memchr3<'a>>,
    leads: std::iter::Peekable<memchr::Memchr3<'a>>,
}

impl<'a> TerminalStarts<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        TerminalStarts {
            stops: memchr::memchr3_iter(b'.', b'!', b'?', bytes).peekable(),
            leads: memchr::memchr3_iter(0xE2, 0xE3, 0xEF, bytes).peekable(),
        }
    }

    /// The first position at or after `pos`.
    fn next_from(&mut self, pos: usize) -> Option<usize> {
        while self.stops.next_if(|&i| i < pos).is_some() {}
        while self.leads.next_if(|&i| i < pos).is_some() {}
        match (self.stops.peek(), self.leads.peek()) {
            (Some(&a), Some(&b)) => Some(a.min(b)),
            (a, b) => a.or(b).copied(),
        }
    }
}

/// Byte ranges of the sentences of one paragraph (no line breaks expected; any are spaces).
///
/// Skips from one possible terminal byte to the next instead of decoding every char: the
/// recogniser and the stats split every paragraph, and most of a text is not a terminal.
pub fn sentence_spans(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut spans = Vec::new();
    let mut start = 0usize;
    let mut pos = 0usize;
    let mut starts = TerminalStarts::new(bytes);
    while let Some(i) = starts.next_from(pos) {
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let cjk = is_cjk_terminal(c);
        if !is_terminal(c) && !cjk {
            pos = i + c.len_utf8();
            continue;
        }
        // Swallow a run of terminals and closing quotes/brackets.
        let mut end = i + c.len_utf8();
        for d in text[end..].chars() {
            if is_terminal(d) || is_cjk_terminal(d) || is_closer(d) {
                end += d.len_utf8();
            } else {
                break;
            }
        }
        pos = end;
        if is_boundary(text, c, i, end) {
            push_trimmed(text, start, end, &mut spans);
            start = end;
        }
    }
    push_trimmed(text, start, text.len(), &mut spans);
    spans
}

/// Whether the terminal `c` at `i`, with its run ending at `end`, ends a sentence.
fn is_boundary(text: &str, c: char, i: usize, end: usize) -> bool {
    if is_cjk_terminal(c) {
        return true;
    }
    let rest = &text[end..];
    let after_space = rest.trim_start();
    let had_space = after_space.len() < rest.len();
    let next = after_space.chars().find(|c| !is_opener(*c)).unwrap_or(' ');
    had_space
        && !after_space.is_empty()
        && (next.is_uppercase() || next.is_numeric() || !next.is_alphabetic() || is_caseless(next))
        && !(c == '.' && abbreviation_before(text, i))
}

/// Adds `text[start..end]`, trimmed, unless nothing is left.
fn push_trimmed(text: &str, start: usize, end: usize, spans: &mut Vec<(usize, usize)>) {
    let s = text[start..end].trim();
    if !s.is_empty() {
        let lead = text[start..].len() - text[start..].trim_start().len();
        spans.push((start + lead, start + lead + s.len()));
    }
}

/// Letters of scripts without case (Arabic, Hebrew, CJK, Indic, ...) can start a sentence.
fn is_caseless(c: char) -> bool {
    c.is_alphabetic() && !c.is_uppercase() && !c.is_lowercase()
}

/// Whether `text` has more than `n` whitespace-separated words: reads no further than the
/// word after the `n`th (counting them all read whole paragraphs to compare with a dozen).
pub fn has_more_words_than(text: &str, n: usize) -> bool {
    text.split_whitespace().nth(n).is_some()
}

/// Number of words: Unicode word segments (each CJK ideograph counts as one).
pub fn word_count(text: &str) -> usize {
    latin_word_count(text).unwrap_or_else(|| text.unicode_words().count())
}

/// The word-break classes (UAX #29) of the chars [`latin_word_count`] knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WordBreak {
    Letter,
    Digit,
    /// `_` (ExtendNumLet): joins letters and digits on either side.
    Underscore,
    /// `:` (MidLetter): joins two letters.
    MidLetter,
    /// `,` `;` (MidNum): join two digits.
    MidNum,
    /// `.` `'` `‘` `’` (MidNumLet, Single_Quote): join two letters or two digits.
    MidNumLet,
    /// Spaces, other punctuation, symbols: always a break.
    Other,
}

/// The class of `c`, for ASCII, Latin-1 and Latin Extended-A letters and the typography of
/// news prose; `None` for anything else (the full segmenter then counts).
const fn word_break(c: char) -> Option<WordBreak> {
    use WordBreak::*;
    Some(match c {
        'a'..='z'
        | 'A'..='Z'
        | '\u{c0}'..='\u{d6}'
        | '\u{d8}'..='\u{f6}'
        | '\u{f8}'..='\u{17f}' => Letter,
        '0'..='9' => Digit,
        '_' => Underscore,
        ':' => MidLetter,
        ',' | ';' => MidNum,
        '.' | '\'' | '\u{2018}' | '\u{2019}' => MidNumLet,
        '\0'..='\u{7f}'
        | '\u{a0}'..='\u{a9}'
        | '\u{ab}'
        | '\u{ae}'
        | '\u{b0}'
        | '\u{b1}'
        | '\u{bb}'
        | '\u{d7}'
        | '\u{f7}'
        | '\u{2010}'..='\u{2015}'
        | '\u{201c}'..='\u{201f}'
        | '\u{2020}'..='\u{2023}'
        | '\u{2026}'
        | '\u{2039}'
        | '\u{203a}'
        | '\u{20ac}'
        | '\u{2122}'
        | '\u{fffd}' => Other,
        _ => return None,
    })
}

/// [`word_break`] of every ASCII byte, looked up instead of matched.
static ASCII_WORD_BREAK: [WordBreak; 128] = {
    let mut table = [WordBreak::Other; 128];
    let mut b = 0;
    while b < 128 {
        if let Some(class) = word_break(b as u8 as char) {
            table[b] = class;
        }
        b += 1;
    }
    table
};

/// The class and byte length of the char at byte `i` (a char boundary); `None` at the end.
#[inline]
fn word_break_at(text: &str, i: usize) -> Option<(Option<WordBreak>, usize)> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        return Some((Some(ASCII_WORD_BREAK[usize::from(b)]), 1));
    }
    let c = text.get(i..)?.chars().next()?;
    Some((word_break(c), c.len_utf8()))
}

/// `unicode_words().count()` for text of the chars [`word_break`] knows (most news prose in
/// Latin script), without the full segmenter's tables; `None` for any other text. The rules are UAX #29's
/// for these classes: letters, digits and `_` run together (WB5, WB8-10, WB13a-b), a mid char
/// joins two letters or two digits (WB6-7, WB11-12), everything else breaks, and a segment is a
/// word when it holds a letter or digit.
fn latin_word_count(text: &str) -> Option<usize> {
    use WordBreak::*;
    let mut count = 0;
    // The class of the last letter, digit or `_` of the segment being read (`None`: between
    // words), and whether the segment holds a letter or digit.
    let mut last: Option<WordBreak> = None;
    let mut alnum = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    // [`word_break_at`] unrolled: through it, with its nested option, the loop took nearly
    // twice the instructions.
    while let Some(&b) = bytes.get(i) {
        let class = if b < 0x80 {
            i += 1;
            ASCII_WORD_BREAK[usize::from(b)]
        } else {
            let c = text.get(i..)?.chars().next()?;
            i += c.len_utf8();
            word_break(c)?
        };
        let joins = match class {
            Letter | Digit | Underscore => {
                alnum |= class != Underscore;
                last = Some(class);
                true
            }
            MidLetter | MidNum | MidNumLet => {
                // Only a mid char looks ahead.
                let after = match word_break_at(text, i) {
                    Some((c, _)) => Some(c?),
                    None => None,
                };
                matches!(
                    (last, class, after),
                    (Some(Letter), MidLetter | MidNumLet, Some(Letter))
                        | (Some(Digit), MidNum | MidNumLet, Some(Digit))
                )
            }
            Other => false,
        };
        if !joins {
            count += usize::from(alnum);
            last = None;
            alnum = false;
        }
    }
    Some(count + usize::from(alnum))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sents(t: &str) -> Vec<&str> {
        sentence_spans(t)
            .into_iter()
            .map(|(a, b)| &t[a..b])
            .collect()
    }

    #[test]
    fn news_sentences() {
        assert_eq!(
            sents(
                "U.S. Secretary of State Mike Pompeo said on Monday it was ready. Mr. Kim agreed! Did he?"
            ),
            vec![
                "U.S. Secretary of State Mike Pompeo said on Monday it was ready.",
                "Mr. Kim agreed!",
                "Did he?"
            ]
        );
        assert_eq!(
            sents(
                "\"So this is a good outcome,\" Pompeo said. \"We agree.\" Then J. K. Rowling left."
            ),
            vec![
                "\"So this is a good outcome,\" Pompeo said.",
                "\"We agree.\"",
                "Then J. K. Rowling left."
            ]
        );
        assert_eq!(
            sents("It cost 3.5 million. Then 4 more."),
            vec!["It cost 3.5 million.", "Then 4 more."]
        );
        assert_eq!(
            sents("北京是首都。上海很大。"),
            vec!["北京是首都。", "上海很大。"]
        );
        assert_eq!(sents("no stop at the end"), vec!["no stop at the end"]);
        assert!(sents("   ").is_empty());
    }

    #[test]
    fn words() {
        assert_eq!(word_count("It's a well-known fact, isn't it?"), 7);
        assert_eq!(word_count("北京是首都"), 5);
    }

    /// The char-by-char form `sentence_spans` replaced: what it must still agree with.
    fn sentence_spans_by_chars(text: &str) -> Vec<(usize, usize)> {
        let mut spans = Vec::new();
        let mut start = 0usize;
        let mut iter = text.char_indices().peekable();
        while let Some((i, c)) = iter.next() {
            let cjk = is_cjk_terminal(c);
            if !is_terminal(c) && !cjk {
                continue;
            }
            // Swallow a run of terminals and closing quotes/brackets.
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = iter.peek() {
                if is_terminal(d) || is_cjk_terminal(d) || is_closer(d) {
                    end = j + d.len_utf8();
                    iter.next();
                } else {
                    break;
                }
            }
            let rest = &text[end..];
            let boundary = if cjk {
                true
            } else {
                let after_space = rest.trim_start();
                let had_space = after_space.len() < rest.len();
                let next = after_space.chars().find(|c| !is_opener(*c)).unwrap_or(' ');
                had_space
                    && !after_space.is_empty()
                    && (next.is_uppercase()
                        || next.is_numeric()
                        || !next.is_alphabetic()
                        || is_caseless(next))
                    && !(c == '.' && abbreviation_before(text, i))
            };
            if boundary {
                let s = text[start..end].trim();
                if !s.is_empty() {
                    let lead = text[start..].len() - text[start..].trim_start().len();
                    spans.push((start + lead, start + lead + s.len()));
                }
                start = end;
            }
        }
        let s = text[start..].trim();
        if !s.is_empty() {
            let lead = text[start..].len() - text[start..].trim_start().len();
            spans.push((start + lead, start + lead + s.len()));
        }
        spans
    }

    #[test]
    fn latin_words_count_as_the_segmenter_counts() {
        for text in [
            "It's 3.5 million, i.e. 3,500,000 (a_b) e.g. U.S.-led talks: 10:30 a.m.",
            "Mike Pompeo\u{2019}s \u{201c}good outcome\u{201d} \u{2014} Moon Jae-in\u{2026}",
            "caf\u{e9} na\u{ef}ve \u{df}tra\u{df}e \u{17f}",
            "__ _a a_ 1_2 a.1 1.a a:b 1:2 1;2 a;b 'a' .5 5. a..b",
            "",
        ] {
            assert_eq!(
                latin_word_count(text),
                Some(text.unicode_words().count()),
                "{text:?}"
            );
        }
        // Other scripts, combining marks and symbols the classes do not cover go to the
        // segmenter.
        assert_eq!(latin_word_count("\u{65e5}\u{672c}"), None);
        assert_eq!(latin_word_count("e\u{301}"), None);
        assert_eq!(word_count("\u{65e5}\u{672c} and e\u{301}"), 4);
    }

    /// Every char the fast path classes, in each position a class matters (between letters,
    /// between digits, alone, after `_`), against the segmenter.
    #[test]
    fn every_classed_char_counts_as_the_segmenter_counts() {
        let classed = (0u32..0x3000)
            .chain([0xfffd])
            .filter_map(char::from_u32)
            .filter(|&c| word_break(c).is_some());
        let mut n = 0;
        for c in classed {
            for text in [
                format!("a{c}b"),
                format!("1{c}2"),
                format!("{c}"),
                format!("x_{c} {c}{c}y"),
            ] {
                assert_eq!(
                    latin_word_count(&text),
                    Some(text.unicode_words().count()),
                    "{c:?} in {text:?}"
                );
            }
            n += 1;
        }
        assert!(n > 300, "{n} chars classed");
    }

    proptest! {
        #[test]
        fn more_words_than_is_the_count_compared(s in "[a \n\t\u{a0}]{0,40}", n in 0usize..12) {
            prop_assert_eq!(has_more_words_than(&s, n), s.split_whitespace().count() > n);
        }

        #[test]
        fn latin_word_count_is_the_segmenter_s(s in "[aZé\u{17f}09_.,;:'\"\u{2018}\u{2019}\u{201c}-\u{2023}\u{2010}-\u{2015}\u{2026}\u{a0}-\u{a9}\u{ab}\u{ae}\u{b0}\u{b1}\u{bb}\u{2039}\u{203a}\u{20ac}\u{2122}\u{fffd} \n\r\t×÷-]{0,40}") {
            prop_assert_eq!(latin_word_count(&s), Some(s.unicode_words().count()));
        }

        #[test]
        fn word_count_is_the_segmenter_s(s in "\\PC{0,80}") {
            prop_assert_eq!(word_count(&s), s.unicode_words().count());
        }

        #[test]
        fn spans_are_in_order_and_on_char_boundaries(s in "\\PC{0,300}") {
            let mut last = 0;
            for (a, b) in sentence_spans(&s) {
                prop_assert!(a >= last && b > a && b <= s.len());
                prop_assert!(s.is_char_boundary(a) && s.is_char_boundary(b));
                last = b;
            }
        }

        #[test]
        fn byte_skipping_agrees_with_the_char_walk(
            s in "([A-Za-z]{1,6}|[ .!?…。！？｡\"'”’)(“]|Mr|U\\.S|\\PC){0,80}"
        ) {
            prop_assert_eq!(sentence_spans(&s), sentence_spans_by_chars(&s));
        }
    }
}
