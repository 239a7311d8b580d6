//! The account's bill as the inventory shows it: everything billing by the
//! hour (compute) and by the GB-month (storage), each priced from the price
//! book (the region's cached Price List prices, else the published figures
//! and the course's, else flat rates for Canvas and MLflow). `bill` is the
//! one place that decides what bills: the checks, the audit, `verify` and
//! the class all read it.

use super::{Fact, NoActivity, Resource, StorageItem};
use crate::catalog;
use crate::catalog::prices::{PriceBook, PriceSource, Usage};
use crate::catalog::published::{Flat, MlflowSize, Storage};
use crate::snapshot::inventory::{ResourceKind, StorageKind, Target};
use crate::snapshot::studio::Current;
use crate::snapshot::{
    App, CallError, Cluster, Endpoint, FileSystem, MlflowServer, NotebookInstance, RunningJob, Snapshot, Space,
    WarmPool, seconds_between,
};

/// Statuses in which a Studio app or notebook instance has an instance running.
pub(crate) const RUNNING: [&str; 2] = ["InService", "Pending"];

/// Endpoint statuses with instances behind them.
pub(crate) const ENDPOINT_RUNNING: [&str; 4] = ["InService", "Updating", "SystemUpdating", "RollingBack"];

/// Why a serverless endpoint costs nothing per hour.
pub(crate) const SERVERLESS_SOURCE: &str =
    "serverless endpoint: no instances, billed per request and data processed, nothing per hour while idle";

/// Why a serverless endpoint with provisioned concurrency has no hourly figure.
pub(crate) const PROVISIONED_SOURCE: &str = "serverless endpoint with provisioned concurrency: billed for every hour it is provisioned, by memory size and concurrency; no figure known here";

/// TrackingServerStatus values (API reference, TrackingServerSummary) in
/// which a tracking server is not left running: stopped or stopping (as a
/// notebook instance that is Stopping is not listed), never created, or
/// being deleted.
pub(crate) const MLFLOW_NOT_RUNNING: [&str; 4] = ["Stopping", "Stopped", "CreateFailed", "Deleting"];

/// ClusterStatus values with no instances billing: failed, or being deleted.
pub(crate) const CLUSTER_NOT_RUNNING: [&str; 2] = ["Failed", "Deleting"];

/// A resource billed at a flat rate per hour, not by instance type (Canvas
/// sessions, MLflow tracking servers), at the catalog's figure for it in
/// its region (`prices.toml`): priced per second like the rest, the
/// figure's source said with it; no figure there, no price.
fn flat_rate(
    prices: &PriceBook,
    kind: ResourceKind,
    name: &str,
    region: Option<&str>,
    flat: Option<Flat>,
    running_seconds: Option<u64>,
) -> Resource {
    let mut r = priced(prices, kind, name, None, region, running_seconds, 1);
    let price = flat.and_then(|f| prices.flat(f, region));
    r.price_per_hour_usd = price.as_ref().map(|p| p.usd_per_hour);
    r.accrued_usd = match (&price, running_seconds) {
        (Some(p), Some(secs)) => Some(catalog::cost_usd(p.usd_per_hour, secs)),
        _ => None,
    };
    r.price_source = price.map(|p| p.source);
    r
}

/// A resource priced per second (one-minute minimum) at its kind's usage in
/// its `region`, saying where the price comes from; an instance type with
/// no known price there gets none rather than a guess.
pub(crate) fn priced(
    prices: &PriceBook,
    kind: ResourceKind,
    name: &str,
    instance_type: Option<&str>,
    region: Option<&str>,
    running_seconds: Option<u64>,
    count: u32,
) -> Resource {
    let found = instance_type.and_then(|t| prices.price(t, region, Usage::of(kind)));
    let price = found
        .as_ref()
        .map(|p| catalog::round(p.usd_per_hour * f64::from(count)));
    let accrued = match (price, running_seconds) {
        (Some(p), Some(secs)) => Some(catalog::cost_usd(p, secs)),
        _ => None,
    };
    Resource {
        kind,
        name: name.to_string(),
        instance_type: instance_type.map(str::to_string),
        running_seconds,
        price_per_hour_usd: price,
        price_source: found.map(|p| p.source),
        accrued_usd: accrued,
        count,
        gpu: instance_type.is_some_and(|t| catalog::is_accelerated(prices.instances(), t)),
        region: region.map(str::to_string),
        domain: None,
        owner: None,
        app_type: None,
        current: false,
        ends_at: None,
        components: Vec::new(),
        idle_minutes: None,
        last_activity: None,
        activity_is_health_check: false,
        invocations_24h: None,
        activity_unknown: None,
        idle_shutdown: None,
    }
}

