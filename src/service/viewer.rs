//! Who is asking.
//!
//! A [`Viewer`] is built once per request (or WebSocket operation) from its credentials: the
//! account, the profiles it owns and the counterparts it is connected to (both sides accepted an
//! introduction), so visibility decisions and permission checks need no I/O. What the viewer may
//! *see* is decided in [`super::visibility`]; what it may *do* by the `require_*` checks here.

use std::collections::HashSet;
use std::sync::RwLock;

use super::error::{ServiceError, ServiceResult};
use crate::domain::account::{Role, User, UserId};
use crate::domain::ids::ProfileId;

#[derive(Debug, Default)]
pub struct Viewer {
    pub user: Option<User>,
    /// SHA-256 of the token the request came with (to log out).
    pub token_hash: Option<String>,
    /// What kind of token that is: a log-in session or an API key (API keys cannot mint keys).
    pub token_kind: Option<crate::domain::account::TokenKind>,
    /// The client's address, when the transport knows it (rate limits per address).
    pub client: Option<std::net::IpAddr>,
    /// Grows within a request when the viewer's own answer connects it to a counterpart, so the
    /// answer itself already shows the revealed contact.
    connected: RwLock<HashSet<ProfileId>>,
}

impl Viewer {
    pub fn anonymous() -> Self {
        Viewer::default()
    }

    /// A signed-in viewer. Which profiles it owns is not loaded here (ownership is the profile's
    /// `owner`, compared by [`Viewer::owns`]); which it is connected to is, because visibility
    /// asks it of every profile shown.
    pub fn signed_in(user: User, token_hash: String, connected: Vec<ProfileId>) -> Self {
        Viewer {
            user: Some(user),
            token_hash: Some(token_hash),
            connected: RwLock::new(connected.into_iter().collect()),
            ..Viewer::default()
        }
    }

    /// A viewer acting as `user` without a token: demo seeding and operator commands, which
    /// run the same use cases as the account would.
    pub fn acting_as(user: User) -> Self {
        Viewer {
            user: Some(user),
            ..Viewer::default()
        }
    }

    /// A viewer standing for `user` outside any request, with the counterparts it is connected
    /// to: what a notice may tell the account is what its own pages would show it.
    pub fn of_account(user: User, connected: Vec<ProfileId>) -> Self {
        Viewer {
            user: Some(user),
            connected: RwLock::new(connected.into_iter().collect()),
            ..Viewer::default()
        }
    }

    /// The account's id, when signed in.
    pub fn user_id(&self) -> Option<UserId> {
        self.user.as_ref().map(|u| u.id)
    }

    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.is_staff())
    }

    /// Whether the viewer's account owns a profile with this owner.
    pub fn owns(&self, owner: Option<UserId>) -> bool {
        matches!((&self.user, owner), (Some(u), Some(o)) if u.id == o)
    }

    /// Whether both sides accepted an introduction between one of the viewer's profiles and
    /// `profile`.
    pub fn is_connected_to(&self, profile: ProfileId) -> bool {
        self.connected
            .read()
            .map(|c| c.contains(&profile))
            .unwrap_or(false)
    }

    /// Both sides just accepted: the counterpart's profile is revealed to this viewer.
    pub(crate) fn reveal(&self, profile: ProfileId) {
        if let Ok(mut c) = self.connected.write() {
            c.insert(profile);
        }
    }

    /// Profile ids the viewer owns (as loaded at the start of the request).
    pub fn require_user(&self) -> ServiceResult<&User> {
        self.user.as_ref().ok_or_else(|| {
            ServiceError::Unauthenticated(
                "sign in first: send `Authorization: Bearer <token>`".into(),
            )
        })
    }

    pub fn require_role(&self, role: Role) -> ServiceResult<&User> {
        let user = self.require_user()?;
        if user.role == role {
            Ok(user)
        } else {
            // The role's code, quoted: "a SME account" and "a INVESTOR account" read wrong
            // (QA), and the code is what a client compares.
            Err(ServiceError::Forbidden(format!(
                "this needs an account of role {} (this one is {})",
                role.as_str(),
                user.role.as_str()
            )))
        }
    }

    pub fn require_staff(&self) -> ServiceResult<&User> {
        let user = self.require_user()?;
        if user.role.is_staff() {
            Ok(user)
        } else {
            Err(ServiceError::Forbidden(
                "only chamber staff may do this".into(),
            ))
        }
    }

    /// The owner of a profile, or staff.
    pub fn require_owner_or_staff(
        &self,
        owner: Option<UserId>,
        what: &str,
    ) -> ServiceResult<&User> {
        let user = self.require_user()?;
        if user.role.is_staff() || self.owns(owner) {
            Ok(user)
        } else {
            Err(ServiceError::Forbidden(format!(
                "only the owner of this {what} (or staff) may change it"
            )))
        }
    }
}
