#!/usr/bin/env bash
# Mail throughput: notices from the outbox to an SMTP server (aiosmtpd on loopback), and to the
# mail folder, by `gongkai worker --once` (which prints notices per second).
#
#   benches/mail/run.sh [CASES] [DATABASE_URL]
#
# Needs a release build (cargo build --release) and aiosmtpd (pip install aiosmtpd). The demo
# data of CASES cases (default 2000) queues about 4.35 notices per case, about half of them to
# applicants with an email address (the others are unaddressed: printed, not sent).
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${CARGO_TARGET_DIR:-target}/release/gongkai"
CASES="${1:-2000}"
WORK="$(mktemp -d)"
trap 'kill "${SMTP:-}" 2> /dev/null || true; rm -rf "$WORK"' EXIT
cd "$WORK"
if [ -n "${2:-}" ]; then export DATABASE_URL="$2"; fi
"$BIN" demo --cases "$CASES" > /dev/null
python3 -m aiosmtpd -n -l 127.0.0.1:2526 -c aiosmtpd.handlers.Mailbox "$WORK/maildir" &
SMTP=$!
sleep 1.5
requeue() {
    local sql="UPDATE outbox SET status = 'pending', attempts = 0, lease_until = NULL,
               next_attempt_at = '2000-01-01 00:00:00' WHERE status = 'sent'"
    if [ -n "${DATABASE_URL:-}" ]; then psql "$DATABASE_URL" -qc "$sql"; else sqlite3 data/gongkai.db "$sql"; fi
}
echo "folder, 4 senders:"
GONGKAI_MAIL__TRANSPORT=folder "$BIN" worker --once 2> /dev/null
for n in 1 4 8; do
    requeue
    echo "smtp, $n sender(s):"
    GONGKAI_MAIL__TRANSPORT=smtp GONGKAI_MAIL__SMTP_PORT=2526 GONGKAI_MAIL__SENDERS=$n \
        /usr/bin/time -f "  %e s, max RSS %M KiB" "$BIN" worker --once 2>&1 | grep -v INFO
done
