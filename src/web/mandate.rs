//! The investor's mandate form (`/{lang}/me/mandate`): what a Korean investor or partner looks
//! for, on one page made for a desk (an analyst fills it in one sitting).
//!
//! Sectors are chosen from the ISIC tree by name: the 21 sections and their divisions are named
//! in the page language; a filter box (progressive enhancement) matches what is typed against
//! every section's and division's name in Khmer, Korean and English (`제조`, `ផលិតកម្ម` and
//! `manufacturing` all find section C). Without JavaScript the tree is plain checkboxes.
//!
//! The form POSTs with a CSRF field; `service::profiles::publish`/`revise` validate, and a
//! refusal re-renders the form with what was typed and a translated message next to each field.
//! Success redirects to the account page (POST-redirect-GET).

use askama::Template;
use axum::body::Bytes;
use axum::http::StatusCode;
use axum::response::Response;

use super::account::FieldError;
use super::public::{level_name, partnership_name, pick, province_name, sector_name, Opt};
use super::refusals;
use super::wizard::{in_lang, keep_other_languages, Check};
use super::{see_other, Chrome, Form, Section, Web};
use crate::domain::account::Role;
use crate::domain::digital::DigitalLevel;
use crate::domain::investor::{Investor, InvestorRaw};
use crate::domain::profile::{IncentivePreference, OrganizationType, PartnershipType};
use crate::domain::sector::{isic, IsicLevel};
use crate::domain::text::Lang;
use crate::service::{profiles, reference, ServiceError};

/// One ISIC section with its divisions, as checkboxes.
pub struct SectorChoice {
    pub section: Check,
    /// Every name the filter box matches, lower case: the section in three languages, its code,
    /// and each division's code and title.
    pub names: String,
    pub divisions: Vec<Check>,
    /// Groups and classes the mandate already names under this section (ticked): the tree
    /// offers sections and divisions only, and a mandate written through the API may name a
    /// class (4772). Without them here, saving the form unchanged dropped them and the mandate
    /// became "every sector" (QA).
    pub finer: Vec<Check>,
    /// Per division (in `divisions`' order), its code and title in three languages, lower
    /// case. The filter box also finds it by its classes' titles and the things they deal in,
    /// from the finders' words file (화장품 finds 20 by its class 2023 "화장품 제조업", and 47
    /// by 4772).
    pub division_names: Vec<String>,
    /// "# of N divisions", for the filter box to say how many it shows (`#` is the count).
    pub found_label: String,
    /// Open when something inside is chosen.
    pub open: bool,
}

#[derive(Template)]
#[template(path = "mandate.html")]
struct MandatePage {
    c: Chrome,
    heading: String,
    action: String,
    id: String,
    name: String,
    description: String,
    organizations: Vec<Opt>,
    sectors: Vec<SectorChoice>,
    ticket_min: String,
    ticket_max: String,
    partnerships: Vec<Check>,
    provinces: Vec<Check>,
    /// Open when a province is chosen.
    provinces_open: bool,
    levels: Vec<Check>,
    incentives: Vec<Check>,
    person: String,
    email: String,
    phone: String,
    telegram: String,
    /// The submission field (`session::submission_token`) of a new mandate.
    submission: Option<String>,
    errors: Vec<FieldError>,
}

impl MandatePage {
    /// The summary's line for a refused field: its label, then the message.
    fn summary(&self, e: &FieldError) -> String {
        refusals::summary_line(self.c.tr, refusals::FormKind::Mandate, e.id, &e.message)
    }

    /// The message for field `id`, if it was refused.
    fn error(&self, id: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.id == id)
            .map(|e| e.message.as_str())
    }
}

fn check(id: String, name: &'static str, value: &str, label: String, form: &Form) -> Check {
    Check {
        checked: form.all(name).contains(&value),
        id,
        name,
        value: value.to_string(),
        label,
        hint: None,
        points: 0,
        tier: "",
    }
}

