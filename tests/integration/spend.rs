//! `spend`, `audit --spend` and `instructor verify --spend` against the
//! emulator. moto answers GetCostAndUsage from results queued through its
//! own API (`POST /moto-api/static/ce/cost-and-usage-results`, per account;
//! moto 5.2.5 `ce/models.py`: a request takes the next queued result, and
//! the same request body gets the same result again); `POST
//! /moto-api/reset` forgets them, so a run that still shows the old figures
//! made no request; and the emulator counts the requests it was sent
//! (`GET /harness/calls`).

use std::io::{Read, Write};

use serde_json::{Value, json};

use crate::emulator::*;
use crate::live::json;
use crate::util::*;

/// A request to the emulator's own API (moto's, or the harness's): the
/// HTTP status and the body. The answer is read up to its Content-Length,
/// never to the end of the stream: werkzeug drains what the app did not
/// read of a request with a blocking read until the client closes, so a
/// client waiting for the server to close first could wait for ever.
fn call(emulator: &Emulator, method: &str, path: &str, body: Option<&Value>) -> (u16, String) {
    use std::io::BufRead;
    let host = emulator.url.trim_start_matches("http://");
    let body = body.map(Value::to_string).unwrap_or_default();
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut reader = std::io::BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    let status = line.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap();
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).unwrap();
        if line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse().unwrap();
        }
    }
    let mut answer = vec![0; length];
    reader.read_exact(&mut answer).unwrap();
    (status, String::from_utf8(answer).unwrap())
}

/// POSTs `body` to the emulator's API; its HTTP status.
fn moto_api(emulator: &Emulator, path: &str, body: Option<&Value>) -> u16 {
    call(emulator, "POST", path, body).0
}

/// GetCostAndUsage requests the emulator was sent (every attempt counts).
fn ce_requests(emulator: &Emulator) -> u64 {
    let (status, body) = call(emulator, "GET", "/harness/calls", None);
    assert_eq!(status, 200, "{body}");
    let calls: Value = serde_json::from_str(&body).unwrap();
    calls["calls"]["GetCostAndUsage"].as_u64().unwrap_or(0)
}

/// Today as Cost Explorer counts days (UTC).
fn today() -> jiff::civil::Date {
    jiff::Timestamp::now().to_zoned_datetime(jiff::tz::TimeZone::UTC).date()
}

fn days_ago(n: i64) -> jiff::civil::Date {
    today().checked_sub(jiff::Span::new().days(n)).unwrap()
}

/// Usage per day: days before today, and each usage type's amount.
type Usage<'a> = &'a [(i64, &'a [(&'a str, f64)])];

/// Queues one GetCostAndUsage answer for `account`: DAILY, grouped by
/// USAGE_TYPE, as Cost Explorer writes it (an empty `Total` with groups).
fn seed(emulator: &Emulator, account: &str, usage: Usage<'_>) {
    let results: Vec<Value> = usage
        .iter()
        .map(|(ago, groups)| {
            let day = days_ago(*ago);
            json!({
                "TimePeriod": {"Start": day.to_string(), "End": day.tomorrow().unwrap().to_string()},
                "Total": {},
                "Groups": groups.iter().map(|(usage_type, usd)| json!({
                    "Keys": [usage_type],
                    "Metrics": {"UnblendedCost": {"Amount": usd.to_string(), "Unit": "USD"}}
                })).collect::<Vec<_>>(),
                "Estimated": true
            })
        })
        .collect();
    let body = json!({"account_id": account, "results": [{"ResultsByTime": results, "DimensionValueAttributes": []}]});
    assert_eq!(
        moto_api(emulator, "/moto-api/static/ce/cost-and-usage-results", Some(&body)),
        201
    );
}

fn round(usd: f64) -> f64 {
    (usd * 1e6).round() / 1e6
}

/// What the month so far adds up to, from the first of today's month.
fn month_to_date(usage: Usage<'_>) -> f64 {
    let first = today().first_of_month();
    round(
        usage
            .iter()
            .filter(|(ago, _)| days_ago(*ago) >= first)
            .flat_map(|(_, groups)| groups.iter().map(|(_, usd)| usd))
            .sum::<f64>()
            + 0.0,
    )
}

const BILL: Usage<'static> = &[
    (0, &[("EUC1-Notebk:ml.t3.medium", 0.25)]),
    (
        1,
        &[("EUC1-Host:ml.m5.xlarge", 2.5), ("EUC1-Studio:VolumeUsage.gp3", 0.05)],
    ),
    (4, &[("EUC1-Train:ml.m5.xlarge", 1.25)]),
    (13, &[("EUC1-Canvas:Session-Hrs", 1.9)]),
    // Before the last 14 days: in the month so far only when today is late in it.
    (20, &[("EUC1-Notebk:ml.t3.medium", 4.0)]),
];

