//! `khkr-match bench match --peer postgres`: the same generated SMEs and investors ranked the
//! way a competent team without this project would, in PostgreSQL, timed side by side with our
//! engine.
//!
//! What the peer is:
//! - **Tables.** `smes` holds one narrow row of per-SME facts (ISIC lineage, digital level,
//!   province, capital range, partnership mask and its bit count, the incentive facts our
//!   incentive engine computes: the law's rules are not SQL, so a team would store them too).
//!   The `tsvector` (`'simple'` configuration, GIN index) lives in `sme_text`, so the scan that
//!   scores every SME does not drag ~1.5 kB of text per row through the buffer cache. Only the
//!   texts our engine indexes go in (an anonymous SME's name does not). `investors` holds the
//!   investor's side, with its own `tsvector` and GIN index.
//! - **After the bulk load** (timed apart): GIN indexes, `VACUUM ANALYZE`, and a table of the
//!   words of each side with their document counts from `ts_stat`, leaving out stop words
//!   (found in more than 5% of the documents and in more than 1,000 of them): `'simple'` has no
//!   stop-word list and the texts are in three languages, so the corpus supplies one.
//! - **A query is two statements**, as an application would issue them: read the one side's
//!   row by id (its query words, rarest first, at most 24, as a `tsquery`; its feature inputs),
//!   then rank the other side with those values as bind parameters, which the planner folds
//!   into constants (a joined one-row CTE would be re-read per row and is parallel-restricted).
//!   Parallel query and JIT are left at PostgreSQL's defaults.
//! - **Text.** `ts_rank` runs once per row the GIN index finds for the query words, normalised
//!   by the maximum in a window, and the result is hash-joined to the scoring scan (no text: 0).
//!   The window keeps the scoring scan serial; taking the maximum in a scalar subquery instead
//!   lets the planner go parallel, but it then ran `ts_rank` twice, scanned the whole text table
//!   in parallel workers and paid ~4 s of JIT inlining: 10.7 s against 6.0 s on a 1,000,000-row
//!   copy of the data in `psql`, so the window stays.
//! - **The six other features** are computed per row in SQL, each written to perform the very
//!   same floating-point operations as `matching::features`, so with the TEXT weight at 0 both
//!   engines must return the same top 10, ties included (both break ties by id ascending): the
//!   benchmark checks it, in both directions.
//!
//! Why it was rewritten: the first version referenced a one-row CTE of the query words inside
//! the per-row expressions; PostgreSQL inlined it, so every SME re-parsed the investor's whole
//! text four times (`EXPLAIN ANALYZE`: SubPlans with loops=10000, 4.3 s at 10,000 SMEs) and
//! the query words included "a", "and", "in", so `ts_rank` ran on 99% of the rows. The same
//! investor on the same 10,000 SMEs: 4.3 s before, 40 ms now. The old figures made any ratio
//! quoted from them dishonest.

use std::time::{Duration, Instant};

use sqlx::postgres::{PgPool, PgPoolOptions, PgRow};
use sqlx::Row;

use super::{setup, BenchError, Latency};
use crate::domain::ids::ProfileId;
use crate::domain::investor::Investor;
use crate::domain::profile::IncentivePreference;
use crate::domain::sector::{isic, IsicLevel};
use crate::domain::sme::Sme;
use crate::domain::text::LocalizedText;
use crate::matching::features::{partnership_mask, IncentiveFacts};
use crate::matching::weights::{Feature, Weights};

/// A scratch schema in a PostgreSQL database, dropped by [`PeerDb::drop_schema`].
pub struct PeerDb {
    pool: PgPool,
    schema: String,
    investor_sql: String,
    rank_smes_sql: String,
    sme_sql: String,
    rank_investors_sql: String,
}

/// One batch of SMEs as column arrays, for one `INSERT … SELECT FROM unnest(…)`.
#[derive(Default)]
struct SmeRows(
    Vec<String>,
    Vec<String>,
    Vec<Option<String>>,
    Vec<Option<String>>,
    Vec<Option<String>>,
    Vec<i32>,
    Vec<String>,
    Vec<Option<f64>>,
    Vec<Option<f64>>,
    Vec<i32>,
    Vec<i32>,
    Vec<String>,
);

