//! Bulk loading: many cases taken through their commands in memory and written in batches
//! (`gongkai demo`; an import of an office's existing register).
//!
//! Every command is decided by the workflow's `decide` on the case as its earlier commands
//! left it, and planned as `execute` plans it ([`plan_receive`], [`plan_command`]): the same
//! events with the same hash chain, the same projection row, outbox rows, search text,
//! similarity bands and report tallies (counted once per case, when it is finished). What differs is only how they reach the database: nothing is read back
//! (the case is kept in memory between its commands) and the rows of many cases are written
//! together, as multi-row inserts in one write transaction per [`Bulk::flush`].
//!
//! The checks `execute` makes against the database are made against a copy of the directory
//! read when the loader is made (departments of each agency, enabled clerks and supervisors of
//! each department), and tracking numbers come from the agencies' counters as they stood then:
//! `flush` refuses to write when a counter moved meanwhile (a registration made by someone
//! else during the load), so numbers stay gap-free and unique. Commands that write the reading
//! room are refused: they go through `execute`.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono::Datelike;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use gongkai_workflow::clock::legal_date;
use gongkai_workflow::model::Receive;
use gongkai_workflow::similar::HINT_BANDS;
use gongkai_workflow::{Case, Channel, Command, Context};

use crate::db::{DbConnection, write_transaction};
use crate::error::{StoreError, StoreResult};
use crate::events::EventRow;
use crate::execute::{
    chosen_tracking_number, format_tracking_number, new_filing_reference, no_such_department,
    not_agency_department, not_assignee, plan_command, plan_receive,
};
use crate::outbox::Pending;
use crate::planned::Planned;
use crate::projection::CaseRow;
use crate::schema::{
    agencies, case_bands, case_events, case_texts, cases, departments, outbox, tracking_counters,
    user_departments, users,
};
use crate::search::SearchText;
use crate::tallies::{StatsChange, TallyChange};
use crate::typed::{OutboxStatus, Stored};

/// Bound values per statement: below SQLite's limit (32,766) and PostgreSQL's (65,535).
const MAX_BINDS: usize = 30_000;

/// A case being loaded: the case as its commands left it and every row to write.
pub struct BulkCase {
    row: CaseRow,
    case: Case,
    prev_hash: String,
    events: Vec<EventRow>,
    outbox: Vec<Pending>,
    text: SearchText,
    bands: [i64; HINT_BANDS],
    query_code: String,
    /// The events so far, for the report's tallies when the case is finished.
    history: Vec<gongkai_workflow::Event>,
}

impl BulkCase {
    pub fn id(&self) -> &str {
        &self.row.id
    }

    /// The case after its last command.
    pub fn case(&self) -> &Case {
        &self.case
    }

    /// Its version (the number of its events).
    pub fn version(&self) -> u64 {
        self.case.version
    }

    /// The query code given to the applicant (stored only as a hash).
    pub fn query_code(&self) -> &str {
        &self.query_code
    }

    /// Takes in the rows of a planned command (the fixed columns of the projection stay as
    /// the case was received).
    fn absorb(&mut self, planned: Planned) {
        let Planned {
            row,
            case,
            events,
            stored,
            outbox,
            text,
            bands,
            ..
        } = planned;
        self.history.extend(events);
        self.row = CaseRow {
            id: std::mem::take(&mut self.row.id),
            query_code_hash: std::mem::take(&mut self.row.query_code_hash),
            agency_code: std::mem::take(&mut self.row.agency_code),
            created_at: self.row.created_at,
            filing_reference: self.row.filing_reference.take(),
            ..row
        };
        self.case = case;
        if let Some(last) = stored.last() {
            self.prev_hash.clone_from(&last.hash);
        }
        self.events.extend(stored);
        self.outbox.extend(outbox);
        if let Some(text) = text {
            self.text = text;
        }
        if let Some(bands) = bands {
            self.bands = bands;
        }
    }
}

/// Inserts `rows` in statements of at most [`MAX_BINDS`] values (`columns` per row).
macro_rules! insert_chunks {
    ($conn:expr, $table:expr, $columns:expr, $rows:expr) => {{
        let rows = $rows;
        for chunk in rows.chunks((MAX_BINDS / $columns).max(1)) {
            diesel::insert_into($table)
                .values(chunk.to_vec())
                .execute($conn)?;
        }
    }};
}

