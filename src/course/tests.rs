//! Content: the built-in course loads and validates, and every kind of
//! broken content is reported with its file.

use std::path::{Path, PathBuf};

use include_dir::Dir;

use super::load::EMBEDDED;
use super::*;
use crate::error::Error;

fn course() -> Course {
    Course::load(None, Lang::En, &crate::checks::known()).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn embedded_content_is_valid() {
    let course = course();
    assert_eq!(course.sections.len(), 10, "the seed has sections 1 to 10");
    assert_eq!(course.objectives.len(), 6, "the seed lists six learning objectives");
    let ids: Vec<&str> = course.checklist.iter().map(|i| i.id.as_str()).collect();
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
}

/// The embedded copy and lessons/ on disk are the same files, so
/// `--lessons lessons` and the built-in course agree.
#[test]
fn embedded_files_match_the_lessons_directory() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons");
    fn walk(dir: &Dir<'_>, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        for f in dir.files() {
            out.push((f.path().to_path_buf(), f.contents().to_vec()));
        }
        for d in dir.dirs() {
            walk(d, out);
        }
    }
    let mut files = Vec::new();
    walk(&EMBEDDED, &mut files);
    assert!(files.len() > 20);
    for (path, bytes) in files {
        assert_eq!(
            std::fs::read(dir.join(&path)).unwrap(),
            bytes,
            "{} differs",
            path.display()
        );
    }
    let from_disk = Course::load(Some(&dir), Lang::En, &crate::checks::known()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(from_disk.questions.len(), course().questions.len());
}

#[test]
fn every_sandbox_scenario_parses_and_is_marked_as_sandbox() {
    let course = course();
    let names = course.sandbox_names();
    assert_eq!(names, ["clean", "neglected", "restricted"]);
    for name in names {
        let snapshot = course
            .sandbox(&name, Lang::En)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(snapshot.source, crate::snapshot::Source::Sandbox);
    }
    assert!(matches!(course.sandbox("../module", Lang::En), Err(Error::Usage(_))));
    assert!(matches!(course.sandbox("nope", Lang::En), Err(Error::Usage(_))));
}

#[test]
fn sections_are_found_by_number_slug_or_portuguese_alias() {
    let course = course();
    assert_eq!(course.section("3").unwrap().meta.slug, "selection");
    assert_eq!(course.section("billing").unwrap().meta.number, 4);
    assert_eq!(course.section("otimizacao").unwrap().meta.slug, "optimization");
    assert_eq!(course.section(" Families ").unwrap().meta.number, 2);
    assert!(course.section("11").is_none());
    assert!(course.section("0").is_none());
}

/// The contents show the name a learner of that language types: `custos`
/// in Portuguese, `billing` in English (issue 27).
#[test]
fn the_contents_list_each_languages_section_names() {
    let course = course();
    let pt = course.table_of_contents(Lang::Pt, 100);
    let en = course.table_of_contents(Lang::En, 100);
    for s in &course.sections {
        let line = |toc: &str| {
            toc.lines()
                .find(|l| l.contains(s.meta.title.get(Lang::Pt)) || l.contains(s.meta.title.get(Lang::En)))
                .map(str::to_string)
        };
        let pt_line = line(&pt).unwrap();
        assert!(pt_line.contains(&format!(" {} ", s.meta.alias)), "{pt_line:?}");
        let en_line = line(&en).unwrap();
        assert!(en_line.contains(&format!(" {} ", s.meta.slug)), "{en_line:?}");
        if s.meta.alias != s.meta.slug {
            assert!(!pt_line.contains(&format!(" {} ", s.meta.slug)), "{pt_line:?}");
        }
    }
    assert!(course.section_names(Lang::Pt).contains("4 (custos)"));
    assert!(course.section_names(Lang::En).contains("4 (billing)"));
}

