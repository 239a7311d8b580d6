//! Current on-demand prices from the AWS Price List API (GetProducts, read
//! by `aws::pricing`): parsed per usage, cached per region with their date,
//! and looked up through the price book, which also holds the course's
//! figures and says where each price comes from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{COURSE_SOURCE, Instances};
use crate::snapshot::running::ResourceKind;

/// Cached prices older than this are fetched again.
pub const MAX_AGE_SECONDS: u64 = 7 * 24 * 3600;

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
            ResourceKind::Endpoint | ResourceKind::ServerlessEndpoint => Usage::Hosting,
            ResourceKind::TrainingJob => Usage::Training,
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
pub struct LivePrice {
    pub usd_per_hour: f64,
    /// The Price List `component` the price is for.
    pub component: String,
}

/// One region's prices as fetched.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PriceCache {
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
    pub fn new(
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

    pub fn get(&self, instance_type: &str, usage: Usage) -> Option<&LivePrice> {
        match usage {
            Usage::Notebook => self.prices.get(instance_type),
            other => self.usages.get(&other)?.get(instance_type),
        }
    }

    /// How many instance types have a price for some usage.
    pub fn instance_count(&self) -> usize {
        let mut names: std::collections::BTreeSet<&str> = self.prices.keys().map(String::as_str).collect();
        for prices in self.usages.values() {
            names.extend(prices.keys().map(String::as_str));
        }
        names.len()
    }
}

/// Picks, from GetProducts' `PriceList` documents, the hourly on-demand USD
/// price of each `ml.` instance in `region`, per usage.
pub fn parse_price_list(items: &[String], region: &str) -> BTreeMap<Usage, BTreeMap<String, LivePrice>> {
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
pub fn apply(instances: &mut Instances, cache: &PriceCache) {
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
pub fn valid_region(region: &str) -> bool {
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
pub fn cache_dir(home: Option<&Path>) -> Option<PathBuf> {
    match home {
        Some(home) => Some(home.join("cache")),
        None => Some(dirs::cache_dir()?.join("sm-course")),
    }
}

pub fn cache_path(home: Option<&Path>, region: &str) -> Option<PathBuf> {
    Some(cache_dir(home)?.join(format!("prices-{region}.json")))
}

/// The cache, when present, readable and recent enough.
pub fn load_cache(path: &Path, now: std::time::SystemTime) -> Option<PriceCache> {
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
            PriceSource::PriceList {
                source,
                fetched_at,
                region,
                component,
            } => format!("{source}, {fetched_at} ({region}, {component})"),
        }
    }

    /// "course figure", or "AWS Price List, 2026-11-28, us-east-1".
    pub fn short(&self, lang: crate::i18n::Lang) -> String {
        match self {
            PriceSource::Course => crate::i18n::tr(lang, "prices.source_course").to_string(),
            PriceSource::CourseStandIn { .. } => crate::i18n::tr(lang, "prices.source_stand_in").to_string(),
            PriceSource::Published { .. } => crate::i18n::tr(lang, "prices.source_published").to_string(),
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
pub struct Priced {
    pub usd_per_hour: f64,
    pub source: PriceSource,
}

/// Every price the tool knows: the course's figures, and the Price List's
/// per region and usage from the cache. The one place `check`, `audit` and
/// `cost` ask what an instance costs.
#[derive(Clone, Debug)]
pub struct PriceBook {
    course: Instances,
    live: BTreeMap<String, PriceCache>,
}

impl PriceBook {
    /// The course's figures alone.
    pub fn new(course: &Instances) -> PriceBook {
        PriceBook {
            course: course.clone(),
            live: BTreeMap::new(),
        }
    }

    /// The course's figures plus the fresh cached prices of `regions` (no
    /// network: a region without a recent cache adds nothing).
    pub fn cached<'r>(
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
    pub fn add(&mut self, cache: PriceCache) {
        self.live.insert(cache.region.clone(), cache);
    }

    /// The instance data (specifications, course figures).
    pub fn instances(&self) -> &Instances {
        &self.course
    }

    /// The regions with live prices.
    pub fn live_regions(&self) -> impl Iterator<Item = &str> {
        self.live.keys().map(String::as_str)
    }

    /// The hourly price of `instance_type` used for `usage` in `region`:
    /// the region's cached Price List price for that usage, else the
    /// course's figure (a notebook price: for any other usage labelled a
    /// stand-in, `CourseStandIn`), else none. Another usage's or another
    /// region's cached price is never used in its place.
    pub fn price(&self, instance_type: &str, region: Option<&str>, usage: Usage) -> Option<Priced> {
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
        // No processing price there, and no other usage's price in its place.
        assert_eq!(g5(Some("us-east-1"), Usage::Processing), None);
        // Another region without a cache, or no region: no price (the course has none for g5).
        assert_eq!(g5(Some("eu-west-1"), Usage::Notebook), None);
        assert_eq!(g5(None, Usage::Notebook), None);
        // The course's figure where there is no live one, labelled as the
        // course's; for another usage than a notebook's, as a stand-in.
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
}
