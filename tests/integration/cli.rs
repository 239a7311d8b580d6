//! The non-interactive commands: `lesson`, `checklist`, `reset`, and how the
//! binary treats bad input, pipes and damaged files.

use std::path::Path;
use std::process::Stdio;

use crate::util::*;

#[test]
fn table_of_contents_in_both_languages() {
    let learner = Learner::new();
    let en = learner.run(&["module5", "lesson"]);
    expect_code(&en, 0);
    insta::assert_snapshot!("toc_en", stdout(&en));
    let pt = learner.run(&["module5", "lesson", "--lang", "pt"]);
    expect_code(&pt, 0);
    insta::assert_snapshot!("toc_pt", stdout(&pt));
}

#[test]
fn a_section_renders_with_its_tables_from_the_instance_data() {
    let learner = Learner::new();
    let output = learner.run(&["module5", "lesson", "billing"]);
    expect_code(&output, 0);
    insta::assert_snapshot!("lesson_billing_en", stdout(&output));
}

#[test]
fn a_section_is_found_by_number_english_name_or_portuguese_name() {
    let learner = Learner::new();
    let by_number = stdout(&learner.run(&["module5", "lesson", "7"]));
    assert!(by_number.starts_with("7. Cost optimisation"), "{by_number}");
    assert_eq!(stdout(&learner.run(&["module5", "lesson", "optimization"])), by_number);
    assert_eq!(stdout(&learner.run(&["module5", "lesson", "otimizacao"])), by_number);
}

#[test]
fn an_unknown_section_exits_2_and_lists_the_sections() {
    let learner = Learner::new();
    for bad in ["11", "0", "nope", ""] {
        let output = learner.run(&["module5", "lesson", bad]);
        expect_code(&output, 2);
        let err = stderr(&output);
        assert!(
            err.contains("unknown section") && err.contains("5 (start-stop)"),
            "{err}"
        );
        assert!(stdout(&output).is_empty());
    }
}

#[test]
fn piped_output_has_no_colour_and_fits_the_given_width() {
    let learner = Learner::new();
    for section in 1..=10 {
        let output = learner
            .command(&["module5", "lesson", &section.to_string()])
            .env("COLUMNS", "50")
            .output()
            .unwrap();
        expect_code(&output, 0);
        let text = stdout(&output);
        assert!(!text.contains('\u{1b}'), "section {section} has escape codes");
        for line in text.lines().filter(|l| !l.starts_with("    ")) {
            assert!(line.chars().count() <= 50, "section {section}: {line:?}");
        }
    }
}

#[test]
fn the_language_follows_lc_all_then_lang_and_the_flag_wins() {
    let learner = Learner::new();
    let title = |output: std::process::Output| stdout(&output).lines().next().unwrap().to_string();
    let pt = learner
        .command(&["module5", "lesson", "1"])
        .env("LANG", "pt_BR.UTF-8")
        .output()
        .unwrap();
    assert!(title(pt).starts_with("1. Conceitos fundamentais (~"));
    let lc_all = learner
        .command(&["module5", "lesson", "1"])
        .env("LANG", "pt_BR.UTF-8")
        .env("LC_ALL", "en_GB.UTF-8")
        .output()
        .unwrap();
    assert!(title(lc_all).starts_with("1. Core concepts (~"));
    let flag = learner
        .command(&["--lang", "pt", "module5", "lesson", "1"])
        .output()
        .unwrap();
    assert!(title(flag).starts_with("1. Conceitos fundamentais (~"));
}

#[test]
fn checklist_without_progress_lists_eight_open_items_as_json() {
    let learner = Learner::new();
    let output = learner.run(&["module5", "checklist", "--format", "json"]);
    expect_code(&output, 0);
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(json["module"], "module5");
    let items = json["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "families",
            "selection",
            "costs",
            "start-notebook",
            "stop-instances",
            "monitoring",
            "cost-optimization",
            "nothing-billing"
        ]
    );
    for item in items {
        assert_eq!(item["done"], false);
        assert!(item["evidence"].is_null() && item["at"].is_null());
        assert!(!item["title"].as_str().unwrap().is_empty());
    }
    assert!(
        !learner.progress_path().exists(),
        "reading the checklist writes nothing"
    );
}