#[test]
fn every_section_with_a_checklist_item_has_several_questions_per_objective() {
    let course = course();
    for objective in &course.objectives {
        let n = course.questions.iter().filter(|q| q.objective == objective.id).count();
        assert!(n >= 2, "{}: {n}", objective.id);
    }
    for slug in [
        "concepts",
        "families",
        "selection",
        "billing",
        "start-stop",
        "monitoring",
        "optimization",
        "troubleshooting",
    ] {
        assert!(course.section_questions(slug).count() >= 2, "{slug} needs a quiz");
    }
}

#[test]
fn instance_data_parses_and_carries_the_seed_tables() {
    let course = course();
    let instances = &course.instances;
    assert_eq!(instances.region, "eu-central-1");
    // A few rows of the seed's tables, each a different family.
    let m5 = instances.get("ml.m5.xlarge").unwrap();
    assert_eq!((m5.vcpu, m5.memory_gib, m5.price_per_hour_usd), (4, 16.0, Some(0.23)));
    let p3 = instances.get("ml.p3.8xlarge").unwrap();
    assert_eq!(
        (
            p3.vcpu,
            p3.memory_gib,
            p3.gpus,
            p3.gpu_memory_gib,
            p3.price_per_hour_usd
        ),
        (32, 244.0, 4, 64.0, Some(15.28))
    );
    let r5 = instances.get("ml.r5.4xlarge").unwrap();
    assert_eq!((r5.vcpu, r5.memory_gib, r5.price_per_hour_usd), (16, 128.0, Some(1.20)));
    let seed_rows = instances
        .instance
        .iter()
        .filter(|i| ["t3", "m5", "c5", "r5", "p3"].contains(&i.family.as_str()) && i.lesson_table);
    assert_eq!(
        seed_rows.count(),
        4 + 5 + 4 + 4 + 3,
        "every row of the seed's five tables"
    );
    // The SageMaker sizes the seed's tables leave out: listed with
    // specifications and a source, never a price, and kept out of the tables.
    for (name, vcpu, memory) in [
        ("ml.t3.micro", 2, 1.0),
        ("ml.m5.24xlarge", 96, 384.0),
        ("ml.c5.9xlarge", 36, 72.0),
        ("ml.r5.24xlarge", 96, 768.0),
    ] {
        let i = instances.get(name).unwrap();
        assert_eq!(
            (i.vcpu, i.memory_gib, i.price_per_hour_usd),
            (vcpu, memory, None),
            "{name}"
        );
        assert!(!i.lesson_table && i.source.as_deref().unwrap().contains("EC2 User Guide"));
    }
}

