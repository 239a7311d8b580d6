//! Instance figures and what running them costs. The figures themselves live
//! in lessons/module5/instances.toml (see `course::Instances`).

use crate::course::{Instance, Instances};

/// SageMaker bills per second with a one-minute minimum (as the module states).
pub const MINIMUM_BILLED_SECONDS: u64 = 60;

/// Seconds billed for `running_seconds` of use.
pub fn billed_seconds(running_seconds: u64) -> u64 {
    running_seconds.max(MINIMUM_BILLED_SECONDS)
}

/// USD for `running_seconds` at `price_per_hour`, rounded to a millionth of a
/// dollar so figures such as 0.575 print as written.
pub fn cost_usd(price_per_hour: f64, running_seconds: u64) -> f64 {
    round(price_per_hour * billed_seconds(running_seconds) as f64 / 3600.0)
}

/// Dollars for people: cents, or a tenth of a cent below one dollar where it
/// matters ($0.23, $0.575, $4.39).
pub fn usd(value: f64) -> String {
    if value >= 1.0 || value == 0.0 {
        return format!("${value:.2}");
    }
    let mut text = format!("{value:.3}");
    if text.ends_with('0') {
        text.pop();
    }
    format!("${text}")
}

pub fn round(usd: f64) -> f64 {
    (usd * 1e6).round() / 1e6
}

/// Whether an instance type has GPUs: from the data when listed, else from
/// the family letter (p, g, and the inf/trn accelerators) so a GPU instance
/// missing from the data is still called out.
pub fn is_accelerated(instances: &Instances, instance_type: &str) -> bool {
    match instances.get(instance_type) {
        Some(Instance { gpus, .. }) => *gpus > 0,
        None => {
            let family = instance_type.trim_start_matches("ml.").split('.').next().unwrap_or("");
            family.starts_with('p') || family.starts_with('g') || family.starts_with("inf") || family.starts_with("trn")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::course::Course;
    use crate::i18n::Lang;

    #[test]
    fn dollars_show_cents_and_a_tenth_of_a_cent_only_when_it_counts() {
        assert_eq!(usd(0.575), "$0.575");
        assert_eq!(usd(0.23), "$0.23");
        assert_eq!(usd(0.05), "$0.05");
        assert_eq!(usd(4.386), "$4.39");
        assert_eq!(usd(0.0), "$0.00");
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
        let course = Course::load(None, Lang::En).unwrap();
        assert!(is_accelerated(&course.instances, "ml.p3.2xlarge"));
        assert!(!is_accelerated(&course.instances, "ml.m5.xlarge"));
        assert!(
            is_accelerated(&course.instances, "ml.g5.xlarge"),
            "not in the data, still a GPU"
        );
        assert!(!is_accelerated(&course.instances, "ml.m6i.large"));
    }
}
