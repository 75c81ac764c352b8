#!/usr/bin/env bash
# The learner-dashboard benchmark (`make bench`): seeds scale S (1,500 learners × 40
# competencies × 30 evidence each) with `cairn seed`, serves it with the release build, and
# drives signed-in dashboard requests with wrk at 64 connections; then serves the same page's
# bytes from memory (`cairn bench-baseline`) and drives that the same way, in the same run.
# Then the school day: the same dashboards while scores arrive through `POST /api/v1/scores` at
# MARK_RATE per second spread over the whole school (`bench/marking.mjs`).
# Prints p50, p99, throughput, the throughput ratios, the server's peak memory, and the CPU each
# request took (the process's user + system time over the requests served): a full render, a kept
# page, and the bytes from memory.
set -euo pipefail

BIN=${CAIRN_BIN:?set CAIRN_BIN to the release cairn binary}
LEARNERS=${BENCH_LEARNERS:-1500}
EVIDENCE=${BENCH_EVIDENCE:-30}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
DURATION=${BENCH_DURATION:-20s}
APP_PORT=${BENCH_APP_PORT:-3810}
BASE_PORT=${BENCH_BASE_PORT:-3811}
RENDER_PORT=${BENCH_RENDER_PORT:-3812}
LIVE_STREAMS=${BENCH_STREAMS:-200}
MARK_RATE=${BENCH_MARK_RATE:-10}
# Long enough for the steady state: a kept page's cohort figures may lag for 60 s, so every page
# whose cohort was marked is drawn again once a minute.
MIXED_DURATION=${BENCH_MIXED_DURATION:-70s}

work=$(mktemp -d -t cairn-bench-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() {
  for _ in $(seq 1 100); do
    curl -fsS "$1" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: $1 did not answer" >&2
  exit 1
}

echo "== seeding $LEARNERS learners × $EVIDENCE evidence per competency"
"$BIN" seed --learners "$LEARNERS" --evidence "$EVIDENCE" --seed 2026 --data-dir "$work"

"$BIN" serve --addr "127.0.0.1:$APP_PORT" --data-dir "$work" >"$work/serve.log" 2>&1 &
server=$!
pids+=("$server")
wait_for "http://127.0.0.1:$APP_PORT/healthz"
# Credentials earned in the seeded history are issued in the background at start-up: measure
# after that, not during it.
sweep_start=$(date +%s.%N)
for _ in $(seq 1 6000); do
  grep -q "credentials due at start-up are issued" "$work/serve.log" && break
  sleep 0.1
done
grep -q "credentials due at start-up are issued" "$work/serve.log" \
  || { echo "the start-up credential sweep did not finish"; exit 1; }
sweep_issued=$(sed 's/\x1b\[[0-9;]*m//g' "$work/serve.log" | grep -o 'issued=[0-9]*' | head -1)
echo "== start-up credential sweep: $sweep_issued, done $(awk "BEGIN { printf \"%.1f\", $(date +%s.%N) - $sweep_start }") s after the health check"
# The same database served with no kept pages: every request renders.
"$BIN" serve --addr "127.0.0.1:$RENDER_PORT" --data-dir "$work" --page-cache-mb 0 >"$work/render.log" 2>&1 &
renderer=$!
pids+=("$renderer")
wait_for "http://127.0.0.1:$RENDER_PORT/healthz"

# The integration token the school day's scores are pushed with, made now: a write by another
# process touches everything, and must not fall inside a measured run.
token=$("$BIN" token create bench --data-dir "$work" | tail -n 1)

# Sign in as the administrator, who may see every learner of the school.
curl -fsS -o /dev/null -c "$work/cookies" \
  --data-urlencode "email=admin@demo.cairn" --data-urlencode "password=cairn-demo" \
  "http://127.0.0.1:$APP_PORT/api/login"
session=$(awk '$6 == "cairn_session" { print $7 }' "$work/cookies")
[ -n "$session" ] || { echo "bench: sign-in failed" >&2; exit 1; }
cookie="Cookie: cairn_session=$session"

# Every learner's dashboard in turn.
ids=$(curl -fsS -H "$cookie" "http://127.0.0.1:$APP_PORT/api/v1/learners" \
  | grep -o '"id":[0-9]*' | cut -d: -f2 | paste -sd, -)
cat >"$work/dashboards.lua" <<LUA
local ids = { $ids }
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/learners/" .. ids[(n % #ids) + 1])
end
LUA
first=${ids%%,*}
curl -fsS -H "$cookie" -o "$work/page.html" "http://127.0.0.1:$APP_PORT/learners/$first"
grep -q 'class="competency"' "$work/page.html" || { echo "bench: the dashboard did not render" >&2; exit 1; }

"$BIN" bench-baseline --file "$work/page.html" --addr "127.0.0.1:$BASE_PORT" >/dev/null &
baseline=$!
pids+=("$baseline")
wait_for "http://127.0.0.1:$BASE_PORT/"

# CPU time (user + system, in clock ticks) a process has used so far.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
run_wrk() { # name url [pid: note the CPU it used per request]
  echo "== $1: wrk -t2 -c$CONNECTIONS -d$DURATION" >&2
  local before=0
  if [ -n "${3:-}" ]; then before=$(cpu_ticks "$3"); fi
  wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "$cookie" -H "Accept-Encoding: gzip, deflate, br" \
    -s "$work/dashboards.lua" "$2" \
    | tee "$work/$1.txt" >&2
  if [ -n "${3:-}" ]; then
    awk -v ticks=$(( $(cpu_ticks "$3") - before )) -v hz="$(getconf CLK_TCK)" \
      '/requests in/ { printf "%.3f", ticks / hz * 1000 / $1 }' "$work/$1.txt" >"$work/$1.cpu"
  fi
}
# Warm-up: every dashboard is opened once (rendered and kept), then the measured runs.
echo "$ids" | tr , '\n' | xargs -P 4 -I{} \
  curl -fsS -o /dev/null -H "$cookie" "http://127.0.0.1:$APP_PORT/learners/{}"
# The warm-up leaves work behind (a staff member's first read of each learner is audited in the
# background): measure once the server has gone quiet.
settle() { # pid
  local last now
  last=$(cpu_ticks "$1")
  for _ in $(seq 1 60); do
    sleep 0.5
    now=$(cpu_ticks "$1")
    [ $((now - last)) -le 2 ] && return 0
    last=$now
  done
}
settle "$server"
run_wrk dashboard "http://127.0.0.1:$APP_PORT" "$server"
# The school day: the same requests while marks arrive for learners all over the school.
seconds=${MIXED_DURATION%s}
node "$(dirname "$0")/marking.mjs" "http://127.0.0.1:$APP_PORT" "cairn_session=$session" "$token" \
  "$MARK_RATE" "$seconds" >"$work/marking.json" &
marking=$!
DURATION=$MIXED_DURATION run_wrk mixed "http://127.0.0.1:$APP_PORT"
wait "$marking"
# Every dashboard rendered once first (the kept reads warm, as in a server that has run a while).
echo "$ids" | tr , '\n' | xargs -P 4 -I{} \
  curl -fsS -o /dev/null -H "$cookie" "http://127.0.0.1:$RENDER_PORT/learners/{}"
settle "$renderer"
run_wrk rendered "http://127.0.0.1:$RENDER_PORT" "$renderer"
run_wrk baseline "http://127.0.0.1:$BASE_PORT" "$baseline"

to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }'; }
pct() { awk -v p="$2" '$1 == p { print $2 }' "$work/$1.txt" | to_ms; }
rps() { awk '/^Requests\/sec:/ { printf "%.0f", $2 }' "$work/$1.txt"; }
errors() { awk '/Non-2xx|Socket errors/ { print }' "$work/$1.txt"; }

