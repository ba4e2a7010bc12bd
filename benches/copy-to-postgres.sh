#!/usr/bin/env bash
# Copies a gongkai SQLite database into an empty PostgreSQL database, table by table (CSV
# through COPY), for benchmarks at scale: `gongkai demo` fills SQLite about three times faster
# than PostgreSQL, and the rows — produced through `execute` — are the same on both backends
# (same schema, same column order, hash chains over backend-independent content). Afterwards
# `gongkai audit verify` on the PostgreSQL database checks every chain.
#   benches/copy-to-postgres.sh data/gongkai.db postgres://postgres@127.0.0.1:5432/gongkai_bench
set -euo pipefail
src="${1:?usage: copy-to-postgres.sh SQLITE_FILE POSTGRES_URL}"
dst="${2:?usage: copy-to-postgres.sh SQLITE_FILE POSTGRES_URL}"
bin="${GONGKAI_BIN:-${CARGO_TARGET_DIR:-$HOME/.cache/gongkai-target}/release/gongkai}"
DATABASE_URL="$dst" "$bin" migrate
# Parents before children (foreign keys).
for table in agencies departments users user_departments applicant_profiles tracking_counters \
    cases case_events attachments outbox jobs sessions login_failures settings calendar_years \
    case_texts frequent_marks; do
    cols="$(sqlite3 "$src" "SELECT group_concat(name, ', ') FROM pragma_table_info('$table')")"
    start=$(date +%s)
    sqlite3 -csv "$src" "SELECT $cols FROM $table" |
        psql "$dst" -q -v ON_ERROR_STOP=1 -c "\\copy $table ($cols) FROM STDIN WITH (FORMAT csv)"
    echo "$table: $(psql "$dst" -qAtc "SELECT count(*) FROM $table") rows in $(($(date +%s) - start)) s"
done
# case_texts.id came along: the sequence continues after it.
psql "$dst" -q -c "SELECT setval(pg_get_serial_sequence('case_texts', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM case_texts), false)"
psql "$dst" -q -c 'VACUUM ANALYZE'
