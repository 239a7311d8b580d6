//! What is running and billing, priced from the price book (the region's
//! cached Price List prices, else the course's figures, else published
//! flat rates for Canvas and MLflow).
//! Shared by the checks and the end-of-session audit.

use super::{Fact, Resource};
use crate::catalog;
use crate::catalog::prices::{PriceBook, PriceSource, Usage};
use crate::snapshot::running::{Cluster, MlflowServer, ResourceKind};
use crate::snapshot::studio::Current;
use crate::snapshot::{App, Endpoint, NotebookInstance, Space, seconds_between};

/// Statuses in which a Studio app or notebook instance has an instance running.
pub const RUNNING: [&str; 2] = ["InService", "Pending"];

/// Endpoint statuses with instances behind them.
pub const ENDPOINT_RUNNING: [&str; 4] = ["InService", "Updating", "SystemUpdating", "RollingBack"];

/// A Canvas workspace instance, per session hour (from launching Canvas to
/// logging out, or to the app's deletion): US$ 1.90, as AWS's SageMaker
/// Canvas pricing page gives it ("Workspace instance (Session-Hrs) charges:
/// $1.9/hour", https://aws.amazon.com/sagemaker/canvas/pricing/, read
/// 2026-11-28 in a copy that names no region; not a price-list figure).
pub const CANVAS_SESSION_HOUR_USD: f64 = 1.90;

/// Where the Canvas figure comes from, in every priced Canvas app's JSON.
pub const CANVAS_SOURCE: &str = "AWS SageMaker Canvas pricing page (https://aws.amazon.com/sagemaker/canvas/pricing/, read 2026-11-28; no region named), per session hour";

/// MLflow tracking servers per hour by TrackingServerSize, where a figure is
/// known. Small: US$ 0.642 in eu-west-2 (London), as quoted in a published
/// price comparison (londonaicentre/FLIP issue 745, 2026-07-09: "Small
/// $0.642/hr"), not AWS's page; Medium and Large: no figure found, so no price.
pub const MLFLOW_PER_HOUR_USD: [(&str, f64); 1] = [("Small", 0.642)];

/// The one region that figure is for: elsewhere a server has no price
/// (`null`, totals partial) rather than London's.
pub const MLFLOW_PRICE_REGION: &str = "eu-west-2";

/// Why a serverless endpoint costs nothing per hour.
pub const SERVERLESS_SOURCE: &str =
    "serverless endpoint: no instances, billed per request and data processed, nothing per hour while idle";

/// Where the MLflow figure comes from, in every priced tracking server's JSON.
pub const MLFLOW_SOURCE: &str =
    "published price comparison (londonaicentre/FLIP issue 745, 2026-07-09; eu-west-2, Small), not AWS's page";

/// TrackingServerStatus values (API reference, TrackingServerSummary) in
/// which a tracking server is not left running: stopped or stopping (as a
/// notebook instance that is Stopping is not listed), never created, or
/// being deleted.
pub const MLFLOW_NOT_RUNNING: [&str; 4] = ["Stopping", "Stopped", "CreateFailed", "Deleting"];

/// ClusterStatus values with no instances billing: failed, or being deleted.
pub const CLUSTER_NOT_RUNNING: [&str; 2] = ["Failed", "Deleting"];

/// A resource billed at a flat rate per hour, not by instance type (Canvas
/// sessions, MLflow tracking servers): priced per second like the rest, the
/// figure's `source` said with it.
fn flat_rate(
    prices: &PriceBook,
    kind: ResourceKind,
    name: &str,
    region: Option<&str>,
    price: Option<(f64, &str)>,
    running_seconds: Option<u64>,
) -> Resource {
    let mut r = priced(prices, kind, name, None, region, running_seconds, 1);
    r.price_per_hour_usd = price.map(|(p, _)| p);
    r.price_source = price.map(|(_, source)| PriceSource::Published {
        source: source.to_string(),
    });
    r.accrued_usd = match (price, running_seconds) {
        (Some((p, _)), Some(secs)) => Some(catalog::cost_usd(p, secs)),
        _ => None,
    };
    r
}

