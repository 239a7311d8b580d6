//! The end-of-session audit: everything still billing, compute by the hour
//! (what it has cost and what it will cost by tomorrow morning) and storage
//! by the GB-month (what it costs a month while nothing runs). `assess` is
//! pure: reading the account is `aws` (the inventory), deciding what bills
//! is `checks::bill`, rendering is `report::audit`, stopping things is the
//! command layer's.

use serde::Serialize;

use crate::catalog;
use crate::catalog::prices::PriceBook;
use crate::checks::bill::{self, Billed};
use crate::checks::exceptions::{Accepted, Exception, Scope};
use crate::checks::{Resource, StorageItem};
use crate::error::ExitStatus;
use crate::snapshot::inventory::{RegionList, RegionSource, SkippedRegion, Target, split_refused};
use crate::snapshot::{CallError, Snapshot};

/// A read that failed, and the region it failed in.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct RegionError {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(flatten)]
    pub error: CallError,
}

#[derive(Debug, Serialize)]
pub(crate) struct Audit {
    pub account: Option<String>,
    /// The configured region (the only one read unless a sweep was asked for).
    pub region: Option<String>,
    /// The regions read, and where that list came from.
    pub regions: Vec<String>,
    pub region_source: RegionSource,
    /// Regions not read (not enabled, denied, no SageMaker there), each with why.
    pub skipped_regions: Vec<SkippedRegion>,
    pub generated_at: String,
    /// Compute billed by the hour.
    pub running: Vec<Billed>,
    /// Storage billed by the GB-month whether anything runs or not.
    pub storage: Vec<StorageItem>,
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
    /// What the storage costs a month (a lower bound when `storage_partial`).
    pub storage_monthly_usd: f64,
    pub storage_partial: bool,
    /// Reads that failed: nothing can be promised about what they cover.
    pub errors: Vec<RegionError>,
    /// What exceptions accept (muted until their date: still billing and
    /// counted in the totals, but no reason for exit code 1), or accepted
    /// no longer (`expired`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<Accepted>,
}

impl Audit {
    /// Success when no compute bills but the resource the learner works in,
    /// and everything was read. Storage alone is shown, never a failure: it
    /// is what a learner keeps between sessions.
    pub(crate) fn exit_status(&self) -> ExitStatus {
        ExitStatus::failed_if(self.billing().next().is_some() || !self.errors.is_empty() || self.nothing_read())
    }

    /// The Studio app or notebook instance the learner works in, if it runs.
    pub(crate) fn current(&self) -> Option<&Billed> {
        self.running.iter().find(|i| i.resource.current)
    }

    /// Everything running but the resource the learner works in.
    pub(crate) fn others(&self) -> impl Iterator<Item = &Billed> {
        self.running.iter().filter(|i| !i.resource.current)
    }

    /// Compute that bills every hour, but the resource the learner works in
    /// (a serverless endpoint without provisioned concurrency bills per
    /// request) and what an exception accepts until its date.
    pub(crate) fn billing(&self) -> impl Iterator<Item = &Billed> {
        self.others()
            .filter(|i| i.resource.bills_by_the_hour() && !self.is_muted(i))
    }

    /// Whether an exception accepts this resource today.
    pub(crate) fn is_muted(&self, item: &Billed) -> bool {
        self.accepted_for(item).is_some_and(|a| !a.expired)
    }

    /// The exception that matched this resource (holding, or expired).
    pub(crate) fn accepted_for(&self, item: &Billed) -> Option<&Accepted> {
        let r = &item.resource;
        let kind = crate::checks::exceptions::kind_name(r.kind);
        self.exceptions
            .iter()
            .find(|a| a.names(kind, &r.name, r.region.as_deref()))
    }

    /// The exception that matched this volume or file system.
    pub(crate) fn accepted_storage(&self, item: &StorageItem) -> Option<&Accepted> {
        let kind = crate::checks::exceptions::storage_kind_name(item.kind);
        self.exceptions
            .iter()
            .find(|a| a.names(kind, &item.name, item.region.as_deref()))
    }

    /// Applies the exceptions (of this account, on `today`) to what bills.
    pub(crate) fn accept(&mut self, exceptions: &[Exception], today: jiff::civil::Date) {
        let scope = Scope {
            account: self.account.as_deref(),
            student: None,
            today,
        };
        self.exceptions = crate::checks::exceptions::apply_to_bill(&self.running, &self.storage, exceptions, &scope);
    }

