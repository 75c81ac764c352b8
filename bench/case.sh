#!/usr/bin/env bash
# The CASE import benchmark (`make bench`): generates a CASE 1.0 package of about 1.5 MB (a
# state's standards: 10 domains × 5 clusters × 10 standards × 2 indicators, 1,560 items, with
# their isChildOf and exactMatchOf associations), then imports it with `cairn import case` into
# a small school on SQLite and on PostgreSQL, its standards as competencies (`--competencies 3`)
# and their indicators below them: first as new, then the same package again (nothing to
# change), then a newer version in which every standard changed (all updated). Then it serves
# the SQLite school, publishes the framework, and reads one of its items through the public
# CASE provider API with wrk (16 connections, 10 s): requests per second, p99, and the server's
# CPU per request.
# Target: ≤ 2 s for the first import.
set -euo pipefail

BIN=${CAIRN_BIN:?set CAIRN_BIN to the release cairn binary}
PG_SERVER=${BENCH_POSTGRES_SERVER:-postgres://postgres@127.0.0.1:5432}
PG_DB=cairn_bench_case

work=$(mktemp -d -t cairn-case-XXXXXX)
trap 'rm -rf "$work"' EXIT

generate() { # file, the date of the standards' last change
  python3 - "$1" "$2" <<'PY'
import json, sys, uuid
path, changed = sys.argv[1], sys.argv[2]
ns = uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8")
def uid(name): return str(uuid.uuid5(ns, "bench:" + name))
base = "https://standards.example.org/uri/"
doc = uid("doc")
items, associations = [], []
def link(i): return {"title": "", "identifier": i, "uri": base + i}
def add(code, statement, kind, parent, seq, date="2026-01-01T00:00:00+00:00"):
    i = uid(code)
    items.append({"identifier": i, "uri": base + i, "humanCodingScheme": code,
                  "fullStatement": statement, "CFItemType": kind,
                  "educationLevel": ["06", "07", "08"], "conceptKeywords": ["bench", kind.lower()],
                  "lastChangeDateTime": date})
    a = uid("child:" + code)
    associations.append({"identifier": a, "associationType": "isChildOf", "sequenceNumber": seq,
                         "uri": base + a, "originNodeURI": link(i), "destinationNodeURI": link(parent),
                         "lastChangeDateTime": "2026-01-01T00:00:00+00:00"})
    return i
for d in range(1, 11):
    domain = add(f"D{d}", f"Domain {d}: reasoning with quantities and their relationships", "Domain", doc, d)
    for c in range(1, 6):
        cluster = add(f"D{d}.C{c}", f"Cluster {c} of domain {d}: use properties of operations to generate equivalent expressions", "Cluster", domain, c)
        for s in range(1, 11):
            code = f"D{d}.C{c}.S{s}"
            standard = add(code, f"Standard {code}: solve real-world and mathematical problems involving the four operations with rational numbers, explaining each step.", "Standard", cluster, s, changed)
            x = uid("match:" + code)
            associations.append({"identifier": x, "associationType": "exactMatchOf", "uri": base + x,
                                 "originNodeURI": link(standard),
                                 "destinationNodeURI": {"title": "Other state " + code, "identifier": uid("other:" + code), "uri": "https://other.example.org/" + code},
                                 "lastChangeDateTime": "2026-01-01T00:00:00+00:00"})
            for n in range(1, 3):
                add(f"{code}.{n}", f"Indicator {n} of {code}: apply it in context.", "Indicator", standard, n)
package = {"CFDocument": {"identifier": doc, "uri": base + doc, "creator": "Bench State",
                          "title": "Bench State Mathematics", "lastChangeDateTime": changed,
                          "CFPackageURI": link(doc)},
           "CFItems": items, "CFAssociations": associations}
with open(path, "w") as f:
    json.dump(package, f)
PY
}

# Runs a command; prints its wall time (s), peak memory (MB) and what it wrote on one line.
measure() { # label command...
  local label=$1
  shift
  python3 - "$label" "$@" <<'PY'
import resource, subprocess, sys, time
label, command = sys.argv[1], sys.argv[2:]
started = time.monotonic()
done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
elapsed = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
if done.returncode != 0:
    sys.stderr.write(done.stdout + done.stderr)
    sys.exit(f"bench: {label} failed")
summary = next((line for line in done.stdout.splitlines() if line.startswith("Written")), "")
print(f"| {label} | {elapsed:.2f} s | {peak:.0f} MB | {summary} |")
PY
}

generate "$work/standards.json" "2026-01-01T00:00:00+00:00"
generate "$work/standards-v2.json" "2026-06-01T00:00:00+00:00"
ls -l "$work/standards.json" | awk '{ printf "== package: %.2f MB, 1,560 items\n", $5 / 1048576 }'

echo "| run | time | peak memory | outcome |"
echo "|---|---|---|---|"
"$BIN" seed --learners 10 --evidence 1 --data-dir "$work/sqlite" >/dev/null
first=$(measure "SQLite, first import" "$BIN" import case "$work/standards.json" --competencies 3 --data-dir "$work/sqlite")
echo "$first"
framework=$(echo "$first" | grep -o 'Written: framework [0-9]*' | grep -o '[0-9]*$')
measure "SQLite, the same again" "$BIN" import case "$work/standards.json" --competencies 3 --data-dir "$work/sqlite"
measure "SQLite, a newer version" "$BIN" import case "$work/standards-v2.json" --competencies 3 --data-dir "$work/sqlite"

if psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB" 2>/dev/null \
  && psql "$PG_SERVER/postgres" -qc "CREATE DATABASE $PG_DB"; then
  url="$PG_SERVER/$PG_DB"
  "$BIN" seed --learners 10 --evidence 1 --database-url "$url" --data-dir "$work/pg" >/dev/null
  measure "PostgreSQL, first import" "$BIN" import case "$work/standards.json" --competencies 3 --database-url "$url" --data-dir "$work/pg"
  measure "PostgreSQL, the same again" "$BIN" import case "$work/standards.json" --competencies 3 --database-url "$url" --data-dir "$work/pg"
  measure "PostgreSQL, a newer version" "$BIN" import case "$work/standards-v2.json" --competencies 3 --database-url "$url" --data-dir "$work/pg"
  psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
else
  echo "(no PostgreSQL at $PG_SERVER: its runs are skipped)"
fi
echo "Target: the first import of a 1.5 MB package ≤ 2 s."

# The provider API is public: anyone may send it requests, so each must be cheap.
port=${BENCH_CASE_PORT:-3813}
"$BIN" serve --addr "127.0.0.1:$port" --data-dir "$work/sqlite" >"$work/serve.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS -o /dev/null -c "$work/cookies" \
  --data-urlencode "email=admin@demo.cairn" --data-urlencode "password=cairn-demo" \
  "http://127.0.0.1:$port/api/login"
curl -fsS -o /dev/null -b "$work/cookies" -H "Origin: http://127.0.0.1:$port" \
  --data "framework_id=$framework&published=true" "http://127.0.0.1:$port/api/publish_case"
item=$(python3 -c 'import uuid; print(uuid.uuid5(uuid.UUID("6ba7b811-9dad-11d1-80b4-00c04fd430c8"), "bench:D5.C3.S7"))')
url="http://127.0.0.1:$port/ims/case/v1p0/CFItems/$item"
# The first request builds the published package (and keeps it): what every request cost
# before packages were kept.
cold=$(curl -fsS -o "$work/item.json" -w '%{time_total}' "$url")
grep -q '"humanCodingScheme":"D5.C3.S7"' "$work/item.json" || { echo "bench: the item is not served"; exit 1; }
echo "== CASE provider API, the first request (builds the 1,560-item package): $(awk -v t="$cold" 'BEGIN { printf "%.1f", t * 1000 }') ms" 
cpu() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
before=$(cpu)
out=$(wrk -t2 -c16 -d10s --latency "$url")
after=$(cpu)
requests=$(echo "$out" | awk '/requests in/ { print $1 }')
echo "$out" | awk -v ticks="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$requests" '
  /Requests\/sec/ { rate = $2 }
  / 99%/ { p99 = $2 }
  END { printf "== CASE provider API, one item of the published framework: %s req/s, p99 %s, %.3f ms of CPU a request\n", rate, p99, ticks / hz * 1000 / n }'
