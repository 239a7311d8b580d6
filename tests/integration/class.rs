//! A class found in AWS Organizations, exceptions that expire, and the
//! class run's progress line, against the emulator: moto's Organizations
//! (nested OUs, ListChildren paged as AWS pages it, CloseAccount making an
//! account SUSPENDED) and AssumeRole into each student's account.

use std::process::Output;
use std::time::Duration;

use aws_sdk_organizations::types::ChildType;
use serde_json::Value;

use crate::emulator::*;
use crate::instructor::row;
use crate::live::{Seed, by_id, json};
use crate::util::*;

/// The instructor's organisation in the emulator (the test credentials'
/// account is its management account).
struct Org {
    client: aws_sdk_organizations::Client,
    root: String,
}

impl Org {
    fn new(emulator: &Emulator) -> Org {
        let client = aws_sdk_organizations::Client::new(&emulator.sdk());
        block_on(client.create_organization().send()).unwrap();
        let roots = block_on(client.list_roots().send()).unwrap();
        let root = roots.roots()[0].id().unwrap().to_string();
        Org { client, root }
    }

    fn unit(&self, parent: &str, name: &str) -> String {
        let made = block_on(
            self.client
                .create_organizational_unit()
                .parent_id(parent)
                .name(name)
                .send(),
        )
        .unwrap();
        made.organizational_unit().unwrap().id().unwrap().to_string()
    }

    /// A new account named `name`, moved under `parent`.
    fn account(&self, parent: &str, name: &str) -> String {
        let made = block_on(
            self.client
                .create_account()
                .account_name(name)
                .email(format!("{}@example.com", name.replace(' ', ".")))
                .send(),
        )
        .unwrap();
        let id = made.create_account_status().unwrap().account_id().unwrap().to_string();
        block_on(
            self.client
                .move_account()
                .account_id(&id)
                .source_parent_id(&self.root)
                .destination_parent_id(parent)
                .send(),
        )
        .unwrap();
        id
    }

    fn close(&self, account: &str) {
        block_on(self.client.close_account().account_id(account).send()).unwrap();
    }

    /// The child OUs of `parent` as the emulator lists them (first page).
    fn first_page_of_units(&self, parent: &str) -> usize {
        let page = block_on(
            self.client
                .list_children()
                .parent_id(parent)
                .child_type(ChildType::OrganizationalUnit)
                .send(),
        )
        .unwrap();
        page.children().len()
    }
}

fn status_of(student: &Value, id: &str) -> String {
    student["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .map_or_else(
            || panic!("no check {id} in {student}"),
            |c| c["status"].as_str().unwrap().to_string(),
        )
}

fn verify(learner: &Learner, emulator: &Emulator, args: &[&str]) -> Output {
    let mut all = vec!["instructor", "verify"];
    all.extend_from_slice(args);
    emulator.run(learner, &all)
}

/// Three students in the course's OU (two of them one level down) and a
/// fourth whose account was closed: (unit, [ana, bruno, carla, dora]).
fn four_students(emulator: &Emulator, org: &Org) -> (String, [String; 4]) {
    let course = org.unit(&org.root, "course");
    let group = org.unit(&course, "group-a");
    let ana = org.account(&group, "Ana Souza");
    let bruno = org.account(&group, "Bruno Lima");
    let carla = org.account(&course, "Carla Dias");
    let dora = org.account(&course, "Dora Closed");
    org.close(&dora);
    // Ana left a notebook running; the others left nothing.
    Seed::in_account(emulator, &ana).notebook("forgotten", "ml.t3.medium", 3600);
    (course, [ana, bruno, carla, dora])
}

