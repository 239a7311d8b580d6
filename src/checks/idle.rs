//! Why idle shutdown did (not) stop a running Studio app: the setting that
//! applies and its timeout, whether the app type and image support built-in
//! idle shutdown, the last activity AWS reports against the timeout, and one
//! verdict. Pure: the snapshot in, words out.
//!
//! Facts this rests on (AWS's pages):
//! - "Idle shutdown" (studio-updated-idle-shutdown.html): built-in for
//!   JupyterLab and Code Editor only, set per app type on the domain or the
//!   user profile (the profile wins); it "requires the usage of the
//!   SageMaker-distribution (SMD) image with v2.0 or newer"; a JupyterLab
//!   app is idle with no active Jupyter kernel and no terminal sessions, a
//!   Code Editor app with no file changes, viewed files, terminal use,
//!   background processes, processing kernels or unsaved work.
//! - Its setup page: a custom image needs SMD 2.0 or newer as its base, or
//!   `jupyter-activity-monitor-extension` 0.3.1 or newer.
//! - ResourceSpec (API reference): `SageMakerImageArn`, and
//!   `SageMakerImageVersionAlias` "in SemVer 2.0.0 versioning format"; the
//!   SMD images are `…:image/sagemaker-distribution-cpu` and `-gpu` in each
//!   region ("Code Editor application instances and images").
//! - DescribeApp: `LastUserActivityTimestamp` "is also updated when SageMaker
//!   AI performs health checks without user activity. As a result, this
//!   value is set to the same value as LastHealthCheckTimestamp" (see
//!   `snapshot::AppActivity`): the user was idle at least as long as it says.
//! - Studio lifecycle scripts log to CloudWatch Logs, group
//!   `/aws/sagemaker/studio`, stream
//!   `{domain-id}/{space-name}/{app-type}/default/LifecycleConfigOnStart`
//!   ("Debug lifecycle configurations").

use serde::Serialize;

use super::{Judge, Resource};
use crate::i18n::{Lang, tr, trf};
use crate::snapshot::{App, AppImage, Snapshot, seconds_between};

/// A shutdown this much later than due is not yet a failure: the idle
/// check runs now and then, not continuously.
pub(crate) const GRACE_MINUTES: u64 = 10;

/// Where idle shutdown comes from for an app (or a profile), and its timeout.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Coverage {
    /// In the learner's words: "built-in JupyterLab idle shutdown after 60 min".
    pub how: String,
    pub minutes: Option<i32>,
    /// Built-in (`IdleSettings`), not a lifecycle script.
    pub builtin: bool,
    /// When the space, profile or domain holding the setting last changed.
    pub changed_at: Option<String>,
}

/// The one verdict on a running app.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Covered, and idle shutdown will stop it (at `stops_at`) if left idle.
    WillStop,
    /// Covered, running longer than its timeout, and recently active:
    /// something open keeps it alive.
    KeptAlive,
    /// Covered, and idle well past its timeout: idle shutdown is not working.
    NotWorking,
    /// Nothing will stop it when idle.
    NotCovered,
    /// Covered, but its last activity or its timeout is not known.
    Unknown,
}

/// Idle shutdown's diagnosis of one running Studio app.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Diagnosis {
    pub verdict: Verdict,
    /// The verdict in one line.
    pub summary: String,
    /// The setting that applies (space, then profile, then domain, or a
    /// lifecycle script) with its timeout, or that none does.
    pub setting: String,
    pub timeout_minutes: Option<i32>,
    /// What the app type and image allow.
    pub support: String,
    /// The last activity AWS reports, against the timeout.
    pub activity: String,
    /// When it stops if nobody uses it (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stops_at: Option<String>,
    /// The likely cause, when it is not working or not covered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
}