/// The codes of an ISIC node's lineage by level: (class, group, division, section).
fn lineage(code: &str) -> [Option<String>; 4] {
    let mut out: [Option<String>; 4] = Default::default();
    for n in isic().lineage(code) {
        let i = match n.level {
            IsicLevel::Class => 0,
            IsicLevel::Group => 1,
            IsicLevel::Division => 2,
            IsicLevel::Section => 3,
        };
        out[i] = Some(n.code.clone());
    }
    out
}

fn all_text(texts: &[&LocalizedText]) -> String {
    texts
        .iter()
        .flat_map(|t| t.texts())
        .collect::<Vec<_>>()
        .join(" ")
}

fn bound(v: Option<i64>) -> Option<f64> {
    v.map(|v| v as f64)
}

/// Words in more than this share of a side's documents are stop words …
const STOP_SHARE: f64 = 0.05;
/// … unless they are in at most this many (a small corpus keeps its words).
const STOP_MIN_DOCS: i64 = 1_000;
/// At most this many of the other side's words are searched for, rarest first.
const QUERY_WORDS: i64 = 24;

/// The investor's side of `rank_smes`, read by id: $1 the investor.
fn investor_sql(s: &str) -> String {
    format!(
        "SELECT (SELECT to_tsquery('simple', coalesce(string_agg(quote_literal(word), ' | '), ''))
                 FROM (SELECT w.word FROM {s}.sme_words AS w
                       WHERE w.word = ANY(tsvector_to_array(i.tsv))
                       ORDER BY w.ndoc, w.word LIMIT {QUERY_WORDS}) AS t)::text,
                i.interests, i.int_groups, i.int_divisions, i.int_sections, i.excluded,
                i.t_min, i.t_max, i.offered, i.provinces,
                -- digital_fit for an SME at level 0, 1, 2: a lookup per row, not a subquery.
                ARRAY(SELECT CASE WHEN cardinality(i.digital) = 0 OR l = ANY(i.digital)
                                  THEN 1::float8
                                  WHEN l - 1 = ANY(i.digital) OR l + 1 = ANY(i.digital)
                                  THEN 0.5::float8
                                  ELSE 0::float8 END
                      FROM generate_series(0, 2) AS l ORDER BY l),
                i.n_prefs, i.p_qip, i.p_duty, i.p_sez, i.p_fta, i.p_enhanced
         FROM {s}.investors AS i WHERE i.id = $1::uuid"
    )
}

