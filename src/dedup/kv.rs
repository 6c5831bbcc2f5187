//! The fleet's dedup store: content hashes and near-duplicate band keys in JetStream KV
//! buckets, shared by every replica.
//!
//! A claim is a KV `create` of the hash key with a *pending* value (time, worker, article id):
//! the first writer wins. After the publish ack the claim becomes *done* with a
//! revision-checked `update`; a failed publish releases it with a revision-checked delete. A
//! pending claim left by a crashed worker blocks its copies (they are nak'ed and come back)
//! until it is older than `pending_ttl`, when the next copy takes it over with a
//! revision-checked update. If the crashed worker had already published, the output stream's
//! `Nats-Msg-Id` window (the content hash) stores the record once. So the key is never written
//! "done" before the output is safe: unlike a dedupe that writes its key before the output
//! succeeds, no crash turns an unpublished article into a duplicate.
//!
//! Near copies are looked up in memory: every replica follows the bands bucket (one key per
//! published original, holding its band keys and compact signature) with a pull-based ordered
//! consumer (a KV watch, but read in bounded batches) and keeps
//! a bounded local index of it, so asking "is this a near copy?" costs no round trip and an
//! original costs one KV write. The price is that an original published on another replica in
//! the last few milliseconds may not be seen yet (its near copy is then published unmarked);
//! exact copies are never affected, they go through the hashes bucket.
//!
//! Done keys are cached locally (bounded), so hot duplicates cost no round trip. The buckets are
//! created as plain streams with the KV settings, which works on nats-server 2.9 (where
//! async-nats' `create_key_value` fails) as on current servers, then bound with
//! `get_key_value`.

use super::EmbeddedStore;
use super::{Claim, ClaimToken, DedupError, DedupStore, HashKey, NearMatch};
use crate::pipeline::minhash::{BANDS, Compact, PERMUTATIONS, Signature};
use async_nats::jetstream::{self, kv, stream};
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// What a [`KvStore`] needs to know.
#[derive(Debug, Clone)]
pub struct KvSettings {
    pub bucket: String,
    pub bands_bucket: String,
    /// Replicas of the buckets' streams (3 on a 3-node cluster).
    pub replicas: usize,
    /// How long a key is kept: the dedup window.
    pub window: Duration,
    /// A pending claim older than this is taken over.
    pub pending_ttl: Duration,
    /// Done keys kept in the local cache at most.
    pub cache_entries: usize,
    /// Originals kept in the local near-duplicate index at most.
    pub near_entries: usize,
    /// Heap bytes the local near-duplicate index may hold.
    pub near_memory: usize,
    /// This replica's name, written into its claims.
    pub worker: String,
    /// While the buckets cannot be reached, decide with an in-process store (and count it)
    /// instead of nak'ing with backoff.
    /// Its window, count limit and memory limit.
    pub fallback_to_embedded: Option<(Duration, usize, usize)>,
}

/// How long attaching waits for the near-duplicate history to load.
const CATCH_UP: Duration = Duration::from_secs(30);

/// Claim tokens of the fallback store carry this bit (KV revisions never reach it).
const FALLBACK_TOKEN: u64 = 1 << 63;

struct Buckets {
    hashes: kv::Store,
    bands: kv::Store,
    /// The task following the bands bucket into `near_index`.
    follower: tokio::task::JoinHandle<()>,
}

/// See the module documentation.
pub struct KvStore {
    settings: KvSettings,
    buckets: OnceLock<Buckets>,
    cache: Mutex<DoneCache>,
    /// Every original of the fleet within the window (bounded), fed by the bands bucket.
    near_index: Arc<EmbeddedStore>,
    /// This store's name in the bands bucket: the worker's name plus a nonce, since a restarted
    /// container keeps its host name and pid, and must still load its earlier originals.
    instance: String,
    fallback: Option<EmbeddedStore>,
    /// Decisions taken by the fallback store.
    pub fallbacks: std::sync::atomic::AtomicU64,
}

impl Drop for KvStore {
    fn drop(&mut self) {
        if let Some(b) = self.buckets.get() {
            b.follower.abort();
        }
    }
}

