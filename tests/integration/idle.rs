//! Idle by activity, against the emulator: DescribeApp's last activity per
//! running Studio app (the emulator sets it from the tag
//! `harness:last-activity-seconds-ago`), CloudWatch `Invocations` per
//! endpoint variant (put with PutMetricData, read with GetMetricData through
//! the CBOR bridge), and idle shutdown's verdict on each app.

use std::process::Output;

use aws_sdk_sagemaker::types as sm;
use serde_json::Value;

use crate::emulator::*;
use crate::live::{Seed, by_id, json, status};
use crate::util::*;

/// SageMaker Distribution's CPU image in the emulator's region ("Code Editor
/// application instances and images", AWS).
const SMD: &str = "arn:aws:sagemaker:eu-central-1:545423591354:image/sagemaker-distribution-cpu";

/// A running app, with its times (seconds ago) and image.
struct AppSeed<'a> {
    owner: &'a str,
    app_type: sm::AppType,
    name: &'a str,
    created: u64,
    activity: u64,
    /// The last health check, when it is not the activity's time.
    health_check: Option<u64>,
    /// The image's version alias on SageMaker Distribution; None: no image.
    smd: Option<&'a str>,
}

impl AppSeed<'static> {
    /// The JupyterLab app of the space `lab` on SageMaker Distribution 2.1.0,
    /// up `created` seconds and last active `activity` seconds ago.
    fn lab(created: u64, activity: u64) -> AppSeed<'static> {
        AppSeed {
            owner: "space:lab",
            app_type: sm::AppType::JupyterLab,
            name: "default",
            created,
            activity,
            health_check: None,
            smd: Some("2.1.0"),
        }
    }
}

fn app(seed: &Seed, domain: &str, a: AppSeed<'_>) {
    let tag = |k: &str, v: u64| sm::Tag::builder().key(k).value(v.to_string()).build();
    let mut spec = sm::ResourceSpec::builder().instance_type(sm::AppInstanceType::MlT3Medium);
    if let Some(version) = a.smd {
        spec = spec.sage_maker_image_arn(SMD).sage_maker_image_version_alias(version);
    }
    let mut call = seed
        .sm
        .create_app()
        .domain_id(domain)
        .app_type(a.app_type)
        .app_name(a.name)
        .resource_spec(spec.build())
        .tags(tag("harness:created-seconds-ago", a.created))
        .tags(tag("harness:last-activity-seconds-ago", a.activity));
    if let Some(ago) = a.health_check {
        call = call.tags(tag("harness:last-health-check-seconds-ago", ago));
    }
    call = match a.owner.strip_prefix("space:") {
        Some(space) => call.space_name(space),
        None => call.user_profile_name(a.owner),
    };
    block_on(call.send()).unwrap();
}

/// The binary against the emulator, in UTC so that clock times can be checked.
fn run(emulator: &Emulator, args: &[&str]) -> Output {
    let learner = Learner::new();
    let mut cmd = learner.command(args);
    emulator.configure(&mut cmd);
    cmd.env("TZ", "UTC")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

/// A domain with built-in JupyterLab idle shutdown at 60 minutes, a profile
/// `ana` and her space `lab`.
fn course(emulator: &Emulator) -> (Seed, String) {
    let seed = Seed::new(emulator);
    let domain = seed.domain("course", Some(60));
    seed.profile(&domain, "ana");
    seed.space(&domain, "lab", "ana");
    (seed, domain)
}

fn resource<'a>(check: &'a Value, name: &str) -> &'a Value {
    check["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no resource {name} in {check}"))
}

/// An RFC 3339 time as the text shows it in UTC: `HH:MM (UTC)` today, else
/// with the date.
fn clock(rfc3339: &str) -> String {
    let today = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    match rfc3339[..10] == today[..10] {
        true => format!("{} (UTC)", &rfc3339[11..16]),
        false => format!("{} {} (UTC)", &rfc3339[..10], &rfc3339[11..16]),
    }
}

