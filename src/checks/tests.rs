//! Every status of every check, from snapshots edited in place: no network.

use super::*;
use crate::catalog::prices::PriceBook;
use crate::course::Course;
use crate::snapshot::*;

fn course() -> Course {
    Course::load(None, Lang::En, &crate::checks::known()).unwrap()
}

/// The clean practice account: every check passes.
fn clean(course: &Course) -> Snapshot {
    course.sandbox("clean", Lang::En).unwrap()
}

/// What the price book answers for `instance_type` used for `usage` in the
/// course's region (AWS's published figure there, where the catalog has one).
fn book_price(course: &Course, instance_type: &str, usage: crate::catalog::prices::Usage) -> f64 {
    PriceBook::new(&course.instances)
        .price(instance_type, Some(COURSE_REGION), usage)
        .unwrap()
        .usd_per_hour
}

fn denied(operation: &str) -> CallError {
    CallError {
        operation: operation.into(),
        kind: ErrorKind::AccessDenied,
        message: "AccessDeniedException".into(),
    }
}

fn run(course: &Course, snapshot: &Snapshot, id: &str) -> CheckResult {
    run_in(course, snapshot, id, Lang::En)
}

fn run_in(course: &Course, snapshot: &Snapshot, id: &str, lang: Lang) -> CheckResult {
    let judge = Judge {
        course,
        prices: &PriceBook::new(&course.instances),
        lang,
        expect_region: COURSE_REGION,
    };
    let mut results = judge.judge(snapshot, Some(&[id.to_string()]));
    assert_eq!(results.len(), 1);
    let result = results.remove(0);
    // Whatever the outcome, every placeholder was filled, in both languages.
    let other = Judge {
        course,
        prices: &PriceBook::new(&course.instances),
        lang: if lang == Lang::En { Lang::Pt } else { Lang::En },
        expect_region: COURSE_REGION,
    };
    for r in [&result, &other.judge(snapshot, Some(&[id.to_string()]))[0]] {
        let fix = &r.remediation;
        let texts = [&r.summary]
            .into_iter()
            .chain(&fix.why)
            .chain(&fix.steps)
            .chain(&fix.console)
            .chain(&fix.commands);
        for text in texts {
            assert!(
                !text.contains('{') || text.contains("'{\""),
                "{id}: unfilled placeholder in {text:?}"
            );
            assert!(
                !text.contains("[studio") && !text.starts_with('['),
                "{id}: missing text {text:?}"
            );
        }
    }
    result
}

fn app(name: &str, app_type: &str, status: &str, instance: Option<&str>, created: &str) -> App {
    App {
        domain_id: "d-practice01".into(),
        user_profile: Some("learner".into()),
        space: None,
        app_type: app_type.into(),
        name: name.into(),
        status: status.into(),
        instance_type: instance.map(str::to_string),
        created_at: Some(created.into()),
        image: None,
        activity: None,
    }
}

#[test]
fn the_clean_practice_account_passes_everything_but_the_storage_it_keeps() {
    let course = course();
    let snapshot = clean(&course);
    for id in ids() {
        // Its space, stopped notebook instance and EFS still bill by the GB-month.
        let expected = if id == "storage" { Status::Warn } else { Status::Pass };
        assert_eq!(run(&course, &snapshot, id).status, expected, "{id}");
    }
}

#[test]
fn identity_passes_with_the_account_or_errors() {
    let course = course();
    let mut s = clean(&course);
    let r = run(&course, &s, "identity");
    assert_eq!(
        r.evidence[0],
        Fact {
            key: "account".into(),
            value: "111122223333".into()
        }
    );
    s.identity = Err(CallError {
        operation: "sts:GetCallerIdentity".into(),
        kind: ErrorKind::Unreachable,
        message: crate::snapshot::gist::DNS.into(),
    });
    let r = run(&course, &s, "identity");
    assert_eq!(r.status, Status::Error);
    assert!(
        r.summary
            .contains("cannot reach AWS (DNS could not resolve the server's name)"),
        "{}",
        r.summary
    );
}

#[test]
fn region_passes_warns_elsewhere_and_fails_when_unset() {
    let course = course();
    let mut s = clean(&course);
    s.region = Some("us-east-1".into());
    let r = run(&course, &s, "region");
    assert_eq!(r.status, Status::Warn);
    assert!(
        r.remediation
            .commands
            .contains(&"export AWS_REGION=eu-central-1".to_string())
    );
    s.region = None;
    assert_eq!(run(&course, &s, "region").status, Status::Fail);
}

#[test]
fn studio_apps_fail_with_priced_resources_and_free_apps_are_ignored() {
    let course = course();
    let mut s = clean(&course);
    s.taken_at = "2026-11-28T12:30:00Z".into();
    s.apps = Ok(vec![
        app(
            "default",
            "JupyterServer",
            "InService",
            Some("system"),
            "2026-11-27T10:00:00Z",
        ),
        app(
            "kg",
            "KernelGateway",
            "InService",
            Some("ml.m5.xlarge"),
            "2026-11-28T10:00:00Z",
        ),
        app(
            "gone",
            "KernelGateway",
            "Deleted",
            Some("ml.p3.2xlarge"),
            "2026-11-28T10:00:00Z",
        ),
        app(
            "starting",
            "JupyterLab",
            "Pending",
            Some("ml.p3.2xlarge"),
            "2026-11-28T12:29:30Z",
        ),
    ]);
    let r = run(&course, &s, "studio-apps");
    assert_eq!(r.status, Status::Fail);
    assert_eq!(
        r.resources.len(),
        2,
        "the free JupyterServer and the deleted app are not billed"
    );
    let kg = &r.resources[0];
    // 2 h 30 min, as in the module's worked example, at the region's price.
    let m5 = book_price(&course, "ml.m5.xlarge", crate::catalog::prices::Usage::Notebook);
    assert_eq!(
        (kg.running_seconds, kg.price_per_hour_usd, kg.accrued_usd, kg.gpu),
        (Some(9000), Some(m5), Some(crate::catalog::cost_usd(m5, 9000)), false),
    );
    let starting = &r.resources[1];
    assert_eq!(starting.running_seconds, Some(30));
    let p3 = book_price(&course, "ml.p3.2xlarge", crate::catalog::prices::Usage::Notebook);
    assert_eq!(
        starting.accrued_usd,
        Some(crate::catalog::round(p3 * 60.0 / 3600.0)),
        "one-minute minimum"
    );
    assert!(starting.gpu);
    assert!(r.summary.contains("GPU running: starting"), "{}", r.summary);
    let total = crate::catalog::usd(crate::catalog::round(m5 + p3), Lang::En);
    assert!(r.summary.contains(&format!("{total}/h")), "{}", r.summary);
    assert_eq!(r.remediation.commands.len(), 2);

    s.apps = Ok(vec![app(
        "default",
        "JupyterServer",
        "InService",
        Some("system"),
        "2026-11-27T10:00:00Z",
    )]);
    assert_eq!(run(&course, &s, "studio-apps").status, Status::Pass);
    s.apps = Err(denied("sagemaker:ListApps"));
    let r = run(&course, &s, "studio-apps");
    assert_eq!(r.status, Status::Error);
    assert!(r.summary.contains("sagemaker:ListApps"));
    assert_eq!(r.remediation.commands, ["sm-course iam-policy"]);
}

#[test]
fn an_unknown_instance_type_has_no_invented_price() {
    let course = course();
    let mut s = clean(&course);
    s.apps = Ok(vec![app(
        "new",
        "JupyterLab",
        "InService",
        Some("ml.g6.xlarge"),
        "2026-11-28T17:00:00Z",
    )]);
    let r = run(&course, &s, "studio-apps");
    assert_eq!(r.resources[0].price_per_hour_usd, None);
    assert_eq!(r.resources[0].accrued_usd, None);
    assert!(r.resources[0].gpu);
    assert!(r.summary.contains("total is partial"), "{}", r.summary);
}