/// Two generations of done keys: lookups see both, inserts go to the young one, and when it is
/// full the old one is dropped (bounded memory, no per-entry bookkeeping).
struct DoneCache {
    young: HashMap<u128, (String, Instant)>,
    old: HashMap<u128, (String, Instant)>,
    cap: usize,
}

impl DoneCache {
    fn get(&self, key: u128, window: Duration) -> Option<&str> {
        let (id, at) = self.young.get(&key).or_else(|| self.old.get(&key))?;
        (at.elapsed() < window).then_some(id.as_str())
    }

    fn insert(&mut self, key: u128, id: &str) {
        if self.cap == 0 {
            return;
        }
        if self.young.len() >= self.cap.div_ceil(2) {
            self.old = std::mem::take(&mut self.young);
        }
        self.young.insert(key, (id.to_string(), Instant::now()));
    }
}

/// A claim's value in the hashes bucket.
#[derive(Debug, PartialEq)]
enum Value<'a> {
    Pending {
        since_ms: u64,
        worker: &'a str,
        id: &'a str,
    },
    Done {
        id: &'a str,
    },
}

impl Value<'_> {
    fn parse(s: &str) -> Option<Value<'_>> {
        if let Some(id) = s.strip_prefix("done ") {
            return Some(Value::Done { id });
        }
        let rest = s.strip_prefix("pending ")?;
        let mut parts = rest.splitn(3, ' ');
        let since_ms = parts.next()?.parse().ok()?;
        let worker = parts.next()?;
        let id = parts.next()?;
        Some(Value::Pending {
            since_ms,
            worker,
            id,
        })
    }
}

fn pending(now: Duration, worker: &str, id: &str) -> bytes::Bytes {
    // Worker names never hold spaces (they are host:pid); ids may, so they come last.
    format!(
        "pending {} {} {}",
        now.as_millis(),
        worker.replace(' ', "_"),
        id
    )
    .into()
}

fn hash_key(key: HashKey) -> String {
    format!("{:032x}", key.0)
}

/// One key per original in the bands bucket.
fn original_key(id: &str) -> String {
    format!("{:032x}", xxhash_rust::xxh3::xxh3_128(id.as_bytes()))
}

/// An original as the bands bucket holds it.
#[derive(Debug, PartialEq)]
struct Original<'a> {
    bands: [u64; BANDS],
    compact: Compact,
    worker: &'a str,
    id: &'a str,
}

/// Version byte of the bands bucket's values (a different one is skipped, not misread).
const ORIGINAL_V1: u8 = 1;

impl Original<'_> {
    /// Version, band keys (little-endian), compact signature, worker length and worker, id.
    fn encode(bands: &[u64; BANDS], compact: &Compact, worker: &str, id: &str) -> bytes::Bytes {
        let worker = &worker[..worker.floor_char_boundary(255)];
        let mut out = Vec::with_capacity(2 + BANDS * 8 + PERMUTATIONS + worker.len() + id.len());
        out.push(ORIGINAL_V1);
        for band in bands {
            out.extend_from_slice(&band.to_le_bytes());
        }
        out.extend_from_slice(&compact.0);
        out.push(worker.len() as u8);
        out.extend_from_slice(worker.as_bytes());
        out.extend_from_slice(id.as_bytes());
        out.into()
    }

    fn decode(value: &[u8]) -> Option<Original<'_>> {
        let (&version, rest) = value.split_first()?;
        if version != ORIGINAL_V1 || rest.len() < BANDS * 8 + PERMUTATIONS + 1 {
            return None;
        }
        let (band_bytes, rest) = rest.split_at(BANDS * 8);
        let mut bands = [0u64; BANDS];
        for (b, chunk) in bands.iter_mut().zip(band_bytes.chunks_exact(8)) {
            *b = u64::from_le_bytes(chunk.try_into().ok()?);
        }
        let (compact_bytes, rest) = rest.split_at(PERMUTATIONS);
        let compact = Compact(compact_bytes.try_into().ok()?);
        let (&worker_len, rest) = rest.split_first()?;
        let worker = rest.get(..usize::from(worker_len))?;
        let id = rest.get(usize::from(worker_len)..)?;
        Some(Original {
            bands,
            compact,
            worker: std::str::from_utf8(worker).ok()?,
            id: std::str::from_utf8(id).ok()?,
        })
    }
}

