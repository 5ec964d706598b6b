//! The SME profile wizard (`/{lang}/me/new`): one topic per step, made for a phone.
//!
//! Steps 1–5 are GET forms that carry the answers so far as hidden fields, so back, reload and
//! bookmarks are harmless and nothing is stored before the end. The last step (contact details,
//! which must not travel in URLs, and visibility) POSTs with a CSRF field; while the owner goes
//! back to an earlier step, the browser tab keeps what was typed there (`site.js`,
//! `data-contact-draft`), since no address carries it. The use case
//! `service::profiles::publish` validates everything, and a refusal names each bad answer with
//! a link back to its step. Success redirects to the account page (POST-redirect-GET).

use askama::Template;
use axum::body::Bytes;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;

use super::public::{partnership_name, province_name, Opt};
use super::refusals;
use super::tools::{sector_groups, Group};
use super::{query_string, see_other, Chrome, Form, Section, Web};
use crate::domain::account::Role;
use crate::domain::digital::DigitalIndicator;
use crate::domain::profile::{PartnershipType, Visibility};
use crate::domain::province::ProvinceCode;
use crate::domain::sector::IsicClass;
use crate::domain::sme::{Sme, SmeRaw};
use crate::domain::text::{Lang, LocalizedTextRaw};
use crate::service::visibility::{read_own_text_refusal, OwnTextRefusal};
use crate::service::{profiles, reference, ServiceError};

const STEPS: usize = 6;

/// The draft's fields and the step that asks each, in the order the form asks them (the
/// error summary follows it: QA found e-mail listed before phone).
const FIELDS: [(&str, usize); 17] = [
    // The business being changed (absent for a new one); carried through every step.
    ("id", 0),
    ("name", 1),
    ("description", 1),
    ("sector", 2),
    ("province", 3),
    // How big, optional: asked with where, since both are what an investor filters by.
    ("employees", 3),
    ("founded", 3),
    ("q", 4),
    ("partnership", 5),
    ("capital_min", 5),
    ("capital_max", 5),
    ("person", 6),
    ("phone", 6),
    ("telegram", 6),
    ("email", 6),
    ("visibility", 6),
    // A form too old to send (`profiles::publish_once`): the last step again, with a new one.
    ("submission", 6),
];

/// Whether an answer travels in the steps' addresses and hidden fields: every answer but the
/// contact details (they never go in a URL) and the submission nonce. The visibility does: it
/// is no contact detail, and an answer lost on the way back from an error link would publish
/// an anonymous business under its name.
fn travels(field: &str) -> bool {
    FIELDS.iter().any(|(f, _)| *f == field) && (step_of(field) < STEPS || field == "visibility")
}

fn step_of(field: &str) -> usize {
    FIELDS
        .iter()
        .find(|(f, _)| *f == field)
        .map_or(1, |(_, s)| *s)
}

pub struct Check {
    pub id: String,
    pub name: &'static str,
    pub value: String,
    pub label: String,
    pub hint: Option<String>,
    pub checked: bool,
    /// For the live score of the digital step (`data-points`, `data-tier`).
    pub points: u32,
    pub tier: &'static str,
}

pub struct WizardError {
    /// The field (its element id).
    pub id: &'static str,
    pub href: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "wizard.html")]
