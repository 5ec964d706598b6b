//! The curation pipeline: staff shortlist and introduce, parties answer, staff follow each
//! match to a deal or a close. Every change is written with its audit entries in one
//! transaction (version-guarded), then announced to subscribers; illegal moves are refused
//! naming the allowed ones.
//!
//! A match that exists but is not the viewer's business answers exactly like an unknown id
//! (`None` or NOT_FOUND), so ids cannot be probed for existence.

use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::error::{ServiceError, ServiceResult};
use super::matching::{pair_id, text_relevance, Match, MatchView};
use super::profiles::{self, page_request};
use super::viewer::Viewer;
use super::visibility::{self, AccountView, Relation};
use crate::app::App;
use crate::domain::account::UserId;
use crate::domain::ids::ProfileId;
use crate::domain::investor::Investor;
use crate::domain::notice;
use crate::domain::pipeline::{AuditEntry, MatchRecord, Side, Stage};
use crate::domain::province::ProvinceCode;
use crate::domain::sector::{isic, IsicCode};
use crate::domain::sme::{Sme, NAME_MAX_CHARS};
use crate::domain::text::Lang;
use crate::domain::validation::ValidationErrors;
use crate::events::EventKind;
use crate::matching::explain::TextFrom;
use crate::store::{Page, PipelineFilter, PipelineOrder};

/// A stored record by id, for staff (who may know every match).
async fn record(app: &App, field: &str, id: &str) -> ServiceResult<MatchRecord> {
    let id = super::parse_id(field, id)?;
    app.store
        .match_record(id)
        .await?
        .ok_or_else(|| ServiceError::not_found("match", id))
}

/// Writes a changed record with its log, announces it, and answers with the match.
/// The change's notices (`domain::notice::owed`) are written in the same transaction, and the
/// sender is woken once it is committed.
async fn commit(
    app: &App,
    v: &Viewer,
    before: &MatchRecord,
    m: (MatchRecord, Vec<AuditEntry>),
    kind: Option<EventKind>,
    lang: Lang,
) -> ServiceResult<MatchView> {
    let (r, log) = m;
    let notices = notice::owed(before, &r, &log);
    app.store.update_match(&r, &log, &notices).await?;
    if !notices.is_empty() {
        app.notices_owed.notify_one();
    }
    let m = Match::of_record(app, r, lang).await?;
    if let (Some(kind), Some(r)) = (kind, &m.record) {
        app.events.publish(r, kind, m.sme.owner, m.investor.owner);
    }
    Ok(m.view(v))
}

/// A staff change to a match: checks the role, applies `change` to the stored record, stores
/// the result with its audit entries and answers with the match.
async fn staff_change(
    app: &App,
    v: &Viewer,
    match_id: &str,
    lang: Lang,
    kind: Option<EventKind>,
    change: impl FnOnce(
        &MatchRecord,
        UserId,
        OffsetDateTime,
    ) -> Result<(MatchRecord, Vec<AuditEntry>), ValidationErrors>,
) -> ServiceResult<MatchView> {
    let staff = v.require_staff()?.id;
    let r = record(app, "matchId", match_id).await?;
    let changed = change(&r, staff, OffsetDateTime::now_utc())?;
    commit(app, v, &r, changed, kind, lang).await
}

/// Staff: puts a pair on the shortlist (from SUGGESTED).
pub async fn shortlist(
    app: &App,
    v: &Viewer,
    sme_id: &str,
    investor_id: &str,
    lang: Lang,
) -> ServiceResult<MatchView> {
    let staff = v.require_staff()?.id;
    let sme_id = super::parse_id("smeId", sme_id)?;
    let investor_id = super::parse_id("investorId", investor_id)?;
    let sme: Sme = profiles::published(app, sme_id).await?;
    let investor: Investor = profiles::published(app, investor_id).await?;
    if crate::matching::features::excluded(
        sme.profile.sector.as_str(),
        &investor.profile.excluded_sectors,
    ) {
        return Err(ServiceError::bad_input(
            "smeId",
            "the investor excludes this SME's sector",
        ));
    }
    let id = pair_id(sme_id, investor_id);
    if let Some(existing) = app.store.match_record(id).await? {
        return Err(ServiceError::bad_input(
            "smeId",
            format!(
                "this pair is already in the pipeline (stage {})",
                existing.stage.as_str()
            ),
        ));
    }
    let text = text_relevance(app, v.client, &sme, &investor).await?;
    let (r, log) = MatchRecord::shortlist(
        id,
        sme_id,
        investor_id,
        text,
        staff,
        OffsetDateTime::now_utc(),
    );
    app.store.insert_match(&r, &log).await?;
    app.events
        .publish(&r, EventKind::Shortlisted, sme.owner, investor.owner);
    let text = (text, TextFrom::Investor, Default::default());
    let m = Match::explained(app, sme, investor, text, &Default::default(), lang, Some(r));
    Ok(m.view(v))
}

