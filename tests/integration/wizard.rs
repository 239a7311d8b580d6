//! The wizard driven in a real pseudo-terminal: keys in, screen text out.

use std::process::Command;
use std::time::Duration;

use expectrl::{Session, WaitStatus};
use sm_course::Course;
use sm_course::Lang;

use crate::screen::Screen;
use crate::util::*;

const DOWN: &str = "\x1b[B";
const ENTER: &str = "\r";
const ESC: &str = "\x1b";
const CTRL_C: &str = "\x03";

/// The pause line's words, in either language.
const PAUSES: [&str; 2] = ["Press Enter to continue", "Enter para continuar"];

/// Text with escape sequences dropped and every run of white space as one
/// space, and for each character kept, the byte just after it in `bytes`:
/// for finding text however it was wrapped, and where it ends.
fn flat_with_ends(bytes: &[u8]) -> (Vec<char>, Vec<usize>) {
    let text = String::from_utf8_lossy(bytes);
    let mut chars = Vec::new();
    let mut ends = Vec::new();
    let mut iter = text.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if c == '\x1b' {
            if iter.peek().is_some_and(|(_, c)| *c == '[') {
                iter.next();
                for (_, c) in iter.by_ref() {
                    if c.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
            continue;
        }
        let end = i + c.len_utf8();
        if c.is_whitespace() {
            if chars.last().is_some_and(|l: &char| *l != ' ') {
                chars.push(' ');
                ends.push(end);
            }
        } else {
            chars.push(c);
            ends.push(end);
        }
    }
    (chars, ends)
}

/// Screen text with escape sequences dropped and every run of white space
/// as one space, for finding text however it was wrapped.
fn flat(bytes: &[u8]) -> String {
    flat_with_ends(bytes)
        .0
        .into_iter()
        .collect::<String>()
        .trim()
        .to_string()
}

/// Where `needle` (flattened) first ends in `haystack`, as a char index.
fn find_end(haystack: &[char], needle: &str) -> Option<usize> {
    let needle: Vec<char> = flat(needle.as_bytes()).chars().collect();
    if needle.is_empty() {
        return None;
    }
    haystack
        .windows(needle.len())
        .position(|w| w == needle.as_slice())
        .map(|at| at + needle.len())
}

pub(crate) struct Tty {
    session: Session,
    /// Everything the wizard showed, played back at the window's size.
    screen: Screen,
    /// Read from the wizard, not yet looked at by the test.
    pending: Vec<u8>,
    /// The wizard waits at a pause line already read past.
    paused: bool,
    /// Esc or Ctrl-C was sent: the next prompt or pause takes it, so no
    /// pause is pressed past any more.
    leaving: bool,
    /// What the last wait read before what it found.
    before: Vec<u8>,
}

impl Tty {
    fn start(learner: &Learner, lang: &str) -> Tty {
        Tty::start_with(learner, lang, |_| {})
    }

    fn start_with(learner: &Learner, lang: &str, configure: impl FnOnce(&mut Command)) -> Tty {
        // Wide, so hardly any prompt or option is wrapped.
        Tty::start_sized(learner, lang, 250, 40, configure)
    }

    /// The wizard in a `cols`×`rows` window (set by `stty` before the
    /// program starts, so it never sees another size).
    fn start_sized(learner: &Learner, lang: &str, cols: u16, rows: u16, configure: impl FnOnce(&mut Command)) -> Tty {
        let mut cmd = Command::new("sh");
        cmd.args([
            "-c",
            r#"stty cols "$1" rows "$2" && shift 2 && exec "$@""#,
            "sh",
            &cols.to_string(),
            &rows.to_string(),
            BIN,
            "module5",
            "--lang",
            lang,
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("SM_COURSE_HOME", learner.home())
        .env("TERM", "xterm-256color")
        .env("NO_COLOR", "1");
        configure(&mut cmd);
        let mut session = Session::spawn(cmd).expect("spawn in a pty");
        session.get_process_mut().set_window_size(cols, rows).unwrap();
        Tty {
            session,
            screen: Screen::new(usize::from(cols), usize::from(rows)),
            pending: Vec::new(),
            paused: false,
            leaving: false,
            before: Vec::new(),
        }
    }

    /// Reads what the wizard wrote since; false at its end.
    fn read_more(&mut self) -> bool {
        let mut buf = [0u8; 8192];
        match self.session.try_read(&mut buf) {
            Ok(0) => false,
            Ok(n) => {
                self.pending.extend_from_slice(&buf[..n]);
                true
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
                true
            }
            Err(_) => false,
        }
    }

    /// Waits until `find` finds something in what the wizard wrote since the
    /// last match, pressing Enter at each pause line before it (each pause
    /// shows text that was read). Consumes up to the end of what was found
    /// and returns it (the bytes from `find`'s start).
    #[track_caller]
    fn wait_for(&mut self, what: &str, find: impl Fn(&[char]) -> Option<(usize, usize)>) -> Vec<u8> {
        // A bound so a test that waits for what never comes fails.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        self.before.clear();
        loop {
            if std::mem::take(&mut self.paused) && !self.leaving {
                self.session.send(ENTER).unwrap();
            }
            let (chars, ends) = flat_with_ends(&self.pending);
            let wanted = find(&chars);
            let pause = PAUSES.iter().filter_map(|p| find_end(&chars, p)).min();
            match (wanted, pause) {
                (Some((from, to)), pause) if pause.is_none_or(|p| to <= p) => {
                    let start = if from == 0 { 0 } else { ends[from - 1] };
                    let end = ends[to - 1];
                    let found = self.pending[start..end].to_vec();
                    self.before.extend_from_slice(&self.pending[..start]);
                    let consumed: Vec<u8> = self.pending.drain(..end).collect();
                    self.screen.feed(&consumed);
                    return found;
                }
                (_, Some(p)) => {
                    let consumed: Vec<u8> = self.pending.drain(..ends[p - 1]).collect();
                    self.before.extend_from_slice(&consumed);
                    self.screen.feed(&consumed);
                    self.paused = true;
                    continue;
                }
                _ => {}
            }
            if !self.read_more() || std::time::Instant::now() > deadline {
                let ended = String::from_utf8_lossy(&self.pending).into_owned();
                self.screen.feed(&std::mem::take(&mut self.pending));
                panic!(
                    "waiting for {what:?}: not shown\nscreen:\n{}\nlast written: {ended:?}",
                    self.screen.lines().join("\n")
                );
            }
        }
    }

    /// Waits for `text`, and returns what the wizard showed before it since
    /// the last match, flattened (white space, line breaks and indents as
    /// single spaces; escape sequences dropped).
    #[track_caller]
    pub(crate) fn shown_before(&mut self, text: &str) -> String {
        self.expect(text);
        flat(&self.before)
    }

    #[track_caller]
    pub(crate) fn expect(&mut self, text: &str) {
        let needle = flat(text.as_bytes());
        let length = needle.chars().count();
        self.wait_for(text, |chars| find_end(chars, &needle).map(|end| (end - length, end)));
    }

    /// Waits for the next pause line, and stays there.
    #[track_caller]
    fn expect_pause(&mut self) {
        if std::mem::take(&mut self.paused) {
            return;
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let (chars, ends) = flat_with_ends(&self.pending);
            if let Some(p) = PAUSES.iter().filter_map(|p| find_end(&chars, p)).min() {
                let consumed: Vec<u8> = self.pending.drain(..ends[p - 1]).collect();
                self.screen.feed(&consumed);
                return;
            }
            assert!(
                self.read_more() && std::time::Instant::now() < deadline,
                "waiting for a pause:\n{}",
                self.screen.lines().join("\n")
            );
        }
    }

    /// Sends `keys` to what is on screen. At a pause already read past, Esc
    /// is for the pause (leave); other keys are for what follows it, so
    /// Enter goes first.
    pub(crate) fn send(&mut self, keys: &str) {
        let leave = keys == ESC || keys == CTRL_C;
        if std::mem::take(&mut self.paused) && !leave {
            self.session.send(ENTER).unwrap();
        }
        self.leaving |= leave;
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
        // From the last "[k/of] " before the help line: an answered question
        // may be redrawn before it.
        let found = self.wait_for("a question", |chars| {
            let text: String = chars.iter().collect();
            let markers: Vec<usize> = text
                .match_indices('[')
                .map(|(i, _)| i)
                .filter(|&i| {
                    let inside = text[i + 1..].split_once("] ").map(|(inside, _)| inside);
                    inside.is_some_and(|inside| {
                        inside.split_once('/').is_some_and(|(k, of)| {
                            !k.is_empty() && !of.is_empty() && (k.to_string() + of).chars().all(|c| c.is_ascii_digit())
                        })
                    })
                })
                .collect();
            let first = *markers.first()?;
            let help = ["to move", "para mover"]
                .iter()
                .filter_map(|h| text[first..].find(h).map(|at| first + at + h.len()))
                .min()?;
            let start = markers.into_iter().rev().find(|&m| m < help)?;
            Some((text[..start].chars().count(), text[..help].chars().count()))
        });
        let screen = flat(&found);
        let question = course
            .questions
            .iter()
            .find(|q| screen.contains(&flat(q.text(lang).prompt.as_bytes())))
            .unwrap_or_else(|| panic!("no known question on screen: {screen}"));
        let text = question.text(lang);
        // The options in the order shown: by where each appears on screen.
        let mut shown: Vec<(usize, usize)> = text
            .options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let at = screen
                    .find(&flat(o.as_bytes()))
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

    /// Words the screen showed broken across two rows.
    fn broken_words(&self) -> Vec<crate::screen::Break> {
        self.screen.broken_words()
    }

    pub(crate) fn exit_code(mut self) -> i32 {
        // What the wizard printed last (its goodbye) is part of the screen.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while self.read_more() && std::time::Instant::now() < deadline {}
        let pending = std::mem::take(&mut self.pending);
        self.screen.feed(&pending);
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
    let course = Course::load(None, Lang::En, &sm_course::known_checks()).unwrap();
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
    let course = Course::load(None, Lang::En, &sm_course::known_checks()).unwrap();
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
    let course = Course::load(None, Lang::En, &sm_course::known_checks()).unwrap();
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
    // Both tasks proven: Enter goes on.
    tty.send(ENTER);
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
    // Everything passes: Enter goes on.
    tty.send(ENTER);
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
    // The wizard's own stop and a passing re-check prove the stop task at
    // once, as `verify stop-instances` would.
    tty.expect("Stopped: KernelGateway “forgotten-kernel” (ml.m5.xlarge)");
    tty.expect("Checklist ticked: I can stop instances I am not using");
    tty.expect("Check again");
    // Nothing left to do: Enter goes on.
    tty.send(ENTER);
    tty.expect("6. Monitoring resources");
    tty.send(ESC);
    tty.expect("Progress saved in");
    assert_eq!(tty.exit_code(), 0);
    let tick = &saved(&learner)["modules"]["module5"]["checklist"]["stop-instances"];
    assert_eq!(tick["evidence"]["kind"], "task", "{tick}");
    assert_eq!(tick["evidence"]["proofs"][0]["status"], "Deleted", "{tick}");
    // `verify` on the same account agrees, proving the same app.
    let verify = emulator.run(&learner, &["module5", "verify", "stop-instances", "--format", "json"]);
    expect_code(&verify, 0);
    let verified: serde_json::Value = serde_json::from_slice(&verify.stdout).unwrap();
    let task = &verified["items"][0]["tasks"][0];
    assert_eq!(task["proof"], tick["evidence"]["proofs"][0], "{verified}");
    let log = std::fs::read_to_string(learner.home().join("audit.log")).unwrap();
    assert!(
        log.contains("\"call\":\"sagemaker:DeleteApp\"") && log.contains("\"result\":\"ok\""),
        "{log}"
    );
}

/// Walks the whole course in a `cols`×`rows` window in `lang`: every
/// section's pages, every quiz (its first question wrong twice: the hint,
/// then the explanation), the calculator and the monitor, the hands-on
/// tasks skipped, the live checks on the practice account; then checks that
/// no word was broken across two rows anywhere on the screen.
fn walk_the_course(lang: Lang, cols: u16, rows: u16) {
    let code = lang.code();
    let course = Course::load(None, lang, &sm_course::known_checks()).unwrap();
    let tr = |key: &str| sm_course::tr(lang, key);
    let learner = Learner::new();
    let mut tty = Tty::start_sized(&learner, code, cols, rows, |cmd| {
        cmd.env("SM_COURSE_QUIZ_SEED", "7")
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_EC2_METADATA_DISABLED", "true");
    });
    for section in &course.sections {
        let slug = &section.meta.slug;
        tty.expect(&format!("{}. {}", section.meta.number, section.meta.title.get(lang)));
        if course.section_questions(slug).next().is_none() {
            tty.expect(tr("wizard.next_section"));
            tty.send(ENTER);
        } else {
            tty.expect(tr("wizard.ready_for_quiz"));
            tty.send(ENTER);
            tty.answer(&course, lang, false);
            tty.answer(&course, lang, false);
            tty.answer(&course, lang, true);
            tty.answer(&course, lang, true);
            tty.expect(&sm_course::trf(
                lang,
                "wizard.quiz_passed",
                &[("right", &2), ("total", &3)],
            ));
        }
        if let Some(tool) = section.meta.tool {
            tty.expect(&sm_course::trf(lang, "wizard.tool_question", &[("tool", &tool.name())]));
            match tool.name() {
                "cost" => {
                    tty.choose(0);
                    tty.expect(tr("tools.q_cost_instance"));
                    tty.send("ml.m5.xlarge\r");
                    tty.expect(tr("tools.q_cost_duration"));
                    tty.send("2h30m\r");
                }
                "monitor" => tty.choose(0),
                _ => tty.choose(1),
            }
        }
        for _ in course.tasks.iter().filter(|t| &t.section == slug) {
            tty.expect(tr("wizard.task_question"));
            tty.choose(1);
        }
        if !sm_course::checks_of_section(slug).is_empty() {
            tty.expect(tr("wizard.live_question"));
            tty.choose(1); // the practice account
            tty.expect(tr("wizard.live_sandbox_note"));
            tty.expect(tr("wizard.live_again"));
            tty.choose(2);
        }
    }
    tty.expect(tr("wizard.finished"));
    tty.expect(tr("wizard.next_steps"));
    let broken = tty.broken_words();
    let lines = tty.screen.lines();
    assert_eq!(tty.exit_code(), 0);
    let broken: Vec<String> = broken
        .iter()
        .map(|b| format!("{:?} in {:?} / {:?}", b.word, b.rows[0], b.rows[1]))
        .collect();
    assert!(
        broken.is_empty(),
        "{code} at {cols}×{rows}: words broken across rows: {broken:#?}\n{}",
        lines.join("\n")
    );
    // It was all shown: the calculator's figure and the monitor's reading.
    let shown = flat(lines.join("\n").as_bytes());
    let cost = match lang {
        Lang::Pt => "US$ 0,575",
        Lang::En => "$0.575",
    };
    assert!(shown.contains(cost), "{shown}");
    assert!(shown.contains("vCPU"), "{shown}");
}

#[test]
fn at_60_by_24_in_portuguese_the_whole_course_reads_without_a_broken_word() {
    walk_the_course(Lang::Pt, 60, 24);
}

#[test]
fn at_100_by_40_in_portuguese_the_whole_course_reads_without_a_broken_word() {
    walk_the_course(Lang::Pt, 100, 40);
}

#[test]
fn at_60_by_24_in_english_the_whole_course_reads_without_a_broken_word() {
    walk_the_course(Lang::En, 60, 24);
}

#[test]
fn at_100_by_40_in_english_the_whole_course_reads_without_a_broken_word() {
    walk_the_course(Lang::En, 100, 40);
}

#[test]
fn esc_at_a_pause_leaves_with_the_progress_saved() {
    let learner = Learner::new();
    let mut tty = Tty::start_sized(&learner, "pt", 60, 24, |_| {});
    tty.expect("Ao final deste módulo, você será capaz de:");
    // The objectives stay on screen until Enter.
    tty.expect_pause();
    tty.send(ESC);
    tty.expect("Progresso salvo em");
    assert_eq!(tty.exit_code(), 0);
    assert_eq!(saved(&learner)["modules"]["module5"]["current_section"], "concepts");
}