#[test]
fn notebook_instances_pass_fail_or_error() {
    let course = course();
    let mut s = clean(&course);
    s.notebook_instances = Ok(vec![NotebookInstance {
        name: "nb".into(),
        status: "InService".into(),
        instance_type: Some("ml.t3.medium".into()),
        started_at: Some("2026-11-28T16:00:00Z".into()),
        lifecycle_config: None,
        lifecycle_script: None,
        created_at: None,
        volume_gb: None,
    }]);
    let r = run(&course, &s, "notebook-instances");
    assert_eq!(r.status, Status::Fail);
    // Two hours so far at the notebook-instance price.
    let t3 = book_price(&course, "ml.t3.medium", crate::catalog::prices::Usage::NotebookInstance);
    assert_eq!(r.resources[0].accrued_usd, Some(crate::catalog::cost_usd(t3, 7200)));
    assert!(r.remediation.commands[0].starts_with("aws sagemaker stop-notebook-instance --notebook-instance-name nb"));
    s.notebook_instances = Err(denied("sagemaker:ListNotebookInstances"));
    assert_eq!(run(&course, &s, "notebook-instances").status, Status::Error);
}

fn endpoint(name: &str, instance: Option<&str>, count: i32) -> Endpoint {
    Endpoint {
        name: name.into(),
        status: "InService".into(),
        created_at: Some("2026-11-28T17:00:00Z".into()),
        config_name: Some(format!("{name}-config")),
        variants: Ok(vec![Variant {
            name: Some("AllTraffic".into()),
            instance_type: instance.map(str::to_string),
            count,
            serverless: instance.is_none(),
            provisioned_concurrency: None,
            invocations_24h: None,
        }]),
        asynchronous: false,
        components: vec![],
    }
}

#[test]
fn an_endpoint_with_instances_fails_with_its_daily_cost_and_counts_every_instance() {
    let course = course();
    let mut s = clean(&course);
    s.endpoints = Ok(vec![endpoint("prod", Some("ml.m5.large"), 3)]);
    let r = run(&course, &s, "endpoints");
    assert_eq!(r.status, Status::Fail, "it bills around the clock, used or not");
    let m5 = book_price(&course, "ml.m5.large", crate::catalog::prices::Usage::Hosting);
    assert_eq!(
        (r.resources[0].count, r.resources[0].price_per_hour_usd),
        (3, Some(crate::catalog::round(3.0 * m5)))
    );
    // Three instances, 24 hours.
    let per_day = crate::catalog::usd(crate::catalog::round(3.0 * m5) * 24.0, Lang::En);
    assert!(r.summary.contains(&format!("{per_day} a day")), "{}", r.summary);
    assert_eq!(
        r.remediation.commands,
        ["aws sagemaker delete-endpoint --endpoint-name prod --region eu-central-1"]
    );
    s.endpoints = Err(denied("sagemaker:ListEndpoints"));
    assert_eq!(run(&course, &s, "endpoints").status, Status::Error);
}

#[test]
fn an_endpoint_without_requests_is_said_idle_first_and_one_with_requests_says_how_many() {
    let course = course();
    let mut s = clean(&course);
    let with_requests = |name: &str, count: i32, requests: Fetched<u64>| {
        let mut e = endpoint(name, Some("ml.m5.large"), count);
        if let Ok(variants) = &mut e.variants {
            variants[0].invocations_24h = Some(requests);
        }
        e
    };
    s.endpoints = Ok(vec![
        with_requests("quiet", 2, Ok(0)),
        with_requests("served", 1, Ok(7)),
    ]);
    let r = run(&course, &s, "endpoints");
    assert_eq!(r.status, Status::Fail);
    let m5 = book_price(&course, "ml.m5.large", crate::catalog::prices::Usage::Hosting);
    let quiet_day = crate::catalog::usd(crate::catalog::round(2.0 * m5) * 24.0, Lang::En);
    assert!(
        r.summary.starts_with(&format!(
            "Idle, no requests in 24 h: quiet ({quiet_day} a day). 2 endpoint instance(s)"
        )),
        "{}",
        r.summary
    );
    assert_eq!(
        (r.resources[0].invocations_24h, r.resources[1].invocations_24h),
        (Some(0), Some(7))
    );
    let facts: Vec<(&str, &str)> = r.evidence.iter().map(|f| (f.key.as_str(), f.value.as_str())).collect();
    assert!(
        facts.contains(&("idle_24h", "quiet")) && facts.contains(&("requests_24h", "served: 7")),
        "{facts:?}"
    );
    let pt = run_in(&course, &s, "endpoints", Lang::Pt);
    assert!(
        pt.summary.starts_with("Ocioso, sem requisições em 24 h: quiet ("),
        "{}",
        pt.summary
    );
    // Every endpoint served: the usual summary.
    s.endpoints = Ok(vec![with_requests("served", 1, Ok(7))]);
    assert!(
        run(&course, &s, "endpoints")
            .summary
            .starts_with("1 endpoint instance(s) billing")
    );
    // Requests that could not be read: never idle, the action to ask for.
    s.endpoints = Ok(vec![with_requests("quiet", 1, Err(denied("cloudwatch:GetMetricData")))]);
    let r = run(&course, &s, "endpoints");
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.starts_with("1 endpoint instance(s) billing"), "{}", r.summary);
    assert!(
        r.evidence
            .iter()
            .any(|f| f.key == "requests_unread" && f.value.contains("cloudwatch:GetMetricData")),
        "{:?}",
        r.evidence
    );
    assert!(
        r.remediation
            .steps
            .iter()
            .any(|step| step.contains("cloudwatch:GetMetricData")),
        "{:?}",
        r.remediation.steps
    );
}

#[test]
fn idle_shutdown_fails_while_a_covered_app_is_idle_past_its_timeout() {
    let course = course();
    let mut s = clean(&course);
    with_studio(&mut s, settings(Some((true, 60))), settings(None));
    let taken = humantime::parse_rfc3339_weak(&s.taken_at).unwrap();
    let lab = |idle_minutes: u64| {
        let at = |m: u64| humantime::format_rfc3339_seconds(taken - std::time::Duration::from_secs(m * 60)).to_string();
        let mut app = app("lab", "JupyterLab", "InService", Some("ml.t3.medium"), &at(240));
        app.domain_id = "d-1".into();
        app.user_profile = Some("ana".into());
        app.activity = Some(Ok(AppActivity {
            last_user_activity: Some(at(idle_minutes)),
            last_health_check: Some(at(0)),
        }));
        app
    };
    s.apps = Ok(vec![lab(240)]);
    let r = run(&course, &s, "idle-shutdown");
    assert_eq!(r.status, Status::Fail, "{}", r.summary);
    assert_eq!(
        r.summary,
        "Idle shutdown did not stop 1 app(s) idle past their timeout: lab (ana): idle 240 min, 180 min past its \
         60-minute timeout: idle shutdown is not working for this app"
    );
    assert!(
        r.remediation.steps[0].starts_with("lab (ana): likely cause: "),
        "{:?}",
        r.remediation.steps
    );
    assert_eq!(
        r.remediation.commands,
        [
            "aws sagemaker delete-app --domain-id d-1 --user-profile-name ana --app-type JupyterLab --app-name lab --region eu-central-1"
        ]
    );
    assert_eq!(r.resources[0].idle_minutes, Some(240));
    // Active five minutes ago: kept alive by activity, and the settings pass.
    s.apps = Ok(vec![lab(5)]);
    let r = run(&course, &s, "idle-shutdown");
    assert_eq!(r.status, Status::Pass, "{}", r.summary);
    let verdict = r.resources[0].idle_shutdown.as_ref().unwrap();
    assert_eq!(verdict.verdict, idle::Verdict::KeptAlive);
    // Where another profile is uncovered too, both are said.
    if let Ok(profiles) = &mut s.user_profiles {
        profiles.push(UserProfile {
            domain_id: "d-1".into(),
            name: "bruno".into(),
            settings: settings(Some((false, 60))),
            modified_at: None,
        });
    }
    s.apps = Ok(vec![lab(240)]);
    let r = run(&course, &s, "idle-shutdown");
    assert_eq!(r.status, Status::Fail);
    assert!(
        r.summary.contains("not working") && r.summary.contains("No idle shutdown for: d-1/bruno"),
        "{}",
        r.summary
    );
    assert!(r.remediation.commands.iter().any(|c| c.contains("update-domain")));
    assert!(r.remediation.commands.iter().any(|c| c.contains("delete-app")));
}

