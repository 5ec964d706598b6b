//! Who may see what: decided here, once, for every front end.
//!
//! GraphQL types, web pages, exports and notifications never ask "may this viewer see that?"
//! themselves: they receive values that already went through this module, with what the viewer
//! may not see *removed* (not merely flagged), so a template or resolver that forgets a check
//! shows nothing rather than a secret.
//!
//! The policy is one table, [`allows`], of [`Relation`] × [`Private`] fact. How a viewer
//! relates to a profile, a match or an account is derived by the `relation_to_*` functions from
//! the request's [`Viewer`] (no I/O). The tests enumerate every role × relationship × fact.
//!
//! | private fact          | who sees it                                                      |
//! |-----------------------|------------------------------------------------------------------|
//! | contact details       | the profile's owner, staff, a counterpart both of whose sides accepted an introduction |
//! | an ANONYMOUS SME's name | the same people as its contact details                         |
//! | pipeline facts (stage, dates, answers, introduction message) | staff; the two parties once staff introduced them |
//! | audit log, curator    | staff                                                            |
//! | an account's e-mail   | the account itself and staff                                     |

use time::OffsetDateTime;

use super::viewer::Viewer;
use crate::domain::account::{Role, User, UserId};
use crate::domain::contact::Contact;
use crate::domain::ids::ProfileId;
use crate::domain::investor::Investor;
use crate::domain::pipeline::{MatchRecord, Response, Stage};
use crate::domain::profile::Visibility;
use crate::domain::sme::Sme;
use crate::domain::text::{Lang, LocalizedText};

/// How the viewer relates to the subject of a private fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Relation {
    /// Anonymous, or signed in with no tie to the subject.
    Stranger,
    /// Owns the profile.
    Owner,
    /// Owns a profile whose introduction to this one both sides accepted.
    Connected,
    /// Owns one of the two profiles of the match.
    Party,
    /// Is the account.
    Itself,
    /// STAFF or ADMIN.
    Staff,
}

/// The facts that are not public.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Private {
    Contact,
    /// The name of an ANONYMOUS SME (public names are public).
    AnonymousName,
    /// Stage, dates, the parties' answers and the introduction message of a pipeline match.
    PipelineFacts,
    AuditLog,
    Curator,
    Email,
}

/// The policy: whether a viewer in `relation` to the subject may see `fact`.
pub fn allows(relation: Relation, fact: Private) -> bool {
    use Private::*;
    use Relation::*;
    match fact {
        Contact | AnonymousName => matches!(relation, Owner | Connected | Staff),
        PipelineFacts => matches!(relation, Party | Staff),
        AuditLog | Curator => relation == Staff,
        Email => matches!(relation, Itself | Staff),
    }
}

/// The viewer's relation to a profile.
pub fn relation_to_profile(v: &Viewer, profile: ProfileId, owner: Option<UserId>) -> Relation {
    if v.is_staff() {
        Relation::Staff
    } else if v.owns(owner) {
        Relation::Owner
    } else if v.is_connected_to(profile) {
        Relation::Connected
    } else {
        Relation::Stranger
    }
}

/// The viewer's relation to a match between profiles owned by these accounts.
pub fn relation_to_match(
    v: &Viewer,
    sme_owner: Option<UserId>,
    investor_owner: Option<UserId>,
) -> Relation {
    if v.is_staff() {
        Relation::Staff
    } else if v.owns(sme_owner) || v.owns(investor_owner) {
        Relation::Party
    } else {
        Relation::Stranger
    }
}

/// The viewer's relation to an account.
pub fn relation_to_account(v: &Viewer, account: UserId) -> Relation {
    if v.is_staff() {
        Relation::Staff
    } else if v.user_id() == Some(account) {
        Relation::Itself
    } else {
        Relation::Stranger
    }
}

/// A profile as one viewer may see it: the private parts it may not see are removed.
#[derive(Debug, Clone)]
pub struct Shown<T> {
    value: T,
    contact: bool,
    name: bool,
}

