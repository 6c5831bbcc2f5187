//! The embedded dedup store: content hashes remembered in this process for a time window.
//!
//! Memory is bounded three ways: by time (`window`), by count (`max_entries`) and by heap bytes
//! (`with_memory_limit`, the `dedup.max_memory` setting). Entries live in a
//! few *generations*, each a hash map plus an arena holding the article ids; expiry drops a whole
//! generation at once, so there is no per-entry timestamp or expiry queue. An entry is remembered
//! for at least `window` and at most `window` plus one generation's span (`window / 8`), unless
//! a count or memory limit forces the oldest generation out first.
//!
//! It forgets everything when the process exits; after a crash, redelivered articles are caught
//! by the output stream's `Nats-Msg-Id` window instead.

use super::{Claim, ClaimToken, DedupError, DedupStore, HashKey, NearMatch};
use crate::pipeline::minhash::{BANDS, Compact, Signature};
use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Mutex;
use std::time::Duration;

/// Generations covering one window.
const GENERATIONS: u64 = 8;
/// A pending claim older than this is taken over (its holder was cancelled mid-flight).
const DEFAULT_PENDING_TTL: Duration = Duration::from_secs(600);

/// Keys are uniformly distributed hash prefixes already: hashing them again is wasted work.
#[derive(Default)]
struct PrefixHasher(u64);

impl Hasher for PrefixHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 ^= u64::from_le_bytes(b);
        }
    }
    fn write_u32(&mut self, n: u32) {
        // A band key's 32 bits, spread over the word so hashbrown's top-7-bit tags differ too.
        self.0 = u64::from(n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
    fn write_u128(&mut self, n: u128) {
        self.0 = n as u64;
    }
}

/// A content hash as a generation keeps it: its first 96 bits, in three `u32`s so that a map
/// slot (key and arena offset) packs into 16 bytes; a `u128` key would be 16-byte aligned and
/// make the slot 32. Two distinct articles share a 96-bit prefix with odds of about 6e-16
/// among 10 million remembered hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct StoredKey([u32; 3]);

impl StoredKey {
    fn of(key: u128) -> StoredKey {
        StoredKey([key as u32, (key >> 32) as u32, (key >> 64) as u32])
    }
}

impl std::hash::Hash for StoredKey {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(u64::from(self.0[0]) | u64::from(self.0[1]) << 32);
    }
}

type KeyMap<V> = HashMap<StoredKey, V, BuildHasherDefault<PrefixHasher>>;
/// Pending claims, few at a time, keep the full key.
type PendingMap = HashMap<u128, Pending, BuildHasherDefault<PrefixHasher>>;
/// Band keys: the low 32 bits of a band's xxh3 hash. A collision adds a candidate, which the
/// signature check settles, or at worst hides one of an original's twenty bands from a copy
/// (a map keeps the first original per key); the other bands still find it.
type BandMap = HashMap<u32, u32, BuildHasherDefault<PrefixHasher>>;

/// An arena offset must fit the `u32` a map slot keeps: a generation closes before its arena
/// reaches this, whatever its count or age (an id takes at most 0xffff bytes and its length).
const ARENA_FULL: usize = u32::MAX as usize - 0x1_0000 - 4;

struct Generation {
    /// Start time in seconds since the epoch.
    started: u64,
    /// Key to the offset of its article id in `arena`.
    map: KeyMap<u32>,
    /// Article ids, each after its length (one byte below 128, else two or three: LEB128).
    arena: Vec<u8>,
    /// Near-duplicate index: band key to the first original with it, in `near`.
    bands: BandMap,
    /// Originals' compact signatures with the arena offsets of their ids.
    near: Vec<(Compact, u32)>,
}

impl Generation {
    fn new(started: u64) -> Self {
        Generation {
            started,
            map: KeyMap::default(),
            arena: Vec::new(),
            bands: BandMap::default(),
            near: Vec::new(),
        }
    }

