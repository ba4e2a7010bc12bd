//! PostgreSQL: the writes of one command as a single statement.
//!
//! diesel sends one statement per round trip, and a command writes three to five rows (the
//! projection, one or two events, outbox rows, the search text; a new case also its similarity
//! bands; most also the report's tallies): with `BEGIN` and `COMMIT` that was six or seven
//! round trips, and on a small machine where client and server share the cores the round
//! trips, not the work, set the pace. Here every row of a command is written by one statement
//! of data-modifying CTEs: the projection first (`claimed`, the update guarded by the version
//! the caller saw, or the insert of a new case guarded by its department), then every other
//! row selected `FROM claimed`, so that nothing is written when the guard fails. A statement
//! is atomic on its own, so `execute` needs no transaction around it (a registration still
//! takes one, for the counter).
//!
//! The SQL text depends only on how many events and outbox rows there are and on whether the
//! search text, the similarity bands and the tallies changed, so the connection keeps each
//! shape prepared ([`Reused`]).

use diesel::pg::{Pg, PgConnection};
use diesel::prelude::*;
use diesel::query_builder::{BoxedSqlQuery, SqlQuery};
use diesel::serialize::ToSql;
use diesel::sql_types::{
    Array, BigInt, Bool, Date, HasSqlType, Integer, Nullable, Text, Timestamp,
};

use crate::db::Reused;
use crate::error::StoreResult;
use crate::planned::Planned;
use crate::schema::{case_events, case_texts, cases, outbox};
use crate::tallies::{StatsChange, TallyChange};
use crate::typed::OutboxStatus;

/// A statement under construction: SQL text and its bound values, numbered in order.
struct Statement<'a> {
    query: BoxedSqlQuery<'a, Pg, SqlQuery>,
    sql: String,
    binds: usize,
}

impl<'a> Statement<'a> {
    fn new() -> Statement<'a> {
        Statement {
            query: diesel::sql_query("").into_boxed(),
            sql: String::with_capacity(4096),
            binds: 0,
        }
    }

    fn text(&mut self, sql: &str) -> &mut Self {
        self.sql.push_str(sql);
        self
    }

    /// Binds `value` and returns its placeholder (`$n`).
    fn param<ST, V>(&mut self, value: V) -> String
    where
        Pg: HasSqlType<ST>,
        ST: Send + 'a,
        V: ToSql<ST, Pg> + Send + 'a,
    {
        let query = std::mem::replace(&mut self.query, diesel::sql_query("").into_boxed());
        self.query = query.bind::<ST, V>(value);
        self.binds += 1;
        format!("${}", self.binds)
    }
}

/// Columns and their placeholders, in the same order.
#[derive(Default)]
struct Row {
    columns: Vec<&'static str>,
    values: Vec<String>,
}

impl Row {
    fn set<'a, C, ST, V>(&mut self, s: &mut Statement<'a>, _column: C, value: V) -> &mut Self
    where
        C: diesel::Column,
        Pg: HasSqlType<ST>,
        ST: Send + 'a,
        V: ToSql<ST, Pg> + Send + 'a,
    {
        self.columns.push(C::NAME);
        self.values.push(s.param::<ST, V>(value));
        self
    }

    fn columns(&self) -> String {
        self.columns.join(", ")
    }

    fn values(&self) -> String {
        self.values.join(", ")
    }

    /// `, name AS (INSERT INTO table (…) SELECT … FROM claimed …)`: a row written only when
    /// the claim matched.
    fn insert_after_claim(&self, name: &str, table: &str, tail: &str) -> String {
        format!(
            ", {name} AS (INSERT INTO {table} ({}) SELECT {} FROM claimed{tail})",
            self.columns(),
            self.values()
        )
    }
}

/// The projection's columns that every command may change.
fn projected<'a>(s: &mut Statement<'a>, p: &'a Planned) -> Row {
    let r = &p.row;
    let mut row = Row::default();
    row.set::<_, Nullable<Text>, _>(s, cases::tracking_number, r.tracking_number.as_deref())
        .set::<_, Text, _>(s, cases::department_code, r.department_code.as_str())
        .set::<_, Nullable<Text>, _>(s, cases::assignee, r.assignee.as_deref())
        .set::<_, Nullable<Text>, _>(s, cases::account, r.account.as_deref())
        .set::<_, Text, _>(s, cases::status, r.status.as_str())
        .set::<_, Nullable<Text>, _>(s, cases::sub_state, r.sub_state.as_deref())
        .set::<_, Nullable<Text>, _>(s, cases::applicant_type, r.applicant_type.as_deref())
        .set::<_, Text, _>(s, cases::applicant_name, r.applicant_name.as_str())
        .set::<_, Text, _>(s, cases::channel, r.channel.as_str())
        .set::<_, Nullable<Date>, _>(s, cases::receipt_date, r.receipt_date)
        .set::<_, Nullable<Date>, _>(s, cases::due_date, r.due_date)
        .set::<_, Date, _>(s, cases::due_sort, r.due_sort)
        .set::<_, Bool, _>(s, cases::provisional, r.provisional)
        .set::<_, Nullable<Text>, _>(s, cases::warning_level, r.warning_level.map(|w| w.as_str()))
        .set::<_, Nullable<Text>, _>(s, cases::outcome, r.outcome.as_deref())
        .set::<_, Nullable<Text>, _>(s, cases::outcome_ground, r.outcome_ground.as_deref())
        .set::<_, BigInt, _>(s, cases::version, r.version)
        .set::<_, Timestamp, _>(s, cases::updated_at, r.updated_at)
        .set::<_, Nullable<Date>, _>(s, cases::replied_on, r.replied_on)
        .set::<_, Nullable<Date>, _>(s, cases::reply_due_on, r.reply_due_on)
        .set::<_, Nullable<Integer>, _>(s, cases::reply_days, r.reply_days)
        .set::<_, Nullable<Date>, _>(s, cases::concluded_on, r.concluded_on)
        .set::<_, Nullable<Text>, _>(s, cases::applicant_key, r.applicant_key.as_deref())
        .set::<_, Nullable<Date>, _>(s, cases::consultation_due, r.consultation_due);
    row
}