#[test]
fn the_units_three_students_are_verified_and_the_suspended_one_is_listed() {
    let emulator = Emulator::start();
    let org = Org::new(&emulator);
    let (course, [ana, bruno, carla, dora]) = four_students(&emulator, &org);
    let learner = Learner::new();
    let output = verify(&learner, &emulator, &["--org-ou", &course, "--format", "json"]);
    expect_code(&output, 1);
    let book = json(&output);
    let names = crate::instructor::names(&book);
    assert_eq!(
        names,
        ["Ana Souza", "Bruno Lima", "Carla Dias", "Dora Closed"],
        "sorted by name"
    );
    for (name, account) in [("Ana Souza", &ana), ("Bruno Lima", &bruno), ("Carla Dias", &carla)] {
        let student = row(&book, name);
        assert_eq!(student["status"], "ok", "{student}");
        // Each is its own account, reached through the audit role.
        assert_eq!(student["account"], account.as_str(), "{student}");
        assert_eq!(status_of(student, "identity"), "pass");
    }
    assert_eq!(status_of(row(&book, "Ana Souza"), "notebook-instances"), "fail");
    assert_eq!(status_of(row(&book, "Bruno Lima"), "notebook-instances"), "pass");
    let closed = row(&book, "Dora Closed");
    assert_eq!(closed["status"], "suspended");
    assert_eq!(closed["account"], dora.as_str());
    assert!(closed["checks"].as_array().unwrap().is_empty(), "never read: {closed}");
    assert!(closed["error"].as_str().unwrap().contains("SUSPENDED"), "{closed}");
    assert_eq!(book["summary"]["suspended"], 1);
    assert_eq!(book["summary"]["ok"], 3);

    let table = stdout(&verify(&learner, &emulator, &["--org-ou", &course]));
    assert!(table.contains("Dora Closed"), "{table}");
    assert!(
        table.contains("1 account(s) suspended in the organisation: listed, not verified."),
        "{table}"
    );
    // The template the unit's accounts get through a StackSet names the role assumed.
    let template = learner.run(&[
        "instructor",
        "role-template",
        "--stackset",
        "--instructor-account",
        ACCOUNT,
    ]);
    expect_code(&template, 0);
    assert!(stdout(&template).contains("RoleName: CourseAudit"));
}

#[test]
fn nested_units_and_pages_of_units_and_accounts_are_all_followed() {
    let emulator = Emulator::start();
    let org = Org::new(&emulator);
    let course = org.unit(&org.root, "course");
    // 21 units under the course: AWS (and the emulator) page ListChildren
    // by 20, so the last unit is on the second page.
    let mut units = Vec::new();
    for n in 1..=21 {
        units.push(org.unit(&course, &format!("group-{n:02}")));
    }
    assert_eq!(org.first_page_of_units(&course), 20, "the emulator pages as AWS does");
    // Two levels below the course, on the second page, 21 accounts: more
    // than a page of ListAccountsForParent.
    let deep = org.unit(&units[20], "deep");
    let accounts: Vec<String> = (1..=21)
        .map(|n| org.account(&deep, &format!("student-{n:02}")))
        .collect();
    let learner = Learner::new();
    let output = verify(
        &learner,
        &emulator,
        &[
            "--org-ou",
            &course,
            "--format",
            "json",
            "--only",
            "identity",
            "--concurrency",
            "16",
        ],
    );
    expect_code(&output, 0);
    let book = json(&output);
    let mut found: Vec<String> = book["students"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            assert_eq!(s["status"], "ok", "{s}");
            s["account"].as_str().unwrap().to_string()
        })
        .collect();
    found.sort();
    let mut expected = accounts.clone();
    expected.sort();
    assert_eq!(found, expected, "every account of every page, two levels down");
}

#[test]
fn a_refused_organizations_call_is_named_and_stops_the_run() {
    for (fault, action) in [
        ("ListChildren=AccessDeniedException:400", "organizations:ListChildren"),
        (
            "ListAccountsForParent=AccessDeniedException:400",
            "organizations:ListAccountsForParent",
        ),
    ] {
        let emulator = Emulator::with(Options {
            faults: vec![fault.into()],
            ..Options::default()
        });
        let org = Org::new(&emulator);
        let course = org.unit(&org.root, "course");
        org.account(&course, "Ana Souza");
        let learner = Learner::new();
        let output = verify(&learner, &emulator, &["--org-ou", &course]);
        expect_code(&output, 2);
        let err = stderr(&output);
        assert!(
            err.contains(&format!("AWS Organizations refused {action} on {course}")),
            "{err}"
        );
        assert!(err.contains("sm-course iam-policy --instructor"), "{err}");
        assert!(stdout(&output).is_empty(), "no gradebook: {}", stdout(&output));
    }
    // A unit id that is none is refused before any call.
    let learner = Learner::new();
    let output = learner.run(&["instructor", "verify", "--org-ou", "course"]);
    expect_code(&output, 2);
    assert!(stderr(&output).contains("--org-ou course: not the id of an organisational unit"));
    // The instructor's policy grants what the run needs.
    let policy: Value = serde_json::from_str(&stdout(&learner.run(&["iam-policy", "--instructor"]))).unwrap();
    assert_eq!(
        policy["Statement"][1]["Action"],
        serde_json::json!(["organizations:ListAccountsForParent", "organizations:ListChildren"])
    );
}

