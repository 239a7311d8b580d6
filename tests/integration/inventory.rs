//! The inventory of what bills, against the emulator: every kind, running or
//! stopped, read once and named the same by `check`, `audit`, `verify` and
//! `instructor verify`.

use std::collections::BTreeSet;

use aws_sdk_sagemaker::types as sm;
use serde_json::Value;

use crate::emulator::*;
use crate::live::{Seed, json};
use crate::util::*;

const ROLE: &str = "arn:aws:iam::123456789012:role/SageMakerRole";
const GIB: u64 = 1_073_741_824;

fn tag(key: &str, value: impl ToString) -> sm::Tag {
    sm::Tag::builder().key(key).value(value.to_string()).build()
}

/// A domain whose home EFS holds `efs_gib` (the emulator's EFS backend).
fn domain_with_efs(seed: &Seed, name: &str, efs_gib: u64) -> String {
    block_on(
        seed.sm
            .create_domain()
            .domain_name(name)
            .auth_mode(sm::AuthMode::Iam)
            .default_user_settings(sm::UserSettings::builder().execution_role(ROLE).build())
            .subnet_ids("subnet-1")
            .vpc_id("vpc-1")
            .tags(tag("harness:efs-size-bytes", efs_gib * GIB))
            .send(),
    )
    .unwrap();
    format!("d-{name}")
}

/// A private space with an EBS volume of `gb`.
fn space(seed: &Seed, domain: &str, name: &str, owner: &str, gb: i32) {
    block_on(
        seed.sm
            .create_space()
            .domain_id(domain)
            .space_name(name)
            .ownership_settings(sm::OwnershipSettings::builder().owner_user_profile_name(owner).build())
            .space_sharing_settings(
                sm::SpaceSharingSettings::builder()
                    .sharing_type(sm::SharingType::Private)
                    .build(),
            )
            .space_settings(
                sm::SpaceSettings::builder()
                    .app_type(sm::AppType::JupyterLab)
                    .space_storage_settings(
                        sm::SpaceStorageSettings::builder()
                            .ebs_storage_settings(sm::EbsStorageSettings::builder().ebs_volume_size_in_gb(gb).build())
                            .build(),
                    )
                    .build(),
            )
            .send(),
    )
    .unwrap();
}

/// A stopped notebook instance with a volume of `gb`.
fn stopped_notebook(seed: &Seed, name: &str, gb: i32) {
    block_on(async {
        seed.sm
            .create_notebook_instance()
            .notebook_instance_name(name)
            .instance_type(sm::InstanceType::MlT3Medium)
            .role_arn(ROLE)
            .volume_size_in_gb(gb)
            .send()
            .await
            .unwrap();
        seed.sm
            .stop_notebook_instance()
            .notebook_instance_name(name)
            .send()
            .await
            .unwrap();
    });
}

/// A training job: in progress, or completed ten minutes ago leaving a warm
/// pool of `count` × `instance` kept for an hour.
fn training_job(seed: &Seed, name: &str, instance: &str, count: i32, warm_pool: bool) {
    let mut resources = sm::ResourceConfig::builder()
        .instance_type(sm::TrainingInstanceType::from(instance))
        .instance_count(count)
        .volume_size_in_gb(30);
    if warm_pool {
        resources = resources.keep_alive_period_in_seconds(3600);
    }
    let mut call = seed
        .sm
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
        .resource_config(resources.build())
        .stopping_condition(sm::StoppingCondition::builder().max_runtime_in_seconds(3600).build());
    call = match warm_pool {
        true => call
            .tags(tag("harness:status", "Completed"))
            .tags(tag("harness:ended-seconds-ago", 600))
            .tags(tag("harness:retained-seconds", 600)),
        false => call
            .tags(tag("harness:status", "InProgress"))
            .tags(tag("harness:created-seconds-ago", 1800)),
    };
    block_on(call.send()).unwrap();
}

/// A processing job in progress on `instance`.
fn processing_job(seed: &Seed, name: &str, instance: &str) {
    block_on(
        seed.sm
            .create_processing_job()
            .processing_job_name(name)
            .role_arn(ROLE)
            .app_specification(sm::AppSpecification::builder().image_uri("123.dkr.ecr/proc:1").build())
            .processing_resources(
                sm::ProcessingResources::builder()
                    .cluster_config(
                        sm::ProcessingClusterConfig::builder()
                            .instance_type(sm::ProcessingInstanceType::from(instance))
                            .instance_count(1)
                            .volume_size_in_gb(30)
                            .build(),
                    )
                    .build(),
            )
            .tags(tag("harness:status", "InProgress"))
            .tags(tag("harness:created-seconds-ago", 900))
            .send(),
    )
    .unwrap();
}

