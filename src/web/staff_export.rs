//! The pipeline as a spreadsheet (`/{lang}/staff/pipeline.csv`): chamber staff keep their lists
//! in spreadsheets, so the board's matches under the board's filters download as one CSV file.
//!
//! What a row shows is what the board's card shows, from the same `service::pipeline::list`
//! and the same visibility rules: names as staff may see them, sector, province, stage, curator,
//! the last change, the score and the match page's address. No contact detail is exported
//! (the board shows none; contacts stay on the match page, where the rules decide).
//!
//! The file opens as text in any spreadsheet: UTF-8 with a byte-order mark (without it Excel
//! reads Khmer and Korean as Latin-1), and a cell that starts like a formula (`=`, `+`, `-`,
//! `@`, a tab or a line break) gets a leading `'`, so that a profile named
//! `=HYPERLINK("http://…")` is a name in the sheet, not a formula it runs.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::explain::points;
use super::public::{province_name, sector_name};
use super::staff::{board_filters, curator_words, name_of, refuse_non_staff, staff_emails};
use super::staff::{stage_name, when};
use super::Web;
use crate::service::pipeline::{self, ListOrder, PipelineArgs};
use crate::service::profiles::MAX_PAGE_SIZE;
use crate::service::ServiceError;

/// The most matches one file holds; past it, staff are asked to filter. A chamber's pipeline
/// is far smaller (dozens of matches a week), and every row costs two profile reads.
pub const MAX_ROWS: i64 = 10_000;

/// A cell as a spreadsheet should read it: text that starts like a formula is quoted with `'`
/// (OWASP's advice on CSV injection), everything else as it is.
pub fn cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '\n') => format!("'{text}"),
        _ => text.to_string(),
    }
}

/// `GET /{lang}/staff/pipeline.csv?curator=&sector=&province=`: staff only.
pub async fn pipeline_csv(w: Web) -> Response {
    if let Some(refused) = refuse_non_staff(&w) {
        return refused;
    }
    let tr = w.tr;
    let (curator, sector, province) = board_filters(&w);
    let mut args = PipelineArgs {
        stage: None,
        curator_id: curator,
        sector_prefix: sector,
        province_code: province,
        order: ListOrder::LongestWaiting,
        first: Some(MAX_PAGE_SIZE),
        after: None,
        lang: Some(w.lang),
    };
    let emails = match staff_emails(&w).await {
        Ok(e) => e,
        Err(e) => return w.service_error(e),
    };
    let mut out = csv::WriterBuilder::new().from_writer(Vec::new());
    let head = [
        "staff-export-match",
        "staff-export-stage",
        "staff-export-updated",
        "staff-export-curator",
        "staff-export-sme",
        "staff-export-sector-code",
        "staff-export-sector",
        "staff-export-province",
        "staff-export-investor",
        "staff-export-score",
        "staff-export-link-column",
    ]
    .map(|k| tr.t(k));
    if let Err(e) = out.write_record(&head) {
        return w.service_error(ServiceError::Internal(e.to_string()));
    }
    loop {
        let page = match pipeline::list(&w.app, &w.viewer, args.clone()).await {
            Ok(p) => p,
            // Filters the board refuses too (an unknown sector code typed by hand).
            Err(ServiceError::BadInput(_)) => {
                return w.message(
                    StatusCode::BAD_REQUEST,
                    "staff-export-bad-filter-title",
                    "staff-board-filter-error",
                )
            }
            Err(e) => return w.service_error(e),
        };
        if page.total_count > MAX_ROWS {
            return w.message(
                StatusCode::UNPROCESSABLE_ENTITY,
                "staff-export-too-many-title",
                "staff-export-too-many-body",
            );
        }
        for m in &page.items {
            let Some(facts) = &m.pipeline else { continue };
            let p = &m.sme.get().profile;
            let row = [
                m.id.to_string(),
                stage_name(tr, facts.stage),
                when(facts.updated_at),
                curator_words(&w, facts.curator, &emails),
                name_of(&w, &m.sme).0,
                p.sector.as_str().to_string(),
                sector_name(tr, p.sector.as_str()),
                province_name(tr, p.province.as_str()),
                name_of(&w, &m.investor).0,
                points(m.breakdown.score).to_string(),
                w.href(&format!("/staff/matches/{}", m.id)),
            ]
            .map(|c| cell(&c));
            if let Err(e) = out.write_record(&row) {
                return w.service_error(ServiceError::Internal(e.to_string()));
            }
        }
        match (page.has_next_page, page.items.last()) {
            (true, Some(last)) => args.after = Some(pipeline::cursor(args.order, last)),
            _ => break,
        }
    }
    let body = match out.into_inner() {
        Ok(b) => b,
        Err(e) => return w.service_error(ServiceError::Internal(e.to_string())),
    };
    let mut file = "\u{feff}".as_bytes().to_vec();
    file.extend(body);
    let name = format!(
        "attachment; filename=\"khkr-pipeline-{}.csv\"",
        &when(time::OffsetDateTime::now_utc())[..10]
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
    // Names and who curates what: not for shared caches.
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn a_cell_that_starts_like_a_formula_is_text() {
        for f in ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\r=1", "\n=1"] {
            assert_eq!(cell(f), format!("'{f}"));
        }
        for t in ["Angkor Foods", "ការហ្វេស្រីនាង", "1079", "", "a=b"] {
            assert_eq!(cell(t), t);
        }
    }
}