/// Ranks SMEs for an investor: $1 the investor's `tsquery`, $2..$8 the weights in
/// `Feature::ALL` order, $9 k, $10.. the investor's row as read by [`investor_sql`].
///
/// Each feature mirrors its function in `matching::features` operation for operation (same
/// constants, same order of additions), so scores are bit-identical to the Rust engine's when
/// the TEXT weight is 0.
fn rank_smes_sql(s: &str) -> String {
    format!(
        "SELECT s.id::text,
             ((((($2::float8 * coalesce(txt.tr, 0::float8)
                 + $3::float8 * sec.v)
                 + $4::float8 * ($19::float8[])[s.digital + 1])
                 + $5::float8 * (CASE WHEN $20::int = 0 THEN 0.5::float8
                        WHEN s.negative_list THEN 0::float8
                        ELSE ((((CASE WHEN $21::bool
                                   THEN greatest(s.tax_holiday, s.sme_scheme)::float8
                                        / 9::float8
                                   ELSE 0::float8 END
                               + CASE WHEN $22::bool AND s.import_duty THEN 1::float8
                                      ELSE 0::float8 END)
                               + CASE WHEN $23::bool AND s.sez THEN 1::float8 ELSE 0::float8 END)
                               + CASE WHEN $24::bool AND s.ckfta THEN 1::float8
                                      ELSE 0::float8 END)
                               + CASE WHEN $25::bool AND (s.qip OR s.sme_scheme > 0)
                                      THEN 1::float8 ELSE 0::float8 END)
                             / $20::int::float8
                   END) * sec.v)
                 + $6::float8 * CASE WHEN s.cap_min IS NULL AND s.cap_max IS NULL THEN 0.5::float8
                       WHEN $15::float8 IS NULL AND $16::float8 IS NULL THEN 0.5::float8
                       WHEN t.lo <= t.hi THEN
                           CASE WHEN t.narrower <= 0 OR t.narrower = 'Infinity'::float8
                                THEN 1::float8
                                ELSE least(greatest((t.hi - t.lo) / t.narrower, 0.5::float8),
                                           1::float8)
                           END
                       ELSE greatest(0.5::float8 - abs(log(greatest(t.lo, 1::float8))
                                                       - log(greatest(t.hi, 1::float8))),
                                     0::float8)
                  END)
                 + $7::float8 * CASE WHEN s.sought = 0 THEN 0.5::float8
                       ELSE bit_count((s.sought & $17::int)::bit(16))::float8
                            / s.n_sought::float8 END)
                 + $8::float8 * CASE WHEN cardinality($18::text[]) = 0
                                          OR s.province = ANY($18::text[])
                                     THEN 1::float8 ELSE 0::float8 END AS score
         FROM {s}.smes AS s
         -- Text relevance of the SMEs the GIN index finds, normalised by the best of them.
         LEFT JOIN (
             SELECT id, tr / nullif(max(tr) OVER (), 0) AS tr
             FROM (SELECT x.id, ts_rank(x.tsv, q.q)::float8 AS tr
                   FROM {s}.sme_text AS x, (SELECT $1::tsquery AS q OFFSET 0) AS q
                   WHERE x.tsv @@ q.q
                   -- Keeps the (wide) tsvector out of the window's input.
                   OFFSET 0) AS y
         ) AS txt ON txt.id = s.id
         -- ISIC tree distance: inside an interest 1, else the deepest shared level.
         CROSS JOIN LATERAL (SELECT CASE
             WHEN cardinality($10::text[]) = 0 THEN 0.5::float8
             WHEN s.class = ANY($10::text[]) OR s.grp = ANY($10::text[])
                  OR s.division = ANY($10::text[]) OR s.section = ANY($10::text[])
                  THEN 1::float8
             WHEN s.grp = ANY($11::text[]) THEN 0.8::float8
             WHEN s.division = ANY($12::text[]) THEN 0.6::float8
             WHEN s.section = ANY($13::text[]) THEN 0.4::float8
             ELSE 0::float8 END AS v) AS sec
         CROSS JOIN LATERAL (
             SELECT greatest(coalesce(s.cap_min, 0), coalesce($15::float8, 0)) AS lo,
                    least(coalesce(s.cap_max, 'Infinity'), coalesce($16::float8, 'Infinity'))
                        AS hi,
                    least(coalesce(s.cap_max, 'Infinity') - coalesce(s.cap_min, 0),
                          coalesce($16::float8, 'Infinity') - coalesce($15::float8, 0))
                        AS narrower) AS t
         WHERE s.status = 'PUBLISHED'
           AND NOT (s.class = ANY($14::text[]) OR s.grp = ANY($14::text[])
                    OR s.division = ANY($14::text[]) OR s.section = ANY($14::text[]))
         ORDER BY score DESC, s.id
         LIMIT $9"
    )
}

/// The SME's side of `rank_investors`, read by id: $1 the SME.
fn sme_sql(s: &str) -> String {
    format!(
        "SELECT (SELECT to_tsquery('simple', coalesce(string_agg(quote_literal(word), ' | '), ''))
                 FROM (SELECT w.word FROM {s}.investor_words AS w
                       WHERE w.word = ANY(tsvector_to_array(x.tsv))
                       ORDER BY w.ndoc, w.word LIMIT {QUERY_WORDS}) AS t)::text,
                s.grp, s.division, s.section,
                array_remove(ARRAY[s.class, s.grp, s.division, s.section], NULL),
                s.digital, s.cap_min, s.cap_max, s.sought, s.n_sought, s.province,
                s.negative_list, s.qip, greatest(s.tax_holiday, s.sme_scheme), s.sme_scheme,
                s.ckfta, s.sez, s.import_duty
         FROM {s}.smes AS s JOIN {s}.sme_text AS x ON x.id = s.id
         WHERE s.id = $1::uuid"
    )
}

