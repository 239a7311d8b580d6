//! The wizard driven in a real pseudo-terminal: keys in, screen text out.

use std::process::Command;
use std::time::Duration;

use expectrl::{Regex, Session, WaitStatus};
use sm_course::course::Course;
use sm_course::i18n::Lang;

use crate::util::*;

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const CTRL_C: &str = "\x03";

pub(crate) struct Tty {
    pub(crate) session: Session,
}

impl Tty {
    fn start(learner: &Learner, lang: &str) -> Tty {
        Tty::start_with(learner, lang, |_| {})
    }

    fn start_with(learner: &Learner, lang: &str, configure: impl FnOnce(&mut Command)) -> Tty {
        let mut cmd = Command::new(BIN);
        cmd.args(["module5", "--lang", lang])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("SM_COURSE_HOME", learner.home())
            .env("TERM", "xterm-256color")
            .env("NO_COLOR", "1");
        configure(&mut cmd);
        let mut session = Session::spawn(cmd).expect("spawn in a pty");
        // Wide, so no prompt or option is wrapped and each is found by its text.
        session.get_process_mut().set_window_size(250, 40).unwrap();
        session.set_expect_timeout(Some(Duration::from_secs(15)));
        Tty { session }
    }

    #[track_caller]
    pub(crate) fn expect(&mut self, text: &str) {
        if let Err(e) = self.session.expect(text) {
            panic!("waiting for {text:?}: {e}");
        }
    }

    pub(crate) fn send(&mut self, keys: &str) {
        self.session.send(keys).unwrap();
    }

    /// Chooses option `index` (0-based) of the prompt on screen.
    pub(crate) fn choose(&mut self, index: usize) {
        for _ in 0..index {
            self.send(DOWN);
        }
        self.send(ENTER);
    }

    /// Waits for a quiz question (`[k/of] …`, its options shuffled), finds
    /// the right option by its text on screen and chooses it, or the first
    /// other option when `right` is false. Returns the question's id.
    #[track_caller]
    fn answer(&mut self, course: &Course, lang: Lang, right: bool) -> String {
        let found = match self.session.expect(Regex(r"(?s)\[\d+/\d+\] .*?(to move|para mover)")) {
            Ok(found) => found,
            Err(e) => panic!("waiting for a question: {e}"),
        };
        let screen = String::from_utf8_lossy(found.as_bytes()).into_owned();
        let question = course
            .questions
            .iter()
            .find(|q| screen.contains(&q.text(lang).prompt))
            .unwrap_or_else(|| panic!("no known question on screen: {screen}"));
        let text = question.text(lang);
        // The options in the order shown: by where each appears on screen.
        let mut shown: Vec<(usize, usize)> = text
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let at = screen
                    .find(o.as_str())
                    .unwrap_or_else(|| panic!("option {o:?} not on screen: {screen}"));
                (at, i)
            })
            .collect();
        shown.sort();
        let position = shown
            .iter()
            .position(|&(_, i)| (i + 1 == question.answer) == right)
            .unwrap();
        self.choose(position);
        question.id.clone()
    }

    pub(crate) fn exit_code(self) -> i32 {
        match self.session.get_process().wait().unwrap() {
            WaitStatus::Exited(_, code) => code,
            other => panic!("the wizard did not exit normally: {other:?}"),
        }
    }
}

fn saved(learner: &Learner) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(learner.progress_path()).unwrap()).unwrap()
}

