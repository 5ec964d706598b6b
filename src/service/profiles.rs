//! SME and investor profiles: publish, revise, archive, read and list.
//!
//! The two kinds are twins: each write validates in `domain`, checks the role or ownership,
//! writes the row and its outbox entry in one transaction, and returns once the change is
//! searchable. What differs between them is in [`Kind`]; the use cases are written once.

use async_trait::async_trait;
use time::OffsetDateTime;

use super::error::{ServiceError, ServiceResult};
use super::viewer::Viewer;
use super::visibility::{self, Shown};
use crate::app::App;
use crate::domain::account::{Role, UserId};
use crate::domain::ids::ProfileId;
use crate::domain::investor::{Investor, InvestorProfile, InvestorRaw};
use crate::domain::profile::ProfileStatus;
use crate::domain::sme::{Sme, SmeProfile, SmeRaw};
use crate::domain::validation::ValidationErrors;
use crate::domain::{Lifecycle, ValidationContext};
use crate::store::{Page, PageRequest, Seq, Store, StoreError};

/// Default and largest page of a profile listing.
pub const DEFAULT_PAGE_SIZE: i32 = 20;
pub const MAX_PAGE_SIZE: i32 = 100;

/// What differs between SME and investor profiles.
#[async_trait]
pub trait Kind: visibility::Profile + Clone + Send + Sync + Sized + 'static {
    /// The unchecked input of a profile.
    type Raw: Send + Clone;
    /// How errors and messages name the kind.
    const WHAT: &'static str;
    /// The account role that publishes this kind.
    const ROLE: Role;

    /// The checked content of a profile.
    type Content: Send + PartialEq;

    fn lifecycle(&self) -> &Lifecycle;
    fn content(&self) -> &Self::Content;
    /// Checks every field of `raw`, naming each failure.
    fn validate(raw: Self::Raw, now: OffsetDateTime) -> Result<Self::Content, ValidationErrors>;
    /// A new published profile `id` owned by `owner`.
    fn publish(
        id: ProfileId,
        content: Self::Content,
        owner: ProfileId,
        now: OffsetDateTime,
    ) -> Self;
    /// This profile with new content; refused once archived.
    fn revise(&self, content: Self::Content, now: OffsetDateTime)
        -> Result<Self, ValidationErrors>;
    fn archive(&self, now: OffsetDateTime) -> Self;

    async fn load(store: &dyn Store, id: ProfileId) -> Result<Option<Self>, StoreError>;
    async fn load_many(store: &dyn Store, ids: &[ProfileId]) -> Result<Vec<Self>, StoreError>;
    async fn insert(store: &dyn Store, value: &Self) -> Result<Seq, StoreError>;
    async fn update(store: &dyn Store, value: &Self) -> Result<Seq, StoreError>;
    async fn list(store: &dyn Store, page: PageRequest) -> Result<Page<Self>, StoreError>;
}

#[async_trait]
impl Kind for Sme {
    type Raw = SmeRaw;
    const WHAT: &'static str = "SME";
    const ROLE: Role = Role::Sme;

    type Content = SmeProfile;

    fn lifecycle(&self) -> &Lifecycle {
        &self.lifecycle
    }
    fn content(&self) -> &SmeProfile {
        &self.profile
    }
    fn validate(raw: SmeRaw, now: OffsetDateTime) -> Result<SmeProfile, ValidationErrors> {
        let p = SmeProfile::validate(raw, &ValidationContext::at(now))?;
        let hidden = p.visibility == crate::domain::profile::Visibility::Anonymous;
        visibility::own_texts_reveal(&p.description, &p.name, hidden, &p.contact)?;
        Ok(p)
    }
    fn publish(id: ProfileId, content: SmeProfile, owner: ProfileId, now: OffsetDateTime) -> Self {
        Sme::publish(id, Some(owner), content, now)
    }
    fn revise(&self, content: SmeProfile, now: OffsetDateTime) -> Result<Self, ValidationErrors> {
        Sme::revise(self, content, now)
    }
    fn archive(&self, now: OffsetDateTime) -> Self {
        Sme::archive(self, now)
    }
    async fn load(store: &dyn Store, id: ProfileId) -> Result<Option<Self>, StoreError> {
        store.sme(id).await
    }
    async fn load_many(store: &dyn Store, ids: &[ProfileId]) -> Result<Vec<Self>, StoreError> {
        store.smes_by_ids(ids).await
    }
    async fn insert(store: &dyn Store, value: &Self) -> Result<Seq, StoreError> {
        store.insert_sme(value).await
    }
    async fn update(store: &dyn Store, value: &Self) -> Result<Seq, StoreError> {
        store.update_sme(value).await
    }
    async fn list(store: &dyn Store, page: PageRequest) -> Result<Page<Self>, StoreError> {
        store.published_smes(page).await
    }
}

