//! The word lists the annotators consult, shipped in `config/data/` and compiled in (nothing is
//! fetched at build or run time; origins and licences are in the README).

use rustc_hash::FxHashSet;
use std::borrow::Cow;
use std::sync::{LazyLock, OnceLock};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// A fixed list of words asked about for every token: hashed once, on first use.
pub struct WordSet {
    words: &'static [&'static str],
    /// Other sets whose words this one holds too (see [`WordSet::union`]).
    parts: &'static [&'static WordSet],
    index: OnceLock<WordIndex>,
}

/// The set, and what lets most misses skip hashing: the lengths its words have and the bytes
/// they start with (most tokens asked about are in no list).
struct WordIndex {
    set: FxHashSet<&'static str>,
    first_bytes: [u64; 4],
    min_len: usize,
    max_len: usize,
}

impl WordIndex {
    fn new(words: &[&'static str]) -> Self {
        let mut first_bytes = [0u64; 4];
        for w in words {
            if let Some(&b) = w.as_bytes().first() {
                first_bytes[usize::from(b >> 6)] |= 1 << (b & 63);
            }
        }
        Self {
            set: words.iter().copied().collect(),
            first_bytes,
            min_len: words.iter().map(|w| w.len()).min().unwrap_or(0),
            max_len: words.iter().map(|w| w.len()).max().unwrap_or(0),
        }
    }

    fn contains(&self, word: &str) -> bool {
        let Some(&b) = word.as_bytes().first() else {
            return self.set.contains(word);
        };
        (self.min_len..=self.max_len).contains(&word.len())
            && self.first_bytes[usize::from(b >> 6)] & (1 << (b & 63)) != 0
            && self.set.contains(word)
    }
}

impl WordSet {
    pub const fn new(words: &'static [&'static str]) -> Self {
        Self {
            words,
            parts: &[],
            index: OnceLock::new(),
        }
    }

    /// The words of several sets as one: one lookup where a word is asked of each in turn.
    pub const fn union(parts: &'static [&'static WordSet]) -> Self {
        Self {
            words: &[],
            parts,
            index: OnceLock::new(),
        }
    }

    /// Its own words and those of its parts.
    pub fn words(&self) -> Vec<&'static str> {
        let mut all = self.words.to_vec();
        for part in self.parts {
            all.extend(part.words());
        }
        all
    }

    pub fn contains<S: AsRef<str> + ?Sized>(&self, word: &S) -> bool {
        self.index
            .get_or_init(|| WordIndex::new(&self.words()))
            .contains(word.as_ref())
    }
}

fn lines(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Normalised lookup form: lower-case, accents and dots dropped, curly apostrophes straightened
/// ("U.S." and "US" are one key, as are "Garges-lès-Gonesse" and "Garges-les-Gonesse").
pub fn key(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    key_into(s, &mut out);
    out
}

/// [`key`] into a buffer the caller reuses (no allocation per word).
pub fn key_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        // The common case, byte by byte: the annotators ask for a key of nearly every word.
        out.push_str(s);
        out.make_ascii_lowercase();
        if s.contains('.') {
            out.retain(|c| c != '.');
        }
        return;
    }
    out.extend(
        s.nfd()
            .filter(|c| *c != '.' && !is_combining_mark(*c))
            .map(|c| if matches!(c, '’' | '‘') { '\'' } else { c })
            .flat_map(char::to_lowercase),
    );
}

/// `word` in lower case (as `to_lowercase`), copied only when it has capitals: most words the
/// annotators look at beside a name or a quote have none.
pub fn lower(word: &str) -> Cow<'_, str> {
    if word.is_ascii() && !word.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(word.to_lowercase())
    }
}