/// The sector tree: sections, each with its divisions, ticked as in `form`.
fn sector_tree(w: &Web, form: &Form) -> Vec<SectorChoice> {
    let chosen = form.all("sector");
    // A division, group or class: its box, named by its code and title.
    let coded = |code: &str| {
        check(
            format!("s-{code}"),
            "sector",
            code,
            format!("{code} {}", sector_name(w.tr, code)),
            form,
        )
    };
    isic()
        .children(None)
        .map(|section| {
            let code = section.code.as_str();
            let mut names: Vec<String> = vec![code.to_lowercase()];
            names.extend(
                Lang::ALL
                    .iter()
                    .map(|l| sector_name(super::i18n::Tr::new(*l), code).to_lowercase()),
            );
            let mut division_names = Vec::new();
            let divisions: Vec<Check> = isic()
                .children(Some(code))
                .filter(|d| d.level == IsicLevel::Division)
                .map(|d| {
                    // The filter finds a division by its name in any language, with or
                    // without its code in front ("10 food").
                    let own: Vec<String> = Lang::ALL
                        .iter()
                        .map(|l| format!("{} {}", d.code, d.name(*l).to_lowercase()))
                        .collect();
                    names.extend(own.iter().cloned());
                    // Its classes' titles come from the finders' words file (`site.js`,
                    // `classesNamed`), not the page: in three languages they made the form
                    // 174 KB, past the pages' 150 KB.
                    division_names.push(own.join(" | "));
                    coded(&d.code)
                })
                .collect();
            let finer: Vec<Check> = chosen
                .iter()
                .filter_map(|c| isic().get(c))
                .filter(|n| matches!(n.level, IsicLevel::Group | IsicLevel::Class))
                .filter(|n| isic().section_of(&n.code) == Some(code))
                .map(|n| coded(&n.code))
                .collect();
            let open = divisions.iter().any(|d| d.checked) || !finer.is_empty();
            SectorChoice {
                finer,
                section: check(
                    format!("s-{code}"),
                    "sector",
                    code,
                    sector_name(w.tr, code),
                    form,
                ),
                names: names.join(" | "),
                open: open || chosen.contains(&code),
                found_label: w.tr.t2(
                    "mandate-divisions-found",
                    ("found", "#".to_string()),
                    ("count", divisions.len().to_string()),
                ),
                divisions,
                division_names,
            }
        })
        .collect()
}

fn page(w: &Web, form: &Form, errors: Vec<FieldError>) -> MandatePage {
    let tr = w.tr;
    let get = |k: &str| form.get(k).unwrap_or("").to_string();
    let changing = form.get("id").is_some();
    let heading = tr.t(if changing {
        "mandate-edit-title"
    } else {
        "mandate-title"
    });
    let org = form.get("organization").unwrap_or("CORPORATE_INVESTOR");
    let provinces_open = !form.all("province").is_empty();
    MandatePage {
        c: w.chrome(heading.clone(), Section::Account),
        heading,
        action: w.href("/me/mandate"),
        id: get("id"),
        name: get("name"),
        description: get("description"),
        organizations: OrganizationType::ALL
            .iter()
            .map(|o| Opt {
                value: o.as_str().to_string(),
                label: tr.t(&format!("org-{}", o.as_str().to_ascii_lowercase())),
                selected: o.as_str() == org,
            })
            .collect(),
        sectors: sector_tree(w, form),
        ticket_min: get("ticket_min"),
        ticket_max: get("ticket_max"),
        partnerships: PartnershipType::ALL
            .iter()
            .map(|p| {
                let v = p.as_str();
                check(
                    format!("p-{}", v.to_ascii_lowercase()),
                    "partnership",
                    v,
                    partnership_name(tr, *p),
                    form,
                )
            })
            .collect(),
        provinces: reference::provinces()
            .iter()
            .map(|p| {
                check(
                    format!("pr-{}", p.iso),
                    "province",
                    &p.iso,
                    province_name(tr, &p.iso),
                    form,
                )
            })
            .collect(),
        provinces_open,
        levels: DigitalLevel::ALL
            .iter()
            .map(|l| {
                let v = l.as_str();
                check(
                    format!("l-{}", v.to_ascii_lowercase()),
                    "level",
                    v,
                    level_name(tr, *l),
                    form,
                )
            })
            .collect(),
        incentives: IncentivePreference::ALL
            .iter()
            .map(|i| {
                let v = i.as_str();
                check(
                    format!("i-{}", v.to_ascii_lowercase()),
                    "incentive",
                    v,
                    tr.t(&format!("incentive-{}", v.to_ascii_lowercase())),
                    form,
                )
            })
            .collect(),
        person: get("person"),
        email: get("email"),
        phone: get("phone"),
        telegram: get("telegram"),
        // Sent again (a double tap, back and send), a new mandate is not made twice.
        submission: (!changing).then(|| w.submission_field(form)),
        errors,
    }
}

/// Only investor accounts describe mandates.
fn refuse(w: &Web) -> Option<Response> {
    match &w.viewer.user {
        None => Some(w.to_login()),
        Some(u) if u.role != Role::Investor => Some(see_other(&w.href("/me"))),
        Some(_) => None,
    }
}

