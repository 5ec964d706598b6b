//! The pipeline as a spreadsheet (`/{lang}/staff/pipeline.csv`): chamber staff keep their lists
//! in spreadsheets, so the board's matches under the board's filters download as one CSV file.
//!
//! A row holds what the board's card shows (names as staff may see them, stage, curator by the
//! staff account's e-mail, the last change, province), plus what staff read on the match page
//! (the ISIC class with its code, the score) and the match page's address (under `--public-url`
//! when it is set, else a path: the service cannot tell the address people reach it at), from
//! the same `service::pipeline::list` and the same visibility rules. No contact detail is
//! exported: the board shows none, and contacts stay on the match page, where the rules decide.
//!
//! The file opens as text in any spreadsheet: UTF-8 with a byte-order mark (without it Excel
//! reads Khmer and Korean as Latin-1), and a cell that starts like a formula gets a leading `'`,
//! so that a profile named `=HYPERLINK("http://…")` is a name in the sheet, not a formula it
//! runs.

use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::explain::points;
use super::introductions::answer_words;
use super::public::{province_name, sector_name};
use super::staff::{cambodia_time, stage_name, BOARD_STAGES};
use super::staff::{name_of, refuse_non_staff, staff_email, staff_emails, BoardFilters};
use super::{query_string, Web};
use crate::service::matching::MatchView;
use crate::service::pipeline::{self, ListOrder, PipelineArgs};
use crate::service::profiles::MAX_PAGE_SIZE;
use crate::service::ServiceError;

/// The most matches one file holds; past it, staff are asked to filter (the message says
/// 10,000). A chamber's pipeline is far smaller (dozens of matches a week), and every row costs
/// two profile reads.
const MAX_ROWS: usize = 10_000;

/// How long reading the matches may take before staff are asked to filter instead: a page
/// route has no request deadline of its own, and a file nobody waits for must not keep going.
const DEADLINE: Duration = Duration::from_secs(60);