    fn id_at(&self, offset: u32) -> Option<&str> {
        let mut at = offset as usize;
        let mut len = 0usize;
        for shift in [0, 7, 14] {
            let b = *self.arena.get(at)?;
            at += 1;
            len |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                break;
            }
        }
        std::str::from_utf8(self.arena.get(at..at + len)?).ok()
    }

    fn push_id(&mut self, id: &str) -> u32 {
        // Ids are capped at 1 KiB by input validation; cap again so the length fits its prefix.
        let id = &id[..id.floor_char_boundary(0xffff)];
        let offset = self.arena.len() as u32;
        let mut len = id.len();
        loop {
            let low = (len & 0x7f) as u8;
            len >>= 7;
            if len == 0 {
                self.arena.push(low);
                break;
            }
            self.arena.push(low | 0x80);
        }
        self.arena.extend_from_slice(id.as_bytes());
        offset
    }

    fn insert_near(&mut self, bands: &[u64; BANDS], compact: Compact, id: &str) {
        let offset = self.push_id(id);
        let at = self.near.len() as u32;
        self.near.push((compact, offset));
        for band in bands {
            self.bands.entry(*band as u32).or_insert(at);
        }
    }

    fn get(&self, key: StoredKey) -> Option<&str> {
        self.id_at(*self.map.get(&key)?)
    }

    fn insert(&mut self, key: StoredKey, id: &str) {
        let offset = self.push_id(id);
        self.map.insert(key, offset);
    }

    /// Heap bytes held: every bucket of a hashbrown map costs its slot and one control byte,
    /// whether full or not (`capacity` is 7/8 of the buckets once past 8).
    fn bytes(&self) -> usize {
        fn buckets<K, V, S>(m: &HashMap<K, V, S>) -> usize {
            match m.capacity() {
                0 => 0,
                c if c < 8 => (c + 1).next_power_of_two(),
                c => (c * 8 / 7).next_power_of_two(),
            }
        }
        buckets(&self.map) * (std::mem::size_of::<(StoredKey, u32)>() + 1)
            + self.arena.capacity()
            + buckets(&self.bands) * (std::mem::size_of::<(u32, u32)>() + 1)
            + self.near.capacity() * std::mem::size_of::<(Compact, u32)>()
    }
}

struct Pending {
    id: String,
    token: u64,
    since: Duration,
}

struct Inner {
    span: u64,
    window: u64,
    max_entries: usize,
    per_generation: usize,
    /// Heap bytes the generations may hold (`usize::MAX`: no limit).
    max_bytes: usize,
    pending_ttl: Duration,
    generations: VecDeque<Generation>,
    pending: PendingMap,
    next_token: u64,
    len: usize,
    evicted: u64,
}

/// See the module documentation.
pub struct EmbeddedStore {
    inner: Mutex<Inner>,
}

/// Counters for metrics and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedStats {
    pub entries: usize,
    pub pending: usize,
    pub generations: usize,
    /// Entries dropped early because `max_entries` or the memory limit was reached.
    pub evicted: u64,
    /// Approximate heap bytes held.
    pub bytes: usize,
}

/// The count at which a generation closes: the largest hashbrown capacity not above `n`
/// (buckets are powers of two, and a map holds 7/8 of its buckets), so a closed generation's
/// map is 7/8 full, not half empty after its last doubling. A store bounded at `max_entries`
/// then keeps a few more, smaller generations than [`GENERATIONS`].
fn fitted(n: usize) -> usize {
    if n < 8 {
        return n.max(1);
    }
    let buckets = (n * 8 / 7 + 1).next_power_of_two() / 2;
    (buckets / 8 * 7).clamp(7, n)
}