/// An asynchronous endpoint on one ml.m5.xlarge, hosting an inference component.
fn async_endpoint_with_component(seed: &Seed, name: &str) {
    seed.endpoint_with(
        name,
        sm::ProductionVariant::builder()
            .instance_type(sm::ProductionVariantInstanceType::MlM5Xlarge)
            .initial_instance_count(1),
        Some(
            sm::AsyncInferenceConfig::builder()
                .output_config(
                    sm::AsyncInferenceOutputConfig::builder()
                        .s3_output_path("s3://bucket/async")
                        .build(),
                )
                .build(),
        ),
    );
    block_on(
        seed.sm
            .create_inference_component()
            .inference_component_name(format!("{name}-llm"))
            .endpoint_name(name)
            .variant_name("all")
            .specification(
                sm::InferenceComponentSpecification::builder()
                    .model_name(format!("{name}-model"))
                    .compute_resource_requirements(
                        sm::InferenceComponentComputeResourceRequirements::builder()
                            .min_memory_required_in_mb(1024)
                            .number_of_cpu_cores_required(1.0)
                            .build(),
                    )
                    .build(),
            )
            .runtime_config(sm::InferenceComponentRuntimeConfig::builder().copy_count(1).build())
            .send(),
    )
    .unwrap();
}

/// `(kind, name)` of each item of a JSON list.
fn named(items: &Value) -> BTreeSet<(String, String)> {
    items
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {items}"))
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_string(),
                i["name"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Everything billing by the hour a `check` report names, every check together.
fn checked(report: &Value) -> BTreeSet<(String, String)> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| named(&c["resources"]))
        .filter(|(kind, _)| kind != "serverless-endpoint")
        .collect()
}

/// Everything billing by the GB-month a `check` report names.
fn checked_storage(report: &Value) -> BTreeSet<(String, String)> {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["storage"].is_null())
        .flat_map(|c| named(&c["storage"]))
        .collect()
}

/// The account of the issue: after the lab, nothing runs in Studio, yet a
/// 100 GB space, a stopped notebook instance's 500 GB volume, the domain's
/// EFS and a warm pool of four ml.p3.8xlarge all bill.
#[test]
fn an_account_where_nothing_runs_is_not_rest_easy_while_storage_and_a_warm_pool_bill() {
    let emulator = Emulator::start();
    // In us-east-1, where the catalog has a figure for every one of them
    // (eu-central-1 has none for ML storage: there the total says "at least").
    let seed = Seed::in_region(&emulator, "us-east-1");
    let domain = domain_with_efs(&seed, "course", 2);
    seed.profile(&domain, "ana");
    space(&seed, &domain, "big-lab", "ana", 100);
    stopped_notebook(&seed, "old-notebook", 500);
    training_job(&seed, "tuned", "ml.p3.8xlarge", 4, true);
    let learner = Learner::new();
    let run = |args: &[&str]| {
        let mut cmd = learner.command(args);
        emulator.configure(&mut cmd);
        cmd.env("AWS_REGION", "us-east-1").output().unwrap()
    };

    let output = run(&["module5", "audit", "--format", "json"]);
    expect_code(&output, 1);
    let audit = json(&output);
    assert_eq!(
        named(&audit["running"]),
        BTreeSet::from([("warm-pool".to_string(), "tuned".to_string())]),
        "{audit}"
    );
    let pool = &audit["running"][0];
    assert_eq!(
        (pool["count"].as_u64(), pool["instance_type"].as_str()),
        (Some(4), Some("ml.p3.8xlarge"))
    );
    assert_eq!(pool["gpu"], true);
    // Every item priced: the warm pool at the training price, each volume and
    // the EFS by the GB-month; nothing partial.
    assert!(pool["price_per_hour_usd"].as_f64().is_some_and(|p| p > 0.0), "{pool}");
    assert_eq!(audit["partial"], false);
    assert_eq!(audit["storage_partial"], false);
    assert!(audit["storage_monthly_usd"].as_f64().unwrap() > 600.0 * 0.1, "{audit}");
    assert_eq!(pool["target"]["kind"], "warm-pool");
    let storage: Vec<(String, String, f64)> = audit["storage"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_string(),
                i["name"].as_str().unwrap().to_string(),
                i["size_gb"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(storage.len(), 3, "{storage:?}");
    assert!(
        storage.contains(&("space-volume".into(), "big-lab".into(), 100.0)),
        "{storage:?}"
    );
    assert!(
        storage.contains(&("notebook-volume".into(), "old-notebook".into(), 500.0)),
        "{storage:?}"
    );
    assert!(
        storage
            .iter()
            .any(|(kind, name, gb)| kind == "domain-efs" && name.starts_with("fs-") && *gb == 2.0),
        "{storage:?}"
    );
    for item in audit["storage"].as_array().unwrap() {
        let monthly = item["size_gb"].as_f64().unwrap() * item["price_per_gb_month_usd"].as_f64().unwrap();
        assert!((item["monthly_usd"].as_f64().unwrap() - monthly).abs() < 0.01, "{item}");
        assert!(item["holds"].as_str().is_some_and(|h| !h.is_empty()), "{item}");
        assert!(item["delete"].as_str().unwrap().starts_with("aws "), "{item}");
    }

    let text = run(&["module5", "audit"]);
    let words = stdout(&text).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        !words.contains("Rest easy") && !words.contains("Nothing billable"),
        "{words}"
    );
    assert!(words.contains("warm pool of training job tuned"), "{words}");
    assert!(words.contains("Still billing while stopped"), "{words}");
    // The stop it suggests finds the warm pool: no flag needed to release it.
    assert!(words.contains("`sm-course module5 audit --stop`"), "{words}");
    let dry = run(&["module5", "audit", "--stop", "--dry-run"]);
    assert!(
        stdout(&dry)
            .contains("sagemaker:UpdateTrainingJob TrainingJobName=tuned ResourceConfig.KeepAlivePeriodInSeconds=0"),
        "{}",
        stdout(&dry)
    );

    // check: the warm pool fails `jobs`, storage warns with its monthly cost.
    let report = json(&run(&["module5", "check", "--format", "json"]));
    assert_eq!(crate::live::status(&report, "jobs"), "fail");
    assert_eq!(crate::live::status(&report, "storage"), "warn");
    assert_eq!(crate::live::status(&report, "studio-apps"), "pass");

    // Released, the pool bills no more; the audit then exits 0 and lists the storage.
    let released = run(&["module5", "audit", "--stop", "--yes", "--wait", "20"]);
    expect_code(&released, 0);
    let words = stdout(&released).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("warm pool of training-job tuned → Terminated"),
        "{words}"
    );
    let after = run(&["module5", "audit", "--format", "json"]);
    expect_code(&after, 0);
    let after = json(&after);
    assert!(after["running"].as_array().unwrap().is_empty(), "{after}");
    assert_eq!(after["storage"].as_array().unwrap().len(), 3);
}

