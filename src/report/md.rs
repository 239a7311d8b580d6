//! The one Markdown escaper: every piece of outside text (a check's title and
//! summary, a resource's, a student's or an account's name, an error) goes
//! through [`text`] before it lands in a Markdown table cell, list item,
//! heading or paragraph, so it shows as written and cannot add a column, a
//! link, emphasis, raw HTML or a block.

use crate::ui::clean;

/// Marks that Markdown (CommonMark and GitHub's tables) reads as syntax in
/// running text: emphasis, links and images, raw HTML and entities, headings,
/// strikethrough, the escape itself.
const SPECIAL: &[char] = &['\\', '*', '_', '[', ']', '<', '>', '#', '&', '~'];

/// `text` for one line of Markdown: leading spaces dropped, control characters shown escaped (a
/// newline becomes a visible `\n`, so it cannot end the cell or the line),
/// `|` and the marks in [`SPECIAL`] escaped, a leading list marker escaped,
/// and backquoted spans (the lessons' `code`) kept as code. A backtick run opens
/// a span only when a run of the same length closes it, as in CommonMark;
/// an unmatched one, or one around a `|`, is escaped and the text after it
/// is escaped as usual.
pub(crate) fn text(text: &str) -> String {
    // Leading spaces show nowhere (a cell is trimmed) and four would make code.
    let chars: Vec<char> = clean(text).trim_start_matches(' ').chars().collect();
    let mut out = String::with_capacity(chars.len() + chars.len() / 4);
    let mark = block_mark(&chars);
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c == '`' {
            let run = backticks(&chars, at);
            // A `|` would end a table cell even inside code, and its escape
            // shows inside code elsewhere: such a span is plain text.
            match closing(&chars, at + run, run).filter(|end| !chars[at..*end].contains(&'|')) {
                Some(end) => {
                    out.extend(&chars[at..end + run]);
                    at = end + run;
                }
                None => {
                    out.push_str(&"\\`".repeat(run));
                    at += run;
                }
            }
            continue;
        }
        if c == '|' || SPECIAL.contains(&c) || mark == Some(at) {
            out.push('\\');
        }
        out.push(c);
        at += 1;
    }
    out
}

/// Where the mark is that, at the start of a line, would begin a list item
/// or a thematic break (`-`, `+`, `1. `, `1) `); a quote's `>` and a
/// heading's `#` are in [`SPECIAL`].
fn block_mark(chars: &[char]) -> Option<usize> {
    match chars.first()? {
        '-' | '+' => Some(0),
        '0'..='9' => {
            let mark = chars.iter().take_while(|c| c.is_ascii_digit()).count();
            let item =
                matches!(chars.get(mark), Some('.' | ')')) && chars.get(mark + 1).is_none_or(|c| c.is_whitespace());
            item.then_some(mark)
        }
        _ => None,
    }
}

/// The length of the backtick run starting at `at`.
fn backticks(chars: &[char], at: usize) -> usize {
    chars[at..].iter().take_while(|c| **c == '`').count()
}

/// Where a run of exactly `run` backticks starts at or after `from`.
fn closing(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut at = from;
    while at < chars.len() {
        if chars[at] == '`' {
            let len = backticks(chars, at);
            if len == run {
                return Some(at);
            }
            at += len;
        } else {
            at += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::text;

    #[test]
    fn specials_are_escaped_and_code_spans_kept() {
        assert_eq!(text("a|b"), "a\\|b");
        assert_eq!(
            text("*x* _y_ [z](u) <b> #h &amp; ~s~ \\"),
            "\\*x\\* \\_y\\_ \\[z\\](u) \\<b\\> \\#h \\&amp; \\~s\\~ \\\\"
        );
        assert_eq!(text("run `a_b` now"), "run `a_b` now");
        // The second backtick then opens a span to the third, as CommonMark reads it.
        assert_eq!(text("`a|b` `c`"), "\\`a\\|b` `c\\`");
        assert_eq!(text("``a`b`` _"), "``a`b`` \\_");
    }

    #[test]
    fn an_unmatched_backtick_opens_nothing() {
        assert_eq!(text("a ` *b*"), "a \\` \\*b\\*");
        assert_eq!(text("`` x ` *y*"), "\\`\\` x \\` \\*y\\*");
    }

    #[test]
    fn a_newline_cannot_end_the_line_and_a_block_cannot_start() {
        assert_eq!(text("a\n # h"), "a\\\\n \\# h");
        assert_eq!(text("- item"), "\\- item");
        assert_eq!(text("+ item"), "\\+ item");
        assert_eq!(text("     - item"), "\\- item");
        assert_eq!(text("12. item"), "12\\. item");
        assert_eq!(text("1) item"), "1\\) item");
        assert_eq!(text("2026-12-20"), "2026-12-20");
        assert_eq!(text("0.23/h"), "0.23/h");
        assert_eq!(text("a - b"), "a - b");
    }
}
