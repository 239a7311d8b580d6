//! How failures are reported: one diagnosis per cause, in the learner's
//! language, said once; the SDK's own text only under `-v`.

use std::process::{Command, Output, Stdio};

use crate::emulator::*;
use crate::live::{Seed, by_id, json, status};
use crate::util::*;

/// Type names from the SDK and Rust's debug output that a learner must not
/// see without `-v`.
const SDK_WORDS: [&str; 8] = [
    "DispatchFailure",
    "ConnectorError",
    "hyper",
    "CredentialsNotLoaded",
    "Error {",
    "source:",
    "os error",
    "…",
];

fn both(output: &Output) -> String {
    format!("{}{}", stdout(output), stderr(output))
}

#[track_caller]
fn no_sdk_text(output: &Output) {
    let said = both(output);
    for word in SDK_WORDS {
        assert!(!said.contains(word), "{word:?} shown without -v:\n{said}");
    }
}

/// A command pointed at a port nothing listens on.
fn closed_port(learner: &Learner, args: &[&str]) -> (Command, String) {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://127.0.0.1:{}", closed.local_addr().unwrap().port());
    drop(closed);
    let mut cmd = learner.command(args);
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", REGION)
        .env("AWS_ENDPOINT_URL", &url)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
        .stdin(Stdio::null());
    (cmd, url)
}

#[test]
fn an_unreachable_endpoint_is_one_sentence_and_exit_2_for_check_and_audit() {
    let learner = Learner::new();
    for args in [
        &["module5", "check"][..],
        &["module5", "check", "--format", "json"][..],
        &["module5", "audit"][..],
        &["module5", "audit", "--format", "json"][..],
        &["module5", "audit", "--regions", "eu-central-1,us-east-1"][..],
    ] {
        let (mut cmd, url) = closed_port(&learner, args);
        let output = cmd.output().unwrap();
        expect_code(&output, 2);
        assert_eq!(stdout(&output), "", "{args:?}: no report when nothing could be read");
        let err = stderr(&output);
        assert_eq!(
            err.trim_end(),
            format!(
                "error: cannot reach AWS at {url}: connection refused. Check your connection, proxy and \
                 AWS_ENDPOINT_URL, then run it again."
            ),
            "{args:?}"
        );
        no_sdk_text(&output);
    }
    // In Portuguese, and with the SDK's whole text under -v (on stderr).
    let (mut cmd, url) = closed_port(&learner, &["--lang", "pt", "module5", "check"]);
    let output = cmd.output().unwrap();
    expect_code(&output, 2);
    assert!(
        stderr(&output).starts_with(&format!(
            "erro: não foi possível alcançar a AWS em {url}: conexão recusada."
        )),
        "{}",
        stderr(&output)
    );
    let (mut cmd, _) = closed_port(&learner, &["module5", "check", "-v"]);
    let output = cmd.output().unwrap();
    expect_code(&output, 2);
    assert!(stderr(&output).contains("DispatchFailure"), "-v shows the SDK's text");
    assert!(stdout(&output).is_empty());
}

#[test]
fn rejected_credentials_are_named_as_such_never_as_denied_and_said_once() {
    let emulator = Emulator::with(Options {
        faults: vec![
            "ListApps=UnrecognizedClientException:400".into(),
            "ListNotebookInstances=InvalidSignatureException:403".into(),
            "DescribeBudgets=InvalidClientTokenId:403".into(),
        ],
        ..Options::default()
    });
    let learner = Learner::new();
    let output = emulator.run(&learner, &["module5", "check", "--format", "json"]);
    expect_code(&output, 1);
    let report = json(&output);
    for (id, code) in [
        ("studio-apps", "UnrecognizedClientException"),
        ("notebook-instances", "InvalidSignatureException"),
        ("budget", "InvalidClientTokenId"),
    ] {
        let check = by_id(&report, id);
        let summary = check["summary"].as_str().unwrap();
        assert_eq!(check["status"], "error");
        assert!(
            summary.contains("AWS rejected the credentials") && summary.contains(code),
            "{id}: {summary}"
        );
        assert!(!summary.contains("denied"), "{id}: {summary}");
        assert!(
            !check["remediation"]["steps"][0]
                .as_str()
                .unwrap()
                .contains("administrator"),
            "{id}: a key problem is not the administrator's: {check}"
        );
    }
    assert_eq!(status(&report, "identity"), "pass");

    // The text report names the cause once, with every call it kept from
    // being read and each code AWS gave.
    let output = emulator.run(&learner, &["module5", "check"]);
    expect_code(&output, 1);
    let text = stdout(&output);
    assert_eq!(text.matches("rejected the credentials").count(), 1, "{text}");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(
            "? Could not read sagemaker:ListApps, sagemaker:ListNotebookInstances, budgets:ViewBudget: AWS rejected \
             the credentials (UnrecognizedClientException, InvalidSignatureException, InvalidClientTokenId). Check \
             the access key"
        ),
        "{text}"
    );
    no_sdk_text(&output);
    // audit: one sentence too.
    let output = emulator.run(&learner, &["module5", "audit"]);
    expect_code(&output, 1);
    let text = stdout(&output);
    assert_eq!(text.matches("rejected the credentials").count(), 1, "{text}");
    assert_eq!(text.matches("? ").count(), 1, "{text}");
    no_sdk_text(&output);
}

