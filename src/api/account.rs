//! Sign-up, log-in, log-out, API keys and `me`.

use std::sync::Arc;

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject, ID};
use time::{Duration, OffsetDateTime};

use super::errors::{gql, ApiError, ApiResult};
use super::query::{app, parse_id};
use super::viewer::Viewer;
use crate::app::App;
use crate::auth;
use crate::domain::account::{self, NewAccount, TokenKind, SESSION_DAYS};
use crate::domain::ids::ProfileId;
use crate::store::{StoreError, TokenRecord};

/// What an account may do.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Sme,
    Investor,
    Staff,
    Admin,
}

impl From<Role> for account::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::Sme => account::Role::Sme,
            Role::Investor => account::Role::Investor,
            Role::Staff => account::Role::Staff,
            Role::Admin => account::Role::Admin,
        }
    }
}

impl From<account::Role> for Role {
    fn from(r: account::Role) -> Self {
        match r {
            account::Role::Sme => Role::Sme,
            account::Role::Investor => Role::Investor,
            account::Role::Staff => Role::Staff,
            account::Role::Admin => Role::Admin,
        }
    }
}

/// An account. Its e-mail is shown to the account itself and to staff only.
pub struct User {
    pub user: account::User,
    /// The caller just proved to be this account (sign-up, log-in), before any token exists
    /// for the request's viewer.
    pub is_caller: bool,
}

impl User {
    pub fn other(user: account::User) -> Self {
        User {
            user,
            is_caller: false,
        }
    }
}

#[Object]
impl User {
    async fn id(&self) -> ID {
        self.user.id.to_string().into()
    }

    async fn email(&self, ctx: &Context<'_>) -> Option<String> {
        let v = viewer(ctx);
        let mine = self.is_caller || v.user.as_ref().is_some_and(|u| u.id == self.user.id);
        (mine || v.is_staff()).then(|| self.user.email.as_str().to_string())
    }

    async fn role(&self) -> Role {
        self.user.role.into()
    }

    async fn created_at(&self) -> String {
        crate::store::timestamp(self.user.created_at)
    }
}

#[derive(InputObject)]
pub struct SignUpInput {
    pub email: String,
    pub password: String,
    /// SME or INVESTOR; staff accounts are created by an operator.
    pub role: Role,
}

#[derive(SimpleObject)]
pub struct AuthPayload {
    /// Send as `Authorization: Bearer <token>`. Valid for 30 days or until `logOut`.
    pub token: String,
    pub user: User,
}

/// An API key for an integration. `token` is shown once, when the key is created.
#[derive(SimpleObject)]
pub struct ApiKey {
    pub id: ID,
    pub name: String,
    pub token: String,
}

pub(super) fn viewer<'a>(ctx: &Context<'a>) -> &'a Viewer {
    // The HTTP layer always supplies a viewer; a schema used without one is anonymous.
    static ANONYMOUS: std::sync::LazyLock<Viewer> = std::sync::LazyLock::new(Viewer::anonymous);
    ctx.data_opt::<Arc<Viewer>>()
        .map(|v| v.as_ref())
        .unwrap_or(&ANONYMOUS)
}

/// Issues a token of `kind` for `user` and stores its hash.
async fn issue(
    app: &App,
    user: &account::User,
    kind: TokenKind,
    name: Option<String>,
) -> ApiResult<(ProfileId, String)> {
    let token = auth::new_token();
    let now = OffsetDateTime::now_utc();
    let id = ProfileId::new_v7();
    app.store
        .insert_token(&TokenRecord {
            hash: auth::token_hash(&token),
            id,
            user_id: user.id,
            kind,
            name,
            created_at: now,
            expires_at: (kind == TokenKind::Session).then(|| now + Duration::days(SESSION_DAYS)),
        })
        .await?;
    Ok((id, token))
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ApiResult<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ApiError::Internal(format!("blocking task failed: {e}")))
}

/// Creates an account (sign-up, the operator's `user create`, demo seeding).
pub async fn create_account(app: &App, new: NewAccount) -> ApiResult<account::User> {
    let password = new.password.clone();
    let hash = blocking(move || auth::hash_password(&password))
        .await?
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let user = account::User {
        id: ProfileId::new_v7(),
        email: new.email,
        role: new.role,
        created_at: OffsetDateTime::now_utc(),
    };
    match app.store.create_user(&user, &hash).await {
        Ok(()) => Ok(user),
        Err(StoreError::Conflict { .. }) => Err(ApiError::bad_input(
            "input.email",
            "an account with this e-mail already exists",
        )),
        Err(e) => Err(e.into()),
    }
}