#[test]
fn an_app_idle_past_its_timeout_fails_idle_shutdown_with_the_verdict_cause_and_fix() {
    let emulator = Emulator::start();
    let (seed, domain) = course(&emulator);
    // Four hours up, four hours without activity: the field's case of
    // idle shutdown "passing" while an app bills all afternoon.
    app(&seed, &domain, AppSeed::lab(4 * 3600, 4 * 3600));
    let output = run(&emulator, &["module5", "check", "--format", "json"]);
    expect_code(&output, 1);
    let report = json(&output);
    let idle = by_id(&report, "idle-shutdown");
    assert_eq!(idle["status"], "fail", "{idle}");
    let summary = idle["summary"].as_str().unwrap();
    assert!(
        summary.contains("default (space lab (ana)): idle 240 min, 180 min past its 60-minute timeout: idle shutdown is not working for this app"),
        "{summary}"
    );
    let verdict = &resource(idle, "default")["idle_shutdown"];
    assert_eq!(verdict["verdict"], "not-working", "{verdict}");
    assert_eq!(verdict["timeout_minutes"], 60);
    assert!(
        verdict["support"]
            .as_str()
            .unwrap()
            .contains("SageMaker Distribution 2.1.0: built-in idle shutdown works"),
        "{verdict}"
    );
    // The domain's settings changed (it was made) after the app started: the
    // likely cause, with the fix, is the first step; the stop command follows.
    let steps = idle["remediation"]["steps"].as_array().unwrap();
    let first = steps[0].as_str().unwrap();
    assert!(
        first.starts_with("default (space lab (ana)): likely cause: the setting changed at")
            && first.contains("Fix: restart the app"),
        "{first}"
    );
    let commands = idle["remediation"]["commands"].as_array().unwrap();
    assert!(
        commands[0].as_str().unwrap().contains("delete-app")
            && commands[0].as_str().unwrap().contains("--space-name lab"),
        "{commands:?}"
    );
    // The studio-apps check shows the idle time and the same verdict.
    let apps = by_id(&report, "studio-apps");
    let lab = resource(apps, "default");
    assert_eq!(lab["idle_minutes"], 240, "{lab}");
    assert_eq!(lab["idle_shutdown"]["verdict"], "not-working");
    let text = stdout(&run(
        &emulator,
        &["module5", "check", "--only", "idle-shutdown,studio-apps"],
    ));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("idle for 240 min"), "{text}");
    assert!(words.contains("likely cause: the setting changed"), "{text}");
    // The audit shows the idle time too.
    let audit = json(&run(&emulator, &["module5", "audit", "--format", "json"]));
    assert_eq!(audit["running"][0]["idle_minutes"], 240, "{audit}");
}

#[test]
fn an_app_active_five_minutes_ago_is_kept_alive_by_activity() {
    let emulator = Emulator::start();
    let (seed, domain) = course(&emulator);
    app(
        &seed,
        &domain,
        // A health check after the activity: the activity is the user's.
        AppSeed {
            health_check: Some(60),
            ..AppSeed::lab(3 * 3600, 300)
        },
    );
    let report = json(&run(
        &emulator,
        &[
            "module5",
            "check",
            "--only",
            "idle-shutdown,studio-apps",
            "--format",
            "json",
        ],
    ));
    let idle = by_id(&report, "idle-shutdown");
    assert_eq!(
        idle["status"], "pass",
        "a kept-alive app is no failure of idle shutdown: {idle}"
    );
    let verdict = &resource(idle, "default")["idle_shutdown"];
    assert_eq!(verdict["verdict"], "kept-alive", "{verdict}");
    let summary = verdict["summary"].as_str().unwrap();
    assert!(
        summary.starts_with("active 5 min ago: an open kernel, terminal or running cell keeps it alive — close them"),
        "{summary}"
    );
    assert!(!summary.contains("health check"), "{summary}");
    let lab = resource(by_id(&report, "studio-apps"), "default");
    assert_eq!(lab["idle_minutes"], 5);
    assert!(lab.get("activity_is_health_check").is_none(), "{lab}");
}

