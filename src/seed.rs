//! Demo mode: one account per role (passwords printed at start-up, demo only) and matches at
//! every stage of the pipeline with their audit logs, so a new user can try each role at once.

use time::OffsetDateTime;

use crate::api::matching::pair_id;
use crate::app::App;
use crate::auth;
use crate::domain::account::{Role, User};
use crate::domain::contact::Email;
use crate::domain::ids::ProfileId;
use crate::domain::pipeline::{MatchRecord, Side, Stage};
use crate::search::matcher::{rank_smes, SmesForInvestor};
use crate::server::ServeError;
use crate::store::{PageRequest, PipelineFilter, Store};

pub struct DemoAccount {
    pub user: User,
    pub password: String,
}

const ROLES: [(Role, &str); 4] = [
    (Role::Admin, "admin@demo.khkr.example"),
    (Role::Staff, "staff@demo.khkr.example"),
    (Role::Sme, "sme@demo.khkr.example"),
    (Role::Investor, "investor@demo.khkr.example"),
];

fn seed_err(e: impl std::fmt::Display) -> ServeError {
    ServeError::Seed(e.to_string())
}

/// Creates the demo accounts, or gives existing ones a fresh password (printed, so it must not
/// outlive the run that printed it).
pub async fn demo_accounts(store: &dyn Store) -> Result<Vec<DemoAccount>, ServeError> {
    let mut out = Vec::new();
    for (role, email) in ROLES {
        let password = auth::demo_password();
        let pw = password.clone();
        let hash = tokio::task::spawn_blocking(move || auth::hash_password(&pw))
            .await
            .map_err(seed_err)?
            .map_err(seed_err)?;
        let user = match store.user_by_email(email).await? {
            Some((user, _)) => {
                store.set_password_hash(user.id, &hash).await?;
                user
            }
            None => {
                let user = User {
                    id: ProfileId::new_v7(),
                    email: Email::parse(email).map_err(seed_err)?,
                    role,
                    created_at: OffsetDateTime::now_utc(),
                };
                store.create_user(&user, &hash).await?;
                user
            }
        };
        out.push(DemoAccount { user, password });
    }
    Ok(out)
}

pub fn print_accounts(accounts: &[DemoAccount]) {
    eprintln!("demo accounts (demo only; new passwords at every start):");
    for a in accounts {
        eprintln!(
            "  {:<9} {:<28} {}",
            a.user.role.as_str(),
            a.user.email.as_str(),
            a.password
        );
    }
    eprintln!("  log in with: mutation {{ logIn(email: \"…\", password: \"…\") {{ token }} }}");
}

/// The stages demo matches are driven to, one pair each.
const TARGETS: [Stage; 8] = [
    Stage::Shortlisted,
    Stage::Introduced,
    Stage::Introduced,
    Stage::Connected,
    Stage::InTalks,
    Stage::Deal,
    Stage::Closed,
    Stage::Declined,
];

/// Seeds matches at every stage from the ranking of the first investors, once.
pub async fn demo_matches(app: &App, accounts: &[DemoAccount]) -> Result<(), ServeError> {
    let existing = app
        .store
        .pipeline(
            &PipelineFilter::default(),
            PageRequest {
                first: 1,
                after: None,
            },
        )
        .await?;
    if existing.total_count > 0 {
        return Ok(());
    }
    let id_of = |role| {
        accounts
            .iter()
            .find(|a| a.user.role == role)
            .map(|a| a.user.id)
    };
    let (Some(staff), Some(sme_user), Some(inv_user)) =
        (id_of(Role::Staff), id_of(Role::Sme), id_of(Role::Investor))
    else {
        return Ok(());
    };
    let investors = app
        .store
        .published_investors(PageRequest {
            first: TARGETS.len() as u32,
            after: None,
        })
        .await?
        .items;
    let mut used = std::collections::HashSet::new();
    for (i, inv) in investors.iter().enumerate() {
        let target = TARGETS[i % TARGETS.len()];
        let (index, cache, profile) = (
            app.search.clone(),
            app.features.clone(),
            inv.profile.clone(),
        );
        let hits = tokio::task::spawn_blocking(move || {
            let searcher = index.searcher();
            let req = SmesForInvestor {
                investor: &profile,
                weights: Default::default(),
                filter: None,
                only: None,
                first: 5,
            };
            rank_smes(&index, &searcher, &cache, &req)
        })
        .await
        .map_err(seed_err)?
        .map_err(seed_err)?;
        let Some(hit) = hits.into_iter().find(|h| used.insert(h.id)) else {
            continue;
        };
        let now = OffsetDateTime::now_utc();
        let (r, log) = MatchRecord::shortlist(
            pair_id(hit.id, inv.id),
            hit.id,
            inv.id,
            hit.text,
            staff,
            now,
        );
        app.store.insert_match(&r, &log).await?;
        drive(app, r, target, staff, sme_user, inv_user).await?;
    }
    eprintln!(
        "demo pipeline: {} matches seeded across every stage",
        used.len()
    );
    Ok(())
}

/// One transition, as staff or a party would make it.
enum Step {
    Introduce(&'static str),
    Respond(Side, bool),
    Move(Stage, &'static str),
}

/// The transitions from SHORTLISTED to `target`.
fn steps(target: Stage, sme_accepts_early: bool) -> Vec<Step> {
    use Step::*;
    let intro =
        Introduce("Demo introduction: a strong sector and incentive fit; you two should talk.");
    match target {
        Stage::Suggested | Stage::Shortlisted => vec![],
        Stage::Introduced if sme_accepts_early => vec![intro, Respond(Side::Sme, true)],
        Stage::Introduced => vec![intro],
        Stage::Connected => vec![
            intro,
            Respond(Side::Sme, true),
            Respond(Side::Investor, true),
        ],
        Stage::InTalks => vec![
            intro,
            Respond(Side::Sme, true),
            Respond(Side::Investor, true),
            Move(Stage::InTalks, "First call held."),
        ],
        Stage::Deal => vec![
            intro,
            Respond(Side::Sme, true),
            Respond(Side::Investor, true),
            Move(Stage::InTalks, "First call held."),
            Move(Stage::Deal, "Term sheet signed."),
        ],
        Stage::Closed => vec![Move(Stage::Closed, "Not a fit after review.")],
        Stage::Declined => vec![intro, Respond(Side::Investor, false)],
    }
}

/// Moves a shortlisted record to `target` through the same transitions staff and parties use.
async fn drive(
    app: &App,
    r: MatchRecord,
    target: Stage,
    staff: ProfileId,
    sme: ProfileId,
    inv: ProfileId,
) -> Result<(), ServeError> {
    let now = OffsetDateTime::now_utc();
    // One of the two INTRODUCED demo matches already has the SME's acceptance.
    let early = r.id.as_uuid().as_u128() % 2 == 0;
    let mut r = r;
    for step in steps(target, early) {
        let (next, log) = match step {
            Step::Introduce(msg) => r.introduce(msg, staff, now),
            Step::Respond(side, accept) => {
                let actor = if side == Side::Sme { sme } else { inv };
                r.respond(side, accept, actor, now)
            }
            Step::Move(stage, msg) => r.move_to(stage, Some(msg), staff, now),
        }
        .map_err(seed_err)?;
        app.store.update_match(&next, &log).await?;
        r = next;
    }
    Ok(())
}
