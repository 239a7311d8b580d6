//! The HTML pages, parsed as XML (they are well-formed by construction):
//! what is an element and what is text, rows, statuses, figures.

use super::*;
use crate::catalog::prices::PriceBook;
use crate::checks::bill::bill;
use crate::checks::{Judge, Status};
use crate::course::Course;
use crate::snapshot::Snapshot;

const HOSTILE_NAME: &str = "<script>document.title='pwned'</script>Ana";
const HOSTILE_RESOURCE: &str = "<img src=x onerror=alert(1)>";
const HOSTILE_ERROR: &str = "AccessDenied: <iframe src=\"http://203.0.113.9/\"></iframe> & more";

fn course() -> Course {
    Course::load(None, Lang::En, &crate::checks::known()).unwrap()
}

/// The neglected practice account with a hostile name on a running app and
/// a space: its checks and what bills on it.
fn neglected(course: &Course, lang: Lang) -> (Vec<CheckResult>, StillBilling) {
    let mut snapshot: Snapshot = course.sandbox("neglected", lang).unwrap();
    snapshot.local.current = None;
    if let Ok(apps) = &mut snapshot.apps {
        apps[0].name = HOSTILE_RESOURCE.into();
    }
    if let Ok(spaces) = &mut snapshot.spaces {
        spaces[0].name = HOSTILE_RESOURCE.into();
    }
    let prices = PriceBook::new(&course.instances);
    let judge = Judge {
        course,
        prices: &prices,
        lang,
        expect_region: crate::checks::COURSE_REGION,
    };
    let mut checks = judge.judge(&snapshot, None);
    // Every status appears: one check not read, one that does not apply,
    // one accepted by an exception until its date.
    let last = checks.len() - 1;
    checks[last].status = Status::Error;
    checks[last].summary = HOSTILE_ERROR.into();
    checks[last - 1].status = Status::Skip;
    checks[last - 2].status = Status::Muted;
    checks[last - 2].exceptions = vec![accepted()];
    (checks, StillBilling::of(&bill(&prices, &snapshot)))
}

/// An exception accepting a hostile-named endpoint until a date.
fn accepted() -> crate::checks::exceptions::Accepted {
    crate::checks::exceptions::Accepted {
        kind: Some("endpoint".into()),
        name: Some(HOSTILE_RESOURCE.into()),
        region: Some("eu-central-1".into()),
        price_per_hour_usd: Some(0.1),
        monthly_usd: None,
        reason: "the class's <b>shared</b> demo".into(),
        expires: "2099-12-31".into(),
        expired: false,
        from: "exceptions.toml:3".into(),
    }
}

fn row<'a>(name: &'a str, standing: Standing, checks: &'a [CheckResult], billing: Option<&'a StillBilling>) -> Row<'a> {
    let passed = checks.iter().filter(|c| c.status == Status::Pass).count();
    Row {
        name,
        account: Some("111122223333"),
        region: Some("eu-central-1"),
        standing,
        note: None,
        checks,
        score: Some((passed, checks.len())),
        billing,
        proven: Some((&[], 3)),
        checklist: None,
        teardown: Some(false),
        spend: None,
    }
}

/// Four students: one who passed, one with everything wrong and a hostile
/// name, one whose account could not be read, one who sent nothing.
fn page(lang: Lang) -> String {
    let course = course();
    let (bad, billing) = neglected(&course, lang);
    let clean: Vec<CheckResult> = bad
        .iter()
        .map(|c| CheckResult {
            status: Status::Pass,
            exceptions: vec![],
            ..c.clone()
        })
        .collect();
    let nothing = StillBilling::of(&Default::default());
    let proven = ["start-notebook".to_string()];
    let mut passed = row("Bruno", Standing::Passed, &clean, Some(&nothing));
    passed.proven = Some((&proven, 3));
    let rows = vec![
        passed,
        row(HOSTILE_NAME, Standing::Attention, &bad, Some(&billing)),
        Row {
            note: Some(HOSTILE_ERROR),
            score: None,
            account: None,
            ..row("Carla", Standing::Unreadable, &[], None)
        },
        Row {
            note: Some("no report received"),
            ..row("Davi", Standing::Missing, &[], None)
        },
        Row {
            note: Some("account SUSPENDED in the organisation: listed, not verified"),
            score: None,
            ..row("Elis", Standing::Suspended, &[], None)
        },
    ];
    class(
        &Class {
            title: tr(lang, "instructor.title").to_string(),
            generated_at: "2026-12-06T15:00:00Z",
            rows,
            single: false,
            notes: vec![],
        },
        lang,
    )
}