/// What the app type and image allow of built-in idle shutdown.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Support {
    /// SageMaker Distribution 2.0 or newer.
    Yes { version: String },
    /// SageMaker Distribution older than 2.0.
    OldImage { version: String },
    /// SageMaker Distribution, its version not stated.
    UnknownVersion,
    /// Another (custom) image.
    Custom { name: String },
    /// No image named anywhere.
    UnknownImage,
    /// Not JupyterLab or Code Editor.
    NoBuiltin,
}

/// The app types with built-in idle shutdown, and what they are called.
fn builtin_label(app_type: &str) -> Option<&'static str> {
    match app_type {
        "JupyterLab" => Some("JupyterLab"),
        "CodeEditor" => Some("Code Editor"),
        _ => None,
    }
}

/// The image's name in its ARN (`sagemaker-distribution-cpu`).
fn image_name(arn: &str) -> &str {
    arn.rsplit_once(":image/").map_or(arn, |(_, name)| name)
}

/// What `app_type` on `image` allows.
pub(crate) fn support(app_type: &str, image: Option<&AppImage>) -> Support {
    if builtin_label(app_type).is_none() {
        return Support::NoBuiltin;
    }
    let Some(arn) = image.and_then(|i| i.arn.as_deref()) else {
        return Support::UnknownImage;
    };
    let name = image_name(arn);
    if !name.starts_with("sagemaker-distribution") {
        return Support::Custom { name: name.to_string() };
    }
    let Some(version) = image.and_then(|i| i.version_alias.clone()) else {
        return Support::UnknownVersion;
    };
    let major = version.split('.').next().and_then(|m| m.trim().parse::<u32>().ok());
    match major {
        Some(m) if m >= 2 => Support::Yes { version },
        Some(_) => Support::OldImage { version },
        None => Support::UnknownVersion,
    }
}

/// The image an app runs: its own, else its space's default for its type.
fn app_image<'s>(s: &'s Snapshot, app: &'s App) -> Option<&'s AppImage> {
    if app.image.as_ref().is_some_and(|i| i.arn.is_some()) {
        return app.image.as_ref();
    }
    let space = app.space.as_ref()?;
    let settings = s
        .spaces
        .as_ref()
        .ok()?
        .iter()
        .find(|sp| sp.domain_id == app.domain_id && sp.name == *space)?
        .settings
        .as_ref()?;
    match app.app_type.as_str() {
        "JupyterLab" => settings.jupyterlab_image.as_ref(),
        "CodeEditor" => settings.code_editor_image.as_ref(),
        _ => None,
    }
    .or(app.image.as_ref())
}

/// The running Studio apps that bill, priced (`bill::studio_apps`), each
/// with idle shutdown's diagnosis.
pub(crate) fn apps<'s>(j: &Judge<'_>, s: &'s Snapshot) -> Vec<(&'s App, Resource)> {
    let Ok(apps) = &s.apps else {
        return Vec::new();
    };
    let mut billable = super::bill::studio_apps(
        j.prices,
        s.region.as_deref(),
        apps,
        s.spaces.as_deref().ok(),
        s.local.current.as_ref(),
        &s.taken_at,
    );
    for (app, resource) in &mut billable {
        let coverage = super::rules::app_idle(j, s, app);
        resource.idle_shutdown = Some(diagnose(j.lang, app, coverage.as_ref(), app_image(s, app), &s.taken_at));
    }
    billable
}

/// Whole minutes from `from` to `to` (RFC 3339), never negative.
fn minutes_between(from: Option<&str>, to: &str) -> Option<u64> {
    seconds_between(from, to).map(|s| s / 60)
}

/// `at` plus `minutes`, as RFC 3339.
fn plus_minutes(at: &str, minutes: u64) -> Option<String> {
    let t = humantime::parse_rfc3339_weak(at).ok()? + std::time::Duration::from_secs(minutes * 60);
    Some(humantime::format_rfc3339_seconds(t).to_string())
}

