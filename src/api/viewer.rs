//! Who is asking, and what they may see.
//!
//! Every field guard asks the [`Viewer`] in the request context. Accounts and roles are not built
//! yet, so every request is an anonymous visitor, who sees published public fields only: no
//! contact details, and no names of ANONYMOUS SMEs. Adding roles means adding variants here; the
//! guards already route every private field through these methods.

use crate::domain::profile::Visibility;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Viewer {
    #[default]
    Anonymous,
}

impl Viewer {
    /// Contact details are private to the owner, staff and accepted counterparts.
    pub fn may_see_contact(&self) -> bool {
        match self {
            Viewer::Anonymous => false,
        }
    }

    /// An ANONYMOUS SME's name is hidden from everyone but its owner and staff.
    pub fn may_see_name(&self, visibility: Visibility) -> bool {
        match self {
            Viewer::Anonymous => visibility == Visibility::Public,
        }
    }
}