/// Per hour, accrued so far, and whether any resource had no known price (so
/// the totals are a lower bound).
pub(crate) fn totals(resources: &[Resource]) -> (f64, f64, bool) {
    let per_hour = resources.iter().filter_map(|r| r.price_per_hour_usd).sum::<f64>();
    let accrued = resources.iter().filter_map(|r| r.accrued_usd).sum::<f64>();
    // Partial too when a cost so far is unknown (a serverless endpoint, a
    // resource with no start time): that amount is missing from `accrued`.
    let unknown = resources
        .iter()
        .any(|r| r.price_per_hour_usd.is_none() || r.accrued_usd.is_none());
    (catalog::round(per_hour), catalog::round(accrued), unknown)
}

/// Free apps: the Studio Classic JupyterServer runs on a free `system` instance.
pub(crate) fn is_free(app: &App) -> bool {
    app.app_type == "JupyterServer" && app.instance_type.as_deref().is_none_or(|t| t == "system")
}

/// The resource the learner works in first, the rest in their order.
fn current_first<T>(mut list: Vec<(T, Resource)>) -> Vec<(T, Resource)> {
    list.sort_by_key(|(_, r)| !r.current);
    list
}

/// Billable Studio apps, each with its priced resource; the one the
/// learner works in (`current`) first, marked.
pub(crate) fn studio_apps<'s>(
    prices: &PriceBook,
    region: Option<&str>,
    apps: &'s [App],
    spaces: Option<&[Space]>,
    current: Option<&Current>,
    now: &str,
) -> Vec<(&'s App, Resource)> {
    let list = apps
        .iter()
        .filter(|a| RUNNING.contains(&a.status.as_str()) && !is_free(a))
        .map(|app| {
            let running = seconds_between(app.created_at.as_deref(), now);
            let mut r = if app.app_type == "Canvas" {
                // Billed per session hour, whatever instance runs it.
                flat_rate(
                    prices,
                    ResourceKind::CanvasApp,
                    &app.name,
                    region,
                    Some(Flat::Canvas),
                    running,
                )
            } else {
                priced(
                    prices,
                    ResourceKind::StudioApp,
                    &app.name,
                    app.instance_type.as_deref(),
                    region,
                    running,
                    1,
                )
            };
            r.domain = Some(app.domain_id.clone());
            r.app_type = Some(app.app_type.clone());
            r.owner = match (&app.user_profile, &app.space) {
                (Some(profile), _) => Some(profile.clone()),
                (None, Some(space)) => {
                    // A space's owner, when the space list says who it is.
                    let owner = spaces.and_then(|all| {
                        all.iter()
                            .find(|sp| sp.domain_id == app.domain_id && sp.name == *space)
                            .and_then(|sp| sp.owner.clone())
                    });
                    Some(match owner {
                        Some(owner) => format!("space {space} ({owner})"),
                        None => format!("space {space}"),
                    })
                }
                (None, None) => None,
            };
            r.current = current.is_some_and(|c| c.is_app(app));
            app_activity(&mut r, app, now);
            (app, r)
        })
        .collect();
    current_first(list)
}

/// What DescribeApp says of an app's use, on its resource: when the user
/// was last active (at the latest) and the minutes since.
fn app_activity(r: &mut Resource, app: &App, now: &str) {
    match &app.activity {
        None => {}
        Some(Err(error)) => r.activity_unknown = Some(NoActivity::Unread { error: error.clone() }),
        Some(Ok(activity)) => {
            r.last_activity = activity.last_user_activity.clone();
            r.idle_minutes = seconds_between(activity.last_user_activity.as_deref(), now).map(|s| s / 60);
            r.activity_is_health_check = activity.is_health_check();
        }
    }
}