/// Staff: introduces both sides with a message (from SHORTLISTED).
pub async fn introduce(
    app: &App,
    v: &Viewer,
    match_id: &str,
    message: &str,
    lang: Lang,
) -> ServiceResult<MatchView> {
    v.require_staff()?;
    let r = record(app, "matchId", match_id).await?;
    // The same introduction sent again (a double click, a retried request) is the one already
    // made, not a conflict with someone else's.
    if r.stage == Stage::Introduced && r.introduction.as_deref() == Some(message) {
        return Ok(Match::of_record(app, r, lang).await?.view(v));
    }
    let sme = app.store.sme(r.sme_id).await?;
    let investor = app.store.investor(r.investor_id).await?;
    both_on_the_site(sme.as_ref(), investor.as_ref())?;
    if let (Some(sme), Some(investor)) = (&sme, &investor) {
        let reveals = super::visibility::message_reveals(message, &sme.profile, &investor.profile);
        if let Some(r) = reveals {
            return Err(ServiceError::bad_input(
                "message",
                format!(
                    "it gives {} («{}»): both sides read the message as soon as they are \
                     introduced, and that is shown to the other side only once both accept",
                    r.what, r.word
                ),
            ));
        }
    }
    staff_change(
        app,
        v,
        match_id,
        lang,
        Some(EventKind::Introduced),
        |r, staff, now| r.introduce(message, staff, now),
    )
    .await
}

/// Refuses an introduction, or a yes to one, when either side's profile is no longer on the site
/// (archived by its owner): the business was taken down, so it is not introduced and no
/// contact details are exchanged with it. Declining stays possible.
fn both_on_the_site(sme: Option<&Sme>, investor: Option<&Investor>) -> ServiceResult<()> {
    let removed = |side: &str| {
        ServiceError::bad_input(
            "matchId",
            format!("the {side}'s profile has been removed from the site (archived)"),
        )
    };
    if !sme.is_some_and(profiles::is_published) {
        return Err(removed("SME"));
    }
    if !investor.is_some_and(profiles::is_published) {
        return Err(removed("investor"));
    }
    Ok(())
}

/// Staff: moves a match along (IN_TALKS, DEAL, CLOSED); illegal moves name the allowed ones.
pub async fn move_to(
    app: &App,
    v: &Viewer,
    match_id: &str,
    stage: Stage,
    message: Option<&str>,
    lang: Lang,
) -> ServiceResult<MatchView> {
    staff_change(
        app,
        v,
        match_id,
        lang,
        Some(EventKind::StageChanged),
        |r, staff, now| r.move_to(stage, message, staff, now),
    )
    .await
}