#[test]
fn a_learner_answers_leaves_with_esc_and_resumes_where_they_stopped() {
    let course = Course::load(None, Lang::En, &sm_course::checks::known()).unwrap();
    let learner = Learner::new();

    // First session: objectives, section 1, the first question, then Esc.
    let mut tty = Tty::start(&learner, "en");
    tty.expect("By the end of this module you will be able to:");
    tty.expect(&format!("Estimated time: {} minutes.", course.duration_minutes));
    tty.expect("Section 1/10");
    tty.expect("1. Core concepts");
    tty.expect("Ready for this section's quiz?");
    tty.send(ENTER);
    let first = tty.answer(&course, Lang::En, true);
    tty.expect("Correct!");
    tty.expect("[2/3]");
    tty.send(ESC);
    tty.expect("Progress saved in");
    assert_eq!(tty.exit_code(), 0);
    let progress = saved(&learner);
    let module = &progress["modules"]["module5"];
    assert_eq!(progress["version"], 2);
    assert_eq!(module["answers"].as_object().unwrap().len(), 1);
    assert_eq!(module["answers"][&first]["correct"], true);
    assert_eq!(module["current_section"], "concepts");
    let drawn = module["quiz_rounds"]["concepts"]["questions"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(drawn.len(), 3);

    // Second session: resume, asked only the rest of the attempt, the last
    // one wrong twice (the hint between the tries); the quiz still passes
    // (2 of 3); then Ctrl-C in section 2.
    let mut tty = Tty::start(&learner, "en");
    tty.expect("Welcome back");
    tty.expect("Resume where I stopped (section 1: Core concepts)");
    tty.choose(0);
    tty.expect("Ready for this section's quiz?");
    tty.send(ENTER);
    tty.answer(&course, Lang::En, true);
    tty.expect("Correct!");
    tty.answer(&course, Lang::En, false);
    tty.expect("Not yet. Hint:");
    tty.answer(&course, Lang::En, false);
    tty.expect("Not quite. The right answer is:");
    tty.expect("Quiz passed: 2 of 3 correct.");
    tty.expect("2. Instance families");
    tty.expect("Ready for this section's quiz?");
    tty.send(CTRL_C);
    tty.expect("Progress saved in");
    assert_eq!(tty.exit_code(), 0);
    let progress = saved(&learner);
    let module = &progress["modules"]["module5"];
    assert_eq!(module["answers"].as_object().unwrap().len(), 3);
    for id in &drawn {
        assert!(
            module["answers"][id.as_str().unwrap()].is_object(),
            "the drawn three were asked"
        );
    }
    assert_eq!(
        module["answers"][&first]["attempts"], 1,
        "answered once, not asked again"
    );
    assert!(module["sections_done"]["concepts"].is_string());
    assert_eq!(module["current_section"], "families");
}

#[test]
fn the_wizard_speaks_portuguese_and_a_started_over_course_begins_afresh() {
    let learner = Learner::new();
    learner.with_progress("progress-two-ticks.json");
    let mut tty = Tty::start(&learner, "pt");
    tty.expect("Bem-vindo de volta!");
    tty.expect("Continuar de onde parei (seção 3: Guia de seleção de instância)");
    tty.choose(2);
    tty.expect("Recomeçar apaga suas respostas");
    tty.choose(1);
    tty.expect("Ao final deste módulo, você será capaz de:");
    tty.expect("1. Conceitos fundamentais");
    tty.expect("Pronto para o quiz desta seção?");
    tty.send(ESC);
    tty.expect("Progresso salvo em");
    assert_eq!(tty.exit_code(), 0);
    let module = &saved(&learner)["modules"]["module5"];
    assert!(
        module["checklist"].as_object().unwrap().is_empty(),
        "the ticks were erased"
    );
    assert_eq!(module["current_section"], "concepts");
}

/// A learner who stopped at section 5 in an earlier session resumes, passes
/// its quiz and asks for the live check against `emulator`.
pub(crate) fn section_5_live_check(learner: &Learner, emulator: &crate::emulator::Emulator) -> Tty {
    let course = Course::load(None, Lang::En, &sm_course::checks::known()).unwrap();
    std::fs::create_dir_all(learner.home()).unwrap();
    std::fs::write(
        learner.progress_path(),
        r#"{"version": 1, "modules": {"module5": {"current_section": "start-stop"}}}"#,
    )
    .unwrap();
    let mut tty = Tty::start_with(learner, "en", |cmd| emulator.configure(cmd));
    tty.expect("Resume where I stopped (section 5: Starting and stopping instances)");
    tty.choose(0);
    tty.expect("Ready for this section's quiz?");
    tty.send(ENTER);
    for _ in 0..3 {
        tty.answer(&course, Lang::En, true);
        tty.expect("Correct!");
    }
    tty.expect("Quiz passed: 3 of 3 correct.");
    // Skip both hands-on tasks.
    tty.expect("Hands-on task: Start a notebook on an instance you choose");
    tty.expect("Do the steps above on your AWS account, then come back.");
    tty.choose(1);
    tty.expect("Hands-on task: Stop what you started");
    tty.expect("Do the steps above on your AWS account, then come back.");
    tty.choose(1);
    tty.expect("Check your AWS account for what this section teaches?");
    tty.choose(0);
    tty
}

#[test]
fn section_5_rechecks_the_account_until_the_learner_starts_then_stops_a_notebook() {
    let emulator = crate::emulator::Emulator::start();
    let seed = crate::live::Seed::new(&emulator);
    let domain = seed.domain("course", None);
    seed.profile(&domain, "ana");
    seed.space(&domain, "lab", "ana");
    let course = Course::load(None, Lang::En, &sm_course::checks::known()).unwrap();
    let learner = Learner::new();
    std::fs::create_dir_all(learner.home()).unwrap();
    let began = humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string();
    std::fs::write(
        learner.progress_path(),
        format!(r#"{{"version": 2, "modules": {{"module5": {{"started_at": "{began}", "current_section": "start-stop"}}}}}}"#),
    )
    .unwrap();
    let mut tty = Tty::start_with(&learner, "en", |cmd| {
        emulator.configure(cmd);
        cmd.env("SM_COURSE_TASK_INTERVAL_MS", "300");
    });
    tty.expect("Resume where I stopped (section 5: Starting and stopping instances)");
    tty.choose(0);
    tty.expect("Ready for this section's quiz?");
    tty.send(ENTER);
    for _ in 0..3 {
        tty.answer(&course, Lang::En, true);
        tty.expect("Correct!");
    }
    tty.expect("Hands-on task: Start a notebook on an instance you choose");
    tty.expect("Do the steps above on your AWS account, then come back.");
    tty.choose(0);
    tty.expect("No notebook started since you began the module");
    // The learner starts a space while the wizard keeps checking.
    seed.app(
        &domain,
        "space:lab",
        aws_sdk_sagemaker::types::AppType::JupyterLab,
        "default",
        "ml.t3.medium",
        60,
    );
    tty.expect("Started: JupyterLab “lab/default” on ml.t3.medium");
    tty.expect("Checklist ticked: I can start a notebook on a specific instance");
    tty.expect("Hands-on task: Stop what you started");
    tty.expect("Do the steps above on your AWS account, then come back.");
    tty.choose(0);
    tty.expect("still running and billing: JupyterLab app d-course/lab/default");
    aws_sdk_sagemaker_delete(&seed, &domain);
    tty.expect("Stopped: JupyterLab “lab/default” (ml.t3.medium)");
    tty.expect("Checklist ticked: I can stop instances I am not using");
    tty.expect("Check your AWS account for what this section teaches?");
    tty.choose(2);
    tty.expect("6. Monitoring resources");
    tty.send(ESC);
    tty.expect("Progress saved in");
    assert_eq!(tty.exit_code(), 0);
    let checklist = &saved(&learner)["modules"]["module5"]["checklist"];
    assert_eq!(checklist["start-notebook"]["evidence"]["kind"], "task", "{checklist}");
    assert_eq!(checklist["stop-instances"]["evidence"]["kind"], "task", "{checklist}");
}

/// Deletes the space's app, as Stop space in the console does.
fn aws_sdk_sagemaker_delete(seed: &crate::live::Seed, domain: &str) {
    crate::emulator::block_on(
        seed.sm
            .delete_app()
            .domain_id(domain)
            .space_name("lab")
            .app_type(aws_sdk_sagemaker::types::AppType::JupyterLab)
            .app_name("default")
            .send(),
    )
    .unwrap();
}

#[test]
fn section_5_checks_the_real_account_and_passing_checks_alone_tick_nothing() {
    let emulator = crate::emulator::Emulator::start();
    let learner = Learner::new();
    let mut tty = section_5_live_check(&learner, &emulator);
    tty.expect("checks of account 123456789012 · eu-central-1");
    tty.expect("PASS  Studio apps stopped");
    tty.expect("PASS  Notebook instances stopped");
    tty.expect("Check again");
    tty.choose(2);
    tty.expect("6. Monitoring resources");
    tty.send(ESC);
    tty.expect("Progress saved in");
    assert_eq!(tty.exit_code(), 0);
    // Nothing was ever started on this account: passing checks prove no stop.
    let tick = &saved(&learner)["modules"]["module5"]["checklist"]["stop-instances"];
    assert!(tick.is_null(), "{tick}");
}

#[test]
fn section_5_offers_to_stop_a_running_app_and_the_recheck_passes() {
    let emulator = crate::emulator::Emulator::start();
    let seed = crate::live::Seed::new(&emulator);
    let domain = seed.domain("course", Some(60));
    seed.profile(&domain, "ana");
    seed.app(
        &domain,
        "ana",
        aws_sdk_sagemaker::types::AppType::KernelGateway,
        "forgotten-kernel",
        "ml.m5.xlarge",
        5400,
    );
    let learner = Learner::new();
    let mut tty = section_5_live_check(&learner, &emulator);
    tty.expect("FAIL  Studio apps stopped");
    tty.expect("Fix something now?");
    tty.choose(0); // stop the running apps
    tty.expect("What should be stopped in account 123456789012 (eu-central-1)?");
    tty.send(ENTER); // everything listed, as preselected
    tty.expect("Stop 1 resource(s) in account 123456789012 (eu-central-1) now?");
    tty.choose(1);
    tty.expect("forgotten-kernel → Deleted");
    tty.expect("Check again");
    tty.choose(0);
    tty.expect("PASS  Studio apps stopped");
    tty.expect("Check again");
    tty.choose(2);
    tty.expect("6. Monitoring resources");
    tty.send(ESC);
    tty.expect("Progress saved in");
    assert_eq!(tty.exit_code(), 0);
    // The app was started long before the module: stopping it now is good,
    // but `verify` proves the item, not the checks.
    let tick = &saved(&learner)["modules"]["module5"]["checklist"]["stop-instances"];
    assert!(tick.is_null(), "{tick}");
    let log = std::fs::read_to_string(learner.home().join("audit.log")).unwrap();
    assert!(
        log.contains("\"call\":\"sagemaker:DeleteApp\"") && log.contains("\"result\":\"ok\""),
        "{log}"
    );
}
