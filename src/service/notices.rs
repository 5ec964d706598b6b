//! Notices as letters: who a stored notice reaches and what it may tell them.
//!
//! A notice names an audience; here it becomes an account and the facts of its match *as that
//! account sees them*, through the same [`visibility`](super::visibility) the pages use: the
//! letter is built from the [`MatchView`] of a viewer acting as the recipient, so it can name
//! nothing the recipient's own introductions page would not show (an ANONYMOUS SME stays
//! neutral, no contact detail is in any letter). A recipient the rules no longer allow (the
//! profile changed hands, the curator is no longer staff), or a match that moved on, gets no
//! letter; the sender records that and moves on.

use super::error::ServiceResult;
use super::matching::{Match, MatchView};
use super::viewer::Viewer;
use crate::app::App;
use crate::domain::account::Role;
use crate::domain::contact::Email;
use crate::domain::ids::ProfileId;
use crate::domain::notice::{Audience, NoticeKind};
use crate::domain::pipeline::Stage;
use crate::domain::profile::LanguageCode;
use crate::domain::text::Lang;
use crate::store::StoredNotice;

/// What one notice says to one account, already cut to what that account may see.
#[derive(Debug, Clone)]
pub struct Letter {
    pub to: Email,
    /// The recipient's language (see [`language`]).
    pub lang: Lang,
    pub kind: NoticeKind,
    pub match_id: ProfileId,
    /// The recipient's own business (parties), in the letter's language.
    pub own: Option<String>,
    /// The other side as the recipient may see it (parties); for the curator, both sides'
    /// names as staff see them.
    pub other: String,
    pub sme: String,
    pub investor: String,
    /// The staff's introduction message, in an introduction letter: the parties read it on
    /// their introductions page too (a pipeline fact of theirs), and a letter that only said
    /// "read their message" made them log in to learn why they were introduced.
    pub message: Option<String>,
    /// In a curator's letter about an answer: both sides have accepted now (contacts shown to
    /// each other), so the match needs the curator's follow-up; staff get no letter of their
    /// own for that.
    pub both_accepted: bool,
}

/// Why a notice is not sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoLetter {
    /// Nobody holds the audience's place now (no owner, no curator, a curator no longer staff).
    NoRecipient,
    /// What it announces is no longer true (an introduction this side already answered or
    /// that moved on, contacts "now shown" on a match closed since).
    Stale,
}

impl NoLetter {
    /// The code kept on the notice (pages translate it).
    pub fn as_str(self) -> &'static str {
        match self {
            NoLetter::NoRecipient => "NO_RECIPIENT",
            NoLetter::Stale => crate::domain::notice::STALE,
        }
    }
}

/// The language a party is written to: the first of its profile's languages that the site
/// speaks, else Khmer for an SME and English for an investor (the site's defaults for each
/// side). Staff are written to in English: their accounts carry no language.
pub fn language(languages: &[LanguageCode], fallback: Lang) -> Lang {
    languages
        .iter()
        .find_map(|l| Lang::ALL.into_iter().find(|x| x.code() == l.as_str()))
        .unwrap_or(fallback)
}

/// The languages the two owners' letters are written in: each profile's first language the
/// site speaks, else Khmer for an SME and English for an investor. Staff see them by the
/// introduction box, since the letters quote their message as they wrote it.
pub fn letter_languages(
    sme: &crate::domain::sme::SmeProfile,
    investor: &crate::domain::investor::InvestorProfile,
) -> (Lang, Lang) {
    (
        language(&sme.languages, Lang::Km),
        language(&investor.languages, Lang::En),
    )
}

/// A match's notices and how each went, in the order they were written (staff only: who was
/// told what is a pipeline fact of the curation).
pub async fn of_match(
    app: &App,
    v: &Viewer,
    match_id: ProfileId,
) -> ServiceResult<Vec<StoredNotice>> {
    v.require_staff()?;
    Ok(app.store.notices(match_id).await?)
}

/// Staff: sends a given-up notice of a match again (after the account's address or the relay
/// was fixed), and returns it as it now stands. A notice of that match that is not given up
/// (sent, waiting for a retry, or already put back by a first click) is returned unchanged:
/// asking twice is harmless. NOT_FOUND when the match has no such notice.
pub async fn send_again(
    app: &App,
    v: &Viewer,
    match_id: &str,
    notice_id: &str,
) -> ServiceResult<StoredNotice> {
    v.require_staff()?;
    let match_id = super::parse_id("matchId", match_id)?;
    // Digits only: `str::parse` also takes "+2", which is no id this API ever gave.
    let id: i64 = Some(notice_id)
        .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| super::ServiceError::bad_input("noticeId", "not a notice id"))?;
    let now = time::OffsetDateTime::now_utc();
    if app.store.requeue_notice(id, match_id, now).await? {
        app.notices_owed.notify_one();
    }
    app.store
        .notices(match_id)
        .await?
        .into_iter()
        .find(|n| n.id == id)
        .ok_or_else(|| super::ServiceError::not_found("notice", notice_id))
}

