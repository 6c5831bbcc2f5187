//! What the stream teaches: each source's own boilerplate, learned CCNet-style.
//!
//! Per source, the hash of every distinct line of every article is counted, with exponential
//! decay over that source's articles (half-life [`HALF_LIFE`] articles). A line whose decayed
//! count from *earlier* articles reaches [`THRESHOLD`] (seen under about two other articles of
//! the source lately) is the source's own boilerplate (`source_footer`). Counting distinct lines
//! per article means a quote repeated inside one story never counts twice; a copy of a story the
//! source already carried (near-identical fingerprint) is not counted at all, so a story
//! republished by the same site cannot teach its own paragraphs as boilerplate.
//!
//! The same memory learns which title segments a source keeps repeating (its site name, for
//! title cleaning), and keeps the headlines of recent stories of all sources, so a line that is
//! another story's headline is recognised as a related link.
//!
//! Memory is bounded per source (`max_lines_per_source` lines, evicting the weakest) and in
//! total: `max_sources` sources and `max_bytes` of their heap, evicting the least recently seen
//! source; `max_titles` headlines. Counts alone did not bound it well: 2,000 busy sources at
//! 512 lines each held about 20 MB.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Mutex;
use xxhash_rust::xxh3::xxh3_64;

/// Articles of a source over which a count halves.
pub const HALF_LIFE: f32 = 200.0;
/// Decayed count from earlier articles at which a line is the source's boilerplate.
pub const THRESHOLD: f32 = 1.6;
/// ... and the share of the source's recent articles that must carry it: a footer stands under
/// most of them, a sentence two stories happen to share does not.
pub const MIN_SHARE: f32 = 0.3;
/// Lines learned as some source's boilerplate, remembered fleet-wide: syndicated copies carry
/// their origin's footer to other sites.
const MAX_GLOBAL_LINES: usize = 20_000;
/// Fingerprints closer than this many bits are copies of one story.
const COPY_DISTANCE: u32 = 8;
/// Recent fingerprints remembered per source (copy guard).
const RECENT_FINGERPRINTS: usize = 64;

/// Default of [`MemoryLimits::max_bytes`] (`pipeline.learn_memory`): room for about 200 sources
/// at their full 512 lines, or all 2,000 at about 50 lines each.
pub const DEFAULT_MAX_BYTES: usize = 4 << 20;

#[derive(Debug, Clone, Copy)]
pub struct MemoryLimits {
    pub max_sources: usize,
    pub max_lines_per_source: usize,
    pub max_titles: usize,
    /// Heap bytes of all sources' learned lines, title edges and fingerprints together.
    pub max_bytes: usize,
}

impl Default for MemoryLimits {
    fn default() -> Self {
        MemoryLimits {
            max_sources: 2000,
            max_lines_per_source: 512,
            max_titles: 50_000,
            max_bytes: DEFAULT_MAX_BYTES,
        }
    }
}

#[derive(Debug, Clone, Copy, Default)]
struct Count {
    score: f32,
    last: u32,
}

impl Count {
    fn decayed(&self, now: u32) -> f32 {
        let age = now.saturating_sub(self.last) as f32;
        self.score * (0.5f32).powf(age / HALF_LIFE)
    }
}

#[derive(Debug, Default)]
struct SourceState {
    articles: u32,
    /// Decayed number of articles counted (the denominator of a line's share).
    weight: Count,
    last_used: u64,
    lines: HashMap<u64, Count>,
    title_edges: HashMap<u64, Count>,
    fingerprints: VecDeque<u64>,
    /// [`SourceState::heap_bytes`] when last measured (what `Inner::source_bytes` counts).
    bytes: usize,
}

/// Heap bytes of a hash table with room for `capacity` entries of `entry` bytes. The std map
/// (hashbrown) keeps a power of two of buckets at most 7/8 full, with one control byte each
/// and a group of 16 more.
fn table_bytes(capacity: usize, entry: usize) -> usize {
    if capacity == 0 {
        return 0;
    }
    let buckets = if capacity < 8 {
        (capacity + 1).next_power_of_two()
    } else {
        (capacity * 8 / 7).next_power_of_two()
    };
    buckets * (entry + 1) + 16
}

