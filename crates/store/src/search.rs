//! Staff full-text search over applicant names, request descriptions and replies, Chinese
//! included: SQLite's FTS5 with the trigram tokenizer, PostgreSQL's pg_trgm (migration
//! 2026-11-23-000006). `execute` keeps `case_texts` in step with the events.
//!
//! A query is split at white space into terms; a case matches when every term occurs in its
//! name, request or reply. Terms of three characters or more are looked up in the trigram
//! index; shorter ones (a trigram index cannot serve them) are checked on the rows the longer
//! terms and the filters leave, or by a scan when the query has only short terms. Results are
//! ranked: by bm25 over the three fields weighted 3 : 2 : 1 on SQLite, by trigram similarity
//! on PostgreSQL; the newest first where the scores tie.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Double, Text};
use gongkai_workflow::Case;

use crate::db::DbConnection;
use crate::error::{StoreError, StoreResult};
use crate::execute::CaseRow;
use crate::queries::QueueFilter;
use crate::schema::{case_texts, cases};

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

/// Stores the searchable text of `case` when it differs from `before` (none: a new case).
pub fn write_text(
    conn: &mut DbConnection,
    case_id: &str,
    before: Option<&SearchText>,
    case: &Case,
) -> StoreResult<()> {
    let text = SearchText::of(case);
    if before == Some(&text) {
        return Ok(());
    }
    let updated = if before.is_some() {
        diesel::update(case_texts::table.filter(case_texts::case_id.eq(case_id)))
            .set((
                case_texts::name.eq(&text.name),
                case_texts::description.eq(&text.description),
                case_texts::reply.eq(&text.reply),
            ))
            .execute(conn)?
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
fn contains_pattern(term: &str) -> String {
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
    if !filter.departments.is_empty() {
        sql.push_str(&format!(
            " AND c.department_code IN ({})",
            p.list(filter.departments.len())
        ));
        binds.extend(filter.departments.iter().cloned());
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
        binds.extend(filter.statuses.iter().cloned());
    }
    if let Some(w) = &filter.warning_level {
        sql.push_str(&format!(" AND c.warning_level = {}", p.next()));
        binds.push(w.clone());
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
    let terms = terms(query).map_err(|e| StoreError::Invalid(format!("q: {e}")))?;
    let (long, short): (Vec<&String>, Vec<&String>) =
        terms.iter().partition(|t| t.chars().count() >= 3);
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
            sql.push_str(&format!(" AND {EXPR} ILIKE {}", p.next()));
            binds.push(contains_pattern(term));
        }
        sql.push_str(&filter_sql(filter, &mut p, &mut binds));
        sql.push_str(" ORDER BY score DESC, c.created_at DESC, c.id");
    } else {
        if long.is_empty() {
            sql = "SELECT t.case_id AS case_id, 0.0 AS score \
                   FROM case_texts t JOIN cases c ON c.id = t.case_id WHERE 1"
                .to_owned();
        } else {
            let m = p.next();
            binds.push(
                long.iter()
                    .map(|t| fts_phrase(t))
                    .collect::<Vec<_>>()
                    .join(" AND "),
            );
            sql = format!(
                "SELECT t.case_id AS case_id, -bm25(case_search, 3.0, 2.0, 1.0) AS score \
                 FROM case_search s JOIN case_texts t ON t.id = s.rowid \
                 JOIN cases c ON c.id = t.case_id WHERE case_search MATCH {m}"
            );
        }
        for term in &short {
            let (a, b, c) = (p.next(), p.next(), p.next());
            sql.push_str(&format!(
                " AND (t.name LIKE {a} ESCAPE '\\' OR t.description LIKE {b} ESCAPE '\\' \
                 OR t.reply LIKE {c} ESCAPE '\\')"
            ));
            let pattern = contains_pattern(term);
            binds.extend([pattern.clone(), pattern.clone(), pattern]);
        }
        sql.push_str(&filter_sql(filter, &mut p, &mut binds));
        sql.push_str(" ORDER BY score DESC, c.created_at DESC, c.id");
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

/// The cases of `agency` recorded from `since` whose request contains at least two of `chunks`
/// (all of them when there are fewer than three), best first: the candidates for requests
/// like one being looked at. Pairs keep the set small where one common chunk alone (a place, a
/// subject) would match a large part of the agency's requests.
pub fn candidates(
    conn: &mut DbConnection,
    agency: &str,
    since: chrono::NaiveDateTime,
    chunks: &[String],
    limit: i64,
) -> StoreResult<Vec<String>> {
    let chunks: Vec<&String> = chunks.iter().take(4).collect();
    if chunks.is_empty() {
        return Ok(Vec::new());
    }
    let mut groups: Vec<Vec<usize>> = Vec::new();
    if chunks.len() < 3 {
        groups.push((0..chunks.len()).collect());
    } else {
        for a in 0..chunks.len() {
            for b in a + 1..chunks.len() {
                groups.push(vec![a, b]);
            }
        }
    }
    let ranked: Vec<RankedId> = match conn {
        DbConnection::Sqlite(c) => {
            let expr = groups
                .iter()
                .map(|g| {
                    format!(
                        "({})",
                        g.iter()
                            .map(|&i| fts_phrase(chunks[i]))
                            .collect::<Vec<_>>()
                            .join(" AND ")
                    )
                })
                .collect::<Vec<_>>()
                .join(" OR ");
            diesel::sql_query(
                "SELECT t.case_id AS case_id, -s.rank AS score \
                 FROM case_search s JOIN case_texts t ON t.id = s.rowid \
                 JOIN cases c ON c.id = t.case_id \
                 WHERE case_search MATCH ? AND c.agency_code = ? AND c.created_at >= ? \
                 ORDER BY s.rank LIMIT ?",
            )
            .bind::<Text, _>(format!("description : ({expr})"))
            .bind::<Text, _>(agency)
            .bind::<diesel::sql_types::Timestamp, _>(since)
            .bind::<BigInt, _>(limit)
            .load(c)?
        }
        DbConnection::Pg(c) => {
            let mut p = Params { pg: true, n: 0 };
            let mut binds = Vec::new();
            let expr = groups
                .iter()
                .map(|g| {
                    format!(
                        "({})",
                        g.iter()
                            .map(|&i| {
                                binds.push(contains_pattern(chunks[i]));
                                format!("t.description ILIKE {}", p.next())
                            })
                            .collect::<Vec<_>>()
                            .join(" AND ")
                    )
                })
                .collect::<Vec<_>>()
                .join(" OR ");
            const EXPR: &str = "(t.name || ' ' || t.description || ' ' || t.reply)";
            // The indexed expression narrows the rows (trigram index); the description
            // conditions decide.
            let index = groups
                .iter()
                .map(|g| {
                    format!(
                        "({})",
                        g.iter()
                            .map(|&i| {
                                binds.push(contains_pattern(chunks[i]));
                                format!("{EXPR} ILIKE {}", p.next())
                            })
                            .collect::<Vec<_>>()
                            .join(" AND ")
                    )
                })
                .collect::<Vec<_>>()
                .join(" OR ");
            let (a, s, l) = (p.next(), p.next(), p.next());
            let sql = format!(
                "SELECT t.case_id AS case_id, 0::float8 AS score \
                 FROM case_texts t JOIN cases c ON c.id = t.case_id \
                 WHERE ({index}) AND ({expr}) AND c.agency_code = {a} AND c.created_at >= {s} \
                 ORDER BY c.created_at DESC LIMIT {l}"
            );
            let mut q = diesel::sql_query(sql).into_boxed::<diesel::pg::Pg>();
            for b in binds {
                q = q.bind::<Text, _>(b);
            }
            q.bind::<Text, _>(agency.to_owned())
                .bind::<diesel::sql_types::Timestamp, _>(since)
                .bind::<BigInt, _>(limit)
                .load(c)?
        }
    };
    Ok(ranked.into_iter().map(|r| r.case_id).collect())
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
}