/// Running notebook instances, priced; the one the learner works on first, marked.
pub(crate) fn notebook_instances<'s>(
    prices: &PriceBook,
    region: Option<&str>,
    notebooks: &'s [NotebookInstance],
    current: Option<&Current>,
    now: &str,
) -> Vec<(&'s NotebookInstance, Resource)> {
    let list = notebooks
        .iter()
        .filter(|n| RUNNING.contains(&n.status.as_str()))
        .map(|n| {
            let secs = seconds_between(n.started_at.as_deref(), now);
            let mut r = priced(
                prices,
                ResourceKind::NotebookInstance,
                &n.name,
                n.instance_type.as_deref(),
                region,
                secs,
                1,
            );
            r.current = current.is_some_and(|c| c.is_notebook(&n.name));
            // DescribeNotebookInstance has no activity time, and no metric
            // counts its use: nothing to go on but whether it runs.
            r.activity_unknown = Some(NoActivity::NoSignal);
            (n, r)
        })
        .collect();
    current_first(list)
}

/// Endpoints with instances behind them: a resource per production variant
/// (asynchronous endpoints marked as such; a serverless variant billed per
/// request, or per provisioned hour when it has provisioned concurrency),
/// and a fact for each endpoint whose configuration could not be read.
pub(crate) fn endpoints<'s>(
    prices: &PriceBook,
    region: Option<&str>,
    endpoints: &'s [Endpoint],
    now: &str,
) -> (Vec<(&'s Endpoint, Resource)>, Vec<Fact>) {
    let mut resources = Vec::new();
    let mut facts = Vec::new();
    for endpoint in endpoints
        .iter()
        .filter(|e| ENDPOINT_RUNNING.contains(&e.status.as_str()))
    {
        let secs = seconds_between(endpoint.created_at.as_deref(), now);
        let kind = match endpoint.asynchronous {
            true => ResourceKind::AsyncEndpoint,
            false => ResourceKind::Endpoint,
        };
        let components: Vec<String> = endpoint.components.iter().map(|c| c.name.clone()).collect();
        let mut push = |mut r: Resource| {
            r.components = components.clone();
            resources.push((endpoint, r));
        };
        match &endpoint.variants {
            Ok(variants) if !variants.is_empty() => {
                for v in variants {
                    if v.serverless {
                        let mut r = priced(
                            prices,
                            ResourceKind::ServerlessEndpoint,
                            &endpoint.name,
                            None,
                            region,
                            secs,
                            0,
                        );
                        match v.provisioned_concurrency {
                            // Billed for every hour it is provisioned: no
                            // figure is known here, so the price is unknown
                            // (totals "at least"), never zero.
                            Some(concurrency) => {
                                r.count = u32::try_from(concurrency).unwrap_or(1);
                                r.price_source = Some(PriceSource::Published {
                                    source: PROVISIONED_SOURCE.to_string(),
                                });
                            }
                            // No instances: billed per request, nothing while idle.
                            None => {
                                r.price_per_hour_usd = Some(0.0);
                                r.price_source = Some(PriceSource::Published {
                                    source: SERVERLESS_SOURCE.to_string(),
                                });
                            }
                        }
                        r.accrued_usd = None;
                        push(r);
                        continue;
                    }
                    // Scaled to zero (an asynchronous endpoint may): nothing runs.
                    if v.count <= 0 {
                        continue;
                    }
                    let count = u32::try_from(v.count).unwrap_or(1);
                    let mut r = priced(
                        prices,
                        kind,
                        &endpoint.name,
                        v.instance_type.as_deref(),
                        region,
                        secs,
                        count,
                    );
                    match &v.invocations_24h {
                        Some(Ok(requests)) => r.invocations_24h = Some(*requests),
                        Some(Err(error)) => r.activity_unknown = Some(NoActivity::Unread { error: error.clone() }),
                        None if endpoint.asynchronous => r.activity_unknown = Some(NoActivity::Asynchronous),
                        None => {}
                    }
                    push(r);
                }
            }
            // A config we could not read leaves the cost unknown, said so in the facts.
            Ok(_) => push(priced(prices, kind, &endpoint.name, None, region, secs, 1)),
            Err(e) => {
                facts.push(Fact {
                    key: "config_unreadable".into(),
                    value: format!("{}: {}", endpoint.name, e.operation),
                });
                push(priced(prices, kind, &endpoint.name, None, region, secs, 1));
            }
        }
    }
    (resources, facts)
}

/// MLflow tracking servers that run (any status but stopping, stopped,
/// failed to create, or being deleted), priced by size where a figure is known.
pub(crate) fn mlflow_servers<'s>(
    prices: &PriceBook,
    region: Option<&str>,
    servers: &'s [MlflowServer],
    now: &str,
) -> Vec<(&'s MlflowServer, Resource)> {
    servers
        .iter()
        .filter(|m| !MLFLOW_NOT_RUNNING.contains(&m.status.as_str()))
        .map(|m| {
            let secs = seconds_between(m.started_at.as_deref(), now);
            let flat = m.size.as_deref().and_then(MlflowSize::parse).map(Flat::mlflow);
            let mut r = flat_rate(prices, ResourceKind::MlflowTrackingServer, &m.name, region, flat, secs);
            r.instance_type = m.size.clone();
            (m, r)
        })
        .collect()
}

