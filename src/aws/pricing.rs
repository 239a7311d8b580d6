//! The AWS Price List API (GetProducts): every SageMaker instance product of
//! a region, as the raw documents `catalog::prices` parses. The API answers
//! only in a few regions (us-east-1, eu-central-1, ap-south-1); we ask
//! us-east-1, as the module's CLI example does.

use aws_config::SdkConfig;
use futures_util::StreamExt;

use super::call_error;
use super::operations as op;
use crate::snapshot::{CallError, ErrorKind};

/// Where the Price List API is asked.
pub(crate) const PRICING_REGION: &str = "us-east-1";

/// Pages of GetProducts read at most (100 products each): a bound, so a
/// misbehaving answer cannot keep us paging for ever, above the few
/// thousand instance products (one per instance type and usage) a region has.
const MAX_PAGES: usize = 200;

/// Regions asked at once by `fetch_each`: a few, as the Price List API
/// throttles a burst sooner than the regional APIs do.
pub(crate) const REGIONS_AT_ONCE: usize = 4;

/// Fetches several regions, `REGIONS_AT_ONCE` at a time, handing each
/// region's documents to `parse` as they arrive (so only a few regions' raw
/// documents are held at once). Results come back in `regions`' order; a
/// region that fails carries its error and does not stop the others.
pub(crate) async fn fetch_each<T>(
    config: &SdkConfig,
    regions: &[String],
    parse: impl Fn(&str, Vec<String>) -> T,
) -> Vec<(String, Result<T, CallError>)> {
    let parse = &parse;
    let mut done: Vec<(usize, String, Result<T, CallError>)> = futures_util::stream::iter(regions.iter().enumerate())
        .map(|(n, region)| async move {
            let result = fetch(config, region).await.map(|items| parse(region, items));
            (n, region.clone(), result)
        })
        .buffer_unordered(REGIONS_AT_ONCE)
        .collect()
        .await;
    done.sort_by_key(|(n, _, _)| *n);
    done.into_iter().map(|(_, region, result)| (region, result)).collect()
}

/// Reads every page of SageMaker products for `region` (bounded).
pub(crate) async fn fetch(config: &SdkConfig, region: &str) -> Result<Vec<String>, CallError> {
    use aws_sdk_pricing::types::{Filter, FilterType};
    let config = config
        .to_builder()
        .region(aws_config::Region::new(PRICING_REGION))
        .build();
    let client = aws_sdk_pricing::Client::new(&config);
    let term = |field: &str, value: &str| {
        Filter::builder()
            .r#type(FilterType::TermMatch)
            .field(field)
            .value(value)
            .build()
            .map_err(|e| CallError {
                operation: op::GET_PRODUCTS.into(),
                kind: ErrorKind::Other,
                message: e.to_string(),
            })
    };
    // Instances only: storage, data transfer and the rest are other families.
    let filters = vec![term("regionCode", region)?, term("productFamily", "ML Instance")?];
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let out = client
            .get_products()
            .service_code("AmazonSageMaker")
            .set_filters(Some(filters.clone()))
            .format_version("aws_v1")
            .max_results(100)
            .set_next_token(token.clone())
            .send()
            .await
            .map_err(|e| call_error(op::GET_PRODUCTS, e))?;
        items.extend(out.price_list().iter().cloned());
        token = out.next_token().map(str::to_string).filter(|t| !t.is_empty());
        if token.is_none() {
            break;
        }
    }
    Ok(items)
}
