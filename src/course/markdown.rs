//! Renders lesson text (a small, forgiving subset of Markdown) for a terminal
//! of a given width, and expands the `@` directives that pull tables from the
//! course data, so each figure has one source.
//!
//! Supported: `##`/`###` headings, paragraphs, `-` and `1.` lists, `>` notes,
//! fenced code, `|` tables, inline `**bold**` and `` `code` ``.

use colored::Colorize;
use textwrap::core::display_width;

use super::Course;
use crate::catalog::Instance;
use crate::i18n::{Lang, tr, trf};
use crate::ui::text::{
    CodeKind, CodeState, code_line, colour_on, heading, inline, subheading, table, wrap, wrapped_heading,
};

fn money(value: f64, lang: Lang) -> String {
    crate::catalog::usd_cents(value, lang)
}

fn gib(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0} GiB")
    } else {
        format!("{value} GiB")
    }
}

fn instances_table(instances: &[&Instance], lang: Lang, region: &str, width: usize) -> String {
    let gpu = instances.iter().any(|i| i.gpus > 0);
    let mut headers = vec![
        tr(lang, "table.instance").to_string(),
        "vCPU".to_string(),
        "RAM".to_string(),
    ];
    if gpu {
        headers.push("GPUs".to_string());
        headers.push(tr(lang, "table.gpu_memory").to_string());
    }
    headers.push(trf(lang, "table.price_per_hour", &[("region", &region)]));
    let rows: Vec<Vec<String>> = instances
        .iter()
        .map(|i| {
            let mut row = vec![i.name.clone(), i.vcpu.to_string(), gib(i.memory_gib)];
            if gpu {
                row.push(i.gpus.to_string());
                row.push(gib(i.gpu_memory_gib));
            }
            row.push(i.price_per_hour_usd.map_or_else(
                || tr(lang, "table.no_price").to_string(),
                |p| format!("~{}", money(p, lang)),
            ));
            row
        })
        .collect();
    table(&headers, &rows, width)
}

/// The monthly comparison: price × hours a day × days a month.
fn monthly_table(instances: &[&Instance], hours: u32, days: u32, lang: Lang, width: usize) -> String {
    let headers = vec![
        tr(lang, "table.instance").to_string(),
        tr(lang, "table.per_hour").to_string(),
        trf(lang, "table.per_day", &[("hours", &hours)]),
        trf(lang, "table.per_month", &[("hours", &(hours * days))]),
    ];
    let rows: Vec<Vec<String>> = instances
        .iter()
        .map(|i| {
            let p = i.price_per_hour_usd.unwrap_or(0.0);
            vec![
                i.name.clone(),
                money(p, lang),
                money(p * f64::from(hours), lang),
                money(p * f64::from(hours * days), lang),
            ]
        })
        .collect();
    table(&headers, &rows, width)
}

/// A parsed `@` directive line.
enum Directive<'a> {
    Instances(Vec<&'a Instance>),
    Monthly {
        hours: u32,
        days: u32,
        instances: Vec<&'a Instance>,
    },
    Checklist,
}

fn parse_directive<'a>(line: &str, course: &'a Course) -> Result<Directive<'a>, String> {
    let mut words = line.trim_start_matches('@').split_whitespace();
    let lookup = |name: &str| {
        course
            .instances
            .get(name)
            .ok_or_else(|| format!("unknown instance {name:?} in {line:?}"))
    };
    match words.next() {
        Some("instances") => {
            let family = words.next().ok_or_else(|| format!("{line:?} needs a family"))?;
            let found: Vec<&Instance> = course
                .instances
                .instance
                .iter()
                .filter(|i| i.family == family && i.lesson_table)
                .collect();
            if found.is_empty() {
                return Err(format!("no instances of family {family:?} in {line:?}"));
            }
            Ok(Directive::Instances(found))
        }
        Some("monthly-costs") => {
            let mut number = |what: &str| {
                words
                    .next()
                    .and_then(|w| w.parse::<u32>().ok())
                    .ok_or_else(|| format!("{line:?} needs {what} as a whole number"))
            };
            let hours = number("hours per day")?;
            let days = number("days per month")?;
            let instances = words.map(lookup).collect::<Result<Vec<_>, _>>()?;
            if let Some(unpriced) = instances.iter().find(|i| i.price_per_hour_usd.is_none()) {
                return Err(format!("{} has no price for {line:?}", unpriced.name));
            }
            if instances.is_empty() {
                return Err(format!("{line:?} names no instances"));
            }
            Ok(Directive::Monthly { hours, days, instances })
        }
        Some("checklist") => Ok(Directive::Checklist),
        _ => Err(format!("unknown directive {line:?}")),
    }
}

/// Problems with the directives of a lesson body, for content validation.
pub(crate) fn check_directives(body: &str, course: &Course) -> Vec<String> {
    body.lines()
        .filter(|l| l.starts_with('@'))
        .filter_map(|l| parse_directive(l, course).err())
        .collect()
}

