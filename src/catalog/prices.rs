//! Current on-demand prices from the AWS Price List API (GetProducts, read
//! by `aws::pricing`): parsed per usage, cached per region with their date,
//! and looked up through the price book, which also holds AWS's published
//! figures (`published`, embedded) and the course's, and says where each
//! price comes from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::published::{Figure, Flat, Storage};
use super::{COURSE_SOURCE, Instances};
use crate::snapshot::inventory::ResourceKind;

/// Cached prices older than this are fetched again.
pub(crate) const MAX_AGE_SECONDS: u64 = 7 * 24 * 3600;

/// What an instance is used for: the Price List prices each one apart
/// (a training job on ml.m5.xlarge costs more than a notebook on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Usage {
    /// A notebook: Studio apps (JupyterLab, Code Editor, Classic), or the
    /// notebook price where Studio has none; what the calculators show.
    Notebook,
    /// Notebook instances (outside Studio): the Price List's `Notebook`.
    NotebookInstance,
    Training,
    Processing,
    /// Real-time endpoints.
    Hosting,
    /// Batch transform jobs.
    Transform,
    /// HyperPod cluster instances.
    Cluster,
}

impl Usage {
    pub const ALL: [Usage; 7] = [
        Usage::Notebook,
        Usage::NotebookInstance,
        Usage::Training,
        Usage::Processing,
        Usage::Hosting,
        Usage::Transform,
        Usage::Cluster,
    ];

    /// Its name in JSON and in sources (`training`, `hosting`…).
    pub fn name(self) -> &'static str {
        match self {
            Usage::Notebook => "notebook",
            Usage::NotebookInstance => "notebook-instance",
            Usage::Training => "training",
            Usage::Processing => "processing",
            Usage::Hosting => "hosting",
            Usage::Transform => "transform",
            Usage::Cluster => "cluster",
        }
    }

    /// The usage a running resource is billed at.
    pub fn of(kind: ResourceKind) -> Usage {
        match kind {
            // Canvas and MLflow are billed at flat rates (`checks::running`),
            // never per instance type; their usage is not asked.
            ResourceKind::StudioApp | ResourceKind::CanvasApp | ResourceKind::MlflowTrackingServer => Usage::Notebook,
            ResourceKind::NotebookInstance => Usage::NotebookInstance,
            ResourceKind::Endpoint | ResourceKind::ServerlessEndpoint | ResourceKind::AsyncEndpoint => Usage::Hosting,
            // A warm pool's instances are billed as training instances.
            ResourceKind::TrainingJob | ResourceKind::WarmPool => Usage::Training,
            ResourceKind::ProcessingJob => Usage::Processing,
            ResourceKind::TransformJob => Usage::Transform,
            ResourceKind::HyperpodCluster => Usage::Cluster,
        }
    }

    /// The Price List `component` values (or `platoinstancetype`, lower
    /// case) priced at this usage, in order of preference. Spot training,
    /// asynchronous inference, Data Wrangler processing and the like are
    /// other products and are left out.
    fn components(self) -> &'static [&'static str] {
        match self {
            // Studio JupyterLab first: what today's learners run.
            Usage::Notebook => &[
                "studio-jupyterlab",
                "studio-codeeditor",
                "studio-notebook",
                "notebook",
                "studio",
            ],
            Usage::NotebookInstance => &["notebook"],
            Usage::Training => &["training"],
            Usage::Processing => &["processing"],
            Usage::Hosting => &["hosting"],
            Usage::Transform => &["batchtransform", "batch transform", "batch-transform", "transform"],
            // HyperPod's on-demand instances (`Cluster-Reserved` is another product).
            Usage::Cluster => &["cluster"],
        }
    }

    /// The usages a Price List component prices, each with its rank there.
    fn classify(component: &str) -> Vec<(Usage, usize)> {
        let component = component.to_lowercase();
        Usage::ALL
            .into_iter()
            .filter_map(|usage| {
                usage
                    .components()
                    .iter()
                    .position(|c| component == *c)
                    .map(|rank| (usage, rank))
            })
            .collect()
    }
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct LivePrice {
    pub usd_per_hour: f64,
    /// The Price List `component` the price is for.
    pub component: String,
}

/// One region's prices as fetched.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub(crate) struct PriceCache {
    pub region: String,
    pub fetched_at: String,
    pub source: String,
    /// Notebook / Studio prices, per instance: what the calculators show
    /// (and the whole cache before prices were kept per usage, so older
    /// cache files still read).
    pub prices: BTreeMap<String, LivePrice>,
    /// The other usages' prices, per instance.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub usages: BTreeMap<Usage, BTreeMap<String, LivePrice>>,
}

impl PriceCache {
    /// A cache from parsed prices (`parse_price_list`).
    pub(crate) fn new(
        region: &str,
        fetched_at: String,
        source: &str,
        mut parsed: BTreeMap<Usage, BTreeMap<String, LivePrice>>,
    ) -> PriceCache {
        PriceCache {
            region: region.to_string(),
            fetched_at,
            source: source.to_string(),
            prices: parsed.remove(&Usage::Notebook).unwrap_or_default(),
            usages: parsed,
        }
    }

