//! Current on-demand prices from the AWS Price List API (GetProducts, read
//! by `aws::pricing`): parsed, cached with their date, applied.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Instances;

/// Cached prices older than this are fetched again.
pub const MAX_AGE_SECONDS: u64 = 7 * 24 * 3600;

/// The usages that mean "a notebook running on this instance", in order of
/// preference; other usages (training, hosting…) are priced differently.
const NOTEBOOK_COMPONENTS: [&str; 4] = ["studio-jupyterlab", "studio-notebook", "notebook", "studio"];

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct LivePrice {
    pub usd_per_hour: f64,
    /// The Price List `component` the price is for.
    pub component: String,
}

#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct PriceCache {
    pub region: String,
    pub fetched_at: String,
    pub source: String,
    pub prices: BTreeMap<String, LivePrice>,
}

fn component_rank(component: &str) -> Option<usize> {
    let component = component.to_lowercase();
    NOTEBOOK_COMPONENTS.iter().position(|c| component == *c)
}

/// Picks, from GetProducts' `PriceList` documents, the hourly on-demand USD
/// price of each `ml.` instance in `region` for notebook use.
pub fn parse_price_list(items: &[String], region: &str) -> BTreeMap<String, LivePrice> {
    let mut best: BTreeMap<String, (usize, LivePrice)> = BTreeMap::new();
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
        let component = attributes["component"].as_str().unwrap_or("");
        let Some(rank) = component_rank(component) else {
            continue;
        };
        let Some(usd) = hourly_usd(&doc["terms"]["OnDemand"]) else {
            continue;
        };
        let better = best.get(name).is_none_or(|(r, _)| rank < *r);
        if better {
            best.insert(
                name.to_string(),
                (
                    rank,
                    LivePrice {
                        usd_per_hour: usd,
                        component: component.to_string(),
                    },
                ),
            );
        }
    }
    best.into_iter().map(|(name, (_, price))| (name, price)).collect()
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

pub fn cache_path(home: Option<&Path>, region: &str) -> Option<PathBuf> {
    let dir = match home {
        Some(home) => home.join("cache"),
        None => dirs::cache_dir()?.join("sm-course"),
    };
    Some(dir.join(format!("prices-{region}.json")))
}

/// The cache, when present, readable and recent enough.
pub fn load_cache(path: &Path, now: std::time::SystemTime) -> Option<PriceCache> {
    let cache: PriceCache = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let fetched = humantime::parse_rfc3339_weak(&cache.fetched_at).ok()?;
    let age = now.duration_since(fetched).map_or(0, |d| d.as_secs());
    (age <= MAX_AGE_SECONDS).then_some(cache)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn notebook_prices_are_picked_for_the_region_and_other_usages_ignored() {
        let prices = parse_price_list(&fixture(), "eu-central-1");
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
        // Training-only, other regions, non-hourly units and zero prices give nothing.
        assert!(!prices.contains_key("ml.p3.2xlarge"), "{prices:?}");
        assert!(!prices.contains_key("ml.c5.xlarge"), "{prices:?}");
        assert_eq!(prices.len(), 3, "{prices:?}");
        assert_eq!(prices["ml.g4dn.xlarge"].usd_per_hour, 0.9);
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
        };
        std::fs::write(&path, serde_json::to_string(&cache).unwrap()).unwrap();
        let at = |s: &str| humantime::parse_rfc3339(s).unwrap();
        assert_eq!(load_cache(&path, at("2026-11-25T10:00:00Z")), Some(cache));
        assert_eq!(load_cache(&path, at("2026-11-28T10:00:01Z")), None);
    }
}
