//! Demo mode: the demo data set, one account per role (passwords printed at start-up, demo only)
//! and matches at every stage of the pipeline with their audit logs, so a new user can try each
//! role at once. Everything goes through the application layer, as the accounts themselves
//! would do it.

use std::time::Instant;

use time::OffsetDateTime;

use crate::app::App;
use crate::auth;
use crate::demo;
use crate::domain::account::{Role, User, UserId};
use crate::domain::ids::ProfileId;
use crate::domain::investor::{Investor, InvestorProfile};
use crate::domain::pipeline::{Side, Stage};
use crate::domain::sme::{Sme, SmeProfile};
use crate::domain::text::Lang;
use crate::domain::ValidationContext;
use crate::service::{accounts, matching, pipeline, ServiceError, Viewer};
use crate::store::{PageRequest, PipelineFilter, PipelineOrder, Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("demo data set is invalid (a generator defect): {0}")]
    Demo(String),
    #[error("demo seeding failed: {0}")]
    Service(#[from] ServiceError),
}

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

/// Creates the demo accounts, or gives existing ones a fresh password (printed, so it must not
/// outlive the run that printed it).
pub async fn demo_accounts(store: &dyn Store) -> Result<Vec<DemoAccount>, SeedError> {
    let mut out = Vec::new();
    for (role, email) in ROLES {
        let password = auth::demo_password();
        let user = accounts::reset_demo_account(store, email, role, &password).await?;
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
    eprintln!("  in the web app: open the address printed below, then \"Log in\" (/en/login)");
    eprintln!("  over the API: mutation {{ logIn(email: \"…\", password: \"…\") {{ token }} }}");
}

/// The accounts demo profiles belong to.
#[derive(Debug, Clone, Copy, Default)]
pub struct DemoOwners {
    pub sme: Option<UserId>,
    pub investor: Option<UserId>,
}

impl DemoOwners {
    pub fn of(accounts: &[DemoAccount]) -> Self {
        let id_of = |role| {
            accounts
                .iter()
                .find(|a| a.user.role == role)
                .map(|a| a.user.id)
        };
        DemoOwners {
            sme: id_of(Role::Sme),
            investor: id_of(Role::Investor),
        }
    }
}

/// Loads the demo data set into an empty database; a database with any profile is left alone.
pub async fn load_demo_if_empty(store: &dyn Store, owner: DemoOwners) -> Result<(), SeedError> {
    let counts = store.counts().await?;
    if counts.smes > 0 || counts.investors > 0 {
        tracing::info!(
            smes = counts.smes,
            investors = counts.investors,
            "database not empty: demo data not loaded"
        );
        return Ok(());
    }
    let started = Instant::now();
    eprintln!(
        "loading demo data: {} SMEs and {} investors (seed {:#x})...",
        demo::DEMO_SMES,
        demo::DEMO_INVESTORS,
        demo::DEMO_SEED
    );
    let now = OffsetDateTime::now_utc();
    let ctx = ValidationContext::at(now);
    let smes = (0..demo::DEMO_SMES as u64)
        .map(|i| {
            SmeProfile::validate(demo::sme(demo::DEMO_SEED, i), &ctx)
                .map(|p| Sme::publish(ProfileId::new_v7(), owner.sme, p, now))
                .map_err(|e| SeedError::Demo(format!("SME {i}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let investors = (0..demo::DEMO_INVESTORS as u64)
        .map(|i| {
            InvestorProfile::validate(demo::investor(demo::DEMO_SEED, i))
                .map(|p| Investor::publish(ProfileId::new_v7(), owner.investor, p, now))
                .map_err(|e| SeedError::Demo(format!("investor {i}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    // One transaction for the whole set (a bulk load, not a use case: no account publishes
    // 2,300 profiles at once); the index is built from the database right after.
    store.insert_batch(&smes, &investors).await?;
    eprintln!(
        "loaded demo data in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
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

/// Seeds matches at every stage from the ranking of the first investors, once, acting as the
/// demo staff, SME and investor accounts.
pub async fn demo_matches(app: &App, accounts: &[DemoAccount]) -> Result<(), SeedError> {
    let existing = app
        .store
        .pipeline(&PipelineFilter::default(), PipelineOrder::FIRST_BY_ID, 1)
        .await?;
    if existing.total_count > 0 {
        return Ok(());
    }
    let acting = |role| {
        accounts
            .iter()
            .find(|a| a.user.role == role)
            .map(|a| Viewer::acting_as(a.user.clone()))
    };
    let (Some(staff), Some(sme), Some(inv)) = (
        acting(Role::Staff),
        acting(Role::Sme),
        acting(Role::Investor),
    ) else {
        return Ok(());
    };
    let parties = Parties {
        staff: &staff,
        sme: &sme,
        investor: &inv,
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
    for (i, investor) in investors.iter().enumerate() {
        let target = TARGETS[i % TARGETS.len()];
        let args = matching::MatchArgs {
            first: Some(5),
            ..Default::default()
        };
        let ranked =
            matching::for_investor(app, &staff, &investor.id.to_string(), None, args).await?;
        let Some(m) = ranked.into_iter().find(|m| used.insert(m.sme.get().id)) else {
            continue;
        };
        let shortlisted = pipeline::shortlist(
            app,
            &staff,
            &m.sme.get().id.to_string(),
            &investor.id.to_string(),
            Lang::En,
        )
        .await?;
        drive(app, &shortlisted.id.to_string(), target, &parties).await?;
    }
    eprintln!(
        "demo pipeline: {} matches seeded across every stage",
        used.len()
    );
    Ok(())
}

/// The demo accounts, as viewers.
struct Parties<'a> {
    staff: &'a Viewer,
    sme: &'a Viewer,
    investor: &'a Viewer,
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

/// Moves a shortlisted match to `target` through the same use cases staff and parties use.
async fn drive(app: &App, id: &str, target: Stage, p: &Parties<'_>) -> Result<(), SeedError> {
    // One of the two INTRODUCED demo matches already has the SME's acceptance.
    let early = ProfileId::parse(id)
        .map(|i| i.as_uuid().as_u128() % 2 == 0)
        .unwrap_or(false);
    for step in steps(target, early) {
        match step {
            Step::Introduce(msg) => {
                pipeline::introduce(app, p.staff, id, msg, Lang::En).await?;
            }
            Step::Respond(side, accept) => {
                let who = if side == Side::Sme { p.sme } else { p.investor };
                pipeline::respond(app, who, id, accept, Lang::En).await?;
            }
            Step::Move(stage, msg) => {
                pipeline::move_to(app, p.staff, id, stage, Some(msg), Lang::En).await?;
            }
        }
    }
    Ok(())
}