#[test]
fn credentials_rejected_or_expired_everywhere_stop_the_command_once() {
    for (code, said) in [
        (
            "UnrecognizedClientException",
            "error: AWS rejected the credentials (UnrecognizedClientException): no call to AWS worked. Check the access key",
        ),
        (
            "ExpiredTokenException",
            "error: the credentials have expired (ExpiredTokenException): no call to AWS worked. Sign in again",
        ),
    ] {
        let emulator = Emulator::with(Options {
            region_faults: vec![format!("{REGION}={code}")],
            ..Options::default()
        });
        let learner = Learner::new();
        for args in [&["module5", "check"][..], &["module5", "audit"][..]] {
            let output = emulator.run(&learner, args);
            expect_code(&output, 2);
            assert!(
                stderr(&output).starts_with(said),
                "{code} {args:?}: {}",
                stderr(&output)
            );
            assert_eq!(stderr(&output).lines().count(), 1, "{}", stderr(&output));
            assert!(stdout(&output).is_empty(), "{}", stdout(&output));
        }
    }
}

#[test]
fn one_denied_call_among_many_is_named_once_with_its_action() {
    let emulator = Emulator::with(Options {
        faults: vec!["ListApps=AccessDeniedException:400".into()],
        ..Options::default()
    });
    let seed = Seed::new(&emulator);
    seed.notebook("forgotten", "ml.t3.medium", 3600);
    let learner = Learner::new();
    let output = emulator.run(&learner, &["module5", "check"]);
    expect_code(&output, 1);
    let text = stdout(&output);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(flat.matches("access denied").count(), 1, "{text}");
    assert!(
        flat.contains(
            "? Could not read sagemaker:ListApps: access denied (AccessDeniedException). Ask the account's \
             administrator to allow sagemaker:ListApps; `sm-course iam-policy` prints the whole read-only policy."
        ),
        "{text}"
    );
    assert!(
        flat.contains("not evaluated: sagemaker:ListApps could not be read"),
        "{text}"
    );
    // The rest was read: the notebook is reported with its cost.
    assert!(flat.contains("forgotten"), "{text}");
    let output = emulator.run(&learner, &["module5", "audit"]);
    expect_code(&output, 1);
    let flat = stdout(&output).split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(flat.matches("access denied").count(), 1, "{flat}");
    assert!(
        flat.contains("sagemaker:ListApps") && flat.contains("forgotten"),
        "{flat}"
    );
    no_sdk_text(&output);
}

#[test]
fn the_wizards_live_step_says_a_cause_of_every_call_once() {
    // Every request is refused as a key AWS does not know.
    let emulator = Emulator::with(Options {
        region_faults: vec![format!("{REGION}=UnrecognizedClientException")],
        ..Options::default()
    });
    let learner = Learner::new();
    let mut tty = crate::wizard::section_5_live_check(&learner, &emulator);
    let shown = tty.shown_before("Check again (after fixing something, say)?");
    assert_eq!(shown.matches("rejected the credentials").count(), 1, "{shown}");
    assert!(
        shown.contains(
            "Could not check the account: AWS rejected the credentials (UnrecognizedClientException): no call to AWS worked."
        ),
        "{shown}"
    );
    // ("Reading your AWS account…" is the spinner's own ellipsis.)
    for word in SDK_WORDS.iter().filter(|w| **w != "…") {
        assert!(!shown.contains(word), "{word:?} on screen: {shown}");
    }
    assert!(!shown.contains("denied"), "{shown}");
    tty.send("\x1b");
    tty.expect("Progress saved in");
    assert_eq!(tty.exit_code(), 0);
}
