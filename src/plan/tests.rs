//! Plans built from snapshots edited in place: AWS's order, what each level
//! adds, what stays and why, and the journal's file.

use std::collections::BTreeMap;

use super::journal::{Journal, State};
use super::teardown::{Options, storage_after, teardown_plan};
use super::*;
use crate::catalog::prices::PriceBook;
use crate::course::Course;
use crate::i18n::Lang;
use crate::snapshot::studio::Current;
use crate::snapshot::*;

fn course() -> Course {
    Course::load(None, Lang::En, &crate::checks::known()).unwrap()
}

const NOW: &str = "2026-11-28T12:00:00Z";

fn app(space: Option<&str>, profile: Option<&str>, app_type: &str, name: &str, status: &str) -> App {
    App {
        domain_id: "d-course".into(),
        user_profile: profile.map(str::to_string),
        space: space.map(str::to_string),
        app_type: app_type.into(),
        name: name.into(),
        status: status.into(),
        instance_type: Some(
            if app_type == "JupyterServer" {
                "system"
            } else {
                "ml.t3.medium"
            }
            .into(),
        ),
        created_at: Some("2026-11-28T10:00:00Z".into()),
        image: None,
        activity: None,
    }
}

fn space(name: &str, owner: Option<&str>, sharing: &str) -> Space {
    Space {
        domain_id: "d-course".into(),
        name: name.into(),
        owner: owner.map(str::to_string),
        app_type: Some("JupyterLab".into()),
        settings: Some(SpaceSettings {
            ebs_gb: Some(10),
            ..SpaceSettings::default()
        }),
        sharing: Some(sharing.into()),
        status: Some("InService".into()),
        modified_at: None,
    }
}

/// The account: a domain with its EFS, two user profiles, a shared
/// and a private space (the private one with a running JupyterLab app),
/// Studio Classic's free app, a stopped notebook instance, a running MLflow
/// server, and an EFS left behind by a deleted domain.
fn account(course: &Course) -> Snapshot {
    let mut s = course.sandbox("clean", Lang::En).unwrap();
    s.taken_at = NOW.into();
    s.region = Some("us-east-1".into());
    s.domains = Ok(vec![Domain {
        id: "d-course".into(),
        name: "course".into(),
        status: "InService".into(),
        defaults: StudioSettings::default(),
        home_efs_id: Some("fs-home".into()),
        default_space_gb: None,
        modified_at: None,
    }]);
    s.user_profiles = Ok(["ana", "bruno"]
        .iter()
        .map(|name| UserProfile {
            domain_id: "d-course".into(),
            name: name.to_string(),
            settings: StudioSettings::default(),
            modified_at: None,
        })
        .collect());
    s.spaces = Ok(vec![
        space("shared", None, "Shared"),
        space("lab", Some("ana"), "Private"),
    ]);
    s.apps = Ok(vec![
        app(Some("lab"), None, "JupyterLab", "default", "InService"),
        app(None, Some("bruno"), "JupyterServer", "default", "InService"),
    ]);
    s.notebook_instances = Ok(vec![NotebookInstance {
        name: "nb-old".into(),
        status: "Stopped".into(),
        instance_type: Some("ml.t3.medium".into()),
        started_at: None,
        lifecycle_config: None,
        lifecycle_script: None,
        created_at: None,
        volume_gb: Some(20),
    }]);
    s.mlflow_servers = Ok(vec![MlflowServer {
        name: "tracking".into(),
        status: "Started".into(),
        size: Some("Small".into()),
        started_at: Some("2026-11-28T10:00:00Z".into()),
    }]);
    let fs = |id: &str, domain: &str, exists: bool| FileSystem {
        id: id.into(),
        name: None,
        size_bytes: Some(10 * 1_073_741_824),
        domain_id: Some(domain.into()),
        domain_exists: exists,
        mount_targets: 2,
        state: "available".into(),
    };
    s.file_systems = Ok(vec![fs("fs-home", "d-course", true), fs("fs-left", "d-gone", false)]);
    s.endpoints = Ok(Vec::new());
    s
}