base_rps=$(rps baseline)
ratio() { awk -v a="$(rps "$1")" -v b="$base_rps" 'BEGIN { printf "%.2f", a / b }'; }
peak_kb=$(awk '/VmHWM/ { print $2 }' "/proc/$server/status")

echo
echo "Learner dashboard at scale S ($LEARNERS learners, 40 competencies, $EVIDENCE evidence each), $CONNECTIONS connections, $(stat -c %s "$work/page.html") bytes a page"
echo "| server | p50 | p99 | req/s | ratio to in-memory | peak RSS |"
echo "|---|---|---|---|---|---|"
echo "| cairn serve (pages kept) | $(pct dashboard 50%) ms | $(pct dashboard 99%) ms | $(rps dashboard) | $(ratio dashboard) | $((peak_kb / 1024)) MB |"
echo "| cairn serve, $MARK_RATE marks/s arriving | $(pct mixed 50%) ms | $(pct mixed 99%) ms | $(rps mixed) | $(ratio mixed) | |"
echo "| cairn serve --page-cache-mb 0 | $(pct rendered 50%) ms | $(pct rendered 99%) ms | $(rps rendered) | $(ratio rendered) | |"
echo "| bytes from memory (axum) | $(pct baseline 50%) ms | $(pct baseline 99%) ms | $base_rps | 1.00 | |"
for run in dashboard mixed rendered; do
  if [ -n "$(errors $run)" ]; then echo "$run errors: $(errors $run)"; fi
done
mixed_of_quiet=$(awk -v a="$(rps mixed)" -v b="$(rps dashboard)" 'BEGIN { printf "%.2f", a / b }')
echo "School day: $(cat "$work/marking.json"); mixed throughput $mixed_of_quiet of quiet."
echo "CPU (the server process's user + system time per request): a full render $(cat "$work/rendered.cpu") ms; a kept page $(cat "$work/dashboard.cpu") ms; bytes from memory $(cat "$work/baseline.cpu") ms."
echo "Targets: quiet ≥ 0.5 of in-memory; mixed ≥ 0.8 of quiet with p99 ≤ 25 ms; memory ≤ 150 MB; a full render ≤ 2 ms of CPU."

# Live events: 200 signed-in event streams, scores pushed one at a time (time from sending to
# arrival at every stream), then marks per second for one group with the streams open.
echo "== live: $LIVE_STREAMS event streams" >&2
live=$(node "$(dirname "$0")/live.mjs" "http://127.0.0.1:$APP_PORT" "cairn_session=$session" "$token" "$LIVE_STREAMS")
field() { echo "$live" | grep -o "\"$1\":[^,}]*" | cut -d: -f2 | tr -d '"'; }
echo
echo "Live events, $(field streams) streams, $(field marks) scores one at a time, then 8 at a time for 10 s to group $(field group) ($(field group_learners) learners)"
echo "| deliveries | missing | p50 | p99 | max | marks/s for one group |"
echo "|---|---|---|---|---|---|"
echo "| $(field deliveries) | $(field missing) | $(field p50_ms) ms | $(field p99_ms) ms | $(field max_ms) ms | $(field marks_per_second) |"
echo "Target: p99 ≤ 150 ms from a saved mark to the event at another client."