    /// A sweep in which no region could be read: nothing can be promised.
    pub(crate) fn nothing_read(&self) -> bool {
        self.is_sweep() && self.regions.is_empty()
    }

    /// More than one region was asked for (`--all-regions`, `--regions`).
    pub(crate) fn is_sweep(&self) -> bool {
        self.region_source != RegionSource::Configured
    }

    /// Where an item's commands must be sent: its own region, else the configured one.
    pub(crate) fn region_of<'a>(&'a self, item: &'a Billed) -> &'a str {
        item.resource
            .region
            .as_deref()
            .or(self.region.as_deref())
            .unwrap_or("?")
    }

    /// The flags `audit --stop` needs to reach everything that bills: a
    /// suggestion that would then find nothing to do is never made.
    pub(crate) fn stop_flags(&self) -> Vec<&'static str> {
        let mut flags = Vec::new();
        let needs = |f: &dyn Fn(&Target) -> bool| self.billing().any(|i| f(&i.target));
        if needs(&|t| t.is_endpoint()) {
            flags.push("--include-endpoints");
        }
        if needs(&|t| matches!(t, Target::Job { .. })) {
            flags.push("--include-jobs");
        }
        if needs(&|t| matches!(t, Target::TransformJob { .. })) {
            flags.push("--include-transform-jobs");
        }
        if needs(&|t| matches!(t, Target::HyperpodCluster { .. })) {
            flags.push("--include-clusters");
        }
        flags
    }
}

/// Judges what bills in every region read: priced, with totals. In a sweep
/// a region that refused the credentials is skipped (`Snapshot::refused`);
/// the configured region alone is never skipped, its failures are errors.
pub(crate) fn assess_regions(
    prices: &PriceBook,
    snapshots: &[&Snapshot],
    list: &RegionList,
    morning: &Morning,
) -> Audit {
    let sweep = list.source != RegionSource::Configured;
    if !sweep && let [snapshot] = snapshots {
        return assess(prices, snapshot, morning);
    }
    let owned: Vec<Snapshot> = snapshots.iter().map(|s| (*s).clone()).collect();
    let (read, refused) = split_refused(&owned, list.configured.as_deref());
    let mut skipped = list.skipped.clone();
    skipped.extend(refused);
    let parts: Vec<Audit> = read.into_iter().map(|s| assess(prices, s, morning)).collect();
    let mut audit = Audit {
        account: None,
        region: list.configured.clone(),
        regions: Vec::new(),
        region_source: list.source,
        skipped_regions: skipped,
        generated_at: snapshots
            .first()
            .map_or_else(crate::util::now_millis, |s| s.taken_at.clone()),
        running: Vec::new(),
        storage: Vec::new(),
        per_hour_usd: 0.0,
        accrued_usd: 0.0,
        partial: false,
        hours_until_morning: catalog::round(morning.hours),
        time_zone: morning.zone.clone(),
        by_morning_usd: 0.0,
        storage_monthly_usd: 0.0,
        storage_partial: false,
        errors: Vec::new(),
        exceptions: Vec::new(),
    };
    for part in parts {
        audit.account = audit.account.or(part.account);
        audit.running.extend(part.running);
        audit.storage.extend(part.storage);
        audit.errors.extend(part.errors);
        audit.regions.extend(part.regions);
    }
    // The resource the learner works in first, then region by region in the list's order.
    let order = |region: &Option<String>| list.regions.iter().position(|r| Some(r) == region.as_ref());
    audit
        .running
        .sort_by_key(|i| (!i.resource.current, order(&i.resource.region)));
    audit.storage.sort_by_key(|i| order(&i.region));
    totals(&mut audit, morning);
    audit
}