#[async_trait]
impl Kind for Investor {
    type Raw = InvestorRaw;
    const WHAT: &'static str = "investor";
    const ROLE: Role = Role::Investor;

    type Content = InvestorProfile;

    fn lifecycle(&self) -> &Lifecycle {
        &self.lifecycle
    }
    fn content(&self) -> &InvestorProfile {
        &self.profile
    }
    fn validate(
        raw: InvestorRaw,
        _now: OffsetDateTime,
    ) -> Result<InvestorProfile, ValidationErrors> {
        let p = InvestorProfile::validate(raw)?;
        visibility::own_texts_reveal(&p.description, &p.name, false, &p.contact)?;
        Ok(p)
    }
    fn publish(
        id: ProfileId,
        content: InvestorProfile,
        owner: ProfileId,
        now: OffsetDateTime,
    ) -> Self {
        Investor::publish(id, Some(owner), content, now)
    }
    fn revise(
        &self,
        content: InvestorProfile,
        now: OffsetDateTime,
    ) -> Result<Self, ValidationErrors> {
        Investor::revise(self, content, now)
    }
    fn archive(&self, now: OffsetDateTime) -> Self {
        Investor::archive(self, now)
    }
    async fn load(store: &dyn Store, id: ProfileId) -> Result<Option<Self>, StoreError> {
        store.investor(id).await
    }
    async fn load_many(store: &dyn Store, ids: &[ProfileId]) -> Result<Vec<Self>, StoreError> {
        store.investors_by_ids(ids).await
    }
    async fn insert(store: &dyn Store, value: &Self) -> Result<Seq, StoreError> {
        store.insert_investor(value).await
    }
    async fn update(store: &dyn Store, value: &Self) -> Result<Seq, StoreError> {
        store.update_investor(value).await
    }
    async fn list(store: &dyn Store, page: PageRequest) -> Result<Page<Self>, StoreError> {
        store.published_investors(page).await
    }
}

pub(crate) fn is_published<K: Kind>(p: &K) -> bool {
    p.lifecycle().status == ProfileStatus::Published
}

/// Checks a profile's input as `publish` would, naming every failure, without writing (a form
/// that found problems of its own asks what else would be refused, to name all in one round).
pub fn check<K: Kind>(raw: K::Raw) -> ServiceResult<()> {
    K::validate(raw, OffsetDateTime::now_utc())?;
    Ok(())
}

/// Publishes a new profile owned by the signed-in account of the kind's role.
pub async fn publish<K: Kind>(app: &App, v: &Viewer, raw: K::Raw) -> ServiceResult<Shown<K>> {
    publish_as(app, v, ProfileId::new_v7(), raw).await
}

/// How old a form's submission nonce may be and still make its sends one profile.
const SUBMISSION_MAX_AGE: time::Duration = time::Duration::hours(24);

/// The id a form's submission makes for `owner`: the nonce's time (a v7 uuid the form got when
/// it was shown) and bits of SHA-256 over the owner and the nonce. So the same form sent again
/// by the same account names the same id, and nobody can name an id of their choosing (another
/// account's profile, an id that sorts first): the bits are the hash's, and the time must lie
/// within [`SUBMISSION_MAX_AGE`] before `now` (or a few minutes after, for clock skew). `None`
/// for a nonce that is not such a uuid.
pub fn submission_id(owner: UserId, nonce: &str, now: OffsetDateTime) -> Option<ProfileId> {
    use sha2::Digest;
    let nonce = uuid::Uuid::parse_str(nonce.trim()).ok()?;
    if nonce.get_version_num() != 7 {
        return None;
    }
    let (secs, nanos) = nonce.get_timestamp()?.to_unix();
    let millis = secs.checked_mul(1_000)? + u64::from(nanos / 1_000_000);
    let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000).ok()?;
    if at < now - SUBMISSION_MAX_AGE || at > now + time::Duration::minutes(5) {
        return None;
    }
    let digest = sha2::Sha256::new()
        .chain_update(b"khkr-match submission v1")
        .chain_update(owner.to_string().as_bytes())
        .chain_update(nonce.as_bytes())
        .finalize();
    let mut random = [0u8; 10];
    random.copy_from_slice(&digest[..10]);
    let id = uuid::Builder::from_unix_timestamp_millis(millis, &random).into_uuid();
    Some(ProfileId::from_u128(id.as_u128()))
}

