//! The curation pipeline in PostgreSQL: match records and the audit log (the SQL of
//! `sqlite_pipeline.rs` with `$n` parameters and `timestamptz` columns).

use async_trait::async_trait;
use sqlx::{Postgres, Transaction};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::postgres::{pg_timestamp, select_list, PostgresStore};
use super::{
    pipeline_listing, Dashboard, Page, Pipeline, PipelineFilter, PipelineOrder, StoreError,
    StoredNotice,
};
use crate::domain::account::UserId;
use crate::domain::ids::ProfileId;
use crate::domain::notice::Notice;
use crate::domain::pipeline::{AuditEntry, MatchRecord, Response, Stage};

const COLUMNS: &str =
    "id, sme_id, investor_id, stage, sme_response, investor_response, introduction, \
    curator_id, text_relevance, created_at, updated_at, version";

/// The select list of [`COLUMNS`], qualified by `prefix`, timestamps as RFC 3339 text.
fn columns(prefix: &str) -> String {
    let cols: Vec<&str> = COLUMNS.split(", ").collect();
    select_list(prefix, &cols)
}

/// Numbers the `?` placeholders of `sql` as `$1`, `$2`, … (the SQL built here has no other `?`).
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push_str(&format!("${n}"));
        } else {
            out.push(c);
        }
    }
    out
}

#[derive(sqlx::FromRow)]
struct Row {
    id: String,
    sme_id: String,
    investor_id: String,
    stage: String,
    sme_response: Option<String>,
    investor_response: Option<String>,
    introduction: Option<String>,
    curator_id: Option<String>,
    text_relevance: f64,
    created_at: String,
    updated_at: String,
    version: i64,
}

impl Row {
    fn decode(self) -> Result<MatchRecord, StoreError> {
        let id = self.id.clone();
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "match",
            id: id.clone(),
            reason,
        };
        let pid = |s: &str| ProfileId::parse(s).map_err(&corrupt);
        let time = |s: &str| OffsetDateTime::parse(s, &Rfc3339).map_err(|e| corrupt(e.to_string()));
        let response = |s: Option<String>| -> Result<Option<Response>, StoreError> {
            s.map(|s| Response::parse(&s).ok_or_else(|| corrupt(format!("bad response {s:?}"))))
                .transpose()
        };
        Ok(MatchRecord {
            id: pid(&self.id)?,
            sme_id: pid(&self.sme_id)?,
            investor_id: pid(&self.investor_id)?,
            stage: Stage::parse(&self.stage)
                .ok_or_else(|| corrupt(format!("bad stage {:?}", self.stage)))?,
            sme_response: response(self.sme_response)?,
            investor_response: response(self.investor_response)?,
            introduction: self.introduction,
            curator_id: self.curator_id.as_deref().map(pid).transpose()?,
            text_relevance: self.text_relevance,
            created_at: time(&self.created_at)?,
            updated_at: time(&self.updated_at)?,
            version: self.version,
        })
    }
}

async fn append(
    tx: &mut Transaction<'_, Postgres>,
    match_id: ProfileId,
    e: &AuditEntry,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (match_id, action, actor_id, from_stage, to_stage, message, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::timestamptz)",
    )
    .bind(match_id.to_string())
    .bind(e.action)
    .bind(e.actor.map(|a| a.to_string()))
    .bind(e.from.map(|s| s.as_str()))
    .bind(e.to.map(|s| s.as_str()))
    .bind(&e.message)
    .bind(pg_timestamp(e.at))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Audit actions as stored; decoding maps them back to the domain's static names.
const ACTIONS: [&str; 7] = [
    "SHORTLISTED",
    "INTRODUCED",
    "ACCEPTED",
    "DECLINED",
    "CONTACTS_REVEALED",
    "STAGE_CHANGED",
    "NOTE",
];
const MORE_ACTIONS: [&str; 2] = ["CURATOR_ASSIGNED", "WITHDRAWN"];

fn binds(r: &MatchRecord) -> [Option<String>; 8] {
    [
        Some(r.stage.as_str().to_string()),
        r.sme_response.map(|x| x.as_str().to_string()),
        r.investor_response.map(|x| x.as_str().to_string()),
        r.introduction.clone(),
        r.curator_id.map(|c| c.to_string()),
        Some(pg_timestamp(r.created_at)),
        Some(pg_timestamp(r.updated_at)),
        None,
    ]
}

