//! Terminal text: headings, wrapping to a width, tables that fit it, and
//! the inline markup (`**bold**`, `` `code` ``) every renderer shares. It
//! knows no domain type. Colour comes from `colored`, which the entry point
//! switches off for pipes, `--no-color` and NO_COLOR.

use colored::Colorize;
use textwrap::core::display_width;

pub(crate) fn heading(text: &str) -> String {
    format!("{}\n", text.bold().underline())
}

pub(crate) fn subheading(text: &str) -> String {
    format!("{}\n", text.bold())
}

/// A heading wrapped to `width`, each line styled on its own so a line
/// break never splits an escape sequence.
pub(crate) fn wrapped_heading(text: &str, width: usize, style: fn(&str) -> String) -> String {
    textwrap::wrap(text, wrap_options(width, "", ""))
        .iter()
        .map(|line| style(line))
        .collect()
}

pub(crate) fn colour_on() -> bool {
    colored::control::SHOULD_COLORIZE.should_colorize()
}

/// `**bold**` and `` `code` `` inside a line.
pub(crate) fn inline(text: &str) -> String {
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
/// hyphenated word, a date, a command, a path or a URL (`2026-11-20`,
/// `start-stop`, `America/Sao_Paulo`, `https://…/pricing/`): textwrap's
/// default would also break after a slash. A word longer than a line is
/// left whole (the terminal wraps it; a URL stays one piece to copy).
pub(crate) fn wrap_options<'a>(width: usize, first: &'a str, rest: &'a str) -> textwrap::Options<'a> {
    textwrap::Options::new(width.max(20))
        .initial_indent(first)
        .subsequent_indent(rest)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .word_splitter(textwrap::WordSplitter::NoHyphenation)
        .break_words(false)
}

/// Text taken as it is (no markup), wrapped with the given indents.
pub(crate) fn wrap_plain(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = textwrap::fill(text, wrap_options(width, first, rest));
    out.push('\n');
    out
}

/// A paragraph with inline markup, wrapped with the given indents.
pub(crate) fn wrap(text: &str, width: usize, first: &str, rest: &str) -> String {
    let mut out = textwrap::fill(&inline(text), wrap_options(width, first, rest));
    out.push('\n');
    out
}

/// A shell command for the learner to copy, after `indent` and `$ `: on one
/// line when it fits, else broken between arguments with ` \` at each line
/// end (an option kept with its value), so that pasted whole it is still
/// the same command. An argument longer than a line (a quoted JSON value)
/// is never split.
pub(crate) fn command(command: &str, width: usize, indent: &str) -> String {
    let first = format!("{indent}$ ");
    let rest = format!("{indent}    ");
    if display_width(&first) + display_width(command) <= width {
        return format!("{first}{command}\n");
    }
    let mut words: Vec<String> = Vec::new();
    for token in shell_words(command) {
        match words.last_mut() {
            // An option and its value together, when they fit on a line.
            Some(last)
                if last.starts_with("--")
                    && !last.contains(' ')
                    && !token.starts_with('-')
                    && display_width(&rest) + display_width(last) + 1 + display_width(&token) + 2 <= width =>
            {
                last.push(' ');
                last.push_str(&token);
            }
            _ => words.push(token),
        }
    }
    let mut out = String::new();
    let mut line = first.clone();
    let mut empty = true;
    for word in words {
        // Room for the word and, after it, " \".
        if !empty && display_width(&line) + 1 + display_width(&word) + 2 > width {
            out.push_str(&line);
            out.push_str(" \\\n");
            line = rest.clone();
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(&word);
        empty = false;
    }
    out.push_str(&line);
    out.push('\n');
    out
}

/// A command's words, split at spaces outside quotes (quotes kept).
fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    for c in command.chars() {
        match (quote, c) {
            (None, ' ') => {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                continue;
            }
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), _) if q == c => quote = None,
            _ => {}
        }
        word.push(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// How a code block's line may be broken when it is wider than the screen,
/// each way keeping the code what it was when copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum CodeKind {
    /// Shell: between arguments, ` \` at the end of each broken line.
    Shell,
    /// Python: inside brackets, between tokens or between two halves of a
    /// string (adjacent literals join); a comment goes on as another comment.
    Python,
    /// JSON: between tokens.
    Json,
    /// Sample output: between words.
    Text,
    /// Anything else: as written.
    Other,
}

impl CodeKind {
    /// From a fence's tag (```bash, ```python…).
    pub(crate) fn of(tag: &str) -> CodeKind {
        match tag.trim() {
            "bash" | "sh" | "shell" | "console" | "zsh" => CodeKind::Shell,
            "python" | "py" => CodeKind::Python,
            "json" => CodeKind::Json,
            "text" | "" => CodeKind::Text,
            _ => CodeKind::Other,
        }
    }
}

/// A place a code line may be broken: the text to end the line with, and
/// what the next line starts with (after the indent).
struct CodeBreak {
    at: usize,
    end: &'static str,
    start: String,
    /// Spaces at the break are dropped (between tokens), or kept (in a string).
    trim: bool,
}

/// What one line of a code block leaves open for the next: a shell quote,
/// Python brackets.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct CodeState {
    quote: Option<char>,
    depth: usize,
}

