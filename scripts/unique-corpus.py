#!/usr/bin/env python3
"""Writes N distinct articles (none an exact or near copy of another) as JSON Lines, for memory
runs over a long window: each is a text of the given corpus with every third word replaced by a
random word of its first 300 texts (fixed seed, so runs are repeatable). An optional third
argument spreads them round-robin over that many sources, which is the worst case for what the
cleaner learns per source (every source keeps filling its lines):

    scripts/unique-corpus.py ../shared/data/syndication-dev.jsonl.gz 60000 > unique.jsonl
    scripts/unique-corpus.py ../shared/data/syndication-dev.jsonl.gz 60000 2000 > spread.jsonl
"""
import gzip
import json
import random
import sys


def main() -> None:
    path, count = sys.argv[1], int(sys.argv[2])
    sources = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    rng = random.Random(7)
    vocab = sorted({w for t in texts[:300] for w in t.split()})
    out = sys.stdout
    for i in range(count):
        words = texts[i % len(texts)].split(" ")
        for j in range(0, len(words), 3):
            words[j] = rng.choice(vocab)
        article = {"id": f"u{i}", "url": f"https://u.example/{i}", "source": f"s{i % sources}.example" if sources else "u.example", "text": " ".join(words)}
        out.write(json.dumps(article) + "\n")


if __name__ == "__main__":
    main()