/// Writes the rows of `done` on one backend's connection, table by table, the projection
/// first (the others refer to it). A macro rather than a generic function: each backend has
/// its own multi-row insert.
macro_rules! write_rows {
    ($conn:expr, $done:expr) => {{
        let done: &[BulkCase] = $done;
        let rows: Vec<CaseRow> = done.iter().map(|c| c.row.clone()).collect();
        insert_chunks!($conn, cases::table, 29, rows);
        let rows: Vec<&EventRow> = done.iter().flat_map(|c| &c.events).collect();
        insert_chunks!($conn, case_events::table, 10, rows);
        let rows: Vec<_> = done
            .iter()
            .flat_map(|c| &c.outbox)
            .map(|o| {
                (
                    outbox::id.eq(&o.id),
                    outbox::case_id.eq(&o.case_id),
                    outbox::event_seq.eq(o.event_seq),
                    outbox::notice_kind.eq(&o.notice_kind),
                    outbox::recipient.eq(&o.recipient),
                    outbox::message_id.eq(&o.message_id),
                    outbox::dedupe_key.eq(&o.dedupe_key),
                    outbox::status.eq(Stored(OutboxStatus::Pending)),
                    outbox::attempts.eq(0),
                    outbox::next_attempt_at.eq(o.at),
                    outbox::created_at.eq(o.at),
                )
            })
            .collect();
        insert_chunks!($conn, outbox::table, 11, rows);
        let rows: Vec<_> = done
            .iter()
            .map(|c| {
                (
                    case_texts::case_id.eq(&c.row.id),
                    case_texts::name.eq(&c.text.name),
                    case_texts::description.eq(&c.text.description),
                    case_texts::reply.eq(&c.text.reply),
                )
            })
            .collect();
        insert_chunks!($conn, case_texts::table, 4, rows);
        let rows: Vec<_> = done
            .iter()
            .flat_map(|c| {
                c.bands.iter().zip(0..).map(move |(hash, band)| {
                    (
                        case_bands::case_id.eq(&c.row.id),
                        case_bands::agency_code.eq(&c.row.agency_code),
                        case_bands::band.eq(band),
                        case_bands::hash.eq(*hash),
                        case_bands::created_at.eq(c.row.created_at),
                    )
                })
            })
            .collect();
        insert_chunks!($conn, case_bands::table, 5, rows);
    }};
}

/// The loader: the directory it checks against, the counters it numbers from, and the cases
/// finished since the last flush.
pub struct Bulk {
    /// Departments by code, with their agency.
    departments: BTreeMap<String, String>,
    /// (user id, department) of every enabled clerk and supervisor.
    assignees: BTreeSet<(String, String)>,
    /// Tracking prefix by agency.
    prefixes: BTreeMap<String, String>,
    /// (agency, year) → (the counter's value when read or last flushed, the last number given).
    counters: BTreeMap<(String, i32), (i64, i64)>,
    /// Filing references given during the load (the unique index guards those stored before).
    references: HashSet<String>,
    done: Vec<BulkCase>,
    /// The report's tallies of the finished cases.
    tallies: TallyChange,
    /// Their statistics' tallies.
    stats: StatsChange,
}

impl Bulk {
    /// Reads the directory and the tracking counters.
    pub fn new(conn: &mut DbConnection) -> StoreResult<Bulk> {
        let departments = departments::table
            .select((departments::code, departments::agency_code))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
        let assignees = users::table
            .inner_join(user_departments::table)
            .filter(users::disabled.eq(false))
            .filter(users::role.eq_any(["clerk", "supervisor"]))
            .select((users::id, user_departments::department_code))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
        let prefixes = agencies::table
            .select((agencies::code, agencies::tracking_prefix))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
        let counters = tracking_counters::table
            .select((
                tracking_counters::agency_code,
                tracking_counters::year,
                tracking_counters::last_value,
            ))
            .load::<(String, i32, i64)>(conn)?
            .into_iter()
            .map(|(agency, year, value)| ((agency, year), (value, value)))
            .collect();
        Ok(Bulk {
            departments,
            assignees,
            prefixes,
            counters,
            references: HashSet::new(),
            done: Vec::new(),
            tallies: TallyChange::new(),
            stats: StatsChange::new(),
        })
    }

