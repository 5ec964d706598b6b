//! Sign-up, log-in, log-out, API keys and `me`: translation onto `service::accounts`.

use async_graphql::{Context, InputObject, Object, SimpleObject, ID};

use super::errors::gql;
use super::types::{Role, User};
use super::{app, viewer};
use crate::service::accounts;

/// A self-service sign-up.
#[derive(InputObject)]
pub struct SignUpInput {
    /// The log-in e-mail.
    pub email: String,
    /// At least 10 characters.
    pub password: String,
    /// SME or INVESTOR; staff accounts are created by an operator.
    pub role: Role,
}

/// A new session.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Send as `Authorization: Bearer <token>`. Valid for 30 days or until `logOut`.
    pub token: String,
    /// The account signed in.
    pub user: User,
    /// Keep this and send it as `logIn`'s `device` from this client from now on: a log-in that
    /// carries it is not held back by failed log-ins that others make on the account, only by
    /// this client's own. A new password ends it; the next log-in gives a new one.
    pub device: String,
}

impl From<accounts::Session> for AuthPayload {
    fn from(s: accounts::Session) -> Self {
        AuthPayload {
            token: s.token,
            user: User(s.account),
            device: s.device,
        }
    }
}

/// An API key for an integration. `token` is shown once, when the key is created.
#[derive(SimpleObject)]
pub struct ApiKey {
    /// The key's id, to revoke it.
    pub id: ID,
    /// What the key is for, as its owner named it.
    pub name: String,
    /// Send as `Authorization: Bearer <token>`; shown only now.
    pub token: String,
}

/// An API key of the signed-in account, as listed (its token is never shown again).
#[derive(SimpleObject)]
pub struct ApiKeyInfo {
    /// The key's id, to revoke it.
    pub id: ID,
    /// What the key is for, as its owner named it.
    pub name: String,
    /// When the key was created.
    pub created_at: time::OffsetDateTime,
}

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The signed-in account, or null.
    async fn me(&self, ctx: &Context<'_>) -> Option<User> {
        accounts::me(viewer(ctx)).map(User)
    }

    /// The signed-in account's API keys that are not revoked, oldest first.
    async fn api_keys(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ApiKeyInfo>> {
        let keys = accounts::api_keys(app(ctx), viewer(ctx)).await;
        gql(keys.map(|keys| {
            keys.into_iter()
                .map(|k| ApiKeyInfo {
                    id: k.id.to_string().into(),
                    name: k.name,
                    created_at: k.created_at,
                })
                .collect()
        }))
    }
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Creates an SME or INVESTOR account and signs it in.
    async fn sign_up(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "E-mail, password and role of the new account.")] input: SignUpInput,
    ) -> async_graphql::Result<AuthPayload> {
        let s = accounts::sign_up(
            app(ctx),
            viewer(ctx),
            &input.email,
            &input.password,
            input.role.into(),
        )
        .await;
        gql(s.map(Into::into))
    }

    /// Signs in; a wrong e-mail or password gets the same UNAUTHENTICATED answer.
    async fn log_in(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's e-mail.")] email: String,
        #[graphql(desc = "The account's password.")] password: String,
        #[graphql(
            desc = "The `device` an earlier `logIn` or `signUp` gave this client: with it, failed log-ins that others make on the account do not hold this one back."
        )]
        device: Option<String>,
    ) -> async_graphql::Result<AuthPayload> {
        let s = accounts::log_in(app(ctx), viewer(ctx), &email, &password, device.as_deref()).await;
        gql(s.map(Into::into))
    }

    /// Changes the account's password, from a log-in session (not with an API key): checks the
    /// current one (a wrong one counts as a failed log-in), ends every log-in session of the
    /// account on every device, and returns a new session for this client. API keys stay.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account's password now.")] current_password: String,
        #[graphql(desc = "The new password (the same rules as at sign-up).")] new_password: String,
    ) -> async_graphql::Result<AuthPayload> {
        let s = accounts::change_password(app(ctx), viewer(ctx), &current_password, &new_password)
            .await;
        gql(s.map(Into::into))
    }

    /// Ends the session of the token this request carries; with `everywhere: true`, every
    /// log-in session of the account (API keys stay: see `revokeAllApiKeys`).
    async fn log_out(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "End every log-in session of the account, not only this one. From a log-in session only: FORBIDDEN with an API key.",
            default = false
        )]
        everywhere: bool,
    ) -> async_graphql::Result<bool> {
        if everywhere {
            gql(accounts::log_out_everywhere(app(ctx), viewer(ctx))
                .await
                .map(|n| n > 0))
        } else {
            gql(accounts::log_out(app(ctx), viewer(ctx)).await)
        }
    }

    /// Revokes every API key of the account at once (from a log-in session, not with an API
    /// key); returns how many were revoked.
    async fn revoke_all_api_keys(&self, ctx: &Context<'_>) -> async_graphql::Result<i32> {
        let n = accounts::revoke_all_api_keys(app(ctx), viewer(ctx)).await;
        gql(n.map(|n| i32::try_from(n).unwrap_or(i32::MAX)))
    }

    /// Issues an API key for an integration acting as this account.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the key is for (at most 100 characters).")] name: String,
    ) -> async_graphql::Result<ApiKey> {
        let key = accounts::create_api_key(app(ctx), viewer(ctx), &name).await;
        gql(key.map(|k| ApiKey {
            id: k.id.to_string().into(),
            name: k.name,
            token: k.token,
        }))
    }

    /// Revokes one of the account's own API keys.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key's id, as `createApiKey` returned it.")] id: ID,
    ) -> async_graphql::Result<bool> {
        gql(accounts::revoke_api_key(app(ctx), viewer(ctx), &id).await)
    }
}
