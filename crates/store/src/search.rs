//! Staff full-text search over applicant names, request descriptions and replies, Chinese
//! included: SQLite's FTS5 with the trigram tokenizer, PostgreSQL's pg_trgm (migration
//! 2026-11-23-000006). `execute` keeps `case_texts` in step with the events.
//!
//! A query is split at white space into terms; a case matches when every term occurs in its
//! name, request or reply. Terms of three characters or more are looked up in the trigram
//! index; shorter ones (a trigram index cannot serve them) are checked on the rows the longer
//! terms and the filters leave, or by a scan when the query has only short terms. Results are
//! ranked by where the words occur (name, request, reply, spread), newest first within (see
//! `sqlite_ranked` and `pg_common`); on PostgreSQL words that neither have 100 matches within
//! the scope among the newest 30,000 requests nor are found in 2,000 requests are ranked by
//! trigram similarity instead, newest first on ties.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};
use gongkai_workflow::Case;

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::projection::CaseRow;
use crate::queries::QueueFilter;
use crate::schema::{case_texts, cases};
use crate::scope::Reach;

/// What is searchable of a case.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchText {
    pub name: String,
    pub description: String,
    pub reply: String,
}

impl SearchText {
    pub fn of(case: &Case) -> SearchText {
        let mut description = case
            .request
            .as_ref()
            .map(|r| r.description.clone())
            .unwrap_or_default();
        if let Some(number) = case
            .request
            .as_ref()
            .and_then(|r| r.document_number.as_ref())
        {
            description.push('\n');
            description.push_str(number);
        }
        let mut reply = case
            .draft
            .as_ref()
            .map(|d| d.reply.text.clone())
            .unwrap_or_default();
        if let Some(issued) = &case.reply
            && issued.text != reply
        {
            if !reply.is_empty() {
                reply.push('\n');
            }
            reply.push_str(&issued.text);
        }
        SearchText {
            name: case.applicant.name.clone(),
            description,
            reply,
        }
    }
}