/// What the policy needs to know of a profile, and how to remove its private parts.
pub trait Profile {
    fn id(&self) -> ProfileId;
    fn owner(&self) -> Option<UserId>;
    fn visibility(&self) -> Visibility;
    fn name(&self) -> &LocalizedText;
    fn clear_contact(&mut self);
    fn clear_name(&mut self);
    /// What to call the profile when its name is hidden.
    fn neutral_name(&self, lang: Lang) -> String;
}

impl Profile for Sme {
    fn id(&self) -> ProfileId {
        self.id
    }
    fn owner(&self) -> Option<UserId> {
        self.owner
    }
    fn visibility(&self) -> Visibility {
        self.profile.visibility
    }
    fn name(&self) -> &LocalizedText {
        &self.profile.name
    }
    fn clear_contact(&mut self) {
        self.profile.contact = Contact::default();
    }
    fn clear_name(&mut self) {
        self.profile.name = LocalizedText::default();
    }
    fn neutral_name(&self, lang: Lang) -> String {
        self.profile.neutral_name(lang)
    }
}

impl Profile for Investor {
    fn id(&self) -> ProfileId {
        self.id
    }
    fn owner(&self) -> Option<UserId> {
        self.owner
    }
    fn visibility(&self) -> Visibility {
        // Investors and partners have no anonymous mode.
        Visibility::Public
    }
    fn name(&self) -> &LocalizedText {
        &self.profile.name
    }
    fn clear_contact(&mut self) {
        self.profile.contact = Contact::default();
    }
    fn clear_name(&mut self) {
        self.profile.name = LocalizedText::default();
    }
    fn neutral_name(&self, lang: Lang) -> String {
        self.profile.name.best(lang).to_string()
    }
}

/// Applies the policy to a profile for this viewer.
pub fn profile<T: Profile>(v: &Viewer, mut value: T) -> Shown<T> {
    let relation = relation_to_profile(v, value.id(), value.owner());
    let contact = allows(relation, Private::Contact);
    let name = value.visibility() == Visibility::Public || allows(relation, Private::AnonymousName);
    if !contact {
        value.clear_contact();
    }
    if !name {
        value.clear_name();
    }
    Shown {
        value,
        contact,
        name,
    }
}

impl<T: Profile> Shown<T> {
    /// The profile, with what the viewer may not see removed.
    pub fn get(&self) -> &T {
        &self.value
    }

    /// The contact details, or `None` when the viewer may not see them.
    pub fn contact_shown(&self) -> bool {
        self.contact
    }

    /// The name, or `None` when it is hidden from this viewer.
    pub fn name(&self) -> Option<&LocalizedText> {
        self.name.then(|| self.value.name())
    }

    /// The name in `lang` (or another language) when the viewer may see it; otherwise a neutral
    /// description such as "Manufacture of other food products n.e.c., Kampong Thom".
    pub fn display_name(&self, lang: Lang) -> String {
        match self.name() {
            Some(n) => n.best(lang).to_string(),
            None => self.value.neutral_name(lang),
        }
    }
}

/// An account as one viewer may see it.
#[derive(Debug, Clone)]
pub struct AccountView {
    pub id: UserId,
    pub role: Role,
    pub created_at: OffsetDateTime,
    /// `None` unless the viewer is the account itself or staff.
    pub email: Option<String>,
}

/// Applies the policy to an account. `is_caller` is true when the request just proved to be
/// this account (sign-up, log-in) before its viewer carries a token.
pub fn account(v: &Viewer, user: User, is_caller: bool) -> AccountView {
    let relation = if is_caller {
        Relation::Itself
    } else {
        relation_to_account(v, user.id)
    };
    AccountView {
        id: user.id,
        role: user.role,
        created_at: user.created_at,
        email: allows(relation, Private::Email).then(|| user.email.as_str().to_string()),
    }
}

/// The pipeline facts of a match as one viewer may see them.
#[derive(Debug, Clone)]
pub struct PipelineFacts {
    pub stage: Stage,
    pub sme_response: Option<Response>,
    pub investor_response: Option<Response>,
    pub introduction: Option<String>,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    /// Staff only.
    pub curator: Option<UserId>,
}