#[test]
fn a_roster_names_the_units_accounts_and_its_other_students_are_still_verified() {
    let emulator = Emulator::start();
    let org = Org::new(&emulator);
    let (course, [ana, bruno, _, dora]) = four_students(&emulator, &org);
    let outside = "100000000077";
    let learner = Learner::new();
    let roster = learner.dir.path().join("class.toml");
    std::fs::write(
        &roster,
        format!(
            "[defaults]\nregion = \"eu-central-1\"\n\n\
             [[student]]\nname = \"Ana (roster)\"\naccount_id = \"{ana}\"\nrole_name = \"CourseAudit\"\n\n\
             [[student]]\nname = \"Dora (roster)\"\naccount_id = \"{dora}\"\nrole_name = \"CourseAudit\"\n\n\
             [[student]]\nname = \"Olga Outside\"\naccount_id = \"{outside}\"\nrole_name = \"CourseAudit\"\n"
        ),
    )
    .unwrap();
    let output = verify(
        &learner,
        &emulator,
        &[roster.to_str().unwrap(), "--org-ou", &course, "--format", "json"],
    );
    expect_code(&output, 1);
    let book = json(&output);
    assert_eq!(book["students"].as_array().unwrap().len(), 5, "{book}");
    assert_eq!(row(&book, "Ana (roster)")["account"], ana.as_str(), "the roster's name");
    assert_eq!(row(&book, "Ana (roster)")["region"], "eu-central-1");
    assert_eq!(row(&book, "Bruno Lima")["account"], bruno.as_str(), "the unit's name");
    assert_eq!(row(&book, "Dora (roster)")["status"], "suspended");
    let olga = row(&book, "Olga Outside");
    assert_eq!((&olga["status"], &olga["account"]), (&"ok".into(), &outside.into()));
    assert!(
        stderr(&output).contains(&format!(
            "Olga Outside ({outside}) is in the roster but not under {course}: verified anyway"
        )),
        "{}",
        stderr(&output)
    );
}

/// An account with a running endpoint (`shared-demo`), checked by the learner.
fn endpoint_account(emulator: &Emulator) -> Learner {
    Seed::new(emulator).endpoint("shared-demo", "ml.m5.large", 1);
    Learner::new()
}

fn endpoint_exception(expires: &str) -> String {
    format!(
        "[[exception]]\ncheck = \"endpoints\"\nresource = {{ kind = \"endpoint\", name = \"shared-*\" }}\n\
         reason = \"the class's demo endpoint\"\nexpires = {expires}\n"
    )
}

