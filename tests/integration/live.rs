//! `module5 check` end to end against the AWS emulator: the real binary, the
//! real SDK, HTTP to moto (extended with the Studio calls).

use std::process::Output;

use aws_sdk_sagemaker::types as sm;
use serde_json::Value;

use crate::emulator::*;
use crate::util::*;

const ROLE: &str = "arn:aws:iam::123456789012:role/SageMakerExecution";

/// Puts resources into the emulator through the AWS SDK, as a learner's
/// console clicks would.
pub(crate) struct Seed {
    pub(crate) sm: aws_sdk_sagemaker::Client,
    budgets: aws_sdk_budgets::Client,
    /// The account this seed writes to (Budgets takes it as a parameter).
    account: String,
    cw: aws_sdk_cloudwatch::Client,
}

fn backdated(seconds: u64) -> sm::Tag {
    sm::Tag::builder()
        .key("harness:created-seconds-ago")
        .value(seconds.to_string())
        .build()
}

impl Seed {
    pub(crate) fn new(emulator: &Emulator) -> Seed {
        Seed::with_config(&emulator.sdk(), ACCOUNT)
    }

    /// Seeds the same account in another region.
    pub(crate) fn in_region(emulator: &Emulator, region: &str) -> Seed {
        let config = emulator
            .sdk()
            .to_builder()
            .region(aws_config::Region::new(region.to_string()))
            .build();
        Seed::with_config(&config, ACCOUNT)
    }

    /// Seeds another account of the class, reached by assuming a role in it
    /// (moto maps AssumeRole into the role's account id).
    pub(crate) fn in_account(emulator: &Emulator, account: &str) -> Seed {
        let base = emulator.sdk();
        let provider = block_on(
            aws_config::sts::AssumeRoleProvider::builder(format!("arn:aws:iam::{account}:role/Seed"))
                .session_name("seed")
                .configure(&base)
                .build(),
        );
        Seed::with_config(&emulator.sdk_with(provider), account)
    }

    fn with_config(config: &aws_config::SdkConfig, account: &str) -> Seed {
        let config = config.clone();
        Seed {
            account: account.to_string(),
            sm: aws_sdk_sagemaker::Client::new(&config),
            budgets: aws_sdk_budgets::Client::new(&config),
            cw: aws_sdk_cloudwatch::Client::new(&config),
        }
    }

