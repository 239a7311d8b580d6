//! AWS's published prices, embedded: lessons/module5/prices.toml, the one
//! file of them (instances.toml holds the specifications and the course's
//! own figures). Each figure names its source, the date it was read and
//! whether it is approximate; the price book asks here after the Price List
//! cache and before the course's figures.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::Instances;
use super::prices::{Usage, valid_region};

/// What is billed by the GB-month whether anything runs or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Storage {
    /// SageMaker ML storage (general purpose SSD): a notebook instance's
    /// volume, a Studio space's EBS volume.
    MlVolume,
    /// EFS Standard: a Studio domain's home file system.
    Efs,
}

impl Storage {
    pub fn name(self) -> &'static str {
        match self {
            Storage::MlVolume => "ML storage",
            Storage::Efs => "EFS Standard storage",
        }
    }
}

/// The sizes of an MLflow tracking server (`TrackingServerSize`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum MlflowSize {
    Small,
    Medium,
    Large,
}

impl MlflowSize {
    /// From the API's `TrackingServerSize` ("Small", "Medium", "Large").
    pub fn parse(size: &str) -> Option<MlflowSize> {
        match size {
            "Small" => Some(MlflowSize::Small),
            "Medium" => Some(MlflowSize::Medium),
            "Large" => Some(MlflowSize::Large),
            _ => None,
        }
    }
}

/// What is billed at a flat hourly rate, not by instance type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Flat {
    /// A Canvas workspace, per session hour.
    Canvas,
    MlflowSmall,
    MlflowMedium,
    MlflowLarge,
}

impl Flat {
    pub fn mlflow(size: MlflowSize) -> Flat {
        match size {
            MlflowSize::Small => Flat::MlflowSmall,
            MlflowSize::Medium => Flat::MlflowMedium,
            MlflowSize::Large => Flat::MlflowLarge,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Flat::Canvas => "Canvas session",
            Flat::MlflowSmall => "MLflow tracking server, Small",
            Flat::MlflowMedium => "MLflow tracking server, Medium",
            Flat::MlflowLarge => "MLflow tracking server, Large",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    pub name: String,
    /// The date the figures were read (YYYY-MM-DD).
    pub read: String,
}

/// Figures of one source for one region and some usages.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstancePrices {
    pub source: String,
    pub region: String,
    pub usages: Vec<Usage>,
    #[serde(default)]
    pub approximate: bool,
    #[serde(default)]
    pub note: Option<String>,
    pub usd_per_hour: BTreeMap<String, f64>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoragePrices {
    pub storage: Storage,
    pub region: String,
    pub usd_per_gb_month: f64,
    pub source: String,
    #[serde(default)]
    pub approximate: bool,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FlatPrices {
    pub flat: Flat,
    /// Absent when the source names no region.
    #[serde(default)]
    pub region: Option<String>,
    pub usd_per_hour: f64,
    pub source: String,
    #[serde(default)]
    pub approximate: bool,
    #[serde(default)]
    pub note: Option<String>,
}

/// Catalog types known to have no figure for some usages, and why.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unpriced {
    pub regions: Vec<String>,
    pub usages: Vec<Usage>,
    pub instances: Vec<String>,
    pub why: String,
}

/// The whole file.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Published {
    #[serde(default)]
    pub source: Vec<Source>,
    #[serde(default)]
    pub instance_prices: Vec<InstancePrices>,
    #[serde(default)]
    pub storage_prices: Vec<StoragePrices>,
    #[serde(default)]
    pub flat_prices: Vec<FlatPrices>,
    #[serde(default)]
    pub unpriced: Vec<Unpriced>,
}

/// One figure found, with what its label needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure<'a> {
    pub usd: f64,
    pub source: &'a Source,
    pub region: Option<&'a str>,
    pub approximate: bool,
    pub note: Option<&'a str>,
}

impl Published {
    fn source(&self, id: &str) -> Option<&Source> {
        self.source.iter().find(|s| s.id == id)
    }

