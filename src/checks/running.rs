//! What is running and billing, priced from the price book (the region's
//! cached Price List prices, else the course's figures). Shared by the
//! checks and the end-of-session audit.

use super::{Fact, Resource};
use crate::catalog;
use crate::catalog::prices::{PriceBook, Usage};
use crate::snapshot::running::ResourceKind;
use crate::snapshot::studio::Current;
use crate::snapshot::{App, Endpoint, NotebookInstance, Space, seconds_between};

/// Statuses in which a Studio app or notebook instance has an instance running.
pub const RUNNING: [&str; 2] = ["InService", "Pending"];

/// Endpoint statuses with instances behind them.
pub const ENDPOINT_RUNNING: [&str; 4] = ["InService", "Updating", "SystemUpdating", "RollingBack"];

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
        region: None,
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
    let unknown = resources.iter().any(|r| r.price_per_hour_usd.is_none());
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
            let mut r = priced(
                prices,
                ResourceKind::StudioApp,
                &app.name,
                app.instance_type.as_deref(),
                region,
                running,
                1,
            );
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