impl EmbeddedStore {
    pub fn new(window: Duration, max_entries: usize) -> Self {
        let window_s = window.as_secs().max(1);
        let max_entries = max_entries.max(1);
        EmbeddedStore {
            inner: Mutex::new(Inner {
                span: (window_s / GENERATIONS).max(1),
                window: window_s,
                max_entries,
                per_generation: fitted(max_entries.div_ceil(GENERATIONS as usize)),
                max_bytes: usize::MAX,
                pending_ttl: DEFAULT_PENDING_TTL,
                generations: VecDeque::new(),
                pending: PendingMap::default(),
                next_token: 1,
                len: 0,
                evicted: 0,
            }),
        }
    }

    /// Bounds the heap bytes the store holds (about: a generation closes at an eighth of it, and
    /// may pass that by its map's last doubling). Near-duplicate originals cost about ten times
    /// what a hash does, so a count alone does not bound memory.
    pub fn with_memory_limit(self, bytes: usize) -> Self {
        self.lock().max_bytes = bytes.max(1);
        self
    }

    /// Sets how long an uncommitted claim blocks its copies before it is taken over.
    pub fn with_pending_ttl(self, ttl: Duration) -> Self {
        self.lock().pending_ttl = ttl;
        self
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        // A poisoned lock means a panic elsewhere mid-update; the maps are still consistent
        // enough to keep answering (worst case one entry is missing).
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Synchronous claim (used directly by `pipe`, wrapped by the trait for the worker).
    pub fn claim_sync(&self, key: HashKey, id: &str, now: Duration) -> Claim {
        let mut g = self.lock();
        g.expire(now.as_secs());
        let ttl = g.pending_ttl;
        if g.pending
            .get(&key.0)
            .is_some_and(|p| now.saturating_sub(p.since) < ttl)
        {
            return Claim::InFlight;
        }
        if let Some(of) = g.lookup(key.0) {
            return Claim::Duplicate { of: of.to_string() };
        }
        let token = g.next_token;
        g.next_token += 1;
        g.pending.insert(
            key.0,
            Pending {
                id: id.to_string(),
                token,
                since: now,
            },
        );
        Claim::New(ClaimToken {
            key,
            token,
            id: id.to_string(),
        })
    }

    /// Marks a claimed hash as published: later copies are duplicates of its article.
    pub fn commit_sync(&self, token: &ClaimToken, now: Duration) {
        let mut g = self.lock();
        let Some(p) = g.pending.remove(&token.key.0) else {
            return;
        };
        if p.token != token.token {
            // Taken over by a later claim, which will commit for itself.
            g.pending.insert(token.key.0, p);
            return;
        }
        g.insert(token.key.0, &p.id, now.as_secs());
    }

    /// Drops a claim whose article was not published, so the next copy may claim it.
    pub fn release_sync(&self, token: &ClaimToken) {
        let mut g = self.lock();
        if g.pending
            .get(&token.key.0)
            .is_some_and(|p| p.token == token.token)
        {
            g.pending.remove(&token.key.0);
        }
    }

    /// The most similar original remembered within the window, if at least `threshold`.
    pub fn near_sync(&self, sig: &Signature, threshold: f64, now: Duration) -> Option<NearMatch> {
        let mut g = self.lock();
        g.expire(now.as_secs());
        let compact = sig.compact();
        let bands = sig.bands();
        let mut best: Option<(f64, &str)> = None;
        let mut seen: Vec<(usize, u32)> = Vec::new();
        for (gi, gen_) in g.generations.iter().enumerate().rev() {
            for band in &bands {
                let Some(&at) = gen_.bands.get(&(*band as u32)) else {
                    continue;
                };
                if seen.contains(&(gi, at)) {
                    continue;
                }
                seen.push((gi, at));
                let Some((other, offset)) = gen_.near.get(at as usize) else {
                    continue;
                };
                let sim = compact.similarity(other);
                if sim >= threshold && best.is_none_or(|(b, _)| sim > b) {
                    best = gen_.id_at(*offset).map(|id| (sim, id));
                }
            }
        }
        best.map(|(similarity, of)| NearMatch {
            of: of.to_string(),
            similarity,
        })
    }

    /// Remembers an original for later near copies.
    pub fn remember_near_sync(&self, sig: &Signature, id: &str, now: Duration) {
        self.remember_near_parts(&sig.bands(), sig.compact(), id, now);
    }

    /// [`Self::remember_near_sync`] from a signature's band keys and compact form (what the
    /// fleet's store shares between replicas).
    pub fn remember_near_parts(
        &self,
        bands: &[u64; BANDS],
        compact: Compact,
        id: &str,
        now: Duration,
    ) {
        let mut g = self.lock();
        g.rotate_if_due(now.as_secs());
        if let Some(gen_) = g.generations.back_mut() {
            gen_.insert_near(bands, compact, id);
        }
        g.evict_over_limit();
    }

    pub fn stats(&self) -> EmbeddedStats {
        let g = self.lock();
        EmbeddedStats {
            entries: g.len,
            pending: g.pending.len(),
            generations: g.generations.len(),
            evicted: g.evicted,
            bytes: g.generations.iter().map(Generation::bytes).sum::<usize>()
                + g.pending.capacity() * (16 + std::mem::size_of::<Pending>() + 1),
        }
    }
}

impl Inner {
    fn lookup(&self, key: u128) -> Option<&str> {
        let key = StoredKey::of(key);
        self.generations.iter().rev().find_map(|g| g.get(key))
    }

