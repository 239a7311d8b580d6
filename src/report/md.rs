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

/// `text` for one line of Markdown: control characters shown escaped (a
/// newline becomes a visible `\n`, so it cannot end the cell or the line),
/// `|` escaped everywhere (a table cell ends at one even inside code), the
/// marks in [`SPECIAL`] escaped, a leading `-`, `+` or `=` escaped, and
/// backquoted spans (the lessons' `code`) kept as code. A backtick run opens
/// a span only when a run of the same length closes it, as in CommonMark;
/// an unmatched one is escaped and the text after it is escaped as usual.
pub(crate) fn text(text: &str) -> String {
    let chars: Vec<char> = clean(text).chars().collect();
    let mut out = String::with_capacity(chars.len() + chars.len() / 4);
    let mut at = 0;
    while at < chars.len() {
        let c = chars[at];
        if c == '`' {
            let run = backticks(&chars, at);
            match closing(&chars, at + run, run) {
                Some(end) => {
                    for &inner in &chars[at..end + run] {
                        push_code(&mut out, inner);
                    }
                    at = end + run;
                }
                None => {
                    out.push_str(&"\\`".repeat(run));
                    at += run;
                }
            }
            continue;
        }
        if c == '|' || SPECIAL.contains(&c) || (at == 0 && starts_block(&chars)) {
            out.push('\\');
        }
        out.push(c);
        at += 1;
    }
    out
}

/// Inside a code span only `|` means anything (to a table).
fn push_code(out: &mut String, c: char) {
    if c == '|' {
        out.push('\\');
    }
    out.push(c);
}

/// Whether the text, at the start of a line, would begin a list item or a
/// setext underline (`- `, `+ `, `=`); a quote's `>` is in [`SPECIAL`].
fn starts_block(chars: &[char]) -> bool {
    matches!(chars.first(), Some('-' | '+' | '='))
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
        assert_eq!(text("run `a_b|c` now"), "run `a_b\\|c` now");
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
        assert_eq!(text("a - b"), "a - b");
    }
}
