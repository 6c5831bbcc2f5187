//! MinHash signatures of the cleaned body, and their LSH band keys, for near-duplicate detection.
//!
//! A signature keeps, for each of [`PERMUTATIONS`] hash functions, the smallest hash over the
//! text's shingles (word 5-grams of the hash form; character 5-grams for scripts written without
//! spaces). The share of equal positions in two signatures estimates the Jaccard similarity of
//! their shingle sets. Bands of [`ROWS`] positions are hashed into [`BANDS`] keys: two texts
//! share at least one band key with probability `1 - (1 - J^ROWS)^BANDS`, which is 0.975 at
//! J = 0.7 and 0.9996 at J = 0.8, and 0.05 at J = 0.3 (candidates are then checked against the
//! threshold with the stored signature, so a shared band alone decides nothing).
//!
//! Stores keep a *compact* signature: the low byte of each position (b-bit MinHash), 100 bytes
//! an article, from which the similarity is still estimated without bias.

use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

/// Words (or characters, see the module docs) per shingle.
pub const SHINGLE: usize = 5;
/// Hash functions in a signature.
pub const PERMUTATIONS: usize = BANDS * ROWS;
/// Band keys per signature.
pub const BANDS: usize = 20;
/// Signature positions per band.
pub const ROWS: usize = 5;

/// A full signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature(pub [u32; PERMUTATIONS]);

/// The low byte of each position of a [`Signature`]: what the stores keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compact(pub [u8; PERMUTATIONS]);

/// Multipliers and offsets of the permutations: a fixed SplitMix64 sequence, so every replica
/// and every version computes the same signatures (they are shared through the fleet's store).
const PARAMS: [(u64, u64); PERMUTATIONS] = {
    let mut out = [(0u64, 0u64); PERMUTATIONS];
    let mut state: u64 = 0x0005_eed0_fa71_c1e5_u64;
    let mut i = 0;
    while i < PERMUTATIONS {
        let mut pair = [0u64; 2];
        let mut j = 0;
        while j < 2 {
            state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            pair[j] = z ^ (z >> 31);
            j += 1;
        }
        // Odd multipliers are bijections of the 64-bit words.
        out[i] = (pair[0] | 1, pair[1]);
        i += 1;
    }
    out
};

/// Text written without spaces between words (Chinese, Japanese, Thai, Burmese): a "word" of
/// the hash form is then a whole clause.
fn unspaced(hash_form: &str, words: usize) -> bool {
    hash_form.chars().count() > words.max(1) * 12
}

/// The signature of a hash form (normalised body: lower-case, one space between words). `None`
/// for an empty text.
pub fn signature(hash_form: &str) -> Option<Signature> {
    signature_of_words(hash_form, &word_bounds(hash_form))
}

/// [`signature`], given the [`word_bounds`] of the hash form (the SimHash reads them too).
pub fn signature_of_words(hash_form: &str, bounds: &[(usize, usize)]) -> Option<Signature> {
    let hashes = shingle_hashes(hash_form, bounds);
    if hashes.is_empty() {
        return None;
    }
    let mut sig = [u32::MAX; PERMUTATIONS];
    minima(&hashes, &mut sig);
    Some(Signature(sig))
}

/// The xxh3 hash of every shingle of the text, in order (repeats included: they cannot change
/// a minimum).
fn shingle_hashes(hash_form: &str, bounds: &[(usize, usize)]) -> Vec<u64> {
    // Word starts and ends: shingles are slices of the hash form, no copies.
    if unspaced(hash_form, bounds.len()) {
        let starts: Vec<usize> = hash_form
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(hash_form.len()))
            .collect();
        let chars = starts.len() - 1;
        if chars < SHINGLE {
            vec![xxh3_64(hash_form.as_bytes())]
        } else {
            starts
                .windows(SHINGLE + 1)
                .map(|w| xxh3_64(&hash_form.as_bytes()[w[0]..w[SHINGLE]]))
                .collect()
        }
    } else if bounds.len() < SHINGLE {
        if bounds.is_empty() {
            Vec::new()
        } else {
            vec![xxh3_64(hash_form.trim().as_bytes())]
        }
    } else {
        bounds
            .windows(SHINGLE)
            .map(|w| xxh3_64(&hash_form.as_bytes()[w[0].0..w[SHINGLE - 1].1]))
            .collect()
    }
}