    fn expire(&mut self, now: u64) {
        while let Some(front) = self.generations.front() {
            // Every entry of a generation is younger than `started + span`.
            if front.started + self.span + self.window <= now {
                let g = self.generations.pop_front();
                self.len -= g.map_or(0, |g| g.map.len());
            } else {
                break;
            }
        }
    }

    fn rotate_if_due(&mut self, now: u64) {
        let rotate = match self.generations.back() {
            None => true,
            Some(g) => {
                now >= g.started + self.span
                    || g.map.len() >= self.per_generation
                    || g.near.len() >= self.per_generation
                    || g.arena.len() >= ARENA_FULL
                    || g.bytes() >= self.max_bytes / GENERATIONS as usize
            }
        };
        if rotate {
            // A closed generation only shrinks: give back its vectors' spare capacity.
            if let Some(g) = self.generations.back_mut() {
                g.arena.shrink_to_fit();
                g.near.shrink_to_fit();
            }
            self.generations.push_back(Generation::new(now));
        }
    }

    fn insert(&mut self, key: u128, id: &str, now: u64) {
        self.rotate_if_due(now);
        if let Some(g) = self.generations.back_mut() {
            let before = g.map.len();
            g.insert(StoredKey::of(key), id);
            self.len += g.map.len() - before;
        }
        self.evict_over_limit();
    }

    /// Drops the oldest generations while either the hashes or the near originals exceed
    /// `max_entries` (a store used only for near copies is bounded too), or their heap bytes
    /// exceed the memory limit.
    fn evict_over_limit(&mut self) {
        let near = |gens: &VecDeque<Generation>| gens.iter().map(|g| g.near.len()).sum::<usize>();
        let bytes = |gens: &VecDeque<Generation>| gens.iter().map(Generation::bytes).sum::<usize>();
        while (self.len > self.max_entries
            || near(&self.generations) > self.max_entries
            || bytes(&self.generations) > self.max_bytes)
            && self.generations.len() > 1
        {
            if let Some(g) = self.generations.pop_front() {
                self.len -= g.map.len();
                self.evicted += g.map.len().max(g.near.len()) as u64;
            }
        }
    }
}

impl DedupStore for EmbeddedStore {
    async fn claim(&self, key: HashKey, id: &str, now: Duration) -> Result<Claim, DedupError> {
        Ok(self.claim_sync(key, id, now))
    }

    async fn commit(&self, token: ClaimToken, now: Duration) -> Result<(), DedupError> {
        self.commit_sync(&token, now);
        Ok(())
    }

