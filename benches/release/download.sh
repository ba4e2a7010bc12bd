#!/usr/bin/env bash
# The memory of `gongkai serve` while it streams a large released file to several applicants
# at once (issue 19). Starts the release binary on a fresh SQLite database in a scratch folder,
# takes one request through to a disclosed reply whose release is a SIZE_MB file (default 100),
# restarts the server (so that its peak RSS counts the downloads only), then downloads the file
# CONCURRENT times at once (default 8) with the query code (POST /api/v1/lookup/files/{id}),
# checks every copy's sha256, and prints the time and the server's RSS: sampled every 20 ms
# during the downloads, and the peak (VmHWM of /proc/PID/status).
#   benches/release/download.sh
#   SIZE_MB=100 CONCURRENT=8 benches/release/download.sh
# Needs curl and python3 (standard library only).
set -euo pipefail
bin="${GONGKAI_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/gongkai-target}/release/gongkai}"
size_mb="${SIZE_MB:-100}"
n="${CONCURRENT:-8}"
work="$(mktemp -d)"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2> /dev/null; wait 2> /dev/null || true; rm -rf "$work"' EXIT
cd "$work"
export GONGKAI_SERVER__BIND=127.0.0.1:0 GONGKAI_SERVER__RECOMPUTE_EVERY_MINUTES=0 \
    GONGKAI_MAIL__DISPATCH_IN_SERVE=false \
    GONGKAI_ATTACHMENTS__MAX_BYTES=$(( (size_mb + 1) * 1024 * 1024 )) \
    GONGKAI_ATTACHMENTS__MAX_BYTES_PER_CASE=$(( (size_mb + 10) * 1024 * 1024 ))
"$bin" demo --cases 1 > /dev/null
for who in clerk supervisor; do
    "$bin" user create --username "bench-$who" --role "$who" --department bj-cy-gkb > "$who.txt"
done
start() {
    "$bin" serve > out.log 2> err.log &
    pid=$!
    for _ in $(seq 1 120); do grep -q "listening on" out.log 2> /dev/null && break; sleep 0.5; done
    base="$(grep -o 'http://[0-9.:]*' out.log | head -1)"
}
start
head -c $(( size_mb * 1024 * 1024 )) /dev/urandom > released.pdf
python3 - "$base" "$work" <<'PY' > key.txt
import json, sys, urllib.request
base, work = sys.argv[1], sys.argv[2]

def call(method, path, body=None, token=None, raw=None, kind="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", kind)
    if token:
        req.add_header("Authorization", "Bearer " + token)
    text = urllib.request.urlopen(req).read()
    return json.loads(text) if text else None

def sign_in(who):
    text = open(f"{work}/{who}.txt").read()
    password = text.split("one-time password: ")[1].split()[0]
    token = call("POST", "/api/v1/session", {"username": f"bench-{who}", "password": password})["token"]
    call("POST", "/api/v1/session/password",
         {"current_password": password, "new_password": password + "-bench1"}, token)
    return token

clerk, supervisor = sign_in("clerk"), sign_in("supervisor")
filed = call("POST", "/api/v1/requests", {
    "agency": "bj-cy",
    "applicant": {"kind": "natural_person", "name": "下载测试", "phone": "13800000000",
                  "id_document_type": "resident_id", "id_document": "110101199003074514"},
    "request": {"description": "下载测试", "carrier": "electronic", "delivery": "online"}})
case = filed["case_id"]
version = [1]

def act(token, action, body):
    body = dict(body, version=version[0])
    version[0] = call("POST", f"/api/v1/cases/{case}/actions/{action}", body, token)["version"]

act(clerk, "register", {})
act(clerk, "start_processing", {})
with open(f"{work}/released.pdf", "rb") as f:
    up = call("POST", f"/api/v1/cases/{case}/attachments?filename=released.pdf", raw=f.read(),
              token=clerk, kind="application/pdf")
act(clerk, "draft_reply", {"reply": {"outcome": {"kind": "disclosed"}, "text": "予以公开。",
    "release": [{"kind": "document", "title": "大文件", "form": "electronic",
                 "file": {"attachment": up["id"]}}]}})
act(supervisor, "record_secrecy_review", {"conclusion": "may_disclose", "basis": "基准测试"})
act(clerk, "submit_for_review", {})
act(supervisor, "approve_reply", {})
print(up["id"], filed["reference"], filed["query_code"], up["sha256"] if "sha256" in up else "")
PY
read -r attachment reference code _ < key.txt
expected="$(sha256sum released.pdf | cut -d' ' -f1)"
kill "$pid"; wait "$pid" 2> /dev/null || true
start
status() { awk -v k="$1:" '$1 == k {printf "%.1f", $2 / 1024}' "/proc/$pid/status"; }
echo "cores: $(nproc); file: ${size_mb} MiB; downloads at once: $n; RSS at start: $(status VmRSS) MiB"
(while kill -0 "$pid" 2> /dev/null; do status VmRSS; echo; sleep 0.02; done) > rss.txt &
sampler=$!
began="$(date +%s.%N)"
downloads=()
for i in $(seq 1 "$n"); do
    curl -sf -o "copy-$i" -H 'Content-Type: application/json' \
        -d "{\"reference\":\"$reference\",\"query_code\":\"$code\"}" \
        "$base/api/v1/lookup/files/$attachment" &
    downloads+=($!)
done
wait "${downloads[@]}" || true
ended="$(date +%s.%N)"
kill "$sampler" 2> /dev/null || true
ok=0
for i in $(seq 1 "$n"); do
    [ "$(sha256sum "copy-$i" | cut -d' ' -f1)" = "$expected" ] && ok=$((ok + 1))
done
seconds="$(echo "$ended - $began" | bc)"
echo "copies intact: $ok of $n; $(echo "$size_mb * $n / $seconds" | bc) MiB/s in all over ${seconds%???????} s"
echo "RSS during the downloads: max $(sort -n rss.txt | tail -1) MiB of $(wc -l < rss.txt) samples; peak (VmHWM) $(status VmHWM) MiB"