    fn check_department(&self, agency: &str, department: &str) -> StoreResult<()> {
        match self.departments.get(department) {
            Some(a) if a == agency => Ok(()),
            _ => Err(no_such_department(agency, department)),
        }
    }

    /// Takes in a new request, as `store::receive` does.
    pub fn receive(&mut self, receive: Receive, ctx: &Context) -> StoreResult<BulkCase> {
        let filing_reference = (receive.channel == Channel::Online).then(|| {
            loop {
                let candidate = new_filing_reference();
                if self.references.insert(candidate.clone()) {
                    break candidate;
                }
            }
        });
        let (planned, query_code) = plan_receive(receive, filing_reference, ctx)?;
        self.check_department(&planned.row.agency_code, &planned.row.department_code)?;
        let mut case = BulkCase {
            row: planned.row.clone(),
            case: Case::default(),
            prev_hash: String::new(),
            events: Vec::new(),
            outbox: Vec::new(),
            text: SearchText::default(),
            bands: [0; HINT_BANDS],
            query_code,
            history: Vec::new(),
        };
        case.absorb(planned);
        Ok(case)
    }

    /// Executes `command` on `case`, as `store::execute` does; a refused command leaves the
    /// case as it was.
    pub fn execute(
        &mut self,
        case: &mut BulkCase,
        command: Command,
        ctx: &Context,
    ) -> StoreResult<()> {
        let before = &case.case;
        let mut number = None;
        let command = match command {
            Command::Receive(_) => {
                return Err(StoreError::Config(
                    "a new request is taken in with Bulk::receive".to_owned(),
                ));
            }
            Command::PublishRelease { .. } | Command::WithdrawPublication { .. } => {
                return Err(StoreError::Config(
                    "the reading room is written through store::execute, not in bulk".to_owned(),
                ));
            }
            Command::Register {
                tracking_number, ..
            } if !tracking_number.is_empty() => return Err(chosen_tracking_number()),
            Command::Register {
                department,
                receipt_date,
                ..
            } => {
                if let Some(d) = &department {
                    self.check_department(&before.agency, d)?;
                }
                let year = legal_date(ctx.now).year();
                let key = (before.agency.clone(), year);
                let prefix = self
                    .prefixes
                    .get(&before.agency)
                    .ok_or_else(|| StoreError::NotFound(format!("agency \"{}\"", key.0)))?;
                let next = self.counters.get(&key).map_or(0, |c| c.1) + 1;
                number = Some((key, next));
                Command::Register {
                    tracking_number: format_tracking_number(prefix, year, next),
                    department,
                    receipt_date,
                }
            }
            Command::Assign {
                department,
                assignee,
            } => {
                if let Some(d) = &department {
                    self.check_department(&before.agency, d)
                        .map_err(|_| not_agency_department(&before.agency, d))?;
                }
                if let Some(a) = &assignee {
                    let target = department.as_deref().unwrap_or(&before.department);
                    if !self.assignees.contains(&(a.clone(), target.to_owned())) {
                        return Err(not_assignee(a, target));
                    }
                }
                Command::Assign {
                    department,
                    assignee,
                }
            }
            command => command,
        };
        let planned = plan_command(
            &case.row.id,
            case.case.version,
            case.case.clone(),
            &case.prev_hash,
            command,
            ctx,
        )?;
        if let Some((key, next)) = number {
            // Taken only now that the registration was accepted: a refusal leaves no gap.
            self.counters.entry(key).or_insert((0, 0)).1 = next;
        }
        case.absorb(planned);
        Ok(())
    }

    /// Queues a case's rows for the next [`flush`](Bulk::flush).
    pub fn finish(&mut self, mut case: BulkCase) {
        let history = std::mem::take(&mut case.history);
        for (k, n) in crate::tallies::of_case(&case.case, &history) {
            *self.tallies.entry(k).or_default() += n;
        }
        let row = crate::tallies::StatsRow::of(&case.row, case.row.created_at);
        for (k, n) in crate::tallies::stats_of(&case.row.id, &row) {
            *self.stats.entry(k).or_default() += n;
        }
        self.done.push(case);
    }