/// A section as the learner reads it: its title, then its body.
pub(crate) fn section(course: &Course, index: usize, lang: Lang, width: usize) -> String {
    let s = &course.sections[index];
    let mut out = wrapped_heading(
        &format!(
            "{}. {} ({})",
            s.meta.number,
            s.meta.title.get(lang),
            trf(lang, "course.minutes", &[("minutes", &s.meta.minutes)])
        ),
        width,
        heading,
    );
    out.push('\n');
    out.push_str(&markdown(s.body.get(lang), course, lang, width));
    out
}

/// Renders a lesson body for a terminal `width` columns wide.
pub(crate) fn markdown(body: &str, course: &Course, lang: Lang, width: usize) -> String {
    let mut out = String::new();
    let mut lines = body.lines().peekable();
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, out: &mut String| {
        if !paragraph.is_empty() {
            out.push_str(&wrap(&paragraph.join(" "), width, "", ""));
            out.push('\n');
            paragraph.clear();
        }
    };
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.is_empty() {
            flush(&mut paragraph, &mut out);
            continue;
        }
        if let Some(lang_tag) = trimmed.strip_prefix("```") {
            flush(&mut paragraph, &mut out);
            // A line too wide is broken only where its language allows, so
            // a copied block is the same code.
            let kind = CodeKind::of(lang_tag);
            let mut state = CodeState::default();
            for code in lines.by_ref() {
                if code.trim_start().starts_with("```") {
                    break;
                }
                for code in code_line(code, kind, width, "    ", &mut state) {
                    out.push_str(&if colour_on() { code.cyan().to_string() } else { code });
                    out.push('\n');
                }
            }
            out.push('\n');
        } else if trimmed.starts_with('|') {
            flush(&mut paragraph, &mut out);
            let mut rows = vec![split_row(trimmed)];
            while let Some(next) = lines.peek().filter(|l| l.trim_start().starts_with('|')) {
                let cells = split_row(next.trim_start());
                if !cells
                    .iter()
                    .all(|c| !c.is_empty() && c.chars().all(|ch| matches!(ch, '-' | ':')))
                {
                    rows.push(cells);
                }
                lines.next();
            }
            let headers = rows.remove(0);
            out.push_str(&table(&headers, &rows, width));
            out.push('\n');
        } else if line.starts_with('@') {
            flush(&mut paragraph, &mut out);
            match parse_directive(line, course) {
                Ok(Directive::Instances(list)) => {
                    out.push_str(&instances_table(&list, lang, &course.instances.region, width))
                }
                Ok(Directive::Monthly { hours, days, instances }) => {
                    out.push_str(&monthly_table(&instances, hours, days, lang, width))
                }
                Ok(Directive::Checklist) => {
                    for item in &course.checklist {
                        out.push_str(&wrap(item.title.get(lang), width, "  [ ] ", "      "));
                    }
                }
                // Validation rejects these; a lesson edited after loading still renders.
                Err(problem) => out.push_str(&format!("[{problem}]\n")),
            }
            out.push('\n');
        } else if let Some(title) = trimmed.strip_prefix("### ") {
            flush(&mut paragraph, &mut out);
            out.push_str(&wrapped_heading(&inline(title), width, subheading));
            out.push('\n');
        } else if let Some(title) = trimmed.strip_prefix("## ") {
            flush(&mut paragraph, &mut out);
            out.push_str(&wrapped_heading(&inline(title), width, heading));
            out.push('\n');
        } else if let Some(note) = trimmed.strip_prefix('>') {
            flush(&mut paragraph, &mut out);
            let mut text = vec![note.trim()];
            while let Some(next) = lines.peek().and_then(|l| l.trim_start().strip_prefix('>')) {
                text.push(next.trim());
                lines.next();
            }
            let bar = if colour_on() {
                "  ┃ ".yellow().to_string()
            } else {
                "  ┃ ".to_string()
            };
            for part in text.split(|t| t.is_empty()) {
                if !part.is_empty() {
                    out.push_str(&wrap(&part.join(" "), width, &bar, &bar));
                }
            }
            out.push('\n');
        } else if let Some((marker, item)) = list_item(trimmed) {
            flush(&mut paragraph, &mut out);
            let mut text = vec![item];
            // Continuation lines of the item are indented further than its marker.
            while let Some(next) = lines.peek() {
                let next_trim = next.trim_start();
                let next_indent = next.len() - next_trim.len();
                if next_trim.is_empty() || next_indent <= indent || list_item(next_trim).is_some() {
                    break;
                }
                text.push(next_trim);
                lines.next();
            }
            let pad = " ".repeat(2 + indent);
            let first = format!("{pad}{marker} ");
            let rest = " ".repeat(display_width(&first));
            out.push_str(&wrap(&text.join(" "), width, &first, &rest));
            if lines.peek().is_none_or(|l| l.trim().is_empty()) {
                out.push('\n');
            }
        } else {
            paragraph.push(trimmed);
        }
    }
    flush(&mut paragraph, &mut out);
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn list_item(line: &str) -> Option<(String, &str)> {
    if let Some(rest) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
        return Some(("•".to_string(), rest));
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0
        && let Some(rest) = line[digits..].strip_prefix(". ")
    {
        return Some((line[..digits + 1].to_string(), rest));
    }
    None
}