/// `worker#nonce`, unique per store instance (time and a process-wide counter).
fn instance_name(worker: &str) -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as u64);
    let nonce = xxhash_rust::xxh3::xxh3_64(&[t.to_le_bytes(), n.to_le_bytes()].concat());
    format!(
        "{}#{:08x}",
        &worker[..worker.floor_char_boundary(200)],
        nonce as u32
    )
}

/// Follows the bands bucket (its history first, then every new original) into `index`,
/// skipping this replica's own originals (already there). Resumes after the last revision seen
/// when the read breaks (a server restart, a reconnect). `caught_up` fires once the history
/// has been read.
///
/// It reads with a pull-based ordered consumer rather than a KV watch: a watch is pushed, and
/// a replica joining a fleet with a long history (hundreds of thousands of originals) was
/// pushed faster than it could index, overflowing the subscription (slow consumer, dropped
/// messages, the watch recreated again and again). Pulls arrive in bounded batches as fast as
/// they are indexed.
async fn follow_originals(
    bands: kv::Store,
    index: Arc<EmbeddedStore>,
    me: String,
    empty_at_start: bool,
    caught_up: tokio::sync::oneshot::Sender<()>,
) {
    let mut caught_up = Some(caught_up);
    if empty_at_start && let Some(tx) = caught_up.take() {
        let _ = tx.send(());
    }
    let mut next: Option<u64> = None;
    loop {
        let config = jetstream::consumer::pull::OrderedConfig {
            filter_subject: format!("{}>", bands.prefix),
            deliver_policy: match next {
                None => jetstream::consumer::DeliverPolicy::All,
                Some(start_sequence) => {
                    jetstream::consumer::DeliverPolicy::ByStartSequence { start_sequence }
                }
            },
            ..Default::default()
        };
        let opened = match bands.stream.create_consumer(config).await {
            Ok(consumer) => consumer.messages().await.map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        let mut messages = match opened {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "cannot follow the near-duplicate bucket; retrying");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        while let Some(message) = messages.next().await {
            let message = match message {
                Ok(m) => m,
                Err(e) => {
                    tracing::warn!(error = %e, "reading the near-duplicate bucket broke; resuming");
                    break;
                }
            };
            let Ok(info) = message.info() else { continue };
            next = Some(info.stream_sequence + 1);
            // A delete or purge marker carries a KV-Operation header; a put carries none.
            let deleted = message
                .headers
                .as_ref()
                .is_some_and(|h| h.get("KV-Operation").is_some());
            if !deleted
                && let Some(o) = Original::decode(&message.payload)
                && o.worker != me
            {
                let at = u64::try_from(info.published.unix_timestamp()).unwrap_or(0);
                index.remember_near_parts(&o.bands, o.compact, o.id, Duration::from_secs(at));
            }
            if info.pending == 0
                && let Some(tx) = caught_up.take()
            {
                let _ = tx.send(());
            }
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn err(what: &str, e: impl std::fmt::Display) -> DedupError {
    DedupError(format!("{what}: {e}"))
}

impl KvStore {
    pub fn new(settings: KvSettings) -> KvStore {
        let cap = settings.cache_entries;
        let fallback = settings
            .fallback_to_embedded
            .map(|(window, max, bytes)| EmbeddedStore::new(window, max).with_memory_limit(bytes));
        KvStore {
            near_index: Arc::new(
                EmbeddedStore::new(settings.window, settings.near_entries)
                    .with_memory_limit(settings.near_memory),
            ),
            instance: instance_name(&settings.worker),
            fallback,
            fallbacks: std::sync::atomic::AtomicU64::new(0),
            settings,
            buckets: OnceLock::new(),
            cache: Mutex::new(DoneCache {
                young: HashMap::new(),
                old: HashMap::new(),
                cap,
            }),
        }
    }

    fn buckets(&self) -> Result<&Buckets, DedupError> {
        self.buckets
            .get()
            .ok_or_else(|| DedupError("the KV store is not attached to NATS yet".into()))
    }

    /// The fallback store, when configured, counting its use; `None` means "report the error".
    fn fall_back(&self, e: &DedupError) -> Option<&super::EmbeddedStore> {
        let f = self.fallback.as_ref()?;
        let n = self
            .fallbacks
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if n.is_power_of_two() || n == 0 {
            tracing::warn!(error = %e, decisions = n + 1, "KV store unavailable: deciding with the in-process store");
        }
        Some(f)
    }

    /// A claim the fallback store gave, with the fallback bit cleared; `Err` gives back a KV claim.
    fn fallback_claim(
        &self,
        token: ClaimToken,
    ) -> Result<(&super::EmbeddedStore, ClaimToken), ClaimToken> {
        match &self.fallback {
            Some(f) if token.token & FALLBACK_TOKEN != 0 => Ok((
                f,
                ClaimToken {
                    token: token.token & !FALLBACK_TOKEN,
                    ..token
                },
            )),
            _ => Err(token),
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, DoneCache> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Creates the bucket's stream with the settings KV uses when it is missing (leaving an
    /// existing one as it is), then binds the bucket. Also says whether it holds no values.
    async fn bucket(
        &self,
        js: &jetstream::Context,
        name: &str,
    ) -> Result<(kv::Store, bool), DedupError> {
        let s = &self.settings;
        let config = stream::Config {
            name: format!("KV_{name}"),
            subjects: vec![format!("$KV.{name}.>")],
            max_messages_per_subject: 1,
            max_age: s.window,
            discard: stream::DiscardPolicy::New,
            allow_rollup: true,
            deny_delete: true,
            allow_direct: true,
            num_replicas: s.replicas.max(1),
            duplicate_window: s.window.min(Duration::from_secs(120)),
            ..Default::default()
        };
        let mut stream = js
            .get_or_create_stream(config)
            .await
            .map_err(|e| err(&format!("cannot create the KV bucket {name}"), e))?;
        let empty = stream
            .info()
            .await
            .map_err(|e| err(&format!("cannot read the KV bucket {name}"), e))?
            .state
            .messages
            == 0;
        let store = js
            .get_key_value(name)
            .await
            .map_err(|e| err(&format!("cannot bind the KV bucket {name}"), e))?;
        Ok((store, empty))
    }

    async fn take_over(
        &self,
        b: &Buckets,
        key: HashKey,
        id: &str,
        now: Duration,
    ) -> Result<Claim, DedupError> {
        let k = hash_key(key);
        let Some(entry) = b
            .hashes
            .entry(k.as_str())
            .await
            .map_err(|e| err("KV read", e))?
        else {
            // Gone meanwhile (released or expired): the next delivery claims it afresh.
            return Ok(Claim::InFlight);
        };
        if entry.operation != kv::Operation::Put {
            return Ok(Claim::InFlight);
        }
        let text = String::from_utf8_lossy(&entry.value);
        match Value::parse(&text) {
            Some(Value::Done { id: of }) => {
                self.cache().insert(key.0, of);
                Ok(Claim::Duplicate { of: of.to_string() })
            }
            Some(Value::Pending { since_ms, .. })
                if now.as_millis().saturating_sub(u128::from(since_ms))
                    < self.settings.pending_ttl.as_millis() =>
            {
                Ok(Claim::InFlight)
            }
            // Stale (its holder crashed), or unreadable: take it over, if nobody else did.
            _ => match b
                .hashes
                .update(
                    k.as_str(),
                    pending(now, &self.settings.worker, id),
                    entry.revision,
                )
                .await
            {
                Ok(rev) => {
                    tracing::info!(key = %k, "took over a stale dedup claim");
                    Ok(Claim::New(ClaimToken {
                        key,
                        token: rev,
                        id: id.to_string(),
                    }))
                }
                Err(e) if e.kind() == kv::UpdateErrorKind::WrongLastRevision => Ok(Claim::InFlight),
                Err(e) => Err(err("KV update", e)),
            },
        }
    }
}

impl DedupStore for KvStore {
    fn fallbacks(&self) -> u64 {
        self.fallbacks.load(std::sync::atomic::Ordering::Relaxed)
    }

    async fn attach(&self, js: &jetstream::Context) -> Result<(), DedupError> {
        if self.buckets.get().is_some() {
            return Ok(());
        }
        let (hashes, _) = self.bucket(js, &self.settings.bucket).await?;
        let (bands, empty) = self.bucket(js, &self.settings.bands_bucket).await?;
        let (tx, caught_up) = tokio::sync::oneshot::channel();
        let follower = tokio::spawn(follow_originals(
            bands.clone(),
            self.near_index.clone(),
            self.instance.clone(),
            empty,
            tx,
        ));
        if self
            .buckets
            .set(Buckets {
                hashes,
                bands,
                follower,
            })
            .is_err()
        {
            return Ok(());
        }
        // Near copies of the fleet's recent originals are only found once they are indexed;
        // a huge history should not hold the worker back for ever, though.
        if tokio::time::timeout(CATCH_UP, caught_up).await.is_err() {
            tracing::warn!(
                "the near-duplicate index is still loading; near copies of older originals may be missed meanwhile"
            );
        }
        Ok(())
    }

    async fn claim(&self, key: HashKey, id: &str, now: Duration) -> Result<Claim, DedupError> {
        match self.claim_kv(key, id, now).await {
            Err(e) => match self.fall_back(&e) {
                Some(f) => Ok(match f.claim_sync(key, id, now) {
                    Claim::New(t) => Claim::New(ClaimToken {
                        token: t.token | FALLBACK_TOKEN,
                        ..t
                    }),
                    other => other,
                }),
                None => Err(e),
            },
            ok => ok,
        }
    }

    async fn commit(&self, token: ClaimToken, now: Duration) -> Result<(), DedupError> {
        match self.fallback_claim(token) {
            Ok((f, t)) => {
                f.commit_sync(&t, now);
                Ok(())
            }
            Err(token) => self.commit_kv(token, now).await,
        }
    }

    async fn release(&self, token: ClaimToken) -> Result<(), DedupError> {
        match self.fallback_claim(token) {
            Ok((f, t)) => {
                f.release_sync(&t);
                Ok(())
            }
            Err(token) => self.release_kv(token).await,
        }
    }

    async fn near(
        &self,
        sig: &Signature,
        threshold: f64,
        now: Duration,
    ) -> Result<Option<NearMatch>, DedupError> {
        // In memory: see the module documentation.
        Ok(self.near_index.near_sync(sig, threshold, now))
    }

    async fn remember_near(
        &self,
        sig: &Signature,
        id: &str,
        now: Duration,
    ) -> Result<(), DedupError> {
        let (bands, compact) = (sig.bands(), sig.compact());
        let value = Original::encode(&bands, &compact, &self.instance, id);
        self.near_index
            .remember_near_parts(&bands, compact, id, now);
        match self.remember_near_kv(id, value).await {
            // This replica still finds its near copies; the others will not.
            Err(e) if self.fall_back(&e).is_some() => Ok(()),
            other => other,
        }
    }
}

impl KvStore {
    async fn claim_kv(&self, key: HashKey, id: &str, now: Duration) -> Result<Claim, DedupError> {
        if let Some(of) = self.cache().get(key.0, self.settings.window) {
            return Ok(Claim::Duplicate { of: of.to_string() });
        }
        let b = self.buckets()?;
        match b
            .hashes
            .create(hash_key(key), pending(now, &self.settings.worker, id))
            .await
        {
            Ok(rev) => Ok(Claim::New(ClaimToken {
                key,
                token: rev,
                id: id.to_string(),
            })),
            Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => {
                self.take_over(b, key, id, now).await
            }
            Err(e) => Err(err("KV create", e)),
        }
    }

    async fn commit_kv(&self, token: ClaimToken, _now: Duration) -> Result<(), DedupError> {
        let b = self.buckets()?;
        let k = hash_key(token.key);
        let id = token.id;
        match b
            .hashes
            .update(k.as_str(), format!("done {id}").into(), token.token)
            .await
        {
            Ok(_) => {
                self.cache().insert(token.key.0, &id);
                Ok(())
            }
            // Our claim is no longer the key's last revision. If another delivery holds it now,
            // it commits for itself. But the claim may simply be gone (a broker that lost it in
            // a crash, or a purge), and the record is out: without a mark, every later copy
            // would be published again. So an absent key gets the done mark.
            Err(e) if e.kind() == kv::UpdateErrorKind::WrongLastRevision => {
                match b.hashes.entry(k.as_str()).await {
                    Ok(Some(entry)) if entry.operation == kv::Operation::Put => Ok(()),
                    Ok(_) => match b
                        .hashes
                        .create(k.as_str(), format!("done {id}").into())
                        .await
                    {
                        Ok(_) => {
                            self.cache().insert(token.key.0, &id);
                            Ok(())
                        }
                        // Someone claimed it in between: theirs to commit.
                        Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => Ok(()),
                        Err(e) => Err(err("KV create", e)),
                    },
                    Err(e) => Err(err("KV entry", e)),
                }
            }
            Err(e) => Err(err("KV update", e)),
        }
    }

    async fn release_kv(&self, token: ClaimToken) -> Result<(), DedupError> {
        let b = self.buckets()?;
        match b
            .hashes
            .delete_expect_revision(hash_key(token.key), Some(token.token))
            .await
        {
            Ok(()) => Ok(()),
            // Taken over meanwhile: nothing of ours to release.
            Err(e) if e.kind() == kv::UpdateErrorKind::WrongLastRevision => Ok(()),
            Err(e) => Err(err("KV delete", e)),
        }
    }

    async fn remember_near_kv(&self, id: &str, value: bytes::Bytes) -> Result<(), DedupError> {
        let b = self.buckets()?;
        b.bands
            .put(original_key(id), value)
            .await
            .map(|_| ())
            .map_err(|e| err("KV put", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        let p = pending(Duration::from_millis(1234), "host 1:42", "id with spaces");
        let s = String::from_utf8(p.to_vec()).unwrap();
        assert_eq!(
            Value::parse(&s),
            Some(Value::Pending {
                since_ms: 1234,
                worker: "host_1:42",
                id: "id with spaces"
            })
        );
        assert_eq!(Value::parse("done a b"), Some(Value::Done { id: "a b" }));
        assert_eq!(Value::parse("garbage"), None);
        assert_eq!(hash_key(HashKey(1)).len(), 32);
        assert_eq!(original_key("a"), original_key("a"));
        assert_ne!(original_key("a"), original_key("b"));
    }

    #[test]
    fn originals_round_trip_and_garbage_is_skipped() {
        let text: Vec<String> = (0..50).map(|i| format!("w{i}")).collect();
        let sig = crate::pipeline::minhash::signature(&text.join(" ")).unwrap();
        let v = Original::encode(&sig.bands(), &sig.compact(), "host:1", "id ✓ with spaces");
        let o = Original::decode(&v).unwrap();
        assert_eq!(o.bands, sig.bands());
        assert_eq!(o.compact, sig.compact());
        assert_eq!((o.worker, o.id), ("host:1", "id ✓ with spaces"));
        // A long worker name is cut at a character boundary.
        let long = "é".repeat(200);
        let o2 = Original::encode(&sig.bands(), &sig.compact(), &long, "x");
        let d = Original::decode(&o2).unwrap();
        assert!(d.worker.len() <= 255 && long.starts_with(d.worker));
        assert_eq!(d.id, "x");
        for bad in [&b""[..], &[2u8; 300][..], &v[..100]] {
            assert_eq!(Original::decode(bad), None);
        }
    }

    #[test]
    fn done_cache_is_bounded() {
        let mut c = DoneCache {
            young: HashMap::new(),
            old: HashMap::new(),
            cap: 10,
        };
        for i in 0..100u128 {
            c.insert(i, "x");
        }
        assert!(c.young.len() + c.old.len() <= 10);
        assert_eq!(c.get(99, Duration::from_secs(60)), Some("x"));
        assert_eq!(c.get(0, Duration::from_secs(60)), None);
    }
}
