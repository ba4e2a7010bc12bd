#!/usr/bin/env bash
# The page-budget benchmark of issue 21: every staff page and every GET route of the OpenAPI
# document, measured with wrk at 4 and 16 connections on a demo database of N cases, with the
# server's RSS; printed as one markdown table (the budgets of issue 21, judged on p99 at 16
# connections) for docs/PERFORMANCE.md.
#
#   benches/scale/run.sh --backend sqlite|postgres [--cases N] [--seconds S] [--reuse PATH_OR_URL] [--only REGEX]
#
# --cases N     the database's size (default 1000000)
# --seconds S   each wrk run (default 8; two runs a path)
# --reuse X     a database to use instead of the default one: a SQLite file, or a postgres:// URL
# --only REGEX  measure only the rows whose path matches (bash regex, e.g. 'stats|report'); the
#               others are listed as not measured
#
# The database is SQLite ${GONGKAI_SCALE_DIR:-/var/tmp}/gongkai-scale-N.db or PostgreSQL
# gongkai_scale_N on postgres://postgres@127.0.0.1:5432 (created when missing). It is reused
# when it holds at least N cases, filled with `gongkai demo --cases N --seed 11` when empty,
# and kept afterwards: filling is the slow part. It is never ANALYZEd here: issue 21 wants the
# figures of a database nobody has tuned by hand.
#
# The binary: GONGKAI_BIN, else the release build under CARGO_TARGET_DIR (as benches/http).
# Needs wrk, curl, python3, and sqlite3 or psql. The table goes to standard output, progress
# to standard error: `benches/scale/run.sh --backend sqlite > sqlite.md`.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
command_line="benches/scale/run.sh $*"

usage() {
    sed -n 's/^#   //p' "$0" >&2
    exit 2
}

backend=""
cases=1000000
secs=8
reuse=""
only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --backend) backend="${2:-}"; shift 2 ;;
        --cases) cases="${2:-}"; shift 2 ;;
        --seconds) secs="${2:-}"; shift 2 ;;
        --reuse) reuse="${2:-}"; shift 2 ;;
        --only) only="${2:-}"; shift 2 ;;
        -h | --help) usage ;;
        *) echo "unknown argument: $1" >&2; usage ;;
    esac
done
case "$backend" in sqlite | postgres) ;; *) usage ;; esac
case "$backend:$reuse" in
    sqlite:postgres* | postgres:[!p]* | postgres:p[!o]*)
        echo "--reuse $reuse does not fit --backend $backend" >&2
        exit 2
        ;;
esac
[[ "$cases" =~ ^[1-9][0-9]*$ ]] || { echo "--cases must be a positive number" >&2; exit 2; }
[[ "$secs" =~ ^[1-9][0-9]*$ ]] || { echo "--seconds must be a positive number" >&2; exit 2; }

bin="${GONGKAI_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/gongkai-target}/release/gongkai}"
[ -x "$bin" ] || { echo "no gongkai binary at $bin (set GONGKAI_BIN)" >&2; exit 1; }
for tool in wrk curl python3; do
    command -v "$tool" > /dev/null || { echo "$tool is missing (apt-get install -y $tool)" >&2; exit 1; }
done

# The department whose clerk and supervisor are measured (one of the demo's), and its agency.
department=bj-cy-zjw
agency=bj-cy
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }

# --- The database ------------------------------------------------------------------------
if [ "$backend" = sqlite ]; then
    command -v sqlite3 > /dev/null || { echo "sqlite3 is missing" >&2; exit 1; }
    db="${reuse#sqlite://}"
    db="${db:-${GONGKAI_SCALE_DIR:-/var/tmp}/gongkai-scale-$cases.db}"
    # Absolute: the server runs in a folder of its own.
    db="$(realpath -m "$db")"
    mkdir -p "$(dirname "$db")"
    url="sqlite://$db"
    sql() { sqlite3 "$db" "$1"; }
    count_cases() {
        if [ -f "$db" ] && sql "SELECT count(*) FROM cases" 2> /dev/null; then return; fi
        echo 0
    }
