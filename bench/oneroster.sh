#!/usr/bin/env bash
# The OneRoster import benchmark (`make bench`): writes the scale package with `cairn seed
# --oneroster` (5,000 learners, 4,500 guardians and 502 staff: 10,002 users; 2,004 classes;
# 52,004 enrolments), then imports it with `cairn import oneroster` into a small school on
# SQLite and on PostgreSQL, twice each (the second run finds nothing to change). Prints the
# wall time and the peak memory (maximum resident set) of each run.
# Targets: ≤ 5 s on SQLite, ≤ 15 s on PostgreSQL, memory bounded.
set -euo pipefail

BIN=${CAIRN_BIN:?set CAIRN_BIN to the release cairn binary}
LEARNERS=${BENCH_ROSTER_LEARNERS:-5000}
PG_SERVER=${BENCH_POSTGRES_SERVER:-postgres://postgres@127.0.0.1:5432}
PG_DB=cairn_bench_oneroster

work=$(mktemp -d -t cairn-roster-XXXXXX)
trap 'rm -rf "$work"' EXIT

# Runs a command; prints its wall time (s) and peak memory (MB) on one line.
measure() { # label command...
  local label=$1
  shift
  python3 - "$label" "$@" <<'PY'
import resource, subprocess, sys, time
label, command = sys.argv[1], sys.argv[2:]
started = time.monotonic()
done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
elapsed = time.monotonic() - started
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
if done.returncode != 0:
    sys.stderr.write(done.stdout)
    sys.exit(f"bench: {label} failed")
summary = next((line for line in done.stdout.splitlines() if line.startswith(("Imported", "Would"))), "")
print(f"| {label} | {elapsed:.2f} s | {peak:.0f} MB | {summary} |")
PY
}

"$BIN" seed --learners "$LEARNERS" --oneroster "$work/roster.zip"
ls -l "$work/roster.zip" | awk '{ printf "== package: %.1f MB zipped\n", $5 / 1048576 }'

echo "| run | time | peak memory | outcome |"
echo "|---|---|---|---|"
# SQLite: a small school to import into (its institution, roles and frameworks).
"$BIN" seed --learners 10 --evidence 1 --data-dir "$work/sqlite" >/dev/null
measure "SQLite, first import" "$BIN" import oneroster "$work/roster.zip" --data-dir "$work/sqlite"
measure "SQLite, the same again" "$BIN" import oneroster "$work/roster.zip" --data-dir "$work/sqlite"

# PostgreSQL, when it runs here.
if psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB" 2>/dev/null \
  && psql "$PG_SERVER/postgres" -qc "CREATE DATABASE $PG_DB"; then
  url="$PG_SERVER/$PG_DB"
  "$BIN" seed --learners 10 --evidence 1 --database-url "$url" --data-dir "$work/pg" >/dev/null
  measure "PostgreSQL, first import" "$BIN" import oneroster "$work/roster.zip" --database-url "$url" --data-dir "$work/pg"
  measure "PostgreSQL, the same again" "$BIN" import oneroster "$work/roster.zip" --database-url "$url" --data-dir "$work/pg"
  psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $PG_DB" >/dev/null
else
  echo "(no PostgreSQL at $PG_SERVER: its runs are skipped)"
fi
