//! Accounts and tokens in SQLite.

use async_trait::async_trait;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::codec::timestamp;
use super::sqlite::SqliteStore;
use super::{Accounts, StoreError, TokenRecord};
use crate::domain::account::{Role, TokenKind, User, UserId};
use crate::domain::contact::Email;
use crate::domain::ids::ProfileId;

type UserRow = (String, String, String, String);

fn user_from_row((id, email, role, created): UserRow) -> Result<User, StoreError> {
    let corrupt = |reason: String| StoreError::Corrupt {
        entity: "user",
        id: id.clone(),
        reason,
    };
    Ok(User {
        id: ProfileId::parse(&id).map_err(corrupt)?,
        email: Email::parse(&email).map_err(corrupt)?,
        role: Role::parse(&role).ok_or_else(|| corrupt(format!("unknown role {role:?}")))?,
        created_at: OffsetDateTime::parse(&created, &Rfc3339)
            .map_err(|e| corrupt(e.to_string()))?,
    })
}

fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

#[async_trait]
impl Accounts for SqliteStore {
    async fn create_user(&self, user: &User, password_hash: &str) -> Result<(), StoreError> {
        let done = sqlx::query(
            "INSERT INTO users (id, email, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(user.id.to_string())
        .bind(user.email.as_str())
        .bind(password_hash)
        .bind(user.role.as_str())
        .bind(timestamp(user.created_at))
        .execute(&self.pool)
        .await;
        match done {
            Ok(_) => Ok(()),
            Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict {
                entity: "account",
                id: user.email.as_str().to_string(),
            }),
            Err(e) => Err(e.into()),
        }
    }

