//! `khkr-match bench match --peer postgres`: the same generated SMEs and investors ranked the
//! way a team without this project would, in PostgreSQL, timed side by side with our engine.
//!
//! The peer is plain SQL over one table of SMEs: full-text relevance from a `tsvector` column
//! (`'simple'` configuration, GIN index, `ts_rank`) plus the other six features of
//! `matching::features` computed per row, `ORDER BY score DESC LIMIT k`. The investor's side is
//! read from an investors table by id, as an application would. The per-SME incentive facts are
//! what our incentive engine computes, stored as columns at load time (a team without us would
//! have to compute them somewhere too; the law's rules are not SQL).
//!
//! Every feature but TEXT is written to perform the very same floating-point operations as the
//! Rust functions, so with the TEXT weight at 0 both engines must return the same top 10, ties
//! included (both break ties by id ascending): the benchmark checks it.

use std::time::{Duration, Instant};

use sqlx::postgres::{PgPool, PgPoolOptions};

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
    rank_sql: String,
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
        .flat_map(|t| [&t.en, &t.km, &t.ko])
        .flatten()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}

fn bound(v: Option<i64>) -> Option<f64> {
    v.map(|v| v as f64)
}

impl PeerDb {
    /// Connects and creates the scratch schema `khkr_peer_<pid>` with its two tables.
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
                 sought int NOT NULL,
                 negative_list bool NOT NULL, qip bool NOT NULL,
                 tax_holiday int NOT NULL, sme_scheme int NOT NULL,
                 ckfta bool NOT NULL, sez bool NOT NULL, import_duty bool NOT NULL,
                 tsv tsvector NOT NULL
             );
             CREATE TABLE {s}.investors (
                 id uuid PRIMARY KEY,
                 txt text NOT NULL,
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
        let rank_sql = rank_sql(&schema);
        Ok(PeerDb {
            pool,
            schema,
            rank_sql,
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
                c.11.push(all_text(&[&p.name, &p.description]));
            }
            let sql = format!(
                "INSERT INTO {s}.smes
                 SELECT u.id::uuid, 'PUBLISHED', u.class, u.grp, u.division, u.section, u.digital,
                        u.province, u.cap_min, u.cap_max, u.sought,
                        (u.f & 1) <> 0, (u.f & 2) <> 0, (u.f >> 5) & 15, (u.f >> 9) & 15,
                        (u.f & 4) <> 0, (u.f & 8) <> 0, (u.f & 16) <> 0,
                        to_tsvector('simple', u.txt)
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                             $6::int[], $7::text[], $8::float8[], $9::float8[], $10::int[],
                             $11::int[], $12::text[])
                      AS u(id, class, grp, division, section, digital, province, cap_min,
                           cap_max, sought, f, txt)",
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
                "INSERT INTO {s}.investors VALUES ($1::uuid, $2, $3, $4, $5, $6, $7, $8, $9, $10,
                 $11, $12, $13, $14, $15, $16, $17, $18)",
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

    /// Builds the full-text index and statistics, as a team would after a bulk load.
    pub async fn finish_load(&self) -> Result<Duration, BenchError> {
        let t = Instant::now();
        let sql = format!(
            "CREATE INDEX ON {s}.smes USING gin (tsv); ANALYZE {s}.smes; ANALYZE {s}.investors;",
            s = self.schema
        );
        sqlx::raw_sql(&sql)
            .execute(&self.pool)
            .await
            .map_err(setup)?;
        Ok(t.elapsed())
    }

    /// The top `k` published SMEs for an investor, best first: (id, score).
    pub async fn rank_smes(
        &self,
        investor: ProfileId,
        weights: &Weights,
        k: usize,
    ) -> Result<Vec<(ProfileId, f64)>, BenchError> {
        let mut q = sqlx::query_as::<_, (String, f64)>(&self.rank_sql).bind(investor.to_string());
        for f in Feature::ALL {
            q = q.bind(weights.get(f));
        }
        let rows = q
            .bind(k as i64)
            .fetch_all(&self.pool)
            .await
            .map_err(setup)?;
        rows.into_iter()
            .map(|(id, score)| Ok((ProfileId::parse(&id).map_err(BenchError::Setup)?, score)))
            .collect()
    }

    /// Drops the scratch schema and closes the pool.
    pub async fn drop_schema(self) -> Result<(), BenchError> {
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.schema);
        let r = sqlx::raw_sql(&sql).execute(&self.pool).await.map_err(setup);
        self.pool.close().await;
        r.map(|_| ())
    }
}