/// One line of a code block, for a screen `width` columns wide after
/// `indent`: as written when it fits, else broken where `kind` allows (a
/// piece that still does not fit is left whole). `state` carries what is
/// open from one line of the block to the next.
pub(crate) fn code_line(line: &str, kind: CodeKind, width: usize, indent: &str, state: &mut CodeState) -> Vec<String> {
    let avail = width.saturating_sub(display_width(indent));
    let started_in = state.quote;
    let breaks = code_breaks(line, kind, state);
    if display_width(line) <= avail || breaks.is_empty() {
        return vec![format!("{indent}{line}")];
    }
    let lead = line.len() - line.trim_start().len();
    let hang = " ".repeat(lead + if started_in.is_some() { 0 } else { 4 });
    let mut out = Vec::new();
    let mut from = 0;
    let mut prefix = String::new();
    loop {
        let room = avail.saturating_sub(display_width(&prefix));
        let rest = &line[from..];
        if display_width(rest) <= room {
            out.push(format!("{indent}{prefix}{rest}"));
            break;
        }
        // The last break that fits, else the first one after (never none).
        let candidates: Vec<&CodeBreak> = breaks.iter().filter(|b| b.at > from).collect();
        let piece = |b: &CodeBreak| {
            let piece = &line[from..b.at];
            if b.trim { piece.trim_end() } else { piece }
        };
        let fitting = candidates
            .iter()
            .rev()
            .find(|b| display_width(piece(b)) + b.end.len() <= room);
        let Some(chosen) = fitting.or(candidates.first()) else {
            out.push(format!("{indent}{prefix}{rest}"));
            break;
        };
        out.push(format!("{indent}{prefix}{}{}", piece(chosen), chosen.end));
        prefix = format!("{hang}{}", chosen.start);
        from = chosen.at;
        while chosen.trim && line[from..].starts_with(' ') {
            from += 1;
        }
    }
    out
}