fn bad_copy(edit: impl FnOnce(&Path)) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons"), tmp.path());
    edit(tmp.path());
    match Course::load(Some(tmp.path()), Lang::En, &crate::checks::known()) {
        Ok(_) => panic!("the edited copy should not validate"),
        Err(Error::Content { problems, .. }) => problems,
        Err(e) => panic!("unexpected error {e}"),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

fn append_to(path: &Path, text: &str) {
    let before = std::fs::read_to_string(path).unwrap();
    std::fs::write(path, before + text).unwrap();
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn validation_reports_a_missing_translation() {
    let problems = bad_copy(|dir| std::fs::remove_file(dir.join("module5/en/04-billing.md")).unwrap());
    assert!(problems.iter().any(|p| p.contains("04-billing.md")), "{problems:?}");
}

#[test]
fn validation_reports_an_answer_out_of_range_and_duplicate_options() {
    let problems = bad_copy(|dir| {
        let quiz = dir.join("module5/quiz.toml");
        let text = std::fs::read_to_string(&quiz).unwrap();
        let first_answer = text.find("\nanswer = ").unwrap();
        let line_end = first_answer + 1 + text[first_answer + 1..].find('\n').unwrap();
        std::fs::write(
            &quiz,
            format!("{}\nanswer = 9{}", &text[..first_answer], &text[line_end..]),
        )
        .unwrap();
    });
    assert!(
        problems.iter().any(|p| p.contains("answer 9 is not one of")),
        "{problems:?}"
    );
}

#[test]
fn validation_reports_checklist_evidence_that_does_not_exist() {
    let problems = bad_copy(|dir| {
        replace_in(
            &dir.join("module5/module.toml"),
            "quiz = \"families\"",
            "quiz = \"no-such-section\"",
        )
    });
    assert!(problems.iter().any(|p| p.contains("no-such-section")), "{problems:?}");
}

#[test]
fn validation_reports_unparsable_instance_data() {
    let problems = bad_copy(|dir| replace_in(&dir.join("module5/instances.toml"), "vcpu = 2", "vcpu = \"two\""));
    assert!(
        problems.iter().any(|p| p.starts_with("module5/instances.toml")),
        "{problems:?}"
    );
}

#[test]
fn validation_reports_a_family_the_advisor_needs() {
    let problems = bad_copy(|dir| {
        let path = dir.join("module5/instances.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(
            &path,
            text.replace("family = \"c5\"", "family = \"c6\"")
                .replace("ml.c5.", "ml.c6."),
        )
        .unwrap();
    });
    assert!(
        problems.iter().any(|p| p.contains("advisor needs at least one c5")),
        "{problems:?}"
    );
}

#[test]
fn validation_reports_translations_that_are_not_line_for_line_parallel() {
    let problems = bad_copy(|dir| append_to(&dir.join("module5/en/09-checklist.md"), "\nOne more English line.\n"));
    let found = |p: &String| p.contains("09-checklist.md") && p.contains("line for line");
    assert!(problems.iter().any(found), "{problems:?}");
}

#[test]
fn validation_reports_an_unknown_directive_in_a_lesson() {
    let problems = bad_copy(|dir| append_to(&dir.join("module5/pt/02-families.md"), "\n@instances z9\n"));
    let found = |p: &String| p.contains("pt/02-families.md") && p.contains("z9");
    assert!(problems.iter().any(found), "{problems:?}");
}

/// What the course corrected against AWS's documentation stays corrected
/// (issue 15): each fact is checked in both languages.
#[test]
fn corrected_facts_do_not_slide_back() {
    let course = course();
    let body = |slug: &str, lang: Lang| course.section(slug).unwrap().body.get(lang).to_string();
    for lang in [Lang::Pt, Lang::En] {
        // EC2's error name never stands alone: SageMaker's own messages beside it.
        for section in &course.sections {
            let text = section.body.get(lang);
            if text.contains("InsufficientInstanceCapacity") {
                assert!(
                    text.contains("EC2InsufficientCapacityError") && text.contains("CapacityError:"),
                    "{} ({lang:?}) names EC2's error without SageMaker's",
                    section.meta.slug
                );
            }
        }
        let troubleshooting = body("troubleshooting", lang);
        assert!(
            troubleshooting.contains("ResourceLimitExceeded"),
            "{lang:?}: the quota case"
        );
        assert!(troubleshooting.contains("percpu=True"), "{lang:?}: per-core CPU");
        // Idle shutdown is set per app type: the command sets both.
        let start_stop = body("start-stop", lang);
        assert!(
            start_stop.contains("JupyterLabAppSettings") && start_stop.contains("CodeEditorAppSettings"),
            "{lang:?}: the idle-shutdown command sets both app types"
        );
        // GPUtil not installed and no GPU are told apart.
        let monitoring = body("monitoring", lang);
        assert!(monitoring.contains("except ImportError") && monitoring.contains("nvidia-smi"));
        // The alarm that means "running for two hours" uses Minimum, not Sum > 1.
        let optimization = body("optimization", lang);
        assert!(optimization.contains("Minimum") && optimization.contains("--alarm-actions"));
        assert!(optimization.contains("FORECASTED"), "{lang:?}: both budget alerts");
    }
    for q in &course.questions {
        for lang in [Lang::Pt, Lang::En] {
            let text = q.text(lang);
            let all = format!("{} {} {}", text.prompt, text.options.join(" "), text.explanation);
            assert!(
                !all.contains("InsufficientInstanceCapacity") || all.contains("EC2InsufficientCapacityError"),
                "{}: EC2's error name without SageMaker's",
                q.id
            );
            assert!(
                !all.contains("bigger instance would not help") && !all.contains("instância maior não ajudaria"),
                "{}: a larger instance can help I/O (EBS and network bandwidth grow with size)",
                q.id
            );
        }
    }
}

/// Each section carries an estimate, and the module's time is their sum.
#[test]
fn the_module_time_is_the_sum_of_the_sections() {
    let course = course();
    assert!(course.sections.iter().all(|s| s.meta.minutes > 0));
    let sum: u32 = course.sections.iter().map(|s| s.meta.minutes).sum();
    assert_eq!(course.duration_minutes, sum);
    assert_eq!(course.minutes_from(0), sum);
    assert_eq!(course.minutes_from(9), course.sections[9].meta.minutes);
}

/// The right option must not give itself away by its length: per language,
/// it may be the longest (ties count as longest) in at most 40% of the
/// questions.
#[test]
fn the_right_option_is_not_usually_the_longest() {
    let course = course();
    for lang in [Lang::Pt, Lang::En] {
        let longest: Vec<&str> = course
            .questions
            .iter()
            .filter(|q| {
                let options = &q.text(lang).options;
                let right = options[q.answer - 1].chars().count();
                options.iter().all(|o| o.chars().count() <= right)
            })
            .map(|q| q.id.as_str())
            .collect();
        let share = longest.len() as f64 / course.questions.len() as f64;
        assert!(
            share <= 0.4,
            "{lang:?}: the right option is the longest in {} of {} questions: {longest:?}",
            longest.len(),
            course.questions.len()
        );
    }
}

/// Nor by its rank in length: per language, the right option is the longest,
/// second-, third- or fourth-longest (ties count towards the longer rank) in
/// roughly a quarter of the questions each, never more than 35% or fewer
/// than 15%, so no "pick the second-longest" habit pays off.
#[test]
fn the_right_options_length_rank_varies() {
    let course = course();
    for lang in [Lang::Pt, Lang::En] {
        let mut by_rank = [0usize; 4];
        for q in &course.questions {
            let options = &q.text(lang).options;
            let right = options[q.answer - 1].chars().count();
            let longer = options.iter().filter(|o| o.chars().count() > right).count();
            by_rank[longer.min(3)] += 1;
        }
        let total = course.questions.len() as f64;
        for (rank, count) in by_rank.iter().enumerate() {
            let share = *count as f64 / total;
            assert!(
                (0.15..=0.35).contains(&share),
                "{lang:?}: the right option has length rank {} (1 = longest) in {count} of {total} questions (by rank: {by_rank:?})",
                rank + 1
            );
        }
    }
}

#[test]
fn validation_reports_a_missing_hint_and_a_quiz_too_small_to_draw_from() {
    let problems = bad_copy(|dir| {
        let quiz = dir.join("module5/quiz.toml");
        let text = std::fs::read_to_string(&quiz).unwrap();
        // Drop the first question's English hint, and cut the concepts quiz
        // to its first question by moving the others to no section.
        let text = text.replacen("\nen.hint = ", "\nen.unused_hint_removed = ", 1);
        let text = text.replace("\nen.unused_hint_removed = ", "\n# ");
        let mut seen = 0;
        let text: String = text
            .split_inclusive('\n')
            .map(|line| {
                if line == "section = \"concepts\"\n" {
                    seen += 1;
                    if seen > 1 {
                        return "section = \"resources\"\n".to_string();
                    }
                }
                line.to_string()
            })
            .collect();
        std::fs::write(&quiz, text).unwrap();
    });
    assert!(problems.iter().any(|p| p.contains("en needs a hint")), "{problems:?}");
    assert!(
        problems
            .iter()
            .any(|p| p.contains("section \"concepts\" has 1 questions, a quiz needs at least 5")),
        "{problems:?}"
    );
}

#[test]
fn the_hands_on_tasks_load_and_each_proves_an_item_that_lists_it() {
    let course = course();
    let ids: Vec<&str> = course.tasks.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "start-notebook",
            "stop-notebook",
            "create-budget",
            "idle-shutdown",
            "teardown"
        ]
    );
    let verifiable: Vec<&str> = course.verifiable_items().iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        verifiable,
        [
            "start-notebook",
            "stop-instances",
            "cost-optimization",
            "nothing-billing"
        ]
    );
    // No quiz ticks the items about doing something on the account.
    for id in ["start-notebook", "stop-instances", "nothing-billing"] {
        let item = course.checklist.iter().find(|i| i.id == id).unwrap();
        assert!(
            item.evidence.iter().all(|r| matches!(r, EvidenceRule::Tasks(_))),
            "{id}: {:?}",
            item.evidence
        );
    }
}