#[test]
fn a_muted_endpoint_is_muted_until_its_date_and_fails_after_it() {
    let emulator = Emulator::start();
    let learner = endpoint_account(&emulator);
    let file = learner.dir.path().join("exceptions.toml");
    let check = |extra: &[&str]| {
        let mut args = vec!["module5", "check", "--only", "endpoints", "--format", "json"];
        args.extend_from_slice(extra);
        emulator.run(&learner, &args)
    };
    // Without an exception, the endpoint fails the check.
    let plain = check(&[]);
    expect_code(&plain, 1);
    assert_eq!(by_id(&json(&plain), "endpoints")["status"], "fail");

    std::fs::write(&file, endpoint_exception("2999-12-31")).unwrap();
    let muted = check(&["--exceptions", file.to_str().unwrap()]);
    expect_code(&muted, 0);
    let report = json(&muted);
    let endpoints = by_id(&report, "endpoints");
    assert_eq!(endpoints["status"], "muted", "{endpoints}");
    assert_eq!(endpoints["exceptions"][0]["name"], "shared-demo");
    assert_eq!(endpoints["exceptions"][0]["reason"], "the class's demo endpoint");
    assert_eq!(endpoints["exceptions"][0]["expires"], "2999-12-31");
    assert_eq!(report["summary"]["muted"], 1);

    std::fs::write(&file, endpoint_exception("2020-01-31")).unwrap();
    let expired = check(&["--exceptions", file.to_str().unwrap()]);
    expect_code(&expired, 1);
    let report = json(&expired);
    let endpoints = by_id(&report, "endpoints");
    assert_eq!(endpoints["status"], "fail");
    assert!(
        endpoints["summary"]
            .as_str()
            .unwrap()
            .contains("exception expired on 2020-01-31: endpoint shared-demo"),
        "{endpoints}"
    );

    // exceptions.toml in the configuration directory (SM_COURSE_HOME here)
    // is read without the flag; text, Markdown and JUnit show it apart.
    std::fs::create_dir_all(learner.home()).unwrap();
    std::fs::write(learner.home().join("exceptions.toml"), endpoint_exception("2999-12-31")).unwrap();
    let text = emulator.run(&learner, &["module5", "check", "--only", "endpoints"]);
    expect_code(&text, 0);
    let shown = stdout(&text);
    assert!(shown.contains("~ MUTED"), "{shown}");
    // Wrapped at 80 columns: the words, one line at a time.
    assert!(
        shown.contains("~ muted until 2999-12-31: endpoint shared-demo"),
        "{shown}"
    );
    assert!(shown.contains("exceptions.toml:1) · $"), "what it still costs: {shown}");
    assert!(shown.contains("1 muted"), "{shown}");
    let md = stdout(&emulator.run(
        &learner,
        &["module5", "check", "--only", "endpoints", "--format", "markdown"],
    ));
    assert!(
        md.contains("| muted |") && md.contains("## Accepted by an exception"),
        "{md}"
    );
    let junit = stdout(&emulator.run(
        &learner,
        &["module5", "check", "--only", "endpoints", "--format", "junit"],
    ));
    let doc = roxmltree::Document::parse(&junit).unwrap();
    let case = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("endpoints"))
        .unwrap();
    assert!(case.children().any(|c| c.has_tag_name("skipped")), "{junit}");

    // The audit shows it apart, still billing, and exits 0 for it.
    let audit = emulator.run(&learner, &["module5", "audit"]);
    expect_code(&audit, 0);
    let shown = stdout(&audit);
    assert!(shown.contains("Accepted by an exception until its date"), "{shown}");
    assert!(shown.contains("These still bill"), "{shown}");
    let audit = emulator.run(&learner, &["module5", "audit", "--format", "json"]);
    let audit = json(&audit);
    assert!(audit["per_hour_usd"].as_f64().unwrap() > 0.0, "still counted: {audit}");
    assert_eq!(audit["exceptions"][0]["name"], "shared-demo");
}

#[test]
fn a_bad_exceptions_file_is_refused_with_every_line_before_anything_is_read() {
    let learner = Learner::new();
    let file = learner.dir.path().join("exceptions.toml");
    std::fs::write(
        &file,
        "[[exception]]\ncheck = \"endpoints\"\nresource = { kind = \"endpoint\", name = \"x\" }\n\n\
         [[exception]]\ncheck = \"budget\"\nreason = \"the class budget\"\n",
    )
    .unwrap();
    let path = file.to_str().unwrap();
    // No AWS is configured: exit 2 comes from the file, for all three commands.
    for args in [
        vec!["module5", "check", "--exceptions", path],
        vec!["module5", "audit", "--exceptions", path],
        vec![
            "instructor",
            "verify",
            "--org-ou",
            "ou-abcd-12345678",
            "--exceptions",
            path,
        ],
    ] {
        let output = learner.run(&args);
        expect_code(&output, 2);
        let err = stderr(&output);
        assert!(
            err.contains(&format!("the exceptions file {path} has 3 problems:")),
            "{err}"
        );
        assert!(err.contains(&format!("{path}:1: field `reason`")), "{err}");
        assert!(err.contains(&format!("{path}:1: field `expires`")), "{err}");
        assert!(err.contains(&format!("{path}:5: field `expires`")), "{err}");
    }
    let pt = learner.run(&["--lang", "pt", "module5", "check", "--exceptions", path]);
    expect_code(&pt, 2);
    assert!(
        stderr(&pt).contains("campo `reason`: uma exceção precisa de um `reason`"),
        "{}",
        stderr(&pt)
    );
    expect_code(
        &learner.run(&["module5", "check", "--exceptions", "/nonexistent/x.toml"]),
        2,
    );
}