#[derive(Default)]
pub struct AccountQuery;

#[Object]
impl AccountQuery {
    /// The signed-in account, or null.
    async fn me(&self, ctx: &Context<'_>) -> Option<User> {
        viewer(ctx).user.clone().map(User::other)
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
        input: SignUpInput,
    ) -> async_graphql::Result<AuthPayload> {
        gql(async {
            let new = NewAccount::validate(&input.email, &input.password, input.role.into(), true)?;
            let app = app(ctx);
            let user = create_account(app, new).await?;
            let (_, token) = issue(app, &user, TokenKind::Session, None).await?;
            Ok(AuthPayload {
                token,
                user: User {
                    user,
                    is_caller: true,
                },
            })
        }
        .await)
    }

    /// Signs in; a wrong e-mail or password gets the same UNAUTHENTICATED answer.
    async fn log_in(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> async_graphql::Result<AuthPayload> {
        gql(async {
            let app = app(ctx);
            let found = app.store.user_by_email(email.trim()).await?;
            // Verify against a dummy hash when the account is unknown, so timing does not
            // tell which e-mails have accounts.
            let (user, hash) = match found {
                Some((u, h)) => (Some(u), h),
                None => (None, DUMMY_HASH.to_string()),
            };
            let ok = blocking(move || auth::verify_password(&password, &hash)).await?;
            match (user, ok) {
                (Some(user), true) => {
                    let (_, token) = issue(app, &user, TokenKind::Session, None).await?;
                    Ok(AuthPayload {
                        token,
                        user: User {
                            user,
                            is_caller: true,
                        },
                    })
                }
                _ => Err(ApiError::Unauthenticated("wrong e-mail or password".into())),
            }
        }
        .await)
    }

    /// Ends the session of the token this request carries.
    async fn log_out(&self, ctx: &Context<'_>) -> async_graphql::Result<bool> {
        gql(async {
            let v = viewer(ctx);
            v.require_user()?;
            let hash = v.token_hash.clone().unwrap_or_default();
            let revoked = app(ctx)
                .store
                .revoke_token_hash(&hash, OffsetDateTime::now_utc())
                .await?;
            app(ctx).revoked(crate::app::Revocation::Token(hash));
            Ok(revoked)
        }
        .await)
    }

    /// Issues an API key for an integration acting as this account.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        name: String,
    ) -> async_graphql::Result<ApiKey> {
        gql(async {
            let user = viewer(ctx).require_user()?.clone();
            let name = crate::domain::text::optional_plain(Some(name), 100)
                .map_err(|e| ApiError::bad_input("name", e))?
                .ok_or_else(|| ApiError::bad_input("name", "give the key a name"))?;
            let (id, token) = issue(app(ctx), &user, TokenKind::ApiKey, Some(name.clone())).await?;
            Ok(ApiKey {
                id: id.to_string().into(),
                name,
                token,
            })
        }
        .await)
    }

    /// Revokes one of the account's own API keys.
    async fn revoke_api_key(&self, ctx: &Context<'_>, id: ID) -> async_graphql::Result<bool> {
        gql(async {
            let user = viewer(ctx).require_user()?.clone();
            let id = parse_id("id", &id)?;
            if app(ctx)
                .store
                .revoke_api_key(id, user.id, OffsetDateTime::now_utc())
                .await?
            {
                app(ctx).revoked(crate::app::Revocation::TokensOf(user.id));
                Ok(true)
            } else {
                Err(ApiError::NotFound {
                    what: "API key",
                    id: id.to_string(),
                })
            }
        }
        .await)
    }
}

/// An argon2id hash of a random string nobody knows, for constant-time log-in failures.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| auth::hash_password(&auth::new_token()).unwrap_or_default());

/// Builds the viewer of a request from its `Authorization` header.
pub async fn viewer_for(app: &App, authorization: Option<&str>) -> ApiResult<Viewer> {
    let Some(header) = authorization else {
        return Ok(Viewer::anonymous());
    };
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            ApiError::Unauthenticated("the Authorization header must be `Bearer <token>`".into())
        })?;
    let hash = auth::token_hash(token);
    let (user, _) = app
        .store
        .token_user(&hash, OffsetDateTime::now_utc())
        .await?
        .ok_or_else(|| {
            ApiError::Unauthenticated("unknown, expired or revoked token: sign in again".into())
        })?;
    let owned = app.store.owned_profiles(user.id).await?;
    let connected = app.store.connected_profiles(user.id).await?;
    Ok(Viewer::signed_in(user, hash, owned, connected))
}