#[test]
fn validation_reports_broken_tasks() {
    let problems = bad_copy(|dir| {
        let tasks = dir.join("module5/tasks.toml");
        replace_in(&tasks, "rule = \"started\"", "rule = \"guessed\"");
        replace_in(&tasks, "section = \"optimization\"", "section = \"nowhere\"");
        // One English step fewer than Portuguese.
        replace_in(
            &tasks,
            "  \"Then run `sm-course module5 verify start-notebook`.\",\n",
            "",
        );
        replace_in(&tasks, "{kind} “{name}”", "{kind} “{nome}”");
    });
    for expected in [
        "task \"start-notebook\": unknown rule \"guessed\"",
        "task \"create-budget\": unknown section \"nowhere\"",
        "task \"start-notebook\": steps need the same number in both languages (pt 6, en 5)",
        "task \"start-notebook\": done uses unknown placeholder {nome}",
    ] {
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{expected}: {problems:?}"
        );
    }
}

#[test]
fn lesson_tables_show_the_seeds_rows_only() {
    let course = course();
    let text = super::markdown::markdown("@instances m5\n", &course, Lang::En, 200);
    assert!(text.contains("ml.m5.12xlarge"), "{text}");
    assert!(
        !text.contains("ml.m5.24xlarge") && !text.contains("ml.m5.8xlarge"),
        "{text}"
    );
}