/// HyperPod clusters with instances: a resource per instance group (count ×
/// the instance's price), like an endpoint's variants.
pub(crate) fn clusters<'s>(
    prices: &PriceBook,
    region: Option<&str>,
    clusters: &'s [Cluster],
    now: &str,
) -> Vec<(&'s Cluster, Resource)> {
    let mut resources = Vec::new();
    for cluster in clusters
        .iter()
        .filter(|c| !CLUSTER_NOT_RUNNING.contains(&c.status.as_str()))
    {
        let secs = seconds_between(cluster.created_at.as_deref(), now);
        let groups: Vec<_> = cluster.groups.iter().filter(|g| g.count > 0).collect();
        if groups.is_empty() {
            // A cluster with no instance read still exists: listed, unpriced.
            resources.push((
                cluster,
                priced(
                    prices,
                    ResourceKind::HyperpodCluster,
                    &cluster.name,
                    None,
                    region,
                    secs,
                    1,
                ),
            ));
        }
        for g in groups {
            let count = u32::try_from(g.count).unwrap_or(1);
            let r = priced(
                prices,
                ResourceKind::HyperpodCluster,
                &cluster.name,
                g.instance_type.as_deref(),
                region,
                secs,
                count,
            );
            resources.push((cluster, r));
        }
    }
    resources
}

/// Training warm pools still holding their instances: billed as training
/// instances from the job's end until the keep-alive runs out (or the pool
/// is released), the billable time AWS has retained so far as cost so far.
pub(crate) fn warm_pools<'s>(
    prices: &PriceBook,
    region: Option<&str>,
    pools: &'s [WarmPool],
    now: &str,
) -> Vec<(&'s WarmPool, Resource)> {
    pools
        .iter()
        .filter(|p| p.status == "Available")
        .map(|pool| {
            let since_end = seconds_between(pool.ended_at.as_deref(), now);
            let count = u32::try_from(pool.count.max(1)).unwrap_or(1);
            let mut r = priced(
                prices,
                ResourceKind::WarmPool,
                &pool.job,
                pool.instance_type.as_deref(),
                region,
                since_end,
                count,
            );
            // AWS's own count of the retained time, where it gives one.
            if let (Some(price), Some(retained)) = (r.price_per_hour_usd, pool.retained_billable_seconds) {
                r.accrued_usd = Some(catalog::cost_usd(price, u64::try_from(retained).unwrap_or(0)));
            }
            r.ends_at = match (pool.ended_at.as_deref(), pool.keep_alive_seconds) {
                (Some(ended), Some(keep)) => humantime::parse_rfc3339_weak(ended).ok().map(|t| {
                    let end = t + std::time::Duration::from_secs(u64::try_from(keep).unwrap_or(0));
                    humantime::format_rfc3339_seconds(end).to_string()
                }),
                _ => None,
            };
            (pool, r)
        })
        .collect()
}