/// A resource priced per second (one-minute minimum) at its kind's usage in
/// its `region`, saying where the price comes from; an instance type with
/// no known price there gets none rather than a guess.
pub fn priced(
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
    }
}

/// Per hour, accrued so far, and whether any resource had no known price (so
/// the totals are a lower bound).
pub fn totals(resources: &[Resource]) -> (f64, f64, bool) {
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
pub fn is_free(app: &App) -> bool {
    app.app_type == "JupyterServer" && app.instance_type.as_deref().is_none_or(|t| t == "system")
}

/// The resource the learner works in first, the rest in their order.
fn current_first<T>(mut list: Vec<(T, Resource)>) -> Vec<(T, Resource)> {
    list.sort_by_key(|(_, r)| !r.current);
    list
}

/// Billable Studio apps, each with its priced resource; the one the
/// learner works in (`current`) first, marked.
pub fn studio_apps<'s>(
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
                    Some((CANVAS_SESSION_HOUR_USD, CANVAS_SOURCE)),
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
            (app, r)
        })
        .collect();
    current_first(list)
}

/// Running notebook instances, priced; the one the learner works on first, marked.
pub fn notebook_instances<'s>(
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
            (n, r)
        })
        .collect();
    current_first(list)
}

/// Endpoints with instances behind them: a resource per production variant,
/// and a fact for each endpoint whose configuration could not be read.
pub fn endpoints<'s>(
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
        match &endpoint.variants {
            Ok(variants) if !variants.is_empty() => {
                for v in variants {
                    if v.serverless {
                        // No instances: billed per request, nothing while idle.
                        let mut r = priced(
                            prices,
                            ResourceKind::ServerlessEndpoint,
                            &endpoint.name,
                            None,
                            region,
                            secs,
                            0,
                        );
                        r.price_per_hour_usd = Some(0.0);
                        r.price_source = Some(PriceSource::Published {
                            source: SERVERLESS_SOURCE.to_string(),
                        });
                        r.accrued_usd = None;
                        resources.push((endpoint, r));
                        continue;
                    }
                    let count = u32::try_from(v.count.max(1)).unwrap_or(1);
                    let r = priced(
                        prices,
                        ResourceKind::Endpoint,
                        &endpoint.name,
                        v.instance_type.as_deref(),
                        region,
                        secs,
                        count,
                    );
                    resources.push((endpoint, r));
                }
            }
            // Serverless endpoints have no instances; a config we could not
            // read leaves the cost unknown, said so in the facts.
            Ok(_) => resources.push((
                endpoint,
                priced(prices, ResourceKind::Endpoint, &endpoint.name, None, region, secs, 1),
            )),
            Err(e) => {
                facts.push(Fact {
                    key: "config_unreadable".into(),
                    value: format!("{}: {}", endpoint.name, e.operation),
                });
                resources.push((
                    endpoint,
                    priced(prices, ResourceKind::Endpoint, &endpoint.name, None, region, secs, 1),
                ));
            }
        }
    }
    (resources, facts)
}

/// MLflow tracking servers that run (any status but stopping, stopped,
/// failed to create, or being deleted), priced by size where a figure is known.
pub fn mlflow_servers<'s>(
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
            let price = m
                .size
                .as_deref()
                .filter(|_| region == Some(MLFLOW_PRICE_REGION))
                .and_then(|size| MLFLOW_PER_HOUR_USD.iter().find(|(s, _)| *s == size))
                .map(|(_, p)| (*p, MLFLOW_SOURCE));
            let mut r = flat_rate(prices, ResourceKind::MlflowTrackingServer, &m.name, region, price, secs);
            r.instance_type = m.size.clone();
            (m, r)
        })
        .collect()
}

/// HyperPod clusters with instances: a resource per instance group (count ×
/// the instance's price), like an endpoint's variants.
pub fn clusters<'s>(
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