/// One of the viewer's own mandates (as its owner sees it), or `None`.
async fn owned(w: &Web, id: &str) -> Result<Option<Investor>, ServiceError> {
    Ok(profiles::get::<Investor>(&w.app, &w.viewer, id)
        .await?
        .filter(|s| w.viewer.owns(s.get().owner))
        .map(|s| s.get().clone()))
}

/// The form's fields for a mandate on file.
fn answers(w: &Web, inv: &Investor) -> Form {
    let p = &inv.profile;
    let mut f: Vec<(String, String)> = vec![("id".into(), inv.id.to_string())];
    let mut push = |k: &str, v: String| f.push((k.to_string(), v));
    if let Some(t) = pick(w.tr, &p.name) {
        push("name", t.text);
    }
    if let Some(t) = pick(w.tr, &p.description) {
        push("description", t.text);
    }
    push("organization", p.organization_type.as_str().into());
    for s in &p.sector_interests {
        push("sector", s.as_str().into());
    }
    if let Some(m) = p.ticket.min {
        push("ticket_min", m.to_string());
    }
    if let Some(m) = p.ticket.max {
        push("ticket_max", m.to_string());
    }
    for t in &p.partnership_types {
        push("partnership", t.as_str().into());
    }
    for pr in &p.preferred_provinces {
        push("province", pr.as_str().into());
    }
    for l in &p.preferred_digital_levels {
        push("level", l.as_str().into());
    }
    for i in &p.incentive_preferences {
        push("incentive", i.as_str().into());
    }
    let c = &p.contact;
    if let Some(v) = &c.person {
        push("person", v.clone());
    }
    if let Some(v) = &c.email {
        push("email", v.as_str().into());
    }
    if let Some(v) = &c.phone {
        push("phone", v.as_str().into());
    }
    if let Some(v) = &c.telegram {
        push("telegram", v.as_str().into());
    }
    Form(f)
}

/// `GET /{lang}/me/mandate[?id=…]`: a new mandate, or one on file to change.
pub async fn form(w: Web) -> Response {
    if let Some(r) = refuse(&w) {
        return r;
    }
    let query = w.query_form();
    if query.get("id").is_none() {
        // A new mandate the account has no room for: said now, not after the form (QA).
        if let Some(full) = w.refuse_when_full().await {
            return full;
        }
    }
    let form = match query.get("id") {
        None => Form(vec![]),
        Some(id) => match owned(&w, id).await {
            Ok(Some(inv)) => answers(&w, &inv),
            Ok(None) | Err(ServiceError::BadInput(_)) => return w.not_found(),
            Err(e) => return w.service_error(e),
        },
    };
    w.page(StatusCode::OK, &page(&w, &form, vec![]))
}

/// Which form field a validation error of the use case points at, and its message key.
fn field_of(path: &str) -> (&'static str, &'static str) {
    let path = path.trim_start_matches("input.");
    let head = path.split(['[', '.']).next().unwrap_or(path);
    match head {
        "name" => ("name", "error-wizard-text"),
        "description" => ("description", "error-wizard-text"),
        "sectorInterests" | "excludedSectors" => ("sectors", "error-sector"),
        "ticketMinUsd" => ("ticket_min", "error-investment"),
        "ticketMaxUsd" => ("ticket_max", "error-investment"),
        "preferredProvinces" => ("provinces", "error-province"),
        "contact" => match path {
            "contact.email" => ("email", "error-email-invalid"),
            "contact" => ("phone", "error-contact-none"),
            "contact.phone" => ("phone", "error-phone"),
            "contact.telegram" => ("telegram", "error-telegram"),
            _ => ("person", "error-wizard-contact"),
        },
        "submission" => ("submission", "error-submission-expired"),
        _ => ("name", "error-generic"),
    }
}