fn code_breaks(line: &str, kind: CodeKind, state: &mut CodeState) -> Vec<CodeBreak> {
    let quote = &mut state.quote;
    let mut breaks = Vec::new();
    let at_space = |i: usize, c: char, breaks: &mut Vec<CodeBreak>, end: &'static str, start: String| {
        if c == ' ' && i > 0 {
            breaks.push(CodeBreak {
                at: i,
                end,
                start,
                trim: true,
            });
        }
    };
    match kind {
        CodeKind::Shell => {
            // A quote left open by an earlier line: spaces inside it after a
            // comma or colon (a JSON value) may become line breaks.
            let mut previous = ' ';
            for (i, c) in line.char_indices() {
                match (*quote, c) {
                    (None, ' ')
                        if !line[..i].trim().is_empty() && !line[i..].trim().is_empty() && line[i..].trim() != "\\" =>
                    {
                        at_space(i, c, &mut breaks, " \\", String::new())
                    }
                    (None, '\'' | '"') => *quote = Some(c),
                    (Some(q), _) if q == c => *quote = None,
                    (Some('\''), ' ') if matches!(previous, ',' | ':') => {
                        at_space(i, c, &mut breaks, "", String::new())
                    }
                    _ => {}
                }
                previous = c;
            }
        }
        CodeKind::Json => {
            let mut in_string = false;
            let mut previous = ' ';
            for (i, c) in line.char_indices() {
                if c == '"' && previous != '\\' {
                    in_string = !in_string;
                } else if !in_string && !line[..i].trim().is_empty() {
                    at_space(i, c, &mut breaks, "", String::new());
                }
                previous = c;
            }
        }
        CodeKind::Python => {
            let lead = line.len() - line.trim_start().len();
            let depth = &mut state.depth;
            // An open string: its quote, its prefix (f, r…), inside `{}`.
            let mut string: Option<(char, String, usize)> = None;
            let chars: Vec<(usize, char)> = line.char_indices().collect();
            for (n, &(i, c)) in chars.iter().enumerate() {
                match &mut string {
                    Some((q, prefix, braces)) => {
                        if c == *q {
                            string = None;
                        } else if c == '{' && prefix.contains('f') {
                            *braces += 1;
                        } else if c == '}' && prefix.contains('f') {
                            *braces = braces.saturating_sub(1);
                        } else if c == ' ' && *depth > 0 && *braces == 0 {
                            let (q, prefix) = (*q, prefix.clone());
                            // Ends this half with its quote; the next line opens the other.
                            breaks.push(CodeBreak {
                                at: i + 1,
                                end: if q == '"' { "\"" } else { "'" },
                                start: format!("{prefix}{q}"),
                                trim: false,
                            });
                        }
                    }
                    None => match c {
                        '#' => {
                            let column = display_width(&line[..i]);
                            for &(j, d) in &chars[n + 1..] {
                                if d == ' ' && !line[i + 1..j].trim().is_empty() {
                                    breaks.push(CodeBreak {
                                        at: j,
                                        end: "",
                                        start: format!("{}# ", " ".repeat(column.saturating_sub(lead + 4))),
                                        trim: true,
                                    });
                                }
                            }
                            break;
                        }
                        '(' | '[' | '{' => *depth += 1,
                        ')' | ']' | '}' => *depth = depth.saturating_sub(1),
                        '"' | '\'' => {
                            let prefix: String = line[..i]
                                .chars()
                                .rev()
                                .take_while(|p| p.is_ascii_alphabetic())
                                .collect::<String>()
                                .chars()
                                .rev()
                                .collect();
                            string = Some((c, prefix.to_lowercase(), 0));
                        }
                        ' ' if *depth > 0 && !line[..i].trim().is_empty() => {
                            at_space(i, c, &mut breaks, "", String::new())
                        }
                        _ => {}
                    },
                }
            }
        }
        CodeKind::Text => {
            for (i, c) in line.char_indices() {
                if !line[..i].trim().is_empty() {
                    at_space(i, c, &mut breaks, "", String::new());
                }
            }
        }
        CodeKind::Other => {}
    }
    breaks
}

