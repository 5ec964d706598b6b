//! Accounts: sign-up, log-in, log-out, API keys, and the viewer of a request.
//!
//! Account creation exists once, in [`create_account`]: sign-up, the operator's
//! `user create` and demo seeding all go through it.

use time::{Duration, OffsetDateTime};

use super::error::{ServiceError, ServiceResult};
use super::viewer::Viewer;
use super::visibility::{self, AccountView};
use crate::app::App;
use crate::auth;
use crate::domain::account::{NewAccount, Role, TokenKind, User, SESSION_DAYS};
use crate::domain::contact::Email;
use crate::domain::ids::ProfileId;
use crate::store::{Store, StoreError, TokenRecord};

/// A token just issued, with the account it signs in (as the caller may see it).
#[derive(Debug, Clone)]
pub struct Session {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub account: AccountView,
    /// Proof that this client signed in to the account (`auth::device_proof`): sent back with a
    /// later log-in, that log-in is not held back by failures others made on the account. Given
    /// by sign-up, log-in and a password change.
    pub device: String,
}

/// A new API key; its token is shown once.
#[derive(Debug, Clone)]
pub struct ApiKey {
    pub id: ProfileId,
    pub name: String,
    pub token: String,
}

/// Runs password hashing on the bounded hashing pool (see `auth`): a full queue is refused at
/// once with RATE_LIMITED rather than queued without bound.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> ServiceResult<T> {
    auth::pool()
        .run(f)
        .await
        .map_err(|busy| ServiceError::busy(busy.to_string(), 1))
}

async fn hash(password: String) -> ServiceResult<String> {
    blocking(move || auth::hash_password(&password))
        .await?
        .map_err(|e| ServiceError::Internal(e.to_string()))
}

/// Creates an account of any role (the caller decides who may create which role).
pub async fn create_account(store: &dyn Store, new: NewAccount) -> ServiceResult<User> {
    match try_create(store, new).await? {
        Created::New(user, _) => Ok(user),
        Created::Taken(_) => Err(ServiceError::bad_input(
            "input.email",
            "an account with this e-mail already exists",
        )),
    }
}

/// What an account creation found.
enum Created {
    /// The account, and its password hash.
    New(User, String),
    /// The e-mail has an account already; what would have been created (never stored).
    Taken(User),
}

/// Hashes the password and inserts the account; the hash is done either way, so both outcomes
/// take the same time.
async fn try_create(store: &dyn Store, new: NewAccount) -> ServiceResult<Created> {
    let hash = hash(new.password.clone()).await?;
    let user = User {
        id: ProfileId::new_v7(),
        email: new.email,
        role: new.role,
        created_at: OffsetDateTime::now_utc(),
    };
    match store.create_user(&user, &hash).await {
        Ok(()) => Ok(Created::New(user, hash)),
        Err(StoreError::Conflict { .. }) => Ok(Created::Taken(user)),
        Err(e) => Err(e.into()),
    }
}

/// The operator's `user create`: any role, STAFF and ADMIN included.
pub async fn create_by_operator(
    store: &dyn Store,
    email: &str,
    password: &str,
    role: Role,
) -> ServiceResult<User> {
    let new = NewAccount::validate(email, password, role, false)?;
    create_account(store, new).await
}

/// Demo mode: the account with this e-mail and role, created if missing, with a new password
/// either way (the caller prints it, so it must not outlive the run that printed it).
pub async fn reset_demo_account(
    store: &dyn Store,
    email: &str,
    role: Role,
    password: &str,
) -> ServiceResult<User> {
    match store.user_by_email(email).await? {
        Some((user, _)) => {
            // New passwords, and the old ones' sessions, API keys and reset links end with
            // them (QA: tokens of the run before still answered after a restart).
            replace_password(store, &user, password).await?;
            Ok(user)
        }
        None => {
            let email = Email::parse(email).map_err(|e| ServiceError::bad_input("email", e))?;
            let new = NewAccount {
                email,
                password: password.to_string(),
                role,
            };
            create_account(store, new).await
        }
    }
}

/// Sets `user`'s password and ends everything the old one opened: every session and API key,
/// every reset link not yet used, and the account's failed log-ins.
async fn replace_password(store: &dyn Store, user: &User, password: &str) -> ServiceResult<()> {
    store
        .set_password_hash(user.id, &hash(password.to_string()).await?)
        .await?;
    let now = OffsetDateTime::now_utc();
    for kind in [TokenKind::Session, TokenKind::ApiKey] {
        store.revoke_tokens_of(user.id, kind, now).await?;
    }
    store.end_password_resets(user.id, now).await?;
    store
        .clear_attempts(&login_account_key(user.email.as_str()))
        .await?;
    Ok(())
}

