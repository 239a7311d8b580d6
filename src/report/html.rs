//! HTML pages: a class (`instructor verify --format html`), one account's
//! checks (`check --format html`) and what bills in it (`audit --format
//! html`). Each page is one self-contained file: inline CSS, inline SVG
//! charts and a few lines of script that sort the tables; no font, image,
//! script or style is fetched from anywhere, and the page's own
//! Content-Security-Policy forbids any request at all, so it works offline
//! and uploaded to an LMS. Everything reads without the script (rows'
//! details are `<details>`, checks' summaries are `title`s and are repeated
//! in the details).
//!
//! Every value is written through `esc`, the one escaper: a resource named
//! `<script>` is text. The page is also well-formed XML (void elements
//! closed, attributes quoted, no `<` or `&` in the script), which the tests
//! use to walk it.

use std::fmt::Write as _;

#[cfg(test)]
mod tests;

use crate::audit::Audit;
use crate::catalog;
use crate::checks::bill::{HOURS_PER_MONTH, StillBilling};
use crate::checks::{CheckResult, Resource, Status, StorageItem};
use crate::i18n::{Lang, tr, trf};
use crate::ui::clean;

/// Text for an element or an attribute: control characters shown escaped
/// (as the terminal reports do), then the five characters HTML gives a
/// meaning to.
pub(crate) fn esc(text: &str) -> String {
    let text = clean(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escaped text whose backquoted spans (the lessons' commands and names)
/// become `<code>`.
fn inline(text: &str) -> String {
    let mut out = String::new();
    for (n, part) in text.split('`').enumerate() {
        if n % 2 == 1 {
            let _ = write!(out, "<code>{}</code>", esc(part));
        } else {
            out.push_str(&esc(part));
        }
    }
    out
}

/// The page's style. Its hash is in the page's Content-Security-Policy
/// (`STYLE_HASH`, checked by a test): another inline style would not apply.
const STYLE: &str = r#"
:root{--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--skip:#6e7781;--error:#8250df;--muted:#0969da;--fg:#1f2328;--sub:#59636e;--line:#d1d9e0;--card:#f6f8fa;--head:#102a43}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:var(--fg);background:#fff}
header.top{background:var(--head);color:#fff;padding:18px 32px}
header.top h1{margin:0;font-size:22px;line-height:1.25;overflow-wrap:anywhere}
header.top p{margin:4px 0 0;color:#bcccdc;font-size:13px}
main{padding:20px 32px 32px;max-width:1440px;margin:0 auto}
h2{font-size:18px;margin:28px 0 8px}
h3{font-size:15px;margin:14px 0 4px}
p.note{margin:6px 0;color:var(--sub);font-size:13px}
p.warning{margin:8px 0;padding:8px 12px;border-left:4px solid var(--warn);background:#fff8c5}
code{font:13px/1.4 "DejaVu Sans Mono",Menlo,Consolas,monospace;background:#eff2f5;border-radius:4px;padding:1px 4px;overflow-wrap:anywhere}
pre{margin:6px 0;padding:8px 10px;background:#0d1117;color:#e6edf3;border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere;font:13px/1.45 "DejaVu Sans Mono",Menlo,Consolas,monospace}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:10px 14px;border-top:4px solid var(--line)}
.card b{display:block;font-size:26px;line-height:1.2;overflow-wrap:anywhere}
.card span{color:var(--sub);font-size:13px}
.card.pass{border-top-color:var(--pass)}.card.pass b{color:var(--pass)}
.card.fail{border-top-color:var(--fail)}.card.fail b{color:var(--fail)}
.card.error{border-top-color:var(--error)}.card.error b{color:var(--error)}
.card.warn{border-top-color:var(--warn)}.card.warn b{color:var(--warn)}
.card.muted{border-top-color:var(--muted)}.card.muted b{color:var(--muted)}
.card.money{border-top-color:var(--head)}
.card.money b{font-size:21px;padding-top:4px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:16px;margin-top:16px}
figure.chart{margin:0;border:1px solid var(--line);border-radius:8px;padding:12px 14px}
figure.chart figcaption{font-weight:600;margin-bottom:8px}
figure.chart svg{display:block;max-width:100%;height:auto}
svg text{font:13px system-ui,"DejaVu Sans",Arial,sans-serif;fill:var(--fg)}
svg text.v{fill:var(--sub)}
svg rect.track{fill:#eef1f4}
svg .f-pass{fill:var(--pass)}svg .f-fail{fill:var(--fail)}svg .f-warn{fill:#d4a72c}svg .f-skip{fill:#afb8c1}svg .f-error{fill:var(--error)}svg .f-muted{fill:var(--muted)}svg .f-cost{fill:#3e6a8a}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:8px}
table.grid{border-collapse:collapse;width:100%;font-size:14px}
table.grid th{background:var(--card);text-align:left;vertical-align:bottom;padding:6px 8px;border-bottom:2px solid var(--line);font-weight:600;white-space:nowrap}
table.grid th button{font:inherit;color:inherit;background:none;border:0;padding:0;cursor:pointer;text-align:inherit}
table.grid th button::after{content:" \2195";color:#8c959f;font-weight:400}
table.grid th[aria-sort=ascending] button::after{content:" \2191";color:var(--fg)}
table.grid th[aria-sort=descending] button::after{content:" \2193";color:var(--fg)}
table.grid th.chk{text-align:center;padding:6px 2px;width:34px}
table.grid th.chk button{writing-mode:vertical-rl;transform:rotate(180deg);font-weight:500;font-size:13px}
table.grid td{padding:6px 8px;border-top:1px solid var(--line);vertical-align:top}
table.grid tbody:nth-of-type(even) td{background:#fbfcfd}
table.grid td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
table.grid td.chk{text-align:center;font-weight:700;font-size:15px;padding:6px 2px;cursor:help}
table.grid td.reason{color:var(--error)}
table.grid td.who{min-width:11em}
table.grid tr.more td{border-top:0;padding-top:0}
tbody.st-attention td:first-child{box-shadow:inset 4px 0 var(--fail)}
tbody.st-unreadable td:first-child{box-shadow:inset 4px 0 var(--error)}
tbody.st-passed td:first-child{box-shadow:inset 4px 0 var(--pass)}
tbody.st-missing td:first-child,tbody.st-suspended td:first-child{box-shadow:inset 4px 0 var(--skip)}
.name{font-weight:600;overflow-wrap:anywhere}
.sub{display:block;color:var(--sub);font-size:12px;overflow-wrap:anywhere}
.cid{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.badge{display:inline-block;border-radius:999px;padding:1px 9px;font-size:12px;font-weight:600;white-space:nowrap;border:1px solid}
.b-passed{color:var(--pass);border-color:var(--pass);background:#dafbe1}
.b-attention{color:var(--fail);border-color:var(--fail);background:#ffebe9}
.b-unreadable{color:var(--error);border-color:var(--error);background:#fbefff}
.b-missing,.b-suspended{color:var(--skip);border-color:var(--skip);background:#f6f8fa}
.s-pass{color:var(--pass)}.s-fail{color:var(--fail)}.s-warn{color:var(--warn)}.s-skip{color:var(--skip)}.s-error{color:var(--error)}.s-muted{color:var(--muted)}
details{margin:2px 0 4px}
details>summary{cursor:pointer;color:#0550ae;font-size:13px}
details .body{padding:4px 0 4px 4px}
details ul{margin:4px 0 8px;padding-left:20px}
details li{margin:2px 0}
.check{border:1px solid var(--line);border-radius:8px;padding:8px 12px;margin:8px 0}
.check h3{margin:0 0 4px}
.check p{margin:4px 0}
.check ol{margin:4px 0;padding-left:22px}
.none{color:var(--sub)}
footer{margin-top:24px;color:var(--sub);font-size:13px}
@media (max-width:720px){
header.top{padding:14px 16px}
header.top h1{font-size:19px}
main{padding:14px 12px 24px}
.cards{grid-template-columns:repeat(2,minmax(0,1fr));gap:8px}
.card b{font-size:21px}
.charts{grid-template-columns:minmax(0,1fr)}
.scroll{border:0;overflow:visible}
table.grid thead{display:none}
table.grid,table.grid tbody,table.grid tr{display:block}
table.grid tbody{border:1px solid var(--line);border-radius:8px;margin:0 0 10px;overflow:hidden}
table.grid tr:first-child{display:flex;flex-wrap:wrap;align-items:baseline}
table.grid td{border:0;padding:4px 10px}
table.grid td.who{flex:1 1 100%;padding-top:8px;min-width:0}
table.grid td[data-label]::before{content:attr(data-label) ": ";color:var(--sub);font-size:12px;font-weight:400}
table.grid td.num{text-align:left}
table.grid td.chk{padding:2px 6px;font-size:13px;border:1px solid var(--line);border-radius:6px;margin:2px 0 2px 6px}
table.grid td.chk .cid{position:static;width:auto;height:auto;overflow:visible;clip:auto;font-weight:500;color:var(--fg);margin-left:3px}
table.grid td.reason{flex:1 1 100%}
table.grid td.chk.s-pass,table.grid td.chk.s-skip{display:none}
tbody.st-attention,tbody.st-unreadable,tbody.st-passed,tbody.st-missing,tbody.st-suspended{border-left-width:4px}
tbody.st-attention{border-left-color:var(--fail)}tbody.st-unreadable{border-left-color:var(--error)}tbody.st-passed{border-left-color:var(--pass)}tbody.st-missing,tbody.st-suspended{border-left-color:var(--skip)}
tbody td:first-child{box-shadow:none!important}
table.grid tr.more{display:block}
table.grid tr.more td{display:block;padding:0 10px 8px}
}
"#;

/// Sorts a table by the header clicked: each `<tbody>` (a row and its
/// details) moves as one; an empty cell goes last either way. No `<` or
/// `&` in it, so the page stays well-formed XML.
const SCRIPT: &str = r#"
(function () {
  var each = function (list, f) { Array.prototype.forEach.call(list, f); };
  each(document.querySelectorAll('table.sortable'), function (table) {
    each(table.querySelectorAll('th[data-k] button'), function (button) {
      button.addEventListener('click', function () {
        var th = button.parentNode, k = th.getAttribute('data-k');
        var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
        each(table.querySelectorAll('th[aria-sort]'), function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
        var key = function (body) {
          var cell = body.querySelector('td[data-k="' + k + '"]');
          return cell ? cell.getAttribute('data-sort') : '';
        };
        var bodies = Array.prototype.slice.call(table.tBodies);
        bodies.sort(function (a, b) {
          var x = key(a), y = key(b);
          if (x === y) { return 0; }
          if (x === '') { return 1; }
          if (y === '') { return -1; }
          var n = parseFloat(x) - parseFloat(y);
          return dir * (isNaN(n) ? x.localeCompare(y) : n);
        });
        each(bodies, function (body) { table.appendChild(body); });
      });
    });
  });
})();
"#;

/// base64 of the SHA-256 of `STYLE` and `SCRIPT`, for the page's
/// Content-Security-Policy (a test recomputes them).
const STYLE_HASH: &str = "sha256-yOdfWO+zWUJvvJP2ZFsxpz5Emh6Z/DGxu/bzvmRwdUE=";
const SCRIPT_HASH: &str = "sha256-1j97MeQPP9dlzxk1z23KLKclKX447/KlU616nk7BKqA=";

/// The whole document around `body`.
fn document(lang: Lang, title: &str, subtitle: &str, body: &str) -> String {
    let code = match lang {
        Lang::Pt => "pt-BR",
        Lang::En => "en",
    };
    format!(
        "<!DOCTYPE html>\n<html lang=\"{code}\">\n<head>\n<meta charset=\"utf-8\"/>\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src '{STYLE_HASH}'; \
         script-src '{SCRIPT_HASH}'; img-src data:; base-uri 'none'; form-action 'none'\"/>\n\
         <meta name=\"generator\" content=\"sm-course {version}\"/>\n<title>{title}</title>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n<header class=\"top\"><h1>{title}</h1><p>{subtitle}</p></header>\n\
         <main>\n{body}</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n",
        version = env!("CARGO_PKG_VERSION"),
        title = esc(title),
        subtitle = esc(subtitle),
    )
}

/// "Generated 2026-12-06 15:10 (Europe/Berlin) by sm-course 0.1.0", from an RFC 3339 time.
fn generated(lang: Lang, at: &str) -> String {
    let at = crate::util::local_time(at, &jiff::tz::TimeZone::system(), lang);
    trf(
        lang,
        "html.generated",
        &[("at", &at), ("version", &env!("CARGO_PKG_VERSION"))],
    )
}

/// How a student (or the one account of a learner's page) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Standing {
    /// Read, and nothing needs doing.
    Passed,
    /// Read, and a check fails or errs (or nothing was evaluated, or a flag).
    Attention,
    /// Not read: the reason is in `Row::note`.
    Unreadable,
    /// `collect` with a roster: no report sent.
    Missing,
    /// `verify --org-ou`: an account the organisation lists as closed.
    Suspended,
}

impl Standing {
    fn class(self) -> &'static str {
        match self {
            Standing::Passed => "passed",
            Standing::Attention => "attention",
            Standing::Unreadable => "unreadable",
            Standing::Missing => "missing",
            Standing::Suspended => "suspended",
        }
    }

    fn word(self, lang: Lang) -> &'static str {
        match self {
            Standing::Passed => tr(lang, "html.standing_passed"),
            Standing::Attention => tr(lang, "html.standing_attention"),
            Standing::Unreadable => tr(lang, "html.standing_unreadable"),
            Standing::Missing => tr(lang, "html.standing_missing"),
            Standing::Suspended => tr(lang, "html.standing_suspended"),
        }
    }

    /// Sort order: the worst last.
    fn rank(self) -> u8 {
        match self {
            Standing::Passed => 0,
            Standing::Suspended => 0,
            Standing::Missing => 1,
            Standing::Attention => 2,
            Standing::Unreadable => 3,
        }
    }
}

/// One account's row: a student of a class, or the learner's own account.
pub(crate) struct Row<'a> {
    pub name: &'a str,
    pub account: Option<&'a str>,
    pub region: Option<&'a str>,
    pub standing: Standing,
    /// Why it could not be read, or what was flagged about it.
    pub note: Option<&'a str>,
    pub checks: &'a [CheckResult],
    /// Checks passed of checks evaluated.
    pub score: Option<(usize, usize)>,
    /// What bills on it now.
    pub billing: Option<&'a StillBilling>,
    /// Checklist items the account itself proves (ids), of how many.
    pub proven: Option<(&'a [String], usize)>,
    /// From a learner's report: the checklist as `5/7 (quiz 3, task 2)`.
    pub checklist: Option<String>,
    /// Whether the account proves its teardown (nothing left billing).
    pub teardown: Option<bool>,
    /// `--spend`: the month so far from Cost Explorer, or why not.
    pub spend: Option<&'a crate::spend::MonthFigure>,
}

/// A class page (or the one-row page of `check`).
pub(crate) struct Class<'a> {
    pub title: String,
    pub generated_at: &'a str,
    pub rows: Vec<Row<'a>>,
    /// One learner's account: its row's details open, every check in full.
    pub single: bool,
    /// Lines said under the summary (regions skipped, lists not read).
    pub notes: Vec<String>,
}

fn icon(status: Status) -> &'static str {
    match status {
        Status::Pass => "✔",
        Status::Fail => "✘",
        Status::Warn => "!",
        Status::Skip => "–",
        Status::Error => "?",
        Status::Muted => "~",
    }
}

/// Sort order of a check's status: the worst last.
fn status_rank(status: Status) -> u8 {
    match status {
        Status::Skip => 0,
        Status::Pass => 1,
        Status::Muted => 2,
        Status::Warn => 3,
        Status::Error => 4,
        Status::Fail => 5,
    }
}

fn needs_doing(status: Status) -> bool {
    matches!(status, Status::Fail | Status::Warn | Status::Error)
}

fn usd(value: f64, lang: Lang) -> String {
    catalog::usd(value, lang)
}

/// Dollars, and "< $0.01" for what rounds to no cent but is not nothing.
fn money(value: f64, lang: Lang) -> String {
    match value > 0.0 && value < 0.005 {
        true => format!("< {}", usd(0.01, lang)),
        false => usd(value, lang),
    }
}

fn per_hour(value: f64, partial: bool, lang: Lang) -> String {
    format!("{}/h", catalog::usd_at_least(value, partial, lang))
}

/// A month's figure; under a cent (a few kilobytes of EFS) it says so
/// rather than "$0.00" (`money`).
fn per_month(value: f64, partial: bool, lang: Lang) -> String {
    let usd = money(value, lang);
    let usd = match partial {
        true => trf(lang, "report.at_least", &[("usd", &usd)]),
        false => usd,
    };
    trf(lang, "report.per_month", &[("usd", &usd)])
}

fn card(class: &str, figure: &str, label: &str) -> String {
    format!(
        "<div class=\"card {class}\"><b>{}</b><span>{}</span></div>\n",
        esc(figure),
        esc(label)
    )
}

/// One bar of a chart: its label, its segments (value, colour class) and
/// the figure written after it.
struct Bar {
    label: String,
    segments: Vec<(f64, &'static str)>,
    value: String,
}

/// A horizontal bar chart as inline SVG, its caption and an empty message.
fn chart(caption: &str, bars: &[Bar], empty: &str, after: Option<&str>) -> String {
    let mut out = format!("<figure class=\"chart\"><figcaption>{}</figcaption>\n", esc(caption));
    if bars.is_empty() {
        let _ = writeln!(out, "<p class=\"note\">{}</p></figure>", esc(empty));
        return out;
    }
    const WIDTH: f64 = 440.0;
    const LABEL: f64 = 150.0;
    const TRACK: f64 = 160.0;
    const ROW: f64 = 24.0;
    let max = bars
        .iter()
        .map(|b| b.segments.iter().map(|s| s.0).sum::<f64>())
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let height = ROW * bars.len() as f64 + 4.0;
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" \
         role=\"img\" aria-label=\"{}\">",
        esc(caption)
    );
    for (n, bar) in bars.iter().enumerate() {
        let y = ROW * n as f64 + 2.0;
        // What fits beside the bars in 13 px type; the whole of it is the title.
        let label: String = if bar.label.chars().count() > 19 {
            bar.label.chars().take(18).chain(['…']).collect()
        } else {
            bar.label.clone()
        };
        let _ = write!(
            out,
            "<g><title>{}: {}</title><text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect class=\"track\" x=\"{LABEL}\" y=\"{}\" width=\"{TRACK}\" height=\"14\" rx=\"2\"/>",
            esc(&bar.label),
            esc(&bar.value),
            LABEL - 6.0,
            y + 13.0,
            esc(&label),
            y + 3.0,
        );
        let mut x = LABEL;
        for (value, class) in &bar.segments {
            let width = value / max * TRACK;
            if width > 0.0 {
                let _ = write!(
                    out,
                    "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{}\" width=\"{width:.1}\" height=\"14\" rx=\"2\"/>",
                    y + 3.0
                );
                x += width;
            }
        }
        let _ = writeln!(
            out,
            "<text class=\"v\" x=\"{}\" y=\"{}\">{}</text></g>",
            LABEL + TRACK + 6.0,
            y + 13.0,
            esc(&bar.value)
        );
    }
    out.push_str("</svg>\n");
    if let Some(after) = after {
        let _ = writeln!(out, "<p class=\"note\">{}</p>", esc(after));
    }
    out.push_str("</figure>\n");
    out
}

/// The check ids any row has, in the registry's order.
fn check_ids(rows: &[Row<'_>]) -> Vec<&'static str> {
    crate::checks::ids()
        .filter(|id| rows.iter().any(|r| r.checks.iter().any(|c| c.id == *id)))
        .collect()
}

/// The class summary: students by standing, what bills now.
fn class_cards(rows: &[Row<'_>], single: bool, lang: Lang) -> String {
    let count = |s: Standing| rows.iter().filter(|r| r.standing == s).count();
    let mut out = String::from("<section class=\"cards\">\n");
    let checks: Vec<&CheckResult> = rows.iter().flat_map(|r| r.checks.iter()).collect();
    let of = |s: Status| checks.iter().filter(|c| c.status == s).count();
    let muted = checks.iter().map(|c| accepted(c).count()).sum::<usize>();
    // (colour, figure, words, shown when it is zero)
    let figures = match single {
        true => vec![
            ("pass", of(Status::Pass), "html.checks_passing", true),
            ("fail", of(Status::Fail), "html.checks_failing", true),
            ("warn", of(Status::Warn), "html.checks_warning", true),
            ("error", of(Status::Error), "html.checks_unread", false),
            ("muted", muted, "html.count_muted", false),
        ],
        false => vec![
            ("", rows.len(), "html.students", true),
            ("pass", count(Standing::Passed), "html.count_passed", true),
            ("fail", count(Standing::Attention), "html.count_attention", true),
            ("error", count(Standing::Unreadable), "html.count_unreadable", true),
            ("", count(Standing::Missing), "html.count_missing", false),
            ("", count(Standing::Suspended), "html.count_suspended", false),
            ("muted", muted, "html.count_muted", false),
        ],
    };
    for (colour, n, words, always) in figures {
        if always || n > 0 {
            out.push_str(&card(colour, &n.to_string(), tr(lang, words)));
        }
    }
    let billing: Vec<&StillBilling> = rows.iter().filter_map(|r| r.billing).collect();
    if !billing.is_empty() {
        let hourly = catalog::round(billing.iter().map(|b| b.per_hour_usd).sum());
        let monthly = catalog::round(billing.iter().map(|b| b.monthly_usd()).sum());
        let partial = billing.iter().any(|b| b.partial);
        let (hour_label, month_label) = match single {
            true => ("html.bills_hour_account", "html.bills_month_account"),
            false => ("html.bills_hour_class", "html.bills_month_class"),
        };
        out.push_str(&card("money", &per_hour(hourly, partial, lang), tr(lang, hour_label)));
        out.push_str(&card(
            "money",
            &catalog::usd_at_least(monthly, partial, lang),
            &trf(lang, month_label, &[("hours", &HOURS_PER_MONTH)]),
        ));
    }
    let spend: Vec<&crate::spend::MonthFigure> = rows.iter().filter_map(|r| r.spend).collect();
    if !spend.is_empty() {
        let read: Vec<f64> = spend.iter().filter_map(|m| m.usd()).collect();
        let total = catalog::round(read.iter().sum());
        out.push_str(&card(
            "money",
            &usd(total, lang),
            &trf(
                lang,
                "html.spend_card",
                &[("read", &read.len()), ("asked", &spend.len())],
            ),
        ));
    }
    out.push_str("</section>\n");
    out
}

/// What exceptions accept in a check now (expired ones fail again and say so).
fn accepted(c: &CheckResult) -> impl Iterator<Item = &crate::checks::exceptions::Accepted> {
    c.exceptions.iter().filter(|a| !a.expired)
}

/// The class charts: failures per check, and what each student's account
/// costs a month; for one account, its checks by status and what each
/// resource costs a month.
fn class_charts(rows: &[Row<'_>], ids: &[&'static str], single: bool, lang: Lang) -> String {
    let mut out = String::from("<section class=\"charts\">\n");
    if single {
        let bars: Vec<Bar> = Status::ALL
            .iter()
            // Muted only where an exception accepted something.
            .filter(|s| **s != Status::Muted || rows.iter().any(|r| r.checks.iter().any(|c| c.status == **s)))
            .map(|s| {
                let n = rows
                    .iter()
                    .flat_map(|r| r.checks.iter())
                    .filter(|c| c.status == *s)
                    .count();
                Bar {
                    label: super::status_word(*s, lang).to_string(),
                    segments: vec![(n as f64, fill(*s))],
                    value: n.to_string(),
                }
            })
            .collect();
        out.push_str(&chart(tr(lang, "html.chart_statuses"), &bars, "", None));
        let billing = rows.first().and_then(|r| r.billing);
        out.push_str(&resource_chart(billing, lang));
    } else {
        let mut bars: Vec<(usize, Bar)> = ids
            .iter()
            .map(|id| {
                let of = |s: Status| {
                    rows.iter()
                        .filter(|r| r.checks.iter().any(|c| c.id == *id && c.status == s))
                        .count()
                };
                let (fail, error, warn) = (of(Status::Fail), of(Status::Error), of(Status::Warn));
                // Students with a finding of this check accepted by an exception.
                let muted = rows
                    .iter()
                    .filter(|r| r.checks.iter().any(|c| c.id == *id && accepted(c).next().is_some()))
                    .count();
                let parts: Vec<String> = [
                    (fail, Status::Fail),
                    (error, Status::Error),
                    (warn, Status::Warn),
                    (muted, Status::Muted),
                ]
                .iter()
                .filter(|(n, _)| *n > 0)
                .map(|(n, s)| format!("{n} {}", icon(*s)))
                .collect();
                let value = match parts.is_empty() {
                    true => "0".to_string(),
                    false => parts.join(" · "),
                };
                (
                    fail * 10_000 + error * 100 + warn,
                    Bar {
                        label: id.to_string(),
                        segments: vec![
                            (fail as f64, "f-fail"),
                            (error as f64, "f-error"),
                            (warn as f64, "f-warn"),
                            (muted as f64, "f-muted"),
                        ],
                        value,
                    },
                )
            })
            .collect();
        bars.sort_by_key(|b| std::cmp::Reverse(b.0));
        let bars: Vec<Bar> = bars.into_iter().map(|(_, b)| b).collect();
        out.push_str(&chart(
            tr(lang, "html.chart_failures"),
            &bars,
            tr(lang, "html.no_checks"),
            None,
        ));
        out.push_str(&cost_chart(rows, lang));
    }
    out.push_str("</section>\n");
    out
}

fn fill(status: Status) -> &'static str {
    match status {
        Status::Pass => "f-pass",
        Status::Fail => "f-fail",
        Status::Warn => "f-warn",
        Status::Skip => "f-skip",
        Status::Error => "f-error",
        Status::Muted => "f-muted",
    }
}

/// Bars shown before the rest is summed up in a line.
const TOP: usize = 12;

/// What each student's account costs a month if left as it is, the
/// costliest first.
fn cost_chart(rows: &[Row<'_>], lang: Lang) -> String {
    let mut costs: Vec<(&str, &StillBilling)> = rows
        .iter()
        .filter_map(|r| r.billing.map(|b| (r.name, b)))
        .filter(|(_, b)| b.monthly_usd() > 0.0 || b.partial)
        .collect();
    costs.sort_by(|a, b| b.1.monthly_usd().total_cmp(&a.1.monthly_usd()));
    let bars: Vec<Bar> = costs
        .iter()
        .take(TOP)
        .map(|(name, b)| Bar {
            label: name.to_string(),
            segments: vec![(b.monthly_usd(), "f-cost")],
            value: per_month(b.monthly_usd(), b.partial, lang),
        })
        .collect();
    let rest = costs.get(TOP..).unwrap_or_default();
    let after = (!rest.is_empty()).then(|| {
        let sum = catalog::round(rest.iter().map(|(_, b)| b.monthly_usd()).sum());
        trf(
            lang,
            "html.chart_more",
            &[("count", &rest.len()), ("usd", &per_month(sum, false, lang))],
        )
    });
    chart(
        &trf(lang, "html.chart_cost", &[("hours", &HOURS_PER_MONTH)]),
        &bars,
        tr(lang, "html.nothing_bills"),
        after.as_deref(),
    )
}

/// What each resource of one account costs a month if left as it is.
fn resource_chart(billing: Option<&StillBilling>, lang: Lang) -> String {
    let mut bars: Vec<(f64, Bar)> = Vec::new();
    if let Some(b) = billing {
        for r in &b.compute {
            let monthly = r.price_per_hour_usd.map(|p| catalog::round(p * HOURS_PER_MONTH));
            bars.push(resource_bar(&r.name, monthly, lang));
        }
        for s in &b.storage {
            bars.push(resource_bar(&s.name, s.monthly_usd, lang));
        }
    }
    bars.sort_by(|a, b| b.0.total_cmp(&a.0));
    let rest = bars.len().saturating_sub(TOP);
    let after = (rest > 0).then(|| {
        let sum = catalog::round(bars[TOP..].iter().map(|(v, _)| v).sum());
        trf(
            lang,
            "html.chart_more",
            &[("count", &rest), ("usd", &per_month(sum, false, lang))],
        )
    });
    let bars: Vec<Bar> = bars.into_iter().take(TOP).map(|(_, b)| b).collect();
    chart(
        &trf(lang, "html.chart_resources", &[("hours", &HOURS_PER_MONTH)]),
        &bars,
        tr(lang, "html.nothing_bills_here"),
        after.as_deref(),
    )
}

fn resource_bar(name: &str, monthly: Option<f64>, lang: Lang) -> (f64, Bar) {
    let value = monthly.map_or_else(|| "?".to_string(), |m| per_month(m, false, lang));
    (
        monthly.unwrap_or(0.0),
        Bar {
            label: name.to_string(),
            segments: vec![(monthly.unwrap_or(0.0), "f-cost")],
            value,
        },
    )
}

/// ` name="value"`, or nothing for an empty value.
fn attribute(name: &str, value: &str) -> String {
    match value {
        "" => String::new(),
        v => format!(" {name}=\"{}\"", esc(v)),
    }
}

/// A sortable header: `key` names the cells it sorts by.
fn th(key: &str, label: &str, class: &str, title: &str) -> String {
    format!(
        "<th scope=\"col\" data-k=\"{key}\"{}{}><button type=\"button\">{}</button></th>",
        attribute("class", class),
        attribute("title", title),
        esc(label)
    )
}

/// A cell: its sort key and, on a narrow screen, its label.
fn td(key: &str, sort: &str, label: &str, class: &str, inner: &str) -> String {
    format!(
        "<td data-k=\"{key}\" data-sort=\"{}\"{}{}>{inner}</td>",
        esc(sort),
        attribute("data-label", label),
        attribute("class", class)
    )
}

/// The columns a class table has besides the checks.
struct Columns {
    checklist: bool,
    proven: bool,
    teardown: bool,
    billing: bool,
    spend: bool,
}

impl Columns {
    fn of(rows: &[Row<'_>]) -> Columns {
        Columns {
            checklist: rows.iter().any(|r| r.checklist.is_some()),
            proven: rows.iter().any(|r| r.proven.is_some()),
            teardown: rows.iter().any(|r| r.teardown.is_some()),
            billing: rows.iter().any(|r| r.billing.is_some()),
            spend: rows.iter().any(|r| r.spend.is_some()),
        }
    }

    /// Each column shown, with its key and header's words, in order.
    fn shown(&self) -> Vec<(&'static str, &'static str)> {
        [
            (true, "name", "instructor.student"),
            (true, "standing", "html.status"),
            (true, "score", "instructor.score"),
            (self.checklist, "checklist", "instructor.checklist"),
            (self.proven, "proven", "instructor.on_account"),
            (self.teardown, "teardown", "instructor.teardown"),
            (self.billing, "billing", "html.billing"),
            (self.spend, "spend", "instructor.spend"),
        ]
        .into_iter()
        .filter(|(shown, _, _)| *shown)
        .map(|(_, key, words)| (key, words))
        .collect()
    }
}

pub(crate) fn class(page: &Class<'_>, lang: Lang) -> String {
    let rows = &page.rows;
    let ids = check_ids(rows);
    let columns = Columns::of(rows);
    let mut body = class_cards(rows, page.single, lang);
    for note in &page.notes {
        let _ = writeln!(body, "<p class=\"note\">{}</p>", esc(note));
    }
    body.push_str(&class_charts(rows, &ids, page.single, lang));
    let heading = match page.single {
        true => tr(lang, "html.account_heading"),
        false => tr(lang, "html.students_heading"),
    };
    let _ = writeln!(body, "<h2>{}</h2>", esc(heading));
    let _ = writeln!(body, "<p class=\"note\">{}</p>", esc(tr(lang, "html.sort_hint")));
    body.push_str("<div class=\"scroll\"><table class=\"grid sortable\">\n<thead><tr>");
    let shown = columns.shown();
    for (key, words) in &shown {
        body.push_str(&th(key, tr(lang, words), "", ""));
    }
    for id in &ids {
        let title = rows
            .iter()
            .flat_map(|r| r.checks.iter())
            .find(|c| c.id == *id)
            .map_or(String::new(), |c| c.title.clone());
        body.push_str(&th(&format!("c-{id}"), id, "chk", &title));
    }
    body.push_str("</tr></thead>\n");
    let width = shown.len() + ids.len();
    for row in rows {
        body.push_str(&class_row(row, &columns, &ids, width, page.single, lang));
    }
    body.push_str("</table></div>\n");
    let _ = writeln!(body, "<footer><p>{}</p></footer>", esc(tr(lang, "html.legend")));
    document(lang, &page.title, &generated(lang, page.generated_at), &body)
}

/// One student: a row of figures and statuses, and a row of details below
/// it, in a `<tbody>` of their own so sorting moves them together.
fn class_row(row: &Row<'_>, columns: &Columns, ids: &[&'static str], width: usize, single: bool, lang: Lang) -> String {
    let mut out = format!("<tbody class=\"st-{}\"><tr>", row.standing.class());
    let mut who = format!("<span class=\"name\">{}</span>", esc(row.name));
    let place: Vec<&str> = [row.account, row.region].into_iter().flatten().collect();
    if !place.is_empty() {
        let _ = write!(who, "<span class=\"sub\">{}</span>", esc(&place.join(" · ")));
    }
    out.push_str(&td("name", &row.name.to_lowercase(), "", "who", &who));
    out.push_str(&td(
        "standing",
        &row.standing.rank().to_string(),
        tr(lang, "html.status"),
        "",
        &format!(
            "<span class=\"badge b-{}\">{}</span>",
            row.standing.class(),
            esc(row.standing.word(lang))
        ),
    ));
    let (score, score_sort) = match row.score {
        Some((passed, evaluated)) if matches!(row.standing, Standing::Passed | Standing::Attention) => (
            format!("{passed}/{evaluated}"),
            format!(
                "{:.4}",
                if evaluated == 0 {
                    0.0
                } else {
                    passed as f64 / evaluated as f64
                }
            ),
        ),
        _ => ("—".to_string(), String::new()),
    };
    let figure = |key: &str, sort: &str, label: &str, text: &str| td(key, sort, tr(lang, label), "num", &esc(text));
    out.push_str(&figure("score", &score_sort, "instructor.score", &score));
    if columns.checklist {
        let text = row.checklist.clone().unwrap_or_default();
        out.push_str(&figure("checklist", &text, "instructor.checklist", &text));
    }
    if columns.proven {
        let (text, sort) = match row.proven {
            Some((proven, total)) => (format!("{}/{total}", proven.len()), proven.len().to_string()),
            None => (String::new(), String::new()),
        };
        out.push_str(&figure("proven", &sort, "instructor.on_account", &text));
    }
    if columns.teardown {
        let (mark, sort) = match row.teardown {
            Some(true) => ("✔", "1"),
            Some(false) => ("✘", "0"),
            None => ("", ""),
        };
        out.push_str(&figure("teardown", sort, "instructor.teardown", mark));
    }
    if columns.billing {
        // The hour's compute and the month's storage, as the gradebook's
        // other formats say them; sorted (and titled) by the month if left.
        let (inner, sort) = match row.billing {
            Some(b) if b.monthly_usd() > 0.0 || b.partial => (
                format!(
                    "<span title=\"{}\">{}<span class=\"sub\">{}</span></span>",
                    esc(&trf(
                        lang,
                        "html.if_left",
                        &[("usd", &per_month(b.monthly_usd(), b.partial, lang))]
                    )),
                    esc(&per_hour(b.per_hour_usd, b.partial, lang)),
                    esc(&trf(
                        lang,
                        "html.storage_month",
                        &[("usd", &per_month(b.storage_monthly_usd, b.partial, lang))]
                    ))
                ),
                format!("{:.6}", b.monthly_usd()),
            ),
            Some(_) => (
                format!("<span class=\"none\">{}</span>", esc(tr(lang, "html.nothing"))),
                "0".to_string(),
            ),
            None => (String::new(), String::new()),
        };
        out.push_str(&td("billing", &sort, tr(lang, "html.billing"), "num", &inner));
    }
    if columns.spend {
        let (text, sort, title) = match row.spend {
            Some(m) => (
                m.cell(lang),
                m.usd().map_or(String::new(), |v| format!("{v:.6}")),
                m.line(lang),
            ),
            None => (String::new(), String::new(), String::new()),
        };
        out.push_str(&td(
            "spend",
            &sort,
            tr(lang, "instructor.spend"),
            "num",
            &format!("<span{}>{}</span>", attribute("title", &title), esc(&text)),
        ));
    }
    match row.standing {
        Standing::Unreadable | Standing::Missing | Standing::Suspended if !ids.is_empty() => {
            let reason = row.note.unwrap_or_default();
            let _ = write!(
                out,
                "<td class=\"reason\" colspan=\"{}\">{}</td>",
                ids.len(),
                esc(reason)
            );
        }
        _ => {
            for id in ids {
                out.push_str(&check_cell(row.checks.iter().find(|c| c.id == *id), id, lang));
            }
        }
    }
    out.push_str("</tr>");
    let details = row_details(row, single, lang);
    if !details.is_empty() {
        let open = if single { " open=\"open\"" } else { "" };
        let _ = write!(
            out,
            "<tr class=\"more\"><td colspan=\"{width}\"><details{open}><summary>{}</summary><div class=\"body\">{details}</div></details></td></tr>",
            esc(tr(lang, "html.details"))
        );
    }
    out.push_str("</tbody>\n");
    out
}

fn check_cell(check: Option<&CheckResult>, id: &str, lang: Lang) -> String {
    let Some(c) = check else {
        return td(&format!("c-{id}"), "", "", "chk", "");
    };
    let word = super::status_word(c.status, lang);
    let title = format!("{} — {word}: {}", c.title, c.summary);
    format!(
        "<td data-k=\"c-{id}\" data-sort=\"{}\" class=\"chk s-{}\" title=\"{}\"><span aria-hidden=\"true\">{}</span>\
         <span class=\"cid\">{} {}</span></td>",
        status_rank(c.status),
        c.status.name(),
        esc(&title),
        icon(c.status),
        esc(id),
        esc(word),
    )
}

/// A row's details: why it could not be read or what was flagged, what to
/// do about each check (every check in full on a learner's page), what
/// still bills, what the account proves.
fn row_details(row: &Row<'_>, single: bool, lang: Lang) -> String {
    let mut out = String::new();
    // An unreadable row says why in the row itself; a flag on a read one here.
    if let (Some(note), Standing::Passed | Standing::Attention) = (row.note, row.standing) {
        let _ = writeln!(out, "<p class=\"warning\">{}</p>", esc(note));
    }
    if single {
        for c in row.checks {
            out.push_str(&check_block(c, lang));
        }
        let unread = super::unread(row.checks, lang);
        if !unread.is_empty() {
            let _ = writeln!(out, "<h3>{}</h3><ul>", esc(tr(lang, "report.unread_heading")));
            for line in unread {
                let _ = writeln!(out, "<li>{}</li>", inline(&line));
            }
            out.push_str("</ul>\n");
        }
    } else {
        let to_do: Vec<&CheckResult> = row.checks.iter().filter(|c| needs_doing(c.status)).collect();
        if !to_do.is_empty() {
            let _ = writeln!(out, "<h3>{}</h3><ul>", esc(tr(lang, "html.to_do")));
            for c in to_do {
                let _ = write!(out, "<li>{}: {}", check_name(c, lang), inline(&c.summary));
                if let Some(command) = c.remediation.commands.first() {
                    let _ = write!(out, "<pre>{}</pre>", esc(command));
                }
                out.push_str("</li>\n");
            }
            out.push_str("</ul>\n");
        }
        out.push_str(&muted_list(row.checks, lang));
    }
    if let Some(b) = row.billing {
        out.push_str(&billing_list(b, lang));
    }
    if let Some(spend) = row.spend {
        let _ = writeln!(out, "<p>{}</p>", inline(&spend.line(lang)));
    }
    if let Some((proven, total)) = row.proven {
        let items = match proven {
            [] => tr(lang, "html.none_yet").to_string(),
            some => some.join(", "),
        };
        let _ = writeln!(
            out,
            "<p>{}</p>",
            esc(&trf(
                lang,
                "html.proven",
                &[("count", &proven.len()), ("total", &total), ("items", &items)]
            ))
        );
    }
    out
}

/// What exceptions accept, apart, each with its check, reason and date.
fn muted_list(checks: &[CheckResult], lang: Lang) -> String {
    let lines: Vec<String> = checks
        .iter()
        .flat_map(|c| accepted(c).map(move |a| format!("{}: {}", c.id, a.line(lang))))
        .collect();
    if lines.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<h3 class=\"s-muted\">~ {}</h3><ul>\n",
        esc(tr(lang, "instructor.muted"))
    );
    for line in lines {
        let _ = writeln!(out, "<li>{}</li>", inline(&line));
    }
    out.push_str("</ul>\n");
    out
}

/// What still bills on one account: compute by the hour, storage by the month.
fn billing_list(b: &StillBilling, lang: Lang) -> String {
    if b.compute.is_empty() && b.storage.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<h3>{}</h3><ul>\n",
        esc(&trf(
            lang,
            "html.billing_heading",
            &[
                ("per_hour", &per_hour(b.per_hour_usd, b.partial, lang)),
                ("per_month", &per_month(b.monthly_usd(), b.partial, lang))
            ]
        ))
    );
    for r in &b.compute {
        let _ = writeln!(out, "<li>{}</li>", resource_item(r, lang));
    }
    for s in &b.storage {
        let _ = writeln!(out, "<li>{}</li>", storage_item(s, lang));
    }
    out.push_str("</ul>\n");
    out
}

/// A line of the text report, with its region first (`[eu-central-1] …`).
fn placed(region: Option<&str>, line: &str) -> String {
    match region {
        Some(region) => esc(&format!("[{region}] {line}")),
        None => esc(line),
    }
}

fn resource_item(r: &Resource, lang: Lang) -> String {
    placed(r.region.as_deref(), &super::resource_line(r, lang))
}

fn storage_item(s: &StorageItem, lang: Lang) -> String {
    placed(s.region.as_deref(), &super::storage_line(s, lang))
}

/// "✘ fail Budget in place `budget`", coloured by its status.
fn check_name(c: &CheckResult, lang: Lang) -> String {
    format!(
        "<span class=\"s-{}\">{} {}</span> {} <code>{}</code>",
        c.status.name(),
        icon(c.status),
        esc(super::status_word(c.status, lang)),
        esc(&c.title),
        esc(c.id)
    )
}

/// One check in full, as the text report says it: status, title, summary,
/// resources, why, steps, where in the console, the commands.
fn check_block(c: &CheckResult, lang: Lang) -> String {
    let mut out = format!(
        "<div class=\"check\"><h3>{}</h3>\n<p>{}</p>\n",
        check_name(c, lang),
        inline(&c.summary)
    );
    if !c.resources.is_empty() || !c.storage.is_empty() {
        out.push_str("<ul>\n");
        for r in &c.resources {
            let _ = writeln!(out, "<li>{}</li>", resource_item(r, lang));
        }
        for s in &c.storage {
            let _ = writeln!(out, "<li>{}</li>", storage_item(s, lang));
        }
        out.push_str("</ul>\n");
    }
    if !c.exceptions.is_empty() {
        out.push_str("<ul>\n");
        for a in &c.exceptions {
            let _ = writeln!(out, "<li class=\"s-muted\">~ {}</li>", inline(&a.line(lang)));
        }
        out.push_str("</ul>\n");
    }
    if needs_doing(c.status) && c.error.is_none() {
        let fix = &c.remediation;
        if let Some(why) = &fix.why {
            let _ = writeln!(out, "<p><b>{}:</b> {}</p>", esc(tr(lang, "report.why")), inline(why));
        }
        if !fix.steps.is_empty() {
            out.push_str("<ol>\n");
            for step in &fix.steps {
                let _ = writeln!(out, "<li>{}</li>", inline(step));
            }
            out.push_str("</ol>\n");
        }
        if let Some(console) = &fix.console {
            let _ = writeln!(
                out,
                "<p><b>{}:</b> {}</p>",
                esc(tr(lang, "report.console")),
                inline(console)
            );
        }
        for command in &fix.commands {
            let _ = writeln!(out, "<pre>{}</pre>", esc(command));
        }
    }
    out.push_str("</div>\n");
    out
}

/// `audit --format html`: what bills by the hour and by the month in one
/// account (every region read), with the totals and the commands.
pub(crate) fn audit(audit: &Audit, spend: Option<&str>, lang: Lang) -> String {
    let account = audit.account.as_deref().unwrap_or("?");
    let place = if audit.is_sweep() {
        super::regions_phrase(&audit.regions, lang)
    } else {
        audit.region.clone().unwrap_or_else(|| "?".into())
    };
    let title = trf(lang, "audit.heading", &[("account", &account), ("region", &place)]);
    let mut body = String::from("<section class=\"cards\">\n");
    let at_least = |usd: f64| catalog::usd_at_least(usd, audit.partial, lang);
    body.push_str(&card(
        "fail",
        &format!("{}/h", at_least(audit.per_hour_usd)),
        tr(lang, "html.audit_per_hour"),
    ));
    body.push_str(&card(
        "money",
        &at_least(audit.accrued_usd),
        tr(lang, "html.audit_so_far"),
    ));
    body.push_str(&card(
        "money",
        &at_least(audit.by_morning_usd),
        &trf(lang, "html.audit_by_morning", &[("zone", &audit.time_zone)]),
    ));
    body.push_str(&card(
        "warn",
        &catalog::usd_at_least(audit.storage_monthly_usd, audit.storage_partial, lang),
        tr(lang, "html.audit_storage"),
    ));
    body.push_str("</section>\n");
    let notes = super::skipped_notes(audit.region_source, audit.regions.len(), &audit.skipped_regions, lang);
    for note in &notes {
        let _ = writeln!(body, "<p class=\"note\">{}</p>", esc(note));
    }
    if let Some(spend) = spend {
        let _ = writeln!(body, "<p>{}</p>", inline(spend));
    }
    if audit.nothing_read() {
        let _ = writeln!(
            body,
            "<p class=\"warning\">{}</p>",
            esc(&trf(lang, "audit.no_region_read", &[("account", &account)]))
        );
    } else if audit.running.is_empty() && audit.storage.is_empty() && audit.errors.is_empty() {
        let _ = writeln!(
            body,
            "<p>{}</p>",
            esc(&trf(
                lang,
                "audit.nothing",
                &[("account", &account), ("region", &place)]
            ))
        );
    }
    let billing = StillBilling {
        per_hour_usd: audit.per_hour_usd,
        storage_monthly_usd: audit.storage_monthly_usd,
        partial: audit.partial || audit.storage_partial,
        compute: audit.running.iter().map(|b| b.resource.clone()).collect(),
        storage: audit.storage.clone(),
    };
    body.push_str("<section class=\"charts\">\n");
    body.push_str(&resource_chart(Some(&billing), lang));
    body.push_str("</section>\n");
    if !audit.running.is_empty() {
        body.push_str(&compute_table(audit, lang));
    }
    if !audit.storage.is_empty() {
        body.push_str(&storage_table(audit, lang));
    }
    if !audit.errors.is_empty() {
        let _ = writeln!(body, "<h2>{}</h2>", esc(tr(lang, "report.unread_heading")));
        for line in super::audit::unread(audit, lang) {
            let _ = writeln!(body, "<p class=\"warning\">{}</p>", inline(&line));
        }
        let _ = writeln!(body, "<p class=\"warning\">{}</p>", esc(tr(lang, "audit.incomplete")));
    }
    document(lang, &title, &generated(lang, &audit.generated_at), &body)
}

/// Under a resource's name, the exception that accepts it ("~ muted until
/// …") or no longer does ("exception expired on …").
fn exception_note(accepted: Option<&crate::checks::exceptions::Accepted>, lang: Lang) -> String {
    match accepted {
        Some(a) => format!(
            "<span class=\"sub {}\">{} {}</span>",
            if a.expired { "s-fail" } else { "s-muted" },
            if a.expired { "✘" } else { "~" },
            inline(&a.line(lang))
        ),
        None => String::new(),
    }
}

/// The start of a sortable table of resources, its headers' (key, words).
fn table_head(columns: &[(&str, &str)], lang: Lang) -> String {
    let mut out = String::from("<div class=\"scroll\"><table class=\"grid sortable\">\n<thead><tr>");
    for (key, label) in columns {
        out.push_str(&th(key, tr(lang, label), "", ""));
    }
    out.push_str("</tr></thead>\n");
    out
}

/// A resource's name, and its kind under it.
fn named(name: &str, kind: &str) -> String {
    format!(
        "<span class=\"name\">{}</span><span class=\"sub\">{}</span>",
        esc(name),
        esc(kind)
    )
}

/// A resource's details row: its whole line (already HTML) and the command
/// that stops or deletes it; it closes the resource's `<tbody>`.
fn how_to(width: usize, summary: &str, line: &str, command: &str) -> String {
    format!(
        "<tr class=\"more\"><td colspan=\"{width}\"><details><summary>{}</summary><div class=\"body\"><p>{line}</p>\
         <pre>{}</pre></div></details></td></tr></tbody>\n",
        esc(summary),
        esc(command)
    )
}

fn compute_table(audit: &Audit, lang: Lang) -> String {
    let mut out = format!("<h2>{}</h2>\n", esc(tr(lang, "html.audit_compute")));
    out.push_str(&table_head(
        &[
            ("name", "html.col_resource"),
            ("region", "instructor.region"),
            ("type", "html.col_type"),
            ("time", "html.col_running"),
            ("hour", "html.col_per_hour"),
            ("accrued", "html.col_so_far"),
        ],
        lang,
    ));
    for item in &audit.running {
        let r = &item.resource;
        let region = audit.region_of(item);
        let mut what = named(&r.name, &super::kind_name(r, lang));
        what.push_str(&exception_note(audit.accepted_for(item), lang));
        if r.current {
            let _ = write!(what, "<span class=\"sub\">← {}</span>", esc(tr(lang, "kind.current")));
        }
        let instance = match (r.instance_type.as_deref(), r.count) {
            (Some(t), n) if n > 1 => format!("{t} ×{n}"),
            (Some(t), _) => t.to_string(),
            (None, _) => String::new(),
        };
        let time = r.running_seconds.map_or(String::new(), crate::checks::duration);
        let money = |v: Option<f64>| v.map_or_else(|| "?".to_string(), |v| usd(v, lang));
        let sort = |v: Option<f64>| v.map_or(String::new(), |v| format!("{v:.6}"));
        let _ = write!(
            out,
            "<tbody><tr>{}{}{}{}{}{}</tr>",
            td("name", &r.name.to_lowercase(), "", "who", &what),
            td("region", region, tr(lang, "instructor.region"), "", &esc(region)),
            td("type", &instance, tr(lang, "html.col_type"), "", &esc(&instance)),
            td(
                "time",
                &r.running_seconds.map_or(String::new(), |s| s.to_string()),
                tr(lang, "html.col_running"),
                "num",
                &esc(&time)
            ),
            td(
                "hour",
                &sort(r.price_per_hour_usd),
                tr(lang, "html.col_per_hour"),
                "num",
                &esc(&format!("{}/h", money(r.price_per_hour_usd)))
            ),
            td(
                "accrued",
                &sort(r.accrued_usd),
                tr(lang, "html.col_so_far"),
                "num",
                &esc(&money(r.accrued_usd))
            ),
        );
        out.push_str(&how_to(
            6,
            tr(lang, "html.how_to_stop"),
            &resource_item(r, lang),
            &item.target.cli(region),
        ));
    }
    out.push_str("</table></div>\n");
    let _ = writeln!(out, "<p><b>{}</b></p>", esc(&super::audit::total(audit, lang)));
    if audit.partial {
        let _ = writeln!(out, "<p class=\"warning\">{}</p>", inline(tr(lang, "audit.partial")));
    }
    if let Some(hint) = super::audit::stop_hint(audit, lang) {
        let _ = writeln!(out, "<p>{}</p>", inline(&hint));
    }
    out
}

fn storage_table(audit: &Audit, lang: Lang) -> String {
    let monthly = catalog::usd_at_least(audit.storage_monthly_usd, audit.storage_partial, lang);
    let mut out = format!(
        "<h2>{}</h2>\n<p>{}</p>\n",
        esc(&trf(lang, "audit.storage_heading", &[("monthly", &monthly)])),
        esc(tr(lang, "audit.storage_hint"))
    );
    out.push_str(&table_head(
        &[
            ("name", "html.col_resource"),
            ("region", "instructor.region"),
            ("size", "html.col_size"),
            ("month", "html.col_per_month"),
        ],
        lang,
    ));
    for s in &audit.storage {
        let region = s.region.as_deref().or(audit.region.as_deref()).unwrap_or("?");
        let mut what = named(&s.name, super::storage_kind_name(s.kind, lang));
        what.push_str(&exception_note(audit.accepted_storage(s), lang));
        let size = format!("{} GB", crate::i18n::number(&format!("{:.1}", s.size_gb), lang));
        let _ = write!(
            out,
            "<tbody><tr>{}{}{}{}</tr>",
            td("name", &s.name.to_lowercase(), "", "who", &what),
            td("region", region, tr(lang, "instructor.region"), "", &esc(region)),
            td(
                "size",
                &format!("{:.3}", s.size_gb),
                tr(lang, "html.col_size"),
                "num",
                &esc(&size)
            ),
            td(
                "month",
                &s.monthly_usd.map_or(String::new(), |v| format!("{v:.6}")),
                tr(lang, "html.col_per_month"),
                "num",
                &esc(&s.monthly_usd.map_or_else(|| "?".to_string(), |v| money(v, lang)))
            ),
        );
        out.push_str(&how_to(
            4,
            tr(lang, "html.how_to_delete"),
            &storage_item(s, lang),
            &s.delete,
        ));
    }
    out.push_str("</table></div>\n");
    out
}

/// `check --format html`: the class page for one account, its row opened
/// with every check in full.
pub(crate) fn check(report: &super::Report<'_>, billing: &StillBilling, lang: Lang) -> String {
    let account = report.account.as_deref().unwrap_or("?");
    let region = report.region.as_deref().unwrap_or("?");
    let mut title = trf(lang, "report.heading", &[("account", &account), ("region", &region)]);
    if report.source == crate::snapshot::Source::Sandbox {
        title.push_str(&format!(" · {}", tr(lang, "report.sandbox")));
    }
    let mut notes = Vec::new();
    if let Some(sweep) = &report.sweep {
        let regions = super::regions_phrase(&sweep.regions, lang);
        notes.push(trf(lang, "report.sweep", &[("regions", &regions)]));
        notes.extend(sweep.notes(lang));
    }
    let passed = report.checks.iter().filter(|c| c.status == Status::Pass).count();
    let evaluated = report
        .checks
        .iter()
        .filter(|c| matches!(c.status, Status::Pass | Status::Fail | Status::Warn))
        .count();
    let standing = match crate::checks::any_failed(report.checks) {
        true => Standing::Attention,
        false => Standing::Passed,
    };
    let row = Row {
        name: tr(lang, "html.your_account"),
        account: report.account.as_deref(),
        region: report.region.as_deref(),
        standing,
        note: None,
        checks: report.checks,
        score: Some((passed, evaluated)),
        billing: Some(billing),
        proven: None,
        checklist: None,
        teardown: None,
        spend: None,
    };
    let page = Class {
        title,
        generated_at: &report.generated_at,
        rows: vec![row],
        single: true,
        notes,
    };
    class(&page, lang)
}