#[test]
fn a_serverless_endpoint_passes_unless_it_has_provisioned_concurrency() {
    let course = course();
    let mut s = clean(&course);
    s.endpoints = Ok(vec![endpoint("scorer", None, 1)]);
    let r = run(&course, &s, "endpoints");
    assert_eq!(r.status, Status::Pass, "billed per request: nothing while idle");
    assert_eq!(r.resources[0].price_per_hour_usd, Some(0.0));
    let mut provisioned = endpoint("scorer", None, 1);
    if let Ok(variants) = &mut provisioned.variants {
        variants[0].provisioned_concurrency = Some(2);
    }
    s.endpoints = Ok(vec![provisioned]);
    let r = run(&course, &s, "endpoints");
    assert_eq!(r.status, Status::Fail, "provisioned concurrency bills every hour");
    assert_eq!((r.resources[0].price_per_hour_usd, r.resources[0].count), (None, 2));
    assert!(r.summary.contains("at least"), "{}", r.summary);
}

#[test]
fn an_unpriced_gpu_endpoint_fails_and_its_totals_say_at_least() {
    let course = course();
    let mut s = clean(&course);
    // A GPU type with no figure in this region (none is embedded for it).
    let mut gpu = endpoint("forgotten", Some("ml.p4de.24xlarge"), 1);
    gpu.asynchronous = true;
    s.endpoints = Ok(vec![gpu, endpoint("small", Some("ml.m5.large"), 1)]);
    let r = run(&course, &s, "endpoints");
    assert_eq!(r.status, Status::Fail);
    assert!(r.resources[0].gpu, "a GPU family counts as GPU without a price");
    assert_eq!(r.resources[0].kind, ResourceKind::AsyncEndpoint);
    let m5 = book_price(&course, "ml.m5.large", crate::catalog::prices::Usage::Hosting);
    let at_least = format!("at least {}/h", crate::catalog::usd(m5, Lang::En));
    assert!(r.summary.contains(&at_least), "{at_least} in {}", r.summary);
    assert!(r.summary.contains("forgotten"), "the GPU is named: {}", r.summary);
}

fn pool(job: &str, instance: &str, count: i32) -> WarmPool {
    WarmPool {
        job: job.into(),
        status: "Available".into(),
        instance_type: Some(instance.into()),
        count,
        keep_alive_seconds: Some(3600),
        ended_at: Some("2026-11-28T17:30:00Z".into()),
        retained_billable_seconds: Some(1800),
    }
}

#[test]
fn a_warm_pool_fails_with_its_instances_priced_as_training_and_its_release_command() {
    let course = course();
    let mut s = clean(&course);
    s.warm_pools = Ok(vec![pool("tune-1", "ml.m5.xlarge", 4)]);
    let r = run(&course, &s, "jobs");
    assert_eq!(r.status, Status::Fail, "{}", r.summary);
    let pool = &r.resources[0];
    assert_eq!((pool.kind, pool.count), (ResourceKind::WarmPool, 4));
    // Billed by AWS's retained time: 1800 s of four instances.
    let per_hour = pool.price_per_hour_usd.expect("priced");
    assert_eq!(pool.accrued_usd, Some(crate::catalog::cost_usd(per_hour, 1800)));
    assert_eq!(pool.ends_at.as_deref(), Some("2026-11-28T18:30:00Z"));
    assert!(r.summary.contains("warm pool of tune-1 until"), "{}", r.summary);
    assert_eq!(
        r.remediation.commands,
        [
            "aws sagemaker update-training-job --training-job-name tune-1 --resource-config KeepAlivePeriodInSeconds=0 --region eu-central-1"
        ]
    );
    // A released (terminated) pool bills nothing.
    let mut done = crate::checks::tests::pool("tune-1", "ml.m5.xlarge", 4);
    done.status = "Terminated".into();
    s.warm_pools = Ok(vec![done]);
    assert_eq!(run(&course, &s, "jobs").status, Status::Pass);
}

#[test]
fn jobs_in_progress_warn_but_an_unpriced_gpu_job_fails() {
    let course = course();
    let mut s = clean(&course);
    let job = |name: &str, kind: ResourceKind, instance: &str| RunningJob {
        kind,
        name: name.into(),
        instance_type: Some(instance.into()),
        count: 1,
        started_at: Some("2026-11-28T17:00:00Z".into()),
    };
    s.jobs = Ok(vec![job("train", ResourceKind::TrainingJob, "ml.m5.xlarge")]);
    let r = run(&course, &s, "jobs");
    assert_eq!(r.status, Status::Warn, "a job ends by itself: {}", r.summary);
    assert_eq!(
        r.remediation.commands,
        ["aws sagemaker stop-training-job --training-job-name train --region eu-central-1"]
    );
    s.jobs = Ok(vec![job("big", ResourceKind::ProcessingJob, "ml.p4de.24xlarge")]);
    let r = run(&course, &s, "jobs");
    assert_eq!(r.status, Status::Fail, "an unknown price is a reason to fail louder");
    assert!(r.remediation.commands[0].starts_with("aws sagemaker stop-processing-job"));
    s.transform_jobs = Err(denied("sagemaker:ListTransformJobs"));
    assert_eq!(run(&course, &s, "jobs").status, Status::Error);
}

#[test]
fn mlflow_and_hyperpod_fail_while_they_run() {
    let course = course();
    let mut s = clean(&course);
    s.mlflow_servers = Ok(vec![MlflowServer {
        name: "tracking".into(),
        status: "Started".into(),
        size: Some("Small".into()),
        started_at: Some("2026-11-28T12:00:00Z".into()),
    }]);
    s.clusters = Ok(vec![Cluster {
        name: "pod".into(),
        status: "InService".into(),
        created_at: Some("2026-11-28T12:00:00Z".into()),
        groups: vec![ClusterGroup {
            name: "workers".into(),
            instance_type: Some("ml.m5.xlarge".into()),
            count: 2,
        }],
    }]);
    let r = run(&course, &s, "mlflow");
    assert_eq!(r.status, Status::Fail);
    assert!(r.remediation.commands[0].contains("stop-mlflow-tracking-server --tracking-server-name tracking"));
    let r = run(&course, &s, "hyperpod");
    assert_eq!(r.status, Status::Fail);
    assert_eq!(r.resources[0].count, 2);
    assert!(r.remediation.commands[0].contains("delete-cluster --cluster-name pod"));
    if let Ok(servers) = &mut s.mlflow_servers {
        servers[0].status = "Stopped".into();
    }
    s.clusters = Ok(vec![]);
    assert_eq!(run(&course, &s, "mlflow").status, Status::Pass);
    assert_eq!(run(&course, &s, "hyperpod").status, Status::Pass);
}