impl SourceState {
    fn bump(map: &mut HashMap<u64, Count>, key: u64, now: u32) {
        Self::bump_count(
            map.entry(key).or_insert(Count {
                score: 0.0,
                last: now,
            }),
            now,
        );
    }

    fn bump_count(c: &mut Count, now: u32) {
        c.score = c.decayed(now) + 1.0;
        c.last = now;
    }

    /// About what this source costs: its entry in the sources map, its key and its tables.
    fn heap_bytes(&self, key_len: usize) -> usize {
        let entry = std::mem::size_of::<(u64, Count)>();
        std::mem::size_of::<(String, SourceState)>()
            + key_len
            + table_bytes(self.lines.capacity(), entry)
            + table_bytes(self.title_edges.capacity(), entry)
            + self.fingerprints.capacity() * std::mem::size_of::<u64>()
    }

    fn prune(map: &mut HashMap<u64, Count>, max: usize, now: u32) {
        if map.len() <= max {
            return;
        }
        // Keep the strongest three quarters, so pruning runs rarely.
        let mut scores: Vec<(u64, f32)> = map.iter().map(|(k, c)| (*k, c.decayed(now))).collect();
        scores.sort_by(|a, b| b.1.total_cmp(&a.1));
        let keep: HashSet<u64> = scores.iter().take(max * 3 / 4).map(|(k, _)| *k).collect();
        map.retain(|k, _| keep.contains(k));
    }
}

#[derive(Debug, Default)]
struct Inner {
    sources: HashMap<String, SourceState>,
    /// Sum of the sources' `bytes`.
    source_bytes: usize,
    clock: u64,
    titles: HashSet<u64>,
    title_order: VecDeque<u64>,
    global_lines: HashSet<u64>,
    global_order: VecDeque<u64>,
}

impl Inner {
    /// Forgets the least recently seen source.
    fn forget_oldest_source(&mut self) {
        let oldest = self
            .sources
            .iter()
            .min_by_key(|(_, s)| s.last_used)
            .map(|(k, _)| k.clone());
        if let Some(state) = oldest.and_then(|k| self.sources.remove(&k)) {
            self.source_bytes -= state.bytes;
        }
    }

    fn remember_global(&mut self, h: u64) {
        if self.global_lines.insert(h) {
            self.global_order.push_back(h);
            if self.global_order.len() > MAX_GLOBAL_LINES
                && let Some(old) = self.global_order.pop_front()
            {
                self.global_lines.remove(&old);
            }
        }
    }
}

/// The learner shared by all articles of a worker (or of a `pipe` run).
#[derive(Debug)]
pub struct SourceMemory {
    limits: MemoryLimits,
    inner: Mutex<Inner>,
}

/// What the memory knows about one article, before it learns from it.
#[derive(Debug, Default, Clone)]
pub struct Recall {
    /// Per candidate line: is it this source's boilerplate?
    pub footer: Vec<bool>,
    /// Per candidate line: is it the headline of another recent story?
    pub other_headline: Vec<bool>,
    /// Title edge segments this source keeps using (site names), lower-cased hash forms.
    pub site_segments: Vec<String>,
}

/// Hash of a line's hash form.
pub fn line_hash(key: &str) -> u64 {
    xxh3_64(key.as_bytes())
}

impl Default for SourceMemory {
    fn default() -> Self {
        SourceMemory::new(MemoryLimits::default())
    }
}