/// One of every kind, in a student's account: `check`, `audit`,
/// `verify stop-instances` and `instructor verify` name the same resources.
#[test]
fn check_audit_verify_and_the_class_name_the_same_billable_resources() {
    let emulator = Emulator::start();
    let student = "100000000007";
    let seed = Seed::in_account(&emulator, student);
    let domain = domain_with_efs(&seed, "course", 1);
    seed.profile(&domain, "ana");
    space(&seed, &domain, "lab", "ana", 20);
    seed.app(
        &domain,
        "space:lab",
        sm::AppType::JupyterLab,
        "default",
        "ml.t3.medium",
        600,
    );
    seed.app(&domain, "ana", sm::AppType::Canvas, "default", "system", 1200);
    seed.notebook("running-nb", "ml.t3.medium", 3600);
    stopped_notebook(&seed, "stopped-nb", 50);
    seed.endpoint("forgotten", "ml.g4dn.12xlarge", 1);
    async_endpoint_with_component(&seed, "queue");
    training_job(&seed, "running-job", "ml.m5.xlarge", 1, false);
    training_job(&seed, "pooled", "ml.p3.8xlarge", 4, true);
    processing_job(&seed, "prep", "ml.m5.4xlarge");
    seed.cluster("pod", sm::ClusterInstanceType::MlG5Xlarge, 2);
    block_on(
        seed.sm
            .create_mlflow_tracking_server()
            .tracking_server_name("tracking")
            .artifact_store_uri("s3://bucket/mlflow")
            .role_arn(ROLE)
            .tracking_server_size(sm::TrackingServerSize::S)
            .send(),
    )
    .unwrap();

    // The learner's own view: a profile that assumes a role in the student's account.
    let learner = Learner::new();
    let role = format!("arn:aws:iam::{student}:role/CourseAudit");
    let config = learner.dir.path().join("aws-config");
    std::fs::write(
        &config,
        format!(
            "[profile student]\nrole_arn = {role}\nsource_profile = base\nregion = {REGION}\n\n[profile base]\nregion = {REGION}\n"
        ),
    )
    .unwrap();
    let credentials = learner.dir.path().join("aws-credentials");
    std::fs::write(
        &credentials,
        "[base]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let mut cmd = learner.command(args);
        emulator.configure(&mut cmd);
        cmd.env("AWS_CONFIG_FILE", &config)
            .env("AWS_SHARED_CREDENTIALS_FILE", &credentials)
            .env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY")
            .env("AWS_PROFILE", "student");
        cmd.output().unwrap()
    };

    let expected: BTreeSet<(String, String)> = [
        ("studio-app", "default"),
        ("canvas-app", "default"),
        ("notebook-instance", "running-nb"),
        ("endpoint", "forgotten"),
        ("async-endpoint", "queue"),
        ("training-job", "running-job"),
        ("warm-pool", "pooled"),
        ("processing-job", "prep"),
        ("hyperpod-cluster", "pod"),
        ("mlflow-tracking-server", "tracking"),
    ]
    .iter()
    .map(|(k, n)| (k.to_string(), n.to_string()))
    .collect();

    let audit = run(&["module5", "audit", "--format", "json"]);
    expect_code(&audit, 1);
    let audit = json(&audit);
    assert_eq!(audit["account"], student);
    assert_eq!(named(&audit["running"]), expected, "audit");
    let storage = named(&audit["storage"]);
    // The space's volume, both notebook instances' volumes and the domain's EFS.
    assert_eq!(storage.len(), 4, "{storage:?}");

    let check = json(&run(&["module5", "check", "--format", "json"]));
    assert_eq!(checked(&check), expected, "check");
    assert_eq!(checked_storage(&check), storage, "check's storage");

    let verify = run(&["module5", "verify", "stop-instances", "--format", "json"]);
    expect_code(&verify, 1);
    let verify = json(&verify);
    let task = &verify["items"][0]["tasks"][0];
    assert_eq!(task["proven"], false, "{task}");
    assert_eq!(named(&task["still_billing"]), expected, "verify");

    // The instructor reaches the same account by its audit role.
    let roster = learner.dir.path().join("class.toml");
    std::fs::write(
        &roster,
        format!("[defaults]\nregion = \"{REGION}\"\nrole_name = \"CourseAudit\"\n\n[[student]]\nname = \"Ana\"\naccount_id = \"{student}\"\n"),
    )
    .unwrap();
    let class = emulator.run(
        &learner,
        &["instructor", "verify", roster.to_str().unwrap(), "--format", "json"],
    );
    let class = json(&class);
    let row = &class["students"][0];
    assert_eq!(row["status"], "ok", "{row}");
    assert_eq!(checked(row), expected, "instructor verify's checks");
    assert_eq!(
        named(&row["still_billing"]["compute"]),
        expected,
        "instructor verify's bill"
    );
    assert_eq!(named(&row["still_billing"]["storage"]), storage);

    // The GPU endpoint has a price; the async endpoint names its component.
    let forgotten = audit["running"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "forgotten")
        .unwrap();
    assert_eq!(forgotten["gpu"], true);
    let queue = audit["running"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["name"] == "queue")
        .unwrap();
    assert_eq!(queue["components"][0], "queue-llm", "{queue}");
    assert_eq!(crate::live::status(&check, "endpoints"), "fail");
}

