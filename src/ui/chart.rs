//! A bar per row that fits the terminal: `12-03 ██████▌        $1.25`.
//! Unicode block eighths on a terminal; plain ASCII (`#`) in a pipe or
//! with NO_COLOR, where block characters may not survive.

use textwrap::core::display_width;

/// One row: its label, its value (what the bar measures) and the value as
/// text (printed after the bar, right-aligned).
pub(crate) struct Row {
    pub label: String,
    pub value: f64,
    pub text: String,
}

/// Eighths of a cell, from one to seven (a whole cell is `█`).
const EIGHTHS: [char; 7] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// The rows as bars scaled to the largest value, every line at most `width`
/// columns (the bar gets what the label and the figure leave, at least 4).
/// A value above zero always shows (one eighth, or one `#`); zero and
/// negative values (a refund) show no bar.
pub(crate) fn bars(rows: &[Row], width: usize, unicode: bool) -> String {
    let label = rows.iter().map(|r| display_width(&r.label)).max().unwrap_or(0);
    let figure = rows.iter().map(|r| display_width(&r.text)).max().unwrap_or(0);
    let room = width.saturating_sub(label + figure + 2).max(4);
    let top = rows.iter().map(|r| r.value).fold(0.0_f64, f64::max);
    let mut out = String::new();
    for row in rows {
        let cells = if top > 0.0 {
            row.value.max(0.0) / top * room as f64
        } else {
            0.0
        };
        let bar = if unicode {
            unicode_bar(cells, row.value > 0.0)
        } else {
            ascii_bar(cells, row.value > 0.0)
        };
        let pad = room.saturating_sub(display_width(&bar));
        let label_pad = label - display_width(&row.label);
        let figure_pad = figure - display_width(&row.text);
        out.push_str(&format!(
            "{}{} {bar}{} {}{}\n",
            row.label,
            " ".repeat(label_pad),
            " ".repeat(pad),
            " ".repeat(figure_pad),
            row.text
        ));
    }
    out
}

fn unicode_bar(cells: f64, positive: bool) -> String {
    let eighths = (cells * 8.0).round() as usize;
    let eighths = if positive { eighths.max(1) } else { eighths };
    let mut bar = "█".repeat(eighths / 8);
    if eighths % 8 > 0 {
        bar.push(EIGHTHS[eighths % 8 - 1]);
    }
    bar
}

fn ascii_bar(cells: f64, positive: bool) -> String {
    let n = cells.round() as usize;
    "#".repeat(if positive { n.max(1) } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<Row> {
        [
            ("11-28", 2.5),
            ("11-29", 0.0),
            ("11-30", 1.25),
            ("12-01", 0.001),
            ("12-02", 12.345),
        ]
        .iter()
        .map(|(label, value)| Row {
            label: label.to_string(),
            value: *value,
            text: format!("${value:.2}"),
        })
        .collect()
    }

    #[test]
    fn bars_fit_the_width_and_scale_to_the_largest_day() {
        for unicode in [true, false] {
            for width in [40, 60, 80, 100] {
                let text = bars(&rows(), width, unicode);
                let lines: Vec<&str> = text.lines().collect();
                assert_eq!(lines.len(), 5);
                for line in &lines {
                    assert!(display_width(line) <= width, "{width}: {line:?}");
                }
                // The largest day fills the room; every figure lines up at the end.
                assert_eq!(display_width(lines[4]), display_width(lines[0]));
                let room = width - 5 - 6 - 2;
                let full = if unicode { "█" } else { "#" };
                assert_eq!(lines[4].matches(full).count(), room, "{text}");
                // Half of the largest is half the room (2.5 of 12.345, a fifth).
                let fifth = (2.5 / 12.345 * room as f64 * 8.0).round() as usize / 8;
                assert!(lines[0].matches(full).count().abs_diff(fifth) <= 1, "{text}");
                // Nothing spent, no bar; a tenth of a cent still shows.
                assert!(!lines[1].contains(full) && !lines[1].contains('▏'), "{text}");
                assert!(lines[3].contains(if unicode { "▏" } else { "#" }), "{text}");
                if !unicode {
                    assert!(text.is_ascii(), "{text}");
                }
            }
        }
    }

    #[test]
    fn a_period_with_no_spend_has_no_bars() {
        let rows = vec![Row {
            label: "12-01".into(),
            value: 0.0,
            text: "$0.00".into(),
        }];
        assert_eq!(bars(&rows, 30, true), format!("12-01 {} $0.00\n", " ".repeat(18)));
    }
}