/// Lowers each signature position to the least value its permutation gives any of `hashes`.
///
/// Permutation by permutation over all the hashes, so the inner loop is a vectorisable min
/// over one multiply-shift. Where the CPU has wide vectors (found at run time), the same loop
/// is compiled for them: a 64-bit multiply per lane needs AVX-512DQ, AVX2 emulates it.
fn minima(hashes: &[u64], sig: &mut [u32; PERMUTATIONS]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::arch::is_x86_feature_detected!("avx512f")
            && std::arch::is_x86_feature_detected!("avx512dq")
        {
            // SAFETY: the CPU has the features `minima_avx512` is compiled for.
            unsafe { minima_avx512(hashes, sig) };
            return;
        }
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: as above, for AVX2.
            unsafe { minima_avx2(hashes, sig) };
            return;
        }
    }
    minima_portable(hashes, sig);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq")]
fn minima_avx512(hashes: &[u64], sig: &mut [u32; PERMUTATIONS]) {
    minima_portable(hashes, sig);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
fn minima_avx2(hashes: &[u64], sig: &mut [u32; PERMUTATIONS]) {
    minima_portable(hashes, sig);
}

#[inline(always)]
fn minima_portable(hashes: &[u64], sig: &mut [u32; PERMUTATIONS]) {
    for (slot, &(a, b)) in sig.iter_mut().zip(PARAMS.iter()) {
        // Multiply-shift: the high half of an affine map of the shingle hash. Kept in 64 bits
        // until the end so the min is one vector instruction per lane group.
        let least = hashes
            .iter()
            .map(|&h| h.wrapping_mul(a).wrapping_add(b) >> 32)
            .fold(u64::MAX, u64::min);
        *slot = (*slot).min(least as u32);
    }
}

/// Byte ranges of the words of `s` (runs of anything but a space), in order.
///
/// 64 bytes at a time: a bit mask of the spaces gives the words' starts and ends, read off with
/// `trailing_zeros`. A scan byte by byte branched on every word's unpredictable length, and
/// was the costliest function of the cleaner on a real CPU (8 % of `pipe`'s samples).
pub fn word_bounds(s: &str) -> Vec<(usize, usize)> {
    let bytes = s.as_bytes();
    let mut out: Vec<(usize, usize)> = Vec::with_capacity(bytes.len() / 5 + 1);
    // Words close in the order they open: `open` is the first still without its end.
    let mut open = 0;
    // Whether the byte before the block is part of a word.
    let mut carry = 0u64;
    for (k, chunk) in bytes.chunks(64).enumerate() {
        let base = 64 * k;
        let valid = u64::MAX >> (64 - chunk.len());
        let spaces = space_mask(chunk);
        let word = !spaces & valid;
        let before = word << 1 | carry;
        let mut starts = word & !before;
        let mut ends = spaces & before;
        while starts != 0 {
            out.push((base + starts.trailing_zeros() as usize, 0));
            starts &= starts - 1;
        }
        while ends != 0 {
            out[open].1 = base + ends.trailing_zeros() as usize;
            open += 1;
            ends &= ends - 1;
        }
        carry = word >> (chunk.len() - 1) & 1;
    }
    if let Some(last) = out.get_mut(open) {
        last.1 = bytes.len();
    }
    out
}

/// Bit `i` set where `chunk[i]` (at most 64 bytes) is a space.
fn space_mask(chunk: &[u8]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    if chunk.len() == 64 {
        return space_mask_sse2(chunk);
    }
    space_mask_portable(chunk)
}

fn space_mask_portable(chunk: &[u8]) -> u64 {
    chunk
        .iter()
        .enumerate()
        .fold(0, |m, (i, &b)| m | u64::from(b == b' ') << i)
}

/// SSE2 is part of x86-64, so no run-time check: four 16-byte compares.
#[cfg(target_arch = "x86_64")]
fn space_mask_sse2(chunk: &[u8]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8,
    };
    let mut mask = 0u64;
    for (k, part) in chunk.chunks_exact(16).enumerate() {
        // SAFETY: every x86-64 CPU has SSE2; `part` is 16 readable bytes, loaded unaligned.
        let bits = unsafe {
            let v = _mm_loadu_si128(part.as_ptr().cast::<__m128i>());
            _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b' ' as i8)))
        };
        mask |= u64::from(bits as u32 & 0xffff) << (16 * k);
    }
    mask
}

