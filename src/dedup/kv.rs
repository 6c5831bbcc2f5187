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
//! Done keys are cached locally (bounded), so hot duplicates cost no round trip. The buckets are
//! created as plain streams with the KV settings, which works on nats-server 2.9 (where
//! async-nats' `create_key_value` fails) as on current servers, then bound with
//! `get_key_value`.

use super::{Claim, ClaimToken, DedupError, DedupStore, HashKey, NearMatch};
use crate::pipeline::minhash::{Compact, Signature};
use async_nats::jetstream::{self, kv, stream};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};
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
    /// This replica's name, written into its claims.
    pub worker: String,
    /// While the buckets cannot be reached, decide with an in-process store (and count it)
    /// instead of nak'ing with backoff.
    pub fallback_to_embedded: Option<(Duration, usize)>,
}

/// Claim tokens of the fallback store carry this bit (KV revisions never reach it).
const FALLBACK_TOKEN: u64 = 1 << 63;

struct Buckets {
    hashes: kv::Store,
    bands: kv::Store,
}

/// See the module documentation.
pub struct KvStore {
    settings: KvSettings,
    buckets: OnceLock<Buckets>,
    cache: Mutex<DoneCache>,
    fallback: Option<super::EmbeddedStore>,
    /// Decisions taken by the fallback store.
    pub fallbacks: std::sync::atomic::AtomicU64,
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

fn band_key(band: usize, hash: u64) -> String {
    format!("{band:02}.{hash:016x}")
}

fn err(what: &str, e: impl std::fmt::Display) -> DedupError {
    DedupError(format!("{what}: {e}"))
}

impl KvStore {
    pub fn new(settings: KvSettings) -> KvStore {
        let cap = settings.cache_entries;
        let fallback = settings
            .fallback_to_embedded
            .map(|(window, max)| super::EmbeddedStore::new(window, max));
        KvStore {
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
    /// existing one as it is), then binds the bucket.
    async fn bucket(&self, js: &jetstream::Context, name: &str) -> Result<kv::Store, DedupError> {
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
        js.get_or_create_stream(config)
            .await
            .map_err(|e| err(&format!("cannot create the KV bucket {name}"), e))?;
        js.get_key_value(name)
            .await
            .map_err(|e| err(&format!("cannot bind the KV bucket {name}"), e))
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
        let hashes = self.bucket(js, &self.settings.bucket).await?;
        let bands = self.bucket(js, &self.settings.bands_bucket).await?;
        let _ = self.buckets.set(Buckets { hashes, bands });
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
        match self.near_kv(sig, threshold).await {
            Err(e) => match self.fall_back(&e) {
                Some(f) => Ok(f.near_sync(sig, threshold, now)),
                None => Err(e),
            },
            ok => ok,
        }
    }

    async fn remember_near(
        &self,
        sig: &Signature,
        id: &str,
        now: Duration,
    ) -> Result<(), DedupError> {
        match self.remember_near_kv(sig, id).await {
            Err(e) => match self.fall_back(&e) {
                Some(f) => {
                    f.remember_near_sync(sig, id, now);
                    Ok(())
                }
                None => Err(e),
            },
            ok => ok,
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
            // Taken over meanwhile: the new holder commits for itself.
            Err(e) if e.kind() == kv::UpdateErrorKind::WrongLastRevision => Ok(()),
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

    async fn near_kv(
        &self,
        sig: &Signature,
        threshold: f64,
    ) -> Result<Option<NearMatch>, DedupError> {
        let b = self.buckets()?;
        let compact = sig.compact();
        let gets = sig
            .bands()
            .into_iter()
            .enumerate()
            .map(|(i, h)| b.bands.get(band_key(i, h)));
        let values = futures::future::join_all(gets).await;
        let mut best: Option<NearMatch> = None;
        for v in values {
            let Some(v) = v.map_err(|e| err("KV read", e))? else {
                continue;
            };
            let text = String::from_utf8_lossy(&v);
            let Some((hex, of)) = text.split_once(' ') else {
                continue;
            };
            let Some(other) = Compact::from_hex(hex) else {
                continue;
            };
            let similarity = compact.similarity(&other);
            if similarity >= threshold && best.as_ref().is_none_or(|b| similarity > b.similarity) {
                best = Some(NearMatch {
                    of: of.to_string(),
                    similarity,
                });
            }
        }
        Ok(best)
    }

    async fn remember_near_kv(&self, sig: &Signature, id: &str) -> Result<(), DedupError> {
        let b = self.buckets()?;
        let value = bytes::Bytes::from(format!("{} {id}", sig.compact().to_hex()));
        let creates = sig
            .bands()
            .into_iter()
            .enumerate()
            .map(|(i, h)| b.bands.create(band_key(i, h), value.clone()));
        for r in futures::future::join_all(creates).await {
            match r {
                // The first original keeps the band.
                Ok(_) => {}
                Err(e) if e.kind() == kv::CreateErrorKind::AlreadyExists => {}
                Err(e) => return Err(err("KV create", e)),
            }
        }
        Ok(())
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
        assert_eq!(band_key(3, 0xab), "03.00000000000000ab");
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