/// Renders a table that fits `width` columns, wrapping cell text when needed.
pub(crate) fn table(headers: &[String], rows: &[Vec<String>], width: usize) -> String {
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
                let options = textwrap::Options::new(widths[i])
                    .word_separator(textwrap::WordSeparator::AsciiSpace)
                    .word_splitter(textwrap::WordSplitter::NoHyphenation);
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
    fn lines_break_at_spaces_only_never_after_a_slash_or_a_hyphen() {
        let text = "see https://aws.amazon.com/sagemaker/pricing/ or run sm-course module5 in America/Sao_Paulo";
        for width in 20..60 {
            let wrapped = wrap_plain(text, width, "", "");
            let words: Vec<&str> = wrapped.split_whitespace().collect();
            assert_eq!(
                words,
                text.split_whitespace().collect::<Vec<_>>(),
                "at {width}: {wrapped}"
            );
        }
    }

    #[test]
    fn a_long_command_breaks_between_arguments_with_continuations() {
        plain();
        let cmd = "aws sagemaker delete-app --domain-id d-practice01 --user-profile-name ana \
                   --app-type KernelGateway --app-name forgotten-kernel --region eu-central-1";
        assert_eq!(command(cmd, 200, "  "), format!("  $ {cmd}\n"));
        let text = command(cmd, 60, "  ");
        assert_eq!(
            text,
            "  $ aws sagemaker delete-app --domain-id d-practice01 \\\n      \
             --user-profile-name ana --app-type KernelGateway \\\n      \
             --app-name forgotten-kernel --region eu-central-1\n"
        );
        // Pasted into a shell, the continuations join it back.
        let joined = text
            .replace(" \\\n", " ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert_eq!(joined, format!("$ {cmd}"));
        // A quoted argument stays whole, even longer than a line.
        let json = "aws sagemaker update-domain --domain-id d-1 --default-user-settings '{\"JupyterLabAppSettings\": {\"A\": 1}}'";
        let text = command(json, 40, "");
        assert!(text.contains("'{\"JupyterLabAppSettings\": {\"A\": 1}}'"), "{text}");
    }

    /// Wraps a block's lines as the lesson renderer does.
    fn block(lines: &[&str], kind: CodeKind, width: usize) -> Vec<String> {
        let mut state = CodeState::default();
        lines
            .iter()
            .flat_map(|l| code_line(l, kind, width, "    ", &mut state))
            .collect()
    }

    #[test]
    fn code_that_fits_is_left_as_written() {
        let lines = ["print('hi')  # a comment"];
        assert_eq!(block(&lines, CodeKind::Python, 60), ["    print('hi')  # a comment"]);
    }

    #[test]
    fn shell_code_breaks_between_arguments_with_continuations_and_inside_a_json_quote() {
        let lines = [
            "aws pricing get-products --service-code AmazonSageMaker --region us-east-1 \\",
            "  --filters \"Type=TERM_MATCH,Field=regionCode,Value=eu-central-1\" \\",
            "  --default-user-settings '{\"JupyterLabAppSettings\": {\"AppLifecycleManagement\":",
            "      {\"IdleSettings\": {\"LifecycleManagement\": \"ENABLED\", \"IdleTimeoutInMinutes\": 60}}}}'",
        ];
        let shown = block(&lines, CodeKind::Shell, 60);
        // Outside quotes a break ends with ` \`; inside the JSON quote the
        // newline is part of the value, which JSON reads as white space.
        assert_eq!(
            shown,
            [
                "    aws pricing get-products --service-code \\",
                "        AmazonSageMaker --region us-east-1 \\",
                "      --filters \\",
                "          \"Type=TERM_MATCH,Field=regionCode,Value=eu-central-1\" \\",
                "      --default-user-settings '{\"JupyterLabAppSettings\":",
                "          {\"AppLifecycleManagement\":",
                "          {\"IdleSettings\": {\"LifecycleManagement\":",
                "          \"ENABLED\", \"IdleTimeoutInMinutes\": 60}}}}'",
            ]
        );
        // Only the one quoted argument longer than a line overflows, whole.
        let wide: Vec<&String> = shown.iter().filter(|l| display_width(l) > 60).collect();
        assert_eq!(wide, [&shown[3]]);
    }

    #[test]
    fn python_breaks_inside_brackets_splits_strings_and_continues_comments() {
        let lines = [
            "print(f\"Memória: {memory.percent}% usada, {memory.available / 1024**3:.2f} GiB disponíveis\")",
            "estimator = Estimator(",
            "    max_wait=7200,             # segundos incluindo a espera; >= max_run",
            ")",
        ];
        let shown = block(&lines, CodeKind::Python, 60);
        assert_eq!(
            shown,
            [
                "    print(f\"Memória: {memory.percent}% usada, \"",
                "        f\"{memory.available / 1024**3:.2f} GiB disponíveis\")",
                "    estimator = Estimator(",
                "        max_wait=7200,             # segundos incluindo a",
                "                                   # espera; >= max_run",
                "    )",
            ]
        );
        assert!(shown.iter().all(|l| display_width(l) <= 60), "{shown:#?}");
    }

    #[test]
    fn json_breaks_between_tokens() {
        let lines = ["    \"Subscribers\": [{\"SubscriptionType\": \"EMAIL\", \"Address\": \"voce@example.com\"}]"];
        let shown = block(&lines, CodeKind::Json, 60);
        assert!(shown.iter().all(|l| display_width(l) <= 60), "{shown:#?}");
        assert_eq!(
            shown.join(" ").split_whitespace().collect::<Vec<_>>(),
            lines[0].split_whitespace().collect::<Vec<_>>()
        );
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