#[test]
fn spend_reports_the_seeded_days_and_a_second_run_within_the_hour_asks_nothing() {
    let emulator = Emulator::start();
    let learner = Learner::new();
    seed(&emulator, ACCOUNT, BILL);
    let first = emulator.run(&learner, &["module5", "spend", "--format", "json"]);
    expect_code(&first, 0);
    let first = json(&first);
    // Every one of the last 14 days, oldest first, today's partial figure included.
    let expected: Vec<Value> = (0..14)
        .rev()
        .map(|ago| {
            let usd = match ago {
                0 => 0.25,
                1 => 2.55,
                4 => 1.25,
                13 => 1.9,
                _ => 0.0,
            };
            json!({"date": days_ago(ago).to_string(), "usd": usd, "estimated": usd > 0.0})
        })
        .collect();
    assert_eq!(first["days"], Value::from(expected), "{first}");
    assert_eq!(first["total_usd"], 5.95);
    assert_eq!(first["currency"], "USD");
    assert_eq!(first["start"], days_ago(13).to_string());
    assert_eq!(first["end"], today().tomorrow().unwrap().to_string());
    assert_eq!(first["month_start"], today().first_of_month().to_string());
    assert_eq!(first["month_to_date_usd"], month_to_date(BILL));
    assert_eq!(
        first["by_kind"],
        json!([
            {"kind": "hosting", "usd": 2.5, "instance_types": ["ml.m5.xlarge"]},
            {"kind": "canvas", "usd": 1.9, "instance_types": []},
            {"kind": "training", "usd": 1.25, "instance_types": ["ml.m5.xlarge"]},
            {"kind": "notebook-instance", "usd": 0.25, "instance_types": ["ml.t3.medium"]},
            {"kind": "storage", "usd": 0.05, "instance_types": []},
        ])
    );
    // Nothing runs in the emulated account: the estimate is $0 an hour, known.
    assert_eq!(
        (first["estimate_per_hour_usd"].as_f64(), &first["estimate_partial"]),
        (Some(0.0), &json!(false))
    );
    assert_eq!((&first["cached"], &first["requests"]), (&json!(false), &json!(1)));
    assert_eq!(ce_requests(&emulator), 1);
    let cache = learner
        .home()
        .join("cache")
        .join(format!("cost-explorer-{ACCOUNT}.json"));
    let cached: Value = serde_json::from_str(&std::fs::read_to_string(&cache).unwrap()).unwrap();
    assert_eq!(cached["fetched_at"], first["fetched_at"]);
    assert_eq!(cached["request"]["service"], "Amazon SageMaker");
    assert_eq!(cached["request"]["group_by"], "USAGE_TYPE");

    // moto forgets the answer and is given another: a run that asked would see it.
    assert_eq!(moto_api(&emulator, "/moto-api/reset", None), 200);
    seed(&emulator, ACCOUNT, &[(0, &[("EUC1-Host:ml.g5.xlarge", 9.75)])]);
    let second = json(&emulator.run(&learner, &["module5", "spend", "--format", "json"]));
    assert_eq!((&second["cached"], &second["requests"]), (&json!(true), &json!(0)));
    assert_eq!(ce_requests(&emulator), 1, "the second run asked Cost Explorer nothing");
    for field in ["days", "total_usd", "by_kind", "month_to_date_usd", "fetched_at"] {
        assert_eq!(second[field], first[field], "{field}");
    }
    // A shorter period is in the same answer: still no request.
    let week = json(&emulator.run(&learner, &["module5", "spend", "--days", "7", "--format", "json"]));
    assert_eq!(
        (&week["cached"], week["days"].as_array().unwrap().len()),
        (&json!(true), 7)
    );
    assert_eq!(week["total_usd"], 4.05);
    assert_eq!(ce_requests(&emulator), 1);
    // `--refresh` asks again.
    let fresh = json(&emulator.run(&learner, &["module5", "spend", "--refresh", "--format", "json"]));
    assert_eq!((&fresh["cached"], &fresh["requests"]), (&json!(false), &json!(1)));
    assert_eq!(ce_requests(&emulator), 2, "--refresh asked once");
    assert_eq!(fresh["total_usd"], 9.75);
    assert_eq!(fresh["by_kind"][0]["instance_types"], json!(["ml.g5.xlarge"]));

    // The text fits 60 and 100 columns; in a pipe the bars are ASCII.
    for columns in ["60", "100"] {
        let mut cmd = learner.command(&["module5", "spend"]);
        emulator.configure(&mut cmd);
        let output = cmd.env("COLUMNS", columns).output().unwrap();
        expect_code(&output, 0);
        let text = stdout(&output);
        let width: usize = columns.parse().unwrap();
        for line in text.lines() {
            assert!(line.chars().count() <= width, "{columns}: {line:?}\n{text}");
        }
        let today_bar = format!("{} ", &today().to_string()[5..]);
        let bar = text.lines().find(|l| l.starts_with(&today_bar)).unwrap();
        assert!(bar.contains('#') && bar.ends_with("$9.75"), "{text}");
        assert!(!text.contains('█'), "{text}");
        assert!(text.contains("about a day late") && text.contains("kept"), "{text}");
    }
}