/// The session's own app: JupyterLab in the private space `lab`.
fn in_lab() -> Current {
    Current {
        kind: crate::snapshot::inventory::ResourceKind::StudioApp,
        name: "default".into(),
        region: Some("us-east-1".into()),
        domain_id: Some("d-course".into()),
        user_profile: None,
        space: Some("lab".into()),
        app_type: Some("JupyterLab".into()),
    }
}

fn plan_of(s: &Snapshot, level: Level, kept: &BTreeMap<String, String>, include_current: bool) -> Plan {
    let course = course();
    let prices = PriceBook::new(&course.instances);
    let options = Options {
        level,
        include_current,
        domain_id: None,
        kept,
        lang: Lang::En,
    };
    teardown_plan("123456789012", &[s], &prices, false, &options)
}

fn labels(plan: &Plan) -> Vec<String> {
    plan.steps.iter().map(|s| format!("{} {}", s.action, s.label)).collect()
}

fn order_of(plan: &Plan, label: &str) -> usize {
    plan.steps
        .iter()
        .find(|s| s.label == label)
        .unwrap_or_else(|| panic!("{label} not in {:?}", labels(plan)))
        .order
}

#[test]
fn compute_stops_what_bills_by_the_hour_and_deletes_no_data() {
    let course = course();
    let s = account(&course);
    let plan = plan_of(&s, Level::Compute, &BTreeMap::new(), false);
    assert_eq!(
        labels(&plan),
        [
            "delete JupyterLab app d-course/lab/default",
            "stop MLflow tracking server tracking"
        ]
    );
    assert!(
        plan.steps
            .iter()
            .all(|s| s.deletes_data.is_none() && s.depends_on.is_empty())
    );
    let app = &plan.steps[0];
    assert!(app.saves_usd_per_hour.unwrap() > 0.0);
    assert_eq!(
        app.saves_usd_per_month,
        Some(crate::catalog::round(app.saves_usd_per_hour.unwrap() * HOURS_PER_MONTH))
    );
    // The spaces, the notebook instance's volume and both EFS still bill.
    let prices = PriceBook::new(&course.instances);
    let (after, _) = storage_after(&plan, &[&s], &prices);
    assert!(after > 0.0);
}

#[test]
fn storage_deletes_spaces_after_their_apps_and_the_notebook_and_mlflow_server() {
    let course = course();
    let s = account(&course);
    let plan = plan_of(&s, Level::Storage, &BTreeMap::new(), false);
    let app = order_of(&plan, "JupyterLab app d-course/lab/default");
    let lab = plan.steps.iter().find(|s| s.label == "space d-course/lab").unwrap();
    assert_eq!(lab.depends_on, [app], "a space goes after its apps");
    assert!(lab.order > app);
    assert_eq!(lab.confirm_with.as_deref(), Some("d-course"));
    assert!(lab.deletes_data.as_deref().unwrap().contains("/home/sagemaker-user"));
    assert!(lab.keep_copy.as_deref().unwrap().contains("aws s3 sync"));
    assert!(lab.saves_usd_per_month.unwrap() > 0.0, "10 GB of volume");
    let shared = plan.steps.iter().find(|s| s.label == "space d-course/shared").unwrap();
    assert!(shared.depends_on.is_empty());
    let nb = plan
        .steps
        .iter()
        .find(|s| s.label == "notebook instance nb-old" && s.action == "delete")
        .unwrap();
    assert_eq!(nb.confirm_with.as_deref(), Some("nb-old"));
    assert!(nb.depends_on.is_empty(), "already Stopped");
    // The MLflow server is deleted, not stopped first.
    assert_eq!(
        plan.steps
            .iter()
            .filter(|s| s.kind == "mlflow-tracking-server")
            .map(|s| s.action.as_str())
            .collect::<Vec<_>>(),
        ["delete"]
    );
    // No profile, domain or EFS at this level.
    assert!(
        plan.steps
            .iter()
            .all(|s| !["user-profile", "domain", "efs"].contains(&s.kind.as_str()))
    );
}

