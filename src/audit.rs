//! The end-of-session audit: everything still billing, what it has cost and
//! what it will cost by tomorrow morning. `assess` is pure; reading the
//! account is `aws::collect_running`, stopping things is `aws::fix`.

use colored::Colorize;
use serde::Serialize;

use crate::catalog;
use crate::catalog::prices::PriceBook;
use crate::checks::Resource;
use crate::checks::running;
use crate::error::ExitStatus;
use crate::i18n::{Lang, tr, trf};
use crate::report::resource_line;
use crate::snapshot::running::{Running, Target};
use crate::snapshot::{CallError, seconds_between};
use crate::ui::clean;
use crate::ui::text::{heading, wrap, wrap_plain};

#[derive(Clone, Debug, Serialize)]
pub struct Item {
    #[serde(flatten)]
    pub resource: Resource,
    pub target: Target,
}

#[derive(Debug, Serialize)]
pub struct Audit {
    pub account: Option<String>,
    pub region: Option<String>,
    pub generated_at: String,
    pub running: Vec<Item>,
    pub per_hour_usd: f64,
    pub accrued_usd: f64,
    /// Some running resource has no known price: the totals are a lower bound.
    pub partial: bool,
    /// Hours from now until the next 08:00 in `time_zone`.
    pub hours_until_morning: f64,
    /// The zone "08:00 tomorrow" is in (`TZ`, `--tz`, else the machine's).
    pub time_zone: String,
    /// What the running resources add by then if left.
    pub by_morning_usd: f64,
    /// Reads that failed: nothing can be promised about what they cover.
    pub errors: Vec<CallError>,
}

impl Audit {
    /// Success when nothing billable runs but the resource the learner
    /// works in, and everything was read.
    pub fn exit_status(&self) -> ExitStatus {
        ExitStatus::failed_if(self.others().next().is_some() || !self.errors.is_empty())
    }

    /// The Studio app or notebook instance the learner works in, if it runs.
    pub fn current(&self) -> Option<&Item> {
        self.running.iter().find(|i| i.resource.current)
    }

    /// Everything running but the resource the learner works in.
    pub fn others(&self) -> impl Iterator<Item = &Item> {
        self.running.iter().filter(|i| !i.resource.current)
    }
}

/// Judges what is running: priced from `prices` for each resource's region,
/// with totals.
pub fn assess(prices: &PriceBook, r: &Running, morning: &Morning) -> Audit {
    let hours_until_morning = morning.hours;
    let mut running = Vec::new();
    let mut errors = Vec::new();
    let now = r.taken_at.as_str();
    let region = r.region.as_deref();
    match &r.apps {
        Ok(apps) => {
            for (app, resource) in
                running::studio_apps(prices, region, apps, r.spaces.as_deref().ok(), r.current.as_ref(), now)
            {
                running.push(Item {
                    resource,
                    target: Target::of_app(app),
                });
            }
        }
        Err(e) => errors.push(e.clone()),
    }
    match &r.notebook_instances {
        Ok(notebooks) => {
            for (n, resource) in running::notebook_instances(prices, region, notebooks, r.current.as_ref(), now) {
                running.push(Item {
                    resource,
                    target: Target::NotebookInstance { name: n.name.clone() },
                });
            }
        }
        Err(e) => errors.push(e.clone()),
    }
    match &r.endpoints {
        Ok(endpoints) => {
            for (e, resource) in running::endpoints(prices, region, endpoints, now).0 {
                running.push(Item {
                    resource,
                    target: Target::Endpoint { name: e.name.clone() },
                });
            }
        }
        Err(e) => errors.push(e.clone()),
    }
    match &r.jobs {
        Ok(jobs) => {
            for job in jobs {
                let secs = seconds_between(job.started_at.as_deref(), now);
                let count = u32::try_from(job.count.max(1)).unwrap_or(1);
                let resource = running::priced(
                    prices,
                    job.kind,
                    &job.name,
                    job.instance_type.as_deref(),
                    region,
                    secs,
                    count,
                );
                running.push(Item {
                    resource,
                    target: Target::Job {
                        job_kind: job.kind,
                        name: job.name.clone(),
                    },
                });
            }
        }
        Err(e) => errors.push(e.clone()),
    }
    // The resource the learner works in comes first.
    running.sort_by_key(|i| !i.resource.current);
    let resources: Vec<Resource> = running.iter().map(|i| i.resource.clone()).collect();
    let (per_hour, accrued, partial) = running::totals(&resources);
    Audit {
        account: r.identity.as_ref().ok().map(|i| i.account.clone()),
        region: r.region.clone(),
        generated_at: r.taken_at.clone(),
        running,
        per_hour_usd: per_hour,
        accrued_usd: accrued,
        partial,
        hours_until_morning: catalog::round(hours_until_morning),
        by_morning_usd: catalog::round(per_hour * hours_until_morning),
        time_zone: morning.zone.clone(),
        errors,
    }
}