#[test]
fn a_rosters_exception_for_one_student_mutes_only_that_students_endpoint() {
    let emulator = Emulator::start();
    let (ana, bruno) = ("100000000001", "100000000002");
    for account in [ana, bruno] {
        Seed::in_account(&emulator, account).endpoint("shared-demo", "ml.m5.large", 1);
    }
    let learner = Learner::new();
    let roster = learner.dir.path().join("class.toml");
    std::fs::write(
        &roster,
        format!(
            "[defaults]\nrole_name = \"CourseAudit\"\n\n\
             [[student]]\nname = \"Ana\"\naccount_id = \"{ana}\"\n\n\
             [[student]]\nname = \"Bruno\"\naccount_id = \"{bruno}\"\n\n\
             [[exception]]\ncheck = \"endpoints\"\nstudent = \"Ana\"\nresource = {{ name = \"shared-demo\" }}\n\
             reason = \"Ana's capstone endpoint\"\nexpires = 2999-01-01\n"
        ),
    )
    .unwrap();
    let roster = roster.to_str().unwrap();
    let output = verify(
        &learner,
        &emulator,
        &[roster, "--format", "json", "--only", "endpoints"],
    );
    expect_code(&output, 1);
    let book = json(&output);
    assert_eq!(status_of(row(&book, "Ana"), "endpoints"), "muted");
    assert_eq!(status_of(row(&book, "Bruno"), "endpoints"), "fail");
    assert_eq!(book["summary"]["muted"], 1);
    let csv = stdout(&verify(
        &learner,
        &emulator,
        &[roster, "--format", "csv", "--only", "endpoints"],
    ));
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].ends_with(",endpoints,error,muted"), "{csv}");
    assert!(
        lines[1].contains(",muted,,endpoints: endpoint shared-demo → 2999-01-01 (Ana's capstone endpoint)"),
        "{csv}"
    );
    assert!(lines[2].contains(",fail,,"), "{csv}");
    let table = stdout(&verify(&learner, &emulator, &[roster, "--only", "endpoints"]));
    assert!(table.contains("Muted by an exception (until its date)"), "{table}");
    // A roster exception naming someone not in it is refused with its line.
    let bad = learner.dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[student]]\nname = \"Ana\"\nprofile = \"ana\"\n\n[[exception]]\ncheck = \"endpoints\"\nstudent = \"Bia\"\n\
         reason = \"x\"\nexpires = 2999-01-01\n",
    )
    .unwrap();
    let output = learner.run(&["instructor", "verify", bad.to_str().unwrap()]);
    expect_code(&output, 2);
    assert!(
        stderr(&output).contains(&format!("{}:5: field `student`", bad.display())),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_progress_line_is_drawn_on_a_terminal_and_never_on_a_pipe() {
    // Slow enough per request that the line is drawn while students are read.
    let emulator = Emulator::with(Options {
        latency_ms: 40,
        ..Options::default()
    });
    let learner = Learner::new();
    let roster = learner.dir.path().join("class.toml");
    let mut text = String::from("[defaults]\nrole_name = \"CourseAudit\"\n");
    for n in 1..=4 {
        text.push_str(&format!(
            "\n[[student]]\nname = \"Student {n}\"\naccount_id = \"10000000000{n}\"\n"
        ));
    }
    std::fs::write(&roster, text).unwrap();
    let args = [
        "instructor",
        "verify",
        roster.to_str().unwrap(),
        "--concurrency",
        "1",
        "--only",
        "identity",
    ];

    let piped = emulator.run(&learner, &args);
    expect_code(&piped, 0);
    assert!(!stderr(&piped).contains("students checked"), "{}", stderr(&piped));
    assert!(!stderr(&piped).contains("errors so far"), "{}", stderr(&piped));

    let mut cmd = learner.command(&args);
    emulator.configure(&mut cmd);
    cmd.env("TERM", "xterm-256color");
    let mut session = expectrl::Session::spawn(cmd).expect("spawn in a pty");
    session.get_process_mut().set_window_size(200, 40).unwrap();
    session.set_expect_timeout(Some(Duration::from_secs(60)));
    let seen = session
        .expect(expectrl::Regex(r"\d/4 students checked · errors so far: 0 · [^\r\n]*"))
        .unwrap_or_else(|e| panic!("no progress line on the terminal: {e}"));
    let line = String::from_utf8_lossy(seen.get(0).unwrap()).into_owned();
    assert!(line.contains("left"), "{line}");
    // The gradebook follows, with every student.
    session.expect("Student 4").unwrap();
    session.expect(expectrl::Eof).unwrap();
}