struct WizardPage {
    c: Chrome,
    step: usize,
    step_text: String,
    action: String,
    back: Option<String>,
    /// The step before this one, for the Back button of steps 2 to 5.
    back_step: Option<&'static str>,
    hidden: Vec<(String, String)>,
    name: String,
    description: String,
    sectors: Vec<Group>,
    provinces: Vec<Opt>,
    checks: Vec<Check>,
    employees: String,
    founded: String,
    capital_min: String,
    capital_max: String,
    person: String,
    phone: String,
    telegram: String,
    email: String,
    anonymous: bool,
    errors: Vec<WizardError>,
    /// The last step's submission field (`session::submission_token`) for a new business.
    submission: Option<String>,
    /// The step's own name, on steps 1 to 5 of a new business: the language links then carry
    /// what this step holds so far (`site.js`), not only the earlier steps' answers.
    here: Option<&'static str>,
    /// Which draft the last step's contact details are kept under in the browser while the
    /// owner goes back to an earlier step (`site.js`): the business's id, or `new`.
    contact_draft: String,
    min_intermediate: usize,
    min_advanced: usize,
    level_names: String,
    /// The account's businesses on the site (name, its language, where to change it), named on
    /// the first step of a new one: QA published the same business twice, with no word that it
    /// was there already.
    already: Vec<(String, &'static str, String)>,
}

impl WizardPage {
    /// The summary's line for a refused field: its label, then the message.
    fn summary(&self, e: &WizardError) -> String {
        refusals::summary_line(self.c.tr, refusals::FormKind::Business, e.id, &e.message)
    }

    /// The message for field `id`, if it was refused.
    fn error(&self, id: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.message.as_str())
    }
}

/// The problems with the answers step `step` asks, each with its field, as far as the form can
/// tell before the use case judges the whole (`refusals`).
fn problems(w: &Web, draft: &Form, step: usize) -> Vec<(&'static str, String)> {
    let tr = w.tr;
    let mut found = Vec::new();
    match step {
        1 => {
            found.extend(refusals::name_and_description(tr, draft));
            if found.is_empty() {
                let hidden = draft.get("visibility") == Some("ANONYMOUS");
                found.extend(refusals::own_texts(tr, draft, hidden));
            }
            // What the last step found, while the text still holds it.
            if let Some(said) = draft
                .get(SAID)
                .filter(|s| !s.trim().is_empty() && s.chars().count() <= MAX_SAID_CHARS)
            {
                let holder = ["description", "name"]
                    .into_iter()
                    .find(|f| draft.get(f).is_some_and(|t| t.contains(said)));
                if let Some(field) = holder.filter(|f| !found.iter().any(|(k, _)| k == f)) {
                    found.push((
                        field,
                        tr.t1("error-text-own-contact", "found", said.to_string()),
                    ));
                }
            }
        }
        2 if IsicClass::parse(draft.get("sector").unwrap_or_default()).is_err() => {
            found.push(("sector", tr.t("error-sector")));
        }
        3 => {
            if ProvinceCode::parse(draft.get("province").unwrap_or_default()).is_err() {
                found.push(("province", tr.t("error-province")));
            }
            found.extend(refusals::size(
                tr,
                draft.get("employees"),
                draft.get("founded"),
            ));
        }
        5 => {
            let (amounts, ..) = refusals::amounts(
                tr,
                ("capital_min", draft.get("capital_min")),
                ("capital_max", draft.get("capital_max")),
            );
            found.extend(amounts);
        }
        _ => {}
    }
    found
}

/// A link to the step that asks field `id`, with the answers so far, at the field, and what
/// the last step found in it (`said`, see [`SAID`]).
fn link_to(w: &Web, draft: &Form, id: &str, said: Option<&str>) -> String {
    let step = step_of(id);
    if step == STEPS {
        return format!("#{id}");
    }
    let mut extra = vec![("step", STEP_NAMES[step - 1]), (CHECK, "1")];
    extra.extend(said.map(|s| (SAID, s)));
    format!("{}#{id}", w.href(&answers_path(draft, &extra)))
}

/// `/me/new` with the answers that travel ([`travels`]) and `extra` (the step to show): the
/// address of a new business's step, for links back, the language links and a log-in.
fn answers_path(draft: &Form, extra: &[(&str, &str)]) -> String {
    let pairs = draft
        .0
        .iter()
        .filter(|(k, _)| travels(k))
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .chain(extra.iter().copied());
    format!("/me/new{}", query_string(pairs))
}

