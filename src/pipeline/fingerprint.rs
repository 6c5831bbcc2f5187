//! The near-duplicate `fingerprint`: a 64-bit SimHash over word 3-shingles of the hash form.
//!
//! Two lightly edited copies of a story differ in few shingles, so their SimHashes differ in few
//! bits; downstream consumers can compare fingerprints by Hamming distance without the text.

use xxhash_rust::xxh3::xxh3_64;

/// Words per shingle.
const SHINGLE: usize = 3;

/// `SPREAD[v]` holds bit `j` of the byte `v` in its byte `j`: adding it to a word of eight
/// byte-wide counters counts the byte's set bits position by position.
const SPREAD: [u64; 256] = {
    let mut out = [0u64; 256];
    let mut v = 0;
    while v < 256 {
        let mut j = 0;
        while j < 8 {
            out[v] |= ((v as u64 >> j) & 1) << (8 * j);
            j += 1;
        }
        v += 1;
    }
    out
};

/// How many times each of a hash's 64 bits was set, over the hashes added. Eight byte-wide
/// counters per word (one word per byte of the hash) take a table lookup and an add per byte,
/// instead of 64 branches per hash; they are emptied into the totals before they can overflow.
struct BitVotes {
    lanes: [u64; 8],
    pending: u32,
    ones: [u32; 64],
    hashes: u32,
}

impl BitVotes {
    fn new() -> Self {
        BitVotes {
            lanes: [0; 8],
            pending: 0,
            ones: [0; 64],
            hashes: 0,
        }
    }

    fn add(&mut self, h: u64) {
        for (k, lane) in self.lanes.iter_mut().enumerate() {
            *lane += SPREAD[(h >> (8 * k) & 0xff) as usize];
        }
        self.pending += 1;
        self.hashes += 1;
        if self.pending == 255 {
            self.flush();
        }
    }

    fn flush(&mut self) {
        for (k, lane) in self.lanes.iter_mut().enumerate() {
            for j in 0..8 {
                self.ones[8 * k + j] += (*lane >> (8 * j) & 0xff) as u32;
            }
            *lane = 0;
        }
        self.pending = 0;
    }

    /// Bit `i` set where more hashes had it set than not.
    fn majority(mut self) -> u64 {
        self.flush();
        let n = u64::from(self.hashes);
        self.ones
            .iter()
            .enumerate()
            .fold(0u64, |acc, (bit, &ones)| {
                if 2 * u64::from(ones) > n {
                    acc | 1 << bit
                } else {
                    acc
                }
            })
    }
}

/// SimHash of `hash_form` (already normalised: lower-case, one space between words).
pub fn simhash(hash_form: &str) -> u64 {
    simhash_of_words(hash_form, &super::minhash::word_bounds(hash_form))
}

/// [`simhash`], given the word bounds of the hash form (the MinHash signature reads them too).
pub fn simhash_of_words(hash_form: &str, words: &[(usize, usize)]) -> u64 {
    let word = |(start, end): (usize, usize)| &hash_form[start..end];
    let mut votes = BitVotes::new();
    if words.len() < SHINGLE {
        words
            .iter()
            .for_each(|&w| votes.add(xxh3_64(word(w).as_bytes())));
        return votes.majority();
    }
    let mut buf = String::new();
    for win in words.windows(SHINGLE) {
        // A shingle is its words joined by one space: where the text has exactly that, it is
        // hashed in place; elsewhere (runs of spaces) it is joined first.
        let (start, end) = (win[0].0, win[SHINGLE - 1].1);
        let joined = win.iter().map(|(s, e)| e - s).sum::<usize>() + SHINGLE - 1;
        if end - start == joined {
            votes.add(xxh3_64(&hash_form.as_bytes()[start..end]));
        } else {
            buf.clear();
            for (i, &w) in win.iter().enumerate() {
                if i > 0 {
                    buf.push(' ');
                }
                buf.push_str(word(w));
            }
            votes.add(xxh3_64(buf.as_bytes()));
        }
    }
    votes.majority()
}

/// 16 lower-case hex characters.
pub fn format_fingerprint(fp: u64) -> String {
    format!("{fp:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first implementation: a signed counter per bit, the shingles joined into a buffer.
    /// Fingerprints are published and compared across versions, so the fast one must agree.
    fn simhash_reference(hash_form: &str) -> u64 {
        let words: Vec<&str> = hash_form.split(' ').filter(|w| !w.is_empty()).collect();
        let mut counts = [0i32; 64];
        let mut add = |h: u64| {
            for (bit, c) in counts.iter_mut().enumerate() {
                if h >> bit & 1 == 1 {
                    *c += 1;
                } else {
                    *c -= 1;
                }
            }
        };
        if words.len() < SHINGLE {
            words.iter().for_each(|w| add(xxh3_64(w.as_bytes())));
        } else {
            for win in words.windows(SHINGLE) {
                add(xxh3_64(win.join(" ").as_bytes()));
            }
        }
        counts.iter().enumerate().fold(
            0u64,
            |acc, (bit, c)| if *c > 0 { acc | 1 << bit } else { acc },
        )
    }

    #[test]
    fn agrees_with_the_reference_on_long_texts_and_ties() {
        // Past the 255 hashes a byte counter holds, with runs of spaces here and there.
        let long: String = (0..2000)
            .map(|i| format!("w{}{}", i % 97, if i % 13 == 0 { "   " } else { " " }))
            .collect();
        assert_eq!(simhash(&long), simhash_reference(&long));
        // Two shingles: every bit where they differ is a tie, which clears it.
        for text in [
            "",
            "a",
            "a b",
            "a b c",
            "a b c d",
            " a  b   c ",
            "x y z x y z",
        ] {
            assert_eq!(simhash(text), simhash_reference(text), "{text:?}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_reference(words in proptest::collection::vec("[a-zé一]{0,6}", 0..600), gaps in proptest::collection::vec(1usize..3, 600)) {
            let mut text = String::new();
            for (w, g) in words.iter().zip(&gaps) {
                text.push_str(w);
                text.push_str(&" ".repeat(*g));
            }
            prop_assert_eq!(simhash(&text), simhash_reference(&text));
        }
    }

    #[test]
    fn similar_texts_have_close_fingerprints() {
        let base = "the quick brown fox jumps over the lazy dog while the farmer sleeps in the barn \
                    and the cat watches the birds on the fence near the old red tractor";
        let edited = base.replace("lazy", "sleepy");
        let other = "parliament passed the budget after a long debate about taxes and spending \
                     on schools hospitals roads and the armed forces of the country this year";
        let d_near = (simhash(base) ^ simhash(&edited)).count_ones();
        let d_far = (simhash(base) ^ simhash(other)).count_ones();
        assert!(d_near < d_far, "near {d_near} far {d_far}");
        assert!(d_near <= 12);
        assert_eq!(simhash(base), simhash(base));
        assert_eq!(format_fingerprint(0xab), "00000000000000ab");
    }
}