    pub(crate) fn get(&self, instance_type: &str, usage: Usage) -> Option<&LivePrice> {
        match usage {
            Usage::Notebook => self.prices.get(instance_type),
            other => self.usages.get(&other)?.get(instance_type),
        }
    }

    /// How many instance types have a price for some usage.
    pub(crate) fn instance_count(&self) -> usize {
        let mut names: std::collections::BTreeSet<&str> = self.prices.keys().map(String::as_str).collect();
        for prices in self.usages.values() {
            names.extend(prices.keys().map(String::as_str));
        }
        names.len()
    }
}

/// Picks, from GetProducts' `PriceList` documents, the hourly on-demand USD
/// price of each `ml.` instance in `region`, per usage.
pub(crate) fn parse_price_list(items: &[String], region: &str) -> BTreeMap<Usage, BTreeMap<String, LivePrice>> {
    let mut best: BTreeMap<(Usage, String), (usize, LivePrice)> = BTreeMap::new();
    for item in items {
        let Ok(doc) = serde_json::from_str::<Value>(item) else {
            continue;
        };
        let attributes = &doc["product"]["attributes"];
        if attributes["regionCode"].as_str() != Some(region) {
            continue;
        }
        let name = attributes["instanceName"]
            .as_str()
            .or(attributes["instanceType"].as_str())
            .unwrap_or("");
        if !name.starts_with("ml.") {
            continue;
        }
        let component = attributes["component"]
            .as_str()
            .or(attributes["platoinstancetype"].as_str())
            .unwrap_or("");
        let usages = Usage::classify(component);
        if usages.is_empty() {
            continue;
        }
        let Some(usd) = hourly_usd(&doc["terms"]["OnDemand"]) else {
            continue;
        };
        for (usage, rank) in usages {
            let key = (usage, name.to_string());
            if best.get(&key).is_none_or(|(r, _)| rank < *r) {
                let price = LivePrice {
                    usd_per_hour: usd,
                    component: component.to_string(),
                };
                best.insert(key, (rank, price));
            }
        }
    }
    let mut out: BTreeMap<Usage, BTreeMap<String, LivePrice>> = BTreeMap::new();
    for ((usage, name), (_, price)) in best {
        out.entry(usage).or_default().insert(name, price);
    }
    out
}

/// The first positive hourly USD price among an offer's price dimensions.
fn hourly_usd(on_demand: &Value) -> Option<f64> {
    for offer in on_demand.as_object()?.values() {
        for dimension in offer["priceDimensions"].as_object()?.values() {
            let unit = dimension["unit"].as_str().unwrap_or("").to_lowercase();
            if !unit.starts_with("hr") && !unit.starts_with("hour") {
                continue;
            }
            let usd = dimension["pricePerUnit"]["USD"]
                .as_str()
                .and_then(|p| p.parse::<f64>().ok());
            if let Some(usd) = usd.filter(|usd| *usd > 0.0) {
                return Some(usd);
            }
        }
    }
    None
}

/// Replaces the built-in figures with cached live ones where there are some,
/// marking each with its source.
pub(crate) fn apply(instances: &mut Instances, cache: &PriceCache) {
    for instance in &mut instances.instance {
        if let Some(price) = cache.prices.get(&instance.name) {
            instance.price_per_hour_usd = Some(price.usd_per_hour);
            instance.source = Some(format!(
                "{}, {} ({}, {})",
                cache.source, cache.fetched_at, cache.region, price.component
            ));
        }
    }
    instances.region = cache.region.clone();
}

/// A region name as AWS spells them (`eu-central-1`, `us-gov-west-1`):
/// checked before it becomes part of a file name.
pub(crate) fn valid_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    (3..=4).contains(&parts.len())
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
        && region.len() <= 32
}

/// The cache directory: `cache/` in `SM_COURSE_HOME`, else the user's
/// (XDG) cache directory's `sm-course/`. Prices and Cost Explorer answers
/// are kept there.
pub(crate) fn cache_dir(home: Option<&Path>) -> Option<PathBuf> {
    match home {
        Some(home) => Some(home.join("cache")),
        None => Some(dirs::cache_dir()?.join("sm-course")),
    }
}

pub(crate) fn cache_path(home: Option<&Path>, region: &str) -> Option<PathBuf> {
    Some(cache_dir(home)?.join(format!("prices-{region}.json")))
}

/// The cache, when present, readable and recent enough.
pub(crate) fn load_cache(path: &Path, now: std::time::SystemTime) -> Option<PriceCache> {
    let cache: PriceCache = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let fetched = humantime::parse_rfc3339_weak(&cache.fetched_at).ok()?;
    let age = now.duration_since(fetched).map_or(0, |d| d.as_secs());
    (age <= MAX_AGE_SECONDS).then_some(cache)
}