#[test]
fn storage_warns_with_every_volume_and_file_system_and_its_monthly_cost() {
    let course = course();
    let s = clean(&course);
    let r = run(&course, &s, "storage");
    assert_eq!(r.status, Status::Warn);
    let kinds: Vec<(StorageKind, &str, f64, bool)> = r
        .storage
        .iter()
        .map(|i| (i.kind, i.name.as_str(), i.size_gb, i.size_assumed))
        .collect();
    assert_eq!(
        kinds,
        [
            (StorageKind::SpaceVolume, "learner-lab", 5.0, false),
            (StorageKind::NotebookVolume, "old-course-notebook", 5.0, false),
            (StorageKind::DomainEfs, "fs-0a1b2c3d4e5f60718", 0.048828, false),
        ],
        "a stopped notebook instance's volume still bills"
    );
    assert_eq!(
        r.remediation.commands[0],
        "aws sagemaker delete-space --domain-id d-practice01 --space-name learner-lab --region eu-central-1"
    );
    assert!(r.remediation.commands[2].contains("--retention-policy HomeEfsFileSystem=Delete"));
    // Nothing stored: a pass.
    let mut empty = clean(&course);
    empty.spaces = Ok(vec![]);
    empty.notebook_instances = Ok(vec![]);
    empty.file_systems = Ok(vec![]);
    assert_eq!(run(&course, &empty, "storage").status, Status::Pass);
    // A space with no size of its own takes its domain's default; a file
    // system whose domain is gone is left behind.
    let mut s = clean(&course);
    if let Ok(spaces) = &mut s.spaces {
        spaces[0].settings = None;
    }
    if let Ok(domains) = &mut s.domains {
        domains[0].default_space_gb = Some(10);
    }
    if let Ok(systems) = &mut s.file_systems {
        systems[0].domain_exists = false;
    }
    let r = run(&course, &s, "storage");
    assert_eq!(r.storage[0].size_gb, 10.0);
    assert_eq!(r.storage[2].kind, StorageKind::OrphanEfs);
    assert!(r.remediation.commands[2].contains("aws efs delete-file-system --file-system-id fs-0a1b2c3d4e5f60718"));
    s.file_systems = Err(denied("elasticfilesystem:DescribeFileSystems"));
    assert_eq!(run(&course, &s, "storage").status, Status::Error);
}

fn budget(name: &str, filters: &[(&str, &str)]) -> Budget {
    Budget {
        name: name.into(),
        budget_type: "COST".into(),
        time_unit: "MONTHLY".into(),
        limit: Some(Money {
            amount: 50.0,
            unit: "USD".into(),
        }),
        actual: None,
        forecast: None,
        cost_filters: filters
            .iter()
            .map(|(k, v)| (k.to_string(), vec![v.to_string()]))
            .collect(),
        expression_services: Vec::new(),
        expression_other: false,
        notifications: Ok(Vec::new()),
    }
}

#[test]
fn a_budget_must_cover_sagemaker_or_the_whole_account() {
    let course = course();
    let mut s = clean(&course);
    s.budgets = Ok(vec![budget(
        "ec2-only",
        &[("Service", "Amazon Elastic Compute Cloud - Compute")],
    )]);
    let r = run(&course, &s, "budget");
    assert_eq!(r.status, Status::Fail);
    assert!(r.remediation.commands[0].contains("--account-id 111122223333"));
    s.budgets = Ok(vec![budget("everything", &[])]);
    let r = run(&course, &s, "budget");
    assert_eq!(r.status, Status::Pass);
    assert!(r.summary.contains("the whole account"), "{}", r.summary);
    let mut by_expression = budget("expr", &[]);
    by_expression.expression_services = vec!["Amazon SageMaker".into()];
    s.budgets = Ok(vec![by_expression]);
    assert_eq!(run(&course, &s, "budget").status, Status::Pass);
    let mut usage = budget("usage", &[]);
    usage.budget_type = "USAGE".into();
    s.budgets = Ok(vec![usage]);
    assert_eq!(
        run(&course, &s, "budget").status,
        Status::Fail,
        "only COST budgets count"
    );
    s.budgets = Err(denied("budgets:ViewBudget"));
    assert_eq!(run(&course, &s, "budget").status, Status::Error);
}

#[test]
fn budget_alerts_need_a_notification_with_a_subscriber_and_never_pass_on_missing_data() {
    let course = course();
    let mut s = clean(&course);
    let mut b = budget("SageMaker-Monthly-Budget", &[("Service", "Amazon SageMaker")]);
    let notification = |subscribers| Notification {
        notification_type: "FORECASTED".into(),
        comparison: "GREATER_THAN".into(),
        threshold: 100.0,
        threshold_type: Some("PERCENTAGE".into()),
        subscribers,
    };
    b.notifications = Ok(vec![notification(Ok(vec![]))]);
    s.budgets = Ok(vec![b.clone()]);
    let r = run(&course, &s, "budget-alerts");
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.contains("SageMaker-Monthly-Budget"));

    b.notifications = Ok(vec![notification(Ok(vec![Subscriber {
        kind: "SNS".into(),
        address: "arn:…:alerts".into(),
    }]))]);
    s.budgets = Ok(vec![b.clone()]);
    let r = run(&course, &s, "budget-alerts");
    assert_eq!(r.status, Status::Pass);
    assert!(r.summary.contains("100% (FORECASTED)"), "{}", r.summary);

    b.notifications = Ok(vec![notification(Err(denied("budgets:ViewBudget")))]);
    s.budgets = Ok(vec![b.clone()]);
    assert_eq!(run(&course, &s, "budget-alerts").status, Status::Error);
    b.notifications = Err(denied("budgets:ViewBudget"));
    s.budgets = Ok(vec![b]);
    assert_eq!(run(&course, &s, "budget-alerts").status, Status::Error);
    s.budgets = Ok(vec![]);
    let r = run(&course, &s, "budget-alerts");
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.contains("no budget"), "{}", r.summary);
}

fn settings(idle: Option<(bool, i32)>) -> StudioSettings {
    StudioSettings {
        jupyterlab_idle: idle.map(|(enabled, minutes)| IdleSettings {
            enabled,
            timeout_minutes: Some(minutes),
        }),
        code_editor_idle: None,
        lifecycle_configs: Vec::new(),
    }
}

fn with_studio(s: &mut Snapshot, domain: StudioSettings, profile: StudioSettings) {
    s.domains = Ok(vec![Domain {
        id: "d-1".into(),
        name: "course".into(),
        status: "InService".into(),
        defaults: domain,
        home_efs_id: None,
        default_space_gb: None,
        modified_at: None,
    }]);
    s.user_profiles = Ok(vec![UserProfile {
        domain_id: "d-1".into(),
        name: "ana".into(),
        settings: profile,
        modified_at: None,
    }]);
}

#[test]
fn idle_shutdown_follows_the_profile_over_the_domain() {
    let course = course();
    let mut s = clean(&course);
    with_studio(&mut s, settings(Some((true, 60))), settings(None));
    assert_eq!(run(&course, &s, "idle-shutdown").status, Status::Pass);
    // The profile turns it off: that profile is not covered.
    with_studio(&mut s, settings(Some((true, 60))), settings(Some((false, 60))));
    let r = run(&course, &s, "idle-shutdown");
    assert_eq!(r.status, Status::Fail);
    assert!(r.summary.contains("d-1/ana"), "{}", r.summary);
    assert!(r.remediation.commands[0].contains("update-domain --domain-id d-1"));
    // Idle shutdown is set per app type: the command covers both.
    assert!(
        r.remediation.commands[0].contains("\"JupyterLabAppSettings\"")
            && r.remediation.commands[0].contains("\"CodeEditorAppSettings\""),
        "{}",
        r.remediation.commands[0]
    );
    // The profile turns it on where the domain does not.
    with_studio(&mut s, settings(None), settings(Some((true, 120))));
    assert_eq!(run(&course, &s, "idle-shutdown").status, Status::Pass);
}

#[test]
fn idle_shutdown_warns_above_three_hours() {
    let course = course();
    let mut s = clean(&course);
    with_studio(&mut s, settings(Some((true, 240))), settings(None));
    let r = run(&course, &s, "idle-shutdown");
    assert_eq!(r.status, Status::Warn);
    assert!(r.summary.contains("240 min"), "{}", r.summary);
}