#[derive(QueryableByName)]
struct Claimed {
    #[diesel(sql_type = Text)]
    #[allow(dead_code)]
    id: String,
}

/// Writes `p` in one statement. Returns false when nothing was written: the projection had
/// moved past the expected version (or the case is missing), or a new case's department is not
/// one of its agency's.
pub(crate) fn write(conn: &mut PgConnection, p: &Planned) -> StoreResult<bool> {
    let mut s = Statement::new();
    let mut row = projected(&mut s, p);
    match p.expected {
        Some(version) => {
            let expected = i64::try_from(version).unwrap_or(i64::MAX);
            let id = s.param::<Text, _>(p.row.id.as_str());
            let expected = s.param::<BigInt, _>(expected);
            let sql = format!(
                "WITH claimed AS (UPDATE cases SET ({}) = ({}) WHERE id = {id} AND version = \
                 {expected} RETURNING id, agency_code, created_at)",
                row.columns(),
                row.values()
            );
            s.text(&sql);
        }
        None => {
            let r = &p.row;
            row.set::<_, Text, _>(&mut s, cases::id, r.id.as_str())
                .set::<_, Text, _>(&mut s, cases::query_code_hash, r.query_code_hash.as_str())
                .set::<_, Text, _>(&mut s, cases::agency_code, r.agency_code.as_str())
                .set::<_, Nullable<Text>, _>(
                    &mut s,
                    cases::filing_reference,
                    r.filing_reference.as_deref(),
                )
                .set::<_, Timestamp, _>(&mut s, cases::created_at, r.created_at);
            let agency = s.param::<Text, _>(r.agency_code.as_str());
            let code = s.param::<Text, _>(r.department_code.as_str());
            let sql = format!(
                "WITH claimed AS (INSERT INTO cases ({}) SELECT {} WHERE EXISTS (SELECT 1 FROM \
                 departments WHERE code = {code} AND agency_code = {agency}) RETURNING id, \
                 agency_code, created_at)",
                row.columns(),
                row.values()
            );
            s.text(&sql);
        }
    }
    for (i, e) in p.stored.iter().enumerate() {
        let mut row = Row::default();
        row.set::<_, Text, _>(&mut s, case_events::case_id, e.case_id.as_str())
            .set::<_, BigInt, _>(&mut s, case_events::seq, e.seq)
            .set::<_, Text, _>(&mut s, case_events::kind, e.kind.as_str())
            .set::<_, Text, _>(&mut s, case_events::payload, e.payload.as_str())
            .set::<_, Text, _>(&mut s, case_events::actor_id, e.actor_id.as_str())
            .set::<_, Text, _>(&mut s, case_events::actor_role, e.actor_role.as_str())
            .set::<_, Timestamp, _>(&mut s, case_events::recorded_at, e.recorded_at)
            .set::<_, Nullable<Date>, _>(&mut s, case_events::legal_date, e.legal_date)
            .set::<_, Text, _>(&mut s, case_events::prev_hash, e.prev_hash.as_str())
            .set::<_, Text, _>(&mut s, case_events::hash, e.hash.as_str());
        s.text(&row.insert_after_claim(&format!("event_{i}"), "case_events", ""));
    }
    for (i, o) in p.outbox.iter().enumerate() {
        let mut row = Row::default();
        row.set::<_, Text, _>(&mut s, outbox::id, o.id.as_str())
            .set::<_, Text, _>(&mut s, outbox::case_id, o.case_id.as_str())
            .set::<_, BigInt, _>(&mut s, outbox::event_seq, o.event_seq)
            .set::<_, Text, _>(&mut s, outbox::notice_kind, o.notice_kind.as_str())
            .set::<_, Text, _>(&mut s, outbox::recipient, o.recipient.as_str())
            .set::<_, Text, _>(&mut s, outbox::message_id, o.message_id.as_str())
            .set::<_, Nullable<Text>, _>(&mut s, outbox::dedupe_key, o.dedupe_key.as_deref())
            .set::<_, Text, _>(&mut s, outbox::status, OutboxStatus::Pending.as_str())
            .set::<_, Integer, _>(&mut s, outbox::attempts, 0)
            .set::<_, Timestamp, _>(&mut s, outbox::next_attempt_at, o.at)
            .set::<_, Timestamp, _>(&mut s, outbox::created_at, o.at);
        // A reminder whose dedupe key is taken is not written twice (as `outbox::insert`).
        let sql =
            row.insert_after_claim(&format!("outbox_{i}"), "outbox", " ON CONFLICT DO NOTHING");
        s.text(&sql);
    }
    if let Some(text) = &p.text {
        let mut row = Row::default();
        row.set::<_, Text, _>(&mut s, case_texts::case_id, p.row.id.as_str())
            .set::<_, Text, _>(&mut s, case_texts::name, text.name.as_str())
            .set::<_, Text, _>(&mut s, case_texts::description, text.description.as_str())
            .set::<_, Text, _>(&mut s, case_texts::reply, text.reply.as_str());
        // A case stored before search existed has no row yet: it gets one now.
        let sql = row.insert_after_claim(
            "search_text",
            "case_texts",
            " ON CONFLICT (case_id) DO UPDATE SET name = EXCLUDED.name, \
             description = EXCLUDED.description, reply = EXCLUDED.reply",
        );
        s.text(&sql);
    }
    if let Some(bands) = &p.bands {
        // One row per band; the case's agency and receipt instant as `claimed` returns them
        // (a command's projection row carries its own instant, not the receipt's).
        let hashes = s.param::<Array<BigInt>, _>(bands.to_vec());
        let sql = format!(
            ", bands AS (INSERT INTO case_bands (case_id, agency_code, band, hash, created_at) \
             SELECT claimed.id, claimed.agency_code, (b.n - 1)::int, b.hash, claimed.created_at \
             FROM claimed, unnest({hashes}::bigint[]) WITH ORDINALITY AS b (hash, n) \
             ON CONFLICT (case_id, band) DO UPDATE SET hash = EXCLUDED.hash)"
        );
        s.text(&sql);
    }
    // The report's and the statistics' tallies, in key order, as arrays (`tallies`): one SQL
    // text whatever their number.
    if !p.tallies.is_empty() {
        let sql = report_tallies(&mut s, &p.tallies, "claimed, ");
        s.text(&format!(", tallies AS ({sql})"));
    }
    if !p.stats.is_empty() {
        let sql = stats_tallies(&mut s, &p.stats, "claimed, ");
        s.text(&format!(", stats AS ({sql})"));
    }
    s.text(" SELECT id FROM claimed");
    let Statement { query, sql, .. } = s;
    let claimed: Vec<Claimed> = Reused(query.sql(sql)).load(conn)?;
    Ok(!claimed.is_empty())
}

