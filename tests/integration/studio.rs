//! Running inside SageMaker Studio or on a notebook instance, against the
//! emulator: a metadata file shaped like SageMaker's names the resource the
//! learner works in (`SM_COURSE_STUDIO_METADATA`); `check` marks it, `audit`
//! puts it first and does not count it, `audit --stop` leaves it running.

use std::process::Output;

use aws_sdk_sagemaker::types as sm;
use serde_json::Value;

use crate::emulator::*;
use crate::live::{Seed, by_id, json};
use crate::util::*;

/// Runs the binary as if inside the resource `metadata` describes.
fn run_in(learner: &Learner, emulator: &Emulator, metadata: &str, args: &[&str]) -> Output {
    let path = learner.dir.path().join("resource-metadata.json");
    std::fs::write(&path, metadata).unwrap();
    let mut cmd = learner.command(args);
    emulator.configure(&mut cmd);
    cmd.env("SM_COURSE_STUDIO_METADATA", &path)
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

fn app_arn(domain: &str, owner: &str, app_type: &str, name: &str) -> String {
    format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:app/{domain}/{owner}/{app_type}/{name}")
}

fn space_metadata(domain: &str, space: &str, app_type: &str) -> String {
    serde_json::json!({
        "AppType": app_type,
        "DomainId": domain,
        "SpaceName": space,
        "UserProfileName": "",
        "ExecutionRoleArn": format!("arn:aws:iam::{ACCOUNT}:role/SageMakerExecution"),
        "ResourceArn": app_arn(domain, space, app_type, "default"),
        "ResourceName": "default",
        "AppImageVersion": "2.0"
    })
    .to_string()
}

fn app_status(seed: &Seed, domain: &str, owner: &str, app_type: sm::AppType, name: &str) -> String {
    let mut call = seed
        .sm
        .describe_app()
        .domain_id(domain)
        .app_type(app_type)
        .app_name(name);
    call = match owner.strip_prefix("space:") {
        Some(space) => call.space_name(space),
        None => call.user_profile_name(owner),
    };
    block_on(call.send()).unwrap().status().unwrap().as_str().to_string()
}

fn notebook_status(seed: &Seed, name: &str) -> String {
    let out = block_on(seed.sm.describe_notebook_instance().notebook_instance_name(name).send()).unwrap();
    out.notebook_instance_status().unwrap().as_str().to_string()
}

/// The resources of a check, as (name, current).
fn marked(report: &Value, id: &str) -> Vec<(String, bool)> {
    by_id(report, id)["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap().to_string(), r["current"] == true))
        .collect()
}

/// A domain with a profile `ana`, a space `lab` of hers, and things the
/// learner forgot: a Studio Classic app, a notebook instance.
fn account(emulator: &Emulator) -> (Seed, String) {
    let seed = Seed::new(emulator);
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    seed.space(&domain, "lab", "ana");
    seed.app(
        &domain,
        "ana",
        sm::AppType::KernelGateway,
        "datascience-1",
        "ml.m5.xlarge",
        9000,
    );
    seed.notebook("forgotten", "ml.t3.medium", 3600);
    (seed, domain)
}

/// `check` marks the current one (JSON and text), `audit` lists it first
/// and `audit --stop --yes` stops the others but not it; afterwards the
/// check warns and the audit exits 0 with a reminder.
fn the_current_one_is_marked_and_kept(
    emulator: &Emulator,
    metadata: &str,
    check_id: &str,
    current: &str,
    still_running: &dyn Fn() -> String,
) {
    let learner = Learner::new();
    let output = run_in(&learner, emulator, metadata, &["module5", "check", "--format", "json"]);
    let report = json(&output);
    let resources = marked(&report, check_id);
    assert_eq!(resources[0], (current.to_string(), true), "{resources:?}");
    assert!(resources[1..].iter().all(|(_, c)| !c), "{resources:?}");
    let text = stdout(&run_in(&learner, emulator, metadata, &["module5", "check"]));
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("← you are working in this one"), "{text}");

    let audit = json(&run_in(
        &learner,
        emulator,
        metadata,
        &["module5", "audit", "--format", "json"],
    ));
    assert_eq!(audit["running"][0]["name"], current, "{audit}");
    assert_eq!(audit["running"][0]["current"], true);

    let dry = run_in(
        &learner,
        emulator,
        metadata,
        &["module5", "audit", "--stop", "--dry-run"],
    );
    expect_code(&dry, 0);
    assert!(stdout(&dry).contains("Kept: "), "{}", stdout(&dry));

    let stopped = run_in(&learner, emulator, metadata, &["module5", "audit", "--stop", "--yes"]);
    expect_code(&stopped, 0);
    let out = stdout(&stopped);
    assert!(out.contains("Kept: ") && out.contains("--include-current"), "{out}");
    assert_eq!(
        still_running(),
        "InService",
        "the learner's own resource is never stopped"
    );

    let after = run_in(&learner, emulator, metadata, &["module5", "audit"]);
    expect_code(&after, 0);
    assert!(
        stdout(&after).contains("Only the resource you are working in"),
        "{}",
        stdout(&after)
    );
    let report = json(&run_in(
        &learner,
        emulator,
        metadata,
        &["module5", "check", "--format", "json"],
    ));
    assert_eq!(
        by_id(&report, check_id)["status"],
        "warn",
        "{}",
        by_id(&report, check_id)
    );
}

/// In a JupyterLab or a Code Editor space: the app hosting the terminal is
/// marked and kept, the others are stopped.
#[test]
fn in_a_jupyterlab_or_code_editor_space_the_app_hosting_the_terminal_is_kept() {
    for (app_type, name) in [
        (sm::AppType::JupyterLab, "JupyterLab"),
        (sm::AppType::CodeEditor, "CodeEditor"),
    ] {
        let emulator = Emulator::start();
        let (seed, domain) = account(&emulator);
        seed.app(&domain, "space:lab", app_type.clone(), "default", "ml.t3.medium", 600);
        let metadata = space_metadata(&domain, "lab", name);
        the_current_one_is_marked_and_kept(&emulator, &metadata, "studio-apps", "default", &|| {
            app_status(&seed, &domain, "space:lab", app_type.clone(), "default")
        });
        assert_eq!(
            app_status(&seed, &domain, "ana", sm::AppType::KernelGateway, "datascience-1"),
            "Deleted",
            "{name}"
        );
        assert_eq!(notebook_status(&seed, "forgotten"), "Stopped", "{name}");
    }
}

#[test]
fn in_a_studio_classic_kernel_gateway_app_it_is_kept() {
    let emulator = Emulator::start();
    let (seed, domain) = account(&emulator);
    let name = "datascience-1-0-ml-t3-medium-1abf";
    seed.app(&domain, "ana", sm::AppType::KernelGateway, name, "ml.t3.medium", 600);
    let metadata = serde_json::json!({
        "AppType": "KernelGateway",
        "DomainId": domain,
        "UserProfileName": "ana",
        "ResourceArn": app_arn(&domain, "ana", "KernelGateway", name),
        "ResourceName": name,
    })
    .to_string();
    the_current_one_is_marked_and_kept(&emulator, &metadata, "studio-apps", name, &|| {
        app_status(&seed, &domain, "ana", sm::AppType::KernelGateway, name)
    });
    assert_eq!(
        app_status(&seed, &domain, "ana", sm::AppType::KernelGateway, "datascience-1"),
        "Deleted"
    );
}

#[test]
fn on_a_notebook_instance_it_is_kept() {
    let emulator = Emulator::start();
    let (seed, domain) = account(&emulator);
    seed.notebook("my-notebook", "ml.t3.medium", 600);
    let metadata = serde_json::json!({
        "ResourceArn": format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/my-notebook"),
        "ResourceName": "my-notebook",
    })
    .to_string();
    the_current_one_is_marked_and_kept(&emulator, &metadata, "notebook-instances", "my-notebook", &|| {
        notebook_status(&seed, "my-notebook")
    });
    assert_eq!(notebook_status(&seed, "forgotten"), "Stopped");
    assert_eq!(
        app_status(&seed, &domain, "ana", sm::AppType::KernelGateway, "datascience-1"),
        "Deleted"
    );
}

#[test]
fn include_current_stops_it_too_and_last() {
    let emulator = Emulator::start();
    let (seed, domain) = account(&emulator);
    seed.app(
        &domain,
        "space:lab",
        sm::AppType::JupyterLab,
        "default",
        "ml.t3.medium",
        600,
    );
    let metadata = space_metadata(&domain, "lab", "JupyterLab");
    let learner = Learner::new();
    let dry = run_in(
        &learner,
        &emulator,
        &metadata,
        &["module5", "audit", "--stop", "--dry-run", "--include-current"],
    );
    let out = stdout(&dry);
    let last = out.rfind("DeleteApp").unwrap();
    assert!(
        out.contains("last, as you are working in it") && out[last..].contains("SpaceName=lab"),
        "{out}"
    );
    let output = run_in(
        &learner,
        &emulator,
        &metadata,
        &["module5", "audit", "--stop", "--yes", "--include-current"],
    );
    expect_code(&output, 0);
    assert_eq!(
        app_status(&seed, &domain, "space:lab", sm::AppType::JupyterLab, "default"),
        "Deleted"
    );
    let log: Vec<Value> = std::fs::read_to_string(learner.home().join("audit.log"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(
        log[2]["target"].as_str().unwrap().contains("JupyterLab app"),
        "the learner's own app is stopped last: {log:?}"
    );
}

#[test]
fn an_odd_metadata_file_is_ignored_with_a_note_under_verbose() {
    let emulator = Emulator::start();
    account(&emulator);
    let learner = Learner::new();
    let output = run_in(&learner, &emulator, "{not json", &["-v", "module5", "audit"]);
    expect_code(&output, 1);
    assert!(
        stderr(&output).contains("the current resource is not known"),
        "{}",
        stderr(&output)
    );
    let quiet = run_in(&learner, &emulator, "{not json", &["module5", "audit"]);
    assert!(!stderr(&quiet).contains("not known"));
}

/// A Studio lifecycle configuration attached to the domain's JupyterLab apps.
fn attach_script(seed: &Seed, domain: &str, name: &str, script: &str) {
    use base64::Engine;
    let arn = block_on(
        seed.sm
            .create_studio_lifecycle_config()
            .studio_lifecycle_config_name(name)
            .studio_lifecycle_config_content(base64::engine::general_purpose::STANDARD.encode(script))
            .studio_lifecycle_config_app_type(sm::StudioLifecycleConfigAppType::JupyterLab)
            .send(),
    )
    .unwrap()
    .studio_lifecycle_config_arn()
    .unwrap()
    .to_string();
    block_on(
        seed.sm
            .update_domain()
            .domain_id(domain)
            .default_user_settings(
                sm::UserSettings::builder()
                    .jupyter_lab_app_settings(sm::JupyterLabAppSettings::builder().lifecycle_config_arns(arn).build())
                    .build(),
            )
            .send(),
    )
    .unwrap();
}

/// A domain where Ana's space `lab` runs the JupyterLab app `default` on an
/// ml.t3.medium (for ten minutes); its id.
fn ana_in_lab(seed: &Seed) -> String {
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    seed.space(&domain, "lab", "ana");
    seed.app(
        &domain,
        "space:lab",
        sm::AppType::JupyterLab,
        "default",
        "ml.t3.medium",
        600,
    );
    domain
}

#[test]
fn an_auto_stop_script_is_read_with_its_idle_time_or_says_it_states_none() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = ana_in_lab(&seed);
    attach_script(
        &seed,
        &domain,
        "auto-stop",
        "#!/bin/bash\nIDLE_TIME_IN_SECONDS=2700\nPYTHON_PACKAGE=sagemaker_studio_jlab_auto_stop_idle-0.2.0.tar.gz\n\
         echo \"*/2 * * * * python auto_stop_idle.py --idle-time $IDLE_TIME_IN_SECONDS\" | sudo crontab -\n",
    );
    let learner = Learner::new();
    let metadata = space_metadata(&domain, "lab", "JupyterLab");
    let report = json(&run_in(
        &learner,
        &emulator,
        &metadata,
        &["module5", "check", "--format", "json"],
    ));
    let idle = by_id(&report, "idle-shutdown");
    assert_eq!(idle["status"], "pass", "{idle}");
    assert!(idle["summary"].as_str().unwrap().contains("up to 45 min"), "{idle}");
    let apps = by_id(&report, "studio-apps");
    assert_eq!(apps["status"], "warn", "{apps}");
    let summary = apps["summary"].as_str().unwrap();
    assert!(
        summary.contains("Idle shutdown will stop it") && summary.contains("after 45 min"),
        "{summary}"
    );

    attach_script(
        &seed,
        &domain,
        "auto-stop-untimed",
        "#!/bin/bash\npip install sagemaker_studio_jlab_auto_stop_idle\npython auto_stop_idle.py --idle-time $FROM_ELSEWHERE\n",
    );
    let report = json(&run_in(
        &learner,
        &emulator,
        &metadata,
        &["module5", "check", "--format", "json"],
    ));
    let idle = by_id(&report, "idle-shutdown");
    let summary = idle["summary"].as_str().unwrap();
    assert!(
        summary.contains("time not stated") && !summary.contains("0 min"),
        "{idle}"
    );
}

#[test]
fn a_space_apps_idle_shutdown_is_read_from_describe_space() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = seed.domain("course", Some(120));
    seed.profile(&domain, "ana");
    block_on(
        seed.sm
            .create_space()
            .domain_id(&domain)
            .space_name("lab")
            .ownership_settings(sm::OwnershipSettings::builder().owner_user_profile_name("ana").build())
            .space_settings(
                sm::SpaceSettings::builder()
                    .app_type(sm::AppType::JupyterLab)
                    .jupyter_lab_app_settings(
                        sm::SpaceJupyterLabAppSettings::builder()
                            .app_lifecycle_management(
                                sm::SpaceAppLifecycleManagement::builder()
                                    .idle_settings(sm::SpaceIdleSettings::builder().idle_timeout_in_minutes(30).build())
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .send(),
    )
    .unwrap();
    seed.app(
        &domain,
        "space:lab",
        sm::AppType::JupyterLab,
        "default",
        "ml.t3.medium",
        600,
    );
    let learner = Learner::new();
    let metadata = space_metadata(&domain, "lab", "JupyterLab");
    let report = json(&run_in(
        &learner,
        &emulator,
        &metadata,
        &["module5", "check", "--format", "json"],
    ));
    let apps = by_id(&report, "studio-apps");
    assert_eq!(apps["status"], "warn", "{apps}");
    assert!(
        apps["summary"]
            .as_str()
            .unwrap()
            .contains("the space lab's own idle timeout: JupyterLab after 30 min"),
        "{apps}"
    );
    let idle = by_id(&report, "idle-shutdown");
    let evidence = idle["evidence"].as_array().unwrap();
    assert!(
        evidence
            .iter()
            .any(|f| f["key"] == "current_app" && f["value"].as_str().unwrap().contains("30 min")),
        "{idle}"
    );
}

/// A notebook instance started with a lifecycle configuration whose
/// `OnStart` is `script`.
fn notebook_with_script(seed: &Seed, name: &str, config: &str, script: &str) {
    use base64::Engine;
    block_on(
        seed.sm
            .create_notebook_instance_lifecycle_config()
            .notebook_instance_lifecycle_config_name(config)
            .on_start(
                sm::NotebookInstanceLifecycleHook::builder()
                    .content(base64::engine::general_purpose::STANDARD.encode(script))
                    .build(),
            )
            .send(),
    )
    .unwrap();
    block_on(
        seed.sm
            .create_notebook_instance()
            .notebook_instance_name(name)
            .instance_type(sm::InstanceType::MlT3Medium)
            .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/SageMakerExecution"))
            .lifecycle_config_name(config)
            .send(),
    )
    .unwrap();
}

#[test]
fn a_notebook_instance_with_the_autostop_sample_warns_with_its_idle_minutes() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    notebook_with_script(
        &seed,
        "stops-itself",
        "auto-stop-idle",
        "#!/bin/bash\nIDLE_TIME=2700\nwget https://raw.githubusercontent.com/aws-samples/amazon-sagemaker-notebook-instance-lifecycle-config-samples/master/scripts/auto-stop-idle/autostop.py\n\
         (crontab -l 2>/dev/null; echo \"*/5 * * * * /usr/bin/python $PWD/autostop.py --time $IDLE_TIME --ignore-connections\") | crontab -\n",
    );
    let learner = Learner::new();
    let output = emulator.run(&learner, &["module5", "check", "--format", "json"]);
    let report = json(&output);
    let notebooks = by_id(&report, "notebook-instances");
    assert_eq!(notebooks["status"], "warn", "{notebooks}");
    assert!(
        notebooks["summary"]
            .as_str()
            .unwrap()
            .contains("autostop.py), after 45 min"),
        "{notebooks}"
    );
    // One without it fails again.
    notebook_with_script(&seed, "no-stop", "hello", "#!/bin/bash\necho hello\n");
    let report = json(&emulator.run(&learner, &["module5", "check", "--format", "json"]));
    assert_eq!(by_id(&report, "notebook-instances")["status"], "fail");
}

#[test]
fn the_region_comes_from_the_resource_arn_when_none_is_set() {
    let emulator = Emulator::start();
    let learner = Learner::new();
    let metadata = space_metadata("d-course", "lab", "JupyterLab");
    let path = learner.dir.path().join("resource-metadata.json");
    std::fs::write(&path, metadata).unwrap();
    let mut cmd = learner.command(&["module5", "check", "--format", "json", "--only", "region"]);
    emulator.configure(&mut cmd);
    cmd.env_remove("AWS_REGION").env("SM_COURSE_STUDIO_METADATA", &path);
    let report = json(&cmd.output().unwrap());
    assert_eq!(report["region"], REGION, "{report}");
    assert_eq!(by_id(&report, "region")["status"], "pass");
    // Without the metadata there is no region at all.
    let mut cmd = learner.command(&["module5", "check", "--format", "json", "--only", "region"]);
    emulator.configure(&mut cmd);
    cmd.env_remove("AWS_REGION");
    let report = json(&cmd.output().unwrap());
    assert_eq!(by_id(&report, "region")["status"], "fail", "{report}");
}

#[test]
fn fix_idle_shutdown_defaults_to_the_domain_and_user_profile_the_learner_works_in() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    seed.domain("other", None);
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    let learner = Learner::new();
    let name = "datascience-1-0-ml-t3-medium-1abf";
    let metadata = serde_json::json!({
        "AppType": "KernelGateway",
        "DomainId": domain,
        "UserProfileName": "ana",
        "ResourceArn": app_arn(&domain, "ana", "KernelGateway", name),
        "ResourceName": name,
    })
    .to_string();
    // Two domains: outside Studio the domain must be named.
    let outside = emulator.run(&learner, &["module5", "fix", "idle-shutdown", "--yes"]);
    expect_code(&outside, 2);
    let output = run_in(
        &learner,
        &emulator,
        &metadata,
        &["module5", "fix", "idle-shutdown", "--scope", "user-profile", "--yes"],
    );
    expect_code(&output, 0);
    assert!(
        stdout(&output).contains("After (user profile d-course/ana): JupyterLab: on, 60 min"),
        "{}",
        stdout(&output)
    );
    let output = run_in(
        &learner,
        &emulator,
        &metadata,
        &["module5", "fix", "idle-shutdown", "--yes"],
    );
    expect_code(&output, 0);
    assert!(
        stdout(&output).contains("After (domain d-course)"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn the_wizard_says_at_its_start_that_it_runs_in_studio_in_which_domain_and_space() {
    let learner = Learner::new();
    let path = learner.dir.path().join("resource-metadata.json");
    std::fs::write(&path, space_metadata("d-abc", "lab", "JupyterLab")).unwrap();
    for (lang, text) in [
        (
            "en",
            "Running in SageMaker Studio: domain d-abc, space lab, JupyterLab app default",
        ),
        (
            "pt",
            "Rodando no SageMaker Studio: domínio d-abc, espaço lab, app JupyterLab default",
        ),
    ] {
        let mut cmd = learner.tty_command(&["module5", "--lang", lang]);
        cmd.env_remove("LANG").env("SM_COURSE_STUDIO_METADATA", &path);
        let mut tty = Pty::spawn(cmd, 200, std::time::Duration::from_secs(15));
        tty.expect(text);
        tty.send("\x1b");
        assert_eq!(tty.exit_code(), 0, "the wizard");
    }
}

/// Answers every request with temporary credentials, as Studio's container
/// credentials endpoint does; counts the requests.
fn credentials_endpoint() -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/role-credentials", listener.local_addr().unwrap());
    let served = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = served.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buffer = [0u8; 4096];
            let _ = stream.read(&mut buffer);
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let body = serde_json::json!({
                "AccessKeyId": "ASIACONTAINERROLE",
                "SecretAccessKey": "container-secret",
                "Token": "container-session-token",
                "Expiration": "2099-01-01T00:00:00Z",
                "RoleArn": format!("arn:aws:iam::{ACCOUNT}:role/SageMakerExecution"),
            })
            .to_string();
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    (url, served)
}

#[test]
fn inside_studio_credentials_come_from_the_container_endpoint_and_the_checks_run() {
    let emulator = Emulator::start();
    let seed = Seed::new(&emulator);
    let domain = ana_in_lab(&seed);
    let (url, served) = credentials_endpoint();
    let learner = Learner::new();
    let path = learner.dir.path().join("resource-metadata.json");
    std::fs::write(&path, space_metadata(&domain, "lab", "JupyterLab")).unwrap();
    let mut cmd = learner.command(&["module5", "check", "--format", "json"]);
    emulator.configure(&mut cmd);
    // No keys in the environment: the standard chain reaches the container provider.
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &url)
        .env("SM_COURSE_STUDIO_METADATA", &path);
    let output = cmd.output().unwrap();
    let report = json(&output);
    assert_eq!(by_id(&report, "identity")["status"], "pass", "{report}");
    assert_eq!(by_id(&report, "studio-apps")["status"], "warn");
    assert!(served.load(std::sync::atomic::Ordering::SeqCst) >= 1);

    // The same without the endpoint: no credentials, exit 2.
    let mut cmd = learner.command(&["module5", "check"]);
    emulator.configure(&mut cmd);
    cmd.env_remove("AWS_ACCESS_KEY_ID").env_remove("AWS_SECRET_ACCESS_KEY");
    expect_code(&cmd.output().unwrap(), 2);
}

#[test]
fn an_instructor_in_studio_never_lends_their_own_resource_to_a_students_account() {
    let emulator = Emulator::start();
    let student = "100000000002";
    let seed = Seed::in_account(&emulator, student);
    seed.notebook("my-notebook", "ml.t3.medium", 3600);
    let learner = Learner::new();
    let roster = learner.dir.path().join("class.toml");
    std::fs::write(
        &roster,
        format!(
            "[defaults]\nregion = \"{REGION}\"\nrole_name = \"CourseAudit\"\n\n[[student]]\nname = \"Ana\"\naccount_id = \"{student}\"\n"
        ),
    )
    .unwrap();
    // The instructor works on a notebook instance of the same name in their own account.
    let metadata = serde_json::json!({
        "ResourceArn": format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:notebook-instance/my-notebook"),
        "ResourceName": "my-notebook",
    })
    .to_string();
    let output = run_in(
        &learner,
        &emulator,
        &metadata,
        &["instructor", "verify", roster.to_str().unwrap(), "--format", "json"],
    );
    let book = json(&output);
    let checks = book["students"][0]["checks"].as_array().unwrap();
    let notebooks = checks.iter().find(|c| c["id"] == "notebook-instances").unwrap();
    assert_eq!(notebooks["status"], "fail", "{book}");
}

/// `audit --stop --include-current` on a terminal, answering the second
/// question about the learner's own app with `yes_to_current`.
fn stop_on_a_terminal(emulator: &Emulator, learner: &Learner, metadata_path: &std::path::Path, yes_to_current: bool) {
    let mut cmd = learner.tty_command(&["module5", "audit", "--stop", "--include-current", "--wait", "10"]);
    cmd.env("SM_COURSE_STUDIO_METADATA", metadata_path);
    emulator.configure(&mut cmd);
    let mut tty = Pty::spawn(cmd, 200, std::time::Duration::from_secs(20));
    tty.expect("What should be stopped in account");
    // Everything is chosen to begin with.
    tty.send(ENTER);
    tty.expect(
        "is where you are working: stopping it ends this session and unsaved work will be lost. Stop it anyway?",
    );
    if yes_to_current {
        tty.send(DOWN);
    }
    tty.send(ENTER);
    tty.expect("resource(s) in account");
    tty.send(DOWN);
    tty.send(ENTER);
    assert_eq!(tty.exit_code(), 0, "audit --stop");
}

#[test]
fn on_a_terminal_stopping_the_current_app_is_asked_a_second_time() {
    let emulator = Emulator::start();
    let (seed, domain) = account(&emulator);
    seed.app(
        &domain,
        "space:lab",
        sm::AppType::JupyterLab,
        "default",
        "ml.t3.medium",
        600,
    );
    let learner = Learner::new();
    let path = learner.dir.path().join("resource-metadata.json");
    std::fs::write(&path, space_metadata(&domain, "lab", "JupyterLab")).unwrap();
    stop_on_a_terminal(&emulator, &learner, &path, false);
    assert_eq!(
        app_status(&seed, &domain, "space:lab", sm::AppType::JupyterLab, "default"),
        "InService",
        "no to the second question keeps it"
    );
    assert_eq!(
        app_status(&seed, &domain, "ana", sm::AppType::KernelGateway, "datascience-1"),
        "Deleted"
    );
    stop_on_a_terminal(&emulator, &learner, &path, true);
    assert_eq!(
        app_status(&seed, &domain, "space:lab", sm::AppType::JupyterLab, "default"),
        "Deleted"
    );
}