#[test]
fn idle_shutdown_recognises_a_known_lifecycle_script() {
    let course = course();
    let mut s = clean(&course);
    let mut profile = settings(None);
    profile.lifecycle_configs = vec![Attachment {
        app_type: "JupyterServer".into(),
        arn: "arn:aws:sagemaker:eu-central-1:1:studio-lifecycle-config/asd".into(),
    }];
    with_studio(&mut s, settings(None), profile);
    let script = |text: &str| {
        Ok(vec![LifecycleConfig {
            arn: "arn:aws:sagemaker:eu-central-1:1:studio-lifecycle-config/asd".into(),
            name: "asd".into(),
            app_type: Some("JupyterServer".into()),
            content: Ok(text.into()),
        }])
    };
    s.lifecycle_configs = script("#!/bin/bash\npip install ./sagemaker_studio_autoshutdown-0.1.5.tar.gz\n");
    let r = run(&course, &s, "idle-shutdown");
    assert_eq!(r.status, Status::Pass);
    assert!(
        r.evidence[0].value.contains("sagemaker-studio-auto-shutdown-extension")
            && r.evidence[0].value.contains("time not stated"),
        "{:?}",
        r.evidence
    );
    // Never "up to 0 min" when the script does not say.
    assert!(
        r.summary.contains("time not stated") && !r.summary.contains("0 min"),
        "{}",
        r.summary
    );
    let pt = run_in(&course, &s, "idle-shutdown", Lang::Pt);
    assert!(pt.summary.contains("tempo não informado"), "{}", pt.summary);
    // With its time stated, the time is read, in minutes.
    s.lifecycle_configs =
        script("#!/bin/bash\nTIMEOUT_IN_MINS=45\npip install ./sagemaker_studio_autoshutdown-0.1.5.tar.gz\n");
    let r = run(&course, &s, "idle-shutdown");
    assert!(r.summary.contains("up to 45 min"), "{}", r.summary);
    assert!(r.evidence[0].value.contains("after 45 min"), "{:?}", r.evidence);
    s.lifecycle_configs = script(
        "IDLE_TIME_IN_SECONDS=14400\npip install sagemaker_studio_jlab_auto_stop_idle\n\
         python auto_stop_idle.py --idle-time $IDLE_TIME_IN_SECONDS",
    );
    let r = run(&course, &s, "idle-shutdown");
    assert_eq!(r.status, Status::Warn, "4 hours is long: {}", r.summary);
    assert!(r.summary.contains("240 min"), "{}", r.summary);
    s.lifecycle_configs = script("#!/bin/bash\necho hello\n");
    assert_eq!(
        run(&course, &s, "idle-shutdown").status,
        Status::Fail,
        "an unrelated script is not idle shutdown"
    );
}

#[test]
fn idle_shutdown_skips_without_domains_errors_without_data_and_trusts_the_local_setup() {
    let course = course();
    let mut s = clean(&course);
    s.domains = Ok(vec![]);
    assert_eq!(run(&course, &s, "idle-shutdown").status, Status::Skip);
    s.domains = Err(denied("sagemaker:ListDomains"));
    assert_eq!(run(&course, &s, "idle-shutdown").status, Status::Error);
    // Domain defaults alone are no proof for profiles that could not be read.
    let mut s = clean(&course);
    s.user_profiles = Err(denied("sagemaker:ListUserProfiles"));
    assert_eq!(run(&course, &s, "idle-shutdown").status, Status::Error);
    s.local = LocalFacts {
        in_studio: true,
        autoshutdown_setup: Some("/home/sagemaker-user/.auto-shutdown".into()),
        current: None,
    };
    assert_eq!(run(&course, &s, "idle-shutdown").status, Status::Pass);
}

#[test]
fn the_alarm_check_recognises_sagemaker_namespaces_and_billing_alarms() {
    let course = course();
    let mut s = clean(&course);
    let alarm = |namespace: &str, dimensions: &[&str]| Alarm {
        name: "a".into(),
        state: None,
        namespaces: vec![namespace.into()],
        metrics: vec![],
        dimensions: dimensions.iter().map(|d| d.to_string()).collect(),
    };
    s.alarms = Ok(vec![alarm("AWS/EC2", &[])]);
    assert_eq!(run(&course, &s, "long-running-alarm").status, Status::Warn);
    s.alarms = Ok(vec![alarm("/aws/sagemaker/Endpoints", &[])]);
    assert_eq!(run(&course, &s, "long-running-alarm").status, Status::Pass);
    s.alarms = Ok(vec![alarm(
        "AWS/Billing",
        &["ServiceName=AmazonSageMaker", "Currency=USD"],
    )]);
    assert_eq!(run(&course, &s, "long-running-alarm").status, Status::Pass);
    s.alarms = Err(CallError {
        operation: "cloudwatch:DescribeAlarms".into(),
        kind: ErrorKind::Timeout,
        message: "t".into(),
    });
    assert_eq!(run(&course, &s, "long-running-alarm").status, Status::Error);
}

#[test]
fn an_alarm_whose_metric_nobody_publishes_is_a_warning_that_says_so() {
    let course = course();
    let mut s = clean(&course);
    let alarm = |name: &str, state: &str| Alarm {
        name: name.into(),
        state: Some(state.into()),
        namespaces: vec!["Custom/SageMaker".into()],
        metrics: vec!["NumberOfRunningApps".into()],
        dimensions: vec![],
    };
    // The only SageMaker alarm has no data: warn, naming it, in both languages.
    s.alarms = Ok(vec![alarm("sagemaker-app-running-too-long", "INSUFFICIENT_DATA")]);
    let r = run(&course, &s, "long-running-alarm");
    assert_eq!(r.status, Status::Warn);
    assert!(r.summary.contains("INSUFFICIENT_DATA"), "{}", r.summary);
    assert!(r.summary.contains("sagemaker-app-running-too-long"), "{}", r.summary);
    assert_eq!(r.evidence[0].key, "alarm_without_data");
    let command = &r.remediation.commands[0];
    for part in [
        "--statistic Minimum",
        "--threshold 1",
        "--comparison-operator GreaterThanOrEqualToThreshold",
        "--evaluation-periods 2",
        "--period 3600",
        "--treat-missing-data notBreaching",
        "--alarm-actions <SNS topic ARN>",
        "--region eu-central-1",
    ] {
        assert!(command.contains(part), "{part} in {command}");
    }
    let pt = run_in(&course, &s, "long-running-alarm", Lang::Pt);
    assert!(pt.summary.contains("sem dados"), "{}", pt.summary);
    // One alarm with data next to it is enough to pass, naming only that one.
    s.alarms = Ok(vec![alarm("silent", "INSUFFICIENT_DATA"), alarm("watching", "OK")]);
    let r = run(&course, &s, "long-running-alarm");
    assert_eq!(r.status, Status::Pass);
    assert!(
        r.summary.contains("watching") && !r.summary.contains("silent"),
        "{}",
        r.summary
    );
    // An alarm in ALARM watches too.
    s.alarms = Ok(vec![alarm("firing", "ALARM")]);
    assert_eq!(run(&course, &s, "long-running-alarm").status, Status::Pass);
}

#[test]
fn spot_training_passes_warns_skips_or_errors() {
    let course = course();
    let mut s = clean(&course);
    let job = |spot| TrainingJob {
        name: "j".into(),
        status: "Completed".into(),
        created_at: None,
        instance_type: Some("ml.m5.xlarge".into()),
        spot,
        training_seconds: Some(1000),
        billable_seconds: Some(300),
    };
    s.training_jobs = Ok(vec![job(false)]);
    assert_eq!(run(&course, &s, "spot-training").status, Status::Warn);
    s.training_jobs = Ok(vec![job(false), job(true)]);
    let r = run(&course, &s, "spot-training");
    assert_eq!(r.status, Status::Pass);
    assert!(
        r.evidence.iter().any(|f| f.value.contains("70% saved")),
        "{:?}",
        r.evidence
    );
    s.training_jobs = Ok(vec![]);
    assert_eq!(run(&course, &s, "spot-training").status, Status::Skip);
    s.training_jobs = Err(denied("sagemaker:ListTrainingJobs"));
    assert_eq!(run(&course, &s, "spot-training").status, Status::Error);
}