/// Judges what bills in one region: priced from `prices` for that region,
/// with totals.
pub(crate) fn assess(prices: &PriceBook, s: &Snapshot, morning: &Morning) -> Audit {
    let bill = bill::bill(prices, s);
    let errors = bill
        .errors
        .into_iter()
        .map(|error| RegionError {
            region: s.region.clone(),
            error,
        })
        .collect();
    let mut audit = Audit {
        account: s.identity.as_ref().ok().map(|i| i.account.clone()),
        region: s.region.clone(),
        regions: s.region.clone().into_iter().collect(),
        region_source: RegionSource::Configured,
        skipped_regions: Vec::new(),
        generated_at: s.taken_at.clone(),
        running: bill.compute,
        storage: bill.storage,
        per_hour_usd: 0.0,
        accrued_usd: 0.0,
        partial: false,
        hours_until_morning: catalog::round(morning.hours),
        by_morning_usd: 0.0,
        time_zone: morning.zone.clone(),
        storage_monthly_usd: 0.0,
        storage_partial: false,
        errors,
        exceptions: Vec::new(),
    };
    totals(&mut audit, morning);
    audit
}

fn totals(audit: &mut Audit, morning: &Morning) {
    let resources: Vec<Resource> = audit.running.iter().map(|i| i.resource.clone()).collect();
    let (per_hour, accrued, partial) = bill::totals(&resources);
    audit.per_hour_usd = per_hour;
    audit.accrued_usd = accrued;
    audit.partial = partial;
    audit.by_morning_usd = catalog::round(per_hour * morning.hours);
    let (monthly, storage_partial) = bill::storage_totals(&audit.storage);
    audit.storage_monthly_usd = monthly;
    audit.storage_partial = storage_partial;
}

/// The next 08:00 in a time zone: how far away, and the zone's name.
/// Studio containers run in UTC, so the zone is always said.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Morning {
    pub hours: f64,
    pub zone: String,
}

impl Morning {
    /// From now, in `tz` (`TZ` or `--tz`, else the machine's zone).
    pub(crate) fn next(tz: jiff::tz::TimeZone) -> Morning {
        Morning::after(&jiff::Timestamp::now().to_zoned_datetime(tz))
    }