/// Ranks investors for an SME: $1 the SME's `tsquery`, $2..$8 the weights, $9 k, $10.. the
/// SME's row as read by [`sme_sql`]. The same features as [`rank_smes_sql`], the constants
/// and the columns changing sides.
fn rank_investors_sql(s: &str) -> String {
    format!(
        "SELECT i.id::text,
             ((((($2::float8 * coalesce(txt.tr, 0::float8)
                 + $3::float8 * sec.v)
                 + $4::float8 * CASE WHEN cardinality(i.digital) = 0
                                          OR $14::int = ANY(i.digital) THEN 1::float8
                                     WHEN $14::int - 1 = ANY(i.digital)
                                          OR $14::int + 1 = ANY(i.digital) THEN 0.5::float8
                                     ELSE 0::float8 END)
                 + $5::float8 * (CASE WHEN i.n_prefs = 0 THEN 0.5::float8
                        WHEN $20::bool THEN 0::float8
                        ELSE ((((CASE WHEN i.p_qip THEN $22::int::float8 / 9::float8
                                      ELSE 0::float8 END
                               + CASE WHEN i.p_duty AND $26::bool THEN 1::float8
                                      ELSE 0::float8 END)
                               + CASE WHEN i.p_sez AND $25::bool THEN 1::float8 ELSE 0::float8 END)
                               + CASE WHEN i.p_fta AND $24::bool THEN 1::float8
                                      ELSE 0::float8 END)
                               + CASE WHEN i.p_enhanced AND ($21::bool OR $23::int > 0)
                                      THEN 1::float8 ELSE 0::float8 END)
                             / i.n_prefs::float8
                   END) * sec.v)
                 + $6::float8 * CASE WHEN $15::float8 IS NULL AND $16::float8 IS NULL
                                     THEN 0.5::float8
                       WHEN i.t_min IS NULL AND i.t_max IS NULL THEN 0.5::float8
                       WHEN t.lo <= t.hi THEN
                           CASE WHEN t.narrower <= 0 OR t.narrower = 'Infinity'::float8
                                THEN 1::float8
                                ELSE least(greatest((t.hi - t.lo) / t.narrower, 0.5::float8),
                                           1::float8)
                           END
                       ELSE greatest(0.5::float8 - abs(log(greatest(t.lo, 1::float8))
                                                       - log(greatest(t.hi, 1::float8))),
                                     0::float8)
                  END)
                 + $7::float8 * CASE WHEN $17::int = 0 THEN 0.5::float8
                       ELSE bit_count(($17::int & i.offered)::bit(16))::float8
                            / $18::int::float8 END)
                 + $8::float8 * CASE WHEN cardinality(i.provinces) = 0
                                          OR $19::text = ANY(i.provinces)
                                     THEN 1::float8 ELSE 0::float8 END AS score
         FROM {s}.investors AS i
         LEFT JOIN (
             SELECT id, tr / nullif(max(tr) OVER (), 0) AS tr
             FROM (SELECT x.id, ts_rank(x.tsv, q.q)::float8 AS tr
                   FROM {s}.investors AS x, (SELECT $1::tsquery AS q OFFSET 0) AS q
                   WHERE x.tsv @@ q.q
                   OFFSET 0) AS y
         ) AS txt ON txt.id = i.id
         CROSS JOIN LATERAL (SELECT CASE
             WHEN cardinality(i.interests) = 0 THEN 0.5::float8
             WHEN i.interests && $13::text[] THEN 1::float8
             WHEN $10::text = ANY(i.int_groups) THEN 0.8::float8
             WHEN $11::text = ANY(i.int_divisions) THEN 0.6::float8
             WHEN $12::text = ANY(i.int_sections) THEN 0.4::float8
             ELSE 0::float8 END AS v) AS sec
         CROSS JOIN LATERAL (
             SELECT greatest(coalesce($15::float8, 0), coalesce(i.t_min, 0)) AS lo,
                    least(coalesce($16::float8, 'Infinity'), coalesce(i.t_max, 'Infinity'))
                        AS hi,
                    least(coalesce($16::float8, 'Infinity') - coalesce($15::float8, 0),
                          coalesce(i.t_max, 'Infinity') - coalesce(i.t_min, 0)) AS narrower)
             AS t
         WHERE NOT (i.excluded && $13::text[])
         ORDER BY score DESC, i.id
         LIMIT $9"
    )
}