/// Publishes a new profile for a form sent with a submission nonce (`submission_id`), so that
/// sending that form again (a double tap, back and send again, a retry after a lost answer)
/// is the profile it made, not a second one: sent again unchanged, the answer is the profile on
/// file; sent again with changes (back, change an answer, send), the profile is revised while
/// nothing else changed it (see `again`). A nonce that names no id (not a v7 uuid, or older
/// than a day: a page left open) is refused as bad input on `submission`, so that the form is
/// shown again with a fresh one (publishing without it would make a second profile at the
/// second send).
pub async fn publish_once<K: Kind>(
    app: &App,
    v: &Viewer,
    nonce: &str,
    raw: K::Raw,
) -> ServiceResult<Shown<K>> {
    let owner = v.require_role(K::ROLE)?.id;
    let now = OffsetDateTime::now_utc();
    let Some(id) = submission_id(owner, nonce, now) else {
        return Err(ServiceError::bad_input(
            "submission",
            "this form is too old (or not one this service made); show it again and send it",
        ));
    };
    if let Some(made) = K::load(app.store.as_ref(), id).await? {
        return again(app, v, made, raw).await;
    }
    match publish_as(app, v, id, raw.clone()).await {
        // Two copies at once: the other one made it while this one was checked.
        Err(ServiceError::Conflict(why)) => match K::load(app.store.as_ref(), id).await? {
            Some(made) => again(app, v, made, raw).await,
            None => Err(ServiceError::Conflict(why)),
        },
        done => done,
    }
}

/// A submission sent again: the profile it made; revised if the answers changed and nothing
/// else changed it since (version 1). Changed since (a later edit, or an earlier send of this
/// form with other answers) and sent with other answers again, it is a conflict: an old form
/// must not overwrite a later edit, with its texts in other languages and what the creating
/// form does not ask, and must not look saved either. The id is the sender's own
/// (`submission_id` hashes the owner in), so `made` is theirs. One taken off the site is a
/// conflict too: the send does not bring it back.
async fn again<K: Kind>(app: &App, v: &Viewer, made: K, raw: K::Raw) -> ServiceResult<Shown<K>> {
    let what = format!("{} {}", K::WHAT, made.id());
    if !is_published(&made) {
        return Err(ServiceError::Conflict(format!(
            "{what} was taken off the site after this form was shown"
        )));
    }
    let now = OffsetDateTime::now_utc();
    let content = K::validate(raw, now)?;
    if *made.content() == content {
        return unchanged(app, v, made).await;
    }
    if made.lifecycle().version > 1 {
        return Err(ServiceError::Conflict(format!(
            "{what} was changed after this form was shown"
        )));
    }
    let id = made.id().to_string();
    write_revision(app, v, made, content, now, &id).await
}

/// The profile as it is, once what was written before is searchable: an answer that nothing
/// changed keeps the read-your-writes promise of the one that wrote (a second tap can be
/// answered before the first tap's write reached the index).
async fn unchanged<K: Kind>(app: &App, v: &Viewer, current: K) -> ServiceResult<Shown<K>> {
    app.searchable(app.store.outbox_head().await?).await;
    Ok(visibility::profile(v, current))
}

async fn publish_as<K: Kind>(
    app: &App,
    v: &Viewer,
    id: ProfileId,
    raw: K::Raw,
) -> ServiceResult<Shown<K>> {
    let owner = v.require_role(K::ROLE)?.id;
    let now = OffsetDateTime::now_utc();
    let content = K::validate(raw, now)?;
    let value = K::publish(id, content, owner, now);
    let seq = {
        // The count and the write one publish at a time (in this process), so that two at once
        // cannot both pass the cap (QA: 100 parallel publishes from 100 addresses left one
        // account with 97 profiles under a cap of 20). A few milliseconds; the wait for the
        // index comes after.
        let _one_at_a_time = app.publishing.lock().await;
        if let Some(limit) = limit_reached(app, owner).await? {
            return Err(ServiceError::ProfileLimit { limit });
        }
        K::insert(app.store.as_ref(), &value).await?
    };
    app.searchable(seq).await;
    Ok(visibility::profile(v, value))
}

/// The cap on profiles on the site (`--max-profiles-per-account`) when the viewer's account has
/// reached it: publishing one more would be refused. `None` for anyone else, and when the cap
/// is off or does not bind the account (the demo's own). The pages say so before a form is
/// filled in (QA: a Khmer owner filled in all six steps to be refused at the last).
pub async fn profile_limit_reached(app: &App, v: &Viewer) -> ServiceResult<Option<usize>> {
    match v.require_user() {
        Ok(u) if matches!(u.role, Role::Sme | Role::Investor) => limit_reached(app, u.id).await,
        _ => Ok(None),
    }
}