impl Signature {
    /// The LSH band keys: band number and its rows, hashed.
    pub fn bands(&self) -> [u64; BANDS] {
        let mut out = [0u64; BANDS];
        for (band, key) in out.iter_mut().enumerate() {
            let mut bytes = [0u8; ROWS * 4];
            for (r, chunk) in bytes.chunks_exact_mut(4).enumerate() {
                chunk.copy_from_slice(&self.0[band * ROWS + r].to_le_bytes());
            }
            *key = xxh3_64_with_seed(&bytes, band as u64);
        }
        out
    }

    /// Estimated Jaccard similarity of the two shingle sets.
    pub fn similarity(&self, other: &Signature) -> f64 {
        let equal = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        equal as f64 / PERMUTATIONS as f64
    }

    pub fn compact(&self) -> Compact {
        let mut out = [0u8; PERMUTATIONS];
        for (o, v) in out.iter_mut().zip(&self.0) {
            *o = *v as u8;
        }
        Compact(out)
    }
}

impl Compact {
    /// Estimated Jaccard similarity: positions agree when the minima agree, or by chance (1 in
    /// 256) when they differ; the estimate removes the chance part.
    pub fn similarity(&self, other: &Compact) -> f64 {
        let equal = self.0.iter().zip(&other.0).filter(|(a, b)| a == b).count();
        let m = equal as f64 / PERMUTATIONS as f64;
        ((m - 1.0 / 256.0) / (1.0 - 1.0 / 256.0)).clamp(0.0, 1.0)
    }