thread_local! {
    /// The buffer [`with_key`] folds words into: one per thread, so a lookup by key allocates
    /// nothing.
    static KEY_BUF: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// Calls `f` with the key of `s` (see [`key`]), folded into a buffer of the thread instead of
/// a new string: the annotators ask for a key of nearly every word, and the recogniser asks
/// several lists under one key.
pub fn with_key<R>(s: &str, f: impl FnOnce(&str) -> R) -> R {
    KEY_BUF.with(|buf| match buf.try_borrow_mut() {
        Ok(mut buf) => {
            key_into(s, &mut buf);
            f(&buf)
        }
        // Called again from inside `f`: a string of its own.
        Err(_) => f(&key(s)),
    })
}

/// A set of lookup keys (see [`key`]).
pub trait Lookup {
    /// Holds this exact key.
    fn has(&self, k: &str) -> bool;

    /// Holds the key of `word` (folded without allocating).
    fn has_key(&self, word: &str) -> bool {
        with_key(word, |k| self.has(k))
    }
}

impl Lookup for WordSet {
    fn has(&self, k: &str) -> bool {
        self.contains(k)
    }
}

impl Lookup for FxHashSet<String> {
    fn has(&self, k: &str) -> bool {
        self.contains(k)
    }
}

fn keyed(text: &'static str) -> FxHashSet<String> {
    lines(text).map(key).collect()
}

/// Countries, US states, cities of 100,000+ and capitals (GeoNames), and hand-curated regions.
pub static PLACES: LazyLock<FxHashSet<String>> = LazyLock::new(|| {
    let mut s = keyed(include_str!("../../../config/data/places.txt"));
    s.extend(keyed(include_str!("../../../config/data/regions.txt")));
    s
});

/// Towns of 15,000 to 100,000 people (GeoNames): many share a name with an English word or a
/// family name ("Most", "Obama"), so they count only where the context says "a place".
pub static TOWNS: LazyLock<FxHashSet<String>> =
    LazyLock::new(|| keyed(include_str!("../../../config/data/towns.txt")));

pub static ORGANIZATIONS: LazyLock<FxHashSet<String>> =
    LazyLock::new(|| keyed(include_str!("../../../config/data/organizations.txt")));

/// Nationality and group words, singular and plural ("Korean", "Koreans", "Democrats").
pub static DEMONYMS: LazyLock<FxHashSet<String>> = LazyLock::new(|| {
    let mut s = FxHashSet::default();
    for d in lines(include_str!("../../../config/data/demonyms.txt")) {
        let k = key(d);
        s.insert(format!("{k}s"));
        if let Some(stem) = k.strip_suffix("man") {
            s.insert(format!("{stem}men"));
        }
        s.insert(k);
    }
    s
});

fn intl(kind: &str) -> impl Iterator<Item = String> + '_ {
    lines(include_str!("../../../config/data/names_intl.txt"))
        .filter_map(move |l| l.strip_prefix(kind))
        .flat_map(|l| l.split_whitespace())
        .map(key)
}

/// Given names (US Census and international lists).
pub static FIRST_NAMES: LazyLock<FxHashSet<String>> = LazyLock::new(|| {
    let mut s = keyed(include_str!("../../../config/data/first_names.txt"));
    s.extend(intl("given:"));
    s
});

/// Surnames (US Census).
pub static SURNAMES: LazyLock<FxHashSet<String>> =
    LazyLock::new(|| keyed(include_str!("../../../config/data/surnames.txt")));

/// Family names written first (East Asian names: "Kim Jong Un", "Xi Jinping").
pub static FAMILY_FIRST: LazyLock<FxHashSet<String>> = LazyLock::new(|| intl("family:").collect());

/// People news text names by surname alone.
pub static PEOPLE: LazyLock<FxHashSet<String>> =
    LazyLock::new(|| keyed(include_str!("../../../config/data/people.txt")));

/// Spellings of one place or organisation, mapped to one key ("U.S.", "USA", "America" and "the
/// United States" are one country).
pub fn canonical(k: &str) -> &str {
    match k {
        "us" | "usa" | "america" | "united states" | "united states of america" => "united states",
        "uk" | "britain" | "united kingdom" => "united kingdom",
        "russia" | "russian federation" => "russia",
        "un" | "united nations" => "united nations",
        "eu" | "european union" => "european union",
        "dprk" | "north korea" => "north korea",
        "uae" | "united arab emirates" => "united arab emirates",
        "drc" | "democratic republic of the congo" => "democratic republic of the congo",
        "ussr" | "soviet union" => "soviet union",
        "isis" | "isil" | "islamic state" | "daesh" => "islamic state",
        "justice department" | "department of justice" | "doj" => "department of justice",
        "state department" | "department of state" => "department of state",
        "defense department" | "department of defense" | "pentagon" => "department of defense",
        "gop" | "republican party" => "republican party",
        "fed" | "federal reserve" => "federal reserve",
        other => other,
    }
}