#[async_trait]
impl Pipeline for PostgresStore {
    async fn match_record(&self, id: ProfileId) -> Result<Option<MatchRecord>, StoreError> {
        let row: Option<Row> = sqlx::query_as(&format!(
            "SELECT {} FROM matches WHERE id = $1",
            columns("")
        ))
        .bind(id.to_string())
        .fetch_optional(&self.pool)
        .await?;
        row.map(Row::decode).transpose()
    }

    async fn insert_match(&self, r: &MatchRecord, log: &[AuditEntry]) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let [stage, sme_resp, inv_resp, intro, curator, created, updated, _] = binds(r);
        let done = sqlx::query(&format!(
            "INSERT INTO matches ({COLUMNS})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::timestamptz, $11::timestamptz, $12)"
        ))
        .bind(r.id.to_string())
        .bind(r.sme_id.to_string())
        .bind(r.investor_id.to_string())
        .bind(stage)
        .bind(sme_resp)
        .bind(inv_resp)
        .bind(intro)
        .bind(curator)
        .bind(r.text_relevance)
        .bind(created)
        .bind(updated)
        .bind(r.version)
        .execute(&mut *tx)
        .await;
        match done {
            Err(sqlx::Error::Database(d)) if d.is_unique_violation() => {
                return Err(StoreError::Conflict {
                    entity: "match",
                    id: r.id.to_string(),
                })
            }
            other => {
                other?;
            }
        }
        for e in log {
            append(&mut tx, r.id, e).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn update_match(
        &self,
        r: &MatchRecord,
        log: &[AuditEntry],
        notices: &[Notice],
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let [stage, sme_resp, inv_resp, intro, curator, _, updated, _] = binds(r);
        let done = sqlx::query(
            "UPDATE matches SET stage = $1, sme_response = $2, investor_response = $3, introduction = $4,
             curator_id = $5, updated_at = $6::timestamptz, version = $7 WHERE id = $8 AND version = $9",
        )
        .bind(stage)
        .bind(sme_resp)
        .bind(inv_resp)
        .bind(intro)
        .bind(curator)
        .bind(updated)
        .bind(r.version)
        .bind(r.id.to_string())
        .bind(r.version - 1)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict {
                entity: "match",
                id: r.id.to_string(),
            });
        }
        for e in log {
            append(&mut tx, r.id, e).await?;
        }
        super::notices::postgres::insert(&mut tx, r.id, notices, r.updated_at).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn append_audit(
        &self,
        match_id: ProfileId,
        entry: &AuditEntry,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        append(&mut tx, match_id, entry).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn audit_log(&self, match_id: ProfileId) -> Result<Vec<AuditEntry>, StoreError> {
        type Entry = (
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            Option<String>,
            String,
        );
        let rows: Vec<Entry> = sqlx::query_as(
            &format!(
                "SELECT action, actor_id, from_stage, to_stage, message, {} FROM audit_log WHERE match_id = $1 ORDER BY seq",
                select_list("", &["at"])
            ),
        )
        .bind(match_id.to_string())
        .fetch_all(&self.pool)
        .await?;
        let corrupt = |reason: String| StoreError::Corrupt {
            entity: "audit entry",
            id: match_id.to_string(),
            reason,
        };
        rows.into_iter()
            .map(|(action, actor, from, to, message, at)| {
                let action = ACTIONS
                    .iter()
                    .chain(&MORE_ACTIONS)
                    .find(|a| **a == action)
                    .copied()
                    .ok_or_else(|| corrupt(format!("unknown action {action:?}")))?;
                Ok(AuditEntry {
                    action,
                    actor: actor
                        .as_deref()
                        .map(ProfileId::parse)
                        .transpose()
                        .map_err(corrupt)?,
                    from: from.as_deref().and_then(Stage::parse),
                    to: to.as_deref().and_then(Stage::parse),
                    message,
                    at: OffsetDateTime::parse(&at, &Rfc3339).map_err(|e| corrupt(e.to_string()))?,
                })
            })
            .collect()
    }

    async fn pipeline(
        &self,
        f: &PipelineFilter,
        order: PipelineOrder,
        first: u32,
    ) -> Result<Page<MatchRecord>, StoreError> {
        let dialect = pipeline_listing::Dialect {
            updated_at: "m.updated_at",
            time_param: "CAST(? AS TIMESTAMPTZ)",
            time_text: pg_timestamp,
            always: "TRUE",
        };
        let sql = pipeline_listing::listing(f, &order, &columns("m."), &dialect);
        let mut tx = self.pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .execute(&mut *tx)
            .await?;
        let page_sql = numbered(&sql.page);
        let mut q = sqlx::query_as::<_, Row>(&page_sql);
        for a in &sql.page_args {
            q = q.bind(a);
        }
        let mut rows = q.bind(i64::from(first) + 1).fetch_all(&mut *tx).await?;
        let count_sql = numbered(&sql.count);
        let mut c = sqlx::query_scalar::<_, i64>(&count_sql);
        for a in &sql.count_args {
            c = c.bind(a);
        }
        let total_count = c.fetch_one(&mut *tx).await?;
        tx.commit().await?;
        let has_next_page = rows.len() > first as usize;
        rows.truncate(first as usize);
        Ok(Page {
            items: rows
                .into_iter()
                .map(Row::decode)
                .collect::<Result<_, _>>()?,
            has_next_page,
            total_count,
        })
    }

    async fn matches_of_owner(&self, user: UserId) -> Result<Vec<MatchRecord>, StoreError> {
        let rows: Vec<Row> = sqlx::query_as(&format!(
            "SELECT {} FROM matches m JOIN smes s ON s.id = m.sme_id JOIN investors i ON i.id = m.investor_id
             WHERE s.owner_id = $1 OR i.owner_id = $1",
            columns("m.")
        ))
        .bind(user.to_string())
        .fetch_all(&self.pool)
        .await?;
        let mut records = rows
            .into_iter()
            .map(Row::decode)
            .collect::<Result<Vec<_>, _>>()?;
        // Sorted as instants here: stored RFC 3339 text drops trailing zeros of the fraction,
        // so it does not sort chronologically within one second.
        records.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(a.id.cmp(&b.id)));
        Ok(records)
    }