    async fn release(&self, token: ClaimToken) -> Result<(), DedupError> {
        self.release_sync(&token);
        Ok(())
    }

    async fn near(
        &self,
        sig: &Signature,
        threshold: f64,
        now: Duration,
    ) -> Result<Option<NearMatch>, DedupError> {
        Ok(self.near_sync(sig, threshold, now))
    }

    async fn remember_near(
        &self,
        sig: &Signature,
        id: &str,
        now: Duration,
    ) -> Result<(), DedupError> {
        self.remember_near_sync(sig, id, now);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(n: u128) -> HashKey {
        HashKey(n.wrapping_mul(0x9e3779b97f4a7c15_f39cc0605cedc834))
    }
    fn t(s: u64) -> Duration {
        Duration::from_secs(1_700_000_000 + s)
    }

    #[test]
    fn first_copy_wins_after_commit() {
        let s = EmbeddedStore::new(Duration::from_secs(3600), 1000);
        let Claim::New(tok) = s.claim_sync(k(1), "a", t(0)) else {
            panic!("first claim must be new")
        };
        assert_eq!(s.claim_sync(k(1), "b", t(1)), Claim::InFlight);
        s.commit_sync(&tok, t(1));
        assert_eq!(
            s.claim_sync(k(1), "b", t(2)),
            Claim::Duplicate { of: "a".into() }
        );
        assert!(matches!(s.claim_sync(k(2), "c", t(2)), Claim::New(_)));
    }

    #[test]
    fn released_claims_can_be_taken_again() {
        let s = EmbeddedStore::new(Duration::from_secs(3600), 1000);
        let Claim::New(tok) = s.claim_sync(k(1), "a", t(0)) else {
            panic!()
        };
        s.release_sync(&tok);
        let Claim::New(tok2) = s.claim_sync(k(1), "b", t(1)) else {
            panic!("released claim must be claimable")
        };
        s.commit_sync(&tok2, t(1));
        assert_eq!(
            s.claim_sync(k(1), "a", t(2)),
            Claim::Duplicate { of: "b".into() }
        );
    }

    #[test]
    fn stale_pending_claims_are_taken_over() {
        let s = EmbeddedStore::new(Duration::from_secs(3600), 1000)
            .with_pending_ttl(Duration::from_secs(10));
        let Claim::New(old) = s.claim_sync(k(1), "a", t(0)) else {
            panic!()
        };
        assert_eq!(s.claim_sync(k(1), "b", t(5)), Claim::InFlight);
        let Claim::New(new) = s.claim_sync(k(1), "b", t(11)) else {
            panic!("stale claim must be taken over")
        };
        s.commit_sync(&old, t(12)); // the late holder's commit is ignored
        s.commit_sync(&new, t(12));
        assert_eq!(
            s.claim_sync(k(1), "c", t(13)),
            Claim::Duplicate { of: "b".into() }
        );
    }

    #[test]
    fn entries_expire_after_the_window() {
        let w = 800;
        let s = EmbeddedStore::new(Duration::from_secs(w), 1000);
        let Claim::New(tok) = s.claim_sync(k(1), "a", t(0)) else {
            panic!()
        };
        s.commit_sync(&tok, t(0));
        // Remembered for the whole window...
        assert!(matches!(
            s.claim_sync(k(1), "b", t(w - 1)),
            Claim::Duplicate { .. }
        ));
        // ...and forgotten within one generation span after it.
        assert!(matches!(
            s.claim_sync(k(1), "b", t(w + w / 8 + 1)),
            Claim::New(_)
        ));
        assert_eq!(s.stats().entries, 0);
    }

    /// Remembers `n` distinct hashes, all published as `id` at time 0.
    fn fill(s: &EmbeddedStore, n: u128, id: &str) {
        for i in 0..n {
            if let Claim::New(tok) = s.claim_sync(k(i), id, t(0)) {
                s.commit_sync(&tok, t(0));
            }
        }
    }

    #[test]
    fn memory_is_bounded_by_count() {
        let s = EmbeddedStore::new(Duration::from_secs(86_400), 800);
        fill(&s, 10_000, "id");
        let st = s.stats();
        assert!(st.entries <= 800 + 100, "{st:?}");
        assert!(st.evicted > 0);
        // The newest are still remembered.
        assert!(matches!(
            s.claim_sync(k(9_999), "x", t(1)),
            Claim::Duplicate { .. }
        ));
    }

    #[test]
    fn near_originals_alone_are_bounded_by_count() {
        let s = EmbeddedStore::new(Duration::from_secs(86_400), 800);
        for i in 0..5_000u64 {
            let words: Vec<String> = (0..20).map(|w| format!("a{i}w{w}")).collect();
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            s.remember_near_sync(&sig(&words), "id", t(0));
        }
        let near: usize = s.lock().generations.iter().map(|g| g.near.len()).sum();
        assert!(near <= 800 + 100, "{near}");
        assert!(s.stats().evicted > 0);
    }

    #[test]
    fn memory_is_bounded_by_bytes_for_hashes_and_near_originals() {
        const LIMIT: usize = 256 << 10;
        // A count limit far above what the bytes allow: the memory limit decides.
        let s = EmbeddedStore::new(Duration::from_secs(86_400), 1_000_000).with_memory_limit(LIMIT);
        for i in 0..20_000u64 {
            let key = k(u128::from(i));
            if let Claim::New(tok) = s.claim_sync(key, &format!("article-{i}"), t(0)) {
                s.commit_sync(&tok, t(0));
            }
            if i % 4 == 0 {
                let words: Vec<String> = (0..20).map(|w| format!("a{i}w{w}")).collect();
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                s.remember_near_sync(&sig(&words), &format!("article-{i}"), t(0));
            }
            // Never above the limit plus the newest generation's last doubling.
            assert!(
                s.stats().bytes <= LIMIT + LIMIT / 4,
                "{:?} at {i}",
                s.stats()
            );
        }
        let st = s.stats();
        assert!(st.evicted > 0, "{st:?}");
        assert!(
            st.bytes >= LIMIT / 2,
            "evicted far more than needed: {st:?}"
        );
        // The newest are still remembered, for exact and for near copies.
        assert!(matches!(
            s.claim_sync(k(19_999), "x", t(1)),
            Claim::Duplicate { .. }
        ));
        let words: Vec<String> = (0..20).map(|w| format!("a19996w{w}")).collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let found = s.near_sync(&sig(&words), 0.9, t(1));
        assert_eq!(found.map(|m| m.of).as_deref(), Some("article-19996"));
    }

    #[test]
    fn unicode_ids_survive_the_arena() {
        let s = EmbeddedStore::new(Duration::from_secs(60), 10);
        let Claim::New(tok) = s.claim_sync(k(1), "ид-文章-🙂", t(0)) else {
            panic!()
        };
        s.commit_sync(&tok, t(0));
        assert_eq!(
            s.claim_sync(k(1), "x", t(1)),
            Claim::Duplicate {
                of: "ид-文章-🙂".into()
            }
        );
    }

    #[test]
    fn ids_of_every_length_come_back_whole() {
        let s = EmbeddedStore::new(Duration::from_secs(60), 100);
        // One-, two- and three-byte length prefixes, and an id past the 0xffff cap.
        let ids: Vec<String> = [0usize, 1, 127, 128, 16_383, 16_384, 0xffff, 70_000]
            .iter()
            .map(|&n| "é".repeat(n / 2) + &"x".repeat(n % 2))
            .collect();
        for (i, id) in ids.iter().enumerate() {
            let Claim::New(tok) = s.claim_sync(k(i as u128), id, t(0)) else {
                panic!()
            };
            s.commit_sync(&tok, t(0));
        }
        for (i, id) in ids.iter().enumerate() {
            let Claim::Duplicate { of } = s.claim_sync(k(i as u128), "z", t(1)) else {
                panic!("{i} forgotten")
            };
            let kept = &id[..id.floor_char_boundary(0xffff)];
            assert_eq!(of, kept, "id {i}");
        }
    }

    #[test]
    fn keys_apart_in_their_first_96_bits_stay_apart() {
        // The stored key is the hash's first 96 bits: keys that differ there stay apart.
        let s = EmbeddedStore::new(Duration::from_secs(60), 100);
        let a = HashKey(1);
        let b = HashKey(1 | 1 << 64);
        let c = HashKey(1 | 1 << 95);
        for (key, id) in [(a, "a"), (b, "b"), (c, "c")] {
            let Claim::New(tok) = s.claim_sync(key, id, t(0)) else {
                panic!("{id} taken for a copy")
            };
            s.commit_sync(&tok, t(0));
        }
        for (key, id) in [(a, "a"), (b, "b"), (c, "c")] {
            assert_eq!(
                s.claim_sync(key, "z", t(1)),
                Claim::Duplicate { of: id.into() }
            );
        }
    }

    #[test]
    fn reported_bytes_cover_the_maps_buckets() {
        let s = EmbeddedStore::new(Duration::from_secs(86_400), 1_000_000);
        fill(&s, 10_000, "0123456789");
        let st = s.stats();
        // 16-byte slots and a control byte per bucket, at a load between 7/16 and 7/8, plus an
        // 11-byte id: between 30 and 50 bytes an entry.
        let per = st.bytes as f64 / st.entries as f64;
        assert!(
            (30.0..=50.0).contains(&per),
            "{per} bytes per entry ({st:?})"
        );
    }

    #[test]
    fn generations_close_when_their_map_is_full() {
        for n in [1, 7, 8, 100, 125_000, 250_000, 1_250_000] {
            let f = fitted(n);
            assert!(f >= 1 && f <= n, "{n} -> {f}");
            let m: KeyMap<u32> = KeyMap::with_capacity_and_hasher(f, Default::default());
            // Exactly a capacity hashbrown picks, and no other fills better.
            assert!(m.capacity() >= f);
            if n >= 8 {
                assert!(m.capacity() == f, "{n}: {f} vs {}", m.capacity());
                assert!(f * 2 > n, "{n}: {f} wastes half");
            }
        }
    }

    fn sig(words: &[&str]) -> Signature {
        crate::pipeline::minhash::signature(&words.join(" ")).unwrap()
    }

    #[test]
    fn near_copies_find_their_original_within_the_window() {
        let base: Vec<String> = (0..300).map(|i| format!("w{i}")).collect();
        let base: Vec<&str> = base.iter().map(String::as_str).collect();
        let mut edited = base.clone();
        edited[150] = "changed";
        let other: Vec<String> = (0..300).map(|i| format!("z{i}")).collect();
        let other: Vec<&str> = other.iter().map(String::as_str).collect();
        let s = EmbeddedStore::new(Duration::from_secs(3600), 1000);
        assert_eq!(s.near_sync(&sig(&base), 0.6, t(0)), None);
        s.remember_near_sync(&sig(&base), "a", t(0));
        let m = s.near_sync(&sig(&edited), 0.6, t(10)).expect("near copy");
        assert_eq!(m.of, "a");
        assert!(m.similarity > 0.8, "{}", m.similarity);
        assert_eq!(s.near_sync(&sig(&other), 0.6, t(10)), None);
        // A threshold above the similarity finds nothing.
        assert_eq!(s.near_sync(&sig(&edited), 0.999, t(10)), None);
        // Past the window the original is forgotten.
        assert_eq!(s.near_sync(&sig(&edited), 0.6, t(3600 + 600)), None);
    }
}
