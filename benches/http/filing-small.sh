#!/usr/bin/env bash
# Filing throughput of one gongkai binary on a fresh PostgreSQL database of 500 demo cases:
# quick before/after comparisons of the filing path (the 1M-case figures use run.sh).
#   benches/http/filing-small.sh BIN NAME [connections]
# creates the database fb_NAME on 127.0.0.1:5432 (dropped first), fills it with `BIN demo`,
# starts `BIN serve` without the mail dispatcher and runs wrk for 15 s.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="$1"
name="$2"
conns="${3:-16}"
psql -h 127.0.0.1 -U postgres -qc "DROP DATABASE IF EXISTS fb_$name" -c "CREATE DATABASE fb_$name" postgres
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/fb_$name"
work="$(mktemp -d)"
trap 'kill "${pid:-}" 2> /dev/null || true; wait 2> /dev/null || true; rm -rf "$work"' EXIT
cd "$work"
"$bin" demo --cases 500 > /dev/null
GONGKAI_SERVER__BIND=127.0.0.1:0 GONGKAI_SERVER__RECOMPUTE_EVERY_MINUTES=0 \
    GONGKAI_MAIL__DISPATCH_IN_SERVE=false "$bin" serve > out.log 2> err.log &
pid=$!
for _ in $(seq 1 60); do grep -q "listening on" out.log 2> /dev/null && break; sleep 0.5; done
base="$(grep -o 'http://[0-9.:]*' out.log | head -1)"
echo "$name, $conns connections"
wrk -t2 -c"$conns" -d15s -s "$here/filing.lua" "$base" | grep -E "Requests/sec|requests"