/// The operator sets a new password for the account of `email` (`khkr-match user
/// set-password`): the way back in for someone who forgot theirs on a site that sends no
/// e-mail, where the page tells them to ask the chamber's staff (Khmer owner QA: nobody could
/// do anything for her). The password policy holds as everywhere; the account is signed out
/// everywhere.
pub async fn set_password_by_operator(
    store: &dyn Store,
    email: &str,
    password: &str,
) -> ServiceResult<User> {
    let address = Email::parse(email).map_err(|e| ServiceError::bad_input("email", e))?;
    let Some((user, _)) = store.user_by_email(address.as_str()).await? else {
        return Err(ServiceError::bad_input(
            "email",
            "no account has this e-mail",
        ));
    };
    if let Some(reason) = crate::domain::account::password_problem(password, user.email.as_str()) {
        return Err(ServiceError::bad_input("password", reason));
    }
    replace_password(store, &user, password).await?;
    tracing::info!(account = %user.id, "password set by the operator; every session and API key ended");
    Ok(user)
}

/// Issues a token of `kind` for `user` and stores its hash.
async fn issue(
    app: &App,
    user: &User,
    kind: TokenKind,
    name: Option<String>,
) -> ServiceResult<(ProfileId, String)> {
    let token = auth::new_token();
    let hash = auth::token_hash(&token);
    let now = OffsetDateTime::now_utc();
    let id = ProfileId::new_v7();
    app.store
        .insert_token(&TokenRecord {
            hash: hash.clone(),
            id,
            user_id: user.id,
            kind,
            name,
            created_at: now,
            expires_at: (kind == TokenKind::Session).then(|| now + Duration::days(SESSION_DAYS)),
        })
        .await?;
    if kind == TokenKind::Session {
        // An account keeps its newest sessions only (attacker QA: a script logging in 57
        // times a second stored every session, 1,145 in 20 s): a device signed in long ago
        // whose session goes signs in again.
        app.store
            .prune_sessions(user.id, MAX_SESSIONS, &hash)
            .await?;
    }
    Ok((id, token))
}

/// The log-in sessions an account keeps: many more than its devices and browsers.
pub const MAX_SESSIONS: usize = 50;

fn session(v: &Viewer, user: User, token: String, device: String) -> Session {
    Session {
        token,
        account: visibility::account(v, user, true),
        device,
    }
}

/// Creates an SME or INVESTOR account and signs it in.
///
/// An e-mail that already has an account is not revealed: the answer has the same shape and
/// takes the same work (one password hash, one insert attempt) as for a new address, with a
/// fresh-looking account and a well-formed token that was never stored, so it signs nobody in
/// and nothing usable is handed out. The rightful owner loses nothing (their account is
/// untouched) and, when a mailer exists, is the one to tell. What remains observable: the
/// decoy token fails at its first use, and a new account costs one more write (a few ms);
/// sign-ups are rate-limited per address, which bounds such probing.
pub async fn sign_up(
    app: &App,
    v: &Viewer,
    email: &str,
    password: &str,
    role: Role,
) -> ServiceResult<Session> {
    let new = NewAccount::validate(email, password, role, true)?;
    // Counted before the work, so a flood of sign-ups from one address backs off whether or not
    // they succeed.
    if let Some(ip) = v.client {
        let limit = app.throttle.config.signups_per_ip;
        attempt(app, &format!("signup-ip:{ip}"), limit, "sign-ups").await?;
    }
    match try_create(app.store.as_ref(), new).await? {
        Created::New(user, hash) => {
            let (_, token) = issue(app, &user, TokenKind::Session, None).await?;
            Ok(session(v, user, token, auth::new_device_proof(&hash)))
        }
        Created::Taken(decoy) => {
            tracing::info!("sign-up for an e-mail that has an account: answered with a decoy");
            let device = auth::decoy_device_proof();
            Ok(session(v, decoy, auth::new_token(), device))
        }
    }
}

/// An argon2id hash of a random string nobody knows, for constant-time log-in failures.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| auth::hash_password(&auth::new_token()).unwrap_or_default());

