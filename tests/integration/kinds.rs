//! The billable kinds beyond apps, notebooks, endpoints and training jobs,
//! against the emulator: a Canvas app, MLflow tracking servers, a batch
//! transform job, a HyperPod cluster and a serverless endpoint. What `audit`
//! reports of each, what `audit --stop` stops, what it asks twice, and what
//! it never touches.

use aws_sdk_sagemaker::types as sm;
use serde_json::Value;

use crate::emulator::*;
use crate::live::{Seed, json};
use crate::util::*;

const ROLE: &str = "arn:aws:iam::123456789012:role/SageMakerExecution";

fn tag(key: &str, value: &str) -> sm::Tag {
    sm::Tag::builder().key(key).value(value).build()
}

fn mlflow_server(seed: &Seed, name: &str, size: sm::TrackingServerSize) {
    block_on(
        seed.sm
            .create_mlflow_tracking_server()
            .tracking_server_name(name)
            .artifact_store_uri("s3://course-bucket/mlflow")
            .role_arn(ROLE)
            .tracking_server_size(size)
            .tags(tag("harness:created-seconds-ago", "3600"))
            .send(),
    )
    .unwrap();
}

fn mlflow_status(seed: &Seed, name: &str) -> String {
    let out = block_on(
        seed.sm
            .describe_mlflow_tracking_server()
            .tracking_server_name(name)
            .send(),
    )
    .unwrap();
    out.tracking_server_status().unwrap().as_str().to_string()
}

