//! A hostile name (a Studio app, a space, an endpoint, a notebook, a
//! student, an error) through every output format of `check`, `audit` and
//! the class: JSON round-trips it, JUnit XML parses with it, CSV keeps its
//! columns, Markdown (parsed as GitHub reads it) keeps its cells and shows
//! it as text, HTML shows it as text, and the terminal text keeps it on
//! its line. Each format's escaper is what these tests stand on: remove one
//! and its test fails.

use crate::audit::{Audit, Morning};
use crate::catalog::prices::PriceBook;
use crate::checks::bill::{StillBilling, bill};
use crate::checks::{CheckResult, Judge, Status};
use crate::course::Course;
use crate::i18n::Lang;
use crate::report::class::{self, Gradebook, Score, StudentResult};
use crate::report::{Report, html};
use crate::snapshot::{Snapshot, Source};
use crate::ui::clean;

/// Markup of every format, a column separator of each (`|`, `,`, `;`),
/// quotes, a newline that would start a heading, a terminal escape.
const HOSTILE: &str = "<script>alert(1)</script> | *x* _y_ [z](http://e) `code` \n# h, \"q\"; ~s~ &amp; \u{1b}[31mred";

/// What every format shows: control characters made visible (`\n`, `\u{1b}`).
fn shown() -> String {
    clean(HOSTILE)
}

/// The neglected practice account with every app, space, notebook and
/// endpoint named `HOSTILE`: its snapshot and the prices it was judged with.
fn account() -> (Course, Snapshot, PriceBook) {
    let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
    let mut snapshot: Snapshot = course.sandbox("neglected", Lang::En).unwrap();
    snapshot.local.current = None;
    if let Ok(apps) = &mut snapshot.apps {
        apps.iter_mut().for_each(|a| a.name = HOSTILE.into());
    }
    if let Ok(spaces) = &mut snapshot.spaces {
        spaces.iter_mut().for_each(|s| s.name = HOSTILE.into());
    }
    if let Ok(notebooks) = &mut snapshot.notebook_instances {
        notebooks.iter_mut().for_each(|n| n.name = HOSTILE.into());
    }
    if let Ok(endpoints) = &mut snapshot.endpoints {
        endpoints.iter_mut().for_each(|e| e.name = HOSTILE.into());
    }
    let prices = PriceBook::new(&course.instances);
    (course, snapshot, prices)
}

/// The account's checks, the first failing one's summary naming `HOSTILE`
/// (a table cell of the Markdown report, a failure's message), and what bills.
fn checks() -> (Vec<CheckResult>, StillBilling) {
    let (course, snapshot, prices) = account();
    let judge = Judge {
        course: &course,
        prices: &prices,
        lang: Lang::En,
        expect_region: crate::checks::COURSE_REGION,
    };
    let mut checks = judge.judge(&snapshot, None);
    let failing = checks.iter().position(|c| c.status == Status::Fail).unwrap();
    checks[failing].summary = HOSTILE.into();
    assert!(
        checks.iter().any(|c| c.resources.iter().any(|r| r.name == HOSTILE)),
        "a check lists a hostile resource"
    );
    (checks, StillBilling::of(&bill(&prices, &snapshot)))
}

fn audit() -> Audit {
    let (_, snapshot, prices) = account();
    let morning = Morning {
        hours: 10.0,
        zone: "UTC".into(),
    };
    let audit = crate::audit::assess(&prices, &snapshot, &morning);
    assert!(audit.running.iter().any(|b| b.resource.name == HOSTILE), "{audit:?}");
    audit
}

/// A student named `HOSTILE` with the account's checks, and one whose
/// account could not be read for a `HOSTILE` reason.
fn gradebook() -> Gradebook {
    let (checks, billing) = checks();
    let read = StudentResult {
        account: Some("111122223333".into()),
        region: Some("eu-central-1".into()),
        status: class::StudentStatus::Ok,
        error: None,
        score: Score::of(&checks),
        checks,
        still_billing: Some(billing),
        ..StudentResult::unreadable(HOSTILE.into(), String::new())
    };
    let unread = StudentResult::unreadable("Bruno".into(), HOSTILE.into());
    Gradebook::new(vec![read, unread])
}

/// Whether some string in the JSON document is exactly `HOSTILE`.
fn json_has_name(text: &str) -> bool {
    fn walk(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(s) => s == HOSTILE,
            serde_json::Value::Array(items) => items.iter().any(walk),
            serde_json::Value::Object(fields) => fields.values().any(walk),
            _ => false,
        }
    }
    walk(&serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}:\n{text}")))
}

