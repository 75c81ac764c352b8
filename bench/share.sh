#!/usr/bin/env bash
# The share-page benchmark (part of `make bench`): the demo learner shares a collection of 50
# badges imported from another platform (JSON-LD, eddsa-rdfc-2022), and anonymous visitors open
# the share link with wrk at 16 connections. Twice, each after a restart (so the first visit
# verifies every signature, canonicalizing each): as served (the page kept for anonymous
# visitors until the data changes), and with no kept pages (every visit renders and looks at
# status, validity and trust again, reusing the signatures the first visit established).
# Prints the first visit's time, p50, p99 and throughput of each.
set -euo pipefail

BIN=${CAIRN_BIN:?set CAIRN_BIN to the release cairn binary}
ITEMS=${BENCH_SHARE_ITEMS:-50}
CONNECTIONS=${BENCH_SHARE_CONNECTIONS:-16}
DURATION=${BENCH_DURATION:-20s}
PORT=${BENCH_SHARE_PORT:-3820}
base="http://127.0.0.1:$PORT"

work=$(mktemp -d -t cairn-share-XXXXXX)
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

serve() {
  local sweeps
  sweeps=$(grep -c "credentials due at start-up are issued" "$work/serve.log" 2>/dev/null || true)
  "$BIN" serve --demo --addr "127.0.0.1:$PORT" --data-dir "$work" "$@" >>"$work/serve.log" 2>&1 &
  server=$!
  # Measure once the start-up credential sweep (writes, each a new data version) is done.
  for _ in $(seq 1 3000); do
    [ "$(grep -c "credentials due at start-up are issued" "$work/serve.log")" -gt "${sweeps:-0}" ] \
      && curl -fsS "$base/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: $base did not finish starting" >&2
  exit 1
}

serve
share=$(node "$(dirname "$0")/share-setup.mjs" "$base" "$ITEMS")

measure() {
  local label=$1
  shift
  kill "$server"; wait "$server" 2>/dev/null || true
  serve "$@"
  first=$(curl -fsS -o "$work/share.html" -w '%{time_total}' "$base$share")
  shown=$(grep -o 'class="credential-item"' "$work/share.html" | wc -l)
  [ "$shown" -ge "$ITEMS" ] || { echo "bench: the share page showed $shown items" >&2; exit 1; }
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$base$share" >"$work/wrk.txt"
  p50=$(awk '$1 == "50%" { print $2 }' "$work/wrk.txt")
  p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.txt")
  rate=$(awk '/Requests\/sec/ { print $2 }' "$work/wrk.txt")
  echo "== share page, $shown items, $label: first visit after a restart $(awk "BEGIN { printf \"%.0f\", $first * 1000 }") ms; $CONNECTIONS connections: p50 $p50, p99 $p99, $rate requests/s"
}
measure "as served (kept for anonymous visitors)"
measure "no kept pages (--page-cache-mb 0)" --page-cache-mb 0