/// A cell as a spreadsheet should read it: text whose first visible character starts a formula
/// (`=`, `+`, `-`, `@`, or their full-width forms, which CJK spreadsheets may read as the same)
/// or that starts with a tab or a line break is quoted with `'` (OWASP's advice on CSV
/// injection); everything else as it is.
fn cell(text: &str) -> String {
    let formula = |c: char| "=+-@＝＋－＠".contains(c);
    let starts_badly = text.starts_with(['\t', '\r', '\n'])
        || text.trim_start().chars().next().is_some_and(formula);
    if starts_badly {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

/// Why a file could not be made.
enum Refused {
    Service(ServiceError),
    TooMany,
}

/// Every match under the filters, as the board shows them: by the board's columns, longest wait
/// first in each (QA: the file listed every stage mixed, by wait alone). Read in the pair-id
/// order, which a change during the reading cannot reorder (the wait order would move a match
/// changed meanwhile to the end and list it twice), then sorted.
async fn matches(w: &Web, mut args: PipelineArgs) -> Result<Vec<MatchView>, Refused> {
    args.order = ListOrder::Id;
    let mut all: Vec<MatchView> = Vec::new();
    loop {
        let page = pipeline::list(&w.app, &w.viewer, args.clone())
            .await
            .map_err(Refused::Service)?;
        if page.total_count > MAX_ROWS as i64 || all.len() + page.items.len() > MAX_ROWS {
            return Err(Refused::TooMany);
        }
        let next = page
            .has_next_page
            .then(|| page.items.last().map(|m| pipeline::cursor(args.order, m)))
            .flatten();
        all.extend(page.items);
        match next {
            Some(after) => args.after = Some(after),
            None => break,
        }
    }
    let place = |m: &MatchView| {
        m.pipeline.as_ref().map(|f| {
            let column = BOARD_STAGES.iter().position(|s| *s == f.stage);
            (column.unwrap_or(BOARD_STAGES.len()), f.updated_at)
        })
    };
    all.sort_by(|a, b| place(a).cmp(&place(b)).then_with(|| a.id.cmp(&b.id)));
    Ok(all)
}

/// `GET /{lang}/staff/pipeline.csv?curator=&sector=&province=`: staff only.
pub async fn pipeline_csv(w: Web) -> Response {
    // A visitor logs in and comes back to the board: coming back to the file would download
    // it and leave them looking at the log-in form.
    let filters = BoardFilters::of(&w);
    if w.viewer.user.is_none() {
        let board = format!(
            "{}{}",
            w.href("/staff/pipeline"),
            query_string(filters.pairs())
        );
        return w.login_then(&board);
    }
    if let Some(refused) = refuse_non_staff(&w) {
        return refused;
    }
    let tr = w.tr;
    let args = PipelineArgs {
        stage: None,
        curator_id: filters.curator,
        sector_prefix: filters.sector,
        province_code: filters.province,
        name: filters.name,
        order: ListOrder::Id,
        first: Some(MAX_PAGE_SIZE),
        after: None,
        lang: Some(w.lang),
    };
    let emails = match staff_emails(&w).await {
        Ok(e) => e,
        Err(e) => return w.service_error(e),
    };
    let found = match tokio::time::timeout(DEADLINE, matches(&w, args)).await {
        Ok(Ok(found)) => found,
        // Filters the board refuses too (an unknown sector code typed by hand).
        Ok(Err(Refused::Service(ServiceError::BadInput(_)))) => {
            return w.message(
                StatusCode::BAD_REQUEST,
                "staff-export-bad-filter-title",
                "staff-board-filter-error",
            )
        }
        Ok(Err(Refused::Service(e))) => return w.service_error(e),
        Ok(Err(Refused::TooMany)) => {
            return w.message(
                StatusCode::UNPROCESSABLE_ENTITY,
                "staff-export-too-many-title",
                "staff-export-too-many-body",
            )
        }
        Err(_) => {
            return w.message(
                StatusCode::SERVICE_UNAVAILABLE,
                "staff-export-slow-title",
                "staff-export-slow-body",
            )
        }
    };
    // The byte-order mark first, then the rows.
    let mut out = csv::WriterBuilder::new().from_writer("\u{feff}".as_bytes().to_vec());
    let head = [
        "staff-export-match",
        "staff-export-stage",
        "staff-export-updated",
        "staff-export-curator",
        "staff-export-sme",
        "staff-export-sector",
        "staff-export-province",
        "staff-export-investor",
        "staff-export-sme-answer",
        "staff-export-investor-answer",
        "staff-export-score",
        "staff-export-link-column",
    ]
    .map(|k| tr.t(k));
    let mut written = out.write_record(&head);
    for m in &found {
        let Some(facts) = &m.pipeline else { continue };
        let p = &m.sme.get().profile;
        // Each side's answer once the pair was introduced (who to chase, as the board's card
        // says); a pair staff have kept to themselves has no answers to wait for.
        let answer = |a| {
            if facts.introduced() {
                answer_words(tr, a)
            } else {
                String::new()
            }
        };
        let row = [
            m.id.to_string(),
            stage_name(tr, facts.stage),
            cambodia_time(facts.updated_at),
            // By the staff account's e-mail, as the board names other curators: "you" would
            // mean whoever downloaded the file, wherever it is shared.
            match facts.curator {
                None => tr.t("staff-curator-none"),
                Some(id) => staff_email(id, &emails),
            },
            // An anonymous SME's name, which staff see, says it is hidden from investors: a
            // file is shared further than the page it came from.
            match p.hidden_as(w.lang) {
                Some(_) => tr.t1("staff-export-anonymous", "name", name_of(&w, &m.sme).0),
                None => name_of(&w, &m.sme).0,
            },
            // The code inside the text, so a spreadsheet keeps its leading zero (0112, not 112).
            format!(
                "{} {}",
                p.sector.as_str(),
                sector_name(tr, p.sector.as_str())
            ),
            province_name(tr, p.province.as_str()),
            name_of(&w, &m.investor).0,
            answer(facts.sme_response),
            answer(facts.investor_response),
            points(m.breakdown.score).to_string(),
            format!(
                "{}{}",
                w.app.public_url.as_deref().unwrap_or(""),
                w.href(&format!("/staff/matches/{}", m.id))
            ),
        ]
        .map(|c| cell(&c));
        written = written.and_then(|()| out.write_record(&row));
    }
    let file = match written
        .map_err(|e| e.to_string())
        .and_then(|()| out.into_inner().map_err(|e| e.to_string()))
    {
        Ok(f) => f,
        Err(e) => return w.service_error(ServiceError::Internal(e)),
    };
    // The language in the name: the same day's English and Khmer files are two files.
    let name = format!(
        "attachment; filename=\"khkr-pipeline-{}-{}.csv\"",
        w.lang.code(),
        &cambodia_time(time::OffsetDateTime::now_utc())[..10]
    );
    let mut r = (StatusCode::OK, file).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    if let Ok(v) = HeaderValue::from_str(&name) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    // Names and who curates what: not for shared caches; and never read as a page.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    r
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn a_cell_that_starts_like_a_formula_is_text() {
        for f in [
            "=1+1",
            "+1",
            "-2",
            "@SUM(A1)",
            "\tx",
            "\r=1",
            "\n=1",
            " =1",
            "\u{3000}=1",
            "＝1+1",
            "＠SUM(A1)",
        ] {
            assert_eq!(cell(f), format!("'{f}"));
        }
        for t in ["Angkor Foods", "ការហ្វេស្រីនាង", "1079", "", "a=b"] {
            assert_eq!(cell(t), t);
        }
    }
}