/// Stores the searchable text of a case: updates its row when it `existed`, else (or when the
/// row is missing: a case stored before search existed) inserts one.
pub fn write_text(
    conn: &mut DbConnection,
    case_id: &str,
    existed: bool,
    text: &SearchText,
) -> StoreResult<()> {
    let updated = if existed {
        crate::db::Reused(
            diesel::update(case_texts::table.filter(case_texts::case_id.eq(case_id)))
                .set((
                    case_texts::name.eq(&text.name),
                    case_texts::description.eq(&text.description),
                    case_texts::reply.eq(&text.reply),
                ))
                .returning(case_texts::case_id),
        )
        .load::<String>(conn)?
        .len()
    } else {
        0
    };
    // A case stored before search existed has no row yet: it gets one now.
    if updated == 0 {
        diesel::insert_into(case_texts::table)
            .values((
                case_texts::case_id.eq(case_id),
                case_texts::name.eq(&text.name),
                case_texts::description.eq(&text.description),
                case_texts::reply.eq(&text.reply),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Longest query accepted (characters), and most terms.
pub const MAX_QUERY_CHARS: usize = 100;
pub const MAX_TERMS: usize = 5;

/// The terms of a query: split at white space (ASCII and full-width), empty ones dropped.
pub fn terms(query: &str) -> Result<Vec<String>, String> {
    let chars = query.chars().count();
    if chars > MAX_QUERY_CHARS {
        return Err(format!(
            "检索词最长 {MAX_QUERY_CHARS} 个字符，收到 {chars} 个"
        ));
    }
    if query.chars().any(char::is_control) {
        return Err("检索词含有控制字符".to_owned());
    }
    let terms: Vec<String> = query
        .split(|c: char| c.is_whitespace() || c == '\u{3000}')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    if terms.is_empty() {
        return Err("请输入检索词".to_owned());
    }
    if terms.len() > MAX_TERMS {
        return Err(format!(
            "最多 {MAX_TERMS} 个检索词，收到 {} 个",
            terms.len()
        ));
    }
    Ok(terms)
}

/// One search hit: the case and its score (higher is better).
#[derive(Debug, Clone)]
pub struct Hit {
    pub row: CaseRow,
    pub score: f64,
}

#[derive(QueryableByName)]
struct RankedId {
    #[diesel(sql_type = Text)]
    case_id: String,
    #[diesel(sql_type = Double)]
    score: f64,
}

/// A LIKE pattern matching `term` anywhere, with `%`, `_` and `\` taken literally.
pub(crate) fn contains_pattern(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('%');
    for c in term.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// Placeholders: `?` for SQLite, `$n` for PostgreSQL.
struct Params {
    pg: bool,
    n: usize,
}

impl Params {
    fn next(&mut self) -> String {
        self.n += 1;
        if self.pg {
            format!("${}", self.n)
        } else {
            "?".to_owned()
        }
    }

    fn list(&mut self, k: usize) -> String {
        (0..k).map(|_| self.next()).collect::<Vec<_>>().join(", ")
    }
}

/// The SQL text and its text binds for the filters of the queue, on the `cases c` alias.
fn filter_sql(filter: &QueueFilter, p: &mut Params, binds: &mut Vec<String>) -> String {
    let mut sql = String::new();
    if let Some(a) = &filter.agency {
        sql.push_str(&format!(" AND c.agency_code = {}", p.next()));
        binds.push(a.clone());
    }
    match filter.scope.reach() {
        Reach::Everything => {}
        Reach::Departments(d) => {
            sql.push_str(&format!(" AND c.department_code IN ({})", p.list(d.len())));
            binds.extend(d.iter().cloned());
        }
        Reach::Account(a) => {
            sql.push_str(&format!(" AND c.account = {}", p.next()));
            binds.push(a.clone());
        }
        Reach::Nothing => sql.push_str(" AND 1 = 0"),
    }
    if let Some(a) = &filter.assignee {
        sql.push_str(&format!(" AND c.assignee = {}", p.next()));
        binds.push(a.clone());
    }
    if !filter.statuses.is_empty() {
        sql.push_str(&format!(
            " AND c.status IN ({})",
            p.list(filter.statuses.len())
        ));
        binds.extend(filter.statuses.iter().map(|s| s.as_str().to_owned()));
    }
    if let Some(w) = &filter.warning_level {
        sql.push_str(&format!(" AND c.warning_level = {}", p.next()));
        binds.push(w.as_str().to_owned());
    }
    sql
}

/// Whether `filter` leaves a few thousand cases at most (open cases, a warning level, one
/// person's cases), so that reading the scope and checking each row beats walking the matches.
fn small_scope(filter: &QueueFilter) -> bool {
    filter.assignee.is_some()
        || filter.warning_level.is_some()
        || (!filter.statuses.is_empty() && filter.statuses.iter().all(|st| st.is_open()))
}

/// Where PostgreSQL's search takes a word for common (see [`pg_common`]); tests lower them to
/// reach each path with a few cases.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    /// Matches over all cases from which a word counts as common.
    pub common: i64,
    /// Fewest of the newest matches ranked by place (more for deep pages); a word with as many
    /// matches within the scope among the `recent` newest requests counts as common too.
    pub window: i64,
    /// How many of the newest requests are read first for a word's matches, before they are
    /// counted through the trigram index.
    pub recent: i64,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            common: 2000,
            window: 100,
            recent: 30_000,
        }
    }
}

/// `LIKE` for a term without letters that have a case (Chinese, digits), `ILIKE` otherwise:
/// the two match alike there, and `ILIKE` lower-cases every text it looks at (on PostgreSQL,
/// twice the work of `LIKE` walking requests in Chinese: 14 against 6.5 ms for 12,000).
fn like_operator(term: &str) -> &'static str {
    if term
        .chars()
        .all(|ch| ch.to_lowercase().eq([ch]) && ch.to_uppercase().eq([ch]))
    {
        "LIKE"
    } else {
        "ILIKE"
    }
}

/// A request's texts as PostgreSQL's walk reads them.
#[derive(QueryableByName)]
struct Texts {
    #[diesel(sql_type = Text)]
    case_id: String,
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    description: String,
    #[diesel(sql_type = Text)]
    reply: String,
}

/// PostgreSQL: the newest `window` requests within `filter` in which every term occurs (in the
/// name, the request or the reply), walked backwards along case_texts' key; within the newest
/// `recent` requests only, when given.
fn pg_walk(
    c: &mut diesel::PgConnection,
    terms: &[String],
    filter: &QueueFilter,
    window: i64,
    recent: Option<i64>,
) -> StoreResult<Vec<Texts>> {
    let mut p = Params { pg: true, n: 0 };
    let mut binds = Vec::new();
    let texts = match recent {
        // A LIMIT inside: the planner cannot move the words' test below it.
        Some(_) => format!(
            "(SELECT id, case_id, name, description, reply FROM case_texts \
             ORDER BY id DESC LIMIT {})",
            p.next()
        ),
        None => "case_texts".to_owned(),
    };
    // Each text's case is looked up on its own (LATERAL, LIMIT 1): with a plain join the
    // planner read every case of the department into a hash (110,000 rows, 40 ms at 1,000,000
    // cases) to keep the hundred it needed.
    let mut scope = Vec::new();
    let filter = filter_sql(filter, &mut p, &mut scope);
    let mut sql = format!(
        "SELECT t.case_id, t.name, t.description, t.reply FROM {texts} t \
         CROSS JOIN LATERAL (SELECT 1 FROM cases c WHERE c.id = t.case_id{filter} LIMIT 1) s \
         WHERE TRUE"
    );
    binds.extend(scope);
    // Each field on its own: a term has no white space, so it cannot span two fields, and the
    // three tests cost less than one over the fields joined.
    for term in terms {
        let op = like_operator(term);
        let (a, b, d) = (p.next(), p.next(), p.next());
        sql.push_str(&format!(
            " AND (t.name {op} {a} OR t.description {op} {b} OR t.reply {op} {d})"
        ));
        let pattern = contains_pattern(term);
        binds.extend([pattern.clone(), pattern.clone(), pattern]);
    }
    sql.push_str(&format!(" ORDER BY t.id DESC LIMIT {}", p.next()));
    let mut q = diesel::sql_query(sql).into_boxed::<diesel::pg::Pg>();
    if let Some(recent) = recent {
        q = q.bind::<BigInt, _>(recent);
    }
    for b in binds {
        q = q.bind::<Text, _>(b);
    }
    let q = q.bind::<BigInt, _>(window);
    if recent.is_some() {
        return Ok(q.load(c)?);
    }
    // The planner cannot estimate the words' test and would read the whole table in parallel
    // and sort it (a second); within this transaction only, it walks the key instead.
    Ok(c.transaction(|c| {
        diesel::sql_query("SET LOCAL enable_seqscan = off").execute(c)?;
        diesel::sql_query("SET LOCAL max_parallel_workers_per_gather = 0").execute(c)?;
        q.load(c)
    })?)
}

/// PostgreSQL, for a word found in many requests and a large scope: the newest matches (100 or
/// more) ranked as on SQLite by where the words occur, because fetching and scoring every
/// match through the trigram index (40,000 rows for a place name) takes a third of a second.
/// First among the newest `thresholds.recent` requests: a word with `thresholds.window`
/// matches within the scope there is common, and nothing is counted. Otherwise the word is
/// counted over all cases and is common when found in `thresholds.common` requests or more.
/// Whether a word is common does not depend on the page asked for, so that the pages of one
/// search cut the same list.
/// None when the words are rare (the index then finds them all quickly and similarity ranks
/// them) or the scope small.
fn pg_common(
    c: &mut diesel::PgConnection,
    terms: &[String],
    filter: &QueueFilter,
    (limit, offset): (i64, i64),
    thresholds: Thresholds,
) -> StoreResult<Option<Vec<RankedId>>> {
    if small_scope(filter) {
        return Ok(None);
    }
    let Thresholds {
        common,
        window: least,
        recent,
    } = thresholds;
    let window = (limit + offset).max(least);
    let newest = pg_walk(c, terms, filter, window, Some(recent))?;
    let found = i64::try_from(newest.len()).unwrap_or(i64::MAX);
    if found >= window {
        return Ok(Some(ranked_by_place(terms, newest, (limit, offset))));
    }
    if found >= least {
        // Common, but a deep page wants more than the newest requests hold.
        let rows = pg_walk(c, terms, filter, window, None)?;
        return Ok(Some(ranked_by_place(terms, rows, (limit, offset))));
    }
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let mut p = Params { pg: true, n: 0 };
    // Counted over all cases, not the scope: joining the scope made the planner slower than
    // the walk it decides on (0.5 s). A small department asking for a word common elsewhere
    // therefore walks further back before it has a page (see PERFORMANCE.md).
    let mut sql = "SELECT count(*) AS n FROM (SELECT 1 FROM case_texts t WHERE TRUE".to_owned();
    for term in terms {
        sql.push_str(&format!(
            " AND (t.name || ' ' || t.description || ' ' || t.reply) {} {}",
            like_operator(term),
            p.next()
        ));
    }
    sql.push_str(&format!(" LIMIT {}) x", p.next()));
    let mut q = diesel::sql_query(sql).into_boxed::<diesel::pg::Pg>();
    for t in terms {
        q = q.bind::<Text, _>(contains_pattern(t));
    }
    let n = q.bind::<BigInt, _>(common).get_result::<Count>(c)?.n;
    if n < common {
        return Ok(None);
    }
    let rows = pg_walk(c, terms, filter, window, None)?;
    Ok(Some(ranked_by_place(terms, rows, (limit, offset))))
}

/// The page `(limit, offset)` of `rows` (newest first) ranked by where the words occur, as on
/// SQLite: all in the name (3), in the request (2), in the reply (1), spread (0.5); the newest
/// first within a rank.
fn ranked_by_place(
    terms: &[String],
    rows: Vec<Texts>,
    (limit, offset): (i64, i64),
) -> Vec<RankedId> {
    let lower: Vec<String> = terms.iter().map(|t| t.to_lowercase()).collect();
    let all_in = |field: &str| {
        let field = field.to_lowercase();
        lower.iter().all(|t| field.contains(t.as_str()))
    };
    let mut ranked: Vec<RankedId> = rows
        .into_iter()
        .map(|r| RankedId {
            score: if all_in(&r.name) {
                3.0
            } else if all_in(&r.description) {
                2.0
            } else if all_in(&r.reply) {
                1.0
            } else {
                0.5
            },
            case_id: r.case_id,
        })
        .collect();
    // Stable: the newest first within a rank.
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score));
    ranked
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect()
}