/// The next 08:00 in a time zone: how far away, and the zone's name.
/// Studio containers run in UTC, so the zone is always said.
#[derive(Clone, Debug, PartialEq)]
pub struct Morning {
    pub hours: f64,
    pub zone: String,
}

impl Morning {
    /// From now, in `tz` (`TZ` or `--tz`, else the machine's zone).
    pub fn next(tz: jiff::tz::TimeZone) -> Morning {
        Morning::after(&jiff::Timestamp::now().to_zoned_datetime(tz))
    }

    pub fn after(now: &jiff::ZonedDateTime) -> Morning {
        let today = now.date().at(8, 0, 0, 0);
        let next = if now.datetime() < today {
            today
        } else {
            today.date().tomorrow().map(|d| d.at(8, 0, 0, 0)).unwrap_or(today)
        };
        let hours = match next.to_zoned_datetime(now.time_zone().clone()) {
            Ok(morning) => (morning.timestamp().as_second() - now.timestamp().as_second()).max(0) as f64 / 3600.0,
            Err(_) => 12.0,
        };
        Morning {
            hours,
            zone: now.time_zone().iana_name().unwrap_or("local time").to_string(),
        }
    }
}

pub fn text(audit: &Audit, lang: Lang, width: usize) -> String {
    let account = audit.account.as_deref().unwrap_or("?");
    let region = audit.region.as_deref().unwrap_or("?");
    let mut out = String::new();
    let reminder = audit.current().map(|item| {
        let line = trf(
            lang,
            "audit.current_reminder",
            &[
                ("name", &clean(&item.resource.name)),
                (
                    "per_hour",
                    &item
                        .resource
                        .price_per_hour_usd
                        .map_or_else(|| "?".to_string(), |p| catalog::usd(p, lang)),
                ),
                ("command", &clean(&item.target.cli(region))),
            ],
        );
        wrap(&line, width, "", "  ")
    });
    if audit.others().next().is_none() && audit.errors.is_empty() {
        if let Some(reminder) = reminder {
            out.push_str(&reminder);
            return out;
        }
        out.push_str(
            &trf(lang, "audit.nothing", &[("account", &account), ("region", &region)])
                .green()
                .to_string(),
        );
        out.push('\n');
        return out;
    }
    out.push_str(&heading(&clean(&trf(
        lang,
        "audit.heading",
        &[("account", &account), ("region", &region)],
    ))));
    out.push('\n');
    for item in &audit.running {
        let line = format!("• {}", resource_line(&item.resource, lang));
        out.push_str(&wrap_plain(&line, width, "", "  "));
    }
    for error in &audit.errors {
        out.push_str(
            &wrap_plain(&format!("? {}", clean(&error.describe(lang))), width, "", "  ")
                .magenta()
                .to_string(),
        );
    }
    if !audit.running.is_empty() {
        out.push('\n');
        let hours = crate::checks::duration((audit.hours_until_morning * 3600.0) as u64);
        let total = trf(
            lang,
            "audit.total",
            &[
                ("per_hour", &catalog::usd(audit.per_hour_usd, lang)),
                ("accrued", &catalog::usd(audit.accrued_usd, lang)),
                ("by_morning", &catalog::usd(audit.by_morning_usd, lang)),
                ("hours", &hours),
                ("zone", &audit.time_zone),
            ],
        );
        out.push_str(&wrap_plain(&total, width, "", "").bold().to_string());
        if audit.partial {
            out.push_str(
                &wrap_plain(tr(lang, "audit.partial"), width, "", "")
                    .yellow()
                    .to_string(),
            );
        }
        out.push_str(&wrap(tr(lang, "audit.stop_hint"), width, "", ""));
        if audit.current().is_some() {
            out.push_str(&wrap(tr(lang, "audit.current_kept"), width, "", ""));
        }
    }
    if !audit.errors.is_empty() {
        out.push_str(
            &wrap_plain(tr(lang, "audit.incomplete"), width, "", "")
                .yellow()
                .to_string(),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::Course;
    use crate::snapshot::running::{ResourceKind, RunningJob};

    fn morning(hours: f64) -> Morning {
        Morning {
            hours,
            zone: "UTC".into(),
        }
    }

    fn running(course: &Course) -> Running {
        let s = course.sandbox("neglected", Lang::En).unwrap();
        Running {
            taken_at: s.taken_at,
            region: s.region,
            identity: s.identity,
            apps: s.apps,
            spaces: s.spaces,
            notebook_instances: s.notebook_instances,
            endpoints: s.endpoints,
            current: None,
            jobs: Ok(vec![RunningJob {
                kind: ResourceKind::TrainingJob,
                name: "train".into(),
                instance_type: Some("ml.m5.xlarge".into()),
                count: 2,
                started_at: Some("2026-11-28T17:00:00Z".into()),
            }]),
        }
    }

    #[test]
    fn everything_billing_is_listed_with_totals_and_the_cost_by_morning() {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        let audit = assess(&PriceBook::new(&course.instances), &running(&course), &morning(14.0));
        let labels: Vec<String> = audit.running.iter().map(|i| i.target.label()).collect();
        assert_eq!(
            labels,
            [
                "KernelGateway app d-practice01/learner/datascience-1-0-ml-m5-xlarge",
                "JupyterLab app d-practice01/learner-lab/default",
                "notebook instance old-course-notebook",
                "endpoint churn-demo",
                "training-job train",
            ],
            "the free JupyterServer app is not listed"
        );
        // 0.23 + 3.82 + 0.05 + 0.12 + 2 × 0.23
        assert_eq!(audit.per_hour_usd, 4.68);
        assert_eq!(audit.by_morning_usd, 65.52);
        assert_eq!(audit.exit_status(), ExitStatus::Failure);
        let job = &audit.running[4].resource;
        assert_eq!(
            (job.count, job.price_per_hour_usd, job.accrued_usd),
            (2, Some(0.46), Some(0.46))
        );
    }

    #[test]
    fn nothing_running_exits_0_but_an_unreadable_list_never_does() {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        let mut r = running(&course);
        r.apps = Ok(vec![]);
        r.notebook_instances = Ok(vec![]);
        r.endpoints = Ok(vec![]);
        r.jobs = Ok(vec![]);
        let audit = assess(&PriceBook::new(&course.instances), &r, &morning(10.0));
        assert_eq!((audit.exit_status(), audit.by_morning_usd), (ExitStatus::Success, 0.0));
        colored::control::set_override(false);
        assert!(text(&audit, Lang::En, 80).contains("Nothing billable is running"));
        r.jobs = Err(CallError {
            operation: "sagemaker:ListTrainingJobs".into(),
            kind: crate::snapshot::ErrorKind::AccessDenied,
            message: "denied".into(),
        });
        let audit = assess(&PriceBook::new(&course.instances), &r, &morning(10.0));
        assert_eq!(audit.exit_status(), ExitStatus::Failure);
        let out = text(&audit, Lang::Pt, 80);
        assert!(
            out.contains("sagemaker:ListTrainingJobs") && out.contains("não é possível garantir"),
            "{out}"
        );
    }

    #[test]
    fn the_next_morning_is_counted_in_the_zone_asked_for_and_named() {
        let morning = Morning::next(jiff::tz::TimeZone::system());
        assert!((0.0..=24.0).contains(&morning.hours), "{morning:?}");
        // 22:30 in São Paulo is 01:30 UTC: 9.5 hours to 08:00 there, 6.5 in UTC.
        let at = |tz: &str| {
            jiff::Timestamp::from_second(1_764_379_800) // 2025-11-29T01:30:00Z
                .unwrap()
                .in_tz(tz)
                .unwrap()
        };
        let sao_paulo = Morning::after(&at("America/Sao_Paulo"));
        assert_eq!((sao_paulo.hours, sao_paulo.zone.as_str()), (9.5, "America/Sao_Paulo"));
        let utc = Morning::after(&at("UTC"));
        assert_eq!((utc.hours, utc.zone.as_str()), (6.5, "UTC"));
    }

    #[test]
    fn the_resource_the_learner_works_in_comes_first_and_alone_exits_0_with_a_reminder() {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        let mut r = running(&course);
        r.current = crate::snapshot::studio::parse(
            r#"{"ResourceArn":"arn:aws:sagemaker:eu-central-1:1:notebook-instance/old-course-notebook","ResourceName":"old-course-notebook"}"#,
        )
        .ok();
        let audit = assess(&PriceBook::new(&course.instances), &r, &morning(10.0));
        assert_eq!(audit.running[0].target.label(), "notebook instance old-course-notebook");
        assert!(audit.running[0].resource.current);
        assert_eq!(audit.exit_status(), ExitStatus::Failure, "other things run");
        colored::control::set_override(false);
        let out = text(&audit, Lang::En, 200);
        assert!(
            out.contains("you are working in this one") && out.contains("--include-current"),
            "{out}"
        );

        r.apps = Ok(vec![]);
        r.endpoints = Ok(vec![]);
        r.jobs = Ok(vec![]);
        let audit = assess(&PriceBook::new(&course.instances), &r, &morning(10.0));
        assert_eq!(audit.exit_status(), ExitStatus::Success);
        let out = text(&audit, Lang::En, 200);
        assert!(!out.contains("Still billing"), "{out}");
        assert!(
            out.contains("Only the resource you are working in (old-course-notebook)")
                && out.contains("aws sagemaker stop-notebook-instance --notebook-instance-name old-course-notebook"),
            "{out}"
        );
        assert!(text(&audit, Lang::Pt, 200).contains("Só o recurso"));
        let json = serde_json::to_value(&audit).unwrap();
        assert_eq!(json["running"][0]["current"], true);
    }

    /// A running JupyterLab app on ml.g5.xlarge and a training job on it.
    fn g5(course: &Course, region: &str) -> Running {
        let mut r = running(course);
        r.region = Some(region.into());
        r.apps = Ok(vec![crate::snapshot::App {
            domain_id: "d-1".into(),
            user_profile: None,
            space: Some("lab".into()),
            app_type: "JupyterLab".into(),
            name: "default".into(),
            status: "InService".into(),
            instance_type: Some("ml.g5.xlarge".into()),
            created_at: Some("2026-11-28T17:00:00Z".into()),
        }]);
        r.notebook_instances = Ok(vec![]);
        r.endpoints = Ok(vec![crate::snapshot::Endpoint {
            name: "serve".into(),
            status: "InService".into(),
            created_at: Some("2026-11-28T17:00:00Z".into()),
            config_name: Some("serve".into()),
            variants: Ok(vec![crate::snapshot::Variant {
                instance_type: Some("ml.g5.xlarge".into()),
                count: 2,
            }]),
        }]);
        r.jobs = Ok(vec![RunningJob {
            kind: ResourceKind::TrainingJob,
            name: "train".into(),
            instance_type: Some("ml.g5.xlarge".into()),
            count: 1,
            started_at: Some("2026-11-28T17:00:00Z".into()),
        }]);
        r
    }

    #[test]
    fn cached_prices_price_each_resource_in_its_region_and_the_rest_stays_unknown_and_partial() {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        let items: Vec<String> = serde_json::from_str::<serde_json::Value>(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/pricing-getproducts.json"
            ))
            .unwrap(),
        )
        .unwrap()["PriceList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let mut book = PriceBook::new(&course.instances);
        book.add(crate::catalog::prices::PriceCache::new(
            "us-east-1",
            "2026-11-27T09:00:00Z".into(),
            "AWS Price List API (GetProducts)",
            crate::catalog::prices::parse_price_list(&items, "us-east-1"),
        ));
        colored::control::set_override(false);

        let audit = assess(&book, &g5(&course, "us-east-1"), &morning(10.0));
        let [app, endpoint, job] = [0, 1, 2].map(|n| &audit.running[n].resource);
        // The app at the Studio price, the endpoint's two instances at the
        // hosting price, the job at the training price.
        assert_eq!(
            (
                app.price_per_hour_usd,
                endpoint.price_per_hour_usd,
                job.price_per_hour_usd
            ),
            (Some(1.5), Some(3.2), Some(1.7))
        );
        assert_eq!(audit.per_hour_usd, 6.4);
        assert!(!audit.partial);
        let json = serde_json::to_value(&audit).unwrap();
        assert_eq!(
            json["running"][0]["price_source"],
            "AWS Price List API (GetProducts), 2026-11-27T09:00:00Z (us-east-1, studio-jupyterlab)"
        );
        assert_eq!(json["partial"], false);
        let out = text(&audit, Lang::En, 200);
        assert!(out.contains("$1.50/h (AWS Price List, 2026-11-27, us-east-1)"), "{out}");
        assert!(!out.contains("partial"), "{out}");

        // The same resources in a region without a cache: no price, partial totals.
        let audit = assess(&book, &g5(&course, "eu-west-1"), &morning(10.0));
        assert!(audit.running.iter().all(|i| i.resource.price_per_hour_usd.is_none()));
        assert!(audit.partial);
        let json = serde_json::to_value(&audit).unwrap();
        assert_eq!(json["running"][0]["price_source"], serde_json::Value::Null);
        assert_eq!(json["partial"], true);
        assert!(text(&audit, Lang::En, 200).contains("the totals are partial"));
        assert!(text(&audit, Lang::Pt, 200).contains("os totais são parciais"));

        // A course figure says so.
        let audit = assess(&book, &running(&course), &morning(10.0));
        let json = serde_json::to_value(&audit).unwrap();
        assert_eq!(json["running"][0]["price_source"], crate::catalog::COURSE_SOURCE);
        assert!(text(&audit, Lang::En, 200).contains("$0.23/h (course figure)"));
    }
}