/// Where a price comes from. In JSON, a stable English sentence; people
/// read `short`, in their language.
#[derive(Clone, Debug, PartialEq)]
pub enum PriceSource {
    /// The course's approximate figure (lessons/module5/instances.toml).
    Course,
    /// The course's figure, which is a notebook price, standing in for
    /// another usage's (training, hosting…) that no cache of the region holds:
    /// an estimate, said to be one.
    CourseStandIn { usage: Usage },
    /// A flat rate with its own source (Canvas sessions, MLflow servers,
    /// serverless endpoints), neither the course's nor the Price List's.
    Published { source: String },
    /// A figure of AWS's published prices embedded in the catalog
    /// (lessons/module5/prices.toml): its source, the date it was read, its
    /// region (none when the source names none), what it prices (a usage,
    /// a storage or a flat rate) and, when approximate, why.
    Embedded {
        source: String,
        read: String,
        region: Option<String>,
        item: String,
        approximate: Option<String>,
    },
    /// A cached Price List price for the resource's own region.
    PriceList {
        source: String,
        fetched_at: String,
        region: String,
        component: String,
    },
}

impl PriceSource {
    /// Stable English, for JSON: the course's caveat, or the Price List
    /// with its date, region and component.
    pub fn label(&self) -> String {
        match self {
            PriceSource::Course => COURSE_SOURCE.to_string(),
            PriceSource::CourseStandIn { usage } => format!(
                "{COURSE_SOURCE}; a notebook price standing in for the {} price, none cached for this region",
                usage.name()
            ),
            PriceSource::Published { source } => source.clone(),
            PriceSource::Embedded {
                source,
                read,
                region,
                item,
                approximate,
            } => {
                let region = region.as_deref().unwrap_or("no region named");
                let mut label = format!("{source}, read {read} ({region}, {item})");
                if let Some(why) = approximate {
                    label.push_str(&format!("; approximate: {why}"));
                }
                label
            }
            PriceSource::PriceList {
                source,
                fetched_at,
                region,
                component,
            } => format!("{source}, {fetched_at} ({region}, {component})"),
        }
    }

    /// Whether the figure is an estimate rather than a confirmed price.
    pub fn is_approximate(&self) -> bool {
        match self {
            PriceSource::Course | PriceSource::CourseStandIn { .. } => true,
            PriceSource::Embedded { approximate, .. } => approximate.is_some(),
            PriceSource::Published { .. } | PriceSource::PriceList { .. } => false,
        }
    }

    /// "course figure", or "AWS Price List, 2026-11-28, us-east-1".
    pub fn short(&self, lang: crate::i18n::Lang) -> String {
        match self {
            PriceSource::Course => crate::i18n::tr(lang, "prices.source_course").to_string(),
            PriceSource::CourseStandIn { .. } => crate::i18n::tr(lang, "prices.source_stand_in").to_string(),
            PriceSource::Published { .. } => crate::i18n::tr(lang, "prices.source_published").to_string(),
            PriceSource::Embedded {
                read,
                region,
                approximate,
                ..
            } => {
                let region = match region {
                    Some(region) => region.clone(),
                    None => crate::i18n::tr(lang, "prices.no_region").to_string(),
                };
                let key = if approximate.is_some() {
                    "prices.source_embedded_approximate"
                } else {
                    "prices.source_embedded"
                };
                crate::i18n::trf(lang, key, &[("date", read), ("region", &region)])
            }
            PriceSource::PriceList { fetched_at, region, .. } => crate::i18n::trf(
                lang,
                "prices.source_live",
                &[
                    ("date", &fetched_at.get(..10).unwrap_or(fetched_at)),
                    ("region", region),
                ],
            ),
        }
    }
}

impl Serialize for PriceSource {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.label())
    }
}

/// An hourly price and where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Priced {
    pub usd_per_hour: f64,
    pub source: PriceSource,
}

/// A storage price per GB-month and where it comes from.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct StoragePrice {
    pub usd_per_gb_month: f64,
    pub source: PriceSource,
}

impl PriceSource {
    /// The source of an embedded published figure, for `item`.
    fn embedded(figure: &Figure<'_>, item: &str) -> PriceSource {
        PriceSource::Embedded {
            source: figure.source.name.clone(),
            read: figure.source.read.clone(),
            region: figure.region.map(str::to_string),
            item: item.to_string(),
            approximate: figure
                .approximate
                .then(|| figure.note.unwrap_or("not confirmed against its source").to_string()),
        }
    }
}

/// Every price the tool knows: the Price List's per region and usage from
/// the cache, AWS's published figures embedded in the catalog, and the
/// course's figures. The one place `check`, `audit` and `cost` ask what an
/// instance, a volume or a flat-rate resource costs.
#[derive(Clone, Debug)]
pub(crate) struct PriceBook {
    course: Instances,
    live: BTreeMap<String, PriceCache>,
}