#[test]
fn checklist_shows_the_evidence_and_time_of_each_tick() {
    let learner = Learner::new();
    learner.with_progress("progress-two-ticks.json");
    // Tick times in the local zone, named (the JSON keeps RFC 3339).
    let in_sao_paulo = |args: &[&str]| learner.command(args).env("TZ", "America/Sao_Paulo").output().unwrap();
    let text = in_sao_paulo(&["module5", "checklist"]);
    expect_code(&text, 0);
    insta::assert_snapshot!("checklist_text_en", stdout(&text));
    let pt = in_sao_paulo(&["module5", "checklist", "--lang", "pt"]);
    insta::assert_snapshot!("checklist_text_pt", stdout(&pt));
    let json = learner.run(&["module5", "checklist", "--format", "json"]);
    expect_code(&json, 0);
    insta::assert_snapshot!("checklist_json", stdout(&json));
}

#[test]
fn a_corrupt_progress_file_is_moved_aside_with_a_warning_and_is_not_fatal() {
    let learner = Learner::new();
    std::fs::create_dir_all(learner.home()).unwrap();
    std::fs::write(learner.progress_path(), "{ this is not json").unwrap();
    let output = learner.run(&["module5", "checklist", "--format", "json"]);
    expect_code(&output, 0);
    let err = stderr(&output);
    let aside: Vec<_> = std::fs::read_dir(learner.home())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("progress.json.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "{err}");
    assert!(err.contains(&learner.progress_path().display().to_string()), "{err}");
    assert!(err.contains(&aside[0].display().to_string()), "{err}");
    let json: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert!(json["items"].as_array().unwrap().iter().all(|i| i["done"] == false));
}

#[test]
fn the_wizard_without_a_terminal_says_so_in_one_line_and_exits_2() {
    let learner = Learner::new();
    let output = learner.command(&["module5"]).stdin(Stdio::null()).output().unwrap();
    expect_code(&output, 2);
    let err = stderr(&output);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("needs an interactive terminal"), "{err}");
    assert!(
        err.contains("sm-course module5 lesson") && err.contains("sm-course module5 checklist"),
        "{err}"
    );
    assert!(!learner.progress_path().exists());
}

#[test]
fn reset_asks_for_yes_without_a_terminal_and_erases_with_it() {
    let learner = Learner::new();
    learner.with_progress("progress-two-ticks.json");
    let refused = learner
        .command(&["module5", "reset"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    expect_code(&refused, 2);
    assert!(stderr(&refused).contains("--yes"), "{}", stderr(&refused));
    let json = |l: &Learner| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(l.progress_path()).unwrap()).unwrap()
    };
    assert!(
        json(&learner)["modules"]["module5"].is_object(),
        "nothing erased without --yes"
    );

    let done = learner.run(&["module5", "reset", "--yes"]);
    expect_code(&done, 0);
    assert!(stdout(&done).contains("erased"), "{}", stdout(&done));
    assert!(json(&learner)["modules"]["module5"].is_null());

    let again = learner.run(&["module5", "reset", "--yes"]);
    expect_code(&again, 0);
    assert!(stdout(&again).contains("no saved progress"), "{}", stdout(&again));
}

#[test]
fn lessons_can_be_overridden_from_a_directory() {
    let learner = Learner::new();
    let copy = learner.dir.path().join("lessons");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons"), &copy);
    let module = copy.join("module5/module.toml");
    let text = std::fs::read_to_string(&module).unwrap();
    std::fs::write(
        &module,
        text.replace("en = \"Core concepts\"", "en = \"Fundamentals, edited\""),
    )
    .unwrap();
    let output = learner.run(&["--lessons", copy.to_str().unwrap(), "module5", "lesson", "1"]);
    expect_code(&output, 0);
    assert!(
        stdout(&output).starts_with("1. Fundamentals, edited"),
        "{}",
        stdout(&output)
    );
}