#[test]
fn a_missing_region_makes_regional_reads_errors_not_passes() {
    let course = course();
    let mut s = clean(&course);
    let no_region = |op: &str| CallError {
        operation: op.into(),
        kind: ErrorKind::NoRegion,
        message: "no region".into(),
    };
    s.region = None;
    s.apps = Err(no_region("sagemaker:ListApps"));
    s.notebook_instances = Err(no_region("sagemaker:ListNotebookInstances"));
    let judge = Judge {
        course: &course,
        prices: &PriceBook::new(&course.instances),
        lang: Lang::Pt,
        expect_region: COURSE_REGION,
    };
    let results = judge.judge(&s, None);
    let status = |id: &str| results.iter().find(|r| r.id == id).unwrap().status;
    assert_eq!(status("region"), Status::Fail);
    assert_eq!(status("studio-apps"), Status::Error);
    assert_eq!(status("notebook-instances"), Status::Error);
    // The notebook instances' volumes cannot be counted either.
    assert_eq!(status("storage"), Status::Error);
    assert!(any_failed(&results));
    assert_eq!(tally(&results)["error"], 3);
    let apps = results.iter().find(|r| r.id == "studio-apps").unwrap();
    assert!(
        apps.summary.contains("nenhuma região está configurada"),
        "{}",
        apps.summary
    );
}

#[test]
fn only_selects_checks_in_report_order() {
    let course = course();
    let s = clean(&course);
    let judge = Judge {
        course: &course,
        prices: &PriceBook::new(&course.instances),
        lang: Lang::En,
        expect_region: COURSE_REGION,
    };
    let only = ["budget".to_string(), "identity".to_string()];
    let ids: Vec<&str> = judge.judge(&s, Some(&only)).iter().map(|r| r.id).collect();
    assert_eq!(ids, ["identity", "budget"]);
}

fn neglected(course: &Course) -> Snapshot {
    course.sandbox("neglected", Lang::En).unwrap()
}

fn lab_metadata() -> studio::Current {
    studio::parse(
        r#"{"AppType":"JupyterLab","DomainId":"d-practice01","SpaceName":"learner-lab","ResourceName":"default",
            "ResourceArn":"arn:aws:sagemaker:eu-central-1:123456789012:app/d-practice01/learner-lab/JupyterLab/default"}"#,
    )
    .unwrap()
}

#[test]
fn the_app_the_learner_works_in_alone_is_a_warning_with_its_cost_and_how_to_stop_it() {
    let course = course();
    let mut s = neglected(&course);
    s.local.current = Some(lab_metadata());
    // Only the learner's JupyterLab app runs (the JupyterServer is free).
    if let Ok(apps) = &mut s.apps {
        apps.retain(|a| a.app_type != "KernelGateway");
    }
    let r = run(&course, &s, "studio-apps");
    assert_eq!(r.status, Status::Warn, "{}", r.summary);
    assert!(
        r.summary.contains("Only the app you are working in (default)")
            && r.summary.contains(&format!(
                "{}/h",
                crate::catalog::usd(
                    book_price(&course, "ml.p3.2xlarge", crate::catalog::prices::Usage::Notebook),
                    Lang::En
                )
            ))
            && r.summary.contains("File → Shut Down")
            && r.summary.contains("No idle shutdown covers it"),
        "{}",
        r.summary
    );
    assert!(r.resources[0].current);
    assert_eq!(r.remediation.commands.len(), 1);
    assert!(r.remediation.commands[0].contains("--space-name learner-lab"));
    let pt = run_in(&course, &s, "studio-apps", Lang::Pt);
    assert!(
        pt.summary.contains("File → Shut Down") && pt.summary.contains("Só o app"),
        "{}",
        pt.summary
    );

    // With idle shutdown on for the space's owner, it says when it stops.
    if let Ok(profiles) = &mut s.user_profiles {
        profiles[0].settings.jupyterlab_idle = Some(IdleSettings {
            enabled: true,
            timeout_minutes: Some(45),
        });
    }
    let r = run(&course, &s, "studio-apps");
    assert!(
        r.summary.contains("Idle shutdown will stop it") && r.summary.contains("45 min"),
        "{}",
        r.summary
    );
}

#[test]
fn any_other_running_app_still_fails_and_no_command_ends_the_learners_session() {
    let course = course();
    let mut s = neglected(&course);
    s.local.current = Some(lab_metadata());
    let r = run(&course, &s, "studio-apps");
    assert_eq!(r.status, Status::Fail);
    assert_eq!(r.resources.len(), 2);
    assert!(r.resources[0].current && r.resources[0].app_type.as_deref() == Some("JupyterLab"));
    assert!(!r.resources[1].current);
    assert_eq!(r.remediation.commands.len(), 1);
    assert!(
        r.remediation.commands[0].contains("KernelGateway"),
        "{:?}",
        r.remediation.commands
    );
    let json = serde_json::to_value(&r.resources).unwrap();
    assert_eq!(json[0]["current"], true);
    assert!(json[1].get("current").is_none(), "false is not written");
}

#[test]
fn the_notebook_instance_the_learner_works_on_alone_is_a_warning() {
    let course = course();
    let mut s = neglected(&course);
    s.local.current = Some(
        studio::parse(
            r#"{"ResourceArn":"arn:aws:sagemaker:eu-central-1:123456789012:notebook-instance/old-course-notebook","ResourceName":"old-course-notebook"}"#,
        )
        .unwrap(),
    );
    let r = run(&course, &s, "notebook-instances");
    assert_eq!(r.status, Status::Warn, "{}", r.summary);
    assert!(
        r.summary.contains("old-course-notebook") && r.resources[0].current,
        "{}",
        r.summary
    );
    assert!(r.remediation.commands[0].contains("stop-notebook-instance"));
    // Another one running fails, the learner's own first.
    if let Ok(notebooks) = &mut s.notebook_instances {
        let mut other = notebooks[0].clone();
        other.name = "another".into();
        notebooks.insert(0, other);
    }
    let r = run(&course, &s, "notebook-instances");
    assert_eq!(r.status, Status::Fail);
    assert_eq!(r.resources[0].name, "old-course-notebook");
    assert_eq!(r.remediation.commands.len(), 1);
    assert!(r.remediation.commands[0].contains("another"));
}

#[test]
fn a_space_app_follows_the_spaces_own_idle_timeout_where_the_owner_has_idle_shutdown_on() {
    let course = course();
    let mut s = neglected(&course);
    s.local.current = Some(lab_metadata());
    if let Ok(apps) = &mut s.apps {
        apps.retain(|a| a.app_type != "KernelGateway");
    }
    if let Ok(spaces) = &mut s.spaces {
        spaces[0].settings = Some(SpaceSettings {
            jupyterlab_idle_minutes: Some(30),
            ..Default::default()
        });
    }
    // Idle shutdown is off for the owner: the space's timeout does nothing.
    let r = run(&course, &s, "studio-apps");
    assert!(r.summary.contains("No idle shutdown covers it"), "{}", r.summary);
    if let Ok(domains) = &mut s.domains {
        domains[0].defaults.jupyterlab_idle = Some(IdleSettings {
            enabled: true,
            timeout_minutes: Some(120),
        });
    }
    let r = run(&course, &s, "studio-apps");
    assert!(
        r.summary
            .contains("the space learner-lab's own idle timeout: JupyterLab after 30 min"),
        "{}",
        r.summary
    );
    // The idle-shutdown check names the current app's effective setting.
    let r = run(&course, &s, "idle-shutdown");
    let current = r.evidence.iter().find(|f| f.key == "current_app").unwrap();
    assert!(
        current
            .value
            .starts_with("JupyterLab app d-practice01/learner-lab/default")
            && current.value.contains("30 min"),
        "{current:?}"
    );
}

