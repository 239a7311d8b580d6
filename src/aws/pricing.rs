//! The AWS Price List API (GetProducts): every SageMaker product of a
//! region, as the raw documents `catalog::prices` parses. The API answers
//! only in a few regions (us-east-1, eu-central-1, ap-south-1); we ask
//! us-east-1, as the module's CLI example does.

use aws_config::SdkConfig;

use super::call_error;
use super::operations as op;
use crate::snapshot::{CallError, ErrorKind};

/// Where the Price List API is asked.
pub const PRICING_REGION: &str = "us-east-1";

/// Pages of GetProducts read at most (100 products each): a bound, so a
/// misbehaving answer cannot keep us paging for ever.
const MAX_PAGES: usize = 60;

/// Reads every page of SageMaker products for `region` (bounded).
pub async fn fetch(config: &SdkConfig, region: &str) -> Result<Vec<String>, CallError> {
    use aws_sdk_pricing::types::{Filter, FilterType};
    let config = config
        .to_builder()
        .region(aws_config::Region::new(PRICING_REGION))
        .build();
    let client = aws_sdk_pricing::Client::new(&config);
    let filter = Filter::builder()
        .r#type(FilterType::TermMatch)
        .field("regionCode")
        .value(region)
        .build()
        .map_err(|e| CallError {
            operation: op::GET_PRODUCTS.into(),
            kind: ErrorKind::Other,
            message: e.to_string(),
        })?;
    let mut items = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..MAX_PAGES {
        let out = client
            .get_products()
            .service_code("AmazonSageMaker")
            .filters(filter.clone())
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