impl PriceBook {
    /// The catalog's figures alone: its published prices and the course's.
    pub(crate) fn new(course: &Instances) -> PriceBook {
        PriceBook {
            course: course.clone(),
            live: BTreeMap::new(),
        }
    }

    /// The catalog's figures plus the fresh cached prices of `regions` (no
    /// network: a region without a recent cache adds nothing).
    pub(crate) fn cached<'r>(
        course: &Instances,
        home: Option<&Path>,
        regions: impl IntoIterator<Item = &'r str>,
        now: std::time::SystemTime,
    ) -> PriceBook {
        let mut book = PriceBook::new(course);
        for region in regions {
            if let Some(cache) = cache_path(home, region).and_then(|path| load_cache(&path, now)) {
                book.add(cache);
            }
        }
        book
    }

    /// Adds (or replaces) a region's live prices.
    pub(crate) fn add(&mut self, cache: PriceCache) {
        self.live.insert(cache.region.clone(), cache);
    }

    /// The instance data (specifications, course figures).
    pub(crate) fn instances(&self) -> &Instances {
        &self.course
    }

    /// The regions with live prices.
    #[cfg(test)]
    pub(crate) fn live_regions(&self) -> impl Iterator<Item = &str> {
        self.live.keys().map(String::as_str)
    }

    /// The hourly price of `instance_type` used for `usage` in `region`, in
    /// this order: the region's cached Price List price for that usage; the
    /// embedded published figure for that region and usage (`Embedded`,
    /// saying when it is approximate); the course's figure (a notebook
    /// price: for any other usage labelled a stand-in, `CourseStandIn`);
    /// else none. Another usage's or another region's price is never used
    /// in its place.
    pub(crate) fn price(&self, instance_type: &str, region: Option<&str>, usage: Usage) -> Option<Priced> {
        let live = region
            .and_then(|r| self.live.get(r))
            .and_then(|cache| cache.get(instance_type, usage).map(|p| (cache, p)));
        if let Some((cache, price)) = live {
            return Some(Priced {
                usd_per_hour: price.usd_per_hour,
                source: PriceSource::PriceList {
                    source: cache.source.clone(),
                    fetched_at: cache.fetched_at.clone(),
                    region: cache.region.clone(),
                    component: price.component.clone(),
                },
            });
        }
        let published = region.and_then(|r| self.course.published.instance(instance_type, r, usage));
        if let Some(figure) = published {
            return Some(Priced {
                usd_per_hour: figure.usd,
                source: PriceSource::embedded(&figure, usage.name()),
            });
        }
        // The course's figures are notebook prices: for another usage they
        // are an estimate, labelled as one rather than left out.
        let figure = self.course.get(instance_type)?.price_per_hour_usd?;
        let source = match usage {
            Usage::Notebook | Usage::NotebookInstance => PriceSource::Course,
            usage => PriceSource::CourseStandIn { usage },
        };
        Some(Priced {
            usd_per_hour: figure,
            source,
        })
    }

    /// What `storage` costs per GB-month in `region`: the embedded published
    /// figure for that region, else none (never another region's; `prices
    /// refresh` caches instance prices only).
    pub(crate) fn storage(&self, storage: Storage, region: Option<&str>) -> Option<StoragePrice> {
        let figure = self.course.published.storage(storage, region?)?;
        Some(StoragePrice {
            usd_per_gb_month: figure.usd,
            source: PriceSource::embedded(&figure, storage.name()),
        })
    }

    /// The hourly flat rate of a Canvas session or an MLflow tracking server
    /// in `region`: that region's published figure, else one whose source
    /// names no region (said so in its label), else none.
    pub(crate) fn flat(&self, flat: Flat, region: Option<&str>) -> Option<Priced> {
        let figure = self.course.published.flat(flat, region)?;
        Some(Priced {
            usd_per_hour: figure.usd,
            source: PriceSource::embedded(&figure, flat.name()),
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The Price List documents of tests/fixtures/pricing-getproducts.json.
    fn fixture() -> Vec<String> {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/pricing-getproducts.json"
        ))
        .unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        doc["PriceList"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn notebook_prices_are_picked_for_the_region_and_other_usages_kept_apart() {
        let all = parse_price_list(&fixture(), "eu-central-1");
        let prices = &all[&Usage::Notebook];
        // Studio JupyterLab is preferred over the classic notebook price.
        assert_eq!(
            prices["ml.m5.xlarge"],
            LivePrice {
                usd_per_hour: 0.276,
                component: "studio-jupyterlab".into()
            }
        );
        assert_eq!(
            prices["ml.t3.medium"],
            LivePrice {
                usd_per_hour: 0.06,
                component: "Notebook".into()
            }
        );
        // Training-only, other regions, non-hourly units and zero prices give no notebook price.
        assert!(!prices.contains_key("ml.p3.2xlarge"), "{prices:?}");
        assert!(!prices.contains_key("ml.c5.xlarge"), "{prices:?}");
        assert_eq!(prices.len(), 4, "{prices:?}");
        assert_eq!(prices["ml.g4dn.xlarge"].usd_per_hour, 0.9);
        assert_eq!(prices["ml.g5.xlarge"].usd_per_hour, 1.8);
        // Each usage its own price; spot training is not an on-demand usage.
        assert_eq!(all[&Usage::Training]["ml.p3.2xlarge"].usd_per_hour, 4.5);
        assert_eq!(all[&Usage::Training].len(), 1, "{all:?}");
        assert_eq!(all[&Usage::Hosting]["ml.m5.xlarge"].usd_per_hour, 0.3);
        // Named by `platoinstancetype` alone.
        assert_eq!(all[&Usage::Transform]["ml.m5.xlarge"].usd_per_hour, 0.31);
        assert!(!all.contains_key(&Usage::Processing), "{all:?}");
        // A notebook instance at the notebook-instance price, not Studio's.
        assert_eq!(all[&Usage::NotebookInstance]["ml.m5.xlarge"].usd_per_hour, 0.23);
    }

    /// The fixture's prices for `region`, as `prices refresh` would cache them.
    pub(crate) fn cache(region: &str, fetched_at: &str) -> PriceCache {
        PriceCache::new(
            region,
            fetched_at.into(),
            "AWS Price List API (GetProducts)",
            parse_price_list(&fixture(), region),
        )
    }

    fn course() -> Instances {
        crate::course::Course::load(None, crate::i18n::Lang::En, &crate::checks::known())
            .unwrap()
            .instances
    }

    #[test]
    fn the_price_book_prices_each_usage_in_its_own_region_and_says_where_from() {
        let mut book = PriceBook::new(&course());
        book.add(cache("us-east-1", "2026-11-27T09:00:00Z"));
        let g5 = |region: Option<&str>, usage| book.price("ml.g5.xlarge", region, usage);
        // us-east-1 has live prices, one per usage.
        let studio = g5(Some("us-east-1"), Usage::Notebook).unwrap();
        assert_eq!(studio.usd_per_hour, 1.5);
        assert_eq!(
            studio.source.label(),
            "AWS Price List API (GetProducts), 2026-11-27T09:00:00Z (us-east-1, studio-jupyterlab)"
        );
        assert_eq!(
            studio.source.short(crate::i18n::Lang::En),
            "AWS Price List, 2026-11-27, us-east-1"
        );
        assert_eq!(g5(Some("us-east-1"), Usage::Hosting).unwrap().usd_per_hour, 1.6);
        assert_eq!(g5(Some("us-east-1"), Usage::Training).unwrap().usd_per_hour, 1.7);
        // No processing price cached there: the catalog's published
        // processing figure, not another usage's cached price.
        let processing = g5(Some("us-east-1"), Usage::Processing).unwrap();
        assert_eq!(
            Some(processing.usd_per_hour),
            file_figure("ml.g5.xlarge", "us-east-1", "processing").map(|(usd, _)| usd)
        );
        assert!(matches!(processing.source, PriceSource::Embedded { .. }));
        // Another region without a cache, or no region: no price (the course has none for g5).
        assert_eq!(g5(Some("eu-west-1"), Usage::Notebook), None);
        assert_eq!(g5(None, Usage::Notebook), None);
        // The course's figure where there is no live or published one,
        // labelled as the course's; for another usage than a notebook's, as
        // a stand-in.
        let m5 = book.price("ml.m5.xlarge", Some("eu-west-1"), Usage::Notebook).unwrap();
        assert_eq!((m5.usd_per_hour, m5.source), (0.23, PriceSource::Course));
        let m5 = book.price("ml.m5.xlarge", Some("eu-west-1"), Usage::Training).unwrap();
        assert_eq!(
            (m5.usd_per_hour, &m5.source),
            (0.23, &PriceSource::CourseStandIn { usage: Usage::Training })
        );
        assert!(m5.source.label().contains("standing in for the training price"));
        assert_eq!(
            serde_json::to_value(PriceSource::Course).unwrap(),
            serde_json::json!(crate::catalog::COURSE_SOURCE)
        );
    }

    #[test]
    fn cached_books_read_fresh_caches_of_the_regions_asked_for_only() {
        let home = tempfile::tempdir().unwrap();
        let now = humantime::parse_rfc3339("2026-11-28T10:00:00Z").unwrap();
        for (region, at) in [
            ("us-east-1", "2026-11-27T10:00:00Z"),
            ("us-west-2", "2026-11-01T10:00:00Z"),
        ] {
            let path = cache_path(Some(home.path()), region).unwrap();
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, serde_json::to_string(&cache(region, at)).unwrap()).unwrap();
        }
        let book = PriceBook::cached(
            &course(),
            Some(home.path()),
            ["us-east-1", "us-west-2", "eu-west-1"],
            now,
        );
        assert_eq!(
            book.live_regions().collect::<Vec<_>>(),
            ["us-east-1"],
            "us-west-2's cache is stale"
        );
        let none = PriceBook::cached(&course(), Some(home.path()), ["eu-west-1"], now);
        assert_eq!(none.live_regions().count(), 0);
    }

    #[test]
    fn a_cache_written_before_usages_still_reads_as_notebook_prices() {
        let old = r#"{"region": "eu-central-1", "fetched_at": "2026-11-27T10:00:00Z",
            "source": "AWS Price List API (GetProducts)",
            "prices": {"ml.m5.xlarge": {"usd_per_hour": 0.276, "component": "studio-jupyterlab"}}}"#;
        let cache: PriceCache = serde_json::from_str(old).unwrap();
        assert_eq!(cache.get("ml.m5.xlarge", Usage::Notebook).unwrap().usd_per_hour, 0.276);
        assert_eq!(cache.get("ml.m5.xlarge", Usage::Hosting), None);
        assert_eq!(cache.instance_count(), 1);
    }

    #[test]
    fn region_names_are_checked_before_they_name_a_file() {
        for good in ["eu-central-1", "us-east-1", "ap-southeast-7", "us-gov-west-1"] {
            assert!(valid_region(good), "{good}");
        }
        for bad in [
            "",
            "eu",
            "../etc-1",
            "eu-central-x",
            "EU-CENTRAL-1",
            "eu--1",
            "eu-central-1/..",
        ] {
            assert!(!valid_region(bad), "{bad}");
        }
    }

    #[test]
    fn hyperpod_instances_are_their_own_usage_and_reserved_ones_are_not_on_demand() {
        let doc = |plato: &str, usd: &str| {
            serde_json::json!({
                "product": {"attributes": {"regionCode": "us-east-1", "instanceName": "ml.g5.xlarge", "platoinstancetype": plato}},
                "terms": {"OnDemand": {"T": {"priceDimensions": {"D": {"unit": "Hrs", "pricePerUnit": {"USD": usd}}}}}}
            })
            .to_string()
        };
        let all = parse_price_list(&[doc("Cluster-Reserved", "1.0"), doc("Cluster", "2.0")], "us-east-1");
        assert_eq!(all[&Usage::Cluster]["ml.g5.xlarge"].usd_per_hour, 2.0);
        assert_eq!(all.len(), 1, "{all:?}");
        assert_eq!(Usage::of(ResourceKind::HyperpodCluster), Usage::Cluster);
        assert_eq!(Usage::of(ResourceKind::TransformJob), Usage::Transform);
    }

    #[test]
    fn broken_documents_are_skipped_not_fatal() {
        let items = vec![
            "not json".to_string(),
            "{}".to_string(),
            r#"{"product":{"attributes":{}}}"#.to_string(),
        ];
        assert!(parse_price_list(&items, "eu-central-1").is_empty());
    }

    #[test]
    fn the_cache_expires_after_a_week() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("prices.json");
        let cache = PriceCache {
            region: "eu-central-1".into(),
            fetched_at: "2026-11-20T10:00:00Z".into(),
            source: "AWS Price List API".into(),
            prices: BTreeMap::new(),
            usages: BTreeMap::new(),
        };
        std::fs::write(&path, serde_json::to_string(&cache).unwrap()).unwrap();
        let at = |s: &str| humantime::parse_rfc3339(s).unwrap();
        assert_eq!(load_cache(&path, at("2026-11-25T10:00:00Z")), Some(cache));
        assert_eq!(load_cache(&path, at("2026-11-28T10:00:01Z")), None);
    }

    /// The figure the data file states for `instance` used for `usage` in
    /// `region`, and whether it is approximate: read from the file as plain
    /// TOML, without the catalog's types, to check the price book against.
    pub(crate) fn file_figure(instance: &str, region: &str, usage: &str) -> Option<(f64, bool)> {
        let doc = prices_file();
        doc.get("instance_prices")?
            .as_array()?
            .iter()
            .filter(|set| {
                set.get("region").and_then(|r| r.as_str()) == Some(region)
                    && set
                        .get("usages")
                        .and_then(|u| u.as_array())
                        .is_some_and(|u| u.iter().any(|u| u.as_str() == Some(usage)))
            })
            .find_map(|set| {
                let usd = set.get("usd_per_hour")?.get(instance)?.as_float()?;
                let approximate = set.get("approximate").and_then(|a| a.as_bool()).unwrap_or(false);
                Some((usd, approximate))
            })
    }

    fn prices_file() -> toml::Value {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons/module5/prices.toml");
        toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// The `read` date of a source of the file, by id.
    fn file_read_date(id: &str) -> String {
        prices_file()["source"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"].as_str() == Some(id))
            .unwrap()["read"]
            .as_str()
            .unwrap()
            .to_string()
    }

    const REGIONS: [&str; 2] = ["us-east-1", "eu-central-1"];

    #[test]
    fn every_catalog_type_has_a_hosting_and_a_training_figure_or_a_reason() {
        let course = course();
        let published = &course.published;
        let (mut confirmed, mut approximate, mut unpriced) = (0, 0, 0);
        for instance in &course.instance {
            for region in REGIONS {
                for usage in [Usage::Hosting, Usage::Training] {
                    let figure = published.instance(&instance.name, region, usage);
                    let why = published.why_unpriced(&instance.name, region, usage);
                    let at = format!("{} {region} {}", instance.name, usage.name());
                    match (figure, why) {
                        (Some(f), None) => {
                            assert!(f.usd > 0.0, "{at}");
                            assert!(!f.source.name.is_empty() && f.source.read.len() == 10, "{at}");
                            assert_eq!(
                                Some((f.usd, f.approximate)),
                                file_figure(&instance.name, region, usage.name()),
                                "{at}"
                            );
                            if f.approximate {
                                approximate += 1;
                            } else {
                                confirmed += 1;
                            }
                        }
                        (None, Some(why)) => {
                            assert!(!why.trim().is_empty(), "{at}");
                            unpriced += 1;
                        }
                        (Some(_), Some(_)) => panic!("{at}: both priced and listed as unpriced"),
                        (None, None) => panic!("{at}: neither priced nor listed as unpriced"),
                    }
                }
            }
        }
        assert_eq!(confirmed + approximate + unpriced, course.instance.len() * 4);
        eprintln!("hosting and training: {confirmed} confirmed, {approximate} approximate, {unpriced} unpriced");
    }

    #[test]
    fn notebook_and_efs_figures_are_the_ones_aws_publishes() {
        // As AWS's pricing page data gives them (sagemaker-instances-studionotebook.json
        // and efs.json, the copies the file cites).
        let course = course();
        let book = PriceBook::new(&course);
        let notebook = |region| book.price("ml.g4dn.12xlarge", Some(region), Usage::Notebook).unwrap();
        assert_eq!(notebook("us-east-1").usd_per_hour, 4.89);
        assert_eq!(notebook("eu-central-1").usd_per_hour, 6.112);
        assert!(!notebook("us-east-1").source.is_approximate());
        let efs = |region| book.storage(Storage::Efs, Some(region)).unwrap().usd_per_gb_month;
        assert_eq!((efs("us-east-1"), efs("eu-central-1")), (0.30, 0.36));
    }

    #[test]
    fn the_price_book_asks_the_cache_then_the_published_figures_then_the_course() {
        let course = course();
        let mut book = PriceBook::new(&course);
        let file = |t: &str, r: &str, u: Usage| file_figure(t, r, u.name()).unwrap().0;
        // The forgotten endpoint and the warm pool of the issue: priced in both regions.
        for region in REGIONS {
            for (instance, usage) in [("ml.g4dn.12xlarge", Usage::Hosting), ("ml.p3.8xlarge", Usage::Training)] {
                let p = book.price(instance, Some(region), usage).unwrap();
                assert_eq!(p.usd_per_hour, file(instance, region, usage), "{instance} {region}");
                let label = p.source.label();
                assert!(
                    label.contains(&format!("({region}, {})", usage.name()))
                        && label.contains("read ")
                        && label.contains("approximate") == p.source.is_approximate(),
                    "{label}"
                );
            }
        }
        // Published beats the course: eu-central-1 has its own Studio price.
        let m5 = book
            .price("ml.m5.xlarge", Some("eu-central-1"), Usage::Notebook)
            .unwrap();
        assert_eq!(m5.usd_per_hour, file("ml.m5.xlarge", "eu-central-1", Usage::Notebook));
        assert_ne!(
            Some(m5.usd_per_hour),
            course.get("ml.m5.xlarge").unwrap().price_per_hour_usd
        );
        // The cache beats both where it answers, for its own usage only.
        book.add(cache("us-east-1", "2026-11-27T09:00:00Z"));
        let cached = parse_price_list(&fixture(), "us-east-1");
        let hosting = book.price("ml.g5.xlarge", Some("us-east-1"), Usage::Hosting).unwrap();
        assert_eq!(
            hosting.usd_per_hour,
            cached[&Usage::Hosting]["ml.g5.xlarge"].usd_per_hour
        );
        assert!(matches!(hosting.source, PriceSource::PriceList { .. }));
        assert!(file_figure("ml.g5.xlarge", "us-east-1", "hosting").is_some());
        let transform = book.price("ml.g5.xlarge", Some("us-east-1"), Usage::Transform).unwrap();
        assert_eq!(
            transform.usd_per_hour,
            file("ml.g5.xlarge", "us-east-1", Usage::Transform)
        );
        // A region without published figures: the course's, labelled as such.
        let m5 = book.price("ml.m5.xlarge", Some("eu-west-1"), Usage::Hosting).unwrap();
        assert_eq!(m5.source, PriceSource::CourseStandIn { usage: Usage::Hosting });
        // Never another region's figure: no region, or a region the file has
        // none for, and a type the course has no figure for either.
        assert_eq!(book.price("ml.g4dn.12xlarge", None, Usage::Hosting), None);
        assert_eq!(book.price("ml.g4dn.12xlarge", Some("eu-west-1"), Usage::Hosting), None);
        assert!(file_figure("ml.g6.xlarge", "us-east-1", "hosting").is_some());
        assert_eq!(book.price("ml.g6.xlarge", Some("eu-central-1"), Usage::Hosting), None);
        assert!(
            course
                .published
                .why_unpriced("ml.g6.xlarge", "eu-central-1", Usage::Hosting)
                .is_some()
        );
    }

    #[test]
    fn storage_is_priced_per_region_and_never_from_another() {
        let course = course();
        let book = PriceBook::new(&course);
        let doc = prices_file();
        let stated = |storage: &str, region: &str| {
            doc["storage_prices"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["storage"].as_str() == Some(storage) && p["region"].as_str() == Some(region))
                .map(|p| p["usd_per_gb_month"].as_float().unwrap())
        };
        for region in REGIONS {
            let efs = book.storage(Storage::Efs, Some(region)).unwrap();
            assert_eq!(Some(efs.usd_per_gb_month), stated("efs", region));
            assert!(
                efs.source
                    .label()
                    .contains(&format!("({region}, EFS Standard storage)"))
            );
        }
        let ml = book.storage(Storage::MlVolume, Some("us-east-1")).unwrap();
        assert_eq!(Some(ml.usd_per_gb_month), stated("ml-volume", "us-east-1"));
        // eu-central-1 has no ML storage figure: none, not us-east-1's.
        assert_eq!(stated("ml-volume", "eu-central-1"), None);
        assert_eq!(book.storage(Storage::MlVolume, Some("eu-central-1")), None);
        assert_eq!(book.storage(Storage::Efs, Some("eu-west-1")), None);
        assert_eq!(book.storage(Storage::Efs, None), None);
    }

    #[test]
    fn flat_rates_in_their_own_region_or_where_the_source_names_none() {
        let course = course();
        let book = PriceBook::new(&course);
        let canvas = book.flat(Flat::Canvas, Some("eu-central-1")).unwrap();
        assert_eq!(
            Some(canvas.usd_per_hour),
            book.flat(Flat::Canvas, None).map(|p| p.usd_per_hour)
        );
        assert!(canvas.source.label().contains("(no region named, Canvas session)"));
        assert!(canvas.source.is_approximate());
        let small = Flat::mlflow(super::super::published::MlflowSize::parse("Small").unwrap());
        assert!(book.flat(small, Some("eu-west-2")).is_some());
        assert_eq!(book.flat(small, Some("us-east-1")), None, "London's figure is London's");
        assert_eq!(book.flat(Flat::MlflowLarge, Some("eu-west-2")), None);
    }

    #[test]
    fn gpu_types_stay_gpu_whether_priced_or_not() {
        let course = course();
        let book = PriceBook::new(&course);
        let gpus: Vec<&crate::catalog::Instance> = course.instance.iter().filter(|i| i.gpus > 0).collect();
        assert!(
            gpus.iter()
                .any(|i| book.price(&i.name, Some("eu-central-1"), Usage::Hosting).is_none())
        );
        assert!(
            gpus.iter()
                .any(|i| book.price(&i.name, Some("eu-central-1"), Usage::Hosting).is_some())
        );
        for instance in gpus {
            assert!(
                crate::catalog::is_accelerated(&course, &instance.name),
                "{}",
                instance.name
            );
        }
    }

    #[test]
    fn published_figures_say_so_in_both_languages() {
        use crate::i18n::Lang;
        let course = course();
        let book = PriceBook::new(&course);
        let read = file_read_date("aws-page-studio-notebook");
        let studio = book
            .price("ml.m5.xlarge", Some("us-east-1"), Usage::Notebook)
            .unwrap()
            .source;
        assert_eq!(
            studio.short(Lang::En),
            format!("AWS published price, read {read}, us-east-1")
        );
        assert_eq!(
            studio.short(Lang::Pt),
            format!("preço publicado pela AWS, lido em {read}, us-east-1")
        );
        let stand_in = book
            .price("ml.m5.2xlarge", Some("us-east-1"), Usage::Hosting)
            .unwrap()
            .source;
        assert_eq!(
            file_figure("ml.m5.2xlarge", "us-east-1", "hosting").map(|(_, a)| a),
            Some(true)
        );
        assert!(stand_in.short(Lang::En).starts_with("approximate: "));
        assert!(stand_in.short(Lang::Pt).starts_with("aproximado: "));
        assert!(stand_in.label().contains("; approximate: "), "{}", stand_in.label());
        assert_eq!(
            serde_json::to_value(&stand_in).unwrap(),
            serde_json::json!(stand_in.label())
        );
    }
}