#[test]
fn validation_reports_bad_published_prices() {
    let prices = |dir: &Path| dir.join("module5/prices.toml");
    // A figure naming a source the file does not list.
    let problems = bad_copy(|dir| replace_in(&prices(dir), "source = \"aws-page-efs\"", "source = \"no-such-source\""));
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("prices.toml:") && p.contains("unknown source \"no-such-source\"")),
        "{problems:?}"
    );
    // A type instances.toml does not list, and a figure that is not positive.
    let problems = bad_copy(|dir| replace_in(&prices(dir), "\"ml.g4dn.12xlarge\" = ", "\"ml.g9.xlarge\" = -"));
    assert!(
        problems
            .iter()
            .any(|p| p.contains("\"ml.g9.xlarge\": not an instance of instances.toml")),
        "{problems:?}"
    );
    assert!(problems.iter().any(|p| p.contains("must be positive")), "{problems:?}");
    // Two figures for one type, region and usage.
    let problems = bad_copy(|dir| {
        let path = prices(dir);
        let text = std::fs::read_to_string(&path).unwrap();
        let extra = "\n[[instance_prices]]\nsource = \"price-list-quotes\"\nregion = \"us-east-1\"\nusages = [\"hosting\"]\nnote = \"x\"\n[instance_prices.usd_per_hour]\n\"ml.m5.xlarge\" = 0.3\n";
        std::fs::write(&path, format!("{text}{extra}")).unwrap();
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("\"ml.m5.xlarge\": more than one hosting figure")),
        "{problems:?}"
    );
    // An approximate figure must say why; a read date must be a date.
    let problems = bad_copy(|dir| {
        replace_in(
            &prices(dir),
            "approximate = true\nnote = \"the page names no region\"",
            "approximate = true",
        );
        replace_in(&prices(dir), "read = \"2026-12-06\"", "read = \"last week\"");
    });
    assert!(
        problems.iter().any(|p| p.contains("approximate figure needs a note")),
        "{problems:?}"
    );
    assert!(problems.iter().any(|p| p.contains("is not a date")), "{problems:?}");
    // A type listed as unpriced where the file prices it.
    let problems = bad_copy(|dir| {
        replace_in(
            &prices(dir),
            "instances = [\n  \"ml.t3.micro\"",
            "instances = [\n  \"ml.m5.xlarge\", \"ml.t3.micro\"",
        )
    });
    assert!(
        problems
            .iter()
            .any(|p| p.contains("unpriced: \"ml.m5.xlarge\" has a hosting figure in us-east-1 too")),
        "{problems:?}"
    );
    // Unparsable: a usage that does not exist.
    let problems = bad_copy(|dir| replace_in(&prices(dir), "usages = [\"hosting\"]", "usages = [\"hostng\"]"));
    assert!(
        problems.iter().any(|p| p.starts_with("module5/prices.toml")),
        "{problems:?}"
    );
}