#[test]
fn domain_goes_in_aws_order_apps_spaces_profiles_domain_then_left_behind_efs() {
    let course = course();
    let s = account(&course);
    let plan = plan_of(&s, Level::Domain, &BTreeMap::new(), false);
    let at = |label: &str| order_of(&plan, label);
    let (lab, shared) = (at("space d-course/lab"), at("space d-course/shared"));
    let (ana, bruno) = (at("user profile d-course/ana"), at("user profile d-course/bruno"));
    let domain = at("domain d-course");
    // Ana owns the private space; Bruno's free Studio Classic app goes first.
    assert!(plan.step(ana).unwrap().depends_on.contains(&lab));
    let classic = at("JupyterServer app d-course/bruno/default");
    assert!(plan.step(bruno).unwrap().depends_on.contains(&classic));
    let deps = &plan.step(domain).unwrap().depends_on;
    for step in [ana, bruno, lab, shared] {
        assert!(deps.contains(&step), "the domain waits for {step}: {deps:?}");
        assert!(step < domain);
    }
    // The domain takes its home EFS with it; a left-behind EFS loses its
    // mount targets first.
    let d = plan.step(domain).unwrap();
    assert!(d.api_call.contains("RetentionPolicy.HomeEfsFileSystem=Delete"));
    assert!(d.deletes_data.as_deref().unwrap().contains("fs-home"));
    assert!(d.saves_usd_per_month.unwrap() > 0.0, "the 10 GB home EFS");
    let mounts = at("mount targets of EFS fs-left");
    let efs = plan.step(at("EFS fs-left")).unwrap();
    assert_eq!(efs.depends_on, [mounts]);
    assert!(efs.order > domain);
    assert_eq!(efs.confirm_with.as_deref(), Some("fs-left"));
    // Every dependency comes earlier: the plan can be run from the top.
    for step in &plan.steps {
        assert!(step.depends_on.iter().all(|d| *d < step.order), "{step:?}");
    }
    let prices = PriceBook::new(&course.instances);
    assert_eq!(
        storage_after(&plan, &[&s], &prices),
        (0.0, false),
        "nothing left billing"
    );
    // The JSON a dry run prints carries the fields.
    let json = serde_json::to_value(&plan).unwrap();
    for field in [
        "order",
        "action",
        "kind",
        "name",
        "region",
        "saves_usd_per_month",
        "deletes_data",
        "depends_on",
    ] {
        assert!(json["steps"][0].get(field).is_some(), "{field}: {}", json["steps"][0]);
    }
}

#[test]
fn inside_studio_the_space_profile_and_domain_of_the_session_stay_and_say_why() {
    let course = course();
    let mut s = account(&course);
    s.local.current = Some(in_lab());
    // The bill marks the current app (as the collector's snapshot would).
    let compute = plan_of(&s, Level::Compute, &BTreeMap::new(), false);
    assert!(
        compute.steps.iter().all(|s| s.kind != "studio-app"),
        "{:?}",
        labels(&compute)
    );
    assert!(compute.left.iter().any(|l| l.why.contains("--include-current")));
    let with = plan_of(&s, Level::Compute, &BTreeMap::new(), true);
    let own = with.steps.iter().find(|s| s.kind == "studio-app").unwrap();
    assert!(own.current && own.order == with.steps.len(), "last");

    let plan = plan_of(&s, Level::Domain, &BTreeMap::new(), false);
    let left: Vec<&str> = plan.left.iter().map(|l| l.label.as_str()).collect();
    for label in ["space d-course/lab", "user profile d-course/ana", "domain d-course"] {
        assert!(left.contains(&label), "{label} stays: {left:?}");
    }
    let lab = plan.left.iter().find(|l| l.label == "space d-course/lab").unwrap();
    assert!(lab.why.contains("CloudShell"), "{}", lab.why);
    // What does not depend on the session still goes.
    assert!(plan.steps.iter().any(|s| s.label == "space d-course/shared"));
    assert!(plan.steps.iter().any(|s| s.label == "user profile d-course/bruno"));
}

