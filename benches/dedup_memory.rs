//! Memory of the embedded dedup store against the number of hashes it remembers (issue 7's
//! curve: 1e5, 1e6, 1e7), and of its near-duplicate index against the originals it remembers.
//!
//!     cargo bench --bench dedup_memory
//!     DEDUP_MEMORY_SIZES=100000,1000000 cargo bench --bench dedup_memory
//!
//! Each size runs in a fresh child process (this binary again), so the resident memory it
//! reports is that store's alone, not what the allocator kept from a larger one before. A store
//! is sized as a deployment would size it, `dedup.max_entries` = the count, and filled to it with
//! ids like the worker's derived ones (`url-` and 16 hex digits). Printed as `key=value` lines:
//! the store's own account of its heap (`EmbeddedStats::bytes`) and the growth of the process's
//! resident set, each per entry, and the time per claim and commit.

use article_enricher::dedup::{Claim, EmbeddedStore, HashKey};
use article_enricher::pipeline::minhash;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const ONE: &str = "DEDUP_MEMORY_ONE";

/// Resident set size of this process, from /proc (Linux); 0 where there is none.
fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// A uniformly spread 128-bit key for entry `i` (SplitMix64 twice), like a blake3 prefix.
fn key(i: u64) -> HashKey {
    let mix = |mut z: u64| {
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let a = mix(i.wrapping_mul(0x9e37_79b9_7f4a_7c15));
    let b = mix(a ^ 0x5851_f42d_4c95_7f2d);
    HashKey(u128::from(a) << 64 | u128::from(b))
}

fn exact(n: u64) {
    let now = Duration::from_secs(1_700_000_000);
    let before = rss_bytes();
    let store = EmbeddedStore::new(Duration::from_secs(86_400), n as usize);
    let mut id = String::with_capacity(20);
    let started = Instant::now();
    for i in 0..n {
        id.clear();
        let _ = write!(id, "url-{:016x}", i.wrapping_mul(0x2545_f491_4f6c_dd1d));
        if let Claim::New(token) = store.claim_sync(key(i), &id, now) {
            store.commit_sync(&token, now);
        }
    }
    let took = started.elapsed();
    let after = rss_bytes();
    let st = store.stats();
    let per = |b: u64| b as f64 / st.entries.max(1) as f64;
    println!("exact.hashes={n}");
    println!("exact.entries={}", st.entries);
    println!("exact.generations={}", st.generations);
    println!("exact.store_bytes_per_hash={:.1}", per(st.bytes as u64));
    println!(
        "exact.rss_bytes_per_hash={:.1}",
        per(after.saturating_sub(before))
    );
    println!(
        "exact.ns_per_claim_and_commit={:.0}",
        took.as_nanos() as f64 / n as f64
    );
}

fn near(n: u64) {
    let now = Duration::from_secs(1_700_000_000);
    // Signatures of distinct synthetic bodies: computing them is not what is measured, so a
    // small pool is reused with its bands varied by the entry number.
    let pool: Vec<minhash::Signature> = (0..256u64)
        .filter_map(|p| {
            let words: Vec<String> = (0..120).map(|w| format!("p{p}w{w}")).collect();
            minhash::signature(&words.join(" "))
        })
        .collect();
    let before = rss_bytes();
    let store = EmbeddedStore::new(Duration::from_secs(86_400), n as usize);
    let started = Instant::now();
    for i in 0..n {
        let sig = &pool[(i % pool.len() as u64) as usize];
        let mut bands = sig.bands();
        for b in &mut bands {
            *b ^= key(i).0 as u64;
        }
        let id = format!("url-{:016x}", i.wrapping_mul(0x2545_f491_4f6c_dd1d));
        store.remember_near_parts(&bands, sig.compact(), &id, now);
    }
    let took = started.elapsed();
    let after = rss_bytes();
    let st = store.stats();
    println!("near.originals={n}");
    println!(
        "near.store_bytes_per_original={:.1}",
        st.bytes as f64 / n as f64
    );
    println!(
        "near.rss_bytes_per_original={:.1}",
        after.saturating_sub(before) as f64 / n as f64
    );
    println!(
        "near.ns_per_remember={:.0}",
        took.as_nanos() as f64 / n as f64
    );
}

fn main() {
    if let Ok(spec) = std::env::var(ONE) {
        match spec.split_once(':') {
            Some(("exact", n)) => exact(n.parse().unwrap_or(100_000)),
            Some(("near", n)) => near(n.parse().unwrap_or(100_000)),
            _ => eprintln!("{ONE}: expected exact:N or near:N, got {spec}"),
        }
        return;
    }
    // `cargo bench` passes `--bench`; `cargo test --benches` (CI) does not, and then one small
    // size only checks that the measurement runs. A libtest-style filter is not supported here.
    let measuring = std::env::args().any(|a| a == "--bench");
    let default_sizes = if measuring {
        "100000,1000000,10000000"
    } else {
        "1000"
    };
    let sizes: Vec<u64> = std::env::var("DEDUP_MEMORY_SIZES")
        .unwrap_or_else(|_| default_sizes.into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let Ok(me) = std::env::current_exe() else {
        eprintln!("cannot find this bench's own executable");
        return;
    };
    for kind in ["exact", "near"] {
        for &n in &sizes {
            // The near index costs about ten times an exact hash: its largest size is left to
            // those who ask for it by name.
            if kind == "near" && n > 1_000_000 && std::env::var("DEDUP_MEMORY_SIZES").is_err() {
                continue;
            }
            let out = std::process::Command::new(&me)
                .env(ONE, format!("{kind}:{n}"))
                .output();
            match out {
                Ok(o) => print!("{}", String::from_utf8_lossy(&o.stdout)),
                Err(e) => eprintln!("{kind}:{n}: {e}"),
            }
        }
    }
}