/// Training, processing or transform jobs in progress, priced at their usage.
pub(crate) fn jobs<'s>(
    prices: &PriceBook,
    region: Option<&str>,
    jobs: &'s [RunningJob],
    now: &str,
) -> Vec<(&'s RunningJob, Resource)> {
    jobs.iter()
        .map(|job| {
            let secs = seconds_between(job.started_at.as_deref(), now);
            let count = u32::try_from(job.count.max(1)).unwrap_or(1);
            let r = priced(
                prices,
                job.kind,
                &job.name,
                job.instance_type.as_deref(),
                region,
                secs,
                count,
            );
            (job, r)
        })
        .collect()
}

/// What AWS gives a volume when nothing sets its size: 5 GB for a notebook
/// instance (`VolumeSizeInGB`, CreateNotebookInstance) and for a space
/// (`DefaultEbsVolumeSizeInGb`, DefaultEbsStorageSettings).
pub(crate) const DEFAULT_VOLUME_GB: i32 = 5;

/// Space and notebook-instance statuses whose volume is gone or going (a
/// failed deletion, `Delete_Failed`, leaves it billing: it stays listed).
const STORAGE_GONE: [&str; 2] = ["Deleting", "Deleted"];

/// A GB-month price for `storage` in `region`, and a priced item.
fn stored(
    prices: &PriceBook,
    storage: Storage,
    kind: StorageKind,
    region: Option<&str>,
    size_gb: f64,
    size_assumed: bool,
) -> StorageItem {
    let price = prices.storage(storage, region);
    StorageItem {
        kind,
        name: String::new(),
        region: region.map(str::to_string),
        size_gb: catalog::round(size_gb),
        size_assumed,
        price_per_gb_month_usd: price.as_ref().map(|p| p.usd_per_gb_month),
        monthly_usd: price.as_ref().map(|p| catalog::round(p.usd_per_gb_month * size_gb)),
        price_source: price.map(|p| p.source),
        domain: None,
        owner: None,
        holds: String::new(),
        delete: String::new(),
    }
}

/// Everything billing by the GB-month: each space's volume (its own size,
/// else its domain's default, else AWS's), each notebook instance's volume
/// (running or stopped), each domain's home EFS and each EFS a deleted
/// domain left behind; and the reads that failed (what they cover is
/// unknown).
pub(crate) fn storage(prices: &PriceBook, s: &Snapshot) -> (Vec<StorageItem>, Vec<CallError>) {
    let region = s.region.as_deref();
    let region_arg = region.unwrap_or("REGION");
    let mut items = Vec::new();
    let mut errors = Vec::new();
    let domains = s.domains.as_deref().unwrap_or_default();
    match &s.spaces {
        Ok(spaces) => {
            for space in spaces
                .iter()
                .filter(|sp| !STORAGE_GONE.contains(&sp.status.as_deref().unwrap_or("")))
            {
                let own = space.settings.as_ref().and_then(|st| st.ebs_gb);
                let default = domains
                    .iter()
                    .find(|d| d.id == space.domain_id)
                    .and_then(|d| d.default_space_gb);
                let size = own.or(default);
                let mut item = stored(
                    prices,
                    Storage::MlVolume,
                    StorageKind::SpaceVolume,
                    region,
                    f64::from(size.unwrap_or(DEFAULT_VOLUME_GB)),
                    size.is_none(),
                );
                item.name = space.name.clone();
                item.domain = Some(space.domain_id.clone());
                item.owner = space.owner.clone();
                item.holds = "the space's home directory (/home/sagemaker-user)".into();
                item.delete = delete_space_command(space, region_arg);
                items.push(item);
            }
        }
        Err(e) => errors.push(e.clone()),
    }
    match &s.notebook_instances {
        Ok(notebooks) => {
            for n in notebooks.iter().filter(|n| !STORAGE_GONE.contains(&n.status.as_str())) {
                let mut item = stored(
                    prices,
                    Storage::MlVolume,
                    StorageKind::NotebookVolume,
                    region,
                    f64::from(n.volume_gb.unwrap_or(DEFAULT_VOLUME_GB)),
                    n.volume_gb.is_none(),
                );
                item.name = n.name.clone();
                item.holds = "the instance's /home/ec2-user/SageMaker".into();
                item.delete = format!(
                    "aws sagemaker delete-notebook-instance --notebook-instance-name {} --region {region_arg}",
                    n.name
                );
                items.push(item);
            }
        }
        Err(e) => errors.push(e.clone()),
    }
    match &s.file_systems {
        Ok(systems) => {
            for fs in systems.iter().filter(|f| f.state != "deleted" && f.state != "deleting") {
                items.push(file_system(prices, fs, region, region_arg));
            }
        }
        Err(e) => errors.push(e.clone()),
    }
    if let Err(e) = &s.domains {
        errors.push(e.clone());
    }
    (items, errors)
}