/// The viewer's relation to a pipeline match, as far as the rules let it count: a party is
/// one from the introduction on. Until then (shortlisted, or closed without an introduction)
/// the pair is staff business, and its parties are strangers to it: telling them would say
/// that staff considered the pair, and that they dropped it.
pub fn relation_to_record(
    v: &Viewer,
    record: &MatchRecord,
    sme_owner: Option<UserId>,
    investor_owner: Option<UserId>,
) -> Relation {
    match relation_to_match(v, sme_owner, investor_owner) {
        Relation::Party if !record.introduced() => Relation::Stranger,
        relation => relation,
    }
}

/// Applies the policy to a pipeline record: `None` for viewers who may not know the pair is in
/// the pipeline at all (they see it as SUGGESTED, like any ranked pair).
pub fn pipeline_facts(
    v: &Viewer,
    record: &MatchRecord,
    sme_owner: Option<UserId>,
    investor_owner: Option<UserId>,
) -> Option<PipelineFacts> {
    let relation = relation_to_record(v, record, sme_owner, investor_owner);
    allows(relation, Private::PipelineFacts).then(|| PipelineFacts {
        stage: record.stage,
        sme_response: record.sme_response,
        investor_response: record.investor_response,
        introduction: record.introduction.clone(),
        created_at: record.created_at,
        updated_at: record.updated_at,
        curator: record
            .curator_id
            .filter(|_| allows(relation, Private::Curator)),
    })
}

/// What an introduction message would tell before the rules allow it: both parties read the
/// message from the moment they are introduced (`Private::PipelineFacts`), before either is
/// `Connected`, so it may carry neither side's contact details nor an ANONYMOUS SME's name, in
/// any of its languages. Staff read those on every page, and nothing stopped a friendly
/// message ("Veasna Natural Skincare in Siem Reap makes…") from naming a business the
/// investor's own letter called "Soap and cosmetics maker, Siem Reap". The first such thing
/// found, named for the staff member who wrote it.
pub fn message_reveals(
    message: &str,
    sme: &crate::domain::sme::SmeProfile,
    investor_contact: &Contact,
) -> Option<&'static str> {
    let folded = fold(message);
    // The digits of each run of digits and the separators phone numbers are written with
    // ("010-1234-5678", "+855 (0)12 345 678"), so "30 staff, 2015" makes no number.
    let numbers: Vec<String> = message
        .split(|c: char| !c.is_ascii_digit() && !" -.()+/".contains(c))
        .map(|run| run.chars().filter(char::is_ascii_digit).collect())
        .collect();
    let says = |s: &str| {
        let s = fold(s);
        // Very short strings ("Ly", "KH") occur inside ordinary words.
        s.chars().count() >= 3 && folded.contains(&s)
    };
    if sme.visibility == Visibility::Anonymous {
        let name = &sme.name;
        if [&name.en, &name.km, &name.ko]
            .into_iter()
            .flatten()
            .any(|n| says(n))
        {
            return Some("the SME's name, which it keeps hidden");
        }
    }
    for (contact, what) in [
        (&sme.contact, "the SME's contact details"),
        (investor_contact, "the investor's contact details"),
    ] {
        let phone = contact.phone.as_ref().map(|p| {
            p.as_str()
                .chars()
                .filter(char::is_ascii_digit)
                .collect::<String>()
        });
        let found = contact.person.as_deref().is_some_and(says)
            || contact.email.as_ref().is_some_and(|e| says(e.as_str()))
            || contact.telegram.as_ref().is_some_and(|t| says(t.as_str()))
            // By its last eight digits, however it is spaced or prefixed (+855, 0).
            || phone.is_some_and(|p| {
                p.len() >= 8 && numbers.iter().any(|n| n.contains(&p[p.len() - 8..]))
            });
        if found {
            return Some(what);
        }
    }
    None
}