else
    command -v psql > /dev/null || { echo "psql is missing" >&2; exit 1; }
    url="${reuse:-postgres://postgres@127.0.0.1:5432/gongkai_scale_$cases}"
    name="${url##*/}"
    name="${name%%\?*}"
    server="${url%/*}/postgres"
    if [ -z "$(psql "$server" -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
        log "creating PostgreSQL database $name"
        psql "$server" -qc "CREATE DATABASE \"$name\""
    fi
    sql() { psql "$url" -Atc "$1"; }
    count_cases() { sql "SELECT count(*) FROM cases" 2> /dev/null || echo 0; }  # 0: no table yet
fi
export DATABASE_URL="$url"

work="$(mktemp -d)"
pid=""
sampler=""
# The server and the RSS sampler end with the script, whatever the way out; the database stays.
cleanup() {
    [ -n "$sampler" ] && kill "$sampler" 2> /dev/null
    [ -n "$pid" ] && kill "$pid" 2> /dev/null
    wait 2> /dev/null
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

held="$(count_cases)"
if [ "$held" -ge "$cases" ]; then
    fill="reused (not filled by this run)"
    log "reusing $url: $held cases"
elif [ "$held" -eq 0 ]; then
    log "filling $url with $cases demo cases (seed 11)"
    start="$(date +%s.%N)"
    "$bin" demo --cases "$cases" --seed 11 >&2
    took="$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')"
    fill="filled by this run: \`gongkai demo --cases $cases --seed 11\` in $took s ($(awk -v n="$cases" -v t="$took" 'BEGIN {printf "%.0f", n / t}') cases/s)"
    log "$fill"
    held="$(count_cases)"
else
    # Topping up would mix two seeds' data; an interrupted fill is best started again.
    echo "$url holds $held cases, fewer than $cases: remove it (or pass --cases $held)" >&2
    exit 1
fi

# --- The users: a clerk and a supervisor of the department ---------------------------------
# Demo staff have no passwords, so the benchmark makes its own (their one-time passwords are
# changed below, as an issued password must be before anything else).
stamp="$(date +%s)-$$"
make_user() {
    "$bin" user create --username "bench-$1-$stamp" --role "$1" --department "$department" |
        sed -n 's/one-time password: //p'
}
clerk_password="$(make_user clerk)"
supervisor_password="$(make_user supervisor)"

# --- The server -------------------------------------------------------------------------
# As benches/http: any free port, no warning-level recompute and no mail dispatcher in the
# server (both would run beside the measurements), and a metrics token so that /metrics can
# be measured too.
metrics_token="$(python3 -c 'import secrets; print(secrets.token_hex(16))')"
GONGKAI_SERVER__BIND=127.0.0.1:0 GONGKAI_SERVER__RECOMPUTE_EVERY_MINUTES=0 \
    GONGKAI_MAIL__DISPATCH_IN_SERVE=false GONGKAI_SERVER__METRICS_TOKEN="$metrics_token" \
    "$bin" serve > out.log 2> err.log &
pid=$!
for _ in $(seq 1 600); do
    grep -q "listening on" out.log 2> /dev/null && break
    kill -0 "$pid" 2> /dev/null || { cat err.log >&2; echo "the server did not start" >&2; exit 1; }
    sleep 0.5
done
base="$(grep -o 'http://[0-9.:]*' out.log | head -1)"
[ -n "$base" ] || { cat err.log >&2; echo "the server did not say where it listens" >&2; exit 1; }
rss_start="$(ps -o rss= -p "$pid" | tr -d ' ')"
log "server $pid at $base, RSS $((rss_start / 1024)) MiB"

# RSS every 0.2 s for the whole run, with the time: each path's peak is read from its window.
(while kill -0 "$pid" 2> /dev/null; do
    echo "$EPOCHREALTIME $(ps -o rss= -p "$pid" | tr -d ' ')"
    sleep 0.2
done) > rss.txt &
sampler=$!

# A bearer token for /api/v1 and a session cookie for the pages, per user. The token's
# session changes the one-time password first; the web session then signs in through the
# login form with the new one (its CSRF check is a double submit: the same random token as the
# gongkai_form cookie and the csrf field).
json_field() { python3 -c "import json, sys; print(json.load(sys.stdin)[\"$1\"])"; }
sign_in() {
    local user="$1" password="$2" token form cookie
    token="$(curl -sf -H 'Content-Type: application/json' "$base/api/v1/session" \
        -d "{\"username\":\"$user\",\"password\":\"$password\"}" | json_field token)"
    curl -sf -o /dev/null -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
        "$base/api/v1/session/password" \
        -d "{\"current_password\":\"$password\",\"new_password\":\"${password}-bench1\"}"
    form="$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
    cookie="$(curl -s -o /dev/null -D - -b "gongkai_form=$form" --data-urlencode "csrf=$form" \
        --data-urlencode "username=$user" --data-urlencode "password=${password}-bench1" \
        --data-urlencode "next=" "$base/login" |
        grep -io 'set-cookie: gongkai_session=[^;]*' | sed 's/^[^:]*: //')"
    if [ -z "$token" ] || [ -z "$cookie" ]; then
        echo "could not sign $user in" >&2
        exit 1
    fi
    printf '%s\t%s\n' "$token" "$cookie"
}
IFS=$'\t' read -r CLERK_TOKEN CLERK_COOKIE < <(sign_in "bench-clerk-$stamp" "$clerk_password")
IFS=$'\t' read -r SUPERVISOR_TOKEN SUPERVISOR_COOKIE < <(sign_in "bench-supervisor-$stamp" "$supervisor_password")
# (sign_in runs in a subshell: its exit ends only that, so its output is checked here.)
if [ -z "${CLERK_COOKIE:-}" ] || [ -z "${SUPERVISOR_COOKIE:-}" ]; then
    echo "sign-in failed" >&2
    exit 1
fi
export CLERK_TOKEN CLERK_COOKIE SUPERVISOR_TOKEN SUPERVISOR_COOKIE

# --- The data the paths are filled with ------------------------------------------------
# 200 random cases of the department (each case path picks one at random per request).
sql "SELECT id FROM cases WHERE department_code = '$department' ORDER BY random() LIMIT 200" > case-ids.txt
log "$(wc -l < case-ids.txt) random cases of $department"
# Lookup keys: the query code is shown only at filing, so 200 fresh online filings give them
# (they add 200 cases to the database; benches/http does the same).
python3 - "$base" "$agency" > keys.txt <<'PY'
import json, sys, urllib.request
body = json.dumps({"agency": sys.argv[2],
                   "applicant": {"kind": "natural_person", "name": "查询测试",
                                 "id_document_type": "resident_id", "id_document": "110101199003074514",
                                 "phone": "13800000000", "address": "北京市朝阳区测试路1号 100020"},
                   "request": {"description": "查询测试", "carrier": "paper", "delivery": "post"}}).encode()
for _ in range(200):
    req = urllib.request.Request(sys.argv[1] + "/api/v1/requests", data=body,
                                 headers={"Content-Type": "application/json"})
    d = json.load(urllib.request.urlopen(req))
    print(d["case_id"], d["reference"], d["query_code"])
PY

# The rows: every staff/admin page and GET API route, probed once as each user.
log "planning the paths"
BASE="$base" WORK="$work" PAGES_SOURCE="$repo/crates/api/src/pages/mod.rs" \
    YEAR="$(($(date +%Y) - 1))" AGENCY="$agency" METRICS_TOKEN="$metrics_token" \
    python3 "$here/plan.py"
if [ -n "$only" ]; then
    # Rows outside --only become skipped rows (label, SKIP, reason).
    while IFS=$'\t' read -r label budget rest; do
        if [ "$budget" = SKIP ] || [[ "$label" =~ $only ]]; then
            printf '%s\t%s\t%s\n' "$label" "$budget" "$rest"
        else
            printf '%s\tSKIP\tnot in this run (--only %s)\n' "$label" "$only"
        fi
    done < plan.tsv > plan-only.tsv
    mv plan-only.tsv plan.tsv
fi

# --- The measurements -------------------------------------------------------------------
# wrk's two threads share the 2 cores with the server, as in benches/http. A generous timeout
# so that a slow page shows its latency instead of vanishing into socket errors.
peak_between() { awk -v a="$1" -v b="$2" '$1 >= a && $1 <= b && $2 > m {m = $2} END {print m + 0}' rss.txt; }
: > results.tsv
total="$(grep -cv $'\tSKIP\t' plan.tsv || true)"
i=0
while IFS=$'\t' read -r label budget who token cookie paths note; do
    [ "$budget" = SKIP ] && continue
    # plan.py writes "-" for an empty field (read would merge two tabs into one).
    [ "$token" = - ] && token=""
    [ "$cookie" = - ] && cookie=""
    i=$((i + 1))
    row="$label"$'\t'"$budget"$'\t'"$who"
    peak=0
    for conns in 4 16; do
        log "[$i/$total] $label as $who, $conns connections"
        from="$EPOCHREALTIME"
        result="$(AUTH_TOKEN="$token" AUTH_COOKIE="$cookie" PATHS="$paths" \
            wrk -t2 -c"$conns" -d"${secs}s" --timeout 30s -s "$here/paths.lua" "$base" < /dev/null |
            grep '^RESULT' || echo "RESULT p50=0 p99=0 rps=0 non2xx=0 status=wrk-failed socket=0 requests=0")"
        to="$EPOCHREALTIME"
        p="$(peak_between "$from" "$to")"
        [ "$p" -gt "$peak" ] && peak="$p"
        row="$row"$'\t'"${result#RESULT }"
    done
    printf '%s\t%s\t%s\n' "$row" "$peak" "$note" >> results.tsv
done < plan.tsv
rss_peak="$(peak_between 0 99999999999)"

# --- The table ----------------------------------------------------------------------------
REPORT_COMMAND="$command_line" REPORT_BINARY="$bin" REPORT_BACKEND="$backend" REPORT_URL="$url" \
    REPORT_CASES="$held" REPORT_FILL="$fill" REPORT_SECONDS="$secs" REPORT_DEPARTMENT="$department" \
    REPORT_RSS_START="$rss_start" REPORT_RSS_PEAK="$rss_peak" \
    python3 "$here/report.py" plan.tsv results.tsv