async fn limit_reached(app: &App, owner: UserId) -> ServiceResult<Option<usize>> {
    let limit = app.limits.max_profiles_per_account;
    let uncapped = app.uncapped.get().is_some_and(|ids| ids.contains(&owner));
    if limit == 0 || uncapped {
        return Ok(None);
    }
    Ok((published_of(app, owner, limit).await? >= limit).then_some(limit))
}

/// How many profiles of either kind `owner` has on the site, counted exactly only when it owns
/// `limit` or more (archived ones included): below that, what it owns is the answer's bound.
async fn published_of(app: &App, owner: UserId, limit: usize) -> ServiceResult<usize> {
    let owned = app.store.owned_profiles(owner).await?;
    if owned.len() < limit {
        return Ok(owned.len());
    }
    let smes = app.store.smes_by_ids(&owned).await?;
    let investors = app.store.investors_by_ids(&owned).await?;
    Ok(smes.iter().filter(|p| is_published(*p)).count()
        + investors.iter().filter(|p| is_published(*p)).count())
}

/// The profile to change: it must exist and the viewer must own it (or be staff).
async fn owned<K: Kind>(app: &App, v: &Viewer, id: &str) -> ServiceResult<K> {
    v.require_user()?;
    let id = super::parse_id("id", id)?;
    let current = K::load(app.store.as_ref(), id)
        .await?
        .ok_or_else(|| ServiceError::not_found(K::WHAT, id))?;
    match v.require_owner_or_staff(current.owner(), &format!("{} profile", K::WHAT)) {
        Ok(_) => Ok(current),
        // Someone else's profile taken off the site is as unknown as one that never was, as
        // every read says: "forbidden" would tell that the id once belonged to a profile.
        Err(ServiceError::Forbidden(_)) if !is_published(&current) => {
            Err(ServiceError::not_found(K::WHAT, id))
        }
        Err(e) => Err(e),
    }
}

/// Replaces a profile's content (every field of the input).
pub async fn revise<K: Kind>(
    app: &App,
    v: &Viewer,
    id: &str,
    raw: K::Raw,
) -> ServiceResult<Shown<K>> {
    v.require_user()?;
    // Validate first, so a bad input is named even when the id is wrong too.
    let now = OffsetDateTime::now_utc();
    let content = K::validate(raw, now)?;
    let current: K = owned(app, v, id).await?;
    write_revision(app, v, current, content, now, id).await
}

/// Writes `content` over `current`. The same content again changes nothing (no new version):
/// a form sent twice, or a retry. Losing a race to a write of the same content is that too
/// (two taps on "Save" at once); losing it to other content is a conflict.
async fn write_revision<K: Kind>(
    app: &App,
    v: &Viewer,
    current: K,
    content: K::Content,
    now: OffsetDateTime,
    id: &str,
) -> ServiceResult<Shown<K>> {
    // Archived profiles go on to `revise`, which refuses them.
    if is_published(&current) && *current.content() == content {
        return unchanged(app, v, current).await;
    }
    let revised = current.revise(content, now)?;
    match K::update(app.store.as_ref(), &revised).await {
        Ok(seq) => {
            app.searchable(seq).await;
            Ok(visibility::profile(v, revised))
        }
        Err(StoreError::Conflict { .. }) => {
            let now_current: K = owned(app, v, id).await?;
            if is_published(&now_current) && now_current.content() == revised.content() {
                unchanged(app, v, now_current).await
            } else {
                Err(ServiceError::Conflict(format!(
                    "{} {id} was changed meanwhile; reload it and try again",
                    K::WHAT
                )))
            }
        }
        Err(e) => Err(e.into()),
    }
}

/// Archives a profile: it leaves listings, search and matching. Archiving twice is harmless.
pub async fn archive<K: Kind>(app: &App, v: &Viewer, id: &str) -> ServiceResult<Shown<K>> {
    let mut current: K = owned(app, v, id).await?;
    // Taking a profile off the site twice at once (a double tap, a retried request) is one
    // archiving: the request that lost the race reads the profile again and finds it done, or
    // changed by something else, and archives that. Bounded: a profile rewritten faster than
    // it can be read is a conflict after all.
    let mut tries = 0;
    let archived = loop {
        let archived = current.archive(OffsetDateTime::now_utc());
        if archived.lifecycle().version == current.lifecycle().version {
            break archived;
        }
        match K::update(app.store.as_ref(), &archived).await {
            Ok(seq) => {
                app.searchable(seq).await;
                break archived;
            }
            Err(crate::store::StoreError::Conflict { .. }) if tries < 3 => {
                tries += 1;
                current = owned(app, v, id).await?;
            }
            Err(e) => return Err(e.into()),
        }
    };
    // Also on a second call: a match a crash left open between the two writes is closed then.
    super::pipeline::withdraw_profile(app, v, archived.id()).await?;
    Ok(visibility::profile(v, archived))
}