#[test]
fn broken_lessons_exit_2_listing_every_problem() {
    let learner = Learner::new();
    let copy = learner.dir.path().join("lessons");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons"), &copy);
    std::fs::remove_file(copy.join("module5/pt/03-selection.md")).unwrap();
    std::fs::remove_file(copy.join("module5/en/06-monitoring.md")).unwrap();
    let output = learner.run(&["--lessons", copy.to_str().unwrap(), "module5", "lesson"]);
    expect_code(&output, 2);
    let err = stderr(&output);
    assert!(
        err.contains("03-selection.md") && err.contains("06-monitoring.md"),
        "{err}"
    );

    let missing = learner.run(&["--lessons", "/nonexistent/lessons", "module5", "lesson"]);
    expect_code(&missing, 2);
    assert!(
        stderr(&missing).contains("/nonexistent/lessons"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let learner = Learner::new();
    expect_code(&learner.run(&["module5", "checklist", "--format", "xml"]), 2);
    expect_code(&learner.run(&["--lang", "fr", "module5", "lesson"]), 2);
    expect_code(&learner.run(&["module6"]), 2);
    expect_code(&learner.run(&[]), 2);
    let help = learner.run(&["module5", "--help"]);
    expect_code(&help, 0);
    assert!(stdout(&help).contains("lesson") && stdout(&help).contains("checklist"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let learner = Learner::new();
    // The reader goes away before the lesson is written.
    let mut child = learner
        .command(&["module5", "lesson", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    expect_code(&output, 0);
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
}

/// `--lang pt --help` and usage errors carry none of our English sentences
/// (issue 16): every description comes from messages.toml in the learner's
/// language.
#[test]
fn help_and_usage_errors_speak_portuguese() {
    let messages: toml::Table =
        toml::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/src/messages.toml")).unwrap())
            .unwrap();
    // Our English sentences: the help texts that differ from their Portuguese.
    let english: Vec<String> = messages
        .iter()
        .filter(|(key, _)| key.starts_with("help") || key.starts_with("usage."))
        .filter_map(|(_, v)| {
            let (pt, en) = (v["pt"].as_str()?, v["en"].as_str()?);
            (pt != en && en.split_whitespace().count() >= 3).then(|| en.to_string())
        })
        .collect();
    assert!(english.len() > 80, "{}", english.len());
    let learner = Learner::new();
    for path in [
        "",
        "module5",
        "module5 lesson",
        "module5 checklist",
        "module5 check",
        "module5 tasks",
        "module5 verify",
        "module5 audit",
        "module5 spend",
        "module5 fix",
        "module5 fix budget",
        "module5 fix idle-shutdown",
        "module5 instances",
        "module5 advise",
        "module5 cost",
        "module5 prices refresh",
        "module5 monitor",
        "module5 troubleshoot",
        "module5 report",
        "module5 reset",
        "instructor verify",
        "instructor collect",
        "instructor role-template",
        "iam-policy",
    ] {
        let mut args = vec!["--lang", "pt"];
        args.extend(path.split_whitespace());
        args.push("--help");
        let output = learner.run(&args);
        expect_code(&output, 0);
        let text = stdout(&output);
        assert!(
            text.contains("Uso: sm-course") && text.contains("Opções:"),
            "{path}: {text}"
        );
        for sentence in &english {
            // Words of the sentence, not its line breaks.
            let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                !flat.contains(sentence.as_str()),
                "{path}: English {sentence:?} in\n{text}"
            );
        }
        for word in [
            "Usage:",
            "Options:",
            "Commands:",
            "Print help",
            "[default:",
            "[possible values:",
        ] {
            assert!(!text.contains(word), "{path}: {word:?} in\n{text}");
        }
    }
    // A usage error: exit 2, in Portuguese, with the failing command's usage.
    let bad = learner.run(&["--lang", "pt", "module5", "check", "--format", "xml"]);
    expect_code(&bad, 2);
    let err = stderr(&bad);
    assert!(
        err.contains("valor inválido xml") && err.contains("Uso: sm-course module5 check") && err.contains("--help"),
        "{err}"
    );
    assert!(
        !err.contains("invalid value") && !err.contains("For more information"),
        "{err}"
    );
    // The language from the environment when no flag says it.
    let env = learner
        .command(&["module5", "chek"])
        .env("LANG", "pt_BR.UTF-8")
        .output()
        .unwrap();
    expect_code(&env, 2);
    assert!(stderr(&env).contains("comando desconhecido: chek"), "{}", stderr(&env));
}