/// Signs in; a wrong e-mail or password gets the same UNAUTHENTICATED answer.
///
/// `device` is the proof an earlier log-in (or the sign-up) gave this client
/// ([`Session::device`]). With it, the client's failures count on a key of its own instead of
/// the account's, so that whoever knows an e-mail can hold back every client but those that
/// have signed in before (QA: one wrong guess per window kept an account out for up to 15
/// minutes). Without it, or with a proof of another account or of an older password, the log-in
/// is an unknown client's and waits as before.
pub async fn log_in(
    app: &App,
    v: &Viewer,
    email: &str,
    password: &str,
    device: Option<&str>,
) -> ServiceResult<Session> {
    // Guessing is slowed per address and per account (see `throttle`), checked before the
    // costly hash so a blocked guesser costs almost nothing.
    let ip_key = v.client.map(|ip| format!("login-ip:{ip}"));
    let config = app.throttle.config;
    if let Some(key) = &ip_key {
        app.throttle
            .check(
                key,
                config.login_failures_per_ip,
                "failed log-ins from this address",
            )
            .await?;
    }
    // With a proof, the account is read before its back-off is checked, since which key
    // applies depends on whether its hash verifies the proof (one indexed read; the costly
    // hash still comes after). Without one, a blocked guesser is refused before any read.
    let read_first = match device {
        Some(_) => Some(app.store.user_by_email(email.trim()).await?),
        None => None,
    };
    let known = match (&read_first, device) {
        (Some(Some((_, hash))), Some(proof)) => auth::device_nonce(hash, proof).map(str::to_string),
        _ => None,
    };
    let (key, what) = match &known {
        Some(nonce) => (
            format!("login-device:{nonce}"),
            "failed log-ins from this device",
        ),
        None => (login_account_key(email), "failed log-ins on this account"),
    };
    app.throttle
        .check(&key, config.login_failures_per_account, what)
        .await?;
    let found = match read_first {
        Some(found) => found,
        None => app.store.user_by_email(email.trim()).await?,
    };
    // Verify against a dummy hash when the account is unknown, so timing does not tell which
    // e-mails have accounts.
    let (user, hash) = match found {
        Some((u, h)) => (Some(u), h),
        None => (None, DUMMY_HASH.to_string()),
    };
    let password = password.to_string();
    let checked = hash.clone();
    let ok = blocking(move || auth::verify_password(&password, &checked)).await?;
    match (user, ok) {
        (Some(user), true) => {
            app.throttle.clear(&key).await?;
            let (_, token) = issue(app, &user, TokenKind::Session, None).await?;
            // The same nonce again for a known client, so its key stays its own.
            let device = match &known {
                Some(nonce) => auth::device_proof(&hash, nonce),
                None => auth::new_device_proof(&hash),
            };
            Ok(session(v, user, token, device))
        }
        _ => {
            if let Some(key) = &ip_key {
                app.throttle.count(key).await?;
            }
            app.throttle.count(&key).await?;
            Err(ServiceError::Unauthenticated(
                "wrong e-mail or password".into(),
            ))
        }
    }
}

/// Changes the viewer's password after checking the current one, from a log-in session only (a
/// leaked API key must not be able to take its account over). A wrong current password counts
/// against the account exactly as a failed log-in does (the same counter), so a borrowed or
/// stolen session cannot guess its way to the password. Every log-in session of the account
/// ends, on every device (whoever else was signed in with the old password is out); API keys
/// stay, as with [`log_out_everywhere`]. Returns a new session for the caller.
pub async fn change_password(
    app: &App,
    v: &Viewer,
    current: &str,
    new: &str,
) -> ServiceResult<Session> {
    let user = v.require_user()?.clone();
    require_session(
        v,
        "a password is changed from a log-in session, not with an API key",
    )?;
    if let Some(reason) = crate::domain::account::password_problem(new, user.email.as_str()) {
        return Err(ServiceError::bad_input("newPassword", reason));
    }
    let key = login_account_key(user.email.as_str());
    app.throttle
        .check(
            &key,
            app.throttle.config.login_failures_per_account,
            "failed log-ins on this account",
        )
        .await?;
    let Some((_, stored)) = app.store.user_by_email(user.email.as_str()).await? else {
        return Err(ServiceError::Unauthenticated(
            "the account no longer exists".into(),
        ));
    };
    let current = current.to_string();
    if !blocking(move || auth::verify_password(&current, &stored)).await? {
        app.throttle.count(&key).await?;
        return Err(ServiceError::bad_input(
            "currentPassword",
            "is not this account's password",
        ));
    }
    app.throttle.clear(&key).await?;
    let new_hash = hash(new.to_string()).await?;
    app.store.set_password_hash(user.id, &new_hash).await?;
    let now = OffsetDateTime::now_utc();
    app.store
        .revoke_tokens_of(user.id, TokenKind::Session, now)
        .await?;
    // A reset link still in the mailbox would set another password over this one (QA).
    app.store.end_password_resets(user.id, now).await?;
    app.revoked(crate::app::Revocation::TokensOf(user.id));
    let (_, token) = issue(app, &user, TokenKind::Session, None).await?;
    tracing::info!(account = %user.id, "password changed; every other session and reset link ended");
    // Proofs made under the old password end with it (they were MACed by its hash): this
    // client gets one under the new.
    Ok(session(v, user, token, auth::new_device_proof(&new_hash)))
}