#[test]
fn a_recent_app_will_stop_at_its_time_and_an_uncovered_one_is_said_not_covered() {
    let emulator = Emulator::start();
    let (seed, domain) = course(&emulator);
    app(&seed, &domain, AppSeed::lab(20 * 60, 10 * 60));
    // Studio Classic's kernel apps have no built-in idle shutdown.
    app(
        &seed,
        &domain,
        AppSeed {
            owner: "ana",
            app_type: sm::AppType::KernelGateway,
            name: "datascience-1",
            created: 3600,
            activity: 3600,
            health_check: None,
            smd: None,
        },
    );
    let report = json(&run(
        &emulator,
        &["module5", "check", "--only", "idle-shutdown", "--format", "json"],
    ));
    let idle = by_id(&report, "idle-shutdown");
    assert_eq!(idle["status"], "pass", "{idle}");
    let will = &resource(idle, "default")["idle_shutdown"];
    assert_eq!(will["verdict"], "will-stop", "{will}");
    // Sixty minutes after its last activity, ten minutes ago: in 50 minutes.
    let stops_at = will["stops_at"].as_str().unwrap();
    let due = humantime::parse_rfc3339_weak(stops_at).unwrap();
    let in_secs = due.duration_since(std::time::SystemTime::now()).unwrap().as_secs();
    assert!((49 * 60..=50 * 60 + 5).contains(&in_secs), "{in_secs}");
    assert_eq!(
        will["summary"],
        format!("will stop at {} if left idle", clock(stops_at)),
        "{will}"
    );
    let kernel = &resource(idle, "datascience-1")["idle_shutdown"];
    assert_eq!(kernel["verdict"], "not-covered", "{kernel}");
    assert_eq!(
        kernel["summary"],
        "not covered: KernelGateway has no built-in idle shutdown and no known lifecycle script stops it"
    );

    // On a domain without idle shutdown, a JupyterLab app is not covered
    // either, and the check fails for the profile as before.
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = seed.domain("bare", None);
    seed.profile(&domain, "ana");
    seed.space(&domain, "lab", "ana");
    app(
        &seed,
        &domain,
        AppSeed {
            smd: Some("1.9.0"),
            ..AppSeed::lab(3600, 3600)
        },
    );
    let report = json(&run(
        &emulator,
        &["module5", "check", "--only", "idle-shutdown", "--format", "json"],
    ));
    let idle = by_id(&report, "idle-shutdown");
    assert_eq!(idle["status"], "fail");
    assert!(
        idle["summary"]
            .as_str()
            .unwrap()
            .starts_with("No idle shutdown for: d-bare/ana"),
        "{idle}"
    );
    let verdict = &resource(idle, "default")["idle_shutdown"];
    assert_eq!(verdict["verdict"], "not-covered");
    assert!(
        verdict["fix"]
            .as_str()
            .unwrap()
            .contains("sm-course module5 fix idle-shutdown"),
        "{verdict}"
    );
}

/// Puts `count` requests on an endpoint's variant `all`, half an hour ago.
fn requests(emulator: &Emulator, endpoint: &str, count: f64) {
    use aws_sdk_cloudwatch::types::{Dimension, MetricDatum};
    let cw = aws_sdk_cloudwatch::Client::new(&emulator.sdk());
    let when = std::time::SystemTime::now() - std::time::Duration::from_secs(1800);
    block_on(
        cw.put_metric_data()
            .namespace("AWS/SageMaker")
            .metric_data(
                MetricDatum::builder()
                    .metric_name("Invocations")
                    .dimensions(Dimension::builder().name("EndpointName").value(endpoint).build())
                    .dimensions(Dimension::builder().name("VariantName").value("all").build())
                    .value(count)
                    .timestamp(aws_smithy_types::DateTime::from(when))
                    .build(),
            )
            .send(),
    )
    .unwrap();
}

#[test]
fn an_endpoint_without_requests_is_idle_with_its_daily_cost_and_one_with_requests_says_how_many() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    seed.endpoint("forgotten", "ml.m5.large", 2);
    seed.endpoint("busy", "ml.m5.large", 1);
    requests(&emulator, "busy", 40.0);
    requests(&emulator, "busy", 2.0);
    let output = run(
        &emulator,
        &["module5", "check", "--only", "endpoints", "--format", "json"],
    );
    expect_code(&output, 1);
    let report = json(&output);
    let endpoints = by_id(&report, "endpoints");
    let price = published_price("ml.m5.large", REGION, "endpoint").unwrap();
    let per_day = round(2.0 * price) * 24.0;
    let summary = endpoints["summary"].as_str().unwrap();
    assert!(
        summary.starts_with(&format!(
            "Idle, no requests in 24 h: forgotten ({} a day).",
            usd_en(per_day)
        )),
        "the idle endpoint is said first: {summary}"
    );
    assert!(!summary.contains("busy ("), "{summary}");
    assert_eq!(resource(endpoints, "forgotten")["invocations_24h"], 0);
    assert_eq!(resource(endpoints, "busy")["invocations_24h"], 42);
    let text = stdout(&run(&emulator, &["module5", "check", "--only", "endpoints"]));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(&format!("idle: no requests in 24 h, {} a day", usd_en(per_day))),
        "{text}"
    );
    assert!(words.contains("42 requests in 24 h"), "{text}");
    // The audit says the same of each.
    let audit = json(&run(&emulator, &["module5", "audit", "--format", "json"]));
    let running = audit["running"].as_array().unwrap();
    let find = |name: &str| running.iter().find(|r| r["name"] == name).unwrap().clone();
    assert_eq!(find("forgotten")["invocations_24h"], 0);
    assert_eq!(find("busy")["invocations_24h"], 42);
}

