#!/usr/bin/env python3
"""List what a JetStream file-store block holds: messages and tombstones.

Usage: scripts/filestore-records.py [--seq N] STORE/jetstream/$G/streams/NAME/msgs/*.blk

For each block (uncompressed, unencrypted, as nats-server writes them by default): how many
messages and tombstones it holds and their sequence ranges, and every tombstone with timestamp 0
(a marker the server writes itself, not an acknowledgement's removal). With --seq N, where
sequence N occurs as a message or as a tombstone. docs/RELIABILITY.md uses it to show how
nats-server 2.15.1 drops a work queue's undelivered last message.

A record is: length (u32, the top bit says it has headers), sequence (u64, bit 62 marks a
tombstone, bit 63 an erased message), timestamp (i64), subject length (u16), subject, headers
and payload, and an 8-byte checksum, all little-endian.
"""
import argparse
import struct

HAS_HEADERS = 1 << 31
TOMBSTONE = 1 << 62
ERASED = 1 << 63
HEADER = struct.Struct("<IQqH")


def records(data):
    """(sequence, is_tombstone, timestamp, offset) of each whole record; stops at a torn one."""
    at = 0
    while at + HEADER.size <= len(data):
        length, seq, ts, _subject_len = HEADER.unpack_from(data, at)
        length &= ~HAS_HEADERS
        if length < HEADER.size or at + length > len(data):
            return
        yield seq & ~(TOMBSTONE | ERASED), bool(seq & TOMBSTONE), ts, at
        at += length


def describe(path, find):
    with open(path, "rb") as f:
        data = f.read()
    messages, tombstones, markers, found = [], [], [], []
    for seq, tomb, ts, at in records(data):
        (tombstones if tomb else messages).append(seq)
        if tomb and ts == 0:
            markers.append(seq)
        if seq == find:
            found.append(("tombstone" if tomb else "message", at))
    line = f"{path}: {len(messages)} messages"
    if messages:
        line += f" ({min(messages)}..{max(messages)})"
    line += f", {len(tombstones)} tombstones"
    if tombstones:
        line += f" ({min(tombstones)}..{max(tombstones)})"
    print(line)
    if markers:
        print(f"  tombstones with timestamp 0: {markers}")
    for kind, at in found:
        print(f"  sequence {find}: a {kind} at byte {at}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seq", type=int, help="where this sequence occurs")
    parser.add_argument("blocks", nargs="+")
    args = parser.parse_args()
    for path in args.blocks:
        describe(path, args.seq)


if __name__ == "__main__":
    main()
