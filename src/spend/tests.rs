use super::*;
use crate::aws::costs::{DayCost, UsageCost};
use crate::report::spend::text;

fn window() -> Window {
    Window {
        today: jiff::civil::date(2026, 12, 3),
        days: 5,
    }
}

fn day(date: &str, usage: &[(&str, f64)]) -> DayCost {
    DayCost {
        date: date.into(),
        estimated: true,
        usage_types: usage
            .iter()
            .map(|(usage_type, amount)| UsageCost {
                usage_type: usage_type.to_string(),
                amount: *amount,
            })
            .collect(),
    }
}

/// Cost Explorer's answer for 2026-11-28 … 2026-12-03, a month boundary in it.
fn answer() -> cache::Answer {
    cache::Answer {
        costs: Costs {
            currency: Some("USD".into()),
            days: vec![
                day("2026-11-27", &[("EUC1-Notebk:ml.t3.medium", 9.0)]),
                day(
                    "2026-11-29",
                    &[("EUC1-Notebk:ml.t3.medium", 1.2), ("EUC1-Host:ml.m5.xlarge", 2.3)],
                ),
                day(
                    "2026-12-01",
                    &[
                        ("EUC1-Host:ml.m5.xlarge", 5.52),
                        ("EUC1-Studio:VolumeUsage.gp3", 0.01),
                        ("EUC1-Canvas:Session-Hrs", 1.9),
                        ("EUC1-FeatureStore:ReadRequestUnits", 0.004),
                    ],
                ),
                day(
                    "2026-12-02",
                    &[
                        ("EUC1-Studio:JupyterLab-ml.g5.xlarge", 3.0),
                        ("EUC1-Notebk:ml.m5.xlarge", 0.23),
                    ],
                ),
            ],
            requests: 1,
        },
        fetched_at: "2026-12-03T09:15:00Z".into(),
        cached: false,
    }
}

#[test]
fn one_request_covers_the_month_so_far_and_the_last_days_up_to_today() {
    // 5 days back from 3 December start in November, before the month's first.
    assert_eq!(window().query(), CostQuery::new("2026-11-29", "2026-12-04"));
    // 14 days from the 20th start after the 1st: the month reaches further.
    let later = Window {
        today: jiff::civil::date(2026, 12, 20),
        days: 14,
    };
    assert_eq!(later.days_start().to_string(), "2026-12-07");
    assert_eq!(later.query(), CostQuery::new("2026-12-01", "2026-12-21"));
    // The last day of a year ends on the next year's first.
    let eve = Window {
        today: jiff::civil::date(2026, 12, 31),
        days: 1,
    };
    assert_eq!(eve.query(), CostQuery::new("2026-12-01", "2027-01-01"));
}

#[test]
fn the_summary_counts_each_period_and_sorts_what_billed() {
    let spend = Spend::new(
        "123456789012",
        &window(),
        &answer(),
        Some(Estimate {
            per_hour_usd: 0.23,
            partial: false,
        }),
    );
    // Every day of the period, zero where nothing billed, 27 November left out.
    let days: Vec<(&str, f64)> = spend.days.iter().map(|d| (d.date.as_str(), d.usd)).collect();
    assert_eq!(
        days,
        [
            ("2026-11-29", 3.5),
            ("2026-11-30", 0.0),
            ("2026-12-01", 7.434),
            ("2026-12-02", 3.23),
            ("2026-12-03", 0.0)
        ]
    );
    assert_eq!((spend.start.as_str(), spend.end.as_str()), ("2026-11-29", "2026-12-04"));
    assert_eq!(spend.total_usd, 14.164);
    // December alone.
    assert_eq!(
        (spend.month_start.as_str(), spend.month_to_date_usd),
        ("2026-12-01", 10.664)
    );
    let kinds: Vec<(String, f64, Vec<&str>)> = spend
        .by_kind
        .iter()
        .map(|k| {
            let name = serde_json::to_value(k.kind).unwrap().as_str().unwrap().to_string();
            (name, k.usd, k.instance_types.iter().map(String::as_str).collect())
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("hosting".to_string(), 7.82, vec!["ml.m5.xlarge"]),
            ("studio-app".into(), 3.0, vec!["ml.g5.xlarge"]),
            ("canvas".into(), 1.9, vec![]),
            ("notebook-instance".into(), 1.43, vec!["ml.t3.medium", "ml.m5.xlarge"]),
            ("storage".into(), 0.01, vec![]),
            ("other".into(), 0.004, vec![]),
        ]
    );
    assert_eq!((spend.requests, spend.cached), (1, false));
    let json = serde_json::to_value(&spend).unwrap();
    assert_eq!(
        json["days"][0],
        serde_json::json!({"date": "2026-11-29", "usd": 3.5, "estimated": true})
    );
    assert_eq!(json["by_kind"][0]["kind"], "hosting");
    assert_eq!(json["estimate_per_hour_usd"], 0.23);
    // From the cache, no request was made by this run.
    let cached = cache::Answer {
        cached: true,
        ..answer()
    };
    assert_eq!(Spend::new("123456789012", &window(), &cached, None).requests, 0);
    // Nothing billed is $0.00, never `$-0.00` (an empty f64 sum is -0.0).
    let nothing = cache::Answer {
        costs: Costs::default(),
        ..answer()
    };
    let empty = Spend::new("123456789012", &window(), &nothing, None);
    assert!(empty.total_usd.is_sign_positive() && empty.month_to_date_usd.is_sign_positive());
    assert!(empty.days.iter().all(|d| d.usd.is_sign_positive()));
    colored::control::set_override(false);
    assert!(!text(&empty, Lang::En, 80, false).contains("$-"));
}

