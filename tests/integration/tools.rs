//! The catalog, advisor and calculator as a learner runs them.

use aws_sdk_sagemaker::types as sm;
use serde_json::Value;

use crate::emulator::{Emulator, Options};
use crate::live::{Seed, json};
use crate::util::*;

fn json_of(learner: &Learner, args: &[&str]) -> Value {
    let output = learner.run(args);
    expect_code(&output, 0);
    serde_json::from_str(&stdout(&output)).unwrap_or_else(|e| panic!("{e}: {}", stdout(&output)))
}

#[test]
fn cost_gives_the_modules_worked_example_and_spot_as_a_range() {
    let learner = Learner::new();
    let e = json_of(
        &learner,
        &[
            "module5",
            "cost",
            "ml.m5.xlarge",
            "--duration",
            "2h30m",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        e,
        serde_json::json!({"instance": "ml.m5.xlarge", "price_per_hour_usd": 0.23, "billed_seconds": 9000, "cost_usd": 0.575,
                           "minimum_billed_seconds": 60,
                           "minimum_source": "course text (AWS's SageMaker pages state no minimum)",
                           "price_source": "course text (approximate; its region, eu-central-1, is not confirmed)"})
    );
    let spot = json_of(
        &learner,
        &[
            "module5",
            "cost",
            "m5.xlarge",
            "--hours",
            "2.5",
            "--spot",
            "--format",
            "json",
        ],
    );
    assert_eq!(spot["spot"], serde_json::json!({"min_usd": 0.0575, "max_usd": 0.575}));
    let short = json_of(
        &learner,
        &[
            "module5",
            "cost",
            "ml.p3.2xlarge",
            "--duration",
            "10s",
            "--format",
            "json",
        ],
    );
    assert_eq!(short["billed_seconds"], 60, "one-minute minimum");
    let text = stdout(&learner.run(&["module5", "cost", "ml.m5.xlarge", "--duration", "2h30m", "--lang", "pt"]));
    assert!(
        // Portuguese writes dollars as a Brazilian reader does.
        text.contains("US$\u{a0}0,575")
            && text.contains("US$\u{a0}0,23/h")
            && text.contains("mínimo de 1 minuto")
            && text.contains("texto do curso"),
        "{text}"
    );
}

#[test]
fn the_monthly_comparison_has_a_row_for_every_priced_instance() {
    let learner = Learner::new();
    let table = json_of(&learner, &["module5", "cost", "--monthly", "--format", "json"]);
    let rows = table["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 20, "the seed's twenty priced instances; G4dn has no price");
    let p3 = rows.iter().find(|r| r["instance"] == "ml.p3.2xlarge").unwrap();
    assert_eq!(
        (p3["per_day_usd"].as_f64(), p3["per_month_usd"].as_f64()),
        (Some(30.56), Some(611.2))
    );
    let full_days = json_of(
        &learner,
        &[
            "module5",
            "cost",
            "--monthly",
            "--hours-per-day",
            "24",
            "--days",
            "30",
            "--format",
            "json",
        ],
    );
    let t3 = full_days["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["instance"] == "ml.t3.medium")
        .unwrap();
    assert_eq!(t3["per_month_usd"], 36.0);
}

#[test]
fn bad_names_and_durations_exit_2_with_a_suggestion() {
    let learner = Learner::new();
    let output = learner.run(&["module5", "cost", "ml.m5.xlarg", "--hours", "1"]);
    expect_code(&output, 2);
    assert!(stderr(&output).contains("Perhaps: ml.m5.xlarge"), "{}", stderr(&output));
    for args in [
        &["module5", "cost", "ml.m5.xlarge", "--duration", "soon"][..],
        &["module5", "cost", "ml.m5.xlarge"][..],
        &["module5", "cost", "ml.g4dn.xlarge", "--hours", "1"][..],
        &["module5", "cost", "--monthly", "--hours-per-day", "25"][..],
        &["module5", "cost", "ml.m5.xlarge", "--hours", "1", "--duration", "1h"][..],
    ] {
        expect_code(&learner.run(args), 2);
    }
}

#[test]
fn the_advisor_follows_every_branch_from_flags_and_names_a_missing_one() {
    let learner = Learner::new();
    for (flags, family, instance) in [
        (&["--deep-learning", "training"][..], "p3", "ml.p3.2xlarge"),
        (&["--deep-learning", "inference"][..], "g4dn", "ml.g4dn.xlarge"),
        (
            &["--deep-learning", "no", "--dataset-gb", "40"][..],
            "r5",
            "ml.r5.2xlarge",
        ),
        (
            &["--deep-learning", "no", "--dataset-gb", "4", "--budget", "flexible"][..],
            "m5",
            "ml.m5.large",
        ),
        (
            &[
                "--deep-learning",
                "no",
                "--dataset-gb",
                "4",
                "--budget",
                "restricted",
                "--workload",
                "cpu",
            ][..],
            "c5",
            "ml.c5.xlarge",
        ),
        (
            &[
                "--deep-learning",
                "no",
                "--dataset-gb",
                "1",
                "--budget",
                "restricted",
                "--workload",
                "light",
            ][..],
            "t3",
            "ml.t3.medium",
        ),
    ] {
        let mut args = vec!["module5", "advise", "--format", "json"];
        args.extend_from_slice(flags);
        let advice = json_of(&learner, &args);
        assert_eq!(
            (advice["family"].as_str(), advice["instance"].as_str()),
            (Some(family), Some(instance)),
            "{flags:?}"
        );
        assert!(!advice["path"].as_array().unwrap().is_empty() && advice["reason"].is_string());
    }
    let missing = learner
        .command(&["module5", "advise", "--deep-learning", "no", "--dataset-gb", "4"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    expect_code(&missing, 2);
    assert!(stderr(&missing).contains("--budget"), "{}", stderr(&missing));
}

#[test]
fn instances_are_filtered_and_g4dn_is_marked_as_not_from_the_course() {
    let learner = Learner::new();
    let list = json_of(
        &learner,
        &["module5", "instances", "--family", "g4dn", "--format", "json"],
    );
    let items = list.as_array().unwrap();
    assert_eq!(items.len(), 6);
    for item in items {
        assert!(item["price_per_hour_usd"].is_null() && item["source"].as_str().unwrap().contains("not in the course"));
        for key in [
            "name",
            "family",
            "category",
            "vcpu",
            "memory_gib",
            "gpus",
            "gpu_memory_gib",
        ] {
            assert!(item.get(key).is_some(), "{key}");
        }
    }
    let big = json_of(
        &learner,
        &[
            "module5",
            "instances",
            "--min-vcpu",
            "48",
            "--min-memory",
            "192",
            "--format",
            "json",
        ],
    );
    let big = big.as_array().unwrap();
    for item in big {
        assert!(
            item["vcpu"].as_u64().unwrap() >= 48 && item["memory_gib"].as_f64().unwrap() >= 192.0,
            "{item}"
        );
    }
    let names: Vec<&str> = big.iter().map(|i| i["name"].as_str().unwrap()).collect();
    // The course's own families, in the data's order, with the SageMaker
    // sizes the seed's tables leave out (m5.16xlarge and up, c5.24xlarge,
    // r5.12xlarge and up)…
    let course_families: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| ["m5", "c5", "r5", "t3", "p3", "g4dn"].contains(&n.split('.').nth(1).unwrap()))
        .collect();
    assert_eq!(
        course_families,
        [
            "ml.m5.12xlarge",
            "ml.m5.16xlarge",
            "ml.m5.24xlarge",
            "ml.c5.24xlarge",
            "ml.r5.12xlarge",
            "ml.r5.16xlarge",
            "ml.r5.24xlarge",
            "ml.p3.16xlarge",
            "ml.g4dn.12xlarge",
            "ml.g4dn.16xlarge"
        ]
    );
    // …and the current families beside them (AWS's specifications, no price).
    assert!(
        names.contains(&"ml.m7i.12xlarge") && names.contains(&"ml.p4d.24xlarge"),
        "{names:?}"
    );
    assert!(!names.contains(&"ml.g5.xlarge"), "{names:?}");
    let text = stdout(&learner.run(&["module5", "instances", "--category", "compute-optimized"]));
    assert!(text.contains("ml.c5.4xlarge") && !text.contains("ml.m5"), "{text}");
}

#[test]
fn monitor_reports_readings_and_a_diagnosis() {
    let learner = Learner::new();
    let output = learner.run(&["module5", "monitor", "--format", "json"]);
    expect_code(&output, 0);
    let report: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    let r = &report["readings"];
    assert!(r["cpus"].as_f64().unwrap() >= 1.0);
    assert!(r["memory_total_bytes"].as_u64().unwrap() > 0);
    assert!(r["memory_percent"].as_f64().unwrap() <= 100.0);
    assert!(r["disk_total_bytes"].as_u64().unwrap() > 0);
    assert!(
        ["memory", "cpu", "single-core", "oversized", "io"].contains(&report["diagnosis"]["kind"].as_str().unwrap())
    );
    let watch = learner.run(&["module5", "monitor", "--watch", "--interval", "1", "--count", "2"]);
    expect_code(&watch, 0);
    assert_eq!(stdout(&watch).matches("CPU:").count(), 2);
}

#[test]
fn monitor_measures_a_command_that_allocates_a_known_amount() {
    let learner = Learner::new();
    // Touch 256 MiB so that it is resident, not just reserved.
    let program = "b = bytearray(256 * 1024 * 1024)\nfor i in range(0, len(b), 4096): b[i] = 1";
    let output = learner.run(&["module5", "monitor", "--format", "json", "--", "python3", "-c", program]);
    expect_code(&output, 0);
    let usage: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let peak_mib = usage["peak_memory_bytes"].as_f64().unwrap() / 1024.0 / 1024.0;
    assert!((256.0..512.0).contains(&peak_mib), "{peak_mib} MiB");
    assert!(usage["wall_seconds"].as_f64().unwrap() > 0.0);
    assert_eq!(usage["fits"], "ml.t3.medium", "256 MiB × 1.5 + 1 GiB fits in 4 GiB");
    expect_code(&learner.run(&["module5", "monitor", "--", "false"]), 1);
    let missing = learner.run(&["module5", "monitor", "--", "/nonexistent/program"]);
    expect_code(&missing, 2);
}

#[test]
fn troubleshooting_insufficient_capacity_lists_alternatives_from_the_catalog() {
    let learner = Learner::new();
    let output = learner.run(&[
        "module5",
        "troubleshoot",
        "insufficient-capacity",
        "--instance",
        "ml.c5.xlarge",
    ]);
    expect_code(&output, 0);
    let text = stdout(&output);
    assert!(
        text.contains("ml.m5.xlarge") && text.contains("ml.r5.xlarge") && text.contains("ml.c5.2xlarge"),
        "{text}"
    );
    assert!(
        !text.contains("ml.g4dn.xlarge"),
        "a CPU instance's siblings are CPU instances: {text}"
    );
    let none = learner
        .command(&["module5", "troubleshoot"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    expect_code(&none, 2);
    assert!(stderr(&none).contains("kernel-died"), "{}", stderr(&none));
    let no_instance = learner
        .command(&["module5", "troubleshoot", "insufficient-capacity"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    expect_code(&no_instance, 2);
    assert!(stderr(&no_instance).contains("--instance"));
    let kernel = learner.run(&["module5", "troubleshoot", "kernel-died", "--lang", "pt"]);
    expect_code(&kernel, 0);
    assert!(stdout(&kernel).contains("O que fazer"), "{}", stdout(&kernel));
}

#[test]
fn troubleshooting_tells_capacity_from_quota_with_sagemakers_own_messages() {
    let learner = Learner::new();
    let capacity = stdout(&learner.run(&[
        "module5",
        "troubleshoot",
        "insufficient-capacity",
        "--instance",
        "ml.c5.xlarge",
    ]));
    let capacity = capacity.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        capacity.contains("EC2InsufficientCapacityError") && capacity.contains("CapacityError"),
        "{capacity}"
    );
    assert!(
        capacity.contains("quota-exceeded"),
        "points at the other case: {capacity}"
    );
    for (lang, words) in [("en", "Request increase"), ("pt", "Solicitar aumento")] {
        let output = learner.run(&[
            "module5",
            "troubleshoot",
            "quota-exceeded",
            "--instance",
            "g5.xlarge",
            "--lang",
            lang,
        ]);
        expect_code(&output, 0);
        // Wrapped to the width: compare the words, not the line breaks.
        let text = stdout(&output).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.contains("ResourceLimitExceeded") && text.contains(words), "{text}");
        assert!(
            text.contains("ml.g5.xlarge for training job usage")
                && text.contains("request-service-quota-increase --service-code sagemaker"),
            "the quota's name and the exact command: {text}"
        );
    }
    // Without an instance the steps still hold.
    let generic = learner.run(&["module5", "troubleshoot", "quota-exceeded"]);
    expect_code(&generic, 0);
    assert!(stdout(&generic).contains("Service Quotas"));
}

fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

#[test]
fn live_prices_come_from_a_recent_cache_with_their_source() {
    let learner = Learner::new();
    let cache = learner.home().join("cache/prices-eu-central-1.json");
    std::fs::create_dir_all(cache.parent().unwrap()).unwrap();
    let fetched_at = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    let body = serde_json::json!({
        "region": "eu-central-1",
        "fetched_at": fetched_at,
        "source": "AWS Price List API (GetProducts)",
        "prices": {"ml.m5.xlarge": {"usd_per_hour": 0.276, "component": "studio-jupyterlab"}}
    });
    std::fs::write(&cache, body.to_string()).unwrap();
    let e = json_of(
        &learner,
        &[
            "module5",
            "cost",
            "ml.m5.xlarge",
            "--hours",
            "1",
            "--live-prices",
            "--format",
            "json",
        ],
    );
    assert_eq!(e["price_per_hour_usd"], 0.276);
    assert!(
        e["price_source"]
            .as_str()
            .unwrap()
            .starts_with("AWS Price List API (GetProducts), "),
        "{e}"
    );
    let list = json_of(
        &learner,
        &[
            "module5",
            "instances",
            "--family",
            "m5",
            "--live-prices",
            "--format",
            "json",
        ],
    );
    let rows = list.as_array().unwrap();
    let xlarge = rows.iter().find(|r| r["name"] == "ml.m5.xlarge").unwrap();
    assert!(xlarge["source"].as_str().unwrap().contains("studio-jupyterlab"));
    let large = rows.iter().find(|r| r["name"] == "ml.m5.large").unwrap();
    assert_eq!(
        large["source"], "course text (approximate; its region, eu-central-1, is not confirmed)",
        "figures not in the cache keep their source"
    );
}

#[test]
fn offline_live_prices_fall_back_to_the_course_figures_with_a_note() {
    let learner = Learner::new();
    let port = closed_port();
    let run = |args: &[&str]| {
        learner
            .command(args)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .output()
            .unwrap()
    };
    let output = run(&[
        "module5",
        "cost",
        "ml.m5.xlarge",
        "--hours",
        "1",
        "--live-prices",
        "--format",
        "json",
    ]);
    expect_code(&output, 0);
    let e: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(e["price_per_hour_usd"], 0.23);
    let note = stderr(&output);
    assert_eq!(note.trim().lines().count(), 1, "{note}");
    assert!(
        note.contains("live prices unavailable") && note.contains("pricing:GetProducts"),
        "{note}"
    );
    let refresh = run(&["module5", "prices", "refresh"]);
    expect_code(&refresh, 1);
    assert!(
        stdout(&refresh).contains("live prices unavailable"),
        "{}",
        stdout(&refresh)
    );
}

fn cache_of(learner: &Learner, region: &str) -> Option<Value> {
    let text = std::fs::read_to_string(learner.home().join(format!("cache/prices-{region}.json"))).ok()?;
    Some(serde_json::from_str(&text).unwrap())
}

#[test]
fn prices_refresh_all_caches_every_region_it_can_read_and_skips_one_that_fails() {
    // The Price List refuses us-east-1; eu-central-1 and us-west-2 answer.
    let emulator = Emulator::with(Options {
        pricing_faults: vec!["us-east-1=AccessDeniedException:400".into()],
        ..Options::default()
    });
    let learner = Learner::new();
    let output = emulator.run(&learner, &["module5", "prices", "refresh", "--all", "--lang", "en"]);
    expect_code(&output, 0);
    let text = stdout(&output);
    assert!(
        text.contains("us-east-1: skipped") && text.contains("AccessDeniedException"),
        "{text}"
    );
    assert!(text.contains("Prices for 2 of 34 regions saved"), "{text}");
    assert!(cache_of(&learner, "us-east-1").is_none());
    let west = cache_of(&learner, "us-west-2").unwrap();
    assert_eq!(west["prices"]["ml.m5.large"]["usd_per_hour"], 0.13);
    // Every usage kept apart: notebook / Studio, notebook instance, hosting, transform.
    let frankfurt = cache_of(&learner, "eu-central-1").unwrap();
    assert_eq!(frankfurt["prices"]["ml.m5.xlarge"]["usd_per_hour"], 0.276);
    assert_eq!(
        frankfurt["usages"]["notebook-instance"]["ml.m5.xlarge"]["usd_per_hour"],
        0.23
    );
    assert_eq!(frankfurt["usages"]["hosting"]["ml.m5.xlarge"]["usd_per_hour"], 0.3);
    assert_eq!(frankfurt["usages"]["transform"]["ml.m5.xlarge"]["usd_per_hour"], 0.31);
    assert_eq!(frankfurt["usages"]["training"]["ml.p3.2xlarge"]["usd_per_hour"], 4.5);

    // One region alone that fails is a failure (exit 1), said in one line.
    let alone = emulator.run(&learner, &["module5", "prices", "refresh", "--region", "us-east-1"]);
    expect_code(&alone, 1);
    assert!(stdout(&alone).contains("AccessDeniedException"), "{}", stdout(&alone));
    // A region that is not one is bad input, before any call.
    for bad in [&["--region", "../../etc"][..], &["--region", "us-east-1", "--all"][..]] {
        let mut args = vec!["module5", "prices", "refresh"];
        args.extend_from_slice(bad);
        expect_code(&emulator.run(&learner, &args), 2);
    }
}

#[test]
fn audit_check_and_cost_price_a_current_instance_from_the_regions_cache_and_say_so() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    seed.app(&domain, "ana", sm::AppType::JupyterLab, "lab", "ml.g5.xlarge", 600);
    let learner = Learner::new();
    let app = |audit: &Value| audit["running"][0].clone();

    // No cache: the course has no price for ml.g5.xlarge, the catalog's
    // published prices have one for eu-central-1, labelled with its source.
    let before = json(&emulator.run(&learner, &["module5", "audit", "--format", "json"]));
    assert_eq!(
        app(&before)["price_per_hour_usd"].as_f64(),
        published_price("ml.g5.xlarge", "eu-central-1", "studio-app")
    );
    assert!(
        app(&before)["price_source"]
            .as_str()
            .unwrap()
            .contains("(eu-central-1, notebook)"),
        "{before}"
    );
    assert_eq!(before["partial"], false, "{before}");
    let text = stdout(&emulator.run(&learner, &["module5", "audit", "--lang", "en"]));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("AWS published price, read"), "{text}");

    expect_code(
        &emulator.run(&learner, &["module5", "prices", "refresh", "--region", "eu-central-1"]),
        0,
    );
    let after = json(&emulator.run(&learner, &["module5", "audit", "--format", "json"]));
    assert_eq!(app(&after)["price_per_hour_usd"], 1.8);
    let source = app(&after)["price_source"].as_str().unwrap().to_string();
    assert!(
        source.starts_with("AWS Price List API (GetProducts), ")
            && source.ends_with("(eu-central-1, studio-jupyterlab)"),
        "{source}"
    );
    assert_eq!(after["partial"], false);
    let today = &humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()[..10];
    let text = stdout(&emulator.run(&learner, &["module5", "audit", "--lang", "en"]));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(&format!("$1.80/h (AWS Price List, {today}, eu-central-1)")) && !words.contains("partial"),
        "{text}"
    );

    // check prices it the same way.
    let report = json(&emulator.run(&learner, &["module5", "check", "--format", "json"]));
    let apps = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "studio-apps")
        .unwrap();
    assert_eq!(apps["resources"][0]["price_per_hour_usd"], 1.8);
    assert_eq!(apps["resources"][0]["price_source"], source.as_str());

    // cost reads the fresh cache without --live-prices (no network needed).
    let e = json_of(
        &learner,
        &["module5", "cost", "ml.g5.xlarge", "--hours", "1", "--format", "json"],
    );
    assert_eq!(e["price_per_hour_usd"], 1.8);
    assert!(
        e["price_source"]
            .as_str()
            .unwrap()
            .contains("(eu-central-1, studio-jupyterlab)"),
        "{e}"
    );
    // The monthly comparison gains the row, saying where each figure comes from.
    let table = json_of(&learner, &["module5", "cost", "--monthly", "--format", "json"]);
    let row = |name: &str| {
        table["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["instance"] == name)
            .cloned()
            .unwrap()
    };
    assert_eq!(row("ml.g5.xlarge")["per_hour_usd"], 1.8);
    assert!(
        row("ml.g5.xlarge")["price_source"]
            .as_str()
            .unwrap()
            .starts_with("AWS Price List API")
    );
    assert_eq!(
        row("ml.p3.2xlarge")["price_source"],
        "course text (approximate; its region, eu-central-1, is not confirmed)"
    );
}