/// A batch transform job in `status`, on two ml.m5.xlarge instances.
fn transform_job(seed: &Seed, name: &str, status: &str) {
    block_on(async {
        let model = format!("{name}-model");
        seed.sm
            .create_model()
            .model_name(&model)
            .execution_role_arn(ROLE)
            .primary_container(sm::ContainerDefinition::builder().image("123.dkr.ecr/xgb:1").build())
            .send()
            .await
            .unwrap();
        seed.sm
            .create_transform_job()
            .transform_job_name(name)
            .model_name(&model)
            .transform_input(
                sm::TransformInput::builder()
                    .data_source(
                        sm::TransformDataSource::builder()
                            .s3_data_source(
                                sm::TransformS3DataSource::builder()
                                    .s3_data_type(sm::S3DataType::S3Prefix)
                                    .s3_uri("s3://course-bucket/in")
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .transform_output(
                sm::TransformOutput::builder()
                    .s3_output_path("s3://course-bucket/out")
                    .build(),
            )
            .transform_resources(
                sm::TransformResources::builder()
                    .instance_type(sm::TransformInstanceType::MlM5Xlarge)
                    .instance_count(2)
                    .build(),
            )
            .tags(tag("harness:status", status))
            .tags(tag("harness:created-seconds-ago", "600"))
            .send()
            .await
            .unwrap();
    });
}

fn transform_status(seed: &Seed, name: &str) -> String {
    let out = block_on(seed.sm.describe_transform_job().transform_job_name(name).send()).unwrap();
    out.transform_job_status().unwrap().as_str().to_string()
}

/// A HyperPod cluster of three ml.m5.xlarge workers.
fn canvas_status(seed: &Seed, domain: &str) -> String {
    let out = block_on(
        seed.sm
            .describe_app()
            .domain_id(domain)
            .user_profile_name("ana")
            .app_type(sm::AppType::Canvas)
            .app_name("default")
            .send(),
    )
    .unwrap();
    out.status().unwrap().as_str().to_string()
}

/// An account with one of each new kind billing, and what must not be
/// listed beside them: a stopped MLflow server and a finished transform job.
fn every_kind(emulator: &Emulator) -> (Seed, String) {
    let seed = Seed::new(emulator);
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    seed.app(&domain, "ana", sm::AppType::Canvas, "default", "system", 1800);
    mlflow_server(&seed, "tracking", sm::TrackingServerSize::S);
    mlflow_server(&seed, "team", sm::TrackingServerSize::L);
    mlflow_server(&seed, "old", sm::TrackingServerSize::S);
    block_on(seed.sm.stop_mlflow_tracking_server().tracking_server_name("old").send()).unwrap();
    transform_job(&seed, "batch", "InProgress");
    transform_job(&seed, "done", "Completed");
    seed.cluster("pod", sm::ClusterInstanceType::MlM5Xlarge, 3);
    seed.serverless_endpoint("scorer");
    (seed, domain)
}

fn items(audit: &Value) -> Vec<(String, String, Option<f64>, String)> {
    audit["running"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().to_string(),
                i["name"].as_str().unwrap().to_string(),
                i["price_per_hour_usd"].as_f64(),
                i["target"]["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn every_kind_is_audited_with_its_price_and_its_command() {
    let emulator = Emulator::start();
    every_kind(&emulator);
    let learner = Learner::new();
    let output = emulator.run(&learner, &["module5", "audit", "--format", "json"]);
    expect_code(&output, 1);
    let audit = json(&output);
    let s = |v: &str| v.to_string();
    assert_eq!(
        items(&audit),
        [
            (s("canvas-app"), s("default"), Some(1.9), s("studio-app")),
            (s("serverless-endpoint"), s("scorer"), Some(0.0), s("endpoint")),
            (
                s("mlflow-tracking-server"),
                s("team"),
                None,
                s("mlflow-tracking-server")
            ),
            (
                s("mlflow-tracking-server"),
                s("tracking"),
                None,
                s("mlflow-tracking-server")
            ),
            (s("hyperpod-cluster"), s("pod"), Some(0.69), s("hyperpod-cluster")),
            (
                s("transform-job"),
                s("batch"),
                // Two instances at the region's published transform figure.
                Some(round(
                    2.0 * published_price("ml.m5.xlarge", "eu-central-1", "transform-job").unwrap()
                )),
                s("transform-job")
            ),
        ],
        "no stopping MLflow server, no finished transform job; no MLflow price outside eu-west-2"
    );
    let running = audit["running"].as_array().unwrap();
    assert_eq!(
        (running[4]["instance_type"].as_str(), running[4]["count"].as_u64()),
        (Some("ml.m5.xlarge"), Some(3))
    );
    assert_eq!(
        (running[5]["instance_type"].as_str(), running[5]["count"].as_u64()),
        (Some("ml.m5.xlarge"), Some(2))
    );
    assert_eq!(running[3]["instance_type"], "Small");
    assert_eq!(
        running[1]["accrued_usd"],
        Value::Null,
        "a serverless endpoint's cost is per request"
    );
    assert!(audit["errors"].as_array().unwrap().is_empty(), "{audit}");
    // Canvas's 1.90, the cluster's three instances at the course's figure
    // (no published HyperPod price), the transform job's two at the
    // published one; the MLflow servers unpriced in eu-central-1.
    let expected = 1.90
        + 3.0 * course_price("ml.m5.xlarge").unwrap()
        + 2.0 * published_price("ml.m5.xlarge", "eu-central-1", "transform-job").unwrap();
    assert_eq!(
        published_price("ml.m5.xlarge", "eu-central-1", "hyperpod-cluster"),
        None
    );
    assert_eq!(audit["per_hour_usd"].as_f64(), Some(round(expected)));
    assert_eq!(audit["partial"], true);

    for (lang, labels) in [
        (
            "en",
            [
                "Canvas app default (d-course/ana) · per session hour",
                "serverless endpoint scorer · serverless: billed per request, nothing while idle",
                "MLflow tracking server tracking · size Small",
                "HyperPod cluster pod · ml.m5.xlarge ×3",
                "batch transform job batch · ml.m5.xlarge ×2",
            ],
        ),
        (
            "pt",
            [
                "app Canvas default (d-course/ana) · por hora de sessão",
                "endpoint serverless scorer · serverless: cobrado por requisição, nada enquanto ocioso",
                "servidor de rastreamento MLflow tracking · tamanho Small",
                "cluster HyperPod pod · ml.m5.xlarge ×3",
                "job de transformação em lote (batch transform) batch · ml.m5.xlarge ×2",
            ],
        ),
    ] {
        let output = emulator.run(&learner, &["module5", "audit", "--lang", lang]);
        expect_code(&output, 1);
        let text = stdout(&output).split_whitespace().collect::<Vec<_>>().join(" ");
        for label in labels {
            assert!(text.contains(label), "{lang}: {label:?} missing from:\n{text}");
        }
    }

    let dry = emulator.run(
        &learner,
        &[
            "module5",
            "audit",
            "--stop",
            "--dry-run",
            "--include-endpoints",
            "--include-transform-jobs",
        ],
    );
    expect_code(&dry, 0);
    let out = stdout(&dry);
    for line in [
        "sagemaker:DeleteApp DomainId=d-course UserProfileName=ana AppType=Canvas AppName=default",
        "$ aws sagemaker stop-mlflow-tracking-server --tracking-server-name tracking --region eu-central-1",
        "sagemaker:StopMlflowTrackingServer TrackingServerName=team",
        "$ aws sagemaker stop-transform-job --transform-job-name batch --region eu-central-1",
        "$ aws sagemaker delete-endpoint --endpoint-name scorer --region eu-central-1",
    ] {
        assert!(out.contains(line), "{line:?} missing from:\n{out}");
    }
    assert!(
        !out.contains("sagemaker:DeleteCluster") && out.contains("without `--include-clusters`"),
        "a cluster is deleted only when asked for:\n{out}"
    );
    let dry = emulator.run(
        &learner,
        &["module5", "audit", "--stop", "--dry-run", "--include-clusters"],
    );
    expect_code(&dry, 0);
    let out = stdout(&dry);
    assert!(
        out.contains("sagemaker:DeleteCluster ClusterName=pod")
            && out.contains("$ aws sagemaker delete-cluster --cluster-name pod --region eu-central-1"),
        "{out}"
    );
    assert_eq!(
        out.matches("DeleteCluster").count(),
        1,
        "one deletion per cluster, not per instance group:\n{out}"
    );
    assert!(learner.audit_log().is_empty());
}

#[test]
fn stopping_stops_what_is_safe_and_deletes_a_cluster_only_when_asked() {
    let emulator = Emulator::start();
    let (seed, domain) = every_kind(&emulator);
    let learner = Learner::new();
    // Without its flag a transform job is left alone, even with --yes.
    let output = emulator.run(&learner, &["module5", "audit", "--stop", "--dry-run"]);
    assert!(!stdout(&output).contains("stop-transform-job"), "{}", stdout(&output));
    assert!(
        stdout(&output).contains("without `--include-transform-jobs`"),
        "{}",
        stdout(&output)
    );
    let output = emulator.run(
        &learner,
        &[
            "module5",
            "audit",
            "--stop",
            "--yes",
            "--include-transform-jobs",
            "--wait",
            "10",
        ],
    );
    expect_code(&output, 0);
    let out = stdout(&output).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        out.contains("HyperPod clusters are not deleted without `--include-clusters`"),
        "{out}"
    );
    for line in [
        "Canvas app d-course/ana/default → Deleted",
        "MLflow tracking server tracking → Stopped",
        "MLflow tracking server team → Stopped",
        "transform-job batch → Stopped",
    ] {
        assert!(out.contains(line), "{line:?} missing from:\n{out}");
    }
    // The account itself, re-read.
    assert_eq!(canvas_status(&seed, &domain), "Deleted");
    assert_eq!(mlflow_status(&seed, "tracking"), "Stopped");
    assert_eq!(mlflow_status(&seed, "team"), "Stopped");
    assert_eq!(transform_status(&seed, "batch"), "Stopped");
    assert_eq!(transform_status(&seed, "done"), "Completed");
    let pod = block_on(seed.sm.describe_cluster().cluster_name("pod").send()).unwrap();
    assert_eq!(
        pod.cluster_status().unwrap().as_str(),
        "InService",
        "not without its flag"
    );
    let scorer = block_on(seed.sm.describe_endpoint().endpoint_name("scorer").send()).unwrap();
    assert_eq!(
        scorer.endpoint_status().unwrap().as_str(),
        "InService",
        "an endpoint, serverless or not, needs --include-endpoints"
    );
    let calls: Vec<String> = learner
        .audit_log()
        .iter()
        .map(|e| format!("{} {}", e["call"].as_str().unwrap(), e["result"].as_str().unwrap()))
        .collect();
    assert_eq!(
        calls,
        [
            "sagemaker:DeleteApp ok",
            "sagemaker:StopMlflowTrackingServer ok",
            "sagemaker:StopMlflowTrackingServer ok",
            "sagemaker:StopTransformJob ok",
        ]
    );

    // What is left: the cluster and the idle serverless endpoint; the audit
    // names the flag that reaches the cluster, and that command finds it.
    let after = emulator.run(&learner, &["module5", "audit", "--format", "json"]);
    expect_code(&after, 1);
    let kinds: Vec<String> = items(&json(&after)).into_iter().map(|(kind, ..)| kind).collect();
    assert_eq!(kinds, ["serverless-endpoint", "hyperpod-cluster"]);
    let text = emulator.run(&learner, &["module5", "audit"]);
    let words = stdout(&text).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("`sm-course module5 audit --stop --include-clusters`"),
        "{words}"
    );
    let deleted = emulator.run(
        &learner,
        &[
            "module5",
            "audit",
            "--stop",
            "--yes",
            "--include-clusters",
            "--wait",
            "20",
        ],
    );
    expect_code(&deleted, 0);
    let words = stdout(&deleted).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("HyperPod cluster pod → Deleted"), "{words}");
    // Nothing by the hour is left: the audit exits 0 and suggests no stop.
    let last = emulator.run(&learner, &["module5", "audit"]);
    expect_code(&last, 0);
    assert!(!stdout(&last).contains("--stop"), "{}", stdout(&last));
}

#[test]
fn on_a_terminal_canvas_and_transform_jobs_are_asked_a_second_time() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    seed.app(&domain, "ana", sm::AppType::Canvas, "default", "system", 1800);
    mlflow_server(&seed, "tracking", sm::TrackingServerSize::S);
    transform_job(&seed, "batch", "InProgress");
    let learner = Learner::new();
    let mut cmd = learner.tty_command(&["module5", "audit", "--stop", "--include-transform-jobs", "--wait", "10"]);
    emulator.configure(&mut cmd);
    let mut tty = Pty::spawn(cmd, 200, std::time::Duration::from_secs(20));
    tty.expect("What should be stopped in account");
    // Everything is chosen to begin with.
    tty.send(ENTER);
    tty.expect(
        "Delete Canvas app default in account 123456789012 (eu-central-1)? Whoever is in it is logged out of Canvas",
    );
    // No: the Canvas session stays.
    tty.send(ENTER);
    tty.expect("Stop batch transform job batch in account 123456789012 (eu-central-1)?");
    tty.send(DOWN);
    tty.send(ENTER);
    // The MLflow server (stopped, not deleted; it can be started again) is not asked twice.
    tty.expect("Stop 2 resource(s) in account");
    tty.send(DOWN);
    tty.send(ENTER);
    assert_eq!(tty.exit_code(), 0, "audit --stop");
    assert_eq!(
        canvas_status(&seed, &domain),
        "InService",
        "no to the second question keeps it"
    );
    assert_eq!(transform_status(&seed, "batch"), "Stopped");
    assert_eq!(mlflow_status(&seed, "tracking"), "Stopped");
}

#[test]
fn an_unreadable_new_list_is_an_error_never_a_clean_audit() {
    // Each read fails alone, on an account where nothing else runs: the
    // audit must still exit 1 and name the call.
    for (fault, action, transform) in [
        (
            "ListClusters=AccessDeniedException:400",
            "sagemaker:ListClusters",
            false,
        ),
        (
            "ListMlflowTrackingServers=AccessDeniedException:400",
            "sagemaker:ListMlflowTrackingServers",
            false,
        ),
        (
            "ListTransformJobs=AccessDeniedException:400",
            "sagemaker:ListTransformJobs",
            false,
        ),
        (
            "DescribeTransformJob=AccessDeniedException:400",
            "sagemaker:DescribeTransformJob",
            true,
        ),
    ] {
        let emulator = Emulator::with(Options {
            faults: vec![fault.into()],
            ..Options::default()
        });
        if transform {
            transform_job(&Seed::new(&emulator), "batch", "InProgress");
        }
        let learner = Learner::new();
        let output = emulator.run(&learner, &["module5", "audit", "--format", "json"]);
        expect_code(&output, 1);
        let audit = json(&output);
        assert!(audit["running"].as_array().unwrap().is_empty(), "{fault}: {audit}");
        let errors: Vec<&str> = audit["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["operation"].as_str().unwrap())
            .collect();
        assert_eq!(errors, [action], "{fault}");
    }
}

#[test]
fn the_iam_policy_and_the_role_template_grant_the_new_calls() {
    let learner = Learner::new();
    let policy = learner.run(&["iam-policy", "--with-fixes"]);
    expect_code(&policy, 0);
    let policy = stdout(&policy);
    let template = learner.run(&["instructor", "role-template", "--instructor-account", "999988887777"]);
    expect_code(&template, 0);
    let template = stdout(&template);
    for (action, mutating) in [
        ("sagemaker:ListMlflowTrackingServers", false),
        ("sagemaker:DescribeMlflowTrackingServer", false),
        ("sagemaker:ListTransformJobs", false),
        ("sagemaker:DescribeTransformJob", false),
        ("sagemaker:ListClusters", false),
        ("sagemaker:DescribeCluster", false),
        ("sagemaker:StopMlflowTrackingServer", true),
        ("sagemaker:StopTransformJob", true),
        ("sagemaker:StopTrainingJob", true),
        ("sagemaker:StopProcessingJob", true),
        ("sagemaker:UpdateTrainingJob", true),
        ("sagemaker:DeleteCluster", true),
        ("sagemaker:ListInferenceComponents", false),
        ("elasticfilesystem:DescribeFileSystems", false),
    ] {
        assert!(policy.contains(&format!("\"{action}\"")), "{action} missing:\n{policy}");
        // The instructor's role reads, never changes.
        assert_eq!(
            template.contains(action),
            !mutating,
            "{action} in the role template:\n{template}"
        );
    }
    // Deleting a cluster is a fix, never in the read-only statement.
    let read_only = stdout(&learner.run(&["iam-policy"]));
    assert!(!read_only.contains("sagemaker:DeleteCluster"), "{read_only}");
}