#[test]
fn get_metric_data_denied_is_an_error_for_the_requests_and_nothing_else() {
    let emulator = Emulator::with(Options {
        faults: vec!["GetMetricData=AccessDeniedException:400".into()],
        ..Options::default()
    });
    let seed = Seed::new(&emulator);
    seed.endpoint("forgotten", "ml.m5.large", 1);
    let output = run(&emulator, &["module5", "check", "--format", "json"]);
    expect_code(&output, 1);
    let report = json(&output);
    let endpoints = by_id(&report, "endpoints");
    assert_eq!(endpoints["status"], "fail", "still billing: {endpoints}");
    assert!(
        endpoints["summary"]
            .as_str()
            .unwrap()
            .starts_with("1 endpoint instance(s) billing"),
        "never idle from data not read: {endpoints}"
    );
    let forgotten = resource(endpoints, "forgotten");
    assert!(forgotten.get("invocations_24h").is_none(), "{forgotten}");
    assert_eq!(forgotten["activity_unknown"]["reason"], "unread");
    assert_eq!(
        forgotten["activity_unknown"]["error"]["operation"],
        "cloudwatch:GetMetricData"
    );
    let evidence = endpoints["evidence"].as_array().unwrap();
    assert!(
        evidence
            .iter()
            .any(|f| f["key"] == "requests_unread" && f["value"].as_str().unwrap().contains("cloudwatch:GetMetricData")),
        "{evidence:?}"
    );
    // Every other check reads as it would without the fault.
    for (id, expected) in [
        ("identity", "pass"),
        ("studio-apps", "pass"),
        ("notebook-instances", "pass"),
        ("budget", "fail"),
        ("idle-shutdown", "skip"),
        ("long-running-alarm", "warn"),
    ] {
        assert_eq!(status(&report, id), expected, "{id}: {}", by_id(&report, id));
    }
    assert_eq!(report["summary"]["error"], 0, "{}", report["summary"]);
    let text = stdout(&run(&emulator, &["module5", "check", "--only", "endpoints"]));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("use unknown: access denied: the IAM action cloudwatch:GetMetricData is not allowed"),
        "{text}"
    );
    let audit = run(&emulator, &["module5", "audit", "--format", "json"]);
    expect_code(&audit, 1);
    assert_eq!(
        json(&audit)["errors"],
        serde_json::json!([]),
        "the audit's reads all worked"
    );
}

#[test]
fn troubleshoot_idle_shutdown_walks_through_each_app_and_needs_the_account() {
    let emulator = Emulator::start();
    let (seed, domain) = course(&emulator);
    app(&seed, &domain, AppSeed::lab(4 * 3600, 4 * 3600));
    seed.notebook("nb", "ml.t3.medium", 600);
    let output = run(&emulator, &["module5", "troubleshoot", "idle-shutdown"]);
    expect_code(&output, 0);
    let text = stdout(&output);
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for expected in [
        "Idle shutdown, app by app · account 123456789012 · eu-central-1",
        "JupyterLab default (d-course/space lab (ana)) · ml.t3.medium · running for 4h00m",
        "1. Setting that applies: built-in JupyterLab idle shutdown after 60 min",
        "2. App and image: JupyterLab on SageMaker Distribution 2.1.0: built-in idle shutdown works",
        "3. Activity: last activity or health check at",
        "(240 min ago)",
        "4. Verdict: idle 240 min, 180 min past its 60-minute timeout: idle shutdown is not working for this app",
        "Likely cause: the setting changed at",
        "Fix: restart the app",
        "Notebook instance nb is running: AWS gives no activity signal for notebook instances",
        "What counts as activity",
    ] {
        assert!(words.contains(expected), "{expected:?} in:\n{text}");
    }
    let pt = run(&emulator, &["module5", "troubleshoot", "idle-shutdown", "--lang", "pt"]);
    let pt_words = stdout(&pt).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        pt_words.contains("o desligamento por ociosidade não está funcionando para este app"),
        "{pt_words}"
    );

    // Without credentials: what it needs, how to set it up, exit 2.
    let learner = Learner::new();
    let output = learner
        .command(&["module5", "troubleshoot", "idle-shutdown"])
        .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
        .env("AWS_REGION", REGION)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", learner.dir.path())
        .output()
        .unwrap();
    expect_code(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("`troubleshoot idle-shutdown` reads your AWS account") && err.contains("aws configure"),
        "{err}"
    );
    assert!(stdout(&output).is_empty());
}