    /// Hex, for stores that keep strings.
    pub fn to_hex(&self) -> String {
        let mut s = String::with_capacity(PERMUTATIONS * 2);
        for b in self.0 {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }

    pub fn from_hex(s: &str) -> Option<Compact> {
        if s.len() != PERMUTATIONS * 2 || !s.is_ascii() {
            return None;
        }
        let mut out = [0u8; PERMUTATIONS];
        for (i, o) in out.iter_mut().enumerate() {
            *o = u8::from_str_radix(&s[i * 2..i * 2 + 2], 16).ok()?;
        }
        Some(Compact(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashSet;

    /// A text of `n` distinct words.
    fn words(prefix: &str, n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{prefix}{i}")).collect()
    }

    fn shingles(ws: &[String]) -> HashSet<String> {
        ws.windows(SHINGLE).map(|w| w.join(" ")).collect()
    }

    fn jaccard(a: &[String], b: &[String]) -> f64 {
        let (a, b) = (shingles(a), shingles(b));
        a.intersection(&b).count() as f64 / a.union(&b).count() as f64
    }

    fn sig(ws: &[String]) -> Signature {
        signature(&ws.join(" ")).unwrap()
    }

    #[test]
    fn estimates_known_jaccard_values() {
        let base = words("w", 1000);
        // Replace the tail: the exact Jaccard of the shingle sets is known.
        for keep in [1000usize, 900, 800, 700, 500, 200] {
            let mut other = base[..keep].to_vec();
            other.extend(words("x", 1000 - keep));
            let truth = jaccard(&base, &other);
            let full = sig(&base).similarity(&sig(&other));
            let compact = sig(&base).compact().similarity(&sig(&other).compact());
            // Standard error at 100 permutations is at most 0.05: allow three of them.
            assert!(
                (full - truth).abs() < 0.15,
                "keep {keep}: {full} vs {truth}"
            );
            assert!(
                (compact - truth).abs() < 0.15,
                "keep {keep}: {compact} vs {truth}"
            );
        }
        assert_eq!(sig(&base).similarity(&sig(&base)), 1.0);
        let other = words("y", 1000);
        assert!(sig(&base).similarity(&sig(&other)) < 0.05);
    }

    #[test]
    fn near_copies_share_a_band_and_unrelated_texts_do_not() {
        let base = words("w", 400);
        let mut edited = base.clone();
        edited[200] = "changed".into();
        edited.truncate(380);
        let a = sig(&base).bands();
        let b = sig(&edited).bands();
        assert!(a.iter().zip(&b).any(|(x, y)| x == y));
        let c = sig(&words("z", 400)).bands();
        assert!(!a.iter().zip(&c).any(|(x, y)| x == y));
    }

    #[test]
    fn short_and_unspaced_texts() {
        assert!(signature("").is_none());
        assert!(signature("one two").is_some());
        let zh = "北京今天发布了新的空气质量报告显示污染程度明显下降市民对此表示欢迎";
        let zh2 = "北京今天发布了新的空气质量报告显示污染程度明显下降市民对此表示满意";
        let s = signature(zh).unwrap().similarity(&signature(zh2).unwrap());
        assert!(s > 0.6, "{s}");
        let c = signature(zh).unwrap().compact();
        assert_eq!(Compact::from_hex(&c.to_hex()), Some(c));
        assert_eq!(Compact::from_hex("zz"), None);
    }

    /// The first implementation: shingle by shingle, every permutation for each. Signatures
    /// are shared between replicas and versions, so the fast one must agree.
    fn signature_reference(hash_form: &str) -> Option<Signature> {
        let hashes = shingle_hashes(hash_form, &word_bounds(hash_form));
        let mut sig = [u32::MAX; PERMUTATIONS];
        for h in &hashes {
            for (slot, (a, b)) in sig.iter_mut().zip(PARAMS.iter()) {
                let v = (h.wrapping_mul(*a).wrapping_add(*b) >> 32) as u32;
                if v < *slot {
                    *slot = v;
                }
            }
        }
        (!hashes.is_empty()).then_some(Signature(sig))
    }

    #[test]
    fn every_compiled_variant_agrees_with_the_reference() {
        let text = words("w", 1000).join(" ");
        let hashes = shingle_hashes(&text, &word_bounds(&text));
        let want = signature_reference(&text).unwrap().0;
        let run = |f: &dyn Fn(&mut [u32; PERMUTATIONS])| {
            let mut sig = [u32::MAX; PERMUTATIONS];
            f(&mut sig);
            sig
        };
        assert_eq!(run(&|s| minima_portable(&hashes, s)), want);
        assert_eq!(run(&|s| minima(&hashes, s)), want);
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: checked just above.
                assert_eq!(run(&|s| unsafe { minima_avx2(&hashes, s) }), want);
            }
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
            {
                // SAFETY: checked just above.
                assert_eq!(run(&|s| unsafe { minima_avx512(&hashes, s) }), want);
            }
        }
    }

    proptest! {
        #[test]
        fn agrees_with_the_reference(text in "[a-z 文]{0,400}") {
            prop_assert_eq!(signature(&text), signature_reference(&text));
        }

        #[test]
        fn word_bounds_are_the_words_between_spaces(text in "[a-c é\t]{0,300}|( {0,3}[a-z]{0,70}){0,8}") {
            let expected: Vec<(usize, usize)> = text
                .split(' ')
                .scan(0, |at, w| {
                    let start = *at;
                    *at += w.len() + 1;
                    Some((start, start + w.len()))
                })
                .filter(|(s, e)| e > s)
                .collect();
            prop_assert_eq!(word_bounds(&text), expected);
        }

        #[test]
        fn the_space_masks_agree(chunk in proptest::collection::vec(prop::sample::select(&[b' ', b'a', 0x80, 0xff, 0][..]), 64)) {
            prop_assert_eq!(space_mask(&chunk), space_mask_portable(&chunk));
        }

        #[test]
        fn any_text_gets_a_stable_signature(text in "\\PC{0,300}") {
            let a = signature(&text);
            let b = signature(&text);
            prop_assert_eq!(a, b);
        }
    }
}