#[test]
fn the_text_fits_60_and_100_columns_in_both_languages() {
    let spend = Spend::new(
        "123456789012",
        &window(),
        &answer(),
        Some(Estimate {
            per_hour_usd: 1.5,
            partial: true,
        }),
    );
    colored::control::set_override(false);
    for lang in [Lang::En, Lang::Pt] {
        for width in [60, 100] {
            for unicode in [true, false] {
                let text = text(&spend, lang, width, unicode);
                for line in text.lines() {
                    assert!(
                        textwrap::core::display_width(line) <= width,
                        "{lang:?} {width}: {line:?}\n{text}"
                    );
                }
                assert!(text.contains("12-01"), "{text}");
                assert_eq!(text.contains('█'), unicode, "{text}");
                assert!(text.contains("ml.m5.xlarge"), "{text}");
                assert!(text.contains("EUC1-FeatureStore:ReadRequestUnits"), "{text}");
            }
        }
    }
    let en = text(&spend, Lang::En, 100, false);
    assert!(en.contains("$10.66") && en.contains("$14.16"), "{en}");
    assert!(en.contains("2026-12-03 09:15 UTC"), "{en}");
    assert!(en.contains("about a day late"), "{en}");
    let pt = text(&spend, Lang::Pt, 100, false);
    assert!(pt.contains("US$\u{a0}10,66"), "{pt}");
}

#[test]
fn each_failure_says_what_to_do() {
    let error = |kind, message: &str| CallError {
        operation: "ce:GetCostAndUsage".into(),
        kind,
        message: message.into(),
    };
    let denied = explain(
        &error(
            ErrorKind::AccessDenied,
            "AccessDeniedException: User not enabled for cost explorer access",
        ),
        Lang::En,
    );
    assert!(
        denied.contains("ce:GetCostAndUsage")
            && denied.contains("User not enabled")
            && denied.contains("iam-policy")
            && denied.contains(crate::aws::operations::OPTIONAL_SID),
        "{denied}"
    );
    let throttled = explain(
        &error(ErrorKind::Throttling, "LimitExceededException: slow down"),
        Lang::Pt,
    );
    assert!(
        throttled.contains("LimitExceededException") && throttled.contains('3'),
        "{throttled}"
    );
    let unavailable = explain(&error(ErrorKind::Other, "DataUnavailableException: none"), Lang::En);
    assert!(unavailable.contains("no data"), "{unavailable}");
    assert!(short_reason(&error(ErrorKind::AccessDenied, "x"), Lang::En).contains("ce:GetCostAndUsage"));
}

#[test]
fn money_is_in_its_currency_and_the_learners_notation() {
    assert_eq!(money(10.664, "USD", Lang::En), "$10.66");
    assert_eq!(money(10.664, "USD", Lang::Pt), "US$\u{a0}10,66");
    assert_eq!(money(3.0, "EUR", Lang::Pt), "3,00 EUR");
    assert_eq!(when("2026-12-03T09:15:00Z"), "2026-12-03 09:15 UTC");
}
