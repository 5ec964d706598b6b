//! Who is asking, and what they may see and do.
//!
//! Every field guard and every permission check asks the request's [`Viewer`]. It is built once
//! per request from the bearer token: the account, the profiles it owns, and the counterparts
//! it is connected to (both sides accepted an introduction), so guards need no I/O.

use std::collections::HashSet;
use std::sync::RwLock;

use super::errors::{ApiError, ApiResult};
use crate::domain::account::{Role, User, UserId};
use crate::domain::ids::ProfileId;
use crate::domain::profile::Visibility;

#[derive(Debug, Default)]
pub struct Viewer {
    pub user: Option<User>,
    /// SHA-256 of the token the request came with (to log out).
    pub token_hash: Option<String>,
    owned: HashSet<ProfileId>,
    /// Grows within a request when the viewer's own answer connects it to a counterpart, so the
    /// answer itself already shows the revealed contact.
    connected: RwLock<HashSet<ProfileId>>,
}

impl Viewer {
    pub fn anonymous() -> Self {
        Viewer::default()
    }

    pub fn signed_in(
        user: User,
        token_hash: String,
        owned: Vec<ProfileId>,
        connected: Vec<ProfileId>,
    ) -> Self {
        Viewer {
            user: Some(user),
            token_hash: Some(token_hash),
            owned: owned.into_iter().collect(),
            connected: RwLock::new(connected.into_iter().collect()),
        }
    }

    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.is_staff())
    }

    /// Whether the viewer's account owns a profile with this owner.
    pub fn owns(&self, owner: Option<UserId>) -> bool {
        matches!((&self.user, owner), (Some(u), Some(o)) if u.id == o)
    }

    /// Contact details: the owner, staff, and a counterpart whose introduction both accepted.
    pub fn may_see_contact(&self, profile: ProfileId, owner: Option<UserId>) -> bool {
        self.is_staff()
            || self.owns(owner)
            || self
                .connected
                .read()
                .map(|c| c.contains(&profile))
                .unwrap_or(false)
    }

    /// Both sides just accepted: the counterpart's profile is revealed to this viewer.
    pub fn reveal(&self, profile: ProfileId) {
        if let Ok(mut c) = self.connected.write() {
            c.insert(profile);
        }
    }

    /// An ANONYMOUS SME's name is hidden from the same people as its contact details.
    pub fn may_see_name(
        &self,
        profile: ProfileId,
        owner: Option<UserId>,
        visibility: Visibility,
    ) -> bool {
        visibility == Visibility::Public || self.may_see_contact(profile, owner)
    }

    /// Profile ids the viewer owns (as loaded at the start of the request).
    pub fn owned(&self) -> &HashSet<ProfileId> {
        &self.owned
    }

    pub fn require_user(&self) -> ApiResult<&User> {
        self.user.as_ref().ok_or_else(|| {
            ApiError::Unauthenticated("sign in first: send `Authorization: Bearer <token>`".into())
        })
    }

    pub fn require_role(&self, role: Role) -> ApiResult<&User> {
        let user = self.require_user()?;
        if user.role == role {
            Ok(user)
        } else {
            Err(ApiError::Forbidden(format!(
                "this needs a {} account (this one is {})",
                role.as_str(),
                user.role.as_str()
            )))
        }
    }

    pub fn require_staff(&self) -> ApiResult<&User> {
        let user = self.require_user()?;
        if user.role.is_staff() {
            Ok(user)
        } else {
            Err(ApiError::Forbidden("only chamber staff may do this".into()))
        }
    }

    /// The owner of a profile, or staff.
    pub fn require_owner_or_staff(&self, owner: Option<UserId>, what: &str) -> ApiResult<&User> {
        let user = self.require_user()?;
        if user.role.is_staff() || self.owns(owner) {
            Ok(user)
        } else {
            Err(ApiError::Forbidden(format!(
                "only the owner of this {what} (or staff) may change it"
            )))
        }
    }
}