/// Counts one attempt against `key`, refused (`RATE_LIMITED`, saying `what`) once `limit` are
/// counted: counted before the work, so a flood backs off whether or not its attempts succeed.
async fn attempt(app: &App, key: &str, limit: u32, what: &str) -> ServiceResult<()> {
    app.throttle.check(key, limit, what).await?;
    app.throttle.count(key).await?;
    Ok(())
}

/// How long a password-reset link works.
pub const RESET_MINUTES: i64 = 60;

/// What a password-reset request did, as the person may be told: the same whether or not the
/// address has an account (an answer that differed would tell who has one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResetRequested {
    /// A letter with a link goes to the address, if it has an account.
    Sent,
    /// This server sends no e-mail (no `--smtp-url`): the chamber's staff can help.
    CannotSend,
}

/// Starts a password reset for whoever holds the account of `email` (QA: a forgotten password
/// locked an owner out for good): a link to set a new password, good for [`RESET_MINUTES`],
/// e-mailed to that address. Answered alike for addresses with and without an account, and
/// the letter is sent after the answer, so neither the answer nor its time tells them apart.
/// Counted per client against the limit of sign-ups (refused past it) and per address against
/// that of log-ins (past it, answered alike but no new letter), so nobody can flood a mailbox
/// or keep an owner out. Only the token's hash is stored.
pub async fn request_password_reset(
    app: &App,
    v: &Viewer,
    email: &str,
    lang: crate::domain::text::Lang,
) -> ServiceResult<ResetRequested> {
    let address = Email::parse(email).map_err(|e| ServiceError::bad_input("email", e))?;
    if let Some(ip) = v.client {
        let limit = app.throttle.config.signups_per_ip;
        attempt(
            app,
            &format!("reset-ip:{ip}"),
            limit,
            "password-reset requests",
        )
        .await?;
    }
    // Per account, a request over the limit sends no letter but is answered as any other: a
    // refusal let anyone keep an account's owner from resetting for good, one request per
    // back-off from rotating addresses (QA). The mailbox is still spared a flood, and the
    // owner finds the last letter sent, at most the longest back-off (15 min) old, its link
    // good for an hour.
    let account_key = format!("reset-account:{}", address.as_str());
    let quiet = match app
        .throttle
        .check(
            &account_key,
            app.throttle.config.login_failures_per_account,
            "password-reset requests for this address",
        )
        .await
    {
        Ok(()) => {
            app.throttle.count(&account_key).await?;
            false
        }
        Err(ServiceError::RateLimited { .. }) => true,
        Err(e) => return Err(e),
    };
    let Some(mailer) = app.mailer.get().cloned() else {
        return Ok(ResetRequested::CannotSend);
    };
    if quiet {
        tracing::info!("password-reset request over its address's limit: no new letter");
        return Ok(ResetRequested::Sent);
    }
    if let Some((user, _)) = app.store.user_by_email(address.as_str()).await? {
        let token = auth::new_token();
        let now = OffsetDateTime::now_utc();
        app.store
            .insert_password_reset(
                &auth::token_hash(&token),
                user.id,
                now,
                now + Duration::minutes(RESET_MINUTES),
            )
            .await?;
        let to = user.email.as_str().to_string();
        tokio::spawn(async move {
            match mailer.send_password_reset(&to, lang, &token).await {
                Ok(()) => tracing::info!(account = %user.id, "password-reset link sent"),
                Err(why) => {
                    tracing::warn!(account = %user.id, error = %why, "password-reset link not sent")
                }
            }
        });
    }
    Ok(ResetRequested::Sent)
}