#[test]
fn a_lessons_copy_without_published_prices_still_loads() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("lessons"), tmp.path());
    std::fs::remove_file(tmp.path().join("module5/prices.toml")).unwrap();
    let course = Course::load(Some(tmp.path()), Lang::En, &crate::checks::known()).unwrap();
    assert!(course.instances.published.instance_prices.is_empty());
    let embedded = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
    assert!(!embedded.instances.published.instance_prices.is_empty());
}

/// Every text of the course a learner reads in `lang`, each with where it is:
/// lessons, quiz, tasks, the checks' words and module.toml's titles.
fn prose(course: &Course, lang: Lang) -> Vec<(String, String)> {
    let code = lang.code();
    let mut out = vec![("module.toml: title".to_string(), course.title.get(lang).to_string())];
    for o in &course.objectives {
        out.push((format!("module.toml: objective {}", o.id), o.text.get(lang).to_string()));
    }
    for s in &course.sections {
        out.push((
            format!("module.toml: section {} title", s.meta.slug),
            s.meta.title.get(lang).to_string(),
        ));
        out.push((format!("module5/{code}/{}", s.meta.file), s.body.get(lang).to_string()));
    }
    for i in &course.checklist {
        out.push((
            format!("module.toml: checklist {}", i.id),
            i.title.get(lang).to_string(),
        ));
    }
    for q in &course.questions {
        let t = q.text(lang);
        let at = format!("quiz.toml: {} ({code})", q.id);
        out.push((at.clone(), t.prompt.clone()));
        out.extend(t.options.iter().map(|o| (at.clone(), o.clone())));
        out.extend(t.hint.iter().map(|h| (at.clone(), h.clone())));
        out.push((at, t.explanation.clone()));
    }
    for task in &course.tasks {
        let at = format!("tasks.toml: {} ({code})", task.id);
        for text in [&task.title, &task.done, &task.missing] {
            out.push((at.clone(), text.get(lang).to_string()));
        }
        out.extend(task.steps.get(lang).iter().map(|s| (at.clone(), s.clone())));
    }
    for (id, check) in &course.checks {
        let at = format!("checks.toml: {id} ({code})");
        for text in [&check.title, &check.why, &check.console]
            .into_iter()
            .chain(check.summary.values())
        {
            out.push((at.clone(), text.get(lang).to_string()));
        }
        out.extend(check.steps.get(lang).iter().map(|s| (at.clone(), s.clone())));
    }
    out
}

/// Words after which a dotted number is a version, not an amount
/// ("versão 2.0", "Python 3.12").
const VERSION_WORDS: [&str; 4] = ["versão", "version", "python", "distribution"];