/// Well-formed XML whose attributes or text show the name.
fn assert_xml_shows_name(xml: &str) {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    let doc = roxmltree::Document::parse_with_options(xml, options).unwrap_or_else(|e| panic!("{e}:\n{xml}"));
    let shown = shown();
    let named = doc
        .descendants()
        .any(|n| n.text().is_some_and(|t| t.contains(&shown)) || n.attributes().any(|a| a.value().contains(&shown)));
    assert!(named, "the name, as text:\n{xml}");
    // Nothing of the name became an element: only the page's own script.
    for script in doc.descendants().filter(|n| n.has_tag_name("script")) {
        assert!(!script.text().unwrap_or("").contains("alert"), "{xml}");
    }
    assert!(!doc.descendants().any(|n| n.has_tag_name("a")), "a link: {xml}");
}

/// The text of a terminal report: the name whole, on one line.
fn assert_text_shows_name(text: &str) {
    assert!(text.contains(&shown()), "{text}");
    assert!(!text.lines().any(|l| l.trim_start().starts_with("# h")), "{text}");
    assert!(!text.contains('\u{1b}'), "{text}");
}

/// Markdown as GitHub reads it (tables, strikethrough): each table's rows as
/// their cells' text (code spans in backquotes) and every other block's text.
/// Markup the reports never write (raw HTML, a link, an image, emphasis,
/// strikethrough, a line break) is a panic.
struct Markdown {
    tables: Vec<Vec<Vec<String>>>,
    blocks: Vec<String>,
}

fn parse_markdown(md: &str) -> Markdown {
    use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
    let mut parsed = Markdown {
        tables: Vec::new(),
        blocks: Vec::new(),
    };
    let mut text = String::new();
    for event in Parser::new_ext(md, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH) {
        match event {
            Event::Start(Tag::Table(_)) => parsed.tables.push(Vec::new()),
            Event::Start(Tag::TableHead | Tag::TableRow) => parsed.tables.last_mut().unwrap().push(Vec::new()),
            Event::End(TagEnd::TableCell) => {
                let row = parsed.tables.last_mut().and_then(|t| t.last_mut()).unwrap();
                row.push(std::mem::take(&mut text));
            }
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => {
                parsed.blocks.push(std::mem::take(&mut text));
            }
            Event::Text(t) => text.push_str(&t),
            Event::Code(code) => text.push_str(&format!("`{code}`")),
            Event::Start(Tag::Strong) | Event::End(TagEnd::Strong) => {}
            Event::Start(Tag::Paragraph | Tag::Heading { .. } | Tag::Item | Tag::List(_) | Tag::CodeBlock(_))
            | Event::End(TagEnd::List(_) | TagEnd::CodeBlock | TagEnd::Table | TagEnd::TableHead | TagEnd::TableRow)
            | Event::Start(Tag::TableCell) => {}
            other => panic!("markup the report does not write: {other:?}\n{md}"),
        }
    }
    parsed
}

/// Every row of every table has its header's cells (in the text, too: a
/// parser pads or cuts a row), and some cell or block shows exactly the name.
fn assert_markdown_shows_name(md: &str, in_a_cell: bool) {
    let parsed = parse_markdown(md);
    for line in md.lines().filter(|l| l.starts_with('|')) {
        let header = md.lines().find(|l| l.starts_with('|')).unwrap();
        assert_eq!(unescaped_pipes(line), unescaped_pipes(header), "{line}\n{md}");
    }
    let shown = shown();
    for table in &parsed.tables {
        assert!(table.iter().all(|row| row.len() == table[0].len()), "{table:?}");
    }
    let cell = parsed.tables.iter().flatten().flatten().any(|c| *c == shown);
    assert_eq!(cell, in_a_cell, "a cell is the name: {:?}\n{md}", parsed.tables);
    assert!(
        parsed.blocks.iter().any(|b| b.contains(&shown)),
        "a block shows the name: {:?}\n{md}",
        parsed.blocks
    );
}

fn unescaped_pipes(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        if c == '|' && !escaped {
            count += 1;
        }
        escaped = c == '\\' && !escaped;
    }
    count
}

/// RFC 4180 records (quoted fields, doubled quotes).
fn csv_records(text: &str, delimiter: char) -> Vec<Vec<String>> {
    let (mut records, mut record, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) if c == delimiter => record.push(std::mem::take(&mut field)),
            (false, c) => field.push(c),
        }
    }
    records
}

