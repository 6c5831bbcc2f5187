#!/usr/bin/env bash
# Measures, in one run on this machine, the null worker (the NATS ceiling) and the real worker
# with each dedup store, on the same corpus, each against a fresh nats-server:
#
#   scripts/load-compare.sh [corpus.jsonl[.gz]] [count] [modes...]
#
# Modes: null, embedded, kv, plain (the worker with annotators off, embedded store), pipe (the
# same pipeline through `article-enricher pipe`, no NATS: its throughput is lines over wall time
# less the time `pipe` takes on an empty input, so process start-up is not counted), paced (the
# worker, embedded store, fed at PACED_RATE articles a second, default half the embedded
# median measured so far in this run: the p99 at half the sustainable rate). Default: the
# first three. Prints `mode.key=value` lines and the ratios of the median throughputs.
# REPEAT=N (default 3) runs the modes N times, interleaved, so a noisy
# machine slows every mode alike. NATS_SERVER_BIN picks the server (default: nats-server on PATH).
set -euo pipefail
cd "$(dirname "$0")/.."
CORPUS="${1:-../shared/data/syndication-dev.jsonl.gz}"
COUNT="${2:-0}"
shift $(( $# > 2 ? 2 : $# )) || true
if [ $# -gt 0 ]; then MODES=("$@"); else MODES=(null embedded kv); fi
SERVER="${NATS_SERVER_BIN:-nats-server}"
cargo build --release --locked --bins -q
BIN=target/release
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

REPEAT="${REPEAT:-3}"
declare -A TPUT
now() { date +%s.%N; }
# The median of the numbers in $1 (0 for none).
median() { python3 -c "import statistics,sys; v=[float(x) for x in sys.argv[1:]]; print(statistics.median(v) if v else 0)" $1; }
for round in $(seq "$REPEAT"); do
for mode in "${MODES[@]}"; do
  if [ "$mode" = pipe ]; then
    [ -f "$WORK/corpus.jsonl" ] || { if [[ "$CORPUS" == *.gz ]]; then zcat "$CORPUS"; else cat "$CORPUS"; fi > "$WORK/corpus.jsonl"; }
    LINES=$(wc -l < "$WORK/corpus.jsonl")
    t0=$(now); RUST_LOG=error "$BIN/article-enricher" pipe < /dev/null > /dev/null 2>&1; t1=$(now)
    RUST_LOG=error ENRICHER__DEDUP__STORE=embedded "$BIN/article-enricher" pipe < "$WORK/corpus.jsonl" > /dev/null 2>"$WORK/pipe.log"; t2=$(now)
    OUT=$(python3 -c "e=$t1-$t0; w=$t2-$t1; print(f'articles=$LINES\nstartup_s={e:.3f}\nwall_s={w:.3f}\nthroughput_articles_per_s={$LINES/max(w-e,1e-9):.1f}')")
    echo "$OUT" | sed "s/^/$mode.run$round./"
    TPUT[$mode]="${TPUT[$mode]:-} $(echo "$OUT" | sed -n 's/^throughput_articles_per_s=//p')"
    continue
  fi
  PORT=$(free_port)
  rm -rf "$WORK/js"; mkdir -p "$WORK/js"
  "$SERVER" -js -a 127.0.0.1 -p "$PORT" -sd "$WORK/js" >"$WORK/server.log" 2>&1 &
  SRV=$!
  for _ in $(seq 100); do (exec 3<>/dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.05; done
  export ENRICHER__NATS__URL="nats://127.0.0.1:$PORT" ENRICHER__OPS__LISTEN="127.0.0.1:0" RUST_LOG=info,html5ever=error
  case "$mode" in
    null) "$BIN/enricher-load" null-worker 2>"$WORK/worker.log" & ;;
    embedded) ENRICHER__DEDUP__STORE=embedded "$BIN/article-enricher" run 2>"$WORK/worker.log" & ;;
    kv) ENRICHER__DEDUP__STORE=kv "$BIN/article-enricher" run 2>"$WORK/worker.log" & ;;
    plain) ENRICHER__DEDUP__STORE=embedded ENRICHER__PIPELINE__ANNOTATE=false "$BIN/article-enricher" run 2>"$WORK/worker.log" & ;;
    paced) ENRICHER__DEDUP__STORE=embedded "$BIN/article-enricher" run 2>"$WORK/worker.log" & ;;
    *) echo "unknown mode $mode" >&2; exit 2 ;;
  esac
  WORKER=$!
  # Ready once it pulls from the consumer.
  for _ in $(seq 300); do grep -q "pulling" "$WORK/worker.log" 2>/dev/null && break; sleep 0.05; done
  RATE=0
  if [ "$mode" = paced ]; then
    RATE="${PACED_RATE:-$(python3 -c "print(f'{$(median "${TPUT[embedded]:-}") / 2:.0f}')")}"
    echo "$mode.run$round.rate=$RATE"
  fi
  OUT=$("$BIN/enricher-load" run --corpus "$CORPUS" --count "$COUNT" --rate "$RATE")
  echo "$OUT" | sed "s/^/$mode.run$round./"
  TPUT[$mode]="${TPUT[$mode]:-} $(echo "$OUT" | sed -n 's/^throughput_articles_per_s=//p')"
  kill -TERM $WORKER; wait $WORKER 2>/dev/null || true
  kill $SRV; wait $SRV 2>/dev/null || true
done
done
for mode in "${MODES[@]}"; do
  TPUT[$mode]=$(median "${TPUT[$mode]}")
  echo "$mode.median_throughput_articles_per_s=${TPUT[$mode]}"
done
ratio() { python3 -c "print(f'{float($1)/float($2):.3f}')"; }
[ -n "${TPUT[kv]:-}" ] && [ -n "${TPUT[embedded]:-}" ] && echo "ratio.kv_over_embedded=$(ratio "${TPUT[kv]}" "${TPUT[embedded]}")"
[ -n "${TPUT[embedded]:-}" ] && [ -n "${TPUT[null]:-}" ] && echo "ratio.embedded_over_null=$(ratio "${TPUT[embedded]}" "${TPUT[null]}")"
[ -n "${TPUT[plain]:-}" ] && [ -n "${TPUT[null]:-}" ] && echo "ratio.plain_over_null=$(ratio "${TPUT[plain]}" "${TPUT[null]}")"
[ -n "${TPUT[embedded]:-}" ] && [ -n "${TPUT[pipe]:-}" ] && echo "ratio.run_over_pipe=$(ratio "${TPUT[embedded]}" "${TPUT[pipe]}")"
exit 0