fn decode<'r, T: sqlx::Decode<'r, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>>(
    row: &'r PgRow,
    i: usize,
) -> Result<T, BenchError> {
    row.try_get(i).map_err(setup)
}

fn ranked(rows: Vec<(String, f64)>) -> Result<Vec<(ProfileId, f64)>, BenchError> {
    rows.into_iter()
        .map(|(id, score)| Ok((ProfileId::parse(&id).map_err(BenchError::Setup)?, score)))
        .collect()
}

impl PeerDb {
    /// Connects and creates the scratch schema `khkr_peer_<pid>` with its tables.
    pub async fn open(url: &str) -> Result<Self, BenchError> {
        let pool = PgPoolOptions::new()
            .max_connections(2)
            .connect(url)
            .await
            .map_err(|e| BenchError::Setup(format!("connecting to the peer database: {e}")))?;
        let schema = format!("khkr_peer_{}", std::process::id());
        let ddl = format!(
            "DROP SCHEMA IF EXISTS {s} CASCADE;
             CREATE SCHEMA {s};
             CREATE TABLE {s}.smes (
                 id uuid PRIMARY KEY,
                 status text NOT NULL,
                 class text NOT NULL, grp text, division text, section text,
                 digital int NOT NULL,
                 province text NOT NULL,
                 cap_min float8, cap_max float8,
                 sought int NOT NULL, n_sought int NOT NULL,
                 negative_list bool NOT NULL, qip bool NOT NULL,
                 tax_holiday int NOT NULL, sme_scheme int NOT NULL,
                 ckfta bool NOT NULL, sez bool NOT NULL, import_duty bool NOT NULL
             );
             CREATE TABLE {s}.sme_text (
                 id uuid PRIMARY KEY REFERENCES {s}.smes,
                 tsv tsvector NOT NULL
             );
             CREATE TABLE {s}.investors (
                 id uuid PRIMARY KEY,
                 tsv tsvector NOT NULL,
                 interests text[] NOT NULL, int_groups text[] NOT NULL,
                 int_divisions text[] NOT NULL, int_sections text[] NOT NULL,
                 excluded text[] NOT NULL,
                 t_min float8, t_max float8,
                 offered int NOT NULL,
                 provinces text[] NOT NULL,
                 digital int[] NOT NULL,
                 p_qip bool NOT NULL, p_duty bool NOT NULL, p_sez bool NOT NULL,
                 p_fta bool NOT NULL, p_enhanced bool NOT NULL, n_prefs int NOT NULL
             );",
            s = schema
        );
        sqlx::raw_sql(&ddl).execute(&pool).await.map_err(setup)?;
        Ok(PeerDb {
            pool,
            investor_sql: investor_sql(&schema),
            rank_smes_sql: rank_smes_sql(&schema),
            sme_sql: sme_sql(&schema),
            rank_investors_sql: rank_investors_sql(&schema),
            schema,
        })
    }

