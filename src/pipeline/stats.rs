//! SPEC `stats` of the cleaned body.

use super::segment::{sentence_spans, word_count};
use crate::record::Stats;

/// Counts words, sentences and paragraphs of the cleaned paragraphs, and the reading time at
/// `wpm` words a minute (rounded up to whole seconds).
pub fn stats(paragraphs: &[String], wpm: u32) -> Stats {
    let mut words = 0usize;
    let mut sentences = 0usize;
    for p in paragraphs {
        words += word_count(p);
        sentences += sentence_spans(p).len();
    }
    let wpm = u64::from(wpm.max(1));
    let reading = (words as u64 * 60).div_ceil(wpm);
    Stats {
        words: u32::try_from(words).unwrap_or(u32::MAX),
        sentences: u32::try_from(sentences).unwrap_or(u32::MAX),
        paragraphs: u32::try_from(paragraphs.len()).unwrap_or(u32::MAX),
        reading_time_s: u32::try_from(reading).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts() {
        let p = vec![
            "One two three. Four five!".to_string(),
            "Six seven eight nine ten.".to_string(),
        ];
        let s = stats(&p, 60);
        assert_eq!(
            s,
            Stats {
                words: 10,
                sentences: 3,
                paragraphs: 2,
                reading_time_s: 10
            }
        );
        assert_eq!(stats(&[], 230).reading_time_s, 0);
    }
}
