//! Terminal text: headings, wrapping to a width, tables that fit it, and
//! the inline markup (`**bold**`, `` `code` ``) every renderer shares. It
//! knows no domain type. Colour comes from `colored`, which the entry point
//! switches off for pipes, `--no-color` and NO_COLOR.

use colored::Colorize;
use textwrap::core::display_width;

pub fn heading(text: &str) -> String {
    format!("{}\n", text.bold().underline())
}

pub fn subheading(text: &str) -> String {
    format!("{}\n", text.bold())
}

/// A heading wrapped to `width`, each line styled on its own so a line
/// break never splits an escape sequence.
pub fn wrapped_heading(text: &str, width: usize, style: fn(&str) -> String) -> String {
    textwrap::wrap(text, wrap_options(width, "", ""))
        .iter()
        .map(|line| style(line))
        .collect()
}

pub fn colour_on() -> bool {
    colored::control::SHOULD_COLORIZE.should_colorize()
}

/// `**bold**` and `` `code` `` inside a line.
pub fn inline(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let bold = rest.find("**");
        let code = rest.find('`');
        let (at, marker) = match (bold, code) {
            (Some(b), Some(c)) if c < b => (c, "`"),
            (Some(b), _) => (b, "**"),
            (None, Some(c)) => (c, "`"),
            (None, None) => break,
        };
        let after = &rest[at + marker.len()..];
        let Some(end) = after.find(marker) else { break };
        out.push_str(&rest[..at]);
        let inner = &after[..end];
        if marker == "**" {
            out.push_str(&inner.bold().to_string());
        } else if colour_on() {
            out.push_str(&inner.cyan().to_string());
        } else {
            out.push_str(&format!("`{inner}`"));
        }
        rest = &after[end + marker.len()..];
    }
    out.push_str(rest);
    out
}

/// Wrapping rules for all text: lines break at spaces only, never inside a
/// hyphenated word, a date, a command or a URL (`2026-11-20`, `start-stop`,
/// `https://aws.amazon.com/sagemaker/pricing/`). Unicode line breaking would
/// also break after `/` and split a URL a terminal could no longer open; a
/// word longer than the line stays whole on a line of its own.
pub fn wrap_options<'a>(width: usize, first: &'a str, rest: &'a str) -> textwrap::Options<'a> {
    textwrap::Options::new(width.max(20))
        .initial_indent(first)
        .subsequent_indent(rest)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false)
}

/// Text taken as it is (no markup), wrapped with the given indents.
pub fn wrap_plain(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = textwrap::fill(text, wrap_options(width, first, rest));
    out.push('\n');
    out
}

/// A paragraph with inline markup, wrapped with the given indents.
pub fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = textwrap::fill(&inline(text), wrap_options(width, first, rest));
    out.push('\n');
    out
}

/// Renders a table that fits `width` columns, wrapping cell text when needed.
pub fn table(headers: &[String], rows: &[Vec<String>], width: usize) -> String {
    let columns = headers.len();
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            widths[i] = widths[i].max(display_width(&inline(cell)));
        }
    }
    // One space each side of a cell and one rule between cells.
    let frame = 3 * columns - 1;
    // A column is never narrower than its longest word (an instance name, a
    // number): text wraps between words, names never break.
    let mut floors: Vec<usize> = headers.iter().map(|h| longest_word(h)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(columns) {
            floors[i] = floors[i].max(longest_word(&inline(cell)));
        }
    }
    if floors.iter().sum::<usize>() + frame > width {
        return records(headers, rows, width);
    }
    while widths.iter().sum::<usize>() + frame > width {
        // Shrink the column with the most room above its floor.
        let Some((column, _)) = widths
            .iter()
            .zip(&floors)
            .enumerate()
            .filter(|(_, (w, f))| w > f)
            .max_by_key(|(_, (w, f))| **w - **f)
        else {
            break;
        };
        widths[column] -= 1;
    }
    let render_row = |cells: &[String], bold: bool| -> String {
        let wrapped: Vec<Vec<String>> = (0..columns)
            .map(|i| {
                let text = inline(cells.get(i).map(String::as_str).unwrap_or(""));
                let options = textwrap::Options::new(widths[i]).word_splitter(textwrap::WordSplitter::NoHyphenation);
                textwrap::wrap(&text, options)
                    .into_iter()
                    .map(|l| l.into_owned())
                    .collect()
            })
            .collect();
        let height = wrapped.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let mut out = String::new();
        for line in 0..height {
            let cells: Vec<String> = (0..columns)
                .map(|i| {
                    let text = wrapped[i].get(line).map(String::as_str).unwrap_or("");
                    let pad = " ".repeat(widths[i].saturating_sub(display_width(text)));
                    let text = if bold {
                        text.bold().to_string()
                    } else {
                        text.to_string()
                    };
                    format!(" {text}{pad} ")
                })
                .collect();
            out.push_str(cells.join("│").trim_end());
            out.push('\n');
        }
        out
    };
    let mut out = render_row(headers, true);
    out.push_str(&widths.iter().map(|w| "─".repeat(w + 2)).collect::<Vec<_>>().join("┼"));
    out.push('\n');
    for row in rows {
        out.push_str(&render_row(row, false));
    }
    out
}

fn longest_word(text: &str) -> usize {
    text.split_whitespace().map(display_width).max().unwrap_or(0)
}

/// A table too wide for the terminal even when squeezed, as one record per
/// row: the first cell as a title, then `header: value` lines.
fn records(headers: &[String], rows: &[Vec<String>], width: usize) -> String {
    let mut out = String::new();
    for row in rows {
        let title = inline(row.first().map(String::as_str).unwrap_or(""));
        out.push_str(&textwrap::fill(&title.bold().to_string(), wrap_options(width, "", "")));
        out.push('\n');
        for (header, cell) in headers.iter().zip(row).skip(1) {
            out.push_str(&wrap(&format!("{header}: {cell}"), width, "  ", "    "));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain() {
        colored::control::set_override(false);
    }

    #[test]
    fn a_table_wraps_its_cells_instead_of_overflowing() {
        plain();
        let headers = vec!["Name".to_string(), "Description".to_string()];
        let rows = vec![vec![
            "ml.t3.medium".to_string(),
            "cheapest burstable instance for exploring data".to_string(),
        ]];
        let wide = table(&headers, &rows, 100);
        assert_eq!(wide.lines().count(), 3, "{wide}");
        let narrow = table(&headers, &rows, 30);
        assert!(narrow.lines().count() > 3, "{narrow}");
        assert!(narrow.lines().all(|l| display_width(l) <= 30), "{narrow}");
        assert!(narrow.contains("burstable"));
    }

    #[test]
    fn a_table_too_wide_to_squeeze_becomes_one_record_per_row() {
        plain();
        let headers: Vec<String> = ["Instance", "vCPU", "RAM", "GPUs", "GPU memory", "Cost/hour"]
            .map(String::from)
            .into();
        let rows = vec![
            ["ml.p3.2xlarge", "8", "61 GiB", "1", "16 GiB", "~$3.82"]
                .map(String::from)
                .to_vec(),
        ];
        let text = table(&headers, &rows, 30);
        assert_eq!(
            text,
            "ml.p3.2xlarge\n  vCPU: 8\n  RAM: 61 GiB\n  GPUs: 1\n  GPU memory: 16 GiB\n  Cost/hour: ~$3.82\n"
        );
    }
}