#[test]
fn a_refused_read_explains_itself_and_only_spend_fails() {
    let emulator = Emulator::with(Options {
        faults: vec!["GetCostAndUsage=AccessDeniedException:400".into()],
        ..Options::default()
    });
    let learner = Learner::new();
    let refused = emulator.run(&learner, &["module5", "spend"]);
    expect_code(&refused, 2);
    assert_eq!(stdout(&refused), "");
    let why = stderr(&refused);
    for words in [
        "ce:GetCostAndUsage",
        "AccessDeniedException",
        "sm-course iam-policy",
        "SmCourseOptionalCostExplorer",
        "not enabled",
    ] {
        assert!(why.contains(words), "{words}: {why}");
    }
    // The audit goes on and says why there is no figure; its exit code is the audit's.
    let audit = emulator.run(&learner, &["module5", "audit", "--spend"]);
    expect_code(&audit, 0);
    let text = stdout(&audit);
    assert!(text.contains("Nothing billable is running"), "{text}");
    assert!(
        text.contains("not available") && text.contains("ce:GetCostAndUsage"),
        "{text}"
    );
    let audit = json(&emulator.run(&learner, &["module5", "audit", "--spend", "--format", "json"]));
    assert_eq!(audit["spend_month_to_date_usd"], Value::Null);
    assert!(
        audit["spend"]["error"].as_str().unwrap().contains("ce:GetCostAndUsage"),
        "{audit}"
    );
    assert_eq!(
        audit["errors"],
        json!([]),
        "Cost Explorer is not one of the audit's reads"
    );
    // Without --spend, no Cost Explorer at all.
    let plain = json(&emulator.run(&learner, &["module5", "audit", "--format", "json"]));
    assert!(plain.get("spend").is_none(), "{plain}");
}

#[test]
fn a_throttled_read_is_retried_then_said_plainly() {
    let emulator = Emulator::with(Options {
        faults: vec!["GetCostAndUsage=LimitExceededException:400".into()],
        ..Options::default()
    });
    let learner = Learner::new();
    let throttled = emulator.run(&learner, &["module5", "spend", "--lang", "en"]);
    expect_code(&throttled, 2);
    let why = stderr(&throttled);
    assert!(
        why.contains("limiting requests") && why.contains("LimitExceededException") && why.contains("3 times"),
        "{why}"
    );
    let pt = emulator.run(&learner, &["module5", "spend", "--lang", "pt"]);
    expect_code(&pt, 2);
    assert!(stderr(&pt).contains("limitando as requisições"), "{}", stderr(&pt));
    // Each run asked three times (the SDK's retries) before giving up.
    assert_eq!(ce_requests(&emulator), 6);
}

#[test]
fn audit_spend_and_spend_share_one_answer() {
    let emulator = Emulator::start();
    let learner = Learner::new();
    seed(&emulator, ACCOUNT, BILL);
    let audit = json(&emulator.run(&learner, &["module5", "audit", "--spend", "--format", "json"]));
    assert_eq!(audit["spend_month_to_date_usd"], month_to_date(BILL));
    assert_eq!(audit["spend"]["month_to_date_usd"], month_to_date(BILL));
    assert_eq!(audit["spend"]["cached"], false);
    // Another emulator that would refuse Cost Explorer: the hour-old answer
    // serves both commands, so neither asks.
    let refusing = Emulator::with(Options {
        faults: vec!["GetCostAndUsage=AccessDeniedException:400".into()],
        ..Options::default()
    });
    let spend = refusing.run(&learner, &["module5", "spend", "--format", "json"]);
    expect_code(&spend, 0);
    let spend = json(&spend);
    assert_eq!((&spend["cached"], &spend["total_usd"]), (&json!(true), &json!(5.95)));
    let text = stdout(&refusing.run(&learner, &["module5", "audit", "--spend"]));
    let figure = format!("${:.2}", month_to_date(BILL));
    assert!(text.contains(&figure) && text.contains("kept"), "{figure}: {text}");
    assert_eq!((ce_requests(&emulator), ce_requests(&refusing)), (1, 0));
}

