//! The near-duplicate `fingerprint`: a 64-bit SimHash over word 3-shingles of the hash form.
//!
//! Two lightly edited copies of a story differ in few shingles, so their SimHashes differ in few
//! bits; downstream consumers can compare fingerprints by Hamming distance without the text.

use xxhash_rust::xxh3::xxh3_64;

/// Words per shingle.
const SHINGLE: usize = 3;

/// SimHash of `hash_form` (already normalised: lower-case, one space between words).
pub fn simhash(hash_form: &str) -> u64 {
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
        let mut buf = String::new();
        for win in words.windows(SHINGLE) {
            buf.clear();
            for (i, w) in win.iter().enumerate() {
                if i > 0 {
                    buf.push(' ');
                }
                buf.push_str(w);
            }
            add(xxh3_64(buf.as_bytes()));
        }
    }
    counts.iter().enumerate().fold(
        0u64,
        |acc, (bit, c)| if *c > 0 { acc | 1 << bit } else { acc },
    )
}

/// 16 lower-case hex characters.
pub fn format_fingerprint(fp: u64) -> String {
    format!("{fp:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

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