fn parse(html: &str) -> roxmltree::Document<'_> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        ..roxmltree::ParsingOptions::default()
    };
    roxmltree::Document::parse_with_options(html, options).unwrap_or_else(|e| panic!("{e}:\n{html}"))
}

fn class_of<'a>(node: roxmltree::Node<'a, 'a>) -> &'a str {
    node.attribute("class").unwrap_or("")
}

fn text_of(node: roxmltree::Node<'_, '_>) -> String {
    node.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect()
}

/// Nothing from an account became markup: one script (ours), one style, no
/// element that loads anything, no event handler, no address.
fn assert_inert(doc: &roxmltree::Document<'_>) {
    let count = |tag: &str| doc.descendants().filter(|n| n.has_tag_name(tag)).count();
    assert_eq!((count("script"), count("style")), (1, 1));
    for tag in [
        "img", "iframe", "object", "embed", "link", "a", "form", "input", "base", "audio", "video",
    ] {
        assert_eq!(count(tag), 0, "<{tag}> in the page");
    }
    for node in doc.descendants().filter(|n| n.is_element()) {
        for attribute in node.attributes() {
            let name = attribute.name();
            assert!(
                !name.starts_with("on") && !["href", "src", "srcset", "action", "style"].contains(&name),
                "{name} on <{}>",
                node.tag_name().name()
            );
        }
    }
    let policy = doc
        .descendants()
        .find(|n| n.attribute("http-equiv") == Some("Content-Security-Policy"))
        .and_then(|n| n.attribute("content"))
        .unwrap();
    assert!(policy.starts_with("default-src 'none';"), "{policy}");
}

#[test]
fn the_escaper_leaves_no_markup_and_no_control_character() {
    assert_eq!(
        esc("<a href=\"x\">'&'</a>"),
        "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
    );
    assert_eq!(esc("a\u{1b}[31mb\u{0}"), "a\\u{1b}[31mb\\u{0}");
    assert_eq!(inline("run `rm -rf <x>` now"), "run <code>rm -rf &lt;x&gt;</code> now");
}

#[test]
fn a_class_page_has_a_row_per_student_and_every_account_value_is_text() {
    let html = page(Lang::En);
    let doc = parse(&html);
    assert_inert(&doc);
    // The hostile values are there, as text.
    let all = text_of(doc.root_element());
    for hostile in [HOSTILE_NAME, HOSTILE_RESOURCE, HOSTILE_ERROR] {
        assert!(all.contains(hostile), "{hostile} is not shown as text");
    }
    let table = doc
        .descendants()
        .find(|n| n.has_tag_name("table") && class_of(*n).contains("sortable"))
        .unwrap();
    let bodies: Vec<_> = table.children().filter(|n| n.has_tag_name("tbody")).collect();
    let standings: Vec<&str> = bodies.iter().map(|b| class_of(*b)).collect();
    assert_eq!(
        standings,
        [
            "st-passed",
            "st-attention",
            "st-unreadable",
            "st-missing",
            "st-suspended"
        ]
    );
    let name = |b: &roxmltree::Node<'_, '_>| text_of(b.descendants().find(|n| class_of(*n) == "name").unwrap());
    assert_eq!(name(&bodies[1]), HOSTILE_NAME);
    // Each check of a read row is a cell with its status, its summary as the title.
    let cells: Vec<_> = bodies[1]
        .descendants()
        .filter(|n| n.has_tag_name("td") && class_of(*n).starts_with("chk "))
        .collect();
    let course = course();
    let (checks, billing) = neglected(&course, Lang::En);
    assert_eq!(cells.len(), checks.len());
    for (cell, check) in cells.iter().zip(&checks) {
        assert_eq!(class_of(*cell), format!("chk s-{}", check.status.name()));
        assert!(cell.attribute("title").unwrap().ends_with(&check.summary), "{check:?}");
    }
    for status in Status::ALL {
        assert!(
            cells.iter().any(|c| class_of(*c) == format!("chk s-{}", status.name())),
            "no {status:?} cell"
        );
    }
    // The unreadable student says why, where the checks would be.
    let reason = bodies[2].descendants().find(|n| class_of(*n) == "reason").unwrap();
    assert_eq!(text_of(reason), HOSTILE_ERROR);
    assert_eq!(reason.attribute("colspan"), Some(checks.len().to_string().as_str()));
    // What still bills, in the row and in its details.
    let bills = bodies[1]
        .descendants()
        .find(|n| n.attribute("data-k") == Some("billing"))
        .unwrap();
    // The hour's compute and the month's storage, as the other formats say
    // them; what it all costs a month if left as it is in the title.
    assert_eq!(
        text_of(bills),
        format!(
            "{}+ storage {}",
            per_hour(billing.per_hour_usd, billing.partial, Lang::En),
            per_month(billing.storage_monthly_usd, billing.partial, Lang::En)
        )
    );
    let title = bills.descendants().find_map(|n| n.attribute("title")).unwrap();
    assert_eq!(
        title,
        format!(
            "if left as it is: {}",
            per_month(billing.monthly_usd(), billing.partial, Lang::En)
        )
    );
    let details = text_of(bodies[1].descendants().find(|n| n.has_tag_name("details")).unwrap());
    for r in &billing.compute {
        assert!(details.contains(&super::super::resource_line(r, Lang::En)), "{r:?}");
    }
    assert!(text_of(bodies[0]).contains("1/3") && text_of(bodies[0]).contains("start-notebook"));
    // The muted finding apart, with its reason and date; the teardown column.
    let muted = checks.iter().find(|c| c.status == Status::Muted).unwrap();
    assert!(
        details.contains(&format!("{}: {}", muted.id, accepted().line(Lang::En))),
        "{details}"
    );
    let teardown = |b: &roxmltree::Node<'_, '_>| {
        text_of(
            b.descendants()
                .find(|n| n.attribute("data-k") == Some("teardown"))
                .unwrap(),
        )
    };
    assert_eq!(
        (teardown(&bodies[0]), teardown(&bodies[2])),
        ("✘".to_string(), "✘".to_string())
    );
    // A closed account says so where its checks would be.
    let closed = bodies[4].descendants().find(|n| class_of(*n) == "reason").unwrap();
    assert!(text_of(closed).contains("SUSPENDED"));
    // Nothing opens by itself in a class: 4 rows stay short.
    assert!(
        doc.descendants()
            .filter(|n| n.has_tag_name("details"))
            .all(|n| n.attribute("open").is_none())
    );
}