/// The verdict on one running app, from the coverage that applies to it
/// (`rules::app_idle`), its image and its activity, at `now`.
pub(crate) fn diagnose(
    lang: Lang,
    app: &App,
    coverage: Option<&Coverage>,
    image: Option<&AppImage>,
    now: &str,
) -> Diagnosis {
    let label = builtin_label(&app.app_type).unwrap_or(app.app_type.as_str());
    let support = support(&app.app_type, image);
    let support_text = support_text(lang, label, &support);
    let activity = app.activity.as_ref().map(|a| a.as_ref());
    let last = activity.and_then(|a| a.ok()).and_then(|a| a.last_user_activity.clone());
    let health_check = activity.and_then(|a| a.ok()).is_some_and(|a| a.is_health_check());
    let idle = minutes_between(last.as_deref(), now);
    let activity_text = match (activity, &last, idle) {
        (Some(Err(e)), _, _) => trf(lang, "idle.activity_unread", &[("error", &e.describe(lang))]),
        (_, Some(at), Some(minutes)) => trf(
            lang,
            if health_check {
                "idle.activity_health_check"
            } else {
                "idle.activity_at"
            },
            &[
                ("time", &crate::util::local_clock(at, now, lang)),
                ("minutes", &minutes),
            ],
        ),
        _ => tr(lang, "idle.activity_none").to_string(),
    };
    let mut d = Diagnosis {
        verdict: Verdict::Unknown,
        summary: String::new(),
        setting: coverage.map_or_else(|| tr(lang, "idle.setting_none").to_string(), |c| c.how.clone()),
        timeout_minutes: coverage.and_then(|c| c.minutes),
        support: support_text,
        activity: activity_text.clone(),
        stops_at: None,
        cause: None,
        fix: None,
    };
    let not_covered = |d: &mut Diagnosis, reason: String, fix: &str| {
        d.verdict = Verdict::NotCovered;
        d.summary = trf(lang, "idle.not_covered", &[("reason", &reason)]);
        d.cause = Some(reason);
        d.fix = Some(tr(lang, fix).to_string());
    };
    let Some(coverage) = coverage else {
        let (reason, fix) = match (&support, app.app_type.as_str()) {
            (_, "Canvas") => (
                trf(lang, "idle.reason_no_builtin", &[("app", &label)]),
                "idle.fix_canvas",
            ),
            (Support::NoBuiltin, _) => (trf(lang, "idle.reason_no_builtin", &[("app", &label)]), "idle.fix_lcc"),
            _ => (tr(lang, "idle.reason_no_setting").to_string(), "idle.fix_enable"),
        };
        not_covered(&mut d, reason, fix);
        return d;
    };
    if let (true, Support::OldImage { version }) = (coverage.builtin, &support) {
        let reason = trf(lang, "idle.reason_old_image", &[("version", version)]);
        not_covered(&mut d, reason, "idle.fix_image");
        return d;
    }
    let (Some(timeout), Some(idle), Some(last)) = (coverage.minutes, idle, last.as_deref()) else {
        let why = match coverage.minutes {
            None => tr(lang, "idle.timeout_unknown").to_string(),
            Some(_) => activity_text,
        };
        d.summary = trf(lang, "idle.unknown", &[("setting", &coverage.how), ("why", &why)]);
        return d;
    };
    let timeout = u64::try_from(timeout).unwrap_or(0);
    d.stops_at = plus_minutes(last, timeout);
    let stop_time = d
        .stops_at
        .as_deref()
        .map(|t| crate::util::local_clock(t, now, lang))
        .unwrap_or_default();
    if idle > timeout + GRACE_MINUTES {
        d.verdict = Verdict::NotWorking;
        d.summary = trf(
            lang,
            "idle.not_working",
            &[
                ("idle", &idle.to_string()),
                ("past", &(idle - timeout).to_string()),
                ("timeout", &timeout.to_string()),
            ],
        );
        let (cause, fix) = not_working_cause(lang, app, coverage, &support);
        d.cause = Some(cause);
        d.fix = Some(fix);
        return d;
    }
    if idle >= timeout {
        d.verdict = Verdict::WillStop;
        d.summary = trf(
            lang,
            "idle.due",
            &[
                ("idle", &idle.to_string()),
                ("timeout", &timeout.to_string()),
                ("time", &stop_time),
            ],
        );
        return d;
    }
    // Up longer than its timeout yet recently active: idle shutdown would
    // have stopped it had it been idle since it started.
    let age = minutes_between(app.created_at.as_deref(), now);
    if age.is_some_and(|age| age > timeout) {
        d.verdict = Verdict::KeptAlive;
        d.summary = trf(lang, "idle.kept_alive", &[("minutes", &idle), ("time", &stop_time)]);
        if health_check {
            d.summary.push_str(tr(lang, "idle.health_check_caveat"));
        }
        return d;
    }
    d.verdict = Verdict::WillStop;
    d.summary = trf(lang, "idle.will_stop", &[("time", &stop_time)]);
    d
}