    /// Inserts a batch in one statement per table (arrays unnested server-side).
    pub async fn insert_batch(
        &self,
        smes: &[Sme],
        investors: &[Investor],
        facts: &dyn Fn(&Sme) -> IncentiveFacts,
    ) -> Result<(), BenchError> {
        if !smes.is_empty() {
            let mut c = SmeRows::default();
            for s in smes {
                let p = &s.profile;
                let [class, grp, div, sec] = lineage(p.sector.as_str());
                let f = facts(s);
                c.0.push(s.id.to_string());
                c.1.push(class.unwrap_or_else(|| p.sector.as_str().to_string()));
                c.2.push(grp);
                c.3.push(div);
                c.4.push(sec);
                c.5.push(s.digital.level as i32);
                c.6.push(p.province.as_str().to_string());
                c.7.push(bound(p.capital_sought.min));
                c.8.push(bound(p.capital_sought.max));
                c.9.push(i32::from(partnership_mask(&p.partnership_types)));
                // Packed facts, unpacked in SQL into columns: one array instead of seven.
                c.10.push(i32::from(f.pack()));
                // The texts our engine indexes: an anonymous SME's name is not searchable.
                let (name, description) = crate::search::document::sme_texts(p);
                let texts: Vec<&LocalizedText> = name.into_iter().chain([description]).collect();
                c.11.push(all_text(&texts));
            }
            let sql = format!(
                "WITH u AS (
                     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                                          $5::text[], $6::int[], $7::text[], $8::float8[],
                                          $9::float8[], $10::int[], $11::int[], $12::text[])
                          AS u(id, class, grp, division, section, digital, province, cap_min,
                               cap_max, sought, f, txt)
                 ),
                 ins AS (
                     INSERT INTO {s}.smes
                     SELECT u.id::uuid, 'PUBLISHED', u.class, u.grp, u.division, u.section,
                            u.digital, u.province, u.cap_min, u.cap_max, u.sought,
                            bit_count(u.sought::bit(16)),
                            (u.f & 1) <> 0, (u.f & 2) <> 0, (u.f >> 5) & 15, (u.f >> 9) & 15,
                            (u.f & 4) <> 0, (u.f & 8) <> 0, (u.f & 16) <> 0
                     FROM u
                 )
                 INSERT INTO {s}.sme_text SELECT u.id::uuid, to_tsvector('simple', u.txt) FROM u",
                s = self.schema
            );
            sqlx::query(&sql)
                .bind(c.0)
                .bind(c.1)
                .bind(c.2)
                .bind(c.3)
                .bind(c.4)
                .bind(c.5)
                .bind(c.6)
                .bind(c.7)
                .bind(c.8)
                .bind(c.9)
                .bind(c.10)
                .bind(c.11)
                .execute(&self.pool)
                .await
                .map_err(setup)?;
        }
        for inv in investors {
            let p = &inv.profile;
            let (mut groups, mut divisions, mut sections) = (Vec::new(), Vec::new(), Vec::new());
            for i in &p.sector_interests {
                let [_, g, d, s] = lineage(i.as_str());
                groups.extend(g);
                divisions.extend(d);
                sections.extend(s);
            }
            let has = |x: IncentivePreference| p.incentive_preferences.contains(&x);
            let n_prefs = IncentivePreference::ALL.iter().filter(|x| has(**x)).count() as i32;
            let sql = format!(
                "INSERT INTO {s}.investors VALUES ($1::uuid, to_tsvector('simple', $2), $3, $4,
                 $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
                s = self.schema
            );
            sqlx::query(&sql)
                .bind(inv.id.to_string())
                .bind(all_text(&[&p.name, &p.description]))
                .bind(
                    p.sector_interests
                        .iter()
                        .map(|c| c.as_str().to_string())
                        .collect::<Vec<_>>(),
                )
                .bind(groups)
                .bind(divisions)
                .bind(sections)
                .bind(
                    p.excluded_sectors
                        .iter()
                        .map(|c| c.as_str().to_string())
                        .collect::<Vec<_>>(),
                )
                .bind(bound(p.ticket.min))
                .bind(bound(p.ticket.max))
                .bind(i32::from(partnership_mask(&p.partnership_types)))
                .bind(
                    p.preferred_provinces
                        .iter()
                        .map(|c| c.as_str().to_string())
                        .collect::<Vec<_>>(),
                )
                .bind(
                    p.preferred_digital_levels
                        .iter()
                        .map(|l| *l as i32)
                        .collect::<Vec<_>>(),
                )
                .bind(has(IncentivePreference::QipTaxHoliday))
                .bind(has(IncentivePreference::ImportDutyExemption))
                .bind(has(IncentivePreference::SezLocation))
                .bind(has(IncentivePreference::KoreaFtaExport))
                .bind(has(IncentivePreference::EnhancedDeductions))
                .bind(n_prefs)
                .execute(&self.pool)
                .await
                .map_err(setup)?;
        }
        Ok(())
    }

    /// What a team does after a bulk load: full-text indexes, `VACUUM ANALYZE` (statistics,
    /// hint bits, visibility map), and each side's word counts without its stop words.
    pub async fn finish_load(&self) -> Result<Duration, BenchError> {
        let t = Instant::now();
        let words = |table: &str, from: &str| {
            format!(
                "CREATE TABLE {s}.{table} AS
                     SELECT word, ndoc FROM ts_stat('SELECT tsv FROM {s}.{from}')
                     WHERE ndoc <= greatest({STOP_SHARE} * (SELECT count(*) FROM {s}.{from}),
                                            {STOP_MIN_DOCS});
                 ALTER TABLE {s}.{table} ADD PRIMARY KEY (word);",
                s = self.schema
            )
        };
        let sql = format!(
            "CREATE INDEX ON {s}.sme_text USING gin (tsv);
             CREATE INDEX ON {s}.investors USING gin (tsv);
             {sme_words}
             {investor_words}",
            s = self.schema,
            sme_words = words("sme_words", "sme_text"),
            investor_words = words("investor_words", "investors"),
        );
        sqlx::raw_sql(&sql)
            .execute(&self.pool)
            .await
            .map_err(setup)?;
        // VACUUM cannot run inside the implicit transaction of a multi-statement string.
        for table in [
            "smes",
            "sme_text",
            "investors",
            "sme_words",
            "investor_words",
        ] {
            sqlx::raw_sql(&format!("VACUUM ANALYZE {}.{table}", self.schema))
                .execute(&self.pool)
                .await
                .map_err(setup)?;
        }
        Ok(t.elapsed())
    }

    /// The top `k` published SMEs for an investor, best first: (id, score).
    pub async fn rank_smes(
        &self,
        investor: ProfileId,
        weights: &Weights,
        k: usize,
    ) -> Result<Vec<(ProfileId, f64)>, BenchError> {
        let mut conn = self.pool.acquire().await.map_err(setup)?;
        let row = sqlx::query(&self.investor_sql)
            .bind(investor.to_string())
            .fetch_one(&mut *conn)
            .await
            .map_err(setup)?;
        let mut q = sqlx::query_as::<_, (String, f64)>(&self.rank_smes_sql)
            .bind(decode::<String>(&row, 0)?);
        for f in Feature::ALL {
            q = q.bind(weights.get(f));
        }
        let rows = q
            .bind(k as i64)
            .bind(decode::<Vec<String>>(&row, 1)?)
            .bind(decode::<Vec<String>>(&row, 2)?)
            .bind(decode::<Vec<String>>(&row, 3)?)
            .bind(decode::<Vec<String>>(&row, 4)?)
            .bind(decode::<Vec<String>>(&row, 5)?)
            .bind(decode::<Option<f64>>(&row, 6)?)
            .bind(decode::<Option<f64>>(&row, 7)?)
            .bind(decode::<i32>(&row, 8)?)
            .bind(decode::<Vec<String>>(&row, 9)?)
            .bind(decode::<Vec<f64>>(&row, 10)?)
            .bind(decode::<i32>(&row, 11)?)
            .bind(decode::<bool>(&row, 12)?)
            .bind(decode::<bool>(&row, 13)?)
            .bind(decode::<bool>(&row, 14)?)
            .bind(decode::<bool>(&row, 15)?)
            .bind(decode::<bool>(&row, 16)?)
            .fetch_all(&mut *conn)
            .await
            .map_err(setup)?;
        ranked(rows)
    }

    /// The top `k` investors for a published SME, best first: (id, score).
    pub async fn rank_investors(
        &self,
        sme: ProfileId,
        weights: &Weights,
        k: usize,
    ) -> Result<Vec<(ProfileId, f64)>, BenchError> {
        let mut conn = self.pool.acquire().await.map_err(setup)?;
        let row = sqlx::query(&self.sme_sql)
            .bind(sme.to_string())
            .fetch_one(&mut *conn)
            .await
            .map_err(setup)?;
        let mut q =
            sqlx::query_as::<_, (String, f64)>(&self.rank_investors_sql)
                .bind(decode::<String>(&row, 0)?);
        for f in Feature::ALL {
            q = q.bind(weights.get(f));
        }
        let rows = q
            .bind(k as i64)
            .bind(decode::<Option<String>>(&row, 1)?)
            .bind(decode::<Option<String>>(&row, 2)?)
            .bind(decode::<Option<String>>(&row, 3)?)
            .bind(decode::<Vec<String>>(&row, 4)?)
            .bind(decode::<i32>(&row, 5)?)
            .bind(decode::<Option<f64>>(&row, 6)?)
            .bind(decode::<Option<f64>>(&row, 7)?)
            .bind(decode::<i32>(&row, 8)?)
            .bind(decode::<i32>(&row, 9)?)
            .bind(decode::<String>(&row, 10)?)
            .bind(decode::<bool>(&row, 11)?)
            .bind(decode::<bool>(&row, 12)?)
            .bind(decode::<i32>(&row, 13)?)
            .bind(decode::<i32>(&row, 14)?)
            .bind(decode::<bool>(&row, 15)?)
            .bind(decode::<bool>(&row, 16)?)
            .bind(decode::<bool>(&row, 17)?)
            .fetch_all(&mut *conn)
            .await
            .map_err(setup)?;
        ranked(rows)
    }

    /// Drops the scratch schema and closes the pool.
    pub async fn drop_schema(self) -> Result<(), BenchError> {
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema);
        let r = sqlx::raw_sql(&sql).execute(&self.pool).await.map_err(setup);
        self.pool.close().await;
        r.map(|_| ())
    }
}