    async fn user_by_email(&self, email: &str) -> Result<Option<(User, String)>, StoreError> {
        let row: Option<(String, String, String, String, String)> = sqlx::query_as(
            "SELECT id, email, role, created_at, password_hash FROM users WHERE email = ?",
        )
        .bind(email.to_ascii_lowercase())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(id, email, role, created, hash)| {
            Ok((user_from_row((id, email, role, created))?, hash))
        })
        .transpose()
    }

    async fn user(&self, id: UserId) -> Result<Option<User>, StoreError> {
        let row: Option<UserRow> =
            sqlx::query_as("SELECT id, email, role, created_at FROM users WHERE id = ?")
                .bind(id.to_string())
                .fetch_optional(&self.pool)
                .await?;
        row.map(user_from_row).transpose()
    }

    async fn staff_accounts(&self) -> Result<Vec<User>, StoreError> {
        let rows: Vec<UserRow> = sqlx::query_as(
            "SELECT id, email, role, created_at FROM users WHERE role IN ('STAFF', 'ADMIN') ORDER BY email",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter().map(user_from_row).collect()
    }

    async fn set_password_hash(&self, id: UserId, password_hash: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
            .bind(password_hash)
            .bind(id.to_string())
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn insert_token(&self, t: &TokenRecord) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO tokens (token_hash, id, user_id, kind, name, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&t.hash)
        .bind(t.id.to_string())
        .bind(t.user_id.to_string())
        .bind(t.kind.as_str())
        .bind(&t.name)
        .bind(timestamp(t.created_at))
        .bind(t.expires_at.map(timestamp))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn token_user(
        &self,
        hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<(User, TokenKind)>, StoreError> {
        // Expiry is compared as instants in Rust, not as text in SQL: RFC 3339 as stored drops
        // trailing zeros of the fraction, so "…:05Z" sorts after "…:05.5Z" as text although it
        // is earlier, and a token would outlive its expiry by up to a second.
        let row: Option<(String, String, String, String, String, Option<String>)> = sqlx::query_as(
            "SELECT u.id, u.email, u.role, u.created_at, t.kind, t.expires_at FROM tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = ? AND t.revoked_at IS NULL",
        )
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, email, role, created, kind, expires)) = row else {
            return Ok(None);
        };
        if let Some(expires) = expires {
            let expires =
                OffsetDateTime::parse(&expires, &Rfc3339).map_err(|e| StoreError::Corrupt {
                    entity: "token of user",
                    id: id.clone(),
                    reason: e.to_string(),
                })?;
            if now >= expires {
                return Ok(None);
            }
        }
        let kind = if kind == "API_KEY" {
            TokenKind::ApiKey
        } else {
            TokenKind::Session
        };
        Ok(Some((user_from_row((id, email, role, created))?, kind)))
    }

    async fn revoke_token_hash(&self, hash: &str, now: OffsetDateTime) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
        )
        .bind(timestamp(now))
        .bind(hash)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn revoke_api_key(
        &self,
        id: ProfileId,
        owner: UserId,
        now: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE tokens SET revoked_at = ? WHERE id = ? AND user_id = ? AND kind = 'API_KEY' AND revoked_at IS NULL",
        )
        .bind(timestamp(now))
        .bind(id.to_string())
        .bind(owner.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn api_keys(&self, owner: UserId) -> Result<Vec<TokenRecord>, StoreError> {
        let rows: Vec<(String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT token_hash, id, name, created_at FROM tokens
             WHERE user_id = ? AND kind = 'API_KEY' AND revoked_at IS NULL
             ORDER BY created_at, id",
        )
        .bind(owner.to_string())
        .fetch_all(&self.pool)
        .await?;
        rows.into_iter()
            .map(|(hash, id, name, created)| {
                let corrupt = |reason: String| StoreError::Corrupt {
                    entity: "API key",
                    id: id.clone(),
                    reason,
                };
                Ok(TokenRecord {
                    id: ProfileId::parse(&id).map_err(|e| corrupt(e.to_string()))?,
                    created_at: OffsetDateTime::parse(&created, &Rfc3339)
                        .map_err(|e| corrupt(e.to_string()))?,
                    hash,
                    user_id: owner,
                    kind: TokenKind::ApiKey,
                    name,
                    expires_at: None,
                })
            })
            .collect()
    }

    async fn insert_password_reset(
        &self,
        hash: &str,
        user: UserId,
        created_at: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)")
            .bind(hash)
            .bind(user.to_string())
            .bind(super::codec::micros(created_at))
            .bind(super::codec::micros(expires_at))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn take_password_reset(
        &self,
        hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<UserId>, StoreError> {
        let now = super::codec::micros(now);
        let mut tx = self.pool.begin().await?;
        // Taken by this UPDATE or not at all: two at once cannot both see it untaken.
        let taken: Option<(String,)> = sqlx::query_as("UPDATE password_resets SET used_at = ?1 WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1 RETURNING user_id")
            .bind(now)
            .bind(hash)
            .fetch_optional(&mut *tx)
            .await?;
        let Some((user,)) = taken else {
            return Ok(None);
        };
        sqlx::query(
            "UPDATE password_resets SET used_at = ?1 WHERE user_id = ?2 AND used_at IS NULL",
        )
        .bind(now)
        .bind(&user)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(Some(parse_id(user, "password reset")?))
    }

    async fn end_password_resets(
        &self,
        user: UserId,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE password_resets SET used_at = ?1 WHERE user_id = ?2 AND used_at IS NULL",
        )
        .bind(super::codec::micros(now))
        .bind(user.to_string())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn password_reset_holder(
        &self,
        hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<UserId>, StoreError> {
        let row: Option<(String,)> = sqlx::query_as(
            "SELECT user_id FROM password_resets WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1",
        )
        .bind(super::codec::micros(now))
        .bind(hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|(user,)| parse_id(user, "password reset"))
            .transpose()
    }

    async fn revoke_tokens_of(
        &self,
        owner: UserId,
        kind: TokenKind,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND kind = ? AND revoked_at IS NULL",
        )
        .bind(timestamp(now))
        .bind(owner.to_string())
        .bind(kind.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn prune_sessions(
        &self,
        owner: UserId,
        keep: usize,
        except: &str,
    ) -> Result<u64, StoreError> {
        // Newest by `created_at` as stored text: within one second the order may be off by a
        // fraction, which only decides which of two equally old sessions goes.
        let done = sqlx::query(
            "DELETE FROM tokens WHERE user_id = ?1 AND kind = ?2 AND token_hash <> ?3
             AND token_hash NOT IN (SELECT token_hash FROM tokens WHERE user_id = ?1 AND kind = ?2
                                    ORDER BY created_at DESC LIMIT ?4)",
        )
        .bind(owner.to_string())
        .bind(TokenKind::Session.as_str())
        .bind(except)
        .bind(i64::try_from(keep).unwrap_or(i64::MAX))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn owned_profiles(&self, user: UserId) -> Result<Vec<ProfileId>, StoreError> {
        let rows: Vec<(String,)> = sqlx::query_as(
            "SELECT id FROM smes WHERE owner_id = ?1 UNION ALL SELECT id FROM investors WHERE owner_id = ?1",
        )
        .bind(user.to_string())
        .fetch_all(&self.pool)
        .await?;
        parse_ids(rows, "profile")
    }
}

/// An id read from the database; a malformed one is `Corrupt`, naming `entity`.
pub(super) fn parse_id(id: String, entity: &'static str) -> Result<ProfileId, StoreError> {
    ProfileId::parse(&id).map_err(|reason| StoreError::Corrupt { entity, id, reason })
}

/// Ids read from single-column rows (see [`parse_id`]).
pub(super) fn parse_ids(
    rows: Vec<(String,)>,
    entity: &'static str,
) -> Result<Vec<ProfileId>, StoreError> {
    rows.into_iter().map(|(id,)| parse_id(id, entity)).collect()
}