    /// How many finished cases wait for the next flush.
    pub fn pending(&self) -> usize {
        self.done.len()
    }

    /// Takes the finished cases and the counters advanced since the last batch, to be written
    /// by [`Batch::write`] (on another thread, while the next batch is made: a load runs at
    /// the pace of the slower of the two). The next batch counts on this one being written.
    pub fn take(&mut self) -> Batch {
        let mut counters = Vec::new();
        for (key, (seen, given)) in &mut self.counters {
            if seen != given {
                counters.push((key.clone(), *seen, *given));
                *seen = *given;
            }
        }
        Batch {
            cases: std::mem::take(&mut self.done),
            counters,
            tallies: std::mem::take(&mut self.tallies),
            stats: std::mem::take(&mut self.stats),
        }
    }

    /// Puts back a batch that could not be written (its cases queued again, its counters as
    /// they were).
    fn restore(&mut self, batch: Batch) {
        for (key, seen, _) in batch.counters {
            if let Some(counter) = self.counters.get_mut(&key) {
                counter.0 = seen;
            }
        }
        let mut cases = batch.cases;
        cases.append(&mut self.done);
        self.done = cases;
        for (k, n) in batch.tallies {
            *self.tallies.entry(k).or_default() += n;
        }
        for (k, n) in batch.stats {
            *self.stats.entry(k).or_default() += n;
        }
    }

    /// Writes the finished cases and the advanced counters ([`take`](Bulk::take), then
    /// [`Batch::write`]); returns how many cases were written. When nothing could be written
    /// (e.g. a counter moved) the cases stay queued and the error says why.
    pub fn flush(&mut self, conn: &mut DbConnection) -> StoreResult<u64> {
        let batch = self.take();
        match batch.write(conn) {
            Ok(n) => Ok(n),
            Err(e) => {
                self.restore(batch);
                Err(e)
            }
        }
    }
}

/// Sets up the connection that writes the batches of a load. On SQLite: a page cache of 256 MiB
/// (instead of 2 MiB), so that the indexes a load inserts into at random places (the band
/// lookup, the outbox's ids) stay in memory; `synchronous = NORMAL`, which in WAL mode syncs
/// at checkpoints rather than at every commit; and a checkpoint every 256 MiB of log instead
/// of every 4 MiB, so that an index page written by many batches is copied back once (a
/// fifth of a load's time went to checkpoints); [`finish_connection`] checkpoints at the end.
/// On PostgreSQL: commits that do not wait for the disk. Either way a crash may lose the last
/// batches written, never leave one half written; a load is run again from where the database
/// stands.
pub fn prepare_connection(conn: &mut DbConnection) -> StoreResult<()> {
    match conn {
        DbConnection::Sqlite(c) => c.batch_execute(
            "PRAGMA cache_size = -262144; PRAGMA synchronous = NORMAL; \
             PRAGMA wal_autocheckpoint = 65536",
        )?,
        DbConnection::Pg(c) => c.batch_execute("SET synchronous_commit = off")?,
    }
    Ok(())
}

/// Ends a load on the connection of [`prepare_connection`]: on SQLite the log is copied back
/// into the database and emptied (`wal_checkpoint(TRUNCATE)`), so that it does not stay at
/// the size the load grew it to.
pub fn finish_connection(conn: &mut DbConnection) -> StoreResult<()> {
    if let DbConnection::Sqlite(c) = conn {
        c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE); PRAGMA wal_autocheckpoint = 1000")?;
    }
    Ok(())
}

/// The tables a load writes many rows into.
const LOADED_TABLES: [&str; 5] = ["cases", "case_events", "outbox", "case_texts", "case_bands"];

/// The SQLite trigger that adds each new search text to the full-text index `case_search`
/// (migration 2026-11-23-000006); a load into an empty database builds that index once at
/// the end instead.
const SQLITE_SEARCH_TRIGGER: &str = "case_texts_ai";