#[test]
fn the_summary_adds_up_the_class_and_the_charts_count_failures() {
    let html = page(Lang::En);
    let doc = parse(&html);
    let cards: Vec<String> = doc
        .descendants()
        .filter(|n| class_of(*n).split(' ').next() == Some("card"))
        .map(|n| text_of(n.first_element_child().unwrap()))
        .collect();
    let course = course();
    let (checks, billing) = neglected(&course, Lang::En);
    assert_eq!(
        cards,
        [
            "5".to_string(),
            "1".into(),
            "1".into(),
            "1".into(),
            "1".into(),
            "1".into(),
            "1".into(),
            per_hour(billing.per_hour_usd, billing.partial, Lang::En),
            catalog::usd_at_least(billing.monthly_usd(), billing.partial, Lang::En),
        ]
    );
    assert_eq!(
        billing.monthly_usd(),
        catalog::round(billing.per_hour_usd * 730.0 + billing.storage_monthly_usd)
    );
    // One bar per check, the failing ones first, each counting one student.
    let figures: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("figure")).collect();
    assert_eq!(figures.len(), 2);
    let bars: Vec<String> = figures[0]
        .descendants()
        .filter(|n| n.has_tag_name("g"))
        .map(|g| text_of(g.first_element_child().unwrap()))
        .collect();
    assert_eq!(bars.len(), checks.len());
    let failing = checks.iter().filter(|c| c.status == Status::Fail).count();
    let first = checks.iter().find(|c| c.status == Status::Fail).unwrap();
    assert_eq!(bars[0], format!("{}: 1 ✘", first.id));
    let muted = checks.iter().find(|c| c.status == Status::Muted).unwrap();
    assert!(bars.contains(&format!("{}: 1 ~", muted.id)), "{bars:?}");
    assert!(bars[failing..].iter().all(|b| !b.contains(": 1 ✘")), "{bars:?}");
    // The cost chart: the one student whose account bills.
    let costs: Vec<String> = figures[1]
        .descendants()
        .filter(|n| n.has_tag_name("g"))
        .map(|g| text_of(g.first_element_child().unwrap()))
        .collect();
    assert_eq!(
        costs,
        [format!(
            "{HOSTILE_NAME}: {}",
            per_month(billing.monthly_usd(), billing.partial, Lang::En)
        )]
    );
}

