#!/usr/bin/env python3
"""Writes N distinct articles (none an exact or near copy of another) as JSON Lines, for memory
runs over a long window: each is a text of the given corpus with every third word replaced by a
random word of its first 300 texts (fixed seed, so runs are repeatable).

    scripts/unique-corpus.py ../shared/data/syndication-dev.jsonl.gz 60000 > unique.jsonl
"""
import gzip
import json
import random
import sys


def main() -> None:
    path, count = sys.argv[1], int(sys.argv[2])
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
        article = {"id": f"u{i}", "url": f"https://u.example/{i}", "source": "u.example", "text": " ".join(words)}
        out.write(json.dumps(article) + "\n")


if __name__ == "__main__":
    main()