#[test]
fn instructor_verify_spend_adds_each_students_month_in_every_format() {
    const DENIED: &str = "arn:aws:iam::100000000099:role/CourseAudit";
    let emulator = Emulator::with(Options {
        denied_roles: vec![DENIED.into()],
        ..Options::default()
    });
    let learner = Learner::new();
    let (ana, bia) = ("100000000001", "100000000002");
    seed(&emulator, ana, &[(0, &[("EUC1-Notebk:ml.t3.medium", 1.25)])]);
    seed(
        &emulator,
        bia,
        &[(
            0,
            &[("EUC1-Host:ml.m5.xlarge", 5.5), ("EUC1-Notebk:VolumeUsage.gp2", 0.25)],
        )],
    );
    let roster = learner.dir.path().join("class.toml");
    std::fs::write(
        &roster,
        format!(
            "[defaults]\nregion = \"eu-central-1\"\nrole_name = \"CourseAudit\"\n\n\
             [[student]]\nname = \"Ana\"\naccount_id = \"{ana}\"\n\n\
             [[student]]\nname = \"Bia\"\naccount_id = \"{bia}\"\n\n\
             [[student]]\nname = \"Denied Dora\"\nrole_arn = \"{DENIED}\"\n"
        ),
    )
    .unwrap();
    let roster = roster.to_str().unwrap();
    let verify = |format: &str| {
        emulator.run(
            &learner,
            &["instructor", "verify", roster, "--spend", "--format", format],
        )
    };

    let output = verify("json");
    assert!(
        stderr(&output).contains("3 students × 1 Cost Explorer request = $0.03"),
        "{}",
        stderr(&output)
    );
    let book = json(&output);
    let student = |name: &str| {
        book["students"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(student("Ana")["spend"]["month_to_date_usd"], 1.25);
    assert_eq!(student("Bia")["spend"]["month_to_date_usd"], 5.75);
    assert_eq!(student("Bia")["spend"]["cached"], false);
    // A student whose account could not be read has no spend either.
    assert!(student("Denied Dora").get("spend").is_none());
    assert_eq!(ce_requests(&emulator), 2, "one request per readable student");

    // The other formats, from the answers cached by the first run.
    let csv = stdout(&verify("csv"));
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].contains(",spend_month_to_date_usd,spend_error,"), "{csv}");
    let column = lines[0]
        .split(',')
        .position(|c| c == "spend_month_to_date_usd")
        .unwrap();
    let cell = |name: &str| {
        let line = lines.iter().find(|l| l.starts_with(name)).unwrap();
        line.split(',').nth(column).unwrap().to_string()
    };
    assert_eq!(
        (cell("Ana").as_str(), cell("Bia").as_str(), cell("Denied Dora").as_str()),
        ("1.25", "5.75", "")
    );
    let table = stdout(&verify("table"));
    assert!(
        table.contains("Spend (month)") && table.contains("$1.25") && table.contains("$5.75"),
        "{table}"
    );
    let markdown = stdout(&verify("markdown"));
    assert!(
        markdown.contains("| Spend (month) |") && markdown.contains("| $5.75 |"),
        "{markdown}"
    );
    let junit = stdout(&verify("junit"));
    assert!(
        junit.contains(r#"name="spend_month_to_date_usd" value="1.25""#),
        "{junit}"
    );
    // Portuguese spreadsheets get a decimal comma.
    let pt = stdout(&emulator.run(
        &learner,
        &[
            "instructor",
            "verify",
            roster,
            "--spend",
            "--format",
            "csv",
            "--lang",
            "pt",
        ],
    ));
    assert!(
        pt.lines().any(|l| l.starts_with("Bia;") && l.contains(";5,75;")),
        "{pt}"
    );
    assert_eq!(ce_requests(&emulator), 2, "the later runs used the cached answers");

    // Without --spend: no column, no cost said.
    let plain = emulator.run(&learner, &["instructor", "verify", roster, "--format", "json"]);
    assert!(!stderr(&plain).contains("Cost Explorer"), "{}", stderr(&plain));
    assert!(json(&plain)["students"][0].get("spend").is_none());
}