/// Is `n` (digits and separators only) written in `lang`'s notation? pt:
/// decimal comma, thousands point ("2.788,60", "0,575", "10.080"); en:
/// decimal point, thousands comma ("2,788.60", "10,080").
fn well_formed_number(n: &str, lang: Lang) -> bool {
    let (thousands, decimal) = match lang {
        Lang::Pt => ('.', ','),
        Lang::En => (',', '.'),
    };
    let (whole, fraction) = n.split_once(decimal).unwrap_or((n, "0"));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(fraction) {
        return false;
    }
    let groups: Vec<&str> = whole.split(thousands).collect();
    groups.iter().all(|g| digits(g))
        && (groups.len() == 1
            || (groups[0].len() <= 3 && !groups[0].starts_with('0') && groups[1..].iter().all(|g| g.len() == 3)))
}

/// The numbers of a text written in the other language's notation. Code is
/// not prose: fenced blocks, `inline code` (commands, JSON, messages quoted
/// as AWS prints them) and URLs are left out, and so are words with letters
/// (`ml.p3.2xlarge`, `v2.0`), dotted versions and addresses (`0.3.1`,
/// `10.0.0.1`) and a number named as a version ("versão 2.0").
pub(crate) fn misformatted_numbers(text: &str, lang: Lang) -> Vec<String> {
    let mut in_fence = false;
    let mut prose = String::new();
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence {
            // Even pieces between backticks are prose, odd ones inline code.
            for piece in line.split('`').step_by(2) {
                prose.push_str(piece);
                prose.push(' ');
            }
            prose.push('\n');
        }
    }
    let wrong_mark = match lang {
        Lang::Pt => '.',
        Lang::En => ',',
    };
    let mut found = Vec::new();
    let mut previous = String::new();
    for word in prose.split_whitespace() {
        if !word.starts_with("http") {
            for token in word.split(|c: char| !(c.is_alphanumeric() || c == '.' || c == ',')) {
                let token = token.trim_end_matches(['.', ',']);
                if token.chars().any(char::is_alphabetic) || !token.chars().any(|c| c.is_ascii_digit()) {
                    continue;
                }
                let between_digits = token
                    .as_bytes()
                    .windows(3)
                    .any(|w| w[0].is_ascii_digit() && w[1] == wrong_mark as u8 && w[2].is_ascii_digit());
                let dotted = token.matches('.').count() >= 2 && !token.contains(',');
                let version = VERSION_WORDS.contains(&previous.as_str());
                if between_digits && !well_formed_number(token, lang) && !dotted && !version {
                    found.push(token.to_string());
                }
            }
        }
        previous = word.trim_matches(|c: char| !c.is_alphanumeric()).to_lowercase();
    }
    found
}

#[test]
fn number_notation_checks_catch_both_languages_mistakes() {
    assert_eq!(
        misformatted_numbers(
            "Custa $0.23 por hora, 2,5 h = 0,575 USD; US$ 2.788,60 e 10.080 minutos.",
            Lang::Pt
        ),
        ["0.23"]
    );
    assert_eq!(
        misformatted_numbers("$2,788.60 and 10,080 minutes, but 0,575 USD and 2,5 h.", Lang::En),
        ["0,575", "2,5"]
    );
    // Not amounts: code, commands, instance names, versions, addresses, URLs.
    let not_numbers = "`0.23 × 2.5` ml.p3.2xlarge versão 2.0, Python 3.12, GPUtil 1.4.0, 10.0.0.1 \
                       https://example.com/v1.2/ (ml.g5.48xlarge).\n```text\n0.23 USD/h × 2.5 h\n```\n";
    assert!(misformatted_numbers(not_numbers, Lang::Pt).is_empty());
    assert!(misformatted_numbers("64 × 0.23 = 14.72", Lang::Pt) == ["0.23", "14.72"]);
}

/// Portuguese numbers use the decimal comma and the thousands point, as the
/// rendered tables do; English keeps the decimal point (issue 27).
#[test]
fn numbers_are_written_in_each_languages_notation() {
    let course = course();
    let mut problems = Vec::new();
    for lang in [Lang::Pt, Lang::En] {
        for (at, text) in prose(&course, lang) {
            for number in misformatted_numbers(&text, lang) {
                problems.push(format!("{at}: {number}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} numbers in the other language's notation:\n{}",
        problems.len(),
        problems.join("\n")
    );
}
