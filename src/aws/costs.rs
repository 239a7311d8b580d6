//! Cost Explorer's GetCostAndUsage: what the account was really billed for
//! SageMaker, per day and usage type. Every page of an answer is a billed
//! request (US$0.01, AWS Cost Explorer pricing; "each paginated request" in
//! AWS's "Best practices for the AWS Cost Explorer API"), so callers go
//! through `spend`'s cache rather than here.

use std::collections::BTreeMap;

use aws_config::SdkConfig;
use serde::{Deserialize, Serialize};

use super::call_error;
use super::operations as op;
use crate::snapshot::{CallError, ErrorKind};

/// Cost Explorer's SERVICE value for SageMaker. The product's rename to
/// "SageMaker AI" did not change it (GetDimensionValues, reported in
/// towardsthecloud/cloudburn#207, 2026-09); the course's budget filters on
/// the same name (`fix::create_budget`).
pub(crate) const SERVICE: &str = "Amazon SageMaker";
/// What this account was charged at its own rates, day by day: Cost
/// Explorer's default daily view. BlendedCost averages rates across an
/// organization's accounts (AWS, "linked account bills show unblended
/// costs", 2018-05-07), and for a learner's own account is the same number.
pub(crate) const METRIC: &str = "UnblendedCost";
pub(crate) const GRANULARITY: &str = "DAILY";
pub(crate) const GROUP_BY: &str = "USAGE_TYPE";

/// Pages read at most: a bound, so an answer that never ends cannot keep
/// billing requests (a few weeks of SageMaker usage types fit in one).
const MAX_PAGES: u32 = 10;

/// The request's parameters, as the cache records them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CostQuery {
    pub service: String,
    pub metric: String,
    pub granularity: String,
    pub group_by: String,
    /// The first day, inclusive (`YYYY-MM-DD`).
    pub start: String,
    /// The day after the last one: exclusive, as Cost Explorer's `End`.
    pub end: String,
}

impl CostQuery {
    /// SageMaker's daily unblended cost by usage type from `start` to `end` (exclusive).
    pub(crate) fn new(start: &str, end: &str) -> CostQuery {
        CostQuery {
            service: SERVICE.into(),
            metric: METRIC.into(),
            granularity: GRANULARITY.into(),
            group_by: GROUP_BY.into(),
            start: start.into(),
            end: end.into(),
        }
    }

    /// This answer also answers `other`: the same question over a period
    /// that holds `other`'s (dates as `YYYY-MM-DD` compare as text).
    pub(crate) fn covers(&self, other: &CostQuery) -> bool {
        let same = CostQuery {
            start: other.start.clone(),
            end: other.end.clone(),
            ..self.clone()
        };
        same == *other && self.start <= other.start && self.end >= other.end
    }
}

/// The answer: each day's cost per usage type.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub(crate) struct Costs {
    /// The amounts' unit (`USD`); none when no amount came back.
    pub currency: Option<String>,
    /// In date order.
    pub days: Vec<DayCost>,
    /// Pages read: each was a billed request.
    pub requests: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct DayCost {
    pub date: String,
    /// Cost Explorer's `Estimated`: the month is not closed yet.
    pub estimated: bool,
    pub usage_types: Vec<UsageCost>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct UsageCost {
    /// As Cost Explorer names it (`EUC1-Notebk:ml.t3.medium`); empty for a
    /// day's total that came without groups.
    pub usage_type: String,
    pub amount: f64,
}

/// Asks Cost Explorer, following pages (each one billed). Cost Explorer
/// answers at one endpoint per partition (us-east-1 for `aws`), which the
/// SDK picks whatever the configured region.
pub(crate) async fn fetch(config: &SdkConfig, query: &CostQuery) -> Result<Costs, CallError> {
    use aws_sdk_costexplorer::types::{
        DateInterval, Dimension, DimensionValues, Expression, Granularity, GroupDefinition, GroupDefinitionType,
    };
    let client = aws_sdk_costexplorer::Client::new(config);
    let unreadable = |message: String| CallError {
        operation: op::GET_COST_AND_USAGE.into(),
        kind: ErrorKind::Other,
        message,
    };
    let period = DateInterval::builder()
        .start(&query.start)
        .end(&query.end)
        .build()
        .map_err(|e| unreadable(e.to_string()))?;
    let filter = Expression::builder()
        .dimensions(
            DimensionValues::builder()
                .key(Dimension::Service)
                .values(&query.service)
                .build(),
        )
        .build();
    let group = GroupDefinition::builder()
        .r#type(GroupDefinitionType::Dimension)
        .key(&query.group_by)
        .build();
    let mut days: BTreeMap<String, DayCost> = BTreeMap::new();
    let mut currency = None;
    let mut requests = 0;
    let mut token: Option<String> = None;
    while requests < MAX_PAGES {
        let out = client
            .get_cost_and_usage()
            .time_period(period.clone())
            .granularity(Granularity::from(query.granularity.as_str()))
            .filter(filter.clone())
            .metrics(&query.metric)
            .group_by(group.clone())
            .set_next_page_token(token.clone())
            .send()
            .await
            .map_err(|e| call_error(op::GET_COST_AND_USAGE, e))?;
        requests += 1;
        for result in out.results_by_time() {
            let Some(date) = result.time_period().map(|p| p.start().to_string()) else {
                continue;
            };
            let day = days.entry(date.clone()).or_insert_with(|| DayCost {
                date,
                estimated: false,
                usage_types: Vec::new(),
            });
            day.estimated |= result.estimated();
            let mut amounts: Vec<(String, Option<&aws_sdk_costexplorer::types::MetricValue>)> = result
                .groups()
                .iter()
                .map(|g| (g.keys().join(" "), g.metrics().and_then(|m| m.get(&query.metric))))
                .collect();
            // With a GroupBy Cost Explorer leaves `Total` empty; a total
            // without groups is still counted rather than dropped.
            if amounts.is_empty()
                && let Some(total) = result.total().and_then(|t| t.get(&query.metric))
            {
                amounts.push((String::new(), Some(total)));
            }
            for (usage_type, value) in amounts {
                let Some(value) = value else { continue };
                let amount: f64 = value
                    .amount()
                    .unwrap_or("0")
                    .parse()
                    .map_err(|_| unreadable(format!("amount {:?} for {usage_type}", value.amount())))?;
                currency = currency.or_else(|| value.unit().map(str::to_string));
                match day.usage_types.iter_mut().find(|u| u.usage_type == usage_type) {
                    Some(known) => known.amount += amount,
                    None => day.usage_types.push(UsageCost { usage_type, amount }),
                }
            }
        }
        token = out.next_page_token().map(str::to_string).filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    Ok(Costs {
        currency,
        days: days.into_values().collect(),
        requests,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_covers_the_same_question_over_a_shorter_period_only() {
        let month = CostQuery::new("2026-11-01", "2026-12-01");
        assert!(month.covers(&CostQuery::new("2026-11-10", "2026-12-01")));
        assert!(month.covers(&month));
        assert!(!month.covers(&CostQuery::new("2026-10-31", "2026-12-01")));
        assert!(!month.covers(&CostQuery::new("2026-11-10", "2026-12-02")));
        let blended = CostQuery {
            metric: "BlendedCost".into(),
            ..month.clone()
        };
        assert!(!blended.covers(&month), "another metric is another question");
    }
}