/// The indexes (and on SQLite the full-text trigger) a load into an empty database set
/// aside, to be made again by [`SetAside::restore`] once it has written everything.
#[derive(Debug, Default)]
pub struct SetAside {
    /// `(name, CREATE statement)` of each index dropped.
    indexes: Vec<(String, String)>,
    /// The CREATE TRIGGER statement of [`SQLITE_SEARCH_TRIGGER`], when it was dropped.
    search_trigger: Option<String>,
}

#[derive(QueryableByName)]
struct Definition {
    #[diesel(sql_type = diesel::sql_types::Text)]
    name: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    definition: String,
}

impl SetAside {
    /// On a database that holds no case yet: drops the indexes of the tables a load writes
    /// other than those that keep rows unique (primary keys, UNIQUE: still checked as rows
    /// arrive), and on SQLite the trigger that feeds the full-text index, keeping their
    /// definitions. Filling an index row by row costs a random B-tree insert per row and
    /// index, while building it afterwards sorts once: a 100,000-case demo on SQLite was
    /// written at 2,760 cases/s with them, at 4,111/s with them set aside, 6.0 s of it
    /// building them (docs/PERFORMANCE.md). On a database that holds cases nothing is dropped (others may
    /// be using it).
    ///
    /// Until [`SetAside::restore`] runs, queries on these tables are slow and the full-text
    /// search misses what was loaded: a load that stops before the end leaves the database
    /// so, to be deleted and loaded again (as an interrupted demo is).
    pub fn drop_for_load(conn: &mut DbConnection) -> StoreResult<SetAside> {
        let empty = cases::table
            .select(cases::id)
            .first::<String>(conn)
            .optional()?
            .is_none();
        if !empty {
            return Ok(SetAside::default());
        }
        let tables = LOADED_TABLES
            .iter()
            .map(|t| format!("'{t}'"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = match conn {
            DbConnection::Sqlite(_) => format!(
                "SELECT name, sql AS definition FROM sqlite_master WHERE type = 'index' \
                 AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ({tables}) \
                 ORDER BY name"
            ),
            DbConnection::Pg(_) => format!(
                "SELECT indexname AS name, indexdef AS definition FROM pg_indexes \
                 WHERE schemaname = current_schema() AND tablename IN ({tables}) \
                 AND indexdef NOT LIKE 'CREATE UNIQUE%' ORDER BY indexname"
            ),
        };
        let indexes: Vec<Definition> = diesel::sql_query(sql).load(conn)?;
        let search_trigger = match conn {
            DbConnection::Sqlite(_) => diesel::sql_query(format!(
                "SELECT name, sql AS definition FROM sqlite_master \
                 WHERE type = 'trigger' AND name = '{SQLITE_SEARCH_TRIGGER}'"
            ))
            .load::<Definition>(conn)?
            .pop()
            .map(|t| t.definition),
            DbConnection::Pg(_) => None,
        };
        write_transaction(conn, |conn| -> StoreResult<()> {
            for index in &indexes {
                diesel::sql_query(format!("DROP INDEX \"{}\"", index.name)).execute(conn)?;
            }
            if search_trigger.is_some() {
                diesel::sql_query(format!("DROP TRIGGER {SQLITE_SEARCH_TRIGGER}")).execute(conn)?;
            }
            Ok(())
        })?;
        Ok(SetAside {
            indexes: indexes
                .into_iter()
                .map(|d| (d.name, d.definition))
                .collect(),
            search_trigger,
        })
    }

    /// How many indexes were set aside.
    pub fn len(&self) -> usize {
        self.indexes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.indexes.is_empty() && self.search_trigger.is_none()
    }

    /// Makes again what [`SetAside::drop_for_load`] dropped: each index from its definition,
    /// and on SQLite the full-text index from every search text (FTS5 `rebuild`) before its
    /// trigger. An error names what is still missing.
    pub fn restore(self, conn: &mut DbConnection) -> StoreResult<()> {
        if let DbConnection::Pg(c) = conn {
            // Sorting an index of a million rows in memory rather than in temporary files.
            c.batch_execute("SET maintenance_work_mem = '256MB'")?;
        }
        let missing = |from: usize, trigger: bool| -> String {
            let mut names: Vec<&str> = self.indexes[from..]
                .iter()
                .map(|(n, _)| n.as_str())
                .collect();
            if trigger {
                names.push(SQLITE_SEARCH_TRIGGER);
            }
            names.join(", ")
        };
        for (i, (name, definition)) in self.indexes.iter().enumerate() {
            diesel::sql_query(definition.as_str())
                .execute(conn)
                .map_err(|e| StoreError::Invalid {
                    field: None,
                    message: format!(
                        "index {name} could not be made again after the bulk load ({e}); \
                         still missing: {}",
                        missing(i, self.search_trigger.is_some())
                    ),
                })?;
        }
        if let Some(trigger) = &self.search_trigger {
            write_transaction(conn, |conn| -> StoreResult<()> {
                diesel::sql_query("INSERT INTO case_search (case_search) VALUES ('rebuild')")
                    .execute(conn)?;
                diesel::sql_query(trigger.as_str()).execute(conn)?;
                Ok(())
            })
            .map_err(|e| StoreError::Invalid {
                field: None,
                message: format!(
                    "the full-text index could not be rebuilt after the bulk load ({e}); \
                     still missing: {SQLITE_SEARCH_TRIGGER}"
                ),
            })?;
        }
        if let DbConnection::Pg(c) = conn {
            c.batch_execute("RESET maintenance_work_mem")?;
        }
        Ok(())
    }
}

/// Finished cases and the counter values their registrations took, written together.
pub struct Batch {
    cases: Vec<BulkCase>,
    /// (agency, year), the value the counter must still have, the value it gets.
    counters: Vec<((String, i32), i64, i64)>,
    /// What the cases add to the report's tallies and the statistics' tallies.
    tallies: TallyChange,
    stats: StatsChange,
}

impl Batch {
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }

    /// Writes the batch in one write transaction: the counters (refused, with nothing
    /// written, when one moved since it was read: a registration made by someone else during
    /// the load), then the cases' rows. Returns how many cases were written.
    pub fn write(&self, conn: &mut DbConnection) -> StoreResult<u64> {
        if self.cases.is_empty() && self.counters.is_empty() {
            return Ok(0);
        }
        write_transaction(conn, |conn| -> StoreResult<u64> {
            self.write_counters(conn)?;
            match conn {
                DbConnection::Sqlite(c) => write_rows!(c, &self.cases),
                DbConnection::Pg(c) => write_rows!(c, &self.cases),
            }
            crate::tallies::write_both(conn, &self.tallies, &self.stats)?;
            Ok(self.cases.len() as u64)
        })
    }

    /// Advances each counter that numbers were taken from, guarded by the value it had when
    /// read: a registration made meanwhile by someone else stops the load.
    fn write_counters(&self, conn: &mut DbConnection) -> StoreResult<()> {
        for ((agency, year), seen, given) in &self.counters {
            // The counter's row is new (none when it was read), or still at the value read.
            let written = if *seen == 0 {
                diesel::sql_query(
                    "INSERT INTO tracking_counters (agency_code, year, last_value) \
                     VALUES ($1, $2, $3) ON CONFLICT (agency_code, year) DO NOTHING",
                )
                .bind::<diesel::sql_types::Text, _>(agency)
                .bind::<diesel::sql_types::Integer, _>(year)
                .bind::<diesel::sql_types::BigInt, _>(given)
                .execute(conn)?
            } else {
                diesel::update(tracking_counters::table)
                    .filter(tracking_counters::agency_code.eq(agency))
                    .filter(tracking_counters::year.eq(year))
                    .filter(tracking_counters::last_value.eq(seen))
                    .set(tracking_counters::last_value.eq(given))
                    .execute(conn)?
            };
            let moved = written == 0;
            if moved {
                return Err(StoreError::Invalid {
                    field: None,
                    message: format!(
                        "the tracking counter of agency \"{agency}\" for {year} moved during \
                         the bulk load (a registration was made meanwhile): nothing of this \
                         batch was written; run the load again when nobody registers"
                    ),
                });
            }
        }
        Ok(())
    }
}