/// SQLite: where the words occur ranks a hit — all in the applicant's name (3), in the request
/// (2), in the reply (1), spread over the fields (0.5) — and the newest first within a rank.
/// Each rank is one FTS5 query read in rowid order (newest first) that stops at the page's
/// end, so a common word costs no more than a rare one; bm25 would score every match (110 ms
/// for a place name found in 40,000 requests) before returning fifty.
fn sqlite_ranked(
    c: &mut diesel::SqliteConnection,
    long: &[&String],
    short: &[&String],
    filter: &QueueFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<RankedId>> {
    let phrase = long
        .iter()
        .map(|t| fts_phrase(t))
        .collect::<Vec<_>>()
        .join(" AND ");
    // A small scope (open cases, a warning level, one person's cases: a few thousand rows
    // where all cases are a million) is read from the queue's indexes and each row checked
    // against the matches; walking the matches newest first would pass thousands of closed
    // cases before finding fifty open ones. (CROSS JOIN and the unary + keep SQLite from
    // driving the query by the matches instead.)
    if small_scope(filter) {
        let mut p = Params { pg: false, n: 0 };
        let mut binds = Vec::new();
        let mut score = "CASE".to_owned();
        for (column, weight) in [("name", 3.0), ("description", 2.0), ("reply", 1.0)] {
            score.push_str(&format!(
                " WHEN t.id IN (SELECT rowid FROM case_search WHERE case_search MATCH {}) \
                 THEN {weight:.1}",
                p.next()
            ));
            binds.push(format!("{column} : ({phrase})"));
        }
        score.push_str(" ELSE 0.5 END");
        let m = p.next();
        binds.push(phrase.clone());
        let mut sql = format!(
            "SELECT t.case_id AS case_id, {score} AS score \
             FROM cases c CROSS JOIN case_texts t ON t.case_id = c.id \
             WHERE +t.id IN (SELECT rowid FROM case_search WHERE case_search MATCH {m})"
        );
        sql.push_str(&like_sql(short, &mut p, &mut binds));
        sql.push_str(&filter_sql(filter, &mut p, &mut binds));
        let (l, o) = (p.next(), p.next());
        sql.push_str(&format!(
            " ORDER BY score DESC, t.id DESC LIMIT {l} OFFSET {o}"
        ));
        let mut q = diesel::sql_query(sql).into_boxed::<diesel::sqlite::Sqlite>();
        for b in binds {
            q = q.bind::<Text, _>(b);
        }
        return Ok(q
            .bind::<BigInt, _>(limit)
            .bind::<BigInt, _>(offset)
            .load(c)?);
    }
    let wanted = limit + offset;
    let mut found: Vec<RankedId> = Vec::new();
    for (column, weight) in [
        (Some("name"), 3.0),
        (Some("description"), 2.0),
        (Some("reply"), 1.0),
        (None, 0.5),
    ] {
        let mut p = Params { pg: false, n: 0 };
        let mut binds = vec![match column {
            Some(col) => format!("{col} : ({phrase})"),
            None => phrase.clone(),
        }];
        let m = p.next();
        let mut sql = format!(
            "SELECT t.case_id AS case_id, {weight:.1} AS score \
             FROM case_search s JOIN case_texts t ON t.id = s.rowid \
             JOIN cases c ON c.id = t.case_id WHERE case_search MATCH {m}"
        );
        sql.push_str(&like_sql(short, &mut p, &mut binds));
        sql.push_str(&filter_sql(filter, &mut p, &mut binds));
        sql.push_str(&format!(" ORDER BY s.rowid DESC LIMIT {}", p.next()));
        let mut q = diesel::sql_query(sql).into_boxed::<diesel::sqlite::Sqlite>();
        for b in binds {
            q = q.bind::<Text, _>(b);
        }
        let rows: Vec<RankedId> = q.bind::<BigInt, _>(wanted).load(c)?;
        for r in rows {
            if !found.iter().any(|f| f.case_id == r.case_id) {
                found.push(r);
            }
        }
        if found.len() as i64 >= wanted {
            break;
        }
    }
    Ok(found
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect())
}

/// SQLite: each short term (no trigram to look up) somewhere in the name, request or reply.
fn like_sql(short: &[&String], p: &mut Params, binds: &mut Vec<String>) -> String {
    let mut sql = String::new();
    for term in short {
        let (a, b, c) = (p.next(), p.next(), p.next());
        sql.push_str(&format!(
            " AND (t.name LIKE {a} ESCAPE '\\' OR t.description LIKE {b} ESCAPE '\\' \
             OR t.reply LIKE {c} ESCAPE '\\')"
        ));
        let pattern = contains_pattern(term);
        binds.extend([pattern.clone(), pattern.clone(), pattern]);
    }
    sql
}

/// A phrase of FTS5's query language for `term`.
fn fts_phrase(term: &str) -> String {
    format!("\"{}\"", term.replace('"', "\"\""))
}

/// Searches the cases `filter` allows for `query`; returns one page of hits, best first.
pub fn search(
    conn: &mut DbConnection,
    query: &str,
    filter: &QueueFilter,
    limit: i64,
    offset: i64,
) -> StoreResult<Vec<Hit>> {
    search_with(conn, query, filter, limit, offset, Thresholds::default())
}

/// [`search`] with the thresholds from which PostgreSQL takes a word for common (tests lower
/// them to reach each path with a few cases).
pub fn search_with(
    conn: &mut DbConnection,
    query: &str,
    filter: &QueueFilter,
    limit: i64,
    offset: i64,
    thresholds: Thresholds,
) -> StoreResult<Vec<Hit>> {
    let terms = terms(query).map_err(|e| StoreError::invalid("q", e))?;
    if filter.scope.sees_nothing() {
        return Ok(Vec::new());
    }
    let (long, short): (Vec<&String>, Vec<&String>) =
        terms.iter().partition(|t| t.chars().count() >= 3);
    if let DbConnection::Sqlite(c) = conn
        && !long.is_empty()
    {
        let ranked = sqlite_ranked(c, &long, &short, filter, limit, offset)?;
        return rows_of(conn, ranked);
    }
    if let DbConnection::Pg(c) = conn
        && let Some(ranked) = pg_common(c, &terms, filter, (limit, offset), thresholds)?
    {
        return rows_of(conn, ranked);
    }
    let pg = matches!(conn, DbConnection::Pg(_));
    let mut p = Params { pg, n: 0 };
    let mut binds: Vec<String> = Vec::new();
    let mut sql;
    if pg {
        const EXPR: &str = "(t.name || ' ' || t.description || ' ' || t.reply)";
        let all = p.next();
        binds.push(terms.join(" "));
        sql = format!(
            "SELECT t.case_id AS case_id, public.similarity({EXPR}, {all})::float8 AS score \
             FROM case_texts t JOIN cases c ON c.id = t.case_id WHERE TRUE"
        );
        for term in &terms {
            sql.push_str(&format!(" AND {EXPR} {} {}", like_operator(term), p.next()));
            binds.push(contains_pattern(term));
        }
        sql.push_str(&filter_sql(filter, &mut p, &mut binds));
        sql.push_str(" ORDER BY score DESC, c.created_at DESC, c.id");
    } else {
        // Only short terms (long ones went to `sqlite_ranked`): a scan of the scope.
        sql = "SELECT t.case_id AS case_id, 0.0 AS score \
               FROM case_texts t JOIN cases c ON c.id = t.case_id WHERE 1"
            .to_owned();
        sql.push_str(&like_sql(&short, &mut p, &mut binds));
        sql.push_str(&filter_sql(filter, &mut p, &mut binds));
        // Newest first, read backwards from the end of case_texts: a common word stops early.
        sql.push_str(" ORDER BY t.id DESC");
    }
    let (l, o) = (p.next(), p.next());
    sql.push_str(&format!(" LIMIT {l} OFFSET {o}"));
    let ranked: Vec<RankedId> = match conn {
        DbConnection::Pg(c) => {
            let mut q = diesel::sql_query(sql).into_boxed::<diesel::pg::Pg>();
            for b in binds {
                q = q.bind::<Text, _>(b);
            }
            q.bind::<BigInt, _>(limit)
                .bind::<BigInt, _>(offset)
                .load(c)?
        }
        DbConnection::Sqlite(c) => {
            let mut q = diesel::sql_query(sql).into_boxed::<diesel::sqlite::Sqlite>();
            for b in binds {
                q = q.bind::<Text, _>(b);
            }
            q.bind::<BigInt, _>(limit)
                .bind::<BigInt, _>(offset)
                .load(c)?
        }
    };
    rows_of(conn, ranked)
}

/// The projection rows of `ranked`, in its order.
fn rows_of(conn: &mut DbConnection, ranked: Vec<RankedId>) -> StoreResult<Vec<Hit>> {
    let ids: Vec<&str> = ranked.iter().map(|r| r.case_id.as_str()).collect();
    let mut rows: Vec<CaseRow> = cases::table
        .filter(cases::id.eq_any(&ids))
        .select(CaseRow::as_select())
        .load(conn)?;
    let mut hits = Vec::with_capacity(ranked.len());
    for r in ranked {
        if let Some(i) = rows.iter().position(|row| row.id == r.case_id) {
            hits.push(Hit {
                row: rows.swap_remove(i),
                score: r.score,
            });
        }
    }
    Ok(hits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_split_into_terms_and_bad_ones_are_refused() {
        assert_eq!(
            terms(" 拆迁　补偿 2024 ").unwrap(),
            ["拆迁", "补偿", "2024"]
        );
        assert!(terms("   ").is_err());
        assert!(terms("a b c d e f").is_err());
        assert!(terms(&"字".repeat(101)).is_err());
        assert!(terms("a\u{7}b").is_err());
        assert_eq!(contains_pattern("10%_a\\"), "%10\\%\\_a\\\\%");
        assert_eq!(fts_phrase("a\"b"), "\"a\"\"b\"");
    }

    #[test]
    fn like_is_used_where_case_cannot_differ() {
        for term in ["老旧小区", "2024", "（2024）第12号", "-_%"] {
            assert_eq!(like_operator(term), "LIKE", "{term}");
        }
        for term in ["abc", "京A12345", "Ａ", "straße", "Ωμέγα"] {
            assert_eq!(like_operator(term), "ILIKE", "{term}");
        }
    }
}