/// Staff: where a notice not sent yet would go if it went now, and in which language (the
/// owner's account e-mail, not the profile's contact e-mail); `None` when it would not go (its
/// news is no longer true, nobody holds the place).
pub async fn recipient(
    app: &App,
    v: &Viewer,
    notice: &StoredNotice,
) -> ServiceResult<Option<(String, Lang)>> {
    v.require_staff()?;
    Ok(letter(app, notice)
        .await?
        .ok()
        .map(|l| (l.to.as_str().to_string(), l.lang)))
}

/// How far back the staff dashboard looks for e-mails that did not go out.
pub const FOLLOW_UP_DAYS: i64 = 30;

/// Up to `limit` notices of the last [`FOLLOW_UP_DAYS`] that failed at least once and are not
/// sent (waiting for a retry, or given up), newest first (staff only).
pub async fn not_sent(app: &App, v: &Viewer, limit: u32) -> ServiceResult<Vec<StoredNotice>> {
    v.require_staff()?;
    let since = time::OffsetDateTime::now_utc() - time::Duration::days(FOLLOW_UP_DAYS);
    Ok(app.store.notices_not_sent(since, limit).await?)
}

/// The letter for `notice`, or why there is none.
pub async fn letter(app: &App, notice: &StoredNotice) -> ServiceResult<Result<Letter, NoLetter>> {
    let Some(record) = app.store.match_record(notice.match_id).await? else {
        return Ok(Err(NoLetter::NoRecipient));
    };
    // What the letter announces must still be true when it goes out (after a relay outage it
    // may go out hours late): contacts "now shown" on a match closed since would mislead.
    // An introduction asks for an answer: not once this side gave it or the match left
    // INTRODUCED (the both-accepted letter, or none, says what happened since).
    let answered = match notice.notice.audience {
        Audience::SmeOwner => record.sme_response.is_some(),
        Audience::InvestorOwner => record.investor_response.is_some(),
        Audience::Curator => false,
    };
    let stale = match notice.notice.kind {
        NoticeKind::Introduced => record.stage != Stage::Introduced || answered,
        NoticeKind::Connected => !record.stage.reveals_contacts(),
        NoticeKind::Answered(..) | NoticeKind::Withdrawn => false,
    };
    if stale {
        return Ok(Err(NoLetter::Stale));
    }
    let m = Match::of_record(app, record, Lang::En).await?;
    // Which side is still on the site, before the match is seen through the recipient's eyes.
    let sme_on_site = super::profiles::is_published(&m.sme);
    let (sme_lang, investor_lang) = letter_languages(&m.sme.profile, &m.investor.profile);
    let (account, lang) = match notice.notice.audience {
        Audience::SmeOwner => (m.sme.owner, sme_lang),
        Audience::InvestorOwner => (m.investor.owner, investor_lang),
        Audience::Curator => (m.record.as_ref().and_then(|r| r.curator_id), Lang::En),
    };
    let Some(user) = (match account {
        Some(id) => app.store.user(id).await?,
        None => None,
    }) else {
        return Ok(Err(NoLetter::NoRecipient));
    };
    if notice.notice.audience == Audience::Curator
        && !matches!(user.role, Role::Staff | Role::Admin)
    {
        return Ok(Err(NoLetter::NoRecipient));
    }
    let to = user.email.clone();
    let connected = app.store.connected_profiles(user.id).await?;
    let v = Viewer::of_account(user, connected);
    let view: MatchView = m.view(&v);
    // The recipient must be allowed to know the match at all (the rules' pipeline facts):
    // an owner who no longer owns either side is a stranger to it.
    if view.pipeline.is_none() {
        return Ok(Err(NoLetter::NoRecipient));
    }
    let sme = view.sme.display_name(lang);
    let investor = view.investor.display_name(lang);
    let message = match notice.notice.kind {
        NoticeKind::Introduced => view
            .pipeline
            .as_ref()
            .and_then(|p| p.introduction.clone())
            .filter(|m| !m.trim().is_empty()),
        _ => None,
    };
    let (own, other) = match (notice.notice.audience, notice.notice.kind) {
        (Audience::SmeOwner, _) => (Some(sme.clone()), investor.clone()),
        (Audience::InvestorOwner, _) => (Some(investor.clone()), sme.clone()),
        // The side taken off the site, for the curator's letter.
        (Audience::Curator, NoticeKind::Withdrawn) => {
            let gone = if sme_on_site {
                investor.clone()
            } else {
                sme.clone()
            };
            (None, gone)
        }
        (Audience::Curator, _) => (None, String::new()),
    };
    Ok(Ok(Letter {
        to,
        lang,
        kind: notice.notice.kind,
        match_id: view.id,
        own,
        other,
        sme,
        investor,
        message,
        both_accepted: notice.notice.audience == Audience::Curator
            && view
                .pipeline
                .as_ref()
                .is_some_and(|p| p.stage.reveals_contacts()),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_party_is_written_to_in_the_first_language_the_site_speaks() {
        let codes = |xs: &[&str]| {
            xs.iter()
                .map(|x| LanguageCode::parse(x).expect("code"))
                .collect::<Vec<_>>()
        };
        assert_eq!(language(&codes(&["km", "en"]), Lang::En), Lang::Km);
        assert_eq!(language(&codes(&["th", "ko"]), Lang::En), Lang::Ko);
        assert_eq!(language(&codes(&["zh"]), Lang::Km), Lang::Km);
        assert_eq!(language(&[], Lang::En), Lang::En);
    }
}
