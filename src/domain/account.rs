//! Accounts: roles and the password policy.

use super::contact::Email;
use super::ids::ProfileId;
use super::validation::{Checker, ValidationErrors};

/// Ids of accounts are UUIDv7 like every other id.
pub type UserId = ProfileId;

/// What an account may do. SME and INVESTOR accounts sign themselves up and own profiles;
/// STAFF (chamber curators) and ADMIN accounts are created by an operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Sme,
    Investor,
    Staff,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Sme => "SME",
            Role::Investor => "INVESTOR",
            Role::Staff => "STAFF",
            Role::Admin => "ADMIN",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Role::Sme, Role::Investor, Role::Staff, Role::Admin]
            .into_iter()
            .find(|r| r.as_str() == s.to_ascii_uppercase())
    }

    /// Staff and admins curate and see everything.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Staff | Role::Admin)
    }
}

/// Passwords are at least this long; length beats composition rules (NIST SP 800-63B).
pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 200;

/// A sign-up as submitted, checked.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub email: Email,
    pub password: String,
    pub role: Role,
}

impl NewAccount {
    /// `self_service`: only SME and INVESTOR accounts may sign themselves up.
    pub fn validate(
        email: &str,
        password: &str,
        role: Role,
        self_service: bool,
    ) -> Result<Self, ValidationErrors> {
        let mut c = Checker::new("input");
        let email = c.check("email", Email::parse(email));
        let n = password.chars().count();
        if n < PASSWORD_MIN_CHARS {
            c.fail(
                "password",
                format!("must be at least {PASSWORD_MIN_CHARS} characters"),
            );
        } else if n > PASSWORD_MAX_CHARS {
            c.fail(
                "password",
                format!("must be at most {PASSWORD_MAX_CHARS} characters"),
            );
        }
        if self_service && role.is_staff() {
            c.fail(
                "role",
                "STAFF and ADMIN accounts are created by an operator (khkr-match user create)",
            );
        }
        c.finish(|| NewAccount {
            // Stored lower-case: addresses are matched case-insensitively at log-in.
            email: Email::parse(&email.expect("checked").as_str().to_ascii_lowercase())
                .expect("still valid"),
            password: password.to_string(),
            role,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_up_rules() {
        let ok = NewAccount::validate(
            "Sokha@Example.com",
            "correct horse battery",
            Role::Sme,
            true,
        )
        .unwrap();
        assert_eq!(ok.email.as_str(), "sokha@example.com");
        let err = NewAccount::validate("nope", "short", Role::Staff, true).unwrap_err();
        assert_eq!(
            err.fields(),
            vec!["input.email", "input.password", "input.role"]
        );
        assert!(NewAccount::validate("a@b.co", "long enough pw", Role::Staff, false).is_ok());
        assert_eq!(Role::parse("staff"), Some(Role::Staff));
    }
}

/// An account as the rest of the service sees it (never with its password hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub role: Role,
    pub created_at: time::OffsetDateTime,
}

/// Bearer tokens: SESSION tokens come from logging in and expire; API_KEY tokens are issued to
/// integrations by their owner and last until revoked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Session,
    ApiKey,
}

impl TokenKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Session => "SESSION",
            TokenKind::ApiKey => "API_KEY",
        }
    }
}

/// How long a log-in lasts.
pub const SESSION_DAYS: i64 = 30;