#[test]
fn a_hostile_name_in_every_format_of_check() {
    colored::control::set_override(false);
    let (checks, billing) = checks();
    let report = Report::new(
        "module5",
        Source::Aws,
        Some("111122223333".into()),
        Some("eu-central-1".into()),
        "2026-12-06T15:00:00Z".into(),
        &checks,
    );
    assert_text_shows_name(&crate::report::text(&report, Lang::En, 4000));
    assert!(json_has_name(&report.json()));
    let junit = crate::report::junit(&report, Lang::En);
    assert_xml_shows_name(&junit);
    let doc = roxmltree::Document::parse(&junit).unwrap();
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name("failure") && n.attribute("message") == Some(shown().as_str())),
        "the failing check's message: {junit}"
    );
    assert_markdown_shows_name(&crate::report::markdown(&report, Lang::En), true);
    assert_xml_shows_name(&html::check(&report, &billing, Lang::En));
}

#[test]
fn a_hostile_name_in_every_format_of_audit() {
    colored::control::set_override(false);
    let audit = audit();
    assert_text_shows_name(&crate::report::audit::text(&audit, Lang::En, 4000));
    assert!(json_has_name(&crate::util::json_pretty(&audit)));
    assert_xml_shows_name(&html::audit(&audit, None, Lang::En));
}

#[test]
fn a_hostile_name_in_every_format_of_the_class() {
    colored::control::set_override(false);
    let book = gradebook();
    assert_text_shows_name(&class::table(&book, Lang::En, 4000));
    assert!(json_has_name(&class::json(&book)));
    let junit = class::junit(&book);
    assert_xml_shows_name(&junit);
    let doc = roxmltree::Document::parse(&junit).unwrap();
    assert!(
        doc.descendants()
            .any(|n| n.has_tag_name("testsuite") && n.attribute("name") == Some(shown().as_str())),
        "the student's suite: {junit}"
    );
    assert_markdown_shows_name(&class::markdown(&book, Lang::En), true);
    assert_xml_shows_name(&class::html(&book, Lang::En, "2026-12-06T15:00:00Z"));
    for delimiter in [',', ';'] {
        let csv = class::csv(&book, delimiter);
        let records = csv_records(&csv, delimiter);
        assert_eq!(records.len(), 3, "a header and two students: {csv}");
        assert!(records.iter().all(|r| r.len() == records[0].len()), "{records:?}");
        assert_eq!(records[1][0], shown(), "{csv}");
        assert!(csv.lines().nth(1).unwrap().starts_with('"'), "quoted: {csv}");
        let error = records[0].iter().position(|h| h == "error").unwrap();
        assert_eq!(records[2][error], shown(), "{csv}");
    }
}

/// What a reader sees of a text, spacing and code formatting aside (a cell
/// is trimmed, a code span's edge spaces dropped).
fn visible(text: &str) -> String {
    text.chars().filter(|c| *c != '`' && !c.is_whitespace()).collect()
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 400, ..Default::default() })]

    /// Any text of Markdown's marks, escaped, reads back as itself and as
    /// nothing else in each place the reports put text: a table cell, a
    /// list item, a numbered step, a heading, a paragraph.
    #[test]
    fn any_escaped_text_reads_back_as_itself_in_every_markdown_place(
        start in proptest::sample::select(vec!["", "- ", "+ ", "* ", "1. ", " 12) ", "> ", "# ", "---", "    "]),
        rest in "[-+=*_~`#<>!&|:/.;\"'()\\[\\]\\\\ a1\n]{0,24}"
    ) {
        // Line starts (a list, a quote, a heading, a rule, code) as often as the rest.
        let text = format!("{start}{rest}");
        let escaped = super::md::text(&text);
        let expected = visible(&clean(&text));
        let table = parse_markdown(&format!("| h |\n|---|\n| {escaped} |\n"));
        proptest::prop_assert_eq!(table.tables.len(), 1, "{}", escaped);
        let rows = &table.tables[0];
        proptest::prop_assert!(rows.len() == 2 && rows[1].len() == 1, "{:?} from {}", rows, escaped);
        proptest::prop_assert_eq!(visible(&rows[1][0]), expected.clone(), "{}", escaped);
        for place in ["- ", "1. ", "## ", ""] {
            let parsed = parse_markdown(&format!("{place}{escaped}\n"));
            proptest::prop_assert!(parsed.tables.is_empty());
            let shown: String = parsed.blocks.concat();
            proptest::prop_assert_eq!(visible(&shown), expected.clone(), "{:?}{}", place, escaped);
        }
    }
}