/// `--stop` acts on everything it recommends: jobs with `--include-jobs`,
/// and a later audit suggests nothing that would find nothing to do.
#[test]
fn jobs_are_stopped_with_their_flag_and_the_audit_then_suggests_nothing() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    training_job(&seed, "train", "ml.m5.xlarge", 1, false);
    processing_job(&seed, "prep", "ml.m5.xlarge");
    let learner = Learner::new();
    let before = emulator.run(&learner, &["module5", "audit"]);
    expect_code(&before, 1);
    let words = stdout(&before).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("`sm-course module5 audit --stop --include-jobs`"),
        "{words}"
    );
    let without = emulator.run(&learner, &["module5", "audit", "--stop", "--yes"]);
    let words = stdout(&without).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("are not stopped without `--include-jobs`"), "{words}");
    assert!(words.contains("Nothing to stop"), "{words}");
    let stopped = emulator.run(
        &learner,
        &["module5", "audit", "--stop", "--yes", "--include-jobs", "--wait", "20"],
    );
    expect_code(&stopped, 0);
    let words = stdout(&stopped).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("training-job train → Stopped") && words.contains("processing-job prep → Stopped"),
        "{words}"
    );
    let log = std::fs::read_to_string(learner.home().join("audit.log")).unwrap();
    assert!(
        log.contains("sagemaker:StopTrainingJob") && log.contains("sagemaker:StopProcessingJob"),
        "{log}"
    );
    let after = emulator.run(&learner, &["module5", "audit"]);
    expect_code(&after, 0);
    assert!(!stdout(&after).contains("--stop"), "{}", stdout(&after));
}
