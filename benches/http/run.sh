#!/usr/bin/env bash
# Load figures for docs/PERFORMANCE.md: starts the release `gongkai serve` on DATABASE_URL (a
# database filled by `gongkai demo`), then measures with wrk: filings, the clerk queue and the
# public lookup, and the server's RSS under load.
#   DATABASE_URL=sqlite:///path/gongkai.db benches/http/run.sh [seconds] [connections]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${GONGKAI_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/gongkai-target}/release/gongkai}"
secs="${1:-20}"
conns="${2:-16}"
work="$(mktemp -d)"
trap 'kill "$pid" 2> /dev/null || true; wait 2> /dev/null || true; rm -rf "$work"' EXIT
cd "$work"
"$bin" user create --username "bench-$$" --role clerk --department bj-cy-gkb > user.txt
password="$(sed -n 's/one-time password: //p' user.txt)"
# The mail dispatcher runs in its own `gongkai worker` unless DISPATCH_IN_SERVE=true (it
# would send the notices of the filings below while the API is being measured).
GONGKAI_SERVER__BIND=127.0.0.1:0 GONGKAI_SERVER__RECOMPUTE_EVERY_MINUTES=0 \
    GONGKAI_MAIL__DISPATCH_IN_SERVE="${DISPATCH_IN_SERVE:-false}" \
    GONGKAI_LOGIN__MAX_FAILURES_PER_ADDRESS=1000000 "$bin" serve > out.log 2> err.log &
pid=$!
for _ in $(seq 1 120); do grep -q "listening on" out.log 2> /dev/null && break; sleep 0.5; done
base="$(grep -o 'http://[0-9.:]*' out.log | head -1)"
TOKEN="$(curl -sf -H 'Content-Type: application/json' "$base/api/v1/session" \
    -d "{\"username\":\"bench-$$\",\"password\":\"$password\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"
# An issued password must be changed before the session may do anything else.
curl -sf -o /dev/null -H 'Content-Type: application/json' -H "Authorization: Bearer $TOKEN" \
    "$base/api/v1/session/password" \
    -d "{\"current_password\":\"$password\",\"new_password\":\"${password}-bench1\"}"
export TOKEN
# Keys for the lookup: 2,000 fresh filings, looked up by their filing reference and code.
python3 - "$base" > keys.txt <<'PY'
import json, sys, urllib.request
body = json.dumps({"agency": "bj-cy",
                   "applicant": {"kind": "natural_person", "name": "查询测试",
                                 "id_document_type": "resident_id", "id_document": "110101199003074514",
                                 "phone": "13800000000", "address": "北京市朝阳区测试路1号 100020"},
                   "request": {"description": "查询测试", "carrier": "paper", "delivery": "post"}}).encode()
for _ in range(2000):
    req = urllib.request.Request(sys.argv[1] + "/api/v1/requests", data=body,
                                 headers={"Content-Type": "application/json"})
    d = json.load(urllib.request.urlopen(req))
    print(d["case_id"], d["query_code"])
PY
rss() { ps -o rss= -p "$pid" | awk '{printf "%.1f MiB", $1 / 1024}'; }
measure() {
    local name="$1" script="$2"
    local peak=0
    (while kill -0 "$pid" 2> /dev/null; do ps -o rss= -p "$pid"; sleep 0.5; done) > "rss-$name.txt" &
    local sampler=$!
    echo "== $name ($secs s, $conns connections)"
    wrk -t2 -c"$conns" -d"${secs}s" -s "$here/$script" "$base" | grep -E "Requests/sec|Latency|p50|Non-2xx|Socket" || true
    kill "$sampler" 2> /dev/null || true
    peak="$(sort -n "rss-$name.txt" | tail -1)"
    echo "   peak RSS $((peak / 1024)) MiB, $(ps -o nlwp= -p "$pid" | tr -d ' ') threads"
}
echo "RSS at start: $(rss)"
measure queue queue.lua
measure lookup lookup.lua
measure filing filing.lua