/// How far the two engines' top lists agree over a set of queries.
#[derive(Debug, Clone, Copy, Default)]
pub struct Agreement {
    pub queries: usize,
    /// Queries whose top lists are identical, in order.
    pub identical: usize,
    /// Sum over queries of |ours ∩ peer's|.
    pub overlap: usize,
    /// Sum over queries of the list length.
    pub listed: usize,
}

impl Agreement {
    pub fn add(&mut self, ours: &[ProfileId], theirs: &[ProfileId]) {
        self.queries += 1;
        self.identical += usize::from(ours == theirs);
        self.overlap += ours.iter().filter(|x| theirs.contains(x)).count();
        self.listed += ours.len().max(theirs.len());
    }

    /// Mean share of the top list both engines return.
    pub fn overlap_share(&self) -> f64 {
        if self.listed == 0 {
            1.0
        } else {
            self.overlap as f64 / self.listed as f64
        }
    }
}

/// Figures of the side-by-side run.
#[derive(Debug, Clone)]
pub struct PeerFigures {
    pub smes: usize,
    pub peer_load: Duration,
    pub peer_index: Duration,
    /// `matchesForInvestor`: SMEs for an investor.
    pub ours: Latency,
    pub peer: Latency,
    /// Default weights (text included): overlap only, the text features differ by design.
    pub with_text: Agreement,
    /// TEXT weight 0: the lists must be identical.
    pub without_text: Agreement,
    /// `matchesForSme`: investors for an SME.
    pub ours_sme: Latency,
    pub peer_sme: Latency,
    pub sme_with_text: Agreement,
    pub sme_without_text: Agreement,
}
