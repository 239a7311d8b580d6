//! The teardown's plan: what `teardown --level compute|storage|domain` does
//! to each region's inventory, in the order AWS enforces (apps → spaces →
//! user profiles → domain → EFS; a notebook instance stopped before it is
//! deleted), each step with what it saves and what data goes with it. What
//! the plan leaves (the resource the learner works in, what they keep with a
//! reason, whatever depends on those) is listed with why.

use std::collections::BTreeMap;

use super::{Change, Draft, Left, Level, Plan, Step, compute_step, order, rank, step};
use crate::catalog::prices::PriceBook;
use crate::checks::StorageItem;
use crate::checks::bill::{self, Bill, Billed};
use crate::i18n::{Lang, tr, trf};
use crate::snapshot::inventory::{Deletion, StorageKind, Target};
use crate::snapshot::studio::Current;
use crate::snapshot::{App, Snapshot};

/// What the learner asked for.
pub(crate) struct Options<'a> {
    pub level: Level,
    /// Stop the resource the learner works in too (last); its space, user
    /// profile and domain are never deleted from inside it.
    pub include_current: bool,
    /// Only this domain's Studio resources (apps, spaces, profiles, the domain).
    pub domain_id: Option<&'a str>,
    /// What the learner keeps, by name, with their reason.
    pub kept: &'a BTreeMap<String, String>,
    pub lang: Lang,
}

/// App statuses that hold up their space's or user profile's deletion.
const APP_LIVE: [&str; 3] = ["InService", "Pending", "Deleting"];

/// The teardown's plan for the regions read (`snapshots`), priced from `prices`.
pub(crate) fn teardown_plan(
    account: &str,
    snapshots: &[&Snapshot],
    prices: &PriceBook,
    sweep: bool,
    options: &Options,
) -> Plan {
    let regions = snapshots.iter().filter_map(|s| s.region.clone()).collect();
    let mut plan = Plan::new("teardown", account, regions, Some(options.level));
    plan.sweep = sweep;
    let mut drafts = Vec::new();
    for snapshot in snapshots {
        let mut region = Region::new(snapshot, prices, options);
        region.compute();
        if options.level >= Level::Storage {
            region.storage();
        }
        if options.level >= Level::Domain {
            region.domain();
        }
        plan.left.append(&mut region.left);
        drafts.append(&mut region.drafts);
    }
    plan.steps = order(drafts);
    plan.total();
    plan
}

/// One region's drafts, and what it leaves.
struct Region<'a> {
    s: &'a Snapshot,
    region: String,
    bill: Bill,
    options: &'a Options<'a>,
    current: Option<&'a Current>,
    drafts: Vec<Draft>,
    left: Vec<Left>,
    /// Each resource planned (by its change's key) and its draft, or `None`
    /// when it stays: what depends on it stays too.
    planned: BTreeMap<String, Option<usize>>,
}