/// A profile its owner just took off the site: each of its matches still shortlisted or
/// waiting for answers is closed (`MatchRecord::withdrawn`), as if staff had, with the owner
/// as the actor; the other party sees it closed instead of waiting for an answer that cannot
/// come. Called by `profiles::archive` (the viewer is the owner).
pub(crate) async fn withdraw_profile(
    app: &App,
    v: &Viewer,
    profile: ProfileId,
) -> ServiceResult<()> {
    let owner = v.require_user()?.id;
    for r in app.store.matches_of_owner(owner).await? {
        if r.sme_id != profile && r.investor_id != profile {
            continue;
        }
        // A match changed meanwhile (the other party answering, a second archiving request
        // closing it first) is read again and closed as it now is, if it still waits.
        let mut r = r;
        for tries in 0.. {
            let Some(changed) = r.withdrawn(owner, OffsetDateTime::now_utc()) else {
                break;
            };
            match commit(app, v, &r, changed, Some(EventKind::StageChanged), Lang::En).await {
                Ok(_) => break,
                Err(ServiceError::Conflict(_)) if tries < 3 => {
                    match app.store.match_record(r.id).await? {
                        Some(again) => r = again,
                        None => break,
                    }
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

/// Staff: adds a note to a match's log.
pub async fn add_note(
    app: &App,
    v: &Viewer,
    match_id: &str,
    note: &str,
    lang: Lang,
) -> ServiceResult<MatchView> {
    let staff = v.require_staff()?.id;
    let r = record(app, "matchId", match_id).await?;
    let entry = r.note(note, staff, OffsetDateTime::now_utc())?;
    app.store.append_audit(r.id, &entry).await?;
    Ok(Match::of_record(app, r, lang).await?.view(v))
}

/// Staff: assigns a curator (a STAFF or ADMIN account) to a match.
pub async fn assign_curator(
    app: &App,
    v: &Viewer,
    match_id: &str,
    curator_id: &str,
    lang: Lang,
) -> ServiceResult<MatchView> {
    v.require_staff()?;
    let curator = super::parse_id("curatorId", curator_id)?;
    let user = app
        .store
        .user(curator)
        .await?
        .ok_or_else(|| ServiceError::not_found("account", curator))?;
    if !user.role.is_staff() {
        return Err(ServiceError::bad_input(
            "curatorId",
            "a curator must be a STAFF or ADMIN account",
        ));
    }
    staff_change(
        app,
        v,
        match_id,
        lang,
        Some(EventKind::CuratorAssigned),
        |r, staff, now| {
            let (r, entry) = r.assign(curator, staff, now);
            Ok((r, vec![entry]))
        },
    )
    .await
}

/// A party (the owner of the SME or of the investor profile) answers its introduction.
///
/// Both parties answering at the same moment (a double tap besides) write one record: an
/// answer that lost the race is given again on the record as it now is, rather than refused
/// as a conflict; the same answer found already given is the answer given. Bounded, like
/// `profiles::archive`: a record rewritten faster than it can be read is a conflict after all.
pub async fn respond(
    app: &App,
    v: &Viewer,
    match_id: &str,
    accept: bool,
    lang: Lang,
) -> ServiceResult<MatchView> {
    let mut tries = 0;
    loop {
        match respond_once(app, v, match_id, accept, lang).await {
            Err(ServiceError::Conflict(_)) if tries < 3 => tries += 1,
            answered => return answered,
        }
    }
}

async fn respond_once(
    app: &App,
    v: &Viewer,
    match_id: &str,
    accept: bool,
    lang: Lang,
) -> ServiceResult<MatchView> {
    let user = v.require_user()?.id;
    let id = super::parse_id("matchId", match_id)?;
    // Someone else's match is as unknown as no match: no existence oracle.
    let not_found = || ServiceError::not_found("match", id);
    let r = record_for(app, v, id).await?;
    let (sme, inv) = sides(app, r.as_ref(), id).await?;
    let r = r.ok_or_else(not_found)?;
    // A pair not introduced yet is none of its parties' business: as unknown as no match.
    let party = r.introduced() || v.is_staff();
    let owns_sme = party && sme.as_ref().is_some_and(|s| v.owns(s.owner));
    let owns_inv = party && inv.as_ref().is_some_and(|i| v.owns(i.owner));
    // One account on both sides answers for the side that has not answered yet.
    let side = match (owns_sme, owns_inv) {
        (true, true) if r.sme_response.is_some() => Side::Investor,
        (true, _) => Side::Sme,
        (false, true) => Side::Investor,
        (false, false) if v.is_staff() => {
            return Err(ServiceError::Forbidden(
                "only the two parties of this introduction may answer it".into(),
            ))
        }
        (false, false) => return Err(not_found()),
    };
    // The same answer again (a double tap, a second tab, a resend after a lost reply) is the
    // answer already given, not an error; a different one is refused below.
    let given = match side {
        Side::Sme => r.sme_response,
        Side::Investor => r.investor_response,
    };
    let wanted = if accept {
        crate::domain::pipeline::Response::Accepted
    } else {
        crate::domain::pipeline::Response::Declined
    };
    if given == Some(wanted) {
        return Ok(Match::of_record(app, r, lang).await?.view(v));
    }
    if accept {
        both_on_the_site(sme.as_ref(), inv.as_ref())?;
    }
    let before = r;
    let (r, log) = before.respond(side, accept, user, OffsetDateTime::now_utc())?;
    if r.stage.reveals_contacts() {
        v.reveal(match side {
            Side::Sme => r.investor_id,
            Side::Investor => r.sme_id,
        });
    }
    let kind = if accept {
        EventKind::Accepted
    } else {
        EventKind::Declined
    };
    commit(app, v, &before, (r, log), Some(kind), lang).await
}

/// A match record, for staff or one of its two parties; `None` when unknown *or* not the
/// viewer's business (the same answer, so ids cannot be probed).
pub async fn get(app: &App, v: &Viewer, id: &str, lang: Lang) -> ServiceResult<Option<MatchView>> {
    v.require_user()?;
    let id = super::parse_id("id", id)?;
    let record = record_for(app, v, id).await?;
    let (sme, investor) = sides(app, record.as_ref(), id).await?;
    // Whose business it is is decided before anything is computed: the explanation is most of
    // the work, and computing it for every pair in the pipeline (then answering a stranger
    // `null` as for an unknown id) told strangers which pairs were, by a millisecond.
    let (Some(record), Some(sme), Some(investor)) = (record, sme, investor) else {
        return Ok(None);
    };
    if visibility::relation_to_record(v, &record, sme.owner, investor.owner) == Relation::Stranger {
        return Ok(None);
    }
    Ok(Some(
        Match::of_parts(app, record, sme, investor, lang).view(v),
    ))
}

/// The match record `id` as far as the viewer may know of it: staff read it; anyone else finds
/// it among the records of the profiles they own, or not at all. What a stranger's request
/// reads then depends on who asks, not on the id: reading the pair and its two profiles for a
/// real record, and nothing for an unknown one, told strangers which pairs are in the pipeline
/// by the time taken (QA: 3.3 against 2.7 ms, median of 80, on 45 ids).
async fn record_for(app: &App, v: &Viewer, id: ProfileId) -> ServiceResult<Option<MatchRecord>> {
    if v.is_staff() {
        return Ok(app.store.match_record(id).await?);
    }
    let Some(user) = v.user_id() else {
        return Ok(None);
    };
    Ok(app
        .store
        .matches_of_owner(user)
        .await?
        .into_iter()
        .find(|r| r.id == id))
}

/// The two profiles of a match record, read the same way whether the record exists or not
/// (for an unknown id, the reads find nothing): what a stranger is told cannot depend on how
/// much was read.
async fn sides(
    app: &App,
    record: Option<&MatchRecord>,
    id: ProfileId,
) -> ServiceResult<(Option<Sme>, Option<Investor>)> {
    let (sme_id, investor_id) = record.map_or((id, id), |r| (r.sme_id, r.investor_id));
    Ok((
        app.store.sme(sme_id).await?,
        app.store.investor(investor_id).await?,
    ))
}

/// One line of a match's audit log, with its actor as the viewer may see it.
pub struct AuditLine {
    pub entry: AuditEntry,
    pub actor: Option<AccountView>,
}

/// A match's audit log (staff only).
pub async fn audit_log(
    app: &App,
    v: &Viewer,
    match_id: ProfileId,
) -> ServiceResult<Vec<AuditLine>> {
    v.require_staff()?;
    let mut out = Vec::new();
    for entry in app.store.audit_log(match_id).await? {
        let actor = match entry.actor {
            Some(id) => super::accounts::account(app, v, id).await?,
            None => None,
        };
        out.push(AuditLine { entry, actor });
    }
    Ok(out)
}

/// What staff filter the pipeline by, as a client sent it.
#[derive(Debug, Clone, Default)]
pub struct PipelineArgs {
    pub stage: Option<Stage>,
    pub curator_id: Option<String>,
    pub sector_prefix: Option<String>,
    pub province_code: Option<String>,
    /// Text either side's name holds (any language; Latin letters in any case).
    pub name: Option<String>,
    pub order: ListOrder,
    pub first: Option<i32>,
    /// A [`cursor`] of the same order.
    pub after: Option<String>,
    pub lang: Option<Lang>,
}

/// The order staff list the pipeline in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListOrder {
    /// By the pair's id: stable across pages, but it says nothing about the match.
    #[default]
    Id,
    /// Open matches first, then finished ones (a deal, closed, declined), each unchanged
    /// longest first (ties by id): what a curator follows up on. A match changed between two
    /// pages moves to the end of its part, so it may be listed again.
    LongestWaiting,
}

/// Separates a cursor's time from its id in [`ListOrder::LongestWaiting`] (RFC 3339 text and
/// ids never hold it).
const CURSOR_SEPARATOR: char = '~';

/// The cursor that continues a listing in `order` after `m`: its id, and in
/// [`ListOrder::LongestWaiting`] also when it last changed.
pub fn cursor(order: ListOrder, m: &MatchView) -> String {
    // Staff, the only ones who list the pipeline, always see its facts.
    debug_assert!(order == ListOrder::Id || m.pipeline.is_some());
    match (order, &m.pipeline) {
        (ListOrder::LongestWaiting, Some(facts)) => format!(
            "{}{CURSOR_SEPARATOR}{}{CURSOR_SEPARATOR}{}",
            u8::from(facts.stage.is_finished()),
            crate::store::timestamp(facts.updated_at),
            m.id
        ),
        _ => m.id.to_string(),
    }
}

/// Where a page starts: `after` read as a [`cursor`] of `order`.
fn position(order: ListOrder, after: Option<&str>) -> ServiceResult<PipelineOrder> {
    let refused = |c: &str| super::not_a_cursor("after", c, "list");
    let id = |c: &str, text: &str| ProfileId::parse(text).map_err(|_| refused(c));
    Ok(match (order, after) {
        (ListOrder::Id, after) => PipelineOrder::Id {
            after: after.map(|c| id(c, c)).transpose()?,
        },
        (ListOrder::LongestWaiting, None) => PipelineOrder::LongestWaiting { after: None },
        (ListOrder::LongestWaiting, Some(c)) => {
            let (finished, rest) = c.split_once(CURSOR_SEPARATOR).ok_or_else(|| refused(c))?;
            let finished = match finished {
                "0" => false,
                "1" => true,
                _ => return Err(refused(c)),
            };
            let (at, pair) = rest
                .split_once(CURSOR_SEPARATOR)
                .ok_or_else(|| refused(c))?;
            // In UTC and within the years both databases take (PostgreSQL refuses year 0 and
            // offsets past ±15:59, SQLite past ±14:00): a hand-made cursor is refused, not
            // answered with a database error or an empty page.
            let at = OffsetDateTime::parse(at, &Rfc3339)
                .ok()
                .and_then(|at| at.checked_to_offset(time::UtcOffset::UTC))
                .filter(|at| (1..=9999).contains(&at.year()))
                .ok_or_else(|| refused(c))?;
            PipelineOrder::LongestWaiting {
                after: Some((finished, at, id(c, pair)?)),
            }
        }
    })
}

/// Staff: the pipeline in `args.order`, filtered by stage, curator, the
/// SME's sector (ISIC code at any level) and province.
pub async fn list(app: &App, v: &Viewer, args: PipelineArgs) -> ServiceResult<Page<MatchView>> {
    v.require_staff()?;
    let first = page_request(args.first, None)?.first;
    let order = position(args.order, args.after.as_deref())?;
    let lang = args.lang.unwrap_or(Lang::En);
    let filter = filter_of(args)?;
    let page = app.store.pipeline(&filter, order, first).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for r in page.items {
        items.push(Match::of_record(app, r, lang).await?.view(v));
    }
    Ok(Page {
        items,
        has_next_page: page.has_next_page,
        total_count: page.total_count,
    })
}

/// Staff: how many matches of each of `stages` pass the filters of `args` (its stage, paging
/// and language aside), over every page: a board shows a page of cards but the whole count.
pub async fn counts_by_stage(
    app: &App,
    v: &Viewer,
    args: &PipelineArgs,
    stages: &[Stage],
) -> ServiceResult<Vec<(Stage, i64)>> {
    v.require_staff()?;
    let mut filter = filter_of(args.clone())?;
    let mut out = Vec::with_capacity(stages.len());
    for stage in stages {
        filter.stage = Some(*stage);
        let page = app
            .store
            .pipeline(&filter, PipelineOrder::FIRST_BY_ID, 0)
            .await?;
        out.push((*stage, page.total_count));
    }
    Ok(out)
}

/// The store's filter for the arguments' stage, curator, sector, province and name, each
/// checked.
fn filter_of(args: PipelineArgs) -> ServiceResult<PipelineFilter> {
    let curator = args
        .curator_id
        .map(|c| super::parse_id("curatorId", &c))
        .transpose()?;
    let sector_prefixes = match args.sector_prefix {
        None => Vec::new(),
        Some(code) => {
            let code =
                IsicCode::parse(&code).map_err(|e| ServiceError::bad_input("sectorPrefix", e))?;
            // A section letter stands for its divisions (sector codes are digits).
            if code.as_str().len() == 1 {
                isic()
                    .children(Some(code.as_str()))
                    .map(|d| d.code.clone())
                    .collect()
            } else {
                vec![code.as_str().to_string()]
            }
        }
    };
    let province = args
        .province_code
        .map(|p| ProvinceCode::parse(&p).map_err(|e| ServiceError::bad_input("provinceCode", e)))
        .transpose()?
        .map(|p| p.as_str().to_string());
    let name = args
        .name
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .map(|n| {
            // No longer than a name can be.
            if n.chars().count() > NAME_MAX_CHARS {
                Err(ServiceError::bad_input(
                    "name",
                    format!("too long: at most {NAME_MAX_CHARS} characters"),
                ))
            } else {
                Ok(n)
            }
        })
        .transpose()?;
    Ok(PipelineFilter {
        stage: args.stage,
        curator,
        sector_prefixes,
        province,
        name,
    })
}

/// A party's introductions: pipeline matches of its own profiles from INTRODUCED on. A match
/// staff closed before introducing it is none: listing it would tell both sides that staff
/// considered the pair and dropped it.
pub async fn my_introductions(app: &App, v: &Viewer, lang: Lang) -> ServiceResult<Vec<MatchView>> {
    let user = v.require_user()?.id;
    let mut out = Vec::new();
    for r in app.store.matches_of_owner(user).await? {
        if !r.introduced() {
            continue;
        }
        out.push(Match::of_record(app, r, lang).await?.view(v));
    }
    Ok(out)
}

/// How many introductions wait for the viewer's answer: introduced pairs where a side the
/// viewer owns has not answered. Read from the records alone, for the account page, which says
/// so next to its link (QA: the owner could not tell that three were waiting). `owned`: the
/// viewer's profiles, as the page read them already (`profiles::owned_ids`); only the viewer's
/// own records are counted whatever it holds.
pub async fn awaiting_answer(app: &App, v: &Viewer, owned: &[ProfileId]) -> ServiceResult<usize> {
    let user = v.require_user()?.id;
    let owned: std::collections::HashSet<&ProfileId> = owned.iter().collect();
    Ok(app
        .store
        .matches_of_owner(user)
        .await?
        .iter()
        .filter(|r| r.stage == Stage::Introduced)
        .filter(|r| {
            (owned.contains(&r.sme_id) && r.sme_response.is_none())
                || (owned.contains(&r.investor_id) && r.investor_response.is_none())
        })
        .count())
}

/// Counts for the staff dashboard: by stage, by the SME's ISIC section, by province.
pub struct Dashboard {
    pub by_stage: Vec<(String, i64)>,
    pub by_section: Vec<(String, i64)>,
    pub by_province: Vec<(String, i64)>,
}

/// Staff: counts by stage, ISIC section and province.
pub async fn dashboard(app: &App, v: &Viewer) -> ServiceResult<Dashboard> {
    v.require_staff()?;
    let d = app.store.dashboard().await?;
    let mut sections: std::collections::BTreeMap<String, i64> = Default::default();
    for (division, n) in d.by_sector {
        let section = isic().section_of(&division).unwrap_or("?").to_string();
        *sections.entry(section).or_default() += n;
    }
    Ok(Dashboard {
        by_stage: d.by_stage,
        by_section: sections.into_iter().collect(),
        by_province: d.by_province,
    })
}