/// Whether a reset link's token would still set a password, without using it up (mail
/// scanners open links too): the reset page says at once that a used or old link no longer
/// works (QA: it showed the form, and said so only when the new password was sent).
pub async fn reset_link_works(app: &App, token: &str) -> ServiceResult<bool> {
    Ok(!token.is_empty()
        && app
            .store
            .password_reset_holder(&auth::token_hash(token), OffsetDateTime::now_utc())
            .await?
            .is_some())
}

/// Sets a new password with a reset link's token (once; within [`RESET_MINUTES`]): the
/// password is checked first, so a weak one does not use the link up. Every log-in session and
/// API key of the account ends (whoever knew the old password is out), and the account's
/// failed log-ins are forgotten (its holder has shown they read its mail).
pub async fn reset_password(app: &App, token: &str, new: &str) -> ServiceResult<()> {
    let token_hash = auth::token_hash(token);
    let unknown = || {
        ServiceError::bad_input(
            "token",
            "this link is unknown, used or too old: ask for a new one",
        )
    };
    let Some(holder) = app
        .store
        .password_reset_holder(&token_hash, OffsetDateTime::now_utc())
        .await?
    else {
        return Err(unknown());
    };
    let user = app.store.user(holder).await?;
    let email = user.as_ref().map_or("", |u| u.email.as_str());
    if let Some(reason) = crate::domain::account::password_problem(new, email) {
        return Err(ServiceError::bad_input("newPassword", reason));
    }
    let now = OffsetDateTime::now_utc();
    // Taken now, once: another use of the same link since the look above finds it gone.
    let Some(id) = app.store.take_password_reset(&token_hash, now).await? else {
        return Err(unknown());
    };
    // Sessions and API keys both end: whoever knew the old password may have made a key
    // with it (QA round 3: a key still worked after the reset).
    if let Some(user) = user.filter(|u| u.id == id) {
        replace_password(app.store.as_ref(), &user, new).await?;
    }
    app.revoked(crate::app::Revocation::TokensOf(id));
    tracing::info!(account = %id, "password reset by e-mailed link; every session and API key ended");
    Ok(())
}

/// The throttle key of failed log-ins on one account (shared with [`change_password`]).
fn login_account_key(email: &str) -> String {
    format!("login-account:{}", email.trim().to_lowercase())
}

/// Ends every log-in session of the viewer's account (API keys stay: see
/// [`revoke_all_api_keys`]); the number of sessions ended.
pub async fn log_out_everywhere(app: &App, v: &Viewer) -> ServiceResult<u64> {
    let user = v.require_user()?.clone();
    // As the other account actions: a leaked key must not sign its owner out of every
    // session, again and again, while it keeps working itself (QA).
    require_session(
        v,
        "logging out everywhere is done from a log-in session, not with an API key",
    )?;
    let n = app
        .store
        .revoke_tokens_of(user.id, TokenKind::Session, OffsetDateTime::now_utc())
        .await?;
    app.revoked(crate::app::Revocation::TokensOf(user.id));
    Ok(n)
}

/// An API key as its owner sees it in a listing (never its token).
#[derive(Debug, Clone)]
pub struct ApiKeyInfo {
    pub id: ProfileId,
    pub name: String,
    pub created_at: OffsetDateTime,
}

/// The viewer's live API keys, oldest first.
pub async fn api_keys(app: &App, v: &Viewer) -> ServiceResult<Vec<ApiKeyInfo>> {
    let user = v.require_user()?;
    Ok(app
        .store
        .api_keys(user.id)
        .await?
        .into_iter()
        .map(|t| ApiKeyInfo {
            id: t.id,
            name: t.name.unwrap_or_default(),
            created_at: t.created_at,
        })
        .collect())
}

/// Revokes every API key of the viewer's account, from a log-in session only (a leaked key
/// must not lock its owner's integrations out); the number revoked.
pub async fn revoke_all_api_keys(app: &App, v: &Viewer) -> ServiceResult<u64> {
    let user = v.require_user()?.clone();
    require_session(v, "API keys are revoked all at once from a log-in session")?;
    let n = app
        .store
        .revoke_tokens_of(user.id, TokenKind::ApiKey, OffsetDateTime::now_utc())
        .await?;
    app.revoked(crate::app::Revocation::TokensOf(user.id));
    Ok(n)
}

fn require_session(v: &Viewer, message: &str) -> ServiceResult<()> {
    if v.token_kind == Some(TokenKind::Session) {
        Ok(())
    } else {
        Err(ServiceError::Forbidden(message.into()))
    }
}