    /// The hourly figure of `instance_type` for `usage` in `region` (that
    /// region's only: validation allows one per type, region and usage).
    pub fn instance(&self, instance_type: &str, region: &str, usage: Usage) -> Option<Figure<'_>> {
        self.instance_prices
            .iter()
            .filter(|set| set.region == region && set.usages.contains(&usage))
            .find_map(|set| {
                Some(Figure {
                    usd: *set.usd_per_hour.get(instance_type)?,
                    source: self.source(&set.source)?,
                    region: Some(&set.region),
                    approximate: set.approximate,
                    note: set.note.as_deref(),
                })
            })
    }

    /// The GB-month figure of `storage` in `region`, none for another region.
    pub fn storage(&self, storage: Storage, region: &str) -> Option<Figure<'_>> {
        let p = self
            .storage_prices
            .iter()
            .find(|p| p.storage == storage && p.region == region)?;
        Some(Figure {
            usd: p.usd_per_gb_month,
            source: self.source(&p.source)?,
            region: Some(&p.region),
            approximate: p.approximate,
            note: p.note.as_deref(),
        })
    }

    /// The hourly flat rate in `region`: that region's figure, else one
    /// whose source names no region; never another region's.
    pub fn flat(&self, flat: Flat, region: Option<&str>) -> Option<Figure<'_>> {
        let of = |p: &&FlatPrices| p.flat == flat;
        let p = self
            .flat_prices
            .iter()
            .filter(of)
            .find(|p| region.is_some() && p.region.as_deref() == region)
            .or_else(|| self.flat_prices.iter().filter(of).find(|p| p.region.is_none()))?;
        Some(Figure {
            usd: p.usd_per_hour,
            source: self.source(&p.source)?,
            region: p.region.as_deref(),
            approximate: p.approximate,
            note: p.note.as_deref(),
        })
    }

    /// Why `instance_type` has no figure for `usage` in `region`, when the
    /// file says.
    pub fn why_unpriced(&self, instance_type: &str, region: &str, usage: Usage) -> Option<&str> {
        self.unpriced
            .iter()
            .find(|u| {
                u.usages.contains(&usage)
                    && u.regions.iter().any(|r| r == region)
                    && u.instances.iter().any(|i| i == instance_type)
            })
            .map(|u| u.why.as_str())
    }

    /// Every problem with the file, against the catalog it prices.
    pub fn problems(&self, instances: &Instances) -> Vec<String> {
        let mut problems = Vec::new();
        let known = |name: &str| instances.get(name).is_some();
        let mut ids = BTreeSet::new();
        for s in &self.source {
            if !ids.insert(s.id.as_str()) {
                problems.push(format!("source {:?} listed twice", s.id));
            }
            if s.name.trim().is_empty() {
                problems.push(format!("source {:?} has no name", s.id));
            }
            if !is_date(&s.read) {
                problems.push(format!(
                    "source {:?}: read {:?} is not a date (YYYY-MM-DD)",
                    s.id, s.read
                ));
            }
        }
        let mut priced = BTreeSet::new();
        for set in &self.instance_prices {
            if set.usages.is_empty() {
                problems.push(format!("instance_prices ({}, {}): no usages", set.source, set.region));
            }
            for (name, usd) in &set.usd_per_hour {
                let at = format!("instance_prices ({}, {}): {name:?}", set.source, set.region);
                problems.extend(common(
                    &ids,
                    &at,
                    &set.source,
                    Some(&set.region),
                    *usd,
                    set.approximate,
                    &set.note,
                ));
                if !known(name) {
                    problems.push(format!("{at}: not an instance of instances.toml"));
                }
                for usage in &set.usages {
                    if !priced.insert((name.as_str(), set.region.as_str(), *usage)) {
                        problems.push(format!("{at}: more than one {} figure", usage.name()));
                    }
                }
            }
        }
        let mut stored = BTreeSet::new();
        for p in &self.storage_prices {
            let at = format!("storage_prices ({}, {})", p.storage.name(), p.region);
            problems.extend(common(
                &ids,
                &at,
                &p.source,
                Some(&p.region),
                p.usd_per_gb_month,
                p.approximate,
                &p.note,
            ));
            if !stored.insert((p.storage, p.region.as_str())) {
                problems.push(format!("{at}: listed twice"));
            }
        }
        let mut flats = BTreeSet::new();
        for p in &self.flat_prices {
            let at = format!(
                "flat_prices ({}, {})",
                p.flat.name(),
                p.region.as_deref().unwrap_or("no region")
            );
            problems.extend(common(
                &ids,
                &at,
                &p.source,
                p.region.as_deref(),
                p.usd_per_hour,
                p.approximate,
                &p.note,
            ));
            if !flats.insert((p.flat, p.region.as_deref())) {
                problems.push(format!("{at}: listed twice"));
            }
        }
        for u in &self.unpriced {
            if u.why.trim().is_empty() || u.usages.is_empty() || u.regions.is_empty() {
                problems.push(format!("unpriced {:?}: needs regions, usages and why", u.instances));
            }
            for region in u.regions.iter().filter(|r| !valid_region(r)) {
                problems.push(format!("unpriced: {region:?} is not a region"));
            }
            for name in &u.instances {
                if !known(name) {
                    problems.push(format!("unpriced: {name:?} is not an instance of instances.toml"));
                }
                for region in &u.regions {
                    for usage in &u.usages {
                        if priced.contains(&(name.as_str(), region.as_str(), *usage)) {
                            problems.push(format!(
                                "unpriced: {name:?} has a {} figure in {region} too",
                                usage.name()
                            ));
                        }
                    }
                }
            }
        }
        problems
    }
}

/// What every figure needs: a known source, a region name, a positive
/// amount, and a note when approximate.
fn common(
    ids: &BTreeSet<&str>,
    at: &str,
    source: &str,
    region: Option<&str>,
    usd: f64,
    approximate: bool,
    note: &Option<String>,
) -> Vec<String> {
    let mut problems = Vec::new();
    if !ids.contains(source) {
        problems.push(format!("{at}: unknown source {source:?}"));
    }
    if let Some(region) = region.filter(|r| !valid_region(r)) {
        problems.push(format!("{at}: {region:?} is not a region"));
    }
    if !(usd.is_finite() && usd > 0.0) {
        problems.push(format!("{at}: the figure must be positive"));
    }
    if approximate && note.as_deref().is_none_or(|n| n.trim().is_empty()) {
        problems.push(format!("{at}: an approximate figure needs a note saying why"));
    }
    problems
}

fn is_date(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    parts.len() == 3
        && [4, 2, 2]
            .iter()
            .zip(&parts)
            .all(|(n, p)| p.len() == *n && p.chars().all(|c| c.is_ascii_digit()))
        && humantime::parse_rfc3339_weak(&format!("{text} 00:00:00")).is_ok()
}