    async fn connected_profiles(&self, user: UserId) -> Result<Vec<ProfileId>, StoreError> {
        let revealing: Vec<String> = Stage::ALL
            .iter()
            .filter(|s| s.reveals_contacts())
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        let rows: Vec<(String,)> = sqlx::query_as(&format!(
            "SELECT m.investor_id FROM matches m JOIN smes s ON s.id = m.sme_id
               WHERE s.owner_id = $1 AND m.stage IN ({0})
             UNION
             SELECT m.sme_id FROM matches m JOIN investors i ON i.id = m.investor_id
               WHERE i.owner_id = $1 AND m.stage IN ({0})",
            revealing.join(", ")
        ))
        .bind(user.to_string())
        .fetch_all(&self.pool)
        .await?;
        super::sqlite_accounts::parse_ids(rows, "match")
    }

    async fn dashboard(&self) -> Result<Dashboard, StoreError> {
        let group = |expr: &str| {
            format!("SELECT ({expr}) COLLATE \"C\" AS k, COUNT(*) FROM matches m JOIN smes s ON s.id = m.sme_id GROUP BY k ORDER BY k")
        };
        let by_stage: Vec<(String, i64)> = sqlx::query_as(&group("m.stage"))
            .fetch_all(&self.pool)
            .await?;
        // Divisions here; the API folds them into ISIC sections.
        let by_sector: Vec<(String, i64)> = sqlx::query_as(&group("substr(s.sector_code, 1, 2)"))
            .fetch_all(&self.pool)
            .await?;
        let by_province: Vec<(String, i64)> = sqlx::query_as(&group("s.province_code"))
            .fetch_all(&self.pool)
            .await?;
        Ok(Dashboard {
            by_stage,
            by_sector,
            by_province,
        })
    }

    async fn claim_notices(
        &self,
        now: OffsetDateTime,
        lease_until: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<StoredNotice>, StoreError> {
        super::notices::postgres::claim(&self.pool, now, lease_until, limit).await
    }

    async fn notice_sent(&self, n: &StoredNotice, at: OffsetDateTime) -> Result<bool, StoreError> {
        super::notices::postgres::sent(&self.pool, n.id, n.attempts, at).await
    }

    async fn notice_failed(
        &self,
        n: &StoredNotice,
        error: &str,
        now: OffsetDateTime,
        retry_at: Option<OffsetDateTime>,
    ) -> Result<bool, StoreError> {
        super::notices::postgres::failed(&self.pool, n.id, n.attempts, error, now, retry_at).await
    }

    async fn requeue_notice(
        &self,
        id: i64,
        match_id: ProfileId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        super::notices::postgres::requeue(&self.pool, id, match_id, now).await
    }

    async fn notices(&self, match_id: ProfileId) -> Result<Vec<StoredNotice>, StoreError> {
        super::notices::postgres::of_match(&self.pool, match_id).await
    }

    async fn notices_not_sent(
        &self,
        since: OffsetDateTime,
        limit: u32,
    ) -> Result<Vec<StoredNotice>, StoreError> {
        super::notices::postgres::not_sent(&self.pool, since, limit).await
    }
}