impl<'a> Region<'a> {
    fn new(s: &'a Snapshot, prices: &PriceBook, options: &'a Options<'a>) -> Region<'a> {
        Region {
            s,
            region: s.region.clone().unwrap_or_else(|| "?".into()),
            bill: bill::bill(prices, s),
            options,
            current: s.local.current.as_ref(),
            drafts: Vec::new(),
            left: Vec::new(),
            planned: BTreeMap::new(),
        }
    }

    fn lang(&self) -> Lang {
        self.options.lang
    }

    /// Adds a draft for `step` (in `rank`, after `deps`); returns its index.
    fn add(&mut self, step: Step, rank: u8, deps: Vec<usize>) -> usize {
        self.planned.insert(step.key(), Some(self.drafts.len()));
        self.drafts.push(Draft { step, rank, deps });
        self.drafts.len() - 1
    }

    /// Leaves `change`'s resource as it is, saying why.
    fn leave(&mut self, change: &Change, name: &str, why: String, per_hour: Option<f64>, per_month: Option<f64>) {
        self.planned.insert(change.key(&self.region), None);
        self.left.push(Left {
            kind: change.kind(),
            name: name.to_string(),
            region: self.region.clone(),
            label: change.label(),
            why,
            usd_per_hour: per_hour,
            usd_per_month: per_month,
        });
    }

    /// The reason the learner gave for keeping any of `names`.
    fn kept(&self, names: &[Option<&str>]) -> Option<String> {
        names
            .iter()
            .flatten()
            .find_map(|n| self.options.kept.get(*n))
            .map(|reason| trf(self.lang(), "teardown.left_kept", &[("reason", reason)]))
    }

    /// Outside `--domain-id`, a Studio resource stays.
    fn other_domain(&self, domain: &str) -> Option<String> {
        match self.options.domain_id {
            Some(wanted) if wanted != domain => {
                Some(trf(self.lang(), "teardown.left_other_domain", &[("domain", &wanted)]))
            }
            _ => None,
        }
    }

    /// The draft that deletes (or stops) `change`'s resource: `Some(index)`
    /// planned, `Some(None)` staying, `None` not in the plan at all (gone).
    fn draft_of(&self, change: &Change) -> Option<Option<usize>> {
        self.planned.get(&change.key(&self.region)).copied()
    }

    /// Everything billing by the hour: stopped (or, at `storage`, an MLflow
    /// server deleted instead). One step per resource (an endpoint's
    /// variants and a cluster's groups are one deletion).
    fn compute(&mut self) {
        let mut merged: Vec<Billed> = Vec::new();
        for item in &self.bill.compute {
            match merged.iter_mut().find(|m| m.target == item.target) {
                Some(m) => {
                    m.resource.price_per_hour_usd =
                        match (m.resource.price_per_hour_usd, item.resource.price_per_hour_usd) {
                            (Some(a), Some(b)) => Some(crate::catalog::round(a + b)),
                            _ => None,
                        }
                }
                None => merged.push(item.clone()),
            }
        }
        for item in merged {
            let change = Change::Stop {
                target: item.target.clone(),
            };
            if self.options.level >= Level::Storage && matches!(item.target, Target::MlflowTrackingServer { .. }) {
                continue;
            }
            let per_hour = item.resource.price_per_hour_usd;
            let per_month = per_hour.map(|p| crate::catalog::round(p * super::HOURS_PER_MONTH));
            let (space, domain) = match &item.target {
                Target::StudioApp(app) => (app.space.as_deref(), Some(app.domain_id.as_str())),
                _ => (None, None),
            };
            let why = if item.resource.current && !self.options.include_current {
                Some(tr(self.lang(), "teardown.left_current").to_string())
            } else {
                self.kept(&[Some(&item.resource.name), space, domain])
                    .or_else(|| domain.and_then(|d| self.other_domain(d)))
            };
            match why {
                Some(why) => self.leave(&change, &item.resource.name, why, per_hour, per_month),
                None => {
                    let step = compute_step(&item, &self.region);
                    let rank = if step.current { rank::CURRENT } else { rank::COMPUTE };
                    self.add(step, rank, Vec::new());
                }
            }
        }
    }

    /// The apps of a space (or of a user profile, outside spaces) that hold
    /// up its deletion: each one's draft, drafting a wait for one already
    /// `Deleting` and, when `free_too`, a deletion for one that bills
    /// nothing (Studio Classic's JupyterServer). `Err` names one that stays.
    fn apps_of(&mut self, owner: impl Fn(&App) -> bool, free_too: bool) -> Result<Vec<usize>, String> {
        let apps: Vec<&App> = self
            .s
            .apps
            .as_deref()
            .unwrap_or_default()
            .iter()
            .filter(|a| owner(a) && APP_LIVE.contains(&a.status.as_str()))
            .collect();
        let mut deps = Vec::new();
        for app in apps {
            let change = Change::Stop {
                target: Target::of_app(app),
            };
            match self.draft_of(&change) {
                Some(Some(index)) => deps.push(index),
                Some(None) => return Err(change.label()),
                None if app.status == "Deleting" || free_too => {
                    let mut step = step(change, &self.region, &app.name);
                    step.found = (app.status == "Deleting").then(|| app.status.clone());
                    step.saves_usd_per_hour = Some(0.0);
                    step.saves_usd_per_month = Some(0.0);
                    deps.push(self.add(step, rank::COMPUTE, Vec::new()));
                }
                // Running but not planned: it bills nothing (a free app)
                // and only holds up a user profile, planned at `domain`.
                None => {}
            }
        }
        Ok(deps)
    }

    /// The storage item that bills for a resource (its kind and name).
    fn storage_item(&self, kind: StorageKind, name: &str) -> Option<&StorageItem> {
        self.bill.storage.iter().find(|i| i.kind == kind && i.name == name)
    }

    /// A deletion step, saving `item`'s monthly cost.
    fn deletion(&self, deletion: Deletion, name: &str, item: Option<&StorageItem>) -> Step {
        let mut step = step(Change::Delete { deletion }, &self.region, name);
        step.saves_usd_per_hour = Some(0.0);
        step.saves_usd_per_month = match item {
            Some(item) => item.monthly_usd,
            None => Some(0.0),
        };
        step
    }

    /// Why the learner's own space, user profile or domain stays: deleting
    /// it would end the session mid-teardown.
    fn here(&self) -> String {
        tr(self.lang(), "teardown.left_current_storage").to_string()
    }

    /// `storage`: spaces (once their apps are gone), notebook instances
    /// (once stopped), MLflow tracking servers.
    fn storage(&mut self) {
        self.spaces();
        self.notebooks();
        self.mlflow_servers();
    }

    fn spaces(&mut self) {
        let spaces = self.s.spaces.as_deref().unwrap_or_default();
        for space in spaces.iter().filter(|s| s.status.as_deref() != Some("Deleted")) {
            let deletion = Deletion::Space {
                domain_id: space.domain_id.clone(),
                name: space.name.clone(),
            };
            let item = self.storage_item(StorageKind::SpaceVolume, &space.name).cloned();
            let monthly = item.as_ref().and_then(|i| i.monthly_usd);
            let change = Change::Delete {
                deletion: deletion.clone(),
            };
            let is_here = self.current.is_some_and(|c| {
                c.is_studio()
                    && c.domain_id.as_deref() == Some(&space.domain_id)
                    && c.space.as_deref() == Some(&space.name)
            });
            let why = if is_here {
                Some(self.here())
            } else {
                self.kept(&[Some(&space.name), Some(&space.domain_id)])
                    .or_else(|| self.other_domain(&space.domain_id))
            };
            if let Some(why) = why {
                self.leave(&change, &space.name, why, None, monthly);
                continue;
            }
            let deps = match self.apps_of(
                |a| a.domain_id == space.domain_id && a.space.as_ref() == Some(&space.name),
                true,
            ) {
                Ok(deps) => deps,
                Err(app) => {
                    let why = trf(self.lang(), "teardown.left_depends", &[("what", &app)]);
                    self.leave(&change, &space.name, why, None, monthly);
                    continue;
                }
            };
            let mut step = self.deletion(deletion, &space.name, item.as_ref());
            step.found = space.status.clone().filter(|s| s == "Deleting");
            step.deletes_data = Some(trf(self.lang(), "teardown.data_space", &[("space", &space.name)]));
            step.keep_copy = Some(trf(self.lang(), "teardown.keep_space", &[("space", &space.name)]));
            step.confirm_with = Some(space.domain_id.clone());
            self.add(step, rank::STORAGE, deps);
        }
    }

    fn notebooks(&mut self) {
        let notebooks = self.s.notebook_instances.as_deref().unwrap_or_default();
        for n in notebooks.iter().filter(|n| n.status != "Deleted") {
            let deletion = Deletion::NotebookInstance { name: n.name.clone() };
            let item = self.storage_item(StorageKind::NotebookVolume, &n.name).cloned();
            let monthly = item.as_ref().and_then(|i| i.monthly_usd);
            let change = Change::Delete {
                deletion: deletion.clone(),
            };
            let why = if self.current.is_some_and(|c| c.is_notebook(&n.name)) {
                Some(self.here())
            } else {
                self.kept(&[Some(&n.name)])
            };
            if let Some(why) = why {
                self.leave(&change, &n.name, why, None, monthly);
                continue;
            }
            // Deleted only once Stopped: after the stop planned at `compute`,
            // or a wait for one already stopping.
            let stop = Change::Stop {
                target: Target::NotebookInstance { name: n.name.clone() },
            };
            let deps = match (self.draft_of(&stop), n.status.as_str()) {
                (Some(Some(index)), _) => vec![index],
                (Some(None), _) => continue,
                (None, "Stopping") => {
                    let mut wait = step(stop, &self.region, &n.name);
                    wait.found = Some(n.status.clone());
                    wait.saves_usd_per_hour = Some(0.0);
                    wait.saves_usd_per_month = Some(0.0);
                    vec![self.add(wait, rank::COMPUTE, Vec::new())]
                }
                _ => Vec::new(),
            };
            let mut step = self.deletion(deletion, &n.name, item.as_ref());
            step.found = (n.status == "Deleting").then(|| n.status.clone());
            step.deletes_data = Some(trf(self.lang(), "teardown.data_notebook", &[("name", &n.name)]));
            step.keep_copy = Some(trf(self.lang(), "teardown.keep_notebook", &[("name", &n.name)]));
            step.confirm_with = Some(n.name.clone());
            self.add(step, rank::STORAGE, deps);
        }
    }

    fn mlflow_servers(&mut self) {
        let servers = self.s.mlflow_servers.as_deref().unwrap_or_default();
        for server in servers {
            let deletion = Deletion::MlflowTrackingServer {
                name: server.name.clone(),
            };
            let running = self
                .bill
                .compute
                .iter()
                .find(|b| matches!(&b.target, Target::MlflowTrackingServer { name } if *name == server.name));
            let per_hour = running.map_or(Some(0.0), |b| b.resource.price_per_hour_usd);
            let change = Change::Delete {
                deletion: deletion.clone(),
            };
            if let Some(why) = self.kept(&[Some(&server.name)]) {
                self.leave(&change, &server.name, why, per_hour, None);
                continue;
            }
            let mut step = self.deletion(deletion, &server.name, None);
            step.saves_usd_per_hour = per_hour;
            step.saves_usd_per_month = per_hour.map(|p| crate::catalog::round(p * super::HOURS_PER_MONTH));
            step.found = (server.status == "Deleting").then(|| server.status.clone());
            step.deletes_data = Some(tr(self.lang(), "teardown.data_mlflow").to_string());
            step.keep_copy = Some(tr(self.lang(), "teardown.keep_mlflow").to_string());
            step.confirm_with = Some(server.name.clone());
            self.add(step, rank::STORAGE, Vec::new());
        }
    }

    /// `domain`: user profiles (once their apps and spaces are gone), the
    /// domain with its home EFS, and the EFS file systems deleted domains
    /// left behind (mount targets first).
    fn domain(&mut self) {
        let profiles = self.s.user_profiles.as_deref().unwrap_or_default();
        for profile in profiles {
            let deletion = Deletion::UserProfile {
                domain_id: profile.domain_id.clone(),
                name: profile.name.clone(),
            };
            let change = Change::Delete {
                deletion: deletion.clone(),
            };
            let is_here = self.current.is_some_and(|c| {
                c.is_studio()
                    && c.domain_id.as_deref() == Some(&profile.domain_id)
                    && c.user_profile.as_deref() == Some(&profile.name)
            });
            let why = if is_here {
                Some(self.here())
            } else {
                self.kept(&[Some(&profile.name), Some(&profile.domain_id)])
                    .or_else(|| self.other_domain(&profile.domain_id))
            };
            if let Some(why) = why {
                self.leave(&change, &profile.name, why, None, None);
                continue;
            }
            let owned = |a: &App| {
                a.domain_id == profile.domain_id && a.space.is_none() && a.user_profile.as_ref() == Some(&profile.name)
            };
            let mut deps = match self.apps_of(owned, true) {
                Ok(deps) => deps,
                Err(app) => {
                    let why = trf(self.lang(), "teardown.left_depends", &[("what", &app)]);
                    self.leave(&change, &profile.name, why, None, None);
                    continue;
                }
            };
            match self.spaces_owned(&profile.domain_id, Some(&profile.name)) {
                Ok(spaces) => deps.extend(spaces),
                Err(space) => {
                    let why = trf(self.lang(), "teardown.left_depends", &[("what", &space)]);
                    self.leave(&change, &profile.name, why, None, None);
                    continue;
                }
            }
            // Its home directory on the domain's EFS loses its owner: confirmed
            // with the domain's id, as the rest of the domain's data.
            let mut step = self.deletion(deletion, &profile.name, None);
            step.confirm_with = Some(profile.domain_id.clone());
            self.add(step, rank::PROFILE, deps);
        }
        self.domains();
        self.orphan_file_systems();
    }

    /// The drafts of the spaces of `domain` (those `owner` owns, or all):
    /// `Err` names one that stays.
    fn spaces_owned(&self, domain: &str, owner: Option<&str>) -> Result<Vec<usize>, String> {
        let spaces = self.s.spaces.as_deref().unwrap_or_default();
        let mut deps = Vec::new();
        for space in spaces
            .iter()
            .filter(|s| s.domain_id == domain && owner.is_none_or(|o| s.owner.as_deref() == Some(o)))
        {
            let change = Change::Delete {
                deletion: Deletion::Space {
                    domain_id: space.domain_id.clone(),
                    name: space.name.clone(),
                },
            };
            match self.draft_of(&change) {
                Some(Some(index)) => deps.push(index),
                Some(None) => return Err(change.label()),
                None => {}
            }
        }
        Ok(deps)
    }

    fn domains(&mut self) {
        let domains = self.s.domains.as_deref().unwrap_or_default();
        for domain in domains.iter().filter(|d| d.status != "Deleted") {
            let deletion = Deletion::Domain {
                domain_id: domain.id.clone(),
            };
            let change = Change::Delete {
                deletion: deletion.clone(),
            };
            let efs = domain
                .home_efs_id
                .as_deref()
                .and_then(|id| self.storage_item(StorageKind::DomainEfs, id))
                .cloned();
            let monthly = efs.as_ref().and_then(|i| i.monthly_usd);
            let is_here = self
                .current
                .is_some_and(|c| c.is_studio() && c.domain_id.as_deref() == Some(&domain.id));
            let why = if is_here {
                Some(self.here())
            } else {
                self.kept(&[Some(&domain.id), Some(&domain.name), domain.home_efs_id.as_deref()])
                    .or_else(|| self.other_domain(&domain.id))
            };
            if let Some(why) = why {
                self.leave(&change, &domain.id, why, None, monthly);
                continue;
            }
            // Every user profile and space of the domain goes first.
            let profiles: Vec<Change> = self
                .s
                .user_profiles
                .as_deref()
                .unwrap_or_default()
                .iter()
                .filter(|p| p.domain_id == domain.id)
                .map(|p| Change::Delete {
                    deletion: Deletion::UserProfile {
                        domain_id: p.domain_id.clone(),
                        name: p.name.clone(),
                    },
                })
                .collect();
            let mut deps = Vec::new();
            let mut stays = None;
            for profile in &profiles {
                match self.draft_of(profile) {
                    Some(Some(index)) => deps.push(index),
                    Some(None) => stays = Some(profile.label()),
                    None => {}
                }
            }
            match self.spaces_owned(&domain.id, None) {
                Ok(spaces) => deps.extend(spaces),
                Err(space) => stays = stays.or(Some(space)),
            }
            if let Some(what) = stays {
                let why = trf(self.lang(), "teardown.left_depends", &[("what", &what)]);
                self.leave(&change, &domain.id, why, None, monthly);
                continue;
            }
            let mut step = self.deletion(deletion, &domain.id, efs.as_ref());
            step.found = (domain.status == "Deleting").then(|| domain.status.clone());
            let efs_id = domain.home_efs_id.clone().unwrap_or_else(|| "?".into());
            step.deletes_data = Some(trf(self.lang(), "teardown.data_domain", &[("efs", &efs_id)]));
            step.keep_copy = Some(tr(self.lang(), "teardown.keep_domain").to_string());
            step.confirm_with = Some(domain.id.clone());
            self.add(step, rank::DOMAIN, deps);
        }
    }

    fn orphan_file_systems(&mut self) {
        let systems = self.s.file_systems.as_deref().unwrap_or_default();
        for fs in systems.iter().filter(|f| !f.domain_exists && f.state != "deleted") {
            let deletion = Deletion::FileSystem {
                file_system_id: fs.id.clone(),
            };
            let item = self.storage_item(StorageKind::OrphanEfs, &fs.id).cloned();
            let change = Change::Delete {
                deletion: deletion.clone(),
            };
            if let Some(why) = self.kept(&[Some(&fs.id), fs.domain_id.as_deref(), fs.name.as_deref()]) {
                self.leave(&change, &fs.id, why, None, item.as_ref().and_then(|i| i.monthly_usd));
                continue;
            }
            let mut deps = Vec::new();
            if fs.mount_targets > 0 && fs.state != "deleting" {
                let mounts = self.deletion(
                    Deletion::MountTargets {
                        file_system_id: fs.id.clone(),
                    },
                    &fs.id,
                    None,
                );
                deps.push(self.add(mounts, rank::MOUNT_TARGETS, Vec::new()));
            }
            let mut step = self.deletion(deletion, &fs.id, item.as_ref());
            step.found = (fs.state == "deleting").then(|| "Deleting".to_string());
            let domain = fs.domain_id.clone().unwrap_or_else(|| "?".into());
            step.deletes_data = Some(trf(
                self.lang(),
                "teardown.data_efs",
                &[("efs", &fs.id), ("domain", &domain)],
            ));
            step.keep_copy = Some(tr(self.lang(), "teardown.keep_efs").to_string());
            step.confirm_with = Some(fs.id.clone());
            self.add(step, rank::FILE_SYSTEM, deps);
        }
    }
}

/// What still bills by the GB-month after `plan`: the storage of the
/// regions read that no step deletes (at least, when a size is unknown).
pub(crate) fn storage_after(plan: &Plan, snapshots: &[&Snapshot], prices: &PriceBook) -> (f64, bool) {
    let mut left: Vec<StorageItem> = Vec::new();
    for s in snapshots {
        let region = s.region.clone().unwrap_or_default();
        for item in bill::bill(prices, s).storage {
            let deleted = plan.steps.iter().any(|step| {
                step.region == region
                    && match (&step.change, item.kind) {
                        (
                            Change::Delete {
                                deletion: Deletion::Space { name, .. },
                            },
                            StorageKind::SpaceVolume,
                        ) => *name == item.name,
                        (
                            Change::Delete {
                                deletion: Deletion::NotebookInstance { name },
                            },
                            StorageKind::NotebookVolume,
                        ) => *name == item.name,
                        (
                            Change::Delete {
                                deletion: Deletion::Domain { domain_id },
                            },
                            StorageKind::DomainEfs,
                        ) => item.domain.as_deref() == Some(domain_id),
                        (
                            Change::Delete {
                                deletion: Deletion::FileSystem { file_system_id },
                            },
                            _,
                        ) => *file_system_id == item.name,
                        _ => false,
                    }
            });
            if !deleted {
                left.push(item);
            }
        }
    }
    bill::storage_totals(&left)
}