#[test]
fn what_the_learner_keeps_stays_with_their_reason_and_so_does_what_needs_it_gone() {
    let course = course();
    let s = account(&course);
    let kept = BTreeMap::from([("shared".to_string(), "module 6 uses it".to_string())]);
    let plan = plan_of(&s, Level::Domain, &kept, false);
    let shared = plan.left.iter().find(|l| l.name == "shared").unwrap();
    assert!(shared.why.contains("module 6 uses it"));
    let domain = plan.left.iter().find(|l| l.label == "domain d-course").unwrap();
    assert!(domain.why.contains("space d-course/shared"), "{}", domain.why);
    // The rest of the domain's contents still goes.
    assert!(plan.steps.iter().any(|s| s.label == "space d-course/lab"));
}

#[test]
fn a_step_already_under_way_only_waits_and_dropping_a_step_drops_what_needs_it() {
    let course = course();
    let mut s = account(&course);
    if let Ok(spaces) = &mut s.spaces {
        spaces[0].status = Some("Deleting".into());
    }
    let mut plan = plan_of(&s, Level::Domain, &BTreeMap::new(), false);
    let shared = plan.steps.iter().find(|s| s.label == "space d-course/shared").unwrap();
    assert_eq!(shared.found.as_deref(), Some("Deleting"));
    // The learner does not confirm the domain: its contents and it stay,
    // the notebook instance and the left-behind EFS still go.
    plan.retain(|s| s.confirm_with.as_deref() != Some("d-course"));
    let kinds: Vec<&str> = plan.steps.iter().map(|s| s.kind.as_str()).collect();
    assert!(
        !kinds.contains(&"domain") && !kinds.contains(&"user-profile") && !kinds.contains(&"space"),
        "{kinds:?}"
    );
    assert!(plan.steps.iter().any(|s| s.label == "notebook instance nb-old"));
    assert!(plan.steps.iter().any(|s| s.label == "EFS fs-left"));
}

#[test]
fn audit_stop_puts_the_learners_own_resource_last() {
    let course = course();
    let mut s = account(&course);
    s.apps = Ok(vec![
        app(Some("lab"), None, "JupyterLab", "default", "InService"),
        app(Some("shared"), None, "CodeEditor", "default", "InService"),
    ]);
    s.local.current = Some(in_lab());
    let prices = PriceBook::new(&course.instances);
    let audit = crate::audit::assess(
        &prices,
        &s,
        &crate::audit::Morning {
            hours: 1.0,
            zone: "UTC".into(),
        },
    );
    let chosen: Vec<&Billed> = audit.running.iter().collect();
    let plan = stop_plan(&audit, &chosen);
    assert_eq!(plan.command, "audit --stop");
    assert!(plan.steps.last().unwrap().current);
    assert!(!plan.steps[0].current);
}

#[test]
fn the_journal_is_written_whole_and_read_back_and_names_its_command_and_account() {
    let dir = tempfile::tempdir().unwrap();
    let path = Journal::path(dir.path(), "audit --stop", "1234-5678 9012");
    assert_eq!(path, dir.path().join("journal").join("audit-stop-123456789012.json"));
    let course = course();
    let plan = plan_of(&account(&course), Level::Storage, &BTreeMap::new(), false);
    let mut journal = Journal::new(&plan);
    assert!(journal.records.iter().all(|r| r.state == State::Pending));
    journal.set(1, State::Done);
    journal.save(&path).unwrap();
    let read = Journal::load(&path).unwrap();
    assert_eq!(read.records[0].state, State::Done);
    assert_eq!(read.records[0].key, plan.steps[0].key());
    assert_eq!(read.plan, plan);
    assert_eq!(read.counts().0, 1);
    std::fs::write(&path, "{ not json").unwrap();
    assert!(Journal::load(&path).is_none(), "a damaged journal is no journal");
}