fn split_row(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
    inner.split('|').map(|c| c.trim().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn course() -> Course {
        Course::load(None, Lang::En, &crate::checks::known()).unwrap()
    }

    fn plain() {
        colored::control::set_override(false);
    }

    #[test]
    fn every_section_fits_narrow_and_wide_terminals_in_both_languages() {
        plain();
        let course = course();
        for width in [40, 60, 80, 120] {
            for lang in [Lang::Pt, Lang::En] {
                for index in 0..course.sections.len() {
                    let text = section(&course, index, lang, width);
                    let mut in_code = false;
                    for line in text.lines() {
                        // Code that cannot be broken validly is shown as written; everything
                        // else fits, except a word longer than the line (a URL), which
                        // stays whole on a line of its own.
                        in_code = line.starts_with("    ") && !line.trim().is_empty() || (in_code && line.is_empty());
                        let words: Vec<&str> = line.split_whitespace().filter(|w| !["┃", "•"].contains(w)).collect();
                        let one_long_word = words.len() == 1 && display_width(words[0]) > width - 4;
                        if !in_code && !one_long_word {
                            assert!(
                                display_width(line) <= width,
                                "section {} ({lang:?}) at width {width}: {line:?} is {} wide",
                                index + 1,
                                display_width(line)
                            );
                        }
                    }
                }
            }
        }
    }

    /// A URL is never split across lines, even in a note box narrower than
    /// the URL; the words around it still wrap (issue 27: lesson 4's pricing
    /// link).
    #[test]
    fn urls_are_never_broken_across_lines() {
        plain();
        let course = course();
        let url = "https://aws.amazon.com/sagemaker/pricing/";
        let note = format!(
            "> **A free tier, perhaps.** Check what applies to your account first: {url} and more words after it."
        );
        for width in [30, 40, 45, 60, 80] {
            let text = markdown(&note, &course, Lang::En, width);
            assert!(
                text.lines().any(|l| l.contains(url)),
                "width {width}: the URL is split:\n{text}"
            );
            for line in text.lines().filter(|l| !l.contains(url)) {
                assert!(display_width(line) <= width, "width {width}: {line:?}");
            }
        }
        // The lesson that split it at 80 columns keeps it whole in both languages.
        for lang in [Lang::Pt, Lang::En] {
            let text = section(&course, 3, lang, 80);
            assert!(text.contains(url), "{lang:?}:\n{text}");
        }
    }

    #[test]
    fn monthly_costs_come_from_the_instance_prices() {
        plain();
        let course = course();
        let text = markdown("@monthly-costs 8 20 ml.t3.medium ml.p3.2xlarge", &course, Lang::En, 100);
        // The seed's table: t3.medium $0.40/day, $8.00/month; p3.2xlarge $30.56/day, $611.20/month.
        let t3 = text.lines().find(|l| l.contains("ml.t3.medium")).unwrap();
        assert!(
            t3.contains("$0.05") && t3.contains("$0.40") && t3.contains("$8.00"),
            "{t3}"
        );
        let p3 = text.lines().find(|l| l.contains("ml.p3.2xlarge")).unwrap();
        assert!(
            p3.contains("$3.82") && p3.contains("$30.56") && p3.contains("$611.20"),
            "{p3}"
        );
    }

    #[test]
    fn inline_markup_is_plain_without_colour() {
        plain();
        let course = course();
        let text = markdown(
            "Use **ml.t3.medium** and run `aws sagemaker list-apps`.",
            &course,
            Lang::En,
            80,
        );
        assert_eq!(text, "Use ml.t3.medium and run `aws sagemaker list-apps`.\n");
        assert!(!text.contains('\u{1b}'));
    }

    #[test]
    fn lists_notes_and_code_render_with_their_markers() {
        plain();
        let course = course();
        let text = markdown(
            "- one\n- two\n\n1. first\n\n> note line\n\n```bash\nls -l\n```\n",
            &course,
            Lang::En,
            80,
        );
        assert!(text.contains("  • one\n  • two\n"), "{text}");
        assert!(text.contains("  1. first\n"), "{text}");
        assert!(text.contains("  ┃ note line\n"), "{text}");
        assert!(text.contains("    ls -l\n"), "{text}");
    }
}