    pub(crate) fn after(now: &jiff::ZonedDateTime) -> Morning {
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

/// The `--all-regions` / `--regions` flags that read what this audit read.
pub(crate) fn sweep_flags(audit: &Audit) -> String {
    match audit.region_source {
        RegionSource::Configured => String::new(),
        RegionSource::Asked => {
            let mut asked: Vec<&str> = audit.regions.iter().map(String::as_str).collect();
            asked.extend(audit.skipped_regions.iter().map(|s| s.region.as_str()));
            format!(" --regions {}", asked.join(","))
        }
        RegionSource::Enabled | RegionSource::BuiltIn => " --all-regions".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::bill as running;
    use crate::course::Course;
    use crate::error::ExitStatus;
    use crate::i18n::Lang;
    use crate::report::audit::text;
    use crate::snapshot::RunningJob;
    use crate::snapshot::inventory::ResourceKind;

    fn morning(hours: f64) -> Morning {
        Morning {
            hours,
            zone: "UTC".into(),
        }
    }

    fn running(course: &Course) -> Snapshot {
        let mut s = course.sandbox("neglected", Lang::En).unwrap();
        s.local.current = None;
        s.jobs = Ok(vec![RunningJob {
            kind: ResourceKind::TrainingJob,
            name: "train".into(),
            instance_type: Some("ml.m5.xlarge".into()),
            count: 2,
            started_at: Some("2026-11-28T17:00:00Z".into()),
        }]);
        s
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
        // Each item at the price book's figure for its kind's usage in its
        // region, times its count; the totals add them up.
        let book = PriceBook::new(&course.instances);
        let mut per_hour = 0.0;
        for item in &audit.running {
            let r = &item.resource;
            let price = book
                .price(
                    r.instance_type.as_deref().unwrap(),
                    r.region.as_deref(),
                    crate::catalog::prices::Usage::of(r.kind),
                )
                .unwrap()
                .usd_per_hour;
            let expected = crate::catalog::round(price * f64::from(r.count));
            assert_eq!(r.price_per_hour_usd, Some(expected), "{}", item.target.label());
            per_hour += expected;
        }
        assert_eq!(audit.per_hour_usd, crate::catalog::round(per_hour));
        assert_eq!(audit.by_morning_usd, crate::catalog::round(audit.per_hour_usd * 14.0));
        assert_eq!(audit.exit_status(), ExitStatus::Failure);
        // The training job's two instances, running for an hour.
        let job = &audit.running[4].resource;
        assert_eq!(job.count, 2);
        assert_eq!(job.accrued_usd, job.price_per_hour_usd);
    }

    /// Every other billable kind: a Canvas app, MLflow servers, a transform
    /// job, a HyperPod cluster and a serverless endpoint.
    fn every_kind(course: &Course) -> Snapshot {
        use crate::snapshot::{App, Endpoint, Variant};
        use crate::snapshot::{Cluster, ClusterGroup, MlflowServer};
        let mut r = running(course);
        r.apps = Ok(vec![App {
            domain_id: "d-course".into(),
            user_profile: Some("ana".into()),
            space: None,
            app_type: "Canvas".into(),
            name: "default".into(),
            status: "InService".into(),
            instance_type: None,
            created_at: Some("2026-11-28T16:00:00Z".into()),
            image: None,
            activity: None,
        }]);
        r.notebook_instances = Ok(vec![]);
        r.jobs = Ok(vec![]);
        r.endpoints = Ok(vec![Endpoint {
            name: "scorer".into(),
            status: "InService".into(),
            created_at: Some("2026-11-28T16:00:00Z".into()),
            config_name: Some("scorer-config".into()),
            variants: Ok(vec![Variant {
                name: None,
                instance_type: None,
                count: 1,
                serverless: true,
                provisioned_concurrency: None,
                invocations_24h: None,
            }]),
            asynchronous: false,
            components: vec![],
        }]);
        let server = |name: &str, status: &str, size: &str| MlflowServer {
            name: name.into(),
            status: status.into(),
            size: Some(size.into()),
            started_at: Some("2026-11-28T16:00:00Z".into()),
        };
        r.mlflow_servers = Ok(vec![
            server("tracking", "Created", "Small"),
            server("team", "Started", "Large"),
            server("old", "Stopped", "Small"),
        ]);
        r.transform_jobs = Ok(vec![RunningJob {
            kind: ResourceKind::TransformJob,
            name: "batch".into(),
            instance_type: Some("ml.m5.xlarge".into()),
            count: 2,
            started_at: Some("2026-11-28T17:00:00Z".into()),
        }]);
        r.clusters = Ok(vec![Cluster {
            name: "pod".into(),
            status: "InService".into(),
            created_at: Some("2026-11-28T16:00:00Z".into()),
            groups: vec![ClusterGroup {
                name: "workers".into(),
                instance_type: Some("ml.m5.xlarge".into()),
                count: 3,
            }],
        }]);
        r
    }

    #[test]
    fn every_billable_kind_is_listed_priced_where_known_with_its_command() {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        // In London, the one region the MLflow figure is for.
        let mut london = every_kind(&course);
        london.region = Some("eu-west-2".into());
        let book = PriceBook::new(&course.instances);
        let audit = assess(&book, &london, &morning(10.0));
        use crate::catalog::published::{Flat, MlflowSize};
        let canvas = book.flat(Flat::Canvas, Some("eu-west-2")).unwrap();
        let small = book
            .flat(Flat::mlflow(MlflowSize::parse("Small").unwrap()), Some("eu-west-2"))
            .unwrap();
        let json = serde_json::to_value(&audit).unwrap();
        let kinds: Vec<(&str, &str, Option<f64>)> = json["running"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| {
                (
                    i["kind"].as_str().unwrap(),
                    i["name"].as_str().unwrap(),
                    i["price_per_hour_usd"].as_f64(),
                )
            })
            .collect();
        assert_eq!(
            kinds,
            [
                ("canvas-app", "default", Some(canvas.usd_per_hour)),
                ("serverless-endpoint", "scorer", Some(0.0)),
                ("mlflow-tracking-server", "tracking", Some(small.usd_per_hour)),
                ("mlflow-tracking-server", "team", None),
                ("hyperpod-cluster", "pod", Some(0.69)),
                ("transform-job", "batch", Some(0.46)),
            ],
            "the stopped MLflow server is not listed; Large has no known price"
        );
        // 1.90 + 0 + 0.642 + 3 × 0.23 + 2 × 0.23, the Large server unpriced.
        assert_eq!(audit.per_hour_usd, 3.692);
        // A serverless endpoint alone is listed but is no reason to exit 1.
        let mut idle = every_kind(&course);
        idle.apps = Ok(vec![]);
        idle.mlflow_servers = Ok(vec![]);
        idle.clusters = Ok(vec![]);
        idle.transform_jobs = Ok(vec![]);
        idle.jobs = Ok(vec![]);
        idle.notebook_instances = Ok(vec![]);
        let idle = assess(&PriceBook::new(&course.instances), &idle, &morning(10.0));
        assert_eq!(idle.running.len(), 1, "{:?}", idle.running);
        assert_eq!(idle.exit_status(), ExitStatus::Success);
        // Elsewhere the MLflow server has no price rather than London's.
        let frankfurt = assess(&PriceBook::new(&course.instances), &every_kind(&course), &morning(10.0));
        assert_eq!(frankfurt.running[2].resource.price_per_hour_usd, None);
        assert!(frankfurt.partial);
        // Each figure says where it comes from: flat rates their own source,
        // instance prices the course's figure; no price, no source.
        let sources: Vec<&serde_json::Value> = json["running"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| &i["price_source"])
            .collect();
        assert_eq!(*sources[0], canvas.source.label());
        assert_eq!(sources[1], running::SERVERLESS_SOURCE);
        assert_eq!(*sources[2], small.source.label());
        assert_eq!(*sources[3], serde_json::Value::Null);
        assert!(
            sources[4].as_str().unwrap().starts_with(catalog::COURSE_SOURCE)
                && sources[4]
                    .as_str()
                    .unwrap()
                    .contains("standing in for the cluster price"),
            "{sources:?}"
        );
        assert!(audit.partial);
        colored::control::set_override(false);
        let out = text(&audit, Lang::En, 200);
        let canvas_line = format!(
            "{}/h ({})",
            catalog::usd(canvas.usd_per_hour, Lang::En),
            canvas.source.short(Lang::En)
        );
        assert!(out.contains(&canvas_line), "{canvas_line} in {out}");
        let serverless = &audit.running[1].resource;
        assert_eq!((serverless.count, serverless.accrued_usd), (0, None));
        let commands: Vec<String> = audit.running.iter().map(|i| i.target.cli("eu-central-1")).collect();
        assert_eq!(
            commands[0],
            "aws sagemaker delete-app --domain-id d-course --user-profile-name ana --app-type Canvas --app-name default --region eu-central-1"
        );
        assert_eq!(
            commands[2],
            "aws sagemaker stop-mlflow-tracking-server --tracking-server-name tracking --region eu-central-1"
        );
        assert_eq!(
            commands[4],
            "aws sagemaker delete-cluster --cluster-name pod --region eu-central-1"
        );
        assert_eq!(
            commands[5],
            "aws sagemaker stop-transform-job --transform-job-name batch --region eu-central-1"
        );
        assert_eq!(json["running"][4]["target"]["kind"], "hyperpod-cluster");

        colored::control::set_override(false);
        let en = text(&audit, Lang::En, 200);
        for label in [
            "Canvas app default (d-course/ana) · per session hour",
            "serverless endpoint scorer · serverless: billed per request, nothing while idle",
            "MLflow tracking server tracking · size Small",
            "HyperPod cluster pod · ml.m5.xlarge ×3",
            "batch transform job batch · ml.m5.xlarge ×2",
        ] {
            assert!(en.contains(label), "{label} missing from:\n{en}");
        }
        let pt = text(&audit, Lang::Pt, 200);
        for label in [
            "app Canvas default",
            "endpoint serverless scorer · serverless: cobrado por requisição, nada enquanto ocioso",
            "servidor de rastreamento MLflow tracking · tamanho Small",
            "cluster HyperPod pod",
        ] {
            assert!(pt.contains(label), "{label} missing from:\n{pt}");
        }
    }

    #[test]
    fn a_snapshot_without_the_new_kinds_still_reads_and_a_denied_list_is_an_error() {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        let mut value = serde_json::to_value(running(&course)).unwrap();
        for key in ["transform_jobs", "mlflow_servers", "clusters"] {
            value.as_object_mut().unwrap().remove(key);
        }
        let old: Snapshot = serde_json::from_value(value).unwrap();
        assert_eq!(old.clusters, Ok(vec![]));
        let mut r = every_kind(&course);
        r.clusters = Err(CallError {
            operation: "sagemaker:ListClusters".into(),
            kind: crate::snapshot::ErrorKind::AccessDenied,
            message: "denied".into(),
        });
        let audit = assess(&PriceBook::new(&course.instances), &r, &morning(10.0));
        assert_eq!(audit.errors[0].error.operation, "sagemaker:ListClusters");
        assert!(
            audit
                .running
                .iter()
                .all(|i| i.resource.kind != ResourceKind::HyperpodCluster)
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
        r.spaces = Ok(vec![]);
        r.file_systems = Ok(vec![]);
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
        r.local.current = crate::snapshot::studio::parse(
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
        assert!(!out.contains("Still billing in account"), "{out}");
        // Its volume, the space's and the EFS bill on: said, with their delete commands.
        assert!(out.contains("Still billing while stopped"), "{out}");
        assert!(
            out.contains("delete-notebook-instance --notebook-instance-name old-course-notebook"),
            "{out}"
        );
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
    fn g5(course: &Course, region: &str) -> Snapshot {
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
            image: None,
            activity: None,
        }]);
        r.notebook_instances = Ok(vec![]);
        r.endpoints = Ok(vec![crate::snapshot::Endpoint {
            name: "serve".into(),
            status: "InService".into(),
            created_at: Some("2026-11-28T17:00:00Z".into()),
            config_name: Some("serve".into()),
            variants: Ok(vec![crate::snapshot::Variant {
                name: None,
                instance_type: Some("ml.g5.xlarge".into()),
                count: 2,
                serverless: false,
                provisioned_concurrency: None,
                invocations_24h: None,
            }]),
            asynchronous: false,
            components: vec![],
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

    /// The course's figures plus a us-east-1 cache read from the test fixture.
    fn us_east_1_cached(course: &Course) -> PriceBook {
        let mut book = PriceBook::new(&course.instances);
        book.add(crate::catalog::prices::tests::cache(
            "us-east-1",
            "2026-11-27T09:00:00Z",
        ));
        book
    }

    #[test]
    fn cached_prices_price_each_resource_in_its_region_and_the_rest_stays_unknown_and_partial() {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        let book = us_east_1_cached(&course);
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

        // A published figure of the catalog says so, with its date and region.
        let audit = assess(&book, &running(&course), &morning(10.0));
        let json = serde_json::to_value(&audit).unwrap();
        let m5 = book
            .price(
                "ml.m5.xlarge",
                Some("eu-central-1"),
                crate::catalog::prices::Usage::Notebook,
            )
            .unwrap();
        assert!(
            matches!(m5.source, crate::catalog::prices::PriceSource::Embedded { .. }),
            "{m5:?}"
        );
        assert_eq!(json["running"][0]["price_source"], m5.source.label());
        let read = match &m5.source {
            crate::catalog::prices::PriceSource::Embedded { read, .. } => read.clone(),
            _ => unreachable!(),
        };
        assert!(text(&audit, Lang::En, 200).contains(&format!(
            "{}/h (AWS published price, read {read}, eu-central-1)",
            crate::catalog::usd(m5.usd_per_hour, Lang::En)
        )));

        // A course figure says so, where the catalog publishes none.
        let mut elsewhere = running(&course);
        elsewhere.region = Some("eu-west-1".into());
        let audit = assess(&book, &elsewhere, &morning(10.0));
        let json = serde_json::to_value(&audit).unwrap();
        assert_eq!(json["running"][0]["price_source"], crate::catalog::COURSE_SOURCE);
        assert!(text(&audit, Lang::En, 200).contains("$0.23/h (course figure)"));
    }

    #[test]
    fn a_sweep_prices_each_region_from_its_own_cache_and_is_partial_where_one_has_none() {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        let book = us_east_1_cached(&course);
        let runs = [g5(&course, "us-east-1"), g5(&course, "eu-west-1")];
        let swept = assess_regions(
            &book,
            &runs.iter().collect::<Vec<_>>(),
            &crate::snapshot::inventory::RegionList {
                configured: Some("us-east-1".into()),
                regions: vec!["us-east-1".into(), "eu-west-1".into()],
                source: RegionSource::Asked,
                skipped: vec![],
            },
            &morning(10.0),
        );
        let priced = |region: &str| -> Vec<Option<f64>> {
            swept
                .running
                .iter()
                .filter(|i| i.resource.region.as_deref() == Some(region))
                .map(|i| i.resource.price_per_hour_usd)
                .collect()
        };
        assert_eq!(priced("us-east-1"), [Some(1.5), Some(3.2), Some(1.7)]);
        assert_eq!(priced("eu-west-1"), [None, None, None]);
        assert_eq!((swept.per_hour_usd, swept.partial), (6.4, true));
        assert_eq!(serde_json::to_value(&swept).unwrap()["partial"], true);
    }
}

#[cfg(test)]
mod sweep_tests {
    use super::*;
    use crate::course::Course;
    use crate::i18n::Lang;
    use crate::snapshot::ErrorKind;

    fn denied() -> CallError {
        CallError {
            operation: "sagemaker:ListApps".into(),
            kind: ErrorKind::AccessDenied,
            message: "UnrecognizedClientException: The security token included in the request is invalid".into(),
        }
    }

    fn in_region(course: &Course, region: &str) -> Snapshot {
        let mut s = course.sandbox("neglected", Lang::En).unwrap();
        s.region = Some(region.into());
        s.apps = Ok(vec![]);
        s.spaces = Ok(vec![]);
        s.endpoints = Ok(vec![]);
        s.local.current = None;
        s
    }

    /// A region not enabled: every call refused.
    fn refusing(course: &Course, region: &str) -> Snapshot {
        let mut r = in_region(course, region);
        r.identity = Err(denied());
        r.apps = Err(denied());
        r.spaces = Err(denied());
        r.notebook_instances = Err(denied());
        r.endpoints = Err(denied());
        r.jobs = Err(denied());
        r.transform_jobs = Err(denied());
        r.mlflow_servers = Err(denied());
        r.clusters = Err(denied());
        r.warm_pools = Err(denied());
        r
    }

    fn list(source: RegionSource, regions: &[&str]) -> RegionList {
        RegionList {
            configured: Some("eu-central-1".into()),
            regions: regions.iter().map(|r| r.to_string()).collect(),
            source,
            skipped: vec![],
        }
    }

    #[test]
    fn a_sweep_skips_a_refusing_region_but_the_configured_region_alone_is_an_error() {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        let morning = Morning {
            hours: 10.0,
            zone: "UTC".into(),
        };
        let runs = [in_region(&course, "eu-central-1"), refusing(&course, "ap-east-1")];
        let swept = assess_regions(
            &PriceBook::new(&course.instances),
            &runs.iter().collect::<Vec<_>>(),
            &list(RegionSource::Asked, &["eu-central-1", "ap-east-1"]),
            &morning,
        );
        assert_eq!(swept.regions, ["eu-central-1"]);
        assert_eq!(swept.skipped_regions.len(), 1);
        assert_eq!(swept.skipped_regions[0].region, "ap-east-1");
        assert!(swept.errors.is_empty());
        assert_eq!(sweep_flags(&swept), " --regions eu-central-1,ap-east-1");
        let json = serde_json::to_value(&swept).unwrap();
        assert_eq!(json["running"][0]["region"], "eu-central-1");
        assert_eq!(json["skipped_regions"][0]["reason"], "refused");

        // Not a sweep: the refusal is the run's error, never a skip.
        let alone = assess_regions(
            &PriceBook::new(&course.instances),
            &runs.iter().skip(1).collect::<Vec<_>>(),
            &list(RegionSource::Configured, &["ap-east-1"]),
            &morning,
        );
        assert!(alone.skipped_regions.is_empty());
        assert_eq!(alone.exit_status(), ExitStatus::Failure);
        assert_eq!(sweep_flags(&alone), "");
        // In a sweep the configured region is never skipped: its refusals are errors.
        let home_refused = assess_regions(
            &PriceBook::new(&course.instances),
            &[&refusing(&course, "eu-central-1"), &in_region(&course, "us-east-1")],
            &list(RegionSource::Asked, &["eu-central-1", "us-east-1"]),
            &morning,
        );
        assert!(home_refused.skipped_regions.is_empty());
        assert!(
            home_refused
                .errors
                .iter()
                .all(|e| e.region.as_deref() == Some("eu-central-1"))
        );
        assert!(!home_refused.errors.is_empty());
        // Every region skipped: nothing read, never a clean exit.
        let none = assess_regions(
            &PriceBook::new(&course.instances),
            &[&refusing(&course, "ap-east-1")],
            &list(RegionSource::Asked, &["ap-east-1"]),
            &morning,
        );
        assert!(none.nothing_read() && none.running.is_empty());
        assert_eq!(none.exit_status(), ExitStatus::Failure);
        // An expired session skips no region.
        let mut expired = refusing(&course, "ap-east-1");
        expired.apps = Err(CallError {
            kind: ErrorKind::CredentialsExpired,
            message: "ExpiredToken: The security token included in the request is expired".into(),
            ..denied()
        });
        assert!(expired.refused().is_none());
        // A region where only some reads fail is read, its failures errors.
        let mut partly = in_region(&course, "us-east-1");
        partly.apps = Err(denied());
        assert!(partly.refused().is_none());
    }
}

#[cfg(test)]
mod exception_tests {
    use super::*;
    use crate::course::Course;
    use crate::error::ExitStatus;
    use crate::i18n::Lang;
    use crate::report::audit::text;

    fn morning(hours: f64) -> Morning {
        Morning {
            hours,
            zone: "UTC".into(),
        }
    }

    #[test]
    fn what_an_exception_accepts_still_bills_and_is_counted_but_does_not_fail_the_audit() {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        let mut snapshot = course.sandbox("neglected", Lang::En).unwrap();
        snapshot.local.current = None;
        let exceptions = crate::checks::exceptions::parse(
            "[[exception]]\ncheck = \"studio-apps\"\nreason = \"lab day\"\nexpires = 2026-12-20\n\n\
             [[exception]]\ncheck = \"notebook-instances\"\nreason = \"lab day\"\nexpires = 2026-12-20\n\n\
             [[exception]]\ncheck = \"endpoints\"\nresource = { kind = \"endpoint\", name = \"churn-*\" }\n\
             reason = \"the class's shared endpoint\"\nexpires = 2026-12-20\n",
            std::path::Path::new("exceptions.toml"),
            Lang::En,
        )
        .unwrap();
        let prices = PriceBook::new(&course.instances);
        let plain = assess(&prices, &snapshot, &morning(10.0));
        assert_eq!(plain.exit_status(), ExitStatus::Failure);
        let mut audit = assess(&prices, &snapshot, &morning(10.0));
        audit.accept(&exceptions, "2026-12-20".parse().unwrap());
        assert_eq!(audit.exit_status(), ExitStatus::Success, "{:?}", audit.exceptions);
        assert_eq!(
            audit.exceptions.len(),
            audit.running.len(),
            "every running resource is accepted"
        );
        // Still billing, and still counted.
        assert_eq!(
            (audit.per_hour_usd, audit.by_morning_usd),
            (plain.per_hour_usd, plain.by_morning_usd)
        );
        colored::control::set_override(false);
        let shown = text(&audit, Lang::En, 200);
        assert!(shown.contains("Accepted by an exception until its date"), "{shown}");
        assert!(shown.contains("~ endpoint churn-demo · ml.m5.large"), "{shown}");
        assert!(
            shown.contains(
                "muted until 2026-12-20: endpoint churn-demo — the class's shared endpoint (exceptions.toml:11)"
            ),
            "{shown}"
        );
        assert!(
            shown.contains("These still bill: they are in the totals above"),
            "{shown}"
        );
        assert!(!shown.contains("Nothing billable"), "{shown}");
        assert!(!shown.contains("audit --stop"), "nothing left to stop: {shown}");
        let json = crate::util::json_pretty(&audit);
        assert!(
            json.contains("\"exceptions\"") && json.contains("\"expired\": false"),
            "{json}"
        );
        // The day after, the same resources fail the audit again.
        let mut late = assess(&prices, &snapshot, &morning(10.0));
        late.accept(&exceptions, "2026-12-21".parse().unwrap());
        assert_eq!(late.exit_status(), ExitStatus::Failure);
        let shown = text(&late, Lang::En, 200);
        assert!(
            shown.contains("exception expired on 2026-12-20: endpoint churn-demo"),
            "{shown}"
        );
    }
}
