//! Instance figures and what running them costs, and the advisor. The
//! figures themselves live in lessons/module5/instances.toml (specifications
//! and the course's figures) and lessons/module5/prices.toml (AWS's published
//! prices); this module owns their shape and meaning, the course loads them.

pub(crate) mod advisor;
pub(crate) mod prices;
pub(crate) mod published;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::i18n::{Lang, Text};

#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    pub name: String,
    pub family: String,
    pub category: String,
    pub vcpu: u32,
    pub memory_gib: f64,
    pub gpus: u32,
    pub gpu_memory_gib: f64,
    /// Approximate on-demand USD per hour in the data's region; absent where
    /// no sourced figure exists (the module gives none for G4dn).
    #[serde(default)]
    pub price_per_hour_usd: Option<f64>,
    /// Where the figures come from when it is not the module's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Whether lesson 2's family table shows it: false for the SageMaker
    /// sizes the seed's tables leave out (they are still listed, priced and
    /// advised on). Course data only: not in `instances`' JSON.
    #[serde(default = "yes", skip_serializing)]
    pub lesson_table: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instances {
    /// The region the prices are for.
    pub region: String,
    pub categories: BTreeMap<String, Text>,
    pub instance: Vec<Instance>,
    /// AWS's published prices (prices.toml), which the course loads beside
    /// instances.toml; empty when a lessons copy has no such file.
    #[serde(skip)]
    pub published: published::Published,
}

impl Instances {
    pub fn get(&self, name: &str) -> Option<&Instance> {
        self.instance.iter().find(|i| i.name == name)
    }
}

/// The one-minute minimum per start is the course text's rule: AWS's
/// SageMaker pages describe metering from start to stop and state no minimum
/// (lesson 4 says so), so every estimate labels it as the course's assumption.
pub(crate) const MINIMUM_BILLED_SECONDS: u64 = 60;

/// Where the minimum comes from, in every estimate's JSON.
pub(crate) const MINIMUM_SOURCE: &str = "course text (AWS's SageMaker pages state no minimum)";

/// Seconds billed for `running_seconds` of use.
pub(crate) fn billed_seconds(running_seconds: u64) -> u64 {
    running_seconds.max(MINIMUM_BILLED_SECONDS)
}

/// USD for `running_seconds` at `price_per_hour`, rounded to a millionth of a
/// dollar so figures such as 0.575 print as written.
pub(crate) fn cost_usd(price_per_hour: f64, running_seconds: u64) -> f64 {
    round(price_per_hour * billed_seconds(running_seconds) as f64 / 3600.0)
}

/// Dollars for people: cents, or a tenth of a cent below one dollar where it
/// matters ($0.23, $0.575, $4.39); in Portuguese as a Brazilian reader
/// writes dollars (US$ 0,575, US$ 1.234,50).
pub(crate) fn usd(value: f64, lang: Lang) -> String {
    let text = if value >= 1.0 || value == 0.0 {
        format!("{value:.2}")
    } else {
        let mut text = format!("{value:.3}");
        if text.ends_with('0') {
            text.pop();
        }
        text
    };
    dollars(&text, lang)
}

/// Dollars with exactly two decimals (tables), in the learner's notation.
pub(crate) fn usd_cents(value: f64, lang: Lang) -> String {
    dollars(&format!("{value:.2}"), lang)
}

/// (In Portuguese a no-break space after `US$`: a line never ends between
/// the sign and its amount.)
fn dollars(amount: &str, lang: Lang) -> String {
    match lang {
        Lang::Pt => format!("US$\u{a0}{}", crate::i18n::number(amount, lang)),
        Lang::En => format!("${amount}"),
    }
}

/// A total that may be a lower bound: "$2.50", or "at least $2.50" when
/// some price behind it is unknown.
pub(crate) fn usd_at_least(value: f64, partial: bool, lang: Lang) -> String {
    let text = usd(value, lang);
    match partial {
        true => crate::i18n::trf(lang, "report.at_least", &[("usd", &text)]),
        false => text,
    }
}

pub(crate) fn round(usd: f64) -> f64 {
    // `+ 0.0` turns the -0.0 an empty f64 sum gives into 0.0 ("$0.00", not "$-0.00").
    (usd * 1e6).round() / 1e6 + 0.0
}

/// Whether an instance type has GPUs: from the data when listed, else from
/// the family letter (p, g, and the inf/trn accelerators) so a GPU instance
/// missing from the data is still called out.
pub(crate) fn is_accelerated(instances: &Instances, instance_type: &str) -> bool {
    match instances.get(instance_type) {
        Some(Instance { gpus, .. }) => *gpus > 0,
        None => {
            let family = instance_type.trim_start_matches("ml.").split('.').next().unwrap_or("");
            family.starts_with('p') || family.starts_with('g') || family.starts_with("inf") || family.starts_with("trn")
        }
    }
}

/// What `instances` lists.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    pub family: Option<String>,
    pub category: Option<String>,
    pub min_vcpu: Option<u32>,
    pub min_memory_gib: Option<f64>,
    pub gpu: bool,
}