/// The ranking query: $1 the investor's id, $2..$8 the weights in `Feature::ALL` order, $9 k.
///
/// Each feature mirrors its function in `matching::features` operation for operation (same
/// constants, same order of additions), so scores are bit-identical to the Rust engine's when
/// the TEXT weight is 0.
fn rank_sql(s: &str) -> String {
    format!(
        "WITH inv AS (SELECT * FROM {s}.investors WHERE id = $1::uuid),
         q AS (
             -- Up to 24 words of the investor's texts (OR), as a tsquery: every word of a long
             -- description made ts_rank cost seconds at 10,000 SMEs.
             SELECT to_tsquery('simple', coalesce((
                 SELECT string_agg(quote_literal(l), ' | ')
                 FROM (SELECT l FROM unnest(tsvector_to_array(to_tsvector('simple', inv.txt)))
                       AS l LIMIT 24) AS w), ''))
                 AS q
             FROM inv
         ),
         f AS (
             SELECT s.id,
                 CASE WHEN s.tsv @@ q.q THEN ts_rank(s.tsv, q.q)::float8 ELSE 0::float8 END
                     AS tr,
                 sec.v AS sector,
                 CASE WHEN cardinality(inv.digital) = 0 THEN 1::float8
                      ELSE (SELECT max(CASE abs(d - s.digital) WHEN 0 THEN 1::float8
                                       WHEN 1 THEN 0.5::float8 ELSE 0::float8 END)
                            FROM unnest(inv.digital) AS d)
                 END AS digital,
                 (CASE WHEN inv.n_prefs = 0 THEN 0.5::float8
                       WHEN s.negative_list THEN 0::float8
                       ELSE ((((CASE WHEN inv.p_qip
                                  THEN greatest(s.tax_holiday, s.sme_scheme)::float8 / 9::float8
                                  ELSE 0::float8 END
                              + CASE WHEN inv.p_duty AND s.import_duty THEN 1::float8
                                     ELSE 0::float8 END)
                              + CASE WHEN inv.p_sez AND s.sez THEN 1::float8 ELSE 0::float8 END)
                              + CASE WHEN inv.p_fta AND s.ckfta THEN 1::float8 ELSE 0::float8 END)
                              + CASE WHEN inv.p_enhanced AND (s.qip OR s.sme_scheme > 0)
                                     THEN 1::float8 ELSE 0::float8 END)
                            / inv.n_prefs::float8
                  END) * sec.v AS incentive,
                 CASE WHEN s.cap_min IS NULL AND s.cap_max IS NULL THEN 0.5::float8
                      WHEN inv.t_min IS NULL AND inv.t_max IS NULL THEN 0.5::float8
                      WHEN t.lo <= t.hi THEN
                          CASE WHEN t.narrower <= 0 OR t.narrower = 'Infinity'::float8
                               THEN 1::float8
                               ELSE least(greatest((t.hi - t.lo) / t.narrower, 0.5::float8),
                                          1::float8)
                          END
                      ELSE greatest(0.5::float8 - abs(log(greatest(t.lo, 1::float8))
                                                      - log(greatest(t.hi, 1::float8))),
                                    0::float8)
                 END AS ticket,
                 CASE WHEN s.sought = 0 THEN 0.5::float8
                      ELSE bit_count((s.sought & inv.offered)::bit(16))::float8
                           / bit_count(s.sought::bit(16))::float8
                 END AS partnership,
                 CASE WHEN cardinality(inv.provinces) = 0 OR s.province = ANY(inv.provinces)
                      THEN 1::float8 ELSE 0::float8 END AS location
             FROM {s}.smes AS s
             CROSS JOIN inv
             CROSS JOIN q
             -- ISIC tree distance: inside an interest 1, else the deepest shared level.
             CROSS JOIN LATERAL (SELECT CASE
                 WHEN cardinality(inv.interests) = 0 THEN 0.5::float8
                 WHEN s.class = ANY(inv.interests) OR s.grp = ANY(inv.interests)
                      OR s.division = ANY(inv.interests) OR s.section = ANY(inv.interests)
                      THEN 1::float8
                 WHEN s.grp = ANY(inv.int_groups) THEN 0.8::float8
                 WHEN s.division = ANY(inv.int_divisions) THEN 0.6::float8
                 WHEN s.section = ANY(inv.int_sections) THEN 0.4::float8
                 ELSE 0::float8 END AS v) AS sec
             CROSS JOIN LATERAL (
                 SELECT greatest(coalesce(s.cap_min, 0), coalesce(inv.t_min, 0)) AS lo,
                        least(coalesce(s.cap_max, 'Infinity'), coalesce(inv.t_max, 'Infinity'))
                            AS hi,
                        least(coalesce(s.cap_max, 'Infinity') - coalesce(s.cap_min, 0),
                              coalesce(inv.t_max, 'Infinity') - coalesce(inv.t_min, 0))
                            AS narrower) AS t
             WHERE s.status = 'PUBLISHED'
               AND NOT (s.class = ANY(inv.excluded) OR s.grp = ANY(inv.excluded)
                        OR s.division = ANY(inv.excluded) OR s.section = ANY(inv.excluded))
         )
         SELECT id::text, score FROM (
             SELECT id,
                 (((((($2::float8 * coalesce(tr / nullif(max(tr) OVER (), 0), 0))
                      + $3::float8 * sector) + $4::float8 * digital) + $5::float8 * incentive)
                      + $6::float8 * ticket) + $7::float8 * partnership)
                      + $8::float8 * location AS score
             FROM f) AS r
         ORDER BY score DESC, id
         LIMIT $9"
    )
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
    pub ours: Latency,
    pub peer: Latency,
    /// Default weights (text included): overlap only, the text features differ by design.
    pub with_text: Agreement,
    /// TEXT weight 0: the lists must be identical.
    pub without_text: Agreement,
}