#[test]
fn a_notebook_instance_that_stops_itself_when_idle_is_a_warning_with_its_minutes() {
    let course = course();
    let mut s = neglected(&course);
    let with_script = |script: Option<&str>| {
        Ok(vec![NotebookInstance {
            name: "nb".into(),
            status: "InService".into(),
            instance_type: Some("ml.t3.medium".into()),
            started_at: Some("2026-11-28T16:00:00Z".into()),
            lifecycle_config: script.map(|_| "auto-stop".to_string()),
            lifecycle_script: script.map(|text| Ok(text.to_string())),
            created_at: None,
            volume_gb: None,
        }])
    };
    s.notebook_instances = with_script(Some(
        "IDLE_TIME=3600\nwget https://example.com/autostop.py\n\
         echo \"*/5 * * * * python autostop.py --time $IDLE_TIME --ignore-connections\" | crontab -",
    ));
    let r = run(&course, &s, "notebook-instances");
    assert_eq!(r.status, Status::Warn, "{}", r.summary);
    assert!(
        r.summary.contains(
            "each stops itself when idle (nb: lifecycle configuration “auto-stop” (autostop.py), after 60 min)"
        ),
        "{}",
        r.summary
    );
    s.notebook_instances = with_script(Some(
        "wget https://example.com/autostop.py\npython autostop.py --time $T",
    ));
    let r = run(&course, &s, "notebook-instances");
    assert_eq!(r.status, Status::Warn);
    assert!(r.summary.contains("time not stated"), "{}", r.summary);
    let pt = run_in(&course, &s, "notebook-instances", Lang::Pt);
    assert!(pt.summary.contains("tempo não informado"), "{}", pt.summary);
    s.notebook_instances = with_script(Some("echo hello"));
    assert_eq!(run(&course, &s, "notebook-instances").status, Status::Fail);
    s.notebook_instances = with_script(None);
    assert_eq!(run(&course, &s, "notebook-instances").status, Status::Fail);
}

// ── Hands-on tasks: the evidence rules ─────────────────────────────────────

fn task_outcome(course: &Course, s: &Snapshot, task: &str, started: Option<&str>) -> task_rules::TaskOutcome {
    let judge = Judge {
        course,
        prices: &PriceBook::new(&course.instances),
        lang: Lang::En,
        expect_region: COURSE_REGION,
    };
    judge.task(course.task(task).unwrap(), s, started)
}

fn lab(status: &str, created_at: &str) -> App {
    App {
        domain_id: "d-1".into(),
        user_profile: None,
        space: Some("lab".into()),
        app_type: "JupyterLab".into(),
        name: "default".into(),
        status: status.into(),
        instance_type: Some("ml.t3.medium".into()),
        created_at: Some(created_at.into()),
        image: None,
        activity: None,
    }
}

/// Nothing in the account: nothing is proven, whatever the checks say.
fn empty(course: &Course) -> Snapshot {
    let mut s = clean(course);
    s.apps = Ok(Vec::new());
    s.notebook_instances = Ok(Vec::new());
    s
}

#[test]
fn an_account_where_nothing_was_started_proves_neither_start_nor_stop() {
    let course = course();
    let s = empty(&course);
    assert_eq!(run(&course, &s, "studio-apps").status, Status::Pass);
    for task in ["start-notebook", "stop-notebook"] {
        let o = task_outcome(&course, &s, task, Some("2026-11-28T10:00:00Z"));
        assert!(!o.proven, "{task}: {o:?}");
        assert!(o.proof.is_none());
    }
}

#[test]
fn a_notebook_started_and_running_proves_the_start_not_the_stop() {
    let course = course();
    let mut s = empty(&course);
    s.apps = Ok(vec![lab("InService", "2026-11-28T11:00:00Z")]);
    let start = task_outcome(&course, &s, "start-notebook", Some("2026-11-28T10:00:00Z"));
    assert!(start.proven);
    let proof = start.proof.unwrap();
    assert_eq!(
        (proof.kind.as_str(), proof.name.as_str(), proof.instance_type.as_deref()),
        ("JupyterLab", "lab/default", Some("ml.t3.medium"))
    );
    assert_eq!(proof.created_at.as_deref(), Some("2026-11-28T11:00:00Z"));
    let stop = task_outcome(&course, &s, "stop-notebook", Some("2026-11-28T10:00:00Z"));
    assert!(!stop.proven);
    assert!(stop.problems.iter().any(|p| p.contains("still running")), "{stop:?}");
}

#[test]
fn a_notebook_started_and_deleted_proves_both_and_another_running_one_spoils_the_stop() {
    let course = course();
    let mut s = empty(&course);
    s.apps = Ok(vec![lab("Deleted", "2026-11-28T11:00:00Z")]);
    for task in ["start-notebook", "stop-notebook"] {
        assert!(
            task_outcome(&course, &s, task, Some("2026-11-28T10:00:00Z")).proven,
            "{task}"
        );
    }
    // A notebook instance stopped since the module began counts as well.
    s.apps = Ok(Vec::new());
    s.notebook_instances = Ok(vec![NotebookInstance {
        name: "nb".into(),
        status: "Stopped".into(),
        instance_type: Some("ml.t3.medium".into()),
        started_at: Some("2026-11-28T12:00:00Z".into()),
        created_at: Some("2026-11-28T11:30:00Z".into()),
        lifecycle_config: None,
        lifecycle_script: None,
        volume_gb: None,
    }]);
    assert!(task_outcome(&course, &s, "stop-notebook", Some("2026-11-28T10:00:00Z")).proven);
    // Something else still billing: not proven.
    s.apps = Ok(vec![App {
        app_type: "KernelGateway".into(),
        name: "forgotten".into(),
        ..lab("InService", "2026-11-01T00:00:00Z")
    }]);
    assert!(!task_outcome(&course, &s, "stop-notebook", Some("2026-11-28T10:00:00Z")).proven);
}

#[test]
fn the_app_this_tool_runs_in_does_not_spoil_the_stop() {
    let course = course();
    let mut s = empty(&course);
    let mine = App {
        space: Some("my-space".into()),
        ..lab("InService", "2026-11-01T00:00:00Z")
    };
    s.apps = Ok(vec![lab("Deleted", "2026-11-28T11:00:00Z"), mine]);
    assert!(!task_outcome(&course, &s, "stop-notebook", Some("2026-11-28T10:00:00Z")).proven);
    // Studio's resource metadata names the space this terminal runs in.
    s.local.current = studio::parse(
        r#"{"AppType": "JupyterLab", "DomainId": "d-1", "SpaceName": "my-space", "UserProfileName": "",
            "ResourceName": "default", "ResourceArn": "arn:aws:sagemaker:eu-central-1:1:app/d-1/my-space/JupyterLab/default"}"#,
    )
    .ok();
    assert!(s.local.current.is_some());
    assert!(task_outcome(&course, &s, "stop-notebook", Some("2026-11-28T10:00:00Z")).proven);
    // Another space's app is still left running.
    s.local.current.as_mut().unwrap().space = Some("other".into());
    assert!(!task_outcome(&course, &s, "stop-notebook", Some("2026-11-28T10:00:00Z")).proven);
}