    /// A Studio domain; `idle_minutes` turns on built-in JupyterLab idle shutdown.
    pub(crate) fn domain(&self, name: &str, idle_minutes: Option<i32>) -> String {
        let mut settings = sm::UserSettings::builder().execution_role(ROLE);
        if let Some(minutes) = idle_minutes {
            settings = settings.jupyter_lab_app_settings(
                sm::JupyterLabAppSettings::builder()
                    .app_lifecycle_management(
                        sm::AppLifecycleManagement::builder()
                            .idle_settings(
                                sm::IdleSettings::builder()
                                    .lifecycle_management(sm::LifecycleManagement::Enabled)
                                    .idle_timeout_in_minutes(minutes)
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            );
        }
        block_on(
            self.sm
                .create_domain()
                .domain_name(name)
                .auth_mode(sm::AuthMode::Iam)
                .default_user_settings(settings.build())
                .subnet_ids("subnet-1")
                .vpc_id("vpc-1")
                .send(),
        )
        .unwrap();
        format!("d-{name}")
    }

    pub(crate) fn profile(&self, domain: &str, name: &str) {
        block_on(
            self.sm
                .create_user_profile()
                .domain_id(domain)
                .user_profile_name(name)
                .send(),
        )
        .unwrap();
    }

    pub(crate) fn space(&self, domain: &str, name: &str, owner: &str) {
        block_on(
            self.sm
                .create_space()
                .domain_id(domain)
                .space_name(name)
                .ownership_settings(sm::OwnershipSettings::builder().owner_user_profile_name(owner).build())
                .space_settings(sm::SpaceSettings::builder().app_type(sm::AppType::JupyterLab).build())
                .send(),
        )
        .unwrap();
    }

    /// A running app owned by a user profile (`profile`) or a space (`space:NAME`).
    pub(crate) fn app(
        &self,
        domain: &str,
        owner: &str,
        app_type: sm::AppType,
        name: &str,
        instance: &str,
        seconds_ago: u64,
    ) {
        let mut call = self
            .sm
            .create_app()
            .domain_id(domain)
            .app_type(app_type)
            .app_name(name)
            .resource_spec(
                sm::ResourceSpec::builder()
                    .instance_type(sm::AppInstanceType::from(instance))
                    .build(),
            )
            .tags(backdated(seconds_ago));
        call = match owner.strip_prefix("space:") {
            Some(space) => call.space_name(space),
            None => call.user_profile_name(owner),
        };
        block_on(call.send()).unwrap();
    }

    pub(crate) fn notebook(&self, name: &str, instance: &str, seconds_ago: u64) {
        block_on(
            self.sm
                .create_notebook_instance()
                .notebook_instance_name(name)
                .instance_type(sm::InstanceType::from(instance))
                .role_arn(ROLE)
                .tags(backdated(seconds_ago))
                .send(),
        )
        .unwrap();
    }

    pub(crate) fn endpoint(&self, name: &str, instance: &str, count: i32) {
        self.endpoint_with(
            name,
            sm::ProductionVariant::builder()
                .instance_type(sm::ProductionVariantInstanceType::from(instance))
                .initial_instance_count(count),
            None,
        );
    }

    /// A serverless endpoint: its only variant has a ServerlessConfig, no instances.
    pub(crate) fn serverless_endpoint(&self, name: &str) {
        self.endpoint_with(
            name,
            sm::ProductionVariant::builder().serverless_config(
                sm::ProductionVariantServerlessConfig::builder()
                    .memory_size_in_mb(2048)
                    .max_concurrency(5)
                    .build(),
            ),
            None,
        );
    }

    /// An endpoint of one variant `all` serving `{name}-model`, built from
    /// `variant` (its instances or serverless config), asynchronous with `async_config`.
    pub(crate) fn endpoint_with(
        &self,
        name: &str,
        variant: sm::builders::ProductionVariantBuilder,
        async_config: Option<sm::AsyncInferenceConfig>,
    ) {
        block_on(async {
            self.sm
                .create_model()
                .model_name(format!("{name}-model"))
                .execution_role_arn(ROLE)
                .primary_container(sm::ContainerDefinition::builder().image("123.dkr.ecr/xgb:1").build())
                .send()
                .await
                .unwrap();
            self.sm
                .create_endpoint_config()
                .endpoint_config_name(format!("{name}-config"))
                .production_variants(variant.variant_name("all").model_name(format!("{name}-model")).build())
                .set_async_inference_config(async_config)
                .send()
                .await
                .unwrap();
            self.sm
                .create_endpoint()
                .endpoint_name(name)
                .endpoint_config_name(format!("{name}-config"))
                .send()
                .await
                .unwrap();
        });
    }

    /// A HyperPod cluster of one instance group `workers`.
    pub(crate) fn cluster(&self, name: &str, instance: sm::ClusterInstanceType, count: i32) {
        block_on(
            self.sm
                .create_cluster()
                .cluster_name(name)
                .instance_groups(
                    sm::ClusterInstanceGroupSpecification::builder()
                        .instance_group_name("workers")
                        .instance_type(instance)
                        .instance_count(count)
                        .threads_per_core(1)
                        .execution_role(ROLE)
                        .life_cycle_config(
                            sm::ClusterLifeCycleConfig::builder()
                                .source_s3_uri("s3://sagemaker-course/lifecycle")
                                .on_create("on_create.sh")
                                .build(),
                        )
                        .build(),
                )
                .send(),
        )
        .unwrap();
    }

    /// The course's budget: monthly, COST, limited to SageMaker; with an
    /// 80% e-mail alert when `alert` is set.
    pub(crate) fn budget(&self, name: &str, alert: bool) {
        use aws_sdk_budgets::types as b;
        let budget = b::Budget::builder()
            .budget_name(name)
            .budget_limit(b::Spend::builder().amount("100").unit("USD").build().unwrap())
            .time_unit(b::TimeUnit::Monthly)
            .budget_type(b::BudgetType::Cost);
        #[allow(deprecated)]
        let budget = budget
            .cost_filters("Service", vec!["Amazon SageMaker".to_string()])
            .build()
            .unwrap();
        let mut call = self.budgets.create_budget().account_id(&self.account).budget(budget);
        if alert {
            call = call.notifications_with_subscribers(
                b::NotificationWithSubscribers::builder()
                    .notification(
                        b::Notification::builder()
                            .notification_type(b::NotificationType::Actual)
                            .comparison_operator(b::ComparisonOperator::GreaterThan)
                            .threshold(80.0)
                            .threshold_type(b::ThresholdType::Percentage)
                            .build()
                            .unwrap(),
                    )
                    .subscribers(
                        b::Subscriber::builder()
                            .subscription_type(b::SubscriptionType::Email)
                            .address("ana.souza@example.com")
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            );
        }
        block_on(call.send()).unwrap();
    }

    pub(crate) fn alarm(&self, name: &str) {
        block_on(
            self.cw
                .put_metric_alarm()
                .alarm_name(name)
                .metric_name("NumberOfRunningApps")
                .namespace("Custom/SageMaker")
                .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
                .period(3600)
                .evaluation_periods(2)
                .threshold(1.0)
                .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
                .send(),
        )
        .unwrap();
    }

    /// Puts an alarm in `state` (`OK`, `ALARM`, `INSUFFICIENT_DATA`).
    pub(crate) fn alarm_state(&self, name: &str, state: &str) {
        block_on(
            self.cw
                .set_alarm_state()
                .alarm_name(name)
                .state_value(aws_sdk_cloudwatch::types::StateValue::from(state))
                .state_reason("harness")
                .send(),
        )
        .unwrap();
    }

    pub(crate) fn training_job(&self, name: &str, spot: bool, training_seconds: u32, billable_seconds: u32) {
        let tag = |k: &str, v: u32| sm::Tag::builder().key(k).value(v.to_string()).build();
        block_on(
            self.sm
                .create_training_job()
                .training_job_name(name)
                .role_arn(ROLE)
                .algorithm_specification(
                    sm::AlgorithmSpecification::builder()
                        .training_image("123.dkr.ecr/xgb:1")
                        .training_input_mode(sm::TrainingInputMode::File)
                        .build(),
                )
                .output_data_config(
                    sm::OutputDataConfig::builder()
                        .s3_output_path("s3://bucket/out")
                        .build(),
                )
                .resource_config(
                    sm::ResourceConfig::builder()
                        .instance_type(sm::TrainingInstanceType::MlM5Xlarge)
                        .instance_count(1)
                        .volume_size_in_gb(10)
                        .build(),
                )
                .stopping_condition(sm::StoppingCondition::builder().max_runtime_in_seconds(3600).build())
                .enable_managed_spot_training(spot)
                .tags(tag("harness:training-seconds", training_seconds))
                .tags(tag("harness:billable-seconds", billable_seconds))
                .send(),
        )
        .unwrap();
    }
}

fn check(emulator: &Emulator, args: &[&str]) -> Output {
    let learner = Learner::new();
    let mut all = vec!["module5", "check"];
    all.extend_from_slice(args);
    let mut cmd = learner.command(&all);
    emulator.configure(&mut cmd);
    cmd.output().unwrap()
}

pub(crate) fn json(output: &Output) -> Value {
    serde_json::from_str(&stdout(output))
        .unwrap_or_else(|e| panic!("{e}: {} / {}", stdout(output), String::from_utf8_lossy(&output.stderr)))
}

pub(crate) fn by_id<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no check {id}"))
}

pub(crate) fn status(report: &Value, id: &str) -> String {
    by_id(report, id)["status"].as_str().unwrap().to_string()
}

#[test]
fn a_well_kept_account_passes_every_check() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = seed.domain("course", Some(60));
    seed.profile(&domain, "ana");
    // Studio Classic's JupyterServer on `system` is free and may stay.
    seed.app(&domain, "ana", sm::AppType::JupyterServer, "default", "system", 7200);
    seed.budget("SageMaker-Monthly-Budget", true);
    seed.alarm("sagemaker-app-running-too-long");
    seed.training_job("xgb-spot", true, 1200, 420);

    let output = check(&emulator, &["--format", "json"]);
    expect_code(&output, 0);
    let report = json(&output);
    assert_eq!(report["schema"], 1);
    assert_eq!(report["module"], "module5");
    assert_eq!(report["source"], "aws");
    assert_eq!(report["account"], ACCOUNT);
    assert_eq!(report["region"], REGION);
    for id in sm_course::check_ids() {
        // The domain's home EFS bills by the GB-month, used or not.
        let expected = if id == "storage" { "warn" } else { "pass" };
        assert_eq!(status(&report, id), expected, "{id}: {}", by_id(&report, id));
    }
    assert_eq!(report["summary"]["pass"], sm_course::check_ids().count() - 1);
    let storage = &by_id(&report, "storage")["storage"];
    assert_eq!(storage[0]["kind"], "domain-efs", "{storage}");
    // Evidence carries the facts behind each pass.
    let alerts = by_id(&report, "budget-alerts");
    let subscriber = alerts["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["key"] == "subscriber")
        .unwrap();
    assert_eq!(subscriber["value"], "EMAIL a***@example.com", "addresses are masked");
    assert!(!stdout(&output).contains("ana.souza@example.com"));
    let spot = by_id(&report, "spot-training")["evidence"][0]["value"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(spot.contains("xgb-spot") && spot.contains("65% saved"), "{spot}");
}

#[test]
fn an_alarm_whose_metric_nobody_publishes_is_a_warning() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    seed.alarm("sagemaker-app-running-too-long");
    seed.alarm_state("sagemaker-app-running-too-long", "INSUFFICIENT_DATA");
    let output = check(&emulator, &["--only", "long-running-alarm", "--format", "json"]);
    let report = json(&output);
    let alarm = by_id(&report, "long-running-alarm");
    assert_eq!(alarm["status"], "warn", "{alarm}");
    assert!(
        alarm["summary"].as_str().unwrap().contains("INSUFFICIENT_DATA"),
        "{alarm}"
    );
    assert!(
        alarm["remediation"]["commands"][0]
            .as_str()
            .unwrap()
            .contains("--treat-missing-data notBreaching"),
        "{alarm}"
    );
    // Once it has data, it watches.
    seed.alarm_state("sagemaker-app-running-too-long", "OK");
    let output = check(&emulator, &["--only", "long-running-alarm", "--format", "json"]);
    assert_eq!(status(&json(&output), "long-running-alarm"), "pass");
}

#[test]
fn a_neglected_account_fails_with_costs_and_exact_fixes() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    seed.space(&domain, "ana-lab", "ana");
    seed.app(
        &domain,
        "ana",
        sm::AppType::KernelGateway,
        "datascience-1",
        "ml.m5.xlarge",
        9000,
    );
    seed.app(
        &domain,
        "space:ana-lab",
        sm::AppType::JupyterLab,
        "default",
        "ml.g4dn.xlarge",
        600,
    );
    seed.notebook("forgotten", "ml.t3.medium", 3600);
    seed.endpoint("churn", "ml.m5.large", 2);

    let output = check(&emulator, &["--format", "json"]);
    expect_code(&output, 1);
    let report = json(&output);
    for (id, expected) in [
        ("identity", "pass"),
        ("region", "pass"),
        ("studio-apps", "fail"),
        ("notebook-instances", "fail"),
        ("endpoints", "fail"),
        ("mlflow", "pass"),
        ("jobs", "pass"),
        ("hyperpod", "pass"),
        ("storage", "warn"),
        ("budget", "fail"),
        ("budget-alerts", "fail"),
        ("idle-shutdown", "fail"),
        ("long-running-alarm", "warn"),
        ("spot-training", "skip"),
    ] {
        assert_eq!(status(&report, id), expected, "{id}: {}", by_id(&report, id));
    }

    let apps = by_id(&report, "studio-apps");
    let resources = apps["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 2);
    let kernel = resources.iter().find(|r| r["name"] == "datascience-1").unwrap();
    assert_eq!(kernel["kind"], "studio-app");
    assert_eq!(kernel["instance_type"], "ml.m5.xlarge");
    // The region's published Studio price (AWS's, not the course's).
    let price = published_price("ml.m5.xlarge", "eu-central-1", "studio-app").unwrap();
    assert_eq!(kernel["price_per_hour_usd"], price);
    assert!(
        kernel["price_source"]
            .as_str()
            .unwrap()
            .contains("(eu-central-1, notebook)"),
        "{kernel}"
    );
    let seconds = kernel["running_seconds"].as_u64().unwrap();
    assert!((9000..9060).contains(&seconds), "{seconds}");
    // 2 h 30 min, as in the module's worked example.
    let accrued = kernel["accrued_usd"].as_f64().unwrap();
    assert!(
        (accrued - price * seconds as f64 / 3600.0).abs() < 1e-6 && accrued >= price * 2.5 - 1e-6,
        "{accrued}"
    );
    assert_eq!(kernel["owner"], "ana");
    assert_eq!(kernel["domain"], domain);
    let gpu = resources
        .iter()
        .find(|r| r["instance_type"] == "ml.g4dn.xlarge")
        .unwrap();
    assert_eq!(gpu["gpu"], true, "GPU instances are called out");
    // The course gives no G4dn price; AWS's published one for the region applies.
    assert_eq!(course_price("ml.g4dn.xlarge"), None);
    assert_eq!(
        gpu["price_per_hour_usd"].as_f64(),
        published_price("ml.g4dn.xlarge", "eu-central-1", "studio-app")
    );
    assert_eq!(gpu["owner"], "space ana-lab (ana)");
    let commands: Vec<&str> = apps["remediation"]["commands"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(commands.contains(&&*format!(
        "aws sagemaker delete-app --domain-id {domain} --user-profile-name ana --app-type KernelGateway --app-name datascience-1 --region {REGION}"
    )), "{commands:?}");
    assert!(
        commands
            .iter()
            .any(|c| c.contains("--space-name ana-lab") && c.contains("--app-type JupyterLab")),
        "{commands:?}"
    );
    assert!(!apps["remediation"]["steps"].as_array().unwrap().is_empty());
    let per_hour = round(price + gpu["price_per_hour_usd"].as_f64().unwrap());
    assert!(
        apps["remediation"]["why"].as_str().unwrap().contains(&usd_en(per_hour)),
        "the hourly cost is in the why: {}",
        apps["remediation"]["why"]
    );

    let notebook = &by_id(&report, "notebook-instances")["resources"][0];
    assert_eq!(notebook["name"], "forgotten");
    assert_eq!(
        notebook["price_per_hour_usd"].as_f64(),
        published_price("ml.t3.medium", "eu-central-1", "notebook-instance")
    );
    let endpoint = &by_id(&report, "endpoints")["resources"][0];
    assert_eq!(
        (endpoint["count"].as_u64(), endpoint["price_per_hour_usd"].as_f64()),
        (
            Some(2),
            Some(round(
                2.0 * published_price("ml.m5.large", "eu-central-1", "endpoint").unwrap()
            ))
        )
    );
    let idle = by_id(&report, "idle-shutdown");
    assert!(
        idle["remediation"]["commands"][0]
            .as_str()
            .unwrap()
            .contains(&format!("update-domain --domain-id {domain}"))
    );
    assert_eq!(
        report["summary"],
        serde_json::json!({"pass": 5, "fail": 6, "warn": 2, "skip": 1, "error": 0, "muted": 0})
    );
}

#[test]
fn junit_and_markdown_reports_of_a_failing_account_are_well_formed() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    seed.app(
        &domain,
        "ana",
        sm::AppType::KernelGateway,
        "name<&>\"quoted\"",
        "ml.m5.xlarge",
        60,
    );

    let junit = check(&emulator, &["--format", "junit"]);
    expect_code(&junit, 1);
    let xml = stdout(&junit);
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("invalid XML: {e}\n{xml}"));
    let cases: Vec<_> = doc.descendants().filter(|n| n.has_tag_name("testcase")).collect();
    assert_eq!(cases.len(), sm_course::check_ids().count());
    let apps = cases
        .iter()
        .find(|c| c.attribute("name") == Some("studio-apps"))
        .unwrap();
    assert!(
        apps.children().any(|n| n.has_tag_name("failure")),
        "a failed check is a JUnit failure"
    );
    assert!(xml.contains("name&lt;&amp;&gt;"), "names are escaped");

    let markdown = check(&emulator, &["--format", "markdown", "--lang", "pt"]);
    expect_code(&markdown, 1);
    let md = stdout(&markdown);
    assert!(md.starts_with("# Módulo 5"), "{md}");
    assert!(md.contains("| fail | Apps do Studio parados (`studio-apps`) |"), "{md}");
    assert!(md.contains("```bash\naws sagemaker delete-app"), "{md}");
}

#[test]
fn every_page_of_every_list_is_read() {
    let emulator = Emulator::with(Options {
        page_size: Some(2),
        ..Options::default()
    });
    let seed = Seed::new(&emulator);
    let domain = seed.domain("course", Some(60));
    for n in 0..5 {
        let profile = format!("student{n}");
        seed.profile(&domain, &profile);
        seed.app(
            &domain,
            &profile,
            sm::AppType::KernelGateway,
            &format!("app{n}"),
            "ml.t3.medium",
            120,
        );
    }
    let output = check(&emulator, &["--format", "json", "--only", "studio-apps,idle-shutdown"]);
    let report = json(&output);
    assert_eq!(
        by_id(&report, "studio-apps")["resources"].as_array().unwrap().len(),
        5,
        "apps on pages 1 to 3"
    );
    let covered = by_id(&report, "idle-shutdown")["evidence"].as_array().unwrap().len();
    assert_eq!(covered, 5, "every user profile, across pages, is judged");
    assert_eq!(report["checks"].as_array().unwrap().len(), 2, "--only selects checks");
}

#[test]
fn a_denied_or_throttled_call_is_an_error_for_its_checks_only() {
    let emulator = Emulator::with(Options {
        faults: vec![
            "ListApps=AccessDeniedException:400".into(),
            "DescribeAlarms=ThrottlingException:400".into(),
        ],
        ..Options::default()
    });
    let seed = Seed::new(&emulator);
    seed.budget("SageMaker-Monthly-Budget", true);
    let output = check(&emulator, &["--format", "json"]);
    expect_code(&output, 1);
    let report = json(&output);
    let apps = by_id(&report, "studio-apps");
    assert_eq!(apps["status"], "error");
    assert!(
        apps["summary"].as_str().unwrap().contains("sagemaker:ListApps"),
        "the missing IAM action is named"
    );
    let alarm = by_id(&report, "long-running-alarm");
    assert_eq!(alarm["status"], "error");
    assert!(
        alarm["summary"].as_str().unwrap().contains("throttled"),
        "{}",
        alarm["summary"]
    );
    // The rest were still evaluated.
    assert_eq!(status(&report, "budget"), "pass");
    assert_eq!(status(&report, "notebook-instances"), "pass");
    assert_eq!(status(&report, "idle-shutdown"), "skip");
}

#[test]
fn without_credentials_it_says_how_to_set_them_up_and_exits_2() {
    let learner = Learner::new();
    let started = std::time::Instant::now();
    let output = learner
        .command(&["module5", "check"])
        .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
        .env("AWS_REGION", REGION)
        .env("HOME", learner.dir.path())
        .output()
        .unwrap();
    expect_code(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("no AWS credentials found") && err.contains("aws configure") && err.contains("--sandbox"),
        "{err}"
    );
    assert!(stdout(&output).is_empty());
    // A hang guard, not a speed target: the metadata service must not be
    // waited on for long.
    assert!(
        started.elapsed() < std::time::Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn the_sandbox_shows_every_check_failing_and_is_labelled() {
    let learner = Learner::new();
    let output = learner.run(&["module5", "check", "--sandbox", "--format", "json"]);
    expect_code(&output, 1);
    let report = json(&output);
    assert_eq!(report["source"], "sandbox");
    assert_eq!(status(&report, "studio-apps"), "fail");
    let clean = learner.run(&["module5", "check", "--sandbox", "clean"]);
    expect_code(&clean, 0);
    assert!(stdout(&clean).contains("practice account"));
    let restricted = json(&learner.run(&["module5", "check", "--sandbox", "restricted", "--format", "json"]));
    assert_eq!(status(&restricted, "budget"), "error");
    let unknown = learner.run(&["module5", "check", "--sandbox", "nope"]);
    expect_code(&unknown, 2);
    assert!(
        stderr(&unknown).contains("clean, neglected, restricted"),
        "{}",
        stderr(&unknown)
    );
    let bad_id = learner.run(&["module5", "check", "--sandbox", "--only", "studio-apps,nope"]);
    expect_code(&bad_id, 2);
    assert!(stderr(&bad_id).contains("unknown check “nope”"), "{}", stderr(&bad_id));
}

#[test]
fn module5_level_profile_and_region_are_the_default_for_its_commands() {
    let emulator = Emulator::start();
    let learner = Learner::new();
    let run = |args: &[&str]| {
        let mut cmd = learner.command(args);
        emulator.configure(&mut cmd);
        json(&cmd.output().unwrap())
    };
    let inherited = run(&[
        "module5",
        "--region",
        "us-east-1",
        "check",
        "--only",
        "region",
        "--format",
        "json",
    ]);
    assert_eq!(inherited["region"], "us-east-1");
    assert_eq!(status(&inherited, "region"), "warn");
    let own = run(&[
        "module5",
        "--region",
        "us-east-1",
        "check",
        "--region",
        "eu-central-1",
        "--only",
        "region",
        "--format",
        "json",
    ]);
    assert_eq!(status(&own, "region"), "pass", "the subcommand's own flag wins");
}