/// A parameter of the links from the last step's summary back to an earlier step: that step
/// shows its own problems next to their fields, as it would have when left.
const CHECK: &str = "check";
/// …and, on such a link to the first step, the contact detail the last step found in a text:
/// the first step cannot find it itself when it is the business's own (the contact fields are
/// on the last step and never travel), and showed nothing next to the text (QA).
const SAID: &str = "said";
/// The longest such detail a link carries: a phone, an address or a chat name is shorter.
const MAX_SAID_CHARS: usize = 64;

/// Step `step` again, with `errors` next to their fields and in the summary (422).
fn refused(w: &Web, step: usize, draft: &Form, errors: Vec<(&'static str, String)>) -> Response {
    refused_linking(w, step, draft, errors, None)
}

/// [`refused`], with the summary's link for one field going elsewhere than its step: a text
/// on file in another language is changed on that language's pages.
fn refused_linking(
    w: &Web,
    step: usize,
    draft: &Form,
    errors: Vec<(&'static str, String)>,
    elsewhere: Option<(&'static str, String)>,
) -> Response {
    let mut p = page(w, step, draft);
    let mut errors = errors;
    errors.sort_by_key(|(id, _)| FIELDS.iter().position(|(f, _)| f == id));
    p.errors = errors
        .into_iter()
        .map(|(id, message)| WizardError {
            id,
            href: match &elsewhere {
                Some((field, href)) if *field == id => href.clone(),
                _ if step_of(id) == step => format!("#{id}"),
                _ => link_to(w, draft, id, None),
            },
            message,
        })
        .collect();
    w.page(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

fn page(w: &Web, step: usize, draft: &Form) -> WizardPage {
    let tr = w.tr;
    let step = step.clamp(1, STEPS);
    let hidden = draft
        .0
        .iter()
        .filter(|(k, v)| !v.trim().is_empty() && travels(k) && step_of(k) != step)
        .cloned()
        .collect();
    let back = (step > 1).then(|| w.href(&answers_path(draft, &[("step", STEP_NAMES[step - 2])])));
    let get = |k: &str| draft.get(k).unwrap_or("").to_string();
    let checks = match step {
        4 => reference::questionnaire()
            .iter()
            .map(|q| Check {
                id: format!("q-{}", q.code.to_ascii_lowercase()),
                name: "q",
                value: q.code.to_string(),
                label: match w.lang {
                    Lang::En => q.en,
                    Lang::Km => q.km,
                    Lang::Ko => q.ko,
                }
                .to_string(),
                hint: Some(tr.t(&format!("digital-example-{}", q.code.to_ascii_lowercase()))),
                checked: draft.all("q").contains(&q.code),
                points: q.points,
                tier: q.tier.as_str(),
            })
            .collect(),
        5 => PartnershipType::ALL
            .iter()
            .map(|p| Check {
                id: format!("p-{}", p.as_str().to_ascii_lowercase()),
                name: "partnership",
                value: p.as_str().to_string(),
                label: partnership_name(tr, *p),
                hint: None,
                checked: draft.all("partnership").contains(&p.as_str()),
                points: 0,
                tier: "",
            })
            .collect(),
        _ => vec![],
    };
    let province = get("province");
    let mut c = w.chrome(tr.t("wizard-title"), Section::Account);
    // Another language's wizard: a business being changed starts again from its answers on
    // file in that language (this page's texts are this language's: carried over, they were
    // filed as the other's, QA); a new one keeps the answers so far, but for the contact
    // details, which never travel in a URL (the last step's own address has none of them).
    let id = draft
        .get("id")
        .and_then(|id| crate::domain::ids::ProfileId::parse(id).ok());
    // What follows `/{lang}` in each language's link; none: the page's own address.
    let rest = match id {
        Some(id) => Some(format!("/me/edit/{id}")),
        None if step == STEPS => Some(answers_path(draft, &[("step", STEP_NAMES[STEPS - 1])])),
        None => None,
    };
    if let Some(rest) = rest {
        for l in &mut c.langs {
            l.href = format!("/{}{rest}", l.code);
        }
    }
    WizardPage {
        c,
        step,
        step_text: tr.t2(
            "wizard-step",
            ("n", step.to_string()),
            ("total", STEPS.to_string()),
        ),
        action: w.href("/me/new"),
        back,
        back_step: (step > 1 && step < STEPS).then(|| STEP_NAMES[step - 2]),
        hidden,
        name: get("name"),
        description: get("description"),
        sectors: if step == 2 {
            sector_groups(tr, &get("sector"))
        } else {
            vec![]
        },
        provinces: reference::provinces()
            .iter()
            .filter(|_| step == 3)
            .map(|p| Opt {
                selected: p.iso == province,
                label: province_name(tr, &p.iso),
                value: p.iso.clone(),
            })
            .collect(),
        checks,
        employees: get("employees"),
        founded: get("founded"),
        capital_min: get("capital_min"),
        capital_max: get("capital_max"),
        person: get("person"),
        phone: get("phone"),
        telegram: get("telegram"),
        email: get("email"),
        anonymous: draft.get("visibility") == Some("ANONYMOUS"),
        errors: vec![],
        // Sent again (a double tap, back and send), the last step makes no second business.
        // A form shown again after a refusal keeps its field: nothing was made with it yet.
        submission: (step == STEPS && draft.get("id").is_none()).then(|| w.submission_field(draft)),
        contact_draft: draft.get("id").unwrap_or("new").to_string(),
        here: (step < STEPS && draft.get("id").is_none()).then(|| STEP_NAMES[step - 1]),
        min_intermediate: crate::domain::digital::INTERMEDIATE_MIN,
        min_advanced: crate::domain::digital::ADVANCED_MIN,
        level_names: super::tools::level_names(tr),
        already: Vec::new(),
    }
}

/// Steps are named in URLs so a link says where it goes.
const STEP_NAMES: [&str; STEPS] = ["name", "sector", "province", "digital", "seek", "contact"];

fn step_number(name: Option<&str>) -> usize {
    name.and_then(|n| STEP_NAMES.iter().position(|s| *s == n))
        .map_or(1, |i| i + 1)
}

/// Only SME accounts describe businesses.
fn refuse(w: &Web) -> Option<Response> {
    match &w.viewer.user {
        None => Some(w.to_login()),
        Some(u) if u.role != Role::Sme => Some(see_other(&w.href("/me"))),
        Some(_) => None,
    }
}

pub async fn new(w: Web) -> Response {
    if let Some(r) = refuse(&w) {
        return r;
    }
    let mut draft = w.query_form();
    // "Back" names the step it goes to; the form's own `step` is the next one.
    let step = step_number(draft.get("back").or(draft.get("step")));
    // Changing a business that is not the viewer's (or no business at all) is a page that does
    // not exist, as `/me/edit/{id}` says, not an empty wizard that the last step then refuses.
    // The business read here also gives the contact step its details on file.
    let current = match draft.get("id").map(str::to_string) {
        Some(id) => match owned(&w, &id).await {
            Ok(Some(current)) => Some(current),
            Ok(None) | Err(ServiceError::BadInput(_)) => return w.not_found(),
            Err(e) => return w.service_error(e),
        },
        None => None,
    };
    // A new business the account has no room for: said now, not after six steps (QA).
    if current.is_none() {
        if let Some(full) = w.refuse_when_full().await {
            return full;
        }
    }
    // Each step's answers are checked before a later step is shown, so a problem is named on
    // the step that asks it, next to the field, rather than at the end.
    for earlier in 1..step {
        let found = problems(&w, &draft, earlier);
        if !found.is_empty() {
            return refused(&w, earlier, &draft, found);
        }
    }
    if draft.get(CHECK).is_some() {
        let found = problems(&w, &draft, step);
        if !found.is_empty() {
            return refused(&w, step, &draft, found);
        }
    }
    // Changing a business: the contact step starts from the details on file (they never
    // travel in a URL, so the earlier steps do not carry them).
    let contact_given = ["person", "email", "phone", "telegram"]
        .iter()
        .any(|f| draft.get(f).is_some());
    if let (STEPS, false, Some(current)) = (step, contact_given, &current) {
        let c = &current.profile.contact;
        let pairs = [
            ("person", c.person.clone()),
            ("email", c.email.as_ref().map(|e| e.as_str().to_string())),
            ("phone", c.phone.as_ref().map(|p| p.as_str().to_string())),
            (
                "telegram",
                c.telegram.as_ref().map(|t| t.as_str().to_string()),
            ),
        ];
        for (k, v) in pairs {
            if let Some(v) = v {
                draft.0.push((k.to_string(), v));
            }
        }
        // The visibility on file, unless the answers carry one (it travels, and a choice made
        // before a detour to an earlier step stands).
        if draft.get("visibility").is_none() {
            draft.0.push((
                "visibility".into(),
                current.profile.visibility.as_str().to_string(),
            ));
        }
    }
    let mut shown = page(&w, step, &draft);
    if current.is_none() && step == 1 {
        shown.already = match already(&w).await {
            Ok(found) => found,
            Err(e) => return w.service_error(e),
        };
    }
    w.page(StatusCode::OK, &shown)
}

/// The viewer's businesses on the site, each with its name and where it is changed.
async fn already(w: &Web) -> Result<Vec<(String, &'static str, String)>, ServiceError> {
    let owned = profiles::owned_ids(&w.app, &w.viewer).await?;
    let mine = profiles::published_by_ids::<Sme>(&w.app, &w.viewer, &owned).await?;
    Ok(mine
        .iter()
        .map(|shown| {
            let (name, lang) = super::matches::title(w.tr, w.lang, shown);
            let edit = w.href(&format!("/me/edit/{}", shown.get().id));
            (name, lang, edit)
        })
        .collect())
}

/// One of the viewer's own businesses (as its owner sees it), or `None`.
async fn owned(w: &Web, id: &str) -> Result<Option<Sme>, ServiceError> {
    Ok(profiles::get::<Sme>(&w.app, &w.viewer, id)
        .await?
        .filter(|s| w.viewer.owns(s.get().owner))
        .map(|s| s.get().clone()))
}

/// `GET /{lang}/me/edit/{id}`: the wizard, started from the business's current answers.
pub async fn edit(w: Web, Path((_, id)): Path<(String, String)>) -> Response {
    if let Some(r) = refuse(&w) {
        return r;
    }
    let sme = match owned(&w, &id).await {
        Ok(Some(s)) => s,
        Ok(None) | Err(ServiceError::BadInput(_)) => return w.not_found(),
        Err(e) => return w.service_error(e),
    };
    let p = &sme.profile;
    let id = sme.id.to_string();
    let mut pairs: Vec<(&str, String)> = vec![("id", id)];
    if let Some(t) = super::public::pick(w.tr, &p.name) {
        pairs.push(("name", t.text));
    }
    if let Some(t) = super::public::pick(w.tr, &p.description) {
        pairs.push(("description", t.text));
    }
    pairs.push(("sector", p.sector.as_str().to_string()));
    pairs.push(("province", p.province.as_str().to_string()));
    for i in &p.digital_indicators {
        pairs.push(("q", i.as_str().to_string()));
    }
    for t in &p.partnership_types {
        pairs.push(("partnership", t.as_str().to_string()));
    }
    if let Some(n) = p.employees {
        pairs.push(("employees", n.to_string()));
    }
    if let Some(y) = p.founded_year {
        pairs.push(("founded", y.to_string()));
    }
    if let Some(m) = p.capital_sought.min {
        pairs.push(("capital_min", m.to_string()));
    }
    if let Some(m) = p.capital_sought.max {
        pairs.push(("capital_max", m.to_string()));
    }
    pairs.push(("step", "name".into()));
    see_other(&format!(
        "{}{}",
        w.href("/me/new"),
        query_string(pairs.iter().map(|(k, v)| (*k, v.as_str())))
    ))
}

pub async fn publish(w: Web, body: Bytes) -> Response {
    let draft = Form::parse(&body);
    // A session that ended while the form was filled in: log in again and come back to the
    // business being changed (its id is in the form), else to this last step of a new one with
    // the earlier steps' answers (QA: all six steps were lost), as far as an address carries
    // them. The contact details never go in an address; the tab keeps what was typed of them
    // (`site.js`).
    if w.viewer.user.is_none() {
        let back = match draft.get("id") {
            Some(id) => format!("/me/edit/{id}"),
            None => {
                let answers = answers_path(&draft, &[("step", STEP_NAMES[STEPS - 1])]);
                if w.href(&answers).len() <= super::MAX_RETURN_PATH {
                    answers
                } else {
                    "/me/new".to_string()
                }
            }
        };
        return w.login_then(&w.href(&back));
    }
    if let Some(r) = refuse(&w) {
        return r;
    }
    if let Some(refused) = w.refuse_without_csrf(&draft) {
        return refused;
    }
    let text = |k: &str| draft.get(k).map(str::to_string);
    // Everything the form can tell, from every step at once.
    let mut errors: Vec<(&'static str, String)> =
        (1..=STEPS).flat_map(|s| problems(&w, &draft, s)).collect();
    let (_, capital_min, capital_max) = refusals::amounts(
        w.tr,
        ("capital_min", draft.get("capital_min")),
        ("capital_max", draft.get("capital_max")),
    );
    // A new business's texts are filed in the language they are written in, which need not
    // be the page's (QA round 2: Khmer typed before switching the page to English was filed as
    // English, and its page said "not yet written in Khmer"). A business being changed keeps
    // the page's language: the switcher opens its other languages on their own pages.
    let changing = draft.get("id").is_some();
    let filed = |k: &str| {
        let t = text(k);
        let lang = match &t {
            Some(t) if !changing => written_in(t, w.lang),
            _ => w.lang,
        };
        (lang, in_lang(lang, t))
    };
    // The business works in its description's language; a Latin brand name before a Khmer
    // description is no English of the business.
    let ((_, name), (description_lang, description)) = (filed("name"), filed("description"));
    let languages = vec![description_lang.code().to_string()];
    let raw = SmeRaw {
        name,
        description,
        sector_code: text("sector").unwrap_or_default(),
        province_code: text("province").unwrap_or_default(),
        capital_sought_min_usd: capital_min,
        capital_sought_max_usd: capital_max,
        // Refused above when not a whole number; blank is not given.
        employees: refusals::number(draft.get("employees")).ok().flatten(),
        founded_year: refusals::number(draft.get("founded")).ok().flatten(),
        partnership_types: draft.parsed("partnership", PartnershipType::parse),
        digital_indicators: draft.parsed("q", DigitalIndicator::parse),
        languages,
        contact: draft.contact(),
        visibility: Some(if draft.get("visibility") == Some("ANONYMOUS") {
            Visibility::Anonymous
        } else {
            Visibility::Public
        }),
        ..Default::default()
    };
    let mut raw = raw;
    let changing = draft.get("id").map(str::to_string);
    if let Some(id) = &changing {
        // What the wizard does not ask is kept as it is: texts in other languages, secondary
        // sectors, languages.
        match owned(&w, id).await {
            Ok(Some(current)) => keep_unasked(&mut raw, &current, w.lang),
            Ok(None) | Err(ServiceError::BadInput(_)) => return w.not_found(),
            Err(e) => return w.service_error(e),
        }
    }
    let saved = w
        .save_or_check::<Sme>(&draft, changing.as_deref(), raw, !errors.is_empty())
        .await;
    let mut elsewhere = None;
    match saved {
        // The account page names what was saved and links to its matches: an owner of many
        // businesses would not find a new one among the first page of them (QA).
        Ok(Some(id)) => return see_other(&w.href(&format!("/me?saved={id}"))),
        Ok(None) => {}
        Err(ServiceError::BadInput(e)) => {
            for fe in &e.0 {
                let (id, key) = field_of(fe.field.trim_start_matches("input."));
                let message = refusals::own_text_message(w.tr, &fe.field, &fe.message)
                    .unwrap_or_else(|| w.tr.t(key));
                // A text on file in another language: its link opens this business's wizard
                // in that language, where the text is (QA: it led to a first step showing
                // the page language's text, with nothing wrong).
                let other = refusals::text_lang(&fe.field).filter(|l| *l != w.lang);
                if let (Some(l), Some(id_on_file)) = (other, &changing) {
                    elsewhere = Some((id, format!("/{}/me/edit/{id_on_file}", l.code())));
                } else if let (Some(OwnTextRefusal::Contact(found)), None, true) = (
                    read_own_text_refusal(&fe.message),
                    &elsewhere,
                    step_of(id) < STEPS,
                ) {
                    // Its step says what was found next to the text (see `SAID`).
                    let said: String = found.chars().take(MAX_SAID_CHARS).collect();
                    elsewhere = Some((id, link_to(&w, &draft, id, Some(&said))));
                }
                if !errors.iter().any(|(known, _)| *known == id) {
                    errors.push((id, message));
                }
            }
        }
        // Changed at the same time from another tab or device (or taken off the site).
        Err(ServiceError::Conflict(_)) => {
            return w.message(StatusCode::CONFLICT, "conflict-title", "conflict-body")
        }
        Err(e) => return w.service_error(e),
    }
    // Back to the last step with every problem listed, each linking to the step that asks it.
    refused_linking(&w, STEPS, &draft, errors, elsewhere)
}

/// The wizard's field for a field the use case names, and the message it gets when the form's
/// own checks (`problems`) did not name it first.
fn field_of(field: &str) -> (&'static str, &'static str) {
    // A description is refused by its language (`description.km`) when it tells what the
    // rules keep back; the wizard has one description field.
    let field = match field.split_once('.') {
        Some(("description", _)) => "description",
        _ => field,
    };
    match field {
        "name" => ("name", "error-wizard-text"),
        "description" => ("description", "error-wizard-text"),
        "sectorCode" => ("sector", "error-sector"),
        "provinceCode" => ("province", "error-province"),
        "employees" => ("employees", "error-employees"),
        "foundedYear" => ("founded", "error-founded"),
        "capitalSoughtMinUsd" => ("capital_min", "error-investment"),
        "capitalSoughtMaxUsd" => ("capital_max", "error-investment"),
        "contact.email" => ("email", "error-email-invalid"),
        "contact" => ("phone", "error-contact-none"),
        "contact.phone" => ("phone", "error-phone"),
        "contact.telegram" => ("telegram", "error-telegram"),
        "contact.person" => ("person", "error-wizard-contact"),
        "submission" => ("submission", "error-submission-expired"),
        _ => ("name", "error-generic"),
    }
}

/// Fills what the wizard does not ask from the business on file.
fn keep_unasked(raw: &mut SmeRaw, current: &Sme, lang: Lang) {
    let p = &current.profile;
    keep_other_languages(&mut raw.name, &p.name, lang);
    keep_other_languages(&mut raw.description, &p.description, lang);
    raw.secondary_sector_codes = p
        .secondary_sectors
        .iter()
        .map(|s| s.as_str().to_string())
        .collect();
    raw.languages = p.languages.iter().map(|l| l.as_str().to_string()).collect();
    // The page language is a language of the business once it wrote something in it.
    let wrote = |t: &LocalizedTextRaw| match lang {
        Lang::En => t.en.is_some(),
        Lang::Km => t.km.is_some(),
        Lang::Ko => t.ko.is_some(),
    };
    if (wrote(&raw.name) || wrote(&raw.description))
        && !raw.languages.iter().any(|l| l == lang.code())
    {
        raw.languages.push(lang.code().to_string());
    }
}

/// A text typed in the page language, as the use cases take it.
pub fn in_lang(lang: Lang, value: Option<String>) -> LocalizedTextRaw {
    let mut t = LocalizedTextRaw::default();
    match lang {
        Lang::En => t.en = value,
        Lang::Km => t.km = value,
        Lang::Ko => t.ko = value,
    }
    t
}

/// The language a text is written in, by the script most of its letters are in (Khmer,
/// Hangul, Latin); `page` when it has none of those letters.
fn written_in(text: &str, page: Lang) -> Lang {
    let (mut km, mut ko, mut en) = (0, 0, 0);
    for c in text.chars() {
        if ('\u{1780}'..='\u{17FF}').contains(&c) {
            km += 1;
        } else if crate::search::korean::is_syllable(c) {
            ko += 1;
        } else if c.is_ascii_alphabetic() {
            en += 1;
        }
    }
    // Khmer or Korean text names Latin brands and products ("ហាង Pisey Mobile លក់ Samsung
    // Galaxy", QA round 3): Latin words that are all capitalised are names in it, and so is
    // Latin that makes up less than four fifths of the letters.
    let all = km + ko + en;
    let lower_latin = text
        .split(|c: char| !c.is_ascii_alphabetic())
        .any(|w| w.starts_with(|c: char| c.is_ascii_lowercase()));
    if all == 0 {
        page
    } else if km > 0 && km >= ko && (!lower_latin || km * 5 >= all) {
        Lang::Km
    } else if ko > 0 && (!lower_latin || ko * 5 >= all) {
        Lang::Ko
    } else {
        Lang::En
    }
}

/// Forms ask a text in the page language only: the profile's other languages stay as on file.
pub fn keep_other_languages(
    asked: &mut LocalizedTextRaw,
    on_file: &crate::domain::text::LocalizedText,
    lang: Lang,
) {
    for l in Lang::ALL {
        if l == lang {
            continue;
        }
        let value = on_file.get(l).map(str::to_string);
        match l {
            Lang::En => asked.en = value,
            Lang::Km => asked.km = value,
            Lang::Ko => asked.ko = value,
        }
    }
    // With no text on file in the page language, the form showed another language's
    // (`public::pick`); sent back unchanged it is that text again, not a translation, and is
    // not stored as the page language's (a Khmer name saved from an English page stayed Khmer
    // but was also filed as English).
    let page_text = match lang {
        Lang::En => &mut asked.en,
        Lang::Km => &mut asked.km,
        Lang::Ko => &mut asked.ko,
    };
    // Line breaks compared alike: a form sends CR LF and reads it as LF (`Form::parse`), while
    // a text on file keeps what it was saved with.
    let same = |a: &str, b: &str| a.replace("\r\n", "\n").trim() == b.replace("\r\n", "\n").trim();
    let unchanged_fallback = on_file.get(lang).is_none()
        && page_text.as_deref().is_some_and(|typed| {
            Lang::ALL
                .into_iter()
                .filter(|l| *l != lang)
                .any(|l| on_file.get(l).is_some_and(|t| same(t, typed)))
        });
    if unchanged_fallback {
        *page_text = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_is_in_the_script_of_its_words_brands_aside() {
        // QA round 3: Khmer with Latin brand names was filed as English.
        let shop = "ហាង Pisey Mobile លក់ Samsung Galaxy Oppo Reno";
        assert_eq!(written_in(shop, Lang::En), Lang::Km);
        assert_eq!(written_in("Sreypov Coffee", Lang::Km), Lang::En);
        assert_eq!(written_in("화장품 유통 K-beauty", Lang::En), Lang::Ko);
        assert_eq!(written_in("123 456", Lang::Ko), Lang::Ko);
    }
}