/// Text compared without case and with runs of white space as one space.
fn fold(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::account::Role;
    use crate::domain::contact::Email;

    const ROLES: [Option<Role>; 5] = [
        None,
        Some(Role::Sme),
        Some(Role::Investor),
        Some(Role::Staff),
        Some(Role::Admin),
    ];

    fn user(role: Role, n: u128) -> User {
        User {
            id: ProfileId::from_u128(n),
            email: Email::parse(&format!("u{n}@example.com")).unwrap(),
            role,
            created_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    const VIEWER: u128 = 1;
    const OTHER: u128 = 2;
    const PROFILE: u128 = 10;
    const COUNTERPART: u128 = 11;

    /// A viewer of `role` whose tie to profile PROFILE (owned by account OTHER unless the tie is
    /// ownership) is `tie`.
    fn viewer(role: Option<Role>, tie: &str) -> Viewer {
        let Some(role) = role else {
            return Viewer::anonymous();
        };
        let me = user(role, VIEWER);
        // Ownership is the profile's `owner` (see `owner_for`); only connections are the
        // viewer's own state.
        let connected = match tie {
            "connected" => vec![ProfileId::from_u128(PROFILE)],
            _ => vec![],
        };
        Viewer::signed_in(me, "hash".into(), connected)
    }

    fn owner_for(tie: &str) -> Option<UserId> {
        Some(ProfileId::from_u128(if tie == "owner" {
            VIEWER
        } else {
            OTHER
        }))
    }

    fn sme(visibility: Visibility, owner: Option<UserId>) -> Sme {
        let now = OffsetDateTime::UNIX_EPOCH;
        let mut p = crate::domain::sme::SmeProfile::validate(
            crate::domain::sme::tests::raw(),
            &crate::domain::sme::tests::ctx(),
        )
        .unwrap();
        p.visibility = visibility;
        p.contact.person = Some("Srey Mom".into());
        Sme::publish(ProfileId::from_u128(PROFILE), owner, p, now)
    }

    /// Every role × tie to a profile × fact, against the table in the module doc.
    #[test]
    fn profile_facts_by_role_and_tie() {
        let mut checked = 0;
        for role in ROLES {
            for tie in ["none", "owner", "connected"] {
                if role.is_none() && tie != "none" {
                    continue;
                }
                let v = viewer(role, tie);
                let staff = role.is_some_and(|r| r.is_staff());
                let expect_private = staff || tie == "owner" || tie == "connected";
                for vis in [Visibility::Public, Visibility::Anonymous] {
                    let shown = profile(&v, sme(vis, owner_for(tie)));
                    let what = format!("{role:?} {tie} {vis:?}");
                    assert_eq!(shown.contact_shown(), expect_private, "contact: {what}");
                    assert_eq!(
                        shown.get().profile.contact.person.is_some(),
                        expect_private,
                        "contact removed: {what}"
                    );
                    let name_expected = vis == Visibility::Public || expect_private;
                    assert_eq!(shown.name().is_some(), name_expected, "name: {what}");
                    assert_eq!(
                        shown.get().profile.name.en.is_some(),
                        name_expected,
                        "name removed: {what}"
                    );
                    if !name_expected {
                        let shown_name = shown.display_name(Lang::En);
                        assert!(!shown_name.contains("Sokha"), "{what}: {shown_name}");
                    }
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 2 * (1 + 4 * 3));
    }

    #[test]
    fn an_introduction_may_not_say_what_the_rules_still_hide() {
        let anonymous = sme(Visibility::Anonymous, None).profile;
        let public = sme(Visibility::Public, None).profile;
        let investor = Contact {
            person: Some("Kim Minji".into()),
            email: Some(Email::parse("minji@hanbit.example").unwrap()),
            phone: Some(crate::domain::contact::Phone::parse("+82 10 1234 5678").unwrap()),
            telegram: None,
        };
        let says = |m: &str, p: &crate::domain::sme::SmeProfile| message_reveals(m, p, &investor);
        assert_eq!(
            says(
                "Meet  SOKHA cashew, a processor in Kampong Thom",
                &anonymous
            ),
            Some("the SME's name, which it keeps hidden")
        );
        assert_eq!(
            says("សូមជួប ស្វាយចន្ទីសុខា", &anonymous),
            Some("the SME's name, which it keeps hidden")
        );
        // A public SME's name is public.
        assert_eq!(says("Meet Sokha Cashew", &public), None);
        assert_eq!(
            says("Ask for Srey Mom", &public),
            Some("the SME's contact details")
        );
        assert_eq!(
            says("Write to MINJI@hanbit.example", &public),
            Some("the investor's contact details")
        );
        assert_eq!(
            says("Call 010-1234-5678 after 9", &public),
            Some("the investor's contact details")
        );
        assert_eq!(
            says(
                "A cashew processor in Kampong Thom, 30 staff, founded 2015",
                &anonymous
            ),
            None
        );
        assert_eq!(says("12 345 people; 678 tonnes", &public), None);
    }

    /// Every role × tie to a match × pipeline fact, shortlisted and introduced.
    #[test]
    fn match_facts_by_role_and_tie() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let (mut shortlisted, _) = MatchRecord::shortlist(
            ProfileId::from_u128(99),
            ProfileId::from_u128(PROFILE),
            ProfileId::from_u128(COUNTERPART),
            0.5,
            ProfileId::from_u128(OTHER),
            now,
        );
        shortlisted.curator_id = Some(ProfileId::from_u128(OTHER));
        let (introduced, _) = shortlisted
            .introduce("Meet", ProfileId::from_u128(OTHER), now)
            .expect("a shortlisted match can be introduced");
        for (record, introduced) in [(&shortlisted, false), (&introduced, true)] {
            for role in ROLES {
                for tie in ["none", "sme side", "investor side"] {
                    if role.is_none() && tie != "none" {
                        continue;
                    }
                    let v = match role {
                        None => Viewer::anonymous(),
                        Some(r) => Viewer::signed_in(user(r, VIEWER), "h".into(), vec![]),
                    };
                    let me = Some(ProfileId::from_u128(VIEWER));
                    let other = Some(ProfileId::from_u128(OTHER));
                    let (sme_owner, inv_owner) = match tie {
                        "sme side" => (me, other),
                        "investor side" => (other, me),
                        _ => (other, other),
                    };
                    let staff = role.is_some_and(|r| r.is_staff());
                    let facts = pipeline_facts(&v, record, sme_owner, inv_owner);
                    let what = format!("{role:?} {tie} introduced={introduced}");
                    assert_eq!(
                        facts.is_some(),
                        staff || (tie != "none" && introduced),
                        "facts: {what}"
                    );
                    assert_eq!(
                        facts.as_ref().and_then(|f| f.curator).is_some(),
                        staff,
                        "curator: {what}"
                    );
                }
            }
        }
    }

    /// Every role × tie to an account × e-mail.
    #[test]
    fn email_by_role_and_tie() {
        for role in ROLES {
            for (tie, caller) in [("other", false), ("itself", false), ("caller", true)] {
                let v = match role {
                    None => Viewer::anonymous(),
                    Some(r) => Viewer::signed_in(user(r, VIEWER), "h".into(), vec![]),
                };
                let subject = if tie == "itself" && role.is_some() {
                    VIEWER
                } else {
                    OTHER
                };
                let view = account(&v, user(Role::Sme, subject), caller);
                let staff = role.is_some_and(|r| r.is_staff());
                let expected = staff || caller || (tie == "itself" && role.is_some());
                assert_eq!(view.email.is_some(), expected, "{role:?} {tie}");
            }
        }
    }

    /// The whole table, written out: a change to the policy must change this test too.
    #[test]
    fn the_policy_table() {
        use Private::*;
        use Relation::*;
        let table: [(Relation, [bool; 6]); 6] = [
            //            Contact AnonName Pipeline Audit Curator Email
            (Stranger, [false, false, false, false, false, false]),
            (Owner, [true, true, false, false, false, false]),
            (Connected, [true, true, false, false, false, false]),
            (Party, [false, false, true, false, false, false]),
            (Itself, [false, false, false, false, false, true]),
            (Staff, [true, true, true, true, true, true]),
        ];
        let facts = [
            Contact,
            AnonymousName,
            PipelineFacts,
            AuditLog,
            Curator,
            Email,
        ];
        for (relation, row) in table {
            for (fact, expected) in facts.iter().zip(row) {
                assert_eq!(allows(relation, *fact), expected, "{relation:?} {fact:?}");
            }
        }
    }
}