#[test]
fn a_notebook_started_before_the_module_counts_only_within_24_hours() {
    let course = course();
    let mut s = empty(&course);
    s.apps = Ok(vec![lab("Deleted", "2026-11-27T12:00:00Z")]);
    // Began the module the next morning: 22 hours before counts.
    assert!(task_outcome(&course, &s, "start-notebook", Some("2026-11-28T10:00:00Z")).proven);
    // Began two days later: too old.
    assert!(!task_outcome(&course, &s, "start-notebook", Some("2026-11-30T10:00:00Z")).proven);
    // Not begun: counts from the snapshot's time less 24 hours (taken 18:00 on the 28th).
    assert!(!task_outcome(&course, &s, "start-notebook", None).proven);
    // The free JupyterServer and failed apps never count.
    s.apps = Ok(vec![
        App {
            app_type: "JupyterServer".into(),
            instance_type: Some("system".into()),
            ..lab("InService", "2026-11-28T11:00:00Z")
        },
        lab("Failed", "2026-11-28T11:00:00Z"),
    ]);
    assert!(!task_outcome(&course, &s, "start-notebook", Some("2026-11-28T10:00:00Z")).proven);
}

#[test]
fn the_budget_and_idle_shutdown_tasks_follow_their_checks() {
    let course = course();
    let s = clean(&course);
    let budget = task_outcome(&course, &s, "create-budget", None);
    assert!(budget.proven, "{budget:?}");
    assert_eq!(budget.proof.unwrap().kind, "Budget");
    assert!(task_outcome(&course, &s, "idle-shutdown", None).proven);
    let neglected = course.sandbox("neglected", Lang::En).unwrap();
    assert!(!task_outcome(&course, &neglected, "create-budget", None).proven);
    assert!(!task_outcome(&course, &neglected, "idle-shutdown", None).proven);
}

#[test]
fn a_sweep_merges_each_regions_result_into_one_with_its_region_and_fixes() {
    let course = course();
    let mut frankfurt = clean(&course);
    frankfurt.region = Some("eu-central-1".into());
    let mut virginia = frankfurt.clone();
    virginia.region = Some("us-east-1".into());
    virginia.notebook_instances = Ok(vec![NotebookInstance {
        name: "left-on".into(),
        status: "InService".into(),
        instance_type: Some("ml.t3.medium".into()),
        started_at: Some("2026-11-28T09:00:00Z".into()),
        lifecycle_config: None,
        lifecycle_script: None,
        created_at: None,
        volume_gb: None,
    }]);
    let mut oregon = frankfurt.clone();
    oregon.region = Some("us-west-2".into());
    oregon.notebook_instances = Err(denied("sagemaker:ListNotebookInstances"));
    let per_region = |snapshots: &[&Snapshot]| {
        snapshots
            .iter()
            .map(|s| (s.region.clone().unwrap(), run(&course, s, "notebook-instances")))
            .collect::<Vec<_>>()
    };

    let merged = merge_regions(per_region(&[&frankfurt, &virginia, &oregon])).unwrap();
    assert_eq!(
        merged.status,
        Status::Fail,
        "the most serious status wins over the error"
    );
    assert_eq!(merged.resources.len(), 1);
    assert_eq!(merged.resources[0].region.as_deref(), Some("us-east-1"));
    // Each region's fix: the stop in its region, the policy for the denied one.
    assert_eq!(
        merged.remediation.commands,
        [
            "aws sagemaker stop-notebook-instance --notebook-instance-name left-on --region us-east-1",
            "sm-course iam-policy"
        ]
    );
    // Only the regions that are not a pass are summed up, each named.
    assert!(merged.summary.starts_with("[us-east-1] "), "{}", merged.summary);
    assert!(merged.summary.contains(" · [us-west-2] "), "{}", merged.summary);
    assert!(!merged.summary.contains("eu-central-1"), "{}", merged.summary);
    assert!(merged.evidence.iter().any(|f| f.value.starts_with("[eu-central-1] ")));

    let twice = merge_regions(per_region(&[&oregon, &oregon])).unwrap();
    assert_eq!(twice.remediation.commands, ["sm-course iam-policy"], "said once");
    let all_pass = merge_regions(per_region(&[&frankfurt, &frankfurt])).unwrap();
    assert_eq!(all_pass.status, Status::Pass);
    assert_eq!(merge_regions(Vec::new()), None);
    assert!(REGIONAL.iter().all(|id| get(id).is_some()));
}

/// `nothing-billing` with what the learner keeps and the other regions read.
fn nothing_billing(
    course: &Course,
    s: &Snapshot,
    kept: &[(&str, &str)],
    others: &[&Snapshot],
) -> task_rules::TaskOutcome {
    let judge = Judge {
        course,
        prices: &PriceBook::new(&course.instances),
        lang: Lang::En,
        expect_region: COURSE_REGION,
    };
    let kept: std::collections::BTreeMap<String, String> =
        kept.iter().map(|(n, r)| (n.to_string(), r.to_string())).collect();
    let given = task_rules::Given {
        module_started_at: None,
        kept: Some(&kept),
        others,
    };
    judge.task_given(course.task("teardown").unwrap(), s, &given)
}

/// An account torn down to nothing: no apps, notebooks, spaces or EFS.
fn torn_down(course: &Course) -> Snapshot {
    let mut s = empty(course);
    s.spaces = Ok(Vec::new());
    s.file_systems = Ok(Vec::new());
    s.endpoints = Ok(Vec::new());
    s
}

#[test]
fn nothing_billing_is_proven_only_when_nothing_bills_in_any_region_read_but_what_is_kept() {
    let course = course();
    let s = torn_down(&course);
    let proven = nothing_billing(&course, &s, &[], &[]);
    assert!(proven.proven, "{proven:?}");
    let proof = proven.proof.unwrap();
    assert_eq!(
        (proof.kind.as_str(), proof.name.as_str()),
        ("NothingBilling", COURSE_REGION)
    );
    assert_eq!(proof.status, None, "nothing kept");
    // A space and its domain's EFS bill by the GB-month: not proven…
    let mut storing = s.clone();
    storing.spaces = Ok(vec![Space {
        domain_id: "d-1".into(),
        name: "team".into(),
        owner: Some("bruno".into()),
        app_type: None,
        settings: None,
        sharing: Some("Shared".into()),
        status: Some("InService".into()),
        modified_at: None,
    }]);
    storing.file_systems = Ok(vec![FileSystem {
        id: "fs-1".into(),
        name: None,
        size_bytes: Some(6144),
        domain_id: Some("d-1".into()),
        domain_exists: true,
        mount_targets: 1,
        state: "available".into(),
    }]);
    let not = nothing_billing(&course, &storing, &[], &[]);
    assert!(!not.proven);
    assert_eq!(not.still_storing.len(), 2);
    assert!(not.problems.iter().any(|p| p.contains("team")), "{:?}", not.problems);
    // …unless the learner keeps the space with a reason: its domain, and so
    // the domain's EFS, stay with it.
    let kept = nothing_billing(&course, &storing, &[("team", "module 6")], &[]);
    assert!(kept.proven, "{kept:?}");
    assert_eq!(kept.proof.unwrap().status.as_deref(), Some("team (module 6)"));
    // An app that bills by the hour, even the one this tool runs in, counts.
    let mut running = s.clone();
    running.apps = Ok(vec![lab("InService", "2026-11-28T11:00:00Z")]);
    let not = nothing_billing(&course, &running, &[], &[]);
    assert!(!not.proven && not.still_billing.len() == 1, "{not:?}");
    assert!(nothing_billing(&course, &running, &[("lab", "still working")], &[]).proven);
    // Another region the course used: what bills there counts too.
    let mut elsewhere = s.clone();
    elsewhere.region = Some("us-east-1".into());
    elsewhere.apps = Ok(vec![lab("InService", "2026-11-28T11:00:00Z")]);
    let not = nothing_billing(&course, &s, &[], &[&elsewhere]);
    assert!(!not.proven);
    // A list that could not be read proves nothing.
    let mut unread = s.clone();
    unread.file_systems = Err(denied("elasticfilesystem:DescribeFileSystems"));
    let not = nothing_billing(&course, &unread, &[], &[]);
    assert!(
        !not.proven && not.problems.iter().any(|p| p.contains("DescribeFileSystems")),
        "{not:?}"
    );
}