/// Ends the session of the token the request carries.
pub async fn log_out(app: &App, v: &Viewer) -> ServiceResult<bool> {
    v.require_user()?;
    let hash = v.token_hash.clone().unwrap_or_default();
    let revoked = app
        .store
        .revoke_token_hash(&hash, OffsetDateTime::now_utc())
        .await?;
    app.revoked(crate::app::Revocation::Token(hash));
    Ok(revoked)
}

/// Live API keys one account may hold: an integration needs one or two, a rotation one more;
/// without a bound a script could fill the table (6,000 in 18 s) and make `apiKeys` a
/// megabyte.
pub const MAX_API_KEYS: usize = 20;

/// Issues an API key for an integration acting as the viewer's account.
pub async fn create_api_key(app: &App, v: &Viewer, name: &str) -> ServiceResult<ApiKey> {
    let user = v.require_user()?.clone();
    // A leaked key must not be able to mint more keys that outlive its revocation.
    require_session(
        v,
        "API keys are created from a log-in session, not with an API key",
    )?;
    let name = crate::domain::text::optional_plain(Some(name.to_string()), 100)
        .map_err(|e| ServiceError::bad_input("name", e))?
        .ok_or_else(|| ServiceError::bad_input("name", "give the key a name"))?;
    if app.store.api_keys(user.id).await?.len() >= MAX_API_KEYS {
        return Err(ServiceError::bad_input(
            "name",
            format!("this account has {MAX_API_KEYS} API keys, the most it may hold: revoke one it no longer uses first"),
        ));
    }
    let (id, token) = issue(app, &user, TokenKind::ApiKey, Some(name.clone())).await?;
    Ok(ApiKey { id, name, token })
}

/// Revokes one of the viewer's own API keys; someone else's key is as unknown as no key.
pub async fn revoke_api_key(app: &App, v: &Viewer, id: &str) -> ServiceResult<bool> {
    let user = v.require_user()?.clone();
    let id = super::parse_id("id", id)?;
    if app
        .store
        .revoke_api_key(id, user.id, OffsetDateTime::now_utc())
        .await?
    {
        app.revoked(crate::app::Revocation::TokensOf(user.id));
        Ok(true)
    } else {
        Err(ServiceError::not_found("API key", id))
    }
}

/// The signed-in account, as the viewer sees itself.
pub fn me(v: &Viewer) -> Option<AccountView> {
    v.user.clone().map(|u| visibility::account(v, u, false))
}

/// An account as the viewer may see it (e.g. a match's curator or an audit entry's actor).
pub async fn account(app: &App, v: &Viewer, id: ProfileId) -> ServiceResult<Option<AccountView>> {
    Ok(app
        .store
        .user(id)
        .await?
        .map(|u| visibility::account(v, u, false)))
}

/// Staff: the accounts that curate matches (STAFF and ADMIN), by e-mail, to assign one.
pub async fn staff_accounts(app: &App, v: &Viewer) -> ServiceResult<Vec<AccountView>> {
    v.require_staff()?;
    Ok(app
        .store
        .staff_accounts()
        .await?
        .into_iter()
        .map(|u| visibility::account(v, u, false))
        .collect())
}

/// Builds the viewer of a request from its `Authorization` header value.
pub async fn viewer_for(app: &App, authorization: Option<&str>) -> ServiceResult<Viewer> {
    let Some(header) = authorization else {
        return Ok(Viewer::anonymous());
    };
    let token = header
        .strip_prefix("Bearer ")
        .or_else(|| header.strip_prefix("bearer "))
        .map(str::trim)
        .ok_or_else(|| {
            ServiceError::Unauthenticated(
                "the Authorization header must be `Bearer <token>`".into(),
            )
        })?;
    viewer_for_token(app, token).await
}

/// Builds the viewer of a bearer token (a request header, a WebSocket's init payload, a page's
/// session cookie).
pub async fn viewer_for_token(app: &App, token: &str) -> ServiceResult<Viewer> {
    let hash = auth::token_hash(token);
    let (user, kind) = app
        .store
        .token_user(&hash, OffsetDateTime::now_utc())
        .await?
        .ok_or_else(|| {
            ServiceError::Unauthenticated("unknown, expired or revoked token: sign in again".into())
        })?;
    let connected = app.store.connected_profiles(user.id).await?;
    let mut viewer = Viewer::signed_in(user, hash, connected);
    viewer.token_kind = Some(kind);
    Ok(viewer)
}