fn support_text(lang: Lang, label: &str, support: &Support) -> String {
    match support {
        Support::Yes { version } => trf(lang, "idle.support_yes", &[("app", &label), ("version", version)]),
        Support::OldImage { version } => trf(lang, "idle.support_old", &[("app", &label), ("version", version)]),
        Support::UnknownVersion => trf(lang, "idle.support_unknown_version", &[("app", &label)]),
        Support::Custom { name } => trf(lang, "idle.support_custom", &[("app", &label), ("image", name)]),
        Support::UnknownImage => trf(lang, "idle.support_unknown_image", &[("app", &label)]),
        Support::NoBuiltin => trf(lang, "idle.support_no_builtin", &[("app", &label)]),
    }
}

/// The likely cause of a covered app idle past its timeout, and the fix:
/// the image first (it decides whether built-in idle shutdown runs at all),
/// then a setting changed after the app started, then what counts as
/// activity for idle shutdown but not for AWS's last-activity time.
fn not_working_cause(lang: Lang, app: &App, coverage: &Coverage, support: &Support) -> (String, String) {
    let say = |key: &str, args: &[(&str, &dyn std::fmt::Display)]| trf(lang, key, args);
    if !coverage.builtin {
        let owner = app.space.as_deref().or(app.user_profile.as_deref()).unwrap_or("?");
        let stream = format!(
            "{}/{owner}/{}/{}/LifecycleConfigOnStart",
            app.domain_id, app.app_type, app.name
        );
        return (
            say("idle.cause_lcc", &[("how", &coverage.how)]),
            say("idle.fix_lcc_logs", &[("stream", &stream)]),
        );
    }
    match support {
        Support::Custom { name } => {
            return (
                say("idle.cause_custom", &[("image", name)]),
                tr(lang, "idle.fix_custom").to_string(),
            );
        }
        Support::UnknownVersion | Support::UnknownImage => {
            return (
                tr(lang, "idle.cause_image_unknown").to_string(),
                tr(lang, "idle.fix_image").to_string(),
            );
        }
        _ => {}
    }
    let changed_after = coverage
        .changed_at
        .as_deref()
        .zip(app.created_at.as_deref())
        .filter(|(changed, created)| seconds_between(Some(created), changed).is_some_and(|s| s > 0));
    if let Some((changed, created)) = changed_after {
        let time = |t: &str| crate::util::local_time(t, &jiff::tz::TimeZone::system(), lang);
        return (
            say(
                "idle.cause_changed",
                &[("changed", &time(changed)), ("started", &time(created))],
            ),
            tr(lang, "idle.fix_restart").to_string(),
        );
    }
    match app.app_type.as_str() {
        "CodeEditor" => (
            tr(lang, "idle.cause_code_editor").to_string(),
            tr(lang, "idle.fix_code_editor").to_string(),
        ),
        _ => (
            tr(lang, "idle.cause_sessions").to_string(),
            tr(lang, "idle.fix_sessions").to_string(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::{AppActivity, CallError, ErrorKind};

    const NOW: &str = "2026-12-06T15:00:00Z";

    /// `minutes` before NOW, as RFC 3339.
    fn ago(minutes: u64) -> String {
        let t = humantime::parse_rfc3339_weak(NOW).unwrap() - std::time::Duration::from_secs(minutes * 60);
        humantime::format_rfc3339_seconds(t).to_string()
    }

    /// An app up `up` minutes, last active `idle` minutes ago (with a
    /// health check since, so the activity is the user's).
    fn app(app_type: &str, up: u64, idle: u64) -> App {
        App {
            domain_id: "d-1".into(),
            user_profile: None,
            space: Some("lab".into()),
            app_type: app_type.into(),
            name: "default".into(),
            status: "InService".into(),
            instance_type: Some("ml.t3.medium".into()),
            created_at: Some(ago(up)),
            image: None,
            activity: Some(Ok(AppActivity {
                last_user_activity: Some(ago(idle)),
                last_health_check: Some(ago(idle.saturating_sub(1))),
            })),
        }
    }

    fn builtin(minutes: i32) -> Coverage {
        Coverage {
            how: format!("built-in JupyterLab idle shutdown after {minutes} min"),
            minutes: Some(minutes),
            builtin: true,
            changed_at: None,
        }
    }

    fn smd(version: &str) -> AppImage {
        AppImage {
            arn: Some("arn:aws:sagemaker:eu-central-1:545423591354:image/sagemaker-distribution-cpu".into()),
            version_alias: Some(version.into()),
            version_arn: None,
        }
    }

    fn run(app: &App, coverage: Option<&Coverage>, image: Option<&AppImage>) -> Diagnosis {
        // Both languages fill every placeholder.
        let pt = diagnose(Lang::Pt, app, coverage, image, NOW);
        for text in [&pt.summary, &pt.setting, &pt.support, &pt.activity]
            .into_iter()
            .chain(&pt.cause)
            .chain(&pt.fix)
        {
            assert!(!text.contains('{'), "{text}");
        }
        diagnose(Lang::En, app, coverage, image, NOW)
    }

    #[test]
    fn the_image_decides_whether_built_in_idle_shutdown_can_run() {
        let yes = |v: &str| Support::Yes { version: v.into() };
        assert_eq!(support("JupyterLab", Some(&smd("2.1.0"))), yes("2.1.0"));
        assert_eq!(
            support("CodeEditor", Some(&smd("3"))),
            yes("3"),
            "a major version alone"
        );
        assert_eq!(
            support("JupyterLab", Some(&smd("1.9.0"))),
            Support::OldImage {
                version: "1.9.0".into()
            }
        );
        let mut unversioned = smd("2.0.0");
        unversioned.version_alias = None;
        assert_eq!(support("JupyterLab", Some(&unversioned)), Support::UnknownVersion);
        let custom = AppImage {
            arn: Some("arn:aws:sagemaker:eu-central-1:111122223333:image/my-team-image".into()),
            ..AppImage::default()
        };
        assert_eq!(
            support("JupyterLab", Some(&custom)),
            Support::Custom {
                name: "my-team-image".into()
            }
        );
        assert_eq!(support("JupyterLab", None), Support::UnknownImage);
        assert_eq!(support("KernelGateway", Some(&smd("2.1.0"))), Support::NoBuiltin);
        assert_eq!(support("Canvas", None), Support::NoBuiltin);
    }

    #[test]
    fn idle_past_the_timeout_is_not_working_and_within_the_grace_is_due() {
        let image = smd("2.1.0");
        let d = run(&app("JupyterLab", 240, 240), Some(&builtin(60)), Some(&image));
        assert_eq!(d.verdict, Verdict::NotWorking);
        assert_eq!(
            d.summary,
            "idle 240 min, 180 min past its 60-minute timeout: idle shutdown is not working for this app"
        );
        assert_eq!(d.stops_at.as_deref(), Some("2026-12-06T12:00:00Z"));
        assert!(
            d.cause
                .as_deref()
                .unwrap()
                .starts_with("an open kernel or terminal session counts as activity")
        );
        assert!(d.fix.as_deref().unwrap().contains("Shut Down All"));
        // A few minutes late is the idle check's rhythm, not a failure.
        let due = run(
            &app("JupyterLab", 240, 60 + GRACE_MINUTES),
            Some(&builtin(60)),
            Some(&image),
        );
        assert_eq!(due.verdict, Verdict::WillStop);
        assert!(due.summary.contains("past its 60-minute timeout at"), "{}", due.summary);
        let late = run(
            &app("JupyterLab", 240, 61 + GRACE_MINUTES),
            Some(&builtin(60)),
            Some(&image),
        );
        assert_eq!(late.verdict, Verdict::NotWorking);
    }

    #[test]
    fn the_likely_cause_follows_the_script_the_image_the_settings_and_the_app_type() {
        let image = smd("2.1.0");
        // A lifecycle script: its log stream.
        let script = Coverage {
            how: "lifecycle configuration “auto-stop” (auto-stop-idle) on JupyterLab, after 60 min".into(),
            builtin: false,
            ..builtin(60)
        };
        let d = run(&app("JupyterLab", 300, 300), Some(&script), None);
        assert!(
            d.cause
                .as_deref()
                .unwrap()
                .starts_with("lifecycle configuration “auto-stop”")
        );
        assert!(
            d.fix
                .as_deref()
                .unwrap()
                .contains("/aws/sagemaker/studio, stream d-1/lab/JupyterLab/default/LifecycleConfigOnStart"),
            "{:?}",
            d.fix
        );
        // A custom image, an image of unknown version.
        let custom = AppImage {
            arn: Some("arn:aws:sagemaker:eu-central-1:111122223333:image/team".into()),
            ..AppImage::default()
        };
        let d = run(&app("JupyterLab", 300, 300), Some(&builtin(60)), Some(&custom));
        assert!(
            d.cause.as_deref().unwrap().contains("the image team may lack"),
            "{:?}",
            d.cause
        );
        let d = run(&app("JupyterLab", 300, 300), Some(&builtin(60)), None);
        assert!(
            d.cause.as_deref().unwrap().contains("version is not stated"),
            "{:?}",
            d.cause
        );
        // The setting changed after the app started.
        let changed = Coverage {
            changed_at: Some(ago(100)),
            ..builtin(60)
        };
        let d = run(&app("JupyterLab", 300, 300), Some(&changed), Some(&image));
        assert!(
            d.cause.as_deref().unwrap().starts_with("the setting changed at"),
            "{:?}",
            d.cause
        );
        assert!(d.fix.as_deref().unwrap().starts_with("restart the app"));
        let before = Coverage {
            changed_at: Some(ago(400)),
            ..builtin(60)
        };
        let d = run(&app("JupyterLab", 300, 300), Some(&before), Some(&image));
        assert!(d.cause.as_deref().unwrap().contains("open kernel"), "{:?}", d.cause);
        // Code Editor counts other things as activity.
        let d = run(&app("CodeEditor", 300, 300), Some(&before), Some(&image));
        assert!(
            d.cause.as_deref().unwrap().contains("background process"),
            "{:?}",
            d.cause
        );
    }

    #[test]
    fn recent_activity_on_an_app_older_than_its_timeout_keeps_it_alive() {
        let image = smd("2.1.0");
        let d = run(&app("JupyterLab", 180, 5), Some(&builtin(60)), Some(&image));
        assert_eq!(d.verdict, Verdict::KeptAlive);
        assert!(
            d.summary.starts_with(
                "active 5 min ago: an open kernel, terminal or running cell keeps it alive — close them (left idle, it stops at"
            ),
            "{}",
            d.summary
        );
        assert!(!d.summary.contains("health check"));
        // When the activity time is the health check's, it may not be the user.
        let mut checked = app("JupyterLab", 180, 5);
        checked.activity = Some(Ok(AppActivity {
            last_user_activity: Some(ago(5)),
            last_health_check: Some(ago(5)),
        }));
        let d = run(&checked, Some(&builtin(60)), Some(&image));
        assert_eq!(d.verdict, Verdict::KeptAlive);
        assert!(d.summary.ends_with("so it may not be you)"), "{}", d.summary);
        assert!(
            d.activity.starts_with("last activity or health check at"),
            "{}",
            d.activity
        );
    }

    #[test]
    fn a_young_app_will_stop_at_its_last_activity_plus_the_timeout() {
        let d = run(&app("JupyterLab", 20, 10), Some(&builtin(60)), Some(&smd("2.1.0")));
        assert_eq!(d.verdict, Verdict::WillStop);
        assert_eq!(d.stops_at.as_deref(), Some("2026-12-06T15:50:00Z"));
        assert!(
            d.summary.starts_with("will stop at ") && d.summary.ends_with(" if left idle"),
            "{}",
            d.summary
        );
    }

    #[test]
    fn nothing_covering_it_an_app_type_without_it_or_an_old_image_is_not_covered() {
        let d = run(&app("JupyterLab", 300, 300), None, Some(&smd("2.1.0")));
        assert_eq!(d.verdict, Verdict::NotCovered);
        assert_eq!(
            d.summary,
            "not covered: no idle shutdown setting and no lifecycle script applies to it"
        );
        assert!(
            d.fix
                .as_deref()
                .unwrap()
                .contains("sm-course module5 fix idle-shutdown")
        );
        let d = run(&app("KernelGateway", 300, 300), None, None);
        assert_eq!(
            d.summary,
            "not covered: KernelGateway has no built-in idle shutdown and no known lifecycle script stops it"
        );
        assert!(d.fix.as_deref().unwrap().contains("lifecycle configuration"));
        let d = run(&app("Canvas", 300, 300), None, None);
        assert!(d.fix.as_deref().unwrap().contains("log out of Canvas"));
        // Built-in idle shutdown set, but the image cannot run it: even a
        // recently used app is not covered.
        let d = run(&app("JupyterLab", 30, 5), Some(&builtin(60)), Some(&smd("1.9.0")));
        assert_eq!(d.verdict, Verdict::NotCovered);
        assert!(
            d.summary.contains("SageMaker Distribution 1.9.0, is too old"),
            "{}",
            d.summary
        );
    }

    #[test]
    fn an_unknown_activity_or_timeout_gives_no_verdict_on_time() {
        let mut denied = app("JupyterLab", 300, 300);
        denied.activity = Some(Err(CallError {
            operation: "sagemaker:DescribeApp".into(),
            kind: ErrorKind::AccessDenied,
            message: "AccessDeniedException: no".into(),
        }));
        let d = run(&denied, Some(&builtin(60)), Some(&smd("2.1.0")));
        assert_eq!(d.verdict, Verdict::Unknown);
        assert!(d.summary.contains("sagemaker:DescribeApp"), "{}", d.summary);
        assert_eq!(d.stops_at, None);
        let untimed = Coverage {
            minutes: None,
            ..builtin(60)
        };
        let d = run(&app("JupyterLab", 300, 300), Some(&untimed), Some(&smd("2.1.0")));
        assert_eq!(d.verdict, Verdict::Unknown);
        assert!(
            d.summary
                .ends_with("its timeout is not stated, so when it stops cannot be said")
        );
        let mut unread = app("JupyterLab", 300, 300);
        unread.activity = None;
        let d = run(&unread, Some(&builtin(60)), Some(&smd("2.1.0")));
        assert_eq!(d.verdict, Verdict::Unknown);
    }
}