pub(crate) fn filter<'a>(instances: &'a Instances, f: &Filter) -> Vec<&'a Instance> {
    instances
        .instance
        .iter()
        .filter(|i| f.family.as_ref().is_none_or(|fam| i.family.eq_ignore_ascii_case(fam)))
        .filter(|i| f.category.as_ref().is_none_or(|c| i.category.eq_ignore_ascii_case(c)))
        .filter(|i| f.min_vcpu.is_none_or(|v| i.vcpu >= v))
        .filter(|i| f.min_memory_gib.is_none_or(|m| i.memory_gib >= m))
        .filter(|i| !f.gpu || i.gpus > 0)
        .collect()
}

/// Spot capacity can cost "up to 90%" less (the module): a range, not a promise.
pub(crate) const SPOT_MAX_SAVING: f64 = 0.90;

#[derive(Debug, serde::Serialize, PartialEq)]
pub(crate) struct SpotRange {
    pub min_usd: f64,
    pub max_usd: f64,
}

#[derive(Debug, serde::Serialize, PartialEq)]
pub(crate) struct Estimate {
    pub instance: String,
    pub price_per_hour_usd: f64,
    pub billed_seconds: u64,
    pub cost_usd: f64,
    /// The course's one-minute minimum, labelled as its assumption.
    pub minimum_billed_seconds: u64,
    pub minimum_source: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub spot: Option<SpotRange>,
    /// Where the price comes from: the course's approximate figure, or the
    /// Price List API with its date.
    pub price_source: String,
}

/// The source of the built-in figures.
pub(crate) const COURSE_SOURCE: &str = "course text (approximate; its region, eu-central-1, is not confirmed)";

/// The cost of running `instance` for `seconds`, or None when it has no price.
pub(crate) fn estimate(instance: &Instance, seconds: u64, spot: bool) -> Option<Estimate> {
    let price = instance.price_per_hour_usd?;
    let cost = cost_usd(price, seconds);
    Some(Estimate {
        instance: instance.name.clone(),
        price_per_hour_usd: price,
        billed_seconds: billed_seconds(seconds),
        cost_usd: cost,
        minimum_billed_seconds: MINIMUM_BILLED_SECONDS,
        minimum_source: MINIMUM_SOURCE,
        spot: spot.then(|| SpotRange {
            min_usd: round(cost * (1.0 - SPOT_MAX_SAVING)),
            max_usd: cost,
        }),
        price_source: instance.source.clone().unwrap_or_else(|| COURSE_SOURCE.to_string()),
    })
}

#[derive(Debug, serde::Serialize, PartialEq)]
pub(crate) struct MonthlyRow {
    pub instance: String,
    pub per_hour_usd: f64,
    pub per_day_usd: f64,
    pub per_month_usd: f64,
    /// The course's figure, or the cached Price List price with its date.
    pub price_source: String,
}

/// The module's monthly comparison, for every priced instance.
pub(crate) fn monthly(instances: &Instances, hours_per_day: f64, days: f64) -> Vec<MonthlyRow> {
    instances
        .instance
        .iter()
        .filter_map(|i| {
            let p = i.price_per_hour_usd?;
            Some(MonthlyRow {
                instance: i.name.clone(),
                per_hour_usd: p,
                per_day_usd: round(p * hours_per_day),
                per_month_usd: round(p * hours_per_day * days),
                price_source: i.source.clone().unwrap_or_else(|| COURSE_SOURCE.to_string()),
            })
        })
        .collect()
}

/// "2h30m", "90m", "1h 15m", "45s", or plain hours ("2.5").
pub(crate) fn parse_duration(text: &str) -> Option<u64> {
    let text = text.trim();
    if let Ok(hours) = text.parse::<f64>() {
        return (hours.is_finite() && hours >= 0.0).then(|| (hours * 3600.0).round() as u64);
    }
    humantime::parse_duration(text).ok().map(|d| d.as_secs())
}

/// The listed names nearest to a misspelt one, for "did you mean".
pub(crate) fn closest<'a>(instances: &'a Instances, name: &str) -> Vec<&'a str> {
    let name = normalise(name);
    let mut scored: Vec<(usize, &str)> = instances
        .instance
        .iter()
        .map(|i| (edit_distance(&name, &i.name), i.name.as_str()))
        .collect();
    scored.sort();
    scored.into_iter().take(3).map(|(_, n)| n).collect()
}

/// Instance names as learners type them: any case, with or without `ml.`.
pub(crate) fn normalise(name: &str) -> String {
    let name = name.trim().to_lowercase();
    if name.starts_with("ml.") {
        name
    } else {
        format!("ml.{name}")
    }
}

pub(crate) use crate::util::edit_distance;

#[cfg(test)]
mod more_tests {
    use super::*;
    use crate::course::Course;
    use crate::i18n::Lang;

    fn instances() -> Instances {
        Course::load(None, Lang::En, &crate::checks::known()).unwrap().instances
    }