#[test]
fn the_page_speaks_the_instructors_language() {
    let html = page(Lang::Pt);
    let doc = parse(&html);
    assert_eq!(doc.root_element().attribute("lang"), Some("pt-BR"));
    let all = text_of(doc.root_element());
    for words in [
        "passaram em tudo",
        "precisa de atenção",
        "sem acesso",
        "Gerado em 06/12/2026",
        "US$",
    ] {
        assert!(all.contains(words), "{words}");
    }
    assert!(!all.contains("needs attention"));
}

#[test]
fn the_policy_allows_exactly_the_pages_own_style_and_script() {
    use base64::Engine as _;
    use sha2::Digest as _;
    let hash = |text: &str| {
        format!(
            "sha256-{}",
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(text.as_bytes()))
        )
    };
    assert_eq!(STYLE_HASH, hash(STYLE), "STYLE changed: update STYLE_HASH");
    assert_eq!(SCRIPT_HASH, hash(SCRIPT), "SCRIPT changed: update SCRIPT_HASH");
    // Kept free of `<` and `&`, the page stays well-formed XML.
    assert!(!SCRIPT.contains(['<', '&']) && !STYLE.contains(['<', '&']));
}

#[test]
fn a_learners_check_page_is_the_class_page_for_one_account_with_every_check_in_full() {
    let course = course();
    let (checks, billing) = neglected(&course, Lang::En);
    let report = super::super::Report::new(
        "module5",
        crate::snapshot::Source::Sandbox,
        Some("111122223333".into()),
        Some("eu-central-1".into()),
        "2026-12-06T15:00:00Z".into(),
        &checks,
    );
    let html = check(&report, &billing, Lang::En);
    let doc = parse(&html);
    assert_inert(&doc);
    let bodies: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("tbody")).collect();
    assert_eq!(bodies.len(), 1);
    let details = bodies[0].descendants().find(|n| n.has_tag_name("details")).unwrap();
    assert_eq!(details.attribute("open"), Some("open"));
    let blocks: Vec<_> = details.descendants().filter(|n| class_of(*n) == "check").collect();
    assert_eq!(blocks.len(), checks.len());
    // A failing check carries its commands, each a block of its own.
    let failing = checks
        .iter()
        .find(|c| c.status == Status::Fail && !c.remediation.commands.is_empty())
        .unwrap();
    let block = blocks.iter().find(|b| text_of(**b).contains(&failing.title)).unwrap();
    let commands: Vec<String> = block
        .descendants()
        .filter(|n| n.has_tag_name("pre"))
        .map(text_of)
        .collect();
    assert_eq!(commands, failing.remediation.commands);
    let title = doc.descendants().find(|n| n.has_tag_name("h1")).map(text_of).unwrap();
    assert!(
        title.contains("111122223333") && title.contains("practice account"),
        "{title}"
    );
}

#[test]
fn an_audit_page_lists_what_bills_with_the_commands() {
    let course = course();
    let mut snapshot = course.sandbox("neglected", Lang::En).unwrap();
    if let Ok(apps) = &mut snapshot.apps {
        for app in apps {
            app.name = HOSTILE_RESOURCE.into();
        }
    }
    let prices = PriceBook::new(&course.instances);
    let audit = crate::audit::assess(
        &prices,
        &snapshot,
        &crate::audit::Morning {
            hours: 10.0,
            zone: "UTC".into(),
        },
    );
    let html = super::audit(&audit, None, Lang::En);
    let doc = parse(&html);
    assert_inert(&doc);
    assert!(text_of(doc.root_element()).contains(HOSTILE_RESOURCE));
    let tables: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("table")).collect();
    assert_eq!(tables.len(), 2, "compute and storage");
    let rows = |t: &roxmltree::Node<'_, '_>| t.children().filter(|n| n.has_tag_name("tbody")).count();
    assert_eq!(
        (rows(&tables[0]), rows(&tables[1])),
        (audit.running.len(), audit.storage.len())
    );
    let commands: Vec<String> = tables[0]
        .descendants()
        .filter(|n| n.has_tag_name("pre"))
        .map(text_of)
        .collect();
    let expected: Vec<String> = audit.running.iter().map(|i| i.target.cli(audit.region_of(i))).collect();
    assert_eq!(commands, expected);
    let deletes: Vec<String> = tables[1]
        .descendants()
        .filter(|n| n.has_tag_name("pre"))
        .map(text_of)
        .collect();
    assert_eq!(
        deletes,
        audit.storage.iter().map(|s| s.delete.clone()).collect::<Vec<_>>()
    );
    assert!(text_of(doc.root_element()).contains("sm-course module5 audit --stop"));
}
