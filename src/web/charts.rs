//! Horizontal bar charts drawn as inline SVG on the server (no chart library, nothing fetched):
//! this module does the arithmetic, `templates/chart.html` the markup. Each chart is one
//! `role="img"` named by its title, each bar carries a `<title>` with its label and count, and
//! the same numbers follow as a table for screen readers and for reading exact values.
//!
//! The drawing is 360 units wide and scales with the page: about natural size on a 360 px
//! phone, capped by CSS on a desktop. SVG text does not wrap, so a long label (an ISIC section
//! name, say) is shortened to fit with an ellipsis; the full label is in the bar's `<title>`
//! and in the table.

/// Width of the drawing in SVG units.
const WIDTH: f64 = 360.0;
/// Room kept right of the longest bar for its count.
const VALUE_ROOM: f64 = 48.0;
/// Height of one row: a label line, then the bar.
const ROW: u32 = 42;
/// Font size of labels, in SVG units (the CSS sets the same).
const FONT: f64 = 14.0;

pub struct Bar {
    /// The whole label (tooltip and table).
    pub label: String,
    /// The label as drawn, shortened to fit the width.
    pub short: String,
    pub value: i64,
    /// Where the label sits, in the label line.
    pub label_y: u32,
    pub bar_y: u32,
    /// Bar width in SVG units, formatted (one decimal).
    pub width: String,
    pub value_x: String,
    pub value_y: u32,
    /// Where the table row links to (the board filtered by this row), if anywhere.
    pub href: Option<String>,
}

pub struct BarChart {
    /// A page-unique id (for `aria-labelledby`).
    pub id: &'static str,
    pub title: String,
    pub height: u32,
    pub bars: Vec<Bar>,
}

/// A chart of `rows` (label, count, link), drawn in the given order.
pub fn bar_chart(
    id: &'static str,
    title: String,
    rows: Vec<(String, i64, Option<String>)>,
) -> BarChart {
    let max = rows.iter().map(|r| r.1).max().unwrap_or(0).max(1) as f64;
    let bars = rows
        .into_iter()
        .enumerate()
        .map(|(i, (label, value, href))| {
            let top = i as u32 * ROW;
            let width = if value > 0 {
                // A count of one still shows as a bar, not a hairline.
                (value as f64 / max * (WIDTH - VALUE_ROOM)).max(3.0)
            } else {
                0.0
            };
            Bar {
                short: fit(&label, (WIDTH - 4.0) / FONT),
                label,
                value,
                label_y: top + 15,
                bar_y: top + 21,
                width: format!("{width:.1}"),
                value_x: format!("{:.1}", width + 5.0),
                value_y: top + 33,
                href,
            }
        })
        .collect::<Vec<_>>();
    BarChart {
        id,
        title,
        height: (bars.len() as u32 * ROW).max(ROW),
        bars,
    }
}

/// How wide a character draws, in ems, roughly: Hangul and CJK are square, Khmer consonants
/// wide, Khmer vowel signs and subscripts stack on their consonant, Latin is narrow.
fn advance(c: char, after_coeng: bool) -> f64 {
    match c {
        // A consonant after the coeng (U+17D2) is written as a subscript under the previous one.
        _ if after_coeng => 0.0,
        // Measured: section G's Khmer title at 14 px drew 367 px (26.2 ems for 28 consonants,
        // 4 spacing vowels and 3 spaces; estimated now at 26.7).
        '\u{1780}'..='\u{17B3}' => 0.85,
        // Vowels written beside their consonant (ា, ើ, េ, ោ, …) and the visarga take room of
        // their own; the rest stack above or below.
        '\u{17B6}' | '\u{17BE}'..='\u{17C5}' | '\u{17C7}' | '\u{17C8}' => 0.5,
        '\u{17B4}'..='\u{17DD}' => 0.0,
        '\u{1100}'..='\u{11FF}' | '\u{3000}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7A3}' => 1.0,
        'A'..='Z' | 'm' | 'w' => 0.7,
        ' ' | 'i' | 'l' | 'j' | '.' | ',' | ';' | '\'' => 0.3,
        _ => 0.55,
    }
}

/// `label`, or as much of it as fits in `ems` followed by an ellipsis; never cut between a
/// Khmer consonant and the signs written on it.
pub fn fit(label: &str, ems: f64) -> String {
    let mut used = 0.0;
    let mut after_coeng = false;
    let mut cut = None;
    for (i, c) in label.char_indices() {
        let w = advance(c, after_coeng);
        after_coeng = c == '\u{17D2}';
        if w > 0.0 && used + w > ems - 1.0 && cut.is_none() {
            // Where an ellipsis would go, should the rest not fit.
            cut = Some(i);
        }
        used += w;
    }
    match cut {
        Some(i) if used > ems => format!("{}…", label[..i].trim_end()),
        _ => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest_and_keep_small_counts_visible() {
        let c = bar_chart(
            "t",
            "T".into(),
            vec![
                ("a".into(), 10, None),
                ("b".into(), 1, None),
                ("c".into(), 0, None),
            ],
        );
        assert_eq!(c.bars[0].width, format!("{:.1}", WIDTH - VALUE_ROOM));
        assert_eq!(c.bars[1].width, "31.2");
        assert_eq!(c.bars[2].width, "0.0");
        assert_eq!(c.height, 3 * ROW);
        assert_eq!(bar_chart("e", "E".into(), vec![]).height, ROW);
    }

    #[test]
    fn long_labels_are_shortened_whole_characters_at_a_time() {
        assert_eq!(fit("Manufacturing", 27.0), "Manufacturing");
        let long = "Wholesale and retail trade; repair of motor vehicles and motorcycles";
        let short = fit(long, 27.0);
        assert!(short.ends_with('…') && short.len() < long.len(), "{short}");
        // Khmer: the cut never separates a consonant from its subscript (coeng + consonant).
        let km = "ការលក់ដុំ និងការលក់រាយ ការជួសជុលយានយន្ត និងម៉ូតូ ការលក់ដុំ និងការលក់រាយ";
        let short = fit(km, 20.0);
        assert!(short.ends_with('…'), "{short}");
        let kept = short.trim_end_matches('…');
        assert!(!kept.ends_with('\u{17D2}'), "{short}");
        let ko = "도매 및 소매업; 자동차 및 모터사이클 수리업 도매 및 소매업";
        let short = fit(ko, 20.0);
        let hangul = short
            .chars()
            .filter(|c| ('\u{AC00}'..='\u{D7A3}').contains(c))
            .count();
        assert!(short.ends_with('…') && hangul < 20, "{short}");
        // Section G in Khmer drew 367 px wide in a 360 px chart (its spacing vowels were
        // counted as stacked, taking no room): now shortened.
        let g = "ពាណិជ្ជកម្មលក់ដុំ និងលក់រាយ ការជួសជុលយានយន្ត និងម៉ូតូ";
        assert!(fit(g, (WIDTH - 4.0) / FONT).ends_with('…'));
    }
}