/// Bytes in a GiB: AWS meters storage per GB-month of 2^30 bytes.
const GIB: f64 = 1_073_741_824.0;

fn file_system(prices: &PriceBook, fs: &FileSystem, region: Option<&str>, region_arg: &str) -> StorageItem {
    let kind = match fs.domain_exists {
        true => StorageKind::DomainEfs,
        false => StorageKind::OrphanEfs,
    };
    let bytes = fs.size_bytes.unwrap_or(0).max(0);
    let mut item = stored(
        prices,
        Storage::Efs,
        kind,
        region,
        bytes as f64 / GIB,
        fs.size_bytes.is_none(),
    );
    // A file system whose size could not be read costs an unknown amount,
    // never nothing: the totals say "at least".
    if fs.size_bytes.is_none() {
        item.monthly_usd = None;
    }
    item.name = fs.id.clone();
    item.domain = fs.domain_id.clone();
    item.holds = "the home directories of the domain's user profiles".into();
    item.delete = match (kind, &fs.domain_id) {
        // Deleting the domain with RetentionPolicy Delete takes its EFS with it.
        (StorageKind::DomainEfs, Some(domain)) => format!(
            "aws sagemaker delete-domain --domain-id {domain} --retention-policy HomeEfsFileSystem=Delete --region {region_arg}"
        ),
        _ => format!(
            "aws efs describe-mount-targets --file-system-id {id} --region {region_arg} (delete each with aws efs delete-mount-target), then aws efs delete-file-system --file-system-id {id} --region {region_arg}",
            id = fs.id
        ),
    };
    item
}

/// The `aws` CLI command that deletes a space (its apps must be deleted first).
pub(crate) fn delete_space_command(space: &Space, region: &str) -> String {
    format!(
        "aws sagemaker delete-space --domain-id {} --space-name {} --region {region}",
        space.domain_id, space.name
    )
}

/// One thing billing by the hour, and what stopping it means.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub(crate) struct Billed {
    #[serde(flatten)]
    pub resource: Resource,
    pub target: Target,
}

/// What a region's inventory costs: compute by the hour (the resource the
/// learner works in first), storage by the GB-month, and the reads that
/// failed, whose resources may bill unseen.
#[derive(Clone, Debug, Default)]
pub(crate) struct Bill {
    pub compute: Vec<Billed>,
    pub storage: Vec<StorageItem>,
    pub errors: Vec<CallError>,
}

impl Bill {
    /// Compute that bills every hour, but the resource the learner works in.
    pub(crate) fn billing(&self) -> impl Iterator<Item = &Billed> {
        self.compute
            .iter()
            .filter(|b| !b.resource.current && b.resource.bills_by_the_hour())
    }
}