/// A published profile by id; `None` when unknown or archived.
pub async fn get<K: Kind>(app: &App, v: &Viewer, id: &str) -> ServiceResult<Option<Shown<K>>> {
    let id = super::parse_id("id", id)?;
    Ok(K::load(app.store.as_ref(), id)
        .await?
        .filter(is_published)
        .map(|p| visibility::profile(v, p)))
}

/// The ids of the signed-in account's profiles (both kinds, archived ones included).
pub async fn owned_ids(app: &App, v: &Viewer) -> ServiceResult<Vec<ProfileId>> {
    let user = v.require_user()?.id;
    Ok(app.store.owned_profiles(user).await?)
}

/// Published profiles with these ids, in no particular order (archived ones are left out).
pub async fn published_by_ids<K: Kind>(
    app: &App,
    v: &Viewer,
    ids: &[ProfileId],
) -> ServiceResult<Vec<Shown<K>>> {
    Ok(K::load_many(app.store.as_ref(), ids)
        .await?
        .into_iter()
        .filter(is_published)
        .map(|p| visibility::profile(v, p))
        .collect())
}

/// A published profile by id, or NOT_FOUND naming the argument's value.
pub(crate) async fn published<K: Kind>(app: &App, id: ProfileId) -> ServiceResult<K> {
    K::load(app.store.as_ref(), id)
        .await?
        .filter(is_published)
        .ok_or_else(|| ServiceError::not_found(K::WHAT, id))
}

/// Checks a forward page request: `first` in 0..=100 (default 20), `after` a cursor of the list.
pub fn page_request(first: Option<i32>, after: Option<&str>) -> ServiceResult<PageRequest> {
    let first = super::page_size(first, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)?;
    let after = after
        .map(|c| ProfileId::parse(c).map_err(|_| super::not_a_cursor("after", c, "list")))
        .transpose()?;
    Ok(PageRequest {
        first: first as u32,
        after,
    })
}

/// A page of published profiles, oldest first.
pub async fn list<K: Kind>(
    app: &App,
    v: &Viewer,
    page: PageRequest,
) -> ServiceResult<Page<Shown<K>>> {
    let p = K::list(app.store.as_ref(), page).await?;
    Ok(Page {
        items: p
            .items
            .into_iter()
            .map(|x| visibility::profile(v, x))
            .collect(),
        has_next_page: p.has_next_page,
        total_count: p.total_count,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nonce_at(at: OffsetDateTime) -> String {
        let millis = (at.unix_timestamp_nanos() / 1_000_000) as u64;
        uuid::Builder::from_unix_timestamp_millis(millis, &[7; 10])
            .into_uuid()
            .to_string()
    }

    #[test]
    fn a_submission_names_one_id_per_account_that_nobody_can_choose() {
        let now = OffsetDateTime::now_utc();
        let (alice, bob) = (ProfileId::new_v7(), ProfileId::new_v7());
        let nonce = nonce_at(now - time::Duration::minutes(3));
        let id = submission_id(alice, &nonce, now).expect("a fresh v7 nonce");
        assert_eq!(
            submission_id(alice, &nonce, now),
            Some(id),
            "the same form again"
        );
        let other = submission_id(bob, &nonce, now).expect("another account");
        assert_ne!(other, id, "another account's send of the same nonce");
        // A v7 id of the nonce's time, so listings keep their creation order.
        let uuid = id.as_uuid();
        assert_eq!(uuid.get_version_num(), 7);
        let nonce_uuid = uuid::Uuid::parse_str(&nonce).unwrap();
        assert_eq!(uuid.get_timestamp(), nonce_uuid.get_timestamp());
        // Not the nonce itself: its random bits are the hash's (an existing profile's id sent
        // as the nonce does not name that profile).
        assert_ne!(uuid, nonce_uuid);
        // Too old, from the future, not v7, not a uuid: no id.
        for bad in [
            nonce_at(now - time::Duration::hours(25)),
            nonce_at(now + time::Duration::minutes(30)),
            uuid::Uuid::new_v4().to_string(),
            "00000000-0000-7000-8000-000000000000".to_string(),
            "not a nonce".to_string(),
        ] {
            assert_eq!(submission_id(alice, &bad, now), None, "{bad}");
        }
    }
}