/// Words capitalised only because they start a sentence.
pub static COMMON_WORDS: LazyLock<FxHashSet<String>> = LazyLock::new(|| {
    lines(include_str!("../../../config/data/common_words.txt"))
        .flat_map(|l| l.split_whitespace())
        .map(key)
        .collect()
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_sets_answer_as_their_lists_whatever_the_shortcut() {
        static WORDS: WordSet = WordSet::new(&["Ministry", "Co", "Élysée", "", "Department"]);
        for w in ["Ministry", "Co", "Élysée", "", "Department"] {
            assert!(WORDS.contains(w), "{w}");
        }
        // Same first byte or same length as a listed word, but not listed.
        for w in [
            "Minister",
            "Cop",
            "C",
            "Élysées",
            "Ebola",
            "ministry",
            "Departments",
            "x",
        ] {
            assert!(!WORDS.contains(w), "{w}");
        }
    }

    #[test]
    fn a_union_holds_the_words_of_each_part_and_no_other() {
        static A: WordSet = WordSet::new(&["Ministry", "Agency"]);
        static B: WordSet = WordSet::new(&["President", "Agency"]);
        static EMPTY: WordSet = WordSet::new(&[]);
        static BOTH: WordSet = WordSet::union(&[&A, &B, &EMPTY]);
        static NESTED: WordSet = WordSet::union(&[&BOTH]);
        for w in [
            "Ministry",
            "Agency",
            "President",
            "Minister",
            "president",
            "",
            "Agencies",
        ] {
            let expected = A.contains(w) || B.contains(w);
            assert_eq!(BOTH.contains(w), expected, "{w}");
            assert_eq!(NESTED.contains(w), expected, "{w}");
        }
        assert!(BOTH.contains("President") && !BOTH.contains("Minister"));
    }

    #[test]
    fn keys_fold_ascii_and_accents_alike() {
        assert_eq!(key("U.S."), "us");
        assert_eq!(key("McDonald's"), "mcdonald's");
        assert_eq!(key("Garges-lès-Gonesse"), "garges-les-gonesse");
        assert_eq!(key("O’Brien"), "o'brien");
        let mut buf = String::from("left over");
        key_into("NATO", &mut buf);
        assert_eq!(buf, "nato");
    }

    proptest::proptest! {
        /// The key of an ASCII word is the word in lower case without dots.
        #[test]
        fn ascii_keys_are_lower_case_without_dots(s in "[ -~]{0,16}") {
            proptest::prop_assert_eq!(key(&s), s.to_ascii_lowercase().replace('.', ""));
        }
    }

    #[test]
    fn with_key_folds_as_key_does_even_when_nested() {
        let outer = with_key("U.S. Navy", |k| {
            let inner = with_key("Élysée", |k| k.to_string());
            (k.to_string(), inner)
        });
        assert_eq!(outer, ("us navy".to_string(), "elysee".to_string()));
    }

    #[test]
    fn lower_is_to_lowercase_and_borrows_what_needs_no_change() {
        for w in ["said", "Said", "NATO", "Élysée", "straße", "ΣΟΦΙΑ", ""] {
            assert_eq!(lower(w), w.to_lowercase(), "{w}");
        }
        assert!(matches!(lower("said"), Cow::Borrowed(_)));
    }

    #[test]
    fn lists_load() {
        assert!(PLACES.contains("pyongyang"));
        assert!(PLACES.contains("us"));
        assert!(PLACES.contains(&key("U.S.")));
        assert!(ORGANIZATIONS.contains("nato"));
        assert!(DEMONYMS.contains("koreans"));
        assert!(DEMONYMS.contains("north korean"));
        assert!(FIRST_NAMES.contains("mike"));
        assert!(COMMON_WORDS.contains("the"));
        assert!(!PLACES.contains("the"));
        assert!(TOWNS.contains(&key("Garges-les-Gonesse")));
        assert!(!PLACES.contains("most") && TOWNS.contains("most"));
    }
}