    #[test]
    fn the_monthly_table_matches_every_row_of_the_module() {
        let rows = monthly(&instances(), 8.0, 20.0);
        let find = |name: &str| rows.iter().find(|r| r.instance == name).unwrap();
        for (name, hour, day, month) in [
            ("ml.t3.medium", 0.05, 0.40, 8.00),
            ("ml.t3.large", 0.10, 0.80, 16.00),
            ("ml.m5.large", 0.12, 0.96, 19.20),
            ("ml.m5.xlarge", 0.23, 1.84, 36.80),
            ("ml.m5.2xlarge", 0.46, 3.68, 73.60),
            ("ml.c5.2xlarge", 0.43, 3.44, 68.80),
            ("ml.r5.2xlarge", 0.60, 4.80, 96.00),
            ("ml.p3.2xlarge", 3.82, 30.56, 611.20),
        ] {
            let row = find(name);
            assert_eq!(
                (row.per_hour_usd, row.per_day_usd, row.per_month_usd),
                (hour, day, month),
                "{name}"
            );
        }
        assert!(
            rows.iter().all(|r| !r.instance.contains("g4dn")),
            "no row is invented for unpriced instances"
        );
    }

    #[test]
    fn the_worked_example_and_spot_as_a_range() {
        let all = instances();
        let m5 = all.get("ml.m5.xlarge").unwrap();
        let e = estimate(m5, parse_duration("2h30m").unwrap(), false).unwrap();
        assert_eq!((e.billed_seconds, e.cost_usd), (9000, 0.575));
        let spot = estimate(m5, 9000, true).unwrap().spot.unwrap();
        assert_eq!((spot.min_usd, spot.max_usd), (0.0575, 0.575));
        assert!(estimate(all.get("ml.g4dn.xlarge").unwrap(), 3600, false).is_none());
    }

    #[test]
    fn durations_in_several_spellings() {
        assert_eq!(parse_duration("2h30m"), Some(9000));
        assert_eq!(parse_duration("2h 30m"), Some(9000));
        assert_eq!(parse_duration("2.5"), Some(9000));
        assert_eq!(parse_duration("45s"), Some(45));
        assert_eq!(parse_duration("soon"), None);
        assert_eq!(parse_duration("-1"), None);
    }

    #[test]
    fn filters_and_near_names() {
        let all = instances();
        let gpus = filter(
            &all,
            &Filter {
                gpu: true,
                min_memory_gib: Some(200.0),
                ..Filter::default()
            },
        );
        assert!(gpus.iter().all(|i| i.gpus > 0 && i.memory_gib >= 200.0));
        let names: Vec<&str> = gpus.iter().map(|i| i.name.as_str()).collect();
        let course: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| n.starts_with("ml.p3.") || n.starts_with("ml.g4dn."))
            .collect();
        assert_eq!(course, ["ml.p3.8xlarge", "ml.p3.16xlarge", "ml.g4dn.16xlarge"]);
        assert!(
            names.contains(&"ml.p4d.24xlarge") && !names.contains(&"ml.g5.xlarge"),
            "{names:?}"
        );
        assert_eq!(closest(&all, "ml.m5.xlarg")[0], "ml.m5.xlarge");
        assert_eq!(closest(&all, "m5.xlarge")[0], "ml.m5.xlarge");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::Course;
    use crate::i18n::Lang;

    #[test]
    fn dollars_show_cents_and_a_tenth_of_a_cent_only_when_it_counts() {
        assert_eq!(usd(0.575, Lang::En), "$0.575");
        assert_eq!(usd(0.23, Lang::En), "$0.23");
        assert_eq!(usd(0.05, Lang::En), "$0.05");
        assert_eq!(usd(4.386, Lang::En), "$4.39");
        assert_eq!(usd(0.0, Lang::En), "$0.00");
        // Brazilian notation in Portuguese.
        assert_eq!(usd(0.575, Lang::Pt), "US$\u{a0}0,575");
        assert_eq!(usd(611.2, Lang::Pt), "US$\u{a0}611,20");
        assert_eq!(usd(20440.0, Lang::Pt), "US$\u{a0}20.440,00");
        assert_eq!(usd_cents(0.4, Lang::Pt), "US$\u{a0}0,40");
    }

    #[test]
    fn the_seeds_worked_example_costs_0_575() {
        // ml.m5.xlarge at $0.23/h for 2 h 30 min.
        assert_eq!(cost_usd(0.23, 9000), 0.575);
    }

    #[test]
    fn billing_has_a_one_minute_minimum_then_counts_seconds() {
        assert_eq!(billed_seconds(5), 60);
        assert_eq!(billed_seconds(61), 61);
        assert_eq!(cost_usd(3.6, 10), 0.06);
        assert_eq!(cost_usd(3.6, 90), 0.09);
    }

    #[test]
    fn gpu_instances_are_recognised_listed_or_not() {
        let course = Course::load(None, Lang::En, &crate::checks::known()).unwrap();
        assert!(is_accelerated(&course.instances, "ml.p3.2xlarge"));
        assert!(!is_accelerated(&course.instances, "ml.m5.xlarge"));
        assert!(
            is_accelerated(&course.instances, "ml.g5.xlarge"),
            "not in the data, still a GPU"
        );
        assert!(!is_accelerated(&course.instances, "ml.m6i.large"));
    }
}