/// `POST /{lang}/me/mandate`: publishes a new mandate or revises the one named by `id`.
pub async fn save(w: Web, body: Bytes) -> Response {
    let form = Form::parse(&body);
    // A session that ended while the form was filled in: log in again and come back to the
    // mandate being changed (its id is in the form; without it the form would be a new one).
    if w.viewer.user.is_none() {
        let id = form.get("id").map(|id| ("id", id));
        let back = format!("/me/mandate{}", super::query_string(id));
        return w.login_then(&w.href(&back));
    }
    if let Some(r) = refuse(&w) {
        return r;
    }
    if let Some(refused) = w.refuse_without_csrf(&form) {
        return refused;
    }
    let tr = w.tr;
    let text = |k: &str| form.get(k).map(str::to_string);
    let mut errors: Vec<FieldError> = Vec::new();
    // Everything the form can tell at once: the texts and the ticket as typed.
    for (id, message) in refusals::name_and_description(tr, &form) {
        errors.push(FieldError { id, message });
    }
    let (amounts, ticket_min, ticket_max) = refusals::amounts(
        tr,
        ("ticket_min", form.get("ticket_min")),
        ("ticket_max", form.get("ticket_max")),
    );
    for (id, message) in amounts {
        if !errors.iter().any(|e| e.id == id) {
            errors.push(FieldError { id, message });
        }
    }
    let mut raw = InvestorRaw {
        name: in_lang(w.lang, text("name")),
        description: in_lang(w.lang, text("description")),
        organization_type: form
            .get("organization")
            .and_then(OrganizationType::parse)
            .unwrap_or(OrganizationType::CorporateInvestor),
        sector_interests: form.all("sector").into_iter().map(String::from).collect(),
        excluded_sectors: vec![],
        ticket_min_usd: ticket_min,
        ticket_max_usd: ticket_max,
        partnership_types: form.parsed("partnership", PartnershipType::parse),
        preferred_provinces: form.all("province").into_iter().map(String::from).collect(),
        preferred_digital_levels: form.parsed("level", DigitalLevel::parse),
        incentive_preferences: form.parsed("incentive", IncentivePreference::parse),
        languages: vec![w.lang.code().to_string()],
        contact: form.contact(),
    };
    let changing = form.get("id").map(str::to_string);
    // The form names the mandate it changes; an address naming another one (or one while the
    // form names none) is not this form's, and is not taken as a new mandate (QA: a POST to
    // `?id=` of someone else's mandate quietly made a new one).
    let addressed = w.query_form().get("id").map(str::to_string);
    if addressed.is_some() && addressed != changing {
        return w.not_found();
    }
    if let Some(id) = &changing {
        // What the form does not ask is kept: texts in other languages, excluded sectors,
        // languages.
        match owned(&w, id).await {
            Ok(Some(current)) => {
                let p = &current.profile;
                keep_other_languages(&mut raw.name, &p.name, w.lang);
                keep_other_languages(&mut raw.description, &p.description, w.lang);
                raw.excluded_sectors = p
                    .excluded_sectors
                    .iter()
                    .map(|s| s.as_str().to_string())
                    // A sector now chosen can no longer be excluded.
                    .filter(|s| !raw.sector_interests.contains(s))
                    .collect();
                raw.languages = p.languages.iter().map(|l| l.as_str().to_string()).collect();
                if !raw.languages.iter().any(|l| l == w.lang.code()) {
                    raw.languages.push(w.lang.code().to_string());
                }
            }
            Ok(None) | Err(ServiceError::BadInput(_)) => return w.not_found(),
            Err(e) => return w.service_error(e),
        }
    }
    let saved = w
        .save_or_check::<Investor>(&form, changing.as_deref(), raw, !errors.is_empty())
        .await;
    match saved {
        // The account page names what was saved and links to its matches: an owner of many
        // businesses would not find a new one among the first page of them (QA).
        Ok(Some(id)) => return see_other(&w.href(&format!("/me?saved={id}"))),
        Ok(None) => {}
        Err(ServiceError::BadInput(e)) => {
            for fe in &e.0 {
                let (id, key) = field_of(&fe.field);
                let message = refusals::own_text_message(tr, &fe.field, &fe.message)
                    .unwrap_or_else(|| tr.t(key));
                if !errors.iter().any(|e| e.id == id) {
                    errors.push(FieldError { id, message });
                }
            }
        }
        // Changed at the same time from another tab or device (or taken off the site).
        Err(ServiceError::Conflict(_)) => {
            return w.message(StatusCode::CONFLICT, "conflict-title", "conflict-body")
        }
        Err(e) => return w.service_error(e),
    }
    // The summary in the form's own order, whoever found each problem first.
    const ORDER: [&str; 10] = [
        "name",
        "description",
        "sectors",
        "ticket_min",
        "ticket_max",
        "provinces",
        "person",
        "email",
        "phone",
        "telegram",
    ];
    errors.sort_by_key(|e| {
        ORDER
            .iter()
            .position(|id| *id == e.id)
            .unwrap_or(ORDER.len())
    });
    w.page(StatusCode::UNPROCESSABLE_ENTITY, &page(&w, &form, errors))
}

#[cfg(test)]
mod tests {
    use super::field_of;

    #[test]
    fn every_refusal_points_at_a_field_of_the_form() {
        assert_eq!(field_of("input.sectorInterests[2]").0, "sectors");
        assert_eq!(field_of("input.ticketMaxUsd").0, "ticket_max");
        assert_eq!(field_of("input.contact.email").0, "email");
        assert_eq!(field_of("input.preferredProvinces[0]").0, "provinces");
        assert_eq!(field_of("input.name").0, "name");
    }
}