/// Binds the report's tallies `t` as arrays and returns their upsert, selected `FROM
/// {from}unnest(…)` ([`crate::tallies::pg_report_upsert`]).
fn report_tallies<'a>(s: &mut Statement<'a>, t: &TallyChange, from: &str) -> String {
    let a = crate::tallies::report_arrays(t);
    let marks = [
        s.param::<Array<Text>, _>(a.agency),
        s.param::<Array<Text>, _>(a.department),
        s.param::<Array<Integer>, _>(a.year),
        s.param::<Array<Integer>, _>(a.column),
        s.param::<Array<Bool>, _>(a.reopened),
        s.param::<Array<Text>, _>(a.outcome),
        s.param::<Array<BigInt>, _>(a.n),
    ];
    crate::tallies::pg_report_upsert(from, &marks)
}

/// As [`report_tallies`], for the statistics' tallies.
fn stats_tallies<'a>(s: &mut Statement<'a>, t: &StatsChange, from: &str) -> String {
    let a = crate::tallies::stats_arrays(t);
    let marks = [
        s.param::<Array<Text>, _>(a.agency),
        s.param::<Array<Text>, _>(a.department),
        s.param::<Array<Integer>, _>(a.year),
        s.param::<Array<Integer>, _>(a.month),
        s.param::<Array<Text>, _>(a.measure),
        s.param::<Array<Text>, _>(a.reply),
        s.param::<Array<Integer>, _>(a.reply_days),
        s.param::<Array<Integer>, _>(a.stripe),
        s.param::<Array<BigInt>, _>(a.n),
    ];
    crate::tallies::pg_stats_upsert(from, &marks)
}

/// Adds both changes to the stored tallies outside a command's statement (the bulk loader's
/// batches, a recount): one statement per table whatever the number of rows.
pub(crate) fn write_tallies(
    conn: &mut PgConnection,
    report: &TallyChange,
    stats: &StatsChange,
) -> StoreResult<()> {
    if !report.is_empty() {
        let mut s = Statement::new();
        let sql = report_tallies(&mut s, report, "");
        let Statement { query, .. } = s;
        query.sql(sql).execute(conn)?;
    }
    if !stats.is_empty() {
        let mut s = Statement::new();
        let sql = stats_tallies(&mut s, stats, "");
        let Statement { query, .. } = s;
        query.sql(sql).execute(conn)?;
    }
    Ok(())
}
