#!/usr/bin/env bash
# The memory of `gongkai serve` under a flood of password work. Starts the
# release binary on a fresh SQLite database in a scratch folder on 127.0.0.1, fires 200
# concurrent registrations (POST /api/v1/account) and then 200 concurrent sign-ins (POST
# /api/v1/session, half of them with a wrong password), and prints the answers by status and
# the server's peak RSS (VmHWM of /proc/PID/status: `serve` re-executes itself with
# MALLOC_ARENA_MAX=2 under the same PID, so this is the real process).
#   benches/security/flood.sh            # the default limits (registrations per address)
#   LIMITS=off benches/security/flood.sh # per-address limits raised: only the hashing bound
# Needs python3 (standard library only).
set -euo pipefail
bin="${GONGKAI_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/gongkai-target}/release/gongkai}"
n="${FLOOD:-200}"
work="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2> /dev/null; wait 2> /dev/null || true; rm -rf "$work"' EXIT
cd "$work"
extra=()
if [ "${LIMITS:-on}" = "off" ]; then
    extra=(GONGKAI_LOGIN__REGISTRATIONS_PER_ADDRESS_PER_HOUR=1000000
           GONGKAI_LOGIN__MAX_FAILURES_PER_ADDRESS=1000000)
fi
env GONGKAI_SERVER__BIND=127.0.0.1:0 GONGKAI_SERVER__RECOMPUTE_EVERY_MINUTES=0 \
    GONGKAI_MAIL__DISPATCH_IN_SERVE=false "${extra[@]}" "$bin" serve > out.log 2> err.log &
pid=$!
for _ in $(seq 1 120); do grep -q "listening on" out.log 2> /dev/null && break; sleep 0.5; done
base="$(grep -o 'http://[0-9.:]*' out.log | head -1)"
status() { awk -v k="$1:" '$1 == k {printf "%.1f MiB", $2 / 1024}' "/proc/$pid/status"; }
echo "cores: $(nproc); limits: ${LIMITS:-on}; at start: RSS $(status VmRSS), peak $(status VmHWM)"
python3 - "$base" "$n" <<'PY'
import asyncio, collections, json, sys, time
from urllib.parse import urlparse

u = urlparse(sys.argv[1])
n = int(sys.argv[2])

async def post(path, body):
    reader, writer = await asyncio.open_connection(u.hostname, u.port)
    data = json.dumps(body).encode()
    writer.write(
        f"POST {path} HTTP/1.1\r\nHost: {u.netloc}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data)
    await writer.drain()
    line = await reader.readline()
    await reader.read()
    writer.close()
    return int(line.split()[1])

async def flood(label, requests):
    start = time.monotonic()
    statuses = await asyncio.gather(*(post(p, b) for p, b in requests))
    counts = dict(sorted(collections.Counter(statuses).items()))
    print(f"{label}: {n} at once -> {counts} in {time.monotonic() - start:.1f} s")

async def main():
    users = [f"flood{i:04d}" for i in range(n)]
    await flood("registrations", [("/api/v1/account",
        {"username": name, "password": "flood-pass-2026", "display_name": name,
         "applicant_type": "natural_person"}) for name in users])
    await flood("sign-ins", [("/api/v1/session",
        {"username": name, "password": "flood-pass-2026" if i % 2 else "wrong-pass-2026"})
        for i, name in enumerate(users)])

asyncio.run(main())
PY
echo "after: RSS $(status VmRSS), peak RSS (VmHWM) $(status VmHWM), $(awk '$1 == "Threads:" {print $2}' "/proc/$pid/status") threads"