impl SourceMemory {
    pub fn new(limits: MemoryLimits) -> Self {
        SourceMemory {
            limits,
            inner: Mutex::new(Inner::default()),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Recalls what is known about an article's lines and title, then learns from it.
    ///
    /// `lines` are the hash forms of the candidate lines (boilerplate already recognised by the
    /// rules included: they count too), `title_edges` the hash forms of its title's end
    /// segments, `own_title` the hash form of its title, `fingerprint` a SimHash of its text.
    pub fn recall_and_learn(
        &self,
        source: Option<&str>,
        lines: &[&str],
        title_edges: &[String],
        own_title: Option<&str>,
        fingerprint: u64,
    ) -> Recall {
        let mut guard = self.lock();
        // One reborrow, so the fields below borrow apart.
        let g = &mut *guard;
        g.clock += 1;
        let clock = g.clock;
        let own = own_title.map(line_hash);
        let hashes: Vec<u64> = lines.iter().map(|l| line_hash(l)).collect();
        let other_headline = hashes
            .iter()
            .zip(lines)
            .map(|(h, l)| Some(*h) != own && l.len() >= 12 && g.titles.contains(h))
            .collect();
        let mut recall = Recall {
            footer: vec![false; lines.len()],
            other_headline,
            site_segments: Vec::new(),
        };
        if let Some(t) = own
            && g.titles.insert(t)
        {
            g.title_order.push_back(t);
            if g.title_order.len() > self.limits.max_titles
                && let Some(old) = g.title_order.pop_front()
            {
                g.titles.remove(&old);
            }
        }
        let Some(source) = source.map(str::trim).filter(|s| !s.is_empty()) else {
            return recall;
        };
        let key = source.to_lowercase();
        if !g.sources.contains_key(&key) && g.sources.len() >= self.limits.max_sources {
            g.forget_oldest_source();
        }
        let limits = self.limits;
        let global: Vec<bool> = hashes.iter().map(|h| g.global_lines.contains(h)).collect();
        let key_len = key.len();
        let state = g.sources.entry(key).or_default();
        state.last_used = clock;
        let now = state.articles;
        let weight = state.weight.decayed(now).max(1.0);
        let mut newly_learned = Vec::new();
        for (i, h) in hashes.iter().enumerate() {
            let own = state.lines.get(h).is_some_and(|c| {
                let d = c.decayed(now);
                d >= THRESHOLD && d / weight >= MIN_SHARE
            });
            if own {
                newly_learned.push(*h);
            }
            recall.footer[i] = own || global[i];
        }
        // Footers are a few lines under a story. When "known lines" make up nearly all of an
        // article, it is a story the source (or the fleet) already carried, scraped again in
        // another shape (other boilerplate, raw HTML instead of text) that the fingerprint did
        // not catch: none of it is boilerplate, and it teaches nothing.
        let total: usize = lines.iter().map(|l| l.len()).sum();
        let (known_lines, known) = lines
            .iter()
            .zip(&recall.footer)
            .filter(|(_, f)| **f)
            .fold((0, 0), |(n, bytes), (l, _)| (n + 1, bytes + l.len()));
        let repeat = known_lines >= 3 && known * 5 >= total * 4;
        if repeat {
            recall.footer.iter_mut().for_each(|f| *f = false);
            newly_learned.clear();
        }
        for e in title_edges {
            if state
                .title_edges
                .get(&line_hash(e))
                .is_some_and(|c| c.decayed(now) >= THRESHOLD)
            {
                recall.site_segments.push(e.clone());
            }
        }
        // Learn, unless this is a copy of a story the source already carried.
        let copy = repeat
            || state
                .fingerprints
                .iter()
                .any(|f| (f ^ fingerprint).count_ones() <= COPY_DISTANCE);
        state.articles += 1;
        let now = state.articles;
        if !copy {
            SourceState::bump_count(&mut state.weight, now);
            let distinct: HashSet<u64> = hashes.iter().copied().collect();
            for h in distinct {
                SourceState::bump(&mut state.lines, h, now);
            }
            SourceState::prune(&mut state.lines, limits.max_lines_per_source, now);
            let edges: HashSet<u64> = title_edges.iter().map(|e| line_hash(e)).collect();
            for h in edges {
                SourceState::bump(&mut state.title_edges, h, now);
            }
            SourceState::prune(&mut state.title_edges, 64, now);
        }
        state.fingerprints.push_back(fingerprint);
        if state.fingerprints.len() > RECENT_FINGERPRINTS {
            state.fingerprints.pop_front();
        }
        let bytes = state.heap_bytes(key_len);
        g.source_bytes = g.source_bytes - state.bytes + bytes;
        state.bytes = bytes;
        // This source was seen last, so it goes only if it alone is over the limit.
        while g.source_bytes > limits.max_bytes && g.sources.len() > 1 {
            g.forget_oldest_source();
        }
        for h in newly_learned {
            g.remember_global(h);
        }
        recall
    }

    /// Sources and lines held (for metrics and tests).
    pub fn size(&self) -> (usize, usize, usize) {
        let g = self.lock();
        (
            g.sources.len(),
            g.sources.values().map(|s| s.lines.len()).sum(),
            g.titles.len(),
        )
    }

    /// About the heap the sources' learning holds (what `max_bytes` bounds).
    pub fn source_bytes(&self) -> usize {
        self.lock().source_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fp(i: u64) -> u64 {
        // Far-apart fingerprints: distinct stories.
        i.wrapping_mul(0x9E37_79B9_7F4A_7C15)
    }

    #[test]
    fn a_repeated_line_is_learned_after_two_articles() {
        let m = SourceMemory::default();
        let footer = "the harbor ledger is reader-funded.";
        let r1 = m.recall_and_learn(Some("ledger"), &["story one.", footer], &[], None, fp(1));
        let r2 = m.recall_and_learn(Some("ledger"), &["story two.", footer], &[], None, fp(2));
        let r3 = m.recall_and_learn(Some("ledger"), &["story three.", footer], &[], None, fp(3));
        assert_eq!(r1.footer, vec![false, false]);
        assert_eq!(r2.footer, vec![false, false]);
        assert_eq!(r3.footer, vec![false, true]);
        // A line another source repeats only twice is not this source's footer.
        let m2 = SourceMemory::default();
        m2.recall_and_learn(Some("a"), &["only here twice."], &[], None, fp(5));
        m2.recall_and_learn(Some("a"), &["only here twice."], &[], None, fp(6));
        let other = m2.recall_and_learn(Some("courier"), &["only here twice."], &[], None, fp(7));
        assert_eq!(other.footer, vec![false]);
    }

    #[test]
    fn repeats_inside_one_story_and_copies_do_not_teach() {
        let m = SourceMemory::default();
        let quote = "\"we will not give up,\" she said.";
        for _ in 0..3 {
            // The same quote twice in one article, and the same story (fingerprint) again.
            m.recall_and_learn(Some("s"), &[quote, quote], &[], None, fp(7));
        }
        let r = m.recall_and_learn(Some("s"), &[quote], &[], None, fp(8));
        assert_eq!(r.footer, vec![false]);
    }

    #[test]
    fn a_story_scraped_again_in_another_shape_keeps_its_paragraphs() {
        let m = SourceMemory::default();
        let story = [
            "the harbour bridge reopened to traffic on thursday morning.",
            "mayor elena brandt cut the ribbon shortly after seven.",
            "the repairs cost 84 million euros, more than planned.",
            "the bridge keeps a weight limit until the spring.",
        ];
        // Two copies whose boilerplate differs enough that their fingerprints are far apart.
        let mut first = story.to_vec();
        first.push("more news: council approves budget");
        m.recall_and_learn(Some("s"), &first, &[], None, fp(1));
        let mut second = vec!["harbour bridge reopens"];
        second.extend(story);
        m.recall_and_learn(Some("s"), &second, &[], None, fp(2));
        // The third shape (the raw page) is all known lines: a copy, not boilerplate.
        let mut third = vec!["november 20, 2026"];
        third.extend(story);
        let r = m.recall_and_learn(Some("s"), &third, &[], None, fp(3));
        assert!(r.footer.iter().all(|f| !f), "{:?}", r.footer);
        // ... and it taught nothing: a fourth copy is still no footer.
        let r = m.recall_and_learn(Some("s"), &story, &[], None, fp(4));
        assert!(r.footer.iter().all(|f| !f), "{:?}", r.footer);
        // A real footer is still learned and stripped under other stories.
        for i in 0..3u64 {
            let line = format!("another story number {i} with its own text.");
            let r = m.recall_and_learn(
                Some("f"),
                &[&line, "support our newsroom today."],
                &[],
                None,
                fp(10 + i),
            );
            assert_eq!(r.footer, vec![false, i == 2]);
        }
    }

    #[test]
    fn a_sentence_a_few_stories_share_is_no_footer() {
        let m = SourceMemory::default();
        let shared = "critics say the law is old.";
        for i in 0..40u64 {
            let lines: Vec<&str> = if i % 12 == 0 {
                vec!["story.", shared]
            } else {
                vec!["story."]
            };
            let owned: Vec<String> = lines.iter().map(|l| format!("{l} {i}")).collect();
            let mut refs: Vec<&str> = owned.iter().map(String::as_str).collect();
            if i % 12 == 0 {
                refs[1] = shared;
            }
            m.recall_and_learn(Some("s"), &refs, &[], None, fp(100 + i));
        }
        let r = m.recall_and_learn(Some("s"), &[shared], &[], None, fp(999));
        assert_eq!(r.footer, vec![false]);
    }

    #[test]
    fn learned_lines_travel_with_copies_to_other_sources() {
        let m = SourceMemory::default();
        for i in 0..4 {
            m.recall_and_learn(Some("origin"), &["learn more", "x"], &[], None, fp(i));
        }
        let r = m.recall_and_learn(Some("copier"), &["learn more"], &[], None, fp(50));
        assert_eq!(r.footer, vec![true]);
    }

    #[test]
    fn other_headlines_and_site_segments() {
        let m = SourceMemory::default();
        m.recall_and_learn(
            Some("a"),
            &["x"],
            &[],
            Some("storm hits the coast overnight"),
            fp(1),
        );
        let r = m.recall_and_learn(
            Some("b"),
            &["storm hits the coast overnight", "body"],
            &[],
            Some("own title here"),
            fp(2),
        );
        assert_eq!(r.other_headline, vec![true, false]);
        for i in 0..3 {
            let r = m.recall_and_learn(
                Some("c"),
                &[],
                &["evening post online".into()],
                None,
                fp(10 + i),
            );
            assert_eq!(!r.site_segments.is_empty(), i == 2);
        }
    }

    #[test]
    fn memory_is_bounded() {
        let m = SourceMemory::new(MemoryLimits {
            max_sources: 10,
            max_lines_per_source: 40,
            max_titles: 100,
            ..MemoryLimits::default()
        });
        for i in 0..500u64 {
            let lines: Vec<String> = (0..20).map(|j| format!("line {i} {j}")).collect();
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            let title = format!("title {i}");
            m.recall_and_learn(
                Some(&format!("src{}", i % 37)),
                &refs,
                &[],
                Some(&title),
                fp(i),
            );
        }
        let (sources, lines, titles) = m.size();
        assert!(sources <= 10);
        assert!(lines <= 10 * 40);
        assert!(titles <= 100);
    }

    #[test]
    fn learned_bytes_are_bounded_and_busy_sources_stay() {
        let limit = 256 << 10;
        let m = SourceMemory::new(MemoryLimits {
            max_bytes: limit,
            ..MemoryLimits::default()
        });
        let footer = "support the valley gazette's newsroom.";
        for i in 0..3000u64 {
            // Every fifth article is the busy source's, the rest spread over 500 others.
            let source = if i % 5 == 0 {
                "busy".to_string()
            } else {
                format!("src{}", i % 500)
            };
            let lines: Vec<String> = (0..30).map(|j| format!("line {i} {j}")).collect();
            let mut refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            refs.push(footer);
            let r = m.recall_and_learn(Some(&source), &refs, &[], None, fp(i));
            assert!(m.source_bytes() <= limit, "{} after {i}", m.source_bytes());
            if source == "busy" && i >= 15 {
                assert_eq!(r.footer.last(), Some(&true), "busy source forgot at {i}");
            }
        }
        let (sources, _, _) = m.size();
        assert!(sources < 500, "{sources} sources kept in {limit} bytes");
        // The estimate is the sum of what the sources measure now.
        let g = m.lock();
        let sum: usize = g.sources.iter().map(|(k, s)| s.heap_bytes(k.len())).sum();
        assert_eq!(sum, g.source_bytes);
    }

    #[test]
    fn table_bytes_follow_the_map_s_growth() {
        let mut map: HashMap<u64, Count> = HashMap::new();
        assert_eq!(table_bytes(map.capacity(), 16), 0);
        for k in 0..1000u64 {
            map.insert(k, Count::default());
            let bytes = table_bytes(map.capacity(), 16);
            // At least a bucket an entry; at most the doubling that just grew past 7/8 full.
            assert!(bytes >= map.len() * 17, "{bytes} for {}", map.len());
            assert!(
                bytes <= (map.len() * 16 / 7 + 8) * 17 + 16,
                "{bytes} for {}",
                map.len()
            );
        }
    }
}