/// The one answer to "what bills in this region": every kind of the
/// inventory, priced, each with what stopping it means.
pub(crate) fn bill(prices: &PriceBook, s: &Snapshot) -> Bill {
    let now = s.taken_at.as_str();
    let region = s.region.as_deref();
    let current = s.local.current.as_ref();
    let mut compute = Vec::new();
    let mut errors = Vec::new();
    let mut add = |resource: Resource, target: Target| compute.push(Billed { resource, target });
    match &s.apps {
        Ok(apps) => {
            for (app, r) in studio_apps(prices, region, apps, s.spaces.as_deref().ok(), current, now) {
                add(r, Target::of_app(app));
            }
        }
        Err(e) => errors.push(e.clone()),
    }
    match &s.notebook_instances {
        Ok(notebooks) => {
            for (n, r) in notebook_instances(prices, region, notebooks, current, now) {
                add(r, Target::NotebookInstance { name: n.name.clone() });
            }
        }
        Err(e) => errors.push(e.clone()),
    }
    match &s.endpoints {
        Ok(list) => {
            for (e, r) in endpoints(prices, region, list, now).0 {
                add(r, Target::Endpoint { name: e.name.clone() });
            }
        }
        Err(e) => errors.push(e.clone()),
    }
    match &s.mlflow_servers {
        Ok(servers) => {
            for (m, r) in mlflow_servers(prices, region, servers, now) {
                add(r, Target::MlflowTrackingServer { name: m.name.clone() });
            }
        }
        Err(e) => errors.push(e.clone()),
    }
    match &s.clusters {
        Ok(list) => {
            for (c, r) in clusters(prices, region, list, now) {
                add(r, Target::HyperpodCluster { name: c.name.clone() });
            }
        }
        Err(e) => errors.push(e.clone()),
    }
    for list in [&s.jobs, &s.transform_jobs] {
        match list {
            Ok(list) => {
                for (job, r) in jobs(prices, region, list, now) {
                    let target = match job.kind {
                        ResourceKind::TransformJob => Target::TransformJob { name: job.name.clone() },
                        kind => Target::Job {
                            job_kind: kind,
                            name: job.name.clone(),
                        },
                    };
                    add(r, target);
                }
            }
            Err(e) => errors.push(e.clone()),
        }
    }
    match &s.warm_pools {
        Ok(pools) => {
            for (pool, r) in warm_pools(prices, region, pools, now) {
                add(r, Target::WarmPool { job: pool.job.clone() });
            }
        }
        Err(e) => errors.push(e.clone()),
    }
    // The resource the learner works in comes first.
    compute.sort_by_key(|b| !b.resource.current);
    for b in &mut compute {
        b.resource.region = s.region.clone();
    }
    let (storage, storage_errors) = storage(prices, s);
    errors.extend(storage_errors);
    errors.dedup();
    Bill {
        compute,
        storage,
        errors,
    }
}

/// Per month, and whether a monthly cost is unknown (so the total is a lower bound).
pub(crate) fn storage_totals(items: &[StorageItem]) -> (f64, bool) {
    let monthly = items.iter().filter_map(|i| i.monthly_usd).sum::<f64>();
    (catalog::round(monthly), items.iter().any(|i| i.monthly_usd.is_none()))
}

/// The hours of an average month (365 × 24 / 12): what a resource billing by
/// the hour costs a month if it is left as it is.
pub(crate) const HOURS_PER_MONTH: f64 = 730.0;

/// What bills on an account, in the few figures a class row or a page
/// shows: compute by the hour (the learner's own resource included: an
/// instructor sees everything), storage by the month.
#[derive(Clone, Debug, serde::Serialize, PartialEq)]
pub(crate) struct StillBilling {
    pub per_hour_usd: f64,
    pub storage_monthly_usd: f64,
    /// Some price or size is unknown: the figures are lower bounds.
    pub partial: bool,
    pub compute: Vec<Resource>,
    pub storage: Vec<StorageItem>,
}

impl StillBilling {
    pub(crate) fn of(bill: &Bill) -> StillBilling {
        StillBilling::of_all(std::slice::from_ref(bill))
    }

    /// Several regions' bills as one (a sweep).
    pub(crate) fn of_all(bills: &[Bill]) -> StillBilling {
        let compute: Vec<Resource> = bills
            .iter()
            .flat_map(|b| &b.compute)
            .filter(|b| b.resource.bills_by_the_hour())
            .map(|b| b.resource.clone())
            .collect();
        let storage: Vec<StorageItem> = bills.iter().flat_map(|b| b.storage.iter().cloned()).collect();
        let (per_hour, _, compute_partial) = totals(&compute);
        let (monthly, storage_partial) = storage_totals(&storage);
        StillBilling {
            per_hour_usd: per_hour,
            storage_monthly_usd: monthly,
            partial: compute_partial || storage_partial,
            compute,
            storage,
        }
    }

    /// What it all costs a month if left as it is: the compute's hours of an
    /// average month and the storage's month.
    pub(crate) fn monthly_usd(&self) -> f64 {
        catalog::round(self.per_hour_usd * HOURS_PER_MONTH + self.storage_monthly_usd)
    }
}
